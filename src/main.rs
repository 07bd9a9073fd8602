//! `bilan`: the yearly evaluation of a "Housing First" programme, from the site's exports
//! to the standard tables and the activity report. Everything is in the library; this is
//! the door.

fn main() -> std::process::ExitCode {
    match bilan::cli::parse() {
        Ok(cli) => bilan::cmd::run(&cli),
        Err(code) => code,
    }
}
