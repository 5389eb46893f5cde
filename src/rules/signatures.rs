//! Signatures: roles, names, dates, digests, the signing window, SSH verification.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic};
use crate::program::SignatureMethod;
use crate::role::Role;
use crate::rules::{Context, non_empty, ymd};
use crate::suggest::loose;
use crate::timeline::days_between;

/// Outcome of verifying one SSH signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SshVerdict {
    /// Valid, by a key allowed for the principal.
    Valid,
    /// A well-formed signature in the `mentor-agree` namespace, but not over these bytes.
    Mismatch,
    /// Not a usable signature: not armored SSHSIG, another namespace, or not checkable.
    Invalid(String),
    /// A valid signature, by a key not allowed for that principal.
    Untrusted(String),
}

/// Verifies SSHSIG signatures against a program's allowed signers.
pub trait SshVerifier: Sync {
    /// Checks `armored` (an SSHSIG) over `message` for `principal`, with `date` (the
    /// signed date) compared against the key's validity.
    fn verify(&self, principal: &str, armored: &str, message: &[u8], date: NaiveDate) -> SshVerdict;
}

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = ctx.agreement;
    let rules = &ctx.program.rules.signatures;
    let digest = ctx.derived.digest.as_deref();
    let mut seen: HashMap<Role, usize> = HashMap::new();

    for (i, s) in a.signatures.iter().enumerate() {
        let role = match &s.role {
            Some(r) => match Role::parse(&r.value) {
                Some(role) => {
                    if seen.insert(role, i).is_some() {
                        out.push(
                            Diagnostic::new(
                                Code::SignatureDuplicateRole,
                                r.span.clone(),
                                format!("a second signature for the {role}"),
                            )
                            .with_code_help(),
                        );
                    }
                    Some(role)
                }
                None => {
                    out.push(
                        Diagnostic::new(
                            Code::SignatureUnknownRole,
                            r.span.clone(),
                            format!("\"{}\" is not a signing role", r.value),
                        )
                        .with_code_help(),
                    );
                    None
                }
            },
            None => None,
        };
        if let Some(name) = &s.name
            && non_empty(name, "signature name", out)
            && let Some(role) = role
            && let Some(party) = a.name_of(role)
            && loose(party) != loose(&name.value)
        {
            out.push(
                Diagnostic::new(
                    Code::SignatureNameMismatch,
                    name.span.clone(),
                    format!("signed as \"{}\", but the {role} is \"{party}\"", name.value),
                )
                .with_help(format!("sign with the name in [{role}]: \"{party}\"")),
            );
        }
        if let Some(date) = &s.date
            && date.value > ctx.today
        {
            out.push(
                Diagnostic::new(
                    Code::SignatureInFuture,
                    date.span.clone(),
                    format!("signed on {}, which is after today ({})", ymd(date.value), ymd(ctx.today)),
                )
                .with_help("date a signature on the day it is made"),
            );
        }
        if let (Some(terms), Some(digest)) = (&s.terms, digest)
            && terms.value != digest
        {
            let who = role.map_or("this signature".to_string(), |r| format!("the {r}'s signature"));
            out.push(
                Diagnostic::new(
                    Code::SignatureStale,
                    terms.span.clone(),
                    format!("the terms changed after {who}: it covers other terms than the current ones"),
                )
                .with_help(format!("review the new terms and sign again (current digest {digest})")),
            );
        }
        if rules.method == SignatureMethod::Ssh {
            ssh(ctx, s, role, out);
        }
    }

    if rules.method == SignatureMethod::Ssh {
        ssh_emails(ctx, out);
    }
    signing_window(ctx, out);

    if let (Some(eff), Some(start)) = (ctx.derived.effective, a.term.as_ref().and_then(|t| t.start.as_ref()))
        && start.value < eff
    {
        out.push(
            Diagnostic::new(
                Code::StartBeforeEffective,
                start.span.clone(),
                format!("the term starts on {}, before the agreement took effect on {}", ymd(start.value), ymd(eff)),
            )
            .with_help("sessions before the last signature are not covered; sign earlier or move the start"),
        );
    }

    if ctx.options.require_signed {
        for role in &ctx.derived.missing {
            let stale = a.signatures.iter().any(|s| s.role.as_ref().is_some_and(|r| r.value == role.as_str()));
            let msg = if stale {
                format!("the {role}'s signature does not cover the current terms")
            } else {
                format!("the {role} has not signed")
            };
            out.push(
                Diagnostic::new(Code::Unsigned, 0..0, msg).with_help(format!("mentor-agree sign FILE --role {role}")),
            );
        }
    }
}

/// Signatures of required roles that cover the current terms and count (with SSH
/// signing, a signature that does not verify is not among them).
fn current_signatures<'a>(ctx: &'a Context<'_>) -> Vec<&'a crate::agreement::Signature> {
    ctx.agreement
        .signatures
        .iter()
        .filter(|s| {
            s.role
                .as_ref()
                .and_then(|r| Role::parse(&r.value))
                .is_some_and(|r| ctx.program.rules.signatures.roles.contains(&r) && ctx.derived.signed.contains(&r))
                && s.terms.as_ref().map(|t| t.value.as_str()) == ctx.derived.digest.as_deref()
        })
        .collect()
}

fn signing_window(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let window = i64::from(ctx.program.rules.signatures.window_days);
    let sigs = current_signatures(ctx);
    let dated: Vec<(NaiveDate, &std::ops::Range<usize>)> =
        sigs.iter().filter_map(|s| s.date.as_ref().map(|d| (d.value, &d.span))).collect();
    let Some(&(first, first_span)) = dated.iter().min_by_key(|(d, _)| *d) else { return };
    let &(last, last_span) = dated.iter().max_by_key(|(d, _)| *d).expect("non-empty");
    if days_between(first, last) > window {
        out.push(
            Diagnostic::new(
                Code::SignatureWindow,
                last_span.clone(),
                format!(
                    "signatures span {} days ({} to {}); the program allows {window}",
                    days_between(first, last),
                    ymd(first),
                    ymd(last)
                ),
            )
            .with_help("all parties sign again within the window"),
        );
    } else if !ctx.derived.missing.is_empty() && days_between(first, ctx.today) > window {
        let missing: Vec<&str> = ctx.derived.missing.iter().map(|r| r.as_str()).collect();
        out.push(
            Diagnostic::new(
                Code::SignatureWindow,
                first_span.clone(),
                format!(
                    "the first signature is {} days old and the {} still ha{} not signed; the program allows {window} days",
                    days_between(first, ctx.today),
                    missing.join(" and "),
                    if missing.len() == 1 { "s" } else { "ve" }
                ),
            )
            .with_help("collect the missing signatures, or all sign again"),
        );
    }
}

/// With SSH signing, every party who signs needs an email: it is the principal their key is
/// listed under in allowed_signers.
fn ssh_emails(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for &role in &ctx.program.rules.signatures.roles {
        if let Some(party) = ctx.agreement.party(role)
            && party.email.is_none()
        {
            out.push(
                Diagnostic::new(
                    Code::MissingKey,
                    party.span.clone(),
                    format!(
                        "missing key `email` in [{role}]: this program signs with SSH keys, and the {role}'s email is the principal allowed_signers lists their key under"
                    ),
                )
                .with_help(format!("add email = \"…\" under [{role}], the address allowed_signers names")),
            );
        }
    }
}

fn ssh(ctx: &Context<'_>, s: &crate::agreement::Signature, role: Option<Role>, out: &mut Vec<Diagnostic>) {
    let digest = ctx.derived.digest.clone().unwrap_or_else(|| crate::terms::digest(ctx.terms));
    out.extend(ssh_problem(ctx.agreement, s, role, ctx.terms, &digest, ctx.ssh));
}

/// The agreement with only the signatures that count, and the roles of those
/// left out, when some SSH signature does not verify or is not trusted (`None`
/// when every one counts): what the derived values (who signed, the effective
/// date, the state) are computed from, so that a signature `check` rejects is
/// never shown as given.
pub fn without_rejected(
    a: &crate::agreement::Agreement,
    terms: &str,
    digest: &str,
    verifier: &dyn SshVerifier,
) -> Option<(crate::agreement::Agreement, Vec<Role>)> {
    let role_of = |s: &crate::agreement::Signature| s.role.as_ref().and_then(|r| Role::parse(&r.value));
    // Each signature is verified once here (the rules report the problems).
    let (counted, rejected): (Vec<_>, Vec<_>) =
        a.signatures.iter().partition(|s| ssh_problem(a, s, role_of(s), terms, digest, Some(verifier)).is_none());
    if rejected.is_empty() {
        return None;
    }
    let rejected = rejected.into_iter().filter_map(role_of).collect();
    let kept = crate::agreement::Agreement { signatures: counted.into_iter().cloned().collect(), ..a.clone() };
    Some((kept, rejected))
}

/// What is wrong with one signature under SSH signing, if anything. Without a
/// verifier only what needs no keys is checked.
fn ssh_problem(
    a: &crate::agreement::Agreement,
    s: &crate::agreement::Signature,
    role: Option<Role>,
    terms: &str,
    digest: &str,
    verifier: Option<&dyn SshVerifier>,
) -> Option<Diagnostic> {
    let Some(sig) = &s.sig else {
        return Some(
            Diagnostic::new(
                Code::SignatureUnverified,
                s.span.clone(),
                "this program requires SSH signatures, and this signature has no `sig`",
            )
            .with_help("sign with `mentor-agree sign FILE --role ROLE --key ~/.ssh/id_ed25519`"),
        );
    };
    // A missing role, name or date, an unknown role or a party without an email is
    // already an error of its own; there is no statement to check without them.
    let (Some(role), Some(name), Some(date)) = (role, &s.name, &s.date) else { return None };
    let email = a.party(role).and_then(|p| p.email.as_ref())?;
    let email = email.value.as_str();
    if let Some(signer) = &s.signer
        && signer.value != email
    {
        return Some(
            Diagnostic::new(
                Code::SignatureUntrusted,
                signer.span.clone(),
                format!(
                    "signed by \"{}\", but the {role}'s email is \"{email}\": an SSH signature counts only for the party whose email is its signer",
                    signer.value
                ),
            )
            .with_help(format!(
                "the {role} signs with their own key: `mentor-agree sign FILE --role {role} --key …` (the signer is then {email})"
            )),
        );
    }
    let verifier = verifier?;
    let statement = crate::terms::statement(role.as_str(), &name.value, date.value, digest);
    let unverified = |message: String, help: String| {
        Some(Diagnostic::new(Code::SignatureUnverified, sig.span.clone(), message).with_help(help))
    };
    match verifier.verify(email, &sig.value, statement.as_bytes(), date.value) {
        SshVerdict::Valid => None,
        SshVerdict::Mismatch => {
            let resign = format!("the {role} signs again: `mentor-agree sign FILE --role {role} --key …`");
            if verifier.verify(email, &sig.value, terms.as_bytes(), date.value) != SshVerdict::Mismatch {
                unverified(
                    "the SSH signature covers only the terms, the old form: it must also cover the role, name and date (see docs/signing.md)".into(),
                    resign,
                )
            } else {
                unverified(
                    "the SSH signature does not verify: it was not made over this signature's statement (the terms, or its role, name or date, changed after signing, or `sig` was altered)".into(),
                    format!("{resign}; `mentor-agree terms FILE --statement {role}` prints the bytes it must cover"),
                )
            }
        }
        SshVerdict::Invalid(why) => unverified(
            format!("the SSH signature does not verify: {why}"),
            "sign again with `mentor-agree sign --key`".into(),
        ),
        SshVerdict::Untrusted(why) => Some(
            Diagnostic::new(
                Code::SignatureUntrusted,
                sig.span.clone(),
                format!("the SSH key is not trusted for {email}: {why}"),
            )
            .with_code_help(),
        ),
    }
}
