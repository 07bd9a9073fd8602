//! The site configuration (`bilan.toml`): the site, its programmes, where each table
//! comes from, and the privacy settings. Paths are relative to the file itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

use crate::model::{ProgrammeKind, Table, fold};
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
    /// The national benchmarks (`reperes.csv` of `bilan consolider`) shown beside the
    /// key figures.
    #[serde(rename = "reperes")]
    pub benchmarks: Option<PathBuf>,
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
    pub places: Places,
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

/// The authorised places: one number, the same every day since opening, or a dated
/// history (donnees.md, « Capacity over time »).
#[derive(Debug, Clone, PartialEq)]
pub enum Places {
    Fixed(u32),
    /// (first day it holds, places), strictly in date order.
    History(Vec<(NaiveDate, u32)>),
}

impl<'de> Deserialize<'de> for Places {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Places, D::Error> {
        let value = toml::Value::deserialize(d)?;
        Places::from_toml(&value).map_err(serde::de::Error::custom)
    }
}

const PLACES_FORMS: &str = "un nombre (places = 16) ou un historique daté (places = [{ depuis = 2024-06-01, places = 10 }, { depuis = 2025-06-01, places = 16 }])";

impl Places {
    fn from_toml(value: &toml::Value) -> Result<Places, String> {
        let count = |n: i64, entry: &str| {
            u32::try_from(n).map_err(|_| {
                format!("{entry}le nombre de places vaut {n} : un nombre entier positif ou nul est attendu")
            })
        };
        let entries = match value {
            toml::Value::Integer(n) => return count(*n, "").map(Places::Fixed),
            toml::Value::Array(entries) if !entries.is_empty() => entries,
            toml::Value::Array(_) => {
                return Err(format!(
                    "l'historique des places est vide : indiquez {PLACES_FORMS}"
                ));
            }
            _ => return Err(format!("places invalide : indiquez {PLACES_FORMS}")),
        };
        let mut history: Vec<(NaiveDate, u32)> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let name = format!("entrée {} de l'historique des places", i + 1);
            let fields = entry
                .as_table()
                .filter(|t| t.len() == 2 && t.contains_key("depuis") && t.contains_key("places"));
            let (Some(since), Some(places)) = (
                fields.and_then(|t| t.get("depuis")),
                fields.and_then(|t| t.get("places")),
            ) else {
                return Err(format!(
                    "{name} (« {entry} ») : {{ depuis = AAAA-MM-JJ, places = N }} attendu, sans autre clé"
                ));
            };
            let since = match since {
                toml::Value::Datetime(dt) => crate::period::parse_date(&dt.to_string()),
                toml::Value::String(s) => crate::period::parse_date(s),
                _ => Err("date attendue".to_string()),
            }
            .map_err(|e| format!("{name} : date « depuis » illisible ({e})"))?;
            let Some(places) = places.as_integer() else {
                return Err(format!(
                    "{name} (depuis le {}) : le nombre de places doit être un nombre entier",
                    since.format("%d/%m/%Y")
                ));
            };
            let places = count(
                places,
                &format!("{name} (depuis le {}) : ", since.format("%d/%m/%Y")),
            )?;
            if let Some((before, _)) = history.last()
                && *before >= since
            {
                return Err(format!(
                    "{name} (depuis le {}) : les entrées doivent être dans l'ordre des dates, chacune après la précédente (depuis le {})",
                    since.format("%d/%m/%Y"),
                    before.format("%d/%m/%Y")
                ));
            }
            history.push((since, places));
        }
        Ok(Places::History(history))
    }
}

impl Programme {
    /// The places in force on `day`: those of the latest entry dated on or before it, 0
    /// before the opening (and before the first entry of a history).
    pub fn places_on(&self, day: NaiveDate) -> u32 {
        self.steps()
            .iter()
            .rev()
            .find(|(since, _)| *since <= day)
            .map_or(0, |(_, places)| *places)
    }

    /// Σ over the days of the period of the places in force.
    pub fn capacity_days(&self, period: crate::period::Period) -> i64 {
        let steps = self.steps();
        let after_end = period.end + chrono::Days::new(1);
        steps
            .iter()
            .enumerate()
            .map(|(i, (since, places))| {
                let until = steps.get(i + 1).map_or(after_end, |(next, _)| *next);
                let days = (until.min(after_end) - (*since).max(period.start)).num_days();
                days.max(0) * i64::from(*places)
            })
            .sum()
    }

    pub fn has_places_history(&self) -> bool {
        matches!(self.places, Places::History(_))
    }

    /// Each stretch of constant places, by its first day.
    fn steps(&self) -> Vec<(NaiveDate, u32)> {
        match &self.places {
            Places::Fixed(n) => vec![(self.opening, *n)],
            Places::History(h) => h.clone(),
        }
    }

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

/// A TOML file of the site (configuration, profile) as text: UTF-8, or Windows-1252
/// as Notepad and Excel save it on Windows.
pub fn read_text(path: &Path, what: &str) -> Result<String> {
    if path.is_dir() {
        let hint = if path.join("bilan.toml").is_file() {
            format!(" (par exemple « {} »)", path.join("bilan.toml").display())
        } else {
            String::new()
        };
        return Err(anyhow!(
            "« {} » est un dossier : indiquez le {what} lui-même{hint}.",
            path.display()
        ));
    }
    crate::input::regular(path, &format!("le {what}"))?;
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow!(
            "Impossible de lire le {what} « {} » : {}.",
            path.display(),
            crate::format::io_error(&e)
        )
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // A NUL byte is no character of a text file (a binary file, or UTF-16 saved by
    // mistake): the TOML parser would explain it as an unclosed string.
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(anyhow!(
            "Le {what} « {} », ligne {line}, contient un caractère nul (octet 0) : ce n'est pas un fichier texte. Enregistrez-le depuis un éditeur de texte, en UTF-8.",
            path.display()
        ));
    }
    Ok(match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    })
}

/// A TOML error of a site's file in French: its line, an excerpt of the line, and what
/// is wrong with it.
pub fn toml_error(what: &str, path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let place = e.span().map(|s| {
        let number = text[..s.start.min(text.len())].matches('\n').count() + 1;
        let line: String = text
            .lines()
            .nth(number - 1)
            .unwrap_or("")
            .trim()
            .chars()
            .take(60)
            .collect();
        let column = text[..s.start.min(text.len())]
            .rsplit('\n')
            .next()
            .map_or(0, |before| before.chars().count())
            + 1;
        format!(", ligne {number}, colonne {column} (« {line} »)")
    });
    anyhow!(
        "{what} « {} »{} : {}.",
        path.display(),
        place.unwrap_or_default(),
        translate_serde_error(e.message())
    )
}

/// The value `bilan init` writes where only the coordinator knows the answer (the
/// programme's kind, places, opening date…): refused until replaced.
pub const PLACEHOLDER: &str = "À RENSEIGNER";

/// The keys of a site's TOML document (`dispositif.1.type`…) that still hold
/// [`PLACEHOLDER`], in the document's order.
pub fn placeholders(document: &toml::Table) -> Vec<String> {
    fn walk(value: &toml::Value, key: String, found: &mut Vec<String>) {
        match value {
            toml::Value::String(s) if fold(s) == fold(PLACEHOLDER) => found.push(key),
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if key.is_empty() {
                        k.clone()
                    } else {
                        format!("{key}.{k}")
                    };
                    walk(v, key, found);
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, format!("{key}.{}", i + 1), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(
        &toml::Value::Table(document.clone()),
        String::new(),
        &mut found,
    );
    found
}

/// The error of a file whose placeholders are not all filled: every key named.
pub fn placeholders_error(what: &str, path: &Path, keys: &[String]) -> anyhow::Error {
    anyhow!(
        "{what} « {} » : {} encore « {PLACEHOLDER} » ({}) ; remplacez chaque « {PLACEHOLDER} » par la valeur du site (le haut du fichier dit ce qui est attendu).",
        path.display(),
        if keys.len() == 1 {
            "une valeur est"
        } else {
            "des valeurs sont"
        },
        keys.iter()
            .map(|k| format!("clé « {k} »"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Config {
    pub fn read(path: &Path) -> Result<Config> {
        let text = read_text(path, "fichier de configuration")?;
        let document: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| toml_error("Configuration", path, &text, &e))?;
        let unfilled = placeholders(&document);
        if !unfilled.is_empty() {
            return Err(placeholders_error("Configuration", path, &unfilled));
        }
        let mut config: Config =
            toml::from_str(&text).map_err(|e| toml_error("Configuration", path, &text, &e))?;
        let invalid = |message: String| anyhow!("Configuration « {} » : {message}", path.display());
        if config.site.trim().is_empty() {
            return Err(invalid(
                "le nom du site est vide : indiquez-le (clé site), il titre chaque tableau et le rapport."
                    .to_string(),
            ));
        }
        let mut ids = std::collections::BTreeSet::new();
        for (i, prog) in config.programmes.iter().enumerate() {
            // The id names files, sheets and every row of indicateurs.csv: a blank one
            // or one holding a line break would make rows nobody can tell apart or read.
            if prog.id.trim().is_empty() || prog.id.chars().any(char::is_control) {
                return Err(invalid(format!(
                    "l'identifiant du dispositif n° {} (« {} ») est vide ou contient un saut de ligne ou un caractère de contrôle : donnez-lui un identifiant court sur une ligne, par exemple « ucsd_lille » (clé id).",
                    i + 1,
                    crate::findings::excerpt(&prog.id)
                )));
            }
            if !ids.insert(prog.id.as_str()) {
                return Err(invalid(format!(
                    "deux dispositifs ont l'identifiant « {} » : chacun doit avoir le sien (clé id).",
                    prog.id
                )));
            }
            if prog.places == Places::Fixed(0) {
                return Err(invalid(format!(
                    "le dispositif « {} » a 0 place : indiquez le nombre de places autorisées (clé places), sans lequel le taux d'occupation n'a pas de sens.",
                    prog.id
                )));
            }
            if let Places::History(history) = &prog.places {
                for (i, (since, places)) in history.iter().enumerate() {
                    let entry = format!(
                        "l'entrée {} de l'historique des places du dispositif « {} » ({{ depuis = {}, places = {places} }})",
                        i + 1,
                        prog.id,
                        since.format("%Y-%m-%d")
                    );
                    if *since < prog.opening {
                        return Err(invalid(format!(
                            "{entry} commence avant l'ouverture du dispositif ({}) : la première date est l'ouverture ou une date postérieure.",
                            prog.opening.format("%d/%m/%Y")
                        )));
                    }
                    if !crate::period::SUPPORTED_YEARS.contains(&since.year()) {
                        return Err(invalid(format!(
                            "{entry} est hors des années traitées ({} à {}).",
                            crate::period::SUPPORTED_YEARS.start(),
                            crate::period::SUPPORTED_YEARS.end()
                        )));
                    }
                }
            }
            if let Some(target) = prog.visit_target
                && !(target > 0.0 && target.is_finite())
            {
                return Err(invalid(format!(
                    "l'objectif de visites du dispositif « {} » vaut {target} : un nombre positif de visites par personne et par semaine est attendu (clé objectif_vad).",
                    prog.id
                )));
            }
            if !crate::period::SUPPORTED_YEARS.contains(&prog.opening.year()) {
                return Err(invalid(format!(
                    "la date d'ouverture du dispositif « {} » ({}) est hors des années traitées ({} à {}).",
                    prog.id,
                    prog.opening.format("%d/%m/%Y"),
                    crate::period::SUPPORTED_YEARS.start(),
                    crate::period::SUPPORTED_YEARS.end()
                )));
            }
        }
        if config.programmes.is_empty() {
            return Err(anyhow!(
                "Configuration « {} » : aucun dispositif déclaré (section [[dispositif]]).",
                path.display()
            ));
        }
        for prog in &config.programmes {
            for (table, source) in &prog.sources {
                // An empty name would be read as the site's folder, or as a sheet no
                // workbook has (« n'a pas de feuille «  » »).
                let blank_sheet = source.sheet().is_some_and(|f| f.trim().is_empty());
                if source.file().as_os_str().is_empty() || blank_sheet {
                    return Err(invalid(format!(
                        "la source de la table « {table} » du dispositif « {} » a un nom de {} vide : indiquez-le (clé sources.{table}).",
                        prog.id,
                        if blank_sheet { "feuille" } else { "fichier" }
                    )));
                }
            }
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
        inputs.extend(self.benchmarks.iter().map(|b| self.base_dir.join(b)));
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
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        return format!(
            "valeur incorrecte ({} au lieu de {})",
            translate_type(found),
            translate_type(expected)
        );
    }
    for (english, french) in [
        ("extra ", "caractères en trop après la valeur"),
        ("unclosed table", "en-tête de section [ … ] non fermé"),
        ("unclosed array", "liste [ … ] non fermée"),
        ("unclosed inline table", "table { … } non fermée"),
        ("unterminated", "texte ouvert et jamais fermé"),
        (
            "invalid date",
            "date invalide (jour ou mois hors du calendrier)",
        ),
        (
            "invalid basic string",
            "texte ouvert par « \" » et jamais fermé",
        ),
        (
            "invalid literal string",
            "texte ouvert par « ' » et jamais fermé",
        ),
        ("invalid table header", "en-tête de section [ … ] mal formé"),
        ("duplicate key", "clé donnée deux fois"),
        (
            "invalid unquoted key",
            "clé invalide : sans guillemets, une clé ne s'écrit qu'en lettres sans accent, chiffres, « _ » et « - » (écrivez-la entre guillemets)",
        ),
        (
            "key with no value",
            "clé sans valeur : « = » puis la valeur attendus après la clé",
        ),
        ("invalid key", "clé invalide"),
        ("expected `=`", "« = » attendu après la clé"),
        ("invalid inline table", "table { … } mal formée"),
        ("invalid array", "liste [ … ] mal formée"),
        ("invalid number", "nombre invalide"),
        ("invalid string", "texte invalide"),
    ] {
        if message.starts_with(english) {
            return french.to_string();
        }
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
    // The parser's other explanations are English: said in French, the detail kept.
    let english = ["expected", "unexpected", "unclosed", "invalid", "extra"];
    if english
        .iter()
        .any(|w| message.starts_with(w) || message.contains(&format!(", {w}")))
    {
        // The line and column said before it show where; the English detail would not
        // help a French reader.
        return "syntaxe TOML invalide à cet endroit".to_string();
    }
    message.to_string()
}

fn translate_type(t: &str) -> String {
    let t = t.trim();
    let simple = [
        ("a string", "un texte"),
        ("string", "un texte"),
        ("u32", "un nombre entier positif"),
        ("a nonnegative integer", "un nombre entier positif"),
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
        return format!("le texte {}", crate::findings::excerpt(v));
    }
    if let Some(v) = t.strip_prefix("integer ") {
        return format!("le nombre {}", crate::findings::excerpt(v));
    }
    if let Some(v) = t.strip_prefix("floating point ") {
        return format!("le nombre {}", crate::findings::excerpt(v));
    }
    t.to_string()
}
