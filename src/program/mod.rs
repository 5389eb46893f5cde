//! Program rules: `program.toml` and its built-in defaults (finding it: [`crate::engine::discover`]).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Severity};
use crate::format::role::Role;
use crate::format::timeline::Frequency;

/// The file name every command looks for, walking up from the path it is given.
pub const PROGRAM_FILE: &str = "program.toml";

/// The folder, next to program.toml, holding a program's template overrides.
pub const OVERRIDE_DIR: &str = "templates";

/// Why a program file could not be used. Any of these stops the run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ProgramError {
    /// The file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The program file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid, with a located message.
    #[error("{path}: invalid program file\n{message}")]
    Invalid {
        /// The program file.
        path: PathBuf,
        /// What is wrong, with line and column.
        message: String,
    },
    /// A program file inside another program's tree that the outer program does
    /// not declare in `[program] subprograms`: a pull request could otherwise
    /// relax every rule (or bring its own templates) by adding a file.
    #[error(
        "{}: a program file inside the program of {}, which does not declare it\n  = help: to run a second program there on purpose, add its folder to the outer program: [program] subprograms = [\"{folder}\"]; otherwise remove the file",
        path.display(),
        outer.display()
    )]
    Undeclared {
        /// The nested program file.
        path: PathBuf,
        /// The program file of the tree it is in.
        outer: PathBuf,
        /// Its folder, relative to the outer program's folder.
        folder: String,
    },
    /// The file is not valid TOML or has a key or value the format does not
    /// allow: a rustc-style report pointing at the place (without the leading
    /// `error: `, which the command adds), with a did-you-mean where one fits.
    #[error("{report}")]
    Located {
        /// The program file.
        path: PathBuf,
        /// The rendered report.
        report: String,
    },
}

/// What `toml` says about a program file, as a located report: an unknown key
/// is named with the closest allowed one, the others listed.
fn located(text: &str, path: &Path, e: &toml::de::Error) -> ProgramError {
    let message = e.message().trim_end();
    let names: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let unknown = message.starts_with("unknown field") || message.starts_with("unknown variant");
    let (title, help) = match (unknown, names.split_first()) {
        (true, Some((bad, allowed))) if message.starts_with("unknown variant") => {
            let hint = match crate::text::suggest::closest(bad, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            (format!("unknown value `{bad}`"), Some(format!("{hint}allowed here: {}", allowed.join(", "))))
        }
        (true, Some((unknown, allowed))) => {
            let hint = match crate::text::suggest::closest(unknown, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            (format!("unknown key `{unknown}`"), Some(format!("{hint}allowed here: {}", allowed.join(", "))))
        }
        _ => (message.lines().next().unwrap_or(message).to_string(), None),
    };
    report(text, path, e.span().unwrap_or(0..0), &title, help.as_deref())
}

/// A rustc-style report of `title` at `span` of program.toml, with `help`.
fn report(text: &str, path: &Path, span: std::ops::Range<usize>, title: &str, help: Option<&str>) -> ProgramError {
    use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
    let shown = path.display().to_string();
    let snippet = Snippet::source(text).path(shown.as_str()).annotation(AnnotationKind::Primary.span(span));
    let mut group = Level::ERROR.primary_title(title).element(snippet);
    if let Some(help) = help {
        group = group.element(Level::HELP.message(help));
    }
    let rendered = Renderer::plain().render(&[group]);
    let report = rendered.strip_prefix("error: ").unwrap_or(&rendered).to_string();
    ProgramError::Located { path: path.to_path_buf(), report }
}

/// Where the key at `keys` (tables, then the key) is written in program.toml text.
fn key_span(text: &str, keys: &[&str]) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    for (i, part) in keys.iter().enumerate() {
        let (k, v) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *part)?;
        if i + 1 == keys.len() {
            return Some(k.span());
        }
        match v.get_ref() {
            DeValue::Table(t) => table = t,
            _ => return None,
        }
    }
    None
}

/// The `[program]` table.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ProgramInfo {
    /// The program's name.
    pub name: String,
    /// Who runs it, as named in agreements.
    pub team: String,
    /// How to reach the team.
    pub contact: Option<String>,
    /// Folder of agreement files, relative to program.toml.
    pub agreements: String,
    /// The lead offered by `new`.
    pub lead: Option<Contact>,
    /// Who may sign as lead: where any is named, an agreement's lead must be one
    /// of them (`lead-not-in-program`). Empty: any lead.
    pub leads: Vec<Contact>,
    /// Folders below this program (relative to program.toml) that run programs of
    /// their own: a program.toml anywhere else in this tree is an error.
    pub subprograms: Vec<String>,
    /// Where the program's site (`render --site`) is published; reminders then
    /// link each agreement's page instead of naming a command.
    pub site_url: Option<String>,
    /// File of the program team's public keys (SSH, as in `authorized_keys`, or
    /// age recipients), relative to program.toml: `team` feedback answers are
    /// encrypted to every key in it.
    pub team_recipients: Option<String>,
    /// No aggregate of a feedback question is shown on fewer answers than this.
    pub min_responses: u32,
}

impl ProgramInfo {
    /// True when `folder` (relative to program.toml, `/`-separated) is one of
    /// `subprograms`.
    pub fn declares_subprogram(&self, folder: &str) -> bool {
        let norm = |s: &str| {
            s.trim_matches('/').split('/').filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
        };
        self.subprograms.iter().any(|d| norm(d) == norm(folder))
    }

    /// The lead `new` offers: `lead`, or else the first of `leads`.
    pub fn offered_lead(&self) -> Option<&Contact> {
        self.lead.as_ref().or(self.leads.first())
    }

    /// The program's lead that a party named `name` (with `email`) is: the same
    /// email when both have one, otherwise the same name (case and spacing aside).
    pub fn find_lead(&self, name: Option<&str>, email: Option<&str>) -> Option<&Contact> {
        self.leads.iter().find(|c| match (c.email.as_deref(), email) {
            (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
            _ => name.is_some_and(|n| crate::text::suggest::loose(n) == crate::text::suggest::loose(&c.name)),
        })
    }
}

impl Default for ProgramInfo {
    fn default() -> Self {
        ProgramInfo {
            name: "Micro-Mentoring Program".into(),
            team: "Micro-Mentoring Program Team".into(),
            contact: None,
            agreements: "agreements".into(),
            lead: None,
            leads: Vec::new(),
            subprograms: Vec::new(),
            site_url: None,
            team_recipients: None,
            min_responses: 3,
        }
    }
}

/// A person's name and optional email.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// Email address.
    pub email: Option<String>,
}

/// `[rules.goals]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct GoalRules {
    /// Fewest goals an agreement may have.
    pub min: u32,
    /// Most goals an agreement may have.
    pub max: u32,
    /// Every goal needs a `measure`.
    pub require_measure: bool,
    /// Every goal needs a `due` date.
    pub require_due: bool,
    /// Every goal needs a `why`.
    pub require_why: bool,
    /// Sessions needed from the start up to a goal's due date.
    pub min_sessions_before_due: u32,
}

impl Default for GoalRules {
    fn default() -> Self {
        GoalRules {
            min: 1,
            max: 5,
            require_measure: true,
            require_due: true,
            require_why: false,
            min_sessions_before_due: 2,
        }
    }
}

/// `[rules.schedule]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ScheduleRules {
    /// Allowed frequencies; empty allows any valid one.
    pub frequencies: Vec<String>,
    /// Fewest sessions a month.
    pub min_sessions_per_month: f64,
    /// Shortest session.
    pub min_session_minutes: u32,
    /// Longest session.
    pub max_session_minutes: u32,
    /// Allowed modes; empty allows any.
    pub modes: Vec<String>,
}

impl Default for ScheduleRules {
    fn default() -> Self {
        ScheduleRules {
            frequencies: Vec::new(),
            min_sessions_per_month: 1.0,
            min_session_minutes: 15,
            max_session_minutes: 120,
            modes: Vec::new(),
        }
    }
}

/// `[rules.term]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TermRules {
    /// Shortest term.
    pub min_months: u32,
    /// Longest term as first agreed.
    pub max_months: u32,
    /// Longest term including extensions.
    pub max_total_months: u32,
}

impl Default for TermRules {
    fn default() -> Self {
        TermRules { min_months: 1, max_months: 12, max_total_months: 18 }
    }
}

/// `[rules.reviews]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewRules {
    /// Agreements must plan review checkpoints.
    pub required: bool,
    /// Longest gap between start, checkpoints and end.
    pub max_gap_months: u32,
    /// A checkpoint counts as held on time when an evaluation is dated within this many days of it.
    pub grace_days: u32,
    /// An ended agreement needs an evaluation marked `closing = true`.
    pub require_closing: bool,
}

impl Default for ReviewRules {
    fn default() -> Self {
        ReviewRules { required: true, max_gap_months: 3, grace_days: 14, require_closing: true }
    }
}

/// How signatures are made.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum SignatureMethod {
    /// A typed name, a date and the terms digest.
    #[default]
    Name,
    /// Additionally an OpenSSH signature over the role, name, date and terms digest.
    Ssh,
}

/// `[rules.signatures]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SignatureRules {
    /// Roles whose signatures make the agreement effective.
    pub roles: Vec<Role>,
    /// All required signatures within this many days of the first.
    pub window_days: u32,
    /// Name or SSH signatures.
    pub method: SignatureMethod,
    /// OpenSSH allowed_signers file, relative to program.toml.
    pub allowed_signers: String,
}

impl Default for SignatureRules {
    fn default() -> Self {
        SignatureRules {
            roles: vec![Role::Mentor, Role::Mentee, Role::Lead],
            window_days: 30,
            method: SignatureMethod::Name,
            allowed_signers: "allowed_signers".into(),
        }
    }
}

/// `[rules.checkins]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CheckinRules {
    /// Active pairs silent longer than this get a warning.
    pub max_gap_days: u32,
}

impl Default for CheckinRules {
    fn default() -> Self {
        CheckinRules { max_gap_days: 45 }
    }
}

/// `[rules]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// Goal rules.
    pub goals: GoalRules,
    /// Schedule rules.
    pub schedule: ScheduleRules,
    /// Term rules.
    pub term: TermRules,
    /// Review rules.
    pub reviews: ReviewRules,
    /// Signature rules.
    pub signatures: SignatureRules,
    /// Check-in rules.
    pub checkins: CheckinRules,
}

/// How `remind --send` talks to the SMTP server (`[reminders.smtp] security`).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (required), usually port 587.
    #[default]
    Starttls,
    /// TLS from the first byte, usually port 465.
    Tls,
    /// No encryption: only for a server on the same machine or a test.
    None,
}

/// `[reminders.smtp]`. The user name and password never come from a file: only
/// from `MENTOR_AGREE_SMTP_USERNAME` and `MENTOR_AGREE_SMTP_PASSWORD`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Smtp {
    /// The server's host name.
    pub host: Option<String>,
    /// Its port; default 587 (starttls), 465 (tls) or 25 (none).
    pub port: Option<u16>,
    /// Encryption.
    pub security: Security,
}

impl Smtp {
    /// The port to connect to: the one set, or the usual one for the security.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        })
    }
}

/// `[reminders]`: who reminders come from, their cadence, and where they are logged.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Reminders {
    /// The sender, `Name <address>`; `remind --send` and `--out` cannot run without it.
    pub from: Option<String>,
    /// Where replies go, when not to `from`.
    pub reply_to: Option<String>,
    /// Remind this many days before an item is due (0 = on the day).
    pub before_days: Vec<u32>,
    /// Then every this many days while it is overdue.
    pub overdue_every_days: u32,
    /// Overdue longer than this: the lead is copied.
    pub escalate_after_days: u32,
    /// Addresses that get no reminders (escalations to the lead still go).
    pub opt_out: Vec<String>,
    /// The log of reminders sent (JSON Lines), relative to program.toml.
    pub log: String,
    /// The SMTP server.
    pub smtp: Smtp,
}

impl Default for Reminders {
    fn default() -> Self {
        Reminders {
            from: None,
            reply_to: None,
            before_days: vec![7, 0],
            overdue_every_days: 7,
            escalate_after_days: 14,
            opt_out: Vec::new(),
            log: "reminders.log".into(),
            smtp: Smtp::default(),
        }
    }
}

impl Reminders {
    /// True when `email` asked for no reminders (compared without regard to case).
    pub fn opted_out(&self, email: &str) -> bool {
        self.opt_out.iter().any(|o| o.trim().eq_ignore_ascii_case(email.trim()))
    }
}

/// A severity override in `[levels]`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Report as an error.
    Error,
    /// Report as a warning.
    Warning,
    /// Do not report.
    Off,
}

/// When a feedback form is due, as written in `when`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum FormWhen {
    /// `"checkpoints"` (each planned review) or `"end"` (the last day).
    Moment(FormMoment),
    /// `{ after_days = N }`: N days after the start.
    After(AfterDays),
}

impl Default for FormWhen {
    fn default() -> Self {
        FormWhen::Moment(FormMoment::End)
    }
}

/// A named moment a form is due from.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FormMoment {
    /// Each planned review checkpoint.
    Checkpoints,
    /// The last day of the term in force.
    End,
}

/// `{ after_days = N }`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AfterDays {
    /// Days after the start.
    pub after_days: u32,
}

/// What a feedback question takes as an answer.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKind {
    /// A whole number from 1 to 5.
    Scale,
    /// One of the question's `choices`.
    Choice,
    /// `true` or `false` (asked as yes or no).
    YesNo,
    /// Free text.
    #[default]
    Text,
}

impl QuestionKind {
    /// The name written in program.toml ("yes-no").
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Scale => "scale",
            QuestionKind::Choice => "choice",
            QuestionKind::YesNo => "yes-no",
            QuestionKind::Text => "text",
        }
    }
}

/// Who may read an answer.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// The pair and the team: written in plain text in the agreement.
    Pair,
    /// The program team only: encrypted to `[program].team_recipients`. The
    /// default, so that a question nobody marked is never written in plain text.
    #[default]
    Team,
}

impl Visibility {
    /// The name written in program.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Pair => "pair",
            Visibility::Team => "team",
        }
    }

    /// Who can read an answer, in words.
    pub fn readers(self) -> &'static str {
        match self {
            Visibility::Pair => "the mentor, the mentee and the program team",
            Visibility::Team => "only the program team (encrypted)",
        }
    }
}

/// One question of a `[[forms]]` entry.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable identifier, the key of the answer.
    #[serde(default)]
    pub id: String,
    /// The question as asked.
    #[serde(default)]
    pub text: String,
    /// What it takes.
    #[serde(default)]
    pub kind: QuestionKind,
    /// The allowed answers of a `choice` question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// Who may read the answer (default `team`).
    #[serde(default)]
    pub visibility: Visibility,
}

/// One `[[forms]]` entry: a feedback form the team sends out.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Stable identifier, written in each `[[feedback]]` record.
    #[serde(default)]
    pub id: String,
    /// The form's title.
    #[serde(default)]
    pub title: String,
    /// Who answers it (each separately).
    #[serde(default = "Form::default_respondents")]
    pub respondents: Vec<Role>,
    /// When it is due.
    #[serde(default)]
    pub when: FormWhen,
    /// Answer within this many days of the moment.
    #[serde(default = "Form::default_due_days")]
    pub due_days: u32,
    /// Its questions.
    #[serde(default)]
    pub questions: Vec<Question>,
}

impl Form {
    fn default_respondents() -> Vec<Role> {
        Role::PARTIES.to_vec()
    }

    fn default_due_days() -> u32 {
        14
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// True when `role` is asked to answer.
    pub fn asks(&self, role: &str) -> bool {
        self.respondents.iter().any(|r| r.as_str() == role)
    }
}

/// `[clauses]`: the program's standard text.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Clauses {
    /// What the mentee can expect of the mentor.
    pub mentor_expectations: Vec<String>,
    /// What the mentor can expect of the mentee.
    pub mentee_expectations: Vec<String>,
    /// The mentor's duties.
    pub mentor_duties: Vec<String>,
    /// The mentee's duties.
    pub mentee_duties: Vec<String>,
    /// The program team's duties.
    pub team_duties: Vec<String>,
    /// The confidentiality clause.
    pub confidentiality: String,
    /// Ending the agreement by written notice.
    pub termination: String,
    /// The program team's right to intervene.
    pub intervention: String,
    /// How reviews are held: evaluating progress and reflecting.
    pub evaluation: String,
    /// Not a legal document.
    pub disclaimer: String,
}

/// The built-in clause text (TOML), also the base a program's `[clauses]` overrides.
const DEFAULT_CLAUSES: &str = include_str!("../defaults/clauses.toml");

impl Default for Clauses {
    fn default() -> Self {
        toml::from_str(DEFAULT_CLAUSES).expect("built-in clauses are valid")
    }
}

/// Partial `[clauses]` as written in program.toml: every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClauseOverrides {
    mentor_expectations: Option<Vec<String>>,
    mentee_expectations: Option<Vec<String>>,
    mentor_duties: Option<Vec<String>>,
    mentee_duties: Option<Vec<String>>,
    team_duties: Option<Vec<String>>,
    confidentiality: Option<String>,
    termination: Option<String>,
    intervention: Option<String>,
    evaluation: Option<String>,
    disclaimer: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgramFile {
    #[serde(default)]
    program: ProgramInfo,
    #[serde(default)]
    rules: Rules,
    #[serde(default)]
    levels: BTreeMap<String, Level>,
    #[serde(default)]
    clauses: ClauseOverrides,
    #[serde(default)]
    reminders: Reminders,
    #[serde(default)]
    forms: Vec<Form>,
}

/// Where `[[forms]]` entry `form` (0-based), or its question `question`, is written.
fn form_span(text: &str, form: usize, question: Option<usize>) -> Option<std::ops::Range<usize>> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let forms = root.get_ref().get("forms")?;
    let DeValue::Array(items) = forms.get_ref() else { return Some(forms.span()) };
    let item = items.get(form)?;
    let Some(q) = question else { return Some(item.span()) };
    let DeValue::Table(t) = item.get_ref() else { return Some(item.span()) };
    match t.get("questions").map(|v| (v.span(), v.get_ref())) {
        Some((_, DeValue::Array(qs))) => qs.get(q).map(|v| v.span()).or(Some(item.span())),
        Some((span, _)) => Some(span),
        None => Some(item.span()),
    }
}

/// The checks serde cannot make on `[[forms]]`: ids, questions, choices.
fn check_forms(text: &str, path: &Path, forms: &[Form], info: &ProgramInfo) -> Result<(), ProgramError> {
    let at = |form: usize, question: Option<usize>, title: String, help: Option<&str>| {
        let span = form_span(text, form, question).unwrap_or(0..0);
        report(text, path, span, &title, help)
    };
    let ids: Vec<&str> = forms.iter().map(|f| f.id.as_str()).collect();
    for (i, f) in forms.iter().enumerate() {
        let name = if f.id.is_empty() { format!("[[forms]] #{}", i + 1) } else { format!("form `{}`", f.id) };
        if f.id.trim().is_empty() {
            return Err(at(
                i,
                None,
                format!("{name} has no `id`"),
                Some("add e.g. id = \"midpoint\"; agreements name the form by it"),
            ));
        }
        if ids[..i].contains(&f.id.as_str()) {
            return Err(at(i, None, format!("two forms have the id `{}`", f.id), Some("give each form its own id")));
        }
        if f.questions.is_empty() {
            return Err(at(
                i,
                None,
                format!("{name} has no questions"),
                Some("add at least one [[forms.questions]] entry"),
            ));
        }
        if f.respondents.is_empty() {
            return Err(at(
                i,
                None,
                format!("{name} has no respondents"),
                Some("respondents = [\"mentor\", \"mentee\"]"),
            ));
        }
        if let Some(r) = f.respondents.iter().find(|r| !Role::PARTIES.contains(r) && **r != Role::Lead) {
            return Err(at(
                i,
                None,
                format!("{name}: `{}` cannot answer a form", r.as_str()),
                Some("respondents are mentor, mentee or lead"),
            ));
        }
        let qids: Vec<&str> = f.questions.iter().map(|q| q.id.as_str()).collect();
        for (k, q) in f.questions.iter().enumerate() {
            let qname = format!("{name}, question #{}", k + 1);
            if q.id.trim().is_empty() {
                return Err(at(
                    i,
                    Some(k),
                    format!("{qname} has no `id`"),
                    Some("add e.g. id = \"useful\"; answers are keyed by it"),
                ));
            }
            if qids[..k].contains(&q.id.as_str()) {
                return Err(at(i, Some(k), format!("{name} has two questions with the id `{}`", q.id), None));
            }
            if q.text.trim().is_empty() {
                return Err(at(i, Some(k), format!("{name}, question `{}` has no `text`", q.id), None));
            }
            match (q.kind, q.choices.is_empty()) {
                (QuestionKind::Choice, true) => {
                    return Err(at(
                        i,
                        Some(k),
                        format!("{name}, question `{}` is a choice with no `choices`", q.id),
                        Some("choices = [\"…\", \"…\"]"),
                    ));
                }
                (kind, false) if kind != QuestionKind::Choice => {
                    return Err(at(
                        i,
                        Some(k),
                        format!("{name}, question `{}` has `choices` but is not kind = \"choice\"", q.id),
                        None,
                    ));
                }
                _ => {}
            }
        }
        if info.team_recipients.is_none() && f.questions.iter().any(|q| q.visibility == Visibility::Team) {
            return Err(at(
                i,
                None,
                format!("{name} has `team` questions but [program] names no team_recipients"),
                Some(
                    "add team_recipients = \"team_recipients\" (a file of the team's SSH or age public keys), or mark the questions visibility = \"pair\"",
                ),
            ));
        }
    }
    Ok(())
}

/// A loaded program: its settings plus where it lives.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Program {
    /// `[program]`.
    pub program: ProgramInfo,
    /// `[rules]`.
    pub rules: Rules,
    /// `[clauses]`, defaults filled in.
    pub clauses: Clauses,
    /// `[reminders]`.
    pub reminders: Reminders,
    /// `[[forms]]`: the feedback forms.
    pub forms: Vec<Form>,
    /// Per-code severity overrides.
    #[serde(skip)]
    pub levels: HashMap<Code, Level>,
    /// Allowed frequencies, parsed.
    #[serde(skip)]
    pub frequencies: Vec<Frequency>,
    /// The program.toml this came from; `None` for the built-in default program.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

impl Program {
    /// The built-in default program (the Micro-Mentoring Program's rules).
    pub fn builtin() -> Program {
        Program::default()
    }

    /// Parses program.toml text; `path` is used for messages and relative folders.
    pub fn parse(text: &str, path: &Path) -> Result<Program, ProgramError> {
        // Shown at the key it is about (the first of `keys` written in the file).
        let invalid =
            |keys: &[&[&str]], title: String, help: Option<String>| match keys.iter().find_map(|k| key_span(text, k)) {
                Some(span) => report(text, path, span, &title, help.as_deref()),
                None => {
                    let message = match help {
                        Some(h) => format!("{title} ({h})"),
                        None => title,
                    };
                    ProgramError::Invalid { path: path.to_path_buf(), message }
                }
            };
        let file: ProgramFile = toml::from_str(text).map_err(|e| located(text, path, &e))?;
        let mut levels = HashMap::new();
        for (name, level) in file.levels {
            let code = Code::from_name(&name).ok_or_else(|| {
                let help = match crate::text::suggest::closest(&name, Code::ALL.iter().map(|c| c.as_str())) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "`mentor-agree check --list-codes` lists them".to_string(),
                };
                invalid(&[&["levels", &name]], format!("[levels]: unknown diagnostic code `{name}`"), Some(help))
            })?;
            levels.insert(code, level);
        }
        let frequencies = file
            .rules
            .schedule
            .frequencies
            .iter()
            .map(|f| {
                Frequency::parse(f).map_err(|e| {
                    invalid(&[&["rules", "schedule", "frequencies"]], format!("rules.schedule.frequencies: {e}"), None)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let r = &file.rules;
        // Each check, with the keys it is about (whichever the file writes is shown).
        let checks: [(bool, &str, &[&[&str]]); 6] = [
            (
                r.goals.min > r.goals.max,
                "rules.goals.min is larger than rules.goals.max",
                &[&["rules", "goals", "min"], &["rules", "goals", "max"]],
            ),
            (
                r.schedule.min_session_minutes > r.schedule.max_session_minutes,
                "rules.schedule.min_session_minutes is larger than max_session_minutes",
                &[&["rules", "schedule", "min_session_minutes"], &["rules", "schedule", "max_session_minutes"]],
            ),
            (
                r.term.min_months > r.term.max_months,
                "rules.term.min_months is larger than rules.term.max_months",
                &[&["rules", "term", "min_months"], &["rules", "term", "max_months"]],
            ),
            (
                r.term.max_months > r.term.max_total_months,
                "rules.term.max_months is larger than rules.term.max_total_months",
                &[&["rules", "term", "max_months"], &["rules", "term", "max_total_months"]],
            ),
            (
                r.reviews.max_gap_months == 0,
                "rules.reviews.max_gap_months must be at least 1",
                &[&["rules", "reviews", "max_gap_months"]],
            ),
            (
                file.reminders.overdue_every_days == 0,
                "reminders.overdue_every_days must be at least 1",
                &[&["reminders", "overdue_every_days"]],
            ),
        ];
        if let Some((_, msg, keys)) = checks.iter().find(|(bad, _, _)| *bad) {
            return Err(invalid(keys, (*msg).to_string(), None));
        }
        check_forms(text, path, &file.forms, &file.program)?;
        let mut clauses = Clauses::default();
        let o = file.clauses;
        macro_rules! apply {
            ($($f:ident),*) => { $( if let Some(v) = o.$f { clauses.$f = v; } )* };
        }
        apply!(
            mentor_expectations,
            mentee_expectations,
            mentor_duties,
            mentee_duties,
            team_duties,
            confidentiality,
            termination,
            intervention,
            evaluation,
            disclaimer
        );
        Ok(Program {
            program: file.program,
            rules: file.rules,
            clauses,
            reminders: file.reminders,
            forms: file.forms,
            levels,
            frequencies,
            path: Some(path.to_path_buf()),
        })
    }

    /// Reads and parses a program.toml.
    pub fn load(path: &Path) -> Result<Program, ProgramError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ProgramError::Read { path: path.to_path_buf(), source })?;
        Program::parse(&text, path)
    }

    /// The folder holding program.toml (the current folder for the built-in program).
    pub fn root(&self) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .map(|p| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p.to_path_buf() })
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// The agreements folder.
    pub fn agreements_dir(&self) -> PathBuf {
        self.root().join(&self.program.agreements)
    }

    /// The reminders log (`[reminders] log`).
    pub fn reminders_log_path(&self) -> PathBuf {
        self.root().join(&self.reminders.log)
    }

    /// The form with this id.
    pub fn form(&self, id: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id)
    }

    /// The team_recipients file, when the program names one.
    pub fn team_recipients_path(&self) -> Option<PathBuf> {
        self.program.team_recipients.as_ref().map(|r| self.root().join(r))
    }

    /// The allowed_signers file for SSH signatures.
    pub fn allowed_signers_path(&self) -> PathBuf {
        self.root().join(&self.rules.signatures.allowed_signers)
    }

    /// The severity a code is reported with, or `None` when turned off.
    pub fn severity(&self, code: Code) -> Option<Severity> {
        match self.levels.get(&code) {
            None => Some(code.default_severity()),
            Some(Level::Error) => Some(Severity::Error),
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Off) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_program_is_the_builtin_one() {
        let p = Program::parse("", Path::new("program.toml")).unwrap();
        assert_eq!(p.rules, Rules::default());
        assert_eq!(p.clauses, Clauses::default());
        assert_eq!(p.program.name, "Micro-Mentoring Program");
        assert_eq!(p.rules.signatures.roles, vec![Role::Mentor, Role::Mentee, Role::Lead]);
    }

    #[test]
    fn unknown_keys_are_rejected_with_location() {
        let err = Program::parse("[rules.goals]\nmaxx = 3\n", Path::new("p/program.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("unknown key `maxx`\n --> p/program.toml:2:1\n"), "{msg}");
        assert!(msg.contains("2 | maxx = 3\n  | ^^^^"), "{msg}");
        assert!(msg.contains("= help: did you mean `max`? allowed here: "), "{msg}");
        // Not TOML at all: located too.
        let msg = Program::parse("[program]\nname = \"x\n", Path::new("program.toml")).unwrap_err().to_string();
        assert!(msg.contains("--> program.toml:2:"), "{msg}");
    }

    #[test]
    fn levels_are_validated_and_applied() {
        let p = Program::parse(
            "[levels]\ngoal-vague-measure = \"off\"\nno-reviews = \"warning\"\n",
            Path::new("program.toml"),
        )
        .unwrap();
        assert_eq!(p.severity(Code::GoalVagueMeasure), None);
        assert_eq!(p.severity(Code::NoReviews), Some(Severity::Warning));
        assert_eq!(p.severity(Code::SamePerson), Some(Severity::Error));
        let err = Program::parse("[levels]\ngoal-vage-measure = \"off\"\n", Path::new("program.toml")).unwrap_err();
        assert!(err.to_string().contains("did you mean `goal-vague-measure`"), "{err}");
        // At the key, like every program.toml mistake.
        assert!(err.to_string().contains(" --> program.toml:2:1\n"), "{err}");
    }

    #[test]
    fn clause_overrides_keep_other_defaults() {
        let p = Program::parse("[clauses]\nconfidentiality = \"Ours.\"\n", Path::new("program.toml")).unwrap();
        assert_eq!(p.clauses.confidentiality, "Ours.");
        assert_eq!(p.clauses.termination, Clauses::default().termination);
    }

    #[test]
    fn reminders_take_defaults_and_refuse_unknown_keys() {
        let p = Program::parse("", Path::new("program.toml")).unwrap();
        assert_eq!(p.reminders.before_days, [7, 0]);
        assert_eq!((p.reminders.overdue_every_days, p.reminders.escalate_after_days), (7, 14));
        assert_eq!(p.reminders_log_path(), Path::new("./reminders.log"));
        let p = Program::parse(
            "[reminders]\nfrom = \"T <t@example.org>\"\nopt_out = [\"Ada@Example.org\"]\n\n\
             [reminders.smtp]\nhost = \"localhost\"\nsecurity = \"tls\"\n",
            Path::new("p/program.toml"),
        )
        .unwrap();
        assert!(p.reminders.opted_out("ada@example.org"));
        assert_eq!((p.reminders.smtp.security, p.reminders.smtp.port()), (Security::Tls, 465));
        assert_eq!(p.reminders_log_path(), Path::new("p/reminders.log"));
        let err = Program::parse("[reminders.smtp]\npassword = \"x\"\n", Path::new("program.toml")).unwrap_err();
        assert!(err.to_string().starts_with("unknown key `password`"), "{err}");
        let err = Program::parse("[reminders]\noverdue_every_days = 0\n", Path::new("program.toml")).unwrap_err();
        assert!(err.to_string().contains("overdue_every_days"), "{err}");
    }

    #[test]
    fn inconsistent_rules_are_refused() {
        let err = Program::parse("[rules.goals]\nmin = 6\nmax = 2\n", Path::new("program.toml")).unwrap_err();
        assert!(err.to_string().contains("rules.goals.min"));
        assert!(err.to_string().contains(" --> program.toml:2:1\n  |\n2 | min = 6\n"), "{err}");
        let err =
            Program::parse("[rules.schedule]\nfrequencies = [\"biweekly\"]\n", Path::new("program.toml")).unwrap_err();
        assert!(err.to_string().contains("ambiguous"));
    }

    const FORM: &str = "[program]\nteam_recipients = \"keys\"\n\n[[forms]]\nid = \"midpoint\"\nwhen = { after_days = 30 }\n[[forms.questions]]\nid = \"useful\"\ntext = \"Useful?\"\nkind = \"scale\"\n";

    #[test]
    fn forms_are_read_with_defaults() {
        let p = Program::parse(FORM, Path::new("program.toml")).unwrap();
        let f = p.form("midpoint").unwrap();
        assert_eq!(f.when, FormWhen::After(AfterDays { after_days: 30 }));
        assert_eq!(f.respondents, vec![Role::Mentor, Role::Mentee]);
        assert_eq!(f.due_days, 14);
        assert_eq!(f.questions[0].visibility, Visibility::Team, "confidential unless marked otherwise");
        assert_eq!(p.program.min_responses, 3);
        assert_eq!(p.team_recipients_path(), Some(PathBuf::from("keys")).map(|k| Path::new(".").join(k)));
    }

    #[test]
    fn form_mistakes_are_located() {
        let no_id = FORM.replace("id = \"midpoint\"\n", "");
        let msg = Program::parse(&no_id, Path::new("program.toml")).unwrap_err().to_string();
        assert!(msg.starts_with("[[forms]] #1 has no `id`\n --> program.toml:"), "{msg}");
        let no_questions = FORM.split("[[forms.questions]]").next().unwrap().to_string();
        let msg = Program::parse(&no_questions, Path::new("program.toml")).unwrap_err().to_string();
        assert!(msg.contains("form `midpoint` has no questions"), "{msg}");
        let typo = FORM.replace("kind = \"scale\"", "kind = \"scal\"");
        let msg = Program::parse(&typo, Path::new("program.toml")).unwrap_err().to_string();
        assert!(msg.contains("did you mean `scale`?"), "{msg}");
        assert!(msg.contains(" --> program.toml:10:"), "{msg}");
        let key = FORM.replace("kind = ", "knd = ");
        let msg = Program::parse(&key, Path::new("program.toml")).unwrap_err().to_string();
        assert!(msg.contains("did you mean `kind`?"), "{msg}");
        let no_keys = FORM.replace("team_recipients = \"keys\"\n", "");
        let msg = Program::parse(&no_keys, Path::new("program.toml")).unwrap_err().to_string();
        assert!(msg.contains("names no team_recipients"), "{msg}");
    }
}
