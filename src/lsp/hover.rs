//! Hover: what a diagnostic means, and the values mentor-agree derives from
//! the part of the file under the cursor.

use std::sync::LazyLock;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::text::{Text, header, key_of, table_at};
use crate::engine::Checked;
use crate::format::timeline::long_date;
use crate::output::explain;
use crate::text::ymd;

/// The hover at `pos`: the diagnostics there, else derived facts of the table or key.
pub(super) fn hover(text: &Text<'_>, checked: Option<&Checked>, pos: Position) -> Option<Hover> {
    let checked = checked?;
    let offset = text.offset(pos);
    let here: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|l| {
            let span = l.diagnostic.span.clone().unwrap_or_else(|| {
                let at = text.offset_of_line_col(l.position.line, l.position.column);
                at..at
            });
            span.start <= offset && offset <= span.end
        })
        .map(|l| {
            let d = &l.diagnostic;
            format!("**{}** ({}): {}\n\n```text\n{}```", d.code, d.severity, d.message, explain::explain(d.code))
        })
        .collect();
    let value = if here.is_empty() {
        let line = pos.line as usize;
        let parts: Vec<String> = [facts(text, checked, line), meaning(text, line)].into_iter().flatten().collect();
        if parts.is_empty() {
            return None;
        }
        parts.join("\n\n")
    } else {
        here.join("\n\n---\n\n")
    };
    Some(Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }), range: None })
}

/// The agreement's JSON Schema, whose descriptions say what each key means.
static SCHEMA: LazyLock<serde_json::Value> =
    LazyLock::new(|| serde_json::from_str(&crate::output::schema::schema_json()).unwrap_or_default());

/// What the key (or table header) on a line means, from the schema.
fn meaning(text: &Text<'_>, line: usize) -> Option<String> {
    let root = &*SCHEMA;
    let (table, key) = match header(text.line(line)) {
        Some((name, _)) => (None, name),
        None => (table_at(text, line).map(|(n, _, _)| n), key_of(text.line(line))?.to_string()),
    };
    let properties = match &table {
        None => root.get("properties")?,
        Some(t) => {
            let entry = root.get("properties")?.get(t)?;
            let target = entry.get("$ref").or_else(|| entry.get("items")?.get("$ref"))?.as_str()?;
            root.get("$defs")?.get(target.strip_prefix("#/$defs/")?)?.get("properties")?
        }
    };
    let description = properties.get(&key)?.get("description")?.as_str()?;
    let place = table.map_or(String::new(), |t| format!("[{t}] "));
    Some(format!("`{place}{key}`: {description}"))
}

/// Derived values for the table (or key) on a line.
fn facts(text: &Text<'_>, checked: &Checked, line: usize) -> Option<String> {
    let (table, header_line, _) = table_at(text, line)?;
    let key = key_of(text.line(line));
    let on_header = header(text.line(line)).is_some();
    let derived = checked.derived.as_ref()?;
    let a = checked.agreement.as_ref()?;
    match table.as_str() {
        "term" if on_header || matches!(key, Some("months" | "weeks" | "start")) => {
            let (Some(start), Some(end), Some(last)) = (derived.start, derived.end, derived.last_day) else {
                return Some("The end of the term needs `start` and one of `months` or `weeks`.".into());
            };
            let mut s = format!(
                "The term runs from {} to **{}** (its last day); it ends on {}.",
                long_date(start),
                long_date(last),
                ymd(end)
            );
            if derived.base_end != derived.end
                && let Some(base) = derived.base_end
            {
                s.push_str(&format!(" Without the extensions it would end on {}.", ymd(base)));
            }
            Some(s)
        }
        "schedule" => {
            let words = derived.frequency_words.as_deref()?;
            let per_month = derived.sessions_per_month.map(|n| format!(", about {n:.1} a month")).unwrap_or_default();
            Some(match (derived.session_count, derived.last_day) {
                (Some(n), Some(last)) => format!(
                    "**{}** over the term ({words}{per_month}), the last by {}.",
                    crate::text::plural(n as usize, "session"),
                    long_date(last)
                ),
                _ => format!("Sessions {words}{per_month}."),
            })
        }
        "signatures" => {
            // Which [[signatures]] entry: count the headers down to this one.
            let index = (0..=header_line)
                .filter(|&l| header(text.line(l)).is_some_and(|(n, array)| array && n == "signatures"))
                .count()
                .checked_sub(1)?;
            let s = a.signatures.get(index)?;
            let role = s.role.as_ref().map_or("?", |r| r.value.as_str());
            let current = s.terms.as_ref().map(|t| t.value.as_str()) == derived.digest.as_deref();
            let next = (header_line + 1..text.line_count()).find(|&l| header(text.line(l)).is_some());
            let lines = header_line + 1..=next.unwrap_or(text.line_count());
            let problems: Vec<&str> = checked
                .diagnostics
                .iter()
                .filter(|l| l.diagnostic.code.as_str().starts_with("signature-") && lines.contains(&l.position.line))
                .map(|l| l.diagnostic.code.as_str())
                .collect();
            let version = derived.versions.iter().find(|v| s.terms.as_ref().is_some_and(|t| t.value == v.digest));
            Some(if let (false, Some(v)) = (current, version) {
                let now = match &derived.amendment {
                    Some(m) if m.awaiting.iter().any(|r| r.as_str() == role) => {
                        format!(
                            " The terms have changed since: sign the amendment with `mentor-agree sign --role {role}`."
                        )
                    }
                    _ => String::new(),
                };
                format!(
                    "The {role}'s signature of the terms that took effect on {}: it stays as their record after an amendment.{now}",
                    long_date(v.took_effect)
                )
            } else if !current {
                format!(
                    "The {role}'s signature is **stale**: it covers other terms than the current ones. Sign again with `mentor-agree sign --role {role}`."
                )
            } else if let Some((_, why)) =
                crate::format::role::Role::parse(role).and_then(|r| derived.rejected.iter().find(|(x, _)| *x == r))
            {
                format!("The {role}'s signature **does not count**: {why}.")
            } else if !problems.is_empty()
                || !crate::format::role::Role::parse(role).is_some_and(|r| derived.signed.contains(&r))
            {
                format!("The {role}'s signature covers the current terms, but does not count: {}.", problems.join(", "))
            } else {
                format!(
                    "The {role}'s signature is **valid**: it covers the current terms ({}).",
                    derived.digest.as_deref().unwrap_or("")
                )
            })
        }
        _ => None,
    }
}
