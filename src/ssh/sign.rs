//! Making SSHSIG signatures in-process, armored exactly as `ssh-keygen -Y sign`
//! writes them.

use std::path::Path;

use ssh_key::{HashAlg, LineEnding, PrivateKey, SshSig};

use super::{NAMESPACE, SshError};

/// Signs `message` with namespace `mentor-agree`, armored as `ssh-keygen -Y sign` writes it
/// (SHA-512, lines of 70 characters, LF, a final newline).
pub fn sign(key: &PrivateKey, key_path: &Path, message: &[u8]) -> Result<String, SshError> {
    let sign_err = |error| SshError::Sign { path: key_path.to_path_buf(), error };
    let sig = match key.key_data() {
        ssh_key::private::KeypairData::Rsa(rsa_key) => sign_rsa(rsa_key, message),
        _ => key.sign(NAMESPACE, HashAlg::Sha512, message),
    }
    .map_err(sign_err)?;
    let pem = sig.to_pem(LineEnding::LF).map_err(sign_err)?;
    Ok(format!("{}\n", pem.trim_end()))
}

/// RSA SSHSIG (`rsa-sha2-512`, PKCS#1 v1.5) made with the `rsa` crate directly: ssh-key
/// 0.6.7 builds the RSA private key from the wrong primes (p twice instead of p and q),
/// so its own RSA signing always fails.
fn sign_rsa(key: &ssh_key::private::RsaKeypair, message: &[u8]) -> Result<SshSig, ssh_key::Error> {
    use rsa::signature::{SignatureEncoding as _, Signer as _};
    let int = |m: &ssh_key::Mpint| m.as_positive_bytes().map(rsa::BigUint::from_bytes_be).ok_or(ssh_key::Error::Crypto);
    let private = rsa::RsaPrivateKey::from_components(
        int(&key.public.n)?,
        int(&key.public.e)?,
        int(&key.private.d)?,
        vec![int(&key.private.p)?, int(&key.private.q)?],
    )
    .map_err(|_| ssh_key::Error::Crypto)?;
    let signer = rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha512>::new(private);
    let signed_data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, message)?;
    let bytes = signer.try_sign(&signed_data).map_err(|_| ssh_key::Error::Crypto)?.to_vec();
    let signature = ssh_key::Signature::new(ssh_key::Algorithm::Rsa { hash: Some(HashAlg::Sha512) }, bytes)?;
    let public = ssh_key::public::KeyData::Rsa(key.public.clone());
    SshSig::new(public, NAMESPACE, HashAlg::Sha512, signature)
}
