//! `vad_par_semaine_mois` on the fixture `tests/fixtures/complet/` (period 2025): the
//! home visits of each month over the follow-up days of that month.
//!
//! January 2025 (31 days, [01-01, 02-01)): home visits dated in January: PZ03 on 01-02,
//! 01-09, 01-16, 01-23, 01-28 and PZ09 on 01-03, 01-10, 01-17, 01-24 = 9. Follow-up days:
//! PZ01 31, PZ02 31, PZ03 28 (exit 01-29), PZ04 31, PZ05 31, PZ09 31 (exit 02-01), others
//! not yet entered = 183. Rate = 9 ÷ (183 ÷ 7) = 63 ÷ 183 = 0.344262…
//! February 2025 (28 days): visits PZ09 on 02-01 (its exit day: dated in the month) and
//! PZ04 on 02-14 = 2. Days: PZ01, PZ02, PZ04, PZ05 and PZ06 (entered 02-01) 28 each =
//! 140, PZ09 0. Rate = 2 ÷ (140 ÷ 7) = 0.1.

use std::process::Command;

#[test]
fn monthly_home_visits_per_week() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bilan"))
        .args([
            "rapport",
            "--config",
            "tests/fixtures/complet/bilan.toml",
            "--annee",
            "2025",
            "--sortie",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(dir.path().join("indicateurs.csv")).unwrap();
    let row = |month: &str| -> (f64, f64, f64) {
        let prefix = format!("complet,2025-01-01,2025-12-31,vad_par_semaine_mois,mois:{month},");
        let line = csv
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{prefix}"));
        let f: Vec<f64> = line[prefix.len()..]
            .split(',')
            .take(3)
            .map(|v| v.parse().unwrap())
            .collect();
        (f[0], f[1], f[2])
    };
    let (value, visits, weeks) = row("2025-01");
    assert_eq!(visits, 9.0);
    assert!((weeks - 183.0 / 7.0).abs() < 1e-6);
    assert!((value - 63.0 / 183.0).abs() < 1e-6);
    let (value, visits, weeks) = row("2025-02");
    assert_eq!((visits, weeks), (2.0, 20.0));
    assert!((value - 0.1).abs() < 1e-9);
    assert_eq!(csv.matches(",vad_par_semaine_mois,mois:2025-").count(), 12);
}
