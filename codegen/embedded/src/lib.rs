//! The schema files of this workspace as data (`build.rs` embeds `schemas/`),
//! so a binary carries exactly the IR the generated validators were emitted
//! from, wherever it runs. A schema edit rebuilds this crate and its users,
//! never the loader or the emitters.

use erpspec_schema::SchemaTree;

mod files {
    include!(concat!(env!("OUT_DIR"), "/schemas.rs"));
}

/// Every schema file, as `(path relative to schemas/, text)`, sorted by path.
pub use files::SCHEMA_FILES;

/// The embedded files as a tree the loader reads (rooted at `schemas`).
pub fn tree() -> SchemaTree {
    SchemaTree {
        root: "schemas".into(),
        files: SCHEMA_FILES
            .iter()
            .map(|(p, t)| (std::path::PathBuf::from(p), t.to_string()))
            .collect(),
    }
}

/// The IR of every vendor, from the embedded schema files. `seed:` names are
/// not checked (no seeds directory travels with a binary).
pub fn load() -> Result<erpspec_model::ir::Api, String> {
    erpspec_schema::load_tree(&tree()).map_err(|d| d.items.iter().map(|x| x.render(false)).collect::<Vec<_>>().join("\n"))
}
