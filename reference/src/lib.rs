//! The erpspec reference server: one schema-driven engine that serves any
//! vendor's API from the IR, with records in SQLite.
//!
//! Nothing here knows a vendor: routes, methods, parameter locations, name
//! matching, authentication, envelopes, the error catalogue, validation,
//! operations, server-assigned values and quirks all come from
//! `schemas/<vendor>/` through the IR (see [`engine`] for the steps and the
//! choices made where the vendors document nothing).
//!
//! ```text
//! cargo run --release -p reference -- --api manex [--listen 127.0.0.1:0] [--db PATH] [--credential API_KEY=... | --docs-credentials]
//! ```

pub mod auth;
pub mod children;
pub mod commit;
pub mod engine;
pub mod faults;
pub mod index;
pub mod listen;
pub mod power_cut;
pub mod qbe;
pub mod readings;
pub mod startup;
pub mod store;
pub mod util;
pub mod validate;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use engine::{BodyError, Engine, Request};
use erpspec_model::ir::{Api, Vendor};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Largest request body read, in bytes. The largest documented value is a
/// NOTES of 32,765 characters (at most 131,060 bytes of UTF-8).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long a client may take to send its body, by default.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The IR of every vendor, from the schema files built into this binary.
pub fn load_api() -> Result<Api, String> {
    erpspec_schemas::load()
}

/// The vendor to serve, from the schemas built into this binary; refused
/// when the generated validators were emitted from other schemas (an edit
/// without `cargo xtask codegen`), which would serve the old rules.
pub fn load_vendor(name: &str) -> Result<Vendor, String> {
    load_vendor_checked(name, erpspec_generated::SCHEMA_FINGERPRINT)
}

fn load_vendor_checked(name: &str, generated_fingerprint: &str) -> Result<Vendor, String> {
    let api = load_api()?;
    erpspec_model::fingerprint::ensure_fresh(&api, generated_fingerprint)?;
    vendor(&api, name)
}

/// The vendor named on the command line.
pub fn vendor(api: &Api, name: &str) -> Result<Vendor, String> {
    api.vendor(name).cloned().ok_or_else(|| {
        let names: Vec<&str> = api.vendors.iter().map(|v| v.name.as_str()).collect();
        format!("unknown API `{name}`; the schemas describe: {}", names.join(", "))
    })
}

/// How long a token is good unless `--token-lifetime` says otherwise.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(86_400);

/// Everything a server run needs.
#[derive(Clone, Debug)]
pub struct Config {
    pub api: String,
    pub listen: String,
    /// SQLite file; `None` keeps records in memory.
    pub db: Option<PathBuf>,
    pub credentials: BTreeMap<String, String>,
    /// Start with the docs' example credentials (`auth.example_values`)
    /// instead of `credentials`; loopback only.
    pub docs_credentials: bool,
    /// Fault names (see [`faults`]); empty in normal use.
    pub faults: Vec<String>,
    /// The choices made where the docs leave the answer open: `default`,
    /// `other` or `random` (see [`readings`]).
    pub readings: String,
    /// Seeds `random` readings and the other reading's record numbering.
    pub readings_seed: u64,
    /// How long a client may take to send its body before it is answered as
    /// unreadable.
    pub body_timeout: Duration,
    /// How long an issued token stays valid; `None`: until the server stops
    /// keeping it. The docs give no lifetime; a day by default
    /// (`--token-lifetime`), so a leaked token is not good forever.
    pub token_lifetime: Option<Duration>,
    /// The most connections open at once ([`listen::MAX_CONNECTIONS`]).
    pub max_connections: usize,
    /// How long a connection may take to send a request's head
    /// ([`listen::HEADER_READ_TIMEOUT`]).
    pub header_read_timeout: Duration,
    /// Crash-test faults (`--crash-fault`): `answer-before-commit`,
    /// `synchronous-normal`.
    pub crash_faults: Vec<String>,
    /// Keep the database's writes in memory until synced, so a kill loses
    /// what a power cut would (`--power-cut-storage`, for crash tests).
    pub power_cut_storage: bool,
    /// The most admitted requests waiting for the store ([`commit::MAX_QUEUED`]).
    pub store_queue: usize,
}

impl Config {
    pub fn new(api: &str) -> Config {
        Config {
            api: api.into(),
            listen: "127.0.0.1:0".into(),
            db: None,
            credentials: BTreeMap::new(),
            docs_credentials: false,
            faults: Vec::new(),
            readings: "default".into(),
            readings_seed: 1,
            body_timeout: BODY_TIMEOUT,
            token_lifetime: Some(DEFAULT_TOKEN_LIFETIME),
            max_connections: listen::MAX_CONNECTIONS,
            header_read_timeout: listen::HEADER_READ_TIMEOUT,
            crash_faults: Vec::new(),
            power_cut_storage: false,
            store_queue: commit::MAX_QUEUED,
        }
    }
}

/// A server ready to accept connections.
pub struct Prepared {
    pub engine: Arc<Engine>,
    /// Runs admitted requests on the store, in group commits.
    pub committer: commit::Committer,
    pub body_timeout: Duration,
    /// The connection cap and the wait for a request's head ([`listen`]).
    pub connections: (usize, Duration),
    pub listener: tokio::net::TcpListener,
    pub addr: SocketAddr,
    pub credentials: engine::CredentialSetup,
    /// Credentials whose value is the docs' public example value (see
    /// [`startup`]).
    pub public_credentials: Vec<String>,
}

/// Loads the IR, opens the store, decides the credentials, binds the
/// listener, then stores credentials and demo records.
pub async fn prepare(config: &Config) -> Result<Prepared, String> {
    let v = load_vendor(&config.api)?;
    let faults = faults::Faults::parse(&v, &config.faults)?;
    let crash = CrashFaults::parse(&config.crash_faults)?;
    let durability = store::Durability {
        power_cut_storage: config.power_cut_storage,
        synchronous_normal: crash.synchronous_normal,
    };
    let mut store = store::Store::open_with(config.db.as_deref(), durability).map_err(|e| match &config.db {
        Some(p) => format!("cannot open the database {}: {e}", p.display()),
        None => format!("cannot open an in-memory database: {e}"),
    })?;
    let plan = startup::plan_credentials(&v, &mut store, &given_credentials(config, &v)?)?;
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // Before the engine stores anything: a refused start must not leave the
    // public credentials in a database a later start would keep them from.
    startup::ensure_private(&config.listen, addr, &plan.public)?;
    let readings = readings::Readings::parse(&v, &config.readings, config.readings_seed)?;
    let (mut engine, mut credentials) = Engine::new(v, &mut store, faults, readings, &plan.given)?;
    engine.token_lifetime = config.token_lifetime;
    engine.answer_before_commit = crash.answer_before_commit;
    credentials.generated = plan.generated;
    let engine = Arc::new(engine);
    let committer = commit::Committer::start(engine.clone(), store, config.store_queue)?;
    Ok(Prepared {
        engine,
        committer,
        body_timeout: config.body_timeout,
        connections: (config.max_connections, config.header_read_timeout),
        listener,
        addr,
        credentials,
        public_credentials: plan.public,
    })
}

/// The crash faults a run asked for (`--crash-fault`), each a way to lose an
/// acknowledged write that a durability test must catch.
#[derive(Default)]
struct CrashFaults {
    answer_before_commit: Option<Duration>,
    synchronous_normal: bool,
}

impl CrashFaults {
    const NAMES: &str = "answer-before-commit, synchronous-normal";

    fn parse(names: &[String]) -> Result<CrashFaults, String> {
        let mut faults = CrashFaults::default();
        for name in names {
            match name.as_str() {
                "answer-before-commit" => faults.answer_before_commit = Some(Duration::from_millis(300)),
                "synchronous-normal" => faults.synchronous_normal = true,
                other => return Err(format!("unknown crash fault `{other}`; there are: {}", CrashFaults::NAMES)),
            }
        }
        Ok(faults)
    }
}

fn given_credentials(config: &Config, v: &Vendor) -> Result<BTreeMap<String, String>, String> {
    match (config.docs_credentials, config.credentials.is_empty()) {
        (false, _) => Ok(config.credentials.clone()),
        (true, true) => startup::docs_credentials(v),
        (true, false) => Err("--docs-credentials takes the docs' values for every credential; leave out --credential".into()),
    }
}

/// Serves until `shutdown` completes.
pub async fn serve(p: Prepared, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let app = axum::Router::new()
        .fallback(answer)
        .with_state((p.engine, p.committer, p.body_timeout));
    listen::serve(p.listener, app, p.connections, shutdown).await
}

/// The one handler: reads the request (bounded in size and time), lets the
/// engine route, read and validate it, and hands it to the store's thread
/// (see [`commit`]), which answers once its batch is committed.
async fn answer(
    State((engine, committer, body_timeout)): State<(Arc<Engine>, commit::Committer, Duration)>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let mut request = Request {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        host: parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string),
        headers,
        body: Ok(Vec::new()),
    };
    // Credentials outside the body are judged before it is read: an
    // unauthenticated client's megabyte is never read, parsed or validated.
    if let Some(refusal) = engine.screen(&request) {
        return respond(&engine, refusal);
    }
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    request.body = if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        Err(BodyError::TooLarge)
    } else {
        match tokio::time::timeout(body_timeout, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
            Ok(Ok(b)) => Ok(b.to_vec()),
            Ok(Err(e)) if is_length_limit(&e) => Err(BodyError::TooLarge),
            _ => Err(BodyError::Unreadable),
        }
    };
    // The engine does not panic; if it ever did, the client still gets JSON.
    let admitted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.admit(&request)));
    let answered = match admitted {
        Ok(Ok(admitted)) => committer.submit(request, admitted).await,
        Ok(Err(refused)) => refused,
        Err(_) => engine::Response::internal_error(),
    };
    respond(&engine, answered)
}

/// An engine's answer on the wire: JSON, its status and headers; a 405
/// lists the methods the resource takes (RFC 9110).
fn respond(engine: &Engine, answered: engine::Response) -> axum::response::Response {
    let (status, text) = (answered.status, serde_json::to_vec(&answered.body).unwrap_or_default());
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"))],
        text,
    )
        .into_response();
    if status == StatusCode::METHOD_NOT_ALLOWED
        && let Ok(methods) = HeaderValue::from_str(&engine.vendor().transport.methods.join(", "))
    {
        response.headers_mut().insert(header::ALLOW, methods);
    }
    for (name, value) in &answered.headers {
        if let (Ok(name), Ok(value)) = (header::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.to_string().contains("length limit") {
            return true;
        }
        source = s.source();
    }
    false
}

/// A server running on its own thread (for tests and tools that embed it).
/// Stops when dropped.
pub struct Running {
    pub addr: SocketAddr,
    pub credentials: engine::CredentialSetup,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a server on a thread with its own runtime.
pub fn spawn(config: Config) -> Result<Running, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    let prepared = rt.block_on(prepare(&config))?;
    let addr = prepared.addr;
    let credentials = prepared.credentials.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        // Once asked to stop, in-flight requests get a grace period; a
        // client holding a keep-alive connection open does not keep the
        // server (or the dropping thread) waiting.
        let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
        rt.block_on(async move {
            let server = serve(prepared, async move {
                let _ = stopping_rx.wait_for(|s| *s).await;
            });
            tokio::select! {
                _ = server => {}
                _ = async {
                    let _ = rx.await;
                    let _ = stopping_tx.send(true);
                    tokio::time::sleep(Duration::from_secs(2)).await;
                } => {}
            }
        });
        rt.shutdown_timeout(Duration::from_secs(1));
    });
    Ok(Running {
        addr,
        credentials,
        stop: Some(tx),
        thread: Some(thread),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_validators_were_emitted_from_the_embedded_schemas() {
        let api = load_api().expect("the embedded schemas load");
        assert_eq!(
            erpspec_model::fingerprint::of(&api),
            erpspec_generated::SCHEMA_FINGERPRINT,
            "{}",
            erpspec_model::fingerprint::STALE
        );
        for v in &api.vendors {
            assert!(load_vendor(&v.name).is_ok());
        }
    }

    #[test]
    fn a_server_refuses_validators_generated_from_other_schemas() {
        let err = load_vendor_checked("manex", &"0".repeat(64)).unwrap_err();
        assert!(
            err.contains("generated/ is stale") && err.contains("run `cargo xtask codegen`"),
            "{err}"
        );
    }

    #[test]
    fn generated_credentials_have_the_documented_length() {
        let api = load_api().expect("the embedded schemas load");
        assert!(
            api.vendors.iter().any(|v| !v.auth.lengths.is_empty()),
            "no vendor declares a length: nothing is tested"
        );
        for v in &api.vendors {
            let running = spawn(Config::new(&v.name)).expect("server starts");
            assert_eq!(running.credentials.generated.len(), v.auth.credentials.len(), "{}", v.name);
            for (name, value) in &running.credentials.generated {
                match v.auth.lengths.get(name) {
                    Some(&n) => assert_eq!(value.chars().count(), n as usize, "{}.{name}: {value}", v.name),
                    None => assert_eq!(value.len(), auth::TOKEN_HEX_DIGITS, "{}.{name}: {value}", v.name),
                }
            }
        }
    }

    #[test]
    fn docs_credentials_are_refused_off_loopback() {
        for v in load_api().expect("the embedded schemas load").vendors {
            let config = Config {
                listen: "0.0.0.0:0".into(),
                docs_credentials: true,
                ..Config::new(&v.name)
            };
            let err = spawn(config).err().expect("refused");
            assert!(
                err.contains("refusing to listen on 0.0.0.0:0 ") && err.contains("loopback"),
                "{err}"
            );
        }
    }
}
