//! Term rules: length, and extensions by mutual agreement.

use crate::diagnostic::{Code, Diagnostic};
use crate::facts::derived::extension_steps;
use crate::format::role::Role;
use crate::format::timeline::add_months;
use crate::rules::Context;
use crate::text::ymd;

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = ctx.agreement;
    let rules = &ctx.program.rules.term;
    let Some(term) = &a.term else { return };
    match (&term.months, &term.weeks) {
        (Some(_), Some(w)) => out.push(
            Diagnostic::new(Code::TermAmbiguous, w.span.clone(), "the term gives both `months` and `weeks`")
                .with_code_help(),
        ),
        (None, None) => out.push(
            Diagnostic::new(Code::TermAmbiguous, term.span.clone(), "the term gives neither `months` nor `weeks`")
                .with_help("add e.g. `months = 6`"),
        ),
        _ => {}
    }
    let (Some(start), Some(base_end)) = (ctx.derived.start, ctx.derived.base_end) else { return };
    let len_span = term.months.as_ref().or(term.weeks.as_ref()).map_or(term.span.clone(), |l| l.span.clone());
    if let Some(min_end) = add_months(start, rules.min_months)
        && base_end < min_end
    {
        out.push(
            Diagnostic::new(
                Code::TermTooShort,
                len_span.clone(),
                format!("the term is shorter than the program minimum of {} months", rules.min_months),
            )
            .with_help(format!("its last day must be {} or later", ymd(min_end.pred_opt().unwrap_or(min_end)))),
        );
    }
    if let Some(max_end) = add_months(start, rules.max_months)
        && base_end > max_end
    {
        out.push(
            Diagnostic::new(
                Code::TermTooLong,
                len_span,
                format!("the term is longer than the program maximum of {} months", rules.max_months),
            )
            .with_help("agree a shorter term; you can extend it later by mutual agreement"),
        );
    }

    let max_total = add_months(start, rules.max_total_months);
    for (e, (after, before)) in a.extensions.iter().zip(extension_steps(a, base_end)) {
        match (&e.months, &e.weeks) {
            (Some(_), Some(w)) => out.push(
                Diagnostic::new(Code::TermAmbiguous, w.span.clone(), "the extension gives both `months` and `weeks`")
                    .with_code_help(),
            ),
            (None, None) => out.push(
                Diagnostic::new(
                    Code::TermAmbiguous,
                    e.span.clone(),
                    "the extension gives neither `months` nor `weeks`",
                )
                .with_help("add e.g. `months = 3`"),
            ),
            _ => {}
        }
        if let Some(by) = &e.by {
            let has = |r: &str| by.value.iter().any(|b| b.value == r);
            let lacking: Vec<&str> = Role::names_of(Role::PARTIES).into_iter().filter(|r| !has(r)).collect();
            if !lacking.is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::ExtensionNotMutual,
                        by.span.clone(),
                        format!("the extension is not agreed by the {}", lacking.join(" and the ")),
                    )
                    .with_help("an extension needs both: by = [\"mentor\", \"mentee\"]"),
                );
            }
            for b in &by.value {
                if !Role::names(&b.value, &Role::REPORTERS) {
                    out.push(Diagnostic::new(
                        Code::WrongType,
                        b.span.clone(),
                        format!("`extensions.by` holds \"{}\"; expected mentor, mentee, lead or program", b.value),
                    ));
                }
            }
        }
        if let Some(agreed) = &e.agreed
            && agreed.value >= before
        {
            out.push(
                Diagnostic::new(
                    Code::ExtensionAfterEnd,
                    agreed.span.clone(),
                    format!(
                        "the extension was agreed on {}, after the last day ({})",
                        ymd(agreed.value),
                        ymd(before.pred_opt().unwrap_or(before))
                    ),
                )
                .with_help("extend before the last day; after the end, start a new agreement"),
            );
        }
        if let (Some(after), Some(max_total)) = (after, max_total)
            && after > max_total
        {
            let span = e.months.as_ref().or(e.weeks.as_ref()).map_or(e.span.clone(), |l| l.span.clone());
            out.push(
                Diagnostic::new(
                    Code::ExtensionTooLong,
                    span,
                    format!(
                        "with this extension the last day is {}, beyond the program's {}-month limit",
                        ymd(after.pred_opt().unwrap_or(after)),
                        rules.max_total_months
                    ),
                )
                .with_help(format!(
                    "the last day may be {} at the latest",
                    ymd(max_total.pred_opt().unwrap_or(max_total))
                )),
            );
        }
    }
}
