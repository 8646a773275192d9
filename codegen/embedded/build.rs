//! Embeds the workspace's schema files into the library, so the reference
//! server and the conformance harness carry exactly the IR they were built
//! from (the one the generated validators were emitted from) wherever they run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    // Read at run time (not `env!`), so a build script compiled for another
    // checkout never embeds that checkout's schemas.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    // `schemas` here is a link to the workspace's `schemas/` (a packaged
    // crate carries the files themselves), so the crate is publishable.
    let dir = Path::new(&manifest).join("schemas");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let vendors = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read the schemas at {}: {e}", dir.display()));
    for v in vendors.flatten() {
        let vpath = v.path();
        if !vpath.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", vpath.display());
        if let Ok(entries) = std::fs::read_dir(&vpath) {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                    println!("cargo:rerun-if-changed={}", p.display());
                    let rel = p.strip_prefix(&dir).unwrap_or(&p).to_string_lossy().replace('\\', "/");
                    files.push((rel, p.canonicalize().unwrap_or(p.clone())));
                }
            }
        }
    }
    assert!(
        !files.is_empty(),
        "no schema files under {}: nothing would be embedded",
        dir.display()
    );
    files.sort();
    let mut out =
        String::from("/// Every schema file, as `(path relative to schemas/, text)`.\npub static SCHEMA_FILES: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        let _ = writeln!(out, "    ({rel:?}, include_str!({:?})),", abs.display().to_string());
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("schemas.rs"), out).expect("write schemas.rs");
}
