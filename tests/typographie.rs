//! French typography in everything the report prints from the data and the catalogue
//! (issue 19, point 4): every text of `rapport.typ` is a Typst string literal written by
//! the `t` filter, so each literal of the three sample sites' reports (interne and
//! diffusion) and of their national consolidation, and every text cell of their
//! workbooks, is checked against the rules of
//! `format::prose`: typographic apostrophes, no straight quotes, a no-break space inside
//! « » and before « : », a narrow one before « ; ! ? », and no « (s) » plural marks.

mod common;

use std::path::Path;

const SAMPLES: [&str; 3] = ["reference", "hope-gla", "nancy"];

/// The string literals of Typst markup, unescaped: what the page prints.
fn literals(typ: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = typ.chars();
    let mut in_comment = false;
    let mut previous = '\n';
    while let Some(c) = chars.next() {
        if in_comment {
            in_comment = c != '\n';
        } else if c == '/' && previous == '/' {
            in_comment = true;
        } else if c == '"' {
            let mut text = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some('n') => text.push('\n'),
                        Some(other) => text.push(other),
                        None => {}
                    },
                    '"' => break,
                    c => text.push(c),
                }
            }
            out.push(text);
        }
        previous = c;
    }
    out
}

/// What is wrong with a printed text, if anything.
fn faults(text: &str) -> Vec<String> {
    let mut faults = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|k| chars[k]);
        let after = chars.get(i + 1).copied();
        match c {
            '\'' => faults.push("apostrophe droite".to_string()),
            '"' => faults.push("guillemet droit".to_string()),
            ':' | ';' | '!' | '?' if before == Some(' ') => {
                faults.push(format!("espace sécable avant « {c} »"))
            }
            '«' if after != Some('\u{a0}') => faults.push("« sans espace insécable".to_string()),
            '»' if before != Some('\u{a0}') => faults.push("» sans espace insécable".to_string()),
            _ => {}
        }
    }
    if text.contains("(s)") {
        faults.push("pluriel « (s) »".to_string());
    }
    faults
}

fn check(typ: &str, what: &str) {
    // The preamble's own strings are Typst code (colours, dash styles), not prose.
    let body = &typ[typ.find("// modèle : couverture").unwrap_or(0)..];
    let texts = literals(body);
    // A report prints hundreds of texts: a parse that found none would check nothing.
    assert!(texts.len() > 200, "{what} : {} textes", texts.len());
    let wrong: Vec<String> = texts
        .into_iter()
        .filter_map(|t| {
            let f = faults(&t);
            (!f.is_empty()).then(|| format!("{t:?} : {}", f.join(", ")))
        })
        .collect();
    assert!(wrong.is_empty(), "{what} :\n{}", wrong.join("\n"));
}

#[test]
fn the_rules_find_what_they_are_for() {
    assert_eq!(faults("l'équipe"), ["apostrophe droite"]);
    assert_eq!(faults("Total : 3"), ["espace sécable avant « : »"]);
    assert_eq!(
        faults("« Total »"),
        ["« sans espace insécable", "» sans espace insécable"]
    );
    assert_eq!(faults("3 dispositif(s)"), ["pluriel « (s) »"]);
    assert!(faults("l’équipe\u{a0}: «\u{a0}x\u{a0}» 10:30 entrees:AAAA-MM").is_empty());
    assert_eq!(literals("#a(\"x\\\"y\", \"z\") // \"w\""), ["x\"y", "z"]);
}

/// Every text cell of a workbook: the catalogue's and the data's texts go through
/// `format::prose` there too. Left aside: the identifier lists and, in the findings, the
/// file, sheet and value as typed (columns 2, 3 and 6 below the header « Genre »), which
/// the coordinator searches for in the exports.
fn check_workbook(path: &Path, what: &str) {
    let texts = common::xlsx_texts(path);
    let mut findings_header: Option<(String, usize)> = None;
    let mut wrong = Vec::new();
    for (place, text) in &texts {
        let Some(rest) = place.strip_prefix("feuille ") else {
            continue;
        };
        let Some((sheet, cell)) = rest.split_once(" ligne ") else {
            continue;
        };
        if sheet.starts_with("Détail des cellules") {
            continue;
        }
        let (line, column) = cell.split_once(" colonne ").unwrap();
        let (line, column): (usize, usize) = (line.parse().unwrap(), column.parse().unwrap());
        if text == "Genre" && column == 0 {
            findings_header = Some((sheet.to_string(), line));
        }
        let typed = findings_header
            .as_ref()
            .is_some_and(|(s, l)| s == sheet && line > *l && matches!(column, 2 | 3 | 6));
        let f = faults(text);
        if !typed && !f.is_empty() {
            wrong.push(format!("{place} : {text:?} : {}", f.join(", ")));
        }
    }
    assert!(texts.len() > 200, "{what} : {} textes", texts.len());
    assert!(wrong.is_empty(), "{what} :\n{}", wrong.join("\n"));
}

#[test]
fn every_text_the_reports_print_is_set_in_french() {
    let results = tempfile::tempdir().unwrap();
    let mut folders = Vec::new();
    for sample in SAMPLES {
        let config = format!("sample-data/{sample}/bilan.toml");
        for audience in ["interne", "diffusion"] {
            let out = results.path().join(format!("{sample}-{audience}"));
            common::run_report(&config, "2025", audience, &out);
            let typ = std::fs::read_to_string(out.join("rapport.typ")).unwrap();
            check(&typ, &format!("{sample} ({audience})"));
            check_workbook(
                &out.join("tableaux.xlsx"),
                &format!("{sample} ({audience}), tableaux.xlsx"),
            );
            if audience == "interne" {
                folders.push(out);
            }
        }
    }
    let national = results.path().join("national");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    bilan::pipeline::consolidate(
        &folders,
        bilan::privacy::Audience::Interne,
        &national,
        false,
        today,
    )
    .unwrap();
    check(
        &std::fs::read_to_string(Path::new(&national).join("rapport.typ")).unwrap(),
        "national",
    );
    check_workbook(&national.join("tableaux.xlsx"), "national, tableaux.xlsx");
}
