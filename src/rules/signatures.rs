//! Signatures: roles, names, dates, digests, the signing window, SSH verification.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic};
use crate::program::{Role, SignatureMethod};
use crate::rules::{Context, non_empty, ymd};
use crate::suggest::loose;
use crate::timeline::days_between;

/// Outcome of verifying one SSH signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SshVerdict {
    /// Valid, by a key allowed for the principal.
    Valid,
    /// Not a valid signature over these terms (or not parseable).
    Invalid(String),
    /// A valid signature, by a key not allowed for that principal.
    Untrusted(String),
}

/// Verifies SSHSIG signatures against a program's allowed signers.
pub trait SshVerifier: Sync {
    /// Checks `armored` (an SSHSIG) over `message` for `principal` as of `date`.
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
                            .with_fix(),
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
                        .with_fix(),
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

/// Signatures of required roles that cover the current terms.
fn current_signatures<'a>(ctx: &'a Context<'_>) -> Vec<&'a crate::agreement::Signature> {
    ctx.agreement
        .signatures
        .iter()
        .filter(|s| {
            s.role
                .as_ref()
                .and_then(|r| Role::parse(&r.value))
                .is_some_and(|r| ctx.program.rules.signatures.roles.contains(&r))
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

fn ssh(ctx: &Context<'_>, s: &crate::agreement::Signature, role: Option<Role>, out: &mut Vec<Diagnostic>) {
    let Some(sig) = &s.sig else {
        out.push(
            Diagnostic::new(
                Code::SignatureUnverified,
                s.span.clone(),
                "this program requires SSH signatures, and this signature has no `sig`",
            )
            .with_help("sign with `mentor-agree sign FILE --role ROLE --key ~/.ssh/id_ed25519`"),
        );
        return;
    };
    let principal =
        s.signer.as_ref().map(|p| p.value.clone()).or_else(|| {
            role.and_then(|r| ctx.agreement.party(r)).and_then(|p| p.email.as_ref()).map(|e| e.value.clone())
        });
    let Some(principal) = principal else {
        out.push(
            Diagnostic::new(Code::SignatureUnverified, s.span.clone(), "no `signer` to verify this SSH signature for")
                .with_help("add signer = \"<principal in allowed_signers>\""),
        );
        return;
    };
    let Some(verifier) = ctx.ssh else { return };
    let date = s.date.as_ref().map_or(ctx.today, |d| d.value);
    match verifier.verify(&principal, &sig.value, ctx.terms.as_bytes(), date) {
        SshVerdict::Valid => {}
        SshVerdict::Invalid(why) => out.push(
            Diagnostic::new(
                Code::SignatureUnverified,
                sig.span.clone(),
                format!("the SSH signature does not verify: {why}"),
            )
            .with_fix(),
        ),
        SshVerdict::Untrusted(why) => out.push(
            Diagnostic::new(
                Code::SignatureUntrusted,
                sig.span.clone(),
                format!("the SSH key is not trusted for {principal}: {why}"),
            )
            .with_fix(),
        ),
    }
}
