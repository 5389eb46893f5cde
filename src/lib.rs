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

// Bottom: text, file input and git plumbing use nothing of the crate.
pub mod git;
pub mod input;
pub mod text;

// The data: diagnostics, the agreement format, the program, derived facts.
pub mod diagnostic;
pub mod format;
pub mod program;

pub mod facts;

pub mod feedback;

// Checking: the rules, SSH signatures, then the engine that runs them.
pub mod rules;

pub mod ssh;

pub mod engine;

// Above the engine: changing files, the team's views, everything written out.
pub mod edit;

pub mod desk;

pub mod output;

pub mod versions;

// Front ends other than the command line.
pub mod lsp;
pub mod remind;
pub mod scaffold;

/// `--version` text: the tool's version and the agreement format it reads.
pub const VERSION_LINE: &str = concat!(env!("CARGO_PKG_VERSION"), " (agreement format 1)");
