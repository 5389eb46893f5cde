//! A cohort from a spreadsheet: `mentor-agree new --from PAIRS.csv`.
//!
//! One row per pair; the columns are named after `new`'s flags (`mentor`,
//! `mentor-email`, …, `start`, `months`, `goal`). Each row becomes the
//! [`Answers`] the flags would give, empty cells take the defaults `new --yes`
//! takes, and the finished draft is run once through the real checker with
//! [`Answers::check_all`], so a row is refused for exactly the reasons (and
//! codes) the questionnaire would refuse the same answers. Every problem is
//! located `FILE:ROW:COLUMN`: ROW as a spreadsheet numbers it (the header is
//! row 1), COLUMN as its header cell is written.
//!
//! Reading is bounded ([`MAX_BYTES`], [`MAX_ROWS`]). Writing is all or nothing:
//! every draft is rendered and checked first, ids and file names must be new to
//! the cohort and to the agreements folder, and if one write fails the files
//! already written by the run are removed.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;

use crate::diagnostic::{Code, Severity};
use crate::program::Program;
use crate::scaffold::questionnaire::{Answers, Defaults, Field, GoalAnswer, agreement_id};
use crate::scaffold::questions::{self, HasDefault, Kind, QUESTIONS, Value};
use crate::text::plural;

/// The largest file read: 10 MiB (a 10,000-row cohort with long goals is well under it).
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// The most pairs (data rows) in one file.
pub const MAX_ROWS: usize = 10_000;

/// The columns: `new`'s answer flags, in the order they are asked ([`questions::flags`]).
pub fn columns() -> impl Iterator<Item = &'static str> {
    questions::flags().map(|f| f.name)
}

/// The columns, as help lists them: `mentor, mentor-email, …, goal`.
fn listed() -> String {
    columns().collect::<Vec<_>>().join(", ")
}

/// Columns every pair must answer: those of the questions without a default.
fn required() -> impl Iterator<Item = &'static str> {
    QUESTIONS.iter().filter(|q| q.default == HasDefault::Never).map(|q| q.flags[0].name)
}

/// Why a file could not be read at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CohortError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Over [`MAX_BYTES`].
    #[error("{path} is larger than 10 MB; `new --from` reads at most 10 MB (split the cohort into several files)")]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// Over [`MAX_ROWS`].
    #[error(
        "{path} has more than 10,000 pairs; `new --from` reads at most 10,000 rows (split the cohort into several files)"
    )]
    TooManyRows {
        /// The file.
        path: PathBuf,
    },
}

/// A problem with the file, located by row and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The row as a spreadsheet numbers it (the header is row 1).
    pub row: usize,
    /// The column's header as written; `None` for the row (or file) as a whole.
    pub column: Option<String>,
    /// The diagnostic code `check` would give; `None` for problems of the CSV itself.
    pub code: Option<Code>,
    /// Error or warning (after the program's `[levels]`).
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl RowProblem {
    fn error(row: usize, column: Option<String>, code: Option<Code>, message: impl Into<String>) -> RowProblem {
        RowProblem { row, column, code, severity: Severity::Error, message: message.into(), help: None }
    }

    fn help(mut self, help: impl Into<String>) -> RowProblem {
        self.help = Some(help.into());
        self
    }

    /// `FILE:ROW:COLUMN: error[code]: message (help)`, the form problems are printed in.
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        Shown { p: self, file }
    }
}

struct Shown<'a> {
    p: &'a RowProblem,
    file: &'a str,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.p;
        write!(f, "{}:{}", self.file, p.row)?;
        if let Some(c) = &p.column {
            write!(f, ":{c}")?;
        }
        let level = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match p.code {
            Some(code) => write!(f, ": {level}[{}]: {}", code.as_str(), p.message)?,
            None => write!(f, ": {level}: {}", p.message)?,
        }
        if let Some(h) = &p.help {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// One pair, as read from its row (before defaults).
#[derive(Debug, Clone)]
pub struct Row {
    /// The row number (the header is row 1).
    pub row: usize,
    /// The answers its cells give.
    pub answers: Answers,
    /// Answers whose cell could not be read (already reported): no default is put in their place.
    bad: HashSet<&'static str>,
    /// The columns whose cells gave an answer, in column order.
    given: Vec<&'static str>,
    /// The header of the column each goal came from.
    goal_columns: Vec<String>,
}

/// A file read as rows of answers, with every problem found in reading it.
#[derive(Debug, Default)]
pub struct Sheet {
    /// The pairs, in file order (blank rows left out).
    pub rows: Vec<Row>,
    /// Problems of the file, its header and its cells.
    pub problems: Vec<RowProblem>,
    /// For each column name, the header it is written as (the first, for repeated ones).
    headers: HashMap<&'static str, String>,
}

/// Reads a cohort file from disk, refusing files over [`MAX_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, CohortError> {
    let unreadable = |source| CohortError::Unreadable { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(CohortError::TooLarge { path: path.to_path_buf() });
    }
    Ok(bytes)
}

/// The delimiter of a file: `,`, `;` or a tab, whichever its header line has most of
/// outside quotes (`,` when none).
pub fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let (mut counts, mut quoted) = ([0usize; 3], false);
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 { b',' } else { [b',', b';', b'\t'][best] }
}

/// The column a header cell names: lowercase, `_` and spaces as `-`, and for
/// the repeatable columns an optional number (`goal 2`) and plural (`goals`).
fn column_name(header: &str) -> Option<&'static str> {
    let mut h: String =
        header.trim().to_lowercase().chars().map(|c| if c == '_' || c.is_whitespace() { '-' } else { c }).collect();
    while h.contains("--") {
        h = h.replace("--", "-");
    }
    let h = h.trim_matches('-');
    if let Some(c) = columns().find(|c| *c == h) {
        return Some(c);
    }
    let base = h.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches(['-', '#']);
    let base = if base.len() < h.len() { base } else { h };
    let singular = base.strip_suffix('s').unwrap_or(base);
    questions::flags().filter(|f| f.repeats).map(|f| f.name).find(|c| *c == base || *c == singular)
}

/// Splits a repeatable cell at `;`, dropping empty pieces.
fn pieces(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|p| !p.is_empty())
}

/// Reads the file's bytes into rows of answers. Never fails: every problem is
/// in [`Sheet::problems`], located. `Err` only for more than [`MAX_ROWS`] rows.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Sheet, CohortError> {
    let mut sheet = Sheet::default();
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        sheet.problems.push(
            RowProblem::error(1, None, None, "the file is UTF-16 text")
                .help("save or export the sheet as \"CSV UTF-8\""),
        );
        return Ok(sheet);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        sheet.problems.push(RowProblem::error(
            1,
            None,
            None,
            "the file is empty: it needs a header row and a row per pair",
        ));
        return Ok(sheet);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(bytes))
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);

    // Column index → (name, header as written); `None` for unknown or unnamed columns.
    let mut columns: Vec<Option<(&'static str, String)>> = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut rows = 0usize;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map_or(0, |p| p.record() as usize + 1);
                sheet.problems.push(RowProblem::error(row, None, None, format!("cannot read the row: {e}")));
                break;
            }
        }
        let row = record.position().map_or(0, |p| p.record() as usize + 1);
        let mut cells = Vec::with_capacity(record.len());
        let mut readable = true;
        for (i, raw) in record.iter().enumerate() {
            let label = || match columns.get(i) {
                Some(Some((_, h))) => Some(h.clone()),
                _ => Some(format!("column {}", i + 1)),
            };
            match std::str::from_utf8(raw) {
                Err(_) => {
                    readable = false;
                    sheet.problems.push(
                        RowProblem::error(row, label(), None, "the cell is not UTF-8 text")
                            .help("save or export the sheet as \"CSV UTF-8\""),
                    );
                }
                Ok(s) if s.contains('\0') => {
                    readable = false;
                    sheet.problems.push(RowProblem::error(row, label(), None, "the cell holds a NUL byte"));
                }
                Ok(s) => cells.push(s),
            }
        }
        if row == 1 {
            if readable && cells.iter().all(|c| c.trim().is_empty()) {
                sheet.problems.push(
                    RowProblem::error(1, None, None, "row 1 is blank")
                        .help("the first row must be the header: the column names"),
                );
                return Ok(sheet);
            }
            columns = header(&cells, &mut sheet);
            if !readable {
                columns.clear();
            }
            continue;
        }
        if cells.iter().all(|c| c.trim().is_empty()) && readable {
            continue; // a blank row (spreadsheets leave them at the end)
        }
        rows += 1;
        if rows > MAX_ROWS {
            return Err(CohortError::TooManyRows { path: path.to_path_buf() });
        }
        if columns.is_empty() || !readable {
            continue;
        }
        if cells.len() != columns.len() {
            sheet.problems.push(
                RowProblem::error(
                    row,
                    None,
                    None,
                    format!("the row has {}, the header {}", plural(cells.len(), "cell"), columns.len()),
                )
                .help("every row needs one cell per column; quote cells that contain the delimiter"),
            );
            continue;
        }
        let pair = read_row(row, &columns, &cells, &mut sheet.problems);
        sheet.rows.push(pair);
    }
    if columns.is_empty() && sheet.problems.is_empty() {
        sheet.problems.push(RowProblem::error(1, None, None, "the header row names no columns"));
    }
    if sheet.rows.is_empty() && sheet.problems.is_empty() {
        sheet.problems.push(RowProblem::error(2, None, None, "no pairs: the file has a header but no rows"));
    }
    Ok(sheet)
}

/// Reads the header row: each cell's column, with unknown, unnamed and repeated columns reported.
fn header(cells: &[&str], sheet: &mut Sheet) -> Vec<Option<(&'static str, String)>> {
    let mut out = Vec::with_capacity(cells.len());
    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    let mut written: HashMap<String, usize> = HashMap::new();
    for (i, cell) in cells.iter().enumerate() {
        let text = cell.trim();
        if text.is_empty() {
            sheet.problems.push(
                RowProblem::error(1, Some(format!("column {}", i + 1)), None, "the column has no name")
                    .help(format!("name it after one of new's flags: {}", listed())),
            );
            out.push(None);
            continue;
        }
        let Some(name) = column_name(text) else {
            let lower = text.to_lowercase().replace(['_', ' '], "-");
            let mut p = RowProblem::error(1, Some(text.to_string()), None, format!("unknown column `{text}`"));
            p = match crate::text::suggest::closest(&lower, columns()) {
                Some(s) => p.help(format!("did you mean `{s}`?")),
                None => p.help(format!("the columns are named after new's flags: {}", listed())),
            };
            sheet.problems.push(p);
            out.push(None);
            continue;
        };
        let n = seen.entry(name).or_insert(0);
        *n += 1;
        if *n > 1 && !questions::flag(name).is_some_and(|f| f.repeats) {
            let repeating: Vec<&str> = questions::flags().filter(|f| f.repeats).map(|f| f.name).collect();
            let repeating = match repeating.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => repeating.concat(),
            };
            sheet.problems.push(
                RowProblem::error(1, Some(text.to_string()), None, format!("a second `{name}` column"))
                    .help(format!("only {repeating} may repeat; remove one")),
            );
            out.push(None);
            continue;
        }
        // Repeated header text is told apart by its place: `goal#2`.
        let k = written.entry(text.to_string()).or_insert(0);
        *k += 1;
        let label = if *k > 1 { format!("{text}#{k}") } else { text.to_string() };
        sheet.headers.entry(name).or_insert_with(|| label.clone());
        out.push(Some((name, label)));
    }
    for name in required() {
        if !seen.contains_key(name) && !out.is_empty() {
            sheet.problems.push(
                RowProblem::error(1, None, Some(Code::MissingKey), format!("no `{name}` column"))
                    .help(format!("every pair needs a {name}: add a `{name}` column")),
            );
        }
    }
    out
}

/// The answers of one row: each cell read as its flag's value, a repeating
/// column's cell as several separated by `;`.
fn read_row(
    row: usize,
    columns: &[Option<(&'static str, String)>],
    cells: &[&str],
    problems: &mut Vec<RowProblem>,
) -> Row {
    let mut pair =
        Row { row, answers: Answers::default(), bad: HashSet::new(), given: Vec::new(), goal_columns: Vec::new() };
    for (column, cell) in columns.iter().zip(cells) {
        let Some((name, label)) = column else { continue };
        let Some(flag) = questions::flag(name) else { continue };
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        // One goal (its text may hold a `;`), else several separated by `;`.
        let one = !flag.repeats || (flag.kind == Kind::Goal && GoalAnswer::parse_flag(cell).is_ok());
        let specs: Vec<&str> = if one { vec![cell] } else { pieces(cell).collect() };
        for spec in specs {
            let value = match flag.kind {
                Kind::Text | Kind::Email => Ok(Value::Text(spec.to_string())),
                Kind::Number => {
                    spec.parse::<i64>().map(Value::Number).map_err(|_| format!("`{spec}` is not a whole number"))
                }
                Kind::Date => crate::format::timeline::parse_date(spec).map(Value::Date),
                Kind::Goal => GoalAnswer::parse_flag(spec).map(Value::Goal),
            };
            match value {
                Ok(value) => {
                    flag.put(&mut pair.answers, value);
                    if !pair.given.contains(&flag.name) {
                        pair.given.push(flag.name);
                    }
                    if flag.kind == Kind::Goal {
                        pair.goal_columns.push(label.clone());
                    }
                }
                Err(why) => {
                    problems.push(RowProblem::error(row, Some(label.clone()), Some(Code::WrongType), why));
                    pair.bad.insert(flag.name);
                }
            }
        }
    }
    pair
}

/// Puts the program's defaults where a row left a question unanswered, as `new --yes`
/// does, except the channels between sessions (`also_via`), left out unless given.
fn fill_defaults(row: &mut Row, d: &Defaults) {
    let a = &mut row.answers;
    if a.lead.is_none() && !row.bad.contains("lead") {
        a.lead = d.lead.as_ref().map(|l| l.name.clone());
    }
    if a.lead_email.is_none() {
        a.lead_email =
            d.lead.as_ref().filter(|l| a.lead.as_deref() == Some(l.name.as_str())).and_then(|l| l.email.clone());
    }
    a.frequency.get_or_insert_with(|| d.frequency.clone());
    if a.minutes.is_none() {
        a.minutes = Some(d.minutes);
    }
    if a.modes.as_ref().is_none_or(Vec::is_empty) {
        a.modes = Some(d.modes.clone());
    }
    // No `also_via` without an `also-via` column: it is a signed term, and the
    // program has no say in it, so no draft gets channels nobody chose.
    if a.start.is_none() {
        a.start = Some(d.start);
    }
    if a.months.is_none() && a.weeks.is_none() {
        a.months = Some(d.months);
    }
    if a.review_every_months.is_none() {
        a.review_every_months = Some(d.review_every_months);
    }
}

/// One draft, rendered and checked, ready to write.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The row it came from.
    pub row: usize,
    /// The agreement id.
    pub id: String,
    /// Where it goes.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

/// What a cohort file makes: the drafts, and every problem (warnings included).
#[derive(Debug, Default)]
pub struct Plan {
    /// One draft per good row, in row order.
    pub drafts: Vec<Draft>,
    /// Problems, by row.
    pub problems: Vec<RowProblem>,
}

impl Plan {
    /// True when a problem is an error: then nothing may be written.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// What the drafts are checked against.
pub struct Context<'a> {
    /// The program the drafts are written under.
    pub program: &'a Arc<Program>,
    /// Today (for defaults and the checks).
    pub today: NaiveDate,
    /// The folder the drafts go to.
    pub folder: &'a Path,
    /// Ids already taken in the folder, with the file holding each.
    pub taken: &'a HashMap<String, PathBuf>,
    /// The comment lines that head each draft, given its answers and path.
    pub preamble: &'a dyn Fn(&Answers, &Path) -> String,
}

/// The column a question's problems are located at, in `row`: a goal's own
/// column, else the first of the question's columns the row answered, else its first.
fn column_of(field: Field, row: &Row, headers: &HashMap<&'static str, String>) -> String {
    if let Field::GoalText(i) | Field::GoalMeasure(i) | Field::GoalDue(i) | Field::GoalWhy(i) = field
        && let Some(c) = row.goal_columns.get(i)
    {
        return c.clone();
    }
    let flags = questions::question(field).flags;
    let name = flags.iter().map(|f| f.name).find(|n| row.given.contains(n)).unwrap_or(flags[0].name);
    headers.get(name).cloned().unwrap_or_else(|| name.to_string())
}

/// Checks every row of `sheet` and renders its draft; ids and file names must be
/// new to the cohort and to `ctx.taken`. Reading problems come first, then each
/// row's, in row order.
pub fn plan(sheet: Sheet, ctx: &Context<'_>) -> Plan {
    let defaults = Defaults::new(ctx.program, ctx.today);
    let mut plan = Plan { drafts: Vec::new(), problems: sheet.problems };
    let missing_columns: HashSet<&str> = required().filter(|c| !sheet.headers.contains_key(c)).collect();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut files: HashMap<PathBuf, usize> = HashMap::new();
    for mut row in sheet.rows {
        let at = row.row;
        let mut problems = Vec::new();
        fill_defaults(&mut row, &defaults);
        let a = &row.answers;
        // The questions without a default, and the lead when the program names none.
        let mut missing = false;
        for q in QUESTIONS.iter().filter(|q| q.default != HasDefault::Always) {
            let (name, is_empty) = (q.flags[0].name, !q.answered(a));
            if is_empty && !missing_columns.contains(name) && !row.bad.contains(name) {
                let column = sheet.headers.get(name).cloned().unwrap_or_else(|| name.to_string());
                let help = match q.default {
                    HasDefault::FromProgram => {
                        format!("the program has no default {name}: fill the `{name}` column, or set [program].{name}")
                    }
                    _ => "this answer has no default".to_string(),
                };
                problems.push(
                    RowProblem::error(at, Some(column), Some(Code::MissingKey), format!("no {name} given")).help(help),
                );
            }
            missing |= is_empty;
        }
        let (Some(start), Some(mentor), Some(mentee)) = (a.start, a.mentor.clone(), a.mentee.clone()) else {
            plan.problems.extend(problems);
            continue;
        };
        let id = agreement_id(start, &mentor, &mentee);
        let path = ctx.folder.join(format!("{id}.toml"));
        row.answers.id = Some(id.clone());
        let preamble = (ctx.preamble)(&row.answers, &path);
        let (text, found) = row.answers.check_all(&preamble, &path, ctx.program, ctx.today);
        for (field, p) in found {
            // A missing answer is reported once, above, on its column (every
            // table `check` requires comes from an answer or a default).
            if missing && field.is_none() && p.code == Code::MissingKey {
                continue;
            }
            if row.answers.goals.is_empty() && p.code == Code::GoalsTooFew {
                continue;
            }
            let column = field.map(|f| column_of(f, &row, &sheet.headers));
            problems.push(RowProblem {
                row: at,
                column,
                code: Some(p.code),
                severity: p.severity,
                message: p.message,
                help: p.help,
            });
        }
        let here = sheet.headers.get("mentee").cloned().unwrap_or_else(|| "mentee".to_string());
        if !row.bad.is_empty() {
            // A cell that could not be read stood in by a default: its id means nothing.
        } else if let Some(first) = ids.get(&id) {
            problems.push(
                RowProblem::error(
                    at,
                    Some(here),
                    Some(Code::DuplicateId),
                    format!("row {first} is the same pair: {id}"),
                )
                .help("one row per pair; a pair with two agreements needs different start months"),
            );
        } else if let Some(other) = ctx.taken.get(&id) {
            problems.push(
                RowProblem::error(
                    at,
                    Some(here),
                    Some(Code::DuplicateId),
                    format!("{} already has the id {id}", shown(other)),
                )
                .help("new never replaces an agreement: edit that one, or remove the row"),
            );
        } else if path.symlink_metadata().is_ok() || files.contains_key(&path) {
            problems.push(
                RowProblem::error(at, Some(here), None, format!("{} already exists", shown(&path)))
                    .help("new never replaces a file"),
            );
        }
        ids.entry(id.clone()).or_insert(at);
        files.entry(path.clone()).or_insert(at);
        let bad = !row.bad.is_empty() || problems.iter().any(|p| p.severity == Severity::Error);
        plan.problems.extend(problems);
        if !bad {
            plan.drafts.push(Draft { row: at, id, path, text });
        }
    }
    plan.problems.sort_by_key(|p| p.row);
    plan
}

/// A path as messages show it: without a leading `./`.
fn shown(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

/// The ids of the agreements already in `folder` (each file's `id`, or its name), with their files.
pub fn taken_ids(folder: &Path) -> HashMap<String, PathBuf> {
    let mut taken = HashMap::new();
    let Ok((files, _links)) = crate::engine::discover::collect_skipping_links(&[folder.to_path_buf()]) else {
        return taken;
    };
    for file in files {
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let id = crate::input::read_to_string(&file)
            .ok()
            .and_then(|text| crate::format::agreement::parse(&text).agreement.and_then(|a| a.id.map(|i| i.value)))
            .unwrap_or(stem);
        taken.entry(id).or_insert(file);
    }
    taken
}

/// Why the drafts were not all written (the ones written were removed).
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    /// The file that failed.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

/// How many drafts are written at once.
const WRITERS: usize = 16;

/// Writes every draft, each atomically (synced) and never over an existing file,
/// several at a time. If one write fails, or `stop` is set (Ctrl-C) before
/// every write has started, the drafts written by this call are removed and the
/// first error returned: all or nothing.
pub fn write_all(drafts: &[Draft], stop: &AtomicBool) -> Result<(), WriteError> {
    use rayon::prelude::*;
    let write = || -> Vec<std::io::Result<()>> {
        drafts
            .par_iter()
            .map(|d| {
                if stop.load(Ordering::SeqCst) {
                    return Err(std::io::Error::new(std::io::ErrorKind::Interrupted, "interrupted"));
                }
                std::fs::create_dir_all(crate::edit::atomic::parent_dir(&d.path))?;
                crate::edit::atomic::write_new(&d.path, d.text.as_bytes())
            })
            .collect()
    };
    // Waiting on the disk (each file is synced), not on the processor: more
    // writers than cores let the file system commit many files at once.
    let results = match rayon::ThreadPoolBuilder::new().num_threads(WRITERS).build() {
        Ok(pool) => pool.install(write),
        Err(_) => write(),
    };
    // A Ctrl-C after every write began leaves a complete run: it is kept.
    let Some(failed) = results.iter().position(Result::is_err) else { return Ok(()) };
    for (d, r) in drafts.iter().zip(&results) {
        if r.is_ok() {
            let _ = std::fs::remove_file(&d.path);
        }
    }
    let mut dirs: Vec<&Path> = drafts.iter().map(|d| crate::edit::atomic::parent_dir(&d.path)).collect();
    dirs.dedup();
    for dir in dirs {
        crate::edit::atomic::sync_dir(dir);
    }
    let mut results = results;
    let source = results.swap_remove(failed).expect_err("a failed write");
    Err(WriteError { path: drafts[failed].path.clone(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> Sheet {
        parse(text.as_bytes(), Path::new("p.csv")).unwrap()
    }

    #[test]
    fn delimiters_are_sniffed_from_the_header_outside_quotes() {
        assert_eq!(sniff_delimiter(b"mentor,mentee\na;b,c"), b',');
        assert_eq!(sniff_delimiter(b"mentor;mentee;\"a,b,c\"\n"), b';');
        assert_eq!(sniff_delimiter(b"mentor\tmentee\n"), b'\t');
        assert_eq!(sniff_delimiter(b"mentor\n"), b',');
    }

    #[test]
    fn headers_are_read_as_new_s_flags() {
        assert_eq!(column_name("Mentor Email"), Some("mentor-email"));
        assert_eq!(column_name(" review_every_months "), Some("review-every-months"));
        assert_eq!(column_name("Goal 2"), Some("goal"));
        assert_eq!(column_name("goal2"), Some("goal"));
        assert_eq!(column_name("topics"), Some("topic"));
        assert_eq!(column_name("modes"), Some("mode"));
        assert_eq!(column_name("mentor2"), None, "only repeatable columns take a number");
        assert_eq!(column_name("mentr"), None);
    }

    #[test]
    fn header_problems_are_located_with_a_suggestion() {
        let s = sheet("mentr,mentee,mentee,topic,goal,\nA,B,C,t,g|m|2027-01-01,\n");
        let shown: Vec<String> = s.problems.iter().map(|p| p.display("p.csv").to_string()).collect();
        assert!(
            shown.contains(&"p.csv:1:mentr: error: unknown column `mentr` (did you mean `mentor`?)".to_string()),
            "{shown:#?}"
        );
        assert!(shown.iter().any(|l| l.starts_with("p.csv:1:mentee: error: a second `mentee` column")), "{shown:#?}");
        assert!(shown.iter().any(|l| l.starts_with("p.csv:1:column 6: error: the column has no name")), "{shown:#?}");
        assert!(shown.iter().any(|l| l.starts_with("p.csv:1: error[missing-key]: no `mentor` column")), "{shown:#?}");
    }

    #[test]
    fn repeated_and_semicolon_separated_answers() {
        let s = sheet(
            "mentor,mentee,topic,topic,goal 1,goal 2,mode\nA,B,t1,t2;t3,a|b|2027-01-01,c|d|2027-02-01;e|f|,video call\n",
        );
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let r = &s.rows[0];
        assert_eq!(r.answers.topics, ["t1", "t2", "t3"]);
        assert_eq!(r.answers.goals.len(), 3);
        assert_eq!(r.goal_columns, ["goal 1", "goal 2", "goal 2"]);
        assert_eq!(r.answers.modes.as_deref(), Some(&["video call".to_string()][..]));
    }

    #[test]
    fn repeated_header_text_is_told_apart_by_its_place() {
        let s = sheet("mentor,mentee,topic,goal,goal\nA,B,t,a|b|2027-01-01,c|d|2027-02-01\n");
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.rows[0].goal_columns, ["goal", "goal#2"]);
    }

    #[test]
    fn rows_are_checked_with_the_questionnaire_s_codes_at_their_columns() {
        let program = Arc::new(Program::builtin());
        let today: NaiveDate = "2026-11-25".parse().unwrap();
        let taken = HashMap::new();
        let preamble = |_: &Answers, _: &Path| String::from("# a draft\n");
        let ctx =
            Context { program: &program, today, folder: Path::new("agreements"), taken: &taken, preamble: &preamble };
        let s = sheet(
            "mentor,mentee,mentee-email,lead,topic,minutes,start,months,goal,goal\n\
             Ada King,Grace Hopper,grace@example.org,Priya Natarajan,compilers,45,2026-12-07,6,\
             Write a parser | One parser merged | 2027-03-01,Give a talk | One talk | 2027-04-01\n\
             Ada King,ada king,nope,Priya Natarajan,compilers,150,2026-12-07,13,\
             Write a parser | | 2027-03-01,Give a talk | One talk | 2029-01-01\n",
        );
        let plan = plan(s, &ctx);
        assert_eq!(plan.drafts.len(), 1);
        assert_eq!(plan.drafts[0].path, Path::new("agreements/2026-12-ada-king-grace-hopper.toml"));
        assert!(plan.drafts[0].text.starts_with("# a draft\nformat = 1\n"));
        let got: Vec<(usize, Option<&str>, &str)> =
            plan.problems.iter().map(|p| (p.row, p.column.as_deref(), p.code.map_or("", Code::as_str))).collect();
        for want in [
            (3, Some("mentee"), "same-person"),
            (3, Some("mentee-email"), "bad-email"),
            (3, Some("minutes"), "session-too-long"),
            (3, Some("months"), "term-too-long"),
            (3, Some("goal"), "goal-no-measure"),
            (3, Some("goal#2"), "goal-due-outside-term"),
        ] {
            assert!(got.contains(&want), "{want:?} not in {got:#?}");
        }
        // The same answers, asked one by one, are refused with the same codes.
        let mut a = Answers {
            mentor: Some("Ada King".into()),
            mentee: Some("ada king".into()),
            minutes: Some(150),
            ..Answers::default()
        };
        a.start = Some(today);
        assert_eq!(a.problems(Field::Mentee, &program, today)[0].code, Code::SamePerson);
        assert_eq!(a.problems(Field::Minutes, &program, today)[0].code, Code::SessionTooLong);
    }

    #[test]
    fn cells_that_cannot_be_read_are_located() {
        let mut bytes = b"mentor,mentee,minutes,start\nA,B,45,2027-01-04\nC,\xFF,abc,2027-02-30\n".to_vec();
        bytes.extend_from_slice(b"E,F\0,60,2027-01-04\nG,H,60\n,,,\n\n");
        let s = parse(&bytes, Path::new("p.csv")).unwrap();
        let shown: Vec<String> = s.problems.iter().map(|p| p.display("p.csv").to_string()).collect();
        assert!(shown.iter().any(|l| l.starts_with("p.csv:3:mentee: error: the cell is not UTF-8 text")), "{shown:#?}");
        assert!(shown.iter().any(|l| l.starts_with("p.csv:4:mentee: error: the cell holds a NUL byte")), "{shown:#?}");
        assert!(shown.iter().any(|l| l.starts_with("p.csv:5: error: the row has 3 cells, the header 4")), "{shown:#?}");
        assert_eq!(s.rows.len(), 1, "unreadable rows are not read further; the blank ones are skipped");
        let s = sheet("mentor,mentee,topic,goal,minutes,start\nC,D,t,g|m|,abc,2027-02-30\n");
        let shown: Vec<String> = s.problems.iter().map(|p| p.display("p.csv").to_string()).collect();
        assert_eq!(
            shown,
            [
                "p.csv:2:minutes: error[wrong-type]: `abc` is not a whole number",
                "p.csv:2:start: error[wrong-type]: `2027-02-30` is not a day of the calendar (check the month and day)",
            ]
        );
    }

    #[test]
    fn a_failed_write_removes_the_drafts_already_written() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("not-a-folder");
        std::fs::write(&blocker, "x").unwrap();
        let draft =
            |row: usize, path: PathBuf| Draft { row, id: format!("id-{row}"), path, text: format!("row {row}\n") };
        let drafts = [
            draft(2, dir.path().join("a/one.toml")),
            draft(3, dir.path().join("a/two.toml")),
            draft(4, blocker.join("three.toml")),
        ];
        let go = AtomicBool::new(false);
        let err = write_all(&drafts, &go).unwrap_err();
        assert_eq!(err.path, blocker.join("three.toml"));
        assert!(!dir.path().join("a/one.toml").exists() && !dir.path().join("a/two.toml").exists());
        assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "x");

        // An existing file is never replaced, and stops the run the same way.
        std::fs::write(dir.path().join("a/two.toml"), "mine").unwrap();
        let err = write_all(&drafts[..2], &go).unwrap_err();
        assert_eq!(err.source.kind(), std::io::ErrorKind::AlreadyExists);
        assert!(!dir.path().join("a/one.toml").exists());
        assert_eq!(std::fs::read_to_string(dir.path().join("a/two.toml")).unwrap(), "mine");
        // Ctrl-C: stopped before a write, nothing is left.
        let stop = AtomicBool::new(true);
        assert_eq!(write_all(&drafts[..1], &stop).unwrap_err().source.kind(), std::io::ErrorKind::Interrupted);
        assert!(!dir.path().join("a/one.toml").exists());
        write_all(&drafts[..1], &go).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("a/one.toml")).unwrap(), "row 2\n");
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut text = String::from("mentor,mentee\n");
        for i in 0..=MAX_ROWS {
            text.push_str(&format!("A{i},B{i}\n"));
        }
        assert!(matches!(parse(text.as_bytes(), Path::new("p.csv")), Err(CohortError::TooManyRows { .. })));
    }

    #[test]
    fn utf16_and_empty_files_say_what_they_are() {
        let s = parse(&[0xFF, 0xFE, b'm', 0], Path::new("p.csv")).unwrap();
        assert!(s.problems[0].message.contains("UTF-16"));
        let s = sheet("\u{feff}\n");
        assert!(s.problems[0].message.contains("empty"));
        let s = sheet("mentor,mentee,topic,goal\n,,,\n");
        assert!(s.problems[0].message.contains("no pairs"));
        let s = sheet(",,,\nmentor,mentee,topic,goal\n");
        assert_eq!(s.problems.len(), 1);
        assert_eq!(
            s.problems[0].display("p.csv").to_string(),
            "p.csv:1: error: row 1 is blank (the first row must be the header: the column names)"
        );
    }
}
