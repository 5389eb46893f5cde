//! Long-form documentation of diagnostic codes, generated from the registry:
//! `check --explain CODE`, `check --list-codes` and `docs/codes.md`.

use std::fmt::Write as _;

use crate::diagnostic::Code;

/// The closest known code to a name that is not one, for "did you mean".
pub fn suggest(name: &str) -> Option<Code> {
    let name = name.trim().to_ascii_lowercase();
    crate::text::suggest::closest(&name, Code::ALL.iter().map(|c| c.as_str())).and_then(Code::from_name)
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!("{by}{l}") }).collect::<Vec<_>>().join("\n")
}

/// Everything about one code, for a terminal: what it checks, why, how to fix, an example.
pub fn explain(code: Code) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({} by default)\n", code.as_str(), code.default_severity());
    if code.falls_due() {
        let _ = writeln!(out, "Falls due with time:\n{}\n", indent(DUE, "  "));
    }
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

/// What a code that falls due with time ([`Code::falls_due`]) means for `check`.
const DUE: &str = "It appears as days pass with the file unchanged, so it belongs to `agenda`: `check` shows it but never fails on it, not even with --deny-warnings, unless --include-due is given.";

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
         Regenerate with: INSTA_UPDATE=always cargo test --test it -->\n\n\
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
            "\n## {}\n\nDefault severity: {}.{}\n\n{}\n\n**Why:** {}\n\n**Fix:** {}\n\n**Fixable:** {}\n\n```toml\n{}\n```\n",
            code.as_str(),
            code.default_severity(),
            if code.falls_due() { format!(" **Falls due with time:** {DUE}") } else { String::new() },
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

    /// Each code's registry example, checked inside a complete agreement, raises
    /// that code: the examples in `--explain` and docs/codes.md are real.
    mod examples_raise_their_code {
        use std::path::Path;
        use std::sync::Arc;

        use chrono::NaiveDate;
        use toml::{Table, Value};

        use crate::diagnostic::Code;
        use crate::engine::{self, Checked, Settings};
        use crate::program::Program;
        use crate::rules;

        /// A complete agreement that checks clean (a draft) under the built-in
        /// program on [`TODAY`]; each example is spliced into it.
        const BASE: &str = r#"
format = 1
id = "2026-12-ada-lovelace-grace-hopper"
topics = ["leadership"]

[mentor]
name = "Ada Lovelace"
email = "ada@example.org"

[mentee]
name = "Grace Hopper"
email = "grace@example.org"

[lead]
name = "Alan Turing"

[schedule]
frequency = "fortnightly"
session_minutes = 45
modes = ["video call"]

[term]
start = 2026-12-07
months = 6

[reviews]
every_months = 2

[[goals]]
goal = "Facilitate sprint retrospectives"
measure = "Run 3 retrospectives"
due = 2027-03-15
"#;

        /// The day the examples assume ("today is 2026-11-25").
        const TODAY: &str = "2026-11-25";

        /// The date given to signatures an example leaves undated.
        const SIGNED: &str = "2026-05-20";

        /// What an example's comments say in words, made concrete.
        #[derive(Default)]
        struct Setting {
            /// program.toml text ("with rules.goals.require_why = true").
            program: &'static str,
            /// TOML merged in before the example ("term months = 12").
            context: &'static str,
            /// Dotted keys of the base left out ("no [reviews] table").
            remove: &'static [&'static str],
            /// Every role signs the final terms: an agreement in force.
            all_sign: bool,
            /// `check --require-signed`.
            require_signed: bool,
        }

        /// The forms the feedback examples answer.
        const FORMS: &str = "[program]\nteam_recipients = \"team_recipients\"\n\
            [[forms]]\nid = \"midpoint\"\nwhen = \"checkpoints\"\n\
            [[forms.questions]]\nid = \"useful\"\ntext = \"Useful?\"\nkind = \"scale\"\nvisibility = \"pair\"\n\
            [[forms.questions]]\nid = \"concerns\"\ntext = \"Concerns?\"\nkind = \"text\"\nvisibility = \"team\"\n\
            [[forms]]\nid = \"mentor-check\"\nrespondents = [\"mentor\"]\n\
            [[forms.questions]]\nid = \"prepared\"\ntext = \"Prepared?\"\nkind = \"yes-no\"\nvisibility = \"pair\"\n";

        /// How each example is completed, or why it cannot be checked on its own.
        fn setting(code: Code) -> Result<Setting, &'static str> {
            Ok(match code {
                Code::GoalsTooMany => return Err("the example describes six goals in words"),
                Code::SignatureUntrusted => {
                    return Err("needs a real SSH signature by a key not in allowed_signers (tests/it/signing.rs)");
                }
                Code::ExtensionUnsigned | Code::TerminationUnsigned => {
                    return Err("needs a program with SSH signatures and allowed_signers (tests/it/signing.rs)");
                }
                Code::SignatureSameKey => {
                    return Err("needs two real SSH signatures by one key (tests/it/signing.rs)");
                }
                Code::LeadNotInProgram => Setting {
                    program: "[program]\nleads = [{ name = \"Priya Natarajan\", email = \"priya@example.org\" }]\n",
                    ..Setting::default()
                },
                Code::FormatVersion => Setting { remove: &["format"], ..Setting::default() },
                Code::MissingKey => Setting { remove: &["term.start"], ..Setting::default() },
                Code::GoalsTooFew => Setting { remove: &["goals"], ..Setting::default() },
                Code::NoReviews => Setting { remove: &["reviews"], ..Setting::default() },
                Code::GoalNoWhy => Setting { program: "[rules.goals]\nrequire_why = true\n", ..Setting::default() },
                Code::FrequencyNotAllowed => Setting {
                    program: "[rules.schedule]\nfrequencies = [\"weekly\", \"fortnightly\"]\n",
                    ..Setting::default()
                },
                Code::TooFewSessions => {
                    Setting { program: "[rules.schedule]\nmin_sessions_per_month = 2\n", ..Setting::default() }
                }
                Code::ModeNotAllowed => Setting {
                    program: "[rules.schedule]\nmodes = [\"video call\", \"in person\"]\n",
                    ..Setting::default()
                },
                Code::SignatureUnverified => {
                    return Err(
                        "needs allowed_signers and a real SSH signature to verify against (tests/it/signing.rs)",
                    );
                }
                Code::ExtensionTooLong => Setting { context: "[term]\nmonths = 12\n", ..Setting::default() },
                Code::CheckinOverdue => {
                    Setting { context: "[term]\nstart = 2026-06-01\n", all_sign: true, ..Setting::default() }
                }
                Code::StartBeforeEffective => Setting { all_sign: true, ..Setting::default() },
                // Judged as of today: the agreement must be in force (or over), so all sign.
                Code::ReviewOverdue | Code::ClosingReviewMissing | Code::GoalOverdue => {
                    Setting { all_sign: true, ..Setting::default() }
                }
                Code::Unsigned => Setting { require_signed: true, ..Setting::default() },
                Code::FeedbackUnknownForm
                | Code::FeedbackUnknownQuestion
                | Code::FeedbackBadAnswer
                | Code::FeedbackWrongRespondent
                | Code::FeedbackLeaked
                | Code::FeedbackTwice => Setting { program: FORMS, ..Setting::default() },
                _ => Setting::default(),
            })
        }

        /// Merges `from` into `into`: tables key by key, anything else replaced. A
        /// term length or review plan given one way drops the base's other way.
        fn merge(into: &mut Table, from: Table) {
            for (key, value) in from {
                match (into.get_mut(&key), value) {
                    (Some(Value::Table(base)), Value::Table(table)) => {
                        for (one, other) in [("months", "weeks"), ("every_months", "dates")] {
                            match (table.contains_key(one), table.contains_key(other)) {
                                (true, false) => base.remove(other),
                                (false, true) => base.remove(one),
                                _ => None,
                            };
                        }
                        merge(base, table);
                    }
                    (_, value) => {
                        into.insert(key, value);
                    }
                }
            }
        }

        fn remove(doc: &mut Table, dotted: &str) {
            let (path, last) = dotted.rsplit_once('.').map_or(("", dotted), |(p, l)| (p, l));
            let mut table = doc;
            for key in path.split('.').filter(|k| !k.is_empty()) {
                table = table.get_mut(key).and_then(Value::as_table_mut).expect("path into the base");
            }
            assert!(table.remove(last).is_some(), "the base has no {dotted}");
        }

        /// Gives every signature the keys an example leaves out (the party's name, a
        /// date, the digest of the final terms), and with `all_sign` adds the
        /// roles that have not signed.
        fn complete_signatures(doc: &mut Table, all_sign: bool) {
            let terms = crate::format::terms::canonical(&toml::to_string(doc).unwrap()).unwrap();
            let digest = crate::format::terms::digest(&terms);
            let name_of = |doc: &Table, role: &str| {
                doc.get(role).and_then(|p| p.get("name")).and_then(Value::as_str).unwrap_or("Someone").to_string()
            };
            let names: Vec<(&str, String)> = ["mentor", "mentee", "lead"].map(|r| (r, name_of(doc, r))).into();
            let signatures = doc.entry("signatures").or_insert_with(|| Value::Array(Vec::new()));
            let list = signatures.as_array_mut().expect("[[signatures]]");
            for (role, _) in &names {
                let present = list.iter().any(|s| s.get("role").and_then(Value::as_str) == Some(role));
                if all_sign && !present {
                    let mut s = Table::new();
                    s.insert("role".into(), Value::String((*role).into()));
                    list.push(Value::Table(s));
                }
            }
            for s in list.iter_mut().filter_map(Value::as_table_mut) {
                let role = s.get("role").and_then(Value::as_str).unwrap_or_default().to_string();
                let name = names.iter().find(|(r, _)| *r == role).map_or("Someone".to_string(), |(_, n)| n.clone());
                s.entry("name").or_insert(Value::String(name));
                s.entry("date").or_insert(Value::Datetime(SIGNED.parse().unwrap()));
                s.entry("terms").or_insert(Value::String(digest.clone()));
            }
            if list.is_empty() {
                doc.remove("signatures");
            }
        }

        fn check(text: &str, setting: &Setting, path: &str) -> Checked {
            let program = if setting.program.is_empty() {
                Program::builtin()
            } else {
                Program::parse(setting.program, Path::new("program.toml")).unwrap()
            };
            let today: NaiveDate = TODAY.parse().unwrap();
            let settings =
                Settings { today, options: rules::Options { require_signed: setting.require_signed }, ssh: None };
            engine::check_text(Path::new(path), text, Arc::new(program), &settings)
        }

        fn codes(files: &[Checked]) -> Vec<Code> {
            files.iter().flat_map(|f| f.diagnostics.iter().map(|l| l.diagnostic.code)).collect()
        }

        #[test]
        fn the_base_agreement_is_clean() {
            let checked = check(BASE, &Setting::default(), "base.toml");
            assert!(checked.diagnostics.is_empty(), "{:?}", codes(&[checked]));
        }

        #[test]
        fn every_example_raises_its_code() {
            let mut untested = Vec::new();
            for &code in Code::ALL {
                let setting = match setting(code) {
                    Ok(s) => s,
                    Err(why) => {
                        untested.push(code);
                        assert!(!why.is_empty());
                        continue;
                    }
                };
                let example = code.example();
                // The syntax example cannot be spliced into anything: it is checked as it is.
                let text = if code == Code::TomlSyntax {
                    example.clone()
                } else {
                    let mut doc: Table = BASE.parse().unwrap();
                    for dotted in setting.remove {
                        remove(&mut doc, dotted);
                    }
                    merge(&mut doc, setting.context.parse().unwrap());
                    merge(&mut doc, example.parse().unwrap_or_else(|e| panic!("{code}: {e}")));
                    complete_signatures(&mut doc, setting.all_sign);
                    toml::to_string(&doc).unwrap()
                };
                let mut files = vec![check(&text, &setting, "a.toml")];
                if code == Code::DuplicateId {
                    // Two files checked together, both with the example's id.
                    files.push(check(&text, &setting, "b.toml"));
                    engine::mark_duplicate_ids(&mut files);
                }
                let raised = codes(&files);
                assert!(raised.contains(&code), "{code}: the example raises {raised:?}, checked as\n{text}");
            }
            assert_eq!(
                untested,
                [
                    Code::GoalsTooMany,
                    Code::ExtensionUnsigned,
                    Code::SignatureUnverified,
                    Code::SignatureUntrusted,
                    Code::SignatureSameKey,
                    Code::TerminationUnsigned
                ],
                "examples not checked"
            );
        }
    }
}
