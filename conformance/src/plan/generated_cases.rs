//! The generated cases: proptest strategies from the IR give valid requests
//! with random documented values, and requests with exactly one rule broken.
//! Every case is replayable from the run's seed; a failing one is shrunk by
//! the runner to a minimal request (the check lists the members it may
//! leave out, `Check::removable`).

use super::*;
use build::Built;
use erpspec_model::answers::Situation;
use erpspec_model::check_id::{CheckId, EndpointPart};
use erpspec_model::ir::{Endpoint, Field, OperationKind, Rule, Type};
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

/// The proptest runner every generated case of one seed draws from.
fn seeded_runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

/// One drawn request: the base with random optional members, perhaps one
/// rule broken.
struct Drawn {
    built: Built,
    /// Members that may be left out while shrinking.
    removable: Vec<Vec<String>>,
    /// The rule broken, and what the case sets.
    broken: Option<(Rule, String)>,
}

/// What a draw gave.
enum Draw {
    Case(Box<Drawn>),
    /// Nothing usable this time; try again.
    Retry,
    /// No rule to break: no more cases for the endpoint.
    Stop,
}

/// What one generated case holds the server to.
struct Judged {
    expect: Expect,
    strength: Strength,
    rule: CheckId,
    what: String,
}

/// Where one endpoint's cases come from.
struct Sources<'e> {
    optional: Vec<(Vec<String>, &'e Field)>,
    rules: Vec<(String, Rule)>,
}

/// Rules with deterministic cases on a member outside any list, at the top
/// level or inside the record member: what a negative case breaks.
fn breakable_rules(ep: &Endpoint) -> Vec<(String, Rule)> {
    ep.all_rules()
        .into_iter()
        .filter(|(path, r)| !path.contains('*') && !path.is_empty() && !r.kind.cases().is_empty())
        .filter(|(path, _)| pointer_segments(path).len() == 1 || ep.operation.record_member.is_some())
        .map(|(path, r)| (path, r.clone()))
        .collect()
}

impl Planner<'_> {
    /// Generated checks for every endpoint: `cases` valid requests and
    /// `cases` requests breaking exactly one rule each; ids end in `label`.
    pub fn generated_checks(&mut self, cases: u32, seed: u64, label: &str) -> Vec<Check> {
        let mut out = Vec::new();
        if cases == 0 {
            return out;
        }
        let v = self.v();
        let mut runner = seeded_runner(seed);
        for ep in &v.endpoints {
            if matches!(ep.operation.kind, OperationKind::Login | OperationKind::Delete) {
                continue;
            }
            out.extend(self.generated_for(ep, &mut runner, cases, seed, label));
        }
        out
    }

    fn generated_for(&mut self, ep: &Endpoint, runner: &mut TestRunner, cases: u32, seed: u64, label: &str) -> Vec<Check> {
        let v = self.v();
        let sources = Sources {
            optional: optional_fields(self, ep),
            rules: breakable_rules(ep),
        };
        let mut out = Vec::new();
        let mut made = 0;
        let mut tries = 0;
        while made < cases * 2 && tries < cases * 8 {
            tries += 1;
            let negative = made % 2 == 1;
            let drawn = match self.draw(ep, runner, &sources, negative) {
                Draw::Case(d) => *d,
                Draw::Retry => continue,
                Draw::Stop => break,
            };
            let Some(judged) = self.judge_generated(ep, &drawn) else { continue };
            let note = drawn.broken.as_ref().and_then(|(rule, _)| self.why(rule, judged.strength));
            made += 1;
            out.push(Check {
                id: format!(
                    "{}.{}.generated.{}.{made}{label}",
                    v.name,
                    ep.id,
                    if negative { "rejected" } else { "accepted" }
                ),
                family: Family::Generated,
                removable: drawn.removable,
                endpoint: Some(ep.id.clone()),
                rule: judged.rule,
                strength: judged.strength,
                note,
                sources: ep.sources.clone(),
                what: format!("{} (seed {seed}, case {made})", judged.what),
                steps: vec![self.step(ep, drawn.built.body, Presenting::Valid, judged.expect)],
            });
        }
        out
    }

    /// Draws one case: each optional member in or out with a random valid
    /// value, and for a negative case one rule's breaking value.
    fn draw(&mut self, ep: &Endpoint, runner: &mut TestRunner, sources: &Sources<'_>, negative: bool) -> Draw {
        let names = self.v().transport.names;
        let mut built = self.base(ep);
        let mut removable = Vec::new();
        for (path, f) in &sources.optional {
            let Some(strategy) = value_strategy(f) else { continue };
            let Ok(tree) = (any::<bool>(), strategy).new_tree(runner) else {
                continue;
            };
            let (include, value) = tree.current();
            if include {
                set_path(&mut built.body, path, value, names);
                removable.push(path.clone());
            }
        }
        let mut broken = None;
        if negative {
            let Ok(pick) = proptest::sample::select((0..sources.rules.len().max(1)).collect::<Vec<_>>()).new_tree(runner) else {
                return Draw::Retry;
            };
            let Some((path, rule)) = sources.rules.get(pick.current()) else {
                return Draw::Stop;
            };
            let Some(breaking) = rule.kind.breaking_values() else {
                return Draw::Retry;
            };
            let Ok(tree) = breaking.new_tree(runner) else { return Draw::Retry };
            let value = tree.current();
            let segs = pointer_segments(path);
            let shown = short(&value);
            set_path(&mut built.body, &segs, value, names);
            removable.retain(|r| r != &segs);
            broken = Some((rule.clone(), format!("{} = {shown}", segs.join("."))));
        }
        Draw::Case(Box::new(Drawn { built, removable, broken }))
    }

    /// Valid under every documented reading, or breaking exactly the rule
    /// it names under every reading; `None` for anything else (not sent).
    fn judge_generated(&mut self, ep: &Endpoint, drawn: &Drawn) -> Option<Judged> {
        let v = self.v();
        let reports = self.readings_reports(ep, &drawn.built.body);
        match &drawn.broken {
            None if reports.is_clean() => Some(Judged {
                expect: success(),
                strength: Strength::Documented,
                rule: CheckId::endpoint(v, ep, EndpointPart::Operation),
                what: "a generated valid request succeeds".to_string(),
            }),
            Some((rule, case))
                if !reports.others_than(&rule.id)
                    && let Due::Refusal(s) = due_for(&reports, rule) =>
            {
                Some(Judged {
                    expect: refusal(v, Some(ep), &Situation::RuleBroken(Some(rule))),
                    strength: s,
                    rule: CheckId::rule(rule),
                    what: format!("a generated request breaking only {} ({case}) is refused", rule.id),
                })
            }
            _ => None,
        }
    }
}

/// Optional scalar fields a generated request may carry: not naming a
/// record, not unique, not credentials.
fn optional_fields<'e>(p: &Planner<'_>, ep: &'e Endpoint) -> Vec<(Vec<String>, &'e Field)> {
    let v = p.v();
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
