//! What the recorded evaluations say: which review checkpoints were held, and
//! where each goal stands. Derived, never stored; nothing here reads the clock.
//!
//! The definitions are in docs/format.md ("Evaluations"):
//! - a checkpoint is **held** when an evaluation is dated within ± `grace_days`
//!   of it; each evaluation holds at most one checkpoint, the earliest it can;
//! - a checkpoint whose window has passed is **held late** when an evaluation
//!   falls after the window and before the next checkpoint's window opens;
//!   otherwise it is **overdue** while the agreement runs and **missed** once
//!   it has ended;
//! - a goal's **current status** is the one given by the latest evaluation
//!   (by date, then file order) that reviews it.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::format::agreement::{Agreement, GoalStatus};

/// Where one planned review checkpoint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckpointStatus {
    /// An evaluation was held within the grace window.
    Held,
    /// An evaluation was held after the window, before the next checkpoint.
    HeldLate,
    /// The grace window is open now and no evaluation is recorded yet.
    Due,
    /// The window has passed with no evaluation, and the agreement still runs.
    Overdue,
    /// The window passed with no evaluation, and the agreement is over.
    Missed,
    /// Later than the grace window around today.
    Upcoming,
}

impl CheckpointStatus {
    /// A review still to hold, its window open now or ahead: the one `agenda`
    /// lists as `review-due` and the "next review" of `status` and the site.
    pub fn is_ahead(self) -> bool {
        matches!(self, CheckpointStatus::Due | CheckpointStatus::Upcoming)
    }

    /// The name used in JSON and pages ("held-late").
    pub fn as_str(self) -> &'static str {
        match self {
            CheckpointStatus::Held => "held",
            CheckpointStatus::HeldLate => "held-late",
            CheckpointStatus::Due => "due",
            CheckpointStatus::Overdue => "overdue",
            CheckpointStatus::Missed => "missed",
            CheckpointStatus::Upcoming => "upcoming",
        }
    }

    /// In plain words ("held late").
    pub fn in_words(self) -> &'static str {
        match self {
            CheckpointStatus::HeldLate => "held late",
            other => other.as_str(),
        }
    }

    /// Held, on time or late.
    pub fn is_held(self) -> bool {
        matches!(self, CheckpointStatus::Held | CheckpointStatus::HeldLate)
    }
}

/// One planned checkpoint and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    /// The planned day.
    pub date: NaiveDate,
    /// Where it stands.
    pub status: CheckpointStatus,
    /// The evaluation that held it (index into `[[evaluations]]`).
    pub evaluation: Option<usize>,
}

/// Evaluations with a date, as (date, index in file), sorted by date then file order.
pub fn dated(a: &Agreement) -> Vec<(NaiveDate, usize)> {
    let mut v: Vec<(NaiveDate, usize)> =
        a.evaluations.iter().enumerate().filter_map(|(i, e)| e.date.as_ref().map(|d| (d.value, i))).collect();
    v.sort();
    v
}

/// Matches planned checkpoints (sorted) to evaluations (`dated`, sorted).
///
/// `over` is true once the agreement has ended or was terminated: a checkpoint
/// nobody held is then `missed`, not `overdue`. Checkpoints after `stop` (the
/// termination day) are no longer planned and are left out.
pub fn checkpoints(
    planned: &[NaiveDate],
    dated: &[(NaiveDate, usize)],
    grace_days: u32,
    today: NaiveDate,
    over: bool,
    stop: Option<NaiveDate>,
) -> Vec<Checkpoint> {
    let grace = Days::new(u64::from(grace_days));
    let planned: Vec<NaiveDate> = planned.iter().copied().filter(|c| stop.is_none_or(|s| *c <= s)).collect();
    let mut used = vec![false; dated.len()];
    let take = |from: NaiveDate, to: Option<NaiveDate>, inclusive: bool, used: &mut Vec<bool>| {
        let found = dated.iter().enumerate().position(|(k, (d, _))| {
            !used[k] && *d >= from && to.is_none_or(|t| if inclusive { *d <= t } else { *d < t })
        })?;
        used[found] = true;
        Some(dated[found].1)
    };
    let mut out = Vec::with_capacity(planned.len());
    for (i, &c) in planned.iter().enumerate() {
        let opens = c.checked_sub_days(grace).unwrap_or(NaiveDate::MIN);
        let closes = c.checked_add_days(grace).unwrap_or(NaiveDate::MAX);
        if let Some(e) = take(opens, Some(closes), true, &mut used) {
            out.push(Checkpoint { date: c, status: CheckpointStatus::Held, evaluation: Some(e) });
            continue;
        }
        if closes >= today {
            let status = if opens <= today { CheckpointStatus::Due } else { CheckpointStatus::Upcoming };
            out.push(Checkpoint { date: c, status, evaluation: None });
            continue;
        }
        let next_opens = planned.get(i + 1).map(|n| n.checked_sub_days(grace).unwrap_or(NaiveDate::MIN));
        let after = closes.succ_opt().unwrap_or(NaiveDate::MAX);
        match take(after, next_opens, false, &mut used) {
            Some(e) => out.push(Checkpoint { date: c, status: CheckpointStatus::HeldLate, evaluation: Some(e) }),
            None => {
                let status = if over { CheckpointStatus::Missed } else { CheckpointStatus::Overdue };
                out.push(Checkpoint { date: c, status, evaluation: None });
            }
        }
    }
    out
}

/// Each goal's current status (index = goal number - 1): the latest evaluation that reviews it.
pub fn goal_statuses(a: &Agreement, dated: &[(NaiveDate, usize)]) -> Vec<Option<GoalStatus>> {
    let mut out = vec![None; a.goals.len()];
    for &(_, i) in dated {
        for p in &a.evaluations[i].progress {
            if let (Some(n), Some(s)) = (&p.goal, &p.status)
                && let Some(slot) =
                    usize::try_from(n.value).ok().and_then(|n| n.checked_sub(1)).and_then(|k| out.get_mut(k))
            {
                *slot = Some(s.value);
            }
        }
    }
    out
}

/// A review to record: what `mentor-agree evaluate` appends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvaluation {
    /// Day it was held.
    pub date: NaiveDate,
    /// Who took part, as written in files ("mentor", "mentee", …).
    pub by: Vec<&'static str>,
    /// The final review.
    pub closing: bool,
    /// Reflection: what works.
    pub working: Option<String>,
    /// Reflection: what to change.
    pub improve: Option<String>,
    /// (goal number, status, note), in the order given.
    pub progress: Vec<(u32, GoalStatus, Option<String>)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use CheckpointStatus::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn run(planned: &[&str], evals: &[&str], today: &str, over: bool) -> Vec<(CheckpointStatus, Option<usize>)> {
        let planned: Vec<NaiveDate> = planned.iter().map(|s| d(s)).collect();
        let dated: Vec<(NaiveDate, usize)> = evals.iter().enumerate().map(|(i, s)| (d(s), i)).collect();
        checkpoints(&planned, &dated, 14, d(today), over, None).into_iter().map(|c| (c.status, c.evaluation)).collect()
    }

    #[test]
    fn an_evaluation_within_grace_holds_the_checkpoint() {
        // 14 days either side count; the 15th does not.
        assert_eq!(run(&["2027-02-07"], &["2027-01-24"], "2027-03-01", false), vec![(Held, Some(0))]);
        assert_eq!(run(&["2027-02-07"], &["2027-02-21"], "2027-03-01", false), vec![(Held, Some(0))]);
        assert_eq!(run(&["2027-02-07"], &["2027-01-23"], "2027-03-01", false), vec![(Overdue, None)]);
    }

    #[test]
    fn the_window_around_today_is_due_then_overdue() {
        assert_eq!(run(&["2027-02-07"], &[], "2027-01-23", false), vec![(Upcoming, None)]);
        assert_eq!(run(&["2027-02-07"], &[], "2027-01-24", false), vec![(Due, None)]);
        assert_eq!(run(&["2027-02-07"], &[], "2027-02-21", false), vec![(Due, None)]);
        assert_eq!(run(&["2027-02-07"], &[], "2027-02-22", false), vec![(Overdue, None)]);
        assert_eq!(run(&["2027-02-07"], &[], "2027-02-22", true), vec![(Missed, None)]);
    }

    #[test]
    fn an_evaluation_between_two_checkpoints_holds_the_first_late() {
        let got = run(&["2027-02-07", "2027-04-07"], &["2027-03-07"], "2027-05-01", false);
        assert_eq!(got, vec![(HeldLate, Some(0)), (Overdue, None)]);
    }

    #[test]
    fn two_evaluations_for_one_checkpoint_hold_it_once() {
        let got = run(&["2027-02-07", "2027-04-07"], &["2027-02-05", "2027-02-10"], "2027-05-01", false);
        assert_eq!(got, vec![(Held, Some(0)), (Overdue, None)]);
    }

    #[test]
    fn one_evaluation_holds_at_most_one_of_two_close_checkpoints() {
        let got = run(&["2027-02-01", "2027-02-15"], &["2027-02-08"], "2027-03-15", false);
        assert_eq!(got, vec![(Held, Some(0)), (Overdue, None)]);
    }

    #[test]
    fn checkpoints_after_a_termination_are_dropped() {
        let planned = [d("2027-02-07"), d("2027-04-07")];
        let got = checkpoints(&planned, &[], 14, d("2027-06-01"), true, Some(d("2027-03-01")));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].status, Missed);
    }

    #[test]
    fn the_latest_review_of_a_goal_is_its_status() {
        let text = "format = 1\n[[goals]]\ngoal = \"a\"\n[[goals]]\ngoal = \"b\"\n\
            [[evaluations]]\ndate = 2027-04-01\nby = [\"mentor\", \"mentee\"]\nprogress = [{ goal = 1, status = \"achieved\" }]\n\
            [[evaluations]]\ndate = 2027-02-01\nby = [\"mentor\", \"mentee\"]\nprogress = [{ goal = 1, status = \"dropped\" }, { goal = 9, status = \"behind\" }]\n";
        let a = crate::format::agreement::parse(text).agreement.unwrap();
        // Dropped in February, achieved in April (written first in the file): achieved.
        assert_eq!(goal_statuses(&a, &dated(&a)), vec![Some(GoalStatus::Achieved), None]);
    }
}
