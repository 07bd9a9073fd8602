//! `tableaux.xlsx`: one sheet per group of indicators, each table with the period and
//! the period before side by side, and a sheet of definitions.

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::reperes::{Benchmark, benchmark_text};
use super::{ProgrammeRun, Published, Run, Shown, modality_label, side_by_side};
use crate::indicators::engine::Nature;
use crate::indicators::{Catalogue, Evaluation, Outcome};
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
    pub note: Format,
    pub wrap: Format,
}

impl Default for Styles {
    fn default() -> Styles {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::Gray);
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
            text: cell.clone(),
            count: cell.clone().set_num_format("#,##0"),
            decimal: cell.clone().set_num_format("#,##0.0"),
            // Percentages are stored as the figure (95.8), not as a fraction (0.958).
            percent: cell.clone().set_num_format("0.0\" %\""),
            euros: cell.set_num_format("#,##0.00\" €\""),
            note: Format::new().set_italic().set_font_color(Color::Gray),
            wrap: Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
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

pub fn write_shown(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    shown: &Shown,
    (nature, unit): (Nature, &str),
    styles: &Styles,
) -> Result<(), XlsxError> {
    match shown {
        Shown::Value(v) if nature == Nature::Headcount => {
            sheet.write_number_with_format(row, column, *v, &styles.count)
        }
        Shown::Value(v) if unit == "%" => {
            sheet.write_number_with_format(row, column, *v, &styles.percent)
        }
        Shown::Value(v) if unit == "€" => {
            sheet.write_number_with_format(row, column, *v, &styles.euros)
        }
        Shown::Value(v) => sheet.write_number_with_format(row, column, *v, &styles.decimal),
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

fn write_table(
    sheet: &mut Worksheet,
    mut row: u32,
    run: &Run,
    (evaluation, published): (&Evaluation, &[Published; 2]),
    styles: &Styles,
) -> Result<u32, XlsxError> {
    let indicator = evaluation.indicator;
    sheet.write_string_with_format(
        row,
        0,
        format!("{} ({})", indicator.label, indicator.id),
        &styles.indicator,
    )?;
    row += 1;
    if let Outcome::Absent(note) = &evaluation.outcomes[0] {
        sheet.write_string_with_format(row, 0, note, &styles.note)?;
        return Ok(row + 2);
    }
    let pairs = side_by_side(evaluation, published);
    let has_terms = pairs
        .iter()
        .any(|(l, _)| matches!(l.nature, Nature::Rate { .. }));
    let [current, previous] = run.periods().map(|p| p.short_label());
    let mut headers = vec![
        "Modalité".to_string(),
        "Unité".to_string(),
        current.clone(),
        previous.clone(),
    ];
    if has_terms {
        for p in [&current, &previous] {
            headers.push(format!("Numérateur {p}"));
            headers.push(format!("Dénominateur {p}"));
        }
    }
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, h, &styles.header)?;
    }
    row += 1;
    for (label_row, periods) in pairs {
        sheet.write_string_with_format(
            row,
            0,
            modality_label(indicator, label_row),
            &styles.text,
        )?;
        sheet.write_string_with_format(row, 1, &label_row.unit, &styles.text)?;
        for (i, line) in periods.iter().enumerate() {
            let shown = line.map_or([Shown::Empty, Shown::Empty, Shown::Empty], |(_, s)| *s);
            write_shown(
                sheet,
                row,
                2 + i as u16,
                &shown[0],
                (label_row.nature, &label_row.unit),
                styles,
            )?;
            if has_terms {
                let terms = if matches!(label_row.nature, Nature::Rate { .. }) {
                    [&shown[1], &shown[2]]
                } else {
                    [&Shown::Empty, &Shown::Empty]
                };
                for (j, term) in terms.into_iter().enumerate() {
                    write_shown(
                        sheet,
                        row,
                        4 + 2 * i as u16 + j as u16,
                        term,
                        (Nature::Statistic, ""),
                        styles,
                    )?;
                }
            }
        }
        row += 1;
    }
    if let Outcome::Absent(note) = &evaluation.outcomes[1] {
        let note = super::previous_absent(&previous, note);
        sheet.write_string_with_format(row, 0, note, &styles.note)?;
        row += 1;
    }
    if let Some(note) = run.threshold_note() {
        sheet.write_string_with_format(row, 0, note, &styles.note)?;
        row += 1;
    }
    Ok(row + 1)
}

/// The group whose sheet also lists the rows left out and the findings.
const QUALITY_GROUP: &str = "Q";

/// How many findings of one programme the quality sheet lists, starting at `row`: all of
/// them when they fit, else as many as leave room, below Excel's last row, for a note and
/// for the tables of the programmes still to come (`reserve` rows).
fn findings_that_fit(findings: usize, row: u32, max_rows: u32, reserve: u32) -> usize {
    let room = max_rows.saturating_sub(row).saturating_sub(reserve) as usize;
    if findings <= room {
        findings
    } else {
        room.saturating_sub(1)
    }
}

/// Rows kept free below a programme's findings for each programme after it.
const ROWS_PER_PROGRAMME: u32 = 2_000;

fn write_findings(
    sheet: &mut Worksheet,
    mut row: u32,
    run: &Run,
    programme: &ProgrammeRun,
    styles: &Styles,
    (max_rows, reserve): (u32, u32),
) -> Result<u32, XlsxError> {
    let data = programme.data;
    sheet.write_string_with_format(
        row,
        0,
        "Lignes inutilisables écartées de tous les calculs",
        &styles.indicator,
    )?;
    row += 1;
    if data.excluded.is_empty() {
        sheet.write_string_with_format(row, 0, "Aucune.", &styles.note)?;
        row += 1;
    }
    for (table, n) in &data.excluded {
        sheet.write_string_with_format(row, 0, format!("Table {table}"), &styles.text)?;
        sheet.write_number_with_format(row, 2, *n as f64, &styles.count)?;
        row += 1;
    }
    row += 1;
    if run.audience != Audience::Interne {
        sheet.write_string_with_format(
            row,
            0,
            "Le détail des constats, qui cite des identifiants, n'est donné que dans la version interne.",
            &styles.note,
        )?;
        return Ok(row + 2);
    }
    sheet.write_string_with_format(row, 0, "Constats", &styles.indicator)?;
    row += 1;
    for (c, h) in [
        "Genre", "Table", "Fichier", "Feuille", "Ligne", "Colonne", "Valeur", "Message", "Bloquant",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(row, c as u16, *h, &styles.header)?;
    }
    let header_row = row;
    row += 1;
    let shown = findings_that_fit(data.findings.len(), row, max_rows, reserve);
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
            sheet.write_string_with_format(row, c as u16, text, &styles.text)?;
        }
        row += 1;
    }
    if shown > 0 {
        sheet.autofilter(header_row, 0, row - 1, 8)?;
    }
    if shown < data.findings.len() {
        sheet.write_string_with_format(
            row,
            0,
            format!(
                "{} constats de plus dépassent la taille d'une feuille Excel : la liste complète est donnée par « bilan verifier --format csv ».",
                data.findings.len() - shown
            ),
            &styles.note,
        )?;
        row += 1;
    }
    Ok(row + 1)
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

/// « Chiffres clés »: the key figures of each programme, N, N-1, and beside them the
/// national median and quartiles of its kind when the site has the benchmarks.
fn write_key_figures(
    workbook: &mut Workbook,
    run: &Run,
    catalogue: &Catalogue,
    benchmarks: &[Benchmark],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("Chiffres clés")?;
    sheet.set_column_width(0, 50)?;
    for c in 1..4 {
        sheet.set_column_width(c, 14)?;
    }
    sheet.set_column_width(4, 36)?;
    let [current, previous] = run.periods().map(|p| p.short_label());
    let mut row = 0;
    for p in &run.programmes {
        sheet.write_string_with_format(row, 0, &p.programme.name, &styles.title)?;
        row += 1;
        let headers = [
            "Indicateur",
            &current,
            &previous,
            "Unité",
            "Repère national : médiane (Q1 – Q3), sites",
        ];
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16, *h, &styles.header)?;
        }
        row += 1;
        for k in &catalogue.key_figures {
            let Some((e, published)) = p.tables().find(|(e, _)| e.indicator.id == k.indicator)
            else {
                continue;
            };
            let modality = crate::indicators::Modality::code(k.modality.as_str());
            let Some((figure, periods)) = side_by_side(e, published)
                .into_iter()
                .find(|(f, _)| f.modality == modality)
            else {
                continue;
            };
            let label = k.label.clone().unwrap_or_else(|| e.indicator.label.clone());
            sheet.write_string_with_format(row, 0, label, &styles.text)?;
            for (i, period) in periods.iter().enumerate() {
                let shown = period.map_or(Shown::Empty, |(_, s)| s[0]);
                write_shown(
                    sheet,
                    row,
                    1 + i as u16,
                    &shown,
                    (figure.nature, &figure.unit),
                    styles,
                )?;
            }
            sheet.write_string_with_format(row, 3, &figure.unit, &styles.text)?;
            let benchmark = benchmarks.iter().find(|b| {
                b.kind == p.programme.kind
                    && b.period == run.period
                    && b.indicator == k.indicator
                    && b.modality == modality
            });
            let text = benchmark.map_or("—".to_string(), |b| benchmark_text(b, &figure.unit));
            sheet.write_string_with_format(row, 4, text, &styles.text)?;
            row += 1;
        }
        row += 1;
    }
    sheet.set_freeze_panes(0, 1)?;
    print_setup(sheet, true, None)?;
    Ok(())
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
        XlsxError::IoError(e) => format!("erreur d'écriture ({e})"),
        XlsxError::ZipError(e) => format!("erreur de compression ({e})"),
        other => format!("erreur de la bibliothèque d'écriture des classeurs ({other})"),
    };
    anyhow!("Le classeur « {FILE} » n'a pas pu être produit : {why}.")
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
/// header and at most `max_rows − 1` rows, the next ones go to « Détail des cellules
/// (2) », and so on.
struct DetailSheets<'w> {
    workbook: &'w mut Workbook,
    sheet: Worksheet,
    /// Rows written in `sheet`, the header not counted.
    rows: u32,
    part: usize,
    max_rows: u32,
    header: &'w Format,
    /// The identifiers wrap in their column; the other cells keep one line, at the top.
    ids: &'w Format,
    keys: Format,
}

impl<'w> DetailSheets<'w> {
    fn new(
        workbook: &'w mut Workbook,
        max_rows: u32,
        styles: &'w Styles,
    ) -> Result<DetailSheets<'w>, XlsxError> {
        let sheet = detail_sheet(1, &styles.header)?;
        Ok(DetailSheets {
            workbook,
            sheet,
            rows: 0,
            part: 1,
            max_rows: max_rows.max(2),
            header: &styles.header,
            ids: &styles.wrap,
            keys: Format::new().set_align(rust_xlsxwriter::FormatAlign::Top),
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
            if self.rows + 1 == self.max_rows {
                self.part += 1;
                let next = detail_sheet(self.part, self.header)?;
                let full = std::mem::replace(&mut self.sheet, next);
                close_detail(self.workbook, full, self.rows)?;
                self.rows = 0;
            }
            self.rows += 1;
            for (c, text) in keys.into_iter().enumerate() {
                self.sheet
                    .write_string_with_format(self.rows, c as u16, text, &self.keys)?;
            }
            self.sheet
                .write_number_with_format(self.rows, 4, count as f64, &self.keys)?;
            // Neither Excel nor LibreOffice sizes a row to wrapped text it did not type.
            let lines = cell.len().div_ceil(IDS_PER_LINE).max(1);
            if lines > 1 {
                self.sheet.set_row_height(self.rows, 13 * lines as u32)?;
            }
            self.sheet
                .write_string_with_format(self.rows, 5, cell, self.ids)?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), XlsxError> {
        close_detail(self.workbook, self.sheet, self.rows)
    }
}

/// A sheet of the detail given its filter over its `rows` rows and added to the workbook.
fn close_detail(workbook: &mut Workbook, mut sheet: Worksheet, rows: u32) -> Result<(), XlsxError> {
    sheet.autofilter(0, 0, rows, 5)?;
    workbook.push_worksheet(sheet);
    Ok(())
}

/// The `part`-th sheet of the detail, with its header, set up before any row.
fn detail_sheet(part: usize, header: &Format) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(if part == 1 {
        DETAIL_SHEET.to_string()
    } else {
        format!("{DETAIL_SHEET} ({part})")
    })?;
    for (c, h) in DETAIL_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, header)?;
    }
    for (c, width) in [14, 30, 28, 22, 8, IDS_WIDTH].into_iter().enumerate() {
        sheet.set_column_width(c as u16, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    print_setup(&mut sheet, true, Some((0, 0)))?;
    Ok(sheet)
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

/// Deflate level of the workbook's parts: on a large site, level 2 writes the workbook a
/// third faster than the default 6 (70 against 100 ms) for a file a tenth larger, and
/// keeps it shorter than `detail.csv`, written beside it.
const ZIP_LEVEL: u8 = 2;

/// A workbook dated from the run's day, not the clock: the same inputs give the same bytes.
pub fn new_workbook(today: NaiveDate) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(ZIP_LEVEL);
    let created = ExcelDateTime::from_ymd(
        u16::try_from(today.year()).unwrap_or(1900),
        today.month() as u8,
        today.day() as u8,
    )?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(workbook)
}

/// The sheet of the definitions of every indicator of the catalogue.
pub fn write_definitions(
    workbook: &mut Workbook,
    catalogue: &Catalogue,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("Définitions")?;
    for (c, (h, w)) in [
        ("Groupe", 10.0),
        ("Identifiant", 30.0),
        ("Libellé", 40.0),
        ("Unité", 16.0),
        ("Population", 40.0),
        ("Définition", 100.0),
    ]
    .into_iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, c as u16, h, &styles.header)?;
        sheet.set_column_width(c as u16, w)?;
    }
    for (i, (group, indicator)) in catalogue.indicators().enumerate() {
        let row = i as u32 + 1;
        for (c, text) in [
            &group.code,
            &indicator.id,
            &indicator.label,
            &indicator.unit,
            &indicator.population,
            &indicator.definition,
        ]
        .into_iter()
        .enumerate()
        {
            sheet.write_string_with_format(row, c as u16, text, &styles.wrap)?;
        }
    }
    let last = catalogue.indicators().count() as u32;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, 5)?;
    print_setup(sheet, true, Some((0, 0)))?;
    Ok(())
}

/// « Données »: every published figure in the long format of `indicateurs.csv`, with an
/// autofilter, for analysts.
fn write_data(workbook: &mut Workbook, run: &Run, styles: &Styles) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("Données")?;
    for (c, h) in super::csv::HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &styles.header)?;
        sheet.set_column_width(c as u16, if c == 3 || c == 4 { 30 } else { 14 })?;
    }
    let mut row = 1;
    for p in &run.programmes {
        for (e, published) in p.tables() {
            for ((period, outcome), shown) in run.periods().iter().zip(&e.outcomes).zip(published) {
                let Outcome::Computed(figures) = outcome else {
                    continue;
                };
                for (f, s) in figures.iter().zip(shown) {
                    sheet.write_string(row, 0, &p.programme.id)?;
                    sheet.write_string(row, 1, period.start.to_string())?;
                    sheet.write_string(row, 2, period.end.to_string())?;
                    sheet.write_string(row, 3, &e.indicator.id)?;
                    sheet.write_string(row, 4, super::csv::modality_text(&f.modality))?;
                    for (k, term) in s.iter().enumerate() {
                        let column = 5 + k as u16;
                        match term {
                            Shown::Value(v) => sheet.write_number(row, column, *v)?,
                            Shown::Empty => sheet,
                            other => sheet.write_string(row, column, super::csv::machine(other))?,
                        };
                    }
                    sheet.write_string(row, 8, &f.unit)?;
                    if run.audience == crate::privacy::Audience::Interne
                        && let Some(base) = super::csv::base(f)
                    {
                        sheet.write_number(row, 9, base)?;
                    }
                    row += 1;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, row.saturating_sub(1).max(1), 9)?;
    print_setup(sheet, true, Some((0, 0)))?;
    Ok(())
}

/// The name of the first sheet of the identifiers behind each figure.
pub const DETAIL_SHEET: &str = "Détail des cellules";

fn build(
    run: &Run,
    catalogue: &Catalogue,
    benchmarks: &[Benchmark],
    today: NaiveDate,
    max_rows: u32,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = new_workbook(today)?;
    let styles = Styles::default();
    write_key_figures(&mut workbook, run, catalogue, benchmarks, &styles)?;
    for group in &catalogue.groups {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&group.title))?;
        sheet.set_column_width(0, 46)?;
        sheet.set_column_width(1, 16)?;
        for c in 2..8 {
            sheet.set_column_width(c, 14)?;
        }
        sheet.set_freeze_panes(2, 1)?;
        print_setup(sheet, true, Some((0, 1)))?;
        let mut row = 0;
        for (i, programme) in run.programmes.iter().enumerate() {
            let p = programme.programme;
            sheet.write_string_with_format(
                row,
                0,
                format!("{} — {} : {}", run.config.site, p.name, group.title),
                &styles.title,
            )?;
            sheet.write_string_with_format(
                row + 1,
                0,
                format!(
                    "{} ({} places, ouvert le {}) — période {} ; comparaison avec {}",
                    p.kind.label(),
                    p.places_on(run.period.end),
                    crate::format::date(p.opening),
                    run.period,
                    run.period.previous()
                ),
                &styles.subtitle,
            )?;
            row += 3;
            for table in programme
                .tables()
                .filter(|(e, _)| std::ptr::eq(e.group, group))
            {
                row = write_table(sheet, row, run, table, &styles)?;
            }
            if group.code == QUALITY_GROUP {
                let after = (run.programmes.len() - i) as u32;
                let limits = (max_rows, after * ROWS_PER_PROGRAMME);
                row = write_findings(sheet, row, run, programme, &styles, limits)?;
            }
            row += 1;
        }
    }
    write_definitions(&mut workbook, catalogue, &styles)?;
    write_data(&mut workbook, run, &styles)?;
    if run.audience == Audience::Interne {
        let mut sheets = DetailSheets::new(&mut workbook, max_rows, &styles)?;
        super::csv::each_detail_figure(run, |keys, figure| {
            sheets.push(keys, figure.ids.iter(), IDS_PER_CELL)
        })?;
        sheets.finish()?;
    }
    workbook.save_to_buffer()
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
        let mut sheets = DetailSheets::new(&mut workbook, max_rows, &styles).unwrap();
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
    /// characters) and 4 rows per sheet (the header and 3 rows): by hand, the rows are
    /// m1 P01–P02, m2 P03–P04, m2 P05–P06, m3 P07; sheet 1 holds the first three, sheet
    /// 2 the last; each starts with the header.
    #[test]
    fn detail_split_over_rows_and_sheets() {
        let found = sheets(&[2, 4, 1], 4, 8);
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Détail des cellules", "Détail des cellules (2)"]);
        let rows: Vec<Vec<[&str; 3]>> = found
            .iter()
            .map(|(_, rows)| {
                rows[1..]
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
            assert_eq!(rows[0], DETAIL_COLUMNS, "{name}");
        }
        // Exactly 3 rows fill one sheet; no figure gives one sheet with the header only.
        assert_eq!(sheets(&[2, 2, 2], 4, 8).len(), 1);
        let empty = sheets(&[], 4, 8);
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0].1.len(), 1);
    }

    /// 10 findings from row 5 under a limit of 20 rows with 8 kept free: room = 20 − 5 − 8
    /// = 7 rows, so 6 findings and the note. 7 findings fit exactly; none when no room.
    #[test]
    fn findings_listed_within_the_sheet() {
        assert_eq!(findings_that_fit(10, 5, 20, 8), 6);
        assert_eq!(findings_that_fit(7, 5, 20, 8), 7);
        assert_eq!(findings_that_fit(3, 5, 20, 8), 3);
        assert_eq!(findings_that_fit(10, 19, 20, 8), 0);
        assert_eq!(
            findings_that_fit(2_000_000, 100, EXCEL_MAX_ROWS, 2 * ROWS_PER_PROGRAMME),
            (EXCEL_MAX_ROWS - 100 - 2 * ROWS_PER_PROGRAMME - 1) as usize
        );
    }

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
}
