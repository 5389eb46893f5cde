//! Checking an armored SSH signature over a statement: the cryptography first,
//! then whether the program's allowed_signers trusts the key that made it.

use chrono::NaiveDate;
use ssh_key::{PublicKey, SshSig};

use super::{AllowedSigners, NAMESPACE};
use crate::rules::signatures::{SshVerdict, SshVerifier};

impl SshVerifier for AllowedSigners {
    fn verify(&self, principal: &str, armored: &str, message: &[u8], date: NaiveDate) -> SshVerdict {
        let sig = match SshSig::from_pem(armored.trim()) {
            Ok(sig) => sig,
            Err(e) => return SshVerdict::Invalid(format!("`sig` is not an armored SSH signature ({e})")),
        };
        if sig.namespace() != NAMESPACE {
            return SshVerdict::Invalid(format!(
                "it was made for the namespace \"{}\", not \"{NAMESPACE}\" (sign with `ssh-keygen -Y sign -n {NAMESPACE}`)",
                sig.namespace()
            ));
        }
        let signer = PublicKey::new(sig.public_key().clone(), "");
        if let Err(e) = signer.verify(NAMESPACE, message, &sig) {
            return match e {
                ssh_key::Error::Crypto => SshVerdict::Mismatch,
                other => SshVerdict::Invalid(format!("it cannot be checked ({other})")),
            };
        }
        self.trust(principal, sig.public_key(), date)
    }

    fn key_of(&self, armored: &str) -> Option<String> {
        let sig = SshSig::from_pem(armored.trim()).ok()?;
        Some(sig.public_key().fingerprint(ssh_key::HashAlg::Sha256).to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ssh_key::{HashAlg, LineEnding};

    use crate::rules::signatures::{SshVerdict, SshVerifier};
    use crate::ssh::test_support::{TERMS, day, key, signers};
    use crate::ssh::{public_line, sign};

    #[test]
    fn verifies_valid_signatures_for_listed_principals() {
        let k = key(1);
        let armored = sign(&k, Path::new("k"), TERMS).unwrap();
        assert!(armored.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
        let s = signers(&format!("*@example.org,!eve@example.org {}\n", public_line(&k)));
        assert_eq!(s.verify("ada@example.org", &armored, TERMS, day("2026-11-25")), SshVerdict::Valid);
        match s.verify("eve@example.org", &armored, TERMS, day("2026-11-25")) {
            SshVerdict::Untrusted(why) => assert!(why.contains("lists no key for \"eve@example.org\""), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn altered_terms_or_armor_are_invalid() {
        let k = key(1);
        let armored = sign(&k, Path::new("k"), TERMS).unwrap();
        let s = signers(&format!("ada@example.org {}\n", public_line(&k)));
        let d = day("2026-11-25");
        assert_eq!(s.verify("ada@example.org", &armored, br#"{"format":2}"#, d), SshVerdict::Mismatch);
        assert!(
            matches!(s.verify("ada@example.org", "hello", TERMS, d), SshVerdict::Invalid(w) if w.contains("not an armored SSH signature"))
        );
        let other_ns = k.sign("git", HashAlg::Sha512, TERMS).unwrap().to_pem(LineEnding::LF).unwrap();
        assert!(
            matches!(s.verify("ada@example.org", &other_ns, TERMS, d), SshVerdict::Invalid(w) if w.contains("namespace \"git\""))
        );
    }

    #[test]
    fn keys_not_listed_for_the_principal_are_untrusted() {
        let (ada, mallory) = (key(1), key(2));
        let armored = sign(&mallory, Path::new("k"), TERMS).unwrap();
        let s =
            signers(&format!("ada@example.org {}\nmallory@example.org {}\n", public_line(&ada), public_line(&mallory)));
        match s.verify("ada@example.org", &armored, TERMS, day("2026-11-25")) {
            SshVerdict::Untrusted(why) => assert!(why.contains("not one of the keys"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn options_limit_namespace_and_dates() {
        let k = key(1);
        let pk = public_line(&k);
        let armored = sign(&k, Path::new("k"), TERMS).unwrap();
        let verdict = |opts: &str, date: &str| {
            signers(&format!("ada@example.org {opts} {pk}\n")).verify("ada@example.org", &armored, TERMS, day(date))
        };
        assert_eq!(verdict("namespaces=\"git,mentor-*\"", "2026-11-25"), SshVerdict::Valid);
        assert!(
            matches!(verdict("namespaces=\"git\"", "2026-11-25"), SshVerdict::Untrusted(w) if w.contains("allowed_signers:1") && w.contains("namespaces \"git\""))
        );
        assert_eq!(verdict("valid-after=\"20261125\"", "2026-11-25"), SshVerdict::Valid);
        assert!(
            matches!(verdict("valid-after=\"20261126\"", "2026-11-25"), SshVerdict::Untrusted(w) if w.contains("valid only from"))
        );
        assert_eq!(verdict("valid-before=\"20261126\"", "2026-11-25"), SshVerdict::Valid);
        assert_eq!(verdict("valid-before=\"202611251200\"", "2026-11-25"), SshVerdict::Valid);
        assert!(
            matches!(verdict("valid-before=\"20261125\"", "2026-11-25"), SshVerdict::Untrusted(w) if w.contains("valid only before"))
        );
        assert!(matches!(verdict("valid-before=\"20260101\"", "2026-11-25"), SshVerdict::Untrusted(_)));
        assert!(
            matches!(verdict("cert-authority", "2026-11-25"), SshVerdict::Untrusted(w) if w.contains("certificate authority"))
        );
    }

    #[test]
    fn a_later_line_can_trust_what_an_earlier_one_does_not() {
        let k = key(1);
        let pk = public_line(&k);
        let armored = sign(&k, Path::new("k"), TERMS).unwrap();
        let s = signers(&format!("ada@example.org valid-before=\"20250101\" {pk}\nada@example.org {pk}\n"));
        assert_eq!(s.verify("ada@example.org", &armored, TERMS, day("2026-11-25")), SshVerdict::Valid);
    }
}
