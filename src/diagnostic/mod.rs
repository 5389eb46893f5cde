//! Diagnostics: the registry of every code, and the data a problem carries.
//!
//! The code list lives in exactly one place, the [`codes!`] invocation below.
//! Documentation (`check --explain`), `[levels]` validation, SARIF rules and the
//! README table are all generated from it.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

pub mod report;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, but does not fail `check` (unless `--deny-warnings`).
    Warning,
    /// Fails `check`.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $sev:ident, $summary:literal, $fix:literal; )*) => {
        /// Every diagnostic code. Codes are part of the public interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( #[doc = $summary] $variant, )* }

        impl Code {
            /// All codes, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// Severity when `[levels]` does not override it.
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// When the code is raised, in one sentence.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// How to fix it, in one or two sentences.
            pub fn fix(self) -> &'static str {
                match self { $( Code::$variant => $fix, )* }
            }
        }
    };
}

codes! {
    TomlSyntax = "toml-syntax", Error,
        "The file is not valid TOML, or not UTF-8 text.",
        "Fix the syntax at the marked place; save the file as UTF-8.";
    UnknownKey = "unknown-key", Error,
        "A key the agreement format does not have (often a typo).",
        "Rename the key to the suggested one, or remove it.";
    WrongType = "wrong-type", Error,
        "A value of the wrong type, an impossible date, or a value outside its allowed set.",
        "Write the value as the message says, e.g. dates unquoted as 2026-12-07.";
    MissingKey = "missing-key", Error,
        "A required key or table is absent.",
        "Add the key named in the message.";
    FormatVersion = "format-version", Error,
        "`format` is missing, or newer than this version of mentor-agree supports.",
        "Add `format = 1` at the top, or upgrade mentor-agree.";
    BadId = "bad-id", Error,
        "The id is not lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit.",
        "Use an id like `2026-12-ada-lovelace-grace-hopper`.";
    DuplicateId = "duplicate-id", Error,
        "Two files checked together have the same id.",
        "Give one of them another `id`, or rename the file.";
    BadEmail = "bad-email", Error,
        "An email address is not of the form local@domain.tld.",
        "Correct the address, or remove the key (emails are optional).";
    EmptyText = "empty-text", Error,
        "A required text is empty or only whitespace.",
        "Write the text, or remove the entry.";
    SamePerson = "same-person", Error,
        "The mentor and the mentee have the same name or email.",
        "A pair needs two different people.";
    GoalsTooFew = "goals-too-few", Error,
        "Fewer goals than rules.goals.min.",
        "Add `[[goals]]` entries until the program minimum is met.";
    GoalsTooMany = "goals-too-many", Error,
        "More goals than rules.goals.max.",
        "Merge or drop goals: a short list gets done.";
    GoalNoMeasure = "goal-no-measure", Error,
        "A goal has no `measure`, and the program requires one.",
        "Say how both of you will know the goal is met.";
    GoalNoDue = "goal-no-due", Error,
        "A goal has no `due` date, and the program requires one.",
        "Add `due = YYYY-MM-DD` within the term.";
    GoalNoWhy = "goal-no-why", Error,
        "A goal has no `why`, and the program requires one.",
        "Add why the goal matters to the mentee.";
    GoalDueOutsideTerm = "goal-due-outside-term", Error,
        "A goal is due before the start or after the last day of the term.",
        "Move the due date into the term, or extend the term.";
    GoalNotAchievable = "goal-not-achievable", Warning,
        "Too few sessions are held on or before the goal's due date.",
        "Move the due date later or meet more often.";
    GoalVagueMeasure = "goal-vague-measure", Warning,
        "A measure has no number or countable outcome.",
        "Say what will be counted: \"3 retrospectives\", \"one talk given\".";
    GoalDuplicate = "goal-duplicate", Warning,
        "Two goals have the same text.",
        "Remove the copy, or make each goal say something different.";
    FrequencyUnknown = "frequency-unknown", Error,
        "The meeting frequency is not one mentor-agree understands.",
        "Use weekly, fortnightly, monthly or \"every N weeks\" (N from 1 to 12).";
    FrequencyNotAllowed = "frequency-not-allowed", Error,
        "The frequency is valid but not one the program allows.",
        "Pick one of rules.schedule.frequencies.";
    TooFewSessions = "too-few-sessions", Error,
        "The frequency gives fewer sessions a month than the program minimum.",
        "Meet more often.";
    SessionTooShort = "session-too-short", Error,
        "Sessions are shorter than rules.schedule.min_session_minutes.",
        "Plan longer sessions.";
    SessionTooLong = "session-too-long", Error,
        "Sessions are longer than rules.schedule.max_session_minutes.",
        "Plan shorter sessions, or meet more often.";
    NoModes = "no-modes", Error,
        "No way of holding sessions is given.",
        "List at least one mode, e.g. modes = [\"video call\"].";
    ModeNotAllowed = "mode-not-allowed", Error,
        "A session mode the program does not allow.",
        "Use one of rules.schedule.modes.";
    TermAmbiguous = "term-ambiguous", Error,
        "A term or extension has both or neither of `months` and `weeks`.",
        "Keep exactly one of the two.";
    TermTooShort = "term-too-short", Error,
        "The term ends before start + rules.term.min_months.",
        "Agree a longer term.";
    TermTooLong = "term-too-long", Error,
        "The term ends after start + rules.term.max_months.",
        "Agree a shorter term; extend it later by mutual agreement if needed.";
    ExtensionNotMutual = "extension-not-mutual", Error,
        "An extension is not agreed by both mentor and mentee.",
        "Extensions need both: by = [\"mentor\", \"mentee\"].";
    ExtensionAfterEnd = "extension-after-end", Error,
        "An extension was agreed on or after the end in force at that time.",
        "An ended agreement cannot be extended: start a new one.";
    ExtensionTooLong = "extension-too-long", Error,
        "With extensions, the term runs past start + rules.term.max_total_months.",
        "Shorten the extension.";
    NoReviews = "no-reviews", Error,
        "The program requires review checkpoints and none are planned.",
        "Add [reviews] with every_months = N or dates = [...].";
    ReviewGap = "review-gap", Error,
        "Two checkpoints (or start/end and a checkpoint) are further apart than rules.reviews.max_gap_months.",
        "Review more often.";
    ReviewOutsideTerm = "review-outside-term", Error,
        "A review date lies outside the term.",
        "Move it into the term.";
    SignatureUnknownRole = "signature-unknown-role", Error,
        "A signature's role is not mentor, mentee or lead.",
        "Use role = \"mentor\", \"mentee\" or \"lead\".";
    SignatureDuplicateRole = "signature-duplicate-role", Error,
        "Two signatures for the same role.",
        "Keep one; `mentor-agree sign` replaces an old signature for you.";
    SignatureNameMismatch = "signature-name-mismatch", Error,
        "The signature's name is not that party's name.",
        "Sign with the name written in the party's table.";
    SignatureInFuture = "signature-in-future", Error,
        "A signature is dated after today.",
        "Date it on the day it was signed.";
    SignatureStale = "signature-stale", Error,
        "The terms changed after this signature: its digest no longer matches.",
        "Review the new terms and sign again (`mentor-agree sign`).";
    SignatureWindow = "signature-window", Error,
        "Required signatures are spread over more than rules.signatures.window_days.",
        "Collect the missing signatures, or all sign again within the window.";
    SignatureUnverified = "signature-unverified", Error,
        "With SSH signing, `sig` is missing or does not verify against the terms.",
        "Sign again with `mentor-agree sign --key`.";
    SignatureUntrusted = "signature-untrusted", Error,
        "With SSH signing, the key is not allowed for that signer in allowed_signers.",
        "Add the signer's public key to the program's allowed_signers file.";
    StartBeforeEffective = "start-before-effective", Warning,
        "The term starts before the last required signature.",
        "Sign before the start, or move the start date.";
    TerminationNoNotice = "termination-no-notice", Error,
        "A termination was not given by written notice.",
        "Record notice = \"written\" once written notice was given.";
    TerminationOutsideTerm = "termination-outside-term", Error,
        "A termination date lies before the start or after the last day.",
        "Correct the date.";
    TerminationNoReason = "termination-no-reason", Error,
        "The program ended the agreement without a reason.",
        "Record the reason for the intervention.";
    InterventionNoHearing = "intervention-no-hearing", Error,
        "The program ended the agreement without reported <= hearing <= date.",
        "Record when the concern was reported and when both parties were heard.";
    CheckinOverdue = "checkin-overdue", Warning,
        "An active pair has not checked in for longer than rules.checkins.max_gap_days.",
        "Record a check-in with `mentor-agree checkin`.";
    CheckinOutsideTerm = "checkin-outside-term", Error,
        "A check-in is dated before the start, after the last day, or after today.",
        "Correct the date.";
    Unsigned = "unsigned", Error,
        "With `check --require-signed`: a required signature is missing.",
        "Collect the signature with `mentor-agree sign`.";
}

impl Code {
    /// Looks a code up by its kebab-case name.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: Code,
    /// Severity after `[levels]` were applied.
    pub severity: Severity,
    /// Byte range in the file's text; `None` for the whole file.
    pub span: Option<Range<usize>>,
    /// What is wrong and what to do.
    pub message: String,
    /// An extra hint, when one helps.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, span: impl Into<Option<Range<usize>>>, message: impl Into<String>) -> Self {
        Diagnostic { code, severity: code.default_severity(), span: span.into(), message: message.into(), help: None }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Maps byte offsets of one text to 1-based line and column (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based (line, column) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line + 1, col)
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        let end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') { end - 1 } else { end };
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()));
            assert_eq!(Code::from_name(name), Some(*code));
        }
        assert_eq!(Code::from_name("no-such-code"), None);
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "a = 1\nname = \"Zoë\" x\r\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 6), (2, 1));
        let x = text.find(" x").unwrap() + 1;
        assert_eq!(idx.line_col(text, x), (2, 14));
        assert_eq!(idx.line_col(text, text.len()), (3, 5));
        assert_eq!(&text[idx.line_range(text, 2)], "name = \"Zoë\" x");
    }
}
