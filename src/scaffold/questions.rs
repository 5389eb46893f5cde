//! The questions `mentor-agree new` asks, as one table: per question its
//! [`Field`], and the answer flags that answer it, each with its name (the
//! flag is `--NAME`, the cohort file's column is `NAME`), the name of its
//! value, the kind of value it takes, whether it repeats, and where in the
//! [`Answers`] a value goes.
//!
//! Everything that lists the questions reads this table: the questionnaire's
//! order and the flags it names in messages ([`Field::flag`]), the answers
//! given as flags ([`Given`](super::questionnaire::interview::Given)), and the
//! columns of `new --from PAIRS.csv` ([`super::cohort`]). The command line
//! declares one flag per row (it needs them written out); a test of the
//! binary holds those flags against this table, so the two cannot drift.
//!
//! Adding a question is a row here plus its field: the [`Answers`] slot, its
//! [`Field`] variant with the codes `check` raises about it, how it is written
//! into the file, asked on a terminal and defaulted.

use chrono::NaiveDate;

use super::questionnaire::{Answers, Field, GoalAnswer};

/// What a flag's value (or a column's cell) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text, taken as written.
    Text,
    /// An email address; as a flag, `""` or `-` means "no email".
    Email,
    /// A whole number (negative numbers are read, for the rules to refuse).
    Number,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A SMART goal, `GOAL | MEASURE | DUE[ | WHY]` ([`GoalAnswer::parse_flag`]).
    Goal,
}

/// One value given for an answer flag or read from a cell, typed by its [`Kind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// [`Kind::Text`] and [`Kind::Email`]; a goal as typed, before it is read.
    Text(String),
    /// [`Kind::Number`].
    Number(i64),
    /// [`Kind::Date`].
    Date(NaiveDate),
    /// [`Kind::Goal`], read.
    Goal(GoalAnswer),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n)
    }
}

impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Self {
        Value::Date(d)
    }
}

impl Value {
    fn text(self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    fn number(self) -> Option<i64> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    fn date(self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(d),
            _ => None,
        }
    }

    fn goal(self) -> Option<GoalAnswer> {
        match self {
            Value::Goal(g) => Some(g),
            _ => None,
        }
    }
}

/// An answer flag of `new`, which is also a column of `new --from PAIRS.csv`.
#[derive(Debug)]
pub struct Flag {
    /// The flag without its dashes (`mentor-email` is `--mentor-email`), and the column's name.
    pub name: &'static str,
    /// The value's name, as `--help` shows it (`EMAIL`).
    pub value_name: &'static str,
    /// What the value is.
    pub kind: Kind,
    /// Whether the flag may be given several times (the column repeated, or
    /// several answers in one cell separated by `;`).
    pub repeats: bool,
    /// Puts one value into the answers: sets it, or for a repeating flag adds it.
    put: fn(&mut Answers, Value),
}

impl Flag {
    /// Puts one value (of this flag's [`Kind`]) into `answers`: sets the answer,
    /// or for a repeating flag adds one more.
    pub fn put(&self, answers: &mut Answers, value: Value) {
        (self.put)(answers, value);
    }

    /// `--name VALUE`, as `--help` and the messages of `new` show it.
    pub fn usage(&self) -> String {
        format!("--{} {}", self.name, self.value_name)
    }
}

/// Whether a question has a default (what `new --yes` and an empty cell take).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HasDefault {
    /// None: every agreement must answer it (its column is required in a cohort file).
    Never,
    /// The program's, when `program.toml` names one.
    FromProgram,
    /// Always one (for an email: none).
    Always,
}

/// A question of `new`, answered by its flags.
#[derive(Debug)]
pub struct Question {
    /// The question.
    pub field: Field,
    /// The flags (and columns) that answer it; the term's length has two.
    pub flags: &'static [Flag],
    /// Whether it has a default.
    pub default: HasDefault,
    /// Whether `answers` answer it.
    answered: fn(&Answers) -> bool,
}

impl Question {
    /// Whether `answers` answer this question.
    pub fn answered(&self, answers: &Answers) -> bool {
        (self.answered)(answers)
    }
}

/// A single-valued flag.
const fn one(name: &'static str, value_name: &'static str, kind: Kind, put: fn(&mut Answers, Value)) -> Flag {
    Flag { name, value_name, kind, repeats: false, put }
}

/// A flag that may be given several times.
const fn many(name: &'static str, value_name: &'static str, kind: Kind, put: fn(&mut Answers, Value)) -> Flag {
    Flag { name, value_name, kind, repeats: true, put }
}

/// Every question of `new`, in the order it asks them (goals are asked one by
/// one at the end), with the flags that answer each.
pub static QUESTIONS: [Question; 15] = [
    Question {
        field: Field::Mentor,
        flags: &[one("mentor", "NAME", Kind::Text, |a, v| a.mentor = v.text())],
        default: HasDefault::Never,
        answered: |a| a.mentor.is_some(),
    },
    Question {
        field: Field::MentorEmail,
        flags: &[one("mentor-email", "EMAIL", Kind::Email, |a, v| a.mentor_email = v.text())],
        default: HasDefault::Always,
        answered: |a| a.mentor_email.is_some(),
    },
    Question {
        field: Field::Mentee,
        flags: &[one("mentee", "NAME", Kind::Text, |a, v| a.mentee = v.text())],
        default: HasDefault::Never,
        answered: |a| a.mentee.is_some(),
    },
    Question {
        field: Field::MenteeEmail,
        flags: &[one("mentee-email", "EMAIL", Kind::Email, |a, v| a.mentee_email = v.text())],
        default: HasDefault::Always,
        answered: |a| a.mentee_email.is_some(),
    },
    Question {
        field: Field::Lead,
        flags: &[one("lead", "NAME", Kind::Text, |a, v| a.lead = v.text())],
        default: HasDefault::FromProgram,
        answered: |a| a.lead.is_some(),
    },
    Question {
        field: Field::LeadEmail,
        flags: &[one("lead-email", "EMAIL", Kind::Email, |a, v| a.lead_email = v.text())],
        default: HasDefault::Always,
        answered: |a| a.lead_email.is_some(),
    },
    Question {
        field: Field::Topics,
        flags: &[many("topic", "TOPIC", Kind::Text, |a, v| a.topics.extend(v.text()))],
        default: HasDefault::Never,
        answered: |a| !a.topics.is_empty(),
    },
    Question {
        field: Field::Frequency,
        flags: &[one("frequency", "FREQUENCY", Kind::Text, |a, v| a.frequency = v.text())],
        default: HasDefault::Always,
        answered: |a| a.frequency.is_some(),
    },
    Question {
        field: Field::Minutes,
        flags: &[one("minutes", "N", Kind::Number, |a, v| a.minutes = v.number())],
        default: HasDefault::Always,
        answered: |a| a.minutes.is_some(),
    },
    Question {
        field: Field::Modes,
        flags: &[many("mode", "MODE", Kind::Text, |a, v| a.modes.get_or_insert_with(Vec::new).extend(v.text()))],
        default: HasDefault::Always,
        answered: |a| a.modes.as_ref().is_some_and(|m| !m.is_empty()),
    },
    Question {
        field: Field::AlsoVia,
        flags: &[many("also-via", "CHANNEL", Kind::Text, |a, v| a.also_via.extend(v.text()))],
        default: HasDefault::Always,
        answered: |a| !a.also_via.is_empty(),
    },
    Question {
        field: Field::Start,
        flags: &[one("start", "DATE", Kind::Date, |a, v| a.start = v.date())],
        default: HasDefault::Always,
        answered: |a| a.start.is_some(),
    },
    Question {
        field: Field::Term,
        flags: &[
            one("months", "N", Kind::Number, |a, v| a.months = v.number()),
            one("weeks", "N", Kind::Number, |a, v| a.weeks = v.number()),
        ],
        default: HasDefault::Always,
        answered: |a| a.months.is_some() || a.weeks.is_some(),
    },
    Question {
        field: Field::Reviews,
        flags: &[one("review-every-months", "N", Kind::Number, |a, v| a.review_every_months = v.number())],
        default: HasDefault::Always,
        answered: |a| a.review_every_months.is_some(),
    },
    Question {
        field: Field::Goals,
        flags: &[many("goal", "'GOAL | MEASURE | DUE[ | WHY]'", Kind::Goal, |a, v| a.goals.extend(v.goal()))],
        default: HasDefault::Never,
        answered: |a| !a.goals.is_empty(),
    },
];

/// The questions' fields, in the order `new` asks them.
pub fn order() -> impl ExactSizeIterator<Item = Field> {
    QUESTIONS.iter().map(|q| q.field)
}

/// The question `field` belongs to (a goal's parts belong to [`Field::Goals`]).
pub fn question(field: Field) -> &'static Question {
    let field = match field {
        Field::GoalText(_) | Field::GoalMeasure(_) | Field::GoalDue(_) | Field::GoalWhy(_) => Field::Goals,
        f => f,
    };
    QUESTIONS.iter().find(|q| q.field == field).expect("every question is in the table")
}

/// Every answer flag (and cohort column), in question order.
pub fn flags() -> impl Iterator<Item = &'static Flag> {
    QUESTIONS.iter().flat_map(|q| q.flags)
}

/// The answer flag (or column) named `name` (without dashes).
pub fn flag(name: &str) -> Option<&'static Flag> {
    flags().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_is_in_the_table_once_with_its_own_flags() {
        let fields: Vec<Field> = order().collect();
        for (i, f) in fields.iter().enumerate() {
            assert!(!fields[..i].contains(f), "{f:?} twice");
            assert_eq!(question(*f).field, *f);
            assert!(!question(*f).flags.is_empty(), "{f:?} has no flag");
        }
        let names: Vec<&str> = flags().map(|f| f.name).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[..i].contains(n), "--{n} twice");
            assert!(n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{n}");
        }
        assert_eq!(question(Field::GoalDue(2)).field, Field::Goals);
    }

    #[test]
    fn flags_are_named_as_help_shows_them() {
        assert_eq!(Field::MentorEmail.flag(), "--mentor-email EMAIL");
        assert_eq!(Field::Term.flag(), "--months N | --weeks N");
        assert_eq!(Field::GoalWhy(1).flag(), "--goal 'GOAL | MEASURE | DUE[ | WHY]'");
        let required: Vec<&str> =
            QUESTIONS.iter().filter(|q| q.default == HasDefault::Never).map(|q| q.flags[0].name).collect();
        assert_eq!(required, ["mentor", "mentee", "topic", "goal"]);
    }

    #[test]
    fn each_flag_puts_a_value_where_its_question_sees_it() {
        for q in &QUESTIONS {
            for f in q.flags {
                let value = match f.kind {
                    Kind::Text | Kind::Email => Value::Text("x@example.org".into()),
                    Kind::Number => Value::Number(3),
                    Kind::Date => Value::Date(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()),
                    Kind::Goal => Value::Goal(GoalAnswer { goal: "g".into(), ..GoalAnswer::default() }),
                };
                let mut a = Answers::default();
                assert!(!q.answered(&a), "{:?}", q.field);
                f.put(&mut a, value.clone());
                assert!(q.answered(&a), "--{} does not answer {:?}", f.name, q.field);
                if f.repeats {
                    let once = a.clone();
                    f.put(&mut a, value);
                    assert_ne!(a, once, "--{} repeats but a second value is lost", f.name);
                }
            }
        }
    }
}
