//! `reference --api VENDOR [--listen ADDR] [--db PATH] [--credential NAME=VALUE... | --docs-credentials]`
//!
//! Prints `listening on http://HOST:PORT` as its first line of standard
//! output (scripts wait for it), then any generated credentials, once, then
//! the routes it serves.

use clap::Parser;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// The erpspec reference server: serves one vendor's API, as its schemas describe it.
#[derive(Parser, Debug)]
#[command(name = "reference", version)]
struct Cli {
    /// The vendor API to serve: the name of its directory under schemas/ (e.g. `manex`; an unknown name lists them).
    #[arg(long)]
    api: String,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: String,
    /// SQLite database file (created if absent); records are kept in memory without it.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// A credential, e.g. `API_KEY=...` (also read from ERPSPEC_CREDENTIAL_<NAME>). Generated when none is given.
    #[arg(long = "credential", value_name = "NAME=VALUE", value_parser = erpspec_model::ir::name_value)]
    credentials: Vec<(String, String)>,
    /// Accept the credentials the vendor docs' examples use, so they work as printed (loopback only: they are public).
    #[arg(long, conflicts_with = "credentials")]
    docs_credentials: bool,
    /// Lose acknowledged writes, for proving the crash tests detect it:
    /// acknowledge before the commit (`answer-before-commit`), or commit
    /// without syncing (`synchronous-normal`).
    #[arg(long = "crash-fault", value_name = "NAME", hide = true)]
    crash_faults: Vec<String>,
    /// Keep the database's writes in memory until SQLite syncs them, so a
    /// kill -9 loses what a power cut would (for crash tests).
    #[arg(long, hide = true)]
    power_cut_storage: bool,
    /// Break one documented rule (for proving the conformance harness detects it). Repeatable.
    #[arg(long = "fault", value_name = "NAME", hide = true)]
    faults: Vec<String>,
    /// Print every fault this API supports, with the rule id each one breaks, and exit.
    #[arg(long, hide = true)]
    list_faults: bool,
    /// Where the docs leave the answer open or contradict themselves: take
    /// the first choice everywhere (`default`), the other everywhere
    /// (`other`), or a random half (`random`, chosen by --seed).
    #[arg(long, default_value = "default", value_name = "default|other|random")]
    readings: String,
    /// Seeds `--readings random` and where the other reading numbers records from.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How long an issued token is accepted, in seconds (fractions allowed;
    /// 0: forever); later it gets the documented expired answer
    /// (`auth.on_expired`, else `on_rejected`). The docs give no lifetime:
    /// a day bounds how long a leaked token is good.
    #[arg(long, value_name = "SECONDS", value_parser = parse_lifetime, default_value = "86400")]
    token_lifetime: TokenLifetime,
    /// The most connections served at once; more wait in the backlog.
    #[arg(long, value_name = "N", default_value_t = reference::listen::MAX_CONNECTIONS as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// How long a connection may take to send a request's head, from when
    /// it is ready for one (first byte, or idle between requests); then it
    /// is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = reference::listen::HEADER_READ_TIMEOUT.as_secs_f64(),
          value_parser = positive_seconds)]
    header_timeout: f64,
    /// Print every choice point this API has (one switch each), and exit.
    #[arg(long)]
    list_readings: bool,
}

/// A positive number of seconds.
fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 1e6 => Ok(s),
        _ => Err(format!("`{text}` is not a positive number of seconds")),
    }
}

/// `--token-lifetime`: `None` for tokens that never expire (`0`).
#[derive(Clone, Copy, Debug)]
struct TokenLifetime(Option<std::time::Duration>);

fn parse_lifetime(text: &str) -> Result<TokenLifetime, String> {
    match text.trim().parse::<f64>() {
        Ok(0.0) => Ok(TokenLifetime(None)),
        Ok(s) if s.is_finite() && s > 0.0 && s < 1e9 => Ok(TokenLifetime(Some(std::time::Duration::from_secs_f64(s)))),
        _ => Err(format!(
            "`{text}` is not a number of seconds (e.g. 3600 or 0.5; 0 for tokens that never expire)"
        )),
    }
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
    let vendor = reference::load_vendor(&cli.api)?;
    if cli.list_faults {
        for f in reference::faults::catalogue(&vendor) {
            println!("{}\t{}\t{}\t{}", f.name, f.rule, f.description, f.strength);
        }
        return Ok(());
    }
    if cli.list_readings {
        let chosen = reference::readings::Readings::parse(&vendor, &cli.readings, cli.seed)?;
        for p in reference::readings::points(&vendor) {
            let side = if chosen.other(&p.id) { "other" } else { "default" };
            println!("{}\t{side}\tdefault: {}; other: {}", p.id, p.default, p.other);
        }
        return Ok(());
    }
    let config = reference::Config {
        api: cli.api.clone(),
        credentials: if cli.docs_credentials {
            BTreeMap::new()
        } else {
            vendor.auth.credentials_given(&cli.credentials)
        },
        listen: cli.listen,
        db: cli.db.clone(),
        docs_credentials: cli.docs_credentials,
        faults: cli.faults.clone(),
        readings: cli.readings.clone(),
        readings_seed: cli.seed,
        body_timeout: reference::BODY_TIMEOUT,
        token_lifetime: cli.token_lifetime.0,
        max_connections: cli.max_connections as usize,
        header_read_timeout: std::time::Duration::from_secs_f64(cli.header_timeout),
        crash_faults: cli.crash_faults.clone(),
        power_cut_storage: cli.power_cut_storage,
        store_queue: reference::commit::MAX_QUEUED,
    };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    rt.block_on(async move {
        let prepared = reference::prepare(&config).await?;
        announce(&prepared, &config);
        let engine = prepared.engine.clone();
        let started = std::time::Instant::now();
        let served = reference::serve(prepared, shutdown_signal())
            .await
            .map_err(|e| format!("server failed: {e}"));
        // For load measurements: what arrived, counted here.
        println!(
            "served {} requests in {:.2} s",
            engine.requests_answered(),
            started.elapsed().as_secs_f64()
        );
        served
    })
}

/// What a user needs to make the first request: the address, the
/// credentials, the routes. The address comes first on standard output
/// (scripts wait for it); the public-credentials warning goes to standard error.
fn announce(prepared: &reference::Prepared, config: &reference::Config) {
    let vendor = prepared.engine.vendor();
    if let Some(warning) = reference::startup::public_warning(vendor, &prepared.public_credentials) {
        eprintln!("{warning}");
    }
    let mut out = std::io::stdout().lock();
    let base_url = format!("http://{}", prepared.addr);
    let _ = writeln!(out, "listening on {base_url}");
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
    if prepared.credentials.revoked_tokens > 0 {
        let _ = writeln!(
            out,
            "{} token(s) revoked: a credential changed since they were issued",
            prepared.credentials.revoked_tokens
        );
    }
    for line in reference::startup::route_lines(vendor, &base_url) {
        let _ = writeln!(out, "{line}");
    }
    if !config.faults.is_empty() {
        let _ = writeln!(out, "faults on: {}", config.faults.join(", "));
    }
    let _ = out.flush();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_lifetimes_default_to_a_day_and_zero_is_forever() {
        let default = Cli::try_parse_from(["reference", "--api", "manex"]).unwrap();
        assert_eq!(default.token_lifetime.0, Some(std::time::Duration::from_secs(86_400)));
        let forever = Cli::try_parse_from(["reference", "--api", "manex", "--token-lifetime", "0"]).unwrap();
        assert_eq!(forever.token_lifetime.0, None);
        let short = Cli::try_parse_from(["reference", "--api", "manex", "--token-lifetime", "0.25"]).unwrap();
        assert_eq!(short.token_lifetime.0, Some(std::time::Duration::from_millis(250)));
        assert!(Cli::try_parse_from(["reference", "--api", "manex", "--token-lifetime", "-1"]).is_err());
    }
}
