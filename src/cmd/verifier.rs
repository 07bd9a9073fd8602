//! `bilan verifier`: the data-quality checks of group Q, as a summary and a list of
//! findings the coordinator can act on, or as CSV for a spreadsheet.

use anyhow::Result;

use crate::cli::{CheckArgs, CheckFormat};
use crate::config::Config;
use crate::output::{self, write_atomic};
use crate::pipeline;

/// Runs the checks; `Ok(false)` when a finding makes a row unusable.
pub fn run(args: &CheckArgs) -> Result<bool> {
    let config = Config::read(&args.site.config)?;
    let period = args.site.period()?;
    let datasets = pipeline::check(&config, period, chrono::Local::now().date_naive())?;
    let checked: Vec<_> = config.programmes.iter().zip(&datasets).collect();
    let bytes = match args.format {
        CheckFormat::Texte => output::findings::text(&checked, period).into_bytes(),
        CheckFormat::Csv => output::findings::csv(&checked)?,
    };
    match &args.output {
        Some(path) => write_atomic(path, &bytes, &config.inputs())?,
        None => super::print(&bytes)?,
    }
    Ok(!datasets
        .iter()
        .any(|data| data.findings.iter().any(|f| f.blocking)))
}
