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

    /// Print the JSON Schema of the agreement format, for editors and validators.
    ///
    /// JSON Schema draft 2020-12, generated from the same key lists `check` uses.
    /// Point Taplo / Even Better TOML at it with a `#:schema ./agreement.schema.json`
    /// comment on an agreement's first line, or with a `.taplo.toml` rule.
    #[command(
        after_help = "Examples:\n  mentor-agree schema -o agreement.schema.json\n  mentor-agree schema | check-jsonschema --schemafile /dev/stdin agreement.json"
    )]
    Schema(SchemaArgs),

    /// Print a shell completion script.
    ///
    /// Write the output to the place your shell loads completions from.
    #[command(
        after_help = "Examples:\n  mentor-agree completions bash > ~/.local/share/bash-completion/completions/mentor-agree\n  mentor-agree completions zsh > \"${fpath[1]}/_mentor-agree\"\n  mentor-agree completions fish > ~/.config/fish/completions/mentor-agree.fish"
    )]
    Completions(CompletionsArgs),

    /// Print the man page (roff), or write one page per command to a folder.
    #[command(
        after_help = "Examples:\n  mentor-agree man | man -l -\n  mentor-agree man --out-dir /usr/local/share/man/man1"
    )]
    Man(ManArgs),

    /// Export an agreement's sessions, reviews and goal due dates as an iCalendar (.ics) file.
    ///
    /// The sessions become one recurring event (weekly, fortnightly, every N weeks
    /// or monthly, until the term's last day); review checkpoints, goal due dates
    /// and the last day are all-day events. Event UIDs derive from the agreement
    /// id, so importing an updated file again updates the events instead of
    /// duplicating them. Sessions are all-day events unless `--time` is given.
    #[command(
        after_help = "Examples:\n  mentor-agree calendar agreements/2026-12-ada-grace.toml -o ada-grace.ics\n  mentor-agree calendar agreements/2026-12-ada-grace.toml --time 17:30 > ada-grace.ics"
    )]
    Calendar(CalendarArgs),
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
    /// Explain a diagnostic code (what it checks, why, how to fix, an example) and exit.
    #[arg(long, value_name = "CODE", conflicts_with = "list_codes")]
    pub explain: Option<String>,
    /// List every diagnostic code with its default severity and exit.
    #[arg(long)]
    pub list_codes: bool,
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

/// `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write mentor-agree.1 and one mentor-agree-COMMAND.1 per command into this folder.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// `calendar`.
#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// The agreement file.
    pub file: PathBuf,
    /// Write the calendar to this file instead of stdout.
    #[arg(short, long, value_name = "OUT.ics")]
    pub out: Option<PathBuf>,
    /// Local start time of each session (HH:MM); sessions then last `session_minutes`.
    #[arg(long, value_name = "HH:MM", value_parser = parse_time)]
    pub time: Option<chrono::NaiveTime>,
}

/// Parses HH:MM (24-hour).
pub fn parse_time(s: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| format!("`{s}` is not a time of the form HH:MM (24-hour)"))
}
