//! Disclosure control for the `diffusion` audience, in one place: every output shows a
//! figure as [`publish_run`] decides.
//!
//! 1. A count of persons, or of rows about persons, from 1 to threshold − 1 is shown
//!    « < seuil ». Staff, budget, places and flats are not about the persons followed
//!    and are published as they are.
//! 2. A statistic (mean, median, sum, rate) over fewer persons than the threshold, or a
//!    rate with a masked term, is withheld (« masqué »); a withheld rate publishes
//!    neither of its terms.
//! 3. Secondary suppression over everything published together (every indicator, both
//!    periods, every programme): while the relations of [`disclosure`] let a reader
//!    place a masked count more narrowly than its mask says, one more related number is
//!    withheld, the smallest that protects it.
pub use super::disclosure::Shown;
use std::collections::{HashMap, HashSet};

use super::disclosure::{self, Slot, System};
use crate::figure::Nature;
use crate::indicators::{Evaluation, Figure, Outcome};
use crate::period::Period;

/// How a withheld figure is written in every output.
pub const WITHHELD: &str = "masqué";

/// The value, numerator and denominator of each figure of one outcome, as published.
pub type Published = Vec<[Shown; 3]>;

fn plain(v: Option<f64>) -> Shown {
    v.map_or(Shown::Empty, Shown::Value)
}

fn small(v: Option<f64>, threshold: u32) -> bool {
    v.is_some_and(|v| v >= 1.0 && v < f64::from(threshold))
}

/// Whether the rows a count is over (its key, see [`Figure::keys`]) are about the
/// persons followed: flats, staff and budget lines are not.
fn about_persons(key: &Option<String>) -> bool {
    key.as_deref().is_none_or(|k| {
        !["logements|", "effectifs|", "budget|"]
            .iter()
            .any(|t| k.starts_with(t))
            && !k.contains("distinct:id_logement")
    })
}

/// Rules 1 and 2, figure by figure.
fn primary(f: &Figure, threshold: u32) -> [Shown; 3] {
    let few = |over: Option<f64>| small(over, threshold);
    let term = |v: Option<f64>, is_count: bool, key: &Option<String>| {
        if is_count && small(v, threshold) && about_persons(key) {
            Shown::Masked(threshold)
        } else {
            plain(v)
        }
    };
    match f.nature {
        Nature::Headcount => [
            term(f.value, true, &f.keys[0]),
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
                term(f.numerator, numerator_is_count, &f.keys[1]),
                term(f.denominator, denominator_is_count, &f.keys[2]),
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

/// How every figure of the programmes of one run is published, for the period and the
/// period before: the masks of each figure, then as many more as the relations between
/// all of them need (see [`disclosure`]).
pub fn publish_run(
    programmes: &[&[Evaluation]],
    periods: [Period; 2],
    threshold: u32,
) -> Vec<Vec<[Published; 2]>> {
    let mut all: Vec<Vec<[Published; 2]>> = programmes
        .iter()
        .map(|evaluations| {
            evaluations
                .iter()
                .map(|e| primary_all(e, threshold))
                .collect()
        })
        .collect();
    if threshold > 1 {
        let system = disclosure::of_run(programmes, periods);
        protect(&system, programmes, &mut all, threshold);
    }
    all
}

fn primary_all(evaluation: &Evaluation, threshold: u32) -> [Published; 2] {
    evaluation.outcomes.each_ref().map(|outcome| match outcome {
        Outcome::Absent(_) => Vec::new(),
        Outcome::Computed(figures) => figures.iter().map(|f| primary(f, threshold)).collect(),
    })
}

/// How a slot is shown.
pub fn shown_at(all: &[Vec<[Published; 2]>], slot: &Slot) -> Shown {
    all.get(slot.programme)
        .and_then(|p| p.get(slot.evaluation))
        .and_then(|e| e[slot.period].get(slot.figure))
        .map_or(Shown::Empty, |s| s[slot.term])
}

fn hidden(s: Shown) -> bool {
    matches!(s, Shown::Masked(_) | Shown::Withheld)
}

/// A rate with a hidden term is withheld, and a withheld rate publishes no term.
fn follow(f: &Figure, s: &mut [Shown; 3]) {
    if !matches!(f.nature, Nature::Rate { .. }) {
        return;
    }
    if f.value.is_some() && (hidden(s[1]) || hidden(s[2])) {
        s[0] = Shown::Withheld;
    }
    if s[0] == Shown::Withheld {
        for term in &mut s[1..] {
            if matches!(term, Shown::Value(_)) {
                *term = Shown::Withheld;
            }
        }
    }
}

fn rates_follow_terms(programmes: &[&[Evaluation]], all: &mut [Vec<[Published; 2]>]) {
    for (evaluations, published) in programmes.iter().zip(all.iter_mut()) {
        for (e, shown) in evaluations.iter().zip(published.iter_mut()) {
            for (outcome, shown) in e.outcomes.iter().zip(shown.iter_mut()) {
                if let Outcome::Computed(figures) = outcome {
                    figures
                        .iter()
                        .zip(shown.iter_mut())
                        .for_each(|(f, s)| follow(f, s));
                }
            }
        }
    }
}

/// Changes tried over what is published, each with what it implies for its rate, read
/// through without copying the whole: a trial costs what it changes.
struct Trial<'a> {
    programmes: &'a [&'a [Evaluation<'a>]],
    all: &'a [Vec<[Published; 2]>],
    changes: HashMap<Slot, Shown>,
}

impl<'a> Trial<'a> {
    fn new(programmes: &'a [&'a [Evaluation<'a>]], all: &'a [Vec<[Published; 2]>]) -> Self {
        Trial {
            programmes,
            all,
            changes: HashMap::new(),
        }
    }

    fn shown(&self, slot: &Slot) -> Shown {
        self.changes
            .get(slot)
            .copied()
            .unwrap_or_else(|| shown_at(self.all, slot))
    }

    fn set(&mut self, slot: Slot, shown: Shown) {
        self.changes.insert(slot, shown);
        let Some(f) = figure(self.programmes, &slot) else {
            return;
        };
        let at = |term| Slot { term, ..slot };
        let before = [0, 1, 2].map(|t| self.shown(&at(t)));
        let mut after = before;
        follow(f, &mut after);
        for t in (0..3).filter(|&t| after[t] != before[t]) {
            self.changes.insert(at(t), after[t]);
        }
    }

    fn changes(self) -> HashMap<Slot, Shown> {
        self.changes
    }
}

fn figure<'a>(programmes: &[&'a [Evaluation]], slot: &Slot) -> Option<&'a Figure> {
    match &programmes
        .get(slot.programme)?
        .get(slot.evaluation)?
        .outcomes[slot.period]
    {
        Outcome::Computed(figures) => figures.get(slot.figure),
        Outcome::Absent(_) => None,
    }
}

/// The candidates tried one by one for a leak, the nearest and smallest first: past them
/// the smallest non-zero is withheld, as when none protects alone. Trying every related
/// number costs an integer programme each, on components that span months and sites;
/// the masks that turn out needless are published again at the end.
const TRIED: usize = 8;

/// Withholds published numbers until no secret can be placed more narrowly than its
/// mask says. For each leak, the first of the published numbers related to it (the
/// smallest first, totals last) that protects it alone is withheld — or, for a « < seuil »,
/// a smaller one beside it shown « masqué » — else the smallest non-zero one; each round
/// withholds at least one more number, so the rounds are bounded.
/// A leak that no unlocked number can protect (a consolidation whose sites publish
/// their cells themselves) is left to the next relation, never looped on.
pub fn protect(
    system: &System,
    programmes: &[&[Evaluation]],
    all: &mut [Vec<[Published; 2]>],
    threshold: u32,
) {
    let mut given_up: Vec<Slot> = Vec::new();
    // Each number withheld, as it was shown, and the secret it was withheld for.
    let mut withheld: Vec<(usize, Shown, Slot)> = Vec::new();
    // Leaks found by the last whole audit, each checked again in its own component
    // before it is mended: a mend often protects its neighbours too.
    let mut pending: Vec<Slot> = Vec::new();
    // The cells withheld since the last whole audit. Withholding only takes from what a
    // reader knows: a component none of them joined leaks no more than it did, so only
    // those they are in are audited again (a withheld number may be a secret itself).
    let mut changed: Option<Vec<usize>> = None;
    // The only secrets a mask put back can expose: those that leaked before any mask
    // was added (a secret safe then is safe with fewer numbers published), and the
    // numbers withheld since, which may be secrets themselves.
    let mut watched: HashSet<Slot> = HashSet::new();
    rates_follow_terms(programmes, all);
    for _ in 0..=2 * system.cells.len() {
        let leak = loop {
            let Some(slot) = pending.pop() else {
                break None;
            };
            let still = system
                .audit_around(&slot, &|s| shown_at(all, s), threshold)
                .into_iter()
                .find(|l| l.slot == slot);
            if still.is_some() {
                break still;
            }
        };
        let leak = match leak {
            Some(leak) => leak,
            None => {
                let shown = |s: &Slot| shown_at(all, s);
                let leaks = match changed.replace(Vec::new()) {
                    None => system.audit(&shown, threshold),
                    Some(cells) => system.audit_among(cells, &shown, threshold),
                };
                let mut leaks: Vec<Slot> = leaks
                    .into_iter()
                    .map(|l| l.slot)
                    .filter(|s| !given_up.contains(s))
                    .collect();
                watched.extend(leaks.iter().copied());
                if leaks.is_empty() {
                    for slot in &given_up {
                        watched.remove(slot);
                    }
                    restore(system, programmes, all, threshold, withheld, &watched);
                    return;
                }
                leaks.reverse();
                pending = leaks;
                continue;
            }
        };
        let candidates = system.candidates(&leak, &|s| shown_at(all, s));
        let withholding = |cells: &[usize]| {
            let mut trial = Trial::new(programmes, all);
            for &c in cells {
                trial.set(system.cells[c].slot, Shown::Withheld);
            }
            trial
        };
        let protects = |cells: &[usize]| {
            let trial = withholding(cells);
            !system
                .audit_around(&leak.slot, &|s| trial.shown(s), threshold)
                .iter()
                .any(|l| l.slot == leak.slot)
        };
        let alone = candidates
            .iter()
            .copied()
            .take(TRIED)
            .find(|&c| protects(&[c]));
        // A « < seuil » shown « masqué » with a smaller number withheld beside it can cost
        // less than the larger number that protects it alone (3 « Autre » and 0 « non
        // renseigné » rather than 30 women).
        let target = system.find(&leak.slot).filter(|&t| {
            !system.cells[t].locked && matches!(shown_at(all, &leak.slot), Shown::Masked(_))
        });
        let beside = target.and_then(|t| {
            let bound = alone.map_or(f64::INFINITY, |c| system.cells[c].value);
            candidates
                .iter()
                .copied()
                .filter(|&c| {
                    matches!(shown_at(all, &system.cells[c].slot), Shown::Value(_))
                        && !system.cells[c].total
                        && system.cells[c].value < bound
                })
                .take(TRIED)
                .find(|&c| protects(&[t, c]))
                .map(|c| vec![t, c])
        });
        let chosen = beside.or_else(|| {
            alone
                .or_else(|| {
                    candidates
                        .iter()
                        .copied()
                        .find(|&c| system.cells[c].value > 0.0)
                })
                .map(|c| vec![c])
        });
        match chosen {
            Some(cells) => {
                for &c in &cells {
                    withheld.push((c, shown_at(all, &system.cells[c].slot), leak.slot));
                }
                let changes = withholding(&cells).changes();
                watched.extend(changes.keys().copied());
                if let Some(changed) = &mut changed {
                    changed.extend(changes.keys().filter_map(|s| system.find(s)));
                }
                apply(all, changes);
                pending.push(leak.slot);
            }
            None => given_up.push(leak.slot),
        }
    }
}

/// Masks chosen one leak at a time can end up protecting nothing the later ones do not:
/// each is tried back as it was, the most informative first (totals, then the largest),
/// and stays published when no secret of its neighbourhood leaks without it.
fn restore(
    system: &System,
    programmes: &[&[Evaluation]],
    all: &mut [Vec<[Published; 2]>],
    threshold: u32,
    mut withheld: Vec<(usize, Shown, Slot)>,
    watched: &HashSet<Slot>,
) {
    withheld.sort_by(|a, b| {
        let rank = |c: usize| (system.cells[c].total, system.cells[c].value);
        rank(b.0)
            .partial_cmp(&rank(a.0))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    for (c, before, leak) in withheld {
        let slot = system.cells[c].slot;
        let near = system.neighbourhood(&slot, &|s| shown_at(all, s));
        let mut trial = Trial::new(programmes, all);
        trial.set(slot, before);
        if trial.shown(&slot) != before {
            continue;
        }
        let shown = |s: &Slot| trial.shown(s);
        // The leak it was withheld for is the likeliest to come back: tried alone first.
        let back = system
            .audit_around(&leak, &shown, threshold)
            .iter()
            .any(|l| l.slot == leak && watched.contains(&l.slot));
        if !back
            && system
                .first_leak_among(&near, watched, &shown, threshold)
                .is_none()
        {
            let changes = trial.changes();
            apply(all, changes);
        }
    }
}

fn apply(all: &mut [Vec<[Published; 2]>], changes: HashMap<Slot, Shown>) {
    for (slot, shown) in changes {
        set(all, &slot, shown);
    }
}

fn set(all: &mut [Vec<[Published; 2]>], slot: &Slot, shown: Shown) {
    if let Some(s) = all
        .get_mut(slot.programme)
        .and_then(|p| p.get_mut(slot.evaluation))
        .and_then(|e| e[slot.period].get_mut(slot.figure))
    {
        s[slot.term] = shown;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{Combine, SumRole};
    use crate::indicators::{Catalogue, Modality};

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
            combine: Combine::Add,
            ids: Default::default(),
            keys: Default::default(),
        }
    }

    fn period() -> [Period; 2] {
        let p = Period {
            start: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
            end: chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default(),
        };
        [p, p.previous()]
    }

    /// The values of one table published alone (period before: not computed).
    fn shown(figures: &[Figure], threshold: u32) -> Vec<Shown> {
        let catalogue = Catalogue::builtin().expect("catalogue");
        let (group, indicator) = catalogue.lookup("profil_sexe").expect("indicateur");
        let evaluations = [Evaluation {
            group,
            indicator,
            outcomes: [
                Outcome::Computed(figures.to_vec()),
                Outcome::Absent(String::new()),
            ],
        }];
        let all = publish_run(&[&evaluations], period(), threshold);
        all[0][0][0].iter().map(|[v, _, _]| *v).collect()
    }

    /// F 7, H 18, X 0, non renseigné 1, total 26, threshold 5. « < 5 » alone would be
    /// 26 − 7 − 18 − 0 = 1. Withholding X (0, the smallest) leaves nr + X = 1: nr is
    /// still 1. Withholding F (7) leaves F + nr = 8: nr can be 1 to 4 (F 7 to 4), so F
    /// protects it alone; but nr shown « masqué » with X withheld beside it leaves
    /// nr + X = 1, nr 0 or 1, at the cost of a 0 rather than 7 women.
    #[test]
    fn a_lone_masked_cell_takes_the_smallest_that_protects_it() {
        assert_eq!(
            shown(&by_sex([7.0, 18.0, 0.0, 1.0]), 5),
            [
                Shown::Value(7.0),
                Shown::Value(18.0),
                Shown::Withheld,
                Shown::Withheld,
                Shown::Value(26.0)
            ]
        );
    }

    /// F 30, H 77, X 3 « < 5 », non renseigné 0, total 110 (issue 18: « Femme : masqué »
    /// to protect 3 « Autre »). X alone is 110 − 30 − 77 − 0 = 3; nr withheld leaves
    /// X + nr = 3, X in 1..3, narrower than « < 5 »; F protects it alone (F + X = 33).
    /// X « masqué » with nr withheld leaves X in 0..3: the 30 women stay published.
    #[test]
    fn a_small_cell_is_protected_by_a_smaller_one_rather_than_a_large_one() {
        assert_eq!(
            shown(&by_sex([30.0, 77.0, 3.0, 0.0]), 5),
            [
                Shown::Value(30.0),
                Shown::Value(77.0),
                Shown::Withheld,
                Shown::Withheld,
                Shown::Value(110.0)
            ]
        );
    }

    /// F, H, X and non renseigné, with their total.
    fn by_sex(counts: [f64; 4]) -> Vec<Figure> {
        let mut figures: Vec<Figure> = ["F", "H", "X", "non_renseigne"]
            .iter()
            .zip(counts)
            .map(|(c, v)| count(c, v, SumRole::Part(0)))
            .collect();
        figures.push(count("total", counts.iter().sum(), SumRole::Total(0)));
        figures
    }

    /// Four exits of 1 and five « autre », total 9: the four « < 5 » would add up to
    /// 9 − 5 = 4, so all 1. With « autre » withheld, a + b + c + d + autre = 9 lets
    /// a = 4 (b = c = d = 1, autre = 2): each keeps 1 to 4, and the total stays.
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
        assert_eq!(result[5], Shown::Value(9.0));
    }

    /// Four incidents of one each, 0 « e », total 4 « < 5 »: four cells of at least 1
    /// under a total of at most 4 are all 1. « e » withheld still adds up to at most 4;
    /// any of a…d « masqué » instead of « < 5 » leaves the others in 1..2 (a = 0 lets
    /// b = 4 − c − d ≤ 2). The total « masqué » (at least 4, then) lets each of a…d be
    /// 1 to 4: that is the one change.
    #[test]
    fn a_small_table_that_gives_itself_away_loses_its_bound() {
        let mut figures: Vec<Figure> = ["a", "b", "c", "d"]
            .iter()
            .map(|c| count(c, 1.0, SumRole::Part(0)))
            .collect();
        figures.push(count("e", 0.0, SumRole::Part(0)));
        figures.push(count("total", 4.0, SumRole::Total(0)));
        let result = shown(&figures, 5);
        assert_eq!(&result[..4], &[Shown::Masked(5); 4]);
        assert_eq!(result[4], Shown::Value(0.0));
        assert_eq!(result[5], Shown::Withheld);
    }

    /// a 1 and b 2 « < 5 », c 17, total 20: a + b = 3 puts a in 1..2, narrower than
    /// « < 5 » says. b « masqué » leaves a + b = 3 (a in 1..3); c withheld leaves
    /// a + b + c = 20, and a, b keep 1 to 4.
    #[test]
    fn a_remainder_too_small_for_the_masks_is_protected() {
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
                Shown::Withheld,
                Shown::Value(20.0)
            ]
        );
    }

    /// Counts of flats, staff and budget lines are not about persons: 3 flats stay 3.
    #[test]
    fn flats_are_published_as_they_are() {
        let flats = Figure {
            keys: [
                Some("occupations|x|distinct:id_logement".into()),
                None,
                None,
            ],
            sums: Vec::new(),
            ..count("total", 3.0, SumRole::Part(0))
        };
        assert_eq!(primary(&flats, 5)[0], Shown::Value(3.0));
        let persons = Figure {
            keys: [
                Some("occupations|x|distinct:id_personne".into()),
                None,
                None,
            ],
            ..flats
        };
        assert_eq!(primary(&persons, 5)[0], Shown::Masked(5));
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
