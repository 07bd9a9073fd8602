//! `bilan`: the yearly evaluation of a "Housing First" programme, from the site's exports
//! to the standard tables and the activity report.

mod cli;
mod cmd;
mod config;
mod format;
mod indicators;
mod ingest;
mod model;
mod output;
mod pdf;
mod period;
mod profile;
mod quality;
mod report;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("{}", cli::french_error(&e));
            return ExitCode::from(2);
        }
    };
    let result = match &cli.command {
        Command::Rapport(args) => cmd::rapport::run(args).map(|()| true),
        Command::Verifier(args) => cmd::verifier::run(args),
        Command::Exemple { output, pdf } => cmd::exemple::run(output, *pdf).map(|()| true),
        Command::Indicateurs { id } => cmd::indicateurs::run(id.as_deref()).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        // The data hold rows that cannot be used: the check said where.
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("Erreur : {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  {cause}");
            }
            ExitCode::from(1)
        }
    }
}
