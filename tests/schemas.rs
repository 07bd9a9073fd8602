//! The layouts as Table Schema: `bilan schemas` writes one schema per table of donnees.md
//! and per CSV file of the results, built from the model; every results folder holds a
//! `datapackage.json` that describes exactly its CSV files; and frictionless validates the
//! sample input CSVs, a site's results (interne and diffusion) and a consolidation with them.
//!
//! frictionless is a Python package. `.ci/run` installs it and sets
//! `BILAN_REQUIRE_FRICTIONLESS=1`, under which its absence fails the test; run elsewhere
//! (a plain `cargo test`), the frictionless part is skipped with a note on the output.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::bilan;
use serde_json::Value;

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("lecture de {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} : {e}", path.display()))
}

fn write_schemas(dir: &Path) {
    let o = bilan(&["schemas", dir.to_str().expect("chemin")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn field<'v>(schema: &'v Value, name: &str) -> &'v Value {
    schema["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("champ {name}"))
}

/// The files, and what the model says of a few columns, written as donnees.md has them.
#[test]
fn schemas_come_from_the_model() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("schemas");
    write_schemas(&dir);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("dossier")
        .map(|e| {
            e.expect("entrée")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    // The 12 tables of donnees.md and the 3 CSV files of the results.
    let expected = [
        "accompagnements",
        "budget",
        "detail",
        "effectifs",
        "hospitalisations",
        "incidents",
        "indicateurs",
        "interventions",
        "journal",
        "logements",
        "occupations",
        "personnes",
        "quittancement",
        "reperes",
        "situations",
    ]
    .map(|n| format!("{n}.schema.json"));
    assert_eq!(names, expected);

    let personnes = json(&dir.join("personnes.schema.json"));
    let columns: Vec<&str> = personnes["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    // donnees.md, « personnes », in its order (annee_naissance after date_naissance).
    assert_eq!(
        columns,
        [
            "id_personne",
            "date_naissance",
            "annee_naissance",
            "sexe",
            "nationalite",
            "situation_avant_entree",
            "duree_sans_logement_mois",
            "diagnostic_principal",
            "addiction",
            "orienteur",
            "date_commission",
            "parcours_ase",
        ]
    );
    assert_eq!(personnes["primaryKey"], serde_json::json!(["id_personne"]));
    let sexe = field(&personnes, "sexe");
    assert_eq!(sexe["title"], "Sexe");
    assert_eq!(sexe["type"], "string");
    assert_eq!(sexe["constraints"]["required"], true);
    assert_eq!(
        sexe["constraints"]["enum"],
        serde_json::json!(["F", "H", "X"])
    );
    assert!(
        sexe["description"]
            .as_str()
            .expect("description")
            .contains("F (Femme), H (Homme), X (Autre)")
    );
    // Required unless annee_naissance is filled: not required as such, and said.
    let naissance = field(&personnes, "date_naissance");
    assert_eq!(naissance["type"], "date");
    assert_eq!(naissance["format"], "default");
    assert_eq!(naissance["constraints"]["required"], false);
    // Printed in French typography (no-break spaces inside « »): compared plain.
    assert!(
        common::plain(naissance["description"].as_str().expect("description"))
            .contains("Obligatoire quand « annee_naissance » est vide.")
    );

    // occupations: → logements and → personnes; its id_occupation, optional, is unique.
    let occupations = json(&dir.join("occupations.schema.json"));
    assert_eq!(
        occupations["foreignKeys"],
        serde_json::json!([
            {"fields": "id_personne", "reference": {"resource": "personnes", "fields": "id_personne"}},
            {"fields": "id_logement", "reference": {"resource": "logements", "fields": "id_logement"}},
        ])
    );
    assert_eq!(
        occupations["primaryKey"],
        serde_json::json!(["id_occupation"])
    );
    let motif = field(&occupations, "motif_fin");
    assert_eq!(motif["constraints"]["required"], false);
    assert_eq!(
        motif["constraints"]["enum"].as_array().map(Vec::len),
        Some(6),
        "relogement_dispositif, fin_accompagnement, expulsion, deces, abandon, autre"
    );
    let quittancement = json(&dir.join("quittancement.schema.json"));
    assert_eq!(
        quittancement["primaryKey"],
        serde_json::json!(["id_personne", "mois"])
    );
    // A list of métiers is a pattern over the codes, not an enum.
    let interventions = json(&dir.join("interventions.schema.json"));
    let metiers = field(&interventions, "metiers");
    assert!(metiers["constraints"]["enum"].is_null());
    assert!(
        metiers["constraints"]["pattern"]
            .as_str()
            .expect("pattern")
            .starts_with("(infirmier|travailleur_social|")
    );
    // personnes has no foreign key; budget no key at all.
    assert!(personnes["foreignKeys"].is_null());
    let budget = json(&dir.join("budget.schema.json"));
    assert!(budget["primaryKey"].is_null() && budget["foreignKeys"].is_null());
    let indicateurs = json(&dir.join("indicateurs.schema.json"));
    assert_eq!(field(&indicateurs, "valeur")["type"], "number");
    assert_eq!(
        indicateurs["primaryKey"],
        serde_json::json!([
            "dispositif",
            "periode_debut",
            "periode_fin",
            "indicateur",
            "modalite"
        ])
    );
}

/// A file that exists is named and left alone; --remplacer replaces it.
#[test]
fn existing_schemas_are_replaced_only_when_asked() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path();
    std::fs::write(dir.join("budget.schema.json"), "à moi").expect("écrit");
    let o = bilan(&["schemas", dir.to_str().expect("chemin")]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("budget.schema.json » existe déjà") && stderr.contains("--remplacer"),
        "{stderr}"
    );
    // Nothing was written: every target is checked first.
    assert!(!dir.join("personnes.schema.json").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("budget.schema.json")).expect("lu"),
        "à moi"
    );
    let o = bilan(&["schemas", dir.to_str().expect("chemin"), "--remplacer"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(json(&dir.join("budget.schema.json"))["fields"].is_array());
}

/// The CSV files a datapackage.json describes, with their bytes and fingerprints checked
/// against the files beside it.
fn described(folder: &Path) -> Vec<String> {
    let package = json(&folder.join("datapackage.json"));
    assert_eq!(package["profile"], "tabular-data-package");
    package["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            let path = r["path"].as_str().expect("path");
            let bytes = std::fs::read(folder.join(path)).expect("le fichier décrit existe");
            assert_eq!(r["bytes"], bytes.len(), "{path}");
            let sha = format!("sha256:{}", bilan::digest::sha256(&bytes));
            assert_eq!(r["hash"], sha, "{path}");
            // The dialect the writers use: `,`, `"`, one LF per line, UTF-8 (output/csv.rs).
            assert_eq!(r["dialect"]["delimiter"], ",");
            assert_eq!(r["dialect"]["lineTerminator"], "\n");
            assert_eq!(r["encoding"], "utf-8");
            path.to_string()
        })
        .collect()
}

fn csv_files(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("dossier")
        .map(|e| {
            e.expect("entrée")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

/// The sample site's results in both audiences and their consolidation with the HOPE-GLA
/// site (diffusion, so that masks and benchmarks are in it): each datapackage.json lists
/// exactly the CSV files of its folder (detail.csv in interne only), is the same bytes on a
/// second run, and frictionless finds every file valid, as it does the sample inputs.
#[test]
fn results_and_inputs_validate() {
    let root = tempfile::tempdir().expect("tempdir");
    let folder = |name: &str| root.path().join(name);
    common::run_report(
        "sample-data/reference/bilan.toml",
        "2025",
        "interne",
        &folder("interne"),
    );
    common::run_report(
        "sample-data/reference/bilan.toml",
        "2025",
        "diffusion",
        &folder("diffusion"),
    );
    common::run_report(
        "sample-data/hope-gla/bilan.toml",
        "2025",
        "interne",
        &folder("hope-gla"),
    );
    let today = chrono::Local::now().date_naive();
    bilan::pipeline::consolidate(
        &[folder("interne"), folder("hope-gla")],
        bilan::privacy::Audience::Diffusion,
        &folder("national"),
        false,
        today,
    )
    .expect("consolidation");

    let mut interne = described(&folder("interne"));
    interne.sort();
    assert_eq!(interne, ["detail.csv", "indicateurs.csv"]);
    assert_eq!(csv_files(&folder("interne")), interne);
    assert_eq!(described(&folder("diffusion")), ["indicateurs.csv"]);
    assert_eq!(csv_files(&folder("diffusion")), ["indicateurs.csv"]);
    let mut national = described(&folder("national"));
    national.sort();
    assert_eq!(national, ["indicateurs.csv", "reperes.csv"]);
    assert_eq!(csv_files(&folder("national")), national);

    // The sample's threshold is 5: its diffusion masks are « < 5 » and « masqué », declared
    // as missing values beside the empty cell, in the order the file first holds them.
    let diffusion = json(&folder("diffusion").join("datapackage.json"));
    let text = std::fs::read_to_string(folder("diffusion").join("indicateurs.csv")).expect("lu");
    let mut expected = vec![("", 0)];
    for mask in ["< 5", "masqué"] {
        if let Some(at) = text.find(&format!(",{mask},")) {
            expected.push((mask, at));
        }
    }
    expected.sort_by_key(|(_, at)| *at);
    let expected: Vec<&str> = expected.into_iter().map(|(m, _)| m).collect();
    assert!(
        expected.contains(&"< 5"),
        "the sample's diffusion masks some count"
    );
    assert_eq!(
        diffusion["resources"][0]["schema"]["missingValues"],
        serde_json::json!(expected)
    );

    // Same inputs, same bytes.
    let first = std::fs::read(folder("diffusion").join("datapackage.json")).expect("lu");
    common::run_report(
        "sample-data/reference/bilan.toml",
        "2025",
        "diffusion",
        &folder("diffusion"),
    );
    assert_eq!(
        std::fs::read(folder("diffusion").join("datapackage.json")).expect("lu"),
        first
    );

    let schemas = folder("schemas");
    write_schemas(&schemas);
    let mut args: Vec<PathBuf> = vec![
        PathBuf::from("tests/fixtures/schemas/valider.py"),
        schemas,
        PathBuf::from("sample-data/reference"),
    ];
    args.extend(["interne", "diffusion", "national"].map(folder));
    let o = Command::new("python3")
        .args(&args)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    match o.status.code() {
        Some(0) => {}
        Some(3) if std::env::var_os("BILAN_REQUIRE_FRICTIONLESS").is_none() => {
            // Written past the test harness's capture, so that a plain `cargo test` shows it.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "Note : frictionless absent, validation des schémas non faite ({}).",
                stdout.trim()
            );
        }
        _ => panic!(
            "frictionless : {stdout}\n{}",
            String::from_utf8_lossy(&o.stderr)
        ),
    }
}
