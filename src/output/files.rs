//! Writing a run's files: all of them or none, never over one of the run's inputs, never
//! into a device, with the permissions the user's umask gives.
//!
//! A run renders every file in memory first; [`write_set`] then writes them into a
//! staging folder beside the target and swaps it in. A folder that holds other files
//! than a run's own is not swapped whole: each file is renamed into it, and the files of
//! an earlier run that this one does not write (a `detail.csv` of the internal audience)
//! are removed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

pub use crate::format::io_error;

/// Every file a run may write.
pub const FILE_NAMES: [&str; 7] = [
    "indicateurs.csv",
    "manifeste.json",
    "reperes.csv",
    "tableaux.xlsx",
    "rapport.typ",
    "rapport.pdf",
    "detail.csv",
];

/// The path as the system resolves it, or as given when it does not exist yet.
fn resolved(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Refuses to write at `path` when it is one of `inputs`, or is not a plain file.
fn check_target(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    let target = resolved(path);
    if inputs.iter().any(|i| resolved(i) == target) {
        return Err(anyhow!(
            "« {} » est un des fichiers lus par l'outil : il ne sera pas remplacé. Choisissez un autre chemin de sortie.",
            path.display()
        ));
    }
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
    {
        let what = if meta.is_dir() {
            "un dossier"
        } else {
            "un fichier spécial (périphérique, tube…)"
        };
        return Err(anyhow!(
            "« {} » est {what} : indiquez le chemin d'un fichier ordinaire.",
            path.display()
        ));
    }
    Ok(())
}

/// A name beside `path` for a file or folder being written, unique to this process.
fn staging_name(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sortie".to_string());
    path.with_file_name(format!(".{name}.{}.{suffix}", std::process::id()))
}

/// Writes `bytes` to a new file, with the mode the umask gives (or that of `like`).
fn create(path: &Path, bytes: &[u8], like: Option<&Path>) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    if let Some(permissions) = like
        .and_then(|l| fs::metadata(l).ok())
        .map(|m| m.permissions())
    {
        fs::set_permissions(path, permissions)?;
    }
    Ok(())
}

/// Writes one file next to its target then renames it, so that a reader never sees half
/// a file; a symbolic link is written through, to the file it points to.
pub fn write_atomic(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<()> {
    check_target(path, inputs)?;
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => resolved(path),
        _ => path.to_path_buf(),
    };
    let temp = staging_name(&target, "tmp");
    let existing = target.exists().then_some(target.as_path());
    let written = create(&temp, bytes, existing).and_then(|()| fs::rename(&temp, &target));
    written.map_err(|e| {
        let _ = fs::remove_file(&temp);
        anyhow!(
            "Impossible d'écrire « {} » : {}.",
            path.display(),
            io_error(&e)
        )
    })
}

/// Writes a run's files into `dir`: all of them, replacing the previous set, or none.
pub fn write_set(dir: &Path, files: &[(&str, Vec<u8>)], inputs: &[PathBuf]) -> Result<()> {
    if let Ok(meta) = fs::metadata(dir)
        && !meta.is_dir()
    {
        return Err(anyhow!(
            "« {} » n'est pas un dossier : indiquez un dossier de sortie (créé au besoin).",
            dir.display()
        ));
    }
    let dir = resolved(dir);
    for (name, _) in files {
        let path = dir.join(name);
        if inputs.iter().any(|i| resolved(i) == resolved(&path)) {
            return Err(anyhow!(
                "« {} » est un des fichiers lus par l'outil : choisissez un autre dossier de sortie.",
                path.display()
            ));
        }
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .with_context(|| format!("Impossible de créer le dossier « {} ».", parent.display()))?;
    }
    let staging = staging_name(&dir, "nouveau");
    let staged = stage(&staging, files);
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&staging);
        return Err(e.context(format!(
            "Les résultats n'ont pas été écrits : « {} » est inchangé.",
            dir.display()
        )));
    }
    let ours_only = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .all(|e| FILE_NAMES.iter().any(|n| e.file_name() == *n)),
        Err(_) => true,
    };
    let swapped = if ours_only {
        swap(&staging, &dir)
    } else {
        move_each(&staging, &dir, files)
    };
    let _ = fs::remove_dir_all(&staging);
    swapped.with_context(|| {
        format!(
            "Les résultats n'ont pas pu être mis en place dans « {} ».",
            dir.display()
        )
    })
}

fn stage(staging: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    fs::create_dir(staging).map_err(|e| {
        anyhow!(
            "impossible de créer « {} » : {}",
            staging.display(),
            io_error(&e)
        )
    })?;
    for (name, bytes) in files {
        create(&staging.join(name), bytes, None)
            .map_err(|e| anyhow!("impossible d'écrire « {name} » : {}", io_error(&e)))?;
    }
    Ok(())
}

/// Replaces a folder that holds only a run's files by the staged one.
fn swap(staging: &Path, dir: &Path) -> Result<()> {
    let old = staging_name(dir, "ancien");
    let had_old = dir.exists();
    if had_old {
        fs::rename(dir, &old)
            .map_err(|e| anyhow!("impossible de déplacer l'ancien dossier : {}", io_error(&e)))?;
    }
    if let Err(e) = fs::rename(staging, dir) {
        if had_old {
            let _ = fs::rename(&old, dir);
        }
        return Err(anyhow!(
            "impossible de mettre en place le nouveau dossier : {}",
            io_error(&e)
        ));
    }
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Renames each staged file into a folder that holds other files too, then removes the
/// files of an earlier run that this one did not write.
fn move_each(staging: &Path, dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    for (name, _) in files {
        let target = dir.join(name);
        check_target(&target, &[])?;
        fs::rename(staging.join(name), &target)
            .map_err(|e| anyhow!("impossible d'écrire « {name} » : {}", io_error(&e)))?;
    }
    for stale in FILE_NAMES
        .iter()
        .filter(|name| !files.iter().any(|(written, _)| written == *name))
        .map(|name| dir.join(name))
        .filter(|path| path.exists())
    {
        fs::remove_file(&stale).map_err(|e| {
            anyhow!(
                "impossible de supprimer « {} », d'une exécution précédente : {}",
                stale.display(),
                io_error(&e)
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_new_set_replaces_the_old_one_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("sortie");
        let interne = [
            ("indicateurs.csv", b"a".to_vec()),
            ("detail.csv", b"ids".to_vec()),
            ("rapport.pdf", b"%PDF".to_vec()),
        ];
        write_set(&out, &interne, &[]).unwrap();
        assert_eq!(
            names(&out),
            ["detail.csv", "indicateurs.csv", "rapport.pdf"]
        );
        write_set(&out, &[("indicateurs.csv", b"b".to_vec())], &[]).unwrap();
        assert_eq!(names(&out), ["indicateurs.csv"]);
        assert_eq!(fs::read(out.join("indicateurs.csv")).unwrap(), b"b");
        // Nothing is left beside it.
        assert_eq!(names(root.path()), ["sortie"]);
    }

    #[test]
    fn a_folder_with_other_files_keeps_them() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("notes.txt"), "à garder").unwrap();
        fs::write(root.path().join("detail.csv"), "ancien").unwrap();
        write_set(root.path(), &[("indicateurs.csv", b"x".to_vec())], &[]).unwrap();
        assert_eq!(names(root.path()), ["indicateurs.csv", "notes.txt"]);
    }

    #[test]
    fn inputs_devices_and_folders_are_refused() {
        let root = tempfile::tempdir().unwrap();
        let input = root.path().join("personnes.csv");
        fs::write(&input, "id_personne\nP1\n").unwrap();
        let e = write_atomic(&input, b"x", std::slice::from_ref(&input)).unwrap_err();
        assert!(e.to_string().contains("un des fichiers lus"), "{e}");
        assert_eq!(fs::read_to_string(&input).unwrap(), "id_personne\nP1\n");
        let e = write_atomic(Path::new("/dev/null"), b"x", &[]).unwrap_err();
        assert!(e.to_string().contains("fichier spécial"), "{e}");
        let e = write_atomic(root.path(), b"x", &[]).unwrap_err();
        assert!(e.to_string().contains("un dossier"), "{e}");
        let e = write_set(&input, &[("indicateurs.csv", b"x".to_vec())], &[]).unwrap_err();
        assert!(e.to_string().contains("n'est pas un dossier"), "{e}");
        let e = write_set(
            root.path(),
            &[("personnes.csv", b"x".to_vec())],
            std::slice::from_ref(&input),
        )
        .unwrap_err();
        assert!(e.to_string().contains("un des fichiers lus"), "{e}");
    }

    #[test]
    fn a_link_is_written_through() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("vrai.csv");
        fs::write(&real, "ancien").unwrap();
        let link = root.path().join("lien.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"nouveau", &[]).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "nouveau");
    }
}
