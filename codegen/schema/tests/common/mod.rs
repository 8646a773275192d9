//! Helpers the schema crate's tests share: the real schemas as a tree, one
//! file edited, and what the loader says about it.

#![allow(dead_code)] // each test file uses its own share of these

use erpspec_schema::{SchemaTree, load_tree};
use std::path::PathBuf;

/// This workspace's schemas, rooted at `schemas` as diagnostics show it.
pub fn real_tree() -> SchemaTree {
    let mut tree = SchemaTree::read(&erpspec_schema::schemas_dir()).expect("schemas/ is readable");
    tree.root = "schemas".to_string();
    tree
}

/// The text of `file` in `tree`, to edit in place.
pub fn file_mut<'t>(tree: &'t mut SchemaTree, file: &str) -> &'t mut String {
    let slot = tree
        .files
        .iter_mut()
        .find(|(p, _)| p == &PathBuf::from(file))
        .unwrap_or_else(|| panic!("{file} exists"));
    &mut slot.1
}

/// The one-line form of every diagnostic the loader gives on `tree`.
pub fn diagnostics(tree: &SchemaTree) -> Vec<String> {
    match load_tree(tree) {
        Ok(_) => Vec::new(),
        Err(d) => d.items.iter().map(ToString::to_string).collect(),
    }
}

/// Loads the real schemas with `file` replaced by `edit(text)` (which must
/// change it); returns every diagnostic.
pub fn errors_after(file: &str, edit: impl Fn(&str) -> String) -> Vec<String> {
    let mut tree = real_tree();
    let text = file_mut(&mut tree, file);
    let edited = edit(text);
    assert_ne!(&edited, text, "the edit must change {file}");
    *text = edited;
    diagnostics(&tree)
}

/// [`errors_after`] replacing the first `from` (which must be there) by `to`.
pub fn errors_after_replacing(file: &str, from: &str, to: &str) -> Vec<String> {
    errors_after(file, |text| {
        assert!(text.contains(from), "{file} contains {from:?}");
        text.replacen(from, to, 1)
    })
}

/// Exactly one diagnostic, containing each of `expected`.
pub fn assert_one(errors: &[String], expected: &[&str]) {
    assert_eq!(errors.len(), 1, "expected exactly one diagnostic, got:\n{}", errors.join("\n"));
    for e in expected {
        assert!(errors[0].contains(e), "diagnostic lacks {e:?}:\n{}", errors[0]);
    }
}
