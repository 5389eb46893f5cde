//! Signing keys: an OpenSSH private key file (decrypted in-process, asking for
//! the passphrase only when needed), or a public key whose private half
//! ssh-agent holds.

use std::path::{Path, PathBuf};

use ssh_key::{PrivateKey, PublicKey};

use super::SshError;
use super::agent::sign_with_agent;
use super::sign::sign;

/// A key to sign with: a private key file, or a public key file whose private half
/// ssh-agent holds.
#[derive(Debug)]
pub enum SigningKey {
    /// An OpenSSH private key, read (and decrypted) in-process.
    File {
        /// The key file.
        path: PathBuf,
        /// The key.
        key: Box<PrivateKey>,
    },
    /// A public key; `ssh-keygen -Y sign -f PATH` signs with the matching ssh-agent identity.
    Agent {
        /// The public key file.
        path: PathBuf,
        /// The key.
        key: PublicKey,
    },
}

impl SigningKey {
    /// Opens `path`: a public key (`*.pub`) means "the ssh-agent identity for this key";
    /// anything else must be an OpenSSH private key. `passphrase` is asked for only when
    /// the private key is encrypted.
    pub fn open<E: std::fmt::Display>(
        path: &Path,
        passphrase: impl FnOnce() -> Result<String, E>,
    ) -> Result<SigningKey, SshError> {
        let text = std::fs::read_to_string(path).map_err(|error| SshError::Read { path: path.to_path_buf(), error })?;
        if let Ok(key) = PublicKey::from_openssh(text.trim()) {
            return Ok(SigningKey::Agent { path: path.to_path_buf(), key });
        }
        let key = load_private_key_text(path, &text, passphrase)?;
        Ok(SigningKey::File { path: path.to_path_buf(), key: Box::new(key) })
    }

    /// The public key that signatures by this key carry.
    pub fn public_key(&self) -> &ssh_key::public::KeyData {
        match self {
            SigningKey::File { key, .. } => key.public_key().key_data(),
            SigningKey::Agent { key, .. } => key.key_data(),
        }
    }

    /// Signs `message` (a signature statement) with namespace `mentor-agree`, armored as
    /// `ssh-keygen -Y sign` writes it (SHA-512, lines of 70 characters), ending in a newline.
    pub fn sign(&self, message: &[u8]) -> Result<String, SshError> {
        match self {
            SigningKey::File { path, key } => sign(key, path, message),
            SigningKey::Agent { path, key } => sign_with_agent(path, key, message),
        }
    }
}

/// What [`SshError::Key`] says when the passphrase does not decrypt the key.
const WRONG_PASSPHRASE: &str = "wrong passphrase";

impl SshError {
    /// True when a passphrase was given and did not decrypt the key: worth asking again.
    pub fn is_wrong_passphrase(&self) -> bool {
        matches!(self, SshError::Key { message, .. } if message == WRONG_PASSPHRASE)
    }
}

fn load_private_key_text<E: std::fmt::Display>(
    path: &Path,
    text: &str,
    passphrase: impl FnOnce() -> Result<String, E>,
) -> Result<PrivateKey, SshError> {
    let key_err = |message: String| SshError::Key { path: path.to_path_buf(), message };
    let key = match PrivateKey::from_openssh(text.trim()) {
        Ok(key) => key,
        Err(e) => {
            let hint = if text.contains("-----BEGIN") && !text.contains("OPENSSH PRIVATE KEY") {
                "not in OpenSSH format; convert a copy with `ssh-keygen -p -f COPY`, which rewrites it as an OpenSSH key"
                    .to_string()
            } else {
                format!("not an OpenSSH private or public key ({e})")
            };
            return Err(key_err(hint));
        }
    };
    if !key.is_encrypted() {
        return Ok(key);
    }
    let pass = passphrase().map_err(|e| key_err(format!("the key is protected by a passphrase: {e}")))?;
    key.decrypt(pass.as_bytes()).map_err(|e| match e {
        ssh_key::Error::Crypto => key_err(WRONG_PASSPHRASE.into()),
        other => key_err(format!("cannot decrypt the key ({other})")),
    })
}

/// The public half of a key in `authorized_keys`/`allowed_signers` form (`ssh-ed25519 AAAA…`), without comment.
pub fn public_line(key: &PrivateKey) -> String {
    PublicKey::new(key.public_key().key_data().clone(), "").to_openssh().unwrap_or_default()
}
