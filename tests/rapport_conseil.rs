//! The report a board reads in ten minutes and a workbook that prints (issue 13), on the
//! fixture `tests/fixtures/complet` (ucsd, 8 places; hand computations in
//! `evaluation_complete.rs`) and on the reference sample.
//!
//! - the synthesis (issue 19) ranks its messages by how much each key figure moved:
//!   psychiatric hospital days 76 after 32 (+44, 44 / 32 = +137,5 % → « +138 % »: weight
//!   1,375); 12-month retention 2 of 3 = 66,7 % after 1 of 1 = 100 % (−33,3 points,
//!   weight 3,33, × 0,3 for a base of 3 < 20 = 1,0; 33,3 points is one person of 3, not
//!   less); occupation −8,7 points (0,87); debt at 31 December 90,60 € after 200,00 €
//!   (−109,40 €, −54,7 % → « −55 % »: 0,547); file active 9 after 6 (+3, no per cent after
//!   fewer than 10: 3 / 6 × 0,5 = 0,25); exits 3 after 0 (from zero: 0,5 × 0,5 = 0,25, after
//!   the file active in the catalogue's order); entries 3 and 3 and home visits 0,1 after a
//!   mean shown 0,0 weigh nothing. Five messages at most: hospital days, retention,
//!   occupation, debt, file active; the title is the first;
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
fn a_synthesis_page_first_that_states_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let typ = common::plain(&complet(dir.path()));
    let synthesis = typ.find("= Synthèse — ").expect("a synthesis page");
    let first_part = typ.find("== #\"Activité\"").expect("the activity part");
    assert!(
        synthesis < first_part,
        "the synthesis comes before the parts"
    );
    let page = &typ[synthesis..first_part];
    assert!(page.contains(
        "fill: bleu)[#\"Journées d'hospitalisation en psychiatrie en hausse de 138 % en 2025\"]"
    ));
    let messages: Vec<&str> = page
        .lines()
        .filter_map(|l| l.strip_prefix("- #\""))
        .collect();
    assert_eq!(messages.len(), 5, "{messages:#?}");
    assert_eq!(
        messages[0],
        "Journées d'hospitalisation en psychiatrie : 76 jours en 2025, contre 32 en 2024 (+44, soit +138 %).\""
    );
    assert_eq!(
        messages[1],
        "Maintien dans le logement à 12 mois : 66,7 % (2 sur 3) en 2025, contre 100,0 % (1 sur 1) en 2024 (−33,3 points) ; sur 3 personnes, à lire avec prudence.\""
    );
    assert!(messages[2].starts_with("Taux d'occupation : "));
    assert_eq!(
        messages[3],
        "Dette locative au 31 décembre : 90,60 € en 2025, contre 200,00 € en 2024 (−109,40 €, soit −55 %).\""
    );
    assert_eq!(
        messages[4],
        "File active : 9 personnes en 2025, contre 6 en 2024 (+3).\""
    );
    // Every key figure of an ACT is in the table, its unit in a column of its own.
    for row in [
        "[#\"File active\"], \"personnes\", \"9\", \"6\", \"+3\",",
        "[#\"Sorties\"], \"accompagnements\", \"3\", \"0\", \"+3\",",
        "[#\"Maintien dans le logement à 12 mois\" #text(size: 8pt, fill: luma(90))[(#\"base de 3 personnes\")]], \"\", \"66,7 % (2 sur 3)\", \"100,0 % (1 sur 1)\", \"−33,3 pt\",",
        "[#\"Journées d'hospitalisation en psychiatrie\"], \"jours\", \"76\", \"32\", \"+44 (+138 %)\",",
    ] {
        assert!(page.contains(row), "{row}");
    }
    assert!(
        !typ.contains("== #\"Vie du site et journal\""),
        "no journal part"
    );
    // Every page after the cover says it is the internal version; a figure not computed
    // for N-1 says so after the year (the fixture's budget is that of 2025 only).
    let header = typ.lines().find(|l| l.contains("header: context")).unwrap();
    assert!(header.contains("[version interne]"), "{header}");
    assert!(typ.contains(
        "#\"2024 : non calculé, le budget fourni est celui de la période, pas celui de l'année précédente.\""
    ));
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
