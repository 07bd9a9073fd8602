//! The indicator catalogue: `indicators/*.toml`, embedded in the binary, plus the
//! folder a site names in its configuration (`catalogue = "…"`). A file may declare a
//! group of indicators (whose computation is a list of blocks the engine evaluates),
//! person columns (per-person aggregates of other tables), named populations (filter
//! lists with parameters), and the key figures and charts of the report. Everything is
//! checked when loaded (`check.rs`). The vocabulary is described in `indicators/README.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, anyhow};
use include_dir::{Dir, include_dir};
use serde::Deserialize;

pub use super::expr::{Condition, Expression};
use crate::model::ProgrammeKind;
use crate::model::Table;

static CATALOGUE_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/indicators");

/// One file of the catalogue, built-in or a site's; every part is optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    group: Option<String>,
    title: Option<String>,
    #[serde(default, rename = "indicator")]
    indicators: Vec<Indicator>,
    #[serde(default, rename = "column")]
    person_columns: Vec<PersonColumn>,
    #[serde(default, rename = "population")]
    populations: Vec<Population>,
    #[serde(default, rename = "key_figure")]
    key_figures: Vec<KeyFigure>,
    #[serde(default, rename = "chart")]
    charts: Vec<Chart>,
    /// Indicators whose table is too long for the report: in the workbook only.
    #[serde(default)]
    workbook_only: Vec<String>,
    /// Codes that concern some kinds of programme only (`cej`, the youth contract).
    #[serde(default)]
    codes_of_kinds: BTreeMap<String, Vec<ProgrammeKind>>,
    /// The figures of a site's page, for a site of several programmes.
    #[serde(default)]
    site_figures: Vec<String>,
}

/// A named list of filters with parameters: `cohorte_maintien(365)` in a filter list
/// stands for its filters, each parameter replaced by the value given.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    pub name: String,
    #[serde(default)]
    pub parameters: Vec<String>,
    pub filters: Vec<Condition>,
    #[serde(skip)]
    pub source: String,
}

/// A figure of the « Chiffres clés » table, in the order declared.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFigure {
    pub indicator: String,
    #[serde(default = "total")]
    pub modality: String,
    /// The label in the table; the indicator's label when absent.
    pub label: Option<String>,
    /// A figure it is compared with, `INDICATEUR.MODALITE` (the visit target).
    pub target: Option<String>,
    /// Programme kinds it is a key figure of; empty means all.
    #[serde(default)]
    pub programmes: Vec<ProgrammeKind>,
    #[serde(skip)]
    pub source: String,
}

/// A chart's reference that draws the places in force each month, not a figure.
pub const PLACES_LINE: &str = "places";

/// A chart of the report, drawn in the part of its indicator's group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    pub indicator: String,
    pub kind: ChartKind,
    pub title: String,
    /// `monthly`: the modalité whose months are drawn (`total` for a monthly value).
    #[serde(default = "total")]
    pub series: String,
    /// `monthly`: a dashed line at the places in force each month ([`PLACES_LINE`]), or
    /// at a figure `INDICATEUR.MODALITE`.
    pub reference: Option<String>,
    /// `periods`: the indicators whose totals are drawn, N then N-1, with their labels.
    #[serde(default)]
    pub compare: Vec<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    /// Who the chart counts, after the programme's name under it; the indicator's
    /// population when absent.
    pub champ: Option<String>,
    /// How to read the chart, on one of its bars: a sentence with `{mot}` filled in from
    /// the published figures (see [`Chart::lecture_words`]).
    pub lecture: Option<String>,
    /// Drawn on the programme's synthesis page rather than in its indicator's part.
    #[serde(default)]
    pub synthese: bool,
    #[serde(skip)]
    pub source: String,
}

impl Chart {
    /// The words a `lecture` of this chart may use: the period, then those of the bar
    /// read (the last month published, the largest bar, the first rate).
    pub fn lecture_words(&self) -> &'static [&'static str] {
        match self.kind {
            ChartKind::Monthly if self.reference.is_some() => {
                &["periode", "mois", "nombre", "valeur", "reference"]
            }
            ChartKind::Monthly => &["periode", "mois", "nombre", "valeur"],
            ChartKind::Bars => &["periode", "modalite", "nombre", "valeur", "total", "part"],
            ChartKind::Periods => &["periode", "valeur", "precedent", "periode_precedente"],
        }
    }
}

/// The `{mot}` of a `lecture` text.
pub fn placeholders(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// One bar per month of a monthly series.
    Monthly,
    /// One bar per code (or bucket) of a breakdown or a distribution, for the period.
    Bars,
    /// One bar per indicator of `compare` and per period.
    Periods,
}

pub struct Group {
    pub code: String,
    /// The file name after the group letter (`activite` for `A-activite.toml`): names the
    /// section's template and the coordinator's text.
    pub slug: String,
    pub title: String,
    pub indicators: Vec<Indicator>,
}

impl Group {
    /// Whether one of its indicators counts the findings: its sheet of the workbook lists
    /// them too.
    pub fn counts_findings(&self) -> bool {
        self.indicators.iter().any(|i| {
            i.computation
                .iter()
                .any(|b| matches!(b, Block::Findings { .. }))
        })
    }
}

pub struct Catalogue {
    /// A hash of every file of the catalogue, built-in and site's: two results can be put
    /// together only when computed with the same definitions.
    pub version: String,
    pub groups: Vec<Group>,
    pub person_columns: Vec<PersonColumn>,
    pub key_figures: Vec<KeyFigure>,
    pub charts: Vec<Chart>,
    /// Indicators whose table the report leaves to the workbook, with a sentence.
    pub workbook_only: Vec<String>,
    /// Codes that concern some kinds of programme only: in another kind's report, a row
    /// of one of them is left out when it is zero (or empty) in both periods.
    pub codes_of_kinds: BTreeMap<String, Vec<ProgrammeKind>>,
    /// The totals set side by side on the page of a site of several programmes.
    pub site_figures: Vec<String>,
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
    /// The catalogue file it comes from, for messages.
    #[serde(skip)]
    pub source: String,
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
        /// Only for a programme whose places are a dated history: with one number, the
        /// figure would repeat another.
        #[serde(default)]
        with_places_history: bool,
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

/// A value of the configuration and the period (`capacity_days / period_days`).
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
    #[serde(skip)]
    pub source: String,
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

impl Measure {
    pub fn table(&self) -> Option<Table> {
        match self {
            Measure::Sum(s) => Some(s.table),
            Measure::Mean(m) => Some(m.table),
            Measure::Count(c) => Some(c.table),
            Measure::Constant(_) => None,
        }
    }

    fn filters_mut(&mut self) -> Option<&mut Vec<Condition>> {
        match self {
            Measure::Sum(s) => Some(&mut s.filters),
            Measure::Mean(m) => Some(&mut m.filters),
            Measure::Count(c) => Some(&mut c.filters),
            Measure::Constant(_) => None,
        }
    }
}

impl Block {
    /// Every filter list of the block, its measures' and inner blocks' included.
    pub fn filters_mut(&mut self, f: &mut dyn FnMut(&mut Vec<Condition>)) {
        match self {
            Block::Value { measure, .. } => measure.filters_mut().into_iter().for_each(f),
            Block::Rate {
                numerator,
                denominator,
                ..
            } => {
                numerator.filters_mut().into_iter().for_each(&mut *f);
                denominator.filters_mut().into_iter().for_each(f);
            }
            Block::Breakdown { filters, .. } | Block::Distribution { filters, .. } => f(filters),
            Block::Monthly { blocks, .. } => blocks.iter_mut().for_each(|b| b.filters_mut(f)),
            Block::Completeness { .. } | Block::Findings { .. } => {}
        }
    }

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

    /// Whether the block is computed for this programme.
    pub fn applies_to(&self, programme: &crate::config::Programme) -> bool {
        let history_only = matches!(
            self,
            Block::Value {
                with_places_history: true,
                ..
            }
        );
        applies(self.programmes(), programme.kind)
            && (!history_only || programme.has_places_history())
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

/// SHA-256 over the files' names (a site's by their own name, wherever the folder is)
/// and contents, in order.
fn version(builtin: &[(String, String)], site: &[(String, String)]) -> String {
    let site = site.iter().map(|(name, text)| {
        let file = Path::new(name)
            .file_name()
            .map_or(name.clone(), |f| format!("site/{}", f.to_string_lossy()));
        (file, text)
    });
    let files: Vec<(String, &String)> = builtin
        .iter()
        .map(|(n, t)| (n.clone(), t))
        .chain(site)
        .collect();
    crate::digest::sha256_of(
        files
            .iter()
            .flat_map(|(name, text)| [name.as_bytes(), text.as_bytes()]),
    )
}

impl Catalogue {
    pub(super) fn builtin_files() -> Result<Vec<(String, String)>> {
        let mut files: Vec<_> = CATALOGUE_DIR
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .map(|f| {
                let name = format!("indicators/{}", f.path().display());
                let text = f
                    .contents_utf8()
                    .ok_or_else(|| anyhow!("Catalogue « {name} » : pas en UTF-8."))?;
                Ok((name, text.to_string()))
            })
            .collect::<Result<_>>()?;
        files.sort();
        Ok(files)
    }

    pub(super) fn site_files(folder: &Path) -> Result<Vec<(String, String)>> {
        let unreadable = |e: std::io::Error| {
            anyhow!(
                "Le dossier du catalogue du site « {} » ne peut pas être lu (clé « catalogue » de la configuration) : {}.",
                folder.display(),
                crate::format::io_error(&e)
            )
        };
        let entries = std::fs::read_dir(folder).map_err(unreadable)?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(unreadable)?.path();
            if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
                    std::io::ErrorKind::InvalidData => anyhow!(
                        "Catalogue du site « {} » illisible : le fichier doit être un texte en UTF-8.",
                        path.display()
                    ),
                    _ => anyhow!(
                        "Catalogue du site « {} » illisible : {}.",
                        path.display(),
                        crate::format::io_error(&e)
                    ),
                })?;
                files.push((path.display().to_string(), text));
            }
        }
        files.sort();
        Ok(files)
    }

    /// The files read into one catalogue, with its named populations, not yet checked
    /// (`check` expands the populations and checks the whole).
    pub(super) fn parse(
        builtin: Vec<(String, String)>,
        site: Vec<(String, String)>,
    ) -> Result<(Catalogue, Vec<Population>)> {
        let mut catalogue = Catalogue {
            version: version(&builtin, &site),
            groups: Vec::new(),
            person_columns: Vec::new(),
            key_figures: Vec::new(),
            charts: Vec::new(),
            workbook_only: Vec::new(),
            codes_of_kinds: BTreeMap::new(),
            site_figures: Vec::new(),
        };
        let mut populations = Vec::new();
        let builtin_count = builtin.len();
        for (index, (name, text)) in builtin.into_iter().chain(site).enumerate() {
            let from_site = index >= builtin_count;
            let mut file: CatalogueFile = toml::from_str(&text).map_err(|e| {
                let line = e
                    .span()
                    .map(|s| format!(", ligne {}", text[..s.start].matches('\n').count() + 1))
                    .unwrap_or_default();
                anyhow!(
                    "Catalogue « {name} »{line} : {}.",
                    crate::config::translate_serde_error(e.message())
                )
            })?;
            for i in &mut file.indicators {
                i.source = name.clone();
            }
            for c in &mut file.person_columns {
                c.source = name.clone();
            }
            for p in &mut file.populations {
                p.source = name.clone();
            }
            for k in &mut file.key_figures {
                k.source = name.clone();
            }
            for c in &mut file.charts {
                c.source = name.clone();
            }
            catalogue.person_columns.append(&mut file.person_columns);
            populations.append(&mut file.populations);
            catalogue.key_figures.append(&mut file.key_figures);
            catalogue.charts.append(&mut file.charts);
            catalogue.workbook_only.append(&mut file.workbook_only);
            catalogue.codes_of_kinds.append(&mut file.codes_of_kinds);
            catalogue.site_figures.append(&mut file.site_figures);
            catalogue.add_group(&name, file.group, file.title, file.indicators, from_site)?;
        }
        Ok((catalogue, populations))
    }

    /// Adds a file's indicators to the group of that code, or as a new group.
    fn add_group(
        &mut self,
        file: &str,
        code: Option<String>,
        title: Option<String>,
        indicators: Vec<Indicator>,
        from_site: bool,
    ) -> Result<()> {
        let Some(code) = code else {
            return match indicators.first() {
                Some(_) => Err(anyhow!(
                    "Catalogue « {file} » : des indicateurs sans clé « group » (la lettre du groupe, par exemple group = \"S\")."
                )),
                None => Ok(()),
            };
        };
        for i in &indicators {
            if let Some((_, known)) = self.lookup(&i.id) {
                let what = if from_site && !known.source.starts_with("indicators/") {
                    "est déjà défini dans le catalogue du site"
                } else if from_site {
                    "existe déjà dans le catalogue intégré ; choisissez un autre identifiant"
                } else {
                    "est déjà défini"
                };
                return Err(anyhow!(
                    "Catalogue « {file} » : l'indicateur « {} » {what} (« {} »).",
                    i.id,
                    known.source
                ));
            }
        }
        match self.groups.iter_mut().find(|g| g.code == code) {
            Some(group) => {
                if let Some(title) = title.filter(|t| *t != group.title) {
                    return Err(anyhow!(
                        "Catalogue « {file} » : le groupe « {code} » s'appelle « {} », pas « {title} » (omettez « title » pour ajouter des indicateurs à un groupe existant).",
                        group.title
                    ));
                }
                group.indicators.extend(indicators);
            }
            None => {
                let title = title.ok_or_else(|| {
                    anyhow!(
                        "Catalogue « {file} » : le nouveau groupe « {code} » n'a pas de « title »."
                    )
                })?;
                let slug = Path::new(file)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .map(|s| s.split_once('-').map_or(s, |(_, slug)| slug).to_string())
                    .unwrap_or_default();
                self.groups.push(Group {
                    code,
                    slug,
                    title,
                    indicators,
                });
            }
        }
        Ok(())
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
        let catalogue = Catalogue::builtin().unwrap();
        assert!(catalogue.lookup("file_active").is_some());
        assert!(catalogue.lookup("profil_age").is_some());
    }

    /// The annex, the workbook's « Définitions » and `bilan indicateurs ID` print each
    /// definition and population to directors and evaluators: plain French, no developer
    /// notation (« P = [d, f] », « h + 365 », column or modality keys, symbols for a
    /// formula).
    #[test]
    fn catalogue_definitions_are_plain_french() {
        let catalogue = Catalogue::builtin().unwrap();
        let mut wrong = Vec::new();
        for (_, indicator) in catalogue.indicators() {
            let texts = [&indicator.definition, &indicator.population]
                .into_iter()
                .chain(indicator.labels.values());
            for text in texts {
                let marks: Vec<char> = text
                    .chars()
                    .filter(|c| "`_[]=÷×≤≥<>|*".contains(*c))
                    .collect();
                let letters: Vec<&str> = text
                    .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                    .filter(|w| ["d", "f", "h", "t", "P", "FA", "AAAA", "MM"].contains(w))
                    .collect();
                if !marks.is_empty() || !letters.is_empty() {
                    wrong.push(format!(
                        "{} : {marks:?} {letters:?} dans « {text} »",
                        indicator.id
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// The keys serde accepts for a part of the catalogue, read from the message it gives
    /// for an unknown one (« expected one of `a`, `b` »): the code's own list, not a copy.
    fn keys<T: serde::de::DeserializeOwned + std::fmt::Debug>(before: &str) -> Vec<String> {
        let error = toml::from_str::<T>(&format!("{before}\nzzz_cle_inconnue = 1"))
            .expect_err("an unknown key is refused")
            .to_string();
        let expected = error
            .split_once("expected")
            .unwrap_or_else(|| panic!("unexpected message: {error}"))
            .1;
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_readme_documents_every_key() {
        let readme = include_str!("../../indicators/README.md");
        let mut all = Vec::new();
        all.extend(keys::<CatalogueFile>(""));
        all.extend(keys::<Indicator>(""));
        all.extend(keys::<PersonColumn>(""));
        all.extend(keys::<Population>(""));
        all.extend(keys::<KeyFigure>(""));
        all.extend(keys::<Chart>(""));
        all.extend(keys::<Bucket>(""));
        all.extend(keys::<Sum>(""));
        all.extend(keys::<Mean>(""));
        all.extend(keys::<Count>(""));
        all.extend(keys::<Constant>(""));
        for block in [
            "value",
            "rate",
            "breakdown",
            "distribution",
            "monthly",
            "completeness",
            "findings",
        ] {
            assert!(readme.contains(&format!("`{block}`")), "type {block}");
            all.extend(keys::<Block>(&format!("type = \"{block}\"")));
        }
        assert!(all.len() > 40, "{all:?}");
        let missing: Vec<_> = all
            .iter()
            .filter(|k| {
                !readme.contains(&format!("`{k}`")) && !readme.contains(&format!("[[{k}]]"))
            })
            .collect();
        assert!(
            missing.is_empty(),
            "clés absentes de indicators/README.md : {missing:?}"
        );
    }
}
