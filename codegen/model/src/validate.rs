//! The IR-driven validator: the conformance oracle's view of a request.
//!
//! It builds from the IR the runtime description the generated validators
//! embed as constructor calls ([`erpspec_rules::read::Endpoint`]: fields,
//! shapes, checks with id, strength and message, object rules, the dialect)
//! and reads the request with [`erpspec_rules::read`], the one reader: name
//! matching, strings carrying numbers, rule order and what a violation says
//! are implemented there, once. `generated/tests/agree.rs` proves every
//! generated description equal to the one built here.

use crate::ir::{Endpoint, Field, Rule, Type, Vendor};
use erpspec_rules::RuleKind;
pub use erpspec_rules::WireReport;
use erpspec_rules::read::{self, Object, Shape, WireRule};
use serde_json::Value;

/// Validates a request body (or the query string's parameters as an object).
pub fn validate_request(vendor: &Vendor, ep: &Endpoint, body: &Value) -> WireReport {
    wire(vendor, ep).read_value(body)
}

/// The runtime description of an endpoint's request, built from the IR: what
/// the generated crate's `wire(vendor, endpoint)` holds for it. Its objects
/// find members by their declared names ([`Object::declared`]) where the
/// generated ones have a `match`.
pub fn wire(vendor: &Vendor, ep: &Endpoint) -> read::Endpoint {
    let t = &vendor.transport;
    let prefix = format!("{}.{}.", vendor.name, ep.id);
    read::Endpoint::new(prefix, t.names, t.strings_carry_scalars, object(&ep.request, &ep.rules, ""))
}

/// An object at `rule_path` (dotted, empty for the request): each field with
/// its `required` check (where the field is required) and its other rules in
/// the IR's order, then the object's `at_least_one_of` rules.
fn object(fields: &[Field], rules: &[Rule], rule_path: &str) -> Object {
    let mut o = Object::declared();
    for f in fields {
        o.field(f.name.clone(), shape(&f.ty, rule_path, &f.name));
        if f.required
            && let Some(r) = f.rules.iter().find(|r| is_required(r))
        {
            o.required(check(r));
        }
        for r in f.rules.iter().filter(|r| !is_required(r)) {
            o.rule(check(r));
        }
    }
    for r in rules {
        if let RuleKind::AtLeastOneOf { fields: wanted } = &r.kind {
            let at: Vec<usize> = (0..fields.len()).filter(|&i| wanted.contains(&fields[i].name)).collect();
            // Its message names the object, not a field (as a typed value,
            // which reports it without a path, needs it written in).
            o.at_least_one_of(&at, check(r).message(r.violation_message(rule_path)));
        }
    }
    o
}

/// The shape of the value of the field `name` (of type `ty`) of the object
/// at `parent` (its dotted rule path).
fn shape(ty: &Type, parent: &str, name: &str) -> Shape {
    match ty {
        Type::Scalar { scalar } => Shape::Scalar(*scalar),
        Type::Array { items } => Shape::array(shape(items, parent, name)),
        Type::Object { fields, rules } if parent.is_empty() => Shape::Object(object(fields, rules, name)),
        Type::Object { fields, rules } => Shape::Object(object(fields, rules, &format!("{parent}.{name}"))),
    }
}

/// A rule as the reader checks it: its kind and each other documented
/// reading, its strength, its id as the IR gives it, the vendor's message.
fn check(r: &Rule) -> WireRule {
    let c = r
        .alternatives
        .iter()
        .fold(WireRule::new(r.strength, r.kind.clone()), |c, kind| c.or(kind.clone()))
        .id(r.id.clone());
    match &r.message {
        Some(m) => c.message(m.clone()),
        None => c,
    }
}

fn is_required(r: &Rule) -> bool {
    matches!(r.kind, RuleKind::Required)
}
