//! The terms a signature covers: canonical bytes and their digest.
//!
//! Terms are the agreement's own keys as written (no defaults filled in) minus
//! the records ([`EXCLUDED_KEYS`]: `signatures`, `extensions`, `checkins`,
//! `evaluations`, `feedback` and `termination`). The canonical form
//! is JSON with keys sorted by code point and no insignificant whitespace:
//!
//! - strings, booleans and arrays as themselves; tables as objects;
//! - integers in decimal (`0x1F`, `+6` and `1_000` as `31`, `6`, `1000`); one
//!   beyond 128 bits, which has no number here, as `[null,"integer","…"]` with
//!   its digits (and its `0x`, `0o` or `0b`), so never as the string of them;
//! - finite floats in the shortest form that reads back the same (`1.50` as
//!   `1.5`, `1.0` stays `1.0`, so never the same as the integer `1`);
//! - TOML dates, times and datetimes as JSON strings of their TOML text
//!   (`"2026-12-07"`, `"1979-05-27T07:32:00Z"`), and NaN and the infinities as
//!   `"nan"`, `"inf"` and `"-inf"`;
//! - a **string** that those would be confused with (one that reads as a TOML
//!   date, time or datetime, or is `nan`, `inf`, `+inf` or `-inf`) as
//!   `[null,"…"]`. TOML has no null, so nothing else is written that way.
//!
//! So the form is type-exact: `start = 2026-12-07` and `start = "2026-12-07"`
//! differ, as do `1`, `1.0` and `"1"`, while the terms of every agreement with no
//! such string keep the bytes (and digests) they had before the tag was added.
//! Comments, key order, quoting style and table style do not change it; any
//! change of meaning, value or type does.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use toml::de::{DeTable, DeValue};

/// Top-level keys that are not part of the terms (they record what happens after
/// signing): the key table's [records](crate::format::keys::Key::record).
pub const EXCLUDED_KEYS: [&str; 6] = crate::format::keys::RECORDS;

/// Canonical terms bytes of a parsed document.
pub fn canonical_from_table(root: &DeTable<'_>) -> String {
    let mut out = String::with_capacity(1024);
    write_table(&mut out, root, true);
    out
}

/// `sha256:<hex>` of canonical terms bytes.
pub fn digest(canonical: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(canonical.as_bytes())))
}

fn write_table(out: &mut String, table: &DeTable<'_>, top: bool) {
    let mut entries: Vec<_> =
        table.iter().filter(|(k, _)| !(top && EXCLUDED_KEYS.contains(&k.get_ref().as_ref()))).collect();
    entries.sort_by(|a, b| a.0.get_ref().cmp(b.0.get_ref()));
    out.push('{');
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, k.get_ref());
        out.push(':');
        write_value(out, v.get_ref());
    }
    out.push('}');
}

fn write_value(out: &mut String, value: &DeValue<'_>) {
    match value {
        DeValue::String(s) if looks_like_another_type(s) => {
            out.push_str("[null,");
            write_string(out, s);
            out.push(']');
        }
        DeValue::String(s) => write_string(out, s),
        DeValue::Integer(i) => match i128::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => {
                let _ = write!(out, "{n}");
            }
            // Beyond i128: tagged, so that it never reads as the string of its digits.
            Err(_) => {
                out.push_str("[null,\"integer\",");
                write_string(out, &big_integer_text(i.as_str(), i.radix()));
                out.push(']');
            }
        },
        DeValue::Float(f) => match parse_float(f.as_str()) {
            Some(x) if x.is_finite() => {
                // serde_json prints the shortest round-trip form, so 1.50 and 1.5 agree.
                out.push_str(&serde_json::Number::from_f64(x).map_or_else(|| x.to_string(), |n| n.to_string()));
            }
            Some(x) if x.is_nan() => write_string(out, "nan"),
            Some(x) => write_string(out, if x > 0.0 { "inf" } else { "-inf" }),
            // Not reached for a float the TOML parser accepted.
            None => write_string(out, f.as_str()),
        },
        DeValue::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        DeValue::Datetime(dt) => write_string(out, &dt.to_string()),
        DeValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item.get_ref());
            }
            out.push(']');
        }
        DeValue::Table(t) => write_table(out, t, false),
    }
}

/// The text of an integer too large for i128: its digits, without `+`, with the
/// TOML prefix of its radix.
fn big_integer_text(digits: &str, radix: u32) -> String {
    let digits = digits.replace('_', "");
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    let prefix = match radix {
        16 => "0x",
        8 => "0o",
        2 => "0b",
        _ => "",
    };
    match digits.strip_prefix('-') {
        Some(rest) => format!("-{prefix}{rest}"),
        None => format!("{prefix}{digits}"),
    }
}

/// True for a string whose JSON text could also be that of a date, a time, a
/// datetime, NaN or an infinity: such strings are tagged.
fn looks_like_another_type(s: &str) -> bool {
    matches!(s, "nan" | "inf" | "+inf" | "-inf") || s.parse::<toml::value::Datetime>().is_ok()
}

/// A TOML float's text (`1_000.5`, `+inf`, `-nan`) as an `f64`.
fn parse_float(text: &str) -> Option<f64> {
    let text = text.replace('_', "");
    match text.trim_start_matches(['+', '-']) {
        "nan" => Some(f64::NAN),
        "inf" => Some(if text.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY }),
        _ => text.parse().ok(),
    }
}

fn write_string(out: &mut String, s: &str) {
    // serde_json's string escaping is the canonical JSON one (RFC 8259 minimal escapes).
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// Version of the signature statement layout, written into every statement.
pub const STATEMENT_VERSION: u32 = 1;

/// The bytes an SSH signature covers: who signed (role and name), when (date) and
/// what (the terms digest), as compact JSON with keys in code-point order and no
/// final newline:
///
/// ```text
/// {"date":"2026-11-20","name":"Ada Lovelace","role":"mentor","statement":1,"terms":"sha256:…"}
/// ```
///
/// Strings are escaped as in the canonical terms; the name is taken exactly as the
/// signature writes it. `mentor-agree terms FILE --statement ROLE` prints these bytes.
pub fn statement(role: &str, name: &str, date: chrono::NaiveDate, digest: &str) -> String {
    let mut out = String::with_capacity(160 + name.len());
    out.push_str("{\"date\":");
    write_string(&mut out, &date.format("%Y-%m-%d").to_string());
    out.push_str(",\"name\":");
    write_string(&mut out, name);
    out.push_str(",\"role\":");
    write_string(&mut out, role);
    let _ = write!(out, ",\"statement\":{STATEMENT_VERSION},\"terms\":");
    write_string(&mut out, digest);
    out.push('}');
    out
}

/// The bytes a consent's SSH signature covers: who consents (role, name, date),
/// to which agreement (its terms digest when they signed) and to which record,
/// as written. Compact JSON with sorted keys, like [`statement`]:
///
/// ```text
/// {"date":"2027-05-20","extension":{"agreed":"2027-05-20","by":["mentor","mentee"],"months":3},
///  "name":"Ada Lovelace","role":"mentor","statement":1,"terms":"sha256:…"}
/// ```
///
/// (on one line; a termination's is under `"termination"`, with its `by`, `date`,
/// `hearing`, `notice`, `reason` and `reported` as written, absent ones left out).
pub fn consent_statement(
    role: &str,
    name: &str,
    date: chrono::NaiveDate,
    digest: &str,
    record: &crate::format::agreement::Agreement,
    which: crate::format::agreement::RecordRef,
) -> Option<String> {
    use crate::format::agreement::RecordRef;
    use serde_json::{Map, Value};
    let day = |d: chrono::NaiveDate| Value::String(d.format("%Y-%m-%d").to_string());
    let mut fields = Map::new();
    let key = match which {
        RecordRef::Extension(agreed) => {
            let e = record.extensions.iter().find(|e| e.agreed.as_ref().is_some_and(|a| a.value == agreed))?;
            fields.insert("agreed".into(), day(agreed));
            if let Some(by) = &e.by {
                fields.insert("by".into(), by.value.iter().map(|r| Value::String(r.value.clone())).collect());
            }
            if let Some(m) = &e.months {
                fields.insert("months".into(), m.value.into());
            }
            if let Some(w) = &e.weeks {
                fields.insert("weeks".into(), w.value.into());
            }
            "extension"
        }
        RecordRef::Termination(on) => {
            let t = record.termination.as_ref().filter(|t| t.date.as_ref().is_some_and(|d| d.value == on))?;
            fields.insert("date".into(), day(on));
            for (k, v) in [("by", &t.by), ("notice", &t.notice), ("reason", &t.reason)] {
                if let Some(v) = v {
                    fields.insert(k.into(), Value::String(v.value.clone()));
                }
            }
            for (k, v) in [("hearing", &t.hearing), ("reported", &t.reported)] {
                if let Some(v) = v {
                    fields.insert(k.into(), day(v.value));
                }
            }
            "termination"
        }
    };
    // Keys in sorted order at both levels, whatever map serde_json was built with.
    let object = |mut entries: Vec<(String, String)>| {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = String::from("{");
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(&mut out, k);
            out.push(':');
            out.push_str(v);
        }
        out.push('}');
        out
    };
    let text = |s: &str| {
        let mut out = String::new();
        write_string(&mut out, s);
        out
    };
    let record = object(fields.into_iter().map(|(k, v)| (k, v.to_string())).collect());
    let out = object(vec![
        ("date".into(), text(&date.format("%Y-%m-%d").to_string())),
        (key.into(), record),
        ("name".into(), text(name)),
        ("role".into(), text(role)),
        ("statement".into(), STATEMENT_VERSION.to_string()),
        ("terms".into(), text(digest)),
    ]);
    Some(out)
}

/// Canonical terms of agreement text, or `None` if it is not valid TOML.
pub fn canonical(text: &str) -> Option<String> {
    DeTable::parse(text).ok().map(|t| canonical_from_table(t.get_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"format = 1
topics = ["leadership"]
[mentor]
name = "Ada Lovelace"
email = "ada@example.org"
[term]
start = 2026-12-07
months = 6
[[goals]]
goal = "Run retros"
due = 2027-03-15
[[signatures]]
role = "mentor"
name = "Ada Lovelace"
date = 2026-11-30
terms = "sha256:x"
"#;

    #[test]
    fn an_integer_beyond_128_bits_never_digests_as_the_string_of_its_digits() {
        let big = "340282366920938463463374607431768211456"; // 2^128
        let with = |value: &str| canonical(&BASE.replace("months = 6", &format!("months = {value}"))).unwrap();
        let number = with(big);
        assert_ne!(digest(&number), digest(&with(&format!("\"{big}\""))));
        assert!(number.contains(&format!("\"months\":[null,\"integer\",\"{big}\"]")), "{number}");
        // Formatting still does not count; the radix is kept; in-range integers are as before.
        assert_eq!(number, with("340_282_366_920_938_463_463_374_607_431_768_211_456"));
        assert_eq!(number, with(&format!("+{big}")));
        assert!(with(&format!("-{big}1")).contains(&format!("[null,\"integer\",\"-{big}1\"]")));
        assert!(
            with("0xffffffffffffffffffffffffffffffffff")
                .contains("[null,\"integer\",\"0xffffffffffffffffffffffffffffffffff\"]")
        );
        assert!(
            with("170141183460469231731687303715884105727")
                .contains("\"months\":170141183460469231731687303715884105727,")
        );
    }

    #[test]
    fn canonical_bytes_are_sorted_compact_json() {
        assert_eq!(
            canonical(BASE).unwrap(),
            r#"{"format":1,"goals":[{"due":"2027-03-15","goal":"Run retros"}],"mentor":{"email":"ada@example.org","name":"Ada Lovelace"},"term":{"months":6,"start":"2026-12-07"},"topics":["leadership"]}"#
        );
    }

    #[test]
    fn formatting_does_not_change_the_digest() {
        let reformatted = r#"# our agreement
topics = [ 'leadership', ]   # one topic
mentor = { email = "ada@example.org", name = "Ada\u0020Lovelace" }
format = 0x1
goals = [ { goal = """Run retros""", due = 2027-03-15 } ]

[term]
months = +6
start = 2026-12-07

[[extensions]]
months = 3
agreed = 2027-05-01
by = ["mentor", "mentee"]
"#;
        assert_eq!(digest(&canonical(BASE).unwrap()), digest(&canonical(reformatted).unwrap()));
    }

    #[test]
    fn any_change_of_meaning_changes_the_digest() {
        let base = digest(&canonical(BASE).unwrap());
        for (from, to) in [
            ("months = 6", "months = 7"),
            ("Ada Lovelace\"\nemail", "Ada  Lovelace\"\nemail"),
            ("2027-03-15", "2027-03-16"),
            ("[\"leadership\"]", "[\"leadership\", \"career\"]"),
            ("format = 1\n", "format = 1\nid = \"x\"\n"),
            // The same text, another type.
            ("start = 2026-12-07", "start = \"2026-12-07\""),
            ("months = 6", "months = 6.0"),
            ("months = 6", "months = \"6\""),
            ("format = 1\n", "format = 1\nx = nan\n"),
        ] {
            let changed = BASE.replacen(from, to, 1);
            assert_ne!(changed, BASE, "replacement {from:?} did not apply");
            assert_ne!(digest(&canonical(&changed).unwrap()), base, "{from} -> {to}");
        }
    }

    #[test]
    fn statement_bytes_are_fixed_and_escaped() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(
            statement("mentor", "Ada Lovelace", day, "sha256:ab"),
            r#"{"date":"2026-11-20","name":"Ada Lovelace","role":"mentor","statement":1,"terms":"sha256:ab"}"#
        );
        // A name cannot break out of its string, so no two statements share bytes.
        assert_eq!(
            statement("lead", "A\",\"role\":\"x\n", day, "d"),
            r#"{"date":"2026-11-20","name":"A\",\"role\":\"x\n","role":"lead","statement":1,"terms":"d"}"#
        );
        let parsed: serde_json::Value =
            serde_json::from_str(&statement("lead", "A\",\"role\":\"x\n", day, "d")).unwrap();
        assert_eq!(parsed["name"], "A\",\"role\":\"x\n");
        assert_eq!(parsed["role"], "lead");
    }

    #[test]
    fn values_of_other_types_never_share_bytes() {
        let one = |value: &str| canonical(&format!("x = {value}")).unwrap();
        let forms: Vec<String> = [
            "2026-12-07",
            "\"2026-12-07\"",
            "1979-05-27T07:32:00Z",
            "\"1979-05-27T07:32:00Z\"",
            "07:32:00",
            "\"07:32:00\"",
            "nan",
            "\"nan\"",
            "-inf",
            "\"-inf\"",
            "1",
            "1.0",
            "\"1\"",
            "true",
            "\"true\"",
            "[\"2026-12-07\"]",
            "[2026-12-07]",
        ]
        .iter()
        .map(|v| one(v))
        .collect();
        for (i, a) in forms.iter().enumerate() {
            for b in &forms[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(one("\"2026-12-07\""), r#"{"x":[null,"2026-12-07"]}"#);
        assert_eq!(one("2026-12-07"), r#"{"x":"2026-12-07"}"#);
        assert_eq!(one("-nan"), one("+nan"));
        assert_eq!(one("1_000.5"), r#"{"x":1000.5}"#);
    }

    #[test]
    fn digest_is_sha256_hex() {
        assert_eq!(digest(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
