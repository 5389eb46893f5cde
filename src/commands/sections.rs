//! `mentor-agree sections`: bring agreements written before the per-party
//! sections into them ([`crate::layout::into_sections`]), so that plain git
//! merges the records people add on branches of their own.

use crate::check::Session;
use crate::cli::SectionsArgs;
use crate::edit::EditError;

/// Rewrites each agreement without sections through the edit engine (locked,
/// re-checked, atomic; `--dry-run` prints instead).
pub fn run(args: &SectionsArgs, session: &Session) -> anyhow::Result<u8> {
    let files = session.collect(&args.paths)?;
    let mut code = super::EXIT_OK;
    for file in &files {
        // Already in sections: nothing to write, so no lock to take. A file that
        // cannot be read is left to the edit engine, which says why.
        if crate::input::read(file).is_ok_and(|b| crate::layout::has_sections(&String::from_utf8_lossy(&b))) {
            eprintln!("{}: already in sections", file.display());
            continue;
        }
        let done = |o: &crate::edit::EditOutcome| {
            let verb = if o.written { "Moved" } else { "Would move" };
            format!("{verb} the records of {} into per-party sections", file.display())
        };
        let status = super::run_edit(session, file, args.dry_run, None, done, |doc, _before| {
            let moved = crate::layout::into_sections(&doc.to_string()).ok_or_else(|| {
                EditError::Invalid("its records cannot be moved into sections without changing what it means".into())
            })?;
            *doc = moved.parse().map_err(|e: toml_edit::TomlError| EditError::Invalid(e.message().to_string()))?;
            Ok(())
        })?;
        code = code.max(status);
    }
    Ok(code)
}
