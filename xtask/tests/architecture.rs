//! ARCHITECTURE.md is a map: every path it names must exist, or a newcomer
//! follows it into nothing.

use std::path::Path;

/// Backticked spans that name a file or directory of the workspace: they
/// contain a `/` or end in a file extension the workspace uses, and hold no
/// spaces or placeholders (`<vendor>`, `{{slot}}`, `*`). A bare file name
/// (`store.rs`) is named within the directory last named before it.
fn named_paths(text: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let mut within: Option<String> = None;
    for (i, span) in text.split('`').enumerate() {
        let looks_like_path = span.contains('/')
            || [".rs", ".md", ".yaml", ".toml", ".json", ".mjs"]
                .iter()
                .any(|ext| span.ends_with(ext));
        let concrete = !span.is_empty() && !span.contains([' ', '<', '>', '{', '}', '*', ':', '(', '=', '|']);
        // Odd pieces are inside backticks.
        if i % 2 == 1 && looks_like_path && concrete && !span.starts_with("--") && !span.starts_with("http") {
            let span = span.trim_end_matches('/').to_string();
            if span.contains('/') {
                within = Some(span.clone());
                out.push((None, span));
            } else {
                out.push((within.clone(), span));
            }
        }
    }
    out
}

/// Does `name` exist at `root`, or (for a bare name) anywhere under the
/// directory it was named within, or under that directory's crate?
fn exists(root: &Path, within: Option<&str>, name: &str) -> bool {
    fn under(dir: &Path, name: &str) -> bool {
        let Ok(entries) = std::fs::read_dir(dir) else { return false };
        entries.flatten().any(|e| {
            let p = e.path();
            e.file_name() == name || (p.is_dir() && e.file_name() != "target" && under(&p, name))
        })
    }
    match within {
        None => root.join(name).exists(),
        Some(dir) => {
            let dir = root.join(dir);
            let krate = dir.ancestors().find(|d| d.join("Cargo.toml").is_file()).map(Path::to_path_buf);
            under(&dir, name) || root.join(name).exists() || krate.is_some_and(|k| under(&k, name))
        }
    }
}

#[test]
fn every_path_in_architecture_md_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md is readable");
    let paths = named_paths(&text);
    assert!(paths.len() >= 20, "the map names too few paths to be one: {paths:?}");
    let missing: Vec<String> = paths
        .iter()
        .filter(|(within, p)| !exists(&root, within.as_deref(), p))
        .map(|(within, p)| match within {
            Some(w) => format!("{p} (under {w})"),
            None => p.clone(),
        })
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md names paths that do not exist: {missing:?}");
}

#[test]
fn architecture_md_reads_in_five_minutes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md is readable");
    let words = text.split_whitespace().count();
    assert!(words <= 1300, "ARCHITECTURE.md has {words} words; a five-minute map is about 1,000");
}

#[test]
fn the_path_finder_sees_paths_and_skips_placeholders() {
    let found = named_paths("see `codegen/model`, `ir/`, `schemas/<vendor>/api.yaml`, `README.md` and `cargo xtask`");
    let dir = Some("codegen/model".to_string());
    assert_eq!(
        found,
        [
            (None, "codegen/model".to_string()),
            (dir.clone(), "ir".to_string()),
            (dir, "README.md".to_string())
        ]
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert!(exists(&root, Some("codegen/model"), "ir"));
    assert!(!exists(&root, Some("codegen/model"), "no-such-file.rs"));
}
