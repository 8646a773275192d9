//! The executor: runs a check's steps one after another on one connection,
//! each step's members filled from earlier steps' records and the subjects,
//! each answer judged by the oracle before the next step is sent.

use super::{Exchange, Subjects, Verdict};
use crate::oracle::{self, Finding};
use crate::plan::{Assert, Call, Check, Expect, Fill, Slot, Source, Step};
use crate::target::{Presenting, Target};
use crate::transport::{Connection, Problem, Reply, WireRequest};
use crate::values::{get_path, record_of, remove_path, set_path};
use erpspec_model::ir::{Endpoint, OperationKind, Vendor};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Executes checks one step after another, on one connection.
pub struct Executor<'a> {
    pub target: &'a Target,
    /// The records setup made, which steps name.
    pub subjects: &'a Subjects,
    pub conn: Connection,
    pub requests: usize,
    /// Records the checks created (resource, record), for the cleanup.
    pub created: Vec<(String, Value)>,
    /// Implied expectations fail rather than warn (`Options::strict`).
    pub strict: bool,
    /// The run's request pace (`--rate-limit`), shared by its connections.
    pub pace: Option<std::sync::Arc<Pace>>,
}

/// Spaces a run's requests `--rate-limit N/s` apart, across every connection.
#[derive(Debug)]
pub struct Pace {
    interval: Duration,
    next: std::sync::Mutex<Instant>,
}

impl Pace {
    pub fn per_second(n: f64) -> Pace {
        Pace {
            interval: Duration::from_secs_f64(1.0 / n),
            next: std::sync::Mutex::new(Instant::now()),
        }
    }

    /// Blocks until this request's turn.
    fn wait(&self) {
        let now = Instant::now();
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let at = (*next).max(now);
            *next = at + self.interval;
            at
        };
        std::thread::sleep(at.saturating_duration_since(now));
    }
}

/// How often a request answered 429 Too Many Requests is sent again, and
/// the longest `Retry-After` waited for: a throttled answer is the gateway's,
/// never judged as the server's.
const THROTTLED_RETRIES: usize = 5;
const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(30);

/// How long a 429 asks to wait: `Retry-After` in seconds (an HTTP date, or
/// none, waits one second), at most [`LONGEST_RETRY_AFTER`].
fn retry_after(reply: &Reply) -> Duration {
    let secs = reply
        .header("retry-after")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0);
    Duration::from_secs_f64(secs.unwrap_or(1.0)).min(LONGEST_RETRY_AFTER)
}

/// What running one check found.
pub struct Ran {
    pub verdict: Verdict,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub exchanges: Vec<Exchange>,
}

impl Ran {
    pub fn skipped(why: String, exchanges: Vec<Exchange>) -> Ran {
        Ran {
            verdict: Verdict::Skipped,
            reason: Some(why),
            note: None,
            exchanges,
        }
    }
}

/// What a check's steps have given so far.
#[derive(Default)]
struct Trail {
    exchanges: Vec<Exchange>,
    /// The record each step returned (`None` where it returned none).
    records: Vec<Option<Value>>,
    /// Another documented reading the server took.
    note: Option<String>,
}

/// A step with its fills applied: the call to send and the answer it must get.
pub(super) fn resolve(t: &Target, subjects: &Subjects, step: &Step, records: &[Option<Value>]) -> Result<(Call, Expect), String> {
    let v = &t.vendor;
    let mut call = step.call.clone();
    let mut expect = step.expect.clone();
    let mut dropped = Vec::new();
    for f in &step.fills {
        let value = match &f.from {
            Source::Step { from_step } => Some(step_value(v, records, *from_step, f)?),
            Source::Subject { subject, otherwise } => subjects.value(v, subject, &f.record_path).or_else(|| otherwise.clone()),
        };
        match &f.into {
            Slot::Body { into } => {
                if let Call::Json { body, .. } | Call::Query { params: body, .. } = &mut call {
                    match value {
                        Some(x) => set_path(body, into, x, v.transport.names),
                        None => remove_path(body, into, v.transport.names),
                    }
                }
            }
            Slot::Assert { into_assert } => match (asserts_mut(&mut expect).and_then(|a| a.get_mut(*into_assert)), value) {
                (Some(a), Some(x)) => a.value = x,
                // Without the value, nothing was written there to read back.
                (Some(_), None) => dropped.push(*into_assert),
                (None, _) => {}
            },
        }
    }
    if let Some(asserts) = asserts_mut(&mut expect) {
        let mut i = 0;
        asserts.retain(|_| {
            i += 1;
            !dropped.contains(&(i - 1))
        });
    }
    Ok((call, expect))
}

fn asserts_mut(expect: &mut Expect) -> Option<&mut Vec<Assert>> {
    match expect {
        Expect::Success { asserts } | Expect::Readings { asserts, .. } => Some(asserts),
        Expect::Refusal { .. } => None,
    }
}

/// A value of the record an earlier step returned: at the path as written,
/// at its last segment, or inside the record's one wrapping member
/// (`{"Contact": {"ContactID": 3}}`); a padded key without its padding.
fn step_value(v: &Vendor, records: &[Option<Value>], from_step: usize, f: &Fill) -> Result<Value, String> {
    let record = records
        .get(from_step)
        .and_then(|r| r.as_ref())
        .ok_or_else(|| format!("step {} returned no record to continue from", from_step + 1))?;
    let path = &f.record_path;
    let wrapped = || match record.as_object() {
        Some(m) if m.len() == 1 => m.values().next().and_then(|inner| get_path(v, inner, path)),
        _ => None,
    };
    let value = get_path(v, record, path)
        .or_else(|| get_path(v, record, &path[path.len().saturating_sub(1)..]))
        .or_else(wrapped)
        .ok_or_else(|| format!("the record step {} returned has no {}", from_step + 1, path.join(".")))?;
    // A padded key reads back with spaces the lookup must not carry.
    Ok(match value {
        Value::String(s) => Value::String(s.trim_end().to_string()),
        other => other.clone(),
    })
}

/// How much longer than the server's token lifetime the harness waits
/// before presenting a token as expired.
const EXPIRY_MARGIN: std::time::Duration = std::time::Duration::from_millis(100);

/// How a call presents credentials (`None`: a raw or query call, which
/// presents the valid ones where it can).
fn presents(call: &Call) -> Option<Presenting> {
    match call {
        Call::Json { presenting, .. } => Some(*presenting),
        _ => None,
    }
}

/// The endpoint a call is judged as an answer of (none for another route).
fn call_endpoint<'v>(v: &'v Vendor, call: &Call) -> Option<&'v Endpoint> {
    let id = match call {
        Call::Json { endpoint, .. } | Call::Query { endpoint, .. } => Some(endpoint),
        Call::Raw { endpoint, route, .. } => endpoint.as_ref().filter(|_| route.is_none()),
    };
    id.and_then(|e| v.endpoint(e))
}

impl<'a> Executor<'a> {
    pub fn new(target: &'a Target, subjects: &'a Subjects, conn: Connection) -> Executor<'a> {
        Executor {
            target,
            subjects,
            conn,
            requests: 0,
            created: Vec::new(),
            strict: false,
            pace: None,
        }
    }
}

impl Executor<'_> {
    fn wire(&self, call: &Call) -> Option<WireRequest> {
        call.wire(self.target)
    }

    /// Sends one request at the run's pace; a 429 is waited out
    /// (`Retry-After`) and sent again, [`THROTTLED_RETRIES`] times at most.
    pub fn send(&mut self, req: &WireRequest) -> Result<Reply, Problem> {
        let mut tries = 0;
        loop {
            if let Some(p) = &self.pace {
                p.wait();
            }
            self.requests += 1;
            let reply = self.conn.send(req);
            match &reply {
                Ok(r) if r.status == 429 && tries < THROTTLED_RETRIES => {
                    tries += 1;
                    std::thread::sleep(retry_after(r));
                }
                _ => return reply,
            }
        }
    }

    /// Sends a call; where it presented the run's token and the server
    /// answers that the token expired (its documented answer), logs in
    /// again and sends it once more, as a client would.
    pub(super) fn send_call(&mut self, call: &Call) -> Option<(WireRequest, Result<Reply, Problem>)> {
        let req = self.wire(call)?;
        let used = self.target.token.current();
        let reply = self.send(&req);
        let presents_current = !matches!(
            presents(call),
            Some(Presenting::Nothing | Presenting::Wrong | Presenting::Malformed | Presenting::Expired)
        );
        let (Some(used), Ok(r)) = (used, &reply) else {
            return Some((req, reply));
        };
        if !presents_current || !oracle::is_expired_token(&self.target.vendor, &serde_json::from_slice(&r.body).unwrap_or(Value::Null)) {
            return Some((req, reply));
        }
        let conn = &mut self.conn;
        let renewed = self.target.token.renew(&used, || match super::setup::log_in(conn, self.target) {
            Ok(Some(t)) => Ok(t),
            Ok(None) => Err(()),
            Err(_) => Err(()),
        });
        self.requests += 1;
        if renewed.is_err() {
            return Some((req, reply));
        }
        let again = self.wire(call)?;
        let reply = self.send(&again);
        Some((again, reply))
    }

    /// Makes sure the run holds a token past the server's lifetime: logs in
    /// and waits it out (once per run); why not, where the lifetime is unknown.
    fn expired_token(&mut self) -> Result<(), String> {
        let t = self.target;
        let Some(lifetime) = t.token.lifetime else {
            return Err("the server's token lifetime is not known: pass --token-lifetime SECONDS (the lifetime the server is configured with) to check the expired-token answer".into());
        };
        let conn = &mut self.conn;
        let mut sent = 0;
        let made = t.token.expired(|| {
            sent += 1;
            let token = super::setup::log_in(conn, t)
                .map_err(|e| e.to_string())?
                .ok_or("the vendor issues no tokens")?;
            // Past the lifetime, measured from the answer (the server issued
            // the token before it), with room for the clocks' resolution.
            std::thread::sleep(lifetime + EXPIRY_MARGIN);
            Ok::<_, String>(token)
        });
        self.requests += sent;
        made.map(|_| ())
    }

    /// Runs a check's steps; returns the verdict, the reason and the exchanges.
    pub fn run_check(&mut self, check: &Check) -> Ran {
        let mut trail = Trail::default();
        for step in &check.steps {
            if let Some(ran) = self.run_step(check, step, &mut trail) {
                return ran;
            }
        }
        Ran {
            verdict: Verdict::Passed,
            reason: None,
            note: trail.note,
            exchanges: trail.exchanges,
        }
    }

    /// Sends one step and judges its answer; `Some` where the check ends
    /// there (skipped, or a wrong answer).
    fn run_step(&mut self, check: &Check, step: &Step, trail: &mut Trail) -> Option<Ran> {
        let v = &self.target.vendor;
        let (call, expect) = match resolve(self.target, self.subjects, step, &trail.records) {
            Ok(resolved) => resolved,
            Err(why) => return Some(Ran::skipped(why, std::mem::take(&mut trail.exchanges))),
        };
        if presents(&call) == Some(Presenting::Expired)
            && let Err(why) = self.expired_token()
        {
            return Some(Ran::skipped(why, std::mem::take(&mut trail.exchanges)));
        }
        let Some((req, reply)) = self.send_call(&call) else {
            return Some(Ran::skipped(
                "the check names an endpoint the schemas lack".into(),
                std::mem::take(&mut trail.exchanges),
            ));
        };
        let ep = call_endpoint(v, &call);
        if reply.as_ref().is_ok_and(|r| r.status == 429) {
            trail.exchanges.push(Exchange { request: req, reply });
            return Some(Ran::skipped(
                format!(
                    "the server (or a gateway before it) kept answering 429 Too Many Requests ({THROTTLED_RETRIES} retries): try --rate-limit"
                ),
                std::mem::take(&mut trail.exchanges),
            ));
        }
        let finding = match &reply {
            Err(p) => Finding::Wrong(format!("no answer: {p}")),
            Ok(r) => oracle::judge(v, ep, &expect, r),
        };
        trail.exchanges.push(Exchange { request: req, reply });
        let why = match finding {
            Finding::Wrong(why) => why,
            Finding::Pass { payload, note } => {
                trail.note = trail.note.take().or(note);
                self.take_record(check, step, &call, &expect, payload, trail)?
            }
        };
        let exchanges = std::mem::take(&mut trail.exchanges);
        // A step that only prepares the check (a record it needs, made in a
        // way the docs do not promise) makes it inconclusive.
        if step.precondition {
            return Some(Ran::skipped(format!("a precondition was not met: {why}"), exchanges));
        }
        let verdict = if crate::plan::fails(check.strength, self.strict) {
            Verdict::Failed
        } else {
            Verdict::Warned
        };
        Some(Ran {
            verdict,
            reason: Some(why),
            note: None,
            exchanges,
        })
    }

    /// After a passing answer: the record it returned (kept for later
    /// steps and the cleanup), held to the step's assertions; why it is
    /// wrong, if it is.
    fn take_record(
        &mut self,
        check: &Check,
        step: &Step,
        call: &Call,
        expect: &Expect,
        payload: Option<Value>,
        trail: &mut Trail,
    ) -> Option<String> {
        let ep = call_endpoint(&self.target.vendor, call);
        let record = match (&payload, ep) {
            (Some(p), Some(ep)) => locate(self.target, step, &trail.records, ep, p),
            _ => None,
        };
        let mut why = None;
        if let Expect::Success { asserts } | Expect::Readings { asserts, .. } = expect
            && !asserts.is_empty()
            && payload.is_some()
        {
            // Assertions are written in the writing endpoint's shape.
            let member = check_member(self.target, check);
            why = match &record {
                None => Some("the record written is not in the answer read back".to_string()),
                Some(r) => oracle::check_asserts(&self.target.vendor, r, member, asserts),
            };
        }
        if let Some(ep) = ep {
            self.note_created(ep, call, record.as_ref());
        }
        trail.records.push(record);
        why
    }

    /// Keeps the record a create made for the cleanup; forgets a record
    /// the check deleted.
    fn note_created(&mut self, ep: &Endpoint, call: &Call, record: Option<&Value>) {
        let v = &self.target.vendor;
        if let Some(r) = record
            && ep.operation.kind == OperationKind::Create
            && let Some(res) = &ep.operation.resource
        {
            self.created.push((res.clone(), r.clone()));
        }
        if let Call::Json { body, .. } | Call::Query { params: body, .. } = call
            && ep.operation.kind == OperationKind::Delete
        {
            self.created.retain(|(res, rec)| {
                Some(res) != ep.operation.resource.as_ref()
                    || !ep.operation.key.iter().all(|k| {
                        let want = get_path(v, body, std::slice::from_ref(k));
                        want.is_some() && get_path(v, rec, std::slice::from_ref(k)) == want
                    })
            });
        }
    }
}

/// The record member of the check's first (writing) endpoint.
fn check_member<'a>(t: &'a Target, check: &Check) -> Option<&'a str> {
    let first = check.steps.first()?;
    match &first.call {
        Call::Json { endpoint, .. } => t.vendor.endpoint(endpoint)?.operation.record_member.as_deref(),
        _ => None,
    }
}

/// The record a step returned: the payload's record, or the item of a list
/// member whose key matches an earlier record's.
fn locate(t: &Target, step: &Step, records: &[Option<Value>], ep: &Endpoint, payload: &Value) -> Option<Value> {
    let record = record_of(ep, payload)?;
    let Some(l) = &step.locate else { return Some(record) };
    let want = records.get(l.from_step)?.as_ref()?;
    let want_key = get_path(&t.vendor, want, &l.key)?;
    let items = get_path(&t.vendor, &record, std::slice::from_ref(&l.member))?.as_array()?;
    // An item shows the child's record member, or the record proper (a
    // location inside a customer has no `Location` wrapper).
    let same =
        |item: &Value, key: &[String]| get_path(&t.vendor, item, key).is_some_and(|k| erpspec_model::template::same_json(k, want_key));
    items
        .iter()
        .find(|item| same(item, &l.key) || same(item, &l.key[1.min(l.key.len())..]))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Compare, json_step};
    use crate::transport::BaseUrl;
    use serde_json::json;

    fn subject(into: Slot, otherwise: Option<Value>) -> Fill {
        Fill {
            from: Source::Subject {
                subject: "customer".into(),
                otherwise,
            },
            record_path: vec!["CUSTNO".into()],
            into,
        }
    }

    #[test]
    fn subject_fills_take_the_record_setup_made_or_what_the_request_holds_without_it() {
        let vendor = crate::load_vendor("manex").unwrap();
        let ep = vendor.endpoint("customer-edit").unwrap().clone();
        let t = Target {
            fixtures: Default::default(),
            credentials: Default::default(),
            vendor,
            base: BaseUrl::parse("http://127.0.0.1:9").unwrap(),
            token: Default::default(),
        };
        let assert = |value| Assert {
            path: vec!["CUSTNO".into()],
            value,
            compare: Compare::Exact,
            because: "written".into(),
        };
        let mut step = json_step(
            &ep,
            json!({"Custno": "5000000001", "Other": "5000000001"}),
            Presenting::Valid,
            Expect::Success {
                asserts: vec![assert(json!("5000000001")), assert(json!("kept"))],
            },
        );
        step.fills = vec![
            subject(
                Slot::Body {
                    into: vec!["Custno".into()],
                },
                Some(json!("0000000010")),
            ),
            subject(
                Slot::Body {
                    into: vec!["Other".into()],
                },
                None,
            ),
            subject(Slot::Assert { into_assert: 0 }, None),
        ];
        // No subject: the example's value, the member left out, no assertion on it.
        let (call, expect) = resolve(&t, &Subjects::default(), &step, &[]).unwrap();
        let Call::Json { body, .. } = call else { panic!() };
        assert_eq!(body, json!({"Custno": "0000000010"}));
        assert_eq!(
            expect,
            Expect::Success {
                asserts: vec![assert(json!("kept"))]
            }
        );
        // The record setup made names it everywhere.
        let made = Subjects([("customer".to_string(), json!({"CUSTNO": "0000000042"}))].into());
        let (call, expect) = resolve(&t, &made, &step, &[]).unwrap();
        let Call::Json { body, .. } = call else { panic!() };
        assert_eq!(body, json!({"Custno": "0000000042", "Other": "0000000042"}));
        assert_eq!(
            expect,
            Expect::Success {
                asserts: vec![assert(json!("0000000042")), assert(json!("kept"))]
            }
        );
        // A fill from an earlier step's record that is not there skips the check.
        step.fills.push(Fill::from_step(0, vec!["CUSTNO".into()], vec!["Custno".into()]));
        assert!(resolve(&t, &made, &step, &[None]).unwrap_err().contains("step 1"));
    }
}
