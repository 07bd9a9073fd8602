//! Rules of indicateurs.md and donnees.md an evaluator checks before signing the figures
//! (issue 10), each on a small site written for it in a temporary folder and run through the
//! library. Every expected value is computed by hand in the comment above its check.
//!
//! Each site has one programme `d` (type `ucsd`, 10 places, opened 2020-01-01); a CSV file
//! per table, its header line being line 1, so the n-th data row is line n + 1.

mod common;

use std::path::Path;

use bilan::findings::FindingKind;
use bilan::ingest::Dataset;
use bilan::period::Period;
use bilan::privacy::Audience;
use chrono::NaiveDate;
use common::{Checks, Site, today};

const P25: &str = "2025-01-01";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A clean `personnes` table of these persons (born 1980, so of age at any entry).
fn personnes(ids: &[&str]) -> String {
    let mut text =
        String::from("id_personne,annee_naissance,sexe,situation_avant_entree,orienteur\n");
    for id in ids {
        text.push_str(&format!("{id},1980,F,rue,siao\n"));
    }
    text
}

/// A finding as (kind, table, line, column, value, blocking).
type Seen = (FindingKind, String, usize, String, String, bool);

fn findings(data: &Dataset) -> Vec<Seen> {
    let mut seen: Vec<Seen> = data
        .findings
        .iter()
        .map(|f| {
            (
                f.kind,
                f.table.name().to_string(),
                f.line,
                f.column.unwrap_or("").to_string(),
                f.value.clone().unwrap_or_default(),
                f.blocking,
            )
        })
        .collect();
    seen.sort();
    seen
}

fn seen(
    kind: FindingKind,
    table: &str,
    line: usize,
    column: &str,
    value: &str,
    blocking: bool,
) -> Seen {
    (
        kind,
        table.to_string(),
        line,
        column.to_string(),
        value.to_string(),
        blocking,
    )
}

// ---------------------------------------------------------------------------------------------
// 1. Housing retention at 12 and 24 months: "before" h + 365 is strictly before.
// ---------------------------------------------------------------------------------------------

/// First occupation h = 2024-03-01 for A…F: h + 365 = 2025-03-01 (March 2024 to February 2025
/// has 365 days), in 2025. h = 2023-03-01 for G…I: h + 730 = 2025-02-28 (2023-03-01 →
/// 2024-03-01 is 366 days, + 364 = 2025-02-28), in 2025; their h + 365 = 2024-02-29 is not.
///
/// 12 months (day h + 365 = 2025-03-01):
///   A dies ON 2025-03-01 (exit deces, occupation ends deces that day) → stays in the cohort;
///     not housed that day (the exit day is not a day of presence) → not maintained.
///   B leaves ON 2025-03-01 with relogement_autonome, occupation ends that day → in the
///     cohort, not maintained (the follow-up did not end BEFORE the day, not housed on it).
///   C leaves on 2025-02-28 (h + 364) with relogement_autonome → maintained.
///   D dies on 2025-02-28 (h + 364) → out of the cohort.
///   E still housed → maintained.
///   F leaves ON 2025-03-01 with relogement_autonome but its occupation ends 2025-03-02, so
///     it is housed that day → maintained.
///   Cohort A B C E F = 5; maintained C E F = 3 → 3 ÷ 5 × 100 = 60.
///   (The former "on or before" rule gave cohort B C E F = 4, all maintained: 100.)
/// 24 months (day h + 730 = 2025-02-28):
///   G dies ON 2025-02-28 → in the cohort, not maintained.
///   H leaves ON 2025-02-28 with relogement_autonome, occupation ends that day → not maintained.
///   I leaves on 2025-02-27 with relogement_autonome → maintained.
///   Cohort G H I = 3; maintained I = 1 → 1 ÷ 3 × 100 = 33.33…
#[test]
fn maintien_dans_le_logement_jour_h_plus_365_exclu() {
    let persons = personnes(&["A", "B", "C", "D", "E", "F", "G", "H", "I"]);
    let site = Site::new(&[
        ("personnes", &persons),
        (
            "accompagnements",
            "id_personne,date_entree,date_sortie,motif_sortie\n\
             A,2024-02-01,2025-03-01,deces\n\
             B,2024-02-01,2025-03-01,relogement_autonome\n\
             C,2024-02-01,2025-02-28,relogement_autonome\n\
             D,2024-02-01,2025-02-28,deces\n\
             E,2024-02-01,,\n\
             F,2024-02-01,2025-03-01,relogement_autonome\n\
             G,2023-02-01,2025-02-28,deces\n\
             H,2023-02-01,2025-02-28,relogement_autonome\n\
             I,2023-02-01,2025-02-27,relogement_autonome\n",
        ),
        (
            "occupations",
            "id_occupation,id_logement,id_personne,date_entree,date_sortie,statut_bail,motif_fin\n\
             O1,L1,A,2024-03-01,2025-03-01,sous_location,deces\n\
             O2,L2,B,2024-03-01,2025-03-01,sous_location,fin_accompagnement\n\
             O3,L3,C,2024-03-01,2025-02-28,sous_location,fin_accompagnement\n\
             O4,L4,D,2024-03-01,2025-02-28,sous_location,deces\n\
             O5,L5,E,2024-03-01,,sous_location,\n\
             O6,L6,F,2024-03-01,2025-03-02,sous_location,fin_accompagnement\n\
             O7,L7,G,2023-03-01,2025-02-28,sous_location,deces\n\
             O8,L8,H,2023-03-01,2025-02-28,sous_location,fin_accompagnement\n\
             O9,L9,I,2023-03-01,2025-02-27,sous_location,fin_accompagnement\n",
        ),
    ]);
    let report = site.report(2025);
    let mut v = Checks::of(&report, "d");
    v.rate(P25, "maintien_logement_12m", "total", 3.0, 5.0, 100.0);
    v.rate(P25, "maintien_logement_24m", "total", 1.0, 3.0, 100.0);
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// 2. Shares over KNOWN codes: an unrecognised value is not known.
// ---------------------------------------------------------------------------------------------

/// interventions (P present all 2025):
///   line 2 VAD binome oui; line 3 VAD non; line 4 VAD `peut-être` (non reconnu);
///   line 5 VAD binome empty; line 6 telephone oui (not a VAD).
///   part_vad_binome = oui 1 ÷ known (oui|non) 2 × 100 = 50 (not 1 ÷ 3: line 4 is unknown).
/// hospitalisations, all starting in 2025:
///   line 2 psychiatrie sdt; line 3 psychiatrie libre; line 4 psychiatrie `contrainte`
///   (non reconnu); line 5 psychiatrie mode empty; line 6 somatique sdre (not psychiatric).
///   part_soins_sans_consentement = sdt|sdre 1 ÷ known (libre|sdt|sdre) 2 × 100 = 50.
#[test]
fn parts_sur_les_codes_connus() {
    let site = Site::new(&[
        (
            "accompagnements",
            "id_personne,date_entree,date_sortie,motif_sortie\nP,2024-01-01,,\n",
        ),
        (
            "interventions",
            "id_personne,date,type,binome\n\
             P,2025-02-01,visite_domicile,oui\n\
             P,2025-02-02,visite_domicile,non\n\
             P,2025-02-03,visite_domicile,peut-être\n\
             P,2025-02-04,visite_domicile,\n\
             P,2025-02-05,telephone,oui\n",
        ),
        (
            "hospitalisations",
            "id_personne,date_debut,date_fin,type,mode\n\
             P,2025-03-01,2025-03-10,psychiatrie,sdt\n\
             P,2025-04-01,2025-04-05,psychiatrie,libre\n\
             P,2025-05-01,2025-05-03,psychiatrie,contrainte\n\
             P,2025-06-01,2025-06-02,psychiatrie,\n\
             P,2025-07-01,2025-07-02,somatique,sdre\n",
        ),
    ]);
    let report = site.report(2025);
    let mut v = Checks::of(&report, "d");
    v.rate(P25, "part_vad_binome", "total", 1.0, 2.0, 100.0);
    v.rate(
        P25,
        "part_soins_sans_consentement",
        "total",
        1.0,
        2.0,
        100.0,
    );
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// 3. Participation in collective life: a plain ratio, and a mean with its count.
// ---------------------------------------------------------------------------------------------

/// Follow-ups: P all 2025 (365 days); Q from 2025-07-02, ongoing: July 30, Aug 31, Sep 30,
/// Oct 31, Nov 30, Dec 31, that is 183 days. Σ days = 548; mean persons present = 548 ÷ 365.
/// journal 2025: reunion_collectif 4, activite_collective 2, reunion_collectif (participants
/// not noted), autre 10 (not collective).
///   total = 3 events; participants = 4 + 2 = 6;
///   participants_moyenne = 6 ÷ 2 (events whose participants are noted) = 3, terms 6 and 2;
///   taux_participation = 3 ÷ (548 ÷ 365) = 1.998175… (a ratio, not × 100), terms 3 and
///   548 ÷ 365.
#[test]
fn vie_collective_rapport_simple() {
    let site = Site::new(&[
        (
            "accompagnements",
            "id_personne,date_entree,date_sortie,motif_sortie\nP,2024-01-01,,\nQ,2025-07-02,,\n",
        ),
        (
            "journal",
            "date,categorie,participants\n\
             2025-03-01,reunion_collectif,4\n\
             2025-06-01,activite_collective,2\n\
             2025-09-01,reunion_collectif,\n\
             2025-10-01,autre,10\n",
        ),
    ]);
    let report = site.report(2025);
    let mut v = Checks::of(&report, "d");
    v.value(P25, "vie_collective", "total", 3.0);
    v.value(P25, "vie_collective", "participants", 6.0);
    v.rate(P25, "vie_collective", "participants_moyenne", 6.0, 2.0, 1.0);
    v.rate(
        P25,
        "vie_collective",
        "taux_participation",
        3.0,
        548.0 / 365.0,
        1.0,
    );
    v.finish();
    let unit = report
        .raw
        .lines()
        .find(|l| l.contains(",vie_collective,taux_participation,"))
        .and_then(|l| l.rsplit(',').next())
        .unwrap_or_default()
        .to_string();
    assert!(!unit.contains('%'), "unité d'un rapport simple : {unit}");
}

// ---------------------------------------------------------------------------------------------
// 4. Completeness: conditional columns, rows of the period, no placeholder person.
// ---------------------------------------------------------------------------------------------

/// personnes: P1 (line 2) complete; P2 (line 3) sexe empty. P3 has a follow-up but no row in
///   personnes (a placeholder person of the view, not counted).
///   personnes.sexe = 1 ÷ 2 × 100 = 50 (was 1 ÷ 3 with P3 counted).
/// accompagnements (all three active in 2025, so of the file active):
///   P1 ongoing (no exit: motif not required); P2 exits 2025-03-01 without motif; P3 exits
///   2025-04-01 `autre`.
///   accompagnements.motif_sortie = 1 ÷ 2 (rows with an exit) × 100 = 50 (was 1 ÷ 3);
///   accompagnements.date_entree = 3 ÷ 3 × 100 = 100.
/// incidents: L1 no person 2025-02-01 degradation; L1 P1 2025-03-01 type EMPTY; L2 no person
///   2024-06-01 incendie (outside 2025).
///   incidents.type = 1 ÷ 2 (rows of 2025) × 100 = 50 (was 0 ÷ 1: rows of FA persons only).
/// journal: 2025-01-10 reunion_collectif; 2025-01-11 categorie EMPTY; 2024-12-31 autre.
///   journal.categorie = 1 ÷ 2 × 100 = 50 (was no value: no row had a person).
#[test]
fn completude_regles() {
    let site = Site::new(&[
        (
            "personnes",
            "id_personne,date_naissance,sexe,situation_avant_entree,orienteur\n\
             P1,1980-01-01,F,rue,siao\n\
             P2,1981-01-01,,rue,siao\n",
        ),
        (
            "accompagnements",
            "id_personne,date_entree,date_sortie,motif_sortie\n\
             P1,2024-01-01,,\n\
             P2,2024-01-01,2025-03-01,\n\
             P3,2024-01-01,2025-04-01,autre\n",
        ),
        (
            "incidents",
            "id_logement,id_personne,date,type\n\
             L1,,2025-02-01,degradation\n\
             L1,P1,2025-03-01,\n\
             L2,,2024-06-01,incendie\n",
        ),
        (
            "journal",
            "date,categorie\n2025-01-10,reunion_collectif\n2025-01-11,\n2024-12-31,autre\n",
        ),
    ]);
    let report = site.report(2025);
    let mut v = Checks::of(&report, "d");
    v.rate(P25, "completude", "personnes.sexe", 1.0, 2.0, 100.0);
    v.rate(P25, "completude", "personnes.id_personne", 2.0, 2.0, 100.0);
    v.rate(
        P25,
        "completude",
        "accompagnements.motif_sortie",
        1.0,
        2.0,
        100.0,
    );
    v.rate(
        P25,
        "completude",
        "accompagnements.date_entree",
        3.0,
        3.0,
        100.0,
    );
    v.rate(P25, "completude", "incidents.type", 1.0, 2.0, 100.0);
    v.rate(P25, "completude", "incidents.date", 2.0, 2.0, 100.0);
    v.rate(P25, "completude", "journal.categorie", 1.0, 2.0, 100.0);
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// 5. N-1 of a period ending on the last day of a month.
// ---------------------------------------------------------------------------------------------

/// P = 2024-03-01 … 2025-02-28, read from `--debut 01/03/2024 --fin 28/02/2025` by the
/// command line's own parser: N-1 = 2023-03-01 … 2024-02-29. Entries: E1 on 2024-02-29 (in N-1 only: it would be lost if N-1
/// ended on the 28th), E2 on 2024-03-01 (in P). entrees N-1 = 1, entrees P = 1.
#[test]
fn n_moins_1_garde_le_29_fevrier() {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\nE1,2024-02-29,,\nE2,2024-03-01,,\n",
    )]);
    let out = tempfile::tempdir().unwrap();
    let config = site.dir.path().join("bilan.toml");
    let args = [
        "bilan",
        "rapport",
        "--config",
        config.to_str().unwrap(),
        "--debut",
        "01/03/2024",
        "--fin",
        "28/02/2025",
        "--sortie",
        out.path().to_str().unwrap(),
    ];
    let cli = <bilan::cli::Cli as clap::Parser>::try_parse_from(args).expect("arguments");
    let bilan::cli::Command::Rapport(report) = &cli.command else {
        panic!("commande rapport attendue");
    };
    let period = report.site.period().expect("période");
    assert_eq!(
        (period.start, period.end),
        (day(2024, 3, 1), day(2025, 2, 28))
    );
    assert_eq!(
        (period.previous().start, period.previous().end),
        (day(2023, 3, 1), day(2024, 2, 29))
    );
    site.run(period, Audience::Interne, &report.out.output, false)
        .unwrap_or_else(|e| panic!("rapport : {e:#}"));
    let csv = common::read_indicators(&out.path().join("indicateurs.csv"));
    let entrees = |debut: &str, fin: &str| {
        csv.rows
            .iter()
            .find(|r| {
                r.debut == debut
                    && r.fin == fin
                    && r.indicateur == "entrees"
                    && r.modalite == "total"
            })
            .map(|r| r.valeur.clone())
    };
    assert_eq!(entrees("2024-03-01", "2025-02-28").as_deref(), Some("1"));
    assert_eq!(entrees("2023-03-01", "2024-02-29").as_deref(), Some("1"));
}

// ---------------------------------------------------------------------------------------------
// 6, 7. Blocking rows exactly as the spec lists them; totals rows reported.
// ---------------------------------------------------------------------------------------------

/// budget (places 10, 2025 = 365 days):
///   line 2 Loyers groupe_3 prévu 1000 réalisé 900
///   line 3 Formation groupe_3 prévu 500, réalisé EMPTY → kept, reported (not blocking)
///   line 4 « Total », 1500, 900 → totals row, reported (ligne_total), not data
///   line 5 « TotalEnergies carburant » groupe_1 200 / 150 → a real row (not the word Total)
///   execution_budget groupe_3 = 900 ÷ (1000 + 500) × 100 = 60; groupe_1 = 150 ÷ 200 × 100
///   = 75; total = 1050 ÷ 1700 × 100. cout_place_jour = 1050 ÷ (10 × 365).
/// effectifs:
///   line 2 infirmier 1 ETP 2025-01-01 ongoing
///   line 3 educateur etp EMPTY → kept (etp is not in the spec's blocking list), reported
///   line 4 psychiatre 0,5 2025-07-01 → 2025-03-31: end before start → BLOCKING
///   line 5 medecin 0,5 2025-01-01 → `31/13/2025` unreadable end → BLOCKING, value shown
///   line 6 « TOTAL » 1,5 with no date → totals row, reported
///   etp_moyens: infirmier 1 × 365 ÷ 365 = 1; educateur 0 (no etp); total 1.
/// accompagnements: P ongoing (clean).
/// Rows left out: effectifs 2, budget 0.
#[test]
fn lignes_bloquantes_et_lignes_de_total() {
    let site = Site::new(&[
        (
            "accompagnements",
            "id_personne,date_entree,date_sortie,motif_sortie\nP,2024-01-01,,\n",
        ),
        (
            "budget",
            "poste;groupe;prevu;realise\n\
             Loyers;groupe_3;1000;900\n\
             Formation;groupe_3;500;\n\
             Total;;1500;900\n\
             TotalEnergies carburant;groupe_1;200;150\n",
        ),
        (
            "effectifs",
            "metier;etp;date_debut;date_fin\n\
             infirmier;1;2025-01-01;\n\
             educateur;;2025-01-01;\n\
             psychiatre;0,5;2025-07-01;2025-03-31\n\
             medecin;0,5;2025-01-01;31/13/2025\n\
             TOTAL;1,5;;\n",
        ),
    ]);
    let data = site.data();
    assert_eq!(
        findings(&data),
        vec![
            seen(FindingKind::MissingValue, "effectifs", 3, "etp", "", false),
            seen(FindingKind::MissingValue, "budget", 3, "realise", "", false),
            seen(
                FindingKind::UnreadableValue,
                "effectifs",
                5,
                "date_fin",
                "31/13/2025",
                true
            ),
            seen(
                FindingKind::EndBeforeStart,
                "effectifs",
                4,
                "date_fin",
                "31/03/2025",
                true
            ),
            seen(
                FindingKind::TotalsRow,
                "effectifs",
                6,
                "metier",
                "TOTAL",
                false
            ),
            seen(FindingKind::TotalsRow, "budget", 4, "poste", "Total", false),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    assert_eq!(data.excluded.get(&bilan::model::Table::Effectifs), Some(&2));
    assert_eq!(data.excluded.get(&bilan::model::Table::Budget), None);

    let report = site.report(2025);
    let mut v = Checks::of(&report, "d");
    v.rate(P25, "execution_budget", "groupe_3", 900.0, 1500.0, 100.0);
    v.rate(P25, "execution_budget", "groupe_1", 150.0, 200.0, 100.0);
    v.rate(P25, "execution_budget", "total", 1050.0, 1700.0, 100.0);
    v.value(P25, "cout_place_jour", "total", 1050.0 / 3650.0);
    v.value(P25, "etp_moyens", "infirmier", 1.0);
    v.value(P25, "etp_moyens", "educateur", 0.0);
    v.value(P25, "etp_moyens", "psychiatre", 0.0);
    v.value(P25, "etp_moyens", "medecin", 0.0);
    v.value(P25, "etp_moyens", "total", 1.0);
    // anomalies: 2 missing values, 1 unreadable, 1 end before start, 2 totals rows.
    v.value(P25, "anomalies", "ligne_total", 2.0);
    v.value(P25, "anomalies", "fin_avant_debut", 1.0);
    v.value(P25, "anomalies", "total", 6.0);
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// 8. Two situations on the same date: the later row of the file wins.
// ---------------------------------------------------------------------------------------------

/// Follow-ups: P1 from 2025-01-05, P2 from 2025-02-01, both ongoing; entry windows ±90 days:
/// P1 [2024-10-07, 2025-04-05], P2 [2024-11-03, 2025-05-02].
/// situations:
///   line 2 P1 2025-01-10 ame        non
///   line 3 P1 2025-01-10 puma_seule non   → P1 at entry (earliest date, later row)
///   line 4 P1 2025-06-01 aucune     non
///   line 5 P1 2025-06-01 puma_css   oui   → P1 now (latest date, later row)
///   line 6 P2 2025-03-01 puma_css   oui
///   line 7 P2 2025-03-01 aucune     non   → P2 now AND at entry
/// couverture_maladie now: puma_css 1, aucune 1, puma_seule 0, ame 0, total 2;
///   at entry: entree:puma_seule 1, entree:aucune 1, entree:puma_css 0, entree:ame 0.
/// medecin_traitant: oui P1 ÷ known P1 P2 = 1 ÷ 2 × 100 = 50.
#[test]
fn situations_du_meme_jour_la_derniere_ligne_l_emporte() {
    let persons = personnes(&["P1", "P2"]);
    let site = Site::new(&[
        ("personnes", &persons),
        (
            "accompagnements",
            "id_personne,date_entree,date_sortie,motif_sortie\nP1,2025-01-05,,\nP2,2025-02-01,,\n",
        ),
        (
            "situations",
            "id_personne,date,couverture_maladie,medecin_traitant\n\
             P1,2025-01-10,ame,non\n\
             P1,2025-01-10,puma_seule,non\n\
             P1,2025-06-01,aucune,non\n\
             P1,2025-06-01,puma_css,oui\n\
             P2,2025-03-01,puma_css,oui\n\
             P2,2025-03-01,aucune,non\n",
        ),
    ]);
    let report = site.report(2025);
    let mut v = Checks::of(&report, "d");
    for (modalite, n) in [
        ("puma_css", 1.0),
        ("puma_seule", 0.0),
        ("ame", 0.0),
        ("aucune", 1.0),
        ("total", 2.0),
        ("entree:puma_css", 0.0),
        ("entree:puma_seule", 1.0),
        ("entree:ame", 0.0),
        ("entree:aucune", 1.0),
    ] {
        v.value(P25, "couverture_maladie", modalite, n);
    }
    v.rate(P25, "medecin_traitant", "total", 1.0, 2.0, 100.0);
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// 9. A second quittancement row for the same person and month.
// ---------------------------------------------------------------------------------------------

/// quittancement:
///   line 2 P 2025-01 due 100 paid 100
///   line 3 P `01/2025` due 100 paid 0 → same person and month: BLOCKING duplicate, left out
///   line 4 P 2025-02 due 100 paid 50
/// taux_impayes 2025 = (200 − 150) ÷ 200 × 100 = 25 (was (300 − 150) ÷ 300 with line 3);
/// dette_locative_fin: P owes 50 → personnes 1, montant 50.
#[test]
fn quittancement_en_double() {
    let persons = personnes(&["P"]);
    let site = Site::new(&[
        ("personnes", &persons),
        (
            "accompagnements",
            "id_personne,date_entree,date_sortie,motif_sortie\nP,2024-01-01,,\n",
        ),
        (
            "quittancement",
            "id_personne,mois,montant_du,montant_paye\n\
             P,2025-01,100,100\n\
             P,01/2025,100,0\n\
             P,2025-02,100,50\n",
        ),
    ]);
    let data = site.data();
    let duplicates: Vec<_> = data
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Duplicate)
        .collect();
    assert_eq!(duplicates.len(), 1, "{duplicates:?}");
    let f = duplicates[0];
    assert_eq!(
        (f.table, f.line, f.blocking),
        (bilan::model::Table::Quittancement, 3, true)
    );
    assert_eq!(f.value.as_deref(), Some("P ; 01/2025"));
    assert!(
        f.message.contains("« id_personne » et « mois »"),
        "{}",
        f.message
    );
    assert_eq!(
        data.excluded.get(&bilan::model::Table::Quittancement),
        Some(&1)
    );

    let report = site.report(2025);
    let mut v = Checks::of(&report, "d");
    v.rate(P25, "taux_impayes", "total", 50.0, 200.0, 100.0);
    v.value(P25, "dette_locative_fin", "personnes", 1.0);
    v.value(P25, "dette_locative_fin", "montant", 50.0);
    v.finish();
}

// ---------------------------------------------------------------------------------------------
// 15. Same inputs, same bytes.
// ---------------------------------------------------------------------------------------------

/// Two runs of the same site, the same period and the same day, with the PDF, into two
/// folders: every file written is byte for byte the same.
#[test]
fn memes_donnees_memes_octets() {
    let config = bilan::config::Config::read(Path::new("tests/fixtures/complet/bilan.toml"))
        .expect("configuration");
    let period = Period::year(2025).unwrap();
    let [a, b] = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for out in [&a, &b] {
        bilan::pipeline::report(
            &config,
            period,
            Audience::Interne,
            out.path(),
            true,
            today(),
        )
        .unwrap_or_else(|e| panic!("rapport : {e:#}"));
        // The clock moves between the two runs.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let mut names: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for wanted in [
        "tableaux.xlsx",
        "rapport.pdf",
        "indicateurs.csv",
        "detail.csv",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} écrit : {names:?}"
        );
    }
    for name in &names {
        let x = std::fs::read(a.path().join(name)).unwrap();
        let y = std::fs::read(b.path().join(name)).unwrap();
        assert!(
            x == y,
            "{} diffère entre deux exécutions",
            name.to_string_lossy()
        );
    }
}

/// Sums over persons of amounts with float noise: 40 persons P01…P40, all followed since
/// 2024-01-01, Pk owing k ÷ 10 € (one row of 2025-01, due k ÷ 10, paid 0), so that every
/// person owes more than 0,005 €. By hand: dette_locative_fin personnes = 40, montant =
/// Σ k ÷ 10 for k = 1…40 = 820 ÷ 10 = 82.
///
/// Tenths have no exact binary value: added in another order, the same 40 debts give
/// 82, 81.99999999999999, 82.00000000000001… (one order in two or so gives other last
/// bits). The catalogue is evaluated eight times in the same process, each time with
/// polars' hash tables seeded anew: every value, numerator and denominator of every
/// figure must be the same, bit for bit.
#[test]
fn memes_donnees_memes_sommes() {
    let ids: Vec<String> = (1..=40).map(|k| format!("P{k:02}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut follow_ups = String::from("id_personne,date_entree,date_sortie,motif_sortie\n");
    let mut rent = String::from("id_personne,mois,montant_du,montant_paye\n");
    for (k, id) in (1..=40).zip(&ids) {
        follow_ups.push_str(&format!("{id},2024-01-01,,\n"));
        rent.push_str(&format!("{id},2025-01,{}.{},0\n", k / 10, k % 10));
    }
    let site = Site::new(&[
        ("personnes", &personnes(&ids)),
        ("accompagnements", &follow_ups),
        ("quittancement", &rent),
    ]);
    let config = site.config();
    let catalogue = bilan::indicators::Catalogue::load(&config).expect("catalogue");
    let data = site.data();
    let period = Period::year(2025).unwrap();
    let bits = |x: Option<f64>| x.map(f64::to_bits);
    let runs: Vec<Vec<_>> = (0..8)
        .map(|_| {
            let evaluations =
                bilan::indicators::evaluate(&catalogue, &data, &config.programmes[0], period, true)
                    .unwrap_or_else(|e| panic!("évaluation : {e:#}"));
            let mut figures = Vec::new();
            for e in &evaluations {
                for outcome in &e.outcomes {
                    if let bilan::indicators::Outcome::Computed(computed) = outcome {
                        figures.extend(computed.iter().map(|f| {
                            (
                                e.indicator.id.clone(),
                                f.modality.clone(),
                                bits(f.value),
                                bits(f.numerator),
                                bits(f.denominator),
                            )
                        }));
                    }
                }
            }
            figures
        })
        .collect();
    for run in &runs[1..] {
        assert_eq!(run.len(), runs[0].len());
        for (a, b) in runs[0].iter().zip(run) {
            assert!(a == b, "deux évaluations diffèrent : {a:?} puis {b:?}");
        }
    }
    let report = site.report(2025);
    let mut v = Checks::of(&report, "d");
    v.value(P25, "dette_locative_fin", "personnes", 40.0);
    v.value(P25, "dette_locative_fin", "montant", 82.0);
    v.finish();
}
