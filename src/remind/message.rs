//! What a reminder says: its subject, its plain-text body, its Message-ID.

use std::fmt::Write as _;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::{Line, Owed};
use crate::format::timeline::days_between;
use crate::output::render::{SITE_PAGES, id_page_stem};
use crate::program::Program;
use crate::text::plural;
use crate::text::ymd;

/// A reminder's text, ready to be put in an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The subject, carrying the earliest due date.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// The Message-ID, angle brackets included.
    pub message_id: String,
}

/// "due 2026-12-15 (in 7 days)", "due today (2026-12-15)", "overdue since
/// 2026-12-15 (3 days)", "to fix now"; past the date but not `overdue` (a
/// review within its grace days): "due 2026-12-15 (3 days ago)".
fn when(due: Option<NaiveDate>, overdue: bool, today: NaiveDate) -> String {
    let Some(due) = due else { return "to fix now".to_string() };
    match days_between(today, due) {
        0 => format!("due today ({})", ymd(due)),
        d if d > 0 => format!("due {} (in {})", ymd(due), plural(d as usize, "day")),
        d if !overdue => format!("due {} ({} ago)", ymd(due), plural(d.unsigned_abs() as usize, "day")),
        d => format!("overdue since {} ({})", ymd(due), plural(d.unsigned_abs() as usize, "day")),
    }
}

/// The page of an agreement on the program's site, when `[program] site_url` is set and the id has one.
pub fn page(program: &Program, id: &str) -> Option<String> {
    let base = program.program.site_url.as_deref()?.trim().trim_end_matches('/');
    let stem = id_page_stem(id).filter(|s| !SITE_PAGES.contains(s))?;
    Some(format!("{base}/{stem}.html"))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The domain of an address in `Name <user@domain>` or `user@domain` form.
fn domain(from: &str) -> Option<&str> {
    let addr = from.rsplit_once('<').map_or(from, |(_, a)| a.trim_end_matches('>'));
    addr.rsplit_once('@').map(|(_, d)| d.trim()).filter(|d| !d.is_empty())
}

/// Writes the reminder owed to one person as of `today`.
pub fn write(owed: &Owed, program: &Program, today: NaiveDate) -> Text {
    let name = &program.program.name;
    let own: Vec<&Line> = owed.lines.iter().filter(|l| !l.escalation()).collect();
    let copied: Vec<&Line> = owed.lines.iter().filter(|l| l.escalation()).collect();
    let n = owed.lines.len();
    let earliest = owed.earliest();
    let overdue = owed.lines.iter().any(|l| l.item.due == earliest && l.item.is_overdue());
    let first = when(earliest, overdue, today);
    let subject = if own.is_empty() {
        format!("{name}: {} overdue for the pairs, the first {first}", plural(n, "action"))
    } else {
        format!("{name}: {} for you, the first {first}", plural(n, "action"))
    };

    let mut body = format!("Hello {},\n\n", owed.to.name);
    let mut number = 0;
    let mut item = |body: &mut String, l: &Line| {
        number += 1;
        let i = &l.item;
        let _ = writeln!(body, "{number}. {}", capitalised(&i.message));
        let _ = writeln!(body, "   Agreement: {} ({})", i.id, i.file);
        if l.escalation() {
            let people: Vec<String> = i.who.iter().map(|a| a.label()).collect();
            let who = if people.is_empty() { "nobody named".to_string() } else { people.join(", ") };
            let _ = writeln!(body, "   Who must act: {who}");
        } else {
            let _ = writeln!(body, "   You are the {} in it.", l.role);
        }
        let _ = writeln!(body, "   When: {}", when(i.due, i.is_overdue(), today));
        match (page(program, &i.id), &i.command) {
            (Some(url), _) => {
                let _ = writeln!(body, "   See: {url}");
            }
            (None, Some(cmd)) => {
                let _ = writeln!(body, "   To resolve: {cmd}");
            }
            (None, None) => {}
        }
        body.push('\n');
    };
    if !own.is_empty() {
        let _ = writeln!(
            body,
            "{} in your mentoring agreements {}:\n",
            plural(own.len(), "thing"),
            if own.len() == 1 { "needs you" } else { "need you" }
        );
        for l in &own {
            item(&mut body, l);
        }
    }
    if !copied.is_empty() {
        let _ = writeln!(
            body,
            "You are copied as the lead: {} overdue for more than {}:\n",
            plural(copied.len(), "item"),
            plural(program.reminders.escalate_after_days as usize, "day")
        );
        for l in &copied {
            item(&mut body, l);
        }
    }
    let _ = writeln!(body, "-- \n{}", program.program.team);
    if let Some(contact) = &program.program.contact {
        let _ = writeln!(body, "{contact}");
    }
    body.push_str(
        "You receive this because an agreement names you and these are due. \
         To stop these reminders, reply and ask to be left out.\n",
    );

    // Unique per recipient, day and content (each step is sent once), with no clock or randomness.
    let mut h = Sha256::new();
    h.update(owed.address().as_bytes());
    h.update(ymd(today).as_bytes());
    for l in &owed.lines {
        h.update(format!("\0{}\0{}\0{:?}\0{}", l.item.id, l.item.kind.as_str(), l.item.due, l.step).as_bytes());
    }
    let digest = hex::encode(&h.finalize()[..12]);
    let host = program.reminders.from.as_deref().and_then(domain).unwrap_or("mentor-agree.invalid");
    let message_id = format!("<{}.{digest}@{host}>", today.format("%Y%m%d"));
    Text { subject, body, message_id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_relative_to_today() {
        let today: NaiveDate = "2026-12-08".parse().unwrap();
        assert_eq!(when(Some("2026-12-15".parse().unwrap()), false, today), "due 2026-12-15 (in 7 days)");
        assert_eq!(when(Some(today), false, today), "due today (2026-12-08)");
        assert_eq!(when(Some("2026-12-07".parse().unwrap()), true, today), "overdue since 2026-12-07 (1 day)");
        // A review past its planned day but within its grace days is not overdue yet.
        assert_eq!(when(Some("2026-12-05".parse().unwrap()), false, today), "due 2026-12-05 (3 days ago)");
        assert_eq!(when(None, true, today), "to fix now");
    }

    #[test]
    fn the_domain_of_the_sender_names_message_ids() {
        assert_eq!(domain("Mentoring team <mentoring@example.org>"), Some("example.org"));
        assert_eq!(domain("t@example.com"), Some("example.com"));
        assert_eq!(domain("nobody"), None);
    }

    #[test]
    fn pages_need_a_site_and_a_page_worthy_id() {
        let mut p = Program::builtin();
        assert_eq!(page(&p, "2026-10-ada-grace"), None);
        p.program.site_url = Some("https://example.org/mentoring/".into());
        assert_eq!(
            page(&p, "2026-10-ada-grace").as_deref(),
            Some("https://example.org/mentoring/2026-10-ada-grace.html")
        );
        assert_eq!(page(&p, "index"), None);
    }
}
