//! Step 6 for an update: changes merged into the stored record, lists
//! merged item by item where the endpoint says so.

use super::operate::Op;
use super::{Engine, Response, Step};
use crate::faults::Fault;
use crate::readings;
use crate::store::Tx;
use crate::util::{get_path, parents_mut, record_of, record_of_mut};
use erpspec_model::ir::{AssignedHow, Endpoint, OperationKind, Resource};
use serde_json::Value;
use std::collections::BTreeMap;

impl Engine {
    pub(super) fn update(&self, op: &Op<'_, '_>) -> Step<Response> {
        let Op {
            tx,
            req,
            ep,
            resource: r,
            member,
            normalized,
            principal,
        } = *op;
        let row = self.locate(op)?;
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
