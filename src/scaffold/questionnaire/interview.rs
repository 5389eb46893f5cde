//! The terminal questionnaire of `mentor-agree new`: every question answered by
//! its flag, by the program's default (`--yes`), or asked on the terminal
//! (dialoguer on stderr) until the answer passes the rules.
//!
//! Each answer is checked as it is given by [`Answers::problems`], which runs
//! the real checker, so a refused answer carries the code `check` would report.
//! Nothing touches the disk here: [`draft()`] returns the checked, confirmed text.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use dialoguer::console::Term;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input};

use super::{
    Answers, COMMON_CHANNELS, COMMON_MODES, Defaults, Field, GoalAnswer, Problem, agreement_id, draft, parse_length,
};
use crate::diagnostic::Severity;
use crate::engine::{self, Settings, relative};
use crate::program::Program;
use crate::scaffold::questions::{self, Kind, Value};

/// Why the questionnaire stopped before writing.
#[derive(Debug)]
pub enum Stop {
    /// Ctrl-C, Esc, or "no" at the confirmation.
    Cancelled,
    /// Unusable input (exit 2); the message says what and why.
    Refused(String),
    /// Anything else.
    Failed(anyhow::Error),
}

impl From<dialoguer::Error> for Stop {
    fn from(e: dialoguer::Error) -> Self {
        let dialoguer::Error::IO(io) = e;
        if io.kind() == std::io::ErrorKind::Interrupted { Stop::Cancelled } else { Stop::Failed(io.into()) }
    }
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Stop::Failed(e.into())
    }
}

/// The outcome of one step of the questionnaire: a value, or why it stopped.
pub type Step<T> = Result<T, Stop>;

/// Sets an answer from typed text; `Err` says why the text is not an answer at all.
type Setter<'s> = &'s dyn Fn(&mut Answers, &str) -> Result<(), String>;

/// The terminal the questions are asked on.
struct Ui {
    term: Term,
    theme: Box<dyn Theme>,
    /// The colourful theme, which marks every answer it echoes with a ✔.
    color: bool,
}

impl Ui {
    /// The theme echoed a refused answer as accepted (`✔ prompt · answer`): with
    /// colours, that line is redrawn marked refused (`✘`), still showing what was typed.
    fn refused(&self, prompt: &str, typed: &str) -> std::io::Result<()> {
        use dialoguer::console::{measure_text_width, style};
        if !self.color {
            return Ok(());
        }
        let mut echoed = String::new();
        if self.theme.format_input_prompt_selection(&mut echoed, prompt, typed).is_err() {
            return Ok(());
        }
        let columns = usize::from(self.term.size().1).max(1);
        self.term.clear_last_lines(measure_text_width(&echoed).div_ceil(columns).max(1))?;
        let line = format!(
            "{} {} {} {}",
            style("✘").for_stderr().red(),
            style(prompt).for_stderr().bold(),
            style("·").for_stderr().black().bright(),
            style(typed).for_stderr().red()
        );
        self.term.write_line(&line)
    }
}

/// Asks a yes/no question: y or n, then Enter; Enter alone takes `default`; Esc
/// (then Enter) or Ctrl-C cancels. A single key never answers on its own, so the
/// Enter typed after it cannot answer the next question too.
fn yes_no(ui: &Ui, prompt: &str, default: bool) -> Step<bool> {
    Confirm::with_theme(ui.theme.as_ref())
        .with_prompt(prompt)
        .default(default)
        .wait_for_newline(true)
        .interact_on_opt(&ui.term)?
        .ok_or(Stop::Cancelled)
}

/// Splits a comma-separated answer, dropping empty pieces.
fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect()
}

/// `None` for an empty answer or "-" (to clear a default).
fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty() && t != "-").then(|| t.to_string())
}

fn errors_of(problems: &[Problem]) -> Result<(), String> {
    let errors: Vec<String> =
        problems.iter().filter(|p| p.severity == Severity::Error).map(ToString::to_string).collect();
    if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) }
}

/// How a question's flag is named in messages: `--minutes`, `--months/--weeks`.
fn label(field: Field) -> String {
    match field {
        Field::GoalText(i) | Field::GoalMeasure(i) | Field::GoalDue(i) | Field::GoalWhy(i) => {
            format!("--goal (goal {})", i + 1)
        }
        f => {
            let flags: Vec<String> = questions::question(f).flags.iter().map(|f| format!("--{}", f.name)).collect();
            flags.join("/")
        }
    }
}

/// The questions behind a field: goals expand to each goal's parts, then the count.
fn parts(field: Field, answers: &Answers) -> Vec<Field> {
    match field {
        Field::Goals => (0..answers.goals.len())
            .flat_map(|i| [Field::GoalText(i), Field::GoalMeasure(i), Field::GoalDue(i), Field::GoalWhy(i)])
            .chain([Field::Goals])
            .collect(),
        f => vec![f],
    }
}

/// What `new` was given before any question is asked: the values of the
/// answer flags of [`questions::QUESTIONS`] (none for a flag not given) and how
/// to finish. The command line fills it in, one [`Given::answer`] per answer
/// flag; the questionnaire never sees how the command line is parsed.
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// Each answer flag given, by name, with its values in the order given.
    answers: Vec<(&'static str, Vec<Value>)>,
    /// `--yes`: take every default without asking.
    pub yes: bool,
    /// `--print`: to stdout instead of a file.
    pub print: bool,
    /// `--out FILE`.
    pub out: Option<std::path::PathBuf>,
}

impl Given {
    /// Records the values given for the answer flag `name` (without dashes; a
    /// flag of [`questions::QUESTIONS`]), e.g. `answer("minutes", Some(45))` or
    /// `answer("topic", vec![..])`; no values: the flag was not given. An
    /// email's `""` or `-` means "no email"; a goal is `GOAL | MEASURE | DUE[ | WHY]`.
    ///
    /// # Panics
    ///
    /// When `name` is not an answer flag of the table (a mistake in the caller).
    pub fn answer<V: Into<Value>>(&mut self, name: &str, values: impl IntoIterator<Item = V>) {
        let flag = questions::flag(name).unwrap_or_else(|| panic!("--{name} is not an answer flag of `new`"));
        let values: Vec<Value> = values.into_iter().map(Into::into).collect();
        self.answers.retain(|(n, _)| *n != flag.name);
        if !values.is_empty() {
            self.answers.push((flag.name, values));
        }
    }

    /// The values given for the answer flag `name`; empty when it was not given.
    pub fn values(&self, name: &str) -> &[Value] {
        self.answers.iter().find(|(n, _)| *n == name).map_or(&[], |(_, v)| v)
    }
}

/// Answers from flags and defaults, with what was wrong or missing.
struct FlagPass {
    answers: Answers,
    /// "--flag: reason" for each refused value.
    invalid: Vec<String>,
    /// Warnings about accepted values.
    warnings: Vec<String>,
    /// Questions with neither a flag nor a default.
    missing_required: Vec<Field>,
    /// Questions with a default that was not accepted (no `--yes`).
    missing_optional: Vec<Field>,
}

struct Flow<'a> {
    args: &'a Given,
    program: Arc<Program>,
    today: NaiveDate,
    defaults: Defaults,
    answers: Answers,
    ui: Option<Ui>,
}

impl Flow<'_> {
    /// Applies the flags for `field`, if given. `Err` when a value cannot be read at all.
    fn given(&self, field: Field, a: &mut Answers) -> Result<bool, String> {
        let flags = questions::question(field).flags;
        if matches!(field, Field::GoalText(_) | Field::GoalMeasure(_) | Field::GoalDue(_) | Field::GoalWhy(_))
            || flags.iter().all(|f| self.args.values(f.name).is_empty())
        {
            return Ok(false);
        }
        // Every value is read before any is put: one that cannot be read leaves the answer alone.
        let mut read = Vec::new();
        for flag in flags {
            for value in self.args.values(flag.name) {
                let value = match (flag.kind, value) {
                    // `""` (or `-`) answers "no email".
                    (Kind::Email, Value::Text(v)) => match optional(v) {
                        Some(v) => Value::Text(v),
                        None => continue,
                    },
                    (Kind::Goal, Value::Text(v)) => Value::Goal(GoalAnswer::parse_flag(v)?),
                    (_, v) => v.clone(),
                };
                read.push((flag, value));
            }
        }
        for (flag, value) in read {
            flag.put(a, value);
        }
        Ok(true)
    }

    /// Applies the default for `field`; false when the question has none (it must be answered).
    fn default(&self, field: Field, a: &mut Answers) -> bool {
        let d = &self.defaults;
        match field {
            Field::Mentor | Field::Mentee | Field::Topics | Field::Goals => return false,
            Field::Lead => match &d.lead {
                Some(lead) => a.lead = Some(lead.name.clone()),
                None => return false,
            },
            Field::LeadEmail => {
                a.lead_email =
                    d.lead.as_ref().filter(|l| a.lead.as_deref() == Some(l.name.as_str())).and_then(|l| l.email.clone())
            }
            Field::MentorEmail | Field::MenteeEmail => {}
            Field::Frequency => a.frequency = Some(d.frequency.clone()),
            Field::Minutes => a.minutes = Some(d.minutes),
            Field::Modes => a.modes = Some(d.modes.clone()),
            Field::AlsoVia => a.also_via.clone_from(&d.also_via),
            Field::Start => a.start = Some(d.start),
            Field::Term => (a.months, a.weeks) = (Some(d.months), None),
            Field::Reviews => a.review_every_months = Some(d.review_every_months),
            Field::GoalText(_) | Field::GoalMeasure(_) | Field::GoalDue(_) | Field::GoalWhy(_) => return false,
        }
        true
    }

    fn problems(&self, a: &Answers, field: Field) -> Vec<Problem> {
        let mut problems = a.problems(field, &self.program, self.today);
        for p in &mut problems {
            // `check`'s advice is about the file ("remove the key"); here the answer is what changes.
            if p.code == crate::diagnostic::Code::BadEmail {
                p.help = Some("write it as name@domain.tld, or - for no email".into());
            }
        }
        problems
    }

    /// Applies every flag (and, with `use_defaults`, every default) in question order,
    /// checking each value against the answers before it.
    fn flag_pass(&self, use_defaults: bool) -> FlagPass {
        let mut pass = FlagPass {
            answers: Answers::default(),
            invalid: Vec::new(),
            warnings: Vec::new(),
            missing_required: Vec::new(),
            missing_optional: Vec::new(),
        };
        for field in questions::order() {
            let mut scratch = pass.answers.clone();
            let answered = match self.given(field, &mut pass.answers) {
                Err(why) => {
                    pass.invalid.push(format!("{}: {why}", label(field)));
                    continue;
                }
                Ok(true) => true,
                Ok(false) if use_defaults && self.default(field, &mut pass.answers) => true,
                Ok(false) => {
                    if self.default(field, &mut scratch) {
                        pass.missing_optional.push(field);
                    } else {
                        pass.missing_required.push(field);
                    }
                    false
                }
            };
            if !answered {
                continue;
            }
            for part in parts(field, &pass.answers) {
                for p in self.problems(&pass.answers, part) {
                    let line = format!("{}: {p}", label(part));
                    match p.severity {
                        Severity::Error => pass.invalid.push(line),
                        Severity::Warning => pass.warnings.push(line),
                    }
                }
            }
        }
        pass
    }

    fn ui(&self) -> &Ui {
        self.ui.as_ref().expect("only interactive flows ask")
    }

    /// Shows warnings about the answer to `field` and asks whether to keep it.
    fn keep_despite_warnings(&self, field: Field) -> Step<bool> {
        let warnings: Vec<Problem> =
            self.problems(&self.answers, field).into_iter().filter(|p| p.severity == Severity::Warning).collect();
        if warnings.is_empty() {
            return Ok(true);
        }
        let ui = self.ui();
        for w in &warnings {
            ui.term.write_line(&format!("warning: {w}"))?;
        }
        // No by default: Enter alone asks again rather than keep what was warned about.
        yes_no(ui, "Keep this answer anyway?", false)
    }

    /// Asks a free-text question until the answer passes the rules for `field`.
    /// A refused answer stays on the screen with the reason below it, so the
    /// scrollback shows what was typed and why it was asked again.
    fn text(&mut self, field: Field, prompt: &str, default: Option<String>, set: Setter<'_>) -> Step<()> {
        loop {
            let typed = {
                let ui = self.ui();
                let mut input = Input::<String>::with_theme(ui.theme.as_ref()).with_prompt(prompt).allow_empty(true);
                if let Some(d) = &default {
                    input = input.default(d.clone());
                }
                input.interact_text_on(&ui.term)?
            };
            let mut candidate = self.answers.clone();
            if let Err(why) = set(&mut candidate, &typed).and_then(|()| errors_of(&self.problems(&candidate, field))) {
                self.ui().refused(prompt, &typed)?;
                self.ui().term.write_line(&format!("error: {why}"))?;
                continue;
            }
            let before = std::mem::replace(&mut self.answers, candidate);
            if self.keep_despite_warnings(field)? {
                return Ok(());
            }
            self.answers = before;
        }
    }

    /// How often they meet, typed (never a select list: typed letters would move
    /// a selection and record an answer nobody gave). The text is checked as
    /// `check` reads it, so `biweekly` gets the `frequency-unknown` explanation
    /// and the question again.
    fn frequency(&mut self) -> Step<()> {
        let choices = if self.program.frequencies.is_empty() {
            frequency_hint(self.program.rules.schedule.min_sessions_per_month)
        } else {
            let allowed: Vec<String> = self.program.frequencies.iter().map(ToString::to_string).collect();
            format!("this program allows: {}", allowed.join(", "))
        };
        let prompt = format!("How often will they meet? ({choices})");
        self.text(Field::Frequency, &prompt, Some(self.defaults.frequency.clone()), &|a, s| {
            a.frequency = Some(s.split_whitespace().collect::<Vec<_>>().join(" "));
            Ok(())
        })
    }

    /// A comma-separated list, typed; each item spelt as in `options` when it is
    /// one of them (case aside). `none` allows `-` for an empty list.
    fn list(
        &mut self,
        field: Field,
        prompt: &str,
        options: &[String],
        default: &[String],
        none: bool,
        set: fn(&mut Answers, Vec<String>),
    ) -> Step<()> {
        let default = (!default.is_empty()).then(|| default.join(", "));
        let options = options.to_vec();
        self.text(field, prompt, default, &move |a, s| {
            if none && s.trim() == "-" {
                set(a, Vec::new());
                return Ok(());
            }
            let items: Vec<String> = split_list(s)
                .into_iter()
                .map(|item| options.iter().find(|o| o.eq_ignore_ascii_case(&item)).cloned().unwrap_or(item))
                .collect();
            if items.is_empty() {
                return Err(if none { "name at least one, or - for none".into() } else { "name at least one".into() });
            }
            set(a, items);
            Ok(())
        })
    }

    /// Asks the question for `field`.
    fn ask(&mut self, field: Field) -> Step<()> {
        let rules = self.program.rules.clone();
        match field {
            Field::Mentor => self.text(field, "Mentor's full name", None, &|a, s| {
                a.mentor = Some(s.trim().to_string());
                Ok(())
            }),
            Field::MentorEmail => self.text(field, "Mentor's email (optional)", None, &|a, s| {
                a.mentor_email = optional(s);
                Ok(())
            }),
            Field::Mentee => self.text(field, "Mentee's full name", None, &|a, s| {
                a.mentee = Some(s.trim().to_string());
                Ok(())
            }),
            Field::MenteeEmail => self.text(field, "Mentee's email (optional)", None, &|a, s| {
                a.mentee_email = optional(s);
                Ok(())
            }),
            Field::Lead => {
                let default = self.defaults.lead.as_ref().map(|l| l.name.clone());
                self.text(field, "Initiative lead's full name", default, &|a, s| {
                    a.lead = Some(s.trim().to_string());
                    Ok(())
                })
            }
            Field::LeadEmail => {
                let mut scratch = self.answers.clone();
                self.default(field, &mut scratch);
                let (prompt, default) = match scratch.lead_email {
                    Some(e) => ("Lead's email (- for none)", Some(e)),
                    None => ("Lead's email (optional)", None),
                };
                self.text(field, prompt, default, &|a, s| {
                    a.lead_email = optional(s);
                    Ok(())
                })
            }
            Field::Topics => self.text(
                field,
                "Topics of focus, comma-separated (e.g. career development, leadership)",
                None,
                &|a, s| {
                    a.topics = split_list(s);
                    if a.topics.is_empty() { Err("name at least one topic".into()) } else { Ok(()) }
                },
            ),
            Field::Frequency => self.frequency(),
            Field::Minutes => {
                let s = &rules.schedule;
                let prompt = format!("Minutes per session ({} to {})", s.min_session_minutes, s.max_session_minutes);
                self.text(field, &prompt, Some(self.defaults.minutes.to_string()), &|a, s| {
                    let n = s.trim().parse().map_err(|_| format!("`{}` is not a whole number of minutes", s.trim()))?;
                    a.minutes = Some(n);
                    Ok(())
                })
            }
            Field::Modes => {
                let (options, choices) = if rules.schedule.modes.is_empty() {
                    let common: Vec<String> = COMMON_MODES.iter().map(|m| m.to_string()).collect();
                    let choices = format!("comma-separated, e.g. {}", common.join(", "));
                    (common, choices)
                } else {
                    let allowed = rules.schedule.modes.clone();
                    let choices = format!("this program allows: {}", allowed.join(", "));
                    (allowed, choices)
                };
                let default = self.defaults.modes.clone();
                let prompt = format!("How will sessions be held? ({choices})");
                self.list(field, &prompt, &options, &default, false, |a, v| a.modes = Some(v))
            }
            Field::AlsoVia => {
                let options: Vec<String> = COMMON_CHANNELS.iter().map(|m| m.to_string()).collect();
                let prompt = format!(
                    "How will they keep in touch between sessions? (comma-separated, e.g. {}; - for none)",
                    options.join(", ")
                );
                let default = self.defaults.also_via.clone();
                self.list(field, &prompt, &options, &default, true, |a, v| a.also_via = v)
            }
            Field::Start => {
                self.text(field, "Start date (YYYY-MM-DD)", Some(self.defaults.start.to_string()), &|a, s| {
                    a.start = Some(crate::format::timeline::parse_date(s.trim())?);
                    Ok(())
                })
            }
            Field::Term => {
                let t = &rules.term;
                let prompt =
                    format!("Duration: months, or e.g. \"26 weeks\" ({} to {} months)", t.min_months, t.max_months);
                self.text(field, &prompt, Some(format!("{} months", self.defaults.months)), &|a, s| {
                    (a.months, a.weeks) = parse_length(s)?;
                    Ok(())
                })
            }
            Field::Reviews => {
                let prompt =
                    format!("Review checkpoint every how many months? (at most {})", rules.reviews.max_gap_months);
                self.text(field, &prompt, Some(self.defaults.review_every_months.to_string()), &|a, s| {
                    let n = s.trim().parse().map_err(|_| format!("`{}` is not a whole number of months", s.trim()))?;
                    a.review_every_months = Some(n);
                    Ok(())
                })
            }
            Field::Goals => self.goals(),
            Field::GoalText(_) | Field::GoalMeasure(_) | Field::GoalDue(_) | Field::GoalWhy(_) => {
                unreachable!("goal parts are asked by `goals`")
            }
        }
    }

    /// Asks for goals one by one until the program's minimum is met, then while wanted.
    fn goals(&mut self) -> Step<()> {
        let rules = self.program.rules.goals.clone();
        let term = {
            let settings = Settings { today: self.today, options: Default::default(), ssh: None };
            let c =
                engine::check_text(Path::new("new.toml"), &self.answers.to_toml(""), self.program.clone(), &settings);
            c.derived.and_then(|d| Some((d.start?, d.last_day?)))
        };
        loop {
            let i = self.answers.goals.len();
            let n = i + 1;
            self.answers.goals.push(GoalAnswer::default());
            self.text(Field::GoalText(i), &format!("Goal {n}: what will the mentee achieve?"), None, &move |a, s| {
                a.goals[i].goal = s.trim().to_string();
                Ok(())
            })?;
            let optional_note = |required: bool| if required { "" } else { " (optional)" };
            self.text(
                Field::GoalMeasure(i),
                &format!("Goal {n}: how will you both know it is met?{}", optional_note(rules.require_measure)),
                None,
                &move |a, s| {
                    a.goals[i].measure = optional(s);
                    Ok(())
                },
            )?;
            let range = term.map(|(s, l)| format!(", {s} to {l}")).unwrap_or_default();
            self.text(
                Field::GoalDue(i),
                &format!("Goal {n}: due date (YYYY-MM-DD{range}){}", optional_note(rules.require_due)),
                None,
                &move |a, s| {
                    a.goals[i].due = match optional(s) {
                        Some(d) => Some(crate::format::timeline::parse_date(&d)?),
                        None => None,
                    };
                    Ok(())
                },
            )?;
            self.text(
                Field::GoalWhy(i),
                &format!("Goal {n}: why does it matter?{}", optional_note(rules.require_why)),
                None,
                &move |a, s| {
                    a.goals[i].why = optional(s);
                    Ok(())
                },
            )?;
            let count = self.answers.goals.len() as u32;
            if count >= rules.max {
                return Ok(());
            }
            if count >= rules.min && !yes_no(self.ui(), "Add another goal?", false)? {
                return Ok(());
            }
        }
    }

    /// Answers every question: flags first, then defaults (with `--yes`), then asking.
    /// Which question to answer again, from the summary: its number in the list
    /// shown, or its flag (`minutes`, `--minutes`).
    fn which_question(&self) -> Step<Field> {
        let ui = self.ui();
        for (i, f) in questions::order().enumerate() {
            ui.term.write_line(&format!("  {:>2}  {}", i + 1, f.flag()))?;
        }
        loop {
            let typed = Input::<String>::with_theme(ui.theme.as_ref())
                .with_prompt("Which answer? (number or flag)")
                .interact_text_on(&ui.term)?;
            let typed = typed.trim().trim_start_matches('-').to_ascii_lowercase();
            let found = match typed.parse::<usize>() {
                Ok(n) => questions::order().nth(n.wrapping_sub(1)),
                // A question is named by its first flag (`months` for the term).
                Err(_) => questions::QUESTIONS.iter().find(|q| q.flags[0].name == typed).map(|q| q.field),
            };
            match found {
                Some(f) => return Ok(f),
                None => ui.term.write_line(&format!(
                    "error: no question {typed:?}: type a number from 1 to {}",
                    questions::QUESTIONS.len()
                ))?,
            }
        }
    }

    fn interview(&mut self, target: &mut Target) -> Step<()> {
        for field in questions::order() {
            let mut a = self.answers.clone();
            let answered = match self.given(field, &mut a) {
                Err(why) => return Err(Stop::Refused(format!("{}: {why}", label(field)))),
                Ok(true) => {
                    let invalid: Vec<String> = parts(field, &a)
                        .into_iter()
                        .flat_map(|part| {
                            self.problems(&a, part)
                                .into_iter()
                                .filter(|p| p.severity == Severity::Error)
                                .map(move |p| format!("{}: {p}", label(part)))
                        })
                        .collect();
                    if !invalid.is_empty() {
                        return Err(Stop::Refused(invalid.join("\nerror: ")));
                    }
                    true
                }
                Ok(false) => {
                    self.args.yes
                        && self.default(field, &mut a)
                        && parts(field, &a).into_iter().all(|part| errors_of(&self.problems(&a, part)).is_ok())
                }
            };
            if answered {
                self.answers = a;
            } else {
                self.ask(field)?;
            }
            if field == Field::Start {
                target.resolve(&self.answers)?;
            }
        }
        Ok(())
    }
}

/// Where the agreement goes.
struct Target {
    print: bool,
    out: Option<PathBuf>,
    agreements: PathBuf,
    path: Option<PathBuf>,
}

impl Target {
    /// Works out the file once the id is known, and refuses an existing one early.
    fn resolve(&mut self, answers: &Answers) -> Step<()> {
        if self.print {
            return Ok(());
        }
        let path = match &self.out {
            Some(out) => out.clone(),
            None => {
                let (Some(start), Some(mentor), Some(mentee)) = (answers.start, &answers.mentor, &answers.mentee)
                else {
                    return Ok(());
                };
                self.agreements.join(format!("{}.toml", agreement_id(start, mentor, mentee)))
            }
        };
        if path.symlink_metadata().is_ok() {
            return Err(Stop::Refused(format!(
                "{} already exists; nothing was written (new never replaces an agreement: edit it, or pass --out FILE)",
                relative(&path, Path::new(".")).display()
            )));
        }
        self.path = Some(path);
        Ok(())
    }
}

fn missing_message(pass: &FlagPass, yes: bool) -> String {
    let mut msg = String::from("standard input is not a terminal, so `new` cannot ask its questions.\n");
    if !pass.missing_required.is_empty() {
        msg.push_str("Answer these with flags:\n");
        for f in &pass.missing_required {
            msg.push_str(&format!("  {}\n", f.flag()));
        }
    }
    if !pass.missing_optional.is_empty() && !yes {
        msg.push_str("These have defaults: pass them, or --yes to accept the defaults:\n");
        for f in &pass.missing_optional {
            msg.push_str(&format!("  {}\n", f.flag()));
        }
    }
    msg.trim_end().to_string()
}

/// The frequencies to offer when the program names none: those that meet its
/// minimum sessions a month, "every N weeks" only for the N it allows.
fn frequency_hint(min_sessions_per_month: f64) -> String {
    use crate::format::timeline::Frequency;
    let ok = |f: Frequency| f.sessions_per_month() + 1e-9 >= min_sessions_per_month;
    let mut named: Vec<String> = [Frequency::Weekly, Frequency::Fortnightly, Frequency::Monthly]
        .into_iter()
        .filter(|f| ok(*f))
        .map(|f| f.to_string())
        .collect();
    match (3..=12).rev().find(|n| ok(Frequency::EveryWeeks(*n))) {
        Some(12) => named.push("every N weeks".into()),
        Some(3) => named.push("every 3 weeks".into()),
        Some(4) => named.push("every 3 or 4 weeks".into()),
        Some(n) => named.push(format!("every 3 to {n} weeks")),
        None => {}
    }
    match named.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "weekly".into(),
    }
}

/// The prompts' look: dialoguer's colourful theme when stderr is coloured, else plain text.
pub fn theme(color: bool) -> Box<dyn Theme> {
    if color { Box::new(ColorfulTheme::default()) } else { Box::new(SimpleTheme) }
}

/// A new agreement, answered, checked as `check` will check it, and (on a terminal) confirmed.
#[derive(Debug)]
pub struct Draft {
    /// The whole file.
    pub text: String,
    /// Where it goes; `None` with `--print`.
    pub path: Option<PathBuf>,
    /// That path as the user sees it, or `FILE`.
    pub file: String,
}

/// Answers every question (flags, then defaults with `--yes`, then asking on a
/// terminal), builds the agreement under `program` and refuses it unless it
/// passes `check` as a draft; on a terminal it shows the summary and asks to confirm.
pub fn draft(args: &Given, program: Arc<Program>, today: NaiveDate, color: bool) -> Step<Draft> {
    let term = Term::stderr();
    let interactive = std::io::stdin().is_terminal() && term.is_term();
    let ui = interactive.then(|| Ui { term, theme: theme(color), color });
    let mut flow = Flow {
        args,
        defaults: Defaults::new(&program, today),
        program: program.clone(),
        today,
        answers: Answers::default(),
        ui,
    };
    let mut target =
        Target { print: args.print, out: args.out.clone(), agreements: program.agreements_dir(), path: None };

    let pass = flow.flag_pass(args.yes);
    for w in &pass.warnings {
        eprintln!("warning: {w}");
    }
    if interactive {
        if !pass.invalid.is_empty() {
            return Err(Stop::Refused(pass.invalid.join("\nerror: ")));
        }
        if let Some(ui) = &flow.ui {
            ui.term.write_line(&format!(
                "New agreement for the {} (Ctrl-C cancels; nothing is written until you confirm).",
                program.program.name
            ))?;
        }
        flow.interview(&mut target)?;
    } else {
        let missing = !pass.missing_required.is_empty() || (!pass.missing_optional.is_empty() && !args.yes);
        if !pass.invalid.is_empty() || missing {
            let mut msg = pass.invalid.join("\nerror: ");
            if missing {
                if !msg.is_empty() {
                    msg.push_str("\nerror: ");
                }
                msg.push_str(&missing_message(&pass, args.yes));
            }
            return Err(Stop::Refused(msg));
        }
        flow.answers = pass.answers;
        target.resolve(&flow.answers)?;
    }

    // Until confirmed: a correction from the summary asks that question again.
    let mut corrected = false;
    loop {
        let answers = &mut flow.answers;
        let (Some(start), Some(mentor), Some(mentee)) = (answers.start, &answers.mentor, &answers.mentee) else {
            return Err(Stop::Failed(anyhow::anyhow!("the questionnaire ended without names and a start date")));
        };
        answers.id = Some(agreement_id(start, mentor, mentee));
        let path = target.path.clone();
        let file =
            path.as_deref().map_or_else(|| "FILE".to_string(), |p| relative(p, Path::new(".")).display().to_string());
        let preamble = draft::preamble(answers, &program, today, path.as_deref());
        let text = answers.to_toml(&preamble);

        // The whole file, checked as `check` will: it must pass as a draft.
        let settings = Settings { today, options: Default::default(), ssh: None };
        let checked =
            engine::check_text(path.as_deref().unwrap_or(Path::new("new.toml")), &text, program.clone(), &settings);
        let errors: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|l| l.diagnostic.severity == Severity::Error)
            .map(|l| format!("{}:{}: {}: {}", file, l.position.line, l.diagnostic.code.as_str(), l.diagnostic.message))
            .collect();
        // After a correction that does not fit the other answers (a start that moves
        // a goal's due date out of the term), the coordinator corrects again.
        let recorrect = corrected && !errors.is_empty();
        if !errors.is_empty() && !recorrect {
            return Err(Stop::Refused(format!("the agreement would not pass `check`:\n{}", errors.join("\n"))));
        }

        if let Some(ui) = &flow.ui {
            ui.term.write_line("")?;
            // The terminal's width (console assumes 80 columns when the terminal does not say).
            let width = ui.term.size().1.clamp(40, 120);
            ui.term.write_line(&draft::summary(&flow.answers, &checked, &file, width).to_string())?;
            let prompt = if args.print { "Print this agreement?".to_string() } else { format!("Write {file}?") };
            if recorrect {
                for e in &errors {
                    ui.term.write_line(&format!("error: {e}"))?;
                }
            }
            if recorrect || !yes_no(ui, &prompt, true)? {
                if !recorrect && !yes_no(ui, "Correct an answer instead?", false)? {
                    return Err(Stop::Cancelled);
                }
                corrected = true;
                let field = flow.which_question()?;
                if field == Field::Goals {
                    flow.answers.goals.clear();
                }
                flow.ask(field)?;
                target.path = None;
                target.resolve(&flow.answers)?;
                continue;
            }
        }
        return Ok(Draft { text, path, file });
    }
}
