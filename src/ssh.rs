//! SSH signatures: SSHSIG over a signature statement, and OpenSSH `allowed_signers` files.
//!
//! A signature is what `ssh-keygen -Y sign -n mentor-agree` makes over the bytes
//! `mentor-agree terms FILE --statement ROLE` prints (the role, name, date and terms
//! digest, see [`crate::terms::statement`]); it verifies with `ssh-keygen -Y verify` against
//! the program's allowed_signers file, which has the format of OpenSSH's
//! `ALLOWED SIGNERS` (the file git's `gpg.ssh.allowedSignersFile` names):
//!
//! ```text
//! # principals          [options]                         key
//! ada@example.org       ssh-ed25519 AAAAC3Nza…
//! *@example.org,!eve@*  namespaces="mentor-agree,git"    ssh-ed25519 AAAAC3Nza…
//! grace@example.org     valid-before="20271231"           ecdsa-sha2-nistp256 AAAAE2Vj…
//! ```
//!
//! Principals are a comma-separated pattern list (`*` and `?` wildcards, `!` negates);
//! the options are `namespaces="…"`, `valid-after="…"`, `valid-before="…"` (times as
//! `YYYYMMDD[HHMM[SS]][Z]`) and `cert-authority`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use crate::program::{Program, SignatureMethod};
use crate::rules::signatures::{SshVerdict, SshVerifier};

/// The SSHSIG namespace of agreement signatures (`ssh-keygen -Y sign -n mentor-agree`).
pub const NAMESPACE: &str = "mentor-agree";

/// Why an SSH key or an allowed_signers file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SshError {
    /// A file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// An ssh program's allowed_signers file could not be read.
    #[error(
        "the program {} signs with SSH keys (rules.signatures.method = \"ssh\"), but its allowed_signers file {} cannot be read: {error}",
        program.display(),
        path.display()
    )]
    MissingSigners {
        /// The program.toml.
        program: PathBuf,
        /// The allowed_signers file it names.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// A line of an allowed_signers file is not valid.
    #[error("{}:{line}: {message}", path.display())]
    Signers {
        /// The allowed_signers file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A file is not a usable OpenSSH private key.
    #[error("{}: {message}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong, with a hint.
        message: String,
    },
    /// The key could not make a signature.
    #[error("cannot sign with {}: {error}", path.display())]
    Sign {
        /// The key file.
        path: PathBuf,
        /// Why.
        error: ssh_key::Error,
    },
}

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

impl SshVerifier for AllowedSigners {
    fn verify(&self, principal: &str, armored: &str, message: &[u8], date: NaiveDate) -> SshVerdict {
        let sig = match SshSig::from_pem(armored.trim()) {
            Ok(sig) => sig,
            Err(e) => return SshVerdict::Invalid(format!("`sig` is not an armored SSH signature ({e})")),
        };
        if sig.namespace() != NAMESPACE {
            return SshVerdict::Invalid(format!(
                "it was made for the namespace \"{}\", not \"{NAMESPACE}\" (sign with `ssh-keygen -Y sign -n {NAMESPACE}`)",
                sig.namespace()
            ));
        }
        let signer = PublicKey::new(sig.public_key().clone(), "");
        if let Err(e) = signer.verify(NAMESPACE, message, &sig) {
            return match e {
                ssh_key::Error::Crypto => SshVerdict::Mismatch,
                other => SshVerdict::Invalid(format!("it cannot be checked ({other})")),
            };
        }
        self.trust(principal, sig.public_key(), date)
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

/// A key to sign with: a private key file, or a public key file whose private half
/// ssh-agent holds.
#[derive(Debug)]
pub enum SigningKey {
    /// An OpenSSH private key, read (and decrypted) in-process.
    File {
        /// The key file.
        path: PathBuf,
        /// The key.
        key: Box<PrivateKey>,
    },
    /// A public key; `ssh-keygen -Y sign -f PATH` signs with the matching ssh-agent identity.
    Agent {
        /// The public key file.
        path: PathBuf,
        /// The key.
        key: PublicKey,
    },
}

impl SigningKey {
    /// Opens `path`: a public key (`*.pub`) means "the ssh-agent identity for this key";
    /// anything else must be an OpenSSH private key. `passphrase` is asked for only when
    /// the private key is encrypted.
    pub fn open<E: std::fmt::Display>(
        path: &Path,
        passphrase: impl FnOnce() -> Result<String, E>,
    ) -> Result<SigningKey, SshError> {
        let text = std::fs::read_to_string(path).map_err(|error| SshError::Read { path: path.to_path_buf(), error })?;
        if let Ok(key) = PublicKey::from_openssh(text.trim()) {
            return Ok(SigningKey::Agent { path: path.to_path_buf(), key });
        }
        let key = load_private_key_text(path, &text, passphrase)?;
        Ok(SigningKey::File { path: path.to_path_buf(), key: Box::new(key) })
    }

    /// The public key that signatures by this key carry.
    pub fn public_key(&self) -> &ssh_key::public::KeyData {
        match self {
            SigningKey::File { key, .. } => key.public_key().key_data(),
            SigningKey::Agent { key, .. } => key.key_data(),
        }
    }

    /// Signs `message` (a signature statement) with namespace `mentor-agree`, armored as
    /// `ssh-keygen -Y sign` writes it (SHA-512, lines of 70 characters), ending in a newline.
    pub fn sign(&self, message: &[u8]) -> Result<String, SshError> {
        match self {
            SigningKey::File { path, key } => sign(key, path, message),
            SigningKey::Agent { path, key } => sign_with_agent(path, key, message),
        }
    }
}

/// Reads an OpenSSH private key file; `passphrase` is asked for only when the key is encrypted.
pub fn load_private_key<E: std::fmt::Display>(
    path: &Path,
    passphrase: impl FnOnce() -> Result<String, E>,
) -> Result<PrivateKey, SshError> {
    let text = std::fs::read_to_string(path).map_err(|error| SshError::Read { path: path.to_path_buf(), error })?;
    load_private_key_text(path, &text, passphrase)
}

fn load_private_key_text<E: std::fmt::Display>(
    path: &Path,
    text: &str,
    passphrase: impl FnOnce() -> Result<String, E>,
) -> Result<PrivateKey, SshError> {
    let key_err = |message: String| SshError::Key { path: path.to_path_buf(), message };
    let key = match PrivateKey::from_openssh(text.trim()) {
        Ok(key) => key,
        Err(e) => {
            let hint = if text.contains("-----BEGIN") && !text.contains("OPENSSH PRIVATE KEY") {
                "not in OpenSSH format; convert a copy with `ssh-keygen -p -f COPY`, which rewrites it as an OpenSSH key"
                    .to_string()
            } else {
                format!("not an OpenSSH private or public key ({e})")
            };
            return Err(key_err(hint));
        }
    };
    if !key.is_encrypted() {
        return Ok(key);
    }
    let pass = passphrase().map_err(|e| key_err(format!("the key is protected by a passphrase: {e}")))?;
    key.decrypt(pass.as_bytes()).map_err(|e| match e {
        ssh_key::Error::Crypto => key_err("wrong passphrase".into()),
        other => key_err(format!("cannot decrypt the key ({other})")),
    })
}

/// Signs `message` with namespace `mentor-agree`, armored as `ssh-keygen -Y sign` writes it
/// (SHA-512, lines of 70 characters, LF, a final newline).
pub fn sign(key: &PrivateKey, key_path: &Path, message: &[u8]) -> Result<String, SshError> {
    let sign_err = |error| SshError::Sign { path: key_path.to_path_buf(), error };
    let sig = match key.key_data() {
        ssh_key::private::KeypairData::Rsa(rsa_key) => sign_rsa(rsa_key, message),
        _ => key.sign(NAMESPACE, HashAlg::Sha512, message),
    }
    .map_err(sign_err)?;
    let pem = sig.to_pem(LineEnding::LF).map_err(sign_err)?;
    Ok(format!("{}\n", pem.trim_end()))
}

/// RSA SSHSIG (`rsa-sha2-512`, PKCS#1 v1.5) made with the `rsa` crate directly: ssh-key
/// 0.6.7 builds the RSA private key from the wrong primes (p twice instead of p and q),
/// so its own RSA signing always fails.
fn sign_rsa(key: &ssh_key::private::RsaKeypair, message: &[u8]) -> Result<SshSig, ssh_key::Error> {
    use rsa::signature::{SignatureEncoding as _, Signer as _};
    let int = |m: &ssh_key::Mpint| m.as_positive_bytes().map(rsa::BigUint::from_bytes_be).ok_or(ssh_key::Error::Crypto);
    let private = rsa::RsaPrivateKey::from_components(
        int(&key.public.n)?,
        int(&key.public.e)?,
        int(&key.private.d)?,
        vec![int(&key.private.p)?, int(&key.private.q)?],
    )
    .map_err(|_| ssh_key::Error::Crypto)?;
    let signer = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha512>::new(private);
    let signed_data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message)?;
    let bytes = signer.try_sign(&signed_data).map_err(|_| ssh_key::Error::Crypto)?.to_vec();
    let signature = ssh_key::Signature::new(ssh_key::Algorithm::Rsa { hash: Some(HashAlg::Sha512) }, bytes)?;
    let public = ssh_key::public::KeyData::Rsa(key.public.clone());
    SshSig::new(public, NAMESPACE, HashAlg::Sha512, signature)
}

/// Signs through ssh-agent: `ssh-keygen -Y sign -n mentor-agree -f PUBLIC_KEY` with the
/// message on stdin, then checks the result in-process.
fn sign_with_agent(path: &Path, key: &PublicKey, message: &[u8]) -> Result<String, SshError> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let key_err = |message: String| SshError::Key { path: path.to_path_buf(), message };
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            key_err(format!(
                "a public key means \"sign with ssh-agent\", which runs `ssh-keygen -Y sign`, and it could not be started ({e}); pass the private key file instead"
            ))
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(message).map_err(|e| key_err(format!("cannot pass the statement to ssh-keygen ({e})")))?;
    }
    let out = child.wait_with_output().map_err(|e| key_err(format!("ssh-keygen failed ({e})")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(key_err(format!(
            "ssh-keygen -Y sign could not sign with the ssh-agent identity of this public key: {} (is it loaded? see `ssh-add -l`)",
            stderr.trim()
        )));
    }
    let armored = String::from_utf8_lossy(&out.stdout).into_owned();
    let sig = SshSig::from_pem(armored.trim())
        .map_err(|e| key_err(format!("ssh-keygen printed something that is not a signature ({e})")))?;
    key.verify(NAMESPACE, message, &sig)
        .map_err(|e| key_err(format!("the signature ssh-agent made does not verify ({e})")))?;
    Ok(format!("{}\n", armored.trim_end()))
}

/// The public half of a key in `authorized_keys`/`allowed_signers` form (`ssh-ed25519 AAAA…`), without comment.
pub fn public_line(key: &PrivateKey) -> String {
    PublicKey::new(key.public_key().key_data().clone(), "").to_openssh().unwrap_or_default()
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

    // Fixed test-only keys (never used for anything real): made with ssh-key from fixed seeds.
    fn key(seed: u8) -> PrivateKey {
        let kp = ssh_key::private::Ed25519Keypair::from_seed(&[seed; 32]);
        PrivateKey::new(ssh_key::private::KeypairData::Ed25519(kp), "").unwrap()
    }

    fn signers(text: &str) -> AllowedSigners {
        AllowedSigners::parse(text, Path::new("allowed_signers")).unwrap()
    }

    fn err(text: &str) -> String {
        AllowedSigners::parse(text, Path::new("allowed_signers")).unwrap_err().to_string()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TERMS: &[u8] = br#"{"format":1}"#;

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

    #[test]
    fn verifies_valid_signatures_for_listed_principals() {
        let k = key(1);
        let armored = sign(&k, Path::new("k"), TERMS).unwrap();
        assert!(armored.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
        let s = signers(&format!("*@example.org,!eve@example.org {}\n", public_line(&k)));
        assert_eq!(s.verify("ada@example.org", &armored, TERMS, day("2026-11-25")), SshVerdict::Valid);
        match s.verify("eve@example.org", &armored, TERMS, day("2026-11-25")) {
            SshVerdict::Untrusted(why) => assert!(why.contains("lists no key for \"eve@example.org\""), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn altered_terms_or_armor_are_invalid() {
        let k = key(1);
        let armored = sign(&k, Path::new("k"), TERMS).unwrap();
        let s = signers(&format!("ada@example.org {}\n", public_line(&k)));
        let d = day("2026-11-25");
        assert_eq!(s.verify("ada@example.org", &armored, br#"{"format":2}"#, d), SshVerdict::Mismatch);
        assert!(
            matches!(s.verify("ada@example.org", "hello", TERMS, d), SshVerdict::Invalid(w) if w.contains("not an armored SSH signature"))
        );
        let other_ns = k.sign("git", HashAlg::Sha512, TERMS).unwrap().to_pem(LineEnding::LF).unwrap();
        assert!(
            matches!(s.verify("ada@example.org", &other_ns, TERMS, d), SshVerdict::Invalid(w) if w.contains("namespace \"git\""))
        );
    }

    #[test]
    fn keys_not_listed_for_the_principal_are_untrusted() {
        let (ada, mallory) = (key(1), key(2));
        let armored = sign(&mallory, Path::new("k"), TERMS).unwrap();
        let s =
            signers(&format!("ada@example.org {}\nmallory@example.org {}\n", public_line(&ada), public_line(&mallory)));
        match s.verify("ada@example.org", &armored, TERMS, day("2026-11-25")) {
            SshVerdict::Untrusted(why) => assert!(why.contains("not one of the keys"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn options_limit_namespace_and_dates() {
        let k = key(1);
        let pk = public_line(&k);
        let armored = sign(&k, Path::new("k"), TERMS).unwrap();
        let verdict = |opts: &str, date: &str| {
            signers(&format!("ada@example.org {opts} {pk}\n")).verify("ada@example.org", &armored, TERMS, day(date))
        };
        assert_eq!(verdict("namespaces=\"git,mentor-*\"", "2026-11-25"), SshVerdict::Valid);
        assert!(
            matches!(verdict("namespaces=\"git\"", "2026-11-25"), SshVerdict::Untrusted(w) if w.contains("allowed_signers:1") && w.contains("namespaces \"git\""))
        );
        assert_eq!(verdict("valid-after=\"20261125\"", "2026-11-25"), SshVerdict::Valid);
        assert!(
            matches!(verdict("valid-after=\"20261126\"", "2026-11-25"), SshVerdict::Untrusted(w) if w.contains("valid only from"))
        );
        assert_eq!(verdict("valid-before=\"20261126\"", "2026-11-25"), SshVerdict::Valid);
        assert_eq!(verdict("valid-before=\"202611251200\"", "2026-11-25"), SshVerdict::Valid);
        assert!(
            matches!(verdict("valid-before=\"20261125\"", "2026-11-25"), SshVerdict::Untrusted(w) if w.contains("valid only before"))
        );
        assert!(matches!(verdict("valid-before=\"20260101\"", "2026-11-25"), SshVerdict::Untrusted(_)));
        assert!(
            matches!(verdict("cert-authority", "2026-11-25"), SshVerdict::Untrusted(w) if w.contains("certificate authority"))
        );
    }

    #[test]
    fn a_later_line_can_trust_what_an_earlier_one_does_not() {
        let k = key(1);
        let pk = public_line(&k);
        let armored = sign(&k, Path::new("k"), TERMS).unwrap();
        let s = signers(&format!("ada@example.org valid-before=\"20250101\" {pk}\nada@example.org {pk}\n"));
        assert_eq!(s.verify("ada@example.org", &armored, TERMS, day("2026-11-25")), SshVerdict::Valid);
    }
}
