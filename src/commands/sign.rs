//! `mentor-agree sign`: add or renew a party's signature, optionally with an SSH key.

use std::io::IsTerminal;

use anyhow::bail;
use toml_edit::{DocumentMut, Item, Table, Value, value};

use crate::check::Session;
use crate::cli::SignArgs;
use crate::edit::{EditError, append_table_entry, date_value};
use crate::program::SignatureMethod;
use crate::role::Role;
use crate::rules::signatures::SshVerifier;
use crate::rules::ymd;
use crate::ssh::{self, SigningKey};

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
    // Verify in the re-check too, so a key that allowed_signers does not trust is refused.
    let allowed = match method {
        SignatureMethod::Ssh => Some(ssh::load_for_program(&program)?),
        SignatureMethod::Name => None,
    };
    let key = args.key.as_deref().map(|path| SigningKey::open(path, || ask_passphrase(path))).transpose()?;

    let done = |o: &crate::edit::EditOutcome| {
        let a = o.checked.agreement.as_ref();
        let name = a
            .and_then(|a| a.signatures.iter().find(|s| s.role.as_ref().is_some_and(|r| r.value == role.as_str())))
            .and_then(|s| s.name.as_ref())
            .map_or("", |n| n.value.as_str());
        let how = if key.is_some() { " with an SSH signature" } else { "" };
        let (verb, is) = if o.written { ("Signed", "is") } else { ("Would sign", "would be") };
        let mut msg = format!("{verb} {} as the {role}, {name}, on {}{how}", file.display(), ymd(date));
        if let Some(d) = &o.checked.derived {
            if d.missing.is_empty() {
                if let Some(eff) = d.effective {
                    msg.push_str(&format!("; every required signature {is} in: effective {}", ymd(eff)));
                }
            } else {
                let missing: Vec<&str> = d.missing.iter().map(|r| r.as_str()).collect();
                msg.push_str(&format!("; still to sign: {}", missing.join(", ")));
            }
        }
        msg
    };

    let verifier = allowed.as_ref().map(|a| a as &dyn SshVerifier);
    super::run_edit(session, file, args.edit.dry_run, verifier, done, |doc, before| {
        let agreement = before.agreement.as_ref().expect("the edit engine passes a parsed agreement");
        let terms = before.terms.as_deref().expect("the edit engine passes the terms");
        let party = agreement.party(role);
        let name = match (&args.name, party.and_then(|p| p.name.as_ref())) {
            (Some(name), _) => name.trim().to_string(),
            (None, Some(name)) => name.value.clone(),
            (None, None) => {
                return Err(EditError::Invalid(format!(
                    "the agreement names no {role}: add `name` under [{role}], or pass --name"
                )));
            }
        };
        let digest = crate::terms::digest(terms);
        let mut entry = Table::new();
        entry.insert("role", value(role.as_str()));
        entry.insert("name", value(name.as_str()));
        entry.insert("date", Item::Value(date_value(date)));
        entry.insert("terms", value(digest.as_str()));
        if let Some(key) = &key {
            // The signer is always the party's email, so a key counts only for its owner's role.
            let Some(email) = party.and_then(|p| p.email.as_ref()).map(|e| e.value.clone()) else {
                return Err(EditError::Invalid(format!(
                    "the {role} has no email: with SSH signing it names the signer, the principal the allowed_signers file lists their key under; add email = \"…\" under [{role}]"
                )));
            };
            if let Some(signer) = &args.signer
                && signer.trim() != email
            {
                return Err(EditError::Invalid(format!(
                    "--signer {signer} is not the {role}'s email ({email}): an SSH signature is always made as the party's email; list the key under {email} in allowed_signers"
                )));
            }
            let statement = crate::terms::statement(role.as_str(), &name, date, &digest);
            let armored = key.sign(statement.as_bytes()).map_err(|e| EditError::Invalid(e.to_string()))?;
            entry.insert("signer", value(email));
            entry.insert("sig", Item::Value(multiline(&armored)));
        }
        put_signature(doc, role, entry)
    })
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

/// Replaces the role's signature in place (keeping its position, comments and the
/// layout of the keys it keeps), dropping any further signature of that role; or
/// appends a new entry when the role has none.
fn put_signature(doc: &mut DocumentMut, role: Role, entry: Table) -> Result<(), EditError> {
    let signatures = match doc.get_mut("signatures") {
        None => return append_table_entry(doc, "signatures", entry),
        Some(Item::ArrayOfTables(array)) => array,
        Some(_) => {
            return Err(EditError::Invalid(
                "`signatures` is not a list of [[signatures]] tables; fix the file by hand first".into(),
            ));
        }
    };
    let of_role: Vec<usize> = signatures
        .iter()
        .enumerate()
        .filter(|(_, t)| t.get("role").and_then(Item::as_str) == Some(role.as_str()))
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
