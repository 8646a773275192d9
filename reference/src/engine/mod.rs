//! The engine: one request in, one answer out, everything read from the IR.
//!
//! A request goes through the same steps for every vendor:
//! 1. **route** (`route.rs`): the transport path template with each
//!    endpoint's route (case-insensitively where the dialect says so);
//!    `{NAME}` segments are credentials presented in the path;
//! 2. **method** (`route.rs`): one of the transport's methods;
//! 3. **parameters** (`params.rs`): query string and/or JSON body, as the
//!    dialect allows;
//! 4. **authentication** (`authenticate.rs`): the auth presentations in
//!    order of precedence;
//! 5. **validation** (`rules.rs`): the endpoint's rules (see
//!    [`crate::validate`]);
//! 6. **operation** on the resource, in one SQLite transaction
//!    (`operate.rs`, which dispatches to `create.rs`, `update.rs`,
//!    `query.rs` and `locate.rs`; `constraints.rs` checks references and
//!    uniqueness, `children.rs` makes a create's child records);
//! 7. **answer**: the payload (`view.rs`) in the success envelope, or the
//!    error envelope (or an entry's own body) for a catalogue entry
//!    (`answer.rs`).
//!
//! Steps 1 to 3 and the validation report need no store ([`Engine::admit`]);
//! steps 4 to 7 run inside the request's transaction ([`Engine::run`]).
//! `setup.rs` builds the engine and stores the docs' example records.
//!
//! Which catalogue entry answers a failure, with which HTTP status, and the
//! choices made where the vendors document nothing, come from the shared
//! model of expected answers ([`erpspec_model::answers`]: `Served`),
//! which the conformance oracle reads too.

mod answer;
mod authenticate;
mod children;
mod constraints;
mod create;
mod locate;
mod operate;
mod params;
mod query;
mod route;
mod rules;
mod setup;
mod update;
mod view;

use crate::faults::Faults;
use crate::index::Indexes;
use crate::readings::{self, Readings};
use crate::store::{Store, Tx};
use erpspec_model::answers::Situation;
use erpspec_model::ir::{Endpoint, Field, Vendor};
use route::Route;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A request as it came off the wire.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// The query string as sent, without `?`.
    pub query: Option<String>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Result<Vec<u8>, BodyError>,
    /// `Host` header, for messages that quote the request URI.
    pub host: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyError {
    TooLarge,
    /// The body could not be read (connection dropped, too slow).
    Unreadable,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn uri(&self) -> String {
        let host = self.host.as_deref().unwrap_or("localhost");
        match &self.query {
            Some(q) => format!("http://{host}{}?{q}", self.path),
            None => format!("http://{host}{}", self.path),
        }
    }
}

/// An answer: HTTP status and JSON body.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: Value,
    /// Headers beside the content type (a login's token header).
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// An answer with no headers of its own.
    pub fn new(status: u16, body: Value) -> Response {
        Response {
            status,
            body,
            headers: Vec::new(),
        }
    }

    /// The answer when the engine could not answer (it does not panic; if
    /// it ever did, the client still gets JSON).
    pub fn internal_error() -> Response {
        Response::new(500, serde_json::json!({ "error": "internal error" }))
    }
}

/// What aborts a transaction: an answer to send after rolling back, or a
/// storage failure.
enum Abort {
    Answer(Response),
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for Abort {
    fn from(e: rusqlite::Error) -> Self {
        Abort::Db(e)
    }
}

type Step<T> = Result<T, Abort>;

pub struct Engine {
    v: Vendor,
    faults: Faults,
    /// The choices made where the docs leave the answer open.
    readings: Readings,
    routes: Vec<Route>,
    /// Fields of each resource's records (from the responses that return them).
    record_fields: BTreeMap<String, Vec<Field>>,
    /// The request member holding each resource's record, where there is one.
    members: BTreeMap<String, String>,
    /// Salt and hash of each credential.
    credentials: BTreeMap<String, (Vec<u8>, Vec<u8>)>,
    /// Body members that carry credentials (never stored in records).
    body_credentials: Vec<String>,
    /// Requests answered so far (printed at shutdown: what load tools
    /// really sent, counted where they arrive).
    answered: std::sync::atomic::AtomicU64,
    /// The fields each resource's records are looked up by.
    index: Indexes,
    /// How long an issued token is accepted (`None`: for as long as it is kept).
    pub token_lifetime: Option<std::time::Duration>,
    /// A crash-test fault (`--crash-fault answer-before-commit`): each batch
    /// is acknowledged, then committed after this delay. Never in normal use;
    /// the durability test proves it catches it.
    pub answer_before_commit: Option<std::time::Duration>,
}

/// A request that passed routing, method and parameter checks, with its
/// validation report (answered after authentication), ready to run.
#[derive(Debug)]
pub struct Admitted {
    endpoint: usize,
    vars: BTreeMap<String, String>,
    body: Value,
    report: erpspec_rules::WireReport,
}

/// What setting up credentials did, for the command line to report.
#[derive(Clone, Debug, Default)]
pub struct CredentialSetup {
    /// Credentials generated now: printed once, stored only as hashes.
    pub generated: Vec<(String, String)>,
    /// Credentials kept from the database (already hashed there).
    pub kept: Vec<String>,
    /// Tokens ended because a credential changed (a new `--credential`).
    pub revoked_tokens: usize,
}

impl Engine {
    pub fn vendor(&self) -> &Vendor {
        &self.v
    }

    /// How many requests have been admitted (and so answered) so far.
    pub fn requests_answered(&self) -> u64 {
        self.answered.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Answers one request in its own transaction (see [`Engine::admit`]
    /// and [`Engine::run`], which a batch of requests uses). Never panics on
    /// any input.
    pub fn handle(&self, store: &mut Store, req: &Request) -> Response {
        let admitted = match self.admit(req) {
            Ok(a) => a,
            Err(answer) => return answer,
        };
        match store.transaction(|tx| match self.run(tx, req, admitted) {
            (true, r) => Ok(r),
            (false, r) => Err(Abort::Answer(r)),
        }) {
            Ok(r) | Err(Abort::Answer(r)) => r,
            Err(Abort::Db(e)) => self.store_failed(req, &e),
        }
    }

    /// Steps 1 to 3 and validation, which need no store: the request to
    /// run, or the answer refusing it.
    pub fn admit(&self, req: &Request) -> Result<Admitted, Response> {
        self.answered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Some((endpoint, vars)) = self.route(req) else {
            return Err(self.unknown_route(req));
        };
        let ep = &self.v.endpoints[endpoint];
        if let Some(refusal) = self.wrong_method(req, ep) {
            return Err(refusal);
        }
        let params = match self.read_params(req) {
            Ok(p) => p,
            Err(problem) => {
                let served = self.served(Some(ep), Situation::InvalidJson);
                return Err(self.error(served, &problem.describe(), req));
            }
        };
        // Checked now, answered after authentication (step 5).
        let body = Value::Object(params);
        let report = crate::validate::report(&self.v, ep, &body);
        Ok(Admitted {
            endpoint,
            vars,
            body,
            report,
        })
    }

    /// Steps 4 to 7 of an admitted request, inside its transaction: the
    /// answer, and whether the transaction's writes are to be kept (`false`:
    /// roll them back).
    pub fn run(&self, tx: &Tx<'_>, req: &Request, admitted: Admitted) -> (bool, Response) {
        let ep = &self.v.endpoints[admitted.endpoint];
        match self.process(tx, req, ep, admitted) {
            Ok(r) => (true, r),
            Err(Abort::Answer(r)) => (false, r),
            Err(Abort::Db(e)) => (false, self.store_failed(req, &e)),
        }
    }

    /// The answer to a request whose transaction the store could not run
    /// or commit. The store's own text goes to the server's log, never to the client
    /// (it names tables, limits and internals).
    pub fn store_failed(&self, req: &Request, e: &rusqlite::Error) -> Response {
        eprintln!("error: the record store failed on {} {}: {e}", req.method, req.path);
        self.failure(answer::STORE_FAILED, "The record store is unavailable; try again later.", req)
    }

    /// The answer to a request the store's queue has no room for.
    pub fn store_busy(&self, req: &Request) -> Response {
        self.failure(answer::STORE_FAILED, "The server is busy; try again later.", req)
    }

    /// Steps 4 to 7, inside the request's transaction.
    fn process(&self, tx: &Tx<'_>, req: &Request, ep: &Endpoint, admitted: Admitted) -> Step<Response> {
        let Admitted {
            vars, body, mut report, ..
        } = admitted;
        // A rule a fault switch ignores is not applied in any reading.
        report.violations.retain(|x| !self.faults.ignores_rule(&x.rule));
        readings::apply(&self.v, ep, &self.readings, &mut report);
        let principal = self.principal(tx, req, ep, &vars, &body)?;
        self.check_rules(req, ep, &report, &body)?;
        let normalized = match report.normalized {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        self.operate(tx, req, ep, &normalized, &principal)
    }
}
