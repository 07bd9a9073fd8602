//! The national document (`rapport.typ`, and its PDF), built from the parts of the
//! site's report (its heading, cover and annex of definitions). In the order a reader
//! meets them:
//!
//! 1. the comparison: per kind of programme, one row per programme with its key
//!    figures, each rate with its base, then the ensemble and the median of the sites;
//! 2. per kind, the key figures of its ensemble in N and N-1, and each key rate as a
//!    chart of every site against the median and quartiles of the sites ([`charts`]);
//! 3. the provenance annex: per site, what its manifest says its results were made from;
//! 4. the definitions of the indicators it shows.
//!
//! Every value is the one the national tables publish: in `diffusion`, a masked cell
//! reads « < 5 » or « masqué », in the table as in the charts.

use std::collections::HashMap;

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::charts::{self, Context, RateChart};
use super::{National, NationalProgramme, SiteResults};
use crate::figure::{Nature, Unit};
use crate::findings::FindingKind;
use crate::format;
use crate::indicators::catalogue::Block;
use crate::indicators::catalogue::{KeyFigure, applies};
use crate::indicators::{Catalogue, Modality, Outcome};
use crate::output::manifest::{Count, TableEntry};
use crate::output::reperes::benchmark_text;
use crate::output::{Shown, WITHHELD, side_by_side};
use crate::privacy::Audience;
use crate::report::annex::shown_definitions;
use crate::report::figures::{rate_bases, with_base};
use crate::report::{DefinitionDoc, FigureDoc, Heading, apply, figure_doc};

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
    pub columns: Vec<Column>,
    pub rows: Vec<ComparisonRow>,
    pub ensemble: ComparisonRow,
    /// Per column, the median of the sites with its quartiles and number of sites; « — »
    /// for a count, which has no benchmark (its size is the programme's own).
    pub median: Vec<String>,
}

/// A key figure's column: its label, and the unit of a count (« personnes »), printed
/// smaller under it.
#[derive(Serialize, Debug)]
pub struct Column {
    pub label: String,
    pub unit: Option<String>,
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
    /// N and N-1 as printed, a rate with its base: « 90,0 % (9 sur 10) ».
    current: String,
    previous: String,
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
        provenance: provenance(national, sites),
        // The annex defines what the document shows: the key figures of its kinds.
        definitions: shown_definitions(catalogue, |id| {
            catalogue.key_figures.iter().any(|k| {
                k.indicator == id && ensembles.iter().any(|e| applies(&k.programmes, e.kind))
            })
        }),
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
            .map(|k| Column {
                label: k.label.clone(),
                unit: match Unit::of(&k.unit) {
                    Unit::Words(unit) if !unit.contains(' ') => Some(unit.to_string()),
                    _ => None,
                },
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

/// The sites of an ensemble named under its title up to this many.
const MEMBERS_LISTED: usize = 12;

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
        let figure = figure_doc(row, periods);
        let [current, previous] = rate_bases(&periods);
        docs.push(KeyDoc {
            label: k.label.clone(),
            current: with_base(&figure.n_text, current),
            previous: with_base(&figure.n1_text, previous),
            figure,
        });
        if matches!(k.nature, Nature::Rate { .. }) {
            rate_charts.extend(charts::rate_charts(
                context,
                ensemble,
                &k.key.indicator,
                &k.modality,
                (&k.label, &k.unit),
            ));
        }
    }
    let count = format::count(ensemble.members.len() as u64, "dispositif", "dispositifs");
    // A long list would fill the page before the figures: the comparison table names
    // every programme already.
    let members = if ensemble.members.len() > MEMBERS_LISTED {
        format!("{count}, nommés dans le tableau de comparaison de la partie 1.")
    } else {
        let names: Vec<String> = ensemble
            .members
            .iter()
            .map(|id| (context.name)(id))
            .collect();
        format!("{count} : {}.", names.join(", "))
    };
    EnsembleDoc {
        name: ensemble.kind.label().to_string(),
        members,
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
    match (sum, masked.is_empty()) {
        (0, false) => masked.join(" + "),
        (_, true) => format::number(sum as f64, 0),
        _ => format!("{} + {}", format::number(sum as f64, 0), masked.join(" + ")),
    }
}

/// A count as the site's own `diffusion` manifest gives it: from 1 to below the site's
/// threshold, « < 5 » (manifest.rs, rows about persons are masked as a count is).
fn as_site_publishes(count: &Count, threshold: u32) -> Count {
    match count {
        Count::Exact(n) if *n >= 1 && *n < threshold as usize => {
            Count::Masked(format!("< {threshold}"))
        }
        other => other.clone(),
    }
}

/// The findings of a programme by kind as its site's `diffusion` findings table shows
/// them, from the national tables (which publish each site's programmes so); none when
/// the site sent no findings table.
fn published_findings(national: &National, id: &str) -> Option<HashMap<String, Count>> {
    let p = national.programmes.iter().find(|p| p.id == id)?;
    let (e, published) = p.evaluations.iter().zip(&p.published).find(|(e, _)| {
        e.indicator
            .computation
            .iter()
            .any(|b| matches!(b, Block::Findings { .. }))
    })?;
    let Outcome::Computed(figures) = &e.outcomes[0] else {
        return None;
    };
    Some(
        figures
            .iter()
            .zip(&published[0])
            .map(|(f, shown)| {
                let count = match shown[0] {
                    Shown::Value(v) => Count::Exact(v as usize),
                    Shown::Masked(s) => Count::Masked(format!("< {s}")),
                    Shown::Withheld => Count::Masked(WITHHELD.to_string()),
                    Shown::Empty => Count::Exact(0),
                };
                (f.modality.code.clone(), count)
            })
            .collect(),
    )
}

/// One row per site, from its manifest. In `diffusion`, its counts as the site's own
/// `diffusion` publishes them: a sum is of the counts so published, a masked one named
/// beside it, so that no masked count can be read back from a total.
pub fn provenance(national: &National, sites: &[SiteResults]) -> Vec<ProvenanceRow> {
    let diffusion = national.audience == Audience::Diffusion;
    sites
        .iter()
        .map(|s| {
            let m = &s.manifest;
            let shown = |c: &Count| {
                if diffusion {
                    as_site_publishes(c, m.seuil)
                } else {
                    c.clone()
                }
            };
            let rows = |of: fn(&TableEntry) -> &Count| -> Vec<Count> {
                m.dispositifs
                    .iter()
                    .flat_map(|p| &p.tables)
                    .map(|t| shown(of(t)))
                    .collect()
            };
            // Each programme's findings by kind: in diffusion, as its findings table
            // publishes them.
            let findings: Vec<HashMap<String, Count>> = m
                .dispositifs
                .iter()
                .map(|p| {
                    let published = published_findings(national, &p.id).filter(|_| diffusion);
                    p.constats
                        .iter()
                        .map(|(k, c)| {
                            let from_table = published.as_ref().and_then(|f| f.get(k)).cloned();
                            (k.clone(), from_table.unwrap_or_else(|| shown(c)))
                        })
                        .collect()
                })
                .collect();
            // By kind in the order of the quality checks, with their French names.
            // The total names its masked terms in that order too: the same inputs give
            // the same bytes.
            let mut by_kind: Vec<String> = Vec::new();
            let mut every: Vec<&Count> = Vec::new();
            for kind in FindingKind::ALL {
                let counts: Vec<&Count> =
                    findings.iter().filter_map(|f| f.get(kind.code())).collect();
                if !counts.is_empty() {
                    by_kind.push(format!(
                        "{} : {}",
                        kind.label(),
                        total(counts.iter().copied())
                    ));
                    every.extend(counts);
                }
            }
            let all = total(every.into_iter());
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
                rows_read: total(rows(|t| &t.lignes_lues).iter()),
                rows_left_out: total(rows(|t| &t.lignes_ecartees).iter()),
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
