//! The site's dashboard (`report.html`): the figures of [`crate::desk::report`] laid
//! out as bar charts with a table each. The charts are plain SVG computed here
//! (bar lengths, positions) and written by `report.html.tera`; each carries a
//! title and a text description for screen readers, and its colours come from
//! the stylesheet, so they follow dark mode and print.
//!
//! Why no chart crate: a handful of horizontal bars is a few lines of layout,
//! while the SVG of plotters or charts-rs fixes colours and fonts inline (no
//! dark mode, no print styles) and has no `<title>`/`<desc>` per chart.

use chrono::NaiveDate;
use serde::Serialize;

use crate::desk::report::{Facts, Report};

/// Width of the bar area, in SVG units (the label column is to its left).
const BAR_AREA: f64 = 260.0;
/// Height of one bar's row.
const ROW: usize = 28;

/// One bar.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// What it counts.
    pub label: String,
    /// The count.
    pub value: usize,
    /// Its length in SVG units (0 for 0).
    pub width: f64,
    /// Its top, in SVG units.
    pub y: usize,
    /// CSS class for its colour.
    pub class: &'static str,
}

/// One chart: a titled list of bars, with a sentence saying what it shows.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Element id stem ("states").
    pub id: String,
    /// Heading.
    pub title: String,
    /// The chart in one sentence: its text alternative, also shown as the caption.
    pub summary: String,
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
    /// Total height in SVG units.
    pub height: usize,
}

impl Chart {
    fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        summary: String,
        bars: Vec<(String, usize, &'static str)>,
    ) -> Chart {
        let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
        let bars: Vec<Bar> = bars
            .into_iter()
            .enumerate()
            .map(|(i, (label, value, class))| Bar {
                label,
                value,
                width: (value as f64 / max * BAR_AREA * 10.0).round() / 10.0,
                y: i * ROW,
                class,
            })
            .collect();
        let height = bars.len() * ROW;
        Chart { id: id.into(), title: title.into(), summary, bars, height }
    }
}

/// The context of `report.html.tera`.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardContext {
    /// Page title.
    pub title: String,
    /// The figures.
    pub report: Report,
    /// The charts, in page order.
    pub charts: Vec<Chart>,
    /// "Today".
    pub today: NaiveDate,
    /// Link to the index.
    pub index: String,
    /// Link to the shared stylesheet.
    pub stylesheet: String,
    /// The tool.
    pub generator: crate::output::render::GeneratorCtx,
}

fn pct(rate: Option<f64>) -> String {
    rate.map_or_else(|| "no figure yet".to_string(), |r| format!("{:.0}%", r * 100.0))
}

/// Check-in gaps by size: the shape of how regularly pairs report.
const GAP_BUCKETS: [(&str, i64); 5] = [
    ("up to 14 days", 14),
    ("15 to 30 days", 30),
    ("31 to 45 days", 45),
    ("46 to 60 days", 60),
    ("over 60 days", i64::MAX),
];

impl DashboardContext {
    /// The dashboard over `facts`, as of `today`; with the program's feedback
    /// forms, a chart of each question's `pair` answers (the site never decrypts
    /// a `team` one), none for a question under `min_responses` answers.
    pub fn new(
        title: String,
        facts: &[Facts],
        program: Option<&crate::program::Program>,
        today: NaiveDate,
        index: String,
        stylesheet: String,
    ) -> DashboardContext {
        let mut r = Report::build(facts, None, None);
        if let Some(p) = program {
            r.add_feedback(&p.forms, p.program.min_responses, facts);
        }
        let s = &r.states;
        let states = Chart::new(
            "states",
            "Where the agreements stand",
            format!(
                "{} agreements: {} draft, {} signed and not started, {} active, {} ended, {} terminated.",
                r.agreements, s.draft, s.pending, s.active, s.ended, s.terminated
            ),
            vec![
                ("Draft".into(), s.draft, "bar-grey"),
                ("Signed, not started".into(), s.pending, "bar-info"),
                ("Active".into(), s.active, "bar-ok"),
                ("Ended".into(), s.ended, "bar-muted"),
                ("Terminated".into(), s.terminated, "bar-bad"),
            ],
        );
        let c = &r.completion;
        let mut early: Vec<(String, usize, &'static str)> =
            c.terminated_by.iter().map(|(who, n)| (format!("Ended by {who}"), *n, "bar-bad")).collect();
        early.insert(0, ("Full term".into(), c.ended, "bar-ok"));
        let completion = Chart::new(
            "completion",
            "How relationships finished",
            format!(
                "Of {} finished relationships, {} ran their full term and {} ended early: a completion rate of {}.",
                c.finished,
                c.ended,
                c.terminated,
                pct(c.rate)
            ),
            early,
        );
        let g = &r.goals;
        let goals = Chart::new(
            "goals",
            "Goal outcomes",
            format!(
                "Of {} goals, {} achieved, {} dropped and {} still open: {} achieved.",
                g.total,
                g.achieved,
                g.dropped,
                g.open,
                pct(g.achieved_rate)
            ),
            vec![
                ("Achieved".into(), g.achieved, "bar-ok"),
                ("Dropped".into(), g.dropped, "bar-grey"),
                ("Open".into(), g.open, "bar-info"),
            ],
        );
        let rv = &r.reviews;
        let reviews = Chart::new(
            "reviews",
            "Reviews held on time",
            format!(
                "Of {} review checkpoints due, {} were held within the grace days: {} on time.",
                rv.due,
                rv.held_on_time,
                pct(rv.on_time_rate)
            ),
            vec![
                ("Held on time".into(), rv.held_on_time, "bar-ok"),
                ("Late or not held".into(), rv.due - rv.held_on_time, "bar-warn"),
            ],
        );
        let gaps: Vec<i64> = facts.iter().flat_map(|f| f.checkin_gaps.iter().copied()).collect();
        let mut counts = [0usize; GAP_BUCKETS.len()];
        for gap in &gaps {
            let i = GAP_BUCKETS.iter().position(|(_, up_to)| gap <= up_to).unwrap_or(GAP_BUCKETS.len() - 1);
            counts[i] += 1;
        }
        let median = r.checkins.median_gap_days.map_or_else(|| "none yet".to_string(), |m| format!("{m} days"));
        let checkins = Chart::new(
            "checkins",
            "Time between check-ins",
            format!(
                "{} gaps between check-ins, median {median}; {} active pairs are silent for longer than the program expects.",
                gaps.len(),
                r.checkins.silent_pairs
            ),
            GAP_BUCKETS
                .iter()
                .zip(counts)
                .map(|((label, up_to), n)| (label.to_string(), n, if *up_to > 45 { "bar-warn" } else { "bar-ok" }))
                .collect(),
        );
        let mut charts = vec![states, completion, goals, reviews, checkins];
        for f in &r.feedback {
            charts.push(Chart::new(
                format!("feedback-{}", slug::slugify(&f.form)),
                format!("Feedback \u{201c}{}\u{201d}: answered", f.form),
                format!(
                    "Of {} answers due, {} were given: a response rate of {}.",
                    f.due,
                    f.answered,
                    pct(f.response_rate)
                ),
                vec![("Answered".into(), f.answered, "bar-ok"), ("Not yet".into(), f.due - f.answered, "bar-warn")],
            ));
            for q in f.questions.iter().filter(|q| q.shown && !q.counts.is_empty()) {
                let mean = q.mean.map(|m| format!(", mean {m}")).unwrap_or_default();
                charts.push(Chart::new(
                    format!("feedback-{}-{}", slug::slugify(&f.form), slug::slugify(&q.question)),
                    format!("Feedback \u{201c}{}\u{201d}: {}", f.form, q.question),
                    format!("{} answers{mean}.", q.answers),
                    q.counts.iter().map(|(label, n)| (label.clone(), *n, "bar-info")).collect(),
                ));
            }
        }
        DashboardContext {
            title,
            report: r,
            charts,
            today,
            index,
            stylesheet,
            generator: crate::output::render::GeneratorCtx::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_stack_down() {
        let c = Chart::new(
            "x",
            "X",
            String::new(),
            vec![("a".into(), 4, "bar-ok"), ("b".into(), 1, "bar-ok"), ("c".into(), 0, "bar-ok")],
        );
        let widths: Vec<f64> = c.bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, [260.0, 65.0, 0.0]);
        assert_eq!(c.bars.iter().map(|b| b.y).collect::<Vec<_>>(), [0, 28, 56]);
        assert_eq!(c.height, 84);
        // All zero: no bar, no division by zero.
        let z = Chart::new("z", "Z", String::new(), vec![("a".into(), 0, "bar-ok")]);
        assert_eq!(z.bars[0].width, 0.0);
    }
}
