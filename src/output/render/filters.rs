//! What templates call on values: Markdown escaping (the escape function of the
//! `*.md.tera` templates) and the `long_date` filter.

use std::io::Write;

use chrono::NaiveDate;
use tera::{Kwargs, State, Tera, Value};

use crate::format::timeline;

/// A tera instance with this module's filters registered.
pub(super) fn new_tera() -> Tera {
    let mut tera = Tera::default();
    tera.register_filter("long_date", long_date_filter);
    tera
}

/// A date written exactly as dates in the context are ("2026-12-07"), read without
/// chrono's general parser: a site's pages format hundreds of thousands of them.
fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

/// `{{ date | long_date }}`: "2026-12-07" → "7 December 2026"; none → ""; other text unchanged.
fn long_date_filter(value: Value, _: Kwargs, _: &State) -> Value {
    match value.as_str() {
        Some(s) => match iso_date(s).map_or_else(|| s.parse::<NaiveDate>().ok(), Some) {
            Some(d) => Value::from(timeline::long_date(d)),
            None => value,
        },
        None if value.is_none() || value.is_undefined() => Value::from(""),
        None => value,
    }
}

/// [`escape_markdown`] into a new string.
pub fn markdown_text(input: &str) -> String {
    let mut out = Vec::with_capacity(input.len() + 8);
    escape_markdown(input, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// Escapes text for Markdown: backslash before every character that could start
/// markup (emphasis, code, links, HTML, table cells, headings, entities), and line
/// breaks folded to spaces so a value stays on its line (and in its table cell).
/// GitHub's extended autolinks are broken the same way: the `:` of `://`, the `.`
/// of `www.` and every `@` get a backslash, so a bare URL or address in a note
/// stays text.
pub fn escape_markdown(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buf = [0u8; 4];
    for (i, c) in input.char_indices() {
        let autolink = match c {
            ':' => input[i + 1..].starts_with("//"),
            '.' => {
                input[..i].len() >= 3
                    && input[..i].is_char_boundary(i - 3)
                    && input[i - 3..i].eq_ignore_ascii_case("www")
            }
            '@' => true,
            _ => false,
        };
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' => {
                out.write_all(&[b'\\', c as u8])?;
            }
            _ if autolink => out.write_all(&[b'\\', c as u8])?,
            '\n' | '\r' => out.write_all(b" ")?,
            _ => out.write_all(c.encode_utf8(&mut buf).as_bytes())?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::Context;

    fn md(s: &str) -> String {
        markdown_text(s)
    }

    #[test]
    fn markdown_escaping_neutralises_markup() {
        assert_eq!(md("Ada *Lovelace*"), "Ada \\*Lovelace\\*");
        assert_eq!(md("a | b\nc"), "a \\| b c");
        assert_eq!(md("<script>[x](y)"), "\\<script\\>\\[x\\](y)");
        assert_eq!(md("Tomás Rivera"), "Tomás Rivera");
        assert_eq!(
            md("see https://x.example or WWW.x.example, mail a@b.example"),
            "see https\\://x.example or WWW\\.x.example, mail a\\@b.example"
        );
        assert_eq!(md("10:00. Note: éwww.x"), "10:00. Note: éwww\\.x");
    }

    #[test]
    fn long_date_filter_formats_dates_only() {
        let mut tera = new_tera();
        tera.add_raw_template("t", "{{ a | long_date }}|{{ b | long_date }}|{{ c | long_date }}").unwrap();
        let mut ctx = Context::new();
        ctx.insert("a", "2026-12-07");
        ctx.insert("b", "soon");
        ctx.insert("c", &Option::<String>::None);
        assert_eq!(tera.render("t", &ctx).unwrap(), "7 December 2026|soon|");
    }

    #[test]
    fn iso_dates_read_as_chrono_reads_them() {
        for s in ["2026-12-07", "2024-02-29", "0001-01-01", "9999-12-31", "2026-01-31"] {
            assert_eq!(iso_date(s), Some(s.parse().unwrap()), "{s}");
        }
        // Not a date, or not in the exact form: left to chrono's parser (and to the text).
        for s in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "20x6-01-01",
            "2026-1-05",
            "2026/01/05",
            "",
            "soon",
        ] {
            assert_eq!(iso_date(s), None, "{s}");
        }
    }
}
