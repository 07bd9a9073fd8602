//! One module per subcommand; [`run`] dispatches the parsed command line and turns its
//! outcome into the exit code (0 done, 1 unusable data or configuration).

pub mod consolider;
pub mod exemple;
pub mod indicateurs;
pub mod init;
pub mod modeles;
pub mod rapport;
pub mod schemas;
pub mod verifier;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// A line on the standard error, for the user; a closed or full error output is no
/// reason to fail a run whose files are written. A value the message quotes may come
/// from a cell: the terminal shows its control characters, never obeys them.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{}", crate::format::terminal(line));
}

/// Writes a command's text on the standard output. A reader that stops early (`| head`)
/// ends the command quietly; a full device is an error, said in French. The text quotes
/// cells (findings): their control characters are shown, never obeyed.
fn print(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let text = String::from_utf8_lossy(bytes);
    let mut out = std::io::stdout().lock();
    match out
        .write_all(crate::format::terminal(&text).as_bytes())
        .and_then(|()| out.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(anyhow::anyhow!(
            "Impossible d'écrire le résultat sur la sortie standard : {}.",
            crate::format::io_error(&e)
        )),
        _ => Ok(()),
    }
}

/// Refuses a `--sortie` that is a link to nothing: creating the folder would fail on the
/// link itself, said as « un fichier de ce nom existe déjà » when nothing is there.
fn dangling_output(path: &std::path::Path) -> anyhow::Result<()> {
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if link && !path.exists() {
        let target = std::fs::read_link(path).unwrap_or_default();
        anyhow::bail!(
            "Le dossier de sortie « {} » est un lien symbolique vers « {} », qui n'existe pas : créez ce dossier, ou indiquez un autre dossier à --sortie.",
            crate::format::printable(&path.to_string_lossy()),
            crate::format::printable(&target.to_string_lossy())
        );
    }
    Ok(())
}

pub fn run(cli: &Cli) -> ExitCode {
    let result = match &cli.command {
        Command::Rapport(args) => rapport::run(args).map(|()| true),
        Command::Verifier(args) => verifier::run(args),
        Command::Consolider(args) => consolider::run(args).map(|()| true),
        Command::Exemple { output, pdf } => exemple::run(output, *pdf).map(|()| true),
        Command::Init(args) => init::run(&init::Settings {
            folder: &args.folder,
            output: args.output.as_deref(),
            replace: args.replace,
        }),
        Command::Indicateurs { id, config } => {
            indicateurs::run(id.as_deref(), config.as_deref()).map(|()| true)
        }
        Command::Schemas(args) => schemas::run(args).map(|()| true),
        Command::Modeles(args) => modeles::run(args).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        // The data hold rows that cannot be used: the check said where.
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            say(&format!("Erreur : {error}"));
            for cause in error.chain().skip(1) {
                say(&format!("  {cause}"));
            }
            ExitCode::from(1)
        }
    }
}
