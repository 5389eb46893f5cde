//! `calendar FILE`: iCalendar export, read back by a real parser (Python's
//! `icalendar`, with `dateutil` expanding the recurrence rule).

use crate::common;

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use common::{cmd, example, fixture, have_tool};
use serde_json::Value;

fn ics(file: &Path, extra: &[&str]) -> String {
    let out = cmd().arg("calendar").arg(file).args(extra).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Parses with Python icalendar; returns every VEVENT with its expanded occurrences.
const READER: &str = r#"
import json, sys, datetime
import icalendar
from dateutil.rrule import rrulestr
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = {"prodid": str(cal.get("prodid")), "version": str(cal.get("version")), "events": []}
for ev in cal.walk("VEVENT"):
    start = ev.get("dtstart").dt
    e = {"uid": str(ev.get("uid")), "summary": str(ev.get("summary")),
         "description": str(ev.get("description", "")),
         "start": start.isoformat(), "all_day": not isinstance(start, datetime.datetime),
         "dtstamp": ev.get("dtstamp").dt.isoformat()}
    if ev.get("dtend") is not None:
        e["end"] = ev.get("dtend").dt.isoformat()
    if ev.get("duration") is not None:
        e["minutes"] = ev.get("duration").dt.total_seconds() / 60
    att = ev.get("attendee") or []
    if not isinstance(att, list):
        att = [att]
    e["attendees"] = [[str(a), str(a.params.get("CN", ""))] for a in att]
    if ev.get("rrule") is not None:
        rule = ev.get("rrule").to_ical().decode()
        first = start if isinstance(start, datetime.datetime) else datetime.datetime.combine(start, datetime.time())
        e["occurrences"] = [d.date().isoformat() for d in rrulestr(rule, dtstart=first)]
    out["events"].append(e)
print(json.dumps(out))
"#;

fn parse_with_python(text: &str) -> Option<Value> {
    if !have_tool("python3", "--version") {
        return None;
    }
    let probe = std::process::Command::new("python3").args(["-c", "import icalendar, dateutil"]).output().unwrap();
    if !probe.status.success() {
        common::skip("the Python modules icalendar and dateutil are not installed (pip install icalendar)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.ics");
    std::fs::write(&path, text).unwrap();
    let out = std::process::Command::new("python3").args(["-c", READER]).arg(&path).output().unwrap();
    assert!(out.status.success(), "icalendar could not read the file:\n{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// How far apart sessions are, for the expected dates below.
#[derive(Clone, Copy)]
enum Every {
    Days(i64),
    /// Calendar months: the start's day of the month, or the month's last day when shorter.
    Month,
}

/// Session dates counted here, independently of mentor-agree (start, start + 1
/// interval, …, up to `last`): days added one interval at a time, months by
/// hand, clamped to the month's end.
fn sessions(every: Every, start: &str, last: &str) -> Vec<String> {
    let (start, last) = (d(start), d(last));
    let nth = |n: i64| match every {
        Every::Days(days) => start + chrono::Duration::days(days * n),
        Every::Month => {
            let months = i64::from(start.year()) * 12 + i64::from(start.month0()) + n;
            let (y, m) = ((months / 12) as i32, (months % 12) as u32 + 1);
            let month_end = (28..=31).rev().find(|&day| NaiveDate::from_ymd_opt(y, m, day).is_some()).unwrap();
            NaiveDate::from_ymd_opt(y, m, start.day().min(month_end)).unwrap()
        }
    };
    (0..).map(nth).take_while(|x| *x <= last).map(|x| x.to_string()).collect()
}

fn event<'a>(cal: &'a Value, uid_suffix: &str) -> &'a Value {
    cal["events"].as_array().unwrap().iter().find(|e| e["uid"].as_str().unwrap().ends_with(uid_suffix)).unwrap()
}

#[test]
fn rfc5545_basics_on_the_rust_side() {
    let text = ics(&example("2026-09-maya-okafor-tomas-rivera.toml"), &[]);
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(text.lines().all(|l| l.len() <= 75), "lines are folded at 75 octets");
    assert_eq!(text.matches("PRODID:").count(), 1);
    assert_eq!(text.matches("BEGIN:VEVENT").count(), text.matches("END:VEVENT").count());
    assert!(text.contains("\r\nRRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20270606\r\n"));
    assert!(text.contains("\r\nDTSTART;VALUE=DATE:20260907\r\n"));
    assert!(text.contains("\r\nDTSTAMP:20261125T000000Z\r\n"), "DTSTAMP is --today, not the clock");
    assert!(text.contains("UID:2026-09-maya-okafor-tomas-rivera.sessions@mentor-agree"));
    // Reproducible: the same input gives the same bytes.
    assert_eq!(text, ics(&example("2026-09-maya-okafor-tomas-rivera.toml"), &[]));
}

#[test]
fn python_icalendar_reads_sessions_reviews_goals_and_the_last_day() {
    let text = ics(&example("2026-09-maya-okafor-tomas-rivera.toml"), &[]);
    let Some(cal) = parse_with_python(&text) else { return };
    assert_eq!(cal["version"], "2.0");
    assert!(cal["prodid"].as_str().unwrap().contains("mentor-agree"));
    let events = cal["events"].as_array().unwrap();
    // 1 series + 2 reviews + 3 goals + the next check-in + last day.
    assert_eq!(events.len(), 8, "{cal:#}");
    // Every event invites the pair, by name and address.
    for e in events {
        assert_eq!(
            e["attendees"],
            serde_json::json!([
                ["mailto:maya.okafor@example.org", "Maya Okafor"],
                ["mailto:tomas.rivera@example.org", "Tomás Rivera"]
            ]),
            "{e}"
        );
    }
    assert_eq!(event(&cal, ".checkin@mentor-agree")["start"], "2026-12-31");

    let s = event(&cal, ".sessions@mentor-agree");
    assert_eq!(s["summary"], "Mentoring session: Maya Okafor & Tomás Rivera");
    assert_eq!(s["all_day"], true);
    assert_eq!(s["start"], "2026-09-07");
    assert!(
        s["description"].as_str().unwrap().starts_with("45-minute mentoring session, every two weeks, by video call.")
    );
    let expected = sessions(Every::Days(14), "2026-09-07", "2027-06-06");
    assert_eq!(s["occurrences"], serde_json::json!(expected));
    assert_eq!(expected.len(), 20);

    assert_eq!(event(&cal, ".review-1@mentor-agree")["start"], "2026-12-07");
    assert_eq!(event(&cal, ".review-2@mentor-agree")["start"], "2027-03-07");
    assert_eq!(event(&cal, ".review-2@mentor-agree")["end"], "2027-03-08", "all-day events last one day");
    let g = event(&cal, ".goal-1@mentor-agree");
    assert_eq!(g["summary"], "Goal due: Facilitate my team's sprint retrospectives (Maya Okafor & Tomás Rivera)");
    assert_eq!(g["start"], "2027-01-29");
    assert_eq!(
        g["description"],
        "Measure: Run 3 retrospectives rated 4/5 or better by the team\nWhy: Preparation for the team-lead role"
    );
    assert_eq!(event(&cal, ".last-day@mentor-agree")["start"], "2027-06-06");
    let uids: std::collections::HashSet<&str> = events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
    assert_eq!(uids.len(), events.len(), "UIDs are unique");
}

#[test]
fn timed_sessions_have_a_duration_and_a_floating_until() {
    let text = ics(&example("2026-09-maya-okafor-tomas-rivera.toml"), &["--time", "17:30"]);
    assert!(text.contains("\r\nDTSTART:20260907T173000\r\n"));
    assert!(text.contains("\r\nDURATION:PT45M\r\n"));
    assert!(text.contains("UNTIL=20270606T235959"));
    let Some(cal) = parse_with_python(&text) else { return };
    let s = event(&cal, ".sessions@mentor-agree");
    assert_eq!(s["start"], "2026-09-07T17:30:00");
    assert_eq!(s["minutes"], 45.0);
    assert_eq!(s["occurrences"], serde_json::json!(sessions(Every::Days(14), "2026-09-07", "2027-06-06")));
}

#[test]
fn monthly_from_the_31st_follows_the_tools_month_arithmetic_with_extensions() {
    let text = ics(&fixture("calendar/monthly-31st.toml"), &[]);
    assert!(text.contains("RRULE:FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;UNTIL=20270929"));
    let Some(cal) = parse_with_python(&text) else { return };
    // 6 months + a 2-month extension: the last day is 2027-09-29.
    let expected = sessions(Every::Month, "2027-01-31", "2027-09-29");
    assert_eq!(expected[1], "2027-02-28");
    assert_eq!(event(&cal, ".sessions@mentor-agree")["occurrences"], serde_json::json!(expected));
    assert_eq!(event(&cal, ".last-day@mentor-agree")["start"], "2027-09-29");
    assert_eq!(event(&cal, ".review-3@mentor-agree")["start"], "2027-07-31");
}

#[test]
fn an_early_end_stops_sessions_and_drops_later_events() {
    let text = ics(&fixture("calendar/terminated.toml"), &[]);
    assert!(text.contains("RRULE:FREQ=WEEKLY;INTERVAL=3;UNTIL=20261119"));
    assert!(!text.contains("goal-2@"), "the goal due after the end is left out");
    let Some(cal) = parse_with_python(&text) else { return };
    let expected = sessions(Every::Days(21), "2026-06-01", "2026-11-19");
    assert_eq!(event(&cal, ".sessions@mentor-agree")["occurrences"], serde_json::json!(expected));
    let reviews: Vec<&Value> =
        cal["events"].as_array().unwrap().iter().filter(|e| e["uid"].as_str().unwrap().contains(".review-")).collect();
    assert_eq!(reviews.len(), 1);
    let end = event(&cal, ".last-day@mentor-agree");
    assert_eq!(end["start"], "2026-11-20");
    assert!(end["summary"].as_str().unwrap().contains("ends early"));
}

#[test]
fn out_file_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pair.ics");
    cmd()
        .arg("calendar")
        .arg(example("2026-09-maya-okafor-tomas-rivera.toml"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), ics(&example("2026-09-maya-okafor-tomas-rivera.toml"), &[]));

    // A file with errors is refused with its report, and nothing is written.
    let bad = dir.path().join("bad.toml");
    std::fs::copy(example("common-mistakes.toml.example"), &bad).unwrap();
    let o = cmd().arg("calendar").arg(&bad).arg("-o").arg(dir.path().join("bad.ics")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("error[frequency-unknown]"), "{err}");
    assert!(err.contains("fix them before exporting a calendar"));
    assert!(!dir.path().join("bad.ics").exists());

    let o = cmd().args(["calendar", "no-such-file.toml"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = cmd()
        .arg("calendar")
        .arg(example("2026-09-maya-okafor-tomas-rivera.toml"))
        .args(["--time", "25:00"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr).unwrap().contains("HH:MM"));
}

#[test]
fn session_modes_read_well_in_the_description() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    // A draft: the signatures would be stale once the modes change.
    let text = text[..text.find("[[signatures]]").unwrap_or(text.len())].to_string();
    let file = dir.path().join("a.toml");
    let modes = regex_free_modes(&text);
    std::fs::write(&file, text.replacen(&modes, "modes = [\"in person\", \"video call\", \"phone call\"]", 1)).unwrap();
    // Unfolded (RFC 5545 folds long lines with CRLF and a space), with escaped commas read back.
    let unfolded = ics(&file, &[]).replace("\r\n ", "").replace("\\,", ",");
    assert!(
        unfolded.contains("45-minute mentoring session, every two weeks, in person, by video call or by phone call."),
        "{unfolded}"
    );
    assert!(!unfolded.contains("by in person"), "{unfolded}");
}

/// The `modes = [...]` line of an agreement's text.
fn regex_free_modes(text: &str) -> String {
    text.lines().find(|l| l.starts_with("modes = ")).expect("a modes line").to_string()
}

/// The four example pairs of the built-in program, copied into a folder of their own.
fn example_folder() -> (tempfile::TempDir, Vec<&'static str>) {
    let dir = tempfile::tempdir().unwrap();
    let names = vec![
        "2026-03-jonas-berg-amara-diallo.toml",
        "2026-05-hana-sato-diego-alvarez.toml",
        "2026-09-maya-okafor-tomas-rivera.toml",
        "2027-01-li-wei-sara-haddad.toml",
    ];
    for n in &names {
        std::fs::copy(example(n), dir.path().join(n)).unwrap();
    }
    (dir, names)
}

fn uids(text: &str) -> Vec<String> {
    text.split("\r\n").filter_map(|l| l.strip_prefix("UID:")).map(String::from).collect()
}

#[test]
fn a_folder_gives_one_feed_with_every_pairs_events_under_their_own_uids() {
    let (dir, names) = example_folder();
    let feed = ics(dir.path(), &[]);
    assert_eq!(feed.matches("BEGIN:VCALENDAR").count(), 1, "one calendar");
    assert!(feed.contains("X-WR-CALNAME:Mentoring: "), "{feed}");
    // Every pair's own calendar is in the feed, event for event, UID for UID.
    let mut expected = Vec::new();
    for n in &names {
        let single = ics(&dir.path().join(n), &[]);
        let single_uids = uids(&single);
        assert!(!single_uids.is_empty());
        for event in single.split("BEGIN:VEVENT\r\n").skip(1) {
            let event = event.split("END:VEVENT\r\n").next().unwrap();
            assert!(feed.contains(event), "the feed lacks an event of {n}:\n{event}");
        }
        expected.extend(single_uids);
    }
    let mut got = uids(&feed);
    assert_eq!(got.len(), expected.len());
    got.sort();
    got.dedup();
    assert_eq!(got.len(), expected.len(), "UIDs are unique across the feed");

    // Several files name the same agreements as their folder, in the same order.
    let files: Vec<_> = names.iter().map(|n| dir.path().join(n)).collect();
    let out = cmd().arg("calendar").args(&files).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), feed);

    // Stable: the same files give the same bytes.
    assert_eq!(ics(dir.path(), &[]), feed);
}

#[test]
fn python_icalendar_reads_the_program_feed() {
    let (dir, names) = example_folder();
    let feed = ics(dir.path(), &["--time", "17:30"]);
    let Some(cal) = parse_with_python(&feed) else { return };
    let events = cal["events"].as_array().unwrap();
    let mut seen = std::collections::HashSet::new();
    for e in events {
        assert!(seen.insert(e["uid"].as_str().unwrap().to_string()), "duplicate UID {}", e["uid"]);
    }
    for n in &names {
        let id = n.trim_end_matches(".toml");
        let sessions = events.iter().find(|e| e["uid"] == format!("{id}.sessions@mentor-agree")).unwrap();
        assert!(!sessions["all_day"].as_bool().unwrap(), "--time applies to every pair");
        assert!(!sessions["occurrences"].as_array().unwrap().is_empty());
        assert!(events.iter().any(|e| e["uid"] == format!("{id}.last-day@mentor-agree")), "{id}");
        assert!(events.iter().any(|e| e["uid"].as_str().unwrap().starts_with(&format!("{id}.review-"))), "{id}");
    }
}

#[test]
fn a_feed_with_one_broken_agreement_still_has_everyone_elses_events() {
    let (dir, names) = example_folder();
    std::fs::copy(example("common-mistakes.toml.example"), dir.path().join("zz-broken.toml")).unwrap();
    let out = dir.path().join("program.ics");
    let o = cmd().arg("calendar").arg(dir.path()).arg("-o").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("error[frequency-unknown]"), "{err}");
    assert!(err.contains("1 of 5 agreements has "), "{err}");
    assert!(err.contains("left out of the calendar: ") && err.contains("zz-broken.toml"), "{err}");
    let feed = std::fs::read_to_string(&out).unwrap();
    for n in &names {
        let id = n.trim_end_matches(".toml");
        assert!(feed.contains(&format!("UID:{id}.sessions@mentor-agree\r\n")), "{id}");
    }
    assert!(!uids(&feed).iter().any(|u| u.contains("zz-broken") || u.contains("common-mistakes")), "{feed}");

    // Only broken files: nothing to export, nothing written.
    let only = tempfile::tempdir().unwrap();
    std::fs::copy(example("common-mistakes.toml.example"), only.path().join("broken.toml")).unwrap();
    let out = only.path().join("program.ics");
    let o = cmd().arg("calendar").arg(only.path()).arg("-o").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());

    // An empty folder has nothing to export: it cannot run.
    let empty = tempfile::tempdir().unwrap();
    let o = cmd().arg("calendar").arg(empty.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stderr).unwrap().contains("no agreement files"));
}

#[test]
fn every_event_names_the_pair_and_invites_them_and_the_next_checkin_is_due() {
    let (dir, _) = example_folder();
    let feed = ics(dir.path(), &[]).replace("\r\n ", "");
    let maya = "2026-09-maya-okafor-tomas-rivera";
    let events: Vec<&str> = feed
        .split("BEGIN:VEVENT\r\n")
        .skip(1)
        .filter(|e| e.contains(&format!("UID:{maya}.")))
        .map(|e| e.split("END:VEVENT").next().unwrap())
        .collect();
    assert!(events.len() >= 4, "{feed}");
    for e in &events {
        assert!(e.contains("Maya Okafor & Tomás Rivera"), "the pair: {e}");
        assert!(e.contains("ATTENDEE;CN=Maya Okafor;ROLE=REQ-PARTICIPANT:mailto:maya.okafor@example.org\r\n"), "{e}");
        assert!(e.contains("ATTENDEE;CN=Tomás Rivera;ROLE=REQ-PARTICIPANT:mailto:tomas.rivera@example.org\r\n"), "{e}");
    }
    // Last check-in 2026-11-16, at most 45 days apart: due 2026-12-31.
    let checkin = events.iter().find(|e| e.contains(&format!("UID:{maya}.checkin@mentor-agree"))).unwrap();
    assert!(checkin.contains("DTSTART;VALUE=DATE:20261231\r\n"), "{checkin}");
    assert!(checkin.contains("SUMMARY:Check-in due: Maya Okafor & Tomás Rivera\r\n"), "{checkin}");
    // Sara Haddad has no email: only Li Wei is invited, nobody's address is made up.
    let li: Vec<&str> =
        feed.split("BEGIN:VEVENT\r\n").filter(|e| e.contains("UID:2027-01-li-wei-sara-haddad.")).collect();
    assert!(!li.is_empty());
    for e in li {
        assert_eq!(e.matches("ATTENDEE").count(), 1, "{e}");
    }
}
