//! The period P = [d, f] of a report, both days included, and the periods derived from it.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

/// The years a period, an opening or a date of the data may fall in: beyond, a date is a
/// typing mistake (and polars' dates end in 2262).
pub const SUPPORTED_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            start: NaiveDate::from_ymd_opt(year, 1, 1)?,
            end: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// The same period one year earlier: each day goes back twelve months (29 February
    /// becomes 28 February), except that an end on the last day of a month goes to the
    /// last day of that month a year earlier, so that no day is lost:
    /// 2024-03-01 … 2025-02-28 gives 2023-03-01 … 2024-02-29.
    pub fn previous(&self) -> Period {
        let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
        let end = if is_last_day_of_month(self.end) {
            last_day_of_month(self.end.year() - 1, self.end.month()).unwrap_or(back(self.end))
        } else {
            back(self.end)
        };
        Period {
            start: back(self.start),
            end,
        }
    }

    /// Each calendar month meeting the period, cut to the period.
    pub fn months(&self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut start = self.start;
        while start <= self.end {
            let next_start = start
                .with_day(1)
                .and_then(|d| d.checked_add_months(Months::new(1)))
                .unwrap_or(self.end);
            let end = next_start.pred_opt().unwrap_or(self.end).min(self.end);
            months.push(Period { start, end });
            start = next_start;
        }
        months
    }

    pub fn is_calendar_year(&self) -> bool {
        self.start.month() == 1
            && self.start.day() == 1
            && self.end.year() == self.start.year()
            && self.end.month() == 12
            && self.end.day() == 31
    }

    /// Short label: `2025`, or `01/04/2025 – 30/06/2025`.
    pub fn short_label(&self) -> String {
        if self.is_calendar_year() {
            self.start.year().to_string()
        } else {
            format!(
                "{} – {}",
                self.start.format("%d/%m/%Y"),
                self.end.format("%d/%m/%Y")
            )
        }
    }
}

fn is_last_day_of_month(d: NaiveDate) -> bool {
    d.succ_opt().is_none_or(|next| next.month() != d.month())
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "du {} au {}",
            self.start.format("%d/%m/%Y"),
            self.end.format("%d/%m/%Y")
        )
    }
}

/// A date as the French write it (`JJ/MM/AAAA`, also `AAAA-MM-JJ` and « 3 février 2025 »);
/// the error says what was expected, in French.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    // A datetime keeps its date part.
    let date_part = t.split(['T', ' ']).next().unwrap_or(t);
    if let Some(d) = fixed_width_date(date_part) {
        return Ok(d);
    }
    for format in ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"] {
        // chrono reads `24` as the year 24: a two-digit year must not pass as a date.
        if let Ok(d) = NaiveDate::parse_from_str(date_part, format)
            && d.year() >= 1000
        {
            return Ok(d);
        }
    }
    if let Some(d) = french_words_date(t) {
        return Ok(d);
    }
    let pieces: Vec<&str> = date_part.split(['/', '-', '.']).collect();
    let numbers = pieces.len() == 3 && pieces.iter().all(|m| m.parse::<u32>().is_ok());
    if numbers && pieces.iter().any(|p| p.len() == 4) {
        return Err("date qui n'existe pas : jour ou mois hors du calendrier".into());
    }
    if numbers && pieces[2].len() == 2 {
        return Err("année sur deux chiffres : le siècle est ambigu, écrivez l'année en entier (JJ/MM/AAAA)".into());
    }
    Err("date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ".into())
}

/// `JJ/MM/AAAA` and `AAAA-MM-JJ` written in full, the forms of nearly every cell, read
/// without the formats' parser: the date it would give, or none to let it decide.
fn fixed_width_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 {
        return None;
    }
    let (y, m, d) = match (b[2], b[4], b[5], b[7]) {
        (b'/', _, b'/', _) => (digits(6..10)?, digits(3..5)?, digits(0..2)?),
        (_, b'-', _, b'-') => (digits(0..4)?, digits(5..7)?, digits(8..10)?),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d).filter(|d| d.year() >= 1000)
}

/// `3 février 2025`, `1er mars 2025`, `lundi 3 février 2025`: dates typed in words in
/// hand-kept spreadsheets.
fn french_words_date(text: &str) -> Option<NaiveDate> {
    const MONTHS: [&str; 12] = [
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
    ];
    let words: Vec<String> = crate::model::fold(text)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let [.., day, month, year] = words.as_slice() else {
        return None;
    };
    let day: u32 = day.trim_end_matches("er").parse().ok()?;
    let month = MONTHS.iter().position(|m| m == month)? as u32 + 1;
    let year: i32 = year.parse().ok().filter(|y: &i32| *y >= 1000)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, j).unwrap()
    }

    #[test]
    fn impossible_dates_are_told_apart_from_short_years() {
        assert!(
            parse_date("2025-13-01")
                .unwrap_err()
                .contains("n'existe pas")
        );
        assert!(
            parse_date("31/02/2025")
                .unwrap_err()
                .contains("n'existe pas")
        );
        assert!(
            parse_date("03/02/25")
                .unwrap_err()
                .contains("deux chiffres")
        );
    }

    #[test]
    fn leap_year_and_previous() {
        let p = Period::year(2024).unwrap();
        assert_eq!(p.days(), 366);
        assert_eq!(p.previous().days(), 365);
        let q = Period {
            start: d(2024, 2, 29),
            end: d(2024, 3, 31),
        };
        assert_eq!(
            q.previous(),
            Period {
                start: d(2023, 2, 28),
                end: d(2023, 3, 31)
            }
        );
    }

    /// N-1 of a period ending on the last day of a month ends on the last day of that
    /// month a year earlier: 29 February is not lost, and not invented.
    #[test]
    fn previous_keeps_the_end_of_month() {
        // 2024-03-01 … 2025-02-28: the end is the last day of February 2025, so N-1 ends
        // on the last day of February 2024, the 29th (366 days, like a leap year should).
        let p = Period {
            start: d(2024, 3, 1),
            end: d(2025, 2, 28),
        };
        assert_eq!(
            p.previous(),
            Period {
                start: d(2023, 3, 1),
                end: d(2024, 2, 29)
            }
        );
        assert_eq!(p.previous().days(), 366);
        // The other way: 2024-03-01 … 2025-02-28 is N-1 of 2025-03-01 … 2026-02-28, and a
        // period ending 2024-02-29 goes back to 2023-02-28 (the last day of that February).
        let q = Period {
            start: d(2023, 3, 1),
            end: d(2024, 2, 29),
        };
        assert_eq!(
            q.previous(),
            Period {
                start: d(2022, 3, 1),
                end: d(2023, 2, 28)
            }
        );
        // A month, a quarter: last days of months stay last days.
        let april = Period {
            start: d(2025, 4, 1),
            end: d(2025, 4, 30),
        };
        assert_eq!(
            april.previous(),
            Period {
                start: d(2024, 4, 1),
                end: d(2024, 4, 30)
            }
        );
        // An end inside a month goes back twelve months, day for day.
        let mid = Period {
            start: d(2025, 1, 15),
            end: d(2025, 2, 14),
        };
        assert_eq!(
            mid.previous(),
            Period {
                start: d(2024, 1, 15),
                end: d(2024, 2, 14)
            }
        );
    }

    #[test]
    fn months_cut_to_period() {
        let p = Period {
            start: d(2025, 1, 15),
            end: d(2025, 3, 10),
        };
        let months = p.months();
        assert_eq!(months.len(), 3);
        assert_eq!(
            months[0],
            Period {
                start: d(2025, 1, 15),
                end: d(2025, 1, 31)
            }
        );
        assert_eq!(
            months[1],
            Period {
                start: d(2025, 2, 1),
                end: d(2025, 2, 28)
            }
        );
        assert_eq!(
            months[2],
            Period {
                start: d(2025, 3, 1),
                end: d(2025, 3, 10)
            }
        );
        assert_eq!(Period::year(2025).unwrap().months().len(), 12);
    }
}
