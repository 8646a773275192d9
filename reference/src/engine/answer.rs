//! Step 7: the success envelope around a payload, or a refusal: the
//! catalogue entry the shared model of answers serves, in its body.

use super::{Abort, Engine, Request, Response, Step};
use crate::faults::Fault;
use crate::readings;
use crate::util;
use erpspec_model::answers::{self, Served, Situation};
use erpspec_model::ir::{Endpoint, ErrorEntry, Payload};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// HTTP statuses of the server's own failures, which no situation of the
/// docs covers: the record store failing, and an endpoint the IR gives this
/// engine no way to carry out (no resource, no token issue).
pub(super) const STORE_FAILED: u16 = 503;
pub(super) const NOT_SERVABLE: u16 = 501;

impl Engine {
    pub(super) fn success(&self, ep: &Endpoint, payload: Value) -> Response {
        let env = &self.v.envelopes.success;
        let mut values: BTreeMap<String, Value> = env.vars.clone().into_iter().collect();
        values.insert(
            "message".into(),
            ep.response.message.clone().map(Value::String).unwrap_or(Value::Null),
        );
        let status = Served::with(&self.v, &Situation::Success, None).status;
        values.insert("code".into(), Value::from(status));
        values.insert("any".into(), Value::Null);
        // The template's fill, with the payload moved into its slot rather
        // than copied (a record is most of the answer).
        let mut body = env.body.fill(&values);
        let mut places = Vec::new();
        slot_places(&env.body, &mut body, "payload", &mut places);
        let payload = with_payload_members(&env.payload_members, ep, payload);
        if let Some((last, others)) = places.split_last_mut() {
            for place in others {
                **place = payload.clone();
            }
            **last = payload;
        }
        for p in self.faults.envelope_drops(true) {
            erpspec_model::template::remove_pointer(&mut body, p);
        }
        if self.readings.other(readings::SCALARS_AS_TEXT) {
            readings::write_scalars_as_text(&self.v, &mut body);
        }
        Response::new(status, body)
    }

    /// What the server serves in a situation (see [`Served::with`]). Where
    /// the docs give several answers, the reading picks the first or the
    /// last.
    pub(super) fn served(&self, ep: Option<&Endpoint>, s: Situation<'_>) -> Served<'_> {
        let documented = answers::documented_entries(&self.v, ep, &s);
        // A switch breaking one of the answers is served wherever that
        // answer is documented, whichever the reading would pick.
        let entry = if let Some(broken) = documented.iter().find(|e| self.faults.breaks_entry(&e.id)) {
            Some(*broken)
        } else if documented.len() > 1 && self.readings.other(&readings::answers(&self.v, ep, &s)) {
            documented.last().copied()
        } else {
            answers::served_entry(&self.v, ep, &s)
        };
        Served::with(&self.v, &s, entry)
    }

    /// A refusal, which rolls back the request's writes.
    pub(super) fn refused<T>(&self, served: Served<'_>, detail: &str, req: &Request) -> Step<T> {
        Err(Abort::Answer(self.error(served, detail, req)))
    }

    /// The answer to one of the server's own failures, which no situation
    /// of the docs covers (so the shared model does not either).
    pub(super) fn failure(&self, status: u16, detail: &str, req: &Request) -> Response {
        self.error(Served { entry: None, status }, detail, req)
    }

    /// Renders an error answer. Without a catalogue entry (the vendor
    /// documents nothing for the case) the error envelope carries `detail`.
    pub(super) fn error(&self, served: Served<'_>, detail: &str, req: &Request) -> Response {
        let env = &self.v.envelopes.error;
        let mut values: BTreeMap<String, Value> = env.vars.clone().into_iter().collect();
        let (status, message, code, template) = match served.entry {
            Some(e) => {
                values.extend(e.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
                let (status, message, code) = self.entry_answer(e, served.status, detail, req);
                (status, message, code, answers::error_template(&self.v, e))
            }
            None => (served.status, detail.to_string(), Value::from(served.status), &env.body),
        };
        // `{{any}}` is a member whose value the docs leave open.
        values.insert("any".into(), Value::String(String::new()));
        values.insert("message".into(), Value::String(message));
        values.insert("code".into(), code);
        values.insert("payload".into(), Value::Null);
        let mut body = template.fill(&values);
        for p in self.faults.envelope_drops(false) {
            erpspec_model::template::remove_pointer(&mut body, p);
        }
        if self.readings.other(readings::SCALARS_AS_TEXT) {
            readings::write_scalars_as_text(&self.v, &mut body);
        }
        Response::new(status, body)
    }

    /// An entry's status, message and code, as the readings and fault
    /// switches leave them; `served` is the status [`Served::with`] gives
    /// the situation.
    fn entry_answer(&self, e: &ErrorEntry, served: u16, detail: &str, req: &Request) -> (u16, String, Value) {
        // The unknown-route answer quotes the request URI.
        let detail = if self.v.transport.on_unknown_route.contains(&e.id) {
            format!("'{}'.", req.uri())
        } else {
            detail.to_string()
        };
        let mut message = answers::compose(&e.message, &detail);
        if self.faults.has(&Fault::WrongMessage(e.id.clone())) {
            message = format!("Altered: {message}");
        }
        let mut own = answers::served_status(&self.v, e);
        if answers::documented_status(&self.v, e).is_none() && own == 200 && self.readings.other(readings::STATUS) {
            own = 400;
        }
        if self.faults.has(&Fault::WrongStatus(e.id.clone())) {
            own = 200;
        }
        let mut code = e.code.clone().unwrap_or(Value::from(own));
        if self.faults.has(&Fault::WrongCode(e.id.clone())) {
            code = match code.as_i64() {
                Some(n) => Value::from(n + 1),
                None => Value::String(format!("{}-altered", util::text(&code))),
            };
        }
        // A status the situation imposes over the entry's (HTTP's 405 for a
        // wrong method) is sent as it is; the body keeps the entry's code.
        let status = if served == answers::served_status(&self.v, e) {
            own
        } else {
            served
        };
        (status, message, code)
    }
}

/// A record payload with the members the success envelope's samples show
/// before its fields (`"$id": "2"`); other payloads as they are.
fn with_payload_members(members: &Map<String, Value>, ep: &Endpoint, payload: Value) -> Value {
    match (ep.response.payload == Payload::Record, payload) {
        (true, Value::Object(record)) if !members.is_empty() => {
            let mut out = members.clone();
            out.extend(record);
            Value::Object(out)
        }
        (_, payload) => payload,
    }
}

/// The values of a template's fill where the template has slot `name`.
fn slot_places<'v>(t: &erpspec_model::template::Template, v: &'v mut Value, name: &str, out: &mut Vec<&'v mut Value>) {
    use erpspec_model::template::Template;
    match (t, v) {
        (Template::Slot(n), v) if n == name => out.push(v),
        (Template::Array(items), Value::Array(values)) => {
            for (t, v) in items.iter().zip(values.iter_mut()) {
                slot_places(t, v, name, out);
            }
        }
        (Template::Object(members), Value::Object(values)) => {
            for (k, v) in values.iter_mut() {
                if let Some((_, t)) = members.iter().find(|(m, _)| m == k) {
                    slot_places(t, v, name, out);
                }
            }
        }
        _ => {}
    }
}
