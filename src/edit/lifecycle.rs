//! The lifecycle edits every front end makes, in one place: sign (the terms, or
//! a consent to an extension or the termination), check in, evaluate, answer a
//! feedback form, extend and terminate. Each takes the document to change and [`Current`], the file
//! as it is now (parsed, with its terms and derived values), and says in an
//! [`EditError`] why it refuses: the command line and the language server call
//! the same functions, through [`super::edit_file`], which locks, re-checks and
//! writes.

use chrono::NaiveDate;
use toml_edit::{Array, DocumentMut, Item, Table, Value, value};

use super::{Current, EditError, append_table, append_table_entry, date_value};
use crate::facts::evaluation::NewEvaluation;
use crate::feedback::NewFeedback;
use crate::format::agreement::RecordRef;
use crate::format::role::Role;
use crate::ssh::SigningKey;
use crate::text::ymd;

/// A signature to add: of the terms, or with `target` a consent to a record.
#[derive(Debug, Clone, Copy)]
pub struct NewSignature<'a> {
    /// Who signs.
    pub role: Role,
    /// The name signed (default: the party's name in the agreement).
    pub name: Option<&'a str>,
    /// The day of signing.
    pub date: NaiveDate,
    /// With SSH signing, the key that signs.
    pub key: Option<&'a SigningKey>,
    /// `--signer`, which must be the party's email when given.
    pub signer: Option<&'a str>,
    /// The record consented to, if not the terms.
    pub target: Option<SignTarget>,
}

/// Adds the role's signature, or replaces the one it has (the role's consent to
/// that record, with a target). A signature of earlier terms that took effect
/// is never replaced: it is the record of the terms in force before an
/// amendment, and the new one goes beside it.
pub fn sign(doc: &mut DocumentMut, now: &Current<'_>, s: &NewSignature<'_>) -> Result<(), EditError> {
    let which = s.target.map(|t| t.resolve(now.agreement)).transpose()?;
    let entry = signature_entry(now.agreement, now.terms, s.role, s.name, s.date, s.key, s.signer, which)?;
    let keep: Vec<&str> = now.derived.versions.iter().map(|v| v.digest.as_str()).collect();
    put_signature(doc, s.role, which, entry, &keep)
}

/// A check-in to record.
#[derive(Debug, Clone)]
pub struct NewCheckin {
    /// The day.
    pub date: NaiveDate,
    /// Who reports.
    pub by: Role,
    /// A short progress note.
    pub note: Option<String>,
}

/// Appends a `[[checkins]]` entry; an empty note is refused.
pub fn checkin(doc: &mut DocumentMut, c: &NewCheckin) -> Result<(), EditError> {
    let mut entry = Table::new();
    entry.insert("date", Item::Value(date_value(c.date)));
    entry.insert("by", value(c.by.as_str()));
    if let Some(note) = &c.note {
        if note.trim().is_empty() {
            return Err(EditError::Invalid("the note is empty; leave out --note, or write one".into()));
        }
        entry.insert("note", value(note.trim()));
    }
    append_table_entry(doc, "checkins", entry)
}

/// Appends an `[[evaluations]]` entry.
pub fn evaluate(doc: &mut DocumentMut, e: &NewEvaluation) -> Result<(), EditError> {
    append_table_entry(doc, "evaluations", super::records::evaluation_table(e))
}

/// Appends a `[[feedback]]` entry: the answers the pair may read as they are,
/// the team's already sealed (`sealed`, the armored block).
pub fn feedback(doc: &mut DocumentMut, f: &NewFeedback, sealed: Option<&str>) -> Result<(), EditError> {
    append_table_entry(doc, "feedback", super::records::feedback_table(f, sealed))
}

/// An extension to record.
#[derive(Debug, Clone)]
pub struct NewExtension {
    /// The day it was agreed.
    pub agreed: NaiveDate,
    /// `months` or `weeks`.
    pub unit: &'static str,
    /// How many.
    pub length: u32,
    /// Who agreed (repeats are written once).
    pub by: Vec<Role>,
}

/// Appends an `[[extensions]]` entry; with `consent`, that party's signature of
/// it too. A terminated agreement cannot be extended.
pub fn extend(
    doc: &mut DocumentMut,
    now: &Current<'_>,
    e: &NewExtension,
    consent: Option<(&SigningKey, Role)>,
) -> Result<(), EditError> {
    if let Some(t) = &now.agreement.termination {
        let when = t.date.as_ref().map(|d| format!(" on {}", ymd(d.value))).unwrap_or_default();
        return Err(EditError::Invalid(format!("the agreement was terminated{when}; it cannot be extended")));
    }
    let mut by = Array::new();
    let mut seen = Vec::new();
    for party in &e.by {
        if !seen.contains(party) {
            seen.push(*party);
            by.push(party.as_str());
        }
    }
    let mut entry = Table::new();
    entry.insert(e.unit, value(i64::from(e.length)));
    entry.insert("agreed", Item::Value(date_value(e.agreed)));
    entry.insert("by", value(by));
    append_table_entry(doc, "extensions", entry)?;
    match consent {
        Some((key, role)) => consent_to_new_record(doc, role, e.agreed, key, RecordRef::Extension(e.agreed)),
        None => Ok(()),
    }
}

/// A termination to record (by written notice).
#[derive(Debug, Clone)]
pub struct NewTermination {
    /// The day it ends.
    pub date: NaiveDate,
    /// Who gives notice: mentor, mentee or the program.
    pub by: Role,
    /// Why.
    pub reason: String,
    /// For the program: the day the concern was reported and the day both were heard.
    pub reported_and_heard: Option<(NaiveDate, NaiveDate)>,
}

/// Adds the `[termination]` table; with `key`, the signature of whoever gave
/// notice (the lead, for the program). An agreement ends only once, and never
/// without a reason.
pub fn terminate(
    doc: &mut DocumentMut,
    now: &Current<'_>,
    t: &NewTermination,
    key: Option<&SigningKey>,
) -> Result<(), EditError> {
    if let Some(done) = &now.agreement.termination {
        let when = done.date.as_ref().map(|d| format!(" on {}", ymd(d.value))).unwrap_or_default();
        let who = done.by.as_ref().map(|b| format!(" by {}", b.value)).unwrap_or_default();
        return Err(EditError::Invalid(format!(
            "the agreement was already terminated{when}{who}; it can end only once"
        )));
    }
    if t.reason.trim().is_empty() {
        return Err(EditError::Invalid("the reason is empty; say why the agreement ends".into()));
    }
    let by = t.by.as_str();
    let mut table = Table::new();
    table.insert("date", Item::Value(date_value(t.date)));
    table.insert("by", value(by));
    table.insert("notice", value("written"));
    table.insert("reason", value(t.reason.trim()));
    if let Some((reported, hearing)) = t.reported_and_heard {
        table.insert("reported", Item::Value(date_value(reported)));
        table.insert("hearing", Item::Value(date_value(hearing)));
    }
    append_table(doc, "termination", table)?;
    match (key, crate::rules::signatures::termination_signer(by)) {
        (Some(key), Some(role)) => consent_to_new_record(doc, role, t.date, key, RecordRef::Termination(t.date)),
        _ => Ok(()),
    }
}

/// The record a consent signs (`sign --extension [DATE]`, `sign --termination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignTarget {
    /// `--extension`, with the day it was agreed (`None`: the latest).
    Extension(Option<chrono::NaiveDate>),
    /// `--termination`.
    Termination,
}

impl SignTarget {
    /// The record of `a` this names, or why there is none.
    pub fn resolve(self, a: &crate::format::agreement::Agreement) -> Result<RecordRef, EditError> {
        match self {
            SignTarget::Extension(day) => {
                let agreed: Vec<chrono::NaiveDate> =
                    a.extensions.iter().filter_map(|e| e.agreed.as_ref().map(|d| d.value)).collect();
                match day {
                    Some(d) if agreed.contains(&d) => Ok(RecordRef::Extension(d)),
                    Some(d) => {
                        Err(EditError::Invalid(format!("the agreement records no extension agreed on {}", ymd(d))))
                    }
                    None => agreed
                        .last()
                        .map(|d| RecordRef::Extension(*d))
                        .ok_or_else(|| EditError::Invalid("the agreement records no extension to sign".into())),
                }
            }
            SignTarget::Termination => a
                .termination
                .as_ref()
                .and_then(|t| t.date.as_ref())
                .map(|d| RecordRef::Termination(d.value))
                .ok_or_else(|| EditError::Invalid("the agreement records no termination to sign".into())),
        }
    }
}

/// A `[[signatures]]` entry for `role` on `date`: of the terms, or with `record`
/// a consent to that extension or termination. With `key`, an SSH signature
/// whose signer is the party's email, over the statement the checker verifies.
#[allow(clippy::too_many_arguments)]
fn signature_entry(
    agreement: &crate::format::agreement::Agreement,
    terms: &str,
    role: Role,
    name: Option<&str>,
    date: chrono::NaiveDate,
    key: Option<&SigningKey>,
    signer: Option<&str>,
    record: Option<RecordRef>,
) -> Result<Table, EditError> {
    let party = agreement.party(role);
    let name = match (name, party.and_then(|p| p.name.as_ref())) {
        (Some(name), _) => name.to_string(),
        (None, Some(name)) => name.value.clone(),
        (None, None) => {
            return Err(EditError::Invalid(format!(
                "the agreement names no {role}: add `name` under [{role}], or pass --name"
            )));
        }
    };
    let digest = crate::format::terms::digest(terms);
    let mut entry = Table::new();
    entry.insert("role", value(role.as_str()));
    entry.insert("name", value(name.as_str()));
    entry.insert("date", Item::Value(date_value(date)));
    entry.insert("terms", value(digest.as_str()));
    match record {
        Some(RecordRef::Extension(d)) => {
            entry.insert("extension", Item::Value(date_value(d)));
        }
        Some(RecordRef::Termination(d)) => {
            entry.insert("termination", Item::Value(date_value(d)));
        }
        None => {}
    }
    if let Some(key) = key {
        // The signer is always the party's email, so a key counts only for its owner's role.
        let Some(email) = party.and_then(|p| p.email.as_ref()).map(|e| e.value.clone()) else {
            return Err(EditError::Invalid(format!(
                "the {role} has no email: with SSH signing it names the signer, the principal the allowed_signers file lists their key under; add email = \"…\" under [{role}]"
            )));
        };
        if let Some(signer) = signer
            && signer.trim() != email
        {
            return Err(EditError::Invalid(format!(
                "--signer {signer} is not the {role}'s email ({email}): an SSH signature is always made as the party's email; list the key under {email} in allowed_signers"
            )));
        }
        let statement = match record {
            None => crate::format::terms::statement(role.as_str(), &name, date, &digest),
            Some(r) => crate::format::terms::consent_statement(role.as_str(), &name, date, &digest, agreement, r)
                .ok_or_else(|| EditError::Invalid("the record to sign is not in the agreement".into()))?,
        };
        let armored = key.sign(statement.as_bytes()).map_err(|e| EditError::Invalid(e.to_string()))?;
        entry.insert("signer", value(email));
        entry.insert("sig", Item::Value(multiline(&armored)));
    }
    Ok(entry)
}

/// Signs a record this edit has just added to `doc` (an extension or the
/// termination) as `role`, reading the record back from the document.
fn consent_to_new_record(
    doc: &mut DocumentMut,
    role: Role,
    date: chrono::NaiveDate,
    key: &SigningKey,
    record: RecordRef,
) -> Result<(), EditError> {
    let parsed = crate::format::agreement::parse(&doc.to_string());
    let (Some(agreement), Some(terms)) = (parsed.agreement, parsed.terms) else {
        return Err(EditError::Invalid("the file cannot be read back to sign the record".into()));
    };
    let entry = signature_entry(&agreement, &terms, role, None, date, Some(key), None, Some(record))?;
    put_signature(doc, role, Some(record), entry, &[])
}

/// An armored signature as a TOML multi-line basic string: `"""` + newline + armor + `"""`.
fn multiline(armored: &str) -> Value {
    // Armor is base64 between BEGIN/END lines: no quotes or backslashes to escape.
    let text = format!("\"\"\"\n{}\n\"\"\"", armored.trim_end());
    let mut v: Value = text.parse().unwrap_or_else(|_| Value::from(armored.to_string()));
    v.decor_mut().clear();
    v
}

/// Replaces the role's signature of the terms (or, with `record`, its consent to
/// that record) in place, keeping its position, comments and the layout of the
/// keys it keeps, and dropping any further one; or appends a new entry when the
/// role has none. Entries over the terms digests in `keep` (earlier terms that
/// took effect) are left as they are.
fn put_signature(
    doc: &mut DocumentMut,
    role: Role,
    record: Option<RecordRef>,
    entry: Table,
    keep: &[&str],
) -> Result<(), EditError> {
    let signatures = match doc.get_mut("signatures") {
        None => return append_table_entry(doc, "signatures", entry),
        Some(Item::ArrayOfTables(array)) => array,
        Some(_) => {
            return Err(EditError::Invalid(
                "`signatures` is not a list of [[signatures]] tables; fix the file by hand first".into(),
            ));
        }
    };
    let day =
        |t: &Table, key: &str| t.get(key).and_then(Item::as_value).and_then(|v| v.as_datetime()).map(|d| d.to_string());
    let wanted = match record {
        None => (None, None),
        Some(RecordRef::Extension(d)) => (Some(d.format("%Y-%m-%d").to_string()), None),
        Some(RecordRef::Termination(d)) => (None, Some(d.format("%Y-%m-%d").to_string())),
    };
    let of_role: Vec<usize> = signatures
        .iter()
        .enumerate()
        .filter(|(_, t)| t.get("role").and_then(Item::as_str) == Some(role.as_str()))
        .filter(|(_, t)| (day(t, "extension"), day(t, "termination")) == wanted)
        .filter(|(_, t)| t.get("terms").and_then(Item::as_str).is_none_or(|d| !keep.contains(&d)))
        .map(|(i, _)| i)
        .collect();
    let Some((&first, rest)) = of_role.split_first() else {
        return append_table_entry(doc, "signatures", entry);
    };
    for &i in rest.iter().rev() {
        signatures.remove(i);
    }
    let old = signatures.get_mut(first).expect("index from the same array");
    for key in ["signer", "sig"] {
        if !entry.contains_key(key) {
            old.remove(key);
        }
    }
    for (key, item) in entry {
        match old.get_mut(&key) {
            Some(Item::Value(existing)) => {
                let decor = existing.decor().clone();
                let Item::Value(mut new) = item else { unreachable!("signature entries hold values") };
                *new.decor_mut() = decor;
                *existing = new;
            }
            _ => {
                old.insert(&key, item);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::engine::{Checked, Settings, check_text};

    const TERMS: &str = "format = 1\ntopics = [\"leadership\"]\n\n[mentor]\nname = \"Ada Lovelace\"\n\n\
        [mentee]\nname = \"Grace Hopper\"\n\n[lead]\nname = \"Alan Turing\"\n\n\
        [schedule]\nfrequency = \"fortnightly\"\nsession_minutes = 45\nmodes = [\"video call\"]\n\n\
        [term]\nstart = 2026-10-05\nmonths = 6\n\n[reviews]\nevery_months = 2\n\n\
        [[goals]]\ngoal = \"Run retrospectives\"\nmeasure = \"3 retrospectives run\"\ndue = 2027-03-15\n";

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn checked(text: &str) -> Checked {
        let settings = Settings { today: day("2026-12-01"), options: Default::default(), ssh: None };
        check_text(Path::new("a.toml"), text, Arc::new(crate::program::Program::builtin()), &settings)
    }

    /// `text` changed by `edit`, as the edit engine would hand it the file.
    fn edited(text: &str, edit: impl FnOnce(&mut DocumentMut, &Current<'_>) -> Result<(), EditError>) -> String {
        let before = checked(text);
        let now = Current::of(&before).expect("an agreement");
        let mut doc: DocumentMut = text.parse().unwrap();
        match edit(&mut doc, &now) {
            Ok(()) => doc.to_string(),
            Err(e) => format!("refused: {e}"),
        }
    }

    fn signed_by_all(text: &str, date: &str) -> String {
        let mut text = text.to_string();
        for role in [Role::Mentor, Role::Mentee, Role::Lead] {
            let s = NewSignature { role, name: None, date: day(date), key: None, signer: None, target: None };
            text = edited(&text, |doc, now| sign(doc, now, &s));
        }
        text
    }

    #[test]
    fn signing_again_replaces_a_draft_signature_but_keeps_one_of_terms_in_force() {
        let mentor = |date: &str| NewSignature {
            role: Role::Mentor,
            name: None,
            date: day(date),
            key: None,
            signer: None,
            target: None,
        };
        // A draft: the mentor's second signature replaces the first.
        let once = edited(TERMS, |doc, now| sign(doc, now, &mentor("2026-09-01")));
        let changed = once.replace("session_minutes = 45", "session_minutes = 60");
        let again = edited(&changed, |doc, now| sign(doc, now, &mentor("2026-09-02")));
        assert_eq!(again.matches("[[signatures]]").count(), 1, "{again}");
        assert!(again.contains("date = 2026-09-02") && !again.contains("date = 2026-09-01"), "{again}");
        // In force: the signature of the terms signed by all stays beside the new one.
        let amended = signed_by_all(TERMS, "2026-09-01").replace("session_minutes = 45", "session_minutes = 60");
        let after = edited(&amended, |doc, now| sign(doc, now, &mentor("2026-11-20")));
        assert_eq!(after.matches("[[signatures]]").count(), 4, "{after}");
        assert!(after.contains("date = 2026-09-01") && after.contains("date = 2026-11-20"), "{after}");
    }

    #[test]
    fn a_terminated_agreement_is_neither_extended_nor_terminated_again() {
        let ended = |by: Role| NewTermination {
            date: day("2026-11-20"),
            by,
            reason: "New job".into(),
            reported_and_heard: None,
        };
        let signed = signed_by_all(TERMS, "2026-09-01");
        let terminated = edited(&signed, |doc, now| terminate(doc, now, &ended(Role::Mentee), None));
        assert!(terminated.contains("[termination]\ndate = 2026-11-20\nby = \"mentee\"\nnotice = \"written\""));
        let again = edited(&terminated, |doc, now| terminate(doc, now, &ended(Role::Mentor), None));
        assert_eq!(
            again,
            "refused: the agreement was already terminated on 2026-11-20 by mentee; it can end only once"
        );
        let longer = NewExtension { agreed: day("2026-11-25"), unit: "months", length: 2, by: vec![Role::Mentor] };
        let extended = edited(&terminated, |doc, now| extend(doc, now, &longer, None));
        assert_eq!(extended, "refused: the agreement was terminated on 2026-11-20; it cannot be extended");
        let no_reason = NewTermination { reason: "  ".into(), ..ended(Role::Mentee) };
        assert!(edited(&signed, |doc, now| terminate(doc, now, &no_reason, None)).contains("the reason is empty"));
    }

    #[test]
    fn an_extension_names_each_party_once_and_a_check_in_refuses_an_empty_note() {
        let e = NewExtension {
            agreed: day("2026-11-25"),
            unit: "weeks",
            length: 3,
            by: vec![Role::Mentor, Role::Mentee, Role::Mentor],
        };
        let text = edited(TERMS, |doc, now| extend(doc, now, &e, None));
        assert!(
            text.contains("[[extensions]]\nweeks = 3\nagreed = 2026-11-25\nby = [\"mentor\", \"mentee\"]\n"),
            "{text}"
        );
        let empty = NewCheckin { date: day("2026-11-25"), by: Role::Mentee, note: Some(" ".into()) };
        assert_eq!(
            edited(TERMS, |doc, _| checkin(doc, &empty)),
            "refused: the note is empty; leave out --note, or write one"
        );
    }

    #[test]
    fn a_consent_names_a_record_the_agreement_has() {
        let s = NewSignature {
            role: Role::Mentor,
            name: None,
            date: day("2026-11-25"),
            key: None,
            signer: None,
            target: Some(SignTarget::Termination),
        };
        assert_eq!(
            edited(TERMS, |doc, now| sign(doc, now, &s)),
            "refused: the agreement records no termination to sign"
        );
    }
}
