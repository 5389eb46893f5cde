//! The stdio transport: LSP base-protocol frames (`Content-Length` headers and
//! a JSON body) in both directions, over `lsp_server::Connection` channels.
//!
//! `lsp_server::Connection::stdio` stops reading at the first malformed
//! message, which ends the server. An editor (or a plugin in it) that sends one
//! bad frame should not cost the user their diagnostics, so this reader logs a
//! frame it cannot read, skips it and reads on; only the end of stdin stops it.
//!
//! A `Content-Length` that does not match the body never costs the messages
//! after it: a body is read only up to the end of its JSON object (found by a
//! scan that keeps no copy), so a claim longer than the body ends where the
//! object does instead of swallowing the next frames or waiting for bytes that
//! never come; a claim over [`MAX_MESSAGE_BYTES`] is not read as a body at all
//! (nor waited for): the header reader goes on through what follows, a bounded
//! line at a time, to the next frame.

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
        let header = line.trim();
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
        // Not read as a body (nor waited for): the header reader goes through what
        // follows a line at a time, bounded, to the next frame's header.
        return Err(Skip::Frame(format!(
            "a Content-Length of {length} bytes is more than the {MAX_MESSAGE_BYTES} read"
        )));
    }
    let mut body = Vec::new();
    let read = read_body(input, length, &mut body).map_err(Skip::Io)?;
    if read < length {
        eprintln!(
            "mentor-agree lsp: a message claimed {length} bytes but its JSON ended after {read}; read on from there"
        );
    }
    Ok(Some(body))
}

/// Reads a body of at most `length` bytes into `body`: up to the end of its JSON
/// object or array when it starts with one, else all `length` bytes. Returns how
/// many bytes were read; only the end of input before the body is done is an error.
fn read_body(input: &mut impl BufRead, length: usize, body: &mut Vec<u8>) -> io::Result<usize> {
    let mut scan = JsonEnd::default();
    let mut read = 0;
    while read < length {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let chunk = &buf[..buf.len().min(length - read)];
        let (take, done) = match scan.feed(chunk) {
            Some(end) => (end + 1, true),
            None => (chunk.len(), false),
        };
        body.extend_from_slice(&chunk[..take]);
        input.consume(take);
        read += take;
        if done {
            break;
        }
    }
    Ok(read)
}

/// Finds where a JSON object or array ends, a chunk at a time, keeping only its
/// nesting depth and whether it is inside a string.
#[derive(Debug, Default)]
struct JsonEnd {
    started: bool,
    /// Not JSON that starts with `{` or `[`: never ends early.
    other: bool,
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl JsonEnd {
    /// The index in `chunk` of the byte that closes the value, if it is in this chunk.
    fn feed(&mut self, chunk: &[u8]) -> Option<usize> {
        if self.other {
            return None;
        }
        for (i, &b) in chunk.iter().enumerate() {
            if !self.started {
                match b {
                    b' ' | b'\t' | b'\r' | b'\n' => continue,
                    b'{' | b'[' => {
                        self.started = true;
                        self.depth = 1;
                        continue;
                    }
                    _ => {
                        self.other = true;
                        return None;
                    }
                }
            }
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Writes every message the server sends, until the server drops its sender.
fn write_loop(output: &mut impl Write, from_server: &Receiver<Message>) {
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
    fn a_length_longer_than_the_body_ends_where_the_json_does() {
        let first = r#"{"jsonrpc":"2.0","method":"initialized","params":{"s":"}{\"]"}}"#;
        let input = format!(
            "Content-Length: {}\r\n\r\n{first}{}{}",
            first.len() + 40,
            frame(r#"{"jsonrpc":"2.0","method":"x","params":{}}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        let (tx, rx) = unbounded();
        read_loop(&mut input.as_bytes(), &tx);
        let got: Vec<Message> = rx.try_iter().collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(matches!(&got[1], Message::Notification(n) if n.method == "x"));
    }

    #[test]
    fn an_oversized_claim_is_skipped_without_swallowing_what_follows() {
        let input = format!(
            "Content-Length: {}\r\n\r\n{{}}{}",
            MAX_MESSAGE_BYTES + 1,
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        let (tx, rx) = unbounded();
        read_loop(&mut input.as_bytes(), &tx);
        let got: Vec<Message> = rx.try_iter().collect();
        assert!(matches!(&got[..], [Message::Notification(n)] if n.method == "exit"), "{got:?}");
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
