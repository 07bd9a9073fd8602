//! A site's own indicators, read at run time from the folder its configuration names
//! (`catalogue = "catalogue"`): computed and published like the built-in ones
//! (`indicateurs.csv`, the workbook's sheets and definitions, the report's annex).
//!
//! Fixture `tests/fixtures/site-catalogue/`: the data of `bords/` (see the table in
//! `activite_profil.rs`) with two site files:
//! - `S-site.toml`, a new group « Indicateurs du site » with `entrees_par_sexe_site`:
//!   follow-ups entering in the period, of a woman (`total`) and of a man (`hommes`),
//!   through a named population whose parameter is a code, `entrees_de(F)`;
//! - `A-complement.toml`, which adds `sorties_deces_site` to the built-in group A.
//!
//! By hand, from `bords/accompagnements.csv` and `bords/personnes.csv`:
//! - entries in 2024: P01 (F, 2024-01-01), P02 (H, 2024-12-31), P04 (F, 2024-03-10),
//!   P06 (H, 2024-04-01, its second follow-up), P08 (X, 2024-02-29), P10 (F, 2024-02-01),
//!   P11 (H, 2024-06-15) → women 3 (P01, P04, P10), men 3 (P02, P06, P11);
//! - entries in 2023: P05 (H), P09 (sex empty), P12 (H), P14 (H) → women 0, men 3;
//! - exits for death: P12 on 2024-06-30 → 1 in 2024, 0 in 2023.

mod common;

use common::{Checks, Report};

const CONFIG: &str = "tests/fixtures/site-catalogue/bilan.toml";
const P24: &str = "2024-01-01";
const P23: &str = "2023-01-01";

#[test]
fn site_indicators_are_computed_and_published() {
    let report: Report = common::report(CONFIG, "2024", "interne", &[2024, 2023]);
    let mut v = Checks::of(&report, "test");
    v.exactly(
        P24,
        "entrees_par_sexe_site",
        &[("total", 3.0), ("hommes", 3.0)],
    );
    v.exactly(
        P23,
        "entrees_par_sexe_site",
        &[("total", 0.0), ("hommes", 3.0)],
    );
    v.value(P24, "sorties_deces_site", "total", 1.0);
    v.value(P23, "sorties_deces_site", "total", 0.0);
    // The built-in figures are still there, unchanged: 7 entries in 2024.
    v.value(P24, "entrees", "total", 7.0);
    v.finish();

    let texts = common::xlsx_texts(&report.dir.path().join("tableaux.xlsx"));
    let has = |wanted: &str| texts.iter().any(|(_, t)| common::plain(t) == wanted);
    assert!(has("Indicateurs du site"), "the new group has its sheet");
    assert!(
        has("Entrées de femmes et d'hommes (entrees_par_sexe_site)"),
        "its table"
    );
    assert!(has("dont hommes"), "its modalité's own label");
    assert!(
        has("Accompagnements terminés dans la période par un décès."),
        "the definitions sheet has the added indicator"
    );
    let typ = std::fs::read_to_string(report.dir.path().join("rapport.typ")).unwrap();
    assert!(typ.contains("== #\"Indicateurs du site\""), "its part");
    let annex = typ.find("Annexe : définitions des indicateurs").unwrap();
    assert!(
        typ[annex..].contains("\"Sorties par décès\""),
        "the annex defines the added indicator"
    );
}
