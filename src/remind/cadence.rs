//! The cadence: which reminder, if any, one person is owed for one item today.
//!
//! Steps of an item due on D: `before:N` on D − N for each N of `before_days`,
//! then `overdue:K` on D + K × `overdue_every_days` (K = 1, 2, …) while it is on
//! the agenda, and for the lead `escalate`, once, when it has been overdue
//! longer than `escalate_after_days`. A run owes each person **the latest step
//! that has come**, unless the log already has it: so a second run the same day
//! owes nothing, and days missed are caught up with one message, not one per
//! step missed. Nothing here reads the clock.

use std::fmt;

use chrono::{Days, NaiveDate};

use crate::format::timeline::days_between;
use crate::program::Reminders;

/// One step of the cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// This many days before the due date (0: on the day).
    Before(u32),
    /// The K-th reminder after the due date, every `overdue_every_days`.
    Overdue(u32),
    /// The lead, copied once the item is long overdue.
    Escalate,
    /// A file with errors (no date): its lead is told once.
    Now,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Before(n) => write!(f, "before:{n}"),
            Step::Overdue(k) => write!(f, "overdue:{k}"),
            Step::Escalate => f.write_str("escalate"),
            Step::Now => f.write_str("now"),
        }
    }
}

impl Step {
    /// Reads a step as [`fmt::Display`] writes it (as the log has it).
    pub fn parse(s: &str) -> Option<Step> {
        match s {
            "escalate" => Some(Step::Escalate),
            "now" => Some(Step::Now),
            _ => match s.split_once(':')? {
                ("before", n) => n.parse().ok().map(Step::Before),
                ("overdue", k) => k.parse().ok().map(Step::Overdue),
                _ => None,
            },
        }
    }
}

/// The latest step of the cadence a person who must act is owed for an item
/// due on `due` (or `None` for a file with errors), as of `today`; `None` when
/// no step has come yet. Whether it was already sent is the log's business.
pub fn latest(due: Option<NaiveDate>, today: NaiveDate, r: &Reminders) -> Option<Step> {
    let Some(due) = due else { return Some(Step::Now) };
    let late = days_between(due, today);
    let every = i64::from(r.overdue_every_days.max(1));
    if late >= every {
        let k = u32::try_from(late / every).unwrap_or(u32::MAX);
        return Some(Step::Overdue(k));
    }
    // The step whose day is the latest that has come: the smallest N with due − N <= today.
    r.before_days
        .iter()
        .copied()
        .filter(|&n| due.checked_sub_days(Days::new(u64::from(n))).is_none_or(|d| d <= today))
        .min()
        .map(Step::Before)
}

/// True when the lead is to be copied on an item due on `due`: overdue for
/// longer than `escalate_after_days` as of `today`.
pub fn escalates(due: Option<NaiveDate>, today: NaiveDate, r: &Reminders) -> bool {
    due.is_some_and(|d| days_between(d, today) > i64::from(r.escalate_after_days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn steps_over(due: &str, from: &str, to: &str, r: &Reminders) -> Vec<(NaiveDate, Step)> {
        // A daily run that records what it sends: the (day, step) pairs sent.
        let mut sent: Vec<Step> = Vec::new();
        let mut out = Vec::new();
        let mut d = day(from);
        while d <= day(to) {
            if let Some(s) = latest(Some(day(due)), d, r)
                && !sent.contains(&s)
            {
                sent.push(s);
                out.push((d, s));
            }
            d = d.succ_opt().unwrap();
        }
        out
    }

    #[test]
    fn daily_runs_send_each_step_once_on_its_day() {
        let r = Reminders::default();
        let got = steps_over("2026-12-15", "2026-11-01", "2027-01-10", &r);
        assert_eq!(
            got,
            [
                (day("2026-12-08"), Step::Before(7)),
                (day("2026-12-15"), Step::Before(0)),
                (day("2026-12-22"), Step::Overdue(1)),
                (day("2026-12-29"), Step::Overdue(2)),
                (day("2027-01-05"), Step::Overdue(3)),
            ]
        );
    }

    #[test]
    fn nothing_is_owed_before_the_first_step() {
        let r = Reminders::default();
        assert_eq!(latest(Some(day("2026-12-15")), day("2026-12-07"), &r), None);
        let r = Reminders { before_days: vec![], ..Reminders::default() };
        assert_eq!(latest(Some(day("2026-12-15")), day("2026-12-15"), &r), None);
        assert_eq!(latest(Some(day("2026-12-15")), day("2026-12-22"), &r), Some(Step::Overdue(1)));
    }

    #[test]
    fn a_missed_stretch_is_caught_up_with_the_latest_step_only() {
        let r = Reminders::default();
        // Runs on the 8th, then not until the 30th: one message (overdue:2), not three.
        let due = Some(day("2026-12-15"));
        assert_eq!(latest(due, day("2026-12-08"), &r), Some(Step::Before(7)));
        assert_eq!(latest(due, day("2026-12-30"), &r), Some(Step::Overdue(2)));
        // Found late (due in 3 days): the 7-day step is still owed, then the day itself.
        assert_eq!(latest(due, day("2026-12-12"), &r), Some(Step::Before(7)));
        // Unordered and repeated before_days are fine.
        let r = Reminders { before_days: vec![0, 14, 3, 3], ..Reminders::default() };
        assert_eq!(latest(due, day("2026-12-13"), &r), Some(Step::Before(3)));
    }

    #[test]
    fn the_lead_is_copied_after_the_escalation_delay() {
        let r = Reminders::default();
        let due = Some(day("2026-12-01"));
        assert!(!escalates(due, day("2026-12-15"), &r));
        assert!(escalates(due, day("2026-12-16"), &r));
        assert!(!escalates(None, day("2026-12-16"), &r));
        assert_eq!(latest(None, day("2026-12-16"), &r), Some(Step::Now));
    }

    #[test]
    fn steps_read_back_as_written() {
        for s in [Step::Before(0), Step::Before(7), Step::Overdue(3), Step::Escalate, Step::Now] {
            assert_eq!(Step::parse(&s.to_string()), Some(s));
        }
        assert_eq!(Step::parse("later"), None);
        assert_eq!(Step::parse("before:x"), None);
    }
}
