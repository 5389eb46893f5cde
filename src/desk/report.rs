//! The program's evaluation: how well is mentoring working? Figures over a set
//! of checked agreements, as of a day, optionally within a window of dates.
//!
//! Each figure's definition is in docs/desk.md and in `report --help`; the
//! unit tests below compute every one on a hand-made cohort with known
//! answers. Nothing here reads the clock.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::engine::Checked;
use crate::facts::derived::State;
use crate::facts::evaluation::CheckpointStatus;
use crate::format::agreement::{AnswerValue, GoalStatus};
use crate::format::timeline::days_between;

/// What one agreement contributes to the report: made as each file is checked,
/// so no model has to outlive its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Where it stands.
    pub state: State,
    /// First day of the term.
    pub start: Option<NaiveDate>,
    /// Last day of the term (extensions included), or the termination day.
    pub last_day: Option<NaiveDate>,
    /// Who ended it early (mentor, mentee or program).
    pub terminated_by: Option<String>,
    /// Each goal's current status.
    pub goals: Vec<Option<GoalStatus>>,
    /// Planned checkpoints (date, held on time, counted as due).
    pub checkpoints: Vec<(NaiveDate, bool, bool)>,
    /// Days between consecutive check-ins, the first counted from the effective date or start.
    pub checkin_gaps: Vec<i64>,
    /// An active pair that has not checked in for longer than the program expects.
    pub silent: bool,
    /// Days from the first signature to the effective date.
    pub days_to_effective: Option<i64>,
    /// Number of extensions.
    pub extensions: usize,
    /// `topics`.
    pub topics: Vec<String>,
    /// The mentor's name.
    pub mentor: Option<String>,
    /// Feedback: per form, (respondent moments due: reached by today or answered early, of those answered).
    pub feedback_due: Vec<(String, usize, usize)>,
    /// Feedback answers: (form, question, answer). `pair` answers always; `team`
    /// ones only once added by [`Facts::add_team_answers`] with a team key.
    pub feedback: Vec<(String, String, AnswerValue)>,
}

impl Facts {
    /// The facts of one checked file, as of `today`; `None` when it is not readable as an agreement.
    pub fn of(c: &Checked, today: NaiveDate) -> Option<Facts> {
        let (a, d) = (c.agreement.as_deref()?, c.derived.as_deref()?);
        let grace = Days::new(u64::from(c.program.rules.reviews.grace_days));
        let termination = a.termination.as_ref().filter(|_| d.state == State::Terminated);
        let last_day = termination.and_then(|t| t.date.as_ref()).map(|t| t.value).or(d.last_day);
        let checkpoints = d
            .checkpoints
            .iter()
            .map(|cp| {
                let closed = cp.date.checked_add_days(grace).is_some_and(|c| c < today);
                (cp.date, cp.status == CheckpointStatus::Held, closed || cp.status.is_held())
            })
            .collect();
        let mut dates: Vec<NaiveDate> = a.checkins.iter().filter_map(|x| x.date.as_ref().map(|d| d.value)).collect();
        dates.sort();
        let mut prev = d.effective.max(d.start);
        let mut checkin_gaps = Vec::with_capacity(dates.len());
        for day in dates {
            if let Some(p) = prev {
                checkin_gaps.push(days_between(p, day).max(0));
            }
            prev = Some(day);
        }
        let silent = d.state == State::Active
            && d.last_checkin
                .into_iter()
                .chain(d.effective)
                .chain(d.start)
                .max()
                .is_some_and(|since| days_between(since, today) > i64::from(c.program.rules.checkins.max_gap_days));
        let first_signature = a.signatures.iter().filter_map(|s| s.date.as_ref().map(|d| d.value)).min();
        Some(Facts {
            state: d.state,
            start: d.start,
            last_day,
            terminated_by: termination.and_then(|t| t.by.as_ref()).map(|b| b.value.clone()),
            goals: d.goal_status.clone(),
            checkpoints,
            checkin_gaps,
            silent,
            days_to_effective: d.effective.zip(first_signature).map(|(e, f)| days_between(f, e)),
            extensions: a.extensions.len(),
            topics: a.topics.iter().map(|t| t.value.clone()).collect(),
            mentor: a.mentor.as_ref().and_then(|m| m.name.as_ref()).map(|n| n.value.clone()),
            feedback_due: c
                .program
                .forms
                .iter()
                .map(|form| {
                    // Due: each respondent at each moment reached by today, or answered already (early).
                    let forms = std::slice::from_ref(form);
                    let all = crate::feedback::moments(form, d).len() * form.respondents.len();
                    let answered = all - crate::feedback::unanswered(forms, a, d, NaiveDate::MAX).len();
                    let open = crate::feedback::unanswered(forms, a, d, today).len();
                    (form.id.clone(), answered + open, answered)
                })
                .collect(),
            feedback: a
                .feedback
                .iter()
                .filter_map(|f| f.form.as_ref().map(|x| (x, f)))
                .flat_map(|(form, f)| {
                    f.answers.iter().map(|x| (form.value.clone(), x.question.value.clone(), x.value.value.clone()))
                })
                .collect(),
        })
    }

    /// Adds the `team` answers of `c` that `identities` unseal (`report --identity`).
    pub fn add_team_answers(&mut self, c: &Checked, identities: &[crate::feedback::Identity]) {
        let Some(a) = c.agreement.as_deref() else { return };
        for r in crate::feedback::read(&c.id, a, identities) {
            if let Some(crate::feedback::Unsealed::Answers(t)) = r.team {
                for (q, v) in t.iter() {
                    self.feedback.push((r.form.clone(), q.clone(), crate::feedback::from_toml(v)));
                }
            }
        }
    }

    /// Whether the term overlaps the window (an open end is unbounded).
    fn overlaps(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        if from.is_none() && to.is_none() {
            return true;
        }
        let (Some(start), Some(last)) = (self.start, self.last_day) else { return false };
        from.is_none_or(|f| last >= f) && to.is_none_or(|t| start <= t)
    }
}

/// How many of each state.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct States {
    /// Not yet in force.
    pub draft: usize,
    /// Signed, term not started.
    pub pending: usize,
    /// Running.
    pub active: usize,
    /// Ran its term.
    pub ended: usize,
    /// Ended early by written notice.
    pub terminated: usize,
}

/// How relationships finished.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Completion {
    /// ended + terminated.
    pub finished: usize,
    /// Ran their full term.
    pub ended: usize,
    /// Ended early.
    pub terminated: usize,
    /// Who ended them early.
    pub terminated_by: BTreeMap<String, usize>,
    /// ended / finished (`null` when nothing finished).
    pub rate: Option<f64>,
}

/// Goal outcomes by current status.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Goals {
    /// Every goal of every agreement counted.
    pub total: usize,
    /// Current status achieved.
    pub achieved: usize,
    /// Current status dropped.
    pub dropped: usize,
    /// Neither (including goals never reviewed).
    pub open: usize,
    /// achieved / total (`null` without goals).
    pub achieved_rate: Option<f64>,
}

/// Reviews held on time.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reviews {
    /// Planned checkpoints in the window whose grace window has closed, or that were held.
    pub due: usize,
    /// Of those, held within the grace days.
    pub held_on_time: usize,
    /// held_on_time / due (`null` when none were due).
    pub on_time_rate: Option<f64>,
}

/// Check-in regularity.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Checkins {
    /// Median days between consecutive check-ins (`null` without check-ins).
    pub median_gap_days: Option<f64>,
    /// Active pairs that have not checked in for longer than the program expects.
    pub silent_pairs: usize,
}

/// Signing lead time.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Signing {
    /// Median days from the first signature to the last required one (`null` when none is in force).
    pub median_days_to_effective: Option<f64>,
}

/// Extensions by mutual agreement.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Extensions {
    /// Agreements extended at least once.
    pub extended: usize,
    /// Extensions in all.
    pub total: usize,
}

/// One topic's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Topic {
    /// The topic.
    pub topic: String,
    /// Agreements with it.
    pub agreements: usize,
    /// achieved / goals of those agreements (`null` without goals).
    pub goals_achieved_rate: Option<f64>,
}

/// One mentor's load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mentor {
    /// The mentor's name.
    pub name: String,
    /// Agreements in the window with this mentor.
    pub mentees: usize,
}

/// One feedback question's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionFigures {
    /// The question's id.
    pub question: String,
    /// Its kind ("scale").
    pub kind: &'static str,
    /// Who may read its answers ("pair" or "team").
    pub visibility: &'static str,
    /// Answers counted (`team` ones only with a team key).
    pub answers: usize,
    /// False when there are fewer answers than `min_responses`: then no figure is given.
    pub shown: bool,
    /// Mean of a scale (`null` otherwise, or when not shown).
    pub mean: Option<f64>,
    /// How many gave each answer: 1 to 5 for a scale, each choice, yes and no (empty when not shown, and for text).
    pub counts: Vec<(String, usize)>,
}

/// One feedback form's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormFigures {
    /// The form's id.
    pub form: String,
    /// Answers due: each respondent at each moment reached, in the agreements counted.
    pub due: usize,
    /// Of those, answered.
    pub answered: usize,
    /// answered / due (`null` when none was due).
    pub response_rate: Option<f64>,
    /// Per question, in the form's order.
    pub questions: Vec<QuestionFigures>,
}

/// The whole report, as `report --format json` prints it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Start of the window (`null`: open).
    pub from: Option<NaiveDate>,
    /// End of the window (`null`: open).
    pub to: Option<NaiveDate>,
    /// Agreements counted: readable, with a term overlapping the window.
    pub agreements: usize,
    /// Counts by state.
    pub states: States,
    /// How relationships finished.
    pub completion: Completion,
    /// Goal outcomes.
    pub goals: Goals,
    /// Reviews held on time.
    pub reviews: Reviews,
    /// Check-in regularity.
    pub checkins: Checkins,
    /// Signing lead time.
    pub signing: Signing,
    /// Extensions.
    pub extensions: Extensions,
    /// By topic, most agreements first.
    pub topics: Vec<Topic>,
    /// Mentor load, most mentees first.
    pub mentors: Vec<Mentor>,
    /// Feedback forms, in program order (see [`Report::add_feedback`]).
    pub feedback: Vec<FormFigures>,
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 1000.0)
}

fn median(mut v: Vec<i64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] as f64 } else { (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0 })
}

impl Report {
    /// The report over `facts`, counting agreements whose term overlaps `from..=to`.
    pub fn build(facts: &[Facts], from: Option<NaiveDate>, to: Option<NaiveDate>) -> Report {
        let mut r = Report { from, to, ..Report::default() };
        let in_window = |d: NaiveDate| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t);
        let mut gaps = Vec::new();
        let mut lead = Vec::new();
        let mut topics: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
        let mut mentors: BTreeMap<&str, usize> = BTreeMap::new();
        for f in facts.iter().filter(|f| f.overlaps(from, to)) {
            r.agreements += 1;
            match f.state {
                State::Draft => r.states.draft += 1,
                State::Pending => r.states.pending += 1,
                State::Active => r.states.active += 1,
                State::Ended => r.states.ended += 1,
                State::Terminated => r.states.terminated += 1,
            }
            if f.state == State::Terminated {
                let by = f.terminated_by.clone().unwrap_or_else(|| "unknown".into());
                *r.completion.terminated_by.entry(by).or_default() += 1;
            }
            let achieved = f.goals.iter().filter(|g| **g == Some(GoalStatus::Achieved)).count();
            r.goals.total += f.goals.len();
            r.goals.achieved += achieved;
            r.goals.dropped += f.goals.iter().filter(|g| **g == Some(GoalStatus::Dropped)).count();
            for &(date, on_time, due) in &f.checkpoints {
                if due && in_window(date) {
                    r.reviews.due += 1;
                    r.reviews.held_on_time += usize::from(on_time);
                }
            }
            gaps.extend_from_slice(&f.checkin_gaps);
            r.checkins.silent_pairs += usize::from(f.silent);
            lead.extend(f.days_to_effective);
            if f.extensions > 0 {
                r.extensions.extended += 1;
                r.extensions.total += f.extensions;
            }
            // A set, not a list: an agreement with many topics stays linear.
            let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::with_capacity(f.topics.len());
            for t in &f.topics {
                if !seen.insert(t.as_str()) {
                    continue;
                }
                let e = topics.entry(t).or_default();
                e.0 += 1;
                e.1 += f.goals.len();
                e.2 += achieved;
            }
            if let Some(m) = &f.mentor {
                *mentors.entry(m).or_default() += 1;
            }
        }
        r.completion.ended = r.states.ended;
        r.completion.terminated = r.states.terminated;
        r.completion.finished = r.states.ended + r.states.terminated;
        r.completion.rate = ratio(r.completion.ended, r.completion.finished);
        r.goals.open = r.goals.total - r.goals.achieved - r.goals.dropped;
        r.goals.achieved_rate = ratio(r.goals.achieved, r.goals.total);
        r.reviews.on_time_rate = ratio(r.reviews.held_on_time, r.reviews.due);
        r.checkins.median_gap_days = median(gaps);
        r.signing.median_days_to_effective = median(lead);
        r.topics = topics
            .into_iter()
            .map(|(topic, (agreements, goals, achieved))| Topic {
                topic: topic.to_string(),
                agreements,
                goals_achieved_rate: ratio(achieved, goals),
            })
            .collect();
        r.topics.sort_by(|a, b| b.agreements.cmp(&a.agreements).then_with(|| a.topic.cmp(&b.topic)));
        r.mentors = mentors.into_iter().map(|(name, mentees)| Mentor { name: name.to_string(), mentees }).collect();
        r.mentors.sort_by(|a, b| b.mentees.cmp(&a.mentees).then_with(|| a.name.cmp(&b.name)));
        r
    }
}

impl Report {
    /// Adds the figures of the program's feedback `forms` over the agreements
    /// counted. No figure of a question with fewer than `min_responses` answers
    /// is given, so no single answer can be read off it.
    pub fn add_feedback(&mut self, forms: &[crate::program::Form], min_responses: u32, facts: &[Facts]) {
        use crate::program::QuestionKind;
        let counted: Vec<&Facts> = facts.iter().filter(|f| f.overlaps(self.from, self.to)).collect();
        self.feedback = forms
            .iter()
            .map(|form| {
                let (due, answered) = counted
                    .iter()
                    .flat_map(|f| f.feedback_due.iter().filter(|(id, _, _)| *id == form.id))
                    .fold((0, 0), |(d, a), (_, due, answered)| (d + due, a + answered));
                let questions = form
                    .questions
                    .iter()
                    .map(|q| {
                        let values: Vec<&AnswerValue> = counted
                            .iter()
                            .flat_map(|f| f.feedback.iter())
                            .filter(|(fid, qid, _)| *fid == form.id && *qid == q.id)
                            .map(|(_, _, v)| v)
                            .filter(|v| crate::feedback::fits(q, v).is_ok())
                            .collect();
                        let shown = values.len() >= min_responses.max(1) as usize;
                        let mut counts: Vec<(String, usize)> = Vec::new();
                        let mut mean = None;
                        if shown {
                            let count = |want: &AnswerValue| values.iter().filter(|v| **v == want).count();
                            counts = match q.kind {
                                QuestionKind::Scale => {
                                    (1..=5).map(|n| (n.to_string(), count(&AnswerValue::Integer(n)))).collect()
                                }
                                QuestionKind::YesNo => vec![
                                    ("yes".to_string(), count(&AnswerValue::Boolean(true))),
                                    ("no".to_string(), count(&AnswerValue::Boolean(false))),
                                ],
                                QuestionKind::Choice => q
                                    .choices
                                    .iter()
                                    .map(|c| (c.clone(), count(&AnswerValue::Text(c.clone()))))
                                    .collect(),
                                QuestionKind::Text => Vec::new(),
                            };
                            if q.kind == QuestionKind::Scale {
                                let sum: i64 = values
                                    .iter()
                                    .filter_map(|v| if let AnswerValue::Integer(n) = v { Some(*n) } else { None })
                                    .sum();
                                mean = Some((sum as f64 / values.len() as f64 * 100.0).round() / 100.0);
                            }
                        }
                        QuestionFigures {
                            question: q.id.clone(),
                            kind: q.kind.as_str(),
                            visibility: q.visibility.as_str(),
                            answers: values.len(),
                            shown,
                            mean,
                            counts,
                        }
                    })
                    .collect();
                FormFigures { form: form.id.clone(), due, answered, response_rate: ratio(answered, due), questions }
            })
            .collect();
    }
}

/// A figure's value in a flat listing.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A count.
    Count(usize),
    /// A fraction (0 to 1) or a median.
    Number(f64),
    /// Nothing to compute it from.
    None,
}

impl Value {
    fn of(v: Option<f64>) -> Value {
        v.map_or(Value::None, Value::Number)
    }

    /// As a spreadsheet cell: empty for none.
    pub fn cell(&self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Number(x) => format!("{x}"),
            Value::None => String::new(),
        }
    }
}

/// One figure of the report, flat: (section, item, measure, value).
pub type Row = (&'static str, String, &'static str, Value);

impl Report {
    /// Every figure as a row, in the order of the JSON document (the CSV and Markdown forms).
    pub fn rows(&self) -> Vec<Row> {
        let n = Value::Count;
        let mut v: Vec<Row> = vec![("agreements", String::new(), "count", n(self.agreements))];
        let s = &self.states;
        for (state, count) in [
            ("draft", s.draft),
            ("pending", s.pending),
            ("active", s.active),
            ("ended", s.ended),
            ("terminated", s.terminated),
        ] {
            v.push(("states", state.into(), "agreements", n(count)));
        }
        let c = &self.completion;
        v.push(("completion", String::new(), "finished", n(c.finished)));
        v.push(("completion", String::new(), "ended", n(c.ended)));
        v.push(("completion", String::new(), "terminated", n(c.terminated)));
        for (by, count) in &c.terminated_by {
            v.push(("completion", by.clone(), "terminated_by", n(*count)));
        }
        v.push(("completion", String::new(), "rate", Value::of(c.rate)));
        let g = &self.goals;
        for (m, count) in [("total", g.total), ("achieved", g.achieved), ("dropped", g.dropped), ("open", g.open)] {
            v.push(("goals", String::new(), m, n(count)));
        }
        v.push(("goals", String::new(), "achieved_rate", Value::of(g.achieved_rate)));
        v.push(("reviews", String::new(), "due", n(self.reviews.due)));
        v.push(("reviews", String::new(), "held_on_time", n(self.reviews.held_on_time)));
        v.push(("reviews", String::new(), "on_time_rate", Value::of(self.reviews.on_time_rate)));
        v.push(("checkins", String::new(), "median_gap_days", Value::of(self.checkins.median_gap_days)));
        v.push(("checkins", String::new(), "silent_pairs", n(self.checkins.silent_pairs)));
        v.push((
            "signing",
            String::new(),
            "median_days_to_effective",
            Value::of(self.signing.median_days_to_effective),
        ));
        v.push(("extensions", String::new(), "extended", n(self.extensions.extended)));
        v.push(("extensions", String::new(), "total", n(self.extensions.total)));
        for t in &self.topics {
            v.push(("topics", t.topic.clone(), "agreements", n(t.agreements)));
            v.push(("topics", t.topic.clone(), "goals_achieved_rate", Value::of(t.goals_achieved_rate)));
        }
        for m in &self.mentors {
            v.push(("mentors", m.name.clone(), "mentees", n(m.mentees)));
        }
        for f in &self.feedback {
            v.push(("feedback", f.form.clone(), "due", n(f.due)));
            v.push(("feedback", f.form.clone(), "answered", n(f.answered)));
            v.push(("feedback", f.form.clone(), "response_rate", Value::of(f.response_rate)));
            for q in &f.questions {
                let item = format!("{}.{}", f.form, q.question);
                v.push(("feedback", item.clone(), "answers", n(q.answers)));
                if q.mean.is_some() {
                    v.push(("feedback", item.clone(), "mean", Value::of(q.mean)));
                }
                for (answer, count) in &q.counts {
                    v.push(("feedback", format!("{item}={answer}"), "count", n(*count)));
                }
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts(state: State, start: &str, last: &str) -> Facts {
        Facts {
            state,
            start: Some(d(start)),
            last_day: Some(d(last)),
            terminated_by: None,
            goals: Vec::new(),
            checkpoints: Vec::new(),
            checkin_gaps: Vec::new(),
            silent: false,
            days_to_effective: None,
            extensions: 0,
            topics: Vec::new(),
            mentor: None,
            feedback_due: Vec::new(),
            feedback: Vec::new(),
        }
    }

    /// Five agreements with every figure worked out by hand.
    fn cohort() -> Vec<Facts> {
        use GoalStatus::*;
        let mut a = facts(State::Ended, "2026-01-05", "2026-07-04");
        a.goals = vec![Some(Achieved), Some(Achieved), Some(Dropped)];
        a.checkpoints = vec![(d("2026-03-05"), true, true), (d("2026-05-05"), false, true)];
        a.checkin_gaps = vec![30, 40];
        a.days_to_effective = Some(2);
        a.extensions = 1;
        a.topics = vec!["leadership".into(), "leadership".into()];
        a.mentor = Some("Maya Okafor".into());
        let mut b = facts(State::Terminated, "2026-02-02", "2026-04-10");
        b.terminated_by = Some("mentee".into());
        b.goals = vec![Some(Behind), None];
        b.checkpoints = vec![(d("2026-04-02"), false, true)];
        b.checkin_gaps = vec![20];
        b.days_to_effective = Some(10);
        b.topics = vec!["leadership".into(), "public speaking".into()];
        b.mentor = Some("Maya Okafor".into());
        let mut c = facts(State::Active, "2026-09-07", "2027-06-06");
        c.goals = vec![Some(Achieved), Some(OnTrack)];
        c.checkpoints = vec![(d("2026-11-07"), true, true), (d("2027-01-07"), false, false)];
        c.checkin_gaps = vec![50];
        c.silent = true;
        c.days_to_effective = Some(5);
        c.topics = vec!["public speaking".into()];
        c.mentor = Some("Jonas Berg".into());
        let mut e = facts(State::Ended, "2025-01-06", "2025-07-05");
        e.goals = vec![Some(Achieved)];
        e.mentor = Some("Jonas Berg".into());
        let mut dr = facts(State::Draft, "2027-01-11", "2027-07-10");
        dr.goals = vec![None];
        dr.mentor = Some("Li Wei".into());
        vec![a, b, c, e, dr]
    }

    #[test]
    fn every_figure_on_a_known_cohort() {
        let r = Report::build(&cohort(), None, None);
        assert_eq!(r.agreements, 5);
        assert_eq!(r.states, States { draft: 1, pending: 0, active: 1, ended: 2, terminated: 1 });
        assert_eq!(r.completion.finished, 3);
        assert_eq!((r.completion.ended, r.completion.terminated), (2, 1));
        assert_eq!(r.completion.terminated_by, BTreeMap::from([("mentee".to_string(), 1)]));
        assert_eq!(r.completion.rate, Some(0.667));
        // Goals: 3 + 2 + 2 + 1 + 1 = 9; achieved 2 + 0 + 1 + 1 = 4; dropped 1.
        assert_eq!(r.goals, Goals { total: 9, achieved: 4, dropped: 1, open: 4, achieved_rate: Some(0.444) });
        // Checkpoints due: 2 + 1 + 1 (the 2027 one is not due yet); held on time: 2.
        assert_eq!(r.reviews, Reviews { due: 4, held_on_time: 2, on_time_rate: Some(0.5) });
        // Gaps 20, 30, 40, 50: the median is 35.
        assert_eq!(r.checkins, Checkins { median_gap_days: Some(35.0), silent_pairs: 1 });
        assert_eq!(r.signing.median_days_to_effective, Some(5.0));
        assert_eq!(r.extensions, Extensions { extended: 1, total: 1 });
        // A topic listed twice in one agreement counts once.
        assert_eq!(
            r.topics,
            vec![
                Topic { topic: "leadership".into(), agreements: 2, goals_achieved_rate: Some(0.4) },
                Topic { topic: "public speaking".into(), agreements: 2, goals_achieved_rate: Some(0.25) },
            ]
        );
        assert_eq!(
            r.mentors,
            vec![
                Mentor { name: "Jonas Berg".into(), mentees: 2 },
                Mentor { name: "Maya Okafor".into(), mentees: 2 },
                Mentor { name: "Li Wei".into(), mentees: 1 },
            ]
        );
    }

    #[test]
    fn a_window_counts_agreements_whose_term_overlaps_it() {
        let cohort = cohort();
        // 2026 only: the 2025 pair is out; the draft starting 2027-01-11 is out.
        let r = Report::build(&cohort, Some(d("2026-01-01")), Some(d("2026-12-31")));
        assert_eq!(r.agreements, 3);
        assert_eq!(r.states.ended, 1);
        // Checkpoints are counted only when dated inside the window.
        let r = Report::build(&cohort, Some(d("2026-04-01")), Some(d("2026-12-31")));
        assert_eq!(r.reviews, Reviews { due: 3, held_on_time: 1, on_time_rate: Some(0.333) });
        let r = Report::build(&cohort, Some(d("2028-01-01")), None);
        assert_eq!(r.agreements, 0);
        assert_eq!((r.completion.rate, r.goals.achieved_rate, r.checkins.median_gap_days), (None, None, None));
    }

    #[test]
    fn many_topics_are_counted_in_linear_time_once_per_agreement() {
        let mut a = facts(State::Active, "2026-01-05", "2026-07-04");
        // 100,000 distinct topics, each written twice: a list with `contains` took minutes.
        a.topics = (0..200_000).map(|i| format!("topic {}", i % 100_000)).collect();
        let started = std::time::Instant::now();
        let r = Report::build(&[a], None, None);
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
        assert_eq!(r.topics.len(), 100_000);
        assert!(r.topics.iter().all(|t| t.agreements == 1));
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![7]), Some(7.0));
        assert_eq!(median(vec![9, 1, 5]), Some(5.0));
        assert_eq!(median(vec![4, 1, 2, 10]), Some(3.0));
    }

    #[test]
    fn feedback_figures_on_a_known_cohort_and_the_threshold() {
        use crate::program::{Form, Program};
        let program = Program::parse(
            "[program]\nteam_recipients = \"k\"\nmin_responses = 3\n[[forms]]\nid = \"mid\"\n\
             [[forms.questions]]\nid = \"useful\"\ntext = \"?\"\nkind = \"scale\"\nvisibility = \"pair\"\n\
             [[forms.questions]]\nid = \"pace\"\ntext = \"?\"\nkind = \"choice\"\nchoices = [\"more\", \"same\"]\nvisibility = \"pair\"\n\
             [[forms.questions]]\nid = \"ok\"\ntext = \"?\"\nkind = \"yes-no\"\n",
            std::path::Path::new("program.toml"),
        )
        .unwrap();
        let forms: &[Form] = &program.forms;
        let cohort = [r_facts_a(), r_facts_b()];
        let mut r = Report::build(&cohort, None, None);
        r.add_feedback(forms, program.program.min_responses, &cohort);
        let f = &r.feedback[0];
        assert_eq!((f.due, f.answered, f.response_rate), (4, 3, Some(0.75)));
        let useful = &f.questions[0];
        assert_eq!((useful.answers, useful.shown, useful.mean), (3, true, Some(3.67)));
        let dist: Vec<usize> = useful.counts.iter().map(|c| c.1).collect();
        assert_eq!(dist, [0, 1, 0, 1, 1]);
        // Two answers, fewer than min_responses = 3: no figure at all.
        let pace = &f.questions[1];
        assert_eq!((pace.answers, pace.shown, pace.mean, pace.counts.is_empty()), (2, false, None, true));
        // One team answer (added with a key): nothing shown either.
        assert_eq!((f.questions[2].answers, f.questions[2].shown), (1, false));
        // With the threshold at 2 the choice counts appear.
        r.add_feedback(forms, 2, &cohort);
        assert_eq!(r.feedback[0].questions[1].counts, vec![("more".to_string(), 1), ("same".to_string(), 1)]);
        let rows = r.rows();
        assert!(rows.iter().any(|(s, item, m, v)| *s == "feedback"
            && item == "mid"
            && *m == "response_rate"
            && *v == Value::Number(0.75)));

        fn r_facts_a() -> Facts {
            let mut a = facts(State::Active, "2026-01-05", "2026-07-04");
            a.feedback_due = vec![("mid".into(), 2, 2)];
            a.feedback = vec![
                ("mid".into(), "useful".into(), AnswerValue::Integer(4)),
                ("mid".into(), "useful".into(), AnswerValue::Integer(5)),
                ("mid".into(), "pace".into(), AnswerValue::Text("more".into())),
                ("mid".into(), "ok".into(), AnswerValue::Boolean(true)),
            ];
            a
        }
        fn r_facts_b() -> Facts {
            let mut b = facts(State::Active, "2026-02-02", "2026-08-01");
            b.feedback_due = vec![("mid".into(), 2, 1)];
            b.feedback = vec![
                ("mid".into(), "useful".into(), AnswerValue::Integer(2)),
                ("mid".into(), "useful".into(), AnswerValue::Integer(9)),
                ("mid".into(), "pace".into(), AnswerValue::Text("same".into())),
            ];
            b
        }
    }
}
