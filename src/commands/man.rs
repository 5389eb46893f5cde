//! `mentor-agree man`: roff man pages (clap_mangen).

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use mentor_agree::engine::Session;

/// Prints the main man page, or writes one page per command into `--out-dir`.
pub fn run(args: &ManArgs, _global: &Session) -> anyhow::Result<u8> {
    let cmd = Cli::command();
    match &args.out_dir {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut buf)?;
            super::print(&buf)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            write_pages(cmd, dir)?;
            eprintln!("Wrote mentor-agree.1 and one mentor-agree-COMMAND.1 per command to {}", dir.display());
        }
    }
    Ok(super::EXIT_OK)
}

/// Writes the page of `cmd` and of each of its visible subcommands into `dir`, as
/// `clap_mangen::generate_to` names them, through [`mentor_agree::edit::atomic::write`]: a
/// symbolic link already in `dir` under a page's name is replaced, never
/// written through (clap_mangen's own writer would follow it).
fn write_pages(cmd: clap::Command, dir: &std::path::Path) -> anyhow::Result<()> {
    fn pages(cmd: clap::Command, dir: &std::path::Path) -> anyhow::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            pages(sub, dir)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let path = dir.join(man.get_filename());
        let mut page = Vec::new();
        man.render(&mut page)?;
        mentor_agree::edit::atomic::write(&path, &page).with_context(|| format!("cannot write {}", path.display()))
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    pages(cmd, dir)
}
