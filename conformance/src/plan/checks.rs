//! The check families that send one request each (or one after a fresh
//! record): transport, doc examples, rule boundaries, types, auth.

use super::*;
use crate::oracle::{Assert, Compare, Expect};
use crate::target::Presenting;
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

    pub(crate) fn transport_checks(&mut self) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        let s = Situation::UnknownRoute;
        out.push(Check {
            id: format!("{}.transport.unknown_route", v.name),
            family: Family::Transport,
            removable: Vec::new(),
            endpoint: None,
            rule: CheckId::dialect(v, &s),
            strength: Strength::Documented,
            note: None,
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
                precondition: false,
                fills: Vec::new(),
                locate: None,
            }],
        });
        for ep in &v.endpoints {
            // Every method a client is likely to send by mistake.
            let wrong = ["GET", "POST", "PUT", "DELETE", "PATCH"]
                .into_iter()
                .filter(|m| !v.transport.methods.iter().any(|x| x.eq_ignore_ascii_case(m)));
            for method in wrong {
                let s = Situation::WrongMethod;
                let documented = !v.transport.on_wrong_method.is_empty() || v.transport.methods_documented;
                let built = self.base(ep);
                let mut step = self.step(ep, built.body, Presenting::Valid, refusal(v, Some(ep), &s));
                if let Call::Json { method: m, .. } = &mut step.call {
                    *m = method.to_string();
                }
                let (strength, note) = if documented {
                    (Strength::Documented, None)
                } else {
                    (
                        Strength::Implied,
                        Some(format!(
                            "The pages state no method; their examples imply {}.",
                            v.transport.methods.join(" and ")
                        )),
                    )
                };
                out.push(
                    Check::of(
                        v,
                        ep,
                        &format!("transport.wrong_method.{}", method.to_lowercase()),
                        Family::Transport,
                        CheckId::dialect(v, &s),
                        format!("{method} is refused (the docs give {})", v.transport.methods.join(", ")),
                        vec![step],
                    )
                    .known(strength, note)
                    .sources(v.transport.sources.clone()),
                );
            }
            if !v.transport.on_invalid_json.is_empty() {
                let s = Situation::InvalidJson;
                out.push(
                    Check::of(
                        v,
                        ep,
                        "transport.invalid_json",
                        Family::Transport,
                        CheckId::dialect(v, &s),
                        "a body that is not JSON is refused",
                        vec![Step {
                            call: Call::Raw {
                                endpoint: Some(ep.id.clone()),
                                route: None,
                                method: method_for(v),
                                content_type: "application/json".into(),
                                body: "{\"".into(),
                            },
                            expect: refusal(v, Some(ep), &s),
                            precondition: false,
                            fills: Vec::new(),
                            locate: None,
                        }],
                    )
                    .sources(v.transport.sources.clone()),
                );
            }
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

    pub(crate) fn accepted_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        if ep.operation.kind == OperationKind::Login {
            if let Some((_, body)) = self.t.login() {
                out.push(Check::of(
                    v,
                    ep,
                    "accepted.credentials",
                    Family::Accepted,
                    CheckId::endpoint(v, ep, EndpointPart::Operation),
                    "the configured credentials get a token",
                    vec![self.step(ep, body.clone(), Presenting::Valid, success())],
                ));
                let mut wrong = body.clone();
                if let Some(issue) = &v.auth.token
                    && let Some(field) = issue.credential_fields.values().last()
                {
                    wrong[field] = json!(format!("{}-wrong", self.uniq.text()));
                }
                let s = Situation::LoginRejected;
                out.push(Check::of(
                    v,
                    ep,
                    "auth.rejected",
                    Family::Auth,
                    CheckId::dialect(v, &s),
                    "wrong credentials get no token",
                    vec![self.step(ep, wrong, Presenting::Valid, refusal(v, Some(ep), &s))],
                ));
            }
            return out;
        }
        let base = self.base(ep);
        let steps = self.on_fresh_record(ep, base, Presenting::Valid, success());
        out.push(Check::of(
            v,
            ep,
            "accepted.base",
            Family::Accepted,
            CheckId::endpoint(v, ep, EndpointPart::Operation),
            "a valid request built from the docs' example succeeds",
            steps,
        ));
        out.extend(self.sample_members_check(ep));
        for (i, ex) in ep.examples.iter().enumerate() {
            let built = self.build(ep, Some(ex), true);
            let (expect, strength, rule, note) = self.judged(ep, &built.body);
            let steps = self.on_fresh_record(ep, built.clone(), Presenting::Valid, expect.clone());
            out.push(Check {
                id: format!("{}.{}.example.{}", v.name, ep.id, i + 1),
                family: Family::Accepted,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: rule.clone(),
                strength,
                note: note.clone(),
                sources: ex.sources.clone(),
                what: format!("the docs' example \"{}\" (records named by it replaced by the run's)", ex.name),
                steps,
            });
            if ex.query.is_some() && v.transport.parameters.contains(&erpspec_model::ir::ParamLocation::Query) {
                let params = built.body.clone();
                let mut steps = self.on_fresh_record(ep, built, Presenting::Valid, expect);
                if let Some(last) = steps.last_mut() {
                    last.call = Call::Query {
                        endpoint: ep.id.clone(),
                        params,
                    };
                }
                // The docs print the query string but not the method it
                // travels with: where they state no method, a refusal of
                // this GET is only implied.
                let (strength, note) = match v.transport.methods_documented {
                    true => (strength, note),
                    false => (
                        Strength::Implied,
                        Some("The pages print this query string but state no method; GET is implied.".to_string()),
                    ),
                };
                out.push(Check {
                    id: format!("{}.{}.example.{}.query", v.name, ep.id, i + 1),
                    family: Family::Accepted,
                    removable: Vec::new(),
                    endpoint: Some(ep.id.clone()),
                    rule,
                    strength,
                    note,
                    sources: ex.sources.clone(),
                    what: format!("the docs' example \"{}\" as a query string (GET)", ex.name),
                    steps,
                });
            }
        }
        out
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
    pub(crate) fn truncation_asserts(&self, ep: &Endpoint, rule: &Rule, body: &Value) -> Vec<crate::oracle::Assert> {
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
        let Some(sent) = crate::oracle::get_path(self.v(), body, &segs).and_then(Value::as_str) else {
            return Vec::new();
        };
        let mut record_path = segs.clone();
        record_path[0] = self.record_name(ep, &segs[0]);
        vec![crate::oracle::Assert {
            path: record_path,
            value: json!(erpspec_rules::kinds::max_length::truncate(sent, *max, *unit)),
            compare: crate::oracle::Compare::Exact,
            because: format!("{} is accepted only cut to its limit ({})", rule.id, rule.kind.describe()),
        }]
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
                RuleKind::MaxItems { max } => {
                    let item = array_item(ep, &segs);
                    let Ok(max) = usize::try_from(*max) else { continue };
                    for (case, n) in [("at_limit", max), ("past_limit", max.saturating_add(1))] {
                        // Lists too long to send are not planned.
                        if n > 1000 {
                            continue;
                        }
                        let s2 = segs.clone();
                        let item = item.clone();
                        cases.push(self.rule_case(ep, rule, case, format!("{field} with {n} items"), &move |b, p| {
                            // Each item valid in every member, and each
                            // different where a list of values allows, so
                            // the case breaks nothing but the count.
                            let items: Vec<Value> = (0..n)
                                .map(|i| item.as_ref().map(|f| p.full_value(ep, f, i)).unwrap_or(json!({})))
                                .collect();
                            set_path(b, &s2, Value::Array(items), names)
                        }));
                    }
                }
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
                        let shown = crate::report::short(&value);
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

    /// The docs' success sample shows these members: a success answer
    /// carries each of them (any value).
    fn sample_members_check(&mut self, ep: &Endpoint) -> Option<Check> {
        let v = self.v();
        let sample = ep.response_examples.iter().find(|x| x.answer.is_none() && x.differs.is_none())?;
        let status = sample.status.or(v.envelopes.success.status).unwrap_or(200);
        let payload = erpspec_model::recognise::success_payload(v, ep, status, &sample.body).ok()?;
        let record = crate::oracle::record_of(ep, &payload)?;
        let (prefix, members) = match (&ep.response.payload, ep.wraps_list()) {
            (erpspec_model::ir::Payload::Wrapped { member }, false) => (vec![member.clone()], record.get(member)?.as_object()?.clone()),
            _ => (Vec::new(), record.as_object()?.clone()),
        };
        let asserts: Vec<Assert> = members
            .keys()
            .filter(|k| !ep.response.include_if.contains_key(*k) && !k.starts_with('$'))
            .map(|k| Assert {
                path: prefix.iter().cloned().chain([k.clone()]).collect(),
                value: Value::Null,
                compare: Compare::Present,
                because: format!("the docs' sample \"{}\" shows it", sample.name),
            })
            .collect();
        if asserts.is_empty() {
            return None;
        }
        let base = self.base(ep);
        let steps = self.on_fresh_record(ep, base, Presenting::Valid, Expect::Success { asserts });
        let mut check = Check::of(
            v,
            ep,
            "accepted.sample_members",
            Family::Accepted,
            CheckId::endpoint(v, ep, EndpointPart::Sample),
            "a success answer carries every member the docs' sample shows",
            steps,
        );
        check.sources = sample.sources.clone();
        Some(check)
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
                crate::report::short(value),
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

    pub(crate) fn auth_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
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
            let expect = refusal(v, Some(ep), &s);
            out.push(Check {
                id: format!("{}.{}.auth.{case}", v.name, ep.id),
                family: Family::Auth,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: CheckId::dialect(v, &s),
                strength: Strength::Documented,
                note: None,
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
            out.push(
                Check::of(
                    v,
                    ep,
                    "auth.deprecated",
                    Family::Auth,
                    CheckId::presentation(v, Some(&p)),
                    format!("the deprecated `{p}` alone is still accepted"),
                    vec![self.step(ep, built.body, Presenting::Deprecated, success())],
                )
                .sources(v.auth.sources.clone()),
            );
        }
        if v.auth.presentations.len() > 1 && !v.auth.presentations[0].deprecated && !consumes {
            let built = self.base(ep);
            out.push(Check {
                id: format!("{}.{}.auth.precedence", v.name, ep.id),
                family: Family::Auth,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: CheckId::presentation(v, None),
                strength: Strength::Documented,
                note: None,
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

/// A flat JSON object as a query string (`?A=x&B=y z`), values as text.
pub(crate) fn query_string(body: &Value) -> String {
    let mut parts = Vec::new();
    if let Value::Object(m) = body {
        for (k, v) in m {
            let text = crate::oracle::text(v);
            parts.push(format!("{}={}", crate::target::encode_query(k), crate::target::encode_query(&text)));
        }
    }
    format!("?{}", parts.join("&"))
}
