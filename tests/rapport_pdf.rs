//! The report a director presents: Typst markup with French typography, compiled to PDF
//! in-process (the masking of its `diffusion` version is checked in `evaluation_complete.rs`,
//! on that binary's diffusion run).
//!
//! Fixture `tests/fixtures/complet/` (hand computations in `evaluation_complete.rs`):
//! 2025 file active = 9 persons; 12-month housing retention = 2 maintained ÷ 3 in the
//! cohort = 66.666…%, written « 66,7 % » with a narrow no-break space.

mod common;

const CONFIG: &str = "tests/fixtures/complet/bilan.toml";
const NNBSP: char = '\u{202f}';

#[test]
fn report_compiles_to_pdf_with_french_figures() {
    let dir = tempfile::tempdir().unwrap();
    common::run_report_pdf(CONFIG, "2025", "interne", dir.path());
    let pdf = std::fs::read(dir.path().join("rapport.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF file");
    assert!(
        pdf.len() > 20_000,
        "a document of several pages, not an empty page"
    );

    let typ = std::fs::read_to_string(dir.path().join("rapport.typ")).unwrap();
    // The key figures table: label, unit, then N as text.
    assert!(
        typ.contains("[#\"File active\"], \"personnes\", \"9\","),
        "file active in the key figures"
    );
    assert!(
        typ.contains(&format!("\"66,7{NNBSP}%\"")),
        "retention rate the French way"
    );
    assert!(
        typ.contains("\"31 décembre 2025\"") || typ.contains("31 décembre 2025"),
        "dates in words"
    );
    for section in [
        "Activité",
        "Profil des personnes",
        "Accompagnement",
        "Logement",
        "Santé",
        "Droits et ressources",
        "Moyens",
        "Qualité des données",
    ] {
        assert!(
            typ.contains(&format!("== #\"{section}\"")),
            "section {section}"
        );
    }
    assert!(typ.contains("Annexe : définitions des indicateurs"));
}

/// The team's own words, one Markdown file per section, open the matching section; a
/// section without a file gets none, and a missing folder entry is no error.
#[test]
fn coordinator_texts_head_their_sections() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("textes")).unwrap();
    for entry in std::fs::read_dir("tests/fixtures/complet").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, site.join(path.file_name().unwrap())).unwrap();
    }
    let config = std::fs::read_to_string(site.join("bilan.toml")).unwrap();
    std::fs::write(
        site.join("bilan.toml"),
        config.replacen("\n", "\ntextes = \"textes\"\n", 1),
    )
    .unwrap();
    std::fs::write(
        site.join("textes/logement.md"),
        "L'année a été marquée par *deux relogements* et un #glissement de bail.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let config = site.join("bilan.toml");
    common::run_report_pdf(config.to_str().unwrap(), "2025", "interne", &out);
    let typ = std::fs::read_to_string(out.join("rapport.typ")).unwrap();
    let logement = typ.find("== #\"Logement\"").unwrap();
    let words = typ
        .find("#emph[#\"deux relogements\"]")
        .expect("the emphasis became Typst");
    let next_section = typ[logement + 1..].find("== #").unwrap() + logement + 1;
    assert!(
        logement < words && words < next_section,
        "the text heads the housing section"
    );
    // The `#` of the text is a character, not Typst code.
    assert!(typ.contains("#\" et un #glissement de bail.\""));
    assert!(out.join("rapport.pdf").exists());
}
