//! Signing with a key ssh-agent holds, through `ssh-keygen -Y sign`.

use std::path::Path;

use ssh_key::{PublicKey, SshSig};

use super::{NAMESPACE, SshError};

/// Signs through ssh-agent: `ssh-keygen -Y sign -n mentor-agree -f PUBLIC_KEY` with the
/// message on stdin, then checks the result in-process.
pub(super) fn sign_with_agent(path: &Path, key: &PublicKey, message: &[u8]) -> Result<String, SshError> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let key_err = |message: String| SshError::Key { path: path.to_path_buf(), message };
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            key_err(format!(
                "a public key means \"sign with ssh-agent\", which runs `ssh-keygen -Y sign`, and it could not be started ({e}); pass the private key file instead"
            ))
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(message).map_err(|e| key_err(format!("cannot pass the statement to ssh-keygen ({e})")))?;
    }
    let out = child.wait_with_output().map_err(|e| key_err(format!("ssh-keygen failed ({e})")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(key_err(format!(
            "ssh-keygen -Y sign could not sign with the ssh-agent identity of this public key: {} (is it loaded? see `ssh-add -l`)",
            stderr.trim()
        )));
    }
    let armored = String::from_utf8_lossy(&out.stdout).into_owned();
    let sig = SshSig::from_pem(armored.trim())
        .map_err(|e| key_err(format!("ssh-keygen printed something that is not a signature ({e})")))?;
    key.verify(NAMESPACE, message, &sig)
        .map_err(|e| key_err(format!("the signature ssh-agent made does not verify ({e})")))?;
    Ok(format!("{}\n", armored.trim_end()))
}
