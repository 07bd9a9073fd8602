//! Integration test of the figures that only a `ucsd_jeunes` programme has, on a tiny
//! hand-made fixture: `tests/fixtures/jeunes/` (reference layout, `type = "ucsd_jeunes"`,
//! no `objectif_vad` in the configuration).
//!
//! Youth-only blocks of the catalogue (grep `ucsd_jeunes` in indicators/): the age buckets
//! `18-19`, `20-21`, `22-25`, `26 et plus` of `profil_age` (under 18 → `non_reconnu`),
//! `profil_parcours_ase`, the default home-visit target of 2 per person per week
//! (`vad_par_semaine` [objectif], used by `atteinte_objectif_vad`), and the `cej` codes of
//! `activite` and `ressource_principale` (the youth headline of group F).
//!
//! Every expected figure below was computed BY HAND from `indicateurs.md` (Conventions,
//! groups A, B, C, F); the computation is written above each group of assertions.
//!
//! Period P = 2025: d = 2025-01-01, f = 2025-12-31, 365 days. N-1 = 2024 (leap, 366 days).
//! Places = 12.
//!
//! Day arithmetic: o(x) = x − d in days. Days before the 1st of each month in 2025:
//! Jan 0, Feb 31, Mar 59, Apr 90, May 120, Jun 151, Jul 181, Aug 212, Sep 243, Oct 273,
//! Nov 304, Dec 334; o(f + 1) = 365. In 2024 (leap): Jan 0, Feb 31, Mar 60, Apr 91, May 121,
//! Jun 152, Jul 182, Aug 213, Sep 244, Oct 274, Nov 305, Dec 335; o(f + 1) = 366.
//! Day rule: days in P of [s, e) = max(0, min(e, f + 1) − max(s, d)), e empty = f + 1.
//! Age: whole years at r = max(d, entree of the latest follow-up active in P); a birth year
//! alone stands for 1 July of that year.
//!
//! THE FIXTURE
//!
//! | id  | follow-up(s) [entree, sortie) motif          | born          | parcours_ase | edge case                                   |
//! |-----|----------------------------------------------|---------------|--------------|---------------------------------------------|
//! | J01 | 2024-03-01 → ongoing                         | 2005-01-01    | oui          | exactly 20 at r = d                         |
//! | J02 | 2025-06-15 → ongoing                         | 2003-06-15    | non          | exactly 22 at r = its entry                 |
//! | J03 | 2023-09-01 → 2025-02-10 relogement_autonome  | 1999-01-01    | oui          | exactly 26 at r = d; 12 VAD in 40 days      |
//! | J04 | 2024-11-01 → ongoing                         | 1999-01-02    | (empty)      | 25, one day short of 26                     |
//! | J05 | 2025-03-01 → 2025-08-31 fin_a_la_demande     | 2007-09-01    | oui          | 17: under 18 → non_reconnu; no situation    |
//! | J06 | 2025-05-01 → 2025-06-01 perdu_de_vue         | year 2005     | non          | 1 July convention: 19 (1 January would give 20); VAD ratio between 1 and 2 |
//! | J07 | 2024-07-01 → ongoing                         | (none)        | oui          | age non_renseigne; situation after f        |
//! | J08 | 2024-02-01 → 2025-03-31 fin_a_la_demande     | 2003-09-15    | « ne sait pas » | re-entry: age at its LATEST follow-up (22, not 21); parcours_ase non_reconnu; |
//! |     | 2025-10-01 → ongoing                         |               |              | entry situation of the latest follow-up; a VAD between its follow-ups |
//! | J09 | 2024-01-15 → 2024-12-31 demenagement_hors_t. | 2006-01-01    | oui          | left the day before d: N-1 only             |
//! | J10 | 2025-12-04 → ongoing                         | 2007-12-04    | non          | exactly 18 at r; exactly 28 days; 8 VAD → exactly 2 per week |
//!
//! Note: only the rows of the two annual periods (2025 and 2024) are read. The interne run
//! is not masked.

mod common;

use common::{Checks, Report};
use std::sync::OnceLock;

const DISP: &str = "jeunes";
const P25: &str = "2025-01-01";
const P24: &str = "2024-01-01";

/// The one run of this binary: 2025 and N-1 2024, audience interne.
fn sortie() -> &'static Report {
    static S: OnceLock<Report> = OnceLock::new();
    S.get_or_init(|| {
        let config = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/jeunes/bilan.toml"
        );
        common::report(config, "2025", "interne", &[2025, 2024])
    })
}

fn verif() -> Checks<'static> {
    Checks::of(sortie(), DISP)
}

// ---------------------------------------------------------------------------------------------
// A. Activité — the base the youth figures rest on
// ---------------------------------------------------------------------------------------------

#[test]
fn activite_2025() {
    let s = sortie();
    assert_eq!(
        s.header.join(","),
        common::HEADER,
        "en-tête de indicateurs.csv"
    );
    assert!(
        s.duplicates.is_empty(),
        "clés en double: {:?}",
        s.duplicates
    );
    let mut v = verif();
    for k in s.rows.keys() {
        if k.dispositif != DISP {
            v.error(format!("dispositif inattendu: {k}"));
        }
    }

    // places: from the configuration.
    v.exactly(P25, "places", &[("total", 12.0)]);

    // file_active 2025: follow-ups with entree ≤ 2025-12-31 and (sortie empty or ≥ 2025-01-01):
    //   J01 J02 J03 J04 J05 J06 J07 J08 (both) J10 = 9. Not J09 (sortie 2024-12-31 < d).
    v.exactly(P25, "file_active", &[("total", 9.0)]);

    // presents_fin at 2025-12-31: J01 J02 J04 J07 J08 (2nd) J10 = 6
    //   (J03 left 02-10, J05 08-31, J06 06-01, J08's 1st follow-up 03-31).
    v.exactly(P25, "presents_fin", &[("total", 6.0)]);

    // entrees 2025: J05 03-01, J06 05-01, J02 06-15, J08 10-01, J10 12-04 = 5;
    //   dont_readmissions: J08 (earlier follow-up 2024-02-01) = 1.
    v.exactly(
        P25,
        "entrees",
        &[("total", 5.0), ("dont_readmissions", 1.0)],
    );

    // sorties 2025: J03 02-10 relogement_autonome; J08 03-31 and J05 08-31 fin_a_la_demande;
    //   J06 06-01 perdu_de_vue → 4. (J09's 2024-12-31 is an exit of 2024.)
    v.value(P25, "sorties", "relogement_autonome", 1.0);
    v.value(P25, "sorties", "fin_a_la_demande", 2.0);
    v.value(P25, "sorties", "perdu_de_vue", 1.0);
    v.value(P25, "sorties", "demenagement_hors_territoire", 0.0);
    v.value(P25, "sorties", "non_renseigne", 0.0);
    v.value(P25, "sorties", "total", 4.0);

    // taux_occupation: days in 2025 of every follow-up:
    //   J01 [0, 365) = 365 | J02 [o(06-15)=165, 365) = 200 | J03 [0, o(02-10)=40) = 40
    //   J04 365 | J05 [o(03-01)=59, o(08-31)=242) = 183 | J06 [o(05-01)=120, o(06-01)=151) = 31
    //   J07 365 | J08 [0, o(03-31)=89) = 89 and [o(10-01)=273, 365) = 92
    //   J10 [o(12-04)=337, 365) = 28
    //   Σ = 365+200+40+365+183+31+365+89+92+28 = 1758; ÷ (12 × 365 = 4380) × 100 = 40.136986…
    v.rate(P25, "taux_occupation", "total", 1758.0, 4380.0, 100.0);

    // N-1 2024: FA = J01 J03 J04 J07 J08 (1st) J09 = 6 (J02 J05 J06 J10 enter in 2025).
    v.value(P24, "file_active", "total", 6.0);

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// B. profil_age — the youth buckets
// ---------------------------------------------------------------------------------------------

#[test]
fn profil_age_jeunes_2025() {
    let mut v = verif();

    // Age at r = max(d, entree of the latest follow-up active in 2025):
    //   J01 2005-01-01 @ 2025-01-01 (entered 2024)  → 20 (birthday that day)  → 20-21
    //   J02 2003-06-15 @ 2025-06-15 (its entry)     → 22 (birthday that day)  → 22-25
    //   J03 1999-01-01 @ 2025-01-01                 → 26 (birthday that day)  → 26 et plus
    //   J04 1999-01-02 @ 2025-01-01                 → 26 − 1 (one day short)  = 25 → 22-25
    //   J05 2007-09-01 @ 2025-03-01                 → 18 − 1 = 17 (< 18)      → non_reconnu
    //   J06 year 2005 → 2005-07-01 @ 2025-05-01     → 20 − 1 = 19             → 18-19
    //       (a 1 January convention would give 20 → 20-21)
    //   J07 no birth information                                             → non_renseigne
    //   J08 2003-09-15 @ 2025-10-01 (latest follow-up; both are active in 2025)
    //                                               → 22                      → 22-25
    //       (at d, or at its first follow-up, it would be 21 → 20-21)
    //   J10 2007-12-04 @ 2025-12-04 (its entry)     → 18 (birthday that day)  → 18-19
    //   18-19: J06 J10 = 2 | 20-21: J01 = 1 | 22-25: J02 J04 J08 = 3 | 26 et plus: J03 = 1
    //   non_renseigne: J07 = 1 | non_reconnu: J05 = 1 | total 9.
    //   Known ages (8, the 17-year-old included): 17 18 19 20 22 22 25 26;
    //   Σ = 169 → moyenne 169 / 8 = 21.125; mediane (20 + 22) / 2 = 21; effectif 8.
    //   No adult bucket (18-24, 25-34…) for this programme: `exactly` forbids them.
    v.exactly(
        P25,
        "profil_age",
        &[
            ("moyenne", 169.0 / 8.0),
            ("mediane", 21.0),
            ("effectif", 8.0),
            ("18-19", 2.0),
            ("20-21", 1.0),
            ("22-25", 3.0),
            ("26 et plus", 1.0),
            ("non_renseigne", 1.0),
            ("non_reconnu", 1.0),
            ("total", 9.0),
        ],
    );
    // The buckets in their order, then non_renseigne, non_reconnu, total.
    v.order_among(
        P25,
        "profil_age",
        &[
            "18-19",
            "20-21",
            "22-25",
            "26 et plus",
            "non_renseigne",
            "non_reconnu",
            "total",
        ],
    );

    // N-1 2024, r = max(2024-01-01, entree of the latest follow-up active in 2024):
    //   J01 2005-01-01 @ 2024-03-01 → 19 → 18-19 | J03 1999-01-01 @ 2024-01-01 → 25 → 22-25
    //   J04 1999-01-02 @ 2024-11-01 → 25 → 22-25 | J07 → non_renseigne
    //   J08 2003-09-15 @ 2024-02-01 → 20 → 20-21 | J09 2006-01-01 @ 2024-01-15 → 18 → 18-19
    //   18-19: 2 | 20-21: 1 | 22-25: 2 | 26 et plus: 0 | non_renseigne 1 | total 6.
    //   Known ages 18 19 20 25 25: Σ = 107 → moyenne 21.4; mediane 20; effectif 5.
    for (m, x) in [
        ("18-19", 2.0),
        ("20-21", 1.0),
        ("22-25", 2.0),
        ("26 et plus", 0.0),
        ("non_renseigne", 1.0),
        ("total", 6.0),
        ("moyenne", 107.0 / 5.0),
        ("mediane", 20.0),
        ("effectif", 5.0),
    ] {
        v.value(P24, "profil_age", m, x);
    }
    v.absent(P24, "profil_age", "18-24");

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// B. profil_parcours_ase — youth programmes only
// ---------------------------------------------------------------------------------------------

#[test]
fn profil_parcours_ase_2025() {
    let mut v = verif();

    // parcours_ase over FA 2025: J01 oui, J02 non, J03 oui, J04 (empty), J05 oui, J06 non,
    //   J07 oui, J08 « ne sait pas » (not a code), J10 non.
    //   oui: J01 J03 J05 J07 = 4 | non: J02 J06 J10 = 3 | non_renseigne: J04 = 1 |
    //   non_reconnu: J08 = 1 | total 9. (J09, oui, is not in FA 2025.)
    v.exactly_in_order(
        P25,
        "profil_parcours_ase",
        &[
            ("oui", 4.0),
            ("non", 3.0),
            ("non_renseigne", 1.0),
            ("non_reconnu", 1.0),
            ("total", 9.0),
        ],
    );

    // N-1 2024, FA J01 J03 J04 J07 J08 J09: oui J01 J03 J07 J09 = 4; non 0; non_renseigne
    //   J04 = 1; non_reconnu J08 = 1; total 6.
    v.value(P24, "profil_parcours_ase", "oui", 4.0);
    v.value(P24, "profil_parcours_ase", "non", 0.0);
    v.value(P24, "profil_parcours_ase", "non_renseigne", 1.0);
    v.value(P24, "profil_parcours_ase", "non_reconnu", 1.0);
    v.value(P24, "profil_parcours_ase", "total", 6.0);

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// C. Home visits against the youth target (2 per person per week by default)
// ---------------------------------------------------------------------------------------------
//
// Interventions (all visite_domicile but one):
//   J01 2025-03-10, 2025-09-15 (2) | J02 2025-07-01 telephone (not a VAD)
//   J03 2025-01-02, 01-05, 01-08, 01-11, 01-14, 01-17, 01-20, 01-23, 01-26, 01-29, 02-01,
//       02-04 (12, all before its exit 02-10)
//   J06 2025-05-02, 05-09, 05-16, 05-23, 05-30, 06-01 (6; 06-01 is its exit day)
//   J07 2025-04-04 (1) | J08 2025-06-10 (1, between its two follow-ups: not present)
//   J10 2025-12-04, 12-07, 12-10, 12-13, 12-16, 12-19, 12-22, 12-31 (8)

#[test]
fn visites_objectif_jeunes_2025() {
    let mut v = verif();

    // vad_par_semaine: VAD dated in 2025 = 2 + 12 + 6 + 1 + 1 + 8 = 30 (J08's and J06's
    //   exit-day visit included: dated in P) ÷ (Σ days 1758 ÷ 7) = 210 / 1758 = 0.119453…;
    //   objectif = 2, the ucsd_jeunes default (no objectif_vad in the configuration).
    v.rate(P25, "vad_par_semaine", "total", 30.0, 1758.0 / 7.0, 1.0);
    v.value(P25, "vad_par_semaine", "objectif", 2.0);
    v.only(P25, "vad_par_semaine", &["total", "objectif"]);

    // atteinte_objectif_vad: FA persons with ≥ 28 own days in 2025: J01 365, J02 200, J03 40,
    //   J04 365, J05 183, J06 31, J07 365, J08 89 + 92 = 181, J10 28 (the lower bound) = 9.
    //   Own VAD while present × 7 ÷ own days, against 2:
    //   J01 2 × 7 / 365 = 0.04 ✗ | J02 0 ✗ | J03 12 × 7 / 40 = 2.1 ✓ | J04 0 ✗ | J05 0 ✗ |
    //   J06 5 (06-01 is the exit day, not present) × 7 / 31 = 1.129 ✗ — it would reach a
    //   target of 1, not 2 | J07 7 / 365 ✗ | J08 0 (its 06-10 visit is between its
    //   follow-ups) ✗ | J10 8 × 7 / 28 = 2.0 ✓ (equal to the target counts).
    //   numerateur 2, denominateur 9 → 22.222…% (with a target of 1 it would be 3 / 9).
    v.rate(P25, "atteinte_objectif_vad", "total", 2.0, 9.0, 100.0);
    v.only(P25, "atteinte_objectif_vad", &["total"]);

    // N-1 2024: no VAD at all. Days in 2024: J01 [o(03-01)=60, 366) = 306 | J03 366 |
    //   J04 [o(11-01)=305, 366) = 61 | J07 [o(07-01)=182, 366) = 184 |
    //   J08 [o(02-01)=31, 366) = 335 | J09 [o(01-15)=14, o(12-31)=365) = 351 → Σ = 1603.
    //   vad_par_semaine 0 ÷ (1603 / 7) = 0, objectif 2; atteinte: all 6 have ≥ 28 days,
    //   none reaches 2 → 0 / 6.
    v.rate(P24, "vad_par_semaine", "total", 0.0, 1603.0 / 7.0, 1.0);
    v.value(P24, "vad_par_semaine", "objectif", 2.0);
    v.rate(P24, "atteinte_objectif_vad", "total", 0.0, 6.0, 100.0);

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// F. Activité and ressource principale — the `cej` codes (contrat d'engagement jeune)
// ---------------------------------------------------------------------------------------------
//
// situations.csv (ressource_principale, montant_ressources, activite):
//   J01 2024-03-01 aucune 0 aucune           ← entry (= its entree)
//   J01 2025-06-01 cej 528 cej                ← current
//   J02 2025-06-20 autre 300 etudes           ← entry (entree + 5) and current
//   J03 2023-09-01 aucune 0 formation         ← entry
//   J03 2025-01-20 salaire 1350 emploi        ← current
//   J04 2024-11-05 cej 528 cej                ← entry (entree + 4) and current
//   J05 — no row —                            → non_renseigne both
//   J06 2025-05-02 aucune 0 aucune            ← entry and current
//   J07 2024-07-01 aah 1016.05 benevolat      ← entry and current
//   J07 2026-01-05 salaire 1400 emploi        (after f: ignored)
//   J08 2024-02-01 aucune 0 aucune            (entry of its FIRST follow-up: outside the window
//                                              [2025-07-03, 2025-12-30] of its latest, 2025-10-01)
//   J08 2025-10-15 cej 528 cej                ← entry and current
//   J09 2024-01-20 cej 528 cej                (N-1 only)
//   J10 2025-12-04 aucune (empty) formation   ← entry and current

#[test]
fn activite_ressources_jeunes_2025() {
    let mut v = verif();

    // activite, current: emploi J03 = 1 | formation J10 = 1 | etudes J02 = 1 |
    //   cej J01 J04 J08 = 3 | benevolat J07 = 1 | aucune J06 = 1 | non_renseigne J05 = 1 |
    //   total 9.
    //   entry: emploi 0 | formation J03 J10 = 2 | etudes J02 = 1 | cej J04 J08 = 2 |
    //   benevolat J07 = 1 | aucune J01 J06 = 2 | non_renseigne J05 = 1 | total 9.
    v.exactly(
        P25,
        "activite",
        &[
            ("emploi", 1.0),
            ("formation", 1.0),
            ("etudes", 1.0),
            ("cej", 3.0),
            ("benevolat", 1.0),
            ("aucune", 1.0),
            ("non_renseigne", 1.0),
            ("total", 9.0),
            ("entree:emploi", 0.0),
            ("entree:formation", 2.0),
            ("entree:etudes", 1.0),
            ("entree:cej", 2.0),
            ("entree:benevolat", 1.0),
            ("entree:aucune", 2.0),
            ("entree:non_renseigne", 1.0),
            ("entree:total", 9.0),
        ],
    );

    // ressource_principale, current: aah J07 = 1 | rsa 0 | salaire J03 = 1 |
    //   cej J01 J04 J08 = 3 | pension_retraite 0 | chomage 0 | autre J02 = 1 |
    //   aucune J06 J10 = 2 | non_renseigne J05 = 1 | total 9.
    //   montants current (7 known; J10's is empty, J05 has no row):
    //   0 (J06), 300, 528, 528, 528, 1016.05, 1350 → mediane 528, effectif 7.
    //   entry: aah J07 = 1 | salaire 0 | cej J04 J08 = 2 | autre J02 = 1 |
    //   aucune J01 J03 J06 J10 = 4 | non_renseigne J05 = 1 | others 0 | total 9.
    //   montants at entry (7 known): 0 (J01), 0 (J03), 0 (J06), 300, 528, 528, 1016.05
    //   → mediane 300, effectif 7.
    v.exactly(
        P25,
        "ressource_principale",
        &[
            ("aah", 1.0),
            ("rsa", 0.0),
            ("salaire", 1.0),
            ("cej", 3.0),
            ("pension_retraite", 0.0),
            ("chomage", 0.0),
            ("autre", 1.0),
            ("aucune", 2.0),
            ("non_renseigne", 1.0),
            ("total", 9.0),
            ("mediane", 528.0),
            ("effectif", 7.0),
            ("entree:aah", 1.0),
            ("entree:rsa", 0.0),
            ("entree:salaire", 0.0),
            ("entree:cej", 2.0),
            ("entree:pension_retraite", 0.0),
            ("entree:chomage", 0.0),
            ("entree:autre", 1.0),
            ("entree:aucune", 4.0),
            ("entree:non_renseigne", 1.0),
            ("entree:total", 9.0),
            ("entree:mediane", 300.0),
            ("entree:effectif", 7.0),
        ],
    );

    // N-1 2024, current situation at 2024-12-31 over FA J01 J03 J04 J07 J08 J09:
    //   J01 aucune (2024-03-01) | J03 formation (2023-09-01) | J04 cej (2024-11-05) |
    //   J07 benevolat | J08 aucune (2024-02-01) | J09 cej (2024-01-20)
    //   → cej 2, formation 1, benevolat 1, aucune 2, emploi 0, total 6.
    v.value(P24, "activite", "cej", 2.0);
    v.value(P24, "activite", "formation", 1.0);
    v.value(P24, "activite", "benevolat", 1.0);
    v.value(P24, "activite", "aucune", 2.0);
    v.value(P24, "activite", "emploi", 0.0);
    v.value(P24, "activite", "total", 6.0);

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// The synthesis of a youth programme (issue 19)
// ---------------------------------------------------------------------------------------------

/// A youth programme is read through the young people it was made for: its key figures
/// hold the former child-welfare placements (4 in 2025, 4 in 2024: no change) and the
/// « contrat d'engagement jeune » (3 after 2: +1, no per cent after fewer than 10).
#[test]
fn the_synthesis_names_the_youth_figures() {
    let typ =
        common::plain(&std::fs::read_to_string(sortie().dir.path().join("rapport.typ")).unwrap());
    let start = typ.find("= Synthèse — ").expect("a synthesis page");
    let page = &typ[start..typ[start..].find("\n= ").map_or(typ.len(), |e| start + e)];
    for row in [
        "[#\"Jeunes passés par l'aide sociale à l'enfance\"], \"personnes\", \"4\", \"4\", \"0\",",
        "[#\"Jeunes en contrat d'engagement jeune\"], \"personnes\", \"3\", \"2\", \"+1\",",
    ] {
        assert!(page.contains(row), "{row}\n{page}");
    }
}
