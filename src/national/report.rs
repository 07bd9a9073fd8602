//! The national document (`rapport.typ`, and its PDF): for each kind of programme, the
//! key figures of its ensemble with the number of sites behind them, and for each key
//! rate a chart placing every site among the others, with the sites' median and the
//! number of sites it is over.

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::National;
use crate::format;
use crate::indicators::engine::Nature;
use crate::indicators::{Catalogue, Modality, Outcome};
use crate::output::reperes::not_published;
use crate::output::{Shown, side_by_side};
use crate::report::{DefinitionDoc, FigureDoc, Heading, apply, definitions, figure_doc};

#[derive(Serialize)]
struct Document {
    #[serde(flatten)]
    heading: Heading,
    sites: Vec<String>,
    ensembles: Vec<EnsembleDoc>,
    definitions: Vec<DefinitionDoc>,
}

#[derive(Serialize)]
struct EnsembleDoc {
    name: String,
    members: String,
    key_figures: Vec<KeyDoc>,
    charts: Vec<ChartDoc>,
}

#[derive(Serialize)]
struct KeyDoc {
    label: String,
    figure: FigureDoc,
}

#[derive(Serialize)]
struct ChartDoc {
    title: String,
    labels: Vec<String>,
    numbers: Vec<Option<f64>>,
    texts: Vec<String>,
}

pub fn render(national: &National, catalogue: &Catalogue, today: NaiveDate) -> Result<String> {
    let site_names: Vec<String> = national
        .programmes
        .iter()
        .filter(|p| p.members.is_empty())
        .map(|p| p.name.clone())
        .collect();
    let ensembles = national
        .programmes
        .iter()
        .filter(|p| !p.members.is_empty())
        .map(|ensemble| {
            let mut key_figures = Vec::new();
            let mut charts = Vec::new();
            for k in &catalogue.key_figures {
                let Some((e, published)) = ensemble
                    .evaluations
                    .iter()
                    .zip(&ensemble.published)
                    .find(|(e, _)| e.indicator.id == k.indicator)
                else {
                    continue;
                };
                let modality = Modality::code(k.modality.as_str());
                let Some((row, periods)) = side_by_side(e, published)
                    .into_iter()
                    .find(|(row, _)| row.modality == modality)
                else {
                    continue;
                };
                let label = k.label.clone().unwrap_or_else(|| e.indicator.label.clone());
                key_figures.push(KeyDoc {
                    label: label.clone(),
                    figure: figure_doc(row, periods),
                });
                if matches!(row.nature, Nature::Rate { .. }) {
                    charts.extend(sites_charts(
                        national,
                        ensemble,
                        &k.indicator,
                        &modality,
                        &label,
                        &row.unit,
                    ));
                }
            }
            EnsembleDoc {
                name: ensemble.name.clone(),
                members: format!(
                    "{} : {}.",
                    format::count(ensemble.members.len() as u64, "dispositif", "dispositifs"),
                    ensemble.members.join(", ")
                ),
                key_figures,
                charts,
            }
        })
        .collect();
    let document = Document {
        heading: Heading::new(
            "Consolidation nationale".to_string(),
            national.period,
            national.audience,
            super::tables::rule_note(national),
            today,
        ),
        sites: site_names,
        ensembles,
        definitions: definitions(catalogue),
    };
    apply("national.typ.j2", document)
}

/// Bars per chart: more would not fit a page, and their labels would overlap.
const BARS_PER_CHART: usize = 40;

/// One bar per site of the ensemble's kind for a key rate, the sites ranked by value
/// (those with no published value last), then the sites' median; split into charts of
/// at most [`BARS_PER_CHART`] sites, each with the median, so that 200 sites stay readable.
fn sites_charts(
    national: &National,
    ensemble: &super::NationalProgramme,
    indicator: &str,
    modality: &Modality,
    label: &str,
    unit: &str,
) -> Vec<ChartDoc> {
    let mut bars: Vec<(String, Option<f64>, String)> = national
        .programmes
        .iter()
        .filter(|p| ensemble.members.contains(&p.id))
        .map(|p| {
            let shown = p
                .evaluations
                .iter()
                .zip(&p.published)
                .find(|(e, _)| e.indicator.id == indicator)
                .and_then(|(e, published)| match &e.outcomes[0] {
                    Outcome::Computed(figures) => figures
                        .iter()
                        .position(|f| f.modality == *modality)
                        .map(|i| (published[0][i][0], figures[i].nature)),
                    Outcome::Absent(_) => None,
                });
            let (shown, nature) = shown.unwrap_or((Shown::Empty, Nature::Statistic));
            let number = match shown {
                Shown::Value(v) => Some(v),
                _ => None,
            };
            (p.id.clone(), number, shown.display(unit, nature))
        })
        .collect();
    bars.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let median = national
        .benchmarks
        .iter()
        .find(|b| {
            b.kind == ensemble.kind
                && b.period == national.period
                && b.indicator == indicator
                && b.modality == *modality
        })
        .map(|b| {
            let text = match b.median() {
                Some(m) => Shown::Value(m).display(unit, Nature::Statistic),
                None => not_published(b.sites),
            };
            (
                format!("Médiane des sites ({} sites)", b.sites),
                b.median(),
                text,
            )
        });
    let pages = bars.len().div_ceil(BARS_PER_CHART);
    bars.chunks(BARS_PER_CHART)
        .enumerate()
        .map(|(i, chunk)| {
            let part = if pages > 1 {
                format!(
                    " (sites {} à {} sur {})",
                    i * BARS_PER_CHART + 1,
                    i * BARS_PER_CHART + chunk.len(),
                    bars.len()
                )
            } else {
                String::new()
            };
            let mut chart = ChartDoc {
                title: format!(
                    "{label} : chaque site, {}, par valeur décroissante{part}",
                    national.period.short_label()
                ),
                labels: Vec::new(),
                numbers: Vec::new(),
                texts: Vec::new(),
            };
            for (name, number, text) in chunk.iter().chain(&median) {
                chart.labels.push(name.clone());
                chart.numbers.push(*number);
                chart.texts.push(text.clone());
            }
            chart
        })
        .collect()
}
