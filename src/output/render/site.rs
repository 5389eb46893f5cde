//! The program site's index: one row per agreement, the totals by state, and
//! the page names that never clash with each other or with the site's own pages.

use chrono::NaiveDate;
use serde::Serialize;

use super::context::{UNREADABLE, pair_of, state_label};
use super::{GeneratorCtx, ProgramCtx};
use crate::desk::status::StatusRow;
use crate::engine::Checked;
use crate::facts::derived::State as AgreementState;
use crate::format::agreement::Agreement;
use crate::program::Program;

/// One row of the index table.
#[derive(Debug, Clone, Serialize)]
pub struct IndexRow {
    /// The agreement id.
    pub id: String,
    /// The page's file name, relative to the index ("2026-09-maya.html").
    pub href: String,
    /// The agreement file, as given.
    pub file: String,
    /// Mentor's name.
    pub mentor: Option<String>,
    /// Mentee's name.
    pub mentee: Option<String>,
    /// "Maya Okafor and Tomás Rivera".
    pub pair: String,
    /// draft, pending, active, ended or terminated.
    pub state: String,
    /// The state for people.
    pub state_label: String,
    /// The roles an amendment awaits ("mentor, lead"), when the terms changed
    /// after the agreement took effect.
    pub amendment: Option<String>,
    /// The state's place in the lifecycle (1 draft … 5 terminated), for sorting.
    pub state_order: u8,
    /// Term start.
    pub start: Option<NaiveDate>,
    /// Last day of the term, extensions included; the termination date once one is recorded.
    pub last_day: Option<NaiveDate>,
    /// Next review checkpoint.
    pub next_review: Option<NaiveDate>,
    /// Latest check-in.
    pub last_checkin: Option<NaiveDate>,
    /// Errors `check` found.
    pub errors: usize,
    /// Warnings `check` found.
    pub warnings: usize,
}

/// How many agreements are in each state.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Counts {
    /// All agreements.
    pub total: usize,
    /// Drafts.
    pub draft: usize,
    /// Pending: signed, the term not started.
    pub pending: usize,
    /// Active.
    pub active: usize,
    /// Ended.
    pub ended: usize,
    /// Terminated.
    pub terminated: usize,
    /// Agreements with at least one error.
    pub with_errors: usize,
}

/// The context of `index.html.tera`.
#[derive(Debug, Clone, Serialize)]
pub struct IndexContext {
    /// Page title: the program's name when every agreement shares one program.
    pub title: String,
    /// That program, when they share one.
    pub program: Option<ProgramCtx>,
    /// One row per agreement, in the order given. Templates see them as
    /// `agreements`, which the renderer adds (converting the rows in parallel).
    #[serde(skip)]
    pub agreements: Vec<IndexRow>,
    /// Totals by state.
    pub counts: Counts,
    /// "Today" (YYYY-MM-DD).
    pub today: NaiveDate,
    /// The tool.
    pub generator: GeneratorCtx,
    /// Link to the site's shared stylesheet.
    pub stylesheet: String,
}

impl IndexRow {
    /// The row of a checked file whose page is `href`: `status`'s row of it
    /// ([`StatusRow`], the one projection of a checked agreement) with what the
    /// index adds (the link, the pair in words, the state for people).
    pub fn new(checked: &Checked, href: String) -> IndexRow {
        let r = StatusRow::of(checked);
        let state = r.state.unwrap_or(AgreementState::Draft);
        let pair = checked
            .agreement
            .as_deref()
            .map_or_else(|| pair_of(&Agreement::default(), &checked.id), |a| pair_of(a, &checked.id));
        IndexRow {
            id: r.id,
            href,
            file: r.file,
            mentor: r.mentor,
            mentee: r.mentee,
            pair,
            state: state.as_str().to_string(),
            state_label: r.state.map_or(UNREADABLE, state_label).to_string(),
            amendment: (!r.amendment.is_empty())
                .then(|| r.amendment.iter().map(|role| role.as_str()).collect::<Vec<_>>().join(", ")),
            state_order: AgreementState::ALL.iter().position(|s| *s == state).map_or(0, |i| i as u8 + 1),
            start: r.start,
            last_day: r.last_day,
            next_review: r.next_review,
            last_checkin: r.last_checkin,
            errors: r.errors,
            warnings: r.warnings,
        }
    }
}

impl IndexContext {
    /// The index of `rows`; `program` when every agreement shares it.
    pub fn new(rows: Vec<IndexRow>, program: Option<&Program>, today: NaiveDate) -> IndexContext {
        let mut counts = Counts { total: rows.len(), ..Counts::default() };
        for r in &rows {
            match r.state.as_str() {
                "draft" => counts.draft += 1,
                "pending" => counts.pending += 1,
                "active" => counts.active += 1,
                "ended" => counts.ended += 1,
                _ => counts.terminated += 1,
            }
            if r.errors > 0 {
                counts.with_errors += 1;
            }
        }
        IndexContext {
            title: program.map_or_else(|| "Mentoring agreements".to_string(), |p| p.program.name.clone()),
            program: program.map(ProgramCtx::new),
            agreements: rows,
            counts,
            today,
            generator: GeneratorCtx::default(),
            stylesheet: STYLESHEET.to_string(),
        }
    }
}

/// File name of a site's shared stylesheet (never an agreement page's name, which ends in `.html`).
pub const STYLESHEET: &str = "style.css";

/// `id` itself, when it can name its page: a valid id of at most 200 characters.
/// [`page_names`] settles clashes (with each other and with the index).
pub fn id_page_stem(id: &str) -> Option<&str> {
    (crate::rules::parties::valid_id(id) && id.len() <= 200).then_some(id)
}

/// The site's own pages (stems), which no agreement's page may take.
pub const SITE_PAGES: [&str; 2] = ["index", "report"];

/// Page file names for a site, one per id: `<id>.html` when the id is valid
/// (see [`crate::rules::parties::valid_id`]) and free, else `agreement-<n>.html`;
/// a taken name gets `-2`, `-3`, … so no page overwrites another or the index.
pub fn page_names<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = SITE_PAGES.iter().map(|p| p.to_string()).collect();
    let mut out = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        let base = id_page_stem(id).map_or_else(|| format!("agreement-{}", i + 1), str::to_string);
        let mut stem = base.clone();
        let mut n = 2;
        while !taken.insert(stem.clone()) {
            stem = format!("{base}-{n}");
            n += 1;
        }
        out.push(format!("{stem}.html"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names_are_safe_and_unique() {
        let names = page_names(["2026-a", "index", "../etc/passwd", "2026-a", "Upper", "", "agreement-3", "report"]);
        assert_eq!(
            names,
            vec![
                "2026-a.html",
                "index-2.html",
                "agreement-3.html",
                "2026-a-2.html",
                "agreement-5.html",
                "agreement-6.html",
                "agreement-3-2.html",
                "report-2.html"
            ]
        );
        for n in &names {
            assert!(!n.contains('/') && !n.starts_with('.'), "{n}");
        }
    }
}
