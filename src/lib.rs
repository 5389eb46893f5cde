//! mentor-agree: mentoring agreements as checked, signed TOML files.
//!
//! The library behind the `mentor-agree` command. The command line itself
//! (`src/cli.rs`, the only user of clap) and one module per subcommand
//! (`src/commands/`) belong to the binary, `src/main.rs`; the library does not
//! know them.
//!
//! The modules are layers: each uses only the ones declared before it below
//! (`tests/it/layers.rs` fails on a cycle between top-level modules). From the
//! bottom:
//!
//! - [`text`], [`input`], [`git`]: how dates, counts and long text read in
//!   messages; reading the files a command is given; running git.
//! - [`diagnostic`]: the code registry and the data a problem carries.
//! - [`format`](mod@format): the agreement model parsed with source spans, the terms and
//!   their digest, roles, date arithmetic. [`program`]: program.toml, its rules
//!   and defaults.
//! - [`facts`]: what follows from an agreement and its program, never stored.
//!   [`feedback`]: feedback forms and their sealed answers.
//! - [`rules`]: the checks, one file per family; [`ssh`]: SSH signatures.
//! - [`engine`]: checking one text, a whole run, finding programs, `--base`.
//! - [`edit`]: locked, atomic, validated edits; the lifecycle edits (sign,
//!   check in, evaluate, extend, terminate) and the records they append; fixes.
//! - [`desk`]: status, agenda and report, as data. [`output`]: everything
//!   written out (check reports, SARIF, CSV, iCalendar, pages, site, schema).
//! - [`versions`]: merge driver, semantic diff, history of signatures and amendments.
//! - [`scaffold`], [`lsp`], [`remind`]: `init` and `new`, the language server,
//!   reminders.
//!
//! **The library's API is not stable.** It exists for the `mentor-agree` binary,
//! its tests, benchmarks and fuzz targets; what is stable is the command line,
//! the file formats, the diagnostic codes and the documented output formats.

#![warn(missing_docs, unreachable_pub)]

// Bottom: these use nothing of the crate.
pub mod git;
pub mod input;
pub mod text;

// The data read from files, and what follows from it.
pub mod diagnostic;
pub mod format;
pub mod program;
// derived facts, then the feedback forms that read them
pub mod facts;
pub mod feedback;

// Checking.
pub mod rules;
pub mod ssh;
// the engine runs the rules and verifies signatures
pub mod engine;

// Above the engine.
pub mod desk;
pub mod edit;
// output uses desk and edit
pub mod output;
// versions uses output
pub mod versions;

// Front ends beside the command line.
pub mod lsp;
pub mod remind;
pub mod scaffold;

/// `--version` text: the tool's version and the agreement format it reads.
pub const VERSION_LINE: &str = concat!(env!("CARGO_PKG_VERSION"), " (agreement format 1)");
