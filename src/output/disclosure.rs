//! The disclosure model of the `diffusion` audience: every count published together (a
//! run's indicators, both periods, every programme; a consolidation's sites and
//! ensembles), the relations a reader knows between them, and an integer programme
//! that tells what each masked count can still be.
//!
//! The relations (indicateurs.md, « Audiences and privacy »), each kept only where it
//! holds on the true figures — a relation that does not hold tells a reader nothing:
//! 1. the cells of a breakdown, the buckets of a distribution, the findings by kind add
//!    up to their total (or `effectif`);
//! 2. two figures of one period that count the same rows are equal (every breakdown
//!    over the file active has the file active as total; a rate's term that is another
//!    indicator's figure, as the participants of `vie_collective`); persons, their
//!    follow-ups and the distinct persons of these count the same (file active, present
//!    on the last day) where they are equal;
//! 3. a period's months add up to the period, for counts of rows dated in the period
//!    (`entrees_par_mois` and `entrees`, the journal's months and its categories);
//! 4. the last month's count of a day-`f` population is the period's (`presents_fin`);
//! 5. a completeness rate's terms: rows filled = rows − « non renseigné » − « non
//!    reconnu » of the breakdown of the same column over the same rows;
//! 6. the persons present at the end = those present at the end of the period before,
//!    plus entries, less exits, when the period before ends the day before; and month by
//!    month, where the exits are not published, present at the end of a month ≤ present
//!    at the end of the month before plus the month's entries;
//! 7. a rate is its numerator ÷ its denominator;
//! 8. (consolidation) an ensemble's count, or rate term, is the sum of its sites'.
//!
//! What a reader knows of a cell: its value when published; 1 to threshold − 1 for
//! « < seuil »; for « masqué », only that it is not negative. A masked count must keep
//! every value its mask says (« < 5 »: 1 to 4), and a withheld one at least two.

use std::collections::{BTreeMap, HashMap, HashSet};

use microlp::{ComparisonOp, OptimizationDirection, Problem};

use crate::figure::{Combine, Nature, SumRole};
use crate::indicators::catalogue::Condition;
use crate::indicators::engine::rows_key;
use crate::indicators::{Evaluation, Outcome};
use crate::model::Table;
use crate::period::Period;

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

/// Where a number is published: programme, evaluation, period, figure, and which of
/// the figure's value (0), numerator (1) and denominator (2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    pub programme: usize,
    pub evaluation: usize,
    pub period: usize,
    pub figure: usize,
    pub term: usize,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub slot: Slot,
    /// The true value.
    pub value: f64,
    /// A count (integer); else an amount (a sum of days, of participants…).
    pub integer: bool,
    /// Published elsewhere as it is (a site's own diffusion, read with the national
    /// tables): withholding it here would protect nothing.
    pub locked: bool,
    /// The total of a sum: withheld to protect another only when nothing smaller does.
    pub total: bool,
    /// The persons an amount is over: an amount over fewer than the threshold is a
    /// secret, as a small count is.
    pub over: Option<f64>,
    /// Never published (a month's exits): it carries an inequality, not a secret.
    pub unseen: bool,
}

/// Σ coefficient × cell = 0, within `tolerance` (a rate's value is rounded); a rate's
/// relation holds for a reader only while the rate itself is published (`gate`).
#[derive(Debug, Clone)]
pub struct Relation {
    pub terms: Vec<(usize, f64)>,
    pub tolerance: f64,
    pub gate: Option<Slot>,
}

#[derive(Debug, Default)]
pub struct System {
    pub cells: Vec<Cell>,
    pub relations: Vec<Relation>,
    index: HashMap<Slot, usize>,
    /// The relations each cell is a term of: a component is walked from one cell,
    /// at the cost of its own size rather than the whole system's.
    by_cell: Vec<Vec<usize>>,
}

/// A masked count a reader can place more narrowly than its mask says.
#[derive(Debug, Clone, PartialEq)]
pub struct Leak {
    pub slot: Slot,
    pub low: f64,
    pub high: f64,
}

/// What a reader knows of each cell.
type Known<'a> = dyn Fn(usize) -> Shown + 'a;

/// The cells' values in one solution a reader can find.
type Witness = Vec<(usize, f64)>;

/// A bound above any count of a programme, for « masqué ».
const UNBOUNDED: f64 = 1e9;

impl System {
    /// Adds a cell, or returns the one already at `slot`.
    pub fn cell(&mut self, slot: Slot, value: f64, integer: bool) -> usize {
        if let Some(&i) = self.index.get(&slot) {
            return i;
        }
        self.cells.push(Cell {
            slot,
            value,
            integer,
            locked: false,
            total: false,
            over: None,
            unseen: false,
        });
        self.index.insert(slot, self.cells.len() - 1);
        self.by_cell.push(Vec::new());
        self.cells.len() - 1
    }

    pub fn find(&self, slot: &Slot) -> Option<usize> {
        self.index.get(slot).copied()
    }

    /// Adds the relation if it holds on the true values.
    pub fn relate(&mut self, terms: Vec<(usize, f64)>, tolerance: f64) {
        self.relate_while(terms, tolerance, None);
    }

    /// Adds the relation, used only while `gate` is published, if it holds.
    pub fn relate_while(&mut self, terms: Vec<(usize, f64)>, tolerance: f64, gate: Option<Slot>) {
        if terms.len() < 2 {
            return;
        }
        let residual: f64 = terms.iter().map(|&(c, k)| k * self.cells[c].value).sum();
        // Sums of values read back from a CSV at six decimals keep a little error.
        let scale: f64 = terms
            .iter()
            .map(|&(c, k)| (k * self.cells[c].value).abs())
            .sum::<f64>()
            .max(1.0);
        if residual.abs() <= tolerance + 1e-9 * scale {
            let r = self.relations.len();
            for &(c, _) in &terms {
                if self.by_cell[c].last() != Some(&r) {
                    self.by_cell[c].push(r);
                }
            }
            self.relations.push(Relation {
                terms,
                tolerance: tolerance + 1e-9 * scale,
                gate,
            });
        }
    }

    /// `total` = Σ `parts`.
    pub fn sum(&mut self, total: usize, parts: &[usize]) {
        let mut terms = vec![(total, 1.0)];
        terms.extend(parts.iter().map(|&p| (p, -1.0)));
        self.relate(terms, 0.0);
    }

    /// What the reader knows of a cell, from how the slots are shown.
    fn known_at(&self, c: usize, shown: &dyn Fn(&Slot) -> Shown) -> Shown {
        let cell = &self.cells[c];
        if cell.unseen {
            Shown::Withheld
        } else {
            shown(&cell.slot)
        }
    }

    /// Every secret a reader can place more narrowly than its mask says: a « < seuil »
    /// count, any hidden count from 1 to threshold − 1, an amount over too few persons.
    pub fn audit(&self, shown: &dyn Fn(&Slot) -> Shown, threshold: u32) -> Vec<Leak> {
        self.audit_among(0..self.cells.len(), shown, threshold)
    }

    /// [`System::audit`] of the components that hold any of `cells` only.
    pub fn audit_among(
        &self,
        cells: impl IntoIterator<Item = usize>,
        shown: &dyn Fn(&Slot) -> Shown,
        threshold: u32,
    ) -> Vec<Leak> {
        let known = |c: usize| self.known_at(c, shown);
        self.components(cells, shown)
            .iter()
            .flat_map(|component| {
                self.audit_component(
                    component,
                    &known,
                    threshold,
                    &Scan {
                        select: &|_| true,
                        first: false,
                        exact: true,
                    },
                )
            })
            .collect()
    }

    /// Whether the secret at `slot` leaks, as a leak (its range partly known, at least
    /// as narrow as found).
    pub fn audit_around(
        &self,
        slot: &Slot,
        shown: &dyn Fn(&Slot) -> Shown,
        threshold: u32,
    ) -> Vec<Leak> {
        let known = |c: usize| self.known_at(c, shown);
        let Some(cell) = self.find(slot) else {
            return Vec::new();
        };
        self.components([cell], shown)
            .iter()
            .flat_map(|component| {
                self.audit_component(
                    component,
                    &known,
                    threshold,
                    &Scan {
                        select: &|c| c == cell,
                        first: false,
                        exact: false,
                    },
                )
            })
            .collect()
    }

    /// The unknown cells linked to the one at `slot` by the relations a reader can use.
    pub fn neighbourhood(&self, slot: &Slot, shown: &dyn Fn(&Slot) -> Shown) -> Vec<usize> {
        let Some(cell) = self.find(slot) else {
            return Vec::new();
        };
        self.components([cell], shown)
            .into_iter()
            .next()
            .map_or(Vec::new(), |c| c.cells)
    }

    /// A leak of a secret at one of `watched`, in the components that hold any of
    /// `cells`: the first found.
    pub fn first_leak_among(
        &self,
        cells: &[usize],
        watched: &HashSet<Slot>,
        shown: &dyn Fn(&Slot) -> Shown,
        threshold: u32,
    ) -> Option<Leak> {
        let known = |c: usize| self.known_at(c, shown);
        let select = |c: usize| watched.contains(&self.cells[c].slot);
        self.components(cells.iter().copied(), shown)
            .iter()
            .find_map(|component| {
                self.audit_component(
                    component,
                    &known,
                    threshold,
                    &Scan {
                        select: &select,
                        first: true,
                        exact: false,
                    },
                )
                .pop()
            })
    }

    fn secret(&self, c: usize, known: &Known, threshold: u32) -> bool {
        let cell = &self.cells[c];
        let t = f64::from(threshold);
        match known(c) {
            _ if cell.unseen => false,
            Shown::Masked(_) => true,
            Shown::Withheld if cell.integer => cell.value >= 1.0 && cell.value < t,
            Shown::Withheld => cell.over.is_some_and(|o| o >= 1.0 && o < t),
            _ => false,
        }
    }

    /// The components that hold any of `starts`: the unknown cells linked by the
    /// relations a reader can use (those of a rate only while it is published), each
    /// with its relations, both in order. Walked from the cells themselves, so that
    /// looking around one cell costs its component, not the whole system.
    fn components(
        &self,
        starts: impl IntoIterator<Item = usize>,
        shown: &dyn Fn(&Slot) -> Shown,
    ) -> Vec<Component> {
        let unknown =
            |c: usize| matches!(self.known_at(c, shown), Shown::Masked(_) | Shown::Withheld);
        let open = |r: usize| {
            self.relations[r]
                .gate
                .is_none_or(|g| matches!(shown(&g), Shown::Value(_)))
        };
        let mut seen: HashSet<usize> = HashSet::new();
        let mut checked: HashSet<usize> = HashSet::new();
        let mut out = Vec::new();
        for start in starts {
            if !unknown(start) || !seen.insert(start) {
                continue;
            }
            let mut component = Component::default();
            let mut stack = vec![start];
            while let Some(c) = stack.pop() {
                component.cells.push(c);
                for &r in &self.by_cell[c] {
                    if !checked.insert(r) || !open(r) {
                        continue;
                    }
                    component.relations.push(r);
                    for &(d, _) in &self.relations[r].terms {
                        if unknown(d) && seen.insert(d) {
                            stack.push(d);
                        }
                    }
                }
            }
            component.cells.sort_unstable();
            component.relations.sort_unstable();
            out.push(component);
        }
        out
    }

    /// The leaks of the component's secrets that the scan selects. Every integral
    /// solution found is a witness of the values its cells can take: a secret whose
    /// witnesses already span its mask needs no programme of its own, which spares most
    /// of them on large components.
    fn audit_component(
        &self,
        component: &Component,
        known: &Known,
        threshold: u32,
        scan: &Scan,
    ) -> Vec<Leak> {
        let Scan {
            select,
            first,
            exact,
        } = *scan;
        let t = f64::from(threshold);
        let mut leaks = Vec::new();
        // A cell in no relation keeps every value of its mask.
        if component.relations.is_empty() {
            return leaks;
        }
        let mut seen: HashMap<usize, (f64, f64)> = HashMap::new();
        for &target in component
            .cells
            .iter()
            .filter(|&&c| select(c) && self.secret(c, known, threshold))
        {
            let cell = &self.cells[target];
            let masked = matches!(known(target), Shown::Masked(_));
            let spans = |low: f64, high: f64| {
                if masked {
                    low <= 1.0 + 1e-6 && high >= t - 1.0 - 1e-6
                } else if cell.integer {
                    high - low >= 0.5
                } else {
                    high - low >= 1e-6 * cell.value.abs().max(1.0)
                }
            };
            let (mut low, mut high) = seen.get(&target).copied().unwrap_or((f64::MAX, f64::MIN));
            if spans(low, high) {
                continue;
            }
            let mut solved = true;
            for direction in [
                OptimizationDirection::Minimize,
                OptimizationDirection::Maximize,
            ] {
                let enough = match direction {
                    OptimizationDirection::Minimize => masked && low <= 1.0 + 1e-6,
                    OptimizationDirection::Maximize => masked && high >= t - 1.0 - 1e-6,
                };
                if enough {
                    continue;
                }
                let Some((value, witness)) =
                    self.extreme(component, known, threshold, target, direction)
                else {
                    solved = false;
                    break;
                };
                for (c, v) in witness {
                    let range = seen.entry(c).or_insert((v, v));
                    *range = (range.0.min(v), range.1.max(v));
                }
                low = low.min(value);
                high = high.max(value);
                // A « < seuil » whose least value is above 1 leaks, whatever its greatest:
                // only a caller that reports the range needs the greatest too.
                if spans(low, high) || (!exact && masked && low > 1.0 + 1e-6) {
                    break;
                }
            }
            if solved && !spans(low, high) {
                leaks.push(Leak {
                    slot: cell.slot,
                    low,
                    high,
                });
                if first {
                    break;
                }
            }
        }
        leaks
    }

    /// The least or greatest value of `target` over every solution a reader can find,
    /// with the cells' values of an integral solution reaching it, if one was found.
    /// The relaxation without integers is solved first: when its optimum is integral it
    /// is the integer optimum too, as it is for almost every table of sums; otherwise
    /// the integer programme decides, within a time limit past which the relaxation's
    /// bound, rounded inwards, is kept (never narrower than the true range).
    fn extreme(
        &self,
        component: &Component,
        known: &Known,
        threshold: u32,
        target: usize,
        direction: OptimizationDirection,
    ) -> Option<(f64, Witness)> {
        let relaxed = self.solve(component, known, threshold, target, direction, false)?;
        if let Some(witness) = relaxed.1 {
            return Some((relaxed.0, witness));
        }
        let round = |v: f64| match direction {
            OptimizationDirection::Minimize => (v - 1e-6).ceil(),
            OptimizationDirection::Maximize => (v + 1e-6).floor(),
        };
        match self.solve(component, known, threshold, target, direction, true) {
            Some((v, witness)) => Some((v, witness.unwrap_or_default())),
            None => Some((round(relaxed.0), Vec::new())),
        }
    }

    /// The optimum of `target`, and the cells' values there when every count is
    /// integral.
    fn solve(
        &self,
        component: &Component,
        known: &Known,
        threshold: u32,
        target: usize,
        direction: OptimizationDirection,
        integers: bool,
    ) -> Option<(f64, Option<Witness>)> {
        let mut problem = Problem::new(direction);
        if integers {
            problem.set_time_limit(std::time::Duration::from_secs(2));
        }
        let mut vars = HashMap::new();
        for &c in &component.cells {
            let objective = if c == target { 1.0 } else { 0.0 };
            let cell = &self.cells[c];
            let high = match known(c) {
                Shown::Masked(_) => f64::from(threshold.saturating_sub(1)),
                _ => UNBOUNDED,
            };
            let low = if matches!(known(c), Shown::Masked(_)) {
                1.0
            } else {
                0.0
            };
            let var = if integers && cell.integer {
                problem.add_integer_var(objective, (low as i32, high as i32))
            } else {
                problem.add_var(objective, (low, high))
            };
            vars.insert(c, var);
        }
        for &r in &component.relations {
            let relation = &self.relations[r];
            let mut constant = 0.0;
            let mut expression = Vec::new();
            for &(c, k) in &relation.terms {
                match (vars.get(&c), known(c)) {
                    (Some(&var), _) => expression.push((var, k)),
                    (None, Shown::Value(v)) => constant += k * v,
                    // An empty figure is nothing a reader can use.
                    (None, _) => {}
                }
            }
            let t = relation.tolerance;
            problem.add_constraint(expression.as_slice(), ComparisonOp::Le, t - constant);
            problem.add_constraint(expression.as_slice(), ComparisonOp::Ge, -t - constant);
        }
        let solution = problem.solve().ok()?.into_solution().ok()?;
        let integral = component.cells.iter().all(|c| {
            !self.cells[*c].integer || {
                let v = solution.var_value(vars[c]);
                (v - v.round()).abs() < 1e-6
            }
        });
        let value_of = |c: usize| {
            let v = solution.var_value(vars[&c]);
            if self.cells[c].integer && integral {
                v.round()
            } else {
                v
            }
        };
        let witness = integral.then(|| component.cells.iter().map(|&c| (c, value_of(c))).collect());
        Some((value_of(target), witness))
    }

    /// The published cells a fix may withhold to protect `leak`: those in a relation
    /// with an unknown cell of its component, the smallest first, totals last.
    pub fn candidates(&self, leak: &Leak, shown: &dyn Fn(&Slot) -> Shown) -> Vec<usize> {
        let known = |c: usize| self.known_at(c, shown);
        let Some(cell) = self.find(&leak.slot) else {
            return Vec::new();
        };
        let Some(component) = self.components([cell], shown).pop() else {
            return Vec::new();
        };
        // A « < seuil » count shown « masqué » instead loses least: its bound; then the
        // published numbers, the smallest first.
        let usable = |c: usize| {
            !self.cells[c].locked
                && c != cell
                && matches!(known(c), Shown::Value(_) | Shown::Masked(_))
        };
        // How many relations away from the leak each unknown cell is: a number next to
        // it is likelier to protect it than one at the far end of a long component.
        let unknown = |c: usize| matches!(known(c), Shown::Masked(_) | Shown::Withheld);
        let open: HashSet<usize> = component.relations.iter().copied().collect();
        let mut distance: HashMap<usize, usize> = HashMap::from([(cell, 0)]);
        let mut queue = std::collections::VecDeque::from([cell]);
        while let Some(c) = queue.pop_front() {
            let d = distance[&c] + 1;
            for r in self.by_cell[c].iter().filter(|r| open.contains(r)) {
                for &(next, _) in &self.relations[*r].terms {
                    if unknown(next) && !distance.contains_key(&next) {
                        distance.insert(next, d);
                        queue.push_back(next);
                    }
                }
            }
        }
        let mut near: HashMap<usize, usize> = HashMap::new();
        for &r in &component.relations {
            let terms = &self.relations[r].terms;
            let Some(d) = terms.iter().filter_map(|(c, _)| distance.get(c)).min() else {
                continue;
            };
            for &(c, _) in terms.iter().filter(|(c, _)| usable(*c)) {
                let e = near.entry(c).or_insert(d + 1);
                *e = (*e).min(d + 1);
            }
        }
        let mut out: Vec<usize> = near.keys().copied().collect();
        out.sort_by(|&a, &b| {
            let rank = |c: usize| {
                let cell = &self.cells[c];
                (
                    !matches!(known(c), Shown::Masked(_)),
                    cell.total,
                    near[&c],
                    cell.value,
                    c,
                )
            };
            rank(a)
                .partial_cmp(&rank(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        out
    }
}

/// Programme, period, month, and the key of the rows counted.
type Key = (usize, usize, Option<chrono::NaiveDate>, String);

/// The cells and relations of the figures published together: each programme's
/// evaluations, for the period (0) and the period before (1).
pub fn of_run(programmes: &[&[Evaluation]], periods: [Period; 2]) -> System {
    let mut system = System::default();
    // (programme, period, month, key) → the cells counting those rows.
    let mut by_key: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (p, evaluations) in programmes.iter().enumerate() {
        for (e, evaluation) in evaluations.iter().enumerate() {
            for (period, outcome) in evaluation.outcomes.iter().enumerate() {
                let Outcome::Computed(figures) = outcome else {
                    continue;
                };
                let slot = |figure: usize, term: usize| Slot {
                    programme: p,
                    evaluation: e,
                    period,
                    figure,
                    term,
                };
                let mut sums: BTreeMap<usize, (Option<usize>, Vec<usize>)> = BTreeMap::new();
                for (i, f) in figures.iter().enumerate() {
                    let mut cells = [None; 3];
                    if let Some(v) = f.value {
                        match f.nature {
                            Nature::Headcount => cells[0] = Some(system.cell(slot(i, 0), v, true)),
                            Nature::Statistic if f.keys[0].is_some() => {
                                let c = system.cell(slot(i, 0), v, false);
                                system.cells[c].over = f.over;
                                cells[0] = Some(c);
                            }
                            _ => {}
                        }
                    }
                    if let Nature::Rate {
                        numerator_is_count,
                        denominator_is_count,
                    } = f.nature
                    {
                        for (term, value, integer) in [
                            (1, f.numerator, numerator_is_count),
                            (2, f.denominator, denominator_is_count),
                        ] {
                            if let Some(v) = value {
                                let c = system.cell(slot(i, term), v, integer);
                                if !integer {
                                    system.cells[c].over = f.over;
                                }
                                cells[term] = Some(c);
                            }
                        }
                        if let (Some(v), Combine::Ratio(factor), Some(n), Some(d)) =
                            (f.value, f.combine, cells[1], cells[2])
                        {
                            // A rate rounded to six decimals when read back from a CSV.
                            let tolerance = 1e-6 * system.cells[d].value.abs().max(1.0);
                            system.relate_while(
                                vec![(n, factor), (d, -v)],
                                tolerance,
                                Some(slot(i, 0)),
                            );
                        }
                    }
                    for (term, cell) in cells.iter().enumerate() {
                        if let (Some(c), Some(key)) = (cell, &f.keys[term]) {
                            by_key
                                .entry((p, period, f.modality.month, key.clone()))
                                .or_default()
                                .push(*c);
                        }
                    }
                    if let Some(c) = cells[0] {
                        for role in &f.sums {
                            let entry = sums.entry(role.sum()).or_default();
                            match role {
                                SumRole::Part(_) => entry.1.push(c),
                                SumRole::Total(_) => {
                                    entry.0 = Some(c);
                                    system.cells[c].total = true;
                                }
                            }
                        }
                    }
                }
                for (total, parts) in sums.into_values() {
                    if let Some(total) = total {
                        system.sum(total, &parts);
                    }
                }
            }
        }
    }
    // Cells of one key with the same true value are equal; a pair that differs (follow-ups
    // against persons, when one person had two) says nothing and must not break the chain.
    for cells in by_key.values() {
        let mut cells = cells.clone();
        cells.sort_by(|&a, &b| system.cells[a].value.total_cmp(&system.cells[b].value));
        for pair in cells.windows(2) {
            system.relate(vec![(pair[0], 1.0), (pair[1], -1.0)], 0.0);
        }
    }
    let year = |p: usize, period: usize, key: &str| {
        by_key
            .get(&(p, period, None, key.to_string()))
            .and_then(|c| c.first().copied())
    };
    let mut months: BTreeMap<(usize, usize, String), Vec<(chrono::NaiveDate, usize)>> =
        BTreeMap::new();
    for ((p, period, month, key), cells) in &by_key {
        if let Some(m) = month {
            months
                .entry((*p, *period, key.clone()))
                .or_default()
                .push((*m, cells[0]));
        }
    }
    for ((p, period, key), cells) in &months {
        let Some(whole) = year(*p, *period, key) else {
            continue;
        };
        let in_period: Vec<usize> = periods[*period]
            .months()
            .iter()
            .filter_map(|m| cells.iter().find(|(d, _)| *d == m.start).map(|(_, c)| *c))
            .collect();
        // Rows dated in the period are those dated in one of its months.
        let dated = key.contains("dans_periode") && !key.contains("distinct:");
        if dated && in_period.len() == periods[*period].months().len() {
            system.sum(whole, &in_period);
        }
        // A population of the last day is the same for the last month and the period.
        let of_the_day = [
            "actif",
            "dans_periode",
            "jours",
            "DaysWithin",
            "Name(\"d\")",
        ]
        .iter()
        .all(|n| !key.contains(n));
        let last = periods[*period].months().last().map(|m| m.start);
        if let (true, Some(last)) = (of_the_day, last)
            && let Some((_, c)) = cells.iter().find(|(d, _)| *d == last)
        {
            system.relate(vec![(whole, 1.0), (*c, -1.0)], 0.0);
        }
    }
    // Completeness: the filled rows of a column are its rows less « non renseigné » and
    // « non reconnu » of the breakdown of that column over the same rows.
    for ((p, period, month, key), cells) in &by_key {
        let Some(rows_and_column) = key.strip_suffix("=renseigne") else {
            continue;
        };
        let Some((rows, _)) = rows_and_column.rsplit_once('|') else {
            continue;
        };
        let get = |k: String| by_key.get(&(*p, *period, *month, k)).map(|c| c[0]);
        let (Some(total), Some(missing)) = (
            get(rows.to_string()),
            get(format!("{rows_and_column}=non_renseigne")),
        ) else {
            continue;
        };
        let mut terms = vec![(total, 1.0), (missing, -1.0), (cells[0], -1.0)];
        terms.extend(get(format!("{rows_and_column}=non_reconnu")).map(|c| (c, -1.0)));
        system.relate(terms, 0.0);
    }
    // The stock of persons: present at the end = present at the end of the period
    // before + entries − exits, when the period before ends the day before.
    if periods[1].end.succ_opt() == Some(periods[0].start) {
        let key = |filter: &str, distinct: Option<&str>| {
            rows_key(
                Table::Accompagnements,
                &[Condition::IsTrue(filter.into())],
                distinct,
            )
        };
        let present = key("present_fin", Some("id_personne"));
        let (entries, exits) = (
            key("debut_dans_periode", None),
            key("fin_dans_periode", None),
        );
        for p in 0..programmes.len() {
            if let (Some(now), Some(before), Some(entered), Some(left)) = (
                year(p, 0, &present),
                year(p, 1, &present),
                year(p, 0, &entries),
                year(p, 0, &exits),
            ) {
                system.relate(
                    vec![(now, 1.0), (before, -1.0), (entered, -1.0), (left, 1.0)],
                    0.0,
                );
            }
        }
    }
    month_by_month_stock(&mut system, &by_key);
    system
}

/// Whoever is present at the end of a month was present at the end of the month before
/// or entered in it: present(m) + exits(m) = present(m − 1) + entries(m), with the
/// month's exits, never published, an unknown count of at least 0.
fn month_by_month_stock(system: &mut System, by_key: &BTreeMap<Key, Vec<usize>>) {
    let key = |filter: &str, distinct: Option<&str>| {
        rows_key(
            Table::Accompagnements,
            &[Condition::IsTrue(filter.into())],
            distinct,
        )
    };
    let (present, entries) = (
        key("present_fin", Some("id_personne")),
        key("debut_dans_periode", None),
    );
    // Both periods' months in one calendar: the same month counts the same persons.
    let mut calendar: BTreeMap<(usize, chrono::NaiveDate), [Option<usize>; 2]> = BTreeMap::new();
    for ((p, _, month, k), cells) in by_key {
        let (Some(month), Some(&cell)) = (month, cells.first()) else {
            continue;
        };
        let which = match k {
            k if *k == present => 0,
            k if *k == entries => 1,
            _ => continue,
        };
        calendar.entry((*p, *month)).or_default()[which].get_or_insert(cell);
    }
    for (i, (&(p, month), &[now, entered])) in calendar.iter().enumerate() {
        let before = month
            .checked_sub_months(chrono::Months::new(1))
            .and_then(|m| calendar.get(&(p, m)))
            .and_then(|[before, _]| *before);
        let (Some(now), Some(before), Some(entered)) = (now, before, entered) else {
            continue;
        };
        let left =
            system.cells[before].value + system.cells[entered].value - system.cells[now].value;
        if left < 0.0 {
            continue;
        }
        let slot = Slot {
            programme: p,
            evaluation: usize::MAX,
            period: 0,
            figure: i,
            term: 0,
        };
        let exits = system.cell(slot, left, true);
        system.cells[exits].unseen = true;
        system.relate(
            vec![(now, 1.0), (exits, 1.0), (before, -1.0), (entered, -1.0)],
            0.0,
        );
    }
}

/// Which secrets of a component an audit looks at, and how far it goes.
#[derive(Clone, Copy)]
struct Scan<'s> {
    select: &'s dyn Fn(usize) -> bool,
    /// Stop at the first leak: enough to know a mask does not protect.
    first: bool,
    /// Solve each leak's exact range rather than stop once it is narrower than its mask.
    exact: bool,
}

#[derive(Debug, Default)]
struct Component {
    cells: Vec<usize>,
    relations: Vec<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(figure: usize) -> Slot {
        Slot {
            programme: 0,
            evaluation: 0,
            period: 0,
            figure,
            term: 0,
        }
    }

    /// F 30, H 77, X 3, non renseigné 0, total 110 (threshold 5). X « < 5 » alone is
    /// 110 − 30 − 77 − 0 = 3: a leak. With « non renseigné » withheld too, X + nr = 3
    /// puts X in 1..3, narrower than the 1..4 of « < 5 »: still a leak. With F
    /// withheld, F + X = 33: X can be 1 to 4 (F 32 to 29): no leak.
    #[test]
    fn a_masked_cell_must_keep_its_whole_range() {
        let mut system = System::default();
        let values = [30.0, 77.0, 3.0, 0.0, 110.0];
        let cells: Vec<usize> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| system.cell(slot(i), v, true))
            .collect();
        system.sum(cells[4], &cells[..4]);
        let shown = |hidden: &'static [usize]| {
            move |s: &Slot| match s.figure {
                2 => Shown::Masked(5),
                i if hidden.contains(&i) => Shown::Withheld,
                i => Shown::Value(values[i]),
            }
        };
        let leaks = system.audit(&shown(&[]), 5);
        assert_eq!(
            leaks,
            [Leak {
                slot: slot(2),
                low: 3.0,
                high: 3.0
            }]
        );
        let leaks = system.audit(&shown(&[3]), 5);
        assert_eq!(leaks.len(), 1);
        assert_eq!((leaks[0].low, leaks[0].high), (1.0, 3.0));
        assert!(system.audit(&shown(&[0]), 5).is_empty());
    }

    /// A relation that does not hold on the true values is not kept.
    #[test]
    fn a_relation_that_does_not_hold_is_left_out() {
        let mut system = System::default();
        let a = system.cell(slot(0), 3.0, true);
        let b = system.cell(slot(1), 4.0, true);
        system.sum(a, &[b]);
        assert!(system.relations.is_empty());
    }
}
