//! The spreadsheet templates of `bilan modeles`, read back by bilan: filled as a
//! coordinator would (rows typed under the example row, left in place; codes chosen from
//! the drop-downs' labels; dates as date cells), the check finds nothing and the figures
//! are those computed by hand below; left empty, each of the twelve reads as an empty
//! table; and their example rows, once their marker is erased, are valid data.
//!
//! A template is filled by editing its first sheet's XML inside the workbook (the rows
//! added after the example row, dates with the example row's date style, texts as inline
//! strings), so that what is read back is the template itself, validations and all.

mod common;

use std::io::{Read, Write};
use std::path::Path;

/// A cell typed by hand.
enum Typed {
    Text(&'static str),
    /// A date cell: year, month, day.
    Date(i32, u32, u32),
    Number(f64),
    Empty,
}

use Typed::{Date, Empty, Number, Text};

const P25: &str = "2025-01-01";

fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut letters = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        letters.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    letters
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The style of each cell of the example row (row 2), by column letter.
fn example_styles(sheet: &str) -> Vec<(String, String)> {
    let start = sheet.find("<row r=\"2\"").expect("la ligne d'exemple");
    let end = start + sheet[start..].find("</row>").expect("fin de ligne");
    sheet[start..end]
        .split("<c r=\"")
        .skip(1)
        .filter_map(|cell| {
            let reference = &cell[..cell.find('"')?];
            let letter = reference.trim_end_matches(char::is_numeric).to_string();
            let style = cell.split("s=\"").nth(1)?.split('"').next()?.to_string();
            Some((letter, style))
        })
        .collect()
}

/// Copies the template `from` into `to`, its first sheet's XML changed by `edit`.
fn edit_sheet(from: &Path, to: &Path, edit: impl Fn(String) -> String) {
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(from).expect("modèle")).expect("zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).expect("copie"));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entrée");
        let name = entry.name().expect("nom").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("lu");
        if name == "xl/worksheets/sheet1.xml" {
            bytes = edit(String::from_utf8(bytes).expect("utf-8")).into_bytes();
        }
        out.start_file(name, options).expect("entrée écrite");
        out.write_all(&bytes).expect("écrit");
    }
    out.finish().expect("zip fermé");
}

/// Adds `rows` after the example row of the first sheet of the template `from`, into `to`.
fn fill(from: &Path, to: &Path, rows: &[Vec<Typed>]) {
    edit_sheet(from, to, |sheet| {
        let styles = example_styles(&sheet);
        let mut xml = String::new();
        for (r, row) in rows.iter().enumerate() {
            let number = r + 3;
            xml.push_str(&format!("<row r=\"{number}\">"));
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{number}", column_letter(c));
                match cell {
                    Text(t) => xml.push_str(&format!(
                        "<c r=\"{at}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                        escape(t)
                    )),
                    Date(y, m, d) => {
                        let day = chrono::NaiveDate::from_ymd_opt(*y, *m, *d).expect("date");
                        let origin =
                            chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("origine");
                        let serial = (day - origin).num_days();
                        let style = styles
                            .iter()
                            .find(|(l, _)| *l == column_letter(c))
                            .map(|(_, s)| s.clone())
                            .expect("un style de date sur la ligne d'exemple");
                        xml.push_str(&format!("<c r=\"{at}\" s=\"{style}\"><v>{serial}</v></c>"));
                    }
                    Number(n) => xml.push_str(&format!("<c r=\"{at}\"><v>{n}</v></c>")),
                    Empty => {}
                }
            }
            xml.push_str("</row>");
        }
        sheet.replacen("</sheetData>", &format!("{xml}</sheetData>"), 1)
    });
}

#[test]
fn filled_templates_read_back_without_findings() {
    let root = tempfile::tempdir().expect("tempdir");
    let models = root.path().join("modeles");
    let o = common::bilan(&["modeles", models.to_str().expect("chemin")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&models)
        .expect("dossier")
        .map(|e| {
            e.expect("entrée")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        12,
        "un classeur par table de donnees.md : {names:?}"
    );
    // Written again without --remplacer: refused, naming the file.
    let again = common::bilan(&["modeles", models.to_str().expect("chemin")]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("existe déjà"));

    let site = root.path().join("site");
    std::fs::create_dir(&site).expect("dossier");
    // Columns in the templates' order (model.rs); codes as the drop-downs' labels.
    fill(
        &models.join("personnes.xlsx"),
        &site.join("personnes.xlsx"),
        &[
            // id, date_naissance, annee_naissance, sexe, nationalite, situation_avant_entree,
            // duree_sans_logement_mois, diagnostic, addiction, orienteur, date_commission, parcours_ase
            vec![
                Text("P1"),
                Date(1980, 5, 12),
                Empty,
                Text("Femme"),
                Text("Française"),
                Text("Rue"),
                Number(36.0),
                Text("Schizophrénie"),
                Text("Non"),
                Text("SIAO"),
                Empty,
                Empty,
            ],
            vec![
                Text("P2"),
                Empty,
                Number(1990.0),
                Text("Homme"),
                Empty,
                Text("Hébergé chez un tiers"),
                Empty,
                Empty,
                Text("Oui"),
                Text("Équipe mobile psychiatrie précarité"),
                Date(2025, 1, 10),
                Empty,
            ],
        ],
    );
    fill(
        &models.join("accompagnements.xlsx"),
        &site.join("accompagnements.xlsx"),
        &[
            vec![Text("P1"), Date(2024, 1, 1), Empty, Empty],
            vec![
                Text("P2"),
                Date(2025, 2, 1),
                Date(2025, 5, 31),
                Text("Relogement autonome"),
            ],
        ],
    );
    fill(
        &models.join("effectifs.xlsx"),
        &site.join("effectifs.xlsx"),
        &[
            vec![Text("Coordination"), Number(1.0), Date(2025, 1, 1), Empty],
            vec![
                Text("Infirmier"),
                Number(0.5),
                Date(2025, 1, 1),
                Date(2025, 6, 30),
            ],
            vec![
                Text("Travailleur social"),
                Number(1.0),
                Date(2025, 7, 1),
                Empty,
            ],
        ],
    );
    fill(
        &models.join("budget.xlsx"),
        &site.join("budget.xlsx"),
        &[
            vec![
                Text("Fournitures"),
                Text("Groupe 1 — exploitation courante"),
                Number(1000.0),
                Number(900.0),
            ],
            vec![
                Text("Salaires"),
                Text("Groupe 2 — personnel"),
                Number(50000.0),
                Number(52000.0),
            ],
        ],
    );
    fill(
        &models.join("journal.xlsx"),
        &site.join("journal.xlsx"),
        &[
            vec![
                Date(2025, 3, 10),
                Text("Réunion du collectif"),
                Empty,
                Empty,
                Number(6.0),
                // The free text, never read.
                Text("Menus de mars"),
            ],
            vec![Date(2025, 4, 2), Text("Incident"), Text("P1"), Empty, Empty],
        ],
    );
    std::fs::write(
        site.join("bilan.toml"),
        "site = \"Essai des modèles\"\n\n[[dispositif]]\nid = \"v\"\nnom = \"Village\"\ntype = \"village\"\n\
         places = 10\nouverture = 2024-01-01\n\n[dispositif.sources]\npersonnes = \"personnes.xlsx\"\n\
         accompagnements = \"accompagnements.xlsx\"\neffectifs = \"effectifs.xlsx\"\nbudget = \"budget.xlsx\"\n\
         journal = \"journal.xlsx\"\n",
    )
    .expect("configuration");

    let config = bilan::config::Config::read(&site.join("bilan.toml")).expect("configuration lue");
    let period = bilan::period::Period::year(2025).expect("2025");
    let today = chrono::Local::now().date_naive();
    let datasets = bilan::pipeline::check(&config, period, today).expect("vérifié");
    let findings: Vec<String> = datasets[0]
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} ligne {} {:?} : {}",
                f.table, f.line, f.column, f.message
            )
        })
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
    // The example rows are not data: 2 persons, 2 follow-ups, 3 posts, 2 budget lines,
    // 2 journal rows.
    let heights: Vec<(String, usize)> = datasets[0]
        .tables
        .iter()
        .map(|(t, f)| (t.to_string(), f.height()))
        .collect();
    assert_eq!(
        heights,
        [
            ("personnes", 2),
            ("accompagnements", 2),
            ("effectifs", 3),
            ("budget", 2),
            ("journal", 2),
        ]
        .map(|(t, n)| (t.to_string(), n))
    );

    let out = tempfile::tempdir().expect("tempdir");
    common::run_report(
        site.join("bilan.toml").to_str().expect("chemin"),
        "2025",
        "interne",
        out.path(),
    );
    let report = common::Report::read(out, &[2025]);
    let mut checks = common::Checks::of(&report, "v");
    // P1 (since 2024-01-01, ongoing) and P2 (2025-02-01 → 2025-05-31, relogement autonome).
    checks.value(P25, "file_active", "total", 2.0);
    checks.value(P25, "entrees", "total", 1.0);
    checks.value(P25, "sorties", "relogement_autonome", 1.0);
    checks.value(P25, "presents_fin", "total", 1.0);
    // Journal: one meeting, one incident, in 2025.
    checks.value(P25, "journal_par_categorie", "reunion_collectif", 1.0);
    checks.value(P25, "journal_par_categorie", "incident", 1.0);
    checks.value(P25, "journal_par_categorie", "total", 2.0);
    // ETP over the 365 days of 2025: coordination 1 × 365/365 = 1; nurse 0,5 from 01/01 to
    // 30/06 inclusive, 181 days: 0,5 × 181/365 = 0,247945; social worker 1 from 01/07, 184
    // days: 184/365 = 0,504110; total 1,752055.
    checks
        .tolerance(1e-5)
        .value(P25, "etp_moyens", "coordinateur", 1.0);
    checks
        .tolerance(1e-5)
        .value(P25, "etp_moyens", "infirmier", 0.5 * 181.0 / 365.0);
    checks
        .tolerance(1e-5)
        .value(P25, "etp_moyens", "travailleur_social", 184.0 / 365.0);
    checks.tolerance(1e-5).value(
        P25,
        "etp_moyens",
        "total",
        1.0 + 0.5 * 181.0 / 365.0 + 184.0 / 365.0,
    );
    // 900 + 52 000 € spent over 10 places × 365 days: 52 900 / 3 650 = 14,493151 €.
    checks
        .tolerance(1e-5)
        .value(P25, "cout_place_jour", "total", 52900.0 / 3650.0);
    checks.finish();
}

/// Every template as written, its example row alone: bilan reads each one (headers all
/// recognised), skips the example, and finds nothing: twelve empty tables.
#[test]
fn every_template_reads_as_an_empty_table() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path();
    let o = common::bilan(&["modeles", dir.to_str().expect("chemin")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tables = bilan::model::Table::ALL;
    let sources: String = tables
        .iter()
        .map(|t| format!("{t} = \"{t}.xlsx\"\n"))
        .collect();
    std::fs::write(
        dir.join("bilan.toml"),
        format!(
            "site = \"Modèles vides\"\n\n[[dispositif]]\nid = \"u\"\nnom = \"UCSD\"\ntype = \"ucsd\"\n\
             places = 10\nouverture = 2024-01-01\n\n[dispositif.sources]\n{sources}"
        ),
    )
    .expect("configuration");
    let config = bilan::config::Config::read(&dir.join("bilan.toml")).expect("configuration lue");
    let period = bilan::period::Period::year(2025).expect("2025");
    let datasets = bilan::pipeline::check(&config, period, chrono::Local::now().date_naive())
        .expect("vérifié");
    let findings: Vec<String> = datasets[0]
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} ligne {} {:?} : {}",
                f.table, f.line, f.column, f.message
            )
        })
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(datasets[0].tables.len(), 12);
    for (table, frame) in &datasets[0].tables {
        assert_eq!(frame.height(), 0, "{table}");
    }
}

/// The example rows, their marker erased, are a dataset of their own: one person P001
/// followed from 15/01/2025 to 30/06/2025, in flat L001, with a visit, a stay, a
/// snapshot, a month billed, an incident, a post, a budget line and a journal event, all
/// within the follow-up. bilan reads one row per table and finds nothing wrong with them:
/// an example never shows a value that the check would refuse.
#[test]
fn the_example_rows_are_valid_data() {
    let root = tempfile::tempdir().expect("tempdir");
    let models = root.path().join("modeles");
    let site = root.path().join("site");
    std::fs::create_dir(&site).expect("dossier");
    let o = common::bilan(&["modeles", models.to_str().expect("chemin")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tables = bilan::model::Table::ALL;
    for table in tables {
        let name = format!("{table}.xlsx");
        // The marker is the last cell of the example row.
        edit_sheet(&models.join(&name), &site.join(&name), |sheet| {
            let row = sheet.find("<row r=\"2\"").expect("la ligne d'exemple");
            let end = row + sheet[row..].find("</row>").expect("fin de ligne");
            let last = row + sheet[row..end].rfind("<c ").expect("une cellule");
            format!("{}{}", &sheet[..last], &sheet[end..])
        });
    }
    let sources: String = tables
        .iter()
        .map(|t| format!("{t} = \"{t}.xlsx\"\n"))
        .collect();
    std::fs::write(
        site.join("bilan.toml"),
        format!(
            "site = \"Exemples\"\n\n[[dispositif]]\nid = \"u\"\nnom = \"UCSD\"\ntype = \"ucsd\"\n\
             places = 10\nouverture = 2024-01-01\n\n[dispositif.sources]\n{sources}"
        ),
    )
    .expect("configuration");
    let config = bilan::config::Config::read(&site.join("bilan.toml")).expect("configuration lue");
    let period = bilan::period::Period::year(2025).expect("2025");
    let datasets = bilan::pipeline::check(&config, period, chrono::Local::now().date_naive())
        .expect("vérifié");
    let findings: Vec<String> = datasets[0]
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} ligne {} {:?} : {}",
                f.table, f.line, f.column, f.message
            )
        })
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
    for (table, frame) in &datasets[0].tables {
        assert_eq!(frame.height(), 1, "{table}");
    }
}
