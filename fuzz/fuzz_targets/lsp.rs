//! Arbitrary bytes as the language server's standard input: the transport's
//! frame reader, then every message it passes on, handled by a real server
//! (after a proper handshake) on an in-memory connection. Nothing may panic:
//! libFuzzer's panic hook makes even a panic the server would catch a crash.

#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};

fuzz_target!(|data: &[u8]| {
    let (tx, rx) = crossbeam_channel::unbounded();
    mentor_agree::lsp::transport::read_loop(&mut &data[..], &tx);
    drop(tx);
    let (server, client) = Connection::memory();
    let today = || NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let config = mentor_agree::lsp::Config { today: Box::new(today), program: None };
    let handle = std::thread::spawn(move || mentor_agree::lsp::serve(server, config));
    let init = serde_json::json!({ "capabilities": {} });
    let _ = client.sender.send(Request::new(RequestId::from(0), "initialize".into(), init).into());
    let _ = client.sender.send(Notification::new("initialized".into(), serde_json::json!({})).into());
    for msg in rx {
        if client.sender.send(msg).is_err() {
            break;
        }
    }
    let _ = client.sender.send(Message::Notification(Notification::new("exit".into(), serde_json::Value::Null)));
    drop(client.sender);
    handle.join().expect("the server does not panic").ok();
    drop(client.receiver);
});
