//! The `diffusion` rule as its readers are told it: the threshold and what it guarantees are
//! written on the workbook and the report. That nothing masked can be recomputed from what
//! is published together is audited in tests/divulgation.rs.

mod common;

#[test]
fn the_rule_is_written_in_the_workbook_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    common::run_report(
        "tests/fixtures/complet/bilan.toml",
        "2025",
        "diffusion",
        dir.path(),
    );
    let texts = common::xlsx_texts(&dir.path().join("tableaux.xlsx"));
    assert!(
        texts
            .iter()
            .any(|(_, t)| t.starts_with("Règle de diffusion, seuil de confidentialité 5")),
        "classeur"
    );
    // Printed text has curly apostrophes and no-break spaces: compare with plain ones.
    let typ = common::plain(&std::fs::read_to_string(dir.path().join("rapport.typ")).unwrap());
    assert!(
        !typ.contains("version interne"),
        "no « version interne » in diffusion"
    );
    assert!(typ.contains("Règle de diffusion, seuil de confidentialité 5"));
    assert!(typ.contains(
        "qu'aucun effectif masqué ne puisse se déduire de l'ensemble des tableaux publiés"
    ));
}
