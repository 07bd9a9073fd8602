//! The site configuration (`bilan.toml`): the site, its programmes, where each table
//! comes from, and the privacy settings. Paths are relative to the file itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::model::{ProgrammeKind, Table};
use crate::privacy::Privacy;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub site: String,
    #[serde(default, rename = "confidentialite")]
    pub privacy: Privacy,
    #[serde(rename = "dispositif")]
    pub programmes: Vec<Programme>,
    /// Folder of the coordinator's texts, one file per section (`activite.md`…).
    #[serde(rename = "textes")]
    pub texts: Option<PathBuf>,
    /// Folder of the site's own indicators, in the catalogue's format.
    pub catalogue: Option<PathBuf>,
    /// Folder of the configuration file: the base of every relative path.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The configuration file itself.
    #[serde(skip)]
    pub path: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Short code written in the `dispositif` column of `indicateurs.csv`.
    pub id: String,
    #[serde(rename = "nom")]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ProgrammeKind,
    pub places: u32,
    #[serde(rename = "ouverture", deserialize_with = "toml_date")]
    pub opening: NaiveDate,
    /// Home visits per person per week; defaults to the programme kind's target.
    #[serde(rename = "objectif_vad")]
    pub visit_target: Option<f64>,
    /// Import profile of every source that names none; `reference` when absent.
    #[serde(rename = "profil")]
    pub profile: Option<PathBuf>,
    pub sources: BTreeMap<Table, Source>,
}

impl Programme {
    pub fn visit_target(&self) -> f64 {
        self.visit_target.unwrap_or(match self.kind {
            ProgrammeKind::UcsdJeunes => 2.0,
            _ => 1.0,
        })
    }
}

/// Where a table comes from: a file, or a sheet of a workbook.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Source {
    File(PathBuf),
    Detailed(DetailedSource),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetailedSource {
    #[serde(rename = "fichier")]
    pub file: PathBuf,
    #[serde(rename = "feuille")]
    pub sheet: Option<String>,
    #[serde(rename = "profil")]
    pub profile: Option<PathBuf>,
}

impl Source {
    pub fn file(&self) -> &Path {
        match self {
            Source::File(f) => f,
            Source::Detailed(d) => &d.file,
        }
    }

    pub fn sheet(&self) -> Option<&str> {
        match self {
            Source::File(_) => None,
            Source::Detailed(d) => d.sheet.as_deref(),
        }
    }

    pub fn profile(&self) -> Option<&Path> {
        match self {
            Source::File(_) => None,
            Source::Detailed(d) => d.profile.as_deref(),
        }
    }
}

fn toml_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    use serde::de::Error;
    let value = toml::Value::deserialize(d)?;
    let text = match &value {
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::String(s) => s.clone(),
        other => {
            return Err(D::Error::custom(format!(
                "date attendue, trouvé « {other} »"
            )));
        }
    };
    crate::period::parse_date(&text)
        .map_err(|e| D::Error::custom(format!("date « {text} » illisible : {e}")))
}

impl Config {
    pub fn read(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "Impossible de lire le fichier de configuration « {} ».",
                path.display()
            )
        })?;
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| format!(", ligne {}", text[..s.start].matches('\n').count() + 1))
                .unwrap_or_default();
            anyhow!(
                "Configuration « {} »{line} : {}.",
                path.display(),
                translate_serde_error(e.message())
            )
        })?;
        if config.programmes.is_empty() {
            return Err(anyhow!(
                "Configuration « {} » : aucun dispositif déclaré (section [[dispositif]]).",
                path.display()
            ));
        }
        for prog in &config.programmes {
            if !prog.sources.contains_key(&Table::Accompagnements) {
                return Err(anyhow!(
                    "Configuration « {} » : le dispositif « {} » ne déclare pas la source de la table « accompagnements » (clé sources.accompagnements), indispensable à tout calcul.",
                    path.display(),
                    prog.id
                ));
            }
        }
        config.base_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        config.path = path.to_path_buf();
        Ok(config)
    }

    pub fn path(&self, source: &Source) -> PathBuf {
        self.base_dir.join(source.file())
    }

    /// Every file a run reads: the configuration, the import profiles, the exports. An
    /// output never replaces one of them.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut inputs = vec![self.path.clone()];
        for programme in &self.programmes {
            inputs.extend(programme.profile.iter().map(|p| self.base_dir.join(p)));
            for source in programme.sources.values() {
                inputs.push(self.path(source));
                inputs.extend(source.profile().map(|p| self.base_dir.join(p)));
            }
        }
        inputs
    }
}

/// serde's messages are English; users read French. The forms below are the ones
/// serde and toml produce for configuration mistakes.
pub fn translate_serde_error(message: &str) -> String {
    let message = message.trim();
    let ticks = |s: &str| s.replace('`', "").trim().to_string();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (key, expected_keys) = rest.split_once(", expected").unwrap_or((rest, ""));
        let expected_keys = expected_keys.trim_start_matches(" one of").trim();
        return format!(
            "clé inconnue « {} » (clés possibles : {})",
            ticks(key),
            ticks(expected_keys)
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, expected_keys) = rest.split_once(", expected").unwrap_or((rest, ""));
        let expected_keys = expected_keys.trim_start_matches(" one of").trim();
        return format!(
            "valeur inconnue « {} » (valeurs possibles : {})",
            ticks(value),
            ticks(expected_keys)
        );
    }
    if let Some(key) = message.strip_prefix("missing field ") {
        return format!("clé obligatoire « {} » absente", ticks(key));
    }
    if message.starts_with("data did not match any variant of untagged enum Source") {
        return "source invalide : indiquez un chemin de fichier, ou { fichier = \"…\", feuille = \"…\", profil = \"…\" }"
            .to_string();
    }
    if message.starts_with("data did not match any variant of untagged enum Measure") {
        return "mesure invalide : { table, filters, distinct } (un compte), { table, filters, sum }, { table, filters, mean } ou { value }, sans autre clé"
            .to_string();
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        return format!(
            "type de valeur incorrect ({} au lieu de {})",
            translate_type(found),
            translate_type(expected)
        );
    }
    message.to_string()
}

fn translate_type(t: &str) -> String {
    let t = t.trim();
    let simple = [
        ("a string", "un texte"),
        ("string", "un texte"),
        ("u32", "un nombre entier positif"),
        ("i64", "un nombre entier"),
        ("f64", "un nombre"),
        ("a sequence", "une liste [[…]]"),
        ("a boolean", "un booléen"),
        ("struct Config", "une section"),
        ("a map", "une section"),
    ];
    for (en, fr) in simple {
        if t == en {
            return fr.to_string();
        }
    }
    if let Some(v) = t.strip_prefix("string ") {
        return format!("le texte {v}");
    }
    if let Some(v) = t.strip_prefix("integer ") {
        return format!("le nombre {v}");
    }
    if let Some(v) = t.strip_prefix("floating point ") {
        return format!("le nombre {v}");
    }
    t.to_string()
}
