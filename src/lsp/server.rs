//! The server's state and message loop.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, DiagnosticSeverity,
    HoverProviderCapability, PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;

use super::diagnostics::to_lsp;
use super::text::{Encoding, Text, uri_to_path};
use super::{Config, LspError, actions, completion, hover};
use crate::engine::ProgramResolver;
use crate::engine::{self, Checked, Located, Settings};
use crate::program::{PROGRAM_FILE, Program};
use crate::rules::signatures::SshVerifier;
use crate::ssh::SignersCache;

/// Largest document checked live; a larger one gets a single note instead.
pub(super) const MAX_CHECKED_BYTES: usize = 4 * 1024 * 1024;

/// What the server tells the client it can do, columns counted in `encoding`.
pub(super) fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::FULL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["[".into(), "\"".into(), "=".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::FIX_ALL.clone()]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// One open document.
struct Doc {
    text: String,
    version: i32,
    path: PathBuf,
    /// Changed since its diagnostics were last published.
    dirty: bool,
    /// The check of `text`, made when first needed after a change.
    checked: Option<Result<Checked, Vec<lsp_types::Diagnostic>>>,
}

/// The language server: open documents, programs and the loop.
pub struct Server {
    conn: Connection,
    config: Config,
    resolver: ProgramResolver,
    signers: SignersCache,
    docs: HashMap<Uri, Doc>,
    /// `(file, id)` of the readable agreements in a folder, for `duplicate-id`; refreshed on save.
    folder_ids: HashMap<PathBuf, Arc<Vec<(PathBuf, String)>>>,
    shutting_down: bool,
    /// What position columns count, as agreed at initialize.
    encoding: Encoding,
}

impl Server {
    /// A server on an initialized connection, with columns counted in `encoding`.
    pub fn new(conn: Connection, config: Config, encoding: Encoding) -> Result<Server, LspError> {
        let resolver = ProgramResolver::new(config.program.as_deref())?;
        Ok(Server {
            conn,
            config,
            resolver,
            signers: SignersCache::default(),
            docs: HashMap::new(),
            folder_ids: HashMap::new(),
            shutting_down: false,
            encoding,
        })
    }

    /// Handles messages until `exit` or the end of the connection. Every
    /// notification already queued is handled before documents are checked, so a
    /// burst of changes while typing costs one check; diagnostics are published
    /// before the next request is answered, so replies never run ahead of them.
    pub fn run(mut self) {
        while let Ok(msg) = self.conn.receiver.recv() {
            if !self.guarded(msg) {
                return;
            }
            while let Ok(msg) = self.conn.receiver.try_recv() {
                if matches!(msg, Message::Request(_)) {
                    self.publish_changed();
                }
                if !self.guarded(msg) {
                    return;
                }
            }
            self.publish_changed();
        }
    }

    /// Handles one message; a panic in a handler is reported, not fatal. False on `exit`.
    fn guarded(&mut self, msg: Message) -> bool {
        let id = match &msg {
            Message::Request(r) => Some(r.id.clone()),
            _ => None,
        };
        match catch_unwind(AssertUnwindSafe(|| self.handle(msg))) {
            Ok(go_on) => go_on,
            Err(_) => {
                if let Some(id) = id {
                    self.respond_err(id, ErrorCode::InternalError, "mentor-agree failed on this request".into());
                }
                true
            }
        }
    }

    fn handle(&mut self, msg: Message) -> bool {
        match msg {
            Message::Request(req) => {
                self.request(req);
                true
            }
            Message::Notification(n) => self.notification(n),
            Message::Response(_) => true,
        }
    }

    fn request(&mut self, req: Request) {
        if self.shutting_down {
            return self.respond_err(req.id, ErrorCode::InvalidRequest, "the server is shutting down".into());
        }
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "shutdown" => {
                self.shutting_down = true;
                Ok(serde_json::Value::Null)
            }
            "textDocument/hover" => params(req).map(|p: lsp_types::HoverParams| {
                let at = p.text_document_position_params;
                let hover =
                    self.with_doc(&at.text_document.uri, |text, checked| hover::hover(text, checked, at.position));
                serde_json::to_value(hover.flatten()).unwrap_or_default()
            }),
            "textDocument/completion" => params(req).map(|p: lsp_types::CompletionParams| {
                let at = p.text_document_position;
                let items = self.with_doc(&at.text_document.uri, |text, checked| {
                    let program = checked.map(|c| c.program.clone());
                    completion::complete(text, program.as_deref(), at.position)
                });
                serde_json::to_value(items.map(lsp_types::CompletionResponse::Array)).unwrap_or_default()
            }),
            "textDocument/codeAction" => params(req).map(|p: lsp_types::CodeActionParams| {
                let uri = p.text_document.uri.clone();
                let fix_all = self.fix_all(&uri);
                let found = self.with_doc(&uri, |text, checked| {
                    checked.map(|c| actions::actions(&uri, text, c, &p, fix_all)).unwrap_or_default()
                });
                serde_json::to_value(found.unwrap_or_default()).unwrap_or_default()
            }),
            _ => Err((ErrorCode::MethodNotFound, format!("mentor-agree does not handle {}", req.method))),
        };
        match result {
            Ok(value) => self.send(Response::new_ok(id, value).into()),
            Err((code, message)) => self.respond_err(id, code, message),
        }
    }

    /// False on `exit`.
    fn notification(&mut self, n: Notification) -> bool {
        match n.method.as_str() {
            "exit" => return false,
            "textDocument/didOpen" => {
                if let Ok(p) = note::<lsp_types::DidOpenTextDocumentParams>(n) {
                    let doc = p.text_document;
                    let path = uri_to_path(&doc.uri);
                    let doc_state = Doc { text: doc.text, version: doc.version, path, dirty: true, checked: None };
                    self.docs.insert(doc.uri, doc_state);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = note::<lsp_types::DidChangeTextDocumentParams>(n) {
                    match self.docs.get_mut(&p.text_document.uri) {
                        Some(doc) => {
                            for change in p.content_changes {
                                apply_change(&mut doc.text, change, self.encoding);
                            }
                            doc.version = p.text_document.version;
                            doc.dirty = true;
                            doc.checked = None;
                        }
                        None => eprintln!(
                            "mentor-agree lsp: ignored a change to {}, which is not open",
                            p.text_document.uri.as_str()
                        ),
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = note::<lsp_types::DidCloseTextDocumentParams>(n)
                    && self.docs.remove(&p.text_document.uri).is_some()
                {
                    self.publish(p.text_document.uri, Vec::new(), None);
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = note::<lsp_types::DidSaveTextDocumentParams>(n) {
                    self.saved(&uri_to_path(&p.text_document.uri));
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(p) = note::<lsp_types::DidChangeWatchedFilesParams>(n) {
                    for change in p.changes {
                        self.saved(&uri_to_path(&change.uri));
                    }
                }
            }
            _ => {}
        }
        true
    }

    /// A file was written: a program.toml re-checks every open file under new
    /// programs; an agreement refreshes its folder's ids.
    fn saved(&mut self, path: &Path) {
        if path.file_name().is_some_and(|n| n == PROGRAM_FILE) {
            match ProgramResolver::new(self.config.program.as_deref()) {
                Ok(resolver) => self.resolver = resolver,
                Err(e) => eprintln!("mentor-agree lsp: {e}"),
            }
            self.signers = SignersCache::default();
        }
        if let Some(folder) = path.parent() {
            self.folder_ids.remove(folder);
        }
        for doc in self.docs.values_mut() {
            doc.checked = None;
            doc.dirty = true;
        }
    }

    /// Runs `f` on an open document's indexed text and its check (checked now if needed).
    fn with_doc<R>(&mut self, uri: &Uri, f: impl FnOnce(&Text<'_>, Option<&Checked>) -> R) -> Option<R> {
        self.ensure_checked(uri);
        let doc = self.docs.get(uri)?;
        let text = Text::with_encoding(&doc.text, self.encoding);
        let checked = doc.checked.as_ref().and_then(|c| c.as_ref().ok());
        Some(f(&text, checked))
    }

    /// The whole text with every safe fix applied, when that differs from the text.
    fn fix_all(&mut self, uri: &Uri) -> Option<String> {
        let doc = self.docs.get(uri)?;
        let program = self.resolver.for_path(&doc.path).ok()?;
        // No fixes where `check` could not run (an SSH program without a usable allowed_signers).
        let allowed = self.signers.for_program(&program).ok()?;
        let settings = self.settings(allowed.as_deref());
        let fixed = crate::edit::fix::fix_text(&doc.path, &doc.text, program, &settings, crate::edit::fix::Which::Safe);
        (fixed.text != doc.text).then_some(fixed.text)
    }

    fn settings<'a>(&self, allowed: Option<&'a crate::ssh::AllowedSigners>) -> Settings<'a> {
        Settings {
            today: (self.config.today)(),
            options: crate::rules::Options::default(),
            ssh: allowed.map(|s| s as &dyn SshVerifier),
        }
    }

    fn ensure_checked(&mut self, uri: &Uri) {
        let Some(doc) = self.docs.get(uri) else { return };
        if doc.checked.is_some() {
            return;
        }
        let (path, text) = (doc.path.clone(), doc.text.clone());
        let result = self.check(&path, &text, uri);
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.checked = Some(result);
        }
    }

    /// Checks a document: an agreement as `check` would; a program.toml for
    /// whether it reads; a huge text not at all.
    fn check(&mut self, path: &Path, text: &str, uri: &Uri) -> Result<Checked, Vec<lsp_types::Diagnostic>> {
        let note = |message: String, severity| {
            vec![lsp_types::Diagnostic {
                range: lsp_types::Range::default(),
                severity: Some(severity),
                source: Some("mentor-agree".into()),
                message,
                ..lsp_types::Diagnostic::default()
            }]
        };
        if text.len() > MAX_CHECKED_BYTES {
            return Err(note(
                format!(
                    "this file is too large to check while editing ({} bytes); run `mentor-agree check`",
                    text.len()
                ),
                DiagnosticSeverity::INFORMATION,
            ));
        }
        if path.file_name().is_some_and(|n| n == PROGRAM_FILE) {
            return Err(match Program::parse(text, path) {
                Ok(_) => Vec::new(),
                Err(e) => note(e.to_string(), DiagnosticSeverity::ERROR),
            });
        }
        let program = match self.resolver.for_path(path) {
            Ok(p) => p,
            Err(e) => return Err(note(e.to_string(), DiagnosticSeverity::ERROR)),
        };
        if !is_agreement(path, text, &program) {
            return Err(Vec::new());
        }
        // As `check` exits 2 on it, the editor shows the program's configuration error
        // rather than judging SSH signatures without the keys.
        let allowed = match self.signers.for_program(&program) {
            Ok(allowed) => allowed,
            Err(e) => return Err(note(e.to_string(), DiagnosticSeverity::ERROR)),
        };
        let settings = self.settings(allowed.as_deref());
        let mut checked = engine::check_text(path, text, program, &settings);
        if let Some(dup) = self.duplicate(&checked, uri) {
            checked.diagnostics.push(dup);
            checked.diagnostics.sort_by_key(|l| (l.position.line, l.position.column));
        }
        Ok(checked)
    }

    /// `duplicate-id` as `check FOLDER` reports it: when a file of the same
    /// folder that sorts before this one has the same id (open files by their
    /// unsaved text).
    fn duplicate(&mut self, checked: &Checked, uri: &Uri) -> Option<Located> {
        if !checked.readable {
            return None;
        }
        let folder = checked.path.parent()?.to_path_buf();
        let on_disk = self.folder_ids.entry(folder.clone()).or_insert_with(|| Arc::new(folder_ids(&folder))).clone();
        let open: HashMap<&Path, &str> = self
            .docs
            .iter()
            .filter(|(u, _)| *u != uri)
            .filter_map(|(_, d)| match &d.checked {
                Some(Ok(c)) if c.readable => Some((d.path.as_path(), c.id.as_str())),
                _ => None,
            })
            .collect();
        let other = on_disk
            .iter()
            .filter(|(p, _)| p.as_path() < checked.path.as_path())
            .find(|(p, id)| open.get(p.as_path()).copied().unwrap_or(id) == checked.id)?;
        engine::duplicate_id(checked, &other.0)
    }

    /// Publishes the diagnostics of every document changed since the last time.
    fn publish_changed(&mut self) {
        let dirty: Vec<Uri> = self.docs.iter().filter(|(_, d)| d.dirty).map(|(u, _)| u.clone()).collect();
        for uri in dirty {
            self.ensure_checked(&uri);
            let Some(doc) = self.docs.get_mut(&uri) else { continue };
            doc.dirty = false;
            let diagnostics = match &doc.checked {
                Some(Ok(checked)) => {
                    let text = Text::with_encoding(&doc.text, self.encoding);
                    checked.diagnostics.iter().map(|l| to_lsp(&text, l)).collect()
                }
                Some(Err(notes)) => notes.clone(),
                None => Vec::new(),
            };
            let version = Some(doc.version);
            self.publish(uri, diagnostics, version);
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams { uri, diagnostics, version };
        self.send(Notification::new("textDocument/publishDiagnostics".into(), params).into());
    }

    fn respond_err(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message).into());
    }

    fn send(&self, msg: Message) {
        // The client is gone when this fails; the loop ends when its receiver does.
        let _ = self.conn.sender.send(msg);
    }
}

/// Whether to check a TOML file as an agreement. Editors start the server for
/// every TOML file (Cargo.toml, pyproject.toml, …), which should not be covered
/// in unknown-key errors: a file is an agreement when it lies in its program's
/// agreements folder, or when it says so with a top-level `format` key or one
/// of the party or term tables.
pub(super) fn is_agreement(path: &Path, text: &str, program: &Program) -> bool {
    if program.path.is_some() {
        let dir = program.agreements_dir();
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        let file = path.parent().and_then(|p| std::fs::canonicalize(p).ok()).unwrap_or_else(|| path.to_path_buf());
        if file.starts_with(&dir) {
            return true;
        }
    }
    let mut top = true;
    for line in text.lines() {
        if let Some((name, _)) = super::text::header(line) {
            if matches!(name.as_str(), "mentor" | "mentee" | "lead" | "schedule" | "term") {
                return true;
            }
            top = false;
        } else if top && super::text::key_of(line) == Some("format") {
            return true;
        }
    }
    false
}

/// The ids of the readable agreement files directly in `folder`, sorted by path.
fn folder_ids(folder: &Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut out: Vec<(PathBuf, String)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|e| e == "toml")
                && p.file_name().is_some_and(|n| n != PROGRAM_FILE && !n.to_string_lossy().starts_with('.'))
        })
        .filter_map(|p| {
            let text = crate::input::read_to_string(&p).ok()?;
            let parsed = crate::format::agreement::parse(&text);
            let a = parsed.agreement?;
            let id = match a.id {
                Some(id) => id.value,
                None => p.file_stem()?.to_string_lossy().into_owned(),
            };
            Some((p, id))
        })
        .collect();
    out.sort();
    out
}

/// Applies one change: the whole text (full sync, what the server asks for), or
/// a range, for a client that sends incremental changes anyway.
fn apply_change(text: &mut String, change: lsp_types::TextDocumentContentChangeEvent, encoding: Encoding) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let t = Text::with_encoding(text, encoding);
            let (start, end) = (t.offset(range.start), t.offset(range.end));
            text.replace_range(start..end.max(start), &change.text);
        }
    }
}

type Failure = (ErrorCode, String);

fn params<P: DeserializeOwned>(req: Request) -> Result<P, Failure> {
    serde_json::from_value(req.params).map_err(|e| (ErrorCode::InvalidParams, format!("{}: {e}", req.method)))
}

fn note<P: DeserializeOwned>(n: Notification) -> Result<P, ()> {
    serde_json::from_value(n.params).map_err(|e| eprintln!("mentor-agree lsp: ignored {}: {e}", n.method))
}
