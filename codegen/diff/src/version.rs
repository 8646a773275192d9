//! A version of the schemas to compare: a directory (the `schemas`
//! directory, or a checkout holding one) or a git revision of the
//! repository, read from git without touching the work tree.

use erpspec_model::ir::Api;
use erpspec_schema::SchemaTree;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Loads `spec`: a directory if one is there, else a git revision of the
/// repository at `repo`. The error says which it tried and why it failed
/// (a load error with every diagnostic's `file:line:col`).
pub fn load(repo: &Path, spec: &str) -> Result<Api, String> {
    let tree = tree(repo, spec)?;
    erpspec_schema::load_tree(&tree).map_err(|d| {
        let shown: Vec<String> = d.items.iter().map(|i| i.render(false)).collect();
        format!(
            "the schemas of {spec} do not load with this version's loader ({} problem(s)):\n{}",
            d.items.len(),
            shown.join("\n")
        )
    })
}

fn tree(repo: &Path, spec: &str) -> Result<SchemaTree, String> {
    let dir = PathBuf::from(spec);
    if dir.is_dir() {
        let schemas = if dir.join("schemas").is_dir() { dir.join("schemas") } else { dir };
        return SchemaTree::read(&schemas).map_err(|e| format!("{}: {e}", schemas.display()));
    }
    from_git(repo, spec)
}

/// The `schemas/` tree of a revision, as git has it.
fn from_git(repo: &Path, rev: &str) -> Result<SchemaTree, String> {
    let git = |args: &[&str]| -> Result<Vec<u8>, String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        match out.status.success() {
            true => Ok(out.stdout),
            false => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        }
    };
    let commit = git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
        .map_err(|_| format!("`{rev}` is neither a directory nor a git revision of {}", repo.display()))?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let listing = git(&["ls-tree", "-r", "-z", "--name-only", &commit, "--", "schemas/"])?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for path in listing.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let Some(rel) = path.strip_prefix("schemas/") else { continue };
        // `<vendor>/<file>.yaml`, as a directory is read.
        if rel.matches('/').count() != 1 || !(rel.ends_with(".yaml") || rel.ends_with(".yml")) {
            continue;
        }
        let text = git(&["show", &format!("{commit}:{path}")])?;
        let text = String::from_utf8(text).map_err(|_| format!("{rev}:{path} is not UTF-8"))?;
        files.push((PathBuf::from(rel), text));
    }
    if files.is_empty() {
        return Err(format!("{rev} has no schemas/<vendor>/*.yaml"));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(SchemaTree {
        root: format!("{rev}:schemas"),
        files,
    })
}
