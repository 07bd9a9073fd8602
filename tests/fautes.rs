//! Faults and hostile input, second campaign (issue 21, points 5 to 7): special files,
//! unbounded work, crashes, silent wrong figures. Each test builds its input in a
//! temporary folder, most from a copy of `sample-data/reference` or its results, and
//! asserts the French refusal (or the hand-computed figure) the issue asks for.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use bilan::privacy::Audience;
use common::{reference_copy, stderr, today};

/// The `interne` 2025 results of the reference site, in `out`.
fn reference_results(out: &Path) {
    let site = reference_copy();
    let config = bilan::config::Config::read(&site.path().join("bilan.toml")).unwrap();
    bilan::pipeline::report(
        &config,
        bilan::period::Period::year(2025).unwrap(),
        Audience::Interne,
        out,
        false,
        today(),
    )
    .unwrap_or_else(|e| panic!("bilan rapport : {e:#}"));
}

/// A FIFO at `path`, that nothing ever writes to: opening it to read blocks for ever.
fn fifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// The binary run with these arguments; a run still going after 60 s (one blocked on a
/// FIFO) is killed and the test fails rather than hangs.
fn bilan_within(args: &[&std::ffi::OsStr]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bilan"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("bilan {args:?} bloqué plus de 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// The message every special file is refused with, naming it.
fn refused_as_special(o: &Output, path: &Path) {
    let message = stderr(o);
    assert_eq!(o.status.code(), Some(1), "{message}");
    assert!(
        message.contains(&path.display().to_string()),
        "le message nomme le fichier : {message}"
    );
    assert!(
        message.contains("n'est pas un fichier ordinaire"),
        "{message}"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Bounds: a FIFO or a device is refused at once, never read.
// ---------------------------------------------------------------------------------------------

/// A FIFO as `--config`, as the profile, as an export, as `reperes.csv`, and /dev/zero as
/// an export: each refused at once (the run would block on the FIFO, or read /dev/zero
/// until memory runs out), naming the file.
#[test]
fn fifo_et_peripherique_refuses() {
    let out = tempfile::tempdir().unwrap();
    let sortie = out.path().join("sortie");
    let run = |config: &Path| {
        bilan_within(&[
            "rapport".as_ref(),
            "--config".as_ref(),
            config.as_os_str(),
            "--annee".as_ref(),
            "2025".as_ref(),
            "--sortie".as_ref(),
            sortie.as_os_str(),
        ])
    };
    // --config
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bilan.toml");
    fifo(&config);
    refused_as_special(&run(&config), &config);

    // An export (personnes.csv) as a FIFO, then as /dev/zero through a link.
    let site = reference_copy();
    let personnes = site.path().join("personnes.csv");
    std::fs::remove_file(&personnes).unwrap();
    fifo(&personnes);
    refused_as_special(&run(&site.path().join("bilan.toml")), &personnes);
    std::fs::remove_file(&personnes).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &personnes).unwrap();
    refused_as_special(&run(&site.path().join("bilan.toml")), &personnes);

    // The profile and reperes.csv, named in the configuration.
    for (key, file) in [("profil", "profil.toml"), ("reperes", "reperes.csv")] {
        let site = reference_copy();
        let toml = site.path().join("bilan.toml");
        let text = std::fs::read_to_string(&toml).unwrap();
        // `reperes` is a key of the site, before the first section; `profil` one of
        // the programme, after its opening date.
        let at = match key {
            "reperes" => text.find("\n[").expect("a section"),
            _ => text.find("ouverture = 2019-03-01").expect("the opening") + 22,
        };
        let text = format!("{}\n{key} = \"{file}\"\n{}", &text[..at], &text[at..]);
        std::fs::write(&toml, text).unwrap();
        fifo(&site.path().join(file));
        refused_as_special(&run(&toml), &site.path().join(file));
    }
}

/// `bilan consolider` on a results folder whose `manifeste.json`, then `indicateurs.csv`,
/// is a FIFO: refused at once, naming the file.
#[test]
fn consolider_un_manifeste_fifo() {
    for file in ["manifeste.json", "indicateurs.csv"] {
        let results = tempfile::tempdir().unwrap();
        reference_results(results.path());
        let path = results.path().join(file);
        std::fs::remove_file(&path).unwrap();
        fifo(&path);
        let out = tempfile::tempdir().unwrap();
        let o = bilan_within(&[
            "consolider".as_ref(),
            results.path().as_os_str(),
            "--sortie".as_ref(),
            out.path().join("national").as_os_str(),
        ]);
        refused_as_special(&o, &path);
    }
}

/// A small sheet (a header, one row) with one stray value in XFD1048576, the last cell
/// of a sheet: its used range is 1,048,576 rows × 16,384 columns (17 thousand million
/// cells, hundreds of gigabytes). Refused before it is allocated, naming the cell; the
/// same sheet without the stray value reads its one row.
#[test]
fn valeur_isolee_en_xfd1048576() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accompagnements.xlsx");
    let write = |stray: bool| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write(0, 0, "id_personne").unwrap();
        sheet.write(0, 1, "date_entree").unwrap();
        sheet.write(1, 0, "P1").unwrap();
        sheet.write(1, 1, "2025-01-01").unwrap();
        if stray {
            sheet.write(1_048_575, 16_383, "x").unwrap();
        }
        book.save(&path).unwrap();
    };
    write(false);
    let grid = bilan::ingest::file::read(&path, None, Default::default()).unwrap();
    let mut rows = 0;
    grid.for_each_line(|_| {
        rows += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(rows, 1);
    write(true);
    let message = match bilan::ingest::file::read(&path, None, Default::default()) {
        Ok(_) => panic!("feuille démesurée acceptée"),
        Err(e) => format!("{e:#}"),
    };
    assert!(message.contains("accompagnements.xlsx"), "{message}");
    assert!(
        message.contains("jusqu'à la cellule XFD1048576"),
        "{message}"
    );
    assert!(
        message.contains("1\u{202f}048\u{202f}576 lignes sur 16\u{202f}384 colonnes"),
        "{message}"
    );
}

/// A « zip bomb »: an XLSX archive of a few megabytes whose sheet unpacks to 2 GiB and
/// one byte of spaces, beyond the 2 GiB a workbook may unpack to. Refused before any
/// of it is unpacked, in French, naming the file; nothing is unpacked, so the refusal is
/// immediate.
#[test]
fn classeur_bombe_zip() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accompagnements.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..2048 {
        zip.write_all(&block).unwrap();
    }
    zip.write_all(b" ").unwrap();
    zip.finish().unwrap();
    let start = Instant::now();
    let message = match bilan::ingest::file::read(&path, None, Default::default()) {
        Ok(_) => panic!("bombe acceptée"),
        Err(e) => format!("{e:#}"),
    };
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(message.contains("accompagnements.xlsx"), "{message}");
    // 2 GiB + 1 byte is 2,049 MiB once rounded up to whole mebibytes.
    assert!(
        message
            .contains("occuperait 2\u{202f}049 Mo une fois décompressé (au plus 2\u{202f}048 Mo)"),
        "{message}"
    );
}

/// Reference copy, `personnes.csv` with 10,000 more columns (`x0`…`x9999`, each row
/// `v` in them): read with no finding about them, in seconds. Every header was compared
/// with all those before it (50 million comparisons, three minutes in a debug build).
#[test]
fn dix_mille_colonnes() {
    let site = reference_copy();
    let path = site.path().join("personnes.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let extra: Vec<String> = (0..10_000).map(|i| format!("x{i}")).collect();
    let filler = vec!["v"; 10_000].join(",");
    let wide: Vec<String> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| match (i, l.is_empty()) {
            (_, true) => String::new(),
            (0, _) => format!("{l},{}", extra.join(",")),
            _ => format!("{l},{filler}"),
        })
        .collect();
    std::fs::write(&path, wide.join("\n")).unwrap();
    let config = bilan::config::Config::read(&site.path().join("bilan.toml")).unwrap();
    let start = Instant::now();
    let data = bilan::pipeline::check(&config, bilan::period::Period::year(2025).unwrap(), today())
        .unwrap()
        .remove(0);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    // The sample's findings: none.
    assert!(data.findings.is_empty(), "{:?}", data.findings);
}

// ---------------------------------------------------------------------------------------------
// 6. Crashes.
// ---------------------------------------------------------------------------------------------

/// A manifest whose catalogue version was edited into non-ASCII text (« éééé… », two
/// bytes a character): the version quoted in the message is cut at 12 characters, not
/// at byte 12 inside a character (a panic). Alone, the folder differs from the tool's
/// catalogue; beside the unedited folder, from the other site's.
#[test]
fn version_de_catalogue_non_ascii() {
    let results = tempfile::tempdir().unwrap();
    reference_results(results.path());
    let edited = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(results.path()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), edited.path().join(entry.file_name())).unwrap();
    }
    let path = edited.path().join("manifeste.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    manifest["catalogue"] = serde_json::Value::from("é".repeat(20));
    std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let twelve = "é".repeat(12);
    let out = tempfile::tempdir().unwrap();
    let consolidate = |folders: &[PathBuf]| {
        let e = bilan::pipeline::consolidate(
            folders,
            Audience::Interne,
            &out.path().join("national"),
            false,
            today(),
        )
        .expect_err("refused");
        format!("{e:#}")
    };
    let alone = consolidate(&[edited.path().to_path_buf()]);
    assert!(alone.contains("autre catalogue"), "{alone}");
    assert!(alone.contains(&format!("version {twelve})")), "{alone}");
    let together = consolidate(&[results.path().to_path_buf(), edited.path().to_path_buf()]);
    assert!(
        together.contains("Catalogues d'indicateurs différents"),
        "{together}"
    );
    assert!(
        together.contains(&format!("version {twelve})")),
        "{together}"
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Silent wrong figures.
// ---------------------------------------------------------------------------------------------

/// `reperes.csv` with « NaN » as a median, then « inf » as a maximum, on a benchmark
/// published over 5 sites: refused with its line (2, the first after the header) and
/// the value, not published as « NaN % (inf % – inf %) ». The same row with numbers reads.
#[test]
fn reperes_nan_ou_infini() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reperes.csv");
    let header = "type,periode_debut,periode_fin,indicateur,modalite,sites,publie,minimum,q1,mediane,q3,maximum\n";
    let row = |median: &str, max: &str| {
        format!(
            "{header}ucsd,2025-01-01,2025-12-31,acces_logement,total,5,oui,10,20,{median},40,{max}\n"
        )
    };
    std::fs::write(&path, row("30", "50")).unwrap();
    assert_eq!(bilan::output::reperes::read(&path).unwrap().len(), 1);
    for (median, max, shown) in [("NaN", "50", "NaN"), ("30", "inf", "inf")] {
        std::fs::write(&path, row(median, max)).unwrap();
        let e = match bilan::output::reperes::read(&path) {
            Ok(_) => panic!("{median} / {max} acceptés"),
            Err(e) => format!("{e:#}"),
        };
        assert!(e.contains("ligne 2 : nombre « "), "{e}");
        assert!(e.contains(&format!("« {shown} » illisible")), "{e}");
    }
}

/// A site's `indicateurs.csv` whose first value (line 2, « places ») is made « NaN »,
/// its fingerprint in `manifeste.json` updated to match: `consolider` refuses it, naming
/// the folder, the line and the column, instead of publishing NaN in every ensemble.
#[test]
fn consolider_un_nan() {
    let results = tempfile::tempdir().unwrap();
    reference_results(results.path());
    let csv_path = results.path().join("indicateurs.csv");
    let text = std::fs::read_to_string(&csv_path).unwrap();
    // Line 2 is `ucsd_lille,2025-01-01,2025-12-31,places,total,100,,,places,`.
    let text = text.replacen(",places,total,100,", ",places,total,NaN,", 1);
    std::fs::write(&csv_path, &text).unwrap();
    let manifest_path = results.path().join("manifeste.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    manifest["indicateurs_csv"] = bilan::digest::sha256(text.as_bytes()).into();
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let e = bilan::pipeline::consolidate(
        &[results.path().to_path_buf()],
        Audience::Interne,
        &out.path().join("national"),
        false,
        today(),
    )
    .expect_err("NaN refused");
    let e = format!("{e:#}");
    assert!(e.contains(&results.path().display().to_string()), "{e}");
    assert!(
        e.contains(
            "indicateurs.csv, ligne 2, colonne « valeur » : « NaN » n'est pas un nombre fini"
        ),
        "{e}"
    );
}

/// A site indicator summing `montant_du / 0` over the rent rows of the reference site:
/// every term is +inf (amounts are positive), so is the sum. The figure is published
/// without a value (« non calculé »), never as « inf »: its row of `indicateurs.csv` has
/// an empty value, and neither `inf` nor `NaN` is in the file or the report.
#[test]
fn division_par_zero_non_publiee() {
    let site = reference_copy();
    std::fs::create_dir(site.path().join("catalogue")).unwrap();
    std::fs::write(
        site.path().join("catalogue/s.toml"),
        "group = \"S\"\ntitle = \"Site\"\n[[indicator]]\nid = \"essai_division\"\nlabel = \"Essai\"\n\
         unit = \"euros\"\npopulation = \"p\"\ndefinition = \"d\"\n[[indicator.computation]]\n\
         type = \"value\"\nmeasure = { table = \"quittancement\", sum = \"montant_du / 0\" }\n",
    )
    .unwrap();
    let toml = site.path().join("bilan.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let at = text.find("\n[").unwrap();
    std::fs::write(
        &toml,
        format!(
            "{}\ncatalogue = \"catalogue\"\n{}",
            &text[..at],
            &text[at..]
        ),
    )
    .unwrap();
    let config = bilan::config::Config::read(&toml).unwrap();
    let out = tempfile::tempdir().unwrap();
    bilan::pipeline::report(
        &config,
        bilan::period::Period::year(2025).unwrap(),
        Audience::Interne,
        out.path(),
        false,
        today(),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let csv = std::fs::read_to_string(out.path().join("indicateurs.csv")).unwrap();
    // Value, numerator, denominator: the 6th to 8th cells of each period's row.
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .filter(|l| l.contains(",essai_division,"))
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{csv}");
    for row in &rows {
        assert_eq!(row[5..8], ["", "", ""], "{row:?}");
    }
    // No cell of the file reads as a number that is not finite (« inf », « NaN »).
    for cell in csv.lines().flat_map(|l| l.split(',')) {
        assert!(
            cell.parse::<f64>().is_ok_and(f64::is_finite) || cell.parse::<f64>().is_err(),
            "« {cell} »"
        );
    }
    let report = std::fs::read_to_string(out.path().join("rapport.typ")).unwrap();
    for word in ["NaN", " inf", "(inf", "∞"] {
        assert!(!report.contains(word), "« {word} » dans le rapport");
    }
}

/// The reference site's manifest with its programme's type edited from « ucsd » to
/// « village »: its indicateurs.csv publishes `vad_par_semaine` (its first row of an
/// indicator no village has), which the catalogue computes for ucsd, ucsd_jeunes and
/// logement_abord only (indicators/C-accompagnement.toml). Refused, naming the folder, the
/// programme and that indicator, instead of moving the site into the villages' ensemble.
#[test]
fn consolider_un_type_modifie() {
    let results = tempfile::tempdir().unwrap();
    reference_results(results.path());
    let path = results.path().join("manifeste.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    manifest["dispositifs"][0]["type"] = "village".into();
    std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let e = bilan::pipeline::consolidate(
        &[results.path().to_path_buf()],
        Audience::Interne,
        &out.path().join("national"),
        false,
        today(),
    )
    .expect_err("type modifié refusé");
    let e = format!("{e:#}");
    assert!(e.contains(&results.path().display().to_string()), "{e}");
    assert!(
        e.contains("le dispositif « ucsd_lille » est de type « village » selon manifeste.json"),
        "{e}"
    );
    assert!(e.contains("publie l'indicateur « vad_par_semaine »"), "{e}");
}

/// Reference copy, `quittancement.csv` lines 2 and 3 with `montant_du` 1e308 (the sum of
/// the two is +inf): each refused at reading as a « valeur illisible » finding naming the
/// line, the column and the value, the amount left empty.
#[test]
fn montants_demesures() {
    let site = reference_copy();
    let path = site.path().join("quittancement.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    for line in &mut lines[1..3] {
        let mut cells: Vec<&str> = line.split(';').collect();
        cells[2] = "1e308";
        *line = cells.join(";");
    }
    std::fs::write(&path, lines.join("\n")).unwrap();
    let config = bilan::config::Config::read(&site.path().join("bilan.toml")).unwrap();
    let data = bilan::pipeline::check(&config, bilan::period::Period::year(2025).unwrap(), today())
        .unwrap()
        .remove(0);
    let found: Vec<(usize, Option<&str>, Option<&str>)> = data
        .findings
        .iter()
        .filter(|f| f.message.contains("nombre démesuré"))
        .map(|f| (f.line, f.column, f.value.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (2, Some("montant_du"), Some("1e308")),
            (3, Some("montant_du"), Some("1e308"))
        ]
    );
}
