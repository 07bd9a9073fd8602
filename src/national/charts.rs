//! The charts of the national document: for a key rate of a kind of programme, every
//! site of that kind as a horizontal bar (a share on a 0–100 % axis, a rate per days on
//! an axis up to its largest value), ranked by value, with the
//! median of the sites drawn as a line and their interquartile range as a band, and the
//! « Champ », « Source » and « Lecture » lines a statistical publication prints under a
//! figure.
//!
//! Privacy (indicateurs.md, « Audiences and privacy », « Benchmarks »): a bar is drawn
//! from the value the national table publishes for the site, so a value masked there is
//! never drawn (a hatched box of conventional size says it is masked); the median and
//! the quartiles are those of the benchmarks, over the values the sites publish in
//! `diffusion`, and only over at least [`MIN_SITES`] sites.

use serde::Serialize;

use super::{National, NationalProgramme};
use crate::figure::{Nature, Unit};
use crate::format;
use crate::indicators::Modality;
use crate::output::reperes::{Benchmark, MIN_SITES};
use crate::output::{Shown, side_by_side};
use crate::report::charts::{Tick, axis};
use crate::report::figures::rate_bases;

/// Bars per chart: more would not fit a page, and their labels would overlap.
pub const BARS_PER_CHART: usize = 40;

#[derive(Serialize, Debug)]
pub struct RateChart {
    pub title: String,
    pub bars: Vec<Bar>,
    /// First quartile, median and third quartile, when the benchmark is published.
    pub quartiles: Option<[f64; 3]>,
    /// The graduations of the value axis, the last one ending it.
    pub ticks: Vec<Tick>,
    /// « Médiane (5 sites) », or why there is none.
    pub median_legend: String,
    pub champ: String,
    pub source: String,
    pub lecture: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct Bar {
    pub label: String,
    /// The value drawn: none when the site has none or when it is masked.
    pub value: Option<f64>,
    /// The value as printed, a rate with its base: « 90,0 % (9 sur 10) », « < 5 ».
    pub text: String,
    /// Masked in the published table: drawn hatched, at a conventional length.
    pub masked: bool,
    /// Printed with its base in persons.
    #[serde(skip)]
    pub based: bool,
}

/// What every chart of the document says of where its figures come from.
pub struct Context<'a> {
    pub national: &'a National<'a>,
    /// « du 1er janvier 2025 au 31 décembre 2025 ».
    pub period: &'a str,
    pub source: &'a str,
    /// The name printed for a site's programme, by programme id.
    pub name: &'a dyn Fn(&str) -> String,
}

/// The charts of one key rate of an ensemble's kind: one bar per member site, ranked by
/// value (those with no published value last), split into charts of at most
/// [`BARS_PER_CHART`] bars so that 200 sites stay readable, each with the same median
/// and quartiles.
pub fn rate_charts(
    context: &Context,
    ensemble: &NationalProgramme,
    indicator: &str,
    modality: &Modality,
    (label, unit): (&str, &str),
) -> Vec<RateChart> {
    let national = context.national;
    let mut bars: Vec<Bar> = national
        .programmes
        .iter()
        .filter(|p| ensemble.members.contains(&p.id))
        .map(|p| {
            let (shown, text, based) = current_shown(p, indicator, modality);
            Bar {
                label: (context.name)(&p.id),
                value: match shown {
                    Shown::Value(v) => Some(v),
                    _ => None,
                },
                text,
                masked: matches!(shown, Shown::Masked(_) | Shown::Withheld),
                based,
            }
        })
        .collect();
    bars.sort_by(|a, b| match (a.value, b.value) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        // Masked values before those the site did not compute: they exist.
        (None, None) => b.masked.cmp(&a.masked),
    });
    let benchmark = national.benchmarks.iter().find(|b| {
        b.kind == ensemble.kind
            && b.period == national.period
            && b.indicator == indicator
            && b.modality == *modality
    });
    let quartiles = benchmark
        .and_then(|b| b.quartiles)
        .map(|q| [q[1], q[2], q[3]]);
    let sites = benchmark.map_or(0, |b| b.sites);
    let median_legend = match quartiles {
        Some(_) => format!("Médiane ({})", format::count(sites as u64, "site", "sites")),
        None => format!(
            "Médiane et quartiles non publiés : valeur publiée par {}, il en faut au moins {MIN_SITES}",
            format::count(sites as u64, "site", "sites")
        ),
    };
    let members = format::count(bars.len() as u64, "dispositif", "dispositifs");
    let champ = format!(
        "Champ : {members} {} des sites consolidés, période {}.",
        ensemble.kind.label(),
        context.period
    );
    let based = bars.iter().any(|b| b.based);
    let masked = bars.iter().any(|b| b.masked);
    let lecture = lecture(national, benchmark, unit, (based, masked));
    let top = bars
        .iter()
        .filter_map(|b| b.value)
        .chain(quartiles.map(|q| q[2]))
        .fold(0.0, f64::max);
    let ticks = axis(top, Unit::of(unit) == Unit::Percent, false);
    let pages = bars.len().div_ceil(BARS_PER_CHART);
    bars.chunks(BARS_PER_CHART)
        .enumerate()
        .map(|(i, chunk)| {
            let part = if pages > 1 {
                format!(
                    " (sites {} à {} sur {})",
                    i * BARS_PER_CHART + 1,
                    i * BARS_PER_CHART + chunk.len(),
                    bars.len()
                )
            } else {
                String::new()
            };
            RateChart {
                title: format!(
                    "{label} en {}, par site, rangés par valeur décroissante{part}",
                    national.period.short_label()
                ),
                bars: chunk.to_vec(),
                quartiles,
                ticks: ticks.clone(),
                median_legend: median_legend.clone(),
                champ: champ.clone(),
                source: context.source.to_string(),
                lecture: lecture.clone(),
            }
        })
        .collect()
}

/// How to read the chart, from its median and quartiles, as a publication words it.
fn lecture(
    national: &National,
    benchmark: Option<&Benchmark>,
    unit: &str,
    (based, masked): (bool, bool),
) -> String {
    let year = national.period.short_label();
    let value = |v: f64| match Unit::of(unit) {
        Unit::Percent => format::percent(v),
        _ => format!(
            "{}{}{}",
            format::number(v, 1),
            format::NBSP,
            format::unit(v, unit)
        ),
    };
    match benchmark.and_then(|b| b.quartiles.map(|q| (b.sites, q))) {
        Some((sites, q)) => format!(
            "Lecture : en {year}, des {sites} sites qui publient ce taux, la moitié ont une valeur inférieure ou égale à {} (trait rouge) ; un site sur deux a une valeur comprise entre {} et {} (bande grise).",
            value(q[2]),
            value(q[1]),
            value(q[3]),
        ),
        None => {
            let base = if based {
                ", suivie de sa base (personnes concernées sur personnes comptées)"
            } else {
                ""
            };
            let hatched = if masked {
                " Les hachures marquent une valeur masquée, sur trop peu de personnes."
            } else {
                ""
            };
            format!(
                "Lecture : en {year}, chaque barre est la valeur que publie un site{base}.{hatched}"
            )
        }
    }
}

/// The value of the current period the national table publishes for a programme, its
/// text with the rate's base, and whether it has one: what the comparison table prints
/// and the chart draws.
pub fn current_shown(
    p: &NationalProgramme,
    indicator: &str,
    modality: &Modality,
) -> (Shown, String, bool) {
    let found = p
        .evaluations
        .iter()
        .zip(&p.published)
        .find(|(e, _)| e.indicator.id == indicator)
        .and_then(|(e, published)| {
            side_by_side(e, published)
                .into_iter()
                .find(|(row, _)| row.modality == *modality)
                .and_then(|(row, periods)| periods[0].map(|(f, s)| (row, f, *s)))
        });
    let Some((row, figure, shown)) = found else {
        return (
            Shown::Empty,
            Shown::Empty.display("", Nature::Statistic),
            false,
        );
    };
    let text = shown[0].display(&row.unit, row.nature);
    // A rate's base in persons, as the site's report prints it: only when both of its
    // terms are counts and published, and the rate too.
    let base = rate_bases(&[Some((figure, &shown)), None])[0]
        .filter(|_| matches!(shown[0], Shown::Value(_)));
    match base {
        // The base's words held together, so that a narrow cell breaks before it only.
        Some((n, d)) => (
            shown[0],
            format!(
                "{text} ({}{nbsp}sur{nbsp}{})",
                format::number(n, 0),
                format::number(d, 0),
                nbsp = format::NBSP
            ),
            true,
        ),
        None => (shown[0], text, false),
    }
}
