//! The data-quality checks across rows and tables (group Q of indicateurs.md): dates
//! in the future, unknown references, overlaps, rows outside any follow-up. The checks
//! of single rows happen while reading (`ingest`): unreadable or missing values, an end
//! date before the start date, duplicates, totals rows.

use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;

use crate::findings::{Finding, FindingKind, shown_value};
use crate::follow_ups::{FollowUps, INTERVENTION, OCCUPATION, Slack};
use crate::frames::{days_of, matching};
use crate::ingest::{Dataset, ROW_NUMBER};
use crate::model::{ColumnType, Table};
use crate::period::Period;

fn french(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Rows of a query, as (row number, value shown) pairs in the order of the file: a join
/// or a group-by on several threads returns its rows in an order that changes from run
/// to run, and the findings must read the same each time.
fn rows(df: DataFrame, shown: &str) -> Result<Vec<(usize, Option<String>)>> {
    let lines = df.column(ROW_NUMBER)?.cast(&DataType::Int64)?;
    let values = df.column(shown)?.cast(&DataType::String)?;
    let mut rows: Vec<(usize, Option<String>)> = lines
        .i64()?
        .iter()
        .zip(values.str()?.iter())
        .filter_map(|(l, v)| Some((l? as usize, v.map(str::to_string))))
        .collect();
    rows.sort_by_key(|(line, _)| *line);
    Ok(rows)
}

struct Checker<'a> {
    dataset: &'a Dataset,
    findings: Vec<Finding>,
}

impl Checker<'_> {
    fn table(&self, table: Table) -> Option<LazyFrame> {
        self.dataset.tables.get(&table).map(|t| t.clone().lazy())
    }

    fn push(
        &mut self,
        kind: FindingKind,
        table: Table,
        column: &'static str,
        found: Vec<(usize, Option<String>)>,
        message: impl Fn(&Option<String>) -> String,
    ) {
        let Some(origin) = self.dataset.origins.get(&table) else {
            return;
        };
        for (line, value) in found {
            self.findings.push(Finding {
                kind,
                table,
                origin: origin.clone(),
                line,
                column: Some(column),
                message: message(&value),
                value: shown_value(column, value),
                blocking: false,
            });
        }
    }

    fn future_dates(&mut self, today: NaiveDate) -> Result<()> {
        for table in Table::ALL {
            let Some(frame) = self.table(table) else {
                continue;
            };
            for column in table
                .spec()
                .columns
                .iter()
                .filter(|c| matches!(c.kind, ColumnType::Date | ColumnType::Month))
            {
                let found = frame
                    .clone()
                    .filter(col(column.name).gt(lit(today)))
                    .select([
                        col(ROW_NUMBER),
                        col(column.name).dt().strftime("%d/%m/%Y").alias("v"),
                    ])
                    .collect()?;
                self.push(
                    FindingKind::FutureDate,
                    table,
                    column.name,
                    rows(found, "v")?,
                    |_| format!("date postérieure au jour du calcul ({}).", french(today)),
                );
            }
        }
        Ok(())
    }

    fn implausible_ages(&mut self) -> Result<()> {
        let (Some(persons), Some(follow_ups)) = (
            self.table(Table::Personnes),
            self.table(Table::Accompagnements),
        ) else {
            return Ok(());
        };
        let first = follow_ups
            .group_by([col("id_personne")])
            .agg([col("date_entree").min().alias("_entree")]);
        let years = (col("_entree").cast(DataType::Int32)
            - col("date_naissance").cast(DataType::Int32))
        .cast(DataType::Float64)
            / lit(365.25);
        let found = persons
            .join(
                first,
                [col("id_personne")],
                [col("id_personne")],
                JoinArgs::new(JoinType::Inner),
            )
            // Whole years: a cast truncates toward zero.
            .with_column(years.cast(DataType::Int64).alias("_age"))
            .filter(col("_age").lt(lit(16)).or(col("_age").gt(lit(100))))
            .select([
                col(ROW_NUMBER),
                col("_age").cast(DataType::Int64).alias("v"),
            ])
            .collect()?;
        let found = rows(found, "v")?;
        for (line, age) in found {
            self.push(
                FindingKind::ImplausibleAge,
                Table::Personnes,
                "date_naissance",
                vec![(line, age.clone())],
                |_| {
                    format!(
                        "âge à la première entrée : {} ans (attendu entre 16 et 100).",
                        age.clone().unwrap_or_default()
                    )
                },
            );
        }
        Ok(())
    }

    fn unknown_references(&mut self) -> Result<()> {
        for (key, parent) in crate::model::REFERENCES {
            let Some(known) = self.table(parent) else {
                continue;
            };
            for table in Table::ALL
                .into_iter()
                .filter(|t| t.references().any(|(k, _)| k == key))
            {
                let Some(frame) = self.table(table) else {
                    continue;
                };
                let found = matching(
                    frame.filter(col(key).is_not_null()),
                    known.clone(),
                    key,
                    false,
                )
                .select([col(ROW_NUMBER), col(key).alias("v")])
                .collect()?;
                let what = if key == "id_personne" {
                    "aucune personne"
                } else {
                    "aucun logement"
                };
                self.push(
                    FindingKind::UnknownReference,
                    table,
                    key,
                    rows(found, "v")?,
                    |_| format!("{what} de ce numéro dans la table {parent}."),
                );
            }
        }
        Ok(())
    }

    fn overlaps(&mut self, table: Table, kind: FindingKind) -> Result<()> {
        let (Some(iv), Some(frame)) = (&table.spec().interval, self.table(table)) else {
            return Ok(());
        };
        let previous_end = col(iv.end).shift(lit(1)).over([col("id_personne")])?;
        let previous_start = col(iv.start).shift(lit(1)).over([col("id_personne")])?;
        let found = frame
            .sort(["id_personne", iv.start], Default::default())
            .with_columns([
                previous_end.alias("_fin_prec"),
                previous_start.alias("_debut_prec"),
            ])
            .filter(
                col("_debut_prec").is_not_null().and(
                    col("_fin_prec")
                        .is_null()
                        .or(col("_fin_prec").gt(col(iv.start))),
                ),
            )
            .select([
                col(ROW_NUMBER),
                col(iv.start).dt().strftime("%d/%m/%Y").alias("v"),
                col("_fin_prec").dt().strftime("%d/%m/%Y").alias("p"),
            ])
            // In the order of the file, as `rows` gives the values: the previous ends
            // below are zipped with them.
            .sort([ROW_NUMBER], Default::default())
            .collect()?;
        let previous: Vec<Option<String>> = found
            .column("p")?
            .str()?
            .iter()
            .map(|s| s.map(str::to_string))
            .collect();
        for ((line, value), end) in rows(found, "v")?.into_iter().zip(previous) {
            self.push(kind, table, iv.start, vec![(line, value)], |_| match &end {
                Some(end) => {
                    format!("commence avant la fin de la précédente de la même personne ({end}).")
                }
                None => "commence alors que la précédente de la même personne n'est pas terminée."
                    .to_string(),
            });
        }
        Ok(())
    }

    /// Rows of `table` whose day (or interval) no follow-up of the person covers within
    /// `slack`.
    fn outside_follow_ups(&mut self, table: Table, kind: FindingKind, slack: Slack) -> Result<()> {
        let (Some(frame), Some(follow_ups)) =
            (self.table(table), self.table(Table::Accompagnements))
        else {
            return Ok(());
        };
        let spec = table.spec();
        let (start, end) = match (&spec.interval, spec.date) {
            (Some(iv), _) => (iv.start, Some(iv.end)),
            (None, Some(date)) => (date, None),
            _ => return Ok(()),
        };
        let follow_ups = FollowUps::of(follow_ups)?;
        let rows_of = frame
            .filter(col("id_personne").is_not_null())
            .select([
                col(ROW_NUMBER),
                col("id_personne"),
                col(start),
                days_of(start).alias("_d"),
                days_of(end.unwrap_or(start)).alias("_f"),
            ])
            .collect()?;
        let outside: BooleanChunked = rows_of
            .column("id_personne")?
            .str()?
            .iter()
            .zip(rows_of.column("_d")?.i32()?.iter())
            .zip(rows_of.column("_f")?.i32()?.iter())
            .map(|((person, first), last)| {
                let covered = person
                    .zip(first)
                    .and_then(|(p, first)| follow_ups.covering(p, first, last, slack));
                Some(covered.is_none())
            })
            .collect();
        let found = rows_of
            .filter(&outside)?
            .lazy()
            .sort([ROW_NUMBER], Default::default())
            .select([
                col(ROW_NUMBER),
                col(start).dt().strftime("%d/%m/%Y").alias("v"),
            ])
            .collect()?;
        let tolerance = slack.before_entry;
        let message = if tolerance > 0 {
            format!(
                "en dehors de tout accompagnement de la personne (plus de {tolerance} jours avant l'entrée ou après la sortie)."
            )
        } else {
            "en dehors de tout accompagnement de la personne.".to_string()
        };
        self.push(kind, table, start, rows(found, "v")?, |_| message.clone());
        Ok(())
    }

    fn missing_snapshots(&mut self, period: Period) -> Result<()> {
        let (Some(follow_ups), Some(situations)) = (
            self.table(Table::Accompagnements),
            self.table(Table::Situations),
        ) else {
            return Ok(());
        };
        let active = col("date_entree").lt_eq(lit(period.end)).and(
            col("date_sortie")
                .is_null()
                .or(col("date_sortie").gt_eq(lit(period.start))),
        );
        let fa = follow_ups
            .filter(active)
            .group_by([col("id_personne")])
            .agg([col(ROW_NUMBER).min()]);
        let found = matching(
            fa,
            situations.filter(col("date").lt_eq(lit(period.end))),
            "id_personne",
            false,
        )
        .select([col(ROW_NUMBER), col("id_personne").alias("v")])
        .collect()?;
        self.push(FindingKind::MissingSnapshot, Table::Accompagnements, "id_personne", rows(found, "v")?, |_| {
            format!("personne de la file active sans aucune situation (droits, ressources) datée au plus tard du {}.", french(period.end))
        });
        Ok(())
    }
}

/// The checks across rows and tables, for a period, on the day the tool runs.
pub fn check(dataset: &Dataset, period: Period, today: NaiveDate) -> Result<Vec<Finding>> {
    let mut checker = Checker {
        dataset,
        findings: Vec::new(),
    };
    checker.future_dates(today)?;
    checker.implausible_ages()?;
    checker.unknown_references()?;
    checker.overlaps(Table::Accompagnements, FindingKind::OverlappingFollowUps)?;
    checker.overlaps(Table::Occupations, FindingKind::OverlappingOccupations)?;
    checker.outside_follow_ups(
        Table::Occupations,
        FindingKind::OccupationOutsideFollowUp,
        OCCUPATION,
    )?;
    checker.outside_follow_ups(
        Table::Interventions,
        FindingKind::InterventionOutsideFollowUp,
        INTERVENTION,
    )?;
    checker.missing_snapshots(period)?;
    Ok(checker.findings)
}

/// The count of findings by kind and of rows left out, so that the coordinator knows
/// before opening the outputs whether the figures stand on complete data.
pub fn summary(data: &Dataset) -> Vec<String> {
    if data.findings.is_empty() {
        return vec!["  Qualité des données : aucun constat.".to_string()];
    }
    let mut by_kind = std::collections::BTreeMap::new();
    for finding in &data.findings {
        *by_kind.entry(finding.kind).or_insert(0) += 1;
    }
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|(kind, n)| format!("{} : {n}", kind.label()))
        .collect();
    let mut lines = vec![format!("  Qualité des données : {}.", kinds.join(" ; "))];
    for (table, n) in &data.excluded {
        let rows = crate::format::count(
            *n as u64,
            "ligne inutilisable écartée",
            "lignes inutilisables écartées",
        );
        lines.push(format!("  Table {table} : {rows} de tous les calculs."));
    }
    lines
}
