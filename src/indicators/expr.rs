//! The small language of the catalogue's filters and values.
//!
//! A value is arithmetic (`+ - * /`, parentheses) over numbers, columns, `d` and `f`
//! (first and last day of the period), the parameters `places` (in force on f),
//! `capacity_days` (Σ over the period's days of the places in force), `period_days` and
//! `visit_target`, and `days_within(a, b)`: the days of the row's interval that fall in
//! `[a, b)`. Dates count as day numbers, so `date_sortie - date_entree` is a duration.
//!
//! A filter is one of: `col` (true), `col filled`, `value OP value` with OP one of
//! `= != >= <= > <` (`=` and `!=` take codes, `a|b`, when the column holds codes),
//! `covers value` (the row's interval holds that day: start ≤ day < exit), `not FILTER`,
//! alternatives joined by ` or `, and `name(value, …)`: a named population of the
//! catalogue with its parameters. `==` and `!col` are older spellings of `=` and `not col`.
//! A missing value never satisfies a filter.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use serde::Deserialize;

/// A name a value may use besides columns: a bound of the period or a parameter of the
/// programme, computed by [`Expression::compile`].
pub struct Parameter {
    pub name: &'static str,
    /// Whether the same figure of several sites adds up: places and capacity do, a
    /// target or the length of a period does not.
    pub adds_up: bool,
}

pub const PARAMETERS: [Parameter; 6] = [
    Parameter {
        name: "d",
        adds_up: false,
    },
    Parameter {
        name: "f",
        adds_up: false,
    },
    Parameter {
        name: "places",
        adds_up: true,
    },
    Parameter {
        name: "capacity_days",
        adds_up: true,
    },
    Parameter {
        name: "period_days",
        adds_up: false,
    },
    Parameter {
        name: "visit_target",
        adds_up: false,
    },
];

/// The parameter called `name`, if it is one.
pub fn parameter(name: &str) -> Option<&'static Parameter> {
    PARAMETERS.iter().find(|p| p.name == name)
}

use crate::config::Programme;
use crate::frames::{day_number, larger, smaller};
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
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub enum Condition {
    IsTrue(String),
    /// `left = right`: among the codes `a|b` when `left` is a column of codes, else
    /// equal numbers; which one is decided against the table's columns.
    Equal(Expression, Vec<String>),
    Filled(String),
    Compare(Expression, Comparison, Expression),
    Covers(Expression),
    Not(Box<Condition>),
    Any(Vec<Condition>),
    /// Every condition: what a named population stands for.
    All(Vec<Condition>),
    /// A named population of the catalogue, replaced by its filters when loaded.
    Population(String, Vec<Expression>),
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

    /// The expression with each parameter name replaced by its value.
    pub fn substitute(&self, values: &BTreeMap<String, Expression>) -> Expression {
        match self {
            Expression::Name(n) => values.get(n).cloned().unwrap_or_else(|| self.clone()),
            Expression::Number(_) => self.clone(),
            Expression::Binary(a, op, b) => Expression::Binary(
                Box::new(a.substitute(values)),
                *op,
                Box::new(b.substitute(values)),
            ),
            Expression::DaysWithin(a, b) => Expression::DaysWithin(
                Box::new(a.substitute(values)),
                Box::new(b.substitute(values)),
            ),
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
                "places" => lit(f64::from(scope.programme.places_on(scope.period.end))),
                "capacity_days" => lit(scope.programme.capacity_days(scope.period) as f64),
                "period_days" => lit(scope.period.days() as f64),
                "visit_target" => lit(scope.programme.visit_target()),
                column => match scope.schema.get(column) {
                    Some(DataType::Date) => {
                        col(column).cast(DataType::Int32).cast(DataType::Float64)
                    }
                    Some(DataType::String | DataType::List(_)) => {
                        return Err(format!(
                            "la colonne « {column} » contient des textes ou des codes, pas des nombres ni des dates"
                        ));
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
        if let Some(rest) = text.strip_prefix('!') {
            return Ok(Condition::Not(Box::new(Condition::parse(rest)?)));
        }
        if let Some(rest) = text.strip_prefix("covers ") {
            return Ok(Condition::Covers(Expression::parse(rest)?));
        }
        if let Some(call) = population_call(text)? {
            return Ok(call);
        }
        let alternatives = |v: &str| {
            v.split('|')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        };
        for symbol in [">=", "<=", "!=", "==", ">", "<", "="] {
            let Some((a, b)) = text.split_once(symbol) else {
                continue;
            };
            let a = Expression::parse(a)?;
            let comparison = match symbol {
                ">=" => Comparison::AtLeast,
                "<=" => Comparison::AtMost,
                ">" => Comparison::Above,
                "<" => Comparison::Below,
                "!=" => {
                    return Ok(Condition::Not(Box::new(Condition::Equal(
                        a,
                        alternatives(b),
                    ))));
                }
                _ => return Ok(Condition::Equal(a, alternatives(b))),
            };
            return Ok(Condition::Compare(a, comparison, Expression::parse(b)?));
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            [c] => Ok(Condition::IsTrue(c.to_string())),
            [c, "filled"] => Ok(Condition::Filled(c.to_string())),
            _ => Err(format!("filtre « {text} » illisible")),
        }
    }

    /// The condition with each parameter name replaced by its value.
    pub fn substitute(&self, values: &BTreeMap<String, Expression>) -> Condition {
        let all = |cs: &[Condition]| cs.iter().map(|c| c.substitute(values)).collect();
        match self {
            Condition::IsTrue(_) | Condition::Filled(_) => self.clone(),
            Condition::Equal(a, codes) => Condition::Equal(
                a.substitute(values),
                codes
                    .iter()
                    .map(|code| match values.get(code) {
                        Some(Expression::Name(given)) => given.clone(),
                        _ => code.clone(),
                    })
                    .collect(),
            ),
            Condition::Compare(a, op, b) => {
                Condition::Compare(a.substitute(values), *op, b.substitute(values))
            }
            Condition::Covers(e) => Condition::Covers(e.substitute(values)),
            Condition::Not(c) => Condition::Not(Box::new(c.substitute(values))),
            Condition::Any(cs) => Condition::Any(all(cs)),
            Condition::All(cs) => Condition::All(all(cs)),
            Condition::Population(name, args) => Condition::Population(
                name.clone(),
                args.iter().map(|a| a.substitute(values)).collect(),
            ),
        }
    }

    /// Every condition inside this one, itself included, for changes in place.
    pub fn visit_mut(&mut self, f: &mut dyn FnMut(&mut Condition)) {
        f(self);
        match self {
            Condition::Not(c) => c.visit_mut(f),
            Condition::Any(cs) | Condition::All(cs) => cs.iter_mut().for_each(|c| c.visit_mut(f)),
            _ => {}
        }
    }

    pub fn names(&self, out: &mut BTreeSet<String>) {
        match self {
            Condition::IsTrue(c) | Condition::Filled(c) => {
                out.insert(c.clone());
            }
            Condition::Equal(a, _) => a.names(out),
            Condition::Compare(a, _, b) => {
                a.names(out);
                b.names(out);
            }
            Condition::Covers(e) => e.names(out),
            Condition::Not(c) => c.names(out),
            Condition::Any(cs) | Condition::All(cs) => cs.iter().for_each(|c| c.names(out)),
            Condition::Population(_, args) => args.iter().for_each(|a| a.names(out)),
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
            Condition::Equal(a, codes) => match a.column().map(|c| (c, scope.schema.get(c))) {
                // Comparing with each code is many times faster than `is_in`, which
                // hashes every row; a list of codes holds one or two.
                Some((c, Some(DataType::String))) => codes
                    .iter()
                    .map(|code| col(c).eq(lit(code.as_str())))
                    .reduce(Expr::or)
                    .unwrap_or(lit(false))
                    .fill_null(lit(false)),
                _ => {
                    let [b] = codes.as_slice() else {
                        return Err(format!(
                            "« {} » : plusieurs valeurs séparées par « | » ne vont qu'avec une colonne de codes",
                            codes.join("|")
                        ));
                    };
                    a.compile(scope)?
                        .eq(Expression::parse(b)?.compile(scope)?)
                        .fill_null(lit(false))
                }
            },
            Condition::Filled(c) => known(c)?.is_not_null(),
            Condition::Compare(a, comparison, b) => {
                let (a, b) = (a.compile(scope)?, b.compile(scope)?);
                match comparison {
                    Comparison::AtLeast => a.gt_eq(b),
                    Comparison::AtMost => a.lt_eq(b),
                    Comparison::Above => a.gt(b),
                    Comparison::Below => a.lt(b),
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
            Condition::All(cs) => cs
                .iter()
                .map(|c| c.compile(scope))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .reduce(|a, b| a.and(b))
                .unwrap_or(lit(true)),
            Condition::Population(name, _) => {
                return Err(format!("population « {name} » non résolue"));
            }
        })
    }
}

/// `name(a, b)` as a whole filter: a named population with its parameters.
fn population_call(text: &str) -> Result<Option<Condition>, String> {
    let Some((name, rest)) = text.split_once('(') else {
        return Ok(None);
    };
    let name = name.trim();
    let is_name = !name.is_empty()
        && name != "days_within"
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let Some(inside) = rest.strip_suffix(')').filter(|_| is_name) else {
        return Ok(None);
    };
    if inside.contains(['(', ')']) {
        return Ok(None);
    }
    let args = inside
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(Expression::parse)
        .collect::<Result<_, _>>()?;
    Ok(Some(Condition::Population(name.to_string(), args)))
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
        assert_eq!(
            Condition::parse("!premier"),
            Condition::parse("not premier")
        );
        assert_eq!(
            Condition::parse("contacts == 0"),
            Condition::parse("contacts = 0")
        );
        assert!(
            matches!(Condition::parse("mode = sdt|sdre"), Ok(Condition::Equal(c, v)) if c.column() == Some("mode") && v == ["sdt", "sdre"])
        );
        assert!(matches!(
            Condition::parse("type != visite_non_aboutie"),
            Ok(Condition::Not(_))
        ));
        assert!(
            matches!(Condition::parse("cohorte(365, loge_12m)"), Ok(Condition::Population(n, a)) if n == "cohorte" && a.len() == 2)
        );
        assert!(matches!(
            Condition::parse("days_within(d, f) >= 1"),
            Ok(Condition::Compare(..))
        ));
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
