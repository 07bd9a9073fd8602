//! The national tables: `indicateurs.csv` (every programme as received, then the
//! ensembles), `reperes.csv` (the benchmarks) and `tableaux.xlsx` (per group, one column
//! per programme and per ensemble under its site, kind and id, N and N-1, printed in
//! blocks of programmes; the benchmarks; the definitions; « Données », every figure as a
//! tidy table; « Sources », each site's manifest). Its sheets are built from the parts
//! of the site's workbook, `crate::output::xlsx`.

use anyhow::Result;
use chrono::NaiveDate;
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{National, NationalProgramme, SiteResults};
use crate::figure::Nature;
use crate::indicators::{Catalogue, Outcome};
use crate::output::csv::{Writer, modality_text};
use crate::output::manifest::Count;
use crate::output::reperes::not_published;
use crate::output::xlsx::{
    DataRow, Styles, comparison_line, fit_row, french_error, new_workbook, page_heading,
    print_setup, run_context, sheet_name, stored, write_data, write_definitions, write_shown,
};
use crate::output::xlsx::{WriteProse, write_note};
use crate::output::{Shown, a_year_later, modality_label, plain_label, side_by_side};
use crate::privacy::Audience;

pub fn indicators_csv(national: &National) -> Result<Vec<u8>> {
    let mut writer = Writer::new(national.audience)?;
    let periods = [national.period, national.period.previous()];
    for p in &national.programmes {
        writer.programme(&p.id, p.evaluations.iter().zip(&p.published), periods)?;
    }
    writer.finish()
}

pub fn workbook(
    national: &National,
    sites: &[SiteResults],
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Result<Vec<u8>> {
    build(national, sites, catalogue, today).map_err(|e| french_error(&e))
}

/// What heads every printed page of the national workbook, at the top right.
const SUBJECT: &str = "Consolidation nationale";

/// Programmes printed side by side on one landscape page: at 70 % the label and unit
/// columns and three programmes of two columns each (36 + 16 + 6 × 14 = 136 characters)
/// fit an A4 page's width, in a font of about 8 points (LibreOffice, looked at).
const PROGRAMMES_PER_PAGE: usize = 3;
const PRINT_SCALE: u16 = 70;
const LABEL_WIDTH: f64 = 36.0;
const UNIT_WIDTH: f64 = 16.0;
const FIGURE_WIDTH: f64 = 14.0;
/// Rows above the table: title, subtitle, a blank row, then the programme's site, name,
/// kind and id, and the periods.
const HEADER_ROWS: u32 = 8;

/// The site each programme comes from, by the manifests; an ensemble's is « Ensemble ».
fn site_of<'s>(sites: &'s [SiteResults], programme: &NationalProgramme) -> &'s str {
    sites
        .iter()
        .find(|s| s.manifest.dispositifs.iter().any(|d| d.id == programme.id))
        .map_or("Ensemble des sites", |s| s.manifest.site.as_str())
}

fn build(
    national: &National,
    sites: &[SiteResults],
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = new_workbook(today)?;
    let styles = Styles::default();
    let context = run_context(national.period, national.audience);
    let [current, previous] =
        [national.period, national.period.previous()].map(|p| p.short_label());
    for group in &catalogue.groups {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&group.title))?;
        page_heading(sheet, &format!("{SUBJECT} — {}", group.title), "", &context);
        sheet.set_column_width(0, LABEL_WIDTH)?;
        sheet.set_column_width(1, UNIT_WIDTH)?;
        sheet.write_prose(0, 0, format!("{SUBJECT} : {}", group.title), &styles.title)?;
        sheet.write_prose(
            1,
            0,
            format!(
                "Période {}",
                comparison_line(national.period, national.audience)
            ),
            &styles.subtitle,
        )?;
        let mut row = 3;
        for (c, p) in national.programmes.iter().enumerate() {
            let column = 2 + 2 * c as u16;
            sheet.set_column_width(column, FIGURE_WIDTH)?;
            sheet.set_column_width(column + 1, FIGURE_WIDTH)?;
            let above = [
                site_of(sites, p),
                p.name.as_str(),
                p.kind.label(),
                p.id.as_str(),
            ];
            for (r, text) in above.into_iter().enumerate() {
                let at = row + r as u32;
                let text = crate::format::prose(text);
                sheet.merge_range(at, column, at, column + 1, &text, &styles.header)?;
            }
            sheet.write_prose(row + 4, column, &current, &styles.header)?;
            sheet.write_prose(row + 4, column + 1, &previous, &styles.header)?;
        }
        for (r, h) in ["Site", "Dispositif", "Type", "Code"]
            .into_iter()
            .enumerate()
        {
            sheet.write_prose(row + r as u32, 0, h, &styles.header)?;
            sheet.write_prose(row + r as u32, 1, "", &styles.header)?;
        }
        // The sites' and programmes' names wrap over their two columns.
        for r in 0..3 {
            let names: Vec<(&str, f64)> = national
                .programmes
                .iter()
                .map(|p| {
                    let name = match r {
                        0 => site_of(sites, p),
                        1 => p.name.as_str(),
                        _ => p.kind.label(),
                    };
                    (name, 2.0 * FIGURE_WIDTH)
                })
                .collect();
            fit_row(sheet, row + r, &names)?;
        }
        sheet.write_prose(row + 4, 0, "Indicateur — modalité", &styles.header)?;
        sheet.write_prose(row + 4, 1, "Unité", &styles.header)?;
        row += 5;
        for (_, indicator) in catalogue
            .indicators()
            .filter(|(g, _)| std::ptr::eq(*g, group))
        {
            // The modalités in the order of the first programme that has them, each named
            // as in the period: a month of the period before faces the same month a year
            // later.
            let mut lines: Vec<(crate::indicators::Modality, String, String, Nature)> = Vec::new();
            for p in &national.programmes {
                for (e, published) in p.evaluations.iter().zip(&p.published) {
                    if e.indicator.id != indicator.id {
                        continue;
                    }
                    for (f, [current, _]) in side_by_side(e, published) {
                        let modality = match current {
                            Some(_) => f.modality.clone(),
                            None => a_year_later(&f.modality),
                        };
                        if !lines.iter().any(|(m, ..)| *m == modality) {
                            let named = crate::indicators::Figure {
                                modality: modality.clone(),
                                ..f.clone()
                            };
                            lines.push((
                                modality,
                                modality_label(indicator, &named),
                                f.unit.clone(),
                                f.nature,
                            ));
                        }
                    }
                }
            }
            if lines.is_empty() {
                continue;
            }
            sheet.write_prose(
                row,
                0,
                format!("{} ({})", indicator.label, indicator.id),
                &styles.indicator,
            )?;
            row += 1;
            for (modality, label, unit, nature) in &lines {
                sheet.write_prose(row, 0, label, &styles.text)?;
                sheet.write_prose(row, 1, unit, &styles.text)?;
                fit_row(
                    sheet,
                    row,
                    &[(label.as_str(), LABEL_WIDTH), (unit.as_str(), UNIT_WIDTH)],
                )?;
                for (c, p) in national.programmes.iter().enumerate() {
                    let found = p
                        .evaluations
                        .iter()
                        .zip(&p.published)
                        .find(|(e, _)| e.indicator.id == indicator.id);
                    for period in 0..2 {
                        let shown = found
                            .and_then(|(e, published)| match &e.outcomes[period] {
                                Outcome::Computed(figures) => figures
                                    .iter()
                                    .position(|f| {
                                        *modality
                                            == match period {
                                                0 => f.modality.clone(),
                                                _ => a_year_later(&f.modality),
                                            }
                                    })
                                    .map(|i| published[period][i][0]),
                                Outcome::Absent(_) => None,
                            })
                            .unwrap_or(Shown::Empty);
                        write_shown(
                            sheet,
                            row,
                            2 + 2 * c as u16 + period as u16,
                            &shown,
                            (*nature, unit.as_str()),
                            &styles,
                        )?;
                    }
                }
                row += 1;
            }
            row += 1;
        }
        if let Some(note) = rule_note(national) {
            // Across the first printed block, the label and unit columns included.
            let figures = 2 * national.programmes.len().clamp(1, PROGRAMMES_PER_PAGE);
            let widths: Vec<f64> = [LABEL_WIDTH, UNIT_WIDTH]
                .into_iter()
                .chain(std::iter::repeat_n(FIGURE_WIDTH, figures))
                .collect();
            write_note(sheet, row, &note, &widths, &styles)?;
        }
        sheet.set_freeze_panes(HEADER_ROWS, 2)?;
        print_blocks(sheet, national.programmes.len())?;
    }
    write_benchmarks(&mut workbook, national, catalogue, &styles, &context)?;
    write_definitions(&mut workbook, catalogue, &styles, ("", &context))?;
    let rows = national.programmes.iter().flat_map(|p| {
        p.evaluations
            .iter()
            .zip(&p.published)
            .flat_map(move |(e, published)| {
                DataRow::of(
                    (p.name.as_str(), p.id.as_str()),
                    e,
                    published,
                    [national.period, national.period.previous()],
                )
            })
    });
    let with_base = national.audience == Audience::Interne;
    write_data(&mut workbook, rows, with_base, &styles, ("", &context))?;
    write_sources(&mut workbook, sites, catalogue, &styles, &context)?;
    workbook.save_to_buffer()
}

/// Prints a sheet of one column pair per programme in blocks of
/// [`PROGRAMMES_PER_PAGE`] programmes, each block on pages of its own with the labels
/// and the header rows repeated: fitting 40 sites to one page's width would print them
/// too small to read.
fn print_blocks(sheet: &mut Worksheet, programmes: usize) -> Result<(), XlsxError> {
    print_setup(sheet, true, Some((3, HEADER_ROWS - 1)))?;
    sheet.set_print_scale(PRINT_SCALE);
    sheet.set_repeat_columns(0, 1)?;
    let breaks: Vec<u32> = (PROGRAMMES_PER_PAGE..programmes)
        .step_by(PROGRAMMES_PER_PAGE)
        .map(|c| 2 + 2 * c as u32)
        .collect();
    if !breaks.is_empty() {
        sheet.set_vertical_page_breaks(&breaks)?;
    }
    Ok(())
}

/// « Repères »: the benchmarks of each kind, indicator and modalité, by label and
/// code, their quartiles stored as the figures they are (a rate as a fraction).
fn write_benchmarks(
    workbook: &mut rust_xlsxwriter::Workbook,
    national: &National,
    catalogue: &Catalogue,
    styles: &Styles,
    context: &str,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("Repères")?;
    page_heading(sheet, &format!("{SUBJECT} — repères"), "", context);
    let headers: [(&str, f64); 13] = [
        ("Type de dispositif", 22.0),
        ("Période", 10.0),
        ("Indicateur", 36.0),
        ("Code de l'indicateur", 24.0),
        ("Modalité", 28.0),
        ("Code de la modalité", 22.0),
        ("Unité", 14.0),
        ("Sites", 8.0),
        ("Minimum", 12.0),
        ("1er quartile", 12.0),
        ("Médiane", 12.0),
        ("3e quartile", 12.0),
        ("Maximum", 12.0),
    ];
    for (c, (h, w)) in headers.iter().enumerate() {
        sheet.write_prose(0, c as u16, *h, &styles.header)?;
        sheet.set_column_width(c as u16, *w)?;
    }
    for (i, b) in national.benchmarks.iter().enumerate() {
        let row = i as u32 + 1;
        let indicator = catalogue.lookup(&b.indicator).map(|(_, ind)| ind);
        let label = indicator.map_or(b.indicator.clone(), |ind| ind.label.clone());
        let modality = modality_text(&b.modality);
        let modality_label = benchmark_modality(national, b).unwrap_or_else(|| modality.clone());
        let unit = indicator.map_or("", |ind| ind.unit.as_str());
        let texts = [
            b.kind.label().to_string(),
            b.period.short_label(),
            label,
            b.indicator.clone(),
            modality_label,
            modality,
            unit.to_string(),
        ];
        for (c, text) in texts.iter().enumerate() {
            sheet.write_prose(row, c as u16, text, &styles.text)?;
        }
        sheet.write_number_with_format(row, 7, b.sites as f64, &styles.count)?;
        match b.quartiles {
            Some(q) => {
                for (j, v) in q.iter().enumerate() {
                    // A quartile is a figure of the indicator's unit, never a count.
                    let (v, format) = stored(*v, (Nature::Statistic, unit), styles);
                    let format = if format == &styles.count {
                        &styles.decimal
                    } else {
                        format
                    };
                    sheet.write_number_with_format(row, 8 + j as u16, v, format)?;
                }
            }
            None => {
                sheet.write_prose(row, 8, not_published(b.sites), &styles.text)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, national.benchmarks.len().max(1) as u32, 12)?;
    print_setup(sheet, true, Some((0, 0)))?;
    Ok(())
}

/// The French label of a benchmark's modalité, as a programme's figure of it reads.
fn benchmark_modality(
    national: &National,
    b: &crate::output::reperes::Benchmark,
) -> Option<String> {
    for p in &national.programmes {
        for e in p
            .evaluations
            .iter()
            .filter(|e| e.indicator.id == b.indicator)
        {
            for outcome in &e.outcomes {
                if let Outcome::Computed(figures) = outcome
                    && let Some(f) = figures.iter().find(|f| f.modality == b.modality)
                {
                    return Some(modality_label(e.indicator, f));
                }
            }
        }
    }
    None
}

/// « Sources »: each site's manifest, what the consolidation stands on: versions of
/// the tool and catalogue, period, audience and threshold, then for each programme the
/// rows read and left out of each table and the findings by kind.
fn write_sources(
    workbook: &mut rust_xlsxwriter::Workbook,
    sites: &[SiteResults],
    catalogue: &Catalogue,
    styles: &Styles,
    context: &str,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sources")?;
    page_heading(sheet, &format!("{SUBJECT} — sources"), "", context);
    let widths = [24.0, 24.0, 18.0, 36.0, 16.0, 14.0, 14.0, 16.0, 16.0];
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    let header = |sheet: &mut Worksheet, row: u32, cells: &[&str]| -> Result<(), XlsxError> {
        for (c, h) in cells.iter().enumerate() {
            sheet.write_prose(row, c as u16, *h, &styles.header)?;
        }
        let sized: Vec<(&str, f64)> = cells.iter().copied().zip(widths).collect();
        fit_row(sheet, row, &sized)
    };
    // A row of texts from the first column, as tall as its wrapped cells.
    let line = |sheet: &mut Worksheet, row: u32, texts: &[&str]| -> Result<(), XlsxError> {
        for (c, text) in texts.iter().enumerate() {
            sheet.write_prose(row, c as u16, *text, &styles.text)?;
        }
        let sized: Vec<(&str, f64)> = texts.iter().copied().zip(widths).collect();
        fit_row(sheet, row, &sized)
    };
    let count =
        |sheet: &mut Worksheet, row: u32, column: u16, n: &Count| -> Result<(), XlsxError> {
            match n {
                Count::Exact(n) => {
                    sheet.write_number_with_format(row, column, *n as f64, &styles.count)?;
                }
                Count::Masked(text) => sheet.write_prose(row, column, text, &styles.text)?,
            }
            Ok(())
        };
    sheet.write_prose(0, 0, format!("{SUBJECT} : sources"), &styles.title)?;
    let mut row = 2;
    header(
        sheet,
        row,
        &[
            "Site",
            "Version de bilan",
            "Catalogue",
            "Période",
            "Audience",
            "Seuil",
            "Dispositifs",
        ],
    )?;
    row += 1;
    for s in sites {
        let m = &s.manifest;
        let period = format!(
            "{} – {}",
            crate::format::date(m.periode.debut),
            crate::format::date(m.periode.fin)
        );
        let texts = [
            m.site.clone(),
            m.bilan.clone(),
            m.catalogue.chars().take(12).collect(),
            period,
            m.audience.clone(),
        ];
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        line(sheet, row, &texts)?;
        sheet.write_number_with_format(row, 5, f64::from(m.seuil), &styles.count)?;
        sheet.write_number_with_format(row, 6, m.dispositifs.len() as f64, &styles.count)?;
        row += 1;
    }
    row += 1;
    sheet.write_prose(row, 0, "Lignes lues et écartées", &styles.indicator)?;
    row += 1;
    header(
        sheet,
        row,
        &[
            "Site",
            "Dispositif",
            "Table",
            "Fichier",
            "Feuille",
            "Lignes lues",
            "Lignes écartées",
        ],
    )?;
    row += 1;
    for s in sites {
        for d in &s.manifest.dispositifs {
            for t in &d.tables {
                let texts = [
                    s.manifest.site.as_str(),
                    &d.nom,
                    &t.table,
                    &t.fichier,
                    t.feuille.as_deref().unwrap_or_default(),
                ];
                line(sheet, row, &texts)?;
                count(sheet, row, 5, &t.lignes_lues)?;
                count(sheet, row, 6, &t.lignes_ecartees)?;
                row += 1;
            }
        }
    }
    row += 1;
    sheet.write_prose(row, 0, "Constats par genre", &styles.indicator)?;
    row += 1;
    header(
        sheet,
        row,
        &["Site", "Dispositif", "Genre", "Code du genre", "Constats"],
    )?;
    row += 1;
    let kinds = catalogue.lookup("anomalies").map(|(_, ind)| ind);
    for s in sites {
        for d in &s.manifest.dispositifs {
            if d.constats.is_empty() {
                line(sheet, row, &[&s.manifest.site, &d.nom, "Aucun constat"])?;
                row += 1;
            }
            for (kind, n) in &d.constats {
                let label = kinds.map_or(kind.clone(), |ind| plain_label(ind, kind));
                line(sheet, row, &[&s.manifest.site, &d.nom, &label, kind])?;
                count(sheet, row, 4, n)?;
                row += 1;
            }
        }
    }
    print_setup(sheet, true, None)?;
    Ok(())
}

/// The privacy rule, when the audience masks.
pub fn rule_note(national: &National) -> Option<String> {
    (national.threshold > 1).then(|| {
        format!(
            "Règle de diffusion, seuil de confidentialité {s} : effectifs de 1 à {} remplacés par « < {s} », statistiques sur trop peu de personnes et cases qui permettraient de les déduire remplacées par « masqué ». Les ensembles additionnent les sites ; leurs médianes ne sont pas calculées.",
            national.threshold - 1,
            s = national.threshold
        )
    })
}

/// `manifeste.json` of a consolidation: the folders put together and their fingerprints.
pub fn manifest_json(
    national: &National,
    sites: &[super::SiteResults],
    indicateurs_csv: &[u8],
) -> Result<Vec<u8>> {
    let first = sites.first().map(|s| &s.manifest);
    let folders: Vec<serde_json::Value> = sites
        .iter()
        .map(|s| {
            serde_json::json!({
                "dossier": s.folder.display().to_string(),
                "site": s.manifest.site,
                "manifeste_sha256": s.manifest_sha256,
                "indicateurs_csv": s.manifest.indicateurs_csv,
                "dispositifs": s.manifest.dispositifs.iter().map(|d| &d.id).collect::<Vec<_>>(),
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "format": crate::output::manifest::FORMAT,
        "bilan": env!("CARGO_PKG_VERSION"),
        "catalogue": first.map(|m| m.catalogue.clone()),
        "periode": first.map(|m| m.periode),
        "periode_precedente": first.map(|m| m.periode_precedente),
        "audience": national.audience.code(),
        "seuil": national.threshold,
        "dossiers": folders,
        "indicateurs_csv": crate::digest::sha256(indicateurs_csv),
    });
    let mut text = serde_json::to_vec_pretty(&manifest)?;
    text.push(b'\n');
    Ok(text)
}
