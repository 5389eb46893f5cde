//! The reminders log: one JSON line per reminder sent, appended, never rewritten.
//!
//! ```json
//! {"when":"2026-12-08T07:00:12Z","date":"2026-12-08","to":"ada@example.org","id":"2026-10-ada-grace","kind":"review-due","due":"2026-12-15","step":"before:7","message_id":"<…@example.org>"}
//! ```
//!
//! Lines only ever get added, so two branches' logs merge by keeping both
//! sides' lines (`reminders.log merge=union` in `.gitattributes`), and a line
//! repeated by such a merge changes nothing.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::cadence::Step;

/// Why the log cannot be used. Reminders are not sent without it (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// It exists but could not be read.
    #[error("cannot read the reminders log {}", path.display())]
    Read {
        /// The log.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line is not an entry (a merge conflict left in it, a hand edit).
    #[error("{}:{line}: not a reminders log entry ({message}); fix or remove the line", path.display())]
    Invalid {
        /// The log.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An entry could not be appended.
    #[error("cannot append to the reminders log {}", path.display())]
    Append {
        /// The log.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// One reminder sent: one line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// When it was sent (RFC 3339, UTC), as the caller's clock said.
    pub when: String,
    /// The run's today.
    pub date: NaiveDate,
    /// The address it went to (lowercase).
    pub to: String,
    /// The agreement id.
    pub id: String,
    /// The agenda kind of the item.
    pub kind: String,
    /// The day the item falls due (`null` for a file with errors).
    pub due: Option<NaiveDate>,
    /// The cadence step.
    pub step: String,
    /// The message's Message-ID.
    pub message_id: String,
}

/// What identifies a reminder for "never twice": to whom, which obligation (the
/// agreement, the kind's family, the due date), which step.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// Lowercase address.
    pub to: String,
    /// Agreement id.
    pub id: String,
    /// [`family`] of the kind.
    pub family: &'static str,
    /// The due date.
    pub due: Option<NaiveDate>,
    /// The step.
    pub step: Step,
}

/// The obligation an agenda kind belongs to: a review is first due, then
/// overdue, and the cadence runs on across the change of kind.
pub fn family(kind: &str) -> &'static str {
    match kind {
        "checkin-due" | "checkin-overdue" => "checkin",
        "review-due" | "review-overdue" => "review",
        "goal-due" | "goal-overdue" => "goal",
        "term-ending" | "closing-review-missing" => "closing",
        "unsigned" => "unsigned",
        "stale" => "stale",
        "amendment" => "amendment",
        "problems" => "problems",
        _ => "other",
    }
}

impl Entry {
    /// The key this entry records (`None` for a step this version does not know).
    pub fn key(&self) -> Option<Key> {
        Some(Key {
            to: self.to.to_lowercase(),
            id: self.id.clone(),
            family: family(&self.kind),
            due: self.due,
            step: Step::parse(&self.step)?,
        })
    }
}

/// What the log says was sent.
#[derive(Debug, Default)]
pub struct Log {
    sent: HashSet<Key>,
}

impl Log {
    /// Reads the log at `path`; a log that does not exist yet is empty.
    pub fn read(path: &Path) -> Result<Log, LogError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Log::default()),
            Err(source) => return Err(LogError::Read { path: path.to_path_buf(), source }),
        };
        Log::parse(&text, path)
    }

    /// Parses log text (`path` is for messages). Blank lines are skipped.
    pub fn parse(text: &str, path: &Path) -> Result<Log, LogError> {
        let mut sent = HashSet::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry: Entry = serde_json::from_str(line).map_err(|e| LogError::Invalid {
                path: path.to_path_buf(),
                line: n + 1,
                message: e.to_string(),
            })?;
            if let Some(key) = entry.key() {
                sent.insert(key);
            }
        }
        Ok(Log { sent })
    }

    /// True when this reminder was sent already.
    pub fn has(&self, key: &Key) -> bool {
        self.sent.contains(key)
    }

    /// Records entries as sent (in memory; [`append`] writes them).
    pub fn record(&mut self, entries: &[Entry]) {
        self.sent.extend(entries.iter().filter_map(Entry::key));
    }
}

/// Appends `entries` to the log at `path` (created if need be), in one write
/// and flushed to disk, so a crash leaves whole lines.
pub fn append(path: &Path, entries: &[Entry]) -> Result<(), LogError> {
    let err = |source| LogError::Append { path: path.to_path_buf(), source };
    let mut text = String::new();
    for e in entries {
        text.push_str(&serde_json::to_string(e).expect("log entries serialize"));
        text.push('\n');
    }
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(err)?;
    file.write_all(text.as_bytes()).map_err(err)?;
    file.sync_data().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(to: &str, kind: &str, step: &str) -> Entry {
        Entry {
            when: "2026-12-08T07:00:00Z".into(),
            date: "2026-12-08".parse().unwrap(),
            to: to.into(),
            id: "a".into(),
            kind: kind.into(),
            due: Some("2026-12-15".parse().unwrap()),
            step: step.into(),
            message_id: "<x@example.org>".into(),
        }
    }

    #[test]
    fn appended_entries_read_back_and_a_kind_change_keeps_the_cadence() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reminders.log");
        assert!(Log::read(&path).unwrap().sent.is_empty());
        append(&path, &[entry("Ada@Example.org", "review-due", "before:7")]).unwrap();
        append(&path, &[entry("grace@example.org", "review-due", "before:7")]).unwrap();
        let log = Log::read(&path).unwrap();
        // Same obligation once it is overdue: the step already sent is still sent.
        let key = entry("ada@example.org", "review-overdue", "before:7").key().unwrap();
        assert!(log.has(&key));
        assert!(!log.has(&entry("ada@example.org", "review-due", "before:0").key().unwrap()));
        assert!(!log.has(&entry("ada@example.org", "goal-due", "before:7").key().unwrap()));
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 2);
    }

    #[test]
    fn a_line_that_is_not_an_entry_is_located() {
        let err = Log::parse("\n<<<<<<< HEAD\n", Path::new("reminders.log")).unwrap_err();
        assert!(err.to_string().starts_with("reminders.log:2: not a reminders log entry"), "{err}");
    }
}
