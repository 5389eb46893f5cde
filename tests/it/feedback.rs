//! `mentor-agree feedback`: answering a program form, `team` answers sealed with
//! age to the team's keys (real `ssh-keygen` keys), read back by the team only,
//! interop with the standard `age` tool both ways, never shown by render, site,
//! diff, merge or the language server, and the report's figures.

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{cmd, fixture, have_tool};

const PROGRAM: &str = r#"[program]
team_recipients = "team_recipients"
min_responses = 2

[[forms]]
id = "midpoint"
title = "How is the mentoring going?"
respondents = ["mentor", "mentee"]
when = "checkpoints"
due_days = 14

  [[forms.questions]]
  id = "useful"
  text = "How useful are the sessions?"
  kind = "scale"
  visibility = "pair"

  [[forms.questions]]
  id = "pace"
  text = "How often would you like to meet?"
  kind = "choice"
  choices = ["more often", "as now", "less often"]
  visibility = "pair"

  [[forms.questions]]
  id = "concerns"
  text = "Anything the team should know?"
  kind = "text"
  visibility = "team"

  [[forms.questions]]
  id = "safe"
  text = "Do you feel safe raising problems with your mentor?"
  kind = "yes-no"
  visibility = "team"
"#;

/// A program folder with the form above, the team's key (and another one) made
/// by `ssh-keygen`, and one signed agreement in force at agreements/pair.toml.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Option<Setup> {
        if !have_tool("ssh-keygen", "-?") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        for name in ["team_key", "other_key"] {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
                .arg(dir.path().join(name))
                .status()
                .unwrap()
                .success();
            assert!(ok, "ssh-keygen {name}");
        }
        fs::copy(dir.path().join("team_key.pub"), dir.path().join("team_recipients")).unwrap();
        fs::write(dir.path().join("program.toml"), PROGRAM).unwrap();
        fs::create_dir(dir.path().join("agreements")).unwrap();
        let base = fs::read_to_string(fixture("codes/evaluation-not-joint/agreement.toml")).unwrap();
        let base = base.replace("by = [\"mentor\"]", "by = [\"mentor\", \"mentee\"]");
        fs::write(dir.path().join("agreements/pair.toml"), base).unwrap();
        Some(Setup { dir })
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn text(&self) -> String {
        fs::read_to_string(self.path("agreements/pair.toml")).unwrap()
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = cmd().current_dir(self.dir.path()).args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// Mentee and mentor answer the midpoint form, each with a confidential concern.
    fn both_answer(&self) {
        for (by, useful, pace, concern, safe) in [
            ("mentee", "4", "as now", "SECRET-MENTEE-CONCERN", "no"),
            ("mentor", "5", "more often", "SECRET-MENTOR-CONCERN", "yes"),
        ] {
            let (code, _, err) = self.run(&[
                "feedback",
                "agreements/pair.toml",
                "--form",
                "midpoint",
                "--by",
                by,
                "--answer",
                &format!("useful={useful}"),
                "--answer",
                &format!("pace={pace}"),
                "--answer",
                &format!("concerns={concern}"),
                "--answer",
                &format!("safe={safe}"),
            ]);
            assert_eq!(code, 0, "{err}");
            assert!(err.contains("2 confidential answers sealed for the team"), "{err}");
        }
    }
}

fn no_secret(what: &str, text: &str) {
    for secret in ["SECRET-MENTEE-CONCERN", "SECRET-MENTOR-CONCERN"] {
        assert!(!text.contains(secret), "{what} shows a confidential answer:\n{text}");
    }
}

#[test]
fn a_round_trip_pair_answers_in_the_file_team_answers_for_the_team_key_only() {
    let Some(s) = Setup::new() else { return };
    s.both_answer();
    let text = s.text();
    // Pair answers are readable in the file; team answers are not there at all.
    assert!(text.contains("answers = { useful = 4, pace = \"as now\" }"), "{text}");
    assert!(text.contains("answers = { useful = 5, pace = \"more often\" }"), "{text}");
    no_secret("the agreement file", &text);
    assert_eq!(text.matches("-----BEGIN AGE ENCRYPTED FILE-----").count(), 2, "{text}");
    // The file is clean: nothing leaked, the signatures stay current (feedback is not part of the terms).
    let (code, out, _) = s.run(&["check", "agreements/pair.toml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no problems"), "{out}");

    // The team's key reads every answer.
    let (code, out, err) = s.run(&["feedback", "--read", "agreements/pair.toml", "--identity", "team_key"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("concerns = SECRET-MENTEE-CONCERN   (team only)"), "{out}");
    assert!(out.contains("concerns = SECRET-MENTOR-CONCERN   (team only)"), "{out}");
    assert!(out.contains("safe = no   (team only)") && out.contains("useful = 4"), "{out}");
    // Another key reads the pair answers and nothing else.
    let (code, out, _) = s.run(&["feedback", "--read", "agreements/pair.toml", "--identity", "other_key"]);
    assert_eq!(code, 0);
    no_secret("--read with another key", &out);
    assert_eq!(out.matches("(confidential answers: not sealed to this key)").count(), 2, "{out}");
    assert!(out.contains("useful = 5"), "{out}");
}

#[test]
fn the_age_tool_decrypts_our_blocks_and_we_read_its_blocks() {
    let Some(s) = Setup::new() else { return };
    if !have_tool("age", "--version") {
        return;
    }
    s.both_answer();
    // age -d -i team_key decrypts the block `feedback` sealed.
    let doc: toml::Table = s.text().parse().unwrap();
    let block = doc["feedback"][0]["sealed"].as_str().unwrap();
    fs::write(s.path("block.age"), block).unwrap();
    let out =
        Command::new("age").arg("-d").arg("-i").arg(s.path("team_key")).arg(s.path("block.age")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plain = String::from_utf8(out.stdout).unwrap();
    assert!(plain.contains("concerns = \"SECRET-MENTEE-CONCERN\"") && plain.contains("safe = false"), "{plain}");
    // … and not with another key.
    let out =
        Command::new("age").arg("-d").arg("-i").arg(s.path("other_key")).arg(s.path("block.age")).output().unwrap();
    assert!(!out.status.success());

    // A block `age -R team_recipients -a` encrypts reads back with `feedback --read`.
    let mut age = Command::new("age")
        .arg("-R")
        .arg(s.path("team_recipients"))
        .arg("-a")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    age.stdin.take().unwrap().write_all(b"concerns = \"WRITTEN-BY-AGE\"\n").unwrap();
    let out = age.wait_with_output().unwrap();
    assert!(out.status.success());
    let theirs = String::from_utf8(out.stdout).unwrap();
    let mut text = s.text();
    text.push_str(&format!(
        "\n[[feedback]]\ndate = 2026-11-24\nform = \"midpoint\"\nby = \"mentee\"\nsealed = \"\"\"\n{theirs}\"\"\"\n"
    ));
    fs::write(s.path("agreements/pair.toml"), text).unwrap();
    let (code, out, err) = s.run(&["feedback", "--read", "agreements/pair.toml", "--identity", "team_key"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("concerns = WRITTEN-BY-AGE   (team only)"), "{out}");
}

#[test]
fn render_site_diff_merge_and_hover_never_show_a_team_answer() {
    let Some(s) = Setup::new() else { return };
    let before = s.text();
    s.both_answer();
    let after = s.text();
    let (code, page, err) = s.run(&["render", "agreements/pair.toml", "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    no_secret("render", &page);
    assert!(!page.contains("AGE ENCRYPTED"), "render shows the sealed block");
    let (code, _, err) = s.run(&["render", "--site", "site", "agreements"]);
    assert_eq!(code, 0, "{err}");
    for entry in walkdir::WalkDir::new(s.path("site")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = fs::read(entry.path()).unwrap();
            no_secret(&entry.path().display().to_string(), &String::from_utf8_lossy(&bytes));
        }
    }
    // The dashboard charts the pair answers (both answered: at min_responses), never the team ones.
    let dashboard = fs::read_to_string(s.path("site/report.html")).unwrap();
    assert!(dashboard.contains("Feedback \u{201c}midpoint\u{201d}: useful"), "no chart of the pair answers");
    assert!(dashboard.contains("2 answers, mean 4.5."), "the mean of 4 and 5");
    assert!(!dashboard.contains("midpoint\u{201d}: safe") && !dashboard.contains("midpoint\u{201d}: concerns"));
    // diff: the records added, without their answers.
    let changes = mentor_agree::versions::diff::compare(Some(&before), Some(&after)).unwrap();
    let shown = format!("{changes:?}");
    no_secret("diff", &shown);
    assert!(!shown.contains("AGE ENCRYPTED") && !shown.contains("as now"), "{shown}");
    assert!(shown.contains("form midpoint (2 answers, confidential answers sealed)"), "{shown}");
    assert!(changes.terms.is_empty(), "feedback is not part of the terms");
    // merge: each side's record kept, the sealed blocks as they were.
    let (ours, theirs) = split_records(&before, &after);
    match mentor_agree::versions::merge::merge(&before, &ours, &theirs) {
        mentor_agree::versions::merge::Merge::Clean(merged) => {
            no_secret("merge", &merged);
            assert_eq!(merged.matches("-----BEGIN AGE ENCRYPTED FILE-----").count(), 2, "{merged}");
        }
        other => panic!("not merged: {other:?}"),
    }
    // Hover anywhere in the file: nothing decrypted.
    let hovers = crate::lsp::hovers_over(&s.path("agreements/pair.toml"));
    assert!(!hovers.is_empty());
    for h in &hovers {
        no_secret("hover", h);
    }
}

/// `after` has two `[[feedback]]` records appended to `before`: one side gets each.
fn split_records(before: &str, after: &str) -> (String, String) {
    let added = &after[before.len()..];
    let at = added[1..].find("[[feedback]]").map(|i| i + 1).unwrap();
    (format!("{before}{}", &added[..at]), format!("{before}{}", &added[at..]))
}

#[test]
fn refused_answers_leave_the_file_byte_identical() {
    let Some(s) = Setup::new() else { return };
    let before = fs::read(s.path("agreements/pair.toml")).unwrap();
    let cases: [(&[&str], i32, &str); 5] = [
        (&["--by", "mentee", "--answer", "useful=9"], 1, "`useful` takes a whole number from 1 to 5; \"9\" is not one"),
        (&["--by", "mentee", "--answer", "pace=daily"], 1, "one of \"more often\", \"as now\", \"less often\""),
        (&["--by", "mentee", "--answer", "usefull=4"], 1, "no question `usefull`"),
        (
            &["--by", "mentee", "--answer", "useful=4"],
            2,
            "missing: --answer pace=… --answer concerns=… --answer safe=…",
        ),
        (&["--by", "lead", "--answer", "useful=4"], 2, "does not ask the lead"),
    ];
    for (args, want, message) in cases {
        let mut all = vec!["feedback", "agreements/pair.toml", "--form", "midpoint"];
        all.extend_from_slice(args);
        let (code, _, err) = s.run(&all);
        assert_eq!(code, want, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(fs::read(s.path("agreements/pair.toml")).unwrap(), before, "{args:?} changed the file");
    }
    // A confidential answer that does not fit is refused without being repeated back.
    let (code, _, err) = s.run(&[
        "feedback",
        "agreements/pair.toml",
        "--form",
        "midpoint",
        "--by",
        "mentee",
        "--answer",
        "safe=SECRET-MENTEE-CONCERN",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`safe` takes yes or no; the answer given is not one"), "{err}");
    no_secret("a refusal", &err);
    assert_eq!(fs::read(s.path("agreements/pair.toml")).unwrap(), before);
    let (code, _, err) = s.run(&["feedback", "agreements/pair.toml", "--form", "midpiont", "--by", "mentee"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `midpoint`?"), "{err}");
}

#[test]
fn a_passphrase_protected_key_off_a_terminal_is_a_clear_error() {
    let Some(s) = Setup::new() else { return };
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "a passphrase", "-f"])
        .arg(s.path("locked_key"))
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let (code, _, err) = s.run(&["feedback", "--read", "agreements/pair.toml", "--identity", "locked_key"]);
    assert_eq!(code, 2);
    assert!(err.contains("locked_key is protected by a passphrase, and there is no terminal to ask for it"), "{err}");
    let (code, _, err) = s.run(&["feedback", "--read", "agreements/pair.toml", "--identity", "team_key.pub"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a private key"), "{err}");
}

#[test]
fn feedback_is_due_for_each_respondent_until_they_answer() {
    let Some(s) = Setup::new() else { return };
    let due = |s: &Setup| -> Vec<String> {
        let (_, out, err) = s.run(&["agenda", "--format", "json", "--within", "14"]);
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        let items = v.as_array().cloned().or_else(|| v["items"].as_array().cloned()).unwrap();
        items
            .iter()
            .filter(|i| i["kind"] == "feedback-due")
            .map(|i| format!("{} | {}", i["message"].as_str().unwrap(), i["command"].as_str().unwrap()))
            .collect()
    };
    // The first checkpoint is 2026-12-05, within 14 days of 2026-11-25.
    let items = due(&s);
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(
        items[0].contains("the mentor should answer") || items[1].contains("the mentor should answer"),
        "{items:?}"
    );
    assert!(items.iter().any(|i| i.ends_with("--form midpoint --by mentee")), "{items:?}");
    s.both_answer();
    assert!(due(&s).is_empty(), "{:?}", due(&s));
}

#[test]
fn the_report_counts_pair_answers_always_team_answers_with_the_key_and_nothing_below_the_threshold() {
    let Some(s) = Setup::new() else { return };
    let report = |extra: &[&str]| -> Value {
        let mut args = vec!["report", "--format", "json"];
        args.extend_from_slice(extra);
        let (code, out, err) = s.run(&args);
        assert_eq!(code, 0, "{err}");
        no_secret("report", &out);
        serde_json::from_str(&out).unwrap()
    };
    let question = |r: &Value, q: &str| -> Value {
        r["feedback"][0]["questions"].as_array().unwrap().iter().find(|x| x["question"] == q).unwrap().clone()
    };
    // Only the mentee has answered: one answer is below min_responses = 2, so no figure.
    let (code, _, err) = s.run(&[
        "feedback",
        "agreements/pair.toml",
        "--form",
        "midpoint",
        "--by",
        "mentee",
        "--answer",
        "useful=4",
        "--answer",
        "pace=as now",
        "--answer",
        "concerns=SECRET-MENTEE-CONCERN",
        "--answer",
        "safe=no",
    ]);
    assert_eq!(code, 0, "{err}");
    let r = report(&[]);
    let useful = question(&r, "useful");
    assert_eq!((useful["answers"].clone(), useful["shown"].clone()), (1.into(), false.into()), "{useful}");
    assert_eq!(useful["mean"], Value::Null);
    assert_eq!(useful["counts"], serde_json::json!([]));

    // Both answered: the pair questions have figures; the team ones only with the key.
    let (code, _, err) = s.run(&[
        "feedback",
        "agreements/pair.toml",
        "--form",
        "midpoint",
        "--by",
        "mentor",
        "--answer",
        "useful=5",
        "--answer",
        "pace=more often",
        "--answer",
        "concerns=SECRET-MENTOR-CONCERN",
        "--answer",
        "safe=yes",
        "--date",
        "2026-11-24",
    ]);
    assert_eq!(code, 0, "{err}");
    let r = report(&[]);
    let useful = question(&r, "useful");
    assert_eq!(useful["mean"], 4.5);
    assert_eq!(useful["counts"], serde_json::json!([["1", 0], ["2", 0], ["3", 0], ["4", 1], ["5", 1]]));
    assert_eq!(
        question(&r, "pace")["counts"],
        serde_json::json!([["more often", 1], ["as now", 1], ["less often", 0]])
    );
    assert_eq!(question(&r, "safe")["answers"], 0);
    let r = report(&["--identity", "team_key"]);
    let safe = question(&r, "safe");
    assert_eq!(
        (safe["answers"].clone(), safe["counts"].clone()),
        (2.into(), serde_json::json!([["yes", 1], ["no", 1]]))
    );
    // Text answers are counted, never listed.
    assert_eq!(question(&r, "concerns")["counts"], serde_json::json!([]));
    // From another folder, the forms are those of the agreements' program.
    let out = cmd()
        .current_dir(std::env::temp_dir())
        .arg("report")
        .arg(s.path("agreements"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let elsewhere: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(elsewhere["feedback"][0]["response_rate"], 1.0, "{elsewhere}");
}

/// The questionnaire on a pseudo-terminal: each question says who can read the answer.
#[cfg(unix)]
#[test]
fn the_questionnaire_says_who_reads_each_answer_and_seals_the_team_ones() {
    use crate::common::pty::{answer, exit_code, spawn};
    let Some(s) = Setup::new() else { return };
    let mut p = spawn(
        s.dir.path(),
        &[
            "feedback".as_ref(),
            "agreements/pair.toml".as_ref(),
            "--form".as_ref(),
            "midpoint".as_ref(),
            "--by".as_ref(),
            "mentee".as_ref(),
            "--answer".as_ref(),
            "pace=as now".as_ref(),
        ],
    );
    p.exp_string("How useful are the sessions?").unwrap();
    p.exp_string("Who can read your answer: the mentor, the mentee and the program team.").unwrap();
    answer(&mut p, "useful (a whole number from 1 to 5)", "7");
    p.exp_string("`useful` takes a whole number from 1 to 5; \"7\" is not one").unwrap();
    answer(&mut p, "useful (a whole number from 1 to 5)", "3");
    p.exp_string("Anything the team should know?").unwrap();
    p.exp_string("Who can read your answer: only the program team (encrypted).").unwrap();
    answer(&mut p, "concerns (Enter to leave it out)", "SECRET-MENTEE-CONCERN");
    p.exp_string("Do you feel safe raising problems with your mentor?").unwrap();
    answer(&mut p, "safe", "");
    p.exp_string("Recorded feedback on form \"midpoint\"").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let text = s.text();
    assert!(text.contains("answers = { useful = 3, pace = \"as now\" }"), "{text}");
    no_secret("the agreement file", &text);
    let (_, out, _) = s.run(&["feedback", "--read", "agreements/pair.toml", "--identity", "team_key"]);
    assert!(out.contains("concerns = SECRET-MENTEE-CONCERN   (team only)") && out.contains("safe = yes"), "{out}");
}

#[test]
fn an_age_identity_file_reads_blocks_sealed_to_its_recipient() {
    let Some(s) = Setup::new() else { return };
    if !have_tool("age-keygen", "--version") {
        return;
    }
    let out = Command::new("age-keygen").arg("-o").arg(s.path("age_key.txt")).output().unwrap();
    assert!(out.status.success());
    let recipient = String::from_utf8(out.stderr).unwrap().trim().trim_start_matches("Public key: ").to_string();
    let mut keys = fs::read_to_string(s.path("team_recipients")).unwrap();
    keys.push_str(&format!("# the coordinator's age key\n{recipient}\n"));
    fs::write(s.path("team_recipients"), keys).unwrap();
    s.both_answer();
    for key in ["age_key.txt", "team_key"] {
        let (code, out, err) = s.run(&["feedback", "--read", "agreements/pair.toml", "--identity", key]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("concerns = SECRET-MENTOR-CONCERN   (team only)"), "{key}: {out}");
    }
}

/// Everything but the sealed blocks' armor lines.
fn without_blocks(text: &str) -> String {
    text.lines()
        .filter(|l| {
            !(l.len() <= 64 && !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn reseal_moves_the_blocks_to_the_new_team_and_changes_nothing_else() {
    let Some(s) = Setup::new() else { return };
    s.both_answer();
    let before = s.text();
    // A key that opens nothing: refused for those blocks (exit 1), the file as it was.
    let (code, _, err) = s.run(&["feedback", "--reseal", "agreements/pair.toml", "--identity", "other_key"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("2 blocks this key does not open left as they were"), "{err}");
    assert_eq!(s.text(), before);
    // The team changes: only other_key now.
    fs::copy(s.path("other_key.pub"), s.path("team_recipients")).unwrap();
    let (code, _, err) = s.run(&["feedback", "--reseal", "agreements/pair.toml", "--identity", "team_key"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Resealed 2 confidential blocks in agreements/pair.toml"), "{err}");
    let after = s.text();
    assert_ne!(after, before);
    assert_eq!(without_blocks(&after), without_blocks(&before), "only the armor lines change");
    let (code, out, _) = s.run(&["check", "agreements/pair.toml"]);
    assert_eq!(code, 0, "{out}");
    let (_, out, _) = s.run(&["feedback", "--read", "agreements/pair.toml", "--identity", "other_key"]);
    assert!(out.contains("concerns = SECRET-MENTEE-CONCERN   (team only)"), "{out}");
    let (_, out, _) = s.run(&["feedback", "--read", "agreements/pair.toml", "--identity", "team_key"]);
    no_secret("a removed key", &out);
}
