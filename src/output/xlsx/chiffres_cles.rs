//! « Chiffres clés »: for each programme, its key figures for the period and the period
//! before, their change, and beside them the national median and quartiles of its kind
//! when the site has the benchmarks; below, the groups that got no sheet and why.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::{
    Styles, WriteProse, comparison_line, fit_row, page_heading, print_setup, run_context,
    write_note, write_shown,
};
use crate::figure::{Nature, Unit};
use crate::indicators::catalogue::applies;
use crate::indicators::{Catalogue, Group};
use crate::output::reperes::{Benchmark, benchmark_text};
use crate::output::{Run, Shown, side_by_side};

const WIDTHS: [f64; 6] = [50.0, 14.0, 14.0, 14.0, 18.0, 36.0];

pub fn write(
    workbook: &mut Workbook,
    run: &Run,
    catalogue: &Catalogue,
    benchmarks: &[Benchmark],
    skipped: &[Vec<(&Group, String)>],
    styles: &Styles,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("Chiffres clés")?;
    for (c, w) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    let context = run_context(run.period, run.audience);
    page_heading(sheet, "Chiffres clés", &run.config.site, &context);
    let [current, previous] = run.periods().map(|p| p.short_label());
    let change = format!("Évolution {previous} → {current}");
    let headers = [
        "Indicateur",
        current.as_str(),
        previous.as_str(),
        change.as_str(),
        "Unité",
        "Repère national : médiane (Q1 – Q3), sites",
    ];
    sheet.write_prose(
        0,
        0,
        format!("{} — chiffres clés", run.config.site),
        &styles.title,
    )?;
    sheet.write_prose(
        1,
        0,
        format!("Période {}", comparison_line(run.period, run.audience)),
        &styles.subtitle,
    )?;
    let mut row = 3;
    for (p, skipped) in run.programmes.iter().zip(skipped) {
        sheet.write_prose(row, 0, &p.programme.name, &styles.title)?;
        row += 1;
        for (c, h) in headers.iter().enumerate() {
            sheet.write_prose(row, c as u16, *h, &styles.header)?;
        }
        let sized: Vec<(&str, f64)> = headers.iter().copied().zip(WIDTHS).collect();
        fit_row(sheet, row, &sized)?;
        row += 1;
        // The key figures of the programme's kind only, as on the report's synthesis page.
        for k in catalogue
            .key_figures
            .iter()
            .filter(|k| applies(&k.programmes, p.programme.kind))
        {
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
            sheet.write_prose(row, 0, &label, &styles.text)?;
            let shown = periods.map(|period| period.map_or(Shown::Empty, |(_, s)| s[0]));
            for (i, s) in shown.iter().enumerate() {
                write_shown(
                    sheet,
                    row,
                    1 + i as u16,
                    s,
                    (figure.nature, &figure.unit),
                    styles,
                )?;
            }
            write_change(sheet, row, shown, &figure.unit, styles)?;
            sheet.write_prose(row, 4, &figure.unit, &styles.text)?;
            let benchmark = benchmarks.iter().find(|b| {
                b.kind == p.programme.kind
                    && b.period == run.period
                    && b.indicator == k.indicator
                    && b.modality == modality
            });
            let text = benchmark.map_or("—".to_string(), |b| benchmark_text(b, &figure.unit));
            sheet.write_prose(row, 5, &text, &styles.text)?;
            fit_row(
                sheet,
                row,
                &[
                    (label.as_str(), WIDTHS[0]),
                    (figure.unit.as_str(), WIDTHS[4]),
                    (text.as_str(), WIDTHS[5]),
                ],
            )?;
            row += 1;
        }
        for (group, note) in skipped {
            write_note(
                sheet,
                row,
                &format!(
                    "Pas de feuille « {} » : aucun indicateur calculé pour la période ({}).",
                    group.title,
                    // The catalogue's note opens with « Non calculé : », which the
                    // sentence says already.
                    note.strip_prefix("Non calculé : ")
                        .unwrap_or(note)
                        .trim_end_matches('.')
                ),
                &WIDTHS,
                styles,
            )?;
            row += 1;
        }
        row += 1;
    }
    if let Some(note) = run.threshold_note() {
        write_note(sheet, row, &note, &WIDTHS, styles)?;
    }
    sheet.set_freeze_panes(0, 1)?;
    print_setup(sheet, true, None)?;
    Ok(())
}

/// The change from the period before: in percentage points for a rate, else relative
/// (a fraction shown in %); « — » when either figure is not published or the period
/// before is zero. Both figures are published, so their change reveals nothing more.
fn write_change(
    sheet: &mut Worksheet,
    row: u32,
    [current, previous]: [Shown; 2],
    unit: &str,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match (current, previous) {
        (Shown::Value(c), Shown::Value(p)) if Unit::of(unit) == Unit::Percent => {
            sheet.write_number_with_format(row, 3, c - p, &styles.points)?;
        }
        (Shown::Value(c), Shown::Value(p)) if p != 0.0 => {
            sheet.write_number_with_format(row, 3, (c - p) / p, &styles.change)?;
        }
        _ => {
            write_shown(
                sheet,
                row,
                3,
                &Shown::Empty,
                (Nature::Statistic, ""),
                styles,
            )?;
        }
    }
    Ok(())
}
