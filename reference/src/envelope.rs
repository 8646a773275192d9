//! Filling the IR's JSON templates: a string `"{{name}}"` anywhere in a
//! template is a slot, replaced by the value given for it.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The slot a template string names, if it is one.
pub fn slot(s: &str) -> Option<&str> {
    s.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")).map(str::trim)
}

/// Replaces every slot of `template`; a slot without a value becomes `null`.
pub fn fill(template: &Value, values: &BTreeMap<String, Value>) -> Value {
    match template {
        Value::String(s) => match slot(s) {
            Some(name) => values.get(name).cloned().unwrap_or(Value::Null),
            None => template.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, values)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), fill(v, values))).collect::<Map<_, _>>()),
        other => other.clone(),
    }
}

/// JSON pointers of every member of a template (depth-first), the
/// "envelope elements" a client can rely on.
pub fn members(template: &Value) -> Vec<String> {
    fn walk(v: &Value, prefix: &str, out: &mut Vec<String>) {
        if let Value::Object(map) = v {
            for (k, child) in map {
                let p = format!("{prefix}/{}", erpspec_codegen::ir::pointer_escape(k));
                out.push(p.clone());
                walk(child, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(template, "", &mut out);
    out
}

/// Removes the member at a JSON pointer, if present.
pub fn remove_pointer(v: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    let target = if parent.is_empty() { Some(v) } else { v.pointer_mut(parent) };
    if let Some(Value::Object(map)) = target {
        map.shift_remove(&last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_nested_slots_and_nulls_unknown_ones() {
        let t = json!({"Code": "{{code}}", "Inner": {"Error": "{{message}}"}, "X": "{{nope}}", "Lit": "text"});
        let mut vals = BTreeMap::new();
        vals.insert("code".to_string(), json!(403));
        vals.insert("message".to_string(), json!("m"));
        assert_eq!(
            fill(&t, &vals),
            json!({"Code": 403, "Inner": {"Error": "m"}, "X": null, "Lit": "text"})
        );
    }

    #[test]
    fn lists_and_removes_members() {
        let t = json!({"Result": {"Error": "{{message}}"}});
        assert_eq!(members(&t), vec!["/Result".to_string(), "/Result/Error".to_string()]);
        let mut v = t.clone();
        remove_pointer(&mut v, "/Result/Error");
        assert_eq!(v, json!({"Result": {}}));
        remove_pointer(&mut v, "/Result");
        assert_eq!(v, json!({}));
    }
}
