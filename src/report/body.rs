//! The body of the report: for each part of the catalogue that the site keeps, the
//! coordinator's words, the part's charts, and each indicator's table for both periods.

use serde::Serialize;

use super::charts::{ChartDoc, chart_doc};
use super::figures::{Table, table_of, with_terms};
use super::texts::Texts;
use crate::figure::Unit;
use crate::indicators::{Catalogue, Modality, Outcome};
use crate::output::reperes::Benchmark;
use crate::output::{ProgrammeRun, Run, Shown, modality_label, previous_absent, side_by_side};

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
    /// The indicators of a single figure, gathered into one table.
    singles: Vec<SingleDoc>,
    /// Once, after them: the indicators whose table is in the workbook only.
    elsewhere: Option<String>,
    indicators: Vec<IndicatorDoc>,
}

#[derive(Serialize)]
pub struct SingleDoc {
    label: String,
    unit: String,
    current: String,
    previous: String,
    previous_absent: Option<String>,
}

#[derive(Serialize)]
pub struct IndicatorDoc {
    id: String,
    label: String,
    /// « Unité : personnes »: the unit of the table's figures; a row in another unit
    /// says its own.
    unit: String,
    previous_absent: Option<String>,
    /// The table has a column « à l'entrée » for each period.
    entry: bool,
    rows: Vec<RowDoc>,
}

#[derive(Serialize)]
pub struct RowDoc {
    label: String,
    current: String,
    previous: String,
    /// The same modalité for the same persons when they entered (`entree:` rows).
    current_entry: String,
    previous_entry: String,
}

/// The prefix of the modalités that describe the persons as they were at their entry.
const AT_ENTRY: &str = "entree";

/// A unit as a table's header says it: what the figures count, or the sign they carry.
fn unit_words(unit: &str) -> String {
    match Unit::of(unit) {
        Unit::Percent => "en %".to_string(),
        Unit::Euros => "en euros".to_string(),
        Unit::Empty | Unit::Words(_) => format!("en {unit}"),
    }
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
        // The workbook's sheet of this part for this programme, named as the workbook
        // names it.
        let sheet = crate::output::xlsx::groups::group_sheet_name(
            &g.title,
            &p.programme.id,
            run.programmes.len() > 1,
        );
        let (mut singles, mut indicators, mut in_workbook_only) =
            (Vec::new(), Vec::new(), Vec::new());
        for &(e, published) in &computed {
            let pairs = side_by_side(e, published);
            let in_workbook = catalogue.workbook_only.contains(&e.indicator.id);
            let previous_absent = match &e.outcomes[1] {
                Outcome::Absent(note) => Some(previous_absent(&previous, note)),
                Outcome::Computed(_) => None,
            };
            // A code of another kind of programme, that no one has here, is no row.
            let foreign = |code: &str| {
                catalogue
                    .codes_of_kinds
                    .get(code)
                    .is_some_and(|kinds| !kinds.contains(&p.programme.kind))
                    && pairs.iter().all(|(row, periods)| {
                        row.modality.code != code
                            || periods.iter().all(|period| {
                                period.is_none_or(|(_, s)| {
                                    matches!(s[0], Shown::Value(0.0) | Shown::Empty)
                                })
                            })
                    })
            };
            let pairs: Vec<_> = pairs
                .iter()
                .filter(|(row, _)| !foreign(&row.modality.code))
                .collect();
            let plain: Vec<_> = pairs
                .iter()
                .filter(|(row, _)| {
                    !in_workbook && row.modality.month.is_none() && row.modality.prefix.is_none()
                })
                .collect();
            let entries: Vec<_> = pairs
                .iter()
                .filter(|(row, _)| {
                    !in_workbook
                        && row.modality.month.is_none()
                        && row.modality.prefix.as_deref() == Some(AT_ENTRY)
                })
                .collect();
            // Other prefixes (a breakdown within a breakdown) stay rows of their own.
            let nested: Vec<_> = pairs
                .iter()
                .filter(|(row, _)| {
                    !in_workbook
                        && row.modality.month.is_none()
                        && row
                            .modality
                            .prefix
                            .as_deref()
                            .is_some_and(|p| p != AT_ENTRY)
                })
                .collect();
            if in_workbook || pairs.iter().any(|(row, _)| row.modality.month.is_some()) {
                in_workbook_only.push(e.indicator.label.clone());
            }
            if plain.is_empty() && entries.is_empty() && nested.is_empty() {
                continue;
            }
            let label = |row: &crate::indicators::Figure| {
                let label = modality_label(e.indicator, row);
                if row.unit != e.indicator.unit && matches!(Unit::of(&row.unit), Unit::Words(_)) {
                    format!("{label} ({})", unit_words(&row.unit))
                } else {
                    label
                }
            };
            if let [(row, periods)] = plain.as_slice()
                && entries.is_empty()
                && nested.is_empty()
            {
                singles.push(SingleDoc {
                    label: if row.modality.code == "total" {
                        e.indicator.label.clone()
                    } else {
                        format!(
                            "{} : {}",
                            e.indicator.label,
                            modality_label(e.indicator, row).to_lowercase()
                        )
                    },
                    unit: if Unit::of(&row.unit).is_sign() {
                        String::new()
                    } else {
                        row.unit.clone()
                    },
                    current: with_terms(row, periods[0]),
                    previous: with_terms(row, periods[1]),
                    previous_absent,
                });
                continue;
            }
            let mut rows: Vec<RowDoc> = plain
                .iter()
                .chain(&nested)
                .map(|(row, periods)| {
                    let entry = entries
                        .iter()
                        .find(|(r, _)| r.modality.code == row.modality.code);
                    RowDoc {
                        label: label(row),
                        current: with_terms(row, periods[0]),
                        previous: with_terms(row, periods[1]),
                        current_entry: entry.map_or(String::new(), |(r, p)| with_terms(r, p[0])),
                        previous_entry: entry.map_or(String::new(), |(r, p)| with_terms(r, p[1])),
                    }
                })
                .collect();
            // An entry modalité with no current counterpart still gets its row.
            for (row, periods) in entries.iter().filter(|(r, _)| {
                !plain
                    .iter()
                    .any(|(p, _)| p.modality.code == r.modality.code)
            }) {
                let mut current = (*row).clone();
                current.modality.prefix = None;
                rows.push(RowDoc {
                    label: label(&current),
                    current: "—".to_string(),
                    previous: "—".to_string(),
                    current_entry: with_terms(row, periods[0]),
                    previous_entry: with_terms(row, periods[1]),
                });
            }
            indicators.push(IndicatorDoc {
                id: e.indicator.id.clone(),
                label: e.indicator.label.clone(),
                unit: format!(
                    "Unité : {}",
                    if Unit::of(&e.indicator.unit) == Unit::Euros {
                        "euros"
                    } else {
                        &e.indicator.unit
                    }
                ),
                previous_absent,
                entry: !entries.is_empty(),
                rows,
            });
        }
        let elsewhere = (!in_workbook_only.is_empty()).then(|| {
            format!(
                "Dans le classeur tableaux.xlsx, feuille « {sheet} » : {} (séries mois par mois et tableaux longs).",
                in_workbook_only.join(" ; ")
            )
        });
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
            singles,
            elsewhere,
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
