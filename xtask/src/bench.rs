//! `cargo xtask bench [--quick] [--only SECTION]...`: the figures of
//! BENCHMARKS.md, each printed as a Markdown table with the command behind
//! it, the median of the runs with min and max, and the peer measured in the
//! same run. `--quick` is CI's smoke run: one run each, small budgets, no
//! thresholds (a figure from it is not a measurement).
//!
//! Sections:
//! - `server`: the reference server under wrk (ManEx Customer Get and Add,
//!   `reference/bench/bench.sh`) against the number of records, in memory and
//!   with `--db`;
//! - `harness`: the whole conformance suite against each vendor's reference
//!   server (release), checks and requests per second as the harness reports;
//! - `versus`: requests per second the reference server answers (counted by
//!   the server) from Schemathesis and, for the same wall time, from the
//!   harness, one vendor server each;
//! - `faults`: which fault switches of the reference server each tool
//!   catches (erpspec: `conformance mutation`; Schemathesis: its findings
//!   differ from the fault-free run's);
//! - `codegen`: whole-process `xtask codegen` on synthetic trees of 100,
//!   1,000 and 10,000 endpoints, and cargo-typify on their request JSON
//!   Schemas ([`codegen`]);
//! - `validate`: request validation against the `jsonschema` crate, the
//!   generated crate's build time and size ([`validate`]);
//! - `hostile`: the reference server and the harness under hostile peers
//!   (idle sockets, unauthenticated floods, slow loris, 16 MiB answers;
//!   [`hostile`]).

mod codegen;
mod hostile;
mod validate;

use crate::interop::{Server, parse_findings, run_schemathesis, schemathesis};
use crate::project_root;
use erpspec_model::ir::Vendor;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// A smoke run: one run each, small budgets, no thresholds.
    #[arg(long)]
    quick: bool,
    /// Only these sections (repeatable; default: all).
    #[arg(long, value_enum)]
    only: Vec<Section>,
    /// Only these APIs (repeatable; default: every vendor).
    #[arg(long)]
    api: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Section {
    Server,
    Harness,
    Versus,
    Faults,
    Codegen,
    Validate,
    Hostile,
}

/// Schemathesis settings of the fault table: those of `cargo xtask interop`.
const ST_MAX_EXAMPLES: u32 = 8;
/// The time each tool gets in a round of `versus`, and their settings: as
/// many cases as they can send in it.
const VERSUS_SECONDS: f64 = 15.0;
const VERSUS_MAX_EXAMPLES: u32 = 1000;
const VERSUS_CASES: u32 = 8;

pub fn run(args: &Args) -> ExitCode {
    let root = project_root();
    match run_sections(&root, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

fn run_sections(root: &Path, args: &Args) -> Result<(), String> {
    crate::codegen::freshness(root)?;
    let api = crate::codegen::load_schemas(root).ok_or("the schemas do not load")?;
    let vendors: Vec<&Vendor> = api
        .vendors
        .iter()
        .filter(|v| args.api.is_empty() || args.api.contains(&v.name))
        .collect();
    let wanted = |s: Section| args.only.is_empty() || args.only.contains(&s);
    // The server and the harness are built only for the sections running them.
    if [
        Section::Server,
        Section::Harness,
        Section::Versus,
        Section::Faults,
        Section::Hostile,
    ]
    .into_iter()
    .any(wanted)
    {
        build(root, args.quick)?;
    } else {
        PROFILE.get_or_init(|| if args.quick { "debug" } else { "release" });
    }
    let runs = if args.quick { 1 } else { 5 };
    println!(
        "# cargo xtask bench{} — {}, {} build\n",
        if args.quick { " --quick (a smoke run: not figures)" } else { "" },
        machine(),
        PROFILE.get().copied().unwrap_or("release")
    );
    if wanted(Section::Server) {
        server(root, runs, args.quick)?;
    }
    if wanted(Section::Harness) {
        harness(root, &vendors, runs)?;
    }
    if wanted(Section::Versus) {
        versus(root, &vendors, runs, args.quick)?;
    }
    if wanted(Section::Faults) {
        faults(root, &vendors, args.quick)?;
    }
    if wanted(Section::Codegen) {
        codegen::codegen(root, runs, args.quick)?;
    }
    if wanted(Section::Validate) {
        validate::validate(root, runs, args.quick)?;
    }
    if wanted(Section::Hostile) {
        hostile::hostile(root, args.quick)?;
    }
    Ok(())
}

/// The build the figures come from: release; `--quick` (a smoke run, no
/// figures) uses the debug build the tests already made.
static PROFILE: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

fn build(root: &Path, quick: bool) -> Result<(), String> {
    let profile = *PROFILE.get_or_init(|| if quick { "debug" } else { "release" });
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root)
        .args(["build", "--quiet", "-p", "reference", "-p", "conformance"]);
    if profile == "release" {
        cmd.arg("--release");
    }
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    status.success().then_some(()).ok_or_else(|| format!("the {profile} build failed"))
}

fn release(root: &Path, bin: &str) -> PathBuf {
    target_dir(root).join(PROFILE.get().copied().unwrap_or("release")).join(bin)
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set, else `target/`.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// The machine, the date and the commit, for every table's heading.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let out = |cmd: &mut Command| {
        cmd.output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let date = out(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
    let commit = out(Command::new("git").args(["rev-parse", "--short", "HEAD"]));
    format!("{cores} cores ({cpu}), {date}, commit {commit}")
}

/// Median, min and max of a sample.
fn spread(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let median = if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 };
    (median, xs[0], xs[n - 1])
}

fn show((median, min, max): (f64, f64, f64)) -> String {
    format!("{median:.0} ({min:.0}–{max:.0})")
}

/// One wrk run's figures: requests/s and p99 in ms.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Load {
    rate: f64,
    p99_ms: f64,
}

/// The Get and Add figures of one `bench.sh` run (`-- Get` / `-- Add`
/// blocks with wrk's `Requests/sec:` and the scripts' `p50 .. ms, p99 .. ms`).
fn parse_bench_sh(text: &str) -> Option<(Load, Load)> {
    let block = |name: &str| -> Option<Load> {
        let rest = text.split(&format!("-- {name}")).nth(1)?;
        let rate = rest
            .lines()
            .find_map(|l| l.trim().strip_prefix("Requests/sec:"))?
            .trim()
            .parse()
            .ok()?;
        let p99 = rest
            .lines()
            .find_map(|l| l.split("p99 ").nth(1))?
            .trim_end_matches(" ms")
            .trim()
            .parse()
            .ok()?;
        Some(Load { rate, p99_ms: p99 })
    };
    Some((block("Get")?, block("Add")?))
}

fn server(root: &Path, runs: usize, quick: bool) -> Result<(), String> {
    if Command::new("wrk").arg("--version").output().is_err() {
        return Err("wrk is not installed (`apt-get install wrk`)".into());
    }
    let sizes: &[u64] = if quick { &[100] } else { &[100, 1_000, 10_000, 100_000] };
    let (get_s, add_s) = if quick { ("1", "1") } else { ("5", "3") };
    println!(
        "## The reference server against the number of records
"
    );
    println!(
        "ManEx, release build; wrk 2 threads, 32 keep-alive connections on the same machine; Get of random \
         customers among N for {get_s} s, then Add of new customers for {add_s} s. {runs} runs per row.\n"
    );
    println!(
        "```sh
GET_SECONDS={get_s} ADD_SECONDS={add_s} reference/bench/bench.sh target/release/reference N [DBFILE]
```
"
    );
    println!(
        "| records | storage | Get requests/s median (min–max) | Get p99 ms median (min–max) | Add requests/s median (min–max) | Add p99 ms median (min–max) |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    let db = root.join("target/bench/bench.db");
    let mut rows: Vec<(u64, bool)> = sizes.iter().map(|n| (*n, false)).collect();
    rows.push((1_000, true));
    for (n, on_disk) in rows {
        let mut loads = Vec::new();
        for _ in 0..runs {
            let mut cmd = Command::new(root.join("reference/bench/bench.sh"));
            cmd.arg(release(root, "reference")).arg(n.to_string());
            if on_disk {
                std::fs::create_dir_all(db.parent().expect("a parent")).map_err(|e| e.to_string())?;
                cmd.arg(&db);
            }
            let out = cmd
                .env("GET_SECONDS", get_s)
                .env("ADD_SECONDS", add_s)
                .output()
                .map_err(|e| format!("cannot run bench.sh: {e}"))?;
            let text = String::from_utf8_lossy(&out.stdout);
            loads.push(
                parse_bench_sh(&text).ok_or_else(|| format!("bench.sh at N={n} said:\n{text}{}", String::from_utf8_lossy(&out.stderr)))?,
            );
        }
        let pick = |f: fn(&(Load, Load)) -> f64| show1(spread(loads.iter().map(f).collect()));
        println!(
            "| {n} | {} | {} | {} | {} | {} |",
            if on_disk { "`--db` (fsync per batch)" } else { "memory" },
            pick(|l| l.0.rate),
            pick(|l| l.0.p99_ms),
            pick(|l| l.1.rate),
            pick(|l| l.1.p99_ms)
        );
    }
    println!();
    Ok(())
}

/// Like [`show`], one decimal (latencies).
fn show1((median, min, max): (f64, f64, f64)) -> String {
    if median >= 100.0 {
        return show((median, min, max));
    }
    format!("{median:.1} ({min:.1}–{max:.1})")
}

/// `(checks, requests, checks/s, requests/s)` from the harness's summary line
/// `207 checks: ... 231 requests in 0.11 s (1897 checks/s, 2117 requests/s)`.
fn parse_rates(text: &str) -> Option<(u64, u64, f64, f64)> {
    let line = text.lines().find(|l| l.contains(" checks: ") && l.contains(" requests in "))?;
    let checks = line.split(' ').next()?.parse().ok()?;
    let requests = line.split("; ").nth(1)?.split(' ').next()?.parse().ok()?;
    let rates = line.rsplit_once('(')?.1.trim_end_matches(')');
    let mut parts = rates.split(", ").map(|p| p.split(' ').next().and_then(|n| n.parse::<f64>().ok()));
    Some((checks, requests, parts.next()??, parts.next()??))
}

fn harness(root: &Path, vendors: &[&Vendor], runs: usize) -> Result<(), String> {
    println!("## The conformance suite against the reference server\n");
    println!(
        "```sh\ntarget/release/conformance reference-suite --reference target/release/reference --api VENDOR --seed 1 -q   # {runs} runs\n```\n"
    );
    println!("| vendor | checks | requests | checks/s median (min–max) | requests/s median (min–max) |");
    println!("| --- | --- | --- | --- | --- |");
    for v in vendors {
        let mut checks_s = Vec::new();
        let mut requests_s = Vec::new();
        let mut sizes = (0, 0);
        for _ in 0..runs {
            let out = Command::new(release(root, "conformance"))
                .args(["reference-suite", "--reference"])
                .arg(release(root, "reference"))
                .args(["--api", &v.name, "--seed", "1", "-q"])
                .output()
                .map_err(|e| format!("cannot run the harness: {e}"))?;
            let text = String::from_utf8_lossy(&out.stdout);
            let (c, r, cs, rs) = parse_rates(&text).ok_or_else(|| format!("no summary from the {} run:\n{text}", v.name))?;
            if !out.status.success() {
                return Err(format!("the {} reference server failed its suite:\n{text}", v.name));
            }
            sizes = (c, r);
            checks_s.push(cs);
            requests_s.push(rs);
        }
        println!(
            "| {} | {} | {} | {} | {} |",
            v.name,
            sizes.0,
            sizes.1,
            show(spread(checks_s)),
            show(spread(requests_s))
        );
    }
    println!();
    Ok(())
}

/// `--credential NAME=VALUE` for every credential the docs give an example of.
fn docs_credentials(v: &Vendor) -> Vec<String> {
    v.auth
        .example_values
        .iter()
        .flat_map(|(name, value)| ["--credential".to_string(), format!("{name}={value}")])
        .collect()
}

/// Requests per second the server answered while `work` ran.
fn answered_rate(root: &Path, v: &Vendor, work: impl FnOnce(&str) -> Result<(), String>) -> Result<f64, String> {
    let server = Server::start(&release(root, "reference"), &v.name, &["--docs-credentials"])?;
    let t = Instant::now();
    work(&server.url)?;
    let secs = t.elapsed().as_secs_f64();
    let answered = server.stop()?;
    Ok(answered as f64 / secs)
}

fn versus(root: &Path, vendors: &[&Vendor], runs: usize, quick: bool) -> Result<(), String> {
    let st = schemathesis(root)?;
    let budget = if quick { 3.0 } else { VERSUS_SECONDS };
    println!("## Requests per second: the harness against Schemathesis, same server, same time\n");
    println!(
        "Each round gives each tool a fresh release reference server (`--docs-credentials`) and {budget:.0} s of \
         wall time, process start included: Schemathesis \
         (`st run generated/openapi/VENDOR.openapi.json --max-examples {VERSUS_MAX_EXAMPLES} --seed ROUND`, \
         the docs' credentials; interrupted at the end of the budget) and the harness \
         (`conformance check --api VENDOR --cases {VERSUS_CASES} --seed N -q`, run again with a new seed \
         until the budget is spent; the last run finishes). Requests are counted by the server, which \
         prints how many it answered when it stops. {runs} rounds.\n"
    );
    println!("| vendor | Schemathesis requests/s median (min–max) | harness requests/s median (min–max) | ratio of medians |");
    println!("| --- | --- | --- | --- |");
    for v in vendors {
        let mut theirs = Vec::new();
        let mut ours = Vec::new();
        for round in 0..runs as u64 {
            let seed = round + 1;
            theirs.push(answered_rate(root, v, |url| {
                let mut child = crate::interop::schemathesis_command(root, &st, v, url, VERSUS_MAX_EXAMPLES, seed)?
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .map_err(|e| format!("cannot run Schemathesis: {e}"))?;
                std::thread::sleep(std::time::Duration::from_secs_f64(budget));
                let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
                let _ = child.kill();
                let _ = child.wait();
                Ok(())
            })?);
            ours.push(answered_rate(root, v, |url| {
                let t = Instant::now();
                let mut n = 0;
                while t.elapsed().as_secs_f64() < budget {
                    let seed = seed + 100 * n;
                    let status = Command::new(release(root, "conformance"))
                        .args([
                            "check",
                            "--api",
                            &v.name,
                            "--base-url",
                            url,
                            "-q",
                            "--cases",
                            &VERSUS_CASES.to_string(),
                        ])
                        .args(docs_credentials(v))
                        .args(["--seed", &seed.to_string()])
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .map_err(|e| format!("cannot run the harness: {e}"))?;
                    if !status.success() {
                        return Err(format!("the harness failed the {} reference server (seed {seed})", v.name));
                    }
                    n += 1;
                }
                Ok(())
            })?);
        }
        let (t, o) = (spread(theirs), spread(ours));
        println!("| {} | {} | {} | {:.1}x |", v.name, show(t), show(o), o.0 / t.0);
    }
    println!();
    Ok(())
}

/// Fault name -> whether the harness caught it, from `conformance mutation --json`.
fn harness_catches(root: &Path, v: &Vendor, quick: bool) -> Result<BTreeMap<String, bool>, String> {
    let json = root.join(format!("target/bench/mutation-{}.json", v.name));
    std::fs::create_dir_all(json.parent().expect("a parent")).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(release(root, "conformance"));
    cmd.args(["mutation", "--reference"])
        .arg(release(root, "reference"))
        .args(["--api", &v.name, "--json"])
        .arg(&json);
    if quick {
        cmd.args(["--fault", &first_fault(root, v)?]);
    }
    cmd.stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run the harness: {e}"))?;
    let text = std::fs::read_to_string(&json).map_err(|e| format!("no mutation table at {}: {e}", json.display()))?;
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json.display()))?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let fault = r["fault"].as_str()?;
            let caught = matches!(r["verdict"].as_str(), Some("failed" | "warned"));
            Some((fault.to_string(), caught))
        })
        .collect())
}

fn faults_of(root: &Path, v: &Vendor) -> Result<Vec<String>, String> {
    let out = Command::new(release(root, "reference"))
        .args(["--api", &v.name, "--list-faults"])
        .output()
        .map_err(|e| format!("cannot list faults: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .filter(|f| !f.is_empty())
        .collect())
}

fn first_fault(root: &Path, v: &Vendor) -> Result<String, String> {
    faults_of(root, v)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("{} lists no fault", v.name))
}

/// One fault switch and which tool caught it.
struct FaultRow {
    vendor: String,
    fault: String,
    ours: bool,
    theirs: bool,
}

fn faults(root: &Path, vendors: &[&Vendor], quick: bool) -> Result<(), String> {
    let st = schemathesis(root)?;
    println!("## Which fault switches each tool catches\n");
    println!(
        "erpspec: `conformance mutation --api VENDOR` (a fault is caught by a failed or warned check). \
         Schemathesis: `st run ... --max-examples {ST_MAX_EXAMPLES} --seed 1` against the server with \
         `--fault F --docs-credentials`; a fault is caught when its findings (each kind and count) differ \
         from the fault-free run's.\n"
    );
    let mut rows: Vec<FaultRow> = Vec::new();
    for v in vendors {
        let ours = harness_catches(root, v, quick)?;
        let findings = |extra: &[&str]| -> Result<Vec<(String, u32)>, String> {
            let mut args = vec!["--docs-credentials"];
            args.extend_from_slice(extra);
            let server = Server::start(&release(root, "reference"), &v.name, &args)?;
            let text = run_schemathesis(root, &st, v, &server.url, ST_MAX_EXAMPLES, 1)?;
            Ok(parse_findings(&text))
        };
        let baseline = findings(&[])?;
        let mut list = faults_of(root, v)?;
        if quick {
            list.truncate(1);
        }
        for fault in list {
            let theirs = findings(&["--fault", &fault])? != baseline;
            let ours = ours.get(&fault).copied().unwrap_or(false);
            rows.push(FaultRow {
                vendor: v.name.clone(),
                fault,
                ours,
                theirs,
            });
        }
    }
    println!("| | faults | caught by erpspec | caught by Schemathesis | by Schemathesis only | by erpspec only |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for v in vendors {
        let of: Vec<&FaultRow> = rows.iter().filter(|r| r.vendor == v.name).collect();
        let count = |f: fn(&FaultRow) -> bool| of.iter().filter(|r| f(r)).count();
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            v.name,
            of.len(),
            count(|r| r.ours),
            count(|r| r.theirs),
            count(|r| r.theirs && !r.ours),
            count(|r| r.ours && !r.theirs)
        );
    }
    println!("\n<details><summary>Every fault</summary>\n");
    println!("| vendor | fault | erpspec | Schemathesis |\n| --- | --- | --- | --- |");
    let mark = |b: bool| if b { "caught" } else { "—" };
    for r in &rows {
        println!("| {} | `{}` | {} | {} |", r.vendor, r.fault, mark(r.ours), mark(r.theirs));
    }
    println!("\n</details>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_harness_summary_line_is_read() {
        let line = "207 checks: 207 passed, 0 failed, 0 warned, 0 expected failures, 0 skipped; 231 requests in 0.11 s (1897 checks/s, 2117 requests/s)";
        assert_eq!(parse_rates(line), Some((207, 231, 1897.0, 2117.0)));
        assert_eq!(parse_rates("nothing"), None);
    }

    #[test]
    fn bench_sh_output_is_read() {
        let text = "== x\n-- Get\n  Requests/sec:  20790.12\nanswers 1, not Code 200: 0\np50 1.30 ms, p99 27.60 ms\n-- Add\nRequests/sec:   9129.00\np50 2.00 ms, p99 83.00 ms\n";
        let (get, add) = parse_bench_sh(text).expect("read");
        assert_eq!(
            get,
            Load {
                rate: 20790.12,
                p99_ms: 27.6
            }
        );
        assert_eq!(
            add,
            Load {
                rate: 9129.0,
                p99_ms: 83.0
            }
        );
    }

    #[test]
    fn spread_is_median_min_max() {
        assert_eq!(spread(vec![5.0, 1.0, 3.0]), (3.0, 1.0, 5.0));
        assert_eq!(spread(vec![4.0, 1.0, 3.0, 2.0]), (2.5, 1.0, 4.0));
    }
}
