//! Integration test of groups A (Activité) and B (Profil) on a tiny hand-made
//! fixture full of edge cases: `tests/fixtures/bords/`.
//!
//! The report is made once, in-process through the library (`common::report`, what
//! `bilan rapport --config … --annee 2024 --sortie <tmp>` does), and only its
//! `indicateurs.csv` is read. Every expected figure below was computed BY HAND
//! from the spec `indicateurs.md` (Conventions, groups A and B) plus the lead's fixed decisions on modalités;
//! the computation is written above each group of assertions.
//!
//! Period P = 2024: d = 2024-01-01, f = 2024-12-31, 366 days (leap year).
//! N-1 = 2023: d' = 2023-01-01, f' = 2023-12-31, 365 days. Places = 10.
//!
//! Day arithmetic: o(x) = x − 2024-01-01 in days. Days before the 1st of each month in 2024
//! (leap): Jan 0, Feb 31, Mar 60, Apr 91, May 121, Jun 152, Jul 182, Aug 213, Sep 244,
//! Oct 274, Nov 305, Dec 335; so o(2024-12-31) = 365 and o(2025-01-01) = 366.
//! Same for 2023: Jan 0, Feb 31, Mar 59, Apr 90, May 120, Jun 151, Jul 181, Aug 212, Sep 243,
//! Oct 273, Nov 304, Dec 334; o'(2024-01-01) = 365.
//! Day rule: days in P of [s, e) = max(0, min(e, f+1) − max(s, d)), e empty = f + 1.
//!
//! THE FIXTURE (personnes.csv has a fake `nom` column: "FICTIF …", never to be output)
//!
//! | id  | follow-up(s) [entree, sortie] motif               | born           | sexe | edge case(s)                                          |
//! |-----|---------------------------------------------------|----------------|------|-------------------------------------------------------|
//! | P01 | 2024-01-01 → ongoing                              | 1980-05-10     | F    | entry on d; anciennete exactly 365 (1 à 2 ans)        |
//! | P02 | 2024-12-31 → ongoing                              | 1959-12-31     | H    | entry on f (1 day in P); aged exactly 65 on ref. date |
//! | P03 | 2022-06-15 → 2024-01-01 relogement_autonome       | 1975-03-03     | H    | exit on d: in FA, 0 days in P, not present at d       |
//! | P04 | 2024-03-10 → 2024-03-10 fin_a_la_demande          | 1990-03-11     | F    | same-day exit: in FA, 0 days; date_commission empty   |
//! | P05 | 2023-02-01 → 2023-12-31 perdu_de_vue              | 1985-01-01     | H    | exit the day before d: NOT in FA 2024, in FA 2023     |
//! | P06 | 2021-09-01 → 2023-05-15 hospitalisation_longue    | 1978-11-20     | H    | re-entry: 2nd follow-up 2024-04-01 is a readmission   |
//! |     | 2024-04-01 → ongoing                              |                |      |                                                       |
//! | P07 | 2020-03-01 → ongoing                              | year 1969 only | F    | birth year only (→ 1969-07-01); nationalite, addiction, duree_sans_logement empty |
//! | P08 | 2024-02-29 → ongoing                              | 2000-02-29     | X    | leap day: born on 29 Feb, enters on 2024-02-29        |
//! | P09 | 2023-10-01 → 2024-10-15 (motif empty)             | 1995-08-08     | —    | sexe empty; orienteur `pole_emploi` (unknown code); exit motif empty |
//! | P10 | 2024-02-01 → 2024-08-02 demenagement_hors_territoire | 2006-05-05  | F    | aged 17 on ref. date (under 18); stay exactly 183 days|
//! | P11 | 2024-06-15 → ongoing                              | 1999-06-15     | H    | aged exactly 25 on ref. date (25-34)                  |
//! | P12 | 2023-07-01 → 2024-06-30 deces                     | none           | H    | no birth info (age non_renseigne); stay exactly 365   |
//! | P13 | 2020-01-01 → ongoing                              | 1962-09-09     | F    | anciennete 1826 (5 ans et plus); duree_sans_logement empty |
//! | P14 | 2023-01-01 → ongoing                              | 1988-10-10     | H    | anciennete exactly 730 (2 à 3 ans); entry on d of N-1 |
//!
//! Other columns (situation, duree_sans_logement_mois, diagnostic, addiction, orienteur,
//! nationalite, date_commission) are listed with the B-group computations below.
//! `duree_sans_logement_mois` holds the bucket boundaries 0, 11, 12, 35, 36, 60, 120.
//! The `parcours_ase` column is filled but must not give `profil_parcours_ase` (ucsd).
//!
//! Note: only the rows of the two annual periods (2024-01-01…2024-12-31 and
//! 2023-01-01…2023-12-31) are considered; rows of any other period the tool might add
//! (quarters…) are ignored. The test assumes `indicateurs.csv` is not masked by the
//! small-count privacy rule (counts here are 0-13).

mod common;

use common::{Checks, Report};
use std::sync::OnceLock;

const DISP: &str = "test";
const P24: &str = "2024-01-01";
const P23: &str = "2023-01-01";
const NOMS_FICTIFS: &[&str] = &[
    "FICTIF",
    "Albertine",
    "Barnabé",
    "Cunégonde",
    "Dorothée",
    "Eustache",
    "Fulbert",
    "Gertrude",
    "Hippolyte",
    "Isidore",
    "Joséphine",
    "Kléber",
    "Léopoldine",
    "Mélusine",
    "Norbert",
];

/// The one run of this binary: 2024 and N-1 2023, audience interne.
fn sortie() -> &'static Report {
    static S: OnceLock<Report> = OnceLock::new();
    S.get_or_init(|| {
        let config = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/bords/bilan.toml"
        );
        common::report(config, "2024", "interne", &[2024, 2023])
    })
}

fn verif() -> Checks<'static> {
    Checks::of(sortie(), DISP)
}

// ---------------------------------------------------------------------------------------------
// Format, privacy, basic shape
// ---------------------------------------------------------------------------------------------

#[test]
fn format_du_fichier() {
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
    assert!(
        !s.rows.is_empty(),
        "aucune ligne pour les périodes annuelles 2024 / 2023"
    );
    for k in s.rows.keys() {
        assert_eq!(k.dispositif, DISP, "dispositif de {k}");
    }
    for nom in NOMS_FICTIFS {
        assert!(
            !s.raw.contains(nom),
            "le nom « {nom} » (colonne libre `nom`) apparaît dans indicateurs.csv"
        );
    }
    // Both periods are produced, with a numeric value.
    let valeur = |per: &str| {
        s.get(DISP, per, "file_active", "total")
            .and_then(|c| common::number(&c.valeur))
    };
    assert!(valeur(P24).is_some(), "file_active 2024 absent ou vide");
    assert!(
        valeur(P23).is_some(),
        "file_active 2023 (N-1) absent ou vide"
    );
}

// ---------------------------------------------------------------------------------------------
// A. Activité — 2024
// ---------------------------------------------------------------------------------------------

#[test]
fn activite_2024() {
    let mut v = verif();

    // places: from the config.
    v.exactly(P24, "places", &[("total", 10.0)]);

    // file_active: persons with a follow-up active in P (entree ≤ 2024-12-31 and
    // (sortie empty or sortie ≥ 2024-01-01)):
    //   P01 P02 P03(sortie = d, still active) P04 P06(2nd f-u) P07 P08 P09 P10 P11 P12 P13 P14
    //   = 13.  Not P05 (sortie 2023-12-31 < d).
    v.exactly(P24, "file_active", &[("total", 13.0)]);

    // presents_fin: present at f = 2024-12-31 (entree ≤ f and (sortie empty or sortie > f)):
    //   P01 P02(entered on f) P06 P07 P08 P11 P13 P14 = 8.
    //   Exited before f: P03 P04 P09 P10 P12; P05 long gone.
    v.exactly(P24, "presents_fin", &[("total", 8.0)]);

    // entrees: follow-ups with entree in [d, f]:
    //   P01 01-01, P10 02-01, P08 02-29, P04 03-10, P06 04-01, P11 06-15, P02 12-31 = 7.
    //   dont_readmissions: P06 (earlier follow-up 2021-09-01) = 1.
    v.exactly(
        P24,
        "entrees",
        &[("total", 7.0), ("dont_readmissions", 1.0)],
    );

    // sorties: follow-ups with sortie in [d, f]:
    //   P03 2024-01-01 relogement_autonome; P04 2024-03-10 fin_a_la_demande;
    //   P12 2024-06-30 deces; P10 2024-08-02 demenagement_hors_territoire;
    //   P09 2024-10-15 motif empty → non_renseigne.  Total 5.
    //   P05 (2023-12-31) is NOT an exit of 2024. No unknown motif → no non_reconnu row.
    v.exactly(
        P24,
        "sorties",
        &[
            ("relogement_autonome", 1.0),
            ("structure_medicalisee", 0.0),
            ("hospitalisation_longue", 0.0),
            ("incarceration", 0.0),
            ("deces", 1.0),
            ("demenagement_hors_territoire", 1.0),
            ("fin_a_la_demande", 1.0),
            ("perdu_de_vue", 0.0),
            ("autre", 0.0),
            ("non_renseigne", 1.0),
            ("total", 5.0),
        ],
    );
    v.absent(P24, "sorties", "non_reconnu");

    // taux_occupation: Σ days in P of every follow-up, [s, e) clipped to [o=0, o=366):
    //   P01  [0, 366)                       = 366
    //   P02  [o(12-31)=365, 366)            =   1
    //   P03  ends 2024-01-01 (o=0)          =   0
    //   P04  [o(03-10)=69, 69)              =   0
    //   P05  ends 2023-12-31 (o=-1)         =   0
    //   P06a ends 2023-05-15                =   0
    //   P06b [o(04-01)=91, 366)             = 275
    //   P07  [<0, 366)                      = 366
    //   P08  [o(02-29)=59, 366)             = 307
    //   P09  [<0, o(10-15)=288)             = 288
    //   P10  [o(02-01)=31, o(08-02)=214)    = 183
    //   P11  [o(06-15)=166, 366)            = 200
    //   P12  [<0, o(06-30)=181)             = 181
    //   P13  [<0, 366)                      = 366
    //   P14  [<0, 366)                      = 366
    //   Σ = 366+1+275+366+307+288+183+200+181+366+366 = 2899
    //   denominator = 10 places × 366 days = 3660;  2899 / 3660 × 100 = 79.20765027322404
    v.exactly(
        P24,
        "taux_occupation",
        &[("total", 2899.0 / 3660.0 * 100.0)],
    );
    v.terms(P24, "taux_occupation", "total", 2899.0, 3660.0);

    // duree_accompagnement_sortants: sortie − entree over the 5 exits of 2024:
    //   P04 2024-03-10 − 2024-03-10                    =   0  → < 6 mois
    //   P10 2024-08-02 − 2024-02-01 = 214 − 31          = 183  → 6 à 12 mois (lower bound)
    //   P12 2024-06-30 − 2023-07-01 = (365−181) + 181   = 365  → 1 à 2 ans (lower bound)
    //   P09 2024-10-15 − 2023-10-01 = (365−273) + 288   = 380  → 1 à 2 ans
    //   P03 2024-01-01 − 2022-06-15 = (365−165) + 365   = 565  → 1 à 2 ans
    //   sorted 0, 183, 365, 380, 565: median 365; Σ = 1493; mean 1493/5 = 298.6; effectif 5
    v.exactly(
        P24,
        "duree_accompagnement_sortants",
        &[
            ("moyenne", 298.6),
            ("mediane", 365.0),
            ("effectif", 5.0),
            ("< 6 mois", 1.0),
            ("6 à 12 mois", 1.0),
            ("1 à 2 ans", 3.0),
            ("2 à 3 ans", 0.0),
            ("3 à 5 ans", 0.0),
            ("5 ans et plus", 0.0),
            ("non_renseigne", 0.0),
            ("total", 5.0),
        ],
    );

    // anciennete_presents: f − entree over the 8 follow-ups present at f (o(f) = 365):
    //   P02 365 − 365                                        =    0 → < 6 mois
    //   P11 365 − 166                                        =  199 → 6 à 12 mois
    //   P06 365 − 91                                         =  274 → 6 à 12 mois
    //   P08 365 − 59                                         =  306 → 6 à 12 mois
    //   P01 365 − 0                                          =  365 → 1 à 2 ans (lower bound)
    //   P14 2024-12-31 − 2023-01-01 = 365 + 365              =  730 → 2 à 3 ans (lower bound)
    //   P07 2024-12-31 − 2020-03-01 = (366−60) + 3×365 + 365 = 1766 → 3 à 5 ans
    //   P13 2024-12-31 − 2020-01-01 = 366 + 3×365 + 365      = 1826 → 5 ans et plus
    //   sorted 0,199,274,306,365,730,1766,1826: median (306+365)/2 = 335.5;
    //   Σ = 5466; mean 5466/8 = 683.25; effectif 8
    v.exactly(
        P24,
        "anciennete_presents",
        &[
            ("moyenne", 683.25),
            ("mediane", 335.5),
            ("effectif", 8.0),
            ("< 6 mois", 1.0),
            ("6 à 12 mois", 3.0),
            ("1 à 2 ans", 1.0),
            ("2 à 3 ans", 1.0),
            ("3 à 5 ans", 1.0),
            ("5 ans et plus", 1.0),
            ("non_renseigne", 0.0),
            ("total", 8.0),
        ],
    );

    // delai_commission_entree: entree − date_commission over the 7 entries of 2024 whose
    // person has a date_commission (readmission P06 included):
    //   P01 2024-01-01 − 2023-12-01 = 31     P02 2024-12-31 − 2024-12-20 = 11
    //   P04 date_commission empty → excluded P06 2024-04-01 − 2024-03-15 = 17
    //   P08 2024-02-29 − 2024-02-01 = 28     P10 2024-02-01 − 2024-01-20 = 12
    //   P11 2024-06-15 − 2024-05-15 = 31
    //   sorted 11,12,17,28,31,31: median (17+28)/2 = 22.5; Σ = 130; mean 130/6 = 21.666667;
    //   effectif 6
    v.exactly(
        P24,
        "delai_commission_entree",
        &[
            ("moyenne", 130.0 / 6.0),
            ("mediane", 22.5),
            ("effectif", 6.0),
        ],
    );

    // entrees_par_mois:
    //   entries by month: 01 P01 | 02 P10, P08 | 03 P04 | 04 P06 | 06 P11 | 12 P02; others 0.
    //   present on the last day of the month (sortie > t):
    //     01-31: P01 P07 P09 P12 P13 P14                         = 6
    //     02-29: + P08 (entered 02-29) + P10                     = 8
    //     03-31: P04 never present (same-day exit)               = 8
    //     04-30: + P06                                           = 9
    //     05-31:                                                 = 9
    //     06-30: − P12 (sortie 06-30, not present) + P11         = 9
    //     07-31:                                                 = 9
    //     08-31: − P10 (sortie 08-02)                            = 8
    //     09-30:                                                 = 8
    //     10-31: − P09 (sortie 10-15)                            = 7
    //     11-30:                                                 = 7
    //     12-31: + P02                                           = 8 (= presents_fin)
    let entrees_m = [1.0, 2.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0];
    let presents_m = [6.0, 8.0, 8.0, 9.0, 9.0, 9.0, 9.0, 8.0, 8.0, 7.0, 7.0, 8.0];
    let mut attendus: Vec<(String, f64)> = Vec::new();
    for m in 0..12 {
        attendus.push((format!("entrees:2024-{:02}", m + 1), entrees_m[m]));
        attendus.push((format!("presents:2024-{:02}", m + 1), presents_m[m]));
    }
    let refs: Vec<(&str, f64)> = attendus.iter().map(|(m, x)| (m.as_str(), *x)).collect();
    v.exactly(P24, "entrees_par_mois", &refs);

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// B. Profil — 2024, over the 13 FA persons (P05 excluded)
// ---------------------------------------------------------------------------------------------

#[test]
fn profil_2024() {
    let mut v = verif();

    // profil_sexe: P01 F, P02 H, P03 H, P04 F, P06 H, P07 F, P08 X, P09 (empty), P10 F,
    //   P11 H, P12 H, P13 F, P14 H
    //   F: P01 P04 P07 P10 P13 = 5;  H: P02 P03 P06 P11 P12 P14 = 6;  X: P08 = 1;
    //   non_renseigne: P09 = 1;  total 13.
    v.exactly(
        P24,
        "profil_sexe",
        &[
            ("F", 5.0),
            ("H", 6.0),
            ("X", 1.0),
            ("non_renseigne", 1.0),
            ("total", 13.0),
        ],
    );
    v.absent(P24, "profil_sexe", "non_reconnu");

    // profil_age: age in whole years at max(d, entree of the latest follow-up active in P):
    //   P01 1980-05-10 @ 2024-01-01 → 44 − 1 (May not reached)  = 43 → 35-44
    //   P02 1959-12-31 @ 2024-12-31 → 65 (birthday that day)    = 65 → 65 et plus
    //   P03 1975-03-03 @ 2024-01-01 → 49 − 1                    = 48 → 45-54
    //   P04 1990-03-11 @ 2024-03-10 → 34 − 1 (one day short)    = 33 → 25-34
    //   P06 1978-11-20 @ 2024-04-01 (readmission) → 46 − 1      = 45 → 45-54
    //   P07 year 1969 → 1969-07-01 @ 2024-01-01 → 55 − 1        = 54 → 45-54
    //       (a 1 January convention would give 55 → 55-64)
    //   P08 2000-02-29 @ 2024-02-29 → 24 (birthday that day)    = 24 → 18-24
    //   P09 1995-08-08 @ 2024-01-01 → 29 − 1                    = 28 → 25-34
    //   P10 2006-05-05 @ 2024-02-01 → 18 − 1                    = 17 → non_reconnu (< 18)
    //   P11 1999-06-15 @ 2024-06-15 → 25 (birthday that day)    = 25 → 25-34
    //   P12 no birth info                                            → non_renseigne
    //   P13 1962-09-09 @ 2024-01-01 → 62 − 1                    = 61 → 55-64
    //   P14 1988-10-10 @ 2024-01-01 → 36 − 1                    = 35 → 35-44
    //   18-24: 1 (P08); 25-34: 3 (P04 P09 P11); 35-44: 2 (P01 P14); 45-54: 3 (P03 P06 P07);
    //   55-64: 1 (P13); 65 et plus: 1 (P02); non_renseigne 1 (P12); non_reconnu 1 (P10);
    //   total 13.
    //   Known ages (12, the 17-year-old included): 17 24 25 28 33 35 43 45 48 54 61 65
    //   Σ = 478; mean 478/12 = 39.833333; median (35+43)/2 = 39; effectif 12.
    v.exactly(
        P24,
        "profil_age",
        &[
            ("18-24", 1.0),
            ("25-34", 3.0),
            ("35-44", 2.0),
            ("45-54", 3.0),
            ("55-64", 1.0),
            ("65 et plus", 1.0),
            ("non_renseigne", 1.0),
            ("non_reconnu", 1.0),
            ("total", 13.0),
            ("moyenne", 478.0 / 12.0),
            ("mediane", 39.0),
            ("effectif", 12.0),
        ],
    );

    // profil_situation_avant: P01 rue, P02 hebergement_urgence, P03 tiers, P04 squat,
    //   P06 hopital, P07 hebergement_insertion, P08 prison, P09 rue, P10 ase, P11 rue,
    //   P12 rue, P13 logement, P14 rue
    //   rue 5 (P01 P09 P11 P12 P14); each of hebergement_urgence, hebergement_insertion, tiers,
    //   squat, hopital, prison, ase, logement 1; autre 0; non_renseigne 0; total 13.
    v.exactly(
        P24,
        "profil_situation_avant",
        &[
            ("rue", 5.0),
            ("hebergement_urgence", 1.0),
            ("hebergement_insertion", 1.0),
            ("tiers", 1.0),
            ("squat", 1.0),
            ("hopital", 1.0),
            ("prison", 1.0),
            ("ase", 1.0),
            ("logement", 1.0),
            ("autre", 0.0),
            ("non_renseigne", 0.0),
            ("total", 13.0),
        ],
    );
    v.absent(P24, "profil_situation_avant", "non_reconnu");

    // profil_duree_sans_logement (months): P01 12, P02 36, P03 60, P04 0, P06 120, P07 empty,
    //   P08 11, P09 35, P10 3, P11 48, P12 200, P13 empty, P14 24
    //   < 1 an [0,12): P04 0, P08 11, P10 3 = 3
    //   1 à 3 ans [12,36): P01 12, P09 35, P14 24 = 3
    //   3 à 5 ans [36,60): P02 36, P11 48 = 2
    //   5 à 10 ans [60,120): P03 60 = 1
    //   10 ans et plus [120,∞): P06 120, P12 200 = 2
    //   non_renseigne: P07, P13 = 2;  total 13.
    //   (P05's 24 months must not count: not in FA.)
    for (m, x) in [
        ("< 1 an", 3.0),
        ("1 à 3 ans", 3.0),
        ("3 à 5 ans", 2.0),
        ("5 à 10 ans", 1.0),
        ("10 ans et plus", 2.0),
        ("non_renseigne", 2.0),
        ("total", 13.0),
    ] {
        v.value(P24, "profil_duree_sans_logement", m, x);
    }
    v.absent(P24, "profil_duree_sans_logement", "non_reconnu");

    // profil_diagnostic: P01 schizophrenie, P02 trouble_bipolaire, P03 depression_severe,
    //   P04 autre_psychose, P06 schizophrenie, P07 autre, P08 (empty), P09 schizophrenie,
    //   P10 depression_severe, P11 autre_psychose, P12 trouble_bipolaire, P13 schizophrenie,
    //   P14 schizophrenie
    //   schizophrenie 5 (P01 P06 P09 P13 P14); trouble_bipolaire 2 (P02 P12);
    //   autre_psychose 2 (P04 P11); depression_severe 2 (P03 P10); autre 1 (P07);
    //   non_renseigne 1 (P08); total 13.
    v.exactly(
        P24,
        "profil_diagnostic",
        &[
            ("schizophrenie", 5.0),
            ("trouble_bipolaire", 2.0),
            ("autre_psychose", 2.0),
            ("depression_severe", 2.0),
            ("autre", 1.0),
            ("non_renseigne", 1.0),
            ("total", 13.0),
        ],
    );
    v.absent(P24, "profil_diagnostic", "non_reconnu");

    // profil_addiction: oui P01 P03 P06 P09 P11 P14 = 6; non P02 P04 P08 P10 P12 P13 = 6;
    //   non_renseigne P07 = 1; total 13.
    v.exactly(
        P24,
        "profil_addiction",
        &[
            ("oui", 6.0),
            ("non", 6.0),
            ("non_renseigne", 1.0),
            ("total", 13.0),
        ],
    );
    v.absent(P24, "profil_addiction", "non_reconnu");

    // profil_orienteur: P01 empp, P02 siao, P03 hopital, P04 maraude, P06 hopital,
    //   P07 csapa_caarud, P08 justice, P09 pole_emploi (unknown), P10 ase, P11 siao, P12 empp,
    //   P13 autre, P14 maraude
    //   empp 2 (P01 P12); siao 2 (P02 P11); hopital 2 (P03 P06); csapa_caarud 1 (P07);
    //   ase 1 (P10); justice 1 (P08); maraude 2 (P04 P14); autre 1 (P13); non_renseigne 0;
    //   non_reconnu 1 (P09); total 13.
    v.exactly(
        P24,
        "profil_orienteur",
        &[
            ("empp", 2.0),
            ("siao", 2.0),
            ("hopital", 2.0),
            ("csapa_caarud", 1.0),
            ("ase", 1.0),
            ("justice", 1.0),
            ("maraude", 2.0),
            ("autre", 1.0),
            ("non_renseigne", 0.0),
            ("non_reconnu", 1.0),
            ("total", 13.0),
        ],
    );

    // profil_nationalite: francaise P01 P04 P09 P10 P11 P13 P14 = 7; ue P03 P08 = 2;
    //   hors_ue P02 P06 P12 = 3; non_renseigne P07 = 1; total 13.
    v.exactly(
        P24,
        "profil_nationalite",
        &[
            ("francaise", 7.0),
            ("ue", 2.0),
            ("hors_ue", 3.0),
            ("non_renseigne", 1.0),
            ("total", 13.0),
        ],
    );
    v.absent(P24, "profil_nationalite", "non_reconnu");

    // profil_parcours_ase: ucsd_jeunes only → no row at all for this ucsd programme
    // (although the column is filled in personnes.csv).
    v.no_rows("profil_parcours_ase");

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// N-1 = 2023 (rows with periode_debut 2023-01-01): the main figures
// ---------------------------------------------------------------------------------------------

#[test]
fn annee_precedente_2023() {
    let mut v = verif();

    // file_active 2023: follow-ups active in [2023-01-01, 2023-12-31]:
    //   P03 (2022-06-15 → 2024-01-01), P05 (2023-02-01 → 2023-12-31), P06a (→ 2023-05-15),
    //   P07, P09 (from 2023-10-01), P12 (from 2023-07-01), P13, P14 (from 2023-01-01) = 8.
    v.value(P23, "file_active", "total", 8.0);

    // presents_fin at 2023-12-31: P03 (sortie 2024-01-01 > f'), P07, P09, P12, P13, P14 = 6.
    //   Not P05 (sortie = f', the exit day is not present), not P06 (left 2023-05-15).
    v.value(P23, "presents_fin", "total", 6.0);

    // entrees 2023: P14 01-01, P05 02-01, P12 07-01, P09 10-01 = 4; no readmission.
    v.value(P23, "entrees", "total", 4.0);
    v.value(P23, "entrees", "dont_readmissions", 0.0);

    // sorties 2023: P06a 2023-05-15 hospitalisation_longue, P05 2023-12-31 perdu_de_vue = 2.
    v.value(P23, "sorties", "total", 2.0);
    v.value(P23, "sorties", "hospitalisation_longue", 1.0);
    v.value(P23, "sorties", "perdu_de_vue", 1.0);
    v.value(P23, "sorties", "relogement_autonome", 0.0);

    // taux_occupation 2023: days in [o'=0, o'=365):
    //   P03 [<0, 365) = 365;  P05 [o'(02-01)=31, o'(12-31)=364) = 333;
    //   P06a [<0, o'(05-15)=134) = 134;  P07 365;  P09 [o'(10-01)=273, 365) = 92;
    //   P12 [o'(07-01)=181, 365) = 184;  P13 365;  P14 [0, 365) = 365;  the others 0.
    //   Σ = 365+333+134+365+92+184+365+365 = 2203;  den = 10 × 365 = 3650;
    //   2203 / 3650 × 100 = 60.35616438356164
    v.value(P23, "taux_occupation", "total", 2203.0 / 3650.0 * 100.0);
    v.terms(P23, "taux_occupation", "total", 2203.0, 3650.0);

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// Order of the modalités in the file (spec: code list's order, then non_renseigne,
// non_reconnu, total; lead's decision for the duration buckets). Kept separate so that an
// ordering difference does not hide the value checks above.
// ---------------------------------------------------------------------------------------------

#[test]
fn ordre_des_modalites_2024() {
    let mut v = verif();
    let cas: &[(&str, &[&str])] = &[
        (
            "sorties",
            &[
                "relogement_autonome",
                "structure_medicalisee",
                "hospitalisation_longue",
                "incarceration",
                "deces",
                "demenagement_hors_territoire",
                "fin_a_la_demande",
                "perdu_de_vue",
                "autre",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "duree_accompagnement_sortants",
            &[
                "moyenne",
                "mediane",
                "effectif",
                "< 6 mois",
                "6 à 12 mois",
                "1 à 2 ans",
                "2 à 3 ans",
                "3 à 5 ans",
                "5 ans et plus",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "anciennete_presents",
            &[
                "moyenne",
                "mediane",
                "effectif",
                "< 6 mois",
                "6 à 12 mois",
                "1 à 2 ans",
                "2 à 3 ans",
                "3 à 5 ans",
                "5 ans et plus",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "delai_commission_entree",
            &["moyenne", "mediane", "effectif"],
        ),
        ("profil_sexe", &["F", "H", "X", "non_renseigne", "total"]),
        (
            "profil_situation_avant",
            &[
                "rue",
                "hebergement_urgence",
                "hebergement_insertion",
                "tiers",
                "squat",
                "hopital",
                "prison",
                "ase",
                "logement",
                "autre",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "profil_diagnostic",
            &[
                "schizophrenie",
                "trouble_bipolaire",
                "autre_psychose",
                "depression_severe",
                "autre",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "profil_addiction",
            &["oui", "non", "non_renseigne", "total"],
        ),
        (
            "profil_orienteur",
            &[
                "empp",
                "siao",
                "hopital",
                "csapa_caarud",
                "ase",
                "justice",
                "maraude",
                "autre",
                "non_renseigne",
                "non_reconnu",
                "total",
            ],
        ),
        (
            "profil_nationalite",
            &["francaise", "ue", "hors_ue", "non_renseigne", "total"],
        ),
    ];
    for (ind, attendu) in cas {
        v.order(P24, ind, attendu);
    }
    // profil_age and profil_duree_sans_logement: the buckets must come in this relative order
    // (statistics, if any, may sit before or after them).
    for (ind, seq) in [
        (
            "profil_age",
            &[
                "18-24",
                "25-34",
                "35-44",
                "45-54",
                "55-64",
                "65 et plus",
                "non_renseigne",
                "non_reconnu",
                "total",
            ][..],
        ),
        (
            "profil_duree_sans_logement",
            &[
                "< 1 an",
                "1 à 3 ans",
                "3 à 5 ans",
                "5 à 10 ans",
                "10 ans et plus",
                "non_renseigne",
                "total",
            ][..],
        ),
    ] {
        v.order_among(P24, ind, seq);
    }
    // entrees_par_mois: months in chronological order for each series.
    for serie in ["entrees", "presents"] {
        let vu: Vec<String> = v
            .modalites(P24, "entrees_par_mois")
            .into_iter()
            .filter(|m| m.starts_with(&format!("{serie}:")))
            .collect();
        let attendu: Vec<String> = (1..=12).map(|m| format!("{serie}:2024-{m:02}")).collect();
        if vu != attendu {
            v.error(format!(
                "entrees_par_mois ({serie}), ordre:\n      vu      {vu:?}\n      attendu {attendu:?}"
            ));
        }
    }
    v.finish();
}
