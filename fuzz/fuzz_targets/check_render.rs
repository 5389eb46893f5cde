//! Arbitrary bytes through everything a file from a pull request goes through:
//! decode, parse, check (with every rule), the JSON and human reports, the terms
//! digest, Markdown and HTML rendering, and the edit engine's append (whose
//! result must keep the original bytes as a prefix).

#![no_main]

use std::path::Path;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use mentor_agree::engine::{self, Settings};
use mentor_agree::output::diagnostics;
use mentor_agree::program::Program;
use mentor_agree::output::render::{AgreementContext, Format, Renderer};
use mentor_agree::format::terms;
use mentor_agree::{edit, rules};

static PROGRAM: LazyLock<Arc<Program>> = LazyLock::new(|| Arc::new(Program::builtin()));
static RENDERER: LazyLock<Renderer> = LazyLock::new(|| Renderer::builtin().expect("built-in templates compile"));

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let settings = Settings { today, options: rules::Options { require_signed: true }, ssh: None };
    let Ok(text) = engine::decode(data.to_vec()) else { return };
    let checked = engine::check_text(Path::new("fuzz.toml"), &text, PROGRAM.clone(), &settings);
    for d in &checked.diagnostics {
        assert!(d.position.line >= 1 && d.position.column >= 1);
        assert!(d.position.line_span.end <= d.position.source_line.len());
    }
    let _ = diagnostics::human_file(&checked, false);
    let json = diagnostics::json(std::slice::from_ref(&checked));
    assert!(json.starts_with('{') || json.starts_with('['), "report is JSON");
    if let Some(canonical) = terms::canonical(&text) {
        let _ = terms::digest(&canonical);
    }
    if checked.agreement.is_some() {
        let ctx = AgreementContext::build(&checked, today, None);
        RENDERER.agreement(&ctx, Format::Md).expect("markdown renders");
        RENDERER.agreement(&ctx, Format::Html).expect("html renders");
    }
    // The edit engine edits only files the checker reads (and LF text; CRLF is converted first).
    if checked.agreement.is_some()
        && !text.contains('\r')
        && let Ok(mut doc) = text.parse::<toml_edit::DocumentMut>()
    {
        let baseline = doc.to_string();
        let mut entry = toml_edit::Table::new();
        entry.insert("by", toml_edit::value("mentee"));
        entry.insert("date", toml_edit::Item::Value(edit::date_value(today)));
        if edit::append_table_entry(&mut doc, "checkins", entry).is_ok() {
            let out = edit::carry_over(&text, &baseline, &doc.to_string());
            assert!(out.starts_with(&text), "append kept the original text as a prefix");
        }
    }
});
