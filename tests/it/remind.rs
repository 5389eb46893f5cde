//! `remind`: a preview, `.eml` files, and three simulated months of `remind
//! --send` against a real SMTP server (aiosmtpd on loopback, saving every
//! message it receives; `.ci/setup/40-python-tools.sh` installs it), with the
//! messages read back by Python's `email` package.

use crate::common;
use crate::support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use common::{cmd_on, fixture, skip};
use serde_json::Value;

const LEAD: (&str, &str) = ("Alan Turing", "alan@example.org");

/// An agreement: fortnightly, reviews every `every` months, one goal due `due`; Alan Turing is its lead.
fn agreement(mentor: (&str, Option<&str>), mentee: (&str, Option<&str>), start: &str, every: u32, due: &str) -> String {
    let person = |(name, email): (&str, Option<&str>)| match email {
        Some(e) => format!("name = \"{name}\"\nemail = \"{e}\"\n"),
        None => format!("name = \"{name}\"\n"),
    };
    format!(
        "format = 1\ntopics = [\"leadership\"]\n\n[mentor]\n{}\n[mentee]\n{}\n[lead]\nname = \"{}\"\nemail = \"{}\"\n\n\
         [schedule]\nfrequency = \"fortnightly\"\nsession_minutes = 45\nmodes = [\"video call\"]\n\n\
         [term]\nstart = {start}\nmonths = 6\n\n[reviews]\nevery_months = {every}\n\n\
         [[goals]]\ngoal = \"Facilitate sprint retrospectives\"\nmeasure = \"Run 3 retrospectives\"\ndue = {due}\n",
        person(mentor),
        person(mentee),
        LEAD.0,
        LEAD.1
    )
}

const PROGRAM: &str = "[program]\nname = \"Programme de mentorat\"\nteam = \"Équipe du programme\"\n\
    contact = \"team@example.org\"\n\n[reminders]\nfrom = \"Équipe Mentorat <mentoring@example.org>\"\n\
    reply_to = \"replies@example.org\"\nopt_out = [\"opted@example.org\"]\n";

/// A program of three pairs in `dir` (no git): an active pair whose check-in
/// falls overdue, an active pair with an opted-out mentor and a mentee with no
/// email, and a draft nobody signs. `smtp` is appended to program.toml.
fn program(dir: &Path, smtp: &str) {
    program_with(dir, smtp, "grace@example.org");
}

/// [`program`], with Grace Hopper at `grace`.
fn program_with(dir: &Path, smtp: &str, grace: &str) {
    std::fs::write(dir.join("program.toml"), format!("{PROGRAM}{smtp}")).unwrap();
    let folder = dir.join("agreements");
    std::fs::create_dir_all(&folder).unwrap();
    let write = |name: &str, text: String, signers: &[(&str, &str)], records: &str| {
        let file = folder.join(format!("{name}.toml"));
        std::fs::write(&file, text).unwrap();
        if !signers.is_empty() {
            support::sign_all(&file, "2026-09-28", signers);
        }
        let mut t = std::fs::read_to_string(&file).unwrap();
        t.push_str(records);
        std::fs::write(&file, t).unwrap();
    };
    write(
        "a-zoe-grace",
        agreement(
            ("Zoë Ångström", Some("zoe@example.org")),
            ("Grace Hopper", Some(grace)),
            "2026-10-05",
            2,
            "2027-01-15",
        ),
        &[("mentor", "Zoë Ångström"), ("mentee", "Grace Hopper"), ("lead", LEAD.0)],
        "\n[[checkins]]\ndate = 2026-10-20\nby = \"mentee\"\n",
    );
    write(
        "b-opted",
        agreement(("Otto Out", Some("opted@example.org")), ("Nora Nomail", None), "2026-10-05", 3, "2027-02-15"),
        &[("mentor", "Otto Out"), ("mentee", "Nora Nomail"), ("lead", LEAD.0)],
        "\n[[checkins]]\ndate = 2026-11-20\nby = \"mentee\"\n",
    );
    write(
        "c-draft",
        agreement(
            ("Marie Curie", Some("marie@example.org")),
            ("Émile Zola", Some("emile@example.org")),
            "2026-12-20",
            2,
            "2027-03-01",
        ),
        &[],
        "",
    );
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn run(dir: &Path, today: NaiveDate, args: &[&str]) -> (i32, String, String) {
    let out = cmd_on(&today.to_string())
        .current_dir(dir)
        .arg("remind")
        .args(args)
        .env_remove("MENTOR_AGREE_SMTP_USERNAME")
        .env_remove("MENTOR_AGREE_SMTP_PASSWORD")
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.code().unwrap(), text(out.stdout), text(out.stderr))
}

fn log_entries(dir: &Path) -> Vec<Value> {
    match std::fs::read_to_string(dir.join("reminders.log")) {
        Ok(t) => t.lines().map(|l| serde_json::from_str(l).unwrap()).collect(),
        Err(_) => Vec::new(),
    }
}

/// The obligation a kind is part of (as the log's "never twice" counts it).
fn family(kind: &str) -> &str {
    match kind {
        "checkin-due" | "checkin-overdue" => "checkin",
        "review-due" | "review-overdue" => "review",
        "goal-due" | "goal-overdue" => "goal",
        "term-ending" | "closing-review-missing" => "closing",
        other => other,
    }
}

#[test]
fn preview_prints_the_messages_and_neither_sends_nor_logs() {
    let dir = tempfile::tempdir().unwrap();
    // A server that is not there: the preview never connects.
    program(dir.path(), "\n[reminders.smtp]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"none\"\n");
    let (code, out, err) = run(dir.path(), day("2026-11-27"), &[]);
    assert_eq!(code, 0, "{err}");
    // The check-in of a-zoe-grace is due 2026-12-04: both of the pair, 7 days before.
    assert!(out.contains("To: Zoë Ångström <zoe@example.org>\nSubject: Programme de mentorat: 1 action for you, the first due 2026-12-04 (in 7 days)\n"), "{out}");
    assert!(out.contains("To: Grace Hopper <grace@example.org>\n"), "{out}");
    assert!(out.contains("   Agreement: a-zoe-grace ("), "{out}");
    assert!(out.contains("   To resolve: mentor-agree checkin "), "{out}");
    assert!(!out.contains("opted@example.org"), "{out}");
    assert!(err.contains("preview: 2 messages, nothing sent"), "{err}");
    assert!(!dir.path().join("reminders.log").exists());

    // --out: RFC 5322 files, still nothing logged.
    let outbox = dir.path().join("outbox");
    let (code, _, err) = run(dir.path(), day("2026-11-27"), &["--out", outbox.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let files = support::listing(&outbox);
    assert_eq!(files, ["001-grace@example.org.eml", "002-zoe@example.org.eml"]);
    let eml = std::fs::read_to_string(outbox.join(&files[1])).unwrap();
    assert!(eml.contains("\r\nTo: =?utf-8?"), "the name is encoded: {eml}");
    assert!(eml.contains("\r\nReply-To: replies@example.org\r\n"), "{eml}");
    assert!(!dir.path().join("reminders.log").exists());

    // With a site, the page instead of the command.
    let t = std::fs::read_to_string(dir.path().join("program.toml")).unwrap();
    let t = t.replace("[program]\n", "[program]\nsite_url = \"https://example.org/m/\"\n");
    std::fs::write(dir.path().join("program.toml"), t).unwrap();
    let (_, out, _) = run(dir.path(), day("2026-11-27"), &[]);
    assert!(out.contains("   See: https://example.org/m/a-zoe-grace.html\n"), "{out}");
}

#[test]
fn remind_cannot_run_without_a_sender_or_with_bad_settings() {
    let dir = tempfile::tempdir().unwrap();
    program(dir.path(), "");
    let t = std::fs::read_to_string(dir.path().join("program.toml")).unwrap();
    std::fs::write(dir.path().join("program.toml"), t.replace("from = ", "# from = ")).unwrap();
    let (code, _, err) = run(dir.path(), day("2026-11-27"), &["--send"]);
    assert_eq!(code, 2);
    assert!(err.contains("[reminders] from is not set"), "{err}");
    std::fs::write(dir.path().join("program.toml"), t.replace("mentoring@example.org>", "nobody>")).unwrap();
    let (code, _, err) = run(dir.path(), day("2026-11-27"), &["--out", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not an email address"), "{err}");
    std::fs::write(dir.path().join("program.toml"), &t).unwrap();
    let (code, _, err) = run(dir.path(), day("2026-11-27"), &["--send"]);
    assert_eq!(code, 2);
    assert!(err.contains("[reminders.smtp] host is not set"), "{err}");
    std::fs::write(dir.path().join("program.toml"), format!("{t}\n[reminders.smtp]\nsecurity = \"ssl\"\n")).unwrap();
    let (code, _, err) = run(dir.path(), day("2026-11-27"), &["--send"]);
    assert_eq!(code, 2);
    assert!(err.contains("security"), "{err}");
    assert!(!dir.path().join("reminders.log").exists());
    // A log a merge left conflict markers in: located, and nothing is risked (not even a preview).
    std::fs::write(dir.path().join("program.toml"), &t).unwrap();
    std::fs::write(dir.path().join("reminders.log"), "<<<<<<< HEAD\n").unwrap();
    let (code, out, err) = run(dir.path(), day("2026-11-27"), &[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("reminders.log:1: not a reminders log entry"), "{err}");
}

/// `python3 -m aiosmtpd` on loopback, saving messages into a folder; stopped on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// `python3 -m aiosmtpd` with the saving handler: no login.
    fn start(folder: &Path) -> Server {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let listen = format!("127.0.0.1:{port}");
        Server::spawn(port, &["-m", "aiosmtpd", "-n", "-l", &listen, "-c", "smtp_sink.Sink"], folder, &[])
    }

    /// `smtp_login.py`: the same, requiring the login `user`/`password`.
    fn with_login(folder: &Path, user: &str, password: &str) -> Server {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let script = fixture("remind/smtp_login.py");
        let port_text = port.to_string();
        Server::spawn(port, &[script.to_str().unwrap(), &port_text], folder, &[user, password])
    }

    fn spawn(port: u16, args: &[&str], folder: &Path, more: &[&str]) -> Server {
        let child = Command::new("python3")
            .args(args)
            .arg(folder)
            .args(more)
            .env("PYTHONPATH", fixture("remind"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start aiosmtpd");
        let mut server = Server { child, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(server.child.try_wait().unwrap().is_none(), "aiosmtpd exited");
            assert!(start.elapsed() < Duration::from_secs(20), "aiosmtpd did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn have_aiosmtpd() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        skip("python3 with aiosmtpd is not installed (.ci/setup/40-python-tools.sh installs it)");
    }
    ok
}

#[test]
fn a_failed_send_is_not_logged_and_is_retried_next_run() {
    if !have_aiosmtpd() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    let server = Server::start(&inbox);
    // The server refuses Grace's address once.
    let smtp = format!("\n[reminders.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n", server.port);
    program_with(dir.path(), &smtp, "flaky.grace@example.org");
    let today = day("2026-11-27");
    let (code, _, err) = run(dir.path(), today, &["--send"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not sent to flaky.grace@example.org: "), "{err}");
    assert!(err.contains("sent 1 reminder, 1 failed"), "{err}");
    let to: Vec<String> = log_entries(dir.path()).iter().map(|e| e["to"].as_str().unwrap().to_string()).collect();
    assert_eq!(to, ["zoe@example.org"], "only what was sent is logged");
    // The next run (the same day) sends what failed, and only that.
    let (code, _, err) = run(dir.path(), today, &["--send"]);
    assert_eq!(code, 0, "{err}");
    let to: Vec<String> = log_entries(dir.path()).iter().map(|e| e["to"].as_str().unwrap().to_string()).collect();
    assert_eq!(to, ["zoe@example.org", "flaky.grace@example.org"]);
    assert_eq!(support::listing(&inbox).len(), 2);
}

#[test]
fn the_login_comes_from_the_environment_and_a_refused_one_stops_the_run() {
    if !have_aiosmtpd() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    let server = Server::with_login(&inbox, "mentoring", "s3cret");
    let smtp = format!("\n[reminders.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n", server.port);
    program(dir.path(), &smtp);
    let today = day("2026-11-27");
    let send = |user: Option<&str>, password: &str| {
        let mut c = cmd_on(&today.to_string());
        c.current_dir(dir.path()).args(["remind", "--send"]).env("MENTOR_AGREE_SMTP_PASSWORD", password);
        match user {
            Some(u) => c.env("MENTOR_AGREE_SMTP_USERNAME", u),
            None => c.env_remove("MENTOR_AGREE_SMTP_USERNAME"),
        };
        let out = c.output().unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    // A wrong password: refused before anything is sent; nothing logged.
    let (code, err) = send(Some("mentoring"), "wrong");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot use the SMTP server 127.0.0.1:") && err.contains("535"), "{err}");
    // No user name: no login is tried; this server wants one, so each message
    // is refused (exit 1), none logged, all to be retried.
    let (code, err) = send(None, "s3cret");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("sent 0 reminders, 2 failed"), "{err}");
    assert!(!dir.path().join("reminders.log").exists());
    assert!(support::listing(&inbox).iter().all(|n| !n.ends_with(".eml")));
    // The right login, from the environment only.
    let (code, err) = send(Some("mentoring"), "s3cret");
    assert_eq!(code, 0, "{err}");
    assert_eq!(log_entries(dir.path()).len(), 2);
    assert_eq!(support::listing(&inbox).len(), 2);
}

/// The items of `agenda --format json` due within the week (not yet overdue) on `today`.
fn due_items(dir: &Path, today: NaiveDate) -> Vec<Value> {
    let out = cmd_on(&today.to_string())
        .current_dir(dir)
        .args(["agenda", "--within", "7", "--format", "json"])
        .output()
        .unwrap();
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    items.into_iter().filter(|i| i["days"].as_i64().is_some_and(|d| (0..=7).contains(&d))).collect()
}

#[test]
fn three_months_of_daily_reminders_over_real_smtp() {
    if !have_aiosmtpd() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    let mut server = Server::start(&inbox);
    program(
        dir.path(),
        &format!("\n[reminders.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n", server.port),
    );

    // Which day each message arrived, by file name.
    let mut arrived: BTreeMap<String, NaiveDate> = BTreeMap::new();
    // Each person's agreements reminded so far, with the day.
    let mut reached: HashMap<(String, String), NaiveDate> = HashMap::new();
    let missed_week = day("2026-12-22")..=day("2026-12-29");
    let (first, last) = (day("2026-11-25"), day("2027-02-25"));
    let mut today = first;
    let mut stderr_all = String::new();
    while today <= last {
        if missed_week.contains(&today) {
            today = today + Days::new(1);
            continue;
        }
        let (code, _, err) = run(dir.path(), today, &["--send"]);
        assert_eq!(code, 0, "{today}: {err}");
        stderr_all.push_str(&err);
        for name in support::listing(&inbox) {
            if name.ends_with(".eml") && !arrived.contains_key(&name) {
                arrived.insert(name, today);
            }
        }
        // The same day again: nothing new, nothing logged.
        if today.format("%a").to_string() == "Mon" {
            let before = (support::listing(&inbox).len(), log_entries(dir.path()).len());
            let (code, _, err) = run(dir.path(), today, &["--send"]);
            assert_eq!(code, 0, "{today}: {err}");
            assert!(err.contains("sent 0 reminders"), "{today}: {err}");
            assert_eq!((support::listing(&inbox).len(), log_entries(dir.path()).len()), before, "{today}: sent twice");
        }
        for e in log_entries(dir.path()) {
            let key = (e["to"].as_str().unwrap().to_string(), e["id"].as_str().unwrap().to_string());
            reached.entry(key).or_insert(day(e["date"].as_str().unwrap()));
        }
        // Everyone reachable who must act on something not yet overdue has been reached by now.
        for item in due_items(dir.path(), today) {
            for who in item["who"].as_array().unwrap() {
                let Some(email) = who["email"].as_str() else { continue };
                if email == "opted@example.org" {
                    continue;
                }
                let id = item["id"].as_str().unwrap().to_string();
                assert!(
                    reached.contains_key(&(email.to_string(), id.clone())),
                    "{today}: {email} not reminded of {id} ({}), due {}",
                    item["kind"],
                    item["date"]
                );
            }
        }
        today = today + Days::new(1);
    }

    let log = log_entries(dir.path());
    // Never the same step twice to anyone.
    let mut keys = BTreeSet::new();
    for e in &log {
        let key = (
            e["to"].as_str().unwrap(),
            e["id"].as_str().unwrap(),
            family(e["kind"].as_str().unwrap()),
            e["due"].as_str(),
            e["step"].as_str().unwrap(),
        );
        assert!(keys.insert(key), "sent twice: {e}");
    }
    let to: BTreeSet<&str> = log.iter().map(|e| e["to"].as_str().unwrap()).collect();
    assert_eq!(
        to.into_iter().collect::<Vec<_>>(),
        ["alan@example.org", "emile@example.org", "grace@example.org", "marie@example.org", "zoe@example.org"],
        "everyone who must act and can be reached, and the opted-out mentor not"
    );
    assert!(stderr_all.contains("not reminded: Nora Nomail (mentee) about b-opted"), "{stderr_all}");
    assert!(stderr_all.contains("not reminded: Otto Out (mentor) about b-opted"), "{stderr_all}");
    // The check-in due 2026-12-04 is never held: reminded before, on the day, then weekly;
    // the week missed (runs stop on 2026-12-21) is caught up once on the 30th.
    let steps = |who: &str, id: &str, fam: &str| -> Vec<(String, String)> {
        log.iter()
            .filter(|e| e["to"] == who && e["id"] == id && family(e["kind"].as_str().unwrap()) == fam)
            .map(|e| (e["date"].as_str().unwrap().to_string(), e["step"].as_str().unwrap().to_string()))
            .collect()
    };
    let zoe = steps("zoe@example.org", "a-zoe-grace", "checkin");
    let want: Vec<(String, String)> = [
        ("2026-11-27", "before:7"),
        ("2026-12-04", "before:0"),
        ("2026-12-11", "overdue:1"),
        ("2026-12-18", "overdue:2"),
        ("2026-12-30", "overdue:3"),
        ("2027-01-01", "overdue:4"),
    ]
    .iter()
    .map(|(d, s)| (d.to_string(), s.to_string()))
    .collect();
    assert_eq!(zoe[..want.len()], want[..], "{zoe:?}");
    // The lead is copied once the check-in is overdue more than 14 days (after 2026-12-18), once.
    let alan = steps("alan@example.org", "a-zoe-grace", "checkin");
    assert_eq!(alan, [("2026-12-19".to_string(), "escalate".to_string())], "{alan:?}");
    // The draft: every signer, the lead among them, 7 days before its start and on it.
    for who in ["marie@example.org", "emile@example.org", "alan@example.org"] {
        let s = steps(who, "c-draft", "unsigned");
        assert!(
            s.starts_with(&[("2026-12-13".into(), "before:7".into()), ("2026-12-20".into(), "before:0".into())]),
            "{who}: {s:?}"
        );
    }

    // The messages, read by Python's email package.
    let files: Vec<PathBuf> = arrived.keys().map(|n| inbox.join(n)).collect();
    assert_eq!(files.len(), log.iter().map(|e| e["message_id"].as_str().unwrap()).collect::<BTreeSet<_>>().len());
    let out = Command::new("python3").arg(fixture("remind/parse_mail.py")).args(&files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let parsed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: BTreeSet<&str> = log.iter().map(|e| e["message_id"].as_str().unwrap()).collect();
    let subject = regex::Regex::new(
        r"^Programme de mentorat: \d+ actions? .*the first (due|due today|overdue since) \(?(\d{4}-\d{2}-\d{2})",
    )
    .unwrap();
    for m in &parsed {
        let f = &m["file"];
        assert_eq!(m["headers_ascii"], true, "{f}: raw 8-bit header");
        assert_eq!(m["defects"].as_array().unwrap().len(), 0, "{f}: {}", m["defects"]);
        assert_eq!(
            (m["from"].as_str(), m["from_name"].as_str()),
            (Some("mentoring@example.org"), Some("Équipe Mentorat"))
        );
        assert_eq!(m["reply_to"], "replies@example.org");
        assert_eq!((m["content_type"].as_str(), m["charset"].as_str()), (Some("text/plain"), Some("utf-8")));
        assert_eq!(m["date_ok"], true, "{f}");
        assert!(ids.contains(m["message_id"].as_str().unwrap()), "{f}: Message-ID not logged");
        // The subject carries the earliest due date of the items the message lists.
        let id = m["message_id"].as_str().unwrap();
        let earliest = log.iter().filter(|e| e["message_id"] == id).filter_map(|e| e["due"].as_str()).min().unwrap();
        let caps = subject.captures(m["subject"].as_str().unwrap()).unwrap_or_else(|| panic!("{f}: {}", m["subject"]));
        assert_eq!(&caps[2], earliest, "{f}: {}", m["subject"]);
        let body = m["body"].as_str().unwrap();
        assert!(body.contains("   Agreement: "), "{f}: {body}");
        assert!(body.contains("mentor-agree "), "{f}: the command: {body}");
        assert_eq!(m["to"].as_array().unwrap().len(), 1);
    }
    let zoe_msg = parsed.iter().find(|m| m["to"][0] == "zoe@example.org").unwrap();
    assert_eq!(zoe_msg["to_name"], "Zoë Ångström");
    assert!(zoe_msg["body"].as_str().unwrap().starts_with("Hello Zoë Ångström,\n"));
    let escalation = parsed
        .iter()
        .find(|m| m["to"][0] == "alan@example.org" && m["body"].as_str().unwrap().contains("copied as the lead"))
        .unwrap();
    assert!(
        escalation["body"].as_str().unwrap().contains("Who must act: Zoë Ångström (mentor), Grace Hopper (mentee)"),
        "{}",
        escalation["body"]
    );

    // The server gone: the run cannot connect, exits 2, and logs nothing.
    server.stop();
    let before = std::fs::read(dir.path().join("reminders.log")).unwrap();
    let (code, _, err) = run(dir.path(), last + Days::new(7), &["--send"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot use the SMTP server 127.0.0.1:"), "{err}");
    assert_eq!(std::fs::read(dir.path().join("reminders.log")).unwrap(), before);
}
