//! The outputs of a run: the published rows (labelled, masked for `diffusion`) and the
//! files written from them, each written atomically.

pub mod csv;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::Audience;
use crate::config::{Config, Programme};
use crate::format;
use crate::indicators::engine::{NON_RENSEIGNE, Nature};
use crate::indicators::{Evaluation, Figure, Indicator, Outcome};
use crate::ingest::{Dataset, NON_RECONNU};
use crate::period::Period;

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
        match self.audience {
            Audience::Interne => 0,
            Audience::Diffusion => self.config.privacy.threshold,
        }
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
/// bucket label as written in the catalogue; `prefix:rest` reads « Prefix — rest ».
pub fn modality_label(indicator: &Indicator, row: &Figure) -> String {
    let (prefix, rest) = match row.modality.split_once(':') {
        Some((prefix, rest)) => (Some(prefix), rest),
        None => (None, row.modality.as_str()),
    };
    let label = match chrono::NaiveDate::parse_from_str(&format!("{rest}-01"), "%Y-%m-%d") {
        Ok(month) => format::month(month),
        Err(_) => plain_label(indicator, row, rest),
    };
    match prefix {
        Some(p) => format!("{} — {label}", plain_label(indicator, row, p)),
        None => label,
    }
}

fn plain_label(indicator: &Indicator, row: &Figure, modality: &str) -> String {
    if let Some(label) = indicator.labels.get(modality) {
        return label.clone();
    }
    if let Some(label) = row.codes.and_then(|l| l.label(modality)) {
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

/// A monthly modalité of the period before, moved one year on (`mois:2024-03` →
/// `mois:2025-03`), so that each month faces the same month a year earlier.
fn a_year_later(modality: &str) -> String {
    let Some((name, month)) = modality.rsplit_once(':') else {
        return modality.to_string();
    };
    match chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d") {
        Ok(d) => match d.checked_add_months(chrono::Months::new(12)) {
            Some(later) => format!("{name}:{}", later.format("%Y-%m")),
            None => modality.to_string(),
        },
        Err(_) => modality.to_string(),
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
    use super::a_year_later;

    #[test]
    fn months_face_the_same_month_a_year_earlier() {
        assert_eq!(a_year_later("presents:2024-03"), "presents:2025-03");
        assert_eq!(a_year_later("mois:2024-12"), "mois:2025-12");
        assert_eq!(a_year_later("entree:puma_css"), "entree:puma_css");
        assert_eq!(a_year_later("total"), "total");
    }
}
