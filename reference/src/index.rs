//! Lookups by index. The record fields the engine finds records by are read
//! from the IR; their values are kept, beside each record, in the store's
//! generic side table `fields` (see [`crate::store`]), so a lookup reads the
//! few records it names instead of parsing every record of the resource.
//!
//! A resource's indexed fields: its key fields, `unique` fields, both sides
//! of `unique_within`, the record fields of every endpoint's `lookup`, the
//! field other resources' `refers_to` name (unless it is the whole key, which
//! the `records` table's own key finds), the `on` field of the resources that
//! include it (a parent's children), the items' member of a create's
//! `drop_taken` list, and the record fields a query endpoint takes as
//! criteria.
//!
//! An index only narrows the candidates: every caller still applies its own
//! comparison to the records the index returns, so the answers are those of
//! a scan (values compare exactly, as the engine compares them: `"1"` is not
//! `1`, `1` is not `1.0`). A value the index cannot represent exactly (an
//! object or array to compare for equality) gives no condition: all records
//! are candidates, as before.

use crate::qbe;
use crate::store::{Clause, Indexed};
use crate::util::{self, get_path, record_of};
use erpspec_model::ir::{Criteria, Endpoint, Field, OperationKind, Type, Vendor};
use rusqlite::types::Value as Sql;
use serde_json::Value;
use std::collections::BTreeMap;

/// How an indexed value is read off a stored document.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Extract {
    /// The value a dotted path reads ([`get_path`]: from the document or the
    /// record proper, the first item through arrays): keys, lookups,
    /// references, unique fields.
    Path(String),
    /// A member of the record proper (`record_of(doc).get(field)`): the
    /// criteria of a query.
    Member(String),
    /// The member `field` of every item of the record's list `list`
    /// (`drop_taken`).
    Items { list: String, field: String },
}

impl Extract {
    /// The name its values have in the `fields` table.
    pub fn name(&self) -> String {
        match self {
            Extract::Path(p) => format!("path:{p}"),
            Extract::Member(f) => format!("member:{f}"),
            Extract::Items { list, field } => format!("items:{list}[].{field}"),
        }
    }

    fn values<'d>(&self, doc: &'d Value, member: Option<&str>) -> Vec<&'d Value> {
        match self {
            Extract::Path(p) => get_path(doc, member, p).into_iter().collect(),
            Extract::Member(f) => record_of(doc, member).get(f).filter(|v| !v.is_null()).into_iter().collect(),
            Extract::Items { list, field } => record_of(doc, member)
                .get(list)
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(|i| i.get(field)).filter(|v| !v.is_null()).collect())
                .unwrap_or_default(),
        }
    }
}

/// Kinds of indexed values: a string, a number, a boolean, anything else
/// (kept as its JSON text for Query By Example, never for equality).
const STRING: i64 = 0;
const NUMBER: i64 = 1;
const BOOLEAN: i64 = 2;
const OTHER: i64 = 3;

/// A value's `(kind, text)` in the index: equal JSON values (as
/// `serde_json::Value` compares them) have equal pairs, unequal scalars
/// unequal pairs. The text is [`util::text`] of the value (what Query By
/// Example compares), except that `-0.0` is written `0.0` (they are equal).
fn encode(v: &Value) -> Option<(i64, String)> {
    match v {
        Value::Null => None,
        Value::String(s) => Some((STRING, s.clone())),
        Value::Number(n) if n.as_f64() == Some(0.0) && n.is_f64() => Some((NUMBER, "0.0".into())),
        Value::Number(n) => Some((NUMBER, n.to_string())),
        Value::Bool(b) => Some((BOOLEAN, b.to_string())),
        other => Some((OTHER, util::text(other))),
    }
}

/// What one resource indexes.
#[derive(Clone, Debug, Default)]
struct ResourceIndex {
    member: Option<String>,
    /// Each extract, and whether its values also get a number (for Query By
    /// Example's numeric comparisons).
    fields: BTreeMap<Extract, bool>,
}

/// Every resource's indexed fields, from the IR.
#[derive(Clone, Debug, Default)]
pub struct Indexes {
    resources: BTreeMap<String, ResourceIndex>,
}

impl Indexes {
    /// `members`: each resource's record member; `record_name`: the record
    /// field a request field of an endpoint stores under.
    pub fn from_ir(v: &Vendor, members: &BTreeMap<String, String>, record_name: &dyn Fn(&Endpoint, &str) -> String) -> Indexes {
        let mut out = Indexes::default();
        for r in &v.resources {
            out.resources.insert(
                r.name.clone(),
                ResourceIndex {
                    member: members.get(&r.name).cloned(),
                    fields: BTreeMap::new(),
                },
            );
        }
        let mut add = |resource: &str, e: Extract, numeric: bool| {
            if let Some(ri) = out.resources.get_mut(resource) {
                let n = ri.fields.entry(e).or_insert(false);
                *n |= numeric;
            }
        };
        for r in &v.resources {
            for f in r.key.iter().chain(&r.unique) {
                add(&r.name, Extract::Path(f.clone()), false);
            }
            for (field, scope) in &r.unique_within {
                add(&r.name, Extract::Path(field.clone()), false);
                add(&r.name, Extract::Path(scope.clone()), false);
            }
            for inc in &r.includes {
                add(&inc.resource, Extract::Path(inc.on.clone()), false);
            }
        }
        for ep in &v.endpoints {
            let mut refs = Vec::new();
            references(&ep.request, &mut refs);
            for (resource, field) in refs {
                let whole_key = v.resource(&resource).is_some_and(|t| t.key.len() == 1 && t.key[0] == field);
                if !whole_key {
                    add(&resource, Extract::Path(field), false);
                }
            }
            let Some(resource) = ep.operation.resource.as_deref() else {
                continue;
            };
            for lk in &ep.operation.lookup {
                for m in &lk.matches {
                    add(resource, Extract::Path(m.clone()), false);
                }
            }
            for l in &ep.operation.creates {
                if let Some(field) = &l.drop_taken {
                    add(
                        resource,
                        Extract::Items {
                            list: l.member.clone(),
                            field: field.clone(),
                        },
                        false,
                    );
                }
            }
            if ep.operation.kind == OperationKind::Query {
                let member = members.get(resource);
                let fields: &[Field] = match member.and_then(|m| ep.field(m)).map(|f| &f.ty) {
                    Some(Type::Object { fields, .. }) => fields,
                    _ => &ep.request,
                };
                let numeric = ep.operation.criteria == Criteria::Qbe;
                for f in fields {
                    add(resource, Extract::Member(record_name(ep, &f.name)), numeric);
                }
            }
        }
        out
    }

    /// The `fields` rows of a resource's document.
    pub fn rows(&self, resource: &str, doc: &Value) -> Vec<Indexed> {
        let Some(ri) = self.resources.get(resource) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (e, numeric) in &ri.fields {
            for v in e.values(doc, ri.member.as_deref()) {
                if let Some((kind, text)) = encode(v) {
                    let num = if *numeric { qbe::number(&text) } else { None };
                    out.push(Indexed {
                        name: e.name(),
                        kind,
                        value: text,
                        num,
                    });
                }
            }
        }
        out
    }

    /// What a resource indexes, as text: the rows of a database built with
    /// another list are rebuilt on start.
    pub fn signature(&self, resource: &str) -> String {
        self.resources
            .get(resource)
            .map(|ri| {
                let names: Vec<String> = ri
                    .fields
                    .iter()
                    .map(|(e, n)| format!("{}{}", e.name(), if *n { "#" } else { "" }))
                    .collect();
                format!("v1 {}", names.join(" "))
            })
            .unwrap_or_default()
    }

    fn has(&self, resource: &str, e: &Extract) -> bool {
        self.resources.get(resource).is_some_and(|ri| ri.fields.contains_key(e))
    }

    fn numeric(&self, resource: &str, e: &Extract) -> bool {
        self.resources
            .get(resource)
            .and_then(|ri| ri.fields.get(e))
            .copied()
            .unwrap_or(false)
    }

    /// Records whose value under any of `extracts` equals `value`; `None`
    /// when the index cannot say (a field not indexed, a value compared as a
    /// whole object or array).
    pub fn equals(&self, resource: &str, extracts: &[Extract], value: &Value) -> Option<Clause> {
        let (kind, text) = encode(value).filter(|(k, _)| *k != OTHER)?;
        if extracts.is_empty() || !extracts.iter().all(|e| self.has(resource, e)) {
            return None;
        }
        Some(Clause {
            names: extracts.iter().map(Extract::name).collect(),
            predicate: "kind = ? AND value = ?".into(),
            params: vec![Sql::Integer(kind), Sql::Text(text)],
            absent_matches: false,
        })
    }

    /// A query's equality criterion: the record's member equals `want`, a
    /// member the record lacks reading as `""`.
    pub fn criterion_equals(&self, resource: &str, field: &str, want: &Value) -> Option<Clause> {
        let e = Extract::Member(field.to_string());
        let mut c = self.equals(resource, std::slice::from_ref(&e), want)?;
        c.absent_matches = want.as_str() == Some("");
        Some(c)
    }

    /// A Query By Example criterion on a record member, in SQL (see
    /// [`qbe::Criterion::sql`]); a member the record lacks reads as `""`.
    pub fn criterion_qbe(&self, resource: &str, field: &str, c: &qbe::Criterion) -> Option<Clause> {
        let e = Extract::Member(field.to_string());
        if !self.numeric(resource, &e) {
            return None;
        }
        let (predicate, params) = c.sql()?;
        Some(Clause {
            names: vec![e.name()],
            predicate,
            params,
            absent_matches: c.matches(""),
        })
    }

    /// Records with an item of `list` whose `field` equals `value`.
    pub fn item_equals(&self, resource: &str, list: &str, field: &str, value: &Value) -> Option<Clause> {
        let e = Extract::Items {
            list: list.to_string(),
            field: field.to_string(),
        };
        self.equals(resource, std::slice::from_ref(&e), value)
    }
}

/// `(resource, field)` of every `refers_to` among request fields.
fn references(fields: &[Field], out: &mut Vec<(String, String)>) {
    for f in fields {
        if let Some(r) = &f.refers_to {
            out.push((r.resource.clone(), r.field.clone()));
        }
        match &f.ty {
            Type::Object { fields, .. } => references(fields, out),
            Type::Array { items } => {
                if let Type::Object { fields, .. } = items.as_ref() {
                    references(fields, out);
                }
            }
            Type::Scalar { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_values_encode_equally_and_unequal_scalars_do_not() {
        let values = [
            json!("1"),
            json!(1),
            json!(1.0),
            json!(-0.0),
            json!(0.0),
            json!(0),
            json!(true),
            json!("true"),
            json!(""),
            json!(1e20),
            json!(u64::MAX),
            json!(-5),
        ];
        for a in &values {
            for b in &values {
                assert_eq!(encode(a) == encode(b), a == b, "{a} vs {b}");
            }
        }
        assert_eq!(encode(&Value::Null), None);
    }

    #[test]
    fn every_vendor_indexes_its_lookups_and_references() {
        let api = crate::load_api().expect("schemas load");
        for v in &api.vendors {
            let members: BTreeMap<String, String> = v
                .endpoints
                .iter()
                .filter_map(|ep| Some((ep.operation.resource.clone()?, ep.operation.record_member.clone()?)))
                .collect();
            let ix = Indexes::from_ir(v, &members, &|_, f| f.to_string());
            for ep in &v.endpoints {
                let Some(r) = ep.operation.resource.as_deref() else { continue };
                for lk in &ep.operation.lookup {
                    for m in &lk.matches {
                        assert!(ix.has(r, &Extract::Path(m.clone())), "{}.{}: {m}", v.name, ep.id);
                    }
                }
            }
        }
        let manex = api.vendor("manex").unwrap();
        let ix = Indexes::from_ir(manex, &BTreeMap::new(), &|_, f| f.to_string());
        assert!(ix.signature("customer").contains("path:CUSTNAME"));
    }
}
