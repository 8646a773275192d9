//! Readings: the choices the reference server makes where the vendors'
//! pages leave the answer open or contradict themselves, each a switch.
//!
//! The choice points are listed from the IR (nothing here names a vendor):
//! each contested rule (every documented reading accepted, or only the
//! schema's first; a rule only one source makes: applied, or not; a length
//! limit: refused, or cut to it), contested `clears_omitted`, each enum whose letter case the pages leave
//! open, each site rule (the demo's values, or any value), values of
//! another JSON type (refused, or taken), a key the server assigns that a
//! client sends to a create (kept, or ignored), a dialect's padding quirk,
//! the HTTP status of refusals whose status is undocumented, situations
//! with several documented answers (the first, or the last), and the
//! records the server starts with and numbers from.
//!
//! `--readings default` takes the first choice everywhere, `other` the
//! second everywhere, `random --seed N` a random half. The conformance
//! harness must pass against all of them: a server may take any reading the
//! docs allow.

use erpspec_model::answers::{self, Situation};
use erpspec_model::check_id::{CheckId, EndpointPart};
use erpspec_model::ir::{Endpoint, Field, QuirkKind, Type, Vendor};
use erpspec_rules::{Case, RuleKind, ScalarType, Strength, Violation, WireReport};
use serde_json::Value;
use std::collections::BTreeSet;

/// One place where the docs leave the server a choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoicePoint {
    /// Stable id, e.g. `contested:manex.ship-bill-add.recordtype.enum`.
    pub id: String,
    /// What the default and the other choice do.
    pub default: String,
    pub other: String,
}

/// Which choice the server makes at each point.
#[derive(Clone, Debug, Default)]
pub struct Readings {
    other: BTreeSet<String>,
    /// Where sequences start under the `numbering` choice's other side.
    pub offset: i64,
}

/// The reading names `--readings` takes.
pub const NAMES: [&str; 3] = ["default", "other", "random"];

impl Readings {
    /// `default`, `other`, or `random` (a half chosen by `seed`).
    pub fn parse(v: &Vendor, name: &str, seed: u64) -> Result<Readings, String> {
        let points = points(v);
        let mut rng = SplitMix(seed ^ 0x005E_ED0F_0A11);
        let other: BTreeSet<String> = match name {
            "default" => BTreeSet::new(),
            "other" => points.iter().map(|p| p.id.clone()).collect(),
            "random" => points.iter().filter(|_| rng.next() % 2 == 1).map(|p| p.id.clone()).collect(),
            _ => return Err(format!("unknown reading `{name}`: use one of {}", NAMES.join(", "))),
        };
        Ok(Readings {
            other,
            offset: 100_000 + (SplitMix(seed).next() % 800_000) as i64,
        })
    }

    /// Does the server take the other side at this point?
    pub fn other(&self, id: &str) -> bool {
        self.other.contains(id)
    }

    /// The points at which the other side is taken.
    pub fn flipped(&self) -> impl Iterator<Item = &String> {
        self.other.iter()
    }
}

/// The id of each kind of choice point.
pub fn contested(rule: &str) -> String {
    format!("contested:{rule}")
}
pub fn clears_omitted(ep: &str) -> String {
    format!("clears_omitted:{ep}")
}
pub fn other_type(ep: &str, pointer: &str) -> String {
    format!("type:{ep}{pointer}")
}
pub fn implied(rule: &str) -> String {
    format!("implied:{rule}")
}
pub fn enum_case(rule: &str) -> String {
    format!("enum_case:{rule}")
}
pub fn site(rule: &str) -> String {
    format!("site:{rule}")
}
pub const WRONG_TYPE: &str = "wrong_type";
pub fn client_key(ep: &str) -> String {
    format!("client_key:{ep}")
}
pub fn padding(quirk: &str) -> String {
    format!("padding:{quirk}")
}
pub const STATUS: &str = "undocumented_status";
pub fn answers(v: &Vendor, ep: Option<&Endpoint>, s: &Situation<'_>) -> String {
    match (s, ep) {
        (Situation::RuleBroken(_), Some(ep)) if !ep.on_rule_violation.is_empty() => {
            format!("answers:{}", CheckId::endpoint(v, ep, EndpointPart::OnRuleViolation))
        }
        _ => format!("answers:{}", CheckId::dialect(v, s)),
    }
}
pub const RECORDS: &str = "records";
pub const SCALARS_AS_TEXT: &str = "scalars_as_text";

/// An answer's envelope scalars written as text (`"Code": "200"`), as the
/// other reading of `envelopes.scalars_as_text` writes them.
pub fn write_scalars_as_text(v: &Vendor, body: &mut Value) {
    let members = erpspec_model::recognise::envelope_scalar_members(v);
    if let Value::Object(m) = body {
        for (k, val) in m.iter_mut() {
            if members.contains(k) && matches!(val, Value::Bool(_) | Value::Number(_) | Value::Null) {
                *val = Value::String(val.to_string());
            }
        }
    }
}

/// Every choice point of a vendor, from the IR.
pub fn points(v: &Vendor) -> Vec<ChoicePoint> {
    let mut out = Points(Vec::new());
    for ep in &v.endpoints {
        out.rule_points(ep);
        out.endpoint_points(v, ep);
    }
    out.dialect_points(v);
    out.0
}

/// The choice points found so far, each once.
struct Points(Vec<ChoicePoint>);

impl Points {
    fn push(&mut self, id: String, default: &str, other: &str) {
        if !self.0.iter().any(|p| p.id == id) {
            self.0.push(ChoicePoint {
                id,
                default: default.to_string(),
                other: other.to_string(),
            });
        }
    }

    /// The rules the docs contest, the demo's values, the inferences, and
    /// enumerations whose letter case the docs leave open.
    fn rule_points(&mut self, ep: &Endpoint) {
        for (_, r) in ep.all_rules() {
            match r.strength {
                Strength::Contested if r.truncates => self.push(
                    contested(&r.id),
                    "refuse a value past the limit",
                    "cut a value past the limit to it",
                ),
                Strength::Contested if r.alternatives.is_empty() => {
                    self.push(contested(&r.id), "apply the rule", "no such rule (the other source's reading)")
                }
                Strength::Contested => self.push(
                    contested(&r.id),
                    "accept every documented reading",
                    "hold to the schema's first reading only",
                ),
                Strength::Site => self.push(site(&r.id), "the demo installation's values", "a site with other values: any"),
                Strength::Implied => self.push(implied(&r.id), "apply the rule", "no such rule (the pages do not state it)"),
                _ => {}
            }
            if let RuleKind::Enum { case: Case::Unstated, .. } = r.kind {
                self.push(enum_case(&r.id), "the spellings as documented", "any letter case");
            }
        }
    }

    /// What an endpoint leaves open: contradicted types, what an update
    /// clears, client keys, several documented answers, padding.
    fn endpoint_points(&mut self, v: &Vendor, ep: &Endpoint) {
        for (pointer, _, _) in contested_types(ep) {
            self.push(
                other_type(&ep.id, &pointer),
                "the documented type",
                "only the other reading's types (the documented one refused)",
            );
        }
        if ep.operation.clears_omitted.as_ref().is_some_and(|c| !c.alternatives.is_empty()) {
            self.push(
                clears_omitted(&ep.id),
                "clear the members an update leaves out",
                "keep them (the other reading)",
            );
        }
        if !v.client_keys(ep).is_empty() {
            self.push(client_key(&ep.id), "keep a key the client sends", "assign its own key regardless");
        }
        let mut situations = vec![Situation::RuleBroken(None)];
        if ep.authenticated {
            situations.extend([Situation::AuthMissing, Situation::AuthMalformed, Situation::AuthRejected]);
            if v.auth.token.is_some() {
                situations.push(Situation::AuthExpired);
            }
        }
        for s in situations {
            if answers::documented_entries(v, Some(ep), &s).len() > 1 {
                self.push(
                    answers(v, Some(ep), &s),
                    "the first documented answer",
                    "the last documented answer",
                );
            }
        }
        for q in &ep.quirks {
            if let QuirkKind::PadsStrings { .. } = q.kind {
                self.push(padding(&q.id), "pad text columns", "no padding");
            }
        }
    }

    /// What the whole dialect leaves open.
    fn dialect_points(&mut self, v: &Vendor) {
        self.push(
            WRONG_TYPE.to_string(),
            "refuse a value of another JSON type",
            "take it (text stored as its JSON, other types left out)",
        );
        if v.errors.iter().any(|e| answers::documented_status(v, e).is_none()) {
            self.push(
                STATUS.to_string(),
                "HTTP 200 where the docs give a refusal no status",
                "HTTP 400 there",
            );
        }
        if v.envelopes.scalars_as_text.is_some() {
            self.push(
                SCALARS_AS_TEXT.to_string(),
                "JSON numbers, booleans and null",
                "their text (\"Code\": \"200\")",
            );
        }
        self.push(
            RECORDS.to_string(),
            "the docs' demo records, sequences from 1",
            "no demo records but what cannot be created, sequences from a random offset",
        );
    }
}

/// Applies the readings to a request's validation report (from the
/// validators, which accept every documented reading): drops what the
/// server's side allows, changing the normalized request the way that side
/// stores the value (text of another type, a value cut to its limit), and
/// adds what only its side refuses (values outside the readings its side
/// of a contested rule accepts).
pub fn apply(v: &Vendor, ep: &Endpoint, readings: &Readings, report: &mut WireReport) {
    take_other_types(v, ep, readings, report);
    let mut kept = forgive(ep, readings, report);
    hold_contested_side(ep, readings, report, &mut kept);
    report.violations = kept;
}

/// First the fields whose type the pages contradict: under the other
/// reading a value of the other type is taken, not left to `wrong_type`.
fn take_other_types(v: &Vendor, ep: &Endpoint, readings: &Readings, report: &mut WireReport) {
    for (pointer, own, types) in contested_types(ep) {
        if !readings.other(&other_type(&ep.id, &pointer)) {
            continue;
        }
        let type_rule = |at: &str| type_rule_id(v, ep, at);
        for (at, value) in values_at(&report.normalized.clone(), &pointer) {
            let theirs = types.iter().any(|t| t.accepts(value));
            if theirs {
                // Taken as the other reading's type, and stored as the
                // record's (an `<int>` flag's 1 is true).
                report.violations.retain(|x| !(x.path == at && x.rule.ends_with(".type")));
                if let Some(slot) = report.normalized.pointer_mut(&at) {
                    *slot = as_type(slot, own);
                }
            } else if !report.violations.iter().any(|x| x.path == at) {
                report.violations.push(Violation {
                    rule: type_rule(&at),
                    message: format!(
                        "{} must be {}",
                        at.trim_start_matches('/').replace('/', "."),
                        types.iter().map(|t| t.json_schema_type()).collect::<Vec<_>>().join(" or ")
                    ),
                    path: at,
                    strength: Strength::Contested,
                });
            }
        }
    }
}

/// The violations the server's side keeps: what its readings allow is
/// dropped, and the normalized request changed the way that side stores it.
fn forgive(ep: &Endpoint, readings: &Readings, report: &mut WireReport) -> Vec<Violation> {
    let rules = ep.all_rules();
    let mut kept = Vec::new();
    for x in std::mem::take(&mut report.violations) {
        let rule = rules.iter().find(|(_, r)| r.id == x.rule).map(|(_, r)| *r);
        let forgiven = match (rule, x.strength) {
            (None, Strength::Implied) if readings.other(WRONG_TYPE) => {
                take_other_type(&ep.request, &mut report.normalized, &x.path);
                true
            }
            (Some(r), Strength::Implied) => readings.other(&enum_case(&r.id)) || readings.other(&implied(&r.id)),
            (Some(r), Strength::Site) => readings.other(&site(&r.id)),
            (Some(r), Strength::Contested) if r.alternatives.is_empty() && readings.other(&contested(&r.id)) => {
                if let (true, RuleKind::MaxLength { max, unit }) = (r.truncates, &r.kind)
                    && let Some(slot) = report.normalized.pointer_mut(&x.path)
                    && let Some(text) = slot.as_str()
                {
                    *slot = Value::String(erpspec_rules::kinds::max_length::truncate(text, *max, *unit));
                }
                true
            }
            _ => false,
        };
        if !forgiven {
            kept.push(x);
        }
    }
    kept
}

/// What only the server's side refuses: values outside the readings its side
/// of a contested rule accepts.
fn hold_contested_side(ep: &Endpoint, readings: &Readings, report: &WireReport, kept: &mut Vec<Violation>) {
    let rules = ep.all_rules();
    for (path, r) in rules
        .iter()
        .filter(|(_, r)| r.strength == Strength::Contested && !r.alternatives.is_empty())
    {
        let any_case = |k: &RuleKind| match k {
            RuleKind::Enum {
                values,
                case: Case::Unstated,
            } if readings.other(&enum_case(&r.id)) => RuleKind::Enum {
                values: values.clone(),
                case: Case::Insensitive,
            },
            other => other.clone(),
        };
        // By default every documented reading is accepted (the docs' own
        // examples work); the other side holds to the schema's first.
        let side: Vec<RuleKind> = if readings.other(&contested(&r.id)) {
            vec![any_case(&r.kind)]
        } else {
            std::iter::once(&r.kind).chain(&r.alternatives).map(any_case).collect()
        };
        let field = path.rsplit('/').next().unwrap_or_default();
        for (pointer, value) in values_at(&report.normalized, path) {
            if !side.iter().any(|k| k.holds(value)) && !kept.iter().any(|x| x.rule == r.id && x.path == pointer) {
                kept.push(Violation {
                    path: pointer,
                    rule: r.id.clone(),
                    message: r.violation_message(field),
                    strength: Strength::Contested,
                });
            }
        }
    }
}

/// Fields whose type the pages contradict, by pointer, with their own
/// type and the other reading's types.
fn contested_types(ep: &Endpoint) -> Vec<(String, ScalarType, Vec<ScalarType>)> {
    let mut out = Vec::new();
    erpspec_model::ir::walk_fields(&ep.request, &mut |n| {
        if let (false, Some(o), Type::Scalar { scalar }) = (n.item, &n.field.other_types, n.ty) {
            out.push((n.pointer(), *scalar, o.types.clone()));
        }
    });
    out
}

/// A scalar of another type as a value of type `to`: a number is true
/// unless zero, a boolean is 1 or 0, anything is text as its JSON.
fn as_type(v: &Value, to: ScalarType) -> Value {
    match (to, v) {
        (ScalarType::Boolean, Value::Number(n)) => Value::Bool(n.as_f64() != Some(0.0)),
        (ScalarType::Boolean, Value::String(s)) => Value::Bool(s.eq_ignore_ascii_case("true") || s == "1"),
        (ScalarType::Integer | ScalarType::Number, Value::Bool(b)) => Value::from(i64::from(*b)),
        (ScalarType::String, Value::String(_)) => v.clone(),
        (ScalarType::String, other) => Value::String(crate::util::text(other)),
        _ => v.clone(),
    }
}

/// The id of the type rule of the member at a JSON pointer.
fn type_rule_id(v: &Vendor, ep: &Endpoint, pointer: &str) -> String {
    let dotted: Vec<String> = pointer
        .split('/')
        .skip(1)
        .filter(|s| s.parse::<usize>().is_err())
        .map(erpspec_rules::pointer_unescape)
        .collect();
    CheckId::endpoint(v, ep, EndpointPart::MemberType(&dotted.join("."))).to_string()
}

/// The values at a rule's pointer (`*` for every item), with their own
/// pointers.
fn values_at<'v>(root: &'v Value, pattern: &str) -> Vec<(String, &'v Value)> {
    fn go<'v>(at: &'v Value, segs: &[&str], here: String, out: &mut Vec<(String, &'v Value)>) {
        let Some((first, rest)) = segs.split_first() else {
            if !at.is_null() {
                out.push((here, at));
            }
            return;
        };
        match (at, *first) {
            (Value::Array(items), "*") => {
                for (i, item) in items.iter().enumerate() {
                    go(item, rest, format!("{here}/{i}"), out);
                }
            }
            (Value::Object(m), name) => {
                let name = erpspec_rules::pointer_unescape(name);
                if let Some(x) = m.get(&name) {
                    go(x, rest, format!("{here}/{}", erpspec_rules::pointer_escape(&name)), out);
                }
            }
            _ => {}
        }
    }
    let segs: Vec<&str> = pattern.split('/').skip(1).collect();
    let mut out = Vec::new();
    go(root, &segs, String::new(), &mut out);
    out
}

/// A value of another JSON type, as the other side takes it: a text
/// field stores its JSON text; any other field leaves it out.
fn take_other_type(fields: &[Field], normalized: &mut Value, pointer: &str) {
    let names: Vec<String> = pointer.split('/').skip(1).map(erpspec_rules::pointer_unescape).collect();
    let mut fs = fields;
    let mut ty = None;
    for n in &names {
        if n.parse::<usize>().is_ok() {
            continue;
        }
        let Some(f) = fs.iter().find(|f| &f.name == n) else { break };
        let mut t = &f.ty;
        while let Type::Array { items } = t {
            t = items;
        }
        ty = Some(t);
        if let Type::Object { fields, .. } = t {
            fs = fields;
        }
    }
    let text = matches!(
        ty,
        Some(Type::Scalar {
            scalar: ScalarType::String
        })
    );
    match normalized.pointer_mut(pointer) {
        Some(slot) if text && !slot.is_null() => *slot = Value::String(crate::util::text(slot)),
        _ => {
            let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
            if let Some(Value::Object(m)) = normalized.pointer_mut(parent) {
                m.remove(&erpspec_rules::pointer_unescape(last));
            }
        }
    }
}

/// A small deterministic generator for `random`.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_points_come_from_the_schemas() {
        let v = crate::load_vendor("manex").unwrap();
        let ids: Vec<String> = points(&v).into_iter().map(|p| p.id).collect();
        for want in [
            "contested:manex.ship-bill-add.recordtype.enum",
            "contested:manex.customer-edit.Status.enum",
            "enum_case:manex.customer-add.Creditok.enum",
            "site:manex.customer-add.Territory.enum",
            "client_key:ship-bill-add",
            "answers:manex.auth.on_missing",
            "padding:padded-strings",
            WRONG_TYPE,
            STATUS,
            RECORDS,
        ] {
            assert!(ids.iter().any(|i| i == want), "{want} in {ids:?}");
        }
        // Add's Status demands its case: no choice there.
        assert!(!ids.iter().any(|i| i == "enum_case:manex.customer-add.Status.enum"));
        let rpm = crate::load_vendor("rpm").unwrap();
        let ids: Vec<String> = points(&rpm).into_iter().map(|p| p.id).collect();
        assert!(ids.iter().any(|i| i == "clears_omitted:customer-contact-edit"), "{ids:?}");
    }

    #[test]
    fn other_flips_every_point_and_random_some() {
        let v = crate::load_vendor("manex").unwrap();
        let n = points(&v).len();
        assert_eq!(Readings::parse(&v, "other", 1).unwrap().flipped().count(), n);
        assert_eq!(Readings::parse(&v, "default", 1).unwrap().flipped().count(), 0);
        let r = Readings::parse(&v, "random", 7).unwrap().flipped().count();
        assert!(r > 0 && r < n, "{r} of {n}");
        assert!(Readings::parse(&v, "sideways", 1).is_err());
    }
}
