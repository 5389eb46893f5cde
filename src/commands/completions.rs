//! `mentor-agree completions SHELL`: shell completion scripts (clap_complete).

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use mentor_agree::engine::Session;

/// Prints the completion script for one shell.
pub fn run(args: &CompletionsArgs, _global: &Session) -> anyhow::Result<u8> {
    let mut cmd = Cli::command();
    // clap_complete panics when its writer fails; write the script in one piece
    // ourselves, so a closed pipe is an error like any other.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "mentor-agree", &mut script);
    super::print(&script)?;
    Ok(super::EXIT_OK)
}
