//! Three sides of a merge from one byte string, split at the first two 0x1E
//! bytes (ASCII's record separator: `printf 'BASE\x1eOURS\x1eTHEIRS'` makes a
//! seed), through the merge by meaning. It must never panic, and a clean result
//! must parse, be an agreement, and hold every record either side added.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mentor_agree::versions::merge::{self, Merge, RECORD_KEYS};

fn records(text: &str) -> Vec<(&'static str, toml::Value)> {
    let Ok(table) = text.parse::<toml::Table>() else { return Vec::new() };
    let mut out = Vec::new();
    for key in RECORD_KEYS {
        for entry in table.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
            out.push((key, entry.clone()));
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0x1e).map(String::from_utf8_lossy);
    let (base, ours, theirs) =
        (parts.next().unwrap_or_default(), parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    if let Merge::Clean(text) = merge::merge(&base, &ours, &theirs) {
        let table: toml::Table = text.parse().expect("a clean merge parses");
        assert!(table.contains_key("format"), "a clean merge is an agreement");
        let (merged, old) = (records(&text), records(&base));
        for record in records(&ours).into_iter().chain(records(&theirs)) {
            assert!(old.contains(&record) || merged.contains(&record), "a record was lost: {record:?}");
        }
    }
});
