//! « Définitions »: every indicator of the catalogue, its group, id, label, unit,
//! population and definition, each row as tall as its wrapped text.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::{Styles, fit_row, page_heading, print_setup};
use crate::format::prose;
use crate::indicators::Catalogue;

const COLUMNS: [(&str, f64); 6] = [
    ("Groupe", 10.0),
    ("Identifiant", 30.0),
    ("Libellé", 40.0),
    ("Unité", 18.0),
    ("Population", 40.0),
    ("Définition", 100.0),
];

/// The sheet of the definitions; `(site, context)` head its printed pages.
pub fn write_definitions(
    workbook: &mut Workbook,
    catalogue: &Catalogue,
    styles: &Styles,
    (site, context): (&str, &str),
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("Définitions")?;
    page_heading(sheet, "Définitions des indicateurs", site, context);
    for (c, (h, w)) in COLUMNS.into_iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &styles.header)?;
        sheet.set_column_width(c as u16, w)?;
    }
    for (i, (group, indicator)) in catalogue.indicators().enumerate() {
        let row = i as u32 + 1;
        // The texts in French typography, as the report's annex prints them.
        let cells = [
            group.code.clone(),
            indicator.id.clone(),
            prose(&indicator.label),
            prose(&indicator.unit),
            prose(&indicator.population),
            prose(&indicator.definition),
        ];
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16, text, &styles.text)?;
        }
        let sized: Vec<(&str, f64)> = cells
            .iter()
            .zip(COLUMNS)
            .map(|(text, (_, width))| (text.as_str(), width))
            .collect();
        fit_row(sheet, row, &sized)?;
    }
    let last = catalogue.indicators().count() as u32;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, 5)?;
    print_setup(sheet, true, Some((0, 0)))?;
    Ok(())
}
