//! `mentor-agree checkin`: record a progress check-in with the program team.

use crate::cli::CheckinArgs;
use mentor_agree::edit::lifecycle::{self, NewCheckin};
use mentor_agree::engine::Session;
use mentor_agree::text::ymd;

/// Appends a `[[checkins]]` entry ([`lifecycle::checkin`]).
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
    let checkin = NewCheckin { date, by: args.by, note: args.note.clone() };
    super::run_edit(session, file, args.edit.dry_run, None, done, |doc, _now| lifecycle::checkin(doc, &checkin))
}
