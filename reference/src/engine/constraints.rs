//! Step 6, before a write: the request's references name existing records,
//! and no other record has the written key or unique values.

use super::{Engine, Request, Step};
use crate::faults::Fault;
use crate::index::Extract;
use crate::store::Tx;
use crate::util::{self, get_path};
use erpspec_model::answers::Situation;
use erpspec_model::ir::{Endpoint, Field, Resource, Type};
use serde_json::{Map, Value};

impl Engine {
    /// Checks the request's references to other resources' records.
    pub(super) fn check_references(&self, tx: &Tx<'_>, req: &Request, ep: &Endpoint, normalized: &Map<String, Value>) -> Step<()> {
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
                let served = self.served(Some(ep), Situation::MissingReference(reference));
                let detail = format!("No {} record has {} {}.", target.name, reference.field, util::text(&value));
                return self.refused(served, &detail, req);
            }
        }
        Ok(())
    }

    /// Refuses a record whose key or unique values another record has.
    pub(super) fn check_unique(
        &self,
        tx: &Tx<'_>,
        req: &Request,
        ep: &Endpoint,
        r: &Resource,
        doc: &Value,
        except: Option<i64>,
    ) -> Step<()> {
        let mut clash = None;
        if except.is_none()
            && let Some(key) = self.key_of(r, doc)
            && tx.get(&self.v.name, &r.name, &key)?.is_some()
        {
            clash = Some(format!("A {} record with key {key} already exists.", r.name));
        }
        if clash.is_none() {
            clash = self.unique_clash(tx, r, doc, except)?;
        }
        if clash.is_none() {
            clash = self.unique_within_clash(tx, r, doc, except)?;
        }
        match clash {
            Some(detail) => self.refused(self.served(Some(ep), Situation::Duplicate), &detail, req),
            None => Ok(()),
        }
    }

    /// The first `unique` value of the record another record has.
    fn unique_clash(&self, tx: &Tx<'_>, r: &Resource, doc: &Value, except: Option<i64>) -> Step<Option<String>> {
        let member = self.members.get(&r.name).map(String::as_str);
        for u in &r.unique {
            let Some(mine) = get_path(doc, member, u) else { continue };
            let rows = self.candidates(tx, r, self.index.equals(&r.name, &[Extract::Path(u.clone())], mine))?;
            if rows
                .iter()
                .filter(|row| Some(row.id) != except)
                .any(|row| get_path(&row.doc, member, u) == Some(mine))
            {
                return Ok(Some(format!("A {} record with {u} {} already exists.", r.name, util::text(mine))));
            }
        }
        Ok(None)
    }

    /// The first `unique_within` value another record of the same scope has.
    fn unique_within_clash(&self, tx: &Tx<'_>, r: &Resource, doc: &Value, except: Option<i64>) -> Step<Option<String>> {
        let member = self.members.get(&r.name).map(String::as_str);
        let mine_key = self.key_of(r, doc);
        for (field, scope) in &r.unique_within {
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
            let taken = rows
                .iter()
                .filter(|row| Some(row.id) != except && self.key_of(r, &row.doc) != mine_key)
                .any(|row| get_path(&row.doc, member, scope) == Some(my_scope) && get_path(&row.doc, member, field) == Some(mine));
            if taken {
                return Ok(Some(format!(
                    "A {} record with {field} {} already exists for {scope} {}.",
                    r.name,
                    util::text(mine),
                    util::text(my_scope)
                )));
            }
        }
        Ok(None)
    }
}

/// Every value of the request that refers to another resource's record,
/// with its dotted path and field.
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
