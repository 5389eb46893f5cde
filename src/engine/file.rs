//! Checking one agreement: read, parse, derive, run the rules, locate.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic, LineIndex, Severity};
use crate::facts::derived::Derived;
use crate::format::agreement::{self, Agreement, Span};
use crate::program::Program;
use crate::rules::{self, signatures::SshVerifier};

/// A place in a file, resolved for display.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// The text of that line.
    pub source_line: String,
    /// Byte range of the span within `source_line`.
    pub line_span: Span,
}

/// A diagnostic with its place resolved to line and column, and the source line kept for display.
#[derive(Debug, Clone)]
pub struct Located {
    /// The problem.
    pub diagnostic: Diagnostic,
    /// Where it is.
    pub position: Position,
}

impl Located {
    /// This diagnostic in `file`, for one-line messages: displays as
    /// `FILE:LINE:COLUMN: MESSAGE`.
    pub fn in_file<'a>(&'a self, file: &'a Path) -> InFile<'a> {
        InFile { located: self, file }
    }
}

/// A [`Located`] diagnostic and the file it is in; see [`Located::in_file`].
pub struct InFile<'a> {
    located: &'a Located,
    file: &'a Path,
}

impl std::fmt::Display for InFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = &self.located.position;
        write!(f, "{}:{}:{}: {}", self.file.display(), p.line, p.column, self.located.diagnostic.message)
    }
}

/// Everything known about one checked file.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The path as given.
    pub path: PathBuf,
    /// The agreement id: `id` or the file stem.
    pub id: String,
    /// Where `id` was written, if it was.
    pub id_position: Option<Position>,
    /// True when the text was read as an agreement (valid TOML of a supported format).
    pub readable: bool,
    /// The model (absent when not readable, or dropped by [`Checked::without_model`]).
    pub agreement: Option<Box<Agreement>>,
    /// Derived values (absent with the model).
    pub derived: Option<Box<Derived>>,
    /// Canonical terms bytes.
    pub terms: Option<String>,
    /// Problems, in file order.
    pub diagnostics: Vec<Located>,
    /// The program that governs the file.
    pub program: Arc<Program>,
}

impl Checked {
    /// Drops the model, derived values and terms, keeping what a report needs.
    pub fn without_model(self) -> Checked {
        Checked { agreement: None, derived: None, terms: None, ..self }
    }

    /// Number of problems with a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.diagnostic.severity == severity).count()
    }
}

/// Settings shared by every file of a run.
#[derive(Clone, Copy)]
pub struct Settings<'a> {
    /// "Today".
    pub today: NaiveDate,
    /// Rule options.
    pub options: rules::Options,
    /// SSH verifier for programs with method = "ssh".
    pub ssh: Option<&'a dyn SshVerifier>,
}

/// Decodes file bytes as UTF-8 text, or reports (located) where it stops being UTF-8.
pub fn decode(bytes: Vec<u8>) -> Result<String, Box<Located>> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
        let d =
            Diagnostic::new(Code::TomlSyntax, at..at, "the file is not UTF-8 text").with_help("save the file as UTF-8");
        Box::new(locate(valid, vec![d]).remove(0))
    })
}

/// Checks agreement text. `path` names the file in reports and gives the default id.
pub fn check_text(path: &Path, text: &str, program: Arc<Program>, settings: &Settings<'_>) -> Checked {
    let parsed = agreement::parse(text);
    let mut diags = parsed.diagnostics;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let (id, id_span) = match parsed.agreement.as_ref().and_then(|a| a.id.as_ref()) {
        Some(id) => (id.value.clone(), Some(id.span.clone())),
        None => (stem, None),
    };
    let mut derived = None;
    if let (Some(a), Some(terms)) = (&parsed.agreement, &parsed.terms) {
        let digest = crate::format::terms::digest(terms);
        let ssh =
            if program.rules.signatures.method == crate::program::SignatureMethod::Ssh { settings.ssh } else { None };
        // Each signature judged once: only those that count are signed, and only
        // the extensions and the termination consented to as the program requires count.
        let judge = rules::signatures::Judge {
            agreement: a,
            program: &program,
            terms,
            digest: &digest,
            today: settings.today,
            ssh,
        };
        let verdicts = rules::signatures::assess(&judge);
        let consents = rules::signatures::assess_consents(&judge);
        let versions = rules::signatures::earlier_versions(&judge, &verdicts);
        let kept_entry = |v: &rules::signatures::Verdict| v.counts || v.stale || v.superseded;
        let all_count = verdicts.iter().all(kept_entry)
            && consents.extension_agreed.iter().all(|x| *x)
            && consents.termination_signed;
        let mut der = if all_count {
            Derived::compute_with(a, &program, Some(&digest), &versions, settings.today)
        } else {
            let kept = Agreement {
                signatures: a
                    .signatures
                    .iter()
                    .zip(&verdicts)
                    .filter(|(_, v)| kept_entry(v))
                    .map(|(s, _)| s.clone())
                    .collect(),
                extensions: a
                    .extensions
                    .iter()
                    .zip(&consents.extension_agreed)
                    .filter(|(_, agreed)| **agreed)
                    .map(|(e, _)| e.clone())
                    .collect(),
                termination: a.termination.clone().filter(|_| consents.termination_signed),
                ..a.clone()
            };
            Derived::compute_with(&kept, &program, Some(&digest), &versions, settings.today)
        };
        der.rejected =
            verdicts.iter().filter(|v| v.rejected()).filter_map(|v| Some((v.role?, v.reason()?.to_string()))).collect();
        der.verified_keys = verdicts.iter().filter(|v| v.counts).filter_map(|v| v.role.zip(v.key.clone())).collect();
        let ctx = rules::Context {
            agreement: a,
            program: &program,
            derived: &der,
            terms,
            today: settings.today,
            options: settings.options,
            ssh,
            signatures: &verdicts,
            consents: &consents,
        };
        rules::check(&ctx, &mut diags);
        derived = Some(Box::new(der));
    }
    rules::apply_levels(&program, &mut diags);
    if let Some(a) = parsed.agreement.as_ref().filter(|a| !a.signatures.is_empty()) {
        let signed: Vec<Option<&str>> =
            a.signatures.iter().map(|s| s.terms.as_ref().map(|t| t.value.as_str())).collect();
        mark_unsafe_fixes(text, parsed.terms.as_deref(), &signed, &mut diags);
    }
    let index = LineIndex::new(text);
    let id_position = id_span.map(|span| position(text, &index, &span));
    let diagnostics = locate_with(text, &index, diags);
    Checked {
        path: path.to_path_buf(),
        id,
        id_position,
        readable: parsed.agreement.is_some(),
        agreement: parsed.agreement.map(Box::new),
        derived,
        terms: parsed.terms,
        diagnostics,
        program,
    }
}

/// In a signed file, marks as unsafe every fix that would make a signature that
/// covers the current terms stale (it changes the terms they signed), and drops a
/// fix that does not fit the text. A fix is safe when no signature covers the
/// current terms: one that brings the terms back to what was signed (a typo made
/// after signing) makes the signatures current again, the safest fix there is.
fn mark_unsafe_fixes(text: &str, terms: Option<&str>, signed: &[Option<&str>], diags: &mut [Diagnostic]) {
    let current = terms.map(crate::format::terms::digest);
    let covered = current.as_deref().is_some_and(|c| signed.contains(&Some(c)));
    for d in diags {
        let Some(fix) = &mut d.fix else { continue };
        match fix.apply(text) {
            None => d.fix = None,
            Some(fixed) => {
                if fix.safe && covered && crate::format::terms::canonical(&fixed).as_deref() != terms {
                    fix.safe = false;
                }
            }
        }
    }
}

/// Checks a file on disk.
pub fn check_file(path: &Path, program: Arc<Program>, settings: &Settings<'_>) -> std::io::Result<Checked> {
    let bytes = crate::input::read(path)?;
    Ok(match decode(bytes) {
        Ok(text) => check_text(path, &text, program, settings),
        Err(located) => {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            Checked {
                path: path.to_path_buf(),
                id: stem,
                id_position: None,
                readable: false,
                agreement: None,
                derived: None,
                terms: None,
                diagnostics: vec![*located],
                program,
            }
        }
    })
}

/// Resolves spans to lines and columns, sorted by place then code.
pub fn locate(text: &str, diags: Vec<Diagnostic>) -> Vec<Located> {
    locate_with(text, &LineIndex::new(text), diags)
}

fn locate_with(text: &str, index: &LineIndex, mut diags: Vec<Diagnostic>) -> Vec<Located> {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.span.as_ref().map_or(0, |s| s.start);
        key(a).cmp(&key(b)).then(a.code.cmp(&b.code))
    });
    diags.dedup();
    let whole = first_content(text);
    diags
        .into_iter()
        .map(|d| {
            // A problem of the whole file (no span, or an empty one at the start) is shown
            // on the first table or key, not on a leading comment such as `#:schema`.
            let span = match &d.span {
                Some(s) if *s != (0..0) => s.clone(),
                _ => whole.clone(),
            };
            Located { position: position(text, index, &span), diagnostic: d }
        })
        .collect()
}

/// The first line that is neither blank nor a comment, without its line ending
/// (an empty span at 0 when there is none).
fn first_content(text: &str) -> Span {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let start = offset + (content.len() - trimmed.len());
            return start..offset + content.trim_end().len();
        }
        offset += line.len();
    }
    0..0
}

/// Line, column and line text of a span.
pub fn position(text: &str, index: &LineIndex, span: &Span) -> Position {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let (line, column) = index.line_col(text, start);
    let range = index.line_range(text, line);
    // A span can start past the shown line: at the `\r` of a final line ending in a lone `\r`, or at the end of the file.
    let shown = start.min(range.end);
    let end = floor_char_boundary(text, span.end.clamp(shown, range.end.max(shown)));
    let line_span = (shown - range.start)..(end.max(shown) - range.start);
    Position { line, column, source_line: text[range].to_string(), line_span }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Adds `duplicate-id` to every file whose id an earlier file (in the given order) already has.
pub fn mark_duplicate_ids(files: &mut [Checked]) {
    let mut first: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    for f in files.iter_mut() {
        if !f.readable {
            continue;
        }
        match first.get(&f.id) {
            None => {
                first.insert(f.id.clone(), f.path.clone());
            }
            Some(other) => {
                if let Some(located) = duplicate_id(f, other) {
                    f.diagnostics.push(located);
                    f.diagnostics.sort_by_key(|l| (l.position.line, l.position.column));
                }
            }
        }
    }
}

/// The `duplicate-id` problem of `f`, whose id the file `other` (checked before
/// it) already has; `None` when its program turns the code off.
pub fn duplicate_id(f: &Checked, other: &Path) -> Option<Located> {
    let severity = f.program.severity(Code::DuplicateId)?;
    let mut diagnostic =
        Diagnostic::new(Code::DuplicateId, None, format!("id `{}` is also the id of {}", f.id, other.display()))
            .with_code_help();
    diagnostic.severity = severity;
    let position = f.id_position.clone().unwrap_or(Position { line: 1, column: 1, ..Position::default() });
    Some(Located { diagnostic, position })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_stay_inside_the_shown_line() {
        // Found by fuzzing: a file ending in a lone `\r`, with an error reported at the end of the file.
        for text in ["a = 1\r", "a = \"x\r", "[m\re\rn\r", "a = 1\r\n\r"] {
            let index = LineIndex::new(text);
            for start in 0..=text.len() {
                for end in start..=text.len() + 1 {
                    let p = position(text, &index, &(start..end));
                    assert!(p.line_span.start <= p.line_span.end, "{text:?} {start}..{end}: {p:?}");
                    assert!(p.line_span.end <= p.source_line.len(), "{text:?} {start}..{end}: {p:?}");
                }
            }
        }
    }
}
