//! Property tests: the digest ignores formatting but not meaning, date arithmetic
//! agrees with a simple reference, no input makes the checker panic (hostile
//! bytes: control characters, invalid UTF-8, deep nesting, long lines, mutations
//! anywhere in a real agreement, through the library in process and through the
//! real binary, `check --format json`, which must exit 0 or 1 with valid JSON
//! before a timeout that kills it), CSV cells come back as the text they were
//! (never as a formula), and a signature statement is JSON that gives back what
//! was signed.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use mentor_agree::engine::{self, Settings};
use mentor_agree::format::{terms, timeline};
use mentor_agree::program::Program;
use mentor_agree::rules;
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

/// 256 cases, or `PROPTEST_CASES` (`.ci/checks/50-fuzz.sh` asks for many more).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256)
}

fn digest(text: &str) -> String {
    terms::digest(&terms::canonical(text).unwrap_or_else(|| panic!("not TOML:\n{text}")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn digest_ignores_formatting(t in terms_strategy(), a in style_strategy(), b in style_strategy()) {
        prop_assert_eq!(digest(&write(&t, &a)), digest(&write(&t, &b)));
    }

    #[test]
    fn digest_changes_with_meaning(t in terms_strategy(), s in style_strategy(), which in 0usize..6, extra in "[a-z]{1,5}") {
        let mut changed = t.clone();
        let text = write(&t, &s);
        let changed_text = match which {
            0 => { changed.mentor.push_str(&extra); write(&changed, &s) }
            1 => { changed.minutes += 1; write(&changed, &s) }
            2 => { changed.start = changed.start.succ_opt().unwrap(); write(&changed, &s) }
            3 => { changed.topics.push(extra); write(&changed, &s) }
            // The same value as another type: a quoted date, a float.
            4 => text.replace(&format!("start = {}", t.start), &format!("start = \"{}\"", t.start)),
            _ => text.replace(&format!("session_minutes = {}", t.minutes), &format!("session_minutes = {}.0", t.minutes)),
        };
        prop_assert_ne!(&changed_text, &text);
        prop_assert_ne!(digest(&text), digest(&changed_text));
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
    fn checker_never_panics_on_arbitrary_bytes(bytes in hostile_bytes()) {
        check_bytes(&bytes)?;
    }

    #[test]
    fn checker_never_panics_on_mutated_agreements(bytes in mutated_example()) {
        check_bytes(&bytes)?;
    }
}

/// Pieces of hostile input: control characters, invalid UTF-8, TOML punctuation,
/// keys and values of the format, odd numbers and dates.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r",
    b"\r\n",
    b"\0",
    b"\t",
    b"\x0b",
    b"\x1b[31m",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xfe",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x80\xae",
    b"\xe2\x80\xa8",
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"{",
    b"}",
    b"=",
    b",",
    b".",
    b"\"",
    b"'",
    b"\"\"\"",
    b"'''",
    b"#",
    b"\\",
    b"\\u00",
    b"\\U0010FFFF",
    b" ",
    b"format = 1\n",
    b"format = 2\n",
    b"[mentor]\n",
    b"[mentee]\n",
    b"[schedule]\n",
    b"[term]\n",
    b"[[goals]]\n",
    b"[[signatures]]\n",
    b"[[checkins]]\n",
    b"[[extensions]]\n",
    b"[termination]\n",
    b"name = ",
    b"email = ",
    b"date = ",
    b"start = ",
    b"months = ",
    b"due = ",
    b"role = ",
    b"id = ",
    b"terms = \"sha256:",
    b"frequency = ",
    b"session_minutes = ",
    b"2026-12-07",
    b"2026-02-30",
    b"0000-00-00",
    b"1979-05-27T07:32:00Z",
    b"07:32:00",
    b"nan",
    b"-inf",
    b"-0",
    b"99999999999999999999",
    b"0x7f",
    b"1e400",
    b"true",
    b"\"mentor\"",
    b"\"weekly\"",
    b"\"every 2 weeks\"",
    b"\"\"",
];

/// Pieces that become deep nesting, long lines or many keys when repeated.
const REPEATED: &[&[u8]] = &[b"[", b"{a=", b"a", b"k = 1\n", b"[[goals]]\n", b"\"", b"x.", b"\n", b" ", b"\xff"];

fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::sample::select(TOKENS).prop_map(<[u8]>::to_vec),
        1 => prop::collection::vec(any::<u8>(), 0..12),
        1 => (prop::sample::select(REPEATED), 1usize..20_000).prop_map(|(p, n)| p.repeat(n)),
    ]
}

/// Arbitrary bytes built from hostile pieces.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(piece(), 0..48).prop_map(|pieces| pieces.concat())
}

const EXAMPLE: &[u8] = include_bytes!("../examples/2026-09-maya-okafor-tomas-rivera.toml");

/// The signed example with a few stretches replaced by hostile pieces, at any
/// byte (not only character boundaries or the end).
fn mutated_example() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<prop::sample::Index>(), 0usize..80, piece()), 1..8).prop_map(|edits| {
        let mut bytes = EXAMPLE.to_vec();
        for (at, len, insert) in edits {
            let at = at.index(bytes.len() + 1);
            let end = (at + len).min(bytes.len());
            bytes.splice(at..end, insert);
        }
        bytes
    })
}

fn any_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![hostile_bytes(), mutated_example()]
}

/// What `check` does with a file's bytes, in process: decode, check, JSON report.
fn check_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
    let settings = Settings {
        today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        options: rules::Options { require_signed: true },
        ssh: None,
    };
    let path = Path::new("x.toml");
    let checked = match engine::decode(bytes.to_vec()) {
        Ok(text) => engine::check_text(path, &text, Arc::new(Program::builtin()), &settings),
        Err(located) => {
            let mut checked = engine::check_text(path, "", Arc::new(Program::builtin()), &settings);
            checked.diagnostics = vec![*located];
            checked
        }
    };
    for d in &checked.diagnostics {
        prop_assert!(d.position.line >= 1 && d.position.column >= 1);
        prop_assert!(d.position.line_span.end <= d.position.source_line.len());
    }
    let json = mentor_agree::output::diagnostics::json(std::slice::from_ref(&checked));
    prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok(), "invalid JSON: {}", json);
    Ok(())
}

/// Runs the real binary, `check --format json FILE`, on `bytes`. A run that takes
/// longer than the bound is killed and fails the case (a hang, not a slow run:
/// the bound is far above what any case needs).
fn check_binary(bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.toml");
    std::fs::write(&file, bytes).unwrap();
    let out = assert_cmd::Command::cargo_bin("mentor-agree")
        .unwrap()
        .env("NO_COLOR", "1")
        .env_remove("MENTOR_AGREE_TODAY")
        .args(["--today", "2026-11-25", "check", "--format", "json"])
        .arg(&file)
        .timeout(std::time::Duration::from_secs(60))
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => return Err(TestCaseError::fail(format!("check did not finish: {e}"))),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    prop_assert!(matches!(out.status.code(), Some(0 | 1)), "exit {:?} (a panic or a signal?): {}", out.status, stderr);
    prop_assert!(!stderr.contains("panicked"), "{}", stderr);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| TestCaseError::fail(format!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))))?;
    prop_assert_eq!(&json["checked"], 1);
    let diagnostics = json["diagnostics"].as_array().map_or(0, Vec::len);
    // Exit 1 exactly when there is an error to report.
    let errors = json["diagnostics"].as_array().into_iter().flatten().filter(|d| d["severity"] == "error").count();
    prop_assert_eq!(out.status.code() == Some(1), errors > 0, "{} diagnostics, {} errors", diagnostics, errors);
    Ok(())
}

fn binary_cases() -> u32 {
    std::env::var("MENTOR_AGREE_BINARY_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(128)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: binary_cases(), max_shrink_iters: 200, max_shrink_time: 120_000, ..ProptestConfig::default() })]

    #[test]
    fn the_binary_never_panics_or_hangs_on_arbitrary_bytes(bytes in any_input()) {
        check_binary(&bytes)?;
    }
}

/// A TOML value to write, with how to write it.
#[derive(Debug, Clone)]
enum Toml {
    /// A string, written as a basic string (or a literal one when `literal` and it can be).
    Str(String, bool),
    /// An integer and a radix to write it in (16, 8, 2; anything else: decimal with `_`s or a `+`).
    Int(i64, u32),
    /// A float's TOML text.
    Float(String),
    Bool(bool),
    /// A date, time or datetime's TOML text.
    Datetime(String),
    Array(Vec<Toml>),
    Table(std::collections::BTreeMap<String, Toml>),
}

fn datetime_text() -> impl Strategy<Value = String> {
    let date = (1900u32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    let time = (0u32..24, 0u32..60, 0u32..60, prop::option::of(0u32..1000)).prop_map(|(h, m, s, frac)| {
        format!("{h:02}:{m:02}:{s:02}{}", frac.map(|f| format!(".{f:03}")).unwrap_or_default())
    });
    let offset = prop::sample::select(vec!["Z", "+05:30", "-08:00", "z", "+00:00"]);
    (date, time, offset, 0usize..4, any::<bool>()).prop_map(|(date, time, offset, kind, space)| {
        let sep = if space { " " } else { "T" };
        match kind {
            0 => date,
            1 => time,
            2 => format!("{date}{sep}{time}"),
            _ => format!("{date}{sep}{time}{offset}"),
        }
    })
}

fn float_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(|x| format!("{x:?}")),
        (-1000i32..1000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
        prop::sample::select(vec![
            "nan", "+nan", "-nan", "inf", "+inf", "-inf", "1_000.5", "6.0", "-0.0", "1e3", "1E-3"
        ])
        .prop_map(str::to_string),
    ]
}

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,8}",
        "[\\x00-\\x1f\"\\\\'\\u{7f}é]{0,4}",
        // Strings whose text is that of another type.
        datetime_text(),
        prop::sample::select(vec!["nan", "inf", "-inf", "+inf", "1", "1.0", "true", "", "null", "[null]"])
            .prop_map(str::to_string),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "a",
            "b",
            "start",
            "format",
            "terms",
            "Zed",
            "é",
            "a b",
            "1",
            "signatures",
            "checkins",
            "evaluations",
            "feedback",
            "extensions",
            "termination"
        ])
        .prop_map(str::to_string),
        "\\PC{0,4}",
    ]
}

fn toml_value() -> impl Strategy<Value = Toml> {
    let leaf = prop_oneof![
        (string_value(), any::<bool>()).prop_map(|(s, l)| Toml::Str(s, l)),
        (any::<i64>(), prop::sample::select(vec![10u32, 16, 8, 2, 0, 1])).prop_map(|(i, r)| Toml::Int(i, r)),
        float_text().prop_map(Toml::Float),
        any::<bool>().prop_map(Toml::Bool),
        datetime_text().prop_map(Toml::Datetime),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Toml::Array),
            prop::collection::btree_map(key(), inner, 0..4).prop_map(Toml::Table),
        ]
    })
}

/// A TOML key, bare when it can be.
fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        toml_basic(k)
    }
}

fn toml_basic(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_text(v: &Toml) -> String {
    match v {
        Toml::Str(s, true) if !s.contains('\'') && !s.chars().any(char::is_control) => format!("'{s}'"),
        Toml::Str(s, _) => toml_basic(s),
        Toml::Int(i, 16) if *i >= 0 => format!("0x{i:X}"),
        Toml::Int(i, 8) if *i >= 0 => format!("0o{i:o}"),
        Toml::Int(i, 2) if *i >= 0 => format!("0b{i:b}"),
        Toml::Int(i, 0) if *i >= 1000 => format!("{}_{:03}", i / 1000, i % 1000),
        Toml::Int(i, 1) if *i >= 0 => format!("+{i}"),
        Toml::Int(i, _) => i.to_string(),
        Toml::Float(f) | Toml::Datetime(f) => f.clone(),
        Toml::Bool(b) => b.to_string(),
        Toml::Array(items) => format!("[{}]", items.iter().map(toml_text).collect::<Vec<_>>().join(", ")),
        Toml::Table(t) => format!(
            "{{ {} }}",
            t.iter().map(|(k, v)| format!("{} = {}", toml_key(k), toml_text(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// A document: top-level keys, tables as `[header]` sections when `sections`.
fn toml_document(top: &std::collections::BTreeMap<String, Toml>, sections: bool) -> String {
    let mut out = String::new();
    let mut later = String::new();
    for (k, v) in top {
        match v {
            Toml::Table(t) if sections => {
                let _ = writeln!(later, "\n[{}]", toml_key(k));
                for (k2, v2) in t {
                    let _ = writeln!(later, "{} = {}", toml_key(k2), toml_text(v2));
                }
            }
            _ => {
                let _ = writeln!(out, "{} = {}", toml_key(k), toml_text(v));
            }
        }
    }
    out + &later
}

/// The oracle: the canonical terms form, written here from the documented rules
/// on top of another TOML reader (`toml::Table`) and serde_json's writer.
fn oracle(text: &str) -> String {
    use serde_json::Value as J;
    fn is_other_type(s: &str) -> bool {
        ["nan", "inf", "+inf", "-inf"].contains(&s)
            || toml::from_str::<toml::Table>(&format!("x = {s}")).is_ok_and(|t| t["x"].is_datetime())
    }
    fn json(v: &toml::Value) -> J {
        match v {
            toml::Value::String(s) if is_other_type(s) => J::Array(vec![J::Null, J::String(s.clone())]),
            toml::Value::String(s) => J::String(s.clone()),
            toml::Value::Integer(i) => J::from(*i),
            toml::Value::Float(f) if f.is_nan() => J::from("nan"),
            toml::Value::Float(f) if f.is_infinite() => J::from(if *f > 0.0 { "inf" } else { "-inf" }),
            toml::Value::Float(f) => J::from(*f),
            toml::Value::Boolean(b) => J::Bool(*b),
            toml::Value::Datetime(d) => J::String(d.to_string()),
            toml::Value::Array(a) => J::Array(a.iter().map(json).collect()),
            toml::Value::Table(t) => object(t, &[]),
        }
    }
    fn object(t: &toml::Table, skip: &[&str]) -> J {
        let sorted: std::collections::BTreeMap<&String, &toml::Value> =
            t.iter().filter(|(k, _)| !skip.contains(&k.as_str())).collect();
        J::Object(sorted.into_iter().map(|(k, v)| (k.clone(), json(v))).collect())
    }
    let table: toml::Table =
        toml::from_str(text).unwrap_or_else(|e| panic!("generated TOML is invalid ({e}):\n{text}"));
    // The records README.md's "Terms and digests" names, written out here rather than
    // taken from the library's list, so that a change to either shows.
    let records = ["signatures", "extensions", "checkins", "evaluations", "feedback", "termination"];
    serde_json::to_string(&object(&table, &records)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn canonical_terms_agree_with_an_independent_oracle(
        top in prop::collection::btree_map(key(), toml_value(), 0..8),
        sections in any::<bool>(),
    ) {
        let text = toml_document(&top, sections);
        let canonical = terms::canonical(&text).unwrap_or_else(|| panic!("not TOML:\n{text}"));
        prop_assert_eq!(canonical, oracle(&text), "--- TOML:\n{}", text);
    }

    #[test]
    fn a_value_and_a_string_of_its_text_digest_differently(v in toml_value()) {
        let value = terms::canonical(&format!("x = {}", toml_text(&v))).unwrap();
        let as_string = terms::canonical(&format!("x = {}", toml_basic(&toml_text(&v)))).unwrap();
        prop_assert_ne!(digest_of(&value), digest_of(&as_string));
    }
}

fn digest_of(canonical: &str) -> String {
    terms::digest(canonical)
}

/// A record one side appends to an agreement. `n` makes each one distinct.
#[derive(Debug, Clone)]
enum Record {
    Checkin { date: NaiveDate, by: &'static str, n: usize },
    Evaluation { date: NaiveDate, n: usize },
    Extension { agreed: NaiveDate, months: u32 },
    Feedback { date: NaiveDate, by: &'static str, n: usize },
}

fn record() -> impl Strategy<Value = Record> {
    prop_oneof![
        (date(), prop::sample::select(vec!["mentor", "mentee", "program"]), 0usize..1000)
            .prop_map(|(date, by, n)| Record::Checkin { date, by, n }),
        (date(), 0usize..1000).prop_map(|(date, n)| Record::Evaluation { date, n }),
        (date(), 1u32..12).prop_map(|(agreed, months)| Record::Extension { agreed, months }),
        (date(), prop::sample::select(vec!["mentor", "mentee"]), 0usize..1000)
            .prop_map(|(date, by, n)| Record::Feedback { date, by, n }),
    ]
}

fn record_text(r: &Record) -> String {
    match r {
        Record::Checkin { date, by, n } => format!("\n[[checkins]]\ndate = {date}\nby = \"{by}\"\nnote = \"n{n}\"\n"),
        Record::Evaluation { date, n } => format!(
            "\n[[evaluations]]\ndate = {date}\nby = [\"mentor\", \"mentee\"]\nclosing = false\nworking = \"w{n}\"\nprogress = [{{ goal = 1, status = \"on-track\", note = \"p{n}\" }}]\n"
        ),
        Record::Extension { agreed, months } => {
            format!("\n[[extensions]]\nmonths = {months}\nagreed = {agreed}\nby = [\"mentor\", \"mentee\"]\n")
        }
        // A sealed block's shape (armor lines in a multi-line string); the merge never opens it.
        Record::Feedback { date, by, n } => format!(
            "\n[[feedback]]\ndate = {date}\nform = \"midpoint\"\nby = \"{by}\"\nanswers = {{ useful = {} }}\n\
             sealed = \"\"\"\n-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3Yx{n:04}\n-----END AGE ENCRYPTED FILE-----\"\"\"\n",
            n % 5 + 1
        ),
    }
}

/// Every record of a parsed agreement, as (list, canonical value), sorted.
fn records_of(text: &str) -> Vec<(String, String)> {
    let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("merged file is not TOML ({e}):\n{text}"));
    let mut out = Vec::new();
    for key in mentor_agree::versions::merge::RECORD_KEYS {
        for entry in table.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
            out.push((key.to_string(), entry.to_string()));
        }
    }
    out.sort();
    out
}

fn error_codes(text: &str) -> std::collections::BTreeSet<&'static str> {
    let settings = Settings {
        today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        options: rules::Options::default(),
        ssh: None,
    };
    let checked = engine::check_text(Path::new("x.toml"), text, Arc::new(Program::builtin()), &settings);
    checked
        .diagnostics
        .iter()
        .filter(|l| l.diagnostic.severity == mentor_agree::diagnostic::Severity::Error)
        .map(|l| l.diagnostic.code.as_str())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Two branches that each append records (and one that may change a term)
    /// merge into a file that parses, holds every record of both sides (as
    /// a multiset: shared ones once), takes the one-sided term change, and has no kind of error neither side had.
    #[test]
    fn merge_keeps_every_record_of_both_sides_exactly_once(
        t in terms_strategy(),
        ours_style in style_strategy(),
        theirs_style in style_strategy(),
        before in prop::collection::vec(record(), 0..3),
        ours_add in prop::collection::vec(record(), 0..4),
        theirs_add in prop::collection::vec(record(), 0..4),
        shared in prop::collection::vec(record(), 0..2),
        minutes in prop::option::of(1i64..500),
    ) {
        let texts = |rs: &[Record]| rs.iter().map(record_text).collect::<String>();
        let base = format!("{}{}", write(&t, &ours_style), texts(&before));
        let ours = format!("{base}{}{}", texts(&ours_add), texts(&shared));
        let mut changed = t.clone();
        if let Some(m) = minutes { changed.minutes = m; }
        let theirs = format!("{}{}{}{}", write(&changed, &theirs_style), texts(&before), texts(&shared), texts(&theirs_add));

        let merged = match mentor_agree::versions::merge::merge(&base, &ours, &theirs) {
            mentor_agree::versions::merge::Merge::Clean(text) => text,
            other => return Err(TestCaseError::fail(format!("not merged: {other:?}"))),
        };
        // Records as a multiset: each as many times as the side that has it most
        // (a record both added counts once, one side's two identical ones twice).
        let (ours_records, theirs_records) = (records_of(&ours), records_of(&theirs));
        let mut expected: Vec<(String, String)> = ours_records.clone();
        for r in &theirs_records {
            let count = |list: &[(String, String)]| list.iter().filter(|x| *x == r).count();
            if count(&expected) < count(&theirs_records) { expected.push(r.clone()); }
        }
        expected.sort();
        prop_assert_eq!(records_of(&merged), expected);
        // The terms (everything but the records) are their side's, the one that changed.
        let terms_of = |text: &str| {
            let mut table: toml::Table = text.parse().unwrap();
            table.retain(|k, _| !mentor_agree::versions::merge::RECORD_KEYS.contains(&k));
            table
        };
        prop_assert_eq!(terms_of(&merged), terms_of(&write(&changed, &theirs_style)));
        let allowed: std::collections::BTreeSet<_> = error_codes(&ours).union(&error_codes(&theirs)).copied().collect();
        prop_assert!(error_codes(&merged).is_subset(&allowed), "{:?} vs {:?}", error_codes(&merged), allowed);
        if minutes.is_none() && ours_style.comments {
            prop_assert!(merged.starts_with("# a comment before everything\n"));
        }
    }

    #[test]
    fn csv_cells_come_back_as_text_a_spreadsheet_does_not_run(
        rows in proptest::collection::vec(proptest::collection::vec("(=|\\+|-|@|\t|\r|'|\"|,|\n)?\\PC{0,12}", 3), 0..6),
    ) {
        let mut out = Vec::new();
        mentor_agree::output::export::write_csv(&mut out, &["a", "b", "c"], rows.clone().into_iter()).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        prop_assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["a", "b", "c"]);
        let back: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
        // The documented rule (README, docs/safety.md), written out here rather than
        // taken from the code: a cell starting with `=`, `+`, `-`, `@`, a tab or a
        // carriage return is its text with a `'` in front; any other cell is its text.
        let documented = |text: &str| {
            if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
        };
        let expected: Vec<Vec<String>> = rows.iter().map(|row| row.iter().map(|t| documented(t)).collect()).collect();
        prop_assert_eq!(&back, &expected);
        for cell in back.iter().flatten() {
            prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", cell);
        }
    }

    #[test]
    fn a_statement_is_json_that_gives_back_what_was_signed(role in "\\PC{0,10}", name in "\\PC{0,30}", d in date(), digest in "\\PC{0,20}") {
        let bytes = terms::statement(&role, &name, d, &digest);
        let parsed: serde_json::Value = serde_json::from_str(&bytes).unwrap();
        prop_assert_eq!(parsed["role"].as_str(), Some(role.as_str()));
        prop_assert_eq!(parsed["name"].as_str(), Some(name.as_str()));
        prop_assert_eq!(parsed["terms"].as_str(), Some(digest.as_str()));
        prop_assert_eq!(parsed["date"].as_str().map(str::to_string), Some(d.format("%Y-%m-%d").to_string()));
        prop_assert!(!bytes.contains('\n'), "one line, no final newline");
    }
}

proptest! {
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
        let sheet = mentor_agree::scaffold::cohort::parse(&bytes, Path::new("c.csv")).unwrap();
        let taken = std::collections::HashMap::new();
        let preamble = |_: &mentor_agree::scaffold::questionnaire::Answers, _: &Path| String::new();
        let ctx = mentor_agree::scaffold::cohort::Context {
            program: &program, today, folder: Path::new("agreements"), taken: &taken, preamble: &preamble,
        };
        let plan = mentor_agree::scaffold::cohort::plan(sheet, &ctx);
        for p in &plan.problems {
            prop_assert!(p.row >= 1);
        }
        for d in &plan.drafts {
            prop_assert!(!plan.problems.iter().any(|p| p.row == d.row && p.severity == mentor_agree::diagnostic::Severity::Error));
        }
    }
}

/// One side of a merge: the example with records appended (most cases, so that
/// many merges go through by meaning), the example mutated anywhere, hostile
/// bytes (NUL, invalid UTF-8, deep nesting, long lines), or nothing at all.
fn merge_side() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(record(), 0..3)
            .prop_map(|rs| [EXAMPLE, rs.iter().map(record_text).collect::<String>().as_bytes()].concat()),
        1 => mutated_example(),
        1 => hostile_bytes(),
        1 => Just(Vec::new()),
    ]
}

/// Every record entry of a text, as (list, value); none when it is not TOML.
fn records_if_toml(text: &str) -> Vec<(String, toml::Value)> {
    let Ok(table) = text.parse::<toml::Table>() else { return Vec::new() };
    let mut out = Vec::new();
    for key in mentor_agree::versions::merge::RECORD_KEYS {
        for entry in table.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
            out.push((key.to_string(), entry.clone()));
        }
    }
    out
}

/// 64 cases, or `MENTOR_AGREE_MERGE_DRIVER_CASES` (each runs `git merge-file`).
fn merge_driver_cases() -> u32 {
    std::env::var("MENTOR_AGREE_MERGE_DRIVER_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Any three sides (broken, empty, binary, mutated, or real agreements with
    /// records): the merge by meaning never panics, and a clean result parses, is
    /// an agreement, and holds every record either side added.
    #[test]
    fn merge_never_panics_or_loses_a_record_over_hostile_sides(base in merge_side(), ours in merge_side(), theirs in merge_side()) {
        let [base, ours, theirs] = [&base, &ours, &theirs].map(|b| String::from_utf8_lossy(b).into_owned());
        if let mentor_agree::versions::merge::Merge::Clean(text) = mentor_agree::versions::merge::merge(&base, &ours, &theirs) {
            let merged: toml::Table = text.parse().map_err(|e| TestCaseError::fail(format!("clean but not TOML: {e}")))?;
            prop_assert!(merged.contains_key("format"));
            let merged = records_if_toml(&text);
            let old = records_if_toml(&base);
            for record in records_if_toml(&ours).into_iter().chain(records_if_toml(&theirs)) {
                prop_assert!(old.contains(&record) || merged.contains(&record), "lost {:?}", record);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: merge_driver_cases(), ..ProptestConfig::default() })]

    /// The whole driver, with git's line-wise fallback: it always gives an answer,
    /// calls a result clean only when it parses as TOML, and keeps OURS byte for
    /// byte when a side is binary.
    #[test]
    fn the_merge_driver_never_calls_an_unparsable_file_clean(base in merge_side(), ours in merge_side(), theirs in merge_side()) {
        let r = mentor_agree::versions::merge::resolve(&base, &ours, &theirs, ["ours", "base", "theirs"], 7)
            .map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
        if r.clean {
            let text = std::str::from_utf8(&r.bytes).map_err(|_| TestCaseError::fail("clean but not UTF-8"))?;
            prop_assert!(text.parse::<toml::Table>().is_ok(), "clean but not TOML");
        }
        if [&base, &ours, &theirs].iter().any(|b| b.contains(&0)) {
            prop_assert!(!r.clean);
            prop_assert_eq!(&r.bytes, &ours);
        }
    }
}

/// The one-line texts of an agreement, as `(table or array-of-tables header, key)`.
const ONE_LINE_TEXTS: &[(&str, &str)] = &[
    ("[mentor]", "name"),
    ("[mentee]", "email"),
    ("[lead]", "name"),
    ("[[goals]]", "goal"),
    ("[[goals]]", "measure"),
    ("[[checkins]]", "note"),
    ("[termination]", "reason"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Issue 24: any control character anywhere in any one-line text is a
    /// `control-character` error, whatever the text around it.
    #[test]
    fn a_control_character_in_any_one_line_text_is_an_error(
        which in 0..ONE_LINE_TEXTS.len(),
        before in "[a-zA-Z ]{0,8}",
        c in prop::char::range('\u{0}', '\u{9f}').prop_filter("a control character", |c| c.is_control()),
        after in "[a-zA-Z ]{0,8}",
    ) {
        let (table, key) = ONE_LINE_TEXTS[which];
        let value = toml_edit::Value::from(format!("{before}{c}{after}")).to_string();
        let text = format!("format = 1\n{table}\n{key} = {value}\n");
        let program = Arc::new(Program::builtin());
        let settings = Settings { today: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(), options: rules::Options::default(), ssh: None };
        let checked = engine::check_text(Path::new("a.toml"), &text, program, &settings);
        let codes: Vec<&str> = checked.diagnostics.iter().map(|l| l.diagnostic.code.as_str()).collect();
        prop_assert!(codes.contains(&"control-character"), "{text:?}: {codes:?}");
    }
}

/// A signed example agreement (every role signed by name) with its signatures
/// renewed for `text`'s terms, and checked under `program` on `today`.
fn checked_signed(text: &str, program: &str, today: &str) -> mentor_agree::engine::Checked {
    let digest = terms::digest(&terms::canonical(text).unwrap());
    let mut text = text.to_string();
    for (role, name) in [("mentor", "Maya Okafor"), ("mentee", "Tomás Rivera"), ("lead", "Priya Natarajan")] {
        let _ = write!(
            text,
            "\n[[signatures]]\nrole = \"{role}\"\nname = \"{name}\"\ndate = 2026-08-25\nterms = \"{digest}\"\n"
        );
    }
    let program = Program::parse(program, Path::new("program.toml")).unwrap();
    let settings = Settings { today: today.parse().unwrap(), options: rules::Options::default(), ssh: None };
    engine::check_text(Path::new("a.toml"), &text, Arc::new(program), &settings)
}

/// The example's terms (no records), with the parties' emails as given.
fn pair_with_emails(mentor: &str, mentee: &str, lead: &str) -> String {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/2026-09-maya-okafor-tomas-rivera.toml"),
    )
    .unwrap();
    let terms = &example[..example.find("\n[[signatures]]").unwrap()];
    let mut out = String::new();
    let mut role = "";
    for line in terms.lines() {
        if let Some(r) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            role = r;
        }
        if line.starts_with("email = ") {
            let email = match role {
                "mentor" => mentor,
                "mentee" => mentee,
                _ => lead,
            };
            let _ = writeln!(out, "email = \"{email}\"");
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    if !terms.contains("[lead]\nname = \"Priya Natarajan\"\nemail") {
        out = out.replace(
            "[lead]\nname = \"Priya Natarajan\"\n",
            &format!("[lead]\nname = \"Priya Natarajan\"\nemail = \"{lead}\"\n"),
        );
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// One person, one role: whichever two parties share an email (in any case,
    /// with stray spaces), the later role's signature never counts and the
    /// agreement is never in force on it.
    #[test]
    fn one_person_never_signs_for_two_roles(
        pair in prop::sample::select(vec![(0usize, 1usize), (0, 2), (1, 2)]),
        upper in any::<bool>(),
        pad in any::<bool>(),
    ) {
        let mut emails = ["maya@example.org".to_string(), "tomas@example.org".to_string(), "priya@example.org".to_string()];
        let mut shared = emails[pair.0].clone();
        if upper { shared = shared.to_uppercase(); }
        if pad { shared = format!(" {shared} "); }
        emails[pair.1] = shared;
        let text = pair_with_emails(&emails[0], &emails[1], &emails[2]);
        let checked = checked_signed(&text, "", "2026-11-25");
        let d = checked.derived.as_deref().unwrap();
        let later = mentor_agree::format::role::Role::SIGNERS[pair.1];
        prop_assert!(!d.signed.contains(&later), "{later} counted: {:?}\n{text}", d.signed);
        prop_assert_eq!(d.state, mentor_agree::facts::derived::State::Draft);
        prop_assert!(checked.diagnostics.iter().any(|l| l.diagnostic.code == mentor_agree::diagnostic::Code::SamePerson));
    }

    /// With SSH signing, an extension nobody consented to never moves the last
    /// day, whatever its length, date or who it says agreed.
    #[test]
    fn an_unsigned_extension_never_moves_the_last_day_with_ssh_signing(
        months in 1u32..24,
        agreed_day in 0u64..200,
        by in prop::sample::select(vec!["[\"mentor\", \"mentee\"]", "[\"mentor\"]", "[\"mentee\", \"mentor\", \"lead\"]"]),
    ) {
        let program = "[rules.signatures]\nmethod = \"ssh\"\n";
        let text = pair_with_emails("maya@example.org", "tomas@example.org", "priya@example.org");
        let base = checked_signed(&text, program, "2026-11-25");
        let agreed = NaiveDate::from_ymd_opt(2026, 9, 7).unwrap() + chrono::Days::new(agreed_day);
        let extended = format!("{text}\n[[extensions]]\nmonths = {months}\nagreed = {agreed}\nby = {by}\n");
        let after = checked_signed(&extended, program, "2026-11-25");
        prop_assert_eq!(after.derived.as_deref().unwrap().last_day, base.derived.as_deref().unwrap().last_day);
        prop_assert!(after.diagnostics.iter().any(|l| l.diagnostic.code == mentor_agree::diagnostic::Code::ExtensionUnsigned));
    }
}
