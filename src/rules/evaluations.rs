//! Evaluation and reflection: the reviews a pair records, checkpoints held,
//! goals brought to an outcome.

use chrono::Days;

use crate::diagnostic::{Code, Diagnostic};
use crate::facts::derived::State;
use crate::facts::evaluation::CheckpointStatus;
use crate::format::role::Role;
use crate::rules::{Context, non_empty};
use crate::text::suggest;
use crate::text::ymd;

/// Who may take part in a review.
const PARTICIPANTS: [&str; 4] = Role::names_of(Role::PARTICIPANTS);

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    records(ctx, out);
    held(ctx, out);
}

/// Each `[[evaluations]]` entry on its own.
fn records(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = ctx.agreement;
    let d = ctx.derived;
    let grace = ctx.program.rules.reviews.grace_days;
    let termination = a.termination.as_ref().and_then(|t| t.date.as_ref()).map(|t| t.value);
    let last = match (d.last_day, termination) {
        (Some(l), Some(t)) => Some(l.min(t)),
        (l, t) => l.or(t),
    };
    // A review held a little late after the term's last day still counts; after a
    // termination, only the closing review does.
    let terminated = termination.is_some() && last == termination;
    let latest = if terminated { last } else { last.and_then(|l| l.checked_add_days(Days::new(u64::from(grace)))) };
    for e in &a.evaluations {
        if let Some(date) = &e.date {
            let why = if date.value > ctx.today {
                Some(format!("after today ({})", ymd(ctx.today)))
            } else if d.start.is_some_and(|s| date.value < s) {
                Some(format!("before the start ({})", d.start.map(ymd).unwrap_or_default()))
            } else if !e.is_closing() && latest.is_some_and(|l| date.value > l) {
                Some(if terminated {
                    format!(
                        "after the termination ({}): only the closing review comes after it",
                        last.map(ymd).unwrap_or_default()
                    )
                } else {
                    format!("more than {grace} days after the last day ({})", last.map(ymd).unwrap_or_default())
                })
            } else {
                None
            };
            if let Some(why) = why {
                out.push(
                    Diagnostic::new(
                        Code::EvaluationOutsideTerm,
                        date.span.clone(),
                        format!("evaluation dated {}, {why}", ymd(date.value)),
                    )
                    .with_code_help(),
                );
            }
        }
        if let Some(by) = &e.by {
            for who in &by.value {
                if !PARTICIPANTS.contains(&who.value.as_str()) {
                    let mut diag = Diagnostic::new(
                        Code::WrongType,
                        who.span.clone(),
                        format!("`evaluations.by` lists \"{}\"; expected mentor, mentee, lead or program", who.value),
                    );
                    if let Some(s) = suggest::closest(&who.value, PARTICIPANTS) {
                        diag = diag.with_help(format!("did you mean \"{s}\"?"));
                    }
                    out.push(diag);
                }
            }
            let has = |role: &str| by.value.iter().any(|w| w.value == role);
            let absent: Vec<&str> = Role::names_of(Role::PARTIES).into_iter().filter(|r| !has(r)).collect();
            if !absent.is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::EvaluationNotJoint,
                        by.span.clone(),
                        format!("the {} did not take part in this review", absent.join(" and the ")),
                    )
                    .with_code_help(),
                );
            }
        }
        for text in [&e.working, &e.improve].into_iter().flatten() {
            non_empty(text, "reflection", out);
        }
        let mut seen = Vec::with_capacity(e.progress.len());
        for p in &e.progress {
            if let Some(note) = &p.note {
                non_empty(note, "progress note", out);
            }
            let Some(n) = &p.goal else { continue };
            let goals = a.goals.len();
            if n.value < 1 || n.value as u64 > goals as u64 {
                let have = match goals {
                    0 => "the agreement has no goals".to_string(),
                    1 => "the agreement has goal 1 only".to_string(),
                    n => format!("goals are numbered 1 to {n}"),
                };
                out.push(
                    Diagnostic::new(
                        Code::EvaluationUnknownGoal,
                        n.span.clone(),
                        format!("progress on goal {}, but {have}", n.value),
                    )
                    .with_code_help(),
                );
            } else if seen.contains(&n.value) {
                out.push(
                    Diagnostic::new(
                        Code::EvaluationUnknownGoal,
                        n.span.clone(),
                        format!("goal {} is reviewed twice in one evaluation", n.value),
                    )
                    .with_help("keep one entry for the goal in this evaluation's progress"),
                );
            }
            seen.push(n.value);
        }
    }
}

/// Checkpoints held and goals settled, judged as of today.
fn held(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = ctx.agreement;
    let d = ctx.derived;
    let rules = &ctx.program.rules.reviews;
    if d.state == State::Ended && rules.require_closing && d.closing_evaluation.is_none() {
        let span = a.evaluations.last().map(|e| e.span.clone()).or(a.term.as_ref().map(|t| t.span.clone()));
        out.push(
            Diagnostic::new(
                Code::ClosingReviewMissing,
                span,
                format!(
                    "the agreement ended on {} and no closing review is recorded",
                    d.last_day.map(ymd).unwrap_or_default()
                ),
            )
            .with_code_help(),
        );
    }
    if d.state != State::Active {
        return;
    }
    let grace = rules.grace_days;
    for c in d.checkpoints.iter().filter(|c| c.status == CheckpointStatus::Overdue) {
        let explicit = a
            .reviews
            .as_ref()
            .and_then(|r| r.dates.as_ref())
            .and_then(|ds| ds.value.iter().find(|x| x.value == c.date));
        let span = explicit
            .map(|x| x.span.clone())
            .or_else(|| a.reviews.as_ref().and_then(|r| r.every_months.as_ref()).map(|m| m.span.clone()))
            .or_else(|| a.reviews.as_ref().map(|r| r.span.clone()));
        out.push(
            Diagnostic::new(
                Code::ReviewOverdue,
                span,
                format!(
                    "the review planned for {} has not been recorded ({} days ago; {grace} days' grace)",
                    ymd(c.date),
                    crate::format::timeline::days_between(c.date, ctx.today)
                ),
            )
            .with_code_help(),
        );
    }
    for (i, g) in a.goals.iter().enumerate() {
        let Some(due) = &g.due else { continue };
        let Some(limit) = due.value.checked_add_days(Days::new(u64::from(grace))) else { continue };
        let status = d.goal_status.get(i).copied().flatten();
        if limit < ctx.today && !status.is_some_and(|s| s.is_settled()) {
            let now = status.map_or("no review has recorded an outcome".to_string(), |s| {
                format!("its last review says {}", s.in_words())
            });
            out.push(
                Diagnostic::new(
                    Code::GoalOverdue,
                    due.span.clone(),
                    format!("goal {} was due on {}, and {now}", i + 1, ymd(due.value)),
                )
                .with_code_help(),
            );
        }
    }
}
