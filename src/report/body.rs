//! The body of the report: for each part of the catalogue that the site keeps, the
//! coordinator's words, the part's charts, and each indicator's table for both periods.

use serde::Serialize;

use super::charts::{ChartDoc, chart_doc};
use super::figures::{Table, table_of, with_terms};
use super::texts::Texts;
use crate::indicators::{Catalogue, Modality, Outcome};
use crate::output::reperes::Benchmark;
use crate::output::{ProgrammeRun, Run, modality_label, previous_absent, side_by_side};

#[derive(Serialize)]
pub struct SectionDoc {
    code: String,
    slug: String,
    title: String,
    /// The coordinator's text, as Typst markup.
    words: Option<String>,
    /// The file of the coordinator's text, named in the markup so that a layout error
    /// in it points to it.
    words_source: Option<String>,
    charts: Vec<ChartDoc>,
    /// Once, at the top of the part: the indicators the site's tables do not allow.
    missing: Option<String>,
    indicators: Vec<IndicatorDoc>,
}

#[derive(Serialize)]
pub struct IndicatorDoc {
    id: String,
    label: String,
    previous_absent: Option<String>,
    rows: Vec<RowDoc>,
    /// Where the rows left out of the report are: months, long tables.
    elsewhere: Option<String>,
}

#[derive(Serialize)]
pub struct RowDoc {
    label: String,
    current: String,
    previous: String,
}

/// The parts of a programme's report, in the catalogue's order.
pub fn sections<'b>(
    run: &Run,
    p: &ProgrammeRun,
    catalogue: &Catalogue,
    texts: &Texts,
    benchmark: &dyn Fn(&str, &Modality) -> Option<&'b Benchmark>,
) -> Vec<SectionDoc> {
    let [_, previous] = run.periods().map(|p| p.short_label());
    let mut sections = Vec::new();
    for g in &catalogue.groups {
        let tables: Vec<Table> = p
            .tables()
            .filter(|(e, _)| std::ptr::eq(e.group, g))
            .collect();
        let computed: Vec<Table> = tables
            .iter()
            .copied()
            .filter(|(e, _)| matches!(e.outcomes[0], Outcome::Computed(_)))
            .collect();
        // A part whose data the site does not keep at all is left out.
        if computed.is_empty() {
            continue;
        }
        let missing: Vec<String> = tables
            .iter()
            .filter_map(|(e, _)| match &e.outcomes[0] {
                Outcome::Absent(note) => Some(format!(
                    "{} ({})",
                    e.indicator.label,
                    note.trim_end_matches('.')
                )),
                Outcome::Computed(_) => None,
            })
            .collect();
        let sheet = crate::output::xlsx::sheet_name(&g.title);
        let indicators: Vec<IndicatorDoc> = computed
            .iter()
            .map(|&(e, published)| {
                let pairs = side_by_side(e, published);
                let in_workbook = catalogue.workbook_only.contains(&e.indicator.id);
                let monthly = pairs.iter().any(|(row, _)| row.modality.month.is_some());
                let rows: Vec<RowDoc> = pairs
                    .iter()
                    .filter(|(row, _)| !in_workbook && row.modality.month.is_none())
                    .map(|(row, periods)| RowDoc {
                        label: modality_label(e.indicator, row),
                        current: with_terms(row, periods[0]),
                        previous: with_terms(row, periods[1]),
                    })
                    .collect();
                let elsewhere = (in_workbook || monthly).then(|| {
                    format!(
                        "{} dans le classeur tableaux.xlsx, feuille « {sheet} ».",
                        if in_workbook {
                            "Le tableau complet est"
                        } else {
                            "Le détail mois par mois est"
                        }
                    )
                });
                IndicatorDoc {
                    id: e.indicator.id.clone(),
                    label: e.indicator.label.clone(),
                    previous_absent: match &e.outcomes[1] {
                        Outcome::Absent(note) => Some(previous_absent(&previous, note)),
                        Outcome::Computed(_) => None,
                    },
                    rows,
                    elsewhere,
                }
            })
            .collect();
        let (words, words_source) = texts.get(&p.programme.id, &g.slug).unzip();
        let charts = catalogue
            .charts
            .iter()
            .filter(|chart| !chart.synthese)
            .filter_map(|chart| {
                let table = table_of(p, &chart.indicator)?;
                if !std::ptr::eq(table.0.group, g) {
                    return None;
                }
                chart_doc(run, p, catalogue, chart, table, &benchmark)
            })
            .collect();
        sections.push(SectionDoc {
            code: g.code.clone(),
            slug: g.slug.clone(),
            title: g.title.clone(),
            words,
            words_source,
            charts,
            missing: (!missing.is_empty()).then(|| {
                format!(
                    "Non calculés faute des données nécessaires : {}.",
                    missing.join(" ; ")
                )
            }),
            indicators,
        });
    }
    sections
}
