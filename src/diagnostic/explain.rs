//! Long-form documentation of diagnostic codes, generated from the registry:
//! `check --explain CODE`, `check --list-codes` and `docs/codes.md`.

use std::fmt::Write as _;

use super::Code;

/// The closest known code to a name that is not one, for "did you mean".
pub fn suggest(name: &str) -> Option<Code> {
    let name = name.trim().to_ascii_lowercase();
    crate::suggest::closest(&name, Code::ALL.iter().map(|c| c.as_str())).and_then(Code::from_name)
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!("{by}{l}") }).collect::<Vec<_>>().join("\n")
}

/// Everything about one code, for a terminal: what it checks, why, how to fix, an example.
pub fn explain(code: Code) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({} by default)\n", code.as_str(), code.default_severity());
    let _ = writeln!(out, "What it checks:\n{}\n", indent(code.summary(), "  "));
    let _ = writeln!(out, "Why:\n{}\n", indent(code.why(), "  "));
    let _ = writeln!(out, "How to fix:\n{}\n", indent(code.fix(), "  "));
    let _ = writeln!(out, "Fixable:\n{}\n", indent(&fixable(code), "  "));
    let _ = writeln!(out, "Example that raises it:\n{}\n", indent(&code.example(), "    "));
    let _ = writeln!(
        out,
        "Change its severity for a program in program.toml:\n    [levels]\n    {} = \"warning\"   # or \"error\", \"off\"",
        code.as_str()
    );
    out
}

/// Whether `check --fix` (and an editor's quick fix) can fix the code, in one sentence.
pub fn fixable(code: Code) -> String {
    match code.autofix() {
        Some(what) => format!(
            "Yes, in some cases: `mentor-agree check --fix` {what}. A fix that would change the terms of a signed agreement is applied only with --unsafe-fixes."
        ),
        None => "No: fix it by hand.".to_string(),
    }
}

/// One line per code: name, default severity, summary.
pub fn list() -> String {
    let width = Code::ALL.iter().map(|c| c.as_str().len()).max().unwrap_or(0);
    let mut out = String::new();
    for code in Code::ALL {
        let _ = writeln!(out, "{:<width$}  {:<7}  {}", code.as_str(), code.default_severity().as_str(), code.summary());
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `docs/codes.md`: the table of every code and a section per code.
pub fn markdown() -> String {
    let mut out = String::from(
        "<!-- Generated from src/diagnostic/mod.rs by `cargo test`; do not edit by hand.\n     \
         Regenerate with: MENTOR_AGREE_UPDATE_DOCS=1 cargo test --lib diagnostic::explain -->\n\n\
         # Diagnostic codes\n\n\
         Every problem `mentor-agree check` reports has one of these stable codes. \
         Change a code's severity per program in `program.toml` under `[levels]` \
         (`\"error\"`, `\"warning\"` or `\"off\"`), and read any entry in the terminal with \
         `mentor-agree check --explain CODE`.\n\n\
         | code | default | when |\n| --- | --- | --- |\n",
    );
    for code in Code::ALL {
        let name = code.as_str();
        let _ = writeln!(out, "| [`{name}`](#{name}) | {} | {} |", code.default_severity(), cell(code.summary()));
    }
    for code in Code::ALL {
        let _ = write!(
            out,
            "\n## {}\n\nDefault severity: {}.\n\n{}\n\n**Why:** {}\n\n**Fix:** {}\n\n**Fixable:** {}\n\n```toml\n{}\n```\n",
            code.as_str(),
            code.default_severity(),
            code.summary(),
            code.why(),
            code.fix(),
            fixable(*code),
            code.example()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_why_and_an_example() {
        for code in Code::ALL {
            assert!(code.why().len() > 20, "{code}: why is missing");
            let ex = code.example();
            assert!(!ex.is_empty(), "{code}: example is missing");
            assert!(!ex.starts_with(' ') && !ex.ends_with('\n'), "{code}: example is not dedented: {ex:?}");
        }
    }

    #[test]
    fn examples_are_toml_except_the_syntax_one() {
        for code in Code::ALL {
            let parsed = code.example().parse::<toml::Table>();
            if *code == Code::TomlSyntax {
                assert!(parsed.is_err(), "the toml-syntax example should not parse");
            } else {
                assert!(parsed.is_ok(), "{code}: example is not valid TOML: {:?}", parsed.err());
            }
        }
    }

    #[test]
    fn unknown_code_suggestions() {
        assert_eq!(suggest("goal-no-dew"), Some(Code::GoalNoDue));
        assert_eq!(suggest("GOAL-NO-DUE"), Some(Code::GoalNoDue));
        assert_eq!(suggest("xyzzy"), None);
    }

    #[test]
    fn explain_has_every_part() {
        let text = explain(Code::FrequencyUnknown);
        assert!(text.starts_with("frequency-unknown (error by default)\n"));
        for part in [Code::FrequencyUnknown.summary(), Code::FrequencyUnknown.why(), Code::FrequencyUnknown.fix()] {
            assert!(text.contains(part), "missing {part:?}");
        }
        assert!(text.contains("    frequency = \"biweekly\""));
    }

    /// docs/codes.md is generated from the registry; this fails when it is out of date.
    /// Regenerate with `MENTOR_AGREE_UPDATE_DOCS=1 cargo test --lib diagnostic::explain`.
    #[test]
    fn docs_codes_md_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md");
        let expected = markdown();
        if std::env::var_os("MENTOR_AGREE_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &expected).expect("write docs/codes.md");
            return;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/codes.md is out of date with the code registry; regenerate it with\n  \
             MENTOR_AGREE_UPDATE_DOCS=1 cargo test --lib diagnostic::explain"
        );
    }
}
