//! Command-line interface (clap types only; behaviour lives in `commands`).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

pub use mentor_agree::format::role::Role;

/// Write, check, sign and publish mentoring agreements kept as TOML files in git.
///
/// An agreement file records a mentor, a mentee and their program's lead, how
/// often they meet, their SMART goals, the term, review checkpoints and the
/// signatures. `check` holds every file to the program's rules (program.toml,
/// found by walking up from the file; built-in defaults when there is none).
#[derive(Debug, Parser)]
#[command(name = "mentor-agree", version = mentor_agree::VERSION_LINE, propagate_version = true, max_term_width = 100)]
#[command(after_help = "A program's year, start to finish:\n  \
    mentor-agree init mentoring && cd mentoring   # set up a program repo\n  \
    mentor-agree new                              # draft an agreement with a pair\n  \
    mentor-agree sign agreements/FILE --role mentor\n  \
    mentor-agree check                            # every agreement, as CI does\n  \
    mentor-agree status                           # where every pair stands\n  \
    mentor-agree render agreements/FILE -o agreement.html\n\n\
    `mentor-agree help COMMAND` shows a command's options and examples.")]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line, exiting with clap's message (exit 2) when it is
    /// wrong. For a mistyped subcommand the similar ones are listed closest first
    /// (`chek`: `check`, then `checkin`), where clap lists the closest last.
    pub fn parse_args() -> Cli {
        use clap::error::{ContextKind, ContextValue, ErrorKind};
        match Cli::try_parse() {
            Ok(cli) => cli,
            Err(mut e) => {
                if e.kind() == ErrorKind::InvalidSubcommand {
                    let typed = match e.get(ContextKind::InvalidSubcommand) {
                        Some(ContextValue::String(s)) => s.clone(),
                        _ => String::new(),
                    };
                    if let Some(ContextValue::Strings(similar)) = e.get(ContextKind::SuggestedSubcommand) {
                        let mut similar = similar.clone();
                        similar.sort_by(|a, b| {
                            strsim::jaro_winkler(&typed, b).total_cmp(&strsim::jaro_winkler(&typed, a)).then(a.cmp(b))
                        });
                        e.insert(ContextKind::SuggestedSubcommand, ContextValue::Strings(similar));
                    }
                }
                e.exit()
            }
        }
    }
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Treat this day as today (YYYY-MM-DD), for reproducible CI runs and tests.
    #[arg(long, global = true, env = "MENTOR_AGREE_TODAY", value_name = "DATE", value_parser = parse_date, help_heading = "Global options")]
    pub today: Option<NaiveDate>,

    /// Use this program.toml instead of looking for one above each file.
    #[arg(long, global = true, value_name = "FILE", help_heading = "Global options")]
    pub program: Option<PathBuf>,

    /// When to colour output (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Global options")]
    pub color: ColorChoice,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Reads a role among those an option allows (the one [`Role`] type, offered as
/// the subset the option takes: `--by` of `terminate` takes [`Role::TERMINATORS`], …).
#[derive(Debug, Clone, Copy)]
pub struct RoleParser {
    roles: &'static [Role],
    program_help: &'static str,
}

impl RoleParser {
    /// A parser for `roles`.
    pub const fn new(roles: &'static [Role]) -> RoleParser {
        RoleParser { roles, program_help: "The program team" }
    }

    /// How `--help` describes the program team for this option.
    pub const fn program_help(self, help: &'static str) -> RoleParser {
        RoleParser { program_help: help, ..self }
    }

    fn values(&self) -> impl Iterator<Item = clap::builder::PossibleValue> + '_ {
        self.roles.iter().map(|r| {
            let help = match r {
                Role::Mentor => "The mentor",
                Role::Mentee => "The mentee",
                Role::Lead => "The initiative lead",
                Role::Program => self.program_help,
            };
            clap::builder::PossibleValue::new(r.as_str()).help(help)
        })
    }
}

impl clap::builder::TypedValueParser for RoleParser {
    type Value = Role;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Role, clap::Error> {
        // clap's own parser of the names, for its messages (possible values, "a similar value exists").
        let name = clap::builder::PossibleValuesParser::new(self.values()).parse_ref(cmd, arg, value)?;
        Role::parse_in(&name, self.roles)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(self.values()))
    }
}

/// A `YYYY-MM-DD` date argument (the library's one date parser).
pub use mentor_agree::format::timeline::parse_date;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check agreement files against the program rules.
    ///
    /// Checks files and folders (recursively, every *.toml except program.toml);
    /// with no paths, the program's agreements folder. Exit status: 0 no errors,
    /// 1 problems found, 2 the check could not be run.
    #[command(
        after_help = "Examples:\n  mentor-agree check\n  mentor-agree check agreements/ --format github\n  mentor-agree check --explain goal-no-due\n  mentor-agree check --fix --dry-run"
    )]
    #[command(display_order = 3)]
    Check(CheckArgs),

    /// Print the canonical terms bytes that signatures cover.
    ///
    /// Prints exactly the bytes whose SHA-256 a signature's `terms` holds (no
    /// trailing newline). With --statement ROLE, prints the statement an SSH
    /// signature covers instead (role, name, date and terms digest, no trailing
    /// newline), to sign or verify it with `ssh-keygen -Y`.
    #[command(display_order = 11)]
    #[command(
        after_help = "Examples:\n  mentor-agree terms FILE --digest          # what a signature's `terms` holds\n  \
                      mentor-agree terms FILE --statement mentee --date 2026-11-24 | ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n mentor-agree\n  \
                      mentor-agree terms FILE --statement mentor | ssh-keygen -Y verify -f allowed_signers -I ada@example.org -n mentor-agree -s ada.sig"
    )]
    Terms(TermsArgs),

    /// Record an extension of the term, agreed by mentor and mentee.
    ///
    /// Appends an [[extensions]] entry. The term's end moves by the given months
    /// or weeks; the extension must be agreed before the current end and keep the
    /// whole term within the program's rules.max_total_months.
    #[command(
        after_help = "Examples:\n  mentor-agree extend agreements/2026-09-maya-okafor-tomas-rivera.toml --months 3\n  \
                      mentor-agree extend FILE --weeks 6 --date 2027-05-20 --dry-run\n\n\
                      Exit status: 0 extended, 1 refused (the file is unchanged), 2 could not run."
    )]
    #[command(display_order = 7)]
    Extend(ExtendArgs),

    /// Record a progress check-in with the program team.
    ///
    /// Appends a [[checkins]] entry. Keep the note to progress; what is said in
    /// sessions stays confidential and does not belong in the file.
    #[command(after_help = "Examples:\n  mentor-agree checkin FILE --by mentee --note \"Goal 1 on track\"\n  \
                      mentor-agree checkin FILE --by mentor --date 2027-01-10\n\n\
                      Exit status: 0 recorded, 1 refused (the file is unchanged), 2 could not run.")]
    #[command(display_order = 8)]
    Checkin(CheckinArgs),

    /// Record a review the pair held: reflection and where each goal stands.
    ///
    /// Appends an [[evaluations]] entry. On a terminal, without --goal, it asks
    /// for each open goal's status (showing the goal, its measure and where it
    /// stood), then what works and what to change, and whether this is the
    /// closing review. Off a terminal, the flags say everything. Evaluations are
    /// not part of the terms: recording one never makes a signature stale.
    #[command(after_help = "Examples:\n  mentor-agree evaluate FILE\n  \
                      mentor-agree evaluate FILE --goal 1=achieved:\"3 retrospectives run\" --goal 2=behind \\\n      \
                      --working \"Fortnightly suits us\" --improve \"Send the agenda a day ahead\"\n  \
                      mentor-agree evaluate FILE --closing --goal 2=achieved --date 2027-06-01\n\n\
                      Statuses: not-started, on-track, behind, achieved, dropped. Goals are numbered\n\
                      1, 2, … in the order of the file's [[goals]].\n\n\
                      Exit status: 0 recorded, 1 refused (the file is unchanged), 2 could not run,\n\
                      130 cancelled.")]
    #[command(display_order = 8)]
    Evaluate(EvaluateArgs),

    /// Answer one of the program's feedback forms, or (the team) read the answers.
    ///
    /// Appends a [[feedback]] record: the form's `pair` answers in plain text,
    /// its `team` answers encrypted with age to every key in the program's
    /// team_recipients, so only the program team can read them. On a terminal
    /// it asks each question not given with --answer, saying first who will be
    /// able to read the answer; off a terminal every answer comes from --answer.
    /// Feedback is not part of the terms: recording it never makes a signature
    /// stale. With --read, the team prints every answer, decrypted with --identity.
    #[command(after_help = "Examples:\n  mentor-agree feedback FILE --form midpoint --by mentee\n  \
                      mentor-agree feedback FILE --form midpoint --by mentor --answer useful=4 \\\n      \
                      --answer concerns=\"Sessions keep moving\"\n  \
                      mentor-agree feedback --read agreements/ --identity ~/.ssh/id_ed25519\n  \
                      mentor-agree feedback --reseal agreements/ --identity ~/.ssh/id_ed25519   # after a change of team\n\n\
                      Exit status: 0 recorded (or read), 1 refused (the file is unchanged), 2 could not run,\n\
                      130 cancelled.")]
    #[command(display_order = 8)]
    Feedback(FeedbackArgs),

    /// Record the end of an agreement by written notice.
    ///
    /// Adds a [termination] table with notice = "written". Either party may end
    /// the agreement; when the program team intervenes (--by program) it records
    /// when the concern was reported and when both parties were heard.
    #[command(after_help = "Examples:\n  mentor-agree terminate FILE --by mentee --reason \"Changed roles\"\n  \
                      mentor-agree terminate FILE --by program --reason \"No contact for 3 months\" \\\n      \
                      --reported 2027-01-20 --hearing 2027-02-01 --date 2027-02-14\n\n\
                      Exit status: 0 recorded, 1 refused (the file is unchanged), 2 could not run.")]
    #[command(display_order = 9)]
    Terminate(TerminateArgs),

    /// Show where every agreement stands: one row per agreement.
    ///
    /// Lists the state, last day, next review, signatures (missing or stale)
    /// and problem counts, fitted to the terminal, the agreements needing
    /// attention first (errors, overdue check-ins, missing signatures); `--wide`
    /// shows every column. With no paths, the program's agreements folder.
    #[command(after_help = "Examples:\n  mentor-agree status\n  mentor-agree status --state active,draft --wide\n  \
                      mentor-agree status agreements/ --format json")]
    #[command(display_order = 4)]
    Status(StatusArgs),

    /// What the program team should act on: overdue first, then by date.
    ///
    /// Goes through every agreement and lists each action it asks for, with the
    /// command that resolves it: signatures to collect or renew, check-ins,
    /// reviews and goals due or overdue, terms ending without a closing review,
    /// files with errors. An item's date is the day the action is due by; its
    /// days are counted from today (negative: overdue). Each item names who must
    /// act (role, name, email): the signers, the pair, or the lead for problems.
    /// With no paths, the program's agreements folder.
    #[command(after_help = "Examples:\n  mentor-agree agenda\n  mentor-agree agenda --within 30\n  \
                      mentor-agree agenda --person ada@example.org    # one person's items\n  \
                      mentor-agree agenda --format md > weekly.md      # an issue body or a weekly email\n\n\
                      Kinds: problems, unsigned, stale, checkin-overdue, checkin-due, review-due,\n\
                      review-overdue, goal-due, goal-overdue, term-ending, closing-review-missing,\n\
                      feedback-due.\n\n\
                      Exit status: 0 nothing overdue, 1 something overdue (or a file with errors),\n\
                      2 could not run.")]
    #[command(display_order = 4)]
    Agenda(AgendaArgs),

    /// Remind the people who must act, by email: one message per person.
    ///
    /// Turns the agenda into one message per person who must act (each missing
    /// or stale signer; the pair for check-ins, reviews, goals and the closing
    /// review; the lead for problems, and copied on anything overdue longer than
    /// [reminders] escalate_after_days), listing their items with the dates, the
    /// agreement and the command (or, with [program] site_url, the page) that
    /// resolves each. Without --send or --out it prints the messages and sends
    /// nothing. A person is reminded before_days before an item is due, then
    /// every overdue_every_days while it is overdue; each person is sent the
    /// latest step that has come and is not in the log ([reminders] log), so a
    /// second run the same day sends nothing and missed days are caught up with
    /// one message. People with no email or in opt_out are listed on stderr.
    /// The SMTP user name and password come only from MENTOR_AGREE_SMTP_USERNAME
    /// and MENTOR_AGREE_SMTP_PASSWORD.
    #[command(after_help = "Examples:\n  mentor-agree remind                      # preview: print what is owed\n  \
                      mentor-agree remind --out outbox/         # one .eml file per message\n  \
                      mentor-agree remind --send                # send by SMTP and log\n\n\
                      Set-up: docs/reminders.md.\n\n\
                      Exit status: 0 every message sent (or nothing due), 1 some could not be sent\n\
                      (the others are sent and logged), 2 could not run (no [reminders] from, bad\n\
                      settings, the server refused the connection or the login).")]
    #[command(display_order = 4)]
    Remind(RemindArgs),

    /// How well is mentoring working? The program's evaluation in figures.
    ///
    /// Counts the agreements whose term overlaps --from/--to (default: all) and
    /// reports, as of today:
    ///
    ///   agreements            readable agreements counted
    ///   states                how many are draft, pending, active, ended, terminated
    ///   completion            finished = ended + terminated; rate = ended / finished;
    ///                         terminated_by: who ended early (mentor, mentee, program)
    ///   goals                 every goal by its current status (the latest review that
    ///                         names it): achieved, dropped, open (neither, or never
    ///                         reviewed); achieved_rate = achieved / total
    ///   reviews               due = planned checkpoints dated in the window whose grace
    ///                         days have passed (or that were held); held_on_time = held
    ///                         within the grace days; on_time_rate = held_on_time / due
    ///   checkins              median_gap_days between consecutive check-ins (the first
    ///                         from the effective date); silent_pairs = active pairs past
    ///                         the program's longest gap
    ///   signing               median_days_to_effective: first signature to the last
    ///                         required one
    ///   extensions            extended = agreements extended at least once; total
    ///   topics                per topic: agreements, goals_achieved_rate
    ///   mentors               per mentor: agreements (mentees) in the window
    ///
    /// Rates are fractions rounded to three places, or null when there is nothing to divide by.
    #[command(
        after_help = "Examples:\n  mentor-agree report\n  mentor-agree report --from 2026-01-01 --to 2026-12-31\n  \
                      mentor-agree report --format csv > report.csv\n  mentor-agree report --format md >> $GITHUB_STEP_SUMMARY\n\n\
                      `render --site` adds the same figures as a dashboard (report.html).\n\n\
                      Exit status: 0 reported, 2 could not run."
    )]
    #[command(display_order = 4)]
    Report(ReportArgs),

    /// Sign an agreement, or renew a signature after the terms changed.
    ///
    /// Adds the role's [[signatures]] entry, or replaces the one it has, with the
    /// name, the date and the digest of the current terms (what `mentor-agree terms
    /// FILE` prints). In a program with rules.signatures.method = "ssh", --key signs
    /// a statement of the role, name, date and terms digest (what `mentor-agree terms
    /// FILE --statement ROLE` prints) with an SSH key (namespace mentor-agree), as
    /// `ssh-keygen -Y sign` does, as the party's email; `check` verifies it against
    /// the program's allowed_signers file. The file is re-checked before it is
    /// written: a signature with another name than the party's, a date after today,
    /// or a key the allowed_signers file does not list for the party's email is
    /// refused, and the file is left as it was.
    #[command(
        after_help = "Examples:\n  mentor-agree sign agreements/2026-12-ada-lovelace-grace-hopper.toml --role mentor\n  \
                      mentor-agree sign FILE --role mentee --date 2026-11-30\n  \
                      mentor-agree sign FILE --role lead --key ~/.ssh/id_ed25519\n  \
                      mentor-agree sign FILE --role mentor --key ~/.ssh/id_ed25519.pub   # the ssh-agent's key\n  \
                      mentor-agree sign FILE --role mentee --key ~/.ssh/id_ed25519 --dry-run\n\n\
                      Exit status: 0 signed, 1 refused (the file is unchanged), 2 could not run."
    )]
    #[command(display_order = 5)]
    Sign(SignArgs),

    /// Render an agreement as Markdown or a self-contained HTML page, or a whole site.
    ///
    /// The rendered agreement is the full document a person reads and signs: the
    /// parties, topics, expectations and duties, meetings, term, SMART goals,
    /// review checkpoints, the program's clauses, check-ins, termination and the
    /// signature block. A file with check errors still renders, with a banner
    /// listing them (`--strict` refuses instead). A program can replace any built-in
    /// template by putting a file of the same name (e.g. `templates/agreement.html.tera`)
    /// in a `templates/` folder next to its program.toml.
    ///
    /// With `--site OUTDIR`, writes OUTDIR/index.html (a sortable table of every
    /// agreement) and one page per agreement; paths default like `check`.
    #[command(
        after_help = "Examples:\n  mentor-agree render agreements/2026-09-maya-okafor-tomas-rivera.toml\n  mentor-agree render agreements/2026-09-maya-okafor-tomas-rivera.toml -o agreement.html\n  mentor-agree render FILE --format html > agreement.html\n  mentor-agree render --site public/\n  mentor-agree render --site public/ agreements/ --strict"
    )]
    #[command(display_order = 6)]
    Render(RenderArgs),

    /// Remove the lock file a killed edit left behind.
    ///
    /// An edit (`sign`, `checkin`, `extend`, `terminate`) holds FILE.lock while it
    /// runs. When it is killed (SIGKILL, a power cut), the lock stays and the next
    /// edit stops, naming it. `unlock` removes FILE.lock, but only when no running
    /// process holds it: the file itself was never changed, and the killed edit is
    /// simply not made.
    #[command(after_help = "Examples:\n  mentor-agree unlock agreements/2026-12-ada-lovelace-grace-hopper.toml\n\n\
                      Exit status: 0 removed (or not locked), 1 a running command holds the lock, 2 could not run.")]
    #[command(display_order = 15)]
    Unlock(UnlockArgs),
    /// Print the JSON Schema of the agreement format, for editors and validators.
    ///
    /// JSON Schema draft 2020-12, generated from the same key lists `check` uses.
    /// Point Taplo / Even Better TOML at it with a `#:schema ../agreement.schema.json`
    /// comment on an agreement's first line (the path is relative to the agreement),
    /// or with a `.taplo.toml` rule; `mentor-agree init` sets both up.
    #[command(
        after_help = "Examples:\n  mentor-agree schema -o agreement.schema.json\n  mentor-agree schema | check-jsonschema --schemafile /dev/stdin agreement.json"
    )]
    #[command(display_order = 12)]
    Schema(SchemaArgs),

    /// Run the language server, for live diagnostics, hover, completion and quick fixes in an editor.
    ///
    /// Speaks the Language Server Protocol on stdin and stdout; an editor starts
    /// it (see docs/editors.md for VS Code, Neovim, Helix and Zed). Each open
    /// agreement is checked as you type, under its own program.toml, with the
    /// diagnostics `check` gives; saving program.toml re-checks the open files.
    /// `--program` and `--today` apply as they do to `check`.
    #[command(after_help = "Examples:\n  mentor-agree lsp\n  mentor-agree lsp --program ../program.toml")]
    #[command(display_order = 12)]
    Lsp(LspArgs),

    /// Print a shell completion script.
    ///
    /// Write the output to the place your shell loads completions from.
    #[command(
        after_help = "Examples:\n  mentor-agree completions bash > ~/.local/share/bash-completion/completions/mentor-agree\n  mentor-agree completions zsh > \"${fpath[1]}/_mentor-agree\"\n  mentor-agree completions fish > ~/.config/fish/completions/mentor-agree.fish"
    )]
    #[command(display_order = 13)]
    Completions(CompletionsArgs),

    /// Print the man page (roff), or write one page per command to a folder.
    #[command(
        after_help = "Examples:\n  mentor-agree man | man -l -\n  mentor-agree man --out-dir /usr/local/share/man/man1"
    )]
    #[command(display_order = 14)]
    Man(ManArgs),

    /// Export sessions, reviews and goal due dates as an iCalendar (.ics) file: one pair's, or the whole program's.
    ///
    /// The sessions become one recurring event (weekly, fortnightly, every N weeks
    /// or monthly, until the term's last day); review checkpoints, goal due dates,
    /// the next check-in due and the last day are all-day events. Every event
    /// names the pair and invites the mentor and the mentee who have an email. Event UIDs derive from the agreement
    /// id, so importing an updated file again updates the events instead of
    /// duplicating them. Sessions are all-day events unless `--time` is given.
    ///
    /// Given a folder, several files, or nothing (the program's agreements
    /// folder), it writes one feed for the program team with every pair's
    /// events, each with the same UID as in that pair's own calendar. Files with
    /// errors are reported and left out, everyone else's events are written, and
    /// the exit status is 1; a single file with errors is refused.
    #[command(
        after_help = "Examples:\n  mentor-agree calendar agreements/2026-12-ada-grace.toml -o ada-grace.ics\n  mentor-agree calendar agreements/2026-12-ada-grace.toml --time 17:30 > ada-grace.ics\n  mentor-agree calendar agreements/ -o program.ics"
    )]
    #[command(display_order = 10)]
    Calendar(CalendarArgs),
    /// Start a program repo: program.toml, agreements/, CI workflow, pre-commit hook.
    ///
    /// Writes a program.toml listing every rule with its built-in default (edit it
    /// to set your program's rules), an empty agreements/ folder, a GitHub Actions
    /// workflow that runs `mentor-agree check` on every push and pull request,
    /// a pre-commit hook that checks changed agreement files, and editor support:
    /// agreement.schema.json with a .taplo.toml that applies it to agreements (for
    /// Taplo and VS Code's Even Better TOML). Works inside an
    /// existing git repo; never overwrites a file (it names the ones in the way
    /// and writes nothing).
    #[command(
        after_help = "Examples:\n  mentor-agree init\n  mentor-agree init mentoring-2027 && cd mentoring-2027 && git init"
    )]
    #[command(display_order = 1)]
    Init(InitArgs),

    /// Draft a new agreement with a pair, question by question.
    ///
    /// Asks for the mentor, mentee, lead, topics, schedule, term, reviews and
    /// SMART goals, pre-filled from program.toml, and checks each answer against
    /// the program rules as it is given (with the same codes as `check`). Every
    /// question has a flag; a flag answers its question, which is then not asked.
    /// Without a terminal, every answer must come from flags (or `--yes` for the
    /// ones with defaults). Writes agreements/<id>.toml, a draft that passes
    /// `check`, after showing a summary to confirm. Ctrl-C leaves nothing behind.
    ///
    /// With `--from PAIRS.csv`, drafts a whole cohort from a spreadsheet: one row
    /// per pair, columns named after the answer flags (`goal`, `topic`, `mode`
    /// and `also-via` may repeat, or hold several answers separated by `;`),
    /// empty cells taking the defaults `--yes` takes. Every row is checked as the
    /// questionnaire checks an answer; any error is reported as FILE:ROW:COLUMN
    /// with its code (exit 1) and nothing is written. Otherwise every draft is
    /// written, all or nothing, never over an existing file or id. Files of at
    /// most 10 MB and 10,000 rows; comma, semicolon or tab separated; UTF-8.
    #[command(
        after_help = "Examples:\n  mentor-agree new\n  mentor-agree new --from examples/cohort.csv --dry-run\n  mentor-agree new --mentor 'Maya Okafor' --mentee 'Tomás Rivera' --start 2026-12-07\n  mentor-agree new --yes --mentor 'Maya Okafor' --mentee 'Tomás Rivera' --lead 'Priya Natarajan' \\\n      --topic leadership --goal 'Run team retrospectives | 3 retrospectives run | 2027-03-15' \\\n      --print"
    )]
    #[command(display_order = 2)]
    New(Box<NewArgs>),

    /// Merge two versions of an agreement by meaning: git's merge driver.
    ///
    /// git runs it when two branches changed one agreement (see `.gitattributes`).
    /// Records either side added (signatures, check-ins, evaluations, extensions)
    /// are all kept, once each, in date order; a term changed on one side only is
    /// taken from that side. The result, written to OURS, keeps OURS's comments and
    /// layout. When the sides really contradict each other (the same term changed
    /// differently, two signatures for one role, two terminations), or a file is
    /// not an agreement, git's line-wise merge with conflict markers is written
    /// instead. Register it once per clone:
    ///
    ///   git config merge.mentor-agree.driver "mentor-agree merge-file %O %A %B --path %P"
    #[command(after_help = "Examples:\n  \
                      git config merge.mentor-agree.driver \"mentor-agree merge-file %O %A %B --path %P\"\n  \
                      echo 'agreements/*.toml merge=mentor-agree' >> .gitattributes\n  \
                      mentor-agree merge-file base.toml ours.toml theirs.toml   # by hand: the result replaces ours.toml\n\n\
                      Exit status: 0 merged, 1 conflicts left in OURS, 2 could not run (OURS unchanged).")]
    #[command(display_order = 15)]
    MergeFile(MergeFileArgs),

    /// Register the merge driver in this clone's git configuration.
    ///
    /// Runs `git config merge.mentor-agree.driver "mentor-agree merge-file %O %A %B --path %P"`
    /// (and a readable `merge.mentor-agree.name`), which git needs once per clone:
    /// `.gitattributes`, written by `init`, names the driver, but git never takes
    /// commands to run from a repository's files. Says so when `.gitattributes`
    /// does not send agreements to the driver yet.
    #[command(
        after_help = "Examples:\n  mentor-agree git-setup\n  mentor-agree git-setup --global   # every repository of this user\n\n\
                      Exit status: 0 registered, 2 not in a git repository or git failed."
    )]
    #[command(display_order = 16)]
    GitSetup(GitSetupArgs),

    /// Bring agreements written before the per-party sections into them.
    ///
    /// `new` writes one section per party for signatures, check-ins and feedback,
    /// each opened by a marker line, so that the records people add on branches of
    /// their own merge with plain git, as a git host's merge button does (it runs
    /// no merge driver). An agreement written before that has its records at the
    /// end, where two branches conflict. This adds the marker lines after
    /// everything else and moves each of those records, with the comments above
    /// it, into its party's section. Nothing else changes: not the terms (every
    /// signature stays current), not a record, not a comment. Files already in
    /// sections are left alone.
    #[command(
        after_help = "Examples:\n  mentor-agree sections                      # the program's agreements folder\n  \
                      mentor-agree sections agreements/pair.toml --dry-run\n\n\
                      Exit status: 0 done (or nothing to do), 1 a file could not be brought into sections, 2 could not run."
    )]
    #[command(display_order = 16)]
    Sections(SectionsArgs),

    /// Show what changed in an agreement's meaning, and what follows from it.
    ///
    /// Compares two versions as values, not lines (reformatting is no change):
    /// each changed term as `path: old → new`, goals added, removed or changed,
    /// records added or removed, whose signatures the change makes stale, and
    /// whether the new version passes `check`.
    ///
    /// - `diff OLD NEW`: two files.
    /// - `diff FILE [--rev REV]`: FILE at the git revision REV (default HEAD) against the working tree.
    /// - `diff --base REV [PATH…]`: every agreement changed since HEAD forked from REV (what a
    ///   pull request changes), in the working tree; paths default to the program's agreements folder.
    #[command(
        after_help = "Examples:\n  mentor-agree diff agreements/pair.toml                 # uncommitted changes\n  \
                      mentor-agree diff agreements/pair.toml --rev HEAD~3\n  \
                      mentor-agree diff old.toml new.toml --format json\n  \
                      mentor-agree diff --base origin/main --format md >> \"$GITHUB_STEP_SUMMARY\"\n\n\
                      Exit status: 0 compared, 2 could not run (a bad revision, a file that is not TOML)."
    )]
    #[command(display_order = 17)]
    Diff(DiffArgs),
}

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    /// Indented lines for people.
    #[default]
    Human,
    /// A JSON array, one object per file.
    Json,
    /// Markdown, e.g. for `$GITHUB_STEP_SUMMARY`.
    Md,
}

/// `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// OLD NEW; or FILE (against --rev); or, with --base, files and folders to limit to.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Compare FILE at this git revision with the working tree [default: HEAD].
    #[arg(long, value_name = "REV", conflicts_with = "base")]
    pub rev: Option<String>,
    /// Every agreement changed between this git revision and the working tree.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

/// `git-setup`.
#[derive(Debug, Args)]
pub struct GitSetupArgs {
    /// A folder inside the repository.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Register the driver in the user's git configuration instead of the repository's.
    #[arg(long)]
    pub global: bool,
}

/// `sections`.
#[derive(Debug, Args)]
pub struct SectionsArgs {
    /// Files or folders (default: the program's agreements folder).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print each result instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
}

/// `merge-file` (git's %O %A %B %P).
#[derive(Debug, Args)]
pub struct MergeFileArgs {
    /// The common ancestor's version (git's %O; may be empty).
    pub base: PathBuf,
    /// Our version (git's %A); the result is written here.
    pub ours: PathBuf,
    /// Their version (git's %B).
    pub theirs: PathBuf,
    /// The file's path in the repository (git's %P), for messages and conflict markers.
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
    /// Length of conflict markers (git's %L).
    #[arg(long, value_name = "N", default_value_t = 7, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub marker_size: u16,
}

/// `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to set up (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// `new`: one flag per question.
#[derive(Debug, Args, Default)]
pub struct NewArgs {
    /// The mentor's full name.
    #[arg(long, value_name = "NAME", help_heading = "Answers")]
    pub mentor: Option<String>,
    /// The mentor's email address ("" for none).
    #[arg(long, value_name = "EMAIL", help_heading = "Answers")]
    pub mentor_email: Option<String>,
    /// The mentee's full name.
    #[arg(long, value_name = "NAME", help_heading = "Answers")]
    pub mentee: Option<String>,
    /// The mentee's email address ("" for none).
    #[arg(long, value_name = "EMAIL", help_heading = "Answers")]
    pub mentee_email: Option<String>,
    /// The initiative lead's full name (default: [program].lead).
    #[arg(long, value_name = "NAME", help_heading = "Answers")]
    pub lead: Option<String>,
    /// The initiative lead's email address ("" for none, also when program.toml names one).
    #[arg(long, value_name = "EMAIL", help_heading = "Answers")]
    pub lead_email: Option<String>,
    /// A topic of focus (repeat for several).
    #[arg(long = "topic", value_name = "TOPIC", help_heading = "Answers")]
    pub topics: Vec<String>,
    /// How often the pair meets: weekly, fortnightly, monthly or "every N weeks".
    #[arg(long, value_name = "FREQUENCY", help_heading = "Answers")]
    pub frequency: Option<String>,
    /// Length of one session in minutes.
    #[arg(long, value_name = "N", allow_negative_numbers = true, help_heading = "Answers")]
    pub minutes: Option<i64>,
    /// How sessions are held, e.g. "video call" (repeat for several).
    #[arg(long = "mode", value_name = "MODE", help_heading = "Answers")]
    pub modes: Vec<String>,
    /// A channel between sessions, e.g. email (repeat for several).
    #[arg(long = "also-via", value_name = "CHANNEL", help_heading = "Answers")]
    pub also_via: Vec<String>,
    /// First day of the term (default: next Monday).
    #[arg(long, value_name = "DATE", value_parser = parse_date, help_heading = "Answers")]
    pub start: Option<NaiveDate>,
    /// Length of the term in calendar months.
    #[arg(long, value_name = "N", conflicts_with = "weeks", allow_negative_numbers = true, help_heading = "Answers")]
    pub months: Option<i64>,
    /// Length of the term in weeks.
    #[arg(long, value_name = "N", allow_negative_numbers = true, help_heading = "Answers")]
    pub weeks: Option<i64>,
    /// A review checkpoint every N months from the start.
    #[arg(long, value_name = "N", allow_negative_numbers = true, help_heading = "Answers")]
    pub review_every_months: Option<i64>,
    /// A SMART goal: 'GOAL | MEASURE | DUE[ | WHY]' (repeat for several).
    #[arg(long = "goal", value_name = "'GOAL | MEASURE | DUE[ | WHY]'", help_heading = "Answers")]
    pub goals: Vec<String>,

    /// Accept the defaults of every question that has one, without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Write the agreement to stdout instead of a file.
    #[arg(long, conflicts_with = "out")]
    pub print: bool,
    /// Write the agreement here instead of <agreements folder>/<id>.toml.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Draft a whole cohort: one agreement per row of a CSV file whose columns
    /// are named after the answer flags (mentor, mentor-email, …, start, months,
    /// goal). Every row is checked first: if any has an error, nothing is written.
    #[arg(
        long,
        value_name = "PAIRS.csv",
        help_heading = "Cohort",
        conflicts_with_all = [
            "mentor", "mentor_email", "mentee", "mentee_email", "lead", "lead_email", "topics", "frequency",
            "minutes", "modes", "also_via", "start", "months", "weeks", "review_every_months", "goals", "print", "out",
        ]
    )]
    pub from: Option<PathBuf>,
    /// With --from: check every row and list the files it would write, writing nothing.
    #[arg(long, requires = "from", help_heading = "Cohort")]
    pub dry_run: bool,
}

/// Output format of `check` (the library's [`mentor_agree::output::diagnostics::Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// rustc-style report with source lines and carets.
    Human,
    /// One JSON document.
    Json,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
    /// SARIF 2.1.0 log, for GitHub code scanning and other dashboards.
    Sarif,
}

impl From<CheckFormat> for mentor_agree::output::diagnostics::Format {
    fn from(f: CheckFormat) -> Self {
        use mentor_agree::output::diagnostics::Format;
        match f {
            CheckFormat::Human => Format::Human,
            CheckFormat::Json => Format::Json,
            CheckFormat::Github => Format::Github,
            CheckFormat::Sarif => Format::Sarif,
        }
    }
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the program's agreements folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Report missing signatures as errors (code `unsigned`).
    #[arg(long)]
    pub require_signed: bool,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Fail on what fell due with time too (overdue check-ins, reviews and goals,
    /// a missing closing review): without it they are shown but never fail, so
    /// an unchanged file's check never turns red as days pass.
    #[arg(long)]
    pub include_due: bool,
    /// Report and fail on only the agreements changed since this git revision
    /// (from its fork point, as a pull request), and every agreement under a
    /// changed program.toml, allowed signers file or templates folder.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Explain a diagnostic code (what it checks, why, how to fix, an example) and exit.
    #[arg(long, value_name = "CODE", conflicts_with = "list_codes")]
    pub explain: Option<String>,
    /// List every diagnostic code with its default severity and exit.
    #[arg(long)]
    pub list_codes: bool,
    /// In a git repository, how many commits back to look for the version a stale
    /// signature covered, to say what changed since (0: don't look).
    #[arg(long, value_name = "N", default_value_t = mentor_agree::versions::history::DEFAULT_DEPTH)]
    pub history_depth: usize,
    /// Apply the safe fixes (misspelt keys, quoted dates, a missing `format`,
    /// emails with spaces or `mailto:`), then report what is left. A fix is safe
    /// when it cannot change the terms of a signed agreement.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: apply the unsafe fixes too; the signatures they make stale are named.
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,
    /// With --fix: print the changes as a diff and write nothing.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
}

/// `lsp`.
#[derive(Debug, Args)]
pub struct LspArgs {
    /// Talk over stdin and stdout (the only transport; accepted because many editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// `terms`.
#[derive(Debug, Args)]
pub struct TermsArgs {
    /// The agreement file.
    pub file: PathBuf,
    /// Print the `sha256:` digest instead of the bytes.
    #[arg(long)]
    pub digest: bool,
    /// Print the statement an SSH signature by ROLE covers instead: the role, the
    /// name, the date and the terms digest. Pipe it to `ssh-keygen -Y sign -n
    /// mentor-agree` to sign, or to `ssh-keygen -Y verify` to check a signature.
    #[arg(long, value_name = "ROLE", value_parser = RoleParser::new(&Role::SIGNERS), conflicts_with = "digest")]
    pub statement: Option<Role>,
    /// With --statement: the signer's name (default: the name in ROLE's signature,
    /// else the name the agreement gives that party).
    #[arg(long, value_name = "NAME", requires = "statement")]
    pub name: Option<String>,
    /// With --statement: the day of signing (default: the date of ROLE's
    /// signature, else today).
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "statement")]
    pub date: Option<NaiveDate>,
    /// With --statement: the statement of ROLE's consent to the extension agreed
    /// on DATE instead (over the terms digest its signature names, else the current one).
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "statement", conflicts_with = "termination")]
    pub extension: Option<NaiveDate>,
    /// With --statement: the statement of ROLE's consent to the termination instead.
    #[arg(long, requires = "statement")]
    pub termination: bool,
}

/// `--date`, `--dry-run` and the file, shared by the editing commands.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The agreement file.
    pub file: PathBuf,
    /// The day it happened (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Print the resulting file instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
}

impl NewArgs {
    /// The answers and choices given as flags, for the library's questionnaire:
    /// one line per answer flag of its question table (a test below holds the
    /// flags against it).
    pub fn given(&self) -> mentor_agree::scaffold::questionnaire::interview::Given {
        let mut g = mentor_agree::scaffold::questionnaire::interview::Given::default();
        (g.yes, g.print, g.out) = (self.yes, self.print, self.out.clone());
        g.answer("mentor", self.mentor.clone());
        g.answer("mentor-email", self.mentor_email.clone());
        g.answer("mentee", self.mentee.clone());
        g.answer("mentee-email", self.mentee_email.clone());
        g.answer("lead", self.lead.clone());
        g.answer("lead-email", self.lead_email.clone());
        g.answer("topic", self.topics.clone());
        g.answer("frequency", self.frequency.clone());
        g.answer("minutes", self.minutes);
        g.answer("mode", self.modes.clone());
        g.answer("also-via", self.also_via.clone());
        g.answer("start", self.start);
        g.answer("months", self.months);
        g.answer("weeks", self.weeks);
        g.answer("review-every-months", self.review_every_months);
        g.answer("goal", self.goals.clone());
        g
    }
}

/// `extend`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("length").required(true).args(["months", "weeks"])))]
pub struct ExtendArgs {
    /// File, date, dry run.
    #[command(flatten)]
    pub edit: EditArgs,
    /// Extend by this many calendar months.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=120))]
    pub months: Option<u32>,
    /// Extend by this many weeks.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=520))]
    pub weeks: Option<u32>,
    /// Who agreed to the extension (comma-separated; both mentor and mentee must).
    #[arg(long, value_parser = RoleParser::new(&Role::SIGNERS), value_delimiter = ',', default_value = "mentor,mentee", value_name = "ROLES")]
    pub by: Vec<Role>,
    /// Sign the extension with this SSH key as `--role` (programs with SSH
    /// signatures, where an extension counts once mentor and mentee both signed
    /// it: the other adds theirs with `sign FILE --extension --role R --key K`).
    #[arg(long, value_name = "KEY_FILE", requires = "role")]
    pub key: Option<PathBuf>,
    /// Who signs with --key: mentor or mentee.
    #[arg(long, value_name = "ROLE", value_parser = RoleParser::new(&Role::PARTIES), requires = "key")]
    pub role: Option<Role>,
}

/// `checkin`.
#[derive(Debug, Args)]
pub struct CheckinArgs {
    /// File, date, dry run.
    #[command(flatten)]
    pub edit: EditArgs,
    /// Who reports.
    #[arg(long, value_name = "ROLE", value_parser = RoleParser::new(&Role::REPORTERS))]
    pub by: Role,
    /// A short progress note (never confidential session content).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// File, date, dry run.
    #[command(flatten)]
    pub edit: EditArgs,
    /// Who took part (repeat for each; default: mentor and mentee).
    #[arg(long, value_name = "ROLE", value_parser = RoleParser::new(&Role::PARTICIPANTS))]
    pub by: Vec<Role>,
    /// A goal's status, by number: N=STATUS or N=STATUS:NOTE (repeat for each goal).
    #[arg(long, value_name = "N=STATUS[:NOTE]", value_parser = parse_goal_update)]
    pub goal: Vec<GoalUpdate>,
    /// Reflection: what works.
    #[arg(long, value_name = "TEXT")]
    pub working: Option<String>,
    /// Reflection: what to change.
    #[arg(long, value_name = "TEXT")]
    pub improve: Option<String>,
    /// This is the final review of the relationship.
    #[arg(long)]
    pub closing: bool,
}

/// `feedback`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["form", "read", "reseal"])))]
pub struct FeedbackArgs {
    /// The agreement file (with --read: files or folders; default the program's agreements).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The form to answer (its id in program.toml).
    #[arg(long, value_name = "ID", requires = "by", conflicts_with = "read")]
    pub form: Option<String>,
    /// Who answers.
    #[arg(long, value_name = "ROLE", value_parser = RoleParser::new(&Role::SIGNERS))]
    pub by: Option<Role>,
    /// An answer, by question id (repeat for each question).
    #[arg(long, value_name = "Q=VALUE")]
    pub answer: Vec<String>,
    /// The day answered (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Print the resulting file instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Print every recorded answer, `team` answers decrypted with --identity.
    #[arg(long, requires = "identity", conflicts_with = "reseal")]
    pub read: bool,
    /// Seal every confidential block --identity opens again, to the keys in
    /// team_recipients now (after a change of team); answers are unchanged.
    #[arg(long, requires = "identity", conflicts_with = "form")]
    pub reseal: bool,
    /// A private key of the program team: an OpenSSH ed25519 or RSA key, or an age identity file.
    #[arg(long, value_name = "KEY")]
    pub identity: Option<PathBuf>,
}

/// One `--goal N=STATUS[:NOTE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalUpdate {
    /// Goal number, 1-based.
    pub goal: u32,
    /// The status now.
    pub status: mentor_agree::format::agreement::GoalStatus,
    /// A short note.
    pub note: Option<String>,
}

/// Parses `N=STATUS` or `N=STATUS:NOTE`.
pub fn parse_goal_update(s: &str) -> Result<GoalUpdate, String> {
    use mentor_agree::format::agreement::GoalStatus;
    let (n, rest) = s.split_once('=').ok_or_else(|| format!("`{s}` is not N=STATUS (e.g. 1=achieved)"))?;
    let goal = n
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("`{}` is not a goal number: goals are numbered 1, 2, … in file order", n.trim()))?;
    let (status, note) = match rest.split_once(':') {
        Some((st, note)) => (st, Some(note.trim().to_string()).filter(|n| !n.is_empty())),
        None => (rest, None),
    };
    let status = GoalStatus::from_typed(status)?;
    Ok(GoalUpdate { goal, status, note })
}

/// `terminate`.
#[derive(Debug, Args)]
pub struct TerminateArgs {
    /// File, date (the day it ends), dry run.
    #[command(flatten)]
    pub edit: EditArgs,
    /// Who gives notice.
    #[arg(long, value_name = "ROLE", value_parser = RoleParser::new(&Role::TERMINATORS).program_help("The program team (an intervention)"))]
    pub by: Role,
    /// Why it ends.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// With --by program: when the concern was reported to the program team.
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "hearing")]
    pub reported: Option<NaiveDate>,
    /// With --by program: when both parties could give their side.
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "reported")]
    pub hearing: Option<NaiveDate>,
    /// Sign the notice with this SSH key (programs with SSH signatures): the
    /// key of whoever gives notice, the lead's for `--by program`.
    #[arg(long, value_name = "KEY_FILE")]
    pub key: Option<PathBuf>,
}

/// Output format of `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StatusFormat {
    /// A table for people.
    #[default]
    Table,
    /// A JSON array, one object per agreement.
    Json,
    /// CSV with a header row (RFC 4180), for spreadsheets; cells that a
    /// spreadsheet would run as a formula start with `'`.
    Csv,
}

/// `agenda --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AgendaFormat {
    /// A table for people (fits 80 columns).
    #[default]
    Table,
    /// A JSON array of items.
    Json,
    /// Markdown: a ready issue body or weekly email.
    Md,
    /// GitHub Actions annotations, one per item.
    Github,
}

/// `agenda`.
#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// Files or folders (default: the program's agreements folder).
    pub paths: Vec<PathBuf>,
    /// How many days ahead to look for upcoming actions.
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub within: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AgendaFormat::Table)]
    pub format: AgendaFormat,
    /// Only the items this person (by email, any case) must act on, across the program.
    #[arg(long, value_name = "EMAIL")]
    pub person: Option<String>,
    /// List every item on a line of its own: without it, the table and Markdown
    /// gather routine check-ins and feedback forms coming due (three or more of
    /// a kind) on one line, so that what is overdue or unusual stands out.
    #[arg(long)]
    pub all: bool,
}

/// `remind`.
#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Files or folders (default: the program's agreements folder).
    pub paths: Vec<PathBuf>,
    /// Send the messages by SMTP ([reminders.smtp]) and log each one sent.
    #[arg(long)]
    pub send: bool,
    /// Write each message as an RFC 5322 .eml file into DIR (created if need be).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ReportFormat {
    /// Sections of figures for people.
    #[default]
    Table,
    /// One JSON document.
    Json,
    /// One row per figure: section, item, measure, value.
    Csv,
    /// Markdown tables (a CI step summary, an email).
    Md,
}

/// `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files or folders (default: the program's agreements folder).
    pub paths: Vec<PathBuf>,
    /// Count agreements whose term reaches this day or later.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Count agreements whose term starts on this day or earlier.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// A program team's private key (SSH or age): count the confidential
    /// (`team`) feedback answers too. Without it only `pair` answers are counted.
    #[arg(long, value_name = "KEY")]
    pub identity: Option<PathBuf>,
}

/// `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Files or folders (default: the program's agreements folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
    pub format: StatusFormat,
    /// Only agreements in these states (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "STATE", value_parser = state_parser())]
    pub state: Vec<mentor_agree::facts::derived::State>,
    /// Every column (start, effective date and last check-in too); the table
    /// otherwise fits the terminal's width (or $COLUMNS) with the columns that matter most.
    #[arg(long)]
    pub wide: bool,
}

/// Parses a state name, listing the states in `--help` and errors.
fn state_parser() -> impl clap::builder::TypedValueParser<Value = mentor_agree::facts::derived::State> {
    use clap::builder::TypedValueParser as _;
    use mentor_agree::facts::derived::State;
    clap::builder::PossibleValuesParser::new(State::ALL.map(State::as_str))
        .map(|s| State::ALL.into_iter().find(|x| x.as_str() == s).expect("a listed state"))
}

/// `sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// File, date, dry run.
    #[command(flatten)]
    pub edit: EditArgs,
    /// Who signs.
    #[arg(long, value_parser = RoleParser::new(&Role::SIGNERS))]
    pub role: Role,
    /// The signer's name (default: the name the agreement gives that party).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Sign with this SSH key: an OpenSSH private key file, or a public key file
    /// (*.pub) whose private key ssh-agent holds. The SSH signature covers the
    /// statement `mentor-agree terms FILE --statement ROLE` prints, and its signer is
    /// the party's email.
    #[arg(long, value_name = "KEY_FILE")]
    pub key: Option<PathBuf>,
    /// No longer chooses the principal: the signer is always the party's email.
    /// Accepted when it is that email, refused otherwise.
    #[arg(long, value_name = "PRINCIPAL", requires = "key", hide = true)]
    pub signer: Option<String>,
    /// Sign an extension instead of the terms: the one agreed on DATE (default:
    /// the latest). With SSH signing an extension counts once mentor and mentee
    /// both signed it.
    #[arg(long, value_name = "DATE", num_args = 0..=1, value_parser = parse_date, conflicts_with = "termination")]
    pub extension: Option<Option<NaiveDate>>,
    /// Sign the termination instead of the terms (whoever gave notice; the lead
    /// for the program). With SSH signing it ends the agreement once signed.
    #[arg(long)]
    pub termination: bool,
}

/// `unlock`.
#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// The agreement file whose FILE.lock to remove.
    pub file: PathBuf,
}

/// Output of `render FILE` (the library's [`mentor_agree::output::render::Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML page.
    Html,
}

impl From<RenderFormat> for mentor_agree::output::render::Format {
    fn from(f: RenderFormat) -> Self {
        match f {
            RenderFormat::Md => mentor_agree::output::render::Format::Md,
            RenderFormat::Html => mentor_agree::output::render::Format::Html,
        }
    }
}

/// `render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The agreement file; with --site, files or folders (default: the program's agreements folder).
    #[arg(value_name = "FILE", required_unless_present = "site")]
    pub paths: Vec<PathBuf>,
    /// Output format [default: html when OUT ends in .html or .htm, else md].
    #[arg(long, value_enum, conflicts_with = "site")]
    pub format: Option<RenderFormat>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "OUT", conflicts_with = "site")]
    pub out: Option<PathBuf>,
    /// Refuse (exit 1) to render when check finds errors.
    #[arg(long)]
    pub strict: bool,
    /// Write an HTML site into OUTDIR: index.html and one page per agreement.
    #[arg(long, value_name = "OUTDIR")]
    pub site: Option<PathBuf>,
    /// With --site: write into OUTDIR even when it has files and was not made by `render --site`.
    #[arg(long, requires = "site")]
    pub force: bool,
}

/// `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write mentor-agree.1 and one mentor-agree-COMMAND.1 per command into this folder.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// `calendar`.
#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// Agreement files or folders (default: the program's agreements folder).
    /// One file gives that pair's calendar; a folder or several files give one
    /// feed with every pair's events.
    pub paths: Vec<PathBuf>,
    /// Write the calendar to this file instead of stdout.
    #[arg(short, long, value_name = "OUT.ics")]
    pub out: Option<PathBuf>,
    /// Local start time of each session (HH:MM); sessions then last `session_minutes`.
    #[arg(long, value_name = "HH:MM", value_parser = parse_time)]
    pub time: Option<chrono::NaiveTime>,
}

/// Parses HH:MM (24-hour).
pub fn parse_time(s: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| format!("`{s}` is not a time of the form HH:MM (24-hour)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_need_a_four_digit_year() {
        assert_eq!(parse_date("2027-01-31"), Ok(NaiveDate::from_ymd_opt(2027, 1, 31).unwrap()));
        for bad in ["26-1-1", "0026-01-01x", "2027/01/31", "2027-02-30", "", "2027"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert!(parse_date("26-1-1").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2027-02-30").unwrap_err().contains("not a day of the calendar"));
    }

    /// `new`'s arguments, built (so arities and value parsers are filled in).
    fn new_command() -> clap::Command {
        use clap::CommandFactory;
        let mut cli = Cli::command();
        cli.build();
        cli.find_subcommand("new").expect("a `new` subcommand").clone()
    }

    #[test]
    fn new_s_answer_flags_are_exactly_the_question_table_s() {
        use mentor_agree::scaffold::questions::{self, Kind};
        use std::any::TypeId;
        let new = new_command();
        for flag in questions::flags() {
            let name = flag.name;
            let arg = new.get_arguments().find(|a| a.get_long() == Some(name));
            let arg = arg.unwrap_or_else(|| panic!("the table's --{name} is not a flag of `new`"));
            assert_eq!(arg.get_help_heading(), Some("Answers"), "--{name}");
            assert_eq!(arg.get_value_names().unwrap_or_default(), [flag.value_name], "--{name}");
            assert_eq!(arg.get_num_args(), Some(1.into()), "--{name} takes one value each time");
            let action = if flag.repeats { clap::ArgAction::Append } else { clap::ArgAction::Set };
            assert_eq!(format!("{:?}", arg.get_action()), format!("{action:?}"), "--{name}: repeats?");
            let parsed = arg.get_value_parser().type_id();
            let want = match flag.kind {
                Kind::Text | Kind::Email | Kind::Goal => TypeId::of::<String>(),
                Kind::Number => TypeId::of::<i64>(),
                Kind::Date => TypeId::of::<NaiveDate>(),
            };
            assert!(parsed == want, "--{name} is parsed as {parsed:?}, the table says {:?}", flag.kind);
            if flag.kind == Kind::Number {
                assert!(arg.is_allow_negative_numbers_set(), "--{name}: negative numbers are for the rules to refuse");
            }
        }
        for arg in new.get_arguments().filter(|a| a.get_help_heading() == Some("Answers")) {
            let long = arg.get_long().unwrap_or_default();
            assert!(questions::flag(long).is_some(), "--{long} answers a question but is not in the question table");
        }
        // A cohort file answers every question: --from takes none of the answer flags.
        let from = new.get_arguments().find(|a| a.get_long() == Some("from")).expect("--from");
        let conflicts: Vec<&str> = new.get_arg_conflicts_with(from).iter().filter_map(|a| a.get_long()).collect();
        for flag in questions::flags() {
            assert!(conflicts.contains(&flag.name), "--from does not conflict with --{}", flag.name);
        }
    }

    #[test]
    fn every_answer_flag_reaches_the_questionnaire() {
        use mentor_agree::scaffold::questions::{self, Kind, Value};
        // One flag at a time (--months and --weeks exclude each other).
        for flag in questions::flags() {
            let sample = match flag.kind {
                Kind::Text | Kind::Email => "x",
                Kind::Number => "-3",
                Kind::Date => "2027-01-04",
                Kind::Goal => "a | b | 2027-01-04",
            };
            let times = if flag.repeats { 2 } else { 1 };
            let mut line = vec!["mentor-agree".to_string(), "new".to_string()];
            for _ in 0..times {
                line.extend([format!("--{}", flag.name), sample.to_string()]);
            }
            let cli = Cli::try_parse_from(&line).unwrap_or_else(|e| panic!("{e}"));
            let Command::New(args) = cli.command else { panic!("not `new`") };
            let given = args.given();
            for other in questions::flags().filter(|f| f.name != flag.name) {
                assert!(given.values(other.name).is_empty(), "--{} gives --{}", flag.name, other.name);
            }
            let values = given.values(flag.name);
            assert_eq!(values.len(), times, "--{} is lost on the way: {values:?}", flag.name);
            let typed = match (&values[0], flag.kind) {
                (Value::Number(n), Kind::Number) => *n == -3,
                (Value::Date(d), Kind::Date) => d.to_string() == "2027-01-04",
                (Value::Text(t), Kind::Text | Kind::Email) => t == "x",
                (Value::Text(t), Kind::Goal) => t == "a | b | 2027-01-04",
                _ => false,
            };
            assert!(typed, "--{}: {:?} for a {:?}", flag.name, values[0], flag.kind);
        }
    }

    #[test]
    fn a_cohort_file_s_columns_are_new_s_answer_flags() {
        use mentor_agree::scaffold::cohort;
        use std::path::Path;
        let unknown = |header: &str| -> Vec<String> {
            let text = format!("{header}\n{}\n", vec!["x"; header.split(',').count()].join(","));
            let sheet = cohort::parse(text.as_bytes(), Path::new("p.csv")).expect("a small file");
            sheet
                .problems
                .iter()
                .filter(|p| p.message.starts_with("unknown column"))
                .map(|p| p.message.clone())
                .collect()
        };
        let new = new_command();
        let answers: Vec<&str> = new
            .get_arguments()
            .filter(|a| a.get_help_heading() == Some("Answers"))
            .filter_map(|a| a.get_long())
            .collect();
        assert_eq!(cohort::columns().collect::<Vec<_>>(), answers, "the columns, in the order of the flags");
        assert_eq!(unknown(&answers.join(",")), Vec::<String>::new(), "every answer flag is a column");
        for other in
            new.get_arguments().filter(|a| a.get_help_heading() != Some("Answers")).filter_map(|a| a.get_long())
        {
            assert_eq!(unknown(other).len(), 1, "--{other} is not an answer, so not a column");
        }
    }

    #[test]
    fn goal_updates_take_a_number_a_typed_status_and_a_note() {
        use mentor_agree::format::agreement::GoalStatus;
        let u = parse_goal_update("2=On track: halfway there").unwrap();
        assert_eq!((u.goal, u.status, u.note.as_deref()), (2, GoalStatus::OnTrack, Some("halfway there")));
        assert_eq!(parse_goal_update("1=achieved").unwrap().note, None);
        assert!(parse_goal_update("0=achieved").unwrap_err().contains("not a goal number"));
        assert!(parse_goal_update("achieved").unwrap_err().contains("N=STATUS"));
        assert!(parse_goal_update("1=acheived").unwrap_err().contains("did you mean `achieved`?"));
    }
}
