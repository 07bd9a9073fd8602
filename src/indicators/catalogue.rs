//! The indicator catalogue: `indicators/*.toml`, embedded in the binary. Each group
//! file lists indicators whose computation is a list of blocks the engine evaluates;
//! `person-columns.toml` declares per-person columns built from the other tables. The
//! vocabulary is described in `indicators/README.md`.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow};
use include_dir::{Dir, include_dir};
use serde::Deserialize;

pub use super::expr::{Condition, Expression};
use crate::config::ProgrammeKind;
use crate::model::Table;

static CATALOGUE_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/indicators");

const PERSON_COLUMNS: &str = "person-columns.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFile {
    group: String,
    title: String,
    #[serde(rename = "indicator")]
    indicators: Vec<Indicator>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonColumnsFile {
    #[serde(rename = "column")]
    columns: Vec<PersonColumn>,
}

pub struct Group {
    pub code: String,
    /// The file name after the group letter (`activite` for `A-activite.toml`): names the
    /// section's template and the coordinator's text.
    pub slug: String,
    pub title: String,
    pub indicators: Vec<Indicator>,
}

pub struct Catalogue {
    pub groups: Vec<Group>,
    pub person_columns: Vec<PersonColumn>,
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
    /// Computed for the report period only, when the data carry no period of their
    /// own (a budget), with this note for the period before.
    pub current_period_only: Option<String>,
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
    /// numerator ÷ denominator × factor, published with both terms.
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
    /// By the codes of a column: rows, distinct values of `distinct`, a sum, or a rate
    /// of two sums.
    Breakdown {
        table: Table,
        #[serde(default)]
        filters: Vec<Condition>,
        column: String,
        /// The column whose code list applies, when `column` is derived from it.
        codes: Option<String>,
        distinct: Option<String>,
        sum: Option<Expression>,
        /// With `sum`: each code's value is Σ sum ÷ Σ denominator × factor.
        denominator: Option<Expression>,
        #[serde(default = "one")]
        factor: f64,
        /// Prefix of the modalités (`entree` gives `entree:puma_css`).
        prefix: Option<String>,
        /// Only these codes of the list (and no `non_renseigne` row).
        #[serde(default)]
        only: Vec<String>,
        unit: Option<String>,
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
        #[serde(default = "all_statistics")]
        statistics: Vec<Statistic>,
        #[serde(default)]
        buckets: Vec<Bucket>,
        prefix: Option<String>,
        #[serde(default)]
        programmes: Vec<ProgrammeKind>,
    },
    /// For each required column of each table provided, the share of rows about
    /// persons of the file active where it is filled and readable (`table.colonne`).
    Completeness {
        #[serde(default)]
        programmes: Vec<ProgrammeKind>,
    },
    /// The data-quality findings of the run, by kind.
    Findings {
        #[serde(default)]
        programmes: Vec<ProgrammeKind>,
    },
    /// The inner blocks for each month of the period, the month as period; with
    /// `since_opening`, each month from the programme's opening to the end of the period.
    Monthly {
        blocks: Vec<Block>,
        #[serde(default)]
        since_opening: bool,
        #[serde(default)]
        programmes: Vec<ProgrammeKind>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    Moyenne,
    Mediane,
    Effectif,
}

fn all_statistics() -> Vec<Statistic> {
    vec![Statistic::Moyenne, Statistic::Mediane, Statistic::Effectif]
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
    Mean(Mean),
    Count(Count),
    Constant(Constant),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mean {
    pub table: Table,
    #[serde(default)]
    pub filters: Vec<Condition>,
    /// Mean of a value over the rows where it is known.
    pub mean: Expression,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sum {
    pub table: Table,
    #[serde(default)]
    pub filters: Vec<Condition>,
    pub sum: Expression,
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

/// A value of the configuration and the period (`places * period_days`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constant {
    pub value: Expression,
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

/// A column of the person view, aggregated from the rows of another table that
/// concern the person.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonColumn {
    pub name: String,
    pub from: Table,
    #[serde(default)]
    pub filters: Vec<Condition>,
    pub aggregate: Aggregate,
    /// The value aggregated; for `first` and `last`, a column kept as it is.
    pub value: Option<Expression>,
    /// The column that orders rows for `first` and `last`.
    pub order: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    Count,
    Sum,
    Min,
    Max,
    First,
    Last,
}

impl Block {
    pub fn programmes(&self) -> &[ProgrammeKind] {
        match self {
            Block::Value { programmes, .. }
            | Block::Rate { programmes, .. }
            | Block::Breakdown { programmes, .. }
            | Block::Distribution { programmes, .. }
            | Block::Completeness { programmes, .. }
            | Block::Findings { programmes, .. }
            | Block::Monthly { programmes, .. } => programmes,
        }
    }

    /// The tables this block reads for a kind of programme.
    pub fn tables(&self, kind: ProgrammeKind, tables: &mut BTreeSet<Table>) {
        if !applies(self.programmes(), kind) {
            return;
        }
        let measure = |m: &Measure, tables: &mut BTreeSet<Table>| match m {
            Measure::Sum(s) => {
                tables.insert(s.table);
            }
            Measure::Mean(m) => {
                tables.insert(m.table);
            }
            Measure::Count(c) => {
                tables.insert(c.table);
            }
            Measure::Constant(_) => {}
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
            Block::Monthly { blocks, .. } => blocks.iter().for_each(|b| b.tables(kind, tables)),
            Block::Completeness { .. } | Block::Findings { .. } => {}
        }
    }
}

pub fn applies(programmes: &[ProgrammeKind], kind: ProgrammeKind) -> bool {
    programmes.is_empty() || programmes.contains(&kind)
}

impl Catalogue {
    pub fn load() -> Result<Catalogue> {
        let mut files: Vec<_> = CATALOGUE_DIR
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort_by_key(|f| f.path());
        let mut groups = Vec::new();
        let mut person_columns = Vec::new();
        let mut ids = BTreeSet::new();
        for file in files {
            let name = file.path().display().to_string();
            let text = file
                .contents_utf8()
                .ok_or_else(|| anyhow!("Catalogue « indicators/{name} » : pas en UTF-8."))?;
            let unreadable = || format!("Catalogue « indicators/{name} » illisible.");
            if name == PERSON_COLUMNS {
                let columns: PersonColumnsFile = toml::from_str(text).with_context(unreadable)?;
                person_columns = columns.columns;
                continue;
            }
            let group: GroupFile = toml::from_str(text).with_context(unreadable)?;
            for i in &group.indicators {
                if !ids.insert(i.id.clone()) {
                    return Err(anyhow!(
                        "Catalogue « indicators/{name} » : l'indicateur « {} » est déjà défini.",
                        i.id
                    ));
                }
            }
            let slug = file
                .path()
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.split_once('-'))
                .map(|(_, slug)| slug.to_string())
                .unwrap_or_default();
            groups.push(Group {
                code: group.group,
                slug,
                title: group.title,
                indicators: group.indicators,
            });
        }
        Ok(Catalogue {
            groups,
            person_columns,
        })
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

impl Indicator {
    /// The tables read by the blocks that apply to this kind of programme.
    pub fn tables(&self, kind: ProgrammeKind) -> BTreeSet<Table> {
        let mut tables = BTreeSet::new();
        self.computation
            .iter()
            .for_each(|b| b.tables(kind, &mut tables));
        tables
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
}
