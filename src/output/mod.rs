//! The outputs of a run: the published rows (labelled, masked for `diffusion`) and the
//! files written from them, each written atomically.

pub mod csv;
pub mod disclosure;
pub mod files;
pub mod findings;
pub mod manifest;
pub mod mask;
pub mod reperes;
pub mod xlsx;

use crate::config::{Config, Programme};
use crate::figure::{NON_RENSEIGNE, Nature, Unit};
use crate::format;
use crate::indicators::{Evaluation, Figure, Indicator, Modality, Outcome};
use crate::ingest::{Dataset, NON_RECONNU};
use crate::period::Period;
use crate::privacy::Audience;
pub use files::{Output, write_atomic, write_new};
pub use mask::{Published, Shown, WITHHELD};

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
    /// How each figure of each evaluation is published, period then period before.
    pub published: Vec<[Published; 2]>,
}

impl<'a> ProgrammeRun<'a> {
    /// The results of the programmes of one run, with the masks of the audience's
    /// threshold, decided over all of them together.
    pub fn masked(
        evaluated: Vec<(&'a Programme, &'a Dataset, Vec<Evaluation<'a>>)>,
        period: Period,
        threshold: u32,
    ) -> Vec<ProgrammeRun<'a>> {
        let tables: Vec<&[Evaluation]> = evaluated.iter().map(|(_, _, e)| e.as_slice()).collect();
        let published = mask::publish_run(&tables, [period, period.previous()], threshold);
        evaluated
            .into_iter()
            .zip(published)
            .map(|((programme, data, evaluations), published)| ProgrammeRun {
                programme,
                data,
                evaluations,
                published,
            })
            .collect()
    }

    /// Each evaluation with how its figures are published.
    pub fn tables(&self) -> impl Iterator<Item = (&Evaluation<'a>, &[Published; 2])> {
        self.evaluations.iter().zip(&self.published)
    }
}

impl Run<'_> {
    pub fn periods(&self) -> [Period; 2] {
        [self.period, self.period.previous()]
    }

    /// Counts below this are masked; 0 when nothing is masked.
    pub fn threshold(&self) -> u32 {
        self.config.privacy.threshold(self.audience)
    }

    /// The privacy rule as it applies to the figures, written where they are read.
    pub fn threshold_note(&self) -> Option<String> {
        match self.threshold() {
            0 | 1 => None,
            s => Some(format!(
                "Règle de diffusion, seuil de confidentialité {s} : effectifs de personnes de 1 à {} remplacés par « < {s} » ; \
                 taux dont un terme est masqué (sans ses termes), et moyennes, médianes, sommes et taux calculés \
                 sur moins de {s} personnes, remplacés par « masqué » ; d'autres chiffres sont aussi « masqué » \
                 pour qu'aucun effectif masqué ne puisse se déduire de l'ensemble des tableaux publiés.",
                s - 1
            )),
        }
    }
}

impl Shown {
    /// French display: `1 234`, `92,9 %`, `< 5`, `masqué`, `—`.
    pub fn display(&self, unit: &str, nature: Nature) -> String {
        match self {
            Shown::Empty => "—".to_string(),
            Shown::Masked(s) => format!("< {s}"),
            Shown::Withheld => WITHHELD.to_string(),
            Shown::Value(v) => match Unit::of(unit) {
                Unit::Percent => format::percent(*v),
                Unit::Euros => format::euros(*v),
                _ if nature == Nature::Headcount || v.fract() == 0.0 => format::number(*v, 0),
                _ => format::number(*v, 1),
            },
        }
    }
}

/// Why an indicator has no figure for N-1, after the year: « 2024 : non calculé, le
/// budget fourni est celui de la période… ». The catalogue's note opens with « Non
/// calculé : », which the year's sentence says already.
pub fn previous_absent(previous: &str, note: &str) -> String {
    let reason = note.strip_prefix("Non calculé : ").unwrap_or(note);
    format!("{previous} : non calculé, {reason}")
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
        // The kinds of data-quality findings are modalités of the quality indicators.
        other => {
            return crate::findings::FindingKind::ALL
                .iter()
                .find(|k| k.code() == other)
                .map_or_else(|| capitalise(other), |k| capitalise(k.label()));
        }
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
pub fn a_year_later(modality: &Modality) -> Modality {
    Modality {
        month: modality
            .month
            .and_then(|m| m.checked_add_months(chrono::Months::new(12))),
        ..modality.clone()
    }
}

/// A figure as published in one period.
pub type PublishedFigure<'r> = (&'r Figure, &'r [Shown; 3]);

/// The rows of both periods side by side, matched on the modalité (a month facing the
/// same month a year earlier), in the order of the current period; rows found only in
/// the period before come last.
pub fn side_by_side<'r>(
    evaluation: &'r Evaluation,
    published: &'r [Published; 2],
) -> Vec<(&'r Figure, [Option<PublishedFigure<'r>>; 2])> {
    let rows = |period: usize| -> Vec<PublishedFigure<'r>> {
        match &evaluation.outcomes[period] {
            Outcome::Computed(figures) => figures.iter().zip(&published[period]).collect(),
            Outcome::Absent(_) => Vec::new(),
        }
    };
    let (current, previous) = (rows(0), rows(1));
    let faces = |p: &Figure, l: &Figure| a_year_later(&p.modality) == l.modality;
    let mut paired: Vec<_> = current
        .iter()
        .map(|&(l, s)| {
            (
                l,
                [
                    Some((l, s)),
                    previous.iter().copied().find(|(p, _)| faces(p, l)),
                ],
            )
        })
        .collect();
    paired.extend(
        previous
            .iter()
            .filter(|(p, _)| !current.iter().any(|(l, _)| faces(p, l)))
            .map(|&(p, s)| (p, [None, Some((p, s))])),
    );
    paired
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
