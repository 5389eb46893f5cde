//! Signatures: roles, names, dates, digests, the signing window, SSH verification.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic};
use crate::facts::derived::Version;
use crate::format::role::Role;
use crate::format::timeline::days_between;
use crate::program::SignatureMethod;
use crate::rules::{Context, non_empty};
use crate::text::suggest::loose;
use crate::text::ymd;

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

    /// The fingerprint of the key that made `armored`, if it is an SSHSIG.
    fn key_of(&self, armored: &str) -> Option<String>;
}

/// What `check` found about one `[[signatures]]` entry: the problems it reports
/// there, and whether the entry counts. Computed once per check, before the
/// derived values (who signed, the effective date, the state), which take only
/// the entries that count: a signature `check` rejects is never shown as given.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// The signing role it names, when that is a known role.
    pub role: Option<Role>,
    /// What is wrong with it, reported at the entry.
    pub problems: Vec<Diagnostic>,
    /// It covers other terms than the current ones (and nothing else is wrong).
    pub stale: bool,
    /// It covers earlier terms that took effect, since amended: the record of
    /// the terms in force until every required role signs the amendment.
    pub superseded: bool,
    /// It counts as that role's signature.
    pub counts: bool,
    /// With SSH signing, the fingerprint of the key whose signature verified.
    pub key: Option<String>,
    /// Why it does not count when the problem is reported elsewhere (on the
    /// party: `same-person`, `lead-not-in-program`).
    pub note: Option<String>,
}

impl Verdict {
    /// Rejected for a reason other than staleness: it does not count, and is not
    /// a signature to renew either.
    pub fn rejected(&self) -> bool {
        !self.counts && !self.stale && !self.superseded
    }

    /// Why it does not count, in a few words: the first problem found at it.
    pub fn reason(&self) -> Option<&str> {
        self.problems
            .iter()
            .find(|d| d.code != Code::SignatureStale)
            .map(|d| d.message.as_str())
            .or(self.note.as_deref())
    }
}

/// Everything `assess` needs to judge the signatures of one agreement.
pub struct Judge<'a> {
    /// The agreement.
    pub agreement: &'a crate::format::agreement::Agreement,
    /// Its program.
    pub program: &'a crate::program::Program,
    /// Canonical terms bytes.
    pub terms: &'a str,
    /// The current terms digest.
    pub digest: &'a str,
    /// "Today".
    pub today: NaiveDate,
    /// The SSH verifier, with method = "ssh".
    pub ssh: Option<&'a dyn SshVerifier>,
}

/// Judges every `[[signatures]]` entry, in file order. Each SSH signature is
/// verified here, once, over its own statement (the terms digest it names);
/// the rules report these verdicts.
///
/// An entry over earlier terms is *superseded*, not stale, when those terms
/// took effect: every required role signed them (within the signing window)
/// before they changed. Such entries stay in the file as the record of the
/// terms in force until an amendment is signed by all ([`earlier_versions`]).
pub fn assess(j: &Judge<'_>) -> Vec<Verdict> {
    let a = j.agreement;
    let method = j.program.rules.signatures.method;
    // First, what each entry is on its own.
    let entries: Vec<Entry> = a.signatures.iter().map(|s| Entry::judge(j, s)).collect();
    // The earlier terms that took effect: their entries are superseded.
    let superseded: Vec<bool> = {
        let candidate = |i: usize| entries[i].fine && entries[i].stale;
        let versions = versions_among(j, &candidate);
        entries
            .iter()
            .enumerate()
            .map(|(i, e)| candidate(i) && versions.iter().any(|v| Some(v.digest.as_str()) == e.digest))
            .collect()
    };
    let mut seen: HashMap<Role, usize> = HashMap::new();
    let mut verdicts: Vec<Verdict> = Vec::with_capacity(a.signatures.len());
    for (i, (s, e)) in a.signatures.iter().zip(entries).enumerate() {
        let mut problems = e.role_problems;
        let mut fine = e.fine;
        // One signature per role over the terms; superseded ones are the record of earlier terms.
        if let (Some(role), Some(r), false) = (e.role, &s.role, superseded[i])
            && seen.insert(role, i).is_some()
        {
            problems.push(
                Diagnostic::new(
                    Code::SignatureDuplicateRole,
                    r.span.clone(),
                    format!("a second signature for the {role}"),
                )
                .with_code_help(),
            );
            fine &= j.program.severity(Code::SignatureDuplicateRole) != Some(crate::diagnostic::Severity::Error);
        }
        problems.extend(e.name_date_problems);
        if let (true, false, Some(terms)) = (e.stale, superseded[i], &s.terms) {
            let who = e.role.map_or("this signature".to_string(), |r| format!("the {r}'s signature"));
            problems.push(
                Diagnostic::new(
                    Code::SignatureStale,
                    terms.span.clone(),
                    format!("the terms changed after {who}: it covers other terms than the current ones"),
                )
                .with_help(format!("review the new terms and sign again (current digest {})", j.digest)),
            );
        }
        problems.extend(e.ssh_problem);
        let v = Verdict {
            role: e.role,
            stale: fine && e.stale && !superseded[i],
            superseded: fine && superseded[i],
            counts: fine && !e.stale,
            key: e.key,
            note: e.note,
            problems,
        };
        verdicts.push(v);
    }
    if method == SignatureMethod::Ssh {
        same_key(a, &mut verdicts);
    }
    signing_window(j, &mut verdicts);
    verdicts
}

/// One `[[signatures]]` entry judged on its own, before the entries are
/// compared with each other (a second signature for a role, one key for two
/// roles, the signing window).
struct Entry<'a> {
    role: Option<Role>,
    /// The terms digest it names.
    digest: Option<&'a str>,
    /// `signature-unknown-role`, if any.
    role_problems: Vec<Diagnostic>,
    /// The name and date checks.
    name_date_problems: Vec<Diagnostic>,
    /// The SSH check, if it failed.
    ssh_problem: Option<Diagnostic>,
    /// It covers other terms than the current ones.
    stale: bool,
    /// Nothing but staleness keeps it from counting.
    fine: bool,
    key: Option<String>,
    note: Option<String>,
}

impl<'a> Entry<'a> {
    fn judge(j: &Judge<'_>, s: &'a crate::format::agreement::Signature) -> Entry<'a> {
        let a = j.agreement;
        let mut role_problems = Vec::new();
        let role = signing_role(s, &mut role_problems);
        let mut name_date_problems = Vec::new();
        name_and_date(j, s, role, &mut name_date_problems);
        let digest = s.terms.as_ref().map(|t| t.value.as_str());
        let stale = digest.is_some_and(|t| t != j.digest);
        let mut note = None;
        // A party in two roles: the later role's signature does not count (`same-person` says why).
        let earlier = role.and_then(|r| {
            Role::SIGNERS.iter().take_while(|e| **e != r).find_map(|&e| {
                let (p, q) = (a.party(e)?, a.party(r)?);
                crate::rules::parties::same_person(p, q).map(|(what, _, _)| (e, what))
            })
        });
        let second_role = earlier.is_some();
        if let (Some((e, what)), Some(r)) = (earlier, role) {
            note = Some(format!("the {r} has the same {what} as the {e}"));
        }
        // Where the program names its leads, only one of them signs as lead (`lead-not-in-program`).
        let foreign_lead = role == Some(Role::Lead)
            && !j.program.program.leads.is_empty()
            && a.lead.as_ref().is_none_or(|l| {
                j.program
                    .program
                    .find_lead(l.name.as_ref().map(|n| n.value.as_str()), l.email.as_ref().map(|e| e.value.as_str()))
                    .is_none()
            });
        if foreign_lead {
            note = Some("the lead is not one of the program's leads".to_string());
        }
        let mut ssh_ok = true;
        let mut ssh_problem_found = None;
        let mut key = None;
        if j.program.rules.signatures.method == SignatureMethod::Ssh {
            // Verified over the statement it names: a signature of earlier terms
            // is still that party's signature of those terms.
            match ssh_problem(a, s, role, j.terms, digest.unwrap_or(j.digest), j.ssh) {
                Some(problem) => {
                    ssh_ok = false;
                    ssh_problem_found = Some(problem);
                }
                // Unverifiable without a name, a date or the party's email (each reported elsewhere).
                None if s.name.is_none()
                    || s.date.is_none()
                    || role.and_then(|r| a.party(r)).and_then(|p| p.email.as_ref()).is_none() =>
                {
                    ssh_ok = false;
                }
                None => key = j.ssh.zip(s.sig.as_ref()).and_then(|(ssh, sig)| ssh.key_of(&sig.value)),
            }
        }
        let is_error = |d: &Diagnostic| j.program.severity(d.code) == Some(crate::diagnostic::Severity::Error);
        let complete = role.is_some() && s.name.is_some() && s.date.is_some() && s.terms.is_some();
        let fine = complete
            && ssh_ok
            && !second_role
            && !foreign_lead
            && !role_problems.iter().chain(&name_date_problems).any(is_error);
        Entry {
            role,
            digest,
            role_problems,
            name_date_problems,
            ssh_problem: ssh_problem_found,
            stale,
            fine,
            key,
            note,
        }
    }
}

/// The terms, other than the current ones, that took effect: among the entries
/// `candidate` admits, the digests every required role signed, within the
/// signing window. In the order they took effect.
fn versions_among(j: &Judge<'_>, candidate: &dyn Fn(usize) -> bool) -> Vec<Version> {
    let required = &j.program.rules.signatures.roles;
    let window = i64::from(j.program.rules.signatures.window_days);
    let sigs = &j.agreement.signatures;
    let mut digests: Vec<&str> = Vec::new();
    for (i, s) in sigs.iter().enumerate() {
        if let Some(t) = s.terms.as_ref().filter(|_| candidate(i))
            && !digests.contains(&t.value.as_str())
        {
            digests.push(&t.value);
        }
    }
    let mut out: Vec<Version> = digests
        .into_iter()
        .filter_map(|digest| {
            // Each required role's first signature of these terms.
            let dates: Vec<NaiveDate> = required
                .iter()
                .map(|role| {
                    sigs.iter().enumerate().find_map(|(i, s)| {
                        let of = candidate(i)
                            && s.role.as_ref().is_some_and(|r| r.value == role.as_str())
                            && s.terms.as_ref().is_some_and(|t| t.value == digest);
                        of.then(|| s.date.as_ref().map(|d| d.value)).flatten()
                    })
                })
                .collect::<Option<_>>()?;
            let (first, took_effect) = (*dates.iter().min()?, *dates.iter().max()?);
            (window <= 0 || days_between(first, took_effect) <= window).then(|| Version {
                digest: digest.to_string(),
                first,
                took_effect,
            })
        })
        .collect();
    out.sort_by_key(|v| v.took_effect);
    out
}

/// The earlier terms that took effect, from the verdicts of [`assess`]: each
/// digest whose entries are superseded, with when it took effect.
pub fn earlier_versions(j: &Judge<'_>, verdicts: &[Verdict]) -> Vec<Version> {
    versions_among(j, &|i| verdicts[i].superseded)
}

/// The signing role an entry names, reporting one that is none
/// (`signature-unknown-role`); `None` also when the entry names no role (the
/// reader reports that as a missing key).
fn signing_role(s: &crate::format::agreement::Signature, problems: &mut Vec<Diagnostic>) -> Option<Role> {
    let r = s.role.as_ref()?;
    let role = Role::parse(&r.value);
    if role.is_none() {
        problems.push(
            Diagnostic::new(
                Code::SignatureUnknownRole,
                r.span.clone(),
                format!("\"{}\" is not a signing role", r.value),
            )
            .with_code_help(),
        );
    }
    role
}

/// The checks every signature entry gets, of the terms or a consent: the name
/// is the party's (`signature-name-mismatch`) and the date is not ahead of
/// today (`signature-in-future`).
fn name_and_date(
    j: &Judge<'_>,
    s: &crate::format::agreement::Signature,
    role: Option<Role>,
    problems: &mut Vec<Diagnostic>,
) {
    let a = j.agreement;
    if let Some(name) = &s.name
        && non_empty(name, "signature name", problems)
        && let Some(role) = role
        && let Some(party) = a.name_of(role)
        && loose(party) != loose(&name.value)
    {
        // Names that look alike but encode an accent differently (NFC "á" against
        // NFD "a" + U+0301) are told apart by their code points.
        let how = if has_combining_mark(party) || has_combining_mark(&name.value) {
            format!(
                " (the accents are encoded differently: \"{}\" against \"{}\")",
                code_points(&name.value),
                code_points(party)
            )
        } else {
            String::new()
        };
        problems.push(
            Diagnostic::new(
                Code::SignatureNameMismatch,
                name.span.clone(),
                format!("signed as \"{}\", but the {role} is \"{party}\"{how}", name.value),
            )
            .with_help(format!("sign with the name in [{role}]: \"{party}\"")),
        );
    }
    if let Some(date) = &s.date
        && date.value > j.today
    {
        problems.push(
            Diagnostic::new(
                Code::SignatureInFuture,
                date.span.clone(),
                format!("signed on {}, which is after today ({})", ymd(date.value), ymd(j.today)),
            )
            .with_help("date a signature on the day it is made"),
        );
    }
}

/// What the consents (`[[signatures]]` naming an extension or the termination)
/// establish: which records were agreed to, and what is wrong.
#[derive(Debug, Clone, Default)]
pub struct Consents {
    /// For each `[[extensions]]` entry, in file order: agreed by the parties the
    /// program requires (always, with typed-name signing).
    pub extension_agreed: Vec<bool>,
    /// Roles that gave a consent that counts, per extension.
    pub extension_signers: Vec<Vec<Role>>,
    /// The termination was signed by whoever gave notice (always, with typed-name signing).
    pub termination_signed: bool,
    /// Problems with the consents and with records not agreed to.
    pub problems: Vec<Diagnostic>,
}

/// Who must consent to a termination by `by`: the party who gave notice, or
/// the lead for the program.
pub fn termination_signer(by: &str) -> Option<Role> {
    match Role::parse_in(by, &Role::TERMINATORS)? {
        Role::Program => Some(Role::Lead),
        role => Some(role),
    }
}

/// Judges every consent, once. With SSH signing an extension counts only when
/// both mentor and mentee signed it and a termination only when whoever gave
/// notice did; an extension or termination nobody signed is an error (one that
/// a party signed is waiting for the other, like a draft).
pub fn assess_consents(j: &Judge<'_>) -> Consents {
    let a = j.agreement;
    let ssh = j.program.rules.signatures.method == SignatureMethod::Ssh;
    let mut out = Consents {
        extension_agreed: vec![true; a.extensions.len()],
        extension_signers: vec![Vec::new(); a.extensions.len()],
        termination_signed: true,
        problems: Vec::new(),
    };
    let mut termination_signers: Vec<Role> = Vec::new();
    for c in &a.consents {
        let mut problems = Vec::new();
        let role = signing_role(c, &mut problems);
        name_and_date(j, c, role, &mut problems);
        let target = match c.record() {
            Some(crate::format::agreement::RecordRef::Extension(d)) => {
                a.extensions.iter().position(|e| e.agreed.as_ref().is_some_and(|x| x.value == d)).map(Some)
            }
            Some(crate::format::agreement::RecordRef::Termination(d)) => {
                a.termination.as_ref().filter(|t| t.date.as_ref().is_some_and(|x| x.value == d)).map(|_| None)
            }
            None => None,
        };
        if target.is_none() {
            let (what, at) = match (&c.extension, &c.termination) {
                (Some(d), _) => (format!("an extension agreed on {}", ymd(d.value)), d.span.clone()),
                (None, Some(d)) => (format!("a termination on {}", ymd(d.value)), d.span.clone()),
                (None, None) => continue,
            };
            problems.push(
                Diagnostic::new(
                    Code::SignatureUnverified,
                    at,
                    format!("this consent names {what}, and the agreement records none"),
                )
                .with_help("name the record by its date: an extension's `agreed`, the termination's `date`"),
            );
        }
        let mut ok = true;
        if ssh {
            match ssh_problem(a, c, role, j.terms, j.digest, j.ssh) {
                Some(p) => problems.push(p),
                None if c.name.is_none()
                    || c.date.is_none()
                    || role.and_then(|r| a.party(r)).and_then(|p| p.email.as_ref()).is_none() =>
                {
                    ok = false;
                }
                None => {}
            }
        }
        let is_error = |d: &Diagnostic| j.program.severity(d.code) == Some(crate::diagnostic::Severity::Error);
        ok &= role.is_some() && c.name.is_some() && c.date.is_some() && !problems.iter().any(is_error);
        if let (true, Some(role), Some(target)) = (ok, role, target) {
            match target {
                Some(i) => out.extension_signers[i].push(role),
                None => termination_signers.push(role),
            }
        }
        out.problems.extend(problems);
    }
    if !ssh {
        return out;
    }
    for (i, e) in a.extensions.iter().enumerate() {
        let signers = &out.extension_signers[i];
        out.extension_agreed[i] = Role::PARTIES.iter().all(|r| signers.contains(r));
        if signers.is_empty() {
            let when = e.agreed.as_ref().map_or(String::new(), |d| format!(" agreed on {}", ymd(d.value)));
            out.problems.push(
                Diagnostic::new(
                    Code::ExtensionUnsigned,
                    e.span.clone(),
                    format!("the extension{when} is signed by nobody: in this program, mentor and mentee sign an extension with their SSH keys, so it does not move the last day"),
                )
                .with_help("`mentor-agree sign FILE --extension --role mentor --key …`, then the mentee the same, or remove the entry"),
            );
        }
    }
    if let Some(t) = &a.termination {
        let signer = t.by.as_ref().and_then(|b| termination_signer(&b.value));
        out.termination_signed = signer.is_some_and(|r| termination_signers.contains(&r));
        if !out.termination_signed
            && let Some(role) = signer
        {
            out.problems.push(
                Diagnostic::new(
                    Code::TerminationUnsigned,
                    t.span.clone(),
                    format!("the termination is not signed by the {role}, who gave notice: in this program notice is signed with an SSH key, so the agreement has not ended"),
                )
                .with_help(format!("`mentor-agree sign FILE --termination --role {role} --key …`")),
            );
        }
    }
    out
}

/// With SSH signing, one key may sign for one role only: a later role signed
/// by a key that already signed does not count.
fn same_key(a: &crate::format::agreement::Agreement, verdicts: &mut [Verdict]) {
    let mut first: HashMap<String, Role> = HashMap::new();
    for (v, s) in verdicts.iter_mut().zip(&a.signatures) {
        let (Some(key), Some(role)) = (v.key.clone(), v.role) else { continue };
        match first.get(&key) {
            Some(&other) if other != role => {
                v.counts = false;
                v.stale = false;
                v.superseded = false;
                let at = s.sig.as_ref().map_or(s.span.clone(), |sig| sig.span.clone());
                v.problems.push(
                    Diagnostic::new(
                        Code::SignatureSameKey,
                        at,
                        format!("the {role}'s signature was made with the key that signed for the {other} ({key})"),
                    )
                    .with_help(format!(
                        "the {role} signs with their own key: `mentor-agree sign FILE --role {role} --key …`"
                    )),
                );
            }
            Some(_) => {}
            None => {
                first.insert(key, role);
            }
        }
    }
}

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = ctx.agreement;
    for v in ctx.signatures {
        out.extend(v.problems.iter().cloned());
    }
    out.extend(ctx.consents.problems.iter().cloned());
    if ctx.program.rules.signatures.method == SignatureMethod::Ssh {
        ssh_emails(ctx, out);
    }

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
            // A role whose signature is there but does not count already has its one reason reported.
            let reported = ctx.signatures.iter().any(|v| v.role == Some(*role) && (v.rejected() || v.stale));
            if reported {
                continue;
            }
            let message = match ctx.derived.amendment.as_ref().and_then(|m| m.in_force_since) {
                Some(since) => format!(
                    "the {role} has not signed the amended terms (the terms in force since {} stay so until every required role signs)",
                    ymd(since)
                ),
                None => format!("the {role} has not signed"),
            };
            out.push(
                Diagnostic::new(Code::Unsigned, 0..0, message)
                    .with_help(format!("mentor-agree sign FILE --role {role}")),
            );
        }
        // An extension one party signed waits for the other, as a draft does.
        for (e, signers) in a.extensions.iter().zip(&ctx.consents.extension_signers) {
            if signers.is_empty() || ctx.program.rules.signatures.method != SignatureMethod::Ssh {
                continue;
            }
            for role in Role::PARTIES.iter().filter(|r| !signers.contains(r)) {
                let when = e.agreed.as_ref().map_or(String::new(), |d| format!(" agreed on {}", ymd(d.value)));
                out.push(
                    Diagnostic::new(
                        Code::Unsigned,
                        e.span.clone(),
                        format!("the {role} has not signed the extension{when}"),
                    )
                    .with_help(format!("mentor-agree sign FILE --extension --role {role} --key …")),
                );
            }
        }
    }
}

/// The signing window: the required signatures that count must fall within
/// `window_days` of each other. The largest group of them that does is kept;
/// each one outside it does not count, with `signature-window` saying who must
/// sign again. How long a draft waits for its missing signatures is a matter
/// of time, so the agenda's, not the file's.
fn signing_window(j: &Judge<'_>, verdicts: &mut [Verdict]) {
    let window = i64::from(j.program.rules.signatures.window_days);
    let required = &j.program.rules.signatures.roles;
    let sigs = &j.agreement.signatures;
    let dated: Vec<(usize, NaiveDate)> = verdicts
        .iter()
        .enumerate()
        .filter(|(_, v)| v.counts && v.role.is_some_and(|r| required.contains(&r)))
        .filter_map(|(i, _)| sigs[i].date.as_ref().map(|d| (i, d.value)))
        .collect();
    // The window [d, d + window] holding the most signatures, the latest on a tie.
    let Some(anchor) = dated
        .iter()
        .map(|&(_, d)| d)
        .max_by_key(|&d| (dated.iter().filter(|(_, e)| *e >= d && days_between(d, *e) <= window).count(), d))
    else {
        return;
    };
    let inside = |d: NaiveDate| d >= anchor && days_between(anchor, d) <= window;
    let kept: Vec<Role> = dated.iter().filter(|(_, d)| inside(*d)).filter_map(|(i, _)| verdicts[*i].role).collect();
    let kept_words: Vec<&str> = kept.iter().map(|r| r.as_str()).collect();
    for &(i, d) in &dated {
        if inside(d) {
            continue;
        }
        let v = &mut verdicts[i];
        let Some(role) = v.role else { continue };
        v.counts = false;
        let Some(span) = sigs[i].date.as_ref().map(|d| d.span.clone()) else { continue };
        let gap = if d < anchor { days_between(d, anchor) } else { days_between(anchor, d) };
        let when = format!(
            "{gap} days {} the {} signed (from {})",
            if d < anchor { "before" } else { "after" },
            kept_words.join(" and "),
            ymd(anchor)
        );
        let help = window_help(&WindowCase { role, signed: d, anchor, kept: &kept, window, required }, j.today);
        v.problems.push(
            Diagnostic::new(
                Code::SignatureWindow,
                span,
                format!(
                    "the {role} signed on {}, {when}; the program allows {window} days between signatures, so it does not count",
                    ymd(d)
                ),
            )
            .with_help(help),
        );
    }
}

/// One signature outside the signing window, as [`window_help`] explains it.
struct WindowCase<'a> {
    /// Whose signature does not count.
    role: Role,
    /// The day it was signed.
    signed: NaiveDate,
    /// The first day of the window that holds the signatures kept.
    anchor: NaiveDate,
    /// The roles whose signatures are kept.
    kept: &'a [Role],
    /// The program's window, in days.
    window: i64,
    /// Every role the program requires.
    required: &'a [Role],
}

/// The `signature-window` help: which of the two remedies is still possible on
/// `today`, and what it takes. Re-signing the odd ones out works while the
/// window around the signatures kept (or, for a late signature, around it) is
/// still open; after its last day only everyone signing again, all within the
/// window, will do.
fn window_help(c: &WindowCase<'_>, today: NaiveDate) -> String {
    let plus = |d: NaiveDate| d.checked_add_days(chrono::Days::new(c.window.max(0) as u64)).unwrap_or(d);
    let sign = |roles: &[Role]| {
        roles.iter().map(|r| format!("`mentor-agree sign FILE --role {r}`")).collect::<Vec<_>>().join(", ")
    };
    let everyone = format!("everyone signs again, all within {} days of each other ({})", c.window, sign(c.required));
    let kept: Vec<&str> = c.kept.iter().map(|r| r.as_str()).collect();
    let kept = kept.join(" and ");
    // Signed before the others: the role alone signs again, within the window of theirs.
    // Signed after them: they sign again, within the window of this signature.
    let (last_day, who, around, roles) = if c.signed < c.anchor {
        (
            plus(c.anchor),
            format!("the {}", c.role),
            format!("the {kept}'s signatures (from {})", ymd(c.anchor)),
            vec![c.role],
        )
    } else {
        (
            plus(c.signed),
            format!("the {kept}"),
            format!("the {}'s signature ({})", c.role, ymd(c.signed)),
            c.kept.to_vec(),
        )
    };
    if today <= last_day {
        let verb = if roles.len() == 1 { "signs" } else { "sign" };
        format!(
            "{who} {verb} again by {} (within {} days of {around}): {}; after that day, {everyone}",
            ymd(last_day),
            c.window,
            sign(&roles)
        )
    } else {
        format!(
            "too late for {who} alone to sign again: the last day within {} days of {around} was {}; {everyone}",
            c.window,
            ymd(last_day)
        )
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

/// What is wrong with one signature under SSH signing, if anything. Without a
/// verifier only what needs no keys is checked.
fn ssh_problem(
    a: &crate::format::agreement::Agreement,
    s: &crate::format::agreement::Signature,
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
    if let Some(record) = s.record() {
        // A consent covers its own statement, over the terms digest it names.
        let signed = s.terms.as_ref().map_or(digest, |t| t.value.as_str());
        let statement =
            crate::format::terms::consent_statement(role.as_str(), &name.value, date.value, signed, a, record)?;
        return match verifier.verify(email, &sig.value, statement.as_bytes(), date.value) {
            SshVerdict::Valid => None,
            SshVerdict::Mismatch => Some(
                Diagnostic::new(
                    Code::SignatureUnverified,
                    sig.span.clone(),
                    "the SSH signature does not verify: it was not made over this consent's statement (the record it names, or its role, name or date, changed after signing, or `sig` was altered)",
                )
                .with_help(format!("the {role} signs the record again with `mentor-agree sign FILE --role {role} --key …`")),
            ),
            SshVerdict::Invalid(why) => Some(
                Diagnostic::new(Code::SignatureUnverified, sig.span.clone(), format!("the SSH signature does not verify: {why}"))
                    .with_help("sign again with `mentor-agree sign --key`"),
            ),
            SshVerdict::Untrusted(why) => Some(
                Diagnostic::new(Code::SignatureUntrusted, sig.span.clone(), format!("the SSH key is not trusted for {email}: {why}"))
                    .with_code_help(),
            ),
        };
    }
    let statement = crate::format::terms::statement(role.as_str(), &name.value, date.value, digest);
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

/// True when `s` holds a combining diacritical mark (U+0300 to U+036F): an accent
/// written apart from its letter (Unicode NFD), which looks like the precomposed one.
fn has_combining_mark(s: &str) -> bool {
    s.chars().any(|c| ('\u{300}'..='\u{36f}').contains(&c))
}

/// `s` with every non-ASCII character written as its code point (`Tom\u{e1}s`).
fn code_points(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii() { c.to_string() } else { c.escape_unicode().to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const ALL: [Role; 3] = [Role::Mentor, Role::Mentee, Role::Lead];

    #[test]
    fn an_early_signature_can_be_renewed_alone_while_the_window_is_open() {
        let kept = [Role::Mentee, Role::Lead];
        let c = WindowCase {
            role: Role::Mentor,
            signed: d("2026-08-01"),
            anchor: d("2026-09-20"),
            kept: &kept,
            window: 30,
            required: &ALL,
        };
        let open = window_help(&c, d("2026-10-20"));
        assert_eq!(
            open,
            "the mentor signs again by 2026-10-20 (within 30 days of the mentee and lead's signatures (from 2026-09-20)): \
             `mentor-agree sign FILE --role mentor`; after that day, everyone signs again, all within 30 days of each other \
             (`mentor-agree sign FILE --role mentor`, `mentor-agree sign FILE --role mentee`, `mentor-agree sign FILE --role lead`)"
        );
        let closed = window_help(&c, d("2026-10-21"));
        assert!(closed.starts_with("too late for the mentor alone to sign again: the last day within 30 days of the mentee and lead's signatures (from 2026-09-20) was 2026-10-20; everyone signs again, all within 30 days of each other ("), "{closed}");
        assert!(!closed.contains("signs again by"), "{closed}");
    }

    #[test]
    fn a_late_signature_is_met_by_the_others_signing_again_while_they_can() {
        let kept = [Role::Mentor, Role::Mentee];
        let c = WindowCase {
            role: Role::Lead,
            signed: d("2026-11-01"),
            anchor: d("2026-09-01"),
            kept: &kept,
            window: 30,
            required: &ALL,
        };
        let open = window_help(&c, d("2026-11-25"));
        assert!(
            open.starts_with(
                "the mentor and mentee sign again by 2026-12-01 (within 30 days of the lead's signature (2026-11-01)): \
                 `mentor-agree sign FILE --role mentor`, `mentor-agree sign FILE --role mentee`; after that day, everyone signs again"
            ),
            "{open}"
        );
        let closed = window_help(&c, d("2026-12-02"));
        assert!(closed.starts_with("too late for the mentor and mentee alone to sign again: the last day within 30 days of the lead's signature (2026-11-01) was 2026-12-01; everyone signs again"), "{closed}");
    }
}
