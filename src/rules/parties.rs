//! Identity rules: id, names, emails, the pair being two people.

use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::format::agreement::{Person, Sp};
use crate::format::role::Role;
use crate::rules::{Context, non_empty};
use crate::text::suggest::loose;

/// `^[a-z0-9][a-z0-9._-]*$`.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// The email rule (`bad-email`; docs/format.md, "Email addresses"): local@domain.tld
/// with exactly one `@` and something before it, no `:` before it (a `mailto:`
/// link is not an address), no whitespace or control characters, and a domain of at least two dot-separated labels, none empty, none
/// starting or ending with `-`, the last at least two letters and letters only.
/// [`EMAIL_PATTERN`] is the same rule as a regular expression.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && !local.contains(':')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(|c| c.is_alphabetic()))
}

/// The address an email with stray spaces, a `mailto:` prefix or surrounding `<>`
/// stands for, when cleaning leaves a valid address.
fn cleaned_email(email: &str) -> Option<String> {
    let mut s: String = email.chars().filter(|c| !c.is_whitespace()).collect();
    if s.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) {
        s.drain(..7);
    }
    if let Some(inner) = s.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        s = inner.to_string();
    }
    (s != email && valid_email(&s)).then_some(s)
}

/// [`valid_email`] as a regular expression, for the JSON Schema's `pattern` (ECMA-262
/// with Unicode property escapes, as check-jsonschema and Rust's `regex` read it).
/// `\p{White_Space}` and `\p{Cc}` are exactly what `char::is_whitespace` and
/// `char::is_control` test, `\p{Alphabetic}` what `char::is_alphabetic` does.
pub const EMAIL_PATTERN: &str = concat!(
    r"^[^@:\p{White_Space}\p{Cc}]+@",
    r"(?:[^-@.\p{White_Space}\p{Cc}](?:[^@.\p{White_Space}\p{Cc}]*[^-@.\p{White_Space}\p{Cc}])?\.)+",
    r"\p{Alphabetic}{2,}$"
);

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
    for (earlier, later) in [(Role::Mentor, Role::Mentee), (Role::Mentor, Role::Lead), (Role::Mentee, Role::Lead)] {
        if let (Some(p), Some(q)) = (a.party(earlier), a.party(later))
            && let Some((what, first, second)) = same_person(p, q)
        {
            let help = if later == Role::Lead {
                format!("the lead must be someone other than the {earlier}")
            } else {
                "mentor and mentee must be two different people".to_string()
            };
            out.push(
                Diagnostic::new(
                    Code::SamePerson,
                    second.span.clone(),
                    format!("the {later} has the same {what} as the {earlier} ({})", first.value),
                )
                .with_help(help),
            );
        }
    }
    let info = &ctx.program.program;
    if !info.leads.is_empty()
        && let Some(lead) = &a.lead
        && info
            .find_lead(lead.name.as_ref().map(|n| n.value.as_str()), lead.email.as_ref().map(|e| e.value.as_str()))
            .is_none()
    {
        let named: Vec<String> = info
            .leads
            .iter()
            .map(|c| match &c.email {
                Some(e) => format!("{} <{e}>", c.name),
                None => c.name.clone(),
            })
            .collect();
        out.push(
            Diagnostic::new(
                Code::LeadNotInProgram,
                lead.span.clone(),
                format!("the lead is not one of the program's leads ({})", named.join(", ")),
            )
            .with_help("name one of them under [lead]; the lead's signature does not count until then"),
        );
    }
}

/// Whether two parties are one person: the same email, or the same name (case
/// and spacing aside). Returns what they share, as written in each.
pub(crate) fn same_person<'a>(p: &'a Person, q: &'a Person) -> Option<(&'static str, &'a Sp<String>, &'a Sp<String>)> {
    if let (Some(a), Some(b)) = (&p.name, &q.name)
        && !a.value.trim().is_empty()
        && loose(&a.value) == loose(&b.value)
    {
        return Some(("name", a, b));
    }
    if let (Some(a), Some(b)) = (&p.email, &q.email)
        && !a.value.trim().is_empty()
        && a.value.trim().eq_ignore_ascii_case(b.value.trim())
    {
        return Some(("email", a, b));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_name_or_email_is_the_same_person() {
        let messages = |mentor: &str, mentee: &str| {
            let text = format!("format = 1\n[mentor]\n{mentor}\n[mentee]\n{mentee}\n");
            let a = crate::format::agreement::parse(&text).agreement.unwrap();
            let program = crate::program::Program::builtin();
            let derived = crate::facts::derived::Derived::compute(&a, &program, None, chrono::NaiveDate::MIN);
            let ctx = Context {
                agreement: &a,
                program: &program,
                derived: &derived,
                terms: "",
                today: chrono::NaiveDate::MIN,
                options: Default::default(),
                ssh: None,
                signatures: &[],
                consents: &Default::default(),
            };
            let mut out = Vec::new();
            check(&ctx, &mut out);
            out.retain(|d| d.code == Code::SamePerson);
            out.iter().map(|d| (d.message.clone(), d.help.clone().unwrap_or_default())).collect::<Vec<_>>()
        };
        let help = "mentor and mentee must be two different people".to_string();
        assert_eq!(
            messages("name = \"Ada  Lovelace\"", "name = \"ada lovelace\""),
            [("the mentee has the same name as the mentor (Ada  Lovelace)".to_string(), help.clone())]
        );
        assert_eq!(
            messages("name = \"Ada\"\nemail = \"ada@example.org\"", "name = \"Grace\"\nemail = \"ADA@example.org \""),
            [("the mentee has the same email as the mentor (ada@example.org)".to_string(), help)]
        );
        assert!(messages("name = \"Ada\"\nemail = \"a@x.org\"", "name = \"Grace\"\nemail = \"g@x.org\"").is_empty());
    }

    #[test]
    fn ids() {
        for ok in ["a", "2026-12-ada-grace", "x.y_z-1"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in ["", "-a", "A", "a b", "../x", "a/b", "é"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    const GOOD_EMAILS: &[&str] = &[
        "ada@example.org",
        "a.b+c@mail.example.co.uk",
        "o'brien@example.ie",
        "ada@sub-domain.example.org",
        "ada@xn--bcher-kva.example.com",
        "ada@例子.广告",
        "ada@x.рф",
        "ada@1.2.org",
    ];

    const BAD_EMAILS: &[&str] = &[
        "",
        "ada",
        "ada@",
        "@example.org",
        "ada@example",
        "ada@@example.org",
        "ada@x@example.org",
        "a da@example.org",
        "ada@exa mple.org",
        "ada\t@example.org",
        "ada@example.org\n",
        "ada\u{a0}@example.org",
        "ada\u{7}@example.org",
        "ada@example.",
        "ada@.org",
        "ada@x..org",
        "ada@example.c0m",
        "ada@example.123",
        "ada@example.o",
        "ada@x.é",
        "ada@-x.org",
        "ada@x-.org",
        "ada@example.-org",
        "ada@example.org-",
        "mailto:ada@example.org",
        "ada:x@example.org",
    ];

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
        for ok in GOOD_EMAILS {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in BAD_EMAILS {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    /// [`EMAIL_PATTERN`] and the `bad-email` rule are one rule: they agree on
    /// every address, including the odd ones (the schema's tests hold the
    /// schema's pattern equal to it).
    #[test]
    fn the_email_pattern_is_the_email_rule() {
        let pattern = regex::Regex::new(EMAIL_PATTERN).unwrap();
        let odd = [
            "\u{feff}ada@example.org",
            "ada@x.o\u{301}rg",
            "ada@x.ǅǆ",
            "ada@x.org\u{200b}",
            "-@x.org",
            "@@",
            "a@b.c.d.ef",
        ];
        for email in GOOD_EMAILS.iter().chain(BAD_EMAILS).chain(&odd) {
            assert_eq!(pattern.is_match(email), valid_email(email), "{email:?}");
        }
    }
}
