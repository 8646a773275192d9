//! The dialect's checks: routes and methods the transport refuses, bodies
//! that are not JSON, and every way of presenting credentials.

use super::*;
use erpspec_model::answers::Situation;
use erpspec_model::check_id::CheckId;
use erpspec_model::ir::{Endpoint, OperationKind};
use erpspec_rules::Strength;

impl Planner<'_> {
    pub(crate) fn transport_checks(&mut self) -> Vec<Check> {
        let v = self.v();
        let mut out = vec![self.unknown_route_check()];
        for ep in &v.endpoints {
            out.extend(self.wrong_method_checks(ep));
            out.extend(self.invalid_json_check(ep));
        }
        out
    }

    /// A route no endpoint has is refused.
    fn unknown_route_check(&self) -> Check {
        let v = self.v();
        let s = Situation::UnknownRoute;
        Check {
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
        }
    }

    /// Every method a client is likely to send by mistake is refused.
    fn wrong_method_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
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
        out
    }

    /// A body that is not JSON is refused, where the docs say how.
    fn invalid_json_check(&self, ep: &Endpoint) -> Option<Check> {
        let v = self.v();
        if v.transport.on_invalid_json.is_empty() {
            return None;
        }
        let s = Situation::InvalidJson;
        Some(
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
        )
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
        // Only where the docs name the answer: elsewhere an expired token is
        // one the server may or may not still accept.
        if token && !v.auth.on_expired.is_empty() {
            cases.push((
                "expired",
                Presenting::Expired,
                Situation::AuthExpired,
                "a token past its lifetime gets the expired answer",
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
        // A delete consumes its record: a second success cannot be shown.
        if ep.operation.kind != OperationKind::Delete {
            out.extend(self.deprecated_check(ep));
            out.extend(self.precedence_check(ep));
        }
        out
    }

    /// The deprecated presentation alone is still accepted.
    fn deprecated_check(&mut self, ep: &Endpoint) -> Option<Check> {
        let v = self.v();
        let p = v.auth.presentations.iter().find(|p| p.deprecated)?.name.clone();
        let built = self.base(ep);
        Some(
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
        )
    }

    /// A valid first presentation wins over a wrong later one.
    fn precedence_check(&mut self, ep: &Endpoint) -> Option<Check> {
        let v = self.v();
        if v.auth.presentations.len() < 2 || v.auth.presentations[0].deprecated {
            return None;
        }
        let built = self.base(ep);
        Some(Check {
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
        })
    }
}
