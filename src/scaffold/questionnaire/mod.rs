//! The questions `mentor-agree new` asks, its answers, and how each answer is
//! checked as it is given.
//!
//! Answers are written out as agreement text (the same text the finished file
//! will hold) and run through the real checker, [`engine::check_text`]. Of the
//! diagnostics, only those about the question just answered count: those with
//! one of the question's codes, located inside the text written for that
//! answer. So a questionnaire answer is refused for exactly the reasons, and
//! with exactly the codes, that `check` would give for the finished file, and
//! the rules stay in one place, [`crate::rules`].
//!
//! [`interview`] asks the questions on a terminal (or takes them from flags);
//! [`draft`] writes the head of the new file and the summary shown before it
//! is written, for `new` and `new --from` alike. [`review`] is the other
//! questionnaire, the one `evaluate` asks after a review.

pub mod draft;
pub mod feedback;
pub mod interview;
pub mod review;

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate};

use crate::diagnostic::{Code, Severity};
use crate::engine::{self, Settings};
use crate::format::timeline::Frequency;
use crate::program::{Contact, Program};
use crate::scaffold::questions;

/// One SMART goal, as answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoalAnswer {
    /// What the mentee wants to achieve (specific).
    pub goal: String,
    /// How both will know it is met (measurable).
    pub measure: Option<String>,
    /// When it is due (time-bound).
    pub due: Option<NaiveDate>,
    /// Why it matters (relevant).
    pub why: Option<String>,
}

impl GoalAnswer {
    /// Parses the `--goal` flag: `GOAL | MEASURE | DUE[ | WHY]`. Empty parts are left out.
    pub fn parse_flag(spec: &str) -> Result<GoalAnswer, String> {
        let parts: Vec<&str> = spec.split('|').map(str::trim).collect();
        if !(3..=4).contains(&parts.len()) {
            return Err(format!(
                "`{spec}` has {} part(s); write 'GOAL | MEASURE | DUE' or 'GOAL | MEASURE | DUE | WHY'",
                parts.len()
            ));
        }
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let due = match parts[2] {
            "" => None,
            d => Some(crate::format::timeline::parse_date(d)?),
        };
        Ok(GoalAnswer {
            goal: parts[0].to_string(),
            measure: some(parts[1]),
            due,
            why: parts.get(3).and_then(|w| some(w)),
        })
    }
}

/// Every answer of the questionnaire; `None` (or empty) until given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// The agreement id written to the file.
    pub id: Option<String>,
    /// Mentor's name.
    pub mentor: Option<String>,
    /// Mentor's email.
    pub mentor_email: Option<String>,
    /// Mentee's name.
    pub mentee: Option<String>,
    /// Mentee's email.
    pub mentee_email: Option<String>,
    /// Initiative lead's name.
    pub lead: Option<String>,
    /// Initiative lead's email.
    pub lead_email: Option<String>,
    /// Topics of focus.
    pub topics: Vec<String>,
    /// Meeting frequency as written.
    pub frequency: Option<String>,
    /// Minutes per session.
    pub minutes: Option<i64>,
    /// How sessions are held.
    pub modes: Option<Vec<String>>,
    /// Channels between sessions.
    pub also_via: Vec<String>,
    /// First day of the term.
    pub start: Option<NaiveDate>,
    /// Term length in months.
    pub months: Option<i64>,
    /// Term length in weeks.
    pub weeks: Option<i64>,
    /// A review checkpoint every N months.
    pub review_every_months: Option<i64>,
    /// SMART goals.
    pub goals: Vec<GoalAnswer>,
}

/// A question of the questionnaire (goal questions carry the goal's index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Mentor's name.
    Mentor,
    /// Mentor's email.
    MentorEmail,
    /// Mentee's name.
    Mentee,
    /// Mentee's email.
    MenteeEmail,
    /// Lead's name.
    Lead,
    /// Lead's email.
    LeadEmail,
    /// Topics.
    Topics,
    /// Frequency.
    Frequency,
    /// Session minutes.
    Minutes,
    /// Session modes.
    Modes,
    /// Channels between sessions.
    AlsoVia,
    /// Start date.
    Start,
    /// Term length (months or weeks).
    Term,
    /// Review cadence.
    Reviews,
    /// The goals as a whole (how many).
    Goals,
    /// Goal text of goal i (0-based).
    GoalText(usize),
    /// Measure of goal i.
    GoalMeasure(usize),
    /// Due date of goal i.
    GoalDue(usize),
    /// Why of goal i.
    GoalWhy(usize),
}

impl Field {
    /// The flags that answer this question, as `--help` shows them
    /// (`--months N | --weeks N`), from [`questions::QUESTIONS`].
    pub fn flag(self) -> String {
        let flags: Vec<String> = questions::question(self).flags.iter().map(|f| f.usage()).collect();
        flags.join(" | ")
    }

    /// The codes `check` raises about this answer.
    fn codes(self) -> &'static [Code] {
        match self {
            Field::Mentor | Field::Lead | Field::Topics | Field::AlsoVia => &[Code::EmptyText, Code::ControlCharacter],
            Field::Mentee => &[Code::EmptyText, Code::SamePerson, Code::ControlCharacter],
            Field::MentorEmail | Field::LeadEmail => &[Code::BadEmail, Code::ControlCharacter],
            Field::MenteeEmail => &[Code::BadEmail, Code::SamePerson, Code::ControlCharacter],
            Field::Frequency => {
                &[Code::FrequencyUnknown, Code::FrequencyNotAllowed, Code::TooFewSessions, Code::ControlCharacter]
            }
            Field::Minutes => &[Code::SessionTooShort, Code::SessionTooLong, Code::WrongType],
            Field::Modes => &[Code::NoModes, Code::ModeNotAllowed, Code::EmptyText, Code::ControlCharacter],
            Field::Start => &[Code::WrongType],
            Field::Term => &[Code::TermTooShort, Code::TermTooLong, Code::TermAmbiguous, Code::WrongType],
            Field::Reviews => &[Code::ReviewGap, Code::NoReviews, Code::WrongType],
            Field::Goals => &[Code::GoalsTooFew, Code::GoalsTooMany],
            Field::GoalText(_) => &[Code::EmptyText, Code::GoalDuplicate, Code::ControlCharacter],
            Field::GoalMeasure(_) => {
                &[Code::GoalNoMeasure, Code::GoalVagueMeasure, Code::EmptyText, Code::ControlCharacter]
            }
            Field::GoalDue(_) => &[Code::GoalNoDue, Code::GoalDueOutsideTerm, Code::GoalNotAchievable],
            Field::GoalWhy(_) => &[Code::GoalNoWhy, Code::EmptyText, Code::ControlCharacter],
        }
    }
}

/// A problem with an answer: a diagnostic `check` would report for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The diagnostic code.
    pub code: Code,
    /// Error or warning (after the program's `[levels]`).
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// Where the text for an answer was written (byte range), per question.
#[derive(Debug, Default)]
struct Places(Vec<(Field, Range<usize>)>);

impl Places {
    fn get(&self, field: Field) -> Option<&Range<usize>> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, r)| r)
    }
}

/// A TOML basic string, escaped.
fn quote(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

fn quote_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", inner.join(", "))
}

struct Writer {
    text: String,
    places: Places,
}

impl Writer {
    fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }

    /// `key = value`, remembering where the value is for `field`.
    fn kv(&mut self, key: &str, value: &str, field: Option<Field>) {
        let _ = write!(self.text, "{key} = ");
        let start = self.text.len();
        self.text.push_str(value);
        if let Some(field) = field {
            self.places.0.push((field, start..self.text.len()));
        }
        self.text.push('\n');
    }

    fn person(&mut self, table: &str, name: &Option<String>, email: &Option<String>, fields: (Field, Field)) {
        if name.is_none() && email.is_none() {
            return;
        }
        self.line("");
        self.line(&format!("[{table}]"));
        if let Some(n) = name {
            self.kv("name", &quote(n), Some(fields.0));
        }
        if let Some(e) = email {
            self.kv("email", &quote(e), Some(fields.1));
        }
    }
}

impl Answers {
    /// The agreement file for these answers, laid out as in the format's description,
    /// preceded by `header` (comment lines, each starting with `#`).
    pub fn to_toml(&self, header: &str) -> String {
        self.write(header).text
    }

    fn write(&self, header: &str) -> Writer {
        let mut w = Writer { text: header.to_string(), places: Places::default() };
        w.line("format = 1");
        if let Some(id) = &self.id {
            w.kv("id", &quote(id), None);
        }
        if !self.topics.is_empty() {
            w.kv("topics", &quote_list(&self.topics), Some(Field::Topics));
        }
        w.person("mentor", &self.mentor, &self.mentor_email, (Field::Mentor, Field::MentorEmail));
        w.person("mentee", &self.mentee, &self.mentee_email, (Field::Mentee, Field::MenteeEmail));
        w.person("lead", &self.lead, &self.lead_email, (Field::Lead, Field::LeadEmail));

        if self.frequency.is_some() || self.minutes.is_some() || self.modes.is_some() || !self.also_via.is_empty() {
            w.line("");
            w.line("[schedule]");
            if let Some(f) = &self.frequency {
                w.kv("frequency", &quote(f), Some(Field::Frequency));
            }
            if let Some(m) = self.minutes {
                w.kv("session_minutes", &m.to_string(), Some(Field::Minutes));
            }
            if let Some(modes) = &self.modes {
                w.kv("modes", &quote_list(modes), Some(Field::Modes));
            }
            if !self.also_via.is_empty() {
                w.kv("also_via", &quote_list(&self.also_via), Some(Field::AlsoVia));
            }
        }

        if self.start.is_some() || self.months.is_some() || self.weeks.is_some() {
            w.line("");
            w.line("[term]");
            if let Some(s) = self.start {
                w.kv("start", &s.to_string(), Some(Field::Start));
            }
            if let Some(m) = self.months {
                w.kv("months", &m.to_string(), Some(Field::Term));
            }
            if let Some(wk) = self.weeks {
                w.kv("weeks", &wk.to_string(), Some(Field::Term));
            }
        }

        if let Some(n) = self.review_every_months {
            w.line("");
            w.line("[reviews]");
            w.kv("every_months", &n.to_string(), Some(Field::Reviews));
        }

        for (i, g) in self.goals.iter().enumerate() {
            w.line("");
            let entry_start = w.text.len();
            w.line("[[goals]]");
            w.kv("goal", &quote(&g.goal), Some(Field::GoalText(i)));
            if let Some(m) = &g.measure {
                w.kv("measure", &quote(m), Some(Field::GoalMeasure(i)));
            }
            if let Some(why) = &g.why {
                w.kv("why", &quote(why), Some(Field::GoalWhy(i)));
            }
            if let Some(d) = g.due {
                w.kv("due", &d.to_string(), Some(Field::GoalDue(i)));
            }
            // A goal's missing measure, due date or why is reported on the goal's entry.
            let entry = entry_start..w.text.len();
            for field in [Field::GoalMeasure(i), Field::GoalDue(i), Field::GoalWhy(i)] {
                if w.places.get(field).is_none() {
                    w.places.0.push((field, entry.clone()));
                }
            }
        }
        // Each party's records in a place of its own, for merges without a driver.
        w.line("");
        w.text.push_str(crate::edit::layout::BLOCK);
        w
    }

    /// What `check` reports about the answer to `field`, given every answer so far.
    ///
    /// Runs the real checker on the text these answers make and keeps the
    /// diagnostics with one of the question's codes that point into the
    /// answer's text. `Field::Goals` (how many goals) looks at the whole file.
    pub fn problems(&self, field: Field, program: &Arc<Program>, today: NaiveDate) -> Vec<Problem> {
        let written = self.write("");
        let place = match field {
            Field::Goals => None,
            _ => match written.places.get(field) {
                Some(p) => Some(p.clone()),
                None => return Vec::new(),
            },
        };
        let settings = Settings { today, options: crate::rules::Options::default(), ssh: None };
        let checked = engine::check_text(Path::new("new.toml"), &written.text, program.clone(), &settings);
        checked
            .diagnostics
            .into_iter()
            .map(|l| l.diagnostic)
            .filter(|d| field.codes().contains(&d.code))
            .filter(|d| match (&place, &d.span) {
                (None, _) => true,
                (Some(p), Some(s)) => s.start >= p.start && s.end <= p.end,
                (Some(_), None) => false,
            })
            .map(|d| Problem { code: d.code, severity: d.severity, message: d.message, help: d.help })
            .collect()
    }
}

impl Answers {
    /// Everything `check` reports about the finished file `self.to_toml(header)`
    /// (checked as `path`), in one run of the checker, with the question each
    /// problem is about: the one [`Answers::problems`] would report it for, or
    /// `None` when it is about no single answer (e.g. a missing table).
    /// Returns the file's text too.
    pub fn check_all(
        &self,
        header: &str,
        path: &Path,
        program: &Arc<Program>,
        today: NaiveDate,
    ) -> (String, Vec<(Option<Field>, Problem)>) {
        let written = self.write(header);
        let settings = Settings { today, options: crate::rules::Options::default(), ssh: None };
        let checked = engine::check_text(path, &written.text, program.clone(), &settings);
        let problems = checked
            .diagnostics
            .into_iter()
            .map(|l| l.diagnostic)
            .map(|d| {
                let inside = |p: &Range<usize>| d.span.as_ref().is_some_and(|s| s.start >= p.start && s.end <= p.end);
                let field = written
                    .places
                    .0
                    .iter()
                    .find(|(f, p)| f.codes().contains(&d.code) && inside(p))
                    .map(|(f, _)| *f)
                    .or_else(|| Field::Goals.codes().contains(&d.code).then_some(Field::Goals));
                (field, Problem { code: d.code, severity: d.severity, message: d.message, help: d.help })
            })
            .collect();
        (written.text, problems)
    }
}

/// The agreement id for a pair: start month, mentor, mentee, in lowercase ASCII
/// (accents folded), e.g. `2026-12-maya-okafor-tomas-rivera`.
pub fn agreement_id(start: NaiveDate, mentor: &str, mentee: &str) -> String {
    let parts = [start.format("%Y-%m").to_string(), slug::slugify(mentor), slug::slugify(mentee)];
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

/// The first Monday after `today` (a week later when today is a Monday).
pub fn next_monday(today: NaiveDate) -> NaiveDate {
    let ahead = 7 - u64::from(today.weekday().num_days_from_monday());
    today.checked_add_days(Days::new(ahead)).unwrap_or(today)
}

/// Parses a term length typed as `6`, `6 months`, `6m`, `26 weeks` or `26w`: (months, weeks).
pub fn parse_length(text: &str) -> Result<(Option<i64>, Option<i64>), String> {
    let t = text.trim().to_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '-').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: i64 =
        num.trim().parse().map_err(|_| format!("`{text}` is not a length: write e.g. 6 months or 26 weeks"))?;
    match unit.trim() {
        "" | "m" | "month" | "months" => Ok((Some(n), None)),
        "w" | "week" | "weeks" => Ok((None, Some(n))),
        other => Err(format!("`{other}` is not a unit: write months or weeks")),
    }
}

/// Suggested answers: from program.toml where it has them, else sensible values
/// that meet the program's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    /// The program's lead.
    pub lead: Option<Contact>,
    /// A frequency the program allows.
    pub frequency: String,
    /// Session minutes within the program's bounds.
    pub minutes: i64,
    /// A session mode the program allows.
    pub modes: Vec<String>,
    /// Channels between sessions.
    pub also_via: Vec<String>,
    /// Next Monday.
    pub start: NaiveDate,
    /// Term months within the program's bounds.
    pub months: i64,
    /// Review cadence that leaves no gap the program forbids.
    pub review_every_months: i64,
}

/// Session modes offered when the program does not restrict them.
pub const COMMON_MODES: &[&str] = &["video call", "phone call", "in person", "chat"];
/// Between-session channels offered.
pub const COMMON_CHANNELS: &[&str] = &["email", "phone", "chat", "video call"];

impl Defaults {
    /// The defaults for `program` on `today`.
    pub fn new(program: &Program, today: NaiveDate) -> Defaults {
        let s = &program.rules.schedule;
        let allowed = |f: &Frequency| {
            (program.frequencies.is_empty() || program.frequencies.contains(f))
                && f.sessions_per_month() + 1e-9 >= s.min_sessions_per_month
        };
        let frequency = [Frequency::Fortnightly, Frequency::Weekly, Frequency::Monthly]
            .into_iter()
            .chain(program.frequencies.iter().copied())
            .find(allowed)
            .unwrap_or(Frequency::Weekly)
            .to_string();
        let modes = vec![match s.modes.iter().find(|m| m.eq_ignore_ascii_case(COMMON_MODES[0])).or(s.modes.first()) {
            Some(m) => m.clone(),
            None => COMMON_MODES[0].to_string(),
        }];
        let t = &program.rules.term;
        Defaults {
            lead: program.program.offered_lead().cloned(),
            frequency,
            minutes: 60i64.clamp(i64::from(s.min_session_minutes), i64::from(s.max_session_minutes)),
            modes,
            also_via: vec!["email".into(), "phone".into()],
            start: next_monday(today),
            months: 6i64.clamp(i64::from(t.min_months), i64::from(t.max_months)),
            review_every_months: i64::from(program.rules.reviews.max_gap_months),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn builtin() -> Arc<Program> {
        Arc::new(Program::builtin())
    }

    fn full() -> Answers {
        Answers {
            id: Some("2026-12-maya-okafor-tomas-rivera".into()),
            mentor: Some("Maya Okafor".into()),
            mentee: Some("Tomás Rivera".into()),
            lead: Some("Priya Natarajan".into()),
            topics: vec!["leadership".into()],
            frequency: Some("fortnightly".into()),
            minutes: Some(45),
            modes: Some(vec!["video call".into()]),
            start: Some(d("2026-12-07")),
            months: Some(6),
            review_every_months: Some(3),
            goals: vec![GoalAnswer {
                goal: "Run retrospectives".into(),
                measure: Some("3 retrospectives run".into()),
                due: Some(d("2027-03-15")),
                why: None,
            }],
            ..Answers::default()
        }
    }

    fn codes(a: &Answers, f: Field) -> Vec<&'static str> {
        a.problems(f, &builtin(), d("2026-11-25")).iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn ids_fold_accents_and_case() {
        assert_eq!(agreement_id(d("2026-12-07"), "Maya Okafor", "Tomás Rivera"), "2026-12-maya-okafor-tomas-rivera");
        assert_eq!(agreement_id(d("2027-01-04"), "  Zoë  O'Brien ", "Jürgen Groß"), "2027-01-zoe-o-brien-jurgen-gross");
        assert!(crate::rules::parties::valid_id(&agreement_id(d("2027-01-04"), "李伟", "😀")));
    }

    #[test]
    fn next_monday_is_strictly_after_today() {
        assert_eq!(next_monday(d("2026-11-25")), d("2026-11-30")); // a Wednesday
        assert_eq!(next_monday(d("2026-11-30")), d("2026-12-07")); // a Monday
        assert_eq!(next_monday(d("2026-12-06")), d("2026-12-07")); // a Sunday
    }

    #[test]
    fn goal_flags() {
        let g = GoalAnswer::parse_flag("Run retros | 3 retros run | 2027-03-15 | Team lead role").unwrap();
        assert_eq!(g.goal, "Run retros");
        assert_eq!(g.measure.as_deref(), Some("3 retros run"));
        assert_eq!(g.due, Some(d("2027-03-15")));
        assert_eq!(g.why.as_deref(), Some("Team lead role"));
        let g = GoalAnswer::parse_flag("Run retros |  | ").unwrap();
        assert_eq!((g.measure, g.due, g.why), (None, None, None));
        assert!(GoalAnswer::parse_flag("just a goal").unwrap_err().contains("1 part(s)"));
        assert!(GoalAnswer::parse_flag("a | b | 2027-02-30").unwrap_err().contains("`2027-02-30` is not a day"));
        assert!(GoalAnswer::parse_flag("a | b | 27-3-15").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn lengths() {
        assert_eq!(parse_length("6"), Ok((Some(6), None)));
        assert_eq!(parse_length(" 6 Months"), Ok((Some(6), None)));
        assert_eq!(parse_length("26w"), Ok((None, Some(26))));
        assert!(parse_length("six").is_err());
        assert!(parse_length("6 days").is_err());
    }

    #[test]
    fn complete_answers_make_a_clean_draft() {
        let text = full().to_toml("# header\n");
        assert!(text.starts_with("# header\nformat = 1\nid = \"2026-12-maya-okafor-tomas-rivera\"\n"), "{text}");
        let settings = Settings { today: d("2026-11-25"), options: Default::default(), ssh: None };
        let checked = engine::check_text(Path::new("x.toml"), &text, builtin(), &settings);
        assert!(checked.diagnostics.is_empty(), "{:?}\n{text}", checked.diagnostics);
        assert!(text.contains("start = 2026-12-07\n"), "dates are TOML dates: {text}");
    }

    #[test]
    fn strings_are_escaped() {
        let mut a = full();
        a.goals[0].goal = "Say \"no\" \\ more\nplease".into();
        let text = a.to_toml("");
        let parsed = crate::format::agreement::parse(&text);
        assert_eq!(parsed.agreement.unwrap().goals[0].goal.as_ref().unwrap().value, "Say \"no\" \\ more\nplease");
    }

    #[test]
    fn answers_are_checked_with_the_rules_codes() {
        let mut a = full();
        a.minutes = Some(150);
        let p = a.problems(Field::Minutes, &builtin(), d("2026-11-25"));
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].to_string(),
            "session-too-long: sessions of 150 minutes are longer than the program maximum of 120 minutes (plan at most 120 minutes, or meet more often)"
        );
        // Only the question asked about: the bad minutes are not a problem of the frequency.
        assert!(codes(&a, Field::Frequency).is_empty());

        let mut a = full();
        a.mentee = Some(" maya  OKAFOR".into());
        assert_eq!(codes(&a, Field::Mentee), ["same-person"]);
        a.mentee_email = Some("nope".into());
        assert_eq!(codes(&a, Field::MenteeEmail), ["bad-email"]);
        assert!(codes(&a, Field::MentorEmail).is_empty(), "no mentor email given: nothing to say");

        let mut a = full();
        a.frequency = Some("biweekly".into());
        assert_eq!(codes(&a, Field::Frequency), ["frequency-unknown"]);
        a.frequency = Some("every 6 weeks".into());
        assert_eq!(codes(&a, Field::Frequency), ["too-few-sessions"]);

        let mut a = full();
        a.months = Some(13);
        assert_eq!(codes(&a, Field::Term), ["term-too-long"]);
        a.months = Some(0);
        assert_eq!(codes(&a, Field::Term), ["wrong-type"]);
        a.months = Some(6);
        a.review_every_months = Some(4);
        assert_eq!(codes(&a, Field::Reviews), ["review-gap"]);
    }

    #[test]
    fn goals_are_checked_part_by_part() {
        let mut a = full();
        a.goals.push(GoalAnswer { goal: "Give a talk".into(), ..GoalAnswer::default() });
        // The second goal has no measure yet: a problem of its measure, not of its text.
        assert!(codes(&a, Field::GoalText(1)).is_empty());
        assert_eq!(codes(&a, Field::GoalMeasure(1)), ["goal-no-measure"]);
        a.goals[1].measure = Some("feel better".into());
        assert_eq!(codes(&a, Field::GoalMeasure(1)), ["goal-vague-measure"]);
        a.goals[1].measure = Some("one talk".into());
        assert!(codes(&a, Field::GoalMeasure(1)).is_empty());
        a.goals[1].due = Some(d("2027-07-01"));
        assert_eq!(codes(&a, Field::GoalDue(1)), ["goal-due-outside-term"]);
        a.goals[1].due = Some(d("2026-12-08"));
        assert_eq!(codes(&a, Field::GoalDue(1)), ["goal-not-achievable"]);
        assert!(codes(&a, Field::GoalDue(0)).is_empty());
        a.goals[1].goal = "run  Retrospectives".into();
        assert_eq!(codes(&a, Field::GoalText(1)), ["goal-duplicate"]);
        for _ in 0..4 {
            a.goals.push(a.goals[0].clone());
        }
        assert_eq!(codes(&a, Field::Goals), ["goals-too-many"]);
        a.goals.clear();
        assert_eq!(codes(&a, Field::Goals), ["goals-too-few"]);
    }

    #[test]
    fn program_rules_drive_the_checks_and_defaults() {
        let text = "[program]\nlead = { name = \"Noor Rahman\", email = \"noor@example.org\" }\n\
                    [rules.schedule]\nfrequencies = [\"weekly\"]\nmax_session_minutes = 50\nmodes = [\"In person\"]\n\
                    [rules.term]\nmin_months = 3\nmax_months = 4\nmax_total_months = 6\n\
                    [rules.goals]\nrequire_why = true\n";
        let program = Arc::new(Program::parse(text, Path::new("program.toml")).unwrap());
        let defaults = Defaults::new(&program, d("2026-11-25"));
        assert_eq!(defaults.frequency, "weekly");
        assert_eq!(defaults.minutes, 50);
        assert_eq!(defaults.modes, ["In person"]);
        assert_eq!(defaults.months, 4);
        assert_eq!(defaults.lead.unwrap().name, "Noor Rahman");
        let mut a = full();
        let today = d("2026-11-25");
        let codes = |a: &Answers, f| a.problems(f, &program, today).into_iter().map(|p| p.code).collect::<Vec<_>>();
        assert_eq!(codes(&a, Field::Frequency), [Code::FrequencyNotAllowed]);
        assert_eq!(codes(&a, Field::Modes), [Code::ModeNotAllowed]);
        assert_eq!(codes(&a, Field::GoalWhy(0)), [Code::GoalNoWhy]);
        a.goals[0].why = Some("   ".into());
        assert_eq!(codes(&a, Field::GoalWhy(0)), [Code::EmptyText]);
    }

    #[test]
    fn builtin_defaults_pass_the_rules() {
        let program = builtin();
        let today = d("2026-11-25");
        let df = Defaults::new(&program, today);
        let mut a = full();
        a.frequency = Some(df.frequency);
        a.minutes = Some(df.minutes);
        a.modes = Some(df.modes);
        a.also_via = df.also_via;
        a.start = Some(df.start);
        a.months = Some(df.months);
        a.review_every_months = Some(df.review_every_months);
        for f in questions::order() {
            assert!(a.problems(f, &program, today).is_empty(), "{f:?}");
        }
    }
}
