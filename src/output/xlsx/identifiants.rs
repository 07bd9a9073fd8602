//! The identifiers behind each published count (`interne` only), on sheets of their own
//! after every table: « Détail des cellules », then « (2) », … when a sheet is full. The
//! lists are read on screen, to find and correct records: their printed area is the
//! sheet's first row, which says so, and not the hundreds of pages of identifiers.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{Styles, page_heading, print_setup};
use crate::output::Run;

/// The name of the first sheet of the identifiers behind each figure.
pub const DETAIL_SHEET: &str = "Détail des cellules";

/// Rows above the detail's own rows: the note on printing, then the header.
const TOP_ROWS: u32 = 2;

/// The sheets of the detail of a run, after every other sheet.
pub fn write(
    workbook: &mut Workbook,
    run: &Run,
    max_rows: u32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let context = super::run_context(run.period, run.audience);
    let heading = (run.config.site.as_str(), context.as_str());
    let mut sheets = DetailSheets::new(workbook, max_rows, styles, heading)?;
    crate::output::csv::each_detail_figure(run, |keys, figure| {
        sheets.push(keys, figure.ids.iter(), IDS_PER_CELL)
    })?;
    sheets.finish()
}

/// The columns of the workbook's detail: one row per published figure, its identifiers
/// in one cell. `detail.csv` keeps one row per identifier, for other programs.
pub const DETAIL_COLUMNS: [&str; 6] = [
    "dispositif",
    "indicateur",
    "modalite",
    "periode",
    "nombre",
    "identifiants",
];

/// Characters of identifiers in one cell: Excel holds 32 767, but shows a row at most 409
/// points high, about 25 lines of this column's width. A longer list goes on over the
/// next rows.
const IDS_PER_CELL: usize = 2_000;
/// Width of the identifiers' column, in characters, and the characters of identifiers
/// a line of it holds (identifiers break at their spaces, not at the very edge).
const IDS_WIDTH: u16 = 90;
const IDS_PER_LINE: usize = 90;

/// The identifiers of a figure as the cells of its rows, each with the count of
/// identifiers it lists, each at most `max_chars` long (unless one identifier alone is).
fn id_cells<'i>(ids: impl IntoIterator<Item = &'i str>, max_chars: usize) -> Vec<(usize, String)> {
    let mut cells: Vec<(usize, String)> = Vec::new();
    for id in ids {
        match cells.last_mut() {
            Some((n, cell)) if cell.len() + 2 + id.len() <= max_chars => {
                cell.push_str(", ");
                cell.push_str(id);
                *n += 1;
            }
            _ => cells.push((1, id.to_string())),
        }
    }
    cells
}

/// The sheets of the identifiers behind each figure, filled row by row: each holds the
/// note, the header and at most `max_rows − 2` rows, the next ones go to « Détail des
/// cellules (2) », and so on.
struct DetailSheets<'w> {
    workbook: &'w mut Workbook,
    sheet: Worksheet,
    /// Rows of the detail written in `sheet`, the note and header not counted.
    rows: u32,
    part: usize,
    max_rows: u32,
    styles: &'w Styles,
    /// The identifiers wrap in their column; the other cells keep one line, at the top.
    keys: Format,
    /// Site and context heading the printed page.
    heading: (&'w str, &'w str),
}

impl<'w> DetailSheets<'w> {
    fn new(
        workbook: &'w mut Workbook,
        max_rows: u32,
        styles: &'w Styles,
        heading: (&'w str, &'w str),
    ) -> Result<DetailSheets<'w>, XlsxError> {
        let sheet = detail_sheet(1, styles, heading)?;
        Ok(DetailSheets {
            workbook,
            sheet,
            rows: 0,
            part: 1,
            max_rows: max_rows.max(TOP_ROWS + 1),
            styles,
            keys: Format::new().set_align(rust_xlsxwriter::FormatAlign::Top),
            heading,
        })
    }

    /// The rows of one figure: its keys, then the count and list of its identifiers.
    fn push<'i>(
        &mut self,
        keys: [&str; 4],
        ids: impl IntoIterator<Item = &'i str>,
        max_chars: usize,
    ) -> Result<(), XlsxError> {
        for (count, cell) in id_cells(ids, max_chars) {
            if TOP_ROWS + self.rows == self.max_rows {
                self.part += 1;
                let next = detail_sheet(self.part, self.styles, self.heading)?;
                let full = std::mem::replace(&mut self.sheet, next);
                close_detail(self.workbook, full, self.rows)?;
                self.rows = 0;
            }
            let row = TOP_ROWS + self.rows;
            self.rows += 1;
            for (c, text) in keys.into_iter().enumerate() {
                self.sheet
                    .write_string_with_format(row, c as u16, text, &self.keys)?;
            }
            self.sheet
                .write_number_with_format(row, 4, count as f64, &self.keys)?;
            // Neither Excel nor LibreOffice sizes a row to wrapped text it did not type.
            let lines = cell.len().div_ceil(IDS_PER_LINE).max(1);
            if lines > 1 {
                self.sheet.set_row_height(row, 13 * lines as u32)?;
            }
            self.sheet
                .write_string_with_format(row, 5, cell, &self.styles.wrap)?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), XlsxError> {
        close_detail(self.workbook, self.sheet, self.rows)
    }
}

/// A sheet of the detail given its filter over its `rows` rows and added to the workbook.
fn close_detail(workbook: &mut Workbook, mut sheet: Worksheet, rows: u32) -> Result<(), XlsxError> {
    sheet.autofilter(TOP_ROWS - 1, 0, TOP_ROWS - 1 + rows, 5)?;
    workbook.push_worksheet(sheet);
    Ok(())
}

/// The note heading each sheet of the detail, the only part of it that prints.
const NOT_PRINTED: &str = "Identifiants derrière chaque effectif publié, à consulter à l'écran pour retrouver et corriger les fiches : cette liste n'est pas imprimée.";

/// The `part`-th sheet of the detail, with its note and header, set up before any row.
fn detail_sheet(
    part: usize,
    styles: &Styles,
    (site, context): (&str, &str),
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(if part == 1 {
        DETAIL_SHEET.to_string()
    } else {
        format!("{DETAIL_SHEET} ({part})")
    })?;
    sheet.write_string_with_format(0, 0, NOT_PRINTED, &styles.note)?;
    for (c, h) in DETAIL_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(TOP_ROWS - 1, c as u16, *h, &styles.header)?;
    }
    for (c, width) in [14, 30, 28, 22, 8, IDS_WIDTH].into_iter().enumerate() {
        sheet.set_column_width(c as u16, width)?;
    }
    sheet.set_freeze_panes(TOP_ROWS, 0)?;
    print_setup(&mut sheet, true, None)?;
    // Printing the workbook gives one page of this sheet, the note, not the lists.
    sheet.set_print_area(0, 0, 0, 5)?;
    page_heading(&mut sheet, DETAIL_SHEET, site, context);
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Reader;

    /// The sheets of a workbook with the detail of figures of `ids` identifiers each,
    /// written under a limit of `max_rows` rows and `max_chars` characters per cell.
    fn sheets(
        figures: &[usize],
        max_rows: u32,
        max_chars: usize,
    ) -> Vec<(String, Vec<Vec<String>>)> {
        let mut workbook = Workbook::new();
        let styles = Styles::default();
        let mut sheets = DetailSheets::new(&mut workbook, max_rows, &styles, ("site", "")).unwrap();
        let mut next = 0;
        for (f, ids) in figures.iter().enumerate() {
            let ids: Vec<String> = (next + 1..=next + ids)
                .map(|i| format!("P{i:02}"))
                .collect();
            next += ids.len();
            let modality = format!("m{}", f + 1);
            sheets
                .push(
                    ["d", "file_active", &modality, "2025-01-01/2025-12-31"],
                    ids.iter().map(String::as_str),
                    max_chars,
                )
                .unwrap();
        }
        sheets.finish().unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let cells = range
                    .rows()
                    .map(|r| r.iter().map(|c| c.to_string()).collect())
                    .collect();
                (name, cells)
            })
            .collect()
    }

    /// Identifiers of 3 characters joined by « , » under 13 characters per cell: 3 fit
    /// (3 + 2 + 3 + 2 + 3 = 13), the 4th starts a new cell; 7 give 3 + 3 + 1.
    #[test]
    fn identifiers_fill_cells_under_their_length() {
        let ids = ["P01", "P02", "P03", "P04", "P05", "P06", "P07"];
        assert_eq!(
            id_cells(ids, 13),
            [
                (3, "P01, P02, P03".to_string()),
                (3, "P04, P05, P06".to_string()),
                (1, "P07".to_string())
            ]
        );
        assert_eq!(
            id_cells(["un-identifiant-long"], 5),
            [(1, "un-identifiant-long".to_string())]
        );
        assert!(id_cells([], 5).is_empty());
    }

    /// Figures of 2, 4 and 1 identifiers, at most 2 per cell (« P01, P02 » is 8
    /// characters) and 5 rows per sheet (the note, the header and 3 rows): by hand, the
    /// rows are m1 P01–P02, m2 P03–P04, m2 P05–P06, m3 P07; sheet 1 holds the first
    /// three, sheet 2 the last; each starts with the note and the header.
    #[test]
    fn detail_split_over_rows_and_sheets() {
        let found = sheets(&[2, 4, 1], 5, 8);
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Détail des cellules", "Détail des cellules (2)"]);
        let rows: Vec<Vec<[&str; 3]>> = found
            .iter()
            .map(|(_, rows)| {
                rows[2..]
                    .iter()
                    .map(|r| [r[2].as_str(), r[4].as_str(), r[5].as_str()])
                    .collect()
            })
            .collect();
        assert_eq!(
            rows,
            [
                vec![
                    ["m1", "2", "P01, P02"],
                    ["m2", "2", "P03, P04"],
                    ["m2", "2", "P05, P06"]
                ],
                vec![["m3", "1", "P07"]]
            ]
        );
        for (name, rows) in &found {
            assert_eq!(rows[0][0], NOT_PRINTED, "{name}");
            assert_eq!(rows[1], DETAIL_COLUMNS, "{name}");
        }
        // Exactly 3 rows fill one sheet; no figure gives one sheet with the header only.
        assert_eq!(sheets(&[2, 2, 2], 5, 8).len(), 1);
        let empty = sheets(&[], 5, 8);
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0].1.len(), 2);
    }
}
