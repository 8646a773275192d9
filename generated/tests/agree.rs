//! The generated validators and the IR-driven oracle
//! (`erpspec_model::validate`) are one: both hand a description of the
//! endpoint to `erpspec_rules::read`, the one reader, and every generated
//! description (constructor calls and name matchers written by the emitter)
//! equals the one the oracle builds from the IR. Property tests: the
//! generated validators never panic, agree with the oracle on every input,
//! and their typed values report exactly what the wire report says a typed
//! value can still break.
//!
//! Inputs come from strategies built from the IR: objects made of each
//! endpoint's real field names (in the declared spelling, and in other
//! cases), values near each rule's boundary (`RuleKind::boundary`, the enum
//! values in other cases, codes and limits one step off), numbers and
//! booleans carried in strings, and arbitrary JSON anywhere, so the rules
//! are exercised and not only the unknown-member path.

use erpspec_generated::ParseError;
use erpspec_model::ir::{Api, Field, Type};
use erpspec_rules::{RuleKind, ScalarType, Strength, WireReport};
use proptest::prelude::*;
use proptest::strategy::{Union, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{Map, Number, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

static API: LazyLock<Api> = LazyLock::new(|| erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0])));

const CASES: u32 = 256;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any JSON value, small.
fn arb_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(vec!["", "0", "-1", "1.5", "true", "FALSE", " 7 ", "12/31/2024", "0000000010", "é"]).prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[A-Za-z_]{0,6}", inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

/// Values near the rules of a scalar field (mostly of its type), and values
/// of other types that the dialect may or may not read as this one.
fn scalar_values(scalar: ScalarType, f: &Field) -> BoxedStrategy<Value> {
    let (mut near, other): (Vec<Value>, Vec<Value>) = match scalar {
        ScalarType::String => (
            vec![
                json!(""),
                json!(" "),
                json!("ABC"),
                json!("12/31/2024"),
                json!("2024-12-31"),
                json!("0000000010"),
            ],
            vec![json!(1), json!(1.5), json!(true), json!([]), json!({})],
        ),
        ScalarType::Integer => (
            vec![json!(0), json!(1), json!(-1), json!(i64::MAX), json!(u64::MAX), json!(2.0)],
            vec![json!(2.5), json!("3"), json!("x"), json!(true)],
        ),
        ScalarType::Number => (
            vec![json!(0), json!(-0.01), json!(0.5), json!(-1), json!(1e300)],
            vec![json!("0"), json!("-1"), json!(" 5 "), json!("1e3"), json!("x")],
        ),
        ScalarType::Boolean => (
            vec![json!(true), json!(false)],
            vec![json!("true"), json!("1"), json!("0"), json!("no"), json!(1)],
        ),
    };
    for r in &f.rules {
        for kind in std::iter::once(&r.kind).chain(&r.alternatives) {
            if let Some((at, past)) = kind.boundary() {
                near.push(at);
                near.push(past);
            }
            match kind {
                RuleKind::Enum { values, .. } => {
                    for v in values {
                        near.extend([
                            json!(v),
                            json!(v),
                            json!(v.to_lowercase()),
                            json!(v.to_uppercase()),
                            json!(format!("{v} ")),
                        ]);
                    }
                }
                RuleKind::CodedEnum { values } => {
                    for v in values {
                        near.extend([json!(v.code), json!(v.code), json!(v.code + 1), json!(v.code.to_string())]);
                    }
                }
                RuleKind::Minimum { value } => {
                    near.extend([
                        json!(value),
                        json!(value + 0.5),
                        json!(value - 1.0),
                        json!(value - 0.01),
                        json!(value.to_string()),
                    ]);
                }
                _ => {}
            }
        }
    }
    let near = prop::sample::select(near).boxed();
    let near = match scalar {
        ScalarType::String => prop_oneof![3 => near, 1 => ".{0,10}".prop_map(Value::String)].boxed(),
        _ => near,
    };
    prop_oneof![8 => near, 1 => prop::sample::select(other)].boxed()
}

fn value_for(f: &Field, ty: &Type, depth: u32) -> BoxedStrategy<Value> {
    let typed = match ty {
        Type::Scalar { scalar } => scalar_values(*scalar, f),
        Type::Array { items } => prop::collection::vec(value_for(f, items, depth + 1), 0..7)
            .prop_map(Value::Array)
            .boxed(),
        Type::Object { fields, .. } => object_for(fields, depth + 1),
    };
    prop_oneof![24 => typed, 1 => arb_json()].boxed()
}

/// The spellings a client might use for a declared name.
fn spelling(name: &str) -> BoxedStrategy<String> {
    // Mostly as declared, so that requests with several nested required
    // members (RPM CustomerLocationEdit) are often complete.
    prop::sample::select(vec![
        name.to_string(),
        name.to_string(),
        name.to_string(),
        name.to_string(),
        name.to_string(),
        name.to_lowercase(),
        name.to_uppercase(),
    ])
    .boxed()
}

/// An object of the declared fields: how many optional ones are present
/// varies from none to nearly all (required ones are nearly always there),
/// a field is sometimes sent twice in two spellings, and sometimes an
/// undeclared member rides along.
fn object_for(fields: &[Field], depth: u32) -> BoxedStrategy<Value> {
    type Part = (Option<(String, Value)>, Option<(String, Value)>);
    let parts: Vec<(bool, BoxedStrategy<Part>)> = fields
        .iter()
        .map(|f| {
            let member = (spelling(&f.name), value_for(f, &f.ty, depth)).boxed();
            (
                f.required,
                (member.clone().prop_map(Some), prop::option::weighted(0.05, member)).boxed(),
            )
        })
        .collect();
    let density = prop::sample::select(vec![0.01, 0.05, 0.5, 0.9]);
    let extra = prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(("[A-Za-z_]{1,8}", arb_json()), 1..3)];
    (density, Just(parts), extra)
        .prop_flat_map(|(p, parts, extra)| {
            let present: Vec<BoxedStrategy<Option<Part>>> = parts
                .into_iter()
                .map(|(required, s)| prop::option::weighted(if required { 0.95 } else { p }, s).boxed())
                .collect();
            (present, Just(extra))
        })
        .prop_map(|(present, extra)| {
            let mut map = Map::new();
            for (a, b) in present.into_iter().flatten() {
                for (k, v) in a.into_iter().chain(b) {
                    map.insert(k, v);
                }
            }
            for (k, v) in extra {
                map.insert(k, v);
            }
            Value::Object(map)
        })
        .boxed()
}

/// `(vendor index, endpoint index, body)`, every endpoint equally likely.
fn requests() -> impl Strategy<Value = (usize, usize, Value)> {
    let mut arms = Vec::new();
    for (vi, v) in API.vendors.iter().enumerate() {
        for (ei, ep) in v.endpoints.iter().enumerate() {
            let body = prop_oneof![12 => object_for(&ep.request, 0), 1 => arb_json()];
            arms.push((Just(vi), Just(ei), body).boxed());
        }
    }
    Union::new(arms)
}

fn names(vi: usize, ei: usize) -> (&'static str, &'static str) {
    let v = &API.vendors[vi];
    (&v.name, &v.endpoints[ei].id)
}

fn has_integer_beyond_i64(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_u64() && n.as_i64().is_none(),
        Value::Array(a) => a.iter().any(has_integer_beyond_i64),
        Value::Object(m) => m.values().any(has_integer_beyond_i64),
        _ => false,
    }
}

/// Every endpoint's generated description (`erpspec_generated::wire`) is the
/// one the oracle builds from the IR (`erpspec_model::validate::wire`): the
/// same fields, shapes, rule ids, strengths, messages and readings, and
/// name matchers that find every declared name where the declared names do.
/// A description built from an IR with one rule changed is not.
#[test]
fn generated_descriptions_are_the_oracles() {
    let mut compared = 0;
    for v in &API.vendors {
        for ep in &v.endpoints {
            let generated = erpspec_generated::wire(&v.name, &ep.id).expect("every endpoint is generated");
            assert_eq!(*generated, erpspec_model::validate::wire(v, ep), "{}.{}", v.name, ep.id);
            compared += 1;
        }
    }
    assert_eq!(compared, erpspec_generated::ENDPOINTS.len());
    let v = API.vendor("manex").expect("manex");
    let mut ep = v.endpoint("customer-add").expect("customer-add").clone();
    let generated = erpspec_generated::wire(&v.name, &ep.id).expect("generated");
    let f = ep.request.iter_mut().find(|f| !f.rules.is_empty()).expect("a field with rules");
    f.rules[0].strength = match f.rules[0].strength {
        Strength::Site => Strength::Documented,
        _ => Strength::Site,
    };
    assert_ne!(*generated, erpspec_model::validate::wire(v, &ep));
}

proptest! {
    #![proptest_config(config())]

    /// The house rule: generated validators and the oracle report the same
    /// violations, unknown members and normalized request (the generated
    /// name matchers, on every spelling, read as the declared names).
    #[test]
    fn generated_validators_agree_with_the_oracle((vi, ei, body) in requests()) {
        let (vendor, endpoint) = names(vi, ei);
        let generated = erpspec_generated::validate_wire(vendor, endpoint, &body).expect("every endpoint is generated");
        let v = &API.vendors[vi];
        let oracle = erpspec_model::validate::validate_request(v, &v.endpoints[ei], &body);
        prop_assert_eq!(generated, oracle, "{}.{} on {}", vendor, endpoint, body);
    }

    /// A request that breaks no rule the docs state or show parses into its typed value
    /// (unless an integer does not fit i64), and the typed value's
    /// `validate()` reports exactly the wire report's violations.
    #[test]
    fn typed_values_report_what_the_wire_report_says((vi, ei, body) in requests()) {
        let (vendor, endpoint) = names(vi, ei);
        let report: WireReport = erpspec_generated::validate_wire(vendor, endpoint, &body).expect("generated");
        match erpspec_generated::validate_typed(vendor, endpoint, &body).expect("generated") {
            Ok(violations) => {
                prop_assert_eq!(report.as_shown().count(), 0);
                prop_assert_eq!(violations, report.violations, "{}.{} on {}", vendor, endpoint, body);
            }
            Err(ParseError::Rejected(r)) => {
                prop_assert!(r.as_shown().count() > 0);
                prop_assert_eq!(*r, report);
            }
            Err(ParseError::Unrepresentable { report: r, error }) => {
                prop_assert_eq!(r.as_shown().count(), 0);
                prop_assert!(has_integer_beyond_i64(&r.normalized), "{}.{} on {}: {}", vendor, endpoint, body, error);
            }
        }
    }

    /// Never panics on arbitrary JSON, for every endpoint and entry point.
    #[test]
    fn validators_never_panic_on_arbitrary_json(body in arb_json(), query in ".{0,40}") {
        for (vendor, endpoint) in erpspec_generated::ENDPOINTS {
            let report = erpspec_generated::validate_wire(vendor, endpoint, &body).expect("generated");
            let _ = erpspec_generated::validate_typed(vendor, endpoint, &body);
            let _ = erpspec_generated::validate_query(vendor, endpoint, &query);
            // a request that is not an object breaks exactly the type rule
            if !body.is_object() {
                prop_assert_eq!(report.violations.len(), 1);
                prop_assert!(report.violations[0].rule.ends_with(".type"));
            }
        }
    }

    /// Never panics on arbitrary bytes: random ones, and JSON requests with
    /// a few bytes flipped, cut or inserted; and on every input that is JSON
    /// the byte reader agrees with the Value path.
    #[test]
    fn validators_never_panic_on_arbitrary_bytes(
        random in prop::collection::vec(any::<u8>(), 0..64),
        (vi, ei, body) in requests(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 0..4),
    ) {
        let mut bytes = serde_json::to_vec(&body).expect("serialises");
        for (at, byte, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => bytes.truncate(i),
            }
        }
        let (vendor, endpoint) = names(vi, ei);
        for input in [&random, &bytes] {
            // The byte reader validates while it parses: it must fail exactly
            // where serde_json does, and otherwise report what the Value path
            // reports (with and without the normalized request).
            let parsed = serde_json::from_slice::<Value>(input).ok();
            let via_value = parsed.map(|v| erpspec_generated::validate_wire(vendor, endpoint, &v).expect("generated"));
            let via_bytes = erpspec_generated::validate_wire_bytes(vendor, endpoint, input).expect("generated").ok();
            let checked = erpspec_generated::check_wire_bytes(vendor, endpoint, input).expect("generated").ok();
            prop_assert_eq!(
                checked.map(|r| (r.violations, r.unknown, r.normalized)),
                via_value.clone().map(|r| (r.violations, r.unknown, Value::Null))
            );
            prop_assert_eq!(via_bytes, via_value);
            for (vendor, endpoint) in erpspec_generated::ENDPOINTS {
                let _ = erpspec_generated::validate_wire_bytes(vendor, endpoint, input);
                let _ = erpspec_generated::validate_query(vendor, endpoint, &String::from_utf8_lossy(input));
            }
        }
    }
}

/// The strategies reach every rule: over a fixed sample, every rule of every
/// endpoint is broken at least once, and every endpoint also sees requests
/// that break no documented rule and parse into their typed value. Without
/// this the properties above could pass while testing only the
/// unknown-member and wrong-type paths.
#[test]
fn the_strategies_break_every_rule_and_build_valid_requests() {
    let mut runner = TestRunner::deterministic();
    let mut broken = BTreeSet::new();
    let mut parsed: BTreeMap<String, usize> = BTreeMap::new();
    let mut every_rule = BTreeSet::new();
    for v in &API.vendors {
        for ep in &v.endpoints {
            let key = format!("{}.{}", v.name, ep.id);
            parsed.insert(key.clone(), 0);
            every_rule.extend(ep.all_rules().into_iter().map(|(_, r)| r.id.clone()));
            let strategy = object_for(&ep.request, 0);
            for _ in 0..CASES {
                let body = strategy.new_tree(&mut runner).expect("strategy builds").current();
                let report = erpspec_generated::validate_wire(&v.name, &ep.id, &body).expect("generated");
                broken.extend(report.violations.into_iter().map(|x| x.rule));
                if let Some(Ok(_)) = erpspec_generated::validate_typed(&v.name, &ep.id, &body) {
                    *parsed.entry(key.clone()).or_default() += 1;
                }
            }
        }
    }
    let never: Vec<&String> = every_rule.difference(&broken).collect();
    assert!(never.is_empty(), "rules no generated request breaks: {never:?}");
    // Three required keys and an at-least-one-of rule (Expandable's
    // customer-part-update) leave about one request in thirty valid.
    let few: Vec<(&String, &usize)> = parsed.iter().filter(|(_, n)| **n < (CASES as usize) / 40).collect();
    assert!(few.is_empty(), "endpoints with few requests that parse (of {CASES}): {few:?}");
}

/// Is `body` spelled the way JSON Schema reads it: every declared member in
/// its declared spelling (once), never `null`, and of its declared JSON type?
/// Name matching and strings carrying numbers are the dialect's business,
/// which JSON Schema cannot express (the emitted schema states them in
/// `x-erpspec-dialect`); everything else must agree.
fn plain_json(fields: &[Field], body: &Value, names: erpspec_rules::NameMatching, strict_types: bool) -> bool {
    let Value::Object(map) = body else { return true };
    fields.iter().all(|f| {
        let found = erpspec_rules::lookup_field(map, &f.name, names);
        match found.as_slice() {
            [] => true,
            [(k, v)] => *k == f.name && !v.is_null() && plain_value(&f.ty, v, names, strict_types),
            _ => false,
        }
    })
}

/// `body` with each member named by exactly one declared field renamed to
/// that field's declared spelling, at every depth; a member sent twice in two
/// spellings is left as it is (it is not plain JSON).
fn declared_spelling(fields: &[Field], body: Value, names: erpspec_rules::NameMatching) -> Value {
    let Value::Object(map) = body else { return body };
    let twice = |f: &Field| erpspec_rules::lookup_field(&map, &f.name, names).len() > 1;
    if fields.iter().any(twice) {
        return Value::Object(map);
    }
    let renamed = map
        .into_iter()
        .map(|(k, v)| match fields.iter().find(|f| names.matches(&f.name, &k)) {
            Some(f) => {
                let v = match &f.ty {
                    Type::Object { fields, .. } => declared_spelling(fields, v, names),
                    Type::Array { items } => match (items.as_ref(), v) {
                        (Type::Object { fields, .. }, Value::Array(xs)) => {
                            Value::Array(xs.into_iter().map(|x| declared_spelling(fields, x, names)).collect())
                        }
                        (_, v) => v,
                    },
                    Type::Scalar { .. } => v,
                };
                (f.name.clone(), v)
            }
            None => (k, v),
        })
        .collect();
    Value::Object(renamed)
}

fn plain_value(ty: &Type, v: &Value, names: erpspec_rules::NameMatching, strict_types: bool) -> bool {
    match ty {
        Type::Scalar { scalar } => !strict_types || scalar.accepts(v) || (*scalar == ScalarType::Integer && v.is_number()),
        Type::Array { items } => v
            .as_array()
            .is_none_or(|a| a.iter().all(|x| !x.is_null() && plain_value(items, x, names, strict_types))),
        Type::Object { fields, .. } => plain_json(fields, v, names, strict_types),
    }
}

/// The house rule, third party: a request in plain JSON is valid against the
/// emitted JSON Schema (generated/json-schema/) exactly when the generated
/// validators find no violation of what the docs state or show (documented
/// rules, types and spellings). Run through a real JSON
/// Schema validator (with its own regex engine for the date patterns).
#[test]
fn emitted_json_schema_agrees_with_the_generated_validators() {
    let mut runner = TestRunner::deterministic();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("json-schema");
    let mut compared = 0;
    for v in &API.vendors {
        let strict = v.transport.strings_carry_scalars;
        for ep in &v.endpoints {
            let text = std::fs::read_to_string(root.join(&v.name).join(format!("{}.request.json", ep.id))).expect("schema is generated");
            let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
            let validator = jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .expect("schema compiles");
            // Half the requests start from a doc example that breaks nothing,
            // with a few generated members laid over it: near-valid requests
            // that isolate one rule at a time.
            let base = ep
                .examples
                .iter()
                .find(|x| x.breaks.is_empty())
                .map(|x| x.request.clone())
                .unwrap_or_else(|| json!({}));
            let strategy = object_for(&ep.request, 0);
            let rule_strengths: BTreeMap<&str, Strength> = ep.all_rules().into_iter().map(|(_, r)| (r.id.as_str(), r.strength)).collect();
            let mut here = 0;
            for i in 0..CASES {
                let generated = strategy.new_tree(&mut runner).expect("strategy builds").current();
                let body = match (i % 2, &base, generated) {
                    (0, Value::Object(b), Value::Object(g)) => {
                        let mut m = b.clone();
                        m.extend(g);
                        Value::Object(m)
                    }
                    (_, _, g) => g,
                };
                // JSON Schema cannot match names ignoring case: it is given
                // the declared spellings (the emitted schema states the
                // dialect in `x-erpspec-dialect`).
                let body = declared_spelling(&ep.request, body, v.transport.names);
                if !plain_json(&ep.request, &body, v.transport.names, strict) {
                    continue;
                }
                let report = erpspec_generated::validate_wire(&v.name, &ep.id, &body).expect("generated");
                // JSON Schema asserts the documented rules (in their
                // documented spelling) and the types; contested and site
                // rules it only describes.
                let asserted: Vec<&String> = report
                    .as_shown()
                    .map(|x| &x.rule)
                    .filter(|rule| rule_strengths.get(rule.as_str()).is_none_or(|s| *s == Strength::Documented))
                    .collect();
                let ours = asserted.is_empty();
                let theirs = validator.is_valid(&body);
                assert_eq!(
                    ours,
                    theirs,
                    "{}.{}: validators say {:?}, JSON Schema says {:?} for {body}",
                    v.name,
                    ep.id,
                    asserted,
                    validator.iter_errors(&body).map(|e| e.to_string()).collect::<Vec<_>>()
                );
                here += 1;
            }
            assert!(here >= 20, "{}.{}: only {here} of {CASES} requests were plain JSON", v.name, ep.id);
            compared += here;
        }
    }
    assert!(compared > 12 * 20);
}

/// Every calendar date of four years (two leap, one century non-leap, year
/// 0) is accepted by the emitted date pattern exactly when the one check in
/// erpspec-rules accepts it.
#[test]
fn date_patterns_accept_exactly_the_real_dates() {
    use erpspec_rules::Format;
    for format in [Format::UsDate, Format::IsoDate] {
        let kind = RuleKind::Format { format };
        let schema = json!({ "type": "string", "pattern": kind.json_schema()["pattern"] });
        let validator = jsonschema::validator_for(&schema).expect("pattern compiles");
        for year in ["2023", "2024", "1900", "2000", "0000"] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let s = match format {
                        Format::UsDate => format!("{m:02}/{d:02}/{year}"),
                        _ => format!("{year}-{m:02}-{d:02}"),
                    };
                    assert_eq!(validator.is_valid(&json!(s)), kind.holds(&json!(s)), "{s}");
                }
            }
        }
    }
}

/// The date-time patterns accept exactly what the check accepts: every day
/// of a leap and a non-leap February and a 31-day month's edges, with times
/// at and past each field's limit, in both notations and with the other's
/// separator.
#[test]
fn date_time_patterns_accept_exactly_the_real_date_times() {
    use erpspec_rules::Format;
    for format in [Format::IsoDateTime, Format::IsoDateTimeUnseparated] {
        let kind = RuleKind::Format { format };
        let schema = json!({ "type": "string", "pattern": kind.json_schema()["pattern"] });
        let validator = jsonschema::validator_for(&schema).expect("pattern compiles");
        for year in ["2023", "2024", "1900", "2000"] {
            for (m, d) in (0..=32).map(|d| (2, d)).chain([(12, 31), (12, 32), (4, 31), (13, 1), (0, 1)]) {
                for time in ["00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "9:00:00"] {
                    for sep in ["T", "", " "] {
                        let s = format!("{year}-{m:02}-{d:02}{sep}{time}");
                        assert_eq!(validator.is_valid(&json!(s)), kind.holds(&json!(s)), "{s}");
                    }
                }
            }
        }
    }
}
