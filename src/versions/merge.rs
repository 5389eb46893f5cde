//! Three-way merge of agreement files by meaning, for git's merge driver.
//!
//! Two branches of one agreement usually differ by records appended at the end
//! (a signature here, a check-in there), which a line-wise merge reports as a
//! conflict. [`merge`] merges what the files *mean*:
//!
//! - **Records** (`[[signatures]]`, `[[checkins]]`, `[[evaluations]]`,
//!   `[[extensions]]`): every entry either side added is kept, in date order,
//!   with its comments; an entry both sides added is kept once, and one side's
//!   two identical entries twice. A signature one side renewed (its role signed
//!   again) replaces the old one.
//! - **Never a state nobody agreed to**: a record both sides changed (or one
//!   changed and the other removed) differently, and a termination on one side
//!   with an extension agreed on or after it on the other, are conflicts.
//! - **Terms** (every other key) and `[termination]`: a value changed on one side
//!   only is taken from that side; the same value changed on both sides to
//!   different values is a contradiction.
//!
//! The result is OURS's text with THEIRS's changes carried onto it: OURS's
//! comments and layout stay, new entries are appended as the edit engine appends
//! them ([`crate::edit::append_table_entry`]). A result is only ever returned when
//! it parses to exactly the merged meaning.
//!
//! [`resolve`] is the whole driver: the merge by meaning, else git's line-wise
//! merge with conflict markers.

use std::collections::BTreeSet;

use toml::{Table, Value};
use toml_edit::{DocumentMut, Item, TableLike};

use crate::edit;
use crate::git::{self, GitError, Labels};
use crate::text::clipped;

/// The driver's name in `.gitattributes` and git's configuration.
pub const DRIVER_NAME: &str = "mentor-agree";
/// The command git runs for the driver (`merge.mentor-agree.driver`).
pub const DRIVER_COMMAND: &str = "mentor-agree merge-file %O %A %B --path %P";
/// The `.gitattributes` line that sends agreements through the driver.
pub const GITATTRIBUTES_LINE: &str = "agreements/**/*.toml merge=mentor-agree";

/// The `.gitattributes` line that merges the reminders log (`remind`) by
/// keeping both sides' lines: it is append-only JSON Lines, so a union is right.
const REMINDERS_LOG_LINE: &str = "reminders.log merge=union";

/// The one `git config` command each clone runs to register the driver.
pub fn config_command() -> String {
    format!("git config merge.{DRIVER_NAME}.driver \"{DRIVER_COMMAND}\"")
}

/// What [`write_gitattributes`] found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attributes {
    /// A new `.gitattributes` naming the driver was written here.
    Written(std::path::PathBuf),
    /// The folder's `.gitattributes` already sends agreements to the driver.
    Present,
    /// The folder has a `.gitattributes` without the line (left as it was).
    LineMissing(std::path::PathBuf),
}

/// Writes `DIR/.gitattributes` with [`GITATTRIBUTES_LINE`] unless the file exists,
/// which is never changed.
pub fn write_gitattributes(dir: &std::path::Path) -> std::io::Result<Attributes> {
    let path = dir.join(".gitattributes");
    if path.symlink_metadata().is_ok() {
        let present = std::fs::read_to_string(&path).is_ok_and(|t| t.lines().any(|l| l.trim() == GITATTRIBUTES_LINE));
        return Ok(if present { Attributes::Present } else { Attributes::LineMissing(path) });
    }
    let text = format!(
        "# Merge agreements by meaning (register the driver: mentor-agree git-setup)\n{GITATTRIBUTES_LINE}\n\
         # The reminders log only grows: a merge keeps both sides' lines\n{REMINDERS_LOG_LINE}\n"
    );
    crate::edit::atomic::write_new(&path, text.as_bytes())?;
    Ok(Attributes::Written(path))
}

/// Top-level keys holding records: arrays of tables that only ever grow (the
/// key table's [`RECORD_LISTS`](crate::format::keys::RECORD_LISTS), in the order
/// a merge goes through them).
pub const RECORD_KEYS: [&str; 5] = crate::format::keys::RECORD_LISTS;

/// The outcome of [`merge`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// Merged by meaning: OURS's new text.
    Clean(String),
    /// The sides contradict each other; each entry says where.
    Conflict(Vec<String>),
    /// Not something to merge by meaning (not an agreement, not TOML, a record
    /// edited in place…): why.
    Unsupported(Unmergeable),
}

/// Why two versions are not merged by meaning: git's line-wise merge takes
/// over, and the driver says why (the message is the note it prints).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unmergeable {
    /// A side's bytes are not UTF-8.
    #[error("{side} is not UTF-8 text")]
    NotUtf8 {
        /// "our version", "their version" or "the common ancestor".
        side: &'static str,
    },
    /// A side does not parse as TOML.
    #[error("{side} is not valid TOML ({message})")]
    NotToml {
        /// Which side.
        side: &'static str,
        /// The parser's message.
        message: String,
    },
    /// A side has no `format` key.
    #[error("{side} is not an agreement (no `format` key)")]
    NotAnAgreement {
        /// Which side.
        side: &'static str,
    },
    /// A record list holds something other than tables.
    #[error("`{key}` holds something other than tables")]
    NotTables {
        /// The record key.
        key: &'static str,
    },
    /// A record key is not a list of tables.
    #[error("`{key}` is not a list of [[{key}]] tables")]
    NotRecordList {
        /// The record key.
        key: &'static str,
    },
    /// One side removed or edited an entry of a record list (records are only appended).
    #[error("{side} side removed or edited a [[{key}]] entry")]
    RecordEdited {
        /// "our" or "their".
        side: &'static str,
        /// The record key.
        key: String,
    },
    /// toml_edit cannot read a side as a document to edit.
    #[error("cannot edit this TOML: {message}")]
    NotEditable {
        /// toml_edit's message.
        message: String,
    },
    /// Appending a table to ours failed (the edit engine's message).
    #[error("{0}")]
    Append(String),
    /// A key of the merged meaning has no item in their document to carry over.
    #[error("`{key}` has no counterpart in their version")]
    NoCounterpart {
        /// The key.
        key: String,
    },
    /// Their record entry cannot be taken as a table.
    #[error("their [[{key}]] entry {number} cannot be read")]
    TheirEntryUnreadable {
        /// The record key.
        key: String,
        /// The entry's number, from 1.
        number: usize,
    },
    /// Our record list is not written as `[[key]]` tables.
    #[error("our `{key}` is not written as [[{key}]] tables")]
    OursNotArrayOfTables {
        /// The record key.
        key: String,
    },
    /// Our record list cannot be matched entry by entry with its meaning.
    #[error("our `{key}` cannot be read entry by entry")]
    OursNotEntryByEntry {
        /// The record key.
        key: String,
    },
    /// The text written does not mean the merged meaning (a bug).
    #[error("the merged file would not mean what both sides mean (please report this)")]
    MeaningChanged,
}

/// Merges agreement texts by meaning (see the module documentation).
/// `base` may be empty (a file both sides added).
pub fn merge(base: &str, ours: &str, theirs: &str) -> Merge {
    let crlf = first_line_is_crlf(ours);
    let lf = |t: &str| if t.contains("\r\n") { t.replace("\r\n", "\n") } else { t.to_string() };
    // Only a CRLF file of ours is normalised (and restored); a stray CRLF in an LF file stays as it is.
    let (base, ours, theirs) = (lf(base), if crlf { lf(ours) } else { ours.to_string() }, lf(theirs));
    match merge_lf(&base, &ours, &theirs) {
        Merge::Clean(text) if crlf => Merge::Clean(text.replace('\n', "\r\n")),
        other => other,
    }
}

fn first_line_is_crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r')
}

fn merge_lf(base: &str, ours: &str, theirs: &str) -> Merge {
    let parse = |text: &str, side: &'static str| -> Result<Table, Unmergeable> {
        text.parse::<Table>().map_err(|e| Unmergeable::NotToml { side, message: e.message().to_string() })
    };
    let sides = (parse(base, "the common ancestor"), parse(ours, "our version"), parse(theirs, "their version"));
    let (b, o, t) = match sides {
        (Ok(b), Ok(o), Ok(t)) => (b, o, t),
        (Err(why), _, _) | (_, Err(why), _) | (_, _, Err(why)) => return Merge::Unsupported(why),
    };
    for (table, side, required) in
        [(&b, "the common ancestor", false), (&o, "our version", true), (&t, "their version", true)]
    {
        if (required || !table.is_empty()) && !table.contains_key("format") {
            return Merge::Unsupported(Unmergeable::NotAnAgreement { side });
        }
    }

    let mut conflicts = Vec::new();
    let mut merged = Table::new();
    merge_table(&[], Some(&b), &o, &t, &mut merged, &mut conflicts);
    let mut plans = Vec::new();
    for key in RECORD_KEYS {
        let list = |table: &Table| -> Result<Vec<Table>, Unmergeable> { record_list(table, key) };
        let (bl, ol, tl) = match (list(&b), list(&o), list(&t)) {
            (Ok(b), Ok(o), Ok(t)) => (b, o, t),
            (Err(why), _, _) | (_, Err(why), _) | (_, _, Err(why)) => return Merge::Unsupported(why),
        };
        let plan = match plan_records(key, &bl, &ol, &tl) {
            Ok(plan) => plan,
            Err(RecordProblem::Unsupported(why)) => return Merge::Unsupported(why),
            Err(RecordProblem::Conflict(why)) => {
                conflicts.extend(why);
                continue;
            }
        };
        if !plan.is_empty() || o.contains_key(key) {
            let entries: Vec<Value> = plan
                .iter()
                .map(|src| {
                    Value::Table(match *src {
                        Src::Ours(i) => ol[i].clone(),
                        Src::Theirs(j) => tl[j].clone(),
                    })
                })
                .collect();
            merged.insert(key.to_string(), Value::Array(entries));
        }
        plans.push((key, plan, ol));
    }
    conflicts.extend(terminated_then_extended(&b, &o, &t));
    if !conflicts.is_empty() {
        return Merge::Conflict(conflicts);
    }
    if merged == o {
        return Merge::Clean(ours.to_string());
    }
    match render(ours, &o, theirs, &merged, &plans) {
        Ok(text) => Merge::Clean(text),
        Err(why) => Merge::Unsupported(why),
    }
}

/// A termination one side recorded and an extension the other side agreed on or
/// after its date: together, a state `extend` itself refuses (an agreement that
/// ended, extended), so a conflict for a person to settle.
fn terminated_then_extended(b: &Table, o: &Table, t: &Table) -> Vec<String> {
    let ended = |side: &Table| {
        let date = side.get("termination").and_then(|x| x.get("date")).map(Value::to_string);
        date.filter(|_| side.get("termination") != b.get("termination"))
    };
    let base = record_list(b, "extensions").unwrap_or_default();
    let agreed_from = |side: &Table, from: &str| -> Vec<String> {
        record_list(side, "extensions")
            .unwrap_or_default()
            .iter()
            .filter(|e| !base.contains(e))
            .filter_map(record_date)
            .filter(|d| d.as_str() >= from)
            .collect()
    };
    let mut out = Vec::new();
    for (terminating, extending, here, there) in [(o, t, "here", "there"), (t, o, "there", "here")] {
        if let Some(end) = ended(terminating) {
            for agreed in agreed_from(extending, &end) {
                out.push(format!(
                    "the agreement was terminated on {end} {here}, and extended by an agreement of {agreed} {there}: an ended agreement cannot be extended"
                ));
            }
        }
    }
    out
}

/// The record list `key` of a side: absent is empty; anything but an array of tables is unsupported.
fn record_list(table: &Table, key: &'static str) -> Result<Vec<Table>, Unmergeable> {
    match table.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            items.iter().map(|v| v.as_table().cloned().ok_or(Unmergeable::NotTables { key })).collect()
        }
        Some(_) => Err(Unmergeable::NotRecordList { key }),
    }
}

/// Dotted path of a key, for messages.
fn dotted(path: &[&str], key: &str) -> String {
    path.iter().copied().chain([key]).collect::<Vec<_>>().join(".")
}

/// A value as shown in messages.
fn shown(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".to_string(),
        Some(Value::String(s)) => clipped(&format!("{s:?}"), 80),
        Some(Value::Table(_)) => "(a table)".to_string(),
        Some(v) => clipped(&v.to_string(), 80),
    }
}

/// Three-way merge of the terms (and `[termination]`): everything but the records.
fn merge_table(path: &[&str], b: Option<&Table>, o: &Table, t: &Table, out: &mut Table, conflicts: &mut Vec<String>) {
    let top = path.is_empty();
    let keys: BTreeSet<&String> = o.keys().chain(t.keys()).chain(b.into_iter().flat_map(|b| b.keys())).collect();
    for key in keys {
        if top && RECORD_KEYS.contains(&key.as_str()) {
            continue;
        }
        let (bv, ov, tv) = (b.and_then(|b| b.get(key)), o.get(key), t.get(key));
        let chosen = if ov == tv || tv == bv {
            ov
        } else if ov == bv {
            tv
        } else if let (Some(Value::Table(ot)), Some(Value::Table(tt)), false) = (ov, tv, top && key == "termination") {
            let mut sub = Table::new();
            let mut p = path.to_vec();
            p.push(key);
            merge_table(&p, bv.and_then(Value::as_table), ot, tt, &mut sub, conflicts);
            out.insert(key.clone(), Value::Table(sub));
            continue;
        } else {
            conflicts.push(if top && key == "termination" {
                "two different terminations: each side recorded its own [termination]".to_string()
            } else {
                format!(
                    "`{}` changed on both sides: {} → {} here, {} there",
                    dotted(path, key),
                    shown(bv),
                    shown(ov),
                    shown(tv)
                )
            });
            ov
        };
        if let Some(v) = chosen {
            out.insert(key.clone(), v.clone());
        }
    }
}

/// Where an entry of a merged record list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Src {
    /// Our entry at this index.
    Ours(usize),
    /// Their entry at this index.
    Theirs(usize),
}

enum RecordProblem {
    Conflict(Vec<String>),
    Unsupported(Unmergeable),
}

/// The date a record is ordered by: `date`, or `agreed` for extensions.
fn record_date(r: &Table) -> Option<String> {
    r.get("date").or_else(|| r.get("agreed")).map(|v| match v {
        Value::Datetime(d) => d.to_string(),
        other => other.to_string(),
    })
}

fn role(r: &Table) -> Option<&str> {
    r.get("role").and_then(Value::as_str)
}

/// The merged list of records `key`: ours in our order, minus the signatures their
/// side renewed, with every entry they added inserted in date order.
fn plan_records(key: &str, b: &[Table], o: &[Table], t: &[Table]) -> Result<Vec<Src>, RecordProblem> {
    let signatures = key == "signatures";
    // Roles a side signed anew: a signature it has that the base does not.
    let signed_anew = |side: &[Table]| -> BTreeSet<String> {
        side.iter().filter(|r| !b.contains(r)).filter_map(|r| role(r).map(str::to_string)).collect()
    };
    let (ours_new, theirs_new) = (signed_anew(o), signed_anew(t));
    let mut dropped = Vec::new();
    // What each side added: the entries it has that the base does not.
    let fresh = |side: &[Table]| -> Vec<Table> { side.iter().filter(|r| !b.contains(r)).cloned().collect() };
    for r in b {
        let (in_o, in_t) = (o.contains(r), t.contains(r));
        // Gone from both sides: edited or removed on each. Unless both made the same
        // change (or each renewed that role's signature, judged below), the two
        // changes contradict each other: neither agreed to the other's.
        let both_renewed = signatures && role(r).is_some_and(|x| ours_new.contains(x) && theirs_new.contains(x));
        if !in_o && !in_t && !both_renewed {
            let (mut ours_fresh, mut theirs_fresh) = (fresh(o), fresh(t));
            ours_fresh.sort_by_key(|r| r.to_string());
            theirs_fresh.sort_by_key(|r| r.to_string());
            if ours_fresh != theirs_fresh {
                let when = record_date(r).map_or(String::new(), |d| format!(" of {d}"));
                return Err(RecordProblem::Conflict(vec![format!(
                    "the [[{key}]] entry{when} was changed or removed on both sides, differently: neither side agreed to the other's change"
                )]));
            }
        }
        let renewed = |new: &BTreeSet<String>| signatures && role(r).is_some_and(|x| new.contains(x));
        if in_o && !in_t {
            if !renewed(&theirs_new) {
                return Err(RecordProblem::Unsupported(Unmergeable::RecordEdited {
                    side: "their",
                    key: key.to_string(),
                }));
            }
            dropped.push(r);
        } else if in_t && !in_o && !renewed(&ours_new) {
            return Err(RecordProblem::Unsupported(Unmergeable::RecordEdited { side: "our", key: key.to_string() }));
        }
    }
    let mut plan: Vec<Src> = (0..o.len()).filter(|&i| !dropped.contains(&&o[i])).map(Src::Ours).collect();
    let entry = |s: &Src| match *s {
        Src::Ours(i) => &o[i],
        Src::Theirs(j) => &t[j],
    };
    // Their additions, counted as a multiset: an entry they added twice is kept
    // twice; one both sides added (the same commit on both branches) once.
    let count = |side: &[Table], r: &Table| side.iter().filter(|x| *x == r).count();
    let mut added: Vec<usize> = Vec::new();
    for (j, r) in t.iter().enumerate() {
        let nth = t[..j].iter().filter(|x| *x == r).count() + 1;
        if nth > count(b, r).max(count(o, r)) {
            added.push(j);
        }
    }
    // Dated ones first, by date (a stable sort: same-day entries keep their order).
    added.sort_by_key(|&j| {
        let date = record_date(&t[j]);
        (date.is_none(), date)
    });
    let mut after = 0;
    for j in added {
        let at = match record_date(&t[j]) {
            Some(date) => plan
                .iter()
                .position(|s| record_date(entry(s)).is_some_and(|d| d > date))
                .map_or(plan.len(), |p| p.max(after)),
            None => plan.len(),
        };
        plan.insert(at, Src::Theirs(j));
        after = at + 1;
    }
    if signatures {
        let mut problems = Vec::new();
        // Two signatures of one role over the same terms: a role signs each version once
        // (over other terms, the older one is the record of an earlier version).
        let doubled = |list: &[&Table]| -> BTreeSet<String> {
            let mut seen: Vec<(&str, Option<&Value>, &Table)> = Vec::new();
            let mut twice = BTreeSet::new();
            for r in list {
                if let Some(x) = role(r) {
                    let terms = r.get("terms");
                    if seen.iter().any(|(y, t, other)| *y == x && *t == terms && *other != *r) {
                        twice.insert(x.to_string());
                    }
                    seen.push((x, terms, r));
                }
            }
            twice
        };
        let merged: Vec<&Table> = plan.iter().map(entry).collect();
        let (in_o, in_t) = (doubled(&o.iter().collect::<Vec<_>>()), doubled(&t.iter().collect::<Vec<_>>()));
        for r in doubled(&merged) {
            if !in_o.contains(&r) && !in_t.contains(&r) {
                let date = |side: &[Table]| {
                    side.iter()
                        .filter(|s| role(s) == Some(&r) && !b.contains(s))
                        .filter_map(record_date)
                        .next()
                        .unwrap_or_else(|| "undated".into())
                };
                problems.push(format!(
                    "two different signatures for the {r}: one here ({}), one there ({}); the {r} signs once, on one branch",
                    date(o),
                    date(t)
                ));
            }
        }
        if !problems.is_empty() {
            return Err(RecordProblem::Conflict(problems));
        }
    }
    Ok(plan)
}

/// OURS's text with the merged meaning: THEIRS's items carried onto OURS's document.
fn render(
    ours: &str,
    o: &Table,
    theirs: &str,
    merged: &Table,
    plans: &[(&str, Vec<Src>, Vec<Table>)],
) -> Result<String, Unmergeable> {
    let cannot = |e: toml_edit::TomlError| Unmergeable::NotEditable { message: e.message().to_string() };
    let mut doc: DocumentMut = ours.parse().map_err(cannot)?;
    let their_doc: DocumentMut = theirs.parse().map_err(cannot)?;
    let baseline = doc.to_string();

    let mut appends = Vec::new();
    apply(doc.as_table_mut(), o, merged, their_doc.as_table(), true, &mut appends)?;
    for (key, item) in appends {
        match item {
            Item::Table(table) => {
                edit::append_table(&mut doc, &key, table).map_err(|e| Unmergeable::Append(e.to_string()))?
            }
            Item::ArrayOfTables(array) => {
                for table in array.iter() {
                    edit::append_table_entry(&mut doc, &key, fresh_entry(table.clone()))
                        .map_err(|e| Unmergeable::Append(e.to_string()))?;
                }
            }
            other => {
                doc.insert(&key, other);
            }
        }
    }
    for (key, plan, ours_list) in plans {
        records(&mut doc, key, plan, ours_list.len(), &their_doc)?;
    }

    let text = edit::carry_over(ours, &baseline, &doc.to_string());
    match text.parse::<Table>() {
        Ok(meaning) if meaning == *merged => Ok(text),
        _ => Err(Unmergeable::MeaningChanged),
    }
}

/// Makes `target` (OURS's table at some path, semantically `o`) hold `merged`,
/// taking every changed item from `theirs` (THEIRS's table at that path). New
/// top-level tables are returned in `appends`, to be appended at the end.
fn apply(
    target: &mut dyn TableLike,
    o: &Table,
    merged: &Table,
    theirs: &dyn TableLike,
    top: bool,
    appends: &mut Vec<(String, Item)>,
) -> Result<(), Unmergeable> {
    let skip = |k: &str| top && RECORD_KEYS.contains(&k);
    for key in o.keys() {
        if !skip(key) && !merged.contains_key(key) {
            target.remove(key);
        }
    }
    for (key, mv) in merged {
        if skip(key) {
            continue;
        }
        let ov = o.get(key);
        if ov == Some(mv) {
            continue;
        }
        if let (Some(Value::Table(ot)), Value::Table(mt), false) = (ov, mv, top && key == "termination")
            && let Some(their_sub) = theirs.get(key).and_then(Item::as_table_like)
            && let Some(sub) = target.get_mut(key).and_then(Item::as_table_like_mut)
        {
            apply(sub, ot, mt, their_sub, false, appends)?;
            continue;
        }
        let Some(item) = theirs.get(key).cloned() else {
            return Err(Unmergeable::NoCounterpart { key: key.clone() });
        };
        match target.get_mut(key) {
            Some(old) => replace(old, item),
            None if top && (item.is_table() || item.is_array_of_tables()) => appends.push((key.clone(), item)),
            None => {
                let item = match item {
                    Item::Table(mut t) => {
                        clear_positions(&mut t);
                        Item::Table(t)
                    }
                    other => other,
                };
                target.insert(key, item);
            }
        }
    }
    Ok(())
}

/// Puts THEIRS's `new` where OURS's `old` is, keeping OURS's decoration (comments) around it.
fn replace(old: &mut Item, new: Item) {
    match (old, new) {
        (Item::Value(old), Item::Value(mut new)) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        (Item::Table(old), Item::Table(mut new)) => {
            clear_positions(&mut new);
            new.set_position(old.position());
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        (Item::ArrayOfTables(old), Item::ArrayOfTables(mut new)) => {
            let positions: Vec<Option<isize>> = old.iter().map(|t| t.position()).collect();
            let first_decor = old.get(0).map(|t| t.decor().clone());
            for (i, t) in new.iter_mut().enumerate() {
                clear_positions(t);
                t.set_position(positions.get(i).copied().flatten().or(positions.last().copied().flatten()));
            }
            if let (Some(decor), Some(first)) = (first_decor, new.get_mut(0)) {
                *first.decor_mut() = decor;
            }
            *old = new;
        }
        (old, Item::Table(mut new)) => {
            clear_positions(&mut new);
            *old = Item::Table(new);
        }
        (old, new) => *old = new,
    }
}

/// Forgets where `table`'s sub-tables stood in their own file, so they follow their parent here.
fn clear_positions(table: &mut toml_edit::Table) {
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => clear_positions(t),
            Item::ArrayOfTables(a) => a.iter_mut().for_each(clear_positions),
            _ => {}
        }
    }
}

/// A record entry from THEIRS, laid out afresh for OURS.
fn fresh_entry(mut table: toml_edit::Table) -> toml_edit::Table {
    clear_positions(&mut table);
    // Their comment lines above the header and a comment after it stay with the entry.
    let (comments, suffix) = edit::own_comments(&table);
    table.decor_mut().set_prefix(format!("\n{comments}"));
    table.decor_mut().set_suffix(suffix);
    table.set_implicit(false);
    table
}

/// THEIRS's record `key` number `j`, as a table (whether written as `[[key]]` or inline).
fn their_entry(their_doc: &DocumentMut, key: &str, j: usize) -> Result<toml_edit::Table, Unmergeable> {
    match their_doc.get(key) {
        Some(Item::ArrayOfTables(a)) => a.get(j).cloned(),
        Some(Item::Value(toml_edit::Value::Array(a))) => {
            a.get(j).and_then(|v| v.as_inline_table()).map(|t| t.clone().into_table())
        }
        _ => None,
    }
    .ok_or_else(|| Unmergeable::TheirEntryUnreadable { key: key.to_string(), number: j + 1 })
}

/// Makes OURS's record list `key` follow `plan`.
fn records(
    doc: &mut DocumentMut,
    key: &str,
    plan: &[Src],
    ours_len: usize,
    their_doc: &DocumentMut,
) -> Result<(), Unmergeable> {
    let kept: Vec<usize> = plan.iter().filter_map(|s| if let Src::Ours(i) = s { Some(*i) } else { None }).collect();
    if kept.len() == ours_len && plan.iter().all(|s| matches!(s, Src::Ours(_))) {
        return Ok(());
    }
    if ours_len > 0 {
        let Some(Item::ArrayOfTables(array)) = doc.get_mut(key) else {
            return Err(Unmergeable::OursNotArrayOfTables { key: key.to_string() });
        };
        if array.len() != ours_len {
            return Err(Unmergeable::OursNotEntryByEntry { key: key.to_string() });
        }
        for i in (0..ours_len).rev() {
            if !kept.contains(&i) {
                array.remove(i);
            }
        }
    }
    let mut at = 0;
    for src in plan {
        match *src {
            Src::Ours(_) => at += 1,
            Src::Theirs(j) => {
                let entry = fresh_entry(their_entry(their_doc, key, j)?);
                match doc.get_mut(key) {
                    Some(Item::ArrayOfTables(array)) if at < array.len() => {
                        let mut entry = entry;
                        entry.set_position(array.get(at).and_then(|t| t.position()));
                        array.insert(at, entry);
                    }
                    _ => edit::append_table_entry(doc, key, entry).map_err(|e| Unmergeable::Append(e.to_string()))?,
                }
                at += 1;
            }
        }
    }
    Ok(())
}

/// What the merge driver does with one file.
#[derive(Debug)]
pub struct Resolution {
    /// The bytes to write to OURS.
    pub bytes: Vec<u8>,
    /// True when the merge is complete (exit 0); false when conflicts are left for a person.
    pub clean: bool,
    /// True when merged by meaning; false when git's line-wise merge was used.
    pub by_meaning: bool,
    /// Why the file was not merged by meaning, or what contradicts.
    pub notes: Vec<String>,
}

/// The merge driver: [`merge`] by meaning, else git's line-wise merge.
///
/// After a contradiction the line-wise result always counts as a conflict
/// (markers or not, a person must look). After an unsupported input it counts
/// as clean only when git found no conflict and the result still parses as
/// TOML: an unreadable file is never reported as merged.
pub fn resolve(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: Labels<'_>,
    marker_size: usize,
) -> Result<Resolution, GitError> {
    let sides = [(base, "the common ancestor"), (ours, "our version"), (theirs, "their version")];
    // A NUL byte is never TOML, and git refuses such a side as binary: nothing can be
    // merged, so OURS is kept as it was and a person decides.
    if let Some((_, side)) = sides.iter().find(|(b, _)| b.contains(&0)) {
        let note = format!("{side} is binary (it holds a NUL byte): nothing merged, our version kept as it was");
        return Ok(Resolution { bytes: ours.to_vec(), clean: false, by_meaning: false, notes: vec![note] });
    }
    let text = |b: &[u8]| std::str::from_utf8(b).ok().map(str::to_string);
    let outcome = match (text(base), text(ours), text(theirs)) {
        (Some(b), Some(o), Some(t)) => merge(&b, &o, &t),
        _ => {
            let side = sides.iter().find(|(b, _)| std::str::from_utf8(b).is_err()).map_or("a side", |(_, s)| *s);
            Merge::Unsupported(Unmergeable::NotUtf8 { side })
        }
    };
    let (notes, contradiction) = match outcome {
        Merge::Clean(text) => {
            return Ok(Resolution { bytes: text.into_bytes(), clean: true, by_meaning: true, notes: Vec::new() });
        }
        Merge::Conflict(notes) => (notes, true),
        Merge::Unsupported(why) => (vec![why.to_string()], false),
    };
    let lines = git::merge_file(base, ours, theirs, labels, marker_size)?;
    let parses = std::str::from_utf8(&lines.bytes).is_ok_and(|t| t.parse::<Table>().is_ok());
    let clean = !contradiction && lines.conflicts == 0 && parses;
    Ok(Resolution { bytes: lines.bytes, clean, by_meaning: false, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"# Our agreement
format = 1
topics = ["leadership"]

[mentor]
name = "Ada Lovelace" # the mentor

[mentee]
name = "Grace Hopper"

[schedule]
frequency = "fortnightly"
session_minutes = 45

[term]
start = 2026-12-07
months = 6
"#;

    fn sig(role: &str, date: &str) -> String {
        format!("\n[[signatures]]\nrole = \"{role}\"\nname = \"N\"\ndate = {date}\nterms = \"sha256:x\"\n")
    }

    fn checkin(by: &str, date: &str) -> String {
        format!("\n[[checkins]]\ndate = {date}\nby = \"{by}\"\n")
    }

    fn clean(m: Merge) -> String {
        match m {
            Merge::Clean(t) => t,
            other => panic!("expected a clean merge, got {other:?}"),
        }
    }

    #[test]
    fn signatures_added_on_both_sides_are_both_kept_in_date_order() {
        let ours = format!("{BASE}{}", sig("mentor", "2026-11-30"));
        let theirs = format!("{BASE}{}", sig("mentee", "2026-11-29"));
        let out = clean(merge(BASE, &ours, &theirs));
        // Theirs is earlier, so it comes first; our text is otherwise untouched.
        assert_eq!(out, format!("{BASE}{}{}", sig("mentee", "2026-11-29"), sig("mentor", "2026-11-30")));
        let theirs = format!("{BASE}{}", sig("mentee", "2026-12-01"));
        assert_eq!(clean(merge(BASE, &ours, &theirs)), format!("{ours}{}", sig("mentee", "2026-12-01")));
    }

    #[test]
    fn the_same_record_on_both_sides_is_kept_once() {
        let both = format!("{BASE}{}", checkin("mentee", "2027-01-10"));
        assert_eq!(clean(merge(BASE, &both, &both)), both);
        let ours = format!("{both}{}", checkin("mentor", "2027-01-20"));
        assert_eq!(clean(merge(BASE, &ours, &both)), ours);
    }

    #[test]
    fn a_term_changed_on_one_side_is_carried_over_keeping_our_comments() {
        let ours = format!("{BASE}{}", checkin("mentee", "2027-01-10")).replace("[mentee]", "# her\n[mentee]");
        let theirs = BASE.replace("session_minutes = 45", "session_minutes = 60").replace("months = 6", "months = 9");
        let out = clean(merge(BASE, &ours, &theirs));
        assert_eq!(
            out,
            ours.replace("session_minutes = 45", "session_minutes = 60").replace("months = 6", "months = 9")
        );
        // A term they reformatted but did not change is not a change.
        let theirs =
            BASE.replace("[mentor]\nname = \"Ada Lovelace\" # the mentor\n", "mentor = { name = 'Ada Lovelace' }\n");
        assert_eq!(clean(merge(BASE, &ours, &theirs)), ours);
    }

    #[test]
    fn keys_added_on_their_side_arrive() {
        let theirs =
            BASE.replace("format = 1\n", "format = 1\nid = \"ada-grace\"\n") + "\n[lead]\nname = \"Alan Turing\"\n";
        let ours = format!("{BASE}{}", checkin("mentee", "2027-01-10"));
        let out = clean(merge(BASE, &ours, &theirs));
        let t: Table = out.parse().unwrap();
        assert_eq!(t["id"].as_str(), Some("ada-grace"));
        assert_eq!(t["lead"]["name"].as_str(), Some("Alan Turing"));
        assert!(out.starts_with("# Our agreement\n"));
        assert_eq!(t["checkins"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn the_same_term_changed_differently_is_a_conflict() {
        let ours = BASE.replace("session_minutes = 45", "session_minutes = 60");
        let theirs = BASE.replace("session_minutes = 45", "session_minutes = 50");
        let Merge::Conflict(why) = merge(BASE, &ours, &theirs) else { panic!() };
        assert_eq!(why, ["`schedule.session_minutes` changed on both sides: 45 → 60 here, 50 there"]);
        // Different keys of one table merge.
        let theirs = BASE.replace("fortnightly", "weekly");
        let out = clean(merge(BASE, &ours, &theirs));
        assert_eq!(out, BASE.replace("session_minutes = 45", "session_minutes = 60").replace("fortnightly", "weekly"));
    }

    #[test]
    fn two_signatures_for_one_role_or_two_terminations_conflict() {
        let ours = format!("{BASE}{}", sig("mentor", "2026-11-30"));
        let theirs = format!("{BASE}{}", sig("mentor", "2026-12-01"));
        let Merge::Conflict(why) = merge(BASE, &ours, &theirs) else { panic!() };
        assert!(
            why[0]
                .starts_with("two different signatures for the mentor: one here (2026-11-30), one there (2026-12-01)")
        );
        let end = |by: &str| format!("{BASE}\n[termination]\ndate = 2027-02-14\nby = \"{by}\"\nnotice = \"written\"\n");
        let Merge::Conflict(why) = merge(BASE, &end("mentor"), &end("mentee")) else { panic!() };
        assert!(why[0].contains("two different terminations"));
        // One termination, on one side, arrives.
        assert_eq!(clean(merge(BASE, BASE, &end("mentee"))), end("mentee"));
    }

    #[test]
    fn an_amendment_signed_on_two_branches_keeps_the_signatures_of_the_terms_in_force() {
        let new_terms = |role: &str, date: &str| sig(role, date).replace("sha256:x", "sha256:amended");
        let base = format!("{BASE}{}{}", sig("mentor", "2026-11-30"), sig("mentee", "2026-11-30"));
        let ours = format!("{base}{}", new_terms("mentor", "2027-02-01"));
        let theirs = format!("{base}{}", new_terms("mentee", "2027-02-02"));
        let t: Table = clean(merge(&base, &ours, &theirs)).parse().unwrap();
        let sigs = t["signatures"].as_array().unwrap();
        let terms: Vec<String> = sigs.iter().map(|s| format!("{} {}", s["role"], s["terms"])).collect();
        assert_eq!(
            terms,
            [
                "\"mentor\" \"sha256:x\"",
                "\"mentee\" \"sha256:x\"",
                "\"mentor\" \"sha256:amended\"",
                "\"mentee\" \"sha256:amended\""
            ]
        );
        // One role signing the amendment on both branches, differently, is still a conflict.
        let theirs = format!("{base}{}", new_terms("mentor", "2027-02-03"));
        let Merge::Conflict(why) = merge(&base, &ours, &theirs) else { panic!() };
        assert!(why[0].starts_with("two different signatures for the mentor"), "{why:?}");
    }

    #[test]
    fn a_renewed_signature_replaces_the_old_one() {
        let signed = format!("{BASE}{}", sig("mentor", "2026-11-30"));
        let ours = format!("{signed}{}", checkin("mentee", "2027-01-10"));
        let theirs = format!("{BASE}{}", sig("mentor", "2026-12-05"));
        let out = clean(merge(&signed, &ours, &theirs));
        let t: Table = out.parse().unwrap();
        let sigs = t["signatures"].as_array().unwrap();
        assert_eq!(sigs.len(), 1);
        assert_eq!(sigs[0]["date"].to_string(), "2026-12-05");
        assert_eq!(t["checkins"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn evaluations_are_records_keyed_by_their_whole_content() {
        let eval = |note: &str| {
            format!(
                "\n[[evaluations]]\ndate = 2027-02-08\nby = [\"mentor\", \"mentee\"]\nclosing = false\nworking = \"{note}\"\nprogress = [{{ goal = 1, status = \"on-track\" }}]\n"
            )
        };
        let ours = format!("{BASE}{}", eval("rhythm"));
        let theirs = format!("{BASE}{}{}", eval("rhythm"), eval("agenda"));
        let out = clean(merge(BASE, &ours, &theirs));
        assert_eq!(out, format!("{BASE}{}{}", eval("rhythm"), eval("agenda")));
    }

    #[test]
    fn what_is_not_an_agreement_is_unsupported() {
        assert!(matches!(merge("a = 1", "a = 2", "a = 3"), Merge::Unsupported(_)));
        assert!(matches!(merge(BASE, "format = ", BASE), Merge::Unsupported(_)));
        // A record edited in place is left to the line-wise merge.
        let ours = format!("{BASE}{}", checkin("mentee", "2027-01-10"));
        let theirs = format!("{BASE}{}", checkin("mentee", "2027-01-11"));
        assert!(matches!(merge(&ours, &ours, &theirs), Merge::Unsupported(_)));
    }

    #[test]
    fn a_file_added_on_both_sides_merges_from_an_empty_base() {
        let ours = format!("{BASE}{}", sig("mentor", "2026-11-30"));
        let theirs = format!("{BASE}{}", sig("mentee", "2026-12-01"));
        assert_eq!(clean(merge("", &ours, &theirs)), format!("{ours}{}", sig("mentee", "2026-12-01")));
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let crlf = |t: &str| t.replace('\n', "\r\n");
        let ours = crlf(&format!("{BASE}{}", sig("mentor", "2026-11-30")));
        let theirs = crlf(&format!("{BASE}{}", sig("mentee", "2026-12-01")));
        let out = clean(merge(&crlf(BASE), &ours, &theirs));
        assert_eq!(out, crlf(&format!("{BASE}{}{}", sig("mentor", "2026-11-30"), sig("mentee", "2026-12-01"))));
    }

    #[test]
    fn resolve_falls_back_to_markers_and_never_calls_a_contradiction_clean() {
        let ours = BASE.replace("session_minutes = 45", "session_minutes = 60");
        let theirs = BASE.replace("session_minutes = 45", "session_minutes = 50");
        let r = resolve(BASE.as_bytes(), ours.as_bytes(), theirs.as_bytes(), ["ours", "base", "theirs"], 7).unwrap();
        assert!(!r.clean && !r.by_meaning);
        let text = String::from_utf8(r.bytes).unwrap();
        assert!(
            text.contains("<<<<<<< ours\nsession_minutes = 60\n=======\nsession_minutes = 50\n>>>>>>> theirs\n"),
            "{text}"
        );
        // Not an agreement, cleanly mergeable line by line: git's result, clean.
        let r =
            resolve(b"a = 1\nx = 0\nb = 1\n", b"a = 2\nx = 0\nb = 1\n", b"a = 1\nx = 0\nb = 2\n", ["o", "b", "t"], 7)
                .unwrap();
        assert!(r.clean);
        assert_eq!(r.bytes, b"a = 2\nx = 0\nb = 2\n");
        // ...but a clean line-wise result that is not TOML is still a conflict.
        let r =
            resolve(b"a = 1\nx = 0\nb = 1\n", b"a = 2\nx = 0\nb = 1\n", b"a = 1\nx = 0\nb = [\n", ["o", "b", "t"], 7)
                .unwrap();
        assert!(!r.clean);
    }
}
