//! The one declarative table of the agreement format's keys (format 1): for
//! each table and array of tables, each key's name, the kind of value it takes,
//! whether it is required, whether it is a record (written after signing, not
//! part of the signed terms) or a term, and whether its text may span lines.
//!
//! Everything that needs to know the keys reads them here: the parser's
//! unknown-key and missing-key checks and its multi-line texts
//! ([`crate::format::agreement`]), the keys left out of the signed terms
//! ([`crate::format::terms::EXCLUDED_KEYS`]), the record lists a merge and a
//! diff go through ([`RECORD_LISTS`]), the keys that tell an agreement from
//! other TOML ([`AGREEMENT_KEYS`]) and the language server's completions. The
//! JSON schema is generated from serde types; its unit tests hold its
//! properties and `required` lists equal to this table, table by table.
//!
//! The name lists ([`ROOT`], [`PERSON`], …) are in the order the keys are
//! declared, which is the order messages list them in ("known keys here: …").

/// The kind of value a key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// A whole number.
    Integer,
    /// A positive whole number (months, weeks).
    Count,
    /// `true` or `false`.
    Boolean,
    /// A TOML local date (2026-12-07).
    Date,
    /// An array of strings.
    Texts,
    /// An array of dates.
    Dates,
    /// A table with the given keys.
    Table(&'static Keys),
    /// An array of tables with the given keys (`[[name]]` or `name = [{…}]`).
    Tables(&'static Keys),
    /// A table of free keys (a feedback form's answers, keyed by question id).
    Map,
}

/// One key of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key as written.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Every table of its kind must have it.
    pub required: bool,
    /// A record, not a term: written after signing (signatures, check-ins,
    /// termination…) and left out of the signed terms. Only top-level keys are
    /// records; a nested key belongs to whatever its table is.
    pub record: bool,
    /// Its text may span lines (line breaks, carriage returns and tabs allowed);
    /// every other text is one line.
    pub multi_line: bool,
    /// One of the top-level keys one of which every agreement has: a file with
    /// none of them is some other TOML, such as a `Cargo.toml`.
    pub marks_agreement: bool,
}

impl Key {
    const fn new(name: &'static str, kind: Kind) -> Key {
        Key { name, kind, required: false, record: false, multi_line: false, marks_agreement: false }
    }

    const fn required(mut self) -> Key {
        self.required = true;
        self
    }

    const fn record(mut self) -> Key {
        self.record = true;
        self
    }

    const fn multi_line(mut self) -> Key {
        self.multi_line = true;
        self
    }

    const fn marks_agreement(mut self) -> Key {
        self.marks_agreement = true;
        self
    }

    /// The keys of the table (or of each entry) it holds, if it holds tables of known keys.
    pub fn table(&self) -> Option<&'static Keys> {
        match self.kind {
            Kind::Table(k) | Kind::Tables(k) => Some(k),
            _ => None,
        }
    }
}

/// The keys of one kind of table, in declaration order.
#[derive(Debug, PartialEq, Eq)]
pub struct Keys {
    /// Every key.
    pub keys: &'static [Key],
    /// Their names, in the same order.
    pub names: &'static [&'static str],
}

impl Keys {
    /// The key named `name`.
    pub fn get(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// The names of the required keys, in declaration order.
    pub fn required(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.keys.iter().filter(|k| k.required).map(|k| k.name)
    }

    /// True when `name` is a key here whose text may span lines.
    pub fn multi_line(&self, name: &str) -> bool {
        self.get(name).is_some_and(|k| k.multi_line)
    }
}

/// The names of `keys`, in order.
const fn names<const N: usize>(keys: &[Key]) -> [&'static str; N] {
    assert!(keys.len() == N, "one name per key");
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = keys[i].name;
        i += 1;
    }
    out
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A property of top-level keys, for the lists derived at compile time.
#[derive(Clone, Copy)]
enum Pick {
    /// Records.
    Record,
    /// Records that are arrays of tables.
    RecordList,
    /// Keys that mark an agreement.
    MarksAgreement,
}

impl Pick {
    const fn test(self, k: &Key) -> bool {
        match self {
            Pick::Record => k.record,
            Pick::RecordList => k.record && matches!(k.kind, Kind::Tables(_)),
            Pick::MarksAgreement => k.marks_agreement,
        }
    }
}

/// How many top-level keys have the property.
const fn count(p: Pick) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < ROOT_KEYS.len() {
        if p.test(&ROOT_KEYS[i]) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The names of the top-level keys that have the property, in declaration order.
const fn pick<const N: usize>(p: Pick) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut n) = (0, 0);
    while i < ROOT_KEYS.len() {
        if p.test(&ROOT_KEYS[i]) {
            out[n] = ROOT_KEYS[i].name;
            n += 1;
        }
        i += 1;
    }
    assert!(n == N, "the count does not match the table");
    out
}

macro_rules! table {
    ($(#[$doc:meta])* $spec:ident, $names:ident, [$($key:expr),* $(,)?]) => {
        $(#[$doc])*
        pub const $spec: Keys = {
            const KEYS: &[Key] = &[$($key),*];
            const NAMES: [&str; KEYS.len()] = names(KEYS);
            Keys { keys: KEYS, names: &NAMES }
        };
        $(#[$doc])*
        pub const $names: &[&str] = $spec.names;
    };
}

use Kind::{Boolean, Count, Date, Dates, Integer, Map, Table, Tables, Text, Texts};

const fn key(name: &'static str, kind: Kind) -> Key {
    Key::new(name, kind)
}

table!(
    /// `[mentor]`, `[mentee]`, `[lead]`.
    PERSON_KEYS,
    PERSON,
    [key("name", Text).required(), key("email", Text)]
);

table!(
    /// `[schedule]`.
    SCHEDULE_KEYS,
    SCHEDULE,
    [
        key("frequency", Text).required(),
        key("session_minutes", Integer).required(),
        key("modes", Texts).required(),
        key("also_via", Texts),
    ]
);

table!(
    /// `[term]`.
    TERM_KEYS,
    TERM,
    [key("start", Date).required(), key("months", Count), key("weeks", Count)]
);

table!(
    /// `[reviews]`.
    REVIEWS_KEYS,
    REVIEWS,
    [key("every_months", Count), key("dates", Dates)]
);

table!(
    /// `[[goals]]`.
    GOAL_KEYS,
    GOAL,
    [key("goal", Text).required(), key("measure", Text), key("why", Text).multi_line(), key("due", Date)]
);

table!(
    /// `[[signatures]]`.
    SIGNATURE_KEYS,
    SIGNATURE,
    [
        key("role", Text).required(),
        key("name", Text).required(),
        key("date", Date).required(),
        key("terms", Text).required(),
        key("signer", Text),
        key("sig", Text).multi_line(),
        key("extension", Date),
        key("termination", Date),
    ]
);

table!(
    /// `[[extensions]]`.
    EXTENSION_KEYS,
    EXTENSION,
    [key("months", Count), key("weeks", Count), key("agreed", Date).required(), key("by", Texts).required()]
);

table!(
    /// `[[checkins]]`.
    CHECKIN_KEYS,
    CHECKIN,
    [key("date", Date).required(), key("by", Text).required(), key("note", Text)]
);

table!(
    /// One entry of `evaluations.progress`.
    PROGRESS_KEYS,
    PROGRESS,
    [key("goal", Integer).required(), key("status", Text).required(), key("note", Text)]
);

table!(
    /// `[[evaluations]]`.
    EVALUATION_KEYS,
    EVALUATION,
    [
        key("date", Date).required(),
        key("by", Texts).required(),
        key("closing", Boolean),
        key("working", Text).multi_line(),
        key("improve", Text).multi_line(),
        key("progress", Tables(&PROGRESS_KEYS)),
    ]
);

table!(
    /// `[[feedback]]`.
    FEEDBACK_KEYS,
    FEEDBACK,
    [
        key("date", Date).required(),
        key("form", Text).required(),
        key("by", Text).required(),
        key("answers", Map),
        key("sealed", Text).multi_line(),
    ]
);

table!(
    /// `[termination]`.
    TERMINATION_KEYS,
    TERMINATION,
    [
        key("date", Date).required(),
        key("by", Text).required(),
        key("notice", Text),
        key("reason", Text),
        key("reported", Date),
        key("hearing", Date),
    ]
);

/// The top level, as an array (the derived lists below are worked out from it
/// at compile time).
const ROOT_KEYS: [Key; 16] = [
    // Missing, it is a `format-version` problem rather than a missing key.
    key("format", Integer).required().marks_agreement(),
    key("id", Text),
    key("topics", Texts),
    key("mentor", Table(&PERSON_KEYS)).required().marks_agreement(),
    key("mentee", Table(&PERSON_KEYS)).required().marks_agreement(),
    key("lead", Table(&PERSON_KEYS)).required(),
    key("schedule", Table(&SCHEDULE_KEYS)).required(),
    key("term", Table(&TERM_KEYS)).required(),
    key("reviews", Table(&REVIEWS_KEYS)),
    key("goals", Tables(&GOAL_KEYS)),
    key("signatures", Tables(&SIGNATURE_KEYS)).record(),
    key("extensions", Tables(&EXTENSION_KEYS)).record(),
    key("checkins", Tables(&CHECKIN_KEYS)).record(),
    key("evaluations", Tables(&EVALUATION_KEYS)).record(),
    key("feedback", Tables(&FEEDBACK_KEYS)).record(),
    key("termination", Table(&TERMINATION_KEYS)).record(),
];

/// The top level.
pub const ROOT_TABLE: Keys = Keys { keys: &ROOT_KEYS, names: &ROOT_NAMES };
const ROOT_NAMES: [&str; ROOT_KEYS.len()] = names(&ROOT_KEYS);
/// The top level's key names.
pub const ROOT: &[&str] = ROOT_TABLE.names;

/// The top-level keys that are records (not part of the signed terms), in declaration order.
pub const RECORDS: [&str; count(Pick::Record)] = pick(Pick::Record);

/// The keys one of which every agreement has at the top: edits and `terms` refuse
/// TOML with none of them.
pub const AGREEMENT_KEYS: [&str; count(Pick::MarksAgreement)] = pick(Pick::MarksAgreement);

/// The records that are arrays of tables (lists that only ever grow), in the
/// order a merge and a diff go through them. The order is declared here; the
/// set must be the table's (a compile error otherwise).
pub const RECORD_LISTS: [&str; count(Pick::RecordList)] =
    in_order(["signatures", "checkins", "evaluations", "extensions", "feedback"], Pick::RecordList);

/// `order` itself, once it is checked to name each top-level key passing `pick`
/// exactly once and nothing else.
const fn in_order<const N: usize>(order: [&'static str; N], pick: Pick) -> [&'static str; N] {
    assert!(N == count(pick), "the order names as many keys as the table has");
    let mut i = 0;
    while i < N {
        let mut found = 0;
        let mut j = 0;
        while j < ROOT_KEYS.len() {
            if str_eq(ROOT_KEYS[j].name, order[i]) {
                assert!(pick.test(&ROOT_KEYS[j]), "the order names a key the table does not");
                found += 1;
            }
            j += 1;
        }
        assert!(found == 1, "the order names a key the table does not have");
        let mut j = 0;
        while j < i {
            assert!(!str_eq(order[i], order[j]), "the order names a key twice");
            j += 1;
        }
        i += 1;
    }
    order
}

/// The keys of the table at a dotted `path` ("" for the top level,
/// "evaluations.progress" for a progress entry).
pub fn at(path: &str) -> Option<&'static Keys> {
    if path.is_empty() {
        return Some(&ROOT_TABLE);
    }
    let mut keys = &ROOT_TABLE;
    for part in path.split('.') {
        keys = keys.get(part)?.table()?;
    }
    Some(keys)
}

/// Every table path ("" for the top level) and its keys, parents before children.
pub fn tables() -> Vec<(String, &'static Keys)> {
    fn walk(path: String, keys: &'static Keys, out: &mut Vec<(String, &'static Keys)>) {
        out.push((path.clone(), keys));
        for k in keys.keys {
            if let Some(inner) = k.table() {
                let p = if path.is_empty() { k.name.to_string() } else { format!("{path}.{}", k.name) };
                walk(p, inner, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(String::new(), &ROOT_TABLE, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_lists() {
        assert_eq!(RECORDS, ["signatures", "extensions", "checkins", "evaluations", "feedback", "termination"]);
        assert_eq!(AGREEMENT_KEYS, ["format", "mentor", "mentee"]);
        assert_eq!(RECORD_LISTS, ["signatures", "checkins", "evaluations", "extensions", "feedback"]);
        assert_eq!(at("evaluations.progress"), Some(&PROGRESS_KEYS));
        assert_eq!(at("lead"), Some(&PERSON_KEYS));
        assert_eq!(at("schedule.modes"), None);
    }

    /// Names are unique per table and match the name lists; only top-level keys
    /// are records or mark an agreement.
    #[test]
    fn the_table_is_consistent() {
        let tables = tables();
        assert_eq!(tables.len(), 15, "the top level, 3 people, 3 term tables, 6 arrays, progress, termination");
        for (path, keys) in tables {
            let names: Vec<&str> = keys.keys.iter().map(|k| k.name).collect();
            assert_eq!(names, keys.names, "[{path}]");
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "[{path}]");
            if !path.is_empty() {
                assert!(keys.keys.iter().all(|k| !k.record && !k.marks_agreement), "[{path}]");
            }
            for k in keys.keys {
                assert!(!k.multi_line || k.kind == Kind::Text, "[{path}] {}", k.name);
            }
        }
    }

    /// The prose that lists the records (what a signature does not cover) lists the table's.
    #[test]
    fn the_docs_list_the_records() {
        let (last, rest) = RECORDS.split_last().unwrap();
        let rest: Vec<String> = rest.iter().map(|k| format!("`{k}`")).collect();
        let listed = format!("{} and `{last}`", rest.join(", "));
        for doc in ["docs/format.md", "README.md"] {
            let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&listed), "{doc} lists the records as {listed}");
        }
    }
}
