//! `manifeste.json`: what a result folder was made from, for the evaluators who put the
//! results of several sites together. It holds no name, no identifier, no free text:
//! the site, the periods, the audience and its threshold, the programmes, each input
//! table's file name, fingerprint and rows, the findings by kind, the catalogue's
//! version, and the fingerprint of the `indicateurs.csv` beside it.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::{Run, Shown, WITHHELD};
use crate::indicators::Outcome;
use crate::indicators::catalogue::Block;
use crate::period::Period;

/// The version of this file's layout: a reader refuses another.
pub const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub bilan: String,
    /// The day the folder was produced, for the provenance annex of the national
    /// document; absent from the folders of earlier versions, which stay readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub produit_le: Option<chrono::NaiveDate>,
    pub catalogue: String,
    pub site: String,
    pub periode: Dates,
    pub periode_precedente: Dates,
    pub audience: String,
    pub seuil: u32,
    pub dispositifs: Vec<ProgrammeEntry>,
    /// SHA-256 of the `indicateurs.csv` written with this manifest.
    pub indicateurs_csv: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, Clone, Copy)]
pub struct Dates {
    pub debut: chrono::NaiveDate,
    pub fin: chrono::NaiveDate,
}

impl From<Period> for Dates {
    fn from(p: Period) -> Dates {
        Dates {
            debut: p.start,
            fin: p.end,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ProgrammeEntry {
    pub id: String,
    pub nom: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub places: u32,
    pub ouverture: chrono::NaiveDate,
    pub tables: Vec<TableEntry>,
    /// Findings by kind code (`anomalies`' modalités), kinds with none left out; in
    /// `diffusion`, as the findings table publishes them (« < 5 », « masqué »).
    pub constats: BTreeMap<String, Count>,
}

/// A number of rows or findings: exact, or as `diffusion` publishes it.
#[derive(Debug, Serialize, Deserialize, Clone, PartialEq)]
#[serde(untagged)]
pub enum Count {
    Exact(usize),
    Masked(String),
}

impl Count {
    /// The number, when the file gives it.
    pub fn exact(&self) -> Option<usize> {
        match self {
            Count::Exact(n) => Some(*n),
            Count::Masked(_) => None,
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Count::Exact(n) => write!(f, "{n}"),
            Count::Masked(text) => f.write_str(text),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TableEntry {
    pub table: String,
    pub fichier: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub feuille: Option<String>,
    pub sha256: String,
    pub lignes_lues: Count,
    pub lignes_ecartees: Count,
}

/// The manifest of a run produced on `today`, given the fingerprints of its input files
/// (by path as read) and the bytes of its `indicateurs.csv`.
pub fn bytes(
    run: &Run,
    catalogue_version: &str,
    fingerprints: &BTreeMap<String, String>,
    indicateurs_csv: &[u8],
    today: chrono::NaiveDate,
) -> Result<Vec<u8>> {
    let threshold = run.threshold() as usize;
    // Rows of a table are rows about persons: a small number is masked as a count is.
    let small = |n: usize| {
        if n >= 1 && n < threshold {
            Count::Masked(format!("< {threshold}"))
        } else {
            Count::Exact(n)
        }
    };
    let dispositifs = run
        .programmes
        .iter()
        .map(|p| {
            let tables = p
                .data
                .origins
                .iter()
                .map(|(table, origin)| {
                    let kept = p.data.tables.get(table).map_or(0, |t| t.height());
                    let left_out = p.data.excluded.get(table).copied().unwrap_or(0);
                    TableEntry {
                        table: table.name().to_string(),
                        fichier: std::path::Path::new(&origin.file)
                            .file_name()
                            .map_or(origin.file.clone(), |f| f.to_string_lossy().into_owned()),
                        feuille: origin.sheet.clone(),
                        sha256: fingerprints.get(&origin.file).cloned().unwrap_or_default(),
                        lignes_lues: small(kept + left_out),
                        lignes_ecartees: small(left_out),
                    }
                })
                .collect();
            let mut counted: BTreeMap<String, usize> = BTreeMap::new();
            for f in &p.data.findings {
                *counted.entry(f.kind.code().to_string()).or_insert(0) += 1;
            }
            // The findings table as published: the manifest sits beside it.
            let findings = p
                .tables()
                .find(|(e, _)| {
                    e.indicator
                        .computation
                        .iter()
                        .any(|b| matches!(b, Block::Findings { .. }))
                })
                .and_then(|(e, published)| match &e.outcomes[0] {
                    Outcome::Computed(figures) => Some(
                        figures
                            .iter()
                            .zip(&published[0])
                            .map(|(f, s)| (f.modality.code.clone(), s[0]))
                            .collect::<BTreeMap<String, Shown>>(),
                    ),
                    Outcome::Absent(_) => None,
                });
            let constats = counted
                .into_iter()
                .map(|(kind, n)| {
                    let shown = findings.as_ref().and_then(|f| f.get(&kind)).copied();
                    let count = match shown {
                        Some(Shown::Masked(s)) => Count::Masked(format!("< {s}")),
                        Some(Shown::Withheld) => Count::Masked(WITHHELD.to_string()),
                        _ if threshold > 1 && findings.is_none() && n < threshold => {
                            Count::Masked(format!("< {threshold}"))
                        }
                        _ => Count::Exact(n),
                    };
                    (kind, count)
                })
                .collect();
            ProgrammeEntry {
                id: p.programme.id.clone(),
                nom: p.programme.name.clone(),
                kind: p.programme.kind.code().to_string(),
                places: p.programme.places_on(run.period.end),
                ouverture: p.programme.opening,
                tables,
                constats,
            }
        })
        .collect();
    let manifest = Manifest {
        format: FORMAT,
        bilan: env!("CARGO_PKG_VERSION").to_string(),
        produit_le: Some(today),
        catalogue: catalogue_version.to_string(),
        site: run.config.site.clone(),
        periode: run.period.into(),
        periode_precedente: run.period.previous().into(),
        audience: run.audience.code().to_string(),
        seuil: run.config.privacy.threshold,
        dispositifs,
        indicateurs_csv: crate::digest::sha256(indicateurs_csv),
    };
    let mut text = serde_json::to_vec_pretty(&manifest)?;
    text.push(b'\n');
    Ok(text)
}
