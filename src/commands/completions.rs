//! `mentor-agree completions SHELL`: shell completion scripts (clap_complete).

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, Global};

/// Prints the completion script for one shell.
pub fn run(args: &CompletionsArgs, _global: &Global) -> anyhow::Result<u8> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "mentor-agree", &mut out);
    Ok(super::EXIT_OK)
}
