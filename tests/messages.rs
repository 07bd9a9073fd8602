//! Issue 21, points 9 to 12: findings in the same order on every run, no control character
//! of a cell reaching the terminal, names typed where they should not be kept out of the
//! findings, and every message in French. Each test builds a small site in a temporary
//! folder (one programme `d`, one CSV per table whose header is line 1) or alters a copy
//! of `sample-data/reference` as the repros did.

mod common;

use bilan::config::Config;
use bilan::period::Period;
use common::{Site, bilan, stderr, stdout, today};

const PERSONNES_HEADER: &str = "id_personne,nom,prenom,date_naissance,annee_naissance,sexe,nationalite,situation_avant_entree,duree_sans_logement_mois,diagnostic_principal,addiction,orienteur,date_commission,parcours_ase\n";

/// One row of `personnes.csv` born on `birth`, every other value valid.
fn person(id: &str, birth: &str) -> String {
    format!("{id},N,P,{birth},,H,francaise,autre,,schizophrenie,oui,empp,2019-01-12,non\n")
}

// ---------------------------------------------------------------------------------------------
// 9. The same bytes on every run.
// ---------------------------------------------------------------------------------------------

/// 3,000 persons entered 2024-01-01, the even ones born 1900-05-01 (123 years old at entry,
/// « âge invraisemblable »), the odd ones 1980: 1,500 findings, which the join behind them
/// returned in an order that changed from run to run. Persons are lines 2 to 3001, so the
/// findings must come on lines 2, 4, …, 3000 in that order, and two runs of
/// `verifier --format csv`, and two workbooks, must be the same bytes.
#[test]
fn constats_dans_le_meme_ordre_a_chaque_execution() {
    let mut personnes = PERSONNES_HEADER.to_string();
    let mut accompagnements = "id_personne,date_entree,date_sortie,motif_sortie\n".to_string();
    for i in 0..3000 {
        let birth = if i % 2 == 0 {
            "1900-05-01"
        } else {
            "1980-05-01"
        };
        personnes.push_str(&person(&format!("P{i}"), birth));
        accompagnements.push_str(&format!("P{i},2024-01-01,,\n"));
    }
    let site = Site::new(&[
        ("personnes", &personnes),
        ("accompagnements", &accompagnements),
    ]);
    let lines: Vec<usize> = site
        .data()
        .findings
        .iter()
        .filter(|f| f.kind == bilan::findings::FindingKind::ImplausibleAge)
        .map(|f| f.line)
        .collect();
    let expected: Vec<usize> = (0..1500).map(|k| 2 + 2 * k).collect();
    assert_eq!(lines, expected);

    let args = ["verifier", "--config", &site.toml_arg(), "--annee", "2025"];
    let csv = |_| bilan(&[&args[..], &["--format", "csv"]].concat()).stdout;
    let first = csv(1);
    assert_eq!(first, csv(2));
    assert_eq!(String::from_utf8_lossy(&first).lines().count(), 1 + 1500);

    let workbook = |name: &str| {
        let out = site.path(name);
        let o = bilan(&[
            "rapport",
            "--config",
            &site.toml_arg(),
            "--annee",
            "2025",
            "--sortie",
            &out.to_string_lossy(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(out.join("tableaux.xlsx")).unwrap()
    };
    assert!(workbook("a") == workbook("b"), "tableaux.xlsx differ");
}

// ---------------------------------------------------------------------------------------------
// 10. No control character of a cell reaches the terminal.
// ---------------------------------------------------------------------------------------------

/// `date_sortie` of P1 holds an ESC sequence that would turn the terminal red and retitle
/// its window (`ESC [31m`, `ESC ]0;…BEL`) and a right-to-left override, `date_sortie` of
/// P2 a C1 CSI (U+009B): both unreadable dates, quoted in their findings. `verifier`, as text and as CSV, and the error
/// of a run whose only file is missing a column, must show each as its code
/// (`<U+001B>`, `<U+0007>`, `<U+202E>`, `<U+009B>`) and never write the characters.
#[test]
fn caracteres_de_controle_montres_jamais_executes() {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\n\
         P1,2024-01-01,\u{1b}[31mrouge\u{1b}]0;titre\u{7}\u{202e}x,\n\
         P2,2024-01-01,\u{9b}2J,\n",
    )]);
    let obeyed = |text: &str| {
        text.chars()
            .find(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{9b}' | '\u{202e}'))
    };
    for format in ["texte", "csv"] {
        let o = bilan(&[
            "verifier",
            "--config",
            &site.toml_arg(),
            "--annee",
            "2025",
            "--format",
            format,
        ]);
        let out = stdout(&o);
        assert_eq!(obeyed(&out), None, "{format}: {out:?}");
        assert!(
            out.contains("<U+001B>[31mrouge<U+001B>]0;titre<U+0007><U+202E>x"),
            "{format}: {out}"
        );
        assert!(out.contains("<U+009B>2J"), "{format}: {out}");
    }

    let site = Site::new(&[(
        "accompagnements",
        "id_personne,\u{1b}[2Jdate,date_sortie,motif_sortie\nP1,2024-01-01,,\n",
    )]);
    let o = bilan(&["verifier", "--config", &site.toml_arg(), "--annee", "2025"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(obeyed(&err), None, "{err:?}");
    assert!(err.contains("<U+001B>[2Jdate"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// 11. Names typed where they should not be are described, not quoted.
// ---------------------------------------------------------------------------------------------

/// personnes.csv: P1 born `1850-03-04` (year outside 1900–2100, unreadable), P2 whose
/// `orienteur` (a code) holds « Jean-Pierre Dupontel » (20 characters); accompagnements.csv
/// P1, P2 entered 2024-01-01; budget.csv line 2 whose `groupe` (a code) is « Mme Martin »
/// (10 characters). The findings, on the screen and in the
/// interne workbook's « Qualité des données » sheet, must hold neither name nor 1850, and
/// describe each value « valeur non reconnue, N caractères ».
#[test]
fn noms_et_annee_de_naissance_jamais_cites() {
    let personnes = format!(
        "{PERSONNES_HEADER}{}{}",
        person("P1", "1850-03-04"),
        person("P2", "1980-01-01").replace("empp", "Jean-Pierre Dupontel")
    );
    let site = Site::new(&[
        ("personnes", &personnes),
        (
            "accompagnements",
            "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\nP2,2024-01-01,,\n",
        ),
        (
            "budget",
            "poste,groupe,prevu,realise\nLoyers,Mme Martin,10,10\nSalaires,,5,5\n",
        ),
    ]);
    let data = site.data();
    let value = |column: &str| {
        data.findings
            .iter()
            .find(|f| f.column == Some(column))
            .and_then(|f| f.value.clone())
            .unwrap_or_else(|| panic!("no finding on {column}: {:?}", data.findings))
    };
    assert_eq!(
        value("orienteur"),
        "valeur non reconnue, 20\u{a0}caractères"
    );
    assert_eq!(value("groupe"), "valeur non reconnue, 10\u{a0}caractères");
    assert_eq!(value("date_naissance"), "(non reproduite)");

    let o = bilan(&["verifier", "--config", &site.toml_arg(), "--annee", "2025"]);
    let out = stdout(&o);
    for secret in ["Dupontel", "Martin", "1850"] {
        assert!(!out.contains(secret), "{secret}: {out}");
    }
    assert!(
        out.contains("valeur non reconnue, 20\u{a0}caractères"),
        "{out}"
    );

    let dir = site.path("sortie");
    let o = bilan(&[
        "rapport",
        "--config",
        &site.toml_arg(),
        "--annee",
        "2025",
        "--sortie",
        &dir.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let texts = workbook_texts(&dir.join("tableaux.xlsx"));
    assert!(
        texts
            .iter()
            .any(|t| t == "valeur non reconnue, 20\u{a0}caractères"),
        "{texts:?}"
    );
    for secret in ["Dupontel", "Martin", "1850"] {
        assert!(!texts.iter().any(|t| t.contains(secret)), "{secret}");
    }
}

/// Every text cell of a workbook.
fn workbook_texts(path: &std::path::Path) -> Vec<String> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path).expect("workbook");
    let mut texts = Vec::new();
    for sheet in workbook.sheet_names() {
        let range = workbook.worksheet_range(&sheet).expect("sheet");
        texts.extend(range.cells().map(|(_, _, c)| c.to_string()));
    }
    texts
}

// ---------------------------------------------------------------------------------------------
// 12. Every message in French, and true.
// ---------------------------------------------------------------------------------------------

const CONFIG: &str = "site = \"Essai\"\n[[dispositif]]\nid = \"d\"\nnom = \"D\"\ntype = \"ucsd\"\nplaces = 10\nouverture = 2020-01-01\n[dispositif.sources]\naccompagnements = \"accompagnements.csv\"\n";

/// The error of `Config::read` on this text, beside a valid `accompagnements.csv`.
fn config_error(text: &[u8]) -> String {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\n",
    )]);
    std::fs::write(site.path("bilan.toml"), text).unwrap();
    format!(
        "{:#}",
        Config::read(&site.path("bilan.toml")).expect_err("configuration refused")
    )
}

/// `accompagnements` declared as a folder `d`: « Is a directory (os error 21) » was quoted;
/// the message says « c'est un dossier », with no « os error ». The same for `d.xlsx`.
#[test]
fn source_qui_est_un_dossier() {
    let site = Site::new(&[]);
    std::fs::create_dir(site.path("d")).unwrap();
    std::fs::write(
        site.path("bilan.toml"),
        CONFIG.replace("accompagnements.csv", "d"),
    )
    .unwrap();
    let o = bilan(&["verifier", "--config", &site.toml_arg(), "--annee", "2025"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("/d » : c'est un dossier."), "{err}");
    assert!(!err.contains("os error"), "{err}");

    // A workbook the system will not open (a folder here; a file without read permission
    // takes the same path, which root cannot be refused) was « fichier endommagé ».
    std::fs::create_dir(site.path("d.xlsx")).unwrap();
    std::fs::write(
        site.path("bilan.toml"),
        CONFIG.replace("accompagnements.csv", "d.xlsx"),
    )
    .unwrap();
    let o = bilan(&["verifier", "--config", &site.toml_arg(), "--annee", "2025"]);
    let err = stderr(&o);
    assert!(err.contains("d.xlsx » : c'est un dossier."), "{err}");
    assert!(!err.contains("endommagé"), "{err}");

    // `plain/x.csv` where `plain` is a file: the path cannot lead anywhere, which the
    // system says (ENOTDIR); it was « introuvable » like any failure.
    std::fs::write(site.path("plain"), "").unwrap();
    std::fs::write(
        site.path("bilan.toml"),
        CONFIG.replace("accompagnements.csv", "plain/x.csv"),
    )
    .unwrap();
    let o = bilan(&["verifier", "--config", &site.toml_arg(), "--annee", "2025"]);
    let err = stderr(&o);
    assert!(
        err.contains("x.csv » : un élément du chemin n'est pas un dossier."),
        "{err}"
    );
}

/// TOML syntax: `a b = 1` on line 1 (toml: « key with no value, expected `=` »), `é = 1`
/// (« invalid unquoted key »), and `places = 10 10` on line 6, which toml explains in
/// words the translations do not know. Each in French with its line and column (column of
/// the first character toml points at, counted from 1), and no backquote of the parser.
#[test]
fn syntaxe_toml_avec_ligne_et_colonne() {
    let m = config_error(format!("a b = 1\n{CONFIG}").as_bytes());
    assert!(
        m.contains("ligne 1, colonne 3 (« a b = 1 ») : clé sans valeur"),
        "{m}"
    );
    let m = config_error(format!("é = 1\n{CONFIG}").as_bytes());
    assert!(
        m.contains("ligne 1, colonne 1 (« é = 1 ») : clé invalide : sans guillemets"),
        "{m}"
    );
    let m = config_error(CONFIG.replace("places = 10", "places = 10 10").as_bytes());
    assert!(m.contains("ligne 6, colonne"), "{m}");
    assert!(!m.contains('`') && !m.contains("expected"), "{m}");
}

/// A NUL byte on line 1 (`site = "x\0y"`): toml called it an unclosed string; the message
/// names the NUL character and line 1.
#[test]
fn caractere_nul_dans_la_configuration() {
    let m = config_error(CONFIG.replace("Essai", "x\0y").as_bytes());
    assert!(m.contains("ligne 1, contient un caractère nul"), "{m}");
    assert!(!m.contains("jamais fermé"), "{m}");
}

/// `site = ""`, `id = ""`, `id = "a\nb"`, `id = "  "`: each refused, naming the key.
#[test]
fn identifiant_et_nom_de_site_vides() {
    let m = config_error(CONFIG.replace("\"Essai\"", "\"\"").as_bytes());
    assert!(m.contains("le nom du site est vide"), "{m}");
    for id in ["\"\"", "\"a\\nb\"", "\"  \""] {
        let m = config_error(CONFIG.replace("\"d\"", id).as_bytes());
        assert!(
            m.contains("l'identifiant du dispositif n° 1") && m.contains("(clé id)"),
            "{id}: {m}"
        );
    }
    let m = config_error(CONFIG.replace("\"d\"", "\"a\\nb\"").as_bytes());
    assert!(m.contains("« a<U+000A>b »"), "{m}");
}

/// `accompagnements.csv` of three blank lines: it was « n'a pas de colonne
/// « id_personne » (colonnes trouvées : ) »; it is « est vide ».
#[test]
fn fichier_de_lignes_blanches() {
    let site = Site::new(&[("accompagnements", "\n  \n\n")]);
    let config = Config::read(&site.path("bilan.toml")).unwrap();
    let m = format!(
        "{:#}",
        bilan::pipeline::check(&config, Period::year(2025).unwrap(), today())
            .err()
            .expect("refused")
    );
    assert!(m.contains("accompagnements.csv » est vide"), "{m}");
    assert!(!m.contains("colonnes trouvées"), "{m}");
}

/// A profile forcing `separateur = ";"` on a `,` file: one column named
/// `id_personne,date_entree,…`, listed as « colonnes trouvées » beside « n'a pas de colonne
/// « id_personne » ». The message says the file has one column, its header holds « , »,
/// and points at the profile's separator.
#[test]
fn separateur_impose_qui_ne_decoupe_pas() {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\n",
    )]);
    std::fs::write(
        site.path("profil.toml"),
        "nom = \"P\"\n[accompagnements]\nseparateur = \";\"\n",
    )
    .unwrap();
    std::fs::write(
        site.path("bilan.toml"),
        CONFIG.replace(
            "ouverture = 2020-01-01",
            "ouverture = 2020-01-01\nprofil = \"profil.toml\"",
        ),
    )
    .unwrap();
    let config = Config::read(&site.path("bilan.toml")).unwrap();
    let m = format!(
        "{:#}",
        bilan::pipeline::check(&config, Period::year(2025).unwrap(), today())
            .err()
            .expect("refused")
    );
    assert!(m.contains("n'a qu'une colonne"), "{m}");
    assert!(m.contains("contient des « , »"), "{m}");
    assert!(m.contains("clé separateur"), "{m}");
    assert!(!m.contains("colonnes trouvées"), "{m}");
}

/// `--sortie out` where `out` is a link to a folder that does not exist: it was « un
/// fichier de ce nom existe déjà »; the message names the link and its target.
#[test]
fn sortie_lien_vers_rien() {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\n",
    )]);
    let out = site.path("out");
    std::os::unix::fs::symlink(site.path("absent/x"), &out).unwrap();
    let o = bilan(&[
        "rapport",
        "--config",
        &site.toml_arg(),
        "--annee",
        "2025",
        "--sortie",
        &out.to_string_lossy(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("est un lien symbolique vers"), "{err}");
    assert!(err.contains("absent/x"), "{err}");
    assert!(!err.contains("existe déjà"), "{err}");
}

/// A team text `textes/activite.typ` whose line 2 reads a file outside the report
/// (`#read("../../etc/passwd")`), then one whose line 1 names a variable that does not
/// exist (`#tabel`), run with the PDF: Typst's « would escape the project root » and
/// « unknown variable » were quoted in English; each is said in French after its line.
#[test]
fn erreurs_typst_en_francais() {
    let site = Site::new(&[(
        "accompagnements",
        "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\n",
    )]);
    let toml = std::fs::read_to_string(site.path("bilan.toml")).unwrap();
    std::fs::write(
        site.path("bilan.toml"),
        format!("textes = \"textes\"\n{toml}"),
    )
    .unwrap();
    std::fs::create_dir(site.path("textes")).unwrap();
    let config = Config::read(&site.path("bilan.toml")).unwrap();
    let run = |text: &str| {
        std::fs::write(site.path("textes/activite.typ"), text).unwrap();
        let out = site.path("sortie");
        let period = Period::year(2025).unwrap();
        let audience = bilan::privacy::Audience::Interne;
        format!(
            "{:#}",
            bilan::pipeline::report(&config, period, audience, &out, true, today())
                .expect_err("the PDF cannot be made")
        )
    };
    let m = run("Ligne un.\n#read(\"../../etc/passwd\")\n");
    assert!(m.contains("ligne 2"), "{m}");
    assert!(m.contains("le texte veut lire un fichier"), "{m}");
    assert!(!m.contains("escape") && !m.contains("denied"), "{m}");
    let m = run("#tabel\n");
    assert!(m.contains("ligne 1"), "{m}");
    assert!(m.contains("nom inconnu « tabel »"), "{m}");
}

/// `consolider` on a folder whose `manifeste.json` the system will not read (a folder
/// here; a file without permission takes the same path): it was « il n'a pas de
/// manifeste.json »; the message says it cannot be read and why, in French.
#[test]
fn manifeste_illisible_dit_pourquoi() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("manifeste.json")).unwrap();
    let out = dir.path().join("national");
    let o = bilan(&[
        "consolider",
        &dir.path().to_string_lossy(),
        "--sortie",
        &out.to_string_lossy(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Impossible de lire le fichier")
            && err.contains("manifeste.json » : c'est un dossier."),
        "{err}"
    );
    assert!(!err.contains("n'a pas de manifeste"), "{err}");
}

/// `accompagnements = ""` was read as the site's folder, `{ fichier = "a.csv", feuille =
/// "" }` reported « n'a pas de feuille «  » »: both refused, naming the key.
#[test]
fn source_sans_nom() {
    let m = config_error(CONFIG.replace("\"accompagnements.csv\"", "\"\"").as_bytes());
    assert!(
        m.contains("« accompagnements » du dispositif « d » a un nom de fichier vide"),
        "{m}"
    );
    let m = config_error(
        CONFIG
            .replace(
                "\"accompagnements.csv\"",
                "{ fichier = \"accompagnements.csv\", feuille = \" \" }",
            )
            .as_bytes(),
    );
    assert!(m.contains("a un nom de feuille vide"), "{m}");
    assert!(m.contains("(clé sources.accompagnements)"), "{m}");
}

/// A totals row of `budget.csv` whose first cell is « Total\u{1b}[2J » and 70 more « x »:
/// its finding quotes the value cut at 60 characters and the ESC as its code, in the
/// data as in every output.
#[test]
fn ligne_de_total_citee_coupee() {
    let total = format!("Total \u{1b}[2J{}", "x".repeat(70));
    let site = Site::new(&[
        (
            "accompagnements",
            "id_personne,date_entree,date_sortie,motif_sortie\nP1,2024-01-01,,\n",
        ),
        (
            "budget",
            &format!("poste,groupe,prevu,realise\nLoyers,,10,10\n{total},,10,10\n"),
        ),
    ]);
    let data = site.data();
    let value = data
        .findings
        .iter()
        .find(|f| f.kind == bilan::findings::FindingKind::TotalsRow)
        .and_then(|f| f.value.clone())
        .unwrap_or_else(|| panic!("{:?}", data.findings));
    // 60 characters kept: « Total » and its space (6), ESC (1), « [2J » (3), 50 « x ».
    assert_eq!(value, format!("Total <U+001B>[2J{}…", "x".repeat(50)));
}
