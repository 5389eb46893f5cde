//! Property tests: the digest ignores formatting but not meaning, date arithmetic
//! agrees with a simple reference, and no input makes the checker panic.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use mentor_agree::checker::{self, Settings};
use mentor_agree::program::Program;
use mentor_agree::{rules, terms, timeline};
use proptest::prelude::*;

/// The meaning of a small agreement.
#[derive(Debug, Clone)]
struct Terms {
    topics: Vec<String>,
    mentor: String,
    email: String,
    minutes: i64,
    start: NaiveDate,
    goals: Vec<(String, NaiveDate)>,
}

/// How it is written.
#[derive(Debug, Clone)]
struct Style {
    inline_mentor: bool,
    literal_strings: bool,
    escape_ascii: bool,
    comments: bool,
    reorder: bool,
    inline_goals: bool,
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (2000i32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 àéüß\"\\\\]{0,12}"
}

fn terms_strategy() -> impl Strategy<Value = Terms> {
    (
        prop::collection::vec(text(), 0..3),
        text(),
        text(),
        1i64..500,
        date(),
        prop::collection::vec((text(), date()), 0..3),
    )
        .prop_map(|(topics, mentor, email, minutes, start, goals)| Terms {
            topics,
            mentor,
            email,
            minutes,
            start,
            goals,
        })
}

fn style_strategy() -> impl Strategy<Value = Style> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(inline_mentor, literal_strings, escape_ascii, comments, reorder, inline_goals)| Style {
            inline_mentor,
            literal_strings,
            escape_ascii,
            comments,
            reorder,
            inline_goals,
        },
    )
}

fn quote(s: &str, style: &Style) -> String {
    if style.literal_strings && !s.contains('\'') && !s.contains('\n') {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if style.escape_ascii && c.is_ascii_alphabetic() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn write(t: &Terms, s: &Style) -> String {
    let c = |text: &str| if s.comments { format!("   # {text}") } else { String::new() };
    let topics: Vec<String> = t.topics.iter().map(|x| quote(x, s)).collect();
    let mut top = vec![format!("format = 1{}", c("format")), format!("topics = [{}]", topics.join(", "))];
    let mentor_inline = format!("mentor = {{ name = {}, email = {} }}", quote(&t.mentor, s), quote(&t.email, s));
    if s.inline_mentor {
        top.push(mentor_inline);
    }
    // An empty inline array would say `goals = []`, which differs in meaning from no goals key.
    if s.inline_goals && !t.goals.is_empty() {
        let goals: Vec<String> =
            t.goals.iter().map(|(g, d)| format!("{{ due = {d}, goal = {} }}", quote(g, s))).collect();
        top.push(format!("goals = [{}]", goals.join(", ")));
    }
    if s.reorder {
        top.reverse();
    }
    let mut out = String::new();
    if s.comments {
        out.push_str("# a comment before everything\n");
    }
    for line in top {
        out.push_str(&line);
        out.push('\n');
    }
    if !s.inline_mentor {
        let (a, b) = (format!("name = {}", quote(&t.mentor, s)), format!("email = {}", quote(&t.email, s)));
        let (a, b) = if s.reorder { (b, a) } else { (a, b) };
        let _ = write!(out, "\n[mentor]{}\n{a}\n{b}\n", c("mentor"));
    }
    let (a, b) = (format!("start = {}", t.start), format!("session_minutes = {}", t.minutes));
    let (a, b) = if s.reorder { (b, a) } else { (a, b) };
    let _ = write!(out, "\n[term]\n{a}\n{b}\n");
    if !s.inline_goals || t.goals.is_empty() {
        for (g, d) in &t.goals {
            let _ = write!(out, "\n[[goals]]{}\ngoal = {}\ndue = {d}\n", c("goal"), quote(g, s));
        }
    }
    out
}

fn digest(text: &str) -> String {
    terms::digest(&terms::canonical(text).unwrap_or_else(|| panic!("not TOML:\n{text}")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn digest_ignores_formatting(t in terms_strategy(), a in style_strategy(), b in style_strategy()) {
        prop_assert_eq!(digest(&write(&t, &a)), digest(&write(&t, &b)));
    }

    #[test]
    fn digest_changes_with_meaning(t in terms_strategy(), s in style_strategy(), which in 0usize..4, extra in "[a-z]{1,5}") {
        let mut changed = t.clone();
        match which {
            0 => changed.mentor.push_str(&extra),
            1 => changed.minutes += 1,
            2 => changed.start = changed.start.succ_opt().unwrap(),
            _ => changed.topics.push(extra),
        }
        prop_assert_ne!(digest(&write(&t, &s)), digest(&write(&changed, &s)));
    }

    #[test]
    fn add_months_agrees_with_a_reference(d in date(), extra_day in 0u32..4, months in 0u32..60) {
        // Dates on the 28th..31st exercise clamping.
        let d = d.with_day(d.day() + extra_day).unwrap_or(d);
        let total = d.year() * 12 + d.month0() as i32 + months as i32;
        let (y, m) = (total / 12, total as u32 % 12 + 1);
        let last = (28..=31).rev().find(|&day| NaiveDate::from_ymd_opt(y, m, day).is_some()).unwrap();
        let expected = NaiveDate::from_ymd_opt(y, m, d.day().min(last)).unwrap();
        prop_assert_eq!(timeline::add_months(d, months), Some(expected));
    }

    #[test]
    fn checker_never_panics_on_arbitrary_text(text in "\\PC{0,400}") {
        let settings = Settings { today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(), options: rules::Options::default(), ssh: None };
        let _ = checker::check_text(Path::new("x.toml"), &text, Arc::new(Program::builtin()), &settings);
    }

    #[test]
    fn cohort_files_never_panic_and_every_problem_has_a_row(
        cut in 0usize..2000, len in 0usize..40, insert in prop::collection::vec(any::<u8>(), 0..24),
    ) {
        // The example cohort, with a stretch of its bytes replaced by arbitrary ones.
        let mut bytes = include_bytes!("../examples/cohort.csv").to_vec();
        let at = cut.min(bytes.len());
        let end = (at + len).min(bytes.len());
        bytes.splice(at..end, insert);
        let program = Arc::new(Program::builtin());
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let sheet = mentor_agree::cohort::parse(&bytes, Path::new("c.csv")).unwrap();
        let taken = std::collections::HashMap::new();
        let preamble = |_: &mentor_agree::questionnaire::Answers, _: &Path| String::new();
        let ctx = mentor_agree::cohort::Context {
            program: &program, today, folder: Path::new("agreements"), taken: &taken, preamble: &preamble,
        };
        let plan = mentor_agree::cohort::plan(sheet, &ctx);
        for p in &plan.problems {
            prop_assert!(p.row >= 1);
        }
        for d in &plan.drafts {
            prop_assert!(!plan.problems.iter().any(|p| p.row == d.row && p.severity == mentor_agree::diagnostic::Severity::Error));
        }
    }

    #[test]
    fn checker_never_panics_on_mutated_agreements(cut in 0usize..4000, len in 0usize..60, insert in "\\PC{0,20}") {
        let original = include_str!("../examples/2026-09-maya-okafor-tomas-rivera.toml");
        let mut text = original.to_string();
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        let mut end = (at + len).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        text.replace_range(at..end.max(at), &insert);
        let settings = Settings { today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(), options: rules::Options { require_signed: true }, ssh: None };
        let checked = checker::check_text(Path::new("x.toml"), &text, Arc::new(Program::builtin()), &settings);
        for d in &checked.diagnostics {
            prop_assert!(d.position.line >= 1 && d.position.column >= 1);
            prop_assert!(d.position.line_span.end <= d.position.source_line.len());
        }
    }
}
