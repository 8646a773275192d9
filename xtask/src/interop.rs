//! `cargo xtask interop`: peers' tools on what we emit.
//!
//! (a) progenitor (crates.io) generates a Rust client from each vendor's
//!     OpenAPI 3.0.3 document, in a throwaway crate under
//!     `target/interop/progenitor/<vendor>/`, and cargo compiles it;
//! (b) Schemathesis (PyPI, in the ignored virtualenv `target/interop-venv`)
//!     runs each vendor's OpenAPI 3.1 document against a reference server
//!     started with the docs' credentials, which it presents where OpenAPI
//!     can say so (a path parameter, a header, a query parameter: read from
//!     `auth` in the schemas, never from a vendor's name here).
//!
//! (c) Optic's breaking-change checks (npm, under `target/interop-node`) on
//!     the documents two versions emit, beside `cargo xtask diff` (see
//!     `interop_diff.rs`).
//!
//! It fails when a client does not compile, when Schemathesis cannot run,
//! or when Schemathesis finds an answer that violates the emitted response
//! schema; its other findings are printed, and README.md says why each is
//! the vendor's documented behaviour.

use crate::project_root;
use erpspec_model::ir::{PresentationLocation, Vendor};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

#[derive(clap::Args)]
pub struct Args {
    /// Only these APIs (repeatable; default: every vendor).
    #[arg(long)]
    api: Vec<String>,
    /// Skip the progenitor client builds.
    #[arg(long)]
    skip_progenitor: bool,
    /// Skip the Schemathesis runs.
    #[arg(long)]
    skip_schemathesis: bool,
    /// Schemathesis: test cases per operation.
    #[arg(long, default_value_t = 8)]
    max_examples: u32,
    /// Schemathesis: random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The breaking-change peer's two versions (git revisions or schema
    /// directories), as `cargo xtask diff` takes them; by default a commit
    /// of this repository's history that changed documented rules.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    diff: Vec<String>,
    /// Skip the breaking-change peer.
    #[arg(long)]
    skip_diff: bool,
}

/// Pinned, like every tool CI installs.
const PROGENITOR: &str = "0.12.0";
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// The Schemathesis finding that means our document is wrong, not the server.
const RESPONSE_VIOLATES_SCHEMA: &str = "Response violates schema";

pub fn run(args: &Args) -> ExitCode {
    let root = project_root();
    if let Err(e) = crate::codegen::freshness(&root) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let Some(api) = crate::codegen::load_schemas(&root) else {
        return ExitCode::FAILURE;
    };
    let vendors: Vec<&Vendor> = api
        .vendors
        .iter()
        .filter(|v| args.api.is_empty() || args.api.contains(&v.name))
        .collect();
    if vendors.is_empty() {
        eprintln!("error: no vendor named {}", args.api.join(", "));
        return ExitCode::from(2);
    }
    let mut failed = false;
    if !args.skip_progenitor {
        for v in &vendors {
            match progenitor_client(&root, v) {
                Ok(n) => println!(
                    "progenitor {PROGENITOR}: the {} client from {} compiles, with a method for each of its {n} operations",
                    v.name,
                    spec_path(v, true)
                ),
                Err(why) => {
                    eprintln!("error: progenitor {PROGENITOR}, {}: {why}", v.name);
                    failed = true;
                }
            }
        }
    }
    if !args.skip_schemathesis {
        match schemathesis_all(&root, &vendors, args) {
            Ok(bad) => failed |= bad,
            Err(why) => {
                eprintln!("error: {why}");
                failed = true;
            }
        }
    }
    if !args.skip_diff {
        failed |= !diff_peer(&root, args);
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Optic beside `cargo xtask diff`; false when it could not run.
fn diff_peer(root: &Path, args: &Args) -> bool {
    let pair: Vec<&str> = match args.diff.as_slice() {
        [old, new] => vec![old, new],
        _ => crate::interop_diff::DEFAULT_PAIR.to_vec(),
    };
    if let Some(missing) = pair.iter().find(|r| !crate::interop_diff::have(root, r)) {
        println!("skipped the breaking-change peer: {missing} is not in this clone (a shallow clone?); pass --diff OLD NEW");
        return args.diff.is_empty();
    }
    match crate::interop_diff::compare(root, pair[0], pair[1]) {
        Ok(()) => true,
        Err(why) => {
            eprintln!("error: the breaking-change peer: {why}");
            false
        }
    }
}

fn spec_path(v: &Vendor, v30: bool) -> String {
    let suffix = if v30 { "openapi-3.0.3" } else { "openapi" };
    format!("{}/{}.{suffix}.json", erpspec_codegen::emit::openapi::OPENAPI_DIR, v.name)
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Writes a crate whose whole source is progenitor's `generate_api!` on the
/// vendor's 3.0.3 document, and builds it (its own workspace and target
/// directory, so nothing of it reaches ours).
fn progenitor_client(root: &Path, v: &Vendor) -> Result<usize, String> {
    let dir = root.join("target/interop/progenitor").join(&v.name);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let manifest = format!(
        r#"# Written by `cargo xtask interop`: a client progenitor generates from
# {spec}. Not part of the erpspec workspace.
[package]
name = "erpspec-interop-{name}"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
progenitor = "={PROGENITOR}"
progenitor-client = "={PROGENITOR}"
reqwest = {{ version = "0.13", default-features = false, features = ["json", "stream"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
futures = "0.3"
regress = "0.10"
"#,
        spec = spec_path(v, true),
        name = v.name,
    );
    let spec = root.join(spec_path(v, true));
    // Each operation of the document must be a method of the client
    // (progenitor names them after the snake-cased operationId).
    let mut calls = String::new();
    let mut n = 0;
    for ep in &v.endpoints {
        for method in &v.transport.methods {
            calls.push_str(&format!(
                "    let _ = client.{}_{}();\n",
                ep.id.replace('-', "_"),
                method.to_lowercase()
            ));
            n += 1;
        }
    }
    let lib = format!(
        "//! Written by `cargo xtask interop`.\nprogenitor::generate_api!(spec = {:?}, interface = Builder);\n\n\
         /// Every operation of the document, as a method of the generated client.\n\
         pub fn every_operation(client: &Client) -> usize {{\n{calls}    {n}\n}}\n",
        spec.display().to_string()
    );
    let write = |path: PathBuf, text: &str| std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()));
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/lib.rs"), &lib)?;
    let out = cargo()
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(root.join("target/interop/target"))
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        return Ok(n);
    }
    let text = String::from_utf8_lossy(&out.stderr);
    let shown: Vec<&str> = text.lines().take(40).collect();
    Err(format!("the generated client does not compile:\n{}", shown.join("\n")))
}

/// Findings of one Schemathesis run: `(finding, count)` from its summary.
pub(crate) type Findings = Vec<(String, u32)>;

fn schemathesis_all(root: &Path, vendors: &[&Vendor], args: &Args) -> Result<bool, String> {
    let st = schemathesis(root)?;
    let status = cargo()
        .current_dir(root)
        .args(["build", "--quiet", "-p", "reference"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the reference server does not build".into());
    }
    let mut bad = false;
    let mut table = Vec::new();
    for v in vendors {
        let findings = schemathesis_one(root, &st, v, args)?;
        let violations: u32 = findings
            .iter()
            .filter(|(f, _)| f.contains(RESPONSE_VIOLATES_SCHEMA))
            .map(|(_, n)| n)
            .sum();
        bad |= violations > 0;
        table.push((v.name.clone(), findings));
    }
    println!(
        "\nSchemathesis ({SCHEMATHESIS}, --max-examples {} --seed {}):",
        args.max_examples, args.seed
    );
    for (name, findings) in &table {
        let total: u32 = findings.iter().map(|(_, n)| n).sum();
        let list: Vec<String> = findings.iter().map(|(f, n)| format!("{f}: {n}")).collect();
        println!(
            "  {name}: {total} finding{}{}",
            if total == 1 { "" } else { "s" },
            match list.is_empty() {
                true => String::new(),
                false => format!(" ({})", list.join("; ")),
            }
        );
    }
    if bad {
        eprintln!("error: Schemathesis found answers that violate the emitted response schemas (see above)");
    } else {
        println!(
            "no \"{RESPONSE_VIOLATES_SCHEMA}\"; README.md (Schemathesis on the emitted OpenAPI) says why each other finding is the vendor's documented behaviour"
        );
    }
    Ok(bad)
}

/// The `st` executable of the ignored virtualenv, installed on first use.
pub(crate) fn schemathesis(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target/interop-venv");
    let st = venv.join("bin/st");
    if st.exists() {
        return Ok(st);
    }
    let ok = |c: &mut Command, what: &str| -> Result<(), String> {
        match c.status() {
            Ok(s) if s.success() => Ok(()),
            Ok(_) => Err(format!("{what} failed")),
            Err(e) => Err(format!("cannot run {what}: {e}")),
        }
    };
    ok(Command::new("python3").args(["-m", "venv"]).arg(&venv), "python3 -m venv")?;
    ok(
        Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", SCHEMATHESIS]),
        "pip install",
    )?;
    Ok(st)
}

/// A reference server for one vendor on a free loopback port; killed when
/// dropped, or stopped with [`Server::stop`] to learn how many requests it
/// answered.
pub(crate) struct Server {
    child: Child,
    pub url: String,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `binary --api <vendor> --listen 127.0.0.1:0 <extra>`, once it says
    /// where it listens.
    pub(crate) fn start(binary: &Path, vendor: &str, extra: &[&str]) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .args(["--api", vendor, "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        let url = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("listening on ").map(str::to_string));
        // Keep reading what it prints so it never blocks on a full pipe.
        let kept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = kept.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            }
        });
        match url {
            Some(url) => Ok(Server { child, url, lines: kept }),
            None => {
                let _ = child.kill();
                Err(format!("the {vendor} reference server did not say where it listens"))
            }
        }
    }

    /// The server's process id (for its peak memory in `/proc`).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server gracefully (SIGTERM) and returns how many requests
    /// it answered, as it reports on the way out.
    pub(crate) fn stop(mut self) -> Result<u64, String> {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
        // The reader thread sees the last line once the pipe closes.
        for _ in 0..50 {
            let lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(n) = lines.iter().find_map(|l| {
                l.strip_prefix("served ")
                    .and_then(|r| r.split(' ').next())
                    .and_then(|n| n.parse().ok())
            }) {
                return Ok(n);
            }
            drop(lines);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Err("the reference server did not report how many requests it answered".into())
    }
}

fn start_server(root: &Path, v: &Vendor) -> Result<Server, String> {
    Server::start(&root.join("target/debug/reference"), &v.name, &["--docs-credentials"])
}

/// Schemathesis's configuration for a vendor: the docs' example credentials
/// where OpenAPI lets a tool present them (path, header, query).
pub(crate) fn schemathesis_config(v: &Vendor) -> String {
    let mut parameters = Vec::new();
    let mut headers = Vec::new();
    for p in &v.auth.presentations {
        let Some(value) = v.auth.example_values.get(&p.value) else {
            continue;
        };
        let quoted = serde_json_quote(value);
        match p.location {
            PresentationLocation::Path => parameters.push(format!("{} = {quoted}", serde_json_quote(&format!("path.{}", p.name)))),
            PresentationLocation::Query => parameters.push(format!("{} = {quoted}", serde_json_quote(&format!("query.{}", p.name)))),
            PresentationLocation::Header if !p.deprecated => headers.push(format!("{} = {quoted}", serde_json_quote(&p.name))),
            // A credential in the body has no OpenAPI security scheme.
            _ => {}
        }
    }
    let mut text = String::from("# Written by `cargo xtask interop`: the docs' example credentials.\n");
    if !parameters.is_empty() {
        text.push_str(&format!("[parameters]\n{}\n", parameters.join("\n")));
    }
    if !headers.is_empty() {
        text.push_str(&format!("[headers]\n{}\n", headers.join("\n")));
    }
    text
}

/// A TOML basic string (JSON's string syntax is one).
fn serde_json_quote(s: &str) -> String {
    format!("{s:?}").replace("\\'", "'")
}

fn schemathesis_one(root: &Path, st: &Path, v: &Vendor, args: &Args) -> Result<Findings, String> {
    let server = start_server(root, v)?;
    println!("\n== Schemathesis: {} ({}) against {}", v.name, spec_path(v, false), server.url);
    let text = run_schemathesis(root, st, v, &server.url, args.max_examples, args.seed)?;
    // Its summary is what a reader needs; the findings' details are above it.
    let summary: Vec<&str> = text.lines().skip_while(|l| !l.contains(" SUMMARY ")).collect();
    println!("{}", summary.join("\n"));
    Ok(parse_findings(&text))
}

/// One Schemathesis run of the vendor's 3.1 document against `url`, with
/// the docs' credentials; its standard output.
pub(crate) fn run_schemathesis(root: &Path, st: &Path, v: &Vendor, url: &str, max_examples: u32, seed: u64) -> Result<String, String> {
    let out = schemathesis_command(root, st, v, url, max_examples, seed)?
        .output()
        .map_err(|e| format!("cannot run Schemathesis: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() && parse_findings(&text).is_empty() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("Schemathesis failed on {} without findings:\n{text}\n{err}", v.name));
    }
    Ok(text)
}

/// The `st run` command line (its configuration file written first).
pub(crate) fn schemathesis_command(root: &Path, st: &Path, v: &Vendor, url: &str, max_examples: u32, seed: u64) -> Result<Command, String> {
    let dir = root.join("target/interop");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let config = dir.join(format!("schemathesis-{}.toml", v.name));
    std::fs::write(&config, schemathesis_config(v)).map_err(|e| format!("cannot write {}: {e}", config.display()))?;
    let mut cmd = Command::new(st);
    cmd.current_dir(&dir)
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(root.join(spec_path(v, false)))
        .args(["--url", url])
        .args(["--max-examples", &max_examples.to_string()])
        .args(["--seed", &seed.to_string()])
        .env("NO_COLOR", "1");
    Ok(cmd)
}

/// `❌ ST108 Response violates schema: 3` lines of the summary's `Failures:`.
pub(crate) fn parse_findings(text: &str) -> Findings {
    text.lines()
        .skip_while(|l| l.trim() != "Failures:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let l = l.trim().trim_start_matches('❌').trim();
            let (name, n) = l.rsplit_once(':')?;
            Some((name.trim().to_string(), n.trim().parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_read_from_the_summary() {
        let text = "x\nFailures:\n  ❌ ST108 Response violates schema: 3\n  ❌ ST201 Schema-violating request accepted: 6\n\nWarnings:\n";
        assert_eq!(
            parse_findings(text),
            vec![
                ("ST108 Response violates schema".to_string(), 3),
                ("ST201 Schema-violating request accepted".to_string(), 6)
            ]
        );
        assert!(parse_findings("no failures here").is_empty());
    }

    #[test]
    fn credentials_go_where_openapi_can_say_so() {
        let api = erpspec_schema::load_workspace().expect("schemas load");
        let manex = schemathesis_config(api.vendor("manex").unwrap());
        assert!(manex.contains("[parameters]\n\"path.API_KEY\" = \"123456789\""), "{manex}");
        let rpm = schemathesis_config(api.vendor("rpm").unwrap());
        assert!(rpm.contains("[headers]\n\"RpmApiKey\" = "), "{rpm}");
        assert!(!rpm.contains("\"Key\""), "the deprecated body key is not a header: {rpm}");
    }
}
