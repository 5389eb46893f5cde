//! `mentor-agree checkin`: record a progress check-in with the program team.

use toml_edit::{Item, Table, value};

use crate::cli::CheckinArgs;
use mentor_agree::edit::{EditError, append_table_entry, date_value};
use mentor_agree::engine::Session;
use mentor_agree::text::ymd;

/// Appends a `[[checkins]]` entry.
pub fn run(args: &CheckinArgs, session: &Session) -> anyhow::Result<u8> {
    super::agreement_file(&args.edit.file, "checkin")?;
    let date = args.edit.date.unwrap_or(session.today);
    let file = &args.edit.file;
    let by = args.by.as_str();
    let done = |o: &mentor_agree::edit::EditOutcome| {
        let n = o.checked.agreement.as_ref().map_or(0, |a| a.checkins.len());
        let verb = if o.written { "Recorded" } else { "Would record" };
        format!("{verb} check-in #{n} in {} (by {by}, {})", file.display(), ymd(date))
    };
    super::run_edit(session, file, args.edit.dry_run, None, done, |doc, _before| {
        let mut entry = Table::new();
        entry.insert("date", Item::Value(date_value(date)));
        entry.insert("by", value(by));
        if let Some(note) = &args.note {
            if note.trim().is_empty() {
                return Err(EditError::Invalid("the note is empty; leave out --note, or write one".into()));
            }
            entry.insert("note", value(note.trim()));
        }
        append_table_entry(doc, "checkins", entry)
    })
}
