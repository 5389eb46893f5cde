//! The records commands append (`[[evaluations]]`, `[[feedback]]`), written as
//! TOML tables laid out as the format's documentation shows them. Writing lives
//! here, in the edit layer, so the models below it only read.

use crate::facts::evaluation::NewEvaluation;
use crate::feedback::{NewFeedback, sealed_value};
use crate::format::agreement::AnswerValue;
use crate::program::Visibility;

/// The `[[evaluations]]` entry, laid out as the format's documentation shows it:
/// one goal per line in `progress`.
pub fn evaluation_table(e: &NewEvaluation) -> toml_edit::Table {
    use toml_edit::{Array, InlineTable, Item, Table, Value, value};
    let mut t = Table::new();
    t.insert("date", Item::Value(super::date_value(e.date)));
    t.insert("by", value(e.by.iter().copied().collect::<Array>()));
    if e.closing {
        t.insert("closing", value(true));
    }
    for (key, text) in [("working", &e.working), ("improve", &e.improve)] {
        if let Some(text) = text {
            t.insert(key, value(text.as_str()));
        }
    }
    if !e.progress.is_empty() {
        let mut list = Array::new();
        for (goal, status, note) in &e.progress {
            let mut p = InlineTable::new();
            p.insert("goal", Value::from(i64::from(*goal)));
            p.insert("status", Value::from(status.as_str()));
            if let Some(note) = note {
                p.insert("note", Value::from(note.as_str()));
            }
            let mut v = Value::InlineTable(p);
            v.decor_mut().set_prefix("\n  ");
            list.push_formatted(v);
        }
        list.set_trailing_comma(true);
        list.set_trailing("\n");
        t.insert("progress", value(list));
    }
    t
}

/// The `[[feedback]]` entry: `pair` answers in an inline table, `sealed`
/// (the armored block of the `team` answers) as a multi-line string.
pub fn feedback_table(f: &NewFeedback, sealed: Option<&str>) -> toml_edit::Table {
    use toml_edit::{InlineTable, Item, Table, Value, value};
    let mut t = Table::new();
    t.insert("date", Item::Value(super::date_value(f.date)));
    t.insert("form", value(f.form.as_str()));
    t.insert("by", value(f.by));
    let mut pair = InlineTable::new();
    for (id, vis, a) in &f.answers {
        if *vis == Visibility::Pair {
            let v = match a {
                AnswerValue::Integer(n) => Value::from(*n),
                AnswerValue::Boolean(b) => Value::from(*b),
                AnswerValue::Text(s) => Value::from(s.as_str()),
                AnswerValue::Other(w) => Value::from(*w),
            };
            pair.insert(id, v);
        }
    }
    if !pair.is_empty() {
        t.insert("answers", value(pair));
    }
    if let Some(block) = sealed {
        t.insert("sealed", Item::Value(sealed_value(block)));
    }
    t
}
