//! `bilan rapport`: reads a site's exports, computes every indicator for the period and
//! the period before, and writes `indicateurs.csv`, `tableaux.xlsx`, `rapport.typ` (and
//! `rapport.pdf`, `detail.csv`).

use anyhow::Result;

use crate::cli::ReportArgs;
use crate::config::Config;
use crate::pipeline;

pub fn run(args: &ReportArgs) -> Result<()> {
    let config = Config::read(&args.site.config)?;
    super::dangling_output(&args.out.output)?;
    let summary = pipeline::report(
        &config,
        args.site.period()?,
        args.out.audience.into(),
        &args.out.output,
        args.out.pdf,
        chrono::Local::now().date_naive(),
    )?;
    for line in summary {
        super::say(&line);
    }
    Ok(())
}
