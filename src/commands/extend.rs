//! `mentor-agree extend`: record an extension agreed by mentor and mentee.

use crate::cli::ExtendArgs;
use mentor_agree::edit::lifecycle::{self, NewExtension};
use mentor_agree::engine::Session;
use mentor_agree::text::ymd;

/// Appends an `[[extensions]]` entry ([`lifecycle::extend`]).
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
    let extension = NewExtension { agreed: date, unit: key, length: n, by: args.by.clone() };
    let consent = signing.as_ref().zip(args.role);
    super::run_edit(session, file, args.edit.dry_run, verifier, done, |doc, now| {
        lifecycle::extend(doc, now, &extension, consent)
    })
}
