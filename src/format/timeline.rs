//! Date arithmetic: frequencies, term ends, session and review dates.
//!
//! Nothing here reads the clock; "today" is always passed in.

use std::fmt;

use chrono::{Datelike, Days, Month, Months, NaiveDate};

/// Weeks in an average month, as the program rules count sessions (365.25 / 12 / 7
/// is 4.348…).
pub const WEEKS_PER_MONTH: f64 = 4.35;

/// How often a pair meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// Once a week.
    Weekly,
    /// Once every two weeks.
    Fortnightly,
    /// Once a calendar month.
    Monthly,
    /// Once every N weeks, N in 3..=12 ([`Frequency::parse`] reads "every week"
    /// and "every 2 weeks" as [`Frequency::Weekly`] and [`Frequency::Fortnightly`],
    /// so that each frequency has one value whatever its spelling).
    EveryWeeks(u32),
}

/// Why a frequency text was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrequencyError {
    /// "biweekly" means twice a week to some and every two weeks to others.
    #[error("\"{0}\" is ambiguous: it means twice a week to some people and every two weeks to others")]
    Ambiguous(String),
    /// "every N weeks" with N outside 1..=12.
    #[error("\"every {0} weeks\" is outside the allowed range of 1 to 12 weeks")]
    OutOfRange(u64),
    /// Anything else.
    #[error("\"{0}\" is not a frequency")]
    Unknown(String),
}

impl Frequency {
    /// Parses `weekly`, `fortnightly`, `monthly` or `every N weeks` (case and spacing
    /// tolerant). Two spellings of one frequency give one value: `every week` and
    /// `every 1 week` are `Weekly`, `every 2 weeks` is `Fortnightly`, so a program
    /// that allows one spelling in `rules.schedule.frequencies` allows the other.
    pub fn parse(text: &str) -> Result<Frequency, FrequencyError> {
        let norm = crate::text::suggest::loose(text);
        match norm.as_str() {
            "weekly" => return Ok(Frequency::Weekly),
            "fortnightly" => return Ok(Frequency::Fortnightly),
            "monthly" => return Ok(Frequency::Monthly),
            "biweekly" | "bi-weekly" | "bimonthly" | "bi-monthly" => {
                return Err(FrequencyError::Ambiguous(text.to_string()));
            }
            _ => {}
        }
        let words: Vec<&str> = norm.split(' ').collect();
        match words.as_slice() {
            ["every", "week"] => Ok(Frequency::Weekly),
            ["every", n, "weeks" | "week"] => match n.parse::<u64>() {
                Ok(1) => Ok(Frequency::Weekly),
                Ok(2) => Ok(Frequency::Fortnightly),
                Ok(n @ 3..=12) => Ok(Frequency::EveryWeeks(n as u32)),
                Ok(n) => Err(FrequencyError::OutOfRange(n)),
                Err(_) => Err(FrequencyError::Unknown(text.to_string())),
            },
            _ => Err(FrequencyError::Unknown(text.to_string())),
        }
    }

    /// Average sessions per month, as the program rules count them: one a month,
    /// or [`WEEKS_PER_MONTH`] divided by the weeks between sessions (weekly 4.35,
    /// fortnightly 2.175, every 3 weeks 1.45).
    pub fn sessions_per_month(self) -> f64 {
        match self {
            Frequency::Monthly => 1.0,
            other => WEEKS_PER_MONTH / f64::from(other.weeks()),
        }
    }

    /// The `n`-th session date counted from `start` (session 0 is on `start`).
    pub fn session(self, start: NaiveDate, n: u32) -> Option<NaiveDate> {
        match self {
            Frequency::Monthly => start.checked_add_months(Months::new(n)),
            other => start.checked_add_days(Days::new(u64::from(other.weeks()) * 7 * u64::from(n))),
        }
    }

    fn weeks(self) -> u32 {
        match self {
            Frequency::Weekly => 1,
            Frequency::Fortnightly => 2,
            Frequency::Monthly => 4,
            Frequency::EveryWeeks(n) => n,
        }
    }

    /// The frequency in plain words ("every two weeks").
    pub fn in_words(self) -> String {
        const NUMBERS: [&str; 13] =
            ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
        match self {
            Frequency::Weekly => "every week".into(),
            Frequency::Fortnightly => "every two weeks".into(),
            Frequency::Monthly => "once a month".into(),
            Frequency::EveryWeeks(n) => format!("every {} weeks", NUMBERS.get(n as usize).copied().unwrap_or("?")),
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Frequency::Weekly => f.write_str("weekly"),
            Frequency::Fortnightly => f.write_str("fortnightly"),
            Frequency::Monthly => f.write_str("monthly"),
            Frequency::EveryWeeks(n) => write!(f, "every {n} weeks"),
        }
    }
}

/// A length of time as the format writes it: calendar months or weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// Calendar months, clamped to the month's end.
    Months(u32),
    /// Weeks of seven days.
    Weeks(u32),
}

impl Length {
    /// `date` plus this length, or `None` past the calendar's range.
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Length::Months(m) => add_months(date, m),
            Length::Weeks(w) => date.checked_add_days(Days::new(u64::from(w) * 7)),
        }
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match self {
            Length::Months(n) => (n, "month"),
            Length::Weeks(n) => (n, "week"),
        };
        f.write_str(&crate::text::plural(*n as usize, unit))
    }
}

/// Calendar-month addition, clamped to the end of the target month (Jan 31 + 1 = Feb 28/29).
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// Days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// Session dates from `start` (inclusive) up to `until` (inclusive), at most `limit` of them.
pub fn sessions_until(freq: Frequency, start: NaiveDate, until: NaiveDate, limit: u32) -> u32 {
    let mut count = 0;
    while count < limit {
        match freq.session(start, count) {
            Some(d) if d <= until => count += 1,
            _ => break,
        }
    }
    count
}

/// Review dates every `months` months after `start`, strictly before `end`.
pub fn review_dates_every(start: NaiveDate, end: NaiveDate, months: u32) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    if months == 0 {
        return out;
    }
    let mut k = 1u32;
    while let Some(d) = k.checked_mul(months).and_then(|m| add_months(start, m)) {
        if d >= end || out.len() >= 1000 {
            break;
        }
        out.push(d);
        k += 1;
    }
    out
}

/// Formats a date for people: "7 December 2026".
pub fn long_date(date: NaiveDate) -> String {
    // Same as `date.format("%-d %B %Y")`, without interpreting a format string on
    // every call: pages of a site format dozens of dates each.
    let month = Month::try_from(date.month() as u8).map_or("", |m| m.name());
    format!("{} {month} {}", date.day(), date.year())
}

/// How sessions are held, as a phrase that follows "a session, …": each mode
/// gets "by" unless it already reads as a place or manner ("in person",
/// "online", "at the office"), joined with commas and a final "or":
/// `by video call or in person`.
pub fn modes_in_words(modes: &[&str]) -> String {
    const AS_IS: [&str; 6] = ["in ", "on ", "at ", "over ", "via ", "by "];
    const WHOLE: [&str; 5] = ["in-person", "face to face", "face-to-face", "online", "remotely"];
    let phrases: Vec<String> = modes
        .iter()
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
        .map(|m| {
            let lower = m.to_lowercase();
            if AS_IS.iter().any(|p| lower.starts_with(p)) || WHOLE.contains(&lower.as_str()) {
                m.to_string()
            } else {
                format!("by {m}")
            }
        })
        .collect();
    match phrases.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Parses YYYY-MM-DD. The year must have four digits: chrono alone would read
/// `26-1-5` as the year 26.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let form = || format!("`{s}` is not a date of the form YYYY-MM-DD (e.g. 2027-01-31)");
    let four_digit_year = s.len() > 4 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) && s.as_bytes()[4] == b'-';
    if !four_digit_year {
        return Err(form());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| match e.kind() {
        chrono::format::ParseErrorKind::OutOfRange => {
            format!("`{s}` is not a day of the calendar (check the month and day)")
        }
        _ => form(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_read_well_in_a_sentence() {
        assert_eq!(modes_in_words(&["video call"]), "by video call");
        assert_eq!(modes_in_words(&["in person"]), "in person");
        assert_eq!(modes_in_words(&["video call", "In person"]), "by video call or In person");
        assert_eq!(
            modes_in_words(&["phone call", "online", "at the library"]),
            "by phone call, online or at the library"
        );
        assert_eq!(modes_in_words(&[]), "");
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d("2026-01-31"), 1), Some(d("2026-02-28")));
        assert_eq!(add_months(d("2028-01-31"), 1), Some(d("2028-02-29")));
        assert_eq!(add_months(d("2026-08-31"), 6), Some(d("2027-02-28")));
        assert_eq!(add_months(d("2026-12-07"), 6), Some(d("2027-06-07")));
        assert_eq!(Length::Weeks(26).after(d("2026-12-07")), Some(d("2027-06-07")));
    }

    #[test]
    fn parses_frequencies() {
        assert_eq!(Frequency::parse("weekly"), Ok(Frequency::Weekly));
        assert_eq!(Frequency::parse(" Fortnightly "), Ok(Frequency::Fortnightly));
        assert_eq!(Frequency::parse("every 3 weeks"), Ok(Frequency::EveryWeeks(3)));
        assert_eq!(Frequency::parse("every  12   weeks"), Ok(Frequency::EveryWeeks(12)));
        assert_eq!(Frequency::parse("every 13 weeks"), Err(FrequencyError::OutOfRange(13)));
        assert_eq!(Frequency::parse("every 0 weeks"), Err(FrequencyError::OutOfRange(0)));
        assert!(matches!(Frequency::parse("biweekly"), Err(FrequencyError::Ambiguous(_))));
        assert!(matches!(Frequency::parse("daily"), Err(FrequencyError::Unknown(_))));
        assert_eq!(Frequency::EveryWeeks(3).to_string(), "every 3 weeks");
        assert_eq!(Frequency::Fortnightly.in_words(), "every two weeks");
    }

    #[test]
    fn two_spellings_of_one_frequency_are_one_value() {
        for (a, b) in [("every 2 weeks", "fortnightly"), ("every 1 week", "weekly"), ("every week", "Weekly")] {
            let (a, b) = (Frequency::parse(a).unwrap(), Frequency::parse(b).unwrap());
            assert_eq!(a, b);
            assert_eq!(a.sessions_per_month(), b.sessions_per_month());
            assert_eq!(a.in_words(), b.in_words());
        }
    }

    #[test]
    fn sessions_per_month_are_weeks_per_month_over_the_interval() {
        assert_eq!(Frequency::Weekly.sessions_per_month(), 4.35);
        assert_eq!(Frequency::Fortnightly.sessions_per_month(), 4.35 / 2.0);
        assert_eq!(Frequency::Monthly.sessions_per_month(), 1.0);
        for n in 3..=12 {
            let spm = Frequency::parse(&format!("every {n} weeks")).unwrap().sessions_per_month();
            assert!((spm * f64::from(n) - 4.35).abs() < 1e-9, "every {n} weeks: {spm}");
        }
    }

    #[test]
    fn counts_sessions_on_or_before_a_date() {
        let start = d("2026-12-07");
        assert_eq!(sessions_until(Frequency::Fortnightly, start, start, 100), 1);
        assert_eq!(sessions_until(Frequency::Fortnightly, start, d("2026-12-20"), 100), 1);
        assert_eq!(sessions_until(Frequency::Fortnightly, start, d("2026-12-21"), 100), 2);
        assert_eq!(sessions_until(Frequency::Monthly, d("2026-01-31"), d("2026-02-28"), 100), 2);
        assert_eq!(sessions_until(Frequency::Weekly, start, d("2026-12-06"), 100), 0);
    }

    #[test]
    fn reviews_every_n_months_stay_inside_the_term() {
        let r = review_dates_every(d("2026-12-07"), d("2027-06-07"), 2);
        assert_eq!(r, vec![d("2027-02-07"), d("2027-04-07")]);
        assert!(review_dates_every(d("2026-12-07"), d("2027-01-07"), 2).is_empty());
    }

    #[test]
    fn long_dates_read_naturally() {
        assert_eq!(long_date(d("2026-12-07")), "7 December 2026");
        assert_eq!(long_date(d("2027-01-31")), "31 January 2027");
        // Every day of twelve years reads as chrono's own "%-d %B %Y" would put it.
        let mut day = d("2020-01-01");
        while day < d("2032-01-01") {
            assert_eq!(long_date(day), day.format("%-d %B %Y").to_string());
            day = day.succ_opt().unwrap();
        }
    }
}
