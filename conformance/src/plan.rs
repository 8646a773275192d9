//! Checks derived from the IR: every rule's boundary cases, every dialect
//! feature (auth, transport), every doc example, and stateful sequences.
//!
//! A check is (endpoint, rule, case) with a stable id
//! (`manex.customer-add.Credlimit.minimum.below`), the rule it holds the
//! server to and that rule's sources, and one or more steps, each a request
//! and the answer the shared model says it must get.

use crate::oracle::{Assert, Compare, Expect};
use crate::target::{Presenting, Target};
use erpspec_codegen::answers::{self, Situation, dialect_check_id};
use erpspec_codegen::ir::{
    AssignedHow, Endpoint, Example, Field, OperationKind, Payload, PresentationLocation, QuirkKind, Resource, Rule, Type, Vendor,
};
use erpspec_rules::{RuleKind, ScalarType, Strength};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The families checks are grouped in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Accepted,
    Rejected,
    Auth,
    Transport,
    Stateful,
    Generated,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Accepted => "accepted",
            Family::Rejected => "rejected",
            Family::Auth => "auth",
            Family::Transport => "transport",
            Family::Stateful => "stateful",
            Family::Generated => "generated",
        }
    }
}

/// What a wrong answer means for the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A documented rule: a wrong answer fails the check.
    Fail,
    /// A contested or site rule, or behaviour the docs only imply: a wrong
    /// answer is a warning.
    Warn,
}

impl Severity {
    pub fn of(s: Strength) -> Severity {
        match s {
            Strength::Documented => Severity::Fail,
            Strength::Contested | Strength::Site => Severity::Warn,
        }
    }
}

/// One request of a check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Call {
    /// A JSON body to an endpoint, credentials presented as asked.
    Json {
        endpoint: String,
        method: String,
        body: Value,
        presenting: Presenting,
    },
    /// The parameters as a query string (GET), as the docs print them.
    Query { endpoint: String, query: String },
    /// Raw bytes to an endpoint's path (or to another path) with valid
    /// header and path credentials.
    Raw {
        endpoint: Option<String>,
        /// Replaces the endpoint's route, for unknown-route checks.
        route: Option<String>,
        method: String,
        content_type: String,
        body: String,
    },
}

/// A value taken from the record an earlier step returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    pub from_step: usize,
    pub record_path: Vec<String>,
    /// Where it goes in this step's JSON body.
    pub into: Vec<String>,
}

/// Where a read step finds the record to check: an item of a list member of
/// the returned record (RPM `Customer.Contacts`) whose key equals the key of
/// the record an earlier step returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Locate {
    pub member: String,
    pub key: Vec<String>,
    pub from_step: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub call: Call,
    pub expect: Expect,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fills: Vec<Fill>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locate: Option<Locate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub id: String,
    pub family: Family,
    pub endpoint: Option<String>,
    /// The rule (or dialect feature) it holds the server to.
    pub rule: String,
    pub severity: Severity,
    pub sources: Vec<String>,
    /// One line: what the check sends and expects.
    pub what: String,
    pub steps: Vec<Step>,
    /// For generated checks: members of the last step's body that can be
    /// left out while shrinking a failure to a minimal request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removable: Vec<Vec<String>>,
}

/// Values unique to a run, so the harness's records never collide with the
/// server's or an earlier run's.
#[derive(Clone, Debug)]
pub struct Uniq {
    tag: String,
    seed: u64,
    n: u64,
}

impl Uniq {
    pub fn new(seed: u64) -> Uniq {
        let mut tag = String::new();
        let mut x = seed;
        for _ in 0..6 {
            tag.push(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[(x % 32) as usize] as char);
            x /= 32;
        }
        Uniq { tag, seed, n: 0 }
    }

    fn next(&mut self) -> u64 {
        self.n += 1;
        self.n
    }

    pub fn text(&mut self) -> String {
        let n = self.next();
        format!("ERPSPEC{}{n:03}", self.tag)
    }

    /// Fresh digits for a value the harness chooses: high in the range
    /// (servers that assign sequences move past them), distinct per run.
    pub fn digits(&mut self, width: usize) -> String {
        self.digits_from(7, width)
    }

    /// Digits no record has: below the fresh values, so a sequence that
    /// moved past those never assigns them, and far above any sequence that
    /// counts from the start.
    pub fn missing_digits(&mut self, width: usize) -> String {
        self.digits_from(3, width)
    }

    fn digits_from(&mut self, lead: u128, width: usize) -> String {
        let n = self.next();
        let base = 10u128.pow(width.saturating_sub(1) as u32) * lead;
        let run = (self.seed % 100_000) as u128 * 1000;
        let v = base + run + n as u128;
        format!("{v:0width$}")
            .chars()
            .rev()
            .take(width)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    }

    pub fn integer(&mut self) -> i64 {
        let n = self.next() as i64;
        1_900_000_000 + (self.seed % 50_000) as i64 * 1000 + n
    }
}

/// The roles a request field plays.
fn is_credential(v: &Vendor, name: &str) -> bool {
    v.auth
        .presentations
        .iter()
        .any(|p| p.location == PresentationLocation::Body && v.transport.names.matches(&p.name, name))
}

/// Everything needed to derive checks for one vendor against one target.
pub struct Planner<'t> {
    pub t: &'t Target,
    /// A record of each resource that exists on the server: created by the
    /// harness in setup, or named by a fixture.
    pub subjects: BTreeMap<String, Value>,
    pub uniq: Uniq,
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
            subjects: BTreeMap::new(),
            uniq: Uniq::new(nonce),
        }
    }

    fn v(&self) -> &'t Vendor {
        &self.t.vendor
    }

    fn resource(&self, ep: &Endpoint) -> Option<&'t Resource> {
        ep.operation.resource.as_deref().and_then(|r| self.v().resource(r))
    }

    /// The endpoint creating records of a resource.
    pub fn creator(&self, resource: &str) -> Option<&'t Endpoint> {
        self.v()
            .endpoints
            .iter()
            .find(|e| e.operation.kind == OperationKind::Create && e.operation.resource.as_deref() == Some(resource))
    }

    fn reader(&self, resource: &str) -> Option<&'t Endpoint> {
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
    fn record_name(&self, ep: &Endpoint, name: &str) -> String {
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
    fn valid_value(&mut self, f: &Field) -> Value {
        for r in &f.rules {
            match &r.kind {
                RuleKind::Enum { values, .. } => return json!(values[0]),
                RuleKind::CodedEnum { values } => return json!(values[0].code),
                RuleKind::Format { .. } => {
                    if let Some((at, _)) = r.kind.boundary() {
                        return at;
                    }
                }
                RuleKind::Minimum { value } => return erpspec_rules::number(value.max(1.0)),
                _ => {}
            }
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
    fn missing_value(&mut self, f: &Field) -> Value {
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
    fn fresh_value(&mut self, ep: &Endpoint, f: &Field) -> Value {
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

    /// The subject record's value for a record path.
    fn subject_value(&self, resource: &str, path: &[String]) -> Option<Value> {
        let rec = self.subjects.get(resource)?;
        crate::oracle::get_path(self.v(), rec, path).cloned()
    }

    /// The request built from an example (or nothing), made to work on this
    /// server: keys and lookups name records that exist, references name
    /// records that exist, values that must be unique are fresh, required
    /// fields are present, credentials are left to the transport.
    /// `as_written` keeps the example's spelling of names.
    pub fn build(&mut self, ep: &Endpoint, example: Option<&Example>, as_written: bool) -> Built {
        let v = self.v();
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
                if let Some(r) = &f.refers_to {
                    if here || f.required {
                        value = self.subject_value(&r.resource, std::slice::from_ref(&r.field));
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
                    value = self.subject_value(&res.name, &rpath);
                    identity.push((path.clone(), rpath));
                } else if op.kind != OperationKind::Create
                    && let (Some(res), Some(lk)) = (resource, chosen_lookup.filter(|lk| lk.field == f.name))
                {
                    let rpath = vec![lk.matches[0].clone()];
                    value = self.subject_value(&res.name, &rpath);
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
        if let Some(ex) = &example {
            for id in &ex.breaks {
                if let Some((path, _)) = ep.all_rules().into_iter().find(|(_, r)| &r.id == id) {
                    remove_path(&mut built.body, &pointer_segments(&path), self.v().transport.names);
                }
            }
        }
        built
    }
}

fn join(prefix: &[String], name: &str) -> Vec<String> {
    let mut p = prefix.to_vec();
    p.push(name.to_string());
    p
}

fn rename_declared(m: &Map<String, Value>, fields: &[Field], names: erpspec_rules::NameMatching) -> Map<String, Value> {
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

fn refs_of(fields: &[Field]) -> Vec<&Field> {
    let mut out = Vec::new();
    for f in fields {
        if f.refers_to.is_some() {
            out.push(f);
        }
        if let Type::Object { fields, .. } = &f.ty {
            out.extend(refs_of(fields));
        }
    }
    out
}

/// `/a/*/b` -> `[a, *, b]`.
pub fn pointer_segments(p: &str) -> Vec<String> {
    p.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
}

pub fn present(body: &Value, path: &[String], names: erpspec_rules::NameMatching) -> bool {
    let mut at = body;
    for seg in path {
        match at {
            Value::Object(m) => match m.iter().find(|(k, _)| names.matches(seg, k)) {
                Some((_, x)) => at = x,
                None => return false,
            },
            _ => return false,
        }
    }
    !at.is_null()
}

/// The container at a path (`*` is the first item), created as needed.
fn container<'a>(v: &'a mut Value, segs: &[String], names: erpspec_rules::NameMatching, leaf_is_array: bool) -> Option<&'a mut Value> {
    let Some((first, rest)) = segs.split_first() else {
        return Some(v);
    };
    let next_is_array = rest.first().is_some_and(|s| s == "*") || (rest.is_empty() && leaf_is_array);
    let empty = || if next_is_array { json!([]) } else { json!({}) };
    let child = if first == "*" {
        let arr = v.as_array_mut()?;
        if arr.is_empty() {
            arr.push(if rest.is_empty() && !leaf_is_array { json!({}) } else { empty() });
        }
        &mut arr[0]
    } else {
        let m = v.as_object_mut()?;
        let key = m.keys().find(|k| names.matches(first, k)).cloned().unwrap_or_else(|| first.clone());
        let slot = m.entry(key).or_insert_with(empty);
        if slot.is_null() {
            *slot = empty();
        }
        slot
    };
    container(child, rest, names, leaf_is_array)
}

pub fn set_path(body: &mut Value, path: &[String], value: Value, names: erpspec_rules::NameMatching) {
    let Some((last, parent)) = path.split_last() else {
        *body = value;
        return;
    };
    let Some(p) = container(body, parent, names, last == "*") else {
        return;
    };
    match (last.as_str(), p) {
        ("*", Value::Array(a)) => {
            if a.is_empty() {
                a.push(value);
            } else {
                a[0] = value;
            }
        }
        (_, Value::Object(m)) => {
            let key = m.keys().find(|k| names.matches(last, k)).cloned().unwrap_or_else(|| last.clone());
            m.insert(key, value);
        }
        _ => {}
    }
}

pub fn remove_path(body: &mut Value, path: &[String], names: erpspec_rules::NameMatching) {
    let Some((last, parent)) = path.split_last() else { return };
    if let Some(Value::Object(m)) = container(body, parent, names, false) {
        m.retain(|k, _| !names.matches(last, k));
    }
}

// ------------------------------------------------------------------ checks

/// The sources a check cites: the rule's, else the endpoint's.
fn sources(rule: Option<&Rule>, ep: Option<&Endpoint>, fallback: &[String]) -> Vec<String> {
    rule.map(|r| r.sources.clone())
        .filter(|s| !s.is_empty())
        .or_else(|| ep.map(|e| e.sources.clone()).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| fallback.to_vec())
}

fn refusal(v: &Vendor, ep: Option<&Endpoint>, s: &Situation<'_>) -> Expect {
    Expect::Refusal {
        entries: answers::documented_entry(v, ep, s).map(|e| vec![e.id.clone()]).unwrap_or_default(),
    }
}

fn success() -> Expect {
    Expect::Success { asserts: Vec::new() }
}

pub fn json_step(ep: &Endpoint, body: Value, presenting: Presenting, expect: Expect) -> Step {
    Step {
        call: Call::Json {
            endpoint: ep.id.clone(),
            method: "POST".into(),
            body,
            presenting,
        },
        expect,
        fills: Vec::new(),
        locate: None,
    }
}

/// The method requests are sent with: POST where listed (JSON bodies), else the first.
pub fn method_for(v: &Vendor) -> String {
    if v.transport.methods.iter().any(|m| m.eq_ignore_ascii_case("POST")) {
        "POST".into()
    } else {
        v.transport.methods.first().cloned().unwrap_or_else(|| "POST".into())
    }
}

impl Planner<'_> {
    fn step(&self, ep: &Endpoint, body: Value, presenting: Presenting, expect: Expect) -> Step {
        let mut s = json_step(ep, body, presenting, expect);
        if let Call::Json { method, .. } = &mut s.call {
            *method = method_for(self.v());
        }
        s
    }

    /// Steps that run `body` on `ep` against a record created for it, where
    /// the endpoint consumes its record (delete): a create first, then the
    /// call with its identity taken from the created record.
    fn on_fresh_record(&mut self, ep: &Endpoint, built: Built, presenting: Presenting, expect: Expect) -> Vec<Step> {
        // A refusal consumes nothing: it runs against the subject as built.
        if ep.operation.kind != OperationKind::Delete || built.identity.is_empty() || !matches!(expect, Expect::Success { .. }) {
            return vec![self.step(ep, built.body, presenting, expect)];
        }
        let Some(creator) = ep.operation.resource.as_deref().and_then(|r| self.creator(r)) else {
            return vec![self.step(ep, built.body, presenting, expect)];
        };
        let create = self.base(creator);
        let mut call = self.step(ep, built.body, presenting, expect);
        call.fills = built
            .identity
            .iter()
            .map(|(into, record_path)| Fill {
                from_step: 0,
                record_path: record_path.clone(),
                into: into.clone(),
            })
            .collect();
        vec![self.step(creator, create.body, Presenting::Valid, success()), call]
    }

    /// Every check for the vendor.
    pub fn checks(&mut self) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        out.extend(self.transport_checks());
        for ep in &v.endpoints {
            out.extend(self.accepted_checks(ep));
            out.extend(self.rule_checks(ep));
            out.extend(self.auth_checks(ep));
            out.extend(self.stateful_checks(ep));
        }
        out
    }

    fn transport_checks(&mut self) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        let s = Situation::UnknownRoute;
        out.push(Check {
            id: format!("{}.transport.unknown_route", v.name),
            family: Family::Transport,
            removable: Vec::new(),
            endpoint: None,
            rule: dialect_check_id(v, &s),
            severity: Severity::Fail,
            sources: v.transport.sources.clone(),
            what: "a route no endpoint has is refused".into(),
            steps: vec![Step {
                call: Call::Raw {
                    endpoint: v.endpoints.iter().find(|e| e.authenticated).map(|e| e.id.clone()),
                    route: Some("erpspec-no-such-route".into()),
                    method: method_for(v),
                    content_type: "application/json".into(),
                    body: "{}".into(),
                },
                expect: refusal(v, None, &s),
                fills: Vec::new(),
                locate: None,
            }],
        });
        for ep in &v.endpoints {
            let wrong = ["PATCH", "PUT", "DELETE", "POST", "GET"]
                .into_iter()
                .find(|m| !v.transport.methods.iter().any(|x| x.eq_ignore_ascii_case(m)));
            if let Some(method) = wrong {
                let s = Situation::WrongMethod;
                let documented = v.transport.on_wrong_method.is_some() || v.transport.methods_documented;
                let built = self.base(ep);
                let mut step = self.step(ep, built.body, Presenting::Valid, refusal(v, Some(ep), &s));
                if let Call::Json { method: m, .. } = &mut step.call {
                    *m = method.to_string();
                }
                out.push(Check {
                    id: format!("{}.{}.transport.wrong_method", v.name, ep.id),
                    family: Family::Transport,
                    removable: Vec::new(),
                    endpoint: Some(ep.id.clone()),
                    rule: dialect_check_id(v, &s),
                    severity: if documented { Severity::Fail } else { Severity::Warn },
                    sources: v.transport.sources.clone(),
                    what: format!("{method} is refused (the docs give {})", v.transport.methods.join(", ")),
                    steps: vec![step],
                });
            }
            if v.transport.on_invalid_json.is_some() {
                let s = Situation::InvalidJson;
                out.push(Check {
                    id: format!("{}.{}.transport.invalid_json", v.name, ep.id),
                    family: Family::Transport,
                    removable: Vec::new(),
                    endpoint: Some(ep.id.clone()),
                    rule: dialect_check_id(v, &s),
                    severity: Severity::Fail,
                    sources: v.transport.sources.clone(),
                    what: "a body that is not JSON is refused".into(),
                    steps: vec![Step {
                        call: Call::Raw {
                            endpoint: Some(ep.id.clone()),
                            route: None,
                            method: method_for(v),
                            content_type: "application/json".into(),
                            body: "{\"".into(),
                        },
                        expect: refusal(v, Some(ep), &s),
                        fills: Vec::new(),
                        locate: None,
                    }],
                });
            }
        }
        out
    }

    /// The expectation for an example: refused if it breaks a rule, else success.
    fn example_expect(&self, ep: &Endpoint, ex: &Example) -> (Expect, Severity, String) {
        let rules = ep.all_rules();
        let broken: Vec<&Rule> = ex
            .breaks
            .iter()
            .filter_map(|id| rules.iter().find(|(_, r)| &r.id == id).map(|(_, r)| *r))
            .collect();
        match broken.first() {
            None => (success(), Severity::Fail, format!("{}.{}.operation", self.v().name, ep.id)),
            Some(r) => {
                let severity = if broken.iter().any(|r| r.strength == Strength::Documented) {
                    Severity::Fail
                } else {
                    Severity::Warn
                };
                (refusal(self.v(), Some(ep), &Situation::RuleBroken(Some(r))), severity, r.id.clone())
            }
        }
    }

    fn accepted_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        if ep.operation.kind == OperationKind::Login {
            if let Some((_, body)) = self.t.login() {
                out.push(Check {
                    id: format!("{}.{}.accepted.credentials", v.name, ep.id),
                    family: Family::Accepted,
                    removable: Vec::new(),
                    endpoint: Some(ep.id.clone()),
                    rule: format!("{}.{}.operation", v.name, ep.id),
                    severity: Severity::Fail,
                    sources: ep.sources.clone(),
                    what: "the configured credentials get a token".into(),
                    steps: vec![self.step(ep, body.clone(), Presenting::Valid, success())],
                });
                let mut wrong = body.clone();
                if let Some(issue) = &v.auth.token
                    && let Some(field) = issue.credential_fields.values().last()
                {
                    wrong[field] = json!(format!("{}-wrong", self.uniq.text()));
                }
                let s = Situation::LoginRejected;
                out.push(Check {
                    id: format!("{}.{}.auth.rejected", v.name, ep.id),
                    family: Family::Auth,
                    removable: Vec::new(),
                    endpoint: Some(ep.id.clone()),
                    rule: dialect_check_id(v, &s),
                    severity: Severity::Fail,
                    sources: ep.sources.clone(),
                    what: "wrong credentials get no token".into(),
                    steps: vec![self.step(ep, wrong, Presenting::Valid, refusal(v, Some(ep), &s))],
                });
            }
            return out;
        }
        let base = self.base(ep);
        let steps = self.on_fresh_record(ep, base, Presenting::Valid, success());
        out.push(Check {
            id: format!("{}.{}.accepted.base", v.name, ep.id),
            family: Family::Accepted,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: format!("{}.{}.operation", v.name, ep.id),
            severity: Severity::Fail,
            sources: ep.sources.clone(),
            what: "a valid request built from the docs' example succeeds".into(),
            steps,
        });
        for (i, ex) in ep.examples.iter().enumerate() {
            let (expect, severity, rule) = self.example_expect(ep, ex);
            let built = self.build(ep, Some(ex), true);
            let steps = self.on_fresh_record(ep, built.clone(), Presenting::Valid, expect.clone());
            out.push(Check {
                id: format!("{}.{}.example.{}", v.name, ep.id, i + 1),
                family: Family::Accepted,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: rule.clone(),
                severity,
                sources: ex.sources.clone(),
                what: format!("the docs' example \"{}\" (records named by it replaced by the run's)", ex.name),
                steps,
            });
            if ex.query.is_some() && v.transport.parameters.contains(&erpspec_codegen::ir::ParamLocation::Query) {
                let query = query_string(&built.body);
                let mut steps = self.on_fresh_record(ep, built, Presenting::Valid, expect);
                if let Some(last) = steps.last_mut() {
                    last.call = Call::Query {
                        endpoint: ep.id.clone(),
                        query,
                    };
                }
                out.push(Check {
                    id: format!("{}.{}.example.{}.query", v.name, ep.id, i + 1),
                    family: Family::Accepted,
                    removable: Vec::new(),
                    endpoint: Some(ep.id.clone()),
                    rule,
                    severity,
                    sources: ex.sources.clone(),
                    what: format!("the docs' example \"{}\" as a query string", ex.name),
                    steps,
                });
            }
        }
        out
    }

    /// A rule case: the base request with one change, and what it must get.
    #[allow(clippy::too_many_arguments)]
    fn rule_case(
        &mut self,
        ep: &Endpoint,
        rule: &Rule,
        case: &str,
        what: String,
        accepted: bool,
        change: &dyn Fn(&mut Value, &mut Planner),
    ) -> Option<Check> {
        let v = self.v();
        let mut built = self.base(ep);
        // A value that names the record cannot also be varied and still find it.
        let rule_path: Vec<String> = ep
            .all_rules()
            .into_iter()
            .find(|(_, r)| r.id == rule.id)
            .map(|(p, _)| pointer_segments(&p))
            .unwrap_or_default();
        if accepted && built.identity.iter().any(|(p, _)| p == &rule_path) {
            return None;
        }
        change(&mut built.body, self);
        // Negative means negative on the wire: the IR validator must read the
        // request as breaking exactly this rule (or, accepted, breaking none).
        let report = erpspec_codegen::validate::validate_request(v, ep, &with_body_credentials(v, &built.body));
        let ok = if accepted {
            report.violations.is_empty()
        } else {
            report.violations.iter().any(|x| x.rule == rule.id)
        };
        if !ok {
            return None;
        }
        let expect = if accepted {
            success()
        } else {
            refusal(v, Some(ep), &Situation::RuleBroken(Some(rule)))
        };
        let steps = self.on_fresh_record(ep, built, Presenting::Valid, expect);
        Some(Check {
            id: format!("{}.{case}", rule.id),
            family: if accepted { Family::Accepted } else { Family::Rejected },
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: rule.id.clone(),
            severity: Severity::of(rule.strength),
            sources: sources(Some(rule), Some(ep), &[]),
            what,
            steps,
        })
    }

    fn rule_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let names = v.transport.names;
        let mut out = Vec::new();
        for (path, rule) in ep.all_rules() {
            let segs = pointer_segments(&path);
            if segs.len() == 1 && is_credential(v, &segs[0]) {
                continue;
            }
            let field = segs.iter().filter(|s| *s != "*").cloned().collect::<Vec<_>>().join(".");
            let mut cases: Vec<Option<Check>> = Vec::new();
            match &rule.kind {
                RuleKind::Required => {
                    let s2 = segs.clone();
                    cases.push(
                        self.rule_case(ep, rule, "missing", format!("{field} left out is refused"), false, &move |b, _| {
                            remove_path(b, &s2, names)
                        }),
                    );
                }
                RuleKind::AtLeastOneOf { fields } => {
                    let fields = fields.clone();
                    let s2 = segs.clone();
                    cases.push(self.rule_case(
                        ep,
                        rule,
                        "none",
                        format!("none of {} sent is refused", fields.join(", ")),
                        false,
                        &move |b, _| {
                            for f in &fields {
                                remove_path(b, &join(&s2, f), names);
                            }
                        },
                    ));
                }
                RuleKind::MaxItems { max } => {
                    let item = array_item(ep, &segs);
                    for (case, n, accepted) in [("at_limit", *max as usize, true), ("past_limit", *max as usize + 1, false)] {
                        let s2 = segs.clone();
                        let item = item.clone();
                        cases.push(
                            self.rule_case(ep, rule, case, format!("{field} with {n} items"), accepted, &move |b, p| {
                                let items: Vec<Value> = (0..n)
                                    .map(|_| item.as_ref().map(|f| p.valid_value(f)).unwrap_or(json!({})))
                                    .collect();
                                set_path(b, &s2, Value::Array(items), names)
                            }),
                        );
                    }
                }
                kind => {
                    for c in kind.cases().into_iter().filter(|c| !c.holds) {
                        cases.push(self.existing_identity_case(ep, rule, &segs, &c.id, &c.value));
                    }
                    for c in kind.cases() {
                        let (case, value, accepted) = (c.id, c.value, c.holds);
                        let s2 = segs.clone();
                        let shown = crate::report::short(&value);
                        cases.push(self.rule_case(
                            ep,
                            rule,
                            &case,
                            format!("{field} = {shown} is {}", if accepted { "accepted" } else { "refused" }),
                            accepted,
                            &move |b, _| set_path(b, &s2, value.clone(), names),
                        ));
                    }
                }
            }
            out.extend(cases.into_iter().flatten());
        }
        out.extend(self.type_checks(ep));
        out
    }

    /// A rule on a value that names the record (ManEx Edit's ten-digit
    /// `Custno`) is only observable against a record that exists under a
    /// value breaking it: created through the resource's create endpoint
    /// where that endpoint does not have the rule, then named.
    fn existing_identity_case(&mut self, ep: &Endpoint, rule: &Rule, segs: &[String], case: &str, value: &Value) -> Option<Check> {
        let v = self.v();
        let names = v.transport.names;
        let built = self.base(ep);
        let (_, record_path) = built.identity.iter().find(|(p, _)| p == segs)?.clone();
        let creator = self.creator(ep.operation.resource.as_deref()?)?;
        let field = creator
            .request
            .iter()
            .find(|f| self.record_name(creator, &f.name) == record_path[0] && !f.rules.iter().any(|r| r.kind.name() == rule.kind.name()))?
            .clone();
        let mut create = self.base(creator);
        set_path(&mut create.body, std::slice::from_ref(&field.name), value.clone(), names);
        let report = erpspec_codegen::validate::validate_request(v, creator, &with_body_credentials(v, &create.body));
        if !report.violations.is_empty() {
            return None;
        }
        let mut call = built.body;
        set_path(&mut call, segs, value.clone(), names);
        let report = erpspec_codegen::validate::validate_request(v, ep, &with_body_credentials(v, &call));
        if !report.violations.iter().any(|x| x.rule == rule.id) {
            return None;
        }
        Some(Check {
            id: format!("{}.{case}.existing", rule.id),
            family: Family::Rejected,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: rule.id.clone(),
            severity: Severity::of(rule.strength),
            sources: sources(Some(rule), Some(ep), &[]),
            what: format!(
                "a record created by {} with {} = {} exists, and {} naming it by that value is refused",
                creator.id,
                field.name,
                crate::report::short(value),
                ep.id
            ),
            steps: vec![
                self.step(creator, create.body, Presenting::Valid, success()),
                self.step(
                    ep,
                    call,
                    Presenting::Valid,
                    refusal(v, Some(ep), &Situation::RuleBroken(Some(rule))),
                ),
            ],
        })
    }

    /// A value of the wrong JSON type for every scalar field: refused, with
    /// any refusal (the docs do not say how a wrong type is answered).
    fn type_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let names = v.transport.names;
        let mut out = Vec::new();
        let mut scalars: Vec<(Vec<String>, &Field)> = ep.request.iter().map(|f| (vec![f.name.clone()], f)).collect();
        for f in &ep.request {
            if let Type::Object { fields, .. } = &f.ty {
                scalars.extend(fields.iter().map(|c| (vec![f.name.clone(), c.name.clone()], c)));
            }
        }
        for (path, f) in scalars {
            if path.len() == 1 && is_credential(v, &f.name) || !matches!(f.ty, Type::Scalar { .. }) {
                continue;
            }
            let mut built = self.base(ep);
            set_path(
                &mut built.body,
                &path,
                json!({ "erpspec": "an object where a scalar is documented" }),
                names,
            );
            let report = erpspec_codegen::validate::validate_request(v, ep, &with_body_credentials(v, &built.body));
            let id_type = format!("{}.{}.{}.type", v.name, ep.id, path.join("."));
            if !report.violations.iter().any(|x| x.rule == id_type) {
                continue;
            }
            let steps = self.on_fresh_record(ep, built, Presenting::Valid, Expect::Refusal { entries: Vec::new() });
            out.push(Check {
                id: format!("{id_type}.object"),
                family: Family::Rejected,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: id_type,
                severity: Severity::Fail,
                sources: f.sources.clone().into_iter().chain(ep.sources.clone()).take(1).collect(),
                what: format!("{} as a JSON object is refused", path.join(".")),
                steps,
            });
        }
        out
    }

    fn auth_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        if !ep.authenticated {
            return out;
        }
        let token = v.auth.token.is_some();
        let mut cases: Vec<(&str, Presenting, Situation, &str)> = vec![
            ("missing", Presenting::Nothing, Situation::AuthMissing, "no credentials are refused"),
            (
                "rejected",
                Presenting::Wrong,
                Situation::AuthRejected,
                "wrong credentials are refused",
            ),
        ];
        if token {
            cases.push((
                "malformed",
                Presenting::Malformed,
                Situation::AuthMalformed,
                "a malformed token is refused",
            ));
        }
        for (case, presenting, s, what) in cases {
            let built = self.base(ep);
            let mut expect = refusal(v, Some(ep), &s);
            // Which strings are malformed rather than unknown is not
            // documented: either answer is right.
            if let (Situation::AuthMalformed, Expect::Refusal { entries }, Some(r)) = (&s, &mut expect, &v.auth.on_rejected)
                && !entries.contains(r)
            {
                entries.push(r.clone());
            }
            out.push(Check {
                id: format!("{}.{}.auth.{case}", v.name, ep.id),
                family: Family::Auth,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: dialect_check_id(v, &s),
                severity: Severity::Fail,
                sources: v.auth.sources.clone(),
                what: what.into(),
                steps: vec![self.step(ep, built.body, presenting, expect)],
            });
        }
        let consumes = ep.operation.kind == OperationKind::Delete;
        if v.auth.presentations.iter().any(|p| p.deprecated) && !consumes {
            let p = v
                .auth
                .presentations
                .iter()
                .find(|p| p.deprecated)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            let built = self.base(ep);
            out.push(Check {
                id: format!("{}.{}.auth.deprecated", v.name, ep.id),
                family: Family::Auth,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: format!("{}.auth.presentations.{p}", v.name),
                severity: Severity::Fail,
                sources: v.auth.sources.clone(),
                what: format!("the deprecated `{p}` alone is still accepted"),
                steps: vec![self.step(ep, built.body, Presenting::Deprecated, success())],
            });
        }
        if v.auth.presentations.len() > 1 && !v.auth.presentations[0].deprecated && !consumes {
            let built = self.base(ep);
            out.push(Check {
                id: format!("{}.{}.auth.precedence", v.name, ep.id),
                family: Family::Auth,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: format!("{}.auth.presentations", v.name),
                severity: Severity::Fail,
                sources: v.auth.sources.clone(),
                what: format!(
                    "a valid `{}` wins over a wrong `{}`",
                    v.auth.presentations[0].name, v.auth.presentations[1].name
                ),
                steps: vec![self.step(ep, built.body, Presenting::Precedence, success())],
            });
        }
        out
    }
}

/// The declared item of the array at a pointer, if it is an object.
fn array_item(ep: &Endpoint, segs: &[String]) -> Option<Field> {
    let mut fields = &ep.request;
    let mut found: Option<&Field> = None;
    for seg in segs.iter().filter(|s| *s != "*") {
        let f = fields.iter().find(|f| &f.name == seg)?;
        found = Some(f);
        fields = match &f.ty {
            Type::Object { fields, .. } => fields,
            Type::Array { items } => match items.as_ref() {
                Type::Object { fields, .. } => fields,
                _ => return None,
            },
            _ => return None,
        };
    }
    let f = found?;
    match &f.ty {
        Type::Array { items } => Some(Field {
            ty: (**items).clone(),
            rules: Vec::new(),
            ..f.clone()
        }),
        _ => None,
    }
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

/// A flat JSON object as a query string (`?A=x&B=y z`), values as text.
fn query_string(body: &Value) -> String {
    let mut parts = Vec::new();
    if let Value::Object(m) = body {
        for (k, v) in m {
            let text = crate::oracle::text(v);
            parts.push(format!("{}={}", crate::target::encode_query(k), crate::target::encode_query(&text)));
        }
    }
    format!("?{}", parts.join("&"))
}

/// Assertions that a record read back holds what `body` wrote.
pub fn read_back_asserts(p: &Planner, writer: &Endpoint, reader: &Endpoint, body: &Value, include_fields: Option<&[Field]>) -> Vec<Assert> {
    let v = &p.t.vendor;
    let names = v.transport.names;
    let padded = reader.quirks.iter().any(|q| matches!(q.kind, QuirkKind::PadsStrings { .. }));
    let mut out = Vec::new();
    let resp_fields: &[Field] = include_fields.unwrap_or(&reader.response.fields);
    let assigned: Vec<String> = p
        .resource(writer)
        .map(|r| r.assigned.iter().map(|a| a.field.clone()).collect())
        .unwrap_or_default();
    let mut leaves = Vec::new();
    flatten(body, &mut Vec::new(), &mut leaves);
    let member = writer.operation.record_member.as_deref();
    for (path, value) in leaves {
        if path.len() == 1 && is_credential(v, &path[0]) {
            continue;
        }
        // Record spelling of the top-level name (`stores`, case).
        let mut rpath = path.clone();
        let top_index = usize::from(member.is_some_and(|m| path.first().map(String::as_str) == Some(m)));
        if let Some(seg) = rpath.get_mut(top_index) {
            *seg = p.record_name(writer, seg);
        }
        if assigned.iter().any(|a| {
            a.split('.').collect::<Vec<_>>()
                == rpath
                    .iter()
                    .filter(|s| s.parse::<usize>().is_err())
                    .map(String::as_str)
                    .collect::<Vec<_>>()
        }) {
            continue;
        }
        let declared = declared_at(resp_fields, &rpath, names) || (top_index == 1 && declared_at(resp_fields, &rpath[1..], names));
        if !declared {
            continue;
        }
        // A documented read-back quirk changes what is read.
        let within: Vec<String> = rpath[top_index..].to_vec();
        let mut expected = value.clone();
        let mut because = format!("written by {}", writer.id);
        for q in &writer.quirks {
            if let QuirkKind::ReadsBackAs {
                path: pattern,
                written,
                read,
            } = &q.kind
                && pattern_matches(pattern, &within)
                && &value == written
            {
                expected = read.clone();
                because = format!("quirk {}: {}", q.id, q.description.trim());
            }
        }
        out.push(Assert {
            path: rpath,
            value: expected,
            compare: if padded { Compare::Trimmed } else { Compare::Exact },
            because,
        });
    }
    out
}

fn flatten(v: &Value, at: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                at.push(k.clone());
                flatten(x, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                at.push(i.to_string());
                flatten(x, at, out);
                at.pop();
            }
        }
        Value::Null => {}
        scalar => out.push((at.clone(), scalar.clone())),
    }
}

fn pattern_matches(pattern: &str, path: &[String]) -> bool {
    let segs = pointer_segments(pattern);
    segs.len() == path.len() && segs.iter().zip(path).all(|(s, p)| s == "*" || s == p)
}

fn declared_at(fields: &[Field], path: &[String], names: erpspec_rules::NameMatching) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let Some(f) = fields.iter().find(|f| names.matches(&f.name, first)) else {
        return false;
    };
    if rest.is_empty() {
        return matches!(f.ty, Type::Scalar { .. });
    }
    let mut ty = &f.ty;
    let mut rest = rest;
    loop {
        match ty {
            Type::Array { items } if rest.first().is_some_and(|s| s.parse::<usize>().is_ok()) => {
                ty = items;
                rest = &rest[1..];
                if rest.is_empty() {
                    return matches!(ty, Type::Scalar { .. });
                }
            }
            Type::Object { fields, .. } => return declared_at(fields, rest, names),
            _ => return false,
        }
    }
}

impl Planner<'_> {
    /// The read of a record a step created: the reader with its identity
    /// taken from that record; for a resource read through its parent
    /// (RPM contacts inside `Customer`), the parent's read and where the
    /// record sits in it.
    fn read_after(&mut self, resource: &Resource, from_step: usize) -> Option<(Step, &'static str, Option<Vec<Field>>)> {
        let v = self.v();
        if let Some(reader) = self.reader(&resource.name) {
            let built = self.base(reader);
            let mut body = built.body.clone();
            let mut fills = Vec::new();
            if reader.operation.kind == OperationKind::Query {
                // Query by the record's key only.
                body = json!({});
                for k in &resource.key {
                    if reader.field(k).is_some() {
                        fills.push(Fill {
                            from_step,
                            record_path: vec![k.clone()],
                            into: vec![k.clone()],
                        });
                    }
                }
            } else {
                fills = built
                    .identity
                    .iter()
                    .map(|(into, record_path)| Fill {
                        from_step,
                        record_path: record_path.clone(),
                        into: into.clone(),
                    })
                    .collect();
            }
            let mut step = self.step(reader, body, Presenting::Valid, success());
            step.fills = fills;
            let name: &'static str = Box::leak(reader.id.clone().into_boxed_str());
            return Some((step, name, None));
        }
        // Read through a parent that includes this resource.
        let (parent, inc) = v
            .resources
            .iter()
            .find_map(|r| r.includes.iter().find(|i| i.resource == resource.name).map(|i| (r, i)))?;
        let reader = self.reader(&parent.name)?;
        let built = self.base(reader);
        let mut step = self.step(reader, built.body, Presenting::Valid, success());
        step.locate = Some(Locate {
            member: inc.member.clone(),
            key: resource.key.first()?.split('.').map(str::to_string).collect(),
            from_step,
        });
        let item_fields = reader
            .response
            .fields
            .iter()
            .find(|f| f.name == inc.member)
            .and_then(|f| match &f.ty {
                Type::Array { items } => match items.as_ref() {
                    Type::Object { fields, .. } => Some(fields.clone()),
                    _ => None,
                },
                _ => None,
            });
        let name: &'static str = Box::leak(reader.id.clone().into_boxed_str());
        Some((step, name, item_fields))
    }

    fn stateful_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        let Some(resource) = self.resource(ep) else { return out };
        let op = &ep.operation;
        let rule = |part: &str| format!("{}.{}.{part}", v.name, ep.id);
        match op.kind {
            OperationKind::Create => {
                // Create, then read back.
                let built = self.base(ep);
                if let Some((mut read, reader_id, include_fields)) = self.read_after(resource, 0) {
                    let reader = v.endpoint(reader_id).unwrap_or(ep);
                    let asserts = read_back_asserts(self, ep, reader, &built.body, include_fields.as_deref());
                    read.expect = Expect::Success { asserts };
                    out.push(Check {
                        id: format!("{}.{}.stateful.read_back", v.name, ep.id),
                        family: Family::Stateful,
                        removable: Vec::new(),
                        endpoint: Some(ep.id.clone()),
                        rule: rule("operation"),
                        severity: Severity::Fail,
                        sources: ep.sources.clone(),
                        what: format!("a created record reads back through {reader_id} as written"),
                        steps: vec![self.step(ep, built.body.clone(), Presenting::Valid, success()), read],
                    });
                    // Padding the docs show is a warning when absent.
                    for q in &reader.quirks {
                        if let QuirkKind::PadsStrings { unpadded } = &q.kind {
                            let built = self.base(ep);
                            let Some((mut read, _, _)) = self.read_after(resource, 0) else {
                                continue;
                            };
                            let asserts: Vec<Assert> = read_back_asserts(self, ep, reader, &built.body, None)
                                .into_iter()
                                .filter(|a| a.value.is_string() && !unpadded.iter().any(|u| a.path.last() == Some(u)))
                                .map(|a| Assert {
                                    compare: Compare::Padded,
                                    because: format!("quirk {}: {}", q.id, q.description.trim()),
                                    ..a
                                })
                                .collect();
                            if asserts.is_empty() {
                                continue;
                            }
                            read.expect = Expect::Success { asserts };
                            out.push(Check {
                                id: format!("{}.{}.quirks.{}", v.name, reader.id, q.id),
                                family: Family::Stateful,
                                removable: Vec::new(),
                                endpoint: Some(reader.id.clone()),
                                rule: format!("{}.{}.quirks.{}", v.name, reader.id, q.id),
                                severity: Severity::Warn,
                                sources: q.sources.clone(),
                                what: "text written comes back padded with spaces, as the docs show".into(),
                                steps: vec![self.step(ep, built.body, Presenting::Valid, success()), read],
                            });
                        }
                    }
                }
                // The same key (or unique value) twice.
                let mut dup = self.base(ep);
                let chosen: Vec<&Field> = ep
                    .request
                    .iter()
                    .chain(
                        op.record_member
                            .as_deref()
                            .and_then(|m| ep.field(m))
                            .and_then(|f| match &f.ty {
                                Type::Object { fields, .. } => Some(fields.iter()),
                                _ => None,
                            })
                            .into_iter()
                            .flatten(),
                    )
                    .filter(|f| {
                        let r = self.record_name(ep, &f.name);
                        f.refers_to.is_none()
                            && !self.t.fixtures.contains_key(&f.name)
                            && (resource.key.contains(&r) || resource.unique.contains(&r))
                    })
                    .collect();
                if !chosen.is_empty() {
                    let names = v.transport.names;
                    for f in &chosen {
                        let path = match &op.record_member {
                            Some(m) if ep.field(&f.name).is_none() => vec![m.clone(), f.name.clone()],
                            _ => vec![f.name.clone()],
                        };
                        if !present(&dup.body, &path, names) {
                            let fresh = self.fresh_value(ep, f);
                            set_path(&mut dup.body, &path, fresh, names);
                        }
                    }
                    let s = Situation::Duplicate;
                    out.push(Check {
                        id: format!("{}.{}.stateful.duplicate", v.name, ep.id),
                        family: Family::Stateful,
                        removable: Vec::new(),
                        endpoint: Some(ep.id.clone()),
                        rule: rule("operation.on_duplicate"),
                        severity: Severity::Fail,
                        sources: ep.sources.clone(),
                        what: format!(
                            "a second create with the same {} is refused",
                            chosen.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                        steps: vec![
                            self.step(ep, dup.body.clone(), Presenting::Valid, success()),
                            self.step(ep, dup.body, Presenting::Valid, refusal(v, Some(ep), &s)),
                        ],
                    });
                }
                // References to records that do not exist.
                for f in ep.request.iter().filter(|f| f.refers_to.is_some()) {
                    let Some(r) = &f.refers_to else { continue };
                    let mut built = self.base(ep);
                    let missing = self.missing_value(f);
                    built.body[&f.name] = missing;
                    let s = Situation::MissingReference(r);
                    out.push(Check {
                        id: format!("{}.{}.{}.refers_to.missing", v.name, ep.id, f.name),
                        family: Family::Stateful,
                        removable: Vec::new(),
                        endpoint: Some(ep.id.clone()),
                        rule: format!("{}.{}.{}.refers_to", v.name, ep.id, f.name),
                        severity: Severity::Fail,
                        sources: f.sources.clone(),
                        what: format!("a {} naming no {} is refused", f.name, r.resource),
                        steps: vec![self.step(ep, built.body, Presenting::Valid, refusal(v, Some(ep), &s))],
                    });
                }
            }
            OperationKind::Update => {
                if let Some(creator) = self.creator(&resource.name) {
                    if let Some(check) = self.update_read_back(ep, creator, resource) {
                        out.push(check);
                    }
                    if let Some(check) = self.duplicate_update(ep, creator, resource) {
                        out.push(check);
                    }
                }
            }
            _ => {}
        }
        if matches!(op.kind, OperationKind::Read | OperationKind::Update | OperationKind::Delete) {
            let mut built = self.base(ep);
            let names = v.transport.names;
            for (path, _) in &built.identity.clone() {
                let f = field_at(ep, path);
                if let Some(f) = f {
                    let missing = self.missing_value(&f);
                    set_path(&mut built.body, path, missing, names);
                }
            }
            if !built.identity.is_empty() {
                let s = Situation::NotFound;
                out.push(Check {
                    id: format!("{}.{}.stateful.not_found", v.name, ep.id),
                    family: Family::Stateful,
                    removable: Vec::new(),
                    endpoint: Some(ep.id.clone()),
                    rule: rule("operation.on_not_found"),
                    severity: Severity::Fail,
                    sources: ep.sources.clone(),
                    what: "a record that does not exist is refused".into(),
                    steps: vec![self.step(ep, built.body, Presenting::Valid, refusal(v, Some(ep), &s))],
                });
            }
        }
        if op.kind == OperationKind::Delete {
            let built = self.base(ep);
            let mut steps = self.on_fresh_record(ep, built, Presenting::Valid, success());
            if steps.len() == 2 {
                let mut again = steps[1].clone();
                again.expect = refusal(v, Some(ep), &Situation::NotFound);
                steps.push(again);
                out.push(Check {
                    id: format!("{}.{}.stateful.delete", v.name, ep.id),
                    family: Family::Stateful,
                    removable: Vec::new(),
                    endpoint: Some(ep.id.clone()),
                    rule: rule("operation"),
                    severity: Severity::Fail,
                    sources: ep.sources.clone(),
                    what: "a created record is deleted, and a second delete is refused".into(),
                    steps,
                });
            }
        }
        out
    }

    /// Create, update one field, read back: the field changed and what the
    /// update did not send is unchanged.
    fn update_read_back(&mut self, ep: &Endpoint, creator: &Endpoint, resource: &Resource) -> Option<Check> {
        let v = self.v();
        let names = v.transport.names;
        let created = self.base(creator);
        let (mut read, reader_id, include_fields) = self.read_after(resource, 0)?;
        let reader = v.endpoint(reader_id)?;
        let update = self.base(ep);
        let op = &ep.operation;
        // The field to change: a plain text field of the record, not naming it.
        let identity: Vec<&str> = update.identity.iter().filter_map(|(p, _)| p.last().map(String::as_str)).collect();
        let (scope, fields): (Vec<String>, &[Field]) = match op.record_member.as_deref().and_then(|m| ep.field(m)) {
            Some(Field {
                ty: Type::Object { fields, .. },
                name,
                ..
            }) => (vec![name.clone()], fields),
            _ => (vec![], &ep.request),
        };
        let change = fields.iter().find(|f| {
            f.ty.scalar() == Some(ScalarType::String)
                && f.rules.is_empty()
                && f.refers_to.is_none()
                && !is_credential(v, &f.name)
                && !identity.contains(&f.name.as_str())
                && !op.lookup.iter().any(|l| l.field == f.name)
                && !resource.unique.contains(&self.record_name(ep, &f.name))
                && declared_at(
                    include_fields.as_deref().unwrap_or(&reader.response.fields),
                    &[self.record_name(ep, &f.name)],
                    names,
                )
        })?;
        let new_value = json!(self.uniq.text());
        let mut body = json!({});
        let mut fills = Vec::new();
        for (into, record_path) in &update.identity {
            fills.push(Fill {
                from_step: 0,
                record_path: record_path.clone(),
                into: into.clone(),
            });
            set_path(&mut body, into, json!(null), names);
        }
        // Keep the other fields a rule requires (RPM's Customer object).
        let change_path = join(&scope, &change.name);
        set_path(&mut body, &change_path, new_value.clone(), names);
        for f in ep.request.iter().filter(|f| f.required && !is_credential(v, &f.name)) {
            if !present(&body, std::slice::from_ref(&f.name), names)
                && !update.identity.iter().any(|(p, _)| p.first() == Some(&f.name))
                && let Some(x) = update.body.get(&f.name)
            {
                body[&f.name] = x.clone();
            }
        }
        let mut upd = self.step(ep, body, Presenting::Valid, success());
        upd.fills = fills;
        let mut asserts = read_back_asserts(self, creator, reader, &created.body, include_fields.as_deref());
        let changed_record_path = {
            let mut p = change_path.clone();
            let top = usize::from(!scope.is_empty());
            p[top] = self.record_name(ep, &change.name);
            p
        };
        asserts.retain(|a| {
            let strip = |p: &[String]| p.iter().filter(|s| Some(*s) != scope.first()).cloned().collect::<Vec<_>>();
            strip(&a.path) != strip(&changed_record_path)
        });
        asserts.push(Assert {
            path: changed_record_path,
            value: new_value,
            compare: asserts.first().map(|a| a.compare).unwrap_or(Compare::Exact),
            because: format!("written by {}", ep.id),
        });
        read.expect = Expect::Success { asserts };
        Some(Check {
            id: format!("{}.{}.stateful.update_read_back", v.name, ep.id),
            family: Family::Stateful,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: format!("{}.{}.operation", v.name, ep.id),
            severity: Severity::Fail,
            sources: ep.sources.clone(),
            what: format!(
                "an update of {} reads back changed, with what it did not send unchanged",
                change.name
            ),
            steps: vec![self.step(creator, created.body, Presenting::Valid, success()), upd, read],
        })
    }
}

impl Planner<'_> {
    /// Create two records, then give the second the first one's unique
    /// value: refused.
    fn duplicate_update(&mut self, ep: &Endpoint, creator: &Endpoint, resource: &Resource) -> Option<Check> {
        let v = self.v();
        let names = v.transport.names;
        let update = self.base(ep);
        let identity: Vec<&str> = update.identity.iter().filter_map(|(p, _)| p.last().map(String::as_str)).collect();
        let (scope, fields): (Vec<String>, &[Field]) = match ep.operation.record_member.as_deref().and_then(|m| ep.field(m)) {
            Some(Field {
                ty: Type::Object { fields, .. },
                name,
                ..
            }) => (vec![name.clone()], fields),
            _ => (vec![], &ep.request),
        };
        let unique = fields
            .iter()
            .find(|f| !identity.contains(&f.name.as_str()) && resource.unique.contains(&self.record_name(ep, &f.name)))?;
        let record_field = self.record_name(ep, &unique.name);
        let (first, second) = (self.base(creator), self.base(creator));
        let mut body = json!({});
        let mut fills = Vec::new();
        for (into, record_path) in &update.identity {
            set_path(&mut body, into, json!(null), names);
            fills.push(Fill {
                from_step: 1,
                record_path: record_path.clone(),
                into: into.clone(),
            });
        }
        let into = join(&scope, &unique.name);
        set_path(&mut body, &into, json!(null), names);
        fills.push(Fill {
            from_step: 0,
            record_path: vec![record_field.clone()],
            into,
        });
        let mut step = self.step(ep, body, Presenting::Valid, refusal(v, Some(ep), &Situation::Duplicate));
        step.fills = fills;
        Some(Check {
            id: format!("{}.{}.stateful.duplicate", v.name, ep.id),
            family: Family::Stateful,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: format!("{}.{}.operation.on_duplicate", v.name, ep.id),
            severity: Severity::Fail,
            sources: ep.sources.clone(),
            what: format!("giving a record another record's {record_field} is refused"),
            steps: vec![
                self.step(creator, first.body, Presenting::Valid, success()),
                self.step(creator, second.body, Presenting::Valid, success()),
                step,
            ],
        })
    }
}

fn field_at(ep: &Endpoint, path: &[String]) -> Option<Field> {
    let mut fields = &ep.request;
    let mut found = None;
    for seg in path {
        let f = fields.iter().find(|f| &f.name == seg)?;
        found = Some(f.clone());
        if let Type::Object { fields: inner, .. } = &f.ty {
            fields = inner;
        }
    }
    found
}

/// What a payload kind returns, for reports.
pub fn payload_kind(p: &Payload) -> &'static str {
    match p {
        Payload::Record => "record",
        Payload::Records => "records",
        Payload::EmptyObject => "empty object",
        Payload::Null => "null",
        Payload::Wrapped { .. } => "wrapped record",
    }
}
