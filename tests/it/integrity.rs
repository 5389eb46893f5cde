//! Integrity: only a signature `check` accepts counts, anywhere; one person, one
//! role; one key, one role. Each test is an attack a pull request can make.

use crate::common;

use std::fs;
use std::path::Path;

use common::{cmd, fixture};
use serde_json::Value;

/// A folder holding `program.toml` (from `program`) and one agreement.
fn program_with(program: &str, agreement: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("program.toml"), program).unwrap();
    fs::create_dir(dir.path().join("agreements")).unwrap();
    fs::write(dir.path().join("agreements/a.toml"), agreement).unwrap();
    dir
}

fn status(dir: &Path) -> Value {
    let out = cmd().arg("status").arg(dir.join("agreements")).args(["--format", "json"]).output().unwrap();
    serde_json::from_slice::<Value>(&out.stdout).unwrap()[0].clone()
}

fn check_codes(dir: &Path, args: &[&str]) -> (i32, Vec<String>) {
    let out = cmd().arg("check").arg(dir.join("agreements")).args(args).args(["--format", "json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut codes: Vec<String> =
        json["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    codes.sort();
    (out.status.code().unwrap(), codes)
}

fn roles(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect()
}

/// The committed SSH-signed agreement, its program and allowed_signers.
fn signed_ssh() -> (tempfile::TempDir, String) {
    let src = fixture("signing/signed-ssh");
    let text = fs::read_to_string(src.join("agreements/2026-12-ada-lovelace-grace-hopper.toml")).unwrap();
    let dir = program_with(&fs::read_to_string(src.join("program.toml")).unwrap(), &text);
    fs::copy(src.join("allowed_signers"), dir.path().join("allowed_signers")).unwrap();
    (dir, text)
}

#[test]
fn an_ssh_signature_without_a_name_never_counts() {
    let (dir, text) = signed_ssh();
    // The lead's entry loses its name, and its sig is forged: nothing can verify it.
    let start = text.find("role = \"lead\"").unwrap();
    let mut forged = text[..start].to_string();
    forged.push_str("role = \"lead\"\ndate = 2026-11-23\n");
    let terms = text[start..].lines().find(|l| l.starts_with("terms = ")).unwrap();
    forged.push_str(terms);
    forged.push_str("\nsig = \"forged\"\n");
    fs::write(dir.path().join("agreements/a.toml"), &forged).unwrap();

    let row = status(dir.path());
    assert_eq!(row["state"], "draft", "{row}");
    assert_eq!(roles(&row["signed"]), ["mentor", "mentee"]);
    assert_eq!(row["effective"], Value::Null);
    let (code, codes) = check_codes(dir.path(), &["--require-signed"]);
    assert_eq!(code, 1);
    assert!(codes.contains(&"missing-key".to_string()), "{codes:?}");
    let page = cmd().arg("render").arg(dir.path().join("agreements/a.toml")).output().unwrap();
    let page = String::from_utf8(page.stdout).unwrap();
    assert!(!page.contains("Alan Turing, signed"), "{page}");
}

/// A name-signed agreement, with `edit` applied, signed by mentor, mentee and lead
/// on the given dates (by as many roles as there are dates).
fn signed_by_name<const N: usize>(dates: [&str; N], edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let text = fs::read_to_string(fixture("codes/same-person/agreement.toml")).unwrap();
    let text = text.replace("ADA@example.org", "grace@example.org");
    let unsigned = text[..text.find("[[signatures]]").unwrap()].trim_end().to_string() + "\n";
    let dir = program_with("[program]\nname = \"Integrity\"\n", &edit(&unsigned));
    let file = dir.path().join("agreements/a.toml");
    for (role, date) in ["mentor", "mentee", "lead"].iter().zip(dates) {
        cmd().args(["sign", "--role", role, "--date", date]).arg(&file).assert().success();
    }
    dir
}

#[test]
fn a_signature_check_rejects_counts_nowhere() {
    let dir = signed_by_name(["2026-09-28", "2026-09-29", "2026-09-30"], str::to_string);
    let file = dir.path().join("agreements/a.toml");
    assert_eq!(status(dir.path())["state"], "active");
    // The lead's date moved ahead of today: the agreement is not in force on a future signature.
    let text = fs::read_to_string(&file).unwrap();
    let at = text.rfind("date = 2026-09-30").unwrap();
    fs::write(&file, format!("{}date = 2027-03-01{}", &text[..at], &text[at + 17..])).unwrap();
    let row = status(dir.path());
    assert_eq!(row["state"], "draft", "{row}");
    assert_eq!(roles(&row["signed"]), ["mentor", "mentee"]);
    assert_eq!(row["effective"], Value::Null);
    // --require-signed fails the role once, with the reason, not also as `unsigned`.
    let (code, codes) = check_codes(dir.path(), &["--require-signed"]);
    assert_eq!((code, codes), (1, vec!["signature-in-future".to_string()]));
    let page = String::from_utf8(cmd().arg("render").arg(&file).output().unwrap().stdout).unwrap();
    assert!(page.contains("**Not in effect yet.**"), "{page}");
    assert!(page.contains("| does not count: signed on 2027-03-01, which is after today"), "{page}");

    // A signature by another name does not count either.
    let text = fs::read_to_string(&file).unwrap().replace("date = 2027-03-01", "date = 2026-09-30");
    fs::write(&file, text.replacen("name = \"Grace Hopper\"\ndate", "name = \"Grace Hoper\"\ndate", 1)).unwrap();
    let row = status(dir.path());
    assert_eq!(roles(&row["signed"]), ["mentor", "lead"], "{row}");
    let (_, codes) = check_codes(dir.path(), &["--require-signed"]);
    assert_eq!(codes, ["signature-name-mismatch"]);
}

#[test]
fn a_stale_signature_is_reported_once_under_require_signed() {
    let dir = signed_by_name(["2026-09-28", "2026-09-29"], str::to_string);
    let file = dir.path().join("agreements/a.toml");
    let text = fs::read_to_string(&file).unwrap().replace("session_minutes = 45", "session_minutes = 60");
    fs::write(&file, text).unwrap();
    let (code, codes) = check_codes(dir.path(), &["--require-signed"]);
    assert_eq!(code, 1);
    assert_eq!(codes, ["signature-stale", "signature-stale", "unsigned"]);
}

#[test]
fn an_amendment_awaiting_signatures_is_reported_once_per_role_under_require_signed() {
    let dir = signed_by_name(["2026-09-28", "2026-09-29", "2026-09-30"], str::to_string);
    let file = dir.path().join("agreements/a.toml");
    let text = fs::read_to_string(&file).unwrap().replace("session_minutes = 45", "session_minutes = 60");
    fs::write(&file, text).unwrap();
    // In force under the terms signed (its check-in is late, which never fails a check).
    assert_eq!(check_codes(dir.path(), &[]), (0, vec!["checkin-overdue".to_string()]));
    let (code, codes) = check_codes(dir.path(), &["--require-signed"]);
    assert_eq!(code, 1);
    assert_eq!(codes, ["checkin-overdue", "unsigned", "unsigned", "unsigned"]);
    let row = status(dir.path());
    assert_eq!((row["state"].as_str(), row["effective"].as_str()), (Some("active"), Some("2026-09-30")), "{row}");
    assert_eq!(roles(&row["amendment"]), ["mentor", "mentee", "lead"], "{row}");
}

#[test]
fn signatures_outside_the_window_do_not_count() {
    let dir = signed_by_name(["2026-09-28", "2026-09-29", "2026-09-30"], str::to_string);
    let file = dir.path().join("agreements/a.toml");
    // The dates as a pull request could write them: the mentor's is 50 days before the others.
    let text = fs::read_to_string(&file).unwrap();
    let text = text.replace("date = 2026-09-28", "date = 2026-08-01").replace("date = 2026-09-29", "date = 2026-09-20");
    fs::write(&file, text).unwrap();
    let row = status(dir.path());
    assert_eq!(row["state"], "draft", "{row}");
    assert_eq!(roles(&row["signed"]), ["mentee", "lead"]);
    let (_, codes) = check_codes(dir.path(), &["--require-signed"]);
    assert_eq!(codes, ["signature-window"]);
}

#[test]
fn one_person_cannot_sign_in_two_roles() {
    // The lead's email is the mentee's: the lead's signature does not count.
    let dir = signed_by_name(["2026-09-28", "2026-09-29"], |text| {
        text.replace("[lead]\nname = \"Alan Turing\"", "[lead]\nname = \"Alan Turing\"\nemail = \"grace@example.org\"")
    });
    let file = dir.path().join("agreements/a.toml");
    // `sign` refuses it, with the reason, and leaves the file as it was ...
    let before = fs::read_to_string(&file).unwrap();
    let out = cmd().args(["sign", "--role", "lead", "--date", "2026-09-30"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the lead's signature would not count: the lead has the same email as the mentee"), "{err}");
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
    // ... and one written by hand does not count.
    crate::support::sign_all(&file, "2026-09-30", &[("lead", "Alan Turing")]);
    let row = status(dir.path());
    assert_eq!(roles(&row["signed"]), ["mentor", "mentee"], "{row}");
    assert_eq!(row["state"], "draft");
    let (code, codes) = check_codes(dir.path(), &[]);
    assert_eq!((code, codes), (1, vec!["same-person".to_string()]));
    let page = cmd().arg("render").arg(dir.path().join("agreements/a.toml")).output().unwrap();
    let page = String::from_utf8(page.stdout).unwrap();
    let lead = page.lines().rfind(|l| l.starts_with("| Initiative lead |")).unwrap_or_default();
    assert!(lead.ends_with("| does not count: the lead has the same email as the mentee |"), "{lead}");
}

#[test]
fn only_a_lead_the_program_names_signs_as_lead() {
    let dir = fixture("codes/lead-not-in-program");
    let out = cmd().arg("status").arg(&dir).args(["--format", "json"]).output().unwrap();
    let row = &serde_json::from_slice::<Value>(&out.stdout).unwrap()[0];
    assert_eq!(roles(&row["signed"]), ["mentor", "mentee"], "{row}");
    assert_eq!(roles(&row["missing"]), ["lead"]);
    // Nor does the page show it as signed.
    let page = cmd().arg("render").arg(dir.join("agreement.toml")).output().unwrap();
    let page = String::from_utf8(page.stdout).unwrap();
    let lead = page.lines().rfind(|l| l.starts_with("| Initiative lead |")).unwrap_or_default();
    assert!(lead.ends_with("| does not count: the lead is not one of the program's leads |"), "{lead}");
}

#[test]
fn one_key_cannot_sign_two_roles() {
    let dir = fixture("codes/signature-same-key");
    let out = cmd().arg("status").arg(&dir).args(["--format", "json"]).output().unwrap();
    let row = &serde_json::from_slice::<Value>(&out.stdout).unwrap()[0];
    assert_eq!(roles(&row["signed"]), ["mentor", "mentee"], "{row}");
    assert_eq!(row["state"], "draft");
}

/// A program repository whose pull request adds `agreements/sub/program.toml`
/// (every rule relaxed) and a template with a script in it.
fn nested_program(outer: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("program.toml"), outer).unwrap();
    fs::create_dir_all(root.join("agreements/sub/templates")).unwrap();
    let good = fs::read_to_string(common::example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    fs::write(root.join("agreements/good.toml"), &good).unwrap();
    // The smuggled program: typed names, one signer, no reviews, no goals.
    fs::write(
        root.join("agreements/sub/program.toml"),
        "[rules.signatures]\nroles = [\"mentee\"]\n[rules.reviews]\nrequired = false\n[rules.goals]\nmin = 0\n",
    )
    .unwrap();
    fs::write(root.join("agreements/sub/templates/agreement.html.tera"), "<script>alert(1)</script>").unwrap();
    fs::write(root.join("agreements/sub/x.toml"), "format = 1\n[mentor]\nname = \"A\"\n[mentee]\nname = \"B\"\n")
        .unwrap();
    dir
}

#[test]
fn an_undeclared_nested_program_is_an_error() {
    let dir = nested_program("[program]\nname = \"Outer\"\n");
    let out = cmd().current_dir(dir.path()).args(["check", "--require-signed"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("agreements/sub/program.toml: a program file inside the program of"), "{stderr}");
    assert!(stderr.contains("subprograms = [\"agreements/sub\"]"), "{stderr}");
    // Nor does the site publish the smuggled template.
    let site = dir.path().join("public");
    let out = cmd().current_dir(dir.path()).arg("render").arg("--site").arg(&site).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let published: Vec<String> = walk(&site).into_iter().map(|p| fs::read_to_string(p).unwrap_or_default()).collect();
    assert!(published.iter().all(|p| !p.contains("<script>alert")), "the script was published");
}

#[test]
fn a_declared_subprogram_governs_its_folder() {
    let dir = nested_program("[program]\nname = \"Outer\"\nsubprograms = [\"agreements/sub\"]\n");
    let out = cmd().current_dir(dir.path()).args(["status", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sub = rows.as_array().unwrap().iter().find(|r| r["id"] == "x").unwrap();
    assert_eq!(roles(&sub["missing"]), ["mentee"], "the subprogram's one signer: {sub}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] }).collect()
}
