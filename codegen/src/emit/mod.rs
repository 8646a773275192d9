//! Emitters: the IR in, generated files out.
//!
//! Every emitter is a pure function of the [`crate::ir::Api`] returning
//! `(path relative to the workspace root, file text)` pairs, so
//! `cargo xtask codegen` can write them and `--check` (and the drift test in
//! `generated/tests/drift.rs`) can compare them with the files on disk.

pub mod docs;
pub mod openapi;
pub mod openapi30;
pub mod rust;

use crate::ir::Api;
use std::fmt;

/// Directories whose every file is generated: a file in them that no
/// emitter produces is stale and `cargo xtask codegen` removes it.
pub const OWNED_DIRS: &[&str] = &[
    rust::SRC_DIR,
    openapi::OPENAPI_DIR,
    openapi::JSON_SCHEMA_DIR,
    docs::DOCS_DIR,
    docs::SITE_DIR,
];

/// The emitter produced something it cannot stand behind (invalid Rust, or
/// an IR combination it cannot represent). Always a bug in the emitter or
/// the checker, never in a schema: the checker rejects bad schemas first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmitError {
    /// The file being generated.
    pub file: String,
    pub message: String,
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for EmitError {}

/// Every generated file, sorted by path.
pub fn generate(api: &Api) -> Result<Vec<(String, String)>, EmitError> {
    let mut files = rust::files(api)?;
    files.extend(openapi::files(api));
    files.extend(docs::files(api)?);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}
