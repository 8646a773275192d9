//! `cargo xtask fuzz [--time SECONDS] [--only TARGET]`: every coverage-guided
//! target of `fuzz/` (cargo-fuzz, libFuzzer, AddressSanitizer) for SECONDS
//! each, from a corpus seeded with real inputs, then a table of executions
//! per target. A crash fails the run and names the input that caused it
//! (under `fuzz/artifacts/TARGET/`), which becomes a regression test.
//!
//! cargo-fuzz is installed under `target/cargo-fuzz` on first use. Its
//! instrumentation flags are nightly-only; `RUSTC_BOOTSTRAP=1` lets the
//! machine's one stable toolchain take them.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Pinned like the other tools CI installs.
const CARGO_FUZZ: &str = "0.13.2";
const TARGETS: [&str; 4] = ["schema_loader", "request_reader", "reference_request", "harness_answer"];

#[derive(clap::Args)]
pub struct Args {
    /// Seconds per target.
    #[arg(long, default_value_t = 60)]
    time: u64,
    /// Only this target (repeatable).
    #[arg(long, value_parser = TARGETS)]
    only: Vec<String>,
}

pub fn run(args: &Args) -> ExitCode {
    match fuzz_all(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

fn fuzz_all(args: &Args) -> Result<bool, String> {
    let root = crate::project_root();
    let cargo_fuzz = install(&root)?;
    // The fuzz workspace builds with the workspace's own versions.
    std::fs::copy(root.join("Cargo.lock"), root.join("fuzz/Cargo.lock")).map_err(|e| format!("fuzz/Cargo.lock: {e}"))?;
    let targets: Vec<&str> = TARGETS
        .iter()
        .copied()
        .filter(|t| args.only.is_empty() || args.only.iter().any(|o| o == t))
        .collect();
    let mut clean = true;
    let mut rows = Vec::new();
    for target in targets {
        let corpus = root.join("fuzz/corpus").join(target);
        seed(&root, target, &corpus)?;
        eprintln!("fuzzing {target} for {} s", args.time);
        let out = Command::new(&cargo_fuzz)
            .args(["fuzz", "run", target])
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={}", args.time))
            .args(["-rss_limit_mb=2048", "-timeout=10", "-print_final_stats=1"])
            .env("RUSTC_BOOTSTRAP", "1")
            .current_dir(&root)
            .output()
            .map_err(|e| format!("cannot run cargo-fuzz: {e}"))?;
        let log = String::from_utf8_lossy(&out.stderr);
        let runs = stat(&log, "stat::number_of_executed_units:");
        let crashed = !out.status.success();
        if crashed {
            clean = false;
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            eprintln!("{target} crashed:\n{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        }
        rows.push((target, runs, crashed));
    }
    println!("target\texecutions\tseconds\texecutions/s\tcrashes");
    for (target, runs, crashed) in rows {
        let runs = runs.unwrap_or(0);
        println!(
            "{target}\t{runs}\t{}\t{}\t{}",
            args.time,
            runs / args.time.max(1),
            u8::from(crashed)
        );
    }
    Ok(clean)
}

/// The value libFuzzer prints after `name` in its final statistics.
fn stat(log: &str, name: &str) -> Option<u64> {
    log.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.trim().parse().ok())
}

fn install(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/cargo-fuzz");
    let bin = dir.join("bin/cargo-fuzz");
    if bin.is_file() {
        return Ok(bin);
    }
    let status = Command::new("cargo")
        .args(["install", "--quiet", "--locked", "cargo-fuzz", "--version", CARGO_FUZZ, "--root"])
        .arg(&dir)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    match status.success() {
        true => Ok(bin),
        false => Err(format!("`cargo install cargo-fuzz@{CARGO_FUZZ}` failed")),
    }
}

/// Real inputs to start from: every schema file, the docs' example
/// requests, requests a client sends, answers the vendors give.
fn seed(root: &Path, target: &str, corpus: &Path) -> Result<(), String> {
    std::fs::create_dir_all(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let tree = erpspec_schema::SchemaTree::read(&root.join("schemas")).map_err(|e| e.to_string())?;
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    match target {
        "schema_loader" => {
            // In the order the target indexes them (the embedded tree's).
            let mut files = tree.files.clone();
            files.sort_by(|a, b| a.0.to_string_lossy().cmp(&b.0.to_string_lossy()));
            for (i, (_, text)) in files.iter().enumerate() {
                seeds.push([&[i as u8][..], text.as_bytes()].concat());
            }
        }
        "request_reader" | "reference_request" | "harness_answer" => {
            let api = erpspec_schema::load_tree(&tree).map_err(|_| "the schemas do not load".to_string())?;
            let mut endpoints: Vec<(usize, &erpspec_model::ir::Vendor, &erpspec_model::ir::Endpoint)> = api
                .vendors
                .iter()
                .enumerate()
                .flat_map(|(vi, v)| v.endpoints.iter().map(move |ep| (vi, v, ep)))
                .collect();
            endpoints.sort_by(|a, b| (&a.1.name, &a.2.id).cmp(&(&b.1.name, &b.2.id)));
            for (i, (vi, v, ep)) in endpoints.into_iter().enumerate() {
                let path = v.transport.path.replace("{route}", &ep.route);
                for ex in &ep.examples {
                    let body = serde_json::to_vec(&ex.request).unwrap_or_default();
                    let vi = vi as u8;
                    seeds.push(match target {
                        "request_reader" => [&[i as u8][..], &body].concat(),
                        "reference_request" => {
                            [&[vi][..], b"POST\0", path.as_bytes(), b"\0content-type: application/json\0", &body].concat()
                        }
                        _ => [&[vi, i as u8, 1][..], b"content-type: application/json\0", &body].concat(),
                    });
                }
            }
        }
        _ => {}
    }
    for (i, s) in seeds.iter().enumerate() {
        std::fs::write(corpus.join(format!("seed-{i:03}")), s).map_err(|e| e.to_string())?;
    }
    Ok(())
}
