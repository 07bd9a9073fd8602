//! Data-quality checks (group Q of indicateurs.md, general rules of donnees.md) through the
//! command line only.
//!
//! Most tests run `bilan verifier --config tests/fixtures/qualite/<cas>/bilan.toml --annee 2024
//! --format csv --sortie <tmp>/constats.csv` and read the findings file: UTF-8 with a BOM,
//! `;`-separated, header
//! `dispositif;table;fichier;feuille;ligne;colonne;valeur;genre;bloquant;message`.
//! Each fixture holds ONE kind of problem; every other row is clean, so each test asserts the
//! exact set of findings (table, file, sheet, line, column, value, kind, blocking) — nothing
//! missing, nothing extra — and the exit status (1 when a finding is blocking, else 0).
//!
//! Line numbers: in a CSV the header is line 1, so the n-th data row is line n + 1. The hand
//! reasoning for each expected finding is written above each test, with the line of each row.
//! Where a finding's value is a date, the fixture writes its dates as JJ/MM/AAAA, so that the
//! raw text and the JJ/MM/AAAA form of the finding are the same.
//!
//! Every fixture is clean apart from its own problem: every required column is filled
//! (personnes: sexe, situation_avant_entree, orienteur, date_naissance or annee_naissance;
//! accompagnements: motif_sortie when date_sortie; interventions: type; occupations:
//! statut_bail, motif_fin when date_sortie; logements: type_bailleur), ages at first entry are
//! within 16..100, every date is ≤ 2025-01-15 (before the day the tests run, except in
//! `futur`), every id_personne / id_logement is known when personnes / logements is configured,
//! no follow-ups or occupations overlap, occupations and interventions fall within a follow-up,
//! and only the `situation` fixture configures a situations table.
//!
//! Further tests: unreadable inputs (missing, empty, binary, missing sheet, missing column,
//! truncated or encrypted workbook), a row located by sheet and row in a workbook, "dirty
//! equals clean" for groups A and B, and the text format of `bilan verifier`.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{bilan, stderr, stdout};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const EN_TETE_CONSTATS: [&str; 10] = [
    "dispositif",
    "table",
    "fichier",
    "feuille",
    "ligne",
    "colonne",
    "valeur",
    "genre",
    "bloquant",
    "message",
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `tests/fixtures/qualite/<nom>/bilan.toml`, as an absolute path.
fn fixture(nom: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/qualite")
        .join(nom)
        .join("bilan.toml")
}

/// One row of the findings file.
#[derive(Debug, Clone)]
struct Constat {
    dispositif: String,
    table: String,
    fichier: String,
    feuille: String,
    ligne: String,
    colonne: String,
    valeur: String,
    genre: String,
    bloquant: String,
    message: String,
}

/// What identifies a finding, message left aside:
/// (genre, table, fichier, feuille, ligne, colonne, valeur, bloquant).
type Cle = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

impl Constat {
    fn cle(&self) -> Cle {
        (
            self.genre.clone(),
            self.table.clone(),
            self.fichier.clone(),
            self.feuille.clone(),
            self.ligne.clone(),
            self.colonne.clone(),
            self.valeur.clone(),
            self.bloquant.clone(),
        )
    }
}

struct Verification {
    code: Option<i32>,
    /// The findings file as written (BOM included).
    brut: String,
    constats: Vec<Constat>,
    stderr: String,
}

fn lire_constats(brut: &str) -> Vec<Constat> {
    let mut lecteur = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(true)
        .from_reader(brut.trim_start_matches('\u{feff}').as_bytes());
    let en_tete: Vec<String> = lecteur
        .headers()
        .expect("en-tête des constats")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(en_tete, EN_TETE_CONSTATS, "en-tête des constats\n{brut}");
    lecteur
        .records()
        .map(|e| {
            let e = e.unwrap_or_else(|err| panic!("ligne de constats illisible ({err})\n{brut}"));
            assert_eq!(e.len(), 10, "10 colonnes attendues : {e:?}");
            Constat {
                dispositif: e[0].to_string(),
                table: e[1].to_string(),
                fichier: e[2].to_string(),
                feuille: e[3].to_string(),
                ligne: e[4].to_string(),
                colonne: e[5].to_string(),
                valeur: e[6].to_string(),
                genre: e[7].to_string(),
                bloquant: e[8].to_string(),
                message: e[9].to_string(),
            }
        })
        .collect()
}

/// `bilan verifier --config <config> --annee 2024 --format csv --sortie <tmp>/constats.csv`.
fn verifier_csv(config: &Path) -> Verification {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sortie = tmp.path().join("constats.csv");
    let o = bilan(&[
        OsStr::new("verifier"),
        OsStr::new("--config"),
        config.as_os_str(),
        OsStr::new("--annee"),
        OsStr::new("2024"),
        OsStr::new("--format"),
        OsStr::new("csv"),
        OsStr::new("--sortie"),
        sortie.as_os_str(),
    ]);
    let brut = std::fs::read_to_string(&sortie).unwrap_or_else(|e| {
        panic!(
            "constats.csv non écrit ({e}) ; code {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            o.status.code(),
            stdout(&o),
            stderr(&o)
        )
    });
    assert!(
        brut.starts_with('\u{feff}'),
        "le fichier des constats commence par un BOM UTF-8\n{brut}"
    );
    let constats = lire_constats(&brut);
    Verification {
        code: o.status.code(),
        brut,
        constats,
        stderr: stderr(&o),
    }
}

/// An expected finding. The file is `<table>.csv` in the fixture's folder, `feuille` empty.
struct Attendu {
    genre: &'static str,
    table: &'static str,
    ligne: usize,
    colonne: &'static str,
    valeur: &'static str,
    bloquant: bool,
}

const fn a(
    genre: &'static str,
    table: &'static str,
    ligne: usize,
    colonne: &'static str,
    valeur: &'static str,
    bloquant: bool,
) -> Attendu {
    Attendu {
        genre,
        table,
        ligne,
        colonne,
        valeur,
        bloquant,
    }
}

const MANQUANTE: &str = "valeur obligatoire manquante";
const ILLISIBLE: &str = "valeur illisible";
const CODE: &str = "code non reconnu";
const DOUBLON: &str = "identifiant en double";
const FIN_AVANT_DEBUT: &str = "fin avant le début";
const FUTUR: &str = "date dans le futur";
const AGE: &str = "âge à l'entrée invraisemblable";
const INCONNU: &str = "personne ou logement inconnu";
const CHEV_ACC: &str = "accompagnements qui se chevauchent";
const CHEV_OCC: &str = "occupations qui se chevauchent";
const OCC_HORS: &str = "occupation hors accompagnement";
const INTERV_HORS: &str = "intervention hors accompagnement";
const SITUATION: &str = "situation manquante";

/// Runs `verifier` on a fixture and asserts the EXACT set of findings (no other finding at
/// all: this also proves the rest of the fixture is clean) and the exit status.
fn constater(nom: &str, attendus: &[Attendu]) -> Verification {
    let config = fixture(nom);
    let dossier = config.parent().expect("dossier de la fixture");
    let v = verifier_csv(&config);

    let mut voulus: Vec<Cle> = attendus
        .iter()
        .map(|x| {
            (
                x.genre.to_string(),
                x.table.to_string(),
                dossier
                    .join(format!("{}.csv", x.table))
                    .display()
                    .to_string(),
                String::new(),
                x.ligne.to_string(),
                x.colonne.to_string(),
                x.valeur.to_string(),
                if x.bloquant { "oui" } else { "non" }.to_string(),
            )
        })
        .collect();
    let mut vus: Vec<Cle> = v.constats.iter().map(Constat::cle).collect();
    voulus.sort();
    vus.sort();
    if vus != voulus {
        let manquants: Vec<_> = voulus.iter().filter(|c| !vus.contains(c)).collect();
        let en_trop: Vec<_> = vus.iter().filter(|c| !voulus.contains(c)).collect();
        panic!(
            "fixture « {nom} » : constats différents de ceux attendus\n\
             attendus absents : {manquants:#?}\n\
             inattendus : {en_trop:#?}\n\
             --- constats.csv ---\n{}",
            v.brut
        );
    }
    for c in &v.constats {
        assert_eq!(c.dispositif, "q", "dispositif du constat {c:?}");
        assert!(!c.message.trim().is_empty(), "message vide : {c:?}");
    }
    let code = if attendus.iter().any(|x| x.bloquant) {
        1
    } else {
        0
    };
    assert_eq!(
        v.code,
        Some(code),
        "fixture « {nom} » : code de sortie (1 si un constat est bloquant)\n--- stderr ---\n{}",
        v.stderr
    );
    v
}

// ---------------------------------------------------------------------------------------------
// 1. One fixture per kind of finding
// ---------------------------------------------------------------------------------------------

/// `manquante/` — missing required values; blocking only on an identifier or the main date.
///
/// personnes.csv (header = line 1)
///   line 2 P1 clean
///   line 3 P2 sexe empty                       → missing sexe, not blocking
///   line 4 P3 annee_naissance only (1990)       → clean (date_naissance OR annee_naissance)
///   line 5 P4 orienteur empty                  → missing orienteur, not blocking
/// accompagnements.csv
///   line 2 P1 2024-01-15 ongoing               clean
///   line 3 P2 2023-06-01 → 2024-05-31, motif empty → missing motif_sortie, not blocking
///   line 4 (no id) 2024-03-01                  → missing id_personne, BLOCKING
///   line 5 P3, no date_entree                  → missing date_entree, BLOCKING
///   line 6 P3 2024-04-01 ongoing               clean (P3's usable follow-up)
///   line 7 P4 2024-02-01 ongoing               clean
/// interventions.csv
///   line 2 P1 2024-02-10 visite_domicile       clean (within P1's follow-up)
///   line 3 P1 2024-03-10, type empty           → missing type, not blocking
///   line 4 P4, date empty                      → missing date, BLOCKING
///   line 5 P4 2024-02-15 entretien_local       clean
/// Blocking findings → exit 1.
#[test]
fn valeur_obligatoire_manquante() {
    constater(
        "manquante",
        &[
            a(MANQUANTE, "personnes", 3, "sexe", "", false),
            a(MANQUANTE, "personnes", 5, "orienteur", "", false),
            a(MANQUANTE, "accompagnements", 3, "motif_sortie", "", false),
            a(MANQUANTE, "accompagnements", 4, "id_personne", "", true),
            a(MANQUANTE, "accompagnements", 5, "date_entree", "", true),
            a(MANQUANTE, "interventions", 3, "type", "", false),
            a(MANQUANTE, "interventions", 4, "date", "", true),
        ],
    );
}

/// `illisible/` — unreadable values; the raw text is the value.
///
/// personnes.csv
///   line 2 P1 clean
///   line 3 P2 duree_sans_logement_mois = `douze`     → unreadable, not blocking (optional)
///   line 4 P3 clean
/// accompagnements.csv
///   line 2 P1 2024-01-15 ongoing                     clean
///   line 3 P2 date_entree = `31/02/2024` (no 31 Feb)  → unreadable main date, BLOCKING
///   line 4 P3 2023-09-01, date_sortie = `12/03/24`   → two-digit year refused, BLOCKING:
///          a filled end date that cannot be read leaves the row unusable (indicateurs.md,
///          group Q; corrected from "not blocking", which kept the row as an ongoing follow-up)
/// Exit 1.
#[test]
fn valeur_illisible() {
    constater(
        "illisible",
        &[
            a(
                ILLISIBLE,
                "personnes",
                3,
                "duree_sans_logement_mois",
                "douze",
                false,
            ),
            a(
                ILLISIBLE,
                "accompagnements",
                3,
                "date_entree",
                "31/02/2024",
                true,
            ),
            a(
                ILLISIBLE,
                "accompagnements",
                4,
                "date_sortie",
                "12/03/24",
                true,
            ),
        ],
    );
}

/// `code/` — values outside the code lists, kept as « non reconnu », never blocking.
///
/// personnes.csv
///   line 2 P1 clean
///   line 3 P2 sexe = `Z`                              → unknown code
///   line 4 P3 sexe `h`, situation `Hébergement urgence`, orienteur `Maraude`
///          → clean: codes match ignoring case, accents and the space/`_` difference
/// accompagnements.csv
///   line 2 P1, line 3 P2 ongoing                       clean
///   line 4 P3 2023-06-01 → 2024-05-31 motif `relogement autonom` → unknown code; the message
///          names the closest code, `relogement_autonome`
/// Exit 0.
#[test]
fn code_non_reconnu() {
    let v = constater(
        "code",
        &[
            // A code cell may hold a name: its value is described, not repeated.
            a(
                CODE,
                "personnes",
                3,
                "sexe",
                "valeur non reconnue, 1\u{a0}caractère",
                false,
            ),
            a(
                CODE,
                "accompagnements",
                4,
                "motif_sortie",
                "valeur non reconnue, 18\u{a0}caractères",
                false,
            ),
        ],
    );
    let motif = v
        .constats
        .iter()
        .find(|c| c.colonne == "motif_sortie")
        .expect("constat sur motif_sortie");
    assert!(
        motif.message.contains("relogement_autonome"),
        "le message propose le code le plus proche : {}",
        motif.message
    );
}

/// `doublon/` — duplicate identifiers: the LATER row is reported (blocking), the first kept.
///
/// personnes.csv
///   lines 2-4 P1, P2, P3; line 5 P2 again with other values     → duplicate id_personne
/// accompagnements.csv: P1 2024-01-15, P2 2024-02-01, P3 2024-03-01, all ongoing (clean)
/// logements.csv
///   lines 2-4 L1, L2, L3; line 5 L2 again (social instead of prive) → duplicate id_logement
/// occupations.csv
///   line 2 O1 L1 P1 2024-02-01 ongoing                         clean
///   line 3 O2 L2 P2 2024-03-01 ongoing                         clean
///   line 4 O2 again (L3 P3 2024-04-01)                         → duplicate id_occupation
/// Exit 1.
#[test]
fn identifiant_en_double() {
    constater(
        "doublon",
        &[
            a(DOUBLON, "personnes", 5, "id_personne", "P2", true),
            a(DOUBLON, "logements", 5, "id_logement", "L2", true),
            a(DOUBLON, "occupations", 4, "id_occupation", "O2", true),
        ],
    );
}

/// `fin_avant_debut/` — end before start, reported on the END column (no personnes, no
/// logements configured: no reference check). Each such row is BLOCKING (indicateurs.md,
/// group Q: "an end or exit date that is … earlier than the start date"): corrected from
/// "not blocking", which kept rows with negative durations in the figures.
///
/// accompagnements.csv
///   line 2 P1 15/01/2024 ongoing                           clean
///   line 3 P2 01/03/2024 → 10/02/2024 autre                → date_sortie 10/02/2024
///   line 4 P3 01/02/2024 → 01/02/2024 (same day)           clean: not before
/// occupations.csv (P1, within P1's ongoing follow-up)
///   line 2 O1 01/02/2024 → 31/05/2024                      clean
///   line 3 O2 01/06/2024 → 15/05/2024 abandon              → date_sortie 15/05/2024
///          (starts after O1's exit: no overlap)
/// hospitalisations.csv
///   line 2 P1 10/04/2024 → 20/04/2024                      clean
///   line 3 P1 05/09/2024 → 01/09/2024                      → date_fin 01/09/2024
///   line 4 P3 urgences 01/02/2024 → 01/02/2024             clean
/// effectifs.csv
///   line 2 coordinateur 01/01/2024 → (ongoing)            clean
///   line 3 infirmier 01/07/2024 → 15/03/2024              → date_fin 15/03/2024
///   line 4 travailleur_social 01/01/2024 → 30/06/2024     clean
/// Exit 1 (blocking rows).
#[test]
fn fin_avant_le_debut() {
    constater(
        "fin_avant_debut",
        &[
            a(
                FIN_AVANT_DEBUT,
                "accompagnements",
                3,
                "date_sortie",
                "10/02/2024",
                true,
            ),
            a(
                FIN_AVANT_DEBUT,
                "occupations",
                3,
                "date_sortie",
                "15/05/2024",
                true,
            ),
            a(
                FIN_AVANT_DEBUT,
                "hospitalisations",
                3,
                "date_fin",
                "01/09/2024",
                true,
            ),
            a(
                FIN_AVANT_DEBUT,
                "effectifs",
                3,
                "date_fin",
                "15/03/2024",
                true,
            ),
        ],
    );
}

/// `futur/` — dates after the day the tool runs (year 2099).
///
/// personnes.csv
///   line 2 P1 clean (commission 01/12/2023)
///   line 3 P2 date_commission 01/01/2099                   → future date
/// accompagnements.csv
///   line 2 P1 15/01/2024 ongoing                           clean
///   line 3 P2 10/01/2024 → 30/06/2099 autre                → future date_sortie
/// Exit 0.
#[test]
fn date_dans_le_futur() {
    constater(
        "futur",
        &[
            a(
                FUTUR,
                "personnes",
                3,
                "date_commission",
                "01/01/2099",
                false,
            ),
            a(
                FUTUR,
                "accompagnements",
                3,
                "date_sortie",
                "30/06/2099",
                false,
            ),
        ],
    );
}

/// `age/` — age at FIRST entry (earliest date_entree) outside 16..100;
/// age = floor(days / 365.25). The date of birth is never repeated: valeur `(non reproduite)`.
///
/// personnes.csv / first entry / days / age
///   line 2 P1 1980-04-12 / 2024-01-15 / —                    / 43     clean
///   line 3 P2 2010-06-01 / 2024-03-01 / ≈ 5022               / 13     → < 16
///   line 4 P3 year 1920 only (→ 1920-07-01) / 2024-01-15 / ≈ 37 818 / 103 → > 100
///   line 5 P4 2008-01-01 / 2023-12-01 (two follow-ups) / 5479 + 334 = 5813 / 15 → < 16
///          (at the later entry 2024-06-01 P4 is 16: only the earliest entry counts)
///   line 6 P5 2008-03-01 / 2024-03-01 / 16 × 365 + 4 leap days = 5844 / exactly 16 → clean
///   line 7 P6 1924-01-15 / 2024-01-15 / 100 × 365 + 25 leap days (1924…2020) = 36 525
///          / exactly 100 → clean (not > 100)
/// accompagnements.csv: P4 01/12/2023 → 31/01/2024 then 01/06/2024 ongoing; others ongoing.
/// Exit 0.
#[test]
fn age_a_l_entree_invraisemblable() {
    let v = constater(
        "age",
        &[
            a(
                AGE,
                "personnes",
                3,
                "date_naissance",
                "(non reproduite)",
                false,
            ),
            a(
                AGE,
                "personnes",
                4,
                "date_naissance",
                "(non reproduite)",
                false,
            ),
            a(
                AGE,
                "personnes",
                5,
                "date_naissance",
                "(non reproduite)",
                false,
            ),
        ],
    );
    for naissance in [
        "2010-06-01",
        "01/06/2010",
        "2008-01-01",
        "01/01/2008",
        "1920",
    ] {
        assert!(
            !v.brut.contains(naissance),
            "une date de naissance ({naissance}) n'est jamais reproduite\n{}",
            v.brut
        );
    }
}

/// `inconnu/` — references to an unknown person or flat; the value is the id.
///
/// personnes.csv: P1, P2. logements.csv: L1, L2.
/// accompagnements.csv
///   line 2 P1, line 3 P2                                   clean
///   line 4 P9 2024-03-01 ongoing                           → P9 absent from personnes
/// occupations.csv
///   line 2 O1 L1 P1 2024-02-01                              clean
///   line 3 O2 L7 P2 2024-03-01                              → L7 absent from logements
/// Exit 0.
#[test]
fn personne_ou_logement_inconnu() {
    constater(
        "inconnu",
        &[
            a(INCONNU, "accompagnements", 4, "id_personne", "P9", false),
            a(INCONNU, "occupations", 3, "id_logement", "L7", false),
        ],
    );
}

/// `chevauchement_accompagnements/` — the LATER follow-up (by date_entree, not file order)
/// that starts before the previous one's exit, or while it is ongoing.
///
/// accompagnements.csv
///   line 2 P1 10/01/2023 → 31/03/2024 autre
///   line 3 P1 15/03/2024 ongoing            → starts before 31/03/2024: overlap
///   line 4 P2 01/06/2024 ongoing            → later by date_entree than line 5, starts before
///                                             its exit 15/06/2024: overlap (reported here)
///   line 5 P2 10/01/2024 → 15/06/2024        (earlier follow-up, listed after)
///   line 6 P3 01/05/2023 → 01/02/2024
///   line 7 P3 01/02/2024 ongoing            clean: starts ON the previous exit day
///   line 8 P4 01/01/2022 ongoing
///   line 9 P4 01/07/2024 ongoing            → previous still ongoing: overlap
/// Exit 0.
#[test]
fn accompagnements_qui_se_chevauchent() {
    constater(
        "chevauchement_accompagnements",
        &[
            a(
                CHEV_ACC,
                "accompagnements",
                3,
                "date_entree",
                "15/03/2024",
                false,
            ),
            a(
                CHEV_ACC,
                "accompagnements",
                4,
                "date_entree",
                "01/06/2024",
                false,
            ),
            a(
                CHEV_ACC,
                "accompagnements",
                9,
                "date_entree",
                "01/07/2024",
                false,
            ),
        ],
    );
}

/// `chevauchement_occupations/` — same rule for the occupations of one person.
///
/// accompagnements.csv: P1 and P2 from 10/01/2024, ongoing (every occupation is within).
/// occupations.csv
///   line 2 O1 P1 01/02/2024 → 30/06/2024 relogement_dispositif
///   line 3 O2 P1 15/06/2024 ongoing          → starts before 30/06/2024: overlap
///   line 4 O3 P2 01/03/2024 → 31/05/2024 relogement_dispositif
///   line 5 O4 P2 31/05/2024 ongoing          clean: starts on the previous exit day
/// Exit 0.
#[test]
fn occupations_qui_se_chevauchent() {
    constater(
        "chevauchement_occupations",
        &[a(
            CHEV_OCC,
            "occupations",
            3,
            "date_entree",
            "15/06/2024",
            false,
        )],
    );
}

/// `occupation_hors/` — an occupation is within a follow-up when
/// entree − 30 ≤ occupation entry and (follow-up ongoing, or occupation ended with
/// occupation exit ≤ sortie + 30).
///
/// accompagnements.csv
///   P1 01/03/2024 → 30/09/2024; P2 01/03/2024 ongoing; P3 01/03/2024 → 31/08/2024;
///   P4 01/01/2024 → 31/03/2024; P5 01/01/2023 → 30/06/2023 and 01/02/2024 ongoing.
/// occupations.csv
///   line 2 O1 P1 31/01/2024 → 30/10/2024     clean: 01/03 − 30 days = 31/01 (2024 is leap)
///                                             and 30/09 + 30 days = 30/10, both bounds inclusive
///   line 3 O2 P2 30/01/2024 ongoing          → 31 days before entry
///   line 4 O3 P3 01/03/2024 ongoing          → follow-up ended, occupation not ended
///   line 5 O4 P4 15/01/2024 → 01/05/2024     → ends 31 days after exit (limit 30/04/2024)
///   line 6 O5 P5 01/03/2024 ongoing          clean: within P5's SECOND follow-up
/// Exit 0.
#[test]
fn occupation_hors_accompagnement() {
    constater(
        "occupation_hors",
        &[
            a(
                OCC_HORS,
                "occupations",
                3,
                "date_entree",
                "30/01/2024",
                false,
            ),
            a(
                OCC_HORS,
                "occupations",
                4,
                "date_entree",
                "01/03/2024",
                false,
            ),
            a(
                OCC_HORS,
                "occupations",
                5,
                "date_entree",
                "15/01/2024",
                false,
            ),
        ],
    );
}

/// `intervention_hors/` — an intervention is within a follow-up when
/// entree ≤ date and (ongoing or date ≤ sortie); no tolerance.
///
/// accompagnements.csv: P1 01/03/2024 → 30/09/2024; P2 01/03/2024 ongoing;
///   P3 01/01/2023 → 30/06/2023 and 01/02/2024 ongoing.
/// interventions.csv
///   line 2 P1 01/03/2024                      clean (entry day)
///   line 3 P1 30/09/2024                      clean (exit day)
///   line 4 P1 01/10/2024                      → the day after the exit
///   line 5 P2 29/02/2024                      → the day before the entry
///   line 6 P3 15/07/2023                      → between P3's two follow-ups
///   line 7 P3 15/05/2023                      clean (within the first)
/// Exit 0.
#[test]
fn intervention_hors_accompagnement() {
    constater(
        "intervention_hors",
        &[
            a(INTERV_HORS, "interventions", 4, "date", "01/10/2024", false),
            a(INTERV_HORS, "interventions", 5, "date", "29/02/2024", false),
            a(INTERV_HORS, "interventions", 6, "date", "15/07/2023", false),
        ],
    );
}

/// `situation/` — a person of the file active 2024 with no situations row dated ≤ 31/12/2024;
/// reported on the person's first follow-up row active in 2024, column id_personne.
///
/// accompagnements.csv / situations.csv
///   line 2 P1 2023-05-01 ongoing            situation 2023-05-10          clean
///   line 3 P2 2024-02-01 ongoing            no situation                  → line 3
///   line 4 P3 2022-01-01 → 2023-06-30        (not active in 2024)
///   line 5 P3 2024-03-01 → 2024-10-31        first ACTIVE row of P3, no situation → line 5
///   line 6 P3 2024-11-15 ongoing             (active too, but later in the file)
///   line 7 P4 2024-06-01 ongoing            situation 2025-01-15 only (> f) → line 7
///   line 8 P5 2021-01-01 → 2023-12-31        not active in 2024, no situation: clean
///   line 9 P6 2024-12-01 ongoing            situation 2024-12-31 (= f)    clean
/// Exit 0.
#[test]
fn situation_manquante() {
    constater(
        "situation",
        &[
            a(SITUATION, "accompagnements", 3, "id_personne", "P2", false),
            a(SITUATION, "accompagnements", 5, "id_personne", "P3", false),
            a(SITUATION, "accompagnements", 7, "id_personne", "P4", false),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Unreadable inputs, and rows located in a workbook
// ---------------------------------------------------------------------------------------------

/// A site in a temporary folder whose only source is `accompagnements = <source>`
/// (`source` is TOML: a quoted path or an inline table).
fn site_temporaire(source: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("bilan.toml");
    std::fs::write(
        &config,
        format!(
            "site = \"Essai\"\n\n[[dispositif]]\nid = \"q\"\nnom = \"Test\"\ntype = \"ucsd\"\n\
             places = 10\nouverture = 2020-01-01\n\n[dispositif.sources]\naccompagnements = {source}\n"
        ),
    )
    .expect("configuration écrite");
    (dir, config)
}

fn verifier_texte(config: &Path) -> Output {
    bilan(&[
        OsStr::new("verifier"),
        OsStr::new("--config"),
        config.as_os_str(),
        OsStr::new("--annee"),
        OsStr::new("2024"),
    ])
}

/// Exit 1 and a French error on stderr containing every given piece.
fn echec(o: &Output, morceaux: &[&str]) {
    let e = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "code de sortie\n--- stderr ---\n{e}"
    );
    for m in morceaux {
        assert!(e.contains(m), "stderr devrait contenir « {m} » :\n{e}");
    }
}

/// A workbook with one sheet named `feuille`: the canonical accompagnements header on row 1,
/// row 2 = P1 with a real date cell (15/01/2024, ongoing), row 3 = P2 whose date_entree is
/// the text `31/02/2024` (impossible date), row 4 = P3 2024-03-01 → 2024-06-30 autre.
fn classeur_parcours(feuille: &str) -> Vec<u8> {
    let mut classeur = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let f = classeur.add_worksheet();
    f.set_name(feuille).expect("nom de feuille");
    for (c, titre) in ["id_personne", "date_entree", "date_sortie", "motif_sortie"]
        .into_iter()
        .enumerate()
    {
        f.write_string(0, c as u16, titre).unwrap();
    }
    f.write_string(1, 0, "P1").unwrap();
    f.write_datetime_with_format(1, 1, ExcelDateTime::from_ymd(2024, 1, 15).unwrap(), &date)
        .unwrap();
    f.write_string(2, 0, "P2").unwrap();
    f.write_string(2, 1, "31/02/2024").unwrap();
    f.write_string(3, 0, "P3").unwrap();
    f.write_string(3, 1, "2024-03-01").unwrap();
    f.write_string(3, 2, "2024-06-30").unwrap();
    f.write_string(3, 3, "autre").unwrap();
    classeur.save_to_buffer().expect("classeur en mémoire")
}

const SOURCE_CLASSEUR: &str = "{ fichier = \"hope.xlsx\", feuille = \"Parcours\" }";

#[test]
fn fichier_introuvable() {
    let (_dir, config) = site_temporaire("\"accompagnements.csv\"");
    let o = verifier_texte(&config);
    echec(&o, &["accompagnements.csv", "introuvable"]);
}

#[test]
fn fichier_vide() {
    let (dir, config) = site_temporaire("\"accompagnements.csv\"");
    std::fs::write(dir.path().join("accompagnements.csv"), b"").unwrap();
    let o = verifier_texte(&config);
    echec(&o, &["accompagnements.csv", "vide"]);
}

#[test]
fn fichier_binaire_sous_un_nom_csv() {
    let (dir, config) = site_temporaire("\"accompagnements.csv\"");
    // Pseudo-random bytes (a fixed linear congruential sequence), one NUL every 7 bytes.
    let mut x: u32 = 0x2545_f491;
    let octets: Vec<u8> = (0..2048)
        .map(|i| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            if i % 7 == 3 { 0 } else { (x >> 24) as u8 }
        })
        .collect();
    assert!(octets.contains(&0));
    std::fs::write(dir.path().join("accompagnements.csv"), &octets).unwrap();
    let o = verifier_texte(&config);
    echec(
        &o,
        &["accompagnements.csv", "n'est pas un fichier CSV lisible"],
    );
}

#[test]
fn classeur_sans_la_feuille_nommee() {
    let (dir, config) = site_temporaire(SOURCE_CLASSEUR);
    std::fs::write(dir.path().join("hope.xlsx"), classeur_parcours("Autre")).unwrap();
    let o = verifier_texte(&config);
    // The error names the missing sheet and lists the sheets present.
    echec(
        &o,
        &["hope.xlsx", "n'a pas de feuille « Parcours »", "Autre"],
    );
}

#[test]
fn colonne_obligatoire_absente() {
    let (dir, config) = site_temporaire("\"accompagnements.csv\"");
    std::fs::write(
        dir.path().join("accompagnements.csv"),
        "id_personne;date_sortie;motif_sortie\nP1;;\n",
    )
    .unwrap();
    let o = verifier_texte(&config);
    echec(
        &o,
        &["accompagnements.csv", "n'a pas de colonne « date_entree »"],
    );
}

#[test]
fn classeur_tronque() {
    let (dir, config) = site_temporaire(SOURCE_CLASSEUR);
    let complet = classeur_parcours("Parcours");
    assert!(complet.len() > 300);
    std::fs::write(dir.path().join("hope.xlsx"), &complet[..300]).unwrap();
    let o = verifier_texte(&config);
    echec(&o, &["hope.xlsx", "ne peut pas être lu"]);
}

#[test]
fn classeur_protege_par_mot_de_passe() {
    // An encrypted .xlsx is an OLE compound file: its 8-byte signature, then zeros.
    let (dir, config) = site_temporaire(SOURCE_CLASSEUR);
    let mut octets = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    octets.extend(std::iter::repeat_n(0u8, 504));
    std::fs::write(dir.path().join("hope.xlsx"), &octets).unwrap();
    let o = verifier_texte(&config);
    echec(&o, &["hope.xlsx", "ne peut pas être lu"]);
}

/// A row of a workbook is located by its sheet and its row number (header on row 1).
/// Sheet « Parcours »: row 2 P1 with a date cell (readable), row 3 P2 `31/02/2024`
/// (unreadable main date → blocking), row 4 P3 clean. No personnes table: no other check.
#[test]
fn constat_situe_par_feuille_et_ligne_dans_un_classeur() {
    let (dir, config) = site_temporaire(SOURCE_CLASSEUR);
    std::fs::write(dir.path().join("hope.xlsx"), classeur_parcours("Parcours")).unwrap();
    let v = verifier_csv(&config);
    let vus: Vec<Cle> = v.constats.iter().map(Constat::cle).collect();
    let voulu: Cle = (
        ILLISIBLE.to_string(),
        "accompagnements".to_string(),
        dir.path().join("hope.xlsx").display().to_string(),
        "Parcours".to_string(),
        "3".to_string(),
        "date_entree".to_string(),
        "31/02/2024".to_string(),
        "oui".to_string(),
    );
    assert_eq!(vus, vec![voulu], "constats\n{}", v.brut);
    assert_eq!(v.code, Some(1), "{}", v.stderr);
}

// ---------------------------------------------------------------------------------------------
// 3. Dirty equals clean
// ---------------------------------------------------------------------------------------------

fn rapport(config: &Path, sortie: &Path) -> Output {
    bilan(&[
        OsStr::new("rapport"),
        OsStr::new("--config"),
        config.as_os_str(),
        OsStr::new("--annee"),
        OsStr::new("2024"),
        OsStr::new("--sortie"),
        sortie.as_os_str(),
    ])
}

/// Every row of indicateurs.csv except the quality summaries (`completude`, `anomalies`),
/// in file order.
fn lignes_hors_qualite(chemin: &Path) -> Vec<Vec<String>> {
    let brut = std::fs::read_to_string(chemin)
        .unwrap_or_else(|e| panic!("lecture de {}: {e}", chemin.display()));
    let mut lecteur = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(brut.trim_start_matches('\u{feff}').as_bytes());
    let i_ind = lecteur
        .headers()
        .expect("en-tête")
        .iter()
        .position(|h| h == "indicateur")
        .expect("colonne indicateur");
    lecteur
        .records()
        .map(|e| e.expect("ligne CSV"))
        .filter(|e| !matches!(&e[i_ind], "completude" | "anomalies"))
        .map(|e| e.iter().map(str::to_string).collect())
        .collect()
}

/// `sale/` holds blocking rows and non-blocking problems; `propre/` is the same two files
/// with ONLY the blocking rows deleted by hand:
///
/// sale/personnes.csv
///   line 3 S02 duree_sans_logement_mois `douze`  (unreadable, kept → non renseigné)
///   line 6 S05 orienteur `pole_emploi`           (unknown code, kept → non reconnu)
///   line 7 S06 sexe empty                        (missing, kept → non renseigné)
///   line 8 S03 AGAIN, other birth / sexe / situation / orienteur → BLOCKING duplicate (deleted)
/// sale/accompagnements.csv
///   line 4 (no id_personne) 2024-02-01           → BLOCKING (deleted)
///   line 6 S04 exit 2024-09-30 without motif     (missing, kept → non renseigné)
///   line 7 S05 date_entree `31/02/2024`          → BLOCKING (deleted)
///   line 11 S07 2024-06-01 → 2024-05-20           → BLOCKING: end before start (deleted)
///
/// Rows left out: accompagnements 3, personnes 1. File active 2024 = S01…S06 = 6 in both
/// (S02 leaves 2024-06-30; S06's first follow-up ends 2024-02-15, the second starts
/// 2024-05-10; S07's only follow-up is left out). Corrected from 2 rows left out and a file
/// active of 7: the spec makes an exit earlier than the entry a blocking row, which the
/// tool used to keep.
#[test]
fn donnees_sales_egales_donnees_propres() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sortie_sale = tmp.path().join("sale");
    let sortie_propre = tmp.path().join("propre");

    let o_sale = rapport(&fixture("sale"), &sortie_sale);
    assert!(
        o_sale.status.success(),
        "rapport (sale)\n{}",
        stderr(&o_sale)
    );
    let o_propre = rapport(&fixture("propre"), &sortie_propre);
    assert!(
        o_propre.status.success(),
        "rapport (propre)\n{}",
        stderr(&o_propre)
    );

    // The rows left out are printed with the results, per table.
    let e = stderr(&o_sale);
    for attendu in [
        "Table accompagnements : 3\u{a0}lignes inutilisables écartées de tous les calculs.",
        "Table personnes : 1\u{a0}ligne inutilisable écartée de tous les calculs.",
    ] {
        assert!(
            e.contains(attendu),
            "stderr (sale) devrait contenir « {attendu} » :\n{e}"
        );
    }
    let e = stderr(&o_propre);
    assert!(
        !e.contains("inutilisable écartée") && !e.contains("inutilisables écartées"),
        "aucune ligne écartée dans les données propres :\n{e}"
    );

    let sale = lignes_hors_qualite(&sortie_sale.join("indicateurs.csv"));
    let propre = lignes_hors_qualite(&sortie_propre.join("indicateurs.csv"));
    for indicateur in [
        "file_active",
        "entrees",
        "sorties",
        "profil_sexe",
        "profil_age",
    ] {
        assert!(
            propre.iter().any(|l| l.iter().any(|c| c == indicateur)),
            "l'indicateur {indicateur} est produit"
        );
    }
    assert!(
        propre.iter().any(|l| l.len() > 5
            && l[1] == "2024-01-01"
            && l[2] == "2024-12-31"
            && l[3] == "file_active"
            && l[4] == "total"
            && l[5] == "6"),
        "file active 2024 = 6 : {propre:?}"
    );
    if sale != propre {
        let en_moins: Vec<_> = propre.iter().filter(|l| !sale.contains(l)).collect();
        let en_plus: Vec<_> = sale.iter().filter(|l| !propre.contains(l)).collect();
        panic!(
            "indicateurs différents entre données sales et propres\n\
             propres seulement : {en_moins:#?}\nsales seulement : {en_plus:#?}"
        );
    }

    // `verifier` fails on the dirty site (blocking rows), succeeds on the clean one.
    assert_eq!(verifier_csv(&fixture("sale")).code, Some(1));
    let v = verifier_csv(&fixture("propre"));
    assert_eq!(v.code, Some(0), "{}", v.brut);
    assert!(v.constats.iter().all(|c| c.bloquant == "non"), "{}", v.brut);
}

// ---------------------------------------------------------------------------------------------
// 4. Text format
// ---------------------------------------------------------------------------------------------

/// `ligne N` not followed by another digit (so that `ligne 3` does not match `ligne 30`).
fn cite_la_ligne(texte: &str, n: usize) -> bool {
    let motif = format!("ligne {n}");
    texte.match_indices(&motif).any(|(i, _)| {
        !texte[i + motif.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// Default text format on `illisible/` (three unreadable values, one blocking): the count
/// by kind, then one line per finding with the file name, `ligne N`, the column and the value.
#[test]
fn format_texte() {
    let o = verifier_texte(&fixture("illisible"));
    let texte = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{texte}\n{}", stderr(&o));
    assert!(
        texte
            .lines()
            .any(|l| l.contains(ILLISIBLE) && !l.contains(".csv") && l.trim_end().ends_with('3')),
        "décompte par genre (valeur illisible : 3) :\n{texte}"
    );
    for (fichier, ligne, colonne, valeur) in [
        ("personnes.csv", 3, "duree_sans_logement_mois", "douze"),
        ("accompagnements.csv", 3, "date_entree", "31/02/2024"),
        ("accompagnements.csv", 4, "date_sortie", "12/03/24"),
    ] {
        assert!(
            texte.lines().any(|l| l.contains(fichier)
                && cite_la_ligne(l, ligne)
                && l.contains(colonne)
                && l.contains(valeur)),
            "une ligne cite {fichier}, ligne {ligne}, {colonne}, {valeur} :\n{texte}"
        );
    }
}
