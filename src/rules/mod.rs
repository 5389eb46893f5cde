//! The program rules, one module per family. Each family reads the agreement,
//! the program and the derived values, and pushes diagnostics; none reads the
//! clock or the file system.

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic};
use crate::facts::derived::Derived;
use crate::format::agreement::{Agreement, Sp};
use crate::program::Program;

pub mod evaluations;
pub mod feedback;
pub mod goals;
pub mod lifecycle;
pub mod parties;
pub mod reviews;
pub mod schedule;
pub mod signatures;
pub mod term;

/// Options that change what `check` asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Report missing required signatures as `unsigned` errors.
    pub require_signed: bool,
}

/// Everything a rule may look at.
pub struct Context<'a> {
    /// The agreement.
    pub agreement: &'a Agreement,
    /// Its program.
    pub program: &'a Program,
    /// Derived values.
    pub derived: &'a Derived,
    /// Canonical terms bytes.
    pub terms: &'a str,
    /// "Today", passed in from the edge.
    pub today: NaiveDate,
    /// Check options.
    pub options: Options,
    /// Verifies SSH signatures (method = "ssh"); absent when the method is "name".
    pub ssh: Option<&'a dyn signatures::SshVerifier>,
    /// The verdict on each `[[signatures]]` entry, in file order ([`signatures::assess`]).
    pub signatures: &'a [signatures::Verdict],
    /// What the consents to extensions and the termination establish ([`signatures::assess_consents`]).
    pub consents: &'a signatures::Consents,
}

/// Runs every rule family.
pub fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    parties::check(ctx, out);
    schedule::check(ctx, out);
    term::check(ctx, out);
    reviews::check(ctx, out);
    goals::check(ctx, out);
    signatures::check(ctx, out);
    lifecycle::check(ctx, out);
    evaluations::check(ctx, out);
    feedback::check(ctx, out);
}

/// Applies the program's `[levels]`: changes severities, drops codes turned off.
pub fn apply_levels(program: &Program, diags: &mut Vec<Diagnostic>) {
    if program.levels.is_empty() {
        return;
    }
    diags.retain_mut(|d| match program.severity(d.code) {
        Some(sev) => {
            d.severity = sev;
            true
        }
        None => false,
    });
}

/// Reports a required text that is empty or whitespace.
pub(crate) fn non_empty(text: &Sp<String>, what: &str, out: &mut Vec<Diagnostic>) -> bool {
    if text.value.trim().is_empty() {
        out.push(
            Diagnostic::new(Code::EmptyText, text.span.clone(), format!("{what} is empty"))
                .with_help(format!("write the {what}, or remove the key")),
        );
        false
    } else {
        true
    }
}
