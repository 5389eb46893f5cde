//! `mentor-agree man`: roff man pages (clap_mangen).

use std::io::Write;

use anyhow::Context;
use clap::CommandFactory;

use crate::check::Session;
use crate::cli::{Cli, ManArgs};

/// Prints the main man page, or writes one page per command into `--out-dir`.
pub fn run(args: &ManArgs, _global: &Session) -> anyhow::Result<u8> {
    let cmd = Cli::command();
    match &args.out_dir {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut buf)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&buf).context("cannot write to stdout")?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("cannot write man pages to {}", dir.display()))?;
            eprintln!("Wrote mentor-agree.1 and one mentor-agree-COMMAND.1 per command to {}", dir.display());
        }
    }
    Ok(super::EXIT_OK)
}
