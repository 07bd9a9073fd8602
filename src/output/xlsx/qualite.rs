//! Below the tables of the quality group: the rows left out of every calculation and,
//! in `interne` only since they cite identifiers, the findings, as many as the sheet
//! holds.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{Styles, WriteProse, fit_row, write_note};
use crate::output::{ProgrammeRun, Run};
use crate::privacy::Audience;

/// How many findings of one programme the quality sheet lists, starting at `row`: all of
/// them when they fit, else as many as leave room, below Excel's last row, for a note.
fn findings_that_fit(findings: usize, row: u32, max_rows: u32) -> usize {
    let room = max_rows.saturating_sub(row) as usize;
    if findings <= room {
        findings
    } else {
        room.saturating_sub(1)
    }
}

/// The columns of the findings with their widths; the message is read whole, wrapped.
const COLUMNS: [(&str, f64); 9] = [
    ("Genre", 46.0),
    ("Table", 18.0),
    ("Fichier", 14.0),
    ("Feuille", 14.0),
    ("Ligne", 14.0),
    ("Colonne", 14.0),
    ("Valeur", 14.0),
    ("Message", 60.0),
    ("Bloquant", 14.0),
];

pub fn write_findings(
    sheet: &mut Worksheet,
    mut row: u32,
    run: &Run,
    programme: &ProgrammeRun,
    styles: &Styles,
    max_rows: u32,
) -> Result<u32, XlsxError> {
    let data = programme.data;
    sheet.write_prose(
        row,
        0,
        "Lignes inutilisables écartées de tous les calculs",
        &styles.indicator,
    )?;
    row += 1;
    if data.excluded.is_empty() {
        sheet.write_prose(row, 0, "Aucune.", &styles.note)?;
        row += 1;
    }
    for (table, n) in &data.excluded {
        sheet.write_prose(row, 0, format!("Table {table}"), &styles.text)?;
        sheet.write_number_with_format(row, 2, *n as f64, &styles.count)?;
        row += 1;
    }
    row += 1;
    if run.audience != Audience::Interne {
        // In `diffusion` the findings' columns are not set: the note spans those of the
        // group's tables above it.
        write_note(
            sheet,
            row,
            "Le détail des constats, qui cite des identifiants, n'est donné que dans la version interne.",
            &super::groups::NOTE_WIDTHS,
            styles,
        )?;
        return Ok(row + 2);
    }
    sheet.write_prose(row, 0, "Constats", &styles.indicator)?;
    row += 1;
    for (c, (h, width)) in COLUMNS.iter().enumerate() {
        sheet.write_prose(row, c as u16, *h, &styles.header)?;
        // As wide as the figures' columns above or wider: the findings are read whole.
        if c >= 2 {
            sheet.set_column_width(c as u16, *width)?;
        }
    }
    let header_row = row;
    row += 1;
    let shown = findings_that_fit(data.findings.len(), row, max_rows);
    for f in data.findings.iter().take(shown) {
        let cells = [
            f.kind.label().to_string(),
            f.table.name().to_string(),
            f.origin.file.clone(),
            f.origin.sheet.clone().unwrap_or_default(),
            f.line.to_string(),
            f.column.unwrap_or("").to_string(),
            f.value.clone().unwrap_or_default(),
            f.message.clone(),
            if f.blocking { "oui" } else { "non" }.to_string(),
        ];
        for (c, text) in cells.iter().enumerate() {
            // The file, sheet and value as typed, for the coordinator to find them.
            if matches!(c, 2 | 3 | 6) {
                sheet.write_string_with_format(row, c as u16, text, &styles.text)?;
            } else {
                sheet.write_prose(row, c as u16, text, &styles.text)?;
            }
        }
        let sized: Vec<(&str, f64)> = cells
            .iter()
            .zip(COLUMNS)
            .map(|(text, (_, width))| (text.as_str(), width))
            .collect();
        fit_row(sheet, row, &sized)?;
        row += 1;
    }
    if shown > 0 {
        sheet.autofilter(header_row, 0, row - 1, 8)?;
    }
    if shown < data.findings.len() {
        let widths: Vec<f64> = COLUMNS.iter().map(|(_, w)| *w).collect();
        write_note(
            sheet,
            row,
            &format!(
                "{} constats de plus dépassent la taille d'une feuille Excel : la liste complète est donnée par « bilan verifier --format csv ».",
                data.findings.len() - shown
            ),
            &widths,
            styles,
        )?;
        row += 1;
    }
    Ok(row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::xlsx::EXCEL_MAX_ROWS;

    /// 10 findings from row 5 under a limit of 12 rows: room = 12 − 5 = 7 rows, so 6
    /// findings and the note. 7 findings fit exactly; none when no room.
    #[test]
    fn findings_listed_within_the_sheet() {
        assert_eq!(findings_that_fit(10, 5, 12), 6);
        assert_eq!(findings_that_fit(7, 5, 12), 7);
        assert_eq!(findings_that_fit(3, 5, 12), 3);
        assert_eq!(findings_that_fit(10, 11, 12), 0);
        assert_eq!(
            findings_that_fit(2_000_000, 100, EXCEL_MAX_ROWS),
            (EXCEL_MAX_ROWS - 100 - 1) as usize
        );
    }
}
