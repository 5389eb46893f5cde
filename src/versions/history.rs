//! Stale signatures and amendments explained from git history.
//!
//! A `signature-stale` diagnostic says *that* the terms changed after someone
//! signed. In a git repository the history says *what* changed and since when:
//! the commit that added the signature (the oldest of the newest run of
//! committed versions holding it) is where that person signed, and the
//! difference from it to the file as it is now is what they have not agreed to
//! yet. A signature never committed with its terms falls back to the newest
//! version whose terms digest is the one it holds ("the terms last matched …").
//!
//! Only files with a stale signature are looked at, each file's history is
//! read once (one `git log`, one `git cat-file --batch`), and at most
//! `depth` commits back. Outside git, or when no committed version matches
//! (the signature predates the history a shallow clone has, or was never
//! committed), the diagnostic stays as it was.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostic::{Code, LineIndex};
use crate::engine::Checked;
use crate::git::{Repo, Version};

/// Dates every amendment awaiting signatures in `files` from git history: the
/// day (and commit) the current terms first appeared, and what changed from
/// the terms in force (the newest committed version with their digest). Costs
/// nothing for files without an amendment; outside git, or beyond `depth`
/// commits, the amendment keeps what the file alone says.
pub fn date_amendments(files: &mut [Checked], depth: usize) {
    with_histories(files, depth, |f| f.derived.as_ref().is_some_and(|d| d.amendment.is_some()), date_amendment);
}

/// `c` with its amendment dated from git history ([`date_amendments`]), copied
/// only when it has one awaiting signatures.
pub fn dated(c: &Checked) -> std::borrow::Cow<'_, Checked> {
    if c.derived.as_ref().is_none_or(|d| d.amendment.is_none()) {
        return std::borrow::Cow::Borrowed(c);
    }
    let mut one = [c.clone()];
    date_amendments(&mut one, DEFAULT_DEPTH);
    let [c] = one;
    std::borrow::Cow::Owned(c)
}

fn date_amendment(file: &mut Checked, history: &[Version]) {
    let Ok(now) = std::fs::read_to_string(&file.path) else { return };
    let Some(d) = file.derived.as_deref_mut() else { return };
    let (Some(current), Some(in_force)) = (d.digest.clone(), d.versions.last().map(|v| v.digest.clone())) else {
        return;
    };
    let Some(m) = d.amendment.as_mut() else { return };
    let digests: Vec<Option<String>> = history.iter().map(digest_of).collect();
    // The commit that brought the current terms: the oldest of the newest run of
    // versions holding them (none when they are not committed yet).
    let run = digests.iter().take_while(|x| x.as_deref() == Some(current.as_str())).count();
    if run > 0 {
        let v = &history[run - 1];
        if let Ok(day) = v.date.parse() {
            m.since = Some(day);
            m.commit = Some(v.commit.clone());
        }
    }
    // What changed since the terms in force, as the newest version with them has it.
    if let Some(at) = digests.iter().position(|x| x.as_deref() == Some(in_force.as_str()))
        && let Ok(old) = std::str::from_utf8(&history[at].bytes)
        && let Ok(changes) = crate::versions::diff::compare(Some(old), Some(&now))
    {
        m.changes = change_lines(&changes);
    }
}

/// One line per changed term or goal key: "schedule.session_minutes 45 → 60".
fn change_lines(changes: &crate::versions::diff::Changes) -> Vec<String> {
    let mut parts: Vec<String> = changes
        .terms
        .iter()
        .map(|t| {
            format!("{} {} → {}", t.path, t.old.as_deref().unwrap_or("(none)"), t.new.as_deref().unwrap_or("(none)"))
        })
        .collect();
    for g in &changes.goals {
        if g.keys.is_empty() {
            parts.push(format!("goal {} {}", g.number, g.change));
        }
        parts.extend(g.keys.iter().map(|k| {
            format!(
                "goal {} {} {} → {}",
                g.number,
                k.path,
                k.old.as_deref().unwrap_or("(none)"),
                k.new.as_deref().unwrap_or("(none)")
            )
        }));
    }
    parts
}

/// How many commits back `check` looks by default.
pub const DEFAULT_DEPTH: usize = 100;

/// Adds to the help of every `signature-stale` diagnostic in `files` what
/// changed since that signature, when git history shows it. Costs nothing for
/// files without a stale signature.
pub fn explain_stale(files: &mut [Checked], depth: usize) {
    let stale = |f: &Checked| f.diagnostics.iter().any(|l| l.diagnostic.code == Code::SignatureStale);
    with_histories(files, depth, stale, explain_file);
}

/// Calls `apply` with each file `wanted` picks and its committed versions
/// (newest first, at most `depth`), reading each repository's history once for
/// all of its files. Files outside git, and every file when `depth` is 0, are
/// left alone.
fn with_histories(
    files: &mut [Checked],
    depth: usize,
    wanted: impl Fn(&Checked) -> bool,
    mut apply: impl FnMut(&mut Checked, &[Version]),
) {
    if depth == 0 {
        return;
    }
    // The files wanted, grouped by repository.
    let mut repos: HashMap<PathBuf, Option<Repo>> = HashMap::new();
    let mut by_repo: HashMap<PathBuf, Vec<(usize, String)>> = HashMap::new();
    for (i, file) in files.iter().enumerate() {
        if !wanted(file) {
            continue;
        }
        let dir = crate::edit::atomic::parent_dir(&file.path).to_path_buf();
        let repo = repos.entry(dir.clone()).or_insert_with(|| Repo::discover(&dir).ok());
        if let Some(repo) = repo.as_ref()
            && let Some(rel) = repo.relative(&file.path)
        {
            by_repo.entry(repo.root.clone()).or_default().push((i, rel));
        }
    }
    for (root, list) in by_repo {
        let repo = Repo { root };
        let rels: Vec<String> = list.iter().map(|(_, rel)| rel.clone()).collect();
        let Ok(mut histories) = repo.histories(&rels, depth) else { continue };
        for (i, rel) in list {
            if let Some(history) = histories.remove(&rel) {
                apply(&mut files[i], &history);
            }
        }
    }
}

fn explain_file(file: &mut Checked, history: &[Version]) {
    let Ok(text) = std::fs::read_to_string(&file.path) else { return };
    let parsed = crate::format::agreement::parse(&text);
    let Some(agreement) = parsed.agreement else { return };
    let index = LineIndex::new(&text);
    // Each signature's `terms`: the line it is on (where the diagnostic points), the role and the digest.
    let signed: Vec<(usize, String, String)> = agreement
        .signatures
        .iter()
        .filter_map(|s| {
            let terms = s.terms.as_ref()?;
            let role = s.role.as_ref().map_or_else(|| "signer".to_string(), |r| r.value.clone());
            Some((index.line_col(&text, terms.span.start).0, role, terms.value.clone()))
        })
        .collect();
    let digests: Vec<Option<String>> = history.iter().map(digest_of).collect();
    for located in &mut file.diagnostics {
        if located.diagnostic.code != Code::SignatureStale {
            continue;
        }
        let Some((_, role, digest)) = signed.iter().find(|(line, _, _)| *line == located.position.line) else {
            continue;
        };
        let Some(newest) = digests.iter().position(|d| d.as_deref() == Some(digest.as_str())) else { continue };
        // The commit that added this signature: the oldest of the run of versions, from the
        // newest that holds it, that all hold it. A later commit that kept the terms (a
        // check-in, a review) is not where it was signed.
        let holds = |v: &Version| signatures_of(v).iter().any(|(r, d)| r == role && d == digest);
        let added = history
            .iter()
            .position(holds)
            .map(|first| first + history[first..].iter().take_while(|v| holds(v)).count() - 1);
        let (version, signed) = match added {
            Some(at) => (&history[at], true),
            None => (&history[newest], false),
        };
        if let Some(since) = since(role, version, signed, &text) {
            let help = located.diagnostic.help.take().unwrap_or_default();
            located.diagnostic.help = Some(if help.is_empty() { since } else { format!("{since}; {help}") });
        }
    }
}

/// Each signature's role and `terms` in a committed version.
fn signatures_of(v: &Version) -> Vec<(String, String)> {
    let Ok(text) = std::str::from_utf8(&v.bytes) else { return Vec::new() };
    let Some(agreement) = crate::format::agreement::parse(text).agreement else { return Vec::new() };
    agreement
        .signatures
        .iter()
        .filter_map(|s| Some((s.role.as_ref()?.value.clone(), s.terms.as_ref()?.value.clone())))
        .collect()
}

fn digest_of(v: &Version) -> Option<String> {
    let text = std::str::from_utf8(&v.bytes).ok()?;
    crate::format::terms::canonical(text).map(|c| crate::format::terms::digest(&c))
}

/// "since the mentor signed (commit 1a2b3c4, 2026-12-01): schedule.session_minutes 45 → 60",
/// naming the commit that added the signature (`signed`); otherwise (the signature
/// was never committed with those terms) "since the terms last matched what the
/// mentor signed (commit …)", naming the newest version with those terms.
fn since(role: &str, version: &Version, signed: bool, now: &str) -> Option<String> {
    let old = std::str::from_utf8(&version.bytes).ok()?;
    let changes = crate::versions::diff::compare(Some(old), Some(now)).ok()?;
    let parts = change_lines(&changes);
    if parts.is_empty() {
        return None;
    }
    let when = if signed {
        format!("since the {role} signed")
    } else {
        format!("since the terms last matched what the {role} signed")
    };
    Some(format!("{when} (commit {}, {}): {}", version.commit, version.date, parts.join(", ")))
}
