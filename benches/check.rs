//! Per-file costs of `check`: parsing, the rules, and the terms digest.
//!
//! `cargo bench --bench check`. Whole-run comparisons live in bench/compare.sh.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use mentor_agree::engine::{self, Settings};
use mentor_agree::facts::derived::Derived;
use mentor_agree::format::{agreement, terms};
use mentor_agree::program::Program;
use mentor_agree::rules;

const FILE: &str = include_str!("../examples/2026-03-jonas-berg-amara-diallo.toml");

fn bench(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let program = Arc::new(Program::builtin());

    c.bench_function("parse (model + canonical terms)", |b| b.iter(|| agreement::parse(black_box(FILE))));

    let parsed = agreement::parse(FILE);
    let a = parsed.agreement.unwrap();
    let canonical = parsed.terms.unwrap();
    c.bench_function("digest (sha256 of canonical terms)", |b| b.iter(|| terms::digest(black_box(&canonical))));

    let digest = terms::digest(&canonical);
    c.bench_function("derive + rules", |b| {
        b.iter(|| {
            let judge = rules::signatures::Judge {
                agreement: &a,
                program: &program,
                terms: &canonical,
                digest: &digest,
                today,
                ssh: None,
            };
            let verdicts = rules::signatures::assess(&judge);
            let consents = rules::signatures::assess_consents(&judge);
            let derived = Derived::compute(&a, &program, Some(&digest), today);
            let ctx = rules::Context {
                agreement: &a,
                program: &program,
                derived: &derived,
                terms: &canonical,
                today,
                options: rules::Options::default(),
                ssh: None,
                signatures: &verdicts,
                consents: &consents,
            };
            let mut out = Vec::new();
            rules::check(&ctx, &mut out);
            out
        })
    });

    let settings = Settings { today, options: rules::Options::default(), ssh: None };
    c.bench_function("check_text (whole file)", |b| {
        b.iter(|| engine::check_text(Path::new("a.toml"), black_box(FILE), program.clone(), &settings))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
