//! Feedback forms (docs/feedback.md): the answers a respondent gives to one of
//! the program's `[[forms]]`, the `team` answers sealed with age to the program
//! team's keys, and reading them back with a team key.
//!
//! Sealing and unsealing use the `age` crate (rage's library): nothing here is
//! hand-made cryptography. Checking a file never unseals (see [`crate::rules`]);
//! only [`unseal`], given an identity, does. Nothing here reads the clock or a
//! terminal: a passphrase is asked through the caller's function.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{Days, NaiveDate};

use crate::facts::derived::Derived;
use crate::format::agreement::{Agreement, AnswerValue};
use crate::program::{Form, FormMoment, FormWhen, Question, QuestionKind, Visibility};

/// The first line of every sealed block.
pub const ARMOR_BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";

/// Why keys could not be used, or a block not sealed.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// A key file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The program has `team` questions but no recipients file.
    #[error("the program names no [program] team_recipients, so `team` answers cannot be sealed")]
    NoTeamRecipients,
    /// A line of the recipients file is not a key age can encrypt to.
    #[error("{}:{line}: not an SSH public key or age recipient age can encrypt to ({reason})", path.display())]
    BadRecipient {
        /// The recipients file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What age said.
        reason: String,
    },
    /// The recipients file lists no key.
    #[error("{} lists no public key: add the program team's SSH or age public keys, one a line", path.display())]
    NoRecipients {
        /// The recipients file.
        path: PathBuf,
    },
    /// The identity file is not a private key age can use.
    #[error("{}: not a private key mentor-agree can decrypt with ({reason})", path.display())]
    BadIdentity {
        /// The key file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The key is protected by a passphrase and none could be asked for.
    #[error("{} is protected by a passphrase, and there is no terminal to ask for it", path.display())]
    NeedsPassphrase {
        /// The key file.
        path: PathBuf,
    },
    /// The passphrase did not open the key.
    #[error("the passphrase does not open {}", path.display())]
    WrongPassphrase {
        /// The key file.
        path: PathBuf,
    },
    /// age could not encrypt.
    #[error("cannot seal the team answers: {0}")]
    Seal(String),
}

/// A public key the team answers are encrypted to.
pub type Recipient = Box<dyn age::Recipient + Send>;
/// A private key that may decrypt team answers.
pub type Identity = Box<dyn age::Identity + Send + Sync>;

/// Reads a recipients file: one key a line, as in `authorized_keys` (options
/// before the key type are skipped, comments after the key ignored) or age
/// `age1…` recipients; blank lines and `#` comments skipped.
pub fn load_recipients(path: &Path) -> Result<Vec<Recipient>, FeedbackError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| FeedbackError::Read { path: path.to_path_buf(), source })?;
    parse_recipients(&text, path)
}

/// [`load_recipients`] on text already read; `path` names it in messages.
fn parse_recipients(text: &str, path: &Path) -> Result<Vec<Recipient>, FeedbackError> {
    let mut out: Vec<Recipient> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |reason: String| FeedbackError::BadRecipient { path: path.to_path_buf(), line: i + 1, reason };
        if line.starts_with("age1") {
            let key = line.split_whitespace().next().unwrap_or(line);
            let r = age::x25519::Recipient::from_str(key).map_err(|e| bad(e.to_string()))?;
            out.push(Box::new(r));
            continue;
        }
        // authorized_keys: `[options] type base64 [comment]`.
        let at = line
            .split_whitespace()
            .position(|w| w.starts_with("ssh-"))
            .and_then(|k| line.split_whitespace().nth(k))
            .and_then(|w| line.find(w));
        let Some(at) = at else { return Err(bad("no ssh-ed25519 or ssh-rsa key on the line".into())) };
        let r = age::ssh::Recipient::from_str(&line[at..]).map_err(|e| bad(format!("{e:?}")))?;
        out.push(Box::new(r));
    }
    if out.is_empty() {
        return Err(FeedbackError::NoRecipients { path: path.to_path_buf() });
    }
    Ok(out)
}

/// Reads a private key: an OpenSSH ed25519 or RSA key (passphrase-protected
/// ones opened with what `passphrase` returns when asked, `None` when it cannot
/// ask), or an age identity file (`AGE-SECRET-KEY-…` lines).
pub fn load_identities(
    path: &Path,
    passphrase: &mut dyn FnMut(&str) -> Option<String>,
) -> Result<Vec<Identity>, FeedbackError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| FeedbackError::Read { path: path.to_path_buf(), source })?;
    let bad = |reason: String| FeedbackError::BadIdentity { path: path.to_path_buf(), reason };
    if text.contains("AGE-SECRET-KEY-") {
        let file = age::IdentityFile::from_buffer(text.as_bytes()).map_err(|e| bad(e.to_string()))?;
        return file.into_identities().map_err(|e| bad(e.to_string()));
    }
    let shown = path.display().to_string();
    let identity = age::ssh::Identity::from_buffer(text.as_bytes(), Some(shown.clone()))
        .map_err(|_| bad("expected an OpenSSH private key or an age identity file".into()))?;
    match identity {
        age::ssh::Identity::Unencrypted(_) => Ok(vec![Box::new(identity)]),
        age::ssh::Identity::Encrypted(key) => {
            let Some(p) = passphrase(&format!("Passphrase for {shown}")) else {
                return Err(FeedbackError::NeedsPassphrase { path: path.to_path_buf() });
            };
            let open = key
                .decrypt(age::secrecy::SecretString::from(p))
                .map_err(|_| FeedbackError::WrongPassphrase { path: path.to_path_buf() })?;
            Ok(vec![Box::new(age::ssh::Identity::from(open))])
        }
        age::ssh::Identity::Unsupported(_) => {
            Err(bad("an SSH key type age does not decrypt with; use ed25519 or RSA".into()))
        }
    }
}

/// Encrypts `plaintext` to every recipient, ASCII-armored (ending in a newline).
pub fn seal(plaintext: &str, recipients: &[Recipient]) -> Result<String, FeedbackError> {
    use age::armor::{ArmoredWriter, Format};
    let fail = |e: &dyn std::fmt::Display| FeedbackError::Seal(e.to_string());
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient))
        .map_err(|e| fail(&e))?;
    let mut out = Vec::with_capacity(plaintext.len() * 2 + 512);
    let armor = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor).map_err(|e| fail(&e))?;
    let mut w = encryptor.wrap_output(armor).map_err(|e| fail(&e))?;
    w.write_all(plaintext.as_bytes()).map_err(|e| fail(&e))?;
    w.finish().and_then(|a| a.finish()).map_err(|e| fail(&e))?;
    String::from_utf8(out).map_err(|e| fail(&e))
}

/// What unsealing one block gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Unsealed {
    /// The team answers, as the table that was sealed.
    Answers(toml::Table),
    /// None of the identities is a recipient of this block.
    NotForThisKey,
    /// The block is damaged or not an age block.
    Damaged(String),
}

/// Decrypts an armored block with any of `identities`.
pub fn unseal(armored: &str, identities: &[Identity]) -> Unsealed {
    use age::armor::ArmoredReader;
    let decryptor = match age::Decryptor::new_buffered(ArmoredReader::new(armored.trim_start().as_bytes())) {
        Ok(d) => d,
        Err(e) => return Unsealed::Damaged(e.to_string()),
    };
    let mut reader = match decryptor.decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity)) {
        Ok(r) => r,
        Err(age::DecryptError::NoMatchingKeys) => return Unsealed::NotForThisKey,
        Err(e) => return Unsealed::Damaged(e.to_string()),
    };
    let mut plain = String::new();
    if let Err(e) = reader.read_to_string(&mut plain) {
        return Unsealed::Damaged(e.to_string());
    }
    match plain.parse::<toml::Table>() {
        Ok(t) => Unsealed::Answers(t),
        Err(e) => Unsealed::Damaged(format!("the sealed answers are not a TOML table: {}", e.message())),
    }
}

/// The values a question allows, in words ("1, 2, 3, 4 or 5").
pub fn allowed(q: &Question) -> String {
    match q.kind {
        QuestionKind::Scale => "a whole number from 1 to 5".to_string(),
        QuestionKind::YesNo => "yes or no".to_string(),
        QuestionKind::Choice => {
            let quoted: Vec<String> = q.choices.iter().map(|c| format!("\"{c}\"")).collect();
            format!("one of {}", quoted.join(", "))
        }
        QuestionKind::Text => "some text".to_string(),
    }
}

/// Reads a typed answer (`--answer Q=VALUE`, or at the prompt) as the question's kind.
pub fn parse_answer(q: &Question, raw: &str) -> Result<AnswerValue, String> {
    let raw = raw.trim();
    // A confidential answer is not repeated back (the message may end up in a log).
    let refuse = || match q.visibility {
        Visibility::Pair => format!("`{}` takes {}; \"{raw}\" is not one", q.id, allowed(q)),
        Visibility::Team => format!("`{}` takes {}; the answer given is not one", q.id, allowed(q)),
    };
    let v = match q.kind {
        QuestionKind::Scale => AnswerValue::Integer(raw.parse::<i64>().map_err(|_| refuse())?),
        QuestionKind::YesNo => match raw.to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" => AnswerValue::Boolean(true),
            "no" | "n" | "false" => AnswerValue::Boolean(false),
            _ => return Err(refuse()),
        },
        QuestionKind::Choice => match q.choices.iter().find(|c| c.as_str() == raw || c.eq_ignore_ascii_case(raw)) {
            Some(c) => AnswerValue::Text(c.clone()),
            None => return Err(refuse()),
        },
        QuestionKind::Text => AnswerValue::Text(raw.to_string()),
    };
    fits(q, &v).map_err(|_| refuse())?;
    Ok(v)
}

/// Whether a value fits the question; `Err` says what it takes.
pub fn fits(q: &Question, v: &AnswerValue) -> Result<(), String> {
    let ok = match (q.kind, v) {
        (QuestionKind::Scale, AnswerValue::Integer(n)) => (1..=5).contains(n),
        (QuestionKind::YesNo, AnswerValue::Boolean(_)) => true,
        (QuestionKind::Choice, AnswerValue::Text(s)) => q.choices.contains(s),
        (QuestionKind::Text, AnswerValue::Text(s)) => !s.trim().is_empty(),
        _ => false,
    };
    if ok { Ok(()) } else { Err(allowed(q)) }
}

/// An answer as a TOML value (for the sealed table and the record).
pub fn to_toml(v: &AnswerValue) -> toml::Value {
    match v {
        AnswerValue::Integer(n) => toml::Value::Integer(*n),
        AnswerValue::Boolean(b) => toml::Value::Boolean(*b),
        AnswerValue::Text(s) => toml::Value::String(s.clone()),
        AnswerValue::Other(what) => toml::Value::String((*what).to_string()),
    }
}

/// A TOML value read from a sealed table, as an answer.
pub fn from_toml(v: &toml::Value) -> AnswerValue {
    match v {
        toml::Value::Integer(n) => AnswerValue::Integer(*n),
        toml::Value::Boolean(b) => AnswerValue::Boolean(*b),
        toml::Value::String(s) => AnswerValue::Text(s.clone()),
        toml::Value::Float(_) => AnswerValue::Other("a float"),
        toml::Value::Datetime(_) => AnswerValue::Other("a date-time"),
        toml::Value::Array(_) => AnswerValue::Other("an array"),
        toml::Value::Table(_) => AnswerValue::Other("a table"),
    }
}

/// An answer for people: numbers as written, yes/no, text as is.
pub fn shown(v: &AnswerValue) -> String {
    match v {
        AnswerValue::Integer(n) => n.to_string(),
        AnswerValue::Boolean(true) => "yes".into(),
        AnswerValue::Boolean(false) => "no".into(),
        AnswerValue::Text(s) => s.clone(),
        AnswerValue::Other(what) => format!("({what})"),
    }
}

/// A respondent's answers, to record: what `mentor-agree feedback` appends.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeedback {
    /// Day answered.
    pub date: NaiveDate,
    /// The form's id.
    pub form: String,
    /// Who answered, as written in files.
    pub by: &'static str,
    /// (question id, visibility, answer), in the form's order.
    pub answers: Vec<(String, Visibility, AnswerValue)>,
}

impl NewFeedback {
    /// The `team` answers as the TOML text that is sealed; `None` when there are none.
    pub fn team_plaintext(&self) -> Option<String> {
        let t: toml::Table = self
            .answers
            .iter()
            .filter(|(_, v, _)| *v == Visibility::Team)
            .map(|(id, _, a)| (id.clone(), to_toml(a)))
            .collect();
        if t.is_empty() { None } else { toml::to_string(&t).ok() }
    }
}

/// A sealed block as the value of `sealed`. Armor is base64, dashes and spaces:
/// a multi-line literal string holds it as it is, and reads faster than a basic
/// one (no escapes to look for).
pub fn sealed_value(block: &str) -> toml_edit::Value {
    let block = block.trim_end();
    let repr = format!("'''\n{block}'''");
    repr.parse().ok().filter(|_| !block.contains("'''")).unwrap_or_else(|| toml_edit::Value::from(block))
}

/// What re-sealing one file did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Blocks opened and sealed again to the current recipients.
    pub resealed: usize,
    /// Blocks the identities do not open: left as they were.
    pub not_for_key: usize,
    /// Blocks that are not readable age blocks: left as they were.
    pub damaged: usize,
}

/// Seals every `[[feedback]]` block of `doc` that `identities` open again, to
/// `recipients` (after a change of team: see docs/feedback.md). The answers
/// are unchanged; a block the identities do not open is left as it was.
pub fn reseal(
    doc: &mut toml_edit::DocumentMut,
    identities: &[Identity],
    recipients: &[Recipient],
) -> Result<Resealed, FeedbackError> {
    let mut out = Resealed::default();
    let Some(list) = doc.get_mut("feedback").and_then(|i| i.as_array_of_tables_mut()) else { return Ok(out) };
    for t in list.iter_mut() {
        let Some(block) = t.get("sealed").and_then(|v| v.as_str()).map(str::to_string) else { continue };
        match unseal(&block, identities) {
            Unsealed::Answers(answers) => {
                let plain = toml::to_string(&answers).map_err(|e| FeedbackError::Seal(e.to_string()))?;
                t.insert("sealed", toml_edit::Item::Value(sealed_value(&seal(&plain, recipients)?)));
                out.resealed += 1;
            }
            Unsealed::NotForThisKey => out.not_for_key += 1,
            Unsealed::Damaged(_) => out.damaged += 1,
        }
    }
    Ok(out)
}

/// The days a form is due from for an agreement: each planned checkpoint, the
/// last day, or start + N days. Empty without the dates it needs.
pub fn moments(form: &Form, d: &Derived) -> Vec<NaiveDate> {
    match form.when {
        FormWhen::Moment(FormMoment::Checkpoints) => d.review_dates.clone(),
        FormWhen::Moment(FormMoment::End) => d.last_day.into_iter().collect(),
        FormWhen::After(a) => {
            d.start.and_then(|s| s.checked_add_days(Days::new(u64::from(a.after_days)))).into_iter().collect()
        }
    }
}

/// The moment (index into `moments`) a record dated `date` answers: the
/// latest moment on or before it, or the first when it comes before all of them
/// (an early answer).
pub fn moment_of(moments: &[NaiveDate], date: NaiveDate) -> Option<usize> {
    if moments.is_empty() {
        return None;
    }
    Some(moments.iter().rposition(|m| *m <= date).unwrap_or(0))
}

/// One form moment a respondent has not answered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The form's id.
    pub form: String,
    /// The form's title (its id when it has none).
    pub title: String,
    /// Who must answer.
    pub respondent: crate::format::role::Role,
    /// The moment it is due from.
    pub from: NaiveDate,
    /// The day it should be answered by (`from` + due_days).
    pub by: NaiveDate,
}

/// Every form moment, up to `until`, that a respondent has not answered.
pub fn unanswered(forms: &[Form], a: &Agreement, d: &Derived, until: NaiveDate) -> Vec<Due> {
    let mut out = Vec::new();
    for form in forms {
        let ms = moments(form, d);
        for role in &form.respondents {
            let mut answered = vec![false; ms.len()];
            for f in &a.feedback {
                let mine = f.form.as_ref().is_some_and(|x| x.value == form.id)
                    && f.by.as_ref().is_some_and(|b| b.value == role.as_str());
                if let (true, Some(date)) = (mine, &f.date)
                    && let Some(k) = moment_of(&ms, date.value)
                {
                    answered[k] = true;
                }
            }
            for (k, m) in ms.iter().enumerate() {
                if !answered[k] && *m <= until {
                    let by = m.checked_add_days(Days::new(u64::from(form.due_days))).unwrap_or(*m);
                    let title = if form.title.is_empty() { form.id.clone() } else { form.title.clone() };
                    out.push(Due { form: form.id.clone(), title, respondent: *role, from: *m, by });
                }
            }
        }
    }
    out
}

/// One record as the team reads it: every answer, `team` ones decrypted when a key opens them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadRecord {
    /// The agreement's id.
    pub agreement: String,
    /// Day answered.
    pub date: Option<NaiveDate>,
    /// The form's id.
    pub form: String,
    /// Who answered.
    pub by: String,
    /// (question id, answer) in plain text.
    pub pair: Vec<(String, AnswerValue)>,
    /// The sealed answers: `None` when the record has none.
    pub team: Option<Unsealed>,
}

/// Every `[[feedback]]` record of `a`, `team` answers unsealed with `identities`.
pub fn read(agreement_id: &str, a: &Agreement, identities: &[Identity]) -> Vec<ReadRecord> {
    a.feedback
        .iter()
        .map(|f| ReadRecord {
            agreement: agreement_id.to_string(),
            date: f.date.as_ref().map(|d| d.value),
            form: f.form.as_ref().map_or_else(String::new, |x| x.value.clone()),
            by: f.by.as_ref().map_or_else(String::new, |x| x.value.clone()),
            pair: f.answers.iter().map(|x| (x.question.value.clone(), x.value.value.clone())).collect(),
            team: f.sealed.as_ref().map(|s| unseal(&s.value, identities)),
        })
        .collect()
}

/// A record as text, for the team's terminal.
pub fn read_text(r: &ReadRecord) -> String {
    use std::fmt::Write as _;
    let date = r.date.map_or_else(|| "?".to_string(), crate::text::ymd);
    let mut out = format!("{} · {date} · form \"{}\" · by {}\n", r.agreement, r.form, r.by);
    for (q, v) in &r.pair {
        let _ = writeln!(out, "  {q} = {}", shown(v));
    }
    match &r.team {
        None => {}
        Some(Unsealed::Answers(t)) => {
            for (q, v) in t.iter() {
                let _ = writeln!(out, "  {q} = {}   (team only)", shown(&from_toml(v)));
            }
        }
        Some(Unsealed::NotForThisKey) => out.push_str("  (confidential answers: not sealed to this key)\n"),
        Some(Unsealed::Damaged(why)) => {
            let _ = writeln!(out, "  (confidential answers: cannot be read: {why})");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(kind: QuestionKind, choices: &[&str]) -> Question {
        Question {
            id: "q".into(),
            text: "Q?".into(),
            kind,
            choices: choices.iter().map(|c| c.to_string()).collect(),
            visibility: Visibility::Pair,
        }
    }

    #[test]
    fn answers_are_read_as_their_kind() {
        let scale = q(QuestionKind::Scale, &[]);
        assert_eq!(parse_answer(&scale, " 4 "), Ok(AnswerValue::Integer(4)));
        let e = parse_answer(&scale, "6").unwrap_err();
        assert_eq!(e, "`q` takes a whole number from 1 to 5; \"6\" is not one");
        assert!(parse_answer(&scale, "four").is_err());
        let yn = q(QuestionKind::YesNo, &[]);
        assert_eq!(parse_answer(&yn, "Yes"), Ok(AnswerValue::Boolean(true)));
        assert_eq!(parse_answer(&yn, "n"), Ok(AnswerValue::Boolean(false)));
        let choice = q(QuestionKind::Choice, &["weekly", "monthly"]);
        assert_eq!(parse_answer(&choice, "Monthly"), Ok(AnswerValue::Text("monthly".into())));
        assert!(parse_answer(&choice, "daily").unwrap_err().contains("one of \"weekly\", \"monthly\""));
        assert!(parse_answer(&q(QuestionKind::Text, &[]), "  ").is_err());
        let secret = Question { visibility: Visibility::Team, ..q(QuestionKind::Scale, &[]) };
        let e = parse_answer(&secret, "9").unwrap_err();
        assert_eq!(e, "`q` takes a whole number from 1 to 5; the answer given is not one");
    }

    #[test]
    fn a_moment_is_the_latest_on_or_before_the_answer() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let ms = [d("2027-01-01"), d("2027-03-01")];
        assert_eq!(moment_of(&ms, d("2026-12-20")), Some(0));
        assert_eq!(moment_of(&ms, d("2027-02-01")), Some(0));
        assert_eq!(moment_of(&ms, d("2027-03-01")), Some(1));
        assert_eq!(moment_of(&[], d("2027-03-01")), None);
    }

    #[test]
    fn seal_and_unseal_round_trip_with_age_keys() {
        let id = age::x25519::Identity::generate();
        let other = age::x25519::Identity::generate();
        let recipients: Vec<Recipient> = vec![Box::new(id.to_public())];
        let block = seal("concerns = \"missed sessions\"\n", &recipients).unwrap();
        assert!(block.starts_with(ARMOR_BEGIN), "{block}");
        assert!(!block.contains("missed"));
        let mine: Vec<Identity> = vec![Box::new(id)];
        let Unsealed::Answers(t) = unseal(&block, &mine) else { panic!("not unsealed") };
        assert_eq!(t["concerns"].as_str(), Some("missed sessions"));
        let theirs: Vec<Identity> = vec![Box::new(other)];
        assert_eq!(unseal(&block, &theirs), Unsealed::NotForThisKey);
        assert!(matches!(unseal("not a block", &mine), Unsealed::Damaged(_)));
    }

    #[test]
    fn recipients_files_read_like_authorized_keys() {
        let id = age::x25519::Identity::generate();
        let text = format!(
            "# the team\n\n{}\nno-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB/VHtZ6TNA9 ops@example.org\n",
            id.to_public()
        );
        let r = parse_recipients(&text, Path::new("team_recipients")).unwrap();
        assert_eq!(r.len(), 2);
        let e = parse_recipients("hello\n", Path::new("team_recipients")).err().unwrap();
        assert!(e.to_string().starts_with("team_recipients:1: "), "{e}");
        let e = parse_recipients("# none\n", Path::new("t")).err().unwrap();
        assert!(matches!(e, FeedbackError::NoRecipients { .. }));
    }
}
