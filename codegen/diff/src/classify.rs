//! Each edit judged: whom it breaks and why. A client was written against
//! the old schemas; a server conformed to them. A change *breaks clients*
//! when such a client can fail against a server of the new ones (a request
//! refused, an answer it cannot read); it *breaks servers* when such a
//! server fails the new ones' conformance (a refusal it does not give, an
//! answer it does not send). A tightened request limit does both; a
//! loosened one only the server, which still refuses what is now allowed.

use crate::place::{Place, Side};
use crate::walk::{DOCUMENTATION, Edit};
use serde::Serialize;
use serde_json::Value;

/// Whom a change breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    BreaksClientsAndServers,
    BreaksClients,
    BreaksServers,
    Compatible,
}

impl Impact {
    pub fn breaking(self) -> bool {
        self != Impact::Compatible
    }

    pub fn label(self) -> &'static str {
        match self {
            Impact::BreaksClientsAndServers => "breaks clients and servers",
            Impact::BreaksClients => "breaks clients",
            Impact::BreaksServers => "breaks servers",
            Impact::Compatible => "compatible",
        }
    }
}

/// One classified change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The endpoint changed; none for the dialect or a resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The rule's id, or the field's or member's place
    /// (`manex.customer-add.request.Custname`); what `--allow` names.
    pub id: String,
    /// What kind of change, e.g. `limit-tightened`, `required-field-added`.
    pub kind: &'static str,
    pub impact: Impact,
    /// The member changed below `id`, where it is not the whole item.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub member: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    pub reason: String,
}

/// The judgement of one edit: kind, impact, reason.
type Verdict = (&'static str, Impact, String);

pub fn classify(edit: &Edit) -> Change {
    let place = Place::of(&edit.path);
    let (kind, impact, reason) = judge(&place, edit);
    Change {
        vendor: place.vendor.clone(),
        endpoint: place.endpoint.clone(),
        id: place.id(),
        kind,
        impact,
        member: match place.rule.is_some() || !place.field.is_empty() {
            true => place.tail.join("."),
            false => String::new(),
        },
        old: edit.old.clone(),
        new: edit.new.clone(),
        reason,
    }
}

fn judge(place: &Place, edit: &Edit) -> Verdict {
    if place.tail.iter().any(|t| DOCUMENTATION.contains(&t.as_str())) {
        return (
            "documentation",
            Impact::Compatible,
            format!("the {} changed; no request or answer does", place.member()),
        );
    }
    let whole = place.tail.is_empty();
    match (whole, &place.rule, place.field.is_empty(), &place.endpoint) {
        (true, Some(_), _, _) => rule_added_or_removed(place, edit),
        (false, Some(_), _, _) => rule_member(place, edit),
        (true, None, false, _) => field_added_or_removed(place, edit),
        (false, None, false, _) => field_member(place, edit),
        (true, None, true, Some(_)) => endpoint_added_or_removed(edit),
        (true, None, true, None) if place.vendor.is_some() => vendor_added_or_removed(edit),
        _ => elsewhere(place, edit),
    }
}

/// A limit made stricter or looser, on the side it constrains.
fn limit(side: Side, tightened: bool) -> Impact {
    match (side, tightened) {
        // Clients' requests may now be refused; servers accept what they
        // must now refuse.
        (Side::Response, false) => Impact::BreaksClients,
        (Side::Response, true) => Impact::BreaksServers,
        (_, true) => Impact::BreaksClientsAndServers,
        (_, false) => Impact::BreaksServers,
    }
}

fn limit_reason(side: Side, tightened: bool) -> &'static str {
    match (side, tightened) {
        (Side::Response, false) => "answers may now carry values clients were told they would not",
        (Side::Response, true) => "a server may still answer values now out of bounds",
        (_, true) => "requests clients sent may now be refused, and servers accept what they must now refuse",
        (_, false) => "servers refuse requests that are now allowed",
    }
}

fn strength_rank(v: Option<&Value>) -> u8 {
    match v.and_then(Value::as_str) {
        Some("documented") => 3,
        Some("contested") => 2,
        Some("site") => 1,
        _ => 0,
    }
}

fn rule_added_or_removed(place: &Place, edit: &Edit) -> Verdict {
    let rule = edit.new.as_ref().or(edit.old.as_ref());
    let kind = rule.and_then(|r| r.get("kind")).and_then(Value::as_str).unwrap_or("rule");
    let strength = rule.and_then(|r| r.get("strength")).and_then(Value::as_str).unwrap_or("");
    if strength == "implied" {
        let what = if edit.new.is_some() { "rule-added" } else { "rule-removed" };
        return (
            what,
            Impact::Compatible,
            format!("an implied {kind} rule: a server breaking it gets a warning, not a failure"),
        );
    }
    let tightened = edit.new.is_some();
    let what = if tightened { "rule-added" } else { "rule-removed" };
    (
        what,
        limit(place.side, tightened),
        format!(
            "a {strength} {kind} rule {}: {}",
            if tightened { "added" } else { "removed" },
            limit_reason(place.side, tightened)
        ),
    )
}

fn rule_member(place: &Place, edit: &Edit) -> Verdict {
    let (old, new) = (edit.old.as_ref(), edit.new.as_ref());
    let number = |v: Option<&Value>| v.and_then(Value::as_f64);
    let member = place.first();
    match member {
        "max" | "min" | "value" if number(old).is_some() && number(new).is_some() => {
            let grew = number(new) > number(old);
            let tightened = if member == "max" { !grew } else { grew };
            let kind = if tightened { "limit-tightened" } else { "limit-loosened" };
            let rule = place.rule.as_deref().and_then(|r| r.rsplit('.').next()).unwrap_or(member);
            let reason = format!(
                "{rule} {} -> {}: {}",
                plain_number(number(old)),
                plain_number(number(new)),
                limit_reason(place.side, tightened)
            );
            (kind, limit(place.side, tightened), reason)
        }
        "values" => {
            // A value removed from the allowed set tightens it.
            let tightened = new.is_none();
            let kind = if tightened { "enum-value-removed" } else { "enum-value-added" };
            let value = place.value_item.as_deref().unwrap_or("?");
            let reason = format!(
                "{value:?} {}: {}",
                if tightened { "no longer allowed" } else { "now allowed" },
                limit_reason(place.side, tightened)
            );
            (kind, limit(place.side, tightened), reason)
        }
        "alternatives" => {
            let loosened = new.is_some();
            let kind = if loosened { "reading-added" } else { "reading-removed" };
            let reason = format!(
                "a documented reading {}: {}",
                if loosened { "added (more servers pass)" } else { "removed" },
                limit_reason(place.side, !loosened)
            );
            (kind, limit(place.side, !loosened), reason)
        }
        "strength" => {
            let stronger = strength_rank(new) > strength_rank(old);
            let impact = if stronger { Impact::BreaksServers } else { Impact::BreaksClients };
            let reason = match stronger {
                true => format!("{} -> {}: what a server could do before now fails", show(old), show(new)),
                false => format!("{} -> {}: clients can no longer rely on it", show(old), show(new)),
            };
            ("strength-changed", impact, reason)
        }
        "message" | "on_violation" | "truncates" => (
            "answer-changed",
            Impact::BreaksClientsAndServers,
            format!("the answer to a violation changed ({member}: {} -> {})", show(old), show(new)),
        ),
        _ => (
            "rule-changed",
            Impact::BreaksClientsAndServers,
            format!("{} changed: {} -> {}", place.tail.join("."), show(old), show(new)),
        ),
    }
}

fn field_added_or_removed(place: &Place, edit: &Edit) -> Verdict {
    let field = edit.new.as_ref().or(edit.old.as_ref());
    let required = field.and_then(|f| f.get("required")).and_then(Value::as_bool).unwrap_or(false);
    let name = place.field.last().map_or("", String::as_str);
    match (edit.new.is_some(), place.side, required) {
        (true, Side::Response, true) => (
            "member-added",
            Impact::BreaksServers,
            format!("answers now always carry {name}; servers do not send it"),
        ),
        (true, Side::Response, false) => (
            "member-added",
            Impact::Compatible,
            format!("answers may carry {name}; clients may ignore it"),
        ),
        (true, _, true) => (
            "required-field-added",
            Impact::BreaksClientsAndServers,
            format!("requests without {name} are now refused; servers accept them"),
        ),
        (true, _, false) => (
            "optional-field-added",
            Impact::BreaksServers,
            format!("clients may send {name}; servers do not know it"),
        ),
        (false, Side::Response, _) => (
            "member-removed",
            Impact::BreaksClients,
            format!("answers no longer carry {name}; clients read it"),
        ),
        (false, _, _) => (
            "field-removed",
            Impact::BreaksClients,
            format!("{name} is no longer documented; clients send it"),
        ),
    }
}

fn field_member(place: &Place, edit: &Edit) -> Verdict {
    let (old, new) = (edit.old.as_ref(), edit.new.as_ref());
    let flag = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
    match place.first() {
        "required" => {
            // Required in a request tightens it; in an answer, it binds
            // the server to send the member.
            let tightened = flag(new);
            let kind = if tightened { "made-required" } else { "made-optional" };
            (kind, limit(place.side, tightened), limit_reason(place.side, tightened).to_string())
        }
        "nullable" => {
            let tightened = !flag(new);
            let kind = if tightened { "made-non-nullable" } else { "made-nullable" };
            (kind, limit(place.side, tightened), limit_reason(place.side, tightened).to_string())
        }
        "other_types" => {
            let loosened = new.is_some();
            let kind = if loosened { "type-reading-added" } else { "type-reading-removed" };
            (kind, limit(place.side, !loosened), limit_reason(place.side, !loosened).to_string())
        }
        "type" => (
            "type-changed",
            Impact::BreaksClientsAndServers,
            format!("{} changed: {} -> {}", place.tail.join("."), show(old), show(new)),
        ),
        _ => (
            "field-changed",
            Impact::BreaksClientsAndServers,
            format!("{} changed: {} -> {}", place.tail.join("."), show(old), show(new)),
        ),
    }
}

fn endpoint_added_or_removed(edit: &Edit) -> Verdict {
    match edit.new.is_some() {
        true => ("endpoint-added", Impact::BreaksServers, "servers do not serve it".into()),
        false => ("endpoint-removed", Impact::BreaksClients, "clients call it".into()),
    }
}

fn vendor_added_or_removed(edit: &Edit) -> Verdict {
    match edit.new.is_some() {
        true => ("vendor-added", Impact::Compatible, "no client or server of it exists yet".into()),
        false => ("vendor-removed", Impact::BreaksClients, "clients call its endpoints".into()),
    }
}

/// Everything outside a field or rule: the dialect, an endpoint's own
/// members, resources.
fn elsewhere(place: &Place, edit: &Edit) -> Verdict {
    let (old, new) = (edit.old.as_ref(), edit.new.as_ref());
    let what = place.tail.join(".");
    match (place.side, place.first()) {
        (Side::Endpoint, "errors") if place.value_item.is_some() => match new.is_some() {
            true => (
                "error-added",
                Impact::BreaksServers,
                format!("a documented refusal ({}) servers do not give", show(new)),
            ),
            false => (
                "error-removed",
                Impact::BreaksClients,
                format!("a refusal clients handle ({}) is no longer documented here", show(old)),
            ),
        },
        (Side::Dialect, "errors") if place.tail.len() == 2 && place.value_item.is_none() => match new.is_some() {
            true => ("catalogue-entry-added", Impact::Compatible, "no endpoint answered it before".into()),
            false => ("catalogue-entry-removed", Impact::BreaksClients, "clients recognise it".into()),
        },
        (Side::Dialect, "errors") => (
            "error-changed",
            Impact::BreaksClientsAndServers,
            format!("a documented error answer changed ({what}: {} -> {})", show(old), show(new)),
        ),
        (Side::Dialect, "envelopes") => (
            "envelope-changed",
            Impact::BreaksClientsAndServers,
            format!("the answers' envelope changed ({what}: {} -> {})", show(old), show(new)),
        ),
        (Side::Dialect, "auth") => (
            "auth-changed",
            Impact::BreaksClientsAndServers,
            format!("how credentials travel changed ({what}: {} -> {})", show(old), show(new)),
        ),
        (Side::Dialect, "transport") => (
            "transport-changed",
            Impact::BreaksClientsAndServers,
            format!("how requests travel changed ({what}: {} -> {})", show(old), show(new)),
        ),
        (Side::Response, _) => (
            "answer-changed",
            Impact::BreaksClientsAndServers,
            format!("the success answer changed ({what}: {} -> {})", show(old), show(new)),
        ),
        _ => (
            "changed",
            Impact::BreaksClientsAndServers,
            format!("{what} changed: {} -> {}", show(old), show(new)),
        ),
    }
}

/// A number as the schemas write it: `10`, not `10.0`.
fn plain_number(n: Option<f64>) -> String {
    match n {
        Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", n as i64),
        Some(n) => n.to_string(),
        None => "(none)".into(),
    }
}

/// A value as a change shows it: short JSON, long values clipped.
pub fn show(v: Option<&Value>) -> String {
    const MAX: usize = 80;
    match v {
        None => "(none)".into(),
        Some(v) => {
            let text = v.to_string();
            match text.char_indices().nth(MAX) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            }
        }
    }
}
