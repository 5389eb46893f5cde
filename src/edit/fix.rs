//! Applying the fixes diagnostics carry: `check --fix` and the editor's quick fixes.
//!
//! A fix is data on its [`Diagnostic`](crate::diagnostic::Diagnostic): byte-range
//! edits, a description, and whether it is safe (it cannot change the terms of a
//! signed agreement). [`fix_text`] applies them to a text in memory, re-checking
//! after each round because one fix can reveal the next (a misspelt `strat` that
//! is renamed to `start` may then turn out to hold a quoted date). [`fix_file`]
//! writes the result through the edit engine ([`crate::edit`]): locked, atomic,
//! and refused if it would add an error.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Code, Fix};
use crate::edit::{self, EditError, EditRequest};
use crate::engine::{self, Checked, Settings};
use crate::format::role::Role;
use crate::program::Program;

/// Most rounds of fixing one text (each round re-checks; real files need two at most).
const MAX_ROUNDS: usize = 8;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Only safe fixes.
    Safe,
    /// Safe and unsafe fixes.
    All,
}

impl Which {
    fn allows(self, fix: &Fix) -> bool {
        fix.safe || self == Which::All
    }
}

/// One fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The code it fixed.
    pub code: Code,
    /// What it did.
    pub description: String,
    /// Whether it was safe.
    pub safe: bool,
}

/// The result of fixing a text.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The fixed text.
    pub text: String,
    /// The fixes applied, in order.
    pub applied: Vec<Applied>,
    /// Unsafe fixes left out (only with [`Which::Safe`]).
    pub unsafe_left: usize,
}

/// The fixes of a checked text that `which` allows, without overlaps (the first
/// in file order wins; the others wait for the next round).
pub fn applicable(checked: &Checked, which: Which) -> Vec<(Code, &Fix)> {
    let mut out: Vec<(Code, &Fix)> = Vec::new();
    for l in &checked.diagnostics {
        let Some(fix) = &l.diagnostic.fix else { continue };
        if !which.allows(fix) {
            continue;
        }
        let extent = fix.extent();
        let overlaps = out.iter().any(|(_, f)| {
            let e = f.extent();
            extent.start < e.end && e.start < extent.end || extent == e
        });
        if !overlaps {
            out.push((l.diagnostic.code, fix));
        }
    }
    out
}

/// Applies every allowed fix to `text`, round after round until none is left.
pub fn fix_text(path: &Path, text: &str, program: Arc<Program>, settings: &Settings<'_>, which: Which) -> Fixed {
    let mut text = text.to_string();
    let mut applied = Vec::new();
    let mut unsafe_left = 0;
    for _ in 0..MAX_ROUNDS {
        let checked = engine::check_text(path, &text, program.clone(), settings);
        unsafe_left = checked.diagnostics.iter().filter(|l| l.diagnostic.fix.as_ref().is_some_and(|f| !f.safe)).count();
        if which == Which::All {
            unsafe_left = 0;
        }
        let fixes = applicable(&checked, which);
        if fixes.is_empty() {
            break;
        }
        let all = Fix {
            description: String::new(),
            safe: true,
            edits: fixes.iter().flat_map(|(_, f)| f.edits.iter().cloned()).collect(),
        };
        let Some(next) = all.apply(&text) else { break };
        // Two fixes can collide (adding `format` and renaming `nformat` to it, found by
        // fuzzing): a round whose result is no longer TOML is not applied.
        if next.parse::<toml::Table>().is_err() && text.parse::<toml::Table>().is_ok() {
            break;
        }
        applied.extend(fixes.iter().map(|(code, f)| Applied {
            code: *code,
            description: f.description.clone(),
            safe: f.safe,
        }));
        if next == text {
            break;
        }
        text = next;
    }
    Fixed { text, applied, unsafe_left }
}

/// The result of fixing a file.
#[derive(Debug)]
pub struct FileFixed {
    /// The fixes applied.
    pub fixed: Fixed,
    /// What the edit engine wrote (or would have, with `dry_run`), and its check.
    pub outcome: edit::EditOutcome,
    /// Roles whose signature was current before and is stale after (unsafe fixes only).
    pub stale: Vec<Role>,
}

/// Fixes a file through the edit engine: under its lock, re-checked, refused when
/// the result would add an error (other than the stale signatures unsafe fixes
/// cause), written atomically (nothing with `req.dry_run`).
pub fn fix_file(req: &EditRequest<'_>, which: Which) -> Result<FileFixed, EditError> {
    let mut result: Option<(String, Fixed, Vec<Role>)> = None;
    // Unsafe fixes change signed terms: the signatures going stale is what was asked for.
    let allowed: &[Code] = if which == Which::All { &[Code::SignatureStale] } else { &[] };
    let outcome = edit::edit_file_allowing(req, allowed, |doc, before| {
        // The document as the engine read it; the engine carries the change over
        // to the file's own bytes and line endings.
        let baseline = doc.to_string();
        let fixed = fix_text(req.path, &baseline, req.program.clone(), &req.settings, which);
        if fixed.text != baseline {
            *doc = fixed.text.parse().map_err(|e: toml_edit::TomlError| {
                EditError::Invalid(format!("{}: the fixes do not give valid TOML: {}", req.path.display(), e.message()))
            })?;
        }
        let signed_before = before.derived.signed.clone();
        result = Some((baseline, fixed, signed_before));
        Ok(())
    })?;
    let (_, fixed, signed_before) =
        result.ok_or_else(|| EditError::Invalid("the edit engine did not run the fixes".to_string()))?;
    let signed_after = outcome.checked.derived.as_ref().map(|d| d.signed.clone()).unwrap_or_default();
    let stale = signed_before.into_iter().filter(|r| !signed_after.contains(r)).collect();
    Ok(FileFixed { fixed, outcome, stale })
}

/// A unified diff of a fix, for `check --fix --dry-run`.
pub fn diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new).unified_diff().context_radius(2).header(&name, &name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn settings() -> Settings<'static> {
        Settings {
            today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            options: crate::rules::Options::default(),
            ssh: None,
        }
    }

    fn fix(text: &str, which: Which) -> Fixed {
        fix_text(Path::new("a.toml"), text, Arc::new(Program::builtin()), &settings(), which)
    }

    #[test]
    fn a_renamed_key_can_reveal_a_second_fix() {
        let fixed = fix("format = 1\n[term]\nstrat = \"2026-12-07\" # first day\nmonths = 6\n", Which::Safe);
        assert_eq!(fixed.text, "format = 1\n[term]\nstart = 2026-12-07 # first day\nmonths = 6\n");
        let codes: Vec<Code> = fixed.applied.iter().map(|a| a.code).collect();
        assert_eq!(codes, vec![Code::UnknownKey, Code::WrongType]);
    }

    #[test]
    fn a_mistyped_goal_status_is_corrected() {
        let text = "format = 1\n[[evaluations]]\ndate = 2027-01-10\nprogress = [{ goal = 1, status = \"on-trak\" }]\n";
        let fixed = fix(text, Which::Safe);
        assert_eq!(fixed.text, text.replace("on-trak", "on-track"));
    }

    #[test]
    fn no_rename_onto_a_key_that_is_there() {
        let fixed = fix("format = 1\n[term]\nstart = 2026-12-07\nstrat = 2026-12-08\n", Which::Safe);
        assert!(fixed.applied.is_empty(), "{:?}", fixed.applied);
    }
}
