//! The committed generated files are exactly what the schemas produce.
//! Fails on any drift and names the command that fixes it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files_under(dir: &Path, out: &mut BTreeSet<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.insert(p);
        }
    }
}

#[test]
fn generated_files_match_the_schemas() {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| {
        panic!(
            "schemas/ do not load; run `cargo xtask codegen` to see every error:\n{}",
            d.items[0].render(false)
        )
    });
    let files = erpspec_codegen::emit::generate(&api).unwrap_or_else(|e| panic!("the emitter failed: {e}"));
    let root = root();
    let mut stale = Vec::new();
    for (rel, want) in &files {
        match std::fs::read_to_string(root.join(rel)) {
            Ok(have) if have.replace("\r\n", "\n") == *want => {}
            Ok(_) => stale.push(format!("{rel} (differs)")),
            Err(_) => stale.push(format!("{rel} (missing)")),
        }
    }
    let wanted: BTreeSet<PathBuf> = files.iter().map(|(rel, _)| root.join(rel)).collect();
    for dir in erpspec_codegen::emit::OWNED_DIRS {
        let mut on_disk = BTreeSet::new();
        files_under(&root.join(dir), &mut on_disk);
        for p in on_disk.difference(&wanted) {
            stale.push(format!("{} (no longer generated)", p.strip_prefix(&root).unwrap_or(p).display()));
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date with schemas/:\n  {}\nrun `cargo xtask codegen` to update them",
        stale.join("\n  ")
    );
}

#[test]
fn every_generated_rust_file_says_how_it_was_made() {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    for (rel, text) in erpspec_codegen::emit::generate(&api)
        .expect("the emitter succeeds")
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".rs"))
    {
        assert!(
            text.starts_with(erpspec_codegen::emit::rust::HEADER),
            "{rel} lacks the do-not-edit header"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    let a = erpspec_codegen::emit::generate(&api).expect("the emitter succeeds");
    let b = erpspec_codegen::emit::generate(&api.clone()).expect("the emitter succeeds");
    assert_eq!(a, b);
}
