//! Where records go in an agreement file, so that plain git merges them.
//!
//! A git host's merge button runs no merge driver: two branches that each
//! append a record at the end of the file conflict there. But git merges two
//! insertions cleanly when an unchanged line stands between them. So a file
//! keeps one **section** per party and kind of record, each opened by a marker
//! line no edit changes:
//!
//! ```toml
//! # -- signatures by the mentor --
//!
//! [[signatures]]
//! role = "mentor"
//! …
//!
//! # -- signatures by the mentee --
//! ```
//!
//! `new` writes the markers ([`BLOCK`]); every edit then puts the record it
//! appends at the end of its section ([`place_records`]): the mentor's, the
//! mentee's and the lead's signatures made on three branches, or check-ins by
//! mentor and mentee, touch three (or two) places that unchanged marker lines
//! separate. Records without a section (extensions, evaluations, the
//! termination) go at the end, after the last marker. A file without markers is
//! edited as before, at its end.

/// The kinds of record with a section per party, as named in the markers.
const KINDS: [(&str, &str); 3] = [("signatures", "signatures"), ("checkins", "check-ins"), ("feedback", "feedback")];

/// The marker block `new` writes at the end of a draft.
pub const BLOCK: &str = "\
# Records go below, each under its own line: every party signs, checks in and
# answers feedback in their own place, so that git merges what each does on a
# branch of their own without conflict. Keep these lines as they are.

# -- signatures by the mentor --

# -- signatures by the mentee --

# -- signatures by the lead --

# -- check-ins by the mentor --

# -- check-ins by the mentee --

# -- feedback by the mentor --

# -- feedback by the mentee --

# -- other records --
";

/// The marker of `kind`'s section for `role` ("# -- check-ins by the mentee --").
fn marker(kind: &str, role: &str) -> Option<String> {
    let (_, words) = KINDS.iter().find(|(k, _)| *k == kind)?;
    Some(format!("# -- {words} by the {role} --"))
}

/// True when `text` has the record sections ([`BLOCK`]'s marker lines).
pub fn has_sections(text: &str) -> bool {
    text.lines().any(|l| l.trim_end() == "# -- other records --")
}

/// One table appended at the end: its text (leading blank and comment lines
/// included) and the section it belongs in, if any.
struct Chunk<'a> {
    text: &'a str,
    section: Option<String>,
}

/// Splits appended text into its tables.
fn chunks(tail: &str) -> Vec<Chunk<'_>> {
    let mut starts = Vec::new();
    let mut offset = 0;
    let mut pending: Option<usize> = None;
    for line in tail.split_inclusive('\n') {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            pending.get_or_insert(offset);
        } else if t.starts_with('[') {
            starts.push(pending.take().unwrap_or(offset));
        } else {
            pending = None;
        }
        offset += line.len();
    }
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    let mut out = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(tail.len());
        let text = &tail[start..end];
        out.push(Chunk { text, section: section_of(text) });
    }
    out
}

/// The section a table's text belongs in: its `[[kind]]` and the party named by
/// `role` (signatures) or `by` (check-ins, feedback).
fn section_of(text: &str) -> Option<String> {
    let table: toml::Table = text.parse().ok()?;
    let (kind, value) = table.iter().next()?;
    let entry = value.as_array()?.first()?.as_table()?;
    let who = if kind == "signatures" { entry.get("role") } else { entry.get("by") };
    marker(kind, who?.as_str()?)
}

/// `edited` with each record the edit appended to `original` moved to the end of
/// its section, when `original` has sections and the records have one; else
/// `edited` as it is. The result means what `edited` means (the records of each
/// list the same, in an order that lists do not depend on): when the move would
/// change the meaning, `edited` is returned.
pub fn place_records(original: &str, edited: &str) -> String {
    let Some(tail) = edited.strip_prefix(original) else { return edited.to_string() };
    if tail.is_empty() || !has_sections(original) {
        return edited.to_string();
    }
    let mut text = original.to_string();
    let mut rest = String::new();
    for chunk in chunks(tail) {
        match chunk.section.as_deref().and_then(|m| section_end(&text, m)) {
            Some(at) => {
                let body = chunk.text.trim_start_matches('\n');
                text.insert_str(at, &format!("\n{body}"));
            }
            None => rest.push_str(chunk.text),
        }
    }
    text.push_str(&rest);
    if same_records(&text, edited) { text } else { edited.to_string() }
}

/// `text`, written before the sections existed, brought into them: [`BLOCK`]
/// after everything else, and each signature, check-in and feedback entry (with
/// the comment and blank lines above it) moved to the end of its party's
/// section, in file order. Other tables stay where they are. `None` when `text`
/// already has the sections, or when moving would change what it means (it is
/// not TOML, say).
pub fn into_sections(text: &str) -> Option<String> {
    if has_sections(text) {
        return None;
    }
    let mut head = String::new();
    let mut moved = Vec::new();
    for chunk in chunks(text) {
        match chunk.section {
            Some(marker) => moved.push((marker, chunk.text)),
            None => head.push_str(chunk.text),
        }
    }
    let mut out = head.trim_end().to_string();
    out.push_str("\n\n");
    out.push_str(BLOCK);
    for (marker, body) in moved {
        let at = section_end(&out, &marker)?;
        out.insert_str(at, &format!("\n{}\n", body.trim_start_matches('\n').trim_end()));
    }
    same_records(text, &out).then_some(out)
}

/// The byte offset just after the last non-blank line of the section that
/// `marker` opens (the marker line itself when the section is empty).
fn section_end(text: &str, marker: &str) -> Option<usize> {
    let mut offset = 0;
    let mut inside = false;
    let mut end = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim_end();
        if inside && t.starts_with("# -- ") && t.ends_with(" --") {
            break;
        }
        if t == marker {
            inside = true;
        }
        offset += line.len();
        if inside && !t.is_empty() {
            end = Some(offset);
        }
    }
    // A last line without a line break: insert after a break of our own.
    end.filter(|&e| text[..e].ends_with('\n'))
}

/// Whether two texts mean the same, the entries of every list of tables
/// compared as a multiset (a record's place in its list carries no meaning).
fn same_records(a: &str, b: &str) -> bool {
    let norm = |text: &str| -> Option<toml::Table> {
        let mut t: toml::Table = text.parse().ok()?;
        for (_, v) in t.iter_mut() {
            if let toml::Value::Array(items) = v
                && items.iter().all(toml::Value::is_table)
            {
                items.sort_by_key(|x| x.to_string());
            }
        }
        Some(t)
    };
    let (x, y) = (norm(a), norm(b));
    x.is_some() && x == y
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "format = 1\n\n[[goals]]\ngoal = \"G\"\n\n";

    fn draft() -> String {
        format!("{BASE}{BLOCK}")
    }

    fn signature(role: &str) -> String {
        format!("\n[[signatures]]\nrole = \"{role}\"\nname = \"N\"\n")
    }

    #[test]
    fn a_record_goes_to_the_end_of_its_section() {
        let original = draft();
        let placed = place_records(&original, &format!("{original}{}", signature("mentee")));
        let mentee = placed.find("# -- signatures by the mentee --").unwrap();
        let lead = placed.find("# -- signatures by the lead --").unwrap();
        let entry = placed.find("role = \"mentee\"").unwrap();
        assert!(mentee < entry && entry < lead, "{placed}");
        assert!(placed.contains("# -- signatures by the mentee --\n\n[[signatures]]\nrole = \"mentee\"\nname = \"N\"\n\n# -- signatures by the lead --"), "{placed}");
        // A second one follows the first, in the same section.
        let again = place_records(&placed, &format!("{placed}{}", signature("mentee").replace("N", "M")));
        assert!(again.find("name = \"M\"").unwrap() < again.find("# -- signatures by the lead --").unwrap(), "{again}");
        assert!(again.find("name = \"N\"").unwrap() < again.find("name = \"M\"").unwrap());
    }

    #[test]
    fn records_without_a_section_and_files_without_markers_stay_at_the_end() {
        let original = draft();
        let ext = "\n[[extensions]]\nmonths = 2\nagreed = 2027-01-01\nby = [\"mentor\", \"mentee\"]\n";
        let edited = format!("{original}{ext}");
        assert_eq!(place_records(&original, &edited), edited);
        let plain = format!("{BASE}{}", signature("lead"));
        assert_eq!(place_records(BASE, &plain), plain);
    }

    #[test]
    fn a_file_without_sections_is_brought_into_them_keeping_its_meaning_and_comments() {
        let old = format!(
            "{BASE}[[signatures]]\nrole = \"lead\"\nname = \"L\"\n\n# the mentor signed on paper first\n[[signatures]]\nrole = \"mentor\"\nname = \"M\"\n\n[[extensions]]\nmonths = 2\n\n[[checkins]]\ndate = 2027-01-01\nby = \"mentee\"\n"
        );
        let new = into_sections(&old).expect("brought into sections");
        assert!(same_records(&old, &new));
        assert!(has_sections(&new));
        let at = |s: &str| new.find(s).unwrap_or_else(|| panic!("{s} in {new}"));
        // Each record under its party's marker, its comment with it.
        assert!(at("# -- signatures by the mentor --") < at("# the mentor signed on paper first"));
        assert!(at("role = \"mentor\"") < at("# -- signatures by the mentee --"));
        assert!(at("# -- signatures by the lead --") < at("role = \"lead\""));
        assert!(at("# -- check-ins by the mentee --") < at("by = \"mentee\""));
        // A table without a section stays in the head, before the markers.
        assert!(at("[[extensions]]") < at("# Records go below"));
        // Already in sections: nothing to do; and a new record still finds its place.
        assert_eq!(into_sections(&new), None);
        let placed = place_records(&new, &format!("{new}{}", signature("mentee")));
        assert!(placed.find("name = \"N\"").unwrap() < placed.find("# -- signatures by the lead --").unwrap());
    }

    #[test]
    fn several_appended_tables_each_find_their_place() {
        let original = draft();
        let edited = format!(
            "{original}\n[[extensions]]\nmonths = 2\nagreed = 2027-01-01\nby = [\"mentor\", \"mentee\"]\n{}",
            signature("mentor")
        );
        let placed = place_records(&original, &edited);
        assert!(placed.find("role = \"mentor\"").unwrap() < placed.find("# -- signatures by the mentee --").unwrap());
        assert!(placed.trim_end().ends_with("by = [\"mentor\", \"mentee\"]"), "{placed}");
    }
}
