//! `indicateurs.csv`: every figure in the long format of indicateurs.md.

use anyhow::Result;
use chrono::NaiveDate;

use super::Published;
use super::{Run, Shown};
use crate::figure::Nature;
use crate::indicators::{Evaluation, Figure, Modality, Outcome};
use crate::period::Period;
use crate::privacy::Audience;

pub const HEADER: [&str; 10] = [
    "dispositif",
    "periode_debut",
    "periode_fin",
    "indicateur",
    "modalite",
    "valeur",
    "numerateur",
    "denominateur",
    "unite",
    "base",
];

/// How every CSV file of the results is written, said once for the writers and for the
/// `datapackage.json` that describes them: UTF-8 without BOM, `,`, `"` doubled inside a
/// quoted value, one `\n` after each line, a header line.
pub const DELIMITER: u8 = b',';
pub const QUOTE: u8 = b'"';
pub const LINE_END: u8 = b'\n';

/// A writer of one of the results' CSV files, with the settings above.
pub fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .delimiter(DELIMITER)
        .quote(QUOTE)
        .double_quote(true)
        .terminator(::csv::Terminator::Any(LINE_END))
        .from_writer(Vec::new())
}

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

/// The modalité written by [`modality_text`], read back.
pub fn parse_modality(text: &str) -> Modality {
    let mut parts: Vec<&str> = text.split(':').collect();
    let month = parts
        .last()
        .and_then(|last| NaiveDate::parse_from_str(&format!("{last}-01"), "%Y-%m-%d").ok())
        .filter(|_| parts.len() > 1);
    if month.is_some() {
        parts.pop();
    }
    let (prefix, code) = match parts.as_slice() {
        [prefix, code] => (Some(prefix.to_string()), code.to_string()),
        _ => (None, parts.join(":")),
    };
    let code = match (&month, &prefix, code.as_str()) {
        (Some(_), None, "mois") => "total".to_string(),
        _ => code,
    };
    Modality {
        prefix,
        code,
        month,
    }
}

/// A decimal point and at most 6 decimals, trailing zeros dropped.
pub fn machine(shown: &Shown) -> String {
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
    let mut writer = Writer::new(run.audience)?;
    for programme in &run.programmes {
        writer.programme(&programme.programme.id, programme.tables(), run.periods())?;
    }
    writer.finish()
}

/// The persons (or rows) a figure is computed over, for the `base` column: a count's
/// own value, a statistic's or a rate's population; none for a figure about no one.
pub fn base(f: &Figure) -> Option<f64> {
    match f.nature {
        Nature::Headcount => f.value,
        Nature::Statistic | Nature::Rate { .. } => f.over,
        Nature::Parameter => None,
    }
}

/// `indicateurs.csv` being written, programme after programme.
pub struct Writer {
    csv: ::csv::Writer<Vec<u8>>,
    /// The `base` column is filled for the `interne` audience only: in `diffusion` it
    /// would give back the small counts the masks hide.
    with_base: bool,
}

impl Writer {
    pub fn new(audience: Audience) -> Result<Writer> {
        let mut csv = writer();
        csv.write_record(HEADER)?;
        Ok(Writer {
            csv,
            with_base: audience == Audience::Interne,
        })
    }

    /// Every published figure of one programme, for both periods.
    pub fn programme<'e>(
        &mut self,
        id: &str,
        tables: impl Iterator<Item = (&'e Evaluation<'e>, &'e [Published; 2])>,
        periods: [Period; 2],
    ) -> Result<()> {
        for (evaluation, published) in tables {
            for ((period, result), shown) in periods.iter().zip(&evaluation.outcomes).zip(published)
            {
                let Outcome::Computed(rows) = result else {
                    continue;
                };
                for (row, [value, numerator, denominator]) in rows.iter().zip(shown) {
                    let base = match base(row).filter(|_| self.with_base) {
                        Some(b) => machine(&Shown::Value(b)),
                        None => String::new(),
                    };
                    self.csv.write_record([
                        text_cell(id).as_ref(),
                        &period.start.to_string(),
                        &period.end.to_string(),
                        &text_cell(&evaluation.indicator.id),
                        &text_cell(&modality_text(&row.modality)),
                        &machine(value),
                        &machine(numerator),
                        &machine(denominator),
                        &text_cell(&row.unit),
                        &base,
                    ])?;
                }
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<Vec<u8>> {
        Ok(self.csv.into_inner()?)
    }
}

/// Each published figure that has identifiers behind it, with its dispositif, indicator,
/// modality and period as `detail.csv` writes them, handed to `visit` one by one.
pub fn each_detail_figure<E>(
    run: &Run,
    mut visit: impl FnMut([&str; 4], &Figure) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let periods = run
        .periods()
        .map(|period| format!("{}/{}", period.start, period.end));
    for programme in &run.programmes {
        for evaluation in &programme.evaluations {
            for (period, outcome) in periods.iter().zip(&evaluation.outcomes) {
                let Outcome::Computed(figures) = outcome else {
                    continue;
                };
                for figure in figures.iter().filter(|f| !f.ids.is_empty()) {
                    let modality = modality_text(&figure.modality);
                    visit(
                        [
                            &programme.programme.id,
                            &evaluation.indicator.id,
                            &modality,
                            period,
                        ],
                        figure,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// The rows of `detail.csv`, each identifier behind each published count, handed to
/// `row` one by one: a large site has millions of them, never held all at once.
pub fn each_detail_row<E>(
    run: &Run,
    mut row: impl FnMut([&str; 5]) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    each_detail_figure(run, |[programme, indicator, modality, period], figure| {
        figure
            .ids
            .iter()
            .try_for_each(|id| row([programme, indicator, modality, period, id]))
    })
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
    let mut writer = writer();
    writer.write_record(DETAIL_HEADER)?;
    each_detail_row(run, |row| {
        let cells = row.map(text_cell);
        writer.write_record(cells.iter().map(|cell| cell.as_bytes()))
    })?;
    Ok(writer.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modalities_read_back() {
        for text in [
            "total",
            "entree:puma_css",
            "mois:2025-03",
            "presents:2025-03",
            "< 6 mois",
            "accompagnements.motif_sortie",
        ] {
            assert_eq!(modality_text(&parse_modality(text)), text);
        }
        assert_eq!(parse_modality("mois:2025-03").code, "total");
    }

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
