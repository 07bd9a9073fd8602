//! End to end through an import profile, HOPE / GLA style: `tests/fixtures/profil-hope/`.
//! The site's exports do not use the reference layout of donnees.md:
//!
//! - `hope.xlsx`, sheets named by the profile (`feuille`), not by the configuration:
//!   « Usagers » (personnes), « Parcours » (accompagnements), « Visites à domicile »
//!   (interventions). Own headers (« N° dossier », « Né(e) le », « Genre », « Date d'entrée
//!   dans le dispositif », « Date de fin de prise en charge », « Motif de fin »…), own
//!   labels (« Féminin », « Sans abri / rue », « Sortie vers un logement autonome »,
//!   « Personne décédée », « Infirmier(e) »…), a free-text column « Nom (texte libre) ».
//!   Entry dates are date cells, exit and birth dates text `JJ/MM/AAAA`. The visits sheet has
//!   no type column: `constantes.type = "visite_domicile"`.
//! - `gla_logements.csv`, `gla_baux.csv`: Windows-1252, `;`, CRLF, decimal commas, dates
//!   `JJ/MM/AAAA`, own headers and labels (« Parc social », « Départ volontaire »); the
//!   encoding and delimiter are FORCED by the profile — the flats' header line holds 5 commas
//!   and 4 semicolons, so detection alone would split it on the commas; the leases export
//!   has no `statut_bail` (required): `constantes.statut_bail = "sous_location"`.
//!
//! `tests/fixtures/profil-hope/reference/` holds the same data in the reference layout.
//! (`generer_hope_xlsx.py` wrote `hope.xlsx`; it is kept for whoever changes the workbook.)
//!
//! Every expected figure was computed BY HAND from `indicateurs.md`; the computation is
//! written above each group of assertions. Period P = 2025: d = 2025-01-01, f = 2025-12-31,
//! 365 days; o(x) = x − d: Jan 0, Feb 31, Mar 59, Apr 90, May 120, Jun 151, Jul 181,
//! Aug 212, Sep 243, Oct 273, Nov 304, Dec 334; o(f + 1) = 365. Places = 5.
//!
//! THE FIXTURE (after the profile's mapping)
//!
//! | id  | follow-up [entree, sortie) motif (site label)                          | sexe | situation_avant (site label)      | orienteur (site label)           |
//! |-----|-------------------------------------------------------------------------|------|-----------------------------------|----------------------------------|
//! | H01 | 2024-05-01 → ongoing                                                    | F    | rue (« Sans abri / rue »)         | siao (« SIAO 59 »)               |
//! | H02 | 2025-02-15 → 2025-10-31 relogement_autonome (« Sortie vers un logement autonome ») | H | hebergement_urgence (« Hébergement d'urgence (115) ») | empp (« Équipe mobile psy (EMPP) ») |
//! | H03 | 2023-06-01 → 2025-04-30 fin_a_la_demande (« Fin à la demande de la personne ») | H | rue                             | siao                             |
//! | H04 | 2025-09-01 → ongoing                                                    | F    | tiers (« Chez un ami / famille ») | hopital (« Service de psychiatrie ») |
//! | H05 | 2022-01-10 → 2025-07-20 deces (« Personne décédée »)                    | H    | rue                               | empp                             |
//! | H06 | 2023-03-01 → 2024-12-31 relogement_autonome                             | F    | tiers                             | siao                             |
//!
//! Home visits (« Visites à domicile », type from the constant; « Intervenants »):
//!   V1 H01 2025-03-03 Infirmier(e) | V2 H01 2025-06-02 « Infirmier(e); Éducateur spécialisé »
//!   V3 H01 2025-11-20 Éducateur spécialisé | V4 H02 2025-04-10 Infirmier(e)
//!   V5 H04 2025-09-05 Psychiatre (already the code's label) | V6 H04 2025-12-15 (empty)
//!   V7 H06 2024-06-01 Infirmier(e) (N-1)
//! Flats: GL1 « Parc social », GL2 « Parc privé », GL3 « Parc social ».
//! Leases (statut_bail from the constant): B1 GL1 H01 2024-06-01 → ongoing |
//!   B2 GL2 H02 2025-03-01 → 2025-10-31 « Fin de prise en charge » (fin_accompagnement) |
//!   B3 GL3 H03 2023-07-15 → 2025-04-30 « Départ volontaire » (abandon) |
//!   B4 GL3 H04 2025-09-15 → ongoing.

mod common;

use common::{Checks, Report};
use std::sync::OnceLock;

const DISP: &str = "hope";
const P25: &str = "2025-01-01";
const P24: &str = "2024-01-01";

/// The run through the profile (the one the hand computations are checked against).
fn profil() -> &'static Report {
    static S: OnceLock<Report> = OnceLock::new();
    S.get_or_init(|| {
        let config = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/profil-hope/bilan.toml"
        );
        common::report(config, "2025", "interne", &[2025, 2024])
    })
}

/// The run of the same data in the reference layout.
fn reference() -> &'static Report {
    static S: OnceLock<Report> = OnceLock::new();
    S.get_or_init(|| {
        let config = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/profil-hope/reference/bilan.toml"
        );
        common::report(config, "2025", "interne", &[2025, 2024])
    })
}

fn verif() -> Checks<'static> {
    Checks::of(profil(), DISP)
}

// ---------------------------------------------------------------------------------------------
// A. Activité: file active, entries, exits by (mapped) motif, occupancy
// ---------------------------------------------------------------------------------------------

#[test]
fn activite_par_le_profil_2025() {
    let s = profil();
    assert!(
        s.duplicates.is_empty(),
        "clés en double: {:?}",
        s.duplicates
    );
    assert!(
        !s.raw.contains("FICTIF"),
        "la colonne libre « Nom (texte libre) » apparaît dans indicateurs.csv"
    );
    let mut v = verif();

    // file_active 2025: entree ≤ f and (sortie empty or ≥ d): H01 H02 H03 H04 H05 = 5;
    //   not H06 (sortie 2024-12-31 < d).
    v.exactly(P25, "file_active", &[("total", 5.0)]);
    // N-1 2024: H01 (from 2024-05-01), H03, H05, H06 (sortie 2024-12-31 ≥ 2024-01-01) = 4.
    v.value(P24, "file_active", "total", 4.0);

    // presents_fin at 2025-12-31: H01, H04 = 2.
    v.exactly(P25, "presents_fin", &[("total", 2.0)]);

    // entrees 2025: H02 2025-02-15 (a date cell), H04 2025-09-01 = 2; no readmission.
    v.exactly(
        P25,
        "entrees",
        &[("total", 2.0), ("dont_readmissions", 0.0)],
    );

    // sorties 2025, motifs read through the profile's labels: H03 04-30 « Fin à la demande
    //   de la personne » → fin_a_la_demande; H05 07-20 « Personne décédée » → deces;
    //   H02 10-31 « Sortie vers un logement autonome » → relogement_autonome. Total 3; an
    //   unmapped label would show as non_reconnu, which `exactly` forbids. (H06's 2024-12-31
    //   exit is in N-1.)
    v.exactly(
        P25,
        "sorties",
        &[
            ("relogement_autonome", 1.0),
            ("structure_medicalisee", 0.0),
            ("hospitalisation_longue", 0.0),
            ("incarceration", 0.0),
            ("deces", 1.0),
            ("demenagement_hors_territoire", 0.0),
            ("fin_a_la_demande", 1.0),
            ("perdu_de_vue", 0.0),
            ("autre", 0.0),
            ("non_renseigne", 0.0),
            ("total", 3.0),
        ],
    );

    // taux_occupation: days in 2025 of every follow-up:
    //   H01 [0, 365) = 365 | H02 [o(02-15)=45, o(10-31)=303) = 258 | H03 [0, o(04-30)=119) = 119
    //   H04 [o(09-01)=243, 365) = 122 | H05 [0, o(07-20)=200) = 200 | H06 0
    //   Σ = 365 + 258 + 119 + 122 + 200 = 1064; ÷ (5 places × 365 = 1825) × 100 = 58.301369…
    v.rate(P25, "taux_occupation", "total", 1064.0, 1825.0, 100.0);

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// B. Breakdowns over profile-mapped labels
// ---------------------------------------------------------------------------------------------

#[test]
fn profil_par_les_libelles_du_site_2025() {
    let mut v = verif();

    // profil_sexe (« Genre »: « Féminin » → F, « Masculin » → H) over FA H01…H05:
    //   F H01 H04 = 2; H H02 H03 H05 = 3; total 5.
    v.exactly(
        P25,
        "profil_sexe",
        &[
            ("F", 2.0),
            ("H", 3.0),
            ("X", 0.0),
            ("non_renseigne", 0.0),
            ("total", 5.0),
        ],
    );

    // profil_situation_avant: « Sans abri / rue » H01 H03 H05 → rue 3;
    //   « Hébergement d'urgence (115) » H02 → hebergement_urgence 1;
    //   « Chez un ami / famille » H04 → tiers 1 (H06, also tiers, is not in FA); total 5.
    v.exactly(
        P25,
        "profil_situation_avant",
        &[
            ("rue", 3.0),
            ("hebergement_urgence", 1.0),
            ("hebergement_insertion", 0.0),
            ("tiers", 1.0),
            ("squat", 0.0),
            ("hopital", 0.0),
            ("prison", 0.0),
            ("ase", 0.0),
            ("logement", 0.0),
            ("autre", 0.0),
            ("non_renseigne", 0.0),
            ("total", 5.0),
        ],
    );

    // profil_orienteur: « SIAO 59 » H01 H03 → siao 2; « Équipe mobile psy (EMPP) » H02 H05
    //   → empp 2; « Service de psychiatrie » H04 → hopital 1; total 5.
    v.exactly(
        P25,
        "profil_orienteur",
        &[
            ("empp", 2.0),
            ("siao", 2.0),
            ("hopital", 1.0),
            ("csapa_caarud", 0.0),
            ("ase", 0.0),
            ("justice", 0.0),
            ("maraude", 0.0),
            ("autre", 0.0),
            ("non_renseigne", 0.0),
            ("total", 5.0),
        ],
    );

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// C. Interventions: the type comes from the profile's constant
// ---------------------------------------------------------------------------------------------

#[test]
fn visites_par_la_constante_2025() {
    let mut v = verif();

    // interventions_par_type: V1…V6 dated in 2025, all visite_domicile by the constant = 6;
    //   personnes H01 H02 H04 = 3. (V7 is in 2024.)
    v.exactly(
        P25,
        "interventions_par_type",
        &[
            ("visite_domicile", 6.0),
            ("accompagnement_exterieur", 0.0),
            ("entretien_local", 0.0),
            ("telephone", 0.0),
            ("visite_non_aboutie", 0.0),
            ("non_renseigne", 0.0),
            ("total", 6.0),
            ("personnes", 3.0),
        ],
    );

    // vad_par_semaine: 6 ÷ (1064 / 7) = 42 / 1064 = 0.039473…; objectif 1 (ucsd default).
    v.rate(P25, "vad_par_semaine", "total", 6.0, 1064.0 / 7.0, 1.0);
    v.value(P25, "vad_par_semaine", "objectif", 1.0);

    // interventions_par_metier, « Intervenants » through the profile's labels:
    //   infirmier (« Infirmier(e) ») V1 V2 V4 = 3; educateur (« Éducateur spécialisé ») V2 V3
    //   = 2; psychiatre V5 = 1; non_renseigne V6 = 1; total 6 (V2 lists two).
    v.exactly(
        P25,
        "interventions_par_metier",
        &[
            ("infirmier", 3.0),
            ("travailleur_social", 0.0),
            ("medecin", 0.0),
            ("psychiatre", 1.0),
            ("mediateur_sante_pair", 0.0),
            ("educateur", 2.0),
            ("charge_gla", 0.0),
            ("autre", 0.0),
            ("non_renseigne", 1.0),
            ("total", 6.0),
        ],
    );

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// D. Logement: the GLA CSVs with forced encoding and delimiter, and the statut_bail constant
// ---------------------------------------------------------------------------------------------

#[test]
fn logement_par_les_exports_gla_2025() {
    let mut v = verif();

    // personnes_logees_fin: leases present at f (entree ≤ f, sortie empty or > f): B1 H01,
    //   B4 H04 = 2.
    v.exactly(P25, "personnes_logees_fin", &[("total", 2.0)]);

    // logements_mobilises_fin: GL1 and GL3, both « Parc social » → social 2, total 2.
    v.exactly(
        P25,
        "logements_mobilises_fin",
        &[
            ("social", 2.0),
            ("prive", 0.0),
            ("non_renseigne", 0.0),
            ("total", 2.0),
        ],
    );

    // fins_occupation 2025: B3 04-30 « Départ volontaire » → abandon; B2 10-31 « Fin de prise
    //   en charge » → fin_accompagnement; total 2.
    v.exactly(
        P25,
        "fins_occupation",
        &[
            ("relogement_dispositif", 0.0),
            ("fin_accompagnement", 1.0),
            ("expulsion", 0.0),
            ("deces", 0.0),
            ("abandon", 1.0),
            ("autre", 0.0),
            ("non_renseigne", 0.0),
            ("total", 2.0),
        ],
    );

    // acces_logement: first-ever lease starting in 2025: H02 2025-03-01, H04 2025-09-15 = 2.
    //   delai_acces_logement: H02 2025-03-01 − 2025-02-15 = 14; H04 2025-09-15 − 2025-09-01
    //   = 14 → moyenne 14, mediane 14, effectif 2.
    v.exactly(P25, "acces_logement", &[("total", 2.0)]);
    v.exactly(
        P25,
        "delai_acces_logement",
        &[("moyenne", 14.0), ("mediane", 14.0), ("effectif", 2.0)],
    );

    v.finish();
}

// ---------------------------------------------------------------------------------------------
// The same data in the reference layout gives the same indicateurs.csv (2025 and 2024)
// ---------------------------------------------------------------------------------------------

#[test]
fn meme_resultat_que_la_disposition_de_reference() {
    let (p, r) = (profil(), reference());
    let mut v = verif();
    if p.rows.is_empty() {
        v.error("aucune ligne lue par le profil");
    }
    let mut keys: Vec<&common::Key> = p.rows.keys().chain(r.rows.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        match (p.rows.get(k), r.rows.get(k)) {
            (Some(a), Some(b)) => {
                if (&a.valeur, &a.numerateur, &a.denominateur)
                    != (&b.valeur, &b.numerateur, &b.denominateur)
                {
                    v.error(format!(
                        "{k}: profil {:?} / {:?} / {:?}, référence {:?} / {:?} / {:?}",
                        a.valeur,
                        a.numerateur,
                        a.denominateur,
                        b.valeur,
                        b.numerateur,
                        b.denominateur
                    ));
                }
            }
            (Some(_), None) => v.error(format!("{k}: seulement avec le profil")),
            (None, Some(_)) => v.error(format!("{k}: seulement dans la disposition de référence")),
            (None, None) => unreachable!(),
        }
    }
    v.finish();
}
