//! Hostile and odd inputs: `check` always finishes with a complete report and exit 0/1.

use crate::common;

use std::fs;

use common::{cmd, example};
use serde_json::Value;

fn check_json(path: &std::path::Path) -> (i32, Value) {
    let out = cmd()
        .arg("check")
        .arg(path)
        .args(["--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{}: invalid JSON ({e}); stderr: {}", path.display(), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().expect("exited normally, not by a signal"), json)
}

#[test]
fn pathological_files_get_a_complete_report() {
    let dir = tempfile::tempdir().unwrap();
    let valid = fs::read_to_string(example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    let mut many_keys = String::from("format = 1\n");
    for i in 0..100_000 {
        many_keys.push_str(&format!("k{i} = {i}\n"));
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("deep-array.toml", format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
        ("deep-table.toml", format!("a = {}1{}", "{b=".repeat(50_000), "}".repeat(50_000)).into_bytes()),
        ("many-keys.toml", many_keys.into_bytes()),
        ("huge-string.toml", format!("format = 1\n[mentor]\nname = \"{}\"\n", "x".repeat(5_000_000)).into_bytes()),
        ("nul.toml", b"format = 1\n\0\n".to_vec()),
        ("invalid-utf8.toml", b"format = 1\n# \xc3\x28\n".to_vec()),
        ("bom.toml", [b"\xef\xbb\xbf".as_slice(), valid.as_bytes()].concat()),
        ("crlf.toml", valid.replace('\n', "\r\n").into_bytes()),
        ("only-comments.toml", b"# nothing here\n".to_vec()),
        ("huge-line.toml", format!("format = 1\nid = \"{}\"\n", "a".repeat(1_000_000)).into_bytes()),
    ];
    for (name, bytes) in &cases {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (status, json) = check_json(dir.path());
    assert_eq!(status, 1);
    assert_eq!(json["checked"], cases.len());
    let diags = json["diagnostics"].as_array().unwrap();
    let codes_for = |file: &str| -> Vec<String> {
        diags
            .iter()
            .filter(|d| d["file"].as_str().unwrap().ends_with(file))
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes_for("deep-array.toml"), vec!["toml-syntax"]);
    assert_eq!(codes_for("invalid-utf8.toml"), vec!["toml-syntax"]);
    // A NUL is a syntax error, reported (not an empty report that `all` would accept).
    let nul = codes_for("nul.toml");
    assert!(!nul.is_empty() && nul.iter().all(|c| c == "toml-syntax"), "{nul:?}");
    // A BOM and CRLF line endings change nothing: the signed example stays valid.
    assert_eq!(codes_for("bom.toml"), Vec::<String>::new());
    assert_eq!(codes_for("crlf.toml"), Vec::<String>::new());
    assert_eq!(codes_for("many-keys.toml").iter().filter(|c| *c == "unknown-key").count(), 100_000);
}

#[test]
fn crlf_files_report_clean_source_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(common::fixture("codes/bad-email/agreement.toml")).unwrap().replace('\n', "\r\n");
    fs::write(dir.path().join("a.toml"), text).unwrap();
    let out = cmd().arg("check").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains('\r'), "{stdout:?}");
    assert!(stdout.contains("email = \"grace@example\""), "{stdout}");
}

#[test]
fn ids_cannot_name_paths() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(example("2027-01-li-wei-sara-haddad.toml"))
        .unwrap()
        .replace("id = \"2027-01-li-wei-sara-haddad\"", "id = \"../../etc/x\"");
    fs::write(dir.path().join("a.toml"), text).unwrap();
    let (status, json) = check_json(dir.path());
    assert_eq!(status, 1);
    assert_eq!(json["diagnostics"][0]["code"], "bad-id");
}

/// With SSH signing, any shape of signature entry gets a complete report: never a
/// panic, never a signature that counts.
#[test]
fn ssh_signatures_of_any_shape_get_a_complete_report() {
    let dir = tempfile::tempdir().unwrap();
    let signed_dir = common::fixture("signing/signed-ssh");
    for name in ["program.toml", "allowed_signers"] {
        fs::copy(signed_dir.join(name), dir.path().join(name)).unwrap();
    }
    let signed = fs::read_to_string(signed_dir.join("agreements/2026-12-ada-lovelace-grace-hopper.toml")).unwrap();
    // The mentor's armored signature, to replace in each case.
    let start = signed.find("sig = \"\"\"").unwrap();
    let end = start + signed[start..].find("\"\"\"\n\n").unwrap() + 4;
    let mentor_sig = &signed[start..end];
    let body = mentor_sig.lines().nth(2).unwrap();
    let cases: Vec<(&str, String)> = vec![
        ("empty", "sig = \"\"\n".into()),
        ("not-armor", "sig = \"hello\"\n".into()),
        (
            "bad-base64",
            "sig = \"\"\"\n-----BEGIN SSH SIGNATURE-----\n!!!!\n-----END SSH SIGNATURE-----\n\"\"\"\n".into(),
        ),
        (
            "truncated",
            format!("sig = \"\"\"\n-----BEGIN SSH SIGNATURE-----\n{body}\n-----END SSH SIGNATURE-----\n\"\"\"\n"),
        ),
        (
            "huge",
            format!(
                "sig = \"\"\"\n-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----\n\"\"\"\n",
                "QUFB".repeat(250_000)
            ),
        ),
        ("wrong-type", "sig = 5\n".into()),
        ("nul-in-name", mentor_sig.to_string().replace("sig = ", "name = \"Ada\\u0000Lovelace\"\nsig = ")),
        ("empty-signer", mentor_sig.to_string().replace("sig = ", "signer = \"\"\nsig = ")),
    ];
    for (name, replacement) in &cases {
        let text = signed.replacen(mentor_sig, replacement, 1);
        // A second `name` or `signer` key in the entry is a TOML error: drop the originals.
        let text = if name.ends_with("name") {
            text.replacen("name = \"Ada Lovelace\"\ndate = 2026-11-20", "date = 2026-11-20", 1)
        } else if name.ends_with("signer") {
            text.replacen("signer = \"ada@example.org\"\n", "", 1)
        } else {
            text
        };
        fs::write(dir.path().join(format!("{name}.toml")), text).unwrap();
    }
    let (status, json) = check_json(dir.path());
    assert_eq!(status, 1);
    assert_eq!(json["checked"], cases.len());
    for (name, _) in &cases {
        let codes: Vec<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"].as_str().unwrap().ends_with(&format!("/{name}.toml")))
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(
            codes.iter().any(|c| ["signature-unverified", "signature-untrusted", "wrong-type"].contains(c)),
            "{name}: the mentor's signature must not count: {codes:?}"
        );
    }
}

/// Runs the binary with `args` under a kill-on-timeout bound (a hang is killed
/// and fails the test; no timing is asserted): (exit code, stdout, stderr).
fn run(args: &[&std::ffi::OsStr]) -> (i32, Vec<u8>, String) {
    let out = cmd().args(args).timeout(std::time::Duration::from_secs(120)).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    let code = out.status.code().unwrap_or_else(|| panic!("{args:?}: killed (a hang or a signal): {stderr}"));
    (code, out.stdout, stderr)
}

/// The fuzz corpus and generated hostile files (NUL, invalid UTF-8, deep nesting,
/// 1 MB strings, 10,000 evaluations and check-ins, CRLF, empty).
fn hostile_corpus(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let valid = fs::read_to_string(example("2026-09-maya-okafor-tomas-rivera.toml")).unwrap();
    let evaluations: String = (0..10_000)
        .map(|i| {
            format!(
                "\n[[evaluations]]\ndate = 2026-10-{:02}\nby = [\"mentor\", \"mentee\"]\nclosing = false\nworking = \"w{i}\"\nprogress = [{{ goal = 1, status = \"on-track\" }}]\n",
                i % 28 + 1
            )
        })
        .collect();
    let checkins: String =
        (0..10_000).map(|i| format!("\n[[checkins]]\ndate = 2026-10-{:02}\nby = \"mentee\"\n", i % 28 + 1)).collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("deep-array.toml", format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
        ("deep-table.toml", format!("a = {}1{}", "{b=".repeat(50_000), "}".repeat(50_000)).into_bytes()),
        ("nul.toml", b"format = 1\n\0\n".to_vec()),
        ("nul-inside.toml", valid.replace("[mentee]", "[ment\0ee]").into_bytes()),
        ("invalid-utf8.toml", [valid.as_bytes(), b"\n# \xc3\x28\n"].concat()),
        (
            "huge-name.toml",
            valid.replacen("name = \"Maya Okafor\"", &format!("name = \"{}\"", "M".repeat(1 << 20)), 1).into_bytes(),
        ),
        ("huge-goal.toml", valid.replacen("goal = \"", &format!("goal = \"{}", "g".repeat(1 << 20)), 1).into_bytes()),
        ("many-evaluations.toml", format!("{valid}{evaluations}").into_bytes()),
        ("many-checkins.toml", format!("{valid}{checkins}").into_bytes()),
        ("crlf.toml", valid.replace('\n', "\r\n").into_bytes()),
        ("empty.toml", Vec::new()),
    ];
    let mut files = Vec::new();
    for (name, bytes) in &cases {
        fs::write(dir.join(name), bytes).unwrap();
        files.push(dir.join(name));
    }
    for entry in fs::read_dir(common::fixture("fuzz")).unwrap() {
        let path = entry.unwrap().path();
        let copy = dir.join(format!("fuzz-{}", path.file_name().unwrap().to_string_lossy()));
        fs::copy(&path, &copy).unwrap();
        files.push(copy);
    }
    files
}

/// `agenda`, `report`, `diff`, `evaluate` and `check --fix` on every hostile
/// file: complete reports with the documented exit codes (agenda 0/1, report 0,
/// diff 0/2), and an edit that either goes through as an append (the original
/// bytes a prefix) or is refused (exit 1/2) with the file byte for byte as it was.
#[test]
fn the_new_commands_finish_cleanly_on_the_fuzz_corpus_and_hostile_files() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir(&corpus).unwrap();
    let files = hostile_corpus(&corpus);
    let os = |s: &str| std::ffi::OsString::from(s);

    // The whole folder at once: every file gets an item (the unreadable ones a `problems` item).
    let (code, stdout, stderr) = run(&[&os("agenda"), corpus.as_os_str(), &os("--format"), &os("json")]);
    assert_eq!(code, 1, "files with errors are actions: {stderr}");
    let items: Vec<Value> = serde_json::from_slice(&stdout).unwrap();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        assert!(items.iter().any(|i| i["file"].as_str().unwrap().ends_with(&*name)), "agenda: no item for {name}");
    }
    let (code, stdout, stderr) = run(&[&os("report"), corpus.as_os_str(), &os("--format"), &os("json")]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    let counted = report["agreements"].as_u64().unwrap();
    assert!((4..files.len() as u64).contains(&counted), "the readable agreements are counted: {counted}");
    for format in ["csv", "md", "table"] {
        let (code, stdout, stderr) = run(&[&os("report"), corpus.as_os_str(), &os("--format"), &os(format)]);
        assert_eq!(code, 0, "report --format {format}: {stderr}");
        assert!(!stdout.is_empty(), "report --format {format}");
    }

    let valid = example("2026-09-maya-okafor-tomas-rivera.toml");
    let work = dir.path().join("work.toml");
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = fs::read(file).unwrap();
        let readable = std::str::from_utf8(&bytes).is_ok_and(|t| t.parse::<toml::Table>().is_ok());

        let (code, _, stderr) = run(&[&os("agenda"), file.as_os_str(), &os("--format"), &os("json")]);
        assert!(matches!(code, 0 | 1), "agenda {name}: exit {code}: {stderr}");
        let (code, stdout, stderr) = run(&[&os("report"), file.as_os_str(), &os("--format"), &os("json")]);
        assert_eq!(code, 0, "report {name}: {stderr}");
        serde_json::from_slice::<Value>(&stdout).unwrap_or_else(|e| panic!("report {name}: {e}"));

        for (old, new) in [(valid.as_path(), file.as_path()), (file.as_path(), valid.as_path())] {
            let (code, stdout, stderr) =
                run(&[&os("diff"), old.as_os_str(), new.as_os_str(), &os("--format"), &os("json")]);
            assert!(matches!(code, 0 | 2), "diff {name}: exit {code}: {stderr}");
            if code == 0 {
                serde_json::from_slice::<Value>(&stdout).unwrap_or_else(|e| panic!("diff {name}: {e}"));
            } else {
                assert!(!readable, "diff {name}: a readable file is compared: {stderr}");
                assert!(stderr.contains("error"), "diff {name}: says why: {stderr}");
            }
        }

        fs::write(&work, &bytes).unwrap();
        let (code, _, stderr) = run(&[
            &os("evaluate"),
            work.as_os_str(),
            &os("--goal"),
            &os("1=on-track"),
            &os("--working"),
            &os("rhythm"),
        ]);
        let after = fs::read(&work).unwrap();
        match code {
            0 => {
                assert!(after.starts_with(&bytes), "evaluate {name}: the original bytes are kept as a prefix");
                assert!(String::from_utf8_lossy(&after[bytes.len()..]).contains("[[evaluations]]"), "evaluate {name}");
            }
            1 | 2 => assert_eq!(after, bytes, "evaluate {name}: a refused edit leaves the file byte-identical"),
            other => panic!("evaluate {name}: exit {other}: {stderr}"),
        }
        if !readable {
            assert_ne!(code, 0, "evaluate {name}: a file that is not TOML is refused");
        }

        fs::write(&work, &bytes).unwrap();
        let (code, _, stderr) = run(&[&os("check"), &os("--fix"), work.as_os_str()]);
        assert!(matches!(code, 0 | 1), "check --fix {name}: exit {code}: {stderr}");
        let after = fs::read(&work).unwrap();
        if !readable {
            assert_eq!(after, bytes, "check --fix {name}: a file it cannot read is left alone");
        } else if after != bytes {
            let text = String::from_utf8(after).unwrap();
            assert!(text.parse::<toml::Table>().is_ok(), "check --fix {name}: the fixed file is TOML");
        }
    }
}
