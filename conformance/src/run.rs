//! The runner: log in, create the records the checks need, derive the
//! checks, run them on a few keep-alive connections, and collect outcomes.

use crate::oracle::{self, Expect, Finding};
use crate::plan::{Call, Check, Family, Planner, Step, set_path};
use crate::target::{Presenting, Target};
use crate::transport::{Connection, Limits, Problem, Reply, WireRequest};
use erpspec_model::ir::Endpoint;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    /// Generated cases per endpoint (the proptest layer).
    pub cases: u32,
    pub concurrency: usize,
    pub limits: Limits,
    /// The whole run's time limit.
    pub run_timeout: Duration,
    /// Check ids the target accepts as known deviations.
    pub expect_failure: Vec<String>,
    /// Makes the values that must be unique (new keys and names) unique to
    /// this run, so a repeated run (even with the same seed) never collides
    /// with an earlier one's records. `None`: from the clock.
    pub run_nonce: Option<u64>,
    /// Seeds whose generated cases failed in earlier runs: run again.
    pub regression_seeds: Vec<u64>,
    /// Implied expectations (the schemas' inferences where the pages are
    /// silent) fail rather than warn.
    pub strict: bool,
    /// Only checks whose id starts with one of these (all when empty).
    pub only: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            cases: 8,
            concurrency: 4,
            limits: Limits::default(),
            run_timeout: Duration::from_secs(600),
            expect_failure: Vec::new(),
            run_nonce: None,
            regression_seeds: Vec::new(),
            only: Vec::new(),
            strict: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Failed,
    Warned,
    /// Failed, and listed with `--expect-failure`.
    ExpectedFailure,
    Skipped,
}

/// One request of a check and what came back.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Exchange {
    pub request: WireRequest,
    pub reply: Result<Reply, Problem>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Outcome {
    pub check: Check,
    pub verdict: Verdict,
    /// Why the answer is wrong (or why the check was skipped).
    pub reason: Option<String>,
    /// Where the docs give several readings: the server took another than
    /// the schema's first (a passed check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Every request sent, with its answer; the last is the one judged wrong.
    pub exchanges: Vec<Exchange>,
    pub millis: u64,
}

/// After this many checks in a row without an answer the rest are skipped:
/// a server that stopped answering is reported, not waited on for every check.
pub const GIVE_UP_AFTER: usize = 8;

/// Why a run could not start.
#[derive(Debug)]
pub enum SetupError {
    Unreachable(String),
    Credentials(String),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Unreachable(e) => write!(f, "the server is unreachable: {e}"),
            SetupError::Credentials(e) => write!(f, "the credentials look wrong: {e}"),
        }
    }
}

pub struct Run {
    pub outcomes: Vec<Outcome>,
    /// Records setup could not create (checks needing them fail).
    pub setup_notes: Vec<String>,
    pub requests: usize,
    pub elapsed: Duration,
}

/// Progress callbacks for the report's progress line.
pub trait Progress: Sync {
    fn start(&self, total: usize);
    fn done(&self, outcome: &Outcome);
}

/// No progress output (embedded runs, tests).
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn done(&self, _: &Outcome) {}
}

/// Executes checks one step after another, on one connection.
pub struct Executor<'a> {
    pub target: &'a Target,
    pub conn: Connection,
    pub requests: usize,
    /// Records the checks created (resource, record), for the cleanup.
    pub created: Vec<(String, Value)>,
    /// Implied expectations fail rather than warn (`Options::strict`).
    pub strict: bool,
}

/// What running one check found.
pub struct Ran {
    pub verdict: Verdict,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub exchanges: Vec<Exchange>,
}

impl<'a> Executor<'a> {
    pub fn new(target: &'a Target, conn: Connection) -> Executor<'a> {
        Executor {
            target,
            conn,
            requests: 0,
            created: Vec::new(),
            strict: false,
        }
    }
}

impl Executor<'_> {
    fn endpoint(&self, id: &str) -> Option<&Endpoint> {
        self.target.vendor.endpoint(id)
    }

    fn wire(&self, call: &Call) -> Option<WireRequest> {
        let t = self.target;
        Some(match call {
            Call::Json {
                endpoint,
                method,
                body,
                presenting,
            } => t.request(self.endpoint(endpoint)?, method, body, *presenting),
            Call::Query { endpoint, params } => t.query_request(self.endpoint(endpoint)?, &crate::plan::query_string(params)),
            Call::Raw {
                endpoint,
                route,
                method,
                content_type,
                body,
            } => {
                let ep = endpoint.as_deref().and_then(|e| self.endpoint(e)).or(t.vendor.endpoints.first())?;
                let mut req = t.raw(ep, method, content_type, body.as_bytes());
                if let Some(r) = route {
                    let real = t.path(&ep.route, None);
                    let fake = t.path(r, None);
                    req.target = req.target.replacen(&real, &fake, 1);
                }
                req
            }
        })
    }

    /// Sends one request.
    pub fn send(&mut self, req: &WireRequest) -> Result<Reply, Problem> {
        self.requests += 1;
        self.conn.send(req)
    }

    /// Runs a check's steps; returns the verdict, the reason and the exchanges.
    pub fn run_check(&mut self, check: &Check) -> Ran {
        let v = &self.target.vendor;
        let mut exchanges = Vec::new();
        let mut records: Vec<Option<Value>> = Vec::new();
        let mut note = None;
        let skipped = |why: String, exchanges| Ran {
            verdict: Verdict::Skipped,
            reason: Some(why),
            note: None,
            exchanges,
        };
        for step in &check.steps {
            let mut call = step.call.clone();
            if let Err(why) = apply_fills(self.target, step, &records, &mut call) {
                return skipped(why, exchanges);
            }
            let Some(req) = self.wire(&call) else {
                return skipped("the check names an endpoint the schemas lack".into(), exchanges);
            };
            let reply = self.send(&req);
            let ep_id = match &call {
                Call::Json { endpoint, .. } | Call::Query { endpoint, .. } => Some(endpoint.clone()),
                Call::Raw { endpoint, route, .. } => endpoint.clone().filter(|_| route.is_none()),
            };
            let ep = ep_id.as_deref().and_then(|e| v.endpoint(e));
            let finding = match &reply {
                Err(p) => Finding::Wrong(format!("no answer: {p}")),
                Ok(r) => oracle::judge(v, ep, &step.expect, r),
            };
            exchanges.push(Exchange { request: req, reply });
            let wrong = match finding {
                Finding::Wrong(why) => Some(why),
                Finding::Pass { payload, note: reading } => {
                    note = note.or(reading);
                    let record = match (&payload, ep) {
                        (Some(p), Some(ep)) => locate(self.target, step, &records, ep, p),
                        _ => None,
                    };
                    let mut why = None;
                    if let Expect::Success { asserts } | Expect::Readings { asserts, .. } = &step.expect
                        && !asserts.is_empty()
                        && payload.is_some()
                    {
                        // Assertions are written in the writing endpoint's shape.
                        let member = check_member(self.target, check);
                        why = match &record {
                            None => Some("the record written is not in the answer read back".to_string()),
                            Some(r) => oracle::check_asserts(v, r, member, asserts),
                        };
                    }
                    if let (Some(ep), Some(r)) = (ep, &record)
                        && ep.operation.kind == erpspec_model::ir::OperationKind::Create
                        && let Some(res) = &ep.operation.resource
                    {
                        self.created.push((res.clone(), r.clone()));
                    }
                    // A record the check deleted needs no cleanup.
                    if let (Some(ep), Call::Json { body, .. } | Call::Query { params: body, .. }) = (ep, &call)
                        && ep.operation.kind == erpspec_model::ir::OperationKind::Delete
                    {
                        self.created.retain(|(res, rec)| {
                            Some(res) != ep.operation.resource.as_ref()
                                || !ep.operation.key.iter().all(|k| {
                                    let want = oracle::get_path(v, body, std::slice::from_ref(k));
                                    want.is_some() && oracle::get_path(v, rec, std::slice::from_ref(k)) == want
                                })
                        });
                    }
                    records.push(record);
                    why
                }
            };
            if let Some(why) = wrong {
                // A step that only prepares the check (a record it needs, made
                // in a way the docs do not promise) makes it inconclusive.
                if step.precondition {
                    return skipped(format!("a precondition was not met: {why}"), exchanges);
                }
                let verdict = if crate::plan::fails(check.strength, self.strict) {
                    Verdict::Failed
                } else {
                    Verdict::Warned
                };
                return Ran {
                    verdict,
                    reason: Some(why),
                    note: None,
                    exchanges,
                };
            }
        }
        Ran {
            verdict: Verdict::Passed,
            reason: None,
            note,
            exchanges,
        }
    }
}

/// Shrinks a failing generated check to a minimal request: leaves out each
/// optional member in turn, keeping every removal after which it still fails
/// and still breaks exactly what it broke (a removal that breaks another
/// rule, or mends the one broken, would change what the check proves).
fn shrink(exec: &mut Executor<'_>, check: &mut Check, verdict: Verdict, reason: &mut Option<String>, exchanges: &mut Vec<Exchange>) {
    let v = &exec.target.vendor;
    let names = v.transport.names;
    let broken = |c: &Check| -> Option<Vec<String>> {
        let Some(Call::Json { endpoint, body, .. }) = c.steps.last().map(|s| &s.call) else {
            return None;
        };
        let ep = v.endpoint(endpoint)?;
        let report = erpspec_model::validate::validate_request(v, ep, &crate::plan::with_body_credentials(v, body));
        Some(report.violations.into_iter().map(|x| format!("{}{}", x.rule, x.path)).collect())
    };
    let before = broken(check);
    for path in std::mem::take(&mut check.removable) {
        let mut smaller = check.clone();
        if let Some(Call::Json { body, .. }) = smaller.steps.last_mut().map(|s| &mut s.call) {
            crate::plan::remove_path(body, &path, names);
        }
        if broken(&smaller) != before {
            check.removable.push(path);
            continue;
        }
        let ran = exec.run_check(&smaller);
        if ran.verdict == verdict {
            *check = smaller;
            *reason = ran.reason;
            *exchanges = ran.exchanges;
        } else {
            check.removable.push(path);
        }
    }
    check.what = format!("{} (shrunk to a minimal request)", check.what);
}

/// The record member of the check's first (writing) endpoint.
fn check_member<'a>(t: &'a Target, check: &Check) -> Option<&'a str> {
    let first = check.steps.first()?;
    match &first.call {
        Call::Json { endpoint, .. } => t.vendor.endpoint(endpoint)?.operation.record_member.as_deref(),
        _ => None,
    }
}

fn apply_fills(t: &Target, step: &Step, records: &[Option<Value>], call: &mut Call) -> Result<(), String> {
    if step.fills.is_empty() {
        return Ok(());
    }
    let (Call::Json { body, .. } | Call::Query { params: body, .. }) = call else {
        return Ok(());
    };
    for f in &step.fills {
        let record = records
            .get(f.from_step)
            .and_then(|r| r.as_ref())
            .ok_or_else(|| format!("step {} returned no record to continue from", f.from_step + 1))?;
        // The path as written, its last segment, or the path inside the
        // record's one wrapping member (`{"Contact": {"ContactID": 3}}`).
        let wrapped = || match record.as_object() {
            Some(m) if m.len() == 1 => m
                .values()
                .next()
                .and_then(|inner| oracle::get_path(&t.vendor, inner, &f.record_path)),
            _ => None,
        };
        let value = oracle::get_path(&t.vendor, record, &f.record_path)
            .or_else(|| oracle::get_path(&t.vendor, record, &f.record_path[f.record_path.len().saturating_sub(1)..]))
            .or_else(wrapped)
            .ok_or_else(|| format!("the record step {} returned has no {}", f.from_step + 1, f.record_path.join(".")))?;
        // A padded key reads back with spaces the lookup must not carry.
        let value = match value {
            Value::String(s) => Value::String(s.trim_end().to_string()),
            other => other.clone(),
        };
        set_path(body, &f.into, value, t.vendor.transport.names);
    }
    Ok(())
}

/// The record a step returned: the payload's record, or the item of a list
/// member whose key matches an earlier record's.
fn locate(t: &Target, step: &Step, records: &[Option<Value>], ep: &Endpoint, payload: &Value) -> Option<Value> {
    let record = oracle::record_of(ep, payload)?;
    let Some(l) = &step.locate else { return Some(record) };
    let want = records.get(l.from_step)?.as_ref()?;
    let want_key = oracle::get_path(&t.vendor, want, &l.key)?;
    let items = oracle::get_path(&t.vendor, &record, std::slice::from_ref(&l.member))?.as_array()?;
    // An item shows the child's record member, or the record proper (a
    // location inside a customer has no `Location` wrapper).
    let same = |item: &Value, key: &[String]| {
        oracle::get_path(&t.vendor, item, key).is_some_and(|k| erpspec_model::template::same_json(k, want_key))
    };
    items
        .iter()
        .find(|item| same(item, &l.key) || same(item, &l.key[1.min(l.key.len())..]))
        .cloned()
}

/// Logs in, where the vendor issues tokens.
fn login(conn: &mut Connection, target: &mut Target) -> Result<usize, SetupError> {
    let Some((ep, body)) = target.login() else { return Ok(0) };
    let ep = ep.clone();
    let req = target.request(&ep, &crate::plan::method_for(&target.vendor), &body, Presenting::Valid);
    let reply = conn.send(&req).map_err(|p| match p {
        Problem::Connect(e) => SetupError::Unreachable(e),
        other => SetupError::Unreachable(other.to_string()),
    })?;
    let field = target
        .vendor
        .auth
        .token
        .as_ref()
        .map(|t| t.response_field.clone())
        .unwrap_or_default();
    let json: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    match oracle::success_payload(&target.vendor, &ep, reply.status, &json) {
        Ok(payload) => match oracle::get_path(&target.vendor, &payload, std::slice::from_ref(&field)).and_then(Value::as_str) {
            Some(token) if !token.is_empty() => {
                target.token = Some(token.to_string());
                Ok(1)
            }
            _ => Err(SetupError::Credentials(format!("{} answered without a `{field}`", ep.id))),
        },
        Err(why) => Err(SetupError::Credentials(format!("logging in through {} failed: {why}", ep.id))),
    }
}

/// Creates one record of each resource the harness can create (and notes
/// fixtures for the rest), so checks can name records that exist.
fn setup_subjects(exec: &mut Executor<'_>, planner: &mut Planner<'_>) -> Result<Vec<String>, SetupError> {
    let v = &planner.t.vendor;
    let mut notes = Vec::new();
    for r in &v.resources {
        if planner.creator(&r.name).is_none()
            && let [k] = r.key.as_slice()
            && let Some(value) = planner.t.fixtures.get(k)
        {
            planner.subjects.insert(r.name.clone(), serde_json::json!({ k.clone(): value }));
        }
    }
    for ep in planner.setup_order() {
        let Some(res) = ep.operation.resource.clone() else { continue };
        let built = planner.base(ep);
        let req = planner.t.request(ep, &crate::plan::method_for(v), &built.body, Presenting::Valid);
        match exec.send(&req) {
            Err(Problem::Connect(e)) => return Err(SetupError::Unreachable(e)),
            Err(p) => notes.push(format!("setup: {} sent no answer: {p}", ep.id)),
            Ok(reply) => {
                let json: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                match oracle::success_payload(v, ep, reply.status, &json) {
                    Ok(payload) => {
                        if let Some(rec) = oracle::record_of(ep, &payload) {
                            // Children the create made from its lists (a
                            // customer's default location) are subjects too.
                            for inc in v.resource(&res).map(|r| r.includes.as_slice()).unwrap_or_default() {
                                if let Some(first) = oracle::get_path(v, &rec, &[inc.member.clone(), "0".into()]) {
                                    planner.subjects.entry(inc.resource.clone()).or_insert_with(|| first.clone());
                                }
                            }
                            planner.subjects.entry(res).or_insert(rec);
                        }
                    }
                    Err(why) => {
                        if is_auth_refusal(v, &json) {
                            return Err(SetupError::Credentials(format!("{} was refused: {why}", ep.id)));
                        }
                        notes.push(format!("setup: {} could not create a {res} record: {why}", ep.id));
                    }
                }
            }
        }
    }
    Ok(notes)
}

/// Does this body carry the refusal for missing or wrong credentials?
pub fn is_auth_refusal(v: &erpspec_model::ir::Vendor, body: &Value) -> bool {
    oracle::refusal_entry(v, body).is_some_and(|e| v.auth.on_rejected.contains(&e.id) || v.auth.on_malformed.contains(&e.id))
}

/// Runs the whole suite against a target.
pub fn run(target: &mut Target, opts: &Options, progress: &dyn Progress) -> Result<Run, SetupError> {
    let started = Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| SetupError::Unreachable(format!("cannot start a runtime: {e}")))?;
    let mut conn = Connection::new(rt.handle().clone(), target.base.clone(), opts.limits);
    let mut requests = login(&mut conn, target)?;
    let target: &Target = target;
    let nonce = opts.run_nonce.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or(1)
    });
    let mut planner = Planner::new(target, nonce);
    let mut exec = Executor::new(target, conn);
    let mut setup_notes = setup_subjects(&mut exec, &mut planner)?;
    let mut checks = planner.checks();
    checks.extend(crate::generated::checks(&mut planner, opts.cases, opts.seed, ""));
    // Seeds whose generated cases failed before are run again (kept regressions).
    for &s in opts.regression_seeds.iter().filter(|s| **s != opts.seed) {
        checks.extend(crate::generated::checks(&mut planner, opts.cases, s, &format!("@seed{s}")));
    }
    if !opts.only.is_empty() {
        checks.retain(|c| opts.only.iter().any(|p| c.id.starts_with(p.as_str())));
    }
    requests += exec.requests;
    exec.requests = 0;
    progress.start(checks.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());
    let sent = AtomicUsize::new(requests);
    let deadline = started + opts.run_timeout;
    let silent = AtomicUsize::new(0);
    let created: Mutex<Vec<(String, Value)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..opts.concurrency.max(1) {
            let handle = rt.handle().clone();
            let (checks, next, results, sent, limits, silent, created) = (&checks, &next, &results, &sent, opts.limits, &silent, &created);
            scope.spawn(move || {
                let mut exec = Executor::new(target, Connection::new(handle, target.base.clone(), limits));
                exec.strict = opts.strict;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(check) = checks.get(i) else { break };
                    let t0 = Instant::now();
                    let skip = |why: String| Ran {
                        verdict: Verdict::Skipped,
                        reason: Some(why),
                        note: None,
                        exchanges: Vec::new(),
                    };
                    let ran = if Instant::now() > deadline {
                        skip("the run's time limit was reached".to_string())
                    } else if silent.load(Ordering::Relaxed) >= GIVE_UP_AFTER {
                        skip(format!(
                            "the server stopped answering ({GIVE_UP_AFTER} checks in a row got no answer)"
                        ))
                    } else {
                        exec.run_check(check)
                    };
                    let Ran {
                        mut verdict,
                        mut reason,
                        note,
                        mut exchanges,
                    } = ran;
                    let unanswered = exchanges.last().is_some_and(|e| e.reply.is_err());
                    if unanswered {
                        silent.fetch_add(1, Ordering::Relaxed);
                    } else if !exchanges.is_empty() {
                        silent.store(0, Ordering::Relaxed);
                    }
                    let mut check = check.clone();
                    if matches!(verdict, Verdict::Failed | Verdict::Warned) && !check.removable.is_empty() {
                        shrink(&mut exec, &mut check, verdict, &mut reason, &mut exchanges);
                    }
                    let check = &check;
                    if verdict == Verdict::Failed && opts.expect_failure.contains(&check.id) {
                        verdict = Verdict::ExpectedFailure;
                    }
                    let outcome = Outcome {
                        check: check.clone(),
                        verdict,
                        reason,
                        note,
                        exchanges,
                        millis: t0.elapsed().as_millis() as u64,
                    };
                    progress.done(&outcome);
                    results.lock().unwrap_or_else(|p| p.into_inner()).push((i, outcome));
                }
                sent.fetch_add(exec.requests, Ordering::Relaxed);
                created.lock().unwrap_or_else(|p| p.into_inner()).append(&mut exec.created);
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_by_key(|(i, _)| *i);
    let mut created = created.into_inner().unwrap_or_else(|p| p.into_inner());
    // Subjects the run created (not those named by fixtures).
    created.extend(
        planner
            .subjects
            .iter()
            .filter(|(r, _)| planner.creator(r).is_some())
            .map(|(r, rec)| (r.clone(), rec.clone())),
    );
    if let Some(note) = cleanup(&mut exec, &mut planner, created) {
        setup_notes.push(note);
    }
    let cleanup_requests = exec.requests;
    drop(rt);
    Ok(Run {
        outcomes: results.into_iter().map(|(_, o)| o).collect(),
        setup_notes,
        requests: sent.load(Ordering::Relaxed) + cleanup_requests,
        elapsed: started.elapsed(),
    })
}

/// Deletes the records the run created, where the API has a delete for
/// them; says what it did and what it had to leave.
fn cleanup(exec: &mut Executor<'_>, planner: &mut Planner<'_>, created: Vec<(String, Value)>) -> Option<String> {
    let v = &exec.target.vendor;
    let names = v.transport.names;
    let mut deleted = 0;
    let mut undeletable: std::collections::BTreeMap<String, usize> = Default::default();
    let mut refused: std::collections::BTreeMap<String, usize> = Default::default();
    let mut seen = std::collections::BTreeSet::new();
    for (res, record) in created {
        if !seen.insert((res.clone(), record.to_string())) {
            continue;
        }
        let del = v
            .endpoints
            .iter()
            .find(|e| e.operation.kind == erpspec_model::ir::OperationKind::Delete && e.operation.resource.as_deref() == Some(&res));
        let Some(del) = del else {
            *undeletable.entry(res).or_default() += 1;
            continue;
        };
        let built = planner.base(del);
        let mut body = built.body;
        let mut named = !built.identity.is_empty();
        for (into, record_path) in &built.identity {
            match oracle::get_path(v, &record, record_path) {
                Some(x) => set_path(&mut body, into, x.clone(), names),
                None => named = false,
            }
        }
        let req = exec.target.request(del, &crate::plan::method_for(v), &body, Presenting::Valid);
        let ok = named
            && exec.send(&req).is_ok_and(|r| {
                let json: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                oracle::success_payload(v, del, r.status, &json).is_ok()
            });
        if ok {
            deleted += 1;
        } else {
            *refused.entry(res).or_default() += 1;
        }
    }
    if deleted == 0 && undeletable.is_empty() && refused.is_empty() {
        return None;
    }
    let list = |m: &std::collections::BTreeMap<String, usize>| m.iter().map(|(r, n)| format!("{n} {r}")).collect::<Vec<_>>().join(", ");
    let mut note = format!("cleanup: deleted {deleted} records the run created");
    if !undeletable.is_empty() {
        note.push_str(&format!("; left {} (the docs give no delete for them)", list(&undeletable)));
    }
    if !refused.is_empty() {
        note.push_str(&format!("; {} could not be deleted", list(&refused)));
    }
    Some(note)
}

/// Whether most failures are refusals of the credentials (then the report
/// says so instead of listing every check).
pub fn credentials_look_wrong(target: &Target, outcomes: &[Outcome]) -> bool {
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Failed && o.check.family != Family::Auth)
        .collect();
    let auth = failed
        .iter()
        .filter(|o| {
            o.exchanges.last().and_then(|e| e.reply.as_ref().ok()).is_some_and(|r| {
                let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                is_auth_refusal(&target.vendor, &body)
            })
        })
        .count();
    auth >= 3 && auth * 2 >= failed.len()
}

/// Re-runs one saved check (logging in again with the given credentials).
/// Re-runs one saved check; `strict` as in [`Options::strict`].
pub fn replay(target: &mut Target, check: &Check, limits: Limits, strict: bool) -> Result<Outcome, SetupError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| SetupError::Unreachable(format!("cannot start a runtime: {e}")))?;
    let mut conn = Connection::new(rt.handle().clone(), target.base.clone(), limits);
    login(&mut conn, target)?;
    let mut exec = Executor::new(target, conn);
    exec.strict = strict;
    let t0 = Instant::now();
    let ran = exec.run_check(check);
    Ok(Outcome {
        check: check.clone(),
        verdict: ran.verdict,
        reason: ran.reason,
        note: ran.note,
        exchanges: ran.exchanges,
        millis: t0.elapsed().as_millis() as u64,
    })
}
