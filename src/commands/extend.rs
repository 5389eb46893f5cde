//! `mentor-agree extend`: record an extension agreed by mentor and mentee.

use toml_edit::{Array, Item, Table, value};

use crate::cli::ExtendArgs;
use mentor_agree::edit::{EditError, append_table_entry, date_value};
use mentor_agree::engine::Session;
use mentor_agree::text::ymd;

/// Appends an `[[extensions]]` entry.
pub fn run(args: &ExtendArgs, session: &Session) -> anyhow::Result<u8> {
    super::agreement_file(&args.edit.file, "extend")?;
    let date = args.edit.date.unwrap_or(session.today);
    let (key, n) = match (args.months, args.weeks) {
        (Some(m), _) => ("months", m),
        (None, Some(w)) => ("weeks", w),
        (None, None) => anyhow::bail!("give the length: --months N or --weeks N"),
    };
    let length = mentor_agree::text::plural(n as usize, key.trim_end_matches('s'));
    let file = &args.edit.file;
    let done = |o: &mentor_agree::edit::EditOutcome| {
        let end = o.checked.derived.as_ref().and_then(|d| d.last_day).map(ymd).unwrap_or_else(|| "?".into());
        if o.written {
            format!("Extended {} by {length}, agreed {}: the last day is now {end}", file.display(), ymd(date))
        } else {
            format!("Would extend {} by {length}, agreed {}: the last day would be {end}", file.display(), ymd(date))
        }
    };
    let signing = super::sign::signing_key(args.key.as_deref())?;
    let program = session.program_for(file)?;
    let allowed = super::sign::verifier_for(&program)?;
    let verifier = allowed.as_ref().map(|a| a as &dyn mentor_agree::rules::signatures::SshVerifier);
    super::run_edit(session, file, args.edit.dry_run, verifier, done, |doc, before| {
        if let Some(t) = before.agreement.as_ref().and_then(|a| a.termination.as_ref()) {
            let when = t.date.as_ref().map(|d| format!(" on {}", ymd(d.value))).unwrap_or_default();
            return Err(EditError::Invalid(format!("the agreement was terminated{when}; it cannot be extended")));
        }
        let mut by = Array::new();
        let mut seen = Vec::new();
        for party in &args.by {
            if !seen.contains(party) {
                seen.push(*party);
                by.push(party.as_str());
            }
        }
        let mut entry = Table::new();
        entry.insert(key, value(i64::from(n)));
        entry.insert("agreed", Item::Value(date_value(date)));
        entry.insert("by", value(by));
        append_table_entry(doc, "extensions", entry)?;
        match (&signing, args.role) {
            (Some(key), Some(role)) => super::sign::consent_to_new_record(
                doc,
                role,
                date,
                key,
                mentor_agree::format::agreement::RecordRef::Extension(date),
            ),
            _ => Ok(()),
        }
    })
}
