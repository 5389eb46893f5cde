//! Values derived from an agreement and its program, never stored in the file:
//! end date, effective date, state, sessions, review checkpoints.

use chrono::NaiveDate;
use serde::Serialize;

use crate::facts::evaluation::{self, Checkpoint};
use crate::format::agreement::{Agreement, GoalStatus};
use crate::format::role::Role;
use crate::format::timeline::{self, Frequency, Length};
use crate::program::Program;

/// Where an agreement stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// A required signature is missing or stale.
    Draft,
    /// Signed; the term has not started.
    Pending,
    /// Signed and within the term.
    Active,
    /// The term is over.
    Ended,
    /// Ended early by written notice.
    Terminated,
}

impl State {
    /// Every state, in lifecycle order.
    pub const ALL: [State; 5] = [State::Draft, State::Pending, State::Active, State::Ended, State::Terminated];

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Pending => "pending",
            State::Active => "active",
            State::Ended => "ended",
            State::Terminated => "terminated",
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Terms that took effect: every required role signed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    /// Their terms digest.
    pub digest: String,
    /// The first of their signatures.
    pub first: NaiveDate,
    /// The last of their signatures: the day they took effect.
    pub took_effect: NaiveDate,
}

/// Terms changed after the agreement took effect, not yet signed by every
/// required role: the terms last signed stay in force meanwhile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Amendment {
    /// The required roles that have not signed the new terms.
    pub awaiting: Vec<Role>,
    /// The day the terms in force took effect.
    pub in_force_since: Option<NaiveDate>,
    /// The day the terms changed: from git history where there is one
    /// (`versions::history::date_amendments`), else the first signature of
    /// the new terms, if any.
    pub since: Option<NaiveDate>,
    /// The commit that changed them, from git history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// What changed from the terms in force, one line each, from git history.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
}

/// Everything derived from one agreement on one day.
#[derive(Debug, Clone, Serialize)]
pub struct Derived {
    /// Term start.
    pub start: Option<NaiveDate>,
    /// End of the term as first agreed (exclusive).
    pub base_end: Option<NaiveDate>,
    /// End including every extension (exclusive).
    pub end: Option<NaiveDate>,
    /// Last day of the term (`end - 1`).
    pub last_day: Option<NaiveDate>,
    /// The day the agreement took effect: the last required signature of the
    /// first terms every required role signed. Amendments never move it.
    pub effective: Option<NaiveDate>,
    /// The day the latest amendment took effect (the last of its signatures),
    /// when the terms in force are not the first ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amended: Option<NaiveDate>,
    /// Terms changed after the agreement took effect, awaiting signatures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amendment: Option<Amendment>,
    /// The earlier terms that took effect, oldest first (their signatures are
    /// superseded, kept as the record). Set by the checker.
    #[serde(skip)]
    pub versions: Vec<Version>,
    /// Where it stands today.
    pub state: State,
    /// Parsed meeting frequency.
    #[serde(skip)]
    pub frequency: Option<Frequency>,
    /// Meeting frequency in words.
    pub frequency_words: Option<String>,
    /// Average sessions per month.
    pub sessions_per_month: Option<f64>,
    /// Sessions planned over the whole term.
    pub session_count: Option<u32>,
    /// Review checkpoints, in order.
    pub review_dates: Vec<NaiveDate>,
    /// The first review still to hold: its window is open today (though its planned
    /// day may have passed) or ahead ([`crate::facts::evaluation::CheckpointStatus::is_ahead`]).
    pub next_review: Option<NaiveDate>,
    /// Latest check-in date.
    pub last_checkin: Option<NaiveDate>,
    /// Each planned checkpoint and whether it was held (see [`crate::facts::evaluation`]).
    pub checkpoints: Vec<Checkpoint>,
    /// Each goal's current status, in goal order (`None`: not yet reviewed).
    pub goal_status: Vec<Option<GoalStatus>>,
    /// Latest evaluation date.
    pub last_evaluation: Option<NaiveDate>,
    /// Date of the closing evaluation, if one is recorded.
    pub closing_evaluation: Option<NaiveDate>,
    /// Required roles with a current signature.
    pub signed: Vec<Role>,
    /// Required roles without a current signature (missing or stale).
    pub missing: Vec<Role>,
    /// Of `missing`, the roles whose signature covers other terms (stale, to renew).
    pub stale: Vec<Role>,
    /// Roles whose signature `check` rejects for a reason other than staleness
    /// (it does not verify, its key is not trusted, it is dated ahead, names
    /// someone else, falls outside the signing window…): not counted as signed.
    /// Set by the checker, which judges every signature once.
    #[serde(skip)]
    pub rejected: Vec<(Role, String)>,
    /// With SSH signing, each role whose signature verified, with the
    /// fingerprint of the key that made it. Set by the checker.
    #[serde(skip)]
    pub verified_keys: Vec<(Role, String)>,
    /// The current terms digest.
    pub digest: Option<String>,
    /// The termination date, when one is recorded (ahead of today too: notice given).
    #[serde(skip)]
    pub terminated: Option<NaiveDate>,
}

/// Extension lengths in file order, with the end in force before each.
pub fn extension_steps(a: &Agreement, base_end: NaiveDate) -> Vec<(Option<NaiveDate>, NaiveDate)> {
    let mut end = base_end;
    let mut steps = Vec::with_capacity(a.extensions.len());
    for e in &a.extensions {
        let before = end;
        let length = match (&e.months, &e.weeks) {
            (Some(m), None) => Some(Length::Months(m.value as u32)),
            (None, Some(w)) => Some(Length::Weeks(w.value as u32)),
            _ => None,
        };
        let after = length.and_then(|l| l.after(end));
        if let Some(after) = after {
            end = after;
        }
        steps.push((after, before));
    }
    steps
}

/// The term length as written, if exactly one of months/weeks is given.
fn term_length(a: &Agreement) -> Option<Length> {
    let term = a.term.as_ref()?;
    match (&term.months, &term.weeks) {
        (Some(m), None) => Some(Length::Months(m.value as u32)),
        (None, Some(w)) => Some(Length::Weeks(w.value as u32)),
        _ => None,
    }
}

impl Derived {
    /// The last day the agreement runs: the termination date when one is recorded
    /// (and falls before the term's end), else the last day of the term. This is
    /// the "last day" `status` and the site index show.
    pub fn final_day(&self) -> Option<NaiveDate> {
        match (self.terminated, self.last_day) {
            (Some(t), Some(l)) => Some(t.min(l)),
            (t, l) => l.or(t),
        }
    }

    /// Goals whose current status is achieved.
    pub fn goals_achieved(&self) -> usize {
        self.goal_status.iter().filter(|s| **s == Some(GoalStatus::Achieved)).count()
    }

    /// Derives every value; `digest` is the current terms digest.
    pub fn compute(a: &Agreement, program: &Program, digest: Option<&str>, today: NaiveDate) -> Derived {
        Derived::compute_with(a, program, digest, &[], today)
    }

    /// Derives every value, knowing the earlier terms that took effect
    /// (`versions`, oldest first: see [`crate::rules::signatures::earlier_versions`]).
    /// With any, the agreement took effect when the first did, and new terms
    /// not yet signed by all are an [`Amendment`] awaiting signatures.
    pub fn compute_with(
        a: &Agreement,
        program: &Program,
        digest: Option<&str>,
        versions: &[Version],
        today: NaiveDate,
    ) -> Derived {
        let start = a.term.as_ref().and_then(|t| t.start.as_ref()).map(|s| s.value);
        let base_end = start.zip(term_length(a)).and_then(|(s, l)| l.after(s));
        let end = base_end.map(|b| extension_steps(a, b).last().map_or(b, |(after, before)| after.unwrap_or(*before)));
        let last_day = end.and_then(|e| e.pred_opt());

        let frequency =
            a.schedule.as_ref().and_then(|s| s.frequency.as_ref()).and_then(|f| Frequency::parse(&f.value).ok());

        let mut signed = Vec::new();
        let mut missing = Vec::new();
        let mut effective: Option<NaiveDate> = None;
        for &role in &program.rules.signatures.roles {
            let current = a.signatures.iter().find(|s| {
                s.role.as_ref().is_some_and(|r| r.value == role.as_str())
                    && digest.is_some()
                    && s.terms.as_ref().map(|t| t.value.as_str()) == digest
                    && s.date.is_some()
            });
            match current {
                Some(sig) => {
                    signed.push(role);
                    let d = sig.date.as_ref().map(|d| d.value);
                    effective = effective.max(d);
                }
                None => missing.push(role),
            }
        }
        let current = if missing.is_empty() { effective } else { None };
        let earlier = |t: &str| versions.iter().any(|v| v.digest == t);
        // Of those, the roles that signed other terms: their signature is stale, not absent
        // (a signature of earlier terms that took effect is superseded, not stale).
        let stale: Vec<Role> = missing
            .iter()
            .copied()
            .filter(|role| {
                a.signatures.iter().any(|s| {
                    s.role.as_ref().is_some_and(|r| r.value == role.as_str())
                        && s.terms.as_ref().map(|t| t.value.as_str()) != digest
                        && s.terms.as_ref().is_none_or(|t| !earlier(&t.value))
                })
            })
            .collect();
        let (effective, amended, amendment) = match (versions.first(), versions.last()) {
            (Some(first), Some(last)) => {
                let amendment = (!missing.is_empty()).then(|| Amendment {
                    awaiting: missing.clone(),
                    in_force_since: Some(last.took_effect),
                    // The first signature of the new terms, until history says better.
                    since: a
                        .signatures
                        .iter()
                        .filter(|s| digest.is_some() && s.terms.as_ref().map(|t| t.value.as_str()) == digest)
                        .filter_map(|s| s.date.as_ref().map(|d| d.value))
                        .min(),
                    ..Amendment::default()
                });
                let amended =
                    if missing.is_empty() { current } else { Some(last.took_effect).filter(|_| versions.len() > 1) };
                (Some(first.took_effect), amended, amendment)
            }
            _ => (current, None, None),
        };

        let review_dates = review_dates(a, start, end);
        let last_checkin = a.checkins.iter().filter_map(|c| c.date.as_ref().map(|d| d.value)).max();

        let terminated = a.termination.as_ref().and_then(|t| t.date.as_ref()).is_some_and(|d| d.value <= today);
        let state = if terminated {
            State::Terminated
        } else if effective.is_none() || start.is_none() || end.is_none() {
            State::Draft
        } else if today < start.unwrap_or(today) {
            State::Pending
        } else if end.is_some_and(|e| today < e) {
            State::Active
        } else {
            State::Ended
        };

        let dated = evaluation::dated(a);
        let termination_day = a.termination.as_ref().and_then(|t| t.date.as_ref()).map(|d| d.value);
        let checkpoints = evaluation::checkpoints(
            &review_dates,
            &dated,
            program.rules.reviews.grace_days,
            today,
            matches!(state, State::Ended | State::Terminated),
            termination_day,
        );
        let goal_status = evaluation::goal_statuses(a, &dated);
        let last_evaluation = dated.last().map(|(d, _)| *d);
        let closing_evaluation = dated.iter().rev().find(|(_, i)| a.evaluations[*i].is_closing()).map(|(d, _)| *d);

        let session_count =
            frequency.zip(start).zip(last_day).map(|((f, s), l)| timeline::sessions_until(f, s, l, 10_000));
        // The first review still to hold, its window open now (a review due today is
        // the next one even if its planned day has passed) or ahead; none on or after
        // the day the agreement ends by notice (today or ahead).
        let next_review = checkpoints
            .iter()
            .find(|c| c.status.is_ahead())
            .map(|c| c.date)
            .filter(|r| termination_day.is_none_or(|t| *r < t));

        Derived {
            start,
            base_end,
            end,
            last_day,
            effective,
            amended,
            amendment,
            versions: versions.to_vec(),
            state,
            frequency,
            frequency_words: frequency.map(Frequency::in_words),
            sessions_per_month: frequency.map(Frequency::sessions_per_month),
            session_count,
            review_dates,
            next_review,
            last_checkin,
            checkpoints,
            goal_status,
            last_evaluation,
            closing_evaluation,
            signed,
            missing,
            stale,
            rejected: Vec::new(),
            verified_keys: Vec::new(),
            digest: digest.map(str::to_string),
            terminated: termination_day,
        }
    }
}

/// Review checkpoints from `every_months` or `dates`, sorted.
fn review_dates(a: &Agreement, start: Option<NaiveDate>, end: Option<NaiveDate>) -> Vec<NaiveDate> {
    let Some(r) = &a.reviews else { return Vec::new() };
    if let Some(dates) = &r.dates {
        let mut v: Vec<NaiveDate> = dates.value.iter().map(|d| d.value).collect();
        v.sort();
        return v;
    }
    match (r.every_months.as_ref(), start, end) {
        (Some(n), Some(s), Some(e)) => timeline::review_dates_every(s, e, n.value as u32),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::agreement::parse;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const FILE: &str = r#"format = 1
[mentor]
name = "A"
[mentee]
name = "B"
[lead]
name = "C"
[schedule]
frequency = "fortnightly"
session_minutes = 45
modes = ["video call"]
[term]
start = 2026-01-31
months = 1
[reviews]
every_months = 1
[[extensions]]
months = 1
agreed = 2026-02-20
by = ["mentor", "mentee"]
[[extensions]]
weeks = 2
agreed = 2026-03-20
by = ["mentor", "mentee"]
"#;

    #[test]
    fn end_adds_extensions_in_order_with_clamping() {
        let p = parse(FILE);
        let a = p.agreement.unwrap();
        let der = Derived::compute(&a, &Program::builtin(), None, d("2026-02-01"));
        assert_eq!(der.base_end, Some(d("2026-02-28")));
        assert_eq!(der.end, Some(d("2026-04-11")));
        assert_eq!(der.last_day, Some(d("2026-04-10")));
        assert_eq!(der.state, State::Draft);
        assert_eq!(der.missing, vec![Role::Mentor, Role::Mentee, Role::Lead]);
        assert_eq!(der.review_dates, vec![d("2026-02-28"), d("2026-03-31")]);
        assert_eq!(der.next_review, Some(d("2026-02-28")));
    }

    #[test]
    fn the_next_review_is_one_due_now_even_past_its_planned_day() {
        let a = parse(FILE).agreement.unwrap();
        // 2026-02-28 was planned; within the 14 days of grace it is still the next review.
        let der = Derived::compute(&a, &Program::builtin(), None, d("2026-03-05"));
        assert_eq!(der.next_review, Some(d("2026-02-28")));
        let der = Derived::compute(&a, &Program::builtin(), None, d("2026-03-15"));
        assert_eq!(der.next_review, Some(d("2026-03-31")));
    }

    #[test]
    fn the_final_day_is_the_termination_date_once_one_is_recorded() {
        let text = format!("{FILE}[termination]\ndate = 2026-03-01\nby = \"mentee\"\nreason = \"New job\"\n");
        let a = parse(&text).agreement.unwrap();
        let der = Derived::compute(&a, &Program::builtin(), None, d("2026-03-05"));
        assert_eq!(der.last_day, Some(d("2026-04-10")));
        assert_eq!(der.final_day(), Some(d("2026-03-01")));
        let a = parse(FILE).agreement.unwrap();
        assert_eq!(Derived::compute(&a, &Program::builtin(), None, d("2026-03-05")).final_day(), Some(d("2026-04-10")));
    }

    #[test]
    fn state_follows_signatures_and_dates() {
        let parsed = parse(FILE);
        let digest = crate::format::terms::digest(parsed.terms.as_deref().unwrap());
        let mut text = FILE.to_string();
        for role in ["mentor", "mentee", "lead"] {
            let name = match role {
                "mentor" => "A",
                "mentee" => "B",
                _ => "C",
            };
            text.push_str(&format!(
                "[[signatures]]\nrole = \"{role}\"\nname = \"{name}\"\ndate = 2026-01-20\nterms = \"{digest}\"\n"
            ));
        }
        let a = parse(&text).agreement.unwrap();
        let p = Program::builtin();
        let at = |day: &str| Derived::compute(&a, &p, Some(&digest), d(day));
        assert_eq!(at("2026-01-30").state, State::Pending);
        assert_eq!(at("2026-01-31").state, State::Active);
        assert_eq!(at("2026-04-10").state, State::Active);
        assert_eq!(at("2026-04-11").state, State::Ended);
        assert_eq!(at("2026-01-30").effective, Some(d("2026-01-20")));
        let stale = Derived::compute(&a, &p, Some("sha256:other"), d("2026-02-01"));
        assert_eq!(stale.state, State::Draft);
        assert_eq!(stale.effective, None);

        // The same signatures as the record of earlier terms that took effect: an
        // amendment awaits every role, and the agreement stays in force meanwhile.
        let earlier = [Version { digest: digest.clone(), first: d("2026-01-20"), took_effect: d("2026-01-20") }];
        let amended = Derived::compute_with(&a, &p, Some("sha256:other"), &earlier, d("2026-02-01"));
        assert_eq!((amended.state, amended.effective, amended.amended), (State::Active, Some(d("2026-01-20")), None));
        let m = amended.amendment.expect("an amendment awaits");
        assert_eq!(m.awaiting, [Role::Mentor, Role::Mentee, Role::Lead]);
        assert_eq!((m.in_force_since, m.since), (Some(d("2026-01-20")), None));
        assert!(amended.stale.is_empty(), "superseded, not stale: {:?}", amended.stale);
        // Once all sign the new terms, the amendment is in force from the last signature.
        let mut text = text.clone();
        for (role, name, day) in
            [("mentor", "A", "2026-02-10"), ("mentee", "B", "2026-02-11"), ("lead", "C", "2026-02-12")]
        {
            text.push_str(&format!(
                "[[signatures]]\nrole = \"{role}\"\nname = \"{name}\"\ndate = {day}\nterms = \"sha256:other\"\n"
            ));
        }
        let a = parse(&text).agreement.unwrap();
        let done = Derived::compute_with(&a, &p, Some("sha256:other"), &earlier, d("2026-02-20"));
        assert_eq!((done.effective, done.amended), (Some(d("2026-01-20")), Some(d("2026-02-12"))));
        assert!(done.amendment.is_none() && done.missing.is_empty());
    }
}
