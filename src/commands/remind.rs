//! `mentor-agree remind`: one message per person who must act; a preview, `.eml` files, or SMTP.

use std::io::Write as _;
use std::path::Path;
use std::time::SystemTime;

use anyhow::Context as _;

use crate::cli::RemindArgs;
use mentor_agree::desk::agenda::{self, Kind};
use mentor_agree::engine::Session;
use mentor_agree::remind::log::{self, Log};
use mentor_agree::remind::message;
use mentor_agree::remind::send::{Mailer, Sender};
use mentor_agree::remind::{self, Task, Unreachable};
use mentor_agree::rules;
use mentor_agree::text::plural;

/// The environment variables the SMTP login comes from (never a file).
pub const SMTP_USERNAME: &str = "MENTOR_AGREE_SMTP_USERNAME";
/// See [`SMTP_USERNAME`].
pub const SMTP_PASSWORD: &str = "MENTOR_AGREE_SMTP_PASSWORD";

/// Runs `remind`.
pub fn run(args: &RemindArgs, session: &Session) -> anyhow::Result<u8> {
    let today = session.today;
    let program = session.program_for(args.paths.first().map_or(Path::new("."), |p| p.as_path()))?;
    let r = &program.reminders;
    // Everything that can stop the run is settled before anything is sent.
    let sender = if args.send || args.out.is_some() { Some(Sender::new(r)?) } else { None };
    let log_path = program.reminders_log_path();
    let log = Log::read(&log_path)?;
    let mailer = if args.send {
        let credentials = match (std::env::var(SMTP_USERNAME), std::env::var(SMTP_PASSWORD)) {
            (Ok(u), Ok(p)) if !u.is_empty() => Some((u, p)),
            _ => None,
        };
        Some(Mailer::connect(r, credentials)?)
    } else {
        None
    };
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }

    let within = remind::horizon(&program);
    let checked =
        mentor_agree::engine::check_paths_with(&args.paths, session, rules::Options::default(), false, |c| {
            let lead = agenda::lead(c);
            agenda::items(&mentor_agree::versions::history::dated(c), today, within)
                .into_iter()
                .map(|item| Task { item, lead: lead.clone() })
                .collect::<Vec<_>>()
        })?;
    let mut tasks: Vec<Task> = Vec::new();
    for (c, found) in checked {
        // Duplicate ids are known only once every file is checked: such a file has errors now.
        match agenda::problems(&c) {
            Some(p) if !found.iter().any(|t| t.item.kind == Kind::Problems) => {
                let lead = found.first().map(|t| t.lead.clone()).unwrap_or_else(|| agenda::lead(&c));
                tasks.push(Task { item: p, lead });
            }
            _ => tasks.extend(found),
        }
    }
    tasks.sort_by(|a, b| agenda::compare(&a.item, &b.item));
    let plan = remind::plan(&tasks, &program, &log, today);

    let mut err = std::io::stderr().lock();
    let mut seen = std::collections::HashSet::new();
    for m in &plan.unreachable {
        if !seen.insert((&m.who.name, m.who.email.as_deref(), &m.id, m.why)) {
            continue;
        }
        let why = match m.why {
            Unreachable::NoEmail => "no email in the agreement".to_string(),
            Unreachable::OptedOut => format!("{} is in [reminders] opt_out", m.who.email.as_deref().unwrap_or("")),
        };
        writeln!(err, "not reminded: {} ({}) about {} ({}): {why}", m.who.name, m.who.role, m.id, m.kind)?;
    }

    let now = SystemTime::now();
    let when = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut out = std::io::stdout().lock();
    let (mut sent, mut failed) = (0usize, 0usize);
    for (n, owed) in plan.owed.iter().enumerate() {
        let text = message::write(owed, &program, today);
        let Some(sender) = &sender else {
            // The preview.
            let to = owed.to.email.as_deref().unwrap_or_default();
            writeln!(
                out,
                "{}To: {} <{to}>\nSubject: {}\n\n{}",
                if n > 0 { "\n" } else { "" },
                owed.to.name,
                text.subject,
                text.body
            )?;
            continue;
        };
        let email = match sender.email(&owed.to, &text, now) {
            Ok(e) => e,
            Err(why) => {
                writeln!(err, "not reminded: {} ({}): {why}", owed.to.name, owed.to.role)?;
                failed += 1;
                continue;
            }
        };
        if let Some(dir) = &args.out {
            let file = dir.join(format!("{:03}-{}.eml", n + 1, safe(&owed.address())));
            mentor_agree::edit::atomic::write(&file, &email.formatted())
                .with_context(|| format!("cannot write {}", file.display()))?;
        }
        if let Some(mailer) = &mailer {
            match mailer.send(&email) {
                Ok(()) => {
                    log::append(&log_path, &owed.entries(&when, today, &text.message_id))?;
                    sent += 1;
                }
                Err(why) => {
                    writeln!(err, "not sent to {}: {why} (will be retried next run)", owed.address())?;
                    failed += 1;
                }
            }
        }
    }
    out.flush()?;
    let owed = plural(plan.owed.len(), "message");
    if args.send {
        writeln!(err, "sent {}, {failed} failed; logged in {}", plural(sent, "reminder"), log_path.display())?;
    } else if let Some(dir) = &args.out {
        writeln!(err, "{owed} written to {} (nothing sent)", dir.display())?;
    } else if plan.owed.is_empty() {
        writeln!(err, "no reminders due today")?;
    } else {
        writeln!(err, "preview: {owed}, nothing sent (--send sends them)")?;
    }
    Ok(if failed > 0 { super::EXIT_PROBLEMS } else { super::EXIT_OK })
}

/// An address as a file name: letters, digits, `@`, `.`, `-`, `_`; anything else `_`.
fn safe(address: &str) -> String {
    address.chars().map(|c| if c.is_ascii_alphanumeric() || "@.-_".contains(c) { c } else { '_' }).collect()
}
