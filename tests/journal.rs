//! Integration test of group G (Vie du site et journal) on a tiny hand-made site with two
//! programmes: `tests/fixtures/nancy-test/` — a Village (`village`, collective site, no flats)
//! and a Logement d'abord (`lda`, with flats), each with its own journal.
//!
//! The report is made in-process through the library (`common::report` and
//! `common::run_report`: what `bilan rapport --config … --annee 2025 --sortie <tmp>` does, the
//! binary itself never started), once `interne` and once `diffusion`, and only its output
//! files are read. Every expected figure below was computed BY HAND from the
//! spec (`donnees.md`: journal and the collective-site note; `indicateurs.md`: Conventions,
//! groups A and G) and the modalités fixed by `indicators/G-journal.toml`; the computation is
//! written above each group of assertions. Mismatches are collected and reported together.
//!
//! Period P = 2025: d = 2025-01-01, f = 2025-12-31, 365 days. N-1 = 2024 (leap, 366 days).
//!
//! Day arithmetic: o(x) = x − d in days. Days before the 1st of each month in 2025:
//! Jan 0, Feb 31, Mar 59, Apr 90, May 120, Jun 151, Jul 181, Aug 212, Sep 243, Oct 273,
//! Nov 304, Dec 334; o(f + 1) = 365. In 2024 (leap): Jan 0, Feb 31, Mar 60, Apr 91, May 121,
//! Jun 152, Jul 182, Aug 213, Sep 244, Oct 274, Nov 305, Dec 335; o(f + 1) = 366.
//! Day rule: days in P of [s, e) = max(0, min(e, f + 1) − max(s, d)), e empty = f + 1.
//! Present on day t: entree ≤ t and (sortie empty or sortie > t).
//!
//! THE FIXTURE (persons PN01…PN08 in one shared personnes.csv, all required columns filled;
//! flats LN01…LN04; occupations OCN01…OCN04)
//!
//! Village « village » — places 6, opened 2024-03-01, no logements/occupations tables:
//! | id   | follow-up [entree, sortie) motif         | days 2024        | days 2025        |
//! |------|------------------------------------------|------------------|------------------|
//! | PN01 | 2024-03-01 → ongoing                     | [60, 366) = 306  | 365              |
//! | PN02 | 2024-03-15 → 2025-02-10 fin_a_la_demande | [74, 366) = 292  | [0, 40) = 40     |
//! | PN07 | 2024-04-01 → 2024-10-31 perdu_de_vue     | [91, 304) = 213  | — (not active)   |
//! | PN03 | 2024-09-01 → 2025-04-15 autre            | [244, 366) = 122 | [0, 104) = 104   |
//! | PN04 | 2025-06-01 → ongoing                     | —                | [151, 365) = 214 |
//!   Σ days 2024 = 306 + 292 + 213 + 122 = 933;  Σ days 2025 = 365 + 40 + 104 + 214 = 723.
//!   PN07 leaves on 2024-10-31, a month's last day: not present on it.
//!
//! Logement d'abord « lda » — places 4, opened 2024-06-01:
//! | id   | follow-up [entree, sortie) motif            | days 2024        | days 2025        | occupation (flat, [entree, sortie) motif_fin)    |
//! |------|---------------------------------------------|------------------|------------------|--------------------------------------------------|
//! | PN05 | 2024-06-01 → ongoing                        | [152, 366) = 214 | 365              | OCN01 LN01 2024-07-01 → ongoing                  |
//! | PN06 | 2024-06-15 → 2025-09-30 relogement_autonome | [166, 366) = 200 | [0, 272) = 272   | OCN02 LN02 2024-08-01 → 2025-09-30 fin_accomp.   |
//! | PN08 | 2024-07-01 → 2024-12-15 fin_a_la_demande    | [182, 349) = 167 | — (not active)   | OCN03 LN04 2024-08-01 → 2024-12-15 abandon       |
//! | PN03 | 2025-04-16 → ongoing                        | —                | [105, 365) = 260 | OCN04 LN03 2025-05-10 → ongoing                  |
//!   Σ days 2024 = 214 + 200 + 167 = 581;  Σ days 2025 = 365 + 272 + 260 = 897.
//!   PN03 is in BOTH programmes in 2025 (left the Village 2025-04-15, entered here 2025-04-16).
//!   Occupations active in 2025 (entree ≤ f, sortie empty or ≥ d): LN01, LN02, LN03 = 3 flats
//!   (LN04 ended 2024-12-15). Active in 2024: LN01, LN02, LN04 = 3 (LN03 starts in 2025).
//!
//! Village journal (V-numbers = data rows of village_journal.csv; « — » = empty cell; every
//! row has a `texte`, some with « SECRET-TEXTE-LIBRE » / « Zorglubinet », one spread over two
//! lines inside quotes, one with commas inside quotes):
//!   V01 2024-03-01 arrivee PN01            | V02 2024-10-31 depart PN07
//!   V03 2024-11-20 reunion_collectif —, 3  | V04 2024-12-31 incident PN02 (last day of N-1)
//!   V05 2025-01-01 reunion_collectif —, 4 (on d) | V06 2025-01-15 incident PN02 (2-line texte)
//!   V07 2025-02-10 depart PN02             | V08 2025-03-05 violence PN01
//!   V09 2025-03-05 intervention_secours PN01 | V10 2025-03-20 activite_collective —, 2
//!   V11 2025-04-15 depart PN03             | V12 2025-05-12 reunion_collectif —, participants EMPTY
//!   V13 2025-06-01 arrivee PN04            | V14 2025-06-18 voisinage — (no person)
//!   V15 2025-07-08 rencontre_partenaire —  | V16 2025-07-21 activite_collective —, 3
//!   (August 2025: NO row)                  | V17 2025-09-09 categorie EMPTY, PN04
//!   V18 2025-10-02 categorie « kermesse » (not a code: non reconnu) | V19 2025-11-14 incident PN04
//!   V20 2025-12-31 autre — (on f)
//!
//! Logement d'abord journal (L-numbers = data rows of lda_journal.csv):
//!   L01 2024-09-10 visite_logement PN08 LN04 | L02 2024-11-05 rencontre_bailleur —
//!   L03 2025-01-20 rencontre_bailleur —      | L04 2025-02-03 visite_logement PN05 LN01
//!   L05 2025-03-11 incident PN06 LN02        | L06 2025-04-16 arrivee PN03
//!   L07 2025-06-24 visite_logement PN06 LN02 | L08 2025-06-24 rencontre_partenaire —
//!   L09 2025-07-02 reunion_collectif —, 2    | L10 2025-09-30 depart PN06
//!   L11 2025-10-14 visite_logement PN05 LN01 (LN01 visited twice) | L12 2025-10-20 voisinage — LN01
//!   L13 2025-12-02 intervention_secours PN05 LN01
//!
//! Note: only the rows of the two annual periods (2025 and 2024) are read; rows of any other
//! period the tool might add are ignored. The interne run is not masked.

mod common;

use common::{Checks, Report};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

const P25: &str = "2025-01-01";
const P24: &str = "2024-01-01";
const PERIODE_25: &str = "2025-01-01/2025-12-31";
const VIL: &str = "village";
const LDA: &str = "lda";

/// The journal's code list, in its order (donnees.md).
const CODES: &[&str] = &[
    "arrivee",
    "depart",
    "incident",
    "violence",
    "intervention_secours",
    "reunion_collectif",
    "activite_collective",
    "visite_logement",
    "rencontre_bailleur",
    "rencontre_partenaire",
    "voisinage",
    "autre",
];

/// Words found only in the journal's free-text `texte` column.
const TEXTES_SECRETS: &[&str] = &["SECRET-TEXTE-LIBRE", "Zorglubinet"];

/// Every identifier of the fixture.
const IDENTIFIANTS: &[&str] = &[
    "PN01", "PN02", "PN03", "PN04", "PN05", "PN06", "PN07", "PN08", "LN01", "LN02", "LN03", "LN04",
    "OCN01", "OCN02", "OCN03", "OCN04",
];

const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/nancy-test/bilan.toml"
);

fn lancer(audience: &str, dossier: &Path) {
    common::run_report(CONFIG, "2025", audience, dossier);
}

/// The one interne run of this binary: 2025 and N-1 2024.
fn sortie() -> &'static Report {
    static S: OnceLock<Report> = OnceLock::new();
    S.get_or_init(|| common::report(CONFIG, "2025", "interne", &[2025, 2024]))
}

/// "AAAA-MM" for each month of a year.
fn mois_de(annee: i32) -> Vec<String> {
    (1..=12).map(|m| format!("{annee}-{m:02}")).collect()
}

/// "AAAA-MM" for each month from `de` to `a` (both "AAAA-MM"), inclusive.
fn mois_entre(de: &str, a: &str) -> Vec<String> {
    let parse = |s: &str| {
        let (y, m) = s.split_once('-').unwrap();
        (y.parse::<i32>().unwrap(), m.parse::<i32>().unwrap())
    };
    let (mut y, mut m) = parse(de);
    let fin = parse(a);
    let mut out = Vec::new();
    while (y, m) <= fin {
        out.push(format!("{y}-{m:02}"));
        m += 1;
        if m == 13 {
            m = 1;
            y += 1;
        }
    }
    out
}

/// Owned (modalité, valeur) pairs from a literal table.
fn paires(t: &[(&str, f64)]) -> Vec<(String, f64)> {
    t.iter().map(|(m, v)| (m.to_string(), *v)).collect()
}

/// Count of `code` in a sparse list of (code, n); 0 when absent.
fn compte(liste: &[(&str, f64)], code: &str) -> f64 {
    liste
        .iter()
        .filter(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .sum()
}

/// One month of the journal: the non-zero codes (including `non_renseigne`, `non_reconnu`)
/// and the hand-counted month total.
type Mois<'a> = (&'a str, &'a [(&'a str, f64)], f64);

/// journal_par_categorie for one programme and period: every code, `non_renseigne`,
/// `non_reconnu` when `non_reconnu > 0`, `total`; then for each month every `CODE:AAAA-MM`,
/// `non_renseigne:AAAA-MM` and `mois:AAAA-MM`. `non_reconnu:AAAA-MM` is tolerated (not
/// demanded by the modalités fixed for this test) but must then hold the month's count.
/// `annuel` and `mensuel` list only the non-zero counts; every other code is expected at 0.
fn verifier_categories(
    v: &mut Checks,
    disp: &str,
    per: &str,
    annee: i32,
    annuel: &[(&str, f64)],
    total: f64,
    mensuel: &[Mois],
) {
    let ind = "journal_par_categorie";
    let mut attendus: Vec<(String, f64)> = CODES
        .iter()
        .map(|c| (c.to_string(), compte(annuel, c)))
        .collect();
    attendus.push(("non_renseigne".into(), compte(annuel, "non_renseigne")));
    let non_reconnu = compte(annuel, "non_reconnu");
    if non_reconnu > 0.0 {
        attendus.push(("non_reconnu".into(), non_reconnu));
    }
    attendus.push(("total".into(), total));
    // Self-check of the hand counts: the categories add up to the total, the months too.
    let somme: f64 = annuel.iter().map(|(_, n)| n).sum();
    assert!(
        (somme - total).abs() < 1e-9,
        "calcul à la main incohérent: {disp} {per} catégories {somme} ≠ total {total}"
    );
    let somme_mois: f64 = mensuel.iter().map(|(_, _, n)| n).sum();
    assert!(
        (somme_mois - total).abs() < 1e-9,
        "calcul à la main incohérent: {disp} {per} mois {somme_mois} ≠ total {total}"
    );
    let mut facultatives = Vec::new();
    for m in mois_de(annee) {
        let (liste, n_mois): (&[(&str, f64)], f64) = mensuel
            .iter()
            .find(|(k, _, _)| *k == m)
            .map(|(_, l, n)| (*l, *n))
            .unwrap_or((&[], 0.0));
        let somme: f64 = liste.iter().map(|(_, n)| n).sum();
        assert!(
            (somme - n_mois).abs() < 1e-9,
            "calcul à la main incohérent: {disp} {m} {somme} ≠ {n_mois}"
        );
        for c in CODES {
            attendus.push((format!("{c}:{m}"), compte(liste, c)));
        }
        attendus.push((format!("non_renseigne:{m}"), compte(liste, "non_renseigne")));
        attendus.push((format!("mois:{m}"), n_mois));
        facultatives.push((format!("non_reconnu:{m}"), compte(liste, "non_reconnu")));
    }
    v.within(disp)
        .exactly_and_optional(per, ind, &attendus, &facultatives);
}

/// One month of partenariats: (AAAA-MM, bailleur, partenaire, voisinage, total).
type MoisPart<'a> = (&'a str, f64, f64, f64, f64);

/// partenariats: the three codes and `total`, then per month `CODE:AAAA-MM` and
/// `mois:AAAA-MM` (the monthly series convention of indicateurs.md); months not listed are all zeros.
fn verifier_partenariats(
    v: &mut Checks,
    disp: &str,
    per: &str,
    annee: i32,
    annuel: (f64, f64, f64, f64),
    mensuel: &[MoisPart],
) {
    let (b, p, vo, t) = annuel;
    let mut attendus = paires(&[
        ("rencontre_bailleur", b),
        ("rencontre_partenaire", p),
        ("voisinage", vo),
        ("total", t),
    ]);
    for m in mois_de(annee) {
        let (b, p, vo, t) = mensuel
            .iter()
            .find(|(k, ..)| *k == m)
            .map(|(_, b, p, vo, t)| (*b, *p, *vo, *t))
            .unwrap_or((0.0, 0.0, 0.0, 0.0));
        attendus.push((format!("rencontre_bailleur:{m}"), b));
        attendus.push((format!("rencontre_partenaire:{m}"), p));
        attendus.push((format!("voisinage:{m}"), vo));
        attendus.push((format!("mois:{m}"), t));
    }
    v.within(disp).exactly(per, "partenariats", &attendus);
}

/// incidents_journal without its rate: `total` and `mois:AAAA-MM` (months not listed: 0);
/// `pour_1000_jours` is checked by the caller and only allowed here.
fn verifier_incidents(
    v: &mut Checks,
    disp: &str,
    per: &str,
    annee: i32,
    total: f64,
    mensuel: &[(&str, f64)],
) {
    let ind = "incidents_journal";
    v.within(disp).value(per, ind, "total", total);
    let mut voulues = vec!["total".to_string(), "pour_1000_jours".to_string()];
    for m in mois_de(annee) {
        let n = compte(mensuel, &m);
        v.within(disp).value(per, ind, &format!("mois:{m}"), n);
        voulues.push(format!("mois:{m}"));
    }
    v.within(disp).only(per, ind, &voulues);
}

/// montee_en_charge: `places`, then for each month from `de` to `a` `presents:AAAA-MM`,
/// `places:AAAA-MM` (the places in force on its last day: this fixture's places never change,
/// so `places` every month) and `loges:AAAA-MM` when `loges` is given, same length.
#[allow(clippy::too_many_arguments)]
fn verifier_montee(
    v: &mut Checks,
    disp: &str,
    per: &str,
    places: f64,
    de: &str,
    a: &str,
    presents: &[f64],
    loges: Option<&[f64]>,
) {
    let mois = mois_entre(de, a);
    assert_eq!(
        mois.len(),
        presents.len(),
        "{disp} {per}: presents mal saisis"
    );
    let mut attendus = paires(&[("places", places)]);
    for (i, m) in mois.iter().enumerate() {
        attendus.push((format!("presents:{m}"), presents[i]));
        attendus.push((format!("places:{m}"), places));
        if let Some(l) = loges {
            assert_eq!(mois.len(), l.len(), "{disp} {per}: loges mal saisis");
            attendus.push((format!("loges:{m}"), l[i]));
        }
    }
    v.within(disp).exactly(per, "montee_en_charge", &attendus);
}

// ---------------------------------------------------------------------------------------------
// Format and group A figures the group G ones rest on
// ---------------------------------------------------------------------------------------------

#[test]
fn format_et_file_active() {
    let s = sortie();
    assert_eq!(
        s.header.join(","),
        common::HEADER,
        "en-tête de indicateurs.csv"
    );
    assert!(
        s.duplicates.is_empty(),
        "clés (dispositif, periode_debut, indicateur, modalite) en double: {:?}",
        s.duplicates
    );
    let mut v = Checks::new(s);
    // A cell is a number or empty ("no value"), never NaN / inf / text.
    for x in &s.non_numeric {
        v.error(format!(
            "cellule non numérique (attendu un nombre ou vide): {x}"
        ));
    }
    let dispositifs = s.dispositifs();
    if dispositifs != BTreeSet::from([VIL, LDA]) {
        v.error(format!(
            "dispositifs {dispositifs:?}, attendu {{lda, village}}"
        ));
    }
    // places: from the configuration.
    v.within(VIL).value(P25, "places", "total", 6.0);
    v.within(LDA).value(P25, "places", "total", 4.0);
    // file_active 2025 — PN03 counted once in EACH programme:
    //   village: PN01, PN02 (left 02-10), PN03 (left 04-15), PN04 = 4 (PN07 left in 2024);
    //   lda: PN05, PN06 (left 09-30), PN03 (from 04-16) = 3 (PN08 left in 2024).
    v.within(VIL).value(P25, "file_active", "total", 4.0);
    v.within(LDA).value(P25, "file_active", "total", 3.0);
    // file_active 2024: village PN01, PN02, PN07, PN03 = 4; lda PN05, PN06, PN08 = 3.
    v.within(VIL).value(P24, "file_active", "total", 4.0);
    v.within(LDA).value(P24, "file_active", "total", 3.0);
    // taux_occupation (same Σ days as the group G rates): village 723 ÷ (6 × 365) × 100;
    //   lda 897 ÷ (4 × 365) × 100.
    v.within(VIL)
        .rate(P25, "taux_occupation", "total", 723.0, 6.0 * 365.0, 100.0);
    v.within(LDA)
        .rate(P25, "taux_occupation", "total", 897.0, 4.0 * 365.0, 100.0);
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// journal_par_categorie
// ---------------------------------------------------------------------------------------------

#[test]
fn journal_par_categorie_2025() {
    let mut v = Checks::new(sortie());

    // Village, rows dated in 2025 = V05…V20 = 16:
    //   arrivee V13 = 1; depart V07 V11 = 2; incident V06 V19 = 2; violence V08 = 1;
    //   intervention_secours V09 = 1; reunion_collectif V05 V12 = 2 (V12's empty participants
    //   does not matter here); activite_collective V10 V16 = 2; visite_logement 0;
    //   rencontre_bailleur 0; rencontre_partenaire V15 = 1; voisinage V14 = 1; autre V20 = 1;
    //   non_renseigne V17 = 1; non_reconnu V18 « kermesse » = 1.
    //   1+2+2+1+1+2+2+0+0+1+1+1+1+1 = 16 = total. (V01…V04 are in 2024.)
    // Per month: Jan V05 V06 = 2 | Feb V07 = 1 | Mar V08 V09 V10 = 3 | Apr V11 = 1 |
    //   May V12 = 1 | Jun V13 V14 = 2 | Jul V15 V16 = 2 | Aug NOTHING = 0 (all zeros kept) |
    //   Sep V17 = 1 | Oct V18 = 1 (non reconnu, still in mois:2025-10) | Nov V19 = 1 |
    //   Dec V20 = 1 → 16.
    verifier_categories(
        &mut v,
        VIL,
        P25,
        2025,
        &[
            ("arrivee", 1.0),
            ("depart", 2.0),
            ("incident", 2.0),
            ("violence", 1.0),
            ("intervention_secours", 1.0),
            ("reunion_collectif", 2.0),
            ("activite_collective", 2.0),
            ("rencontre_partenaire", 1.0),
            ("voisinage", 1.0),
            ("autre", 1.0),
            ("non_renseigne", 1.0),
            ("non_reconnu", 1.0),
        ],
        16.0,
        &[
            (
                "2025-01",
                &[("reunion_collectif", 1.0), ("incident", 1.0)],
                2.0,
            ),
            ("2025-02", &[("depart", 1.0)], 1.0),
            (
                "2025-03",
                &[
                    ("violence", 1.0),
                    ("intervention_secours", 1.0),
                    ("activite_collective", 1.0),
                ],
                3.0,
            ),
            ("2025-04", &[("depart", 1.0)], 1.0),
            ("2025-05", &[("reunion_collectif", 1.0)], 1.0),
            ("2025-06", &[("arrivee", 1.0), ("voisinage", 1.0)], 2.0),
            (
                "2025-07",
                &[("rencontre_partenaire", 1.0), ("activite_collective", 1.0)],
                2.0,
            ),
            ("2025-08", &[], 0.0),
            ("2025-09", &[("non_renseigne", 1.0)], 1.0),
            ("2025-10", &[("non_reconnu", 1.0)], 1.0),
            ("2025-11", &[("incident", 1.0)], 1.0),
            ("2025-12", &[("autre", 1.0)], 1.0),
        ],
    );

    // Logement d'abord, rows dated in 2025 = L03…L13 = 11:
    //   arrivee L06 = 1; depart L10 = 1; incident L05 = 1; violence 0; intervention_secours
    //   L13 = 1; reunion_collectif L09 = 1; activite_collective 0; visite_logement L04 L07 L11
    //   = 3; rencontre_bailleur L03 = 1; rencontre_partenaire L08 = 1; voisinage L12 = 1;
    //   autre 0; non_renseigne 0; no non_reconnu row. 1+1+1+1+1+3+1+1+1 = 11.
    // Per month: Jan L03 | Feb L04 | Mar L05 | Apr L06 | May 0 | Jun L07 L08 = 2 | Jul L09 |
    //   Aug 0 | Sep L10 | Oct L11 L12 = 2 | Nov 0 | Dec L13 → 11.
    verifier_categories(
        &mut v,
        LDA,
        P25,
        2025,
        &[
            ("arrivee", 1.0),
            ("depart", 1.0),
            ("incident", 1.0),
            ("intervention_secours", 1.0),
            ("reunion_collectif", 1.0),
            ("visite_logement", 3.0),
            ("rencontre_bailleur", 1.0),
            ("rencontre_partenaire", 1.0),
            ("voisinage", 1.0),
        ],
        11.0,
        &[
            ("2025-01", &[("rencontre_bailleur", 1.0)], 1.0),
            ("2025-02", &[("visite_logement", 1.0)], 1.0),
            ("2025-03", &[("incident", 1.0)], 1.0),
            ("2025-04", &[("arrivee", 1.0)], 1.0),
            (
                "2025-06",
                &[("visite_logement", 1.0), ("rencontre_partenaire", 1.0)],
                2.0,
            ),
            ("2025-07", &[("reunion_collectif", 1.0)], 1.0),
            ("2025-09", &[("depart", 1.0)], 1.0),
            (
                "2025-10",
                &[("visite_logement", 1.0), ("voisinage", 1.0)],
                2.0,
            ),
            ("2025-12", &[("intervention_secours", 1.0)], 1.0),
        ],
    );
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// incidents_journal
// ---------------------------------------------------------------------------------------------

#[test]
fn incidents_journal_2025() {
    let mut v = Checks::new(sortie());
    // Village: incident|violence|intervention_secours in 2025 = V06 (Jan), V08 + V09 (Mar,
    //   same day, both counted), V19 (Nov) = 4; V04 (2024-12-31) is out of P.
    //   pour_1000_jours = 4 ÷ 723 × 1000 = 5.532503…  (Σ days 2025 of the Village = 723)
    verifier_incidents(
        &mut v,
        VIL,
        P25,
        2025,
        4.0,
        &[("2025-01", 1.0), ("2025-03", 2.0), ("2025-11", 1.0)],
    );
    v.within(VIL).rate(
        P25,
        "incidents_journal",
        "pour_1000_jours",
        4.0,
        723.0,
        1000.0,
    );

    // Logement d'abord: L05 incident (Mar), L13 intervention_secours (Dec) = 2; no violence.
    //   pour_1000_jours = 2 ÷ 897 × 1000 = 2.229654…
    verifier_incidents(
        &mut v,
        LDA,
        P25,
        2025,
        2.0,
        &[("2025-03", 1.0), ("2025-12", 1.0)],
    );
    v.within(LDA).rate(
        P25,
        "incidents_journal",
        "pour_1000_jours",
        2.0,
        897.0,
        1000.0,
    );
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// vie_collective
// ---------------------------------------------------------------------------------------------

#[test]
fn vie_collective_2025() {
    let mut v = Checks::new(sortie());
    // Village: reunion_collectif|activite_collective in 2025 = V05 (4), V10 (2), V12 (EMPTY),
    //   V16 (3) → total 4 (V12 is an event).
    //   participants = 4 + 2 + 3 = 9 (V12 left out of the sum);
    //   participants_moyenne = 9 ÷ 3 (rows with participants filled) = 3, published with its
    //   terms 9 and 3;
    //   taux_participation = 3 ÷ (723 ÷ 365) = 3 × 365 ÷ 723 = 1.514522… — the plain ratio of
    //   indicateurs.md (mean participants ÷ mean persons present); corrected from × 100
    //   (151.45…), a percentage the spec does not ask for.
    //   numerateur 3, denominateur 723 / 365 = 1.980821…
    v.within(VIL).exactly(
        P25,
        "vie_collective",
        &paires(&[
            ("total", 4.0),
            ("participants", 9.0),
            ("participants_moyenne", 3.0),
            ("taux_participation", 3.0 / (723.0 / 365.0)),
        ]),
    );
    v.within(VIL).terms(
        P25,
        "vie_collective",
        "taux_participation",
        3.0,
        723.0 / 365.0,
    );
    v.within(VIL)
        .terms(P25, "vie_collective", "participants_moyenne", 9.0, 3.0);

    // Logement d'abord: L09 reunion_collectif (2) → total 1, participants 2, moyenne 2 (2 ÷ 1);
    //   taux = 2 ÷ (897 ÷ 365) = 0.813823… (corrected from × 100, as above); numerateur 2,
    //   denominateur 897 / 365.
    v.within(LDA).exactly(
        P25,
        "vie_collective",
        &paires(&[
            ("total", 1.0),
            ("participants", 2.0),
            ("participants_moyenne", 2.0),
            ("taux_participation", 2.0 / (897.0 / 365.0)),
        ]),
    );
    v.within(LDA).terms(
        P25,
        "vie_collective",
        "taux_participation",
        2.0,
        897.0 / 365.0,
    );
    v.within(LDA)
        .terms(P25, "vie_collective", "participants_moyenne", 2.0, 1.0);
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// visites_logement
// ---------------------------------------------------------------------------------------------

#[test]
fn visites_logement_2025() {
    let mut v = Checks::new(sortie());
    // Village: no visite_logement row → total 0; it has no flats (type village), so no
    //   logements_visites / part_logements_visites.
    v.within(VIL)
        .exactly(P25, "visites_logement", &paires(&[("total", 0.0)]));

    // Logement d'abord: L04 LN01, L07 LN02, L11 LN01 → total 3; distinct flats {LN01, LN02}
    //   = 2; flats with an occupation active in 2025: LN01 (OCN01 ongoing), LN02 (OCN02 ends
    //   2025-09-30), LN03 (OCN04 from 2025-05-10) = 3 — LN04 (OCN03 ended 2024-12-15) is out.
    //   part_logements_visites = 2 ÷ 3 × 100 = 66.666…
    v.within(LDA).value(P25, "visites_logement", "total", 3.0);
    v.within(LDA)
        .value(P25, "visites_logement", "logements_visites", 2.0);
    v.within(LDA).rate(
        P25,
        "visites_logement",
        "part_logements_visites",
        2.0,
        3.0,
        100.0,
    );
    v.within(LDA).only(
        P25,
        "visites_logement",
        &["total", "logements_visites", "part_logements_visites"].map(String::from),
    );
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// partenariats
// ---------------------------------------------------------------------------------------------

#[test]
fn partenariats_2025() {
    let mut v = Checks::new(sortie());
    // Village: rencontre_bailleur 0; rencontre_partenaire V15 (Jul) = 1; voisinage V14 (Jun)
    //   = 1; total 2. Per month: Jun voisinage 1 / total 1; Jul partenaire 1 / total 1; others 0.
    //   The monthly total is « mois:AAAA-MM » (monthly series convention of indicateurs.md).
    verifier_partenariats(
        &mut v,
        VIL,
        P25,
        2025,
        (0.0, 1.0, 1.0, 2.0),
        &[
            ("2025-06", 0.0, 0.0, 1.0, 1.0),
            ("2025-07", 0.0, 1.0, 0.0, 1.0),
        ],
    );
    // Logement d'abord: bailleur L03 (Jan) = 1; partenaire L08 (Jun) = 1; voisinage L12 (Oct)
    //   = 1; total 3.
    verifier_partenariats(
        &mut v,
        LDA,
        P25,
        2025,
        (1.0, 1.0, 1.0, 3.0),
        &[
            ("2025-01", 1.0, 0.0, 0.0, 1.0),
            ("2025-06", 0.0, 1.0, 0.0, 1.0),
            ("2025-10", 0.0, 0.0, 1.0, 1.0),
        ],
    );
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// montee_en_charge
// ---------------------------------------------------------------------------------------------

#[test]
fn montee_en_charge_2025() {
    let mut v = Checks::new(sortie());
    // Village, opened 2024-03-01 → months 2024-03 … 2025-12 (22), places 6. Present on the
    //   month's last day t (entree ≤ t, sortie empty or > t):
    //   2024-03-31 PN01 PN02 = 2 | 04-30 … 08-31 + PN07 = 3 | 09-30 + PN03 = 4 |
    //   10-31 PN07 leaves that very day → 3 | 11-30 3 | 12-31 3 |
    //   2025-01-31 PN01 PN02 PN03 = 3 | 02-28 PN02 left 02-10 → 2 | 03-31 2 |
    //   04-30 PN03 left 04-15 → 1 | 05-31 1 | 06-30 + PN04 (06-01) = 2 | 07 … 12: 2.
    //   No flats: no loges:AAAA-MM.
    verifier_montee(
        &mut v,
        VIL,
        P25,
        6.0,
        "2024-03",
        "2025-12",
        &[
            2.0, 3.0, 3.0, 3.0, 3.0, 3.0, 4.0, 3.0, 3.0, // 2024-03 … 2024-11
            3.0, // 2024-12
            3.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, // 2025-01 … 12
        ],
        None,
    );

    // Logement d'abord, opened 2024-06-01 → months 2024-06 … 2025-12 (19), places 4.
    //   presents: 2024-06-30 PN05 PN06 = 2 | 07-31 + PN08 = 3 | 08 … 11: 3 |
    //   12-31 PN08 left 12-15 → 2 | 2025-01 … 03: 2 | 04-30 + PN03 (04-16) = 3 | 05 … 08: 3 |
    //   09-30 PN06 leaves that very day → 2 | 10 … 12: 2.
    //   loges (occupation present on t): 2024-06-30 none = 0 | 07-31 PN05 (OCN01 07-01) = 1 |
    //   08-31 + PN06 (OCN02 08-01) + PN08 (OCN03 08-01) = 3 | 09 … 11: 3 |
    //   12-31 OCN03 ended 12-15 → 2 | 2025-01 … 04: 2 (PN03 followed from 04-16 but not yet
    //   housed on 04-30) | 05-31 + PN03 (OCN04 05-10) = 3 | 06 … 08: 3 |
    //   09-30 OCN02 ends that day → 2 | 10 … 12: 2.
    verifier_montee(
        &mut v,
        LDA,
        P25,
        4.0,
        "2024-06",
        "2025-12",
        &[
            2.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, // 2024-06 … 2024-12
            2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, // 2025-01 … 12
        ],
        Some(&[
            0.0, 1.0, 3.0, 3.0, 3.0, 3.0, 2.0, // 2024-06 … 2024-12
            2.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, // 2025-01 … 12
        ]),
    );
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// N-1 = 2024 (366 days)
// ---------------------------------------------------------------------------------------------

#[test]
fn annee_precedente_2024() {
    let mut v = Checks::new(sortie());

    // journal_par_categorie, Village 2024: V01 arrivee (Mar), V02 depart (Oct), V03
    //   reunion_collectif (Nov), V04 incident (2024-12-31 = f of N-1, in) = 4; no non_reconnu.
    verifier_categories(
        &mut v,
        VIL,
        P24,
        2024,
        &[
            ("arrivee", 1.0),
            ("depart", 1.0),
            ("incident", 1.0),
            ("reunion_collectif", 1.0),
        ],
        4.0,
        &[
            ("2024-03", &[("arrivee", 1.0)], 1.0),
            ("2024-10", &[("depart", 1.0)], 1.0),
            ("2024-11", &[("reunion_collectif", 1.0)], 1.0),
            ("2024-12", &[("incident", 1.0)], 1.0),
        ],
    );
    // journal_par_categorie, Logement d'abord 2024: L01 visite_logement (Sep), L02
    //   rencontre_bailleur (Nov) = 2.
    verifier_categories(
        &mut v,
        LDA,
        P24,
        2024,
        &[("visite_logement", 1.0), ("rencontre_bailleur", 1.0)],
        2.0,
        &[
            ("2024-09", &[("visite_logement", 1.0)], 1.0),
            ("2024-11", &[("rencontre_bailleur", 1.0)], 1.0),
        ],
    );

    // incidents_journal 2024: Village V04 (Dec) = 1 → 1 ÷ 933 × 1000 = 1.071811…;
    //   Logement d'abord none = 0 → 0 ÷ 581 × 1000 = 0 (denominator non-empty: value 0).
    verifier_incidents(&mut v, VIL, P24, 2024, 1.0, &[("2024-12", 1.0)]);
    v.within(VIL).rate(
        P24,
        "incidents_journal",
        "pour_1000_jours",
        1.0,
        933.0,
        1000.0,
    );
    verifier_incidents(&mut v, LDA, P24, 2024, 0.0, &[]);
    v.within(LDA).rate(
        P24,
        "incidents_journal",
        "pour_1000_jours",
        0.0,
        581.0,
        1000.0,
    );

    // vie_collective 2024, Village: V03 (3) → total 1, participants 3, moyenne 3 (3 ÷ 1);
    //   taux = 3 ÷ (933 ÷ 366) = 1.176848… (corrected from × 100: the spec's plain ratio)
    v.within(VIL).exactly(
        P24,
        "vie_collective",
        &paires(&[
            ("total", 1.0),
            ("participants", 3.0),
            ("participants_moyenne", 3.0),
            ("taux_participation", 3.0 / (933.0 / 366.0)),
        ]),
    );
    v.within(VIL).terms(
        P24,
        "vie_collective",
        "taux_participation",
        3.0,
        933.0 / 366.0,
    );
    // vie_collective 2024, Logement d'abord: no collective event → total 0, participants 0
    //   (empty sum); participants_moyenne = 0 participants ÷ 0 events → no value (empty
    //   cell, "—"),
    //   and so taux_participation has no value either (its numerator has none), although its
    //   denominator 581 / 366 = 1.587431… exists.
    v.within(LDA).value(P24, "vie_collective", "total", 0.0);
    v.within(LDA)
        .value(P24, "vie_collective", "participants", 0.0);
    v.within(LDA)
        .no_value(P24, "vie_collective", "participants_moyenne");
    v.within(LDA)
        .no_value(P24, "vie_collective", "taux_participation");
    v.within(LDA)
        .denominator(P24, "vie_collective", "taux_participation", 581.0 / 366.0);
    v.within(LDA).only(
        P24,
        "vie_collective",
        &[
            "total",
            "participants",
            "participants_moyenne",
            "taux_participation",
        ]
        .map(String::from),
    );

    // visites_logement 2024: Village 0. Logement d'abord L01 LN04 → total 1, 1 flat; flats
    //   with an occupation active in 2024: LN01, LN02, LN04 = 3 (LN03 from 2025) → 33.333…
    v.within(VIL)
        .exactly(P24, "visites_logement", &paires(&[("total", 0.0)]));
    v.within(LDA).value(P24, "visites_logement", "total", 1.0);
    v.within(LDA)
        .value(P24, "visites_logement", "logements_visites", 1.0);
    v.within(LDA).rate(
        P24,
        "visites_logement",
        "part_logements_visites",
        1.0,
        3.0,
        100.0,
    );

    // partenariats 2024: Village none; Logement d'abord L02 rencontre_bailleur (Nov).
    verifier_partenariats(&mut v, VIL, P24, 2024, (0.0, 0.0, 0.0, 0.0), &[]);
    verifier_partenariats(
        &mut v,
        LDA,
        P24,
        2024,
        (1.0, 0.0, 0.0, 1.0),
        &[("2024-11", 1.0, 0.0, 0.0, 1.0)],
    );

    // montee_en_charge 2024: months from opening to December 2024 (same figures as above).
    verifier_montee(
        &mut v,
        VIL,
        P24,
        6.0,
        "2024-03",
        "2024-12",
        &[2.0, 3.0, 3.0, 3.0, 3.0, 3.0, 4.0, 3.0, 3.0, 3.0],
        None,
    );
    verifier_montee(
        &mut v,
        LDA,
        P24,
        4.0,
        "2024-06",
        "2024-12",
        &[2.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0],
        Some(&[0.0, 1.0, 3.0, 3.0, 3.0, 3.0, 2.0]),
    );
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// Order of the modalités of journal_par_categorie (kept apart from the values)
// ---------------------------------------------------------------------------------------------

#[test]
fn ordre_des_modalites_2025() {
    let mut v = Checks::new(sortie());
    // The annual block: codes in the list's order, non_renseigne, non_reconnu, total.
    let mut annuel: Vec<&str> = CODES.to_vec();
    annuel.extend(["non_renseigne", "non_reconnu", "total"]);
    v.within(VIL)
        .order_among(P25, "journal_par_categorie", &annuel);
    // The months in chronological order (their `mois:` rows), and within one month the
    // codes in the list's order, then non_renseigne, then mois.
    let vues = v.within(VIL).modalites(P25, "journal_par_categorie");
    let vu: Vec<&str> = vues
        .iter()
        .filter_map(|m| m.strip_prefix("mois:"))
        .collect();
    let attendu = mois_de(2025);
    if vu != attendu {
        v.error(format!(
            "village journal_par_categorie, mois:\n      vu      {vu:?}\n      attendu {attendu:?}"
        ));
    }
    let mut dans_mois: Vec<String> = CODES.iter().map(|c| format!("{c}:2025-08")).collect();
    dans_mois.push("non_renseigne:2025-08".into());
    dans_mois.push("mois:2025-08".into());
    v.within(VIL)
        .order_among(P25, "journal_par_categorie", &dans_mois);
    // partenariats: the three codes then total.
    let seq = [
        "rencontre_bailleur",
        "rencontre_partenaire",
        "voisinage",
        "total",
    ];
    v.within(LDA).order_among(P25, "partenariats", &seq);
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// Audience interne: detail.csv
// ---------------------------------------------------------------------------------------------

#[test]
fn detail_des_cellules_interne() {
    let s = sortie();
    let brut = s
        .detail
        .as_deref()
        .expect("detail.csv absent de la sortie interne");
    let ensemble = |ids: &[&str]| ids.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
    let cas: &[(&str, &str, &str, &[&str])] = &[
        // file_active 2025: PN03 behind BOTH programmes' count.
        (
            VIL,
            "file_active",
            "total",
            &["PN01", "PN02", "PN03", "PN04"],
        ),
        (LDA, "file_active", "total", &["PN03", "PN05", "PN06"]),
        // logements_visites 2025: the flats LN01 (twice) and LN02.
        (
            LDA,
            "visites_logement",
            "logements_visites",
            &["LN01", "LN02"],
        ),
        // montee_en_charge, present on 2025-12-31: village PN01 PN04; lda PN03 PN05.
        (
            VIL,
            "montee_en_charge",
            "presents:2025-12",
            &["PN01", "PN04"],
        ),
        (
            LDA,
            "montee_en_charge",
            "presents:2025-12",
            &["PN03", "PN05"],
        ),
        (LDA, "montee_en_charge", "loges:2025-12", &["PN03", "PN05"]),
    ];
    let mut erreurs = Vec::new();
    for (disp, ind, moda, attendu) in cas {
        let (vu, doublons) = common::detail_ids(brut, disp, ind, moda, PERIODE_25);
        let attendu = ensemble(attendu);
        if vu != attendu {
            erreurs.push(format!(
                "{disp} {ind} [{moda}] {PERIODE_25}: identifiants {vu:?}, attendu {attendu:?}"
            ));
        }
        if doublons > 0 {
            erreurs.push(format!(
                "{disp} {ind} [{moda}] {PERIODE_25}: {doublons} identifiant(s) en double"
            ));
        }
    }
    assert!(
        erreurs.is_empty(),
        "detail.csv:\n  {}",
        erreurs.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// The journal's free text never reaches any output (both audiences); no identifier in the
// diffusion outputs.
// ---------------------------------------------------------------------------------------------

/// Every text of every file under `dossier` (xlsx: every cell via calamine), with its place.
fn textes_sortie(dossier: &Path) -> Vec<(String, String)> {
    let mut tout = Vec::new();
    let mut a_voir = vec![dossier.to_path_buf()];
    while let Some(rep) = a_voir.pop() {
        for entree in std::fs::read_dir(&rep).expect("lecture du dossier de sortie") {
            let chemin = entree.expect("entrée du dossier").path();
            if chemin.is_dir() {
                a_voir.push(chemin);
                continue;
            }
            let nom = chemin
                .strip_prefix(dossier)
                .unwrap_or(&chemin)
                .display()
                .to_string();
            if chemin.extension().is_some_and(|e| e == "xlsx") {
                let t = common::xlsx_texts(&chemin);
                assert!(
                    t.iter().any(|(_, x)| !x.trim().is_empty()),
                    "{nom}: aucune cellule lue par calamine"
                );
                tout.extend(t.into_iter().map(|(ou, x)| (format!("{nom} {ou}"), x)));
            } else {
                let octets = std::fs::read(&chemin).expect("lecture d'un fichier de sortie");
                tout.push((nom, String::from_utf8_lossy(&octets).into_owned()));
            }
        }
    }
    tout
}

fn chercher(textes: &[(String, String)], mots: &[&str]) -> Vec<String> {
    let mut fuites = Vec::new();
    for (ou, texte) in textes {
        for mot in mots {
            if texte.contains(mot) {
                fuites.push(format!("{ou}: « {mot} »"));
            }
        }
    }
    fuites
}

#[test]
fn texte_libre_jamais_repris_interne() {
    let s = sortie();
    let dossier = s.dir.path();
    for attendu in [
        "indicateurs.csv",
        "rapport.typ",
        "tableaux.xlsx",
        "detail.csv",
    ] {
        assert!(
            dossier.join(attendu).exists(),
            "{attendu} absent de la sortie interne"
        );
    }
    let fuites = chercher(&textes_sortie(dossier), TEXTES_SECRETS);
    assert!(
        fuites.is_empty(),
        "texte libre du journal présent dans la sortie interne:\n  {}",
        fuites.join("\n  ")
    );
}

#[test]
fn diffusion_sans_texte_libre_ni_identifiant() {
    let tmp = tempfile::tempdir().expect("tempdir");
    lancer("diffusion", tmp.path());
    let dossier = tmp.path();
    assert!(
        !dossier.join("detail.csv").exists(),
        "detail.csv ne doit pas être écrit pour l'audience diffusion"
    );
    for attendu in ["indicateurs.csv", "rapport.typ", "tableaux.xlsx"] {
        assert!(
            dossier.join(attendu).exists(),
            "{attendu} absent de la sortie diffusion"
        );
    }
    let textes = textes_sortie(dossier);
    let mut fuites = chercher(&textes, TEXTES_SECRETS);
    fuites.extend(chercher(&textes, IDENTIFIANTS));
    assert!(
        fuites.is_empty(),
        "texte libre ou identifiants présents dans la sortie diffusion:\n  {}",
        fuites.join("\n  ")
    );
}
