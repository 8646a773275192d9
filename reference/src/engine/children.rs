//! Child records: the lists a create shapes (through [`crate::children`],
//! the pure part), the lists that are records of an included resource, and
//! the one primary child among siblings (kept by creates and updates).

use super::{Engine, Step};
use crate::faults::Fault;
use crate::index::Extract;
use crate::store::Tx;
use crate::util::{get_path, parents_mut, record_of, record_of_mut};
use erpspec_model::ir::{ChildList, Endpoint, Field, OperationKind, Resource, Type};
use serde_json::{Value, json};

impl Engine {
    /// Is the resource's records made by another resource's create (the
    /// items of a parent's list)?
    pub(super) fn includes_child(&self, r: &Resource) -> bool {
        self.v.resources.iter().any(|p| p.includes.iter().any(|i| i.resource == r.name))
    }

    /// `operation.creates`: the record's lists get their documented
    /// defaults, their one primary item, and lose items whose value another
    /// record already has.
    pub(super) fn shape_child_lists(&self, tx: &Tx<'_>, ep: &Endpoint, r: &Resource, member: Option<&str>, doc: &mut Value) -> Step<()> {
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
            // Each distinct value once, answered by the index where it can
            // (an alias list of any length costs one lookup per value, and
            // no record is parsed).
            let mut asked = std::collections::HashSet::new();
            for value in wanted {
                if !asked.insert(value.to_string()) {
                    continue;
                }
                let other_has = match self.index.item_equals(&r.name, &l.member, field, value) {
                    Some(clause) => tx.any(&self.v.name, &r.name, &[clause])?,
                    None => self.candidates(tx, r, None)?.iter().any(|row| {
                        record_of(&row.doc, member)
                            .get(&l.member)
                            .and_then(Value::as_array)
                            .is_some_and(|items| items.iter().any(|i| i.get(field) == Some(value)))
                    }),
                };
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
    pub(super) fn split_children(&self, ep: &Endpoint, r: &Resource, member: Option<&str>, doc: &mut Value) -> Vec<(usize, Vec<Value>)> {
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

    pub(super) fn create_children(
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
    pub(super) fn keep_one_primary(&self, tx: &Tx<'_>, r: &Resource, doc: &Value) -> Step<()> {
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
