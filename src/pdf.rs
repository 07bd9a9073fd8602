//! The report's PDF, compiled in-process by the typst library with the fonts it ships:
//! no system font, no network, no package download.

use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use chrono::Datelike;
use typst::diag::{FileError, FileResult, Severity};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// Parsing the embedded fonts takes a moment: once per process.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

struct ReportWorld {
    library: LazyHash<Library>,
    main: Source,
    today: chrono::NaiveDate,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id)
            .map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            self.today.month() as u8,
            self.today.day() as u8,
        )
    }
}

/// The template that produced a line of the document: the last `// modèle : NAME`
/// marker above it.
fn template_at(text: &str, line: usize) -> (usize, String) {
    text.lines()
        .take(line + 1)
        .enumerate()
        .filter_map(|(i, l)| Some((i, l.trim().strip_prefix("// modèle : ")?.to_string())))
        .last()
        .unwrap_or((0, "rapport.typ.j2".to_string()))
}

/// Where an error of the layout is to be corrected: the coordinator's text and its line
/// when the error is in it (the text starts two lines below its marker), else the template.
fn place(markup: &str, line: usize) -> String {
    let (marker, template) = template_at(markup, line);
    match template.split_once(" — texte « ") {
        Some((_, file)) => format!(
            "texte « {} », ligne {}",
            file.trim_end_matches(" »"),
            line.saturating_sub(marker + 1)
        ),
        None => format!("modèle « {template} », ligne {} de rapport.typ", line + 1),
    }
}

/// The PDF of the report; `today` is the date Typst gives to `datetime.today()`.
pub fn compile(markup: &str, today: chrono::NaiveDate) -> Result<Pdf> {
    let path = VirtualPath::new("rapport.typ").map_err(|_| anyhow!("chemin virtuel invalide"))?;
    let id = FileId::new(RootedPath::new(VirtualRoot::Project, path));
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        main: Source::new(id, markup.to_string()),
        today,
    };
    let failure = |diagnostics: &[typst::diag::SourceDiagnostic]| {
        let messages: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let line = world
                    .range(d.span)
                    .and_then(|r| world.main.lines().byte_to_line(r.start))
                    .unwrap_or(0);
                format!(
                    "{} : {}",
                    place(markup, line),
                    crate::format::typst_error(&d.message)
                )
            })
            .collect();
        anyhow!(
            "La mise en page du rapport en PDF a échoué ({}).",
            messages.join(" ; ")
        )
    };
    let document: typst_layout::PagedDocument =
        typst::compile(&world).output.map_err(|e| failure(&e))?;
    // The creation date written in the PDF is the run's day at 00:00 (UTC), not the
    // clock: the same inputs on the same day give the same bytes.
    let options = typst_pdf::PdfOptions {
        timestamp: Datetime::from_ymd_hms(
            today.year(),
            today.month() as u8,
            today.day() as u8,
            0,
            0,
            0,
        )
        .map(typst_pdf::Timestamp::new_utc),
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|e| failure(&e))?;
    Ok(Pdf {
        bytes,
        pages: document.pages().len(),
    })
}

/// A report laid out: the PDF's bytes, and its number of pages.
#[derive(Debug)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_a_page_and_says_which_template_failed() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let pdf = compile(
            "#set text(lang: \"fr\")\nBonjour « 1\u{202f}234,5 ».",
            today,
        )
        .unwrap();
        assert_eq!(pdf.pages, 1);
        let pdf = pdf.bytes;
        assert!(pdf.starts_with(b"%PDF"));
        // Its creation date is the day given, at midnight, whatever the clock says.
        let text = String::from_utf8_lossy(&pdf);
        assert!(
            text.contains("2026-01-15T00:00:00"),
            "date de création du PDF"
        );
        let error = compile("// modèle : activite.typ.j2\n#let x = (\n", today)
            .unwrap_err()
            .to_string();
        assert!(error.contains("modèle « activite.typ.j2 »"), "{error}");
        assert!(error.contains("ligne"), "{error}");
    }
}
