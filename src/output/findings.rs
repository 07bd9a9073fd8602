//! The findings of `bilan verifier`: a summary and a list the coordinator can act on, or
//! a CSV for a spreadsheet.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;

use super::csv::text_cell;
use crate::config::Programme;
use crate::findings::Finding;
use crate::ingest::Dataset;
use crate::period::Period;

/// For the screen: per programme, the count of findings by kind, then each finding.
pub fn text(checked: &[(&Programme, &Dataset)], period: Period) -> String {
    let mut text = String::new();
    for (programme, data) in checked {
        summary(
            &mut text,
            &programme.name,
            &period.to_string(),
            &data.findings,
        );
    }
    text
}

pub const CSV_HEADER: [&str; 10] = [
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
];

/// For a spreadsheet: one line per finding, `;`-separated, with a BOM so that the
/// accents open right.
pub fn csv(checked: &[(&Programme, &Dataset)]) -> Result<Vec<u8>> {
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(CSV_HEADER)?;
    for (programme, data) in checked {
        for f in &data.findings {
            let line = f.line.to_string();
            let cells = [
                programme.id.as_str(),
                f.table.name(),
                &f.origin.file,
                f.origin.sheet.as_deref().unwrap_or(""),
                &line,
                f.column.unwrap_or(""),
                f.value.as_deref().unwrap_or(""),
                f.kind.label(),
                if f.blocking { "oui" } else { "non" },
                &f.message,
            ];
            writer.write_record(cells.map(|cell| text_cell(cell).into_owned()))?;
        }
    }
    Ok(writer.into_inner()?)
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
        "  {}, dont {blocking} bloquant{} (ligne inutilisable, écartée de tous les calculs).",
        crate::format::count(findings.len() as u64, "constat", "constats"),
        if blocking > 1 { "s" } else { "" }
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
