//! `cargo xtask diff OLD NEW [--format text|json|junit] [--output PATH]
//! [--allow ID]...`: what a schema change breaks (`erpspec-diff`). OLD and
//! NEW are git revisions of this repository or directories of schemas.
//! Exit 0 when nothing breaks (or everything that does is allowed), 1 when
//! something breaks, 2 when a version cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The old version: a git revision (`HEAD~3`, a tag) or a directory of schemas.
    old: String,
    /// The new version, as OLD; a directory such as `schemas` for the work tree.
    new: String,
    /// How to write the changes.
    #[arg(long, default_value = "text", value_parser = ["text", "json", "junit"])]
    format: String,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Accept the breaking changes at this id (a rule id, or a place such as
    /// `manex.customer-add.request.Custname`); repeatable.
    #[arg(long, value_name = "ID")]
    allow: Vec<String>,
}

pub fn run(args: &Args) -> ExitCode {
    let root = crate::project_root();
    let load = |spec: &str| erpspec_diff::version::load(&root, spec);
    let (old, new) = match (load(&args.old), load(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let changes = erpspec_diff::diff(&old, &new);
    for a in &args.allow {
        if !changes.iter().any(|c| c.impact.breaking() && c.id == *a) {
            eprintln!("warning: --allow {a} names no breaking change");
        }
    }
    let header = erpspec_diff::report::Header {
        old: &args.old,
        new: &args.new,
        allow: &args.allow,
    };
    let text = match args.format.as_str() {
        "json" => erpspec_diff::report::json(&header, &changes),
        "junit" => erpspec_diff::report::junit(&header, &changes),
        _ => erpspec_diff::report::text(&header, &changes),
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        None => print!("{text}"),
    }
    let breaking = erpspec_diff::unallowed(&changes, &args.allow).len();
    if breaking > 0 {
        eprintln!("{breaking} breaking change(s) not allowed (--allow ID accepts one)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
