//! Step 6 for a read, an update or a delete: the record the request names.

use super::operate::Op;
use super::{Engine, Step};
use crate::faults::Fault;
use crate::index::Extract;
use crate::store::Row;
use crate::util::{self, get_path};
use erpspec_model::answers::Situation;
use erpspec_model::ir::Lookup;
use serde_json::Value;

impl Engine {
    /// Finds the record a request names: by key, else by the first lookup
    /// present (ManEx `CustNumOrName` matches CUSTNO or CUSTNAME).
    pub(super) fn locate(&self, op: &Op<'_, '_>) -> Step<Row> {
        let Op { req, ep, resource: r, .. } = *op;
        let (asked, found) = self.find_named(op)?;
        match found {
            Some(row) => Ok(row),
            None => {
                let served = self.served(Some(ep), Situation::NotFound);
                let detail = if asked.is_empty() {
                    format!("No {} record was named.", r.name)
                } else {
                    format!("No {} record has {asked}.", r.name)
                };
                self.refused(served, &detail, req)
            }
        }
    }

    /// How the request names a record (for the refusal: empty where it
    /// names none), and the record found.
    fn find_named(&self, on: &Op<'_, '_>) -> Step<(String, Option<Row>)> {
        let Op {
            tx,
            ep,
            resource: r,
            member,
            normalized,
            ..
        } = *on;
        let op = &ep.operation;
        let key_values: Option<Vec<&Value>> = if op.key.is_empty() {
            None
        } else {
            op.key.iter().map(|k| normalized.get(k)).collect()
        };
        let partial =
            !op.key.is_empty() && key_values.is_none() && op.key.iter().any(|k| normalized.get(k).is_none() && self.lax_required(ep, k));
        if r.singleton {
            return Ok(("the one record".into(), tx.first(&self.v.name, &r.name)?));
        }
        if let Some(values) = key_values {
            let key = serde_json::to_string(&values).unwrap_or_default();
            let found = tx.get(&self.v.name, &r.name, &key)?;
            return Ok((format!("key {key}"), found));
        }
        if partial {
            // A server ignoring a required key field finds a record by the others.
            let clauses: Vec<_> = op
                .key
                .iter()
                .zip(&r.key)
                .filter_map(|(k, rk)| self.index.equals(&r.name, &[Extract::Path(rk.clone())], normalized.get(k)?))
                .collect();
            let found = tx.select(&self.v.name, &r.name, &clauses)?.into_iter().find(|row| {
                op.key
                    .iter()
                    .zip(&r.key)
                    .all(|(k, rk)| normalized.get(k).is_none_or(|want| get_path(&row.doc, member, rk) == Some(want)))
            });
            return Ok(("a partial key".into(), found));
        }
        self.find_by_lookup(on)
    }

    /// The record the first lookup present names (the last, and by its
    /// first match only, under the fault switch narrowing lookups).
    fn find_by_lookup(&self, on: &Op<'_, '_>) -> Step<(String, Option<Row>)> {
        let Op {
            tx,
            ep,
            resource: r,
            member,
            normalized,
            ..
        } = *on;
        let op = &ep.operation;
        let narrowed = self.faults.has(&Fault::LookupNarrowed(ep.id.clone()));
        // A lookup names a request field, or a field of the record member.
        let request = Value::Object(normalized.clone());
        let present = |lk: &'_ Lookup| get_path(&request, member, &lk.field).cloned();
        let chosen = match narrowed {
            true => op.lookup.iter().rev().find_map(|lk| present(lk).map(|v| (lk, v))),
            false => op.lookup.iter().find_map(|lk| present(lk).map(|v| (lk, v))),
        };
        let Some((lk, value)) = chosen else {
            return Ok((String::new(), None));
        };
        let value = &value;
        let matches = if narrowed { &lk.matches[..1] } else { &lk.matches[..] };
        let by: Vec<Extract> = matches.iter().map(|m| Extract::Path(m.clone())).collect();
        let found = self
            .candidates(tx, r, self.index.equals(&r.name, &by, value))?
            .into_iter()
            .find(|row| matches.iter().any(|m| get_path(&row.doc, member, m) == Some(value)));
        Ok((format!("{} {}", lk.field, util::text(value)), found))
    }
}
