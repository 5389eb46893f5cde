//! The program team's desk: `agenda` (what to act on) and `report` (how the
//! program is doing), over cohorts built here with known answers.

use crate::common;
use crate::support;

use std::path::{Path, PathBuf};

use common::cmd;
use serde_json::Value;
use support::sign_all;

const PARTIES: &[(&str, &str)] = &[("mentor", "Ada Lovelace"), ("mentee", "Grace Hopper"), ("lead", "Alan Turing")];

/// An agreement's terms: fortnightly, one goal, reviews every `every` months.
fn terms(start: &str, months: u32, every: u32, due: &str) -> String {
    format!(
        "format = 1\ntopics = [\"leadership\"]\n\n[mentor]\nname = \"Ada Lovelace\"\nemail = \"ada@example.org\"\n\n\
         [mentee]\nname = \"Grace Hopper\"\nemail = \"grace@example.org\"\n\n[lead]\nname = \"Alan Turing\"\n\n\
         [schedule]\nfrequency = \"fortnightly\"\nsession_minutes = 45\nmodes = [\"video call\"]\n\n\
         [term]\nstart = {start}\nmonths = {months}\n\n[reviews]\nevery_months = {every}\n\n\
         [[goals]]\ngoal = \"Facilitate sprint retrospectives\"\nmeasure = \"Run 3 retrospectives\"\ndue = {due}\n"
    )
}

/// Writes `dir/name.toml` with `text`, signed by all three on `signed` (unless empty), then `records`.
fn pair(dir: &Path, name: &str, text: &str, signed: &str, records: &str) -> PathBuf {
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, text).unwrap();
    if !signed.is_empty() {
        sign_all(&file, signed, PARTIES);
    }
    let mut t = std::fs::read_to_string(&file).unwrap();
    t.push_str(records);
    std::fs::write(&file, t).unwrap();
    file
}

fn checkin(date: &str) -> String {
    format!("\n[[checkins]]\ndate = {date}\nby = \"mentee\"\n")
}

fn review(date: &str, extra: &str) -> String {
    format!("\n[[evaluations]]\ndate = {date}\nby = [\"mentor\", \"mentee\"]\n{extra}")
}

/// One agreement per agenda kind, each raising exactly that kind on 2026-11-25 with --within 14.
fn agenda_cohort(dir: &Path) {
    let base = terms("2026-10-05", 6, 3, "2027-03-15");
    pair(dir, "problems", &base.replace("ada@example.org", "ada@example"), "", "");
    pair(dir, "unsigned", &base, "", "");
    // Signed by all three, but the lead's signature came 58 days after the others
    // (the window is 30): those terms never took effect, and they changed since.
    let stale = dir.join("stale.toml");
    std::fs::write(&stale, &base).unwrap();
    sign_all(&stale, "2026-08-01", &PARTIES[..2]);
    sign_all(&stale, "2026-09-28", &PARTIES[2..]);
    let t = std::fs::read_to_string(&stale).unwrap().replace("session_minutes = 45", "session_minutes = 60");
    std::fs::write(&stale, format!("{t}{}", checkin("2026-11-20"))).unwrap();
    pair(
        dir,
        "checkin-overdue",
        &terms("2026-09-07", 9, 2, "2027-03-15"),
        "2026-08-25",
        &(checkin("2026-09-20") + &review("2026-11-07", "")),
    );
    pair(dir, "checkin-due", &base, "2026-09-28", &checkin("2026-10-20"));
    pair(dir, "review-due", &terms("2026-10-05", 6, 2, "2027-03-15"), "2026-09-28", &checkin("2026-11-20"));
    pair(dir, "review-overdue", &terms("2026-09-07", 9, 2, "2027-03-15"), "2026-08-25", &checkin("2026-11-20"));
    pair(dir, "goal-due", &terms("2026-10-05", 6, 3, "2026-12-01"), "2026-09-28", &checkin("2026-11-20"));
    pair(dir, "goal-overdue", &terms("2026-10-05", 6, 3, "2026-11-06"), "2026-09-28", &checkin("2026-11-20"));
    pair(
        dir,
        "term-ending",
        &terms("2026-06-01", 6, 2, "2026-10-15"),
        "2026-05-25",
        &(checkin("2026-11-20")
            + &review("2026-08-01", "")
            + &review("2026-10-01", "progress = [{ goal = 1, status = \"achieved\" }]\n")),
    );
    pair(
        dir,
        "closing-review-missing",
        &terms("2026-04-06", 6, 2, "2026-09-15"),
        "2026-03-30",
        &(review("2026-06-06", "") + &review("2026-08-06", "progress = [{ goal = 1, status = \"achieved\" }]\n")),
    );
}

fn agenda_json(args: &[&str], path: &Path) -> (i32, Vec<Value>) {
    let out = cmd().arg("agenda").arg(path).args(args).args(["--format", "json"]).output().unwrap();
    let items: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), items.as_array().unwrap().clone())
}

#[test]
fn every_agenda_kind_appears_once_for_the_agreement_that_asks_for_it() {
    let dir = tempfile::tempdir().unwrap();
    agenda_cohort(dir.path());
    let (code, items) = agenda_json(&[], dir.path());
    assert_eq!(code, 1, "something is overdue");
    let mut got: Vec<(String, String)> = items
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_string(), i["kind"].as_str().unwrap().to_string()))
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = [
        "problems",
        "unsigned",
        "stale",
        "checkin-overdue",
        "checkin-due",
        "review-due",
        "review-overdue",
        "goal-due",
        "goal-overdue",
        "term-ending",
        "closing-review-missing",
    ]
    .iter()
    .map(|k| (k.to_string(), k.to_string()))
    .collect();
    want.sort();
    assert_eq!(got, want);
    for i in &items {
        let keys: Vec<&str> = i.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 8, "{i}");
        for k in ["id", "file", "kind", "date", "days", "message", "command", "who"] {
            assert!(i.get(k).is_some(), "{k} missing in {i}");
        }
    }
}

#[test]
fn agenda_dates_days_and_commands_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    agenda_cohort(dir.path());
    let (_, items) = agenda_json(&[], dir.path());
    let find = |kind: &str| items.iter().find(|i| i["kind"] == kind).unwrap().clone();
    // Reviews planned every 2 months from 2026-09-07: 2026-11-07, grace until 2026-11-21.
    let ro = find("review-overdue");
    assert_eq!((ro["date"].as_str(), ro["days"].as_i64()), (Some("2026-11-21"), Some(-4)));
    let file = dir.path().join("review-overdue.toml");
    assert_eq!(ro["command"], format!("mentor-agree evaluate {}", file.display()));
    // Check-ins every 45 days at most: from 2026-10-20, due 2026-12-04.
    let cd = find("checkin-due");
    assert_eq!((cd["date"].as_str(), cd["days"].as_i64()), (Some("2026-12-04"), Some(9)));
    // 2026-09-20 + 45 days = 2026-11-04.
    assert_eq!(find("checkin-overdue")["days"], -21);
    assert_eq!(find("review-due")["date"], "2026-12-05");
    assert_eq!(find("goal-due")["date"], "2026-12-01");
    assert_eq!(
        find("goal-due")["command"],
        format!("mentor-agree evaluate {} --goal 1=achieved", dir.path().join("goal-due.toml").display())
    );
    assert_eq!(find("term-ending")["date"], "2026-11-30");
    assert_eq!(find("closing-review-missing")["date"], "2026-10-05");
    assert_eq!(
        find("unsigned")["command"],
        format!("mentor-agree sign {} --role mentor", dir.path().join("unsigned.toml").display())
    );
    assert!(find("stale")["message"].as_str().unwrap().contains("the mentor, the mentee and the lead"));
    assert_eq!(find("problems")["date"], Value::Null);
    // Who must act: the signers missing, the pair, the lead (who has no email here) for problems.
    let who = |kind: &str| -> Vec<(String, String, Value)> {
        find(kind)["who"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["role"].as_str().unwrap().into(), a["name"].as_str().unwrap().into(), a["email"].clone()))
            .collect()
    };
    let ada = ("mentor".to_string(), "Ada Lovelace".to_string(), Value::from("ada@example.org"));
    let grace = ("mentee".to_string(), "Grace Hopper".to_string(), Value::from("grace@example.org"));
    let alan = ("lead".to_string(), "Alan Turing".to_string(), Value::Null);
    assert_eq!(who("unsigned"), [ada.clone(), grace.clone(), alan.clone()]);
    assert_eq!(who("stale"), [ada.clone(), grace.clone(), alan.clone()]);
    for kind in ["checkin-due", "review-overdue", "goal-due", "term-ending", "closing-review-missing"] {
        assert_eq!(who(kind), [ada.clone(), grace.clone()], "{kind}");
    }
    assert_eq!(who("problems"), [alan]);
    // Overdue first (longest overdue first), then by date.
    let days: Vec<Option<i64>> = items.iter().map(|i| i["days"].as_i64()).collect();
    let first_upcoming = items.iter().position(|i| i["days"].as_i64().is_some_and(|d| d >= 0)).unwrap();
    assert!(items[..first_upcoming].iter().all(|i| i["kind"] == "problems" || i["days"].as_i64().unwrap() < 0));
    let upcoming: Vec<i64> = days[first_upcoming..].iter().map(|d| d.unwrap()).collect();
    assert!(upcoming.windows(2).all(|w| w[0] <= w[1]), "{upcoming:?}");
    assert_eq!(items[0]["kind"], "problems");
}

#[test]
fn agenda_person_shows_one_persons_items_across_the_program() {
    let dir = tempfile::tempdir().unwrap();
    agenda_cohort(dir.path());
    let other = terms("2026-10-05", 6, 3, "2026-12-01")
        .replace("ada@example.org", "maya@example.org")
        .replace("Ada Lovelace", "Maya Okafor");
    std::fs::write(dir.path().join("maya.toml"), other).unwrap();
    let (_, all) = agenda_json(&[], dir.path());
    let (_, mine) = agenda_json(&["--person", "MAYA@example.org"], dir.path());
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!((mine[0]["id"].as_str(), mine[0]["kind"].as_str()), (Some("maya"), Some("unsigned")));
    let (_, ada) = agenda_json(&["--person", "ada@example.org"], dir.path());
    // Ada is in every agreement of the cohort but the one whose errors go to the lead.
    assert_eq!(ada.len(), all.len() - 2, "{ada:?}");
    assert!(ada.iter().all(|i| i["kind"] != "problems" && i["id"] != "maya"));
    let (code, none) = agenda_json(&["--person", "nobody@example.org"], dir.path());
    assert_eq!((code, none.len()), (0, 0));
    // The table and Markdown name them too.
    let out = cmd().arg("agenda").arg(dir.path().join("maya.toml")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("who: Maya Okafor (mentor), Grace Hopper"), "{text}");
    assert!(text.contains("Alan Turing (lead, no email)"), "{text}");
}

#[test]
fn agenda_exit_codes_follow_what_is_overdue() {
    let dir = tempfile::tempdir().unwrap();
    let calm = pair(dir.path(), "calm", &terms("2026-10-05", 6, 3, "2027-03-15"), "2026-09-28", &checkin("2026-11-20"));
    let (code, items) = agenda_json(&[], &calm);
    assert_eq!((code, items.len()), (0, 0));
    // Looking further ahead finds the checkpoint of 2027-01-05, still not overdue.
    let (code, items) = agenda_json(&["--within", "60"], &calm);
    assert_eq!(code, 0);
    assert!(items.iter().any(|i| i["kind"] == "review-due"), "{items:?}");
    // A path that does not exist cannot run.
    let out = cmd().arg("agenda").arg(dir.path().join("nope")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn agenda_table_fits_80_columns_and_lists_commands_unbroken() {
    let dir = tempfile::tempdir().unwrap();
    agenda_cohort(dir.path());
    let out = cmd().arg("agenda").arg(dir.path()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (table, commands) = text.split_once("\nto resolve:\n").unwrap();
    for line in table.lines() {
        assert!(line.chars().count() <= 80, "{} columns: {line}", line.chars().count());
    }
    let evaluate = format!("mentor-agree evaluate {}", dir.path().join("review-overdue.toml").display());
    assert!(
        commands.lines().any(|l| l.trim_start().split_once("  ").is_some_and(|(_, c)| c == evaluate)),
        "{commands}"
    );
    // Unsigned and stale drafts whose term has already started are overdue too.
    assert!(table.contains("11 actions, 7 overdue"), "{table}");
}

#[test]
fn agenda_markdown_is_an_issue_body() {
    let dir = tempfile::tempdir().unwrap();
    agenda_cohort(dir.path());
    let out = cmd().arg("agenda").arg(dir.path()).args(["--format", "md"]).output().unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("## Mentoring agenda, 25 November 2026\n\n7 overdue, 4 in the next 14 days.\n"), "{md}");
    let overdue = md.split("### Overdue").nth(1).unwrap().split("### Coming up").next().unwrap();
    assert_eq!(overdue.matches("- [ ] ").count(), 7);
    assert!(md.contains("- [ ] **review-overdue**: review-overdue: the review planned for 2026-11-07 was not recorded (due 2026-11-21, 4 days ago)"), "{md}");
    let out = cmd().arg("agenda").arg(dir.path()).args(["--format", "github"]).output().unwrap();
    let gh = String::from_utf8(out.stdout).unwrap();
    assert_eq!(gh.lines().filter(|l| l.starts_with("::warning file=")).count(), 7);
    assert_eq!(gh.lines().filter(|l| l.starts_with("::notice file=")).count(), 4);
}

fn report_json(args: &[&str], path: &Path) -> Value {
    let out = cmd().arg("report").arg(path).args(args).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn report_figures_over_the_agenda_cohort() {
    let dir = tempfile::tempdir().unwrap();
    agenda_cohort(dir.path());
    let r = report_json(&[], dir.path());
    // "problems" has a bad email but is still readable: all 11 count.
    assert_eq!(r["agreements"], 11);
    assert_eq!(r["states"], serde_json::json!({"draft": 3, "pending": 0, "active": 7, "ended": 1, "terminated": 0}));
    assert_eq!(r["completion"]["finished"], 1);
    assert_eq!(r["completion"]["rate"], 1.0);
    // One goal each; achieved in term-ending and closing-review-missing.
    assert_eq!(
        r["goals"],
        serde_json::json!({"total": 11, "achieved": 2, "dropped": 0, "open": 9, "achieved_rate": 0.182})
    );
    assert_eq!(
        r["topics"],
        serde_json::json!([{"topic": "leadership", "agreements": 11, "goals_achieved_rate": 0.182}])
    );
    assert_eq!(r["mentors"], serde_json::json!([{"name": "Ada Lovelace", "mentees": 11}]));
    assert_eq!(r["checkins"]["silent_pairs"], 1);
    // Only agreements running in 2026-04..05: the ended one (2026-04-06 to 2026-10-05);
    // term-ending starts on 2026-06-01, every other one later.
    let r = report_json(&["--from", "2026-04-01", "--to", "2026-05-31"], dir.path());
    assert_eq!(r["agreements"], 1);
    assert_eq!(r["states"]["ended"], 1);
    assert_eq!((r["from"].as_str(), r["to"].as_str()), (Some("2026-04-01"), Some("2026-05-31")));
    let out =
        cmd().arg("report").arg(dir.path()).args(["--from", "2027-01-01", "--to", "2026-01-01"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn report_csv_reads_back_in_pythons_csv_module() {
    if !common::have_tool("python3", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    agenda_cohort(dir.path());
    let out = cmd().arg("report").arg(dir.path()).args(["--format", "csv"]).output().unwrap();
    assert!(out.status.success());
    let csv = dir.path().join("report.csv");
    std::fs::write(&csv, &out.stdout).unwrap();
    let script =
        "import csv,json,sys\nrows=list(csv.DictReader(open(sys.argv[1],newline='')))\nprint(json.dumps(rows))";
    let py = std::process::Command::new("python3").args(["-c", script]).arg(&csv).output().unwrap();
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let rows: Vec<std::collections::BTreeMap<String, String>> = serde_json::from_slice(&py.stdout).unwrap();
    let get = |section: &str, item: &str, measure: &str| {
        rows.iter()
            .find(|r| r["section"] == section && r["item"] == item && r["measure"] == measure)
            .map(|r| r["value"].clone())
    };
    assert_eq!(get("agreements", "", "count").as_deref(), Some("11"));
    assert_eq!(get("states", "active", "agreements").as_deref(), Some("7"));
    assert_eq!(get("goals", "", "achieved_rate").as_deref(), Some("0.182"));
    assert_eq!(get("mentors", "Ada Lovelace", "mentees").as_deref(), Some("11"));
    // Figures with nothing to divide by are empty cells.
    let out = cmd().arg("report").arg(dir.path().join("unsigned.toml")).args(["--format", "csv"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("completion,,rate,\r\n"));
}

/// Routine items (check-ins simply coming due) are gathered on one line of the
/// table and the Markdown, so what is overdue stands out; `--all` and the
/// machine formats list each.
#[test]
fn routine_checkins_are_gathered_on_one_line_unless_all() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read_to_string(common::example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    for i in 1..=5 {
        let text = example.replace("id = \"2026-09-maya-okafor-tomas-rivera\"", &format!("id = \"pair-{i}\""));
        std::fs::write(dir.path().join(format!("p{i}.toml")), text).unwrap();
    }
    let run = |args: &[&str]| {
        let out = common::cmd_on("2026-12-20").arg("agenda").arg(dir.path()).args(args).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let table = run(&[]);
    assert!(table.contains("checkin-due: 5 pairs:") && table.contains("(2026-12-31)"), "{table}");
    assert_eq!(table.matches("checkin-due").count(), 1, "one line for the five:\n{table}");
    assert!(table.contains("10 actions, 0 overdue"), "the count still counts each: {table}");
    let all = run(&["--all"]);
    assert_eq!(all.matches("checkin-due").count(), 5, "{all}");
    let md = run(&["--format", "md"]);
    assert!(md.contains("### Routine\n\n- [ ] checkin-due: 5 pairs: a check-in due"), "{md}");
    let json: Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let checkins = json.as_array().unwrap().iter().filter(|i| i["kind"] == "checkin-due").count();
    assert_eq!(checkins, 5, "machine formats list every item");
}
