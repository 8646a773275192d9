//! Step 4: who presents which credentials, and the login endpoint that
//! exchanges them for a token. Hashing and tokens themselves are
//! [`crate::auth`]'s.

use super::answer::NOT_SERVABLE;
use super::{Abort, Engine, Request, Response, Step};
use crate::auth;
use crate::faults::Fault;
use crate::store::Tx;
use crate::util;
use erpspec_model::answers::Situation;
use erpspec_model::ir::{Endpoint, PresentationLocation, TokenCarrier};
use erpspec_rules::lookup_field;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Why credentials fail: each failure is a situation of its own, with its
/// own documented answer and fault switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthFailure {
    Missing,
    Malformed,
    Rejected,
    Expired,
    /// Before the body is read, a body credential could still come.
    Undecided,
}

impl Engine {
    /// Step 4: who the request acts for (the `user` of assigned values;
    /// empty where the endpoint takes no credentials), or the refusal.
    pub(super) fn principal(
        &self,
        tx: &Tx<'_>,
        req: &Request,
        ep: &Endpoint,
        vars: &BTreeMap<String, String>,
        body: &Value,
    ) -> Step<String> {
        if !ep.authenticated {
            return Ok(String::new());
        }
        let empty = Map::new();
        let params = body.as_object().unwrap_or(&empty);
        match self.authenticate(Some(tx), req, vars, params)? {
            Ok(p) => Ok(p),
            Err(failure) => self.auth_refused(req, ep, failure),
        }
    }

    /// Before the body is read: the refusal of a request whose credentials
    /// travel outside the body (a path segment, a header, the query) and
    /// are missing, malformed or wrong, so that an unauthenticated client
    /// never has its body read, parsed or validated. `None`: the request
    /// goes on (its credentials are judged again with the store; a token's
    /// standing needs it, and body credentials need the body).
    pub fn screen(&self, req: &Request) -> Option<Response> {
        let (endpoint, vars) = self.route(req)?;
        let ep = &self.v.endpoints[endpoint];
        if !ep.authenticated || self.wrong_method(req, ep).is_some() {
            return None;
        }
        match self.authenticate(None, req, &vars, &Map::new()) {
            Ok(Err(AuthFailure::Undecided)) => None,
            Ok(Err(failure)) => match self.auth_refused::<String>(req, ep, failure) {
                Err(Abort::Answer(refusal)) => {
                    self.answered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Some(refusal)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The documented refusal of a failed authentication, unless a fault
    /// switch accepts it (then the request acts for `anonymous`).
    fn auth_refused<T: From<&'static str>>(&self, req: &Request, ep: &Endpoint, failure: AuthFailure) -> Step<T> {
        let (accepted, situation, detail) = match failure {
            AuthFailure::Missing => (Fault::AuthAcceptMissing, Situation::AuthMissing, "No credentials were presented."),
            AuthFailure::Malformed => (Fault::AuthAcceptMalformed, Situation::AuthMalformed, "The token is malformed."),
            AuthFailure::Rejected => (
                Fault::AuthAcceptRejected,
                Situation::AuthRejected,
                "The credentials were not accepted.",
            ),
            AuthFailure::Expired => (Fault::AuthAcceptExpired, Situation::AuthExpired, "The token has expired."),
            AuthFailure::Undecided => unreachable!("only before the body is read, and never refused"),
        };
        if self.faults.has(&accepted) {
            return Ok(T::from("anonymous"));
        }
        self.refused(self.served(Some(ep), situation), detail, req)
    }

    /// The principal (for `user` assigned values) or why the request is
    /// refused. Without the store (`tx` is `None`, before the body is read)
    /// an issued token's standing is not judged: it passes here.
    fn authenticate(
        &self,
        tx: Option<&Tx<'_>>,
        req: &Request,
        vars: &BTreeMap<String, String>,
        params: &Map<String, Value>,
    ) -> Step<Result<String, AuthFailure>> {
        let names = self.v.transport.names;
        let mut presented = None;
        for p in &self.v.auth.presentations {
            if self.faults.has(&Fault::AuthIgnorePresentation(p.name.clone())) {
                continue;
            }
            // Before the body is read (no store yet), a body credential
            // met before any present one leaves the verdict to the body.
            if p.location == PresentationLocation::Body && tx.is_none() {
                return Ok(Err(AuthFailure::Undecided));
            }
            let value: Option<Value> = match p.location {
                PresentationLocation::Path => vars.get(&p.name).cloned().map(Value::String),
                PresentationLocation::Header => req.header(&p.name).map(|h| Value::String(h.to_string())),
                PresentationLocation::Body => lookup_field(params, &p.name, names).first().map(|(_, v)| (*v).clone()),
                PresentationLocation::Query => req.query.as_deref().and_then(util::query_pairs).and_then(|q| {
                    q.into_iter()
                        .find(|(k, _)| names.matches(&p.name, k))
                        .map(|(_, v)| Value::String(v))
                }),
            };
            let present = match &value {
                None | Some(Value::Null) => false,
                Some(Value::String(s)) => !s.trim().is_empty(),
                Some(_) => true,
            };
            if present {
                presented = value.map(|v| (p, v));
                break;
            }
        }
        let Some((p, value)) = presented else {
            return Ok(Err(AuthFailure::Missing));
        };
        if self.v.auth.token.is_some() && p.value == "token" {
            let Value::String(token) = value else {
                return Ok(Err(AuthFailure::Malformed));
            };
            if !auth::well_formed_token(&token) {
                return Ok(Err(AuthFailure::Malformed));
            }
            let Some(tx) = tx else {
                return Ok(Ok(String::new()));
            };
            return Ok(match tx.token(&self.v.name, &auth::token_hash(&token))? {
                None => Err(AuthFailure::Rejected),
                Some((_, issued)) if self.expired(&issued) => Err(AuthFailure::Expired),
                Some((principal, _)) => Ok(principal),
            });
        }
        let text = util::text(&value);
        match self.credentials.get(&p.value) {
            Some((salt, hash)) if auth::same_hash(hash, &auth::credential_hash(salt, &p.value, &text)) => Ok(Ok(p.value.clone())),
            _ => Ok(Err(AuthFailure::Rejected)),
        }
    }

    /// Whether a token issued at `issued` (Unix milliseconds, as stored)
    /// has outlived `--token-lifetime`; a time that does not read (a
    /// database of an earlier version) is long past.
    fn expired(&self, issued: &str) -> bool {
        let Some(lifetime) = self.token_lifetime else { return false };
        let issued_ms: i64 = issued.parse().unwrap_or(0);
        util::now_unix_ms().saturating_sub(issued_ms) > lifetime.as_millis() as i64
    }

    pub(super) fn is_credential_path(&self, path: &str) -> bool {
        let names = self.v.transport.names;
        self.body_credentials
            .iter()
            .any(|c| path.strip_prefix('/').is_some_and(|p| names.matches(c, p)))
    }

    /// Exchanges credentials for a token.
    pub(super) fn login(&self, tx: &Tx<'_>, req: &Request, ep: &Endpoint, normalized: &Map<String, Value>) -> Step<Response> {
        let Some(token) = &self.v.auth.token else {
            return Err(Abort::Answer(self.failure(NOT_SERVABLE, "The vendor issues no tokens.", req)));
        };
        let mut ok = true;
        for (cred, field) in &token.credential_fields {
            if normalized.get(field).is_none() && self.lax_required(ep, field) {
                continue;
            }
            let given = normalized.get(field).map(util::text).unwrap_or_default();
            let good = self
                .credentials
                .get(cred)
                .is_some_and(|(salt, hash)| auth::same_hash(hash, &auth::credential_hash(salt, cred, &given)));
            ok &= good;
        }
        if !ok && !self.faults.has(&Fault::AuthAcceptRejected) {
            // The login endpoint documents its own failures; the
            // presented-credential answer only if it lists it.
            let served = self.served(Some(ep), Situation::LoginRejected);
            let fields: Vec<&str> = token.credential_fields.values().map(String::as_str).collect();
            let detail = format!("Login failed: {} not valid.", fields.join(", "));
            return self.refused(served, &detail, req);
        }
        // The user named in audit fields: the credential the schema says
        // names the user (`auth.token.principal`), else the first credential's name.
        let principal = token
            .principal
            .as_ref()
            .and_then(|c| token.credential_fields.get(c))
            .and_then(|f| normalized.get(f))
            .map(util::text)
            .unwrap_or_else(|| self.v.auth.credentials.first().cloned().unwrap_or_default());
        let (text, hash) = auth::issue_token();
        tx.add_token(&self.v.name, &hash, &principal, util::now_unix_ms())?;
        Ok(match &token.carried_in {
            TokenCarrier::Field(field) => {
                let mut record = Map::new();
                record.insert(field.clone(), Value::String(text));
                self.success(ep, self.shape_payload(ep, Value::Object(record)))
            }
            TokenCarrier::Header(header) => {
                let mut answer = self.success(ep, self.shape_payload(ep, Value::Object(Map::new())));
                answer.headers.push((header.clone(), text));
                answer
            }
        })
    }
}
