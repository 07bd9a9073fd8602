//! What the integration tests share: reading `indicateurs.csv` (each test binary that
//! needs it says `mod common;`).

// Every test binary compiles its own copy of this module and uses a part of it.
#![allow(dead_code)]

use std::path::Path;

/// One row of `indicateurs.csv`, every cell as written.
pub struct Row {
    pub dispositif: String,
    pub debut: String,
    pub fin: String,
    pub indicateur: String,
    pub modalite: String,
    pub valeur: String,
    pub numerateur: String,
    pub denominateur: String,
}

pub struct Indicators {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// Reads the file by its header's names, so that a column moved is still found.
pub fn read_indicators(path: &Path) -> Indicators {
    let raw = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("lecture de {}: {e}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(raw.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("en-tête")
        .iter()
        .map(str::to_string)
        .collect();
    let index = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("colonne {name} absente de l'en-tête {header:?}"))
    };
    let columns = [
        "dispositif",
        "periode_debut",
        "periode_fin",
        "indicateur",
        "modalite",
        "valeur",
        "numerateur",
        "denominateur",
    ]
    .map(index);
    let rows = reader
        .records()
        .map(|record| {
            let record = record.expect("ligne CSV illisible");
            let [
                dispositif,
                debut,
                fin,
                indicateur,
                modalite,
                valeur,
                numerateur,
                denominateur,
            ] = columns.map(|i| record[i].to_string());
            Row {
                dispositif,
                debut,
                fin,
                indicateur,
                modalite,
                valeur,
                numerateur,
                denominateur,
            }
        })
        .collect();
    Indicators { header, rows }
}

/// Runs `bilan rapport` for a year and an audience into `dir`, in-process through the
/// library, and fails the test with the tool's own message if it does not succeed.
pub fn run_report(config: &str, year: &str, audience: &str, dir: &Path) {
    report(Path::new(config), year, audience, dir, false);
}

/// The same, with the PDF when `pdf` is set.
pub fn report(config: &Path, year: &str, audience: &str, dir: &Path, pdf: bool) {
    use bilan::privacy::Audience;
    let site = bilan::config::Config::read(config)
        .unwrap_or_else(|e| panic!("configuration {} : {e:#}", config.display()));
    let year: i32 = year.parse().expect("une année");
    let period = bilan::period::Period::year(year).expect("une année valide");
    let audience = match audience {
        "interne" => Audience::Interne,
        "diffusion" => Audience::Diffusion,
        other => panic!("audience inconnue {other}"),
    };
    let today = chrono::Local::now().date_naive();
    bilan::pipeline::report(&site, period, audience, dir, pdf, today).unwrap_or_else(|e| {
        panic!(
            "bilan rapport --config {} --audience {} a échoué : {e:#}",
            config.display(),
            audience.code()
        )
    });
}

/// Every text of a workbook with where it stands: sheet names and every cell.
pub fn xlsx_texts(path: &Path) -> Vec<(String, String)> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path)
        .unwrap_or_else(|e| panic!("ouverture de {}: {e}", path.display()));
    let mut texts = Vec::new();
    for sheet in workbook.sheet_names() {
        texts.push((format!("nom de feuille {sheet}"), sheet.clone()));
        let range = workbook
            .worksheet_range(&sheet)
            .unwrap_or_else(|e| panic!("feuille {sheet} de {}: {e}", path.display()));
        for (l, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                texts.push((
                    format!("feuille {sheet} ligne {l} colonne {c}"),
                    cell.to_string(),
                ));
            }
        }
    }
    texts
}

/// The identifiers `detail.csv` gives behind one figure, and how many appear twice.
pub fn detail_ids(
    raw: &str,
    dispositif: &str,
    indicateur: &str,
    modalite: &str,
    periode: &str,
) -> (std::collections::BTreeSet<String>, usize) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(raw.trim_start_matches('\u{feff}').as_bytes());
    let mut ids = std::collections::BTreeSet::new();
    let mut twice = 0;
    for record in reader.records() {
        let record = record.expect("ligne de detail.csv illisible");
        if record.len() < 5 {
            continue;
        }
        if &record[0] == dispositif
            && &record[1] == indicateur
            && &record[2] == modalite
            && &record[3] == periode
            && !ids.insert(record[4].to_string())
        {
            twice += 1;
        }
    }
    (ids, twice)
}
