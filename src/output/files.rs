//! Writing a run's files: all of them or none, never over one of the run's inputs, never
//! into a device, with the permissions the user's umask gives.
//!
//! A run takes its output folder first ([`open`]: locked for the whole run, what an
//! earlier stopped run left put right), renders every file in memory, then
//! [`Output::write_set`] stages them whole beside the previous set and renames them in.
//! The files of the previous set that this one does not write (a `detail.csv` of the
//! internal audience) are removed; a file the tool did not write is never touched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

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
    // A file of this name is a stopped run's: its process had this one's number (in a
    // container every run is process 1), and this process writes one file at a time.
    let _ = fs::remove_file(&temp);
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

/// The file a run holds locked for as long as it runs: a second run on the same folder
/// is refused rather than mixing its files with the first one's.
const LOCK: &str = ".bilan-verrou";

/// The names of the files of the set in place, written last with them: the next run
/// removes those and only those, never a file it did not write (a `reperes.csv` kept
/// beside the results).
const RECORD: &str = ".bilan-ensemble";

/// The prefix of the folders a run stages its files in, beside them in the output folder.
const STAGING: &str = ".bilan-";

/// A results folder held by one run: locked from the start of the run to the end, what
/// an earlier stopped run left there already put right.
pub struct Output {
    dir: PathBuf,
    // Held, not read: the lock lasts as long as the file is open.
    _lock: fs::File,
    /// The folder was made for this run: a run that fails leaves nothing behind.
    created: bool,
    written: bool,
}

/// Takes the folder `dir` for a run: creates it when needed, locks it (a second run is
/// refused at once, in French) and completes or removes what an earlier run stopped
/// while writing left in it.
pub fn open(dir: &Path) -> Result<Output> {
    if let Ok(meta) = fs::metadata(dir)
        && !meta.is_dir()
    {
        return Err(anyhow!(
            "« {} » n'est pas un dossier : indiquez un dossier de sortie (créé au besoin).",
            dir.display()
        ));
    }
    let created = !dir.exists();
    fs::create_dir_all(dir).map_err(|e| {
        anyhow!(
            "Impossible de créer le dossier de sortie « {} » : {}.",
            dir.display(),
            io_error(&e)
        )
    })?;
    let dir = resolved(dir);
    let lock = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(LOCK))
        .map_err(|e| {
            anyhow!(
                "Impossible d'écrire dans le dossier de sortie « {} » : {}.",
                dir.display(),
                io_error(&e)
            )
        })?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            return Err(anyhow!(
                "Une autre exécution de bilan écrit déjà dans « {} » : attendez qu'elle se termine, ou choisissez un autre dossier de sortie.",
                dir.display()
            ));
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(anyhow!(
                "Impossible de réserver le dossier de sortie « {} » : {}.",
                dir.display(),
                io_error(&e)
            ));
        }
    }
    let output = Output {
        dir,
        _lock: lock,
        created,
        written: false,
    };
    recover(&output.dir).map_err(|e| {
        anyhow!(
            "Le dossier « {} » garde les fichiers d'une exécution interrompue, qui n'ont pas pu être remis en ordre : {}.",
            output.dir.display(),
            io_error(&e)
        )
    })?;
    Ok(output)
}

impl Drop for Output {
    fn drop(&mut self) {
        if self.created && !self.written {
            let _ = fs::remove_file(self.dir.join(LOCK));
            let _ = fs::remove_dir(&self.dir);
        }
    }
}

impl Output {
    /// Writes a run's files: all of them, replacing the previous set, or none. A stop at
    /// any point leaves the previous set whole, or the new one staged whole beside it,
    /// which the next run on the folder puts in place before anything else.
    pub fn write_set(&mut self, files: &[(&str, Vec<u8>)], inputs: &[PathBuf]) -> Result<()> {
        self.write_set_with(files, inputs, &mut |_| Ok(()))
    }

    /// [`Output::write_set`], each rename after `step`.
    fn write_set_with(
        &mut self,
        files: &[(&str, Vec<u8>)],
        inputs: &[PathBuf],
        step: &mut Step,
    ) -> Result<()> {
        let dir = &self.dir;
        let names: Vec<String> = files.iter().map(|(name, _)| name.to_string()).collect();
        let previous = previous_set(dir, None, &names);
        // Every target is checked before anything moves: a run fails whole or not at all.
        for name in names.iter().chain(&previous) {
            check_target(&dir.join(name), inputs)?;
        }
        let (staging, ready, old) = staging_dirs(dir);
        let unchanged = || {
            format!(
                "Les résultats n'ont pas été écrits : « {} » est inchangé.",
                dir.display()
            )
        };
        let staged = stage(&staging, files).and_then(|()| {
            fs::rename(&staging, &ready)
                .map_err(|e| anyhow!("impossible de terminer la préparation : {}", io_error(&e)))
        });
        if let Err(e) = staged {
            let _ = fs::remove_dir_all(&staging);
            return Err(e.context(unchanged()));
        }
        sync_dir(dir);
        if let Err(e) = put_in_place(dir, &ready, &old, step) {
            return match roll_back(dir, &ready, &old, step) {
                Ok(()) => Err(anyhow!(
                    "impossible de mettre les fichiers en place : {}",
                    io_error(&e)
                )
                .context(unchanged())),
                Err(again) => Err(anyhow!(
                    "Les résultats n'ont pas pu être mis en place dans « {} » ({}), ni les précédents remis ({}) : les nouveaux fichiers attendent dans « {} » ; la prochaine exécution de bilan dans ce dossier terminera leur mise en place.",
                    dir.display(),
                    io_error(&e),
                    io_error(&again),
                    ready.display()
                )),
            };
        }
        self.written = true;
        Ok(())
    }
}

/// The three folders of one run's writing: being staged, staged whole, the previous set
/// moved aside.
fn staging_dirs(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let pid = std::process::id();
    let name = |state: &str| dir.join(format!("{STAGING}{pid}.{state}"));
    (name("nouveau"), name("pret"), name("ancien"))
}

/// The names a set's record lists, one per line.
fn read_record(path: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(path).ok()?;
    Some(text.lines().map(str::to_string).collect())
}

/// The files of the set in place, as its record lists them (in `dir`, or moved aside in
/// `old`). A folder written before the record existed: the run's files found there,
/// `reperes.csv` only when the new set writes one too (a consolidation's folder), since
/// a site keeps the national one beside its results.
fn previous_set(dir: &Path, old: Option<&Path>, new: &[String]) -> Vec<String> {
    let recorded = read_record(&dir.join(RECORD))
        .or_else(|| old.and_then(|old| read_record(&old.join(RECORD))));
    let names = recorded.unwrap_or_else(|| {
        FILE_NAMES
            .iter()
            .filter(|n| **n != "reperes.csv" || new.iter().any(|name| name == *n))
            .filter(|n| dir.join(n).exists())
            .map(|n| n.to_string())
            .collect()
    });
    // A record is read from the folder: only a name of the run's own files is removed.
    names
        .into_iter()
        .filter(|n| FILE_NAMES.contains(&n.as_str()))
        .collect()
}

fn stage(staging: &Path, files: &[(&str, Vec<u8>)]) -> Result<()> {
    fs::create_dir(staging).map_err(|e| {
        anyhow!(
            "impossible de créer « {} » : {}",
            staging.display(),
            io_error(&e)
        )
    })?;
    let names: String = files.iter().map(|(name, _)| format!("{name}\n")).collect();
    let record = (RECORD, names.into_bytes());
    // Each file is written and synced on a thread of its own: the run waits for the
    // largest file, not for the sum of them, and the disk takes them together.
    let written: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
        let threads: Vec<_> = files
            .iter()
            .map(|(name, bytes)| (*name, bytes))
            .chain([(record.0, &record.1)])
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
    for (name, written) in files.iter().map(|(n, _)| *n).chain([RECORD]).zip(written) {
        written.map_err(|e| anyhow!("impossible d'écrire « {name} » : {}", io_error(&e)))?;
    }
    sync_dir(staging);
    Ok(())
}

/// A rename as a step of putting a set in place; `step` comes first, so that a test can
/// stop the writing at any one of them.
type Step<'a> = dyn FnMut(&Path) -> std::io::Result<()> + 'a;

fn rename(from: &Path, to: &Path, step: &mut Step) -> std::io::Result<()> {
    step(from)?;
    fs::rename(from, to)
}

/// Puts the set staged whole in `ready` in place: every file of the previous set moved
/// aside into `old`, then every new file in, the record last; then `ready` and `old`
/// removed. Each step can be taken again after a stop, whatever the point: a file of
/// `dir` still staged under its name in `ready` is an old one, as is one the new set does
/// not write; one no longer in `ready` was moved in.
fn put_in_place(dir: &Path, ready: &Path, old: &Path, step: &mut Step) -> std::io::Result<()> {
    let new = read_record(&ready.join(RECORD)).unwrap_or_default();
    let previous = previous_set(dir, Some(old), &new);
    fs::create_dir_all(old)?;
    for name in previous.iter().chain(&new).chain([&RECORD.to_string()]) {
        let here = dir.join(name);
        let staged = ready.join(name).exists();
        if fs::symlink_metadata(&here).is_ok() && (staged || !new.contains(name)) {
            let aside = old.join(name);
            if fs::symlink_metadata(&aside).is_ok() {
                fs::remove_file(&aside)?;
            }
            rename(&here, &aside, step)?;
        }
    }
    for name in new.iter().chain([&RECORD.to_string()]) {
        let staged = ready.join(name);
        if staged.exists() {
            rename(&staged, &dir.join(name), step)?;
        }
    }
    sync_dir(dir);
    fs::remove_dir_all(ready)?;
    fs::remove_dir_all(old)
}

/// Takes back what [`put_in_place`] did: the new files back into `ready`, the previous
/// ones back into `dir`, then both folders removed.
fn roll_back(dir: &Path, ready: &Path, old: &Path, step: &mut Step) -> std::io::Result<()> {
    let new = read_record(&ready.join(RECORD))
        .or_else(|| read_record(&dir.join(RECORD)))
        .unwrap_or_default();
    for name in new.iter().chain([&RECORD.to_string()]) {
        let here = dir.join(name);
        if here.exists() && !ready.join(name).exists() {
            rename(&here, &ready.join(name), step)?;
        }
    }
    if old.exists() {
        for entry in fs::read_dir(old)? {
            let entry = entry?;
            rename(&entry.path(), &dir.join(entry.file_name()), step)?;
        }
    }
    sync_dir(dir);
    fs::remove_dir_all(ready)?;
    let _ = fs::remove_dir_all(old);
    Ok(())
}

/// A results folder as another command reads it (`consolider`): refused while a run
/// writes it, or while a stopped run's set waits to be put in place, since its files
/// may then be of two runs. The guard keeps writers out while the folder is read.
pub fn settled(dir: &Path) -> Result<Option<fs::File>> {
    let pending = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(STAGING) && name.ends_with(".pret")
        });
    if pending {
        return Err(anyhow!(
            "Le dossier « {} » garde les résultats d'une exécution interrompue pendant leur écriture : relancez « bilan rapport » sur ce dossier (il terminera leur mise en place) avant de le consolider.",
            dir.display()
        ));
    }
    let Ok(lock) = fs::File::open(dir.join(LOCK)) else {
        return Ok(None);
    };
    match lock.try_lock_shared() {
        Ok(()) => Ok(Some(lock)),
        Err(fs::TryLockError::WouldBlock) => Err(anyhow!(
            "Le dossier « {} » est en cours d'écriture par une autre exécution de bilan : attendez qu'elle se termine.",
            dir.display()
        )),
        Err(fs::TryLockError::Error(e)) => Err(anyhow!(
            "Impossible de lire le dossier « {} » : {}.",
            dir.display(),
            io_error(&e)
        )),
    }
}

/// Puts right what runs stopped while writing left in `dir`: a set staged whole is put
/// in place, a set half staged is removed (its `detail.csv` holds identifiers), and so
/// are the staging folders of earlier versions of bilan (`.sortie.PID.nouveau`, whose
/// moved-aside files go back where the folder has none).
fn recover(dir: &Path) -> std::io::Result<()> {
    let mut entries: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    for name in &entries {
        let path = dir.join(name);
        if let Some(state) = name
            .strip_prefix(STAGING)
            .and_then(|rest| rest.split_once('.'))
        {
            match state.1 {
                "nouveau" => fs::remove_dir_all(&path)?,
                "pret" => {
                    let old = dir.join(format!("{STAGING}{}.ancien", state.0));
                    put_in_place(dir, &path, &old, &mut |_| Ok(()))?;
                }
                _ => {}
            }
        } else if name.starts_with(".sortie.") && name.ends_with(".nouveau") {
            fs::remove_dir_all(&path)?;
        }
    }
    for name in &entries {
        let path = dir.join(name);
        let legacy = name.starts_with(".sortie.") && name.ends_with(".ancien");
        let aside = name.starts_with(STAGING) && name.ends_with(".ancien");
        if (legacy || aside) && path.exists() {
            if legacy {
                for entry in fs::read_dir(&path)? {
                    let entry = entry?;
                    let back = dir.join(entry.file_name());
                    if fs::symlink_metadata(&back).is_err() {
                        fs::rename(entry.path(), back)?;
                    }
                }
            }
            fs::remove_dir_all(&path)?;
        }
    }
    Ok(())
}

/// Makes the renames in `dir` last: a power cut after them finds the new names. Not every
/// system syncs a folder (nor needs to): a failure here is no reason to fail the run.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_set(dir: &Path, files: &[(&str, Vec<u8>)], inputs: &[PathBuf]) -> Result<()> {
        open(dir)?.write_set(files, inputs)
    }

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
            [RECORD, LOCK, "detail.csv", "indicateurs.csv", "rapport.pdf"]
        );
        assert_eq!(
            fs::read_to_string(out.join(RECORD)).unwrap(),
            "indicateurs.csv\ndetail.csv\nrapport.pdf\n"
        );
        write_set(&out, &[("indicateurs.csv", b"b".to_vec())], &[]).unwrap();
        assert_eq!(names(&out), [RECORD, LOCK, "indicateurs.csv"]);
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
        assert_eq!(
            names(root.path()),
            [RECORD, LOCK, "indicateurs.csv", "notes.txt"]
        );
    }

    /// A `reperes.csv` kept beside a site's results is not the site run's: neither the
    /// first run on the folder nor the next ones remove it.
    #[test]
    fn a_file_the_tool_did_not_write_is_kept() {
        let root = tempfile::tempdir().unwrap();
        fs::write(root.path().join("reperes.csv"), "national").unwrap();
        fs::write(root.path().join("indicateurs.csv"), "ancien").unwrap();
        for _ in 0..2 {
            write_set(root.path(), &[("indicateurs.csv", b"x".to_vec())], &[]).unwrap();
        }
        assert_eq!(
            fs::read_to_string(root.path().join("reperes.csv")).unwrap(),
            "national"
        );
        assert_eq!(fs::read(root.path().join("indicateurs.csv")).unwrap(), b"x");
    }

    /// While a run holds the folder a second one is refused at once, in French; once the
    /// first is done, the folder is free again.
    #[test]
    fn a_second_run_on_the_folder_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let first = open(root.path()).unwrap();
        let e = open(root.path()).err().expect("refusée");
        assert!(
            e.to_string()
                .contains("Une autre exécution de bilan écrit déjà"),
            "{e}"
        );
        drop(first);
        write_set(root.path(), &[("indicateurs.csv", b"x".to_vec())], &[]).unwrap();
    }

    /// What stopped runs left is put right by the next one, diffusion or not: a half-staged
    /// set (with identifiers) removed, an earlier version's staging folders too, their
    /// moved-aside files back where the folder has none; a user's folder of the same
    /// prefix but another form is left alone.
    #[test]
    fn what_stopped_runs_left_is_cleaned() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        for leftover in [".bilan-77.nouveau", ".sortie.1.nouveau", ".sortie.1.ancien"] {
            fs::create_dir(dir.join(leftover)).unwrap();
        }
        fs::write(dir.join(".bilan-77.nouveau/detail.csv"), "P1").unwrap();
        fs::write(dir.join(".sortie.1.nouveau/detail.csv"), "P1").unwrap();
        fs::write(dir.join(".sortie.1.ancien/manifeste.json"), "{}").unwrap();
        fs::create_dir(dir.join(".bilan-archives")).unwrap();
        drop(open(dir).unwrap());
        assert_eq!(names(dir), [".bilan-archives", LOCK, "manifeste.json"]);
    }

    type Set<const N: usize> = [(&'static str, Vec<u8>); N];

    /// A set as [`contents`] reads it back, sorted by name.
    fn owned(set: &[(&str, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
        let mut owned: Vec<(String, Vec<u8>)> = set
            .iter()
            .map(|(n, b)| (n.to_string(), b.clone()))
            .collect();
        owned.sort();
        owned
    }

    /// A rename step that fails, as a failing disk does (EIO), on the calls `fails` picks
    /// (counted from 1).
    fn failing(fails: impl Fn(usize) -> bool) -> impl FnMut(&Path) -> std::io::Result<()> {
        let mut calls = 0;
        move |_| {
            calls += 1;
            if fails(calls) {
                Err(std::io::Error::from_raw_os_error(5))
            } else {
                Ok(())
            }
        }
    }

    fn old_and_new() -> (Set<3>, Set<2>) {
        let interne = [
            ("indicateurs.csv", b"ancien".to_vec()),
            ("rapport.typ", b"ancien".to_vec()),
            ("detail.csv", b"P1".to_vec()),
        ];
        let diffusion = [
            ("indicateurs.csv", b"nouveau".to_vec()),
            ("rapport.typ", b"nouveau".to_vec()),
        ];
        (interne, diffusion)
    }

    fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
        names(dir)
            .into_iter()
            .filter(|n| !n.starts_with('.'))
            .map(|n| {
                let bytes = fs::read(dir.join(&n)).unwrap();
                (n, bytes)
            })
            .collect()
    }

    /// An interne set (3 files) replaced by a diffusion one (2), the writing stopped
    /// before its k-th rename for every k: the next run finds the diffusion set whole —
    /// never `detail.csv` beside it, never a file missing — and nothing else left. The
    /// renames are: 3 old files and the record aside, 2 new files and the record in: 7.
    #[test]
    fn a_stop_at_any_rename_is_completed_by_the_next_run() {
        let (interne, diffusion) = old_and_new();
        let expected = owned(&diffusion);
        let mut stops = 0;
        for k in 0.. {
            let root = tempfile::tempdir().unwrap();
            let dir = root.path();
            write_set(dir, &interne, &[]).unwrap();
            let (staging, ready, old) = staging_dirs(dir);
            stage(&staging, &diffusion).unwrap();
            fs::rename(&staging, &ready).unwrap();
            let stopped = put_in_place(dir, &ready, &old, &mut failing(|call| call > k));
            if stopped.is_ok() {
                assert_eq!(k, 7, "renames");
                assert_eq!(contents(dir), expected);
                break;
            }
            stops += 1;
            drop(open(dir).unwrap());
            assert_eq!(
                contents(dir),
                expected,
                "arrêt avant le renommage {}",
                k + 1
            );
            assert_eq!(names(dir), [RECORD, LOCK, "indicateurs.csv", "rapport.typ"]);
        }
        assert_eq!(stops, 7);
    }

    /// Renames that fail from the k-th on, taking back included: the message says the
    /// folder is unchanged only when it is (the failure came before any file moved: k = 0),
    /// else that the next run completes the writing, which it does, whole. A single
    /// failed rename (the 5th) is taken back: the folder holds the old set, as it says.
    #[test]
    fn renames_that_keep_failing_are_said_and_completed_later() {
        let (interne, diffusion) = old_and_new();
        let (old, new) = (owned(&interne), owned(&diffusion));
        for k in 0..7 {
            let root = tempfile::tempdir().unwrap();
            let dir = root.path();
            write_set(dir, &interne, &[]).unwrap();
            let e = open(dir)
                .unwrap()
                .write_set_with(&diffusion, &[], &mut failing(|call| call > k))
                .unwrap_err();
            let message = format!("{e:#}");
            if k == 0 {
                assert!(message.contains("inchangé"), "{message}");
                assert_eq!(contents(dir), old);
            } else {
                assert!(!message.contains("inchangé"), "{k} : {message}");
                assert!(message.contains("la prochaine exécution"), "{message}");
                drop(open(dir).unwrap());
                assert_eq!(contents(dir), new, "{k}");
            }
        }
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        write_set(dir, &interne, &[]).unwrap();
        let e = open(dir)
            .unwrap()
            .write_set_with(&diffusion, &[], &mut failing(|call| call == 5))
            .unwrap_err();
        assert!(format!("{e:#}").contains("inchangé"), "{e:#}");
        assert_eq!(contents(dir), old);
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

    /// A folder is read by another command only when settled: not while a run holds it,
    /// not while a stopped run's set waits to be put in place.
    #[test]
    fn a_folder_being_written_is_not_read() {
        let root = tempfile::tempdir().unwrap();
        write_set(root.path(), &[("indicateurs.csv", b"x".to_vec())], &[]).unwrap();
        assert!(settled(root.path()).unwrap().is_some());
        let held = open(root.path()).unwrap();
        let e = settled(root.path()).unwrap_err();
        assert!(e.to_string().contains("en cours d'écriture"), "{e}");
        drop(held);
        fs::create_dir(root.path().join(".bilan-9.pret")).unwrap();
        let e = settled(root.path()).unwrap_err();
        assert!(e.to_string().contains("exécution interrompue"), "{e}");
    }

    /// A stopped run's temporary file, under the name this process would use (as in a
    /// container, where every run is process 1), does not stop the next write.
    #[test]
    fn a_stopped_runs_temporary_file_is_replaced() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("constats.csv");
        fs::write(staging_name(&path, "tmp"), "reste").unwrap();
        write_atomic(&path, b"nouveau", &[]).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "nouveau");
        assert_eq!(names(root.path()), ["constats.csv"]);
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
