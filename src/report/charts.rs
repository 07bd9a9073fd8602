//! The charts of the report, as the templates draw them: monthly series, bars of a
//! breakdown, a rate over two periods beside its national median; each with its value
//! axis, its legend, and the « Champ », « Source » and « Lecture » lines printed under
//! it.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::figures::{Table, plain_figure, plain_shown, table_of};
use crate::figure::Nature;
use crate::figure::{PERCENT, Unit};
use crate::format;
use crate::indicators::catalogue::{Chart, ChartKind, PLACES_LINE, placeholders};
use crate::indicators::{Catalogue, Figure, Modality, Outcome, tables_read};
use crate::output::reperes::Benchmark;
use crate::output::{ProgrammeRun, Run, Shown, WITHHELD, modality_label, plain_label};
use crate::period::Period;

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
    /// How each bar is filled: `n` (the period), `n1` (the period before), `repere` (a
    /// national median), told apart in grey-scale print too.
    styles: Vec<&'static str>,
    /// The positions of the masked bars (« < 5 », « masqué »).
    masked: Vec<usize>,
    /// Under a chart with masked bars: that their size is conventional.
    mask_note: Option<String>,
    /// The sentence that replaces a chart whose values are mostly masked.
    unpublished: Option<String>,
    /// A dashed line, one height per bar (places in force each month, a target).
    reference: Option<Vec<f64>>,
    axis: Vec<Tick>,
    legend: Vec<LegendItem>,
    champ: String,
    source: String,
    lecture: Option<String>,
}

/// A graduation of the value axis; the last one ends the axis.
#[derive(Serialize, Debug, PartialEq, Clone)]
pub struct Tick {
    value: f64,
    text: String,
}

/// A swatch under the chart: `n`, `n1`, `repere` as the bars, `ligne` the dashed line.
#[derive(Serialize)]
struct LegendItem {
    style: &'static str,
    label: String,
}

/// Modalités that are statistics or totals, not parts of a whole: no bar of their own.
const NOT_A_PART: [&str; 4] = ["total", "moyenne", "mediane", "effectif"];

pub fn chart_doc<'b>(
    run: &Run,
    p: &ProgrammeRun,
    catalogue: &Catalogue,
    chart: &Chart,
    (e, published): Table,
    benchmark: &dyn Fn(&str, &Modality) -> Option<&'b Benchmark>,
) -> Option<ChartDoc> {
    let Outcome::Computed(all) = &e.outcomes[0] else {
        return None;
    };
    let figures = all.iter().zip(&published[0]);
    let shown = |f: &Figure, s: &[Shown; 3]| (s[0], s[0].display(&f.unit, f.nature));
    let mut doc = ChartDoc {
        kind: chart.kind,
        title: String::new(),
        labels: Vec::new(),
        numbers: Vec::new(),
        texts: Vec::new(),
        styles: Vec::new(),
        masked: Vec::new(),
        mask_note: None,
        unpublished: None,
        reference: None,
        axis: Vec::new(),
        legend: Vec::new(),
        champ: String::new(),
        source: String::new(),
        lecture: None,
    };
    // A chart is mostly masked when its masked bars outnumber its published non-zero
    // ones: a published zero draws no bar, and a chart of hatched bars says nothing.
    let (mut drawn, mut withheld) = (0, 0);
    let mut push = |doc: &mut ChartDoc, label: String, (s, text): (Shown, String), style| {
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
        doc.styles.push(style);
    };
    let mut words: Vec<(&str, String)> = vec![("periode", during(&run.period))];
    let mut unit = e.indicator.unit.as_str();
    let mut tables = tables_read(catalogue, e.indicator, p.programme.kind);
    let mut benchmark_sites = None;
    match chart.kind {
        ChartKind::Monthly => {
            let mut months = Vec::new();
            for (f, s) in figures
                .filter(|(f, _)| f.modality.prefix.is_none() && f.modality.code == chart.series)
            {
                if let Some(month) = f.modality.month {
                    months.push(month);
                    push(&mut doc, String::new(), shown(f, s), "n");
                    unit = &f.unit;
                }
            }
            let (first, last) = (*months.first()?, *months.last()?);
            doc.title = format!("{}, {}", chart.title, format::month_span(first, last));
            doc.labels = month_labels(&months);
            let series = e
                .indicator
                .labels
                .get(&chart.series)
                .cloned()
                .unwrap_or_else(|| e.indicator.label.clone());
            doc.legend.push(LegendItem {
                style: "n",
                label: series,
            });
            let reference: Option<(Vec<f64>, String)> = match chart.reference.as_deref() {
                Some(PLACES_LINE) => {
                    let places: Vec<f64> = months
                        .iter()
                        .map(|m| f64::from(p.programme.places_on(month_end(*m))))
                        .collect();
                    let label = if places.windows(2).all(|w| w[0] == w[1]) {
                        format!("Places autorisées : {}", format::number(places[0], 0))
                    } else {
                        "Places autorisées en fin de mois".to_string()
                    };
                    Some((places, label))
                }
                Some(reference) => {
                    let (id, code) = reference.split_once('.')?;
                    let other = table_of(p, id)?;
                    let f = plain_figure(other, code)?;
                    f.n.map(|n| {
                        (
                            vec![n; months.len()],
                            format!("{} : {}", plain_label(other.0.indicator, code), f.n_text),
                        )
                    })
                }
                None => None,
            };
            // The month read is the last one published, the one a reader looks at first.
            let read = (0..months.len()).rev().find(|&k| doc.numbers[k].is_some());
            if let Some(k) = read {
                let v = doc.numbers[k].unwrap_or_default();
                words.push(("mois", format::month(months[k])));
                words.push(("nombre", doc.texts[k].clone()));
                words.push(("valeur", with_unit(v, &doc.texts[k], unit)));
            }
            if let Some((line, label)) = reference {
                if let Some(k) = read {
                    words.push(("reference", format::number(line[k], decimals(line[k]))));
                }
                doc.legend.push(LegendItem {
                    style: "ligne",
                    label,
                });
                doc.reference = Some(line);
            }
        }
        ChartKind::Bars => {
            doc.title = format!("{}, {}", chart.title, run.period.short_label());
            for (f, s) in figures.clone().filter(|(f, _)| {
                f.modality.prefix.is_none()
                    && f.modality.month.is_none()
                    && !NOT_A_PART.contains(&f.modality.code.as_str())
            }) {
                push(&mut doc, modality_label(e.indicator, f), shown(f, s), "n");
                unit = &f.unit;
            }
            // The bar read is the largest published one; its share is of the published
            // total, so that the sentence says nothing the table does not.
            let total = figures
                .filter(|(f, _)| f.modality.prefix.is_none() && f.modality.month.is_none())
                .find(|(f, _)| matches!(f.modality.code.as_str(), "total" | "effectif"))
                .and_then(|(_, s)| match s[0] {
                    Shown::Value(t) if t > 0.0 => Some(t),
                    _ => None,
                });
            let largest = (0..doc.labels.len())
                .filter_map(|k| doc.numbers[k].map(|v| (k, v)))
                .fold(None, |best: Option<(usize, f64)>, (k, v)| match best {
                    Some((_, b)) if b >= v => best,
                    _ => Some((k, v)),
                });
            if let (Some((k, v)), Some(total)) = (largest, total) {
                words.push(("modalite", doc.labels[k].clone()));
                words.push(("nombre", doc.texts[k].clone()));
                words.push(("valeur", with_unit(v, &doc.texts[k], unit)));
                words.push(("total", format::number(total, 0)));
                words.push((
                    "part",
                    format!("{} %", format::number(100.0 * v / total, 0)),
                ));
            }
        }
        ChartKind::Periods => {
            doc.title = chart.title.clone();
            let [current, previous] = run.periods().map(|p| p.short_label());
            for (id, label) in chart.compare.iter().zip(&chart.labels) {
                let table = table_of(p, id)?;
                tables.extend(tables_read(catalogue, table.0.indicator, p.programme.kind));
                let [n, n1] = plain_shown(table, "total")?;
                // The first rate is read when both its years are published.
                if doc.labels.is_empty()
                    && let (Shown::Value(_), Shown::Value(_)) = (n.0, n1.0)
                {
                    words.push(("valeur", n.1.clone()));
                    words.push(("precedent", n1.1.clone()));
                    words.push(("periode_precedente", during(&run.period.previous())));
                }
                push(&mut doc, format!("{label} — {current}"), n, "n");
                push(&mut doc, format!("{label} — {previous}"), n1, "n1");
                if let Some(b) = benchmark(id, &Modality::code("total")) {
                    let title =
                        format!("{label} — médiane nationale {current} ({} sites)", b.sites);
                    let median = b.median().map_or(Shown::Empty, Shown::Value);
                    let text = match median {
                        Shown::Value(_) => median.display(
                            PERCENT,
                            Nature::Rate {
                                numerator_is_count: false,
                                denominator_is_count: false,
                            },
                        ),
                        _ => crate::output::reperes::not_published(b.sites),
                    };
                    benchmark_sites = Some(b.sites);
                    push(&mut doc, title, (median, text), "repere");
                }
            }
            doc.legend.push(LegendItem {
                style: "n",
                label: current.clone(),
            });
            doc.legend.push(LegendItem {
                style: "n1",
                label: previous,
            });
            if benchmark_sites.is_some() {
                doc.legend.push(LegendItem {
                    style: "repere",
                    label: format!("Médiane nationale {current}"),
                });
            }
        }
    }
    if doc.labels.is_empty() {
        return None;
    }
    let top = doc
        .numbers
        .iter()
        .flatten()
        .chain(doc.reference.iter().flatten())
        .fold(0.0f64, |a, &b| a.max(b));
    let percent = Unit::of(unit) == Unit::Percent;
    let counts = !percent && all.iter().all(|f| f.nature == Nature::Headcount);
    doc.axis = axis(top, percent, counts || whole(&doc.numbers));
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
    let champ = chart.champ.as_deref().unwrap_or(&e.indicator.population);
    doc.champ = format!("Champ : {}, {}.", p.programme.name, lowercase_first(champ));
    let names: Vec<&str> = tables.iter().map(|t| t.name()).collect();
    let mut source = format!(
        "Source : {}, {} {}",
        run.config.site,
        if names.len() > 1 { "tables" } else { "table" },
        format::list(&names)
    );
    if chart.reference.as_deref() == Some(PLACES_LINE) {
        source.push_str(", places de la configuration du site");
    }
    if let Some(sites) = benchmark_sites {
        source.push_str(&format!(
            " ; repères nationaux DIHAL, {}",
            format::count(sites as u64, "site", "sites")
        ));
    }
    source.push_str(" ; traitement bilan.");
    doc.source = source;
    doc.lecture = chart
        .lecture
        .as_deref()
        .and_then(|template| fill(template, &words))
        .map(|sentence| format!("Lecture : {sentence}"));
    Some(doc)
}

/// The labels under monthly bars: the month alone over one calendar year (the title
/// gives it); the month and its year at the start and at each January over up to two
/// years; beyond, the year at each January only, and the first month when no January
/// is near it.
fn month_labels(months: &[NaiveDate]) -> Vec<String> {
    let one_year = months.iter().all(|m| m.year() == months[0].year());
    if months.len() <= 24 {
        return months
            .iter()
            .enumerate()
            .map(|(k, m)| {
                if !one_year && (k == 0 || m.month() == 1) {
                    format!("{}\n{}", format::month_short(*m), m.year())
                } else {
                    format::month_short(*m).to_string()
                }
            })
            .collect();
    }
    let first_january = months.iter().position(|m| m.month() == 1);
    months
        .iter()
        .enumerate()
        .map(|(k, m)| {
            if m.month() == 1 {
                m.year().to_string()
            } else if k == 0 && first_january.is_none_or(|j| j >= 8) {
                format::month(*m)
            } else {
                String::new()
            }
        })
        .collect()
}

/// The value axis: 0 to a round top at or above `top`, in at most five steps of 1, 2,
/// 2,5 or 5 times a power of ten (whole steps for whole numbers); a percentage on 0 to
/// 100 % unless a value goes beyond.
pub fn axis(top: f64, percent: bool, integers: bool) -> Vec<Tick> {
    let (step, end) = if percent && top <= 100.0 {
        (25.0, 100.0)
    } else {
        let top = if top > 0.0 { top } else { 1.0 };
        let magnitude = 10f64.powf((top / 5.0).log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .filter(|s| !integers || (s.fract() == 0.0 && *s >= 1.0))
            .find(|s| (top / s).ceil() <= 5.0)
            .unwrap_or(10.0 * magnitude)
            .max(if integers { 1.0 } else { 0.0 });
        (step, (top / step).ceil() * step)
    };
    let places = decimals(step);
    let count = (end / step).round() as usize;
    (0..=count)
        .map(|i| {
            let value = step * i as f64;
            let number = format::number(value, places);
            Tick {
                value,
                text: if percent {
                    format!("{number}{}%", format::NARROW_NBSP)
                } else {
                    number
                },
            }
        })
        .collect()
}

/// The decimals that write `value` exactly, up to three.
fn decimals(value: f64) -> usize {
    (0..3)
        .find(|&d| {
            let scaled = value * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(3)
}

fn whole(numbers: &[Option<f64>]) -> bool {
    numbers.iter().flatten().all(|v| v.fract() == 0.0)
}

fn month_end(month: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.with_day(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(month)
}

/// A number with its unit, the unit agreeing with the number; a percentage as shown.
fn with_unit(value: f64, text: &str, unit: &str) -> String {
    if Unit::of(unit).is_sign() {
        text.to_string()
    } else {
        format!("{text} {}", format::unit(value, unit))
    }
}

/// « en 2025 », « du 1er avril 2025 au 30 juin 2025 ».
fn during(period: &Period) -> String {
    if period.is_calendar_year() {
        format!("en {}", period.start.year())
    } else {
        format!(
            "du {} au {}",
            format::date(period.start),
            format::date(period.end)
        )
    }
}

/// `a`, `a et b`, `a, b et c`.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The sentence of a `lecture` with its words filled in; none when one of them has no
/// value here (the figure it reads is not published).
fn fill(template: &str, words: &[(&str, String)]) -> Option<String> {
    let mut out = template.to_string();
    for name in placeholders(template) {
        let (_, value) = words.iter().find(|(w, _)| *w == name)?;
        out = out.replace(&format!("{{{name}}}"), value);
    }
    Some(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ticks(top: f64, percent: bool, integers: bool) -> Vec<String> {
        axis(top, percent, integers)
            .into_iter()
            .map(|t| t.text.replace(format::NARROW_NBSP, " "))
            .collect()
    }

    #[test]
    fn count_axes_are_whole_and_round() {
        // 3 entries at most: steps of 1 (0,5 or 1,5 would graduate half persons).
        assert_eq!(ticks(3.0, false, true), ["0", "1", "2", "3"]);
        // 97 present for 100 places: 100 ÷ 5 = 20 per step.
        assert_eq!(
            ticks(100.0, false, true),
            ["0", "20", "40", "60", "80", "100"]
        );
        // 40 persons at most: steps of 10 (÷ 5 = 8, the first of 1, 2, 2,5, 5, 10 × 1
        // giving at most five steps is 10).
        assert_eq!(ticks(40.0, false, true), ["0", "10", "20", "30", "40"]);
        // Nothing above zero: one step of 1.
        assert_eq!(ticks(0.0, false, true), ["0", "1"]);
        // 1 234: 1 234 ÷ 5 = 246,8 → steps of 250, top 1 250.
        assert_eq!(
            ticks(1234.0, false, true),
            ["0", "250", "500", "750", "1 000", "1 250"]
        );
    }

    #[test]
    fn decimal_axes_and_rates() {
        // 1,148 visits a week at most: 1,148 ÷ 5 = 0,23 → steps of 0,25, top 1,25, every
        // graduation with the step's two decimals.
        assert_eq!(
            ticks(1.1482, false, false),
            ["0,00", "0,25", "0,50", "0,75", "1,00", "1,25"]
        );
        // A rate: 0 to 100 % whatever its largest value.
        assert_eq!(
            ticks(61.5, true, false),
            ["0 %", "25 %", "50 %", "75 %", "100 %"]
        );
        // Beyond 100 %: 118 ÷ 5 = 23,6 → steps of 25, top 125.
        assert_eq!(
            ticks(118.0, true, false),
            ["0 %", "25 %", "50 %", "75 %", "100 %", "125 %"]
        );
    }

    #[test]
    fn months_in_french() {
        let m = |y, mo| NaiveDate::from_ymd_opt(y, mo, 1).unwrap();
        let year: Vec<NaiveDate> = (1..=12).map(|mo| m(2025, mo)).collect();
        let labels = month_labels(&year);
        assert_eq!(labels[0], "janv.");
        assert_eq!(labels[1], "févr.");
        assert_eq!(labels[7], "août");
        assert_eq!(labels[11], "déc.");
        // July 2024 to June 2025: the year under the first month and under January.
        let across: Vec<NaiveDate> = (0..12)
            .map(|k| {
                m(2024, 7)
                    .checked_add_months(chrono::Months::new(k))
                    .unwrap()
            })
            .collect();
        let labels = month_labels(&across);
        assert_eq!(labels[0], "juil.\n2024");
        assert_eq!(labels[5], "déc.");
        assert_eq!(labels[6], "janv.\n2025");
        // March 2019 to December 2025 (82 months): the first month named, then each year
        // at its January (the first is 10 months on, position 10).
        let long: Vec<NaiveDate> = (0..82)
            .map(|k| {
                m(2019, 3)
                    .checked_add_months(chrono::Months::new(k))
                    .unwrap()
            })
            .collect();
        let labels = month_labels(&long);
        assert_eq!(labels[0], "mars 2019");
        assert_eq!(labels[10], "2020");
        assert_eq!(labels[1], "");
        assert_eq!(labels.iter().filter(|l| !l.is_empty()).count(), 7);
    }

    #[test]
    fn lecture_filled_or_left_out() {
        let words = [("mois", "décembre 2025".to_string())];
        assert_eq!(
            fill("fin {mois}, le nombre est publié", &words).as_deref(),
            Some("fin décembre 2025, le nombre est publié")
        );
        assert_eq!(fill("{mois} : {nombre}", &words), None);
    }
}
