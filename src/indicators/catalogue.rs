//! The indicator catalogue: `indicators/*.toml`, embedded in the binary, one file per
//! group. Each entry describes its computation as blocks the engine evaluates; see
//! `indicators/README.md` for the vocabulary.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow};
use include_dir::{Dir, include_dir};
use serde::Deserialize;

use crate::config::ProgrammeKind;
use crate::model::Table;

static CATALOGUE_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/indicators");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFile {
    group: String,
    title: String,
    #[serde(rename = "indicator")]
    indicators: Vec<Indicator>,
}

pub struct Group {
    pub code: String,
    pub title: String,
    pub indicators: Vec<Indicator>,
}

pub struct Catalogue {
    pub groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub label: String,
    pub unit: String,
    /// The population the figure is computed over, in words.
    pub population: String,
    pub definition: String,
    /// Programme kinds it applies to; empty means all.
    #[serde(default)]
    pub programmes: Vec<ProgrammeKind>,
    /// Display labels of named modalités (`dont_readmissions` → « dont réadmissions »).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub computation: Vec<Block>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Block {
    /// One figure.
    Value {
        #[serde(default = "total")]
        modality: String,
        measure: Measure,
        unit: Option<String>,
        #[serde(default)]
        programmes: Vec<ProgrammeKind>,
    },
    /// numerateur ÷ denominateur × facteur, published with both terms.
    Rate {
        #[serde(default = "total")]
        modality: String,
        numerator: Measure,
        denominator: Measure,
        #[serde(default = "one")]
        factor: f64,
        unit: Option<String>,
        #[serde(default)]
        programmes: Vec<ProgrammeKind>,
    },
    /// Rows (or distinct values of `distinct`) by the codes of a column.
    Breakdown {
        table: Table,
        #[serde(default)]
        filters: Vec<Condition>,
        column: String,
        distinct: Option<String>,
        #[serde(default)]
        programmes: Vec<ProgrammeKind>,
    },
    /// Mean, median and buckets of a value over the selected rows.
    Distribution {
        table: Table,
        #[serde(default)]
        filters: Vec<Condition>,
        value: Expression,
        /// Unit of the mean and median (the counts take the indicator's unit).
        value_unit: String,
        #[serde(default)]
        buckets: Vec<Bucket>,
        #[serde(default)]
        programmes: Vec<ProgrammeKind>,
    },
    /// The inner blocks for each month of the period, the month as period.
    Monthly {
        blocks: Vec<Block>,
        #[serde(default)]
        programmes: Vec<ProgrammeKind>,
    },
}

fn total() -> String {
    "total".to_string()
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Measure {
    Sum(Sum),
    Count(Count),
    Parameters(Parameters),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sum {
    pub table: Table,
    #[serde(default)]
    pub filters: Vec<Condition>,
    pub sum: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub table: Table,
    #[serde(default)]
    pub filters: Vec<Condition>,
    /// Count the distinct values of this column instead of the rows.
    pub distinct: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameters {
    pub product: Vec<Parameter>,
}

/// Values of the site configuration and of the period.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parameter {
    Places,
    PeriodDays,
    VisitTarget,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    pub label: String,
    /// Lower bound, included; none for the first bucket.
    pub from: Option<f64>,
    /// Upper bound, excluded; none for the last bucket.
    pub to: Option<f64>,
}

/// A row filter: `colonne` (true), `!colonne` (false), `colonne = a|b`,
/// `colonne != a|b`, `colonne filled`.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub enum Condition {
    IsTrue(String),
    IsFalse(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Filled(String),
}

impl TryFrom<String> for Condition {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let values = |v: &str| {
            v.split('|')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            [c] if c.starts_with('!') => Ok(Condition::IsFalse(c[1..].to_string())),
            [c] => Ok(Condition::IsTrue(c.to_string())),
            [c, "filled"] => Ok(Condition::Filled(c.to_string())),
            [c, "=", v] => Ok(Condition::In(c.to_string(), values(v))),
            [c, "!=", v] => Ok(Condition::NotIn(c.to_string(), values(v))),
            _ => Err(format!("condition « {text} » illisible")),
        }
    }
}

/// A value per row: a column, or the difference in days of two dates, where `d` and
/// `f` stand for the first and last days of the period (`date_sortie - date_entree`).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct Expression {
    pub left: Term,
    pub right: Option<Term>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    ColumnSpec(String),
    Start,
    End,
}

impl TryFrom<String> for Expression {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let term = |t: &str| match t.trim() {
            "d" => Term::Start,
            "f" => Term::End,
            c => Term::ColumnSpec(c.to_string()),
        };
        let (left, right) = match text.split_once(" - ") {
            Some((g, d)) => (term(g), Some(term(d))),
            None => (term(&text), None),
        };
        if matches!(&left, Term::ColumnSpec(c) if c.is_empty() || c.contains(' ')) {
            return Err(format!("expression « {text} » illisible"));
        }
        Ok(Expression { left, right })
    }
}

impl Block {
    pub fn programmes(&self) -> &[ProgrammeKind] {
        match self {
            Block::Value { programmes, .. }
            | Block::Rate { programmes, .. }
            | Block::Breakdown { programmes, .. }
            | Block::Distribution { programmes, .. }
            | Block::Monthly { programmes, .. } => programmes,
        }
    }

    /// The tables this block reads.
    pub fn tables(&self, tables: &mut BTreeSet<Table>) {
        let measure = |m: &Measure, tables: &mut BTreeSet<Table>| match m {
            Measure::Sum(s) => {
                tables.insert(s.table);
            }
            Measure::Count(c) => {
                tables.insert(c.table);
            }
            Measure::Parameters(_) => {}
        };
        match self {
            Block::Value { measure: m, .. } => measure(m, tables),
            Block::Rate {
                numerator,
                denominator,
                ..
            } => {
                measure(numerator, tables);
                measure(denominator, tables);
            }
            Block::Breakdown { table, .. } | Block::Distribution { table, .. } => {
                tables.insert(*table);
            }
            Block::Monthly { blocks, .. } => blocks.iter().for_each(|b| b.tables(tables)),
        }
    }
}

pub fn applies(programmes: &[ProgrammeKind], kind: ProgrammeKind) -> bool {
    programmes.is_empty() || programmes.contains(&kind)
}

impl Indicator {
    pub fn tables(&self) -> BTreeSet<Table> {
        let mut tables = BTreeSet::new();
        self.computation.iter().for_each(|b| b.tables(&mut tables));
        tables
    }
}

impl Catalogue {
    pub fn load() -> Result<Catalogue> {
        let mut files: Vec<_> = CATALOGUE_DIR
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort_by_key(|f| f.path());
        let mut groups = Vec::new();
        let mut ids = BTreeSet::new();
        for file in files {
            let name = file.path().display();
            let text = file
                .contents_utf8()
                .ok_or_else(|| anyhow!("Catalogue « indicators/{name} » : pas en UTF-8."))?;
            let group: GroupFile = toml::from_str(text)
                .with_context(|| format!("Catalogue « indicators/{name} » illisible."))?;
            for i in &group.indicators {
                if !ids.insert(i.id.clone()) {
                    return Err(anyhow!(
                        "Catalogue « indicators/{name} » : l'indicateur « {} » est déjà défini.",
                        i.id
                    ));
                }
            }
            groups.push(Group {
                code: group.group,
                title: group.title,
                indicators: group.indicators,
            });
        }
        Ok(Catalogue { groups })
    }

    pub fn indicators(&self) -> impl Iterator<Item = (&Group, &Indicator)> {
        self.groups
            .iter()
            .flat_map(|g| g.indicators.iter().map(move |i| (g, i)))
    }

    pub fn lookup(&self, id: &str) -> Option<(&Group, &Indicator)> {
        self.indicators().find(|(_, i)| i.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_loads() {
        let catalogue = Catalogue::load().unwrap();
        assert!(catalogue.lookup("file_active").is_some());
        assert!(catalogue.lookup("profil_age").is_some());
    }

    #[test]
    fn conditions() {
        assert!(
            matches!(Condition::try_from("actif".to_string()), Ok(Condition::IsTrue(c)) if c == "actif")
        );
        assert!(
            matches!(Condition::try_from("!premier".to_string()), Ok(Condition::IsFalse(c)) if c == "premier")
        );
        assert!(matches!(
            Condition::try_from("mode = sdt|sdre".to_string()),
            Ok(Condition::In(c, v)) if c == "mode" && v == ["sdt", "sdre"]
        ));
        assert!(Condition::try_from("a b c d".to_string()).is_err());
    }
}
