//! The signature check Tauri's updater plugin makes before installing, made here before anything is offered.

use base64::Engine as _;
use minisign_verify::{PublicKey, Signature};
use std::fmt;

/// Why a package's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The key or signature text is not base64 of a minisign file.
    Malformed(String),
    /// The signature does not match the package under this app's public key.
    Mismatch,
    /// The signature is valid but was made for another version than the manifest announces (a replayed package).
    WrongVersion { signed: String, announced: String },
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(what) => write!(f, "the {what} is not a minisign file in base64"),
            Self::Mismatch => {
                f.write_str("the package's signature does not match this app's update key")
            }
            Self::WrongVersion { signed, announced } => write!(
                f,
                "the package was signed as version {signed} but offered as version {announced}"
            ),
        }
    }
}

/// Checks `package` against `signature_b64` (base64 of a minisign `.sig`) under `pubkey_b64` (base64 of a minisign
/// public key file, as in tauri.conf.json), and that a version in the signed comment matches `announced_version`.
pub fn verify(
    package: &[u8],
    signature_b64: &str,
    pubkey_b64: &str,
    announced_version: &str,
) -> Result<(), SignatureError> {
    let key_text = decode_text(pubkey_b64).ok_or(SignatureError::Malformed("public key".into()))?;
    let key =
        PublicKey::decode(&key_text).map_err(|_| SignatureError::Malformed("public key".into()))?;
    let signature_text =
        decode_text(signature_b64).ok_or(SignatureError::Malformed("signature".into()))?;
    let signature = Signature::decode(&signature_text)
        .map_err(|_| SignatureError::Malformed("signature".into()))?;
    // Legacy (non-prehashed) signatures allowed, as the plugin allows them.
    key.verify(package, &signature, true)
        .map_err(|_| SignatureError::Mismatch)?;
    // The trusted comment is covered by the global signature checked above, so only now may it be believed.
    let signed = signature
        .trusted_comment()
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"));
    match signed {
        Some(signed)
            if signed.trim_start_matches('v') != announced_version.trim_start_matches('v') =>
        {
            Err(SignatureError::WrongVersion {
                signed: signed.to_owned(),
                announced: announced_version.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

fn decode_text(b64: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    String::from_utf8(bytes).ok()
}
