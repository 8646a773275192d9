//! Credentials and issued tokens: random values, stored only as hashes.
//!
//! Credentials are stored as `SHA-256(salt || name || 0 || value)` with a
//! 16-byte random salt per credential; tokens as `SHA-256(token)` (a token
//! is 128 random bits, so it needs no salt, and an unsalted hash lets the
//! server find it by hash).
//!
//! Why SHA-256 and not a slow password hash (argon2): the ManEx and RPM
//! dialects present the credential itself on *every* request, so the server
//! verifies it on every call; a memory-hard KDF tuned to resist offline
//! guessing would cost tens of milliseconds per request and dominate the
//! server's work. The credentials this server generates carry 128 bits of
//! randomness, which no offline search can exhaust whatever the hash,
//! unless the vendor documents a shorter length (ManEx's 10-character key:
//! about 52 bits, generated as long as the docs say keys are). A user who passes a weak
//! credential with `--credential` trades that away knowingly; the database
//! still never holds it in plain text.

use erpspec_model::ir::{Endpoint, OperationKind, Vendor};
use erpspec_rules::{Strength, Violation};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Bytes of randomness in generated credentials and tokens.
const SECRET_BYTES: usize = 16;

/// Issued tokens are exactly this many lowercase hexadecimal digits; any
/// other presented value is *malformed*, a well-formed one that was never
/// issued is *rejected*.
pub const TOKEN_HEX_DIGITS: usize = 2 * SECRET_BYTES;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // The OS random source failing is not something a server can work around.
    getrandom::fill(&mut b).expect("the operating system's random source is unavailable");
    b
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// A new random credential value (32 lowercase hex digits).
pub fn generate_secret() -> String {
    hex(&random_bytes::<SECRET_BYTES>())
}

/// A new random credential: [`generate_secret`] where no length is
/// documented, else exactly `length` lowercase letters and digits (safe
/// unescaped in a path, a header and JSON; more bits per character than hex).
pub fn generate_credential(length: Option<u32>) -> String {
    let Some(length) = length else {
        return generate_secret();
    };
    const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    // Bytes at or above the largest multiple of 36 are dropped, so every
    // character is equally likely.
    const LIMIT: u8 = 252;
    let mut out = String::with_capacity(length as usize);
    while out.len() < length as usize {
        for b in random_bytes::<32>().into_iter().filter(|b| *b < LIMIT) {
            if out.len() < length as usize {
                out.push(ALPHABET[(b % 36) as usize] as char);
            }
        }
    }
    out
}

pub fn new_salt() -> Vec<u8> {
    random_bytes::<16>().to_vec()
}

pub fn credential_hash(salt: &[u8], name: &str, value: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(name.as_bytes());
    h.update([0u8]);
    h.update(value.as_bytes());
    h.finalize().to_vec()
}

/// Compares two hashes in time independent of where they differ.
pub fn same_hash(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new token: its text for the client, and the hash to store.
pub fn issue_token() -> (String, Vec<u8>) {
    let token = generate_secret();
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Does the value have the issued tokens' format?
pub fn well_formed_token(token: &str) -> bool {
    token.len() == TOKEN_HEX_DIGITS && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Is `violation` a site rule on a login field carrying a credential, broken
/// by the very value this server is configured with? A site rule's values
/// are the demo installation's (Expandable's data sources ESI, ESICAN,
/// DEMO); the configured credential is this installation's own value, so the
/// rule does not lock it out (the docs' example `EXPANDABLE` logs in under
/// `--docs-credentials`). `request` is the request as read (a JSON object).
pub fn configured_site_value(
    v: &Vendor,
    credentials: &BTreeMap<String, (Vec<u8>, Vec<u8>)>,
    ep: &Endpoint,
    violation: &Violation,
    request: &Value,
) -> bool {
    if violation.strength != Strength::Site || ep.operation.kind != OperationKind::Login {
        return false;
    }
    let Some(cred) = v.login_credential(ep, &violation.path) else {
        return false;
    };
    let given = request.pointer(&violation.path).map(crate::util::text);
    match (given, credentials.get(cred)) {
        (Some(g), Some((salt, hash))) => same_hash(hash, &credential_hash(salt, cred, &g)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_well_formed_and_unique() {
        let (a, ha) = issue_token();
        let (b, _) = issue_token();
        assert!(well_formed_token(&a));
        assert_ne!(a, b);
        assert_eq!(ha, token_hash(&a));
        assert!(!well_formed_token(&a.to_uppercase().replace(|c: char| c.is_ascii_digit(), "A")));
        assert!(!well_formed_token(&a[1..]));
        assert!(!well_formed_token("not a token"));
    }

    #[test]
    fn generated_credentials_have_the_documented_length() {
        for length in [1, 10, 64] {
            let c = generate_credential(Some(length));
            assert_eq!(c.len(), length as usize, "{c}");
            assert!(c.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()), "{c}");
        }
        assert_ne!(generate_credential(Some(10)), generate_credential(Some(10)));
        assert_eq!(generate_credential(None).len(), TOKEN_HEX_DIGITS);
    }

    #[test]
    fn salted_hashes_differ_and_verify() {
        let s1 = new_salt();
        let s2 = new_salt();
        let h1 = credential_hash(&s1, "API_KEY", "secret");
        assert!(same_hash(&h1, &credential_hash(&s1, "API_KEY", "secret")));
        assert!(!same_hash(&h1, &credential_hash(&s2, "API_KEY", "secret")));
        assert!(!same_hash(&h1, &credential_hash(&s1, "API_KEY", "secreT")));
    }
}
