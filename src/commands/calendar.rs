//! `mentor-agree calendar FILE`: the agreement as an iCalendar file.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

use crate::calendar::{self, Options};
use crate::cli::{CalendarArgs, Global};
use crate::diagnostic::Severity;
use crate::diagnostic::report;
use crate::rules;

/// Writes `bytes` to `path` atomically (a temporary file in the same folder, then rename).
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write to {}", dir.display()))?;
    tmp.write_all(bytes)?;
    // Temporary files are private (0600); the output is an ordinary file.
    let permissions = match std::fs::metadata(path) {
        Ok(m) => m.permissions(),
        Err(_) => ordinary_permissions(),
    };
    tmp.as_file().set_permissions(permissions)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(unix)]
fn ordinary_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o644)
}

#[cfg(not(unix))]
fn ordinary_permissions() -> std::fs::Permissions {
    tempfile::tempfile().and_then(|f| f.metadata()).map(|m| m.permissions()).expect("a temporary file")
}

/// Exports one agreement. A file with errors is refused (exit 1) with its report on stderr.
pub fn run(args: &CalendarArgs, global: &Global) -> anyhow::Result<u8> {
    if !args.file.is_file() {
        bail!("{} is not an agreement file", args.file.display());
    }
    let mut files = super::check::check_paths(std::slice::from_ref(&args.file), global, rules::Options::default())?;
    let Some(checked) = files.pop() else { bail!("{} is not an agreement file", args.file.display()) };
    let errors = checked.count(Severity::Error);
    if errors > 0 {
        eprint!("{}", report::human_file(&checked, false));
        eprintln!(
            "error: {} has {errors} error{}; fix {} before exporting a calendar",
            args.file.display(),
            if errors == 1 { "" } else { "s" },
            if errors == 1 { "it" } else { "them" }
        );
        return Ok(super::EXIT_PROBLEMS);
    }
    let (Some(agreement), Some(derived)) = (&checked.agreement, &checked.derived) else {
        bail!("{} could not be read as an agreement", args.file.display());
    };
    let options = Options { time: args.time, stamp: super::today(global) };
    let ics = calendar::calendar(agreement, derived, &checked.id, &options)
        .with_context(|| format!("cannot make a calendar of {}", args.file.display()))?;
    match &args.out {
        Some(path) => write_file(path, ics.as_bytes())?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(ics.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(super::EXIT_OK)
}
