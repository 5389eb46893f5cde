//! `mentor-agree new`: answered by flags (stdin not a terminal) and interactively on a pseudo-terminal.

use crate::common;

use std::path::{Path, PathBuf};

use common::cmd;
use predicates::prelude::*;

/// A program with its own rules and a default lead; today is 2026-11-25.
const PROGRAM: &str = r#"
[program]
name = "Riverside Mentoring Circle"
lead = { name = "Noor Rahman", email = "noor@riverside.example" }

[rules.schedule]
max_session_minutes = 90
"#;

fn program_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("program.toml"), PROGRAM).unwrap();
    dir
}

/// Every answer as a flag.
fn all_flags() -> Vec<&'static str> {
    vec![
        "new",
        "--mentor",
        "Maya Okafor",
        "--mentor-email",
        "maya@example.org",
        "--mentee",
        "Tomás Rivera",
        "--mentee-email",
        "tomas@example.org",
        "--lead",
        "Priya Natarajan",
        "--lead-email",
        "priya@example.org",
        "--topic",
        "leadership",
        "--topic",
        "public speaking",
        "--frequency",
        "every 3 weeks",
        "--minutes",
        "45",
        "--mode",
        "video call",
        "--mode",
        "in person",
        "--also-via",
        "email",
        "--start",
        "2026-12-07",
        "--weeks",
        "26",
        "--review-every-months",
        "2",
        "--goal",
        "Facilitate the team's retrospectives | Run 3 retrospectives | 2027-03-15 | Preparation for the team-lead role",
        "--goal",
        "Give a talk at the meetup | One 20-minute talk given | 2027-05-31",
    ]
}

fn agreements(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir.join("agreements")) {
        Ok(rd) => {
            let mut v: Vec<PathBuf> = rd.map(|e| e.unwrap().path()).collect();
            v.sort();
            v
        }
        Err(_) => Vec::new(),
    }
}

fn assert_checks_clean(dir: &Path, file: &Path) {
    cmd()
        .current_dir(dir)
        .args(["check", "--deny-warnings"])
        .arg(file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("checked 1 agreement: no problems"));
}

#[test]
fn flags_answer_every_question_and_the_draft_passes_check() {
    let dir = program_dir();
    cmd()
        .current_dir(dir.path())
        .args(all_flags())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("Created agreements/2026-12-maya-okafor-tomas-rivera.toml"));
    let file = dir.path().join("agreements/2026-12-maya-okafor-tomas-rivera.toml");
    assert_eq!(agreements(dir.path()), vec![file.clone()], "one file, no temp file left over");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# Mentoring agreement between Maya Okafor (mentor) and Tomás Rivera (mentee),"));
    for line in [
        "id = \"2026-12-maya-okafor-tomas-rivera\"",
        "topics = [\"leadership\", \"public speaking\"]",
        "frequency = \"every 3 weeks\"",
        "modes = [\"video call\", \"in person\"]",
        "start = 2026-12-07",
        "weeks = 26",
        "every_months = 2",
        "why = \"Preparation for the team-lead role\"",
        "due = 2027-05-31",
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
    assert!(!text.contains("[[signatures]]"), "a draft has no signatures");
    assert_checks_clean(dir.path(), &file);
    // A draft: check --require-signed reports the missing signatures.
    cmd()
        .current_dir(dir.path())
        .args(["check", "--require-signed"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("unsigned"));
}

#[test]
fn yes_takes_the_program_lead_and_next_monday() {
    let dir = program_dir();
    cmd()
        .current_dir(dir.path())
        .args(["new", "--yes", "--mentor", "Ada Lovelace", "--mentee", "Grace Hopper", "--topic", "compilers"])
        .args(["--goal", "Write a compiler pass | 2 passes merged | 2027-04-30"])
        .assert()
        .code(0);
    // Today is Wednesday 2026-11-25: the next Monday is 2026-11-30.
    let file = dir.path().join("agreements/2026-11-ada-lovelace-grace-hopper.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("[lead]\nname = \"Noor Rahman\"\nemail = \"noor@riverside.example\"\n"), "{text}");
    assert!(text.contains("start = 2026-11-30\n"), "{text}");
    assert!(text.contains("Riverside Mentoring Circle"), "{text}");
    assert_checks_clean(dir.path(), &file);
}

#[test]
fn missing_answers_name_every_flag_still_needed() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd().current_dir(dir.path()).args(["new", "--mentor", "Ada Lovelace"]).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    for flag in ["--mentee NAME", "--lead NAME", "--topic TOPIC", "--goal 'GOAL | MEASURE | DUE[ | WHY]'"] {
        assert!(stderr.contains(flag), "{flag} not named in:\n{stderr}");
    }
    // Questions with a default are named too, with --yes as the way to accept them.
    for flag in ["--mentee-email EMAIL", "--minutes N", "--start DATE", "--months N | --weeks N", "--yes"] {
        assert!(stderr.contains(flag), "{flag} not named in:\n{stderr}");
    }
    assert!(!stderr.contains("--mentor NAME"), "answered already:\n{stderr}");

    // With --yes only the questions without a default remain.
    let out = cmd().current_dir(dir.path()).args(["new", "--yes", "--mentor", "Ada Lovelace"]).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("--mentee NAME") && !stderr.contains("--minutes N"), "{stderr}");
    assert!(agreements(dir.path()).is_empty());
}

/// Every answer as a flag, with `name` answered by `value` instead.
fn flags_with(name: &str, value: &str) -> Vec<String> {
    let replaced = if name == "--months" { "--weeks" } else { name };
    let mut args: Vec<String> = Vec::new();
    let mut it = all_flags().into_iter();
    while let Some(a) = it.next() {
        if a == replaced {
            it.next();
        } else {
            args.push(a.to_string());
        }
    }
    args.extend([name.to_string(), value.to_string()]);
    args
}

#[test]
fn an_empty_email_flag_says_no_email() {
    let dir = program_dir();
    // The program names its lead's email; "" leaves it out, as for the mentor.
    let out = cmd()
        .current_dir(dir.path())
        .args(["new", "--yes", "--print", "--mentor", "Maya Okafor", "--mentee", "Tomás Rivera", "--topic", "x"])
        .args(["--goal", "Run retrospectives | 3 retrospectives run | 2027-03-15"])
        .args(["--mentor-email", "", "--lead-email", ""])
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("[mentor]\nname = \"Maya Okafor\"\n\n"), "{text}");
    assert!(!text.contains("noor@riverside.example"), "{text}");
    // A wrong address is explained in terms of the answer, not of a file's keys.
    cmd()
        .current_dir(dir.path())
        .args(flags_with("--mentor-email", "maya@"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("or - for no email"))
        .stderr(predicate::str::contains("remove the key").not());
}

#[test]
fn invalid_flag_values_are_refused_with_the_rule_code() {
    let dir = program_dir();
    let cases = [
        (
            "--minutes",
            "100",
            "session-too-long: sessions of 100 minutes are longer than the program maximum of 90 minutes",
        ),
        ("--frequency", "biweekly", "frequency-unknown"),
        ("--frequency", "every 6 weeks", "too-few-sessions"),
        ("--mentee-email", "tomas@", "bad-email"),
        ("--mentee", " maya  OKAFOR", "same-person"),
        ("--months", "13", "term-too-long: the term is longer than the program maximum of 12 months"),
        ("--review-every-months", "4", "review-gap"),
        ("--goal", "Give a talk | One talk | 2028-01-01", "goal-due-outside-term"),
        ("--goal", "Give a talk | One talk", "has 2 part(s)"),
    ];
    for (flag, value, expected) in cases {
        cmd()
            .current_dir(dir.path())
            .args(flags_with(flag, value))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("error: {flag}")))
            .stderr(predicate::str::contains(expected));
        assert!(agreements(dir.path()).is_empty(), "nothing written for {flag} {value}");
    }
    // The same answers with the value fixed go through: the refusals above were about that value only.
    cmd().current_dir(dir.path()).args(flags_with("--minutes", "90")).assert().code(0);
}

#[test]
fn never_overwrites_an_agreement() {
    let dir = program_dir();
    let agreements_dir = dir.path().join("agreements");
    std::fs::create_dir(&agreements_dir).unwrap();
    let file = agreements_dir.join("2026-12-maya-okafor-tomas-rivera.toml");
    std::fs::write(&file, "# keep me\n").unwrap();
    cmd()
        .current_dir(dir.path())
        .args(all_flags())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("agreements/2026-12-maya-okafor-tomas-rivera.toml already exists"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# keep me\n");
    assert_eq!(agreements(dir.path()), vec![file.clone()], "no temp file left over");

    // --out writes elsewhere, and refuses an existing file too.
    let out = dir.path().join("elsewhere.toml");
    cmd().current_dir(dir.path()).args(all_flags()).arg("--out").arg(&out).assert().code(0);
    assert_checks_clean(dir.path(), &out);
    cmd().current_dir(dir.path()).args(all_flags()).arg("--out").arg(&out).assert().code(2);
}

#[test]
fn a_schema_next_to_program_toml_is_named_in_a_schema_comment() {
    let dir = program_dir();
    std::fs::write(dir.path().join("agreement.schema.json"), "{}\n").unwrap();
    cmd().current_dir(dir.path()).args(all_flags()).assert().code(0);
    let file = dir.path().join("agreements/2026-12-maya-okafor-tomas-rivera.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("#:schema ../agreement.schema.json\n\n# Mentoring agreement between"), "{text}");
    assert_checks_clean(dir.path(), &file);

    // Relative to wherever the file goes.
    let out = dir.path().join("a/b/x.toml");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    cmd().current_dir(dir.path()).args(all_flags()).arg("--out").arg(&out).assert().code(0);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("#:schema ../../agreement.schema.json\n"));

    // --print has no file to be relative to.
    let printed = cmd().current_dir(dir.path()).args(all_flags()).arg("--print").assert().code(0);
    assert!(String::from_utf8_lossy(&printed.get_output().stdout).starts_with("# Mentoring agreement"));
}

#[cfg(unix)]
#[test]
fn the_new_file_has_an_ordinary_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = program_dir();
    let ordinary = std::fs::metadata(dir.path().join("program.toml")).unwrap().permissions().mode() & 0o777;
    cmd().current_dir(dir.path()).args(all_flags()).assert().code(0);
    let file = dir.path().join("agreements/2026-12-maya-okafor-tomas-rivera.toml");
    assert_eq!(std::fs::metadata(file).unwrap().permissions().mode() & 0o777, ordinary);
}

#[test]
fn print_writes_the_agreement_to_stdout_only() {
    let dir = program_dir();
    let out = cmd().current_dir(dir.path()).args(all_flags()).arg("--print").assert().code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(agreements(dir.path()).is_empty(), "--print writes no file");
    let file = dir.path().join("printed.toml");
    std::fs::write(&file, &text).unwrap();
    assert_checks_clean(dir.path(), &file);
}

/// `new --from`: a cohort file of `pairs` rows (header on row 1), `minutes` per row from `minutes(row)`.
fn cohort_csv(pairs: usize, minutes: impl Fn(usize) -> u32) -> String {
    let mut text = String::from("mentor,mentor-email,mentee,topic,minutes,start,months,goal\n");
    for i in 1..=pairs {
        let row = i + 1;
        text.push_str(&format!(
            "Mentor {i},mentor{i}@example.org,Mentee {i},career growth,{},2026-12-07,6,\
             Lead a team meeting | 2 meetings led | 2027-03-15\n",
            minutes(row)
        ));
    }
    text
}

fn new_from(dir: &Path, csv: &str, extra: &[&str]) -> std::process::Output {
    std::fs::write(dir.join("pairs.csv"), csv).unwrap();
    cmd().current_dir(dir).args(["new", "--from", "pairs.csv"]).args(extra).output().unwrap()
}

#[test]
fn a_cohort_file_writes_every_draft_and_each_passes_check() {
    let dir = program_dir();
    let out = new_from(dir.path(), &cohort_csv(40, |_| 45), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Created 40 drafts in agreements/"), "{stderr}");
    let files = agreements(dir.path());
    assert_eq!(files.len(), 40);
    let listed: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(listed.len(), 40);
    assert_eq!(listed[0], "agreements/2026-12-mentor-1-mentee-1.toml");
    // Every draft is a clean file of the program, with the program's default lead filled in.
    cmd()
        .current_dir(dir.path())
        .args(["check", "--deny-warnings", "agreements"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("checked 40 agreements: no problems"));
    let first = std::fs::read_to_string(dir.path().join(listed[0])).unwrap();
    assert!(first.contains("name = \"Noor Rahman\""), "{first}");
    assert!(
        first.contains(
            "# drafted with `mentor-agree new` on 2026-11-25 under the rules of the Riverside Mentoring Circle.\n"
        ),
        "{first}"
    );
    // No `also-via` column: no channels nobody chose.
    assert!(!first.contains("also_via"), "{first}");
}

#[test]
fn one_bad_row_of_forty_writes_nothing_and_is_named_by_row_and_column() {
    let dir = program_dir();
    let out = new_from(dir.path(), &cohort_csv(40, |row| if row == 37 { 150 } else { 45 }), &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("pairs.csv:37:minutes: error[session-too-long]: sessions of 150 minutes are longer"),
        "{stderr}"
    );
    assert_eq!(lines[1], "error: 1 problem in 1 row of pairs.csv; nothing was written");
    assert!(out.stdout.is_empty());
    assert!(agreements(dir.path()).is_empty(), "nothing written");
}

#[test]
fn a_spreadsheet_export_with_a_bom_semicolons_and_a_quoted_newline() {
    let dir = program_dir();
    let csv = "\u{feff}Mentor;Mentee;Mentee Email;Topics;Start;Weeks;Goal 1;Goal 2\r\n\
               Zoë Brandt;Jürgen Groß;jurgen@example.org;\"coaching; public speaking\";2026-12-07;26;\
               \"Give a talk | One talk, 20 minutes; recorded | 2027-04-30 | Two reasons:\r\nvisibility and practice\";\
               Write a blog post | One post published | 2027-05-14\r\n\
               ;;;;;;;\r\n;;;;;;;\r\n";
    let out = new_from(dir.path(), csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let files = agreements(dir.path());
    assert_eq!(files.len(), 1, "blank trailing rows make no drafts");
    assert_eq!(files[0].file_name().unwrap(), "2026-12-zoe-brandt-jurgen-gross.toml");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("topics = [\"coaching\", \"public speaking\"]"), "{text}");
    assert!(text.contains("weeks = 26"), "{text}");
    // The quoted cell keeps its `;`, its comma and its line break (as a TOML escape).
    assert!(text.contains("measure = \"One talk, 20 minutes; recorded\""), "{text}");
    let parsed = mentor_agree::format::agreement::parse(&text).agreement.unwrap();
    let why = parsed.goals[0].why.as_ref().unwrap();
    assert_eq!(why.value, "Two reasons:\r\nvisibility and practice", "{text}");
    assert!(text.contains("goal = \"Write a blog post\""), "{text}");
    assert!(text.contains("email = \"jurgen@example.org\""), "{text}");
    assert_checks_clean(dir.path(), &files[0]);
}

#[test]
fn an_id_already_in_the_folder_is_refused_and_nothing_is_written() {
    let dir = program_dir();
    let folder = dir.path().join("agreements");
    std::fs::create_dir(&folder).unwrap();
    // The same pair, already drafted under another file name: its id clashes.
    let existing = folder.join("the-first-pair.toml");
    let text = "format = 1\nid = \"2026-12-mentor-3-mentee-3\"\n";
    std::fs::write(&existing, text).unwrap();
    let out = new_from(dir.path(), &cohort_csv(5, |_| 45), &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "pairs.csv:4:mentee: error[duplicate-id]: agreements/the-first-pair.toml already has the id 2026-12-mentor-3-mentee-3"
        ),
        "{stderr}"
    );
    assert_eq!(agreements(dir.path()), std::slice::from_ref(&existing), "nothing else written");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), text, "the existing file is untouched");

    // Two rows for the same pair clash with each other.
    std::fs::remove_file(&existing).unwrap();
    let mut csv = cohort_csv(3, |_| 45);
    csv.push_str(&cohort_csv(1, |_| 60).lines().nth(1).unwrap().replace("Mentor 1,", "MENTOR 1,"));
    csv.push('\n');
    let out = new_from(dir.path(), &csv, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("pairs.csv:5:mentee: error[duplicate-id]: row 2 is the same pair"), "{stderr}");
    assert!(agreements(dir.path()).is_empty());
}

#[test]
fn dry_run_checks_every_row_and_writes_nothing() {
    let dir = program_dir();
    let out = new_from(dir.path(), &cohort_csv(3, |_| 45), &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "agreements/2026-12-mentor-1-mentee-1.toml\n\
         agreements/2026-12-mentor-2-mentee-2.toml\n\
         agreements/2026-12-mentor-3-mentee-3.toml\n"
    );
    assert!(String::from_utf8(out.stderr).unwrap().contains("would create 3 drafts"));
    assert!(!dir.path().join("agreements").exists(), "not even the folder");
    // A bad row fails a dry run the same way.
    let out = new_from(dir.path(), &cohort_csv(3, |row| if row == 3 { 5 } else { 45 }), &["--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("pairs.csv:3:minutes: error[session-too-short]"));
}

#[test]
fn cohort_files_that_cannot_be_used_say_why() {
    let dir = program_dir();
    // An unknown column, with a suggestion; the rows are still checked.
    let out = new_from(dir.path(), "mentor,mentee,topic,goal,mintues\nA B,C D,t,g | m | 2027-03-01,45\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("pairs.csv:1:mintues: error: unknown column `mintues` (did you mean `minutes`?)"),
        "{stderr}"
    );
    // A row with a cell too many.
    let out = new_from(dir.path(), "mentor,mentee\nA,B,C\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("pairs.csv:2: error: the row has 3 cells, the header 2"));
    // Not UTF-8.
    std::fs::write(dir.path().join("latin1.csv"), b"mentor,mentee,topic,goal\nJ\xfcrgen,B,t,g|m|2027-03-01\n").unwrap();
    let out = cmd().current_dir(dir.path()).args(["new", "--from", "latin1.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("latin1.csv:2:mentor: error: the cell is not UTF-8 text"));
    // Too big: refused before reading it all, exit 2.
    let big = dir.path().join("big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(11 * 1024 * 1024).unwrap();
    cmd()
        .current_dir(dir.path())
        .args(["new", "--from", "big.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 10 MB"));
    // Missing file: cannot run.
    cmd().current_dir(dir.path()).args(["new", "--from", "nope.csv"]).assert().code(2);
    // --from takes every answer from the file.
    cmd().current_dir(dir.path()).args(["new", "--from", "pairs.csv", "--mentor", "X"]).assert().code(2);
    assert!(agreements(dir.path()).is_empty());
}

#[test]
fn the_example_cohort_passes_under_the_built_in_program() {
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string(common::example("cohort.csv")).unwrap();
    let out = new_from(dir.path(), &csv, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(agreements(dir.path()).len(), csv.lines().count() - 1);
    cmd()
        .current_dir(dir.path())
        .args(["check", "--deny-warnings", "agreements"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no problems"));
}

/// Driving the real questionnaire on a pseudo-terminal.
#[cfg(unix)]
mod interactive {
    use super::*;
    use rexpect::session::PtySession;

    use common::pty::{answer, exit_code};

    fn spawn(dir: &Path) -> PtySession {
        common::pty::spawn(dir, &["new".as_ref()])
    }

    /// Answers up to the session minutes, the first of which is refused.
    fn up_to_minutes(p: &mut PtySession) {
        answer(p, "Mentor's full name", "Maya Okafor");
        answer(p, "Mentor's email", "maya@example.org");
        answer(p, "Mentee's full name", "Tomás Rivera");
        answer(p, "Mentee's email", "");
        answer(p, "Initiative lead's full name [Noor Rahman]", ""); // the program's lead
        answer(p, "Lead's email", ""); // and theirs
        answer(p, "Topics of focus", "career development, leadership");
        answer(p, "How often will they meet?", ""); // the default: fortnightly
        answer(p, "Minutes per session (15 to 90)", "150");
        p.exp_string("session-too-long: sessions of 150 minutes are longer than the program maximum of 90 minutes")
            .unwrap();
    }

    #[test]
    fn a_session_with_a_refused_answer_writes_a_checked_draft() {
        let dir = program_dir();
        let mut p = spawn(dir.path());
        up_to_minutes(&mut p);
        answer(&mut p, "Minutes per session", "45");
        answer(&mut p, "How will sessions be held?", ""); // video call, pre-selected
        answer(&mut p, "between sessions?", ""); // email and phone, pre-selected
        answer(&mut p, "Start date (YYYY-MM-DD) [2026-11-30]", "2026-12-07");
        answer(&mut p, "Duration", ""); // 6 months
        answer(&mut p, "Review checkpoint every how many months?", "");
        answer(&mut p, "Goal 1: what will the mentee achieve?", "Facilitate the team's retrospectives");
        answer(&mut p, "Goal 1: how will you both know it is met?", "Run 3 retrospectives");
        answer(&mut p, "Goal 1: due date (YYYY-MM-DD, 2026-12-07 to 2027-06-06)", "2027-09-01");
        p.exp_string("goal-due-outside-term").unwrap();
        answer(&mut p, "Goal 1: due date", "2027-03-15");
        answer(&mut p, "Goal 1: why does it matter? (optional)", "");
        answer(&mut p, "Add another goal?", "n");
        p.exp_string("Maya Okafor <maya@example.org>").unwrap(); // the summary
        answer(&mut p, "Write agreements/2026-12-maya-okafor-tomas-rivera.toml?", "y");
        p.exp_string("Created agreements/2026-12-maya-okafor-tomas-rivera.toml").unwrap();
        assert_eq!(exit_code(&mut p), 0);

        let file = dir.path().join("agreements/2026-12-maya-okafor-tomas-rivera.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("session_minutes = 45\n"), "{text}");
        assert!(text.contains("[lead]\nname = \"Noor Rahman\"\nemail = \"noor@riverside.example\"\n"), "{text}");
        assert!(!text.contains("[mentee]\nname = \"Tomás Rivera\"\nemail"), "no mentee email given: {text}");
        assert_checks_clean(dir.path(), &file);
    }

    /// Answers the people and topics questions (the program's lead and no emails).
    fn up_to_frequency(p: &mut PtySession) {
        answer(p, "Mentor's full name", "Maya Okafor");
        answer(p, "Mentor's email", "");
        answer(p, "Mentee's full name", "Tomás Rivera");
        answer(p, "Mentee's email", "");
        answer(p, "Initiative lead's full name", "");
        answer(p, "Lead's email", "");
        answer(p, "Topics of focus", "leadership");
    }

    /// Answers from the session minutes to the first goal's why.
    fn minutes_to_goal(p: &mut PtySession) {
        answer(p, "Minutes per session", "45");
        answer(p, "How will sessions be held?", "");
        answer(p, "between sessions?", "");
        answer(p, "Start date (YYYY-MM-DD) [2026-11-30]", "2026-12-07");
        answer(p, "Duration", "");
        answer(p, "Review checkpoint every how many months?", "");
        answer(p, "Goal 1: what will the mentee achieve?", "Facilitate the team's retrospectives");
        answer(p, "Goal 1: how will you both know it is met?", "Run 3 retrospectives");
        answer(p, "Goal 1: due date", "2027-03-15");
        answer(p, "Goal 1: why does it matter? (optional)", "");
    }

    #[test]
    fn a_typed_frequency_is_taken_as_typed_or_explained_and_asked_again() {
        let dir = program_dir();
        let mut p = spawn(dir.path());
        up_to_frequency(&mut p);
        // Letters are text, not movement keys: `biweekly` is read as written and explained.
        // Only the frequencies the program's minimum of one session a month allows are offered.
        answer(&mut p, "How often will they meet? (weekly, fortnightly, monthly or every 3 or 4 weeks)", "biweekly");
        p.exp_string("frequency-unknown").unwrap();
        p.exp_string("is ambiguous").unwrap();
        answer(&mut p, "How often will they meet?", "every 13 weeks");
        p.exp_string("outside the allowed range").unwrap();
        answer(&mut p, "How often will they meet?", "every  3 weeks");
        answer(&mut p, "Minutes per session", "45");
        // A typed list of modes, spelt as the options are.
        answer(&mut p, "How will sessions be held?", "In Person, chat");
        answer(&mut p, "between sessions?", "-");
        answer(&mut p, "Start date (YYYY-MM-DD) [2026-11-30]", "2026-12-07");
        answer(&mut p, "Duration", "");
        answer(&mut p, "Review checkpoint every how many months?", "");
        answer(&mut p, "Goal 1: what will the mentee achieve?", "Facilitate the team's retrospectives");
        answer(&mut p, "Goal 1: how will you both know it is met?", "Run 3 retrospectives");
        answer(&mut p, "Goal 1: due date", "2027-03-15");
        answer(&mut p, "Goal 1: why does it matter? (optional)", "");
        answer(&mut p, "Add another goal?", "n");
        answer(&mut p, "Write agreements/2026-12-maya-okafor-tomas-rivera.toml?", "y");
        p.exp_string("Created agreements/2026-12-maya-okafor-tomas-rivera.toml").unwrap();
        assert_eq!(exit_code(&mut p), 0);
        let file = dir.path().join("agreements/2026-12-maya-okafor-tomas-rivera.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("frequency = \"every 3 weeks\"\n"), "{text}");
        assert!(text.contains("modes = [\"in person\", \"chat\"]\n"), "{text}");
        assert!(!text.contains("also_via"), "- means no channel: {text}");
        assert_checks_clean(dir.path(), &file);
    }

    #[test]
    fn a_mistyped_frequency_is_marked_refused_and_gets_a_did_you_mean() {
        let dir = program_dir();
        let mut p = common::pty::spawn(dir.path(), &["--color".as_ref(), "always".as_ref(), "new".as_ref()]);
        up_to_frequency(&mut p);
        answer(&mut p, "How often will they meet?", "fortnighlty");
        let shown = p.exp_string("did you mean \"fortnightly\"?").unwrap();
        // The colourful theme echoed it with a ✔; the refused answer is redrawn with a ✘, still showing it.
        let refused = p.exp_string("How often will they meet?").unwrap();
        // rexpect hands over each byte as a char: put the UTF-8 back together.
        let bytes: Vec<u8> = format!("{shown}{refused}").chars().map(|c| c as u8).collect();
        let all = String::from_utf8_lossy(&bytes);
        assert!(all.contains("✘"), "{all:?}");
        assert!(all.contains("fortnighlty"), "{all:?}");
        p.send_control('c').unwrap();
    }

    #[test]
    fn a_single_key_does_not_answer_and_its_enter_does_not_leak() {
        let dir = program_dir();
        let mut p = spawn(dir.path());
        up_to_frequency(&mut p);
        answer(&mut p, "How often will they meet?", "");
        minutes_to_goal(&mut p);
        p.exp_string("Add another goal?").unwrap();
        // `n` waits for Enter; the Enter answers this question only ...
        p.send("n").unwrap();
        p.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        p.send("\r").unwrap();
        p.flush().unwrap();
        // ... so the confirmation is still waiting for its own answer.
        answer(&mut p, "Write agreements/2026-12-maya-okafor-tomas-rivera.toml?", "n");
        answer(&mut p, "Correct an answer instead?", "n");
        p.exp_string("cancelled: nothing was written").unwrap();
        assert_eq!(exit_code(&mut p), 130);
        assert!(agreements(dir.path()).is_empty());
    }

    #[test]
    fn an_answer_is_corrected_from_the_summary_and_the_rest_kept() {
        let dir = program_dir();
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mentor-agree"));
        let mut args = vec!["--today", common::TODAY];
        args.extend(all_flags());
        c.current_dir(dir.path()).env_remove("MENTOR_AGREE_TODAY").env("NO_COLOR", "1").args(args);
        let mut p = rexpect::session::spawn_command(c, Some(30_000)).unwrap();
        // A typo spotted in the summary: not written, not discarded either.
        answer(&mut p, "Write agreements/2026-12-maya-okafor-tomas-rivera.toml?", "n");
        answer(&mut p, "Correct an answer instead?", "y");
        answer(&mut p, "Which answer?", "mentor");
        answer(&mut p, "Mentor's full name", "Maya Okafor-Reyes");
        // The id follows the corrected name; a second correction by number.
        answer(&mut p, "Write agreements/2026-12-maya-okafor-reyes-tomas-rivera.toml?", "n");
        answer(&mut p, "Correct an answer instead?", "y");
        answer(&mut p, "Which answer?", "9");
        answer(&mut p, "Minutes per session", "60");
        answer(&mut p, "Write agreements/2026-12-maya-okafor-reyes-tomas-rivera.toml?", "y");
        p.exp_string("Created agreements/2026-12-maya-okafor-reyes-tomas-rivera.toml").unwrap();
        assert_eq!(exit_code(&mut p), 0);
        let file = dir.path().join("agreements/2026-12-maya-okafor-reyes-tomas-rivera.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("name = \"Maya Okafor-Reyes\"") && text.contains("session_minutes = 60"), "{text}");
        assert!(text.contains("frequency = \"every 3 weeks\""), "the other answers are kept: {text}");
        assert_eq!(agreements(dir.path()).len(), 1);
    }

    #[test]
    fn enter_after_a_warning_asks_again() {
        let dir = program_dir();
        let mut p = spawn(dir.path());
        up_to_frequency(&mut p);
        answer(&mut p, "How often will they meet?", "");
        answer(&mut p, "Minutes per session", "45");
        answer(&mut p, "How will sessions be held?", "");
        answer(&mut p, "between sessions?", "");
        answer(&mut p, "Start date", "");
        answer(&mut p, "Duration", "");
        answer(&mut p, "Review checkpoint every how many months?", "");
        answer(&mut p, "Goal 1: what will the mentee achieve?", "Give a talk");
        answer(&mut p, "Goal 1: how will you both know it is met?", "Feel more confident");
        p.exp_string("warning: goal-vague-measure").unwrap();
        // The default is no, as docs/scaffold.md shows: Enter alone asks the question again.
        answer(&mut p, "Keep this answer anyway? [y/N]", "");
        answer(&mut p, "Goal 1: how will you both know it is met?", "Feel more confident");
        answer(&mut p, "Keep this answer anyway? [y/N]", "y");
        p.exp_string("Goal 1: due date").unwrap();
        p.send_control('c').unwrap();
        assert_eq!(exit_code(&mut p), 130);
    }

    /// What a terminal shows once `raw` is written to it: lines as finally drawn
    /// (carriage returns, line clears and cursor moves applied; other escapes dropped).
    fn screen(raw: &str) -> Vec<String> {
        let mut lines: Vec<Vec<char>> = vec![Vec::new()];
        let (mut row, mut col) = (0usize, 0usize);
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\x1b' => {
                    if chars.peek() != Some(&'[') {
                        chars.next();
                        continue;
                    }
                    chars.next();
                    let mut arg = String::new();
                    let mut end = ' ';
                    for c in chars.by_ref() {
                        if c.is_ascii_alphabetic() || c == '~' {
                            end = c;
                            break;
                        }
                        arg.push(c);
                    }
                    let n: usize = arg.trim_start_matches('?').parse().unwrap_or(1);
                    match end {
                        'A' => row = row.saturating_sub(n),
                        'B' => row += n,
                        'G' => col = n.saturating_sub(1),
                        'K' if arg == "2" => lines[row].clear(),
                        'K' => lines[row].truncate(col),
                        'J' => lines.truncate(row + 1),
                        _ => {}
                    }
                    while lines.len() <= row {
                        lines.push(Vec::new());
                    }
                }
                '\r' => col = 0,
                '\n' => {
                    row += 1;
                    col = 0;
                    while lines.len() <= row {
                        lines.push(Vec::new());
                    }
                }
                c if c.is_control() => {}
                c => {
                    let line = &mut lines[row];
                    while line.len() < col {
                        line.push(' ');
                    }
                    if col < line.len() {
                        line[col] = c;
                    } else {
                        line.push(c);
                    }
                    col += 1;
                }
            }
        }
        lines.into_iter().map(|l| l.into_iter().collect::<String>().trim_end().to_string()).collect()
    }

    /// docs/scaffold.md's `mentor-agree new` session, typed into the real
    /// questionnaire: the screen must show exactly the transcript's lines.
    #[test]
    fn the_documented_session_is_what_the_terminal_shows() {
        let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scaffold.md")).unwrap();
        let start = doc.find("$ mentor-agree new\n").expect("the transcript in docs/scaffold.md");
        let block = &doc[start + "$ mentor-agree new\n".len()..];
        let documented: Vec<&str> = block[..block.find("```").unwrap()].lines().map(str::trim_end).collect();

        let dir = tempfile::tempdir().unwrap(); // the built-in program
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mentor-agree"));
        c.current_dir(dir.path()).env_remove("MENTOR_AGREE_TODAY").env("NO_COLOR", "1").env("TERM", "xterm");
        c.args(["--today", common::TODAY, "new"]);
        let mut p = rexpect::session::spawn_command(c, Some(30_000)).unwrap();
        let mut raw = String::new();
        let mut say = |p: &mut PtySession, prompt: &str, text: &str| {
            raw.push_str(&p.exp_string(prompt).unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}")));
            raw.push_str(prompt);
            p.send(text).unwrap();
            p.send("\r").unwrap();
            p.flush().unwrap();
        };
        for (prompt, text) in [
            ("Mentor's full name", "Maya Okafor"),
            ("Mentor's email (optional)", "maya.okafor@example.org"),
            ("Mentee's full name", "Tomás Rivera"),
            ("Mentee's email (optional)", "tomas.rivera@example.org"),
            ("Initiative lead's full name", "Priya Natarajan"),
            ("Lead's email (optional)", ""),
            ("Topics of focus", "career development, public speaking"),
            ("How often will they meet?", "biweekly"),
            ("How often will they meet?", "fortnightly"),
            ("Minutes per session (15 to 120)", "150"),
            ("Minutes per session (15 to 120)", "45"),
            ("How will sessions be held?", ""),
            ("between sessions?", "email, phone"),
            ("Start date (YYYY-MM-DD)", "2026-12-07"),
            ("Duration", ""),
            ("Review checkpoint every how many months?", ""),
            ("Goal 1: what will the mentee achieve?", "Give a talk at the department meetup"),
            ("Goal 1: how will you both know it is met?", "Feel more confident"),
            ("Keep this answer anyway?", "n"),
            ("Goal 1: how will you both know it is met?", "One 20-minute talk given"),
            ("Goal 1: due date", "2027-04-30"),
            ("Goal 1: why does it matter?", ""),
            ("Add another goal?", ""),
            ("Write agreements/2026-12-maya-okafor-tomas-rivera.toml?", "y"),
        ] {
            say(&mut p, prompt, text);
        }
        raw.push_str(&p.exp_eof().unwrap());
        // rexpect hands over each byte as a char: put the UTF-8 back together.
        let raw = String::from_utf8(raw.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect()).unwrap();
        let shown = screen(&raw);
        let shown: Vec<&str> = shown.iter().map(String::as_str).filter(|l| !l.is_empty()).collect();
        let documented: Vec<&str> = documented.into_iter().filter(|l| !l.is_empty()).collect();
        assert_eq!(shown, documented, "docs/scaffold.md's transcript and the real prompts differ");
        assert!(dir.path().join("agreements/2026-12-maya-okafor-tomas-rivera.toml").is_file());
    }

    #[test]
    fn ctrl_c_leaves_nothing_behind() {
        let dir = program_dir();
        let mut p = spawn(dir.path());
        up_to_minutes(&mut p);
        p.send_control('c').unwrap();
        assert_eq!(exit_code(&mut p), 130);
        assert!(agreements(dir.path()).is_empty());
        assert!(!dir.path().join("agreements").exists());
    }

    #[test]
    fn esc_at_the_confirmation_leaves_nothing_behind() {
        let dir = program_dir();
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_mentor-agree"));
        let mut args = vec!["--today", common::TODAY];
        args.extend(all_flags());
        c.current_dir(dir.path()).env_remove("MENTOR_AGREE_TODAY").env("NO_COLOR", "1").args(args);
        let mut p = rexpect::session::spawn_command(c, Some(30_000)).unwrap();
        // Every question answered by a flag: straight to the summary.
        p.exp_string("Write agreements/2026-12-maya-okafor-tomas-rivera.toml?").unwrap();
        // Esc clears the answer; Enter then cancels.
        p.send("\x1b").unwrap();
        p.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        p.send("\r").unwrap();
        p.flush().unwrap();
        p.exp_string("cancelled: nothing was written").unwrap();
        assert_eq!(exit_code(&mut p), 130);
        assert!(agreements(dir.path()).is_empty());
    }
}

#[test]
fn a_line_break_in_a_name_is_refused_from_a_flag_and_from_a_cohort_row() {
    let dir = program_dir();
    let injected = "Maya Okafor\nextensions = [{ months = 6, agreed = 2026-12-01, by = [\"mentor\", \"mentee\"] }]\n#";
    for (flag, value) in [("--mentor", injected), ("--mentee", "Tomás\rRivera"), ("--topic", "leader\u{1b}[31mship")] {
        let out = cmd().current_dir(dir.path()).args(flags_with(flag, value)).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {stderr}");
        assert!(stderr.contains(&format!("error: {flag}")) && stderr.contains("control-character"), "{stderr}");
        assert!(agreements(dir.path()).is_empty(), "nothing written for {flag}");
    }
    let csv = format!(
        "mentor,mentee,topic,start,months,goal\n\"{}\",Mentee 1,growth,2026-12-07,6,Lead a meeting | 2 meetings led | 2027-03-15\n",
        injected.replace('"', "\"\"")
    );
    let out = new_from(dir.path(), &csv, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("pairs.csv:2:mentor: error[control-character]"), "{stderr}");
    assert!(agreements(dir.path()).is_empty(), "nothing written");
}
