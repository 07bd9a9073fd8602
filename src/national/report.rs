//! The national document (`rapport.typ`, and its PDF): for each kind of programme, the
//! key figures of its ensemble with the number of sites behind them, and for each key
//! rate a chart placing every site among the others, with the sites' median.

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::National;
use crate::format;
use crate::indicators::engine::Nature;
use crate::indicators::{Catalogue, Modality, Outcome};
use crate::output::{Shown, side_by_side};
use crate::report::{DefinitionDoc, FigureDoc, apply, definitions, figure_doc};

#[derive(Serialize)]
struct Document {
    site: String,
    period: String,
    current: String,
    previous: String,
    produced: String,
    audience: &'static str,
    threshold_note: Option<String>,
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
    let [current, previous] =
        [national.period, national.period.previous()].map(|p| p.short_label());
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
                    charts.push(sites_chart(
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
                    "{} dispositif(s) : {}.",
                    ensemble.members.len(),
                    ensemble.members.join(", ")
                ),
                key_figures,
                charts,
            }
        })
        .collect();
    let document = Document {
        site: "Consolidation nationale".to_string(),
        period: format!(
            "du {} au {}",
            format::date(national.period.start),
            format::date(national.period.end)
        ),
        current,
        previous,
        produced: format::date(today),
        audience: national.audience.code(),
        threshold_note: super::tables::rule_note(national),
        sites: site_names,
        ensembles,
        definitions: definitions(catalogue),
    };
    apply("national.typ.j2", document)
}

/// One bar per site of the ensemble's kind for a key rate, then the sites' median.
fn sites_chart(
    national: &National,
    ensemble: &super::NationalProgramme,
    indicator: &str,
    modality: &Modality,
    label: &str,
    unit: &str,
) -> ChartDoc {
    let mut chart = ChartDoc {
        title: format!("{label} : chaque site, {}", national.period.short_label()),
        labels: Vec::new(),
        numbers: Vec::new(),
        texts: Vec::new(),
    };
    for p in national
        .programmes
        .iter()
        .filter(|p| ensemble.members.contains(&p.id))
    {
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
        chart.labels.push(p.id.clone());
        chart.numbers.push(match shown {
            Shown::Value(v) => Some(v),
            _ => None,
        });
        chart.texts.push(shown.display(unit, nature));
    }
    if let Some(b) = national.benchmarks.iter().find(|b| {
        b.kind == ensemble.kind
            && b.period == national.period
            && b.indicator == indicator
            && b.modality == *modality
    }) {
        chart.labels.push("Médiane des sites".to_string());
        chart.numbers.push(Some(b.quartiles[2]));
        chart
            .texts
            .push(Shown::Value(b.quartiles[2]).display(unit, Nature::Statistic));
    }
    chart
}
