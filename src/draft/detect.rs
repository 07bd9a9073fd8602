//! Which sheet holds which table of donnees.md, and which header which column: each
//! header scored against each canonical column by its name (the canonical one and the
//! usual ones) and by its values (dates, numbers, codes of the column's list), each sheet
//! against each table by the columns it has, then the sheets shared among programmes by
//! the persons they name.

use std::collections::BTreeSet;

use super::names::{column_spellings, table_names};
use super::scan::{ColumnStats, Sheet};
use super::similarity::{LabelMatch, match_label, nearness, words};
use crate::model::{
    CodeList, ColumnSpec, ColumnType, OUI_NON, Requirement, Table, TableSpec, fold,
};

/// A header taken for a canonical column, and why.
#[derive(Debug, Clone)]
pub struct ColumnGuess {
    pub column: &'static str,
    pub header: usize,
    pub score: f64,
    /// « ressemble à “date de sortie” ; 97 % des valeurs sont des dates ».
    pub evidence: String,
}

/// A sheet taken for a table, with its columns.
#[derive(Debug, Clone)]
pub struct TableGuess {
    pub table: Table,
    pub sheet: usize,
    pub score: f64,
    pub columns: Vec<ColumnGuess>,
    /// Required columns the sheet lacks.
    pub missing: Vec<&'static str>,
}

impl TableGuess {
    pub fn header_of(&self, column: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|c| c.column == column)
            .map(|c| c.header)
    }
}

/// Below this, a header is not taken for a column.
const COLUMN_THRESHOLD: f64 = 0.45;
/// Below this, a sheet is not taken for a table.
pub const TABLE_THRESHOLD: f64 = 0.55;
/// Two sheets within this score of each other for one table are a question.
pub const TIE: f64 = 0.1;
/// More distinct values than this and a column is no code column.
const MAX_CODES: usize = 60;

fn percent(share: f64) -> String {
    format!("{}\u{202f}%", (share * 100.0).round() as i64)
}

/// How well a column's values fit the canonical column's type (0 to 1), and what says so.
fn type_fit(kind: ColumnType, stats: &ColumnStats) -> (f64, String) {
    if stats.filled == 0 {
        return (0.5, "colonne vide".into());
    }
    let dates = stats.share(stats.dates);
    let fit = |share: f64, what: &str| {
        if share >= 0.9 {
            (
                1.0,
                format!("{} des valeurs sont des {what}", percent(share)),
            )
        } else {
            (
                0.0,
                format!("seules {} des valeurs sont des {what}", percent(share)),
            )
        }
    };
    match kind {
        ColumnType::Date => fit(dates, "dates"),
        ColumnType::Month => fit(stats.share(stats.months + stats.dates), "mois ou des dates"),
        ColumnType::Number => fit(stats.share(stats.numbers), "nombres"),
        ColumnType::Integer => fit(stats.share(stats.integers), "nombres entiers"),
        ColumnType::Code(list) | ColumnType::Codes(list) => {
            let several = matches!(kind, ColumnType::Codes(_));
            let distinct = distinct_codes(stats, several);
            if dates >= 0.5 || distinct > MAX_CODES {
                return (0.0, format!("{distinct} valeurs différentes"));
            }
            let known = recognised_share(list, several, stats);
            (
                0.4 + 0.6 * known,
                format!(
                    "{} des valeurs lues dans la liste des codes",
                    percent(known)
                ),
            )
        }
        ColumnType::Text if dates >= 0.9 => (0.0, "des dates, pas un texte".into()),
        ColumnType::Text => (1.0, String::new()),
    }
}

/// The share of the rows whose value (each of the codes of a list cell) is a code of
/// the list, known or guessed.
fn recognised_share(list: &'static CodeList, several: bool, stats: &ColumnStats) -> f64 {
    let mut known = 0;
    for (value, rows) in &stats.values {
        let parts = split_codes(value, several);
        if parts.iter().all(|p| {
            matches!(
                match_label(list, p),
                LabelMatch::Known(_) | LabelMatch::Guess { .. }
            )
        }) {
            known += rows;
        }
    }
    stats.share(known)
}

/// The distinct codes of a column: of its cells, or of the parts of its list cells
/// (« Infirmier, Travailleur social » is two of them).
fn distinct_codes(stats: &ColumnStats, several: bool) -> usize {
    let parts: BTreeSet<&str> = stats
        .values
        .keys()
        .flat_map(|v| split_codes(v, several))
        .collect();
    parts.len()
}

/// The codes of one cell: each of those a list cell holds, separated by `;` or `,`.
pub fn split_codes(value: &str, several: bool) -> Vec<&str> {
    if several {
        value
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    } else {
        vec![value]
    }
}

/// How well a header and its values stand for a canonical column.
fn column_score(column: &ColumnSpec, header: &str, stats: &ColumnStats) -> Option<(f64, String)> {
    let header_words = words(header);
    // (score, spelling, whether the header is the spelling itself)
    let mut name = (0.0, "", false);
    for spelling in column_spellings(column.name) {
        let same = fold(spelling) == fold(header);
        let score = if same {
            1.0
        } else {
            nearness(&header_words, &words(spelling)).score()
        };
        if score > name.0 || (same && !name.2) {
            name = (score, spelling, same);
        }
    }
    let (fit, fit_evidence) = type_fit(column.kind, stats);
    let said = |name_part: String| {
        [name_part, fit_evidence.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ; ")
    };
    let by_name = name.0 * fit;
    // A header that says nothing, over values of a list of its own (« F », « H »): the
    // values are the evidence. Oui/non is the list of too many columns to tell.
    let by_values = match column.kind {
        ColumnType::Code(list) | ColumnType::Codes(list) if !std::ptr::eq(list, &OUI_NON) => {
            let several = matches!(column.kind, ColumnType::Codes(_));
            // Identifiers and dates have thousands of values: none is read as a code.
            if distinct_codes(stats, several) <= MAX_CODES {
                let share = recognised_share(list, several, stats);
                if share >= 0.9 { 0.6 * share } else { 0.0 }
            } else {
                0.0
            }
        }
        _ => 0.0,
    };
    let (score, evidence) = if by_name >= by_values {
        let part = if name.2 {
            format!("en-tête égal à « {} »", name.1)
        } else {
            format!("ressemble à « {} »", name.1)
        };
        (by_name, said(part))
    } else {
        (by_values, said(String::new()))
    };
    (score >= COLUMN_THRESHOLD).then_some((score, evidence))
}

fn weight(column: &ColumnSpec) -> f64 {
    match column.requirement {
        Requirement::Essential => 3.0,
        Requirement::Required | Requirement::UnlessFilled(_) => 2.0,
        Requirement::Optional | Requirement::WhenFilled(_) => 1.0,
    }
}

/// The sheet read as the table: each header given to the column it stands for best,
/// the best pairs first; none when an essential column is missing.
pub fn guess_table(spec: &TableSpec, index: usize, sheet: &Sheet) -> Option<TableGuess> {
    let mut pairs: Vec<(f64, usize, usize, String)> = Vec::new();
    for (c, column) in spec.columns.iter().enumerate() {
        for (h, header) in sheet.headers.iter().enumerate() {
            if header.trim().is_empty() {
                continue;
            }
            if let Some((score, evidence)) = column_score(column, header, &sheet.columns[h]) {
                pairs.push((score, c, h, evidence));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut columns: Vec<ColumnGuess> = Vec::new();
    for (score, c, h, evidence) in pairs {
        let column = spec.columns[c].name;
        if columns.iter().any(|g| g.column == column || g.header == h) {
            continue;
        }
        columns.push(ColumnGuess {
            column,
            header: h,
            score,
            evidence,
        });
    }
    let found = |name: &str| columns.iter().find(|g| g.column == name).map(|g| g.score);
    let mut got = 0.0;
    let mut total = 0.0;
    let mut missing = Vec::new();
    for column in spec.columns {
        let score = found(column.name).unwrap_or(0.0);
        match column.requirement {
            Requirement::Essential if score == 0.0 => return None,
            Requirement::UnlessFilled(other) if score == 0.0 && found(other).is_some() => {
                // Its other column stands in for it: counted as found.
                got += weight(column);
                total += weight(column);
                continue;
            }
            Requirement::Required | Requirement::UnlessFilled(_) if score == 0.0 => {
                missing.push(column.name);
            }
            _ => {}
        }
        got += weight(column) * score;
        total += weight(column);
    }
    // The sheet's or the file's name is the table's: a hint, not a proof.
    let stem = sheet
        .file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let named = [sheet.sheet.as_deref().unwrap_or(stem), stem]
        .iter()
        .any(|n| {
            std::iter::once(spec.table.name())
                .chain(table_names(spec.table).iter().copied())
                .any(|t| nearness(&words(n), &words(t)).overlap >= 0.99)
        });
    let score = got / total + if named { 0.1 } else { 0.0 };
    Some(TableGuess {
        table: spec.table,
        sheet: index,
        score,
        columns,
        missing,
    })
}

/// Every sheet taken for every table it can be, a sheet keeping two tables only when
/// they read different columns of it (but the identifiers): the persons and their
/// follow-up can share one sheet, a visit's date is not a hospital stay's.
pub fn guesses(sheets: &[Sheet]) -> Vec<TableGuess> {
    let mut kept = Vec::new();
    for (index, sheet) in sheets.iter().enumerate() {
        let mut candidates: Vec<TableGuess> = Table::ALL
            .iter()
            .filter_map(|t| guess_table(t.spec(), index, sheet))
            .filter(|g| g.score >= TABLE_THRESHOLD)
            .collect();
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
        let mut used: BTreeSet<usize> = BTreeSet::new();
        for candidate in candidates {
            let own: BTreeSet<usize> = candidate
                .columns
                .iter()
                .filter(|c| !c.column.starts_with("id_"))
                .map(|c| c.header)
                .collect();
            if own.is_disjoint(&used) {
                used.extend(own);
                kept.push(candidate);
            }
        }
    }
    kept
}

/// The distinct values of a sheet's column taken for `column`.
pub fn ids<'s>(sheets: &'s [Sheet], guess: &TableGuess, column: &str) -> BTreeSet<&'s str> {
    guess.header_of(column).map_or_else(BTreeSet::new, |h| {
        sheets[guess.sheet].columns[h]
            .values
            .keys()
            .map(String::as_str)
            .collect()
    })
}

/// The share of `part` found in `whole` (0 for an empty part).
pub fn containment(part: &BTreeSet<&str>, whole: &BTreeSet<&str>) -> f64 {
    if part.is_empty() {
        0.0
    } else {
        part.intersection(whole).count() as f64 / part.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn stats(values: &[(&str, usize)], dates: usize) -> ColumnStats {
        let filled = values.iter().map(|v| v.1).sum();
        ColumnStats {
            filled,
            dates,
            values: values
                .iter()
                .map(|(v, n)| (v.to_string(), *n))
                .collect::<BTreeMap<_, _>>(),
            ..ColumnStats::default()
        }
    }

    /// A follow-up sheet of another software: « N° dossier » (ids), « Date d'entrée dans
    /// le dispositif », « Date de sortie » (10 dates each), « Motif de sortie » (labels
    /// of the list but one: 9 rows of 10 read, 90 %).
    #[test]
    fn a_follow_up_sheet_is_read_as_accompagnements() {
        let sheet = Sheet {
            file: "hope.xlsx".into(),
            sheet: Some("Parcours".into()),
            delimiter: None,
            headers: [
                "N° dossier",
                "Date d'entrée dans le dispositif",
                "Date de sortie",
                "Motif de sortie",
            ]
            .map(String::from)
            .to_vec(),
            columns: vec![
                stats(&[("A1", 5), ("A2", 5)], 0),
                stats(&[("x", 10)], 10),
                stats(&[("y", 10)], 10),
                stats(
                    &[("Perdu de vue", 6), ("Décès", 3), ("Réorientation CHRS", 1)],
                    0,
                ),
            ],
            rows: 10,
        };
        let guess = guess_table(Table::Accompagnements.spec(), 0, &sheet).unwrap();
        let header = |c| guess.header_of(c);
        assert_eq!(
            [
                header("id_personne"),
                header("date_entree"),
                header("date_sortie"),
                header("motif_sortie")
            ],
            [Some(0), Some(1), Some(2), Some(3)]
        );
        let motif = guess
            .columns
            .iter()
            .find(|c| c.column == "motif_sortie")
            .unwrap();
        // « Motif de sortie » is the spelling itself (1), times 0.4 + 0.6 × 0.9 = 0.94.
        assert!((motif.score - 0.94).abs() < 1e-9, "{motif:?}");
        assert_eq!(
            motif.evidence,
            "en-tête égal à « motif de sortie » ; 90\u{202f}% des valeurs lues dans la liste des codes"
        );
        assert!(guess.missing.is_empty());
        // The same sheet is no hospital stay: its type column is missing, and without
        // it the dates alone fall short of the threshold.
        let stays = guess_table(Table::Hospitalisations.spec(), 0, &sheet);
        assert!(stays.is_none_or(|g| g.score < TABLE_THRESHOLD));
    }
}
