//! The coordinator's own words: one Markdown or Typst file per programme and part, read
//! once before anything is rendered and placed at the head of its part.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::markup::{check_typst, markdown_to_typst};
use crate::config::Config;
use crate::indicators::Catalogue;

/// The name of the coordinator's text that opens a programme's synthesis page.
pub const SYNTHESIS: &str = "synthese";

/// The coordinator's texts, as Typst markup, by programme id and section: read once,
/// before anything is rendered.
#[derive(Default)]
pub struct Texts {
    /// The markup and the file it was read from.
    sections: BTreeMap<(String, String), (String, String)>,
}

impl Texts {
    /// For each programme and section, `DOSSIER/<programme>/<section>.md|.typ`, else
    /// `DOSSIER/<section>.md|.typ`, where DOSSIER is the configuration's `textes`; a
    /// missing file is no error.
    pub fn read(config: &Config, catalogue: &Catalogue) -> Result<Texts> {
        let mut texts = Texts::default();
        let Some(folder) = &config.texts else {
            return Ok(texts);
        };
        let folder = config.base_dir.join(folder);
        for programme in &config.programmes {
            let parts =
                std::iter::once(SYNTHESIS).chain(catalogue.groups.iter().map(|g| g.slug.as_str()));
            for slug in parts {
                if let Some(words) = Self::read_one(&folder, &programme.id, slug)? {
                    texts
                        .sections
                        .insert((programme.id.clone(), slug.to_string()), words);
                }
            }
        }
        Ok(texts)
    }

    fn read_one(folder: &Path, programme: &str, slug: &str) -> Result<Option<(String, String)>> {
        for dir in [folder.join(programme), folder.to_path_buf()] {
            for (extension, typst) in [("typ", true), ("md", false)] {
                let path = dir.join(format!("{slug}.{extension}"));
                if path.is_file() {
                    let text = crate::config::read_text(&path, "texte de la coordination")?;
                    if typst {
                        check_typst(&path, &text)?;
                    }
                    let markup = if typst {
                        text
                    } else {
                        markdown_to_typst(&text)
                    };
                    return Ok(Some((markup, path.display().to_string())));
                }
            }
        }
        Ok(None)
    }

    pub fn get(&self, programme: &str, slug: &str) -> Option<(String, String)> {
        self.sections
            .get(&(programme.to_string(), slug.to_string()))
            .cloned()
    }
}
