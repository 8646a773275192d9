//! `cargo xtask <command>`: the project's own tools (see the alias in
//! `.cargo/config.toml`). One module per command; each is a function of its
//! arguments returning the process's exit code.

mod bench;
mod codegen;
mod diff;
mod docs;
mod fuzz;
mod harness;
mod interop;
mod interop_diff;
mod serve;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "erpspec's development tasks", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The figures of BENCHMARKS.md (`--quick`: CI's smoke run, no thresholds).
    Bench(bench::Args),
    /// Check schemas/ and regenerate generated/ from them.
    Codegen(codegen::Args),
    /// What a schema change breaks: `cargo xtask diff OLD NEW` (git revisions or schema directories), each change breaking for clients, for servers, or compatible.
    Diff(diff::Args),
    /// Render the documentation pages (generated/docs/, generated/site/); `--browser` checks the site in headless Chromium.
    Docs(docs::Args),
    /// Coverage-guided fuzzing of every outside input (`fuzz/`): `--time SECONDS` per target, then executions per target.
    Fuzz(fuzz::Args),
    /// Peers' tools on the emitted documents: a progenitor client per vendor (compiled), Schemathesis against each reference server.
    Interop(interop::Args),
    /// The main job: the whole conformance suite against each vendor's reference server.
    Conformance(harness::Args),
    /// Prove the harness: the suite once per reference-server fault switch, and once without.
    Mutation(harness::Args),
    /// Run the reference server: `cargo xtask serve --api VENDOR [--listen ADDR] [--db PATH] [--credential NAME=VALUE... | --docs-credentials]`.
    Serve(serve::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Codegen(args) => codegen::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Docs(args) => docs::run(&args),
        Command::Interop(args) => interop::run(&args),
        Command::Fuzz(args) => fuzz::run(&args),
        Command::Conformance(args) => harness::run(&args, "reference-suite"),
        Command::Mutation(args) => harness::run(&args, "mutation"),
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().map(PathBuf::from).unwrap_or(xtask)
}
