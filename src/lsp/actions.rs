//! Code actions: the fixes diagnostics carry, as quick fixes, and "fix all".

use std::collections::HashMap;
use std::sync::LazyLock;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, Uri, WorkspaceEdit};

use super::diagnostics::to_lsp;
use super::text::Text;
use crate::engine::Checked;

/// The kind of the action that applies every safe fix at once.
pub(super) static FIX_ALL: LazyLock<CodeActionKind> =
    LazyLock::new(|| CodeActionKind::new("source.fixAll.mentor-agree"));

/// The quick fixes of the diagnostics that touch the requested range, then
/// "fix all" (`fix_all` is the whole text with every safe fix applied).
pub(super) fn actions(
    uri: &Uri,
    text: &Text<'_>,
    checked: &Checked,
    params: &CodeActionParams,
    fix_all: Option<String>,
) -> Vec<CodeActionOrCommand> {
    let wanted = |kind: &CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
    };
    let range = text.offset(params.range.start)..text.offset(params.range.end);
    let mut out = Vec::new();
    if wanted(&CodeActionKind::QUICKFIX) {
        for l in &checked.diagnostics {
            let Some(fix) = &l.diagnostic.fix else { continue };
            let span = l.diagnostic.span.clone().unwrap_or(0..0);
            if span.start > range.end || range.start > span.end {
                continue;
            }
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit { range: text.range(&e.range), new_text: e.replacement.clone() })
                .collect();
            let title = if fix.safe {
                capitalize(&fix.description)
            } else {
                format!("{} (changes the signed terms: the signatures go stale)", capitalize(&fix.description))
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![to_lsp(text, l)]),
                edit: Some(workspace_edit(uri, edits)),
                is_preferred: Some(fix.safe),
                ..CodeAction::default()
            }));
        }
    }
    if let Some(fixed) = fix_all
        && wanted(&FIX_ALL)
    {
        let whole = text.range(&(0..text.text.len()));
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: "Fix every safe problem (mentor-agree check --fix)".into(),
            kind: Some(FIX_ALL.clone()),
            edit: Some(workspace_edit(uri, vec![TextEdit { range: whole, new_text: fixed }])),
            ..CodeAction::default()
        }));
    }
    out
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..WorkspaceEdit::default() }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}
