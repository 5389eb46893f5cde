//! The questionnaire of `mentor-agree feedback` on a terminal: each question of
//! the form not answered by a flag, saying first who will be able to read the answer.

use dialoguer::console::Term;
use dialoguer::theme::Theme;
use dialoguer::{Input, Select};

use crate::feedback::{allowed, parse_answer};
use crate::format::agreement::AnswerValue;
use crate::program::{Form, QuestionKind};

/// Asks each question of `form` whose id is not in `given`, in the form's
/// order; returns (question id, answer) for those answered. A `text` question
/// may be left empty (Enter); the others must be answered. Ctrl-C ends it with
/// an `Interrupted` error.
pub fn ask(
    form: &Form,
    given: &[String],
    term: &Term,
    theme: &dyn Theme,
) -> std::io::Result<Vec<(String, AnswerValue)>> {
    let title = if form.title.is_empty() { form.id.as_str() } else { form.title.as_str() };
    term.write_line(&format!("{title} (form \"{}\")", form.id))?;
    let mut out = Vec::new();
    for q in form.questions.iter().filter(|q| !given.contains(&q.id)) {
        term.write_line(&format!("\n{}\n  Who can read your answer: {}.", q.text, q.visibility.readers()))?;
        let value = match q.kind {
            QuestionKind::Choice => {
                let k = Select::with_theme(theme).with_prompt(&q.id).items(&q.choices).default(0).interact_on(term)?;
                AnswerValue::Text(q.choices[k].clone())
            }
            QuestionKind::YesNo => {
                let k =
                    Select::with_theme(theme).with_prompt(&q.id).items(["yes", "no"]).default(0).interact_on(term)?;
                AnswerValue::Boolean(k == 0)
            }
            QuestionKind::Scale | QuestionKind::Text => {
                let optional = q.kind == QuestionKind::Text;
                let prompt = if optional {
                    format!("{} (Enter to leave it out)", q.id)
                } else {
                    format!("{} ({})", q.id, allowed(q))
                };
                let typed: String = Input::with_theme(theme)
                    .with_prompt(prompt)
                    .allow_empty(optional)
                    .validate_with(|s: &String| {
                        if optional && s.trim().is_empty() { Ok(()) } else { parse_answer(q, s).map(|_| ()) }
                    })
                    .interact_text_on(term)?;
                if typed.trim().is_empty() {
                    continue;
                }
                parse_answer(q, &typed).map_err(std::io::Error::other)?
            }
        };
        out.push((q.id.clone(), value));
    }
    Ok(out)
}
