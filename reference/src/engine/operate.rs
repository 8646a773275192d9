//! Step 6: the operation an endpoint names, and what every operation
//! shares: the stored document built from a request, keys, server-assigned
//! values, write quirks.

use super::answer::NOT_SERVABLE;
use super::{Abort, Engine, Request, Response, Step};
use crate::faults::Fault;
use crate::store::Tx;
use crate::util::{self, get_path, parents_mut, record_of_mut};
use erpspec_model::ir::{AssignedHow, Endpoint, Field, OperationKind, QuirkKind, Resource, Vendor};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One operation on a resource: what every operation reads.
#[derive(Clone, Copy)]
pub(super) struct Op<'a, 't> {
    pub tx: &'a Tx<'t>,
    pub req: &'a Request,
    pub ep: &'a Endpoint,
    pub resource: &'a Resource,
    /// The resource's record member (RPM `Contact`), if it has one.
    pub member: Option<&'a str>,
    pub normalized: &'a Map<String, Value>,
    /// Who the request authenticated as (for assigned user fields).
    pub principal: &'a str,
}

impl Engine {
    /// Step 6: the endpoint's operation, answered with its success envelope.
    pub(super) fn operate(
        &self,
        tx: &Tx<'_>,
        req: &Request,
        ep: &Endpoint,
        normalized: &Map<String, Value>,
        principal: &str,
    ) -> Step<Response> {
        let op = &ep.operation;
        // A login works on credentials and tokens, not on a resource.
        if op.kind == OperationKind::Login {
            return self.login(tx, req, ep, normalized);
        }
        let Some(resource) = op.resource.as_deref().and_then(|r| self.v.resource(r)) else {
            return Err(Abort::Answer(self.failure(NOT_SERVABLE, "The endpoint names no resource.", req)));
        };
        let member = self.members.get(&resource.name).map(String::as_str);
        let on = Op {
            tx,
            req,
            ep,
            resource,
            member,
            normalized,
            principal,
        };
        match op.kind {
            OperationKind::Login => self.login(tx, req, ep, normalized),
            OperationKind::Create => self.create(&on),
            OperationKind::Update => self.update(&on),
            OperationKind::Read => {
                let row = self.locate(&on)?;
                let mut record = self.record_view(tx, ep, resource, member, &row.doc)?;
                self.leave_out_unless_included(ep, normalized, &mut record);
                Ok(self.success(ep, self.shape_payload(ep, record)))
            }
            OperationKind::Query => self.query(&on),
            OperationKind::Delete => {
                let row = self.locate(&on)?;
                tx.delete(row.id)?;
                self.touch(tx, resource)?;
                let payload = self.record_payload(tx, ep, resource, member, &row.doc)?;
                Ok(self.success(ep, payload))
            }
        }
    }

    /// The stored document built from a request: the normalized request
    /// without credentials, its record's members renamed to the record's
    /// spelling (`Custname` -> `CUSTNAME`, `stores` renames first).
    pub(super) fn build_doc(&self, ep: &Endpoint, member: Option<&str>, normalized: &Map<String, Value>) -> Value {
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
    pub(super) fn candidates(&self, tx: &Tx<'_>, r: &Resource, clause: Option<crate::store::Clause>) -> Step<Vec<crate::store::Row>> {
        Ok(tx.select(&self.v.name, &r.name, clause.as_slice())?)
    }

    /// Canonical text of a record's key, `None` if a key field is missing.
    pub(super) fn key_of(&self, r: &Resource, doc: &Value) -> Option<String> {
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
    pub(super) fn assign(
        &self,
        tx: &Tx<'_>,
        r: &Resource,
        doc: &mut Value,
        principal: &str,
        when: OperationKind,
        keep: &[&str],
    ) -> Step<()> {
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

    /// Whether a fault switch has the server ignore the required rule of
    /// this request field (see [`crate::faults`]).
    pub(super) fn lax_required(&self, ep: &Endpoint, field: &str) -> bool {
        ep.field(field)
            .and_then(|f| f.rules.iter().find(|r| matches!(r.kind, erpspec_rules::RuleKind::Required)))
            .is_some_and(|r| self.faults.ignores_rule(&r.id))
    }

    /// Records when a resource's list last changed (`response.beside`'s
    /// `last_modified`).
    pub(super) fn touch(&self, tx: &Tx<'_>, r: &Resource) -> Step<()> {
        tx.set_meta(&self.v.name, &format!("modified:{}", r.name), &util::now_unix().to_string())?;
        Ok(())
    }

    /// Applies the endpoint's read-back quirks to a record being written.
    pub(super) fn apply_write_quirks(&self, ep: &Endpoint, member: Option<&str>, doc: &mut Value) {
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
}

/// The record field a request field of an endpoint stores under: the
/// operation's `stores`, else the record field of the same name under the
/// dialect's name matching (`Custname` -> `CUSTNAME`), else its own name.
pub(super) fn record_name(v: &Vendor, record_fields: &BTreeMap<String, Vec<Field>>, ep: &Endpoint, k: &str) -> String {
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
