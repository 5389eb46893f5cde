//! Property: every editing command, applied to generated agreements written in
//! many styles (comments everywhere, odd spacing, inline tables, shuffled tables,
//! CRLF, no final newline, existing check-ins and signatures), keeps the original
//! bytes. `checkin`, `evaluate`, `extend` and `terminate` only append, so the original is a
//! prefix of the result; `sign` for a role that has signed before rewrites only
//! that role's `[[signatures]]` entry, so everything before and after it is kept.
//!
//! Each case runs the real binary with `--dry-run` (which prints exactly what a
//! real run writes; `tests/edit.rs` shows that), so a moderate number of cases
//! keeps this to seconds. `PROPTEST_CASES` raises it.

mod common;

use std::fmt::Write as _;

use common::cmd;
use proptest::prelude::*;

/// How a generated agreement is written.
#[derive(Debug, Clone)]
struct Style {
    comments: bool,
    inline_people: bool,
    aligned: bool,
    shuffle: u8,
    blank_lines: usize,
    crlf: bool,
    final_newline: bool,
    trailing_comment: bool,
    /// Later `[[list]]` headers spaced differently from the first (toml_edit would respace them).
    spaced_headers: bool,
}

/// What it says.
#[derive(Debug, Clone)]
struct Content {
    months: u32,
    start_day: u32,
    minutes: u32,
    frequency: &'static str,
    goals: usize,
    checkins: usize,
    /// Roles that signed before (with a stale digest), in file order.
    signed: Vec<&'static str>,
    note: String,
}

fn style() -> impl Strategy<Value = Style> {
    (any::<[bool; 8]>(), any::<u8>(), 1usize..3).prop_map(|(b, shuffle, blank_lines)| Style {
        comments: b[0],
        inline_people: b[1],
        aligned: b[2],
        shuffle,
        blank_lines,
        crlf: b[3],
        final_newline: b[4],
        trailing_comment: b[5] && b[6],
        spaced_headers: b[7],
    })
}

fn content() -> impl Strategy<Value = Content> {
    (
        3u32..=12,
        1u32..=28,
        30u32..=90,
        prop::sample::select(vec!["weekly", "fortnightly", "monthly"]),
        1usize..=3,
        0usize..3,
        prop::sample::subsequence(vec!["mentor", "mentee", "lead"], 0..=3),
        "[a-zA-Z0-9][a-zA-Z0-9 ,.!?'éü#=\\[\\]{}\"\\\\]{0,29}",
    )
        .prop_map(|(months, start_day, minutes, frequency, goals, checkins, signed, note)| Content {
            months,
            start_day,
            minutes,
            frequency,
            goals,
            checkins,
            signed,
            note,
        })
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const PEOPLE: [(&str, &str, &str); 3] = [
    ("mentor", "Ada Lovelace", "ada@example.org"),
    ("mentee", "Grace Hopper", "grace@example.org"),
    ("lead", "Alan Turing", "alan@example.org"),
];

/// The agreement's text, and for each role in `c.signed` the byte range of its signature entry.
fn write(c: &Content, s: &Style) -> (String, Vec<(&'static str, std::ops::Range<usize>)>) {
    let comment = |text: &str| if s.comments { format!("   # {text}") } else { String::new() };
    let kv = |k: &str, v: &str| if s.aligned { format!("{k:<16}= {v}") } else { format!("{k} = {v}") };
    let blank = "\n".repeat(s.blank_lines);
    let header = |name: &str, i: usize| {
        if s.spaced_headers && i % 2 == 1 { format!("[[ {name} ]]") } else { format!("[[{name}]]") }
    };
    let start = format!("2026-09-{:02}", c.start_day);

    let mut out = String::new();
    if s.comments {
        out.push_str("# An agreement written by hand.\n#   Keep this header.\n");
    }
    out.push_str(&format!("{}{}\n", kv("format", "1"), comment("format")));
    out.push_str(&format!("{}\n", kv("topics", "[ \"leadership\",  \"public speaking\" ]")));
    if s.inline_people {
        for (role, name, email) in PEOPLE {
            out.push_str(&format!(
                "{role} = {{ name = {}, email = {} }}{}\n",
                quote(name),
                quote(email),
                comment(role)
            ));
        }
    }
    let mut tables: Vec<String> = Vec::new();
    if !s.inline_people {
        for (role, name, email) in PEOPLE {
            tables.push(format!(
                "[{role}]{}\n{}\n{}\n",
                comment(role),
                kv("name", &quote(name)),
                kv("email", &quote(email))
            ));
        }
    }
    tables.push(format!(
        "[schedule]\n{}\n{}{}\n{}\n",
        kv("frequency", &quote(c.frequency)),
        kv("session_minutes", &c.minutes.to_string()),
        comment("minutes"),
        kv("modes", "[\"video call\"]")
    ));
    tables.push(format!(
        "[term]\n{}\n{}{}\n",
        kv("start", &start),
        kv("months", &c.months.to_string()),
        comment("then review")
    ));
    // Rotate the tables by the shuffle byte: TOML allows them in any order.
    let n = tables.len();
    tables.rotate_left(usize::from(s.shuffle) % n);
    for (i, table) in tables.iter().enumerate() {
        out.push_str(&blank);
        if s.comments && i % 2 == 1 {
            out.push_str("# a comment between tables\n");
        }
        out.push_str(table);
    }
    for g in 0..c.goals {
        out.push_str(&blank);
        let _ = write!(
            out,
            "{}{}\n{}\n{}\n{}\n",
            header("goals", g),
            comment("goal"),
            kv("goal", &quote(&format!("Goal number {g}: {}", c.note))),
            kv("measure", &quote(&format!("{} sessions rated 4/5 or better", g + 2))),
            kv("due", &format!("2026-12-{:02}", 10 + g))
        );
    }
    for i in 0..c.checkins {
        out.push_str(&blank);
        let _ = write!(out, "[[checkins]]\ndate = 2026-10-{:02}\nby = \"mentee\"\n", 10 + i);
    }
    let mut ranges = Vec::new();
    for role in &c.signed {
        out.push_str(&blank);
        let from = out.len();
        let name = PEOPLE.iter().find(|p| p.0 == *role).unwrap().1;
        let _ = write!(
            out,
            "{}{}\nrole = \"{role}\"\nname = {}\ndate = 2026-08-20\nterms = \"sha256:{}\"{}\n",
            header("signatures", ranges.len()),
            comment("signed on paper first"),
            quote(name),
            "0".repeat(64),
            comment("stale on purpose")
        );
        ranges.push((*role, from..out.len()));
    }
    if s.trailing_comment {
        out.push_str("\n# end of the agreement\n");
    }
    if !s.final_newline {
        // Only the very last line break goes; a range ending there shrinks with it.
        let len = out.trim_end_matches('\n').len();
        out.truncate(len);
        for (_, r) in &mut ranges {
            r.end = r.end.min(len);
        }
    }
    if s.crlf {
        let shift = |i: usize| i + out[..i].matches('\n').count();
        for (_, r) in &mut ranges {
            *r = shift(r.start)..shift(r.end);
        }
        out = out.replace('\n', "\r\n");
    }
    (out, ranges)
}

/// Runs an editing command with `--dry-run` on a copy of `text`; returns what it would write.
fn dry_run(text: &str, args: &[&str]) -> Result<String, TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, text).unwrap();
    let out = cmd().args(args).arg(&file).arg("--dry-run").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    prop_assert_eq!(out.status.code(), Some(0), "{:?} was refused or failed:\n{}\n--- file:\n{}", args, stderr, text);
    prop_assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "--dry-run wrote the file");
    Ok(String::from_utf8(out.stdout).unwrap())
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.bytes().rev().zip(b.bytes().rev()).take_while(|(x, y)| x == y).count()
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn appending_edits_keep_the_original_as_a_prefix(c in content(), s in style(), which in 0usize..4) {
        let (text, _) = write(&c, &s);
        let note = c.note.clone();
        let args: Vec<&str> = match which {
            0 => vec!["checkin", "--by", "mentor", "--note", &note],
            1 => vec!["extend", "--months", "2"],
            2 => vec!["evaluate", "--goal", "1=on-track:first review", "--working", &note, "--improve", &note],
            _ => vec!["terminate", "--by", "mentee", "--reason", &note],
        };
        let after = dry_run(&text, &args)?;
        prop_assert!(after.len() > text.len());
        prop_assert!(after.starts_with(&text), "{:?} changed the original bytes:\n--- before:\n{}\n--- after:\n{}", args, text, after);
        let eol = if s.crlf { "\r\n" } else { "\n" };
        let added = &after[text.len()..];
        prop_assert!(!s.crlf || !added.replace("\r\n", "").contains('\n'), "a bare LF in a CRLF file: {:?}", added);
        prop_assert!(added.ends_with(eol));
    }

    #[test]
    fn signing_keeps_everything_outside_the_roles_entry(c in content(), s in style(), role in prop::sample::select(vec!["mentor", "mentee", "lead"])) {
        let (text, ranges) = write(&c, &s);
        let after = dry_run(&text, &["sign", "--role", role])?;
        match ranges.iter().find(|(r, _)| *r == role) {
            // A first signature is appended.
            None => prop_assert!(after.starts_with(&text), "--- before:\n{}\n--- after:\n{}", text, after),
            // A renewed one is rewritten in place: the bytes before and after its entry stay.
            Some((_, range)) => {
                prop_assert!(common_prefix(&text, &after) >= range.start, "--- before:\n{}\n--- after:\n{}", text, after);
                prop_assert!(common_suffix(&text, &after) >= text.len() - range.end, "--- before:\n{}\n--- after:\n{}", text, after);
                // Its comments survive the rewrite.
                if s.comments {
                    prop_assert!(after.contains("]]   # signed on paper first"));
                    prop_assert_eq!(after.matches("# stale on purpose").count(), c.signed.len());
                }
            }
        }
    }
}
