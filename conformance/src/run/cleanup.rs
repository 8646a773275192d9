//! The last part of executing: deleting the records the run created, where
//! the API has a delete for them, and saying what had to be left.

use super::Executor;
use super::executor::resolve;
use crate::oracle;
use crate::plan::{Call, Teardown};
use crate::values::{get_path, set_path};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Deletes each record once through its resource's teardown; the note says
/// what it did and what it left.
pub(super) fn cleanup(exec: &mut Executor<'_>, teardowns: &[Teardown], created: Vec<(String, Value)>) -> Option<String> {
    let mut deleted = 0;
    let mut undeletable: BTreeMap<String, usize> = BTreeMap::new();
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (res, record) in created {
        if !seen.insert((res.clone(), record.to_string())) {
            continue;
        }
        let Some(teardown) = teardowns.iter().find(|t| t.resource == res) else {
            *undeletable.entry(res).or_default() += 1;
            continue;
        };
        if delete(exec, teardown, &record) {
            deleted += 1;
        } else {
            *refused.entry(res).or_default() += 1;
        }
    }
    if deleted == 0 && undeletable.is_empty() && refused.is_empty() {
        return None;
    }
    let list = |m: &BTreeMap<String, usize>| m.iter().map(|(r, n)| format!("{n} {r}")).collect::<Vec<_>>().join(", ");
    let mut note = format!("cleanup: deleted {deleted} records the run created");
    if !undeletable.is_empty() {
        note.push_str(&format!("; left {} (the docs give no delete for them)", list(&undeletable)));
    }
    if !refused.is_empty() {
        note.push_str(&format!("; {} could not be deleted", list(&refused)));
    }
    Some(note)
}

/// Deletes one record: the teardown's request named by the record's
/// identity values; whether the server says it did.
fn delete(exec: &mut Executor<'_>, teardown: &Teardown, record: &Value) -> bool {
    let v = &exec.target.vendor;
    let Ok((
        Call::Json {
            endpoint,
            method,
            mut body,
            ..
        },
        _,
    )) = resolve(exec.target, exec.subjects, &teardown.step, &[])
    else {
        return false;
    };
    let Some(del) = v.endpoint(&endpoint) else { return false };
    let mut named = !teardown.identity.is_empty();
    for (into, record_path) in &teardown.identity {
        match get_path(v, record, record_path) {
            Some(x) => set_path(&mut body, into, x.clone(), v.transport.names),
            None => named = false,
        }
    }
    let req = exec.target.request(del, &method, &body, crate::target::Presenting::Valid);
    named
        && exec.send(&req).is_ok_and(|r| {
            let json: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            oracle::success_payload(v, del, r.status, &json).is_ok()
        })
}
