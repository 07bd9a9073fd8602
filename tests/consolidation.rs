//! `bilan consolider`: the `interne` results of several sites put together
//! (indicateurs.md, « Consolidation » and « Audiences and privacy »), checked against
//! figures computed by hand from the fixture rows of `tests/fixtures/consolidation/`.
//!
//! The sites, all for 2025 (P = [2025-01-01, 2025-12-31], 365 days; the days in P of a
//! follow-up [s, e) are min(e, 2026-01-01) − max(s, 2025-01-01), the exit day excluded):
//!
//! | site | kind | places | follow-ups (entree → sortie, motif): days in P |
//! |---|---|---|---|
//! | A `ucsd_a` | ucsd | 5 | A1 2024-01-01 → : 365; A2 2024-06-01 → 2025-07-01 relogement_autonome: 181; A3 2025-03-01 → : 306; A4 2025-10-01 → : 92; A5 2023-01-01 → 2025-02-01 deces: 31. Σ 975 |
//! | B `ucsd_b` | ucsd | 6 | B1, B2, B3 2022-01-01 → : 365 each; B4 2025-01-01 → 2025-04-01 perdu_de_vue: 90; B5 2025-05-01 → : 245; B6 2024-07-01 → 2025-01-01 relogement_autonome: 0. Σ 1430 |
//! | C `ucsd_c` | ucsd | 8 | C1…C6 2023-01-01 → : 365 each; C7 2024-01-01 → 2025-06-01 relogement_autonome: 151; C8 2025-09-01 → : 122. Σ 2463 |
//! | D `ucsd_d` | ucsd | 4 | D1 2024-01-01 → : 365; D2 2025-01-01 → 2025-11-01 relogement_autonome: 304; D3 2025-07-01 → : 184. Σ 853 |
//! | E `village_e` | village | 4 | E1 2024-01-01 → : 365; E2 2025-02-01 → 2025-03-01 fin_a_la_demande: 28; E3 2025-06-01 → : 214. Σ 607 |
//!
//! A, B and C have an `interventions` table; D and E have none, so `vad_par_semaine`
//! is « non calculé » there.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use bilan::privacy::Audience;
use chrono::NaiveDate;
use common::{Checks, Report};
use sha2::{Digest, Sha256};

const FIXTURES: &str = "tests/fixtures/consolidation";
const P25: &str = "2025-01-01";
const ENSEMBLE: &str = "ensemble_ucsd";

/// The sites' configurations, in the order they are consolidated.
const SITES: [&str; 5] = ["site_a", "site_b", "site_c", "site_d", "village_e"];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
}

/// The `interne` result folder of each site, produced once for every test.
struct Results {
    _root: tempfile::TempDir,
    folders: Vec<PathBuf>,
}

fn results() -> &'static Results {
    static RESULTS: OnceLock<Results> = OnceLock::new();
    RESULTS.get_or_init(|| {
        let root = tempfile::tempdir().expect("tempdir");
        let folders = SITES
            .iter()
            .map(|site| {
                let folder = root.path().join(site);
                common::run_report(
                    &format!("{FIXTURES}/{site}/bilan.toml"),
                    "2025",
                    "interne",
                    &folder,
                );
                folder
            })
            .collect();
        Results {
            _root: root,
            folders,
        }
    })
}

fn folder(site: &str) -> &'static Path {
    let i = SITES.iter().position(|s| *s == site).expect("site connu");
    &results().folders[i]
}

/// Runs the consolidation into a new temporary folder and indexes its `indicateurs.csv`.
fn consolidated(folders: &[PathBuf], audience: Audience) -> Report {
    let out = tempfile::tempdir().expect("tempdir");
    bilan::pipeline::consolidate(folders, audience, out.path(), false, today())
        .unwrap_or_else(|e| panic!("bilan consolider ({}) a échoué : {e:#}", audience.code()));
    Report::read(out, &[2025])
}

/// The consolidation of the five sites, `interne`, made once.
fn national() -> &'static Report {
    static NATIONAL: OnceLock<Report> = OnceLock::new();
    NATIONAL.get_or_init(|| consolidated(&results().folders, Audience::Interne))
}

/// The consolidation of the five sites, `diffusion`, made once.
fn national_diffusion() -> &'static Report {
    static NATIONAL: OnceLock<Report> = OnceLock::new();
    NATIONAL.get_or_init(|| consolidated(&results().folders, Audience::Diffusion))
}

// ---------------------------------------------------------------------------------------
// Ensembles
// ---------------------------------------------------------------------------------------

/// Counts are added: `file_active`, `entrees`, `sorties` by motif. Each site's rows come as
/// received, and the village makes its own ensemble.
#[test]
fn ensemble_adds_counts() {
    let report = national();
    let mut checks = Checks::new(report);
    // file_active: A 5 (A1…A5, all active in 2025; A5 leaves 2025-02-01), B 6 (B6 leaves
    // 2025-01-01 = d: sortie ≥ d, so active), C 8, D 3 → 5 + 6 + 8 + 3 = 22.
    for (site, fa) in [
        ("ucsd_a", 5.0),
        ("ucsd_b", 6.0),
        ("ucsd_c", 8.0),
        ("ucsd_d", 3.0),
    ] {
        checks.within(site).value(P25, "file_active", "total", fa);
    }
    checks
        .within(ENSEMBLE)
        .value(P25, "file_active", "total", 22.0);
    // entrees with entree in 2025: A3, A4 (2); B4 2025-01-01, B5 (2); C8 (1); D2, D3 (2)
    // → 2 + 2 + 1 + 2 = 7; none is a readmission.
    checks.within(ENSEMBLE).value(P25, "entrees", "total", 7.0);
    checks
        .within(ENSEMBLE)
        .value(P25, "entrees", "dont_readmissions", 0.0);
    // sorties with sortie in 2025: A2 relogement_autonome, A5 deces; B4 perdu_de_vue,
    // B6 relogement_autonome (2025-01-01); C7 relogement_autonome; D2 relogement_autonome.
    // relogement_autonome 1 + 1 + 1 + 1 = 4, deces 1, perdu_de_vue 1, total 6.
    checks.within(ENSEMBLE).exactly_and_optional(
        P25,
        "sorties",
        &[
            ("relogement_autonome", 4.0),
            ("structure_medicalisee", 0.0),
            ("hospitalisation_longue", 0.0),
            ("incarceration", 0.0),
            ("deces", 1.0),
            ("demenagement_hors_territoire", 0.0),
            ("fin_a_la_demande", 0.0),
            ("perdu_de_vue", 1.0),
            ("autre", 0.0),
            ("non_renseigne", 0.0),
            ("total", 6.0),
        ],
        &[("non_reconnu", 0.0)],
    );
    // places are added too: 5 + 6 + 8 + 4 = 23.
    checks.within(ENSEMBLE).value(P25, "places", "total", 23.0);
    // The village is not an ucsd: its own ensemble, E1, E2, E3 → 3; its fin_a_la_demande
    // (E2) is not in the ucsd's sorties (checked above: 0).
    checks
        .within("village_e")
        .value(P25, "file_active", "total", 3.0);
    checks
        .within("ensemble_village")
        .value(P25, "file_active", "total", 3.0);
    checks
        .within("ensemble_village")
        .value(P25, "sorties", "fin_a_la_demande", 1.0);
    checks.finish();
}

/// The occupation rate of the ensemble is Σ days ÷ Σ (places × 365) × 100, with both terms.
#[test]
fn occupation_rate_from_summed_terms() {
    let report = national();
    let mut checks = Checks::new(report);
    // Each site as received: A 975 / (5 × 365 = 1825), B 1430 / 2190, C 2463 / 2920,
    // D 853 / 1460.
    let sites = [
        ("ucsd_a", 975.0, 1825.0),
        ("ucsd_b", 1430.0, 2190.0),
        ("ucsd_c", 2463.0, 2920.0),
        ("ucsd_d", 853.0, 1460.0),
    ];
    for (site, n, d) in sites {
        checks
            .within(site)
            .rate(P25, "taux_occupation", "total", n, d, 100.0);
    }
    // Ensemble: (975 + 1430 + 2463 + 853) / (1825 + 2190 + 2920 + 1460) × 100
    //         = 5721 / 8395 × 100 = 68.1477…
    let (n, d) = (
        975.0 + 1430.0 + 2463.0 + 853.0,
        1825.0 + 2190.0 + 2920.0 + 1460.0,
    );
    assert_eq!((n, d), (5721.0, 8395.0));
    checks
        .within(ENSEMBLE)
        .rate(P25, "taux_occupation", "total", n, d, 100.0);
    // The mean of the site rates, (53.42 + 65.30 + 84.35 + 58.42) / 4 = 65.37, is not it.
    let mean_of_rates = sites.iter().map(|(_, n, d)| n / d * 100.0).sum::<f64>() / 4.0;
    assert!(
        (mean_of_rates - n / d * 100.0).abs() > 1.0,
        "la moyenne des taux des sites ({mean_of_rates}) devrait différer du taux de l'ensemble"
    );
    checks.finish();
}

/// The mean length of the exits is Σ (mean × effectif) ÷ Σ effectif; the median is not
/// added up; the buckets are.
#[test]
fn mean_weighted_by_counts_median_left_empty() {
    let report = national();
    let mut checks = Checks::new(report);
    // Exits of 2025, sortie − entree in days:
    //   A: A2 2024-06-01 → 2025-07-01 = 365 + 30 = 395; A5 2023-01-01 → 2025-02-01
    //      = 365 + 366 + 31 = 762. Mean 578.5 over 2.
    //   B: B4 2025-01-01 → 2025-04-01 = 90; B6 2024-07-01 → 2025-01-01 = 184. Mean 137 over 2.
    //   C: C7 2024-01-01 → 2025-06-01 = 366 + 151 = 517. Mean 517 over 1.
    //   D: D2 2025-01-01 → 2025-11-01 = 304. Mean 304 over 1.
    for (site, mean, count) in [
        ("ucsd_a", 578.5, 2.0),
        ("ucsd_b", 137.0, 2.0),
        ("ucsd_c", 517.0, 1.0),
        ("ucsd_d", 304.0, 1.0),
    ] {
        checks
            .within(site)
            .value(P25, "duree_accompagnement_sortants", "moyenne", mean);
        checks
            .within(site)
            .value(P25, "duree_accompagnement_sortants", "effectif", count);
    }
    // Ensemble: (578.5 × 2 + 137 × 2 + 517 × 1 + 304 × 1) / (2 + 2 + 1 + 1)
    //         = (1157 + 274 + 517 + 304) / 6 = 2252 / 6 = 375.333…
    // (the mean of the site means, (578.5 + 137 + 517 + 304) / 4 = 384.125, is not it).
    checks.within(ENSEMBLE).value(
        P25,
        "duree_accompagnement_sortants",
        "moyenne",
        2252.0 / 6.0,
    );
    checks
        .within(ENSEMBLE)
        .value(P25, "duree_accompagnement_sortants", "effectif", 6.0);
    // Medians are not added up: the row is there, empty.
    checks
        .within(ENSEMBLE)
        .no_value(P25, "duree_accompagnement_sortants", "mediane");
    // Buckets (183 days = 6 months, 365 = 1 year): < 6 mois: 90 (B4); 6 à 12 mois: 184
    // (B6), 304 (D2); 1 à 2 ans: 395 (A2), 517 (C7); 2 à 3 ans: 762 (A5).
    for (bucket, count) in [
        ("< 6 mois", 1.0),
        ("6 à 12 mois", 2.0),
        ("1 à 2 ans", 2.0),
        ("2 à 3 ans", 1.0),
        ("3 à 5 ans", 0.0),
        ("5 ans et plus", 0.0),
        ("total", 6.0),
    ] {
        checks
            .within(ENSEMBLE)
            .value(P25, "duree_accompagnement_sortants", bucket, count);
    }
    checks.finish();
}

/// A figure that one site did not compute (D has no `interventions`): the ensemble is
/// over the sites that have it.
#[test]
fn indicator_missing_at_one_site_ensemble_over_the_others() {
    let report = national();
    let mut checks = Checks::new(report);
    // D has no row of vad_par_semaine at all (« non calculé »).
    checks.within("ucsd_d").no_rows_in(P25, "vad_par_semaine");
    // VAD dated in 2025: A: A1 2025-01-10, A1 2025-04-10, A2 2025-02-10, A3 2025-05-10
    // → 4 (A1 2024-12-15 is in 2024, A3's telephone is no VAD); B: B1, B2, B5 → 3
    // (B3's entretien_local is no VAD); C: C1, C2, C3, C7, C8 → 5 (C8's
    // visite_non_aboutie is no VAD).
    // Denominators: Σ days in P ÷ 7: A 975/7, B 1430/7, C 2463/7.
    for (site, vad, days) in [
        ("ucsd_a", 4.0, 975.0),
        ("ucsd_b", 3.0, 1430.0),
        ("ucsd_c", 5.0, 2463.0),
    ] {
        checks
            .within(site)
            .rate(P25, "vad_par_semaine", "total", vad, days / 7.0, 1.0);
    }
    // Ensemble over A, B, C only: (4 + 3 + 5) / ((975 + 1430 + 2463) / 7) = 12 / (4868 / 7)
    // = 84 / 4868 = 0.017256. With D's days it would be 12 / (5721 / 7).
    checks
        .within(ENSEMBLE)
        .rate(P25, "vad_par_semaine", "total", 12.0, 4868.0 / 7.0, 1.0);
    checks.finish();
    // Its benchmark is over the values the sites publish in their own diffusion: A's 4
    // and B's 3 VAD are « < 5 » there, so their rates are masked; C's (5 VAD over 8
    // persons) at most is published: 1 site or none, not published.
    let row = benchmark("ucsd", "vad_par_semaine", "total");
    assert!(row.sites <= 1, "repère vad_par_semaine : {row:?}");
    assert!(row.values.is_none(), "repère vad_par_semaine : {row:?}");
}

// ---------------------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
struct Benchmark {
    sites: usize,
    /// minimum, q1, mediane, q3, maximum; none when not published (fewer than 5 sites).
    values: Option<[f64; 5]>,
}

/// The row of `reperes.csv` of the five sites' consolidation of a figure for 2025.
fn benchmark(kind: &str, indicateur: &str, modalite: &str) -> Benchmark {
    benchmark_in(national().dir.path(), kind, indicateur, modalite)
}

/// The row of `reperes.csv` in `out` of a figure for 2025, read by the header's names.
fn benchmark_in(out: &Path, kind: &str, indicateur: &str, modalite: &str) -> Benchmark {
    let path = out.join("reperes.csv");
    let raw = std::fs::read_to_string(&path).expect("reperes.csv");
    let mut reader = csv::Reader::from_reader(raw.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "type",
            "periode_debut",
            "periode_fin",
            "indicateur",
            "modalite",
            "sites",
            "publie",
            "minimum",
            "q1",
            "mediane",
            "q3",
            "maximum"
        ]
    );
    let mut found = Vec::new();
    for record in reader.records() {
        let r = record.unwrap();
        if &r[0] == kind
            && &r[1] == P25
            && &r[2] == "2025-12-31"
            && &r[3] == indicateur
            && &r[4] == modalite
        {
            let number = |i: usize| -> f64 {
                r[i].parse()
                    .unwrap_or_else(|_| panic!("reperes.csv {indicateur} colonne {i}: {:?}", &r[i]))
            };
            let values = match &r[6] {
                "oui" => Some([number(7), number(8), number(9), number(10), number(11)]),
                "non" => {
                    assert!(
                        (7..12).all(|i| r[i].is_empty()),
                        "reperes.csv {indicateur} non publié avec des valeurs : {r:?}"
                    );
                    None
                }
                other => panic!("reperes.csv {indicateur} publie = {other:?}"),
            };
            found.push(Benchmark {
                sites: r[5].parse().unwrap(),
                values,
            });
        }
    }
    assert_eq!(
        found.len(),
        1,
        "reperes.csv : une ligne {kind} {indicateur} [{modalite}] attendue"
    );
    found.pop().unwrap()
}

/// Benchmarks are made of the values each site publishes in its own `diffusion` run
/// (threshold 5, their configurations set none): of the four ucsd sites, D's occupation
/// rate is over its 3 follow-ups and masked there, so the benchmark is over A, B and C,
/// 3 sites: fewer than 5, not published, only the number of sites given. In both
/// audiences of the consolidation the benchmarks are the same.
#[test]
fn benchmarks_over_fewer_than_five_sites_are_not_published() {
    let row = benchmark("ucsd", "taux_occupation", "total");
    assert_eq!(row.sites, 3, "repère taux_occupation : {row:?}");
    assert!(row.values.is_none(), "repère taux_occupation : {row:?}");
    let interne = std::fs::read(national().dir.path().join("reperes.csv")).unwrap();
    let diffusion = std::fs::read(national_diffusion().dir.path().join("reperes.csv")).unwrap();
    assert_eq!(
        interne, diffusion,
        "repères identiques dans les deux audiences"
    );
}

// ---------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------

/// A copy of a result folder (flat: the tool writes no sub-folder).
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The consolidation of these folders must fail, its message in French naming each of
/// `named`, and write nothing.
fn refused(folders: &[PathBuf], named: &[&Path], words: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("national");
    let result = bilan::pipeline::consolidate(folders, Audience::Interne, &target, false, today());
    let message = match result {
        Ok(_) => panic!("consolidation acceptée, refus attendu : {folders:?}"),
        Err(e) => format!("{e:#}"),
    };
    for folder in named {
        assert!(
            message.contains(&folder.display().to_string()),
            "le message doit nommer « {} » : {message}",
            folder.display()
        );
    }
    for word in words {
        assert!(
            message.contains(word),
            "le message doit dire « {word} » : {message}"
        );
    }
    assert!(
        !target.join("indicateurs.csv").exists(),
        "un refus n'écrit rien"
    );
    message
}

#[test]
fn refuses_a_folder_without_indicateurs_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("sans_indicateurs");
    copy_folder(folder("site_b"), &broken);
    std::fs::remove_file(broken.join("indicateurs.csv")).unwrap();
    refused(
        &[folder("site_a").to_path_buf(), broken.clone()],
        &[&broken],
        &["indicateurs.csv"],
    );
}

#[test]
fn refuses_a_folder_without_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("sans_manifeste");
    copy_folder(folder("site_b"), &broken);
    std::fs::remove_file(broken.join("manifeste.json")).unwrap();
    refused(
        &[folder("site_a").to_path_buf(), broken.clone()],
        &[&broken],
        &["manifeste.json"],
    );
}

#[test]
fn refuses_a_diffusion_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let diffusion = tmp.path().join("b_diffusion");
    common::run_report(
        &format!("{FIXTURES}/site_b/bilan.toml"),
        "2025",
        "diffusion",
        &diffusion,
    );
    refused(
        &[folder("site_a").to_path_buf(), diffusion.clone()],
        &[&diffusion],
        &["diffusion", "interne"],
    );
}

#[test]
fn refuses_folders_of_different_periods() {
    let tmp = tempfile::tempdir().unwrap();
    let earlier = tmp.path().join("b_2024");
    common::run_report(
        &format!("{FIXTURES}/site_b/bilan.toml"),
        "2024",
        "interne",
        &earlier,
    );
    refused(
        &[folder("site_a").to_path_buf(), earlier.clone()],
        &[folder("site_a"), &earlier],
        &["Périodes différentes"],
    );
}

#[test]
fn refuses_different_catalogue_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("b_autre_catalogue");
    copy_folder(folder("site_b"), &other);
    // Another catalogue version in the manifest; indicateurs.csv untouched, so its
    // fingerprint still matches and only the version can be the reason.
    let path = other.join("manifeste.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let version = manifest["catalogue"].as_str().unwrap().to_string();
    let changed = format!("{}{}", "0".repeat(12), &version[12..]);
    assert_ne!(changed, version);
    manifest["catalogue"] = serde_json::Value::String(changed);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    refused(
        &[folder("site_a").to_path_buf(), other.clone()],
        &[&other],
        &["catalogue"],
    );
    // Alone, it is still refused: this tool's catalogue is not the one it was made with.
    refused(std::slice::from_ref(&other), &[&other], &["catalogue"]);
}

#[test]
fn refuses_the_same_programme_in_two_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let twice = tmp.path().join("a_encore");
    copy_folder(folder("site_a"), &twice);
    refused(
        &[folder("site_a").to_path_buf(), twice.clone()],
        &[folder("site_a"), &twice],
        &["ucsd_a", "deux dossiers"],
    );
}

#[test]
fn refuses_an_indicateurs_csv_edited_after_production() {
    let tmp = tempfile::tempdir().unwrap();
    let edited = tmp.path().join("b_modifie");
    copy_folder(folder("site_b"), &edited);
    let path = edited.join("indicateurs.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    // B's file active, 6, made 60.
    let line = "ucsd_b,2025-01-01,2025-12-31,file_active,total,6,";
    assert!(text.contains(line), "ligne {line} attendue dans {text}");
    std::fs::write(&path, text.replacen(line, &line.replace(",6,", ",60,"), 1)).unwrap();
    refused(
        &[folder("site_a").to_path_buf(), edited.clone()],
        &[&edited],
        &["modifié", "empreinte"],
    );
}

// ---------------------------------------------------------------------------------------
// Diffusion
// ---------------------------------------------------------------------------------------

const THRESHOLD: i64 = 5;
const UNBOUNDED: i64 = 1_000_000;

/// What a reader knows of a published count: its number; 1 to 4 for « < 5 »; nothing for
/// « masqué », which may be a count withheld to protect another or a « < 5 » shown
/// « masqué » so that its neighbours protect it (README, « Confidentialité »).
fn range(cell: &str) -> (i64, i64) {
    match cell {
        "< 5" => (1, THRESHOLD - 1),
        "masqué" => (0, UNBOUNDED),
        v => {
            let n: f64 = v.parse().unwrap_or_else(|_| panic!("cellule {v:?}"));
            (n as i64, n as i64)
        }
    }
}

/// The masked cells of a sum that the other cells and the total pin down.
fn recomputable(cells: &[(String, String)], total: &str) -> Vec<String> {
    let ranges: Vec<(i64, i64)> = cells.iter().map(|(_, v)| range(v)).collect();
    let (total_low, total_high) = range(total);
    let mut pinned = Vec::new();
    for (i, (name, _)) in cells.iter().enumerate() {
        if ranges[i].0 == ranges[i].1 {
            continue;
        }
        let (low_others, high_others) = ranges
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .fold((0, 0), |(l, h), (_, r)| (l + r.0, (h + r.1).min(UNBOUNDED)));
        let low = ranges[i].0.max(total_low - high_others);
        let high = ranges[i].1.min(total_high - low_others);
        if low == high {
            pinned.push(format!("{name} = {low}"));
        }
    }
    pinned
}

fn cell(report: &Report, dispositif: &str, indicateur: &str, modalite: &str) -> String {
    report
        .get(dispositif, P25, indicateur, modalite)
        .unwrap_or_else(|| panic!("{dispositif} {indicateur} [{modalite}] absent"))
        .valeur
        .clone()
}

/// The consolidated `diffusion` tables mask the small counts, the sites' rows as the
/// ensembles', and no masked cell of an ensemble's breakdown can be recomputed from its
/// total.
#[test]
fn diffusion_masks_small_counts_of_the_consolidated_tables() {
    let report = national_diffusion();
    // D's file active is 3 (D1, D2, D3), E's 3 (E1, E2, E3): 1 to 4 → « < 5 ».
    assert_eq!(cell(report, "ucsd_d", "file_active", "total"), "< 5");
    assert_eq!(cell(report, "village_e", "file_active", "total"), "< 5");
    assert_eq!(
        cell(report, "ensemble_village", "file_active", "total"),
        "< 5"
    );
    // C's file active, 8, is published; the ensemble's, 22, is not: with A 5, B 6, C 8
    // published by the sites themselves, it would give D = 22 − 19 = 3 back.
    assert_eq!(cell(report, "ucsd_c", "file_active", "total"), "8");
    assert_eq!(cell(report, ENSEMBLE, "file_active", "total"), "masqué");
    // Ensemble ucsd by sex over its 22 persons: F = A1, A2, B1, B2, D1 = 5; X = C1 = 1;
    // H = 22 − 6 = 16. X (1) is not published; masking it alone, X = 22 − 16 − 5 would give
    // it back, so F and H are masked too.
    let codes = ["F", "H", "X", "non_renseigne", "non_reconnu"];
    let cells: Vec<(String, String)> = codes
        .iter()
        .filter_map(|c| {
            report
                .get(ENSEMBLE, P25, "profil_sexe", c)
                .map(|cells| (c.to_string(), cells.valeur.clone()))
        })
        .collect();
    let x = &cells.iter().find(|(c, _)| c == "X").expect("X").1;
    assert!(
        x == "< 5" || x == "masqué",
        "ensemble profil_sexe X : {cells:?}"
    );
    let total = cell(report, ENSEMBLE, "profil_sexe", "total");
    let pinned = recomputable(&cells, &total);
    assert!(
        pinned.is_empty(),
        "ensemble profil_sexe : cases masquées recalculables {pinned:?} ({cells:?}, total {total})"
    );
    // The ensemble's sorties: relogement_autonome 4, deces 1, perdu_de_vue 1 → masked
    // (« < 5 », or « masqué » where the sites' own masks call for it), and no identifier
    // list leaves with the national tables.
    for motif in ["relogement_autonome", "deces", "perdu_de_vue"] {
        let shown = cell(report, ENSEMBLE, "sorties", motif);
        assert!(shown == "< 5" || shown == "masqué", "{motif} : {shown}");
    }
    assert!(!report.dir.path().join("detail.csv").exists());
    // The threshold used is written in the manifest.
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(report.dir.path().join("manifeste.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["audience"], "diffusion");
    assert_eq!(manifest["seuil"], 5);
}

/// No statistic over a small count in the consolidated `diffusion` tables: a mean, a
/// median or any figure computed over fewer than 5 persons (or rows) is « masqué », in a
/// site's rows as in its own `diffusion` report, and in an ensemble over few.
#[test]
fn diffusion_masks_statistics_over_few_persons() {
    let report = national_diffusion();
    let mut problems = Vec::new();
    let mut expect = |dispositif: &str, indicateur: &str, modalite: &str, want: &str| {
        let got = cell(report, dispositif, indicateur, modalite);
        if got != want {
            problems.push(format!(
                "{dispositif} {indicateur} [{modalite}] : {got:?}, attendu {want:?}"
            ));
        }
    };
    // duree_accompagnement_sortants over the exits of 2025: D 1 (D2, 304 days: the mean
    // would give D2's own length), A 2 (A2, A5), village 1 (E2, 28 days).
    for (site, over) in [
        ("ucsd_d", 1),
        ("ucsd_a", 2),
        ("village_e", 1),
        ("ensemble_village", 1),
    ] {
        assert!(over < THRESHOLD);
        expect(site, "duree_accompagnement_sortants", "moyenne", "masqué");
    }
    expect(
        "ucsd_d",
        "duree_accompagnement_sortants",
        "mediane",
        "masqué",
    );
    // anciennete_presents over those present on 2025-12-31: A 3 (A1, A3, A4), D 2 (D1, D3).
    expect("ucsd_a", "anciennete_presents", "moyenne", "masqué");
    expect("ucsd_d", "anciennete_presents", "moyenne", "masqué");
    // Mean age over D's file active, 3 persons.
    expect("ucsd_d", "profil_age", "moyenne", "masqué");
    // The occupation rate of D is over its 3 follow-ups, of the village over its 3; a
    // masked rate publishes no term, and the ensemble's rate, 5721 / 8395 × 100 over 22
    // persons, would give D's days back as 5721 − the days of A, B and C: masked too.
    expect("ucsd_d", "taux_occupation", "total", "masqué");
    expect("ensemble_village", "taux_occupation", "total", "masqué");
    expect(ENSEMBLE, "taux_occupation", "total", "masqué");
    // Over enough: the ensemble's mean length over 6 exits, 2252 / 6 = 375.333333.
    expect(
        ENSEMBLE,
        "duree_accompagnement_sortants",
        "moyenne",
        "375.333333",
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A site's masked count cannot be recomputed from the ensemble's total and the other
/// sites' published counts: the ensemble is the sum of the sites' cells.
#[test]
fn diffusion_site_count_not_recomputable_from_the_ensemble() {
    let report = national_diffusion();
    // file_active: A 5, B 6, C 8 published, D 3 « < 5 », ensemble 22: D = 22 − 19 = 3.
    let cells: Vec<(String, String)> = ["ucsd_a", "ucsd_b", "ucsd_c", "ucsd_d"]
        .iter()
        .map(|s| (s.to_string(), cell(report, s, "file_active", "total")))
        .collect();
    let total = cell(report, ENSEMBLE, "file_active", "total");
    let pinned = recomputable(&cells, &total);
    assert!(
        pinned.is_empty(),
        "file_active : cases masquées recalculables {pinned:?} ({cells:?}, ensemble {total})"
    );
}

// ---------------------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------------------

fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The consolidation's manifest lists the folders put together, with the fingerprints of
/// their manifest and `indicateurs.csv`, and its own `indicateurs.csv`'s.
#[test]
fn manifest_lists_the_folders_and_their_fingerprints() {
    let report = national();
    let out = report.dir.path();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifeste.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["audience"], "interne");
    assert_eq!(manifest["periode"]["debut"], P25);
    assert_eq!(manifest["periode"]["fin"], "2025-12-31");
    assert_eq!(
        manifest["indicateurs_csv"],
        sha256(&out.join("indicateurs.csv"))
    );
    let folders = manifest["dossiers"].as_array().expect("dossiers");
    assert_eq!(folders.len(), SITES.len(), "{manifest:#}");
    for (site, entry) in SITES.iter().zip(folders) {
        let f = folder(site);
        assert_eq!(entry["dossier"], f.display().to_string(), "{entry:#}");
        assert_eq!(
            entry["manifeste_sha256"],
            sha256(&f.join("manifeste.json")),
            "{entry:#}"
        );
        assert_eq!(
            entry["indicateurs_csv"],
            sha256(&f.join("indicateurs.csv")),
            "{entry:#}"
        );
    }
    let expected_ids = ["ucsd_a", "ucsd_b", "ucsd_c", "ucsd_d", "village_e"];
    for (id, entry) in expected_ids.iter().zip(folders) {
        assert_eq!(entry["dispositifs"], serde_json::json!([id]), "{entry:#}");
    }
    // Every national file is written.
    for name in [
        "indicateurs.csv",
        "reperes.csv",
        "tableaux.xlsx",
        "rapport.typ",
        "manifeste.json",
    ] {
        assert!(out.join(name).exists(), "{name} absent");
    }
}

// ---------------------------------------------------------------------------------------
// Synthetic result folders: a few rows of indicateurs.csv written by hand
// ---------------------------------------------------------------------------------------

/// One row of a hand-written `indicateurs.csv` for 2025: indicateur, modalite, valeur,
/// numerateur, denominateur, unite, base.
type Line<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
);

/// Writes the result folder `dir/id` of a site with one programme `id` of `kind`, its
/// threshold `seuil`, with these rows for 2025, as `bilan rapport --audience interne`
/// writes them (the manifest holding the fingerprint of the CSV).
fn synthetic_site(dir: &Path, id: &str, kind: &str, seuil: u32, lines: &[Line]) -> PathBuf {
    let mut csv = String::from(
        "dispositif,periode_debut,periode_fin,indicateur,modalite,valeur,numerateur,denominateur,unite,base\n",
    );
    for (indicateur, modalite, valeur, numerateur, denominateur, unite, base) in lines {
        csv.push_str(&format!(
            "{id},2025-01-01,2025-12-31,{indicateur},{modalite},{valeur},{numerateur},{denominateur},{unite},{base}\n"
        ));
    }
    write_site(dir, id, kind, seuil, &csv)
}

/// The folder `dir/id` with this `indicateurs.csv` and its manifest.
fn write_site(dir: &Path, id: &str, kind: &str, seuil: u32, csv: &str) -> PathBuf {
    let folder = dir.join(id);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("indicateurs.csv"), csv).unwrap();
    let catalogue = bilan::indicators::Catalogue::builtin().unwrap();
    let manifest = serde_json::json!({
        "format": bilan::output::manifest::FORMAT,
        "bilan": env!("CARGO_PKG_VERSION"),
        "catalogue": catalogue.version,
        "site": format!("Site {id}"),
        "periode": {"debut": "2025-01-01", "fin": "2025-12-31"},
        "periode_precedente": {"debut": "2024-01-01", "fin": "2024-12-31"},
        "audience": "interne",
        "seuil": seuil,
        "dispositifs": [{
            "id": id,
            "nom": format!("Dispositif {id}"),
            "type": kind,
            "places": 10,
            "ouverture": "2020-01-01",
            "tables": [],
            "constats": {},
        }],
        "indicateurs_csv": sha256(&folder.join("indicateurs.csv")),
    });
    std::fs::write(
        folder.join("manifeste.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    folder
}

/// Sites with only an occupation rate: (id, rate %, base), the rate as `rate` × 36.5
/// days of 3650 place-days.
fn occupancy_sites(dir: &Path, sites: &[(&str, f64, u32)]) -> Vec<PathBuf> {
    sites
        .iter()
        .map(|(id, rate, base)| {
            let (valeur, days, base) = (
                rate.to_string(),
                (rate / 100.0 * 3650.0).to_string(),
                base.to_string(),
            );
            synthetic_site(
                dir,
                id,
                "ucsd",
                5,
                &[(
                    "taux_occupation",
                    "total",
                    &valeur,
                    &days,
                    "3650",
                    "%",
                    &base,
                )],
            )
        })
        .collect()
}

/// The base column: a count's own value, a mean's persons, nothing for the places; in
/// `diffusion`, empty everywhere. Site D (3 follow-ups: D1, D2, D3; one exit, D2).
#[test]
fn base_column_of_a_small_site() {
    let interne = Report::read(
        {
            let dir = tempfile::tempdir().unwrap();
            copy_folder(folder("site_d"), dir.path());
            dir
        },
        &[2025],
    );
    assert_eq!(interne.header.last().map(String::as_str), Some("base"));
    let base = |r: &Report, i: &str, m: &str| {
        r.get("ucsd_d", P25, i, m)
            .unwrap_or_else(|| panic!("{i} [{m}] absent"))
            .base
            .clone()
    };
    // file_active 3: its own value.
    assert_eq!(base(&interne, "file_active", "total"), "3");
    // The mean length of the exits is over D2 alone.
    assert_eq!(
        base(&interne, "duree_accompagnement_sortants", "moyenne"),
        "1"
    );
    // The places are about no one.
    assert_eq!(base(&interne, "places", "total"), "");
    // Completeness of personnes.sexe is over the 3 rows of personnes of the file active.
    assert_eq!(base(&interne, "completude", "personnes.sexe"), "3");
    let tmp = tempfile::tempdir().unwrap();
    common::run_report(
        &format!("{FIXTURES}/site_d/bilan.toml"),
        "2025",
        "diffusion",
        tmp.path(),
    );
    let diffusion = Report::read(tmp, &[2025]);
    assert!(
        diffusion.rows.values().all(|c| c.base.is_empty()),
        "diffusion : colonne base vide"
    );
    // The ensemble's base is the sum of its sites': the mean length of the exits over
    // A 2 + B 2 + C 1 + D 1 = 6 exits.
    assert_eq!(
        national()
            .get(ENSEMBLE, P25, "duree_accompagnement_sortants", "moyenne")
            .unwrap()
            .base,
        "6"
    );
}

/// A 9-column `indicateurs.csv` (before `base`) is refused, saying why.
#[test]
fn refuses_an_indicateurs_csv_without_base() {
    let tmp = tempfile::tempdir().unwrap();
    let old = write_site(
        tmp.path(),
        "ancien",
        "ucsd",
        5,
        "dispositif,periode_debut,periode_fin,indicateur,modalite,valeur,numerateur,denominateur,unite\n\
         ancien,2025-01-01,2025-12-31,file_active,total,6,,,personnes\n",
    );
    refused(
        std::slice::from_ref(&old),
        &[&old],
        &["version antérieure", "base"],
    );
}

/// A folder that does not exist: « introuvable », naming it.
#[test]
fn refuses_a_missing_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nulle_part");
    refused(
        &[folder("site_a").to_path_buf(), missing.clone()],
        &[&missing],
        &["introuvable"],
    );
}

/// `completude` in an ensemble: Σ numerators ÷ Σ denominators.
#[test]
fn completeness_of_an_ensemble_of_two_sites() {
    let tmp = tempfile::tempdir().unwrap();
    // Site 1: personnes.sexe filled on 9 rows of 10 (90 %); site 2: 3 of 6 (50 %).
    let folders = [
        synthetic_site(
            tmp.path(),
            "un",
            "ucsd",
            5,
            &[("completude", "personnes.sexe", "90", "9", "10", "%", "10")],
        ),
        synthetic_site(
            tmp.path(),
            "deux",
            "ucsd",
            5,
            &[("completude", "personnes.sexe", "50", "3", "6", "%", "6")],
        ),
    ];
    let report = consolidated(&folders, Audience::Interne);
    let mut checks = Checks::new(&report);
    // (9 + 3) / (10 + 6) × 100 = 12 / 16 × 100 = 75 (the mean of the rates would be 70).
    checks
        .within(ENSEMBLE)
        .rate(P25, "completude", "personnes.sexe", 12.0, 16.0, 100.0);
    checks.finish();
    assert_eq!(
        report
            .get(ENSEMBLE, P25, "completude", "personnes.sexe")
            .unwrap()
            .base,
        "16"
    );
}

/// `taux_participation` consolidated: Σ participants ÷ Σ over the sites of (events with a
/// count × mean persons present).
#[test]
fn participation_consolidated_by_the_rule_of_the_spec() {
    let tmp = tempfile::tempdir().unwrap();
    // Site 1: 10 events with a count, 30 participants (3 per event), 6 persons present on
    // average: 3 / 6 = 0.5. Site 2: 2 events, 8 participants (4 per event), 20 present:
    // 4 / 20 = 0.2.
    let site =
        |id: &str, participants: &str, events: &str, mean: &str, present: &str, rate: &str| {
            synthetic_site(
                tmp.path(),
                id,
                "village",
                5,
                &[
                    (
                        "vie_collective",
                        "total",
                        events,
                        "",
                        "",
                        "événements",
                        events,
                    ),
                    (
                        "vie_collective",
                        "participants",
                        participants,
                        "",
                        "",
                        "participants",
                        events,
                    ),
                    (
                        "vie_collective",
                        "participants_moyenne",
                        mean,
                        participants,
                        events,
                        "participants par événement",
                        events,
                    ),
                    (
                        "vie_collective",
                        "taux_participation",
                        rate,
                        mean,
                        present,
                        "participants par personne présente (rapport)",
                        events,
                    ),
                ],
            )
        };
    let folders = [
        site("un", "30", "10", "3", "6", "0.5"),
        site("deux", "8", "2", "4", "20", "0.2"),
    ];
    let report = consolidated(&folders, Audience::Interne);
    let mut checks = Checks::new(&report);
    // Σ participants 30 + 8 = 38; Σ events × present = 10 × 6 + 2 × 20 = 100: 0.38.
    // Published with its terms over the 12 events: mean participants 38 / 12, mean
    // persons present weighted by the events 100 / 12. (The sum of the sites' terms
    // would give (3 + 4) / (6 + 20) = 0.269.)
    checks.within("ensemble_village").rate(
        P25,
        "vie_collective",
        "taux_participation",
        38.0 / 12.0,
        100.0 / 12.0,
        1.0,
    );
    checks.finish();
}

/// Benchmarks over 4 sites are not published; over 5 they are, as QUARTILE.INC; a site
/// whose own diffusion masks its rate (over 3 persons) is not one of them.
#[test]
fn benchmarks_with_four_and_with_five_sites() {
    let tmp = tempfile::tempdir().unwrap();
    let four = occupancy_sites(
        tmp.path(),
        &[
            ("s1", 50.0, 10),
            ("s2", 60.0, 10),
            ("s3", 70.0, 10),
            ("s4", 80.0, 10),
            // Over 3 persons: « masqué » in its own diffusion, so not in the benchmark.
            ("s5", 99.0, 3),
        ],
    );
    for audience in [Audience::Interne, Audience::Diffusion] {
        let report = consolidated(&four, audience);
        let row = benchmark_in(report.dir.path(), "ucsd", "taux_occupation", "total");
        assert_eq!(row.sites, 4, "{row:?}");
        assert!(row.values.is_none(), "4 sites : non publié, {row:?}");
        let typ = std::fs::read_to_string(report.dir.path().join("rapport.typ")).unwrap();
        assert!(typ.contains("non publié (4 sites)"), "document national");
    }
    let mut five = four;
    five.extend(occupancy_sites(tmp.path(), &[("s6", 90.0, 10)]));
    let report = consolidated(&five, Audience::Interne);
    let row = benchmark_in(report.dir.path(), "ucsd", "taux_occupation", "total");
    // Sorted 50, 60, 70, 80, 90 (s5's 99 left out): n = 5, ranks 0, 1, 2, 3, 4 for q = 0,
    // ¼, ½, ¾, 1: 50, 60, 70, 80, 90.
    assert_eq!(row.sites, 5, "{row:?}");
    let values = row.values.expect("5 sites : publié");
    for (got, want) in values.iter().zip([50.0, 60.0, 70.0, 80.0, 90.0]) {
        assert!((got - want).abs() < 1e-6, "{values:?}");
    }
    let typ =
        common::plain(&std::fs::read_to_string(report.dir.path().join("rapport.typ")).unwrap());
    assert!(typ.contains("Médiane (5 sites)"), "document national");
}

/// 200 sites of one kind: the national chart of a key rate is split into charts of at
/// most 40 sites, each with the median and quartiles of all 200 sites.
#[test]
fn national_charts_stay_readable_with_200_sites() {
    let tmp = tempfile::tempdir().unwrap();
    let sites: Vec<(String, f64)> = (0..200)
        .map(|i| (format!("site{i:03}"), 50.0 + f64::from(i % 40)))
        .collect();
    let specs: Vec<(&str, f64, u32)> = sites.iter().map(|(id, r)| (id.as_str(), *r, 10)).collect();
    let folders = occupancy_sites(tmp.path(), &specs);
    let report = consolidated(&folders, Audience::Interne);
    let typ =
        common::plain(&std::fs::read_to_string(report.dir.path().join("rapport.typ")).unwrap());
    let charts: Vec<&str> = typ
        .lines()
        .filter(|l| l.trim_start().starts_with("#positions("))
        .collect();
    // 200 sites ÷ 40 = 5 charts, each of 40 sites, with the median of the 200.
    assert_eq!(charts.len(), 5, "graphiques du taux d'occupation");
    for chart in &charts {
        let bars = chart.matches("(\"Site site").count();
        assert_eq!(bars, 40, "{chart}");
        assert!(chart.contains("Médiane (200 sites)"), "{chart}");
    }
    assert!(typ.contains("(sites 161 à 200 sur 200)"));
}

/// The national workbook sets each month of the period before beside the same month of
/// the period: `entrees_par_mois` of the ucsd ensemble, January. 2025: B4 (2025-01-01)
/// and D2 (2025-01-01) → 2; 2024: A1, C7 and D1 (all 2024-01-01) → 3.
#[test]
fn national_workbook_monthly_series_with_their_n_1() {
    use calamine::{Data, Reader, open_workbook_auto};
    let path = national().dir.path().join("tableaux.xlsx");
    let mut workbook = open_workbook_auto(&path).unwrap();
    let sheet = workbook
        .worksheet_range("Activité")
        .expect("feuille Activité");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let column = rows
        .iter()
        .find_map(|r| r.iter().position(|c| *c == ENSEMBLE))
        .expect("colonne de l'ensemble");
    let january: Vec<&&[Data]> = rows
        .iter()
        .filter(|r| {
            let label = r.first().map(|c| c.to_string()).unwrap_or_default();
            label.starts_with("Entrées — ") && label.contains("janvier")
        })
        .collect();
    assert_eq!(january.len(), 1, "une ligne « Entrées — janvier 2025 »");
    let cell = |k: usize| january[0].get(k).map(|c| c.to_string()).unwrap_or_default();
    assert_eq!((cell(column), cell(column + 1)), ("2".into(), "3".into()));
}

// ---------------------------------------------------------------------------------------
// The national document
// ---------------------------------------------------------------------------------------

/// Six ucsd sites with a file active and a 12-month housing retention rate, seuil 5:
///
/// | site | file active | maintien à 12 mois |
/// |---|---|---|
/// | c1 | 10 | 9 / 10 = 90 % |
/// | c2 | 10 | 8 / 10 = 80 % |
/// | c3 | 10 | 7 / 10 = 70 % |
/// | c4 | 10 | 6 / 10 = 60 % |
/// | c5 | 10 | 5 / 10 = 50 % |
/// | c6 | 3 | 2 / 3 = 66,7 %, over 3 persons: masked in its own diffusion |
///
/// The benchmark is over the five values the sites publish (c6's left out): sorted 50,
/// 60, 70, 80, 90, QUARTILE.INC at ranks 1, 2, 3 gives Q1 = 60, median = 70, Q3 = 80.
/// The ensemble in `interne`: Σ 37 / Σ 53 = 69,8 %.
///
/// Site c1's manifest tells more of its provenance: produced on 15 January 2026, 12 + 20
/// rows read of which 2 + 0 left out, findings 1 valeur_manquante and 2
/// identifiant_en_double.
fn comparison_sites(dir: &Path) -> Vec<PathBuf> {
    let sites = [
        ("c1", "9", "10"),
        ("c2", "8", "10"),
        ("c3", "7", "10"),
        ("c4", "6", "10"),
        ("c5", "5", "10"),
        ("c6", "2", "3"),
    ];
    let folders: Vec<PathBuf> = sites
        .iter()
        .map(|(id, n, d)| {
            let rate = (n.parse::<f64>().unwrap() / d.parse::<f64>().unwrap() * 100.0).to_string();
            synthetic_site(
                dir,
                id,
                "ucsd",
                5,
                &[
                    ("file_active", "total", d, "", "", "personnes", d),
                    ("maintien_logement_12m", "total", &rate, n, d, "%", d),
                ],
            )
        })
        .collect();
    let path = folders[0].join("manifeste.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    manifest["produit_le"] = "2026-01-15".into();
    manifest["dispositifs"][0]["tables"] = serde_json::json!([
        {"table": "personnes", "fichier": "personnes.csv", "sha256": "0", "lignes_lues": 12, "lignes_ecartees": 2},
        {"table": "accompagnements", "fichier": "accompagnements.csv", "sha256": "0", "lignes_lues": 20, "lignes_ecartees": 0},
    ]);
    manifest["dispositifs"][0]["constats"] =
        serde_json::json!({"identifiant_en_double": 2, "valeur_manquante": 1});
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    folders
}

/// The national document of the comparison sites, as plain text (no-break spaces as
/// spaces).
fn comparison_document(audience: Audience) -> (Report, String) {
    let tmp = tempfile::tempdir().unwrap();
    let report = consolidated(&comparison_sites(tmp.path()), audience);
    let typ = std::fs::read_to_string(report.dir.path().join("rapport.typ")).unwrap();
    (report, common::plain(&typ))
}

/// The comparison table: one row per programme with its site's and its own name, the
/// key figures the sites compute (file active, retention at 12 months), each rate with
/// its base; then the ensemble, then the median of the sites with its quartiles.
#[test]
fn comparison_table_rows_and_bases() {
    let (_report, typ) = comparison_document(Audience::Interne);
    assert!(
        typ.contains("\"ACT « Un chez-soi d'abord » : 6 dispositifs\""),
        "titre du tableau du type"
    );
    assert!(
        typ.contains("[Site], [Dispositif], [#\"File active\" \\ #text(size: 6.5pt, weight: \"regular\")[(#\"personnes\")]], [#\"Maintien dans le logement à 12 mois\"]"),
        "colonnes : les chiffres clés du type que les sites calculent"
    );
    for (id, file_active, rate) in [
        ("c1", "10", "90,0 % (9 sur 10)"),
        ("c2", "10", "80,0 % (8 sur 10)"),
        ("c3", "10", "70,0 % (7 sur 10)"),
        ("c4", "10", "60,0 % (6 sur 10)"),
        ("c5", "10", "50,0 % (5 sur 10)"),
        ("c6", "3", "66,7 % (2 sur 3)"),
    ] {
        let row = format!("\"Site {id}\", \"Dispositif {id}\", \"{file_active}\", \"{rate}\",");
        assert!(typ.contains(&row), "ligne {row}");
    }
    // Σ file active 53; Σ 37 retained of 53: 69,8 %.
    assert!(typ.contains(
        "[#strong[#\"53\"]], table.cell(fill: luma(235))[#strong[#\"69,8 % (37 sur 53)\"]]"
    ));
    // Counts have no benchmark; the rate's is over the five published values.
    assert!(
        typ.contains("nombre de sites], \"—\", \"70,0 % (60,0 % – 80,0 %), 5 sites\","),
        "ligne de la médiane"
    );
}

/// The chart of the retention rate: the six sites ranked by value, the median 70 and
/// the quartiles 60 and 80 over the 5 sites that publish it (computed by hand above).
#[test]
fn key_rate_chart_with_median_and_quartiles() {
    let (_report, typ) = comparison_document(Audience::Interne);
    let chart = typ
        .lines()
        .find(|l| l.trim_start().starts_with("#positions(") && l.contains("9 sur 10"))
        .expect("graphique du maintien dans le logement");
    let order: Vec<usize> = ["c1", "c2", "c3", "c6", "c4", "c5"]
        .iter()
        .map(|id| chart.find(&format!("\"Site {id}\"")).expect(id))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "rangés par valeur : {chart}"
    );
    assert!(
        chart.contains("(\"Site c6\", 66.6667, \"66,7 % (2 sur 3)\", false)"),
        "{chart}"
    );
    assert!(
        chart.contains("quartiles: (60.0000, 70.0000, 80.0000), legende: \"Médiane (5 sites)\""),
        "{chart}"
    );
    assert!(typ.contains("Lecture : en 2025, des 5 sites qui publient ce taux, la moitié ont une valeur inférieure ou égale à 70,0 %"));
    assert!(typ.contains("Champ : 6 dispositifs ACT « Un chez-soi d'abord » des sites consolidés"));
}

/// In `diffusion`, c6's rate (over 3 persons) is masked as its own diffusion masks it:
/// neither the table nor the chart gives its value, which is drawn hatched; the
/// ensemble's rate, with the five other sites' terms, would give it back (37 − 35 over
/// 53 − 50), so it is not printed with its terms either.
#[test]
fn masked_site_value_not_drawn_in_diffusion() {
    let (_report, typ) = comparison_document(Audience::Diffusion);
    let chart = typ
        .lines()
        .find(|l| l.trim_start().starts_with("#positions(") && l.contains("9 sur 10"))
        .expect("graphique du maintien dans le logement");
    assert!(
        chart.contains("(\"Site c6\", none, \"masqué\", true)"),
        "{chart}"
    );
    assert!(
        chart.contains("quartiles: (60.0000, 70.0000, 80.0000)"),
        "{chart}"
    );
    assert!(typ.contains("\"Site c6\", \"Dispositif c6\", \"< 5\", \"masqué\","));
    for secret in ["66,7", "66.6", "2 sur 3", "37 sur 53", "69,8"] {
        assert!(
            !typ.contains(secret),
            "« {secret} » dans le document diffusion"
        );
    }
}

/// The provenance annex: one row per site from its manifest; c1's as written above
/// (12 + 20 = 32 rows read, 2 + 0 = 2 left out, 1 + 2 = 3 findings, in the order of the
/// checks), the others' with no date (their manifests have none), no table, no finding.
#[test]
fn provenance_rows_from_the_manifests() {
    let (_report, typ) = comparison_document(Audience::Interne);
    let version = env!("CARGO_PKG_VERSION");
    assert!(typ.contains(&format!(
        "\"Site c1\", \"Dispositif c1\", \"15 janvier 2026\", \"{version}\", \"5\", \"32\", \"2\", \"3 (valeur obligatoire manquante : 1 ; identifiant en double : 2)\", raw("
    )));
    for id in ["c2", "c3", "c4", "c5", "c6"] {
        assert!(typ.contains(&format!(
            "\"Site {id}\", \"Dispositif {id}\", \"non indiquée\", \"{version}\", \"5\", \"0\", \"0\", \"aucun\", raw("
        )), "provenance de {id}");
    }
}

/// In `diffusion`, the provenance counts are those c1's own diffusion manifest would
/// give (seuil 5): 12 and 20 rows read are published, their sum 32 with them; 2 rows
/// left out and the findings 1 and 2 are masked, « < 5 », and a sum over them names them
/// instead of adding them (0 + « < 5 » is not printed as a number).
#[test]
fn provenance_in_diffusion_masks_small_counts() {
    let (_report, typ) = comparison_document(Audience::Diffusion);
    let version = env!("CARGO_PKG_VERSION");
    assert!(typ.contains(&format!(
        "\"Site c1\", \"Dispositif c1\", \"15 janvier 2026\", \"{version}\", \"5\", \"32\", \"< 5\", \"< 5 + < 5 (valeur obligatoire manquante : < 5 ; identifiant en double : < 5)\", raw("
    )));
    assert!(!typ.contains("identifiant en double : 2"));
}

/// A total of findings names its masked terms in the order of the checks, as the list
/// beside it does, whatever order the manifest gives them in: the same inputs give the
/// same bytes (the order of a hash map once leaked in here, a different one each run).
/// Site c1's manifest is given five kinds, masked as a site's own diffusion masks them,
/// « masqué » for the 1st and 4th in the checks' order and « < 5 » for the others: the
/// total is « masqué + < 5 + < 5 + masqué + < 5 ».
#[test]
fn a_total_of_findings_follows_the_order_of_the_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let folders = comparison_sites(tmp.path());
    let path = folders[0].join("manifeste.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    manifest["dispositifs"][0]["constats"] = serde_json::json!({
        "date_future": "< 5",
        "fin_avant_debut": "masqué",
        "identifiant_en_double": "< 5",
        "code_non_reconnu": "< 5",
        "valeur_manquante": "masqué",
    });
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let report = consolidated(&folders, Audience::Interne);
    let typ =
        common::plain(&std::fs::read_to_string(report.dir.path().join("rapport.typ")).unwrap());
    let expected = "\"masqué + < 5 + < 5 + masqué + < 5 (valeur obligatoire manquante : masqué ; \
         code non reconnu : < 5 ; identifiant en double : < 5 ; fin avant le début : masqué ; \
         date dans le futur : < 5)\"";
    assert!(typ.contains(expected), "{expected} dans le rapport");
}

/// `bilan rapport` writes the day it produced the folder in its manifest, which the
/// provenance annex of the national document prints for the site.
#[test]
fn site_manifest_records_its_production_date() {
    let raw = std::fs::read(folder("site_a").join("manifeste.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    // The fixture folders are produced today (tests/common runs them so).
    let today = chrono::Local::now().date_naive().to_string();
    assert_eq!(manifest["produit_le"], serde_json::Value::from(today));
    let typ =
        common::plain(&std::fs::read_to_string(national().dir.path().join("rapport.typ")).unwrap());
    // Its row: site, programme, the production date in French, the tool's version.
    let date = bilan::format::date(chrono::Local::now().date_naive());
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        typ.contains(&format!(
            "\"Site A de consolidation\", \"Dispositif ucsd_a\", \"{date}\", \"{version}\","
        )),
        "ligne de provenance du site A"
    );
}

/// The national workbook names each column's site, programme and kind above its id, has
/// « Données » and « Sources » sheets (each site's manifest: versions, rows read and left
/// out), and a « Données » sheet with its value and mask columns.
#[test]
fn national_workbook_sites_sources_and_data() {
    use calamine::{Data, Reader, open_workbook_auto};
    let path = national().dir.path().join("tableaux.xlsx");
    let mut workbook = open_workbook_auto(&path).unwrap();
    let names = workbook.sheet_names();
    for expected in ["Activité", "Repères", "Définitions", "Données", "Sources"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} dans {names:?}"
        );
    }
    let activity = workbook.worksheet_range("Activité").unwrap();
    let rows: Vec<&[Data]> = activity.rows().collect();
    let first = |label: &str| {
        rows.iter()
            .find(|r| r.first().is_some_and(|c| *c == label))
            .unwrap_or_else(|| panic!("ligne {label}"))
    };
    let column = first("Code")
        .iter()
        .position(|c| *c == ENSEMBLE)
        .expect("colonne de l'ensemble");
    assert_eq!(first("Site")[column].to_string(), "Ensemble des sites");
    let kind = first("Type")[column].to_string();
    assert!(
        kind.starts_with("ACT") && kind.contains("Un chez-soi d"),
        "{kind}"
    );
    let site_a = first("Code")
        .iter()
        .position(|c| *c == "ucsd_a")
        .expect("colonne de ucsd_a");
    assert_eq!(first("Site")[site_a].to_string(), "Site A de consolidation");

    let sources = workbook.worksheet_range("Sources").unwrap();
    let texts: Vec<String> = sources.rows().flatten().map(|c| c.to_string()).collect();
    for site in ["Site A", "Site B", "Site C", "Site D", "Site E"] {
        let site = format!("{site} de consolidation");
        assert!(texts.contains(&site), "{site} dans les sources");
    }
    for header in [
        "Version de bilan",
        "Lignes lues",
        "Lignes écartées",
        "Constats",
    ] {
        assert!(texts.iter().any(|t| t == header), "{header}");
    }

    // No kind has 5 sites here, so no quartile is published: each benchmark row says
    // « non publié (n sites) »; a published rate's quartile would be a fraction.
    let benchmarks = workbook.worksheet_range("Repères").unwrap();
    let mut rows = 0;
    for row in benchmarks.rows().skip(1) {
        rows += 1;
        match row.get(10) {
            Some(Data::Float(median)) if row.get(6).is_some_and(|c| *c == "%") => {
                assert!((0.0..=1.0).contains(median), "médiane d'un taux : {median}");
            }
            Some(Data::Float(_)) => {}
            _ => assert!(row[8].to_string().starts_with("non publié"), "{row:?}"),
        }
    }
    assert!(rows > 0, "des repères");

    let data = workbook.worksheet_range("Données").unwrap();
    let header: Vec<String> = data
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[9..11], ["Valeur".to_string(), "Masque".to_string()]);
}
