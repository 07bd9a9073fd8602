//! The canonical tables seen from one period. Each table gains the columns the
//! catalogue's filters and values name (`actif`, `present_fin`, `jours`, …); the person
//! view gathers what is known of each person over the period, plus the person columns
//! of the catalogue, computed when a block asks for them.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, anyhow};
use polars::prelude::*;

use super::catalogue::{Aggregate, PersonColumn};
use super::expr::Scope;
use crate::config::Programme;
use crate::follow_ups::{FollowUps, PRESENCE};
use crate::frames::{day_number, days_of, larger, left_join, smaller};
use crate::ingest::{Dataset, ROW_NUMBER};
use crate::model::{ColumnType, Table};
use crate::period::Period;

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

/// Adds to `view` the columns of `other` it does not have, matched on `key`: a
/// table's own columns win over the person's or the flat's.
fn attach(view: LazyFrame, other: LazyFrame, key: &str) -> Result<LazyFrame> {
    let own = view.clone().collect_schema()?;
    let extra: Vec<Expr> = other
        .clone()
        .collect_schema()?
        .iter_names()
        .filter(|n| n.as_str() == key || !own.contains(n.as_str()))
        .map(|n| col(n.clone()))
        .collect();
    Ok(view.join(other.select(extra), [col(key)], [col(key)], left_join()))
}

/// For each row of `rows`, the entry date of the follow-up its person is present in on
/// the day `day`, none outside them all. Looked up row by row: joining the rows with the
/// follow-ups and grouping them back by row cost more than the rest of the base.
fn covering(follow_ups: &FollowUps, rows: &DataFrame, day: &str) -> Result<Series> {
    let persons = rows.column("id_personne")?.str()?;
    let days = rows.column(day)?.cast(&DataType::Int32)?;
    let entries: Int32Chunked = persons
        .iter()
        .zip(days.i32()?.iter())
        .map(|(person, day)| follow_ups.covering(person?, day?, Some(day?), PRESENCE))
        .collect();
    Ok(entries
        .with_name("entree_accompagnement".into())
        .into_series()
        .cast(&DataType::Date)?)
}

/// The canonical tables with the columns that do not depend on the period, computed
/// once per programme: whether a row is the person's first, the follow-up covering
/// its day, the flat's columns.
pub struct Base<'d> {
    pub dataset: &'d Dataset,
    tables: BTreeMap<Table, DataFrame>,
    /// The schema of each table's view and of the person view: the same for every
    /// period and month, and slow to work out from a plan each time a block reads one.
    /// Shared by the two periods, evaluated side by side.
    schemas: std::sync::Mutex<BTreeMap<Table, SchemaRef>>,
    persons_schema: std::sync::OnceLock<SchemaRef>,
}

impl<'d> Base<'d> {
    pub fn build(dataset: &'d Dataset) -> Result<Base<'d>> {
        let raw = |t: Table| {
            dataset
                .tables
                .get(&t)
                .cloned()
                .unwrap_or_else(|| empty_table(t))
                .lazy()
        };
        let follow_ups = FollowUps::of(raw(Table::Accompagnements))?;
        let mut tables = BTreeMap::new();
        for table in Table::ALL {
            let spec = table.spec();
            let mut view = raw(table);
            if let (Some(iv), true) = (&spec.interval, spec.column("id_personne").is_some()) {
                let start = days_of(iv.start);
                view = view.with_column(
                    start
                        .clone()
                        .eq(start.min().over([col("id_personne")])?)
                        .alias("premier"),
                );
            }
            // The follow-up the person is present in on the row's day: the exit day is
            // not a day of presence.
            let day = spec.date.or(spec.interval.as_ref().map(|iv| iv.start));
            if let (Some(day), true) = (
                day,
                spec.column("id_personne").is_some() && table != Table::Accompagnements,
            ) {
                let mut rows = view.collect()?;
                let entries = covering(&follow_ups, &rows, day)?;
                let during = entries.is_not_null();
                rows.with_column(entries.into_column())?;
                rows.with_column(
                    during
                        .with_name("pendant_accompagnement".into())
                        .into_column(),
                )?;
                view = rows.lazy();
            }
            if table != Table::Logements && spec.column("id_logement").is_some() {
                view = attach(
                    view,
                    raw(Table::Logements).drop(cols([ROW_NUMBER])),
                    "id_logement",
                )?;
            }
            tables.insert(table, view.collect()?);
        }
        Ok(Base {
            dataset,
            tables,
            schemas: std::sync::Mutex::new(BTreeMap::new()),
            persons_schema: std::sync::OnceLock::new(),
        })
    }
}

/// The columns a table gains for a period, by name: whether a row's interval is active
/// in it, present on its last day, its days within it…; whether a dated row falls in it.
pub fn period_columns(table: Table, period: Period) -> Vec<(&'static str, Expr)> {
    let (d, f) = (day_number(period.start), day_number(period.end));
    let spec = table.spec();
    let mut columns = Vec::new();
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
        columns.extend([
            (
                "actif",
                start
                    .clone()
                    .lt_eq(lit(f))
                    .and(raw_end.clone().is_null().or(raw_end.clone().gt_eq(lit(d)))),
            ),
            (
                "present_fin",
                start
                    .clone()
                    .lt_eq(lit(f))
                    .and(end_excl.clone().is_null().or(end_excl.gt(lit(f)))),
            ),
            (
                "jours",
                larger(bound - larger(start.clone(), lit(d)), lit(0)),
            ),
            (
                "debut_dans_periode",
                start.clone().gt_eq(lit(d)).and(start.lt_eq(lit(f))),
            ),
            (
                "fin_dans_periode",
                raw_end.clone().gt_eq(lit(d)).and(raw_end.lt_eq(lit(f))),
            ),
        ]);
    }
    if let Some(date) = spec.date {
        columns.push((
            "dans_periode",
            days_of(date).gt_eq(lit(d)).and(days_of(date).lt_eq(lit(f))),
        ));
    }
    columns
}

pub struct Views<'a> {
    pub period: Period,
    pub base: &'a Base<'a>,
    pub programme: &'a Programme,
    person_columns: &'a [PersonColumn],
    tables: BTreeMap<Table, LazyFrame>,
    /// The tables of `tables` computed once, when first read: those of the period and
    /// the period before are read by many indicators; a month's are not kept.
    collected: Option<RefCell<BTreeMap<Table, DataFrame>>>,
    /// The person view, computed when a block first needs it (a month of a monthly
    /// series often does not).
    persons_plan: LazyFrame,
    persons: std::cell::OnceCell<DataFrame>,
    /// Person columns already computed, aligned with the rows of `persons`.
    computed: RefCell<BTreeMap<String, Column>>,
}

impl<'a> Views<'a> {
    pub fn build(
        base: &'a Base<'a>,
        programme: &'a Programme,
        person_columns: &'a [PersonColumn],
        period: Period,
    ) -> Result<Views<'a>> {
        Views::build_with(base, programme, person_columns, period, true)
    }

    /// The views of a month of a monthly series: each table computed for the block
    /// that reads it, none kept.
    pub fn month(&self, month: Period) -> Result<Views<'a>> {
        Views::build_with(self.base, self.programme, self.person_columns, month, false)
    }

    fn build_with(
        base: &'a Base<'a>,
        programme: &'a Programme,
        person_columns: &'a [PersonColumn],
        period: Period,
        keep: bool,
    ) -> Result<Views<'a>> {
        let d = day_number(period.start);
        let mut tables = BTreeMap::new();
        for (&table, frame) in &base.tables {
            let columns = period_columns(table, period)
                .into_iter()
                .map(|(name, e)| e.alias(name))
                .collect::<Vec<_>>();
            let view = frame.clone().lazy();
            tables.insert(
                table,
                if columns.is_empty() {
                    view
                } else {
                    view.with_columns(columns)
                },
            );
        }

        // The person view's rows in an order fixed by the files, not by hashing (seeded
        // at random): sums and means of amounts over persons add up in that order, and
        // floating-point addition gives other last bits in another order.
        let per_person = tables[&Table::Accompagnements]
            .clone()
            .group_by_stable([col("id_personne")])
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
        let persons = base.tables[&Table::Personnes]
            .clone()
            .lazy()
            .join(
                per_person,
                [col("id_personne")],
                [col("id_personne")],
                JoinArgs {
                    maintain_order: MaintainOrderJoin::LeftRight,
                    ..JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns)
                },
            )
            .with_columns([
                col("dans_fa").fill_null(lit(false)),
                col("present_fin").fill_null(lit(false)),
                col("jours").fill_null(lit(0)),
                age.alias("age"),
            ]);
        Ok(Views {
            period,
            base,
            programme,
            person_columns,
            tables,
            collected: keep.then(|| RefCell::new(BTreeMap::new())),
            persons_plan: persons,
            persons: std::cell::OnceCell::new(),
            computed: RefCell::new(BTreeMap::new()),
        })
    }

    /// The table's rows, with the person view's columns among `names` (and what they
    /// need), and their schema.
    pub fn view(&self, table: Table, names: &BTreeSet<String>) -> Result<(LazyFrame, Schema)> {
        self.view_of(table, names, false)
    }

    /// The table's rows with every column of the person view: the columns a block
    /// may name, for checking the catalogue.
    pub fn full_view(&self, table: Table) -> Result<LazyFrame> {
        Ok(self.view_of(table, &BTreeSet::new(), true)?.0)
    }

    fn view_of(
        &self,
        table: Table,
        names: &BTreeSet<String>,
        all: bool,
    ) -> Result<(LazyFrame, Schema)> {
        let base = self.table(table)?;
        let own = self.table_schema(table)?;
        Ok(match table {
            Table::Personnes => {
                let persons = self.persons_with(names)?;
                let schema = (**persons.schema()).clone();
                (persons.lazy(), schema)
            }
            t if t.spec().column("id_personne").is_some() => {
                // Only the person columns the block names: each person is one row of
                // the person view, so the join adds columns and never changes the rows;
                // none named, none joined.
                let person_schema = self.persons_schema()?;
                let named = |n: &str| {
                    (all || names.contains(n))
                        && !own.contains(n)
                        && (person_schema.contains(n)
                            || self.person_columns.iter().any(|c| c.name == n))
                };
                if !names.iter().any(|n| named(n)) && !all {
                    return Ok((base, (*own).clone()));
                }
                let persons = self.persons_with(names)?;
                let mut schema = (*own).clone();
                let mut wanted = vec![col("id_personne")];
                for (name, kind) in persons.schema().iter() {
                    if (all || names.contains(name.as_str())) && !own.contains(name.as_str()) {
                        wanted.push(col(name.clone()));
                        schema.insert(name.clone(), kind.clone());
                    }
                }
                if wanted.len() > 1 {
                    let joined = base.join(
                        persons.lazy().select(wanted),
                        [col("id_personne")],
                        [col("id_personne")],
                        left_join(),
                    );
                    (joined, schema)
                } else {
                    (base, (*own).clone())
                }
            }
            _ => (base, (*own).clone()),
        })
    }

    /// The table's rows without the period's columns.
    pub fn base_table(&self, table: Table) -> LazyFrame {
        match self.base.tables.get(&table) {
            Some(frame) => frame.clone().lazy(),
            None => empty_table(table).lazy(),
        }
    }

    /// The columns of the table's view, the period's included, without the person view's.
    pub fn table_schema(&self, table: Table) -> Result<SchemaRef> {
        // A schema is whole or absent: a lock left by a panic still holds good ones.
        let schemas = || {
            self.base
                .schemas
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(done) = schemas().get(&table) {
            return Ok(done.clone());
        }
        let schema = self.table(table)?.collect_schema()?;
        schemas().insert(table, schema.clone());
        Ok(schema)
    }

    fn persons_schema(&self) -> Result<&SchemaRef> {
        if let Some(done) = self.base.persons_schema.get() {
            return Ok(done);
        }
        let schema = self.persons_plan.clone().collect_schema()?;
        Ok(self.base.persons_schema.get_or_init(|| schema))
    }

    /// The table's rows with the period's columns.
    fn table(&self, table: Table) -> Result<LazyFrame> {
        let Some(frame) = self.tables.get(&table) else {
            return Ok(empty_table(table).lazy());
        };
        let Some(collected) = &self.collected else {
            return Ok(frame.clone());
        };
        if let Some(done) = collected.borrow().get(&table) {
            return Ok(done.clone().lazy());
        }
        let done = frame.clone().collect()?;
        collected.borrow_mut().insert(table, done.clone());
        Ok(done.lazy())
    }

    pub fn person_columns(&self) -> &'a [PersonColumn] {
        self.person_columns
    }

    fn persons(&self) -> Result<&DataFrame> {
        if let Some(done) = self.persons.get() {
            return Ok(done);
        }
        let done = self.persons_plan.clone().collect()?;
        Ok(self.persons.get_or_init(|| done))
    }

    fn persons_with(&self, names: &BTreeSet<String>) -> Result<DataFrame> {
        let mut frame = self.persons()?.clone();
        for column in self
            .person_columns
            .iter()
            .filter(|c| names.contains(&c.name))
        {
            let computed = self.person_column(column)?;
            frame.with_column(computed)?;
        }
        Ok(frame)
    }

    fn person_column(&self, column: &PersonColumn) -> Result<Column> {
        if let Some(done) = self.computed.borrow().get(&column.name) {
            return Ok(done.clone());
        }
        let mut names = BTreeSet::new();
        column.filters.iter().for_each(|c| c.names(&mut names));
        if let Some(v) = &column.value {
            v.names(&mut names);
        }
        names.remove(&column.name);
        let (rows, schema) = self.view(column.from, &names)?;
        let scope = Scope {
            schema: &schema,
            period: self.period,
            programme: self.programme,
            interval: column.from.spec().interval.as_ref(),
        };
        let fail = |e: String| anyhow!("colonne de personne « {} » : {e}", column.name);
        let mut rows = column
            .filters
            .iter()
            .try_fold(rows, |rows, c| c.compile(&scope).map(|c| rows.filter(c)))
            .map_err(fail)?;
        let value = match (&column.value, column.aggregate) {
            (_, Aggregate::Count) => len().cast(DataType::Float64),
            (Some(v), Aggregate::First | Aggregate::Last) => {
                let kept = v
                    .column()
                    .ok_or_else(|| fail("`first` et `last` prennent une colonne".into()))?;
                let order = column
                    .order
                    .as_deref()
                    .ok_or_else(|| fail("`order` manquant".into()))?;
                // Two rows of the same date: the later row of the file wins, for the
                // latest (`last`) and for the earliest (`first`) alike. The rows sorted
                // once, not each person's apart: a group keeps the order of the rows.
                let first = column.aggregate == Aggregate::First;
                rows = rows.sort_by_exprs(
                    [col(order), col(ROW_NUMBER)],
                    SortMultipleOptions::default()
                        .with_order_descending_multi([false, first])
                        .with_maintain_order(true),
                );
                if first {
                    col(kept).first()
                } else {
                    col(kept).last()
                }
            }
            (Some(v), aggregate) => {
                let v = v.compile(&scope).map_err(fail)?;
                match aggregate {
                    Aggregate::Sum => v.sum(),
                    Aggregate::Min => v.min(),
                    _ => v.max(),
                }
            }
            (None, _) => return Err(fail("`value` manquant".into())),
        };
        let per_person = rows
            .group_by([col("id_personne")])
            .agg([value.alias(column.name.as_str())]);
        let mut joined = self
            .persons()?
            .clone()
            .lazy()
            .select([col("id_personne")])
            .join(
                per_person,
                [col("id_personne")],
                [col("id_personne")],
                left_join(),
            );
        if matches!(column.aggregate, Aggregate::Count | Aggregate::Sum) {
            joined = joined.with_column(col(column.name.as_str()).fill_null(lit(0.0)));
        }
        let computed = joined.collect()?.column(column.name.as_str())?.clone();
        self.computed
            .borrow_mut()
            .insert(column.name.clone(), computed.clone());
        Ok(computed)
    }
}
