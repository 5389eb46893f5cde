//! Generates a reproducible corpus of valid, signed, varied agreements for benchmarks.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- /tmp/corpus 10000
//! cargo run --release --example gen-corpus -- /tmp/corpus 10000 --evaluations 3
//! ```
//!
//! `--evaluations K` appends K reviews to every file, spread over the part of
//! the term before today; the rest of each file is byte for byte the same as
//! without it, so the two corpora measure what evaluations cost.
//!
//! `--feedback K` appends K `[[feedback]]` records (mentee and mentor in turn)
//! answering a midpoint form, each with a pair answer and a `team` answer
//! sealed with age to a key made for the run, and writes DIR/program.toml (the
//! built-in rules plus that form) and DIR/team_recipients. The sealed blocks
//! differ from run to run (age encryption is randomised); their size does not.
//!
//! The same N always gives the same files (fixed seed). Every file passes
//! `mentor-agree check --today 2026-11-25` with the built-in program.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{Days, NaiveDate};
use mentor_agree::format::terms;

const FIRST: &[&str] = &[
    "Ada", "Grace", "Alan", "Maya", "Tomás", "Li", "Sara", "Jonas", "Amara", "Hana", "Diego", "Kofi", "Elena", "Noor",
    "Priya", "Olu", "Mei", "Ines", "Yusuf", "Freya", "Rafael", "Zanele", "Kenji", "Leila",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Turing",
    "Okafor",
    "Rivera",
    "Wei",
    "Haddad",
    "Berg",
    "Diallo",
    "Sato",
    "Álvarez",
    "Mensah",
    "Petrova",
    "Rahman",
    "Natarajan",
    "Adeyemi",
    "Chen",
    "Costa",
    "Demir",
    "Larsen",
    "Souza",
    "Dlamini",
    "Ito",
    "Karimi",
];
const TOPICS: &[&str] =
    &["career development", "leadership", "public speaking", "data engineering", "management", "negotiation"];
const FREQUENCIES: &[&str] = &["weekly", "fortnightly", "monthly", "every 3 weeks"];
const MODES: &[&str] = &["video call", "in person", "phone"];
const GOALS: &[(&str, &str)] = &[
    ("Facilitate the team's sprint retrospectives", "Run 3 retrospectives rated 4/5 or better"),
    ("Give a talk at the department meetup", "One 20-minute talk with feedback from 5 listeners"),
    ("Build a network outside the team", "Four coffee chats with other departments"),
    ("Ship a data pipeline", "One pipeline running daily for 4 weeks"),
    ("Lead a design review", "Design accepted after at most 2 rounds"),
];

fn person(rng: &mut fastrand::Rng) -> (String, String) {
    let first = FIRST[rng.usize(..FIRST.len())];
    let last = LAST[rng.usize(..LAST.len())];
    let name = format!("{first} {last}");
    let email = format!("{}.{}{}@example.org", ascii(first), ascii(last), rng.u32(1..1000));
    (name, email)
}

fn ascii(s: &str) -> String {
    s.to_lowercase().replace('á', "a").replace('ó', "o").replace('é', "e")
}

/// One agreement's text, signed by all three parties, with `evaluations` reviews.
/// The program of a `--feedback` corpus: the built-in rules plus one form.
const FEEDBACK_PROGRAM: &str = r#"[program]
team_recipients = "team_recipients"

[[forms]]
id = "midpoint"
title = "How is the mentoring going?"
when = "checkpoints"
  [[forms.questions]]
  id = "useful"
  text = "How useful are the sessions?"
  kind = "scale"
  visibility = "pair"
  [[forms.questions]]
  id = "concerns"
  text = "Anything the team should know?"
  kind = "text"
  visibility = "team"
"#;

fn agreement(
    rng: &mut fastrand::Rng,
    i: usize,
    evaluations: u64,
    feedback: u64,
    team: &[mentor_agree::feedback::Recipient],
) -> String {
    let (mentor, mentor_email) = person(rng);
    let mut mentee = person(rng);
    while mentee.0 == mentor {
        mentee = person(rng);
    }
    let (lead, _) = person(rng);
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Days::new(rng.u64(0..300));
    let months = rng.u32(3..=9);
    let end = mentor_agree::format::timeline::add_months(start, months).unwrap();
    let mut t = String::with_capacity(2048);
    let topics: Vec<String> =
        (0..rng.usize(1..=3)).map(|_| format!("{:?}", TOPICS[rng.usize(..TOPICS.len())])).collect();
    let _ = write!(
        t,
        "# Agreement {i} of the benchmark corpus.\nformat = 1\nid = \"pair-{i:06}\"\ntopics = [{}]\n\n[mentor]\nname = {mentor:?}\nemail = {mentor_email:?}\n\n[mentee]\nname = {:?}\nemail = {:?}\n\n[lead]\nname = {lead:?}\n\n",
        topics.join(", "),
        mentee.0,
        mentee.1
    );
    let _ = write!(
        t,
        "[schedule]\nfrequency = {:?}\nsession_minutes = {}\nmodes = [{:?}]\nalso_via = [\"email\"]\n\n[term]\nstart = {start}\nmonths = {months}\n\n[reviews]\nevery_months = {}\n",
        FREQUENCIES[rng.usize(..FREQUENCIES.len())],
        [30, 45, 60, 90][rng.usize(..4)],
        MODES[rng.usize(..MODES.len())],
        rng.u32(1..=3)
    );
    let last_day = end.pred_opt().unwrap();
    for g in 0..rng.usize(1..=4) {
        let (goal, measure) = GOALS[(i + g) % GOALS.len()];
        // Due late in the term so every frequency fits two sessions before it.
        let span = (last_day - start).num_days() as u64;
        let due = start + Days::new(span / 2 + rng.u64(0..=span / 2));
        let _ = write!(t, "\n[[goals]]\ngoal = \"{goal}\"\nmeasure = \"{measure}\"\nwhy = \"Growth\"\ndue = {due}\n");
    }
    let digest = terms::digest(&terms::canonical(&t).expect("valid TOML"));
    let signed = start - Days::new(rng.u64(1..10));
    for (role, name) in [("mentor", &mentor), ("mentee", &mentee.0), ("lead", &lead)] {
        let _ =
            write!(t, "\n[[signatures]]\nrole = \"{role}\"\nname = {name:?}\ndate = {signed}\nterms = \"{digest}\"\n");
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let mut day = start + Days::new(20);
    while day < today && day < last_day {
        let _ = write!(t, "\n[[checkins]]\ndate = {day}\nby = \"mentee\"\nnote = \"On track\"\n");
        day = day + Days::new(30);
    }
    // Reviews: no randomness, so the files differ only by these entries.
    let goals = t.matches("[[goals]]").count();
    let until = today.min(last_day);
    let span = (until - start).num_days().max(1) as u64;
    for k in 1..=evaluations {
        let date = start + Days::new(span * k / (evaluations + 1));
        let status = if k == evaluations { "achieved" } else { "on-track" };
        let progress: Vec<String> =
            (1..=goals).map(|g| format!("{{ goal = {g}, status = \"{status}\", note = \"Review {k}\" }}")).collect();
        let _ = write!(
            t,
            "\n[[evaluations]]\ndate = {date}\nby = [\"mentor\", \"mentee\"]\nworking = \"Regular sessions\"\nimprove = \"Agenda ahead\"\nprogress = [{}]\n",
            progress.join(", ")
        );
    }
    for k in 0..feedback {
        let by = if k % 2 == 0 { "mentee" } else { "mentor" };
        let date = start + Days::new(span / 2 + k);
        let sealed =
            mentor_agree::feedback::seal(&format!("concerns = \"Nothing to report ({k})\"\n"), team).expect("seal");
        let _ = write!(
            t,
            "\n[[feedback]]\ndate = {date}\nform = \"midpoint\"\nby = \"{by}\"\nanswers = {{ useful = {} }}\nsealed = '''\n{}'''\n",
            k % 5 + 1,
            sealed.trim_end()
        );
    }
    t
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(n)) = (args.next(), args.next()) else {
        eprintln!("usage: gen-corpus DIR N [--evaluations K] [--feedback K]");
        std::process::exit(2);
    };
    let (mut evaluations, mut feedback) = (0u64, 0u64);
    loop {
        match (args.next().as_deref(), args.next()) {
            (Some("--evaluations"), Some(k)) => evaluations = k.parse().expect("K is a number"),
            (Some("--feedback"), Some(k)) => feedback = k.parse().expect("K is a number"),
            (None, _) => break,
            _ => {
                eprintln!("usage: gen-corpus DIR N [--evaluations K] [--feedback K]");
                std::process::exit(2);
            }
        }
    }
    let dir = PathBuf::from(dir);
    let n: usize = n.parse().expect("N is a number");
    std::fs::create_dir_all(&dir).expect("create DIR");
    let mut team: Vec<mentor_agree::feedback::Recipient> = Vec::new();
    if feedback > 0 {
        let key = age::x25519::Identity::generate();
        std::fs::write(dir.join("team_recipients"), format!("{}\n", key.to_public())).expect("write team_recipients");
        std::fs::write(dir.join("program.toml"), FEEDBACK_PROGRAM).expect("write program.toml");
        team.push(Box::new(key.to_public()));
    }
    let mut rng = fastrand::Rng::with_seed(0x6d65_6e74_6f72);
    for i in 0..n {
        let path = dir.join(format!("pair-{i:06}.toml"));
        std::fs::write(&path, agreement(&mut rng, i, evaluations, feedback, &team)).expect("write file");
    }
    eprintln!("wrote {n} agreements to {}", dir.display());
}
