//! `indicateurs.csv`: every figure in the long format of indicateurs.md.

use anyhow::Result;

use super::{Run, Shown};
use crate::indicators::{Modality, Outcome};

const HEADER: [&str; 9] = [
    "dispositif",
    "periode_debut",
    "periode_fin",
    "indicateur",
    "modalite",
    "valeur",
    "numerateur",
    "denominateur",
    "unite",
];

/// A text cell as a spreadsheet may read it without running it: a value that starts
/// like a formula (`=`, `+`, `-`, `@`, tab, carriage return) gets a leading `'` (OWASP).
pub fn text_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The `modalite` column: `code`, `prefix:code`, and for a month of a series
/// `code:AAAA-MM` (`mois:AAAA-MM` for the month's total), as indicateurs.md writes them.
pub fn modality_text(m: &Modality) -> String {
    let mut parts: Vec<&str> = m.prefix.iter().map(String::as_str).collect();
    parts.push(match (&m.month, m.code.as_str()) {
        (Some(_), "total") if m.prefix.is_none() => "mois",
        (_, code) => code,
    });
    let month = m.month.map(|d| d.format("%Y-%m").to_string());
    parts.extend(month.as_deref());
    parts.join(":")
}

/// A decimal point and at most 6 decimals, trailing zeros dropped.
fn machine(shown: &Shown) -> String {
    match shown {
        Shown::Empty => String::new(),
        Shown::Masked(s) => format!("< {s}"),
        Shown::Withheld => super::WITHHELD.to_string(),
        Shown::Value(v) => {
            let text = format!("{v:.6}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            if text == "-0" {
                "0".to_string()
            } else {
                text.to_string()
            }
        }
    }
}

pub fn bytes(run: &Run) -> Result<Vec<u8>> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for programme in &run.programmes {
        for (evaluation, published) in programme.tables() {
            for ((period, result), shown) in run
                .periods()
                .iter()
                .zip(&evaluation.outcomes)
                .zip(published)
            {
                let Outcome::Computed(rows) = result else {
                    continue;
                };
                for (row, [value, numerator, denominator]) in rows.iter().zip(shown) {
                    writer.write_record([
                        text_cell(&programme.programme.id).as_ref(),
                        &period.start.to_string(),
                        &period.end.to_string(),
                        &text_cell(&evaluation.indicator.id),
                        &text_cell(&modality_text(&row.modality)),
                        &machine(value),
                        &machine(numerator),
                        &machine(denominator),
                        &text_cell(&row.unit),
                    ])?;
                }
            }
        }
    }
    Ok(writer.into_inner()?)
}

/// The rows of `detail.csv`: each identifier behind each published count.
pub fn detail_rows(run: &Run) -> Vec<[String; 5]> {
    let mut rows = Vec::new();
    for programme in &run.programmes {
        for evaluation in &programme.evaluations {
            for (period, outcome) in run.periods().iter().zip(&evaluation.outcomes) {
                let Outcome::Computed(figures) = outcome else {
                    continue;
                };
                for figure in figures {
                    for id in &figure.ids {
                        rows.push([
                            programme.programme.id.clone(),
                            evaluation.indicator.id.clone(),
                            modality_text(&figure.modality),
                            format!("{}/{}", period.start, period.end),
                            id.clone(),
                        ]);
                    }
                }
            }
        }
    }
    rows
}

pub const DETAIL_HEADER: [&str; 5] = [
    "dispositif",
    "indicateur",
    "modalite",
    "periode",
    "identifiant",
];

/// `detail.csv`, for the `interne` audience only: the caller never writes it otherwise.
pub fn detail_bytes(run: &Run) -> Result<Vec<u8>> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(DETAIL_HEADER)?;
    for row in detail_rows(run) {
        writer.write_record(row.iter().map(|cell| text_cell(cell).into_owned()))?;
    }
    Ok(writer.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("+33 6"), "'+33 6");
        assert_eq!(text_cell("-x"), "'-x");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("P0001"), "P0001");
        assert_eq!(text_cell("< 5"), "< 5");
    }

    #[test]
    fn machine_numbers() {
        assert_eq!(machine(&Shown::Value(12.0)), "12");
        assert_eq!(machine(&Shown::Value(79.207650273224)), "79.20765");
        assert_eq!(machine(&Shown::Value(0.1234567)), "0.123457");
        assert_eq!(machine(&Shown::Value(-0.0000001)), "0");
        assert_eq!(machine(&Shown::Empty), "");
        assert_eq!(machine(&Shown::Masked(5)), "< 5");
    }
}
