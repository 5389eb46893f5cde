//! The program team's agenda: every action a checked set of agreements asks
//! for, overdue first, each with the command that resolves it.
//!
//! Every item has a **date**, the day by which the action is due, and **days**
//! from today to it: negative means overdue. The kinds and when each appears
//! are documented in docs/desk.md; nothing here reads the clock.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::check::Checked;
use crate::derived::State;
use crate::diagnostic::report::plural;
use crate::diagnostic::{Code, Severity};
use crate::evaluation::CheckpointStatus;
use crate::role::Role;
use crate::rules::ymd;
use crate::timeline::days_between;

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
    pub const ALL: [Kind; 12] = [
        Kind::Problems,
        Kind::Unsigned,
        Kind::Stale,
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
}

impl Item {
    /// Overdue: past its date, or a file with errors.
    pub fn is_overdue(&self) -> bool {
        self.kind == Kind::Problems || self.days.is_some_and(|d| d < 0)
    }

    /// Sort key: overdue first (the longest overdue first), then by date, then by file.
    fn order(&self) -> (bool, i64, &str, Kind) {
        (!self.is_overdue(), self.days.unwrap_or(i64::MIN), &self.file, self.kind)
    }
}

/// Sorts items: overdue first, then by date.
pub fn sort(items: &mut [Item]) {
    items.sort_by(|a, b| a.order().cmp(&b.order()));
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
        message: format!("{what} to fix"),
    })
}

/// Every action one checked file asks for, as of `today`, looking `within` days ahead.
pub fn items(c: &Checked, today: NaiveDate, within: u32) -> Vec<Item> {
    let file = c.path.display().to_string();
    let q = quote(&file);
    let mut out = Vec::new();
    let mut push = |kind: Kind, date: Option<NaiveDate>, message: String, command: Option<String>| {
        out.push(Item {
            id: c.id.clone(),
            file: file.clone(),
            kind,
            date,
            days: date.map(|d| days_between(today, d)),
            message,
            command,
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
                by,
                format!("waiting for {} to sign{since}", names(&missing)),
                Some(format!("mentor-agree sign {q} --role {}", missing[0])),
            );
        }
        if !stale.is_empty() {
            push(
                Kind::Stale,
                by,
                format!("the terms changed after {} signed: sign again", names(&stale)),
                Some(format!("mentor-agree sign {q} --role {}", stale[0])),
            );
        }
    }

    if d.state == State::Active {
        // Check-ins.
        let since = d.last_checkin.into_iter().chain(d.effective).chain(d.start).max();
        if let Some(next) = since.and_then(|s| s.checked_add_days(Days::new(u64::from(rules.checkins.max_gap_days)))) {
            let last = d.last_checkin.map_or("no check-in yet".to_string(), |l| format!("last check-in {}", ymd(l)));
            let command = Some(format!("mentor-agree checkin {q} --by mentee --note \"…\""));
            if next < today {
                push(Kind::CheckinOverdue, Some(next), format!("check in with the pair ({last})"), command);
            } else if next <= horizon {
                push(Kind::CheckinDue, Some(next), format!("a check-in is due ({last})"), command);
            }
        }
        // Reviews.
        for cp in &d.checkpoints {
            let closes = cp.date.checked_add_days(grace).unwrap_or(NaiveDate::MAX);
            let command = Some(format!("mentor-agree evaluate {q}"));
            match cp.status {
                CheckpointStatus::Overdue => push(
                    Kind::ReviewOverdue,
                    Some(closes),
                    format!("the review planned for {} was not recorded", ymd(cp.date)),
                    command,
                ),
                CheckpointStatus::Due | CheckpointStatus::Upcoming if cp.date <= horizon => push(
                    Kind::ReviewDue,
                    Some(cp.date.max(today).min(closes)),
                    format!("review planned for {}: evaluate progress together", ymd(cp.date)),
                    command,
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
                    Some(closes),
                    format!("goal {} was due on {}: record its outcome", i + 1, ymd(due)),
                    command,
                );
            } else if due <= horizon {
                push(
                    Kind::GoalDue,
                    Some(due.max(today).min(closes)),
                    format!("goal {} is due on {}", i + 1, ymd(due)),
                    command,
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
                Some(last),
                format!("the term ends on {}: hold a closing review, or extend by mutual agreement", ymd(last)),
                Some(format!("mentor-agree evaluate {q} --closing")),
            );
        }
    }

    // Feedback forms: each respondent, from each moment until they answer. The
    // role is in the message ("the mentee") and in the command (`--by mentee`).
    if matches!(d.state, State::Active | State::Ended) {
        for due in crate::feedback::unanswered(&c.program.forms, a, d, horizon) {
            let role = due.respondent.as_str();
            push(
                Kind::FeedbackDue,
                Some(due.by),
                format!("the {role} should answer \"{}\" (form {}, from {})", due.title, due.form, ymd(due.from)),
                Some(format!("mentor-agree feedback {q} --form {} --by {role}", due.form)),
            );
        }
    }

    if d.state == State::Ended && rules.reviews.require_closing && d.closing_evaluation.is_none() {
        push(
            Kind::ClosingReviewMissing,
            d.last_day,
            format!("ended on {} without a closing review", d.last_day.map(ymd).unwrap_or_default()),
            Some(format!("mentor-agree evaluate {q} --closing")),
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
            message: String::new(),
            command: None,
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
