//! erpspec's schema compiler: load -> check -> IR -> emitters.
//!
//! `load` reads YAML into the faithful [`syntax`] model (positions kept),
//! [`check`] resolves it into the [`ir`] every other stage reads, and the
//! `emit` modules write Rust, OpenAPI/JSON Schema and docs from the IR.
//! [`validate`] is the IR-driven request validator (the conformance oracle).

pub mod answers;
pub mod check;
pub mod diag;
pub mod emit;
pub mod fingerprint;
pub mod ir;
pub mod load;
pub mod recognise;
pub mod syntax;
pub mod template;
pub mod validate;

use diag::Diagnostics;
use std::path::Path;

pub use load::SchemaTree;

/// The schemas directory of this workspace.
pub fn schemas_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

/// This workspace's seed documents (`../shared/seeds/`).
pub fn seeds_dir() -> std::path::PathBuf {
    seeds_dir_of(&schemas_dir())
}

/// The seed documents sources cite (`seed:`): `../shared/seeds/` beside the
/// workspace holding `schemas`, i.e. `<schemas>/../../shared/seeds`.
pub fn seeds_dir_of(schemas: &Path) -> std::path::PathBuf {
    schemas.join("../../shared/seeds")
}

/// The file names of a seeds directory (its `README.md` index left out), sorted.
pub fn read_seed_names(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    Ok(names)
}

/// Loads and checks a schema tree. On failure returns every diagnostic
/// found, in file order. `seed:` names are not checked against a seeds
/// directory (see [`load_tree_with_seeds`]).
pub fn load_tree(tree: &SchemaTree) -> Result<ir::Api, Diagnostics> {
    load_tree_with_seeds(tree, None)
}

/// [`load_tree`], with every source's `seed:` required to name one of
/// `seeds` (the files of `../shared/seeds/`) when they are given.
pub fn load_tree_with_seeds(tree: &SchemaTree, seeds: Option<&[String]>) -> Result<ir::Api, Diagnostics> {
    let mut diags = Diagnostics::default();
    let files = load::parse_tree(tree, &mut diags);
    let api = check::check(files, seeds, &mut diags);
    if diags.is_empty() { Ok(api) } else { Err(diags) }
}

/// Loads and checks every schema under `dir`; `seed:` names are checked
/// against the seeds directory beside the workspace ([`seeds_dir_of`]) where
/// there is one (`cargo xtask codegen` requires it).
pub fn load_dir(dir: &Path) -> Result<ir::Api, Diagnostics> {
    let tree = SchemaTree::read(dir).map_err(|e| {
        let mut d = Diagnostics::default();
        let file = std::sync::Arc::new(diag::SourceFile {
            path: dir.display().to_string(),
            text: String::new(),
        });
        d.error_help(
            diag::Pos::start(&file),
            format!("cannot read the schemas directory: {e}"),
            "run from the workspace root, or pass the directory holding `<vendor>/api.yaml`",
        );
        d
    })?;
    let seeds = read_seed_names(&seeds_dir_of(dir)).ok();
    load_tree_with_seeds(&tree, seeds.as_deref())
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/schemas.rs"));
}

/// The IR of every vendor, from the schema files built into this library
/// (`build.rs` embeds `schemas/`), so a binary works wherever it is run.
pub fn load_embedded() -> Result<ir::Api, String> {
    let tree = SchemaTree {
        root: "schemas".into(),
        files: embedded::SCHEMA_FILES
            .iter()
            .map(|(p, t)| (std::path::PathBuf::from(p), t.to_string()))
            .collect(),
    };
    load_tree(&tree).map_err(|d| d.items.iter().map(|x| x.render(false)).collect::<Vec<_>>().join("\n"))
}

/// Loads this workspace's schemas (for tests and tools built in the workspace).
pub fn load_workspace() -> Result<ir::Api, Diagnostics> {
    load_dir(&schemas_dir())
}
