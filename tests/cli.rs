//! The command line as a user meets it: French messages, exit codes (0 success,
//! 1 unusable data or configuration, 2 misuse), and periods other than a year.

mod common;

use std::path::Path;

use common::{bilan, stderr, write};

const ACCOMPAGNEMENTS: &str = "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\n";

fn config(places: &str, extra: &str) -> String {
    format!(
        "site = \"Essai\"\n\n[[dispositif]]\nid = \"t\"\nnom = \"Test\"\ntype = \"ucsd\"\n{places}\nouverture = 2020-01-01\n{extra}\n[dispositif.sources]\naccompagnements = \"accompagnements.csv\"\n"
    )
}

#[test]
fn usage_errors_exit_2_in_french() {
    let o = bilan(&["inconnue"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Commande inconnue : « inconnue »"),
        "{}",
        stderr(&o)
    );

    let o = bilan(&["rapport", "--config", "x.toml", "--annee", "2025"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Option obligatoire manquante"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--sortie"), "{}", stderr(&o));

    let o = bilan(&[
        "rapport",
        "--config",
        "x.toml",
        "--annee",
        "2025",
        "--sortie",
        "s",
        "--audience",
        "public",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Valeur « public » invalide pour --audience"),
        "{}",
        stderr(&o)
    );

    let o = bilan(&[
        "rapport",
        "--config",
        "x.toml",
        "--debut",
        "01/04/24",
        "--fin",
        "30/06/2024",
        "--sortie",
        "s",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("siècle est ambigu"), "{}", stderr(&o));
}

#[test]
fn help_is_french() {
    let o = bilan(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Commandes"), "{text}");
    assert!(text.contains("Calcule les indicateurs d'un site"), "{text}");
    let o = bilan(&["rapport", "--help"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Année civile à évaluer"), "{text}");
}

/// Runs the report of the configuration `toml`, written as `name` in `dir` beside a
/// one-row accompagnements file; expects exit code 1 and returns what it said.
fn failing_report(dir: &Path, name: &str, toml: &str, accompagnements: &str) -> String {
    write(dir, "accompagnements.csv", accompagnements);
    write(dir, name, toml);
    let path = dir.join(name);
    let out = dir.join("sortie");
    let o = bilan(&[
        "rapport",
        "--config",
        path.to_str().unwrap(),
        "--annee",
        "2024",
        "--sortie",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!out.exists(), "nothing is written when the run fails");
    stderr(&o)
}

#[test]
fn configuration_errors_name_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    // `placse` is on line 7 of the file.
    let e = failing_report(
        dir.path(),
        "faute.toml",
        &config("placse = 10", ""),
        ACCOMPAGNEMENTS,
    );
    assert!(e.contains("faute.toml"), "{e}");
    assert!(e.contains("ligne 7"), "{e}");
    assert!(e.contains("clé inconnue « placse »"), "{e}");

    let e = failing_report(dir.path(), "manque.toml", &config("", ""), ACCOMPAGNEMENTS);
    assert!(e.contains("clé obligatoire « places » absente"), "{e}");

    let e = failing_report(
        dir.path(),
        "type.toml",
        &config("places = \"dix\"", ""),
        ACCOMPAGNEMENTS,
    );
    assert!(e.contains("ligne 7"), "{e}");
    assert!(e.contains("places invalide : indiquez un nombre"), "{e}");

    let o = bilan(&[
        "rapport",
        "--config",
        "absente.toml",
        "--annee",
        "2024",
        "--sortie",
        "absente",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Impossible de lire le fichier de configuration « absente.toml »"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_required_column_names_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let e = failing_report(
        dir.path(),
        "bilan.toml",
        &config("places = 10", ""),
        "id_personne;date_sortie\nP1;\n",
    );
    assert!(e.contains("accompagnements.csv"), "{e}");
    assert!(e.contains("n'a pas de colonne « date_entree »"), "{e}");
}

#[test]
fn catalogue_listing_and_definition() {
    let o = bilan(&["indicateurs"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("file_active") && text.contains("Taux d'occupation"),
        "{text}"
    );
    let o = bilan(&["indicateurs", "taux_occupation"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("des places en vigueur ce jour-là"), "{text}");
    let o = bilan(&["indicateurs", "rien"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Indicateur « rien » inconnu"),
        "{}",
        stderr(&o)
    );
}

/// A quarter instead of a year, on the edge-case fixture of `activite_profil.rs`.
/// File active of [2024-04-01, 2024-06-30]: follow-ups with entree ≤ 06-30 and
/// (sortie empty or ≥ 04-01): P01, P06 (second), P07, P08, P09, P10, P11, P12, P13, P14 = 10
/// (P02 enters in December, P03 and P04 left before April, P05 in 2023).
/// N-1 is [2023-04-01, 2023-06-30]: P03, P05, P06 (first, left 2023-05-15), P07, P13, P14 = 6.
#[test]
fn any_period_and_the_one_before() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    let o = bilan(&[
        "rapport",
        "--config",
        "tests/fixtures/bords/bilan.toml",
        "--debut",
        "01/04/2024",
        "--fin",
        "2024-06-30",
        "--sortie",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("indicateurs.csv")).unwrap();
    assert!(
        csv.contains("test,2024-04-01,2024-06-30,file_active,total,10,,,personnes"),
        "{csv}"
    );
    assert!(
        csv.contains("test,2023-04-01,2023-06-30,file_active,total,6,,,personnes"),
        "{csv}"
    );
    // Three months, so three monthly rows per series.
    assert_eq!(csv.matches(",entrees_par_mois,entrees:").count(), 6);
}

/// `bilan indicateurs --config` lists a site's own indicators with the built-in ones; a
/// site catalogue that names an unknown column is refused before any data is read.
#[test]
fn site_catalogue_listed_and_checked() {
    let o = bilan(&[
        "indicateurs",
        "--config",
        "tests/fixtures/site-catalogue/bilan.toml",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("S — Indicateurs du site"), "{text}");
    assert!(text.contains("entrees_par_sexe_site"), "{text}");
    assert!(text.contains("file_active"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let o = bilan(&[
        "rapport",
        "--config",
        "tests/fixtures/site-catalogue/faux/bilan.toml",
        "--annee",
        "2024",
        "--sortie",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("S-site.toml"), "{e}");
    assert!(e.contains("indicateur « sorties_site »"), "{e}");
    assert!(e.contains("« fin_dans_period » inconnu"), "{e}");
    assert!(e.contains("le plus proche : « fin_dans_periode »"), "{e}");
    assert!(
        !dir.path().join("indicateurs.csv").exists(),
        "nothing written"
    );
}

/// A period that ends before it starts is a command written wrong: exit 2, in French.
#[test]
fn a_period_backwards_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = bilan(&[
        "rapport",
        "--config",
        "tests/fixtures/bords/bilan.toml",
        "--debut",
        "02/02/2025",
        "--fin",
        "01/01/2025",
        "--sortie",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("La période est vide"), "{}", stderr(&o));
}
