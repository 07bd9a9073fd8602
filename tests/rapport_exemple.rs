//! `bilan rapport` on the bundled sample site, made in-process through the library
//! (`common::run_report`): the three outputs exist and agree with figures recomputed here,
//! independently, from the sample's own files. And `bilan exemple`, the newcomer's first
//! command, run as a process: the binary itself, as the newcomer types it.

mod common;

use std::collections::BTreeSet;

use calamine::{Reader, open_workbook_auto};

/// File active of 2025 counted straight from accompagnements.csv: distinct persons with
/// a follow-up whose entry is ≤ 2025-12-31 and whose exit is empty or ≥ 2025-01-01.
fn file_active_2025() -> usize {
    let mut reader = csv::Reader::from_path("sample-data/reference/accompagnements.csv").unwrap();
    let mut persons = BTreeSet::new();
    for row in reader.records() {
        let row = row.unwrap();
        let (entree, sortie) = (&row[1], &row[2]);
        if entree <= "2025-12-31" && (sortie.is_empty() || sortie >= "2025-01-01") {
            persons.insert(row[0].to_string());
        }
    }
    persons.len()
}

#[test]
fn sample_report_writes_three_consistent_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rapport");
    common::run_report("sample-data/reference/bilan.toml", "2025", "interne", &out);

    let fa = file_active_2025();
    let csv = std::fs::read_to_string(out.join("indicateurs.csv")).unwrap();
    assert!(csv.starts_with(
        "dispositif,periode_debut,periode_fin,indicateur,modalite,valeur,numerateur,denominateur,unite,base\n"
    ));
    // In `interne`, a count's base is its own value.
    let line = format!("ucsd_lille,2025-01-01,2025-12-31,file_active,total,{fa},,,personnes,{fa}");
    assert!(csv.contains(&line), "expected {line}");
    assert!(csv.contains("ucsd_lille,2024-01-01,2024-12-31,file_active,total,"));

    let mut workbook = open_workbook_auto(out.join("tableaux.xlsx")).unwrap();
    let names = workbook.sheet_names();
    for expected in [
        "Activité",
        "Profil des personnes",
        "Qualité des données",
        "Définitions",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "sheet {expected} in {names:?}"
        );
    }
    let activity = workbook.worksheet_range("Activité").unwrap();
    let found = activity.rows().any(|r| {
        r.first().is_some_and(|c| *c == "Total")
            && r.get(2).is_some_and(|c| c.to_string() == fa.to_string())
    });
    assert!(found, "the file active {fa} is in the activity sheet");

    let typ = std::fs::read_to_string(out.join("rapport.typ")).unwrap();
    assert!(typ.contains("Association Horizon"));
    assert!(typ.contains("\"File active\""));
    // Names of the (fictitious) persons never reach an output.
    for output in [&csv, &typ] {
        assert!(!output.contains("-Fictif"));
    }
}

#[test]
fn exemple_runs_on_the_embedded_sample() {
    let dir = tempfile::tempdir().unwrap();
    let o = common::bilan(&[
        std::ffi::OsStr::new("exemple"),
        "--sortie".as_ref(),
        dir.path().as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in ["indicateurs.csv", "tableaux.xlsx", "rapport.typ"] {
        assert!(
            dir.path().join(file).metadata().unwrap().len() > 0,
            "{file}"
        );
    }
}
