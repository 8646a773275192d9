//! The engine: one request in, one answer out, everything read from the IR.
//!
//! A request goes through the same steps for every vendor:
//! 1. **route**: the transport path template with each endpoint's route
//!    (case-insensitively where the dialect says so); `{NAME}` segments are
//!    credentials presented in the path;
//! 2. **method**: one of the transport's methods;
//! 3. **parameters**: query string and/or JSON body, as the dialect allows;
//! 4. **authentication**: the auth presentations in order of precedence;
//! 5. **validation**: the endpoint's rules (see [`crate::validate`]);
//! 6. **operation** on the resource, in one SQLite transaction;
//! 7. **answer**: the success envelope around the payload, or the error
//!    envelope (or an entry's own body) for a catalogue entry.
//!
//! Which catalogue entry answers a failure, and the choices made where the
//! vendors document nothing, come from the shared model of expected answers
//! ([`erpspec_model::answers`]), which the conformance oracle reads too.

mod answer;
mod authenticate;
mod children;
mod constraints;
mod create;
mod operate;
mod params;
mod query;
mod route;
mod setup;
mod update;
mod view;

use crate::auth;
use crate::faults::{Fault, Faults};
use crate::index::Indexes;
use crate::readings::{self, Readings};
use crate::store::{Store, Tx};
use crate::util;
use authenticate::AuthFailure;
use erpspec_model::answers::Situation;
use erpspec_model::ir::{Endpoint, Field, MessageRule, OperationKind, Vendor};
use route::{Route, uri_detail};
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
        if !self.faults.has(&Fault::AcceptAnyMethod) && !self.v.transport.methods.iter().any(|m| m.eq_ignore_ascii_case(&req.method)) {
            // The vendor's own answer; where it documents none, the answer
            // to a request no route takes (ASP.NET binds no action), else the
            // endpoint's refusal.
            let t = &self.v.transport;
            let served = self.served(Some(ep), Situation::WrongMethod);
            let detail = match served.entry {
                Some(e) if !t.on_wrong_method.contains(&e.id) && matches!(e.message, MessageRule::Prefix(_)) => uri_detail(req),
                _ => format!("Request method must be {}.", t.methods.join(" or ")),
            };
            return Err(self.error(served, &detail, req));
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
    /// or commit.
    pub fn store_failed(&self, req: &Request, e: &rusqlite::Error) -> Response {
        let detail = format!("The record store failed: {e}");
        self.failure(answer::STORE_FAILED, &detail, req)
    }

    /// Steps 4 to 7, inside the request's transaction.
    fn process(&self, tx: &Tx<'_>, req: &Request, ep: &Endpoint, admitted: Admitted) -> Step<Response> {
        let Admitted {
            vars, body, mut report, ..
        } = admitted;
        // A rule a fault switch ignores is not applied in any reading.
        report.violations.retain(|x| !self.faults.ignores_rule(&x.rule));
        readings::apply(&self.v, ep, &self.readings, &mut report);
        let empty = Map::new();
        let params = body.as_object().unwrap_or(&empty);
        let principal = if ep.authenticated {
            match self.authenticate(tx, req, &vars, params)? {
                Ok(p) => p,
                Err(failure) => {
                    let accepted = match failure {
                        AuthFailure::Missing => self.faults.has(&Fault::AuthAcceptMissing),
                        AuthFailure::Malformed => self.faults.has(&Fault::AuthAcceptMalformed),
                        AuthFailure::Rejected => self.faults.has(&Fault::AuthAcceptRejected),
                    };
                    if !accepted {
                        let (situation, detail) = match failure {
                            AuthFailure::Missing => (Situation::AuthMissing, "No credentials were presented."),
                            AuthFailure::Malformed => (Situation::AuthMalformed, "The token is malformed."),
                            AuthFailure::Rejected => (Situation::AuthRejected, "The credentials were not accepted."),
                        };
                        return self.refused(self.served(Some(ep), situation), detail, req);
                    }
                    "anonymous".to_string()
                }
            }
        } else {
            String::new()
        };

        let first = report.violations.iter().find(|x| {
            !self.faults.ignores_rule(&x.rule)
                && !self.is_credential_path(&x.path)
                && !auth::configured_site_value(&self.v, &self.credentials, ep, x, &report.normalized)
        });
        if let Some(x) = first {
            let rule = ep.all_rules().into_iter().map(|(_, r)| r).find(|r| r.id == x.rule);
            let served = self.served(Some(ep), Situation::RuleBroken(rule));
            let offending = report.normalized.pointer(&x.path).or_else(|| body.pointer(&x.path));
            let detail = match (served.entry.map(|e| &e.message), offending) {
                // A message documented as "text: <value>" is followed by the value.
                (Some(MessageRule::Prefix(p)), Some(v)) if p.trim_end().ends_with(':') => util::text(v),
                // Object-level rules describe the request itself.
                _ if x.message.starts_with(' ') => format!("The request{}", x.message),
                _ => x.message.clone(),
            };
            return self.refused(served, &detail, req);
        }
        let normalized = match report.normalized {
            Value::Object(m) => m,
            _ => Map::new(),
        };

        let op = &ep.operation;
        if op.kind == OperationKind::Login {
            return self.login(tx, req, ep, &normalized);
        }
        let Some(resource) = op.resource.as_deref().and_then(|r| self.v.resource(r)) else {
            return Err(Abort::Answer(self.failure(
                answer::NOT_SERVABLE,
                "The endpoint names no resource.",
                req,
            )));
        };
        let member = self.members.get(&resource.name).map(String::as_str);
        match op.kind {
            OperationKind::Login => self.login(tx, req, ep, &normalized),
            OperationKind::Create => self.create(tx, req, ep, resource, member, &normalized, &principal),
            OperationKind::Update => self.update(tx, req, ep, resource, member, &normalized, &principal),
            OperationKind::Read => {
                let row = self.locate(tx, req, ep, resource, member, &normalized)?;
                let mut record = self.record_view(tx, ep, resource, member, &row.doc)?;
                self.leave_out_unless_included(ep, &normalized, &mut record);
                Ok(self.success(ep, self.shape_payload(ep, record)))
            }
            OperationKind::Query => self.query(tx, req, ep, resource, member, &normalized),
            OperationKind::Delete => {
                let row = self.locate(tx, req, ep, resource, member, &normalized)?;
                tx.delete(row.id)?;
                self.touch(tx, resource)?;
                let payload = self.record_payload(tx, ep, resource, member, &row.doc)?;
                Ok(self.success(ep, payload))
            }
        }
    }
}
