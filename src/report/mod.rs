//! `rapport.typ`: the annual report as Typst markup, rendered from the minijinja
//! templates in `templates/` (embedded in the binary). Its parts, in the order a reader
//! meets them, each built by one module:
//!
//! 0. [`site`]: for a site of several programmes, their figures side by side and the
//!    persons moving between them;
//! 1. [`synthesis`]: per programme, the finding as a title, a few messages, the key
//!    figures of its kind with their bases and changes;
//! 2. [`body`]: per part of the catalogue, the coordinator's words ([`texts`]), the
//!    [`charts`] and each indicator's table ([`figures`]);
//! 3. [`annex`]: the definitions of the indicators shown.
//!
//! Every text goes into the markup through [`markup`], in French typography.

pub mod annex;
pub mod body;
pub mod charts;
pub mod figures;
pub mod markup;
pub mod site;
pub mod synthesis;
pub mod texts;

use anyhow::Result;
use chrono::NaiveDate;
use include_dir::{Dir, include_dir};
use minijinja::Environment;
use serde::Serialize;

pub use annex::DefinitionDoc;
pub use figures::{FigureDoc, figure_doc};
pub use texts::Texts;

use crate::config::Config;
use crate::format;
use crate::indicators::{Catalogue, Modality, Outcome};
use crate::output::reperes::Benchmark;
use crate::output::{ProgrammeRun, Run};
use crate::period::Period;
use crate::privacy::Audience;
use body::SectionDoc;
use synthesis::SynthesisDoc;

static TEMPLATES: Dir = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// What the cover and the page headers of a document say, the site's report as the
/// national one: whose, over which period (and N-1), for which audience, produced when.
#[derive(Serialize)]
pub struct Heading {
    site: String,
    period: String,
    current: String,
    previous: String,
    produced: String,
    audience: &'static str,
    threshold_note: Option<String>,
}

impl Heading {
    pub fn new(
        site: String,
        period: Period,
        audience: Audience,
        threshold_note: Option<String>,
        today: NaiveDate,
    ) -> Heading {
        let [current, previous] = [period, period.previous()].map(|p| p.short_label());
        Heading {
            site,
            period: format!(
                "du {} au {}",
                format::date(period.start),
                format::date(period.end)
            ),
            current,
            previous,
            produced: format::date(today),
            audience: audience.code(),
            threshold_note,
        }
    }
}

#[derive(Serialize)]
struct Document {
    #[serde(flatten)]
    heading: Heading,
    /// The page of a site of several programmes.
    site_page: Option<site::SiteDoc>,
    programmes: Vec<ProgrammeDoc>,
    definitions: Vec<DefinitionDoc>,
}

#[derive(Serialize)]
struct ProgrammeDoc {
    id: String,
    name: String,
    kind: &'static str,
    kind_code: &'static str,
    places: u32,
    opening: String,
    excluded: Vec<String>,
    synthesis: SynthesisDoc,
    /// The charts of the synthesis page.
    charts: Vec<charts::ChartDoc>,
    /// The coordinator's text for the synthesis, first on its page.
    synthesis_words: Option<String>,
    sections: Vec<SectionDoc>,
}

fn programme_doc(
    run: &Run,
    p: &ProgrammeRun,
    catalogue: &Catalogue,
    extras: &Extras,
) -> ProgrammeDoc {
    let benchmark = |indicator: &str, modality: &Modality| {
        extras.benchmarks.iter().find(|b| {
            b.kind == p.programme.kind
                && b.period == run.period
                && b.indicator == indicator
                && b.modality == *modality
        })
    };
    ProgrammeDoc {
        id: p.programme.id.clone(),
        name: p.programme.name.clone(),
        kind: p.programme.kind.label(),
        kind_code: p.programme.kind.code(),
        places: p.programme.places_on(run.period.end),
        opening: format::date(p.programme.opening),
        excluded: p
            .data
            .excluded
            .iter()
            .map(|(table, n)| {
                format!(
                    "table {table} : {}",
                    format::count(*n as u64, "ligne", "lignes")
                )
            })
            .collect(),
        synthesis: synthesis::synthesis(run, p, &catalogue.key_figures, &benchmark),
        charts: catalogue
            .charts
            .iter()
            .filter(|chart| chart.synthese)
            .filter_map(|chart| {
                let table = figures::table_of(p, &chart.indicator)?;
                charts::chart_doc(run, p, catalogue, chart, table, &benchmark)
            })
            .collect(),
        synthesis_words: extras
            .texts
            .get(&p.programme.id, texts::SYNTHESIS)
            .map(|(words, _)| words),
        sections: body::sections(run, p, catalogue, &extras.texts, &benchmark),
    }
}

fn document(
    run: &Run,
    catalogue: &Catalogue,
    extras: &Extras,
    today: NaiveDate,
) -> Result<Document> {
    Ok(Document {
        heading: Heading::new(
            run.config.site.clone(),
            run.period,
            run.audience,
            run.threshold_note(),
            today,
        ),
        site_page: site::site_doc(run, catalogue)?,
        programmes: run
            .programmes
            .iter()
            .map(|p| programme_doc(run, p, catalogue, extras))
            .collect(),
        definitions: annex::shown_definitions(catalogue, |id| {
            run.programmes.iter().any(|p| {
                p.tables().any(|(e, _)| {
                    e.indicator.id == id && matches!(e.outcomes[0], Outcome::Computed(_))
                })
            })
        }),
    })
}

/// The report as Typst markup; `today` is the production date on its cover.
pub fn render(
    run: &Run,
    catalogue: &Catalogue,
    extras: &Extras,
    today: NaiveDate,
) -> Result<String> {
    apply("rapport.typ.j2", document(run, catalogue, extras, today)?)
}

/// What the report shows besides the run's figures, read before rendering: the team's
/// texts and the national benchmarks the configuration names.
#[derive(Default)]
pub struct Extras {
    pub texts: Texts,
    pub benchmarks: Vec<Benchmark>,
}

impl Extras {
    pub fn read(config: &Config, catalogue: &Catalogue) -> Result<Extras> {
        Ok(Extras {
            texts: Texts::read(config, catalogue)?,
            benchmarks: match &config.benchmarks {
                Some(path) => crate::output::reperes::read(&config.base_dir.join(path))?,
                None => Vec::new(),
            },
        })
    }
}

/// Renders one of the templates with a document; minijinja runs strict, so a field the
/// template names and the document lacks is an error, named with its template.
pub fn apply(name: &str, document: impl Serialize) -> Result<String> {
    let mut env = Environment::new();
    // A renamed field or indicator must fail loudly, not drop a chart in silence.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("t", |s: String| markup::typst_string(&format::prose(&s)));
    env.add_filter("num", |v: Option<f64>| markup::typst_number(v));
    fn add(env: &mut Environment, dir: &Dir) -> Result<()> {
        for entry in dir.entries() {
            match entry {
                include_dir::DirEntry::Dir(sub) => add(env, sub)?,
                include_dir::DirEntry::File(file) => {
                    if let Some(source) = file.contents_utf8() {
                        env.add_template_owned(
                            file.path().to_string_lossy().into_owned(),
                            source.to_string(),
                        )?;
                    }
                }
            }
        }
        Ok(())
    }
    add(&mut env, &TEMPLATES)?;
    let template = env.get_template(name)?;
    template
        .render(minijinja::value::Serde(document))
        .map_err(|e| {
            anyhow::anyhow!(
                "Le modèle de rapport « {} » n'a pas pu être appliqué : {e}.",
                e.name().unwrap_or(name)
            )
        })
}
