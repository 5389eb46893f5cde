//! `mentor-agree sign`: add or renew a party's signature, optionally with an SSH key.

use std::cell::RefCell;
use std::io::IsTerminal;

use anyhow::bail;
use toml_edit::{DocumentMut, Item, Table, Value, value};

use crate::cli::SignArgs;
use mentor_agree::diagnostic::Code;
use mentor_agree::edit::{EditError, append_table_entry, date_value};
use mentor_agree::engine::Session;
use mentor_agree::format::agreement::RecordRef;
use mentor_agree::format::role::Role;
use mentor_agree::program::SignatureMethod;
use mentor_agree::rules::signatures::SshVerifier;
use mentor_agree::ssh::{self, SigningKey};
use mentor_agree::text::ymd;

/// Adds the role's `[[signatures]]` entry, or replaces the one it has.
pub fn run(args: &SignArgs, session: &Session) -> anyhow::Result<u8> {
    super::agreement_file(&args.edit.file, "sign")?;
    let file = &args.edit.file;
    let role = args.role;
    let date = args.edit.date.unwrap_or(session.today);
    let program = session.program_for(file)?;
    let method = program.rules.signatures.method;
    if method == SignatureMethod::Ssh && args.key.is_none() {
        let origin = program.path.as_ref().map_or_else(|| "the program".to_string(), |p| p.display().to_string());
        bail!(
            "{origin} requires SSH signatures (rules.signatures.method = \"ssh\"): pass --key with your SSH key, e.g. --key ~/.ssh/id_ed25519"
        );
    }
    if let Some(name) = &args.name
        && name.trim().is_empty()
    {
        bail!("--name is empty; leave it out to use the name the agreement gives the {role}");
    }
    let allowed = verifier_for(&program)?;
    let key = signing_key(args.key.as_deref())?;

    let prior: RefCell<Option<Prior>> = RefCell::new(None);
    let done = |o: &mentor_agree::edit::EditOutcome| {
        let a = o.checked.agreement.as_ref();
        let name = a
            .and_then(|a| a.signatures.iter().rev().find(|s| s.role.as_ref().is_some_and(|r| r.value == role.as_str())))
            .and_then(|s| s.name.as_ref())
            .map_or("", |n| n.value.as_str());
        let how = if key.is_some() { " with an SSH signature" } else { "" };
        let (verb, is) = if o.written { ("Signed", "is") } else { ("Would sign", "would be") };
        let what = match (&args.extension, args.termination) {
            (Some(Some(d)), _) => format!("the extension agreed on {} in ", ymd(*d)),
            (Some(None), _) => "the latest extension in ".to_string(),
            (None, true) => "the termination in ".to_string(),
            (None, false) => String::new(),
        };
        if !what.is_empty() {
            return format!("{verb} {what}{} as the {role} on {}{how}", file.display(), ymd(date));
        }
        let replaced = prior.borrow().clone().unwrap_or_default().replaces(role);
        let mut msg = format!("{verb} {} as the {role}, {name}, on {}{how}{replaced}", file.display(), ymd(date));
        if let Some(d) = &o.checked.derived {
            if d.missing.is_empty() {
                match (d.amended, d.effective) {
                    (Some(amended), Some(eff)) => msg.push_str(&format!(
                        "; every required signature {is} in: the amendment is in force from {} (effective since {})",
                        ymd(amended),
                        ymd(eff)
                    )),
                    (None, Some(eff)) => {
                        msg.push_str(&format!("; every required signature {is} in: effective {}", ymd(eff)))
                    }
                    _ => {}
                }
            } else if d.amendment.is_some() {
                let missing: Vec<&str> = d.missing.iter().map(|r| r.as_str()).collect();
                msg.push_str(&format!("; the amendment still awaits: {}", missing.join(", ")));
            } else {
                let missing: Vec<&str> = d.missing.iter().map(|r| r.as_str()).collect();
                msg.push_str(&format!("; still to sign: {}", missing.join(", ")));
            }
        }
        msg
    };

    let verifier = allowed.as_ref().map(|a| a as &dyn SshVerifier);
    let record = match (&args.extension, args.termination) {
        (Some(day), _) => Some(Target::Extension(*day)),
        (None, true) => Some(Target::Termination),
        (None, false) => None,
    };
    let change = |doc: &mut DocumentMut, before: &mentor_agree::engine::Checked| -> Result<(), EditError> {
        prior.replace(Some(Prior::of(before, role)));
        let agreement = before.agreement.as_ref().expect("the edit engine passes a parsed agreement");
        let terms = before.terms.as_deref().expect("the edit engine passes the terms");
        let which = record.map(|t| t.resolve(agreement)).transpose()?;
        let name = args.name.as_deref().map(str::trim);
        let entry = signature_entry(agreement, terms, role, name, date, key.as_ref(), args.signer.as_deref(), which)?;
        // Signatures of earlier terms that took effect stay: the record of an amended agreement.
        let keep: Vec<&str> =
            before.derived.as_deref().map_or(Vec::new(), |d| d.versions.iter().map(|v| v.digest.as_str()).collect());
        put_signature(doc, role, which, entry, &keep)
    };
    if record.is_some() {
        // A consent to a record: the record's rules judge it (extension-unsigned, termination-unsigned).
        return super::run_edit(session, file, args.edit.dry_run, verifier, done, change);
    }

    // A trial run, nothing written: the signature as it is now, and whether the new one would count.
    let req = mentor_agree::edit::EditRequest {
        path: file,
        program: program.clone(),
        settings: mentor_agree::engine::Settings {
            today: session.today,
            options: mentor_agree::rules::Options::default(),
            ssh: verifier,
        },
        dry_run: true,
        lock_timeout: session.lock_timeout,
    };
    let trial = match mentor_agree::edit::edit_file(&req, change) {
        // Another edit holds the file: say so now rather than wait for the lock twice.
        Err(e @ EditError::Locked { .. }) => return Err(e.into()),
        other => other,
    };
    if let Ok(trial) = trial {
        let before = prior.borrow().clone().unwrap_or_default();
        let same = |given: Option<&str>, current: Option<&str>| given.is_none_or(|g| Some(g.trim()) == current);
        if before.counts
            && same(args.name.as_deref(), before.name.as_deref())
            && args.edit.date.is_none_or(|d| Some(d) == before.date)
            && key.is_some() == before.ssh
        {
            eprintln!(
                "Nothing to do: the {role}'s signature in {} ({}, {}) already covers the current terms",
                file.display(),
                before.name.as_deref().unwrap_or("?"),
                before.date.map(ymd).unwrap_or_default()
            );
            return Ok(super::EXIT_OK);
        }
        if let Some(reason) = not_counted(&trial.checked, role) {
            eprintln!(
                "error: refused to sign {}: the {role}'s signature would not count: {reason} (file unchanged)",
                file.display()
            );
            return Ok(super::EXIT_PROBLEMS);
        }
    }
    super::run_edit(session, file, args.edit.dry_run, verifier, done, |doc, before| change(doc, before))
}

/// Why the role's new signature, required by the program, would not count once
/// written (the party is not one of the program's leads, signs in two roles…),
/// or `None` when it counts.
fn not_counted(after: &mentor_agree::engine::Checked, role: Role) -> Option<String> {
    let d = after.derived.as_deref()?;
    if !after.program.rules.signatures.roles.contains(&role) || d.signed.contains(&role) {
        return None;
    }
    if let Some((_, reason)) = d.rejected.iter().find(|(r, _)| *r == role) {
        return Some(reason.clone());
    }
    let about = |c: Code| (c == Code::LeadNotInProgram && role == Role::Lead) || c == Code::SamePerson;
    let why = after.diagnostics.iter().find(|l| about(l.diagnostic.code)).map(|l| l.diagnostic.message.clone());
    Some(why.unwrap_or_else(|| "see `mentor-agree check`".to_string()))
}

/// The role's signature before `sign` runs.
#[derive(Clone, Default)]
struct Prior {
    /// There is one.
    exists: bool,
    /// It counts: it covers the current terms and nothing rejects it.
    counts: bool,
    /// It covers other terms than the current ones.
    stale: bool,
    /// Why it does not count, when something other than staleness rejects it.
    rejected: Option<String>,
    name: Option<String>,
    date: Option<chrono::NaiveDate>,
    /// It is an SSH signature.
    ssh: bool,
}

impl Prior {
    fn of(before: &mentor_agree::engine::Checked, role: Role) -> Prior {
        let Some(a) = before.agreement.as_deref() else { return Prior::default() };
        let d = before.derived.as_deref();
        // A signature of earlier terms that took effect is not replaced: it is the record of them.
        let superseded = |s: &mentor_agree::format::agreement::Signature| {
            d.is_some_and(|d| d.versions.iter().any(|v| s.terms.as_ref().is_some_and(|t| t.value == v.digest)))
        };
        let Some(s) = a
            .signatures
            .iter()
            .filter(|s| !superseded(s))
            .find(|s| s.role.as_ref().is_some_and(|r| r.value == role.as_str()))
        else {
            return Prior::default();
        };
        Prior {
            exists: true,
            counts: d.is_some_and(|d| d.signed.contains(&role)),
            stale: d.is_some_and(|d| d.stale.contains(&role)),
            rejected: d.and_then(|d| d.rejected.iter().find(|(r, _)| *r == role).map(|(_, why)| why.clone())),
            name: s.name.as_ref().map(|n| n.value.clone()),
            date: s.date.as_ref().map(|d| d.value),
            ssh: s.sig.is_some(),
        }
    }

    /// What the new signature replaces, said after the "Signed …" line ("" when nothing).
    fn replaces(&self, role: Role) -> String {
        if !self.exists {
            return String::new();
        }
        let who = format!(
            "{}, {}",
            self.name.as_deref().unwrap_or("no name"),
            self.date.map(ymd).unwrap_or_else(|| "no date".into())
        );
        let why = if let Some(reason) = &self.rejected {
            format!(", which did not count: {reason}")
        } else if self.stale {
            ", which covered earlier terms".to_string()
        } else {
            String::new()
        };
        format!(", replacing the {role}'s signature of {who}{why}")
    }
}

/// How many times a wrong passphrase is asked again on a terminal, as ssh does.
const PASSPHRASE_ATTEMPTS: usize = 3;

/// Opens the signing key, asking again (up to [`PASSPHRASE_ATTEMPTS`] in all) when
/// the passphrase typed on the terminal is wrong.
fn open_key(path: &std::path::Path) -> Result<SigningKey, ssh::SshError> {
    let mut attempt = 1;
    loop {
        match SigningKey::open(path, || ask_passphrase(path)) {
            Err(e) if e.is_wrong_passphrase() && attempt < PASSPHRASE_ATTEMPTS => {
                eprintln!("wrong passphrase for {}, try again", path.display());
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Asks for a key's passphrase on the terminal.
fn ask_passphrase(path: &std::path::Path) -> Result<String, String> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(format!(
            "no terminal to ask for it; load the key into ssh-agent (`ssh-add {}`) and pass its public key: --key {}.pub",
            path.display(),
            path.display()
        ));
    }
    dialoguer::Password::new()
        .with_prompt(format!("Passphrase for {}", path.display()))
        .interact()
        .map_err(|e| format!("cannot read it ({e})"))
}

/// An armored signature as a TOML multi-line basic string: `"""` + newline + armor + `"""`.
fn multiline(armored: &str) -> Value {
    // Armor is base64 between BEGIN/END lines: no quotes or backslashes to escape.
    let text = format!("\"\"\"\n{}\n\"\"\"", armored.trim_end());
    let mut v: Value = text.parse().unwrap_or_else(|_| Value::from(armored.to_string()));
    v.decor_mut().clear();
    v
}

/// The program's allowed signers with SSH signing, so that the re-check of an
/// edit verifies too (a key that allowed_signers does not trust is refused).
pub(super) fn verifier_for(program: &mentor_agree::program::Program) -> anyhow::Result<Option<ssh::AllowedSigners>> {
    Ok(match program.rules.signatures.method {
        SignatureMethod::Ssh => Some(ssh::load_for_program(program)?),
        SignatureMethod::Name => None,
    })
}

/// The key `--key` names, opened (its passphrase asked on a terminal).
pub(super) fn signing_key(path: Option<&std::path::Path>) -> anyhow::Result<Option<SigningKey>> {
    Ok(path.map(open_key).transpose()?)
}

/// The record `sign --extension [DATE]` or `sign --termination` names.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// `--extension`, with the day it was agreed (`None`: the latest).
    Extension(Option<chrono::NaiveDate>),
    /// `--termination`.
    Termination,
}

impl Target {
    fn resolve(self, a: &mentor_agree::format::agreement::Agreement) -> Result<RecordRef, EditError> {
        match self {
            Target::Extension(day) => {
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
            Target::Termination => a
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
pub(super) fn signature_entry(
    agreement: &mentor_agree::format::agreement::Agreement,
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
    let digest = mentor_agree::format::terms::digest(terms);
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
            None => mentor_agree::format::terms::statement(role.as_str(), &name, date, &digest),
            Some(r) => {
                mentor_agree::format::terms::consent_statement(role.as_str(), &name, date, &digest, agreement, r)
                    .ok_or_else(|| EditError::Invalid("the record to sign is not in the agreement".into()))?
            }
        };
        let armored = key.sign(statement.as_bytes()).map_err(|e| EditError::Invalid(e.to_string()))?;
        entry.insert("signer", value(email));
        entry.insert("sig", Item::Value(multiline(&armored)));
    }
    Ok(entry)
}

/// Signs a record this edit has just added to `doc` (an extension or the
/// termination) as `role`, reading the record back from the document.
pub(super) fn consent_to_new_record(
    doc: &mut DocumentMut,
    role: Role,
    date: chrono::NaiveDate,
    key: &SigningKey,
    record: RecordRef,
) -> Result<(), EditError> {
    let parsed = mentor_agree::format::agreement::parse(&doc.to_string());
    let (Some(agreement), Some(terms)) = (parsed.agreement, parsed.terms) else {
        return Err(EditError::Invalid("the file cannot be read back to sign the record".into()));
    };
    let entry = signature_entry(&agreement, &terms, role, None, date, Some(key), None, Some(record))?;
    put_signature(doc, role, Some(record), entry, &[])
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
