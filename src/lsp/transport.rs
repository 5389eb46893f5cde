//! The stdio transport: LSP base-protocol frames (`Content-Length` headers and
//! a JSON body) in both directions, over `lsp_server::Connection` channels.
//!
//! `lsp_server::Connection::stdio` stops reading at the first malformed
//! message, which ends the server. An editor (or a plugin in it) that sends one
//! bad frame should not cost the user their diagnostics, so this reader logs a
//! frame it cannot read, skips it and reads on; only the end of stdin stops it.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Connection, Message};

/// Largest message body read; a longer one is skipped (and logged).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The reader and writer threads of a stdio connection.
pub struct IoThreads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<()>,
}

impl IoThreads {
    /// Waits for the writer to flush what the server sent. The reader, blocked on
    /// stdin, is left to end with the process.
    pub fn join(self) {
        let _ = self.writer.join();
        drop(self.reader);
    }
}

/// A connection over this process's stdin and stdout.
pub fn stdio() -> (Connection, IoThreads) {
    let (to_server, receiver) = unbounded::<Message>();
    let (sender, from_server) = unbounded::<Message>();
    let reader = thread::spawn(move || {
        let stdin = io::stdin();
        read_loop(&mut stdin.lock(), &to_server);
    });
    let writer = thread::spawn(move || {
        let stdout = io::stdout();
        write_loop(&mut stdout.lock(), &from_server);
    });
    (Connection { sender, receiver }, IoThreads { reader, writer })
}

/// Reads frames until the end of input (or an `exit` notification), sending each
/// message that parses; malformed frames are logged on stderr and skipped.
pub fn read_loop(input: &mut impl BufRead, to_server: &Sender<Message>) {
    loop {
        match read_frame(input) {
            Ok(None) => return,
            Ok(Some(body)) => match serde_json::from_slice::<Message>(&body) {
                Ok(msg) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if to_server.send(msg).is_err() || exit {
                        return;
                    }
                }
                Err(e) => eprintln!("mentor-agree lsp: skipped a message that is not JSON-RPC: {e}"),
            },
            Err(Skip::Io(e)) => {
                eprintln!("mentor-agree lsp: cannot read stdin: {e}");
                return;
            }
            Err(Skip::Frame(why)) => eprintln!("mentor-agree lsp: skipped a malformed message: {why}"),
        }
    }
}

/// Why a frame was not read.
enum Skip {
    /// Reading failed: stop.
    Io(io::Error),
    /// The frame was malformed: go on with the next.
    Frame(String),
}

fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Skip> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        // Bytes, not a String: a header line that is not UTF-8 is a bad frame, not the end of input.
        let n = input.by_ref().take(64 * 1024).read_until(b'\n', &mut bytes).map_err(Skip::Io)?;
        if n == 0 {
            return if saw_header { Err(Skip::Io(io::ErrorKind::UnexpectedEof.into())) } else { Ok(None) };
        }
        let line = String::from_utf8_lossy(&bytes);
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if !saw_header {
                continue; // stray blank line between frames
            }
            break;
        }
        saw_header = true;
        // After a frame whose Content-Length was wrong, the rest of its body runs into the
        // next frame's header on one line: read on from the line's last `Content-Length`.
        let header = header.to_ascii_lowercase().rfind("content-length").map_or(header, |at| &header[at..]);
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
    let Some(length) = length else {
        return Err(Skip::Frame("no valid Content-Length header".to_string()));
    };
    if length > MAX_MESSAGE_BYTES {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink()).map_err(Skip::Io)?;
        return Err(Skip::Frame(format!("{length} bytes is more than the {MAX_MESSAGE_BYTES} read")));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(Skip::Io)?;
    Ok(Some(body))
}

/// Writes every message the server sends, until the server drops its sender.
pub fn write_loop(output: &mut impl Write, from_server: &Receiver<Message>) {
    for msg in from_server {
        if msg.write(output).is_err() {
            return;
        }
    }
    let _ = output.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_frames_are_skipped_not_fatal() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "{}{}Content-Type: x\r\n\r\n{}{}",
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":1}"#),
            frame(good),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        let (tx, rx) = unbounded();
        read_loop(&mut input.as_bytes(), &tx);
        let got: Vec<Message> = rx.try_iter().collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(matches!(&got[0], Message::Notification(n) if n.method == "initialized"));
        assert!(matches!(&got[1], Message::Notification(n) if n.method == "exit"));
    }
}
