//! The synthesis page of a programme: a title that states its main finding, three to five
//! messages chosen by what changed most and what stands out against the national
//! benchmarks, and the key figures of its kind, each rate with its base, each change in
//! absolute and relative terms.

use serde::Serialize;

use super::figures::{
    FigureDoc, Table, as_shown, figure_doc, plain_figure, rate_bases, sign, table_of, with_base,
};
use crate::figure::Nature;
use crate::figure::Unit;
use crate::format;
use crate::indicators::catalogue::{KeyFigure, applies};
use crate::indicators::{Figure, Modality};
use crate::output::reperes::Benchmark;
use crate::output::{ProgrammeRun, Run, side_by_side};

/// Below this base a rate moves by more than five points for one person: its change is
/// read with care.
const SMALL_BASE: f64 = 20.0;

/// A count of N-1 below this tells its change in persons, not in per cent.
const SMALL_COUNT: f64 = 10.0;

/// At most this many messages, at least this many when there are key figures to tell.
const MESSAGES: (usize, usize) = (3, 5);

#[derive(Serialize)]
pub struct SynthesisDoc {
    /// The main finding, as a title.
    pub title: Option<String>,
    pub messages: Vec<String>,
    pub key_figures: Vec<KeyFigureDoc>,
}

#[derive(Serialize)]
pub struct KeyFigureDoc {
    pub label: String,
    /// The unit of a count or a mean (« personnes », « jours »); empty where the value
    /// carries its own sign (%, €).
    pub unit: String,
    /// N as printed, a rate with its base: « 90,0 % (9 sur 10) ».
    pub current: String,
    pub previous: String,
    /// « +3 (+27 %) », « −6,2 pt ».
    pub change: String,
    /// A warning on how to read the change (small base).
    pub caution: Option<String>,
    /// The national median and quartiles of the programme's kind, when the site has them.
    pub benchmark: Option<String>,
}

/// One key figure as read for the page.
struct Read<'a> {
    label: String,
    row: &'a Figure,
    figure: FigureDoc,
    /// The terms of a rate in N and N-1 as published, when both are counts and shown.
    base: [Option<(f64, f64)>; 2],
    benchmark: Option<&'a Benchmark>,
    target: Option<FigureDoc>,
}

pub fn synthesis<'b>(
    run: &Run,
    p: &ProgrammeRun,
    keys: &[KeyFigure],
    benchmark: &dyn Fn(&str, &Modality) -> Option<&'b Benchmark>,
) -> SynthesisDoc {
    let [current, previous] = run.periods().map(|p| p.short_label());
    let end = format::day_month(run.period.end);
    let read: Vec<Read> = keys
        .iter()
        .filter(|k| applies(&k.programmes, p.programme.kind))
        .filter_map(|key| {
            let table: Table = table_of(p, &key.indicator)?;
            let modality = Modality::code(key.modality.as_str());
            let (row, periods) = side_by_side(table.0, table.1)
                .into_iter()
                .find(|(row, _)| row.modality == modality)?;
            let label = key
                .label
                .clone()
                .unwrap_or_else(|| table.0.indicator.label.clone())
                .replace("au dernier jour", &format!("au {end}"));
            let base = rate_bases(&periods);
            Some(Read {
                label,
                row,
                figure: figure_doc(row, periods),
                base,
                benchmark: benchmark(&key.indicator, &modality),
                target: key.target.as_deref().and_then(|t| {
                    let (id, code) = t.split_once('.')?;
                    plain_figure(table_of(p, id)?, code)
                }),
            })
        })
        .collect();
    let mut told: Vec<(f64, usize, String, String)> = read
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            let (score, headline) = weight(r, &current);
            let message = message(r, [&current, &previous]);
            message.map(|m| (score, k, m, headline))
        })
        .collect();
    // The figures that moved or stand out most first; ties keep the catalogue's order.
    told.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let notable = told.iter().filter(|t| t.0 > 0.0).count();
    told.truncate(notable.clamp(MESSAGES.0, MESSAGES.1));
    let title = told.first().filter(|t| t.0 > 0.0).map(|t| t.3.clone());
    SynthesisDoc {
        title,
        messages: told.into_iter().map(|t| t.2).collect(),
        key_figures: read.iter().map(key_figure).collect(),
    }
}

fn is_rate(row: &Figure) -> bool {
    Unit::of(&row.unit) == Unit::Percent
}

/// The unit as the table's column prints it: none where the value carries it.
fn unit_column(row: &Figure) -> String {
    if Unit::of(&row.unit).is_sign() {
        String::new()
    } else {
        row.unit.clone()
    }
}

/// A change of a rate smaller than what one person of its base moves it: a difference
/// no larger than chance. The change is shown to the tenth of a point, so it is taken at
/// its largest before rounding.
fn within_one_person(r: &Read) -> bool {
    match (r.figure.delta, r.base[0]) {
        (Some(d), Some((_, base))) if base > 0.0 => d.abs() + 0.05 < 100.0 / base,
        _ => false,
    }
}

/// A rate over fewer persons than [`SMALL_BASE`]: one person moves it by five points.
fn small_base(r: &Read) -> Option<f64> {
    r.base[0].map(|(_, d)| d).filter(|d| *d < SMALL_BASE)
}

/// The relative change of a count or an amount, « +27 % », between the values as shown;
/// none after a count below [`SMALL_COUNT`], where one more is already « +100 % ».
fn relative(r: &Read) -> Option<String> {
    let (n, n1) = (as_shown(r.figure.n?, r.row), as_shown(r.figure.n1?, r.row));
    let small = r.row.nature == Nature::Headcount && n1.abs() < SMALL_COUNT;
    if is_rate(r.row) || small || n1 == 0.0 || n == n1 {
        return None;
    }
    let change = (n - n1) / n1.abs() * 100.0;
    let rounded = format::number(change.abs(), 0);
    (rounded != "0").then(|| format!("{}{rounded}{}%", sign(change), format::NARROW_NBSP))
}

/// How much a figure deserves a message, and its headline: a rate by its change in
/// points (10 points weigh as much as a doubling), a count or an amount by its relative
/// change, a count that starts from zero by half a doubling (a mean from zero tells
/// nothing); a change within one person of the base, over a base of fewer than 20
/// persons or over a small N-1 count weighs less; a value outside the quartiles of the
/// sites of its kind, by how far outside.
fn weight(r: &Read, current: &str) -> (f64, String) {
    let mut best = (0.0, String::new());
    if let (Some(d), Some(n1)) = (r.figure.delta, r.figure.n1)
        && d != 0.0
    {
        let direction = if d > 0.0 { "en hausse" } else { "en baisse" };
        let n1 = as_shown(n1, r.row);
        let (mut score, amount) = if is_rate(r.row) {
            (d.abs() / 10.0, points(d))
        } else if n1 != 0.0 {
            let amount = relative(r).unwrap_or_else(|| with_unit(&r.figure.change, d.abs(), r.row));
            (
                d.abs() / n1.abs(),
                amount.trim_start_matches(['+', '−']).to_string(),
            )
        } else if r.row.nature == Nature::Headcount {
            (
                0.5,
                with_unit(r.figure.change.trim_start_matches('+'), d, r.row),
            )
        } else {
            (0.0, String::new())
        };
        if within_one_person(r) {
            score *= 0.1;
        } else if small_base(r).is_some() {
            score *= 0.3;
        }
        if r.row.nature == Nature::Headcount && n1.abs() < SMALL_COUNT {
            score *= 0.5;
        }
        best = (
            score,
            format!("{} {direction} de {amount} en {current}", r.label),
        );
    }
    if let (Some(n), Some(b)) = (r.figure.n, r.benchmark)
        && let Some(q) = b.quartiles
    {
        let spread = (q[3] - q[1]).abs().max(f64::EPSILON);
        let outside = if n > q[3] {
            Some(((n - q[3]) / spread, "au-dessus"))
        } else if n < q[1] {
            Some(((q[1] - n) / spread, "en dessous"))
        } else {
            None
        };
        if let Some((distance, side)) = outside {
            let score = 0.3 + distance;
            if score > best.0 {
                best = (
                    score,
                    format!(
                        "{} {side} des trois quarts des sites de même type en {current}",
                        r.label
                    ),
                );
            }
        }
    }
    best
}

fn points(d: f64) -> String {
    let word = if d.abs() >= 2.0 { "points" } else { "point" };
    format!("{}{}{word}", format::number(d.abs(), 1), format::NBSP)
}

/// A value with its unit, singular below two: « 1 séjour », « 14 accompagnements ».
fn with_unit(text: &str, value: f64, row: &Figure) -> String {
    match Unit::of(&row.unit) {
        Unit::Words(unit) => format!("{text}{}{}", format::NBSP, format::unit(value, unit)),
        _ => text.to_string(),
    }
}

/// One message: the value of N with its unit and base, N-1, the change in both terms,
/// and what it is measured against. The unit is said once, with N.
fn message(r: &Read, [current, previous]: [&str; 2]) -> Option<String> {
    let n = r.figure.n?;
    let value = with_unit(&with_base(&r.figure.n_text, r.base[0]), n, r.row);
    let mut s = match (r.figure.delta, r.figure.n1) {
        (Some(0.0), _) => {
            format!(
                "{} : {value} en {current}, stable par rapport à {previous}",
                r.label
            )
        }
        (Some(d), Some(_)) => {
            let change = if is_rate(r.row) {
                format!("{}{}", sign(d), points(d))
            } else {
                match relative(r) {
                    Some(rel) => format!("{}, soit {rel}", r.figure.change),
                    None => r.figure.change.clone(),
                }
            };
            let before = with_base(&r.figure.n1_text, r.base[1]);
            format!(
                "{} : {value} en {current}, contre {before} en {previous} ({change})",
                r.label
            )
        }
        _ => format!("{} : {value} en {current}", r.label),
    };
    if within_one_person(r) {
        s.push_str(" ; un écart de moins d'une personne");
    } else if let Some(base) = small_base(r) {
        s.push_str(&format!(
            " ; sur {}, à lire avec prudence",
            format::count(base as u64, "personne", "personnes")
        ));
    }
    if let Some(t) = r.target.as_ref()
        && let Some(target) = t.n
    {
        let side = if as_shown(n, r.row) < as_shown(target, r.row) {
            "en dessous de l'objectif"
        } else {
            "pour un objectif"
        };
        s.push_str(&format!(", {side} de {}", t.n_text));
    }
    if let Some(text) = r
        .benchmark
        .filter(|b| b.quartiles.is_some())
        .map(|b| crate::output::reperes::benchmark_text(b, &r.row.unit))
    {
        s.push_str(&format!(" (repère national : {text})"));
    }
    s.push('.');
    Some(s)
}

fn key_figure(r: &Read) -> KeyFigureDoc {
    let change = match relative(r) {
        Some(rel) => format!("{} ({rel})", r.figure.change),
        None => r.figure.change.clone(),
    };
    let caution = if within_one_person(r) {
        Some("écart de moins d'une personne".to_string())
    } else {
        small_base(r).map(|d| {
            format!(
                "base de {}",
                format::count(d as u64, "personne", "personnes")
            )
        })
    };
    KeyFigureDoc {
        label: r.label.clone(),
        unit: unit_column(r.row),
        current: with_base(&r.figure.n_text, r.base[0]),
        previous: with_base(&r.figure.n1_text, r.base[1]),
        change,
        caution,
        benchmark: r
            .benchmark
            .map(|b| crate::output::reperes::benchmark_text(b, &r.row.unit)),
    }
}
