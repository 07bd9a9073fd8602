//! A site's report and workbook with the national benchmarks of its kind of programme
//! (`reperes = "reperes.csv"` in its configuration): beside each key figure, the median,
//! the quartiles and the number of sites; on the retention chart, the national median.
//!
//! The benchmarks are written here by hand, as `bilan consolider` writes them, for the
//! `ucsd` fixture `tests/fixtures/complet` in 2025: occupancy over 6 sites, median 81.04,
//! Q1 75.5, Q3 88.25 (shown « 81,0 % (75,5 % – 88,3 %), 6 sites »: one decimal, French
//! comma, narrow no-break space before %); 12-month retention over 5 sites, median 70
//! (« 70,0 % »); the rent debt over 3 sites only, so not published (« non publié
//! (3 sites) », indicateurs.md « Benchmarks »: at least 5 sites). A benchmark of another
//! kind (`village`) or of another period (2024) is not shown. A `reperes.csv` of the
//! layout before the `publie` column is refused with a French message.

mod common;

const NNBSP: char = '\u{202f}';

const BENCHMARKS: &str = "\
type,periode_debut,periode_fin,indicateur,modalite,sites,publie,minimum,q1,mediane,q3,maximum
ucsd,2025-01-01,2025-12-31,taux_occupation,total,6,oui,70,75.5,81.04,88.25,92
ucsd,2025-01-01,2025-12-31,maintien_logement_12m,total,5,oui,50,60,70,80,90
ucsd,2025-01-01,2025-12-31,dette_locative_fin,montant,3,non,,,,,
village,2025-01-01,2025-12-31,vad_par_semaine,total,5,oui,1,1,1,1,1
ucsd,2024-01-01,2024-12-31,vad_par_semaine,total,5,oui,2,2,2,2,2
";

/// The fixture copied into `dir/site`, its configuration naming `reperes.csv` with `benchmarks`.
fn site_with(dir: &std::path::Path, benchmarks: &str) -> std::path::PathBuf {
    let site = dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    for entry in std::fs::read_dir("tests/fixtures/complet").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, site.join(path.file_name().unwrap())).unwrap();
    }
    let config = std::fs::read_to_string(site.join("bilan.toml")).unwrap();
    std::fs::write(
        site.join("bilan.toml"),
        format!("reperes = \"reperes.csv\"\n{config}"),
    )
    .unwrap();
    std::fs::write(site.join("reperes.csv"), benchmarks).unwrap();
    site.join("bilan.toml")
}

#[test]
fn key_figures_show_the_national_benchmarks() {
    let dir = tempfile::tempdir().unwrap();
    let config = site_with(dir.path(), BENCHMARKS);
    let out = dir.path().join("out");
    common::run_report(config.to_str().unwrap(), "2025", "interne", &out);

    let occupancy = format!("81,0{NNBSP}% (75,5{NNBSP}% – 88,3{NNBSP}%), 6 sites");
    let typ = std::fs::read_to_string(out.join("rapport.typ")).unwrap();
    assert!(typ.contains("Repère national : médiane (Q1 – Q3)"));
    assert!(
        typ.contains(&format!("\"{occupancy}\"")),
        "occupancy benchmark"
    );
    // The visit rate has benchmarks of another kind and of another year only.
    let visits = typ
        .lines()
        .find(|l| l.starts_with("  [#\"Visites à domicile par personne et par semaine\"]"))
        .unwrap();
    assert!(visits.ends_with("\"—\","), "{visits}");
    // Over 3 sites, the rent debt's benchmark says only how many sites it would be over;
    // « au dernier jour » is dated, the period ending on 31 December.
    let debt = typ
        .lines()
        .find(|l| l.starts_with("  [#\"Dette locative au 31 décembre\"]"))
        .unwrap();
    assert!(debt.ends_with("\"non publié (3 sites)\","), "{debt}");
    assert!(typ.contains("\"12 mois — médiane nationale 2025 (5 sites)\", 70.0000"));

    let texts = common::xlsx_texts(&out.join("tableaux.xlsx"));
    assert!(texts.iter().any(|(_, t)| *t == occupancy), "workbook");
    assert!(
        texts.iter().any(|(_, t)| *t == "non publié (3 sites)"),
        "workbook, rent debt"
    );
    assert!(
        texts
            .iter()
            .any(|(w, _)| w == "nom de feuille Chiffres clés")
    );
}

/// The layout written before the number of sites decided publication (no `publie`
/// column, quartiles over any number of sites): refused, and the message says why.
#[test]
fn an_old_benchmark_layout_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = site_with(
        dir.path(),
        "type,periode_debut,periode_fin,indicateur,modalite,sites,minimum,q1,mediane,q3,maximum\n\
         ucsd,2025-01-01,2025-12-31,taux_occupation,total,1,70,70,70,70,70\n",
    );
    let path = config.with_file_name("reperes.csv");
    let message = match bilan::output::reperes::read(&path) {
        Ok(_) => panic!("un reperes.csv de l'ancienne présentation doit être refusé"),
        Err(e) => format!("{e:#}"),
    };
    assert!(message.contains("version antérieure"), "{message}");
    assert!(message.contains("reperes.csv"), "{message}");
}
