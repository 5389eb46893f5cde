//! SARIF 2.1.0 output (`check --format sarif`), for GitHub code scanning and
//! other static-analysis dashboards.
//!
//! One run whose tool driver lists one rule per diagnostic code of the
//! registry (so dashboards can show the rule's description and fix even for
//! codes that did not fire), and one result per problem with its location.
//! A problem that `check --fix` would mend carries that fix as the result's
//! `fixes`: the replacements in byte offsets of the file. Fixes that could
//! change the terms of a signed agreement (`--unsafe-fixes`) are left out.

use std::path::{Component, Path};

use serde::Serialize;

use crate::diagnostic::{Code, Severity};
use crate::engine::Checked;

/// The schema URI written into the log's `$schema`.
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    /// Our columns count characters, not UTF-16 code units (SARIF's default).
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

/// A fix: what it does and the replacements it makes in the file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text,
    artifact_changes: [ArtifactChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation<'a>,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: ByteRegion,
    inserted_content: Snippet<'a>,
}

/// A region by byte offset and length in the file, as the fix's edits have it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ByteRegion {
    byte_offset: usize,
    byte_length: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region<'a>,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    /// The marked text, when the region is not empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Snippet<'a>>,
}

#[derive(Serialize)]
struct Snippet<'a> {
    text: &'a str,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `goal-no-due` → `GoalNoDue`: SARIF's `name` is an identifier-like form of the id.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

fn rule(code: Code) -> Rule {
    Rule {
        id: code.as_str(),
        name: pascal(code.as_str()),
        short_description: Text { text: code.summary().to_string() },
        full_description: Text { text: format!("{} {}", code.summary(), code.why()) },
        help: Text { text: format!("{}\n\nExample that raises it:\n\n{}", code.fix(), code.example()) },
        default_configuration: Configuration { level: level(code.default_severity()) },
        properties: RuleProperties { tags: ["mentoring-agreement"] },
    }
}

/// A path as a relative URI reference: forward slashes, no `./`, reserved
/// characters percent-encoded. Absolute paths under the current directory are
/// made relative to it (code scanning resolves URIs against the repository
/// root); other absolute paths become `file://` URIs.
pub fn uri(path: &Path, cwd: Option<&Path>) -> String {
    let rel = match cwd.and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) if path.is_absolute() => rel,
        _ => path,
    };
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => parts.push(String::new()),
            other => parts.push(encode(&other.as_os_str().to_string_lossy())),
        }
    }
    let joined = parts.join("/");
    if rel.is_absolute() {
        let joined = if joined.starts_with('/') { joined } else { format!("/{joined}") };
        format!("file://{joined}")
    } else {
        joined
    }
}

fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SARIF 2.1.0 log of a run, pretty-printed, ending in a newline.
pub fn sarif(files: &[Checked]) -> String {
    let cwd = std::env::current_dir().ok();
    let uris: Vec<String> = files.iter().map(|f| uri(&f.path, cwd.as_deref())).collect();
    let index = |code: Code| Code::ALL.iter().position(|c| *c == code).unwrap_or(0);
    let results = files
        .iter()
        .zip(&uris)
        .flat_map(|(f, uri)| {
            f.diagnostics.iter().map(move |l| {
                let d = &l.diagnostic;
                let p = &l.position;
                let mut text = d.message.clone();
                if let Some(help) = &d.help {
                    text.push_str(" (help: ");
                    text.push_str(help);
                    text.push(')');
                }
                let marked = p.source_line.get(p.line_span.clone()).unwrap_or("");
                let fixes = d
                    .fix
                    .iter()
                    .filter(|fix| fix.safe)
                    .map(|fix| SarifFix {
                        description: Text { text: fix.description.clone() },
                        artifact_changes: [ArtifactChange {
                            artifact_location: ArtifactLocation { uri: uri.as_str() },
                            replacements: fix
                                .edits
                                .iter()
                                .map(|e| Replacement {
                                    deleted_region: ByteRegion {
                                        byte_offset: e.range.start,
                                        byte_length: e.range.len(),
                                    },
                                    inserted_content: Snippet { text: &e.replacement },
                                })
                                .collect(),
                        }],
                    })
                    .collect();
                SarifResult {
                    rule_id: d.code.as_str(),
                    rule_index: index(d.code),
                    level: level(d.severity),
                    message: Text { text },
                    locations: [Location {
                        physical_location: PhysicalLocation {
                            artifact_location: ArtifactLocation { uri: uri.as_str() },
                            region: Region {
                                start_line: p.line,
                                start_column: p.column,
                                end_line: p.line,
                                end_column: p.column + marked.chars().count(),
                                snippet: (!marked.is_empty()).then_some(Snippet { text: marked }),
                            },
                        },
                    }],
                    fixes,
                }
            })
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "mentor-agree",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: Code::ALL.iter().copied().map(rule).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF log serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_with_forward_slashes() {
        assert_eq!(uri(Path::new("./agreements/a b.toml"), None), "agreements/a%20b.toml");
        assert_eq!(uri(Path::new("agreements/2026-ü.toml"), None), "agreements/2026-%C3%BC.toml");
        let cwd = Path::new("/repo");
        assert_eq!(uri(Path::new("/repo/agreements/x.toml"), Some(cwd)), "agreements/x.toml");
        assert_eq!(uri(Path::new("/elsewhere/x.toml"), Some(cwd)), "file:///elsewhere/x.toml");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal("goal-no-due"), "GoalNoDue");
        assert_eq!(pascal("unsigned"), "Unsigned");
    }
}
