//! Consolidation: the `interne` results of several sites put together for the national
//! evaluation (indicateurs.md, « Consolidation »). Each site's programmes keep their
//! figures as received; each kind of programme gets an ensemble, `ensemble_<type>`:
//! counts and amounts added, rates recomputed from the summed terms, means weighted by
//! their counts, medians left out. Every figure of a kind that is not a count also gets
//! its benchmarks: the spread (minimum, quartiles, maximum) of the values the sites
//! publish in `diffusion`, over at least five sites.
//!
//! What a figure is (a count, a rate, its place in a sum) is not in `indicateurs.csv`:
//! it is read from the catalogue evaluated on no data, which gives every figure its shape.
//! The persons (or rows) each figure is over are read from the `base` column.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use chrono::NaiveDate;

use crate::config::{Programme, Source};
use crate::figure::{Combine, Nature, SumRole};
use crate::indicators::catalogue::Block;
use crate::indicators::engine;
use crate::indicators::{self, Catalogue, Evaluation, Figure, Modality, Outcome};
use crate::ingest::Dataset;
use crate::model::{ProgrammeKind, Table};
use crate::output::disclosure::{self, Slot};
use crate::output::manifest::{FORMAT, Manifest};
use crate::output::reperes::{Benchmark, MIN_SITES, quartiles};
use crate::output::{Published, Shown, mask};
use crate::period::Period;
use crate::privacy::Audience;

pub mod charts;
pub mod report;
pub mod tables;

/// One line of a site's `indicateurs.csv`, its numbers read.
#[derive(Debug, Clone)]
pub struct Row {
    pub dispositif: String,
    pub debut: NaiveDate,
    pub indicateur: String,
    pub modalite: Modality,
    pub valeur: Option<f64>,
    pub numerateur: Option<f64>,
    pub denominateur: Option<f64>,
    pub unite: String,
    /// The persons (or rows) the figure is over, as the site computed it.
    pub base: Option<f64>,
}

/// A result folder of `bilan rapport`, read.
pub struct SiteResults {
    pub folder: PathBuf,
    pub manifest: Manifest,
    /// SHA-256 of the manifest file itself, for the consolidation's own manifest.
    pub manifest_sha256: String,
    pub rows: Vec<Row>,
}

/// A programme of the national tables: a site's, or the ensemble of a kind.
pub struct NationalProgramme<'c> {
    pub id: String,
    pub name: String,
    pub kind: ProgrammeKind,
    /// For an ensemble, the programmes put together; for a site's, none.
    pub members: Vec<String>,
    pub evaluations: Vec<Evaluation<'c>>,
    pub published: Vec<[Published; 2]>,
}

pub struct National<'c> {
    pub period: Period,
    pub audience: Audience,
    pub threshold: u32,
    pub programmes: Vec<NationalProgramme<'c>>,
    pub benchmarks: Vec<Benchmark>,
}

/// Reads a result folder: its manifest and `indicateurs.csv`, checked against each other.
/// The first 12 characters of a catalogue version, as messages quote it: characters, not
/// bytes, since a manifest edited by hand may hold any text there.
pub fn short_version(version: &str) -> String {
    version.chars().take(12).collect()
}

pub fn read_folder(folder: &Path) -> Result<SiteResults> {
    let named = |what: &str| {
        anyhow!(
            "Le dossier « {} » n'est pas un dossier de résultats de « bilan rapport » : {what}.",
            folder.display()
        )
    };
    if !folder.exists() {
        return Err(anyhow!(
            "Dossier introuvable : « {} ». Vérifiez le chemin du dossier de résultats de « bilan rapport » à consolider.",
            folder.display()
        ));
    }
    if !folder.is_dir() {
        return Err(named("c'est un fichier, pas un dossier"));
    }
    let _settled = crate::output::files::settled(folder)?;
    // A file of the folder that is there but not a regular file (a FIFO, a device) is
    // refused as such, before it is opened: reading it could block or never end.
    let read = |name: &str, missing: &str| match folder.join(name) {
        path if path.exists() => crate::input::read(&path, "le fichier"),
        _ => Err(named(missing)),
    };
    let manifest_bytes = read("manifeste.json", "il n'a pas de manifeste.json")?;
    let csv_bytes = read("indicateurs.csv", "il n'a pas d'indicateurs.csv")?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|_| named("son manifeste.json est illisible"))?;
    if manifest.format != FORMAT {
        return Err(named(&format!(
            "son manifeste est au format {} (attendu : {FORMAT})",
            manifest.format
        )));
    }
    if manifest.audience != Audience::Interne.code() {
        return Err(anyhow!(
            "Le dossier « {} » contient des résultats « {} » : leurs effectifs masqués ne peuvent pas s'additionner. Consolidez les résultats « interne » du site.",
            folder.display(),
            manifest.audience
        ));
    }
    if crate::digest::sha256(&csv_bytes) != manifest.indicateurs_csv {
        return Err(anyhow!(
            "Le dossier « {} » : indicateurs.csv a été modifié depuis sa production (son empreinte n'est plus celle de manifeste.json).",
            folder.display()
        ));
    }
    let rows = read_rows(folder, &csv_bytes)?;
    Ok(SiteResults {
        folder: folder.to_path_buf(),
        manifest,
        manifest_sha256: crate::digest::sha256(&manifest_bytes),
        rows,
    })
}

fn read_rows(folder: &Path, bytes: &[u8]) -> Result<Vec<Row>> {
    let mut reader = csv::Reader::from_reader(bytes);
    let unreadable = |line: u64| {
        anyhow!(
            "Le dossier « {} » : indicateurs.csv illisible à la ligne {line}.",
            folder.display()
        )
    };
    let header = reader.headers().map_err(|_| unreadable(1))?;
    if header
        .iter()
        .eq(crate::output::csv::HEADER[..9].iter().copied())
    {
        return Err(anyhow!(
            "Le dossier « {} » : son indicateurs.csv a été produit par une version antérieure de bilan (9 colonnes, sans la colonne « base » des effectifs sur lesquels porte chaque chiffre). Relancez « bilan rapport » sur les données du site avec cette version, puis consolidez le nouveau dossier.",
            folder.display()
        ));
    }
    if !header.iter().eq(crate::output::csv::HEADER.iter().copied()) {
        return Err(unreadable(1));
    }
    // `f64::from_str` reads « NaN » and « inf », which bilan never writes: such a
    // figure would be published as « NaN % » and summed into every ensemble.
    let number = |cell: &str, line: u64, column: usize| -> Result<Option<f64>> {
        if cell.is_empty() {
            return Ok(None);
        }
        match cell.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Some(value)),
            Ok(_) => Err(anyhow!(
                "Le dossier « {} » : indicateurs.csv, ligne {line}, colonne « {} » : « {} » n'est pas un nombre fini ; ce fichier n'est pas celui qu'a écrit « bilan rapport ».",
                folder.display(),
                crate::output::csv::HEADER[column],
                crate::findings::excerpt(cell)
            )),
            Err(_) => Err(unreadable(line)),
        }
    };
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let r = record.map_err(|_| unreadable(line))?;
        if r.len() != crate::output::csv::HEADER.len() {
            return Err(unreadable(line));
        }
        rows.push(Row {
            dispositif: r[0].to_string(),
            debut: r[1].parse().map_err(|_| unreadable(line))?,
            indicateur: r[3].to_string(),
            modalite: crate::output::csv::parse_modality(&r[4]),
            valeur: number(&r[5], line, 5)?,
            numerateur: number(&r[6], line, 6)?,
            denominateur: number(&r[7], line, 7)?,
            unite: r[8].to_string(),
            base: number(&r[9], line, 9)?,
        });
    }
    Ok(rows)
}

/// Refuses folders that cannot be put together, naming them.
pub fn check_together(sites: &[SiteResults]) -> Result<()> {
    let Some(first) = sites.first() else {
        return Err(anyhow!("Aucun dossier de résultats à consolider."));
    };
    let mut ids: BTreeMap<&str, &Path> = BTreeMap::new();
    for s in sites {
        let m = &s.manifest;
        if m.periode != first.manifest.periode {
            return Err(anyhow!(
                "Périodes différentes : « {} » couvre du {} au {}, « {} » du {} au {}.",
                first.folder.display(),
                first.manifest.periode.debut,
                first.manifest.periode.fin,
                s.folder.display(),
                m.periode.debut,
                m.periode.fin
            ));
        }
        if m.catalogue != first.manifest.catalogue {
            return Err(anyhow!(
                "Catalogues d'indicateurs différents : « {} » (version {}) et « {} » (version {}) n'ont pas été calculés avec les mêmes définitions.",
                first.folder.display(),
                short_version(&first.manifest.catalogue),
                s.folder.display(),
                short_version(&m.catalogue)
            ));
        }
        for p in &m.dispositifs {
            if let Some(other) = ids.insert(&p.id, &s.folder) {
                return Err(anyhow!(
                    "Le dispositif « {} » est dans deux dossiers : « {} » et « {} ».",
                    p.id,
                    other.display(),
                    s.folder.display()
                ));
            }
        }
    }
    Ok(())
}

/// What a figure is, from the catalogue evaluated on no data.
#[derive(Clone)]
struct Shape {
    nature: Nature,
    combine: Combine,
    roles: Vec<SumRole>,
    codes: Option<&'static crate::model::CodeList>,
    keys: [Option<String>; 3],
}

type ShapeKey = (String, Option<String>, String);

/// The code of a shape that every modalité of its indicator takes.
const ANY_CODE: &str = "*";

/// The shape of every figure of every indicator, for one kind of programme.
fn shapes(
    catalogue: &Catalogue,
    kind: ProgrammeKind,
    period: Period,
) -> Result<HashMap<ShapeKey, Shape>> {
    let programme = Programme {
        id: String::new(),
        name: String::new(),
        kind,
        places: crate::config::Places::History(vec![(period.start, 1)]),
        opening: period.start,
        visit_target: None,
        profile: None,
        sources: Table::ALL
            .iter()
            .map(|t| (*t, Source::File(PathBuf::new())))
            .collect(),
    };
    let mut shapes = HashMap::new();
    for e in indicators::evaluate(catalogue, &Dataset::default(), &programme, period, false)? {
        let Outcome::Computed(figures) = &e.outcomes[0] else {
            continue;
        };
        for f in figures {
            let key = (
                e.indicator.id.clone(),
                f.modality.prefix.clone(),
                f.modality.code.clone(),
            );
            shapes.entry(key).or_insert_with(|| Shape {
                nature: f.nature,
                combine: f.combine,
                roles: f.sums.clone(),
                codes: f.codes,
                keys: f.keys.clone(),
            });
        }
    }
    // With no table, completeness has no figure: its figures are named after the tables
    // a site provides, each a share of rows (indicateurs.md, group Q).
    for (_, indicator) in catalogue.indicators() {
        if indicator
            .computation
            .iter()
            .any(|b| matches!(b, Block::Completeness { .. }))
        {
            shapes.insert(
                (indicator.id.clone(), None, ANY_CODE.to_string()),
                Shape {
                    nature: Nature::Rate {
                        numerator_is_count: true,
                        denominator_is_count: true,
                    },
                    combine: Combine::Ratio(100.0),
                    roles: Vec::new(),
                    codes: None,
                    keys: Default::default(),
                },
            );
        }
    }
    Ok(shapes)
}

/// The shape of a figure; « non reconnu », published only when a site has one, takes
/// that of the first part of its table.
fn shape_of<'s>(
    shapes: &'s HashMap<ShapeKey, Shape>,
    indicator: &str,
    m: &Modality,
) -> Option<&'s Shape> {
    shapes
        .get(&(indicator.to_string(), m.prefix.clone(), m.code.clone()))
        .or_else(|| {
            shapes.get(&(
                indicator.to_string(),
                m.prefix.clone(),
                ANY_CODE.to_string(),
            ))
        })
        .or_else(|| {
            shapes
                .iter()
                .filter(|((i, p, _), s)| {
                    i == indicator
                        && *p == m.prefix
                        && !s.roles.is_empty()
                        && s.roles.iter().all(|r| matches!(r, SumRole::Part(_)))
                })
                .map(|(_, s)| s)
                .next()
        })
}

/// Figures built from rows, their sums numbered per month; each is over the base the
/// site wrote for it.
fn figures_of(shapes: &HashMap<ShapeKey, Shape>, indicator: &str, rows: &[&Row]) -> Vec<Figure> {
    let mut sums: HashMap<(usize, Option<NaiveDate>), usize> = HashMap::new();
    rows.iter()
        .map(|r| {
            let shape = shape_of(shapes, indicator, &r.modalite);
            let roles = shape
                .map(|s| {
                    s.roles
                        .iter()
                        .map(|role| {
                            let next = sums.len();
                            let id = *sums.entry((role.sum(), r.modalite.month)).or_insert(next);
                            match role {
                                SumRole::Part(_) => SumRole::Part(id),
                                SumRole::Total(_) => SumRole::Total(id),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let nature = shape.map_or(Nature::Statistic, |s| s.nature);
            Figure {
                modality: r.modalite.clone(),
                value: r.valeur,
                numerator: r.numerateur,
                denominator: r.denominateur,
                unit: r.unite.clone(),
                codes: shape.and_then(|s| s.codes),
                nature,
                over: r.base,
                sums: roles,
                combine: shape.map_or(Combine::Not, |s| s.combine),
                ids: Default::default(),
                keys: match shape {
                    Some(s) if s.keys.iter().any(Option::is_some) => {
                        // « non reconnu » borrows the shape of its table's first code.
                        let [value, n, d] = s.keys.clone();
                        let value = value.map(|k| match k.rsplit_once('=') {
                            Some((rows, _)) => format!("{rows}={}", r.modalite.code),
                            None => k,
                        });
                        [value, n, d]
                    }
                    // Completeness has one shape for every column, with no keys.
                    _ => completeness_keys(&r.modalite).unwrap_or_default(),
                },
            }
        })
        .collect()
}

/// The keys of a completeness figure, named « table.colonne »: as the site's run gave
/// them, so that its terms relate to the breakdown of the same column here too.
fn completeness_keys(m: &Modality) -> Option<[Option<String>; 3]> {
    let (table, column) = m.code.split_once('.')?;
    let table = Table::ALL.into_iter().find(|t| t.name() == table)?;
    let column = table.spec().column(column)?;
    Some(engine::completeness_keys(table, column))
}

/// The ensemble's figure of one modalité from the sites' figures.
fn combined(template: &Figure, sites: &[&Figure], siblings: &[Vec<&Figure>]) -> Figure {
    let sum = |get: fn(&Figure) -> Option<f64>| -> Option<f64> {
        let values: Vec<f64> = sites.iter().filter_map(|f| get(f)).collect();
        (!values.is_empty()).then(|| values.iter().sum())
    };
    let mut f = Figure {
        value: None,
        numerator: None,
        denominator: None,
        over: sum(|f| f.over),
        ..template.clone()
    };
    match template.combine {
        Combine::Add => f.value = sum(|f| f.value),
        Combine::Ratio(factor) => {
            f.numerator = sum(|f| f.numerator);
            f.denominator = sum(|f| f.denominator);
            f.value = match (f.numerator, f.denominator) {
                (Some(n), Some(d)) if d != 0.0 => Some(n / d * factor),
                _ => None,
            };
        }
        Combine::Mean => {
            let weighted: Vec<(f64, f64)> = sites
                .iter()
                .zip(siblings)
                .filter_map(|(f, sib)| {
                    let count = sib.iter().find(|s| s.modality.code == "effectif")?.value?;
                    Some((f.value? * count, count))
                })
                .collect();
            let total: f64 = weighted.iter().map(|(_, c)| c).sum();
            f.value = (total > 0.0).then(|| weighted.iter().map(|(v, _)| v).sum::<f64>() / total);
        }
        Combine::Not => {}
    }
    f
}

/// The share of those present who take part in an event, and the figure whose terms
/// count the events (indicateurs.md, group G, `vie_collective`).
struct Participation {
    indicator: &'static str,
    rate: &'static str,
    per_event: &'static str,
}

const PARTICIPATION: Participation = Participation {
    indicator: "vie_collective",
    rate: "taux_participation",
    per_event: "participants_moyenne",
};

/// `taux_participation` of an ensemble: Σ participants ÷ Σ over the sites of (events
/// with a count × mean persons present), not the sum of the sites' mean participants.
/// Its terms keep the meaning they have at a site, over all the events: the mean
/// participants per event, Σ p ÷ Σ k, and the mean persons present weighted by each
/// site's events, Σ (k × présents) ÷ Σ k; their ratio is the spec's.
fn participation(figures: &mut [Figure], sites: &[&Vec<Figure>]) {
    let code = |f: &Figure, c: &str| {
        f.modality.prefix.is_none() && f.modality.month.is_none() && f.modality.code == c
    };
    let (mut participants, mut events, mut weighted_present) = (0.0, 0.0, 0.0);
    for site in sites {
        let per_event = site.iter().find(|f| code(f, PARTICIPATION.per_event));
        let rate = site.iter().find(|f| code(f, PARTICIPATION.rate));
        let (Some(p), Some(k), Some(present)) = (
            per_event.and_then(|f| f.numerator),
            per_event.and_then(|f| f.denominator),
            rate.and_then(|f| f.denominator),
        ) else {
            continue;
        };
        participants += p;
        events += k;
        weighted_present += k * present;
    }
    // With no event counted anywhere, the rate has no value, as the sums already say.
    let Some(f) = figures
        .iter_mut()
        .find(|f| code(f, PARTICIPATION.rate))
        .filter(|_| events > 0.0)
    else {
        return;
    };
    let factor = match f.combine {
        Combine::Ratio(factor) => factor,
        _ => 1.0,
    };
    let (n, d) = (participants / events, weighted_present / events);
    f.numerator = Some(n);
    f.denominator = Some(d);
    f.value = (d != 0.0).then(|| n / d * factor);
}

/// Puts the sites together for the audience.
pub fn consolidate<'c>(
    catalogue: &'c Catalogue,
    sites: &[SiteResults],
    audience: Audience,
    threshold: u32,
) -> Result<National<'c>> {
    check_together(sites)?;
    let dates = sites[0].manifest.periode;
    let period = Period {
        start: dates.debut,
        end: dates.fin,
    };
    let periods = [period.start, period.previous().start];
    let mut programmes = Vec::new();
    let mut kinds: Vec<ProgrammeKind> = Vec::new();
    let mut shapes_by_kind: HashMap<ProgrammeKind, HashMap<ShapeKey, Shape>> = HashMap::new();
    for site in sites {
        for entry in &site.manifest.dispositifs {
            let kind = parse_kind(&entry.kind, &site.folder)?;
            check_kind(catalogue, site, &entry.id, &entry.kind, kind)?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
                shapes_by_kind.insert(kind, shapes(catalogue, kind, period)?);
            }
            let shapes = &shapes_by_kind[&kind];
            let mut evaluations = Vec::new();
            for (group, indicator) in catalogue.indicators() {
                let outcomes = periods.map(|start| {
                    let rows: Vec<&Row> = site
                        .rows
                        .iter()
                        .filter(|r| {
                            r.dispositif == entry.id
                                && r.debut == start
                                && r.indicateur == indicator.id
                        })
                        .collect();
                    if rows.is_empty() {
                        Outcome::Absent("Non calculé par le site.".to_string())
                    } else {
                        Outcome::Computed(figures_of(shapes, &indicator.id, &rows))
                    }
                });
                if outcomes.iter().any(|o| matches!(o, Outcome::Computed(_))) {
                    evaluations.push(Evaluation {
                        group,
                        indicator,
                        outcomes,
                    });
                }
            }
            programmes.push(NationalProgramme {
                id: entry.id.clone(),
                name: format!("{} ({})", entry.nom, site.manifest.site),
                kind,
                members: Vec::new(),
                evaluations,
                published: Vec::new(),
            });
        }
    }
    let mut ensembles = Vec::new();
    for kind in &kinds {
        let members: Vec<&NationalProgramme> =
            programmes.iter().filter(|p| p.kind == *kind).collect();
        let mut evaluations = Vec::new();
        for (group, indicator) in catalogue.indicators() {
            let outcomes: [Outcome; 2] = [0, 1].map(|period_index| {
                let outcomes: Vec<&Vec<Figure>> = members
                    .iter()
                    .filter_map(|p| {
                        p.evaluations
                            .iter()
                            .find(|e| e.indicator.id == indicator.id)
                    })
                    .filter_map(|e| match &e.outcomes[period_index] {
                        Outcome::Computed(f) => Some(f),
                        Outcome::Absent(_) => None,
                    })
                    .collect();
                let mut order: Vec<&Figure> = Vec::new();
                for f in outcomes.iter().flat_map(|o| o.iter()) {
                    if !order.iter().any(|o| o.modality == f.modality) {
                        order.push(f);
                    }
                }
                if order.is_empty() {
                    return Outcome::Absent("Aucun site ne l'a calculé.".to_string());
                }
                let mut figures: Vec<Figure> = order
                    .iter()
                    .map(|template| {
                        let (found, siblings): (Vec<&Figure>, Vec<Vec<&Figure>>) = outcomes
                            .iter()
                            .filter_map(|o| {
                                let f = o.iter().find(|f| f.modality == template.modality)?;
                                let siblings = o
                                    .iter()
                                    .filter(|s| {
                                        s.modality.prefix == f.modality.prefix
                                            && s.modality.month == f.modality.month
                                    })
                                    .collect();
                                Some((f, siblings))
                            })
                            .unzip();
                        combined(template, &found, &siblings)
                    })
                    .collect();
                if indicator.id == PARTICIPATION.indicator {
                    participation(&mut figures, &outcomes);
                }
                Outcome::Computed(figures)
            });
            if outcomes.iter().any(|o| matches!(o, Outcome::Computed(_))) {
                evaluations.push(Evaluation {
                    group,
                    indicator,
                    outcomes,
                });
            }
        }
        ensembles.push(NationalProgramme {
            id: format!("ensemble_{}", kind.code()),
            name: format!("Ensemble — {}", kind.label()),
            kind: *kind,
            members: members.iter().map(|p| p.id.clone()).collect(),
            evaluations,
            published: Vec::new(),
        });
    }
    let diffusion = sites_diffusion(&programmes, sites, [period, period.previous()]);
    programmes.extend(ensembles);
    publish(
        &mut programmes,
        &diffusion,
        [period, period.previous()],
        threshold,
    );
    let mut benchmarks = Vec::new();
    for kind in &kinds {
        let members: Vec<(&NationalProgramme, &Vec<[Published; 2]>)> = programmes
            .iter()
            .zip(&diffusion)
            .filter(|(p, _)| p.kind == *kind && p.members.is_empty())
            .collect();
        for (_, indicator) in catalogue.indicators() {
            for (period_index, p) in [period, period.previous()].into_iter().enumerate() {
                benchmarks.extend(spread(*kind, &members, indicator, period_index, p));
            }
        }
    }
    Ok(National {
        period,
        audience,
        threshold,
        programmes,
        benchmarks,
    })
}

/// How the national tables are published. In `diffusion`, each site's programmes are
/// shown as the site's own `diffusion` shows them (`diffusion`, by programme): a
/// reader may hold that file too, so masking a site's cell again here would protect
/// nothing, and those cells are locked. The ensembles are then masked so that, read
/// with every site's cells (an ensemble's count is the sum of its sites'), no site's
/// secret can be recovered; a consolidated mean is withheld when exactly one of its
/// sites' means is, since the others and the ensemble's would give it back.
fn publish(
    programmes: &mut [NationalProgramme],
    diffusion: &[Vec<[Published; 2]>],
    periods: [Period; 2],
    threshold: u32,
) {
    let mut all: Vec<Vec<[Published; 2]>> = Vec::new();
    for (i, p) in programmes.iter().enumerate() {
        all.push(match diffusion.get(i) {
            Some(own) if threshold > 1 => own.clone(),
            _ => mask::publish_run(&[p.evaluations.as_slice()], periods, threshold).remove(0),
        });
    }
    if threshold > 1 {
        let tables: Vec<&[Evaluation]> = programmes
            .iter()
            .map(|p| p.evaluations.as_slice())
            .collect();
        let mut system = relations(programmes, periods);
        for cell in &mut system.cells {
            cell.locked = programmes[cell.slot.programme].members.is_empty();
        }
        mask::protect(&system, &tables, &mut all, threshold);
        lone_means(programmes, &mut all);
    }
    for (p, published) in programmes.iter_mut().zip(all) {
        p.published = published;
    }
}

/// What a reader holding every site's and every ensemble's figures knows of them: the
/// relations of each programme's figures, and each ensemble the sum of its sites.
pub fn relations(programmes: &[NationalProgramme], periods: [Period; 2]) -> disclosure::System {
    let tables: Vec<&[Evaluation]> = programmes
        .iter()
        .map(|p| p.evaluations.as_slice())
        .collect();
    let mut system = disclosure::of_run(&tables, periods);
    ensemble_sums(programmes, &mut system);
    system
}

/// Each site's programmes as the site's own `diffusion` run publishes them: at the
/// site's threshold, all its programmes together.
fn sites_diffusion(
    programmes: &[NationalProgramme],
    sites: &[SiteResults],
    periods: [Period; 2],
) -> Vec<Vec<[Published; 2]>> {
    let mut out = Vec::new();
    let mut start = 0;
    for site in sites {
        let end = start + site.manifest.dispositifs.len();
        let tables: Vec<&[Evaluation]> = programmes[start..end]
            .iter()
            .map(|p| p.evaluations.as_slice())
            .collect();
        out.extend(mask::publish_run(&tables, periods, site.manifest.seuil));
        start = end;
    }
    out
}

/// A figure of an ensemble (evaluation, period, figure, whether a mean) and the
/// (programme, evaluation, figure) of each member's facing it.
type Facing = (usize, usize, usize, bool, Vec<(usize, usize, usize)>);

/// The member figure facing each figure of an ensemble: same indicator, period and
/// modalité.
fn facing(programmes: &[NationalProgramme], ensemble: usize) -> Vec<Facing> {
    let e = &programmes[ensemble];
    let mut out = Vec::new();
    for (j, evaluation) in e.evaluations.iter().enumerate() {
        for period in 0..2 {
            let Outcome::Computed(figures) = &evaluation.outcomes[period] else {
                continue;
            };
            for (i, f) in figures.iter().enumerate() {
                let mut members = Vec::new();
                for (m, p) in programmes.iter().enumerate() {
                    if !e.members.contains(&p.id) {
                        continue;
                    }
                    let Some(mj) = p
                        .evaluations
                        .iter()
                        .position(|x| x.indicator.id == evaluation.indicator.id)
                    else {
                        continue;
                    };
                    let Outcome::Computed(own) = &p.evaluations[mj].outcomes[period] else {
                        continue;
                    };
                    if let Some(mi) = own.iter().position(|o| o.modality == f.modality) {
                        members.push((m, mj, mi));
                    }
                }
                out.push((j, period, i, f.combine == Combine::Mean, members));
            }
        }
    }
    out
}

/// An ensemble's counts and rate terms are the sums of its sites'.
fn ensemble_sums(programmes: &[NationalProgramme], system: &mut disclosure::System) {
    for e in (0..programmes.len()).filter(|&e| !programmes[e].members.is_empty()) {
        for (j, period, i, _, members) in facing(programmes, e) {
            for term in 0..3 {
                let slot = |programme, evaluation, figure| Slot {
                    programme,
                    evaluation,
                    period,
                    figure,
                    term,
                };
                let Some(total) = system.find(&slot(e, j, i)) else {
                    continue;
                };
                let parts: Option<Vec<usize>> = members
                    .iter()
                    .map(|&(m, mj, mi)| system.find(&slot(m, mj, mi)))
                    .collect();
                if let Some(parts) = parts {
                    system.sum(total, &parts);
                }
            }
        }
    }
}

fn lone_means(programmes: &[NationalProgramme], all: &mut [Vec<[Published; 2]>]) {
    for e in (0..programmes.len()).filter(|&e| !programmes[e].members.is_empty()) {
        for (j, period, i, is_mean, members) in facing(programmes, e) {
            if !is_mean {
                continue;
            }
            let withheld = members
                .iter()
                .filter(|&&(m, mj, mi)| {
                    matches!(
                        all[m][mj][period][mi][0],
                        Shown::Withheld | Shown::Masked(_)
                    )
                })
                .count();
            if withheld == 1 {
                all[e][j][period][i][0] = Shown::Withheld;
            }
        }
    }
}

/// The spread of the values the member sites publish in `diffusion` of each figure of an
/// indicator that is not a count: a value masked at its site is not in it. Over fewer
/// than [`MIN_SITES`] sites, only their number is given.
fn spread(
    kind: ProgrammeKind,
    members: &[(&NationalProgramme, &Vec<[Published; 2]>)],
    indicator: &crate::indicators::Indicator,
    period_index: usize,
    period: Period,
) -> Vec<Benchmark> {
    let mut by_modality: Vec<(Modality, Vec<f64>)> = Vec::new();
    for (p, diffusion) in members {
        let Some((e, published)) = p
            .evaluations
            .iter()
            .zip(diffusion.iter())
            .find(|(e, _)| e.indicator.id == indicator.id)
        else {
            continue;
        };
        let Outcome::Computed(figures) = &e.outcomes[period_index] else {
            continue;
        };
        // A figure no site publishes still has its row, over 0 sites: the evaluator
        // sees it exists and why it has no benchmark.
        for (f, shown) in figures.iter().zip(&published[period_index]) {
            if matches!(f.nature, Nature::Headcount | Nature::Parameter) || f.value.is_none() {
                continue;
            }
            if !by_modality.iter().any(|(m, _)| *m == f.modality) {
                by_modality.push((f.modality.clone(), Vec::new()));
            }
            if let Shown::Value(v) = shown[0]
                && let Some((_, values)) = by_modality.iter_mut().find(|(m, _)| *m == f.modality)
            {
                values.push(v);
            }
        }
    }
    by_modality
        .into_iter()
        .map(|(modality, mut values)| {
            values.sort_by(f64::total_cmp);
            Benchmark {
                kind,
                period,
                indicator: indicator.id.clone(),
                modality,
                sites: values.len(),
                quartiles: (values.len() >= MIN_SITES).then(|| quartiles(&values)),
            }
        })
        .collect()
}

/// The manifest's type of a programme is not fingerprinted: edited, it would move the
/// programme into another ensemble. Its rows tell: each is of an indicator of the
/// catalogue that applies to its type. (Types whose indicators are the same cannot be
/// told apart this way.)
fn check_kind(
    catalogue: &Catalogue,
    site: &SiteResults,
    id: &str,
    code: &str,
    kind: ProgrammeKind,
) -> Result<()> {
    let foreign = site.rows.iter().find(|r| {
        r.dispositif == id
            && !catalogue.indicators().any(|(_, indicator)| {
                indicator.id == r.indicateur
                    && indicators::catalogue::applies(&indicator.programmes, kind)
            })
    });
    match foreign {
        Some(row) => Err(anyhow!(
            "Le dossier « {} » : le dispositif « {id} » est de type « {code} » selon manifeste.json, mais son indicateurs.csv publie l'indicateur « {} », qui n'est pas calculé pour ce type. Le manifeste a sans doute été modifié : consolidez les résultats tels que « bilan rapport » les a écrits.",
            site.folder.display(),
            crate::findings::excerpt(&row.indicateur)
        )),
        None => Ok(()),
    }
}

fn parse_kind(code: &str, folder: &Path) -> Result<ProgrammeKind> {
    ProgrammeKind::from_code(code).ok_or_else(|| {
        anyhow!(
            "Le dossier « {} » : type de dispositif « {code} » inconnu.",
            folder.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Excel: QUARTILE.INC({1, 2, 4, 10}, q) = 1; 1.75; 3; 5.5; 10.
    #[test]
    fn quartiles_as_excel_computes_them() {
        assert_eq!(
            quartiles(&[1.0, 2.0, 4.0, 10.0]),
            [1.0, 1.75, 3.0, 5.5, 10.0]
        );
        assert_eq!(quartiles(&[7.0]), [7.0; 5]);
    }
}
