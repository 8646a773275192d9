//! `conformance check --api <VENDOR|DIR> --base-url URL [--credential NAME=VALUE]...
//!     [--fixture NAME=VALUE]... [--seed N] [--cases N] [--report json=PATH] [--report junit=PATH]
//!     [--expect-failure CHECK_ID]...`
//! `conformance replay CHECK_ID [--base-url URL] [--credential NAME=VALUE]...`
//!
//! Exit codes: 0 no check failed (warnings allowed), 1 a check failed,
//! 2 a usage or configuration error, an unreachable server, or no check
//! ran; 130 interrupted (after the cleanup and the reports).

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use conformance::config::Config;
use conformance::report;
use conformance::run::{self, Options, Verdict};
use conformance::target::{Target, Tokens};
use conformance::transport::{BaseUrl, Limits};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Proves a server against the vendor's documented rules.
#[derive(Parser)]
#[command(name = "conformance", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every check against a server.
    Check(CheckArgs),
    /// Re-send a failing check saved by the last run (in .conformance/failures/).
    Replay(ReplayArgs),
    /// Print every check (id, family, rule, strength, sources) without sending a request.
    List(ListArgs),
    /// Print what one check sends, the answer it needs, and why (the rule and its sources).
    Explain(ExplainArgs),
    /// Prove the harness: the suite against a reference server binary once per
    /// fault switch, and once without faults (what `cargo xtask mutation` runs).
    #[command(hide = true)]
    Mutation(MutationArgs),
    /// Run the suite against a reference server binary for each vendor (what
    /// `cargo xtask conformance` runs).
    #[command(hide = true)]
    ReferenceSuite(SuiteArgs),
}

#[derive(clap::Args)]
struct SuiteArgs {
    /// The reference server binary.
    #[arg(long, value_name = "PATH")]
    reference: PathBuf,
    /// APIs (repeatable; default: every built-in one).
    #[arg(long)]
    api: Vec<String>,
    #[arg(long)]
    seed: Option<u64>,
    /// The reference server's readings where the docs leave the answer open
    /// or contradict themselves: default, other, random (by --seed), or all
    /// (default, other and three random ones). Repeatable.
    #[arg(long, default_value = "all", value_name = "default|other|random|all")]
    readings: Vec<String>,
    #[arg(long, default_value_t = 8)]
    cases: u32,
    #[arg(long, short)]
    quiet: bool,
}

#[derive(clap::Args)]
struct MutationArgs {
    /// The reference server binary.
    #[arg(long, value_name = "PATH")]
    reference: PathBuf,
    /// APIs to prove against (repeatable; default: every built-in one).
    #[arg(long)]
    api: Vec<String>,
    /// Only these faults (repeatable; default: every fault the server lists).
    #[arg(long)]
    fault: Vec<String>,
    /// The readings each fault is proved under (repeatable; default: default and other).
    #[arg(long, value_name = "default|other|random")]
    readings: Vec<String>,
    #[arg(long, default_value_t = 2)]
    cases: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the table as JSON too.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
}

#[derive(clap::Args)]
struct Connect {
    /// Credential, e.g. `API_KEY=...` (also read from ERPSPEC_CREDENTIAL_<NAME>; never printed).
    #[arg(long = "credential", value_name = "NAME=VALUE", value_parser = erpspec_model::ir::name_value)]
    credentials: Vec<(String, String)>,
    /// A record the harness cannot create, e.g. `CUSTOMER_ID=ABCCORP` (default: the docs' example values).
    #[arg(long = "fixture", value_name = "NAME=VALUE", value_parser = erpspec_model::ir::name_value)]
    fixtures: Vec<(String, String)>,
    /// A header every request carries, `NAME:VALUE` (a gateway's key, a
    /// tenant); repeatable; kept out of reports like a credential.
    #[arg(short = 'H', long = "header", value_name = "NAME:VALUE")]
    headers: Vec<String>,
    /// Wait up to this long for the server to accept connections before
    /// the run (a staging server still starting).
    #[arg(long, value_name = "SECONDS")]
    wait_for_server: Option<f64>,
    /// Time limit per request, in seconds [default: 10].
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// Largest answer read, in bytes [default: 16 MiB].
    #[arg(long, value_name = "BYTES")]
    max_answer: Option<usize>,
    /// Trust the certificates in this PEM file for an https base URL too (a
    /// private CA, a self-signed server); Mozilla's roots are always trusted.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Trust the operating system's certificate store too (a company CA
    /// installed there); on Linux `SSL_CERT_FILE`/`SSL_CERT_DIR` or the
    /// distribution's bundle.
    #[arg(long)]
    os_trust_store: bool,
    /// How long the server accepts a token it issued, in seconds (fractions
    /// allowed), where the docs name an answer for an expired one: enables
    /// that check (which waits this long once). The docs give no lifetime.
    #[arg(long, value_name = "SECONDS")]
    token_lifetime: Option<f64>,
    /// A client certificate chain (PEM) for a server that asks for one
    /// (mutual TLS); with --client-key.
    #[arg(long, value_name = "FILE", requires = "client_key")]
    client_cert: Option<PathBuf>,
    /// The private key (PEM) of --client-cert.
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    client_key: Option<PathBuf>,
    /// A target profile (JSON): the site's own values for site rules, e.g.
    /// `{"site": {"manex.customer-add.Territory.enum": ["EAST", "WEST"]}}`.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The configuration file (default: `conformance.toml` in the working
    /// directory, where there is one). Every flag can be written there;
    /// flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Write this run's failures into the configuration file as its
    /// baseline (`[[expect_failure]]`), keeping the reasons of those already
    /// listed; later runs fail only on failures it does not list.
    #[arg(long)]
    baseline_update: bool,
    /// The vendor API: the name of its directory under schemas/ (e.g. `manex`), or a directory of schemas.
    #[arg(long)]
    api: Option<String>,
    /// Where the server is, e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    #[command(flatten)]
    connect: Connect,
    /// Seed for generated cases and run-unique values (default: from the clock; printed).
    #[arg(long)]
    seed: Option<u64>,
    /// Generated cases per endpoint: this many valid requests and as many
    /// breaking one rule [default: 8].
    #[arg(long)]
    cases: Option<u32>,
    /// A report file: `json=PATH`, `junit=PATH`, `markdown=PATH`, `html=PATH` or `har=PATH` (repeatable).
    #[arg(long = "report", value_name = "KIND=PATH")]
    reports: Vec<String>,
    /// A check id the server is known to fail: reported, but not counted as a failure.
    #[arg(long = "expect-failure", value_name = "CHECK_ID")]
    expect_failure: Vec<String>,
    /// Only the checks whose id starts with this (repeatable), e.g.
    /// `manex.customer-add.` or `rpm.customer-contact-add.Contact.PhoneNumbers`.
    #[arg(long, value_name = "ID_PREFIX")]
    only: Vec<String>,
    /// Requests in flight at once [default: 4].
    #[arg(long)]
    concurrency: Option<usize>,
    /// Fail, rather than warn, where the server breaks an expectation the
    /// pages do not state (an implied one: refusing another JSON type,
    /// another letter case, a re-used key).
    #[arg(long)]
    strict: bool,
    /// Time limit for the whole run, in seconds [default: 600].
    #[arg(long, value_name = "SECONDS")]
    run_timeout: Option<f64>,
    /// At most this many requests per second across the run (`20/s`); a
    /// 429 Too Many Requests is waited out (`Retry-After`) and sent again
    /// either way, never judged as the server's answer.
    #[arg(long, value_name = "N/s")]
    rate_limit: Option<String>,
    /// No progress line.
    #[arg(long, short)]
    quiet: bool,
}

impl CheckArgs {
    /// The flags over the configuration file: a flag given wins; a table
    /// (`credentials`, `fixtures`) is merged name by name; a repeated flag
    /// given replaces the file's list, except the expected failures, which
    /// add up.
    fn over(mut self, c: Config) -> CheckArgs {
        self.api = self.api.or(c.api);
        self.base_url = self.base_url.or(c.base_url);
        self.seed = self.seed.or(c.seed);
        self.cases = self.cases.or(c.cases);
        self.concurrency = self.concurrency.or(c.concurrency);
        self.run_timeout = self.run_timeout.or(c.run_timeout);
        self.rate_limit = self.rate_limit.or(c.rate_limit);
        self.strict |= c.strict.unwrap_or(false);
        self.quiet |= c.quiet.unwrap_or(false);
        if self.reports.is_empty() {
            self.reports = c.report;
        }
        if self.only.is_empty() {
            self.only = c.only;
        }
        let listed: Vec<String> = c.expect_failure.into_iter().map(|e| e.id).collect();
        self.expect_failure = listed.into_iter().chain(self.expect_failure).collect();
        let k = &mut self.connect;
        // Earlier entries lose to later ones: the file's, then the flags'.
        k.credentials = c.credentials.into_iter().chain(std::mem::take(&mut k.credentials)).collect();
        k.fixtures = c.fixtures.into_iter().chain(std::mem::take(&mut k.fixtures)).collect();
        k.timeout = k.timeout.or(c.timeout);
        k.max_answer = k.max_answer.or(c.max_answer);
        k.ca_cert = k.ca_cert.take().or(c.ca_cert);
        k.os_trust_store |= c.os_trust_store.unwrap_or(false);
        k.client_cert = k.client_cert.take().or(c.client_cert);
        k.client_key = k.client_key.take().or(c.client_key);
        k.profile = k.profile.take().or(c.profile);
        k.token_lifetime = k.token_lifetime.or(c.token_lifetime);
        k.wait_for_server = k.wait_for_server.or(c.wait_for_server);
        if k.headers.is_empty() {
            k.headers = c.header;
        }
        self
    }
}

#[derive(clap::Args)]
struct ListArgs {
    /// The vendor API: the name of its directory under schemas/ (e.g. `manex`), or a directory of schemas.
    #[arg(long)]
    api: String,
    /// Only the checks whose id starts with this (repeatable).
    #[arg(long, value_name = "ID_PREFIX")]
    only: Vec<String>,
    /// `text` (tab-separated: id, family, rule, strength, sources) or `json`.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Generated cases per endpoint, as `check --cases`.
    #[arg(long, default_value_t = 8)]
    cases: u32,
    /// The seed of the generated cases, as `check --seed`.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// The check id (as `list`, a report or a failure prints it).
    id: String,
    /// The vendor API (default: the vendor the id starts with).
    #[arg(long)]
    api: Option<String>,
    /// Generated cases per endpoint and their seed, for a generated check's id.
    #[arg(long, default_value_t = 8)]
    cases: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(clap::Args)]
struct ReplayArgs {
    /// The check id (a file under .conformance/failures/).
    id: String,
    /// Another server than the one the failure was seen on.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Fail, rather than warn, where the check's expectation is implied
    /// (as `check --strict`).
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    connect: Connect,
}

/// `conformance --version`: the crate's version and the fingerprint of the
/// schemas built into this binary (what `generated/` and a report name).
fn version() -> &'static str {
    let schemas = match erpspec_schemas::load() {
        Ok(api) => format!(
            "schemas {} ({})",
            erpspec_model::fingerprint::of(&api),
            api.vendors.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
        Err(e) => format!("schemas that do not load: {e}"),
    };
    Box::leak(format!("{}, {schemas}", env!("CARGO_PKG_VERSION")).into_boxed_str())
}

fn main() -> ExitCode {
    let asks_version = std::env::args().skip(1).any(|a| a == "--version" || a == "-V");
    let command = if asks_version {
        Cli::command().version(version())
    } else {
        Cli::command()
    };
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Check(a) => check(a),
        Command::Replay(a) => replay(a),
        Command::List(a) => list(a),
        Command::Explain(a) => explain(a),
        Command::Mutation(a) => mutation(a),
        Command::ReferenceSuite(a) => reference_suite(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn target(api: &str, base_url: &str, c: &Connect) -> Result<(Target, Limits), String> {
    let mut vendor = conformance::load_vendor(api)?;
    if let Some(p) = &c.profile {
        conformance::Profile::read(p)?.apply(&mut vendor)?;
    }
    if let Some((k, _)) = c.credentials.iter().find(|(k, _)| !vendor.auth.credentials.contains(k)) {
        return Err(format!(
            "unknown credential `{k}` for {}; it takes: {}",
            vendor.name,
            vendor.auth.credentials.join(", ")
        ));
    }
    let credentials = vendor.auth.credentials_given(&c.credentials);
    let missing: Vec<&String> = vendor.auth.credentials.iter().filter(|n| !credentials.contains_key(*n)).collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} needs the credential{} {}: pass --credential NAME=VALUE or set ERPSPEC_CREDENTIAL_<NAME>",
            vendor.name,
            if missing.len() == 1 { "" } else { "s" },
            missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    let mut fixtures = conformance::default_fixtures(&vendor);
    for (k, v) in &c.fixtures {
        if !fixtures.contains_key(k) {
            let known: Vec<&String> = fixtures.keys().collect();
            return Err(format!("unknown fixture `{k}` for {}; it takes: {known:?}", vendor.name));
        }
        fixtures.insert(k.clone(), v.clone());
    }
    let timeout = c.timeout.unwrap_or(10.0);
    if !(timeout > 0.0 && timeout.is_finite()) {
        return Err("--timeout must be a positive number of seconds".into());
    }
    let limits = Limits {
        request_timeout: Duration::from_secs_f64(timeout),
        max_answer_bytes: c.max_answer.unwrap_or(16 * 1024 * 1024),
    };
    let mut base = BaseUrl::parse(base_url)?;
    if c.os_trust_store {
        base.trust_os_store()?;
    }
    if let Some(pem) = &c.ca_cert {
        base.trust_pem(pem)?;
    }
    match (&c.client_cert, &c.client_key) {
        (Some(cert), Some(key)) => base.client_identity(cert, key)?,
        (None, None) => {}
        _ => return Err("--client-cert and --client-key go together".into()),
    }
    for h in &c.headers {
        base.add_header(h)?;
    }
    base.use_proxy_from_env()?;
    if let Some(w) = c.wait_for_server {
        if !(w >= 0.0 && w.is_finite()) {
            return Err("--wait-for-server must be a number of seconds".into());
        }
        base.wait_until_reachable(Duration::from_secs_f64(w))?;
    }
    let lifetime = match c.token_lifetime {
        None => None,
        Some(s) if s > 0.0 && s.is_finite() && s < 1e9 => Some(Duration::from_secs_f64(s)),
        Some(_) => return Err("--token-lifetime must be a positive number of seconds".into()),
    };
    let t = Target {
        vendor,
        base,
        credentials,
        fixtures,
        token: Tokens::with_lifetime(lifetime),
    };
    Ok((t, limits))
}

fn check(a: CheckArgs) -> Result<ExitCode, String> {
    let file = Config::locate(a.config.as_deref());
    let config = match &file {
        Some(path) => Config::read(path)?,
        None => Config::default(),
    };
    let baseline = config.expect_failure.clone();
    let a = a.over(config);
    let api = a
        .api
        .clone()
        .ok_or("say which API: --api VENDOR, or `api = \"...\"` in conformance.toml")?;
    let base_url = a
        .base_url
        .clone()
        .ok_or("say where the server is: --base-url URL, or `base_url = \"...\"` in conformance.toml")?;
    let (mut t, limits) = target(&api, &base_url, &a.connect)?;
    let mut reports = Vec::new();
    for r in &a.reports {
        match r.split_once('=') {
            Some((kind @ ("json" | "junit" | "markdown" | "har" | "html"), p)) if !p.is_empty() => {
                reports.push((kind.to_string(), PathBuf::from(p)))
            }
            _ => {
                return Err(format!(
                    "`--report {r}`: write json=PATH, junit=PATH, markdown=PATH, html=PATH or har=PATH"
                ));
            }
        }
    }
    let seed = a.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1)
    });
    let opts = Options {
        seed,
        cases: a.cases.unwrap_or(8),
        concurrency: a.concurrency.unwrap_or(4).max(1),
        limits,
        run_timeout: Duration::from_secs_f64(a.run_timeout.unwrap_or(600.0).max(1.0)),
        expect_failure: a.expect_failure.clone(),
        run_nonce: None,
        regression_seeds: report::regression_seeds(&report::state_dir(), &t.vendor.name),
        only: a.only.clone(),
        strict: a.strict,
        rate_limit: a.rate_limit.as_deref().map(parse_rate).transpose()?,
        interrupted: Some(run::interrupt_on_signals()?),
    };
    conformance::explain::expected_failures_name_checks(&t, &opts.selection(), &opts.expect_failure)?;
    open_reports(&reports)?;
    let ran = run_and_report(&mut t, &opts, &api, a.quiet, &reports)?;
    if a.baseline_update && !opts.is_interrupted() && ran.executed > 0 {
        let path = file.unwrap_or_else(|| PathBuf::from(conformance::config::DEFAULT_FILE));
        let n = conformance::config::write_baseline(&path, &baseline, &ran.failures, seed)?;
        println!(
            "baseline: {n} expected failure{} written to {}",
            if n == 1 { "" } else { "s" },
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    Ok(exit_code(&ran, &opts))
}

fn list(a: ListArgs) -> Result<ExitCode, String> {
    let (_, suite) = conformance::explain::planned(&a.api, &a.only, a.cases, a.seed)?;
    if suite.checks.is_empty() {
        return Err(format!("no check of {} starts with {}", a.api, a.only.join(" or ")));
    }
    if a.format == "json" {
        let rows: Vec<serde_json::Value> = suite.checks.iter().map(conformance::explain::row).collect();
        println!("{}", serde_json::to_string_pretty(&rows).unwrap_or_default());
    } else {
        for c in &suite.checks {
            println!("{}", conformance::explain::line(c));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(a: ExplainArgs) -> Result<ExitCode, String> {
    let api = match a.api {
        Some(api) => api,
        None => {
            let names: Vec<String> = erpspec_schemas::load()?.vendors.iter().map(|v| v.name.clone()).collect();
            names
                .into_iter()
                .filter(|n| a.id.starts_with(&format!("{n}.")))
                .max_by_key(String::len)
                .ok_or_else(|| format!("`{}` starts with no vendor's name; pass --api", a.id))?
        }
    };
    let (t, suite) = conformance::explain::planned(&api, &[], a.cases, a.seed)?;
    match suite.checks.iter().find(|c| c.id == a.id) {
        Some(c) => {
            print!("{}", conformance::explain::explain(&t, c));
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let ids: Vec<&str> = suite.checks.iter().map(|c| c.id.as_str()).collect();
            let hint = erpspec_schema::diag::did_you_mean(&a.id, ids.iter().copied())
                .map(|m| format!("; did you mean `{m}`?"))
                .unwrap_or_else(|| format!("; `conformance list --api {api}` prints them"));
            Err(format!("no check `{}`{hint}", a.id))
        }
    }
}

/// `--rate-limit`: `N/s` or `N`, requests per second.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().trim_end_matches("/s").trim().parse::<f64>() {
        Ok(n) if n > 0.0 && n.is_finite() => Ok(n),
        _ => Err(format!("`--rate-limit {text}`: write requests per second, e.g. `20/s`")),
    }
}

/// 130 when interrupted (after the reports and the cleanup), 2 when no
/// check ran (a mistyped `--only`, everything skipped: a green run that
/// proved nothing), 1 when a check failed, else 0.
fn exit_code(ran: &Ran, opts: &Options) -> ExitCode {
    if opts.is_interrupted() {
        eprintln!("conformance: interrupted; the reports above cover the checks that ran");
        return ExitCode::from(130);
    }
    if ran.executed == 0 {
        let only = if opts.only.is_empty() {
            String::new()
        } else {
            format!(" (--only {})", opts.only.join(", "))
        };
        eprintln!("error: no check ran{only}: every check was skipped or none was selected");
        return ExitCode::from(2);
    }
    if ran.failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Creates every report file before the run: one that cannot be written
/// is an error now, not after the run.
fn open_reports(reports: &[(String, PathBuf)]) -> Result<(), String> {
    for (_, path) in reports {
        std::fs::File::create(path).map_err(|e| format!("cannot write the report {}: {e}", path.display()))?;
    }
    Ok(())
}

/// What a run came to, for its exit code and the baseline.
struct Ran {
    /// Checks that ran (were not skipped).
    executed: usize,
    failed: bool,
    /// Failed checks, listed ones included: id and why.
    failures: Vec<(String, String)>,
}

/// Runs the suite, prints the report, writes report files and saves
/// failures.
fn run_and_report(t: &mut Target, opts: &Options, api: &str, quiet: bool, reports: &[(String, PathBuf)]) -> Result<Ran, String> {
    let seed = opts.seed;
    let progress = report::Progress::new(quiet);
    let result = run::run(t, opts, &progress);
    progress.finish();
    let run = match result {
        Ok(r) => r,
        Err(e) => return Err(t.redact(&e.to_string())),
    };
    let wrong_credentials = run::credentials_look_wrong(t, &run.outcomes);
    print!("{}", report::summary(t, &run, wrong_credentials));
    println!("seed {seed} (pass --seed {seed} to repeat this run)");
    for id in &opts.expect_failure {
        if let Some(o) = run.outcomes.iter().find(|o| &o.check.id == id)
            && o.verdict == Verdict::Passed
        {
            println!("stale: {id} is listed as an expected failure but passed: remove it (or run --baseline-update)");
        }
    }
    for (kind, path) in reports {
        let text = match kind.as_str() {
            "json" => serde_json::to_string_pretty(&report::json_report(t, &run, seed)).unwrap_or_default(),
            "markdown" => conformance::ci::markdown(t, &run, &conformance::score::scores(&t.vendor, &run.outcomes), seed),
            "har" => serde_json::to_string_pretty(&conformance::har::har(t, &run)).unwrap_or_default(),
            "html" => conformance::html::html(
                t,
                &run,
                &conformance::score::scores(&t.vendor, &run.outcomes),
                seed,
                &report::schema_fingerprint(t),
            )?,
            _ => report::junit(t, &run, seed),
        };
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if std::env::var_os("GITHUB_ACTIONS").is_some() {
        print!("{}", conformance::ci::github_annotations(t, &run));
    }
    report::keep_regression_seed(&report::state_dir(), &t.vendor.name, seed, &run);
    let saved = report::save_failures(&report::failures_dir(), t, api, &run).unwrap_or(0);
    if saved > 0 {
        println!(
            "{saved} failed or warned checks saved in {}/ (conformance replay ID)",
            report::failures_dir().display()
        );
    }
    Ok(Ran {
        executed: run.outcomes.iter().filter(|o| o.verdict != Verdict::Skipped).count(),
        failed: run.outcomes.iter().any(|o| o.verdict == Verdict::Failed),
        failures: run
            .outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::Failed | Verdict::ExpectedFailure))
            .map(|o| (o.check.id.clone(), t.redact(o.reason.as_deref().unwrap_or_default())))
            .collect(),
    })
}

/// The main job: each vendor's reference server on a free loopback port with
/// generated credentials, the whole suite against it.
fn reference_suite(a: SuiteArgs) -> Result<ExitCode, String> {
    use conformance::mutation;
    let apis = if a.api.is_empty() {
        erpspec_schemas::load()?.vendors.iter().map(|v| v.name.clone()).collect()
    } else {
        a.api.clone()
    };
    let seed = a.seed.unwrap_or(1);
    let mut readings: Vec<(String, u64)> = Vec::new();
    for asked in &a.readings {
        let runs: Vec<(&str, u64)> = match asked.as_str() {
            "all" => vec![
                ("default", seed),
                ("other", seed),
                ("random", seed),
                ("random", seed + 1),
                ("random", seed + 2),
            ],
            one => vec![(one, seed)],
        };
        for (r, s) in runs {
            if !readings.iter().any(|(x, y)| x == r && *y == s) {
                readings.push((r.to_string(), s));
            }
        }
    }
    let mut failed_apis = Vec::new();
    for (api, (reading, rseed)) in apis.iter().flat_map(|a| readings.iter().map(move |r| (a, r))) {
        let vendor = conformance::load_vendor(api)?;
        let credentials = mutation::generated_credentials(&vendor);
        let server = mutation::spawn_reference(&a.reference, &vendor, &credentials, (reading, *rseed), None)?;
        let shown = if reading == "random" {
            format!("random, seed {rseed}")
        } else {
            reading.clone()
        };
        println!("== {api}: reference server ({shown} readings) at {} ==", server.base_url);
        let mut t = Target {
            fixtures: conformance::default_fixtures(&vendor),
            token: Tokens::with_lifetime(mutation::reference_token_lifetime(&vendor)),
            vendor,
            base: BaseUrl::parse(&server.base_url)?,
            credentials,
        };
        let opts = Options {
            seed,
            cases: a.cases,
            ..Options::default()
        };
        if run_and_report(&mut t, &opts, api, a.quiet, &[])?.failed {
            failed_apis.push(format!("{api} ({shown} readings)"));
        }
        println!();
    }
    if failed_apis.is_empty() {
        let shown: Vec<String> = readings
            .iter()
            .map(|(r, s)| if r == "random" { format!("random (seed {s})") } else { r.clone() })
            .collect();
        println!(
            "conformance: the reference server passes for {}, under the readings {}",
            apis.join(", "),
            shown.join(", ")
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("conformance: checks failed for {}", failed_apis.join(", "));
        Ok(ExitCode::from(1))
    }
}

fn replay(a: ReplayArgs) -> Result<ExitCode, String> {
    let path = report::failures_dir().join(format!("{}.json", a.id));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("no saved failure {} ({}): {e}", a.id, path.display()))?;
    let saved: report::Saved = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let base = a.base_url.clone().unwrap_or(saved.base_url.clone());
    let (mut t, limits) = target(&saved.api, &base, &a.connect)?;
    let outcome = run::replay(&mut t, &saved.check, limits, a.strict).map_err(|e| t.redact(&e.to_string()))?;
    match outcome.verdict {
        Verdict::Passed => {
            println!("FIXED {}: the server now answers as documented", a.id);
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            println!("{}", report::failure_text(&t, &outcome).trim_end());
            Ok(if outcome.verdict == Verdict::Failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn mutation(a: MutationArgs) -> Result<ExitCode, String> {
    use conformance::mutation;
    let apis = if a.api.is_empty() {
        erpspec_schemas::load()?.vendors.iter().map(|v| v.name.clone()).collect()
    } else {
        a.api.clone()
    };
    let opts = Options {
        seed: a.seed,
        cases: a.cases,
        concurrency: 4,
        limits: Limits {
            request_timeout: Duration::from_secs(5),
            ..Limits::default()
        },
        run_timeout: Duration::from_secs(120),
        ..Options::default()
    };
    let mut rows = Vec::new();
    let readings = if a.readings.is_empty() {
        vec!["default".to_string(), "other".to_string()]
    } else {
        a.readings.clone()
    };
    for api in &apis {
        let vendor = conformance::load_vendor(api)?;
        let credentials = mutation::generated_credentials(&vendor);
        let mut faults: Vec<Option<mutation::Fault>> = vec![None];
        faults.extend(
            mutation::list_faults(&a.reference, api)?
                .into_iter()
                .filter(|f| a.fault.is_empty() || a.fault.contains(&f.name))
                .map(Some),
        );
        for reading in &readings {
            let start = |fault: Option<&str>| mutation::spawn_reference(&a.reference, &vendor, &credentials, (reading, a.seed), fault);
            for f in &faults {
                let row = mutation::run_one(&vendor, f.as_ref(), reading, &opts, &start);
                eprintln!(
                    "{api} {reading} {}: {}",
                    row.fault.as_deref().unwrap_or("(no fault)"),
                    if row.ok() { "ok" } else { "NOT OK" }
                );
                rows.push((api.clone(), row));
            }
        }
    }
    print!("{}", mutation::table(&rows));
    if let Some(p) = &a.json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|(api, r)| {
                let mut j = serde_json::to_value(r).unwrap_or_default();
                j["api"] = serde_json::json!(api);
                j
            })
            .collect();
        std::fs::write(p, serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(if rows.iter().all(|(_, r)| r.ok()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
