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
/// reason to fail a run whose files are written.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Writes a command's text on the standard output. A reader that stops early (`| head`)
/// ends the command quietly; a full device is an error, said in French.
fn print(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(anyhow::anyhow!(
            "Impossible d'écrire le résultat sur la sortie standard : {}.",
            crate::format::io_error(&e)
        )),
        _ => Ok(()),
    }
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
