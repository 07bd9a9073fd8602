//! `bilan exemple`: the report of the fictitious site shipped in the binary, so that a
//! newcomer sees a result with one command.

use std::path::Path;

use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::period::Period;
use crate::pipeline;
use crate::privacy::Audience;

static SAMPLE: Dir = include_dir!("$CARGO_MANIFEST_DIR/sample-data/reference");

/// The last complete year of the sample data.
const SAMPLE_YEAR: i32 = 2025;

pub fn run(output: &Path, pdf: bool) -> Result<()> {
    let dir = tempfile::tempdir().context("Impossible de créer un dossier temporaire.")?;
    SAMPLE
        .extract(dir.path())
        .context("Impossible d'extraire les données d'exemple.")?;
    let config = Config::read(&dir.path().join("bilan.toml"))?;
    let period = Period::year(SAMPLE_YEAR).context("année d'exemple")?;
    let summary = pipeline::report(
        &config,
        period,
        Audience::Interne,
        output,
        pdf,
        chrono::Local::now().date_naive(),
    )?;
    for line in summary {
        super::say(&line);
    }
    Ok(())
}
