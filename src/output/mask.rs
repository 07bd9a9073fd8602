//! Disclosure control for the `diffusion` audience, in one place: every output shows a
//! figure as [`publish`] decides.
//!
//! 1. A count from 1 to threshold − 1 is shown « < seuil ».
//! 2. A statistic (mean, median, sum, rate) over fewer persons than the threshold, or a
//!    rate with a masked term, is withheld (« masqué »).
//! 3. Secondary suppression: where counts add up to a total (the cells of a breakdown,
//!    the buckets of a distribution), no masked count may be deduced from the published
//!    ones. Each masked count is known to lie in 1..threshold − 1 (a withheld count, in
//!    threshold..∞); the bounds are carried through every sum until nothing narrows, and
//!    while a masked count is pinned to one value, the smallest non-zero published part of
//!    its sum is withheld too (or its total, when no part is left).
//! 4. A count that repeats another indicator's (completeness terms, findings) is masked
//!    wherever it equals a count masked elsewhere for the same programme and period.

use std::collections::BTreeMap;

use crate::indicators::engine::{Nature, SumRole};
use crate::indicators::{Evaluation, Figure, Outcome};

/// A figure as published: a number, a masked small count, a withheld figure, or nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    Value(f64),
    /// A count from 1 to threshold − 1, shown « < threshold ».
    Masked(u32),
    /// A figure withheld: a rate with a masked term, a statistic over too few persons,
    /// or a count masked so that no other can be deduced.
    Withheld,
    Empty,
}

/// How a withheld figure is written in every output.
pub const WITHHELD: &str = "masqué";

/// The value, numerator and denominator of each figure of one outcome, as published.
pub type Published = Vec<[Shown; 3]>;

/// What an attacker knows of a count: its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    low: f64,
    high: f64,
}

impl Bounds {
    fn exact(v: f64) -> Bounds {
        Bounds { low: v, high: v }
    }

    fn pinned(self) -> bool {
        self.high - self.low < 0.5
    }
}

fn plain(v: Option<f64>) -> Shown {
    v.map_or(Shown::Empty, Shown::Value)
}

fn small(v: Option<f64>, threshold: u32) -> bool {
    v.is_some_and(|v| v >= 1.0 && v < f64::from(threshold))
}

/// Rules 1 and 2, figure by figure.
fn primary(f: &Figure, threshold: u32) -> [Shown; 3] {
    let few = |over: Option<f64>| small(over, threshold);
    let term = |v: Option<f64>, is_count: bool| {
        if is_count && small(v, threshold) {
            Shown::Masked(threshold)
        } else {
            plain(v)
        }
    };
    match f.nature {
        Nature::Headcount => [
            term(f.value, true),
            plain(f.numerator),
            plain(f.denominator),
        ],
        Nature::Statistic if few(f.over) && f.value.is_some() => {
            [Shown::Withheld, plain(f.numerator), plain(f.denominator)]
        }
        Nature::Statistic | Nature::Parameter => {
            [plain(f.value), plain(f.numerator), plain(f.denominator)]
        }
        Nature::Rate {
            numerator_is_count,
            denominator_is_count,
        } => {
            let terms = [
                term(f.numerator, numerator_is_count),
                term(f.denominator, denominator_is_count),
            ];
            let masked = terms.iter().any(|t| matches!(t, Shown::Masked(_)));
            let value = if f.value.is_some() && (masked || few(f.over)) {
                Shown::Withheld
            } else {
                plain(f.value)
            };
            let [numerator, denominator] = terms;
            [value, numerator, denominator]
        }
    }
}

/// The sums of an outcome: for each, its parts and its total (by figure index).
fn sums(figures: &[Figure]) -> Vec<(Vec<usize>, usize)> {
    let mut by_sum: BTreeMap<usize, (Vec<usize>, Option<usize>)> = BTreeMap::new();
    for (i, f) in figures.iter().enumerate() {
        for role in &f.sums {
            let entry = by_sum.entry(role.sum()).or_default();
            match role {
                SumRole::Part(_) => entry.0.push(i),
                SumRole::Total(_) => entry.1 = Some(i),
            }
        }
    }
    by_sum
        .into_values()
        .filter_map(|(parts, total)| Some((parts, total?)))
        .collect()
}

/// Narrows `b` to `low..=high`; whether it changed. Bounds that would cross are left as
/// they are: the sum does not hold exactly, and it tells nothing.
fn narrow(b: &mut Bounds, low: f64, high: f64) -> bool {
    let new = Bounds {
        low: b.low.max(low),
        high: b.high.min(high),
    };
    let changed = new.low <= new.high && new != *b;
    if changed {
        *b = new;
    }
    changed
}

/// The bounds of every count once carried through every sum.
/// `open[i]`: figure `i` was withheld with the whole of its sum, so that it may be 0.
fn bounds(figures: &[Figure], shown: &Published, open: &[bool], threshold: u32) -> Vec<Bounds> {
    let t = f64::from(threshold);
    let mut b: Vec<Bounds> = figures
        .iter()
        .zip(shown)
        .zip(open)
        .map(|((f, s), &open)| match s[0] {
            Shown::Masked(_) => Bounds {
                low: 1.0,
                high: t - 1.0,
            },
            Shown::Withheld if open => Bounds {
                low: 0.0,
                high: f64::INFINITY,
            },
            // A count withheld to protect another would have been published: it is
            // not a small one (a repeated count withheld may be, hence the `min`).
            Shown::Withheld => Bounds {
                low: t.min(f.value.unwrap_or(t)),
                high: f64::INFINITY,
            },
            _ => Bounds::exact(f.value.unwrap_or(0.0)),
        })
        .collect();
    let sums = sums(figures);
    // Each pass can only narrow; a few passes reach the fixed point of these small tables.
    for _ in 0..16 {
        let mut changed = false;
        for (parts, total) in &sums {
            let low_parts: f64 = parts.iter().map(|&p| b[p].low).sum();
            let high_parts: f64 = parts.iter().map(|&p| b[p].high).sum();
            changed |= narrow(&mut b[*total], low_parts, high_parts);
            for &p in parts {
                // Summed apart rather than subtracted: an unbounded part would give ∞ − ∞.
                let others = parts.iter().filter(|&&o| o != p);
                let others_low: f64 = others.clone().map(|&o| b[o].low).sum();
                let others_high: f64 = others.map(|&o| b[o].high).sum();
                let (total_low, total_high) = (b[*total].low, b[*total].high);
                changed |= narrow(&mut b[p], total_low - others_high, total_high - others_low);
            }
        }
        if !changed {
            break;
        }
    }
    b
}

/// Rule 3 on one outcome: withholds published counts until no masked one is pinned.
/// When a sum has no published count left to withhold (its total is small, and its
/// « < seuil » parts pin each other), every part of it is withheld: « masqué » then says
/// nothing, not even that a cell is not 0.
pub fn protect_sums(figures: &[Figure], shown: &mut Published, threshold: u32) {
    let sums = sums(figures);
    let hidden = |s: &[Shown; 3]| matches!(s[0], Shown::Masked(_) | Shown::Withheld);
    let mut open = vec![false; figures.len()];
    // Each round hides one more count or one whole sum: the figures bound the rounds.
    for _ in 0..=2 * figures.len() {
        let b = bounds(figures, shown, &open, threshold);
        let Some(exposed) = (0..figures.len()).find(|&i| hidden(&shown[i]) && b[i].pinned()) else {
            return;
        };
        let value = |i: usize| figures[i].value.unwrap_or(0.0);
        // In the first sum of the exposed count that still has one: its smallest
        // non-zero published part, else its total.
        let next = sums
            .iter()
            .filter(|(parts, total)| parts.contains(&exposed) || *total == exposed)
            .find_map(|(parts, total)| {
                parts
                    .iter()
                    .copied()
                    .filter(|&p| !hidden(&shown[p]) && value(p) > 0.0)
                    .min_by(|&a, &c| value(a).total_cmp(&value(c)))
                    .or(Some(*total).filter(|&t| !hidden(&shown[t]) && value(t) > 0.0))
            });
        match next {
            Some(i) => shown[i][0] = Shown::Withheld,
            None => {
                let whole = sums
                    .iter()
                    .find(|(parts, total)| {
                        (parts.contains(&exposed) || *total == exposed)
                            && parts.iter().any(|&p| !open[p])
                    })
                    .map(|(parts, _)| parts);
                let Some(parts) = whole else {
                    return;
                };
                for &p in parts {
                    shown[p][0] = Shown::Withheld;
                    open[p] = true;
                }
            }
        }
    }
}

/// How every figure of one evaluation is published, for the period and the period before.
pub fn publish(evaluation: &Evaluation, threshold: u32) -> [Published; 2] {
    evaluation.outcomes.each_ref().map(|outcome| match outcome {
        Outcome::Absent(_) => Vec::new(),
        Outcome::Computed(figures) => {
            let mut shown: Published = figures.iter().map(|f| primary(f, threshold)).collect();
            if threshold > 1 {
                protect_sums(figures, &mut shown, threshold);
            }
            shown
        }
    })
}

/// Rule 4 across the evaluations of one programme: counts that repeat others are masked
/// wherever they equal a count masked elsewhere in the same period.
pub fn publish_all(evaluations: &[Evaluation], threshold: u32) -> Vec<[Published; 2]> {
    let mut all: Vec<[Published; 2]> = evaluations.iter().map(|e| publish(e, threshold)).collect();
    if threshold <= 1 {
        return all;
    }
    for period in 0..2 {
        let mut masked_values: Vec<f64> = Vec::new();
        for (e, shown) in evaluations.iter().zip(&all) {
            if let Outcome::Computed(figures) = &e.outcomes[period] {
                for (f, s) in figures.iter().zip(&shown[period]) {
                    if f.nature == Nature::Headcount
                        && !f.repeats_counts
                        && matches!(s[0], Shown::Masked(_) | Shown::Withheld)
                    {
                        masked_values.extend(f.value);
                    }
                }
            }
        }
        for (e, shown) in evaluations.iter().zip(all.iter_mut()) {
            let Outcome::Computed(figures) = &e.outcomes[period] else {
                continue;
            };
            let mut touched = false;
            for (f, s) in figures.iter().zip(shown[period].iter_mut()) {
                if !f.repeats_counts {
                    continue;
                }
                let repeats = |v: Option<f64>| v.is_some_and(|v| masked_values.contains(&v));
                let terms = [
                    (0, f.value, f.nature == Nature::Headcount),
                    (1, f.numerator, true),
                    (2, f.denominator, true),
                ];
                for (slot, v, is_count) in terms {
                    if is_count && repeats(v) && matches!(s[slot], Shown::Value(_)) {
                        s[slot] = Shown::Withheld;
                        touched = true;
                    }
                }
                if matches!(f.nature, Nature::Rate { .. })
                    && f.value.is_some()
                    && (matches!(s[1], Shown::Masked(_) | Shown::Withheld)
                        || matches!(s[2], Shown::Masked(_) | Shown::Withheld))
                {
                    s[0] = Shown::Withheld;
                }
            }
            if touched {
                protect_sums(figures, &mut shown[period], threshold);
            }
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::Modality;

    fn count(code: &str, value: f64, role: SumRole) -> Figure {
        Figure {
            modality: Modality::code(code),
            value: Some(value),
            numerator: None,
            denominator: None,
            unit: "personnes".into(),
            codes: None,
            nature: Nature::Headcount,
            over: None,
            sums: vec![role],
            repeats_counts: false,
            combine: crate::indicators::engine::Combine::Add,
            ids: Default::default(),
        }
    }

    fn shown(figures: &[Figure], threshold: u32) -> Vec<Shown> {
        let mut shown: Published = figures.iter().map(|f| primary(f, threshold)).collect();
        protect_sums(figures, &mut shown, threshold);
        shown.into_iter().map(|[v, _, _]| v).collect()
    }

    /// The example of issue 10: F 7, H 18, X 0, non renseigné 1, total 26, threshold 5.
    /// « < 5 » alone would be 26 − 7 − 18 − 0 = 1: the smallest non-zero published cell,
    /// F (7), is withheld too. Then F ≥ 5 and F + nr = 8 leave F in 5..7 and nr in 1..3.
    #[test]
    fn a_lone_masked_cell_takes_the_smallest_other_with_it() {
        let figures = [
            count("F", 7.0, SumRole::Part(0)),
            count("H", 18.0, SumRole::Part(0)),
            count("X", 0.0, SumRole::Part(0)),
            count("non_renseigne", 1.0, SumRole::Part(0)),
            count("total", 26.0, SumRole::Total(0)),
        ];
        assert_eq!(
            shown(&figures, 5),
            [
                Shown::Withheld,
                Shown::Value(18.0),
                Shown::Value(0.0),
                Shown::Masked(5),
                Shown::Value(26.0)
            ]
        );
    }

    /// Four exits of 1 and five « autre », total 9: the four « < 5 » would add up to
    /// 9 − 5 = 4, so all 1. « autre » is withheld; then it would be 9 − (4 × 1..4) ≤ 5 and
    /// ≥ 5 (a withheld count is at least the threshold): 5, so the total goes too.
    #[test]
    fn masked_cells_forced_to_one_are_protected() {
        let mut figures: Vec<Figure> = ["a", "b", "c", "d"]
            .iter()
            .map(|c| count(c, 1.0, SumRole::Part(0)))
            .collect();
        figures.push(count("autre", 5.0, SumRole::Part(0)));
        figures.push(count("total", 9.0, SumRole::Total(0)));
        let result = shown(&figures, 5);
        assert_eq!(&result[..4], &[Shown::Masked(5); 4]);
        assert_eq!(result[4], Shown::Withheld);
        assert_eq!(result[5], Shown::Withheld);
    }

    /// Four incidents of one each and a total of 4: the total « < 5 » and four cells of
    /// at least 1 pin everything, and no published count is left to withhold: the whole
    /// table is withheld, zeros included, its total still « < 5 ».
    #[test]
    fn a_small_table_that_gives_itself_away_is_withheld_whole() {
        let mut figures: Vec<Figure> = ["a", "b", "c", "d"]
            .iter()
            .map(|c| count(c, 1.0, SumRole::Part(0)))
            .collect();
        figures.push(count("e", 0.0, SumRole::Part(0)));
        figures.push(count("total", 4.0, SumRole::Total(0)));
        let result = shown(&figures, 5);
        assert_eq!(&result[..5], &[Shown::Withheld; 5]);
        assert_eq!(result[5], Shown::Masked(5));
    }

    /// Two masked cells whose remainder does not force them (total 20, published 17:
    /// 3 = 1 + 2 or 2 + 1) stay as they are.
    #[test]
    fn an_open_remainder_needs_nothing_more() {
        let figures = [
            count("a", 1.0, SumRole::Part(0)),
            count("b", 2.0, SumRole::Part(0)),
            count("c", 17.0, SumRole::Part(0)),
            count("total", 20.0, SumRole::Total(0)),
        ];
        assert_eq!(
            shown(&figures, 5),
            [
                Shown::Masked(5),
                Shown::Masked(5),
                Shown::Value(17.0),
                Shown::Value(20.0)
            ]
        );
    }

    /// A mean over 4 persons is withheld at threshold 5, over 5 it is shown; a rate
    /// whose denominator counts 3 persons is withheld with its term.
    #[test]
    fn statistics_over_few_persons_are_withheld() {
        let mean = |over: f64| Figure {
            nature: Nature::Statistic,
            over: Some(over),
            sums: Vec::new(),
            ..count("moyenne", 41.5, SumRole::Part(0))
        };
        assert_eq!(primary(&mean(4.0), 5)[0], Shown::Withheld);
        assert_eq!(primary(&mean(5.0), 5)[0], Shown::Value(41.5));
        let rate = Figure {
            nature: Nature::Rate {
                numerator_is_count: true,
                denominator_is_count: true,
            },
            numerator: Some(2.0),
            denominator: Some(3.0),
            value: Some(66.7),
            over: Some(2.0),
            sums: Vec::new(),
            ..count("total", 0.0, SumRole::Part(0))
        };
        assert_eq!(
            primary(&rate, 5),
            [Shown::Withheld, Shown::Masked(5), Shown::Masked(5)]
        );
    }
}
