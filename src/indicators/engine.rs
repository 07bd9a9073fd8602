//! Evaluating the catalogue's blocks on the period views with polars.

use anyhow::{Result, anyhow};
use polars::prelude::*;

use super::catalogue::{Block, Bucket, Condition, Expression, Measure, Parameter, Term, applies};
use super::views::{Views, day_number};
use crate::config::Programme;
use crate::ingest::NON_RECONNU;
use crate::model;

pub const NON_RENSEIGNE: &str = "non_renseigne";

/// One published figure of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub modality: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub unit: String,
    /// Code list the modalité belongs to, for its French label.
    pub column: Option<String>,
    pub nature: Nature,
}

/// What a figure is, for labelling and for the small-count masking of `diffusion`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Nature {
    /// A number of persons, follow-ups, flats…
    Headcount,
    /// A mean, a median, a sum of days, a parameter.
    Statistic,
    /// A ratio; `true` for each of its terms that is a count.
    Rate {
        numerator_is_count: bool,
        denominator_is_count: bool,
    },
}

impl Figure {
    fn new(modality: impl Into<String>, value: Option<f64>, unit: &str) -> Figure {
        Figure {
            modality: modality.into(),
            value,
            numerator: None,
            denominator: None,
            unit: unit.to_string(),
            column: None,
            nature: Nature::Headcount,
        }
    }

    fn statistic(self) -> Figure {
        Figure {
            nature: Nature::Statistic,
            ..self
        }
    }
}

pub struct Engine<'to> {
    pub views: Views<'to>,
    pub programme: &'to Programme,
}

fn condition(c: &Condition) -> Expr {
    let list = |v: &[String]| lit(Series::new("".into(), v.to_vec())).implode(false);
    match c {
        Condition::IsTrue(n) => col(n.as_str()).fill_null(lit(false)),
        Condition::IsFalse(n) => col(n.as_str()).fill_null(lit(false)).not(),
        Condition::In(n, v) => col(n.as_str()).is_in(list(v), false).fill_null(lit(false)),
        Condition::NotIn(n, v) => col(n.as_str())
            .is_in(list(v), false)
            .fill_null(lit(false))
            .not(),
        Condition::Filled(n) => col(n.as_str()).is_not_null(),
    }
}

fn scalar(df: &DataFrame, name: &str) -> Result<Option<f64>> {
    let column = df.column(name)?.cast(&DataType::Float64)?;
    Ok(column.f64()?.get(0))
}

impl Engine<'_> {
    fn selection(&self, table: model::Table, filters: &[Condition]) -> LazyFrame {
        filters
            .iter()
            .fold(self.views.view(table), |view, c| view.filter(condition(c)))
    }

    fn parameter(&self, p: Parameter) -> f64 {
        match p {
            Parameter::Places => f64::from(self.programme.places),
            Parameter::PeriodDays => self.views.period.days() as f64,
            Parameter::VisitTarget => self.programme.visit_target(),
        }
    }

    fn measure(&self, measure: &Measure) -> Result<f64> {
        let (view, expr) = match measure {
            Measure::Parameters(p) => {
                return Ok(p.product.iter().map(|p| self.parameter(*p)).product());
            }
            Measure::Sum(s) => (
                self.selection(s.table, &s.filters),
                col(s.sum.as_str()).cast(DataType::Float64).sum(),
            ),
            Measure::Count(c) => (
                self.selection(c.table, &c.filters),
                match &c.distinct {
                    Some(key) => col(key.as_str()).drop_nulls().n_unique(),
                    None => len(),
                },
            ),
        };
        let df = view.select([expr.alias("m")]).collect()?;
        Ok(scalar(&df, "m")?.unwrap_or(0.0))
    }

    /// The value of an expression as days or as a plain number, by the column's type.
    fn expression(&self, view: &LazyFrame, e: &Expression) -> Result<Expr> {
        let schema = view.clone().collect_schema()?;
        let term = |t: &Term| -> Result<Expr> {
            Ok(match t {
                Term::Start => lit(day_number(self.views.period.start)),
                Term::End => lit(day_number(self.views.period.end)),
                Term::ColumnSpec(c) => match schema.get(c.as_str()) {
                    Some(DataType::Date) => col(c.as_str()).cast(DataType::Int32),
                    Some(_) => col(c.as_str()),
                    None => return Err(anyhow!("colonne « {c} » inconnue")),
                },
            })
        };
        let left = term(&e.left)?.cast(DataType::Float64);
        Ok(match &e.right {
            Some(d) => left - term(d)?.cast(DataType::Float64),
            None => left,
        })
    }

    pub fn evaluate(&self, blocks: &[Block], unit: &str) -> Result<Vec<Figure>> {
        let mut lines = Vec::new();
        for block in blocks
            .iter()
            .filter(|b| applies(b.programmes(), self.programme.kind))
        {
            self.block(block, unit, &mut lines)?;
        }
        Ok(lines)
    }

    fn block(&self, block: &Block, unit: &str, lines: &mut Vec<Figure>) -> Result<()> {
        match block {
            Block::Value {
                modality,
                measure,
                unit: u,
                ..
            } => {
                let line = Figure::new(
                    modality,
                    Some(self.measure(measure)?),
                    u.as_deref().unwrap_or(unit),
                );
                lines.push(match measure {
                    Measure::Count(_) => line,
                    _ => line.statistic(),
                });
            }
            Block::Rate {
                modality,
                numerator,
                denominator,
                factor,
                unit: u,
                ..
            } => {
                let (n, d) = (self.measure(numerator)?, self.measure(denominator)?);
                lines.push(Figure {
                    numerator: Some(n),
                    denominator: Some(d),
                    nature: Nature::Rate {
                        numerator_is_count: matches!(numerator, Measure::Count(_)),
                        denominator_is_count: matches!(denominator, Measure::Count(_)),
                    },
                    ..Figure::new(
                        modality,
                        (d != 0.0).then(|| n / d * factor),
                        u.as_deref().unwrap_or(unit),
                    )
                });
            }
            Block::Breakdown {
                table,
                filters,
                column,
                distinct,
                ..
            } => {
                lines.extend(self.breakdown(*table, filters, column, distinct.as_deref(), unit)?);
            }
            Block::Distribution {
                table,
                filters,
                value,
                value_unit,
                buckets,
                ..
            } => {
                let view = self.selection(*table, filters);
                let v = self.expression(&view, value)?;
                lines.extend(distribution(view, v, buckets, value_unit, unit)?);
            }
            Block::Monthly { blocks, .. } => {
                for month in self.views.period.months() {
                    let engine = Engine {
                        views: Views::build(self.views.dataset, month)?,
                        programme: self.programme,
                    };
                    for mut line in engine.evaluate(blocks, unit)? {
                        let name = if line.modality == "total" {
                            "mois"
                        } else {
                            line.modality.as_str()
                        };
                        line.modality = format!("{name}:{}", month.month_key());
                        lines.push(line);
                    }
                }
            }
        }
        Ok(())
    }

    fn breakdown(
        &self,
        table: model::Table,
        filters: &[Condition],
        column: &str,
        distinct: Option<&str>,
        unit: &str,
    ) -> Result<Vec<Figure>> {
        let list = model::code_list_of(column)
            .ok_or_else(|| anyhow!("la colonne « {column} » n'a pas de liste de codes"))?;
        let mut view = self.selection(table, filters);
        if view
            .clone()
            .collect_schema()?
            .get(column)
            .is_some_and(|t| matches!(t, DataType::List(_)))
        {
            view = view.explode(
                cols([column]),
                ExplodeOptions {
                    empty_as_null: true,
                    keep_nulls: true,
                },
            );
        }
        let count = |e: LazyFrame| match distinct {
            Some(key) => e.select([col(key).drop_nulls().n_unique().alias("n")]),
            None => e.select([len().alias("n")]),
        };
        let by_code = match distinct {
            Some(key) => view
                .clone()
                .group_by([col(column)])
                .agg([col(key).drop_nulls().n_unique().alias("n")]),
            None => view.clone().group_by([col(column)]).agg([len().alias("n")]),
        }
        .collect()?;
        let total = scalar(&count(view).collect()?, "n")?.unwrap_or(0.0);
        let codes = by_code
            .column(column)?
            .as_materialized_series()
            .str()?
            .clone();
        let numbers = by_code.column("n")?.cast(&DataType::Float64)?;
        let numbers = numbers.f64()?;
        let count_of = |target: Option<&str>| -> f64 {
            codes
                .iter()
                .zip(numbers.iter())
                .filter(|(c, _)| *c == target)
                .filter_map(|(_, n)| n)
                .sum()
        };
        let mut lines: Vec<Figure> = list
            .codes
            .iter()
            .map(|c| Figure {
                column: Some(column.to_string()),
                ..Figure::new(c.code, Some(count_of(Some(c.code))), unit)
            })
            .collect();
        lines.push(Figure::new(NON_RENSEIGNE, Some(count_of(None)), unit));
        let unrecognised = count_of(Some(NON_RECONNU));
        if unrecognised > 0.0 {
            lines.push(Figure::new(NON_RECONNU, Some(unrecognised), unit));
        }
        lines.push(Figure::new("total", Some(total), unit));
        Ok(lines)
    }
}

fn distribution(
    view: LazyFrame,
    v: Expr,
    buckets: &[Bucket],
    value_unit: &str,
    unit: &str,
) -> Result<Vec<Figure>> {
    let inside = |t: &Bucket| {
        let low = t
            .from
            .map(|from| v.clone().gt_eq(lit(from)))
            .unwrap_or(lit(true));
        let high = t.to.map(|to| v.clone().lt(lit(to))).unwrap_or(lit(true));
        low.and(high)
    };
    let mut exprs = vec![
        v.clone().mean().alias("moyenne"),
        v.clone().median().alias("mediane"),
        v.clone().count().cast(DataType::Float64).alias("effectif"),
        v.clone()
            .null_count()
            .cast(DataType::Float64)
            .alias(NON_RENSEIGNE),
        len().cast(DataType::Float64).alias("total"),
    ];
    let mut outside = v.clone().is_not_null();
    for (i, t) in buckets.iter().enumerate() {
        exprs.push(
            inside(t)
                .fill_null(lit(false))
                .sum()
                .cast(DataType::Float64)
                .alias(format!("t{i}")),
        );
        outside = outside.and(inside(t).fill_null(lit(false)).not());
    }
    exprs.push(outside.sum().cast(DataType::Float64).alias(NON_RECONNU));
    let df = view.select(exprs).collect()?;
    let val = |name: &str| scalar(&df, name);
    let mut lines = vec![
        Figure::new("moyenne", val("moyenne")?, value_unit).statistic(),
        Figure::new("mediane", val("mediane")?, value_unit).statistic(),
        Figure::new("effectif", val("effectif")?, unit),
    ];
    if !buckets.is_empty() {
        for (i, t) in buckets.iter().enumerate() {
            lines.push(Figure::new(&t.label, val(&format!("t{i}"))?, unit));
        }
        lines.push(Figure::new(NON_RENSEIGNE, val(NON_RENSEIGNE)?, unit));
        if val(NON_RECONNU)?.unwrap_or(0.0) > 0.0 {
            lines.push(Figure::new(NON_RECONNU, val(NON_RECONNU)?, unit));
        }
        lines.push(Figure::new("total", val("total")?, unit));
    }
    Ok(lines)
}
