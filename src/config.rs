//! The site configuration (`bilan.toml`): the site, its programmes, where each table
//! comes from, and the privacy settings. Paths are relative to the file itself.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::model::Table;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub site: String,
    #[serde(default)]
    pub confidentialite: Confidentialite,
    #[serde(rename = "dispositif")]
    pub dispositifs: Vec<Dispositif>,
    /// Folder of the configuration file: the base of every relative path.
    #[serde(skip)]
    pub dossier: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confidentialite {
    /// Counts from 1 to `seuil − 1` are masked in `diffusion` outputs; 0 turns masking off.
    #[serde(default = "seuil_par_defaut")]
    pub seuil: u32,
}

fn seuil_par_defaut() -> u32 {
    5
}

impl Default for Confidentialite {
    fn default() -> Self {
        Confidentialite {
            seuil: seuil_par_defaut(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dispositif {
    /// Short code written in the `dispositif` column of `indicateurs.csv`.
    pub id: String,
    pub nom: String,
    #[serde(rename = "type")]
    pub type_: TypeDispositif,
    pub places: u32,
    #[serde(deserialize_with = "date_toml")]
    pub ouverture: NaiveDate,
    /// Home visits per person per week; defaults to the programme kind's target.
    pub objectif_vad: Option<f64>,
    pub sources: BTreeMap<Table, Source>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeDispositif {
    Ucsd,
    UcsdJeunes,
    LogementAbord,
    Village,
}

impl TypeDispositif {
    pub fn code(self) -> &'static str {
        match self {
            TypeDispositif::Ucsd => "ucsd",
            TypeDispositif::UcsdJeunes => "ucsd_jeunes",
            TypeDispositif::LogementAbord => "logement_abord",
            TypeDispositif::Village => "village",
        }
    }

    pub fn libelle(self) -> &'static str {
        match self {
            TypeDispositif::Ucsd => "ACT « Un chez-soi d'abord »",
            TypeDispositif::UcsdJeunes => "« Un chez-soi d'abord » Jeunes",
            TypeDispositif::LogementAbord => "Logement d'abord",
            TypeDispositif::Village => "Village de l'insertion",
        }
    }
}

impl fmt::Display for TypeDispositif {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Dispositif {
    pub fn objectif_vad(&self) -> f64 {
        self.objectif_vad.unwrap_or(match self.type_ {
            TypeDispositif::UcsdJeunes => 2.0,
            _ => 1.0,
        })
    }
}

/// Where a table comes from: a file, or a sheet of a workbook.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Source {
    Fichier(PathBuf),
    Detail(SourceDetaillee),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDetaillee {
    pub fichier: PathBuf,
    pub feuille: Option<String>,
}

impl Source {
    pub fn fichier(&self) -> &Path {
        match self {
            Source::Fichier(f) => f,
            Source::Detail(d) => &d.fichier,
        }
    }

    pub fn feuille(&self) -> Option<&str> {
        match self {
            Source::Fichier(_) => None,
            Source::Detail(d) => d.feuille.as_deref(),
        }
    }
}

fn date_toml<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    use serde::de::Error;
    let valeur = toml::Value::deserialize(d)?;
    let texte = match &valeur {
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::String(s) => s.clone(),
        autre => {
            return Err(D::Error::custom(format!(
                "date attendue, trouvé « {autre} »"
            )));
        }
    };
    crate::ingest::valeurs::lire_date_texte(&texte)
        .map_err(|e| D::Error::custom(format!("date « {texte} » illisible : {e}")))
}

impl Config {
    pub fn lire(chemin: &Path) -> Result<Config> {
        let texte = std::fs::read_to_string(chemin).with_context(|| {
            format!(
                "Impossible de lire le fichier de configuration « {} ».",
                chemin.display()
            )
        })?;
        let mut config: Config = toml::from_str(&texte).map_err(|e| {
            let ligne = e
                .span()
                .map(|s| format!(", ligne {}", texte[..s.start].lines().count().max(1)))
                .unwrap_or_default();
            anyhow!(
                "Configuration « {} »{ligne} : {}.",
                chemin.display(),
                traduire_erreur_serde(e.message())
            )
        })?;
        if config.dispositifs.is_empty() {
            return Err(anyhow!(
                "Configuration « {} » : aucun dispositif déclaré (section [[dispositif]]).",
                chemin.display()
            ));
        }
        for disp in &config.dispositifs {
            if !disp.sources.contains_key(&Table::Accompagnements) {
                return Err(anyhow!(
                    "Configuration « {} » : le dispositif « {} » ne déclare pas la source de la table « accompagnements » (clé sources.accompagnements), indispensable à tout calcul.",
                    chemin.display(),
                    disp.id
                ));
            }
        }
        config.dossier = chemin
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(config)
    }

    pub fn chemin(&self, source: &Source) -> PathBuf {
        self.dossier.join(source.fichier())
    }
}

/// serde's messages are English; users read French. The forms below are the ones
/// serde and toml produce for configuration mistakes.
pub fn traduire_erreur_serde(message: &str) -> String {
    let message = message.trim();
    let ticks = |s: &str| s.replace('`', "").trim().to_string();
    if let Some(reste) = message.strip_prefix("unknown field ") {
        let (cle, attendues) = reste.split_once(", expected").unwrap_or((reste, ""));
        let attendues = attendues.trim_start_matches(" one of").trim();
        return format!(
            "clé inconnue « {} » (clés possibles : {})",
            ticks(cle),
            ticks(attendues)
        );
    }
    if let Some(reste) = message.strip_prefix("unknown variant ") {
        let (valeur, attendues) = reste.split_once(", expected").unwrap_or((reste, ""));
        let attendues = attendues.trim_start_matches(" one of").trim();
        return format!(
            "valeur inconnue « {} » (valeurs possibles : {})",
            ticks(valeur),
            ticks(attendues)
        );
    }
    if let Some(cle) = message.strip_prefix("missing field ") {
        return format!("clé obligatoire « {} » absente", ticks(cle));
    }
    if message.starts_with("data did not match any variant of untagged enum Source") {
        return "source invalide : indiquez un chemin de fichier, ou { fichier = \"…\", feuille = \"…\" }"
            .to_string();
    }
    if let Some(reste) = message.strip_prefix("invalid type: ") {
        let (trouve, attendu) = reste.split_once(", expected").unwrap_or((reste, ""));
        return format!(
            "type de valeur incorrect ({} au lieu de {})",
            traduire_type(trouve),
            traduire_type(attendu)
        );
    }
    message.to_string()
}

fn traduire_type(t: &str) -> String {
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
