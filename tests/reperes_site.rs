//! A site's report and workbook with the national benchmarks of its kind of programme
//! (`reperes = "reperes.csv"` in its configuration): beside each key figure, the median
//! and the quartiles; on the retention chart, the national median.
//!
//! The benchmarks are written here by hand, as `bilan consolider` writes them, for the
//! `ucsd` fixture `tests/fixtures/complet` in 2025: occupancy median 81.04, Q1 75.5,
//! Q3 88.25 (shown « 81,0 % (75,5 % – 88,3 %) »: one decimal, French comma, narrow
//! no-break space before %); 12-month retention median 70 (« 70,0 % »). A benchmark of
//! another kind (`village`) or of another period (2024) is not shown.

mod common;

const NNBSP: char = '\u{202f}';

const BENCHMARKS: &str = "\
type,periode_debut,periode_fin,indicateur,modalite,sites,minimum,q1,mediane,q3,maximum
ucsd,2025-01-01,2025-12-31,taux_occupation,total,4,70,75.5,81.04,88.25,92
ucsd,2025-01-01,2025-12-31,maintien_logement_12m,total,4,50,60,70,80,90
village,2025-01-01,2025-12-31,vad_par_semaine,total,2,1,1,1,1,1
ucsd,2024-01-01,2024-12-31,vad_par_semaine,total,4,2,2,2,2,2
";

#[test]
fn key_figures_show_the_national_benchmarks() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
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
    std::fs::write(site.join("reperes.csv"), BENCHMARKS).unwrap();
    let out = dir.path().join("out");
    common::run_report(
        site.join("bilan.toml").to_str().unwrap(),
        "2025",
        "interne",
        &out,
    );

    let occupancy = format!("81,0{NNBSP}% (75,5{NNBSP}% – 88,3{NNBSP}%)");
    let typ = std::fs::read_to_string(out.join("rapport.typ")).unwrap();
    assert!(typ.contains("Repère national : médiane (Q1 – Q3)"));
    assert!(
        typ.contains(&format!("\"{occupancy}\"")),
        "occupancy benchmark"
    );
    // The visit rate has benchmarks of another kind and of another year only.
    let visits = typ
        .lines()
        .find(|l| l.starts_with("  \"Visites à domicile par personne et par semaine\""))
        .unwrap();
    assert!(visits.ends_with("\"—\","), "{visits}");
    assert!(typ.contains("\"12 mois — médiane nationale 2025\", 70.0000"));

    let texts = common::xlsx_texts(&out.join("tableaux.xlsx"));
    assert!(texts.iter().any(|(_, t)| *t == occupancy), "workbook");
    assert!(
        texts
            .iter()
            .any(|(w, _)| w == "nom de feuille Chiffres clés")
    );
}
