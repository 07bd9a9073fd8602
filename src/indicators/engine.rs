//! Evaluating the catalogue's blocks on the period views with polars.

use std::collections::BTreeSet;

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::catalogue::{Block, Bucket, Condition, Constant, Expression, Measure, Statistic};
use super::expr::{Scope, parameter};
use super::views::{self, Views};
use crate::figure::{Combine, Figure, Ids, Modality, NON_RENSEIGNE, Nature, PERCENT, SumRole};
use crate::findings::FindingKind;
use crate::ingest::{NON_RECONNU, ROW_NUMBER};
use crate::model::{self, ColumnSpec, ColumnType, Requirement, Table};
use crate::period::Period;

/// The distinct identifiers among `key`, sorted: aggregated beside the figures they
/// are behind, in the same pass over the rows. A missing identifier stays in the list
/// and [`Ids::in_list`] leaves it out: dropped inside a group-by, the rows without one
/// (journal lines about no person) make polars' debug builds warn, in English, on the
/// terminal.
fn ids_of(key: Expr) -> Expr {
    key.cast(DataType::String).unique().sort(Default::default())
}

/// Appends `new` to `figures`, renumbering its sums after those already there.
fn append(figures: &mut Vec<Figure>, new: Vec<Figure>) {
    let by = figures.len();
    figures.extend(new.into_iter().map(|mut f| {
        f.sums.iter_mut().for_each(|r| *r = r.shifted(by));
        f
    }));
}

/// The key of the rows a measure counts or adds over (see [`Figure::keys`]).
/// The filters are sorted so that their order in the catalogue does not matter.
pub fn rows_key(table: Table, filters: &[Condition], distinct: Option<&str>) -> String {
    let mut parts: Vec<String> = filters.iter().map(|f| format!("{f:?}")).collect();
    parts.sort();
    // The persons of the file active, and those present on the last day, are counted
    // several ways: rows of `personnes`, their follow-ups, distinct persons of those. A
    // reader takes them for the same count; the relation is kept where it holds.
    let of_persons = match table {
        Table::Accompagnements => matches!(distinct, None | Some("id_personne")),
        Table::Personnes => distinct.is_none(),
        _ => false,
    };
    let only = |name: &str| parts == [format!("{:?}", Condition::IsTrue(name.into()))];
    if of_persons {
        let person_filter = if only("actif") || only("dans_fa") {
            Some("dans_fa")
        } else if only("present_fin") {
            Some("present_fin")
        } else {
            None
        };
        if let Some(filter) = person_filter {
            return format!("personnes|{:?}", Condition::IsTrue(filter.into()));
        }
    }
    let mut key = format!("{}|{}", table.name(), parts.join("&"));
    if let Some(d) = distinct {
        key.push_str(&format!("|distinct:{d}"));
    }
    key
}

/// The keys of a completeness rate's terms: its rows, keyed as a count of the same rows
/// is, and those of them where `column` is filled (no rows of its own for a column
/// required only with another one: it counts the rows that have the other).
pub fn completeness_keys(table: Table, column: &ColumnSpec) -> [Option<String>; 3] {
    let rows = match table {
        Table::Incidents | Table::Journal => {
            rows_key(table, &[Condition::IsTrue("dans_periode".into())], None)
        }
        _ if table.spec().column("id_personne").is_some() => {
            rows_key(table, &[Condition::IsTrue("dans_fa".into())], None)
        }
        _ => format!("completude|{table}"),
    };
    [
        None,
        Some(format!("{rows}|{}=renseigne", column.name)),
        (!matches!(column.requirement, Requirement::WhenFilled(_))).then_some(rows),
    ]
}

fn measure_key(measure: &Measure) -> Option<String> {
    match measure {
        Measure::Count(c) => Some(rows_key(c.table, &c.filters, c.distinct.as_deref())),
        Measure::Sum(s) => Some(format!(
            "{}|sum:{:?}",
            rows_key(s.table, &s.filters, None),
            s.sum
        )),
        Measure::Mean(_) | Measure::Constant(_) => None,
    }
}

/// What a measure gives: its value (none for a mean over no row), whether it counts,
/// the persons it is over, how sites add it up, and the identifiers behind a count.
struct Measured {
    value: Option<f64>,
    is_count: bool,
    over: Option<f64>,
    combine: Combine,
    ids: Ids,
}

fn value_figure(modality: &str, measure: &Measure, m: Measured, unit: &str) -> Figure {
    let nature = match measure {
        Measure::Constant(_) => Nature::Parameter,
        _ if m.is_count => Nature::Headcount,
        _ => Nature::Statistic,
    };
    Figure {
        ids: m.ids,
        over: m.over,
        combine: m.combine,
        keys: [measure_key(measure), None, None],
        ..Figure::new(Modality::code(modality), m.value, unit, nature)
    }
}

/// A rate of two measures `(numerator, denominator)` and what they measured.
fn rate_figure(
    modality: &str,
    (numerator, n): (&Measure, Measured),
    (denominator, d): (&Measure, Measured),
    factor: f64,
    unit: &str,
) -> Figure {
    let nature = Nature::Rate {
        numerator_is_count: n.is_count,
        denominator_is_count: d.is_count,
    };
    let value = match (n.value, d.value) {
        (Some(n), Some(d)) if d != 0.0 => Some(n / d * factor),
        _ => None,
    };
    Figure {
        numerator: n.value,
        denominator: d.value,
        over: fewer(n.over, d.over),
        combine: Combine::Ratio(factor),
        ids: n.ids,
        keys: [None, measure_key(numerator), measure_key(denominator)],
        ..Figure::new(Modality::code(modality), value, unit, nature)
    }
}

/// The identifier that names what a row of the table is about.
fn id_column(table: Table) -> Option<&'static str> {
    match table {
        Table::Logements | Table::Incidents => Some("id_logement"),
        Table::Effectifs | Table::Budget => None,
        _ => Some("id_personne"),
    }
}

fn scalar(df: &DataFrame, name: &str) -> Result<Option<f64>> {
    Ok(df.column(name)?.cast(&DataType::Float64)?.f64()?.get(0))
}

/// A measure's aggregate `m`, and `over` when the table is about persons.
fn with_over(value: Expr, over: Option<Expr>) -> Vec<Expr> {
    let mut exprs = vec![value.alias("m")];
    exprs.extend(over.map(|o| o.alias("over")));
    exprs
}

fn over_of(df: &DataFrame) -> Result<Option<f64>> {
    match df.column("over") {
        Ok(_) => Ok(Some(scalar(df, "over")?.unwrap_or(0.0))),
        Err(_) => Ok(None),
    }
}

/// The persons a rate is over: the fewer of its terms'.
fn fewer(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

pub struct Engine<'a> {
    pub views: Views<'a>,
    /// Collect the identifiers behind each count (`interne` audience).
    pub with_ids: bool,
    /// Months of the series since opening already evaluated, shared with the engine of
    /// the other period.
    pub months: &'a Months,
}

/// The figures of each month of a series since opening, by its blocks and month: the
/// period before shows again all the months the period shows up to its end, and a
/// month's figures do not depend on the period they are shown in.
/// The two periods are evaluated side by side, hence the lock.
pub type Months =
    std::sync::Mutex<std::collections::BTreeMap<(usize, NaiveDate, NaiveDate), Vec<Figure>>>;

/// Selected rows of a table, with what is needed to compile values over them.
struct Selection<'v> {
    frame: LazyFrame,
    schema: Schema,
    table: Table,
    views: &'v Views<'v>,
}

impl Selection<'_> {
    fn scope(&self) -> Scope<'_> {
        Scope {
            schema: &self.schema,
            period: self.views.period,
            programme: self.views.programme,
            interval: self.table.spec().interval.as_ref(),
        }
    }

    fn compile(&self, e: &Expression) -> Result<Expr> {
        e.compile(&self.scope()).map_err(|m| anyhow!("{m}"))
    }

    /// How many persons the selected rows (where `value` is known) are about: distinct
    /// persons in a table of persons' rows, rows in the journal and incidents; none for
    /// the tables about no one.
    fn over(&self, value: Option<Expr>) -> Option<Expr> {
        let known = |e: Expr| match &value {
            Some(v) => e.filter(v.clone().is_not_null()),
            None => e,
        };
        match self.table {
            Table::Effectifs | Table::Budget | Table::Logements => None,
            Table::Journal | Table::Incidents => {
                Some(known(lit(1.0)).count().cast(DataType::Float64))
            }
            _ => Some(
                known(col("id_personne"))
                    .drop_nulls()
                    .n_unique()
                    .cast(DataType::Float64),
            ),
        }
    }
}

impl<'a> Engine<'a> {
    /// The months since opening evaluated so far; a thread that panicked holding the
    /// lock left whole figures or none, so the map is still good.
    fn known_months(
        &self,
    ) -> std::sync::MutexGuard<
        '_,
        std::collections::BTreeMap<(usize, NaiveDate, NaiveDate), Vec<Figure>>,
    > {
        self.months
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn select(
        &self,
        table: Table,
        filters: &[Condition],
        values: &[&Expression],
        columns: &[&str],
    ) -> Result<Selection<'_>> {
        let mut names = BTreeSet::new();
        filters.iter().for_each(|c| c.names(&mut names));
        values.iter().for_each(|v| v.names(&mut names));
        names.extend(columns.iter().map(|c| c.to_string()));
        let (frame, schema) = self.views.view(table, &names)?;
        let selection = Selection {
            frame,
            schema,
            table,
            views: &self.views,
        };
        let mut frame = selection.frame.clone();
        for c in filters {
            frame = frame.filter(c.compile(&selection.scope()).map_err(|m| anyhow!("{m}"))?);
        }
        Ok(Selection { frame, ..selection })
    }

    /// A value of the configuration and a period, which reads no row.
    fn constant(&self, c: &Constant, period: Period) -> Result<Measured> {
        let schema = Schema::default();
        let scope = Scope {
            schema: &schema,
            period,
            programme: self.views.programme,
            interval: None,
        };
        let value = c.value.compile(&scope).map_err(|m| anyhow!("{m}"))?;
        let df = DataFrame::empty()
            .lazy()
            .select([value.alias("m")])
            .collect()?;
        let combine = match c.value.column().and_then(parameter) {
            Some(p) if p.adds_up => Combine::Add,
            _ => Combine::Not,
        };
        Ok(Measured {
            value: Some(scalar(&df, "m")?.unwrap_or(0.0)),
            is_count: false,
            over: None,
            combine,
            ids: Ids::default(),
        })
    }

    fn measure(&self, measure: &Measure) -> Result<Measured> {
        let (value, over, combine) = match measure {
            Measure::Constant(c) => return self.constant(c, self.views.period),
            Measure::Sum(m) => {
                let s = self.select(m.table, &m.filters, &[&m.sum], &[])?;
                let v = s.compile(&m.sum)?;
                let df = s
                    .frame
                    .clone()
                    .select(with_over(v.clone().sum(), s.over(Some(v))))
                    .collect()?;
                (
                    Some(scalar(&df, "m")?.unwrap_or(0.0)),
                    over_of(&df)?,
                    Combine::Add,
                )
            }
            Measure::Mean(m) => {
                let s = self.select(m.table, &m.filters, &[&m.mean], &[])?;
                let v = s.compile(&m.mean)?;
                let df = s
                    .frame
                    .clone()
                    .select(with_over(v.clone().mean(), s.over(Some(v))))
                    .collect()?;
                (
                    scalar(&df, "m")?.filter(|v| v.is_finite()),
                    over_of(&df)?,
                    Combine::Not,
                )
            }
            Measure::Count(m) => {
                let columns: Vec<&str> = m.distinct.iter().map(String::as_str).collect();
                let s = self.select(m.table, &m.filters, &[], &columns)?;
                let expr = match &m.distinct {
                    Some(key) => col(key.as_str()).drop_nulls().n_unique(),
                    None => len(),
                };
                let mut exprs = vec![expr.alias("m")];
                let key = m
                    .distinct
                    .as_deref()
                    .or(id_column(s.table))
                    .filter(|_| self.with_ids);
                exprs.extend(key.map(|key| ids_of(col(key)).implode(true).alias("ids")));
                let df = s.frame.clone().select(exprs).collect()?;
                let ids = match key {
                    Some(_) => Ids::in_list(&df, "ids", 0)?,
                    None => Ids::default(),
                };
                let value = Some(scalar(&df, "m")?.unwrap_or(0.0));
                return Ok(Measured {
                    value,
                    is_count: true,
                    over: value,
                    combine: Combine::Add,
                    ids,
                });
            }
        };
        Ok(Measured {
            value,
            is_count: false,
            over,
            combine,
            ids: Ids::default(),
        })
    }

    /// The figures of a monthly series for each of `months`, every month of a table read
    /// in one pass: a month's query costs more to plan than to run. `None` when a block
    /// is not a value or a rate of counts, sums or means over a table's own columns; the
    /// series is then evaluated month by month.
    fn months_at_once(
        &self,
        blocks: &[Block],
        months: &[Period],
        unit: &str,
    ) -> Result<Option<Vec<Vec<Figure>>>> {
        let blocks: Vec<&Block> = blocks
            .iter()
            .filter(|b| b.applies_to(self.views.programme))
            .collect();
        let mut terms = Vec::new();
        for month in months {
            let mut of_month = Vec::new();
            for block in &blocks {
                let measures = match block {
                    Block::Value { measure, .. } => vec![measure],
                    Block::Rate {
                        numerator,
                        denominator,
                        ..
                    } => vec![numerator, denominator],
                    _ => return Ok(None),
                };
                for measure in measures {
                    if matches!(measure, Measure::Constant(_)) {
                        continue;
                    }
                    match self.monthly_terms(*month, measure)? {
                        Some(t) => of_month.push(t),
                        None => return Ok(None),
                    }
                }
            }
            terms.push(of_month);
        }
        // A filter that compiles the same for every month (`type = visite_domicile`) keeps
        // the table's rows once, before the months' aggregates, rather than in each.
        let fixed: Vec<Vec<bool>> = terms.first().map_or(Vec::new(), |first| {
            first
                .iter()
                .enumerate()
                .map(|(m, t)| {
                    (0..t.filters.len())
                        .map(|f| terms.iter().all(|o| o[m].filters[f] == t.filters[f]))
                        .collect()
                })
                .collect()
        });
        let mut queries = Vec::new();
        let mut planned = Vec::new();
        for (i, of_month) in terms.into_iter().enumerate() {
            for (m, t) in of_month.into_iter().enumerate() {
                planned.push(self.plan_month(t, &fixed[m], &format!("{i}_{m}"), &mut queries));
            }
        }
        let mut results = Vec::new();
        for q in queries {
            let mut rows = self.views.base_table(q.table);
            if let Some(kept) = q.filters.into_iter().reduce(Expr::and) {
                rows = rows.filter(kept);
            }
            results.push(rows.select(q.exprs).collect()?);
        }
        let mut planned = planned.into_iter();
        let mut next = |measure: &Measure, month: Period| -> Result<Measured> {
            if let Measure::Constant(c) = measure {
                return self.constant(c, month);
            }
            let p = planned
                .next()
                .ok_or_else(|| anyhow!("mesure mensuelle manquante"))?;
            p.read(&results[p.query])
        };
        let mut all = Vec::new();
        for month in months {
            let mut figures = Vec::new();
            for block in &blocks {
                match block {
                    Block::Value {
                        modality,
                        measure,
                        unit: u,
                        ..
                    } => figures.push(value_figure(
                        modality,
                        measure,
                        next(measure, *month)?,
                        u.as_deref().unwrap_or(unit),
                    )),
                    Block::Rate {
                        modality,
                        numerator,
                        denominator,
                        factor,
                        unit: u,
                        ..
                    } => {
                        let (n, d) = (next(numerator, *month)?, next(denominator, *month)?);
                        figures.push(rate_figure(
                            modality,
                            (numerator, n),
                            (denominator, d),
                            *factor,
                            u.as_deref().unwrap_or(unit),
                        ));
                    }
                    _ => return Ok(None),
                }
            }
            all.push(figures);
        }
        Ok(Some(all))
    }

    /// A measure of a month over its table's rows, its filters and value compiled with
    /// the month's columns written out in them.
    fn monthly_terms<'m>(
        &self,
        month: Period,
        measure: &'m Measure,
    ) -> Result<Option<MonthlyTerms<'m>>> {
        let (table, filters, value, distinct) = match measure {
            Measure::Count(c) => (c.table, &c.filters, None, c.distinct.as_deref()),
            Measure::Sum(m) => (m.table, &m.filters, Some(&m.sum), None),
            Measure::Mean(m) => (m.table, &m.filters, Some(&m.mean), None),
            Measure::Constant(_) => return Ok(None),
        };
        let schema = self.views.table_schema(table)?;
        let mut names = BTreeSet::new();
        filters.iter().for_each(|c| c.names(&mut names));
        value.iter().for_each(|v| v.names(&mut names));
        names.extend(distinct.map(str::to_string));
        if names
            .iter()
            .any(|n| !schema.contains(n) && parameter(n).is_none())
        {
            return Ok(None);
        }
        let scope = Scope {
            schema: &schema,
            period: month,
            programme: self.views.programme,
            interval: table.spec().interval.as_ref(),
        };
        let month_columns = views::period_columns(table, month);
        let inline = |e: Expr| {
            e.map_expr(|e| match &e {
                Expr::Column(c) => month_columns
                    .iter()
                    .find(|(n, _)| *n == c.as_str())
                    .map_or(e.clone(), |(_, m)| m.clone()),
                _ => e,
            })
        };
        let filters = filters
            .iter()
            .map(|c| c.compile(&scope).map(&inline))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| anyhow!("{m}"))?;
        let value = value
            .map(|v| v.compile(&scope).map(&inline))
            .transpose()
            .map_err(|m| anyhow!("{m}"))?;
        Ok(Some(MonthlyTerms {
            table,
            filters,
            value,
            distinct,
            kind: measure_kind(measure),
        }))
    }

    /// A month's measure as aggregates added to the query of its table's rows kept by
    /// the filters marked `fixed`, the same for every month.
    fn plan_month(
        &self,
        terms: MonthlyTerms,
        fixed: &[bool],
        name: &str,
        queries: &mut Vec<MonthlyQuery>,
    ) -> MonthlyMeasure {
        let MonthlyTerms {
            table,
            filters,
            value,
            distinct,
            kind,
        } = terms;
        let (same, own): (Vec<_>, Vec<_>) = filters.into_iter().zip(fixed).partition(|(_, f)| **f);
        let same: Vec<Expr> = same.into_iter().map(|(e, _)| e).collect();
        let mask = own.into_iter().map(|(e, _)| e).reduce(Expr::and);
        let query = match queries
            .iter()
            .position(|q| q.table == table && q.filters == same)
        {
            Some(q) => q,
            None => {
                queries.push(MonthlyQuery {
                    table,
                    filters: same,
                    exprs: Vec::new(),
                });
                queries.len() - 1
            }
        };
        let kept = |e: Expr, also: Option<Expr>| match (&mask, also) {
            (Some(m), Some(a)) => e.filter(m.clone().and(a)),
            (Some(m), None) => e.filter(m.clone()),
            (None, Some(a)) => e.filter(a),
            (None, None) => e,
        };
        let rows = |also: Option<Expr>| match (&mask, also) {
            (Some(m), Some(a)) => m.clone().and(a).sum(),
            (Some(m), None) => m.clone().sum(),
            (None, Some(a)) => a.sum(),
            (None, None) => len(),
        };
        let exprs = &mut queries[query].exprs;
        let column = |prefix: &str| format!("{prefix}{name}");
        let mut planned = MonthlyMeasure {
            query,
            value: column("m"),
            over: None,
            ids: None,
            kind,
        };
        match value {
            None => {
                exprs.push(
                    match distinct {
                        Some(key) => kept(col(key), None).drop_nulls().n_unique(),
                        None => rows(None),
                    }
                    .alias(column("m")),
                );
                if let (true, Some(key)) = (self.with_ids, distinct.or(id_column(table))) {
                    exprs.push(
                        ids_of(kept(col(key), None))
                            .implode(true)
                            .alias(column("i")),
                    );
                    planned.ids = Some(column("i"));
                }
            }
            Some(v) => {
                let known = v.clone().is_not_null();
                exprs.push(
                    match planned.kind {
                        MeasureKind::Mean => kept(v, None).mean(),
                        _ => kept(v, None).sum(),
                    }
                    .alias(column("m")),
                );
                let over = match table {
                    Table::Effectifs | Table::Budget | Table::Logements => None,
                    Table::Journal | Table::Incidents => Some(rows(Some(known))),
                    _ => Some(
                        kept(col("id_personne"), Some(known))
                            .drop_nulls()
                            .n_unique(),
                    ),
                };
                if let Some(over) = over {
                    exprs.push(over.alias(column("o")));
                    planned.over = Some(column("o"));
                }
            }
        }
        planned
    }

    pub fn evaluate(&self, blocks: &[Block], unit: &str) -> Result<Vec<Figure>> {
        let mut figures = Vec::new();
        for block in blocks.iter().filter(|b| b.applies_to(self.views.programme)) {
            self.block(block, unit, &mut figures)?;
        }
        Ok(figures)
    }

    fn block(&self, block: &Block, unit: &str, figures: &mut Vec<Figure>) -> Result<()> {
        match block {
            Block::Value {
                modality,
                measure,
                unit: u,
                ..
            } => {
                let m = self.measure(measure)?;
                figures.push(value_figure(
                    modality,
                    measure,
                    m,
                    u.as_deref().unwrap_or(unit),
                ));
            }
            Block::Rate {
                modality,
                numerator,
                denominator,
                factor,
                unit: u,
                ..
            } => {
                let n = self.measure(numerator)?;
                let d = self.measure(denominator)?;
                figures.push(rate_figure(
                    modality,
                    (numerator, n),
                    (denominator, d),
                    *factor,
                    u.as_deref().unwrap_or(unit),
                ));
            }
            Block::Breakdown {
                table,
                filters,
                column,
                codes,
                distinct,
                sum,
                denominator,
                factor,
                prefix,
                only,
                unit: u,
                ..
            } => {
                let terms: Vec<&Expression> = sum.iter().chain(denominator.iter()).collect();
                let mut columns = vec![column.as_str()];
                columns.extend(distinct.iter().map(String::as_str));
                let s = self.select(*table, filters, &terms, &columns)?;
                let breakdown = BreakdownSpec {
                    column,
                    codes: codes.as_deref().unwrap_or(column),
                    distinct: distinct.as_deref(),
                    sum: sum.as_ref(),
                    denominator: denominator.as_ref(),
                    factor: *factor,
                    prefix: prefix.as_deref(),
                    only,
                    unit: u.as_deref().unwrap_or(unit),
                };
                let mut new = self.breakdown(&s, &breakdown)?;
                if sum.is_none() && denominator.is_none() {
                    let mut rows = rows_key(*table, filters, distinct.as_deref());
                    if !only.is_empty() {
                        rows.push_str(&format!("|only:{}", only.join("|")));
                    }
                    for f in &mut new {
                        f.keys[0] = Some(match f.modality.code.as_str() {
                            "total" => rows.clone(),
                            code => format!("{rows}|{column}={code}"),
                        });
                    }
                }
                append(figures, new);
            }
            Block::Distribution {
                table,
                filters,
                value,
                value_unit,
                statistics,
                buckets,
                prefix,
                ..
            } => {
                let s = self.select(*table, filters, &[value], &[])?;
                let mut new = self.distribution(
                    &s,
                    value,
                    statistics,
                    buckets,
                    prefix.as_deref(),
                    value_unit,
                    unit,
                )?;
                for f in new.iter_mut().filter(|f| f.modality.code == "total") {
                    f.keys[0] = Some(rows_key(*table, filters, None));
                }
                append(figures, new);
            }
            Block::Completeness { .. } => figures.extend(self.completeness()?),
            Block::Findings { .. } => {
                let findings = &self.views.base.dataset.findings;
                let mut counts = Vec::new();
                for kind in FindingKind::ALL {
                    let n = findings.iter().filter(|f| f.kind == kind).count() as f64;
                    counts.push((kind.code(), n, SumRole::Part(0)));
                }
                counts.push(("total", findings.len() as f64, SumRole::Total(0)));
                let new = counts
                    .into_iter()
                    .map(|(code, n, role)| Figure {
                        sums: vec![role],
                        keys: [Some(format!("constats|{code}")), None, None],
                        ..Figure::new(Modality::code(code), Some(n), unit, Nature::Headcount)
                    })
                    .collect();
                append(figures, new);
            }
            Block::Monthly {
                blocks,
                since_opening,
                ..
            } => {
                let months = if *since_opening {
                    let opening = self.views.programme.opening;
                    if opening > self.views.period.end {
                        Vec::new()
                    } else {
                        Period {
                            start: opening,
                            end: self.views.period.end,
                        }
                        .months()
                    }
                } else {
                    self.views.period.months()
                };
                let key = |month: &Period| (blocks.as_ptr() as usize, month.start, month.end);
                let missing: Vec<Period> = months
                    .iter()
                    .filter(|m| !*since_opening || !self.known_months().contains_key(&key(m)))
                    .copied()
                    .collect();
                let mut at_once: Vec<(Period, Vec<Figure>)> = self
                    .months_at_once(blocks, &missing, unit)?
                    .map(|figures| missing.into_iter().zip(figures).collect())
                    .unwrap_or_default();
                for month in months {
                    let key = key(&month);
                    let known = if *since_opening {
                        self.known_months().get(&key).cloned()
                    } else {
                        None
                    };
                    let mut new = match known {
                        Some(figures) => figures,
                        None => {
                            let new = match at_once.iter().position(|(m, _)| *m == month) {
                                Some(i) => at_once.swap_remove(i).1,
                                None => Engine {
                                    views: self.views.month(month)?,
                                    with_ids: self.with_ids,
                                    months: self.months,
                                }
                                .evaluate(blocks, unit)?,
                            };
                            if *since_opening {
                                self.known_months().insert(key, new.clone());
                            }
                            new
                        }
                    };
                    for figure in &mut new {
                        figure.modality.month = month.start.with_day(1);
                    }
                    append(figures, new);
                }
            }
        }
        Ok(())
    }

    fn breakdown(&self, s: &Selection, b: &BreakdownSpec) -> Result<Vec<Figure>> {
        let list = model::code_list_of(s.table, b.codes)
            .ok_or_else(|| anyhow!("la colonne « {} » n'a pas de liste de codes", b.codes))?;
        let is_list = matches!(s.schema.get(b.column), Some(DataType::List(_)));
        let per_code = if is_list {
            s.frame.clone().explode(
                cols([b.column]),
                ExplodeOptions {
                    empty_as_null: true,
                    keep_nulls: true,
                },
            )
        } else {
            s.frame.clone()
        };
        let mut aggregates = vec![match b.distinct {
            Some(key) => col(key)
                .drop_nulls()
                .n_unique()
                .cast(DataType::Float64)
                .alias("n"),
            None => len().cast(DataType::Float64).alias("n"),
        }];
        if let Some(sum) = b.sum {
            aggregates.push(s.compile(sum)?.sum().alias("sum"));
        }
        if let Some(den) = b.denominator {
            aggregates.push(s.compile(den)?.sum().alias("den"));
        }
        let is_count = b.sum.is_none();
        let key = b
            .distinct
            .or(id_column(s.table))
            .filter(|_| self.with_ids && is_count);
        let ids: Vec<Expr> = key
            .iter()
            .map(|key| ids_of(col(*key)).alias("_ids"))
            .collect();
        let imploded: Vec<Expr> = ids.iter().map(|ids| ids.clone().implode(true)).collect();
        let grouped = per_code
            .clone()
            .group_by([col(b.column).cast(DataType::String)])
            .agg([aggregates.clone(), ids].concat())
            .collect()?;
        let codes: Vec<Option<String>> = grouped
            .column(b.column)?
            .str()?
            .iter()
            .map(|c| c.map(str::to_string))
            .collect();
        let get = |df: &DataFrame, name: &str, row: usize| -> Result<Option<f64>> {
            Ok(df.column(name)?.cast(&DataType::Float64)?.f64()?.get(row))
        };
        let nature = match (b.sum, b.denominator) {
            (None, _) => Nature::Headcount,
            (Some(_), None) => Nature::Statistic,
            (Some(_), Some(_)) => Nature::Rate {
                numerator_is_count: false,
                denominator_is_count: false,
            },
        };
        let figure = |modality: &str, df: &DataFrame, row: Option<usize>| -> Result<Figure> {
            let value = |name| row.map_or(Ok(None), |r| get(df, name, r));
            let mut f = Figure::new(Modality::prefixed(b.prefix, modality), None, b.unit, nature);
            // The cells of a column of single codes add up to the total; those of a list
            // of codes (an intervention for each of its trades) do not.
            if is_count && !is_list {
                f.sums = vec![if modality == "total" {
                    SumRole::Total(0)
                } else {
                    SumRole::Part(0)
                }];
            }
            if !is_count {
                f.over = Some(value("n")?.unwrap_or(0.0));
            }
            match (b.sum, b.denominator) {
                (None, _) => f.value = Some(value("n")?.unwrap_or(0.0)),
                (Some(_), None) => f.value = Some(value("sum")?.unwrap_or(0.0)),
                (Some(_), Some(_)) => {
                    f.combine = Combine::Ratio(b.factor);
                    let (n, d) = (value("sum")?.unwrap_or(0.0), value("den")?.unwrap_or(0.0));
                    f.numerator = Some(n);
                    f.denominator = Some(d);
                    f.value = (d != 0.0).then(|| n / d * b.factor);
                }
            }
            Ok(f)
        };
        let row_of = |code: Option<&str>| codes.iter().position(|c| c.as_deref() == code);
        // The figure's identifiers, those of the row of `df` it was read from.
        let with_ids = |mut f: Figure, df: &DataFrame, row: Option<usize>| -> Result<Figure> {
            if let (Some(_), Some(row), true) = (key, row, f.value.unwrap_or(0.0) > 0.0) {
                f.ids = Ids::in_list(df, "_ids", row)?;
            }
            Ok(f)
        };
        let mut figures = Vec::new();
        for code in list
            .codes
            .iter()
            .filter(|c| b.only.is_empty() || b.only.iter().any(|o| o == c.code))
        {
            let row = row_of(Some(code.code));
            let f = Figure {
                codes: Some(list),
                ..figure(code.code, &grouped, row)?
            };
            figures.push(with_ids(f, &grouped, row)?);
        }
        if !b.only.is_empty() {
            let kept = b.only.iter().map(String::as_str).collect::<Vec<_>>();
            let in_only = col(b.column)
                .cast(DataType::String)
                .is_in(lit(Series::new("".into(), kept)).implode(false), false);
            let n = match b.distinct {
                Some(key) => col(key)
                    .drop_nulls()
                    .n_unique()
                    .cast(DataType::Float64)
                    .alias("n"),
                None => len().cast(DataType::Float64).alias("n"),
            };
            let df = per_code
                .clone()
                .filter(in_only)
                .select([vec![n], imploded.clone()].concat())
                .collect()?;
            let mut f = Figure::new(
                Modality::prefixed(b.prefix, "total"),
                scalar(&df, "n")?,
                b.unit,
                nature,
            );
            if is_count && !is_list {
                f.sums = vec![SumRole::Total(0)];
            }
            if key.is_some() {
                f.ids = Ids::in_list(&df, "_ids", 0)?;
            }
            figures.push(f);
            return Ok(figures);
        }
        let row = row_of(None);
        figures.push(with_ids(
            figure(NON_RENSEIGNE, &grouped, row)?,
            &grouped,
            row,
        )?);
        if let Some(row) = row_of(Some(NON_RECONNU)) {
            let f = figure(NON_RECONNU, &grouped, Some(row))?;
            figures.push(with_ids(f, &grouped, Some(row))?);
        }
        let overall = s
            .frame
            .clone()
            .select([aggregates, imploded].concat())
            .collect()?;
        figures.push(with_ids(
            figure("total", &overall, Some(0))?,
            &overall,
            Some(0),
        )?);
        Ok(figures)
    }

    fn completeness(&self) -> Result<Vec<Figure>> {
        // The persons of the file active as a set of identifiers each row is looked up
        // in: joining a table of a million rows with them cost more than its counts.
        let fa = self
            .views
            .view(Table::Personnes, &BTreeSet::new())?
            .0
            .filter(col("dans_fa"))
            .select([col("id_personne")])
            .collect()?;
        let in_fa = col("id_personne").is_in(
            lit(fa.column("id_personne")?.as_materialized_series().clone()).implode(false),
            false,
        );
        let mut figures = Vec::new();
        for &table in self.views.base.dataset.tables.keys() {
            let spec = table.spec();
            let mut rows = self.views.view(table, &BTreeSet::new())?.0;
            rows = match table {
                // Rows of the table only: not the persons the view makes for follow-ups
                // without a `personnes` row (they have no row number).
                Table::Personnes => rows.filter(col("dans_fa").and(col(ROW_NUMBER).is_not_null())),
                // Events of a flat or of the site: every row of the period.
                Table::Incidents | Table::Journal => rows.filter(col("dans_periode")),
                _ if spec.column("id_personne").is_some() => rows.filter(in_fa.clone()),
                _ => rows,
            };
            let required: Vec<_> = spec
                .columns
                .iter()
                .filter(|c| c.requirement != Requirement::Optional)
                .collect();
            // Every column of the table counted in one pass over its rows.
            let mut counts = Vec::new();
            for (i, column) in required.iter().enumerate() {
                // A column required only with another one (the exit reason with the exit
                // date) is counted on the rows that have that other one.
                let readable = match column.kind {
                    ColumnType::Code(_) => col(column.name)
                        .is_not_null()
                        .and(col(column.name).neq(lit(NON_RECONNU))),
                    _ => col(column.name).is_not_null(),
                };
                let (n, ok) = match column.requirement {
                    Requirement::WhenFilled(other) => {
                        let concerned = col(other).is_not_null();
                        (concerned.clone().sum(), readable.and(concerned).sum())
                    }
                    _ => (len(), readable.sum()),
                };
                counts.push(n.cast(DataType::Float64).alias(format!("n{i}")));
                counts.push(ok.cast(DataType::Float64).alias(format!("ok{i}")));
            }
            if counts.is_empty() {
                continue;
            }
            let df = rows.select(counts).collect()?;
            for (i, column) in required.iter().enumerate() {
                let (n, ok) = (
                    scalar(&df, &format!("n{i}"))?.unwrap_or(0.0),
                    scalar(&df, &format!("ok{i}"))?.unwrap_or(0.0),
                );
                let nature = Nature::Rate {
                    numerator_is_count: true,
                    denominator_is_count: true,
                };
                figures.push(Figure {
                    numerator: Some(ok),
                    denominator: Some(n),
                    // Over the rows it counts, whether or not they are about a person.
                    over: Some(n),
                    keys: completeness_keys(table, column),
                    combine: Combine::Ratio(100.0),
                    ..Figure::new(
                        Modality::code(format!("{table}.{}", column.name)),
                        (n > 0.0).then(|| ok / n * 100.0),
                        PERCENT,
                        nature,
                    )
                });
            }
        }
        Ok(figures)
    }

    #[allow(clippy::too_many_arguments)]
    fn distribution(
        &self,
        s: &Selection,
        value: &Expression,
        statistics: &[Statistic],
        buckets: &[Bucket],
        prefix: Option<&str>,
        value_unit: &str,
        unit: &str,
    ) -> Result<Vec<Figure>> {
        let v = s.compile(value)?;
        let inside = |b: &Bucket| {
            let low = b
                .from
                .map(|from| v.clone().gt_eq(lit(from)))
                .unwrap_or(lit(true));
            let high = b.to.map(|to| v.clone().lt(lit(to))).unwrap_or(lit(true));
            low.and(high).fill_null(lit(false))
        };
        let outside = buckets
            .iter()
            .fold(v.clone().is_not_null(), |acc, b| acc.and(inside(b).not()));
        let mut exprs = vec![
            v.clone().mean().alias("moyenne"),
            v.clone().median().alias("mediane"),
            v.clone().count().cast(DataType::Float64).alias("effectif"),
            v.clone()
                .null_count()
                .cast(DataType::Float64)
                .alias(NON_RENSEIGNE),
            len().cast(DataType::Float64).alias("total"),
            outside
                .clone()
                .sum()
                .cast(DataType::Float64)
                .alias(NON_RECONNU),
        ];
        for (i, b) in buckets.iter().enumerate() {
            exprs.push(
                inside(b)
                    .sum()
                    .cast(DataType::Float64)
                    .alias(format!("t{i}")),
            );
        }
        // The rows behind each count published, by the count's column.
        let mut counted = Vec::new();
        if statistics.contains(&Statistic::Effectif) {
            counted.push(("effectif".to_string(), Some(v.clone().is_not_null())));
        }
        if !buckets.is_empty() {
            for (i, b) in buckets.iter().enumerate() {
                counted.push((format!("t{i}"), Some(inside(b))));
            }
            counted.push((NON_RENSEIGNE.to_string(), Some(v.clone().is_null())));
            counted.push((NON_RECONNU.to_string(), Some(outside)));
            counted.push(("total".to_string(), None));
        }
        let key = id_column(s.table).filter(|_| self.with_ids);
        if let Some(key) = key {
            for (column, filter) in counted {
                let rows = match filter {
                    Some(filter) => col(key).filter(filter),
                    None => col(key),
                };
                exprs.push(ids_of(rows).implode(true).alias(format!("ids_{column}")));
            }
        }
        let df = s.frame.clone().select(exprs).collect()?;
        let count = |modality: &str, column: &str| -> Result<Figure> {
            let mut f = Figure::new(
                Modality::prefixed(prefix, modality),
                scalar(&df, column)?,
                unit,
                Nature::Headcount,
            );
            if key.is_some() && f.value.unwrap_or(0.0) > 0.0 {
                f.ids = Ids::in_list(&df, &format!("ids_{column}"), 0)?;
            }
            Ok(f)
        };
        // Three sums hold between the counts: the buckets, « non renseigné » and « non
        // reconnu » make the total; the known values and « non renseigné » make it too;
        // the buckets and « non reconnu » make the known values (`effectif`).
        let (all, known, effectif) = (0, 1, 2);
        let sums = |roles: &[SumRole]| {
            if buckets.is_empty() {
                Vec::new()
            } else {
                roles.to_vec()
            }
        };
        let statistic = |modality: &str| -> Result<Figure> {
            let combine = if modality == "moyenne" && statistics.contains(&Statistic::Effectif) {
                Combine::Mean
            } else {
                Combine::Not
            };
            Ok(Figure {
                over: scalar(&df, "effectif")?,
                combine,
                ..Figure::new(
                    Modality::prefixed(prefix, modality),
                    scalar(&df, modality)?,
                    value_unit,
                    Nature::Statistic,
                )
            })
        };
        let mut figures = Vec::new();
        for statistic_kind in statistics {
            figures.push(match statistic_kind {
                Statistic::Moyenne => statistic("moyenne")?,
                Statistic::Mediane => statistic("mediane")?,
                Statistic::Effectif => Figure {
                    sums: sums(&[SumRole::Part(known), SumRole::Total(effectif)]),
                    ..count("effectif", "effectif")?
                },
            });
        }
        if !buckets.is_empty() {
            for (i, b) in buckets.iter().enumerate() {
                figures.push(Figure {
                    sums: vec![SumRole::Part(all), SumRole::Part(effectif)],
                    ..count(&b.label, &format!("t{i}"))?
                });
            }
            figures.push(Figure {
                sums: vec![SumRole::Part(all), SumRole::Part(known)],
                ..count(NON_RENSEIGNE, NON_RENSEIGNE)?
            });
            if scalar(&df, NON_RECONNU)?.unwrap_or(0.0) > 0.0 {
                figures.push(Figure {
                    sums: vec![SumRole::Part(all), SumRole::Part(effectif)],
                    ..count(NON_RECONNU, NON_RECONNU)?
                });
            }
            figures.push(Figure {
                sums: vec![SumRole::Total(all), SumRole::Total(known)],
                ..count("total", "total")?
            });
        }
        Ok(figures)
    }
}

#[derive(Clone, Copy)]
enum MeasureKind {
    Count,
    Sum,
    Mean,
}

fn measure_kind(measure: &Measure) -> MeasureKind {
    match measure {
        Measure::Count(_) => MeasureKind::Count,
        Measure::Mean(_) => MeasureKind::Mean,
        _ => MeasureKind::Sum,
    }
}

/// A measure of a month compiled, before it is planned in a query.
struct MonthlyTerms<'m> {
    table: Table,
    filters: Vec<Expr>,
    /// The value summed or averaged; none for a count.
    value: Option<Expr>,
    distinct: Option<&'m str>,
    kind: MeasureKind,
}

/// Aggregates of the months over the rows of a table that the filters keep.
struct MonthlyQuery {
    table: Table,
    filters: Vec<Expr>,
    exprs: Vec<Expr>,
}

/// A measure of a month planned in a query: the query, the names of its aggregates there.
struct MonthlyMeasure {
    query: usize,
    value: String,
    over: Option<String>,
    ids: Option<String>,
    kind: MeasureKind,
}

impl MonthlyMeasure {
    /// The measure as [`Engine::measure`] gives it for the month.
    fn read(&self, df: &DataFrame) -> Result<Measured> {
        let value = scalar(df, &self.value)?;
        Ok(match self.kind {
            MeasureKind::Count => {
                let value = Some(value.unwrap_or(0.0));
                let ids = match &self.ids {
                    Some(name) => Ids::in_list(df, name, 0)?,
                    None => Ids::default(),
                };
                Measured {
                    value,
                    is_count: true,
                    over: value,
                    combine: Combine::Add,
                    ids,
                }
            }
            kind => Measured {
                value: match kind {
                    MeasureKind::Mean => value.filter(|v| v.is_finite()),
                    _ => Some(value.unwrap_or(0.0)),
                },
                is_count: false,
                over: match &self.over {
                    Some(name) => Some(scalar(df, name)?.unwrap_or(0.0)),
                    None => None,
                },
                combine: match kind {
                    MeasureKind::Mean => Combine::Not,
                    _ => Combine::Add,
                },
                ids: Ids::default(),
            },
        })
    }
}

struct BreakdownSpec<'b> {
    column: &'b str,
    codes: &'b str,
    distinct: Option<&'b str>,
    sum: Option<&'b Expression>,
    denominator: Option<&'b Expression>,
    factor: f64,
    prefix: Option<&'b str>,
    only: &'b [String],
    unit: &'b str,
}
