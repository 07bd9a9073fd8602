//! `tableaux.xlsx`, for Calc and Excel users: « Chiffres clés », one sheet per group of
//! indicators and programme (the period and the period before side by side), the
//! definitions, « Données » (every figure as a tidy table) and, in `interne`, the
//! identifiers behind each count. This module holds the styles and the helpers every
//! sheet shares; each kind of sheet has its own file.

mod chiffres_cles;
mod definitions;
mod donnees;
pub mod groups;
mod identifiants;
mod qualite;

pub use definitions::write_definitions;
pub use donnees::{DataRow, write_data};

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::reperes::Benchmark;
use super::{Run, Shown};
use crate::figure::{Nature, Unit};
use crate::indicators::Catalogue;
use crate::privacy::Audience;

pub struct Styles {
    pub title: Format,
    pub subtitle: Format,
    pub indicator: Format,
    pub header: Format,
    pub text: Format,
    pub count: Format,
    pub decimal: Format,
    pub percent: Format,
    pub euros: Format,
    pub date: Format,
    pub month: Format,
    /// A change in percentage points, beside a rate.
    pub points: Format,
    /// A relative change, as a fraction shown in %.
    pub change: Format,
    pub note: Format,
    /// A note wrapped across the columns of its table.
    pub note_wrap: Format,
    pub wrap: Format,
}

impl Default for Styles {
    fn default() -> Styles {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::Gray)
            .set_align(FormatAlign::Top);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color(Color::RGB(0x1F4E79)),
            indicator: Format::new().set_bold(),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_text_wrap(),
            text: cell.clone().set_text_wrap(),
            count: cell.clone().set_num_format("#,##0"),
            decimal: cell.clone().set_num_format("#,##0.0"),
            // A fraction (0.958) shown as « 95,8 % »: formulas over it read a proportion.
            percent: cell.clone().set_num_format("0.0 %"),
            euros: cell.clone().set_num_format("#,##0.00\" €\""),
            date: cell.clone().set_num_format("dd/mm/yyyy"),
            month: cell.clone().set_num_format("mm/yyyy"),
            points: cell
                .clone()
                .set_num_format("+0.0\" pt\";-0.0\" pt\";0.0\" pt\""),
            change: cell.set_num_format("+0.0 %;-0.0 %;0.0 %"),
            note: Format::new().set_italic().set_font_color(Color::Gray),
            note_wrap: Format::new()
                .set_italic()
                .set_font_color(Color::Gray)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// Excel refuses some characters in sheet names and more than 31 of them.
pub fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    name
}

/// A published value in its cell: a percentage as a fraction with a % format, euros
/// with two decimals, a whole number (a count, places, flats) as an integer, any other
/// figure with one decimal; a mask as its text.
pub fn write_shown(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    shown: &Shown,
    (nature, unit): (Nature, &str),
    styles: &Styles,
) -> Result<(), XlsxError> {
    match shown {
        Shown::Value(v) => {
            let (value, format) = stored(*v, (nature, unit), styles);
            sheet.write_number_with_format(row, column, value, format)
        }
        Shown::Withheld => {
            sheet.write_string_with_format(row, column, super::WITHHELD, &styles.text)
        }
        Shown::Masked(s) => {
            sheet.write_string_with_format(row, column, format!("< {s}"), &styles.text)
        }
        Shown::Empty => sheet.write_string_with_format(row, column, "—", &styles.text),
    }?;
    Ok(())
}

/// Writing a text the reader reads (a title, a label, a note, a definition) as French
/// typography sets it, whatever the catalogue or the data typed.
pub trait WriteProse {
    fn write_prose(
        &mut self,
        row: u32,
        column: u16,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<(), XlsxError>;
}

impl WriteProse for Worksheet {
    fn write_prose(
        &mut self,
        row: u32,
        column: u16,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<(), XlsxError> {
        self.write_string_with_format(row, column, crate::format::prose(text.as_ref()), format)?;
        Ok(())
    }
}

/// How a figure is stored and shown: the same rules as [`Shown::display`], the
/// percentage divided by 100 because a % format multiplies by 100.
pub fn stored<'s>(
    value: f64,
    (nature, unit): (Nature, &str),
    styles: &'s Styles,
) -> (f64, &'s Format) {
    match Unit::of(unit) {
        Unit::Percent => (value / 100.0, &styles.percent),
        Unit::Euros => (value, &styles.euros),
        _ if nature == Nature::Headcount || value.fract() == 0.0 => (value, &styles.count),
        _ => (value, &styles.decimal),
    }
}

/// An Excel date of the day `date`.
pub fn excel_date(date: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(date.year()).unwrap_or(1900),
        date.month() as u8,
        date.day() as u8,
    )
}

/// Points of one line of the default 11-point font, the row's padding included.
const LINE_HEIGHT: f64 = 15.0;

/// The lines `text` takes once wrapped in a column `width` characters wide, words kept
/// whole: a column's width counts digits of the default font, about one character of
/// text each, bold a little wider, so a line holds `width − 1` characters to be safe.
pub fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width - 1.0).max(1.0) as usize;
    text.split('\n')
        .map(|paragraph| {
            let (mut lines, mut length) = (1, 0);
            for word in paragraph.split(' ') {
                let w = word.chars().count();
                if length == 0 {
                    length = w;
                } else if length + 1 + w <= per_line {
                    length += 1 + w;
                } else {
                    lines += 1;
                    length = w;
                }
                while length > per_line {
                    lines += 1;
                    length -= per_line;
                }
            }
            lines
        })
        .sum()
}

/// Sizes `row` to the tallest of its wrapped `cells` (text, column width): neither Excel
/// nor LibreOffice sizes a row to wrapped text it did not type.
pub fn fit_row(sheet: &mut Worksheet, row: u32, cells: &[(&str, f64)]) -> Result<(), XlsxError> {
    let lines = cells
        .iter()
        .map(|(text, width)| wrapped_lines(text, *width))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        // Excel draws a row at most 409 points high.
        sheet.set_row_height(row, (LINE_HEIGHT * lines as f64).min(409.0))?;
    }
    Ok(())
}

/// A note under a table (a privacy rule, why a figure is absent) across the `widths` of
/// the table's columns, wrapped there: a note overflowing its first cell would be cut at
/// the edge of the printed page.
pub fn write_note(
    sheet: &mut Worksheet,
    row: u32,
    text: &str,
    widths: &[f64],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let text = crate::format::prose(text);
    let last = widths.len().saturating_sub(1) as u16;
    if last == 0 {
        sheet.write_string_with_format(row, 0, &text, &styles.note_wrap)?;
    } else {
        sheet.merge_range(row, 0, row, last, &text, &styles.note_wrap)?;
    }
    fit_row(sheet, row, &[(&text, widths.iter().sum())])
}

/// Rows of an Excel sheet, the header included.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// The name of the workbook in every message.
const FILE: &str = "tableaux.xlsx";

/// The workbook's bytes. The same run on the same day gives the same bytes: the
/// creation date written in the file is `today` at 00:00, not the clock.
pub fn bytes(
    run: &Run,
    catalogue: &Catalogue,
    benchmarks: &[Benchmark],
    today: NaiveDate,
) -> Result<Vec<u8>> {
    build(run, catalogue, benchmarks, today, EXCEL_MAX_ROWS).map_err(|e| french_error(&e))
}

/// A rust_xlsxwriter error as the user reads it: in French, naming the file.
pub fn french_error(error: &XlsxError) -> anyhow::Error {
    let why = match error {
        XlsxError::RowColumnLimitError => format!(
            "une feuille dépasserait la limite d'Excel ({} lignes, 16 384 colonnes)",
            crate::format::number(f64::from(EXCEL_MAX_ROWS), 0)
        ),
        XlsxError::MaxStringLengthExceeded => {
            "un texte dépasse 32 767 caractères, la limite d'une cellule d'Excel".to_string()
        }
        XlsxError::SheetnameCannotBeBlank(name)
        | XlsxError::SheetnameLengthExceeded(name)
        | XlsxError::SheetnameReused(name)
        | XlsxError::SheetnameContainsInvalidCharacter(name)
        | XlsxError::SheetnameStartsOrEndsWithApostrophe(name) => {
            format!(
                "le nom de feuille « {name} » est refusé par Excel (vide, trop long, déjà pris ou avec un caractère interdit)"
            )
        }
        XlsxError::IoError(e) => format!("erreur d'écriture ({})", crate::format::io_error(e)),
        XlsxError::ZipError(e) => format!("erreur de compression ({e})"),
        other => format!("erreur de la bibliothèque d'écriture des classeurs ({other})"),
    };
    anyhow!("Le classeur « {FILE} » n'a pas pu être produit : {why}.")
}

/// Prints on A4 at the width of one page (landscape for a wide sheet), the rows
/// `repeat` (the sheet's titles) on each printed page.
pub fn print_setup(
    sheet: &mut Worksheet,
    landscape: bool,
    repeat: Option<(u32, u32)>,
) -> Result<(), XlsxError> {
    const A4: u8 = 9;
    sheet.set_paper_size(A4);
    if landscape {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    if let Some((first, last)) = repeat {
        sheet.set_repeat_rows(first, last)?;
    }
    Ok(())
}

/// What every printed page of a sheet says of itself: the subject (programme and
/// sheet) at the top left, the site at the top right, the period and audience at the
/// bottom left and the page at the bottom right, so that a loose page is never
/// anonymous.
pub fn page_heading(sheet: &mut Worksheet, subject: &str, site: &str, context: &str) {
    // `&` starts a control code in a header; Excel keeps at most 255 characters.
    let escape = |text: &str, max: usize| -> String {
        crate::format::prose(text)
            .chars()
            .take(max)
            .collect::<String>()
            .replace('&', "&&")
    };
    sheet.set_header(format!("&L{}&R{}", escape(subject, 150), escape(site, 80)));
    sheet.set_footer(format!("&L{}&RPage &P / &N", escape(context, 200)));
}

/// « période du … au … — version interne »: the period and audience of a run.
pub fn run_context(period: crate::period::Period, audience: Audience) -> String {
    format!("Période {period} — version {}", audience.code())
}

/// « du … au … ; comparaison avec du … au … — version interne »: under a sheet's title,
/// after « Période ».
pub fn comparison_line(period: crate::period::Period, audience: Audience) -> String {
    format!(
        "{period} ; comparaison avec {} — version {}",
        period.previous(),
        audience.code()
    )
}

/// Deflate level of the workbook's parts: on a large site, level 2 writes the workbook a
/// third faster than the default 6 (70 against 100 ms) for a file a tenth larger, and
/// keeps it shorter than `detail.csv`, written beside it.
const ZIP_LEVEL: u8 = 2;

/// A workbook dated from the run's day, not the clock: the same inputs give the same bytes.
pub fn new_workbook(today: NaiveDate) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(ZIP_LEVEL);
    let created = excel_date(today)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(workbook)
}

fn build(
    run: &Run,
    catalogue: &Catalogue,
    benchmarks: &[Benchmark],
    today: NaiveDate,
    max_rows: u32,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = new_workbook(today)?;
    let styles = Styles::default();
    let skipped = groups::skipped(run, catalogue);
    chiffres_cles::write(&mut workbook, run, catalogue, benchmarks, &skipped, &styles)?;
    groups::write(&mut workbook, run, catalogue, &skipped, &styles, max_rows)?;
    let context = run_context(run.period, run.audience);
    let heading = (run.config.site.as_str(), context.as_str());
    write_definitions(&mut workbook, catalogue, &styles, heading)?;
    let with_base = run.audience == Audience::Interne;
    let rows = run.programmes.iter().flat_map(|p| {
        p.tables().flat_map(move |(e, published)| {
            DataRow::of(
                (p.programme.name.as_str(), p.programme.id.as_str()),
                e,
                published,
                run.periods(),
            )
        })
    });
    write_data(&mut workbook, rows, with_base, &styles, heading)?;
    if run.audience == Audience::Interne {
        identifiants::write(&mut workbook, run, max_rows, &styles)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Beyond Excel's limit rust_xlsxwriter refuses a cell; the user reads it in French,
    /// with the file's name.
    #[test]
    fn workbook_errors_are_french() {
        let mut workbook = Workbook::new();
        let error = workbook
            .add_worksheet()
            .write_string(EXCEL_MAX_ROWS, 0, "x")
            .map(|_| ())
            .unwrap_err();
        let message = french_error(&error).to_string();
        assert!(message.contains("« tableaux.xlsx »"), "{message}");
        let limit = crate::format::number(1_048_576.0, 0);
        assert!(message.contains(&format!("{limit} lignes")), "{message}");
        let error = XlsxError::SheetnameReused("Détail".to_string());
        let message = french_error(&error).to_string();
        assert!(message.contains("« Détail » est refusé"), "{message}");
    }

    /// In a column 11 wide a line holds 10 characters: « un deux trois » is « un deux »
    /// (7) then « trois »; a word of 25 letters takes 3 lines (10 + 10 + 5); a line
    /// break starts a line.
    #[test]
    fn wrapped_text_counts_its_lines() {
        assert_eq!(wrapped_lines("un deux trois", 11.0), 2);
        assert_eq!(wrapped_lines("un deux", 11.0), 1);
        assert_eq!(wrapped_lines(&"a".repeat(25), 11.0), 3);
        assert_eq!(wrapped_lines("un\ndeux", 11.0), 2);
        assert_eq!(wrapped_lines("", 11.0), 1);
    }

    /// 95,8 % is stored as 0.958 under a % format; 100 places as 100 under an integer
    /// format; a mean of 2,5 with one decimal; euros as they are.
    #[test]
    fn figures_stored_as_their_kind() {
        let styles = Styles::default();
        let (v, f) = stored(95.8, (Nature::Statistic, "%"), &styles);
        assert!((v - 0.958).abs() < 1e-12);
        assert_eq!(f, &styles.percent);
        assert_eq!(
            stored(100.0, (Nature::Parameter, "places"), &styles),
            (100.0, &styles.count)
        );
        assert_eq!(
            stored(2.5, (Nature::Statistic, "ans"), &styles),
            (2.5, &styles.decimal)
        );
        assert_eq!(
            stored(12.5, (Nature::Statistic, "€"), &styles),
            (12.5, &styles.euros)
        );
    }
}
