//! What a new draft file says before its tables, and the summary shown before
//! it is written: shared by the questionnaire and `new --from`.

use std::path::Path;

use chrono::NaiveDate;
use comfy_table::{ContentArrangement, Table, presets};

use super::Answers;
use crate::engine::{self, relative, relative_from};
use crate::program::Program;

/// The head of a new draft at `path` (`None` when it is printed): the editors'
/// `#:schema` directive when the program has a schema file, then a comment that
/// names the pair and the commands that sign and check it. Paths in it are as
/// seen from the program's root, where its commands are run.
pub fn preamble(answers: &Answers, program: &Program, today: NaiveDate, path: Option<&Path>) -> String {
    let in_repo = path.map_or_else(|| "FILE".to_string(), |p| relative(p, &program.root()).display().to_string());
    let mut text = path.and_then(|p| schema_directive(program, p)).unwrap_or_default();
    text.push_str(&header(answers, program, today, &in_repo));
    text
}

/// `#:schema PATH` for editors (Taplo, Even Better TOML, Tombi), when the program
/// has the schema file `init` writes next to its program.toml; PATH is relative
/// to the agreement's folder. A blank line follows, as Tombi wants.
fn schema_directive(program: &Program, file: &Path) -> Option<String> {
    program.path.as_ref()?;
    let schema = program.root().join(crate::output::schema::SCHEMA_FILE);
    if !schema.is_file() {
        return None;
    }
    let rel = relative_from(&schema, crate::edit::atomic::parent_dir(file))?;
    let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    Some(format!("#:schema {}\n\n", rel.join("/")))
}

/// `text` made safe for a `#` comment: every control character (a line break
/// above all, which would end the comment and make the rest live TOML) is written
/// as its escape (`\n`, `\u{1b}`), so the comment stays one comment line.
pub fn comment_safe(text: &str) -> String {
    text.chars().fold(String::with_capacity(text.len()), |mut out, c| {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        out
    })
}

fn header(answers: &Answers, program: &Program, today: NaiveDate, file: &str) -> String {
    let name = |n: &Option<String>| comment_safe(n.as_deref().unwrap_or_default());
    let file = comment_safe(file);
    let roles: Vec<String> = program.rules.signatures.roles.iter().map(|r| format!("the {r}")).collect();
    let who = match roles.as_slice() {
        [] => "everyone".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let first = program.rules.signatures.roles.first().map_or("mentor", |r| r.as_str());
    format!(
        "# Mentoring agreement between {} (mentor) and {} (mentee),\n\
         # drafted with `mentor-agree new` on {today} under the rules of the {}.\n\
         #\n\
         # A draft until {who} sign it, each with e.g.\n\
         #   mentor-agree sign {file} --role {first}\n\
         # Check it against the program's rules with: mentor-agree check {file}\n\n",
        name(&answers.mentor),
        name(&answers.mentee),
        comment_safe(&program.program.name),
    )
}

/// The answers as a two-column table, with the dates `check` derives from them.
pub fn summary(answers: &Answers, checked: &engine::Checked, file: &str, width: u16) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_width(width);
    let person = |name: &Option<String>, email: &Option<String>| match email {
        Some(e) => format!("{} <{e}>", name.clone().unwrap_or_default()),
        None => name.clone().unwrap_or_default(),
    };
    t.add_row(vec!["Mentor".to_string(), person(&answers.mentor, &answers.mentor_email)]);
    t.add_row(vec!["Mentee".to_string(), person(&answers.mentee, &answers.mentee_email)]);
    t.add_row(vec!["Lead".to_string(), person(&answers.lead, &answers.lead_email)]);
    t.add_row(vec!["Topics".to_string(), answers.topics.join(", ")]);
    let d = checked.derived.as_ref();
    let modes: Vec<&str> = answers.modes.iter().flatten().map(String::as_str).collect();
    let meets = format!(
        "{}, {} minutes, {}",
        d.and_then(|d| d.frequency_words.clone()).unwrap_or_else(|| answers.frequency.clone().unwrap_or_default()),
        answers.minutes.unwrap_or_default(),
        crate::format::timeline::modes_in_words(&modes)
    );
    t.add_row(vec!["Sessions".to_string(), meets]);
    let between = if answers.also_via.is_empty() { "—".to_string() } else { answers.also_via.join(", ") };
    t.add_row(vec!["Between sessions".to_string(), between]);
    let length = match (answers.months, answers.weeks) {
        (Some(m), _) => format!("{m} months"),
        (_, Some(w)) => format!("{w} weeks"),
        _ => String::new(),
    };
    let span = match (d.and_then(|d| d.start), d.and_then(|d| d.last_day)) {
        (Some(s), Some(l)) => format!("{length}: {s} to {l}"),
        _ => length,
    };
    t.add_row(vec!["Term".to_string(), span]);
    let reviews = d.map(|d| d.review_dates.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "));
    t.add_row(vec![
        "Reviews".to_string(),
        format!("every {} months: {}", answers.review_every_months.unwrap_or_default(), reviews.unwrap_or_default()),
    ]);
    for (i, g) in answers.goals.iter().enumerate() {
        let mut cell = g.goal.clone();
        if let Some(m) = &g.measure {
            cell.push_str(&format!("\nmeasure: {m}"));
        }
        if let Some(due) = g.due {
            cell.push_str(&format!("\ndue: {due}"));
        }
        if let Some(w) = &g.why {
            cell.push_str(&format!("\nwhy: {w}"));
        }
        t.add_row(vec![format!("Goal {}", i + 1), cell]);
    }
    t.add_row(vec!["File".to_string(), file.to_string()]);
    t
}

#[cfg(test)]
mod comment_tests {
    use super::comment_safe;

    #[test]
    fn user_text_in_a_comment_cannot_end_it() {
        let name = "Ada\nextensions = [{ months = 6 }]\n#\r\u{1b}";
        let safe = comment_safe(name);
        assert!(!safe.chars().any(char::is_control), "{safe:?}");
        assert_eq!(safe, "Ada\\nextensions = [{ months = 6 }]\\n#\\r\\u{1b}");
        assert_eq!(comment_safe("Tomás Rivera"), "Tomás Rivera");
    }
}
