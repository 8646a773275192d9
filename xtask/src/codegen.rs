//! `cargo xtask codegen [--check]`: schemas/ -> generated/.
//!
//! Every artefact goes through [`ensure_file_contents`] (rust-analyzer's
//! model): write mode rewrites what changed, check mode writes nothing and
//! names every stale file and the command that fixes it.

use crate::project_root;
use erpspec_codegen::emit;
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Write nothing; fail if any generated file differs from what the
    /// schemas produce (CI runs this).
    #[arg(long)]
    pub check: bool,
    /// The tree to work on: `DIR/schemas` in, `DIR/generated` out, seed
    /// documents at `DIR/../shared/seeds` (default: this workspace). The
    /// bench runs the whole process on synthetic trees this way.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

pub fn run(args: &Args) -> ExitCode {
    let root = args.root.clone().unwrap_or_else(project_root);
    if generate(&root, args.check) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Loads `root/schemas`, then writes (or checks) every generated file under
/// `root`. Returns whether everything went right; what went wrong is on stderr.
pub fn generate(root: &Path, check: bool) -> bool {
    // Every source's `seed:` must name a seed document; without the seeds
    // directory that cannot be checked, so codegen refuses to go on.
    let seeds = erpspec_schema::seeds_dir_of(&root.join("schemas"));
    if !seeds.is_dir() {
        eprintln!(
            "error: the seed documents are not at {}: every source's `seed:` must name one of them\n  help: check out `shared/` beside the workspace (as CI does), then run this again",
            seeds.display()
        );
        return false;
    }
    let Some(api) = load_schemas(root) else {
        return false;
    };
    let Some(pass) = emit_into(root, &api, check) else {
        return false;
    };
    let ok = if check {
        report_stale(&pass.stale_with_unwanted(root))
    } else {
        pass.report_written(root)
    };
    if ok {
        let verb = if check { "are up to date" } else { "written or already up to date" };
        println!("{} generated files {verb} ({})", pass.wanted.len(), api.summary());
    }
    ok
}

/// `Err` with a one-line message naming the fix when `root/generated` is
/// not what `root/schemas` produce. `serve`, `conformance` and `mutation`
/// run it before building anything: the reference server refuses to start
/// with stale validators, and this says so before minutes of compiling.
pub fn freshness(root: &Path) -> Result<(), String> {
    let pass = load_schemas(root).and_then(|api| emit_into(root, &api, true));
    let Some(pass) = pass else {
        return Err("schemas/ have errors (above); fix them, then run `cargo xtask codegen`".into());
    };
    match pass.stale_with_unwanted(root).len() {
        0 => Ok(()),
        n => Err(format!(
            "generated/ is stale: {n} file{} from what schemas/ produce; run `cargo xtask codegen`",
            if n == 1 { " differs" } else { "s differ" }
        )),
    }
}

/// What one pass over the emitted files found or did, file by file.
#[derive(Default)]
struct Pass {
    /// Every generated file, relative to the root.
    wanted: BTreeSet<String>,
    /// Check mode: files missing or differing. Write mode: files rewritten.
    changed: Vec<String>,
    /// Files that could not be written.
    errors: Vec<String>,
}

/// Compares (check mode) or writes each file as the emitter makes it, so
/// no more than a few files' text is held at once. `None` (the error on
/// stderr) when the emitter fails, which is a bug in it, not in a schema.
fn emit_into(root: &Path, api: &erpspec_model::ir::Api, check: bool) -> Option<Pass> {
    let pass = std::sync::Mutex::new(Pass::default());
    let outcome = emit::generate_each(api, &|rel, contents| {
        let result = ensure_file_contents(&root.join(&rel), &contents, check);
        let mut pass = pass.lock().expect("no panics while held");
        match result {
            Ok(Outcome::Fresh) => {}
            Ok(Outcome::Written | Outcome::Stale) => pass.changed.push(rel.clone()),
            Err(e) => pass.errors.push(format!("error: cannot write {rel}: {e}")),
        }
        pass.wanted.insert(rel);
    });
    if let Err(e) = outcome {
        eprintln!("error: {e}");
        return None;
    }
    let mut pass = pass.into_inner().expect("no panics while held");
    // Files come from several threads: sorted, the report is deterministic.
    pass.changed.sort();
    pass.errors.sort();
    Some(pass)
}

impl Pass {
    /// Check mode: the stale files, then those no longer generated.
    fn stale_with_unwanted(&self, root: &Path) -> Vec<String> {
        let mut stale = self.changed.clone();
        stale.extend(
            unwanted(root, &self.wanted)
                .into_iter()
                .map(|rel| format!("{rel} (no longer generated)")),
        );
        stale
    }

    /// Write mode: names what was rewritten, removes what is no longer
    /// generated; false if anything could not be written or removed.
    fn report_written(&self, root: &Path) -> bool {
        for rel in &self.changed {
            println!("updated {rel}");
        }
        for e in &self.errors {
            eprintln!("{e}");
        }
        let mut ok = self.errors.is_empty();
        for rel in unwanted(root, &self.wanted) {
            match std::fs::remove_file(root.join(&rel)) {
                Ok(()) => println!("removed {rel}"),
                Err(e) => {
                    eprintln!("error: cannot remove {rel}: {e}");
                    ok = false;
                }
            }
        }
        ok
    }
}

/// The schemas under `root/schemas`, or every diagnostic printed to stderr.
pub fn load_schemas(root: &Path) -> Option<erpspec_model::ir::Api> {
    match erpspec_schema::load_dir(&root.join("schemas")) {
        Ok(api) => Some(api),
        Err(diags) => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            for d in &diags.items {
                eprintln!("{}\n", d.render(color));
            }
            let n = diags.items.len();
            eprintln!("{n} error{} in schemas/", if n == 1 { "" } else { "s" });
            None
        }
    }
}

fn report_stale(stale: &[String]) -> bool {
    if stale.is_empty() {
        return true;
    }
    eprintln!(
        "{} generated file{} out of date with schemas/:",
        stale.len(),
        if stale.len() == 1 { " is" } else { "s are" }
    );
    for s in stale {
        eprintln!("  {s}");
    }
    eprintln!("run `cargo xtask codegen` to update them");
    false
}

/// Files in the generated directories that no emitter produces, relative to `root`.
fn unwanted(root: &Path, wanted: &BTreeSet<String>) -> Vec<String> {
    let wanted: BTreeSet<PathBuf> = wanted.iter().map(|rel| root.join(rel)).collect();
    emit::OWNED_DIRS
        .iter()
        .flat_map(|dir| files_under(&root.join(dir)))
        .filter(|path| !wanted.contains(path))
        .map(|path| path.strip_prefix(root).unwrap_or(&path).display().to_string())
        .collect()
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The file already has these contents.
    Fresh,
    /// The file was (re)written.
    Written,
    /// Check mode: the file is missing or differs.
    Stale,
}

/// Makes `path` hold `contents`, or in check mode reports that it does not.
/// Line endings are compared loosely so a CRLF checkout is not stale.
pub fn ensure_file_contents(path: &Path, contents: &str, check: bool) -> std::io::Result<Outcome> {
    // Byte equality first: normalising copies both texts, and only a CRLF
    // checkout needs it.
    if let Ok(old) = std::fs::read(path)
        && (old == contents.as_bytes()
            || (old.contains(&b'\r') && std::str::from_utf8(&old).is_ok_and(|old| normalize_newlines(old) == normalize_newlines(contents))))
    {
        return Ok(Outcome::Fresh);
    }
    if check {
        return Ok(Outcome::Stale);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, contents)?;
    Ok(Outcome::Written)
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}

/// Every file under `dir`, recursively, sorted; empty if `dir` is missing.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ensure_file_contents_writes_then_reports_fresh_and_stale() {
        let dir = std::env::temp_dir().join(format!("xtask-ensure-{}", std::process::id()));
        let path = dir.join("a/b.rs");
        assert_eq!(ensure_file_contents(&path, "x\n", true).unwrap(), Outcome::Stale);
        assert!(!path.exists(), "check mode writes nothing");
        assert_eq!(ensure_file_contents(&path, "x\n", false).unwrap(), Outcome::Written);
        assert_eq!(ensure_file_contents(&path, "x\n", true).unwrap(), Outcome::Fresh);
        std::fs::write(&path, "x\r\n").unwrap();
        assert_eq!(ensure_file_contents(&path, "x\n", true).unwrap(), Outcome::Fresh);
        assert_eq!(ensure_file_contents(&path, "y\n", true).unwrap(), Outcome::Stale);
        assert_eq!(files_under(&dir), vec![path.clone()]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A scratch workspace holding a copy of the real schemas, with a copy
    /// of the seed documents beside it (`../shared/seeds`). Remove it with
    /// [`remove_scratch`].
    /// `None` (the test skips, saying so) where the seeds are not beside
    /// the clone: codegen needs them ([`erpspec_schema::seeds_for_test`]).
    fn scratch(name: &str) -> Option<PathBuf> {
        let seeds = erpspec_schema::seeds_for_test(&format!("xtask codegen test `{name}`"))?;
        let base = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let root = base.join("main");
        let copy = |from: &Path, to: &Path| {
            for path in files_under(from) {
                let dest = to.join(path.strip_prefix(from).unwrap());
                std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                std::fs::copy(&path, &dest).unwrap();
            }
        };
        copy(&project_root().join("schemas"), &root.join("schemas"));
        copy(&seeds, &base.join("shared/seeds"));
        Some(root)
    }

    fn remove_scratch(root: &Path) {
        std::fs::remove_dir_all(root.parent().unwrap()).unwrap();
    }

    #[test]
    fn codegen_writes_then_checks_then_finds_drift_and_stale_files() {
        let Some(root) = scratch("drift") else { return };
        assert!(!generate(&root, true), "nothing generated yet: check fails");
        assert!(generate(&root, false), "write mode succeeds");
        assert!(generate(&root, true), "freshly generated files pass the check");
        let lib = root.join("generated/src/lib.rs");
        std::fs::write(&lib, std::fs::read_to_string(&lib).unwrap() + "// edited by hand\n").unwrap();
        assert!(!generate(&root, true), "a hand edit is drift");
        let stale = root.join("generated/src/old_vendor/mod.rs");
        std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
        std::fs::write(&stale, "").unwrap();
        assert!(generate(&root, false), "write mode repairs both");
        assert!(!stale.exists(), "a file no schema produces is removed");
        assert!(generate(&root, true));
        remove_scratch(&root);
    }

    #[test]
    fn freshness_names_the_fix_after_a_schema_edit_without_codegen() {
        let Some(root) = scratch("fresh") else { return };
        let err = freshness(&root).unwrap_err();
        assert!(err.starts_with("generated/ is stale: "), "{err}");
        assert!(generate(&root, false));
        assert_eq!(freshness(&root), Ok(()));
        let file = root.join("schemas/manex/api.yaml");
        let text = std::fs::read_to_string(&file).unwrap().replacen("title: ", "title: Edited ", 1);
        std::fs::write(&file, text).unwrap();
        let err = freshness(&root).unwrap_err();
        assert!(
            err.ends_with("files differ from what schemas/ produce; run `cargo xtask codegen`"),
            "{err}"
        );
        remove_scratch(&root);
    }

    #[test]
    fn codegen_fails_on_schema_errors_and_writes_nothing() {
        let Some(root) = scratch("broken") else { return };
        let file = root.join("schemas/manex/customer-add.yaml");
        let text = std::fs::read_to_string(&file).unwrap().replace("minimum: 0", "minimun: 0");
        std::fs::write(&file, text).unwrap();
        assert!(!generate(&root, false));
        assert!(!root.join("generated").exists(), "no file is written from schemas with errors");
        remove_scratch(&root);
    }

    #[test]
    fn codegen_checks_seed_names_and_needs_the_seeds_directory() {
        let Some(root) = scratch("seeds") else { return };
        let file = root.join("schemas/manex/api.yaml");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(
            &file,
            text.replace("seed: 003_ce6f3b901637b304.txt", "seed: 003_ce6f3b901637b305.txt"),
        )
        .unwrap();
        assert!(!generate(&root, false), "a seed naming no file is an error");
        assert!(!root.join("generated").exists());
        std::fs::write(&file, text).unwrap();
        std::fs::remove_dir_all(root.parent().unwrap().join("shared")).unwrap();
        assert!(!generate(&root, false), "without ../shared/seeds the seeds cannot be checked");
        assert!(!root.join("generated").exists());
        remove_scratch(&root);
    }
}
