//! Arbitrary agreement bytes through what `agenda`, `report`, `diff` and
//! `check --fix` compute: agenda items, report facts and figures (and their
//! JSON), the meaning diff against a real agreement both ways, and every fix.
//! Nothing may panic; a fixed text that was TOML stays TOML.

#![no_main]

use std::path::Path;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use mentor_agree::engine::{self, Settings};
use mentor_agree::program::Program;
use mentor_agree::desk::{agenda, report};
use mentor_agree::edit::fix;
use mentor_agree::rules;
use mentor_agree::versions::diff;

static PROGRAM: LazyLock<Arc<Program>> = LazyLock::new(|| Arc::new(Program::builtin()));
const EXAMPLE: &str = include_str!("../../examples/2026-09-maya-okafor-tomas-rivera.toml");

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let settings = Settings { today, options: rules::Options::default(), ssh: None };
    let Ok(text) = engine::decode(data.to_vec()) else { return };
    let path = Path::new("fuzz.toml");
    let checked = engine::check_text(path, &text, PROGRAM.clone(), &settings);

    let mut items = agenda::items(&checked, today, 14);
    items.extend(agenda::problems(&checked));
    agenda::sort(&mut items);
    serde_json::to_string(&items).expect("agenda items are JSON");

    let facts: Vec<report::Facts> = report::Facts::of(&checked, today).into_iter().collect();
    let figures = report::Report::build(&facts, None, None);
    serde_json::to_string(&figures).expect("the report is JSON");
    let _ = figures.rows();

    let _ = diff::compare(Some(EXAMPLE), Some(&text));
    let _ = diff::compare(Some(&text), Some(EXAMPLE));
    let _ = diff::compare(None, Some(&text));

    let fixed = fix::fix_text(path, &text, PROGRAM.clone(), &settings, fix::Which::All);
    if text.parse::<toml::Table>().is_ok() {
        assert!(fixed.text.parse::<toml::Table>().is_ok(), "a fix broke the TOML: {:?}", fixed.applied);
    }
});
