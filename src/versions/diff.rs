//! What changed between two versions of an agreement, in meaning rather than lines.
//!
//! [`compare`] reads both versions as TOML values, so reformatting, reordering
//! keys or switching between `[table]` and inline tables shows no change. It
//! lists each changed term (`schedule.session_minutes: 45 → 60`), goals added,
//! removed or changed, records added or removed, and whose signatures the change
//! makes stale (a signature that covered the old terms and not the new ones).

use std::collections::BTreeSet;

use serde::Serialize;
use toml::{Table, Value};

use crate::versions::merge::RECORD_KEYS;

/// One changed value: `path: old → new` (`None` where absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermChange {
    /// Dotted key path, e.g. `schedule.session_minutes`.
    pub path: String,
    /// The old value as written in TOML, or `None` when added.
    pub old: Option<String>,
    /// The new value, or `None` when removed.
    pub new: Option<String>,
}

/// A goal added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalChange {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The goal's number (1-based) in the new version, or the old one when removed.
    pub number: usize,
    /// The goal's text.
    pub goal: String,
    /// For a changed goal: its changed keys.
    pub keys: Vec<TermChange>,
}

/// A record (or the termination) added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordChange {
    /// `added`, `removed`, or `renewed` (a role's signature replaced by a new one).
    pub change: &'static str,
    /// `signature`, `check-in`, `evaluation`, `extension` or `termination`.
    pub kind: &'static str,
    /// A one-line summary.
    pub summary: String,
}

/// The changes between two versions of one agreement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// Changed terms, goals aside.
    pub terms: Vec<TermChange>,
    /// Goals added, removed or changed.
    pub goals: Vec<GoalChange>,
    /// Records added or removed.
    pub records: Vec<RecordChange>,
    /// Roles whose signature covered the old terms but not the new ones.
    pub stale: Vec<String>,
}

impl Changes {
    /// True when nothing changed in meaning.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.goals.is_empty() && self.records.is_empty()
    }
}

/// Why a version cannot be compared.
#[derive(Debug, thiserror::Error)]
#[error("{which} version is not valid TOML: {message}")]
pub struct NotToml {
    /// "the old" or "the new".
    pub which: &'static str,
    /// The parser's message.
    pub message: String,
}

fn parse(text: Option<&str>, which: &'static str) -> Result<Table, NotToml> {
    match text {
        None => Ok(Table::new()),
        Some(t) => t.parse::<Table>().map_err(|e| NotToml { which, message: e.message().to_string() }),
    }
}

/// Compares two versions (`None`: the file does not exist in that version).
pub fn compare(old: Option<&str>, new: Option<&str>) -> Result<Changes, NotToml> {
    let (o, n) = (parse(old, "the old")?, parse(new, "the new")?);
    let mut changes = Changes::default();
    // The records (termination too), and the goals, which are listed on their own.
    let excluded = |k: &str| crate::format::keys::RECORDS.contains(&k) || k == "goals";
    let strip =
        |t: &Table| -> Table { t.iter().filter(|(k, _)| !excluded(k)).map(|(k, v)| (k.clone(), v.clone())).collect() };
    values(&mut changes.terms, "", &Value::Table(strip(&o)), &Value::Table(strip(&n)));
    goals(&mut changes.goals, list(&o, "goals"), list(&n, "goals"));
    for key in RECORD_KEYS {
        let (old, new) = (list(&o, key), list(&n, key));
        let mut added: Vec<&Table> = new.iter().filter(|r| !old.contains(r)).collect();
        let mut removed: Vec<&Table> = old.iter().filter(|r| !new.contains(r)).collect();
        if key == "signatures" {
            // A role's signature replaced by another of the same role was renewed.
            let mut i = 0;
            while i < added.len() {
                let role = field(added[i], "role");
                match removed.iter().position(|r| role.is_some() && field(r, "role") == role) {
                    Some(j) => {
                        let (was, now) = (removed.remove(j), added.remove(i));
                        let before = field(was, "date").unwrap_or_else(|| "?".to_string());
                        changes.records.push(RecordChange {
                            change: "renewed",
                            kind: kind(key),
                            summary: format!("{} (was {before})", summary(key, now)),
                        });
                    }
                    None => i += 1,
                }
            }
        }
        for r in added {
            changes.records.push(RecordChange { change: "added", kind: kind(key), summary: summary(key, r) });
        }
        for r in removed {
            changes.records.push(RecordChange { change: "removed", kind: kind(key), summary: summary(key, r) });
        }
    }
    match (o.get("termination").and_then(Value::as_table), n.get("termination").and_then(Value::as_table)) {
        (a, Some(b)) if a != Some(b) => changes.records.push(RecordChange {
            change: "added",
            kind: "termination",
            summary: summary("termination", b),
        }),
        (Some(a), None) => changes.records.push(RecordChange {
            change: "removed",
            kind: "termination",
            summary: summary("termination", a),
        }),
        _ => {}
    }
    // Stale: the new version keeps a signature that matched the old terms, and the terms changed.
    if let (Some(old), Some(new)) = (old, new) {
        let digest = |t: &str| crate::format::terms::canonical(t).map(|c| crate::format::terms::digest(&c));
        if let (Some(od), Some(nd)) = (digest(old), digest(new))
            && od != nd
        {
            let roles: BTreeSet<String> = list(&n, "signatures")
                .iter()
                .filter(|s| s.get("terms").and_then(Value::as_str) == Some(od.as_str()))
                .filter_map(|s| s.get("role").and_then(Value::as_str).map(str::to_string))
                .collect();
            let mut roles: Vec<String> = roles.into_iter().collect();
            roles.sort_by_key(|r| ["mentor", "mentee", "lead"].iter().position(|x| x == r).unwrap_or(3));
            changes.stale = roles;
        }
    }
    Ok(changes)
}

fn kind(key: &str) -> &'static str {
    match key {
        "signatures" => "signature",
        "checkins" => "check-in",
        "evaluations" => "evaluation",
        "extensions" => "extension",
        "feedback" => "feedback",
        _ => "termination",
    }
}

fn field(r: &Table, key: &str) -> Option<String> {
    r.get(key).map(|v| match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    })
}

fn summary(key: &str, r: &Table) -> String {
    let f = |k: &str| field(r, k).unwrap_or_else(|| "?".to_string());
    match key {
        "signatures" => format!("{} ({}) on {}", f("role"), f("name"), f("date")),
        "checkins" => {
            format!("{} by {}{}", f("date"), f("by"), field(r, "note").map_or(String::new(), |n| format!(": {n}")))
        }
        "evaluations" => {
            let closing = if r.get("closing").and_then(Value::as_bool) == Some(true) { ", closing" } else { "" };
            format!("{} by {}{closing}", f("date"), f("by"))
        }
        // Never the answers: a `team` answer is sealed, and a diff is no place to read the pair's.
        "feedback" => {
            let n = r.get("answers").and_then(Value::as_table).map_or(0, |t| t.len());
            let sealed = if r.contains_key("sealed") { ", confidential answers sealed" } else { "" };
            format!("{} by {}, form {} ({}{sealed})", f("date"), f("by"), f("form"), crate::text::plural(n, "answer"))
        }
        "extensions" => {
            let by = field(r, "months")
                .map(|m| format!("{m} months"))
                .or_else(|| field(r, "weeks").map(|w| format!("{w} weeks")));
            format!("{} agreed {}", by.unwrap_or_else(|| "?".into()), f("agreed"))
        }
        _ => format!("{} by {}{}", f("date"), f("by"), field(r, "reason").map_or(String::new(), |n| format!(": {n}"))),
    }
}

fn list(t: &Table, key: &str) -> Vec<Table> {
    t.get(key)
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |a| a.iter().filter_map(|v| v.as_table().cloned()).collect())
}

/// A value as TOML writes it.
fn written(v: &Value) -> String {
    match v {
        Value::Table(t) => {
            let inner: Vec<String> = t.iter().map(|(k, v)| format!("{k} = {}", written(v))).collect();
            format!("{{ {} }}", inner.join(", "))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(written).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

/// Every leaf that differs between `a` and `b`, tables compared key by key.
fn values(out: &mut Vec<TermChange>, path: &str, a: &Value, b: &Value) {
    if a == b {
        return;
    }
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (a, b) {
        (Value::Table(x), Value::Table(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => values(out, &join(k), p, q),
                    (p, q) => out.push(TermChange { path: join(k), old: p.map(written), new: q.map(written) }),
                }
            }
        }
        _ => out.push(TermChange { path: path.to_string(), old: Some(written(a)), new: Some(written(b)) }),
    }
}

/// Goals paired by content, then by their text, then by position.
fn goals(out: &mut Vec<GoalChange>, old: Vec<Table>, new: Vec<Table>) {
    let text = |g: &Table| field(g, "goal").unwrap_or_default();
    let mut old_left: Vec<Option<&Table>> = old.iter().map(Some).collect();
    let mut pairs: Vec<(usize, Option<usize>)> = Vec::new();
    let mut unpaired = Vec::new();
    for (j, g) in new.iter().enumerate() {
        match old_left.iter().position(|o| *o == Some(g)) {
            Some(i) => {
                old_left[i] = None;
                pairs.push((j, Some(i)));
            }
            None => unpaired.push(j),
        }
    }
    let mut still = Vec::new();
    for j in unpaired {
        match old_left.iter().position(|o| o.is_some_and(|o| text(o) == text(&new[j]))) {
            Some(i) => {
                old_left[i] = None;
                pairs.push((j, Some(i)));
            }
            None => still.push(j),
        }
    }
    for j in still {
        let i = old_left.get(j).copied().flatten().map(|_| j);
        if let Some(i) = i {
            old_left[i] = None;
        }
        pairs.push((j, i));
    }
    pairs.sort();
    for (j, i) in pairs {
        match i {
            Some(i) if old[i] == new[j] => {}
            Some(i) => {
                let mut keys = Vec::new();
                values(&mut keys, "", &Value::Table(old[i].clone()), &Value::Table(new[j].clone()));
                out.push(GoalChange { change: "changed", number: j + 1, goal: text(&new[j]), keys });
            }
            None => out.push(GoalChange { change: "added", number: j + 1, goal: text(&new[j]), keys: Vec::new() }),
        }
    }
    for (i, o) in old_left.iter().enumerate() {
        if let Some(o) = o {
            out.push(GoalChange { change: "removed", number: i + 1, goal: text(o), keys: Vec::new() });
        }
    }
}

/// One file's report: where it is, what changed, and how the new version checks.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The file as shown.
    pub file: String,
    /// `added`, `removed`, `changed` or `unchanged`.
    pub status: &'static str,
    /// What changed.
    #[serde(flatten)]
    pub changes: Changes,
    /// Errors `check` reports in the new version (absent when removed).
    pub errors: Option<usize>,
    /// Warnings `check` reports in the new version.
    pub warnings: Option<usize>,
    /// The new version changes the terms of an agreement that took effect: an
    /// amendment, awaiting the signatures `stale` names (the terms they signed
    /// stay in force until then).
    pub amendment: bool,
}

impl FileReport {
    /// Whether the new version passes `check` (no errors); `None` when removed.
    pub fn passes(&self) -> Option<bool> {
        self.errors.map(|e| e == 0)
    }
}

fn arrow(c: &TermChange) -> String {
    format!("{}: {} → {}", c.path, c.old.as_deref().unwrap_or("(none)"), c.new.as_deref().unwrap_or("(none)"))
}

fn lines(r: &FileReport) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(r.changes.terms.iter().map(arrow));
    for g in &r.changes.goals {
        out.push(format!("goal {} {}: {}", g.number, g.change, g.goal));
        out.extend(g.keys.iter().map(|k| format!("  {}", arrow(k))));
    }
    for c in &r.changes.records {
        out.push(format!("{} {}: {}", c.kind, c.change, c.summary));
    }
    out
}

fn consequences(r: &FileReport) -> Vec<String> {
    let mut out = Vec::new();
    if !r.changes.stale.is_empty() {
        let who: Vec<String> = r.changes.stale.iter().map(|s| format!("the {s}")).collect();
        out.push(if r.amendment {
            format!(
                "an amendment: {} must sign the new terms; the terms signed before stay in force until they all have",
                who.join(", ")
            )
        } else {
            format!("signatures going stale: {} must sign again", who.join(", "))
        });
    }
    if let (Some(errors), Some(warnings)) = (r.errors, r.warnings) {
        let plural = crate::text::plural;
        out.push(if errors == 0 {
            format!("passes check ({})", plural(warnings, "warning"))
        } else {
            format!("fails check: {}, {}", plural(errors, "error"), plural(warnings, "warning"))
        });
    }
    out
}

/// The report for people.
pub fn human(reports: &[FileReport]) -> String {
    let mut s = String::new();
    for r in reports {
        s.push_str(&format!("{} ({})\n", r.file, r.status));
        let changed = lines(r);
        if changed.is_empty() {
            s.push_str("  no change in meaning\n");
        }
        for l in changed.iter().chain(consequences(r).iter()) {
            s.push_str(&format!("  {l}\n"));
        }
    }
    if reports.is_empty() {
        s.push_str("no agreement changed\n");
    }
    s
}

/// The report as Markdown, e.g. for a CI step summary.
pub fn markdown(reports: &[FileReport]) -> String {
    let code = |t: &str| format!("`{}`", t.replace('`', "'"));
    let mut s = String::from("## Agreement changes\n\n");
    if reports.is_empty() {
        s.push_str("No agreement changed.\n");
    }
    for r in reports {
        s.push_str(&format!("### {} ({})\n\n", code(&r.file), r.status));
        let changed = lines(r);
        if changed.is_empty() {
            s.push_str("No change in meaning.\n");
        }
        // Keys and values in code spans, the rest as text.
        let text = crate::output::render::markdown_text;
        let arrow = |c: &TermChange| {
            let value = |v: &Option<String>| v.as_deref().map_or_else(|| "(none)".to_string(), code);
            format!("{}: {} → {}", code(&c.path), value(&c.old), value(&c.new))
        };
        for c in &r.changes.terms {
            s.push_str(&format!("- {}\n", arrow(c)));
        }
        for g in &r.changes.goals {
            s.push_str(&format!("- goal {} {}: {}\n", g.number, g.change, text(&g.goal)));
            for k in &g.keys {
                s.push_str(&format!("  - {}\n", arrow(k)));
            }
        }
        for c in &r.changes.records {
            s.push_str(&format!("- {} {}: {}\n", c.kind, c.change, text(&c.summary)));
        }
        for c in consequences(r) {
            s.push_str(&format!("\n**{c}**\n"));
        }
        s.push('\n');
    }
    s
}

/// The report as JSON: an array of file reports.
pub fn json(reports: &[FileReport]) -> String {
    let mut s = serde_json::to_string_pretty(reports).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"format = 1
[schedule]
frequency = "fortnightly"
session_minutes = 45
[[goals]]
goal = "Run retros"
due = 2027-03-15
[[goals]]
goal = "Give a talk"
due = 2027-04-30
[[signatures]]
role = "mentor"
name = "Ada"
date = 2026-11-30
terms = "DIGEST"
"#;

    fn old() -> String {
        let d = crate::format::terms::digest(&crate::format::terms::canonical(OLD).unwrap());
        OLD.replace("DIGEST", &d)
    }

    #[test]
    fn reformatting_is_no_change() {
        let reformatted = old().replace(
            "[schedule]\nfrequency = \"fortnightly\"\nsession_minutes = 45\n",
            "schedule = { session_minutes = 0x2d, frequency = 'fortnightly' }\n",
        );
        assert!(compare(Some(&old()), Some(&reformatted)).unwrap().is_empty());
    }

    #[test]
    fn a_term_change_is_named_and_stales_the_signature() {
        let new = old().replace("session_minutes = 45", "session_minutes = 60");
        let c = compare(Some(&old()), Some(&new)).unwrap();
        assert_eq!(
            c.terms,
            [TermChange { path: "schedule.session_minutes".into(), old: Some("45".into()), new: Some("60".into()) }]
        );
        assert_eq!(c.stale, ["mentor"]);
        assert!(c.goals.is_empty() && c.records.is_empty());
    }

    #[test]
    fn goals_added_removed_and_changed() {
        let new = old()
            .replace("due = 2027-03-15", "due = 2027-03-31")
            .replace("goal = \"Give a talk\"\ndue = 2027-04-30\n", "goal = \"Mentor an intern\"\ndue = 2027-05-01\n");
        let c = compare(Some(&old()), Some(&new)).unwrap();
        let summary: Vec<(&str, usize, &str)> = c.goals.iter().map(|g| (g.change, g.number, g.goal.as_str())).collect();
        assert_eq!(summary, [("changed", 1, "Run retros"), ("changed", 2, "Mentor an intern")]);
        let new = old().replace("[[goals]]\ngoal = \"Run retros\"\ndue = 2027-03-15\n", "");
        let c = compare(Some(&old()), Some(&new)).unwrap();
        assert_eq!(c.goals, [GoalChange { change: "removed", number: 1, goal: "Run retros".into(), keys: vec![] }]);
        let new = format!(
            "{}[[goals]]\ngoal = \"Third\"\n",
            old().replace("[[signatures]]", "[[goals]]\ngoal = \"Second\"\n[[signatures]]")
        );
        let c = compare(Some(&old()), Some(&new)).unwrap();
        assert_eq!(
            c.goals.iter().map(|g| (g.change, g.goal.as_str())).collect::<Vec<_>>(),
            [("added", "Second"), ("added", "Third")]
        );
    }

    #[test]
    fn records_added_do_not_stale_anything() {
        let new = format!("{}\n[[checkins]]\ndate = 2027-01-10\nby = \"mentee\"\nnote = \"on track\"\n", old());
        let c = compare(Some(&old()), Some(&new)).unwrap();
        assert_eq!(
            c.records,
            [RecordChange { change: "added", kind: "check-in", summary: "2027-01-10 by mentee: on track".into() }]
        );
        assert!(c.terms.is_empty() && c.stale.is_empty());
        assert!(
            human(&[FileReport {
                file: "a.toml".into(),
                status: "changed",
                changes: c,
                errors: Some(0),
                amendment: false,
                warnings: Some(1)
            }])
            .contains("  check-in added: 2027-01-10 by mentee: on track\n  passes check (1 warning)\n")
        );
    }

    #[test]
    fn a_new_file_lists_everything_as_added() {
        let c = compare(None, Some(&old())).unwrap();
        assert!(c.terms.iter().any(|t| t.path == "format" && t.old.is_none()));
        assert_eq!(c.goals.len(), 2);
        assert_eq!(c.records.len(), 1);
    }
}
