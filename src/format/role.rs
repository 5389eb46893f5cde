//! Who someone is in an agreement: the one role type. Each key that names a
//! role allows a subset of them ([`Role::SIGNERS`], [`Role::REPORTERS`],
//! [`Role::TERMINATORS`], [`Role::PARTICIPANTS`]); the parser, the rules, the
//! command line and the JSON schema all take their lists from here.

use serde::{Deserialize, Serialize};

/// A role, written in files in lowercase (`mentor`, `mentee`, `lead`, `program`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The mentor.
    Mentor,
    /// The mentee.
    Mentee,
    /// The initiative lead.
    Lead,
    /// The program team (it signs nothing, but reports check-ins and can end an agreement).
    Program,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Mentor, Role::Mentee, Role::Lead, Role::Program];
    /// Who signs (`[[signatures]] role`, `rules.signatures.roles`, `sign --role`).
    pub const SIGNERS: [Role; 3] = [Role::Mentor, Role::Mentee, Role::Lead];
    /// Who can report a check-in or agree to an extension (`by`).
    pub const REPORTERS: [Role; 4] = Role::ALL;
    /// Who can end an agreement (`[termination] by`).
    pub const TERMINATORS: [Role; 3] = [Role::Mentor, Role::Mentee, Role::Program];
    /// Who can take part in an evaluation (`[[evaluations]] by`).
    pub const PARTICIPANTS: [Role; 4] = Role::ALL;
    /// The two parties whose agreement every change of the term needs.
    pub const PARTIES: [Role; 2] = [Role::Mentor, Role::Mentee];

    /// Lowercase name, as written in files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Mentor => "mentor",
            Role::Mentee => "mentee",
            Role::Lead => "lead",
            Role::Program => "program",
        }
    }

    /// Parses a lowercase role name among `allowed`.
    pub fn parse_in(s: &str, allowed: &[Role]) -> Option<Role> {
        allowed.iter().copied().find(|r| r.as_str() == s)
    }

    /// Parses a lowercase name of a signing role.
    pub fn parse(s: &str) -> Option<Role> {
        Role::parse_in(s, &Role::SIGNERS)
    }

    /// True when `s` names one of `allowed`.
    pub fn names(s: &str, allowed: &[Role]) -> bool {
        Role::parse_in(s, allowed).is_some()
    }

    /// The lowercase names of `roles`.
    pub const fn names_of<const N: usize>(roles: [Role; N]) -> [&'static str; N] {
        let mut out = [""; N];
        let mut i = 0;
        while i < N {
            out[i] = roles[i].as_str();
            i += 1;
        }
        out
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a signing role (as `rules.signatures.roles` holds), refusing the others
/// with serde's usual "unknown variant" message.
impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Role, D::Error> {
        const NAMES: [&str; 3] = Role::names_of(Role::SIGNERS);
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Role::parse(&s).ok_or_else(|| serde::de::Error::unknown_variant(&s, &NAMES))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_within_each_subset() {
        for r in Role::ALL {
            assert_eq!(Role::parse_in(r.as_str(), &Role::ALL), Some(r));
        }
        assert_eq!(Role::parse("program"), None, "the program team signs nothing");
        assert!(!Role::names("lead", &Role::TERMINATORS));
        assert!(Role::names("program", &Role::REPORTERS));
    }

    #[test]
    fn a_signing_role_outside_the_signers_is_refused_as_serde_would() {
        #[derive(Deserialize, Debug)]
        struct R {
            #[allow(dead_code)]
            role: Role,
        }
        let err = toml::from_str::<R>("role = \"program\"").unwrap_err().to_string();
        assert!(err.contains("unknown variant `program`, expected one of `mentor`, `mentee`, `lead`"), "{err}");
    }
}
