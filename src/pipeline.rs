//! The one path every command takes, as typed stages: a site's exports read and checked
//! ([`check`]), the catalogue evaluated for a period ([`evaluate`]), the outputs rendered
//! in memory ([`render`]). Reading files and the clock happens here or above, never
//! inside the stages.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use crate::config::Config;
use crate::indicators::{self, Catalogue};
use crate::ingest::{self, Dataset};
use crate::output::{self, ProgrammeRun, Run};
use crate::period::Period;
use crate::privacy::Audience;
use crate::quality;
use crate::report::{self, Extras};

/// Each programme's canonical tables, in the order of the configuration, with every
/// finding of group Q: those of reading the rows and those across rows and tables.
pub fn check(config: &Config, period: Period, today: NaiveDate) -> Result<Vec<Dataset>> {
    config
        .programmes
        .iter()
        .map(|programme| {
            let mut data = ingest::load(config, programme)?;
            let findings = quality::check(&data, period, today)?;
            data.findings.extend(findings);
            Ok(data)
        })
        .collect()
}

/// The catalogue evaluated for every programme over the period and the period before.
pub fn evaluate<'a>(
    catalogue: &'a Catalogue,
    config: &'a Config,
    datasets: &'a [Dataset],
    period: Period,
    audience: Audience,
) -> Result<Run<'a>> {
    let evaluated = config
        .programmes
        .iter()
        .zip(datasets)
        .map(|(programme, data)| {
            let evaluations = indicators::evaluate(
                catalogue,
                data,
                programme,
                period,
                audience == Audience::Interne,
            )?;
            Ok((programme, data, evaluations))
        })
        .collect::<Result<_>>()?;
    let programmes = ProgrammeRun::masked(evaluated, period, config.privacy.threshold(audience));
    Ok(Run {
        config,
        period,
        audience,
        programmes,
    })
}

/// What a run reads besides the exports, read once before anything is rendered.
pub struct Edges {
    pub extras: Extras,
    pub today: NaiveDate,
    /// SHA-256 of each input file, by its path as the run read it.
    pub fingerprints: BTreeMap<String, String>,
}

impl Edges {
    pub fn read(
        config: &Config,
        catalogue: &Catalogue,
        datasets: &[Dataset],
        today: NaiveDate,
    ) -> Result<Edges> {
        let fingerprints = datasets
            .iter()
            .flat_map(|d| d.fingerprints.clone())
            .collect();
        Ok(Edges {
            extras: Extras::read(config, catalogue)?,
            today,
            fingerprints,
        })
    }
}

/// Every output file of a run, by name, rendered in memory: nothing is written until
/// all of them exist. The workbook, the longest to render, is rendered on a second
/// thread beside the other files; an error is the one the files give in their order.
pub fn render(
    run: &Run,
    catalogue: &Catalogue,
    edges: &Edges,
    pdf: bool,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let today = edges.today;
    std::thread::scope(|scope| {
        let workbook =
            scope.spawn(|| output::xlsx::bytes(run, catalogue, &edges.extras.benchmarks, today));
        let markup = report::render(run, catalogue, &edges.extras, today)?;
        let indicators = output::csv::bytes(run)?;
        let manifest = output::manifest::bytes(
            run,
            &catalogue.version,
            &edges.fingerprints,
            &indicators,
            today,
        )?;
        let pdf = pdf.then(|| crate::pdf::compile(&markup, today));
        let detail = (run.audience == Audience::Interne).then(|| output::csv::detail_bytes(run));
        let workbook = workbook
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        let mut files = vec![
            ("indicateurs.csv", indicators),
            ("manifeste.json", manifest),
            ("tableaux.xlsx", workbook),
        ];
        if let Some(pdf) = pdf {
            files.push(("rapport.pdf", pdf?.bytes));
        }
        files.push(("rapport.typ", markup.into_bytes()));
        if let Some(detail) = detail {
            files.push(("detail.csv", detail?));
        }
        let title = format!(
            "Résultats de « {} » {} (audience {})",
            run.config.site,
            run.period,
            run.audience.code()
        );
        let package = crate::layout::schema::datapackage(title, &files)?;
        files.push(("datapackage.json", package));
        Ok(files)
    })
}

/// The whole path for one site and period, from the configuration file to the files in
/// `output`; returns the run's summary lines for the terminal.
pub fn report(
    config: &Config,
    period: Period,
    audience: Audience,
    output: &Path,
    pdf: bool,
    today: NaiveDate,
) -> Result<Vec<String>> {
    // The folder is taken before anything is read: a second run on it is refused at once.
    let mut out = output::files::open(output)?;
    let progress = Progress::start(5);
    progress.stage("lecture des fichiers");
    let catalogue = Catalogue::load(config)?;
    let datasets = check(config, period, today)?;
    progress.stage("calcul des indicateurs");
    let run = evaluate(&catalogue, config, &datasets, period, audience)?;
    progress.stage("empreintes des fichiers lus");
    let edges = Edges::read(config, &catalogue, &datasets, today)?;
    progress.stage(if pdf {
        "tableaux, rapport et PDF"
    } else {
        "tableaux et rapport"
    });
    let files = render(&run, &catalogue, &edges, pdf)?;
    progress.stage("écriture des résultats");
    out.write_set(&files, &config.inputs())?;
    drop(progress);
    let mut summary = Vec::new();
    for p in &run.programmes {
        if p.programme.opening > period.end {
            summary.push(format!(
                "Attention : « {} » ouvre le {}, après la fin de la période : vérifiez la date d'ouverture (clé ouverture) ou la période demandée.",
                p.programme.name,
                p.programme.opening.format("%d/%m/%Y")
            ));
        }
        summary.push(format!(
            "{} : {} indicateurs calculés {period}.",
            p.programme.name,
            p.evaluations.len()
        ));
        summary.extend(quality::summary(p.data));
    }
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    summary.push(format!(
        "Résultats écrits dans « {} » : {}.",
        output.display(),
        names.join(", ")
    ));
    Ok(summary)
}

/// A progress bar on stderr for a run that lasts: shown only after two seconds and only
/// when stderr is a terminal; nothing otherwise. Cleared when dropped.
struct Progress {
    bar: indicatif::ProgressBar,
    stop: Option<std::sync::mpsc::Sender<()>>,
    shower: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(stages: u64) -> Progress {
        use std::io::IsTerminal;
        let bar = indicatif::ProgressBar::hidden();
        bar.set_length(stages);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar,
                stop: None,
                shower: None,
            };
        }
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let shown = bar.clone();
        let shower = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(std::time::Duration::from_secs(2))
            {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
        Progress {
            bar,
            stop: Some(stop),
            shower: Some(shower),
        }
    }

    /// Starts the next stage: the previous ones count as done.
    fn stage(&self, name: &'static str) {
        if self.bar.message().is_empty() {
            self.bar.set_position(0);
        } else {
            self.bar.inc(1);
        }
        self.bar.set_message(name);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // The shower thread is told first, so that it never shows a finished bar.
        drop(self.stop.take());
        if let Some(shower) = self.shower.take() {
            let _ = shower.join();
        }
        self.bar.finish_and_clear();
    }
}

/// The national consolidation of result folders of `bilan rapport` into `output`;
/// returns the summary lines for the terminal.
pub fn consolidate(
    folders: &[std::path::PathBuf],
    audience: Audience,
    output: &Path,
    pdf: bool,
    today: NaiveDate,
) -> Result<Vec<String>> {
    let mut out = output::files::open(output)?;
    let sites = folders
        .iter()
        .map(|f| crate::national::read_folder(f))
        .collect::<Result<Vec<_>>>()?;
    crate::national::check_together(&sites)?;
    let catalogue = Catalogue::builtin()?;
    if let Some(site) = sites
        .iter()
        .find(|s| s.manifest.catalogue != catalogue.version)
    {
        return Err(anyhow::anyhow!(
            "« {} » a été calculé avec un autre catalogue d'indicateurs (version {}) que celui de cet outil (version {}) : les indicateurs propres à un site ne se consolident pas, et deux versions de l'outil peuvent définir différemment un indicateur.",
            site.folder.display(),
            crate::national::short_version(&site.manifest.catalogue),
            crate::national::short_version(&catalogue.version)
        ));
    }
    let threshold = match audience {
        Audience::Interne => 0,
        Audience::Diffusion => sites.iter().map(|s| s.manifest.seuil).max().unwrap_or(5),
    };
    let national = crate::national::consolidate(&catalogue, &sites, audience, threshold)?;
    let tables = crate::national::tables::indicators_csv(&national)?;
    let manifest = crate::national::tables::manifest_json(&national, &sites, &tables)?;
    let markup = crate::national::report::render(&national, &sites, &catalogue, today)?;
    let mut files = vec![
        ("indicateurs.csv", tables),
        ("manifeste.json", manifest),
        ("reperes.csv", output::reperes::csv(&national.benchmarks)?),
        (
            "tableaux.xlsx",
            crate::national::tables::workbook(&national, &sites, &catalogue, today)?,
        ),
    ];
    if pdf {
        files.push(("rapport.pdf", crate::pdf::compile(&markup, today)?.bytes));
    }
    files.push(("rapport.typ", markup.into_bytes()));
    let title = format!(
        "Consolidation nationale {} (audience {})",
        national.period,
        audience.code()
    );
    let package = crate::layout::schema::datapackage(title, &files)?;
    files.push(("datapackage.json", package));
    let inputs: Vec<std::path::PathBuf> = folders
        .iter()
        .flat_map(|f| [f.join("indicateurs.csv"), f.join("manifeste.json")])
        .collect();
    out.write_set(&files, &inputs)?;
    let ensembles: Vec<&str> = national
        .programmes
        .iter()
        .filter(|p| !p.members.is_empty())
        .map(|p| p.id.as_str())
        .collect();
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    Ok(vec![
        format!(
            "{} {} : {}.",
            crate::format::count(
                sites.len() as u64,
                "dossier consolidé",
                "dossiers consolidés"
            ),
            national.period,
            ensembles.join(", ")
        ),
        format!(
            "Résultats écrits dans « {} » : {}.",
            output.display(),
            names.join(", ")
        ),
    ])
}
