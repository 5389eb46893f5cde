//! `mentor-agree terminate`: record the end of an agreement by written notice.

use crate::cli::TerminateArgs;
use mentor_agree::edit::lifecycle::{self, NewTermination};
use mentor_agree::engine::Session;
use mentor_agree::format::role::Role;
use mentor_agree::text::ymd;

/// Adds the `[termination]` table ([`lifecycle::terminate`]).
pub fn run(args: &TerminateArgs, session: &Session) -> anyhow::Result<u8> {
    super::agreement_file(&args.edit.file, "terminate")?;
    if args.by != Role::Program && args.reported.is_some() {
        anyhow::bail!("--reported and --hearing record a program intervention; use them with --by program");
    }
    let date = args.edit.date.unwrap_or(session.today);
    let file = &args.edit.file;
    let by = args.by.as_str();
    let done = |o: &mentor_agree::edit::EditOutcome| {
        let verb = if o.written { "Recorded" } else { "Would record" };
        format!("{verb} the termination of {} by {by} on {} (written notice)", file.display(), ymd(date))
    };
    let key = super::sign::signing_key(args.key.as_deref())?;
    let program = session.program_for(file)?;
    let allowed = super::sign::verifier_for(&program)?;
    let verifier = allowed.as_ref().map(|a| a as &dyn mentor_agree::rules::signatures::SshVerifier);
    let termination = NewTermination {
        date,
        by: args.by,
        reason: args.reason.clone(),
        reported_and_heard: args.reported.zip(args.hearing),
    };
    super::run_edit(session, file, args.edit.dry_run, verifier, done, |doc, now| {
        lifecycle::terminate(doc, now, &termination, key.as_ref())
    })
}
