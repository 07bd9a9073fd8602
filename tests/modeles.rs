//! Every template of `templates/` rendered for every kind of programme, in strict mode
//! (a name a template uses that the document lacks is an error, not an empty string),
//! and the result compiled to PDF: the fixtures `complet` (ucsd), `jeunes` (ucsd_jeunes)
//! and `nancy-test` (village and logement_abord), each copied with a team text for every
//! part of its report, so that the template of those texts is rendered too (the site's
//! page only for `nancy-test`, the one site of several programmes); then the
//! three results consolidated, for the national document's template.

mod common;

use std::path::Path;

/// The parts of the built-in catalogue (the file names of its groups).
const PARTS: [&str; 9] = [
    "activite",
    "profil",
    "accompagnement",
    "logement",
    "sante",
    "droits",
    "moyens",
    "journal",
    "qualite",
];

fn copy_with_texts(fixture: &str, site: &Path) {
    std::fs::create_dir_all(site.join("textes")).unwrap();
    for entry in std::fs::read_dir(Path::new("tests/fixtures").join(fixture)).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, site.join(path.file_name().unwrap())).unwrap();
        }
    }
    let config = std::fs::read_to_string(site.join("bilan.toml")).unwrap();
    std::fs::write(
        site.join("bilan.toml"),
        format!("textes = \"textes\"\n{config}"),
    )
    .unwrap();
    for part in PARTS {
        std::fs::write(
            site.join("textes").join(format!("{part}.md")),
            format!("Texte de l'équipe pour la partie *{part}*.\n"),
        )
        .unwrap();
    }
}

#[test]
fn every_template_for_every_kind_of_programme() {
    let national_only = "national.typ.j2";
    let results = tempfile::tempdir().unwrap();
    let templates: Vec<String> = std::fs::read_dir("templates")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for (fixture, kinds) in [
        ("complet", vec!["ACT « Un chez-soi d'abord »"]),
        ("jeunes", vec!["« Un chez-soi d'abord » Jeunes"]),
        (
            "nancy-test",
            vec!["Village de l'insertion", "Logement d'abord"],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        copy_with_texts(fixture, &site);
        let out = results.path().join(fixture);
        common::run_report_pdf(
            site.join("bilan.toml").to_str().unwrap(),
            "2025",
            "interne",
            &out,
        );
        // Printed text has curly apostrophes and no-break spaces: compare with plain ones.
        let typ = common::plain(&std::fs::read_to_string(out.join("rapport.typ")).unwrap());
        // The site's page is for a site of several programmes only.
        let several = kinds.len() > 1;
        for template in templates.iter().filter(|t| *t != national_only) {
            let expected = several || template != "site.typ.j2";
            assert_eq!(
                typ.contains(&format!("// modèle : {template}")),
                expected,
                "{fixture} : le modèle {template}"
            );
        }
        for kind in kinds {
            assert!(typ.contains(&format!("#\"{kind}\"")), "{fixture} : {kind}");
        }
        assert!(
            typ.contains("#emph[#\"activite\"]"),
            "{fixture} : team text"
        );
        let pdf = std::fs::read(out.join("rapport.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{fixture}");
    }
    let folders: Vec<_> = ["complet", "jeunes", "nancy-test"]
        .iter()
        .map(|f| results.path().join(f))
        .collect();
    let national = results.path().join("national");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    bilan::pipeline::consolidate(
        &folders,
        bilan::privacy::Audience::Interne,
        &national,
        true,
        today,
    )
    .expect("consolidation");
    let typ = common::plain(&std::fs::read_to_string(national.join("rapport.typ")).unwrap());
    for template in ["national.typ.j2", "preambule.typ.j2", "annexe.typ.j2"] {
        assert!(
            typ.contains(&format!("// modèle : {template}")),
            "{template}"
        );
    }
    for ensemble in [
        "ACT « Un chez-soi d'abord »",
        "« Un chez-soi d'abord » Jeunes",
        "Village de l'insertion",
        "Logement d'abord",
    ] {
        assert!(typ.contains(ensemble), "ensemble {ensemble}");
    }
    assert!(
        std::fs::read(national.join("rapport.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );
}
