//! The check families that send one request each (or one after a fresh
//! record): transport, doc examples, rule boundaries, types, auth.

use super::*;
use build::{array_item, is_credential, join};
use erpspec_model::answers::Situation;
use erpspec_model::check_id::{CheckId, EndpointPart};
use erpspec_model::ir::{Endpoint, Field, Inference, OperationKind, Rule, Type};
use erpspec_model::validate::WireReport;
use erpspec_rules::{RuleKind, Strength};
use serde_json::{Value, json};

/// What the documented readings of the rules say a request must get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Due {
    /// Every reading accepts it.
    Success,
    /// It breaks a rule of this strength (for a contested rule: under every
    /// documented reading).
    Refusal(Strength),
    /// The readings of a contested rule disagree; `first_refuses` is what
    /// the schema's first reading says.
    Readings { first_refuses: bool },
}

/// What the validators find in one request: under every documented
/// reading at once (what a refusal's strength comes from), under the
/// schemas' first readings only, and under their other readings only.
pub(crate) struct Reports {
    pub all: WireReport,
    pub first: WireReport,
    pub others: WireReport,
}

impl Reports {
    /// Does any reading find a violation of another rule than `id`?
    pub(crate) fn others_than(&self, id: &str) -> bool {
        [&self.all, &self.first, &self.others]
            .iter()
            .any(|r| r.violations.iter().any(|x| x.rule != id))
    }

    pub(crate) fn is_clean(&self) -> bool {
        [&self.all, &self.first, &self.others].iter().all(|r| r.violations.is_empty())
    }
}

/// What the readings say of `rule` for one request: a refusal where both
/// sides refuse it, a success where both accept it, either where they
/// disagree.
pub(crate) fn due_for(r: &Reports, rule: &Rule) -> Due {
    fn broken<'w>(w: &'w WireReport, id: &str) -> Option<&'w erpspec_rules::Violation> {
        w.violations.iter().find(|x| x.rule == id)
    }
    let broken = |w| broken(w, &rule.id);
    match (broken(&r.first), broken(&r.others)) {
        (Some(x), Some(_)) => Due::Refusal(broken(&r.all).map(|a| a.strength).unwrap_or(x.strength)),
        (None, None) => Due::Success,
        (first, _) => Due::Readings {
            first_refuses: first.is_some(),
        },
    }
}

impl Planner<'_> {
    pub(crate) fn step(&self, ep: &Endpoint, body: Value, presenting: Presenting, expect: Expect) -> Step {
        let mut s = json_step(ep, body, presenting, expect);
        if let Call::Json { method, .. } = &mut s.call {
            *method = method_for(self.v());
        }
        s
    }

    /// Steps that run `body` on `ep` against a record created for it, where
    /// the endpoint consumes its record (delete): a create first, then the
    /// call with its identity taken from the created record.
    pub(crate) fn on_fresh_record(&mut self, ep: &Endpoint, built: Built, presenting: Presenting, expect: Expect) -> Vec<Step> {
        // A refusal consumes nothing: it runs against the subject as built.
        if ep.operation.kind != OperationKind::Delete || built.identity.is_empty() || !matches!(expect, Expect::Success { .. }) {
            return vec![self.step(ep, built.body, presenting, expect)];
        }
        let Some(creator) = ep.operation.resource.as_deref().and_then(|r| self.creator(r)) else {
            return vec![self.step(ep, built.body, presenting, expect)];
        };
        let create = self.base(creator);
        let mut call = self.step(ep, built.body, presenting, expect);
        call.fills = build::identity_from(&built.identity, 0);
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
            out.extend(self.lookup_checks(ep));
        }
        out
    }

    /// The reports of a request under every documented reading (what the
    /// validators give) and under the schemas' first readings only.
    pub(crate) fn readings_reports(&mut self, ep: &Endpoint, body: &Value) -> Reports {
        let v = self.v();
        let wire = with_body_credentials(v, body);
        let all = erpspec_model::validate::validate_request(v, ep, &wire);
        let (first, others) = self.sides(ep);
        Reports {
            all,
            first: erpspec_model::validate::validate_request(v, first, &wire),
            others: erpspec_model::validate::validate_request(v, others, &wire),
        }
    }

    /// The expectation of a request the docs' rules judge: the strongest
    /// rule it breaks decides; where only contested readings disagree,
    /// either answer is right. `None` where a refusal would have to be
    /// judged against two rules at once under disagreeing readings.
    pub(crate) fn judged(&mut self, ep: &Endpoint, body: &Value) -> (Expect, Strength, CheckId, Option<String>) {
        let v = self.v();
        let reports = self.readings_reports(ep, body);
        let rules = ep.all_rules();
        let rule_of = |id: &str| rules.iter().find(|(_, r)| r.id == id).map(|(_, r)| *r);
        let dues: Vec<(&Rule, Due)> = [&reports.all, &reports.first, &reports.others]
            .into_iter()
            .flat_map(|r| &r.violations)
            .filter_map(|x| rule_of(&x.rule))
            .map(|r| (r, due_for(&reports, r)))
            .collect();
        let all = &reports.all;
        let rank = |d: &Due| match d {
            Due::Refusal(Strength::Documented | Strength::Contested) => 0,
            Due::Refusal(Strength::Site) => 1,
            Due::Readings { .. } => 2,
            Due::Refusal(Strength::Implied) => 3,
            Due::Success => 4,
        };
        match dues.iter().min_by_key(|(_, d)| rank(d)) {
            None if reports.is_clean() => (
                success(),
                Strength::Documented,
                CheckId::endpoint(v, ep, EndpointPart::Operation),
                None,
            ),
            // A type of another JSON type: not a rule of the schemas.
            None => (
                Expect::Refusal { entries: Vec::new() },
                Strength::Implied,
                CheckId::violated(&all.violations[0]),
                Some(v.implied_note(Inference::WrongType)),
            ),
            Some((r, d)) => {
                let entries = expected_entries(v, Some(ep), &Situation::RuleBroken(Some(r)));
                match *d {
                    Due::Readings { first_refuses } => (
                        Expect::Readings {
                            entries,
                            asserts: Vec::new(),
                            first_refuses,
                        },
                        Strength::Contested,
                        CheckId::rule(r),
                        r.note.clone(),
                    ),
                    Due::Refusal(s) => (Expect::Refusal { entries }, s, CheckId::rule(r), self.why(r, s)),
                    Due::Success => (
                        success(),
                        Strength::Documented,
                        CheckId::endpoint(v, ep, EndpointPart::Operation),
                        None,
                    ),
                }
            }
        }
    }

    /// Why an expectation of this strength on `r` is not simply documented.
    pub(crate) fn why(&self, r: &Rule, s: Strength) -> Option<String> {
        match s {
            Strength::Documented => None,
            Strength::Implied if matches!(r.kind, RuleKind::Enum { .. }) => Some(self.v().implied_note(Inference::EnumCase)),
            _ => r.note.clone(),
        }
    }

    /// A rule case: the base request with one change, and what every
    /// documented reading says it must get. `None` where the change breaks
    /// another rule too (a case breaks exactly the rule it names), or where
    /// it would vary a value that names the record and still expect it found.
    pub(crate) fn rule_case(
        &mut self,
        ep: &Endpoint,
        rule: &Rule,
        case: &str,
        what: String,
        change: &dyn Fn(&mut Value, &mut Planner),
    ) -> Option<Check> {
        let v = self.v();
        let mut built = self.base(ep);
        let rule_path: Vec<String> = ep
            .all_rules()
            .into_iter()
            .find(|(_, r)| r.id == rule.id)
            .map(|(p, _)| pointer_segments(&p))
            .unwrap_or_default();
        change(&mut built.body, self);
        // Negative means negative on the wire: the validators must read the
        // request as breaking this rule and no other.
        let reports = self.readings_reports(ep, &built.body);
        if reports.others_than(&rule.id) {
            return None;
        }
        let due = due_for(&reports, rule);
        if due != Due::Refusal(Strength::Documented) && built.identity.iter().any(|(p, _)| p == &rule_path) {
            return None;
        }
        let entries = || expected_entries(v, Some(ep), &Situation::RuleBroken(Some(rule)));
        let (expect, strength, family) = match due {
            Due::Success => (
                success(),
                if rule.strength == Strength::Site {
                    Strength::Site
                } else {
                    Strength::Documented
                },
                Family::Accepted,
            ),
            Due::Refusal(s) => (Expect::Refusal { entries: entries() }, s, Family::Rejected),
            Due::Readings { first_refuses } => (
                Expect::Readings {
                    entries: entries(),
                    asserts: self.truncation_asserts(ep, rule, &built.body),
                    first_refuses,
                },
                Strength::Contested,
                Family::Rejected,
            ),
        };
        let note = match strength {
            Strength::Documented => None,
            s => self.why(rule, s),
        };
        let steps = self.on_fresh_record(ep, built, Presenting::Valid, expect);
        Some(Check {
            id: format!("{}.{case}", rule.id),
            family,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: CheckId::rule(rule),
            strength,
            note,
            sources: sources(Some(rule), Some(ep), &[]),
            what,
            steps,
        })
    }

    /// Where the other documented reading of a contested `max_length` cuts
    /// a longer value to the limit: what the accepted record must hold.
    pub(crate) fn truncation_asserts(&self, ep: &Endpoint, rule: &Rule, body: &Value) -> Vec<Assert> {
        let RuleKind::MaxLength { max, unit } = &rule.kind else {
            return Vec::new();
        };
        if !rule.truncates || !matches!(ep.response.payload, erpspec_model::ir::Payload::Record) {
            return Vec::new();
        }
        let Some((path, _)) = ep.all_rules().into_iter().find(|(_, r)| r.id == rule.id) else {
            return Vec::new();
        };
        let segs = pointer_segments(&path);
        let Some(sent) = get_path(self.v(), body, &segs).and_then(Value::as_str) else {
            return Vec::new();
        };
        let mut record_path = segs.clone();
        record_path[0] = self.record_name(ep, &segs[0]);
        vec![Assert {
            path: record_path,
            value: json!(erpspec_rules::kinds::max_length::truncate(sent, *max, *unit)),
            compare: Compare::Exact,
            because: format!("{} is accepted only cut to its limit ({})", rule.id, rule.kind.describe()),
        }]
    }

    /// A list at its maximum length and one item past it (lists too long to
    /// send are not planned); each item valid in every member, and each
    /// different where a list of values allows, so a case breaks nothing
    /// but the count.
    fn max_items_cases(&mut self, ep: &Endpoint, rule: &Rule, segs: &[String], field: &str, max: u64) -> Vec<Option<Check>> {
        let names = self.v().transport.names;
        let item = array_item(ep, segs);
        let Ok(max) = usize::try_from(max) else { return Vec::new() };
        let mut cases = Vec::new();
        for (case, n) in [("at_limit", max), ("past_limit", max.saturating_add(1))] {
            if n > 1000 {
                continue;
            }
            let s2 = segs.to_vec();
            let item = item.clone();
            cases.push(self.rule_case(ep, rule, case, format!("{field} with {n} items"), &move |b, p| {
                let items: Vec<Value> = (0..n)
                    .map(|i| item.as_ref().map(|f| p.full_value(ep, f, i)).unwrap_or(json!({})))
                    .collect();
                set_path(b, &s2, Value::Array(items), names)
            }));
        }
        cases
    }

    pub(crate) fn rule_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let names = v.transport.names;
        let mut out = Vec::new();
        for (path, rule) in ep.all_rules() {
            let segs = pointer_segments(&path);
            if segs.len() == 1 && is_credential(v, &segs[0]) || self.ignored_member(ep, &segs) {
                continue;
            }
            let field = segs.iter().filter(|s| *s != "*").cloned().collect::<Vec<_>>().join(".");
            let mut cases: Vec<Option<Check>> = Vec::new();
            match &rule.kind {
                RuleKind::Required => {
                    let s2 = segs.clone();
                    cases.push(
                        self.rule_case(ep, rule, "missing", format!("{field} left out is refused"), &move |b, _| {
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
                        &move |b, _| {
                            for f in &fields {
                                remove_path(b, &join(&s2, f), names);
                            }
                        },
                    ));
                }
                RuleKind::MaxItems { max } => cases.extend(self.max_items_cases(ep, rule, &segs, &field, *max)),
                kind => {
                    for c in kind.cases().into_iter().filter(|c| !c.holds) {
                        cases.push(self.existing_identity_case(ep, rule, &segs, &c.id, &c.value));
                    }
                    // A login member carrying a credential logs in only with
                    // the configured value: another value the rule accepts
                    // cannot be shown to be accepted.
                    let credential = v.login_credential(ep, &path).is_some();
                    // A fixed value of a member whose values must be unique
                    // is taken after the first run: its acceptance cannot
                    // be shown twice.
                    let unique = self.must_be_unique(ep, &segs);
                    for c in kind.cases().into_iter().filter(|c| !((credential || unique) && c.holds)) {
                        let (case, value) = (c.id, c.value);
                        let s2 = segs.clone();
                        let shown = short(&value);
                        let verb = if c.holds { "accepted" } else { "refused" };
                        cases.push(
                            self.rule_case(ep, rule, &case, format!("{field} = {shown} is {verb}"), &move |b, _| {
                                set_path(b, &s2, value.clone(), names)
                            }),
                        );
                    }
                }
            }
            out.extend(cases.into_iter().flatten());
        }
        out.extend(self.type_checks(ep));
        out
    }

    /// Must a create's or update's member hold a value no record has (the
    /// resource's `unique` fields, a create's key)?
    fn must_be_unique(&self, ep: &Endpoint, segs: &[String]) -> bool {
        let (Some(res), Some(last)) = (self.resource(ep), segs.last()) else {
            return false;
        };
        let field = self.record_name(ep, last);
        match ep.operation.kind {
            OperationKind::Create => res.unique.contains(&field) || res.key.contains(&field),
            OperationKind::Update => res.unique.contains(&field),
            _ => false,
        }
    }

    /// A member whose value the docs say cannot change the answer: a later
    /// lookup of a read when an earlier one is in the request (RPM Customer:
    /// "CustomerID ... if present, Customer is ignored").
    pub(crate) fn ignored_member(&mut self, ep: &Endpoint, segs: &[String]) -> bool {
        if ep.operation.kind != OperationKind::Read {
            return false;
        }
        let Some(pos) = ep.operation.lookup.iter().position(|l| segs.len() == 1 && l.field == segs[0]) else {
            return false;
        };
        let names = self.v().transport.names;
        let base = self.base(ep);
        ep.operation.lookup[..pos]
            .iter()
            .any(|l| present(&base.body, std::slice::from_ref(&l.field), names))
    }

    /// A rule on a value that names the record (ManEx Edit's ten-digit
    /// `Custno`) is only observable against a record that exists under a
    /// value breaking it: created through the resource's create endpoint
    /// where that endpoint does not have the rule, then named. The docs do
    /// not promise the create takes such a value, so its refusal makes the
    /// check inconclusive rather than failed.
    pub(crate) fn existing_identity_case(
        &mut self,
        ep: &Endpoint,
        rule: &Rule,
        segs: &[String],
        case: &str,
        value: &Value,
    ) -> Option<Check> {
        let v = self.v();
        let names = v.transport.names;
        let built = self.base(ep);
        let (_, record_path) = built.identity.iter().find(|(p, _)| p == segs)?.clone();
        // The record is new to the run: a value of digits gets fresh digits of
        // the same (breaking) length.
        let fresh;
        let value = match value.as_str() {
            Some(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                fresh = json!(self.uniq.digits(s.len()));
                &fresh
            }
            _ => value,
        };
        let creator = self.creator(ep.operation.resource.as_deref()?)?;
        let field = creator
            .request
            .iter()
            .find(|f| self.record_name(creator, &f.name) == record_path[0] && !f.rules.iter().any(|r| r.kind.name() == rule.kind.name()))?
            .clone();
        let mut create = self.base(creator);
        set_path(&mut create.body, std::slice::from_ref(&field.name), value.clone(), names);
        if !self.readings_reports(creator, &create.body).is_clean() {
            return None;
        }
        let mut call = built.body;
        set_path(&mut call, segs, value.clone(), names);
        let reports = self.readings_reports(ep, &call);
        let Due::Refusal(strength) = due_for(&reports, rule) else {
            return None;
        };
        let mut prepare = self.step(creator, create.body, Presenting::Valid, success());
        prepare.precondition = true;
        Some(Check {
            id: format!("{}.{case}.existing", rule.id),
            family: Family::Rejected,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: CheckId::rule(rule),
            strength,
            note: self.why(rule, strength),
            sources: sources(Some(rule), Some(ep), &[]),
            what: format!(
                "a record created by {} with {} = {} exists, and {} naming it by that value is refused",
                creator.id,
                field.name,
                short(value),
                ep.id
            ),
            steps: vec![
                prepare,
                self.step(
                    ep,
                    call,
                    Presenting::Valid,
                    Expect::Refusal {
                        entries: expected_entries(v, Some(ep), &Situation::RuleBroken(Some(rule))),
                    },
                ),
            ],
        })
    }

    /// A value of another JSON type for every scalar field: refusing it is
    /// only implied (the pages give types, not what a server does with
    /// another one), so a server that stores or coerces it gets a warning.
    pub(crate) fn type_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
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
            if path.len() == 1 && is_credential(v, &f.name) || !matches!(f.ty, Type::Scalar { .. }) || self.ignored_member(ep, &path) {
                continue;
            }
            let mut built = self.base(ep);
            set_path(
                &mut built.body,
                &path,
                json!({ "erpspec": "an object where a scalar is documented" }),
                names,
            );
            let all = self.readings_reports(ep, &built.body).all;
            let id_type = CheckId::endpoint(v, ep, EndpointPart::MemberType(&path.join(".")));
            if all.violations.len() != 1 || CheckId::violated(&all.violations[0]) != id_type {
                continue;
            }
            let strength = all.violations[0].strength;
            let steps = self.on_fresh_record(ep, built, Presenting::Valid, Expect::Refusal { entries: Vec::new() });
            out.push(Check {
                id: format!("{id_type}.object"),
                family: Family::Rejected,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: id_type,
                strength,
                note: (strength == Strength::Implied).then(|| v.implied_note(Inference::WrongType)),
                sources: f.sources.clone().into_iter().chain(ep.sources.clone()).take(1).collect(),
                what: format!("{} as a JSON object is refused", path.join(".")),
                steps,
            });
        }
        out
    }
}
