//! `mentor-agree report`: the program's evaluation in figures.

use std::fmt::Write as _;

use crate::cli::{ReportArgs, ReportFormat};
use mentor_agree::desk::report::{Facts, Report};
use mentor_agree::engine::Session;
use mentor_agree::format::timeline::long_date;
use mentor_agree::output::render::markdown_text;
use mentor_agree::rules;
use mentor_agree::text::plural;

/// Runs `report`.
pub fn run(args: &ReportArgs, session: &Session) -> anyhow::Result<u8> {
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        anyhow::bail!("--from {} is after --to {}", mentor_agree::text::ymd(from), mentor_agree::text::ymd(to));
    }
    let today = session.today;
    let identities = match &args.identity {
        Some(key) => super::feedback::identities(key)?,
        None => Vec::new(),
    };
    let checked =
        mentor_agree::engine::check_paths_with(&args.paths, session, rules::Options::default(), false, |c| {
            Facts::of(c, today).map(|mut f| {
                if !identities.is_empty() {
                    f.add_team_answers(c, &identities);
                }
                f
            })
        })?;
    let facts: Vec<Facts> = checked.into_iter().filter_map(|(_, f)| f).collect();
    let mut report = Report::build(&facts, args.from, args.to);
    // The forms of the program the agreements are under (the first path's, or here).
    let program = session.program_for(args.paths.first().map_or(std::path::Path::new("."), |p| p.as_path()))?;
    report.add_feedback(&program.forms, program.program.min_responses, &facts);
    let text = match args.format {
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report)?;
            s.push('\n');
            s
        }
        ReportFormat::Csv => {
            let mut out = Vec::new();
            let rows = report.rows().into_iter().map(|(section, item, measure, value)| {
                vec![section.to_string(), item, measure.to_string(), value.cell()]
            });
            mentor_agree::output::export::write_csv(&mut out, &["section", "item", "measure", "value"], rows)?;
            String::from_utf8(out)?
        }
        ReportFormat::Md => markdown(&report, today),
        ReportFormat::Table => table(&report, today),
    };
    super::print(&text)?;
    Ok(super::EXIT_OK)
}

/// "66.7%", or "-" with nothing to compute it from.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".to_string(), |r| format!("{:.1}%", r * 100.0))
}

fn days(d: Option<f64>) -> String {
    d.map_or_else(
        || "-".to_string(),
        |d| if d.fract() == 0.0 { plural(d as usize, "day") } else { format!("{d} days") },
    )
}

fn window(r: &Report) -> String {
    match (r.from, r.to) {
        (None, None) => "all agreements".to_string(),
        (Some(f), None) => format!("agreements running on or after {}", long_date(f)),
        (None, Some(t)) => format!("agreements started by {}", long_date(t)),
        (Some(f), Some(t)) => format!("agreements running between {} and {}", long_date(f), long_date(t)),
    }
}

/// The figures as (label, text) lines, shared by the table and Markdown.
fn lines(r: &Report) -> Vec<(&'static str, String)> {
    let s = &r.states;
    let c = &r.completion;
    let by: Vec<String> = c.terminated_by.iter().map(|(who, n)| format!("{who} {n}")).collect();
    let g = &r.goals;
    let topics: Vec<String> = r
        .topics
        .iter()
        .map(|t| format!("{} {} (goals achieved {})", t.topic, t.agreements, percent(t.goals_achieved_rate)))
        .collect();
    let mentors: Vec<String> = r.mentors.iter().map(|m| format!("{} {}", m.name, m.mentees)).collect();
    let mut lines = vec![
        ("agreements", r.agreements.to_string()),
        (
            "states",
            format!(
                "draft {}, pending {}, active {}, ended {}, terminated {}",
                s.draft, s.pending, s.active, s.ended, s.terminated
            ),
        ),
        (
            "completion",
            format!(
                "{} finished: {} ended, {} terminated{}; completion rate {}",
                c.finished,
                c.ended,
                c.terminated,
                if by.is_empty() { String::new() } else { format!(" (by {})", by.join(", ")) },
                percent(c.rate)
            ),
        ),
        (
            "goals",
            format!(
                "{}: {} achieved, {} dropped, {} open; achieved {}",
                plural(g.total, "goal"),
                g.achieved,
                g.dropped,
                g.open,
                percent(g.achieved_rate)
            ),
        ),
        (
            "reviews",
            format!(
                "{} due, {} held on time; on time {}",
                r.reviews.due,
                r.reviews.held_on_time,
                percent(r.reviews.on_time_rate)
            ),
        ),
        (
            "check-ins",
            format!(
                "median gap {}; {} silent",
                days(r.checkins.median_gap_days),
                plural(r.checkins.silent_pairs, "pair")
            ),
        ),
        ("signing", format!("median {} from first signature to effective", days(r.signing.median_days_to_effective))),
        (
            "extensions",
            format!(
                "{} extended ({} in all)",
                plural(r.extensions.extended, "agreement"),
                plural(r.extensions.total, "extension")
            ),
        ),
        ("topics", if topics.is_empty() { "-".into() } else { topics.join("\n") }),
        ("mentors", if mentors.is_empty() { "-".into() } else { mentors.join("\n") }),
    ];
    for f in &r.feedback {
        let mut text = format!("{} of {} answered; response rate {}", f.answered, f.due, percent(f.response_rate));
        for q in &f.questions {
            let figures = if !q.shown {
                format!("{}: fewer than the program's minimum, not shown", plural(q.answers, "answer"))
            } else {
                let counts: Vec<String> = q.counts.iter().map(|(a, n)| format!("{a} {n}")).collect();
                let mean = q.mean.map(|m| format!("mean {m}; ")).unwrap_or_default();
                format!("{}; {mean}{}", plural(q.answers, "answer"), counts.join(", "))
            };
            let team = if q.visibility == "team" { " (team)" } else { "" };
            let _ = write!(text, "\n{}{team}: {}", q.question, figures.trim_end_matches("; "));
        }
        lines.push(("feedback", format!("{}: {text}", f.form)));
    }
    lines
}

fn table(r: &Report, today: chrono::NaiveDate) -> String {
    let mut t = super::table(false);
    for (label, text) in lines(r) {
        // Clipped line by line: the JSON and CSV keep the whole text.
        let text: Vec<String> = text.lines().map(|l| mentor_agree::text::clipped(l, 200)).collect();
        t.add_row(vec![label.to_string(), text.join("\n")]);
    }
    // 80 columns, wrapped between words only.
    super::fit(&mut t, 80, &[]);
    format!("Program report: {}, as of {}\n{t}\n", window(r), long_date(today))
}

fn markdown(r: &Report, today: chrono::NaiveDate) -> String {
    let mut s = format!("## Program report, {}\n\n{}.\n\n| | |\n| --- | --- |\n", long_date(today), window(r));
    for (label, text) in lines(r) {
        let cell: Vec<String> = text.lines().map(markdown_text).collect();
        let _ = writeln!(s, "| {label} | {} |", cell.join("<br>"));
    }
    s
}
