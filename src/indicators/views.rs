//! The canonical tables seen from one period: each gains the derived columns the
//! catalogue's filters and values name (`actif`, `present_fin`, `jours`, …), and the
//! person view gathers what is known of each person over the period.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::ingest::{Dataset, ROW_NUMBER};
use crate::model::{ColumnType, Table};
use crate::period::Period;

pub fn day_number(d: NaiveDate) -> i32 {
    (d - NaiveDate::default()).num_days() as i32
}

fn days_of(name: &str) -> Expr {
    col(name).cast(DataType::Int32)
}

fn smaller(a: Expr, b: Expr) -> Expr {
    when(a.clone().lt(b.clone())).then(a).otherwise(b)
}

fn larger(a: Expr, b: Expr) -> Expr {
    when(a.clone().gt(b.clone())).then(a).otherwise(b)
}

/// A canonical table with no row, for a programme that does not provide it.
fn empty_table(table: Table) -> DataFrame {
    let columns = std::iter::once(Column::new_empty(ROW_NUMBER.into(), &DataType::Int64))
        .chain(table.spec().columns.iter().map(|c| {
            let kind = match c.kind {
                ColumnType::Text | ColumnType::Code(_) => DataType::String,
                ColumnType::Date | ColumnType::Month => DataType::Date,
                ColumnType::Integer => DataType::Int64,
                ColumnType::Number => DataType::Float64,
                ColumnType::Codes(_) => DataType::List(Box::new(DataType::String)),
            };
            Column::new_empty(c.name.into(), &kind)
        }))
        .collect();
    DataFrame::new(0, columns).unwrap_or_default()
}

pub struct Views<'a> {
    pub period: Period,
    pub dataset: &'a Dataset,
    views: BTreeMap<Table, LazyFrame>,
}

impl<'a> Views<'a> {
    pub fn view(&self, table: Table) -> LazyFrame {
        self.views
            .get(&table)
            .cloned()
            .unwrap_or_else(|| empty_table(table).lazy())
    }

    pub fn build(dataset: &'a Dataset, period: Period) -> PolarsResult<Views<'a>> {
        let (d, f) = (day_number(period.start), day_number(period.end));
        let raw_table = |t: Table| {
            dataset
                .tables
                .get(&t)
                .cloned()
                .unwrap_or_else(|| empty_table(t))
                .lazy()
        };
        let raw_persons = raw_table(Table::Personnes).drop(cols([ROW_NUMBER]));
        let mut views = BTreeMap::new();
        for table in Table::ALL {
            let spec = table.spec();
            let mut view = raw_table(table);
            if let Some(iv) = &spec.interval {
                let start = days_of(iv.start);
                let raw_end = days_of(iv.end);
                let end_excl = if iv.end_inclusive {
                    raw_end.clone() + lit(1)
                } else {
                    raw_end.clone()
                };
                let bound = when(end_excl.clone().is_null())
                    .then(lit(f + 1))
                    .otherwise(smaller(end_excl.clone(), lit(f + 1)));
                view = view.with_columns([
                    start
                        .clone()
                        .lt_eq(lit(f))
                        .and(raw_end.clone().is_null().or(raw_end.clone().gt_eq(lit(d))))
                        .alias("actif"),
                    start
                        .clone()
                        .lt_eq(lit(f))
                        .and(end_excl.clone().is_null().or(end_excl.gt(lit(f))))
                        .alias("present_fin"),
                    larger(bound - larger(start.clone(), lit(d)), lit(0)).alias("jours"),
                    start
                        .clone()
                        .gt_eq(lit(d))
                        .and(start.clone().lt_eq(lit(f)))
                        .alias("debut_dans_periode"),
                    raw_end
                        .clone()
                        .gt_eq(lit(d))
                        .and(raw_end.lt_eq(lit(f)))
                        .alias("fin_dans_periode"),
                ]);
                if spec.column("id_personne").is_some() {
                    view = view.with_column(
                        start
                            .clone()
                            .eq(start.min().over([col("id_personne")])?)
                            .alias("premier"),
                    );
                }
            }
            if let Some(date) = spec.date {
                view = view.with_column(
                    days_of(date)
                        .gt_eq(lit(d))
                        .and(days_of(date).lt_eq(lit(f)))
                        .alias("dans_periode"),
                );
            }
            if table != Table::Personnes && spec.column("id_personne").is_some() {
                view = view.join(
                    raw_persons.clone(),
                    [col("id_personne")],
                    [col("id_personne")],
                    JoinArgs::new(JoinType::Left),
                );
            }
            views.insert(table, view);
        }
        let per_person = views[&Table::Accompagnements]
            .clone()
            .group_by([col("id_personne")])
            .agg([
                col("actif").any(true).alias("dans_fa"),
                col("present_fin").any(true).alias("present_fin"),
                col("date_entree")
                    .filter(col("actif"))
                    .max()
                    .alias("entree_recente"),
                col("jours").sum().alias("jours"),
            ]);
        let reference =
            larger(days_of("entree_recente").fill_null(lit(d)), lit(d)).cast(DataType::Date);
        let month_day = |e: Expr| {
            e.clone().dt().month().cast(DataType::Int32) * lit(100)
                + e.dt().day().cast(DataType::Int32)
        };
        let age = reference.clone().dt().year().cast(DataType::Int32)
            - col("date_naissance").dt().year().cast(DataType::Int32)
            - when(month_day(reference).lt(month_day(col("date_naissance"))))
                .then(lit(1))
                .otherwise(lit(0));
        let persons = raw_table(Table::Personnes)
            .join(
                per_person,
                [col("id_personne")],
                [col("id_personne")],
                JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
            )
            .with_columns([
                col("dans_fa").fill_null(lit(false)),
                col("present_fin").fill_null(lit(false)),
                col("jours").fill_null(lit(0)),
                age.alias("age"),
            ]);
        views.insert(Table::Personnes, persons);
        Ok(Views {
            period,
            dataset,
            views,
        })
    }
}
