//! The report a board reads in ten minutes and a workbook that prints (issue 13), on the
//! fixture `tests/fixtures/complet` (ucsd, 8 places; hand computations in
//! `evaluation_complete.rs`) and on the reference sample.
//!
//! - file active: 9 persons in 2025, 6 in 2024 → the synthesis sentence « File active :
//!   9 personnes en 2025, en hausse de 3 personnes par rapport à 2024 (6). »;
//! - 12-month housing retention 2025: 2 maintained of a cohort of 3 → « 66,7 % (2 / 3) »,
//!   the rate with its terms (narrow no-break space before %);
//! - the fixture keeps no journal: its part « Vie du site et journal » is left out.

mod common;

use std::io::Read;
use std::path::Path;

const NNBSP: char = '\u{202f}';

fn complet(dir: &Path) -> String {
    common::run_report("tests/fixtures/complet/bilan.toml", "2025", "interne", dir);
    std::fs::read_to_string(dir.join("rapport.typ")).unwrap()
}

#[test]
fn a_synthesis_page_first_with_a_sentence_per_key_figure() {
    let dir = tempfile::tempdir().unwrap();
    let typ = complet(dir.path());
    let synthesis = typ.find("= Synthèse — ").expect("a synthesis page");
    let first_part = typ.find("== #\"Activité\"").expect("the activity part");
    assert!(
        synthesis < first_part,
        "the synthesis comes before the parts"
    );
    assert!(typ.contains(
        "File active : 9 personnes en 2025, en hausse de 3 personnes par rapport à 2024 (6)."
    ));
    assert!(
        !typ.contains("== #\"Vie du site et journal\""),
        "no journal part"
    );
}

#[test]
fn rates_show_their_terms_and_no_negative_zero() {
    let dir = tempfile::tempdir().unwrap();
    let typ = complet(dir.path());
    assert!(
        typ.contains(&format!("\"66,7{NNBSP}% (2 / 3)\"")),
        "retention with its terms"
    );
    for sample in ["reference", "hope-gla", "nancy"] {
        let out = dir.path().join(sample);
        common::run_report(
            &format!("sample-data/{sample}/bilan.toml"),
            "2025",
            "interne",
            &out,
        );
        let typ = std::fs::read_to_string(out.join("rapport.typ")).unwrap();
        assert!(!typ.contains("−0,0"), "{sample}: a negative zero");
        assert!(!typ.contains("-0,0"), "{sample}: a negative zero");
    }
}

/// The whole report of the reference sample, annex included, fits in 20 pages.
#[test]
fn the_sample_report_fits_in_twenty_pages() {
    let dir = tempfile::tempdir().unwrap();
    common::run_report(
        "sample-data/reference/bilan.toml",
        "2025",
        "interne",
        dir.path(),
    );
    let typ = std::fs::read_to_string(dir.path().join("rapport.typ")).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    let pdf = bilan::pdf::compile(&typ, today).expect("the PDF");
    assert!(pdf.pages <= 20, "{} pages", pdf.pages);
}

/// The print settings of the workbook, read in its XML: A4 (paper size 9), one page wide
/// (`fitToWidth` 1 and `fitToHeight` 0 with `fitToPage`), landscape for the groups' sheets,
/// frozen panes, print titles, autofilters on the long sheets, and a « Données » sheet.
#[test]
fn the_workbook_prints_and_browses() {
    let dir = tempfile::tempdir().unwrap();
    complet(dir.path());
    let file = std::fs::File::open(dir.path().join("tableaux.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("{name}"))
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let workbook = read("xl/workbook.xml");
    assert!(workbook.contains("_xlnm.Print_Titles"), "print titles");
    assert!(workbook.contains("name=\"Données\""), "the data sheet");
    let sheets: Vec<String> = (1..=workbook.matches("<sheet ").count())
        .map(|i| read(&format!("xl/worksheets/sheet{i}.xml")))
        .collect();
    for (i, sheet) in sheets.iter().enumerate() {
        assert!(sheet.contains("paperSize=\"9\""), "sheet {} on A4", i + 1);
        assert!(
            sheet.contains("fitToPage=\"1\""),
            "sheet {} fit to page",
            i + 1
        );
        assert!(
            sheet.contains("fitToHeight=\"0\""),
            "sheet {} one page wide",
            i + 1
        );
    }
    // The second sheet is « Activité »: landscape, frozen titles and first column.
    assert!(sheets[1].contains("orientation=\"landscape\""));
    assert!(sheets[1].contains("<pane "), "frozen panes");
    let filtered = sheets.iter().filter(|s| s.contains("<autoFilter ")).count();
    // Quality findings, definitions, detail of the cells, data.
    assert!(filtered >= 3, "{filtered} sheets with an autofilter");
}
