//! `mentor-agree sign`: add or renew a party's signature, optionally with an SSH key.

use std::cell::RefCell;
use std::io::IsTerminal;

use anyhow::bail;
use toml_edit::DocumentMut;

use crate::cli::SignArgs;
use mentor_agree::diagnostic::Code;
use mentor_agree::edit::lifecycle::{self, NewSignature, SignTarget};
use mentor_agree::edit::{Current, EditError};
use mentor_agree::engine::Session;
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
            } else {
                let missing: Vec<&str> = d.missing.iter().map(|r| r.as_str()).collect();
                let what = if d.amendment.is_some() { "the amendment still awaits" } else { "still to sign" };
                msg.push_str(&format!("; {what}: {}", missing.join(", ")));
            }
        }
        msg
    };

    let verifier = allowed.as_ref().map(|a| a as &dyn SshVerifier);
    let record = match (&args.extension, args.termination) {
        (Some(day), _) => Some(SignTarget::Extension(*day)),
        (None, true) => Some(SignTarget::Termination),
        (None, false) => None,
    };
    let signature = NewSignature {
        role,
        name: args.name.as_deref().map(str::trim),
        date,
        key: key.as_ref(),
        signer: args.signer.as_deref(),
        target: record,
    };
    let change = |doc: &mut DocumentMut, now: &Current<'_>| -> Result<(), EditError> {
        prior.replace(Some(Prior::of(now, role)));
        lifecycle::sign(doc, now, &signature)
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
    super::run_edit(session, file, args.edit.dry_run, verifier, done, |doc, now| change(doc, now))
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
    fn of(now: &Current<'_>, role: Role) -> Prior {
        let d = now.derived;
        // A signature of earlier terms that took effect is not replaced: it is the record of them.
        let superseded = |s: &mentor_agree::format::agreement::Signature| {
            d.versions.iter().any(|v| s.terms.as_ref().is_some_and(|t| t.value == v.digest))
        };
        let Some(s) = now
            .agreement
            .signatures
            .iter()
            .filter(|s| !superseded(s))
            .find(|s| s.role.as_ref().is_some_and(|r| r.value == role.as_str()))
        else {
            return Prior::default();
        };
        Prior {
            exists: true,
            counts: d.signed.contains(&role),
            stale: d.stale.contains(&role),
            rejected: d.rejected.iter().find(|(r, _)| *r == role).map(|(_, why)| why.clone()),
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
