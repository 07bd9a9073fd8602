//! The small language of the catalogue's filters and values.
//!
//! A value is arithmetic (`+ - * /`, parentheses) over numbers, columns, `d` and `f`
//! (first and last day of the period), the parameters `places`, `period_days` and
//! `visit_target`, and `days_within(a, b)`: the days of the row's interval that fall in
//! `[a, b)`. Dates count as day numbers, so `date_sortie - date_entree` is a duration.
//!
//! A filter is one of: `col` (true), `!col` (false), `col = a|b`, `col != a|b` (codes),
//! `col filled`, `value OP value` with OP one of `>= <= > < ==`, `covers value` (the
//! row's interval holds that day: start ≤ day < exit), `not FILTER`, and alternatives
//! joined by ` or `. A missing value never satisfies a filter.

use std::collections::BTreeSet;

use polars::prelude::*;
use serde::Deserialize;

use super::views::day_number;
use crate::config::Programme;
use crate::model::Interval;
use crate::period::Period;

#[derive(Debug, Clone, PartialEq)]
pub enum Expression {
    Number(f64),
    Name(String),
    Binary(Box<Expression>, char, Box<Expression>),
    DaysWithin(Box<Expression>, Box<Expression>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    AtLeast,
    AtMost,
    Above,
    Below,
    Equal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub enum Condition {
    IsTrue(String),
    In(String, Vec<String>),
    Filled(String),
    Compare(Expression, Comparison, Expression),
    Covers(Expression),
    Not(Box<Condition>),
    Any(Vec<Condition>),
}

/// What names resolve to while compiling for one table and one period.
pub struct Scope<'a> {
    pub schema: &'a Schema,
    pub period: Period,
    pub programme: &'a Programme,
    pub interval: Option<&'a Interval>,
}

fn tokens(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            let mut word = String::new();
            while let Some(&c) = chars
                .peek()
                .filter(|c| c.is_ascii_alphanumeric() || **c == '_' || **c == '.')
            {
                word.push(c);
                chars.next();
            }
            out.push(word);
        } else if "+-*/(),".contains(c) {
            out.push(c.to_string());
            chars.next();
        } else {
            return Err(format!("caractère « {c} » inattendu dans « {text} »"));
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<String>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Option<String> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        match self.next() {
            Some(t) if t == token => Ok(()),
            other => Err(format!(
                "« {token} » attendu, trouvé « {} »",
                other.unwrap_or_default()
            )),
        }
    }

    fn sum(&mut self) -> Result<Expression, String> {
        let mut left = self.product()?;
        while let Some(op @ ("+" | "-")) = self.peek() {
            let op = op.chars().next().unwrap_or('+');
            self.at += 1;
            left = Expression::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expression, String> {
        let mut left = self.atom()?;
        while let Some(op @ ("*" | "/")) = self.peek() {
            let op = op.chars().next().unwrap_or('*');
            self.at += 1;
            left = Expression::Binary(Box::new(left), op, Box::new(self.atom()?));
        }
        Ok(left)
    }

    fn atom(&mut self) -> Result<Expression, String> {
        match self.next() {
            Some(t) if t == "(" => {
                let e = self.sum()?;
                self.expect(")")?;
                Ok(e)
            }
            Some(t) if t == "days_within" => {
                self.expect("(")?;
                let from = self.sum()?;
                self.expect(",")?;
                let to = self.sum()?;
                self.expect(")")?;
                Ok(Expression::DaysWithin(Box::new(from), Box::new(to)))
            }
            Some(t) if t.starts_with(|c: char| c.is_ascii_digit()) => t
                .parse()
                .map(Expression::Number)
                .map_err(|_| format!("nombre « {t} » illisible")),
            Some(t) if t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') => {
                Ok(Expression::Name(t))
            }
            other => Err(format!(
                "valeur attendue, trouvé « {} »",
                other.unwrap_or_default()
            )),
        }
    }
}

impl Expression {
    pub fn parse(text: &str) -> Result<Expression, String> {
        let mut parser = Parser {
            tokens: tokens(text)?,
            at: 0,
        };
        let e = parser.sum()?;
        match parser.peek() {
            None => Ok(e),
            Some(t) => Err(format!("« {t} » en trop dans « {text} »")),
        }
    }

    /// The column when the expression is a bare column name.
    pub fn column(&self) -> Option<&str> {
        match self {
            Expression::Name(n) => Some(n),
            _ => None,
        }
    }

    pub fn names(&self, out: &mut BTreeSet<String>) {
        match self {
            Expression::Number(_) => {}
            Expression::Name(n) => {
                out.insert(n.clone());
            }
            Expression::Binary(a, _, b) | Expression::DaysWithin(a, b) => {
                a.names(out);
                b.names(out);
            }
        }
    }

    /// A Float64 polars expression; dates are day numbers.
    pub fn compile(&self, scope: &Scope) -> Result<Expr, String> {
        Ok(match self {
            Expression::Number(n) => lit(*n),
            Expression::Name(n) => match n.as_str() {
                "d" => lit(f64::from(day_number(scope.period.start))),
                "f" => lit(f64::from(day_number(scope.period.end))),
                "places" => lit(f64::from(scope.programme.places)),
                "period_days" => lit(scope.period.days() as f64),
                "visit_target" => lit(scope.programme.visit_target()),
                column => match scope.schema.get(column) {
                    Some(DataType::Date) => {
                        col(column).cast(DataType::Int32).cast(DataType::Float64)
                    }
                    Some(_) => col(column).cast(DataType::Float64),
                    None => return Err(format!("colonne « {column} » inconnue")),
                },
            },
            Expression::Binary(a, op, b) => {
                let (a, b) = (a.compile(scope)?, b.compile(scope)?);
                match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ => a / b,
                }
            }
            Expression::DaysWithin(from, to) => {
                let (start, end) = interval_days(scope)?;
                let (from, to) = (from.compile(scope)?, to.compile(scope)?);
                let end = when(end.clone().is_null())
                    .then(to.clone())
                    .otherwise(smaller(end, to));
                larger(end - larger(start, from), lit(0.0))
            }
        })
    }
}

fn smaller(a: Expr, b: Expr) -> Expr {
    when(a.clone().lt(b.clone())).then(a).otherwise(b)
}

fn larger(a: Expr, b: Expr) -> Expr {
    when(a.clone().gt(b.clone())).then(a).otherwise(b)
}

/// The row's interval as day numbers: its start, and its first day not covered
/// (null while ongoing).
fn interval_days(scope: &Scope) -> Result<(Expr, Expr), String> {
    let interval = scope
        .interval
        .ok_or_else(|| "cette table n'a pas de période (début, fin)".to_string())?;
    let days = |c: &str| col(c).cast(DataType::Int32).cast(DataType::Float64);
    let end = if interval.end_inclusive {
        days(interval.end) + lit(1.0)
    } else {
        days(interval.end)
    };
    Ok((days(interval.start), end))
}

impl TryFrom<String> for Condition {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Condition::parse(&text)
    }
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, String> {
        let text = text.trim();
        if text.contains(" or ") {
            return text
                .split(" or ")
                .map(Condition::parse)
                .collect::<Result<_, _>>()
                .map(Condition::Any);
        }
        if let Some(rest) = text.strip_prefix("not ") {
            return Ok(Condition::Not(Box::new(Condition::parse(rest)?)));
        }
        if let Some(rest) = text.strip_prefix("covers ") {
            return Ok(Condition::Covers(Expression::parse(rest)?));
        }
        for (symbol, comparison) in [
            (">=", Comparison::AtLeast),
            ("<=", Comparison::AtMost),
            ("==", Comparison::Equal),
            (">", Comparison::Above),
            ("<", Comparison::Below),
        ] {
            if let Some((a, b)) = text.split_once(symbol) {
                return Ok(Condition::Compare(
                    Expression::parse(a)?,
                    comparison,
                    Expression::parse(b)?,
                ));
            }
        }
        let codes = |v: &str| {
            v.split('|')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            [c] if c.starts_with('!') => Ok(Condition::Not(Box::new(Condition::IsTrue(
                c[1..].to_string(),
            )))),
            [c] => Ok(Condition::IsTrue(c.to_string())),
            [c, "filled"] => Ok(Condition::Filled(c.to_string())),
            [c, "=", v] => Ok(Condition::In(c.to_string(), codes(v))),
            [c, "!=", v] => Ok(Condition::Not(Box::new(Condition::In(
                c.to_string(),
                codes(v),
            )))),
            _ => Err(format!("filtre « {text} » illisible")),
        }
    }

    pub fn names(&self, out: &mut BTreeSet<String>) {
        match self {
            Condition::IsTrue(c) | Condition::In(c, _) | Condition::Filled(c) => {
                out.insert(c.clone());
            }
            Condition::Compare(a, _, b) => {
                a.names(out);
                b.names(out);
            }
            Condition::Covers(e) => e.names(out),
            Condition::Not(c) => c.names(out),
            Condition::Any(cs) => cs.iter().for_each(|c| c.names(out)),
        }
    }

    /// A boolean polars expression, false wherever a value is missing.
    pub fn compile(&self, scope: &Scope) -> Result<Expr, String> {
        let known = |c: &str| {
            scope
                .schema
                .get(c)
                .map(|_| col(c))
                .ok_or_else(|| format!("colonne « {c} » inconnue"))
        };
        Ok(match self {
            Condition::IsTrue(c) => known(c)?.fill_null(lit(false)),
            Condition::In(c, codes) => known(c)?
                .is_in(
                    lit(Series::new("".into(), codes.clone())).implode(false),
                    false,
                )
                .fill_null(lit(false)),
            Condition::Filled(c) => known(c)?.is_not_null(),
            Condition::Compare(a, comparison, b) => {
                let (a, b) = (a.compile(scope)?, b.compile(scope)?);
                match comparison {
                    Comparison::AtLeast => a.gt_eq(b),
                    Comparison::AtMost => a.lt_eq(b),
                    Comparison::Above => a.gt(b),
                    Comparison::Below => a.lt(b),
                    Comparison::Equal => a.eq(b),
                }
                .fill_null(lit(false))
            }
            Condition::Covers(day) => {
                let day = day.compile(scope)?;
                let (start, end) = interval_days(scope)?;
                start
                    .lt_eq(day.clone())
                    .and(end.clone().is_null().or(end.gt(day)))
                    .fill_null(lit(false))
            }
            Condition::Not(c) => c.compile(scope)?.not(),
            Condition::Any(cs) => cs
                .iter()
                .map(|c| c.compile(scope))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .reduce(|a, b| a.or(b))
                .unwrap_or(lit(false)),
        })
    }
}

impl<'de> Deserialize<'de> for Expression {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Expression::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Box<Expression> {
        Box::new(Expression::Name(n.into()))
    }

    #[test]
    fn arithmetic_with_precedence() {
        assert_eq!(
            Expression::parse("vad / jours * 7").unwrap(),
            Expression::Binary(
                Box::new(Expression::Binary(name("vad"), '/', name("jours"))),
                '*',
                Box::new(Expression::Number(7.0))
            )
        );
        assert_eq!(
            Expression::parse("f - (d + 1)").unwrap(),
            Expression::Binary(
                name("f"),
                '-',
                Box::new(Expression::Binary(
                    name("d"),
                    '+',
                    Box::new(Expression::Number(1.0))
                ))
            )
        );
        assert!(Expression::parse("a +").is_err());
        assert!(Expression::parse("a b").is_err());
    }

    #[test]
    fn filters() {
        assert!(matches!(Condition::parse("actif"), Ok(Condition::IsTrue(c)) if c == "actif"));
        assert!(matches!(
            Condition::parse("!premier"),
            Ok(Condition::Not(_))
        ));
        assert!(
            matches!(Condition::parse("mode = sdt|sdre"), Ok(Condition::In(c, v)) if c == "mode" && v == ["sdt", "sdre"])
        );
        assert!(matches!(
            Condition::parse("jours >= 28"),
            Ok(Condition::Compare(_, Comparison::AtLeast, _))
        ));
        assert!(
            matches!(Condition::parse("a == 0 or b <= f"), Ok(Condition::Any(v)) if v.len() == 2)
        );
        assert!(matches!(
            Condition::parse("covers h + 365"),
            Ok(Condition::Covers(_))
        ));
        assert!(Condition::parse("a b c d").is_err());
    }
}
