//! What the indicators produce, as every later stage reads it: a figure, what it is
//! (its nature, its modalité, its unit) and how it is put together with the same figure
//! of other sites. The engine makes them; the outputs, the masks and the consolidation
//! read them without knowing how they were computed.

use anyhow::Result;
use chrono::NaiveDate;
use polars::prelude::*;

use crate::model::CodeList;

/// The code of the cells of a breakdown left empty in the data.
pub const NON_RENSEIGNE: &str = "non_renseigne";

/// One published figure of an indicator.
#[derive(Debug, Clone)]
pub struct Figure {
    pub modality: Modality,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub unit: String,
    /// Code list the modalité belongs to, for its French label.
    pub codes: Option<&'static CodeList>,
    pub nature: Nature,
    /// The persons (or rows) a statistic or a rate is computed over, for the privacy
    /// rule; none for a figure of the configuration or of data about no one (staff, budget).
    pub over: Option<f64>,
    /// The sums this count takes part in: the cells of a breakdown add up to its total.
    pub sums: Vec<SumRole>,
    /// How the figures of several sites make a national one.
    pub combine: Combine,
    /// The persons (or flats) behind a count, for the `interne` audience.
    pub ids: Ids,
    /// What the value, the numerator and the denominator count (table, filters, code),
    /// when they count rows or add a value over them: two figures of one period with the
    /// same key are the same number, which a reader of both can use against a mask.
    pub keys: [Option<String>; 3],
}

/// The identifiers behind a count, sorted, kept in the column polars gave them in: a
/// large site has a million of them over its figures, too many to copy into a string
/// each.
#[derive(Debug, Clone, Default)]
pub struct Ids(Option<StringChunked>);

impl Ids {
    /// Those in row `row` of the list column `name`, made by the engine's `ids_of`.
    pub(crate) fn in_list(df: &DataFrame, name: &str, row: usize) -> Result<Ids> {
        match df.column(name)?.list()?.get_as_series(row) {
            Some(ids) => Ok(Ids(Some(ids.drop_nulls().str()?.clone()))),
            None => Ok(Ids::default()),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|ids| ids.iter().flatten())
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |ids| ids.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a> IntoIterator for &'a Ids {
    type Item = &'a str;
    type IntoIter = Box<dyn Iterator<Item = &'a str> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// How the same figure of several programmes is put together (indicateurs.md,
/// « Consolidation »).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Combine {
    /// Counts, sums of amounts or days, places: added up.
    Add,
    /// A rate: Σ numerators ÷ Σ denominators × the factor.
    Ratio(f64),
    /// A mean: Σ (mean × count) ÷ Σ count, the count being the figure `effectif` beside it.
    Mean,
    /// A median, a parameter: not put together.
    Not,
}

/// A count's place in a sum of the same outcome: a part, or the total of the parts.
/// Sums are numbered by the position of their first figure, so they stay unique when
/// blocks and months are put together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SumRole {
    Part(usize),
    Total(usize),
}

impl SumRole {
    pub fn sum(self) -> usize {
        match self {
            SumRole::Part(s) | SumRole::Total(s) => s,
        }
    }

    pub(crate) fn shifted(self, by: usize) -> SumRole {
        match self {
            SumRole::Part(s) => SumRole::Part(s + by),
            SumRole::Total(s) => SumRole::Total(s + by),
        }
    }
}

/// What a figure is, for labelling and for the small-count masking of `diffusion`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Nature {
    /// A number of persons, follow-ups, flats…
    Headcount,
    /// A mean, a median, a sum.
    Statistic,
    /// A value of the configuration (places, the visit target): about no one.
    Parameter,
    /// A ratio; `true` for each of its terms that is a count.
    Rate {
        numerator_is_count: bool,
        denominator_is_count: bool,
    },
}

impl Figure {
    pub(crate) fn new(
        modality: Modality,
        value: Option<f64>,
        unit: &str,
        nature: Nature,
    ) -> Figure {
        Figure {
            modality,
            value,
            numerator: None,
            denominator: None,
            unit: unit.to_string(),
            codes: None,
            nature,
            over: None,
            sums: Vec::new(),
            combine: Combine::Add,
            ids: Ids::default(),
            keys: Default::default(),
        }
    }
}

/// What a figure of an indicator stands for: a code (or a named figure, a bucket, a
/// statistic), under an optional prefix (`entree` for the situation at entry), for an
/// optional month of a monthly series.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Modality {
    pub prefix: Option<String>,
    pub code: String,
    /// The first day of the month, in a monthly series.
    pub month: Option<NaiveDate>,
}

impl Modality {
    pub fn code(code: impl Into<String>) -> Modality {
        Modality {
            prefix: None,
            code: code.into(),
            month: None,
        }
    }

    pub(crate) fn prefixed(prefix: Option<&str>, code: &str) -> Modality {
        Modality {
            prefix: prefix.map(str::to_string),
            ..Modality::code(code)
        }
    }
}

/// How the catalogue writes a percentage's unit.
pub const PERCENT: &str = "%";

/// What a unit means for how its figures are written. The catalogue gives units as text
/// (`"%"`, `"€"`, `"personnes"`) and the outputs publish that text as it is: this is the
/// one place that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit<'u> {
    /// A percentage: « 95,8 % », its changes in points.
    Percent,
    /// An amount in euros.
    Euros,
    /// No unit.
    Empty,
    /// What the figures count (« personnes », « jours »), agreed with the number.
    Words(&'u str),
}

impl<'u> Unit<'u> {
    pub fn of(text: &'u str) -> Unit<'u> {
        match text {
            PERCENT => Unit::Percent,
            "€" => Unit::Euros,
            "" => Unit::Empty,
            words => Unit::Words(words),
        }
    }

    /// Whether a value carries its unit as a sign (« % », « € ») rather than in words.
    pub fn is_sign(self) -> bool {
        matches!(self, Unit::Percent | Unit::Euros)
    }
}
