//! `mentor-agree lsp`: the language server in process (over `Connection::memory`),
//! and end to end with Neovim as the client.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::NaiveDate;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use mentor_agree::engine::{self, Settings};
use mentor_agree::lsp::text::{Text, path_to_uri};
use mentor_agree::program::Program;
use serde_json::{Value, json};

const TODAY: &str = "2026-12-01";

fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

/// An agreement with a misspelt key, a quoted date and an empty topic after
/// non-ASCII text (`é` is one UTF-16 unit, the emoji two).
const BROKEN: &str = r#"format = 1
topics = ["é🙂", ""]

[mentor]
name = "Ada Lovelace"

[mentee]
name = "Grace Hopper"

[lead]
name = "Alan Turing"

[schedule]
frequency = "fortnightly"
sesion_minutes = 45
modes = ["video call"]

[term]
start = "2026-12-07"
months = 6

[reviews]
every_months = 2

[[goals]]
goal = "Facilitate sprint retrospectives"
measure = "Run 3 retrospectives"
due = 2027-03-15
"#;

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<(), mentor_agree::lsp::LspError>>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    pending: Vec<Notification>,
}

impl Client {
    fn start() -> Client {
        Client::start_returning(json!({})).0
    }

    /// A client with these capabilities, and the server's reply to initialize.
    fn start_returning(capabilities: Value) -> (Client, Value) {
        let (server, client) = Connection::memory();
        let config = mentor_agree::lsp::Config { today: Box::new(today), program: None };
        let handle = std::thread::spawn(move || mentor_agree::lsp::serve(server, config));
        let mut c = Client { conn: client, server: Some(handle), next_id: 1, pending: Vec::new() };
        let init = c.request("initialize", json!({ "capabilities": capabilities }));
        assert_eq!(init["result"]["capabilities"]["hoverProvider"], true, "{init}");
        assert_eq!(init["result"]["capabilities"]["textDocumentSync"]["change"], 1, "full sync");
        c.notify("initialized", json!({}));
        (c, init)
    }

    fn recv(&self) -> Message {
        self.conn.receiver.recv_timeout(Duration::from_secs(20)).expect("the server answers")
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = RequestId::from(self.next_id);
        self.next_id += 1;
        self.conn.sender.send(Request::new(id.clone(), method.into(), params).into()).unwrap();
        loop {
            match self.recv() {
                Message::Response(r) if r.id == id => return serde_json::to_value(r).unwrap(),
                Message::Notification(n) => self.pending.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn.sender.send(Notification::new(method.into(), params).into()).unwrap();
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.pending.iter().position(|n| is_for(n, uri)) {
            let n = self.pending.remove(i);
            return n.params["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            match self.recv() {
                Message::Notification(n) if is_for(&n, uri) => {
                    return n.params["diagnostics"].as_array().unwrap().clone();
                }
                Message::Notification(n) => self.pending.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn open(&self, uri: &str, text: &str) {
        let doc = json!({ "uri": uri, "languageId": "toml", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    }

    fn change(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
        )
    }

    fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", Value::Null)["result"], Value::Null);
        self.notify("exit", Value::Null);
        let result = self.server.take().unwrap().join().expect("the server does not panic");
        assert!(result.is_ok(), "{result:?}");
    }
}

fn is_for(n: &Notification, uri: &str) -> bool {
    n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// A file in a folder of its own (no program.toml above a temp dir: the built-in program).
fn doc(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    let uri = path_to_uri(&path).unwrap().as_str().to_string();
    (path, uri)
}

/// Applies LSP text edits (UTF-16 ranges) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let t = Text::new(text);
    let pos = |p: &Value| lsp_types::Position {
        line: p["line"].as_u64().unwrap() as u32,
        character: p["character"].as_u64().unwrap() as u32,
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                t.offset(pos(&e["range"]["start"])),
                t.offset(pos(&e["range"]["end"])),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

#[test]
fn diagnostics_hover_completion_and_quick_fixes_over_a_session() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, uri) = doc(tmp.path(), "pair.toml");
    let mut c = Client::start();

    // didOpen: exactly what `check` reports for the text.
    c.open(&uri, BROKEN);
    let diags = c.diagnostics(&uri);
    let settings = Settings { today: today(), options: Default::default(), ssh: None };
    let expected = engine::check_text(&path, BROKEN, Arc::new(Program::builtin()), &settings);
    let want: Vec<(String, usize)> =
        expected.diagnostics.iter().map(|l| (l.diagnostic.code.to_string(), l.position.line - 1)).collect();
    let got: Vec<(String, usize)> = diags
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["range"]["start"]["line"].as_u64().unwrap() as usize))
        .collect();
    assert_eq!(got, want);
    assert!(codes(&diags).contains(&"unknown-key".to_string()), "{diags:?}");
    for d in &diags {
        assert_eq!(d["source"], "mentor-agree");
        let href = d["codeDescription"]["href"].as_str().unwrap();
        assert!(href.ends_with(&format!("docs/codes.md#{}", d["code"].as_str().unwrap())), "{href}");
    }
    // UTF-16 columns: `topics = ["é🙂", ` is 17 units (é one, the emoji two), 16 characters.
    let empty = diags.iter().find(|d| d["code"] == "empty-text").expect("the empty topic");
    assert_eq!(empty["range"]["start"], json!({ "line": 1, "character": 17 }));
    assert_eq!(empty["range"]["end"], json!({ "line": 1, "character": 19 }));

    // Hover on a diagnostic: its explanation.
    let typo = diags.iter().find(|d| d["code"] == "unknown-key").unwrap().clone();
    let line = typo["range"]["start"]["line"].as_u64().unwrap() as u32;
    let hover = c.at("textDocument/hover", &uri, line, 2);
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("unknown-key") && text.contains("What it checks"), "{text}");

    // Completion: the keys [schedule] does not have yet (session_minutes is misspelt).
    let done = c.at("textDocument/completion", &uri, 14, 0);
    let labels: Vec<&str> = done["result"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["session_minutes", "also_via"]);
    let values = c.at("textDocument/completion", &uri, 13, 12);
    let labels: Vec<&str> = values["result"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"weekly") && labels.contains(&"monthly"), "{labels:?}");

    // Code action on the typo: a quick fix whose edit removes the problem.
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": typo["range"], "context": { "diagnostics": [typo] } }),
    );
    let actions = actions["result"].as_array().unwrap();
    let quick = actions.iter().find(|a| a["kind"] == "quickfix").expect("a quick fix");
    assert_eq!(quick["title"], "Rename `sesion_minutes` to `session_minutes`");
    assert_eq!(quick["isPreferred"], true);
    let edits = quick["edit"]["changes"][&uri].as_array().unwrap();
    let renamed = apply(BROKEN, edits);
    assert!(renamed.contains("\nsession_minutes = 45\n"));
    c.change(&uri, 2, &renamed);
    assert!(!codes(&c.diagnostics(&uri)).contains(&"unknown-key".to_string()));

    // "Fix all" applies every safe fix; with the topic written, nothing is left.
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    let all = &actions["result"][0];
    assert_eq!(all["kind"], "source.fixAll.mentor-agree", "{actions}");
    let fixed =
        apply(&renamed, all["edit"]["changes"][&uri].as_array().unwrap()).replace(r#""é🙂", """#, r#""é🙂", "agile""#);
    assert!(fixed.contains("start = 2026-12-07\n"), "{fixed}");
    c.change(&uri, 3, &fixed);
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new(), "a fixed file has no diagnostics");

    // Hover shows derived values: the term's end and last day, the sessions, a signature.
    let term_line = fixed.lines().position(|l| l == "[term]").unwrap() as u32;
    let hover = c.at("textDocument/hover", &uri, term_line, 1);
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("6 June 2027") && text.contains("2027-06-07"), "{text}");
    // A key: what it means, from the schema's descriptions.
    let hover = c.at("textDocument/hover", &uri, term_line + 2, 1);
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("`[term] months`: Length in calendar months"), "{text}");
    let schedule_line = fixed.lines().position(|l| l == "[schedule]").unwrap() as u32;
    let hover = c.at("textDocument/hover", &uri, schedule_line, 1);
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("sessions** over the term") && text.contains("every two weeks"), "{text}");

    c.shutdown();
}

#[test]
fn columns_are_utf8_bytes_when_the_editor_offers_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, uri) = doc(tmp.path(), "pair.toml");
    let offered = json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } });
    let (mut c, init) = Client::start_returning(offered);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8", "{init}");
    c.open(&uri, BROKEN);
    // `topics = ["é🙂", ` is 20 bytes (é two, the emoji four).
    let diags = c.diagnostics(&uri);
    let empty = diags.iter().find(|d| d["code"] == "empty-text").expect("the empty topic");
    assert_eq!(empty["range"]["start"], json!({ "line": 1, "character": 20 }));
    assert_eq!(empty["range"]["end"], json!({ "line": 1, "character": 22 }));
    // A ranged change is read in bytes too: replacing 20..22 fills the empty topic.
    let range = json!({ "start": { "line": 1, "character": 20 }, "end": { "line": 1, "character": 22 } });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "range": range, "text": "\"retros\"" }] }),
    );
    let after = c.diagnostics(&uri);
    assert!(!codes(&after).contains(&"empty-text".to_string()), "{after:?}");
    assert!(codes(&after).contains(&"unknown-key".to_string()), "the rest of the text is unchanged: {after:?}");
    c.shutdown();

    // A client that offers only UTF-16, or says nothing, gets UTF-16.
    for caps in [json!({ "general": { "positionEncodings": ["utf-16"] } }), json!({})] {
        let (c, init) = Client::start_returning(caps);
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16", "{init}");
        c.shutdown();
    }
}

#[test]
fn queued_changes_are_checked_once_as_the_last_text() {
    // Everything is queued before the server starts, as when edits arrive during a check.
    let (server, client) = Connection::memory();
    let send = |m: Message| client.sender.send(m).unwrap();
    let uri = "file:///nowhere/typing.toml";
    send(Request::new(1.into(), "initialize".into(), json!({ "capabilities": {} })).into());
    send(Notification::new("initialized".into(), json!({})).into());
    let doc = json!({ "uri": uri, "languageId": "toml", "version": 1, "text": BROKEN });
    send(Notification::new("textDocument/didOpen".into(), json!({ "textDocument": doc })).into());
    let good = BROKEN.replace("sesion_minutes", "session_minutes");
    for version in 2..=50 {
        let text = if version == 50 { good.as_str() } else { BROKEN };
        let change =
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] });
        send(Notification::new("textDocument/didChange".into(), change).into());
    }
    send(Request::new(2.into(), "shutdown".into(), Value::Null).into());
    send(Notification::new("exit".into(), Value::Null).into());
    let config = mentor_agree::lsp::Config { today: Box::new(today), program: None };
    mentor_agree::lsp::serve(server, config).unwrap();

    let published: Vec<Notification> = client
        .receiver
        .try_iter()
        .filter_map(|m| match m {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(published.len(), 1, "one check for 50 queued texts: {published:?}");
    assert_eq!(published[0].params["version"], 50);
    let got = codes(published[0].params["diagnostics"].as_array().unwrap());
    assert!(!got.contains(&"unknown-key".to_string()), "the last text was checked: {got:?}");
}

#[test]
fn signatures_hover_as_valid_stale_or_the_record_of_terms_amended_since() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, uri) = doc(tmp.path(), "signed.toml");
    let text = std::fs::read_to_string(common::fixture("codes/bad-email/agreement.toml")).unwrap();
    let mut c = Client::start();
    c.open(&uri, &text);
    let _ = c.diagnostics(&uri);
    let sig_line = text.lines().position(|l| l == "[[signatures]]").unwrap() as u32;
    let hover = c.at("textDocument/hover", &uri, sig_line + 1, 0);
    assert!(
        hover["result"]["contents"]["value"].as_str().unwrap().contains("mentor's signature is **valid**"),
        "{hover}"
    );
    // Everyone had signed: a change of terms is an amendment, and the signature the record of the terms in force.
    c.change(&uri, 2, &text.replace("session_minutes = 45", "session_minutes = 60"));
    let _ = c.diagnostics(&uri);
    let hover = c.at("textDocument/hover", &uri, sig_line + 1, 0);
    let said = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(said.contains("signature of the terms that took effect on 30 September 2026"), "{hover}");
    assert!(said.contains("sign the amendment with `mentor-agree sign --role mentor`"), "{hover}");
    // Before the lead signed, the same change makes the mentor's signature stale.
    let draft = &text[..text.rfind("[[signatures]]").unwrap()];
    c.change(&uri, 3, &draft.replace("session_minutes = 45", "session_minutes = 60"));
    let _ = c.diagnostics(&uri);
    let hover = c.at("textDocument/hover", &uri, sig_line + 1, 0);
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("**stale**"), "{hover}");
    c.shutdown();
}

#[test]
fn malformed_input_does_not_stop_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, uri) = doc(tmp.path(), "a.toml");
    let mut c = Client::start();

    let unknown = c.request("mentor/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad = c.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": "file:///not/open.toml", "version": 3 }, "contentChanges": [{ "text": "x" }] }));
    c.notify("textDocument/didOpen", json!({ "garbage": 1 }));
    c.notify("mentor/whatever", json!(null));
    // A client that sends a ranged (incremental) change although full sync was asked for.
    let (_, inc) = doc(tmp.path(), "inc.toml");
    c.open(&inc, BROKEN);
    assert!(codes(&c.diagnostics(&inc)).contains(&"unknown-key".to_string()));
    let range = json!({ "start": { "line": 14, "character": 0 }, "end": { "line": 14, "character": 6 } });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": inc, "version": 2 },
        "contentChanges": [{ "range": range, "text": "session" }] }),
    );
    let _ = c.request("mentor/ping", json!({}));
    assert!(!codes(&c.diagnostics(&inc)).contains(&"unknown-key".to_string()));
    let nothing = c.at("textDocument/hover", "file:///not/open.toml", 0, 0);
    assert_eq!(nothing["result"], Value::Null);

    // A huge document: one note instead of a check.
    let huge = format!("format = 1\n{}", "# padding\n".repeat(500_000));
    c.open(&uri, &huge);
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1);
    assert!(diags[0]["message"].as_str().unwrap().contains("too large"), "{diags:?}");
    // Positions past the end of the text are clamped, not a crash.
    assert!(c.at("textDocument/completion", &uri, 9_999_999, 9_999_999).get("result").is_some());

    // Not TOML at all: a located syntax error, and the server still answers.
    c.change(&uri, 2, "format = 1\n[[[\u{0}");
    let got = codes(&c.diagnostics(&uri));
    assert!(!got.is_empty() && got.iter().all(|c| c == "toml-syntax"), "{got:?}");
    c.shutdown();
}

#[test]
fn other_toml_files_are_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, cargo) = doc(tmp.path(), "Cargo.toml");
    let (_, draft) = doc(tmp.path(), "draft.toml");
    let mut c = Client::start();
    c.open(&cargo, "[package]\nname = \"x\"\nversion = \"0.1.0\"\n");
    assert_eq!(c.diagnostics(&cargo), Vec::<Value>::new());
    // A file that says it is an agreement is checked from its first table on.
    c.open(&draft, "[mentor]\nname = \"Ada\"\n");
    assert!(codes(&c.diagnostics(&draft)).contains(&"format-version".to_string()));
    c.shutdown();
}

#[test]
fn duplicate_ids_in_the_folder_and_program_changes_on_save() {
    let tmp = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(common::fixture("fixes/unknown-key/fixed.toml")).unwrap();
    let with_id = good.replace("format = 1\n", "format = 1\nid = \"2026-10-ada-grace\"\n");
    std::fs::write(tmp.path().join("a.toml"), &with_id).unwrap();
    let (_, uri) = doc(tmp.path(), "b.toml");
    let mut c = Client::start();
    c.open(&uri, &with_id);
    assert_eq!(codes(&c.diagnostics(&uri)), ["duplicate-id"]);

    // A program.toml written and saved beside it: the open file is checked under it.
    let program = tmp.path().join("program.toml");
    std::fs::write(&program, "[rules.schedule]\nmax_session_minutes = 30\n").unwrap();
    let program_uri = path_to_uri(&program).unwrap().as_str().to_string();
    c.notify("textDocument/didSave", json!({ "textDocument": { "uri": program_uri } }));
    let _ = c.request("mentor/ping", json!({}));
    let mut got = codes(&c.diagnostics(&uri));
    got.sort();
    assert_eq!(got, ["duplicate-id", "session-too-long"]);
    c.shutdown();
}

/// Neovim, as a real client: opens a broken agreement, attaches `mentor-agree lsp`
/// and writes out the diagnostics it received.
#[test]
fn neovim_receives_the_diagnostics() {
    if !common::have_tool("nvim", "--version") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("broken.toml");
    std::fs::write(&file, BROKEN).unwrap();
    let out = tmp.path().join("diagnostics.txt");
    let script = tmp.path().join("attach.lua");
    let bin = assert_cmd::cargo::cargo_bin("mentor-agree");
    std::fs::write(
        &script,
        format!(
            r#"
local cmd = {{ {bin:?}, "lsp", "--today", "{TODAY}" }}
vim.cmd("edit " .. vim.fn.fnameescape({file:?}))
local buf = vim.api.nvim_get_current_buf()
if vim.lsp.start then
  vim.lsp.start({{ name = "mentor-agree", cmd = cmd, root_dir = {dir:?} }})
else -- Neovim 0.7
  local id = vim.lsp.start_client({{ name = "mentor-agree", cmd = cmd, root_dir = {dir:?} }})
  vim.lsp.buf_attach_client(buf, id)
end
vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local lines = {{}}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(lines, string.format("%s %d:%d %s", d.code or d.user_data and d.user_data.lsp.code or "?", d.lnum + 1, d.col, d.source or ""))
end
vim.fn.writefile(lines, {out:?})
vim.cmd("qa!")
"#,
            bin = bin.display().to_string(),
            file = file.display().to_string(),
            dir = tmp.path().display().to_string(),
            out = out.display().to_string(),
        ),
    )
    .unwrap();
    let status = std::process::Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .stdin(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "nvim failed: {status}");
    let got = std::fs::read_to_string(&out).unwrap_or_default();
    println!("Neovim received:\n{got}");
    assert!(got.contains("unknown-key 15:0 mentor-agree"), "{got}");
    assert!(got.contains("wrong-type 19:8 mentor-agree"), "{got}");
    // Neovim counts columns in bytes: the empty topic starts 20 bytes in, after `é🙂`.
    assert!(got.contains("empty-text 2:20 mentor-agree"), "{got}");
}

/// The real binary over stdio: a malformed frame in the stream is skipped, and
/// the session goes on to diagnostics and a clean exit.
#[test]
fn the_stdio_server_survives_a_malformed_frame() {
    use std::io::Write;
    let frame = |v: Value| {
        let body = v.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let uri = "file:///nowhere/stdio.toml";
    let input = [
        "Content-Length: 9\r\n\r\n{\"broken\"".to_string(),
        frame(json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } })),
        frame(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} })),
        "Content-Length: 3\r\n\r\n[1]".to_string(),
        frame(json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": { "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": BROKEN } } })),
        frame(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" })),
        frame(json!({ "jsonrpc": "2.0", "method": "exit" })),
    ]
    .concat();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mentor-agree"))
        .args(["--today", TODAY, "lsp"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(r#""id":1,"result":{"capabilities""#), "{stdout}");
    assert!(stdout.contains("textDocument/publishDiagnostics") && stdout.contains("unknown-key"), "{stdout}");
    assert!(stdout.contains(r#""id":2,"result":null"#), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("skipped a message"), "the bad frames are logged");
}

use std::io::Read as _;

fn frame_of(v: &Value) -> Vec<u8> {
    let body = v.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// The methods of the messages the transport reader passes on from `input`.
fn read_methods(input: impl std::io::Read) -> Vec<String> {
    let (tx, rx) = crossbeam_channel::unbounded();
    mentor_agree::lsp::transport::read_loop(&mut std::io::BufReader::new(input), &tx);
    drop(tx);
    rx.iter()
        .map(|m| match m {
            Message::Notification(n) => n.method,
            Message::Request(r) => r.method,
            Message::Response(r) => format!("response {}", r.id),
        })
        .collect()
}

fn note_frame(method: &str) -> Vec<u8> {
    frame_of(&json!({ "jsonrpc": "2.0", "method": method, "params": {} }))
}

/// A Content-Length too short or too long, header lines that are not UTF-8, a
/// frame with no length, and a body over the limit cost the reader nothing but
/// the bad frame itself (a too-long length costs nothing at all: the body ends
/// where its JSON does, so the frame after it is read too): it finds the next
/// header and reads on. Before, a short length made every later frame
/// unreadable, and a header line that was not UTF-8 ended the session.
#[test]
fn the_reader_resynchronises_after_wrong_lengths_garbage_and_oversized_bodies() {
    let body = json!({ "jsonrpc": "2.0", "method": "a", "params": {} }).to_string();
    let short = format!("Content-Length: {}\r\n\r\n{body}", body.len() - 5).into_bytes();
    let long = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 5).into_bytes();
    let input = [
        short,
        note_frame("b"),
        note_frame("c"),
        long,
        note_frame("swallowed"),
        note_frame("d"),
        b"\xff\xfe garbage that is not UTF-8\r\n\r\n".to_vec(),
        note_frame("e"),
        b"Content-Type: no length\r\n\r\n".to_vec(),
        note_frame("f"),
        b"Content-Length: -3\r\n\r\n".to_vec(),
        note_frame("g"),
    ]
    .concat();
    assert_eq!(read_methods(input.as_slice()), ["b", "c", "a", "swallowed", "d", "e", "f", "g"]);

    // A body one byte over the limit is skipped without being held in memory.
    let over = mentor_agree::lsp::transport::MAX_MESSAGE_BYTES + 1;
    let header = format!("Content-Length: {over}\r\n\r\n");
    let tail = [note_frame("after"), note_frame("exit")].concat();
    let input = header.as_bytes().chain(std::io::repeat(b' ').take(over as u64)).chain(tail.as_slice());
    assert_eq!(read_methods(input), ["after", "exit"]);

    // A frame cut off by the end of input ends the reader, after what came before.
    let mut cut = note_frame("before");
    cut.extend_from_slice(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"");
    assert_eq!(read_methods(cut.as_slice()), ["before"]);
}

/// The JSON bodies of the frames the server wrote.
fn bodies(mut out: &[u8]) -> Vec<Value> {
    let mut found = Vec::new();
    while let Some(at) = out.windows(4).position(|w| w == b"\r\n\r\n") {
        let header = std::str::from_utf8(&out[..at]).unwrap();
        let len: usize = header.trim().strip_prefix("Content-Length: ").unwrap().parse().unwrap();
        found.push(serde_json::from_slice(&out[at + 4..at + 4 + len]).unwrap());
        out = &out[at + 4 + len..];
    }
    found
}

/// The real binary over stdio, under a kill-on-timeout bound, given requests out
/// of order (before `initialize`, after `shutdown`), a change to a file never
/// opened, a wrong Content-Length, bytes that are not UTF-8 between frames and a
/// 5 MB document: it answers every request that follows and exits cleanly.
#[test]
fn the_stdio_server_answers_in_order_whatever_came_before() {
    let uri = "file:///nowhere/hostile.toml";
    let req = |id: i32, method: &str, params: Value| {
        frame_of(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
    };
    let note = |method: &str, params: Value| frame_of(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    let at = json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } });
    let open = |text: &str| {
        note(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": text } }),
        )
    };
    let short = {
        let body = json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }).to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len() - 3).into_bytes()
    };
    let input = [
        req(1, "textDocument/hover", at.clone()),
        open(BROKEN),
        req(2, "initialize", json!({ "capabilities": {} })),
        note("initialized", json!({})),
        note("textDocument/didChange", json!({ "textDocument": { "uri": "file:///never/opened.toml", "version": 2 }, "contentChanges": [{ "text": "x" }] })),
        short,
        req(3, "textDocument/hover", at.clone()),
        b"\xc3\x28\xff\r\n\r\n".to_vec(),
        open(&format!("format = 1\n{}", "# padding\n".repeat(500_000))),
        req(4, "textDocument/completion", at.clone()),
        open(BROKEN),
        req(5, "textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": { "line": 14, "character": 2 } })),
        req(6, "shutdown", Value::Null),
        req(7, "textDocument/hover", at),
        note("exit", Value::Null),
    ]
    .concat();
    let out = assert_cmd::Command::cargo_bin("mentor-agree")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["--today", TODAY, "lsp"])
        .write_stdin(input)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let bodies = bodies(&out.stdout);
    let response = |id: i32| {
        bodies
            .iter()
            .find(|b| b["id"] == id && b.get("method").is_none())
            .unwrap_or_else(|| panic!("no answer to {id}: {bodies:?}"))
    };
    assert_eq!(response(1)["error"]["code"], -32002, "not initialized yet");
    assert!(response(2)["result"]["capabilities"].is_object());
    assert!(response(3).get("error").is_none(), "{}", response(3));
    assert!(response(4).get("error").is_none(), "{}", response(4));
    assert!(response(5)["result"].is_object() || response(5)["result"].is_null(), "{}", response(5));
    assert_eq!(response(6)["result"], Value::Null);
    assert_eq!(response(7)["error"]["code"], -32600, "after shutdown");
    let published: Vec<&Value> = bodies
        .iter()
        .filter(|b| b["method"] == "textDocument/publishDiagnostics")
        .map(|b| &b["params"]["diagnostics"])
        .collect();
    assert!(published.iter().any(|d| d.to_string().contains("too large")), "the huge document: {published:?}");
    assert!(published.iter().any(|d| d.to_string().contains("unknown-key")), "the document opened last is checked");
    assert!(stderr.contains("not open") && stderr.contains("skipped"), "{stderr}");
}

#[test]
fn an_ssh_program_without_allowed_signers_shows_the_error_not_valid_signatures() {
    // As `check` exits 2 on it, the editor publishes the configuration error
    // instead of judging SSH signatures as if they were typed names.
    let tmp = tempfile::tempdir().unwrap();
    let src = common::fixture("signing/signed-ssh");
    std::fs::copy(src.join("program.toml"), tmp.path().join("program.toml")).unwrap();
    let text = std::fs::read_to_string(src.join("agreements/2026-12-ada-lovelace-grace-hopper.toml")).unwrap();
    let (path, uri) = doc(tmp.path(), "a.toml");
    std::fs::write(&path, &text).unwrap();
    let mut c = Client::start();
    c.open(&uri, &text);
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["severity"], 1, "an error: {diags:?}");
    assert!(diags[0]["message"].as_str().unwrap().contains("allowed_signers"), "{diags:?}");
    let sig_line = text.lines().position(|l| l == "[[signatures]]").unwrap() as u32;
    let hover = c.at("textDocument/hover", &uri, sig_line + 1, 0);
    assert!(!hover.to_string().contains("**valid**"), "{hover}");
    // With the file in place, the same signatures verify and hover as valid.
    std::fs::copy(src.join("allowed_signers"), tmp.path().join("allowed_signers")).unwrap();
    let (_, program_uri) = doc(tmp.path(), "program.toml");
    c.notify("textDocument/didSave", json!({ "textDocument": { "uri": program_uri } }));
    c.change(&uri, 2, &text);
    let _ = c.diagnostics(&uri);
    let hover = c.at("textDocument/hover", &uri, sig_line + 1, 0);
    assert!(hover.to_string().contains("**valid**"), "{hover}");
    c.shutdown();
}

/// The real binary over stdio, kept open: `input` is written, then the test waits
/// until the answer to request `last_id` comes, reads the server's peak memory,
/// and only then sends `exit`. Returns the bodies it sent and its peak resident
/// memory in KiB (0 where /proc cannot tell).
fn serve_and_measure(input: Vec<u8>, last_id: i32) -> (Vec<Value>, u64) {
    use std::io::{Read as _, Write as _};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mentor-agree"))
        .env("NO_COLOR", "1")
        .args(["--today", TODAY, "lsp"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
        stdin
    });
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut out = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    // Only whole frames: the output may stop mid-frame until the next read.
    let whole = |out: &[u8]| {
        let mut end = 0;
        let mut rest = out;
        while let Some(at) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
            let header = String::from_utf8_lossy(&rest[..at]).into_owned();
            let len: usize = header.trim().strip_prefix("Content-Length: ").and_then(|n| n.parse().ok()).unwrap_or(0);
            if rest.len() < at + 4 + len {
                break;
            }
            end += at + 4 + len;
            rest = &rest[at + 4 + len..];
        }
        bodies(&out[..end])
    };
    while !whole(&out).iter().any(|b| b["id"] == last_id) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(bytes) => out.extend(bytes),
            Err(_) => {
                let _ = child.kill();
                panic!("no answer to request {last_id} within the bound; got {:?}", whole(&out));
            }
        }
    }
    let peak = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    let mut stdin = writer.join().unwrap();
    stdin.write_all(&frame_of(&json!({ "jsonrpc": "2.0", "method": "exit" }))).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    (whole(&out), peak)
}

/// Issue 24: a Content-Length longer than its body no longer swallows the next
/// requests, a claim over 64 MiB followed by two bytes no longer makes the server
/// read forever, and a 100 MB message is skipped without being held in memory.
#[test]
fn bogus_lengths_and_huge_messages_cost_neither_later_requests_nor_memory() {
    let req = |id: i32, method: &str, params: Value| {
        frame_of(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
    };
    let long_claim = {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } });
        let body = body.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len() + 100).into_bytes()
    };
    let huge = {
        let text = "x".repeat(100 * 1024 * 1024);
        frame_of(&json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": {
            "uri": "file:///nowhere/huge.toml", "languageId": "toml", "version": 1, "text": text } } }))
    };
    let input = [
        long_claim,
        frame_of(&json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} })),
        req(
            2,
            "textDocument/hover",
            json!({ "textDocument": { "uri": "file:///nowhere/a.toml" }, "position": { "line": 0, "character": 0 } }),
        ),
        format!("Content-Length: {}\r\n\r\n{{}}", 65 * 1024 * 1024).into_bytes(),
        req(
            3,
            "textDocument/completion",
            json!({ "textDocument": { "uri": "file:///nowhere/a.toml" }, "position": { "line": 0, "character": 0 } }),
        ),
        huge,
        req(4, "shutdown", Value::Null),
    ]
    .concat();
    let (bodies, peak_kib) = serve_and_measure(input, 4);
    let answered = |id: i32| bodies.iter().any(|b| b["id"] == id && b.get("method").is_none());
    for id in 1..=4 {
        assert!(answered(id), "no answer to {id}: {bodies:?}");
    }
    assert!(bodies.iter().any(|b| b["id"] == 1 && b["result"]["capabilities"].is_object()), "{bodies:?}");
    if peak_kib > 0 {
        assert!(peak_kib < 100 * 1024, "peak memory {peak_kib} KiB for a 100 MB message that is skipped");
    }
}

/// Every hover the server gives over `path` (its text as on disk, under the
/// program.toml found above it), hovering at a few columns of every line: for
/// the feedback tests, which check none shows a confidential answer.
pub(crate) fn hovers_over(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let uri = path_to_uri(path).unwrap().as_str().to_string();
    let mut c = Client::start();
    c.open(&uri, &text);
    let diags = c.diagnostics(&uri);
    assert!(diags.is_empty(), "{diags:?}");
    let mut out = Vec::new();
    for line in 0..text.lines().count() as u32 {
        for character in [0, 2, 6, 12] {
            let hover = c.at("textDocument/hover", &uri, line, character);
            if let Some(v) = hover["result"]["contents"]["value"].as_str() {
                out.push(v.to_string());
            }
        }
    }
    c.shutdown();
    out
}

/// The Neovim configuration docs/editors.md gives, taken from the page as it
/// is (only the command pointed at this build), attaches the server in the
/// Neovim CI installs (Debian's 0.7) and brings the diagnostics.
#[test]
fn the_documented_neovim_configuration_attaches() {
    if !common::have_tool("nvim", "--version") {
        return;
    }
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/editors.md")).unwrap();
    let section = &docs[docs.find("## Neovim").unwrap()..];
    let start = section.find("```lua\n").unwrap() + "```lua\n".len();
    let snippet = &section[start..start + section[start..].find("```").unwrap()];
    let bin = assert_cmd::cargo::cargo_bin("mentor-agree");
    let documented = r#"cmd = { "mentor-agree", "lsp" }"#;
    assert!(snippet.contains(documented), "{snippet}");
    let init = snippet.replace(
        documented,
        &format!("cmd = {{ {:?}, \"lsp\", \"--today\", \"{TODAY}\" }}", bin.display().to_string()),
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("program.toml"), "[program]\nname = \"Editors\"\n").unwrap();
    let file = tmp.path().join("broken.toml");
    std::fs::write(&file, BROKEN).unwrap();
    std::fs::write(tmp.path().join("init.lua"), init).unwrap();
    let out = tmp.path().join("diagnostics.txt");
    std::fs::write(
        tmp.path().join("wait.lua"),
        format!(
            r#"
local buf = vim.api.nvim_get_current_buf()
vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local lines = {{}}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(lines, string.format("%s %d", d.code or d.user_data and d.user_data.lsp.code or "?", d.lnum + 1))
end
vim.fn.writefile(lines, {out:?})
vim.cmd("qa!")
"#,
            out = out.display().to_string()
        ),
    )
    .unwrap();
    let status = std::process::Command::new("nvim")
        .current_dir(tmp.path())
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(tmp.path().join("init.lua"))
        .arg(&file)
        .arg("-c")
        .arg(format!("luafile {}", tmp.path().join("wait.lua").display()))
        .stdin(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "nvim failed: {status}");
    let got = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(got.contains("unknown-key 15"), "the documented configuration brought no diagnostics: {got:?}");
}
