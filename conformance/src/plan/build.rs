//! Requests that work on the server under test: built from the docs'
//! examples, naming records that exist, with values unique to the run.

use super::subjects::SubjectRefs;
use super::*;
use erpspec_model::ir::{AssignedHow, Endpoint, Example, Field, OperationKind, PresentationLocation, Resource, Type, Vendor, walk_fields};
use erpspec_rules::{RuleKind, ScalarType, Strength};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The roles a request field plays.
pub(crate) fn is_credential(v: &Vendor, name: &str) -> bool {
    v.auth
        .presentations
        .iter()
        .any(|p| p.location == PresentationLocation::Body && v.transport.names.matches(&p.name, name))
}

/// Everything needed to derive checks for one vendor against one target.
pub struct Planner<'t> {
    pub t: &'t Target,
    /// A record of each resource that exists on the server: made by setup,
    /// or named by a fixture.
    pub(crate) subjects: SubjectRefs,
    pub uniq: Uniq,
    /// Each endpoint with its contested rules read only as the schema's
    /// first reading, and only as the others, made once.
    sides: BTreeMap<String, (Endpoint, Endpoint)>,
}

/// A request body and where its identity (key, lookup) values came from.
#[derive(Clone, Debug, Default)]
pub struct Built {
    pub body: Value,
    /// (request path, record path) of the values that name the record.
    pub identity: Vec<(Vec<String>, Vec<String>)>,
}

impl<'t> Planner<'t> {
    /// `nonce` makes the run's unique values (see [`Uniq`]).
    pub fn new(t: &'t Target, nonce: u64) -> Planner<'t> {
        Planner {
            t,
            subjects: SubjectRefs::new(t),
            uniq: Uniq::new(nonce),
            sides: BTreeMap::new(),
        }
    }

    /// The endpoint with each contested rule read only as its first
    /// reading, and only as its other readings (a contested rule without
    /// alternatives has "no such rule" as its other reading): what servers
    /// taking one side of every contradiction accept.
    pub(crate) fn sides(&mut self, ep: &Endpoint) -> &(Endpoint, Endpoint) {
        self.sides.entry(ep.id.clone()).or_insert_with(|| {
            let mut first = ep.clone();
            first.for_each_rule_mut(&mut |r| r.alternatives.clear());
            let mut others = ep.clone();
            others.for_each_rule_mut(&mut |r| {
                if r.strength == Strength::Contested {
                    match r.alternatives.split_first() {
                        Some((k, rest)) => {
                            r.kind = k.clone();
                            r.alternatives = rest.to_vec();
                        }
                        // The other reading has no such rule.
                        None => r.id.clear(),
                    }
                }
            });
            strip_implied_contested(&mut others);
            (first, others)
        })
    }

    /// A value valid in every member (not only the required ones), the
    /// `n`th of a list: list values and codes taken in turn, so the items of
    /// a list differ. Members the server assigns are left to it.
    pub(crate) fn full_value(&mut self, ep: &Endpoint, f: &Field, n: usize) -> Value {
        let assigned: Vec<String> = self
            .resource(ep)
            .map(|r| {
                r.assigned
                    .iter()
                    .filter_map(|a| a.field.rsplit('.').next().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        // Lists are taken in turn; a contested list's first value is what
        // `valid_value` gives (every reading accepts it).
        let listed = |r: &&Rule| match r.kind {
            RuleKind::Enum { .. } => r.alternatives.is_empty(),
            RuleKind::CodedEnum { .. } => true,
            _ => false,
        };
        if let Some(x) = f.rules.iter().filter(listed).find_map(|r| r.kind.example(n)) {
            return x;
        }
        match &f.ty {
            Type::Object { fields, .. } => {
                let mut m = Map::new();
                for c in fields {
                    if assigned.contains(&c.name) || c.ty.scalar() == Some(ScalarType::Boolean) && !c.required {
                        continue;
                    }
                    m.insert(c.name.clone(), self.full_value(ep, c, n));
                }
                Value::Object(m)
            }
            _ => self.valid_value(f),
        }
    }

    pub(crate) fn v(&self) -> &'t Vendor {
        &self.t.vendor
    }

    pub(crate) fn resource(&self, ep: &Endpoint) -> Option<&'t Resource> {
        ep.operation.resource.as_deref().and_then(|r| self.v().resource(r))
    }

    /// The endpoint creating records of a resource.
    pub fn creator(&self, resource: &str) -> Option<&'t Endpoint> {
        self.v()
            .endpoints
            .iter()
            .find(|e| e.operation.kind == OperationKind::Create && e.operation.resource.as_deref() == Some(resource))
    }

    pub(crate) fn reader(&self, resource: &str) -> Option<&'t Endpoint> {
        let eps = &self.v().endpoints;
        let is = |e: &&Endpoint, k| e.operation.kind == k && e.operation.resource.as_deref() == Some(resource);
        eps.iter()
            .find(|e| is(e, OperationKind::Read))
            .or_else(|| eps.iter().find(|e| is(e, OperationKind::Query)))
    }

    /// Resources in the order setup creates them: those others refer to first.
    pub fn setup_order(&self) -> Vec<&'t Endpoint> {
        let mut creators: Vec<&Endpoint> = self
            .v()
            .endpoints
            .iter()
            .filter(|e| e.operation.kind == OperationKind::Create)
            .collect();
        creators.sort_by_key(|e| usize::from(!refs_of(&e.request).is_empty()));
        creators
    }

    /// The record field a request field stores under (`stores`, else the
    /// field of the resource's records that matches under the dialect).
    pub(crate) fn record_name(&self, ep: &Endpoint, name: &str) -> String {
        if let Some(to) = ep.operation.stores.get(name) {
            return to.clone();
        }
        let names = self.v().transport.names;
        let Some(res) = ep.operation.resource.as_deref() else {
            return name.to_string();
        };
        for e in self.v().endpoints.iter().filter(|e| e.operation.resource.as_deref() == Some(res)) {
            if let Some(f) = e.response.fields.iter().find(|f| names.matches(&f.name, name)) {
                return f.name.clone();
            }
        }
        if let Some(r) = self.resource(ep)
            && let Some(k) = r.key.iter().chain(&r.unique).find(|k| names.matches(k, name))
        {
            return k.clone();
        }
        name.to_string()
    }

    /// A value satisfying a field's rules, for a field the request must carry.
    pub(crate) fn valid_value(&mut self, f: &Field) -> Value {
        if let Some(x) = f.rules.iter().find_map(|r| r.kind.example(0)) {
            return x;
        }
        match &f.ty {
            Type::Scalar { scalar } => match scalar {
                ScalarType::String => json!(self.uniq.text()),
                ScalarType::Integer | ScalarType::Number => json!(1),
                ScalarType::Boolean => json!(true),
            },
            Type::Array { .. } => json!([]),
            Type::Object { fields, .. } => {
                let mut m = Map::new();
                for c in fields.iter().filter(|c| c.required) {
                    m.insert(c.name.clone(), self.valid_value(c));
                }
                Value::Object(m)
            }
        }
    }

    /// A value no record has, for a field naming one.
    pub(crate) fn missing_value(&mut self, f: &Field) -> Value {
        if matches!(f.ty.scalar(), Some(ScalarType::Integer | ScalarType::Number)) {
            return json!(self.uniq.integer());
        }
        for r in &f.rules {
            if let RuleKind::Format {
                format: erpspec_rules::Format::Digits { count },
            } = &r.kind
            {
                return json!(self.uniq.missing_digits(*count as usize));
            }
        }
        json!(format!("{}NONE", self.uniq.text()))
    }

    /// A fresh value for a field whose values must be unique.
    pub(crate) fn fresh_value(&mut self, ep: &Endpoint, f: &Field) -> Value {
        let record_field = self.record_name(ep, &f.name);
        let width = self.resource(ep).and_then(|r| {
            r.assigned.iter().find_map(|a| match a.how {
                AssignedHow::PaddedSequence { width } if a.field == record_field => Some(width as usize),
                _ => None,
            })
        });
        let digits = f.rules.iter().find_map(|r| match &r.kind {
            RuleKind::Format {
                format: erpspec_rules::Format::Digits { count },
            } => Some(*count as usize),
            _ => None,
        });
        match (width.or(digits), f.ty.scalar()) {
            (Some(w), _) => json!(self.uniq.digits(w)),
            (None, Some(ScalarType::Integer | ScalarType::Number)) => json!(self.uniq.integer()),
            _ => json!(self.uniq.text()),
        }
    }

    /// The request built from an example (or nothing), made to work on this
    /// server: keys and lookups name records that exist, references name
    /// records that exist, values that must be unique are fresh, required
    /// fields are present, credentials are left to the transport.
    /// `as_written` keeps the example's spelling of names.
    pub fn build(&mut self, ep: &Endpoint, example: Option<&Example>, as_written: bool) -> Built {
        let v = self.v();
        let names = v.transport.names;
        let mut body = example_body(v, ep, example, as_written);
        let mut identity = Vec::new();
        let op = &ep.operation;
        let resource = self.resource(ep);
        // The containers whose fields can name or identify records.
        let mut scopes: Vec<(Vec<String>, &[Field])> = vec![(vec![], &ep.request)];
        if let Some(member) = &op.record_member
            && let Some(Field {
                ty: Type::Object { fields, .. },
                ..
            }) = ep.field(member)
        {
            scopes.push((vec![member.clone()], fields));
        }
        let chosen_lookup = op
            .lookup
            .iter()
            .find(|lk| scopes.iter().any(|(p, _)| present(&body, &join(p, &lk.field), names)))
            .or(op.lookup.first());
        for (prefix, fields) in scopes {
            for f in fields {
                if is_credential(v, &f.name) {
                    continue;
                }
                let path = join(&prefix, &f.name);
                let here = present(&body, &path, names);
                let record_field = self.record_name(ep, &f.name);
                let mut value = None;
                let otherwise = get_path(v, &body, &path).cloned();
                if let Some(r) = &f.refers_to {
                    if here || f.required {
                        value = self.subject_value(f, &r.resource, std::slice::from_ref(&r.field), otherwise.as_ref());
                    }
                } else if let Some(fx) = self.t.fixtures.get(&f.name) {
                    if here || f.required {
                        value = Some(json!(fx));
                    }
                } else if op.kind != OperationKind::Create
                    && let (Some(res), Some(i)) = (resource, op.key.iter().position(|k| k == &f.name))
                {
                    let rpath: Vec<String> = res
                        .key
                        .get(i)
                        .map(|k| k.split('.').map(str::to_string).collect())
                        .unwrap_or_default();
                    value = self.subject_value(f, &res.name, &rpath, otherwise.as_ref());
                    identity.push((path.clone(), rpath));
                } else if op.kind != OperationKind::Create
                    && let (Some(res), Some(lk)) = (resource, chosen_lookup.filter(|lk| lk.field == f.name))
                {
                    let rpath = vec![lk.matches[0].clone()];
                    value = self.subject_value(f, &res.name, &rpath, otherwise.as_ref());
                    identity.push((path.clone(), rpath));
                } else if let Some(res) = resource
                    && (here || f.required)
                    && matches!(op.kind, OperationKind::Create | OperationKind::Update)
                    && (res.unique.contains(&record_field) || (op.kind == OperationKind::Create && res.key.contains(&record_field)))
                {
                    value = Some(self.fresh_value(ep, f));
                } else if !here && f.required {
                    value = Some(self.valid_value(f));
                }
                if let Some(val) = value {
                    set_path(&mut body, &path, val, names);
                }
            }
        }
        Built { body, identity }
    }

    /// The first example that breaks no rule (or the first), as the base.
    pub fn base(&mut self, ep: &Endpoint) -> Built {
        // The login endpoint's base carries the configured credentials.
        if ep.operation.kind == OperationKind::Login
            && let Some((login, body)) = self.t.login()
            && login.id == ep.id
        {
            return Built {
                body,
                identity: Vec::new(),
            };
        }
        let example = ep.examples.iter().find(|e| e.breaks.is_empty()).or(ep.examples.first()).cloned();
        let mut built = self.build(ep, example.as_ref(), false);
        let names = self.v().transport.names;
        if let Some(ex) = &example {
            for id in &ex.breaks {
                if let Some((path, _)) = ep.all_rules().into_iter().find(|(_, r)| &r.id == id) {
                    remove_path(&mut built.body, &pointer_segments(&path), names);
                }
            }
        }
        // The base holds no value whose acceptance depends on a contested or
        // site rule or a contested type (ManEx Edit's example `Status:
        // Active`, `territory`): a server following another documented
        // reading must still accept it. Such optional members are left out;
        // their own cases cover them.
        let mut uncertain = Vec::new();
        walk_fields(&ep.request, &mut |n| {
            let contested = n.field.other_types.is_some() || n.field.rules.iter().any(|r| r.strength != Strength::Documented);
            if !n.item && !n.in_array() && !n.field.required && contested {
                uncertain.push(n.path.iter().map(|s| s.to_string()).collect::<Vec<String>>());
            }
        });
        for path in uncertain {
            if !built.identity.iter().any(|(p, _)| p == &path) {
                remove_path(&mut built.body, &path, names);
            }
        }
        built
    }
}

/// An example's request (or nothing) without body credentials; unless
/// `as_written`, its names spelled as declared.
fn example_body(v: &Vendor, ep: &Endpoint, example: Option<&Example>, as_written: bool) -> Value {
    let names = v.transport.names;
    let mut body = example.map(|e| e.request.clone()).unwrap_or(json!({}));
    if !body.is_object() {
        body = json!({});
    }
    if let Value::Object(m) = &mut body {
        m.retain(|k, _| !is_credential(v, k));
        if !as_written {
            *m = rename_declared(m, &ep.request, names);
            if let Some(member) = &ep.operation.record_member
                && let (
                    Some(Value::Object(inner)),
                    Some(Field {
                        ty: Type::Object { fields, .. },
                        ..
                    }),
                ) = (m.get_mut(member), ep.field(member))
            {
                *inner = rename_declared(inner, fields, names);
            }
        }
    }
    body
}

/// Removes the rules [`Planner::sides`] marked (by an empty id) as absent
/// from the other readings.
fn strip_implied_contested(ep: &mut Endpoint) {
    fn strip(fields: &mut [Field]) {
        for f in fields {
            f.rules.retain(|r| !r.id.is_empty());
            if !f.rules.iter().any(|r| matches!(r.kind, RuleKind::Required)) {
                f.required = false;
            }
            let mut t = &mut f.ty;
            while let Type::Array { items } = t {
                t = items;
            }
            if let Type::Object { fields, rules } = t {
                rules.retain(|r| !r.id.is_empty());
                strip(fields);
            }
        }
    }
    ep.rules.retain(|r| !r.id.is_empty());
    strip(&mut ep.request);
}

/// Fills taking a request's identity values (`Built::identity`) from the
/// record step `from_step` returned (a record the check created for itself).
pub(crate) fn identity_from(identity: &[(Vec<String>, Vec<String>)], from_step: usize) -> Vec<Fill> {
    identity
        .iter()
        .map(|(into, record_path)| Fill::from_step(from_step, record_path.clone(), into.clone()))
        .collect()
}

pub(crate) fn join(prefix: &[String], name: &str) -> Vec<String> {
    let mut p = prefix.to_vec();
    p.push(name.to_string());
    p
}

pub(crate) fn rename_declared(m: &Map<String, Value>, fields: &[Field], names: erpspec_rules::NameMatching) -> Map<String, Value> {
    m.iter()
        .map(|(k, x)| {
            let declared = fields
                .iter()
                .find(|f| names.matches(&f.name, k))
                .map(|f| f.name.clone())
                .unwrap_or(k.clone());
            (declared, x.clone())
        })
        .collect()
}

pub(crate) fn refs_of(fields: &[Field]) -> Vec<&Field> {
    let mut out = Vec::new();
    walk_fields(fields, &mut |n| {
        if !n.item && n.field.refers_to.is_some() {
            out.push(n.field);
        }
    });
    out
}

/// The declared item of the array at a pointer, if it is an object.
pub(crate) fn array_item(ep: &Endpoint, segs: &[String]) -> Option<Field> {
    let mut found = None;
    walk_fields(&ep.request, &mut |n| {
        if found.is_none() && n.item && n.path.len() == segs.len() + 1 && n.path.iter().zip(segs).all(|(a, b)| a == b) {
            found = Some(Field {
                ty: n.ty.clone(),
                rules: Vec::new(),
                ..n.field.clone()
            });
        }
    });
    found
}

/// The body as the validator sees it on the wire: body credentials filled
/// with a placeholder (their rules are authentication's).
pub fn with_body_credentials(v: &Vendor, body: &Value) -> Value {
    let mut b = body.clone();
    if let Value::Object(m) = &mut b {
        for p in v
            .auth
            .presentations
            .iter()
            .filter(|p| p.location == PresentationLocation::Body && !p.deprecated)
        {
            m.insert(p.name.clone(), json!("credential"));
        }
    }
    b
}

pub(crate) fn field_at(ep: &Endpoint, path: &[String]) -> Option<Field> {
    let mut found = None;
    walk_fields(&ep.request, &mut |n| {
        if found.is_none() && !n.item && n.path.len() == path.len() && n.path.iter().zip(path).all(|(a, b)| a == b) {
            found = Some(n.field.clone());
        }
    });
    found
}
