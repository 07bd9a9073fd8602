//! The national document (`rapport.typ`, and its PDF), built from the parts of the
//! site's report (its heading, cover and annex of definitions). In the order a reader
//! meets them:
//!
//! 1. the comparison: per kind of programme, one row per programme with its key
//!    figures, each rate with its base, then the ensemble and the median of the sites;
//! 2. per kind, the key figures of its ensemble in N and N-1, and each key rate as a
//!    chart of every site against the median and quartiles of the sites ([`charts`]);
//! 3. the provenance annex: per site, what its manifest says its results were made from;
//! 4. the definitions of the indicators.
//!
//! Every value is the one the national tables publish: in `diffusion`, a masked cell
//! reads « < 5 » or « masqué », in the table as in the charts.

use std::collections::HashMap;

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::charts::{self, Context, RateChart};
use super::{National, NationalProgramme, SiteResults};
use crate::findings::FindingKind;
use crate::format;
use crate::indicators::catalogue::{KeyFigure, applies};
use crate::indicators::engine::Nature;
use crate::indicators::{Catalogue, Modality};
use crate::output::manifest::Count;
use crate::output::reperes::benchmark_text;
use crate::output::side_by_side;
use crate::report::{DefinitionDoc, FigureDoc, Heading, apply, definitions, figure_doc};

#[derive(Serialize)]
struct Document {
    #[serde(flatten)]
    heading: Heading,
    /// The cover's lines under the title, as `couverture.typ.j2` lays out a site's
    /// programmes: here one line per kind, with its number of programmes.
    programmes: Vec<CoverLine>,
    comparisons: Vec<Comparison>,
    ensembles: Vec<EnsembleDoc>,
    provenance: Vec<ProvenanceRow>,
    definitions: Vec<DefinitionDoc>,
}

#[derive(Serialize)]
struct CoverLine {
    name: String,
    kind: &'static str,
}

/// The programmes of one kind side by side on its key figures.
#[derive(Serialize, Debug)]
pub struct Comparison {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<ComparisonRow>,
    pub ensemble: ComparisonRow,
    /// Per column, the median of the sites with its quartiles and number of sites; « — »
    /// for a count, which has no benchmark (its size is the programme's own).
    pub median: Vec<String>,
}

#[derive(Serialize, Debug)]
pub struct ComparisonRow {
    pub site: String,
    pub programme: String,
    pub cells: Vec<String>,
}

#[derive(Serialize)]
struct EnsembleDoc {
    name: String,
    members: String,
    key_figures: Vec<KeyDoc>,
    charts: Vec<RateChart>,
}

#[derive(Serialize)]
struct KeyDoc {
    label: String,
    figure: FigureDoc,
}

/// One site as its manifest describes its results.
#[derive(Serialize, Debug)]
pub struct ProvenanceRow {
    pub site: String,
    pub programmes: String,
    pub produced: String,
    pub bilan: String,
    pub threshold: String,
    pub rows_read: String,
    pub rows_left_out: String,
    pub findings: String,
    /// The first characters of the manifest's SHA-256, as the national manifest lists it.
    pub fingerprint: String,
}

pub fn render(
    national: &National,
    sites: &[SiteResults],
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Result<String> {
    let period = format!(
        "du {} au {}",
        format::date(national.period.start),
        format::date(national.period.end)
    );
    let names = programme_names(sites);
    let name = |id: &str| {
        names
            .get(id)
            .map_or_else(|| id.to_string(), |(site, _)| site.clone())
    };
    let source = format!(
        "Source : résultats de « bilan rapport » des {} (indicateurs.csv et manifeste.json, voir l'annexe de provenance), consolidés le {}.",
        format::count(sites.len() as u64, "site", "sites"),
        format::date(today)
    );
    let context = Context {
        national,
        period: &period,
        source: &source,
        name: &name,
    };
    let ensembles: Vec<&NationalProgramme> = national
        .programmes
        .iter()
        .filter(|p| !p.members.is_empty())
        .collect();
    let document = Document {
        heading: Heading::new(
            "Consolidation nationale".to_string(),
            national.period,
            national.audience,
            super::tables::rule_note(national),
            today,
        ),
        programmes: ensembles
            .iter()
            .map(|e| CoverLine {
                name: format::count(e.members.len() as u64, "dispositif", "dispositifs"),
                kind: e.kind.label(),
            })
            .collect(),
        comparisons: ensembles
            .iter()
            .map(|e| comparison(national, &names, e, &catalogue.key_figures))
            .collect(),
        ensembles: ensembles
            .iter()
            .map(|e| ensemble_doc(&context, e, &catalogue.key_figures))
            .collect(),
        provenance: provenance(sites),
        definitions: definitions(catalogue),
    };
    apply("national.typ.j2", document)
}

/// Each programme's site and own name, by programme id, from the manifests.
fn programme_names(sites: &[SiteResults]) -> HashMap<String, (String, String)> {
    sites
        .iter()
        .flat_map(|s| {
            s.manifest
                .dispositifs
                .iter()
                .map(|p| (p.id.clone(), (s.manifest.site.clone(), p.nom.clone())))
        })
        .collect()
}

/// A key figure of a kind as the ensemble computes it: its label, modalité and unit.
struct Key<'k> {
    key: &'k KeyFigure,
    label: String,
    modality: Modality,
    unit: String,
    nature: Nature,
}

/// The key figures of the ensemble's kind that its sites compute, in the catalogue's
/// order (indicators/rapport.toml); « au dernier jour » reads as the period's last day,
/// as on the site's synthesis page.
fn keys<'k>(
    national: &National,
    ensemble: &NationalProgramme,
    key_figures: &'k [KeyFigure],
) -> Vec<Key<'k>> {
    let end = format::day_month(national.period.end);
    key_figures
        .iter()
        .filter(|k| applies(&k.programmes, ensemble.kind))
        .filter_map(|k| {
            let (e, published) = ensemble
                .evaluations
                .iter()
                .zip(&ensemble.published)
                .find(|(e, _)| e.indicator.id == k.indicator)?;
            let modality = Modality::code(k.modality.as_str());
            let (row, _) = side_by_side(e, published)
                .into_iter()
                .find(|(row, _)| row.modality == modality)?;
            Some(Key {
                key: k,
                label: k
                    .label
                    .clone()
                    .unwrap_or_else(|| e.indicator.label.clone())
                    .replace("au dernier jour", &format!("au {end}")),
                modality,
                unit: row.unit.clone(),
                nature: row.nature,
            })
        })
        .collect()
}

/// The comparison table of one kind: one row per programme of its sites, then the
/// ensemble, then the median of the sites.
pub fn comparison(
    national: &National,
    names: &HashMap<String, (String, String)>,
    ensemble: &NationalProgramme,
    key_figures: &[KeyFigure],
) -> Comparison {
    let keys = keys(national, ensemble, key_figures);
    let cells = |p: &NationalProgramme| -> Vec<String> {
        keys.iter()
            .map(|k| charts::current_shown(p, &k.key.indicator, &k.modality).1)
            .collect()
    };
    let rows = national
        .programmes
        .iter()
        .filter(|p| ensemble.members.contains(&p.id))
        .map(|p| {
            let (site, programme) = names
                .get(&p.id)
                .cloned()
                .unwrap_or_else(|| (String::new(), p.name.clone()));
            ComparisonRow {
                site,
                programme,
                cells: cells(p),
            }
        })
        .collect();
    Comparison {
        title: format!(
            "{} : {}",
            ensemble.kind.label(),
            format::count(ensemble.members.len() as u64, "dispositif", "dispositifs")
        ),
        columns: keys
            .iter()
            // A one-word unit (« personnes ») tells what a count counts; a longer one
            // repeats the label (« VAD par personne et par semaine »).
            .map(|k| match k.unit.as_str() {
                "%" | "€" | "" => k.label.clone(),
                unit if unit.contains(' ') => k.label.clone(),
                unit => format!("{} ({unit})", k.label),
            })
            .collect(),
        rows,
        ensemble: ComparisonRow {
            site: "Ensemble".to_string(),
            programme: format!(
                "{}, chiffres consolidés",
                format::count(ensemble.members.len() as u64, "dispositif", "dispositifs")
            ),
            cells: cells(ensemble),
        },
        median: keys
            .iter()
            .map(|k| {
                if k.nature == Nature::Headcount {
                    return "—".to_string();
                }
                national
                    .benchmarks
                    .iter()
                    .find(|b| {
                        b.kind == ensemble.kind
                            && b.period == national.period
                            && b.indicator == k.key.indicator
                            && b.modality == k.modality
                    })
                    .map_or_else(|| "—".to_string(), |b| benchmark_text(b, &k.unit))
            })
            .collect(),
    }
}

fn ensemble_doc(
    context: &Context,
    ensemble: &NationalProgramme,
    key_figures: &[KeyFigure],
) -> EnsembleDoc {
    let mut docs = Vec::new();
    let mut rate_charts = Vec::new();
    for k in keys(context.national, ensemble, key_figures) {
        let Some((e, published)) = ensemble
            .evaluations
            .iter()
            .zip(&ensemble.published)
            .find(|(e, _)| e.indicator.id == k.key.indicator)
        else {
            continue;
        };
        let Some((row, periods)) = side_by_side(e, published)
            .into_iter()
            .find(|(row, _)| row.modality == k.modality)
        else {
            continue;
        };
        docs.push(KeyDoc {
            label: k.label.clone(),
            figure: figure_doc(row, periods),
        });
        // A 0–100 % axis is that of a share; other rates (per 1 000 days) are in the
        // comparison table only.
        if matches!(k.nature, Nature::Rate { .. }) && k.unit == "%" {
            rate_charts.extend(charts::rate_charts(
                context,
                ensemble,
                &k.key.indicator,
                &k.modality,
                &k.label,
            ));
        }
    }
    let members: Vec<String> = ensemble
        .members
        .iter()
        .map(|id| (context.name)(id))
        .collect();
    EnsembleDoc {
        name: ensemble.kind.label().to_string(),
        members: format!(
            "{} : {}.",
            format::count(ensemble.members.len() as u64, "dispositif", "dispositifs"),
            members.join(", ")
        ),
        key_figures: docs,
        charts: rate_charts,
    }
}

/// Rows or findings added up; a number a manifest gives masked (« < 5 ») is named
/// beside the sum of the exact ones, never guessed.
fn total<'c>(counts: impl Iterator<Item = &'c Count>) -> String {
    let mut sum = 0;
    let mut masked = Vec::new();
    for c in counts {
        match c {
            Count::Exact(n) => sum += n,
            Count::Masked(text) => masked.push(text.clone()),
        }
    }
    let mut text = format::number(sum as f64, 0);
    if !masked.is_empty() {
        text.push_str(&format!(" + {}", masked.join(" + ")));
    }
    text
}

/// One row per site, from its manifest.
pub fn provenance(sites: &[SiteResults]) -> Vec<ProvenanceRow> {
    sites
        .iter()
        .map(|s| {
            let m = &s.manifest;
            let tables = || m.dispositifs.iter().flat_map(|p| &p.tables);
            // The findings of the site's programmes, by kind in the order of the
            // quality checks, with their French names.
            let mut by_kind: Vec<String> = Vec::new();
            for kind in FindingKind::ALL {
                let counts: Vec<&Count> = m
                    .dispositifs
                    .iter()
                    .filter_map(|p| p.constats.get(kind.code()))
                    .collect();
                if !counts.is_empty() {
                    by_kind.push(format!("{} : {}", kind.label(), total(counts.into_iter())));
                }
            }
            let all = total(m.dispositifs.iter().flat_map(|p| p.constats.values()));
            ProvenanceRow {
                site: m.site.clone(),
                programmes: m
                    .dispositifs
                    .iter()
                    .map(|p| p.nom.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                produced: m
                    .produit_le
                    .map_or_else(|| "non indiquée".to_string(), format::date),
                bilan: m.bilan.clone(),
                threshold: m.seuil.to_string(),
                rows_read: total(tables().map(|t| &t.lignes_lues)),
                rows_left_out: total(tables().map(|t| &t.lignes_ecartees)),
                findings: if by_kind.is_empty() {
                    "aucun".to_string()
                } else {
                    format!("{all} ({})", by_kind.join(" ; "))
                },
                fingerprint: s.manifest_sha256.chars().take(12).collect(),
            }
        })
        .collect()
}
