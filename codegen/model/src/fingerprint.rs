//! The fingerprint of an IR: what ties `generated/` to the schemas it was
//! emitted from.
//!
//! Every binary embeds `schemas/` when it is built (`build.rs`), but
//! `generated/` changes only when `cargo xtask codegen` runs. The Rust
//! emitter writes the fingerprint of the IR it read into
//! `erpspec_generated::SCHEMA_FINGERPRINT`; a program that validates with the
//! generated crate compares it with the fingerprint of the schemas built into
//! it ([`ensure_fresh`]), so a schema edit without a regeneration is refused
//! instead of served with the old rules.
//!
//! The fingerprint is SHA-256 of the IR's JSON serialisation. The IR holds
//! no file paths or positions and orders everything (vectors, `BTreeMap`s,
//! JSON objects in written order), so the schemas loaded from disk and from
//! the embedded copy give the same fingerprint, and any change to what the
//! schemas say changes it.

use crate::ir::Api;
use sha2::{Digest, Sha256};

/// Why a program refuses to run with validators generated from other
/// schemas, and the command that fixes it.
pub const STALE: &str = "generated/ is stale: the schemas changed since it was generated; run `cargo xtask codegen`";

/// The IR's fingerprint: 64 lowercase hexadecimal digits.
pub fn of(api: &Api) -> String {
    // Serialising plain data to a Vec cannot fail: the IR has string keys only.
    let json = serde_json::to_vec(api).expect("the IR serialises to JSON");
    Sha256::digest(&json).iter().map(|b| format!("{b:02x}")).collect()
}

/// `Ok` when `generated` (the generated crate's `SCHEMA_FINGERPRINT`) was
/// emitted from `api`; otherwise [`STALE`].
pub fn ensure_fresh(api: &Api, generated: &str) -> Result<(), String> {
    if of(api) == generated { Ok(()) } else { Err(STALE.to_string()) }
}
