//! `mentor-agree terms FILE`: the canonical bytes signatures cover, or with
//! `--statement ROLE` the statement an SSH signature covers.

use std::io::Write;

use anyhow::{Context, bail};

use crate::cli::TermsArgs;
use mentor_agree::engine::Session;
use mentor_agree::engine::decode;

/// Prints the canonical terms, their digest, or a role's signature statement.
pub fn run(args: &TermsArgs, session: &Session) -> anyhow::Result<u8> {
    super::agreement_file(&args.file, "terms")?;
    let bytes =
        mentor_agree::input::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let text = decode(bytes).map_err(|l| anyhow::anyhow!("{}", l.in_file(&args.file)))?;
    let Some(terms) = mentor_agree::format::terms::canonical(&text) else {
        let parsed = mentor_agree::format::agreement::parse(&text);
        let first = mentor_agree::engine::locate(&text, parsed.diagnostics).into_iter().next();
        match first {
            Some(l) => bail!("{}", l.in_file(&args.file)),
            None => bail!("{}: not valid TOML", args.file.display()),
        }
    };
    // An empty file (or one of comments only) has no terms to print, let alone sign.
    if let Ok(doc) = text.parse::<toml_edit::DocumentMut>()
        && !mentor_agree::edit::AGREEMENT_KEYS.iter().any(|k| doc.contains_key(k))
    {
        bail!(
            "{} is not an agreement: it has none of an agreement's keys (`format`, `[mentor]`, `[mentee]`)",
            args.file.display()
        );
    }
    let mut out = std::io::stdout().lock();
    if args.digest {
        writeln!(out, "{}", mentor_agree::format::terms::digest(&terms))?;
    } else if let Some(party) = args.statement {
        out.write_all(statement(args, session, &text, &terms, party)?.as_bytes())?;
    } else {
        out.write_all(terms.as_bytes())?;
    }
    out.flush()?;
    Ok(super::EXIT_OK)
}

/// The statement `party` signs (or signed): the name and date of its signature in the
/// file unless given on the command line, and the digest of the current terms.
fn statement(
    args: &TermsArgs,
    session: &Session,
    text: &str,
    terms: &str,
    party: mentor_agree::format::role::Role,
) -> anyhow::Result<String> {
    let role = party;
    let agreement = mentor_agree::format::agreement::parse(text).agreement;
    let record = match (args.extension, args.termination) {
        (Some(d), _) => Some(mentor_agree::format::agreement::RecordRef::Extension(d)),
        (None, true) => {
            let on = agreement.as_ref().and_then(|a| a.termination.as_ref()).and_then(|t| t.date.as_ref());
            let Some(on) = on else { bail!("{} records no termination", args.file.display()) };
            Some(mentor_agree::format::agreement::RecordRef::Termination(on.value))
        }
        (None, false) => None,
    };
    let signed = agreement.as_ref().and_then(|a| {
        let list = if record.is_some() { &a.consents } else { &a.signatures };
        list.iter().find(|s| s.role.as_ref().is_some_and(|r| r.value == role.as_str()) && s.record() == record)
    });
    let name =
        match (&args.name, signed.and_then(|s| s.name.as_ref()), agreement.as_ref().and_then(|a| a.name_of(role))) {
            (Some(name), _, _) => name.clone(),
            (None, Some(name), _) => name.value.clone(),
            (None, None, Some(name)) => name.to_string(),
            (None, None, None) => bail!(
                "{} names no {role} and has no signature by one: pass --name with the name the signature gives",
                args.file.display()
            ),
        };
    let date = args.date.or_else(|| signed.and_then(|s| s.date.as_ref()).map(|d| d.value)).unwrap_or(session.today);
    let digest = mentor_agree::format::terms::digest(terms);
    match (record, agreement.as_ref()) {
        (Some(record), Some(a)) => {
            let digest = signed.and_then(|s| s.terms.as_ref()).map_or(digest.clone(), |t| t.value.clone());
            mentor_agree::format::terms::consent_statement(role.as_str(), &name, date, &digest, a, record)
                .ok_or_else(|| anyhow::anyhow!("{} records no such extension or termination", args.file.display()))
        }
        _ => Ok(mentor_agree::format::terms::statement(role.as_str(), &name, date, &digest)),
    }
}
