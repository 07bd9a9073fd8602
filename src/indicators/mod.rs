//! Indicator results: the catalogue evaluated for a programme over a period and the
//! period before.

pub mod catalogue;
pub mod engine;
pub mod views;

use anyhow::{Context, Result};

pub use catalogue::{Catalogue, Group, Indicator};
use engine::Engine;
pub use engine::Figure;
use views::Views;

use crate::config::Programme;
use crate::ingest::Dataset;
use crate::period::Period;

#[derive(Debug, Clone)]
pub enum Outcome {
    Computed(Vec<Figure>),
    /// The programme lacks a table the indicator needs: said, never shown as zeros.
    Absent(String),
}

pub struct Evaluation<'c> {
    pub group: &'c Group,
    pub indicator: &'c Indicator,
    /// The period, then the period before.
    pub outcomes: [Outcome; 2],
}

pub fn evaluate<'c>(
    catalogue: &'c Catalogue,
    dataset: &Dataset,
    programme: &Programme,
    period: Period,
) -> Result<Vec<Evaluation<'c>>> {
    let engines = [
        Engine {
            views: Views::build(dataset, period)?,
            programme,
        },
        Engine {
            views: Views::build(dataset, period.previous())?,
            programme,
        },
    ];
    let mut evaluations = Vec::new();
    for (group, indicator) in catalogue.indicators() {
        if !catalogue::applies(&indicator.programmes, programme.kind) {
            continue;
        }
        let missing: Vec<_> = indicator
            .tables()
            .into_iter()
            .filter(|t| !programme.sources.contains_key(t))
            .map(|t| t.name())
            .collect();
        let outcome = |engine: &Engine| -> Result<Outcome> {
            if !missing.is_empty() {
                return Ok(Outcome::Absent(format!(
                    "Non calculé : le dispositif ne fournit pas la table {}.",
                    missing.join(", ")
                )));
            }
            engine
                .evaluate(&indicator.computation, &indicator.unit)
                .map(Outcome::Computed)
                .with_context(|| format!("Calcul de l'indicateur « {} » impossible.", indicator.id))
        };
        let [n, n1] = &engines;
        evaluations.push(Evaluation {
            group,
            indicator,
            outcomes: [outcome(n)?, outcome(n1)?],
        });
    }
    Ok(evaluations)
}
