//! `bilan` turns the exports of a French "Housing First" programme into its yearly
//! evaluation: the standard tables, `indicateurs.csv` and the activity report.
//!
//! The stages, in order, and what each produces (each module uses only those above it
//! in this list):
//!
//! 1. Shared vocabulary: [`model`] (the canonical tables and code lists of donnees.md,
//!    the kinds of programme), [`period`] (periods and French dates), [`findings`]
//!    (what is wrong in a row, and where), [`privacy`] (audiences and the masking
//!    threshold), [`format`] (French typography), [`frames`] (polars idioms),
//!    [`digest`] (SHA-256 fingerprints), [`input`] (only regular files are read),
//!    [`follow_ups`] (which follow-up of a person covers a day), [`figure`] (what the
//!    indicators produce: a figure, its nature and unit, how sites put it together).
//! 2. Configuration: [`config::Config`] (the site, its programmes and sources) and
//!    [`profile::Profile`] (how a site's exports name columns and codes).
//! 3. Ingest: [`ingest::load`] → [`ingest::Dataset`], a programme's canonical tables
//!    with the findings of reading each cell.
//!    [`draft`]: a folder of a new site's exports → the drafts of its configuration and
//!    import profile (`bilan init`), every sheet read through [`ingest`]'s readers.
//! 4. Quality: [`quality::check`] → the findings across rows and tables.
//! 5. Indicators: [`indicators::Catalogue`] (the declarative catalogue, checked when
//!    loaded) and [`indicators::evaluate`] → [`indicators::Evaluation`]s for the period
//!    and the period before.
//! 6. Outputs: [`output`] (`indicateurs.csv`, `tableaux.xlsx`, `detail.csv`, all masked
//!    for the audience), [`report`] (the Typst markup) and [`pdf`] (its PDF) → bytes.
//! 7. [`national`]: the `interne` results of several sites (their `indicateurs.csv` and
//!    `manifeste.json`) → the national tables, ensembles and benchmarks, and their files.
//! 8. [`layout`]: the layouts published for other tools and people: the columns' French
//!    titles, the Table Schemas and `datapackage.json` ([`layout::schema`]), the
//!    spreadsheet templates of the tables kept by hand ([`layout::template`]).
//! 9. [`pipeline`]: the stages chained for one site and one period → the files written.
//! 10. The command line: [`cli`] turns arguments into settings, [`cmd`] has one module per
//!     subcommand. Nothing above imports them.

pub mod digest;
pub mod figure;
pub mod findings;
pub mod follow_ups;
pub mod format;
pub mod frames;
pub mod input;
pub mod model;
pub mod period;
pub mod privacy;

pub mod config;
pub mod profile;

pub mod ingest;

pub mod draft;

pub mod quality;

pub mod indicators;

pub mod output;
pub mod pdf;
pub mod report;

pub mod national;

pub mod layout;

pub mod pipeline;

pub mod cli;
pub mod cmd;
