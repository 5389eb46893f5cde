//! The check engine, used by every command that reads agreements:
//!
//! - [`file`](mod@file): one agreement's text → model, derived values, diagnostics with
//!   lines and columns ([`Checked`]);
//! - [`discover`]: which files a run works on and which program.toml governs each;
//! - [`base`]: what a change since a git revision touches (`check --base`);
//! - [`run`]: the settings of one invocation ([`Session`]) and a whole run,
//!   checked in parallel ([`check_paths`], [`FileChecker`]).

pub mod base;
pub mod discover;
pub mod file;
pub mod run;

pub use discover::{
    ProgramResolver, WorkspaceError, agreements_folder, collect, is_agreement_file, relative, relative_from,
};
pub use file::{
    Checked, InFile, Located, Position, Settings, check_file, check_text, decode, duplicate_id, locate,
    mark_duplicate_ids, position,
};
pub use run::{CheckError, FileChecker, Session, check_paths, check_paths_with};
