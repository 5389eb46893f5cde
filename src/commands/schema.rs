//! `mentor-agree schema`: the JSON Schema of the agreement format.

use std::io::Write;

use anyhow::Context;

use crate::cli::SchemaArgs;
use mentor_agree::engine::Session;

/// Prints (or writes) the schema.
pub fn run(args: &SchemaArgs, _global: &Session) -> anyhow::Result<u8> {
    let json = mentor_agree::output::schema::schema_json();
    match &args.out {
        Some(path) => {
            mentor_agree::edit::atomic::write(path, json.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Wrote {} (JSON Schema of agreement format 1)", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(json.as_bytes()).context("cannot write to stdout")?;
            out.flush()?;
        }
    }
    Ok(super::EXIT_OK)
}
