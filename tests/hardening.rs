//! Hostile and odd inputs: `check` always finishes with a complete report and exit 0/1.

mod common;

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
