//! The period P = [d, f] of a report, both days included, and the periods derived from it.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

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

    /// The same period one year earlier (29 February becomes 28 February).
    pub fn previous(&self) -> Period {
        let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
        Period {
            start: back(self.start),
            end: back(self.end),
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

    /// `AAAA-MM` of the period's first day, as in the `mois:AAAA-MM` modalités.
    pub fn month_key(&self) -> String {
        self.start.format("%Y-%m").to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: i32, m: u32, j: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(a, m, j).unwrap()
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
