//! Signing log lines: ed25519 keys in PKCS#8 and SPKI PEM files (the forms
//! OpenSSL reads and writes), a signature over each line's hash, and a short
//! fingerprint that names the key in each line.

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// A new key pair as (private PEM, public PEM).
pub fn generate() -> Result<(String, String), String> {
    let key = SigningKey::generate(&mut rand_core::OsRng);
    let private = key
        .to_pkcs8_pem(Default::default())
        .map_err(|e| e.to_string())?
        .to_string();
    let public = key
        .verifying_key()
        .to_public_key_pem(Default::default())
        .map_err(|e| e.to_string())?;
    Ok((private, public))
}

/// A private key from its PEM text.
pub fn signing_key(pem: &str) -> Result<SigningKey, String> {
    SigningKey::from_pkcs8_pem(pem).map_err(|e| {
        format!("not an ed25519 private key in PKCS#8 PEM (as `causa log keygen` writes): {e}")
    })
}

/// A public key from its PEM text.
pub fn verifying_key(pem: &str) -> Result<VerifyingKey, String> {
    VerifyingKey::from_public_key_pem(pem).map_err(|e| {
        format!("not an ed25519 public key in PEM (as `causa log keygen` writes): {e}")
    })
}

/// `ed25519:` and the first 16 hex digits of the SHA-256 of the public key.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = crate::case::digest_bytes(key.as_bytes());
    let hex = digest.trim_start_matches("sha256:");
    format!("ed25519:{}", &hex[..16.min(hex.len())])
}

/// The signature of a line's hash, in hex.
pub fn sign(key: &SigningKey, hash: &str) -> String {
    hex(&key.sign(hash.as_bytes()).to_bytes())
}

/// Whether `signature` (hex) is `key`'s signature of `hash`.
pub fn verifies(key: &VerifyingKey, hash: &str, signature: &str) -> bool {
    let Some(bytes) = unhex(signature) else {
        return false;
    };
    let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else {
        return false;
    };
    key.verify(hash.as_bytes(), &Signature::from_bytes(&bytes))
        .is_ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_with_its_key_only_and_only_for_its_hash() {
        let (private, public) = generate().unwrap();
        let key = signing_key(&private).unwrap();
        let public = verifying_key(&public).unwrap();
        assert_eq!(key.verifying_key(), public);
        let s = sign(&key, "sha256:abc");
        assert!(verifies(&public, "sha256:abc", &s));
        assert!(!verifies(&public, "sha256:abd", &s));
        let (_, other) = generate().unwrap();
        assert!(!verifies(&verifying_key(&other).unwrap(), "sha256:abc", &s));
        assert!(!verifies(&public, "sha256:abc", "zz"));
        assert!(
            signing_key(&other).is_err(),
            "a public key is not a private key"
        );
    }
}
