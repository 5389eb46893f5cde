//! Feedback records against the program's forms. Nothing here decrypts: a
//! `sealed` block is only looked at to see that it is one.

use crate::diagnostic::{Code, Diagnostic};
use crate::feedback::{ARMOR_BEGIN, fits, moment_of, moments};
use crate::format::agreement::AnswerValue;
use crate::program::Visibility;
use crate::rules::Context;
use crate::text::suggest;
use crate::text::ymd;

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = ctx.agreement;
    if a.feedback.is_empty() {
        return;
    }
    let forms = &ctx.program.forms;
    // (form, role, moment) already answered, with the first record's date.
    let mut seen: Vec<(String, String, usize)> = Vec::new();
    for f in &a.feedback {
        let Some(form_id) = &f.form else { continue };
        let Some(form) = ctx.program.form(&form_id.value) else {
            let mut d = Diagnostic::new(
                Code::FeedbackUnknownForm,
                form_id.span.clone(),
                format!("feedback for form \"{}\", which program.toml does not define", form_id.value),
            );
            d = match suggest::closest(&form_id.value, forms.iter().map(|f| f.id.as_str())) {
                Some(s) => d.with_help(format!("did you mean \"{s}\"?")),
                None if forms.is_empty() => d.with_help("the program defines no [[forms]]"),
                None => d.with_help(format!(
                    "the program's forms: {}",
                    forms.iter().map(|f| f.id.as_str()).collect::<Vec<_>>().join(", ")
                )),
            };
            out.push(d);
            continue;
        };
        if let Some(by) = &f.by
            && !form.asks(&by.value)
        {
            let asked: Vec<&str> = form.respondents.iter().map(|r| r.as_str()).collect();
            out.push(
                Diagnostic::new(
                    Code::FeedbackWrongRespondent,
                    by.span.clone(),
                    format!("form \"{}\" does not ask the {} (it asks: {})", form.id, by.value, asked.join(", ")),
                )
                .with_code_help(),
            );
        }
        for ans in &f.answers {
            let Some(q) = form.question(&ans.question.value) else {
                let mut d = Diagnostic::new(
                    Code::FeedbackUnknownQuestion,
                    ans.question.span.clone(),
                    format!("form \"{}\" has no question `{}`", form.id, ans.question.value),
                );
                if let Some(s) = suggest::closest(&ans.question.value, form.questions.iter().map(|q| q.id.as_str())) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                out.push(d);
                continue;
            };
            if q.visibility == Visibility::Team {
                // Never quote the value: the message would leak it a second time.
                out.push(
                    Diagnostic::new(
                        Code::FeedbackLeaked,
                        ans.value.span.clone(),
                        format!(
                            "`{}` is a confidential question of form \"{}\", answered here in plain text",
                            q.id, form.id
                        ),
                    )
                    .with_code_help(),
                );
                continue;
            }
            if let Err(allowed) = fits(q, &ans.value.value) {
                let got = match &ans.value.value {
                    AnswerValue::Integer(n) => n.to_string(),
                    AnswerValue::Boolean(b) => b.to_string(),
                    AnswerValue::Text(s) => format!("\"{}\"", crate::text::clipped(s, 60)),
                    AnswerValue::Other(what) => (*what).to_string(),
                };
                out.push(
                    Diagnostic::new(
                        Code::FeedbackBadAnswer,
                        ans.value.span.clone(),
                        format!("`{}` ({}) is answered {got}; it takes {allowed}", q.id, q.kind.as_str()),
                    )
                    .with_code_help(),
                );
            }
        }
        if let Some(sealed) = &f.sealed
            && !sealed.value.trim_start().starts_with(ARMOR_BEGIN)
        {
            out.push(
                Diagnostic::new(
                    Code::FeedbackLeaked,
                    sealed.span.clone(),
                    "`sealed` is not an age-encrypted block: confidential answers may be readable here",
                )
                .with_code_help(),
            );
        }
        if let (Some(by), Some(date)) = (&f.by, &f.date) {
            let ms = moments(form, ctx.derived);
            if let Some(k) = moment_of(&ms, date.value) {
                let key = (form.id.clone(), by.value.clone(), k);
                if seen.contains(&key) {
                    out.push(
                        Diagnostic::new(
                            Code::FeedbackTwice,
                            f.span.clone(),
                            format!("the {} already answered form \"{}\" for {}", by.value, form.id, ymd(ms[k])),
                        )
                        .with_code_help(),
                    );
                } else {
                    seen.push(key);
                }
            }
        }
    }
}
