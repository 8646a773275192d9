//! The generated layer: proptest strategies from the IR give valid requests
//! with random documented values, and requests with exactly one rule broken.
//! Every case is replayable from the run's seed; a failing one is shrunk by
//! the runner to a minimal request (see [`crate::run`]).

use crate::oracle::Expect;
use crate::plan::{Check, Due, Family, Planner, due_for, pointer_segments, set_path};
use crate::target::Presenting;
use erpspec_model::answers::Situation;
use erpspec_model::check_id::{CheckId, EndpointPart};
use erpspec_model::ir::{Endpoint, Field, OperationKind, Type};
use erpspec_rules::ScalarType;
use erpspec_rules::Strength;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

/// A strategy for values satisfying every rule of a scalar field: the
/// first value-level rule's own strategy (see `erpspec_rules::kinds`), else
/// one for the field's type.
fn value_strategy(f: &Field) -> Option<BoxedStrategy<Value>> {
    let scalar = f.ty.scalar()?;
    if let Some(s) = f.rules.iter().find_map(|r| r.kind.valid_values()) {
        return Some(s);
    }
    Some(match scalar {
        // Letters, digits and spaces, at most 8 characters: the pages give
        // most text members no width, and a server keeping them in narrow
        // columns (or a legacy code page) follows the docs too. Never a
        // leading QBE operator, so a criterion reads as plain equality.
        ScalarType::String => proptest::collection::vec(proptest::sample::select(vec!['a', 'Z', '7', ' ', 'q']), 1..=7)
            .prop_map(|c| json!(format!("G{}", c.into_iter().collect::<String>()).trim_end().to_string()))
            .boxed(),
        ScalarType::Integer => (0i64..1_000_000).prop_map(Value::from).boxed(),
        ScalarType::Number => (0u32..1_000_000).prop_map(|n| erpspec_rules::number(f64::from(n) / 100.0)).boxed(),
        ScalarType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
    })
}

/// Generated checks for every endpoint: `cases` valid requests and `cases`
/// requests breaking exactly one rule each.
pub fn checks(p: &mut Planner<'_>, cases: u32, seed: u64, label: &str) -> Vec<Check> {
    let mut out = Vec::new();
    if cases == 0 {
        return out;
    }
    let v = &p.t.vendor;
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    for ep in &v.endpoints {
        if matches!(ep.operation.kind, OperationKind::Login | OperationKind::Delete) {
            continue;
        }
        let optional = optional_fields(p, ep);
        let rules: Vec<(String, erpspec_model::ir::Rule)> = ep
            .all_rules()
            .into_iter()
            .filter(|(path, r)| !path.contains('*') && !path.is_empty() && !r.kind.cases().is_empty())
            .filter(|(path, _)| pointer_segments(path).len() == 1 || ep.operation.record_member.is_some())
            .map(|(path, r)| (path, r.clone()))
            .collect();
        let mut made = 0;
        let mut tries = 0;
        while made < cases * 2 && tries < cases * 8 {
            tries += 1;
            let negative = made % 2 == 1;
            let mut built = p.base(ep);
            let mut removable = Vec::new();
            for (path, f) in &optional {
                let Some(strategy) = value_strategy(f) else { continue };
                let Ok(tree) = (any::<bool>(), strategy).new_tree(&mut runner) else {
                    continue;
                };
                let (include, value) = tree.current();
                if include {
                    set_path(&mut built.body, path, value, v.transport.names);
                    removable.push(path.clone());
                }
            }
            let mut broken = None;
            if negative {
                let Ok(pick) = proptest::sample::select((0..rules.len().max(1)).collect::<Vec<_>>()).new_tree(&mut runner) else {
                    continue;
                };
                let Some((path, rule)) = rules.get(pick.current()) else { break };
                let Some(breaking) = rule.kind.breaking_values() else { continue };
                let Ok(tree) = breaking.new_tree(&mut runner) else { continue };
                let value = tree.current();
                let segs = pointer_segments(path);
                let shown = crate::report::short(&value);
                set_path(&mut built.body, &segs, value, v.transport.names);
                removable.retain(|r| r != &segs);
                broken = Some((rule.clone(), format!("{} = {shown}", segs.join("."))));
            }
            // Valid under every documented reading, or breaking exactly the
            // rule it names under every reading.
            let reports = p.readings_reports(ep, &built.body);
            let (expect, strength, rule_id, what) = match &broken {
                None if reports.is_clean() => (
                    Expect::Success { asserts: Vec::new() },
                    Strength::Documented,
                    CheckId::endpoint(v, ep, EndpointPart::Operation),
                    "a generated valid request succeeds".to_string(),
                ),
                Some((rule, case))
                    if !reports.others_than(&rule.id)
                        && let Due::Refusal(s) = due_for(&reports, rule) =>
                {
                    (
                        crate::plan::refusal(v, Some(ep), &Situation::RuleBroken(Some(rule))),
                        s,
                        CheckId::rule(rule),
                        format!("a generated request breaking only {} ({case}) is refused", rule.id),
                    )
                }
                _ => continue,
            };
            let note = broken.as_ref().and_then(|(rule, _)| p.why(rule, strength));
            made += 1;
            let steps = vec![crate::plan::json_step(ep, built.body, Presenting::Valid, expect)]
                .into_iter()
                .map(|mut s| {
                    if let crate::plan::Call::Json { method, .. } = &mut s.call {
                        *method = crate::plan::method_for(v);
                    }
                    s
                })
                .collect();
            out.push(Check {
                id: format!(
                    "{}.{}.generated.{}.{made}{label}",
                    v.name,
                    ep.id,
                    if negative { "rejected" } else { "accepted" }
                ),
                family: Family::Generated,
                removable,
                endpoint: Some(ep.id.clone()),
                rule: rule_id,
                strength,
                note,
                sources: ep.sources.clone(),
                what: format!("{what} (seed {seed}, case {made})"),
                steps,
            });
        }
    }
    out
}

/// Optional scalar fields a generated request may carry: not naming a
/// record, not unique, not credentials.
fn optional_fields<'e>(p: &Planner<'_>, ep: &'e Endpoint) -> Vec<(Vec<String>, &'e Field)> {
    let v = &p.t.vendor;
    let mut scopes: Vec<(Vec<String>, &[Field])> = vec![(vec![], &ep.request)];
    if let Some(m) = &ep.operation.record_member
        && let Some(Field {
            ty: Type::Object { fields, .. },
            ..
        }) = ep.field(m)
    {
        scopes.push((vec![m.clone()], fields));
    }
    let identity: Vec<&str> = ep
        .operation
        .key
        .iter()
        .chain(ep.operation.lookup.iter().map(|l| &l.field))
        .map(String::as_str)
        .collect();
    let resource = ep.operation.resource.as_deref().and_then(|r| v.resource(r));
    let mut out = Vec::new();
    for (prefix, fields) in scopes {
        for f in fields {
            let unique = resource.is_some_and(|r| r.unique.iter().chain(&r.key).any(|u| v.transport.names.matches(u, &f.name)));
            // A contested or site rule, or a contested type, has readings a
            // conformant server may not share: its fields are left to the
            // deterministic cases, which only warn.
            let uncertain = f.other_types.is_some() || f.rules.iter().any(|r| r.strength != erpspec_rules::Strength::Documented);
            if f.required
                || uncertain
                || f.refers_to.is_some()
                || unique
                || identity.contains(&f.name.as_str())
                || p.t.fixtures.contains_key(&f.name)
                || v.auth.presentations.iter().any(|x| v.transport.names.matches(&x.name, &f.name))
                || !matches!(f.ty, Type::Scalar { .. })
            {
                continue;
            }
            let mut path = prefix.clone();
            path.push(f.name.clone());
            out.push((path, f));
        }
    }
    out
}
