//! Format-preserving, validated, atomic and locked edits of agreement files.
//!
//! Every command that changes a file goes through [`edit_file`], most of them
//! with one of the [`lifecycle`] edits (sign, check in, evaluate, extend,
//! terminate), which receive the file as it is now ([`Current`]):
//!
//! 1. **Lock.** `FILE.lock` is created exclusively (as git does). It is also the
//!    temporary file the new text is written to. Another process holding it is
//!    waited for, with backoff, up to [`EditRequest::lock_timeout`].
//! 2. **Read** the file under the lock, and check it with the program rules.
//! 3. **Change** it through [`toml_edit::DocumentMut`], so comments, key order and
//!    layout of everything the change does not touch stay byte-identical. Line
//!    endings are kept line by line, whatever the mix: the change is made with
//!    every CRLF read as LF, then each line the change left alone gets its own
//!    ending back, and each line it added or rewrote takes the ending of the line
//!    above it (so a CRLF file stays CRLF, an LF file LF).
//! 4. **Re-check.** An edit that adds an error is refused and the file is left
//!    untouched; an edit that keeps or fixes existing errors is allowed.
//! 5. **Write atomically**: write and fsync the lock file, then rename it over
//!    the file. Nothing is left behind, whether the edit succeeds or fails.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use crate::diagnostic::{Code, Severity};
use crate::engine::{self, Checked, Settings};
use crate::program::Program;

pub mod atomic;
pub mod fix;
pub mod layout;
pub mod leftovers;
pub mod lifecycle;
pub mod records;

/// How long an edit waits for another process's lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// Why an edit was not made. In every case the file is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Reading, locking or writing failed (the cause is the error's `source`). The file
    /// is unchanged and no lock is left behind.
    #[error("cannot {action} {}{}", path.display(), unchanged_note(.action))]
    Io {
        /// What was being done: "read", "create the lock file" or "write".
        action: &'static str,
        /// The file (or its lock file).
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Another process held the lock for longer than the timeout.
    #[error(
        "{} is locked: another command is editing it (waited {:.1} s). If no mentor-agree is running, a crashed one left the lock behind: run `mentor-agree unlock {}` (or remove {}) and retry",
        file.display(),
        waited.as_secs_f64(),
        file.display(),
        lock.display()
    )]
    Locked {
        /// The file being edited.
        file: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// How long the edit waited.
        waited: Duration,
    },
    /// The lock file was left by a process that is gone (killed, or the machine
    /// stopped): no running process holds it.
    #[error(
        "{} is locked by {}, left behind by a mentor-agree that was killed (no running process holds it; the file itself is unchanged): run `mentor-agree unlock {}`, then the command again",
        file.display(),
        lock.display(),
        file.display()
    )]
    Abandoned {
        /// The file being edited.
        file: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// The file cannot be read as an agreement (not UTF-8, not TOML, unsupported format).
    /// The `Checked` holds the located problems.
    #[error("{} cannot be edited until it is readable as an agreement", .0.path.display())]
    NotToml(Box<Checked>),
    /// The edit would add errors. The `Checked` is the edited text, with only the added errors.
    #[error(
        "refused to edit {}: the change would add {} (file unchanged)",
        .0.path.display(),
        crate::text::plural(.0.diagnostics.len(), "error")
    )]
    Refused(Box<Checked>),
    /// The requested change does not apply to this file (e.g. a second termination).
    #[error("{0}")]
    Invalid(String),
    /// The path is a symbolic link: an edit never writes through one (a pull
    /// request can commit a link to any file on the machine that runs the edit).
    #[error(
        "refused to edit {}: it is a symbolic link (to {}), and edits never write through a link (nothing written)",
        path.display(),
        target.display()
    )]
    Symlink {
        /// The link.
        path: PathBuf,
        /// Where it points, as written in the link.
        target: PathBuf,
    },
    /// The file is not an agreement (the program file, or other TOML): edits only touch agreements.
    #[error("refused to edit {}: {reason}, not an agreement (file unchanged)", path.display())]
    NotAnAgreement {
        /// The file.
        path: PathBuf,
        /// Why it is not taken for an agreement.
        reason: &'static str,
    },
    /// `FILE.lock` is a symbolic link: not a lock any edit made, and never written through.
    #[error(
        "{} is a symbolic link, not a lock mentor-agree made (the file is unchanged): run `mentor-agree unlock {}` (or remove {}) and retry",
        lock.display(),
        file.display(),
        lock.display()
    )]
    LockIsSymlink {
        /// The file being edited.
        file: PathBuf,
        /// The lock path, a symbolic link.
        lock: PathBuf,
    },
}

/// The keys one of which every agreement has at the top (a file with none of them
/// is some other TOML, such as a `Cargo.toml`): edits refuse the others.
pub const AGREEMENT_KEYS: [&str; 3] = crate::format::keys::AGREEMENT_KEYS;

/// Why the file at `path` (whose top-level table is `doc`) is not an agreement an
/// edit may touch, or `None` when it is one: the program file (by name, or as the
/// file `program` was read from) is not, nor is TOML with none of [`AGREEMENT_KEYS`].
fn not_an_agreement(path: &Path, doc: &Table, program: &Program) -> Option<&'static str> {
    let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if path.file_name().is_some_and(|n| n == crate::program::PROGRAM_FILE)
        || program.path.as_deref().is_some_and(|p| same(p, path))
    {
        return Some("it is the program file");
    }
    if !AGREEMENT_KEYS.iter().any(|k| doc.contains_key(k)) {
        return Some("it has none of an agreement's keys (`format`, `[mentor]`, `[mentee]`)");
    }
    None
}

fn unchanged_note(action: &str) -> &'static str {
    if action == "read" { "" } else { " (file unchanged)" }
}

/// What to edit and how to check it.
pub struct EditRequest<'a> {
    /// The agreement file.
    pub path: &'a Path,
    /// The program that governs it.
    pub program: Arc<Program>,
    /// Today, rule options and the SSH verifier, for the checks before and after.
    pub settings: Settings<'a>,
    /// Compute and check the result, but write nothing.
    pub dry_run: bool,
    /// How long to wait for a lock held by another process.
    pub lock_timeout: Duration,
}

/// The file as an edit finds it: read as an agreement, with its canonical terms
/// and derived values (the edit engine makes no change to a file without them).
#[derive(Debug, Clone, Copy)]
pub struct Current<'a> {
    /// The whole check of the file as it is.
    pub checked: &'a Checked,
    /// The agreement.
    pub agreement: &'a crate::format::agreement::Agreement,
    /// Its canonical terms bytes.
    pub terms: &'a str,
    /// What follows from it today.
    pub derived: &'a crate::facts::derived::Derived,
}

impl<'a> Current<'a> {
    /// The view of a check that read an agreement; `None` for one that did not.
    pub fn of(checked: &'a Checked) -> Option<Current<'a>> {
        Some(Current {
            checked,
            agreement: checked.agreement.as_deref()?,
            terms: checked.terms.as_deref()?,
            derived: checked.derived.as_deref()?,
        })
    }
}

/// The result of an edit.
#[derive(Debug)]
pub struct EditOutcome {
    /// The file's new text (what was written, or would have been with `dry_run`).
    pub new_text: String,
    /// True when the file was replaced; false with `dry_run`.
    pub written: bool,
    /// The check of the new text.
    pub checked: Checked,
    /// The errors and warnings of the file before the edit, to tell the problems
    /// it still has from those the edit added.
    pub before: (usize, usize),
}

/// Edits `req.path` with `change`, which receives the document and the file as
/// it is now ([`Current`]: parsed, with its terms and derived values).
///
/// Locks the file, re-checks the result with the program rules, refuses any edit
/// that adds an error (the file untouched), else writes atomically. With
/// `dry_run` the lock is taken and released, and nothing is written.
pub fn edit_file<F>(req: &EditRequest<'_>, change: F) -> Result<EditOutcome, EditError>
where
    F: FnOnce(&mut DocumentMut, &Current<'_>) -> Result<(), EditError>,
{
    edit_file_allowing(req, &[], change)
}

/// [`edit_file`], accepting added errors of the codes in `allowed` (for
/// `check --fix --unsafe-fixes`, which may make signatures stale on purpose).
pub fn edit_file_allowing<F>(req: &EditRequest<'_>, allowed: &[Code], change: F) -> Result<EditOutcome, EditError>
where
    F: FnOnce(&mut DocumentMut, &Current<'_>) -> Result<(), EditError>,
{
    let target = req.path;
    let io = |action| move |source| EditError::Io { action, path: req.path.to_path_buf(), source };
    // Before locking: a missing file or a link is reported before a lock file is created beside it.
    let meta = std::fs::symlink_metadata(target).map_err(io("read"))?;
    if meta.file_type().is_symlink() {
        let link = std::fs::read_link(target).unwrap_or_default();
        return Err(EditError::Symlink { path: req.path.to_path_buf(), target: link });
    }
    crate::input::read(target).map_err(io("read"))?;
    let lock = Lock::acquire(target, req.lock_timeout)?;
    let bytes = crate::input::read(target).map_err(io("read"))?;
    let old_text = match engine::decode(bytes) {
        Ok(text) => text,
        Err(located) => {
            let mut checked = engine::check_text(req.path, "", req.program.clone(), &req.settings);
            checked.diagnostics = vec![*located];
            return Err(EditError::NotToml(Box::new(checked)));
        }
    };
    let before = engine::check_text(req.path, &old_text, req.program.clone(), &req.settings);
    let Some(now) = Current::of(&before) else {
        let mut checked = before;
        checked.diagnostics.retain(|l| l.diagnostic.severity == Severity::Error);
        return Err(EditError::NotToml(Box::new(checked)));
    };

    // The edit is made on the text with every CRLF as LF; the endings go back afterwards.
    let lf_text = old_text.replace("\r\n", "\n");
    let mut doc: DocumentMut = lf_text.parse().map_err(|e: toml_edit::TomlError| {
        // The checker accepted the text, so this is a disagreement between two TOML parsers.
        EditError::Invalid(format!("{}: cannot edit this TOML: {}", req.path.display(), e.message()))
    })?;
    if let Some(reason) = not_an_agreement(req.path, doc.as_table(), &req.program) {
        return Err(EditError::NotAnAgreement { path: req.path.to_path_buf(), reason });
    }
    let baseline = doc.to_string();
    change(&mut doc, &now)?;
    // Appended records go to their party's section, where the file has them (see crate::edit::layout).
    let edited = crate::edit::layout::place_records(&lf_text, &carry_over(&lf_text, &baseline, &doc.to_string()));
    let new_text = restore_line_endings(&old_text, &lf_text, &edited);

    let after = engine::check_text(req.path, &new_text, req.program.clone(), &req.settings);
    let counts = (before.count(Severity::Error), before.count(Severity::Warning));
    let mut added = added_errors(&before, &after);
    added.retain(|l| !allowed.contains(&l.diagnostic.code));
    if !added.is_empty() {
        let mut refused = after;
        refused.diagnostics = added;
        return Err(EditError::Refused(Box::new(refused)));
    }
    if req.dry_run {
        drop(lock);
        return Ok(EditOutcome { new_text, written: false, checked: after, before: counts });
    }
    lock.commit(new_text.as_bytes()).map_err(io("write"))?;
    Ok(EditOutcome { new_text, written: true, checked: after, before: counts })
}

/// Errors of `after` that make an edit unacceptable: for every code with more
/// errors after than before, the errors of that code not already reported before
/// (matched by message), or all of them when the messages all changed.
///
/// Counting per code, rather than matching messages exactly, lets an edit go
/// through when an existing error merely reads differently afterwards (for
/// example a check-in outside the term, whose message names the new last day).
fn added_errors(before: &Checked, after: &Checked) -> Vec<engine::Located> {
    let errors = |c: &Checked| -> Vec<(Code, String)> {
        c.diagnostics
            .iter()
            .filter(|l| l.diagnostic.severity == Severity::Error)
            .map(|l| (l.diagnostic.code, l.diagnostic.message.clone()))
            .collect()
    };
    let (old, new) = (errors(before), errors(after));
    let mut counts: HashMap<Code, isize> = HashMap::new();
    for (code, _) in &new {
        *counts.entry(*code).or_default() += 1;
    }
    for (code, _) in &old {
        *counts.entry(*code).or_default() -= 1;
    }
    let grown: Vec<Code> = counts.into_iter().filter(|(_, n)| *n > 0).map(|(c, _)| c).collect();
    let mut out = Vec::new();
    for code in grown {
        let mut remaining: Vec<&(Code, String)> = old.iter().filter(|(c, _)| *c == code).collect();
        let of_code: Vec<&engine::Located> = after
            .diagnostics
            .iter()
            .filter(|l| l.diagnostic.severity == Severity::Error && l.diagnostic.code == code)
            .collect();
        let fresh: Vec<&engine::Located> = of_code
            .iter()
            .copied()
            .filter(|l| match remaining.iter().position(|(_, m)| *m == l.diagnostic.message) {
                Some(i) => {
                    remaining.swap_remove(i);
                    false
                }
                None => true,
            })
            .collect();
        out.extend(if fresh.is_empty() { of_code } else { fresh }.into_iter().cloned());
    }
    out.sort_by_key(|l| (l.position.line, l.position.column));
    out
}

/// Appends a `[[name]]` entry at the end of the file, laid out as the examples in
/// docs/format.md write one: a blank line before the header, then one
/// `key = value` line per key in the order the table holds them. Text after the
/// last table (trailing comments)
/// stays before the new entry, so the file's existing bytes remain a prefix of
/// the result. Fails when `name` exists but is not an array of tables.
pub fn append_table_entry(doc: &mut DocumentMut, name: &str, mut entry: Table) -> Result<(), EditError> {
    match doc.as_table().get(name) {
        None | Some(Item::ArrayOfTables(_)) => {}
        Some(_) => {
            return Err(EditError::Invalid(format!(
                "`{name}` is not a list of [[{name}]] tables; fix the file by hand first"
            )));
        }
    }
    place_at_end(doc, &mut entry);
    match doc.as_table_mut().get_mut(name) {
        Some(Item::ArrayOfTables(array)) => array.push(entry),
        _ => {
            let mut array = ArrayOfTables::new();
            array.push(entry);
            doc.insert(name, Item::ArrayOfTables(array));
        }
    }
    Ok(())
}

/// Appends a `[name]` table at the end of the file, laid out like
/// [`append_table_entry`]. Fails when `name` already exists.
pub fn append_table(doc: &mut DocumentMut, name: &str, mut table: Table) -> Result<(), EditError> {
    if doc.contains_key(name) {
        return Err(EditError::Invalid(format!("the file already has `{name}`")));
    }
    place_at_end(doc, &mut table);
    doc.insert(name, Item::Table(table));
    Ok(())
}

/// Makes `table` render after every other table, preceded by the document's
/// trailing text and a blank line.
fn place_at_end(doc: &mut DocumentMut, table: &mut Table) {
    let last = max_position(doc.as_table()).unwrap_or(0);
    let mut prefix = doc.trailing().as_str().unwrap_or("").to_string();
    doc.set_trailing("");
    if !prefix.is_empty() && !prefix.ends_with('\n') {
        prefix.push('\n');
    }
    if !(prefix == "\n" || prefix.ends_with("\n\n")) {
        prefix.push('\n');
    }
    // The entry's own comments (lines above its header, one after it) stay with it.
    let (comments, suffix) = own_comments(table);
    prefix.push_str(&comments);
    table.decor_mut().set_prefix(prefix);
    table.decor_mut().set_suffix(suffix);
    table.set_implicit(false);
    table.set_position(Some(last + 1));
}

/// A table's own comments: the comment lines above its header (each ending in a
/// newline) and a comment after the header, without the blank lines around them.
pub(crate) fn own_comments(table: &Table) -> (String, String) {
    let decor = table.decor();
    let above: String = decor
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let after = decor.suffix().and_then(|s| s.as_str()).filter(|s| s.trim_start().starts_with('#')).unwrap_or("");
    (above, after.to_string())
}

fn max_position(table: &Table) -> Option<isize> {
    let mut max = table.position();
    for (_, item) in table.iter() {
        let nested = match item {
            Item::Table(t) => max_position(t),
            Item::ArrayOfTables(a) => a.iter().filter_map(max_position).max(),
            _ => None,
        };
        max = max.max(nested);
    }
    max
}

/// A TOML local date (`2026-12-07`), never a string.
pub fn date_value(date: NaiveDate) -> toml_edit::Value {
    let datetime = toml_edit::Datetime {
        date: Some(toml_edit::Date { year: date.year() as u16, month: date.month() as u8, day: date.day() as u8 }),
        time: None,
        offset: None,
    };
    toml_edit::Value::from(datetime)
}

/// Carries the change toml_edit made (`baseline` → `rendered`) over to the
/// file's own text. toml_edit does not round-trip every file byte for byte: it
/// ends the last line with a line break, and gives every `[[name]]` header of
/// one list the spacing of the first (`[[goals ]]` becomes `[[goals]]`). An
/// append is carried over exactly; a change in place is carried over when the
/// differences lie on one side of it. The result always means what `rendered`
/// means (else `rendered` itself is used).
pub fn carry_over(original: &str, baseline: &str, rendered: &str) -> String {
    if baseline == original {
        return rendered.to_string();
    }
    let candidate = match rendered.strip_prefix(baseline) {
        Some(added) => {
            let glue = if baseline.ends_with('\n') && !original.ends_with('\n') { "\n" } else { "" };
            Some(format!("{original}{glue}{added}"))
        }
        None => {
            // A change in place never moves the last line: carry it over as if that
            // line had its break, and take the break off again.
            let bare = !original.ends_with('\n') && baseline.ends_with('\n');
            let ended = if bare { format!("{original}\n") } else { original.to_string() };
            merge_lines(baseline, &ended, rendered).or_else(|| splice(&ended, baseline, rendered)).map(|mut text| {
                if bare && text.ends_with('\n') {
                    text.pop();
                }
                text
            })
        }
    };
    let same_meaning = |text: &str| {
        let value = |t: &str| t.parse::<toml::Table>().ok();
        value(text).is_some() && value(text) == value(rendered)
    };
    match candidate {
        Some(text) if same_meaning(&text) => text,
        _ => rendered.to_string(),
    }
}

/// The one changed stretch of `baseline` → `rendered` carried over to `original`,
/// when `original` differs from `baseline` only before it or only after it.
fn splice(original: &str, baseline: &str, rendered: &str) -> Option<String> {
    let (b, r) = (baseline.as_bytes(), rendered.as_bytes());
    let mut p = b.iter().zip(r).take_while(|(x, y)| x == y).count();
    while !(baseline.is_char_boundary(p) && rendered.is_char_boundary(p)) {
        p -= 1;
    }
    let mut s = b[p..].iter().rev().zip(r[p..].iter().rev()).take_while(|(x, y)| x == y).count();
    while !(baseline.is_char_boundary(b.len() - s) && rendered.is_char_boundary(r.len() - s)) {
        s -= 1;
    }
    let changed_end = b.len() - s;
    if original.as_bytes().starts_with(&b[..changed_end]) {
        original.get(changed_end..).map(|tail| format!("{}{tail}", &rendered[..r.len() - s]))
    } else if original.ends_with(&baseline[p..]) {
        original.get(..original.len() - (b.len() - p)).map(|head| format!("{head}{}", &rendered[p..]))
    } else {
        None
    }
}

/// A line-wise three-way merge: the changes from `base` to `a` and from `base`
/// to `b`, when no two of them touch the same lines. `None` on a conflict.
fn merge_lines(base: &str, a: &str, b: &str) -> Option<String> {
    fn lines(t: &str) -> Vec<&str> {
        t.split_inclusive('\n').collect()
    }
    let (base, a, b) = (lines(base), lines(a), lines(b));
    // Each change: the base lines it replaces, and what with.
    let changes = |other: &[&str]| -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
        similar::capture_diff_slices(similar::Algorithm::Myers, &base, other)
            .into_iter()
            .filter(|op| op.tag() != similar::DiffTag::Equal)
            .map(|op| (op.old_range(), op.new_range()))
            .collect()
    };
    let mut all: Vec<(std::ops::Range<usize>, &[&str])> = Vec::new();
    all.extend(changes(&a).into_iter().map(|(old, new)| (old, &a[new])));
    all.extend(changes(&b).into_iter().map(|(old, new)| (old, &b[new])));
    all.sort_by_key(|(old, _)| (old.start, old.end));
    let mut out = String::new();
    let mut at = 0;
    for (i, (old, new)) in all.iter().enumerate() {
        if i > 0 && (old.start < at || old.start == all[i - 1].0.start) {
            return None;
        }
        out.extend(base[at..old.start].iter().copied());
        out.extend(new.iter().copied());
        at = old.end;
    }
    out.extend(base[at..].iter().copied());
    Some(out)
}

/// Puts back the line endings of `original` (any mix of CRLF and LF) on `edited`,
/// which was made from `lf_original` (`original` with every CRLF as LF).
///
/// Each line of `edited` that is a line of `lf_original` left alone by the edit
/// (found by a line diff) gets that line's own ending back, so untouched lines
/// keep their bytes whatever the mix. A line the edit added or rewrote takes the
/// ending of the line above it in the result (the first line of a file, the
/// ending of the file's first line). A last line without a line break stays
/// without one.
fn restore_line_endings(original: &str, lf_original: &str, edited: &str) -> String {
    if !original.contains("\r\n") {
        return edited.to_string();
    }
    let crlf: Vec<bool> = original.split_inclusive('\n').map(|line| line.ends_with("\r\n")).collect();
    let old: Vec<&str> = lf_original.split_inclusive('\n').collect();
    let new: Vec<&str> = edited.split_inclusive('\n').collect();
    debug_assert_eq!(crlf.len(), old.len());
    let mut out = String::with_capacity(edited.len() + edited.len() / 16);
    let mut above = crlf.first().copied().unwrap_or(false);
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new) {
        let kept = op.tag() == similar::DiffTag::Equal;
        for (k, i) in op.new_range().enumerate() {
            let line = new[i];
            let ending = if kept { crlf[op.old_range().start + k] } else { above };
            match line.strip_suffix('\n') {
                Some(body) if ending => {
                    out.push_str(body);
                    out.push_str("\r\n");
                }
                _ => out.push_str(line),
            }
            above = ending;
        }
    }
    out
}

/// The path of `file`'s lock: `FILE.lock` beside it.
fn lock_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    file.with_file_name(name)
}

/// The lock an edit of `path` takes: `FILE.lock` beside it (edits refuse a
/// symbolic link, so this is never beside a link's target).
pub fn edit_lock_path(path: &Path) -> PathBuf {
    lock_path(path)
}

/// A held `FILE.lock`. Removed on drop unless committed (renamed over the file).
struct Lock {
    file: PathBuf,
    path: PathBuf,
    handle: Option<File>,
}

impl Lock {
    fn acquire(file: &Path, timeout: Duration) -> Result<Lock, EditError> {
        let path = lock_path(file);
        let started = Instant::now();
        let mut pause = Duration::from_millis(2);
        // Spread retries of processes that started together.
        let jitter = u64::from(std::process::id() % 7);
        loop {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(handle) => {
                    // Held until the handle closes, or the process ends however it ends,
                    // so a later run can tell a lock left by a killed process.
                    crate::edit::leftovers::hold(&handle);
                    return Ok(Lock { file: file.to_path_buf(), path, handle: Some(handle) });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                        return Err(EditError::LockIsSymlink { file: file.to_path_buf(), lock: path });
                    }
                    if crate::edit::leftovers::lock_abandoned(&path) {
                        return Err(EditError::Abandoned { file: file.to_path_buf(), lock: path });
                    }
                    let waited = started.elapsed();
                    if waited >= timeout {
                        return Err(EditError::Locked { file: file.to_path_buf(), lock: path, waited });
                    }
                    let sleep = (pause + Duration::from_millis(jitter)).min(timeout - waited);
                    std::thread::sleep(sleep);
                    pause = (pause * 2).min(Duration::from_millis(100));
                }
                Err(source) => return Err(EditError::Io { action: "create the lock file", path, source }),
            }
        }
    }

    /// Writes `bytes` to the lock file, syncs it, gives it the file's permissions
    /// and renames it over the file.
    fn commit(mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut handle = self.handle.take().expect("lock file is open");
        if fault(Fault::DiskFull) {
            handle.write_all(&bytes[..bytes.len() / 2])?;
            return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left on device (injected)"));
        }
        handle.write_all(bytes)?;
        crate::edit::atomic::keep_permissions(&handle, &self.file)?;
        handle.sync_all()?;
        if fault(Fault::CrashBeforeRename) {
            // As a power cut or `kill -9` would: no destructor runs, the lock stays.
            std::process::abort();
        }
        // Where it can be, the handle (and its advisory lock) is kept until the rename
        // is done, so the lock never looks abandoned while it is in use.
        #[cfg(not(unix))]
        drop(handle);
        std::fs::rename(&self.path, &self.file)?;
        #[cfg(unix)]
        drop(handle);
        // The rename is done: nothing to clean up any more.
        self.path = PathBuf::new();
        crate::edit::atomic::sync_dir(crate::edit::atomic::parent_dir(&self.file));
        Ok(())
    }
}

/// Failures the tests inject to show that an edit interrupted at the worst moment
/// leaves the original file intact. Only debug builds (`cargo test`) read
/// `MENTOR_AGREE_FAULT`; release builds compile the check away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// `MENTOR_AGREE_FAULT=crash-before-rename`: abort after the new text is written
    /// and synced to the lock file, before it is renamed over the file.
    CrashBeforeRename,
    /// `MENTOR_AGREE_FAULT=disk-full`: write half the new text, then fail as a full disk does.
    DiskFull,
}

#[cfg(debug_assertions)]
fn fault(which: Fault) -> bool {
    let name = match which {
        Fault::CrashBeforeRename => "crash-before-rename",
        Fault::DiskFull => "disk-full",
    };
    std::env::var("MENTOR_AGREE_FAULT").is_ok_and(|v| v == name)
}

#[cfg(not(debug_assertions))]
fn fault(_: Fault) -> bool {
    false
}

impl Drop for Lock {
    fn drop(&mut self) {
        drop(self.handle.take());
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(pairs: &[(&str, toml_edit::Value)]) -> Table {
        let mut t = Table::new();
        for (k, v) in pairs {
            t.insert(k, Item::Value(v.clone()));
        }
        t
    }

    fn append(text: &str) -> String {
        let mut doc: DocumentMut = text.parse().unwrap();
        let date = date_value(NaiveDate::from_ymd_opt(2027, 1, 10).unwrap());
        append_table_entry(&mut doc, "checkins", entry(&[("date", date), ("by", "mentee".into())])).unwrap();
        doc.to_string()
    }

    #[test]
    fn appends_in_spec_layout_after_everything() {
        let text =
            "format = 1 # v\n\n[[checkins]]\ndate = 2027-01-01\nby = \"mentor\"\n\n[termination]\ndate = 2027-02-01\n";
        let out = append(text);
        assert_eq!(out, format!("{text}\n[[checkins]]\ndate = 2027-01-10\nby = \"mentee\"\n"));
    }

    #[test]
    fn trailing_comments_stay_before_the_new_entry() {
        let text = "[term]\nmonths = 6\n\n# the end\n";
        assert_eq!(append(text), format!("{text}\n[[checkins]]\ndate = 2027-01-10\nby = \"mentee\"\n"));
        let text = "[term]\nmonths = 6\n\n";
        assert_eq!(append(text), format!("{text}[[checkins]]\ndate = 2027-01-10\nby = \"mentee\"\n"));
    }

    #[test]
    fn missing_final_newline_is_added_before_the_entry() {
        let text = "[term]\nmonths = 6";
        assert_eq!(append(text), format!("{text}\n\n[[checkins]]\ndate = 2027-01-10\nby = \"mentee\"\n"));
    }

    #[test]
    fn append_table_refuses_a_second_one() {
        let mut doc: DocumentMut = "[term]\nmonths = 6\n# c\n".parse().unwrap();
        append_table(&mut doc, "termination", entry(&[("by", "mentee".into())])).unwrap();
        assert_eq!(doc.to_string(), "[term]\nmonths = 6\n# c\n\n[termination]\nby = \"mentee\"\n");
        assert!(matches!(append_table(&mut doc, "termination", Table::new()), Err(EditError::Invalid(_))));
    }

    /// The file after `change`, as `edit_file` computes it.
    fn edited(original: &str, change: impl FnOnce(&mut DocumentMut)) -> String {
        let mut doc: DocumentMut = original.parse().unwrap();
        let baseline = doc.to_string();
        change(&mut doc);
        carry_over(original, &baseline, &doc.to_string())
    }

    fn set_first_date(doc: &mut DocumentMut) {
        doc["s"].as_array_of_tables_mut().unwrap().get_mut(0).unwrap()["date"] =
            Item::Value(date_value(NaiveDate::from_ymd_opt(2027, 2, 3).unwrap()));
    }

    fn add_checkin(doc: &mut DocumentMut) {
        let date = date_value(NaiveDate::from_ymd_opt(2027, 1, 10).unwrap());
        append_table_entry(doc, "checkins", entry(&[("date", date), ("by", "mentee".into())])).unwrap();
    }

    #[test]
    fn an_edit_in_place_adds_no_final_newline() {
        let old = "[[s]]\nrole = \"a\"\ndate = 2026-01-01\n\n[[s]]\nrole = \"b\"\ndate = 2026-01-01";
        assert_eq!(edited(old, set_first_date), old.replacen("2026-01-01", "2027-02-03", 1));
        // An append after such a line still ends its own new line.
        let old = "[term]\nmonths = 6";
        assert_eq!(edited(old, add_checkin), format!("{old}\n\n[[checkins]]\ndate = 2027-01-10\nby = \"mentee\"\n"));
    }

    #[test]
    fn headers_toml_edit_would_respace_are_kept() {
        // Found by fuzzing: toml_edit writes every [[s]] header like the first one.
        let old = "[[s]]\nrole = \"a\"\ndate = 2026-01-01\n\n[[ s ]]\nrole = \"b\"\ndate = 2026-01-01\n";
        assert_eq!(edited(old, add_checkin), format!("{old}\n[[checkins]]\ndate = 2027-01-10\nby = \"mentee\"\n"));
        assert_eq!(edited(old, set_first_date), old.replacen("2026-01-01", "2027-02-03", 1));
        // A difference before the change.
        let old = "[[s]]\nrole = \"a\"\n\n[[ s]]\nrole = \"b\"\n\n[[t]]\ndate = 2026-01-01\n";
        let change = |doc: &mut DocumentMut| {
            doc["t"].as_array_of_tables_mut().unwrap().get_mut(0).unwrap()["date"] =
                Item::Value(date_value(NaiveDate::from_ymd_opt(2027, 2, 3).unwrap()));
        };
        assert_eq!(edited(old, change), old.replace("2026-01-01", "2027-02-03"));
        // Differences on both sides of the change (and a missing final newline): merged line by line.
        let old = "[[s]]\nrole = \"a\"\n\n[[ s]]\nrole = \"b\"\n\n[[t]]\ndate = 2026-01-01\n\n[[t ]]\nx = 1";
        assert_eq!(edited(old, change), old.replace("2026-01-01", "2027-02-03"));
    }

    #[test]
    fn dates_are_toml_dates() {
        let v = date_value(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
        assert!(v.is_datetime());
        assert_eq!(v.to_string(), "2026-03-09");
    }

    fn restored(original: &str, edited_lf: &str) -> String {
        restore_line_endings(original, &original.replace("\r\n", "\n"), edited_lf)
    }

    #[test]
    fn untouched_lines_keep_their_own_endings() {
        // A mixed file: each line written out by hand, not derived from the function.
        let original = "a = 1\r\nb = 2\nc = 3\r\n";
        assert_eq!(restored(original, "a = 1\nb = 2\nc = 3\n"), original);
        // An appended line follows the line above it (CRLF here).
        assert_eq!(
            restored(original, "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n"),
            "a = 1\r\nb = 2\nc = 3\r\nd = 4\r\ne = 5\r\n"
        );
        // A line inserted after an LF line is LF; a rewritten one follows the line above it.
        assert_eq!(restored(original, "a = 1\nb = 2\nx = 0\nc = 3\n"), "a = 1\r\nb = 2\nx = 0\nc = 3\r\n");
        assert_eq!(restored(original, "a = 1\nb = 9\nc = 3\n"), "a = 1\r\nb = 9\r\nc = 3\r\n");
        // A new first line takes the first line's ending; a bare last line stays bare.
        assert_eq!(restored("a = 1\nb = 2\r\nc = 3", "z = 0\na = 1\nb = 2\nc = 3"), "z = 0\na = 1\nb = 2\r\nc = 3");
        // No CRLF at all: untouched.
        assert_eq!(restored("a = 1\n", "a = 1\nb = 2\n"), "a = 1\nb = 2\n");
    }

    #[test]
    fn lock_path_is_beside_the_file() {
        // In the file's own folder (so the rename that commits an edit never crosses
        // file systems), named after the whole file name, so two files never share one.
        for file in ["a/b.toml", "b.toml", "a/b", "a/.b.toml", "a/b.toml.lock"] {
            let lock = lock_path(Path::new(file));
            assert_eq!(lock.parent(), Path::new(file).parent(), "{file}");
            assert_ne!(lock, Path::new(file), "{file}");
        }
        assert_ne!(lock_path(Path::new("a/b.toml")), lock_path(Path::new("a/b")));
        assert_ne!(lock_path(Path::new("a/b.toml")), lock_path(Path::new("c/b.toml")));
    }
}
