//! Recognising an answer: is a body the success envelope with an endpoint's
//! payload, or which catalogue entry's refusal is it? Read by the conformance
//! oracle (judging a server's answers) and by the checker (the docs' sample
//! answers under `response_examples`), so both recognise answers alike.

use crate::answers;
use crate::ir::{Endpoint, ErrorEntry, MessageRule, Payload, Vendor};
use crate::template::{Mismatch, brief, same_json};
use serde_json::Value;

/// The body as the schemas write it: where another documented reading
/// writes the envelopes' scalars as text (`"Code": "200"`), a top-level
/// member that a template holds as a scalar or a fixed slot, written as
/// text, is read back as that scalar. Payload and message members are not
/// touched (a record's text stays text).
pub fn as_documented<'b>(v: &Vendor, body: &'b Value) -> std::borrow::Cow<'b, Value> {
    use std::borrow::Cow;
    let (Some(_), Value::Object(members)) = (&v.envelopes.scalars_as_text, body) else {
        return Cow::Borrowed(body);
    };
    let templated = envelope_scalar_members(v);
    let mut out = members.clone();
    let mut changed = false;
    for (k, val) in out.iter_mut() {
        if let (true, Some(text)) = (templated.contains(k), val.as_str())
            && let Ok(scalar @ (Value::Bool(_) | Value::Number(_) | Value::Null)) = serde_json::from_str::<Value>(text)
        {
            *val = scalar;
            changed = true;
        }
    }
    if changed {
        Cow::Owned(Value::Object(out))
    } else {
        Cow::Borrowed(body)
    }
}

/// The top-level members the envelopes (and entries' own bodies) hold as a
/// scalar or a fixed slot: neither the payload, the message nor a free
/// member.
pub fn envelope_scalar_members(v: &Vendor) -> Vec<String> {
    // A literal scalar, or a slot other than the payload, the message or
    // a free member (a literal string, `"$id": "1"`, is text already).
    let scalar = |t: &Value| match t {
        Value::Bool(_) | Value::Number(_) | Value::Null => true,
        Value::String(s) => s.starts_with("{{") && !["{{payload", "{{message", "{{any"].iter().any(|f| s.starts_with(f)),
        _ => false,
    };
    [&v.envelopes.success.body, &v.envelopes.error.body]
        .into_iter()
        .chain(v.errors.iter().filter_map(|e| e.body.as_ref()))
        .filter_map(|t| match t.to_value() {
            Value::Object(m) => Some(m.into_iter().filter(|(_, t)| scalar(t)).map(|(k, _)| k).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Does any catalogue entry recognise this body (its template with its fixed
/// slots and message rule)? Returns the first such entry.
pub fn refusal_entry<'v>(v: &'v Vendor, body: &Value) -> Option<&'v ErrorEntry> {
    let body = as_documented(v, body);
    v.errors.iter().find(|e| entry_body_mismatch(v, e, &body).is_none())
}

pub fn entry_body_mismatch(v: &Vendor, e: &ErrorEntry, body: &Value) -> Option<Mismatch> {
    let body = &*as_documented(v, body);
    let slot_ok = |slot: &str, value: &Value| -> Option<String> {
        if slot == "message" {
            return match value.as_str() {
                Some(m) if e.message.accepts(m) => None,
                Some(m) => Some(format!("message {m:?} is not {}", describe_message(&e.message))),
                None => Some(format!("the message is not a string: {}", brief(value))),
            };
        }
        match answers::fixed_error_slot(v, e, slot) {
            Some(want) if !same_json(want, value) => Some(format!("expected {want}, found {}", brief(value))),
            _ => None,
        }
    };
    answers::error_template(v, e).matches(body, &slot_ok).err()
}

pub fn describe_message(m: &MessageRule) -> String {
    match m {
        MessageRule::Exact(t) => format!("the documented {t:?}"),
        MessageRule::Prefix(p) => format!("a message starting with {p:?}"),
        MessageRule::Any => "any text".into(),
    }
}

/// Why an answer is not entry `e` (status, then body), if it is not.
pub fn refusal_mismatch(v: &Vendor, e: &ErrorEntry, status: u16, body: &Value) -> Option<String> {
    if let Some(want) = answers::documented_status(v, e)
        && want != status
    {
        return Some(format!("HTTP status {status}, documented {want}"));
    }
    entry_body_mismatch(v, e, body).map(|m| m.to_string())
}

/// The payload of a success answer, or why the answer is not a success.
pub fn success_payload(v: &Vendor, ep: &Endpoint, status: u16, body: &Value) -> Result<Value, String> {
    let body = &*as_documented(v, body);
    let env = &v.envelopes.success;
    let (documented, fixed) = match answers::expected(v, Some(ep), &answers::Situation::Success) {
        answers::Expected::Success { status, slots } => (status, slots),
        _ => (env.status, Default::default()),
    };
    match documented {
        Some(want) if want != status => return Err(status_refusal(v, status, body, Some(want))),
        None if status >= 400 => return Err(status_refusal(v, status, body, None)),
        _ => {}
    }
    if let Some(e) = refusal_entry(v, body) {
        let message = message_of(v, e, body).unwrap_or_default();
        return Err(format!("refused with `{}`{message}", e.id));
    }
    let slot_ok = |slot: &str, value: &Value| -> Option<String> {
        match fixed.get(slot) {
            Some(want) if !same_json(want, value) => Some(format!("expected {want}, found {}", brief(value))),
            _ => None,
        }
    };
    let bound = env
        .body
        .matches(body, &slot_ok)
        .map_err(|m| format!("not the success envelope: {m}"))?;
    let payload = bound.get("payload").map(|p| (*p).clone()).unwrap_or(Value::Null);
    let shape_ok = match &ep.response.payload {
        Payload::Record => payload.is_object(),
        // "The answer is an empty JSON object": the record is not.
        Payload::EmptyObject => payload.as_object().is_some_and(|m| m.is_empty()),
        Payload::Records => payload.as_array().is_some_and(|a| a.iter().all(Value::is_object)),
        Payload::Null => payload.is_null(),
        Payload::Unspecified => true,
        Payload::Wrapped { member } if ep.wraps_list() => {
            payload
                .get(member)
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().all(Value::is_object))
                && ep
                    .response
                    .beside
                    .iter()
                    .all(|(name, _)| payload.get(name).is_some_and(Value::is_i64))
        }
        Payload::Wrapped { member } => payload.get(member).is_some_and(Value::is_object),
    };
    if !shape_ok {
        let want = match &ep.response.payload {
            Payload::Record => "a record (a JSON object)".to_string(),
            Payload::EmptyObject => "an empty object".to_string(),
            Payload::Records => "a list of records".to_string(),
            Payload::Null => "null".to_string(),
            Payload::Unspecified => "anything".to_string(),
            Payload::Wrapped { member } if ep.wraps_list() => {
                let beside: Vec<String> = ep.response.beside.iter().map(|(n, _)| format!("`{n}`")).collect();
                match beside.is_empty() {
                    true => format!("an object with a `{member}` list of records"),
                    false => format!("an object with a `{member}` list of records and the integer {}", beside.join(", ")),
                }
            }
            Payload::Wrapped { member } => format!("an object with a `{member}` record"),
        };
        return Err(format!("the payload should be {want}, found {}", brief(&payload)));
    }
    Ok(payload)
}

fn status_refusal(v: &Vendor, status: u16, body: &Value, want: Option<u16>) -> String {
    let entry = refusal_entry(v, body).map(|e| format!(", refused with `{}`{}", e.id, message_of(v, e, body).unwrap_or_default()));
    match want {
        Some(w) => format!("HTTP status {status}, documented {w}{}", entry.unwrap_or_default()),
        None => format!("HTTP status {status}{}", entry.unwrap_or_default()),
    }
}

/// `: "the message"` of a refusal body, for reports.
pub fn message_of(v: &Vendor, e: &ErrorEntry, body: &Value) -> Option<String> {
    refusal_message(v, e, body).map(|m| format!(": {m:?}"))
}

/// The message a refusal body carries, as the vendor wrote it.
pub fn refusal_message(v: &Vendor, e: &ErrorEntry, body: &Value) -> Option<String> {
    let body = as_documented(v, body);
    let bound = answers::error_template(v, e).matches(&body, &|_, _| None).ok()?;
    bound.get("message").and_then(|m| m.as_str()).map(str::to_string)
}

/// The documented refusal an answer is (status and body), trying the
/// endpoint's own entries first, then the rest of the catalogue.
pub fn refusal<'v>(v: &'v Vendor, ep: Option<&Endpoint>, status: u16, body: &Value) -> Option<&'v ErrorEntry> {
    let own = |e: &&ErrorEntry| ep.is_some_and(|ep| ep.errors.contains(&e.id));
    let (first, rest): (Vec<&ErrorEntry>, Vec<&ErrorEntry>) = v.errors.iter().partition(own);
    first
        .into_iter()
        .chain(rest)
        .find(|e| refusal_mismatch(v, e, status, body).is_none())
}
