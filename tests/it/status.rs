//! `status`: one row per agreement, most urgent first, as a table or the JSON of docs/lifecycle.md.

use crate::common;
use crate::support;

use std::path::Path;

use common::cmd;
use support::{sign_all, status_json};

const PARTIES: &[(&str, &str)] = &[("mentor", "Ada Lovelace"), ("mentee", "Grace Hopper"), ("lead", "Alan Turing")];

fn base() -> String {
    std::fs::read_to_string(common::fixture("lifecycle/commented.toml")).unwrap()
}

/// A folder of six agreements, one per situation, named so that id order and
/// attention order differ.
fn portfolio(dir: &Path) {
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    let path = |name: &str| dir.join(name);

    write("1-terminated.toml", &base());
    sign_all(&path("1-terminated.toml"), "2026-10-20", PARTIES);
    cmd()
        .arg("terminate")
        .arg(path("1-terminated.toml"))
        .args(["--by", "mentee", "--reason", "New job", "--date", "2026-11-20"])
        .assert()
        .success();

    write("2-active.toml", &base());
    sign_all(&path("2-active.toml"), "2026-10-20", PARTIES);
    cmd().arg("checkin").arg(path("2-active.toml")).args(["--by", "mentee"]).assert().success();

    write("3-draft.toml", &base());

    write(
        "4-overdue.toml",
        &base().replace("start = 2026-11-02", "start = 2026-09-07").replace("months = 6 ", "months = 9 "),
    );
    sign_all(&path("4-overdue.toml"), "2026-08-25", PARTIES);
    cmd()
        .arg("checkin")
        .arg(path("4-overdue.toml"))
        .args(["--by", "mentor", "--date", "2026-09-20"])
        .assert()
        .success();
    // The checkpoint of 2026-11-07 was held, so the only warning left is the silent check-ins.
    cmd().arg("evaluate").arg(path("4-overdue.toml")).args(["--date", "2026-11-07"]).assert().success();

    write("5-error.toml", &base().replace("session_minutes = 45", "session_minutes = 300"));
    write("6-broken.toml", "format = 1\n[mentor\n");
}

#[test]
fn rows_are_sorted_by_attention_needed() {
    let dir = tempfile::tempdir().unwrap();
    portfolio(dir.path());
    let rows = status_json(&[dir.path()]);
    let summary: Vec<(String, serde_json::Value)> =
        rows.iter().map(|r| (r["id"].as_str().unwrap().to_string(), r["state"].clone())).collect();
    let expected = [
        ("5-error", serde_json::json!("draft")),
        ("6-broken", serde_json::Value::Null),
        ("4-overdue", serde_json::json!("active")),
        ("3-draft", serde_json::json!("draft")),
        ("1-terminated", serde_json::json!("terminated")),
        ("2-active", serde_json::json!("active")),
    ];
    let expected: Vec<(String, serde_json::Value)> = expected.into_iter().map(|(i, s)| (i.to_string(), s)).collect();
    assert_eq!(summary, expected);
    assert_eq!(rows[0]["errors"], 1);
    assert_eq!(rows[2]["warnings"], 1);
    assert_eq!(rows[2]["last_checkin"], "2026-09-20");
}

#[test]
fn json_has_exactly_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    portfolio(dir.path());
    let rows = status_json(&[&dir.path().join("2-active.toml")]);
    let row = rows[0].as_object().unwrap();
    let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
    keys.sort();
    let mut expected = [
        "id",
        "file",
        "mentor",
        "mentee",
        "state",
        "start",
        "end",
        "last_day",
        "terminated",
        "effective",
        "next_review",
        "last_checkin",
        "last_evaluation",
        "goals_total",
        "goals_achieved",
        "signed",
        "missing",
        "stale",
        "errors",
        "warnings",
        "amended",
        "amendment",
    ];
    expected.sort();
    assert_eq!(keys, expected);
    assert_eq!(row["mentor"], "Ada Lovelace");
    assert_eq!(row["mentee"], "Grace Hopper");
    assert_eq!(row["start"], "2026-11-02");
    assert_eq!(row["end"], "2027-05-02");
    assert_eq!(row["last_day"], "2027-05-01", "the day before the exclusive end, as render and new say");
    assert_eq!(row["effective"], "2026-10-20");
    assert_eq!(row["next_review"], "2027-01-02");
    assert_eq!(row["last_checkin"], "2026-11-25");
    assert_eq!(row["signed"], serde_json::json!(["mentor", "mentee", "lead"]));
    assert_eq!(row["missing"], serde_json::json!([]));
    assert!(row["file"].as_str().unwrap().ends_with("2-active.toml"));
}

#[test]
fn state_filter() {
    let dir = tempfile::tempdir().unwrap();
    portfolio(dir.path());
    let out = cmd()
        .arg("status")
        .arg(dir.path())
        .args(["--format", "json", "--state", "active,terminated"])
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["4-overdue", "1-terminated", "2-active"]);
    cmd().arg("status").arg(dir.path()).args(["--state", "finished"]).assert().code(2);
}

#[test]
fn table_lists_every_agreement_in_order() {
    let dir = tempfile::tempdir().unwrap();
    portfolio(dir.path());
    let out = cmd().arg("status").arg(dir.path()).arg("--wide").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "no colour without a terminal:\n{text}");
    for header in
        ["pair", "state", "start", "last day", "effective", "next review", "last check-in", "signatures", "problems"]
    {
        assert!(text.contains(header), "{header} missing:\n{text}");
    }
    let order: Vec<usize> = ["5-error", "6-broken", "4-overdue", "3-draft", "1-terminated", "2-active"]
        .iter()
        .map(|id| text.find(id).unwrap_or_else(|| panic!("{id} missing:\n{text}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.contains("Ada Lovelace → Grace Hopper"));
    assert!(text.contains("0/3, missing: mentor, mentee, lead"));
    assert!(text.contains("1 error"));
    assert!(text.contains("6 agreements: 2 draft, 2 active, 1 terminated, 1 invalid"), "{text}");
}

#[test]
fn state_is_coloured_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), base()).unwrap();
    let out = cmd().args(["--color", "always", "status"]).arg(dir.path()).output().unwrap();
    let coloured = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(coloured.contains("\x1b["), "{coloured}");
    // Off a terminal `auto` is plain, `never` always is, and NO_COLOR wins over `auto`.
    for args in [&["--color", "auto"][..], &["--color", "never"], &[]] {
        let out = cmd().args(args).arg("status").arg(dir.path()).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(!text.contains('\x1b'), "{args:?}: {text:?}");
        // The same table, without the escapes.
        assert_eq!(text, strip_ansi(&coloured), "{args:?}");
    }
}

/// `text` without ANSI colour escapes (`ESC [ … m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn without_paths_the_programs_agreements_folder_is_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("program.toml"), "[program]\nagreements = \"pairs\"\n").unwrap();
    std::fs::create_dir(dir.path().join("pairs")).unwrap();
    std::fs::write(dir.path().join("pairs/ada-grace.toml"), base()).unwrap();
    let out = cmd().current_dir(dir.path()).args(["status", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], "ada-grace");
}

#[test]
fn duplicate_ids_count_as_errors_of_the_later_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("id = \"same-pair\"\n{}", base());
    std::fs::write(dir.path().join("a.toml"), &text).unwrap();
    std::fs::write(dir.path().join("b.toml"), &text).unwrap();
    let rows = status_json(&[dir.path()]);
    let errors = |file: &str| {
        rows.iter().find(|r| r["file"].as_str().unwrap().ends_with(file)).unwrap()["errors"].as_u64().unwrap()
    };
    assert_eq!((errors("a.toml"), errors("b.toml")), (0, 1));
    assert!(rows[0]["file"].as_str().unwrap().ends_with("b.toml"), "the file with the error comes first");
}

#[test]
fn the_table_fits_the_terminal_with_the_columns_that_matter_most() {
    let dir = tempfile::tempdir().unwrap();
    portfolio(dir.path());
    let out = cmd().arg("status").arg(dir.path()).env("COLUMNS", "100").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for line in text.lines() {
        assert!(line.chars().count() <= 100, "wider than 100 columns: {line}\n{text}");
    }
    for header in ["agreement", "state", "last day", "next", "signatures", "problems"] {
        assert!(text.contains(header), "{header} missing:\n{text}");
    }
    for only_wide in ["pair", "effective", "last check-in"] {
        assert!(!text.contains(only_wide), "{only_wide} is for --wide:\n{text}");
    }
    // Ids and dates are whole on their line, never broken.
    for whole in ["4-overdue", "1-terminated", "2027-05-01", "terminated"] {
        assert!(text.contains(whole), "{whole} broken:\n{text}");
    }
    // --wide shows everything, one line per agreement, however wide.
    let out = cmd().arg("status").arg(dir.path()).arg("--wide").env("COLUMNS", "100").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("effective") && text.contains("Ada Lovelace → Grace Hopper"), "{text}");
    assert_eq!(text.lines().count(), 6 + 5, "header, rule, borders, six rows, counts: {text}");
}

#[test]
fn stale_signatures_are_stale_not_missing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, base()).unwrap();
    sign_all(&file, "2026-10-20", &PARTIES[..2]);
    // The terms change after the mentor and mentee signed, before the lead did.
    let text = std::fs::read_to_string(&file).unwrap().replace("session_minutes = 45", "session_minutes = 50");
    std::fs::write(&file, text).unwrap();
    let rows = status_json(&[&file]);
    assert_eq!(rows[0]["state"], "draft", "{:#}", rows[0]);
    assert_eq!(rows[0]["stale"], serde_json::json!(["mentor", "mentee"]), "{:#}", rows[0]);
    assert_eq!(rows[0]["missing"], serde_json::json!(["lead"]), "{:#}", rows[0]);
    assert_eq!(rows[0]["signed"], serde_json::json!([]), "{:#}", rows[0]);
    assert_eq!(rows[0]["amendment"], serde_json::json!([]), "{:#}", rows[0]);
    let out = cmd().arg("status").arg(&file).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("0/3, stale: mentor, mentee, missing: lead"), "{table}");
}

#[test]
fn a_change_after_everyone_signed_is_an_amendment_not_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, base()).unwrap();
    sign_all(&file, "2026-10-20", PARTIES);
    let text = std::fs::read_to_string(&file).unwrap().replace("session_minutes = 45", "session_minutes = 50");
    std::fs::write(&file, text).unwrap();
    let row = &status_json(&[&file])[0];
    assert_eq!(row["state"], "active", "{row:#}");
    assert_eq!(row["effective"], "2026-10-20", "the effective date stays: {row:#}");
    assert_eq!(row["amendment"], serde_json::json!(["mentor", "mentee", "lead"]), "{row:#}");
    assert_eq!((row["stale"].clone(), row["missing"].clone()), (serde_json::json!([]), serde_json::json!([])));
    let table = String::from_utf8(cmd().arg("status").arg(&file).output().unwrap().stdout).unwrap();
    assert!(table.contains("0/3, amendment awaiting"), "{table}");
    // Every required role signs the new terms: in force from the last of those signatures.
    sign_all(&file, "2026-11-10", PARTIES);
    let row = &status_json(&[&file])[0];
    assert_eq!((row["effective"].as_str(), row["amended"].as_str()), (Some("2026-10-20"), Some("2026-11-10")));
    assert_eq!(row["amendment"], serde_json::json!([]), "{row:#}");
    assert_eq!(row["signed"], serde_json::json!(["mentor", "mentee", "lead"]), "{row:#}");
}

#[test]
fn a_terminated_agreement_has_no_next_review() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, base()).unwrap();
    sign_all(&file, "2026-10-20", PARTIES);
    assert_eq!(status_json(&[&file])[0]["next_review"], "2027-01-02");
    cmd().arg("terminate").arg(&file).args(["--by", "mentee", "--reason", "New job"]).assert().success();
    let row = &status_json(&[&file])[0];
    assert_eq!(row["state"], "terminated");
    assert_eq!(row["next_review"], serde_json::Value::Null, "{row:#}");
}

#[test]
fn a_terminated_agreement_ends_on_its_termination_date_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, base()).unwrap();
    sign_all(&file, "2026-10-20", PARTIES);
    cmd()
        .arg("terminate")
        .arg(&file)
        .args(["--by", "mentee", "--reason", "New job", "--date", "2026-11-20"])
        .assert()
        .success();
    let row = &status_json(&[&file])[0];
    assert_eq!(row["terminated"], "2026-11-20", "{row:#}");
    assert_eq!(row["last_day"], "2026-11-20", "{row:#}");
    assert_eq!(row["end"], "2027-05-02", "the term's end stays: {row:#}");
    let table = String::from_utf8(cmd().arg("status").arg(&file).output().unwrap().stdout).unwrap();
    assert!(table.contains("2026-11-20") && !table.contains("2027-05-01"), "{table}");
    let csv = String::from_utf8(cmd().args(["status", "--format", "csv"]).arg(&file).output().unwrap().stdout).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",terminated,amended,amendment"), "{csv}");
    assert!(csv.lines().nth(1).unwrap().ends_with(",2026-11-20,,"), "{csv}");
    // The Markdown says when it was terminated, not today; the site index shows it as the last day.
    let md = cmd().arg("render").arg(&file).args(["--format", "md"]).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("Terminated on 20 November 2026"), "{md}");
    let site = dir.path().join("site");
    cmd().arg("render").arg("--site").arg(&site).arg(&file).assert().success();
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("20 November 2026") && !index.contains("1 May 2027"), "{index}");
}

#[test]
fn the_next_review_is_the_one_agenda_says_is_due() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, base()).unwrap();
    sign_all(&file, "2026-10-20", PARTIES);
    // The review planned for 2027-01-02, a week later and not yet held: due now.
    let at = |today: &str| {
        let out = common::cmd_on(today).args(["status", "--format", "json"]).arg(&file).output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()[0]["next_review"].clone()
    };
    assert_eq!(at("2027-01-09"), "2027-01-02");
    let agenda = common::cmd_on("2027-01-09").args(["agenda", "--format", "json"]).arg(&file).output().unwrap();
    let agenda = String::from_utf8(agenda.stdout).unwrap();
    assert!(agenda.contains("review-due") && agenda.contains("2027-01-02"), "{agenda}");
}

#[test]
fn one_word_for_each_state_in_status_and_on_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(&file, base()).unwrap();
    sign_all(&file, "2026-10-20", PARTIES);
    // Signed by everyone, before the term starts on 2026-11-02.
    let before_start = || {
        let mut c = assert_cmd::Command::new(env!("CARGO_BIN_EXE_mentor-agree"));
        c.env_remove("MENTOR_AGREE_TODAY").env("NO_COLOR", "1").args(["--today", "2026-10-25"]);
        c
    };
    let out = before_start().args(["status", "--format", "json"]).arg(&file).output().unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["state"], "pending");
    let site = dir.path().join("site");
    before_start().args(["render", "--site"]).arg(&site).arg(&file).assert().success();
    for page in ["index.html", "a.html"] {
        let html = std::fs::read_to_string(site.join(page)).unwrap();
        assert!(html.contains(">Pending<") || html.contains("Pending</"), "{page}: {html}");
        assert!(!html.contains("not started"), "{page} uses another word for pending");
    }
}

#[test]
fn wide_status_shows_goals_achieved_and_the_last_review() {
    let file = common::example("2026-03-jonas-berg-amara-diallo.toml");
    let out = cmd().args(["status", "--wide"]).arg(&file).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let header = text.lines().find(|l| l.contains("agreement")).unwrap();
    assert!(header.contains("last review") && header.contains("goals"), "{header}");
    let row = text.lines().find(|l| l.contains("2026-03-jonas-berg-amara-diallo")).unwrap();
    // Both goals achieved; the closing review was on 2026-11-24.
    assert!(row.contains("2/2") && row.contains("2026-11-24"), "{row}");
}

/// `status` on a real terminal of `cols` columns (a pseudo-terminal sized by
/// `stty`, no `$COLUMNS`): its whole output, lines without their `\r`.
#[cfg(unix)]
fn status_on_a_terminal(dir: &Path, cols: u16) -> String {
    on_a_terminal(dir, cols, "status", common::TODAY)
}

/// `mentor-agree COMMAND DIR` on `today`, on a pseudo-terminal of `cols` columns,
/// as [`status_on_a_terminal`].
#[cfg(unix)]
pub(crate) fn on_a_terminal(dir: &Path, cols: u16, command: &str, today: &str) -> String {
    let mut c = std::process::Command::new("sh");
    c.arg("-c")
        .arg(format!("stty cols {cols} rows 200 && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_mentor-agree"))
        .args(["--today", today, command])
        .arg(dir)
        .current_dir(dir)
        .env_remove("COLUMNS")
        .env_remove("MENTOR_AGREE_TODAY")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = rexpect::session::spawn_command(c, Some(30_000)).expect("spawn on a pseudo-terminal");
    // rexpect hands over each byte as a char: put the UTF-8 back together.
    let bytes: Vec<u8> = p.exp_eof().expect("status ends").chars().map(|c| c as u8).collect();
    String::from_utf8(bytes).expect("UTF-8 output").replace('\r', "")
}

#[cfg(unix)]
#[test]
fn on_an_80_column_terminal_long_ids_stay_whole_and_nothing_is_wider() {
    let dir = tempfile::tempdir().unwrap();
    portfolio(dir.path());
    let ids = [
        "2027-01-gabriel-silva-hannah-schmidt",
        "2027-01-kasia-nowak-seun-adeyemi",
        "2027-01-maximilian-fischer-priya-raman",
    ];
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(format!("{name}.toml")), text).unwrap();
    write(ids[0], &base());
    sign_all(&dir.path().join(format!("{}.toml", ids[0])), "2026-10-20", PARTIES);
    write(ids[1], &base().replace("session_minutes = 45", "session_minutes = 300"));
    write(ids[2], &base());
    let text = status_on_a_terminal(dir.path(), 80);
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns ({}): {line}\n{text}", line.chars().count());
    }
    // Every id, state, role and count is whole on its line: nothing wraps letter by letter.
    for whole in ids.iter().copied().chain(["4-overdue", "terminated", "missing:", "mentee,", "signatures", "problems"])
    {
        assert!(text.contains(whole), "{whole} broken:\n{text}");
    }
    // Rows stay short: one line per agreement or a few, never a letter a line.
    assert!(text.lines().count() < 40, "{} lines:\n{text}", text.lines().count());
    assert!(text.contains("hidden to fit 80 columns: last day, next review"), "{text}");
    // Wide enough, nothing is hidden.
    let text = status_on_a_terminal(dir.path(), 160);
    assert!(!text.contains("hidden"), "{text}");
    assert!(text.contains("next review") && text.contains("last day"), "{text}");
}

/// The agenda's table never breaks an id across lines on an 80-column terminal,
/// however many items make its columns narrow.
#[cfg(unix)]
#[test]
fn on_an_80_column_terminal_the_agenda_keeps_ids_whole() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(common::example("")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let long = "2027-01-maximilian-fischer-priya-raman-johansson";
    let text = std::fs::read_to_string(common::example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    let text: String = text.lines().filter(|l| !l.starts_with("id = ")).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join(format!("{long}.toml")), text).unwrap();
    let agenda = on_a_terminal(dir.path(), 80, "agenda", "2027-06-01");
    // In the table itself (the commands below it name the files too).
    let rows: Vec<&str> = agenda.lines().filter(|l| l.starts_with('│')).collect();
    for id in [long, "2026-09-maya-okafor-tomas-rivera"] {
        assert!(rows.iter().any(|r| r.contains(id)), "{id} broken across lines:\n{agenda}");
    }
}
