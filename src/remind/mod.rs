//! Reminders: the agenda turned into one message per person who must act.
//!
//! [`plan`] takes the agenda's items (each naming who must act, see
//! [`crate::desk::agenda::Item::who`]) with the lead of each agreement, the program's
//! `[reminders]` settings, the log of what was sent, and today; it returns the
//! messages owed ([`cadence`] decides which step each person is owed) and the
//! people who cannot be reached. [`message`] writes them, [`send`] delivers
//! them by SMTP, [`log`] records what went. Nothing here reads the clock.

pub mod cadence;
pub mod log;
pub mod message;
pub mod send;

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use crate::desk::agenda::{Actor, Item};
use crate::format::role::Role;
use crate::program::Program;
use cadence::Step;
use log::{Entry, Key, Log};

/// One item of the agenda with the lead its agreement escalates to.
#[derive(Debug, Clone)]
pub struct Task {
    /// The agenda item.
    pub item: Item,
    /// Who is copied when it is long overdue (see [`crate::desk::agenda::lead`]).
    pub lead: Vec<Actor>,
}

/// One item in one person's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The agenda item.
    pub item: Item,
    /// The cadence step this reminder is.
    pub step: Step,
    /// The role the recipient has in it (`lead` or `program` for an escalation).
    pub role: Role,
}

impl Line {
    /// True when the recipient is copied as the lead, not one who must act.
    pub fn escalation(&self) -> bool {
        self.step == Step::Escalate
    }
}

/// The reminders owed to one person today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed {
    /// The recipient (with an email: the unreachable are in [`Plan::unreachable`]).
    pub to: Actor,
    /// Their items, in agenda order.
    pub lines: Vec<Line>,
}

impl Owed {
    /// The lowercase address.
    pub fn address(&self) -> String {
        self.to.email.as_deref().unwrap_or_default().trim().to_lowercase()
    }

    /// The earliest due date among the items (`None` when one is a file with errors, due now).
    pub fn earliest(&self) -> Option<NaiveDate> {
        if self.lines.iter().any(|l| l.item.due.is_none()) {
            return None;
        }
        self.lines.iter().filter_map(|l| l.item.due).min()
    }

    /// The log entries recording this message as sent.
    pub fn entries(&self, when: &str, today: NaiveDate, message_id: &str) -> Vec<Entry> {
        self.lines
            .iter()
            .map(|l| Entry {
                when: when.to_string(),
                date: today,
                to: self.address(),
                id: l.item.id.clone(),
                kind: l.item.kind.as_str().to_string(),
                due: l.item.due,
                step: l.step.to_string(),
                message_id: message_id.to_string(),
            })
            .collect()
    }
}

/// Why someone who must act gets no reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unreachable {
    /// The agreement gives no email (none is ever guessed).
    NoEmail,
    /// Listed in `[reminders] opt_out`.
    OptedOut,
}

/// A person who must act and gets no reminder, and for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed {
    /// The person.
    pub who: Actor,
    /// Why.
    pub why: Unreachable,
    /// The agreement.
    pub id: String,
    /// The item's kind.
    pub kind: &'static str,
}

/// What a run owes: the messages, and who cannot be reached.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// One per recipient, ordered by address.
    pub owed: Vec<Owed>,
    /// People who must act but get nothing, in agenda order.
    pub unreachable: Vec<Missed>,
}

/// The reminders owed as of `today`, given what `log` says was sent. Items
/// should come sorted (see [`crate::desk::agenda::sort`]); each message keeps their order.
pub fn plan(tasks: &[Task], program: &Program, log: &Log, today: NaiveDate) -> Plan {
    let r = &program.reminders;
    let mut owed: BTreeMap<String, Owed> = BTreeMap::new();
    let mut unreachable = Vec::new();
    let mut added: HashSet<Key> = HashSet::new();
    let mut add = |who: &Actor, line: Line| {
        let address = who.email.as_deref().unwrap_or_default().trim().to_lowercase();
        let key = Key {
            to: address.clone(),
            id: line.item.id.clone(),
            family: log::family(line.item.kind.as_str()),
            due: line.item.due,
            step: line.step,
        };
        // Sent already, or owed already (the same person twice in one item: mentor and lead both).
        if log.has(&key) || !added.insert(key) {
            return;
        }
        owed.entry(address).or_insert_with(|| Owed { to: who.clone(), lines: Vec::new() }).lines.push(line);
    };
    for task in tasks {
        let item = &task.item;
        if let Some(step) = cadence::latest(item.due, today, r) {
            for who in &item.who {
                let why = match who.email.as_deref() {
                    None => Some(Unreachable::NoEmail),
                    Some(e) if r.opted_out(e) => Some(Unreachable::OptedOut),
                    Some(_) => None,
                };
                match why {
                    Some(why) => unreachable.push(Missed {
                        who: who.clone(),
                        why,
                        id: item.id.clone(),
                        kind: item.kind.as_str(),
                    }),
                    None => add(who, Line { item: item.clone(), step, role: who.role }),
                }
            }
        }
        if cadence::escalates(item.due, today, r) {
            // Escalations go even to a lead who opted out of their own reminders.
            for lead in &task.lead {
                if lead.email.is_some() {
                    add(lead, Line { item: item.clone(), step: Step::Escalate, role: lead.role });
                } else {
                    unreachable.push(Missed {
                        who: lead.clone(),
                        why: Unreachable::NoEmail,
                        id: item.id.clone(),
                        kind: item.kind.as_str(),
                    });
                }
            }
        }
    }
    unreachable.dedup();
    Plan { owed: owed.into_values().filter(|o| !o.lines.is_empty()).collect(), unreachable }
}

/// How far ahead the agenda must look for the cadence's first step: the largest of `before_days`.
pub fn horizon(program: &Program) -> u32 {
    program.reminders.before_days.iter().copied().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::agenda::Kind;
    use crate::program::Reminders;

    fn actor(role: Role, name: &str, email: Option<&str>) -> Actor {
        Actor { role, name: name.into(), email: email.map(str::to_string) }
    }

    fn task(id: &str, kind: Kind, due: &str, who: Vec<Actor>) -> Task {
        let due: NaiveDate = due.parse().unwrap();
        Task {
            item: Item {
                id: id.into(),
                file: format!("agreements/{id}.toml"),
                kind,
                date: Some(due),
                days: None,
                due: Some(due),
                message: "goal 1 is due".into(),
                command: Some(format!("mentor-agree evaluate agreements/{id}.toml")),
                who,
            },
            lead: vec![actor(Role::Lead, "Alan Turing", Some("alan@example.org"))],
        }
    }

    fn program(r: Reminders) -> Program {
        Program { reminders: r, ..Program::builtin() }
    }

    #[test]
    fn one_message_per_person_with_all_their_items_and_the_unreachable_listed() {
        let ada = actor(Role::Mentor, "Ada Lovelace", Some("ada@example.org"));
        let grace = actor(Role::Mentee, "Grace Hopper", None);
        let bob = actor(Role::Mentee, "Bob", Some("Bob@example.org"));
        let tasks = [
            task("a", Kind::GoalDue, "2026-12-15", vec![ada.clone(), grace.clone()]),
            task("b", Kind::CheckinDue, "2026-12-10", vec![ada.clone(), bob.clone()]),
        ];
        let p = program(Reminders { opt_out: vec!["bob@example.org".into()], ..Reminders::default() });
        let plan = plan(&tasks, &p, &Log::default(), "2026-12-08".parse().unwrap());
        assert_eq!(plan.owed.len(), 1);
        assert_eq!(plan.owed[0].address(), "ada@example.org");
        let ids: Vec<&str> = plan.owed[0].lines.iter().map(|l| l.item.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(plan.owed[0].earliest(), Some("2026-12-10".parse().unwrap()));
        let missed: Vec<(&str, Unreachable)> = plan.unreachable.iter().map(|m| (m.who.name.as_str(), m.why)).collect();
        assert_eq!(missed, [("Grace Hopper", Unreachable::NoEmail), ("Bob", Unreachable::OptedOut)]);
    }

    #[test]
    fn logged_steps_are_not_owed_again_and_the_lead_is_copied_once() {
        let ada = actor(Role::Mentor, "Ada Lovelace", Some("ada@example.org"));
        let tasks = [task("a", Kind::GoalOverdue, "2026-11-01", vec![ada])];
        // The lead opted out of their own reminders: the escalation still goes.
        let p = program(Reminders { opt_out: vec!["alan@example.org".into()], ..Reminders::default() });
        let today: NaiveDate = "2026-11-20".parse().unwrap();
        let mut log = Log::default();
        let first = plan(&tasks, &p, &log, today);
        let got: Vec<(String, Step)> =
            first.owed.iter().flat_map(|o| o.lines.iter().map(move |l| (o.address(), l.step))).collect();
        assert_eq!(
            got,
            [("ada@example.org".to_string(), Step::Overdue(2)), ("alan@example.org".to_string(), Step::Escalate)]
        );
        for o in &first.owed {
            log.record(&o.entries("2026-11-20T07:00:00Z", today, "<m@x>"));
        }
        assert!(plan(&tasks, &p, &log, today).owed.is_empty(), "the same day twice sends nothing");
        let later = plan(&tasks, &p, &log, "2026-11-29".parse().unwrap());
        let got: Vec<(String, Step)> =
            later.owed.iter().flat_map(|o| o.lines.iter().map(move |l| (o.address(), l.step))).collect();
        assert_eq!(got, [("ada@example.org".to_string(), Step::Overdue(4))], "no second escalation");
    }
}
