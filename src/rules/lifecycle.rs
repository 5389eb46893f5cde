//! After signing: check-ins and termination (including the program's intervention).

use crate::diagnostic::{Code, Diagnostic};
use crate::facts::derived::State;
use crate::format::role::Role;
use crate::format::timeline::days_between;
use crate::rules::{Context, non_empty};
use crate::text::ymd;

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    checkins(ctx, out);
    termination(ctx, out);
}

fn checkins(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let d = ctx.derived;
    for c in &ctx.agreement.checkins {
        if let Some(by) = &c.by
            && !Role::names(&by.value, &Role::REPORTERS)
        {
            out.push(Diagnostic::new(
                Code::WrongType,
                by.span.clone(),
                format!("`checkins.by` is \"{}\"; expected mentor, mentee, lead or program", by.value),
            ));
        }
        let Some(date) = &c.date else { continue };
        // The last day is the termination date once one is recorded: no check-in after it.
        let last = d.final_day();
        let outside = d.start.is_some_and(|s| date.value < s) || last.is_some_and(|l| date.value > l);
        if outside || date.value > ctx.today {
            let why = if date.value > ctx.today {
                format!("after today ({})", ymd(ctx.today))
            } else if d.terminated.is_some_and(|t| last == Some(t) && date.value > t) {
                format!("after the termination ({})", d.terminated.map(ymd).unwrap_or_default())
            } else {
                format!(
                    "outside the term ({} to {})",
                    d.start.map(ymd).unwrap_or_default(),
                    d.last_day.map(ymd).unwrap_or_default()
                )
            };
            out.push(
                Diagnostic::new(
                    Code::CheckinOutsideTerm,
                    date.span.clone(),
                    format!("check-in dated {}, {why}", ymd(date.value)),
                )
                .with_help("record check-ins on the day, within the term"),
            );
        }
    }
    if d.state == State::Active {
        let max = i64::from(ctx.program.rules.checkins.max_gap_days);
        let since = d.last_checkin.into_iter().chain(d.effective).chain(d.start).max();
        if let Some(since) = since
            && days_between(since, ctx.today) > max
        {
            let what = if d.last_checkin == Some(since) { "the last check-in" } else { "the start of the agreement" };
            let span = ctx.agreement.checkins.last().map_or(0..0, |c| c.span.clone());
            out.push(
                Diagnostic::new(
                    Code::CheckinOverdue,
                    span,
                    format!(
                        "{} days since {what} ({}); the program expects one every {max} days",
                        days_between(since, ctx.today),
                        ymd(since)
                    ),
                )
                .with_help("tell the program team how it is going: mentor-agree checkin FILE --by mentee --note \"…\""),
            );
        }
    }
}

fn termination(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(t) = &ctx.agreement.termination else { return };
    let d = ctx.derived;
    match &t.notice {
        Some(n) if n.value == "written" => {}
        Some(n) => out.push(
            Diagnostic::new(
                Code::TerminationNoNotice,
                n.span.clone(),
                format!("notice is \"{}\"; this agreement ends only by written notice", n.value),
            )
            .with_help("give written notice, then record notice = \"written\""),
        ),
        None => out.push(
            Diagnostic::new(
                Code::TerminationNoNotice,
                t.span.clone(),
                "the termination does not record written notice",
            )
            .with_help("add notice = \"written\" once written notice was given"),
        ),
    }
    let by = t.by.as_ref().map(|b| b.value.as_str());
    if let Some(b) = &t.by
        && !Role::names(&b.value, &Role::TERMINATORS)
    {
        out.push(Diagnostic::new(
            Code::WrongType,
            b.span.clone(),
            format!("`termination.by` is \"{}\"; expected mentor, mentee or program", b.value),
        ));
    }
    if let Some(date) = &t.date
        && (d.start.is_some_and(|s| date.value < s) || d.last_day.is_some_and(|l| date.value > l))
    {
        out.push(
            Diagnostic::new(
                Code::TerminationOutsideTerm,
                date.span.clone(),
                format!(
                    "terminated on {}, outside the term ({} to {})",
                    ymd(date.value),
                    d.start.map(ymd).unwrap_or_default(),
                    d.last_day.map(ymd).unwrap_or_default()
                ),
            )
            .with_help("an agreement can only be ended while it runs"),
        );
    }
    if let Some(reason) = &t.reason {
        non_empty(reason, "termination reason", out);
    }
    if by == Some("program") {
        if t.reason.is_none() {
            out.push(
                Diagnostic::new(
                    Code::TerminationNoReason,
                    t.span.clone(),
                    "the program team ended the agreement without giving a reason",
                )
                .with_help("add reason = \"…\""),
            );
        }
        let ordered = match (&t.reported, &t.hearing, &t.date) {
            (Some(r), Some(h), Some(dt)) => r.value <= h.value && h.value <= dt.value,
            _ => false,
        };
        if !ordered {
            let span = t.hearing.as_ref().or(t.reported.as_ref()).map_or(t.span.clone(), |x| x.span.clone());
            let msg = match (&t.reported, &t.hearing) {
                (Some(_), Some(_)) => "the intervention's dates are out of order: reported <= hearing <= date",
                _ => {
                    "the program team ended the agreement without recording when the concern was reported and when both parties were heard"
                }
            };
            out.push(
                Diagnostic::new(Code::InterventionNoHearing, span, msg).with_help(
                    "record reported = YYYY-MM-DD and hearing = YYYY-MM-DD, with reported <= hearing <= date",
                ),
            );
        }
    }
}
