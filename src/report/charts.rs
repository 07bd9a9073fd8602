//! The charts of the report, as the templates draw them: monthly series, bars of a
//! breakdown, a rate over two periods beside its national median.

use serde::Serialize;

use super::figures::{Table, plain_figure, plain_shown, table_of};
use crate::indicators::catalogue::{Chart, ChartKind};
use crate::indicators::engine::Nature;
use crate::indicators::{Figure, Modality, Outcome};
use crate::output::reperes::Benchmark;
use crate::output::{ProgrammeRun, Run, Shown, WITHHELD, modality_label, plain_label};

/// A chart as the templates draw it: one bar per label, with its published value (none
/// when masked or empty) and its French text; the masked bars are drawn apart, hatched at
/// a conventional size, so that a mask never reads as zero.
#[derive(Serialize)]
pub struct ChartDoc {
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

/// Modalités that are statistics or totals, not parts of a whole: no bar of their own.
const NOT_A_PART: [&str; 4] = ["total", "moyenne", "mediane", "effectif"];

pub fn chart_doc<'b>(
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
