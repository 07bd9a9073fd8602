//! Capacity over time (donnees.md, « Capacity over time »), the indicators that apply to a
//! kind of programme and a métier listed twice (issue 18, points 5, 6 and 9), on a small
//! site written for them in a temporary folder. Every expected value is computed by hand in
//! the comment above its check.
//!
//! The site has two programmes:
//! - `lda` (`logement_abord`), opened 2024-06-01, places `[{ depuis = 2024-06-01, places =
//!   10 }, { depuis = 2025-08-16, places = 16 }]`;
//! - `v` (`village`), opened 2024-03-01, 4 places (one number).
//!
//! Capacity days (Σ over the days of P of the places in force, 0 before the opening):
//! - lda 2023: wholly before the opening → 0.
//! - lda 2024: 2024-06-01 … 12-31 = 30 + 31 + 31 + 30 + 31 + 30 + 31 = 214 days × 10 = 2140.
//! - lda 2025: 01-01 … 08-15 = 31 + 28 + 31 + 30 + 31 + 30 + 31 + 15 = 227 days × 10 = 2270;
//!   08-16 … 12-31 = 16 + 30 + 31 + 30 + 31 = 138 days × 16 = 2208; 2270 + 2208 = 4478
//!   (227 + 138 = 365).
//! - lda Q2 2024 (04-01 … 06-30, starts before the opening): June only, 30 × 10 = 300.
//! - lda Q3 2025 (07-01 … 09-30, straddles the change): 07-01 … 08-15 = 46 × 10 = 460;
//!   08-16 … 09-30 = 46 × 16 = 736; 1196 (92 days).
//! - lda Q3 2024 (its N-1): 92 × 10 = 920.
//! - v 2024: 2024-03-01 … 12-31 = 366 − 31 − 29 = 306 days × 4 = 1224.
//!
//! Follow-ups of lda (days in P of [entree, sortie), sortie excluded):
//! - A1 P1 2024-05-20 → (ongoing): entered before the opening; its days are not clipped.
//! - A2 P2 2024-06-01 → 2025-03-01 (relogement_autonome).
//! - A3 P3 2025-08-20 → (ongoing).
//!
//! Follow-ups of v: V1 2024-03-01 → (ongoing); V2 2024-09-01 → 2024-12-01 (autre).

mod common;

use std::path::Path;

use bilan::period::Period;
use bilan::privacy::Audience;
use chrono::NaiveDate;
use common::{Checks, Report};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const CONFIG: &str = r#"site = "Capacité"

[[dispositif]]
id = "lda"
nom = "Logement d'abord"
type = "logement_abord"
places = [{ depuis = 2024-06-01, places = 10 }, { depuis = 2025-08-16, places = 16 }]
ouverture = 2024-06-01

[dispositif.sources]
personnes = "personnes.csv"
accompagnements = "lda_accompagnements.csv"
interventions = "lda_interventions.csv"
logements = "logements.csv"
occupations = "occupations.csv"
effectifs = "effectifs.csv"
budget = "budget.csv"

[[dispositif]]
id = "v"
nom = "Village"
type = "village"
places = 4
ouverture = 2024-03-01

[dispositif.sources]
personnes = "personnes.csv"
accompagnements = "v_accompagnements.csv"
interventions = "v_interventions.csv"
"#;

const TABLES: [(&str, &str); 9] = [
    (
        "personnes.csv",
        "id_personne,annee_naissance,sexe,situation_avant_entree,orienteur\n\
         P1,1980,F,rue,siao\nP2,1975,M,rue,siao\nP3,1990,M,squat,siao\n\
         V1,1985,M,rue,maraude\nV2,1970,F,rue,maraude\n",
    ),
    (
        "lda_accompagnements.csv",
        "id_personne,date_entree,date_sortie,motif_sortie\n\
         P1,2024-05-20,,\n\
         P2,2024-06-01,2025-03-01,relogement_autonome\n\
         P3,2025-08-20,,\n",
    ),
    (
        "lda_interventions.csv",
        "id_personne,date,type,binome,metiers\n\
         P1,2025-02-10,visite_domicile,oui,infirmier;infirmier\n\
         P1,2025-03-10,entretien_local,oui,infirmier;travailleur_social\n\
         P2,2025-02-15,visite_domicile,non,travailleur_social;Travailleur social\n\
         P3,2025-09-01,telephone,non,\n",
    ),
    (
        "logements.csv",
        "id_logement,type_bailleur\nL1,prive\nL2,social\n",
    ),
    (
        "occupations.csv",
        "id_logement,id_personne,date_entree,date_sortie,statut_bail,motif_fin\n\
         L1,P1,2024-06-10,,sous_location,\n\
         L2,P2,2024-07-01,2025-03-01,sous_location,fin_accompagnement\n",
    ),
    (
        "effectifs.csv",
        "metier,etp,date_debut,date_fin\n\
         infirmier,1,2024-06-01,\n\
         travailleur_social,0.5,2025-08-16,\n",
    ),
    (
        "budget.csv",
        "poste,groupe,prevu,realise\n\
         Salaires,groupe_2,80000,80000\n\
         Loyers,groupe_1,10000,9560\n",
    ),
    (
        "v_accompagnements.csv",
        "id_personne,date_entree,date_sortie,motif_sortie\n\
         V1,2024-03-01,,\n\
         V2,2024-09-01,2024-12-01,autre\n",
    ),
    (
        "v_interventions.csv",
        "id_personne,date,type,binome,metiers\n\
         V1,2024-04-02,visite_domicile,oui,educateur\n\
         V2,2024-10-03,visite_domicile,non,educateur\n",
    ),
];

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bilan.toml"), CONFIG).unwrap();
    for (name, text) in TABLES {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn run(site: &Path, period: Period, out: &Path) {
    let config = bilan::config::Config::read(&site.join("bilan.toml")).expect("configuration");
    bilan::pipeline::report(
        &config,
        period,
        Audience::Interne,
        out,
        false,
        day(2026, 1, 15),
    )
    .unwrap_or_else(|e| panic!("rapport : {e:#}"));
}

/// The report of a period, indexed for it and the same period a year before.
fn report(period: Period) -> Report {
    let site = site();
    let out = tempfile::tempdir().expect("tempdir");
    run(site.path(), period, out.path());
    let periods: Vec<(String, String)> = [period, period.previous()]
        .iter()
        .map(|p| (p.start.to_string(), p.end.to_string()))
        .collect();
    Report::read_periods(out, &periods)
}

#[test]
fn capacity_of_a_year_and_of_the_year_before_the_opening() {
    let r = report(Period::year(2024).unwrap());
    let mut v = Checks::of(&r, "lda");
    // 2024 days: A1 2024-05-20 → 2025-01-01: 12 (May 20–31) + 214 = 226; A2 06-01 → 214;
    // A3 none. Σ 440 ÷ 2140 × 100 = 20.5607…
    v.rate(
        "2024-01-01",
        "taux_occupation",
        "total",
        440.0,
        2140.0,
        100.0,
    );
    // places: in force on 2024-12-31 = 10; moyenne = 2140 ÷ 366 = 5.846994…
    v.exactly(
        "2024-01-01",
        "places",
        &[("total", 10.0), ("moyenne", 2140.0 / 366.0)],
    );
    // 2023 is wholly before the opening: no capacity, no occupancy (no follow-up either).
    v.no_value("2023-01-01", "taux_occupation", "total");
    v.denominator("2023-01-01", "taux_occupation", "total", 0.0);
    v.exactly("2023-01-01", "places", &[("total", 0.0), ("moyenne", 0.0)]);
    // cout_place_jour 2024 (the budget is taken as the period's): (80000 + 9560) ÷ 2140.
    v.rate(
        "2024-01-01",
        "cout_place_jour",
        "total",
        89560.0,
        2140.0,
        1.0,
    );
    // etp_pour_10_places 2024: infirmier 1 × 214 days ÷ 366 = 214/366 ETP; places moyennes
    // 2140 ÷ 366; (214/366) ÷ (2140/366) × 10 = 1.
    v.rate(
        "2024-01-01",
        "etp_pour_10_places",
        "total",
        214.0 / 366.0,
        2140.0 / 366.0,
        10.0,
    );
    // montee_en_charge 2024: months 2024-06 … 2024-12, 10 places on each last day.
    for m in 6..=12 {
        v.value(
            "2024-01-01",
            "montee_en_charge",
            &format!("places:2024-{m:02}"),
            10.0,
        );
    }
    v.absent("2024-01-01", "montee_en_charge", "places:2024-05");
    v.value("2024-01-01", "montee_en_charge", "places", 10.0);
    v.finish();

    // The Village, one number: capacity from its opening (2024-03-01) only.
    // V1 03-01 → 2025-01-01: 306; V2 09-01 → 12-01: 30 + 31 + 30 = 91; Σ 397 ÷ 1224 × 100.
    let mut v = Checks::of(&r, "v");
    v.rate(
        "2024-01-01",
        "taux_occupation",
        "total",
        397.0,
        1224.0,
        100.0,
    );
    // One number: no `moyenne`.
    v.exactly("2024-01-01", "places", &[("total", 4.0)]);
    v.finish();
}

#[test]
fn capacity_of_a_year_with_a_change_of_places() {
    let r = report(Period::year(2025).unwrap());
    let mut v = Checks::of(&r, "lda");
    // 2025 days: A1 365; A2 01-01 → 03-01 = 31 + 28 = 59; A3 08-20 → 2026-01-01 =
    // 12 + 30 + 31 + 30 + 31 = 134. Σ 558 ÷ 4478 × 100 = 12.4609…
    v.rate(
        "2025-01-01",
        "taux_occupation",
        "total",
        558.0,
        4478.0,
        100.0,
    );
    // places: 16 on 2025-12-31; moyenne 4478 ÷ 365 = 12.268493…
    v.exactly(
        "2025-01-01",
        "places",
        &[("total", 16.0), ("moyenne", 4478.0 / 365.0)],
    );
    // cout_place_jour: 89560 ÷ 4478 = 20 € per place and day.
    v.rate(
        "2025-01-01",
        "cout_place_jour",
        "total",
        89560.0,
        4478.0,
        1.0,
    );
    // etp_pour_10_places: infirmier 1 × 365 ÷ 365 = 1; travailleur_social 0.5 × 138 ÷ 365;
    // total (365 + 69) ÷ 365 = 434/365; ÷ (4478/365) × 10 = 4340 ÷ 4478 = 0.969182…
    v.rate(
        "2025-01-01",
        "etp_pour_10_places",
        "total",
        434.0 / 365.0,
        4478.0 / 365.0,
        10.0,
    );
    // montee_en_charge: 10 places on the last day of 2024-06 … 2025-07; 16 from 2025-08
    // (the change on 08-16 is before 08-31).
    for (month, places) in [
        ("2024-06", 10.0),
        ("2024-12", 10.0),
        ("2025-07", 10.0),
        ("2025-08", 16.0),
        ("2025-12", 16.0),
    ] {
        v.value(
            "2025-01-01",
            "montee_en_charge",
            &format!("places:{month}"),
            places,
        );
    }
    v.value("2025-01-01", "montee_en_charge", "places", 16.0);
    v.finish();
}

#[test]
fn capacity_of_quarters() {
    let q2 = Period {
        start: day(2024, 4, 1),
        end: day(2024, 6, 30),
    };
    let r = report(q2);
    let mut v = Checks::of(&r, "lda");
    // Q2 2024 starts before the opening: capacity from 06-01 only, 300. Days: A1 05-20 →
    // 07-01 = 12 + 30 = 42 (not clipped to the opening); A2 06-01 → 07-01 = 30. Σ 72.
    v.rate("2024-04-01", "taux_occupation", "total", 72.0, 300.0, 100.0);
    // places: 10 on 06-30; moyenne 300 ÷ 91 days.
    v.exactly(
        "2024-04-01",
        "places",
        &[("total", 10.0), ("moyenne", 300.0 / 91.0)],
    );
    // Q2 2023: before the opening, no occupancy.
    v.no_value("2023-04-01", "taux_occupation", "total");
    v.finish();

    let q3 = Period {
        start: day(2025, 7, 1),
        end: day(2025, 9, 30),
    };
    let r = report(q3);
    let mut v = Checks::of(&r, "lda");
    // Q3 2025 straddles the change: 1196. Days: A1 92; A2 0; A3 08-20 → 10-01 = 12 + 30 =
    // 42. Σ 134 ÷ 1196 × 100 = 11.2040…
    v.rate(
        "2025-07-01",
        "taux_occupation",
        "total",
        134.0,
        1196.0,
        100.0,
    );
    // places: 16 on 09-30; moyenne 1196 ÷ 92 = 13.
    v.exactly(
        "2025-07-01",
        "places",
        &[("total", 16.0), ("moyenne", 13.0)],
    );
    // Q3 2024: 920. Days: A1 92; A2 92. Σ 184 ÷ 920 × 100 = 20.
    v.rate(
        "2024-07-01",
        "taux_occupation",
        "total",
        184.0,
        920.0,
        100.0,
    );
    v.exactly(
        "2024-07-01",
        "places",
        &[("total", 10.0), ("moyenne", 10.0)],
    );
    v.finish();
}

#[test]
fn a_metier_listed_twice_counts_once() {
    let r = report(Period::year(2025).unwrap());
    let mut v = Checks::of(&r, "lda");
    // interventions_par_metier 2025, 4 interventions:
    //   I1 « infirmier;infirmier » → infirmier once;
    //   I2 « infirmier;travailleur_social » → both;
    //   I3 « travailleur_social;Travailleur social » (the code and its label) → once;
    //   I4 no métier → non_renseigne.
    //   infirmier I1 I2 = 2; travailleur_social I2 I3 = 2; non_renseigne 1; total 4.
    v.exactly(
        "2025-01-01",
        "interventions_par_metier",
        &[
            ("infirmier", 2.0),
            ("travailleur_social", 2.0),
            ("medecin", 0.0),
            ("psychiatre", 0.0),
            ("mediateur_sante_pair", 0.0),
            ("educateur", 0.0),
            ("charge_gla", 0.0),
            ("autre", 0.0),
            ("non_renseigne", 1.0),
            ("total", 4.0),
        ],
    );
    v.finish();
}

#[test]
fn the_village_is_not_judged_on_home_visits() {
    let site = site();
    let out = tempfile::tempdir().expect("tempdir");
    run(site.path(), Period::year(2025).unwrap(), out.path());
    let typ = std::fs::read_to_string(out.path().join("rapport.typ")).unwrap();
    let r = Report::read(out, &[2025, 2024]);
    let mut v = Checks::of(&r, "v");
    // The Village has two home visits in 2024, yet no home-visit indicator: its residents
    // live on the site (indicateurs.md, C).
    for id in [
        "vad_par_semaine",
        "atteinte_objectif_vad",
        "vad_par_semaine_mois",
    ] {
        v.no_rows(id);
    }
    v.finish();
    // The programme with flats keeps them: 2025 VAD I1, I3 = 2 ÷ (558 ÷ 7).
    let mut v = Checks::of(&r, "lda");
    v.rate(
        "2025-01-01",
        "vad_par_semaine",
        "total",
        2.0,
        558.0 / 7.0,
        1.0,
    );
    v.finish();
    // Neither the Village's synthesis nor its parts speak of a target. The report holds
    // every programme's synthesis, then each programme's parts, then the definitions.
    let before_annex = typ
        .split("// modèle : annexe.typ.j2")
        .next()
        .unwrap_or(&typ);
    let village: Vec<&str> = before_annex
        .split("// modèle : rapport.typ.j2")
        .flat_map(|part| part.split("// modèle : synthese.typ.j2"))
        .filter(|part| {
            part.contains("Synthèse — #\"Village\"")
                || part.trim_start().starts_with("= #\"Village\"")
        })
        .collect();
    assert_eq!(village.len(), 2, "synthèse et parties du Village");
    for part in village {
        for word in ["objectif", "Visites à domicile par personne"] {
            let at = part.find(word);
            assert!(
                at.is_none(),
                "le rapport du Village parle de « {word} » : {:?}",
                at.map(|i| &part[i.saturating_sub(200)..])
            );
        }
    }
}

/// The error of a configuration whose `lda` programme has these places.
fn refused(places: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = CONFIG.replace(
        "places = [{ depuis = 2024-06-01, places = 10 }, { depuis = 2025-08-16, places = 16 }]",
        places,
    );
    let path = dir.path().join("bilan.toml");
    std::fs::write(&path, config).unwrap();
    match bilan::config::Config::read(&path) {
        Ok(_) => panic!("configuration acceptée avec {places}"),
        Err(e) => {
            let message = format!("{e:#}");
            assert!(
                message.contains(&path.display().to_string()),
                "le message ne nomme pas le fichier : {message}"
            );
            message
        }
    }
}

#[test]
fn a_wrong_history_of_places_is_refused() {
    let m = refused(
        "places = [{ depuis = 2025-01-01, places = 10 }, { depuis = 2024-09-01, places = 12 }]",
    );
    assert!(
        m.contains("entrée 2") && m.contains("ordre des dates"),
        "{m}"
    );
    let m = refused(
        "places = [{ depuis = 2024-06-01, places = 10 }, { depuis = 2024-06-01, places = 12 }]",
    );
    assert!(
        m.contains("entrée 2") && m.contains("ordre des dates"),
        "{m}"
    );
    let m = refused("places = [{ depuis = 2024-05-01, places = 10 }]");
    assert!(
        m.contains("entrée 1") && m.contains("« lda »") && m.contains("avant l'ouverture"),
        "{m}"
    );
    let m = refused(
        "places = [{ depuis = 2024-06-01, places = 10 }, { depuis = 2025-01-01, places = -2 }]",
    );
    assert!(m.contains("entrée 2") && m.contains("-2"), "{m}");
    let m = refused("places = [{ depuis = 2024-06-01, nombre = 10 }]");
    assert!(m.contains("entrée 1") && m.contains("depuis"), "{m}");
    let m = refused("places = []");
    assert!(m.contains("historique des places est vide"), "{m}");
}

#[test]
fn places_before_the_first_entry_of_a_history_are_none() {
    // A history may start after the opening: before its first date, no place is in force.
    let dir = tempfile::tempdir().expect("tempdir");
    let config = CONFIG.replace(
        "places = [{ depuis = 2024-06-01, places = 10 }, { depuis = 2025-08-16, places = 16 }]",
        "places = [{ depuis = 2024-07-01, places = 10 }]",
    );
    let path = dir.path().join("bilan.toml");
    std::fs::write(&path, config).unwrap();
    let config = bilan::config::Config::read(&path).expect("configuration");
    let lda = &config.programmes[0];
    assert_eq!(lda.places_on(day(2024, 6, 30)), 0);
    assert_eq!(lda.places_on(day(2024, 7, 1)), 10);
    // 2024: 07-01 … 12-31 = 184 days × 10.
    assert_eq!(lda.capacity_days(Period::year(2024).unwrap()), 1840);
}
