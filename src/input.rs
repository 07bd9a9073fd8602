//! Every file a run reads (configuration, profile, exports, texts, results of a site)
//! must be a regular file: a FIFO would block the run until something writes to it, a
//! device such as /dev/zero would be read until memory runs out.

use std::path::Path;

use anyhow::{Result, anyhow};

/// Refuses at once, in French, a path that is not a regular file (links followed);
/// `what` names the file for the user (« le fichier de configuration »).
pub fn regular(path: &Path, what: &str) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| {
        anyhow!(
            "Impossible de lire {what} « {} » : {}.",
            path.display(),
            crate::format::io_error(&e)
        )
    })?;
    if meta.is_dir() {
        return Err(anyhow!(
            "Impossible de lire {what} « {} » : c'est un dossier.",
            path.display()
        ));
    }
    if !meta.is_file() {
        return Err(anyhow!(
            "Impossible de lire {what} « {} » : ce n'est pas un fichier ordinaire (tube, périphérique ou prise) ; indiquez un fichier enregistré sur le disque.",
            path.display()
        ));
    }
    Ok(())
}

/// The bytes of a regular file ([`regular`]).
pub fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    regular(path, what)?;
    std::fs::read(path).map_err(|e| {
        anyhow!(
            "Impossible de lire {what} « {} » : {}.",
            path.display(),
            crate::format::io_error(&e)
        )
    })
}
