//! Step 7, the payload: a stored record as an endpoint shows it.

use super::{Engine, Step};
use crate::faults::{Fault, Faults};
use crate::index::Extract;
use crate::readings;
use crate::store::Tx;
use crate::util::{get_path, record_of};
use erpspec_model::ir::{Endpoint, Field, Include, Payload, QuirkKind, Resource, Type};
use erpspec_rules::ScalarType;
use serde_json::{Map, Value, json};

impl Engine {
    /// A record as the endpoint returns it: projected on the response's
    /// fields (absent ones get their type's empty value), with included
    /// child records and the endpoint's read quirks.
    pub(super) fn record_payload(&self, tx: &Tx<'_>, ep: &Endpoint, r: &Resource, member: Option<&str>, doc: &Value) -> Step<Value> {
        if matches!(ep.response.payload, Payload::EmptyObject | Payload::Null | Payload::Unspecified) {
            return Ok(self.shape_payload(ep, Value::Null));
        }
        let record = self.record_view(tx, ep, r, member, doc)?;
        Ok(self.shape_payload(ep, record))
    }

    /// A record as the endpoint shows it, before the payload's shape.
    pub(super) fn record_view(&self, tx: &Tx<'_>, ep: &Endpoint, r: &Resource, member: Option<&str>, doc: &Value) -> Step<Value> {
        let rec = record_of(doc, member);
        let fields = if ep.response.fields.is_empty() {
            self.record_fields.get(&r.name).map(Vec::as_slice).unwrap_or(&[])
        } else {
            &ep.response.fields
        };
        let mut out = if fields.is_empty() {
            rec.clone()
        } else {
            project_object(rec, fields)
        };
        for inc in &r.includes {
            // A response that lists its fields shows only the includes among them.
            if !fields.is_empty() && !fields.iter().any(|f| f.name == inc.member) {
                continue;
            }
            let Some(children) = self.included(tx, r, member, doc, fields, inc)? else {
                continue;
            };
            if let Value::Object(m) = &mut out {
                match m.get_mut(&inc.member) {
                    Some(Value::Array(list)) => list.extend(children),
                    _ => {
                        m.insert(inc.member.clone(), Value::Array(children));
                    }
                }
            }
        }
        self.apply_padding(ep, r, &mut out);
        Ok(out)
    }

    /// The child records an include shows in a record, as its list's items
    /// (`None`: no such resource, or no parent value to find them by).
    fn included(
        &self,
        tx: &Tx<'_>,
        r: &Resource,
        member: Option<&str>,
        doc: &Value,
        fields: &[Field],
        inc: &Include,
    ) -> Step<Option<Vec<Value>>> {
        let Some(child) = self.v.resource(&inc.resource) else {
            return Ok(None);
        };
        let child_member = self.members.get(&child.name).map(String::as_str);
        let Some(parent_value) = get_path(doc, member, &inc.on).or_else(|| r.key.first().and_then(|k| get_path(doc, member, k))) else {
            return Ok(None);
        };
        let item_ty = fields.iter().find(|f| f.name == inc.member).and_then(|f| match &f.ty {
            Type::Array { items } => Some(items.as_ref()),
            _ => None,
        });
        let mut children: Vec<Value> = Vec::new();
        let of_parent = self.index.equals(&child.name, &[Extract::Path(inc.on.clone())], parent_value);
        for row in self.candidates(tx, child, of_parent)? {
            if get_path(&row.doc, child_member, &inc.on) == Some(parent_value) {
                // Items show the child's stored shape, or its record
                // proper where the item type has no member for it.
                let shown = match (item_ty, child_member) {
                    (Some(Type::Object { fields, .. }), Some(m)) if !fields.iter().any(|f| f.name == m) => {
                        record_of(&row.doc, child_member)
                    }
                    _ => &row.doc,
                };
                children.push(match item_ty {
                    Some(t) => project(shown, t, false),
                    None => shown.clone(),
                });
            }
        }
        Ok(Some(children))
    }

    /// The endpoint's `pads_strings` quirks: text columns come back
    /// right-padded.
    fn apply_padding(&self, ep: &Endpoint, r: &Resource, out: &mut Value) {
        for q in &ep.quirks {
            if let QuirkKind::PadsStrings { unpadded } = &q.kind
                && !self.faults.has(&Fault::QuirkMissing(q.id.clone()))
                && !self.readings.other(&readings::padding(&q.id))
            {
                // Key and server-assigned columns are full width, and the docs
                // show some fields unpadded: no padding there.
                let skip: Vec<&str> = r
                    .key
                    .iter()
                    .chain(r.assigned.iter().map(|a| &a.field))
                    .chain(unpadded)
                    .map(String::as_str)
                    .collect();
                if let Value::Object(m) = out {
                    for (k, v) in m.iter_mut() {
                        if !skip.contains(&k.as_str()) {
                            pad_strings(v);
                        }
                    }
                }
            }
        }
    }

    /// Puts a record into the shape the endpoint's payload takes.
    pub(super) fn shape_payload(&self, ep: &Endpoint, record: Value) -> Value {
        match &ep.response.payload {
            Payload::Record | Payload::Records => record,
            // Where the docs describe no body, the least a client can read.
            Payload::EmptyObject | Payload::Unspecified => json!({}),
            Payload::Null => Value::Null,
            Payload::Wrapped { member } => json!({ member: record }),
        }
    }

    pub(super) fn leave_out_unless_included(&self, ep: &Endpoint, normalized: &Map<String, Value>, record: &mut Value) {
        leave_out_unless_included(ep, normalized, record, &self.faults);
    }
}

/// `response.include_if`: a member the request's flag leaves out (RPM
/// `IncludeLocations: false`); an absent flag includes it.
fn leave_out_unless_included(ep: &Endpoint, normalized: &Map<String, Value>, record: &mut Value, faults: &Faults) {
    for (member, flag) in &ep.response.include_if {
        if faults.has(&Fault::IncludeIfIgnored(ep.id.clone(), member.clone())) {
            continue;
        }
        let record_member = ep.operation.record_member.as_deref();
        let request = Value::Object(normalized.clone());
        if get_path(&request, record_member, flag) == Some(&Value::Bool(false))
            && let Value::Object(m) = record
        {
            m.remove(member);
        }
    }
}

/// A value projected on a declared type: objects keep exactly the declared
/// fields (absent ones get their type's empty value), arrays project each item.
fn project(v: &Value, ty: &Type, nullable: bool) -> Value {
    match (ty, v) {
        (_, Value::Null) => default_for(ty, nullable),
        (Type::Object { fields, .. }, Value::Object(_)) => project_object(v, fields),
        (Type::Array { items }, Value::Array(list)) => Value::Array(list.iter().map(|i| project(i, items, false)).collect()),
        // A value stored as text ("true", "100") is answered in the type the
        // response documents, where it reads as one; one that does not (free
        // text written to a boolean column: the docs do not say) is answered
        // as the type's empty value, so every answer has its documented types.
        (Type::Scalar { scalar }, _) => erpspec_rules::coerce_scalar(*scalar, v, true).unwrap_or_else(|_| default_for(ty, nullable)),
        _ => v.clone(),
    }
}

fn project_object(v: &Value, fields: &[Field]) -> Value {
    let mut out = Map::new();
    for f in fields {
        let value = match v.get(f.from.as_deref().unwrap_or(&f.name)) {
            Some(x) => project(x, &f.ty, f.nullable),
            None => default_for(&f.ty, f.nullable),
        };
        out.insert(f.name.clone(), value);
    }
    Value::Object(out)
}

/// The empty value of a type: what a record shows for a field never written.
fn default_for(ty: &Type, nullable: bool) -> Value {
    if nullable {
        return Value::Null;
    }
    match ty {
        Type::Scalar {
            scalar: ScalarType::String,
        } => Value::String(String::new()),
        Type::Scalar {
            scalar: ScalarType::Integer | ScalarType::Number,
        } => Value::from(0),
        Type::Scalar {
            scalar: ScalarType::Boolean,
        } => Value::Bool(false),
        Type::Array { .. } => Value::Array(Vec::new()),
        Type::Object { fields, .. } => project_object(&Value::Null, fields),
    }
}

/// Right-pads every string with a space, as CHAR columns come back.
fn pad_strings(v: &mut Value) {
    match v {
        Value::String(s) => s.push(' '),
        Value::Array(items) => items.iter_mut().for_each(pad_strings),
        Value::Object(m) => m.values_mut().for_each(pad_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_fills_absent_fields_with_empty_values() {
        let fields: Vec<Field> = serde_json::from_value(json!([
            {"name": "A", "description": null, "type": {"kind": "scalar", "scalar": "string"}, "required": false, "nullable": false, "rules": [], "refers_to": null, "run": null, "sources": []},
            {"name": "N", "description": null, "type": {"kind": "scalar", "scalar": "number"}, "required": false, "nullable": false, "rules": [], "refers_to": null, "run": null, "sources": []},
            {"name": "D", "description": null, "type": {"kind": "scalar", "scalar": "string"}, "required": false, "nullable": true, "rules": [], "refers_to": null, "run": null, "sources": []}
        ]))
        .unwrap();
        assert_eq!(
            project_object(&json!({"A": "x", "Z": 1}), &fields),
            json!({"A": "x", "N": 0, "D": null})
        );
    }
}
