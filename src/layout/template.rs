//! The spreadsheet templates of `bilan modeles`: one workbook per table of donnees.md, so
//! that each can go to whoever keeps it (the journal to the coordinator, the staff table to
//! the administration, the budget to the accountant) and be named on its own line of
//! `bilan.toml`. Its first sheet is the table, read by bilan without a sheet name: the
//! canonical column names as headers (bilan reads them without a profile), a drop-down of
//! the labels of every code column, date and number validation, the header row frozen, and
//! an example row that the reader skips ([`EXAMPLE_MARKER`]). Then « Instructions », in plain
//! French, and the hidden « Listes » the drop-downs read their labels from (a list written
//! into the validation itself is limited to 255 characters and splits a label at a comma).

use anyhow::Result;
use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, Formula, Note, Workbook, Worksheet, XlsxError,
};

use super::{column_text, table_text};
use crate::format::prose;
use crate::ingest::EXAMPLE_MARKER;
use crate::model::{CodeList, ColumnSpec, ColumnType, Requirement, Table};
use crate::output::xlsx::{Styles, fit_row, french_error, new_workbook, print_setup};

/// The last row a validation covers: the whole sheet, as Excel's own « entire column ».
const LAST_ROW: u32 = 1_048_575;
const LISTS: &str = "Listes";
const INSTRUCTIONS: &str = "Instructions";

/// A column of donnees.md that bilan never reads but a template offers: the journal's free
/// text is what a coordinator writes most. The reader ignores it; it is never copied to
/// any output. Name, title, what to write, and the example's text.
struct FreeText {
    table: Table,
    name: &'static str,
    title: &'static str,
    content: &'static str,
    example: &'static str,
}

const FREE_TEXTS: [FreeText; 1] = [FreeText {
    table: Table::Journal,
    name: "texte",
    title: "Texte libre",
    content: "Ce qui s'est passé, en quelques mots. bilan ne le lit pas : il n'apparaît dans aucun résultat.",
    example: "Réunion mensuelle : menus et ménage des parties communes.",
}];

fn free_texts(table: Table) -> impl Iterator<Item = &'static FreeText> {
    FREE_TEXTS.iter().filter(move |f| f.table == table)
}

/// A value of the example row.
enum Example {
    Text(&'static str),
    Date(u16, u8, u8),
    Number(f64),
    Empty,
}

/// The example row: a plausible value of each column, optional ones included so that
/// every column shows how it is written; codes as the label the drop-down offers.
fn example(column: &ColumnSpec) -> Example {
    match (column.name, column.kind) {
        ("id_personne", _) => Example::Text("P001"),
        ("id_logement", _) => Example::Text("L001"),
        ("id_occupation", _) => Example::Text("O001"),
        ("poste", _) => Example::Text("Fournitures et petit équipement"),
        ("commune", _) => Example::Text("Lille"),
        // Either the date of birth or the year: the example gives the date.
        ("annee_naissance", _) => Example::Empty,
        ("date_naissance", _) => Example::Date(1980, 5, 12),
        ("date_sortie" | "date_fin", _) => Example::Date(2025, 6, 30),
        ("etp", _) => Example::Number(0.8),
        ("participants", _) => Example::Number(8.0),
        ("duree_minutes", _) => Example::Number(45.0),
        ("duree_sans_logement_mois", _) => Example::Number(24.0),
        (_, ColumnType::Date) => Example::Date(2025, 1, 15),
        (_, ColumnType::Month) => Example::Date(2025, 1, 1),
        (_, ColumnType::Number) => Example::Number(450.0),
        (_, ColumnType::Integer) => Example::Number(1.0),
        (_, ColumnType::Code(list) | ColumnType::Codes(list)) => {
            Example::Text(list.codes.first().map_or("", |c| c.label))
        }
        (_, ColumnType::Text) => Example::Empty,
    }
}

/// « Femme, Homme, Autre ».
fn labels(list: &CodeList) -> String {
    list.codes
        .iter()
        .map(|c| c.label)
        .collect::<Vec<_>>()
        .join(", ")
}

fn requirement_text(column: &ColumnSpec) -> String {
    match column.requirement {
        Requirement::Essential => "oui (sans elle, la ligne est écartée)".into(),
        Requirement::Required => "oui".into(),
        Requirement::Optional => "non".into(),
        Requirement::UnlessFilled(other) => format!("si « {other} » est vide"),
        Requirement::WhenFilled(other) => format!("si « {other} » est remplie"),
    }
}

/// What to type in a column, for the header's note and the instructions.
fn content_text(table: Table, column: &ColumnSpec) -> String {
    let described = column_text(table, column.name).description;
    let kind = match column.kind {
        ColumnType::Text => "Un texte, gardé tel qu'il est écrit.".to_string(),
        ColumnType::Date => "Une date, par exemple 15/01/2025.".to_string(),
        ColumnType::Integer => "Un nombre entier.".to_string(),
        ColumnType::Number => "Un nombre, virgule décimale (0,8).".to_string(),
        ColumnType::Month => {
            "Une date du mois (son mois est retenu), par exemple 01/01/2025.".to_string()
        }
        ColumnType::Code(list) => format!("Choisir dans la liste : {}.", labels(list)),
        ColumnType::Codes(list) => {
            format!("Un ou plusieurs, séparés par « ; » : {}.", labels(list))
        }
    };
    [described, kind.as_str()]
        .iter()
        .filter(|t| !t.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The validation of a column; `list` is its column in « Listes » for a code column.
fn validation(
    column: &ColumnSpec,
    list: Option<(u16, usize)>,
) -> Result<Option<DataValidation>, XlsxError> {
    let validation = match (column.kind, list) {
        (ColumnType::Code(_), Some((at, count))) => {
            let letter = rust_xlsxwriter::utility::column_number_to_name(at);
            DataValidation::new()
                .allow_list_formula(Formula::new(format!(
                    "={LISTS}!${letter}$2:${letter}${}",
                    count + 1
                )))
                .set_error_title("Valeur hors de la liste")?
                .set_error_message(prose("Choisissez une valeur de la liste déroulante."))?
        }
        (ColumnType::Date | ColumnType::Month, _) => DataValidation::new()
            .allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(1900, 1, 1)?,
                ExcelDateTime::from_ymd(2099, 12, 31)?,
            ))
            .set_error_title("Date attendue")?
            .set_error_message(prose("Saisissez une date, par exemple 15/01/2025."))?,
        (ColumnType::Integer, _) => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_title("Nombre entier attendu")?
            .set_error_message(prose("Saisissez un nombre entier positif ou nul."))?,
        // A negative amount is rare but possible (a refund): a warning, not a refusal.
        (ColumnType::Number, _) => DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("Nombre attendu")?
            .set_error_message(prose(
                "Saisissez un nombre positif, avec une virgule décimale (0,8).",
            ))?,
        _ => return Ok(None),
    };
    Ok(Some(validation))
}

fn width(column: &ColumnSpec) -> f64 {
    match column.kind {
        ColumnType::Date | ColumnType::Month => 13.0,
        ColumnType::Integer | ColumnType::Number => 12.0,
        ColumnType::Code(list) | ColumnType::Codes(list) => {
            let longest = list
                .codes
                .iter()
                .map(|c| c.label.chars().count())
                .max()
                .unwrap_or(10);
            (longest as f64 + 3.0).clamp(12.0, 40.0)
        }
        ColumnType::Text => 20.0,
    }
    .max(column.name.chars().count() as f64 + 3.0)
}

fn write_example(
    sheet: &mut Worksheet,
    column: u16,
    value: Example,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        Example::Text(t) => sheet.write_string_with_format(1, column, t, format)?,
        Example::Date(y, m, d) => sheet.write_datetime_with_format(
            1,
            column,
            ExcelDateTime::from_ymd(y, m, d)?,
            format,
        )?,
        Example::Number(n) => sheet.write_number_with_format(1, column, n, format)?,
        Example::Empty => sheet,
    };
    Ok(())
}

/// The table's sheet; returns the code lists its drop-downs read, in « Listes » order.
fn table_sheet(
    workbook: &mut Workbook,
    table: Table,
    styles: &Styles,
) -> Result<Vec<&'static CodeList>, XlsxError> {
    let spec = table.spec();
    let grey = Format::new().set_italic().set_font_color(Color::Gray);
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let month = Format::new().set_num_format("mm/yyyy");
    let text_format = Format::new().set_num_format("@");
    let grey_date = grey.clone().set_num_format("dd/mm/yyyy");
    let grey_month = grey.clone().set_num_format("mm/yyyy");
    let mut lists: Vec<&'static CodeList> = Vec::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.name())?;
    for (i, column) in spec.columns.iter().enumerate() {
        let at = i as u16;
        sheet.write_string_with_format(0, at, column.name, &styles.header)?;
        let text = column_text(table, column.name);
        let note = Note::new(prose(&format!(
            "{}\n{}",
            text.title,
            content_text(table, column)
        )))
        .set_author("bilan")
        .add_author_prefix(false)
        .set_width(300);
        sheet.insert_note(0, at, &note)?;
        sheet.set_column_width(at, width(column))?;
        let list = match column.kind {
            ColumnType::Code(l) => {
                lists.push(l);
                Some(((lists.len() - 1) as u16, l.codes.len()))
            }
            _ => None,
        };
        if let Some(v) = validation(column, list)? {
            sheet.add_data_validation(1, at, LAST_ROW, at, &v)?;
        }
        // An identifier typed 001 stays 001: a text column is formatted as text.
        match column.kind {
            ColumnType::Date => sheet.set_column_format(at, &date)?,
            ColumnType::Month => sheet.set_column_format(at, &month)?,
            ColumnType::Text => sheet.set_column_format(at, &text_format)?,
            _ => sheet,
        };
        let cell = match column.kind {
            ColumnType::Date => &grey_date,
            ColumnType::Month => &grey_month,
            _ => &grey,
        };
        write_example(sheet, at, example(column), cell)?;
    }
    let mut marker = spec.columns.len() as u16;
    for free in free_texts(table) {
        sheet.write_string_with_format(0, marker, free.name, &styles.header)?;
        let note = Note::new(prose(&format!("{}\n{}", free.title, free.content)))
            .set_author("bilan")
            .add_author_prefix(false)
            .set_width(300);
        sheet.insert_note(0, marker, &note)?;
        sheet.set_column_width(marker, 60.0)?;
        sheet.set_column_format(marker, &text_format)?;
        sheet.write_string_with_format(1, marker, free.example, &grey)?;
        marker += 1;
    }
    // The marker column, after the table's own: the reader skips the row that holds it.
    sheet.write_string_with_format(0, marker, EXAMPLE_MARKER, &styles.header)?;
    sheet.insert_note(
        0,
        marker,
        &Note::new(prose(
            "Ligne d'exemple : bilan ignore toute ligne dont cette colonne contient le mot « exemple ». \
             Laissez-la vide pour vos lignes.",
        ))
        .set_author("bilan")
        .add_author_prefix(false)
        .set_width(300),
    )?;
    sheet.write_string_with_format(1, marker, EXAMPLE_MARKER, &grey)?;
    sheet.set_column_width(marker, 10.0)?;
    sheet.set_freeze_panes(1, 0)?;
    // A blank template is printed to be filled in by hand: every column on the width of a
    // landscape page, the headers on each page.
    print_setup(sheet, true, Some((0, 0)))?;
    Ok(lists)
}

/// The hidden sheet of the labels each drop-down offers, one column per code column.
fn lists_sheet(workbook: &mut Workbook, lists: &[&CodeList]) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(LISTS)?;
    sheet.set_hidden(true);
    for (i, list) in lists.iter().enumerate() {
        let at = i as u16;
        sheet.write_string(0, at, "Libellés")?;
        for (row, code) in list.codes.iter().enumerate() {
            sheet.write_string(row as u32 + 1, at, code.label)?;
        }
    }
    Ok(())
}

/// The widths of the columns of « Instructions »: column, title, required, content.
const INSTRUCTION_WIDTHS: [f64; 4] = [26.0, 34.0, 20.0, 80.0];

fn instructions_sheet(
    workbook: &mut Workbook,
    table: Table,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let (title, description) = table_text(table);
    let name = table.name();
    let sheet = workbook.add_worksheet();
    sheet.set_name(INSTRUCTIONS)?;
    sheet.set_active(true);
    for (c, width) in INSTRUCTION_WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *width)?;
    }
    print_setup(sheet, true, None)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    sheet.write_string_with_format(
        0,
        0,
        prose(&format!("{title} — modèle de saisie pour bilan")),
        &styles.title,
    )?;
    // Printed prose, but for the line of bilan.toml, whose quotes stay straight.
    let lines = [
        prose(description),
        prose(&format!(
            "Saisissez vos lignes dans la feuille « {name} », une par ligne, à partir de la ligne 3. \
             Ne modifiez pas les en-têtes de la ligne 1 : bilan reconnaît les colonnes par leur nom."
        )),
        prose(
            "La ligne 2, en gris, est un exemple : bilan l'ignore tant que sa dernière colonne, « exemple », \
         contient le mot « exemple ». Laissez-la, supprimez-la, ou remplacez-la par une vraie ligne en \
         effaçant ce mot.",
        ),
        prose(
            "Dates : saisissez une date (15/01/2025). Nombres : avec une virgule décimale (0,8). \
         Colonnes à liste : choisissez dans la liste déroulante. Une cellule vide vaut « non renseigné ».",
        ),
        format!(
            "{} {name} = \"{name}.xlsx\" {}",
            prose(
                "Pour que bilan lise ce classeur, indiquez-le dans bilan.toml, section [dispositif.sources] :"
            ),
            prose(
                "(chemin relatif au fichier bilan.toml). « bilan verifier » signale ensuite chaque valeur \
                 à corriger, avec sa ligne et sa colonne."
            )
        ),
    ];
    for (i, line) in lines.iter().enumerate() {
        sheet.merge_range(i as u32 + 2, 0, i as u32 + 2, 3, line, &wrap)?;
        sheet.set_row_height(i as u32 + 2, 45.0)?;
    }
    let top = lines.len() as u32 + 3;
    for (i, header) in ["Colonne", "Intitulé", "Obligatoire", "Contenu"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(top, i as u16, *header, &styles.header)?;
    }
    let rows = table
        .spec()
        .columns
        .iter()
        .map(|column| {
            [
                column.name.to_string(),
                prose(column_text(table, column.name).title),
                prose(&requirement_text(column)),
                prose(&content_text(table, column)),
            ]
        })
        .chain(free_texts(table).map(|free| {
            [
                free.name.to_string(),
                prose(free.title),
                "non".to_string(),
                prose(free.content),
            ]
        }));
    for (i, cells) in rows.enumerate() {
        let row = top + 1 + i as u32;
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16, text, &styles.text)?;
        }
        // Neither Excel nor LibreOffice sizes a row to wrapped text it did not type.
        let sized: Vec<(&str, f64)> = cells
            .iter()
            .map(String::as_str)
            .zip(INSTRUCTION_WIDTHS)
            .collect();
        fit_row(sheet, row, &sized)?;
    }
    Ok(())
}

/// The template of one table, dated `today` in its properties.
pub fn template(table: Table, today: NaiveDate) -> Result<Vec<u8>> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut workbook = new_workbook(today)?;
        let styles = Styles::default();
        let lists = table_sheet(&mut workbook, table, &styles)?;
        instructions_sheet(&mut workbook, table, &styles)?;
        lists_sheet(&mut workbook, &lists)?;
        workbook.save_to_buffer()
    };
    build().map_err(|e| french_error(&e))
}

/// The files `bilan modeles` writes: `TABLE.xlsx` for each table of donnees.md.
pub fn template_files(today: NaiveDate) -> Result<Vec<(String, Vec<u8>)>> {
    Table::ALL
        .into_iter()
        .map(|table| Ok((format!("{}.xlsx", table.name()), template(table, today)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every label a drop-down offers reads back as its code: the reader matches labels
    /// (model.rs, `recognize`), and no label is taken for another code of its list.
    #[test]
    fn every_label_of_a_drop_down_reads_back_as_its_code() {
        for table in Table::ALL {
            for column in table.spec().columns {
                if let ColumnType::Code(list) | ColumnType::Codes(list) = column.kind {
                    for code in list.codes {
                        assert_eq!(
                            list.recognize(code.label),
                            Some(code.code),
                            "{table}.{} « {} »",
                            column.name,
                            code.label
                        );
                    }
                }
            }
        }
    }
}
