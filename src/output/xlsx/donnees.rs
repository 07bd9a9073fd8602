//! « Données »: every published figure as a tidy table, for analysts: one row per
//! figure and period, the programme, indicator and modalité by label and code, the
//! period's dates and the month as real dates, the value as a number with the mask
//! (« < 5 », « masqué ») in a column of its own, so that the value column holds numbers
//! only, and the value cell is empty where the figure is masked.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::{Styles, WriteProse, excel_date, page_heading, print_setup, stored};
use crate::figure::Nature;
use crate::indicators::{Evaluation, Figure, Indicator, Outcome};
use crate::output::csv::{base, modality_text};
use crate::output::{Published, Shown, WITHHELD, modality_label};
use crate::period::Period;

/// One figure of one period of one programme (name, id), as published.
pub struct DataRow<'r> {
    pub programme: (&'r str, &'r str),
    pub period: Period,
    pub indicator: &'r Indicator,
    pub figure: &'r Figure,
    pub shown: &'r [Shown; 3],
}

impl<'r> DataRow<'r> {
    /// The rows of an evaluation, period then period before, its computed figures only.
    pub fn of(
        programme: (&'r str, &'r str),
        evaluation: &'r Evaluation,
        published: &'r [Published; 2],
        periods: [Period; 2],
    ) -> Vec<DataRow<'r>> {
        let mut rows = Vec::new();
        for ((period, outcome), shown) in
            periods.into_iter().zip(&evaluation.outcomes).zip(published)
        {
            if let Outcome::Computed(figures) = outcome {
                rows.extend(figures.iter().zip(shown).map(|(figure, shown)| DataRow {
                    programme,
                    period,
                    indicator: evaluation.indicator,
                    figure,
                    shown,
                }));
            }
        }
        rows
    }
}

/// The columns and their widths; `Base` only in `interne`, as in `indicateurs.csv`.
const COLUMNS: [(&str, f64); 15] = [
    ("Dispositif", 28.0),
    ("Code du dispositif", 18.0),
    ("Début", 12.0),
    ("Fin", 12.0),
    ("Indicateur", 40.0),
    ("Code de l'indicateur", 26.0),
    ("Modalité", 36.0),
    ("Code de la modalité", 24.0),
    ("Mois", 10.0),
    ("Valeur", 12.0),
    ("Masque", 9.0),
    ("Numérateur", 12.0),
    ("Dénominateur", 13.0),
    ("Unité", 20.0),
    ("Base", 9.0),
];

/// The printed heading of « Données », the only part of it that prints.
const NOT_PRINTED: &str = "Données : une ligne par chiffre, à exploiter à l'écran (filtres, tableaux croisés) ; la liste n'est pas imprimée";

/// The « masque » column of a published value: the mask, or nothing for a value.
fn mask(shown: &Shown) -> Option<String> {
    match shown {
        Shown::Masked(s) => Some(format!("< {s}")),
        Shown::Withheld => Some(WITHHELD.to_string()),
        Shown::Value(_) | Shown::Empty => None,
    }
}

/// The sheet « Données » of `rows`, with the `Base` column when `with_base`;
/// `(site, context)` head its printed pages.
pub fn write_data<'r>(
    workbook: &mut Workbook,
    rows: impl IntoIterator<Item = DataRow<'r>>,
    with_base: bool,
    styles: &Styles,
    (site, context): (&str, &str),
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("Données")?;
    page_heading(sheet, NOT_PRINTED, site, context);
    let columns = if with_base {
        COLUMNS.len()
    } else {
        COLUMNS.len() - 1
    };
    for (c, (h, w)) in COLUMNS.iter().take(columns).enumerate() {
        sheet.write_prose(0, c as u16, *h, &styles.header)?;
        sheet.set_column_width(c as u16, *w)?;
    }
    // One line per row, so that the table stays a plain list to filter and pivot.
    let plain = Format::new();
    let mut row = 1;
    for r in rows {
        let f = r.figure;
        let texts = [
            (0, r.programme.0.to_string()),
            (1, r.programme.1.to_string()),
            (4, r.indicator.label.clone()),
            (5, r.indicator.id.clone()),
            (6, modality_label(r.indicator, f)),
            (7, modality_text(&f.modality)),
            (13, f.unit.clone()),
        ];
        for (c, text) in texts {
            sheet.write_prose(row, c, text, &plain)?;
        }
        sheet.write_date_with_format(row, 2, excel_date(r.period.start)?, &styles.date)?;
        sheet.write_date_with_format(row, 3, excel_date(r.period.end)?, &styles.date)?;
        if let Some(month) = f.modality.month {
            sheet.write_date_with_format(row, 8, excel_date(month)?, &styles.month)?;
        }
        let [value, numerator, denominator] = r.shown;
        match value {
            Shown::Value(v) => {
                let (v, format) = stored(*v, (f.nature, &f.unit), styles);
                sheet.write_number_with_format(row, 9, v, format)?;
            }
            other => {
                if let Some(mask) = mask(other) {
                    sheet.write_prose(row, 10, mask, &plain)?;
                }
            }
        }
        // A masked rate publishes no term: only published values are written.
        for (c, term) in [(11, numerator), (12, denominator)] {
            if let Shown::Value(v) = term {
                let (v, format) = stored(*v, (Nature::Statistic, ""), styles);
                sheet.write_number_with_format(row, c, v, format)?;
            }
        }
        if with_base && let Some(b) = base(f) {
            let (b, format) = stored(b, (Nature::Statistic, ""), styles);
            sheet.write_number_with_format(row, 14, b, format)?;
        }
        row += 1;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, row.saturating_sub(1).max(1), columns as u16 - 1)?;
    // A list of thousands of rows is for filters and pivot tables, not for paper: printed
    // whole it took 82 of a workbook's 129 pages, in 5-point type. Printing the workbook
    // gives one page of it, its header row, under a heading that says why.
    print_setup(sheet, true, None)?;
    sheet.set_print_area(0, 0, 0, columns as u16 - 1)?;
    Ok(())
}
