//! `reference --api expandable|manex|rpm [--listen ADDR] [--db PATH] [--credential NAME=VALUE]...`
//!
//! Prints `listening on http://HOST:PORT` as its first line of standard
//! output (scripts wait for it), then any generated credentials, once.

use clap::Parser;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// The erpspec reference server: serves one vendor's API, as its schemas describe it.
#[derive(Parser, Debug)]
#[command(name = "reference", version)]
struct Cli {
    /// The vendor API to serve (a directory under schemas/: expandable, manex, rpm).
    #[arg(long)]
    api: String,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: String,
    /// SQLite database file (created if absent); records are kept in memory without it.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// A credential, e.g. `API_KEY=...` (also read from ERPSPEC_CREDENTIAL_<NAME>). Generated when none is given.
    #[arg(long = "credential", value_name = "NAME=VALUE")]
    credentials: Vec<String>,
    /// Break one documented rule (for proving the conformance harness detects it). Repeatable.
    #[arg(long = "fault", value_name = "NAME", hide = true)]
    faults: Vec<String>,
    /// Print every fault this API supports, with the rule id each one breaks, and exit.
    #[arg(long, hide = true)]
    list_faults: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let api = reference::load_api()?;
    let vendor = reference::vendor(&api, &cli.api)?;
    if cli.list_faults {
        for f in reference::faults::catalogue(&vendor) {
            println!("{}\t{}\t{}", f.name, f.rule, f.description);
        }
        return Ok(());
    }
    let mut credentials = BTreeMap::new();
    for name in &vendor.auth.credentials {
        if let Ok(v) = std::env::var(format!("ERPSPEC_CREDENTIAL_{name}")) {
            credentials.insert(name.clone(), v);
        }
    }
    for c in &cli.credentials {
        let (name, value) = c.split_once('=').ok_or_else(|| format!("`--credential {c}`: write NAME=VALUE"))?;
        credentials.insert(name.to_string(), value.to_string());
    }
    let config = reference::Config {
        api: cli.api.clone(),
        listen: cli.listen,
        db: cli.db.clone(),
        credentials,
        faults: cli.faults.clone(),
        body_timeout: reference::BODY_TIMEOUT,
    };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    rt.block_on(async move {
        let prepared = reference::prepare(&config).await?;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{}", prepared.addr);
        for (name, value) in &prepared.credentials.generated {
            let _ = writeln!(out, "credential {name}={value} (generated; shown only now, stored hashed)");
        }
        if !prepared.credentials.kept.is_empty() {
            let db = config.db.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
            let _ = writeln!(
                out,
                "credentials {} kept from {db} (stored hashed; pass --credential to replace)",
                prepared.credentials.kept.join(", ")
            );
        }
        if !config.faults.is_empty() {
            let _ = writeln!(out, "faults on: {}", config.faults.join(", "));
        }
        let _ = out.flush();
        drop(out);
        reference::serve(prepared, shutdown_signal())
            .await
            .map_err(|e| format!("server failed: {e}"))
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
