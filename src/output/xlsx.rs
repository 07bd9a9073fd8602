//! `tableaux.xlsx`: one sheet per group of indicators, each table with the period and
//! the period before side by side, and a sheet of definitions.

use anyhow::Result;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{ProgrammeRun, Published, Run, Shown, modality_label, side_by_side};
use crate::indicators::engine::Nature;
use crate::indicators::{Catalogue, Evaluation, Outcome};
use crate::privacy::Audience;

struct Styles {
    title: Format,
    subtitle: Format,
    indicator: Format,
    header: Format,
    text: Format,
    count: Format,
    decimal: Format,
    note: Format,
    wrap: Format,
}

impl Styles {
    fn new() -> Styles {
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
            decimal: cell.set_num_format("#,##0.0"),
            note: Format::new().set_italic().set_font_color(Color::Gray),
            wrap: Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
        }
    }
}

/// Excel refuses some characters in sheet names and more than 31 of them.
fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    name
}

fn write_shown(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    shown: &Shown,
    nature: Nature,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match shown {
        Shown::Value(v) if nature == Nature::Headcount => {
            sheet.write_number_with_format(row, column, *v, &styles.count)
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
) -> Result<u32> {
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
                label_row.nature,
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
                        Nature::Statistic,
                        styles,
                    )?;
                }
            }
        }
        row += 1;
    }
    if let Outcome::Absent(note) = &evaluation.outcomes[1] {
        sheet.write_string_with_format(row, 0, format!("N-1 : {note}"), &styles.note)?;
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

fn write_findings(
    sheet: &mut Worksheet,
    mut row: u32,
    run: &Run,
    programme: &ProgrammeRun,
    styles: &Styles,
) -> Result<u32> {
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
    row += 1;
    for f in &data.findings {
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
    Ok(row + 1)
}

pub fn bytes(run: &Run, catalogue: &Catalogue) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let styles = Styles::new();
    for group in &catalogue.groups {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&group.title))?;
        sheet.set_column_width(0, 46)?;
        sheet.set_column_width(1, 16)?;
        for c in 2..8 {
            sheet.set_column_width(c, 14)?;
        }
        let mut row = 0;
        for programme in &run.programmes {
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
                    p.places,
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
                row = write_findings(sheet, row, run, programme, &styles)?;
            }
            row += 1;
        }
    }
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
    sheet.set_freeze_panes(1, 0)?;
    if run.audience == Audience::Interne {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Détail des cellules")?;
        for (c, h) in super::csv::DETAIL_HEADER.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &styles.header)?;
            sheet.set_column_width(c as u16, 24)?;
        }
        for (r, row) in super::csv::detail_rows(run).iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 1, c as u16, text)?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    Ok(workbook.save_to_buffer()?)
}
