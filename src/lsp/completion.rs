//! Completion: table names, the keys a table accepts and does not have yet, and
//! the values a key takes (frequencies, roles, notice, the program's modes).

use lsp_types::{CompletionItem, CompletionItemKind, Position};

use super::text::{Text, keys_in_table, table_at};
use crate::format::agreement::{GoalStatus, keys};
use crate::format::role::Role;
use crate::program::Program;

/// Top-level keys written as `[[name]]` entries.
const ARRAYS: &[&str] = &["goals", "signatures", "extensions", "checkins", "evaluations", "feedback"];
/// Top-level keys that hold plain values.
const VALUES: &[&str] = &["format", "id", "topics"];

/// The keys of a table, by its header name.
fn table_keys(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "mentor" | "mentee" | "lead" => keys::PERSON,
        "schedule" => keys::SCHEDULE,
        "term" => keys::TERM,
        "reviews" => keys::REVIEWS,
        "goals" => keys::GOAL,
        "signatures" => keys::SIGNATURE,
        "extensions" => keys::EXTENSION,
        "checkins" => keys::CHECKIN,
        "termination" => keys::TERMINATION,
        "evaluations" => keys::EVALUATION,
        "evaluations.progress" => keys::PROGRESS,
        "feedback" => keys::FEEDBACK,
        _ => return None,
    })
}

/// The values a key takes, when it has a fixed set (or the program gives one).
fn values(table: Option<&str>, key: &str, program: Option<&Program>) -> Vec<String> {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    match (table, key) {
        (Some("schedule"), "frequency") => match program {
            Some(p) if !p.rules.schedule.frequencies.is_empty() => p.rules.schedule.frequencies.clone(),
            _ => strings(&["weekly", "fortnightly", "monthly", "every 3 weeks"]),
        },
        (Some("schedule"), "modes" | "also_via") => match program {
            Some(p) if !p.rules.schedule.modes.is_empty() => p.rules.schedule.modes.clone(),
            _ => strings(&["video call", "in person", "phone call"]),
        },
        (Some("signatures"), "role") => Role::SIGNERS.iter().map(|r| r.as_str().to_string()).collect(),
        (Some("checkins"), "by") => strings(&Role::names_of(Role::REPORTERS)),
        (Some("feedback"), "by") => strings(&Role::names_of(Role::SIGNERS)),
        (Some("feedback"), "form") => {
            program.map(|p| p.forms.iter().map(|f| f.id.clone()).collect()).unwrap_or_default()
        }
        (Some("termination"), "by") => strings(&Role::names_of(Role::TERMINATORS)),
        (Some("extensions"), "by") => strings(&Role::names_of(Role::PARTIES)),
        (Some("termination"), "notice") => strings(&["written"]),
        (Some("evaluations"), "by") => strings(&Role::names_of(Role::SIGNERS)),
        (Some("evaluations" | "evaluations.progress"), "status") => {
            GoalStatus::ALL.iter().map(|s| s.as_str().to_string()).collect()
        }
        _ => Vec::new(),
    }
}

/// The completions at `pos`.
pub(super) fn complete(text: &Text<'_>, program: Option<&Program>, pos: Position) -> Vec<CompletionItem> {
    let line_no = pos.line as usize;
    let start = text.line_range(line_no).start;
    let before = &text.text[start..text.offset(pos).max(start)];
    let table = table_at(text, line_no);
    let trimmed = before.trim_start();

    // A header being written: table names.
    if trimmed.starts_with('[') && !trimmed.contains(']') {
        let array = trimmed.starts_with("[[");
        return keys::ROOT
            .iter()
            .filter(|k| !VALUES.contains(k) && ARRAYS.contains(k) == array)
            .map(|k| item(k, k, CompletionItemKind::MODULE, format!("[{}]", if array { "[…]" } else { "…" })))
            .collect();
    }

    // After `key =`: the values it takes (the nearest key, for inline tables).
    if let Some(eq) = before.rfind('=') {
        let head = before[..eq].trim_end();
        let key = &head[head.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '-').len()..];
        if key.is_empty() {
            return Vec::new();
        }
        let quoted = before[eq + 1..].contains('"');
        let name = table.as_ref().map(|(n, _, _)| n.as_str());
        return values(name, key, program)
            .into_iter()
            .map(|v| {
                let insert = if quoted { v.clone() } else { format!("\"{v}\"") };
                item(&v, &insert, CompletionItemKind::VALUE, key.to_string())
            })
            .collect();
    }

    // A key: those the table accepts and does not have yet.
    let (known, header_line): (&[&str], Option<usize>) = match &table {
        None => (keys::ROOT, None),
        Some((name, l, _)) => match table_keys(name) {
            Some(k) => (k, Some(*l)),
            None => return Vec::new(),
        },
    };
    let present = keys_in_table(text, header_line);
    known
        .iter()
        .filter(|k| !present.iter().any(|p| p == *k))
        .filter(|k| header_line.is_some() || VALUES.contains(k))
        .map(|k| {
            let place = table.as_ref().map_or("top level".to_string(), |(n, _, _)| format!("[{n}]"));
            item(k, &format!("{k} = "), CompletionItemKind::PROPERTY, place)
        })
        .collect()
}

fn item(label: &str, insert: &str, kind: CompletionItemKind, detail: String) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail),
        insert_text: Some(insert.to_string()),
        ..CompletionItem::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str, line: u32, character: u32) -> Vec<String> {
        let program = Program::builtin();
        complete(&Text::new(text), Some(&program), Position { line, character }).into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn keys_not_yet_present() {
        let text = "format = 1\n[term]\nstart = 2026-12-07\n\n";
        assert_eq!(labels(text, 3, 0), ["months", "weeks"]);
        assert_eq!(labels(text, 0, 0), ["id", "topics"]);
    }

    #[test]
    fn values_and_table_names() {
        let text = "[schedule]\nfrequency = \n[[signatures]]\nrole = \"\n[\n";
        assert_eq!(labels(text, 1, 12), ["weekly", "fortnightly", "monthly", "every 3 weeks"]);
        assert_eq!(labels(text, 3, 8), ["mentor", "mentee", "lead"]);
        assert!(labels(text, 4, 1).contains(&"term".to_string()));
        let inline = "[[evaluations]]\nprogress = [{ goal = 1, status = \"";
        assert_eq!(labels(inline, 1, 38), ["not-started", "on-track", "behind", "achieved", "dropped"]);
    }
}
