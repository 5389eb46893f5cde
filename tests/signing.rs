//! `sign` and SSH signatures: digests, renewal, refusals, and interoperability with
//! `ssh-keygen -Y sign` / `-Y verify` in both directions.

mod common;

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

    /// `ssh-keygen -Y sign -n NAMESPACE -f KEY` over the terms of `file`.
    fn ssh_keygen_sign(&self, file: &str, key: &Path, namespace: &str) -> String {
        let terms = self.terms(file);
        let mut child = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", namespace, "-f"])
            .arg(key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&terms).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "ssh-keygen -Y sign: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Appends a signature entry by hand, as someone pasting `ssh-keygen` output would.
    fn paste_signature(&self, file: &str, role: &str, name: &str, signer: &str, sig: &str) {
        let digest = format!("sha256:{}", hex::encode(Sha256::digest(self.terms(file))));
        let mut text = self.read(file);
        text.push_str(&format!(
            "\n[[signatures]]\nrole = \"{role}\"\nname = \"{name}\"\ndate = 2026-11-24\nterms = \"{digest}\"\nsigner = \"{signer}\"\nsig = \"\"\"\n{}\"\"\"\n",
            sig
        ));
        self.write(file, &text);
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
    cmd().current_dir(&dir).args(["check", "--require-signed"]).assert().success();
}

#[test]
fn sign_key_output_verifies_with_ssh_keygen() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (ada, ada_pub) = w.keygen("ada", "ed25519");
    let (grace, grace_pub) = w.keygen("grace", "ecdsa");
    let (alan, alan_pub) = w.keygen("alan", "rsa");
    w.write(
        "allowed_signers",
        &format!(
            "ada@example.org {ada_pub}\n\"grace@example.org\" namespaces=\"git,mentor-agree\" {grace_pub}\n*@example.org,!ada@* {alan_pub}\n"
        ),
    );
    w.sign("draft.toml", &["--role", "mentor", "--key", ada.to_str().unwrap()]).success();
    w.sign("draft.toml", &["--role", "mentee", "--key", grace.to_str().unwrap()]).success();
    w.sign("draft.toml", &["--role", "lead", "--key", alan.to_str().unwrap(), "--signer", "lead@example.org"])
        .success();
    let text = w.read("draft.toml");
    assert!(text.contains("sig = \"\"\"\n-----BEGIN SSH SIGNATURE-----\n"), "armored multi-line string:\n{text}");
    assert_eq!(w.check("draft.toml"), (0, vec![]));

    for (role, signer) in [("mentor", "ada@example.org"), ("mentee", "grace@example.org"), ("lead", "lead@example.org")]
    {
        let sig = signature_of(&text, role);
        assert_eq!(sig["signer"].as_str(), Some(signer));
        let sigfile = w.path(&format!("{role}.sig"));
        std::fs::write(&sigfile, sig["sig"].as_str().unwrap()).unwrap();
        let mut verify = Command::new("ssh-keygen")
            .args(["-Y", "verify", "-n", "mentor-agree", "-f"])
            .arg(w.path("allowed_signers"))
            .args(["-I", signer, "-s"])
            .arg(&sigfile)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        verify.stdin.take().unwrap().write_all(&w.terms("draft.toml")).unwrap();
        let out = verify.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "ssh-keygen -Y verify for {role}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Good \"mentor-agree\" signature"));
    }
}

#[test]
fn ssh_keygen_signature_pasted_into_the_file_is_accepted_by_check() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (key, public) = w.keygen("grace", "ed25519");
    w.write("allowed_signers", &format!("grace@example.org {public}\n"));
    let sig = w.ssh_keygen_sign("draft.toml", &key, "mentor-agree");
    w.paste_signature("draft.toml", "mentee", "Grace Hopper", "grace@example.org", &sig);
    assert_eq!(w.check("draft.toml"), (0, vec![]));
}

#[test]
fn tampered_terms_are_stale_and_unverified() {
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
    assert_eq!(w.check("draft.toml"), (1, vec!["signature-stale".into(), "signature-unverified".into()]));

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
    let sig = w.ssh_keygen_sign("draft.toml", &mallory, "mentor-agree");
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
    let sig = w.ssh_keygen_sign("draft.toml", &key, "git");
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
    let sig = w.ssh_keygen_sign("draft.toml", &key, "mentor-agree");
    w.paste_signature("draft.toml", "mentor", "Ada Lovelace", "ada@example.org", &sig);
    // The pasted signature is dated 2026-11-24.
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

#[test]
fn an_encrypted_key_without_a_terminal_points_to_ssh_agent() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let key = w.path("locked");
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "correct horse", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(ok.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    w.write("allowed_signers", &format!("ada@example.org {public}"));
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

#[test]
fn a_public_key_signs_through_ssh_agent() {
    if !common::have_tool("ssh-keygen", "-?") || !common::have_tool("ssh-agent", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (key, public) = w.keygen("ada", "ed25519");
    w.write("allowed_signers", &format!("ada@example.org {public}\n"));
    let socket = w.path("agent.sock");
    let mut agent = Command::new("ssh-agent").arg("-D").arg("-a").arg(&socket).stdout(Stdio::null()).spawn().unwrap();
    let started = std::time::Instant::now();
    while !socket.exists() && started.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let added = Command::new("ssh-add").arg(&key).env("SSH_AUTH_SOCK", &socket).output().unwrap();
    // The private key leaves the folder: only the agent can sign now.
    std::fs::remove_file(&key).unwrap();
    let a = cmd()
        .current_dir(w.dir.path())
        .env("SSH_AUTH_SOCK", &socket)
        .args(["sign", "draft.toml", "--role", "mentor", "--key", "ada.pub"])
        .assert();
    let _ = agent.kill();
    let _ = agent.wait();
    assert!(added.status.success(), "ssh-add: {}", String::from_utf8_lossy(&added.stderr));
    a.success();
    assert_eq!(w.check("draft.toml"), (0, vec![]));
}

#[test]
fn a_key_used_for_another_principal_is_untrusted() {
    if !common::have_tool("ssh-keygen", "-?") {
        return;
    }
    let w = Work::new("signing/ssh");
    let (ada, ada_pub) = w.keygen("ada", "ed25519");
    let (_, grace_pub) = w.keygen("grace", "ed25519");
    let draft = w.read("draft.toml");
    let sig = w.ssh_keygen_sign("draft.toml", &ada, "mentor-agree");
    for (signers, signer, why) in [
        // Ada's key, claimed as Grace's signature.
        (
            format!("ada@example.org {ada_pub}\ngrace@example.org {grace_pub}\n"),
            "grace@example.org",
            "not one of the keys",
        ),
        // A principal the file does not list at all.
        (format!("ada@example.org {ada_pub}\n"), "ada@example.com", "lists no key for \"ada@example.com\""),
        // A pattern that excludes the principal.
        (format!("*@example.org,!ada@example.org {ada_pub}\n"), "ada@example.org", "lists no key for"),
    ] {
        w.write("allowed_signers", &signers);
        w.write("draft.toml", &draft);
        w.paste_signature("draft.toml", "mentor", "Ada Lovelace", signer, &sig);
        assert_eq!(w.check("draft.toml"), (1, vec!["signature-untrusted".into()]), "{signers}");
        let out = cmd().current_dir(w.dir.path()).args(["check", "draft.toml"]).output().unwrap();
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains(why), "{signers}: {report}");
    }
}
