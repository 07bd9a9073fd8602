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
pub const FILE_NAMES: [&str; 8] = [
    "indicateurs.csv",
    "manifeste.json",
    "datapackage.json",
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

/// The file a symbolic link points to, existing or not yet.
fn link_target(link: &Path) -> PathBuf {
    match fs::read_link(link) {
        Ok(target) if target.is_relative() => link.parent().unwrap_or(Path::new(".")).join(target),
        Ok(target) => target,
        Err(_) => link.to_path_buf(),
    }
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
    // Not for speed's sake but for the promise of a whole set or none: a full disk, a
    // quota or a network share may only report a failed write when the file is synced,
    // and it is synced before anything is renamed, so that such a failure leaves the
    // previous files in place; a power cut after the renames finds the new files whole,
    // not empty under their names.
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
        Ok(meta) if meta.file_type().is_symlink() => link_target(path),
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

/// Writes new files into `dir` (created when needed), each atomically; an existing file
/// is replaced only when `replace` is set, and every target is checked before the first
/// is written, so that a refusal leaves the folder as it was.
pub fn write_new(dir: &Path, files: &[(String, Vec<u8>)], replace: bool) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| {
        anyhow!(
            "Impossible de créer le dossier « {} » : {}.",
            dir.display(),
            io_error(&e)
        )
    })?;
    for (name, _) in files {
        let path = dir.join(name);
        if !replace && fs::symlink_metadata(&path).is_ok() {
            return Err(anyhow!(
                "« {} » existe déjà : il n'est pas remplacé sans l'option --remplacer (ou choisissez un autre dossier).",
                path.display()
            ));
        }
        check_target(&path, &[])?;
    }
    for (name, bytes) in files {
        write_atomic(&dir.join(name), bytes, &[])?;
    }
    Ok(())
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
    fs::create_dir_all(dir).map_err(|e| {
        anyhow!(
            "Impossible de créer le dossier de sortie « {} » : {}.",
            dir.display(),
            io_error(&e)
        )
    })?;
    let dir = resolved(dir);
    // Every target is checked before anything moves: a run fails whole or not at all.
    for name in files.iter().map(|(name, _)| name).chain(FILE_NAMES.iter()) {
        check_target(&dir.join(name), inputs)?;
    }
    let staging = staging_name(&dir.join("sortie"), "nouveau");
    let staged = stage(&staging, files).and_then(|()| put_in_place(&staging, &dir, files));
    let _ = fs::remove_dir_all(&staging);
    staged.with_context(|| {
        format!(
            "Les résultats n'ont pas été écrits : « {} » est inchangé.",
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
    // Each file is written and synced on a thread of its own: the run waits for the
    // largest file, not for the sum of them, and the disk takes them together.
    let written: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
        let threads: Vec<_> = files
            .iter()
            .map(|(name, bytes)| scope.spawn(move || create(&staging.join(name), bytes, None)))
            .collect();
        threads
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    for ((name, _), written) in files.iter().zip(written) {
        written.map_err(|e| anyhow!("impossible d'écrire « {name} » : {}", io_error(&e)))?;
    }
    Ok(())
}

/// Moves the previous run's files aside, the staged ones in, then removes the old ones;
/// if a move fails, every file goes back where it was.
fn put_in_place(staging: &Path, dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    let old = staging.with_extension("ancien");
    fs::create_dir(&old)
        .map_err(|e| anyhow!("impossible de préparer le remplacement : {}", io_error(&e)))?;
    let mut moved_aside = Vec::new();
    let mut moved_in = Vec::new();
    let result = (|| -> std::io::Result<()> {
        for name in FILE_NAMES.iter().filter(|n| dir.join(n).exists()) {
            fs::rename(dir.join(name), old.join(name))?;
            moved_aside.push(*name);
        }
        for (name, _) in files {
            fs::rename(staging.join(name), dir.join(name))?;
            moved_in.push(*name);
        }
        Ok(())
    })();
    if let Err(e) = result {
        for name in moved_in {
            let _ = fs::remove_file(dir.join(name));
        }
        for name in moved_aside {
            let _ = fs::rename(old.join(name), dir.join(name));
        }
        let _ = fs::remove_dir_all(&old);
        return Err(anyhow!(
            "impossible de mettre les fichiers en place : {}",
            io_error(&e)
        ));
    }
    let _ = fs::remove_dir_all(&old);
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
