//! `mentor-agree lsp`: the language server on stdio (the server lives in [`mentor_agree::lsp`]).

use crate::cli::LspArgs;
use mentor_agree::engine::Session;

/// Runs the language server until the editor says `exit`.
pub fn run(_args: &LspArgs, session: &Session) -> anyhow::Result<u8> {
    let given = session.today_given.then_some(session.today);
    let config = mentor_agree::lsp::Config {
        // Asked at every check: a server left running over midnight moves to the new day.
        today: Box::new(move || given.unwrap_or_else(super::clock_today)),
        program: session.program.clone(),
    };
    mentor_agree::lsp::run_stdio(config)?;
    Ok(super::EXIT_OK)
}
