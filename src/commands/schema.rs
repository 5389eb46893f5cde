//! `mentor-agree schema`: the JSON Schema of the agreement format.

use crate::cli::SchemaArgs;
use mentor_agree::engine::Session;

/// Prints (or writes) the schema.
pub fn run(args: &SchemaArgs, _global: &Session) -> anyhow::Result<u8> {
    let json = mentor_agree::output::schema::schema_json();
    super::emit(args.out.as_deref(), json.as_bytes(), |path| {
        format!("Wrote {} (JSON Schema of agreement format 1)", path.display())
    })?;
    Ok(super::EXIT_OK)
}
