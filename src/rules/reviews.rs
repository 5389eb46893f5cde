//! Evaluation and reflection checkpoints.

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic};
use crate::format::timeline::add_months;
use crate::rules::Context;
use crate::text::ymd;

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = ctx.agreement;
    let rules = &ctx.program.rules.reviews;
    let Some(r) = &a.reviews else {
        if rules.required {
            out.push(
                Diagnostic::new(
                    Code::NoReviews,
                    0..0,
                    "no review checkpoints are planned, and the program requires them",
                )
                .with_help(format!("add [reviews] with every_months = {} (or dates = [...])", rules.max_gap_months)),
            );
        }
        return;
    };
    match (&r.every_months, &r.dates) {
        (Some(_), Some(d)) => out.push(
            Diagnostic::new(Code::TermAmbiguous, d.span.clone(), "[reviews] gives both `every_months` and `dates`")
                .with_code_help(),
        ),
        (None, None) if rules.required => out.push(
            Diagnostic::new(Code::NoReviews, r.span.clone(), "[reviews] plans no checkpoint")
                .with_help(format!("add every_months = {} or dates = [...]", rules.max_gap_months)),
        ),
        (None, Some(d)) if d.value.is_empty() && rules.required => out.push(
            Diagnostic::new(Code::NoReviews, d.span.clone(), "[reviews] lists no dates")
                .with_help("add at least one checkpoint date within the term"),
        ),
        _ => {}
    }
    let (Some(start), Some(end)) = (ctx.derived.start, ctx.derived.end) else { return };
    let max = rules.max_gap_months;

    if let Some(n) = &r.every_months {
        if n.value > i64::from(max) {
            out.push(
                Diagnostic::new(
                    Code::ReviewGap,
                    n.span.clone(),
                    format!("reviews every {} months leave gaps longer than the program's {max} months", n.value),
                )
                .with_help(format!("review at least every {max} months")),
            );
        }
        return;
    }
    let Some(dates) = &r.dates else { return };
    let mut inside: Vec<(NaiveDate, std::ops::Range<usize>)> = Vec::new();
    for d in &dates.value {
        if d.value < start || d.value >= end {
            out.push(
                Diagnostic::new(
                    Code::ReviewOutsideTerm,
                    d.span.clone(),
                    format!(
                        "the review on {} is outside the term ({} to {})",
                        ymd(d.value),
                        ymd(start),
                        ymd(ctx.derived.last_day.unwrap_or(end))
                    ),
                )
                .with_code_help(),
            );
        } else {
            inside.push((d.value, d.span.clone()));
        }
    }
    if inside.is_empty() {
        return;
    }
    inside.sort_by_key(|(d, _)| *d);
    let too_far = |from: NaiveDate, to: NaiveDate| add_months(from, max).is_some_and(|limit| to > limit);
    let mut prev = start;
    for (d, span) in &inside {
        if too_far(prev, *d) {
            let what = if prev == start { "the start".to_string() } else { format!("the review on {}", ymd(prev)) };
            out.push(
                Diagnostic::new(
                    Code::ReviewGap,
                    span.clone(),
                    format!("more than {max} months pass between {what} and the review on {}", ymd(*d)),
                )
                .with_help("add a checkpoint in between"),
            );
        }
        prev = *d;
    }
    if too_far(prev, end) {
        let span = inside.last().map(|(_, s)| s.clone()).unwrap_or(dates.span.clone());
        out.push(
            Diagnostic::new(
                Code::ReviewGap,
                span,
                format!(
                    "more than {max} months pass between the last review ({}) and the end ({})",
                    ymd(prev),
                    ymd(end)
                ),
            )
            .with_help("add a later checkpoint"),
        );
    }
}
