//! `mentor-agree lsp`: the language server on stdio (the server lives in [`crate::lsp`]).

use crate::cli::{Global, LspArgs};

/// Runs the language server until the editor says `exit`.
pub fn run(_args: &LspArgs, global: &Global) -> anyhow::Result<u8> {
    let owned = global.clone();
    let config = crate::lsp::Config {
        // Asked at every check: a server left running over midnight moves to the new day.
        today: Box::new(move || super::today(&owned)),
        program: global.program.clone(),
    };
    crate::lsp::run_stdio(config)?;
    Ok(super::EXIT_OK)
}
