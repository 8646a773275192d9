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

use crate::auth;
use crate::faults::{Fault, Faults};
use crate::index::{Extract, Indexes};
use crate::qbe;
use crate::readings::{self, Readings};
use crate::store::{Store, Tx};
use crate::util::{self, get_path, parents_mut, record_of, record_of_mut};
use erpspec_model::answers::{self, Situation};
use erpspec_model::ir::{
    AssignedHow, Beside, ChildList, Criteria, Endpoint, ErrorEntry, Field, MessageRule, OperationKind, ParamLocation, Payload,
    PresentationLocation, QuirkKind, Resource, Type, Vendor,
};
use erpspec_rules::{ScalarType, lookup_field};
use serde_json::{Map, Value, json};
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

/// Why the parameters could not be read.
#[derive(Debug)]
enum InputProblem {
    Body(BodyError),
    ContentType(String),
    NotJson(String),
    NotObject,
    NotUtf8,
}

impl InputProblem {
    fn describe(&self) -> String {
        match self {
            InputProblem::Body(BodyError::TooLarge) => {
                format!("The body is larger than {} bytes.", crate::MAX_BODY_BYTES)
            }
            InputProblem::Body(BodyError::Unreadable) => "The body could not be read.".into(),
            InputProblem::ContentType(ct) => format!("The content type `{ct}` is not JSON."),
            InputProblem::NotJson(e) => format!("The body is not JSON: {e}."),
            InputProblem::NotObject => "The body is not a JSON object.".into(),
            InputProblem::NotUtf8 => "The query string is not UTF-8.".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthFailure {
    Missing,
    Malformed,
    Rejected,
}

/// A route: the transport path with one endpoint's route filled in.
struct Route {
    endpoint: usize,
    segments: Vec<Segment>,
}

enum Segment {
    Literal(String),
    /// A `{NAME}` segment: a credential presented in the path.
    Variable(String),
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
    /// Builds the engine for one vendor: routes from the IR, credentials
    /// (given, kept from the database, or generated) and demo records.
    pub fn new(
        v: Vendor,
        store: &mut Store,
        faults: Faults,
        readings: Readings,
        given: &BTreeMap<String, String>,
    ) -> Result<(Engine, CredentialSetup), String> {
        for name in given.keys() {
            if !v.auth.credentials.contains(name) {
                return Err(format!(
                    "unknown credential `{name}` for {}; it takes: {}",
                    v.name,
                    v.auth.credentials.join(", ")
                ));
            }
        }
        let mut routes = Vec::new();
        for (i, ep) in v.endpoints.iter().enumerate() {
            let path = v.transport.path.replace("{route}", &ep.route);
            let segments = path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(
                    |s| match erpspec_model::template::slot(s).or_else(|| s.strip_prefix('{').and_then(|r| r.strip_suffix('}'))) {
                        Some(name) => Segment::Variable(name.to_string()),
                        None => Segment::Literal(s.to_string()),
                    },
                )
                .collect();
            routes.push(Route { endpoint: i, segments });
        }
        let mut record_fields: BTreeMap<String, Vec<Field>> = BTreeMap::new();
        let mut members = BTreeMap::new();
        for ep in &v.endpoints {
            let Some(res) = &ep.operation.resource else { continue };
            if let Some(m) = &ep.operation.record_member {
                members.entry(res.clone()).or_insert_with(|| m.clone());
            }
            if matches!(ep.response.payload, Payload::Record | Payload::Records | Payload::Wrapped { .. }) {
                let list = record_fields.entry(res.clone()).or_default();
                for f in &ep.response.fields {
                    if !list.iter().any(|g| g.name == f.name) {
                        list.push(f.clone());
                    }
                }
            }
        }
        let body_credentials = v.auth.body_credential_fields();
        let index = Indexes::from_ir(&v, &members, &|ep, k| record_name(&v, &record_fields, ep, k));

        let vendor = v.name.clone();
        let mut setup = CredentialSetup::default();
        let mut credentials = BTreeMap::new();
        store
            .transaction(|tx| {
                for name in &v.auth.credentials {
                    let stored = tx.credential(&vendor, name)?;
                    let (salt, hash) = match (given.get(name), stored) {
                        (Some(value), _) => {
                            let salt = auth::new_salt();
                            let hash = auth::credential_hash(&salt, name, value);
                            tx.set_credential(&vendor, name, &salt, &hash)?;
                            (salt, hash)
                        }
                        (None, Some(kept)) => {
                            setup.kept.push(name.clone());
                            kept
                        }
                        (None, None) => {
                            let value = auth::generate_secret();
                            let salt = auth::new_salt();
                            let hash = auth::credential_hash(&salt, name, &value);
                            tx.set_credential(&vendor, name, &salt, &hash)?;
                            setup.generated.push((name.clone(), value));
                            (salt, hash)
                        }
                    };
                    credentials.insert(name.clone(), (salt, hash));
                }
                Ok::<_, rusqlite::Error>(())
            })
            .map_err(|e| format!("cannot set up credentials in the database: {e}"))?;

        let engine = Engine {
            v,
            faults,
            readings,
            routes,
            record_fields,
            members,
            credentials,
            body_credentials,
            answered: std::sync::atomic::AtomicU64::new(0),
            index,
        };
        engine.load_demo(store).map_err(|e| format!("cannot store the demo records: {e}"))?;
        Ok((engine, setup))
    }

    pub fn vendor(&self) -> &Vendor {
        &self.v
    }

    /// Stores the docs' example records on first start.
    fn load_demo(&self, store: &mut Store) -> Result<(), rusqlite::Error> {
        let vendor = self.v.name.clone();
        store.transaction(|tx| {
            // A database written with other lookup fields (or none) gets
            // this build's.
            for r in &self.v.resources {
                let signature = self.index.signature(&r.name);
                let name = format!("index:{}", r.name);
                if tx.meta(&vendor, &name)?.as_deref() != Some(signature.as_str()) {
                    tx.reindex(&vendor, &r.name, &|doc| self.index.rows(&r.name, doc))?;
                    tx.set_meta(&vendor, &name, &signature)?;
                }
            }
            if tx.meta(&vendor, "demo-loaded")?.is_some() {
                return Ok(());
            }
            // The other reading starts with only the records no endpoint can
            // create (a singleton, what the harness needs as fixtures), and
            // numbers new records from an offset.
            let other_records = self.readings.other(readings::RECORDS);
            for r in &self.v.resources {
                if other_records {
                    for a in r
                        .assigned
                        .iter()
                        .filter(|a| matches!(a.how, AssignedHow::PaddedSequence { .. } | AssignedHow::IntegerSequence))
                    {
                        tx.bump_sequence(&vendor, &r.name, &a.field, self.readings.offset)?;
                    }
                }
                let creatable = self
                    .v
                    .endpoints
                    .iter()
                    .any(|e| e.operation.kind == OperationKind::Create && e.operation.resource.as_deref() == Some(&r.name));
                let member = self.members.get(&r.name).map(String::as_str);
                for demo in r.demo.iter().filter(|_| !(other_records && (creatable || self.includes_child(r)))) {
                    // A demo record is the record proper unless it is written
                    // in the request's shape (holding the record member).
                    let mut doc = match member {
                        Some(m) if demo.get(m).is_none() => json!({ m: demo.clone() }),
                        _ => demo.clone(),
                    };
                    self.assign(tx, r, &mut doc, "demo", OperationKind::Create, &[])
                        .map_err(|e| match e {
                            Abort::Db(e) => e,
                            Abort::Answer(_) => rusqlite::Error::InvalidQuery,
                        })?;
                    if let Some(key) = self.key_of(r, &doc)
                        && tx.get(&vendor, &r.name, &key)?.is_none()
                    {
                        tx.insert(&vendor, &r.name, &key, &doc, &self.index.rows(&r.name, &doc))?;
                    }
                }
                tx.set_meta(&vendor, &format!("modified:{}", r.name), &util::now_unix().to_string())?;
            }
            tx.set_meta(&vendor, "demo-loaded", &util::now_iso())
        })
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
            let entry = self.served(Some(ep), Situation::WrongMethod);
            let detail = match entry {
                Some(e) if !t.on_wrong_method.contains(&e.id) && matches!(e.message, MessageRule::Prefix(_)) => uri_detail(req),
                _ => format!("Request method must be {}.", t.methods.join(" or ")),
            };
            let mut answer = self.error(entry, 405, &detail, req);
            // Where the docs give that answer no HTTP status, HTTP's own: 405
            // (with `Allow`), what every client and peer tool expects.
            if entry.is_some_and(|e| answers::documented_status(&self.v, e).is_none()) {
                answer.status = 405;
            }
            return Err(answer);
        }
        let params = match self.read_params(req) {
            Ok(p) => p,
            Err(problem) => {
                let entry = self.served(Some(ep), Situation::InvalidJson);
                return Err(self.error(entry, 400, &problem.describe(), req));
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
        self.error(None, 503, &detail, req)
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
                        return Err(Abort::Answer(self.error(self.served(Some(ep), situation), 401, detail, req)));
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
            let entry = self.served(Some(ep), Situation::RuleBroken(rule));
            let offending = report.normalized.pointer(&x.path).or_else(|| body.pointer(&x.path));
            let detail = match (entry.map(|e| &e.message), offending) {
                // A message documented as "text: <value>" is followed by the value.
                (Some(MessageRule::Prefix(p)), Some(v)) if p.trim_end().ends_with(':') => util::text(v),
                // Object-level rules describe the request itself.
                _ if x.message.starts_with(' ') => format!("The request{}", x.message),
                _ => x.message.clone(),
            };
            return Err(Abort::Answer(self.error(entry, 400, &detail, req)));
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
            return Err(Abort::Answer(self.error(None, 501, "The endpoint names no resource.", req)));
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

    // ------------------------------------------------------------ routing

    fn route(&self, req: &Request) -> Option<(usize, BTreeMap<String, String>)> {
        let segs: Vec<String> = req
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| util::percent_decode(s, false))
            .collect::<Option<_>>()?;
        let ci = self.v.transport.path_case_insensitive;
        let lit_eq = |a: &str, b: &str| if ci { a.eq_ignore_ascii_case(b) } else { a == b };
        // A full match first; then the same route with path credentials
        // left out (which is a request without credentials, not an unknown route).
        for skip_variables in [false, true] {
            for r in &self.routes {
                let pattern: Vec<&Segment> = r
                    .segments
                    .iter()
                    .filter(|s| !(skip_variables && matches!(s, Segment::Variable(_))))
                    .collect();
                if pattern.len() != segs.len() {
                    continue;
                }
                let mut vars = BTreeMap::new();
                let ok = pattern.iter().zip(&segs).all(|(p, s)| match p {
                    Segment::Literal(l) => lit_eq(l, s),
                    Segment::Variable(name) => {
                        vars.insert(name.clone(), s.clone());
                        true
                    }
                });
                if ok {
                    return Some((r.endpoint, vars));
                }
            }
        }
        None
    }

    fn unknown_route(&self, req: &Request) -> Response {
        let entry = self.served(None, Situation::UnknownRoute);
        let detail = match entry {
            // A documented prefix ("No HTTP resource was found that matches
            // the request URI") is followed by the URI, as the docs show.
            Some(e) if matches!(e.message, MessageRule::Prefix(_)) => uri_detail(req),
            _ => format!("No API call matches {} '{}'.", req.method, req.uri()),
        };
        self.error(entry, 404, &detail, req)
    }

    // --------------------------------------------------------- parameters

    fn read_params(&self, req: &Request) -> Result<Map<String, Value>, InputProblem> {
        let t = &self.v.transport;
        let mut params = Map::new();
        if t.parameters.contains(&ParamLocation::Query)
            && let Some(q) = &req.query
        {
            for (k, v) in util::query_pairs(q).ok_or(InputProblem::NotUtf8)? {
                params.entry(k).or_insert(Value::String(v));
            }
        }
        if !t.parameters.contains(&ParamLocation::Body) {
            return Ok(params);
        }
        match self.read_body(req) {
            Ok(Some(Value::Object(body))) => {
                for (k, v) in body {
                    params.insert(k, v);
                }
                Ok(params)
            }
            Ok(Some(Value::Array(pairs))) => {
                // Form-encoded parameters (see read_body), as [[name, value], ...].
                for p in pairs {
                    if let (Some(k), Some(v)) = (p.get(0).and_then(Value::as_str), p.get(1)) {
                        params.entry(k.to_string()).or_insert(v.clone());
                    }
                }
                Ok(params)
            }
            Ok(_) => Ok(params),
            Err(_) if self.faults.has(&Fault::InvalidJsonAccepted) => Ok(params),
            Err(e) => Err(e),
        }
    }

    /// The body as a JSON object (`None` for an empty body where the query
    /// string may carry the parameters instead).
    ///
    /// Content types: none, `application/json`, `text/json`, `*+json` and
    /// `text/plain` are read as JSON; so is `application/x-www-form-urlencoded`
    /// (what `curl -d` sends by default), which a dialect taking query
    /// parameters also reads as form pairs when it is not JSON. Any other
    /// content type is refused as "not JSON".
    fn read_body(&self, req: &Request) -> Result<Option<Value>, InputProblem> {
        let bytes = req.body.as_ref().map_err(|e| InputProblem::Body(*e))?;
        let takes_query = self.v.transport.parameters.contains(&ParamLocation::Query);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return if takes_query {
                Ok(None)
            } else {
                Err(InputProblem::NotJson("the body is empty".into()))
            };
        }
        let ct = req
            .header("content-type")
            .map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        let form = ct.as_deref() == Some("application/x-www-form-urlencoded");
        let jsonish = match ct.as_deref() {
            None | Some("") => true,
            Some(c) => c == "application/json" || c == "text/json" || c.ends_with("+json") || c == "text/plain" || form,
        };
        if !jsonish {
            return Err(InputProblem::ContentType(ct.unwrap_or_default()));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v @ Value::Object(_)) => Ok(Some(v)),
            Ok(_) => Err(InputProblem::NotObject),
            Err(e) if form && takes_query => {
                let text = std::str::from_utf8(bytes).map_err(|_| InputProblem::NotJson(e.to_string()))?;
                let pairs = util::query_pairs(text.trim()).ok_or(InputProblem::NotUtf8)?;
                Ok(Some(Value::Array(pairs.into_iter().map(|(k, v)| json!([k, v])).collect())))
            }
            Err(e) => Err(InputProblem::NotJson(e.to_string())),
        }
    }

    // ----------------------------------------------------- authentication

    /// The principal (for `user` assigned values) or why the request is refused.
    fn authenticate(
        &self,
        tx: &Tx<'_>,
        req: &Request,
        vars: &BTreeMap<String, String>,
        params: &Map<String, Value>,
    ) -> Step<Result<String, AuthFailure>> {
        let names = self.v.transport.names;
        let mut presented = None;
        for p in &self.v.auth.presentations {
            if self.faults.has(&Fault::AuthIgnorePresentation(p.name.clone())) {
                continue;
            }
            let value: Option<Value> = match p.location {
                PresentationLocation::Path => vars.get(&p.name).cloned().map(Value::String),
                PresentationLocation::Header => req.header(&p.name).map(|h| Value::String(h.to_string())),
                PresentationLocation::Body => lookup_field(params, &p.name, names).first().map(|(_, v)| (*v).clone()),
                PresentationLocation::Query => req.query.as_deref().and_then(util::query_pairs).and_then(|q| {
                    q.into_iter()
                        .find(|(k, _)| names.matches(&p.name, k))
                        .map(|(_, v)| Value::String(v))
                }),
            };
            let present = match &value {
                None | Some(Value::Null) => false,
                Some(Value::String(s)) => !s.trim().is_empty(),
                Some(_) => true,
            };
            if present {
                presented = value.map(|v| (p, v));
                break;
            }
        }
        let Some((p, value)) = presented else {
            return Ok(Err(AuthFailure::Missing));
        };
        if self.v.auth.token.is_some() && p.value == "token" {
            let Value::String(token) = value else {
                return Ok(Err(AuthFailure::Malformed));
            };
            if !auth::well_formed_token(&token) {
                return Ok(Err(AuthFailure::Malformed));
            }
            return Ok(tx.token(&self.v.name, &auth::token_hash(&token))?.ok_or(AuthFailure::Rejected));
        }
        let text = util::text(&value);
        match self.credentials.get(&p.value) {
            Some((salt, hash)) if auth::same_hash(hash, &auth::credential_hash(salt, &p.value, &text)) => Ok(Ok(p.value.clone())),
            _ => Ok(Err(AuthFailure::Rejected)),
        }
    }

    fn is_credential_path(&self, path: &str) -> bool {
        let names = self.v.transport.names;
        self.body_credentials
            .iter()
            .any(|c| path.strip_prefix('/').is_some_and(|p| names.matches(c, p)))
    }

    /// Is the resource's records made by another resource's create (the
    /// items of a parent's list)?
    fn includes_child(&self, r: &Resource) -> bool {
        self.v.resources.iter().any(|p| p.includes.iter().any(|i| i.resource == r.name))
    }

    /// Whether a fault switch has the server ignore the required rule of
    /// this request field (see [`crate::faults`]).
    fn lax_required(&self, ep: &Endpoint, field: &str) -> bool {
        ep.field(field)
            .and_then(|f| f.rules.iter().find(|r| matches!(r.kind, erpspec_rules::RuleKind::Required)))
            .is_some_and(|r| self.faults.ignores_rule(&r.id))
    }

    /// Exchanges credentials for a token.
    fn login(&self, tx: &Tx<'_>, req: &Request, ep: &Endpoint, normalized: &Map<String, Value>) -> Step<Response> {
        let Some(token) = &self.v.auth.token else {
            return Err(Abort::Answer(self.error(None, 501, "The vendor issues no tokens.", req)));
        };
        let mut ok = true;
        for (cred, field) in &token.credential_fields {
            if normalized.get(field).is_none() && self.lax_required(ep, field) {
                continue;
            }
            let given = normalized.get(field).map(util::text).unwrap_or_default();
            let good = self
                .credentials
                .get(cred)
                .is_some_and(|(salt, hash)| auth::same_hash(hash, &auth::credential_hash(salt, cred, &given)));
            ok &= good;
        }
        if !ok && !self.faults.has(&Fault::AuthAcceptRejected) {
            // The login endpoint documents its own failures; the
            // presented-credential answer only if it lists it.
            let entry = self.served(Some(ep), Situation::LoginRejected);
            let fields: Vec<&str> = token.credential_fields.values().map(String::as_str).collect();
            let detail = format!("Login failed: {} not valid.", fields.join(", "));
            return Err(Abort::Answer(self.error(entry, 401, &detail, req)));
        }
        // The user named in audit fields: the credential the schema says
        // names the user (`auth.token.principal`), else the first credential's name.
        let principal = token
            .principal
            .as_ref()
            .and_then(|c| token.credential_fields.get(c))
            .and_then(|f| normalized.get(f))
            .map(util::text)
            .unwrap_or_else(|| self.v.auth.credentials.first().cloned().unwrap_or_default());
        let (text, hash) = auth::issue_token();
        tx.add_token(&self.v.name, &hash, &principal, &util::now_iso())?;
        let mut record = Map::new();
        record.insert(token.response_field.clone(), Value::String(text));
        Ok(self.success(ep, self.shape_payload(ep, Value::Object(record))))
    }

    // ---------------------------------------------------------- operations

    /// The stored document built from a request: the normalized request
    /// without credentials, its record's members renamed to the record's
    /// spelling (`Custname` -> `CUSTNAME`, `stores` renames first).
    fn build_doc(&self, ep: &Endpoint, member: Option<&str>, normalized: &Map<String, Value>) -> Value {
        let names = self.v.transport.names;
        let mut doc = Map::new();
        for (k, v) in normalized {
            if !self.body_credentials.iter().any(|c| names.matches(c, k)) {
                doc.insert(k.clone(), v.clone());
            }
        }
        let rename = |rec: Map<String, Value>| -> Map<String, Value> {
            rec.into_iter()
                .map(|(k, v)| (record_name(&self.v, &self.record_fields, ep, &k), v))
                .collect()
        };
        match member {
            Some(m) => {
                if let Some(Value::Object(rec)) = doc.remove(m) {
                    doc.insert(m.to_string(), Value::Object(rename(rec)));
                }
                Value::Object(doc)
            }
            None => Value::Object(rename(doc)),
        }
    }

    /// The records a lookup reads: those the index narrows it to, or every
    /// record of the resource where the index cannot say.
    fn candidates(&self, tx: &Tx<'_>, r: &Resource, clause: Option<crate::store::Clause>) -> Step<Vec<crate::store::Row>> {
        Ok(tx.select(&self.v.name, &r.name, clause.as_slice())?)
    }

    /// Canonical text of a record's key, `None` if a key field is missing.
    fn key_of(&self, r: &Resource, doc: &Value) -> Option<String> {
        let member = self.members.get(&r.name).map(String::as_str);
        let values: Option<Vec<&Value>> = r.key.iter().map(|k| get_path(doc, member, k)).collect();
        values.map(|v| serde_json::to_string(&v).unwrap_or_default())
    }

    /// Fills the server-assigned values that operation `when` sets (each
    /// value's `on`). On create, sequence values the client may choose (the
    /// key or a unique field, ManEx `Custno`) are kept when given, and the
    /// sequence moves past them; other sequence values (RPM `PhoneNumberID`)
    /// are always the server's. Fields in `keep` are left as they are (an
    /// update that sets one itself, see [`Engine::update`]).
    fn assign(&self, tx: &Tx<'_>, r: &Resource, doc: &mut Value, principal: &str, when: OperationKind, keep: &[&str]) -> Step<()> {
        let member = self.members.get(&r.name).map(String::as_str);
        let now = util::now_iso();
        for a in &r.assigned {
            if !a.on.contains(&when) || keep.contains(&a.field.as_str()) {
                continue;
            }
            let choosable = r.key.contains(&a.field) || r.unique.contains(&a.field);
            let (parents, last) = parents_mut(doc, member, &a.field);
            for parent in parents {
                let given = parent.get(&last).filter(|v| !v.is_null() && v.as_str() != Some(""));
                // A value the server sets only when the request gives none.
                if a.unless_given && given.is_some() {
                    continue;
                }
                let value = match &a.how {
                    AssignedHow::PaddedSequence { .. } | AssignedHow::IntegerSequence => {
                        if let (true, Some(g)) = (choosable, given) {
                            let used = g.as_i64().or_else(|| g.as_str().and_then(|s| s.trim().parse().ok()));
                            // The sequence moves past a value it could have
                            // produced: not past one wider than its width.
                            let fits = match a.how {
                                AssignedHow::PaddedSequence { width } => {
                                    used.is_some_and(|n| n >= 0 && n.to_string().len() <= width as usize)
                                }
                                _ => true,
                            };
                            if let (Some(n), true) = (used, fits) {
                                tx.bump_sequence(&self.v.name, &r.name, &a.field, n)?;
                            }
                            continue;
                        }
                        let n = tx.next_in_sequence(&self.v.name, &r.name, &a.field)?;
                        match &a.how {
                            AssignedHow::PaddedSequence { width } => Value::String(format!("{n:0w$}", w = *width as usize)),
                            _ => Value::from(n),
                        }
                    }
                    AssignedHow::Timestamp => Value::String(now.clone()),
                    AssignedHow::User => Value::String(principal.to_string()),
                };
                parent.insert(last.clone(), value);
            }
        }
        Ok(())
    }

    /// Checks the request's references to other resources' records.
    fn check_references(&self, tx: &Tx<'_>, req: &Request, ep: &Endpoint, normalized: &Map<String, Value>) -> Step<()> {
        let mut refs = Vec::new();
        collect_refs(&ep.request, &Value::Object(normalized.clone()), "", &mut refs);
        for (path, field, value) in refs {
            if self.faults.has(&Fault::ReferenceUnchecked(ep.id.clone(), path.clone())) {
                continue;
            }
            let Some(reference) = &field.refers_to else { continue };
            let Some(target) = self.v.resource(&reference.resource) else {
                continue;
            };
            let member = self.members.get(&target.name).map(String::as_str);
            let found = if target.key.len() == 1 && target.key[0] == reference.field {
                tx.get(&self.v.name, &target.name, &serde_json::to_string(&[&value]).unwrap_or_default())?
                    .is_some()
            } else {
                let by = [Extract::Path(reference.field.clone())];
                self.candidates(tx, target, self.index.equals(&target.name, &by, &value))?
                    .iter()
                    .any(|row| get_path(&row.doc, member, &reference.field) == Some(&value))
            };
            if !found {
                let entry = self.served(Some(ep), Situation::MissingReference(reference));
                let detail = format!("No {} record has {} {}.", target.name, reference.field, util::text(&value));
                return Err(Abort::Answer(self.error(entry, 404, &detail, req)));
            }
        }
        Ok(())
    }

    /// Refuses a record whose key or unique values another record has.
    fn check_unique(&self, tx: &Tx<'_>, req: &Request, ep: &Endpoint, r: &Resource, doc: &Value, except: Option<i64>) -> Step<()> {
        let member = self.members.get(&r.name).map(String::as_str);
        let mut clash = None;
        if except.is_none()
            && let Some(key) = self.key_of(r, doc)
            && tx.get(&self.v.name, &r.name, &key)?.is_some()
        {
            clash = Some(format!("A {} record with key {key} already exists.", r.name));
        }
        if clash.is_none() && !r.unique.is_empty() {
            'fields: for u in &r.unique {
                let Some(mine) = get_path(doc, member, u) else { continue };
                let rows = self.candidates(tx, r, self.index.equals(&r.name, &[Extract::Path(u.clone())], mine))?;
                for row in rows.iter().filter(|row| Some(row.id) != except) {
                    if get_path(&row.doc, member, u) == Some(mine) {
                        clash = Some(format!("A {} record with {u} {} already exists.", r.name, util::text(mine)));
                        break 'fields;
                    }
                }
            }
        }
        if clash.is_none() && !r.unique_within.is_empty() {
            let mine_key = self.key_of(r, doc);
            'within: for (field, scope) in &r.unique_within {
                let (Some(mine), Some(my_scope)) = (get_path(doc, member, field), get_path(doc, member, scope)) else {
                    continue;
                };
                let clauses: Vec<_> = [
                    self.index.equals(&r.name, &[Extract::Path(field.clone())], mine),
                    self.index.equals(&r.name, &[Extract::Path(scope.clone())], my_scope),
                ]
                .into_iter()
                .flatten()
                .collect();
                let rows = tx.select(&self.v.name, &r.name, &clauses)?;
                for row in rows
                    .iter()
                    .filter(|row| Some(row.id) != except && self.key_of(r, &row.doc) != mine_key)
                {
                    if get_path(&row.doc, member, scope) == Some(my_scope) && get_path(&row.doc, member, field) == Some(mine) {
                        clash = Some(format!(
                            "A {} record with {field} {} already exists for {scope} {}.",
                            r.name,
                            util::text(mine),
                            util::text(my_scope)
                        ));
                        break 'within;
                    }
                }
            }
        }
        match clash {
            Some(detail) => {
                let entry = self.served(Some(ep), Situation::Duplicate);
                Err(Abort::Answer(self.error(entry, 409, &detail, req)))
            }
            None => Ok(()),
        }
    }

    /// Applies the endpoint's read-back quirks to a record being written.
    fn apply_write_quirks(&self, ep: &Endpoint, member: Option<&str>, doc: &mut Value) {
        for q in &ep.quirks {
            if let QuirkKind::ReadsBackAs { path, written, read } = &q.kind
                && !self.faults.has(&Fault::QuirkMissing(q.id.clone()))
                && let Some(rec) = record_of_mut(doc, member)
            {
                let mut v = Value::Object(std::mem::take(rec));
                util::replace_at_pattern(&mut v, path, written, read);
                if let Value::Object(m) = v {
                    *rec = m;
                }
            } else if let QuirkKind::DatesReadBackAs { paths, format } = &q.kind
                && !self.faults.has(&Fault::QuirkMissing(q.id.clone()))
                && let Some(rec) = record_of_mut(doc, member)
            {
                let mut v = Value::Object(std::mem::take(rec));
                for path in paths {
                    util::reformat_dates_at_pattern(&mut v, path, *format);
                }
                if let Value::Object(m) = v {
                    *rec = m;
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &self,
        tx: &Tx<'_>,
        req: &Request,
        ep: &Endpoint,
        r: &Resource,
        member: Option<&str>,
        normalized: &Map<String, Value>,
        principal: &str,
    ) -> Step<Response> {
        self.check_references(tx, req, ep, normalized)?;
        let mut normalized = normalized.clone();
        if self.readings.other(&readings::client_key(&ep.id)) {
            for k in self.v.client_keys(ep) {
                normalized.remove(&k);
            }
        }
        let normalized = &normalized;
        let mut doc = self.build_doc(ep, member, normalized);
        self.shape_child_lists(tx, ep, r, member, &mut doc)?;
        // A server ignoring a required rule stores what it was given: an
        // empty record member, empty key fields.
        if let (Some(m), Value::Object(d)) = (member, &mut doc)
            && !d.contains_key(m)
            && self.lax_required(ep, m)
        {
            d.insert(m.to_string(), json!({}));
        }
        if let Value::Object(d) = &mut doc {
            for (i, k) in ep.operation.key.iter().enumerate() {
                if member.is_none() && !d.contains_key(k) && self.lax_required(ep, k) {
                    d.insert(r.key.get(i).cloned().unwrap_or(k.clone()), json!(""));
                }
            }
        }
        self.assign(tx, r, &mut doc, principal, OperationKind::Create, &[])?;
        self.apply_write_quirks(ep, member, &mut doc);
        let Some(key) = self.key_of(r, &doc) else {
            let entry = self.served(Some(ep), Situation::RuleBroken(None));
            let detail = format!("The {} record's key ({}) is incomplete.", r.name, r.key.join(", "));
            return Err(Abort::Answer(self.error(entry, 400, &detail, req)));
        };
        let mut store = true;
        if let Err(clash) = self.check_unique(tx, req, ep, r, &doc, None) {
            if !self.faults.has(&Fault::DuplicateAccepted(ep.id.clone())) {
                return Err(clash);
            }
            store = false;
        }
        let children = self.split_children(ep, r, member, &mut doc);
        if store && !self.faults.has(&Fault::CreateNotStored(ep.id.clone())) {
            tx.insert(&self.v.name, &r.name, &key, &doc, &self.index.rows(&r.name, &doc))?;
            self.create_children(tx, r, member, &doc, children, principal)?;
            self.keep_one_primary(tx, r, &doc)?;
            self.touch(tx, r)?;
        }
        let payload = self.record_payload(tx, ep, r, member, &doc)?;
        Ok(self.success(ep, payload))
    }

    /// `operation.creates`: the record's lists get their documented
    /// defaults, their one primary item, and lose items whose value another
    /// record already has.
    fn shape_child_lists(&self, tx: &Tx<'_>, ep: &Endpoint, r: &Resource, member: Option<&str>, doc: &mut Value) -> Step<()> {
        // What the fault switches leave undone.
        let lists: Vec<ChildList> = ep
            .operation
            .creates
            .iter()
            .map(|l| {
                let mut l = l.clone();
                let (id, m) = (ep.id.clone(), l.member.clone());
                if self.faults.has(&Fault::ListDefaultsMissing(id.clone(), m.clone())) {
                    l.when_none.clear();
                }
                if self.faults.has(&Fault::PrimaryUnresolved(id.clone(), m.clone())) {
                    l.primary = None;
                }
                if self.faults.has(&Fault::TakenKept(id, m)) {
                    l.drop_taken = None;
                }
                l
            })
            .collect();
        if lists.is_empty() {
            return Ok(());
        }
        // The values of `drop_taken` members another record already has,
        // among those the request's items (or the defaults) carry.
        let mut taken_values: Vec<(&str, &str, Value)> = Vec::new();
        for l in &lists {
            let Some(field) = l.drop_taken.as_deref() else { continue };
            let sent = record_of(doc, member).get(&l.member).and_then(Value::as_array);
            let wanted: Vec<&Value> = sent
                .into_iter()
                .flatten()
                .chain(&l.when_none)
                .filter_map(|i| i.get(field))
                .filter(|v| !v.is_null())
                .collect();
            for value in wanted {
                let rows = self.candidates(tx, r, self.index.item_equals(&r.name, &l.member, field, value))?;
                let other_has = rows.iter().any(|row| {
                    record_of(&row.doc, member)
                        .get(&l.member)
                        .and_then(Value::as_array)
                        .is_some_and(|items| items.iter().any(|i| i.get(field) == Some(value)))
                });
                if other_has {
                    taken_values.push((&l.member, field, value.clone()));
                }
            }
        }
        let taken = |list: &str, field: &str, value: &Value| taken_values.iter().any(|(l, f, v)| *l == list && *f == field && v == value);
        if let Some(rec) = record_of_mut(doc, member) {
            crate::children::shape_lists(&lists, rec, &taken);
        }
        Ok(())
    }

    /// Takes out of a record being created the lists that are records of an
    /// included resource (RPM CustomerAdd's `Contacts`): they are created as
    /// those records, so they get their own ids and the child endpoints
    /// (CustomerContactEdit) find them.
    fn split_children(&self, ep: &Endpoint, r: &Resource, member: Option<&str>, doc: &mut Value) -> Vec<(usize, Vec<Value>)> {
        let mut out = Vec::new();
        for (i, inc) in r.includes.iter().enumerate() {
            let Some(rec) = record_of_mut(doc, member) else { continue };
            let Some(Value::Array(items)) = rec.remove(&inc.member) else {
                continue;
            };
            let child_member = self.v.resource(&inc.resource).and_then(|c| self.members.get(&c.name));
            let item_holds_member = child_member.is_some_and(|m| list_item_fields(ep, member, &inc.member).iter().any(|f| &f.name == m));
            let docs = items
                .into_iter()
                .map(|item| match (child_member, item) {
                    // The item is written in the child's request shape
                    // (`{IsPrimary, Contact: {...}}`): its record member exists.
                    (Some(m), Value::Object(mut o)) if item_holds_member => {
                        o.entry(m.clone()).or_insert_with(|| json!({}));
                        Value::Object(o)
                    }
                    // The item is the child's record proper (a location).
                    (Some(m), item) => json!({ m: item }),
                    (None, item) => item,
                })
                .collect();
            out.push((i, docs));
        }
        out
    }

    fn create_children(
        &self,
        tx: &Tx<'_>,
        r: &Resource,
        member: Option<&str>,
        parent: &Value,
        children: Vec<(usize, Vec<Value>)>,
        principal: &str,
    ) -> Step<()> {
        for (i, docs) in children {
            let inc = &r.includes[i];
            let Some(child) = self.v.resource(&inc.resource) else { continue };
            let Some(parent_value) = get_path(parent, member, &inc.on)
                .or_else(|| r.key.first().and_then(|k| get_path(parent, member, k)))
                .cloned()
            else {
                continue;
            };
            for mut cdoc in docs {
                if let Value::Object(m) = &mut cdoc {
                    m.insert(inc.on.clone(), parent_value.clone());
                }
                self.assign(tx, child, &mut cdoc, principal, OperationKind::Create, &[])?;
                if let Some(key) = self.key_of(child, &cdoc) {
                    tx.insert(&self.v.name, &child.name, &key, &cdoc, &self.index.rows(&child.name, &cdoc))?;
                }
            }
            self.touch(tx, child)?;
        }
        Ok(())
    }

    /// A record flagged as its parent's primary child takes the flag from
    /// its siblings (`includes.<member>.primary`: CustomerContactAdd's
    /// `IsPrimary` "makes it the primary contact").
    fn keep_one_primary(&self, tx: &Tx<'_>, r: &Resource, doc: &Value) -> Step<()> {
        let member = self.members.get(&r.name).map(String::as_str);
        let includes = self.v.resources.iter().flat_map(|p| p.includes.iter().map(move |i| (p, i)));
        for (parent, inc) in includes.filter(|(_, i)| i.resource == r.name) {
            let Some(flag) = &inc.primary else { continue };
            if self.faults.has(&Fault::PrimaryShared(parent.name.clone(), inc.member.clone())) {
                continue;
            }
            if get_path(doc, member, flag) != Some(&Value::Bool(true)) {
                continue;
            }
            let parent = get_path(doc, member, &inc.on).cloned();
            let mine = self.key_of(r, doc);
            let siblings = parent
                .as_ref()
                .and_then(|p| self.index.equals(&r.name, &[Extract::Path(inc.on.clone())], p));
            for mut row in self.candidates(tx, r, siblings)? {
                let sibling = get_path(&row.doc, member, &inc.on).cloned() == parent && self.key_of(r, &row.doc) != mine;
                if sibling && get_path(&row.doc, member, flag) == Some(&Value::Bool(true)) {
                    let (parents, last) = parents_mut(&mut row.doc, member, flag);
                    for p in parents {
                        p.insert(last.clone(), Value::Bool(false));
                    }
                    tx.replace(row.id, &row.doc, &self.index.rows(&r.name, &row.doc))?;
                }
            }
        }
        Ok(())
    }

    /// Items an update adds to a merged list (`operation.merge_items`) get
    /// the sequence values their resource assigns on create (RPM's
    /// `PhoneNumberID` of a phone registered by CustomerContactEdit).
    fn number_new_items(&self, tx: &Tx<'_>, ep: &Endpoint, r: &Resource, member: Option<&str>, doc: &mut Value) -> Step<()> {
        for a in &r.assigned {
            let through_merged = ep.operation.merge_items.keys().any(|list| {
                let path: Vec<&str> = a.field.split('.').collect();
                path.contains(&list.as_str())
            });
            if !through_merged || !matches!(a.how, AssignedHow::IntegerSequence | AssignedHow::PaddedSequence { .. }) {
                continue;
            }
            let (parents, last) = parents_mut(doc, member, &a.field);
            for parent in parents {
                let missing = parent
                    .get(&last)
                    .is_none_or(|v| v.is_null() || v.as_i64() == Some(0) || v.as_str() == Some(""));
                if missing {
                    let n = tx.next_in_sequence(&self.v.name, &r.name, &a.field)?;
                    let value = match a.how {
                        AssignedHow::PaddedSequence { width } => Value::String(format!("{n:0w$}", w = width as usize)),
                        _ => Value::from(n),
                    };
                    parent.insert(last.clone(), value);
                }
            }
        }
        Ok(())
    }

    fn leave_out_unless_included(&self, ep: &Endpoint, normalized: &Map<String, Value>, record: &mut Value) {
        leave_out_unless_included(ep, normalized, record, &self.faults);
    }

    /// Records when a resource's list last changed (`response.beside`'s
    /// `last_modified`).
    fn touch(&self, tx: &Tx<'_>, r: &Resource) -> Step<()> {
        tx.set_meta(&self.v.name, &format!("modified:{}", r.name), &util::now_unix().to_string())?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn update(
        &self,
        tx: &Tx<'_>,
        req: &Request,
        ep: &Endpoint,
        r: &Resource,
        member: Option<&str>,
        normalized: &Map<String, Value>,
        principal: &str,
    ) -> Step<Response> {
        let row = self.locate(tx, req, ep, r, member, normalized)?;
        self.check_references(tx, req, ep, normalized)?;
        let mut changes = self.build_doc(ep, member, normalized);
        self.apply_write_quirks(ep, member, &mut changes);
        // Values assigned on update are refreshed, except one the endpoint's
        // request declares and this request sets (ManEx Edit's `modifieddate`).
        let keep: Vec<&str> = r
            .assigned
            .iter()
            .map(|a| a.field.as_str())
            .filter(|f| crate::faults::writable(&self.v, ep, f))
            .filter(|f| get_path(&changes, member, f).is_some_and(|v| v.as_str() != Some("")))
            .collect();
        let mut doc = row.doc.clone();
        if !self.faults.has(&Fault::ItemsReplaced(ep.id.clone())) {
            merge_items(&ep.operation.merge_items, member, &doc, &mut changes);
        }
        merge(&mut doc, changes, member);
        self.number_new_items(tx, ep, r, member, &mut doc)?;
        if let Some(c) = &ep.operation.clears_omitted
            && !self.faults.has(&Fault::ClearsOmittedIgnored(ep.id.clone()))
            && let Some(rec) = record_of_mut(&mut doc, member)
        {
            let sent = record_of(&Value::Object(normalized.clone()), member).clone();
            let cleared = match c.alternatives.first() {
                Some(other) if self.readings.other(&readings::clears_omitted(&ep.id)) => other,
                _ => &c.fields,
            };
            for f in cleared {
                if sent.get(f).is_none_or(Value::is_null) {
                    rec.remove(f);
                }
            }
        }
        self.assign(tx, r, &mut doc, principal, OperationKind::Update, &keep)?;
        self.check_unique(tx, req, ep, r, &doc, Some(row.id))?;
        if !self.faults.has(&Fault::UpdateNotStored(ep.id.clone())) {
            tx.replace(row.id, &doc, &self.index.rows(&r.name, &doc))?;
            self.keep_one_primary(tx, r, &doc)?;
            self.touch(tx, r)?;
        }
        let payload = self.record_payload(tx, ep, r, member, &doc)?;
        Ok(self.success(ep, payload))
    }

    /// The records matching the request's criteria: each criterion equals the
    /// record's value, or, with `criteria: qbe`, matches it under Query By
    /// Example notation (see [`crate::qbe`]). A value the record lacks reads
    /// as `""`.
    fn query(
        &self,
        tx: &Tx<'_>,
        req: &Request,
        ep: &Endpoint,
        r: &Resource,
        member: Option<&str>,
        normalized: &Map<String, Value>,
    ) -> Step<Response> {
        enum Test {
            Equals(Value),
            Qbe(qbe::Criterion),
        }
        let doc = self.build_doc(ep, member, normalized);
        let criteria = record_of(&doc, member).as_object().cloned().unwrap_or_default();
        let mut tests = Vec::new();
        for (k, want) in criteria {
            let test = match (ep.operation.criteria, want) {
                (Criteria::Equality, want) => Test::Equals(want),
                (Criteria::Qbe, Value::String(s)) => match qbe::Criterion::parse(&s) {
                    Ok(c) => Test::Qbe(c),
                    Err(why) => {
                        let entry = self.served(Some(ep), Situation::RuleBroken(None));
                        let detail = format!("{k}: {why}.");
                        return Err(Abort::Answer(self.error(entry, 400, &detail, req)));
                    }
                },
                (Criteria::Qbe, other) => Test::Qbe(qbe::Criterion::Eq(util::text(&other))),
            };
            tests.push((k, test));
        }
        // The criteria the index answers narrow the records read; each
        // record read is still tested against every criterion.
        let clauses: Vec<_> = tests
            .iter()
            .filter_map(|(k, test)| match test {
                Test::Equals(want) => self.index.criterion_equals(&r.name, k, want),
                Test::Qbe(c) => self.index.criterion_qbe(&r.name, k, c),
            })
            .collect();
        let empty = Value::String(String::new());
        let mut out = Vec::new();
        for row in tx.select(&self.v.name, &r.name, &clauses)? {
            let rec = record_of(&row.doc, member);
            let hit = tests.iter().all(|(k, test)| {
                let have = rec.get(k).filter(|v| !v.is_null()).unwrap_or(&empty);
                match test {
                    Test::Equals(want) => have == want,
                    Test::Qbe(c) => c.matches(&util::text(have)),
                }
            });
            if hit {
                let mut record = self.record_view(tx, ep, r, member, &row.doc)?;
                self.leave_out_unless_included(ep, normalized, &mut record);
                out.push(record);
            }
        }
        if out.is_empty() && ep.operation.on_empty.is_some() {
            let entry = self.served(Some(ep), Situation::Empty);
            return Err(Abort::Answer(self.error(
                entry,
                404,
                &format!("No {} record matches.", r.name),
                req,
            )));
        }
        let payload = match &ep.response.payload {
            Payload::Wrapped { member: list } => {
                let mut wrapped = Map::new();
                for (name, beside) in &ep.response.beside {
                    if self.faults.has(&Fault::BesideMissing(ep.id.clone(), name.clone())) {
                        continue;
                    }
                    let value = match beside {
                        Beside::Count => Value::from(out.len()),
                        Beside::LastModified => {
                            let at = tx.meta(&self.v.name, &format!("modified:{}", r.name))?;
                            Value::from(at.and_then(|t| t.parse::<i64>().ok()).unwrap_or(0))
                        }
                    };
                    wrapped.insert(name.clone(), value);
                }
                wrapped.insert(list.clone(), Value::Array(out));
                Value::Object(wrapped)
            }
            _ => Value::Array(out),
        };
        Ok(self.success(ep, payload))
    }

    /// Finds the record a request names: by key, else by the first lookup
    /// present (ManEx `CustNumOrName` matches CUSTNO or CUSTNAME).
    fn locate(
        &self,
        tx: &Tx<'_>,
        req: &Request,
        ep: &Endpoint,
        r: &Resource,
        member: Option<&str>,
        normalized: &Map<String, Value>,
    ) -> Step<crate::store::Row> {
        let op = &ep.operation;
        let narrowed = self.faults.has(&crate::faults::Fault::LookupNarrowed(ep.id.clone()));
        let mut found = None;
        let mut asked = String::new();
        let key_values: Option<Vec<&Value>> = if op.key.is_empty() {
            None
        } else {
            op.key.iter().map(|k| normalized.get(k)).collect()
        };
        let partial =
            !op.key.is_empty() && key_values.is_none() && op.key.iter().any(|k| normalized.get(k).is_none() && self.lax_required(ep, k));
        if r.singleton {
            asked = "the one record".into();
            found = tx.first(&self.v.name, &r.name)?;
        } else if let Some(values) = key_values {
            let key = serde_json::to_string(&values).unwrap_or_default();
            asked = format!("key {key}");
            found = tx.get(&self.v.name, &r.name, &key)?;
        } else if partial {
            // A server ignoring a required key field finds a record by the others.
            asked = "a partial key".into();
            let clauses: Vec<_> = op
                .key
                .iter()
                .zip(&r.key)
                .filter_map(|(k, rk)| self.index.equals(&r.name, &[Extract::Path(rk.clone())], normalized.get(k)?))
                .collect();
            found = tx.select(&self.v.name, &r.name, &clauses)?.into_iter().find(|row| {
                op.key
                    .iter()
                    .zip(&r.key)
                    .all(|(k, rk)| normalized.get(k).is_none_or(|want| get_path(&row.doc, member, rk) == Some(want)))
            });
        } else if let Some((lk, value)) = {
            // A lookup names a request field, or a field of the record member.
            let request = Value::Object(normalized.clone());
            let present = |lk: &'_ erpspec_model::ir::Lookup| get_path(&request, member, &lk.field).cloned();
            match narrowed {
                true => op.lookup.iter().rev().find_map(|lk| present(lk).map(|v| (lk, v))),
                false => op.lookup.iter().find_map(|lk| present(lk).map(|v| (lk, v))),
            }
        } {
            let value = &value;
            asked = format!("{} {}", lk.field, util::text(value));
            let matches = if narrowed { &lk.matches[..1] } else { &lk.matches[..] };
            let by: Vec<Extract> = matches.iter().map(|m| Extract::Path(m.clone())).collect();
            found = self
                .candidates(tx, r, self.index.equals(&r.name, &by, value))?
                .into_iter()
                .find(|row| matches.iter().any(|m| get_path(&row.doc, member, m) == Some(value)));
        }
        match found {
            Some(row) => Ok(row),
            None => {
                let entry = self.served(Some(ep), Situation::NotFound);
                let detail = if asked.is_empty() {
                    format!("No {} record was named.", r.name)
                } else {
                    format!("No {} record has {asked}.", r.name)
                };
                Err(Abort::Answer(self.error(entry, 404, &detail, req)))
            }
        }
    }

    // -------------------------------------------------------------- answers

    /// A record as the endpoint returns it: projected on the response's
    /// fields (absent ones get their type's empty value), with included
    /// child records and the endpoint's read quirks.
    fn record_payload(&self, tx: &Tx<'_>, ep: &Endpoint, r: &Resource, member: Option<&str>, doc: &Value) -> Step<Value> {
        if matches!(ep.response.payload, Payload::EmptyObject | Payload::Null) {
            return Ok(self.shape_payload(ep, Value::Null));
        }
        let record = self.record_view(tx, ep, r, member, doc)?;
        Ok(self.shape_payload(ep, record))
    }

    /// A record as the endpoint shows it, before the payload's shape.
    fn record_view(&self, tx: &Tx<'_>, ep: &Endpoint, r: &Resource, member: Option<&str>, doc: &Value) -> Step<Value> {
        let rec = record_of(doc, member);
        let fields = if ep.response.fields.is_empty() {
            self.record_fields.get(&r.name).map(Vec::as_slice).unwrap_or(&[])
        } else {
            &ep.response.fields
        };
        let mut out = if fields.is_empty() {
            rec.clone()
        } else {
            project_object(rec, fields)
        };
        for inc in &r.includes {
            // A response that lists its fields shows only the includes among them.
            if !fields.is_empty() && !fields.iter().any(|f| f.name == inc.member) {
                continue;
            }
            let Some(child) = self.v.resource(&inc.resource) else { continue };
            let child_member = self.members.get(&child.name).map(String::as_str);
            let Some(parent_value) = get_path(doc, member, &inc.on).or_else(|| r.key.first().and_then(|k| get_path(doc, member, k))) else {
                continue;
            };
            let item_ty = fields.iter().find(|f| f.name == inc.member).and_then(|f| match &f.ty {
                Type::Array { items } => Some(items.as_ref()),
                _ => None,
            });
            let mut children: Vec<Value> = Vec::new();
            let of_parent = self.index.equals(&child.name, &[Extract::Path(inc.on.clone())], parent_value);
            for row in self.candidates(tx, child, of_parent)? {
                if get_path(&row.doc, child_member, &inc.on) == Some(parent_value) {
                    // Items show the child's stored shape, or its record
                    // proper where the item type has no member for it.
                    let shown = match (item_ty, child_member) {
                        (Some(Type::Object { fields, .. }), Some(m)) if !fields.iter().any(|f| f.name == m) => {
                            record_of(&row.doc, child_member)
                        }
                        _ => &row.doc,
                    };
                    children.push(match item_ty {
                        Some(t) => project(shown, t, false),
                        None => shown.clone(),
                    });
                }
            }
            if let Value::Object(m) = &mut out {
                match m.get_mut(&inc.member) {
                    Some(Value::Array(list)) => list.extend(children),
                    _ => {
                        m.insert(inc.member.clone(), Value::Array(children));
                    }
                }
            }
        }
        for q in &ep.quirks {
            if let QuirkKind::PadsStrings { unpadded } = &q.kind
                && !self.faults.has(&Fault::QuirkMissing(q.id.clone()))
                && !self.readings.other(&readings::padding(&q.id))
            {
                // Key and server-assigned columns are full width, and the docs
                // show some fields unpadded: no padding there.
                let skip: Vec<&str> = r
                    .key
                    .iter()
                    .chain(r.assigned.iter().map(|a| &a.field))
                    .chain(unpadded)
                    .map(String::as_str)
                    .collect();
                if let Value::Object(m) = &mut out {
                    for (k, v) in m.iter_mut() {
                        if !skip.contains(&k.as_str()) {
                            pad_strings(v);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Puts a record into the shape the endpoint's payload takes.
    fn shape_payload(&self, ep: &Endpoint, record: Value) -> Value {
        match &ep.response.payload {
            Payload::Record | Payload::Records => record,
            Payload::EmptyObject => json!({}),
            Payload::Null => Value::Null,
            Payload::Wrapped { member } => json!({ member: record }),
        }
    }

    fn success(&self, ep: &Endpoint, payload: Value) -> Response {
        let env = &self.v.envelopes.success;
        let mut values: BTreeMap<String, Value> = env.vars.clone().into_iter().collect();
        values.insert(
            "message".into(),
            ep.response.message.clone().map(Value::String).unwrap_or(Value::Null),
        );
        let status = env.status.unwrap_or(200);
        values.insert("code".into(), Value::from(status));
        values.insert("any".into(), Value::Null);
        // The template's fill, with the payload moved into its slot rather
        // than copied (a record is most of the answer).
        let mut body = env.body.fill(&values);
        let mut places = Vec::new();
        slot_places(&env.body, &mut body, "payload", &mut places);
        let payload = with_payload_members(&env.payload_members, ep, payload);
        if let Some((last, others)) = places.split_last_mut() {
            for place in others {
                **place = payload.clone();
            }
            **last = payload;
        }
        for p in self.faults.envelope_drops(true) {
            erpspec_model::template::remove_pointer(&mut body, p);
        }
        if self.readings.other(readings::SCALARS_AS_TEXT) {
            readings::write_scalars_as_text(&self.v, &mut body);
        }
        Response { status, body }
    }

    /// The entry answering a situation (see [`answers::served_entry`]).
    /// Where the docs give several answers, the reading picks the first or
    /// the last.
    fn served(&self, ep: Option<&Endpoint>, s: Situation<'_>) -> Option<&ErrorEntry> {
        let documented = answers::documented_entries(&self.v, ep, &s);
        // A switch breaking one of the answers is served wherever that
        // answer is documented, whichever the reading would pick.
        if let Some(broken) = documented.iter().find(|e| self.faults.breaks_entry(&e.id)) {
            return Some(broken);
        }
        if documented.len() > 1 && self.readings.other(&readings::answers(&self.v, ep, &s)) {
            return documented.last().copied();
        }
        answers::served_entry(&self.v, ep, &s)
    }

    /// Renders an error answer. Without a catalogue entry (the vendor
    /// documents nothing for the case) the error envelope carries `detail`
    /// with `fallback_status`.
    fn error(&self, entry: Option<&ErrorEntry>, fallback_status: u16, detail: &str, req: &Request) -> Response {
        let env = &self.v.envelopes.error;
        let mut values: BTreeMap<String, Value> = env.vars.clone().into_iter().collect();
        let (status, message, code, template) = match entry {
            Some(e) => {
                // The unknown-route answer quotes the request URI.
                let detail = if self.v.transport.on_unknown_route.contains(&e.id) {
                    format!("'{}'.", req.uri())
                } else {
                    detail.to_string()
                };
                let mut message = answers::compose(&e.message, &detail);
                if self.faults.has(&Fault::WrongMessage(e.id.clone())) {
                    message = format!("Altered: {message}");
                }
                let mut status = answers::served_status(&self.v, e);
                if answers::documented_status(&self.v, e).is_none() && status == 200 && self.readings.other(readings::STATUS) {
                    status = 400;
                }
                if self.faults.has(&Fault::WrongStatus(e.id.clone())) {
                    status = 200;
                }
                let mut code = e.code.clone().unwrap_or(Value::from(status));
                if self.faults.has(&Fault::WrongCode(e.id.clone())) {
                    code = match code.as_i64() {
                        Some(n) => Value::from(n + 1),
                        None => Value::String(format!("{}-altered", util::text(&code))),
                    };
                }
                for (k, v) in &e.vars {
                    values.insert(k.clone(), v.clone());
                }
                // `{{any}}` is a member whose value the docs leave open.
                values.insert("any".into(), Value::String(String::new()));
                (status, message, code, answers::error_template(&self.v, e))
            }
            None => {
                values.insert("any".into(), Value::String(String::new()));
                (fallback_status, detail.to_string(), Value::from(fallback_status), &env.body)
            }
        };
        values.insert("message".into(), Value::String(message));
        values.insert("code".into(), code);
        values.insert("payload".into(), Value::Null);
        let mut body = template.fill(&values);
        for p in self.faults.envelope_drops(false) {
            erpspec_model::template::remove_pointer(&mut body, p);
        }
        if self.readings.other(readings::SCALARS_AS_TEXT) {
            readings::write_scalars_as_text(&self.v, &mut body);
        }
        Response { status, body }
    }
}

/// The record field a request field of an endpoint stores under: the
/// operation's `stores`, else the record field of the same name under the
/// dialect's name matching (`Custname` -> `CUSTNAME`), else its own name.
fn record_name(v: &Vendor, record_fields: &BTreeMap<String, Vec<Field>>, ep: &Endpoint, k: &str) -> String {
    if let Some(to) = ep.operation.stores.get(k) {
        return to.clone();
    }
    ep.operation
        .resource
        .as_ref()
        .and_then(|r| record_fields.get(r))
        .and_then(|fs| fs.iter().find(|f| v.transport.names.matches(&f.name, k)))
        .map(|f| f.name.clone())
        .unwrap_or_else(|| k.to_string())
}

/// A record payload with the members the success envelope's samples show
/// before its fields (`"$id": "2"`); other payloads as they are.
fn with_payload_members(members: &Map<String, Value>, ep: &Endpoint, payload: Value) -> Value {
    match (ep.response.payload == Payload::Record, payload) {
        (true, Value::Object(record)) if !members.is_empty() => {
            let mut out = members.clone();
            out.extend(record);
            Value::Object(out)
        }
        (_, payload) => payload,
    }
}

/// The values of a template's fill where the template has slot `name`.
fn slot_places<'v>(t: &erpspec_model::template::Template, v: &'v mut Value, name: &str, out: &mut Vec<&'v mut Value>) {
    use erpspec_model::template::Template;
    match (t, v) {
        (Template::Slot(n), v) if n == name => out.push(v),
        (Template::Array(items), Value::Array(values)) => {
            for (t, v) in items.iter().zip(values.iter_mut()) {
                slot_places(t, v, name, out);
            }
        }
        (Template::Object(members), Value::Object(values)) => {
            for (k, v) in values.iter_mut() {
                if let Some((_, t)) = members.iter().find(|(m, _)| m == k) {
                    slot_places(t, v, name, out);
                }
            }
        }
        _ => {}
    }
}

/// The URI as the ASP.NET "No HTTP resource" message quotes it.
fn uri_detail(req: &Request) -> String {
    format!("'{}'.", req.uri())
}

/// Shallow merge of an update into a stored document (inside the record
/// member, where there is one).
fn merge(doc: &mut Value, changes: Value, member: Option<&str>) {
    let (Value::Object(d), Value::Object(c)) = (doc, changes) else {
        return;
    };
    for (k, v) in c {
        match (member, d.get_mut(&k), v) {
            (Some(m), Some(Value::Object(old)), Value::Object(new)) if m == k => {
                for (k2, v2) in new {
                    old.insert(k2, v2);
                }
            }
            (_, _, v) => {
                d.insert(k, v);
            }
        }
    }
}

fn collect_refs<'f>(fields: &'f [Field], value: &Value, prefix: &str, out: &mut Vec<(String, &'f Field, Value)>) {
    for f in fields {
        let path = if prefix.is_empty() {
            f.name.clone()
        } else {
            format!("{prefix}.{}", f.name)
        };
        let Some(v) = value.get(&f.name).filter(|v| !v.is_null()) else {
            continue;
        };
        if f.refers_to.is_some() {
            out.push((path.clone(), f, v.clone()));
        }
        if let Type::Object { fields, .. } = &f.ty {
            collect_refs(fields, v, &path, out);
        }
    }
}

/// `operation.merge_items`: each list item an update sends edits the stored
/// item found by the first of the `by` members it carries, or is added;
/// stored items it does not send are kept.
fn merge_items(lists: &BTreeMap<String, Vec<String>>, member: Option<&str>, stored: &Value, changes: &mut Value) {
    for (list, by) in lists {
        let Some(sent) = record_of_mut(changes, member)
            .and_then(|rec| rec.get_mut(list))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        let mut merged: Vec<Value> = record_of(stored, member)
            .get(list)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for item in sent.drain(..) {
            let found = by
                .iter()
                .filter_map(|b| item.get(b).filter(|v| !v.is_null()).map(|v| (b, v)))
                .find_map(|(b, v)| merged.iter().position(|m| m.get(b) == Some(v)));
            match (found, item) {
                (Some(i), Value::Object(fields)) => {
                    if let Value::Object(m) = &mut merged[i] {
                        m.extend(fields);
                    }
                }
                (_, item) => merged.push(item),
            }
        }
        *sent = merged;
    }
}

/// `response.include_if`: a member the request's flag leaves out (RPM
/// `IncludeLocations: false`); an absent flag includes it.
fn leave_out_unless_included(ep: &Endpoint, normalized: &Map<String, Value>, record: &mut Value, faults: &Faults) {
    for (member, flag) in &ep.response.include_if {
        if faults.has(&Fault::IncludeIfIgnored(ep.id.clone(), member.clone())) {
            continue;
        }
        let record_member = ep.operation.record_member.as_deref();
        let request = Value::Object(normalized.clone());
        if get_path(&request, record_member, flag) == Some(&Value::Bool(false))
            && let Value::Object(m) = record
        {
            m.remove(member);
        }
    }
}

/// The fields of the items of a list member of an endpoint's record.
fn list_item_fields<'e>(ep: &'e Endpoint, member: Option<&str>, list: &str) -> &'e [Field] {
    let fields: &[Field] = match member.and_then(|m| ep.field(m)).map(|f| &f.ty) {
        Some(Type::Object { fields, .. }) => fields,
        _ => &ep.request,
    };
    match fields.iter().find(|f| f.name == list).map(|f| &f.ty) {
        Some(Type::Array { items }) => match items.as_ref() {
            Type::Object { fields, .. } => fields,
            _ => &[],
        },
        _ => &[],
    }
}

/// A value projected on a declared type: objects keep exactly the declared
/// fields (absent ones get their type's empty value), arrays project each item.
fn project(v: &Value, ty: &Type, nullable: bool) -> Value {
    match (ty, v) {
        (_, Value::Null) => default_for(ty, nullable),
        (Type::Object { fields, .. }, Value::Object(_)) => project_object(v, fields),
        (Type::Array { items }, Value::Array(list)) => Value::Array(list.iter().map(|i| project(i, items, false)).collect()),
        // A value stored as text ("true", "100") is answered in the type the
        // response documents, where it reads as one; one that does not (free
        // text written to a boolean column: the docs do not say) is answered
        // as the type's empty value, so every answer has its documented types.
        (Type::Scalar { scalar }, _) => erpspec_rules::coerce_scalar(*scalar, v, true).unwrap_or_else(|_| default_for(ty, nullable)),
        _ => v.clone(),
    }
}

fn project_object(v: &Value, fields: &[Field]) -> Value {
    let mut out = Map::new();
    for f in fields {
        let value = match v.get(f.from.as_deref().unwrap_or(&f.name)) {
            Some(x) => project(x, &f.ty, f.nullable),
            None => default_for(&f.ty, f.nullable),
        };
        out.insert(f.name.clone(), value);
    }
    Value::Object(out)
}

/// The empty value of a type: what a record shows for a field never written.
fn default_for(ty: &Type, nullable: bool) -> Value {
    if nullable {
        return Value::Null;
    }
    match ty {
        Type::Scalar {
            scalar: ScalarType::String,
        } => Value::String(String::new()),
        Type::Scalar {
            scalar: ScalarType::Integer | ScalarType::Number,
        } => Value::from(0),
        Type::Scalar {
            scalar: ScalarType::Boolean,
        } => Value::Bool(false),
        Type::Array { .. } => Value::Array(Vec::new()),
        Type::Object { fields, .. } => project_object(&Value::Null, fields),
    }
}

/// Right-pads every string with a space, as CHAR columns come back.
fn pad_strings(v: &mut Value) {
    match v {
        Value::String(s) => s.push(' '),
        Value::Array(items) => items.iter_mut().for_each(pad_strings),
        Value::Object(m) => m.values_mut().for_each(pad_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_fills_absent_fields_with_empty_values() {
        let fields: Vec<Field> = serde_json::from_value(json!([
            {"name": "A", "description": null, "type": {"kind": "scalar", "scalar": "string"}, "required": false, "nullable": false, "rules": [], "refers_to": null, "run": null, "sources": []},
            {"name": "N", "description": null, "type": {"kind": "scalar", "scalar": "number"}, "required": false, "nullable": false, "rules": [], "refers_to": null, "run": null, "sources": []},
            {"name": "D", "description": null, "type": {"kind": "scalar", "scalar": "string"}, "required": false, "nullable": true, "rules": [], "refers_to": null, "run": null, "sources": []}
        ]))
        .unwrap();
        assert_eq!(
            project_object(&json!({"A": "x", "Z": 1}), &fields),
            json!({"A": "x", "N": 0, "D": null})
        );
    }
}
