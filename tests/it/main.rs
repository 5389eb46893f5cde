//! The integration tests: one binary (so the crate is linked once, not once
//! per file), a module per area, driving the real `mentor-agree` binary over
//! `tests/fixtures/`. Run one area with `cargo test --test it check::`.

mod common;
mod support;

mod calendar;
mod check;
mod completions;
mod desk;
mod docs;
mod durability;
mod edit;
mod edit_properties;
mod explain;
mod export;
mod feedback;
mod fuzz_regressions;
mod git;
mod hardening;
mod host;
mod init;
mod integrity;
mod layers;
mod lifecycle;
mod lsp;
mod new;
mod permissions;
mod precommit;
mod remind;
mod render;
mod sarif;
mod schema;
mod security;
mod signing;
mod status;
mod usage;
mod writes;
