//! The `validate` section: request validation bytes in, verdict out, against
//! the `jsonschema` crate in the same process (the example
//! `generated/examples/bench_validate.rs` measures, this runs and prints
//! it); how long the generated crate takes to build; how many lines it is.

use super::{PROFILE, show1, spread};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn cargo(root: &Path) -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root);
    cmd
}

pub(super) fn validate(root: &Path, runs: usize, quick: bool) -> Result<(), String> {
    let release = PROFILE.get().copied() != Some("debug");
    println!("## Request validation, bytes in, verdict out: generated validators against the `jsonschema` crate\n");
    println!(
        "Expandable customer-contact-create, every member valid, and a 34 KB body (a 32,500-character NOTES) breaking two documented rules; the peer runs the JSON Schema erpspec emits for the endpoint, end to end too. Microseconds per request, median (min-max) of {} runs in one process:\n",
        if quick { 1 } else { 7 }
    );
    let mut cmd = cargo(root);
    cmd.args(["run", "--quiet", "-p", "erpspec-generated", "--example", "bench_validate"]);
    if release {
        cmd.arg("--release");
    }
    if quick {
        cmd.args(["--", "--quick"]);
    }
    println!(
        "```sh\ncargo run{} -p erpspec-generated --example bench_validate{}\n```\n",
        if release { " --release" } else { "" },
        if quick { " -- --quick" } else { "" }
    );
    let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("bench_validate failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    println!("{}", String::from_utf8_lossy(&out.stdout));
    build_times(root, runs, release, quick)?;
    generated_lines(root)
}

/// The generated crate alone (its dependencies built), after touching its
/// `lib.rs`: what a developer waits for after `cargo xtask codegen`.
fn build_times(root: &Path, runs: usize, release: bool, quick: bool) -> Result<(), String> {
    println!("### Building the generated crate\n");
    println!(
        "```sh\ntouch generated/src/lib.rs && cargo build --release -p erpspec-generated\ntouch generated/src/lib.rs && CARGO_INCREMENTAL=0 cargo build -p erpspec-generated\n```\n"
    );
    println!("| build | seconds, median (min-max) of {runs} |");
    println!("| --- | --- |");
    // A smoke run times one debug build.
    let profiles: &[bool] = if quick || !release { &[false] } else { &[true, false] };
    for &rel in profiles {
        // The first build after a change elsewhere may rebuild dependencies:
        // not timed.
        build_once(root, rel)?;
        let mut secs = Vec::new();
        for _ in 0..runs {
            secs.push(build_once(root, rel)?);
        }
        let name = if rel { "release" } else { "debug, `CARGO_INCREMENTAL=0`" };
        println!("| {name} | {} |", show1(spread(secs)));
    }
    println!();
    Ok(())
}

fn build_once(root: &Path, release: bool) -> Result<f64, String> {
    let lib = root.join("generated/src/lib.rs");
    let file = std::fs::File::options()
        .append(true)
        .open(&lib)
        .map_err(|e| format!("{}: {e}", lib.display()))?;
    file.set_modified(std::time::SystemTime::now())
        .map_err(|e| format!("{}: {e}", lib.display()))?;
    let mut cmd = cargo(root);
    cmd.args(["build", "--quiet", "-p", "erpspec-generated"]);
    if release {
        cmd.arg("--release");
    } else {
        cmd.env("CARGO_INCREMENTAL", "0");
    }
    let start = Instant::now();
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    status
        .success()
        .then_some(secs)
        .ok_or_else(|| "the build of erpspec-generated failed".to_string())
}

/// Lines of generated Rust, and per endpoint.
fn generated_lines(root: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    collect_rs(&root.join("generated/src"), &mut files)?;
    let lines: usize = files.iter().map(|text| text.lines().count()).sum();
    let endpoints = erpspec_generated_endpoints(root)?;
    println!(
        "Generated Rust: {lines} lines in {} files for {endpoints} endpoints ({} lines per endpoint).\n",
        files.len(),
        lines / endpoints.max(1)
    );
    Ok(())
}

fn collect_rs(dir: &Path, out: &mut Vec<String>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?);
        }
    }
    Ok(())
}

fn erpspec_generated_endpoints(root: &Path) -> Result<usize, String> {
    let api = crate::codegen::load_schemas(root).ok_or("the schemas do not load")?;
    Ok(api.vendors.iter().map(|v| v.endpoints.len()).sum())
}
