//! The outputs of a run: the published rows (labelled, masked for `diffusion`) and the
//! files written from them, each written atomically.

pub mod csv;
pub mod findings;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::config::{Config, Programme};
use crate::format;
use crate::indicators::engine::{NON_RENSEIGNE, Nature};
use crate::indicators::{Evaluation, Figure, Indicator, Modality, Outcome};
use crate::ingest::{Dataset, NON_RECONNU};
use crate::period::Period;
use crate::privacy::Audience;

/// Everything the outputs need of one run.
pub struct Run<'a> {
    pub config: &'a Config,
    pub period: Period,
    pub audience: Audience,
    pub programmes: Vec<ProgrammeRun<'a>>,
}

pub struct ProgrammeRun<'a> {
    pub programme: &'a Programme,
    pub data: &'a Dataset,
    pub evaluations: Vec<Evaluation<'a>>,
}

impl Run<'_> {
    pub fn periods(&self) -> [Period; 2] {
        [self.period, self.period.previous()]
    }

    /// Counts below this are masked; 0 when nothing is masked.
    pub fn threshold(&self) -> u32 {
        self.config.privacy.threshold(self.audience)
    }

    pub fn threshold_note(&self) -> Option<String> {
        match self.threshold() {
            0 | 1 => None,
            s => Some(format!(
                "Effectifs de 1 à {} masqués (« < {s} ») ainsi que les taux qui en dépendent : seuil de confidentialité {s}.",
                s - 1
            )),
        }
    }
}

/// How a rate with a masked term is written in every output.
pub const MASKED_RATE: &str = "masqué";

/// A figure as published: a number, a masked small count, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Value(f64),
    /// A count from 1 to threshold − 1.
    Masked(u32),
    /// A rate with a masked term.
    MaskedRate,
    Empty,
}

impl Shown {
    fn masks(value: Option<f64>, is_count: bool, threshold: u32) -> bool {
        is_count && value.is_some_and(|v| v >= 1.0 && v < f64::from(threshold))
    }

    /// Applies the privacy rule of indicateurs.md to one row: value, numerator,
    /// denominator.
    pub fn of(row: &Figure, threshold: u32) -> [Shown; 3] {
        let plain = |v: Option<f64>| v.map_or(Shown::Empty, Shown::Value);
        match row.nature {
            Nature::Headcount if Self::masks(row.value, true, threshold) => [
                Shown::Masked(threshold),
                plain(row.numerator),
                plain(row.denominator),
            ],
            Nature::Rate {
                numerator_is_count,
                denominator_is_count,
            } => {
                let term = |v: Option<f64>, is_count| {
                    if Self::masks(v, is_count, threshold) {
                        Shown::Masked(threshold)
                    } else {
                        plain(v)
                    }
                };
                let terms = [
                    term(row.numerator, numerator_is_count),
                    term(row.denominator, denominator_is_count),
                ];
                let value = if terms.iter().any(|t| matches!(t, Shown::Masked(_))) {
                    Shown::MaskedRate
                } else {
                    plain(row.value)
                };
                let [numerator, denominator] = terms;
                [value, numerator, denominator]
            }
            _ => [
                plain(row.value),
                plain(row.numerator),
                plain(row.denominator),
            ],
        }
    }

    /// French display: `1 234`, `92,9 %`, `< 5`, `—`.
    pub fn display(&self, unit: &str, nature: Nature) -> String {
        match self {
            Shown::Empty => "—".to_string(),
            Shown::Masked(s) => format!("< {s}"),
            Shown::MaskedRate => MASKED_RATE.to_string(),
            Shown::Value(v) => match unit {
                "%" => format::percent(*v),
                "€" => format::euros(*v),
                _ if nature == Nature::Headcount || v.fract() == 0.0 => format::number(*v, 0),
                _ => format::number(*v, 1),
            },
        }
    }
}

/// French label of a modalité: the code's label, the indicator's own label, or the
/// bucket label as written in the catalogue; a prefix reads « Prefix — label », a month
/// « Label — mars 2025 » (« Mois — mars 2025 » for the month's total).
pub fn modality_label(indicator: &Indicator, row: &Figure) -> String {
    let m = &row.modality;
    let mut parts: Vec<String> = m
        .prefix
        .iter()
        .map(|p| code_label(indicator, row.codes, p))
        .collect();
    let code = match (&m.month, m.code.as_str()) {
        (Some(_), "total") if m.prefix.is_none() => "mois",
        (_, code) => code,
    };
    parts.push(code_label(indicator, row.codes, code));
    parts.extend(m.month.map(format::month));
    parts.join(" — ")
}

/// French label of one code of an indicator, without a code list.
pub fn plain_label(indicator: &Indicator, modality: &str) -> String {
    code_label(indicator, None, modality)
}

fn code_label(
    indicator: &Indicator,
    codes: Option<&crate::model::CodeList>,
    modality: &str,
) -> String {
    if let Some(label) = indicator.labels.get(modality) {
        return label.clone();
    }
    if let Some(label) = codes.and_then(|l| l.label(modality)) {
        return label.to_string();
    }
    match modality {
        "total" => "Total",
        NON_RENSEIGNE => "Non renseigné",
        NON_RECONNU => "Non reconnu",
        "moyenne" => "Moyenne",
        "mediane" => "Médiane",
        "effectif" => "Effectif",
        "mois" => "Mois",
        other => return capitalise(other),
    }
    .to_string()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A modalité of the period before, its month moved one year on, so that each month
/// faces the same month a year earlier.
fn a_year_later(modality: &Modality) -> Modality {
    Modality {
        month: modality
            .month
            .and_then(|m| m.checked_add_months(chrono::Months::new(12))),
        ..modality.clone()
    }
}

/// The rows of both periods side by side, matched on the modalité (a month facing the
/// same month a year earlier), in the order of the current period; rows found only in
/// the period before come last.
pub fn side_by_side<'r>(results: &'r [Outcome; 2]) -> Vec<(&'r Figure, [Option<&'r Figure>; 2])> {
    let rows = |r: &'r Outcome| match r {
        Outcome::Computed(l) => l.as_slice(),
        Outcome::Absent(_) => &[],
    };
    let (current, previous) = (rows(&results[0]), rows(&results[1]));
    let faces = |p: &Figure, l: &Figure| a_year_later(&p.modality) == l.modality;
    let mut paired: Vec<_> = current
        .iter()
        .map(|l| (l, [Some(l), previous.iter().find(|p| faces(p, l))]))
        .collect();
    paired.extend(
        previous
            .iter()
            .filter(|p| !current.iter().any(|l| faces(p, l)))
            .map(|p| (p, [None, Some(p)])),
    );
    paired
}

/// Every file a run may write: a file of this list that the run did not produce (a
/// `detail.csv` left by an internal run in a folder now written for `diffusion`, an old
/// PDF) is removed, so that the folder holds one run's set and nothing else of ours.
pub const FILE_NAMES: [&str; 5] = [
    "indicateurs.csv",
    "tableaux.xlsx",
    "rapport.typ",
    "rapport.pdf",
    "detail.csv",
];

/// Writes a run's files into `dir` (created as needed), each atomically.
pub fn write_set(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "Impossible de créer le dossier de sortie « {} ».",
            dir.display()
        )
    })?;
    for (name, bytes) in files {
        write_atomic(&dir.join(name), bytes)?;
    }
    for stale in FILE_NAMES
        .iter()
        .filter(|name| !files.iter().any(|(written, _)| written == *name))
        .map(|name| dir.join(name))
        .filter(|path| path.exists())
    {
        std::fs::remove_file(&stale).with_context(|| {
            format!(
                "Impossible de supprimer « {} », qui vient d'une exécution précédente.",
                stale.display()
            )
        })?;
    }
    Ok(())
}

/// Writes next to the target then renames, so a reader never sees half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("Impossible d'écrire dans le dossier « {} ».", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|_| temp.flush())
        .with_context(|| format!("Impossible d'écrire « {} ».", path.display()))?;
    temp.persist(path)
        .with_context(|| format!("Impossible d'enregistrer « {} ».", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_face_the_same_month_a_year_earlier() {
        let month = |y, m| chrono::NaiveDate::from_ymd_opt(y, m, 1);
        let presents = |y, m| Modality {
            month: month(y, m),
            ..Modality::code("presents")
        };
        assert_eq!(a_year_later(&presents(2024, 3)), presents(2025, 3));
        assert_eq!(a_year_later(&presents(2024, 12)), presents(2025, 12));
        let entry = Modality {
            prefix: Some("entree".into()),
            ..Modality::code("puma_css")
        };
        assert_eq!(a_year_later(&entry), entry);
    }
}
