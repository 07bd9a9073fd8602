//! Integration test of groups C (Accompagnement), D (Logement), E (Santé), F (Droits et
//! ressources) and H (Moyens) on a small hand-made `ucsd` site: `tests/fixtures/complet/`,
//! plus the interne / diffusion audiences (`detail.csv`, no identifier in diffusion).
//!
//! The report is made in-process through the library (`common::report` and
//! `common::run_report`: what `bilan rapport --config … --annee 2025 --sortie <tmp>` does, the
//! binary itself never started), once `interne` and once `diffusion`, and only its output
//! files are read. Every expected figure below was computed BY HAND from the
//! spec (`indicateurs.md`: Conventions, groups C, D, E, F, H) and the lead's fixed decisions on
//! modalités; the computation is written above each group of assertions.
//!
//! Period P = 2025: d = 2025-01-01, f = 2025-12-31, 365 days. N-1 = 2024 (leap, 366 days).
//! Places = 8, objectif_vad = 1.
//!
//! Day arithmetic: o(x) = x − 2025-01-01 in days. Days before the 1st of each month in 2025:
//! Jan 0, Feb 31, Mar 59, Apr 90, May 120, Jun 151, Jul 181, Aug 212, Sep 243, Oct 273,
//! Nov 304, Dec 334; o(f) = 364, o(f + 1) = 365. In 2024 (leap): Jan 0, Feb 31, Mar 60,
//! Apr 91, May 121, Jun 152, Jul 182, Aug 213, Sep 244, Oct 274, Nov 305, Dec 335; 366 days.
//! Day rule: days in P of [s, e) = max(0, min(e, f + 1) − max(s, d)), e empty = f + 1.
//!
//! THE FIXTURE (identifiers: persons PZ01…PZ09, flats LZ01…LZ08, occupations OCZ01…OCZ10)
//!
//! | id   | follow-up [entree, sortie) motif        | occupations (flat, [entree, sortie) motif_fin)            | edge case(s)                                               |
//! |------|-----------------------------------------|-----------------------------------------------------------|------------------------------------------------------------|
//! | PZ01 | 2022-03-01 → ongoing                    | LZ01 2022-04-01 → 2025-05-31 relogement_dispositif;        | flat change (relogements); psy stay crossing d (sdt);       |
//! |      |                                         | LZ02 2025-06-01 → ongoing                                 | psy stays before entry (avant window, one crossing its start) |
//! | PZ02 | 2024-02-15 → ongoing                    | LZ03 2024-03-01 → ongoing, glissement 2025-09-01          | h = 2024-03-01, h + 365 = 2025-03-01 housed (12 m);         |
//! |      |                                         |                                                           | lease sliding in 2025; arrears of 2024 repaid in 2025;      |
//! |      |                                         |                                                           | sdre stay; 2 emergency visits; situation row after f        |
//! | PZ03 | 2024-01-10 → 2025-01-29 relogement_autonome | LZ04 2024-02-01 → 2025-01-29 fin_accompagnement       | h + 365 = 2025-01-31: not housed but left relogement_autonome |
//! |      |                                         |                                                           | before → 12 m numerator; exactly 28 days in P, reaches VAD target |
//! | PZ04 | 2023-05-01 → 2025-04-10 deces           | LZ05 2024-05-01 → 2025-04-10 deces                        | died before h + 365 = 2025-05-01 → out of the 12 m cohort   |
//! | PZ05 | 2023-01-15 → ongoing                    | LZ06 2023-06-01 → ongoing (glissement 2024-11-15)         | h + 730 = 2025-05-31 housed (24 m); only a failed visit in  |
//! |      |                                         |                                                           | the last 30 days → sans_contact_30j; debt at f; psy stay crossing f |
//! | PZ06 | 2025-02-01 → ongoing                    | LZ07 2025-03-15 → ongoing                                 | first housing in 2025 (délai 42); NO situation row at all;  |
//! |      |                                         |                                                           | contact exactly on f − 30                                  |
//! | PZ07 | 2025-09-01 → ongoing                    | LZ05 2025-10-01 → ongoing                                 | first housing in 2025 (délai 30); only situation row > 90 days |
//! |      |                                         |                                                           | after entry (entry non_renseigne); ongoing psy stay (no date_fin, no mode); |
//! |      |                                         |                                                           | last contact on f − 31 → sans_contact_30j; intervention with empty type |
//! | PZ08 | 2025-12-10 → ongoing                    | LZ04 2025-12-05 → ongoing                                 | first housing in 2025 BEFORE its follow-up → left out of the délai; |
//! |      |                                         |                                                           | 22 days in P (< 28: out of atteinte_objectif_vad although 4 VAD) |
//! | PZ09 | 2024-06-01 → 2025-02-01 perdu_de_vue    | LZ08 2024-07-01 → 2025-02-01 abandon                      | h + 365 = 2025-07-01 not housed → 12 m failure; VAD on the exit day |
//! |      |                                         |                                                           | (counted in P, not in their own ratio); leap-aware avant window |
//!
//! Flats (type_bailleur): LZ01 social, LZ02 prive, LZ03 social, LZ04 prive, LZ05 social,
//! LZ06 EMPTY (non_renseigne), LZ07 prive, LZ08 social. LZ04 and LZ05 are re-let in 2025.
//!
//! Hospitalisations (psychiatrie unless said):
//!   PZ01 2021-02-20 → 2021-03-11 libre | PZ01 2021-10-01 → 2021-10-31 sdt | PZ04 2022-11-01 → 2022-11-21 (mode empty)
//!   PZ09 2023-05-25 → 2023-06-05 libre | PZ01 2024-05-05 urgences        | PZ05 2024-07-01 → 2024-07-21 sdre
//!   PZ01 2024-12-20 → 2025-01-10 sdt (crosses d) | PZ06 2025-02-02 urgences | PZ04 2025-03-01 → 2025-03-20 somatique
//!   PZ02 2025-03-03 → 2025-03-17 sdre  | PZ02 2025-04-05 urgences        | PZ01 2025-06-10 → 2025-06-20 sdt
//!   PZ02 2025-08-01 urgences           | PZ07 2025-12-01 → (empty) mode empty (ongoing)
//!   PZ05 2025-12-20 → 2026-01-05 libre (crosses f)
//!
//! Required edge cases → where: stay crossing d = PZ01 2024-12-20; crossing f = PZ05
//! 2025-12-20; ongoing = PZ07 2025-12-01; emergency visits = PZ02 ×2, PZ06 (2025), PZ01 (2024);
//! modes sdt / sdre / libre / empty among 2025 stays = PZ01 / PZ02 / PZ05 / PZ07; h + 365 in
//! 2025 with h = 2024-03-01 = PZ02; death before h + 365 = PZ04; relogement_autonome before
//! h + 365 = PZ03; housed at h + 730 = PZ05; flat change = PZ01; lease sliding 2025 = PZ02
//! (LZ03); arrears repaid in 2025 = PZ02 (negative 2025 rate) while PZ01 and PZ05 owe at f;
//! two métiers on one intervention = 4 rows `infirmier;travailleur_social`; binome
//! oui/non/empty = the VAD rows; sans contact with only a failed visit = PZ05; staff leaving
//! 2025-06-30 / starting 2025-07-01 = the two `infirmier` rows; person without situation =
//! PZ06; only row > 90 days after entry = PZ07; budget groups 1/2/3 + an empty group + an
//! empty prévu.
//!
//! Note: only the rows of the two annual periods (2025 and 2024) are read; rows of any other
//! period the tool might add are ignored. The interne run is not masked (no privacy rule).

mod common;

use common::{Checks, Report};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

const DISP: &str = "complet";
const P25: &str = "2025-01-01";
const P24: &str = "2024-01-01";
const PERIODE_25: &str = "2025-01-01/2025-12-31";
const EN_TETE_DETAIL: &str = "dispositif,indicateur,modalite,periode,identifiant";

/// Every identifier of the fixture (id_personne, id_logement, id_occupation).
const IDENTIFIANTS: &[&str] = &[
    "PZ01", "PZ02", "PZ03", "PZ04", "PZ05", "PZ06", "PZ07", "PZ08", "PZ09", "LZ01", "LZ02", "LZ03",
    "LZ04", "LZ05", "LZ06", "LZ07", "LZ08", "OCZ01", "OCZ02", "OCZ03", "OCZ04", "OCZ05", "OCZ06",
    "OCZ07", "OCZ08", "OCZ09", "OCZ10",
];

const CONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/complet/bilan.toml"
);

fn lancer(audience: &str, dossier: &Path) {
    common::run_report(CONFIG, "2025", audience, dossier);
}

/// The one interne run of this binary: 2025 and N-1 2024.
fn sortie() -> &'static Report {
    static S: OnceLock<Report> = OnceLock::new();
    S.get_or_init(|| common::report(CONFIG, "2025", "interne", &[2025, 2024]))
}

/// The one diffusion run of this binary (threshold 5, the default).
fn diffusion() -> &'static tempfile::TempDir {
    static D: OnceLock<tempfile::TempDir> = OnceLock::new();
    D.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tempdir");
        lancer("diffusion", tmp.path());
        tmp
    })
}

fn verif() -> Checks<'static> {
    Checks::of(sortie(), DISP)
}

// ---------------------------------------------------------------------------------------------
// Format
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
    for k in s.rows.keys() {
        assert_eq!(k.dispositif, DISP, "dispositif de {k}");
    }
    // file_active (group A) is the denominator of several figures below:
    // 2025: PZ01…PZ09 all have a follow-up active in 2025 (PZ03, PZ04, PZ09 leave in 2025) = 9.
    // 2024: PZ01 PZ02 PZ03 PZ04 PZ05 PZ09 = 6 (PZ06, PZ07, PZ08 enter in 2025).
    let mut v = verif();
    v.value(P25, "file_active", "total", 9.0);
    v.value(P24, "file_active", "total", 6.0);
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// C. Accompagnement — 2025
// ---------------------------------------------------------------------------------------------
//
// Interventions (I-numbers are the data rows of interventions.csv in file order):
//   2024: I01 PZ01 06-10 VAD oui inf;ts | I02 PZ02 09-02 tel non ts | I03 PZ04 12-30 ent_local non (no métier)
//         I04 PZ05 10-01 tel non inf
//   2025: I05 PZ03 01-02 VAD oui inf    | I06 PZ03 01-09 VAD non ts   | I07 PZ03 01-16 VAD (empty) inf;ts
//         I08 PZ03 01-23 VAD oui educ   | I09 PZ03 01-28 VAD non cgla
//         I10 PZ09 01-03 VAD oui inf    | I11 PZ09 01-10 VAD oui med  | I12 PZ09 01-17 VAD non psy
//         I13 PZ09 01-24 VAD oui msp    | I14 PZ09 02-01 VAD non inf (= PZ09's exit day)
//         I15 PZ08 12-11 VAD oui inf;ts | I16 PZ08 12-15 VAD (empty) ts | I17 PZ08 12-18 VAD non autre
//         I18 PZ08 12-22 VAD oui inf
//         I19 PZ01 03-05 VAD oui inf;ts | I20 PZ01 12-15 acc_ext non psy
//         I21 PZ02 05-20 tel (empty) ts | I22 PZ02 12-31 ent_local non inf
//         I23 PZ04 02-14 VAD non med
//         I24 PZ05 12-20 visite_non_aboutie oui inf;ts
//         I25 PZ06 06-01 VAD non (no métier) | I26 PZ06 12-01 tel (empty) cgla
//         I27 PZ07 11-30 ent_local non ts    | I28 PZ07 10-05 type EMPTY (empty) educ
//
// Follow-up days in 2025 (day rule):
//   PZ01 365 | PZ02 365 | PZ03 [0, o(01-29)=28) = 28 | PZ04 [0, o(04-10)=99) = 99 | PZ05 365
//   PZ06 [o(02-01)=31, 365) = 334 | PZ07 [o(09-01)=243, 365) = 122 | PZ08 [o(12-10)=343, 365) = 22
//   PZ09 [0, o(02-01)=31) = 31
//   Σ = 365+365+28+99+365+334+122+22+31 = 1731

#[test]
fn accompagnement_2025() {
    let mut v = verif();

    // interventions_par_type, 24 interventions dated in 2025 (I05…I28):
    //   visite_domicile: I05-I09 (5) + I10-I14 (5) + I15-I18 (4) + I19, I23, I25 = 17
    //   accompagnement_exterieur: I20 = 1;  entretien_local: I22, I27 = 2;
    //   telephone: I21, I26 = 2;  visite_non_aboutie: I24 = 1;  non_renseigne: I28 = 1
    //   total 17+1+2+2+1+1 = 24.
    //   personnes (≥ 1 intervention in P other than visite_non_aboutie): PZ01 PZ02 PZ03 PZ04 PZ06
    //   PZ07 PZ08 PZ09 = 8 — NOT PZ05 (only the failed visit I24 in 2025).
    v.exactly(
        P25,
        "interventions_par_type",
        &[
            ("visite_domicile", 17.0),
            ("accompagnement_exterieur", 1.0),
            ("entretien_local", 2.0),
            ("telephone", 2.0),
            ("visite_non_aboutie", 1.0),
            ("non_renseigne", 1.0),
            ("total", 24.0),
            ("personnes", 8.0),
        ],
    );

    // vad_par_semaine: 17 VAD (I14 on PZ09's exit day included: dated in P) ÷ (1731 / 7)
    //   = 119 / 1731 = 0.068746389…;  numerateur 17, denominateur 247.285714…; objectif 1.
    v.rate(P25, "vad_par_semaine", "total", 17.0, 1731.0 / 7.0, 1.0);
    v.value(P25, "vad_par_semaine", "objectif", 1.0);
    v.only(P25, "vad_par_semaine", &["total", "objectif"]);

    // atteinte_objectif_vad: FA persons with own days ≥ 28: PZ01 365, PZ02 365, PZ03 28,
    //   PZ04 99, PZ05 365, PZ06 334, PZ07 122, PZ09 31 = 8 (PZ08: 22 days, out although its
    //   4 VAD would give 4×7/22 = 1.27).
    //   VAD while present ÷ own days × 7:
    //   PZ01 1 (I19) → 7/365 no | PZ02 0 no | PZ03 5 (I05-I09, all before its exit 01-29) →
    //   35/28 = 1.25 YES | PZ04 1 (I23) → 7/99 no | PZ05 0 no | PZ06 1 (I25) → 7/334 no |
    //   PZ07 0 (I27 entretien, I28 no type) no | PZ09 4 (I10-I13; I14 is on the exit day, not
    //   present) → 28/31 = 0.903 no (it would be 35/31 ≥ 1 if the exit day counted).
    //   numerateur 1, denominateur 8 → 12.5 %.
    v.rate(P25, "atteinte_objectif_vad", "total", 1.0, 8.0, 100.0);
    v.only(P25, "atteinte_objectif_vad", &["total"]);

    // part_vad_binome over the 17 VAD: oui I05 I08 I10 I11 I13 I15 I18 I19 = 8;
    //   non I06 I09 I12 I14 I17 I23 I25 = 7; empty I07 I16 = 2 (left out).
    //   8 / 15 × 100 = 53.333…
    v.rate(P25, "part_vad_binome", "total", 8.0, 15.0, 100.0);
    v.only(P25, "part_vad_binome", &["total"]);

    // interventions_par_metier over the 24 interventions of 2025:
    //   infirmier: I05 I07 I10 I14 I15 I18 I19 I22 I24 = 9
    //   travailleur_social: I06 I07 I15 I16 I19 I21 I24 I27 = 8
    //   medecin: I11 I23 = 2;  psychiatre: I12 I20 = 2;  mediateur_sante_pair: I13 = 1
    //   educateur: I08 I28 = 2;  charge_gla: I09 I26 = 2;  autre: I17 = 1
    //   non_renseigne (no métier): I25 = 1;  total 24 (each once; 4 rows list two métiers:
    //   9+8+2+2+1+2+2+1+1 = 28 = 24 + 4).
    v.exactly(
        P25,
        "interventions_par_metier",
        &[
            ("infirmier", 9.0),
            ("travailleur_social", 8.0),
            ("medecin", 2.0),
            ("psychiatre", 2.0),
            ("mediateur_sante_pair", 1.0),
            ("educateur", 2.0),
            ("charge_gla", 2.0),
            ("autre", 1.0),
            ("non_renseigne", 1.0),
            ("total", 24.0),
        ],
    );

    // sans_contact_30j: present at f: PZ01 PZ02 PZ05 PZ06 PZ07 PZ08; window [f − 30, f] =
    //   [2025-12-01, 2025-12-31]:
    //   PZ01 I20 12-15 ✓ | PZ02 I22 12-31 (= f) ✓ | PZ05 only I24 visite_non_aboutie ✗ |
    //   PZ06 I26 12-01 (= f − 30) ✓ | PZ07 last I27 11-30 (= f − 31) ✗ | PZ08 I15… ✓
    //   → 2 (PZ05, PZ07).
    v.exactly(P25, "sans_contact_30j", &[("total", 2.0)]);

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// D. Logement — 2025
// ---------------------------------------------------------------------------------------------

#[test]
fn logement_2025() {
    let mut v = verif();

    // personnes_logees_fin: occupations present at f (entree ≤ f, sortie empty or > f):
    //   OCZ02 PZ01 LZ02, OCZ03 PZ02 LZ03, OCZ06 PZ05 LZ06, OCZ07 PZ06 LZ07, OCZ08 PZ07 LZ05,
    //   OCZ09 PZ08 LZ04 → 6 persons. (OCZ01/04/05/10 ended in 2025.)
    v.exactly(P25, "personnes_logees_fin", &[("total", 6.0)]);

    // logements_mobilises_fin: flats LZ02 prive, LZ03 social, LZ04 prive, LZ05 social,
    //   LZ06 (empty type_bailleur), LZ07 prive → social 2, prive 3, non_renseigne 1, total 6.
    v.exactly(
        P25,
        "logements_mobilises_fin",
        &[
            ("social", 2.0),
            ("prive", 3.0),
            ("non_renseigne", 1.0),
            ("total", 6.0),
        ],
    );

    // acces_logement: first-ever occupation starting in 2025: PZ06 2025-03-15, PZ07 2025-10-01,
    //   PZ08 2025-12-05 = 3. (PZ01's 2025-06-01 is not its first.)
    v.exactly(P25, "acces_logement", &[("total", 3.0)]);

    // delai_acces_logement: h − entree of the follow-up the person is present in on day h:
    //   PZ06 2025-03-15 − 2025-02-01 = 28 + 14 = 42; PZ07 2025-10-01 − 2025-09-01 = 30;
    //   PZ08 h = 2025-12-05 < its entry 2025-12-10 → no follow-up on day h → left out.
    //   moyenne 36, mediane (30+42)/2 = 36, effectif 2.
    v.exactly(
        P25,
        "delai_acces_logement",
        &[("moyenne", 36.0), ("mediane", 36.0), ("effectif", 2.0)],
    );

    // maintien_logement_12m: first occupation h with h + 365 in 2025:
    //   PZ02 h 2024-03-01 → 2025-03-01;  PZ03 h 2024-02-01 → 2025-01-31 (Feb 29 2024 inside);
    //   PZ04 h 2024-05-01 → 2025-05-01;  PZ09 h 2024-07-01 → 2025-07-01.
    //   (PZ05 h 2023-06-01 → 2024-05-31, PZ01 h 2022-04-01: not in 2025; PZ06/07/08: 2026.)
    //   PZ04 died 2025-04-10 ≤ 2025-05-01 (exit deces and occupation end deces) → excluded.
    //   denominateur 3: PZ02 in OCZ03 on 2025-03-01 ✓; PZ03 not housed on 2025-01-31 (OCZ04
    //   ended 01-29) but follow-up ended relogement_autonome 2025-01-29 ≤ 01-31 ✓;
    //   PZ09 left OCZ10 2025-02-01, exit perdu_de_vue ✗.  numerateur 2 → 66.666…%
    v.rate(P25, "maintien_logement_12m", "total", 2.0, 3.0, 100.0);
    v.only(P25, "maintien_logement_12m", &["total"]);

    // maintien_logement_24m: h + 730 in 2025 ⇔ h in [2023-01-02, 2024-01-01]: PZ05 h 2023-06-01
    //   → 2024-05-31 → 2025-05-31, in OCZ06 (ongoing) ✓ → 1 / 1 = 100 %.
    v.rate(P25, "maintien_logement_24m", "total", 1.0, 1.0, 100.0);
    v.only(P25, "maintien_logement_24m", &["total"]);

    // relogements: occupations starting in 2025 of persons with an earlier occupation:
    //   OCZ02 PZ01 2025-06-01 (after OCZ01) = 1; OCZ07/08/09 are first occupations.
    v.exactly(P25, "relogements", &[("total", 1.0)]);

    // glissements_bail: date_glissement in 2025: OCZ03 2025-09-01 = 1 (OCZ06's is 2024-11-15).
    v.exactly(P25, "glissements_bail", &[("total", 1.0)]);

    // fins_occupation: date_sortie in 2025: OCZ01 05-31 relogement_dispositif, OCZ04 01-29
    //   fin_accompagnement, OCZ05 04-10 deces, OCZ10 02-01 abandon → 4.
    v.exactly(
        P25,
        "fins_occupation",
        &[
            ("relogement_dispositif", 1.0),
            ("fin_accompagnement", 1.0),
            ("expulsion", 0.0),
            ("deces", 1.0),
            ("abandon", 1.0),
            ("autre", 0.0),
            ("non_renseigne", 0.0),
            ("total", 4.0),
        ],
    );

    // dette_locative_fin (quittancement.csv: `;`, decimal commas, MM/AAAA), months ≤ 2025-12:
    //   PZ01: 12/2024 120−120 = 0; 06/2025 120−100 = 20            → 20.00
    //   PZ02: 11/2024 100−0, 12/2024 100−0, 01/2025 100−150, 02/2025 100−150, 03/2025 100−200
    //         = 200 − 50 − 50 − 100 = 0                               → no debt
    //   PZ05: 10/2025 80.40−50 = 30.40; 11/2025 0; 12/2025 80.40−40.20 = 40.20 → 70.60
    //         (01/2026 80.40 unpaid is after f's month: left out)
    //   personnes 2; montant 90.60; mediane (20 + 70.60)/2 = 45.30.
    v.exactly(
        P25,
        "dette_locative_fin",
        &[("personnes", 2.0), ("montant", 90.6), ("mediane", 45.3)],
    );

    // taux_impayes over the months of 2025:
    //   Σ du = 120 (PZ01 06) + 300 (PZ02 01-03) + 241.20 (PZ05 10-12) = 661.20
    //   Σ payé = 100 + 500 + 170.60 = 770.60;  numerateur = 661.20 − 770.60 = −109.40
    //   −109.40 / 661.20 × 100 = −16.545674…%  (negative: arrears repaid)
    v.rate(P25, "taux_impayes", "total", -109.4, 661.2, 100.0);
    v.only(P25, "taux_impayes", &["total"]);

    // incidents_par_type, dated in 2025: LZ03 02-10 trouble_voisinage (no cost); LZ03 07-01
    //   degat_des_eaux 450.00; LZ02 08-08 type EMPTY 30; LZ06 11-05 degradation 120.50
    //   (LZ01 2024-12-15 incendie 1000: N-1 only).
    //   total 4; logements LZ02 LZ03 LZ06 = 3; cout 450 + 30 + 120.50 = 600.50.
    v.exactly(
        P25,
        "incidents_par_type",
        &[
            ("trouble_voisinage", 1.0),
            ("degradation", 1.0),
            ("degat_des_eaux", 1.0),
            ("incendie", 0.0),
            ("intrusion_squat", 0.0),
            ("intervention_technique", 0.0),
            ("autre", 0.0),
            ("non_renseigne", 1.0),
            ("total", 4.0),
            ("logements", 3.0),
            ("cout", 600.5),
        ],
    );

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// E. Santé — 2025
// ---------------------------------------------------------------------------------------------

#[test]
fn sante_2025() {
    let mut v = verif();

    // hospit_psy (type psychiatrie):
    //   sejours starting in 2025: PZ02 03-03 sdre, PZ01 06-10 sdt, PZ07 12-01 (ongoing),
    //   PZ05 12-20 libre = 4 (PZ01's 2024-12-20 started in 2024).
    //   personnes with a stay active in 2025: PZ01 (2024-12-20 → 2025-01-10 and 06-10),
    //   PZ02, PZ05, PZ07 = 4.
    //   journees in 2025: PZ01 [d, 01-10) = 9; PZ01 [06-10, 06-20) = 10; PZ02 [03-03, 03-17) = 14;
    //   PZ07 [12-01, f+1) = 31; PZ05 [12-20, min(2026-01-05, f+1)) = 12 → Σ = 76.
    //   journees_par_personne = 76 / FA 9 = 8.444…
    v.value(P25, "hospit_psy", "sejours", 4.0);
    v.value(P25, "hospit_psy", "personnes", 4.0);
    v.value(P25, "hospit_psy", "journees", 76.0);
    v.rate(P25, "hospit_psy", "journees_par_personne", 76.0, 9.0, 1.0);
    v.only(
        P25,
        "hospit_psy",
        &["sejours", "personnes", "journees", "journees_par_personne"],
    );

    // part_soins_sans_consentement: the 4 stays starting in 2025: sdt (PZ01), sdre (PZ02),
    //   libre (PZ05), empty (PZ07) → 2 / 3 × 100 = 66.666…
    v.rate(
        P25,
        "part_soins_sans_consentement",
        "total",
        2.0,
        3.0,
        100.0,
    );
    v.only(P25, "part_soins_sans_consentement", &["total"]);

    // passages_urgences: urgences in 2025: PZ06 02-02, PZ02 04-05, PZ02 08-01 = 3;
    //   personnes PZ02, PZ06 = 2. (PZ01 2024-05-05: N-1.)
    v.exactly(
        P25,
        "passages_urgences",
        &[("total", 3.0), ("personnes", 2.0)],
    );

    // hospit_psy_avant_apres: cohort = FA persons whose latest follow-up active in 2025
    //   started ≤ 2024-12-31: PZ01 PZ02 PZ03 PZ04 PZ05 PZ09 = 6.
    //   avant, window [entree − 365, entree):
    //     PZ01 [2021-03-01, 2022-03-01): stay 2021-02-20 → 03-11 clipped = 10; 2021-10-01 → 10-31 = 30 → 40
    //     PZ02 [2023-02-15, 2024-02-15): 0 | PZ03 [2023-01-10, 2024-01-10): 0
    //     PZ04 [2022-05-01, 2023-05-01): 2022-11-01 → 11-21 = 20
    //     PZ05 [2022-01-15, 2023-01-15): 0
    //     PZ09 [2023-06-02, 2024-06-01) (366 days back to 06-01: Feb 29 2024): stay
    //          2023-05-25 → 06-05 clipped [06-02, 06-05) = 3
    //     Σ = 63 → 63 / 6 = 10.5
    //   depuis, window [f − 364, f] = [2025-01-01, 2025-12-31]:
    //     PZ01 9 + 10 = 19; PZ02 14; PZ05 12; PZ03 PZ04 PZ09 0 (PZ04's 2025 stay is somatique)
    //     Σ = 45 → 45 / 6 = 7.5;  effectif 6.
    v.rate(P25, "hospit_psy_avant_apres", "avant", 63.0, 6.0, 1.0);
    v.rate(P25, "hospit_psy_avant_apres", "depuis", 45.0, 6.0, 1.0);
    v.value(P25, "hospit_psy_avant_apres", "effectif", 6.0);
    v.only(
        P25,
        "hospit_psy_avant_apres",
        &["avant", "depuis", "effectif"],
    );

    // Current situations (latest row dated ≤ f) — see group F for the full list:
    //   PZ01 2025-02-01, PZ02 2024-03-01 (its 2026-01-15 row is after f), PZ03 2024-01-10,
    //   PZ04 2025-01-15, PZ05 2025-06-01, PZ06 none, PZ07 2025-12-15, PZ08 2025-12-12,
    //   PZ09 2025-01-25.
    // medecin_traitant: oui PZ01 PZ02 PZ03 PZ04 PZ07 PZ09 = 6; non PZ08 = 1;
    //   PZ05 empty and PZ06 no row left out → 6 / 7 × 100 = 85.714…
    v.rate(P25, "medecin_traitant", "total", 6.0, 7.0, 100.0);
    v.only(P25, "medecin_traitant", &["total"]);
    // suivi_psychiatrique: oui PZ01 PZ03 PZ04 PZ05 PZ09 = 5; non PZ02 PZ08 = 2;
    //   PZ07 empty, PZ06 no row → 5 / 7 × 100 = 71.428…
    v.rate(P25, "suivi_psychiatrique", "total", 5.0, 7.0, 100.0);
    v.only(P25, "suivi_psychiatrique", &["total"]);

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// F. Droits et ressources — 2025
// ---------------------------------------------------------------------------------------------
//
// situations.csv (couverture, ressource, montant, mesure, medecin, suivi, activite):
//   PZ01 2021-11-15 aucune  aucune      0       aucune     non non aucune    (before entry − 90)
//   PZ01 2022-03-05 puma_seule rsa      607.75  aucune     non oui aucune    ← entry
//   PZ01 2025-02-01 puma_css aah        1016.05 curatelle  oui oui benevolat ← current
//   PZ02 2024-01-20 aucune  aucune      (empty) aucune     non non aucune    ← entry (earliest in window)
//   PZ02 2024-03-01 puma_seule rsa      607.75  aucune     oui non aucune    ← current
//   PZ02 2026-01-15 puma_css salaire    1500    aucune     oui oui emploi    (after f: ignored)
//   PZ03 2024-01-10 puma_css aah        1016.05 tutelle    oui oui aucune    ← entry and current
//   PZ04 2023-07-30 puma_css pension_retraite 1200 sauvegarde oui non aucune ← entry (= entree + 90)
//   PZ04 2025-01-15 puma_css pension_retraite 1250 sauvegarde oui oui aucune ← current
//   PZ05 2023-01-01 ame     aucune      0       aucune     non non aucune    ← entry
//   PZ05 2025-06-01 puma_seule chomage  850.50  (empty)    (empty) oui formation ← current
//   PZ06 — no row —                                                          → non_renseigne both
//   PZ07 2025-12-15 puma_css cej        528     aucune     oui (empty) cej   ← current only
//        (entry window [2025-06-03, 2025-11-30]: outside → entry non_renseigne)
//   PZ08 2025-12-12 aucune  rsa         607.75  aucune     non non aucune    ← entry and current
//   PZ09 2024-05-20 puma_seule salaire  1400    aucune     non oui emploi    ← entry
//   PZ09 2025-01-25 puma_seule salaire  1450.20 aucune     oui oui emploi    ← current

#[test]
fn droits_ressources_2025() {
    let mut v = verif();

    // couverture_maladie current: puma_css PZ01 PZ03 PZ04 PZ07 = 4; puma_seule PZ02 PZ05 PZ09 = 3;
    //   ame 0; aucune PZ08 = 1; non_renseigne PZ06 = 1; total 9.
    //   entry: puma_css PZ03 PZ04 = 2; puma_seule PZ01 PZ09 = 2; ame PZ05 = 1;
    //   aucune PZ02 PZ08 = 2; non_renseigne PZ06 PZ07 = 2; total 9.
    v.exactly(
        P25,
        "couverture_maladie",
        &[
            ("puma_css", 4.0),
            ("puma_seule", 3.0),
            ("ame", 0.0),
            ("aucune", 1.0),
            ("non_renseigne", 1.0),
            ("total", 9.0),
            ("entree:puma_css", 2.0),
            ("entree:puma_seule", 2.0),
            ("entree:ame", 1.0),
            ("entree:aucune", 2.0),
            ("entree:non_renseigne", 2.0),
            ("entree:total", 9.0),
        ],
    );

    // ressource_principale current: aah PZ01 PZ03 = 2; rsa PZ02 PZ08 = 2; salaire PZ09 = 1;
    //   cej PZ07 = 1; pension_retraite PZ04 = 1; chomage PZ05 = 1; autre 0; aucune 0;
    //   non_renseigne PZ06 = 1; total 9.
    //   montants current (8 known): 528, 607.75, 607.75, 850.50, 1016.05, 1016.05, 1250, 1450.20
    //   → mediane (850.50 + 1016.05)/2 = 933.275, effectif 8.
    //   entry: aah PZ03 = 1; rsa PZ01 PZ08 = 2; salaire PZ09 = 1; cej 0; pension_retraite PZ04 = 1;
    //   chomage 0; autre 0; aucune PZ02 PZ05 = 2; non_renseigne PZ06 PZ07 = 2; total 9.
    //   montants at entry (6 known; PZ02's is empty): 0, 607.75, 607.75, 1016.05, 1200, 1400
    //   → mediane (607.75 + 1016.05)/2 = 811.9, effectif 6.
    v.exactly(
        P25,
        "ressource_principale",
        &[
            ("aah", 2.0),
            ("rsa", 2.0),
            ("salaire", 1.0),
            ("cej", 1.0),
            ("pension_retraite", 1.0),
            ("chomage", 1.0),
            ("autre", 0.0),
            ("aucune", 0.0),
            ("non_renseigne", 1.0),
            ("total", 9.0),
            ("mediane", 933.275),
            ("effectif", 8.0),
            ("entree:aah", 1.0),
            ("entree:rsa", 2.0),
            ("entree:salaire", 1.0),
            ("entree:cej", 0.0),
            ("entree:pension_retraite", 1.0),
            ("entree:chomage", 0.0),
            ("entree:autre", 0.0),
            ("entree:aucune", 2.0),
            ("entree:non_renseigne", 2.0),
            ("entree:total", 9.0),
            ("entree:mediane", 811.9),
            ("entree:effectif", 6.0),
        ],
    );

    // mesure_protection current: aucune PZ02 PZ07 PZ08 PZ09 = 4; curatelle PZ01 = 1;
    //   tutelle PZ03 = 1; sauvegarde PZ04 = 1; non_renseigne PZ05 (empty) PZ06 = 2; total 9.
    //   entry: aucune PZ01 PZ02 PZ05 PZ08 PZ09 = 5; curatelle 0; tutelle PZ03 = 1;
    //   sauvegarde PZ04 = 1; non_renseigne PZ06 PZ07 = 2; total 9.
    v.exactly(
        P25,
        "mesure_protection",
        &[
            ("aucune", 4.0),
            ("curatelle", 1.0),
            ("tutelle", 1.0),
            ("sauvegarde", 1.0),
            ("non_renseigne", 2.0),
            ("total", 9.0),
            ("entree:aucune", 5.0),
            ("entree:curatelle", 0.0),
            ("entree:tutelle", 1.0),
            ("entree:sauvegarde", 1.0),
            ("entree:non_renseigne", 2.0),
            ("entree:total", 9.0),
        ],
    );

    // activite current: emploi PZ09 = 1; formation PZ05 = 1; etudes 0; cej PZ07 = 1;
    //   benevolat PZ01 = 1; aucune PZ02 PZ03 PZ04 PZ08 = 4; non_renseigne PZ06 = 1; total 9.
    //   entry: emploi PZ09 = 1; aucune PZ01 PZ02 PZ03 PZ04 PZ05 PZ08 = 6;
    //   non_renseigne PZ06 PZ07 = 2; the others 0; total 9.
    v.exactly(
        P25,
        "activite",
        &[
            ("emploi", 1.0),
            ("formation", 1.0),
            ("etudes", 0.0),
            ("cej", 1.0),
            ("benevolat", 1.0),
            ("aucune", 4.0),
            ("non_renseigne", 1.0),
            ("total", 9.0),
            ("entree:emploi", 1.0),
            ("entree:formation", 0.0),
            ("entree:etudes", 0.0),
            ("entree:cej", 0.0),
            ("entree:benevolat", 0.0),
            ("entree:aucune", 6.0),
            ("entree:non_renseigne", 2.0),
            ("entree:total", 9.0),
        ],
    );

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// H. Moyens — 2025
// ---------------------------------------------------------------------------------------------

#[test]
fn moyens_2025() {
    let mut v = verif();

    // etp_moyens = Σ etp × days in P of [date_debut, date_fin + 1) ÷ 365:
    //   coordinateur 1 from 2022 → 1
    //   infirmier 0.8 until 2025-06-30 → [d, 07-01) = 181 days → 144.8
    //   infirmier 1 from 2025-07-01 → [07-01, f+1) = 184 days → 184   ⇒ 328.8 / 365 = 0.900821…
    //   travailleur_social 1 from 2023 → 365; 0.5 from 2025-03-01 to 08-31 → [o=59, o=243) =
    //     184 days → 92  ⇒ 457 / 365 = 1.252054…
    //   psychiatre 0.2 → 0.2;  mediateur_sante_pair 0.5 2024-01-01 → 2024-12-31: 0 in 2025
    //   secretariat 0.5;  charge_gla 0.6;  metier EMPTY 0.3 from 2025-10-01 → 92 days → 27.6/365
    //   = 0.075616… (non_renseigne);  medecin, educateur, autre, direction 0.
    //   total = (328.8 + 457 + 73 + 219 + 365 + 182.5 + 27.6) / 365 = 1652.9 / 365 = 4.528493…
    v.exactly(
        P25,
        "etp_moyens",
        &[
            ("infirmier", 328.8 / 365.0),
            ("travailleur_social", 457.0 / 365.0),
            ("medecin", 0.0),
            ("psychiatre", 0.2),
            ("mediateur_sante_pair", 0.0),
            ("educateur", 0.0),
            ("charge_gla", 0.6),
            ("autre", 0.0),
            ("coordinateur", 1.0),
            ("secretariat", 0.5),
            ("direction", 0.0),
            ("non_renseigne", 27.6 / 365.0),
            ("total", 1652.9 / 365.0),
        ],
    );

    // etp_pour_10_places = 4.528493… / 8 × 10 = 5.660616…
    v.exactly(
        P25,
        "etp_pour_10_places",
        &[("total", 1652.9 / 365.0 / 8.0 * 10.0)],
    );

    // cout_place_jour: Σ réalisé = 9500 + 6200 + 295000 + 21000 + 1500 + 1800 = 335000;
    //   ÷ (8 × 365 = 2920) = 114.726027…
    v.exactly(P25, "cout_place_jour", &[("total", 335000.0 / 2920.0)]);

    // execution_budget (réalisé ÷ prévu × 100):
    //   groupe_1: Fournitures 10000/9500, Déplacements 5000/6200 → 15700 / 15000 = 104.666…
    //   groupe_2: Salaires 300000/295000 → 295000 / 300000 = 98.333…
    //   groupe_3: Loyers 20000/21000, Assurances (prévu empty)/1500 → 22500 / 20000 = 112.5
    //   non_renseigne: Divers 2000/1800 → 1800 / 2000 = 90
    //   total: 335000 / 337000 = 99.406528…
    v.rate(P25, "execution_budget", "groupe_1", 15700.0, 15000.0, 100.0);
    v.rate(
        P25,
        "execution_budget",
        "groupe_2",
        295000.0,
        300000.0,
        100.0,
    );
    v.rate(P25, "execution_budget", "groupe_3", 22500.0, 20000.0, 100.0);
    v.rate(
        P25,
        "execution_budget",
        "non_renseigne",
        1800.0,
        2000.0,
        100.0,
    );
    v.rate(P25, "execution_budget", "total", 335000.0, 337000.0, 100.0);
    v.only(
        P25,
        "execution_budget",
        &["groupe_1", "groupe_2", "groupe_3", "non_renseigne", "total"],
    );

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// N-1 = 2024 (rows with periode_debut 2024-01-01)
// ---------------------------------------------------------------------------------------------
//
// FA 2024 = PZ01 PZ02 PZ03 PZ04 PZ05 PZ09 (6), all present at 2024-12-31.
// Follow-up days in 2024 (366): PZ01 366, PZ02 [o(02-15)=45, 366) = 321, PZ03 [o(01-10)=9, 366)
// = 357, PZ04 366, PZ05 366, PZ09 [o(06-01)=152, 366) = 214 → Σ = 1990.

#[test]
fn annee_precedente_2024() {
    let mut v = verif();

    // C. Interventions of 2024: I01 PZ01 VAD oui, I02 PZ02 telephone, I03 PZ04 entretien_local,
    //   I04 PZ05 telephone → total 4, VAD 1, personnes 4.
    v.value(P24, "interventions_par_type", "total", 4.0);
    v.value(P24, "interventions_par_type", "visite_domicile", 1.0);
    v.value(P24, "interventions_par_type", "telephone", 2.0);
    v.value(P24, "interventions_par_type", "personnes", 4.0);
    // vad_par_semaine 1 ÷ (1990 / 7) = 0.003517…
    v.rate(P24, "vad_par_semaine", "total", 1.0, 1990.0 / 7.0, 1.0);
    // part_vad_binome: the one VAD has binome oui → 1 / 1 = 100.
    v.rate(P24, "part_vad_binome", "total", 1.0, 1.0, 100.0);
    // atteinte_objectif_vad: all 6 have ≥ 28 days; PZ01 1 VAD → 7/366 < 1 → 0 / 6 = 0.
    v.rate(P24, "atteinte_objectif_vad", "total", 0.0, 6.0, 100.0);
    // sans_contact_30j at 2024-12-31, window [2024-12-01, 2024-12-31]: only PZ04 (I03 12-30)
    //   has a contact → 5.
    v.value(P24, "sans_contact_30j", "total", 5.0);

    // D. At 2024-12-31: occupations OCZ01 PZ01 LZ01, OCZ03 PZ02 LZ03, OCZ04 PZ03 LZ04,
    //   OCZ05 PZ04 LZ05, OCZ06 PZ05 LZ06, OCZ10 PZ09 LZ08 → 6 persons;
    //   flats social LZ01 LZ03 LZ05 LZ08 = 4, prive LZ04 = 1, non_renseigne LZ06 = 1, total 6.
    v.value(P24, "personnes_logees_fin", "total", 6.0);
    v.exactly(
        P24,
        "logements_mobilises_fin",
        &[
            ("social", 4.0),
            ("prive", 1.0),
            ("non_renseigne", 1.0),
            ("total", 6.0),
        ],
    );
    // acces_logement 2024: PZ03 02-01, PZ02 03-01, PZ04 05-01, PZ09 07-01 = 4;
    //   délais: PZ02 2024-03-01 − 02-15 = 15; PZ03 2024-02-01 − 01-10 = 22;
    //   PZ04 2024-05-01 − 2023-05-01 = 366; PZ09 2024-07-01 − 06-01 = 30
    //   → moyenne 433 / 4 = 108.25, mediane (22 + 30)/2 = 26, effectif 4.
    v.value(P24, "acces_logement", "total", 4.0);
    v.exactly(
        P24,
        "delai_acces_logement",
        &[("moyenne", 108.25), ("mediane", 26.0), ("effectif", 4.0)],
    );
    // maintien 12 m 2024: h + 365 in 2024 ⇔ h in [2023-01-01, 2024-01-01]: PZ05 h 2023-06-01 →
    //   2024-05-31, housed → 1 / 1.  24 m: h in [2022-01-01, 2023-01-01]: PZ01 h 2022-04-01 →
    //   2024-03-31, in OCZ01 → 1 / 1.
    v.rate(P24, "maintien_logement_12m", "total", 1.0, 1.0, 100.0);
    v.rate(P24, "maintien_logement_24m", "total", 1.0, 1.0, 100.0);
    // relogements 0; glissements OCZ06 2024-11-15 = 1; no occupation ended in 2024.
    v.value(P24, "relogements", "total", 0.0);
    v.value(P24, "glissements_bail", "total", 1.0);
    v.value(P24, "fins_occupation", "total", 0.0);
    // dette at 2024-12-31: PZ01 0; PZ02 200 → personnes 1, montant 200, mediane 200.
    v.exactly(
        P24,
        "dette_locative_fin",
        &[("personnes", 1.0), ("montant", 200.0), ("mediane", 200.0)],
    );
    // taux_impayes 2024: Σ du 120 + 200 = 320; Σ payé 120 → 200 / 320 = 62.5 %.
    v.rate(P24, "taux_impayes", "total", 200.0, 320.0, 100.0);
    // incidents 2024: LZ01 incendie 1000 → incendie 1, total 1, logements 1, cout 1000.
    v.value(P24, "incidents_par_type", "incendie", 1.0);
    v.value(P24, "incidents_par_type", "total", 1.0);
    v.value(P24, "incidents_par_type", "logements", 1.0);
    v.value(P24, "incidents_par_type", "cout", 1000.0);

    // E. Psychiatric stays of 2024: PZ05 07-01 → 07-21 sdre (20 days), PZ01 12-20 → 2025-01-10
    //   sdt ([12-20, 2025-01-01) = 12 days) → sejours 2, personnes 2, journees 32,
    //   journees_par_personne 32 / 6 = 5.333…; part_soins 2 / 2 = 100; urgences PZ01 05-05 → 1.
    v.value(P24, "hospit_psy", "sejours", 2.0);
    v.value(P24, "hospit_psy", "personnes", 2.0);
    v.value(P24, "hospit_psy", "journees", 32.0);
    v.rate(P24, "hospit_psy", "journees_par_personne", 32.0, 6.0, 1.0);
    v.rate(
        P24,
        "part_soins_sans_consentement",
        "total",
        2.0,
        2.0,
        100.0,
    );
    v.value(P24, "passages_urgences", "total", 1.0);
    v.value(P24, "passages_urgences", "personnes", 1.0);
    // avant / après 2024: cohort = latest follow-up started ≤ 2023-12-31: PZ01 PZ04 PZ05 = 3.
    //   avant: PZ01 40, PZ04 20, PZ05 0 → 60 / 3 = 20.
    //   depuis window [2024-12-31 − 364, 2024-12-31] = [2024-01-02, 2024-12-31] (leap):
    //   PZ01 12, PZ05 20, PZ04 0 → 32 / 3 = 10.666…
    v.rate(P24, "hospit_psy_avant_apres", "avant", 60.0, 3.0, 1.0);
    v.rate(P24, "hospit_psy_avant_apres", "depuis", 32.0, 3.0, 1.0);
    v.value(P24, "hospit_psy_avant_apres", "effectif", 3.0);
    // Current situations at 2024-12-31: PZ01 2022-03-05, PZ02 2024-03-01, PZ03 2024-01-10,
    //   PZ04 2023-07-30, PZ05 2023-01-01, PZ09 2024-05-20.
    //   medecin_traitant: oui PZ02 PZ03 PZ04 = 3 / 6 = 50; suivi: oui PZ01 PZ03 PZ09 = 3 / 6 = 50.
    v.rate(P24, "medecin_traitant", "total", 3.0, 6.0, 100.0);
    v.rate(P24, "suivi_psychiatrique", "total", 3.0, 6.0, 100.0);

    // F. couverture_maladie 2024 current: puma_seule PZ01 PZ02 PZ09 = 3; puma_css PZ03 PZ04 = 2;
    //   ame PZ05 = 1; aucune 0; non_renseigne 0; total 6.
    for (m, x) in [
        ("puma_css", 2.0),
        ("puma_seule", 3.0),
        ("ame", 1.0),
        ("aucune", 0.0),
        ("non_renseigne", 0.0),
        ("total", 6.0),
    ] {
        v.value(P24, "couverture_maladie", m, x);
    }

    // H. 2024 (366 days): coordinateur 1, infirmier 0.8 (the 2025 recruit: 0),
    //   travailleur_social 1, psychiatre 0.2, mediateur_sante_pair 0.5 × 366/366, secretariat 0.5,
    //   charge_gla 0.6 → total 4.6; etp_pour_10_places 4.6 / 8 × 10 = 5.75.
    v.value(P24, "etp_moyens", "infirmier", 0.8);
    v.value(P24, "etp_moyens", "mediateur_sante_pair", 0.5);
    v.value(P24, "etp_moyens", "non_renseigne", 0.0);
    v.value(P24, "etp_moyens", "total", 4.6);
    v.value(P24, "etp_pour_10_places", "total", 5.75);
    // The budget has no year: no N-1 row for cout_place_jour and execution_budget.
    v.no_rows_in(P24, "cout_place_jour");
    v.no_rows_in(P24, "execution_budget");

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// Order of the modalités (code list's order, then non_renseigne, then total). Kept separate so
// that an ordering difference does not hide the value checks above. For the F group, the
// current-situation codes and the `entree:` codes are each checked as a subsequence.
// ---------------------------------------------------------------------------------------------

#[test]
fn ordre_des_modalites_2025() {
    let mut v = verif();
    let cas: &[(&str, &[&str])] = &[
        (
            "interventions_par_type",
            &[
                "visite_domicile",
                "accompagnement_exterieur",
                "entretien_local",
                "telephone",
                "visite_non_aboutie",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "interventions_par_metier",
            &[
                "infirmier",
                "travailleur_social",
                "medecin",
                "psychiatre",
                "mediateur_sante_pair",
                "educateur",
                "charge_gla",
                "autre",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "logements_mobilises_fin",
            &["social", "prive", "non_renseigne", "total"],
        ),
        (
            "fins_occupation",
            &[
                "relogement_dispositif",
                "fin_accompagnement",
                "expulsion",
                "deces",
                "abandon",
                "autre",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "incidents_par_type",
            &[
                "trouble_voisinage",
                "degradation",
                "degat_des_eaux",
                "incendie",
                "intrusion_squat",
                "intervention_technique",
                "autre",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "couverture_maladie",
            &[
                "puma_css",
                "puma_seule",
                "ame",
                "aucune",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "ressource_principale",
            &[
                "aah",
                "rsa",
                "salaire",
                "cej",
                "pension_retraite",
                "chomage",
                "autre",
                "aucune",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "mesure_protection",
            &[
                "aucune",
                "curatelle",
                "tutelle",
                "sauvegarde",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "activite",
            &[
                "emploi",
                "formation",
                "etudes",
                "cej",
                "benevolat",
                "aucune",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "etp_moyens",
            &[
                "infirmier",
                "travailleur_social",
                "medecin",
                "psychiatre",
                "mediateur_sante_pair",
                "educateur",
                "charge_gla",
                "autre",
                "coordinateur",
                "secretariat",
                "direction",
                "non_renseigne",
                "total",
            ],
        ),
        (
            "execution_budget",
            &["groupe_1", "groupe_2", "groupe_3", "non_renseigne", "total"],
        ),
    ];
    for (ind, seq) in cas {
        // Current codes (no prefix) as a subsequence.
        v.order_among(P25, ind, seq);
        // The `entree:` codes of group F, in the same order.
        if v.modalites(P25, ind)
            .iter()
            .any(|m| m.starts_with("entree:"))
        {
            let attendu: Vec<String> = seq.iter().map(|m| format!("entree:{m}")).collect();
            v.order_among(P25, ind, &attendu);
        }
    }
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// Audience interne: detail.csv ("détail des cellules")
// ---------------------------------------------------------------------------------------------

#[test]
fn detail_des_cellules_interne() {
    let s = sortie();
    let brut = s
        .detail
        .as_deref()
        .expect("detail.csv absent de la sortie interne");
    let en_tete = brut
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r');
    assert_eq!(en_tete, EN_TETE_DETAIL, "en-tête de detail.csv");

    let ensemble = |ids: &[&str]| ids.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
    let cas: &[(&str, &str, &[&str])] = &[
        // file_active 2025: the 9 persons.
        (
            "file_active",
            "total",
            &[
                "PZ01", "PZ02", "PZ03", "PZ04", "PZ05", "PZ06", "PZ07", "PZ08", "PZ09",
            ],
        ),
        // logements_mobilises_fin 2025: the 6 flats occupied at f (see logement_2025).
        (
            "logements_mobilises_fin",
            "total",
            &["LZ02", "LZ03", "LZ04", "LZ05", "LZ06", "LZ07"],
        ),
        // sans_contact_30j 2025: PZ05, PZ07.
        ("sans_contact_30j", "total", &["PZ05", "PZ07"]),
        // acces_logement 2025: PZ06, PZ07, PZ08.
        ("acces_logement", "total", &["PZ06", "PZ07", "PZ08"]),
        // incidents_par_type 2025 (incidents → flats): LZ02, LZ03, LZ06.
        ("incidents_par_type", "total", &["LZ02", "LZ03", "LZ06"]),
    ];
    let mut erreurs = Vec::new();
    for (ind, moda, attendu) in cas {
        let (vu, doublons) = common::detail_ids(brut, "complet", ind, moda, PERIODE_25);
        let attendu = ensemble(attendu);
        if vu != attendu {
            erreurs.push(format!(
                "{ind} [{moda}] {PERIODE_25}: identifiants {vu:?}, attendu {attendu:?}"
            ));
        }
        if doublons > 0 {
            erreurs.push(format!(
                "{ind} [{moda}] {PERIODE_25}: {doublons} identifiant(s) en double"
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
// Audience diffusion: no detail.csv, no identifier in any output file
// ---------------------------------------------------------------------------------------------

#[test]
fn diffusion_sans_identifiant() {
    let dossier = diffusion().path();
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
    let mut fuites = Vec::new();
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
            let textes: Vec<(String, String)> = if chemin.extension().is_some_and(|e| e == "xlsx") {
                let t = common::xlsx_texts(&chemin);
                // Guard against a scan that silently reads nothing.
                assert!(
                    t.iter().any(|(_, x)| !x.trim().is_empty()),
                    "{nom}: aucune cellule lue par calamine"
                );
                t
            } else {
                let octets = std::fs::read(&chemin).expect("lecture d'un fichier de sortie");
                vec![(String::new(), String::from_utf8_lossy(&octets).into_owned())]
            };
            for (ou, texte) in &textes {
                for id in IDENTIFIANTS {
                    if texte.contains(id) {
                        fuites.push(format!("{nom} {ou}: « {id} »"));
                    }
                }
            }
        }
    }
    assert!(
        fuites.is_empty(),
        "identifiants présents dans la sortie diffusion:\n  {}",
        fuites.join("\n  ")
    );
}

/// Small counts are masked in every output of the diffusion run: `acces_logement` 2025 = 3
/// persons (PZ06, PZ07, PZ08, see logement_2025), a count under the threshold 5, is written
/// « < 5 »; the 12-month retention rate (2 maintained ÷ 3 in the cohort) has both terms
/// masked, so it is masked too.
#[test]
fn diffusion_masks_small_counts_everywhere() {
    let dossier = diffusion().path();
    let csv = std::fs::read_to_string(dossier.join("indicateurs.csv")).unwrap();
    assert!(
        csv.contains("complet,2025-01-01,2025-12-31,acces_logement,total,< 5,,,personnes"),
        "{csv}"
    );
    // A rate whose terms (2 persons maintained out of 3 in the cohort) are masked is
    // masked too.
    assert!(
        csv.contains("maintien_logement_12m,total,masqué,< 5,< 5,%"),
        "{csv}"
    );
    let typ = std::fs::read_to_string(dossier.join("rapport.typ")).unwrap();
    assert!(typ.contains("\"< 5\""));
    assert!(typ.contains("seuil de confidentialité 5"));
    assert!(!dossier.join("detail.csv").exists());
}

// ---------------------------------------------------------------------------------------------
// vad_par_semaine_mois — 2025: the home visits of each month over the follow-up days of
// that month (formerly tests/vad_par_mois.rs, same fixture and now the same run)
// ---------------------------------------------------------------------------------------------
//
// January 2025 (31 days, [01-01, 02-01)): home visits dated in January: PZ03 on 01-02,
// 01-09, 01-16, 01-23, 01-28 and PZ09 on 01-03, 01-10, 01-17, 01-24 = 9. Follow-up days:
// PZ01 31, PZ02 31, PZ03 28 (exit 01-29), PZ04 31, PZ05 31, PZ09 31 (exit 02-01), others
// not yet entered = 183. Rate = 9 ÷ (183 ÷ 7) = 63 ÷ 183 = 0.344262…
// February 2025 (28 days): visits PZ09 on 02-01 (its exit day: dated in the month) and
// PZ04 on 02-14 = 2. Days: PZ01, PZ02, PZ04, PZ05 and PZ06 (entered 02-01) 28 each =
// 140, PZ09 0. Rate = 2 ÷ (140 ÷ 7) = 0.1.

#[test]
fn vad_par_semaine_mois_2025() {
    let mut v = verif();
    let ind = "vad_par_semaine_mois";
    v.tolerance(0.0).numerator(P25, ind, "mois:2025-01", 9.0);
    v.denominator(P25, ind, "mois:2025-01", 183.0 / 7.0);
    v.value(P25, ind, "mois:2025-01", 63.0 / 183.0);
    v.tolerance(0.0).terms(P25, ind, "mois:2025-02", 2.0, 20.0);
    v.tolerance(1e-9).value(P25, ind, "mois:2025-02", 0.1);
    // One row per month of 2025, anywhere in the file.
    let mois = sortie()
        .raw
        .matches(",vad_par_semaine_mois,mois:2025-")
        .count();
    if mois != 12 {
        v.error(format!("{ind}: {mois} lignes mois:2025-…, attendu 12"));
    }
    v.finish();
}
