//! The workbook as Calc and Excel read it, in its XML: how figures are stored (a rate as
//! a fraction under a % format, a count under an integer format), the masks of
//! `diffusion` in « Données », the print area of the identifiers, and each sheet titled
//! with its own programme. Fixtures: `tests/fixtures/bords/` (one programme, 2024) and
//! `tests/fixtures/nancy-test/` (two programmes, 2025).

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

const BORDS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/bords/bilan.toml"
);
const NANCY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/nancy-test/bilan.toml"
);

/// Excel's serial number of 2024-01-01: 45 292 days after 1899-12-30.
const SERIAL_2024_01_01: &str = "45292";

/// The parts of a workbook, by name.
struct Xml(BTreeMap<String, String>);

impl Xml {
    fn read(path: &Path) -> Xml {
        let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut zip = zip::ZipArchive::new(file).expect("un classeur zip");
        let mut parts = BTreeMap::new();
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            let name = part.name().expect("nom de partie").to_string();
            parts.insert(name, text);
        }
        Xml(parts)
    }

    fn part(&self, name: &str) -> &str {
        self.0
            .get(name)
            .unwrap_or_else(|| panic!("partie {name} absente"))
    }

    /// The sheet names in order: `sheetN.xml` is the N-th.
    fn sheet_names(&self) -> Vec<String> {
        let workbook = self.part("xl/workbook.xml");
        workbook
            .split("<sheet ")
            .skip(1)
            .map(|s| unescape(attribute(&format!(" {s}"), "name").expect("nom de feuille")))
            .collect()
    }

    fn sheet(&self, name: &str) -> &str {
        let i = self
            .sheet_names()
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("feuille {name} absente de {:?}", self.sheet_names()));
        self.part(&format!("xl/worksheets/sheet{}.xml", i + 1))
    }

    fn shared_strings(&self) -> Vec<String> {
        self.part("xl/sharedStrings.xml")
            .split("<si>")
            .skip(1)
            .map(|si| {
                let t = si.split("</si>").next().unwrap_or("");
                let start = t.find('>').map_or(0, |i| i + 1);
                unescape(t[start..].trim_end_matches("</t>"))
            })
            .collect()
    }

    /// The number format of the style `index` of `xl/styles.xml`.
    fn format_code(&self, index: usize) -> String {
        let styles = self.part("xl/styles.xml");
        let xfs = styles.split("<cellXfs").nth(1).expect("cellXfs");
        let xf = xfs
            .split("<xf ")
            .nth(index + 1)
            .expect("style de la cellule");
        let xf = format!(" {xf}");
        let id = attribute(&xf, "numFmtId").expect("numFmtId");
        match id {
            "0" => "General".to_string(),
            "14" => "date".to_string(),
            _ => {
                let at = styles
                    .find(&format!("numFmtId=\"{id}\" formatCode=\""))
                    .unwrap_or_else(|| panic!("format {id}"));
                let rest = &styles[at..];
                unescape(attribute(rest, "formatCode").expect("formatCode"))
            }
        }
    }
}

/// The value of `name="…"` in `text`, the first one.
fn attribute<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let start = text.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = text[start..].find('"')? + start;
    Some(&text[start..end])
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A cell as written: its style, its type (`s` for a shared string) and its value.
#[derive(Debug)]
struct Cell {
    style: usize,
    kind: Option<String>,
    value: String,
}

/// The cells of a sheet's XML by reference (`J5`), strings resolved.
fn cells(sheet: &str, strings: &[String]) -> BTreeMap<String, Cell> {
    let mut found = BTreeMap::new();
    for c in sheet.split("<c ").skip(1) {
        // The split took the space before the first attribute.
        let head = format!(" {}", c.split('>').next().unwrap_or(""));
        let head = head.as_str();
        let reference = attribute(head, "r").expect("r").to_string();
        let style = attribute(head, "s").map_or(0, |s| s.parse().unwrap());
        let kind = attribute(head, "t").map(str::to_string);
        let raw = c
            .split("<v>")
            .nth(1)
            .and_then(|v| v.split("</v>").next())
            .unwrap_or("")
            .to_string();
        let value = match kind.as_deref() {
            Some("s") => strings[raw.parse::<usize>().unwrap()].clone(),
            _ => raw,
        };
        found.insert(reference, Cell { style, kind, value });
    }
    found
}

/// The rows of a sheet: row number → column letter → cell.
fn rows(cells: &BTreeMap<String, Cell>) -> BTreeMap<u32, BTreeMap<String, &Cell>> {
    let mut rows: BTreeMap<u32, BTreeMap<String, &Cell>> = BTreeMap::new();
    for (reference, cell) in cells {
        let split = reference.find(|c: char| c.is_ascii_digit()).unwrap();
        let (column, row) = reference.split_at(split);
        rows.entry(row.parse().unwrap())
            .or_default()
            .insert(column.to_string(), cell);
    }
    rows
}

/// The row of « Données » of an indicator's modalité in the period starting on the
/// Excel day `start`.
fn data_row<'c>(
    rows: &'c BTreeMap<u32, BTreeMap<String, &'c Cell>>,
    indicator: &str,
    modality: &str,
    start: &str,
) -> &'c BTreeMap<String, &'c Cell> {
    let text = |r: &BTreeMap<String, &Cell>, c: &str| r.get(c).map(|c| c.value.clone());
    rows.values()
        .find(|r| {
            text(r, "F").as_deref() == Some(indicator)
                && text(r, "H").as_deref() == Some(modality)
                && text(r, "C").as_deref() == Some(start)
        })
        .unwrap_or_else(|| panic!("ligne {indicator} {modality} {start} absente de « Données »"))
}

fn run(config: &str, year: &str, audience: &str) -> (tempfile::TempDir, Xml) {
    let dir = tempfile::tempdir().unwrap();
    common::run_report(config, year, audience, dir.path());
    let xml = Xml::read(&dir.path().join("tableaux.xlsx"));
    (dir, xml)
}

/// `taux_occupation` 2024 of the fixture `bords`: 2 899 days followed over 10 places ×
/// 366 days = 3 660 (computed by hand in tests/activite_profil.rs), 79,2 %: stored as the
/// fraction 2 899 / 3 660 = 0.79207…, under a « 0.0 % » format, in « Données » and in
/// the group's sheet. `file_active` 2024 is 13 persons (same file): stored as 13 under an
/// integer format; the dates are dates, not text.
#[test]
fn rates_stored_as_fractions_counts_as_integers() {
    let (_dir, xml) = run(BORDS, "2024", "interne");
    let strings = xml.shared_strings();
    let data = cells(xml.sheet("Données"), &strings);
    let data_rows = rows(&data);
    let header: Vec<&str> = data_rows[&1].values().map(|c| c.value.as_str()).collect();
    assert_eq!(
        header,
        [
            "Dispositif",
            "Code du dispositif",
            "Début",
            "Fin",
            "Indicateur",
            "Code de l’indicateur",
            "Modalité",
            "Code de la modalité",
            "Mois",
            "Valeur",
            "Masque",
            "Numérateur",
            "Dénominateur",
            "Unité",
            "Base"
        ]
    );
    let rate = data_row(&data_rows, "taux_occupation", "total", SERIAL_2024_01_01);
    let value: f64 = rate["J"].value.parse().unwrap();
    assert!((value - 2899.0 / 3660.0).abs() < 1e-9, "{value}");
    assert_eq!(xml.format_code(rate["J"].style), "0.0 %");
    assert_eq!(rate["L"].value, "2899");
    assert_eq!(rate["M"].value, "3660");
    assert!(
        rate["C"].kind.is_none(),
        "une date est un nombre, pas un texte"
    );
    assert_eq!(xml.format_code(rate["C"].style), "dd/mm/yyyy");
    let count = data_row(&data_rows, "file_active", "total", SERIAL_2024_01_01);
    assert_eq!(count["J"].value, "13");
    assert_eq!(xml.format_code(count["J"].style), "#,##0");

    // The group's sheet: the same fraction in the column of 2024, beside its label.
    let activity = cells(xml.sheet("Activité"), &strings);
    let fraction = activity
        .values()
        .find(|c| {
            c.value
                .parse::<f64>()
                .is_ok_and(|v| (v - 2899.0 / 3660.0).abs() < 1e-9)
        })
        .expect("le taux d'occupation 2024 dans la feuille Activité");
    assert_eq!(xml.format_code(fraction.style), "0.0 %");
    assert!(
        !activity.values().any(|c| c
            .value
            .parse::<f64>()
            .is_ok_and(|v| (v - 2899.0 / 36.6).abs() < 1e-6)),
        "le taux n'est plus écrit comme 79,2"
    );
}

/// In `diffusion` « Données » has no `Base` column; a masked count has its mask in
/// « Masque » and nothing at all in « Valeur »: no cell, so no number to read behind
/// the mask.
#[test]
fn masks_in_their_own_column_value_left_empty() {
    let (_dir, xml) = run(BORDS, "2024", "diffusion");
    let strings = xml.shared_strings();
    let data = cells(xml.sheet("Données"), &strings);
    let data_rows = rows(&data);
    assert_eq!(data_rows[&1].len(), 14, "pas de colonne Base en diffusion");
    let masked: Vec<_> = data_rows
        .values()
        .skip(1)
        .filter(|r| {
            r.get("K")
                .is_some_and(|c| c.value == "< 5" || c.value == "masqué")
        })
        .collect();
    assert!(!masked.is_empty(), "des effectifs masqués dans la fixture");
    for r in &masked {
        assert!(!r.contains_key("J"), "valeur écrite sous un masque : {r:?}");
        assert!(
            !r.contains_key("L") && !r.contains_key("M"),
            "terme écrit sous un masque : {r:?}"
        );
    }
    // Every other row with a value: a number, never a mask's text.
    for r in data_rows.values().skip(1) {
        if let Some(v) = r.get("J") {
            assert!(v.kind.is_none(), "valeur non numérique : {r:?}");
        }
    }
    // No identifier list in diffusion.
    assert!(!xml.sheet_names().iter().any(|n| n.starts_with("Détail")));
}

/// In `interne` the identifiers' sheet prints its first row only, the note saying the
/// lists are read on screen: `_xlnm.Print_Area` of « Détail des cellules » is A1:F1.
/// No other sheet lists identifiers.
#[test]
fn identifier_lists_outside_the_print_area() {
    let (_dir, xml) = run(BORDS, "2024", "interne");
    let workbook = xml.part("xl/workbook.xml");
    let area = workbook
        .split("<definedName ")
        .find(|d| d.contains("_xlnm.Print_Area") && d.contains("Détail des cellules"))
        .expect("une zone d'impression pour le détail");
    assert!(area.contains("$A$1:$F$1"), "{area}");
    let strings = xml.shared_strings();
    let detail = cells(xml.sheet("Détail des cellules"), &strings);
    assert!(detail["A1"].value.contains("n'est pas imprimée"));
    assert!(
        detail.values().any(|c| c.value.contains("P01")),
        "les identifiants à l'écran"
    );
    for name in xml
        .sheet_names()
        .iter()
        .filter(|n| !n.starts_with("Détail"))
    {
        let sheet = cells(xml.sheet(name), &strings);
        assert!(
            !sheet
                .values()
                .any(|c| c.value.split([',', ' ']).any(|w| w == "P01")),
            "identifiant dans la feuille {name}"
        );
    }
}

/// « Données » is a list for filters and pivot tables: printing the workbook gives its
/// header row only (A1:O1 in `interne`, 15 columns with « Base »; A1:N1 in `diffusion`),
/// under a printed heading that says why.
#[test]
fn data_list_outside_the_print_area() {
    for (audience, range) in [("interne", "$A$1:$O$1"), ("diffusion", "$A$1:$N$1")] {
        let (_dir, xml) = run(BORDS, "2024", audience);
        let workbook = xml.part("xl/workbook.xml");
        let area = workbook
            .split("<definedName ")
            .find(|d| d.contains("_xlnm.Print_Area") && d.contains("Données"))
            .expect("une zone d'impression pour « Données »");
        assert!(area.contains(range), "{audience} : {area}");
        let header = common::plain(&unescape(
            xml.sheet("Données")
                .split("<oddHeader>")
                .nth(1)
                .expect("en-tête")
                .split("</oddHeader>")
                .next()
                .unwrap(),
        ));
        assert!(header.contains("n'est pas imprimée"), "{header}");
    }
}

/// With two programmes, each group's sheet is one programme's: named after its id, its
/// title (A1) and its printed header name that programme and not the other, the site
/// on the right, and the footer gives the period and the audience.
#[test]
fn each_sheet_titled_with_its_own_programme() {
    let (_dir, xml) = run(NANCY, "2025", "interne");
    let strings = xml.shared_strings();
    let programmes = [
        ("village", "Village de test"),
        ("lda", "Logement d'abord de test"),
    ];
    for (id, name) in programmes {
        let other = programmes.iter().find(|(i, _)| *i != id).unwrap().1;
        let sheets: Vec<String> = xml
            .sheet_names()
            .into_iter()
            .filter(|n| n.ends_with(&format!("({id})")))
            .collect();
        assert!(sheets.len() >= 3, "feuilles de {id} : {sheets:?}");
        for sheet in &sheets {
            let text = xml.sheet(sheet);
            let title = common::plain(&cells(text, &strings)["A1"].value);
            assert!(
                title.contains(name) && !title.contains(other),
                "{sheet} : {title}"
            );
            let header = common::plain(&unescape(
                text.split("<oddHeader>")
                    .nth(1)
                    .expect("en-tête")
                    .split("</oddHeader>")
                    .next()
                    .unwrap(),
            ));
            assert!(
                header.contains(name) && header.contains("Site de test Nancy"),
                "{sheet} : {header}"
            );
            let footer = unescape(
                text.split("<oddFooter>")
                    .nth(1)
                    .expect("pied")
                    .split("</oddFooter>")
                    .next()
                    .unwrap(),
            );
            assert!(
                footer.contains("01/01/2025") && footer.contains("interne"),
                "{sheet} : {footer}"
            );
            assert!(text.contains("fitToPage=\"1\""), "{sheet}");
        }
    }
    // The repeated print titles are each sheet's own two title rows.
    assert!(xml.part("xl/workbook.xml").contains("_xlnm.Print_Titles"));
}

/// The national workbook stores its figures as the site's does: consolidating the
/// fixture `bords` alone, its `taux_occupation` 2024 (2 899 / 3 660, see above) is the
/// fraction 0.79207… under « 0.0 % » in the site's column and the ensemble's of
/// « Activité » and in « Données »; `file_active` (13) an integer under « #,##0 ».
#[test]
fn national_workbook_stores_rates_as_fractions() {
    let (site, _) = run(BORDS, "2024", "interne");
    let national = tempfile::tempdir().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    bilan::pipeline::consolidate(
        &[site.path().to_path_buf()],
        bilan::privacy::Audience::Interne,
        national.path(),
        false,
        today,
    )
    .unwrap();
    let xml = Xml::read(&national.path().join("tableaux.xlsx"));
    let strings = xml.shared_strings();
    // The site's value is read back from its indicateurs.csv, 79.20765 (6 decimals of a
    // percentage); the ensemble's is recomputed from the terms: both within 1e-8.
    let occupancy = |c: &&Cell| {
        c.value
            .parse::<f64>()
            .is_ok_and(|v| (v - 2899.0 / 3660.0).abs() < 1e-8)
    };
    let activity = cells(xml.sheet("Activité"), &strings);
    let fractions: Vec<&Cell> = activity.values().filter(occupancy).collect();
    assert_eq!(fractions.len(), 2, "le site et l'ensemble : {fractions:?}");
    for cell in fractions {
        assert_eq!(xml.format_code(cell.style), "0.0 %");
    }
    let data = cells(xml.sheet("Données"), &strings);
    let data_rows = rows(&data);
    let rate = data_row(&data_rows, "taux_occupation", "total", SERIAL_2024_01_01);
    assert!(occupancy(&rate["J"]), "{:?}", rate["J"]);
    assert_eq!(xml.format_code(rate["J"].style), "0.0 %");
    let count = data_row(&data_rows, "file_active", "total", SERIAL_2024_01_01);
    assert_eq!(count["J"].value, "13");
    assert_eq!(xml.format_code(count["J"].style), "#,##0");
}
