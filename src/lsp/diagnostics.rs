//! One `check` diagnostic as the protocol has it: what the server publishes and
//! what a quick fix names. Its own module so that the server and the actions
//! both use it and neither uses the other.

use lsp_types::{CodeDescription, DiagnosticSeverity, NumberOrString};

use super::CODES_URL;
use super::text::Text;
use crate::diagnostic::Severity;
use crate::engine::Located;

/// One `check` diagnostic as LSP has it.
pub(crate) fn to_lsp(text: &Text<'_>, l: &Located) -> lsp_types::Diagnostic {
    let d = &l.diagnostic;
    let range = match &d.span {
        Some(span) => text.range(span),
        None => {
            let at = text.position(text.offset_of_line_col(l.position.line, l.position.column));
            lsp_types::Range { start: at, end: at }
        }
    };
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        code_description: format!("{CODES_URL}#{}", d.code.as_str()).parse().ok().map(|href| CodeDescription { href }),
        source: Some("mentor-agree".into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}
