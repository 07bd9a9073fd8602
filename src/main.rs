//! `bilan`: the yearly evaluation of a "Housing First" programme, from the site's exports
//! to the standard tables and the activity report. Everything is in the library; this is
//! the door.

// polars allocates and frees large buffers all along the run: mimalloc spends far less
// time on them than the system's allocator, and gives memory back as soon.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    match bilan::cli::parse() {
        Ok(cli) => bilan::cmd::run(&cli),
        Err(code) => code,
    }
}
