//! Where every agreement stands: one row per file for `mentor-agree status`
//! (its JSON, CSV and table), most urgent first.

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::{Code, Severity};
use crate::engine::Checked;
use crate::facts::derived::State;
use crate::format::role::Role;

/// One agreement, as `status --format json` prints it (docs/lifecycle.md, "Where every
/// pair stands"; the dates are the derived values of docs/format.md).
#[derive(Debug, Serialize)]
pub struct StatusRow {
    /// `id`, or the file stem.
    pub id: String,
    /// The path as found.
    pub file: String,
    /// The mentor's name.
    pub mentor: Option<String>,
    /// The mentee's name.
    pub mentee: Option<String>,
    /// Where it stands today; `null` when the file cannot be read as an agreement.
    pub state: Option<State>,
    /// First day of the term.
    pub start: Option<NaiveDate>,
    /// End of the term including extensions (exclusive: the last day is the day before).
    pub end: Option<NaiveDate>,
    /// Last day of the term including extensions (the day before `end`), as every
    /// other output names it; the termination date instead, when one is recorded.
    pub last_day: Option<NaiveDate>,
    /// The termination date, when one is recorded (`null` otherwise).
    pub terminated: Option<NaiveDate>,
    /// The day the agreement took effect (the last required signature of the
    /// first terms signed by all); amendments do not move it.
    pub effective: Option<NaiveDate>,
    /// The day the latest amendment took effect, when the terms were amended.
    pub amended: Option<NaiveDate>,
    /// Required roles that have not signed an amendment yet (the terms changed
    /// after the agreement took effect; the terms last signed stay in force).
    pub amendment: Vec<Role>,
    /// The first review still to hold: one due now, else the next ahead.
    pub next_review: Option<NaiveDate>,
    /// Latest check-in.
    pub last_checkin: Option<NaiveDate>,
    /// Latest evaluation (review held).
    pub last_evaluation: Option<NaiveDate>,
    /// Number of goals.
    pub goals_total: usize,
    /// Goals whose current status is achieved.
    pub goals_achieved: usize,
    /// Required roles with a current signature.
    pub signed: Vec<Role>,
    /// Required roles with no signature at all.
    pub missing: Vec<Role>,
    /// Required roles whose signature covers other terms than the current ones
    /// (the terms changed after they signed): they need to sign again.
    pub stale: Vec<Role>,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    #[serde(skip)]
    overdue: bool,
}

impl StatusRow {
    /// The row for one checked file.
    pub fn of(c: &Checked) -> StatusRow {
        let a = c.agreement.as_ref();
        let d = c.derived.as_ref();
        let name =
            |p: Option<&crate::format::agreement::Person>| p.and_then(|p| p.name.as_ref()).map(|n| n.value.clone());
        StatusRow {
            id: c.id.clone(),
            file: c.path.display().to_string(),
            mentor: name(a.and_then(|a| a.mentor.as_ref())),
            mentee: name(a.and_then(|a| a.mentee.as_ref())),
            state: d.map(|d| d.state),
            start: d.and_then(|d| d.start),
            end: d.and_then(|d| d.end),
            last_day: d.and_then(|d| d.final_day()),
            terminated: d.and_then(|d| d.terminated),
            effective: d.and_then(|d| d.effective),
            amended: d.and_then(|d| d.amended),
            amendment: d.and_then(|d| d.amendment.as_ref()).map(|m| m.awaiting.clone()).unwrap_or_default(),
            next_review: d.and_then(|d| d.next_review),
            last_checkin: d.and_then(|d| d.last_checkin),
            last_evaluation: d.and_then(|d| d.last_evaluation),
            goals_total: a.map_or(0, |a| a.goals.len()),
            goals_achieved: d.map_or(0, |d| d.goals_achieved()),
            signed: d.map(|d| d.signed.clone()).unwrap_or_default(),
            missing: d
                .filter(|d| d.amendment.is_none())
                .map(|d| d.missing.iter().copied().filter(|r| !d.stale.contains(r)).collect())
                .unwrap_or_default(),
            stale: d.map(|d| d.stale.clone()).unwrap_or_default(),
            errors: c.count(Severity::Error),
            warnings: c.count(Severity::Warning),
            overdue: c.diagnostics.iter().any(|l| l.diagnostic.code == Code::CheckinOverdue),
        }
    }

    /// The row with its error and warning counts taken again from `c`: once a
    /// whole run is checked, duplicate ids across files are known too.
    pub fn recounted(self, c: &Checked) -> StatusRow {
        StatusRow { errors: c.count(Severity::Error), warnings: c.count(Severity::Warning), ..self }
    }

    /// Missing (or stale) signatures matter until the agreement is over.
    fn awaits_signatures(&self) -> bool {
        let unsigned = !self.missing.is_empty() || !self.stale.is_empty() || !self.amendment.is_empty();
        unsigned && !matches!(self.state, Some(State::Ended | State::Terminated))
    }

    /// Sort key: errors first, then overdue check-ins, then missing signatures, then by id.
    fn attention(&self) -> (bool, bool, bool, &str, &str) {
        (self.errors == 0, !self.overdue, !self.awaits_signatures(), &self.id, &self.file)
    }
}

/// Rows, most urgent first.
pub fn sorted(mut rows: Vec<StatusRow>) -> Vec<StatusRow> {
    rows.sort_by(|a, b| a.attention().cmp(&b.attention()));
    rows
}
