//! `mentor-agree status`: where every agreement stands, most urgent first.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use comfy_table::{Cell, Color};

use crate::cli::{StatusArgs, StatusFormat};
use mentor_agree::desk::status::{StatusRow, sorted};
use mentor_agree::engine::Session;
use mentor_agree::facts::derived::State;
use mentor_agree::format::role::Role;
use mentor_agree::rules;
use mentor_agree::text::plural;

/// Runs `status`.
pub fn run(args: &StatusArgs, session: &Session) -> anyhow::Result<u8> {
    // Rows are made as each file is checked, so no model outlives its row; the
    // counts are taken again afterwards, once duplicate ids across files are known.
    let checked =
        mentor_agree::engine::check_paths_with(&args.paths, session, rules::Options::default(), false, StatusRow::of)?;
    let mut rows = sorted(checked.into_iter().map(|(c, row)| row.recounted(&c)).collect());
    if !args.state.is_empty() {
        rows.retain(|r| r.state.is_some_and(|s| args.state.contains(&s)));
    }
    let text = match args.format {
        StatusFormat::Json => {
            let mut s = serde_json::to_string_pretty(&rows)?;
            s.push('\n');
            s
        }
        StatusFormat::Csv => csv(&rows)?,
        StatusFormat::Table if rows.is_empty() => {
            eprintln!("no agreements to show");
            String::new()
        }
        StatusFormat::Table => table(&rows, session.color_stdout, args.wide, terminal_width()),
    };
    super::print(&text)?;
    Ok(super::EXIT_OK)
}

/// The width to fit: `$COLUMNS` when set, else the terminal's when stdout is one
/// (none when piped: rows stay whole for grep and friends).
fn terminal_width() -> Option<u16> {
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<u16>().ok()) {
        return Some(n.max(40));
    }
    let term = dialoguer::console::Term::stdout();
    if !term.is_term() {
        return None;
    }
    term.size_checked().map(|(_, cols)| cols.max(40))
}

fn date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "-".to_string(), mentor_agree::text::ymd)
}

fn state_color(state: Option<State>) -> Color {
    match state {
        None => Color::Red,
        Some(State::Draft) => Color::Yellow,
        Some(State::Pending) => Color::Cyan,
        Some(State::Active) => Color::Green,
        Some(State::Ended) => Color::DarkGrey,
        Some(State::Terminated) => Color::Magenta,
    }
}

/// The columns only `--wide` shows (the id already names the pair).
const WIDE_ONLY: [&str; 6] = ["pair", "start", "effective", "last check-in", "last review", "goals"];

/// The columns that make way, in this order, when the table is too wide for the
/// terminal even with every cell wrapped between words (`--wide` shows them).
const DROP_FIRST: [&str; 4] = ["last day", "next review", "signatures", "problems"];

/// The table, followed by a count per state: fitted to `width` when given,
/// or with every column (those of [`WIDE_ONLY`] too), unwrapped, when `wide`.
fn table(rows: &[StatusRow], color: bool, wide: bool, width: Option<u16>) -> String {
    let mut t = super::table(color);
    let columns = [
        "agreement",
        "pair",
        "state",
        "start",
        "last day",
        "effective",
        "next review",
        "last check-in",
        "last review",
        "signatures",
        "goals",
        "problems",
    ];
    let shown = |c: &str| wide || !WIDE_ONLY.contains(&c);
    t.set_header(columns.iter().copied().filter(|c| shown(c)).collect::<Vec<_>>());
    for r in rows {
        let pair = format!("{} → {}", r.mentor.as_deref().unwrap_or("?"), r.mentee.as_deref().unwrap_or("?"));
        let state_text = r.state.map_or("invalid", State::as_str);
        let mut state = Cell::new(state_text);
        if color {
            state = state.fg(state_color(r.state));
        }
        let total = r.signed.len() + r.missing.len() + r.stale.len() + r.amendment.len();
        let mut signatures = format!("{}/{total}", r.signed.len());
        for (what, roles) in
            [("stale", &r.stale), ("missing", &r.missing), ("amendment awaiting signatures", &r.amendment)]
        {
            if !roles.is_empty() {
                let roles: Vec<&str> = roles.iter().map(|m| m.as_str()).collect();
                signatures.push_str(&format!(", {what}: {}", roles.join(", ")));
            }
        }
        let problems = match (r.errors, r.warnings) {
            (0, 0) => "-".to_string(),
            (e, 0) => plural(e, "error"),
            (0, w) => plural(w, "warning"),
            (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
        };
        let cells = [
            Cell::new(&r.id),
            Cell::new(pair),
            state,
            Cell::new(date(r.start)),
            Cell::new(date(r.last_day)),
            Cell::new(date(r.effective)),
            Cell::new(date(r.next_review)),
            Cell::new(date(r.last_checkin)),
            Cell::new(date(r.last_evaluation)),
            Cell::new(signatures),
            Cell::new(if r.goals_total == 0 {
                "-".to_string()
            } else {
                format!("{}/{}", r.goals_achieved, r.goals_total)
            }),
            Cell::new(problems),
        ];
        t.add_row(columns.iter().zip(cells).filter(|(c, _)| shown(c)).map(|(_, cell)| cell).collect::<Vec<_>>());
    }
    // Ids, states and dates are never broken across lines; the other columns wrap
    // between words, and the least useful columns make way before anything else would.
    let mut hidden = Vec::new();
    if let Some(w) = width.filter(|_| !wide) {
        let at = |name: &str| columns.iter().copied().filter(|c| shown(c)).position(|c| c == name);
        let order: Vec<usize> = DROP_FIRST.iter().filter_map(|c| at(c)).collect();
        hidden = super::fit(&mut t, w, &order);
    }
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *by_state.entry(r.state.map_or("invalid", State::as_str)).or_default() += 1;
    }
    let counts: Vec<String> = State::ALL
        .iter()
        .map(|s| s.as_str())
        .chain(["invalid"])
        .filter_map(|s| by_state.get(s).map(|n| format!("{n} {s}")))
        .collect();
    let mut text = format!("{t}\n{}: {}\n", plural(rows.len(), "agreement"), counts.join(", "));
    if !hidden.is_empty() {
        let w = width.unwrap_or_default();
        let note = format!("hidden to fit {w} columns: {} (--wide shows them)", hidden.join(", "));
        text.push_str(&wrapped(&note, usize::from(w)));
    }
    text
}

/// `text` on lines of at most `width` columns, broken between words only.
fn wrapped(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The rows as CSV: the JSON fields as columns, `null` as an empty cell, roles
/// separated by spaces.
fn csv(rows: &[StatusRow]) -> anyhow::Result<String> {
    let header = [
        "id",
        "file",
        "mentor",
        "mentee",
        "state",
        "start",
        "end",
        "last_day",
        "effective",
        "next_review",
        "last_checkin",
        "last_evaluation",
        "goals_total",
        "goals_achieved",
        "signed",
        "missing",
        "stale",
        "errors",
        "warnings",
        "terminated",
        "amended",
        "amendment",
    ];
    let day = |d: Option<NaiveDate>| d.map(mentor_agree::text::ymd).unwrap_or_default();
    let roles = |r: &[Role]| r.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ");
    let cells = rows.iter().map(|r| {
        vec![
            r.id.clone(),
            r.file.clone(),
            r.mentor.clone().unwrap_or_default(),
            r.mentee.clone().unwrap_or_default(),
            r.state.map(State::as_str).unwrap_or_default().to_string(),
            day(r.start),
            day(r.end),
            day(r.last_day),
            day(r.effective),
            day(r.next_review),
            day(r.last_checkin),
            day(r.last_evaluation),
            r.goals_total.to_string(),
            r.goals_achieved.to_string(),
            roles(&r.signed),
            roles(&r.missing),
            roles(&r.stale),
            r.errors.to_string(),
            r.warnings.to_string(),
            day(r.terminated),
            day(r.amended),
            roles(&r.amendment),
        ]
    });
    let mut out = Vec::new();
    mentor_agree::output::export::write_csv(&mut out, &header, cells)?;
    Ok(String::from_utf8(out)?)
}
