//! Identity rules: id, names, emails, the pair being two people.

use crate::agreement::Person;
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::rules::{Context, non_empty};

/// `^[a-z0-9][a-z0-9._-]*$`.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// local@domain.tld: one `@`, no spaces, no `mailto:` link prefix, a dot in the
/// domain with non-empty labels.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    if local.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_alphabetic()))
}

/// The address an email with stray spaces, a `mailto:` prefix or surrounding `<>`
/// stands for, when cleaning leaves a valid address.
pub fn cleaned_email(email: &str) -> Option<String> {
    let mut s: String = email.chars().filter(|c| !c.is_whitespace()).collect();
    if s.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) {
        s.drain(..7);
    }
    if let Some(inner) = s.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        s = inner.to_string();
    }
    (s != email && valid_email(&s)).then_some(s)
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

pub(crate) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = ctx.agreement;
    if let Some(id) = &a.id
        && !valid_id(&id.value)
    {
        out.push(
            Diagnostic::new(Code::BadId, id.span.clone(), format!("id `{}` is not a valid agreement id", id.value))
                .with_help("use lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit"),
        );
    }
    for topic in &a.topics {
        non_empty(topic, "topic", out);
    }
    for (role, person) in [("mentor", &a.mentor), ("mentee", &a.mentee), ("lead", &a.lead)] {
        let Some(p) = person else { continue };
        if let Some(name) = &p.name {
            non_empty(name, &format!("{role} name"), out);
        }
        if let Some(email) = &p.email
            && !valid_email(&email.value)
        {
            let mut d = Diagnostic::new(
                Code::BadEmail,
                email.span.clone(),
                format!("{role} email `{}` is not an email address", email.value),
            )
            .with_help("write it as name@domain.tld, or remove the key");
            if let Some(clean) = cleaned_email(&email.value) {
                let quoted = toml_edit::Value::from(clean.as_str()).to_string();
                d = d.with_fix(Fix::replace(email.span.clone(), quoted, format!("write the {role} email as {clean}")));
            }
            out.push(d);
        }
    }
    if let (Some(mentor), Some(mentee)) = (&a.mentor, &a.mentee) {
        same_person(mentor, mentee, out);
    }
}

fn same_person(mentor: &Person, mentee: &Person, out: &mut Vec<Diagnostic>) {
    if let (Some(a), Some(b)) = (&mentor.name, &mentee.name)
        && !a.value.trim().is_empty()
        && normalize(&a.value) == normalize(&b.value)
    {
        out.push(
            Diagnostic::new(
                Code::SamePerson,
                b.span.clone(),
                format!("the mentee has the same name as the mentor ({})", a.value),
            )
            .with_help("mentor and mentee must be two different people"),
        );
        return;
    }
    if let (Some(a), Some(b)) = (&mentor.email, &mentee.email)
        && !a.value.trim().is_empty()
        && a.value.trim().eq_ignore_ascii_case(b.value.trim())
    {
        out.push(
            Diagnostic::new(
                Code::SamePerson,
                b.span.clone(),
                format!("the mentee has the same email as the mentor ({})", a.value),
            )
            .with_help("mentor and mentee must be two different people"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["a", "2026-12-ada-grace", "x.y_z-1"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in ["", "-a", "A", "a b", "../x", "a/b", "é"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn cleaned_emails() {
        assert_eq!(cleaned_email("mailto:ada@example.org").as_deref(), Some("ada@example.org"));
        assert_eq!(cleaned_email("MailTo: ada @example.org ").as_deref(), Some("ada@example.org"));
        assert_eq!(cleaned_email("<ada@example.org>").as_deref(), Some("ada@example.org"));
        assert_eq!(cleaned_email("ada@example"), None);
        assert_eq!(cleaned_email("ada@example.org"), None);
    }

    #[test]
    fn emails() {
        for ok in ["ada@example.org", "a.b+c@mail.example.co.uk"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in [
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "ada@@example.org",
            "a da@example.org",
            "ada@example.",
            "ada@.org",
            "ada@example.c0m",
            "mailto:ada@example.org",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
