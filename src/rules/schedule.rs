//! Meeting rules: frequency, sessions per month, session length, modes.

use crate::diagnostic::{Code, Diagnostic};
use crate::format::timeline::{Frequency, FrequencyError};
use crate::rules::{Context, non_empty};

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = &ctx.agreement.schedule else { return };
    let rules = &ctx.program.rules.schedule;

    if let Some(f) = &s.frequency {
        match Frequency::parse(&f.value) {
            Ok(freq) => {
                if !ctx.program.frequencies.is_empty() && !ctx.program.frequencies.contains(&freq) {
                    let allowed: Vec<String> = ctx.program.frequencies.iter().map(|f| f.to_string()).collect();
                    out.push(
                        Diagnostic::new(
                            Code::FrequencyNotAllowed,
                            f.span.clone(),
                            format!("this program does not allow meeting {freq}"),
                        )
                        .with_help(format!("allowed: {}", allowed.join(", "))),
                    );
                }
                let spm = freq.sessions_per_month();
                if spm + 1e-9 < rules.min_sessions_per_month {
                    out.push(
                        Diagnostic::new(
                            Code::TooFewSessions,
                            f.span.clone(),
                            format!(
                                "meeting {freq} gives about {spm:.2} sessions a month; the program asks for at least {}",
                                rules.min_sessions_per_month
                            ),
                        )
                        .with_code_help(),
                    );
                }
            }
            Err(e) => {
                const USE: &str = "use weekly, fortnightly, monthly or \"every N weeks\" with N from 1 to 12";
                let help = match &e {
                    FrequencyError::Ambiguous(_) => {
                        "say \"fortnightly\" for every two weeks, or \"weekly\" and plan longer sessions".to_string()
                    }
                    // A typo of a frequency: say which ("fortnighlty").
                    FrequencyError::Unknown(text) => {
                        match crate::text::suggest::closest(
                            &crate::text::suggest::loose(text),
                            ["weekly", "fortnightly", "monthly"],
                        ) {
                            Some(s) => format!("did you mean \"{s}\"? {USE}"),
                            None => USE.to_string(),
                        }
                    }
                    _ => USE.to_string(),
                };
                out.push(
                    Diagnostic::new(Code::FrequencyUnknown, f.span.clone(), format!("unknown frequency: {e}"))
                        .with_help(help),
                );
            }
        }
    }

    if let Some(m) = &s.session_minutes {
        if m.value < i64::from(rules.min_session_minutes) {
            out.push(
                Diagnostic::new(
                    Code::SessionTooShort,
                    m.span.clone(),
                    format!(
                        "sessions of {} minutes are shorter than the program minimum of {} minutes",
                        m.value, rules.min_session_minutes
                    ),
                )
                .with_help(format!("plan at least {} minutes", rules.min_session_minutes)),
            );
        } else if m.value > i64::from(rules.max_session_minutes) {
            out.push(
                Diagnostic::new(
                    Code::SessionTooLong,
                    m.span.clone(),
                    format!(
                        "sessions of {} minutes are longer than the program maximum of {} minutes",
                        m.value, rules.max_session_minutes
                    ),
                )
                .with_help(format!("plan at most {} minutes, or meet more often", rules.max_session_minutes)),
            );
        }
    }

    if let Some(modes) = &s.modes {
        if modes.value.is_empty() {
            out.push(
                Diagnostic::new(Code::NoModes, modes.span.clone(), "no session mode given: say how sessions are held")
                    .with_help("e.g. modes = [\"video call\"]"),
            );
        }
        for mode in &modes.value {
            if !non_empty(mode, "session mode", out) {
                continue;
            }
            if !rules.modes.is_empty() && !rules.modes.iter().any(|m| m.trim().eq_ignore_ascii_case(mode.value.trim()))
            {
                out.push(
                    Diagnostic::new(
                        Code::ModeNotAllowed,
                        mode.span.clone(),
                        format!("this program does not hold sessions by \"{}\"", mode.value),
                    )
                    .with_help(format!("allowed: {}", rules.modes.join(", "))),
                );
            }
        }
    }
    for channel in &s.also_via {
        non_empty(channel, "channel", out);
    }
}
