//! The body of the report reads as a table of findings (issue 19, point 3), on the fixture
//! `tests/fixtures/complet` (ucsd, 8 places; hand computations in `evaluation_complete.rs`):
//!
//! - the single figures of a part are one table: the activity part's has « Places
//!   autorisées » 8 and 8 (the configuration's places, unchanged) and « File active » 9
//!   in 2025 after 6 in 2024;
//! - a breakdown « à l'entrée » is a second column of the same rows: `ressource_principale`
//!   2025, « Contrat d'engagement jeune » PZ07 = 1 now, 0 at entry (PZ07's only situation,
//!   of 15 December 2025, is outside its entry window); in 2024 nobody had it (the row is
//!   dated 2025), so 0 and 0;
//! - the youth contract concerns the youth programme: in this adult programme's report
//!   for 2024 (2024 and 2023: no situation `cej` at all) its rows are left out, while in
//!   2025 (PZ07 has it) they are kept;
//! - the data-quality findings are printed in words, never as codes;
//! - the annex defines only what the report shows: the fixture keeps no journal, so
//!   `journal_par_categorie` is not defined there, `file_active` is.

mod common;

use std::path::Path;

fn body(year: &str, dir: &Path) -> String {
    common::run_report("tests/fixtures/complet/bilan.toml", year, "interne", dir);
    common::plain(&std::fs::read_to_string(dir.join("rapport.typ")).unwrap())
}

/// The text after `heading` up to the next heading of the same level or above.
fn part<'t>(typ: &'t str, heading: &str) -> &'t str {
    let start = typ
        .find(heading)
        .unwrap_or_else(|| panic!("no « {heading} »"));
    let rest = &typ[start + heading.len()..];
    let end = rest.find("\n=== ").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn single_figures_gathered_and_entry_as_a_column() {
    let dir = tempfile::tempdir().unwrap();
    let typ = body("2025", dir.path());
    let activity = &typ[typ.find("== #\"Activité\"").unwrap()..];
    let singles = part(activity, "=== Chiffres de la partie");
    assert!(
        singles.contains("\"Places autorisées\", \"places\", \"8\", \"8\","),
        "{singles}"
    );
    assert!(
        singles.contains("\"File active\", \"personnes\", \"9\", \"6\","),
        "{singles}"
    );
    // File active has no table of its own any more.
    assert!(!activity.contains("=== #\"File active\""));

    let resources = part(&typ, "=== #\"Ressource principale\"");
    assert!(
        resources.contains("[#\"2025 à l'entrée\"]")
            && resources.contains("[#\"2024 à l'entrée\"]"),
        "{resources}"
    );
    assert!(
        resources.contains("\"Contrat d'engagement jeune\", \"1\", \"0\", \"0\", \"0\","),
        "{resources}"
    );
    assert!(resources.contains("Unité : personnes"), "{resources}");
    // No row of its own for the entry modalités.
    assert!(!resources.contains("À l'entrée —"), "{resources}");

    let quality = &typ[typ.find("== #\"Qualité des données\"").unwrap()..];
    assert!(
        quality.contains("\"Valeur obligatoire manquante\""),
        "quality"
    );
    assert!(!quality.contains("Valeur_manquante"), "quality");

    let annex = &typ[typ.find("= Annexe").unwrap()..];
    assert!(annex.contains("#\"file_active\""));
    assert!(!annex.contains("#\"journal_par_categorie\""));
}

#[test]
fn a_youth_code_nobody_has_is_no_row_of_an_adult_programme() {
    let dir = tempfile::tempdir().unwrap();
    let typ = body("2024", dir.path());
    let rights = &typ[typ.find("== #\"Droits et ressources\"").unwrap()..];
    assert!(
        !rights.contains("Contrat d'engagement jeune"),
        "{}",
        part(rights, "=== #\"Ressource principale\"")
    );
    // The other codes of the list stay, zero or not.
    assert!(part(rights, "=== #\"Ressource principale\"").contains("\"Pension de retraite\""));
}

/// A site of several programmes has its own page first, on `tests/fixtures/nancy-test`:
/// PN03 leaves the Village on 15 April 2025 and enters the Logement d'abord the next day,
/// the only move (PN02, PN07 and PN08 leave without entering the other programme) → 1
/// in 2025, 0 in 2024; in diffusion the 1 is a count of persons below 5: « < 5 ». The
/// file active of the Village in 2025: PN01, PN02, PN03, PN04 (PN07 left in 2024) = 4;
/// in 2024: PN01, PN02, PN07, PN03 = 4. A site of one programme has no such page.
#[test]
fn a_site_page_with_the_moves_between_its_programmes() {
    let dir = tempfile::tempdir().unwrap();
    let config = "tests/fixtures/nancy-test/bilan.toml";
    common::run_report(config, "2025", "interne", dir.path());
    let typ = common::plain(&std::fs::read_to_string(dir.path().join("rapport.typ")).unwrap());
    let site = &typ[typ
        .find("= Le site — #\"Site de test Nancy\"")
        .expect("a site page")..];
    let site = &site[..site.find("= Synthèse").unwrap()];
    assert!(site.contains("\"File active\", \"4\", \"4\","), "{site}");
    assert!(
        site.contains("\"Village de test\", \"Logement d'abord de test\", \"1\", \"0\","),
        "{site}"
    );
    assert!(!site.contains("\"Logement d'abord de test\", \"Village de test\""));

    let dir = tempfile::tempdir().unwrap();
    common::run_report(config, "2025", "diffusion", dir.path());
    let typ = common::plain(&std::fs::read_to_string(dir.path().join("rapport.typ")).unwrap());
    assert!(
        typ.contains("\"Village de test\", \"Logement d'abord de test\", \"< 5\", \"0\","),
        "diffusion"
    );

    let dir = tempfile::tempdir().unwrap();
    assert!(!body("2025", dir.path()).contains("= Le site —"));
}
