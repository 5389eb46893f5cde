//! CSV exports that a spreadsheet opens as plain text.
//!
//! Every CSV mentor-agree writes goes through [`write_csv`]: RFC 4180 (comma
//! separated, fields quoted when they hold a comma, quote or line break, quotes
//! doubled, CRLF line ends), a header row first. Names, goals and notes come from
//! agreement files that anyone can edit, and a spreadsheet runs a cell that starts
//! with `=`, `+`, `-` or `@` (and, in some, a tab or carriage return) as a formula:
//! a mentor named `=HYPERLINK("http://x","y")` would become a link. Such a cell is
//! written with a `'` in front (OWASP's advice for CSV injection), which
//! spreadsheets show as the text itself; the original text is everything after
//! that first `'`.

use std::io::Write;

/// Why a CSV could not be written.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    /// Writing failed (a closed pipe, a full disk).
    #[error("cannot write CSV: {0}")]
    Io(#[from] std::io::Error),
    /// A row has another number of cells than the header.
    #[error("CSV row {row} has {got} cells, the header has {want}")]
    Width {
        /// 1-based row number, not counting the header.
        row: usize,
        /// Cells in that row.
        got: usize,
        /// Cells in the header.
        want: usize,
    },
}

/// The characters that make a spreadsheet read a cell as a formula when they start it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet shows as text: `'` in front of a value that starts like a formula.
///
/// ```
/// use mentor_agree::output::export::neutralize;
/// assert_eq!(neutralize("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
/// assert_eq!(neutralize("Ada Lovelace"), "Ada Lovelace");
/// ```
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) { format!("'{cell}").into() } else { cell.into() }
}

/// Writes `header` and then each row as RFC 4180 CSV to `w`, neutralising every
/// cell (header included) that a spreadsheet would run as a formula. Every row
/// must have as many cells as the header.
pub fn write_csv<W: Write>(w: W, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<(), CsvError> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(w);
    let write = |out: &mut csv::Writer<W>, cells: &mut dyn Iterator<Item = &str>| -> Result<(), CsvError> {
        out.write_record(cells.map(|c| neutralize(c).into_owned())).map_err(io_error)
    };
    write(&mut out, &mut header.iter().copied())?;
    for (i, row) in rows.enumerate() {
        if row.len() != header.len() {
            return Err(CsvError::Width { row: i + 1, got: row.len(), want: header.len() });
        }
        write(&mut out, &mut row.iter().map(String::as_str))?;
    }
    out.flush()?;
    Ok(())
}

/// The I/O error inside a csv error (the only kind writing strings can have).
fn io_error(e: csv::Error) -> CsvError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => CsvError::Io(e),
        other => CsvError::Io(std::io::Error::other(format!("{other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(header: &[&str], rows: Vec<Vec<&str>>) -> String {
        let mut out = Vec::new();
        write_csv(&mut out, header, rows.into_iter().map(|r| r.into_iter().map(str::to_string).collect())).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn rfc4180_quoting_and_crlf() {
        assert_eq!(
            csv(&["id", "note"], vec![vec!["a", "plain"], vec!["b,c", "say \"hi\"\nthen go"], vec!["", ""]]),
            "id,note\r\na,plain\r\n\"b,c\",\"say \"\"hi\"\"\nthen go\"\r\n,\r\n"
        );
    }

    #[test]
    fn formula_cells_get_a_quote_in_front_and_keep_their_text() {
        for bad in ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")"] {
            let got = neutralize(bad);
            assert_eq!(got.strip_prefix('\''), Some(bad), "{bad:?}");
        }
        for fine in ["Ada", "", " =x", "1-2", "'quoted", "a=b", "é"] {
            assert_eq!(neutralize(fine), fine);
        }
        assert_eq!(csv(&["=h"], vec![vec!["-3"]]), "'=h\r\n'-3\r\n");
    }

    #[test]
    fn a_row_of_the_wrong_width_is_an_error() {
        let mut out = Vec::new();
        let err = write_csv(&mut out, &["a", "b"], vec![vec!["1".to_string()]].into_iter()).unwrap_err();
        assert_eq!(err.to_string(), "CSV row 1 has 1 cells, the header has 2");
    }
}
