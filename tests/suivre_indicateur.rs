//! The README's « Suivre un indicateur » walks a newcomer from a TOML definition to the
//! PDF through named files and functions: a rename that leaves the walk pointing at
//! nothing fails here, so the walk stays true as the code moves.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The section, from its heading to the next heading.
fn section() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme
        .find("### Suivre un indicateur")
        .expect("la section « Suivre un indicateur » du README");
    let rest = &readme[start + 3..];
    let end = rest.find("\n#").map_or(rest.len(), |i| i + 1);
    rest[..end].to_string()
}

/// Every `code span` of the text (spans may run over a line break).
fn spans(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src") {
        let path = entry.expect("entrée").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The files of `src/`, each with its text.
fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("source");
            (p, text)
        })
        .collect()
}

fn defines_fn(text: &str, name: &str) -> bool {
    text.contains(&format!("fn {name}(")) || text.contains(&format!("fn {name}<"))
}

/// `module::function` (a file `module.rs` or `module/mod.rs` defines it) or
/// `Type::method` (a file with an `impl` of the type defines it).
fn resolves(path: &str, sources: &[(PathBuf, String)]) -> bool {
    let Some((owner, name)) = path.rsplit_once("::") else {
        return false;
    };
    let owner = owner.rsplit("::").next().unwrap_or(owner);
    if owner.starts_with(char::is_uppercase) {
        sources.iter().any(|(_, text)| {
            defines_fn(text, name)
                && text.lines().any(|l| {
                    l.starts_with("impl")
                        && l.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .any(|w| w == owner)
                })
        })
    } else {
        sources.iter().any(|(p, text)| {
            let stem = p.file_stem().and_then(|s| s.to_str());
            let module = if stem == Some("mod") {
                p.parent()
                    .and_then(|d| d.file_name())
                    .and_then(|s| s.to_str())
            } else {
                stem
            };
            module == Some(owner) && defines_fn(text, name)
        })
    }
}

#[test]
fn every_name_the_walk_cites_exists() {
    let text = section();
    let steps = text
        .lines()
        .filter(|l| {
            let digits = l.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && l[digits..].starts_with(". ")
        })
        .count();
    assert!(
        (1..=8).contains(&steps),
        "le chemin tient en au plus huit étapes : {steps}"
    );
    let sources = sources();
    let catalogue: String = ["indicators/A-activite.toml", "indicators/rapport.toml"]
        .iter()
        .map(|f| std::fs::read_to_string(root().join(f)).expect("catalogue"))
        .collect();
    let everything: String = sources.iter().map(|(_, t)| t.as_str()).collect();
    let mut missing = Vec::new();
    for span in spans(&text) {
        let found = if span.contains('/') && !span.contains(' ') {
            root().join(&span).exists()
        } else if span.contains("::") {
            resolves(&span, &sources)
        } else if span.contains(" = ") || span.starts_with("[[") {
            catalogue.contains(&span)
        } else {
            // A name: a function, a type, or a name the catalogue or the code spells out
            // (a column, a table, an indicator, a modalité).
            span.split(',').all(|name| {
                defines_fn(&everything, name)
                    || everything.contains(&format!("struct {name}"))
                    || everything.contains(&format!("\"{name}\""))
                    || catalogue.contains(&format!("\"{name}\""))
            })
        };
        if !found {
            missing.push(span);
        }
    }
    assert!(
        missing.is_empty(),
        "noms cités par « Suivre un indicateur » introuvables : {missing:?}"
    );
}

/// The check itself must be able to fail: a name that no file defines is not found.
#[test]
fn a_name_that_does_not_exist_is_caught() {
    let sources = sources();
    assert!(resolves("mask::publish_run", &sources));
    assert!(resolves("Engine::block", &sources));
    assert!(!resolves("mask::publish_everything", &sources));
    assert!(!resolves("Engine::fly", &sources));
    assert!(!resolves("report::publish_run", &sources));
}
