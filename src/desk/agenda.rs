//! The program team's agenda: every action a checked set of agreements asks
//! for, overdue first, each with the command that resolves it.
//!
//! Every item has a **date**, the day by which the action is due, and **days**
//! from today to it: negative means overdue. The kinds and when each appears
//! are documented in docs/desk.md; nothing here reads the clock.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::diagnostic::{Code, Severity};
use crate::engine::Checked;
use crate::facts::derived::State;
use crate::facts::evaluation::CheckpointStatus;
use crate::format::role::Role;
use crate::format::timeline::days_between;
use crate::text::plural;
use crate::text::ymd;

/// What kind of action an item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The file has errors: nothing else about it can be trusted until they are fixed.
    Problems,
    /// A draft waiting for signatures.
    Unsigned,
    /// Signatures over terms that have changed since: to renew.
    Stale,
    /// Terms changed after the agreement took effect: the amendment awaits
    /// signatures (the terms last signed stay in force meanwhile).
    Amendment,
    /// No check-in for longer than the program expects.
    CheckinOverdue,
    /// A check-in falls due within the window.
    CheckinDue,
    /// A review checkpoint within the window.
    ReviewDue,
    /// A checkpoint whose grace window passed with no review recorded.
    ReviewOverdue,
    /// A goal falls due within the window and has no outcome yet.
    GoalDue,
    /// A goal past its due date (and the grace days) with no outcome.
    GoalOverdue,
    /// The term ends within the window and no closing review is recorded.
    TermEnding,
    /// The term is over and no closing review is recorded.
    ClosingReviewMissing,
    /// A feedback form a respondent has not answered yet, from its moment on.
    FeedbackDue,
}

impl Kind {
    /// Every kind, in documentation order.
    pub const ALL: [Kind; 13] = [
        Kind::Problems,
        Kind::Unsigned,
        Kind::Stale,
        Kind::Amendment,
        Kind::CheckinOverdue,
        Kind::CheckinDue,
        Kind::ReviewDue,
        Kind::ReviewOverdue,
        Kind::GoalDue,
        Kind::GoalOverdue,
        Kind::TermEnding,
        Kind::ClosingReviewMissing,
        Kind::FeedbackDue,
    ];

    /// The name used in every format ("review-overdue").
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Problems => "problems",
            Kind::Unsigned => "unsigned",
            Kind::Stale => "stale",
            Kind::Amendment => "amendment",
            Kind::CheckinOverdue => "checkin-overdue",
            Kind::CheckinDue => "checkin-due",
            Kind::ReviewDue => "review-due",
            Kind::ReviewOverdue => "review-overdue",
            Kind::GoalDue => "goal-due",
            Kind::GoalOverdue => "goal-overdue",
            Kind::TermEnding => "term-ending",
            Kind::ClosingReviewMissing => "closing-review-missing",
            Kind::FeedbackDue => "feedback-due",
        }
    }
}

/// One action for the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The agreement id.
    pub id: String,
    /// The file, as found.
    pub file: String,
    /// What kind of action.
    pub kind: Kind,
    /// The day by which it is due (`null` for `problems`, which are due now).
    pub date: Option<NaiveDate>,
    /// Days from today to `date`; negative when overdue.
    pub days: Option<i64>,
    /// What to do, in a sentence.
    pub message: String,
    /// The mentor-agree command that resolves it, when one does.
    pub command: Option<String>,
    /// The day the obligation itself falls due, which unlike `date` does not
    /// move with today (a review's planned day, a goal's due date): what the
    /// reminders' cadence counts from. Not shown.
    #[serde(skip)]
    pub due: Option<NaiveDate>,
    /// Who must act on it: the signers for signatures, the pair for their
    /// sessions, reviews and goals, the lead (or the program's contact) for problems.
    pub who: Vec<Actor>,
}

/// A person who must act on an item, as the agreement (or program.toml) names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// Their role in the agreement (`program` for the program's contact).
    pub role: Role,
    /// Their name as written (the role's name when none is).
    pub name: String,
    /// Their email as written; `None` when there is none (they cannot be reminded).
    pub email: Option<String>,
}

impl Actor {
    /// True when `email` is this person's address (compared without regard to case).
    fn has_email(&self, email: &str) -> bool {
        self.email.as_deref().is_some_and(|e| e.trim().eq_ignore_ascii_case(email.trim()))
    }

    /// "Ada Lovelace (mentor)", with "no email" when there is none.
    pub fn label(&self) -> String {
        match self.email {
            Some(_) => format!("{} ({})", self.name, self.role),
            None => format!("{} ({}, no email)", self.name, self.role),
        }
    }
}

impl Item {
    /// Overdue: past its date, or a file with errors.
    pub fn is_overdue(&self) -> bool {
        self.kind == Kind::Problems || self.days.is_some_and(|d| d < 0)
    }

    /// True when `email` is one of the people who must act on it.
    pub fn concerns(&self, email: &str) -> bool {
        self.who.iter().any(|a| a.has_email(email))
    }

    /// Sort key: overdue first (the longest overdue first), then by date, then by file.
    fn order(&self) -> (bool, i64, &str, Kind) {
        (!self.is_overdue(), self.days.unwrap_or(i64::MIN), &self.file, self.kind)
    }
}

/// Sorts items: overdue first, then by date.
pub fn sort(items: &mut [Item]) {
    items.sort_by(compare);
}

/// Routine items of one kind gathered on one line of a table for people: the
/// many check-ins (or feedback forms) simply coming due, so that what is
/// overdue or unusual stands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routine {
    /// The kind gathered.
    pub kind: Kind,
    /// How many items.
    pub count: usize,
    /// The earliest and latest due date among them.
    pub from: Option<NaiveDate>,
    /// See `from`.
    pub to: Option<NaiveDate>,
}

/// The fewest items of a routine kind that [`gather_routine`] puts on one line.
pub const ROUTINE_AT_LEAST: usize = 3;

/// Splits sorted `items` into those listed one by one and the routine ones
/// gathered by kind: upcoming (not overdue) `checkin-due` and `feedback-due`
/// items, when there are at least [`ROUTINE_AT_LEAST`] of a kind.
pub fn gather_routine(items: Vec<Item>) -> (Vec<Item>, Vec<Routine>) {
    let routine = |i: &Item| matches!(i.kind, Kind::CheckinDue | Kind::FeedbackDue) && !i.is_overdue();
    let mut gathered: Vec<Routine> = Vec::new();
    for kind in [Kind::CheckinDue, Kind::FeedbackDue] {
        let of_kind: Vec<&Item> = items.iter().filter(|i| i.kind == kind && routine(i)).collect();
        if of_kind.len() >= ROUTINE_AT_LEAST {
            gathered.push(Routine {
                kind,
                count: of_kind.len(),
                from: of_kind.iter().filter_map(|i| i.date).min(),
                to: of_kind.iter().filter_map(|i| i.date).max(),
            });
        }
    }
    let listed = items.into_iter().filter(|i| !(routine(i) && gathered.iter().any(|g| g.kind == i.kind))).collect();
    (listed, gathered)
}

/// The order [`sort`] puts items in.
pub fn compare(a: &Item, b: &Item) -> std::cmp::Ordering {
    a.order().cmp(&b.order())
}

fn quote(path: &str) -> String {
    if path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b)) {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', r"'\''"))
    }
}

fn names(roles: &[Role]) -> String {
    let words: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => format!("the {one}"),
        [init @ .., last] => format!("the {} and the {last}", init.join(", the ")),
    }
}

/// The person in `role` as the agreement names them, or for the lead without
/// one, the program's lead; `None` when neither names anyone.
fn actor(c: &Checked, role: Role) -> Option<Actor> {
    let of = |p: &crate::format::agreement::Person| {
        let name = p.name.as_ref().map(|n| n.value.trim().to_string()).filter(|n| !n.is_empty());
        let email = p.email.as_ref().map(|e| e.value.trim().to_string()).filter(|e| !e.is_empty());
        (name.is_some() || email.is_some()).then(|| Actor {
            role,
            name: name.unwrap_or_else(|| role.as_str().to_string()),
            email,
        })
    };
    let a = c.agreement.as_deref();
    let written = match role {
        Role::Mentor => a.and_then(|a| a.mentor.as_ref()).and_then(of),
        Role::Mentee => a.and_then(|a| a.mentee.as_ref()).and_then(of),
        Role::Lead => a.and_then(|a| a.lead.as_ref()).and_then(of),
        Role::Program => None,
    };
    written.or_else(|| match role {
        Role::Lead => c.program.program.lead.as_ref().map(|l| Actor {
            role,
            name: l.name.clone(),
            email: l.email.clone().filter(|e| !e.trim().is_empty()),
        }),
        _ => None,
    })
}

/// The people in `roles`, as far as they are named.
fn actors(c: &Checked, roles: &[Role]) -> Vec<Actor> {
    roles.iter().filter_map(|r| actor(c, *r)).collect()
}

/// Who answers for a file's problems, and whom long-overdue items are escalated
/// to: the agreement's lead, else the program's lead, else the program's
/// contact (as the team). Empty when none of them is named.
pub fn lead(c: &Checked) -> Vec<Actor> {
    if let Some(l) = actor(c, Role::Lead) {
        return vec![l];
    }
    let p = &c.program.program;
    p.contact
        .as_ref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| vec![Actor { role: Role::Program, name: p.team.clone(), email: Some(e.trim().to_string()) }])
        .unwrap_or_default()
}

/// The `problems` item of a file with errors (or that cannot be read), if it has any.
pub fn problems(c: &Checked) -> Option<Item> {
    // Stale signatures are errors too, but they have their own kind and command.
    let errors = c
        .diagnostics
        .iter()
        .filter(|l| l.diagnostic.severity == Severity::Error && l.diagnostic.code != Code::SignatureStale)
        .count();
    if c.readable && errors == 0 {
        return None;
    }
    let file = c.path.display().to_string();
    let what = if c.readable { plural(errors, "error") } else { "a file that cannot be read".to_string() };
    Some(Item {
        id: c.id.clone(),
        command: Some(format!("mentor-agree check {}", quote(&file))),
        file,
        kind: Kind::Problems,
        date: None,
        days: None,
        due: None,
        message: format!("{what} to fix"),
        who: lead(c),
    })
}

/// Every action one checked file asks for, as of `today`, looking `within` days ahead.
pub fn items(c: &Checked, today: NaiveDate, within: u32) -> Vec<Item> {
    let file = c.path.display().to_string();
    let q = quote(&file);
    let mut out = Vec::new();
    let pair = actors(c, &Role::PARTIES);
    // `(date, due)`: see [`Item::due`].
    type Dates = (Option<NaiveDate>, Option<NaiveDate>);
    let mut push = |kind: Kind, (date, due): Dates, message: String, command: Option<String>, who: Vec<Actor>| {
        out.push(Item {
            id: c.id.clone(),
            file: file.clone(),
            kind,
            date,
            days: date.map(|d| days_between(today, d)),
            due,
            message,
            command,
            who,
        });
    };
    if let Some(item) = problems(c) {
        return vec![item];
    }
    let (Some(a), Some(d)) = (c.agreement.as_deref(), c.derived.as_deref()) else { return out };
    let horizon = today.checked_add_days(Days::new(u64::from(within))).unwrap_or(NaiveDate::MAX);
    let rules = &c.program.rules;
    let grace = Days::new(u64::from(rules.reviews.grace_days));
    let over = matches!(d.state, State::Ended | State::Terminated);

    // Signatures, until the agreement is over.
    if d.state == State::Draft && !over {
        let (stale, missing): (Vec<Role>, Vec<Role>) = d.missing.iter().copied().partition(|r| d.stale.contains(r));
        let by = d.start;
        let since = a.signatures.iter().filter_map(|s| s.date.as_ref().map(|x| x.value)).min();
        if !missing.is_empty() {
            let since = since.map(|s| format!(" (first signature {})", ymd(s))).unwrap_or_default();
            push(
                Kind::Unsigned,
                (by, by),
                format!("waiting for {} to sign{since}", names(&missing)),
                Some(format!("mentor-agree sign {q} --role {}", missing[0])),
                actors(c, &missing),
            );
        }
        if !stale.is_empty() {
            push(
                Kind::Stale,
                (by, by),
                format!("the terms changed after {} signed: sign again", names(&stale)),
                Some(format!("mentor-agree sign {q} --role {}", stale[0])),
                actors(c, &stale),
            );
        }
    }

    // An amendment awaiting signatures, until the agreement is over: due within
    // the signing window of the day the terms changed.
    if let (Some(m), false) = (&d.amendment, over) {
        let window = Days::new(u64::from(rules.signatures.window_days));
        let by = m.since.and_then(|s| s.checked_add_days(window));
        let mut why = match (m.since, &m.commit) {
            (Some(day), Some(commit)) => vec![format!("terms changed on {}, commit {commit}", ymd(day))],
            (Some(day), None) => vec![format!("terms changed by {}", ymd(day))],
            _ => Vec::new(),
        };
        why.extend(m.in_force_since.map(|d| format!("the terms of {} stay in force until then", ymd(d))));
        let awaiting: Vec<&str> = m.awaiting.iter().map(|r| r.as_str()).collect();
        push(
            Kind::Amendment,
            (by, by),
            format!("amendment awaiting signatures: {} ({})", awaiting.join(", "), why.join("; ")),
            m.awaiting.first().map(|r| format!("mentor-agree sign {q} --role {r}")),
            actors(c, &m.awaiting),
        );
    }

    if d.state == State::Active {
        // Check-ins.
        let since = d.last_checkin.into_iter().chain(d.effective).chain(d.start).max();
        if let Some(next) = since.and_then(|s| s.checked_add_days(Days::new(u64::from(rules.checkins.max_gap_days)))) {
            let last = d.last_checkin.map_or("no check-in yet".to_string(), |l| format!("last check-in {}", ymd(l)));
            let command = Some(format!("mentor-agree checkin {q} --by mentee --note \"…\""));
            if next < today {
                push(
                    Kind::CheckinOverdue,
                    (Some(next), Some(next)),
                    format!("check in with the pair ({last})"),
                    command,
                    pair.clone(),
                );
            } else if next <= horizon {
                push(
                    Kind::CheckinDue,
                    (Some(next), Some(next)),
                    format!("a check-in is due ({last})"),
                    command,
                    pair.clone(),
                );
            }
        }
        // Reviews.
        for cp in &d.checkpoints {
            let closes = cp.date.checked_add_days(grace).unwrap_or(NaiveDate::MAX);
            let command = Some(format!("mentor-agree evaluate {q}"));
            match cp.status {
                CheckpointStatus::Overdue => push(
                    Kind::ReviewOverdue,
                    (Some(closes), Some(cp.date)),
                    format!("the review planned for {} was not recorded", ymd(cp.date)),
                    command,
                    pair.clone(),
                ),
                CheckpointStatus::Due | CheckpointStatus::Upcoming if cp.date <= horizon => push(
                    Kind::ReviewDue,
                    (Some(cp.date.max(today).min(closes)), Some(cp.date)),
                    format!("review planned for {}: evaluate progress together", ymd(cp.date)),
                    command,
                    pair.clone(),
                ),
                _ => {}
            }
        }
        // Goals.
        for (i, g) in a.goals.iter().enumerate() {
            let Some(due) = g.due.as_ref().map(|x| x.value) else { continue };
            if d.goal_status.get(i).copied().flatten().is_some_and(|s| s.is_settled()) {
                continue;
            }
            let closes = due.checked_add_days(grace).unwrap_or(NaiveDate::MAX);
            let command = Some(format!("mentor-agree evaluate {q} --goal {}=achieved", i + 1));
            if closes < today {
                push(
                    Kind::GoalOverdue,
                    (Some(closes), Some(due)),
                    format!("goal {} was due on {}: record its outcome", i + 1, ymd(due)),
                    command,
                    pair.clone(),
                );
            } else if due <= horizon {
                push(
                    Kind::GoalDue,
                    (Some(due.max(today).min(closes)), Some(due)),
                    format!("goal {} is due on {}", i + 1, ymd(due)),
                    command,
                    pair.clone(),
                );
            }
        }
        // The end of the term.
        if let Some(last) = d.last_day
            && last <= horizon
            && d.closing_evaluation.is_none()
        {
            push(
                Kind::TermEnding,
                (Some(last), Some(last)),
                format!("the term ends on {}: hold a closing review, or extend by mutual agreement", ymd(last)),
                Some(format!("mentor-agree evaluate {q} --closing")),
                pair.clone(),
            );
        }
    }

    // Feedback forms: each respondent, from each moment until they answer; the
    // respondent is who must act (and whom `remind` writes to).
    if matches!(d.state, State::Active | State::Ended) {
        for due in crate::feedback::unanswered(&c.program.forms, a, d, horizon) {
            let role = due.respondent.as_str();
            push(
                Kind::FeedbackDue,
                (Some(due.by), Some(due.by)),
                format!("the {role} should answer \"{}\" (form {}, from {})", due.title, due.form, ymd(due.from)),
                Some(format!("mentor-agree feedback {q} --form {} --by {role}", due.form)),
                actors(c, &[due.respondent]),
            );
        }
    }

    if d.state == State::Ended && rules.reviews.require_closing && d.closing_evaluation.is_none() {
        push(
            Kind::ClosingReviewMissing,
            (d.last_day, d.last_day),
            format!("ended on {} without a closing review", d.last_day.map(ymd).unwrap_or_default()),
            Some(format!("mentor-agree evaluate {q} --closing")),
            pair,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(quote("agreements/2026-12-a-b.toml"), "agreements/2026-12-a-b.toml");
        assert_eq!(quote("my agreements/o'neil.toml"), r"'my agreements/o'\''neil.toml'");
    }

    #[test]
    fn roles_read_as_a_list() {
        assert_eq!(names(&[Role::Mentee]), "the mentee");
        assert_eq!(names(&[Role::Mentor, Role::Mentee, Role::Lead]), "the mentor, the mentee and the lead");
    }

    #[test]
    fn overdue_items_come_first_then_by_date() {
        let item = |kind, days: Option<i64>| Item {
            id: "x".into(),
            file: "x.toml".into(),
            kind,
            date: None,
            days,
            due: None,
            message: String::new(),
            command: None,
            who: Vec::new(),
        };
        let mut v = vec![
            item(Kind::ReviewDue, Some(5)),
            item(Kind::GoalOverdue, Some(-2)),
            item(Kind::Problems, None),
            item(Kind::CheckinDue, Some(1)),
            item(Kind::ReviewOverdue, Some(-30)),
        ];
        sort(&mut v);
        let kinds: Vec<Kind> = v.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [Kind::Problems, Kind::ReviewOverdue, Kind::GoalOverdue, Kind::CheckinDue, Kind::ReviewDue]);
    }
}
