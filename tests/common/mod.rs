//! What the integration tests share (each test binary that needs it says `mod common;`):
//! running the report (`run_report`, `run_report_pdf`, `report`: a test of figures runs the
//! report through these, not by starting the binary itself),
//! reading `indicateurs.csv`, `detail.csv` and workbooks, and the one way to check figures
//! against hand computations, [`Checks`]: built on a [`Report`], scoped to a programme,
//! collecting every mismatch, and failing the test if it is dropped without `finish()`.
//! Also the set-ups several tests repeat: the binary run as a user runs it ([`bilan`],
//! [`stdout`], [`stderr`]), a fixed [`today`], a copy of `sample-data/reference`, and a
//! small [`Site`] of one programme written in a temporary folder.

// Every test binary compiles its own copy of this module and uses a part of it.
#![allow(dead_code)]

use std::path::Path;

/// One row of `indicateurs.csv`, every cell as written.
pub struct Row {
    pub dispositif: String,
    pub debut: String,
    pub fin: String,
    pub indicateur: String,
    pub modalite: String,
    pub valeur: String,
    pub numerateur: String,
    pub denominateur: String,
    pub base: String,
}

pub struct Indicators {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// Reads the file by its header's names, so that a column moved is still found.
pub fn read_indicators(path: &Path) -> Indicators {
    let raw = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("lecture de {}: {e}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(raw.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("en-tête")
        .iter()
        .map(str::to_string)
        .collect();
    let index = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("colonne {name} absente de l'en-tête {header:?}"))
    };
    let columns = [
        "dispositif",
        "periode_debut",
        "periode_fin",
        "indicateur",
        "modalite",
        "valeur",
        "numerateur",
        "denominateur",
        "base",
    ]
    .map(index);
    let rows = reader
        .records()
        .map(|record| {
            let record = record.expect("ligne CSV illisible");
            let [
                dispositif,
                debut,
                fin,
                indicateur,
                modalite,
                valeur,
                numerateur,
                denominateur,
                base,
            ] = columns.map(|i| record[i].to_string());
            Row {
                dispositif,
                debut,
                fin,
                indicateur,
                modalite,
                valeur,
                numerateur,
                denominateur,
                base,
            }
        })
        .collect();
    Indicators { header, rows }
}

/// Printed text with its French typography undone (no-break spaces, curly apostrophes),
/// to compare with sentences written plainly in a test.
pub fn plain(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ").replace('’', "'")
}

/// Runs `bilan rapport` for a year and an audience into `dir`, in-process through the
/// library, and fails the test with the tool's own message if it does not succeed.
pub fn run_report(config: &str, year: &str, audience: &str, dir: &Path) {
    run(Path::new(config), year, audience, dir, false);
}

/// The same, with the PDF.
pub fn run_report_pdf(config: &str, year: &str, audience: &str, dir: &Path) {
    run(Path::new(config), year, audience, dir, true);
}

fn run(config: &Path, year: &str, audience: &str, dir: &Path, pdf: bool) {
    use bilan::privacy::Audience;
    let site = bilan::config::Config::read(config)
        .unwrap_or_else(|e| panic!("configuration {} : {e:#}", config.display()));
    let year: i32 = year.parse().expect("une année");
    let period = bilan::period::Period::year(year).expect("une année valide");
    let audience = match audience {
        "interne" => Audience::Interne,
        "diffusion" => Audience::Diffusion,
        other => panic!("audience inconnue {other}"),
    };
    let today = chrono::Local::now().date_naive();
    bilan::pipeline::report(&site, period, audience, dir, pdf, today).unwrap_or_else(|e| {
        panic!(
            "bilan rapport --config {} --audience {} a échoué : {e:#}",
            config.display(),
            audience.code()
        )
    });
}

/// Every text of a workbook with where it stands: sheet names and every cell.
pub fn xlsx_texts(path: &Path) -> Vec<(String, String)> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path)
        .unwrap_or_else(|e| panic!("ouverture de {}: {e}", path.display()));
    let mut texts = Vec::new();
    for sheet in workbook.sheet_names() {
        texts.push((format!("nom de feuille {sheet}"), sheet.clone()));
        let range = workbook
            .worksheet_range(&sheet)
            .unwrap_or_else(|e| panic!("feuille {sheet} de {}: {e}", path.display()));
        for (l, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                texts.push((
                    format!("feuille {sheet} ligne {l} colonne {c}"),
                    cell.to_string(),
                ));
            }
        }
    }
    texts
}

/// The identifiers `detail.csv` gives behind one figure, and how many appear twice.
pub fn detail_ids(
    raw: &str,
    dispositif: &str,
    indicateur: &str,
    modalite: &str,
    periode: &str,
) -> (std::collections::BTreeSet<String>, usize) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(raw.trim_start_matches('\u{feff}').as_bytes());
    let mut ids = std::collections::BTreeSet::new();
    let mut twice = 0;
    for record in reader.records() {
        let record = record.expect("ligne de detail.csv illisible");
        if record.len() < 5 {
            continue;
        }
        if &record[0] == dispositif
            && &record[1] == indicateur
            && &record[2] == modalite
            && &record[3] == periode
            && !ids.insert(record[4].to_string())
        {
            twice += 1;
        }
    }
    (ids, twice)
}

// ---------------------------------------------------------------------------------------------
// One run of the report, indexed, and the one way to check its figures: `Checks`.
// ---------------------------------------------------------------------------------------------

/// The header `indicateurs.csv` must have, column for column.
pub const HEADER: &str = "dispositif,periode_debut,periode_fin,indicateur,modalite,valeur,numerateur,denominateur,unite,base";

/// Tolerance of a figure compared to its hand computation: `indicateurs.csv` keeps up to
/// 6 decimals.
pub const TOLERANCE: f64 = 1e-6;

/// Where a figure is: (dispositif, periode_debut, indicateur, modalite).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub dispositif: String,
    pub periode: String,
    pub indicateur: String,
    pub modalite: String,
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "{} {} {} [{}]",
            self.dispositif, self.periode, self.indicateur, self.modalite
        )
    }
}

/// The cells of one figure, as written.
#[derive(Debug, Clone)]
pub struct Cells {
    pub valeur: String,
    pub numerateur: String,
    pub denominateur: String,
    /// The persons (or rows) the figure is over, `interne` only.
    pub base: String,
}

/// A cell as a number: `None` when empty, unreadable or not finite.
pub fn number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    if t.is_empty() {
        None
    } else {
        t.parse::<f64>().ok().filter(|x| x.is_finite())
    }
}

/// The outputs of one `bilan rapport` run, `indicateurs.csv` indexed by [`Key`] for the
/// periods asked for (rows of any other period the tool may add are left aside).
pub struct Report {
    /// The output folder, kept alive so that every file can still be read.
    pub dir: tempfile::TempDir,
    /// Raw text of `indicateurs.csv`.
    pub raw: String,
    pub header: Vec<String>,
    pub rows: std::collections::HashMap<Key, Cells>,
    /// The same keys in file order.
    pub order: Vec<Key>,
    /// Keys seen more than once.
    pub duplicates: Vec<Key>,
    /// `valeur`, `numerateur`, `denominateur` cells that are neither empty nor a finite number.
    pub non_numeric: Vec<String>,
    /// Raw text of `detail.csv`, when written.
    pub detail: Option<String>,
}

/// Runs `bilan rapport --annee YEAR` through [`run_report`] and indexes the annual periods
/// of `years` (e.g. `[2025, 2024]`: the year and N-1).
pub fn report(config: &str, year: &str, audience: &str, years: &[i32]) -> Report {
    let dir = tempfile::tempdir().expect("tempdir");
    run_report(config, year, audience, dir.path());
    Report::read(dir, years)
}

impl Report {
    /// Indexes the outputs already written in `dir`.
    pub fn read(dir: tempfile::TempDir, years: &[i32]) -> Report {
        let periods: Vec<(String, String)> = years
            .iter()
            .map(|y| (format!("{y}-01-01"), format!("{y}-12-31")))
            .collect();
        Report::read_periods(dir, &periods)
    }

    /// Indexes the outputs already written in `dir`, for these periods (first day, last
    /// day, as `indicateurs.csv` writes them): a quarter and the same quarter a year before.
    pub fn read_periods(dir: tempfile::TempDir, periods: &[(String, String)]) -> Report {
        let path = dir.path().join("indicateurs.csv");
        let raw = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("lecture de {}: {e}", path.display()));
        let indicators = read_indicators(&path);
        let mut rows = std::collections::HashMap::new();
        let mut order = Vec::new();
        let mut duplicates = Vec::new();
        let mut non_numeric = Vec::new();
        for r in indicators.rows {
            if !periods.iter().any(|(d, f)| *d == r.debut && *f == r.fin) {
                continue;
            }
            let key = Key {
                dispositif: r.dispositif,
                periode: r.debut,
                indicateur: r.indicateur,
                modalite: r.modalite,
            };
            for (name, cell) in [
                ("valeur", &r.valeur),
                ("numerateur", &r.numerateur),
                ("denominateur", &r.denominateur),
            ] {
                if !cell.trim().is_empty() && number(cell).is_none() {
                    non_numeric.push(format!("{key} {name} = {:?}", cell.trim()));
                }
            }
            let cells = Cells {
                valeur: r.valeur,
                numerateur: r.numerateur,
                denominateur: r.denominateur,
                base: r.base,
            };
            if rows.insert(key.clone(), cells).is_some() {
                duplicates.push(key);
            } else {
                order.push(key);
            }
        }
        let detail = std::fs::read_to_string(dir.path().join("detail.csv")).ok();
        Report {
            dir,
            raw,
            header: indicators.header,
            rows,
            order,
            duplicates,
            non_numeric,
            detail,
        }
    }

    /// The distinct `dispositif` codes of the indexed rows.
    pub fn dispositifs(&self) -> std::collections::BTreeSet<&str> {
        self.rows.keys().map(|k| k.dispositif.as_str()).collect()
    }

    pub fn get(
        &self,
        dispositif: &str,
        periode: &str,
        indicateur: &str,
        modalite: &str,
    ) -> Option<&Cells> {
        self.rows.get(&Key {
            dispositif: dispositif.to_string(),
            periode: periode.to_string(),
            indicateur: indicateur.to_string(),
            modalite: modalite.to_string(),
        })
    }

    /// The modalités of one indicator of one programme for one period, in file order.
    pub fn modalites(&self, dispositif: &str, periode: &str, indicateur: &str) -> Vec<String> {
        self.order
            .iter()
            .filter(|k| {
                k.dispositif == dispositif && k.periode == periode && k.indicateur == indicateur
            })
            .map(|k| k.modalite.clone())
            .collect()
    }
}

/// Compares a report's figures to hand computations, collects EVERY mismatch and reports
/// them all at once in [`Checks::finish`].
///
/// It cannot be forgotten: a `Checks` that is dropped without `finish()` panics (unless the
/// test is already panicking), so a test cannot pass with unreported mismatches.
///
/// The figures of one programme: `Checks::of(&report, "complet")`. A report with several
/// programmes: `Checks::new(&report)` and `checks.within("village").value(…)` for each check
/// (the scope lasts for that one statement).
#[must_use = "a Checks must end with .finish(), or it panics when dropped"]
pub struct Checks<'a> {
    report: &'a Report,
    dispositif: Option<String>,
    tolerance: f64,
    errors: Vec<String>,
    finished: bool,
}

impl<'a> Checks<'a> {
    /// Checks with no programme yet: each check is made `within` one.
    pub fn new(report: &'a Report) -> Checks<'a> {
        Checks {
            report,
            dispositif: None,
            tolerance: TOLERANCE,
            errors: Vec::new(),
            finished: false,
        }
    }

    /// Checks of one programme's figures.
    pub fn of(report: &'a Report, dispositif: &str) -> Checks<'a> {
        let mut checks = Checks::new(report);
        checks.dispositif = Some(dispositif.to_string());
        checks
    }

    /// The checks of one statement made on another programme's figures:
    /// `checks.within("lda").value(P25, "places", "total", 4.0)`.
    pub fn within(&mut self, dispositif: &str) -> Scope<'_, 'a> {
        let saved = (
            self.dispositif.replace(dispositif.to_string()),
            self.tolerance,
        );
        Scope {
            checks: self,
            saved,
        }
    }

    /// The checks of one statement made with another tolerance (0.0: exact).
    pub fn tolerance(&mut self, tolerance: f64) -> Scope<'_, 'a> {
        let saved = (self.dispositif.clone(), self.tolerance);
        self.tolerance = tolerance;
        Scope {
            checks: self,
            saved,
        }
    }

    /// The report these checks read.
    pub fn report(&self) -> &'a Report {
        self.report
    }

    /// Records a mismatch found by the test's own code.
    pub fn error(&mut self, message: impl Into<String>) {
        self.errors.push(message.into());
    }

    fn scope(&self) -> &str {
        self.dispositif.as_deref().unwrap_or("?")
    }

    fn cells(&mut self, periode: &str, indicateur: &str, modalite: &str) -> Option<&'a Cells> {
        let Some(dispositif) = self.dispositif.clone() else {
            self.errors.push(format!(
                "{periode} {indicateur} [{modalite}]: dispositif non précisé (within)"
            ));
            return None;
        };
        self.report.get(&dispositif, periode, indicateur, modalite)
    }

    fn close(&self, cell: &str, expected: f64) -> bool {
        number(cell).is_some_and(|x| (x - expected).abs() <= self.tolerance)
    }

    /// The row exists and its `valeur` is `expected`.
    pub fn value(&mut self, periode: &str, indicateur: &str, modalite: &str, expected: f64) {
        let d = self.scope().to_string();
        match self.cells(periode, indicateur, modalite) {
            None => self.errors.push(format!(
                "{d} {periode} {indicateur} [{modalite}]: ligne absente (attendu {expected})"
            )),
            Some(c) if !self.close(&c.valeur, expected) => self.errors.push(format!(
                "{d} {periode} {indicateur} [{modalite}]: valeur {:?}, attendu {expected}",
                c.valeur
            )),
            Some(_) => {}
        }
    }

    /// The row exists with an EMPTY `valeur` (no value, "—").
    pub fn no_value(&mut self, periode: &str, indicateur: &str, modalite: &str) {
        let d = self.scope().to_string();
        match self.cells(periode, indicateur, modalite) {
            None => self.errors.push(format!(
                "{d} {periode} {indicateur} [{modalite}]: ligne absente (attendu valeur vide)"
            )),
            Some(c) if !c.valeur.trim().is_empty() => self.errors.push(format!(
                "{d} {periode} {indicateur} [{modalite}]: valeur {:?}, attendu vide (pas de valeur)",
                c.valeur
            )),
            Some(_) => {}
        }
    }

    /// The row's `numerateur` is `numerator`.
    pub fn numerator(&mut self, periode: &str, indicateur: &str, modalite: &str, numerator: f64) {
        self.term(periode, indicateur, modalite, "numerateur", numerator);
    }

    /// The row's `denominateur` is `denominator`.
    pub fn denominator(
        &mut self,
        periode: &str,
        indicateur: &str,
        modalite: &str,
        denominator: f64,
    ) {
        self.term(periode, indicateur, modalite, "denominateur", denominator);
    }

    fn term(&mut self, periode: &str, indicateur: &str, modalite: &str, name: &str, expected: f64) {
        let d = self.scope().to_string();
        match self.cells(periode, indicateur, modalite) {
            None => self.errors.push(format!(
                "{d} {periode} {indicateur} [{modalite}]: ligne absente ({name} attendu {expected})"
            )),
            Some(c) => {
                let cell = if name == "numerateur" {
                    &c.numerateur
                } else {
                    &c.denominateur
                };
                if !self.close(cell, expected) {
                    self.errors.push(format!(
                        "{d} {periode} {indicateur} [{modalite}]: {name} {cell:?}, attendu {expected}"
                    ));
                }
            }
        }
    }

    /// The row's `numerateur` and `denominateur`.
    pub fn terms(
        &mut self,
        periode: &str,
        indicateur: &str,
        modalite: &str,
        numerator: f64,
        denominator: f64,
    ) {
        let d = self.scope().to_string();
        match self.cells(periode, indicateur, modalite) {
            None => self.errors.push(format!(
                "{d} {periode} {indicateur} [{modalite}]: ligne absente (num/den attendus {numerator} / {denominator})"
            )),
            Some(c) => {
                if !(self.close(&c.numerateur, numerator) && self.close(&c.denominateur, denominator)) {
                    self.errors.push(format!(
                        "{d} {periode} {indicateur} [{modalite}]: numerateur {:?} / denominateur {:?}, attendu {numerator} / {denominator}",
                        c.numerateur, c.denominateur
                    ));
                }
            }
        }
    }

    /// A rate: `valeur` = numerator ÷ denominator × factor, with both terms published.
    pub fn rate(
        &mut self,
        periode: &str,
        indicateur: &str,
        modalite: &str,
        numerator: f64,
        denominator: f64,
        factor: f64,
    ) {
        self.value(
            periode,
            indicateur,
            modalite,
            numerator / denominator * factor,
        );
        self.terms(periode, indicateur, modalite, numerator, denominator);
    }

    /// These (modalité, valeur) rows, and no other modalité of the indicator for that period.
    pub fn exactly<M: AsRef<str>>(
        &mut self,
        periode: &str,
        indicateur: &str,
        expected: &[(M, f64)],
    ) {
        self.exactly_and_optional::<M, &str>(periode, indicateur, expected, &[]);
    }

    /// Like [`Checks::exactly`], and the modalités also come in this order.
    pub fn exactly_in_order<M: AsRef<str>>(
        &mut self,
        periode: &str,
        indicateur: &str,
        expected: &[(M, f64)],
    ) {
        self.exactly(periode, indicateur, expected);
        let order: Vec<&str> = expected.iter().map(|(m, _)| m.as_ref()).collect();
        self.order(periode, indicateur, &order);
    }

    /// These (modalité, valeur) rows; the `optional` ones may be missing, but when present
    /// hold their value; no other modalité.
    pub fn exactly_and_optional<M: AsRef<str>, O: AsRef<str>>(
        &mut self,
        periode: &str,
        indicateur: &str,
        expected: &[(M, f64)],
        optional: &[(O, f64)],
    ) {
        for (m, x) in expected {
            self.value(periode, indicateur, m.as_ref(), *x);
        }
        let seen = self.modalites(periode, indicateur);
        for (m, x) in optional {
            if seen.iter().any(|s| s == m.as_ref()) {
                self.value(periode, indicateur, m.as_ref(), *x);
            }
        }
        let allowed: Vec<&str> = expected
            .iter()
            .map(|(m, _)| m.as_ref())
            .chain(optional.iter().map(|(m, _)| m.as_ref()))
            .collect();
        self.no_other(periode, indicateur, &seen, &allowed);
    }

    /// These modalités (values checked elsewhere), all present, and no other.
    pub fn only<M: AsRef<str>>(&mut self, periode: &str, indicateur: &str, modalites: &[M]) {
        let seen = self.modalites(periode, indicateur);
        let wanted: Vec<&str> = modalites.iter().map(AsRef::as_ref).collect();
        let mut missing: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|m| !seen.iter().any(|s| s == m))
            .collect();
        missing.sort();
        missing.dedup();
        if !missing.is_empty() {
            let d = self.scope().to_string();
            self.errors.push(format!(
                "{d} {periode} {indicateur}: modalités absentes {missing:?}"
            ));
        }
        self.no_other(periode, indicateur, &seen, &wanted);
    }

    fn no_other(&mut self, periode: &str, indicateur: &str, seen: &[String], allowed: &[&str]) {
        let mut extra: Vec<&str> = seen
            .iter()
            .map(String::as_str)
            .filter(|m| !allowed.contains(m))
            .collect();
        extra.sort();
        extra.dedup();
        if !extra.is_empty() {
            let d = self.scope().to_string();
            self.errors.push(format!(
                "{d} {periode} {indicateur}: modalités inattendues {extra:?}"
            ));
        }
    }

    /// The modalités of the indicator for that period are exactly these, in this order.
    pub fn order<M: AsRef<str>>(&mut self, periode: &str, indicateur: &str, expected: &[M]) {
        let seen = self.modalites(periode, indicateur);
        let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
        if seen != expected {
            let d = self.scope().to_string();
            self.errors.push(format!(
                "{d} {periode} {indicateur}, ordre:\n      vu      {seen:?}\n      attendu {expected:?}"
            ));
        }
    }

    /// Those modalités of the indicator that are among `expected` come exactly in this order
    /// (others, e.g. statistics or an `entree:` block, may stand between them).
    pub fn order_among<M: AsRef<str>>(&mut self, periode: &str, indicateur: &str, expected: &[M]) {
        let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
        let seen: Vec<String> = self
            .modalites(periode, indicateur)
            .into_iter()
            .filter(|m| expected.contains(&m.as_str()))
            .collect();
        if seen != expected {
            let d = self.scope().to_string();
            self.errors.push(format!(
                "{d} {periode} {indicateur}, ordre:\n      vu      {seen:?}\n      attendu {expected:?}"
            ));
        }
    }

    /// No row of this modalité.
    pub fn absent(&mut self, periode: &str, indicateur: &str, modalite: &str) {
        if let Some(c) = self.cells(periode, indicateur, modalite) {
            let d = self.scope().to_string();
            self.errors.push(format!(
                "{d} {periode} {indicateur} [{modalite}]: ligne présente ({:?}) mais attendue absente",
                c.valeur
            ));
        }
    }

    /// No row at all of this indicator, whatever the period and modalité.
    pub fn no_rows(&mut self, indicateur: &str) {
        let d = self.scope().to_string();
        let mut seen: Vec<String> = self
            .report
            .order
            .iter()
            .filter(|k| k.dispositif == d && k.indicateur == indicateur)
            .map(|k| format!("{} [{}]", k.periode, k.modalite))
            .collect();
        seen.sort();
        if !seen.is_empty() {
            self.errors.push(format!(
                "{d} {indicateur}: indicateur attendu absent, lignes présentes {seen:?}"
            ));
        }
    }

    /// No row of this indicator for that period.
    pub fn no_rows_in(&mut self, periode: &str, indicateur: &str) {
        let seen = self.modalites(periode, indicateur);
        if !seen.is_empty() {
            let d = self.scope().to_string();
            self.errors.push(format!(
                "{d} {periode} {indicateur}: aucune ligne attendue, modalités présentes {seen:?}"
            ));
        }
    }

    /// The modalités of one indicator for that period, in file order.
    pub fn modalites(&self, periode: &str, indicateur: &str) -> Vec<String> {
        self.report.modalites(self.scope(), periode, indicateur)
    }

    /// Ends the checks: fails the test with every mismatch collected.
    pub fn finish(mut self) {
        self.finished = true;
        let errors = std::mem::take(&mut self.errors);
        if !errors.is_empty() {
            panic!("{} écart(s):\n  {}", errors.len(), errors.join("\n  "));
        }
    }
}

impl Drop for Checks<'_> {
    fn drop(&mut self) {
        if !self.finished && !std::thread::panicking() {
            panic!(
                "Checks abandonné sans .finish() : {} écart(s) jamais signalé(s){}",
                self.errors.len(),
                if self.errors.is_empty() {
                    String::new()
                } else {
                    format!(":\n  {}", self.errors.join("\n  "))
                }
            );
        }
    }
}

/// The checks of one statement under another programme or tolerance; restores them after.
pub struct Scope<'c, 'a> {
    checks: &'c mut Checks<'a>,
    saved: (Option<String>, f64),
}

impl<'a> std::ops::Deref for Scope<'_, 'a> {
    type Target = Checks<'a>;
    fn deref(&self) -> &Checks<'a> {
        self.checks
    }
}

impl<'a> std::ops::DerefMut for Scope<'_, 'a> {
    fn deref_mut(&mut self) -> &mut Checks<'a> {
        self.checks
    }
}

impl Drop for Scope<'_, '_> {
    fn drop(&mut self) {
        let (dispositif, tolerance) = self.saved.clone();
        self.checks.dispositif = dispositif;
        self.checks.tolerance = tolerance;
    }
}

// ---------------------------------------------------------------------------------------------
// The binary as a user runs it, and small sites written in a temporary folder.
// ---------------------------------------------------------------------------------------------

/// `bilan` with these arguments, run to its end. The arguments may be `&str` or `&OsStr`,
/// so that a test can pass a path that is not UTF-8.
pub fn bilan<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_bilan"))
        .args(args)
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("fixture written");
}

/// The day a test takes as "today": after every date of the fixtures, and fixed, so that
/// no figure or finding depends on the day the tests run.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
}

/// A copy of `sample-data/reference` in a temporary folder, for a test to alter.
pub fn reference_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/reference");
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// A site of one programme `d` (type `ucsd`, 10 places, opened 2020-01-01) whose tables
/// are CSV texts, one `<table>.csv` each, in a temporary folder with its `bilan.toml`.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn new(tables: &[(&str, &str)]) -> Site {
        Site::with(tables, "", "")
    }

    /// `head` is written before the `[[dispositif]]` section, `extra` inside it.
    pub fn with(tables: &[(&str, &str)], head: &str, extra: &str) -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut toml = format!(
            "site = \"Essai\"\n{head}\n[[dispositif]]\nid = \"d\"\nnom = \"Dispositif\"\ntype = \"ucsd\"\nplaces = 10\nouverture = 2020-01-01\n{extra}\n[dispositif.sources]\n"
        );
        for (table, text) in tables {
            write(dir.path(), &format!("{table}.csv"), text);
            toml.push_str(&format!("{table} = \"{table}.csv\"\n"));
        }
        write(dir.path(), "bilan.toml", &toml);
        Site { dir }
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    pub fn toml(&self) -> std::path::PathBuf {
        self.path("bilan.toml")
    }

    /// The same, as the `--config` argument of a command line.
    pub fn toml_arg(&self) -> String {
        self.toml().to_string_lossy().into_owned()
    }

    pub fn config(&self) -> bilan::config::Config {
        bilan::config::Config::read(&self.toml())
            .unwrap_or_else(|e| panic!("configuration : {e:#}"))
    }

    /// The programme's tables and findings, as `bilan verifier` sees them for 2025.
    pub fn data(&self) -> bilan::ingest::Dataset {
        self.try_data()
            .unwrap_or_else(|e| panic!("vérification : {e:#}"))
    }

    /// The same, for a test of what is refused.
    pub fn try_data(&self) -> anyhow::Result<bilan::ingest::Dataset> {
        let period = bilan::period::Period::year(2025).unwrap();
        Ok(bilan::pipeline::check(&self.config(), period, today())?.remove(0))
    }

    /// `bilan rapport` for a period, into `out`; the names of the files written.
    pub fn run(
        &self,
        period: bilan::period::Period,
        audience: bilan::privacy::Audience,
        out: &Path,
        pdf: bool,
    ) -> anyhow::Result<Vec<String>> {
        bilan::pipeline::report(&self.config(), period, audience, out, pdf, today())
    }

    /// The `interne` report of a calendar year, indexed for the year and N-1.
    pub fn report(&self, year: i32) -> Report {
        let out = tempfile::tempdir().expect("tempdir");
        let period = bilan::period::Period::year(year).unwrap();
        self.run(period, bilan::privacy::Audience::Interne, out.path(), false)
            .unwrap_or_else(|e| panic!("rapport : {e:#}"));
        Report::read(out, &[year, year - 1])
    }
}
