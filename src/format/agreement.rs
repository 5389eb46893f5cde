//! The agreement model (format 1) and its parser, which keeps a source span on
//! every value so each diagnostic points at the right place.
//!
//! Parsing never fails: problems with the document's shape (unknown keys, wrong
//! types, missing keys) are returned as diagnostics next to a best-effort model,
//! and the rule families in [`crate::rules`] check the meaning.

use std::borrow::Cow;
use std::ops::Range;

use chrono::NaiveDate;
use toml::Spanned as TSpanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::text::suggest;

/// Newest agreement format this version reads.
pub const FORMAT_VERSION: i64 = 1;

/// Byte range into the file's text.
pub type Span = Range<usize>;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Sp<T> {
    fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

/// `[mentor]`, `[mentee]` or `[lead]`.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// Full name.
    pub name: Option<Sp<String>>,
    /// Email address.
    pub email: Option<Sp<String>>,
    /// The table's header.
    pub span: Span,
}

/// `[schedule]`.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    /// As written: weekly, fortnightly, monthly, "every N weeks".
    pub frequency: Option<Sp<String>>,
    /// Length of one session.
    pub session_minutes: Option<Sp<i64>>,
    /// How sessions are held.
    pub modes: Option<Sp<Vec<Sp<String>>>>,
    /// Channels between sessions.
    pub also_via: Vec<Sp<String>>,
    /// The table's header.
    pub span: Span,
}

/// `[term]`.
#[derive(Debug, Clone, Default)]
pub struct Term {
    /// First day.
    pub start: Option<Sp<NaiveDate>>,
    /// Length in calendar months.
    pub months: Option<Sp<i64>>,
    /// Length in weeks.
    pub weeks: Option<Sp<i64>>,
    /// The table's header.
    pub span: Span,
}

/// `[reviews]`.
#[derive(Debug, Clone, Default)]
pub struct Reviews {
    /// A checkpoint every N months from the start.
    pub every_months: Option<Sp<i64>>,
    /// Explicit checkpoint dates.
    pub dates: Option<Sp<Vec<Sp<NaiveDate>>>>,
    /// The table's header.
    pub span: Span,
}

/// One `[[goals]]` entry.
#[derive(Debug, Clone, Default)]
pub struct Goal {
    /// What (specific).
    pub goal: Option<Sp<String>>,
    /// How it is measured.
    pub measure: Option<Sp<String>>,
    /// Why it matters (relevant).
    pub why: Option<Sp<String>>,
    /// When (time-bound).
    pub due: Option<Sp<NaiveDate>>,
    /// The entry's header.
    pub span: Span,
}

/// One `[[signatures]]` entry.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    /// mentor, mentee or lead.
    pub role: Option<Sp<String>>,
    /// Name of the signer.
    pub name: Option<Sp<String>>,
    /// Day of signing.
    pub date: Option<Sp<NaiveDate>>,
    /// `sha256:` digest of the signed terms.
    pub terms: Option<Sp<String>>,
    /// SSH principal.
    pub signer: Option<Sp<String>>,
    /// Armored SSHSIG.
    pub sig: Option<Sp<String>>,
    /// For a consent: the extension it agrees to, named by the day it was agreed.
    pub extension: Option<Sp<NaiveDate>>,
    /// For a consent: the termination it gives notice of, named by its date.
    pub termination: Option<Sp<NaiveDate>>,
    /// The entry's header.
    pub span: Span,
}

impl Signature {
    /// The record a consent signs (`None` for a signature of the terms).
    pub fn record(&self) -> Option<RecordRef> {
        match (&self.extension, &self.termination) {
            (Some(d), _) => Some(RecordRef::Extension(d.value)),
            (None, Some(d)) => Some(RecordRef::Termination(d.value)),
            (None, None) => None,
        }
    }
}

/// The record a consent signs: an extension (by the day it was agreed) or the
/// termination (by its date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordRef {
    /// `extension = DATE`.
    Extension(NaiveDate),
    /// `termination = DATE`.
    Termination(NaiveDate),
}

/// One `[[extensions]]` entry.
#[derive(Debug, Clone, Default)]
pub struct Extension {
    /// Added calendar months.
    pub months: Option<Sp<i64>>,
    /// Added weeks.
    pub weeks: Option<Sp<i64>>,
    /// Day it was agreed.
    pub agreed: Option<Sp<NaiveDate>>,
    /// Who agreed.
    pub by: Option<Sp<Vec<Sp<String>>>>,
    /// The entry's header.
    pub span: Span,
}

/// One `[[checkins]]` entry.
#[derive(Debug, Clone, Default)]
pub struct Checkin {
    /// Day of the report.
    pub date: Option<Sp<NaiveDate>>,
    /// Who reported.
    pub by: Option<Sp<String>>,
    /// Short progress note.
    pub note: Option<Sp<String>>,
    /// The entry's header.
    pub span: Span,
}

/// One `[[evaluations]]` entry: a review the pair held.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Day the review was held.
    pub date: Option<Sp<NaiveDate>>,
    /// Who took part (roles).
    pub by: Option<Sp<Vec<Sp<String>>>>,
    /// The final review of the relationship.
    pub closing: Option<Sp<bool>>,
    /// Reflection: what works.
    pub working: Option<Sp<String>>,
    /// Reflection: what to change.
    pub improve: Option<Sp<String>>,
    /// Goals reviewed.
    pub progress: Vec<Progress>,
    /// The entry's header.
    pub span: Span,
}

impl Evaluation {
    /// True when marked as the closing review.
    pub fn is_closing(&self) -> bool {
        self.closing.as_ref().is_some_and(|c| c.value)
    }
}

/// A feedback answer as written in a `[[feedback]]` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    /// A whole number (a `scale` answer).
    Integer(i64),
    /// `true` or `false` (a `yes-no` answer).
    Boolean(bool),
    /// Text (a `choice` or `text` answer).
    Text(String),
    /// Any other TOML type, named ("a table").
    Other(&'static str),
}

/// One answer of `feedback.answers`: the question's id and the value.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The question's id (the key).
    pub question: Sp<String>,
    /// The answer.
    pub value: Sp<AnswerValue>,
}

/// One `[[feedback]]` entry: a respondent's answers to a program form. The
/// `team` answers are in `sealed`, encrypted; nothing here decrypts them.
#[derive(Debug, Clone, Default)]
pub struct Feedback {
    /// Day answered.
    pub date: Option<Sp<NaiveDate>>,
    /// The form's id.
    pub form: Option<Sp<String>>,
    /// Who answered (a role).
    pub by: Option<Sp<String>>,
    /// The `pair` answers, in plain text.
    pub answers: Vec<Answer>,
    /// The `team` answers: an ASCII-armored age block.
    pub sealed: Option<Sp<String>>,
    /// The entry's header.
    pub span: Span,
}

/// One goal's progress in an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// The goal's number (1-based, in file order).
    pub goal: Option<Sp<i64>>,
    /// Where the goal stands.
    pub status: Option<Sp<GoalStatus>>,
    /// A short note.
    pub note: Option<Sp<String>>,
    /// The entry.
    pub span: Span,
}

/// Where a goal stands at a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoalStatus {
    /// Work has not begun.
    NotStarted,
    /// Progressing as planned.
    OnTrack,
    /// Progressing, but later than planned.
    Behind,
    /// Met, by its measure.
    Achieved,
    /// Given up, by agreement.
    Dropped,
}

impl GoalStatus {
    /// Every status, in the order a goal usually moves through them.
    pub const ALL: [GoalStatus; 5] =
        [GoalStatus::NotStarted, GoalStatus::OnTrack, GoalStatus::Behind, GoalStatus::Achieved, GoalStatus::Dropped];

    /// The name written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::NotStarted => "not-started",
            GoalStatus::OnTrack => "on-track",
            GoalStatus::Behind => "behind",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Dropped => "dropped",
        }
    }

    /// Parses the name written in files.
    pub fn parse(s: &str) -> Option<GoalStatus> {
        GoalStatus::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// A status as a person types it (`--goal 1=…`, the `evaluate` questionnaire):
    /// case and spaces are forgiven ("On track"); anything else is refused with
    /// the nearest status and the list of all of them.
    pub fn from_typed(s: &str) -> Result<GoalStatus, String> {
        let typed = s.trim();
        let name = typed.to_lowercase().replace(' ', "-");
        GoalStatus::parse(&name).ok_or_else(|| {
            let names = GoalStatus::ALL.map(GoalStatus::as_str);
            let hint = crate::text::suggest::closest(&name, names.iter().copied())
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            format!("`{typed}` is not a goal status: {hint}use one of {}", names.join(", "))
        })
    }

    /// Achieved or dropped: nothing more to do for the goal.
    pub fn is_settled(self) -> bool {
        matches!(self, GoalStatus::Achieved | GoalStatus::Dropped)
    }

    /// In plain words ("on track").
    pub fn in_words(self) -> &'static str {
        match self {
            GoalStatus::NotStarted => "not started",
            GoalStatus::OnTrack => "on track",
            GoalStatus::Behind => "behind",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Dropped => "dropped",
        }
    }
}

impl std::fmt::Display for GoalStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[termination]`.
#[derive(Debug, Clone, Default)]
pub struct Termination {
    /// Day it ends.
    pub date: Option<Sp<NaiveDate>>,
    /// mentor, mentee or program.
    pub by: Option<Sp<String>>,
    /// Must be "written".
    pub notice: Option<Sp<String>>,
    /// Why.
    pub reason: Option<Sp<String>>,
    /// By program: when the concern was reported.
    pub reported: Option<Sp<NaiveDate>>,
    /// By program: when both parties could respond.
    pub hearing: Option<Sp<NaiveDate>>,
    /// The table's header.
    pub span: Span,
}

/// A parsed agreement. Absent or mistyped keys are `None` (a diagnostic says why).
#[derive(Debug, Clone, Default)]
pub struct Agreement {
    /// `format`.
    pub format: Option<Sp<i64>>,
    /// `id` as written.
    pub id: Option<Sp<String>>,
    /// `topics`.
    pub topics: Vec<Sp<String>>,
    /// `[mentor]`.
    pub mentor: Option<Person>,
    /// `[mentee]`.
    pub mentee: Option<Person>,
    /// `[lead]`.
    pub lead: Option<Person>,
    /// `[schedule]`.
    pub schedule: Option<Schedule>,
    /// `[term]`.
    pub term: Option<Term>,
    /// `[reviews]`.
    pub reviews: Option<Reviews>,
    /// `[[goals]]`.
    pub goals: Vec<Goal>,
    /// `[[signatures]]` of the terms.
    pub signatures: Vec<Signature>,
    /// `[[signatures]]` that consent to a record (with `extension = DATE` or
    /// `termination = DATE`) rather than sign the terms.
    pub consents: Vec<Signature>,
    /// `[[extensions]]`.
    pub extensions: Vec<Extension>,
    /// `[[checkins]]`.
    pub checkins: Vec<Checkin>,
    /// `[[evaluations]]`.
    pub evaluations: Vec<Evaluation>,
    /// `[[feedback]]`.
    pub feedback: Vec<Feedback>,
    /// `[termination]`.
    pub termination: Option<Termination>,
}

/// The result of reading one file.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The model; `None` when the text is not TOML or its format is unsupported.
    pub agreement: Option<Agreement>,
    /// Canonical terms bytes (see [`crate::format::terms`]); `None` when not TOML.
    pub terms: Option<String>,
    /// Shape problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Most syntax errors reported for one file.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Reads agreement text. Never panics, whatever the input.
pub fn parse(text: &str) -> Parsed {
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        let d = Diagnostic::new(Code::TomlSyntax, 0..0, "the file is empty")
            .with_help("an agreement starts with `format = 1`; `mentor-agree new` writes one for you");
        return Parsed { agreement: None, terms: None, diagnostics: vec![d] };
    }
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let diagnostics = errors
            .iter()
            .take(MAX_SYNTAX_ERRORS)
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                let msg = e.message().to_string();
                if msg.starts_with("invalid date") || msg.contains("expected day") || msg.contains("expected month") {
                    Diagnostic::new(Code::WrongType, span, format!("impossible date: {msg}"))
                        .with_help("dates are YYYY-MM-DD and must exist in the calendar")
                } else {
                    Diagnostic::new(Code::TomlSyntax, span, format!("invalid TOML: {msg}"))
                }
            })
            .collect();
        return Parsed { agreement: None, terms: None, diagnostics };
    }
    let root = root.into_inner();
    let terms = crate::format::terms::canonical_from_table(&root);
    let mut reader = Reader { diags: Vec::new(), text };
    let agreement = reader.agreement(&root);
    Parsed { agreement, terms: Some(terms), diagnostics: reader.diags }
}

/// Keys of each table, for unknown-key checks and suggestions: the name lists
/// of the one key table.
pub use crate::format::keys;

type Table<'i> = DeTable<'i>;
type Value<'i> = TSpanned<DeValue<'i>>;

struct Reader<'t> {
    diags: Vec<Diagnostic>,
    /// The text being read, for fixes that depend on its layout.
    text: &'t str,
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl Reader<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn wrong_type(&mut self, path: &str, expected: &str, v: &Value<'_>) {
        self.push(Diagnostic::new(
            Code::WrongType,
            v.span(),
            format!("`{path}` should be {expected}, not {}", type_name(v.get_ref())),
        ));
    }

    /// Reports a control character in the text at `path`: any in a one-line text
    /// (names, emails, modes, topics, goals, notes, reasons…), and any but a line
    /// break, carriage return or tab in a `multi_line` one (a key the table marks
    /// [`multi_line`](keys::Key::multi_line)).
    fn one_line(&mut self, path: &str, text: &str, span: Span, multi_line: bool) {
        let allowed = |c: char| multi_line && matches!(c, '\n' | '\r' | '\t');
        if let Some(c) = text.chars().find(|&c| c.is_control() && !allowed(c)) {
            self.push(
                Diagnostic::new(
                    Code::ControlCharacter,
                    span,
                    format!("`{path}` holds a control character ({})", control_name(c)),
                )
                .with_code_help(),
            );
        }
    }

    /// Reports keys of `table` that are not in `known`.
    fn known_keys(&mut self, table: &Table<'_>, path: &str, known: &[&str]) {
        for (k, v) in table.iter() {
            let key: &str = k.get_ref();
            if known.contains(&key) {
                continue;
            }
            let place = if path.is_empty() { "at the top level".to_string() } else { format!("in [{path}]") };
            let mut d = Diagnostic::new(Code::UnknownKey, k.span(), format!("unknown key `{key}` {place}"));
            d = match suggest::closest(key, known.iter().copied()) {
                Some(s) => {
                    // A rename is certain only when the right key is not there already and
                    // the key is written once (several `[[name]]` headers would need them all).
                    let headers = matches!(v.get_ref(), DeValue::Array(a) if a.len() > 1
                        && a.iter().all(|i| matches!(i.get_ref(), DeValue::Table(_))));
                    let d = d.with_help(format!("did you mean `{s}`?"));
                    if table.contains_key(s) || headers {
                        d
                    } else {
                        d.with_fix(Fix::replace(k.span(), s, format!("rename `{key}` to `{s}`")))
                    }
                }
                None => d.with_help(format!("known keys here: {}", known.join(", "))),
            };
            self.push(d);
        }
    }

    /// A required top-level table is missing, unless a misspelt key stands for it
    /// (`[mentees]`): its `unknown-key`, with the did-you-mean, says it all.
    /// `misspelt` holds what each unknown top-level key is closest to, worked out
    /// once per file (a file of 100,000 unknown keys would otherwise be gone
    /// through once per missing table).
    /// Nothing is reported for a table the key table does not require.
    fn missing_table(&mut self, root: &Table<'_>, misspelt: &mut Option<Vec<&'static str>>, key: &str) {
        if !keys::ROOT_TABLE.get(key).is_some_and(|k| k.required) {
            return;
        }
        let closest = misspelt.get_or_insert_with(|| {
            root.iter()
                .filter_map(|(k, _)| {
                    let k: &str = k.get_ref();
                    if keys::ROOT.contains(&k) { None } else { suggest::closest(k, keys::ROOT.iter().copied()) }
                })
                .collect()
        });
        if !closest.contains(&key) {
            self.missing("", key, &(0..0));
        }
    }

    /// Inserts `format = 1` as the first line (after a byte order mark, in the file's line ending).
    fn format_line(&self) -> Fix {
        let at = if self.text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        let eol = match self.text.find('\n') {
            Some(i) if i > 0 && self.text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        Fix::replace(at..at, format!("format = {FORMAT_VERSION}{eol}"), "add `format = 1` as the first line")
    }

    /// Reports each key the table at `path` requires that `t` lacks, in the table's order.
    fn required(&mut self, t: &Table<'_>, path: &str, header: &Span) {
        for key in keys::at(path).into_iter().flat_map(keys::Keys::required) {
            if !t.contains_key(key) {
                self.missing(path, key, header);
            }
        }
    }

    fn missing(&mut self, path: &str, key: &str, header: &Span) {
        let message = if path.is_empty() {
            format!("missing required table `[{key}]`")
        } else {
            format!("missing required key `{key}` in [{path}]")
        };
        self.push(Diagnostic::new(Code::MissingKey, header.clone(), message));
    }

    fn string(&mut self, t: &Table<'_>, path: &str, key: &str) -> Option<Sp<String>> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => {
                let multi_line = keys::at(path).is_some_and(|k| k.multi_line(key));
                self.one_line(&join(path, key), s, v.span(), multi_line);
                Some(Sp::new(s.to_string(), v.span()))
            }
            _ => {
                self.wrong_type(&join(path, key), "a string", v);
                None
            }
        }
    }

    fn integer(&mut self, t: &Table<'_>, path: &str, key: &str) -> Option<Sp<i64>> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(Sp::new(n, v.span())),
                Err(_) => {
                    self.push(Diagnostic::new(
                        Code::WrongType,
                        v.span(),
                        format!("`{}` is too large", join(path, key)),
                    ));
                    None
                }
            },
            _ => {
                self.wrong_type(&join(path, key), "a whole number", v);
                None
            }
        }
    }

    fn boolean(&mut self, t: &Table<'_>, path: &str, key: &str) -> Option<Sp<bool>> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Sp::new(*b, v.span())),
            _ => {
                self.wrong_type(&join(path, key), "true or false", v);
                None
            }
        }
    }

    /// A positive whole number (months, weeks, minutes).
    fn count(&mut self, t: &Table<'_>, path: &str, key: &str) -> Option<Sp<i64>> {
        let n = self.integer(t, path, key)?;
        if n.value < 1 || n.value > 100_000 {
            self.push(Diagnostic::new(
                Code::WrongType,
                n.span.clone(),
                format!("`{}` should be a positive whole number, not {}", join(path, key), n.value),
            ));
            return None;
        }
        Some(n)
    }

    fn date(&mut self, t: &Table<'_>, path: &str, key: &str) -> Option<Sp<NaiveDate>> {
        let v = t.get(key)?;
        self.date_value(&join(path, key), v)
    }

    fn date_value(&mut self, path: &str, v: &Value<'_>) -> Option<Sp<NaiveDate>> {
        match v.get_ref() {
            DeValue::Datetime(dt) => {
                if let (Some(date), None, None) = (dt.date, dt.time, dt.offset) {
                    if let Some(d) = NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into()) {
                        return Some(Sp::new(d, v.span()));
                    }
                    self.push(Diagnostic::new(Code::WrongType, v.span(), format!("`{path}` is an impossible date")));
                    return None;
                }
                self.push(
                    Diagnostic::new(Code::WrongType, v.span(), format!("`{path}` should be a date without a time"))
                        .with_help("write just the day, e.g. 2026-12-07"),
                );
                None
            }
            DeValue::String(s) if s.parse::<NaiveDate>().is_ok() => {
                let fix = s.parse::<NaiveDate>().ok().map(|d| {
                    let date = crate::text::ymd(d);
                    Fix::replace(v.span(), date.clone(), format!("write `{path}` as the date {date}, unquoted"))
                });
                let mut d =
                    Diagnostic::new(Code::WrongType, v.span(), format!("`{path}` should be a date, not a string"))
                        .with_help(format!("remove the quotes: {s}"));
                d.fix = fix;
                self.push(d);
                None
            }
            _ => {
                self.wrong_type(path, "a date (YYYY-MM-DD)", v);
                None
            }
        }
    }

    fn array<'a, 'i>(&mut self, t: &'a Table<'i>, path: &str, key: &str) -> Option<(&'a [Value<'i>], Span)> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::Array(a) => Some((a.as_ref(), v.span())),
            _ => {
                self.wrong_type(&join(path, key), "an array", v);
                None
            }
        }
    }

    fn strings(&mut self, t: &Table<'_>, path: &str, key: &str) -> Option<Sp<Vec<Sp<String>>>> {
        let (items, span) = self.array(t, path, key)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::String(s) => {
                    self.one_line(&format!("{}[{}]", join(path, key), i + 1), s, item.span(), false);
                    out.push(Sp::new(s.to_string(), item.span()));
                }
                _ => self.wrong_type(&format!("{}[{}]", join(path, key), i + 1), "a string", item),
            }
        }
        Some(Sp::new(out, span))
    }

    fn dates(&mut self, t: &Table<'_>, path: &str, key: &str) -> Option<Sp<Vec<Sp<NaiveDate>>>> {
        let (items, span) = self.array(t, path, key)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(d) = self.date_value(&format!("{}[{}]", join(path, key), i + 1), item) {
                out.push(d);
            }
        }
        Some(Sp::new(out, span))
    }

    /// A sub-table; reports wrong types and unknown keys.
    fn table<'a, 'i>(&mut self, t: &'a Table<'i>, key: &str, known: &[&str]) -> Option<(&'a Table<'i>, Span)> {
        let v = t.get(key)?;
        match v.get_ref() {
            DeValue::Table(inner) => {
                self.known_keys(inner, key, known);
                Some((inner, v.span()))
            }
            _ => {
                self.wrong_type(key, "a table", v);
                None
            }
        }
    }

    /// An array of tables (`[[key]]` or `key = [{…}]`).
    fn tables<'a, 'i>(&mut self, t: &'a Table<'i>, key: &str, known: &[&str]) -> Vec<(&'a Table<'i>, Span)> {
        let Some((items, _)) = self.array(t, "", key) else { return Vec::new() };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::Table(inner) => {
                    self.known_keys(inner, key, known);
                    out.push((inner, item.span()));
                }
                _ => self.wrong_type(&format!("{key}[{}]", i + 1), "a table", item),
            }
        }
        out
    }

    fn person(&mut self, root: &Table<'_>, key: &str) -> Option<Person> {
        let (t, span) = self.table(root, key, keys::PERSON)?;
        let p = Person { name: self.string(t, key, "name"), email: self.string(t, key, "email"), span };
        self.required(t, key, &p.span);
        Some(p)
    }

    fn agreement(&mut self, root: &Table<'_>) -> Option<Agreement> {
        self.known_keys(root, "", keys::ROOT);
        let format = self.integer(root, "", "format");
        match &format {
            None if !root.contains_key("format") => {
                self.push(
                    Diagnostic::new(
                        Code::FormatVersion,
                        0..0,
                        "missing `format`: mentor-agree cannot tell which format this file uses",
                    )
                    .with_help("add `format = 1` as the first line")
                    .with_fix(self.format_line()),
                );
            }
            Some(f) if f.value != FORMAT_VERSION => {
                self.push(
                    Diagnostic::new(
                        Code::FormatVersion,
                        f.span.clone(),
                        format!("format {} is not supported: this mentor-agree reads format {FORMAT_VERSION}", f.value),
                    )
                    .with_help(if f.value > FORMAT_VERSION {
                        "upgrade mentor-agree"
                    } else {
                        "use `format = 1`"
                    }),
                );
                return None;
            }
            _ => {}
        }
        let mut a = Agreement {
            format,
            id: self.string(root, "", "id"),
            topics: self.strings(root, "", "topics").map(|s| s.value).unwrap_or_default(),
            mentor: self.person(root, "mentor"),
            mentee: self.person(root, "mentee"),
            lead: self.person(root, "lead"),
            ..Agreement::default()
        };
        let mut misspelt = None;
        for (key, present) in
            [("mentor", a.mentor.is_some()), ("mentee", a.mentee.is_some()), ("lead", a.lead.is_some())]
        {
            if !present && !root.contains_key(key) {
                self.missing_table(root, &mut misspelt, key);
            }
        }

        if let Some((t, span)) = self.table(root, "schedule", keys::SCHEDULE) {
            let s = Schedule {
                frequency: self.string(t, "schedule", "frequency"),
                session_minutes: self.integer(t, "schedule", "session_minutes"),
                modes: self.strings(t, "schedule", "modes"),
                also_via: self.strings(t, "schedule", "also_via").map(|s| s.value).unwrap_or_default(),
                span,
            };
            self.required(t, "schedule", &s.span);
            a.schedule = Some(s);
        } else if !root.contains_key("schedule") {
            self.missing_table(root, &mut misspelt, "schedule");
        }

        if let Some((t, span)) = self.table(root, "term", keys::TERM) {
            let term = Term {
                start: self.date(t, "term", "start"),
                months: self.count(t, "term", "months"),
                weeks: self.count(t, "term", "weeks"),
                span,
            };
            self.required(t, "term", &term.span);
            a.term = Some(term);
        } else if !root.contains_key("term") {
            self.missing_table(root, &mut misspelt, "term");
        }

        if let Some((t, span)) = self.table(root, "reviews", keys::REVIEWS) {
            a.reviews = Some(Reviews {
                every_months: self.count(t, "reviews", "every_months"),
                dates: self.dates(t, "reviews", "dates"),
                span,
            });
        } else if !root.contains_key("reviews") {
            self.missing_table(root, &mut misspelt, "reviews");
        }

        for (t, span) in self.tables(root, "goals", keys::GOAL) {
            let g = Goal {
                goal: self.string(t, "goals", "goal"),
                measure: self.string(t, "goals", "measure"),
                why: self.string(t, "goals", "why"),
                due: self.date(t, "goals", "due"),
                span,
            };
            self.required(t, "goals", &g.span);
            a.goals.push(g);
        }

        for (t, span) in self.tables(root, "signatures", keys::SIGNATURE) {
            let s = Signature {
                role: self.string(t, "signatures", "role"),
                name: self.string(t, "signatures", "name"),
                date: self.date(t, "signatures", "date"),
                terms: self.string(t, "signatures", "terms"),
                signer: self.string(t, "signatures", "signer"),
                sig: self.string(t, "signatures", "sig"),
                extension: self.date(t, "signatures", "extension"),
                termination: self.date(t, "signatures", "termination"),
                span,
            };
            self.required(t, "signatures", &s.span);
            if t.contains_key("extension") || t.contains_key("termination") {
                a.consents.push(s);
            } else {
                a.signatures.push(s);
            }
        }

        for (t, span) in self.tables(root, "extensions", keys::EXTENSION) {
            let e = Extension {
                months: self.count(t, "extensions", "months"),
                weeks: self.count(t, "extensions", "weeks"),
                agreed: self.date(t, "extensions", "agreed"),
                by: self.strings(t, "extensions", "by"),
                span,
            };
            self.required(t, "extensions", &e.span);
            a.extensions.push(e);
        }

        for (t, span) in self.tables(root, "checkins", keys::CHECKIN) {
            let c = Checkin {
                date: self.date(t, "checkins", "date"),
                by: self.string(t, "checkins", "by"),
                note: self.string(t, "checkins", "note"),
                span,
            };
            self.required(t, "checkins", &c.span);
            a.checkins.push(c);
        }

        for (t, span) in self.tables(root, "evaluations", keys::EVALUATION) {
            let e = self.evaluation(t, span);
            self.required(t, "evaluations", &e.span);
            a.evaluations.push(e);
        }

        for (t, span) in self.tables(root, "feedback", keys::FEEDBACK) {
            let f = self.feedback(t, span);
            self.required(t, "feedback", &f.span);
            a.feedback.push(f);
        }

        if let Some((t, span)) = self.table(root, "termination", keys::TERMINATION) {
            let term = Termination {
                date: self.date(t, "termination", "date"),
                by: self.string(t, "termination", "by"),
                notice: self.string(t, "termination", "notice"),
                reason: self.string(t, "termination", "reason"),
                reported: self.date(t, "termination", "reported"),
                hearing: self.date(t, "termination", "hearing"),
                span,
            };
            self.required(t, "termination", &term.span);
            a.termination = Some(term);
        } else if !root.contains_key("termination") {
            self.missing_table(root, &mut misspelt, "termination");
        }
        Some(a)
    }
}

impl Reader<'_> {
    fn feedback(&mut self, t: &Table<'_>, span: Span) -> Feedback {
        const PATH: &str = "feedback";
        let mut f = Feedback {
            date: self.date(t, PATH, "date"),
            form: self.string(t, PATH, "form"),
            by: self.string(t, PATH, "by"),
            answers: Vec::new(),
            sealed: self.string(t, PATH, "sealed"),
            span,
        };
        if let Some(v) = t.get("answers") {
            match v.get_ref() {
                DeValue::Table(answers) => {
                    for (k, v) in answers.iter() {
                        let value = match v.get_ref() {
                            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                                Ok(n) => AnswerValue::Integer(n),
                                Err(_) => AnswerValue::Other("a number too large"),
                            },
                            DeValue::Boolean(b) => AnswerValue::Boolean(*b),
                            DeValue::String(s) => AnswerValue::Text(s.to_string()),
                            other => AnswerValue::Other(type_name(other)),
                        };
                        f.answers.push(Answer {
                            question: Sp::new(k.get_ref().to_string(), k.span()),
                            value: Sp::new(value, v.span()),
                        });
                    }
                }
                _ => self.wrong_type("feedback.answers", "a table", v),
            }
        }
        f
    }

    fn evaluation(&mut self, t: &Table<'_>, span: Span) -> Evaluation {
        const PATH: &str = "evaluations";
        let mut e = Evaluation {
            date: self.date(t, PATH, "date"),
            by: self.strings(t, PATH, "by"),
            closing: self.boolean(t, PATH, "closing"),
            working: self.string(t, PATH, "working"),
            improve: self.string(t, PATH, "improve"),
            progress: Vec::new(),
            span,
        };
        let Some((items, _)) = self.array(t, PATH, "progress") else { return e };
        for (i, item) in items.iter().enumerate() {
            let DeValue::Table(p) = item.get_ref() else {
                self.wrong_type(&format!("evaluations.progress[{}]", i + 1), "a table", item);
                continue;
            };
            let path = "evaluations.progress";
            self.known_keys(p, path, keys::PROGRESS);
            let status = p.get("status").and_then(|v| match v.get_ref() {
                DeValue::String(s) => match GoalStatus::parse(s) {
                    Some(g) => Some(Sp::new(g, v.span())),
                    None => {
                        let names = GoalStatus::ALL.map(GoalStatus::as_str);
                        let mut d = Diagnostic::new(
                            Code::WrongType,
                            v.span(),
                            format!("`{path}.status` is \"{s}\"; expected {}", names.join(", ")),
                        );
                        if let Some(close) = suggest::closest(s, names.iter().copied()) {
                            let quoted = toml_edit::Value::from(close).to_string();
                            d = d.with_help(format!("did you mean \"{close}\"?")).with_fix(Fix::replace(
                                v.span(),
                                quoted,
                                format!("write the status as \"{close}\""),
                            ));
                        }
                        self.push(d);
                        None
                    }
                },
                _ => {
                    self.wrong_type(&format!("{path}.status"), "a string", v);
                    None
                }
            });
            let entry = Progress {
                goal: self.integer(p, path, "goal"),
                status,
                note: self.string(p, path, "note"),
                span: item.span(),
            };
            self.required(p, path, &entry.span);
            e.progress.push(entry);
        }
        e
    }
}

/// The first control character in `text`, if any: what names and one-line texts must not hold.
pub fn control_character(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control())
}

/// A control character in words, for messages: "a line break (U+000A)".
pub fn control_name(c: char) -> String {
    let what = match c {
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\t' => "a tab",
        '\0' => "a NUL",
        _ => "an invisible control character",
    };
    format!("{what}, U+{:04X}", u32::from(c))
}

fn join<'a>(path: &str, key: &'a str) -> Cow<'a, str> {
    if path.is_empty() { Cow::Borrowed(key) } else { Cow::Owned(format!("{path}.{key}")) }
}

impl Agreement {
    /// The party with a signing role.
    pub fn party(&self, role: crate::format::role::Role) -> Option<&Person> {
        match role {
            crate::format::role::Role::Mentor => self.mentor.as_ref(),
            crate::format::role::Role::Mentee => self.mentee.as_ref(),
            crate::format::role::Role::Lead => self.lead.as_ref(),
            crate::format::role::Role::Program => None,
        }
    }

    /// A party's name, if written.
    pub fn name_of(&self, role: crate::format::role::Role) -> Option<&str> {
        self.party(role).and_then(|p| p.name.as_ref()).map(|n| n.value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<&'static str> {
        parse(text).diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn syntax_errors_are_located() {
        let p = parse("format = 1\nname = \"unterminated\n");
        assert!(p.agreement.is_none());
        assert_eq!(p.diagnostics[0].code, Code::TomlSyntax);
        assert!(p.diagnostics[0].span.as_ref().unwrap().start >= 11);
    }

    #[test]
    fn impossible_dates_are_wrong_type() {
        assert_eq!(codes("format = 1\n[term]\nstart = 2027-02-30\n"), vec!["wrong-type"]);
    }

    #[test]
    fn quoted_dates_get_a_hint() {
        let p = parse("format = 1\n[term]\nstart = \"2026-12-07\"\n");
        let d = p.diagnostics.iter().find(|d| d.code == Code::WrongType).unwrap();
        assert_eq!(d.help.as_deref(), Some("remove the quotes: 2026-12-07"));
    }

    #[test]
    fn unknown_keys_suggest_the_closest() {
        let p = parse("format = 1\n[schedule]\nsesion_minutes = 45\n");
        let d = p.diagnostics.iter().find(|d| d.code == Code::UnknownKey).unwrap();
        assert_eq!(d.help.as_deref(), Some("did you mean `session_minutes`?"));
        assert_eq!(d.span, Some(22..36));
    }

    #[test]
    fn newer_formats_stop_reading() {
        let p = parse("format = 2\nwhatever = 1\n");
        assert!(p.agreement.is_none());
        assert_eq!(p.diagnostics.len(), 2, "{:?}", p.diagnostics);
        assert!(p.diagnostics.iter().any(|d| d.code == Code::FormatVersion));
    }

    /// A document with one entry of the table at `path` holding `body` (`key = value`).
    fn with_entry(path: &str, body: &str) -> String {
        match path {
            // `format` itself is the one written, then.
            "" if body.starts_with("format ") => format!("{body}\n"),
            "" => format!("format = 1\n{body}\n"),
            "evaluations.progress" => format!("format = 1\n[[evaluations]]\nprogress = [{{ {body} }}]\n"),
            _ => match keys::ROOT_TABLE.get(path).map(|k| k.kind) {
                Some(keys::Kind::Tables(_)) => format!("format = 1\n{path} = [{{ {body} }}]\n"),
                _ => format!("format = 1\n{path} = {{ {body} }}\n"),
            },
        }
    }

    /// The parser reports exactly the required keys of each table as missing
    /// (the top level's as missing tables, `format` as a format problem), in
    /// the table's order.
    #[test]
    fn the_parser_requires_what_the_key_table_requires() {
        for (path, table) in keys::tables() {
            let text = if path.is_empty() { "format = 1\n".to_string() } else { with_entry(&path, "") };
            let p = parse(&text);
            let got: Vec<&str> =
                p.diagnostics.iter().filter(|d| d.code == Code::MissingKey).map(|d| d.message.as_str()).collect();
            let want: Vec<String> = if path.is_empty() {
                table.required().filter(|k| *k != "format").map(|k| format!("missing required table `[{k}]`")).collect()
            } else {
                table.required().map(|k| format!("missing required key `{k}` in [{path}]")).collect()
            };
            let got_here: Vec<&str> =
                got.into_iter().filter(|m| path.is_empty() || m.ends_with(&format!("in [{path}]"))).collect();
            assert_eq!(got_here, want, "[{path}]");
        }
        let p = parse("[mentor]\nname = \"A\"\n");
        assert!(p.diagnostics.iter().any(|d| d.code == Code::FormatVersion), "`format` is required");
        assert!(keys::ROOT_TABLE.get("format").unwrap().required);
    }

    /// Every key the table declares is known to the parser, and nothing else:
    /// an unknown key's help lists exactly the table's names, in its order.
    #[test]
    fn the_parser_knows_the_key_table_keys() {
        for (path, table) in keys::tables() {
            let p = parse(&with_entry(&path, "zzzzzzzzzzzz = 1"));
            let unknown: Vec<_> = p.diagnostics.iter().filter(|d| d.code == Code::UnknownKey).collect();
            assert_eq!(unknown.len(), 1, "[{path}] {unknown:?}");
            assert_eq!(
                unknown[0].help.as_deref(),
                Some(format!("known keys here: {}", table.names.join(", ")).as_str()),
                "[{path}]"
            );
            for key in table.keys {
                let p = parse(&with_entry(&path, &format!("{} = 1", key.name)));
                assert!(!p.diagnostics.iter().any(|d| d.code == Code::UnknownKey), "[{path}] {}", key.name);
            }
        }
    }

    /// The parser reads each key as the kind of value the table gives it, and
    /// lets exactly the table's multi-line keys span lines.
    #[test]
    fn the_parser_reads_the_key_table_kinds() {
        use keys::Kind;
        for (path, table) in keys::tables() {
            for key in table.keys {
                let expected = match key.kind {
                    Kind::Text => "a string",
                    Kind::Integer | Kind::Count => "a whole number",
                    Kind::Boolean => "true or false",
                    Kind::Date => "a date (YYYY-MM-DD)",
                    Kind::Texts | Kind::Dates | Kind::Tables(_) => "an array",
                    Kind::Table(_) | Kind::Map => "a table",
                };
                let (value, is) = if matches!(key.kind, Kind::Table(_) | Kind::Map) {
                    ("\"x\"", "a string")
                } else {
                    ("{ a = 1 }", "a table")
                };
                let p = parse(&with_entry(&path, &format!("{} = {value}", key.name)));
                let dotted = if path.is_empty() { key.name.to_string() } else { format!("{path}.{}", key.name) };
                let message = format!("`{dotted}` should be {expected}, not {is}");
                assert!(
                    p.diagnostics.iter().any(|d| d.code == Code::WrongType && d.message == message),
                    "[{path}] {}: {:?}",
                    key.name,
                    p.diagnostics
                );
                // A progress status is one of the goal statuses' names, checked as such.
                if key.kind == Kind::Text && (path.as_str(), key.name) != ("evaluations.progress", "status") {
                    let p = parse(&with_entry(&path, &format!("{} = \"a\\nb\"", key.name)));
                    let flagged = p.diagnostics.iter().any(|d| d.code == Code::ControlCharacter);
                    assert_eq!(flagged, !key.multi_line, "[{path}] {}", key.name);
                }
            }
        }
    }

    #[test]
    fn inline_arrays_of_tables_read_like_headers() {
        let p = parse("format = 1\ngoals = [{ goal = \"a\", due = 2027-01-01 }]\n");
        let a = p.agreement.unwrap();
        assert_eq!(a.goals.len(), 1);
        assert_eq!(a.goals[0].due.as_ref().unwrap().value, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }
}
