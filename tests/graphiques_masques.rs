//! Charts show masks (issue 18, point 3), on `tests/fixtures/graphiques` (threshold 5):
//!
//! A chart is mostly masked when its masked bars outnumber its published non-zero bars.
//!
//! - 15 persons present since 10 January 2023, all leaving in December 2025: P01–P05
//!   rehoused (relogement_autonome = 5), P10–P14 to a medical facility
//!   (structure_medicalisee = 5), P07–P08 at their request (fin_a_la_demande = 2), P06,
//!   P09, P15 die (deces = 3); no other motif → the exits chart of 2025 has 5 and 5
//!   published, 2 and 3 masked « < 5 » (neither pinned: they sum to 15 − 10 = 5, so each
//!   can be 1 to 4), 0 for the five other motifs; 2 masked against 2 non-zero published:
//!   drawn;
//! - 7 entries in 2025, one on the 15th of each month from January to July, none from
//!   August to December → the monthly entries chart has 7 masked months and no published
//!   non-zero month: one sentence;
//! - present at the end of each month of 2025: 15 + 1 in January = 16, one more each month
//!   up to 22 in July, 22 from August to November, 22 − 15 = 7 in December. Whoever is
//!   present at the end of a month was present the month before or entered in it, so
//!   each month's entries are at least its rise in presents: with every month-end
//!   published, the seven rises of 1 add up to the 7 entries and give each month's
//!   entries (1) back. Some month-ends of January to July are therefore masked, drawn
//!   hatched, while August to December stay published.

mod common;

use std::path::Path;

const CONFIG: &str = "tests/fixtures/graphiques/bilan.toml";

/// The report's markup with its printed typography (no-break spaces, curly apostrophes)
/// made plain, to compare with plain sentences.
fn report(audience: &str, dir: &Path) -> String {
    common::run_report(CONFIG, "2025", audience, dir);
    common::plain(&std::fs::read_to_string(dir.join("rapport.typ")).unwrap())
}

/// The line that draws the chart of this caption, if it is drawn.
fn chart<'t>(typ: &'t str, caption: &str) -> Option<&'t str> {
    let head = format!("#figure(caption: [#\"{caption}\"])[\n");
    let start = typ.find(&head)? + head.len();
    typ[start..].lines().next()
}

/// The bars of a `#barres((…))` line: (label, number as written, text).
fn bars(line: &str) -> Vec<(String, String, String)> {
    let items = line
        .split_once("#barres((")
        .expect("a bar chart")
        .1
        .split_once("), ), ")
        .expect("the bars, then the chart's other arguments")
        .0;
    items
        .split("), (")
        .map(|item| {
            let item = item
                .trim_start_matches('(')
                .trim_end_matches([')', ',', ' ']);
            let parts: Vec<&str> = item.split(", ").collect();
            let unquote = |s: &str| s.trim_matches('"').to_string();
            (unquote(parts[0]), parts[1].to_string(), unquote(parts[2]))
        })
        .collect()
}

/// The positions given in `masques: (…)`, none when the argument is absent.
fn masks(line: &str) -> Vec<usize> {
    line.split_once("masques: (")
        .map_or(Vec::new(), |(_, rest)| {
            rest.split(')')
                .next()
                .unwrap()
                .split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
}

fn bar<'b>(
    bars: &'b [(String, String, String)],
    label: &str,
) -> (usize, &'b (String, String, String)) {
    bars.iter()
        .enumerate()
        .find(|(_, b)| b.0 == label)
        .unwrap_or_else(|| panic!("no bar « {label} » in {bars:?}"))
}

#[test]
fn a_masked_bar_is_drawn_masked_and_labelled_never_as_zero() {
    let dir = tempfile::tempdir().unwrap();
    let typ = report("diffusion", dir.path());
    let line = chart(&typ, "Sorties de la période par motif, 2025").expect("the exits chart");
    let bars = bars(line);
    let (rehoused_at, rehoused) = bar(&bars, "Relogement autonome");
    let (request_at, request) = bar(&bars, "Fin à la demande de la personne");
    let (death_at, death) = bar(&bars, "Décès");
    assert_eq!((rehoused.1.as_str(), rehoused.2.as_str()), ("5.0000", "5"));
    assert_eq!(bar(&bars, "Structure médicalisée").1.1, "5.0000");
    // 2 and 3 exits: masked, with no number to draw (not 0) and the label « < 5 ».
    assert_eq!((request.1.as_str(), request.2.as_str()), ("none", "< 5"));
    assert_eq!((death.1.as_str(), death.2.as_str()), ("none", "< 5"));
    // Exactly these two are drawn masked: the five other motifs are published zeros.
    let mut expected = vec![request_at, death_at];
    expected.sort();
    assert_eq!(masks(line), expected, "{line}");
    assert!(!masks(line).contains(&rehoused_at));
    // The note under the chart says the masked length means nothing.
    let after = &typ[typ.find(line).unwrap() + line.len()..];
    let note = after.lines().nth(1).unwrap();
    assert!(
        note.contains("Barres hachurées : valeurs non publiées (« < 5 » ou « masqué »")
            && note.contains("leur longueur est conventionnelle et ne représente pas la valeur"),
        "{note}"
    );
    // The markup is valid Typst, and the drawing of a masked bar is the hatched one.
    assert!(typ.contains("if k in masques { box(width: 0.9cm, height: 0.8em, fill: hachures"));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    bilan::pdf::compile(&typ, today).expect("the PDF");
}

#[test]
fn a_mostly_masked_chart_is_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let typ = report("diffusion", dir.path());
    // 7 masked months, no published non-zero month. Some are « masqué » rather than « < 5 »
    // (seven months of 1 adding up to 7 pin each other), so the sentence does not say
    // they are all small counts.
    assert!(
        chart(&typ, "Entrées par mois, de janvier à décembre 2025").is_none(),
        "the entries chart is drawn"
    );
    assert!(typ.contains(
        "Graphique « Entrées par mois, de janvier à décembre 2025 » non publié : la plupart des valeurs sont masquées par la règle de diffusion (seuil de 5) ; voir le détail mois par mois dans le classeur tableaux.xlsx."
    ));
    // The month-end presents are drawn: some of January to July masked, none of August
    // to December (22, 22, 22, 22, 7).
    let presents = chart(
        &typ,
        "Personnes présentes en fin de mois et places autorisées, de janvier à décembre 2025",
    )
    .expect("the presents chart");
    let masked = masks(presents);
    assert!(
        !masked.is_empty() && masked.iter().all(|&m| m < 7),
        "{presents}"
    );
    assert!(
        presents.contains("22.0000, 22.0000, 22.0000, 22.0000, 7.0000, )"),
        "{presents}"
    );
    // In 2024 nobody enters or leaves: the month-ends are 15 throughout, as are the
    // persons present on 31 December 2024 (`presents_fin`, and `anciennete_presents`'s
    // total, which counts them too). Withholding any of them protects nothing, so every
    // one is published, whatever was tried while the 2025 masks were chosen.
    let published = common::read_indicators(&dir.path().join("indicateurs.csv"));
    for r in published.rows.iter().filter(|r| {
        r.debut == "2024-01-01"
            && ((r.indicateur == "entrees_par_mois" && r.modalite.starts_with("presents:"))
                || r.indicateur == "presents_fin"
                || (r.indicateur == "anciennete_presents" && r.modalite == "total"))
    }) {
        assert_eq!(r.valeur, "15", "{} {}", r.indicateur, r.modalite);
    }
}

#[test]
fn in_interne_charts_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let typ = report("interne", dir.path());
    let line = chart(&typ, "Sorties de la période par motif, 2025").expect("the exits chart");
    let bars = bars(line);
    assert_eq!(bar(&bars, "Relogement autonome").1.1, "5.0000");
    assert_eq!(bar(&bars, "Fin à la demande de la personne").1.1, "2.0000");
    assert_eq!(bar(&bars, "Décès").1.1, "3.0000");
    // January to July one entry each, August to December none.
    let entries =
        chart(&typ, "Entrées par mois, de janvier à décembre 2025").expect("the entries chart");
    assert!(
        entries.contains(
            "(1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 1.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, )"
        ),
        "{entries}"
    );
    // After the preamble, which declares the functions and their `masques` argument.
    let body = &typ[typ.find("// modèle : couverture").unwrap()..];
    assert!(!body.contains("masques: ("));
    assert!(!typ.contains("Barres hachurées"));
    assert!(!typ.contains("non publié : la plupart"));
}

/// Under each chart, who it counts, where it comes from and how to read it, on the
/// fixture in interne:
/// - exits of 2025: 5 rehoused, 5 to a medical facility, 2 at their request, 3 deaths,
///   15 in all; the largest bar is the first of the two of 5 (« Relogement autonome »),
///   5 ÷ 15 = 33,3 % → « 33 % des sorties (5 sur 15) »; the axis runs 0 to 5 by 1;
/// - month-end presents: 7 at the end of December 2025, for the 25 places of the
///   configuration; the axis: 22 at most and 25 places → 25 ÷ 5 = 5 per step, 0 to 25;
/// - entries: none in December, the last month → « le nombre d'entrées est de 0 »; one
///   entry at most → 0 and 1 only.
#[test]
fn every_chart_says_its_field_source_and_reading() {
    let dir = tempfile::tempdir().unwrap();
    let typ = report("interne", dir.path());
    let exits = chart(&typ, "Sorties de la période par motif, 2025").expect("the exits chart");
    assert!(
        exits.contains(
            "axe: ((0.0000, \"0\"), (1.0000, \"1\"), (2.0000, \"2\"), (3.0000, \"3\"), (4.0000, \"4\"), (5.0000, \"5\"), )"
        ),
        "{exits}"
    );
    let after = |line: &str| {
        let rest = &typ[typ.find(line).unwrap() + line.len()..];
        rest[..rest.find("\n]").unwrap()].to_string()
    };
    let notes = after(exits);
    assert!(
        notes.contains("\"Champ : Dispositif de test des graphiques, accompagnements terminés sur la période.\""),
        "{notes}"
    );
    assert!(
        notes.contains(
            "\"Source : Site de test des graphiques, table accompagnements ; traitement bilan.\""
        ),
        "{notes}"
    );
    assert!(
        notes.contains(
            "lecture: \"Lecture : en 2025, 33 % des sorties (5 sur 15) ont pour motif « Relogement autonome ».\""
        ),
        "{notes}"
    );
    let presents = chart(
        &typ,
        "Personnes présentes en fin de mois et places autorisées, de janvier à décembre 2025",
    )
    .expect("the presents chart");
    assert!(
        presents.contains(
            "axe: ((0.0000, \"0\"), (5.0000, \"5\"), (10.0000, \"10\"), (15.0000, \"15\"), (20.0000, \"20\"), (25.0000, \"25\"), )"
        ),
        "{presents}"
    );
    assert!(presents.contains("(\"janv.\", \"févr.\", \"mars\", \"avr.\", \"mai\", \"juin\", \"juil.\", \"août\", \"sept.\", \"oct.\", \"nov.\", \"déc.\", )"), "{presents}");
    let notes = after(presents);
    assert!(
        notes.contains("(\"ligne\", \"Places autorisées : 25\")"),
        "{notes}"
    );
    assert!(
        notes.contains(
            "Lecture : fin décembre 2025, le nombre de personnes présentes est de 7, pour 25 places autorisées."
        ),
        "{notes}"
    );
    let entries = chart(&typ, "Entrées par mois, de janvier à décembre 2025").expect("entries");
    assert!(
        entries.contains("axe: ((0.0000, \"0\"), (1.0000, \"1\"), )"),
        "{entries}"
    );
    assert!(
        after(entries).contains("Lecture : en décembre 2025, le nombre d'entrées est de 0."),
        "{}",
        after(entries)
    );
}
