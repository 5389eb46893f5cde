//! `mentor-agree lsp`: a language server for agreement files.
//!
//! Built on `lsp-server` and `lsp-types`, the synchronous crates rust-analyzer
//! uses: the server is one loop over a channel of messages, which makes
//! debouncing plain (every queued message is handled before anything is
//! checked) and needs no async runtime. Checking a file takes well under a
//! millisecond, so nothing is gained from running checks concurrently.
//!
//! - **Diagnostics**: on open and change (full sync), the same diagnostics as
//!   `check` for the unsaved text, under the file's own program.toml, with
//!   ranges in UTF-8 columns when the editor offers them (else UTF-16) and a
//!   link to the code's documentation.
//! - **Hover**: a diagnostic's explanation; the end and last day of the term;
//!   the sessions over the term; whether a signature is current.
//! - **Completion**: the keys a table accepts and does not have yet; the values
//!   of frequencies, roles, notice and the program's modes.
//! - **Code actions**: the fixes `check --fix` knows, as quick fixes.

mod actions;
mod completion;
mod diagnostics;
mod hover;
mod server;
pub mod text;
pub mod transport;

use std::path::PathBuf;

use chrono::NaiveDate;

pub use server::Server;

/// Where the docs of each code live: `docs/codes.md#<code>` in the repository.
pub const CODES_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/codes.md");

/// What the server needs from the command line.
pub struct Config {
    /// "Today", asked for at every check (the server may run across midnight).
    pub today: Box<dyn Fn() -> NaiveDate + Send>,
    /// `--program`: one program for every file instead of discovery.
    pub program: Option<PathBuf>,
}

/// Why the server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    /// The client never completed the initialize handshake.
    #[error("the editor did not initialize the language server: {0}")]
    Handshake(#[from] lsp_server::ProtocolError),
    /// A `--program` file is broken.
    #[error(transparent)]
    Program(#[from] crate::program::ProgramError),
}

/// Runs the server over stdin and stdout until the client says `exit`.
pub fn run_stdio(config: Config) -> Result<(), LspError> {
    let (connection, threads) = transport::stdio();
    let result = serve(connection, config);
    threads.join();
    result
}

/// Runs the server on a connection: the handshake, then the message loop until
/// `exit` or until the client goes away.
pub fn serve(connection: lsp_server::Connection, config: Config) -> Result<(), LspError> {
    let (id, params) = connection.initialize_start()?;
    // Parameters that do not read as InitializeParams still get a server, with
    // what every client supports (UTF-16 columns).
    let params: Option<lsp_types::InitializeParams> = serde_json::from_value(params).ok();
    let offered = params.as_ref().and_then(|p| p.capabilities.general.as_ref()?.position_encodings.as_deref());
    let encoding = text::Encoding::negotiate(offered);
    let init = serde_json::json!({
        "capabilities": server::capabilities(encoding),
        "serverInfo": { "name": "mentor-agree", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, init)?;
    Server::new(connection, config, encoding)?.run();
    Ok(())
}
