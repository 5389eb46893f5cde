//! OpenSSH `allowed_signers` files: parsing them, and deciding whether a key may
//! sign for a principal on a date (OpenSSH's pattern lists and options).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use ssh_key::{HashAlg, PublicKey};

use super::{NAMESPACE, SshError};
use crate::program::{Program, SignatureMethod};
use crate::rules::signatures::SshVerdict;

/// One line of an allowed_signers file.
#[derive(Debug, Clone)]
struct Entry {
    line: usize,
    principals: String,
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<NaiveDateTime>,
    valid_before: Option<NaiveDateTime>,
    key: PublicKey,
}

/// A parsed OpenSSH allowed_signers file: which keys may sign for which principals.
#[derive(Debug, Clone)]
pub struct AllowedSigners {
    path: PathBuf,
    entries: Vec<Entry>,
}

impl AllowedSigners {
    /// Parses allowed_signers text; `path` names the file in messages.
    pub fn parse(text: &str, path: &Path) -> Result<AllowedSigners, SshError> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |message: String| SshError::Signers { path: path.to_path_buf(), line, message };
            let rest = raw.trim_start_matches([' ', '\t', '\r']);
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            let (principals, rest) = take_field(rest).map_err(err)?;
            if principals.is_empty() {
                return Err(err("empty principals".into()));
            }
            let rest = rest.trim_start_matches([' ', '\t']);
            if rest.trim().is_empty() {
                return Err(err(format!("`{principals}` has no public key after it")));
            }
            let (options, key_text) = if looks_like_key(rest) {
                ("", rest)
            } else {
                let (options, after) = take_field(rest).map_err(err)?;
                (options, after.trim_start_matches([' ', '\t']))
            };
            if key_text.trim().is_empty() {
                return Err(err(format!("no public key after the options `{options}`")));
            }
            let key = PublicKey::from_openssh(key_text.trim_end())
                .map_err(|e| err(format!("not an OpenSSH public key ({e}): `{}`", abbreviate(key_text))))?;
            let mut entry = Entry {
                line,
                principals: principals.to_string(),
                cert_authority: false,
                namespaces: None,
                valid_after: None,
                valid_before: None,
                key,
            };
            for option in split_options(options).map_err(err)? {
                let (name, value) = match option.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (option, None),
                };
                let quoted = |v: Option<&str>| -> Result<String, SshError> {
                    let v = v.ok_or_else(|| err(format!("option `{name}` needs a value: {name}=\"…\"")))?;
                    v.strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .map(str::to_string)
                        .ok_or_else(|| err(format!("the value of `{name}` must be in double quotes: {name}=\"{v}\"")))
                };
                match name.to_ascii_lowercase().as_str() {
                    "cert-authority" if value.is_none() => entry.cert_authority = true,
                    "namespaces" => entry.namespaces = Some(quoted(value)?),
                    "valid-after" => entry.valid_after = Some(parse_time(&quoted(value)?).map_err(err)?),
                    "valid-before" => entry.valid_before = Some(parse_time(&quoted(value)?).map_err(err)?),
                    _ => {
                        return Err(err(format!(
                            "unknown option `{option}` (allowed_signers options are cert-authority, namespaces=\"…\", valid-after=\"…\" and valid-before=\"…\")"
                        )));
                    }
                }
            }
            entries.push(entry);
        }
        Ok(AllowedSigners { path: path.to_path_buf(), entries })
    }

    /// Reads and parses an allowed_signers file.
    pub fn load(path: &Path) -> Result<AllowedSigners, SshError> {
        let text = std::fs::read_to_string(path).map_err(|error| SshError::Read { path: path.to_path_buf(), error })?;
        AllowedSigners::parse(&text, path)
    }

    /// The file this was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of keys listed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no key is listed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `key` may sign for `principal` on `date`, as OpenSSH decides it: the
    /// first line whose principals match and whose key is `key`, with options that
    /// allow the `mentor-agree` namespace and that date.
    pub fn trust(&self, principal: &str, key: &ssh_key::public::KeyData, date: NaiveDate) -> SshVerdict {
        let file = self.path.display();
        let mut listed = false;
        let mut reasons = Vec::new();
        for e in &self.entries {
            if !match_pattern_list(principal, &e.principals) {
                continue;
            }
            listed = true;
            if e.key.key_data() != key {
                continue;
            }
            let at = format!("{file}:{}", e.line);
            if e.cert_authority {
                reasons.push(format!(
                    "{at} lists the key as a certificate authority, which vouches for certificates and does not sign itself (certificate signatures are not supported)"
                ));
                continue;
            }
            if let Some(ns) = &e.namespaces
                && !match_pattern_list(NAMESPACE, ns)
            {
                reasons.push(format!("{at} allows the key only for the namespaces \"{ns}\", not \"{NAMESPACE}\""));
                continue;
            }
            if let Some(after) = e.valid_after
                && date < after.date()
            {
                reasons.push(format!("{at} makes the key valid only from {after}, but it signed on {date}"));
                continue;
            }
            if let Some(before) = e.valid_before
                && (date > before.date() || (date == before.date() && before.time() == NaiveTime::MIN))
            {
                reasons.push(format!("{at} makes the key valid only before {before}, but it signed on {date}"));
                continue;
            }
            return SshVerdict::Valid;
        }
        let fingerprint = key.fingerprint(HashAlg::Sha256);
        SshVerdict::Untrusted(if !reasons.is_empty() {
            reasons.join("; ")
        } else if listed {
            format!("the signing key {fingerprint} is not one of the keys {file} lists for \"{principal}\"")
        } else {
            format!("{file} lists no key for \"{principal}\" (the signing key is {fingerprint})")
        })
    }
}

/// Loads each ssh program's allowed_signers file once, for runs over many files.
#[derive(Debug, Default)]
pub struct SignersCache {
    by_path: Mutex<HashMap<PathBuf, Arc<AllowedSigners>>>,
}

impl SignersCache {
    /// The allowed signers of `program`, or `None` when it does not sign with SSH keys.
    pub fn for_program(&self, program: &Program) -> Result<Option<Arc<AllowedSigners>>, SshError> {
        if program.rules.signatures.method != SignatureMethod::Ssh {
            return Ok(None);
        }
        let path = program.allowed_signers_path();
        let mut cache = self.by_path.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = cache.get(&path) {
            return Ok(Some(s.clone()));
        }
        let signers = Arc::new(load_for_program(program)?);
        cache.insert(path, signers.clone());
        Ok(Some(signers))
    }
}

/// Loads a program's allowed_signers file, explaining a missing one in terms of the program.
pub fn load_for_program(program: &Program) -> Result<AllowedSigners, SshError> {
    let path = program.allowed_signers_path();
    AllowedSigners::load(&path).map_err(|e| match e {
        SshError::Read { path, error } => SshError::MissingSigners {
            program: program.path.clone().unwrap_or_else(|| "(built-in)".into()),
            path,
            error,
        },
        other => other,
    })
}

/// Whether `text` starts with a public key algorithm name rather than options.
fn looks_like_key(text: &str) -> bool {
    let first = text.split([' ', '\t']).next().unwrap_or_default();
    ["ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-", "rsa-sha2-"].iter().any(|p| first.starts_with(p))
}

/// A whitespace-delimited field; double quotes group (including spaces) and are removed
/// when they enclose the whole field, as OpenSSH's `strdelimw` reads principals.
fn take_field(text: &str) -> Result<(&str, &str), String> {
    if let Some(inner) = text.strip_prefix('"') {
        let end = inner.find('"').ok_or("a quote that is never closed")?;
        return Ok((&inner[..end], &inner[end + 1..]));
    }
    let mut in_quotes = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ' ' | '\t' if !in_quotes => return Ok((&text[..i], &text[i..])),
            _ => {}
        }
    }
    if in_quotes { Err("a quote that is never closed".into()) } else { Ok((text, "")) }
}

/// Splits `a,b="x,y",c` on commas outside quotes.
fn split_options(options: &str) -> Result<Vec<&str>, String> {
    if options.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let (mut start, mut in_quotes) = (0, false);
    for (i, c) in options.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                out.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&options[start..]);
    if out.iter().any(|o| o.is_empty()) {
        return Err(format!("an empty option in `{options}`"));
    }
    Ok(out)
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, optionally followed by `Z`.
fn parse_time(s: &str) -> Result<NaiveDateTime, String> {
    let digits = s.strip_suffix(['Z', 'z']).unwrap_or(s);
    let bad = || format!("`{s}` is not a time of the form YYYYMMDD[HHMM[SS]][Z]");
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let parsed = match digits.len() {
        8 => NaiveDate::parse_from_str(digits, "%Y%m%d").map(|d| d.and_time(NaiveTime::MIN)),
        12 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M"),
        14 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S"),
        _ => return Err(bad()),
    };
    parsed.map_err(|_| bad())
}

/// OpenSSH's `match_pattern_list`: true when a pattern matches and no `!pattern` does.
fn match_pattern_list(s: &str, list: &str) -> bool {
    let mut matched = false;
    for pattern in list.split(',') {
        let pattern = pattern.trim();
        if let Some(negated) = pattern.strip_prefix('!') {
            if match_pattern(s, negated) {
                return false;
            }
        } else if match_pattern(s, pattern) {
            matched = true;
        }
    }
    matched
}

/// Glob match with `*` (any run) and `?` (one character).
fn match_pattern(s: &str, pattern: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let (mut si, mut pi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            si += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

fn abbreviate(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssh::public_line;
    use crate::ssh::test_support::{day, err, key, signers};

    #[test]
    fn patterns_follow_openssh() {
        assert!(match_pattern("ada@example.org", "*@example.org"));
        assert!(match_pattern("ada@example.org", "ad?@example.*"));
        assert!(match_pattern("ada", "*"));
        assert!(match_pattern("ada", "a*a*"));
        assert!(!match_pattern("ada@example.org", "*@example.com"));
        assert!(!match_pattern("ada", "a?"));
        assert!(match_pattern_list("ada@example.org", "bob@x,*@example.org"));
        assert!(!match_pattern_list("eve@example.org", "*@example.org,!eve@*"));
        assert!(!match_pattern_list("Ada@example.org", "ada@example.org"), "principals are case-sensitive");
    }

    #[test]
    fn parses_lines_with_comments_quotes_and_options() {
        let pk = public_line(&key(1));
        let text = format!(
            "# team keys\n\n  ada@example.org {pk} ada's laptop\n\"grace@example.org,lead@example.org\" namespaces=\"git,mentor-agree\",valid-after=\"20260101\",valid-before=\"20271231235959Z\" {pk}\n*@example.org CERT-AUTHORITY {pk}\n"
        );
        let s = signers(&text);
        assert_eq!(s.len(), 3);
        let e = &s.entries[1];
        assert_eq!(e.line, 4);
        assert_eq!(e.principals, "grace@example.org,lead@example.org");
        assert_eq!(e.namespaces.as_deref(), Some("git,mentor-agree"));
        assert_eq!(e.valid_after, Some(day("2026-01-01").and_time(NaiveTime::MIN)));
        assert_eq!(e.valid_before.unwrap().to_string(), "2027-12-31 23:59:59");
        assert!(s.entries[2].cert_authority);
        assert_eq!(s.entries[0].principals, "ada@example.org");
    }

    #[test]
    fn bad_lines_are_errors_with_their_line_number() {
        let pk = public_line(&key(1));
        let cases = [
            ("ada@example.org\n".to_string(), "allowed_signers:1: `ada@example.org` has no public key"),
            (
                "\nada@example.org ssh-ed25519 AAAAnotbase64!\n".to_string(),
                "allowed_signers:2: not an OpenSSH public key",
            ),
            (format!("ada@example.org expiry-time=\"20270101\" {pk}\n"), "unknown option `expiry-time=\"20270101\"`"),
            (format!("ada@example.org valid-before=20270101 {pk}\n"), "must be in double quotes"),
            (format!("ada@example.org valid-before=\"2027-01-01\" {pk}\n"), "not a time of the form YYYYMMDD"),
            (format!("ada@example.org valid-before=\"20271301\" {pk}\n"), "not a time of the form"),
            (format!("\"ada@example.org {pk}\n"), "allowed_signers:1: a quote that is never closed"),
            ("ada@example.org namespaces=\"git\"\n".to_string(), "no public key after the options"),
            (format!("ada@example.org namespaces=\"git\",,cert-authority {pk}\n"), "an empty option"),
        ];
        for (text, want) in cases {
            let got = err(&text);
            assert!(got.contains(want), "{text:?}: {got}");
        }
    }
}
