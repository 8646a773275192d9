//! The schema language's front end: load -> check -> IR.
//!
//! [`load`] reads YAML into the faithful [`syntax`] model (positions kept,
//! unknown keys refused); [`check`] resolves it into the IR
//! (`erpspec_model::ir`), one invariant at a time, collecting every
//! [`diag`]nostic with its `file:line:col` and a fix.

pub mod check;
pub mod diag;
pub mod load;
pub mod syntax;

use diag::Diagnostics;
use std::path::Path;

pub use load::SchemaTree;

/// The schemas directory of this workspace.
pub fn schemas_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

/// This workspace's seed documents (`../shared/seeds/`).
pub fn seeds_dir() -> std::path::PathBuf {
    seeds_dir_of(&schemas_dir())
}

/// The seeds directory for a test that needs it: `Some` where it is beside
/// the workspace. Where it is not (a clone of the project alone), the test
/// says on stderr that it skipped and why, and gets `None`, unless
/// `ERPSPEC_REQUIRE_SEEDS` is set (CI sets it), which makes a missing
/// directory a failure.
pub fn seeds_for_test(test: &str) -> Option<std::path::PathBuf> {
    let dir = seeds_dir();
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("ERPSPEC_REQUIRE_SEEDS").is_some() {
        panic!(
            "{test}: ERPSPEC_REQUIRE_SEEDS is set but the seed documents are not at {}: check out `shared/` beside the workspace",
            dir.display()
        );
    }
    eprintln!(
        "skipped {test}: the seed documents (../shared/seeds/) are not beside this clone; \
         set ERPSPEC_REQUIRE_SEEDS=1 to make that a failure (CI does)"
    );
    None
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
pub fn load_tree(tree: &SchemaTree) -> Result<erpspec_model::ir::Api, Diagnostics> {
    load_tree_with_seeds(tree, None)
}

/// [`load_tree`], with every source's `seed:` required to name one of
/// `seeds` (the files of `../shared/seeds/`) when they are given.
pub fn load_tree_with_seeds(tree: &SchemaTree, seeds: Option<&[String]>) -> Result<erpspec_model::ir::Api, Diagnostics> {
    let mut diags = Diagnostics::default();
    let files = load::parse_tree(tree, &mut diags);
    let api = check::check(files, seeds, &mut diags);
    if diags.is_empty() { Ok(api) } else { Err(diags) }
}

/// Loads and checks every schema under `dir`; `seed:` names are checked
/// against the seeds directory beside the workspace ([`seeds_dir_of`]) where
/// there is one (`cargo xtask codegen` requires it).
pub fn load_dir(dir: &Path) -> Result<erpspec_model::ir::Api, Diagnostics> {
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

/// Loads this workspace's schemas (for tests and tools built in the workspace).
pub fn load_workspace() -> Result<erpspec_model::ir::Api, Diagnostics> {
    load_dir(&schemas_dir())
}
