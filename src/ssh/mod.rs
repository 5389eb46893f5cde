//! SSH signatures: SSHSIG over a signature statement, and OpenSSH `allowed_signers` files.
//!
//! A signature is what `ssh-keygen -Y sign -n mentor-agree` makes over the bytes
//! `mentor-agree terms FILE --statement ROLE` prints (the role, name, date and terms
//! digest, see [`crate::format::terms::statement`]); it verifies with `ssh-keygen -Y verify` against
//! the program's allowed_signers file, which has the format of OpenSSH's
//! `ALLOWED SIGNERS` (the file git's `gpg.ssh.allowedSignersFile` names):
//!
//! ```text
//! # principals          [options]                         key
//! ada@example.org       ssh-ed25519 AAAAC3Nza…
//! *@example.org,!eve@*  namespaces="mentor-agree,git"    ssh-ed25519 AAAAC3Nza…
//! grace@example.org     valid-before="20271231"           ecdsa-sha2-nistp256 AAAAE2Vj…
//! ```
//!
//! Principals are a comma-separated pattern list (`*` and `?` wildcards, `!` negates);
//! the options are `namespaces="…"`, `valid-after="…"`, `valid-before="…"` (times as
//! `YYYYMMDD[HHMM[SS]][Z]`) and `cert-authority`.
//!
//! The module's files, one job each: `allowed_signers` parses the file and
//! decides trust (which key may sign for whom, when); `verify` checks a
//! signature against it; `key` loads signing keys; `sign` makes signatures
//! in-process; `agent` signs through ssh-agent.

mod agent;
mod allowed_signers;
mod key;
mod sign;
mod verify;

pub use allowed_signers::{AllowedSigners, SignersCache, load_for_program};
pub use key::{SigningKey, public_line};
pub use sign::sign;

use std::path::PathBuf;

/// The SSHSIG namespace of agreement signatures (`ssh-keygen -Y sign -n mentor-agree`).
pub const NAMESPACE: &str = "mentor-agree";

/// Why an SSH key or an allowed_signers file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SshError {
    /// A file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// An ssh program's allowed_signers file could not be read.
    #[error(
        "the program {} signs with SSH keys (rules.signatures.method = \"ssh\"), but its allowed_signers file {} cannot be read: {error}",
        program.display(),
        path.display()
    )]
    MissingSigners {
        /// The program.toml.
        program: PathBuf,
        /// The allowed_signers file it names.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// A line of an allowed_signers file is not valid.
    #[error("{}:{line}: {message}", path.display())]
    Signers {
        /// The allowed_signers file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A file is not a usable OpenSSH private key.
    #[error("{}: {message}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong, with a hint.
        message: String,
    },
    /// The key could not make a signature.
    #[error("cannot sign with {}: {error}", path.display())]
    Sign {
        /// The key file.
        path: PathBuf,
        /// Why.
        error: ssh_key::Error,
    },
}

/// Fixed test-only keys and helpers shared by this module's unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::Path;

    use chrono::NaiveDate;
    use ssh_key::PrivateKey;

    use super::AllowedSigners;

    /// A fixed test-only key (never used for anything real), made with ssh-key from a fixed seed.
    pub(crate) fn key(seed: u8) -> PrivateKey {
        let kp = ssh_key::private::Ed25519Keypair::from_seed(&[seed; 32]);
        PrivateKey::new(ssh_key::private::KeypairData::Ed25519(kp), "").unwrap()
    }

    /// Parses allowed_signers text that must be valid.
    pub(crate) fn signers(text: &str) -> AllowedSigners {
        AllowedSigners::parse(text, Path::new("allowed_signers")).unwrap()
    }

    /// The error of allowed_signers text that must be invalid.
    pub(crate) fn err(text: &str) -> String {
        AllowedSigners::parse(text, Path::new("allowed_signers")).unwrap_err().to_string()
    }

    pub(crate) fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The bytes a test signs.
    pub(crate) const TERMS: &[u8] = br#"{"format":1}"#;
}
