//! The attacker's audit of the `diffusion` outputs. What is published is read back from
//! the `indicateurs.csv` the run writes (« < 5 », « masqué », numbers); the relations
//! between the figures are those the README lists (`bilan::output::disclosure`); for
//! every secret — a « < 5 » count, a hidden count from 1 to 4, an amount over fewer than
//! 5 persons — an integer programme finds the least and the greatest value it can take
//! over every solution. A « < 5 » that cannot take each of 1 to 4, or a hidden secret
//! with a single value, is a leak; the test names it.
//! The audit is first shown to find leaks where there are some: on a hand-made table of
//! the stock of persons, and on the sample sites published with the masks of each
//! figure alone (no secondary masks).

mod common;

use std::collections::HashMap;
use std::path::Path;

use bilan::config::Config;
use bilan::indicators::{Catalogue, Outcome};
use bilan::output::Shown;
use bilan::output::disclosure::{self, Leak, Slot, System};
use bilan::period::Period;
use bilan::pipeline;
use bilan::privacy::Audience;

const SAMPLES: [&str; 7] = [
    "tests/fixtures/graphiques/bilan.toml",
    "sample-data/reference/bilan.toml",
    "sample-data/hope-gla/bilan.toml",
    "sample-data/nancy/bilan.toml",
    "tests/fixtures/complet/bilan.toml",
    "tests/fixtures/jeunes/bilan.toml",
    "tests/fixtures/nancy-test/bilan.toml",
];

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("date")
}

/// The cells of an `indicateurs.csv`, by (dispositif, début de période, indicateur,
/// modalité): valeur, numérateur, dénominateur as a reader sees them.
fn published_cells(csv: &[u8]) -> HashMap<Row, [Shown; 3]> {
    let mut reader = csv::Reader::from_reader(csv);
    reader
        .records()
        .map(|record| {
            let r = record.expect("ligne");
            (
                (r[0].into(), r[1].into(), r[3].into(), r[4].into()),
                [read_cell(&r[5]), read_cell(&r[6]), read_cell(&r[7])],
            )
        })
        .collect()
}

/// A cell of `indicateurs.csv` as a reader sees it.
fn read_cell(text: &str) -> Shown {
    match text {
        "" => Shown::Empty,
        "masqué" => Shown::Withheld,
        t if t.starts_with("< ") => Shown::Masked(t[2..].parse().expect("seuil")),
        t => Shown::Value(t.parse().expect("nombre")),
    }
}

/// The run of a sample in `diffusion`: its system of relations (from the true
/// figures) and what its `indicateurs.csv` publishes at each slot.
fn published_run(config: &str, year: i32) -> (System, HashMap<Slot, Shown>, u32) {
    let (system, shown, threshold, _) = published_run_named(config, year);
    (system, shown, threshold)
}

/// [`published_run`], with the name of each slot's figure: « indicateur modalité
/// début de période ».
fn published_run_named(
    config: &str,
    year: i32,
) -> (System, HashMap<Slot, Shown>, u32, HashMap<Slot, String>) {
    let config = Config::read(Path::new(config)).expect("configuration");
    let catalogue = Catalogue::load(&config).expect("catalogue");
    let period = Period::year(year).expect("année");
    let datasets = pipeline::check(&config, period, today()).expect("lecture");
    let run = pipeline::evaluate(&catalogue, &config, &datasets, period, Audience::Diffusion)
        .expect("calcul");
    let csv = bilan::output::csv::bytes(&run).expect("indicateurs.csv");
    let rows = published_cells(&csv);
    let tables: Vec<&[bilan::indicators::Evaluation]> = run
        .programmes
        .iter()
        .map(|p| p.evaluations.as_slice())
        .collect();
    let periods = run.periods();
    let system = disclosure::of_run(&tables, periods);
    let programmes = run
        .programmes
        .iter()
        .map(|p| (p.programme.id.as_str(), p.evaluations.as_slice()));
    let (shown, names, missing) = slots_of(programmes, &periods, &rows);
    assert!(missing.is_empty(), "non publiés : {missing:?}");
    (system, shown, run.threshold(), names)
}

type Row = (String, String, String, String);

/// What a reader sees at each slot of the figures of `programmes` (id, evaluations),
/// read from the published `rows`; each slot named « indicateur modalité début de
/// période »; and the keys of the figures that have no row.
fn slots_of<'a>(
    programmes: impl Iterator<Item = (&'a str, &'a [bilan::indicators::Evaluation<'a>])>,
    periods: &[Period],
    rows: &HashMap<Row, [Shown; 3]>,
) -> (HashMap<Slot, Shown>, HashMap<Slot, String>, Vec<Row>) {
    let mut shown = HashMap::new();
    let mut names = HashMap::new();
    let mut missing = Vec::new();
    for (p, (id, evaluations)) in programmes.enumerate() {
        for (e, evaluation) in evaluations.iter().enumerate() {
            for (period, outcome) in evaluation.outcomes.iter().enumerate() {
                let Outcome::Computed(figures) = outcome else {
                    continue;
                };
                for (i, f) in figures.iter().enumerate() {
                    let key = (
                        id.to_string(),
                        periods[period].start.to_string(),
                        evaluation.indicator.id.clone(),
                        bilan::output::csv::modality_text(&f.modality),
                    );
                    let Some(cells) = rows.get(&key) else {
                        missing.push(key);
                        continue;
                    };
                    for (term, cell) in cells.iter().enumerate() {
                        let slot = Slot {
                            programme: p,
                            evaluation: e,
                            period,
                            figure: i,
                            term,
                        };
                        shown.insert(slot, *cell);
                        names.insert(slot, format!("{} {} {}", key.2, key.3, key.1));
                    }
                }
            }
        }
    }
    (shown, names, missing)
}

fn describe(leaks: &[Leak]) -> String {
    leaks
        .iter()
        .map(|l| format!("{:?} : de {} à {}", l.slot, l.low, l.high))
        .collect::<Vec<_>>()
        .join("\n")
}

/// 20 persons present at the end of 2024, 21 at the end of 2025, 3 entries and 2 exits
/// « < 5 »: entries − exits = 21 − 20 = 1, so (entries, exits) is (2, 1), (3, 2) or
/// (4, 3): entries cannot be 1 — narrower than « < 5 » says — and exits cannot be 4.
#[test]
fn the_audit_finds_what_the_stock_of_persons_gives_away() {
    let slot = |figure| Slot {
        programme: 0,
        evaluation: 0,
        period: 0,
        figure,
        term: 0,
    };
    let mut system = System::default();
    let now = system.cell(slot(0), 21.0, true);
    let before = system.cell(slot(1), 20.0, true);
    let entries = system.cell(slot(2), 3.0, true);
    let exits = system.cell(slot(3), 2.0, true);
    system.relate(
        vec![(now, 1.0), (before, -1.0), (entries, -1.0), (exits, 1.0)],
        0.0,
    );
    let shown = |s: &Slot| match s.figure {
        0 => Shown::Value(21.0),
        1 => Shown::Value(20.0),
        _ => Shown::Masked(5),
    };
    let leaks = system.audit(&shown, 5);
    assert_eq!(
        leaks,
        [
            Leak {
                slot: slot(2),
                low: 2.0,
                high: 4.0
            },
            Leak {
                slot: slot(3),
                low: 1.0,
                high: 3.0
            }
        ]
    );
    // With the persons present at the end « masqué », nothing is left to solve for.
    let hidden = |s: &Slot| match s.figure {
        0 => Shown::Withheld,
        _ => shown(s),
    };
    assert!(system.audit(&hidden, 5).is_empty());
}

/// On `tests/fixtures/graphiques`, 2025: 7 entries, one a month from January to July,
/// and the persons present at the end of each month, 15 in December 2024, then 16, 17
/// … 22 in July. Shown as they are, with the seven months of entries « masqué »
/// instead: the months could split the 7 entries any way, were it not that whoever is
/// present at the end of a month was present the month before or entered in it. Each
/// month's entries are then at least its rise in presents, 1, and seven months of at
/// least 1 adding up to 7 are each 1.
#[test]
fn the_audit_finds_what_the_month_end_presents_give_away() {
    let (system, _, threshold, names) =
        published_run_named("tests/fixtures/graphiques/bilan.toml", 2025);
    let months: Vec<String> = (1..=7)
        .map(|m| format!("entrees_par_mois entrees:2025-0{m} 2025-01-01"))
        .collect();
    let shown = |s: &Slot| {
        let Some(name) = names.get(s) else {
            return Shown::Empty;
        };
        if months.contains(name) {
            return Shown::Withheld;
        }
        system
            .find(s)
            .map_or(Shown::Empty, |c| Shown::Value(system.cells[c].value))
    };
    let leaks = system.audit(&shown, threshold);
    let mut found: Vec<(&str, f64, f64)> = leaks
        .iter()
        .map(|l| (names[&l.slot].as_str(), l.low, l.high))
        .collect();
    found.sort_by(|a, b| a.0.cmp(b.0));
    let expected: Vec<(&str, f64, f64)> = months.iter().map(|m| (m.as_str(), 1.0, 1.0)).collect();
    assert_eq!(found, expected);
}

/// The masks of each figure alone (every count of 1 to 4 « < 5 », nothing more) leave
/// leaks on the samples: the audit is no check that cannot fail.
#[test]
fn the_masks_of_each_figure_alone_leak_on_the_samples() {
    let (system, shown, threshold) = published_run(SAMPLES[0], 2025);
    let naive = |s: &Slot| match shown.get(s).copied().unwrap_or(Shown::Empty) {
        Shown::Withheld => {
            system
                .find(s)
                .map(|c| system.cells[c].value)
                .map_or(Shown::Withheld, |v| {
                    if v >= 1.0 && v < f64::from(threshold) {
                        Shown::Masked(threshold)
                    } else {
                        Shown::Value(v)
                    }
                })
        }
        other => other,
    };
    assert!(!system.audit(&naive, threshold).is_empty());
}

/// Every sample site and the small sites of the tests (6 to 40 persons), 2024 and
/// 2025: nothing published in `diffusion` can be solved for.
#[test]
fn nothing_masked_can_be_solved_for_on_the_samples() {
    let mut failures = Vec::new();
    for config in SAMPLES {
        for year in [2024, 2025] {
            let (system, shown, threshold) = published_run(config, year);
            let leaks = system.audit(
                &|s| shown.get(s).copied().unwrap_or(Shown::Empty),
                threshold,
            );
            if !leaks.is_empty() {
                failures.push(format!("{config} {year} :\n{}", describe(&leaks)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The national consolidation of these sites in `diffusion`, read as an evaluator
/// holding it and every site's own `diffusion` file: the sites' rows are those of their
/// own files, and nothing masked, in a site or in an ensemble, can be solved for from all
/// of them with an ensemble the sum of its sites. Gives the number of leaks the same
/// audit finds when the ensembles are published with the masks of each figure alone.
fn audit_national(configs: &[String]) -> usize {
    use bilan::privacy::Audience;
    let root = tempfile::tempdir().expect("tempdir");
    let mut sites = Vec::new();
    let mut own = HashMap::new();
    for (i, config) in configs.iter().enumerate() {
        let folder = root.path().join(format!("site{i}"));
        common::run_report(config, "2025", "interne", &folder);
        let diffusion = root.path().join(format!("site{i}-diffusion"));
        common::run_report(config, "2025", "diffusion", &diffusion);
        own.extend(published_cells(
            &std::fs::read(diffusion.join("indicateurs.csv")).expect("indicateurs.csv"),
        ));
        sites.push(bilan::national::read_folder(&folder).expect("dossier"));
    }
    let catalogue = Catalogue::builtin().expect("catalogue");
    let national = bilan::national::consolidate(&catalogue, &sites, Audience::Diffusion, 5)
        .expect("consolidation");
    let published = published_cells(
        &bilan::national::tables::indicators_csv(&national).expect("indicateurs.csv"),
    );
    let mut differ = Vec::new();
    for (key, cells) in &own {
        match published.get(key) {
            Some(national) if national == cells => {}
            other => differ.push(format!("{key:?} : {cells:?} / {other:?}")),
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));

    let periods = [national.period, national.period.previous()];
    let system = bilan::national::relations(&national.programmes, periods);
    let programmes = national
        .programmes
        .iter()
        .map(|p| (p.id.as_str(), p.evaluations.as_slice()));
    // A national figure no ensemble publishes has no row: nothing of it is read.
    let (shown, names, _) = slots_of(programmes, &periods, &published);
    let read = |s: &Slot| shown.get(s).copied().unwrap_or(Shown::Empty);
    let leaks = system.audit(&read, 5);
    let named: Vec<String> = leaks
        .iter()
        .map(|l| format!("{} : de {} à {}", names[&l.slot], l.low, l.high))
        .collect();
    assert!(leaks.is_empty(), "{}", named.join("\n"));

    let naive = |s: &Slot| match read(s) {
        Shown::Withheld if !national.programmes[s.programme].members.is_empty() => system
            .find(s)
            .map(|c| system.cells[c].value)
            .map_or(Shown::Withheld, |v| {
                if (1.0..5.0).contains(&v) {
                    Shown::Masked(5)
                } else {
                    Shown::Value(v)
                }
            }),
        other => other,
    };
    system.audit(&naive, 5).len()
}

/// The five sites of `tests/fixtures/consolidation` (3 to 8 persons each).
#[test]
fn nothing_masked_can_be_solved_for_in_the_national_tables() {
    let configs: Vec<String> = ["site_a", "site_b", "site_c", "site_d", "village_e"]
        .iter()
        .map(|site| format!("tests/fixtures/consolidation/{site}/bilan.toml"))
        .collect();
    assert!(audit_national(&configs) > 0);
}

/// A site of 15 persons written by `examples/generer_grand_site 15`. In 2024 its
/// profile by sex is F 5, H 4 (« < 5 »), X 5, non renseigné 0, total 14, and the
/// completeness of `personnes.sexe` (14 of 14) pins non renseigné at 0: its own
/// diffusion withholds F and publishes the 0. A national run that relates the
/// completeness terms to nothing withheld the 0 and published F = 5 instead; read
/// with the site's file, H = 14 − 5 − 5 − 0 = 4. The national rows of a site must be
/// those of its own diffusion, and nothing may be solved for in the two together.
#[test]
fn a_site_reads_the_same_in_its_own_and_the_national_tables() {
    audit_national(&["tests/fixtures/genere-15/bilan.toml".to_string()]);
}

/// Any set of sites, named by `BILAN_AUDIT_CONFIGS` (configuration files separated by
/// `:`), as the sites generated by `examples/generer_grand_site` at several sizes:
/// `BILAN_AUDIT_CONFIGS=a/bilan.toml:b/bilan.toml cargo test --test divulgation --
/// --ignored`.
#[test]
#[ignore = "sites named by BILAN_AUDIT_CONFIGS"]
fn nothing_masked_can_be_solved_for_in_a_national_set() {
    let configs: Vec<String> = std::env::var("BILAN_AUDIT_CONFIGS")
        .expect("BILAN_AUDIT_CONFIGS")
        .split(':')
        .map(str::to_string)
        .collect();
    audit_national(&configs);
}
