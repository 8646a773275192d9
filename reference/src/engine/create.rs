//! Step 6 for a create.

use super::operate::Op;
use super::{Engine, Response, Step};
use crate::faults::Fault;
use crate::readings;
use erpspec_model::answers::Situation;
use erpspec_model::ir::OperationKind;
use serde_json::{Value, json};

impl Engine {
    pub(super) fn create(&self, op: &Op<'_, '_>) -> Step<Response> {
        let Op {
            tx,
            req,
            ep,
            resource: r,
            member,
            normalized,
            principal,
        } = *op;
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
            let served = self.served(Some(ep), Situation::RuleBroken(None));
            let detail = format!("The {} record's key ({}) is incomplete.", r.name, r.key.join(", "));
            return self.refused(served, &detail, req);
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
}
