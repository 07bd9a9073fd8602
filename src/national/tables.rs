//! The national tables: `indicateurs.csv` (every programme as received, then the
//! ensembles), `reperes.csv` (the benchmarks) and `tableaux.xlsx` (per group, one column
//! per programme and per ensemble, N and N-1; the benchmarks; the definitions).

use anyhow::Result;
use chrono::NaiveDate;
use rust_xlsxwriter::XlsxError;

use super::National;
use crate::indicators::engine::Nature;
use crate::indicators::{Catalogue, Outcome};
use crate::output::csv::{Writer, modality_text};
use crate::output::reperes::not_published;
use crate::output::xlsx::{
    Styles, french_error, new_workbook, print_setup, sheet_name, write_definitions, write_shown,
};
use crate::output::{Shown, a_year_later, modality_label, side_by_side};

pub fn indicators_csv(national: &National) -> Result<Vec<u8>> {
    let mut writer = Writer::new(national.audience)?;
    let periods = [national.period, national.period.previous()];
    for p in &national.programmes {
        writer.programme(&p.id, p.evaluations.iter().zip(&p.published), periods)?;
    }
    writer.finish()
}

pub fn workbook(national: &National, catalogue: &Catalogue, today: NaiveDate) -> Result<Vec<u8>> {
    build(national, catalogue, today).map_err(|e| french_error(&e))
}

fn build(
    national: &National,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = new_workbook(today)?;
    let styles = Styles::default();
    let [current, previous] =
        [national.period, national.period.previous()].map(|p| p.short_label());
    for group in &catalogue.groups {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&group.title))?;
        sheet.set_column_width(0, 46)?;
        sheet.write_string_with_format(
            0,
            0,
            format!("Consolidation nationale : {}", group.title),
            &styles.title,
        )?;
        sheet.write_string_with_format(
            1,
            0,
            format!(
                "Période {} ; comparaison avec {}",
                national.period,
                national.period.previous()
            ),
            &styles.subtitle,
        )?;
        let mut row = 3;
        for (c, p) in national.programmes.iter().enumerate() {
            let column = 2 + 2 * c as u16;
            sheet.set_column_width(column, 14)?;
            sheet.set_column_width(column + 1, 14)?;
            sheet.merge_range(row, column, row, column + 1, &p.id, &styles.header)?;
            sheet.write_string_with_format(row + 1, column, &current, &styles.header)?;
            sheet.write_string_with_format(row + 1, column + 1, &previous, &styles.header)?;
        }
        sheet.write_string_with_format(row + 1, 0, "Indicateur — modalité", &styles.header)?;
        sheet.write_string_with_format(row + 1, 1, "Unité", &styles.header)?;
        row += 2;
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
            sheet.write_string_with_format(
                row,
                0,
                format!("{} ({})", indicator.label, indicator.id),
                &styles.indicator,
            )?;
            row += 1;
            for (modality, label, unit, nature) in &lines {
                sheet.write_string_with_format(row, 0, label, &styles.text)?;
                sheet.write_string_with_format(row, 1, unit, &styles.text)?;
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
            sheet.write_string_with_format(row, 0, note, &styles.note)?;
        }
        sheet.set_freeze_panes(5, 2)?;
        print_setup(sheet, true, Some((3, 4)))?;
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name("Repères")?;
    let headers = [
        "Type de dispositif",
        "Période",
        "Indicateur",
        "Modalité",
        "Sites",
        "Minimum",
        "1er quartile",
        "Médiane",
        "3e quartile",
        "Maximum",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &styles.header)?;
        sheet.set_column_width(c as u16, if c < 4 { 28 } else { 12 })?;
    }
    for (i, b) in national.benchmarks.iter().enumerate() {
        let row = i as u32 + 1;
        let label = catalogue
            .lookup(&b.indicator)
            .map_or(b.indicator.clone(), |(_, ind)| ind.label.clone());
        sheet.write_string_with_format(row, 0, b.kind.label(), &styles.text)?;
        sheet.write_string_with_format(row, 1, b.period.short_label(), &styles.text)?;
        sheet.write_string_with_format(row, 2, label, &styles.text)?;
        sheet.write_string_with_format(row, 3, modality_text(&b.modality), &styles.text)?;
        sheet.write_number_with_format(row, 4, b.sites as f64, &styles.count)?;
        match b.quartiles {
            Some(q) => {
                for (j, v) in q.iter().enumerate() {
                    sheet.write_number_with_format(row, 5 + j as u16, *v, &styles.decimal)?;
                }
            }
            None => {
                sheet.write_string_with_format(row, 5, not_published(b.sites), &styles.text)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, national.benchmarks.len().max(1) as u32, 9)?;
    print_setup(sheet, true, Some((0, 0)))?;
    write_definitions(&mut workbook, catalogue, &styles)?;
    workbook.save_to_buffer()
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
