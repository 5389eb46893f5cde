//! Diagnostics: the registry of every code, and the data a problem carries.
//!
//! The code list lives in exactly one place, the `codes!` invocation below.
//! Documentation (`check --explain`), `[levels]` validation, SARIF rules and the
//! README table are all generated from it. Writing diagnostics out (human,
//! JSON, GitHub, SARIF, `--explain`) is in [`crate::output`], above the engine.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, but does not fail `check` (unless `--deny-warnings`).
    Warning,
    /// Fails `check`.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $sev:ident, $summary:literal, $fix:literal,
        why: $why:literal, example: $example:literal; )*) => {
        /// Every diagnostic code. Codes are part of the public interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( #[doc = $summary] $variant, )* }

        impl Code {
            /// All codes, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// Severity when `[levels]` does not override it.
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// When the code is raised, in one sentence.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// How to fix it, in one or two sentences.
            pub fn fix(self) -> &'static str {
                match self { $( Code::$variant => $fix, )* }
            }

            /// Why the rule exists: what goes wrong for a pair or a program without it.
            pub fn why(self) -> &'static str {
                match self { $( Code::$variant => $why, )* }
            }

            /// A short TOML excerpt that raises the code (as written in the registry, indented).
            fn example_raw(self) -> &'static str {
                match self { $( Code::$variant => $example, )* }
            }
        }
    };
}

impl Code {
    /// True for the codes whose verdict gets worse as days pass with the file
    /// unchanged: an overdue check-in, review or goal, a missing closing review.
    /// They belong to `agenda`: `check` shows them (at their `[levels]`
    /// severity) but never fails on them, not even with `--deny-warnings`,
    /// unless asked to with `--include-due`.
    pub fn falls_due(self) -> bool {
        matches!(self, Code::CheckinOverdue | Code::ReviewOverdue | Code::GoalOverdue | Code::ClosingReviewMissing)
    }
}

codes! {
    TomlSyntax = "toml-syntax", Error,
        "The file is not valid TOML, or not UTF-8 text.",
        "Fix the syntax at the marked place; save the file as UTF-8.",
        why: "Nothing else can be checked until the file reads as TOML; a half-read agreement would give misleading results.",
        example: r#"
            [mentee]
            name = "Grace Hopper   # the closing quote is missing
        "#;
    UnknownKey = "unknown-key", Error,
        "A key the agreement format does not have (often a typo).",
        "Rename the key to the suggested one, or remove it.",
        why: "A misspelt key is silently ignored by most TOML readers, so a pair could believe they agreed on something the tool never saw.",
        example: r#"
            [schedule]
            sesion_minutes = 45   # should be session_minutes
        "#;
    WrongType = "wrong-type", Error,
        "A value of the wrong type, an impossible date, or a value outside its allowed set.",
        "Write the value as the message says, e.g. dates unquoted as 2026-12-07.",
        why: "Dates, numbers and lists drive every other rule; a quoted date or a number written as text cannot be compared or counted.",
        example: r#"
            [term]
            start = "2026-12-07"   # a string; write start = 2026-12-07
        "#;
    MissingKey = "missing-key", Error,
        "A required key or table is absent (with SSH signing, also each signing party's email).",
        "Add the key named in the message.",
        why: "Without the parties, schedule and term there is no agreement to hold anyone to.",
        example: r#"
            [term]
            months = 6   # no start date
        "#;
    FormatVersion = "format-version", Error,
        "`format` is missing, or newer than this version of mentor-agree supports.",
        "Add `format = 1` at the top, or upgrade mentor-agree.",
        why: "The format number tells every tool how to read the file, so old files keep working when the format grows.",
        example: r#"
            # no `format = 1` line at the top
            id = "2026-12-grace-hopper-ada-lovelace"
        "#;
    BadId = "bad-id", Error,
        "The id is not lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit.",
        "Use an id like `2026-12-ada-lovelace-grace-hopper`.",
        why: "The id names the agreement in file names, URLs, calendars and reports, so it has to be safe in all of them.",
        example: r#"
            id = "Grace & Ada 2026"
        "#;
    DuplicateId = "duplicate-id", Error,
        "Two files checked together have the same id.",
        "Give one of them another `id`, or rename the file.",
        why: "Two agreements with one id would overwrite each other in the published site and be confused in reports.",
        example: r#"
            # agreements/a.toml and agreements/b.toml both say:
            id = "2026-12-grace-hopper-ada-lovelace"
        "#;
    BadEmail = "bad-email", Error,
        "An email address is not of the form local@domain.tld.",
        "Correct the address, or remove the key (emails are optional).",
        why: "The program team uses the addresses to reach the pair; a typo there means messages that never arrive.",
        example: r#"
            [mentor]
            name = "Ada Lovelace"
            email = "ada@example"   # no top-level domain
        "#;
    EmptyText = "empty-text", Error,
        "A required text is empty or only whitespace.",
        "Write the text, or remove the entry.",
        why: "An empty name, goal or measure looks filled in but commits nobody to anything.",
        example: r#"
            [[goals]]
            goal = "   "
        "#;
    ControlCharacter = "control-character", Error,
        "A name or one-line text holds a control character: a line break, a tab, a carriage return, or another invisible one.",
        "Remove the character: write the text on one line.",
        why: "Text from agreements is copied into comments, drafts, calendars and spreadsheets; a line break in a name could end a comment and turn the rest of the name into live TOML.",
        example: r#"
            [mentor]
            name = "Ada Lovelace\nextensions = [{ months = 6 }]\n#"
        "#;
    SamePerson = "same-person", Error,
        "Two of mentor, mentee and lead have the same email (or, where either has no email, the same name).",
        "Each role needs its own person; the later role's signature does not count until it does.",
        why: "Mentoring needs two people and a lead who answers for the program; one person in two roles agrees with themselves.",
        example: r#"
            [mentor]
            name = "Ada Lovelace"

            [mentee]
            name = "ada lovelace"
        "#;
    LeadNotInProgram = "lead-not-in-program", Error,
        "The program names who may sign as lead in `[program].leads`, and the agreement's lead is not one of them.",
        "Name one of the program's leads under `[lead]` (same email, or same name where there is no email).",
        why: "The lead signs for the program; where the program says who its leads are, a signature by anyone else cannot bind it.",
        example: r#"
            # program.toml: [program] leads = [{ name = "Priya Natarajan", email = "priya@example.org" }]
            [lead]
            name = "Kim Park"
            email = "kim@example.org"
        "#;
    GoalsTooFew = "goals-too-few", Error,
        "Fewer goals than rules.goals.min.",
        "Add `[[goals]]` entries until the program minimum is met.",
        why: "Goals give the sessions a direction and the reviews something to measure; the program sets how many a pair needs.",
        example: r#"
            # no [[goals]] entries at all
        "#;
    GoalsTooMany = "goals-too-many", Error,
        "More goals than rules.goals.max.",
        "Merge or drop goals: a short list gets done.",
        why: "A long goal list spreads a few months of sessions too thin; the program caps it so pairs focus.",
        example: r#"
            # six [[goals]] entries where rules.goals.max = 5
        "#;
    GoalNoMeasure = "goal-no-measure", Error,
        "A goal has no `measure`, and the program requires one.",
        "Say how both of you will know the goal is met.",
        why: "A goal without a measure cannot be reviewed: nobody can tell whether it was met.",
        example: r#"
            [[goals]]
            goal = "Facilitate sprint retrospectives"
            due = 2027-03-15
        "#;
    GoalNoDue = "goal-no-due", Error,
        "A goal has no `due` date, and the program requires one.",
        "Add `due = YYYY-MM-DD` within the term.",
        why: "Goals without a date drift; a due date is the time-bound part of a SMART goal.",
        example: r#"
            [[goals]]
            goal = "Facilitate sprint retrospectives"
            measure = "Run 3 retrospectives"
        "#;
    GoalNoWhy = "goal-no-why", Error,
        "A goal has no `why`, and the program requires one.",
        "Add why the goal matters to the mentee.",
        why: "Some programs ask for the reason behind each goal so that it stays relevant to the mentee.",
        example: r#"
            # with rules.goals.require_why = true
            [[goals]]
            goal = "Give a talk at the meetup"
            measure = "One 20-minute talk"
            due = 2027-04-30
        "#;
    GoalDueOutsideTerm = "goal-due-outside-term", Error,
        "A goal is due before the start or after the last day of the term.",
        "Move the due date into the term, or extend the term.",
        why: "A goal due after the agreement ends cannot be reviewed within it, and one due before the start makes no sense.",
        example: r#"
            [term]
            start = 2026-12-07
            months = 6

            [[goals]]
            goal = "Lead a project kickoff"
            measure = "One kickoff run"
            due = 2027-09-01   # the term's last day is 2027-06-06
        "#;
    GoalNotAchievable = "goal-not-achievable", Warning,
        "Too few sessions are held on or before the goal's due date.",
        "Move the due date later or meet more often.",
        why: "A goal needs some sessions before it is due; with too few, the pair has no time to work on it together.",
        example: r#"
            [schedule]
            frequency = "monthly"

            [term]
            start = 2026-12-07

            [[goals]]
            goal = "Prepare a conference talk"
            measure = "One talk submitted"
            due = 2026-12-20   # only the first session is held before this
        "#;
    GoalVagueMeasure = "goal-vague-measure", Warning,
        "A measure has no number or countable outcome.",
        "Say what will be counted: \"3 retrospectives\", \"one talk given\".",
        why: "A measure with something to count (3 talks, one review) makes the review a fact, not a feeling. A completed deliverable counts too: a concrete thing and the past participle that says it is done (\"Internal transfer application submitted\"), or a cadence or state it is in (\"Model scoring weekly in production\"); a degree of feeling or skill (\"Improve communication\") does not.",
        example: r#"
            [[goals]]
            goal = "Get better at leadership"
            measure = "Feel more confident"
        "#;
    GoalDuplicate = "goal-duplicate", Warning,
        "Two goals have the same text.",
        "Remove the copy, or make each goal say something different.",
        why: "The same goal twice usually means one was meant to say something else.",
        example: r#"
            [[goals]]
            goal = "Give a talk"
            [[goals]]
            goal = "Give a talk"
        "#;
    FrequencyUnknown = "frequency-unknown", Error,
        "The meeting frequency is not one mentor-agree understands.",
        "Use weekly, fortnightly, monthly or \"every N weeks\" (N from 1 to 12).",
        why: "The frequency sets the session dates, the calendar and the session-count rules, so it must mean one thing only.",
        example: r#"
            [schedule]
            frequency = "biweekly"   # twice a week, or every two weeks?
        "#;
    FrequencyNotAllowed = "frequency-not-allowed", Error,
        "The frequency is valid but not one the program allows.",
        "Pick one of rules.schedule.frequencies.",
        why: "A program may standardise how often pairs meet, e.g. to plan its own check-ins.",
        example: r#"
            # with rules.schedule.frequencies = ["weekly", "fortnightly"]
            [schedule]
            frequency = "monthly"
        "#;
    TooFewSessions = "too-few-sessions", Error,
        "The frequency gives fewer sessions a month than the program minimum.",
        "Meet more often.",
        why: "Mentoring works through regular contact; the program sets the minimum it considers real mentoring.",
        example: r#"
            # with rules.schedule.min_sessions_per_month = 2
            [schedule]
            frequency = "monthly"
        "#;
    SessionTooShort = "session-too-short", Error,
        "Sessions are shorter than rules.schedule.min_session_minutes.",
        "Plan longer sessions.",
        why: "Very short sessions leave no room for more than a status update.",
        example: r#"
            [schedule]
            session_minutes = 10   # the default minimum is 15
        "#;
    SessionTooLong = "session-too-long", Error,
        "Sessions are longer than rules.schedule.max_session_minutes.",
        "Plan shorter sessions, or meet more often.",
        why: "Very long sessions are hard to sustain over months; more frequent, shorter ones work better.",
        example: r#"
            [schedule]
            session_minutes = 240   # the default maximum is 120
        "#;
    NoModes = "no-modes", Error,
        "No way of holding sessions is given.",
        "List at least one mode, e.g. modes = [\"video call\"].",
        why: "The pair should agree how they meet (video call, in person, ...) before they start.",
        example: r#"
            [schedule]
            modes = []
        "#;
    ModeNotAllowed = "mode-not-allowed", Error,
        "A session mode the program does not allow.",
        "Use one of rules.schedule.modes.",
        why: "A program may require certain ways of meeting, e.g. only its own video platform.",
        example: r#"
            # with rules.schedule.modes = ["video call", "in person"]
            [schedule]
            modes = ["carrier pigeon"]
        "#;
    TermAmbiguous = "term-ambiguous", Error,
        "A term or extension has both or neither of `months` and `weeks`.",
        "Keep exactly one of the two.",
        why: "The end date is computed from the length; two lengths (or none) leave it undefined.",
        example: r#"
            [term]
            start = 2026-12-07
            months = 6
            weeks = 26
        "#;
    TermTooShort = "term-too-short", Error,
        "The term ends before start + rules.term.min_months.",
        "Agree a longer term.",
        why: "A program sets a minimum term so that the goals have time to be worked on.",
        example: r#"
            # rules.term.min_months = 1
            [term]
            start = 2026-12-07
            weeks = 2
        "#;
    TermTooLong = "term-too-long", Error,
        "The term ends after start + rules.term.max_months.",
        "Agree a shorter term; extend it later by mutual agreement if needed.",
        why: "A bounded term keeps the agreement a commitment both sides can keep; it can be extended later.",
        example: r#"
            # rules.term.max_months = 12
            [term]
            start = 2026-12-07
            months = 24
        "#;
    ExtensionUnsigned = "extension-unsigned", Error,
        "With SSH signing, an extension that neither mentor nor mentee signed.",
        "Both sign it: `mentor-agree sign FILE --extension --role mentor --key KEY`, then the mentee.",
        why: "An extension moves the last day; where the terms need the parties' keys, so does their agreement to keep going, or anyone with write access could extend.",
        example: r#"
            # program.toml: rules.signatures.method = "ssh"
            [[extensions]]
            months = 3
            agreed = 2027-05-20
            by = ["mentor", "mentee"]
            # no [[signatures]] with extension = 2027-05-20
        "#;
    ExtensionNotMutual = "extension-not-mutual", Error,
        "An extension is not agreed by both mentor and mentee.",
        "Extensions need both: by = [\"mentor\", \"mentee\"].",
        why: "An extension changes what both people committed to, so both must agree to it.",
        example: r#"
            [[extensions]]
            months = 3
            agreed = 2027-05-20
            by = ["mentor"]
        "#;
    ExtensionAfterEnd = "extension-after-end", Error,
        "An extension was agreed on or after the end in force at that time.",
        "An ended agreement cannot be extended: start a new one.",
        why: "Once the term is over there is nothing left to extend; a new agreement is the honest record.",
        example: r#"
            # the term ended on 2027-06-07
            [[extensions]]
            months = 3
            agreed = 2027-07-01
            by = ["mentor", "mentee"]
        "#;
    ExtensionTooLong = "extension-too-long", Error,
        "With extensions, the term runs past start + rules.term.max_total_months.",
        "Shorten the extension.",
        why: "The program caps the total length, extensions included, so that pairs rotate and reflect.",
        example: r#"
            # rules.term.max_total_months = 18, term months = 12
            [[extensions]]
            months = 9
            agreed = 2027-10-01
            by = ["mentor", "mentee"]
        "#;
    NoReviews = "no-reviews", Error,
        "The program requires review checkpoints and none are planned.",
        "Add [reviews] with every_months = N or dates = [...].",
        why: "Review checkpoints are where the pair evaluates progress and reflects on how the mentoring goes.",
        example: r#"
            # no [reviews] table, and rules.reviews.required = true
        "#;
    ReviewGap = "review-gap", Error,
        "Two checkpoints (or start/end and a checkpoint) are further apart than rules.reviews.max_gap_months.",
        "Review more often.",
        why: "Long stretches without a review let problems go unnoticed until the agreement is over.",
        example: r#"
            # rules.reviews.max_gap_months = 3
            [term]
            start = 2026-12-07
            months = 9

            [reviews]
            every_months = 6
        "#;
    ReviewOutsideTerm = "review-outside-term", Error,
        "A review date lies outside the term.",
        "Move it into the term.",
        why: "A checkpoint outside the term will never happen as part of this agreement.",
        example: r#"
            [term]
            start = 2026-12-07
            months = 6

            [reviews]
            dates = [2027-02-01, 2027-08-01]
        "#;
    SignatureUnknownRole = "signature-unknown-role", Error,
        "A signature's role is not mentor, mentee or lead.",
        "Use role = \"mentor\", \"mentee\" or \"lead\".",
        why: "Only the parties named in the agreement can sign it.",
        example: r#"
            [[signatures]]
            role = "manager"
        "#;
    SignatureDuplicateRole = "signature-duplicate-role", Error,
        "Two signatures for the same role.",
        "Keep one; `mentor-agree sign` replaces an old signature for you.",
        why: "Two signatures for one role make it unclear which terms that person accepted.",
        example: r#"
            [[signatures]]
            role = "mentor"
            date = 2026-11-30
            [[signatures]]
            role = "mentor"
            date = 2026-12-01
        "#;
    SignatureNameMismatch = "signature-name-mismatch", Error,
        "The signature's name is not that party's name.",
        "Sign with the name written in the party's table.",
        why: "A signature must be traceable to the party it speaks for.",
        example: r#"
            [mentor]
            name = "Ada Lovelace"

            [[signatures]]
            role = "mentor"
            name = "Ada King"
        "#;
    SignatureInFuture = "signature-in-future", Error,
        "A signature is dated after today.",
        "Date it on the day it was signed.",
        why: "A signature records something that happened; it cannot be dated ahead.",
        example: r#"
            # today is 2026-11-25
            [[signatures]]
            role = "mentee"
            date = 2026-12-24
        "#;
    SignatureStale = "signature-stale", Error,
        "The terms changed after this signature, before every required role had signed them: its digest no longer matches. (Once all had signed, a change is an amendment instead: those signatures stay as the record of the terms in force.)",
        "Review the new terms and sign again (`mentor-agree sign`).",
        why: "A signature covers the exact terms that were signed; after a change, nobody has agreed to the new text yet.",
        example: r#"
            [schedule]
            session_minutes = 60   # was 45 when both signed

            [[signatures]]
            role = "mentor"
            terms = "sha256:9d45…"   # the digest of the old terms
        "#;
    SignatureWindow = "signature-window", Error,
        "Required signatures are spread over more than rules.signatures.window_days: those outside the largest group within the window do not count.",
        "The signers outside the window sign again while the others' signatures are recent enough; otherwise everyone signs again.",
        why: "Signatures collected months apart suggest the early signers agreed to a different situation.",
        example: r#"
            # rules.signatures.window_days = 30
            [[signatures]]
            role = "mentor"
            date = 2026-06-01
            [[signatures]]
            role = "mentee"
            date = 2026-11-20
        "#;
    SignatureUnverified = "signature-unverified", Error,
        "With SSH signing, `sig` is missing or does not verify over the signature's statement (role, name, date, terms).",
        "The party signs again with `mentor-agree sign FILE --role ROLE --key KEY`.",
        why: "With SSH signing, a name alone proves nothing; the signature shows who agreed, as which party, on which day, to which terms, and any later edit to those shows.",
        example: r#"
            # program.toml: rules.signatures.method = "ssh"
            [[signatures]]
            role = "mentor"
            name = "Ada Lovelace"
            date = 2026-11-01   # was 2026-11-20 when Ada signed
            signer = "ada@example.org"
            sig = """-----BEGIN SSH SIGNATURE----- …"""
        "#;
    SignatureUntrusted = "signature-untrusted", Error,
        "With SSH signing, the signer is not that party's email, or allowed_signers does not allow the key for it on the signed date.",
        "List the party's public key under their email in allowed_signers, or have the right party sign.",
        why: "A valid signature from an unknown key could come from anyone, and a key that may sign for one person must not count for another; allowed_signers says whose key is whose.",
        example: r#"
            [lead]
            email = "alan@example.org"
            [[signatures]]
            role = "lead"
            signer = "ada@example.org"   # the mentor's key cannot sign for the lead
        "#;
    SignatureSameKey = "signature-same-key", Error,
        "With SSH signing, one key made the signatures of two roles.",
        "Each party signs with their own key; the second role signs again with theirs.",
        why: "Three roles mean three people agreeing; one key signing twice is one person agreeing twice, whatever the emails say.",
        example: r#"
            # the mentee's key, listed in allowed_signers under both emails
            [[signatures]]
            role = "mentee"
            signer = "grace@example.org"
            [[signatures]]
            role = "lead"
            signer = "grace.lead@example.org"
        "#;
    StartBeforeEffective = "start-before-effective", Warning,
        "The term starts before the last required signature.",
        "Sign before the start, or move the start date.",
        why: "Sessions held before everyone signed were not covered by the agreement.",
        example: r#"
            [term]
            start = 2026-11-01

            [[signatures]]
            role = "mentor"
            date = 2026-10-28
            [[signatures]]
            role = "mentee"
            date = 2026-10-30
            [[signatures]]
            role = "lead"
            date = 2026-11-10   # the last signature comes after the start
        "#;
    TerminationNoNotice = "termination-no-notice", Error,
        "A termination was not given by written notice.",
        "Record notice = \"written\" once written notice was given.",
        why: "Ending by written notice leaves a record both sides can point to.",
        example: r#"
            [termination]
            date = 2027-02-14
            by = "mentee"
            notice = "verbal"
        "#;
    TerminationUnsigned = "termination-unsigned", Error,
        "With SSH signing, a termination that whoever gave notice (the lead, for the program) did not sign.",
        "The one who gave notice signs it: `mentor-agree sign FILE --termination --role ROLE --key KEY`.",
        why: "Written notice means the person ending the agreement put their name to it; with SSH signing that is their key, or anyone could end an agreement for them.",
        example: r#"
            # program.toml: rules.signatures.method = "ssh"
            [termination]
            date = 2027-02-14
            by = "mentee"
            notice = "written"
            # no [[signatures]] with termination = 2027-02-14 by the mentee
        "#;
    TerminationOutsideTerm = "termination-outside-term", Error,
        "A termination date lies before the start or after the last day.",
        "Correct the date.",
        why: "An agreement can only end while it is in force.",
        example: r#"
            [term]
            start = 2026-12-07
            months = 6

            [termination]
            date = 2027-09-01
            by = "mentor"
            notice = "written"
        "#;
    TerminationNoReason = "termination-no-reason", Error,
        "The program ended the agreement without a reason.",
        "Record the reason for the intervention.",
        why: "When the program steps in, the pair and the program need a record of why.",
        example: r#"
            [termination]
            date = 2027-02-14
            by = "program"
            notice = "written"
        "#;
    InterventionNoHearing = "intervention-no-hearing", Error,
        "The program ended the agreement without reported <= hearing <= date.",
        "Record when the concern was reported and when both parties were heard.",
        why: "Before the program ends an agreement, both parties should have had the chance to respond to the concern.",
        example: r#"
            [termination]
            date = 2027-02-14
            by = "program"
            notice = "written"
            reason = "Sessions stopped"
            reported = 2027-02-10
            hearing = 2027-02-20   # heard after the termination
        "#;
    CheckinOverdue = "checkin-overdue", Warning,
        "An active pair has not checked in for longer than rules.checkins.max_gap_days.",
        "Record a check-in with `mentor-agree checkin`.",
        why: "Regular check-ins let the program team notice a pair that has gone quiet while there is still time to help.",
        example: r#"
            # active agreement, rules.checkins.max_gap_days = 45
            [[checkins]]
            date = 2026-08-01   # the last one, months ago
        "#;
    CheckinOutsideTerm = "checkin-outside-term", Error,
        "A check-in is dated before the start, after the last day, or after today.",
        "Correct the date.",
        why: "A check-in reports on the running agreement; one dated outside it (or in the future) is a typo.",
        example: r#"
            [term]
            start = 2026-12-07

            [[checkins]]
            date = 2026-11-01
            by = "mentee"
        "#;
    EvaluationOutsideTerm = "evaluation-outside-term", Error,
        "An evaluation is dated before the start, after today, or (unless it is the closing review) more than rules.reviews.grace_days after the last day.",
        "Correct the date: a review is recorded on the day it was held.",
        why: "An evaluation reports a review the pair held while the agreement ran; one dated outside it, or ahead of today, is a typo or a plan, not a record.",
        example: r#"
            [term]
            start = 2026-12-07
            months = 6

            [[evaluations]]
            date = 2026-11-15   # before the start
            by = ["mentor", "mentee"]
        "#;
    EvaluationUnknownGoal = "evaluation-unknown-goal", Error,
        "An evaluation's progress names a goal number the agreement does not have, or the same goal twice.",
        "Goals are numbered 1, 2, … in file order; review each goal once per evaluation.",
        why: "Progress is only meaningful against a goal both people agreed on; a wrong number records progress on nothing.",
        example: r#"
            # the agreement has two [[goals]]
            [[evaluations]]
            date = 2027-02-08
            by = ["mentor", "mentee"]
            progress = [{ goal = 3, status = "on-track" }]
        "#;
    EvaluationNotJoint = "evaluation-not-joint", Warning,
        "An evaluation's `by` does not include both the mentor and the mentee.",
        "Hold reviews together, and list both: by = [\"mentor\", \"mentee\"].",
        why: "Evaluation and reflection are done by the pair together; a review one of them held alone misses half the picture.",
        example: r#"
            [[evaluations]]
            date = 2027-02-08
            by = ["mentor"]
        "#;
    ReviewOverdue = "review-overdue", Warning,
        "A planned review checkpoint passed more than rules.reviews.grace_days ago and no evaluation was recorded for it.",
        "Hold the review and record it with `mentor-agree evaluate`.",
        why: "Checkpoints only help if they happen: a review that slips by unnoticed is where a pair drifts without anyone seeing it.",
        example: r#"
            # today is 2026-11-25, the agreement is in force
            [term]
            start = 2026-09-01

            [reviews]
            every_months = 2   # no evaluation near the checkpoint of 2026-11-01
        "#;
    ClosingReviewMissing = "closing-review-missing", Warning,
        "The agreement has ended and no evaluation is marked `closing = true` (with rules.reviews.require_closing).",
        "Hold a final review together and record it with `mentor-agree evaluate --closing`.",
        why: "The closing review is where the pair looks back on the whole relationship and the program learns whether mentoring worked.",
        example: r#"
            # today is 2026-11-25; the term ran from 2026-03-02 to 2026-09-01
            [term]
            start = 2026-03-02
            months = 6

            [[evaluations]]
            date = 2026-08-28
            by = ["mentor", "mentee"]
            closing = false   # the last review, not marked as the closing one
        "#;
    GoalOverdue = "goal-overdue", Warning,
        "A goal's due date passed more than rules.reviews.grace_days ago and its current status is neither achieved nor dropped.",
        "Review the goal: record it as achieved or dropped, or agree a new due date.",
        why: "A goal past its date with no outcome is either done and unrecorded, or stuck; either way the pair should say which.",
        example: r#"
            # today is 2026-11-25, the agreement is in force
            [term]
            start = 2026-09-01

            [[goals]]
            goal = "Run team retrospectives"
            measure = "3 retrospectives run"
            due = 2026-11-01   # no evaluation says achieved or dropped
        "#;
    FeedbackUnknownForm = "feedback-unknown-form", Error,
        "A `[[feedback]]` record names a form program.toml's `[[forms]]` does not define.",
        "Use the id of one of the program's forms (`mentor-agree feedback` lists them), or add the form to program.toml.",
        why: "Answers are only meaningful against the questions that were asked; a record for an unknown form cannot be read, counted or checked.",
        example: r#"
            # program.toml defines the form "midpoint" only
            [[feedback]]
            date = 2027-02-10
            form = "midpiont"
            by = "mentee"
        "#;
    FeedbackUnknownQuestion = "feedback-unknown-question", Error,
        "A feedback record answers a question its form does not have.",
        "Use the question ids of the form in program.toml; `mentor-agree feedback` writes them for you.",
        why: "An answer to no question is lost to the report, and usually a typo of one that then looks unanswered.",
        example: r#"
            [[feedback]]
            date = 2027-02-10
            form = "midpoint"
            by = "mentee"
            answers = { usefull = 4 }   # the question is `useful`
        "#;
    FeedbackBadAnswer = "feedback-bad-answer", Error,
        "A feedback answer is outside its question's kind: a scale not 1 to 5, a choice not listed, yes-no not true or false, empty text.",
        "Answer as the question allows (the message lists it).",
        why: "The report averages scales and counts choices; one answer of the wrong kind would skew or break every figure over it.",
        example: r#"
            [[feedback]]
            date = 2027-02-10
            form = "midpoint"
            by = "mentee"
            answers = { useful = 7 }   # a scale runs from 1 to 5
        "#;
    FeedbackWrongRespondent = "feedback-wrong-respondent", Error,
        "A feedback record is by a role the form does not ask (its `respondents`).",
        "Record it as a role the form asks, or add the role to the form's respondents in program.toml.",
        why: "Each form is written for particular respondents; an answer from someone else is counted against the wrong group.",
        example: r#"
            # the form "mentor-check" has respondents = ["mentor"]
            [[feedback]]
            date = 2027-02-10
            form = "mentor-check"
            by = "mentee"
        "#;
    FeedbackLeaked = "feedback-leaked", Error,
        "A confidential (`team`) answer is written in plain text in `answers`, or `sealed` is not an age-encrypted block.",
        "Remove the answer from the file (and from git history if it was pushed); record it again with `mentor-agree feedback`, which seals it.",
        why: "A `team` answer is promised to reach the program team only; in plain text anyone who reads the repository reads it.",
        example: r#"
            # `concerns` has visibility = "team"
            [[feedback]]
            date = 2027-02-10
            form = "midpoint"
            by = "mentee"
            answers = { concerns = "…" }
        "#;
    FeedbackTwice = "feedback-twice", Warning,
        "The same respondent answered the same form twice for one moment (one checkpoint, the end, or the form's day).",
        "Keep one record per respondent and moment; remove the extra one.",
        why: "Two answers from one person would count twice in the report's figures and response rate.",
        example: r#"
            [[feedback]]
            date = 2027-02-10
            form = "midpoint"
            by = "mentee"

            [[feedback]]
            date = 2027-02-12   # the same checkpoint again
            form = "midpoint"
            by = "mentee"
        "#;
    Unsigned = "unsigned", Error,
        "With `check --require-signed`: a required signature is missing (of a draft, or of an amendment awaiting signatures).",
        "Collect the signature with `mentor-agree sign`.",
        why: "In CI, a branch that publishes agreements may require every agreement to be fully signed.",
        example: r#"
            # mentor-agree check --require-signed
            [[signatures]]
            role = "mentor"
            # no mentee or lead signature yet
        "#;
}

impl Code {
    /// A short TOML excerpt that raises the code, with comments pointing at the problem.
    pub fn example(self) -> String {
        let raw = self.example_raw();
        let lines: Vec<&str> = raw.lines().skip_while(|l| l.trim().is_empty()).collect();
        let indent = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min();
        let indent = indent.unwrap_or(0);
        let mut out: Vec<&str> = lines.iter().map(|l| l.get(indent..).unwrap_or("").trim_end()).collect();
        while out.last().is_some_and(|l| l.is_empty()) {
            out.pop();
        }
        out.join("\n")
    }

    /// What `check --fix` does about the code, for codes it can fix (in some cases).
    pub fn autofix(self) -> Option<&'static str> {
        match self {
            Code::UnknownKey => Some("renames the key when exactly one known key is close to it"),
            Code::WrongType => Some(
                "unquotes a date written as a string (\"2026-12-07\" becomes 2026-12-07), and corrects a misspelt goal status when one known status is close to it",
            ),
            Code::FormatVersion => Some("adds `format = 1` as the first line when `format` is missing"),
            Code::BadEmail => {
                Some("removes spaces, a `mailto:` prefix and surrounding <>, when what is left is an address")
            }
            _ => None,
        }
    }

    /// The registry's `fix` as a help line, the way diagnostics print help: starting
    /// lowercase, without the closing full stop. See [`Diagnostic::with_code_help`].
    pub fn help(self) -> String {
        let fix = self.fix().trim_end_matches('.');
        let mut chars = fix.chars();
        chars.next().map_or_else(String::new, |first| first.to_lowercase().chain(chars).collect())
    }

    /// Looks a code up by its kebab-case name.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: Code,
    /// Severity after `[levels]` were applied.
    pub severity: Severity,
    /// Byte range in the file's text; `None` for the whole file.
    pub span: Option<Range<usize>>,
    /// What is wrong and what to do.
    pub message: String,
    /// An extra hint, when one helps.
    pub help: Option<String>,
    /// The change that fixes it, when mentor-agree knows one (`check --fix`, editor quick fixes).
    pub fix: Option<Fix>,
}

/// One replacement in a file's text: the bytes of `range` become `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    /// Byte range of the text that is replaced (empty for an insertion).
    pub range: Range<usize>,
    /// The new text.
    pub replacement: String,
}

/// A known fix for one diagnostic: edits of the file's text, described for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, e.g. "rename `sesion_minutes` to `session_minutes`".
    pub description: String,
    /// True when the fix cannot change the terms of a signed agreement: it leaves the
    /// canonical terms as they are, or the file carries no signature yet. `check --fix`
    /// applies only safe fixes; `--unsafe-fixes` applies the others too.
    pub safe: bool,
    /// The edits, in any order; they never overlap.
    pub edits: Vec<TextEdit>,
}

impl Fix {
    /// A safe fix replacing one range.
    pub fn replace(range: Range<usize>, replacement: impl Into<String>, description: impl Into<String>) -> Fix {
        Fix {
            description: description.into(),
            safe: true,
            edits: vec![TextEdit { range, replacement: replacement.into() }],
        }
    }

    /// `text` with the fix's edits applied; `None` when an edit does not fit the text
    /// (out of bounds, not on character boundaries, or overlapping another).
    pub fn apply(&self, text: &str) -> Option<String> {
        let mut edits: Vec<&TextEdit> = self.edits.iter().collect();
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let mut out = String::with_capacity(text.len() + 16);
        let mut at = 0;
        for e in edits {
            if e.range.start < at || e.range.end < e.range.start {
                return None;
            }
            out.push_str(text.get(at..e.range.start)?);
            text.get(e.range.clone())?;
            out.push_str(&e.replacement);
            at = e.range.end;
        }
        out.push_str(text.get(at..)?);
        Some(out)
    }

    /// The byte range the edits cover, from the first start to the last end.
    pub fn extent(&self) -> Range<usize> {
        let start = self.edits.iter().map(|e| e.range.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.range.end).max().unwrap_or(start);
        start..end
    }
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, span: impl Into<Option<Range<usize>>>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            span: span.into(),
            message: message.into(),
            help: None,
            fix: None,
        }
    }

    /// Attaches a fix.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds the code's own fix from the registry ([`Code::help`]) as the help line,
    /// for problems where nothing more specific than the registry's advice helps.
    pub fn with_code_help(self) -> Self {
        let help = self.code.help();
        self.with_help(help)
    }
}

/// Maps byte offsets of one text to 1-based line and column (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based (line, column) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line + 1, col)
    }

    /// Number of lines (a text ending in a line break has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line holding a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        let end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') { end - 1 } else { end };
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_codes_help_is_its_fix_as_a_help_line() {
        assert_eq!(Code::TooFewSessions.fix(), "Meet more often.");
        assert_eq!(Code::TooFewSessions.help(), "meet more often");
        assert_eq!(
            Code::SignatureUnknownRole.help(),
            "use role = \"mentor\", \"mentee\" or \"lead\"",
            "only the first letter and the full stop change"
        );
        let d = Diagnostic::new(Code::TermAmbiguous, 0..1, "both").with_code_help();
        assert_eq!(d.help.as_deref(), Some("keep exactly one of the two"));
        for code in Code::ALL {
            let help = code.help();
            assert!(!help.is_empty() && !help.ends_with('.'), "{code}: {help:?}");
            assert!(!help.starts_with(|c: char| c.is_uppercase()), "{code}: {help:?}");
        }
    }

    #[test]
    fn code_names_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()));
            assert_eq!(Code::from_name(name), Some(*code));
        }
        assert_eq!(Code::from_name("no-such-code"), None);
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "a = 1\nname = \"Zoë\" x\r\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 6), (2, 1));
        let x = text.find(" x").unwrap() + 1;
        assert_eq!(idx.line_col(text, x), (2, 14));
        assert_eq!(idx.line_col(text, text.len()), (3, 5));
        assert_eq!(&text[idx.line_range(text, 2)], "name = \"Zoë\" x");
    }
}
