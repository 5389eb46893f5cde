//! Writing check results: human (rustc-style), JSON and GitHub Actions commands.
//!
//! The JSON and GitHub formats are stable interfaces, documented in README.md.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::diagnostic::Severity;
use crate::engine::Checked;
use crate::text::plural;

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-style report with source lines and carets.
    #[default]
    Human,
    /// One JSON document.
    Json,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// SARIF 2.1.0 log, for GitHub code scanning and other dashboards.
    Sarif,
}

/// Totals over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Files checked.
    pub checked: usize,
    /// Errors found.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
    /// Of those errors and warnings, the ones that fell due with time
    /// ([`crate::diagnostic::Code::falls_due`]), which fail a check only when asked to.
    pub due: usize,
}

impl Totals {
    /// Adds up the results of a run.
    pub fn of(files: &[Checked]) -> Totals {
        files.iter().fold(Totals { checked: files.len(), ..Totals::default() }, |t, f| Totals {
            errors: t.errors + f.count(Severity::Error),
            warnings: t.warnings + f.count(Severity::Warning),
            due: t.due + f.diagnostics.iter().filter(|l| l.diagnostic.code.falls_due()).count(),
            ..t
        })
    }

    /// Whether the run fails: an error, or with `deny_warnings` a warning, that
    /// did not fall due with time (those count only with `include_due`), so
    /// the verdict on unchanged files never gets worse as days pass.
    pub fn fails(files: &[Checked], deny_warnings: bool, include_due: bool) -> bool {
        files.iter().flat_map(|f| &f.diagnostics).any(|l| {
            let d = &l.diagnostic;
            (include_due || !d.code.falls_due()) && (d.severity == Severity::Error || deny_warnings)
        })
    }
}

/// Human report of one file (empty when it has no problems).
pub fn human_file(file: &Checked, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let path = file.path.display().to_string();
    let mut out = String::new();
    for l in &file.diagnostics {
        let d = &l.diagnostic;
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let p = &l.position;
        let snippet = Snippet::source(p.source_line.as_str())
            .line_start(p.line)
            .path(path.as_str())
            .annotation(AnnotationKind::Primary.span(p.line_span.clone()));
        let mut group = level.primary_title(d.message.as_str()).id(d.code.as_str()).element(snippet);
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let report: &[Group<'_>] = &[group];
        out.push_str(&renderer.render(report));
        out.push_str("\n\n");
    }
    out
}

/// The closing summary line of a human report.
pub fn summary(t: &Totals) -> String {
    let checked = plural(t.checked, "agreement");
    if t.errors == 0 && t.warnings == 0 {
        return format!("checked {checked}: no problems");
    }
    let due = match t.due {
        0 => String::new(),
        n => format!(
            " ({n} fell due with time: `agenda` follows {}, check does not fail on {})",
            if n == 1 { "it" } else { "them" },
            if n == 1 { "it" } else { "them" }
        ),
    };
    format!("checked {checked}: {}, {}{due}", plural(t.errors, "error"), plural(t.warnings, "warning"))
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    line: usize,
    column: usize,
    severity: Severity,
    code: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    /// `{"safe", "description"}` of the fix `check --fix` knows, or null.
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    safe: bool,
    description: &'a str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    checked: usize,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// The JSON report: `{"checked","errors","warnings","diagnostics":[…]}`.
pub fn json(files: &[Checked]) -> String {
    let t = Totals::of(files);
    let diagnostics = files
        .iter()
        .flat_map(|f| {
            let file = f.path.display().to_string();
            f.diagnostics.iter().map(move |l| JsonDiagnostic {
                file: file.clone(),
                line: l.position.line,
                column: l.position.column,
                severity: l.diagnostic.severity,
                code: l.diagnostic.code.as_str(),
                message: &l.diagnostic.message,
                help: l.diagnostic.help.as_deref(),
                fix: l.diagnostic.fix.as_ref().map(|f| JsonFix { safe: f.safe, description: &f.description }),
            })
        })
        .collect();
    let report = JsonReport { checked: t.checked, errors: t.errors, warnings: t.warnings, diagnostics };
    let mut s = serde_json::to_string_pretty(&report).expect("report serializes");
    s.push('\n');
    s
}

/// `s` as the data of a GitHub Actions workflow command (`::error …::DATA`):
/// `%`, carriage returns and line breaks percent-encoded.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// `s` as a property value of a workflow command (`file=`, `title=`): as
/// [`escape_data`], and `:` and `,` too.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one per problem.
pub fn github(files: &[Checked]) -> String {
    let mut out = String::new();
    for f in files {
        let file = escape_property(&f.path.display().to_string());
        for l in &f.diagnostics {
            let d = &l.diagnostic;
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(" (help: ");
                message.push_str(help);
                message.push(')');
            }
            let _ = writeln!(
                out,
                "::{} file={file},line={},col={},title={}::{}",
                d.severity,
                l.position.line,
                l.position.column,
                escape_property(d.code.as_str()),
                escape_data(&message)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn summary_wording() {
        assert_eq!(summary(&Totals { checked: 1, errors: 0, warnings: 0, due: 0 }), "checked 1 agreement: no problems");
        assert_eq!(
            summary(&Totals { checked: 2, errors: 0, warnings: 2, due: 2 }),
            "checked 2 agreements: 0 errors, 2 warnings (2 fell due with time: `agenda` follows them, check does not fail on them)"
        );
        assert_eq!(
            summary(&Totals { checked: 3, errors: 1, warnings: 2, due: 0 }),
            "checked 3 agreements: 1 error, 2 warnings"
        );
    }
}
