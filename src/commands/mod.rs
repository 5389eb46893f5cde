//! One module per subcommand. Each `run` returns the process exit code.

use std::io::IsTerminal;

use chrono::NaiveDate;

use crate::cli::{ColorChoice, Global};

pub mod check;
pub mod init;
pub mod new;
pub mod terms;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: problems found (or an edit refused).
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code: the command could not run.
pub const EXIT_FAILURE: u8 = 2;
/// Exit code: cancelled by the user (Ctrl-C, Esc, or declining to confirm).
pub const EXIT_CANCELLED: u8 = 130;

/// "Today": `--today`, `MENTOR_AGREE_TODAY`, or the local clock. The only place the clock is read.
pub fn today(global: &Global) -> NaiveDate {
    global.today.unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Whether to colour output written to stdout.
pub fn use_color(global: &Global) -> bool {
    match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}
