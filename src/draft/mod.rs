//! A first configuration of a new site drafted from a folder of its exports: which
//! sheet holds which table of donnees.md ([`detect`]), which header stands for which
//! column and which label for which code ([`similarity`], [`names`]), the programmes told
//! apart by the persons they follow, and the drafts of `bilan.toml` and of the import
//! profile written with every guess's evidence and every question left to the
//! coordinator ([`write`]).

pub mod detect;
pub mod names;
pub mod scan;
pub mod similarity;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

use crate::model::{ColumnType, Table, fold};
use detect::{TableGuess, containment, ids};
use scan::Sheet;
use similarity::LabelMatch;

/// What `bilan init` found in a folder.
pub struct Draft {
    pub sheets: Vec<Sheet>,
    pub programmes: Vec<ProgrammeDraft>,
    /// The files that could not be read, with the reader's message.
    pub unreadable: Vec<String>,
}

pub struct ProgrammeDraft {
    pub id: String,
    pub sources: BTreeMap<Table, Source>,
}

/// Where a table of a programme comes from.
pub enum Source {
    Found(TableGuess),
    /// Several sheets could be it: a question, not a guess.
    Ambiguous(Vec<TableGuess>),
}

impl ProgrammeDraft {
    /// The first day of a follow-up: the opening is on it or before.
    pub fn first_entry(&self, sheets: &[Sheet]) -> Option<NaiveDate> {
        self.date_bound(sheets, "date_entree", |s| s.first_date)
    }

    /// The last date of the follow-ups and visits: the period checked ends in its year.
    pub fn last_date(&self, sheets: &[Sheet]) -> Option<NaiveDate> {
        [
            (Table::Accompagnements, "date_entree"),
            (Table::Accompagnements, "date_sortie"),
            (Table::Interventions, "date"),
        ]
        .iter()
        .filter_map(|(table, column)| {
            let Some(Source::Found(g)) = self.sources.get(table) else {
                return None;
            };
            sheets[g.sheet].columns[g.header_of(column)?].last_date
        })
        .max()
    }

    fn date_bound(
        &self,
        sheets: &[Sheet],
        column: &str,
        bound: impl Fn(&scan::ColumnStats) -> Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        let Some(Source::Found(g)) = self.sources.get(&Table::Accompagnements) else {
            return None;
        };
        bound(&sheets[g.sheet].columns[g.header_of(column)?])
    }
}

/// Reads the folder and drafts its programmes.
pub fn draft(folder: &Path) -> Result<Draft> {
    let (sheets, unreadable) = scan::scan(folder)?;
    let guesses = detect::guesses(&sheets);
    let programmes = programmes(folder, &sheets, guesses);
    Ok(Draft {
        sheets,
        programmes,
        unreadable,
    })
}

/// An identifier for a programme from a name: folded, words joined by `_`.
fn slug(name: &str) -> String {
    let folded = fold(name);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        "dispositif".into()
    } else {
        words.join("_")
    }
}

/// The persons two follow-up sheets share beyond this share are the same programme's:
/// two sheets for one table, a question.
const SAME_PERSONS: f64 = 0.5;

/// The programmes of the folder: one per follow-up sheet of persons of its own (the
/// Village and the Logement d'abord of one association), each other sheet going with the
/// programme whose persons (or flats) it names most.
fn programmes(folder: &Path, sheets: &[Sheet], guesses: Vec<TableGuess>) -> Vec<ProgrammeDraft> {
    let mut by_table: BTreeMap<Table, Vec<TableGuess>> = BTreeMap::new();
    for guess in guesses {
        by_table.entry(guess.table).or_default().push(guess);
    }
    for candidates in by_table.values_mut() {
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    }
    // The follow-up sheets, grouped when they follow the same persons.
    let follow_ups = by_table.remove(&Table::Accompagnements).unwrap_or_default();
    let mut groups: Vec<Vec<TableGuess>> = Vec::new();
    for guess in follow_ups {
        let persons = ids(sheets, &guess, "id_personne");
        let same = groups.iter_mut().find(|group| {
            let other = ids(sheets, &group[0], "id_personne");
            containment(&persons, &other) > SAME_PERSONS
                || containment(&other, &persons) > SAME_PERSONS
        });
        match same {
            Some(group) => group.push(guess),
            None => groups.push(vec![guess]),
        }
    }
    let folder_name = folder
        .canonicalize()
        .ok()
        .and_then(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let several = groups.len() > 1;
    let mut programmes: Vec<ProgrammeDraft> = groups
        .into_iter()
        .map(|group| {
            let id = if several {
                let stem = sheets[group[0].sheet]
                    .file
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned());
                slug(&stem.unwrap_or_default())
            } else {
                slug(&folder_name)
            };
            let source = source_of(group);
            ProgrammeDraft {
                id,
                sources: BTreeMap::from([(Table::Accompagnements, source)]),
            }
        })
        .collect();
    if programmes.is_empty() {
        programmes.push(ProgrammeDraft {
            id: slug(&folder_name),
            sources: BTreeMap::new(),
        });
    }
    dedupe_ids(&mut programmes);
    // The persons of each programme, then its flats once its leases are placed.
    let persons: Vec<BTreeSet<&str>> = programmes
        .iter()
        .map(|p| match p.sources.get(&Table::Accompagnements) {
            Some(Source::Found(g)) => ids(sheets, g, "id_personne"),
            Some(Source::Ambiguous(gs)) => gs
                .iter()
                .flat_map(|g| ids(sheets, g, "id_personne"))
                .collect(),
            None => BTreeSet::new(),
        })
        .collect();
    let anchors: Vec<Option<PathBuf>> = programmes
        .iter()
        .map(|p| match p.sources.get(&Table::Accompagnements) {
            Some(Source::Found(g)) => Some(sheets[g.sheet].file.clone()),
            _ => None,
        })
        .collect();
    let mut placed: Vec<BTreeMap<Table, Vec<TableGuess>>> = vec![BTreeMap::new(); programmes.len()];
    let mut flats: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); programmes.len()];
    // Tables naming persons first, so that the flats of the leases are known.
    let order = |t: &Table| match t {
        Table::Logements | Table::Effectifs | Table::Budget => 1,
        _ => 0,
    };
    let mut tables: Vec<(Table, Vec<TableGuess>)> = by_table.into_iter().collect();
    tables.sort_by_key(|(t, _)| order(t));
    for (table, candidates) in tables {
        for guess in candidates {
            let named_persons = ids(sheets, &guess, "id_personne");
            let named_flats = ids(sheets, &guess, "id_logement");
            let file = &sheets[guess.sheet].file;
            let fit = |i: usize| {
                let by_persons = containment(&named_persons, &persons[i]);
                let by_flats = containment(&named_flats, &flats[i]);
                let same_file = if anchors[i].as_ref() == Some(file) {
                    0.01
                } else {
                    0.0
                };
                by_persons.max(by_flats) + same_file
            };
            let best = (0..programmes.len())
                .max_by(|a, b| fit(*a).total_cmp(&fit(*b)).then(b.cmp(a)))
                .unwrap_or(0);
            if table == Table::Occupations {
                flats[best].extend(named_flats.iter().copied());
            }
            placed[best].entry(table).or_default().push(guess);
        }
    }
    for (programme, tables) in programmes.iter_mut().zip(placed) {
        for (table, candidates) in tables {
            programme.sources.insert(table, source_of(candidates));
        }
    }
    programmes
}

/// One sheet for a table, or a question when another comes within [`detect::TIE`] of it.
fn source_of(mut candidates: Vec<TableGuess>) -> Source {
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let best = candidates[0].score;
    let mut close: Vec<TableGuess> = candidates
        .into_iter()
        .filter(|c| c.score >= best - detect::TIE)
        .collect();
    if close.len() == 1 {
        Source::Found(close.remove(0))
    } else {
        Source::Ambiguous(close)
    }
}

/// Two programmes named alike get `_2`, `_3`…
fn dedupe_ids(programmes: &mut [ProgrammeDraft]) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for programme in programmes {
        let n = seen.entry(programme.id.clone()).or_default();
        *n += 1;
        if *n > 1 {
            programme.id = format!("{}_{n}", programme.id);
        }
    }
}

/// What the profile says of one distinct value of a code column.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueDraft {
    pub label: String,
    pub rows: usize,
    pub outcome: LabelMatch,
}

/// The distinct values of a code column of a sheet that need a line of the profile (or a
/// decision), most frequent first: each part of a list cell on its own.
pub fn values_of(guess: &TableGuess, column: &str, sheets: &[Sheet]) -> Vec<ValueDraft> {
    let Some(spec) = guess.table.spec().column(column) else {
        return Vec::new();
    };
    let (list, several) = match spec.kind {
        ColumnType::Code(list) => (list, false),
        ColumnType::Codes(list) => (list, true),
        _ => return Vec::new(),
    };
    let Some(header) = guess.header_of(column) else {
        return Vec::new();
    };
    let mut rows: BTreeMap<&str, usize> = BTreeMap::new();
    for (value, n) in &sheets[guess.sheet].columns[header].values {
        for part in detect::split_codes(value, several) {
            *rows.entry(part).or_default() += n;
        }
    }
    let mut drafts: Vec<ValueDraft> = rows
        .into_iter()
        .map(|(label, rows)| ValueDraft {
            label: label.to_string(),
            rows,
            outcome: similarity::match_label(list, label),
        })
        .filter(|v| !matches!(v.outcome, LabelMatch::Known(_)))
        .collect();
    drafts.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.label.cmp(&b.label)));
    drafts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two files of follow-ups of the same three persons (P1, P2, P3): either could be
    /// `accompagnements`, their scores are equal (same headers), and they share all their
    /// persons — one programme, and a question instead of a guess.
    #[test]
    fn two_follow_up_files_of_the_same_persons_are_a_question() {
        let dir = tempfile::tempdir().unwrap();
        let text = "id_personne;date_entree;date_sortie;motif_sortie\n\
                    P1;01/02/2024;;\nP2;01/03/2024;30/06/2025;deces\nP3;01/04/2024;;\n";
        std::fs::write(dir.path().join("suivis_2024.csv"), text).unwrap();
        std::fs::write(dir.path().join("suivis_2025.csv"), text).unwrap();
        let draft = draft(dir.path()).unwrap();
        assert_eq!(draft.programmes.len(), 1);
        let Some(Source::Ambiguous(candidates)) =
            draft.programmes[0].sources.get(&Table::Accompagnements)
        else {
            panic!("a question was expected");
        };
        assert_eq!(candidates.len(), 2);
        let config = write::config(&draft, &write::Mode::Draft { data: dir.path() }, dir.path());
        assert!(
            config.contains("accompagnements = \"À RENSEIGNER\"")
                && config.contains("# accompagnements = \"suivis_2024.csv\"")
                && config.contains("# accompagnements = \"suivis_2025.csv\""),
            "{config}"
        );
        assert!(
            write::decisions(&draft)
                .iter()
                .any(|d| d.contains("plusieurs feuilles peuvent l'être")),
        );
    }
}
