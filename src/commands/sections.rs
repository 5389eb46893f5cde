//! `mentor-agree sections`: bring agreements written before the per-party
//! sections into them ([`mentor_agree::edit::layout::into_sections`]), so that plain git
//! merges the records people add on branches of their own.

use crate::cli::SectionsArgs;
use mentor_agree::edit::EditError;
use mentor_agree::engine::Session;

/// Rewrites each agreement without sections through the edit engine (locked,
/// re-checked, atomic; `--dry-run` prints instead).
pub fn run(args: &SectionsArgs, session: &Session) -> anyhow::Result<u8> {
    let files = session.collect(&args.paths)?;
    let mut code = super::EXIT_OK;
    for file in &files {
        // Already in sections: nothing to write, so no lock to take. A file that
        // cannot be read is left to the edit engine, which says why.
        if mentor_agree::input::read(file)
            .is_ok_and(|b| mentor_agree::edit::layout::has_sections(&String::from_utf8_lossy(&b)))
        {
            eprintln!("{}: already in sections", file.display());
            continue;
        }
        let done = |o: &mentor_agree::edit::EditOutcome| {
            let verb = if o.written { "Moved" } else { "Would move" };
            format!("{verb} the records of {} into per-party sections", file.display())
        };
        let status = super::run_edit(session, file, args.dry_run, None, done, |doc, _now| {
            let moved = mentor_agree::edit::layout::into_sections(&doc.to_string()).ok_or_else(|| {
                EditError::Invalid("its records cannot be moved into sections without changing what it means".into())
            })?;
            *doc = moved.parse().map_err(|e: toml_edit::TomlError| EditError::Invalid(e.message().to_string()))?;
            Ok(())
        })?;
        code = code.max(status);
    }
    Ok(code)
}
