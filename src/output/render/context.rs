//! The template context of one agreement: its own tables at the top level,
//! derived values under `derived`, the program under `program` (README.md and
//! docs/format.md describe the fields).

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::Severity;
use crate::engine::Checked;
use crate::facts::derived::{self, State as AgreementState};
use crate::format::agreement::{Agreement, Person, Sp};
use crate::format::role::Role;
use crate::format::timeline::Length;
use crate::program::{Clauses, Program};

/// `mentor`, `mentee`, `lead`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PersonCtx {
    /// Full name (null when missing).
    pub name: Option<String>,
    /// Email (null when not given).
    pub email: Option<String>,
}

/// `schedule`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ScheduleCtx {
    /// As written: weekly, fortnightly, monthly, "every N weeks".
    pub frequency: Option<String>,
    /// Length of one session in minutes.
    pub session_minutes: Option<i64>,
    /// How sessions are held.
    pub modes: Vec<String>,
    /// Channels between sessions.
    pub also_via: Vec<String>,
}

/// `term`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TermCtx {
    /// First day (YYYY-MM-DD).
    pub start: Option<NaiveDate>,
    /// Length in months, when given in months.
    pub months: Option<i64>,
    /// Length in weeks, when given in weeks.
    pub weeks: Option<i64>,
    /// The length in words as first agreed ("9 months").
    pub length: Option<String>,
}

/// `reviews`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ReviewsCtx {
    /// A checkpoint every N months, when written so.
    pub every_months: Option<i64>,
    /// Explicit checkpoint dates, when written so.
    pub dates: Vec<NaiveDate>,
}

/// One of `goals`.
#[derive(Debug, Clone, Serialize)]
pub struct GoalCtx {
    /// 1-based position.
    pub number: usize,
    /// What (specific).
    pub goal: Option<String>,
    /// How progress is measured.
    pub measure: Option<String>,
    /// Why it matters (relevant).
    pub why: Option<String>,
    /// Due date (time-bound).
    pub due: Option<NaiveDate>,
}

/// One of `signatures`, as written, plus whether it covers the current terms.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureCtx {
    /// mentor, mentee or lead.
    pub role: Option<String>,
    /// Name signed.
    pub name: Option<String>,
    /// Day of signing.
    pub date: Option<NaiveDate>,
    /// Digest of the terms signed ("sha256:…").
    pub terms: Option<String>,
    /// The digest shortened for display ("sha256:9d45e6ced850").
    pub terms_short: Option<String>,
    /// SSH principal, for SSH signatures.
    pub signer: Option<String>,
    /// Whether an SSH signature is attached.
    pub has_sig: bool,
    /// True when `terms` is the digest of the current terms.
    pub current: bool,
}

/// One of `extensions`, plus the last day it set.
#[derive(Debug, Clone, Serialize)]
pub struct ExtensionCtx {
    /// Months added.
    pub months: Option<i64>,
    /// Weeks added.
    pub weeks: Option<i64>,
    /// The length in words ("3 months").
    pub length: Option<String>,
    /// Day it was agreed.
    pub agreed: Option<NaiveDate>,
    /// Who agreed.
    pub by: Vec<String>,
    /// The last day of the term after this extension.
    pub last_day: Option<NaiveDate>,
}

/// One of `checkins`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckinCtx {
    /// Day of the report.
    pub date: Option<NaiveDate>,
    /// Who reported (a role).
    pub by: Option<String>,
    /// The progress note.
    pub note: Option<String>,
}

/// One planned review checkpoint and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointCtx {
    /// The planned day.
    pub date: NaiveDate,
    /// held, held-late, due, overdue, missed or upcoming.
    pub status: &'static str,
    /// The status in words ("held late").
    pub status_words: &'static str,
    /// The day of the evaluation that held it.
    pub held_on: Option<NaiveDate>,
}

/// One of `evaluations`, in date order.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationCtx {
    /// 1-based, in date order.
    pub number: usize,
    /// Day it was held.
    pub date: Option<NaiveDate>,
    /// Who took part.
    pub by: Vec<String>,
    /// The closing review.
    pub closing: bool,
    /// What works.
    pub working: Option<String>,
    /// What to change.
    pub improve: Option<String>,
}

/// One goal's status at one evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct StatusCtx {
    /// The status as written ("on-track").
    pub status: &'static str,
    /// In words ("on track").
    pub words: &'static str,
    /// The note given with it.
    pub note: Option<String>,
}

/// One goal across the evaluations: a row of the progress table.
#[derive(Debug, Clone, Serialize)]
pub struct GoalProgressCtx {
    /// The goal's number.
    pub number: usize,
    /// The goal.
    pub goal: Option<String>,
    /// Its status at each evaluation, in date order (null where that review left it out).
    pub statuses: Vec<Option<StatusCtx>>,
    /// Its current status (null: not yet reviewed).
    pub current: Option<StatusCtx>,
}

/// `termination`.
#[derive(Debug, Clone, Serialize)]
pub struct TerminationCtx {
    /// Day the agreement ends.
    pub date: Option<NaiveDate>,
    /// mentor, mentee or program.
    pub by: Option<String>,
    /// How notice was given ("written").
    pub notice: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// By program: when the concern was reported.
    pub reported: Option<NaiveDate>,
    /// By program: when both parties could respond.
    pub hearing: Option<NaiveDate>,
    /// True once the date has come (the state is `terminated`).
    pub in_effect: bool,
}

/// One line of the signature block: a signing role and where its signature stands.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureLine {
    /// mentor, mentee or lead.
    pub role: String,
    /// "Mentor", "Mentee", "Initiative lead".
    pub title: String,
    /// The party's name as written in the agreement.
    pub party: Option<String>,
    /// The program requires this signature.
    pub required: bool,
    /// "current" (signed these terms), "stale" (signed other terms), "unverified"
    /// (a signature `check` rejects, so not counted: see `reason`), "amending"
    /// (signed the terms in force, not yet their amendment) or "missing".
    pub status: String,
    /// Why an "unverified" signature does not count (the problem `check` reports).
    pub reason: Option<String>,
    /// With SSH signing, the fingerprint of the key whose signature verified.
    pub key: Option<String>,
    /// Name signed.
    pub name: Option<String>,
    /// Day of signing.
    pub date: Option<NaiveDate>,
    /// Shortened digest of the terms signed.
    pub terms_short: Option<String>,
}

/// `derived`: values computed from the agreement and its program, never stored.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DerivedCtx {
    /// draft, pending, active, ended or terminated (as of `today`).
    pub state: String,
    /// The state for people ("Active").
    pub state_label: String,
    /// Term start.
    pub start: Option<NaiveDate>,
    /// End as first agreed (exclusive).
    pub base_end: Option<NaiveDate>,
    /// Last day as first agreed.
    pub base_last_day: Option<NaiveDate>,
    /// End including extensions (exclusive: the first day after the term).
    pub end: Option<NaiveDate>,
    /// Last day of the term, including extensions.
    pub last_day: Option<NaiveDate>,
    /// The termination date, when one is recorded.
    pub terminated: Option<NaiveDate>,
    /// The day the agreement took effect (the last required signature of the
    /// first terms all signed); amendments never move it.
    pub effective: Option<NaiveDate>,
    /// The day the latest amendment took effect, when the terms were amended.
    pub amended: Option<NaiveDate>,
    /// Terms changed after the agreement took effect and not yet signed by all:
    /// `awaiting` (roles), `in_force_since`, `since` (the day the terms changed),
    /// and from git history `commit` and `changes` (one line per changed key).
    pub amendment: Option<crate::facts::derived::Amendment>,
    /// The frequency in words ("every two weeks").
    pub frequency_words: Option<String>,
    /// Average sessions a month.
    pub sessions_per_month: Option<f64>,
    /// Sessions planned over the whole term.
    pub session_count: Option<u32>,
    /// Review checkpoints, in order.
    pub review_dates: Vec<NaiveDate>,
    /// First checkpoint on or after today.
    pub next_review: Option<NaiveDate>,
    /// Latest check-in.
    pub last_checkin: Option<NaiveDate>,
    /// Required roles with a current signature.
    pub signed: Vec<String>,
    /// Required roles without one (missing or stale).
    pub missing: Vec<String>,
    /// The signature block: one line per signing role.
    pub signature_lines: Vec<SignatureLine>,
    /// The current terms digest ("sha256:…").
    pub digest: Option<String>,
    /// The digest shortened for display.
    pub digest_short: Option<String>,
    /// "Maya Okafor and Tomás Rivera".
    pub pair: String,
}

/// `program`.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramCtx {
    /// The program's name.
    pub name: String,
    /// Its team, as named in agreements.
    pub team: String,
    /// How to reach the team.
    pub contact: Option<String>,
    /// The standard text.
    pub clauses: Clauses,
    /// Roles whose signatures make an agreement effective.
    pub roles: Vec<String>,
}

impl ProgramCtx {
    /// The program's part of the context.
    pub fn new(p: &Program) -> ProgramCtx {
        ProgramCtx {
            name: p.program.name.clone(),
            team: p.program.team.clone(),
            contact: p.program.contact.clone(),
            clauses: p.clauses.clone(),
            roles: p.rules.signatures.roles.iter().map(|r| r.as_str().to_string()).collect(),
        }
    }
}

/// One of `problems`: what `check` found.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemCtx {
    /// error or warning.
    pub severity: Severity,
    /// The diagnostic code.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// A hint, if any.
    pub help: Option<String>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// `site`: present when the page is part of `render --site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    /// Link to the index page.
    pub index: String,
    /// Link to the site's shared stylesheet (pages of a site do not each carry the CSS).
    pub stylesheet: String,
}

/// `generator`.
#[derive(Debug, Clone, Serialize)]
pub struct GeneratorCtx {
    /// "mentor-agree".
    pub name: &'static str,
    /// The tool's version.
    pub version: &'static str,
}

impl Default for GeneratorCtx {
    fn default() -> Self {
        GeneratorCtx { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") }
    }
}

/// The context of `agreement.md.tera` and `agreement.html.tera`.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementContext {
    /// The agreement id (`id`, or the file stem).
    pub id: String,
    /// The file, as given.
    pub file: String,
    /// `topics`.
    pub topics: Vec<String>,
    /// `[mentor]`.
    pub mentor: PersonCtx,
    /// `[mentee]`.
    pub mentee: PersonCtx,
    /// `[lead]`.
    pub lead: PersonCtx,
    /// `[schedule]`.
    pub schedule: ScheduleCtx,
    /// `[term]`.
    pub term: TermCtx,
    /// `[reviews]` (null when absent).
    pub reviews: Option<ReviewsCtx>,
    /// `[[goals]]`.
    pub goals: Vec<GoalCtx>,
    /// `[[signatures]]`.
    pub signatures: Vec<SignatureCtx>,
    /// `[[extensions]]`.
    pub extensions: Vec<ExtensionCtx>,
    /// `[[checkins]]`.
    pub checkins: Vec<CheckinCtx>,
    /// Planned review checkpoints, each marked held, overdue, upcoming, ….
    pub checkpoints: Vec<CheckpointCtx>,
    /// `[[evaluations]]`, in date order.
    pub evaluations: Vec<EvaluationCtx>,
    /// Each goal's status at each evaluation.
    pub progress: Vec<GoalProgressCtx>,
    /// Goals whose current status is achieved.
    pub goals_achieved: usize,
    /// `[termination]` (null unless terminated or about to be).
    pub termination: Option<TerminationCtx>,
    /// Derived values.
    pub derived: DerivedCtx,
    /// The program. Templates see it as `program` (a [`ProgramCtx`]), which the
    /// renderer adds, made once per program rather than once per page.
    #[serde(skip)]
    pub program: Arc<Program>,
    /// Problems `check` found, errors first.
    pub problems: Vec<ProblemCtx>,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// "Today" (YYYY-MM-DD), the day the state is computed for.
    pub today: NaiveDate,
    /// Set for pages of a site.
    pub site: Option<SiteCtx>,
    /// The tool.
    pub generator: GeneratorCtx,
}

pub(super) fn text(s: &Option<Sp<String>>) -> Option<String> {
    s.as_ref().map(|s| s.value.clone())
}

fn date(s: &Option<Sp<NaiveDate>>) -> Option<NaiveDate> {
    s.as_ref().map(|s| s.value)
}

fn status_ctx(status: crate::format::agreement::GoalStatus, note: Option<String>) -> StatusCtx {
    StatusCtx { status: status.as_str(), words: status.in_words(), note }
}

/// Checkpoints, evaluations in date order, and the goal × evaluation table.
fn evaluation_ctx(
    a: &Agreement,
    derived: Option<&derived::Derived>,
) -> (Vec<CheckpointCtx>, Vec<EvaluationCtx>, Vec<GoalProgressCtx>, usize) {
    let dated = crate::facts::evaluation::dated(a);
    let checkpoints = derived
        .map(|d| {
            d.checkpoints
                .iter()
                .map(|c| CheckpointCtx {
                    date: c.date,
                    status: c.status.as_str(),
                    status_words: c.status.in_words(),
                    held_on: c.evaluation.and_then(|i| date(&a.evaluations[i].date)),
                })
                .collect()
        })
        .unwrap_or_default();
    let evaluations = dated
        .iter()
        .enumerate()
        .map(|(k, &(day, i))| {
            let e = &a.evaluations[i];
            EvaluationCtx {
                number: k + 1,
                date: Some(day),
                by: e.by.as_ref().map(|b| b.value.iter().map(|v| v.value.clone()).collect()).unwrap_or_default(),
                closing: e.is_closing(),
                working: text(&e.working),
                improve: text(&e.improve),
            }
        })
        .collect();
    let progress = a
        .goals
        .iter()
        .enumerate()
        .map(|(g, goal)| {
            let number = g + 1;
            let statuses = dated
                .iter()
                .map(|&(_, i)| {
                    a.evaluations[i]
                        .progress
                        .iter()
                        .find(|p| p.goal.as_ref().is_some_and(|n| n.value == number as i64))
                        .and_then(|p| p.status.as_ref().map(|s| status_ctx(s.value, text(&p.note))))
                })
                .collect::<Vec<_>>();
            let current = derived.and_then(|d| d.goal_status.get(g).copied().flatten()).map(|s| status_ctx(s, None));
            GoalProgressCtx { number, goal: text(&goal.goal), statuses, current }
        })
        .collect();
    (checkpoints, evaluations, progress, derived.map_or(0, |d| d.goals_achieved()))
}

fn person(p: &Option<Person>) -> PersonCtx {
    p.as_ref().map(|p| PersonCtx { name: text(&p.name), email: text(&p.email) }).unwrap_or_default()
}

/// "sha256:9d45e6ced850" from a full digest.
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algo, hex)) => format!("{algo}:{}", hex.get(..12).unwrap_or(hex)),
        None => digest.get(..19).unwrap_or(digest).to_string(),
    }
}

fn length_words(months: Option<i64>, weeks: Option<i64>) -> Option<String> {
    match (months, weeks) {
        (Some(m), None) => Some(Length::Months(m as u32).to_string()),
        (None, Some(w)) => Some(Length::Weeks(w as u32).to_string()),
        _ => None,
    }
}

fn role_title(role: Role) -> &'static str {
    match role {
        Role::Mentor => "Mentor",
        Role::Mentee => "Mentee",
        Role::Lead => "Initiative lead",
        Role::Program => "Program team",
    }
}

pub(super) fn state_label(state: AgreementState) -> &'static str {
    match state {
        AgreementState::Draft => "Draft",
        AgreementState::Pending => "Pending",
        AgreementState::Active => "Active",
        AgreementState::Ended => "Ended",
        AgreementState::Terminated => "Terminated",
    }
}

impl AgreementContext {
    /// The context for one checked file, as of `today`.
    pub fn build(checked: &Checked, today: NaiveDate, site: Option<SiteCtx>) -> AgreementContext {
        let empty = Agreement::default();
        let a = checked.agreement.as_deref().unwrap_or(&empty);
        let program = &checked.program;
        let digest = checked.derived.as_ref().and_then(|d| d.digest.clone());

        let signatures: Vec<SignatureCtx> = a
            .signatures
            .iter()
            .map(|s| {
                let terms = text(&s.terms);
                SignatureCtx {
                    role: text(&s.role),
                    name: text(&s.name),
                    date: date(&s.date),
                    terms_short: terms.as_deref().map(short_digest),
                    current: digest.is_some() && terms == digest,
                    terms,
                    signer: text(&s.signer),
                    has_sig: s.sig.is_some(),
                }
            })
            .collect();

        let mut problems: Vec<ProblemCtx> = checked
            .diagnostics
            .iter()
            .map(|l| ProblemCtx {
                severity: l.diagnostic.severity,
                code: l.diagnostic.code.as_str().to_string(),
                message: l.diagnostic.message.clone(),
                help: l.diagnostic.help.clone(),
                line: l.position.line,
                column: l.position.column,
            })
            .collect();
        problems.sort_by_key(|p| p.severity != Severity::Error);

        let derived = derived_ctx(a, checked, &signatures);
        let ext_last_days: Vec<Option<NaiveDate>> = match checked.derived.as_ref().and_then(|d| d.base_end) {
            Some(base) => derived::extension_steps(a, base)
                .into_iter()
                .map(|(after, _)| after.and_then(|e| e.pred_opt()))
                .collect(),
            None => vec![None; a.extensions.len()],
        };

        let (checkpoints, evaluations, progress, goals_achieved) = evaluation_ctx(a, checked.derived.as_deref());
        let term = a.term.as_ref();
        let months = term.and_then(|t| t.months.as_ref()).map(|m| m.value);
        let weeks = term.and_then(|t| t.weeks.as_ref()).map(|w| w.value);
        AgreementContext {
            id: checked.id.clone(),
            file: checked.path.display().to_string(),
            topics: a.topics.iter().map(|t| t.value.clone()).collect(),
            mentor: person(&a.mentor),
            mentee: person(&a.mentee),
            lead: person(&a.lead),
            schedule: a
                .schedule
                .as_ref()
                .map(|s| ScheduleCtx {
                    frequency: text(&s.frequency),
                    session_minutes: s.session_minutes.as_ref().map(|m| m.value),
                    modes: s
                        .modes
                        .as_ref()
                        .map(|m| m.value.iter().map(|v| v.value.clone()).collect())
                        .unwrap_or_default(),
                    also_via: s.also_via.iter().map(|v| v.value.clone()).collect(),
                })
                .unwrap_or_default(),
            term: TermCtx {
                start: term.and_then(|t| date(&t.start)),
                months,
                weeks,
                length: length_words(months, weeks),
            },
            reviews: a.reviews.as_ref().map(|r| ReviewsCtx {
                every_months: r.every_months.as_ref().map(|n| n.value),
                dates: r.dates.as_ref().map(|d| d.value.iter().map(|d| d.value).collect()).unwrap_or_default(),
            }),
            goals: a
                .goals
                .iter()
                .enumerate()
                .map(|(i, g)| GoalCtx {
                    number: i + 1,
                    goal: text(&g.goal),
                    measure: text(&g.measure),
                    why: text(&g.why),
                    due: date(&g.due),
                })
                .collect(),
            signatures,
            extensions: a
                .extensions
                .iter()
                .zip(ext_last_days)
                .map(|(e, last_day)| {
                    let months = e.months.as_ref().map(|m| m.value);
                    let weeks = e.weeks.as_ref().map(|w| w.value);
                    ExtensionCtx {
                        months,
                        weeks,
                        length: length_words(months, weeks),
                        agreed: date(&e.agreed),
                        by: e
                            .by
                            .as_ref()
                            .map(|b| b.value.iter().map(|v| v.value.clone()).collect())
                            .unwrap_or_default(),
                        last_day,
                    }
                })
                .collect(),
            checkins: a
                .checkins
                .iter()
                .map(|c| CheckinCtx { date: date(&c.date), by: text(&c.by), note: text(&c.note) })
                .collect(),
            checkpoints,
            evaluations,
            progress,
            goals_achieved,
            termination: a.termination.as_ref().map(|t| TerminationCtx {
                date: date(&t.date),
                by: text(&t.by),
                notice: text(&t.notice),
                reason: text(&t.reason),
                reported: date(&t.reported),
                hearing: date(&t.hearing),
                in_effect: derived.state == AgreementState::Terminated.as_str(),
            }),
            derived,
            program: program.clone(),
            errors: checked.count(Severity::Error),
            warnings: checked.count(Severity::Warning),
            problems,
            today,
            site,
            generator: GeneratorCtx::default(),
        }
    }
}

/// The state label of a file that could not be read as an agreement.
pub(super) const UNREADABLE: &str = "Not readable";

/// "Maya Okafor and Tomás Rivera", saying which name is missing; the id when both are.
pub(super) fn pair_of(a: &Agreement, id: &str) -> String {
    let mentor = a.name_of(Role::Mentor).filter(|n| !n.trim().is_empty());
    let mentee = a.name_of(Role::Mentee).filter(|n| !n.trim().is_empty());
    match (mentor, mentee) {
        (Some(m), Some(e)) => format!("{m} and {e}"),
        (Some(m), None) => format!("{m} and a mentee not yet named"),
        (None, Some(e)) => format!("a mentor not yet named and {e}"),
        (None, None) => id.to_string(),
    }
}

fn derived_ctx(a: &Agreement, checked: &Checked, signatures: &[SignatureCtx]) -> DerivedCtx {
    let program = &checked.program;
    let required = &program.rules.signatures.roles;
    let pair = pair_of(a, &checked.id);
    let Some(d) = &checked.derived else {
        return DerivedCtx {
            state: AgreementState::Draft.as_str().to_string(),
            state_label: UNREADABLE.to_string(),
            pair,
            ..DerivedCtx::default()
        };
    };
    let signature_lines = Role::SIGNERS
        .into_iter()
        .filter_map(|role| {
            let is_required = required.contains(&role);
            // The role's signature of the current terms; else its latest one.
            let of_role = || signatures.iter().filter(|s| s.role.as_deref() == Some(role.as_str()));
            let sig = of_role().find(|s| s.current).or_else(|| of_role().next_back());
            if !is_required && sig.is_none() {
                return None;
            }
            let reason = d.rejected.iter().find(|(r, _)| *r == role).map(|(_, why)| why.clone());
            let key = d.verified_keys.iter().find(|(r, _)| *r == role).map(|(_, k)| k.clone());
            let status = if d.signed.contains(&role) {
                "current"
            } else if reason.is_some() {
                "unverified"
            } else if sig.is_some_and(|s| s.current && s.date.is_some()) {
                "current"
            } else if d.amendment.as_ref().is_some_and(|m| m.awaiting.contains(&role)) {
                "amending"
            } else if sig.is_some() {
                "stale"
            } else {
                "missing"
            };
            Some(SignatureLine {
                role: role.as_str().to_string(),
                title: role_title(role).to_string(),
                party: a.name_of(role).map(str::to_string),
                required: is_required,
                status: status.to_string(),
                name: sig.and_then(|s| s.name.clone()),
                date: sig.and_then(|s| s.date),
                terms_short: sig.and_then(|s| s.terms_short.clone()),
                reason,
                key,
            })
        })
        .collect();
    DerivedCtx {
        state: d.state.as_str().to_string(),
        state_label: state_label(d.state).to_string(),
        start: d.start,
        base_end: d.base_end,
        base_last_day: d.base_end.and_then(|e| e.pred_opt()),
        end: d.end,
        last_day: d.last_day,
        terminated: d.terminated,
        effective: d.effective,
        amended: d.amended,
        amendment: d.amendment.clone(),
        frequency_words: d.frequency_words.clone(),
        sessions_per_month: d.sessions_per_month.map(|s| (s * 100.0).round() / 100.0),
        session_count: d.session_count,
        review_dates: d.review_dates.clone(),
        next_review: d.next_review,
        last_checkin: d.last_checkin,
        signed: d.signed.iter().map(|r| r.as_str().to_string()).collect(),
        missing: d.missing.iter().map(|r| r.as_str().to_string()).collect(),
        signature_lines,
        digest_short: d.digest.as_deref().map(short_digest),
        digest: d.digest.clone(),
        pair,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_digests_keep_the_algorithm() {
        assert_eq!(short_digest("sha256:9d45e6ced850a68a2a5debb4bd1009ed"), "sha256:9d45e6ced850");
        assert_eq!(short_digest("sha256:abc"), "sha256:abc");
    }
}
