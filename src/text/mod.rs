//! The bottom layer: how dates, counts and long text read in messages, and
//! comparing what people typed ([`suggest`]). Everything above may use it; it
//! uses nothing of the crate.

use chrono::NaiveDate;

pub mod suggest;

/// Human form of a date in messages.
pub fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// "1 error", "2 warnings": a count and its noun, plural when it is not one.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// At most `max` characters of `text`, with `…` in place of the rest: for text
/// from a file shown to people (a 1 MB name would make a 1 MB message, and a
/// table wraps a long word in time that grows with its square).
pub fn clipped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
