//! The report a director presents: Typst markup with French typography, compiled to PDF
//! in-process, and its `diffusion` version with small counts masked.
//!
//! Fixture `tests/fixtures/complet/` (hand computations in `evaluation_complete.rs`):
//! 2025 file active = 9 persons; 12-month housing retention = 2 maintained ÷ 3 in the
//! cohort = 66.666…%, written « 66,7 % » with a narrow no-break space; housing access = 3
//! persons, a count under the threshold 5.

mod common;

use std::path::Path;

const NNBSP: char = '\u{202f}';

/// The fixture's 2025 report into `out`, for an audience, with the PDF when asked.
fn run(audience: &str, pdf: bool, out: &Path) {
    common::report(
        Path::new("tests/fixtures/complet/bilan.toml"),
        "2025",
        audience,
        out,
        pdf,
    );
}

#[test]
fn report_compiles_to_pdf_with_french_figures() {
    let dir = tempfile::tempdir().unwrap();
    run("interne", true, dir.path());
    let pdf = std::fs::read(dir.path().join("rapport.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF file");
    assert!(
        pdf.len() > 20_000,
        "a document of several pages, not an empty page"
    );

    let typ = std::fs::read_to_string(dir.path().join("rapport.typ")).unwrap();
    // The key figures table: label, then N as text.
    assert!(
        typ.contains("\"File active\", \"9\","),
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

#[test]
fn diffusion_masks_small_counts_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    run("diffusion", false, dir.path());
    let csv = std::fs::read_to_string(dir.path().join("indicateurs.csv")).unwrap();
    assert!(
        csv.contains("complet,2025-01-01,2025-12-31,acces_logement,total,< 5,,,personnes"),
        "{csv}"
    );
    // A rate whose terms (2 persons maintained out of 3 in the cohort) are masked is
    // masked too.
    assert!(
        csv.contains("maintien_logement_12m,total,masqué,< 5,< 5,%"),
        "{csv}"
    );
    let typ = std::fs::read_to_string(dir.path().join("rapport.typ")).unwrap();
    assert!(typ.contains("\"< 5\""));
    assert!(typ.contains("seuil de confidentialité 5"));
    assert!(!dir.path().join("detail.csv").exists());
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
    common::report(&site.join("bilan.toml"), "2025", "interne", &out, true);
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
