//! Which follow-up of a person covers a day or an interval: one lookup for the checks
//! (a row outside every follow-up is a finding) and for the indicators (the follow-up a
//! row belongs to), each with its slack named.

use anyhow::Result;
use polars::prelude::*;

use crate::frames::days_of;

/// How far outside a follow-up a row may fall and still be in it, in days.
#[derive(Debug, Clone, Copy)]
pub struct Slack {
    pub before_entry: i32,
    pub after_exit: i32,
}

/// A day of presence: from the entry day, the exit day excluded.
pub const PRESENCE: Slack = Slack {
    before_entry: 0,
    after_exit: -1,
};

/// An occupation outside every follow-up is a finding only beyond 30 days before the
/// entry or after the exit (indicateurs.md, data quality).
pub const OCCUPATION: Slack = Slack {
    before_entry: 30,
    after_exit: 30,
};

/// An intervention happens within the follow-up, its exit day included.
pub const INTERVENTION: Slack = Slack {
    before_entry: 0,
    after_exit: 0,
};

/// Each person's follow-ups, as days since the epoch: entry and exit (none while open).
pub struct FollowUps(PlHashMap<String, Vec<(i32, Option<i32>)>>);

impl FollowUps {
    /// From the canonical `accompagnements` table; a follow-up without an entry covers
    /// nothing.
    pub fn of(follow_ups: LazyFrame) -> Result<FollowUps> {
        let frame = follow_ups
            .select([
                col("id_personne"),
                days_of("date_entree").alias("entree"),
                days_of("date_sortie").alias("sortie"),
            ])
            .collect()?;
        let mut by_person: PlHashMap<String, Vec<_>> = PlHashMap::default();
        let persons = frame.column("id_personne")?.str()?;
        let entries = frame.column("entree")?.i32()?;
        let exits = frame.column("sortie")?.i32()?;
        for ((person, entry), exit) in persons.iter().zip(entries.iter()).zip(exits.iter()) {
            if let (Some(person), Some(entry)) = (person, entry) {
                by_person
                    .entry(person.to_string())
                    .or_default()
                    .push((entry, exit));
            }
        }
        Ok(FollowUps(by_person))
    }

    /// The entry of the follow-up of `person` that covers the days `first` to `last`
    /// within `slack` (the latest entry when several do), none outside them all. An
    /// interval without a last day is covered only by an open follow-up.
    pub fn covering(
        &self,
        person: &str,
        first: i32,
        last: Option<i32>,
        slack: Slack,
    ) -> Option<i32> {
        self.0
            .get(person)?
            .iter()
            .filter(|(entry, exit)| {
                first >= entry - slack.before_entry
                    && exit.is_none_or(|exit| last.is_some_and(|l| l <= exit + slack.after_exit))
            })
            .map(|(entry, _)| *entry)
            .max()
    }
}
