//! Requests the docs say succeed: the base request, the login with the
//! configured credentials, every doc example (as JSON and as a query
//! string), and the members the docs' success sample shows.

use super::*;
use erpspec_model::answers::Situation;
use erpspec_model::check_id::{CheckId, EndpointPart};
use erpspec_model::ir::{Endpoint, Example, OperationKind};
use erpspec_rules::Strength;
use serde_json::{Value, json};

impl Planner<'_> {
    pub(crate) fn accepted_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        if ep.operation.kind == OperationKind::Login {
            return self.login_checks(ep);
        }
        let mut out = Vec::new();
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
            out.extend(self.example_checks(ep, i, ex));
        }
        out
    }

    /// The login endpoint: the configured credentials get a token, wrong
    /// ones none.
    fn login_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        let Some((_, body)) = self.t.login() else { return out };
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
        out
    }

    /// The docs' example `i` as documented, and as a query string where
    /// the docs print one.
    fn example_checks(&mut self, ep: &Endpoint, i: usize, ex: &Example) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
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
            out.push(self.query_example_check(ep, i, ex, built, (expect, strength, rule, note)));
        }
        out
    }

    /// The docs' example `i` as the query string (GET) they print.
    fn query_example_check(
        &mut self,
        ep: &Endpoint,
        i: usize,
        ex: &Example,
        built: Built,
        (expect, strength, rule, note): (Expect, Strength, CheckId, Option<String>),
    ) -> Check {
        let v = self.v();
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
        Check {
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
        }
    }

    /// The docs' success sample shows these members: a success answer
    /// carries each of them (any value).
    fn sample_members_check(&mut self, ep: &Endpoint) -> Option<Check> {
        let v = self.v();
        let sample = ep.response_examples.iter().find(|x| x.answer.is_none() && x.differs.is_none())?;
        let status = sample.status.or(v.envelopes.success.status).unwrap_or(200);
        let payload = erpspec_model::recognise::success_payload(v, ep, status, &sample.body).ok()?;
        let record = record_of(ep, &payload)?;
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
}
