//! `bilan schemas`: the Table Schemas (frictionless, schema.data.gouv.fr) of the tables
//! of donnees.md and of the results' CSV files, written into a folder, so that a site's
//! software team or an evaluator checks an export or a result with standard tools.

use anyhow::Result;

use crate::cli::NewFilesArgs;
use crate::layout::schema;
use crate::output;

pub fn run(args: &NewFilesArgs) -> Result<()> {
    let files = schema::schema_files()?;
    output::write_new(&args.folder, &files, args.replace)?;
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    super::say(&format!(
        "{} écrits dans « {} » : {}.",
        crate::format::count(files.len() as u64, "schéma", "schémas"),
        args.folder.display(),
        names.join(", ")
    ));
    Ok(())
}
