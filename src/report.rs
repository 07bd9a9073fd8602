//! `rapport.typ`: the annual report as Typst markup, rendered from the minijinja
//! templates in `templates/` (embedded in the binary): the key figures and charts that
//! the catalogue declares (drawn by Typst itself), every indicator's table, and the
//! coordinator's own words at the head of each section.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use include_dir::{Dir, include_dir};
use minijinja::Environment;
use serde::Serialize;

use chrono::NaiveDate;

use crate::config::Config;
use crate::format;
use crate::indicators::catalogue::{Chart, ChartKind};
use crate::indicators::engine::Nature;
use crate::indicators::{Catalogue, Evaluation, Figure, Modality, Outcome};
use crate::output::reperes::Benchmark;
use crate::output::{
    ProgrammeRun, Published, PublishedFigure, Run, Shown, WITHHELD, modality_label, plain_label,
    side_by_side,
};

static TEMPLATES: Dir = include_dir!("$CARGO_MANIFEST_DIR/templates");

#[derive(Serialize)]
struct Document {
    site: String,
    period: String,
    current: String,
    previous: String,
    produced: String,
    audience: &'static str,
    threshold_note: Option<String>,
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
    key_figures: Vec<KeyFigureDoc>,
    /// The coordinator's text for the synthesis, first on its page.
    synthesis_words: Option<String>,
    sections: Vec<SectionDoc>,
}

#[derive(Serialize)]
struct KeyFigureDoc {
    label: String,
    figure: FigureDoc,
    /// What the figure says, in one sentence written from its values.
    sentence: String,
    /// The national median and quartiles of the programme's kind, when the site has them.
    benchmark: Option<String>,
}

/// A chart as the templates draw it: one bar per label, with its published value (none
/// when masked or empty) and its French text; the masked bars are drawn apart, hatched at
/// a conventional size, so that a mask never reads as zero.
#[derive(Serialize)]
struct ChartDoc {
    kind: ChartKind,
    title: String,
    labels: Vec<String>,
    numbers: Vec<Option<f64>>,
    texts: Vec<String>,
    /// The positions of the masked bars (« < 5 », « masqué »).
    masked: Vec<usize>,
    /// Under a chart with masked bars: that their size is conventional.
    mask_note: Option<String>,
    /// The sentence that replaces a chart whose values are mostly masked.
    unpublished: Option<String>,
    reference: Option<f64>,
    reference_label: String,
}

#[derive(Serialize)]
struct SectionDoc {
    code: String,
    slug: String,
    title: String,
    /// The coordinator's text, as Typst markup.
    words: Option<String>,
    /// The file of the coordinator's text, named in the markup so that a layout error
    /// in it points to it.
    words_source: Option<String>,
    charts: Vec<ChartDoc>,
    /// Once, at the top of the part: the indicators the site's tables do not allow.
    missing: Option<String>,
    indicators: Vec<IndicatorDoc>,
}

#[derive(Serialize)]
struct IndicatorDoc {
    id: String,
    label: String,
    previous_absent: Option<String>,
    rows: Vec<RowDoc>,
    /// Where the rows left out of the report are: months, long tables.
    elsewhere: Option<String>,
}

#[derive(Serialize)]
struct RowDoc {
    label: String,
    current: String,
    previous: String,
}

/// One figure for charts and key figures: numbers where publishable, French text always.
#[derive(Serialize, Clone)]
pub struct FigureDoc {
    pub n: Option<f64>,
    pub n1: Option<f64>,
    pub n_text: String,
    pub n1_text: String,
    /// N − N-1, in the figure's unit (points for a percentage).
    pub change: String,
    /// The same change as a number, rounded as shown.
    pub delta: Option<f64>,
}

#[derive(Serialize)]
pub struct DefinitionDoc {
    group: String,
    id: String,
    label: String,
    unit: String,
    population: String,
    definition: String,
}

/// A Typst string literal: the one form in which any text is safe in markup and code.
fn typst_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as Typst reads it (`none` when there is nothing to draw).
fn typst_number(value: Option<f64>) -> String {
    value
        .filter(|v| v.is_finite())
        .map_or("none".to_string(), |v| format!("{v:.4}"))
}

/// The coordinator's Markdown as Typst markup: paragraphs, emphasis, lists, headings.
/// Every piece of text becomes a string literal, so nothing in it can break the report.
fn markdown_to_typst(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => out.push_str("\n\n"),
            Event::Start(Tag::Heading { .. }) => out.push_str("#block(above: 1em)[#strong["),
            Event::End(TagEnd::Heading(_)) => out.push_str("]]\n\n"),
            Event::Start(Tag::Emphasis) => out.push_str("#emph["),
            Event::Start(Tag::Strong) => out.push_str("#strong["),
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => out.push(']'),
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                out.push('\n');
            }
            Event::Start(Tag::Item) => {
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                out.push_str(if matches!(lists.last(), Some(Some(_))) {
                    "+ "
                } else {
                    "- "
                });
            }
            Event::End(TagEnd::Item) => out.push('\n'),
            Event::Text(text) | Event::Code(text) => {
                out.push('#');
                out.push_str(&typst_string(&text));
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str(" \\\n"),
            _ => {}
        }
    }
    out
}

/// A team text in Typst is parsed when read, so that a mistake in it is told with its
/// own file and line, whether or not the PDF is asked for.
fn check_typst(path: &Path, text: &str) -> Result<()> {
    use typst::syntax::LinkedNode;
    let root = typst::syntax::parse(text);
    let (errors, _) = root.errors_and_warnings();
    let Some(error) = errors.first() else {
        return Ok(());
    };
    fn first_error(node: LinkedNode) -> Option<usize> {
        if node.kind().is_error() {
            return Some(node.offset());
        }
        node.children().find_map(first_error)
    }
    let line = first_error(LinkedNode::new(&root))
        .and_then(|offset| text.get(..offset))
        .map_or(1, |before| before.matches('\n').count() + 1);
    Err(anyhow::anyhow!(
        "Le texte « {} » n'est pas du Typst valide, ligne {line} (Typst : « {} ») : corrigez-le, ou écrivez-le en Markdown (.md).",
        path.display(),
        crate::findings::excerpt(&error.message)
    ))
}

/// The name of the coordinator's text that opens a programme's synthesis page.
const SYNTHESIS: &str = "synthese";

/// The coordinator's texts, as Typst markup, by programme id and section: read once,
/// before anything is rendered.
#[derive(Default)]
pub struct Texts {
    /// The markup and the file it was read from.
    sections: BTreeMap<(String, String), (String, String)>,
}

impl Texts {
    /// For each programme and section, `DOSSIER/<programme>/<section>.md|.typ`, else
    /// `DOSSIER/<section>.md|.typ`, where DOSSIER is the configuration's `textes`; a
    /// missing file is no error.
    pub fn read(config: &Config, catalogue: &Catalogue) -> Result<Texts> {
        let mut texts = Texts::default();
        let Some(folder) = &config.texts else {
            return Ok(texts);
        };
        let folder = config.base_dir.join(folder);
        for programme in &config.programmes {
            let parts =
                std::iter::once(SYNTHESIS).chain(catalogue.groups.iter().map(|g| g.slug.as_str()));
            for slug in parts {
                if let Some(words) = Self::read_one(&folder, &programme.id, slug)? {
                    texts
                        .sections
                        .insert((programme.id.clone(), slug.to_string()), words);
                }
            }
        }
        Ok(texts)
    }

    fn read_one(folder: &Path, programme: &str, slug: &str) -> Result<Option<(String, String)>> {
        for dir in [folder.join(programme), folder.to_path_buf()] {
            for (extension, typst) in [("typ", true), ("md", false)] {
                let path = dir.join(format!("{slug}.{extension}"));
                if path.is_file() {
                    let text = crate::config::read_text(&path, "texte de la coordination")?;
                    if typst {
                        check_typst(&path, &text)?;
                    }
                    let markup = if typst {
                        text
                    } else {
                        markdown_to_typst(&text)
                    };
                    return Ok(Some((markup, path.display().to_string())));
                }
            }
        }
        Ok(None)
    }

    fn get(&self, programme: &str, slug: &str) -> Option<(String, String)> {
        self.sections
            .get(&(programme.to_string(), slug.to_string()))
            .cloned()
    }
}

/// One figure of an evaluation for both periods: numbers where publishable, French
/// text always, and the change from N-1 (points for a percentage).
pub fn figure_doc(row: &Figure, periods: [Option<PublishedFigure>; 2]) -> FigureDoc {
    let shown = periods.map(|p| p.map_or(Shown::Empty, |(_, s)| s[0]));
    let number = |s: &Shown| match s {
        Shown::Value(v) => Some(*v),
        _ => None,
    };
    let (n, n1) = (number(&shown[0]), number(&shown[1]));
    let delta = match (n, n1) {
        (Some(a), Some(b)) => Some(rounded_change(a, b, row)),
        _ => None,
    };
    let change = match delta {
        Some(d) if row.unit == "%" => format!("{}{} pt", sign(d), format::number(d.abs(), 1)),
        Some(d) if row.unit == "€" => format!("{}{}", sign(d), format::euros(d.abs())),
        Some(d) => format!(
            "{}{}",
            sign(d),
            format::number(d.abs(), change_decimals(d, row))
        ),
        None => "—".to_string(),
    };
    FigureDoc {
        n,
        n1,
        n_text: shown[0].display(&row.unit, row.nature),
        n1_text: shown[1].display(&row.unit, row.nature),
        change,
        delta,
    }
}

/// The change between the two values as they are shown (to the tenth, the cent for an
/// amount, a whole number for a count): 2,1 after 2,0 is +0,1 whatever the decimals
/// behind, and a change that rounds to nothing is 0, never « −0,0 ».
fn rounded_change(a: f64, b: f64, row: &Figure) -> f64 {
    let scale = match (row.nature, row.unit.as_str()) {
        (Nature::Headcount, _) => 1.0,
        (_, "€") => 100.0,
        _ => 10.0,
    };
    let shown = |v: f64| (v * scale).round();
    let d = (shown(a) - shown(b)) / scale;
    if d == 0.0 { 0.0 } else { d }
}

fn change_decimals(d: f64, row: &Figure) -> usize {
    if row.nature == Nature::Headcount || d.fract() == 0.0 {
        0
    } else {
        1
    }
}

/// One plain French sentence about a key figure, written from its values: « Taux
/// d'occupation : 95,8 % en 2025, en hausse de 0,5 point par rapport à 2024 (95,4 %). »
fn sentence(
    label: &str,
    f: &FigureDoc,
    row: &Figure,
    [current, previous]: [&str; 2],
    target: Option<&FigureDoc>,
) -> String {
    let with_unit = |text: &str| match row.unit.as_str() {
        "%" | "€" | "" => text.to_string(),
        unit if text.chars().any(|c| c.is_ascii_digit()) && !text.starts_with('<') => {
            format!("{text} {unit}")
        }
        _ => text.to_string(),
    };
    let mut s = match (f.n, f.delta) {
        (None, _) if f.n_text == "—" => format!("{label} : non calculé en {current}"),
        (None, _) => format!(
            "{label} : non publié en {current} ({}, règle de diffusion)",
            f.n_text
        ),
        (Some(_), None) => format!("{label} : {} en {current}", with_unit(&f.n_text)),
        (Some(_), Some(0.0)) => format!(
            "{label} : {} en {current}, stable par rapport à {previous}",
            with_unit(&f.n_text)
        ),
        (Some(_), Some(d)) => {
            let amount = if row.unit == "%" {
                let points = format::number(d.abs(), 1);
                let word = if d.abs() >= 2.0 { "points" } else { "point" };
                format!("{points} {word}")
            } else if row.unit == "€" {
                format::euros(d.abs())
            } else {
                with_unit(&format::number(d.abs(), change_decimals(d, row)))
            };
            format!(
                "{label} : {} en {current}, en {} de {amount} par rapport à {previous} ({})",
                with_unit(&f.n_text),
                if d > 0.0 { "hausse" } else { "baisse" },
                f.n1_text
            )
        }
    };
    if let Some(t) = target.filter(|t| t.n.is_some()) {
        s.push_str(&format!(", pour un objectif de {}", t.n_text));
    }
    s.push('.');
    s
}

/// A figure as a row of a table shows it: a rate with its terms, « 95,8 % (34 967 /
/// 36 500) », masked terms staying masked.
fn with_terms(row: &Figure, period: Option<PublishedFigure>) -> String {
    let Some((figure, shown)) = period else {
        return Shown::Empty.display(&row.unit, row.nature);
    };
    let value = shown[0].display(&row.unit, row.nature);
    match (figure.nature, shown[1], shown[2]) {
        (
            Nature::Rate {
                numerator_is_count,
                denominator_is_count,
            },
            n,
            d,
        ) if n != Shown::Empty && d != Shown::Empty => {
            let term = |s: Shown, is_count: bool| {
                s.display(
                    "",
                    if is_count {
                        Nature::Headcount
                    } else {
                        Nature::Statistic
                    },
                )
            };
            format!(
                "{value} ({} / {})",
                term(n, numerator_is_count),
                term(d, denominator_is_count)
            )
        }
        _ => value,
    }
}

/// A plain modalité of an evaluation as published in both periods, with its text.
fn plain_shown(table: Table, code: &str) -> Option<[(Shown, String); 2]> {
    let (row, periods) = side_by_side(table.0, table.1)
        .into_iter()
        .find(|(row, _)| row.modality == Modality::code(code))?;
    Some(periods.map(|p| {
        let s = p.map_or(Shown::Empty, |(_, s)| s[0]);
        (s, s.display(&row.unit, row.nature))
    }))
}

/// The figure of a plain modalité (no prefix, no month) of an evaluation.
fn plain_figure(table: Table, code: &str) -> Option<FigureDoc> {
    side_by_side(table.0, table.1)
        .into_iter()
        .find(|(row, _)| row.modality == Modality::code(code))
        .map(|(row, periods)| figure_doc(row, periods))
}

/// An evaluation with how its figures are published.
type Table<'t> = (&'t Evaluation<'t>, &'t [Published; 2]);

/// The published table of an indicator of the programme, when it computes it.
fn table_of<'t>(p: &'t ProgrammeRun, id: &str) -> Option<Table<'t>> {
    p.tables().find(|(e, _)| e.indicator.id == id)
}

/// Modalités that are statistics or totals, not parts of a whole: no bar of their own.
const NOT_A_PART: [&str; 4] = ["total", "moyenne", "mediane", "effectif"];

fn chart_doc<'b>(
    run: &Run,
    p: &ProgrammeRun,
    chart: &Chart,
    (e, published): Table,
    benchmark: &dyn Fn(&str, &Modality) -> Option<&'b Benchmark>,
) -> Option<ChartDoc> {
    let Outcome::Computed(all) = &e.outcomes[0] else {
        return None;
    };
    let figures = all.iter().zip(&published[0]);
    let shown = |f: &Figure, s: &[Shown; 3]| (s[0], s[0].display(&f.unit, f.nature));
    // A title says what and when; the periods chart shows both years itself.
    let title = match chart.kind {
        ChartKind::Periods => chart.title.clone(),
        _ => format!("{}, {}", chart.title, run.period.short_label()),
    };
    let mut doc = ChartDoc {
        kind: chart.kind,
        title,
        labels: Vec::new(),
        numbers: Vec::new(),
        texts: Vec::new(),
        masked: Vec::new(),
        mask_note: None,
        unpublished: None,
        reference: None,
        reference_label: String::new(),
    };
    // A chart is mostly masked when its masked bars outnumber its published non-zero
    // ones: a published zero draws no bar, and a chart of hatched bars says nothing.
    let (mut drawn, mut withheld) = (0, 0);
    let mut push = |doc: &mut ChartDoc, label: String, (s, text): (Shown, String)| {
        match s {
            Shown::Value(v) if v != 0.0 => drawn += 1,
            Shown::Masked(_) => doc.masked.push(doc.labels.len()),
            Shown::Withheld => {
                withheld += 1;
                doc.masked.push(doc.labels.len());
            }
            Shown::Value(_) | Shown::Empty => {}
        }
        doc.labels.push(label);
        doc.numbers.push(match s {
            Shown::Value(v) => Some(v),
            _ => None,
        });
        doc.texts.push(text);
    };
    match chart.kind {
        ChartKind::Monthly => {
            for (f, s) in figures
                .filter(|(f, _)| f.modality.prefix.is_none() && f.modality.code == chart.series)
            {
                if let Some(month) = f.modality.month {
                    push(&mut doc, month.format("%m/%y").to_string(), shown(f, s));
                }
            }
            match chart.reference.as_deref() {
                Some("places") => {
                    let places = p.programme.places_on(run.period.end);
                    doc.reference = Some(f64::from(places));
                    doc.reference_label = format!("places : {places}");
                }
                Some(reference) => {
                    let (id, code) = reference.split_once('.')?;
                    let other = table_of(p, id)?;
                    let f = plain_figure(other, code)?;
                    doc.reference = f.n;
                    doc.reference_label =
                        format!("{} : {}", plain_label(other.0.indicator, code), f.n_text);
                }
                None => {}
            }
        }
        ChartKind::Bars => {
            for (f, s) in figures.filter(|(f, _)| {
                f.modality.prefix.is_none()
                    && f.modality.month.is_none()
                    && !NOT_A_PART.contains(&f.modality.code.as_str())
            }) {
                push(&mut doc, modality_label(e.indicator, f), shown(f, s));
            }
        }
        ChartKind::Periods => {
            let [current, previous] = run.periods().map(|p| p.short_label());
            for (id, label) in chart.compare.iter().zip(&chart.labels) {
                let [n, n1] = plain_shown(table_of(p, id)?, "total")?;
                push(&mut doc, format!("{label} — {current}"), n);
                push(&mut doc, format!("{label} — {previous}"), n1);
                if let Some(b) = benchmark(id, &Modality::code("total")) {
                    let title =
                        format!("{label} — médiane nationale {current} ({} sites)", b.sites);
                    let median = b.median().map_or(Shown::Empty, Shown::Value);
                    let text = match median {
                        Shown::Value(_) => median.display(
                            "%",
                            Nature::Rate {
                                numerator_is_count: false,
                                denominator_is_count: false,
                            },
                        ),
                        _ => crate::output::reperes::not_published(b.sites),
                    };
                    push(&mut doc, title, (median, text));
                }
            }
        }
    }
    if doc.labels.is_empty() {
        return None;
    }
    let masked = doc.masked.len();
    if masked > drawn {
        doc.unpublished = Some(unpublished(
            chart,
            &doc.title,
            withheld == 0,
            run.threshold(),
        ));
    } else if masked > 0 {
        doc.mask_note = Some(format!(
            "Barres hachurées : valeurs non publiées (« < {} » ou « {WITHHELD} », règle de diffusion) ; leur {} est conventionnelle et ne représente pas la valeur.",
            run.threshold(),
            if chart.kind == ChartKind::Monthly {
                "hauteur"
            } else {
                "longueur"
            }
        ));
    }
    Some(doc)
}

/// The sentence that stands for a chart whose values are mostly masked: a reader learns
/// why, and where the figures that are published are.
fn unpublished(chart: &Chart, title: &str, small_counts: bool, threshold: u32) -> String {
    let why = if small_counts {
        format!("la plupart des effectifs sont inférieurs au seuil de diffusion ({threshold})")
    } else {
        format!(
            "la plupart des valeurs sont masquées par la règle de diffusion (seuil de {threshold})"
        )
    };
    let table = if chart.kind == ChartKind::Monthly {
        "voir le détail mois par mois dans le classeur tableaux.xlsx"
    } else {
        "voir le tableau"
    };
    format!("Graphique « {title} » non publié : {why} ; {table}.")
}

fn sign(delta: f64) -> &'static str {
    if delta > 0.0 {
        "+"
    } else if delta < 0.0 {
        "−"
    } else {
        ""
    }
}

fn programme_doc(
    run: &Run,
    p: &ProgrammeRun,
    catalogue: &Catalogue,
    extras: &Extras,
) -> Result<ProgrammeDoc> {
    let texts = &extras.texts;
    let benchmark = |indicator: &str, modality: &Modality| {
        extras.benchmarks.iter().find(|b| {
            b.kind == p.programme.kind
                && b.period == run.period
                && b.indicator == indicator
                && b.modality == *modality
        })
    };
    let mut sections = Vec::new();
    for g in &catalogue.groups {
        let tables: Vec<Table> = p
            .tables()
            .filter(|(e, _)| std::ptr::eq(e.group, g))
            .collect();
        let computed: Vec<Table> = tables
            .iter()
            .copied()
            .filter(|(e, _)| matches!(e.outcomes[0], Outcome::Computed(_)))
            .collect();
        // A part whose data the site does not keep at all is left out.
        if computed.is_empty() {
            continue;
        }
        let missing: Vec<String> = tables
            .iter()
            .filter_map(|(e, _)| match &e.outcomes[0] {
                Outcome::Absent(note) => Some(format!(
                    "{} ({})",
                    e.indicator.label,
                    note.trim_end_matches('.')
                )),
                Outcome::Computed(_) => None,
            })
            .collect();
        let sheet = crate::output::xlsx::sheet_name(&g.title);
        let indicators: Vec<IndicatorDoc> = computed
            .iter()
            .map(|&(e, published)| {
                let pairs = side_by_side(e, published);
                let in_workbook = catalogue.workbook_only.contains(&e.indicator.id);
                let monthly = pairs.iter().any(|(row, _)| row.modality.month.is_some());
                let rows: Vec<RowDoc> = pairs
                    .iter()
                    .filter(|(row, _)| !in_workbook && row.modality.month.is_none())
                    .map(|(row, periods)| RowDoc {
                        label: modality_label(e.indicator, row),
                        current: with_terms(row, periods[0]),
                        previous: with_terms(row, periods[1]),
                    })
                    .collect();
                let elsewhere = (in_workbook || monthly).then(|| {
                    format!(
                        "{} dans le classeur tableaux.xlsx, feuille « {sheet} ».",
                        if in_workbook {
                            "Le tableau complet est"
                        } else {
                            "Le détail mois par mois est"
                        }
                    )
                });
                IndicatorDoc {
                    id: e.indicator.id.clone(),
                    label: e.indicator.label.clone(),
                    previous_absent: match &e.outcomes[1] {
                        Outcome::Absent(note) => Some(note.clone()),
                        Outcome::Computed(_) => None,
                    },
                    rows,
                    elsewhere,
                }
            })
            .collect();
        let (words, words_source) = texts.get(&p.programme.id, &g.slug).unzip();
        let charts = catalogue
            .charts
            .iter()
            .filter_map(|chart| {
                let table = table_of(p, &chart.indicator)?;
                if !std::ptr::eq(table.0.group, g) {
                    return None;
                }
                chart_doc(run, p, chart, table, &benchmark)
            })
            .collect();
        sections.push(SectionDoc {
            code: g.code.clone(),
            slug: g.slug.clone(),
            title: g.title.clone(),
            words,
            words_source,
            charts,
            missing: (!missing.is_empty()).then(|| {
                format!(
                    "Non calculés faute des données nécessaires : {}.",
                    missing.join(" ; ")
                )
            }),
            indicators,
        });
    }
    Ok(ProgrammeDoc {
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
            .map(|(table, n)| format!("table {table} : {n} ligne(s)"))
            .collect(),
        key_figures: catalogue
            .key_figures
            .iter()
            .filter_map(|k| {
                let table = table_of(p, &k.indicator)?;
                let modality = Modality::code(k.modality.as_str());
                let (row, periods) = side_by_side(table.0, table.1)
                    .into_iter()
                    .find(|(row, _)| row.modality == modality)?;
                let figure = figure_doc(row, periods);
                let label = k
                    .label
                    .clone()
                    .unwrap_or_else(|| table.0.indicator.label.clone());
                let target = k.target.as_deref().and_then(|t| {
                    let (id, code) = t.split_once('.')?;
                    plain_figure(table_of(p, id)?, code)
                });
                let [current, previous] = run.periods().map(|p| p.short_label());
                Some(KeyFigureDoc {
                    sentence: sentence(
                        &label,
                        &figure,
                        row,
                        [&current, &previous],
                        target.as_ref(),
                    ),
                    label,
                    figure,
                    benchmark: benchmark(&k.indicator, &modality)
                        .map(|b| crate::output::reperes::benchmark_text(b, &row.unit)),
                })
            })
            .collect(),
        synthesis_words: extras
            .texts
            .get(&p.programme.id, SYNTHESIS)
            .map(|(words, _)| words),
        sections,
    })
}

fn document(
    run: &Run,
    catalogue: &Catalogue,
    extras: &Extras,
    today: NaiveDate,
) -> Result<Document> {
    let [current, previous] = run.periods().map(|p| p.short_label());
    Ok(Document {
        site: run.config.site.clone(),
        period: format!(
            "du {} au {}",
            format::date(run.period.start),
            format::date(run.period.end)
        ),
        current,
        previous,
        produced: format::date(today),
        audience: run.audience.code(),
        threshold_note: run.threshold_note(),
        programmes: run
            .programmes
            .iter()
            .map(|p| programme_doc(run, p, catalogue, extras))
            .collect::<Result<_>>()?,
        definitions: definitions(catalogue),
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
    env.add_filter("t", |s: String| typst_string(&s));
    env.add_filter("num", |v: Option<f64>| typst_number(v));
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

/// The annex of definitions, as the templates read it.
pub fn definitions(catalogue: &Catalogue) -> Vec<DefinitionDoc> {
    catalogue
        .indicators()
        .map(|(g, i)| DefinitionDoc {
            group: g.title.clone(),
            id: i.id.clone(),
            label: i.label.clone(),
            unit: i.unit.clone(),
            population: i.population.clone(),
            definition: i.definition.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(unit: &str, nature: Nature) -> Figure {
        Figure {
            modality: Modality::code("total"),
            value: None,
            numerator: None,
            denominator: None,
            unit: unit.into(),
            codes: None,
            nature,
            over: None,
            sums: Vec::new(),
            keys: Default::default(),
            combine: crate::indicators::engine::Combine::Add,
            ids: Default::default(),
        }
    }

    /// 2,05 after 1,99 shows 2,1 after 2,0 (half away from zero): +0,1, not the 0,06 behind;
    /// 95,84 % after 95,81 % shows 95,8 % twice: 0, never « −0,0 pt » nor « +0,0 pt ».
    #[test]
    fn changes_are_those_of_the_values_shown() {
        let rate = figure("%", Nature::Statistic);
        assert_eq!(rounded_change(2.05, 1.99, &rate), 0.1);
        assert_eq!(rounded_change(95.84, 95.81, &rate), 0.0);
        assert_eq!(rounded_change(95.81, 95.84, &rate), 0.0);
        let doc = |a: f64, b: f64| {
            let (s1, s2) = (Shown::Value(a), Shown::Value(b));
            let figures = [
                Figure {
                    value: Some(a),
                    ..rate.clone()
                },
                Figure {
                    value: Some(b),
                    ..rate.clone()
                },
            ];
            let published = [
                [s1, Shown::Empty, Shown::Empty],
                [s2, Shown::Empty, Shown::Empty],
            ];
            figure_doc(
                &figures[0],
                [
                    Some((&figures[0], &published[0])),
                    Some((&figures[1], &published[1])),
                ],
            )
        };
        assert_eq!(doc(95.81, 95.84).change, "0,0 pt");
        assert_eq!(doc(95.84, 95.31).change, "+0,5 pt");
        // « Taux d'occupation : 95,8 % en 2025, en hausse de 0,5 point par rapport à 2024
        // (95,3 %). » — the sentence of issue 13, its words from the values.
        let f = doc(95.84, 95.31);
        assert_eq!(
            sentence("Taux d'occupation", &f, &rate, ["2025", "2024"], None),
            "Taux d'occupation : 95,8\u{202f}% en 2025, en hausse de 0,5 point par rapport à 2024 (95,3\u{202f}%)."
        );
    }

    #[test]
    fn typst_strings_are_escaped() {
        assert_eq!(typst_string("a \"b\" #c\\"), "\"a \\\"b\\\" #c\\\\\"");
    }

    #[test]
    fn markdown_becomes_safe_typst() {
        let typst = markdown_to_typst("Une *bonne* année, **malgré** tout.\n\n- un #point\n- deux");
        assert_eq!(
            typst,
            "#\"Une \"#emph[#\"bonne\"]#\" année, \"#strong[#\"malgré\"]#\" tout.\"\n\n- #\"un #point\"\n- #\"deux\"\n\n"
        );
    }
}
