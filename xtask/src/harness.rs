//! `cargo xtask conformance` and `cargo xtask mutation`: build the reference
//! server and the harness (release), then let the harness start a reference
//! server per vendor on a free loopback port with generated credentials.
//! The logic lives in the `conformance` binary (hidden subcommands
//! `reference-suite` and `mutation`), so these stay one build and one call.
//! Stale generated files are refused first, and cargo's build progress is
//! shown (a first release build takes minutes).

use crate::project_root;
use std::process::{Command, ExitCode};

#[derive(clap::Args)]
pub struct Args {
    /// Only these APIs (repeatable; default: every vendor under schemas/).
    #[arg(long)]
    pub api: Vec<String>,
    /// Only these faults (mutation; repeatable).
    #[arg(long)]
    pub fault: Vec<String>,
    /// Generated cases per endpoint.
    #[arg(long)]
    pub cases: Option<u32>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// The reference server's readings where the docs leave the answer open
    /// or contradict themselves. conformance: default, other, random (by
    /// --seed) or all (the default: default, other and three random ones);
    /// mutation (repeatable): default and other unless given.
    #[arg(long, value_name = "READING")]
    pub readings: Vec<String>,
}

fn build() -> Result<(), ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(project_root())
        .args(["build", "--release", "-p", "reference", "-p", "conformance"])
        .status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(_) => Err(ExitCode::FAILURE),
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

pub fn run(args: &Args, subcommand: &str) -> ExitCode {
    if let Err(e) = crate::codegen::freshness(&project_root()) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    if let Err(code) = build() {
        return code;
    }
    let release = project_root().join("target/release");
    let mut cmd = Command::new(release.join("conformance"));
    cmd.current_dir(project_root())
        .arg(subcommand)
        .arg("--reference")
        .arg(release.join("reference"));
    for a in &args.api {
        cmd.args(["--api", a]);
    }
    if subcommand == "mutation" {
        for f in &args.fault {
            cmd.args(["--fault", f]);
        }
    }
    if let Some(c) = args.cases {
        cmd.args(["--cases", &c.to_string()]);
    }
    if let Some(s) = args.seed {
        cmd.args(["--seed", &s.to_string()]);
    }
    for r in &args.readings {
        cmd.args(["--readings", r]);
    }
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run the harness: {e}");
            ExitCode::FAILURE
        }
    }
}
