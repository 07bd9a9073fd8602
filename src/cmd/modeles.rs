//! `bilan modeles`: the spreadsheet templates of the tables of donnees.md, one workbook per
//! table (the journal, staff and budget kept by hand, and the others for a site without
//! software), written into a folder for the coordinator to fill in.

use anyhow::Result;

use crate::cli::NewFilesArgs;
use crate::layout::template;
use crate::output;

pub fn run(args: &NewFilesArgs) -> Result<()> {
    let files = template::template_files(chrono::Local::now().date_naive())?;
    output::write_new(&args.folder, &files, args.replace)?;
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    super::say(&format!(
        "{} écrits dans « {} » : {}. Chacun a une feuille « Instructions » ; \
         journal.xlsx, effectifs.xlsx et budget.xlsx sont les tables tenues à la main.",
        crate::format::count(files.len() as u64, "modèle", "modèles"),
        args.folder.display(),
        names.join(", ")
    ));
    Ok(())
}
