//! `bilan consolider`: the `interne` results of several sites put together into national
//! tables (ensembles by kind of programme), benchmarks (`reperes.csv`) and the national
//! document.

use anyhow::Result;

use crate::cli::ConsolidateArgs;
use crate::pipeline;

pub fn run(args: &ConsolidateArgs) -> Result<()> {
    super::dangling_output(&args.out.output)?;
    let summary = pipeline::consolidate(
        &args.folders,
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
