//! `sign` and SSH signatures: digests, renewal, refusals, and interoperability with
//! `ssh-keygen -Y sign` / `-Y verify` in both directions.

use crate::common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{cmd, fixture};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// A copy of a fixture folder in a temporary directory (no program.toml above it).
struct Work {
    dir: TempDir,
}

impl Work {
    fn new(fixture_dir: &str) -> Work {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(fixture_dir), dir.path());
        Work { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    /// `ssh-keygen -t TYPE -N '' -f NAME`; returns the private key path and the public line.
    fn keygen(&self, name: &str, kind: &str) -> (PathBuf, String) {
        let key = self.path(name);
        let out =
            Command::new("ssh-keygen").args(["-q", "-t", kind, "-N", "", "-C", name, "-f"]).arg(&key).output().unwrap();
        assert!(out.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&out.stderr));
        let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
        let line = public.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
        (key, line)
    }

    fn sign(&self, file: &str, args: &[&str]) -> assert_cmd::assert::Assert {
        cmd().current_dir(self.dir.path()).arg("sign").arg(file).args(args).assert()
    }

    /// `check --format json`: exit code and the codes reported.
    fn check(&self, file: &str) -> (i32, Vec<String>) {
        let out = cmd().current_dir(self.dir.path()).args(["check", "--format", "json", file]).output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let codes =
            json["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
        (out.status.code().unwrap(), codes)
    }

    /// The canonical terms bytes, as `mentor-agree terms FILE` prints them.
    fn terms(&self, file: &str) -> Vec<u8> {
        let out = cmd().current_dir(self.dir.path()).args(["terms", file]).output().unwrap();
        assert!(out.status.success());
        out.stdout
    }

    /// `mentor-agree terms FILE --statement ROLE [ARGS]`: the bytes an SSH signature covers.
    fn statement(&self, file: &str, role: &str, args: &[&str]) -> Vec<u8> {
        let out =
            cmd().current_dir(self.dir.path()).args(["terms", file, "--statement", role]).args(args).output().unwrap();
        assert!(out.status.success(), "terms --statement: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    /// `ssh-keygen -Y sign -n NAMESPACE -f KEY` over `message`.
    fn ssh_keygen_sign(&self, message: &[u8], key: &Path, namespace: &str) -> String {
        let mut child = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", namespace, "-f"])
            .arg(key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(message).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "ssh-keygen -Y sign: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// What a party signing with `ssh-keygen` alone does: signs the statement for
    /// `role`, `name` and [`PASTED`] with `key`.
    fn ssh_keygen_sign_statement(&self, file: &str, role: &str, name: &str, key: &Path) -> String {
        let statement = self.statement(file, role, &["--name", name, "--date", PASTED]);
        self.ssh_keygen_sign(&statement, key, "mentor-agree")
    }

    /// Appends a signature entry dated [`PASTED`] by hand, as someone pasting `ssh-keygen` output would.
    fn paste_signature(&self, file: &str, role: &str, name: &str, signer: &str, sig: &str) {
        let digest = format!("sha256:{}", hex::encode(Sha256::digest(self.terms(file))));
        let mut text = self.read(file);
        text.push_str(&format!(
            "\n[[signatures]]\nrole = \"{role}\"\nname = \"{name}\"\ndate = {PASTED}\nterms = \"{digest}\"\nsigner = \"{signer}\"\nsig = \"\"\"\n{}\"\"\"\n",
            sig
        ));
        self.write(file, &text);
    }

    /// `ssh-keygen -Y verify` of `sig` over `message` for `principal`: success and what it printed.
    fn ssh_keygen_verify(&self, principal: &str, sig: &str, message: &[u8]) -> (bool, String) {
        let sigfile = self.path("verify.sig");
        std::fs::write(&sigfile, sig).unwrap();
        let mut verify = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-n", "mentor-agree", "-f"])
            .arg(self.path("allowed_signers"))
            .args(["-I", principal, "-s"])
            .arg(&sigfile)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        verify.stdin.take().unwrap().write_all(message).unwrap();
        let out = verify.wait_with_output().unwrap();
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), said)
    }

    /// Replaces `from` by `to` once inside the `role`'s signature entry (from its `role =` line on).
    fn edit_signature(&self, file: &str, role: &str, from: &str, to: &str) {
        let text = self.read(file);
        let at = text.find(&format!("role = \"{role}\"")).unwrap_or_else(|| panic!("no {role} signature"));
        let (head, tail) = text.split_at(at);
        assert!(tail.contains(from), "{from:?} not in the {role}'s signature:\n{tail}");
        self.write(file, &format!("{head}{}", tail.replacen(from, to, 1)));
    }
}

/// The date [`Work::paste_signature`] gives a hand-made signature.
const PASTED: &str = "2026-11-24";

/// An ssh-agent on a socket of its own, stopped when dropped.
struct Agent {
    child: std::process::Child,
    socket: PathBuf,
}

impl Agent {
    fn start(dir: &Path) -> Agent {
        let socket = dir.join("agent.sock");
        let child = Command::new("ssh-agent").arg("-D").arg("-a").arg(&socket).stdout(Stdio::null()).spawn().unwrap();
        let started = std::time::Instant::now();
        while !socket.exists() && started.elapsed() < std::time::Duration::from_secs(10) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Agent { child, socket }
    }

    /// Loads `key` into the agent and deletes the file: only the agent can sign with it now.
    fn take(&self, key: &Path) {
        let added = Command::new("ssh-add").arg(key).env("SSH_AUTH_SOCK", &self.socket).output().unwrap();
        assert!(added.status.success(), "ssh-add: {}", String::from_utf8_lossy(&added.stderr));
        std::fs::remove_file(key).unwrap();
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The `[[signatures]]` entries of a file.
fn signatures(text: &str) -> Vec<toml::Table> {
    let doc: toml::Table = toml::from_str(text).unwrap();
    doc.get("signatures")
        .and_then(|s| s.as_array())
        .map(|a| a.iter().map(|t| t.as_table().unwrap().clone()).collect())
        .unwrap_or_default()
}

fn signature_of(text: &str, role: &str) -> toml::Table {
    let all: Vec<_> = signatures(text).into_iter().filter(|s| s["role"].as_str() == Some(role)).collect();
    assert_eq!(all.len(), 1, "one {role} signature in:\n{text}");
    all.into_iter().next().unwrap()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

/// A folder with the ssh program and an allowed_signers file listing the given lines.
fn ssh_work(lines: &[String]) -> Work {
    let w = Work::new("signing/ssh");
    w.write("allowed_signers", &format!("# test keys\n{}\n", lines.join("\n")));
    w
}

// ----- method = "name" -------------------------------------------------------

#[test]
fn sign_writes_the_digest_of_the_current_terms_and_keeps_the_rest() {
    let w = Work::new("signing/name");
    let before = w.read("draft.toml");
    w.sign("draft.toml", &["--role", "mentor"]).success();
    let after = w.read("draft.toml");
    assert!(after.starts_with(&before), "existing bytes are kept, the entry appended:\n{after}");

    let sig = signature_of(&after, "mentor");
    let expected = format!("sha256:{}", hex::encode(Sha256::digest(w.terms("draft.toml"))));
    assert_eq!(sig["terms"].as_str(), Some(expected.as_str()));
    assert_eq!(sig["name"].as_str(), Some("Ada Lovelace"), "the name defaults to the party's");
    assert_eq!(sig["date"].to_string(), common::TODAY, "the date defaults to today");
    assert!(!sig.contains_key("sig") && !sig.contains_key("signer"), "no SSH fields without --key");
    assert_eq!(
        &after[before.len()..],
        format!(
            "\n[[signatures]]\nrole = \"mentor\"\nname = \"Ada Lovelace\"\ndate = 2026-11-25\nterms = \"{expected}\"\n"
        )
    );
}

#[test]
fn three_signatures_make_the_agreement_effective() {
    let w = Work::new("signing/name");
    w.sign("draft.toml", &["--role", "mentor", "--date", "2026-11-20"]).success();
    let a = w.sign("draft.toml", &["--role", "mentee", "--date", "2026-11-22"]).success();
    assert!(stderr(&a).contains("still to sign: lead"), "{}", stderr(&a));
    let a = w.sign("draft.toml", &["--role", "lead", "--date", "2026-11-23"]).success();
    assert!(stderr(&a).contains("effective 2026-11-23"), "{}", stderr(&a));

    assert_eq!(w.check("draft.toml"), (0, vec![]));
    let out = cmd().current_dir(w.dir.path()).args(["status", "--format", "json", "draft.toml"]).output().unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status[0]["effective"], "2026-11-23");
    assert_eq!(status[0]["state"], "pending", "signed, and the term starts 2026-12-07");
    assert_eq!(status[0]["missing"], serde_json::json!([]));
    let mut check = cmd();
    check.current_dir(w.dir.path()).args(["check", "--require-signed", "draft.toml"]).assert().success();
}

#[test]
fn resigning_replaces_the_signature_and_fixes_a_stale_one() {
    let w = Work::new("signing/name");
    w.sign("draft.toml", &["--role", "mentor", "--date", "2026-11-20"]).success();
    w.sign("draft.toml", &["--role", "mentee", "--date", "2026-11-20"]).success();
    // The pair changes the terms after the mentor signed; a comment sits in the mentor's entry.
    let text = w.read("draft.toml").replace("session_minutes = 45", "session_minutes = 60").replacen(
        "role = \"mentor\"\n",
        "role = \"mentor\"   # first signature\n",
        1,
    );
    w.write("draft.toml", &text);
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-stale".into(), "signature-stale".into()]));

    w.sign("draft.toml", &["--role", "mentor"]).success();
    let after = w.read("draft.toml");
    assert_eq!(signatures(&after).len(), 2, "replaced, not added:\n{after}");
    assert!(after.contains("role = \"mentor\"   # first signature\n"), "the entry keeps its comment:\n{after}");
    assert_eq!(signature_of(&after, "mentor")["date"].to_string(), "2026-11-25");
    // The mentor's entry is still the first one: renewed in place.
    assert_eq!(signatures(&after)[0]["role"].as_str(), Some("mentor"));
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-stale".into()]), "only the mentee's is stale now");
    w.sign("draft.toml", &["--role", "mentee"]).success();
    assert_eq!(w.check("draft.toml"), (0, vec![]));
}

#[test]
fn a_name_other_than_the_partys_is_refused_and_the_file_untouched() {
    let w = Work::new("signing/name");
    let before = w.read("draft.toml");
    let a = w.sign("draft.toml", &["--role", "mentee", "--name", "Grace Brewster"]).code(1);
    let err = stderr(&a);
    assert!(err.contains("signature-name-mismatch"), "{err}");
    assert!(err.contains("\"Grace Hopper\""), "{err}");
    assert_eq!(w.read("draft.toml"), before);
    assert!(!w.path("draft.toml.lock").exists(), "no lock file left behind");

    // Names compare without case and spacing differences.
    w.sign("draft.toml", &["--role", "mentee", "--name", "grace  hopper"]).success();
}

#[test]
fn a_date_after_today_is_refused() {
    let w = Work::new("signing/name");
    let before = w.read("draft.toml");
    let a = w.sign("draft.toml", &["--role", "lead", "--date", "2026-12-01"]).code(1);
    assert!(stderr(&a).contains("signature-in-future"), "{}", stderr(&a));
    assert_eq!(w.read("draft.toml"), before);
}

#[test]
fn dry_run_prints_the_result_and_writes_nothing() {
    let w = Work::new("signing/name");
    let before = w.read("draft.toml");
    let a = w.sign("draft.toml", &["--role", "mentor", "--dry-run"]).success();
    let printed = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(printed.starts_with(&before) && printed.contains("role = \"mentor\""), "{printed}");
    // The report says what would happen, not that it did.
    let said = stderr(&a);
    assert!(
        said.starts_with("Would sign draft.toml as the mentor") && said.contains("dry run: nothing written"),
        "{said}"
    );
    assert!(!said.contains("Signed"), "{said}");
    assert_eq!(w.read("draft.toml"), before);
}

#[test]
fn bad_arguments_exit_2() {
    let w = Work::new("signing/name");
    let a = w.sign("draft.toml", &["--role", "mentee", "--name", " "]).code(2);
    assert!(stderr(&a).contains("--name is empty"), "{}", stderr(&a));
    w.sign("missing.toml", &["--role", "mentor"]).code(2);
    w.sign("draft.toml", &["--role", "coach"]).code(2);
    let a = w.sign("draft.toml", &["--role", "mentor", "--signer", "ada@example.org"]).code(2);
    assert!(stderr(&a).contains("--key"), "--signer goes with --key: {}", stderr(&a));
    w.write("not-a-key", "hello\n");
    let a = w.sign("draft.toml", &["--role", "mentor", "--key", "not-a-key"]).code(2);
    assert!(stderr(&a).contains("not an OpenSSH private or public key"), "{}", stderr(&a));
}

// ----- method = "ssh" --------------------------------------------------------

#[test]
fn committed_ssh_signed_agreement_checks_clean() {
    // Signed once with throwaway keys that no longer exist; only public keys are committed.
    let dir = fixture("signing/signed-ssh");
    let out = cmd().current_dir(&dir).args(["check", "--require-signed", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // The program's one agreement was found and checked (not a vacuous pass over no files)...
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["checked"].as_u64(), report["diagnostics"].as_array().map(Vec::len)), (Some(1), Some(0)));
    // ...and each of its three SSH signatures verified against allowed_signers and counts.
    let out = cmd().current_dir(&dir).args(["status", "--format", "json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["signed"], serde_json::json!(["mentor", "mentee", "lead"]), "{rows}");
    assert_eq!(rows[0]["effective"], "2026-11-23", "{rows}");
}

#[test]
fn tampered_terms_make_a_signature_stale_and_a_rewritten_digest_unverified() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (key, public) = w.keygen("ada", "ed25519");
    w.write("allowed_signers", &format!("ada@example.org {public}\n"));
    w.sign("draft.toml", &["--role", "mentor", "--key", key.to_str().unwrap()]).success();
    assert_eq!(w.check("draft.toml"), (0, vec![]));

    let signed = w.read("draft.toml");
    w.write("draft.toml", &signed.replace("session_minutes = 45", "session_minutes = 90"));
    // Still the mentor's valid signature of the terms it names: stale, not forged.
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-stale".into()]));

    // Both digest and signature changed by hand to the new terms' digest: the signature still tells.
    let new_digest = format!("sha256:{}", hex::encode(Sha256::digest(w.terms("draft.toml"))));
    let old_digest = signature_of(&signed, "mentor")["terms"].as_str().unwrap().to_string();
    w.write("draft.toml", &w.read("draft.toml").replace(&old_digest, &new_digest));
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-unverified".into()]));

    // A damaged signature block.
    w.write("draft.toml", &signed.replace("-----END SSH SIGNATURE-----", "-----END SSH SIGNATUR-----"));
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-unverified".into()]));
}

#[test]
fn a_key_not_in_allowed_signers_is_untrusted() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (_, ada_pub) = w.keygen("ada", "ed25519");
    let (mallory, _) = w.keygen("mallory", "ed25519");
    w.write("allowed_signers", &format!("ada@example.org {ada_pub}\n"));
    let before = w.read("draft.toml");

    // `sign` re-checks with the allowed signers, so it refuses.
    let a = w.sign("draft.toml", &["--role", "mentor", "--key", mallory.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("signature-untrusted"), "{}", stderr(&a));
    assert_eq!(w.read("draft.toml"), before);

    // Pasted by hand, `check` reports it.
    let sig = w.ssh_keygen_sign_statement("draft.toml", "mentor", "Ada Lovelace", &mallory);
    w.paste_signature("draft.toml", "mentor", "Ada Lovelace", "ada@example.org", &sig);
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-untrusted".into()]));
}

#[test]
fn a_signature_for_another_namespace_is_unverified() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (key, public) = w.keygen("ada", "ed25519");
    w.write("allowed_signers", &format!("ada@example.org {public}\n"));
    let sig = w.ssh_keygen_sign(&w.statement("draft.toml", "mentor", &["--date", PASTED]), &key, "git");
    w.paste_signature("draft.toml", "mentor", "Ada Lovelace", "ada@example.org", &sig);
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-unverified".into()]));
    let out = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("namespace \"git\""));
}

#[test]
fn allowed_signers_options_limit_trust() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (key, public) = w.keygen("ada", "ed25519");
    let sig = w.ssh_keygen_sign_statement("draft.toml", "mentor", "Ada Lovelace", &key);
    w.paste_signature("draft.toml", "mentor", "Ada Lovelace", "ada@example.org", &sig);
    // The pasted signature is dated 2026-11-24, and the limits are checked against that signed date.
    for (options, expected) in [
        ("valid-before=\"20261124\"", Some("valid only before")),
        ("valid-before=\"20261125\"", None),
        ("valid-after=\"20261125\"", Some("valid only from")),
        ("namespaces=\"git\"", Some("only for the namespaces")),
        ("namespaces=\"git,mentor-agree\"", None),
        ("cert-authority", Some("certificate authority")),
    ] {
        w.write("allowed_signers", &format!("ada@example.org {options} {public}\n"));
        let out = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).output().unwrap();
        let report = String::from_utf8_lossy(&out.stdout);
        match expected {
            None => assert!(out.status.success(), "{options}: {report}"),
            Some(why) => {
                assert_eq!(out.status.code(), Some(1), "{options}: {report}");
                assert!(report.contains("signature-untrusted") && report.contains(why), "{options}: {report}");
            }
        }
    }
}

#[test]
fn a_missing_or_broken_allowed_signers_file_stops_the_run() {
    let w = Work::new("signing/ssh");
    let a = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("allowed_signers") && err.contains("method = \"ssh\""), "{err}");

    w.write("allowed_signers", "# keys\nada@example.org ssh-ed25519\n");
    let a = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).assert().code(2);
    assert!(stderr(&a).contains("allowed_signers:2: not an OpenSSH public key"), "{}", stderr(&a));
    let a = w.sign("draft.toml", &["--role", "mentor", "--key", "whatever"]).code(2);
    assert!(stderr(&a).contains("allowed_signers:2"), "{}", stderr(&a));
}

#[test]
fn an_ssh_program_needs_a_key() {
    let w = ssh_work(&[]);
    let a = w.sign("draft.toml", &["--role", "mentor"]).code(2);
    assert!(stderr(&a).contains("requires SSH signatures") && stderr(&a).contains("--key"), "{}", stderr(&a));
    // A name-only signature written by hand is unverified.
    let mut text = w.read("draft.toml");
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(w.terms("draft.toml"))));
    text.push_str(&format!(
        "\n[[signatures]]\nrole = \"mentor\"\nname = \"Ada Lovelace\"\ndate = 2026-11-24\nterms = \"{digest}\"\n"
    ));
    w.write("draft.toml", &text);
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-unverified".into()]));
}

/// A key of Ada's protected by the passphrase "correct horse" (made by
/// ssh-keygen), listed for her in allowed_signers: its path and public line.
fn locked_key(w: &Work) -> (PathBuf, String) {
    let key = w.path("locked");
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "correct horse", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(ok.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    w.write("allowed_signers", &format!("ada@example.org {public}"));
    (key, public)
}

#[test]
fn an_encrypted_key_without_a_terminal_points_to_ssh_agent() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (key, public) = locked_key(&w);
    let a = w.sign("draft.toml", &["--role", "mentor", "--key", "locked"]).code(2);
    assert!(stderr(&a).contains("passphrase") && stderr(&a).contains("ssh-add"), "{}", stderr(&a));

    // The library decrypts it with the right passphrase, and says so for a wrong one.
    let open = |pass: &'static str| mentor_agree::ssh::SigningKey::open(&key, || Ok::<_, String>(pass.to_string()));
    let err = open("wrong").unwrap_err().to_string();
    assert!(err.contains("wrong passphrase"), "{err}");
    let signing = open("correct horse").unwrap();
    let armored = signing.sign(b"terms").unwrap();
    let signers =
        mentor_agree::ssh::AllowedSigners::parse(&format!("ada@example.org {public}"), Path::new("allowed_signers"))
            .unwrap();
    use mentor_agree::rules::signatures::{SshVerdict, SshVerifier};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    assert_eq!(signers.verify("ada@example.org", &armored, b"terms", today), SshVerdict::Valid);
}

/// Both directions, for every key kind: `mentor-agree sign` with a key file and through
/// ssh-agent verifies with `ssh-keygen -Y verify` over `terms --statement`, and
/// `ssh-keygen -Y sign` over `terms --statement` (key file and agent) passes `check`.
#[test]
fn ssh_keygen_interop_both_ways_for_every_key_kind() {
    if !common::have_tool("ssh-keygen", "-?") || !common::have_tool("ssh-agent", "-?") {
        return;
    }
    for kind in ["ed25519", "ecdsa", "rsa"] {
        let w = Work::new("signing/ssh");
        let agent = Agent::start(w.dir.path());
        let (ada, ada_pub) = w.keygen("ada", kind);
        let (grace, grace_pub) = w.keygen("grace", kind);
        let (alan, alan_pub) = w.keygen("alan", kind);
        let (lead2, lead2_pub) = w.keygen("lead2", kind);
        w.write(
            "allowed_signers",
            &format!(
                "ada@example.org {ada_pub}\n\"grace@example.org\" namespaces=\"git,mentor-agree\" {grace_pub}\n*@example.org,!ada@* {alan_pub}\nalan@example.org {lead2_pub}\n"
            ),
        );
        // mentor-agree signs: the mentor with a key file, the mentee through the agent.
        w.sign("draft.toml", &["--role", "mentor", "--key", ada.to_str().unwrap()]).success();
        agent.take(&grace);
        cmd()
            .current_dir(w.dir.path())
            .env("SSH_AUTH_SOCK", &agent.socket)
            .args(["sign", "draft.toml", "--role", "mentee", "--key", "grace.pub"])
            .assert()
            .success();
        let text = w.read("draft.toml");
        assert!(text.contains("sig = \"\"\"\n-----BEGIN SSH SIGNATURE-----\n"), "armored multi-line string:\n{text}");
        for (role, signer) in [("mentor", "ada@example.org"), ("mentee", "grace@example.org")] {
            let sig = signature_of(&text, role);
            assert_eq!(sig["signer"].as_str(), Some(signer), "{kind}: the signer is the party's email");
            let armored = sig["sig"].as_str().unwrap();
            let (ok, said) = w.ssh_keygen_verify(signer, armored, &w.statement("draft.toml", role, &[]));
            assert!(ok && said.contains("Good \"mentor-agree\" signature"), "{kind} {role}: {said}");
            // ssh-keygen sees the binding too: the same signature is no good for the other statement.
            let other = if role == "mentor" { "mentee" } else { "mentor" };
            let (ok, said) = w.ssh_keygen_verify(signer, armored, &w.statement("draft.toml", other, &[]));
            assert!(!ok, "{kind} {role}'s signature verified over the {other}'s statement: {said}");
        }

        // ssh-keygen signs, pasted by hand: with the key file...
        let with_file = w.ssh_keygen_sign_statement("draft.toml", "lead", "Alan Turing", &alan);
        // ...and through the agent (a second lead key; the first one's signature is kept aside).
        agent.take(&lead2);
        let statement = w.statement("draft.toml", "lead", &["--name", "Alan Turing", "--date", PASTED]);
        let mut child = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", "mentor-agree", "-f"])
            .arg(w.path("lead2.pub"))
            .env("SSH_AUTH_SOCK", &agent.socket)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&statement).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{kind}: ssh-keygen -Y sign with the agent: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let with_agent = String::from_utf8(out.stdout).unwrap();

        let signed = w.read("draft.toml");
        for sig in [with_file, with_agent] {
            w.write("draft.toml", &signed);
            w.paste_signature("draft.toml", "lead", "Alan Turing", "alan@example.org", &sig);
            assert_eq!(w.check("draft.toml"), (0, vec![]), "{kind}: {}", w.read("draft.toml"));
            let mut strict = cmd();
            strict.current_dir(w.dir.path()).args(["check", "--require-signed", "draft.toml"]).assert().success();
        }
        drop(agent);
    }
}

/// The hole this closes: with SSH signing, a signature's date, role and name are
/// signed too, so editing any of them afterwards is caught.
#[test]
fn editing_a_signed_date_role_or_name_is_caught() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (ada, ada_pub) = w.keygen("ada", "ed25519");
    let (grace, grace_pub) = w.keygen("grace", "ed25519");
    // One team key line trusting Ada's key for every @example.org principal, so only the
    // statement can tell a swapped role.
    w.write("allowed_signers", &format!("*@example.org {ada_pub}\ngrace@example.org {grace_pub}\n"));
    w.sign("draft.toml", &["--role", "mentor", "--key", ada.to_str().unwrap()]).success();
    w.sign("draft.toml", &["--role", "mentee", "--key", grace.to_str().unwrap(), "--date", "2026-11-23"]).success();
    assert_eq!(w.check("draft.toml"), (0, vec![]));
    let signed = w.read("draft.toml");
    let report = |w: &Work| {
        let out = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };

    // Backdated: the mentor's date moved earlier (as a holder of an expiring key would).
    w.edit_signature("draft.toml", "mentor", "date = 2026-11-25", "date = 2026-11-02");
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-unverified".into()]));
    assert!(report(&w).contains("role, name or date, changed after signing"), "{}", report(&w));
    // The rendered signature block does not show the rejected signature as signed.
    let md = cmd().current_dir(w.dir.path()).args(["render", "draft.toml"]).output().unwrap();
    let md = String::from_utf8_lossy(&md.stdout).into_owned();
    // The signature table is the last one with a row per role.
    let line =
        |title: &str| md.lines().rfind(|l| l.starts_with(&format!("| {title} |"))).unwrap_or_default().to_string();
    assert!(line("Mentor").contains("| does not count: the SSH signature does not verify: "), "{md}");
    // A signature that verified names the key that made it.
    assert!(line("Mentee").contains("| signed, SSH key `SHA256:"), "{md}");
    let html = cmd().current_dir(w.dir.path()).args(["render", "--format", "html", "draft.toml"]).output().unwrap();
    let html = String::from_utf8_lossy(&html.stdout).into_owned();
    assert!(html.contains("<div class=\"signature sig-unverified\">"), "{html}");
    assert_eq!(html.matches("<div class=\"signature sig-current\">").count(), 1, "only the mentee's signature counts");

    // Swapped role: Ada's signature passed off as the lead's, with the lead's name and email.
    w.write("draft.toml", &signed);
    w.edit_signature("draft.toml", "mentor", "role = \"mentor\"", "role = \"lead\"");
    w.edit_signature("draft.toml", "lead", "name = \"Ada Lovelace\"", "name = \"Alan Turing\"");
    w.edit_signature("draft.toml", "lead", "signer = \"ada@example.org\"", "signer = \"alan@example.org\"");
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-unverified".into()]));
    let out = cmd().current_dir(w.dir.path()).args(["status", "--format", "json", "draft.toml"]).output().unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status[0]["errors"], 1, "status counts the error: {status}");
    assert_eq!(
        status[0]["signed"],
        serde_json::json!(["mentee"]),
        "the forged lead signature does not count: {status}"
    );
    assert_eq!(status[0]["missing"], serde_json::json!(["mentor", "lead"]));
    // The same swap keeping Ada as the signer: her principal is not the lead's email.
    w.write("draft.toml", &signed);
    w.edit_signature("draft.toml", "mentor", "role = \"mentor\"", "role = \"lead\"");
    w.edit_signature("draft.toml", "lead", "name = \"Ada Lovelace\"", "name = \"Alan Turing\"");
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-untrusted".into()]));
    assert!(report(&w).contains("but the lead's email is \"alan@example.org\""), "{}", report(&w));

    // Renamed: a spelling the name check accepts (case and spacing) is still not what was signed.
    w.write("draft.toml", &signed);
    w.edit_signature("draft.toml", "mentee", "name = \"Grace Hopper\"", "name = \"grace  HOPPER\"");
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-unverified".into()]));

    // Put back as signed, everything verifies again: the check compares bytes, not history.
    w.write("draft.toml", &signed);
    assert_eq!(w.check("draft.toml"), (0, vec![]));
}

#[test]
fn valid_before_is_checked_against_the_signed_date() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (ada, ada_pub) = w.keygen("ada", "ed25519");
    // Ada's key stopped being valid for signing on 2026-11-10.
    w.write("allowed_signers", &format!("ada@example.org valid-before=\"20261110\" {ada_pub}\n"));
    let before = w.read("draft.toml");
    let a = w.sign("draft.toml", &["--role", "mentor", "--key", ada.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("signature-untrusted") && stderr(&a).contains("valid only before"), "{}", stderr(&a));
    assert_eq!(w.read("draft.toml"), before, "refused, file unchanged");

    // While it was valid, it signed; moving that date past the expiry (or anywhere) breaks the signature.
    w.write("allowed_signers", &format!("ada@example.org {ada_pub}\n"));
    w.sign("draft.toml", &["--role", "mentor", "--key", ada.to_str().unwrap(), "--date", "2026-11-05"]).success();
    w.write("allowed_signers", &format!("ada@example.org valid-before=\"20261110\" {ada_pub}\n"));
    assert_eq!(w.check("draft.toml"), (0, vec![]), "signed on 2026-11-05, before the key expired");
    w.edit_signature("draft.toml", "mentor", "date = 2026-11-05", "date = 2026-11-20");
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-unverified".into()]));
}

#[test]
fn a_signature_over_the_bare_terms_asks_to_sign_again() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (key, public) = w.keygen("ada", "ed25519");
    w.write("allowed_signers", &format!("ada@example.org {public}\n"));
    // The form signatures had before they covered who and when: ssh-keygen over `terms` alone.
    let old = w.ssh_keygen_sign(&w.terms("draft.toml"), &key, "mentor-agree");
    w.paste_signature("draft.toml", "mentor", "Ada Lovelace", "ada@example.org", &old);
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-unverified".into()]));
    let out = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("covers only the terms"), "{report}");
    assert!(report.contains("mentor-agree sign FILE --role mentor --key"), "{report}");

    // Signing again replaces it with one over the statement.
    w.sign("draft.toml", &["--role", "mentor", "--key", key.to_str().unwrap()]).success();
    assert_eq!(w.check("draft.toml"), (0, vec![]));
}

#[test]
fn the_signer_is_the_partys_email() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (ada, ada_pub) = w.keygen("ada", "ed25519");
    let (grace, grace_pub) = w.keygen("grace", "ed25519");
    w.write(
        "allowed_signers",
        &format!("ada@example.org {ada_pub}\nlead@example.org {ada_pub}\ngrace@example.org {grace_pub}\n"),
    );
    let draft = w.read("draft.toml");

    // --signer cannot pick another principal, even one the key is listed under.
    let a = w
        .sign("draft.toml", &["--role", "lead", "--key", ada.to_str().unwrap(), "--signer", "lead@example.org"])
        .code(1);
    assert!(stderr(&a).contains("not the lead's email (alan@example.org)"), "{}", stderr(&a));
    // The mentor's key signing as the lead is refused: allowed_signers lists it for others only.
    let a = w.sign("draft.toml", &["--role", "lead", "--key", ada.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("signature-untrusted"), "{}", stderr(&a));
    assert_eq!(w.read("draft.toml"), draft);

    // Pasted by hand: Ada's key on Grace's statement, claimed for Grace.
    let sig = w.ssh_keygen_sign_statement("draft.toml", "mentee", "Grace Hopper", &ada);
    w.paste_signature("draft.toml", "mentee", "Grace Hopper", "grace@example.org", &sig);
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-untrusted".into()]));
    let out = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("not one of the keys"));
    // A signer that is not the party's email, whatever key signed.
    w.write("draft.toml", &draft);
    let sig = w.ssh_keygen_sign_statement("draft.toml", "mentee", "Grace Hopper", &grace);
    w.paste_signature("draft.toml", "mentee", "Grace Hopper", "grace@example.com", &sig);
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-untrusted".into()]));
    let out = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("signed by \"grace@example.com\", but the mentee's email is")
    );
    // A pattern that excludes the principal.
    w.write("allowed_signers", &format!("*@example.org,!grace@example.org {grace_pub}\n"));
    w.write("draft.toml", &draft);
    w.paste_signature("draft.toml", "mentee", "Grace Hopper", "grace@example.org", &sig);
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-untrusted".into()]));
    let out = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("lists no key for \"grace@example.org\""));
}

#[test]
fn every_ssh_signing_party_needs_an_email() {
    let w = ssh_work(&[]);
    let text = w.read("draft.toml").replace("email = \"alan@example.org\"\n", "");
    w.write("draft.toml", &text);
    let out = cmd().current_dir(w.dir.path()).args(["check", "--format", "json", "draft.toml"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "missing-key", "{json}");
    assert!(d["message"].as_str().unwrap().contains("`email` in [lead]"), "{d}");
    let line = text.lines().nth(d["line"].as_u64().unwrap() as usize - 1).unwrap();
    assert!(line.starts_with("[lead]"), "points at the party: {line}");
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let (alan, _) = w.keygen("alan", "ed25519");
    let a = w.sign("draft.toml", &["--role", "lead", "--key", alan.to_str().unwrap()]).code(1);
    assert!(stderr(&a).contains("the lead has no email"), "{}", stderr(&a));
    assert_eq!(w.read("draft.toml"), text);
}

#[test]
fn terms_statement_prints_the_signed_bytes() {
    let w = Work::new("signing/name");
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(w.terms("draft.toml"))));
    // Before anyone signs: the party's name and today.
    assert_eq!(
        String::from_utf8(w.statement("draft.toml", "mentee", &[])).unwrap(),
        format!(
            r#"{{"date":"{}","name":"Grace Hopper","role":"mentee","statement":1,"terms":"{digest}"}}"#,
            common::TODAY
        )
    );
    // After: the name and date of the signature, unless given.
    w.sign("draft.toml", &["--role", "mentee", "--name", "grace hopper", "--date", "2026-11-20"]).success();
    assert_eq!(
        String::from_utf8(w.statement("draft.toml", "mentee", &[])).unwrap(),
        format!(r#"{{"date":"2026-11-20","name":"grace hopper","role":"mentee","statement":1,"terms":"{digest}"}}"#)
    );
    assert_eq!(
        String::from_utf8(w.statement("draft.toml", "mentee", &["--date", "2026-11-21", "--name", "G"])).unwrap(),
        format!(r#"{{"date":"2026-11-21","name":"G","role":"mentee","statement":1,"terms":"{digest}"}}"#)
    );
    cmd().current_dir(w.dir.path()).args(["terms", "draft.toml", "--statement", "coach"]).assert().code(2);
    cmd().current_dir(w.dir.path()).args(["terms", "draft.toml", "--date", "2026-11-21"]).assert().code(2);
}

#[test]
fn signing_again_says_what_it_replaces_and_does_nothing_when_the_signature_is_current() {
    let w = Work::new("signing/name");
    w.sign("draft.toml", &["--role", "mentor", "--date", "2026-11-20"]).success();
    let before = w.read("draft.toml");
    let a = w.sign("draft.toml", &["--role", "mentor"]).success();
    assert!(stderr(&a).contains("Nothing to do: the mentor's signature"), "{}", stderr(&a));
    assert!(stderr(&a).contains("(Ada Lovelace, 2026-11-20) already covers the current terms"), "{}", stderr(&a));
    assert_eq!(w.read("draft.toml"), before, "nothing written");
    // The terms change: signing again renews it and says which signature it replaces.
    w.write("draft.toml", &before.replace("session_minutes = 45", "session_minutes = 60"));
    let a = w.sign("draft.toml", &["--role", "mentor"]).success();
    assert!(
        stderr(&a).contains(
            "replacing the mentor's signature of Ada Lovelace, 2026-11-20, which covered earlier terms; still to sign"
        ),
        "{}",
        stderr(&a)
    );
    // A first signature replaces nothing.
    let a = w.sign("draft.toml", &["--role", "mentee"]).success();
    assert!(!stderr(&a).contains("replacing"), "{}", stderr(&a));
}

#[test]
fn a_signature_that_would_not_count_is_refused_with_the_reason() {
    let w = Work::new("signing/name");
    // The program names its leads, and the agreement's lead is not one of them.
    w.write("program.toml", "[program]\nleads = [{ name = \"Noor Rahman\" }]\n");
    let before = w.read("draft.toml");
    let a = w.sign("draft.toml", &["--role", "lead"]).code(1);
    let err = stderr(&a);
    assert!(err.contains("refused to sign") && err.contains("the lead's signature would not count"), "{err}");
    assert!(!err.contains("still to sign: lead"), "{err}");
    assert_eq!(w.read("draft.toml"), before, "file unchanged");
}

#[test]
fn a_name_that_differs_only_in_how_its_accent_is_encoded_says_so() {
    let w = Work::new("signing/name");
    // The agreement spells the mentor with a precomposed ë (NFC); the signature with e + U+0308 (NFD).
    w.write("draft.toml", &w.read("draft.toml").replacen("Ada Lovelace", "Zo\u{eb} Lovelace", 1));
    let a = w.sign("draft.toml", &["--role", "mentor", "--name", "Zoe\u{308} Lovelace"]).code(1);
    let err = stderr(&a);
    assert!(err.contains("signature-name-mismatch"), "{err}");
    assert!(err.contains("the accents are encoded differently"), "{err}");
    assert!(err.contains("Zoe\\u{308} Lovelace") && err.contains("Zo\\u{eb} Lovelace"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_wrong_passphrase_is_asked_again_on_a_terminal() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    locked_key(&w);
    let args: Vec<&std::ffi::OsStr> =
        ["sign", "draft.toml", "--role", "mentor", "--key", "locked"].iter().map(std::ffi::OsStr::new).collect();
    let mut p = common::pty::spawn(w.dir.path(), &args);
    common::pty::answer(&mut p, "Passphrase for locked", "wrong");
    p.exp_string("wrong passphrase for locked, try again").unwrap();
    common::pty::answer(&mut p, "Passphrase for locked", "correct horse");
    p.exp_string("Signed draft.toml as the mentor").unwrap();
    assert_eq!(common::pty::exit_code(&mut p), 0);
    assert!(signature_of(&w.read("draft.toml"), "mentor").contains_key("sig"));
}

#[test]
fn a_locked_file_is_waited_for_once() {
    let w = Work::new("signing/name");
    w.write("draft.toml.lock", "someone else's edit");
    let started = std::time::Instant::now();
    let out = cmd()
        .current_dir(w.dir.path())
        .args(["sign", "draft.toml", "--role", "mentor"])
        .env("MENTOR_AGREE_LOCK_TIMEOUT", "2")
        .output()
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is locked"));
    // One wait of 2 s, not one for the trial run and another for the edit.
    assert!(waited < std::time::Duration::from_millis(3_500), "{waited:?}");
}

// ----- consents: extensions and terminations in SSH programs -----------------

/// The ssh draft signed by all three with real keys; returns the key paths.
fn ssh_signed_by_all(w: &Work) -> [PathBuf; 3] {
    let (ada, ada_pub) = w.keygen("ada", "ed25519");
    let (grace, grace_pub) = w.keygen("grace", "ed25519");
    let (alan, alan_pub) = w.keygen("alan", "ed25519");
    w.write(
        "allowed_signers",
        &format!("ada@example.org {ada_pub}\ngrace@example.org {grace_pub}\nalan@example.org {alan_pub}\n"),
    );
    for (role, key, date) in
        [("mentor", &ada, "2026-11-20"), ("mentee", &grace, "2026-11-21"), ("lead", &alan, "2026-11-22")]
    {
        w.sign("draft.toml", &["--role", role, "--key", key.to_str().unwrap(), "--date", date]).success();
    }
    [ada, grace, alan]
}

fn last_day(w: &Work, today: &str) -> serde_json::Value {
    let out = common::cmd_on(today)
        .current_dir(w.dir.path())
        .args(["status", "--format", "json", "draft.toml"])
        .output()
        .unwrap();
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()[0].clone()
}

#[test]
fn an_extension_counts_once_mentor_and_mentee_signed_it() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let [ada, grace, _] = ssh_signed_by_all(&w);
    let before = last_day(&w, common::TODAY)["last_day"].clone();
    // Without a key, an SSH program refuses the extension (nobody would have agreed to it).
    let a = cmd().current_dir(w.dir.path()).args(["extend", "draft.toml", "--months", "2"]).assert().code(1);
    assert!(stderr(&a).contains("extension-unsigned"), "{}", stderr(&a));
    // The mentor extends and signs: it waits for the mentee, and the last day stays.
    cmd()
        .current_dir(w.dir.path())
        .args(["extend", "draft.toml", "--months", "2", "--role", "mentor", "--key", ada.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(last_day(&w, common::TODAY)["last_day"], before);
    assert_eq!(w.check("draft.toml"), (0, vec![]));
    let out = cmd()
        .current_dir(w.dir.path())
        .args(["check", "--require-signed", "--format", "json", "draft.toml"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["message"], "the mentee has not signed the extension agreed on 2026-11-25");
    // The mentee adds theirs as `sign` adds a role: now it moves the last day.
    w.sign("draft.toml", &["--extension", "--role", "mentee", "--key", grace.to_str().unwrap()]).success();
    assert_ne!(last_day(&w, common::TODAY)["last_day"], before);
    let mut check = cmd();
    check.current_dir(w.dir.path()).args(["check", "--require-signed", "draft.toml"]).assert().success();

    // ssh-keygen verifies the consent over the statement `terms --statement` prints.
    let text = w.read("draft.toml");
    let consent = signatures(&text)
        .into_iter()
        .find(|s| s.contains_key("extension") && s["role"].as_str() == Some("mentee"))
        .unwrap();
    let statement = w.statement("draft.toml", "mentee", &["--extension", "2026-11-25"]);
    assert!(String::from_utf8_lossy(&statement).contains("\"extension\":{\"agreed\":\"2026-11-25\""));
    let (ok, said) = w.ssh_keygen_verify("grace@example.org", consent["sig"].as_str().unwrap(), &statement);
    assert!(ok, "{said}");

    // A pull request that changes the extension's length breaks both consents.
    w.write("draft.toml", &text.replace("months = 2\nagreed", "months = 6\nagreed"));
    let (code, codes) = w.check("draft.toml");
    assert_eq!(code, 1);
    assert!(
        codes.contains(&"signature-unverified".to_string()) && codes.contains(&"extension-unsigned".to_string()),
        "{codes:?}"
    );
    assert_eq!(
        last_day(&w, common::TODAY)["last_day"],
        before,
        "an extension nobody signed does not move the last day"
    );
}

#[test]
fn a_termination_counts_once_whoever_gave_notice_signed_it() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let [_, grace, _] = ssh_signed_by_all(&w);
    let unsigned = w.read("draft.toml");
    // Written by hand, the notice is an error and ends nothing.
    w.write(
        "draft.toml",
        &format!(
            "{unsigned}\n[termination]\ndate = 2026-12-20\nby = \"mentee\"\nnotice = \"written\"\nreason = \"Moved\"\n"
        ),
    );
    assert_eq!(w.check("draft.toml").1, ["termination-unsigned"]);
    assert_eq!(last_day(&w, "2027-01-10")["state"], "active");
    // Given with the mentee's key, it ends the agreement.
    w.write("draft.toml", &unsigned);
    common::cmd_on("2026-12-20")
        .current_dir(w.dir.path())
        .args(["terminate", "draft.toml", "--by", "mentee", "--reason", "Moved", "--key", grace.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(last_day(&w, "2027-01-10")["state"], "terminated");
    let statement = w.statement("draft.toml", "mentee", &["--termination"]);
    let consent = signatures(&w.read("draft.toml")).into_iter().find(|s| s.contains_key("termination")).unwrap();
    let (ok, said) = w.ssh_keygen_verify("grace@example.org", consent["sig"].as_str().unwrap(), &statement);
    assert!(ok, "{said}");
}
