//! Hostile input and failures (issue 11): each point of the issue on a small site made for
//! it in a temporary folder (or a copy of `sample-data/reference` altered as in the issue's
//! repros), run through the library, or through the binary where the command line itself
//! is the point (exit codes, standard output, `--sortie`). Every expected value or message
//! is derived in the comment above its check from what the issue requires.
//!
//! The small sites have one programme `d` (type `ucsd`, 10 places, opened 2020-01-01) and
//! one CSV file per table, its header being line 1, so the n-th data row is line n + 1.
//!
//! Twelve tests were first written `#[ignore = "bug: …"]`, the reason saying what the tool
//! did instead; the bugs are fixed and every test runs.
//!
//! Point 5 (« TotalEnergies carburant » in budget is a real row, a « Total » row is
//! reported) is already covered by `tests/regles.rs`, `lignes_bloquantes_et_lignes_de_total`
//! (budget lines 4 and 5): not repeated here.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use bilan::config::Config;
use bilan::findings::{Finding, FindingKind};
use bilan::ingest::Dataset;
use bilan::model::Table;
use bilan::period::Period;
use bilan::privacy::Audience;
use common::{Checks, Report, Site, bilan, reference_copy, stderr, today};

const P25: &str = "2025-01-01";

const ACCOMPAGNEMENTS: &str =
    "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\nP2,2024-03-01,,\n";

fn year(y: i32) -> Period {
    Period::year(y).unwrap()
}

/// `sed -i 'Ns/from/to/'` on one file.
fn sed_line(path: &Path, line: usize, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    assert!(
        lines[line - 1].contains(from),
        "ligne {line} de {} : {:?}",
        path.display(),
        lines[line - 1]
    );
    lines[line - 1] = lines[line - 1].replacen(from, to, 1);
    std::fs::write(path, lines.join("\n")).unwrap();
}

fn findings_of(data: &Dataset, kind: FindingKind) -> Vec<&Finding> {
    data.findings.iter().filter(|f| f.kind == kind).collect()
}

/// The identifiers of a canonical table, in order.
fn ids(data: &Dataset, table: Table) -> Vec<String> {
    let frame = &data.tables[&table];
    let column = frame.column("id_personne").expect("id_personne");
    (0..frame.height())
        .map(|i| {
            column
                .get(i)
                .unwrap()
                .get_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The plain files of a folder with their bytes (folders in it aside).
fn snapshot_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The names in a folder, but for the lock a run takes on its output folder
/// (`.bilan-verrou`, empty), which stays: it is no result.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".bilan-verrou")
        .collect();
    names.sort();
    names
}

/// The cells of a `;` or `,` CSV output, BOM aside.
fn csv_cells(bytes: &[u8], delimiter: u8) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .flat_map(|r| {
            r.unwrap()
                .iter()
                .map(str::to_string)
                .collect::<Vec<String>>()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Unclosed quotes refused; rows of the wrong width reported.
// ---------------------------------------------------------------------------------------------

/// Reference copy, `accompagnements.csv` line 11 `P0010,2019-04-01,,` → `P0010,"2019-04-01,,`:
/// the quote swallows every line after it, so the run must stop with an error naming the
/// file, line 11 and the « guillemet », and write nothing in the (empty) output folder.
/// The same in `personnes.csv` line 11 (`,H,francaise,` → `,H,"francaise,`), and then no
/// name, first name or date of birth of `personnes.csv` may appear in the message.
///
/// Width, on a small site: accompagnements
///   line 2 P1 (4 cells) → read
///   line 3 P2,2024-02-01,,,en trop (5 cells, the 5th non-empty) → « ligne mal formée »,
///     blocking, row left out
///   line 4 P3,2024-03-01 (2 cells) → « ligne mal formée », not blocking, row read
/// ⇒ table ids [P1, P3], 1 row left out.
/// A run holds its output folder from its start: a second run on it is refused at
/// once, in French, whatever it computes, and writes nothing.
#[test]
fn deux_executions_sur_un_dossier() {
    let site = reference_copy();
    let config = Config::read(&site.path().join("bilan.toml")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let held = bilan::output::files::open(out.path()).unwrap();
    let error = bilan::pipeline::report(
        &config,
        year(2025),
        Audience::Diffusion,
        out.path(),
        false,
        today(),
    )
    .expect_err("un second écrivain est refusé");
    assert!(
        format!("{error:#}").contains("Une autre exécution de bilan écrit déjà"),
        "{error:#}"
    );
    assert!(names(out.path()).is_empty(), "{:?}", names(out.path()));
    drop(held);
    bilan::pipeline::report(
        &config,
        year(2025),
        Audience::Diffusion,
        out.path(),
        false,
        today(),
    )
    .unwrap();
    assert!(names(out.path()).contains(&"indicateurs.csv".to_string()));
}

#[test]
fn guillemet_non_ferme_et_lignes_de_travers() {
    for (file, from, to) in [
        ("accompagnements.csv", "P0010,", "P0010,\""),
        ("personnes.csv", ",H,francaise,", ",H,\"francaise,"),
    ] {
        let site = reference_copy();
        let path = site.path().join(file);
        let original = std::fs::read_to_string(&path).unwrap();
        sed_line(&path, 11, from, to);
        let config = Config::read(&site.path().join("bilan.toml")).unwrap();
        let out = tempfile::tempdir().unwrap();
        let error = bilan::pipeline::report(
            &config,
            year(2025),
            Audience::Interne,
            out.path(),
            false,
            today(),
        )
        .expect_err("an unclosed quote stops the run");
        let message = format!("{error:#}");
        assert!(message.contains(file), "{message}");
        assert!(message.contains("ligne 11"), "{message}");
        assert!(message.contains("guillemet"), "{message}");
        assert!(
            names(out.path()).is_empty(),
            "écrit malgré l'erreur : {:?}",
            names(out.path())
        );
        if file == "personnes.csv" {
            // nom, prenom, date_naissance: columns 2, 3, 4.
            for line in original.lines().skip(1) {
                for value in line.split(',').skip(1).take(3) {
                    if !value.is_empty() {
                        assert!(
                            !message.contains(value),
                            "« {value} » de personnes.csv repris dans : {message}"
                        );
                    }
                }
            }
        }
    }

    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\nP2,2024-02-01,,,en trop\nP3,2024-03-01\n",
    )]);
    let data = site.data();
    let malformed: Vec<(usize, bool)> = findings_of(&data, FindingKind::MalformedRow)
        .iter()
        .map(|f| (f.line, f.blocking))
        .collect();
    assert_eq!(malformed, [(3, true), (4, false)]);
    assert_eq!(FindingKind::MalformedRow.label(), "ligne mal formée");
    assert_eq!(ids(&data, Table::Accompagnements), ["P1", "P3"]);
    assert_eq!(data.excluded.get(&Table::Accompagnements), Some(&1));
}

/// Point 1 on the last row: `P2,"2024-01-01,,` ends the file (with or without a final line
/// end), so the quote opened on line 3 is never closed. The run must fail naming the file,
/// « ligne 3 » and the « guillemet », as on any other line.
#[test]
fn guillemet_non_ferme_en_derniere_ligne() {
    for end in ["\n", ""] {
        let site = Site::new(&[(
            "accompagnements",
            &format!(
                "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\nP2,\"2024-01-01,,{end}"
            ),
        )]);
        let message = format!(
            "{:#}",
            site.try_data().err().expect("an unclosed quote is refused")
        );
        assert!(message.contains("accompagnements.csv"), "{message}");
        assert!(message.contains("ligne 3"), "{message}");
        assert!(message.contains("guillemet"), "{message}");
    }
}

/// Point 1 in the header: `personnes.csv` whose header opens a quote before
/// `date_naissance` and never closes it: the header swallows the whole file. The run must
/// fail on the « guillemet » of line 1, and the message must not repeat the rows it
/// swallowed (a name, a date of birth).
#[test]
fn guillemet_non_ferme_dans_l_en_tete() {
    let site = Site::new(&[
        ("accompagnements", ACCOMPAGNEMENTS),
        (
            "personnes",
            "id_personne,nom,prenom,date_naissance,sexe,situation_avant_entree,\"orienteur\nP1,Dupont-Secret,Jeanne,1978-06-11,F,rue,siao\nP2,Martin-Secret,Paul,1980-01-02,H,rue,siao\n",
        ),
    ]);
    let message = format!("{:#}", site.try_data().err().expect("refused"));
    for private in [
        "Dupont-Secret",
        "Jeanne",
        "1978-06-11",
        "Martin-Secret",
        "1980-01-02",
    ] {
        assert!(!message.contains(private), "« {private} » dans : {message}");
    }
    assert!(message.contains("ligne 1"), "{message}");
    assert!(message.contains("guillemet"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// 2. A diffusion run replaces an internal one whole.
// ---------------------------------------------------------------------------------------------

/// An internal run with the PDF writes `detail.csv` and `rapport.pdf`; a diffusion run
/// (without the PDF) into the same folder must leave neither: they would publish what the
/// audience must not see, or an outdated report. Checked on a folder holding only the run's
/// files, and on one that also holds a file of the user's (which stays).
#[test]
fn diffusion_apres_interne() {
    let site = Site::new(&[("accompagnements", ACCOMPAGNEMENTS)]);
    for user_file in [false, true] {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("resultats");
        site.run(year(2025), Audience::Interne, &dir, true).unwrap();
        let first = names(&dir);
        assert!(first.contains(&"detail.csv".to_string()), "{first:?}");
        assert!(first.contains(&"rapport.pdf".to_string()), "{first:?}");
        if user_file {
            std::fs::write(dir.join("notes.txt"), "à moi").unwrap();
        }
        site.run(year(2025), Audience::Diffusion, &dir, false)
            .unwrap();
        let after = names(&dir);
        assert!(!after.contains(&"detail.csv".to_string()), "{after:?}");
        assert!(!after.contains(&"rapport.pdf".to_string()), "{after:?}");
        assert!(after.contains(&"indicateurs.csv".to_string()), "{after:?}");
        assert_eq!(
            after.contains(&"notes.txt".to_string()),
            user_file,
            "{after:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 3. A run that fails midway leaves the previous files as they were.
// ---------------------------------------------------------------------------------------------

/// `textes = "textes"`; a first run without texts, then `textes/activite.typ` whose line 3
/// opens a parenthesis that nothing closes (`#(1 +`): the run must fail naming
/// `activite.typ` and « ligne 3 », and the folder must hold the very same bytes as before
/// (and nothing be left beside it).
#[test]
fn echec_en_cours_de_route() {
    let site = Site::with(
        &[("accompagnements", ACCOMPAGNEMENTS)],
        "textes = \"textes\"",
        "",
    );
    std::fs::create_dir(site.path("textes")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("resultats");
    site.run(year(2025), Audience::Interne, &dir, false)
        .unwrap();
    let before = snapshot(&dir);
    let beside = names(out.path());

    std::fs::write(
        site.path("textes/activite.typ"),
        "Une année de travail.\n\nLe total #(1 + est faux.\n\nFin.\n",
    )
    .unwrap();
    let message = format!(
        "{:#}",
        site.run(year(2025), Audience::Interne, &dir, false)
            .expect_err("invalid Typst stops the run")
    );
    assert!(message.contains("activite.typ"), "{message}");
    assert!(message.contains("ligne 3"), "{message}");
    assert!(snapshot(&dir) == before, "les fichiers ont changé");
    assert_eq!(names(out.path()), beside);
}

/// Point 3 when the failure comes while the files are put in place: the output folder
/// holds a file of the user's (`notes.txt`, so the files are moved in one by one) and a
/// folder where `rapport.typ` was. A second run on changed data must fail (« rapport.typ »
/// is a folder) and leave every file of the folder byte-identical: no
/// `indicateurs.csv` of the new run beside the `tableaux.xlsx` of the old one.
#[test]
fn echec_pendant_la_mise_en_place() {
    let site = Site::new(&[("accompagnements", ACCOMPAGNEMENTS)]);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("resultats");
    site.run(year(2025), Audience::Interne, &dir, false)
        .unwrap();
    std::fs::write(dir.join("notes.txt"), "à moi").unwrap();
    std::fs::remove_file(dir.join("rapport.typ")).unwrap();
    std::fs::create_dir(dir.join("rapport.typ")).unwrap();
    let before = snapshot_files(&dir);
    std::fs::write(
        site.path("accompagnements.csv"),
        format!("{ACCOMPAGNEMENTS}P3,2025-02-01,,\n"),
    )
    .unwrap();
    let message = format!(
        "{:#}",
        site.run(year(2025), Audience::Interne, &dir, false)
            .expect_err("rapport.typ is a folder")
    );
    assert!(message.contains("rapport.typ"), "{message}");
    let after = snapshot_files(&dir);
    let changed: Vec<&String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| &b.0)
        .collect();
    assert!(
        changed.is_empty() && before.len() == after.len(),
        "changés : {changed:?}"
    );
}

/// Point 3 with a team text that parses but does not compile: `textes/activite.typ` whose
/// line 4 is `#inconnu_ici` (a variable that does not exist), run with the PDF. The run
/// fails (the previous files unchanged, which holds) and the error must name
/// `activite.typ` and « ligne 4 », the place the team can correct.
#[test]
fn texte_typst_qui_ne_compile_pas() {
    let site = Site::with(
        &[("accompagnements", ACCOMPAGNEMENTS)],
        "textes = \"textes\"",
        "",
    );
    std::fs::create_dir(site.path("textes")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("resultats");
    site.run(year(2025), Audience::Interne, &dir, true).unwrap();
    let before = snapshot(&dir);
    std::fs::write(
        site.path("textes/activite.typ"),
        "Ligne un.\n\nLigne deux.\n#inconnu_ici\n",
    )
    .unwrap();
    let message = format!(
        "{:#}",
        site.run(year(2025), Audience::Interne, &dir, true)
            .expect_err("the PDF cannot be made")
    );
    assert!(snapshot(&dir) == before, "les fichiers ont changé");
    assert!(message.contains("activite.typ"), "{message}");
    assert!(message.contains("ligne 4"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// 4. Headers: misspelt, merged, missing.
// ---------------------------------------------------------------------------------------------

/// `date_sortei` for `date_sortie`: refused, the message naming both. A workbook whose
/// header cells of columns 2 and 3 are merged (« date_entree » over both: the 3rd header
/// cell reads empty while its column holds the end dates): refused, naming the missing
/// `date_sortie`. No `date_sortie` column at all (it is optional): the run goes on with a
/// finding « colonne absente » on the header line 1, column date_sortie, not blocking.
#[test]
fn en_tetes_mal_ecrits_fusionnes_absents() {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortei,motif_sortie\nP1,2024-01-01,2024-06-30,deces\n",
    )]);
    let message = format!(
        "{:#}",
        site.try_data().err().expect("misspelt header refused")
    );
    assert!(message.contains("« date_sortei »"), "{message}");
    assert!(message.contains("« date_sortie »"), "{message}");

    // The workbook.
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .merge_range(0, 1, 0, 2, "date_entree", &rust_xlsxwriter::Format::new())
        .unwrap();
    sheet.write(0, 0, "id_personne").unwrap();
    sheet.write(0, 3, "motif_sortie").unwrap();
    for (r, (id, start, end)) in [("P1", "2024-01-01", "2024-06-30"), ("P2", "2024-02-01", "")]
        .iter()
        .enumerate()
    {
        let r = r as u32 + 1;
        sheet.write(r, 0, *id).unwrap();
        sheet.write(r, 1, *start).unwrap();
        if !end.is_empty() {
            sheet.write(r, 2, *end).unwrap();
            sheet.write(r, 3, "deces").unwrap();
        }
    }
    book.save(dir.path().join("accompagnements.xlsx")).unwrap();
    std::fs::write(
        dir.path().join("bilan.toml"),
        "site = \"Classeur\"\n[[dispositif]]\nid = \"d\"\nnom = \"D\"\ntype = \"ucsd\"\nplaces = 10\nouverture = 2020-01-01\n[dispositif.sources]\naccompagnements = \"accompagnements.xlsx\"\n",
    )
    .unwrap();
    let config = Config::read(&dir.path().join("bilan.toml")).unwrap();
    let message = format!(
        "{:#}",
        bilan::pipeline::check(&config, year(2025), today())
            .err()
            .expect("merged header refused")
    );
    assert!(message.contains("accompagnements.xlsx"), "{message}");
    assert!(message.contains("date_sortie"), "{message}");

    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,motif_sortie\nP1,2024-01-01,\n",
    )]);
    let data = site.data();
    let missing: Vec<(usize, Option<&str>, bool, &str)> =
        findings_of(&data, FindingKind::MissingColumn)
            .iter()
            .map(|f| (f.line, f.column, f.blocking, f.kind.label()))
            .collect();
    assert_eq!(
        missing,
        [(1, Some("date_sortie"), false, "colonne absente")]
    );
    let out = tempfile::tempdir().unwrap();
    site.run(year(2025), Audience::Interne, out.path(), false)
        .unwrap();
}

/// Point 4, a header given twice: `…,motif_sortie,date_sortie` where the first
/// `date_sortie` is empty and the second holds 2024-06-30. Which one is meant cannot be
/// known: the file must be refused naming date_sortie, or the doubt reported by a finding
/// on date_sortie; never the second column dropped in silence (P1 counted as still
/// followed).
#[test]
fn en_tete_en_double() {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie,date_sortie\nP1,2024-01-01,,,2024-06-30\n",
    )]);
    match site.try_data() {
        Err(e) => assert!(format!("{e:#}").contains("date_sortie"), "{e:#}"),
        Ok(data) => assert!(
            data.findings
                .iter()
                .any(|f| f.column == Some("date_sortie")),
            "aucun constat : {:?}",
            data.findings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Formula injection.
// ---------------------------------------------------------------------------------------------

/// An identifier `=HYPERLINK("x")` (twice in personnes, so that `verifier` reports it as a
/// duplicate with its value), a programme id `=1+2` and an exit reason `@SUM(A1)` (an
/// unknown code, reported with its value): every cell of `detail.csv`, of
/// `indicateurs.csv` and of `verifier --format csv` that holds them must start with `'`
/// (`'=HYPERLINK("x")`, `'=1+2`, `'@SUM(A1)`), and no cell of these files may start with `=`
/// (nor, in the findings, `@` or `+`).
#[test]
fn injection_de_formules() {
    let formula = "=HYPERLINK(\"x\")";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("accompagnements.csv"),
        "id_personne,date_entree,date_sortie,motif_sortie\n\"=HYPERLINK(\"\"x\"\")\",2024-01-01,,\nP2,2024-03-01,2025-03-01,@SUM(A1)\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("personnes.csv"),
        "id_personne,annee_naissance,sexe,situation_avant_entree,orienteur\n\"=HYPERLINK(\"\"x\"\")\",1980,F,rue,siao\n\"=HYPERLINK(\"\"x\"\")\",1980,F,rue,siao\nP2,1980,F,rue,siao\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bilan.toml"),
        "site = \"Formules\"\n[[dispositif]]\nid = \"=1+2\"\nnom = \"D\"\ntype = \"ucsd\"\nplaces = 10\nouverture = 2020-01-01\n[dispositif.sources]\naccompagnements = \"accompagnements.csv\"\npersonnes = \"personnes.csv\"\n",
    )
    .unwrap();
    let config = Config::read(&dir.path().join("bilan.toml")).unwrap();
    let out = tempfile::tempdir().unwrap();
    bilan::pipeline::report(
        &config,
        year(2025),
        Audience::Interne,
        out.path(),
        false,
        today(),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));

    let detail = csv_cells(&std::fs::read(out.path().join("detail.csv")).unwrap(), b',');
    assert!(
        detail.iter().any(|c| *c == format!("'{formula}")),
        "{detail:?}"
    );
    assert!(detail.iter().any(|c| c == "'=1+2"), "{detail:?}");
    assert!(!detail.iter().any(|c| c.starts_with('=')), "{detail:?}");

    let indicators = csv_cells(
        &std::fs::read(out.path().join("indicateurs.csv")).unwrap(),
        b',',
    );
    assert!(indicators.iter().any(|c| c == "'=1+2"), "{indicators:?}");
    assert!(!indicators.iter().any(|c| c.starts_with('=')));

    let datasets = bilan::pipeline::check(&config, year(2025), today()).unwrap();
    let checked: Vec<_> = config.programmes.iter().zip(&datasets).collect();
    let findings = csv_cells(&bilan::output::findings::csv(&checked).unwrap(), b';');
    assert!(
        findings.iter().any(|c| *c == format!("'{formula}")),
        "{findings:?}"
    );
    // A code column's value is not repeated (issue 21, point 11): described instead.
    assert!(
        findings
            .iter()
            .any(|c| c == "valeur non reconnue, 8\u{a0}caractères"),
        "{findings:?}"
    );
    assert!(
        !findings.iter().any(|c| c.starts_with(['=', '@', '+'])),
        "{findings:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Where `--sortie` may write.
// ---------------------------------------------------------------------------------------------

fn umask_022(args: &[&str]) -> Output {
    // `sh -c 'umask 022; exec "$0" "$@"' bilan ARGS…`
    Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_bilan"))
        .args(args)
        .output()
        .expect("sh runs")
}

/// `verifier --format csv --sortie <the accompagnements export>` (also written
/// `dir/./accompagnements.csv`, or through a symbolic link to it; and the configuration
/// file itself): exit 1, « un des fichiers lus », the export and configuration unchanged.
/// `--sortie lien.csv`, a symbolic link to `vrai.csv`: exit 0 (clean data), the link still a
/// link, `vrai.csv` holds the findings CSV (BOM then the header `dispositif;…`).
/// `--sortie /dev/null` and `/dev/full`: exit 1, « fichier spécial ».
/// Under umask 022, a new `verifier` output and the files of `rapport` are mode 0644.
#[test]
fn chemins_de_sortie() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::new(&[("accompagnements", ACCOMPAGNEMENTS)]);
    let toml = site.toml();
    let toml = toml.to_str().unwrap();
    let verifier = |sortie: &str| {
        umask_022(&[
            "verifier", "--config", toml, "--annee", "2025", "--format", "csv", "--sortie", sortie,
        ])
    };
    let export = site.path("accompagnements.csv");
    let aliased = site.dir.path().join(".").join("accompagnements.csv");
    let to_export = site.path("vers_export.csv");
    std::os::unix::fs::symlink(&export, &to_export).unwrap();
    let configuration = std::fs::read(site.toml()).unwrap();
    for target in [&export, &aliased, &to_export, &site.toml()] {
        let o = verifier(target.to_str().unwrap());
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("un des fichiers lus"), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&export).unwrap(), ACCOMPAGNEMENTS);
        assert_eq!(std::fs::read(site.toml()).unwrap(), configuration);
    }

    let real = site.path("vrai.csv");
    std::fs::write(&real, "ancien").unwrap();
    let link = site.path("lien.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let o = verifier(link.to_str().unwrap());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(&real).unwrap();
    assert!(written.starts_with("\u{feff}dispositif;"), "{written}");

    for device in ["/dev/null", "/dev/full"] {
        let o = verifier(device);
        assert_eq!(o.status.code(), Some(1), "{device} : {}", stderr(&o));
        assert!(stderr(&o).contains("fichier spécial"), "{}", stderr(&o));
    }

    let fresh = site.path("constats.csv");
    let o = verifier(fresh.to_str().unwrap());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "{mode:o}");

    let out = site.path("resultats");
    let o = umask_022(&[
        "rapport",
        "--config",
        toml,
        "--annee",
        "2025",
        "--sortie",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for name in names(&out) {
        let mode = std::fs::metadata(out.join(&name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o644, "{name} : {mode:o}");
    }
}

/// Point 7 with a link whose file does not exist yet: `--sortie lien.csv`, `lien.csv` →
/// `nouveau.csv` (absent). Written through: exit 0, `lien.csv` still a link, `nouveau.csv`
/// created with the findings CSV.
#[test]
fn sortie_lien_vers_un_fichier_a_creer() {
    let site = Site::new(&[("accompagnements", ACCOMPAGNEMENTS)]);
    let link = site.path("lien.csv");
    std::os::unix::fs::symlink("nouveau.csv", &link).unwrap();
    let o = bilan(&[
        "verifier",
        "--config",
        site.toml().to_str().unwrap(),
        "--annee",
        "2025",
        "--format",
        "csv",
        "--sortie",
        link.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "le lien a été remplacé"
    );
    let written = std::fs::read_to_string(site.path("nouveau.csv")).unwrap();
    assert!(written.starts_with("\u{feff}dispositif;"), "{written}");
}

/// `cd resultats && bilan rapport … --sortie . && ls`: the folder the user is in, and
/// gave, is the one written into. `ls` in the same shell must list `indicateurs.csv`, and
/// the folder keep the mode the user gave it (0750 here).
#[test]
fn sortie_dossier_courant() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::new(&[("accompagnements", ACCOMPAGNEMENTS)]);
    let dir = site.path("resultats");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
    let o = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" rapport --config \"$1\" --annee 2025 --sortie . && ls")
        .arg(env!("CARGO_BIN_EXE_bilan"))
        .arg(site.toml())
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let listed = String::from_utf8_lossy(&o.stdout);
    assert!(listed.contains("indicateurs.csv"), "ls : {listed:?}");
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o750, "{mode:o}");
}

// ---------------------------------------------------------------------------------------------
// 8. Two programmes with one id.
// ---------------------------------------------------------------------------------------------

/// Two `[[dispositif]]` with `id = "d"`: their rows of `indicateurs.csv` could not be told
/// apart, so the configuration is refused, naming the id « d ».
#[test]
fn identifiant_de_dispositif_en_double() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("accompagnements.csv"), ACCOMPAGNEMENTS).unwrap();
    let programme = "[[dispositif]]\nid = \"d\"\nnom = \"D\"\ntype = \"ucsd\"\nplaces = 10\nouverture = 2020-01-01\n[dispositif.sources]\naccompagnements = \"accompagnements.csv\"\n";
    std::fs::write(
        dir.path().join("bilan.toml"),
        format!("site = \"Double\"\n{programme}{programme}"),
    )
    .unwrap();
    let message = format!(
        "{:#}",
        Config::read(&dir.path().join("bilan.toml")).expect_err("duplicate id refused")
    );
    assert!(message.contains("« d »"), "{message}");
    assert!(message.contains("identifiant"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// 9. Years out of range.
// ---------------------------------------------------------------------------------------------

/// `--annee 2262`, `99999`, `0`: a misuse (exit 2) said in French (« hors de celles
/// traitées », or « Valeur « … » invalide pour --annee »), within seconds (no year-long loop,
/// no overflow). A date `2262-05-01` in the data: a finding « valeur illisible » on line 3,
/// column date_entree, whose message says the year 2262 is implausible; the run ends.
#[test]
fn annees_hors_limites() {
    for y in ["2262", "99999", "0"] {
        let start = std::time::Instant::now();
        let o = bilan(&[
            "rapport", "--config", "x.toml", "--annee", y, "--sortie", "s",
        ]);
        assert_eq!(o.status.code(), Some(2), "{y} : {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("Valeur « {y} » invalide pour --annee")),
            "{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        assert!(
            start.elapsed().as_secs() < 10,
            "{y} : {:?}",
            start.elapsed()
        );
    }

    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\nP2,2262-05-01,,\n",
    )]);
    let data = site.data();
    let unreadable: Vec<(usize, Option<&str>)> = findings_of(&data, FindingKind::UnreadableValue)
        .iter()
        .map(|f| (f.line, f.column))
        .collect();
    assert_eq!(unreadable, [(3, Some("date_entree"))]);
    let message = &findings_of(&data, FindingKind::UnreadableValue)[0].message;
    assert!(message.contains("2262"), "{message}");
    assert!(message.contains("invraisemblable"), "{message}");
    let out = tempfile::tempdir().unwrap();
    site.run(year(2025), Audience::Interne, out.path(), false)
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// 10. Standard output closed early or full.
// ---------------------------------------------------------------------------------------------

/// `bilan indicateurs | head -1`, and into a pipe already closed: bilan exits 0 (a reader
/// that stops early ends the command quietly) and says nothing of a panic; one line reaches
/// `head`. `bilan indicateurs > /dev/full`: exit 1 and « Impossible d'écrire le résultat
/// sur la sortie standard ».
#[test]
fn sortie_standard_fermee_ou_pleine() {
    let o = Command::new("bash")
        .arg("-c")
        .arg("\"$0\" indicateurs | head -1; echo \"code=${PIPESTATUS[0]}\" >&2")
        .arg(env!("CARGO_BIN_EXE_bilan"))
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("code=0"), "{err}");
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);

    // `head -1` may read after bilan has written its few kilobytes: the same with a pipe
    // whose reading end is closed before bilan starts, so that its write must fail.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = Command::new(env!("CARGO_BIN_EXE_bilan"))
        .arg("indicateurs")
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));

    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bilan"))
        .arg("indicateurs")
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Impossible d'écrire le résultat sur la sortie standard"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

/// Point 10 on the standard error: `bilan rapport … 2> /dev/full`. The summary cannot be
/// written, but the run itself succeeded (its files are there): exit 0, and a failing run
/// (a configuration that does not exist) exit 1; never the 101 of a panic.
#[test]
fn erreur_standard_pleine() {
    let site = Site::new(&[("accompagnements", ACCOMPAGNEMENTS)]);
    let out = site.path("resultats");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let o = Command::new(env!("CARGO_BIN_EXE_bilan"))
        .args(["rapport", "--config", site.toml().to_str().unwrap()])
        .args(["--annee", "2025", "--sortie", out.to_str().unwrap()])
        .stderr(full())
        .output()
        .unwrap();
    assert!(out.join("indicateurs.csv").is_file());
    assert_eq!(o.status.code(), Some(0));
    let o = Command::new(env!("CARGO_BIN_EXE_bilan"))
        .args(["rapport", "--config", "absente.toml", "--annee", "2025"])
        .args(["--sortie", out.to_str().unwrap()])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}

// ---------------------------------------------------------------------------------------------
// 11. Messages in French, short.
// ---------------------------------------------------------------------------------------------

/// English words serde and toml use; none may reach the user (whole words: the French
/// « invalide » is not the English « invalid »).
fn english(message: &str) -> Option<&'static str> {
    let words: Vec<String> = message
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    [
        "expected",
        "invalid",
        "found",
        "unexpected",
        "missing",
        "integer",
        "string",
        "unclosed",
        "extra",
    ]
    .into_iter()
    .find(|w| words.iter().any(|x| x == w))
}

fn config_error(text: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("accompagnements.csv"), ACCOMPAGNEMENTS).unwrap();
    std::fs::write(dir.path().join("bilan.toml"), text).unwrap();
    format!(
        "{:#}",
        Config::read(&dir.path().join("bilan.toml")).expect_err("configuration refused")
    )
}

const CONFIG: &str = "site = \"Essai\"\n[[dispositif]]\nid = \"d\"\nnom = \"D\"\ntype = \"ucsd\"\nplaces = 10\nouverture = 2020-01-01\n[dispositif.sources]\naccompagnements = \"accompagnements.csv\"\n";

/// - `places = = 10` on line 6: « ligne 6 » and the line's text « places = = 10 » (that
///   the explanation after them is French too: `syntaxe_toml_en_francais`).
/// - `places = -3`: names « places » (a count of places is positive); no English.
/// - `ouverture = 2019-02-30`: names the date; no English.
/// - `--config` a folder: « est un dossier ».
/// - a configuration in Windows-1252 (`site = "Résidence Hélène"`): read, accents right.
/// - `--annee abc`: exit 2, « Valeur « abc » invalide pour --annee ».
/// - a profile whose line 2 is `[accompagnements` (unclosed): « ligne 2 ».
/// - a 10,000-character header in place of date_entree: the refusal quotes it cut short
///   (the whole message under 1,000 characters); a 10,000-character code: the finding's
///   value is at most 60 characters and « … », its line under 500.
#[test]
fn messages_en_francais() {
    let m = config_error(CONFIG.replace("places = 10", "places = = 10").as_bytes());
    assert!(m.contains("ligne 6"), "{m}");
    assert!(m.contains("« places = = 10 »"), "{m}");

    let m = config_error(CONFIG.replace("places = 10", "places = -3").as_bytes());
    assert!(m.contains("places"), "{m}");
    assert_eq!(english(&m), None, "{m}");

    let m = config_error(
        CONFIG
            .replace("ouverture = 2020-01-01", "ouverture = 2019-02-30")
            .as_bytes(),
    );
    assert!(m.contains("2019-02-30") || m.contains("ouverture"), "{m}");
    assert_eq!(english(&m), None, "{m}");

    let dir = tempfile::tempdir().unwrap();
    let m = format!("{:#}", Config::read(dir.path()).expect_err("a folder"));
    assert!(m.contains("est un dossier"), "{m}");

    let accented = CONFIG.replace("\"Essai\"", "\"Résidence Hélène\"");
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&accented);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("accompagnements.csv"), ACCOMPAGNEMENTS).unwrap();
    std::fs::write(dir.path().join("bilan.toml"), &cp1252).unwrap();
    assert_eq!(
        Config::read(&dir.path().join("bilan.toml")).unwrap().site,
        "Résidence Hélène"
    );

    let o = bilan(&[
        "rapport", "--config", "x.toml", "--annee", "abc", "--sortie", "s",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Valeur « abc » invalide pour --annee"),
        "{}",
        stderr(&o)
    );

    let profile = dir.path().join("profil.toml");
    std::fs::write(
        &profile,
        "nom = \"Profil\"\n[accompagnements\ncolonnes = { id_personne = \"Dossier\" }\n",
    )
    .unwrap();
    let m = format!(
        "{:#}",
        bilan::profile::Profile::read(&profile).expect_err("syntax error")
    );
    assert!(m.contains("ligne 2"), "{m}");

    let long = "x".repeat(10_000);
    let site = Site::new(&[(
        "accompagnements",
        &format!("id_personne,{long},date_sortie,motif_sortie\nP1,2024-01-01,,\n"),
    )]);
    let m = format!("{:#}", site.try_data().err().expect("no date_entree"));
    assert!(m.contains("date_entree"), "{m}");
    assert!(
        m.chars().count() < 1_000,
        "{} caractères",
        m.chars().count()
    );

    let site = Site::new(&[(
        "accompagnements",
        &format!(
            "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,2024-06-30,{long}\n"
        ),
    )]);
    let data = site.data();
    let f = findings_of(&data, FindingKind::UnknownCode)[0];
    // Described, not repeated (issue 21, point 11).
    let value = f.value.clone().unwrap();
    assert_eq!(value, "valeur non reconnue, 10\u{202f}000\u{a0}caractères");
    assert!(f.to_string().chars().count() < 500, "{f}");
}

/// A TOML syntax error, in the configuration (`places = = 10`) or in a profile (line 2
/// `[accompagnements` unclosed), must be explained in French after its line and excerpt:
/// no English word of the toml parser.
#[test]
fn syntaxe_toml_en_francais() {
    let m = config_error(CONFIG.replace("places = 10", "places = = 10").as_bytes());
    assert!(m.contains("ligne 6"), "{m}");
    assert_eq!(english(&m), None, "{m}");

    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profil.toml");
    std::fs::write(
        &profile,
        "nom = \"Profil\"\n[accompagnements\ncolonnes = { id_personne = \"Dossier\" }\n",
    )
    .unwrap();
    let m = format!(
        "{:#}",
        bilan::profile::Profile::read(&profile).expect_err("syntax error")
    );
    assert!(m.contains("ligne 2"), "{m}");
    assert_eq!(english(&m), None, "{m}");
}

/// Point 11, `--config absent.toml` in a folder that exists (and a profile that does not
/// exist): the file is missing, not a folder, so the message must say the file cannot be
/// found (« introuvable ») without calling it a « dossier introuvable ».
#[test]
fn fichier_de_configuration_absent() {
    let dir = tempfile::tempdir().unwrap();
    let m = format!(
        "{:#}",
        Config::read(&dir.path().join("absent.toml")).expect_err("missing")
    );
    assert!(m.contains("introuvable"), "{m}");
    assert!(!m.contains("dossier introuvable"), "{m}");
    let m = format!(
        "{:#}",
        bilan::profile::Profile::read(&dir.path().join("profil.toml")).expect_err("missing")
    );
    assert!(m.contains("introuvable"), "{m}");
    assert!(!m.contains("dossier introuvable"), "{m}");
}

/// Found by the property test below: a CSV whose lines end with a lone carriage return
/// (old Mac export) `a\rP1…\rP2…\rP3…,en trop\r`. Its rows are lines 2, 3, 4 as an editor
/// shows them, so the row of 5 cells is reported « ligne mal formée » on line 4.
#[test]
fn fins_de_ligne_cr_seules() {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\rP1,2024-01-01,,\rP2,2024-02-01,,\rP3,2024-03-01,,,en trop\r",
    )]);
    let data = site.data();
    let lines: Vec<usize> = findings_of(&data, FindingKind::MalformedRow)
        .iter()
        .map(|f| f.line)
        .collect();
    assert_eq!(lines, [4]);
}

// ---------------------------------------------------------------------------------------------
// 12. Dates that do not exist; UTF-16.
// ---------------------------------------------------------------------------------------------

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// `2025-13-01` as an entry date: « valeur illisible » whose message says the date does
/// not exist (« n'existe pas »), not that the year has two digits; so are `29/02/2025`,
/// `31/04/2025` and `2025-02-30`. The same site saved in
/// UTF-16 LE with a BOM, UTF-16 LE without one, UTF-16 BE with one: `indicateurs.csv`
/// byte-identical to the UTF-8 run's, and the same findings.
#[test]
fn dates_impossibles_et_utf16() {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\nP2,2025-13-01,,\n",
    )]);
    let data = site.data();
    let f = findings_of(&data, FindingKind::UnreadableValue);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].line, f[0].column), (3, Some("date_entree")));
    assert!(f[0].message.contains("n'existe pas"), "{}", f[0].message);
    assert!(!f[0].message.contains("deux chiffres"), "{}", f[0].message);
    for date in ["29/02/2025", "31/04/2025", "2025-02-30"] {
        let site = Site::new(&[(
            "accompagnements",
            &format!("id_personne,date_entree,date_sortie,motif_sortie\nP1,{date},,\n"),
        )]);
        let data = site.data();
        let f = findings_of(&data, FindingKind::UnreadableValue);
        assert_eq!(f.len(), 1, "{date}");
        assert!(
            f[0].message.contains("n'existe pas"),
            "{date} : {}",
            f[0].message
        );
    }

    let accompagnements = "id_personne;date_entree;date_sortie;motif_sortie\r\nP1;01/01/2024;;\r\nP2;01/03/2024;30/06/2025;décès\r\nP3;01/02/2025;;\r\n";
    let personnes = "id_personne;annee_naissance;sexe;situation_avant_entree;orienteur\r\nP1;1980;F;rue;siao\r\nP2;1975;H;squat;empp\r\nP3;1990;F;rue;siao\r\n";
    let runs: Vec<(String, usize)> = (0..4)
        .map(|variant| {
            let encode = |text: &str| -> Vec<u8> {
                match variant {
                    0 => text.as_bytes().to_vec(),
                    1 => utf16le(text, true),
                    2 => utf16le(text, false),
                    _ => {
                        let mut b = vec![0xFE, 0xFF];
                        b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
                        b
                    }
                }
            };
            let site = Site::new(&[("accompagnements", ""), ("personnes", "")]);
            std::fs::write(site.path("accompagnements.csv"), encode(accompagnements)).unwrap();
            std::fs::write(site.path("personnes.csv"), encode(personnes)).unwrap();
            let out = tempfile::tempdir().unwrap();
            site.run(year(2025), Audience::Interne, out.path(), false)
                .unwrap_or_else(|e| panic!("variante {variant} : {e:#}"));
            let raw = std::fs::read_to_string(out.path().join("indicateurs.csv")).unwrap();
            (raw, site.data().findings.len())
        })
        .collect();
    assert!(runs[0].0.contains("\nd,2025-01-01"), "{}", runs[0].0);
    for (variant, run) in runs.iter().enumerate().skip(1) {
        assert!(
            run.0 == runs[0].0,
            "variante {variant} : chiffres différents"
        );
        assert_eq!(run.1, runs[0].1, "variante {variant} : constats");
    }
}

/// Found by the property test `classeur_nombres`: a workbook whose `date_entree` cell holds
/// the number -1e20 formatted as a date (a serial of -10^20 days, a typing slip). It is no
/// date: « valeur illisible » on row 2, column date_entree; the check must not panic.
#[test]
fn serie_de_date_immense() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["id_personne", "date_entree", "date_sortie", "motif_sortie"]
        .iter()
        .enumerate()
    {
        sheet.write(0, c as u16, *h).unwrap();
    }
    sheet.write(1, 0, "P1").unwrap();
    sheet.write_number_with_format(1, 1, -1e20, &date).unwrap();
    book.save(dir.path().join("accompagnements.xlsx")).unwrap();
    std::fs::write(
        dir.path().join("bilan.toml"),
        "site = \"Classeur\"\n[[dispositif]]\nid = \"d\"\nnom = \"D\"\ntype = \"ucsd\"\nplaces = 10\nouverture = 2020-01-01\n[dispositif.sources]\naccompagnements = \"accompagnements.xlsx\"\n",
    )
    .unwrap();
    let config = Config::read(&dir.path().join("bilan.toml")).unwrap();
    let data = bilan::pipeline::check(&config, year(2025), today())
        .unwrap()
        .remove(0);
    let unreadable: Vec<(usize, Option<&str>)> = findings_of(&data, FindingKind::UnreadableValue)
        .iter()
        .map(|f| (f.line, f.column))
        .collect();
    assert_eq!(unreadable, [(2, Some("date_entree"))]);
}

// ---------------------------------------------------------------------------------------------
// 13. Impossible settings and negative quantities.
// ---------------------------------------------------------------------------------------------

/// - `places = 0`: refused (« 0 place »).
/// - `objectif_vad = -1` (and 0, nan, inf: no positive target): refused, naming objectif_vad.
/// - `ouverture = 2026-03-01` with `--annee 2025`: stderr has « Attention » and
///   « ouvre le 01/03/2026 » (the run still ends, exit 0).
/// - effectifs: infirmier 1 ETP from 2025-01-01, educateur `-1` from 2025-01-01;
///   budget realise `-5`: each a « valeur illisible » (« négatif ») on its line; the
///   negative ETP is not published: etp_moyens total = 1 × 365 ÷ 365 = 1 (the -1 counted
///   would give 0), the same as with the educateur's ETP left empty.
#[test]
fn reglages_impossibles_et_quantites_negatives() {
    let m = config_error(CONFIG.replace("places = 10", "places = 0").as_bytes());
    assert!(m.contains("0 place"), "{m}");
    for target in ["-1", "0", "nan", "inf"] {
        let m = config_error(
            CONFIG
                .replace(
                    "places = 10",
                    &format!("places = 10\nobjectif_vad = {target}"),
                )
                .as_bytes(),
        );
        assert!(m.contains("objectif_vad"), "{target} : {m}");
    }

    let site = Site::with(&[("accompagnements", ACCOMPAGNEMENTS)], "", "");
    std::fs::write(
        site.toml(),
        std::fs::read_to_string(site.toml())
            .unwrap()
            .replace("ouverture = 2020-01-01", "ouverture = 2026-03-01"),
    )
    .unwrap();
    let out = site.path("resultats");
    let o = bilan(&[
        "rapport",
        "--config",
        site.toml().to_str().unwrap(),
        "--annee",
        "2025",
        "--sortie",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("Attention"), "{}", stderr(&o));
    assert!(stderr(&o).contains("ouvre le 01/03/2026"), "{}", stderr(&o));

    let effectifs = |etp: &str| {
        format!(
            "metier;etp;date_debut;date_fin\ninfirmier;1;2025-01-01;\neducateur;{etp};2025-01-01;\n"
        )
    };
    let budget = "poste;groupe;prevu;realise\nLoyers;groupe_3;1000;-5\n";
    let negative = Site::new(&[
        ("accompagnements", ACCOMPAGNEMENTS),
        ("effectifs", &effectifs("-1")),
        ("budget", budget),
    ]);
    let data = negative.data();
    let mut seen: Vec<(Table, usize, Option<&str>)> =
        findings_of(&data, FindingKind::UnreadableValue)
            .iter()
            .filter(|f| f.message.contains("négatif"))
            .map(|f| (f.table, f.line, f.column))
            .collect();
    seen.sort();
    let mut expected = vec![
        (Table::Effectifs, 3, Some("etp")),
        (Table::Budget, 2, Some("realise")),
    ];
    expected.sort();
    assert_eq!(seen, expected);

    let empty = Site::new(&[
        ("accompagnements", ACCOMPAGNEMENTS),
        ("effectifs", &effectifs("")),
    ]);
    for site in [&negative, &empty] {
        let out = tempfile::tempdir().unwrap();
        site.run(year(2025), Audience::Interne, out.path(), false)
            .unwrap();
        let report = Report::read(out, &[2025]);
        let mut checks = Checks::of(&report, "d");
        checks.value(P25, "etp_moyens", "total", 1.0);
        checks.finish();
    }
}

/// The tables of a site are read side by side, but the error reported is the first in the
/// order of the tables (personnes before accompagnements), not the first to happen.
/// `personnes.csv` has 30,000 rows and a sixth column without header whose only value is
/// on its last row, while `annee_naissance` is missing: that is found once every row is
/// read. `accompagnements.csv` does not exist: that is found at once. The error must be
/// the one of `personnes.csv`, its column n° 6.
#[test]
fn la_premiere_erreur_dans_l_ordre_des_tables() {
    let mut personnes =
        String::from("id_personne,date_naissance,sexe,situation_avant_entree,orienteur,\n");
    for i in 1..30_000 {
        personnes.push_str(&format!("P{i},1980-01-01,H,rue,empp,\n"));
    }
    personnes.push_str("P30000,1980-01-01,H,rue,empp,valeur\n");
    let site = Site::new(&[("personnes", &personnes)]);
    let mut toml = std::fs::read_to_string(site.toml()).unwrap();
    toml.push_str("accompagnements = \"absent.csv\"\n");
    std::fs::write(site.toml(), toml).unwrap();
    let m = format!("{:#}", site.try_data().err().expect("two errors"));
    assert!(m.contains("personnes.csv"), "{m}");
    assert!(m.contains("colonne n° 6 n'a pas d'en-tête"), "{m}");
    assert!(!m.contains("introuvable"), "{m}");
}

// ---------------------------------------------------------------------------------------------
// Property: the readers never panic and never lose a row in silence.
// ---------------------------------------------------------------------------------------------

mod proprietes {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str = "id_personne,date_entree,date_sortie,motif_sortie";

    /// A site whose accompagnements come from `file` (bytes written as they are).
    fn site_of(name: &str, bytes: &[u8]) -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), bytes).unwrap();
        std::fs::write(
            dir.path().join("bilan.toml"),
            format!("site = \"P\"\n[[dispositif]]\nid = \"d\"\nnom = \"D\"\ntype = \"ucsd\"\nplaces = 10\nouverture = 2020-01-01\n[dispositif.sources]\naccompagnements = \"{name}\"\n"),
        )
        .unwrap();
        let config = Config::read(&dir.path().join("bilan.toml")).unwrap();
        (dir, config)
    }

    /// Rows in, rows accounted for: read (in the table) or left out (counted in
    /// `excluded`, each with a blocking finding on its line).
    fn accounted(data: &Dataset, rows: usize) -> Result<(), TestCaseError> {
        let read = data
            .tables
            .get(&Table::Accompagnements)
            .map_or(0, |t| t.height());
        let excluded = data
            .excluded
            .get(&Table::Accompagnements)
            .copied()
            .unwrap_or(0);
        let blocking = data
            .findings
            .iter()
            .filter(|f| f.table == Table::Accompagnements && f.blocking)
            .count();
        let totals = data
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::TotalsRow)
            .count();
        prop_assert_eq!(
            read + excluded.max(totals),
            rows,
            "lues {} + écartées {} (totaux {}) pour {} lignes",
            read,
            excluded,
            totals,
            rows
        );
        prop_assert!(
            blocking >= excluded,
            "{} lignes écartées, {} constats bloquants",
            excluded,
            blocking
        );
        Ok(())
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("P1".to_string()),
            Just("2024-01-01".to_string()),
            Just("31/12/2024".to_string()),
            Just("deces".to_string()),
            "[a-zA-Z0-9 éÉ\",;\\-/\\r\\n]{0,12}",
        ]
    }

    fn rows() -> impl Strategy<Value = Vec<Vec<String>>> {
        prop::collection::vec(prop::collection::vec(cell(), 1..7), 0..12)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any bytes after a valid header: `check` returns (Ok or a French error), never
        /// panics.
        #[test]
        fn octets_quelconques(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut file = format!("{HEADER}\n").into_bytes();
            file.extend(&bytes);
            let (_dir, config) = site_of("accompagnements.csv", &file);
            let _ = bilan::pipeline::check(&config, year(2025), today());
            let (_dir, config) = site_of("accompagnements.xlsx", &bytes);
            let _ = bilan::pipeline::check(&config, year(2025), today());
            // The same bytes as UTF-16 text, by its BOM.
            let mut utf16 = vec![0xFF, 0xFE];
            utf16.extend(HEADER.encode_utf16().flat_map(u16::to_le_bytes));
            utf16.extend(&bytes);
            let (_dir, config) = site_of("accompagnements.csv", &utf16);
            let _ = bilan::pipeline::check(&config, year(2025), today());
        }

        /// Numbers of any size in a workbook, plain or formatted as dates (a serial far
        /// beyond 9999 — up to a billion days, see `serie_de_date_immense` beyond —,
        /// negative; NaN aside, as a workbook cannot hold it): never a panic, every row read
        /// or left out.
        #[test]
        fn classeur_nombres(rows in prop::collection::vec(prop::collection::vec((any::<f64>(), any::<bool>()), 4), 1..6)) {
            let dir = tempfile::tempdir().unwrap();
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            for (c, h) in HEADER.split(',').enumerate() {
                sheet.write(0, c as u16, h).unwrap();
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, (n, as_date)) in row.iter().enumerate() {
                    let n = if n.is_finite() { *n } else { 1e300 };
                    if *as_date {
                        // Beyond about 1e11 days calamine panics: `serie_de_date_immense`.
                        let n = n.clamp(-1e9, 1e9);
                        sheet.write_number_with_format(r as u32 + 1, c as u16, n, &date).unwrap();
                    } else {
                        sheet.write_number(r as u32 + 1, c as u16, n).unwrap();
                    }
                }
            }
            let path = dir.path().join("accompagnements.xlsx");
            book.save(&path).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let (_site, config) = site_of("accompagnements.xlsx", &bytes);
            if let Ok(mut all) = bilan::pipeline::check(&config, year(2025), today()) {
                accounted(&all.remove(0), rows.len())?;
            }
        }

        /// Rows of random cells, quotes, separators and line ends: either the file is
        /// refused with an error naming it, or every record the CSV holds (non-blank) is read
        /// or left out with a blocking finding, and every finding is on a line of the file.
        #[test]
        fn csv_aleatoire(rows in rows()) {
            let mut text = format!("{HEADER}\n");
            for row in &rows {
                text.push_str(&row.join(","));
                text.push('\n');
            }
            // The records as a CSV reader sees them, blank ones aside.
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(true)
                .from_reader(text.as_bytes());
            let records = reader
                .records()
                .filter_map(Result::ok)
                .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
                .count();
            let (_dir, config) = site_of("accompagnements.csv", text.as_bytes());
            match bilan::pipeline::check(&config, year(2025), today()) {
                Ok(mut all) => {
                    let data = all.remove(0);
                    accounted(&data, records)?;
                    // Each row's finding points at a line of the file after the header
                    // (lone carriage returns aside: `fins_de_ligne_cr_seules`).
                    if !text.contains('\r') {
                        let last = text.matches('\n').count();
                        for f in data.findings.iter().filter(|f| f.kind != FindingKind::MissingColumn) {
                            prop_assert!((2..=last).contains(&f.line), "{} hors de 2..={}", f, last);
                        }
                    }
                }
                Err(e) => prop_assert!(format!("{e:#}").contains("accompagnements.csv"), "{:#}", e),
            }
        }

        /// The same through a workbook: every non-blank row read or left out.
        #[test]
        fn classeur_aleatoire(rows in rows()) {
            let dir = tempfile::tempdir().unwrap();
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            for (c, h) in HEADER.split(',').enumerate() {
                sheet.write(0, c as u16, h).unwrap();
            }
            let mut count = 0;
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if !v.is_empty() {
                        sheet.write(r as u32 + 1, c as u16, v.as_str()).unwrap();
                    }
                }
                if row.iter().any(|v| !v.trim().is_empty()) {
                    count += 1;
                }
            }
            let path = dir.path().join("accompagnements.xlsx");
            book.save(&path).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let (_site, config) = site_of("accompagnements.xlsx", &bytes);
            if let Ok(mut all) = bilan::pipeline::check(&config, year(2025), today()) {
                accounted(&all.remove(0), count)?;
            }
        }
    }
}
