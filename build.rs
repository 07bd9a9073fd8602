//! The catalogue, the templates and the sample site are embedded in the binary with
//! `include_dir!`, which cargo does not watch: this makes an edit to them rebuild it.

fn main() {
    for dir in ["indicators", "templates", "sample-data/reference"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
