//! A figure of both periods as the report prints it: its published values in French,
//! its change from N-1, a rate with its terms.

use serde::Serialize;

use crate::figure::Nature;
use crate::figure::Unit;
use crate::format;
use crate::indicators::{Evaluation, Figure, Modality};
use crate::output::{ProgrammeRun, Published, PublishedFigure, Shown, side_by_side};

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
        Some(d) if Unit::of(&row.unit) == Unit::Percent => {
            format!("{}{} pt", sign(d), format::number(d.abs(), 1))
        }
        Some(d) if Unit::of(&row.unit) == Unit::Euros => {
            format!("{}{}", sign(d), format::euros(d.abs()))
        }
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

/// The terms of a rate in each period when both are published counts: the base a
/// reader needs to weigh « 90 % » (9 sur 10 or 900 sur 1 000).
pub fn rate_bases(periods: &[Option<PublishedFigure>; 2]) -> [Option<(f64, f64)>; 2] {
    periods.map(|p| {
        p.and_then(|(f, s)| match (f.nature, s[1], s[2]) {
            (
                Nature::Rate {
                    numerator_is_count: true,
                    denominator_is_count: true,
                },
                Shown::Value(n),
                Shown::Value(d),
            ) if d > 0.0 => Some((n, d)),
            _ => None,
        })
    })
}

/// The printed value of a period, a rate with its base: « 90,0 % (9 sur 10) ».
pub fn with_base(text: &str, base: Option<(f64, f64)>) -> String {
    match base {
        Some((n, d)) => format!(
            "{text} ({} sur {})",
            format::number(n, 0),
            format::number(d, 0)
        ),
        None => text.to_string(),
    }
}

/// How finely a value is shown: to the tenth, the cent for an amount, a whole number for
/// a count.
fn scale(row: &Figure) -> f64 {
    match (row.nature, Unit::of(&row.unit)) {
        (Nature::Headcount, _) => 1.0,
        (_, Unit::Euros) => 100.0,
        _ => 10.0,
    }
}

/// A value as it is shown.
pub fn as_shown(v: f64, row: &Figure) -> f64 {
    (v * scale(row)).round() / scale(row)
}

/// The change between the two values as they are shown: 2,1 after 2,0 is +0,1 whatever
/// the decimals behind, and a change that rounds to nothing is 0, never « −0,0 ».
fn rounded_change(a: f64, b: f64, row: &Figure) -> f64 {
    let scale = scale(row);
    let d = ((a * scale).round() - (b * scale).round()) / scale;
    if d == 0.0 { 0.0 } else { d }
}

fn change_decimals(d: f64, row: &Figure) -> usize {
    if row.nature == Nature::Headcount || d.fract() == 0.0 {
        0
    } else {
        1
    }
}

/// A figure as a row of a table shows it: a rate with its terms, « 95,8 % (34 967 /
/// 36 500) », masked terms staying masked.
pub fn with_terms(row: &Figure, period: Option<PublishedFigure>) -> String {
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
pub fn plain_shown(table: Table, code: &str) -> Option<[(Shown, String); 2]> {
    let (row, periods) = side_by_side(table.0, table.1)
        .into_iter()
        .find(|(row, _)| row.modality == Modality::code(code))?;
    Some(periods.map(|p| {
        let s = p.map_or(Shown::Empty, |(_, s)| s[0]);
        (s, s.display(&row.unit, row.nature))
    }))
}

/// The figure of a plain modalité (no prefix, no month) of an evaluation.
pub fn plain_figure(table: Table, code: &str) -> Option<FigureDoc> {
    side_by_side(table.0, table.1)
        .into_iter()
        .find(|(row, _)| row.modality == Modality::code(code))
        .map(|(row, periods)| figure_doc(row, periods))
}

/// An evaluation with how its figures are published.
pub type Table<'t> = (&'t Evaluation<'t>, &'t [Published; 2]);

/// The published table of an indicator of the programme, when it computes it.
pub fn table_of<'t>(p: &'t ProgrammeRun, id: &str) -> Option<Table<'t>> {
    p.tables().find(|(e, _)| e.indicator.id == id)
}

pub fn sign(delta: f64) -> &'static str {
    if delta > 0.0 {
        "+"
    } else if delta < 0.0 {
        "−"
    } else {
        ""
    }
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
            combine: crate::figure::Combine::Add,
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
    }
}
