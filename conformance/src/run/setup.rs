//! The first part of executing: logging in where the vendor issues tokens,
//! and making the subject records the plan names (one per resource the
//! harness can create, and the children their creates make).

use super::SetupError;
use crate::oracle;
use crate::plan::{Call, Step};
use crate::target::{Presenting, Target};
use crate::transport::{Connection, Problem};
use crate::values::{get_path, record_of, record_value};
use erpspec_model::ir::{OperationKind, TokenCarrier, Vendor};
use serde_json::Value;
use std::collections::BTreeMap;

/// The subject records setup made, by resource.
#[derive(Clone, Debug, Default)]
pub struct Subjects(pub BTreeMap<String, Value>);

impl Subjects {
    /// The subject record's value for a record path (see [`record_value`]).
    pub fn value(&self, v: &Vendor, resource: &str, path: &[String]) -> Option<Value> {
        record_value(v, resource, self.0.get(resource)?, path)
    }
}

/// What setup made.
pub(super) struct Made {
    pub subjects: Subjects,
    /// The subjects of resources the API creates (for the cleanup).
    pub created: Vec<(String, Value)>,
    /// Records setup could not make, and why.
    pub notes: Vec<String>,
    pub requests: usize,
}

/// Logs in, where the vendor issues tokens; the requests it sent.
pub(super) fn login(conn: &mut Connection, target: &Target) -> Result<usize, SetupError> {
    match log_in(conn, target)? {
        Some(token) => {
            target.token.set(token);
            Ok(1)
        }
        None => Ok(0),
    }
}

/// One call of the login endpoint: the token it issued (from the member
/// or the header `auth.token` names); `None` where the vendor issues none.
pub(super) fn log_in(conn: &mut Connection, target: &Target) -> Result<Option<String>, SetupError> {
    let (Some((ep, body)), Some(issue)) = (target.login(), target.vendor.auth.token.as_ref()) else {
        return Ok(None);
    };
    let req = target.request(ep, &crate::plan::method_for(&target.vendor), &body, Presenting::Valid);
    let reply = conn.send(&req).map_err(|p| match p {
        Problem::Connect(e) => SetupError::Unreachable(e),
        other => SetupError::Unreachable(other.to_string()),
    })?;
    let json: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    let payload = oracle::success_payload(&target.vendor, ep, reply.status, &json)
        .map_err(|why| SetupError::Credentials(format!("logging in through {} failed: {why}", ep.id)))?;
    let token = match &issue.carried_in {
        TokenCarrier::Field(field) => get_path(&target.vendor, &payload, std::slice::from_ref(field)).and_then(Value::as_str),
        TokenCarrier::Header(header) => reply.header(header),
    };
    match token {
        Some(token) if !token.trim().is_empty() => Ok(Some(token.to_string())),
        _ => Err(SetupError::Credentials(format!(
            "{} answered without a token in {}",
            ep.id,
            issue.carried_in.describe()
        ))),
    }
}

/// Sends the plan's setup creates in order, each naming the subjects made
/// before it; a create that fails leaves its resource without a subject
/// (the checks naming it send what they hold without one).
pub(super) fn make_subjects(target: &Target, conn: &mut Connection, setup: &[Step]) -> Result<Made, SetupError> {
    let v = &target.vendor;
    let mut made = Made {
        subjects: Subjects::default(),
        created: Vec::new(),
        notes: Vec::new(),
        requests: 0,
    };
    for step in setup {
        let Call::Json { endpoint, .. } = &step.call else { continue };
        let Some(ep) = v.endpoint(endpoint) else { continue };
        let Some(res) = ep.operation.resource.clone() else { continue };
        let (call, _) =
            super::executor::resolve(target, &made.subjects, step, &[]).map_err(|why| SetupError::Unreachable(format!("setup: {why}")))?;
        let Call::Json { method, body, .. } = &call else { continue };
        let req = target.request(ep, method, body, Presenting::Valid);
        made.requests += 1;
        match conn.send(&req) {
            Err(Problem::Connect(e)) => return Err(SetupError::Unreachable(e)),
            Err(p) => made.notes.push(format!("setup: {} sent no answer: {p}", ep.id)),
            Ok(reply) => {
                let json: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                match oracle::success_payload(v, ep, reply.status, &json) {
                    Ok(payload) => {
                        if let Some(rec) = record_of(ep, &payload) {
                            keep_subjects(v, &mut made.subjects, &res, rec);
                        }
                    }
                    Err(why) => {
                        if oracle::is_auth_refusal(v, &json) {
                            return Err(SetupError::Credentials(format!("{} was refused: {why}", ep.id)));
                        }
                        made.notes.push(format!("setup: {} could not create a {res} record: {why}", ep.id));
                    }
                }
            }
        }
    }
    let creates = |r: &str| {
        v.endpoints
            .iter()
            .any(|e| e.operation.kind == OperationKind::Create && e.operation.resource.as_deref() == Some(r))
    };
    made.created = made
        .subjects
        .0
        .iter()
        .filter(|(r, _)| creates(r))
        .map(|(r, rec)| (r.clone(), rec.clone()))
        .collect();
    Ok(made)
}

/// A create's record is its resource's subject, and the children the create
/// made from its lists (a customer's default location) are theirs; the
/// first record of a resource stays its subject.
fn keep_subjects(v: &Vendor, subjects: &mut Subjects, res: &str, rec: Value) {
    for inc in v.resource(res).map(|r| r.includes.as_slice()).unwrap_or_default() {
        if let Some(first) = get_path(v, &rec, &[inc.member.clone(), "0".into()]) {
            subjects.0.entry(inc.resource.clone()).or_insert_with(|| first.clone());
        }
    }
    subjects.0.entry(res.to_string()).or_insert(rec);
}
