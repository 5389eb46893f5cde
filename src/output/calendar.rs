//! iCalendar (RFC 5545) export of one agreement, or of many in one feed: the
//! recurring sessions, the review checkpoints, the goals' due dates, the next
//! check-in due and the last day. Every event names the pair and has the mentor
//! and the mentee with an email as attendees.
//!
//! Every event's UID derives from the agreement id and the event's role
//! (`<id>.sessions@mentor-agree`, `<id>.review-2@mentor-agree`, …), so
//! re-importing an updated agreement updates events rather than duplicating
//! them. DTSTAMP is the given day, never the clock, so output is reproducible.

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use icalendar::{Calendar, Component, Event, EventLike};

use crate::facts::derived::Derived;
use crate::facts::evaluation::Checkpoint;
use crate::format::agreement::Agreement;
use crate::format::timeline::Frequency;

/// Why no calendar could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A value the calendar needs is absent or invalid (`check` says more).
    #[error("the agreement has no valid {0}; run `mentor-agree check` on it")]
    Missing(&'static str),
}

/// Choices for the export.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Local (floating) start time of each session; all-day sessions when `None`.
    pub time: Option<NaiveTime>,
    /// The day written as every event's DTSTAMP (normally today).
    pub stamp: NaiveDate,
    /// The program's longest gap between check-ins (`rules.checkins.max_gap_days`):
    /// with it, an event on the day the next check-in is due.
    pub checkin_gap_days: Option<u32>,
}

const UID_DOMAIN: &str = "mentor-agree";

fn ics_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The RRULE value for sessions at `freq` from `start`, the last one on or before `until`.
///
/// Monthly sessions follow the tool's own arithmetic: a start on the 29th–31st
/// falls on the last day of shorter months (`BYMONTHDAY=28,…,d;BYSETPOS=-1`)
/// rather than skipping them as a plain monthly rule would.
pub fn rrule(freq: Frequency, start: NaiveDate, until: &str) -> String {
    match freq {
        Frequency::Monthly if start.day() > 28 => {
            let days: Vec<String> = (28..=start.day()).map(|d| d.to_string()).collect();
            format!("FREQ=MONTHLY;BYMONTHDAY={};BYSETPOS=-1;UNTIL={until}", days.join(","))
        }
        Frequency::Monthly => format!("FREQ=MONTHLY;UNTIL={until}"),
        Frequency::Weekly => format!("FREQ=WEEKLY;INTERVAL=1;UNTIL={until}"),
        Frequency::Fortnightly => format!("FREQ=WEEKLY;INTERVAL=2;UNTIL={until}"),
        Frequency::EveryWeeks(n) => format!("FREQ=WEEKLY;INTERVAL={n};UNTIL={until}"),
    }
}

fn name(p: &Option<crate::format::agreement::Person>) -> &str {
    p.as_ref().and_then(|p| p.name.as_ref()).map_or("?", |n| n.value.as_str())
}

/// `ATTENDEE` properties for the mentor and the mentee who have an email.
fn attendees(a: &Agreement) -> Vec<icalendar::Property> {
    [&a.mentor, &a.mentee]
        .into_iter()
        .filter_map(|p| {
            let p = p.as_ref()?;
            let email = p.email.as_ref().map(|e| e.value.trim()).filter(|e| !e.is_empty())?;
            let mut prop = icalendar::Property::new("ATTENDEE", format!("mailto:{email}"));
            if let Some(n) = p.name.as_ref().map(|n| n.value.replace('"', "'")).filter(|n| !n.trim().is_empty()) {
                prop.add_parameter("CN", &n);
            }
            prop.add_parameter("ROLE", "REQ-PARTICIPANT");
            Some(prop.done())
        })
        .collect()
}

fn all_day(
    uid: String,
    day: NaiveDate,
    summary: &str,
    description: &str,
    stamp: chrono::DateTime<chrono::Utc>,
) -> Event {
    Event::new()
        .uid(&uid)
        .timestamp(stamp)
        .starts(day)
        .ends(day + Days::new(1))
        .summary(summary)
        .description(description)
        .add_property("TRANSP", "TRANSPARENT")
        .done()
}

/// A VCALENDAR named `name`, with the properties every export carries.
fn empty_calendar(name: &str) -> Calendar {
    let mut cal = Calendar::empty();
    cal.append_property(icalendar::Property::new("VERSION", "2.0"));
    cal.append_property(icalendar::Property::new(
        "PRODID",
        concat!("-//mentor-agree//mentor-agree ", env!("CARGO_PKG_VERSION"), "//EN"),
    ));
    cal.append_property(icalendar::Property::new("CALSCALE", "GREGORIAN"));
    cal.name(name);
    cal
}

/// The calendar of one agreement, as RFC 5545 text (CRLF line ends).
pub fn calendar(a: &Agreement, derived: &Derived, id: &str, options: &Options) -> Result<String, CalendarError> {
    let events = events(a, derived, id, options)?;
    let mut cal = empty_calendar(&format!("Mentoring: {}", pair(a)));
    for e in events {
        cal.push(e);
    }
    Ok(cal.done().to_string())
}

/// One agreement of a program feed: the model, what follows from it, and its id.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The agreement.
    pub agreement: &'a Agreement,
    /// Its derived dates.
    pub derived: &'a Derived,
    /// Its id (unique within the feed: each event's UID starts with it).
    pub id: &'a str,
    /// Its program's longest gap between check-ins (see [`Options::checkin_gap_days`]).
    pub checkin_gap_days: Option<u32>,
}

/// One feed with the events of every agreement in `entries`, in the order given,
/// under the calendar name `name`. Each event keeps the UID it has in the
/// agreement's own calendar, so the feed and single exports never disagree, and
/// UIDs are unique as long as the ids are (`check` refuses duplicate ids).
///
/// Fails on the first agreement that lacks what a calendar needs, naming its id.
pub fn program_calendar(
    entries: &[Entry<'_>],
    name: &str,
    options: &Options,
) -> Result<String, (String, CalendarError)> {
    let mut cal = empty_calendar(name);
    for e in entries {
        let options = Options { checkin_gap_days: e.checkin_gap_days, ..*options };
        for ev in events(e.agreement, e.derived, e.id, &options).map_err(|err| (e.id.to_string(), err))? {
            cal.push(ev);
        }
    }
    Ok(cal.done().to_string())
}

fn pair(a: &Agreement) -> String {
    format!("{} & {}", name(&a.mentor), name(&a.mentee))
}

/// Every event of one agreement: sessions, review checkpoints, goal due dates, the last day.
fn events(a: &Agreement, derived: &Derived, id: &str, options: &Options) -> Result<Vec<Event>, CalendarError> {
    let start = derived.start.ok_or(CalendarError::Missing("term start"))?;
    let last_day = derived.last_day.ok_or(CalendarError::Missing("term length"))?;
    let freq = derived.frequency.ok_or(CalendarError::Missing("schedule.frequency"))?;
    let minutes = a
        .schedule
        .as_ref()
        .and_then(|s| s.session_minutes.as_ref())
        .map(|m| m.value)
        .filter(|m| *m > 0)
        .ok_or(CalendarError::Missing("schedule.session_minutes"))?;
    let stamp = options.stamp.and_time(NaiveTime::MIN).and_utc();
    let ended = a.termination.as_ref().and_then(|t| t.date.as_ref()).map(|d| d.value);
    // Nothing is held on or after an early end.
    let until = match ended {
        Some(e) if e <= last_day => e.pred_opt().unwrap_or(e),
        _ => last_day,
    };
    let in_term = |d: NaiveDate| d >= start && d <= until;
    let pair = pair(a);
    let uid = |what: &str| format!("{id}.{what}@{UID_DOMAIN}");
    let mut cal: Vec<Event> = Vec::new();

    // The recurring sessions.
    let schedule = a.schedule.as_ref();
    let modes: Vec<&str> = schedule
        .and_then(|s| s.modes.as_ref())
        .map(|m| m.value.iter().map(|x| x.value.as_str()).collect())
        .unwrap_or_default();
    let also: Vec<&str> = schedule.map(|s| s.also_via.iter().map(|x| x.value.as_str()).collect()).unwrap_or_default();
    let mut description = format!("{minutes}-minute mentoring session, {}", freq.in_words());
    if !modes.is_empty() {
        description.push_str(&format!(", {}", crate::format::timeline::modes_in_words(&modes)));
    }
    description.push('.');
    if !also.is_empty() {
        description.push_str(&format!("\nBetween sessions: {}.", also.join(", ")));
    }
    if !a.topics.is_empty() {
        let topics: Vec<&str> = a.topics.iter().map(|t| t.value.as_str()).collect();
        description.push_str(&format!("\nTopics: {}.", topics.join(", ")));
    }
    description.push_str(&format!(
        "\nAgreement {id}: {} to {}.",
        crate::format::timeline::long_date(start),
        crate::format::timeline::long_date(until)
    ));
    let mut sessions = Event::new();
    sessions.uid(&uid("sessions")).timestamp(stamp).summary(&format!("Mentoring session: {pair}"));
    sessions.description(&description).add_property("CATEGORIES", "Mentoring");
    match options.time {
        Some(t) => {
            sessions.starts(start.and_time(t));
            sessions.add_property("DURATION", format!("PT{minutes}M"));
            let until = until.and_hms_opt(23, 59, 59).expect("valid time");
            sessions.add_property("RRULE", rrule(freq, start, &until.format("%Y%m%dT%H%M%S").to_string()));
        }
        None => {
            sessions.starts(start).ends(start + Days::new(1)).add_property("TRANSP", "TRANSPARENT");
            sessions.add_property("RRULE", rrule(freq, start, &ics_date(until)));
        }
    }
    cal.push(sessions.done());

    // Review checkpoints, marked once an evaluation holds them.
    let reviews: Vec<&Checkpoint> = derived.checkpoints.iter().filter(|c| in_term(c.date)).collect();
    for (i, c) in reviews.iter().enumerate() {
        let held = c.evaluation.and_then(|e| a.evaluations[e].date.as_ref()).filter(|_| c.status.is_held());
        let (title, text) = match held {
            Some(on) => (
                format!("Review checkpoint {} of {} (held): {pair}", i + 1, reviews.len()),
                format!("Held on {}, and recorded in the agreement.", crate::format::timeline::long_date(on.value)),
            ),
            None => (
                format!("Review checkpoint {} of {}: {pair}", i + 1, reviews.len()),
                "Evaluate together: progress on each goal, what works in the sessions, what to change. \
                 Then record the review (mentor-agree evaluate)."
                    .to_string(),
            ),
        };
        cal.push(all_day(uid(&format!("review-{}", i + 1)), c.date, &title, &text, stamp));
    }

    // Goal due dates.
    for (i, g) in a.goals.iter().enumerate() {
        let (Some(goal), Some(due)) = (&g.goal, &g.due) else { continue };
        if !in_term(due.value) {
            continue;
        }
        let mut text = String::new();
        if let Some(m) = &g.measure {
            text.push_str(&format!("Measure: {}", m.value));
        }
        if let Some(w) = &g.why {
            text.push_str(&format!("{}Why: {}", if text.is_empty() { "" } else { "\n" }, w.value));
        }
        cal.push(all_day(
            uid(&format!("goal-{}", i + 1)),
            due.value,
            &format!("Goal due: {} ({pair})", goal.value),
            &text,
            stamp,
        ));
    }

    // The next check-in due, while the agreement is in force.
    if let Some(gap) = options.checkin_gap_days
        && ended.is_none()
        && let Some(since) = derived.last_checkin.into_iter().chain(derived.effective).max()
        && let Some(next) = since.checked_add_days(Days::new(u64::from(gap)))
        && in_term(next)
    {
        let last = derived.last_checkin.map_or("No check-in yet".to_string(), |l| {
            format!("Last check-in {}", crate::format::timeline::long_date(l))
        });
        cal.push(all_day(
            uid("checkin"),
            next,
            &format!("Check-in due: {pair}"),
            &format!(
                "{last}: report to the program team by this day (mentor-agree checkin), at most {gap} days apart."
            ),
            stamp,
        ));
    }

    // The last day, or the early end.
    let end_event = match ended {
        Some(e) if e <= last_day => all_day(
            uid("last-day"),
            e,
            &format!("Mentoring agreement ends early: {pair}"),
            "The agreement was ended by written notice.",
            stamp,
        ),
        _ => all_day(
            uid("last-day"),
            last_day,
            &format!("Last day of the mentoring agreement: {pair}"),
            "Hold a closing review. To go on, extend by mutual agreement (mentor-agree extend).",
            stamp,
        ),
    };
    cal.push(end_event);

    let people = attendees(a);
    if !people.is_empty() {
        for e in &mut cal {
            for p in &people {
                e.append_multi_property(p.clone());
            }
        }
    }
    Ok(cal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn rrules_match_frequencies() {
        assert_eq!(rrule(Frequency::Weekly, d("2026-12-07"), "20270606"), "FREQ=WEEKLY;INTERVAL=1;UNTIL=20270606");
        assert_eq!(rrule(Frequency::Fortnightly, d("2026-12-07"), "X"), "FREQ=WEEKLY;INTERVAL=2;UNTIL=X");
        assert_eq!(rrule(Frequency::EveryWeeks(3), d("2026-12-07"), "X"), "FREQ=WEEKLY;INTERVAL=3;UNTIL=X");
        assert_eq!(rrule(Frequency::Monthly, d("2026-12-07"), "X"), "FREQ=MONTHLY;UNTIL=X");
        assert_eq!(
            rrule(Frequency::Monthly, d("2026-01-31"), "X"),
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;UNTIL=X"
        );
    }
}
