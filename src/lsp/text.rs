//! Positions as LSP counts them (0-based lines; columns in the encoding agreed
//! at initialize: UTF-8 bytes when the editor offers them, else UTF-16 code
//! units), file URIs, and the few facts about a TOML line the editor features need.

use std::ops::Range;
use std::path::PathBuf;

use lsp_types::{Position, Uri};

use crate::diagnostic::LineIndex;

/// What a position's `character` counts, as agreed with the editor at initialize.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-16 code units: what every client understands, and LSP's default.
    #[default]
    Utf16,
    /// UTF-8 bytes, when the client offers them (no conversion needed).
    Utf8,
}

impl Encoding {
    /// UTF-8 when the client lists it among its `general.positionEncodings`
    /// (as rust-analyzer prefers it), else UTF-16, which every client must support.
    pub fn negotiate(offered: Option<&[lsp_types::PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&lsp_types::PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The name the server announces as its `positionEncoding`.
    pub fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
        }
    }
}

/// A document's text with its line index, for converting offsets both ways.
pub struct Text<'a> {
    /// The text.
    pub text: &'a str,
    index: LineIndex,
    encoding: Encoding,
}

impl<'a> Text<'a> {
    /// Indexes `text`, with UTF-16 columns.
    pub fn new(text: &'a str) -> Self {
        Text::with_encoding(text, Encoding::Utf16)
    }

    /// Indexes `text`, with columns counted in `encoding`.
    pub fn with_encoding(text: &'a str, encoding: Encoding) -> Self {
        Text { text, index: LineIndex::new(text), encoding }
    }

    /// Byte range of a 0-based line, without its line break (empty past the end).
    pub fn line_range(&self, line: usize) -> Range<usize> {
        if line >= self.index.line_count() {
            return self.text.len()..self.text.len();
        }
        self.index.line_range(self.text, line + 1)
    }

    /// The text of a 0-based line, without its line break.
    pub fn line(&self, line: usize) -> &'a str {
        &self.text[self.line_range(line)]
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.index.line_count()
    }

    /// The LSP position of a byte offset (clamped to the text, moved back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.index.line_of(offset);
        let start = self.line_range(line).start.min(offset);
        let character = match self.encoding {
            Encoding::Utf16 => self.text[start..offset].encode_utf16().count(),
            Encoding::Utf8 => offset - start,
        };
        Position { line: line as u32, character: character as u32 }
    }

    /// The byte offset of an LSP position; a column past the end of its line means
    /// the end of the line, and a line past the end means the end of the text. A
    /// column inside a character means the start of that character.
    pub fn offset(&self, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.line_count() {
            return self.text.len();
        }
        let range = self.line_range(line);
        if self.encoding == Encoding::Utf8 {
            let mut offset = range.start.saturating_add(pos.character as usize).min(range.end);
            while !self.text.is_char_boundary(offset) {
                offset -= 1;
            }
            return offset;
        }
        let mut units = 0usize;
        for (i, c) in self.text[range.clone()].char_indices() {
            if units >= pos.character as usize {
                return range.start + i;
            }
            units += c.len_utf16();
        }
        range.end
    }

    /// The LSP range of a byte range.
    pub fn range(&self, span: &Range<usize>) -> lsp_types::Range {
        lsp_types::Range { start: self.position(span.start), end: self.position(span.end.max(span.start)) }
    }

    /// Byte offset of the `column`th character (1-based) of a 1-based line, as `check` reports them.
    pub fn offset_of_line_col(&self, line: usize, column: usize) -> usize {
        let range = self.line_range(line.saturating_sub(1));
        let line_text = &self.text[range.clone()];
        range.start + line_text.char_indices().nth(column.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i)
    }
}

/// The file a `file:` URI names; other schemes (an unsaved buffer) give a path
/// made of the URI's path, which has no program.toml above it.
pub fn uri_to_path(uri: &Uri) -> PathBuf {
    // Percent-decoded by the URI type (fluent-uri, which lsp-types uses); bytes
    // that are not UTF-8 become U+FFFD.
    let path = uri.path().as_estr().decode().into_string_lossy().into_owned();
    // file:///C:/x on Windows
    let path = match path.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() && cfg!(windows) => path[1..].to_string(),
        _ => path,
    };
    PathBuf::from(path)
}

/// A `file:` URI for a path (absolute paths; for tests and clients that need one).
pub fn path_to_uri(path: &std::path::Path) -> Option<Uri> {
    let mut s = String::from("file://");
    let text = path.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        s.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse().ok()
}

/// The table a line belongs to: the nearest `[name]` or `[[name]]` header at or
/// above it, its line, and whether it is an array entry. `None` at the top level.
pub fn table_at(text: &Text<'_>, line: usize) -> Option<(String, usize, bool)> {
    (0..=line.min(text.line_count().saturating_sub(1))).rev().find_map(|l| header(text.line(l)).map(|(n, a)| (n, l, a)))
}

/// The name of a table header line (`[term]`, `[[goals]]`, `[ "term" ]`), and whether it is `[[…]]`.
pub fn header(line: &str) -> Option<(String, bool)> {
    let t = line.trim_start();
    let (rest, array) = match t.strip_prefix("[[") {
        Some(r) => (r, true),
        None => (t.strip_prefix('[')?, false),
    };
    let end = rest.find(']')?;
    let name = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'').trim();
    (!name.is_empty())
        .then(|| name.to_string())
        .filter(|n| n.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ')))
        .map(|n| (n, array))
}

/// The key a `key = value` line sets (bare or quoted), if the line is one.
pub fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with('[') {
        return None;
    }
    let eq = t.find('=')?;
    let key = t[..eq].trim().trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty() && !key.contains(' ')).then_some(key)
}

/// The keys set in the table whose header is on `header_line` (or at the top level
/// for `None`), up to the next header.
pub fn keys_in_table(text: &Text<'_>, header_line: Option<usize>) -> Vec<String> {
    let first = header_line.map_or(0, |l| l + 1);
    let mut keys = Vec::new();
    for l in first..text.line_count() {
        let line = text.line(l);
        if header(line).is_some() {
            break;
        }
        if let Some(k) = key_of(line) {
            keys.push(k.to_string());
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a = 1\nname = \"Zoé 🙂\" x\n";
        let t = Text::new(text);
        let x = text.find(" x").unwrap() + 1;
        // `name = "Zoé 🙂" ` is 16 UTF-16 units: é is one, the emoji two.
        assert_eq!(t.position(x), Position { line: 1, character: 16 });
        assert_eq!(t.offset(Position { line: 1, character: 16 }), x);
        let emoji = text.find('🙂').unwrap();
        assert_eq!(t.position(emoji + 4), Position { line: 1, character: 14 });
        // Past the end of a line: the end of that line; past the last line: the end.
        assert_eq!(t.offset(Position { line: 0, character: 99 }), 5);
        assert_eq!(t.offset(Position { line: 9, character: 0 }), text.len());
    }

    #[test]
    fn utf8_columns_count_bytes() {
        let text = "a = 1\nname = \"Zoé 🙂\" x\n";
        let t = Text::with_encoding(text, Encoding::Utf8);
        let x = text.find(" x").unwrap() + 1;
        // `name = "Zoé 🙂" ` is 19 bytes: é is two, the emoji four.
        assert_eq!(t.position(x), Position { line: 1, character: 19 });
        assert_eq!(t.offset(Position { line: 1, character: 19 }), x);
        // A column inside the emoji means the emoji's start; past the line, its end.
        let emoji = text.find('🙂').unwrap();
        assert_eq!(t.offset(Position { line: 1, character: (emoji - 6 + 2) as u32 }), emoji);
        assert_eq!(t.offset(Position { line: 1, character: 99 }), text.len() - 1);
    }

    #[test]
    fn utf8_only_when_the_client_offers_it() {
        use lsp_types::PositionEncodingKind as K;
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[K::UTF16])), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[K::UTF32, K::UTF16])), Encoding::Utf16);
        assert_eq!(Encoding::negotiate(Some(&[K::UTF16, K::UTF8])), Encoding::Utf8);
    }

    #[test]
    fn uris_round_trip_paths_with_spaces() {
        let path = std::path::Path::new("/tmp/my pairs/ä.toml");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/my%20pairs/%C3%A4.toml");
        assert_eq!(uri_to_path(&uri), path);
    }

    #[test]
    fn headers_and_keys() {
        assert_eq!(header("[[goals]]  # x"), Some(("goals".into(), true)));
        assert_eq!(header(" [ term ]"), Some(("term".into(), false)));
        assert_eq!(header("modes = [\"a\"]"), None);
        assert_eq!(key_of("  start = 2026-12-07"), Some("start"));
        assert_eq!(key_of("# start = 1"), None);
        let t = Text::new("format = 1\n[term]\nstart = 2026-12-07\n\n[schedule]\nmodes = []\n");
        assert_eq!(table_at(&t, 3), Some(("term".into(), 1, false)));
        assert_eq!(keys_in_table(&t, Some(1)), ["start"]);
        assert_eq!(keys_in_table(&t, None), ["format"]);
    }
}
