//! The period P = [d, f] of a report, both days included, and the periods derived from it.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periode {
    pub debut: NaiveDate,
    pub fin: NaiveDate,
}

impl Periode {
    pub fn annee(annee: i32) -> Option<Periode> {
        Some(Periode {
            debut: NaiveDate::from_ymd_opt(annee, 1, 1)?,
            fin: NaiveDate::from_ymd_opt(annee, 12, 31)?,
        })
    }

    pub fn jours(&self) -> i64 {
        (self.fin - self.debut).num_days() + 1
    }

    /// The same period one year earlier (29 February becomes 28 February).
    pub fn precedente(&self) -> Periode {
        let recule = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
        Periode {
            debut: recule(self.debut),
            fin: recule(self.fin),
        }
    }

    /// Each calendar month meeting the period, cut to the period.
    pub fn mois(&self) -> Vec<Periode> {
        let mut mois = Vec::new();
        let mut debut = self.debut;
        while debut <= self.fin {
            let suivant = debut
                .with_day(1)
                .and_then(|d| d.checked_add_months(Months::new(1)))
                .unwrap_or(self.fin);
            let fin = suivant.pred_opt().unwrap_or(self.fin).min(self.fin);
            mois.push(Periode { debut, fin });
            debut = suivant;
        }
        mois
    }

    /// `AAAA-MM` of the period's first day, as in the `mois:AAAA-MM` modalités.
    pub fn cle_mois(&self) -> String {
        self.debut.format("%Y-%m").to_string()
    }

    pub fn est_annee_civile(&self) -> bool {
        self.debut.month() == 1
            && self.debut.day() == 1
            && self.fin.year() == self.debut.year()
            && self.fin.month() == 12
            && self.fin.day() == 31
    }

    /// Short label: `2025`, or `01/04/2025 – 30/06/2025`.
    pub fn libelle_court(&self) -> String {
        if self.est_annee_civile() {
            self.debut.year().to_string()
        } else {
            format!(
                "{} – {}",
                self.debut.format("%d/%m/%Y"),
                self.fin.format("%d/%m/%Y")
            )
        }
    }
}

impl fmt::Display for Periode {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "du {} au {}",
            self.debut.format("%d/%m/%Y"),
            self.fin.format("%d/%m/%Y")
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
    fn annee_bissextile_et_precedente() {
        let p = Periode::annee(2024).unwrap();
        assert_eq!(p.jours(), 366);
        assert_eq!(p.precedente().jours(), 365);
        let q = Periode {
            debut: d(2024, 2, 29),
            fin: d(2024, 3, 31),
        };
        assert_eq!(
            q.precedente(),
            Periode {
                debut: d(2023, 2, 28),
                fin: d(2023, 3, 31)
            }
        );
    }

    #[test]
    fn mois_coupes_a_la_periode() {
        let p = Periode {
            debut: d(2025, 1, 15),
            fin: d(2025, 3, 10),
        };
        let mois = p.mois();
        assert_eq!(mois.len(), 3);
        assert_eq!(
            mois[0],
            Periode {
                debut: d(2025, 1, 15),
                fin: d(2025, 1, 31)
            }
        );
        assert_eq!(
            mois[1],
            Periode {
                debut: d(2025, 2, 1),
                fin: d(2025, 2, 28)
            }
        );
        assert_eq!(
            mois[2],
            Periode {
                debut: d(2025, 3, 1),
                fin: d(2025, 3, 10)
            }
        );
        assert_eq!(Periode::annee(2025).unwrap().mois().len(), 12);
    }
}
