//! `rapport.typ`: the report as Typst markup, rendered from the minijinja templates
//! in `templates/` (embedded in the binary).

use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};
use minijinja::Environment;
use serde::Serialize;

use crate::format;
use crate::indicators::Outcome;
use crate::output::{Run, Shown, modality_label, side_by_side, write_atomic};

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
}

#[derive(Serialize)]
struct ProgrammeDoc {
    name: String,
    kind: &'static str,
    places: u32,
    opening: String,
    excluded: Vec<String>,
    groups: Vec<GroupDoc>,
}

#[derive(Serialize)]
struct GroupDoc {
    code: String,
    title: String,
    indicators: Vec<IndicatorDoc>,
}

#[derive(Serialize)]
struct IndicatorDoc {
    id: String,
    label: String,
    definition: String,
    absent: Option<String>,
    previous_absent: Option<String>,
    rows: Vec<RowDoc>,
}

#[derive(Serialize)]
struct RowDoc {
    label: String,
    current: String,
    previous: String,
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

fn document(run: &Run, catalogue: &crate::indicators::Catalogue) -> Document {
    let [current, previous] = run.periods().map(|p| p.short_label());
    let programmes = run
        .programmes
        .iter()
        .map(|p| ProgrammeDoc {
            name: p.programme.name.clone(),
            kind: p.programme.kind.label(),
            places: p.programme.places,
            opening: format::date(p.programme.opening),
            excluded: p
                .data
                .excluded
                .iter()
                .map(|(table, n)| format!("{table} : {n} ligne(s) écartée(s)"))
                .collect(),
            groups: catalogue
                .groups
                .iter()
                .map(|g| GroupDoc {
                    code: g.code.clone(),
                    title: g.title.clone(),
                    indicators: p
                        .evaluations
                        .iter()
                        .filter(|e| std::ptr::eq(e.group, g))
                        .map(|e| IndicatorDoc {
                            id: e.indicator.id.clone(),
                            label: e.indicator.label.clone(),
                            definition: e.indicator.definition.clone(),
                            absent: match &e.outcomes[0] {
                                Outcome::Absent(note) => Some(note.clone()),
                                Outcome::Computed(_) => None,
                            },
                            previous_absent: match &e.outcomes[1] {
                                Outcome::Absent(note) => Some(note.clone()),
                                Outcome::Computed(_) => None,
                            },
                            rows: side_by_side(&e.outcomes)
                                .into_iter()
                                .map(|(row, periods)| {
                                    let shown = |l: Option<&crate::indicators::Figure>| {
                                        l.map_or(Shown::Empty, |l| {
                                            Shown::of(l, run.threshold())[0].clone()
                                        })
                                        .display(&row.unit, row.nature)
                                    };
                                    RowDoc {
                                        label: modality_label(e.indicator, row),
                                        current: shown(periods[0]),
                                        previous: shown(periods[1]),
                                    }
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .filter(|g| !g.indicators.is_empty())
                .collect(),
        })
        .collect();
    Document {
        site: run.config.site.clone(),
        period: format!(
            "du {} au {}",
            format::date(run.period.start),
            format::date(run.period.end)
        ),
        current,
        previous,
        produced: format::date(chrono::Local::now().date_naive()),
        audience: match run.audience {
            crate::cli::Audience::Interne => "interne",
            crate::cli::Audience::Diffusion => "diffusion",
        },
        threshold_note: run.threshold_note(),
        programmes,
    }
}

pub fn render(run: &Run, catalogue: &crate::indicators::Catalogue) -> Result<String> {
    let mut env = Environment::new();
    env.add_filter("t", |s: String| typst_string(&s));
    for file in TEMPLATES.files() {
        let name = file.path().to_string_lossy().into_owned();
        if let Some(source) = file.contents_utf8() {
            env.add_template_owned(name, source.to_string())?;
        }
    }
    let template = env.get_template("rapport.typ.j2")?;
    template
        .render(minijinja::value::Serde(document(run, catalogue)))
        .context("Le modèle de rapport « rapport.typ.j2 » n'a pas pu être appliqué.")
}

pub fn write(
    run: &Run,
    catalogue: &crate::indicators::Catalogue,
    path: &std::path::Path,
) -> Result<()> {
    write_atomic(path, render(run, catalogue)?.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::typst_string;

    #[test]
    fn typst_strings_are_escaped() {
        assert_eq!(typst_string("a \"b\" #c\\"), "\"a \\\"b\\\" #c\\\\\"");
    }
}
