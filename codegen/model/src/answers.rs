//! What a server must answer in each situation: the one model of expected
//! answers, read by the reference server (which answers through it) and by
//! the conformance oracle (which judges answers against it).
//!
//! Two questions have two answers each, and both live here so they cannot
//! drift apart:
//! - *which catalogue entry answers a situation*: [`documented_entry`] is what
//!   the docs (through the schemas) name, or `None` for "undocumented: any
//!   refusal"; [`served_entry`] adds the reference server's choice where the
//!   docs are silent;
//! - *which HTTP status*: [`documented_status`] (`None`: any status) and
//!   [`served_status`]; [`Served`] is what the server sends in a situation,
//!   entry and status, including where no entry answers.

use crate::ir::{Endpoint, ErrorEntry, MessageRule, Reference, Rule, Template, Vendor};
use serde_json::Value;
use std::collections::BTreeMap;

/// Every situation a request can put a server in.
#[derive(Clone, Copy, Debug)]
pub enum Situation<'a> {
    /// No endpoint's route matches the path.
    UnknownRoute,
    /// A method the transport does not list.
    WrongMethod,
    /// The body is not a JSON object (or cannot be read).
    InvalidJson,
    /// No credentials were presented.
    AuthMissing,
    /// A token that is not in the token format.
    AuthMalformed,
    /// Wrong credentials, or a token never issued.
    AuthRejected,
    /// A token the server issued, presented after it expired.
    AuthExpired,
    /// The login endpoint refused the credentials it exchanges for a token.
    LoginRejected,
    /// A request rule is broken; `None` for a request the rules cannot read
    /// (a value of the wrong type, a criterion that does not parse).
    RuleBroken(Option<&'a Rule>),
    /// The record the request names does not exist.
    NotFound,
    /// A create (or rename) collides with an existing key or unique value.
    Duplicate,
    /// A reference names a record that does not exist.
    MissingReference(&'a Reference),
    /// A query found no record.
    Empty,
    /// A valid request the operation carries out.
    Success,
}

/// What the docs say a situation on an endpoint must get.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected<'v> {
    /// The success envelope: this HTTP status where documented, and these
    /// slot values (the endpoint's message, the envelope's vars).
    Success {
        status: Option<u16>,
        slots: BTreeMap<String, Value>,
    },
    /// One of these catalogue entries (each a documented answer): its body
    /// template, its message rule, its fixed slots, and its HTTP status
    /// where documented.
    Refusal { entries: Vec<&'v ErrorEntry> },
    /// The docs leave the answer open: any refusal is right.
    AnyRefusal,
}

/// The one function giving what the docs say for a situation on an endpoint.
pub fn expected<'v>(v: &'v Vendor, ep: Option<&Endpoint>, s: &Situation<'_>) -> Expected<'v> {
    match (s, ep) {
        (Situation::Success, Some(ep)) => Expected::Success {
            status: v.envelopes.success.status,
            slots: fixed_success_slots(v, ep),
        },
        (Situation::Success, None) => Expected::AnyRefusal,
        _ => match documented_entries(v, ep, s) {
            entries if entries.is_empty() => Expected::AnyRefusal,
            entries => Expected::Refusal { entries },
        },
    }
}

/// Every entry the docs name for a situation, in the schemas' order: each
/// is a right answer. Empty: the docs leave the answer open, any refusal is
/// right.
pub fn documented_entries<'v>(v: &'v Vendor, ep: Option<&Endpoint>, s: &Situation<'_>) -> Vec<&'v ErrorEntry> {
    let t = &v.transport;
    let a = &v.auth;
    let listed = |lists: &[&[String]]| -> Vec<&'v ErrorEntry> {
        let mut out: Vec<&ErrorEntry> = Vec::new();
        for id in lists.iter().flat_map(|l| l.iter()) {
            if let Some(e) = v.error(id)
                && !out.iter().any(|x| x.id == e.id)
            {
                out.push(e);
            }
        }
        out
    };
    let one = |id: &Option<String>| -> Vec<&'v ErrorEntry> { id.as_deref().and_then(|id| v.error(id)).into_iter().collect() };
    match s {
        Situation::UnknownRoute => listed(&[&t.on_unknown_route]),
        Situation::WrongMethod => listed(&[&t.on_wrong_method]),
        Situation::InvalidJson => listed(&[&t.on_invalid_json]),
        Situation::AuthMissing => listed(&[&a.on_missing]),
        // Which strings are malformed rather than unknown is not documented:
        // the answer to an unknown token is right too.
        Situation::AuthMalformed if a.on_malformed.is_empty() => listed(&[&a.on_rejected]),
        Situation::AuthMalformed => listed(&[&a.on_malformed, &a.on_rejected]),
        Situation::AuthRejected => listed(&[&a.on_rejected]),
        // Where the docs name no expired answer, an expired token is one
        // the server no longer accepts.
        Situation::AuthExpired if a.on_expired.is_empty() => listed(&[&a.on_rejected]),
        Situation::AuthExpired => listed(&[&a.on_expired]),
        // The login endpoint documents its own failures: the presented-
        // credential answers it lists, else its rule-violation answers.
        Situation::LoginRejected => {
            let own: Vec<&ErrorEntry> = listed(&[&a.on_rejected])
                .into_iter()
                .filter(|e| ep.is_some_and(|ep| ep.errors.contains(&e.id)))
                .collect();
            if own.is_empty() {
                documented_entries(v, ep, &Situation::RuleBroken(None))
            } else {
                own
            }
        }
        Situation::RuleBroken(rule) => match rule.and_then(|r| r.on_violation.as_ref()) {
            Some(id) => one(&Some(id.clone())),
            None => match ep.filter(|e| !e.on_rule_violation.is_empty()) {
                Some(e) => listed(&[&e.on_rule_violation]),
                None => listed(&[&t.on_rule_violation]),
            },
        },
        Situation::NotFound => one(&ep.and_then(|e| e.operation.on_not_found.clone())),
        Situation::Duplicate => one(&ep.and_then(|e| e.operation.on_duplicate.clone())),
        Situation::MissingReference(r) => one(&r.on_missing),
        Situation::Empty => one(&ep.and_then(|e| e.operation.on_empty.clone())),
        Situation::Success => Vec::new(),
    }
}

/// The first entry the docs name for a situation (see [`documented_entries`]).
pub fn documented_entry<'v>(v: &'v Vendor, ep: Option<&Endpoint>, s: &Situation<'_>) -> Option<&'v ErrorEntry> {
    documented_entries(v, ep, s).into_iter().next()
}

/// The entry the reference server answers with: the documented one, else its
/// choice where the docs are silent (reference/README.md): for a wrong method
/// the unknown-route entry (ASP.NET binds no action for it); for the rest the
/// rule-violation chain, then the vendor's catch-all entry (a message of any
/// text and no body of its own: RPM's undocumented refusal), then the
/// unknown-route entry (an action whose parameters cannot be bound matches no
/// route: ManEx Get's documented `?CustName=` answer).
pub fn served_entry<'v>(v: &'v Vendor, ep: Option<&Endpoint>, s: &Situation<'_>) -> Option<&'v ErrorEntry> {
    if let Some(e) = documented_entry(v, ep, s) {
        return Some(e);
    }
    let unknown_route = || v.transport.on_unknown_route.first().and_then(|id| v.error(id));
    let catch_all = || v.errors.iter().find(|e| matches!(e.message, MessageRule::Any) && e.body.is_none());
    match s {
        Situation::WrongMethod => unknown_route().or_else(|| served_entry(v, ep, &Situation::RuleBroken(None))),
        Situation::UnknownRoute
        | Situation::AuthMissing
        | Situation::AuthMalformed
        | Situation::AuthRejected
        | Situation::AuthExpired
        | Situation::Success => None,
        Situation::RuleBroken(_) => catch_all().or_else(unknown_route),
        _ => served_entry(v, ep, &Situation::RuleBroken(None)),
    }
}

/// The HTTP status the docs give an entry: its own, else the error
/// envelope's; `None` where neither is documented (any status is right).
pub fn documented_status(v: &Vendor, e: &ErrorEntry) -> Option<u16> {
    e.status.or(v.envelopes.error.status)
}

/// The status the reference server sends for an entry: the documented one,
/// else 404 for the entry answering unknown routes, else 200 (the envelope
/// carries the outcome: ManEx `Code`, RPM `Result.Error`).
pub fn served_status(v: &Vendor, e: &ErrorEntry) -> u16 {
    e.status
        .or_else(|| (v.transport.on_unknown_route.contains(&e.id)).then_some(404))
        .or(v.envelopes.error.status)
        .unwrap_or(200)
}

/// What the reference server serves in a situation: the catalogue entry
/// whose body it sends (`None`: the error envelope around its own
/// message), and the HTTP status.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Served<'v> {
    pub entry: Option<&'v ErrorEntry>,
    pub status: u16,
}

/// What the reference server serves in `s` on `ep`: [`served_entry`], with
/// the status [`Served::with`] gives it.
pub fn served<'v>(v: &'v Vendor, ep: Option<&Endpoint>, s: &Situation<'_>) -> Served<'v> {
    Served::with(v, s, served_entry(v, ep, s))
}

impl<'v> Served<'v> {
    /// Situation `s` answered with `entry` ([`served_entry`], or another of
    /// the [`documented_entries`] a reading of the docs picks). The status
    /// is the one place the server's statuses are decided: a success gets
    /// the success envelope's (200 where undocumented); an entry its
    /// [`served_status`], except that a wrong method gets HTTP's own 405
    /// (with `Allow`, what every client and peer tool expects) unless the
    /// docs give the wrong method's answer a status; and where no entry
    /// answers, the status HTTP gives the situation.
    pub fn with(v: &Vendor, s: &Situation<'_>, entry: Option<&'v ErrorEntry>) -> Served<'v> {
        let status = match (s, entry) {
            (Situation::Success, _) => v.envelopes.success.status.unwrap_or(200),
            (Situation::WrongMethod, Some(e)) if !wrong_method_status_documented(v, e) => 405,
            (_, Some(e)) => served_status(v, e),
            (Situation::UnknownRoute | Situation::NotFound | Situation::MissingReference(_) | Situation::Empty, None) => 404,
            (Situation::WrongMethod, None) => 405,
            (Situation::InvalidJson | Situation::RuleBroken(_), None) => 400,
            (
                Situation::AuthMissing
                | Situation::AuthMalformed
                | Situation::AuthRejected
                | Situation::AuthExpired
                | Situation::LoginRejected,
                None,
            ) => 401,
            (Situation::Duplicate, None) => 409,
        };
        Served { entry, status }
    }
}

/// Whether the docs name `e` for a wrong method and give it a status (a
/// catalogue entry the server borrows for it keeps HTTP's 405).
fn wrong_method_status_documented(v: &Vendor, e: &ErrorEntry) -> bool {
    v.transport.on_wrong_method.contains(&e.id) && documented_status(v, e).is_some()
}

/// The body template of an entry: its own, else the vendor's error envelope.
pub fn error_template<'v>(v: &'v Vendor, e: &'v ErrorEntry) -> &'v Template {
    e.body.as_ref().unwrap_or(&v.envelopes.error.body)
}

/// The value each slot of an entry's body must have, where the docs fix it
/// (`{{code}}`, vars); a slot not listed takes any value, `{{message}}` is
/// judged by the entry's [`MessageRule`].
pub fn fixed_error_slots(v: &Vendor, e: &ErrorEntry) -> BTreeMap<String, Value> {
    let mut fixed: BTreeMap<String, Value> = v.envelopes.error.vars.clone();
    fixed.extend(e.vars.clone());
    if let Some(c) = &e.code {
        fixed.insert("code".into(), c.clone());
    }
    fixed
}

/// The value one slot of an entry's body must have, where the docs fix it:
/// [`fixed_error_slots`] for one slot, without building the map.
pub fn fixed_error_slot<'v>(v: &'v Vendor, e: &'v ErrorEntry, slot: &str) -> Option<&'v Value> {
    if slot == "code"
        && let Some(c) = &e.code
    {
        return Some(c);
    }
    e.vars.get(slot).or_else(|| v.envelopes.error.vars.get(slot))
}

/// The values the success envelope's slots must have for an endpoint
/// (`{{message}}` where the endpoint documents one, the envelope's vars;
/// `{{code}}` is the success status where documented).
pub fn fixed_success_slots(v: &Vendor, ep: &Endpoint) -> BTreeMap<String, Value> {
    let env = &v.envelopes.success;
    let mut fixed: BTreeMap<String, Value> = env.vars.clone();
    if let Some(m) = &ep.response.message {
        fixed.insert("message".into(), Value::String(m.clone()));
    }
    if let Some(s) = env.status {
        fixed.insert("code".into(), Value::from(s));
    }
    fixed
}

/// The entries a request to `ep` can be answered with: those the endpoint
/// lists, and those the shared model answers its situations with (a body
/// that is not JSON, each broken rule, each auth failure, a missing record
/// or reference), so a peer tool reading the document sees every answer.
pub fn answerable_entries(v: &Vendor, ep: &Endpoint) -> Vec<String> {
    let mut situations = vec![
        Situation::InvalidJson,
        Situation::RuleBroken(None),
        Situation::NotFound,
        Situation::Duplicate,
        Situation::Empty,
    ];
    if ep.authenticated {
        situations.extend([Situation::AuthMissing, Situation::AuthMalformed, Situation::AuthRejected]);
        if v.auth.token.is_some() {
            situations.push(Situation::AuthExpired);
        }
    }
    let rules = ep.all_rules();
    situations.extend(rules.iter().map(|(_, r)| Situation::RuleBroken(Some(*r))));
    let mut refs = Vec::new();
    crate::ir::walk_fields(&ep.request, &mut |n| {
        if let Some(r) = &n.field.refers_to {
            refs.push(r);
        }
    });
    situations.extend(refs.into_iter().map(Situation::MissingReference));
    let mut ids = ep.errors.clone();
    for s in &situations {
        for e in documented_entries(v, Some(ep), s).into_iter().chain(served_entry(v, Some(ep), s)) {
            if !ids.contains(&e.id) {
                ids.push(e.id.clone());
            }
        }
    }
    ids
}

/// A catalogue message for a case: the exact text, or the documented prefix
/// followed by the case's detail, or the detail itself.
pub fn compose(rule: &MessageRule, detail: &str) -> String {
    match rule {
        MessageRule::Exact(m) => m.clone(),
        MessageRule::Prefix(p) if detail.starts_with(p.as_str()) => detail.to_string(),
        MessageRule::Prefix(p) if p.ends_with(|c: char| c.is_whitespace() || c == '.' || c == ':') || detail.is_empty() => {
            format!("{p}{detail}")
        }
        MessageRule::Prefix(p) => format!("{p} {detail}"),
        MessageRule::Any if detail.is_empty() => "Error".into(),
        MessageRule::Any => detail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real schemas, as this crate's IR (the loader links its own
    /// build of this crate, so its IR comes across as JSON).
    fn real_api() -> crate::ir::Api {
        let api = erpspec_schema::load_workspace().expect("schemas load");
        serde_json::from_value(serde_json::to_value(&api).expect("IR serialises")).expect("IR reads back")
    }

    #[test]
    fn the_server_serves_the_documented_status_else_http_s_own() {
        let api = real_api();
        let mut checked = 0;
        for v in &api.vendors {
            for ep in &v.endpoints {
                let mut situations = vec![
                    Situation::UnknownRoute,
                    Situation::WrongMethod,
                    Situation::InvalidJson,
                    Situation::AuthMissing,
                    Situation::AuthMalformed,
                    Situation::AuthRejected,
                    Situation::AuthExpired,
                    Situation::LoginRejected,
                    Situation::RuleBroken(None),
                    Situation::NotFound,
                    Situation::Duplicate,
                    Situation::Empty,
                ];
                situations.extend(ep.all_rules().into_iter().map(|(_, r)| Situation::RuleBroken(Some(r))));
                for s in &situations {
                    let got = served(v, Some(ep), s);
                    assert_eq!(got.entry, served_entry(v, Some(ep), s), "{} {} {s:?}", v.name, ep.id);
                    let want = match (s, got.entry) {
                        (Situation::WrongMethod, Some(e)) if v.transport.on_wrong_method.contains(&e.id) => {
                            documented_status(v, e).unwrap_or(405)
                        }
                        (Situation::WrongMethod, Some(_)) => 405,
                        (_, Some(e)) => served_status(v, e),
                        (Situation::WrongMethod, None) => 405,
                        (Situation::InvalidJson | Situation::RuleBroken(_), None) => 400,
                        (
                            Situation::AuthMissing
                            | Situation::AuthMalformed
                            | Situation::AuthRejected
                            | Situation::AuthExpired
                            | Situation::LoginRejected,
                            None,
                        ) => 401,
                        (Situation::Duplicate, None) => 409,
                        (_, None) => 404,
                    };
                    assert_eq!(got.status, want, "{} {} {s:?}", v.name, ep.id);
                    checked += 1;
                }
                assert_eq!(
                    served(v, Some(ep), &Situation::Success).status,
                    v.envelopes.success.status.unwrap_or(200)
                );
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn a_wrong_method_gets_405_unless_the_docs_say_otherwise() {
        let api = real_api();
        let vendor = |name: &str| api.vendor(name).expect("vendor");
        fn answer(v: &Vendor, s: Situation<'_>) -> (Option<String>, u16) {
            let got = served(v, v.endpoints.first(), &s);
            (got.entry.map(|e| e.id.clone()), got.status)
        }
        let (expandable, manex, rpm) = (vendor("expandable"), vendor("manex"), vendor("rpm"));
        assert_eq!(answer(expandable, Situation::WrongMethod), (Some("method-not-post".into()), 405));
        assert_eq!(answer(expandable, Situation::UnknownRoute), (None, 404));
        // The unknown-route entry answers both, with HTTP's status for each.
        assert_eq!(answer(manex, Situation::UnknownRoute), (Some("no-http-resource".into()), 404));
        assert_eq!(answer(manex, Situation::WrongMethod), (Some("no-http-resource".into()), 405));
        assert_eq!(answer(rpm, Situation::WrongMethod), (Some("undocumented-refusal".into()), 405));
        // An entry without a documented status travels in the envelope under 200.
        assert_eq!(answer(rpm, Situation::AuthMissing), (Some("valid-key-required".into()), 200));
        assert_eq!(answer(rpm, Situation::Success), (None, 200));
    }

    #[test]
    fn messages_follow_their_documented_form() {
        assert_eq!(compose(&MessageRule::Exact("Invalid API Key.".into()), "x"), "Invalid API Key.");
        assert_eq!(
            compose(&MessageRule::Prefix("Customer add failed.".into()), "Custname is required"),
            "Customer add failed.Custname is required"
        );
        assert_eq!(
            compose(
                &MessageRule::Prefix("Customer edit failed.".into()),
                "Customer edit failed.Customer Number"
            ),
            "Customer edit failed.Customer Number"
        );
        assert_eq!(
            compose(&MessageRule::Prefix("Unrecognized type for phone number: ".into()), "4"),
            "Unrecognized type for phone number: 4"
        );
        assert_eq!(
            compose(
                &MessageRule::Prefix("No HTTP resource was found that matches the request URI".into()),
                "'u'."
            ),
            "No HTTP resource was found that matches the request URI 'u'."
        );
        assert_eq!(compose(&MessageRule::Any, "boom"), "boom");
    }
}
