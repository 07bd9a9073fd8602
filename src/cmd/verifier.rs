//! `bilan verifier`: the data-quality checks of group Q, as a summary and a list of
//! findings the coordinator can act on, or as CSV for a spreadsheet.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;

use crate::cli::{CheckArgs, CheckFormat};
use crate::config::Config;
use crate::output::write_atomic;
use crate::quality::Finding;

/// Runs the checks; `Ok(false)` when a finding makes a row unusable.
pub fn run(args: &CheckArgs) -> Result<bool> {
    let config = Config::read(&args.site.config)?;
    let period = args.site.period()?;
    let mut checked = Vec::new();
    for programme in &config.programmes {
        let data = super::rapport::load_checked(&config, programme, period)?;
        checked.push((programme, data));
    }
    let text = match args.format {
        CheckFormat::Texte => {
            let mut text = String::new();
            for (programme, data) in &checked {
                summary(
                    &mut text,
                    &programme.name,
                    &period.to_string(),
                    &data.findings,
                );
            }
            text
        }
        CheckFormat::Csv => {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(Vec::new());
            writer.write_record([
                "dispositif",
                "table",
                "fichier",
                "feuille",
                "ligne",
                "colonne",
                "valeur",
                "genre",
                "bloquant",
                "message",
            ])?;
            for (programme, data) in &checked {
                for f in &data.findings {
                    writer.write_record([
                        programme.id.as_str(),
                        f.table.name(),
                        &f.origin.file,
                        f.origin.sheet.as_deref().unwrap_or(""),
                        &f.line.to_string(),
                        f.column.unwrap_or(""),
                        f.value.as_deref().unwrap_or(""),
                        f.kind.label(),
                        if f.blocking { "oui" } else { "non" },
                        &f.message,
                    ])?;
                }
            }
            // A BOM so that a spreadsheet opens the accents right.
            format!("\u{feff}{}", String::from_utf8(writer.into_inner()?)?)
        }
    };
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(!checked
        .iter()
        .any(|(_, data)| data.findings.iter().any(|f| f.blocking)))
}

fn summary(text: &mut String, name: &str, period: &str, findings: &[Finding]) {
    let _ = writeln!(text, "{name} — vérification des données, période {period}");
    if findings.is_empty() {
        let _ = writeln!(
            text,
            "  Aucun constat : les données sont utilisables telles quelles.\n"
        );
        return;
    }
    let blocking = findings.iter().filter(|f| f.blocking).count();
    let _ = writeln!(
        text,
        "  {} constat(s), dont {blocking} bloquant(s) (ligne inutilisable, écartée de tous les calculs).",
        findings.len()
    );
    let mut by_kind: BTreeMap<_, usize> = BTreeMap::new();
    for f in findings {
        *by_kind.entry(f.kind).or_default() += 1;
    }
    for (kind, n) in by_kind {
        let _ = writeln!(text, "    {:<40} {n:>6}", kind.label());
    }
    let _ = writeln!(text, "\n  Détail :");
    for f in findings {
        let _ = writeln!(text, "  - {f}");
    }
    let _ = writeln!(text);
}
