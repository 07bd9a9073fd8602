//! `bilan rapport`: reads a site's exports, computes every indicator for the period and
//! the period before, and writes `indicateurs.csv`, `tableaux.xlsx` and `rapport.typ`.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::{Audience, ReportArgs};
use crate::config::{Config, Programme};
use crate::indicators::{self, Catalogue};
use crate::ingest::{self, Dataset};
use crate::output::{self, ProgrammeRun, Run};
use crate::period::Period;
use crate::quality;
use crate::report;

pub fn run(args: &ReportArgs) -> Result<()> {
    let config = Config::read(&args.site.config)?;
    produce(
        &config,
        args.site.period()?,
        args.audience,
        &args.output,
        args.pdf,
    )
}

/// A programme's canonical tables with every finding of group Q: those of reading the
/// rows, and those of the checks across rows and tables.
pub fn load_checked(config: &Config, programme: &Programme, period: Period) -> Result<Dataset> {
    let mut data = ingest::load(config, programme)?;
    let today = chrono::Local::now().date_naive();
    let findings = quality::check(&data, period, today)?;
    data.findings.extend(findings);
    Ok(data)
}

/// The whole path for one site and period: exports → canonical tables → results → files.
pub fn produce(
    config: &Config,
    period: Period,
    audience: Audience,
    output: &Path,
    pdf: bool,
) -> Result<()> {
    let catalogue = Catalogue::load()?;
    let mut programmes = Vec::new();
    for programme in &config.programmes {
        let data = load_checked(config, programme, period)?;
        programmes.push((programme, data));
    }
    let mut run = Run {
        config,
        period,
        audience,
        programmes: Vec::new(),
    };
    for (programme, data) in &programmes {
        let evaluations = indicators::evaluate(
            &catalogue,
            data,
            programme,
            period,
            audience == Audience::Interne,
        )?;
        run.programmes.push(ProgrammeRun {
            programme,
            data,
            evaluations,
        });
    }
    std::fs::create_dir_all(output).with_context(|| {
        format!(
            "Impossible de créer le dossier de sortie « {} ».",
            output.display()
        )
    })?;
    output::csv::write(&run, &output.join("indicateurs.csv"))?;
    output::xlsx::write(&run, &catalogue, &output.join("tableaux.xlsx"))?;
    report::write(&run, &catalogue, output, pdf)?;
    let detail = output.join("detail.csv");
    if audience == Audience::Interne {
        output::csv::write_detail(&run, &detail)?;
    } else if detail.exists() {
        // A detail left by an earlier internal run in the same folder would travel with
        // outputs meant to be shared.
        std::fs::remove_file(&detail).with_context(|| {
            format!(
                "Impossible de supprimer « {} », qui contient des identifiants.",
                detail.display()
            )
        })?;
    }

    for p in &run.programmes {
        eprintln!(
            "{} : {} indicateurs calculés {period}.",
            p.programme.name,
            p.evaluations.len()
        );
        print_quality_summary(p.data);
    }
    eprintln!(
        "Résultats écrits dans « {} » : indicateurs.csv, tableaux.xlsx, rapport.typ{}{}.",
        output.display(),
        if pdf { ", rapport.pdf" } else { "" },
        if audience == Audience::Interne {
            ", detail.csv"
        } else {
            ""
        }
    );
    Ok(())
}

/// The count of findings by kind and of rows left out, so that the coordinator knows
/// before opening the outputs whether the figures stand on complete data.
fn print_quality_summary(data: &ingest::Dataset) {
    if data.findings.is_empty() {
        eprintln!("  Qualité des données : aucun constat.");
        return;
    }
    let mut by_kind = std::collections::BTreeMap::new();
    for finding in &data.findings {
        *by_kind.entry(finding.kind).or_insert(0) += 1;
    }
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|(kind, n)| format!("{} : {n}", kind.label()))
        .collect();
    eprintln!("  Qualité des données : {}.", kinds.join(" ; "));
    for (table, n) in &data.excluded {
        eprintln!("  Table {table} : {n} ligne(s) inutilisable(s) écartée(s) de tous les calculs.");
    }
}
