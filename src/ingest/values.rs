//! Reading one cell as a date, a number, a month or a code, the French way.

use chrono::{Datelike, NaiveDate};

use super::file::Cell;
use crate::model::CodeList;
use crate::period::parse_date;

/// Spreadsheet serial numbers count days from 1899-12-30 (the 1900 leap-year bug
/// included), which is how calamine and every spreadsheet program read them.
fn from_serial(n: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n.trunc() as u64))
}

/// The years a date of the data may have: a birth in 1900 is possible, a date after
/// 2100 is a typing mistake.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

pub fn read_date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    let date = match cell {
        Cell::Empty => return Ok(None),
        Cell::Date(d) => *d,
        Cell::Number(n) => {
            from_serial(*n).ok_or_else(|| "nombre qui n'est pas une date de tableur".to_string())?
        }
        Cell::Text(t) => parse_date(t)?,
    };
    if PLAUSIBLE_YEARS.contains(&date.year()) {
        Ok(Some(date))
    } else {
        Err(format!(
            "année {} invraisemblable (attendue entre {} et {})",
            date.year(),
            PLAUSIBLE_YEARS.start(),
            PLAUSIBLE_YEARS.end()
        ))
    }
}

/// Every count and amount of donnees.md is positive or zero: a negative one is a typing
/// mistake (« −1 ETP »), not a value to publish.
pub fn not_negative<T>(value: Option<T>, negative: bool) -> Result<Option<T>, String> {
    if negative {
        Err("nombre négatif : une quantité ou un montant ne peut pas l'être".into())
    } else {
        Ok(value)
    }
}

pub fn read_month(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    let first_day = |d: NaiveDate| d.with_day(1);
    if let Cell::Text(t) = cell {
        let digits = |b: &[u8]| {
            b.iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let (year, month) = match t.trim().as_bytes() {
            [year @ .., b'-', m1, m2] if year.len() == 4 => (digits(year), digits(&[*m1, *m2])),
            [m1, m2, b'/', year @ ..] if year.len() == 4 => (digits(year), digits(&[*m1, *m2])),
            _ => (None, None),
        };
        if let (Some(year), Some(month)) = (year, month)
            && let Some(d) = NaiveDate::from_ymd_opt(year as i32, month, 1)
        {
            return Ok(Some(d));
        }
    }
    match read_date(cell) {
        Ok(d) => Ok(d.and_then(first_day)),
        Err(_) => Err("mois attendu au format AAAA-MM, MM/AAAA ou une date".into()),
    }
}

/// No count, amount or number of days of an export comes near a million million: beyond
/// that, a value is a typing or export fault, and summed over the rows (1e308 + 1e308)
/// or rounded to an integer it would overflow into infinity or saturate.
const MAX_MAGNITUDE: f64 = 1e12;

pub fn read_number(cell: &Cell) -> Result<Option<f64>, String> {
    match parse_number(cell)? {
        Some(n) if n.abs() > MAX_MAGNITUDE => {
            Err("nombre démesuré (plus de mille milliards en valeur absolue)".into())
        }
        n => Ok(n),
    }
}

fn parse_number(cell: &Cell) -> Result<Option<f64>, String> {
    let text = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => return Ok(Some(*n)),
        Cell::Date(_) => return Err("date au lieu d'un nombre".into()),
        Cell::Text(t) => t,
    };
    // Nearly every number of an export is plain digits, with perhaps one decimal mark.
    let marks = text.bytes().filter(|b| matches!(b, b',' | b'.')).count();
    if text.len() < 16
        && marks <= 1
        && text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b',' | b'.'))
    {
        let parsed = if marks > 0 && text.contains(',') {
            text.replacen(',', ".", 1).parse::<f64>()
        } else {
            text.parse::<f64>()
        };
        return parsed.map(Some).map_err(|_| "nombre attendu".into());
    }
    // The typographic minus (U+2212) of a word processor reads as a minus.
    let mut cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '€' | '$' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    for currency in ["EUR", "eur"] {
        cleaned = cleaned.replace(currency, "");
    }
    // With both separators present, the last one is the decimal mark.
    let normalised = match (cleaned.rfind(','), cleaned.rfind('.')) {
        (Some(v), Some(p)) if v > p => cleaned.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => cleaned.replace(',', ""),
        (Some(_), None) => cleaned.replace(',', "."),
        _ => cleaned,
    };
    if normalised.is_empty() {
        return Ok(None);
    }
    normalised
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(Some)
        .ok_or_else(|| "nombre attendu".into())
}

pub fn read_integer(cell: &Cell) -> Result<Option<i64>, String> {
    match read_number(cell) {
        Ok(Some(n)) if n.fract() == 0.0 => Ok(Some(n as i64)),
        Ok(Some(_)) | Err(_) => Err("nombre entier attendu".into()),
        Ok(None) => Ok(None),
    }
}

/// The text a code cell holds; a number typed in a spreadsheet (`1` for a group) reads as its digits.
pub fn text_of(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
        Cell::Number(n) if n.fract() == 0.0 => Some(format!("{}", *n as i64)),
        Cell::Number(n) => Some(n.to_string()),
        Cell::Date(d) => Some(d.format("%d/%m/%Y").to_string()),
    }
}

/// [`text_of`] without a copy when the cell already holds the text.
pub fn trimmed_text<'a>(cell: &'a Cell) -> Option<std::borrow::Cow<'a, str>> {
    match cell {
        Cell::Text(t) => {
            Some(std::borrow::Cow::Borrowed(super::file::trim(t))).filter(|t| !t.is_empty())
        }
        other => text_of(other).map(std::borrow::Cow::Owned),
    }
}

/// `Ok(code)` for a known value, `Err(raw)` for one outside the list.
pub fn read_code(list: &CodeList, raw: &str) -> Result<&'static str, String> {
    list.recognize(raw).ok_or_else(|| raw.to_string())
}

/// « (le plus proche : « a », « b ») » for an unknown label, from the codes, their
/// labels and synonyms, and the profile's labels.
pub fn suggestion(
    list: &CodeList,
    raw: &str,
    profile: Option<&std::collections::BTreeMap<String, String>>,
) -> String {
    let wanted = crate::model::fold(raw);
    let mut candidates: Vec<(f64, &str)> = Vec::new();
    // The distance is at least the difference of the lengths, so a value more than 2.5
    // times as long as every spelling scores under 0.4 against each, and none is close:
    // not computed, which on a cell of megabytes took minutes.
    let longest = list
        .codes
        .iter()
        .flat_map(|c| {
            [c.code, c.label]
                .into_iter()
                .chain(c.synonyms.iter().copied())
        })
        .chain(
            profile
                .into_iter()
                .flatten()
                .map(|(label, _)| label.as_str()),
        )
        .map(|s| crate::model::fold(s).chars().count())
        .max()
        .unwrap_or(0);
    let far = wanted.chars().count() * 2 > longest * 5;
    for code in list.codes.iter().filter(|_| !far) {
        let spellings = [code.code, code.label]
            .into_iter()
            .chain(code.synonyms.iter().copied());
        let best = spellings
            .map(|s| strsim::normalized_levenshtein(&wanted, &crate::model::fold(s)))
            .fold(0.0, f64::max);
        candidates.push((best, code.code));
    }
    for (label, code) in profile.into_iter().flatten().filter(|_| !far) {
        candidates.push((
            strsim::normalized_levenshtein(&wanted, &crate::model::fold(label)),
            code,
        ));
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut close: Vec<&str> = Vec::new();
    for (score, code) in candidates {
        if score >= 0.4 && !close.contains(&code) && close.len() < 2 {
            close.push(code);
        }
    }
    match close.as_slice() {
        [] => format!(
            " (codes possibles : {})",
            list.codes
                .iter()
                .map(|c| c.code)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        [one] => format!(" (le plus proche : « {one} »)"),
        many => format!(
            " (les plus proches : {})",
            many.iter()
                .map(|c| format!("« {c} »"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(s.into())
    }

    #[test]
    fn french_and_iso_dates() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(read_date(&t("29/02/2024")), Ok(Some(d)));
        assert_eq!(read_date(&t("2024-02-29")), Ok(Some(d)));
        assert_eq!(read_date(&t("2024-02-29 13:45:00")), Ok(Some(d)));
        assert_eq!(read_date(&t("2024-02-29T13:45:00")), Ok(Some(d)));
        // 45351 days after 1899-12-30 is 2024-02-29.
        assert_eq!(read_date(&Cell::Number(45351.0)), Ok(Some(d)));
        assert!(
            read_date(&t("29/02/24"))
                .unwrap_err()
                .contains("deux chiffres")
        );
        assert!(read_date(&t("30/02/2024")).is_err());
        assert!(
            read_date(&t("2262-04-12"))
                .unwrap_err()
                .contains("2262 invraisemblable")
        );
        assert!(
            read_date(&t("1899-12-31"))
                .unwrap_err()
                .contains("invraisemblable")
        );
        assert_eq!(
            not_negative(Some(-1.0), true),
            Err("nombre négatif : une quantité ou un montant ne peut pas l'être".into())
        );
        assert_eq!(read_date(&Cell::Empty), Ok(None));
    }

    #[test]
    fn french_numbers() {
        assert_eq!(read_number(&t("1 234,50")), Ok(Some(1234.5)));
        assert_eq!(read_number(&t("1\u{202f}234,50 €")), Ok(Some(1234.5)));
        assert_eq!(read_number(&t("1\u{a0}234,5")), Ok(Some(1234.5)));
        assert_eq!(read_number(&t("0,8")), Ok(Some(0.8)));
        assert_eq!(read_number(&t("0.8")), Ok(Some(0.8)));
        assert_eq!(read_number(&t("1.234,5")), Ok(Some(1234.5)));
        assert_eq!(read_number(&t("-12")), Ok(Some(-12.0)));
        assert_eq!(read_number(&t("\u{2212}539,50")), Ok(Some(-539.5)));
        assert!(read_number(&t("douze")).is_err());
        assert_eq!(read_integer(&t("12")), Ok(Some(12)));
        assert!(read_integer(&t("12,5")).is_err());
    }

    /// 1e308, a sheet's 8.7e16 and a million million and one are refused; a million
    /// million itself is read.
    #[test]
    fn numbers_beyond_a_million_million_are_refused() {
        let too_large = Err("nombre démesuré (plus de mille milliards en valeur absolue)".into());
        assert_eq!(read_number(&t("1e308")), too_large);
        assert_eq!(read_number(&Cell::Number(8.7e16)), too_large);
        assert_eq!(read_number(&t("-1000000000001")), too_large);
        assert_eq!(read_number(&t("1000000000000")), Ok(Some(1e12)));
        assert!(read_integer(&t("87000000000000000")).is_err());
    }

    #[test]
    fn months() {
        let m = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        assert_eq!(read_month(&t("2025-03")), Ok(Some(m)));
        assert_eq!(read_month(&t("03/2025")), Ok(Some(m)));
        assert_eq!(read_month(&t("17/03/2025")), Ok(Some(m)));
        assert!(read_month(&t("mars")).is_err());
    }

    #[test]
    fn codes_by_synonym_and_label() {
        use crate::model::{MODE_HOSPITALISATION, SEXE};
        assert_eq!(read_code(&SEXE, "M"), Ok("H"));
        assert_eq!(read_code(&SEXE, " femme "), Ok("F"));
        assert_eq!(
            read_code(&MODE_HOSPITALISATION, "Soins à la demande d'un tiers"),
            Ok("sdt")
        );
        assert_eq!(read_code(&SEXE, "Z"), Err("Z".to_string()));
    }

    /// A value of a million letters in a code column: no code is near it, the list is
    /// given, at once (the distances to each spelling took seconds a megabyte).
    #[test]
    fn a_huge_unknown_label_is_answered_at_once() {
        let list = crate::model::Table::Personnes
            .spec()
            .column("sexe")
            .map(|c| match c.kind {
                crate::model::ColumnType::Code(l) => l,
                _ => panic!("sexe est codée"),
            })
            .unwrap();
        let start = std::time::Instant::now();
        assert_eq!(
            suggestion(list, &"A".repeat(1_000_000), None),
            " (codes possibles : F, H, X)"
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn unknown_labels_suggest_the_closest_codes() {
        use crate::model::MOTIF_SORTIE;
        assert_eq!(
            suggestion(&MOTIF_SORTIE, "relogement autonom", None),
            " (le plus proche : « relogement_autonome »)"
        );
        assert!(
            suggestion(&MOTIF_SORTIE, "zzz", None)
                .starts_with(" (codes possibles : relogement_autonome,")
        );
    }
}
