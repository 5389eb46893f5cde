//! `mentor-agree agenda`: what the program team should act on.

use std::fmt::Write as _;

use comfy_table::{Cell, Color};

use crate::cli::{AgendaArgs, AgendaFormat};
use mentor_agree::desk::agenda::{self, Item};
use mentor_agree::engine::Session;
use mentor_agree::format::timeline::long_date;
use mentor_agree::output::diagnostics::{escape_data, escape_property};
use mentor_agree::output::render::markdown_text;
use mentor_agree::rules;
use mentor_agree::text::plural;
use mentor_agree::text::ymd;

/// Runs `agenda`.
pub fn run(args: &AgendaArgs, session: &Session) -> anyhow::Result<u8> {
    let today = session.today;
    let checked =
        mentor_agree::engine::check_paths_with(&args.paths, session, rules::Options::default(), false, |c| {
            agenda::items(&mentor_agree::versions::history::dated(c), today, args.within)
        })?;
    let mut items: Vec<Item> = Vec::new();
    for (c, found) in checked {
        // Duplicate ids are known only once every file is checked: such a file has errors now.
        match agenda::problems(&c) {
            Some(p) if !found.iter().any(|i| i.kind == agenda::Kind::Problems) => items.push(p),
            _ => items.extend(found),
        }
    }
    if let Some(person) = &args.person {
        items.retain(|i| i.concerns(person));
    }
    agenda::sort(&mut items);
    let overdue = items.iter().filter(|i| i.is_overdue()).count();
    let text = match args.format {
        AgendaFormat::Json => {
            let mut s = serde_json::to_string_pretty(&items)?;
            s.push('\n');
            s
        }
        AgendaFormat::Md => {
            let (listed, routine) = gather(items, args.all);
            markdown(&listed, &routine, today, args.within)
        }
        AgendaFormat::Github => github(&items),
        AgendaFormat::Table if items.is_empty() => {
            eprintln!("nothing to act on in the next {}", plural(args.within as usize, "day"));
            String::new()
        }
        AgendaFormat::Table => {
            let (listed, routine) = gather(items, args.all);
            table(&listed, &routine, session.color_stdout)
        }
    };
    super::print(&text)?;
    Ok(if overdue > 0 { super::EXIT_PROBLEMS } else { super::EXIT_OK })
}

/// The items for people: with `all` every one, else the routine ones gathered.
fn gather(items: Vec<Item>, all: bool) -> (Vec<Item>, Vec<agenda::Routine>) {
    if all { (items, Vec::new()) } else { agenda::gather_routine(items) }
}

/// One line for routine items gathered: "31 pairs: check-in due (2026-12-01 to 2026-12-09)".
fn routine_line(r: &agenda::Routine) -> String {
    let what = match r.kind {
        agenda::Kind::FeedbackDue => "a feedback form to answer",
        _ => "a check-in due",
    };
    let span = match (r.from, r.to) {
        (Some(a), Some(b)) if a != b => format!(" ({} to {})", ymd(a), ymd(b)),
        (Some(a), _) => format!(" ({})", ymd(a)),
        _ => String::new(),
    };
    format!("{} pairs: {what}{span}; `mentor-agree agenda --all` lists each", r.count)
}

/// "in 3 days", "today", "5 days ago", or "now" for problems.
fn when(item: &Item) -> String {
    match item.days {
        None => "now".to_string(),
        Some(0) => "today".to_string(),
        Some(d) if d > 0 => format!("in {}", plural(d as usize, "day")),
        Some(d) => format!("{} ago", plural(d.unsigned_abs() as usize, "day")),
    }
}

/// `prefix` then who must act ("Ada Lovelace (mentor), Grace Hopper (mentee)"), or nothing when nobody is named.
fn who(item: &Item, prefix: &str) -> String {
    if item.who.is_empty() {
        return String::new();
    }
    let people: Vec<String> = item.who.iter().map(|a| a.label()).collect();
    format!("{prefix}{}", people.join(", "))
}

/// A table that fits 80 columns, then the commands, unbroken so they can be copied.
fn table(items: &[Item], routine: &[agenda::Routine], color: bool) -> String {
    let mut t = super::table(color);
    // Off a terminal (a pipe, a CI log) the table keeps to 80 columns.
    if t.width().is_none() {
        t.set_width(80);
    }
    t.set_header(["#", "due", "agreement", "what to do"]);
    for (n, i) in items.iter().enumerate() {
        let mut due = Cell::new(format!("{}\n{}", i.date.map_or_else(|| "-".to_string(), ymd), when(i)));
        if color && i.is_overdue() {
            due = due.fg(Color::Red);
        }
        t.add_row(vec![
            Cell::new(n + 1),
            due,
            Cell::new(&i.id),
            Cell::new(format!("{}: {}{}", i.kind.as_str(), i.message, who(i, "\nwho: "))),
        ]);
    }
    for r in routine {
        t.add_row(vec![
            Cell::new("…"),
            Cell::new(""),
            Cell::new(""),
            Cell::new(format!("{}: {}", r.kind.as_str(), routine_line(r))),
        ]);
    }
    // Never break an id or a word across lines: columns wrap between words only.
    let width = t.width().unwrap_or(80);
    super::fit(&mut t, width, &[]);
    let overdue = items.iter().filter(|i| i.is_overdue()).count();
    let total = items.len() + routine.iter().map(|r| r.count).sum::<usize>();
    let mut s = format!("{t}\n{}, {overdue} overdue\n", plural(total, "action"));
    if items.iter().any(|i| i.command.is_some()) {
        s.push_str("\nto resolve:\n");
        for (n, i) in items.iter().enumerate() {
            if let Some(cmd) = &i.command {
                let _ = writeln!(s, "{:>4}  {cmd}", n + 1);
            }
        }
    }
    s
}

fn markdown(items: &[Item], routine: &[agenda::Routine], today: chrono::NaiveDate, within: u32) -> String {
    let mut s = format!("## Mentoring agenda, {}\n\n", long_date(today));
    let (overdue, coming): (Vec<&Item>, Vec<&Item>) = items.iter().partition(|i| i.is_overdue());
    if items.is_empty() && routine.is_empty() {
        let _ = writeln!(s, "Nothing to act on in the next {}.", plural(within as usize, "day"));
        return s;
    }
    let coming_count = coming.len() + routine.iter().map(|r| r.count).sum::<usize>();
    let _ = writeln!(s, "{} overdue, {} in the next {}.", overdue.len(), coming_count, plural(within as usize, "day"));
    for (title, list) in [("Overdue", &overdue), ("Coming up", &coming)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n### {title}\n");
        for i in list.iter() {
            let due = i.date.map(|d| format!(" (due {}, {})", ymd(d), when(i))).unwrap_or_default();
            let _ = writeln!(
                s,
                "- [ ] **{}**: {}: {}{due}{}",
                markdown_text(&i.id),
                i.kind.as_str(),
                markdown_text(&i.message),
                markdown_text(&who(i, "; who: "))
            );
            if let Some(cmd) = &i.command {
                let _ = writeln!(s, "  `{}`", cmd.replace('`', "'"));
            }
        }
    }
    if !routine.is_empty() {
        let _ = writeln!(s, "\n### Routine\n");
        for r in routine {
            let _ = writeln!(s, "- [ ] {}: {}", r.kind.as_str(), routine_line(r));
        }
    }
    s
}

fn github(items: &[Item]) -> String {
    let mut s = String::new();
    for i in items {
        let level = if i.is_overdue() { "warning" } else { "notice" };
        let mut message = i.message.clone();
        if let Some(d) = i.date {
            let _ = write!(message, " (due {}, {})", ymd(d), when(i));
        }
        message.push_str(&who(i, "; who: "));
        if let Some(cmd) = &i.command {
            let _ = write!(message, "; run: {cmd}");
        }
        let _ = writeln!(
            s,
            "::{level} file={},title={}::{}",
            escape_property(&i.file),
            escape_property(&format!("agenda: {}", i.kind.as_str())),
            escape_data(&message)
        );
    }
    s
}
