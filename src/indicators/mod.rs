//! Indicator results: the catalogue evaluated for a programme over a period and the
//! period before.

pub mod catalogue;
mod check;
pub mod engine;
pub mod expr;
pub mod moves;
pub mod views;

use std::collections::BTreeSet;

use anyhow::{Context, Result};

pub use crate::figure::{Figure, Modality};
pub use catalogue::{Catalogue, Group, Indicator};
use engine::Engine;
use views::{Base, Views};

use crate::config::Programme;
use crate::ingest::Dataset;
use crate::model::{ProgrammeKind, Table};
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

/// Every table an indicator reads, the tables behind the person columns it names included.
pub fn tables_read(
    catalogue: &Catalogue,
    indicator: &Indicator,
    kind: ProgrammeKind,
) -> BTreeSet<Table> {
    let mut tables = indicator.tables(kind);
    let text = names_read(indicator);
    let mut pending: Vec<&str> = catalogue
        .person_columns
        .iter()
        .filter(|c| text.contains(&c.name))
        .map(|c| c.name.as_str())
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name) {
            continue;
        }
        if let Some(column) = catalogue.person_columns.iter().find(|c| c.name == name) {
            tables.insert(column.from);
            let mut names = BTreeSet::new();
            column.filters.iter().for_each(|f| f.names(&mut names));
            if let Some(v) = &column.value {
                v.names(&mut names);
            }
            pending.extend(
                catalogue
                    .person_columns
                    .iter()
                    .filter(|c| names.contains(&c.name))
                    .map(|c| c.name.as_str()),
            );
        }
    }
    tables
}

/// The names an indicator's blocks mention.
fn names_read(indicator: &Indicator) -> BTreeSet<String> {
    use catalogue::{Block, Measure};
    fn measure(m: &Measure, out: &mut BTreeSet<String>) {
        match m {
            Measure::Sum(s) => {
                s.filters.iter().for_each(|f| f.names(out));
                s.sum.names(out);
            }
            Measure::Mean(m) => {
                m.filters.iter().for_each(|f| f.names(out));
                m.mean.names(out);
            }
            Measure::Count(c) => {
                c.filters.iter().for_each(|f| f.names(out));
                out.extend(c.distinct.clone());
            }
            Measure::Constant(c) => c.value.names(out),
        }
    }
    fn block(b: &Block, out: &mut BTreeSet<String>) {
        match b {
            Block::Value { measure: m, .. } => measure(m, out),
            Block::Rate {
                numerator,
                denominator,
                ..
            } => {
                measure(numerator, out);
                measure(denominator, out);
            }
            Block::Breakdown {
                filters,
                column,
                sum,
                denominator,
                ..
            } => {
                filters.iter().for_each(|f| f.names(out));
                out.insert(column.clone());
                sum.iter()
                    .chain(denominator.iter())
                    .for_each(|e| e.names(out));
            }
            Block::Distribution { filters, value, .. } => {
                filters.iter().for_each(|f| f.names(out));
                value.names(out);
            }
            Block::Monthly { blocks, .. } => blocks.iter().for_each(|b| block(b, out)),
            Block::Completeness { .. } | Block::Findings { .. } => {}
        }
    }
    let mut out = BTreeSet::new();
    indicator
        .computation
        .iter()
        .for_each(|b| block(b, &mut out));
    out
}

/// Figures whose value or terms are not finite numbers (a division by zero in an
/// expression, amounts whose sum overflows to infinity) lose the three: NaN and infinity
/// are never published, the figure is « non calculé ».
fn finite(mut figures: Vec<Figure>) -> Vec<Figure> {
    for f in &mut figures {
        if [f.value, f.numerator, f.denominator]
            .iter()
            .flatten()
            .any(|v| !v.is_finite())
        {
            (f.value, f.numerator, f.denominator) = (None, None, None);
        }
    }
    figures
}

pub fn evaluate<'c>(
    catalogue: &'c Catalogue,
    dataset: &Dataset,
    programme: &Programme,
    period: Period,
    with_ids: bool,
) -> Result<Vec<Evaluation<'c>>> {
    let base = Base::build(dataset)?;
    let months = engine::Months::default();
    let engines = [period, period.previous()].map(|p| {
        Views::build(&base, programme, &catalogue.person_columns, p).map(|views| Engine {
            views,
            with_ids,
            months: &months,
        })
    });
    let [n, n1] = engines;
    let (n, n1) = (n?, n1?);
    let applicable: Vec<(&Group, &Indicator, Vec<&str>)> = catalogue
        .indicators()
        .filter(|(_, indicator)| catalogue::applies(&indicator.programmes, programme.kind))
        .map(|(group, indicator)| {
            let missing = tables_read(catalogue, indicator, programme.kind)
                .into_iter()
                .filter(|t| !programme.sources.contains_key(t))
                .map(|t| t.name())
                .collect();
            (group, indicator, missing)
        })
        .collect();
    let outcomes = |engine: &Engine, current: bool| -> Vec<Result<Outcome>> {
        applicable
            .iter()
            .map(|(_, indicator, missing)| {
                if !missing.is_empty() {
                    return Ok(Outcome::Absent(format!(
                        "Non calculé : le dispositif ne fournit pas la table {}.",
                        missing.join(", ")
                    )));
                }
                if let (false, Some(note)) = (current, &indicator.current_period_only) {
                    return Ok(Outcome::Absent(note.clone()));
                }
                engine
                    .evaluate(&indicator.computation, &indicator.unit)
                    .map(|figures| Outcome::Computed(finite(figures)))
                    .with_context(|| {
                        format!("Calcul de l'indicateur « {} » impossible.", indicator.id)
                    })
            })
            .collect()
    };
    // The period and the period before side by side: on small data most of a query's
    // cost is its planning, which polars does on one thread.
    let (current, previous) = std::thread::scope(|scope| {
        let previous = scope.spawn(move || outcomes(&n1, false));
        let current = outcomes(&n, true);
        let previous = previous
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (current, previous)
    });
    let mut evaluations = Vec::new();
    for ((group, indicator, _), (n, n1)) in applicable
        .into_iter()
        .zip(current.into_iter().zip(previous))
    {
        evaluations.push(Evaluation {
            group,
            indicator,
            outcomes: [n?, n1?],
        });
    }
    Ok(evaluations)
}
