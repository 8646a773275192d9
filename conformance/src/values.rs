//! JSON members under the dialect's name matching: reading and writing
//! them by path, the list item a label selects, the record of a payload,
//! and values shortened for one-line descriptions. Every stage uses these;
//! they use no other module of the harness.

use erpspec_model::ir::{Endpoint, Payload, Vendor};
use erpspec_rules::NameMatching;
use serde_json::{Value, json};

pub use erpspec_rules::text;

/// `/a/*/b` -> `[a, *, b]`.
pub fn pointer_segments(p: &str) -> Vec<String> {
    p.split('/').skip(1).map(erpspec_rules::pointer_unescape).collect()
}

/// The member at a path, names matched by the dialect's rule.
pub fn get_path<'a>(v: &Vendor, record: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut at = record;
    for seg in path {
        at = match at {
            Value::Object(m) => m.iter().find(|(k, _)| v.transport.names.matches(seg, k)).map(|(_, x)| x)?,
            // `?Contact.FirstName=Ana`: the item whose member has that text
            // (a list whose order the docs do not fix).
            Value::Array(items) if seg.starts_with('?') => {
                let (member, want) = seg[1..].split_once('=')?;
                let member: Vec<String> = member.split('.').map(str::to_string).collect();
                items
                    .iter()
                    .find(|i| get_path(v, i, &member).is_some_and(|x| text(x).trim_end() == want))?
            }
            Value::Array(items) => items.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

/// The path segment selecting the list item whose `member` (dotted) reads `value`.
pub fn item_where(member: &[String], value: &str) -> String {
    format!("?{}={value}", member.join("."))
}

/// Is there a value (not null) at the path?
pub fn present(body: &Value, path: &[String], names: NameMatching) -> bool {
    let mut at = body;
    for seg in path {
        match at {
            Value::Object(m) => match m.iter().find(|(k, _)| names.matches(seg, k)) {
                Some((_, x)) => at = x,
                None => return false,
            },
            _ => return false,
        }
    }
    !at.is_null()
}

/// The container at a path (`*` is the first item), created as needed.
fn container<'a>(v: &'a mut Value, segs: &[String], names: NameMatching, leaf_is_array: bool) -> Option<&'a mut Value> {
    let Some((first, rest)) = segs.split_first() else {
        return Some(v);
    };
    let next_is_array = rest.first().is_some_and(|s| s == "*") || (rest.is_empty() && leaf_is_array);
    let empty = || if next_is_array { json!([]) } else { json!({}) };
    let child = if first == "*" {
        let arr = v.as_array_mut()?;
        if arr.is_empty() {
            arr.push(if rest.is_empty() && !leaf_is_array { json!({}) } else { empty() });
        }
        &mut arr[0]
    } else {
        let m = v.as_object_mut()?;
        let key = m.keys().find(|k| names.matches(first, k)).cloned().unwrap_or_else(|| first.clone());
        let slot = m.entry(key).or_insert_with(empty);
        if slot.is_null() {
            *slot = empty();
        }
        slot
    };
    container(child, rest, names, leaf_is_array)
}

/// Sets the member at a path (`*` is the first item), keeping a member's
/// spelling where one matches and creating containers as needed.
pub fn set_path(body: &mut Value, path: &[String], value: Value, names: NameMatching) {
    let Some((last, parent)) = path.split_last() else {
        *body = value;
        return;
    };
    let Some(p) = container(body, parent, names, last == "*") else {
        return;
    };
    match (last.as_str(), p) {
        ("*", Value::Array(a)) => {
            if a.is_empty() {
                a.push(value);
            } else {
                a[0] = value;
            }
        }
        (_, Value::Object(m)) => {
            let key = m.keys().find(|k| names.matches(last, k)).cloned().unwrap_or_else(|| last.clone());
            m.insert(key, value);
        }
        _ => {}
    }
}

pub fn remove_path(body: &mut Value, path: &[String], names: NameMatching) {
    let Some((last, parent)) = path.split_last() else { return };
    if let Some(Value::Object(m)) = container(body, parent, names, false) {
        m.retain(|k, _| !names.matches(last, k));
    }
}

/// A record's value for a record path, found in the record itself or
/// inside the record member of its resource's endpoints (RPM
/// `{"Contact": {"ContactID": 3}}`).
pub fn record_value(v: &Vendor, resource: &str, record: &Value, path: &[String]) -> Option<Value> {
    get_path(v, record, path)
        .or_else(|| {
            let member = v
                .endpoints
                .iter()
                .filter(|e| e.operation.resource.as_deref() == Some(resource))
                .find_map(|e| e.operation.record_member.as_deref())?;
            get_path(v, record.get(member)?, path)
        })
        .cloned()
}

/// The record of a success payload: the payload itself (a record, or a
/// wrapped record in the request's shape), or the first item of a list.
pub fn record_of(ep: &Endpoint, payload: &Value) -> Option<Value> {
    match &ep.response.payload {
        Payload::Records => payload.as_array().and_then(|a| a.first()).cloned(),
        Payload::Wrapped { member } if ep.wraps_list() => payload.get(member)?.as_array()?.first().cloned(),
        Payload::Null | Payload::EmptyObject => None,
        _ => Some(payload.clone()),
    }
}

/// A value shortened for one-line descriptions.
pub fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) if s.chars().count() > 24 => {
            let n = s.chars().count();
            let head: String = s.chars().take(8).collect();
            let tail: String = s.chars().skip(n - 4).collect();
            return format!("\"{head}...{tail}\" ({n} characters)");
        }
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(57).collect::<String>())
    } else {
        s
    }
}
