//! Command-line interface (clap types only; behaviour lives in `commands`).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::diagnostic::report::Format;

/// Write, check, sign and publish mentoring agreements kept as TOML files in git.
///
/// An agreement file records a mentor, a mentee and their program's lead, how
/// often they meet, their SMART goals, the term, review checkpoints and the
/// signatures. `check` holds every file to the program's rules (program.toml,
/// found by walking up from the file; built-in defaults when there is none).
#[derive(Debug, Parser)]
#[command(name = "mentor-agree", version = crate::VERSION_LINE, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Treat this day as today (YYYY-MM-DD), for reproducible CI runs and tests.
    #[arg(long, global = true, env = "MENTOR_AGREE_TODAY", value_name = "DATE", value_parser = parse_date)]
    pub today: Option<NaiveDate>,

    /// Use this program.toml instead of looking for one above each file.
    #[arg(long, global = true, value_name = "FILE")]
    pub program: Option<PathBuf>,

    /// When to colour output (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Parses YYYY-MM-DD.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("`{s}` is not a date of the form YYYY-MM-DD ({e})"))
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check agreement files against the program rules.
    ///
    /// Checks files and folders (recursively, every *.toml except program.toml);
    /// with no paths, the program's agreements folder. Exit status: 0 no errors,
    /// 1 problems found, 2 the check could not be run.
    #[command(
        after_help = "Examples:\n  mentor-agree check\n  mentor-agree check agreements/ --format github\n  mentor-agree check --explain goal-no-due"
    )]
    Check(CheckArgs),

    /// Print the canonical terms bytes that signatures cover.
    ///
    /// Prints exactly the bytes whose SHA-256 a signature's `terms` holds (no
    /// trailing newline), e.g. to sign them with `ssh-keygen -Y sign`.
    Terms(TermsArgs),

    /// Render an agreement as Markdown or a self-contained HTML page, or a whole site.
    ///
    /// The rendered agreement is the full document a person reads and signs: the
    /// parties, topics, expectations and duties, meetings, term, SMART goals,
    /// review checkpoints, the program's clauses, check-ins, termination and the
    /// signature block. A file with check errors still renders, with a banner
    /// listing them (`--strict` refuses instead). Templates can be replaced per
    /// program: put `templates/<name>.tera` next to program.toml.
    ///
    /// With `--site OUTDIR`, writes OUTDIR/index.html (a sortable table of every
    /// agreement) and one page per agreement; paths default like `check`.
    #[command(
        after_help = "Examples:\n  mentor-agree render agreements/2026-09-maya-okafor-tomas-rivera.toml\n  mentor-agree render agreements/2026-09-maya-okafor-tomas-rivera.toml --format html -o agreement.html\n  mentor-agree render --site public/\n  mentor-agree render --site public/ agreements/ --strict"
    )]
    Render(RenderArgs),
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the program's agreements folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Report missing signatures as errors (code `unsigned`).
    #[arg(long)]
    pub require_signed: bool,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// `terms`.
#[derive(Debug, Args)]
pub struct TermsArgs {
    /// The agreement file.
    pub file: PathBuf,
    /// Print the `sha256:` digest instead of the bytes.
    #[arg(long)]
    pub digest: bool,
}

/// `render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The agreement file; with --site, files or folders (default: the program's agreements folder).
    #[arg(value_name = "FILE", required_unless_present = "site")]
    pub paths: Vec<PathBuf>,
    /// Output format [default: html when OUT ends in .html or .htm, else md].
    #[arg(long, value_enum, conflicts_with = "site")]
    pub format: Option<crate::render::Format>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "OUT", conflicts_with = "site")]
    pub out: Option<PathBuf>,
    /// Refuse (exit 1) to render when check finds errors.
    #[arg(long)]
    pub strict: bool,
    /// Write an HTML site into OUTDIR: index.html and one page per agreement.
    #[arg(long, value_name = "OUTDIR")]
    pub site: Option<PathBuf>,
}
