//! The sheets of the groups of indicators: one per group and per programme, titled with
//! its own programme, each table with the period and the period before side by side.
//! A group none of whose indicators is computed for the programme gets no sheet; the
//! quality group always has one, with the rows left out and the findings.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::{
    Styles, WriteProse, comparison_line, fit_row, page_heading, print_setup, qualite, run_context,
    sheet_name, write_note, write_shown,
};
use crate::figure::Nature;
use crate::indicators::{Catalogue, Evaluation, Group, Outcome};
use crate::output::{ProgrammeRun, Published, Run, Shown, modality_label, side_by_side};

/// Widths of the columns of a group's sheet: label, unit, then the figures.
const LABEL_WIDTH: f64 = 46.0;
const UNIT_WIDTH: f64 = 18.0;
const FIGURE_WIDTH: f64 = 14.0;
/// A note spans the columns every table of the sheet prints: label, unit and both periods.
pub(super) const NOTE_WIDTHS: [f64; 4] = [LABEL_WIDTH, UNIT_WIDTH, FIGURE_WIDTH, FIGURE_WIDTH];

/// The groups a programme gets no sheet for, each with why: every indicator of the
/// group is « non calculé » for the period. The key figures' sheet says so.
pub fn skipped<'c>(run: &Run, catalogue: &'c Catalogue) -> Vec<Vec<(&'c Group, String)>> {
    run.programmes
        .iter()
        .map(|p| {
            catalogue
                .groups
                .iter()
                .filter(|g| !g.counts_findings())
                .filter_map(|g| {
                    let mut notes = tables_of(p, g).map(|(e, _)| match &e.outcomes[0] {
                        Outcome::Absent(note) => Some(note.clone()),
                        Outcome::Computed(_) => None,
                    });
                    let first = notes.next()??;
                    notes.all(|n| n.is_some()).then_some((g, first))
                })
                .collect()
        })
        .collect()
}

fn tables_of<'p, 'a>(
    programme: &'p ProgrammeRun<'a>,
    group: &'p Group,
) -> impl Iterator<Item = (&'p Evaluation<'a>, &'p [Published; 2])> {
    programme
        .tables()
        .filter(move |(e, _)| std::ptr::eq(e.group, group))
}

/// The name of a group's sheet: the group's title alone when the run has one programme,
/// else followed by the programme's id, both cut to Excel's 31 characters.
pub fn group_sheet_name(title: &str, programme: &str, several: bool) -> String {
    if !several {
        return sheet_name(title);
    }
    let id: String = programme.chars().take(16).collect();
    let room = 31 - id.chars().count() - 3;
    let title: String = sheet_name(title).chars().take(room).collect();
    sheet_name(&format!("{} ({id})", title.trim_end()))
}

pub fn write(
    workbook: &mut Workbook,
    run: &Run,
    catalogue: &Catalogue,
    skipped: &[Vec<(&Group, String)>],
    styles: &Styles,
    max_rows: u32,
) -> Result<(), XlsxError> {
    let several = run.programmes.len() > 1;
    let context = run_context(run.period, run.audience);
    for (programme, skipped) in run.programmes.iter().zip(skipped) {
        let p = programme.programme;
        for group in &catalogue.groups {
            if skipped.iter().any(|(g, _)| std::ptr::eq(*g, group)) {
                continue;
            }
            let sheet = workbook.add_worksheet();
            sheet.set_name(group_sheet_name(&group.title, &p.id, several))?;
            sheet.set_column_width(0, LABEL_WIDTH)?;
            sheet.set_column_width(1, UNIT_WIDTH)?;
            for c in 2..8 {
                sheet.set_column_width(c, FIGURE_WIDTH)?;
            }
            sheet.set_freeze_panes(2, 1)?;
            print_setup(sheet, true, Some((0, 1)))?;
            page_heading(
                sheet,
                &format!("{} — {}", p.name, group.title),
                &run.config.site,
                &context,
            );
            sheet.write_prose(
                0,
                0,
                format!("{} — {} : {}", run.config.site, p.name, group.title),
                &styles.title,
            )?;
            sheet.write_prose(
                1,
                0,
                format!(
                    "{} ({} places, ouvert le {}) — période {}",
                    p.kind.label(),
                    p.places_on(run.period.end),
                    crate::format::date(p.opening),
                    comparison_line(run.period, run.audience)
                ),
                &styles.subtitle,
            )?;
            // The rule of diffusion once, under the title, rather than under each table.
            let mut row = 3;
            if let Some(note) = run.threshold_note() {
                write_note(sheet, 2, &note, &NOTE_WIDTHS, styles)?;
                row = 4;
            }
            for table in tables_of(programme, group) {
                row = write_table(sheet, row, run, table, styles)?;
            }
            if group.counts_findings() {
                qualite::write_findings(sheet, row, run, programme, styles, max_rows)?;
            }
        }
    }
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
    sheet.write_prose(
        row,
        0,
        format!("{} ({})", indicator.label, indicator.id),
        &styles.indicator,
    )?;
    row += 1;
    if let Outcome::Absent(note) = &evaluation.outcomes[0] {
        write_note(sheet, row, note, &NOTE_WIDTHS, styles)?;
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
    let mut sized = Vec::new();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_prose(row, c as u16, h, &styles.header)?;
        sized.push((h.as_str(), width(c)));
    }
    fit_row(sheet, row, &sized)?;
    row += 1;
    for (label_row, periods) in pairs {
        let label = modality_label(indicator, label_row);
        sheet.write_prose(row, 0, &label, &styles.text)?;
        sheet.write_prose(row, 1, &label_row.unit, &styles.text)?;
        fit_row(
            sheet,
            row,
            &[
                (label.as_str(), LABEL_WIDTH),
                (label_row.unit.as_str(), UNIT_WIDTH),
            ],
        )?;
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
        let note = crate::output::previous_absent(&previous, note);
        write_note(sheet, row, &note, &NOTE_WIDTHS, styles)?;
        row += 1;
    }
    Ok(row + 1)
}

/// The width of the `column`-th column of a group's sheet.
fn width(column: usize) -> f64 {
    match column {
        0 => LABEL_WIDTH,
        1 => UNIT_WIDTH,
        _ => FIGURE_WIDTH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// « Profil des personnes » (20) and « logement_abord » (14): 20 + 3 + 14 = 37 > 31,
    /// so the title keeps 31 − 14 − 3 = 14 characters, « Profil des per ».
    #[test]
    fn group_sheets_named_within_excel_limit() {
        assert_eq!(group_sheet_name("Activité", "village", false), "Activité");
        assert_eq!(
            group_sheet_name("Activité", "village", true),
            "Activité (village)"
        );
        let long = group_sheet_name("Profil des personnes", "logement_abord", true);
        assert_eq!(long, "Profil des per (logement_abord)");
        assert!(long.chars().count() <= 31);
    }
}
