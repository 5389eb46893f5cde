//! Property: every editing command, applied to generated agreements written in
//! many styles (comments on every line and inside arrays, odd spacing, tabs,
//! inline tables, dotted keys, multi-line strings, shuffled tables, tables after
//! arrays of tables, a BOM, CRLF, LF or a mix of both, no final newline, existing
//! check-ins and signatures), keeps the original bytes. `checkin`, `evaluate`,
//! `extend` and `terminate` only append, so the original is a
//! prefix of the result; `sign` for a role that has signed before rewrites only
//! that role's `[[signatures]]` entry, so everything before and after it is kept
//! (unless the terms all three signed took effect: then it appends, as for an
//! amendment).
//!
//! Each case runs the real binary with `--dry-run` (which prints exactly what a
//! real run writes; `tests/it/edit.rs` shows that), so a moderate number of cases
//! keeps this to seconds. `PROPTEST_CASES` raises it.

use crate::common;

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
    eol: Eol,
    final_newline: bool,
    trailing_comment: bool,
    /// Later `[[list]]` headers spaced differently from the first (toml_edit would respace them).
    spaced_headers: bool,
    /// Tabs around `=` and before keys.
    tabs: bool,
    /// `[term]` written as dotted keys (`term.start = …`) before the first table.
    dotted_term: bool,
    /// Goals and measures as multi-line strings (`"""…"""`, `'''…'''`).
    multiline: bool,
    /// How many of the plain tables come after the arrays of tables.
    late_tables: usize,
    bom: bool,
}

/// The line endings of a generated file.
#[derive(Debug, Clone, Copy)]
enum Eol {
    Lf,
    CrLf,
    /// Each line CRLF or LF by the bits of the seed (line `i` uses bit `i % 64`).
    Mixed(u64),
}

impl Eol {
    fn crlf(self, line: usize) -> bool {
        match self {
            Eol::Lf => false,
            Eol::CrLf => true,
            Eol::Mixed(bits) => bits >> (line % 64) & 1 == 1,
        }
    }
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

fn eol() -> impl Strategy<Value = Eol> {
    prop_oneof![Just(Eol::Lf), Just(Eol::CrLf), any::<u64>().prop_map(Eol::Mixed)]
}

fn style() -> impl Strategy<Value = Style> {
    (any::<[bool; 12]>(), any::<u8>(), 1usize..3, eol(), 0usize..4).prop_map(
        |(b, shuffle, blank_lines, eol, late_tables)| Style {
            comments: b[0],
            inline_people: b[1],
            aligned: b[2],
            shuffle,
            blank_lines,
            eol,
            final_newline: b[4],
            trailing_comment: b[5] && b[6],
            spaced_headers: b[7],
            tabs: b[8],
            dotted_term: b[9],
            multiline: b[10],
            late_tables,
            bom: b[11] && b[3],
        },
    )
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

/// The text of a TOML basic string, without its quotes.
fn escaped(s: &str) -> String {
    let quoted = quote(s);
    quoted[1..quoted.len() - 1].to_string()
}

/// The agreement's text, and for each role in `c.signed` the byte range of its signature entry.
fn write(c: &Content, s: &Style) -> (String, Vec<(&'static str, std::ops::Range<usize>)>) {
    let comment = |text: &str| if s.comments { format!("   # {text}") } else { String::new() };
    // With comments, every key line carries one.
    let kv = |k: &str, v: &str| {
        let line = match (s.tabs, s.aligned) {
            (true, _) => format!("\t{k}\t=\t{v}"),
            (false, true) => format!("{k:<16}= {v}"),
            (false, false) => format!("{k} = {v}"),
        };
        format!("{line}{}", comment(k))
    };
    let blank = "\n".repeat(s.blank_lines);
    let header = |name: &str, i: usize| {
        if s.spaced_headers && i % 2 == 1 { format!("[[ {name} ]]") } else { format!("[[{name}]]") }
    };
    let start = format!("2026-09-{:02}", c.start_day);

    let mut out = String::new();
    if s.comments {
        out.push_str("# An agreement written by hand.\n#   Keep this header.\n");
    }
    out.push_str(&format!("{}\n", kv("format", "1")));
    if s.comments {
        // Comments inside the array: after the bracket, after an element, on a line of their own.
        out.push_str(
            "topics = [ # what we work on\n  \"leadership\", # first\n\t\"public speaking\",\n  # no more\n] # end of topics\n",
        );
    } else {
        out.push_str(&format!("{}\n", kv("topics", "[ \"leadership\",  \"public speaking\" ]")));
    }
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
    if s.dotted_term {
        out.push_str(&format!("{}\n{}\n", kv("term.start", &start), kv("term . months", &c.months.to_string())));
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
        "[schedule]{}\n{}\n{}\n{}\n",
        comment("how often"),
        kv("frequency", &quote(c.frequency)),
        kv("session_minutes", &c.minutes.to_string()),
        kv("modes", "[\"video call\"]")
    ));
    if !s.dotted_term {
        tables.push(format!("[term]\n{}\n{}\n", kv("start", &start), kv("months", &c.months.to_string())));
    }
    // Rotate the tables by the shuffle byte: TOML allows them in any order.
    let n = tables.len();
    tables.rotate_left(usize::from(s.shuffle) % n);
    // The last few come after the arrays of tables.
    let late = tables.split_off(n - s.late_tables.min(n));
    let push_tables = |out: &mut String, tables: &[String]| {
        for (i, table) in tables.iter().enumerate() {
            out.push_str(&blank);
            if s.comments && i % 2 == 1 {
                out.push_str("# a comment between tables\n");
            }
            out.push_str(table);
        }
    };
    push_tables(&mut out, &tables);
    for g in 0..c.goals {
        out.push_str(&blank);
        let goal = format!("Goal number {g}: {}", c.note);
        let measure = format!("{} sessions rated 4/5 or better", g + 2);
        let (goal, measure) = if s.multiline {
            // A basic one whose first line break is trimmed, and a literal one spanning two lines.
            (format!("\"\"\"\n{}\"\"\"", escaped(&goal)), format!("'''{measure}\nin a row'''"))
        } else {
            (quote(&goal), quote(&measure))
        };
        let _ = write!(
            out,
            "{}{}\n{}\n{}\n{}\n",
            header("goals", g),
            comment("goal"),
            kv("goal", &goal),
            kv("measure", &measure),
            kv("due", &format!("2026-12-{:02}", 10 + g))
        );
    }
    for i in 0..c.checkins {
        out.push_str(&blank);
        let date = format!("2026-10-{:02}", 10 + i);
        let _ = write!(out, "[[checkins]]\n{}\n{}\n", kv("date", &date), kv("by", "\"mentee\""));
    }
    push_tables(&mut out, &late);
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
    // The BOM and the line endings go on last; the ranges move with them.
    let bom = if s.bom { "\u{feff}" } else { "" };
    let crlf_breaks_before =
        |i: usize| out[..i].match_indices('\n').enumerate().filter(|(line, _)| s.eol.crlf(*line)).count();
    for (_, r) in &mut ranges {
        *r = bom.len() + r.start + crlf_breaks_before(r.start)..bom.len() + r.end + crlf_breaks_before(r.end);
    }
    let mut text = String::from(bom);
    for (i, line) in out.split_inclusive('\n').enumerate() {
        match line.strip_suffix('\n') {
            Some(body) if s.eol.crlf(i) => {
                text.push_str(body);
                text.push_str("\r\n");
            }
            _ => text.push_str(line),
        }
    }
    (text, ranges)
}

/// The program of the `feedback` edits: one form, a pair and a team question.
const FEEDBACK_PROGRAM: &str = "[program]\nteam_recipients = \"team_recipients\"\n[[forms]]\nid = \"mid\"\n\
    [[forms.questions]]\nid = \"useful\"\ntext = \"Useful?\"\nkind = \"scale\"\nvisibility = \"pair\"\n\
    [[forms.questions]]\nid = \"concerns\"\ntext = \"Concerns?\"\nkind = \"text\"\nvisibility = \"team\"\n";

/// Runs an editing command with `--dry-run` on a copy of `text`; returns what it would write.
fn dry_run(text: &str, args: &[&str]) -> Result<String, TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, text).unwrap();
    if args.first() == Some(&"feedback") {
        // A form with a pair and a team question, sealed to a fresh age key.
        let key = age::x25519::Identity::generate().to_public();
        std::fs::write(dir.path().join("team_recipients"), format!("{key}\n")).unwrap();
        std::fs::write(dir.path().join("program.toml"), FEEDBACK_PROGRAM).unwrap();
    }
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
    fn appending_edits_keep_the_original_as_a_prefix(c in content(), s in style(), which in 0usize..5) {
        let (text, _) = write(&c, &s);
        let note = c.note.clone();
        let concern = format!("concerns={note}");
        let args: Vec<&str> = match which {
            0 => vec!["checkin", "--by", "mentor", "--note", &note],
            1 => vec!["extend", "--months", "2"],
            2 => vec!["evaluate", "--goal", "1=on-track:first review", "--working", &note, "--improve", &note],
            3 => vec!["terminate", "--by", "mentee", "--reason", &note],
            _ => vec!["feedback", "--form", "mid", "--by", "mentee", "--answer", "useful=4", "--answer", &concern],
        };
        let after = dry_run(&text, &args)?;
        prop_assert!(after.len() > text.len());
        prop_assert!(after.starts_with(&text), "{:?} changed the original bytes:\n--- before:\n{}\n--- after:\n{}", args, text, after);
        // Added lines take the ending of the line above them: the original's last line break.
        let last_break = text.rfind('\n').unwrap();
        let crlf = text[..last_break].ends_with('\r');
        let added = &after[text.len()..];
        let bare_lf = added.replace("\r\n", "").contains('\n');
        prop_assert!(if crlf { !bare_lf } else { !added.contains("\r\n") }, "added lines do not follow the line above (CRLF: {}): {:?}", crlf, added);
        prop_assert!(added.ends_with('\n'));
    }

    #[test]
    fn signing_keeps_everything_outside_the_roles_entry(c in content(), s in style(), role in prop::sample::select(vec!["mentor", "mentee", "lead"])) {
        let (text, ranges) = write(&c, &s);
        let after = dry_run(&text, &["sign", "--role", role])?;
        // When all three signed the earlier terms, those took effect: their
        // signatures stay as the record, and the new one is an amendment's.
        let took_effect = ["mentor", "mentee", "lead"].iter().all(|r| c.signed.contains(r));
        match ranges.iter().find(|(r, _)| *r == role).filter(|_| !took_effect) {
            // A first signature (or an amendment's) is appended.
            None => prop_assert!(after.starts_with(&text), "--- before:\n{}\n--- after:\n{}", text, after),
            // A renewed one is rewritten in place: the bytes before and after its entry stay.
            Some((_, range)) => {
                prop_assert!(common_prefix(&text, &after) >= range.start, "--- before:\n{}\n--- after:\n{}", text, after);
                prop_assert!(common_suffix(&text, &after) >= text.len() - range.end, "--- before:\n{}\n--- after:\n{}", text, after);
                // A rewrite in place adds no final line break the file did not have.
                prop_assert_eq!(after.ends_with('\n'), text.ends_with('\n'));
                // Its comments survive the rewrite.
                if s.comments {
                    prop_assert!(after.contains("]]   # signed on paper first"));
                    prop_assert_eq!(after.matches("# stale on purpose").count(), c.signed.len());
                }
            }
        }
    }
}
