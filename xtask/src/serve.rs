//! `cargo xtask serve --api manex [reference server options]`: builds and
//! runs the reference server (`cargo run --release -p reference -- ...`).
//! Every argument goes to the server unchanged, so the two command lines
//! stay one contract. First it checks that generated/ is what schemas/
//! produce (the server would refuse stale validators, but only after a
//! build); cargo's progress stays visible, so a first build is not silence.

use crate::project_root;
use std::process::{Command, ExitCode};

#[derive(clap::Args)]
pub struct Args {
    /// Options of the reference server: --api VENDOR [--listen ADDR] [--db PATH] [--credential NAME=VALUE... | --docs-credentials]
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "SERVER OPTIONS")]
    pub args: Vec<String>,
}

pub fn run(args: &Args) -> ExitCode {
    let asks_help = args.args.iter().any(|a| matches!(a.as_str(), "-h" | "--help" | "-V" | "--version"));
    if !asks_help && let Err(e) = crate::codegen::freshness(&project_root()) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(project_root())
        .args(["run", "--release", "-p", "reference", "--"])
        .args(&args.args);
    #[cfg(unix)]
    {
        // Replace this process, so signals (Ctrl-C, kill) reach the server directly.
        use std::os::unix::process::CommandExt;
        let err = cmd.exec();
        eprintln!("error: cannot run cargo: {err}");
        ExitCode::FAILURE
    }
    #[cfg(not(unix))]
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
