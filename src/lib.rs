//! mentor-agree: mentoring agreements as checked, signed TOML files.
//!
//! The library behind the `mentor-agree` command. [`agreement`] reads a file
//! into a model with source spans, [`program`] holds the rules, [`rules`]
//! checks one against the other, and [`check`] is the engine that ties them together
//! (per file, per run, finding programs). The command line (`src/cli.rs`, clap)
//! and one module per subcommand (`src/commands/`) belong to the binary, not here.
//!
//! **The library's API is not stable.** It exists for the `mentor-agree` binary,
//! its tests, benchmarks and fuzz targets; what is stable is the command line,
//! the file formats, the diagnostic codes and the documented output formats.

pub mod agenda;
pub mod agreement;
pub mod atomic;
pub mod calendar;
pub mod check;
pub mod cohort;
pub mod dashboard;
pub mod derived;
pub mod diagnostic;
pub mod diff;
pub mod edit;
pub mod evaluation;
pub mod export;
pub mod feedback;
pub mod fix;
pub mod git;
pub mod history;
pub mod input;
pub mod layout;
pub mod leftovers;
pub mod lsp;
pub mod merge;
pub mod program;
pub mod questionnaire;
pub mod remind;
pub mod render;
pub mod report;
pub mod role;
pub mod rules;
pub mod scaffold;
pub mod schema;
pub mod site;
pub mod ssh;
pub mod status;
pub mod terms;
pub mod text;
pub mod timeline;

/// `--version` text: the tool's version and the agreement format it reads.
pub const VERSION_LINE: &str = concat!(env!("CARGO_PKG_VERSION"), " (agreement format 1)");
