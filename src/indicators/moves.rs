//! The moves between the programmes of one site: persons whose follow-up in one
//! programme ends and who enter another within 30 days (from the Village to the
//! Logement d'abord, the Nancy site's main story), by the day of their entry.

use anyhow::Result;
use polars::prelude::*;

use crate::frames::{day_number, days_of};
use crate::ingest::Dataset;
use crate::model::Table;
use crate::period::Period;

/// An entry this many days or fewer after the exit from another programme is a move.
pub const WITHIN_DAYS: i32 = 30;

/// The persons moving from one programme to another (indices in the list given), in
/// each period: the period, then the period before.
#[derive(Debug, PartialEq)]
pub struct Move {
    pub from: usize,
    pub to: usize,
    pub persons: [u32; 2],
}

/// A programme's follow-ups as day numbers: `id_personne`, `entree`, `sortie`.
fn follow_ups(data: &Dataset) -> Option<LazyFrame> {
    let table = data.tables.get(&Table::Accompagnements)?;
    Some(table.clone().lazy().select([
        col("id_personne"),
        days_of("date_entree").alias("entree"),
        days_of("date_sortie").alias("sortie"),
    ]))
}

/// The persons entering `to` in the period within the days after an exit from `from`.
fn moved(from: &LazyFrame, to: &LazyFrame, period: Period) -> Result<u32> {
    let exits = from
        .clone()
        .select([col("id_personne"), col("sortie")])
        .filter(col("sortie").is_not_null());
    let entries = to
        .clone()
        .select([col("id_personne"), col("entree")])
        .filter(
            col("entree")
                .gt_eq(lit(day_number(period.start)))
                .and(col("entree").lt_eq(lit(day_number(period.end)))),
        );
    let gap = col("entree") - col("sortie");
    let persons = entries
        .join(
            exits,
            [col("id_personne")],
            [col("id_personne")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(gap.clone().gt_eq(lit(0)).and(gap.lt_eq(lit(WITHIN_DAYS))))
        .select([col("id_personne").n_unique()])
        .collect()?;
    Ok(persons
        .column("id_personne")?
        .cast(&DataType::UInt32)?
        .u32()?
        .get(0)
        .unwrap_or(0))
}

/// The moves between every two programmes of a site, in the order of the programmes;
/// a pair nobody moved between in either period is left out. A person counts once per
/// pair and period, whatever the number of moves.
pub fn between(datasets: &[&Dataset], periods: [Period; 2]) -> Result<Vec<Move>> {
    let all: Vec<Option<LazyFrame>> = datasets.iter().map(|d| follow_ups(d)).collect();
    let mut moves = Vec::new();
    for (from, a) in all.iter().enumerate() {
        for (to, b) in all.iter().enumerate().filter(|(to, _)| *to != from) {
            let (Some(a), Some(b)) = (a, b) else { continue };
            let persons = [moved(a, b, periods[0])?, moved(a, b, periods[1])?];
            if persons != [0, 0] {
                moves.push(Move { from, to, persons });
            }
        }
    }
    Ok(moves)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn follow_ups(rows: &[(&str, &str, Option<&str>)]) -> Dataset {
        let entries: Vec<Option<NaiveDate>> = rows.iter().map(|r| Some(day(r.1))).collect();
        let exits: Vec<Option<NaiveDate>> = rows.iter().map(|r| r.2.map(day)).collect();
        let frame = df!(
            "id_personne" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            "date_entree" => entries,
            "date_sortie" => exits,
        )
        .unwrap();
        let mut data = Dataset::default();
        data.tables.insert(Table::Accompagnements, frame);
        data
    }

    /// A leaves the Village on 31 January 2025 and enters the Logement d'abord 30 days
    /// later (2 March): a move of 2025. B enters 31 days after leaving (1 April after
    /// 1 March): none. C leaves on 20 December 2024 and enters on 5 January 2025: a move
    /// of 2025, by its entry. E moves within 2024 (1 → 10 May). D enters without having
    /// been in the Village. Nobody goes the other way: that pair is left out.
    #[test]
    fn moves_within_thirty_days_by_their_entry() {
        let village = follow_ups(&[
            ("A", "2024-03-01", Some("2025-01-31")),
            ("B", "2024-03-01", Some("2025-03-01")),
            ("C", "2024-03-01", Some("2024-12-20")),
            ("E", "2024-03-01", Some("2024-05-01")),
        ]);
        let housing = follow_ups(&[
            ("A", "2025-03-02", None),
            ("B", "2025-04-01", None),
            ("C", "2025-01-05", None),
            ("D", "2024-06-01", None),
            ("E", "2024-05-10", Some("2025-06-30")),
        ]);
        let year = Period::year(2025).unwrap();
        let moves = between(&[&village, &housing], [year, year.previous()]).unwrap();
        assert_eq!(
            moves,
            [Move {
                from: 0,
                to: 1,
                persons: [2, 1]
            }]
        );
    }
}
