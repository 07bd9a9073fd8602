//! Disclosure control of the `diffusion` audience, checked table by table on small sites:
//! in every published table whose cells add up to a total (the codes of a breakdown, the
//! buckets of a distribution, the findings by kind), no masked cell can be recomputed
//! from the published cells and the total.
//!
//! What a reader knows of a cell: its number when published; 1 to 4 for « < 5 »; for
//! « masqué », at least 5 when the total is published or « masqué » (a count is withheld
//! to protect another only when it would have been published: not a small one, nor 0),
//! anything when the total is « < 5 » (a whole small table is withheld, zeros included).
//! The cells of a sum are independent integers in
//! those ranges, so the values a cell can take are exactly the integers `v` of its range
//! with `total − published − v` in `[Σ lows, Σ highs]` of the other masked cells (a sum
//! of integer ranges is the integer range of the sums). A masked cell with one possible
//! value is recomputable: the test fails and names it.
//!
//! Which modalités make a table comes from the catalogue's own declarations (the blocks
//! `breakdown` of one code per row, `distribution` with buckets, `findings`), read here
//! through the library, not from the masking code.

mod common;

use std::collections::BTreeMap;

use bilan::indicators::Catalogue;
use bilan::indicators::catalogue::Block;

const THRESHOLD: i64 = 5;
/// A bound for « masqué » above any count of these small sites.
const UNBOUNDED: i64 = 1_000_000;

/// What a reader knows of a published cell, in a table whose total is small or not.
fn range(cell: &str, small_total: bool) -> (i64, i64) {
    match cell {
        "< 5" => (1, THRESHOLD - 1),
        "masqué" if small_total => (0, UNBOUNDED),
        "masqué" => (THRESHOLD, UNBOUNDED),
        v => {
            let n: f64 = v.parse().unwrap_or_else(|_| panic!("cellule {v:?}"));
            (n as i64, n as i64)
        }
    }
}

/// The masked cells of one table whose value the others and the total pin down.
fn recomputable(cells: &[(&str, &str)], total: &str) -> Vec<String> {
    let small_total = total == "< 5";
    let ranges: Vec<(i64, i64)> = cells.iter().map(|(_, v)| range(v, small_total)).collect();
    let (total_low, total_high) = range(total, false);
    let mut pinned = Vec::new();
    for (i, (modalite, _)) in cells.iter().enumerate() {
        if ranges[i].0 == ranges[i].1 {
            continue;
        }
        let (low_others, high_others) = ranges
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .fold((0, 0), |(l, h), (_, r)| (l + r.0, (h + r.1).min(UNBOUNDED)));
        let low = ranges[i].0.max(total_low - high_others);
        let high = ranges[i].1.min(total_high - low_others);
        if low == high {
            pinned.push(format!("{modalite} = {low}"));
        }
    }
    if total_low != total_high {
        let low: i64 = ranges.iter().map(|r| r.0).sum::<i64>().max(total_low);
        let high: i64 = ranges.iter().map(|r| r.1).sum::<i64>().min(total_high);
        if low == high {
            pinned.push(format!("total = {low}"));
        }
    }
    pinned
}

#[test]
fn the_checker_finds_what_plain_subtraction_finds() {
    assert_eq!(
        recomputable(&[("F", "7"), ("H", "18"), ("X", "0"), ("nr", "< 5")], "26"),
        ["nr = 1"]
    );
    assert_eq!(
        recomputable(
            &[
                ("a", "< 5"),
                ("b", "< 5"),
                ("c", "< 5"),
                ("d", "< 5"),
                ("e", "5")
            ],
            "9"
        )
        .len(),
        4
    );
    assert!(recomputable(&[("F", "masqué"), ("H", "18"), ("nr", "< 5")], "26").is_empty());
    // Four cells of at least 1 in a total under 5: all 1, and the total 4; withheld
    // whole, the table says nothing.
    assert_eq!(
        recomputable(
            &[
                ("a", "< 5"),
                ("b", "< 5"),
                ("c", "< 5"),
                ("d", "< 5"),
                ("e", "0")
            ],
            "< 5"
        )
        .len(),
        5
    );
    assert!(
        recomputable(
            &[
                ("a", "masqué"),
                ("b", "masqué"),
                ("c", "masqué"),
                ("d", "masqué"),
                ("e", "0")
            ],
            "< 5"
        )
        .is_empty()
    );
}

/// Counts that repeat others (the terms of `completude`, the `anomalies` counts) never
/// give back a masked count: on each small site, every such term published as a number
/// in `diffusion` differs from the true value (read in the `interne` run) of every count
/// masked in the same programme and period. On the Nancy sample this is the case of
/// issue 10: the Logement d'abord's exits are « < 5 » while the completeness of
/// `accompagnements.motif_sortie` counts the same exits.
/// The (indicator, modalité) that are sums or statistics rather than counts, read from
/// the catalogue: `value` blocks that sum, average or read the configuration, and the
/// mean and median of distributions.
fn statistics(catalogue: &Catalogue) -> Vec<(String, String)> {
    use bilan::indicators::catalogue::Measure;
    let mut out = Vec::new();
    for (_, indicator) in catalogue.indicators() {
        for block in &indicator.computation {
            match block {
                Block::Value {
                    modality, measure, ..
                } if !matches!(measure, Measure::Count(_)) => {
                    out.push((indicator.id.clone(), modality.clone()));
                }
                Block::Distribution { .. } => {
                    for m in ["moyenne", "mediane"] {
                        out.push((indicator.id.clone(), m.to_string()));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn repeated_counts_do_not_undo_a_mask() {
    let statistics = statistics(&Catalogue::builtin().expect("catalogue"));
    for config in [
        "sample-data/nancy/bilan.toml",
        "tests/fixtures/nancy-test/bilan.toml",
        "tests/fixtures/complet/bilan.toml",
    ] {
        let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
        common::run_report(config, "2025", "interne", dirs[0].path());
        common::run_report(config, "2025", "diffusion", dirs[1].path());
        let [interne, diffusion] =
            dirs.map(|d| common::read_indicators(&d.path().join("indicateurs.csv")));
        let key = |r: &common::Row| {
            (
                r.dispositif.clone(),
                r.debut.clone(),
                r.indicateur.clone(),
                r.modalite.clone(),
            )
        };
        let truth: BTreeMap<_, _> = interne.rows.iter().map(|r| (key(r), r)).collect();
        let mut masked: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for r in &diffusion.rows {
            if matches!(r.valeur.as_str(), "< 5" | "masqué")
                && r.numerateur.is_empty()
                && !matches!(r.indicateur.as_str(), "completude" | "anomalies")
                && !statistics.contains(&(r.indicateur.clone(), r.modalite.clone()))
            {
                masked
                    .entry((r.dispositif.clone(), r.debut.clone()))
                    .or_default()
                    .push(truth[&key(r)].valeur.clone());
            }
        }
        for r in &diffusion.rows {
            let terms: Vec<&str> = match r.indicateur.as_str() {
                "completude" => vec![&r.numerateur, &r.denominateur],
                "anomalies" => vec![&r.valeur],
                _ => continue,
            };
            let hidden = masked
                .get(&(r.dispositif.clone(), r.debut.clone()))
                .cloned()
                .unwrap_or_default();
            for term in terms {
                assert!(
                    !hidden.iter().any(|h| h == term),
                    "{config} {} {} {} : {term} répète un effectif masqué",
                    r.dispositif,
                    r.indicateur,
                    r.modalite
                );
            }
        }
    }
}

/// The rule and the threshold are written where the figures are read.
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
    let typ = std::fs::read_to_string(dir.path().join("rapport.typ")).unwrap();
    assert!(typ.contains("Règle de diffusion, seuil de confidentialité 5"));
    assert!(typ.contains(
        "qu'aucun effectif masqué ne puisse se déduire de l'ensemble des tableaux publiés"
    ));
}
