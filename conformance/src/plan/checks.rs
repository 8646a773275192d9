//! The check families that send one request each (or one after a fresh
//! record): transport, doc examples, rule boundaries, types, auth.

use super::*;
use crate::oracle::Expect;
use crate::target::Presenting;
use build::{array_item, is_credential, join};
use erpspec_codegen::answers::{Situation, dialect_check_id};
use erpspec_codegen::ir::{Endpoint, Example, Field, OperationKind, Rule, Type};
use erpspec_rules::{RuleKind, Strength};
use serde_json::{Value, json};

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
                out.push(
                    Check::of(
                        v,
                        ep,
                        "transport.wrong_method",
                        Family::Transport,
                        dialect_check_id(v, &s),
                        format!("{method} is refused (the docs give {})", v.transport.methods.join(", ")),
                        vec![step],
                    )
                    .severity(if documented { Severity::Fail } else { Severity::Warn })
                    .sources(v.transport.sources.clone()),
                );
            }
            if v.transport.on_invalid_json.is_some() {
                let s = Situation::InvalidJson;
                out.push(
                    Check::of(
                        v,
                        ep,
                        "transport.invalid_json",
                        Family::Transport,
                        dialect_check_id(v, &s),
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

    /// The expectation for an example: refused if it breaks a rule, else success.
    pub(crate) fn example_expect(&self, ep: &Endpoint, ex: &Example) -> (Expect, Severity, String) {
        let rules = ep.all_rules();
        let broken: Vec<&Rule> = ex
            .breaks
            .iter()
            .filter_map(|id| rules.iter().find(|(_, r)| &r.id == id).map(|(_, r)| *r))
            .collect();
        match broken.first() {
            None => (success(), Severity::Fail, answers::endpoint_check_id(self.v(), ep, "operation")),
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
                    answers::endpoint_check_id(v, ep, "operation"),
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
                    dialect_check_id(v, &s),
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
            answers::endpoint_check_id(v, ep, "operation"),
            "a valid request built from the docs' example succeeds",
            steps,
        ));
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
                let params = built.body.clone();
                let mut steps = self.on_fresh_record(ep, built, Presenting::Valid, expect);
                if let Some(last) = steps.last_mut() {
                    last.call = Call::Query {
                        endpoint: ep.id.clone(),
                        params,
                    };
                }
                out.push(Check {
                    id: format!("{}.{}.example.{}.query", v.name, ep.id, i + 1),
                    family: Family::Accepted,
                    removable: Vec::new(),
                    endpoint: Some(ep.id.clone()),
                    rule,
                    // The docs print the query string but not the method it
                    // travels with: where they state no method, a refusal of
                    // this GET only warns.
                    severity: if v.transport.methods_documented { severity } else { Severity::Warn },
                    sources: ex.sources.clone(),
                    what: format!("the docs' example \"{}\" as a query string (GET)", ex.name),
                    steps,
                });
            }
        }
        out
    }

    /// A rule case: the base request with one change, and what it must get.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn rule_case(
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

    pub(crate) fn rule_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
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
                    // A login member carrying a credential logs in only with
                    // the configured value: another value the rule accepts
                    // cannot be shown to be accepted.
                    let credential = v.login_credential(ep, &path).is_some();
                    for c in kind.cases().into_iter().filter(|c| !(credential && c.holds)) {
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
            out.push(
                Check::of(
                    v,
                    ep,
                    "auth.deprecated",
                    Family::Auth,
                    answers::presentation_check_id(v, Some(&p)),
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
                rule: answers::presentation_check_id(v, None),
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
