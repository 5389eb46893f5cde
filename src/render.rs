//! Rendering agreements as Markdown, self-contained HTML pages and a program site.
//!
//! [`AgreementContext::build`] turns a [`Checked`] file into the template context
//! (documented field by field in README.md): the agreement's own tables at the
//! top level, derived values under `derived`, the program under `program`.
//! [`Renderer`] holds the compiled tera templates: the built-in ones from
//! `templates/`, embedded in the binary, each replaced by a program's own
//! `templates/<name>` when that file exists next to its program.toml.
//!
//! Escaping: HTML templates (`*.html.tera`) escape every `{{ … }}` for HTML;
//! Markdown templates (`*.md.tera`) escape Markdown syntax instead, so a name or
//! goal can never add markup, links or table cells of its own.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::agreement::{Agreement, Person, Sp};
use crate::check::Checked;
use crate::derived::{self, State as AgreementState};
use crate::diagnostic::Severity;
use crate::program::{Clauses, Program};
use crate::role::Role;
use crate::timeline::{self, Length};

/// One built-in template: its name (also the override file name) and text.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinTemplate {
    /// Name, e.g. `agreement.html.tera`; a program overrides it with `templates/<name>`.
    pub name: &'static str,
    /// What it is for.
    pub purpose: &'static str,
    /// The template text.
    pub source: &'static str,
}

/// Every built-in template. Only these names can be overridden.
pub const TEMPLATES: &[BuiltinTemplate] = &[
    BuiltinTemplate {
        name: "agreement.md.tera",
        purpose: "one agreement as Markdown",
        source: include_str!("../templates/agreement.md.tera"),
    },
    BuiltinTemplate {
        name: "agreement.html.tera",
        purpose: "one agreement as a self-contained HTML page",
        source: include_str!("../templates/agreement.html.tera"),
    },
    BuiltinTemplate {
        name: "index.html.tera",
        purpose: "the site's index: a sortable table of every agreement",
        source: include_str!("../templates/index.html.tera"),
    },
    BuiltinTemplate {
        name: "report.html.tera",
        purpose: "the site's dashboard: the program report as charts and tables",
        source: include_str!("../templates/report.html.tera"),
    },
    BuiltinTemplate {
        name: "style.css.tera",
        purpose: "the CSS both HTML pages include (light, dark, phone, print)",
        source: include_str!("../templates/style.css.tera"),
    },
    BuiltinTemplate {
        name: "problems.html.tera",
        purpose: "the warning banner listing check problems (HTML)",
        source: include_str!("../templates/problems.html.tera"),
    },
    BuiltinTemplate {
        name: "sort.js.tera",
        purpose: "the index table's column sorting (inline script)",
        source: include_str!("../templates/sort.js.tera"),
    },
];

/// The folder, next to program.toml, holding a program's template overrides.
pub const OVERRIDE_DIR: &str = "templates";

/// Output of `render FILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Markdown.
    #[default]
    Md,
    /// One self-contained HTML page.
    Html,
}

impl Format {
    /// The template that renders one agreement in this format.
    pub fn template(self) -> &'static str {
        match self {
            Format::Md => "agreement.md.tera",
            Format::Html => "agreement.html.tera",
        }
    }
}

/// Why templates could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template override exists but cannot be read.
    #[error("cannot read template {}: {source}", path.display())]
    Read {
        /// The override file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A template override is not a regular file inside the program's folder (for
    /// example a symlink to a file elsewhere), so it is not read.
    #[error("refusing template {}: {why}; a template override must be a regular file inside the program's folder", path.display())]
    Refused {
        /// The override file.
        path: PathBuf,
        /// What it is instead.
        why: String,
    },
    /// A template does not compile (tera's report names the template, line and column).
    #[error("invalid template{origin}\n{report}")]
    Compile {
        /// " (from PATH)" for overrides, empty for built-in templates.
        origin: String,
        /// tera's located report.
        report: String,
    },
    /// A template failed while rendering.
    #[error("cannot render {name}\n{report}")]
    Render {
        /// The template.
        name: String,
        /// tera's located report.
        report: String,
    },
}

/// Compiled templates for one program: built-in ones, with that program's overrides.
pub struct Renderer {
    html: Tera,
    md: Tera,
    overrides: Vec<PathBuf>,
    /// The program these templates were chosen for, with its template value made
    /// once: a site renders thousands of pages that all share it.
    program: Option<(Arc<Program>, Value)>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").field("overrides", &self.overrides).finish_non_exhaustive()
    }
}

impl Renderer {
    /// The built-in templates only.
    pub fn builtin() -> Result<Renderer, RenderError> {
        Renderer::with_override_dir(None)
    }

    /// The templates for `program`: built-in, each replaced by `templates/<name>`
    /// next to its program.toml when that file exists. No other path is ever read,
    /// and templates can include only each other (tera resolves `include` by name).
    pub fn for_program(program: &Arc<Program>) -> Result<Renderer, RenderError> {
        let mut renderer = match &program.path {
            Some(_) => Renderer::with_override_dir(Some(&program.root().join(OVERRIDE_DIR)))?,
            None => Renderer::builtin()?,
        };
        renderer.program = Some((program.clone(), Value::from_serializable(&ProgramCtx::new(program))));
        Ok(renderer)
    }

    /// The built-in templates, with overrides from `dir` when given.
    pub fn with_override_dir(dir: Option<&Path>) -> Result<Renderer, RenderError> {
        let mut html_sources: Vec<(&str, String)> = Vec::new();
        let mut md_sources: Vec<(&str, String)> = Vec::new();
        let mut overrides = Vec::new();
        for t in TEMPLATES {
            let mut source = t.source.to_string();
            if let Some(dir) = dir {
                let path = dir.join(t.name);
                if let Some(text) = read_override(dir, &path)? {
                    source = text;
                    overrides.push(path);
                }
            }
            if t.name.ends_with(".md.tera") {
                md_sources.push((t.name, source));
            } else {
                html_sources.push((t.name, source));
            }
        }
        let origin = |overrides: &[PathBuf]| {
            if overrides.is_empty() {
                String::new()
            } else {
                let list: Vec<String> = overrides.iter().map(|p| p.display().to_string()).collect();
                format!(" (overrides: {})", list.join(", "))
            }
        };
        let mut html = new_tera();
        html.autoescape_on([".html.tera"]);
        html.add_raw_templates(html_sources)
            .map_err(|e| RenderError::Compile { origin: origin(&overrides), report: e.to_string() })?;
        let mut md = new_tera();
        md.autoescape_on([".md.tera"]);
        md.set_escape_fn(escape_markdown);
        md.add_raw_templates(md_sources)
            .map_err(|e| RenderError::Compile { origin: origin(&overrides), report: e.to_string() })?;
        Ok(Renderer { html, md, overrides, program: None })
    }

    /// Override files in use.
    pub fn overrides(&self) -> &[PathBuf] {
        &self.overrides
    }

    /// Renders one agreement.
    pub fn agreement(&self, ctx: &AgreementContext, format: Format) -> Result<String, RenderError> {
        let tera = match format {
            Format::Md => &self.md,
            Format::Html => &self.html,
        };
        let name = format.template();
        let mut context = Context::from_serialize(ctx).map_err(|e| render_error(name, e))?;
        let program = match &self.program {
            Some((p, value)) if Arc::ptr_eq(p, &ctx.program) => value.clone(),
            _ => Value::from_serializable(&ProgramCtx::new(&ctx.program)),
        };
        context.insert_value("program", program);
        tera.render(name, &context).map_err(|e| render_error(name, e))
    }

    /// Renders the site's index page.
    pub fn index(&self, ctx: &IndexContext) -> Result<String, RenderError> {
        let name = "index.html.tera";
        let mut context = Context::from_serialize(ctx).map_err(|e| render_error(name, e))?;
        let rows: Vec<Value> = ctx.agreements.par_iter().map(Value::from_serializable).collect();
        context.insert_value("agreements", Value::from(rows));
        self.html.render(name, &context).map_err(|e| render_error(name, e))
    }

    /// Renders the site's dashboard (`report.html`).
    pub fn dashboard(&self, ctx: &crate::dashboard::DashboardContext) -> Result<String, RenderError> {
        let name = "report.html.tera";
        let context = Context::from_serialize(ctx).map_err(|e| render_error(name, e))?;
        self.html.render(name, &context).map_err(|e| render_error(name, e))
    }

    /// Renders the CSS the HTML pages use, for a site's shared stylesheet.
    pub fn stylesheet(&self) -> Result<String, RenderError> {
        let name = "style.css.tera";
        self.html.render(name, &Context::new()).map_err(|e| render_error(name, e))
    }
}

/// The text of the override `path` in the override folder `dir`, or `None` when
/// there is none. Only a regular file whose real path lies inside the program's
/// folder (the parent of `dir`) is read: a symlink committed to the program's
/// repository cannot pull another file of the machine into published pages.
fn read_override(dir: &Path, path: &Path) -> Result<Option<String>, RenderError> {
    let read_err = |source| RenderError::Read { path: path.to_path_buf(), source };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(read_err(e)),
    };
    let root = dir.parent().unwrap_or(dir);
    let root = root.canonicalize().map_err(read_err)?;
    let real = path.canonicalize().map_err(read_err)?;
    if !real.starts_with(&root) {
        let why = format!("it resolves to {}, outside {}", real.display(), root.display());
        return Err(RenderError::Refused { path: path.to_path_buf(), why });
    }
    if !meta.is_file() {
        return Err(RenderError::Refused { path: path.to_path_buf(), why: "it is not a regular file".into() });
    }
    std::fs::read_to_string(path).map(Some).map_err(read_err)
}

fn render_error(name: &str, e: tera::Error) -> RenderError {
    RenderError::Render { name: name.to_string(), report: e.to_string() }
}

fn new_tera() -> Tera {
    let mut tera = Tera::default();
    tera.register_filter("long_date", long_date_filter);
    tera
}

/// A date written exactly as dates in the context are ("2026-12-07"), read without
/// chrono's general parser: a site's pages format hundreds of thousands of them.
fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

/// `{{ date | long_date }}`: "2026-12-07" → "7 December 2026"; none → ""; other text unchanged.
fn long_date_filter(value: Value, _: Kwargs, _: &State) -> Value {
    match value.as_str() {
        Some(s) => match iso_date(s).map_or_else(|| s.parse::<NaiveDate>().ok(), Some) {
            Some(d) => Value::from(timeline::long_date(d)),
            None => value,
        },
        None if value.is_none() || value.is_undefined() => Value::from(""),
        None => value,
    }
}

/// [`escape_markdown`] into a new string.
pub fn markdown_text(input: &str) -> String {
    let mut out = Vec::with_capacity(input.len() + 8);
    escape_markdown(input, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// Escapes text for Markdown: backslash before every character that could start
/// markup (emphasis, code, links, HTML, table cells, headings, entities), and line
/// breaks folded to spaces so a value stays on its line (and in its table cell).
/// GitHub's extended autolinks are broken the same way: the `:` of `://`, the `.`
/// of `www.` and every `@` get a backslash, so a bare URL or address in a note
/// stays text.
pub fn escape_markdown(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buf = [0u8; 4];
    for (i, c) in input.char_indices() {
        let autolink = match c {
            ':' => input[i + 1..].starts_with("//"),
            '.' => {
                input[..i].len() >= 3
                    && input[..i].is_char_boundary(i - 3)
                    && input[i - 3..i].eq_ignore_ascii_case("www")
            }
            '@' => true,
            _ => false,
        };
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' => {
                out.write_all(&[b'\\', c as u8])?;
            }
            _ if autolink => out.write_all(&[b'\\', c as u8])?,
            '\n' | '\r' => out.write_all(b" ")?,
            _ => out.write_all(c.encode_utf8(&mut buf).as_bytes())?,
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The template context.
// ---------------------------------------------------------------------------

/// `mentor`, `mentee`, `lead`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PersonCtx {
    /// Full name (null when missing).
    pub name: Option<String>,
    /// Email (null when not given).
    pub email: Option<String>,
}

/// `schedule`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ScheduleCtx {
    /// As written: weekly, fortnightly, monthly, "every N weeks".
    pub frequency: Option<String>,
    /// Length of one session in minutes.
    pub session_minutes: Option<i64>,
    /// How sessions are held.
    pub modes: Vec<String>,
    /// Channels between sessions.
    pub also_via: Vec<String>,
}

/// `term`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TermCtx {
    /// First day (YYYY-MM-DD).
    pub start: Option<NaiveDate>,
    /// Length in months, when given in months.
    pub months: Option<i64>,
    /// Length in weeks, when given in weeks.
    pub weeks: Option<i64>,
    /// The length in words as first agreed ("9 months").
    pub length: Option<String>,
}

/// `reviews`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ReviewsCtx {
    /// A checkpoint every N months, when written so.
    pub every_months: Option<i64>,
    /// Explicit checkpoint dates, when written so.
    pub dates: Vec<NaiveDate>,
}

/// One of `goals`.
#[derive(Debug, Clone, Serialize)]
pub struct GoalCtx {
    /// 1-based position.
    pub number: usize,
    /// What (specific).
    pub goal: Option<String>,
    /// How progress is measured.
    pub measure: Option<String>,
    /// Why it matters (relevant).
    pub why: Option<String>,
    /// Due date (time-bound).
    pub due: Option<NaiveDate>,
}

/// One of `signatures`, as written, plus whether it covers the current terms.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureCtx {
    /// mentor, mentee or lead.
    pub role: Option<String>,
    /// Name signed.
    pub name: Option<String>,
    /// Day of signing.
    pub date: Option<NaiveDate>,
    /// Digest of the terms signed ("sha256:…").
    pub terms: Option<String>,
    /// The digest shortened for display ("sha256:9d45e6ced850").
    pub terms_short: Option<String>,
    /// SSH principal, for SSH signatures.
    pub signer: Option<String>,
    /// Whether an SSH signature is attached.
    pub has_sig: bool,
    /// True when `terms` is the digest of the current terms.
    pub current: bool,
}

/// One of `extensions`, plus the last day it set.
#[derive(Debug, Clone, Serialize)]
pub struct ExtensionCtx {
    /// Months added.
    pub months: Option<i64>,
    /// Weeks added.
    pub weeks: Option<i64>,
    /// The length in words ("3 months").
    pub length: Option<String>,
    /// Day it was agreed.
    pub agreed: Option<NaiveDate>,
    /// Who agreed.
    pub by: Vec<String>,
    /// The last day of the term after this extension.
    pub last_day: Option<NaiveDate>,
}

/// One of `checkins`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckinCtx {
    /// Day of the report.
    pub date: Option<NaiveDate>,
    /// Who reported (a role).
    pub by: Option<String>,
    /// The progress note.
    pub note: Option<String>,
}

/// One planned review checkpoint and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointCtx {
    /// The planned day.
    pub date: NaiveDate,
    /// held, held-late, due, overdue, missed or upcoming.
    pub status: &'static str,
    /// The status in words ("held late").
    pub status_words: &'static str,
    /// The day of the evaluation that held it.
    pub held_on: Option<NaiveDate>,
}

/// One of `evaluations`, in date order.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationCtx {
    /// 1-based, in date order.
    pub number: usize,
    /// Day it was held.
    pub date: Option<NaiveDate>,
    /// Who took part.
    pub by: Vec<String>,
    /// The closing review.
    pub closing: bool,
    /// What works.
    pub working: Option<String>,
    /// What to change.
    pub improve: Option<String>,
}

/// One goal's status at one evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct StatusCtx {
    /// The status as written ("on-track").
    pub status: &'static str,
    /// In words ("on track").
    pub words: &'static str,
    /// The note given with it.
    pub note: Option<String>,
}

/// One goal across the evaluations: a row of the progress table.
#[derive(Debug, Clone, Serialize)]
pub struct GoalProgressCtx {
    /// The goal's number.
    pub number: usize,
    /// The goal.
    pub goal: Option<String>,
    /// Its status at each evaluation, in date order (null where that review left it out).
    pub statuses: Vec<Option<StatusCtx>>,
    /// Its current status (null: not yet reviewed).
    pub current: Option<StatusCtx>,
}

/// `termination`.
#[derive(Debug, Clone, Serialize)]
pub struct TerminationCtx {
    /// Day the agreement ends.
    pub date: Option<NaiveDate>,
    /// mentor, mentee or program.
    pub by: Option<String>,
    /// How notice was given ("written").
    pub notice: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// By program: when the concern was reported.
    pub reported: Option<NaiveDate>,
    /// By program: when both parties could respond.
    pub hearing: Option<NaiveDate>,
    /// True once the date has come (the state is `terminated`).
    pub in_effect: bool,
}

/// One line of the signature block: a signing role and where its signature stands.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureLine {
    /// mentor, mentee or lead.
    pub role: String,
    /// "Mentor", "Mentee", "Initiative lead".
    pub title: String,
    /// The party's name as written in the agreement.
    pub party: Option<String>,
    /// The program requires this signature.
    pub required: bool,
    /// "current" (signed these terms), "stale" (signed other terms) or "missing".
    pub status: String,
    /// Name signed.
    pub name: Option<String>,
    /// Day of signing.
    pub date: Option<NaiveDate>,
    /// Shortened digest of the terms signed.
    pub terms_short: Option<String>,
}

/// `derived`: values computed from the agreement and its program, never stored.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DerivedCtx {
    /// draft, pending, active, ended or terminated (as of `today`).
    pub state: String,
    /// The state for people ("Active").
    pub state_label: String,
    /// Term start.
    pub start: Option<NaiveDate>,
    /// End as first agreed (exclusive).
    pub base_end: Option<NaiveDate>,
    /// Last day as first agreed.
    pub base_last_day: Option<NaiveDate>,
    /// End including extensions (exclusive: the first day after the term).
    pub end: Option<NaiveDate>,
    /// Last day of the term, including extensions.
    pub last_day: Option<NaiveDate>,
    /// Date of the last required signature, once every one is present and current.
    pub effective: Option<NaiveDate>,
    /// The frequency in words ("every two weeks").
    pub frequency_words: Option<String>,
    /// Average sessions a month.
    pub sessions_per_month: Option<f64>,
    /// Sessions planned over the whole term.
    pub session_count: Option<u32>,
    /// Review checkpoints, in order.
    pub review_dates: Vec<NaiveDate>,
    /// First checkpoint on or after today.
    pub next_review: Option<NaiveDate>,
    /// Latest check-in.
    pub last_checkin: Option<NaiveDate>,
    /// Required roles with a current signature.
    pub signed: Vec<String>,
    /// Required roles without one (missing or stale).
    pub missing: Vec<String>,
    /// The signature block: one line per signing role.
    pub signature_lines: Vec<SignatureLine>,
    /// The current terms digest ("sha256:…").
    pub digest: Option<String>,
    /// The digest shortened for display.
    pub digest_short: Option<String>,
    /// "Maya Okafor and Tomás Rivera".
    pub pair: String,
}

/// `program`.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramCtx {
    /// The program's name.
    pub name: String,
    /// Its team, as named in agreements.
    pub team: String,
    /// How to reach the team.
    pub contact: Option<String>,
    /// The standard text.
    pub clauses: Clauses,
    /// Roles whose signatures make an agreement effective.
    pub roles: Vec<String>,
}

impl ProgramCtx {
    /// The program's part of the context.
    pub fn new(p: &Program) -> ProgramCtx {
        ProgramCtx {
            name: p.program.name.clone(),
            team: p.program.team.clone(),
            contact: p.program.contact.clone(),
            clauses: p.clauses.clone(),
            roles: p.rules.signatures.roles.iter().map(|r| r.as_str().to_string()).collect(),
        }
    }
}

/// One of `problems`: what `check` found.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemCtx {
    /// error or warning.
    pub severity: Severity,
    /// The diagnostic code.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// A hint, if any.
    pub help: Option<String>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// `site`: present when the page is part of `render --site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    /// Link to the index page.
    pub index: String,
    /// Link to the site's shared stylesheet (pages of a site do not each carry the CSS).
    pub stylesheet: String,
}

/// `generator`.
#[derive(Debug, Clone, Serialize)]
pub struct GeneratorCtx {
    /// "mentor-agree".
    pub name: &'static str,
    /// The tool's version.
    pub version: &'static str,
}

impl Default for GeneratorCtx {
    fn default() -> Self {
        GeneratorCtx { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") }
    }
}

/// The context of `agreement.md.tera` and `agreement.html.tera`.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementContext {
    /// The agreement id (`id`, or the file stem).
    pub id: String,
    /// The file, as given.
    pub file: String,
    /// `topics`.
    pub topics: Vec<String>,
    /// `[mentor]`.
    pub mentor: PersonCtx,
    /// `[mentee]`.
    pub mentee: PersonCtx,
    /// `[lead]`.
    pub lead: PersonCtx,
    /// `[schedule]`.
    pub schedule: ScheduleCtx,
    /// `[term]`.
    pub term: TermCtx,
    /// `[reviews]` (null when absent).
    pub reviews: Option<ReviewsCtx>,
    /// `[[goals]]`.
    pub goals: Vec<GoalCtx>,
    /// `[[signatures]]`.
    pub signatures: Vec<SignatureCtx>,
    /// `[[extensions]]`.
    pub extensions: Vec<ExtensionCtx>,
    /// `[[checkins]]`.
    pub checkins: Vec<CheckinCtx>,
    /// Planned review checkpoints, each marked held, overdue, upcoming, ….
    pub checkpoints: Vec<CheckpointCtx>,
    /// `[[evaluations]]`, in date order.
    pub evaluations: Vec<EvaluationCtx>,
    /// Each goal's status at each evaluation.
    pub progress: Vec<GoalProgressCtx>,
    /// Goals whose current status is achieved.
    pub goals_achieved: usize,
    /// `[termination]` (null unless terminated or about to be).
    pub termination: Option<TerminationCtx>,
    /// Derived values.
    pub derived: DerivedCtx,
    /// The program. Templates see it as `program` (a [`ProgramCtx`]), which the
    /// renderer adds, made once per program rather than once per page.
    #[serde(skip)]
    pub program: Arc<Program>,
    /// Problems `check` found, errors first.
    pub problems: Vec<ProblemCtx>,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// "Today" (YYYY-MM-DD), the day the state is computed for.
    pub today: NaiveDate,
    /// Set for pages of a site.
    pub site: Option<SiteCtx>,
    /// The tool.
    pub generator: GeneratorCtx,
}

fn text(s: &Option<Sp<String>>) -> Option<String> {
    s.as_ref().map(|s| s.value.clone())
}

fn date(s: &Option<Sp<NaiveDate>>) -> Option<NaiveDate> {
    s.as_ref().map(|s| s.value)
}

fn status_ctx(status: crate::agreement::GoalStatus, note: Option<String>) -> StatusCtx {
    StatusCtx { status: status.as_str(), words: status.in_words(), note }
}

/// Checkpoints, evaluations in date order, and the goal × evaluation table.
fn evaluation_ctx(
    a: &Agreement,
    derived: Option<&derived::Derived>,
) -> (Vec<CheckpointCtx>, Vec<EvaluationCtx>, Vec<GoalProgressCtx>, usize) {
    let dated = crate::evaluation::dated(a);
    let checkpoints = derived
        .map(|d| {
            d.checkpoints
                .iter()
                .map(|c| CheckpointCtx {
                    date: c.date,
                    status: c.status.as_str(),
                    status_words: c.status.in_words(),
                    held_on: c.evaluation.and_then(|i| date(&a.evaluations[i].date)),
                })
                .collect()
        })
        .unwrap_or_default();
    let evaluations = dated
        .iter()
        .enumerate()
        .map(|(k, &(day, i))| {
            let e = &a.evaluations[i];
            EvaluationCtx {
                number: k + 1,
                date: Some(day),
                by: e.by.as_ref().map(|b| b.value.iter().map(|v| v.value.clone()).collect()).unwrap_or_default(),
                closing: e.is_closing(),
                working: text(&e.working),
                improve: text(&e.improve),
            }
        })
        .collect();
    let progress = a
        .goals
        .iter()
        .enumerate()
        .map(|(g, goal)| {
            let number = g + 1;
            let statuses = dated
                .iter()
                .map(|&(_, i)| {
                    a.evaluations[i]
                        .progress
                        .iter()
                        .find(|p| p.goal.as_ref().is_some_and(|n| n.value == number as i64))
                        .and_then(|p| p.status.as_ref().map(|s| status_ctx(s.value, text(&p.note))))
                })
                .collect::<Vec<_>>();
            let current = derived.and_then(|d| d.goal_status.get(g).copied().flatten()).map(|s| status_ctx(s, None));
            GoalProgressCtx { number, goal: text(&goal.goal), statuses, current }
        })
        .collect();
    (checkpoints, evaluations, progress, derived.map_or(0, |d| d.goals_achieved()))
}

fn person(p: &Option<Person>) -> PersonCtx {
    p.as_ref().map(|p| PersonCtx { name: text(&p.name), email: text(&p.email) }).unwrap_or_default()
}

/// "sha256:9d45e6ced850" from a full digest.
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algo, hex)) => format!("{algo}:{}", hex.get(..12).unwrap_or(hex)),
        None => digest.get(..19).unwrap_or(digest).to_string(),
    }
}

fn length_words(months: Option<i64>, weeks: Option<i64>) -> Option<String> {
    match (months, weeks) {
        (Some(m), None) => Some(Length::Months(m as u32).to_string()),
        (None, Some(w)) => Some(Length::Weeks(w as u32).to_string()),
        _ => None,
    }
}

fn role_title(role: Role) -> &'static str {
    match role {
        Role::Mentor => "Mentor",
        Role::Mentee => "Mentee",
        Role::Lead => "Initiative lead",
        Role::Program => "Program team",
    }
}

fn state_label(state: AgreementState) -> &'static str {
    match state {
        AgreementState::Draft => "Draft",
        AgreementState::Pending => "Pending",
        AgreementState::Active => "Active",
        AgreementState::Ended => "Ended",
        AgreementState::Terminated => "Terminated",
    }
}

impl AgreementContext {
    /// The context for one checked file, as of `today`.
    pub fn build(checked: &Checked, today: NaiveDate, site: Option<SiteCtx>) -> AgreementContext {
        let empty = Agreement::default();
        let a = checked.agreement.as_deref().unwrap_or(&empty);
        let program = &checked.program;
        let digest = checked.derived.as_ref().and_then(|d| d.digest.clone());

        let signatures: Vec<SignatureCtx> = a
            .signatures
            .iter()
            .map(|s| {
                let terms = text(&s.terms);
                SignatureCtx {
                    role: text(&s.role),
                    name: text(&s.name),
                    date: date(&s.date),
                    terms_short: terms.as_deref().map(short_digest),
                    current: digest.is_some() && terms == digest,
                    terms,
                    signer: text(&s.signer),
                    has_sig: s.sig.is_some(),
                }
            })
            .collect();

        let mut problems: Vec<ProblemCtx> = checked
            .diagnostics
            .iter()
            .map(|l| ProblemCtx {
                severity: l.diagnostic.severity,
                code: l.diagnostic.code.as_str().to_string(),
                message: l.diagnostic.message.clone(),
                help: l.diagnostic.help.clone(),
                line: l.position.line,
                column: l.position.column,
            })
            .collect();
        problems.sort_by_key(|p| p.severity != Severity::Error);

        let derived = derived_ctx(a, checked, &signatures);
        let ext_last_days: Vec<Option<NaiveDate>> = match checked.derived.as_ref().and_then(|d| d.base_end) {
            Some(base) => derived::extension_steps(a, base)
                .into_iter()
                .map(|(after, _)| after.and_then(|e| e.pred_opt()))
                .collect(),
            None => vec![None; a.extensions.len()],
        };

        let (checkpoints, evaluations, progress, goals_achieved) = evaluation_ctx(a, checked.derived.as_deref());
        let term = a.term.as_ref();
        let months = term.and_then(|t| t.months.as_ref()).map(|m| m.value);
        let weeks = term.and_then(|t| t.weeks.as_ref()).map(|w| w.value);
        AgreementContext {
            id: checked.id.clone(),
            file: checked.path.display().to_string(),
            topics: a.topics.iter().map(|t| t.value.clone()).collect(),
            mentor: person(&a.mentor),
            mentee: person(&a.mentee),
            lead: person(&a.lead),
            schedule: a
                .schedule
                .as_ref()
                .map(|s| ScheduleCtx {
                    frequency: text(&s.frequency),
                    session_minutes: s.session_minutes.as_ref().map(|m| m.value),
                    modes: s
                        .modes
                        .as_ref()
                        .map(|m| m.value.iter().map(|v| v.value.clone()).collect())
                        .unwrap_or_default(),
                    also_via: s.also_via.iter().map(|v| v.value.clone()).collect(),
                })
                .unwrap_or_default(),
            term: TermCtx {
                start: term.and_then(|t| date(&t.start)),
                months,
                weeks,
                length: length_words(months, weeks),
            },
            reviews: a.reviews.as_ref().map(|r| ReviewsCtx {
                every_months: r.every_months.as_ref().map(|n| n.value),
                dates: r.dates.as_ref().map(|d| d.value.iter().map(|d| d.value).collect()).unwrap_or_default(),
            }),
            goals: a
                .goals
                .iter()
                .enumerate()
                .map(|(i, g)| GoalCtx {
                    number: i + 1,
                    goal: text(&g.goal),
                    measure: text(&g.measure),
                    why: text(&g.why),
                    due: date(&g.due),
                })
                .collect(),
            signatures,
            extensions: a
                .extensions
                .iter()
                .zip(ext_last_days)
                .map(|(e, last_day)| {
                    let months = e.months.as_ref().map(|m| m.value);
                    let weeks = e.weeks.as_ref().map(|w| w.value);
                    ExtensionCtx {
                        months,
                        weeks,
                        length: length_words(months, weeks),
                        agreed: date(&e.agreed),
                        by: e
                            .by
                            .as_ref()
                            .map(|b| b.value.iter().map(|v| v.value.clone()).collect())
                            .unwrap_or_default(),
                        last_day,
                    }
                })
                .collect(),
            checkins: a
                .checkins
                .iter()
                .map(|c| CheckinCtx { date: date(&c.date), by: text(&c.by), note: text(&c.note) })
                .collect(),
            checkpoints,
            evaluations,
            progress,
            goals_achieved,
            termination: a.termination.as_ref().map(|t| TerminationCtx {
                date: date(&t.date),
                by: text(&t.by),
                notice: text(&t.notice),
                reason: text(&t.reason),
                reported: date(&t.reported),
                hearing: date(&t.hearing),
                in_effect: derived.state == AgreementState::Terminated.as_str(),
            }),
            derived,
            program: program.clone(),
            errors: checked.count(Severity::Error),
            warnings: checked.count(Severity::Warning),
            problems,
            today,
            site,
            generator: GeneratorCtx::default(),
        }
    }
}

/// The state label of a file that could not be read as an agreement.
const UNREADABLE: &str = "Not readable";

/// "Maya Okafor and Tomás Rivera", saying which name is missing; the id when both are.
fn pair_of(a: &Agreement, id: &str) -> String {
    let mentor = a.name_of(Role::Mentor).filter(|n| !n.trim().is_empty());
    let mentee = a.name_of(Role::Mentee).filter(|n| !n.trim().is_empty());
    match (mentor, mentee) {
        (Some(m), Some(e)) => format!("{m} and {e}"),
        (Some(m), None) => format!("{m} and a mentee not yet named"),
        (None, Some(e)) => format!("a mentor not yet named and {e}"),
        (None, None) => id.to_string(),
    }
}

fn derived_ctx(a: &Agreement, checked: &Checked, signatures: &[SignatureCtx]) -> DerivedCtx {
    let program = &checked.program;
    let required = &program.rules.signatures.roles;
    let pair = pair_of(a, &checked.id);
    let Some(d) = &checked.derived else {
        return DerivedCtx {
            state: AgreementState::Draft.as_str().to_string(),
            state_label: UNREADABLE.to_string(),
            pair,
            ..DerivedCtx::default()
        };
    };
    let signature_lines = Role::SIGNERS
        .into_iter()
        .filter_map(|role| {
            let is_required = required.contains(&role);
            let sig = signatures.iter().find(|s| s.role.as_deref() == Some(role.as_str()));
            if !is_required && sig.is_none() {
                return None;
            }
            let status = if d.signed.contains(&role) || sig.is_some_and(|s| s.current && s.date.is_some()) {
                "current"
            } else if sig.is_some() {
                "stale"
            } else {
                "missing"
            };
            Some(SignatureLine {
                role: role.as_str().to_string(),
                title: role_title(role).to_string(),
                party: a.name_of(role).map(str::to_string),
                required: is_required,
                status: status.to_string(),
                name: sig.and_then(|s| s.name.clone()),
                date: sig.and_then(|s| s.date),
                terms_short: sig.and_then(|s| s.terms_short.clone()),
            })
        })
        .collect();
    DerivedCtx {
        state: d.state.as_str().to_string(),
        state_label: state_label(d.state).to_string(),
        start: d.start,
        base_end: d.base_end,
        base_last_day: d.base_end.and_then(|e| e.pred_opt()),
        end: d.end,
        last_day: d.last_day,
        effective: d.effective,
        frequency_words: d.frequency_words.clone(),
        sessions_per_month: d.sessions_per_month.map(|s| (s * 100.0).round() / 100.0),
        session_count: d.session_count,
        review_dates: d.review_dates.clone(),
        next_review: d.next_review,
        last_checkin: d.last_checkin,
        signed: d.signed.iter().map(|r| r.as_str().to_string()).collect(),
        missing: d.missing.iter().map(|r| r.as_str().to_string()).collect(),
        signature_lines,
        digest_short: d.digest.as_deref().map(short_digest),
        digest: d.digest.clone(),
        pair,
    }
}

// ---------------------------------------------------------------------------
// The site index.
// ---------------------------------------------------------------------------

/// One row of the index table.
#[derive(Debug, Clone, Serialize)]
pub struct IndexRow {
    /// The agreement id.
    pub id: String,
    /// The page's file name, relative to the index ("2026-09-maya.html").
    pub href: String,
    /// The agreement file, as given.
    pub file: String,
    /// Mentor's name.
    pub mentor: Option<String>,
    /// Mentee's name.
    pub mentee: Option<String>,
    /// "Maya Okafor and Tomás Rivera".
    pub pair: String,
    /// draft, pending, active, ended or terminated.
    pub state: String,
    /// The state for people.
    pub state_label: String,
    /// The state's place in the lifecycle (1 draft … 5 terminated), for sorting.
    pub state_order: u8,
    /// Term start.
    pub start: Option<NaiveDate>,
    /// Last day of the term, extensions included.
    pub last_day: Option<NaiveDate>,
    /// Next review checkpoint.
    pub next_review: Option<NaiveDate>,
    /// Latest check-in.
    pub last_checkin: Option<NaiveDate>,
    /// Errors `check` found.
    pub errors: usize,
    /// Warnings `check` found.
    pub warnings: usize,
}

/// How many agreements are in each state.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Counts {
    /// All agreements.
    pub total: usize,
    /// Drafts.
    pub draft: usize,
    /// Pending: signed, the term not started.
    pub pending: usize,
    /// Active.
    pub active: usize,
    /// Ended.
    pub ended: usize,
    /// Terminated.
    pub terminated: usize,
    /// Agreements with at least one error.
    pub with_errors: usize,
}

/// The context of `index.html.tera`.
#[derive(Debug, Clone, Serialize)]
pub struct IndexContext {
    /// Page title: the program's name when every agreement shares one program.
    pub title: String,
    /// That program, when they share one.
    pub program: Option<ProgramCtx>,
    /// One row per agreement, in the order given. Templates see them as
    /// `agreements`, which the renderer adds (converting the rows in parallel).
    #[serde(skip)]
    pub agreements: Vec<IndexRow>,
    /// Totals by state.
    pub counts: Counts,
    /// "Today" (YYYY-MM-DD).
    pub today: NaiveDate,
    /// The tool.
    pub generator: GeneratorCtx,
    /// Link to the site's shared stylesheet.
    pub stylesheet: String,
}

impl IndexRow {
    /// The row of a checked file whose page is `href`, made straight from the
    /// model (not from the page's whole context).
    pub fn new(checked: &Checked, href: String) -> IndexRow {
        let empty = Agreement::default();
        let a = checked.agreement.as_deref().unwrap_or(&empty);
        let d = checked.derived.as_deref();
        let state = d.map_or(AgreementState::Draft, |d| d.state);
        let name = |p: &Option<Person>| p.as_ref().and_then(|p| text(&p.name));
        IndexRow {
            id: checked.id.clone(),
            href,
            file: checked.path.display().to_string(),
            mentor: name(&a.mentor),
            mentee: name(&a.mentee),
            pair: pair_of(a, &checked.id),
            state: state.as_str().to_string(),
            state_label: d.map_or(UNREADABLE, |d| state_label(d.state)).to_string(),
            state_order: AgreementState::ALL.iter().position(|s| *s == state).map_or(0, |i| i as u8 + 1),
            start: d.and_then(|d| d.start),
            last_day: d.and_then(|d| d.last_day),
            next_review: d.and_then(|d| d.next_review),
            last_checkin: d.and_then(|d| d.last_checkin),
            errors: checked.count(Severity::Error),
            warnings: checked.count(Severity::Warning),
        }
    }
}

impl IndexContext {
    /// The index of `rows`; `program` when every agreement shares it.
    pub fn new(rows: Vec<IndexRow>, program: Option<&Program>, today: NaiveDate) -> IndexContext {
        let mut counts = Counts { total: rows.len(), ..Counts::default() };
        for r in &rows {
            match r.state.as_str() {
                "draft" => counts.draft += 1,
                "pending" => counts.pending += 1,
                "active" => counts.active += 1,
                "ended" => counts.ended += 1,
                _ => counts.terminated += 1,
            }
            if r.errors > 0 {
                counts.with_errors += 1;
            }
        }
        IndexContext {
            title: program.map_or_else(|| "Mentoring agreements".to_string(), |p| p.program.name.clone()),
            program: program.map(ProgramCtx::new),
            agreements: rows,
            counts,
            today,
            generator: GeneratorCtx::default(),
            stylesheet: STYLESHEET.to_string(),
        }
    }
}

/// File name of a site's shared stylesheet (never an agreement page's name, which ends in `.html`).
pub const STYLESHEET: &str = "style.css";

/// `id` itself, when it can name its page: a valid id of at most 200 characters.
/// [`page_names`] settles clashes (with each other and with the index).
pub fn id_page_stem(id: &str) -> Option<&str> {
    (crate::rules::parties::valid_id(id) && id.len() <= 200).then_some(id)
}

/// The site's own pages (stems), which no agreement's page may take.
pub const SITE_PAGES: [&str; 2] = ["index", "report"];

/// Page file names for a site, one per id: `<id>.html` when the id is valid
/// (see [`crate::rules::parties::valid_id`]) and free, else `agreement-<n>.html`;
/// a taken name gets `-2`, `-3`, … so no page overwrites another or the index.
pub fn page_names<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = SITE_PAGES.iter().map(|p| p.to_string()).collect();
    let mut out = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        let base = id_page_stem(id).map_or_else(|| format!("agreement-{}", i + 1), str::to_string);
        let mut stem = base.clone();
        let mut n = 2;
        while !taken.insert(stem.clone()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        out.push(format!("{stem}.html"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        markdown_text(s)
    }

    #[test]
    fn markdown_escaping_neutralises_markup() {
        assert_eq!(md("Ada *Lovelace*"), "Ada \\*Lovelace\\*");
        assert_eq!(md("a | b\nc"), "a \\| b c");
        assert_eq!(md("<script>[x](y)"), "\\<script\\>\\[x\\](y)");
        assert_eq!(md("Tomás Rivera"), "Tomás Rivera");
        assert_eq!(
            md("see https://x.example or WWW.x.example, mail a@b.example"),
            "see https\\://x.example or WWW\\.x.example, mail a\\@b.example"
        );
        assert_eq!(md("10:00. Note: éwww.x"), "10:00. Note: éwww\\.x");
    }

    #[test]
    fn page_names_are_safe_and_unique() {
        let names = page_names(["2026-a", "index", "../etc/passwd", "2026-a", "Upper", "", "agreement-3", "report"]);
        assert_eq!(
            names,
            vec![
                "2026-a.html",
                "index-2.html",
                "agreement-3.html",
                "2026-a-2.html",
                "agreement-5.html",
                "agreement-6.html",
                "agreement-3-2.html",
                "report-2.html"
            ]
        );
        for n in &names {
            assert!(!n.contains('/') && !n.starts_with('.'), "{n}");
        }
    }

    #[test]
    fn short_digests_keep_the_algorithm() {
        assert_eq!(short_digest("sha256:9d45e6ced850a68a2a5debb4bd1009ed"), "sha256:9d45e6ced850");
        assert_eq!(short_digest("sha256:abc"), "sha256:abc");
    }

    #[test]
    fn long_date_filter_formats_dates_only() {
        let mut tera = new_tera();
        tera.add_raw_template("t", "{{ a | long_date }}|{{ b | long_date }}|{{ c | long_date }}").unwrap();
        let mut ctx = Context::new();
        ctx.insert("a", "2026-12-07");
        ctx.insert("b", "soon");
        ctx.insert("c", &Option::<String>::None);
        assert_eq!(tera.render("t", &ctx).unwrap(), "7 December 2026|soon|");
    }

    #[test]
    fn iso_dates_read_as_chrono_reads_them() {
        for s in ["2026-12-07", "2024-02-29", "0001-01-01", "9999-12-31", "2026-01-31"] {
            assert_eq!(iso_date(s), Some(s.parse().unwrap()), "{s}");
        }
        // Not a date, or not in the exact form: left to chrono's parser (and to the text).
        for s in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "20x6-01-01",
            "2026-1-05",
            "2026/01/05",
            "",
            "soon",
        ] {
            assert_eq!(iso_date(s), None, "{s}");
        }
    }

    #[test]
    fn builtin_templates_compile() {
        let r = Renderer::builtin().unwrap();
        assert!(r.overrides().is_empty());
    }
}
