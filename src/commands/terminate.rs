//! `mentor-agree terminate`: record the end of an agreement by written notice.

use toml_edit::{Item, Table, value};

use crate::cli::TerminateArgs;
use mentor_agree::edit::{EditError, append_table, date_value};
use mentor_agree::engine::Session;
use mentor_agree::format::role::Role;
use mentor_agree::text::ymd;

/// Adds the `[termination]` table.
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
    super::run_edit(session, file, args.edit.dry_run, verifier, done, |doc, before| {
        if let Some(t) = before.agreement.as_ref().and_then(|a| a.termination.as_ref()) {
            let when = t.date.as_ref().map(|d| format!(" on {}", ymd(d.value))).unwrap_or_default();
            let who = t.by.as_ref().map(|b| format!(" by {}", b.value)).unwrap_or_default();
            return Err(EditError::Invalid(format!(
                "the agreement was already terminated{when}{who}; it can end only once"
            )));
        }
        if args.reason.trim().is_empty() {
            return Err(EditError::Invalid("the reason is empty; say why the agreement ends".into()));
        }
        let mut table = Table::new();
        table.insert("date", Item::Value(date_value(date)));
        table.insert("by", value(by));
        table.insert("notice", value("written"));
        table.insert("reason", value(args.reason.trim()));
        if let (Some(reported), Some(hearing)) = (args.reported, args.hearing) {
            table.insert("reported", Item::Value(date_value(reported)));
            table.insert("hearing", Item::Value(date_value(hearing)));
        }
        append_table(doc, "termination", table)?;
        match (&key, mentor_agree::rules::signatures::termination_signer(by)) {
            (Some(key), Some(role)) => super::sign::consent_to_new_record(
                doc,
                role,
                date,
                key,
                mentor_agree::format::agreement::RecordRef::Termination(date),
            ),
            _ => Ok(()),
        }
    })
}
