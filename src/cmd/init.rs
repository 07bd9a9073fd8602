//! `bilan init`: drafts the configuration (`bilan.toml`) and the import profile
//! (`profil.toml`) of a new site from the folder of its exports, lists on the terminal
//! what is left to the coordinator, then checks the draft as `bilan verifier` does —
//! with provisional values where the placeholders are, since those are refused.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use chrono::Datelike;

use super::say;
use crate::config::Config;
use crate::draft::write::{self, Mode, PROFILE_FILE};
use crate::draft::{self, Draft};
use crate::output::write_atomic;
use crate::period::Period;
use crate::{pipeline, quality};

/// What `bilan init` is asked to do.
pub struct Settings<'a> {
    /// The folder of the exports.
    pub folder: &'a Path,
    /// Where the drafts go: the folder of the exports when none is given.
    pub output: Option<&'a Path>,
    /// Whether drafts already there may be replaced.
    pub replace: bool,
}

fn absolute(path: &Path, what: &str) -> Result<PathBuf> {
    path.canonicalize().map_err(|e| {
        anyhow!(
            "Impossible d'ouvrir le dossier {what} « {} » : {}.",
            path.display(),
            crate::format::io_error(&e)
        )
    })
}

/// Writes the drafts; `Ok(true)` once written, whatever the check found.
pub fn run(settings: &Settings) -> Result<bool> {
    if !settings.folder.is_dir() {
        return Err(anyhow!(
            "« {} » n'est pas un dossier : indiquez le dossier qui contient les exports du site.",
            settings.folder.display()
        ));
    }
    let data = absolute(settings.folder, "des exports")?;
    let output = settings.output.unwrap_or(settings.folder);
    std::fs::create_dir_all(output).map_err(|e| {
        anyhow!(
            "Impossible de créer le dossier « {} » : {}.",
            output.display(),
            crate::format::io_error(&e)
        )
    })?;
    let at = absolute(output, "de sortie")?;
    let targets = [at.join("bilan.toml"), at.join(PROFILE_FILE)];
    if !settings.replace
        && let Some(existing) = targets.iter().find(|p| p.exists())
    {
        return Err(anyhow!(
            "Le fichier « {} » existe déjà : « bilan init » ne remplace pas un fichier sans --remplacer (ou choisissez un autre dossier avec --sortie).",
            existing.display()
        ));
    }
    let draft = draft::draft(&data)?;
    if draft.sheets.is_empty() {
        return Err(anyhow!(
            "Le dossier « {} » ne contient aucun fichier CSV, XLSX, XLS ou ODS lisible.",
            data.display()
        ));
    }
    let mode = Mode::Draft { data: &data };
    write_atomic(
        &targets[0],
        write::config(&draft, &mode, &at).as_bytes(),
        &[],
    )?;
    write_atomic(&targets[1], write::profile(&draft, &mode).as_bytes(), &[])?;
    say(&format!(
        "Brouillons écrits : « {} » et « {} ».",
        targets[0].display(),
        targets[1].display()
    ));
    let decisions = write::decisions(&draft);
    say(&format!(
        "À décider ({}), repris en tête des deux fichiers :",
        decisions.len()
    ));
    for (i, decision) in decisions.iter().enumerate() {
        say(&format!("  {}. {decision}", i + 1));
    }
    check(&draft, &data)?;
    Ok(true)
}

/// The checks of `bilan verifier` on the draft, its placeholders given provisional
/// values in a folder of its own, over the last year the exports reach.
fn check(draft: &Draft, data: &Path) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    let staging = tempfile::tempdir().map_err(|e| {
        anyhow!(
            "Impossible de créer un dossier temporaire : {}.",
            crate::format::io_error(&e)
        )
    })?;
    let mode = Mode::Provisional { data };
    let config_path = staging.path().join("bilan.toml");
    write_atomic(
        &config_path,
        write::config(draft, &mode, staging.path()).as_bytes(),
        &[],
    )?;
    write_atomic(
        &staging.path().join(PROFILE_FILE),
        write::profile(draft, &mode).as_bytes(),
        &[],
    )?;
    let failed = |e: anyhow::Error| anyhow!("Vérification du brouillon impossible : {e}");
    let config = Config::read(&config_path).map_err(failed)?;
    let year = draft
        .programmes
        .iter()
        .filter_map(|p| p.last_date(&draft.sheets))
        .filter(|d| *d <= today)
        .max()
        .map_or(today.year(), |d| d.year());
    let period = Period::year(year).ok_or_else(|| anyhow!("Année « {year} » invalide."))?;
    let datasets = pipeline::check(&config, period, today).map_err(failed)?;
    say(&format!(
        "Vérification du brouillon {period} (type, places et ouverture provisoires) :"
    ));
    for (programme, data) in config.programmes.iter().zip(&datasets) {
        say(&format!("{} :", programme.id));
        for line in quality::summary(data) {
            say(&line);
        }
    }
    say(
        "Une fois les « À RENSEIGNER » remplacés : bilan verifier --config bilan.toml --annee AAAA.",
    );
    Ok(())
}
