//! JSON templates with slots: the envelopes and error bodies of `api.yaml`,
//! parsed once into a typed tree that the server fills and the conformance
//! oracle matches.
//!
//! A template is JSON in which a string `"{{name}}"` is a slot:
//! `{{payload}}`, `{{message}}`, `{{code}}`, `{{any}}` (a value the docs leave
//! open) or a name from an error entry's `vars`. Everything else is literal.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The slots every template may use without declaring them as vars.
pub const BUILTIN_SLOTS: [&str; 4] = ["payload", "message", "code", "any"];

/// A parsed template. Serialises as the JSON it was written as.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "Value", into = "Value")]
pub enum Template {
    Slot(String),
    Literal(Value),
    Array(Vec<Template>),
    Object(Vec<(String, Template)>),
}

/// Where and why a value does not match a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// JSON pointer of the first mismatch (`""` for the root).
    pub pointer: String,
    pub problem: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "at {at}: {}", self.problem)
    }
}

/// The slot a template string names, if it is one (`"{{ message }}"` -> `message`).
pub fn slot(s: &str) -> Option<&str> {
    s.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")).map(str::trim)
}

impl From<Value> for Template {
    fn from(v: Value) -> Template {
        Template::parse(&v)
    }
}

impl From<Template> for Value {
    fn from(t: Template) -> Value {
        t.to_value()
    }
}

impl Template {
    pub fn parse(v: &Value) -> Template {
        match v {
            Value::String(s) => match slot(s) {
                Some(name) => Template::Slot(name.to_string()),
                None => Template::Literal(v.clone()),
            },
            Value::Array(items) => Template::Array(items.iter().map(Template::parse).collect()),
            Value::Object(m) => Template::Object(m.iter().map(|(k, v)| (k.clone(), Template::parse(v))).collect()),
            other => Template::Literal(other.clone()),
        }
    }

    /// The template as written.
    pub fn to_value(&self) -> Value {
        match self {
            Template::Slot(name) => Value::String(format!("{{{{{name}}}}}")),
            Template::Literal(v) => v.clone(),
            Template::Array(items) => Value::Array(items.iter().map(Template::to_value).collect()),
            Template::Object(members) => Value::Object(members.iter().map(|(k, t)| (k.clone(), t.to_value())).collect()),
        }
    }

    /// Every slot name, depth-first.
    pub fn slots(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk(&mut |t| {
            if let Template::Slot(s) = t {
                out.push(s.as_str());
            }
        });
        out
    }

    pub fn has_slot(&self, name: &str) -> bool {
        self.slots().contains(&name)
    }

    fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Template)) {
        f(self);
        match self {
            Template::Array(items) => items.iter().for_each(|t| t.walk(f)),
            Template::Object(members) => members.iter().for_each(|(_, t)| t.walk(f)),
            _ => {}
        }
    }

    /// JSON pointers of every member (depth-first): the envelope elements a
    /// client can rely on.
    pub fn members(&self) -> Vec<String> {
        fn go(t: &Template, prefix: &str, out: &mut Vec<String>) {
            if let Template::Object(members) = t {
                for (k, child) in members {
                    let p = format!("{prefix}/{}", erpspec_rules::pointer_escape(k));
                    out.push(p.clone());
                    go(child, &p, out);
                }
            }
        }
        let mut out = Vec::new();
        go(self, "", &mut out);
        out
    }

    /// Replaces every slot; a slot without a value becomes `null`.
    pub fn fill(&self, values: &BTreeMap<String, Value>) -> Value {
        match self {
            Template::Slot(name) => values.get(name).cloned().unwrap_or(Value::Null),
            Template::Literal(v) => v.clone(),
            Template::Array(items) => Value::Array(items.iter().map(|t| t.fill(values)).collect()),
            Template::Object(members) => Value::Object(members.iter().map(|(k, t)| (k.clone(), t.fill(values))).collect::<Map<_, _>>()),
        }
    }

    /// Matches a value against the template: literals must be equal (numbers
    /// by value), every member of an object template must be present (other
    /// members are allowed: the docs do not forbid them), and each slot's
    /// value is handed to `slot_ok`, which returns why it is wrong, if it is.
    /// Returns the value bound to each slot, or the first mismatch.
    pub fn matches<'v>(
        &self,
        value: &'v Value,
        slot_ok: &dyn Fn(&str, &Value) -> Option<String>,
    ) -> Result<BTreeMap<String, &'v Value>, Mismatch> {
        let mut bound = BTreeMap::new();
        self.match_at(value, &mut Vec::new(), slot_ok, &mut bound)?;
        Ok(bound)
    }

    /// `at` is the path walked so far; the JSON pointer is only written
    /// when there is a mismatch to report (the oracle tries every catalogue
    /// entry against every answer, and nearly all of them mismatch).
    fn match_at<'v, 't>(
        &'t self,
        value: &'v Value,
        at: &mut Vec<Segment<'t>>,
        slot_ok: &dyn Fn(&str, &Value) -> Option<String>,
        bound: &mut BTreeMap<String, &'v Value>,
    ) -> Result<(), Mismatch> {
        let mismatch = |at: &[Segment<'_>], problem: String| Mismatch {
            pointer: pointer_of(at),
            problem,
        };
        match self {
            Template::Slot(name) => {
                if let Some(problem) = slot_ok(name, value) {
                    return Err(mismatch(at, problem));
                }
                bound.entry(name.clone()).or_insert(value);
                Ok(())
            }
            Template::Literal(want) => match same_json(want, value) {
                true => Ok(()),
                false => Err(mismatch(at, format!("expected {want}, found {}", brief(value)))),
            },
            Template::Array(items) => {
                let Value::Array(got) = value else {
                    return Err(mismatch(at, format!("expected an array, found {}", brief(value))));
                };
                if got.len() != items.len() {
                    return Err(mismatch(at, format!("expected {} items, found {}", items.len(), got.len())));
                }
                for (i, (t, v)) in items.iter().zip(got).enumerate() {
                    at.push(Segment::Index(i));
                    t.match_at(v, at, slot_ok, bound)?;
                    at.pop();
                }
                Ok(())
            }
            Template::Object(members) => {
                let Value::Object(got) = value else {
                    return Err(mismatch(at, format!("expected an object, found {}", brief(value))));
                };
                for (k, t) in members {
                    at.push(Segment::Member(k));
                    match got.get(k) {
                        Some(v) => t.match_at(v, at, slot_ok, bound)?,
                        None => return Err(mismatch(at, format!("member `{k}` is missing"))),
                    }
                    at.pop();
                }
                Ok(())
            }
        }
    }
}

/// One step of a path through a template.
#[derive(Clone, Copy, Debug)]
enum Segment<'t> {
    Member(&'t str),
    Index(usize),
}

fn pointer_of(at: &[Segment<'_>]) -> String {
    at.iter()
        .map(|s| match s {
            Segment::Member(k) => format!("/{}", erpspec_rules::pointer_escape(k)),
            Segment::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// JSON equality with numbers compared by value (`200` equals `200.0`).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A short rendering of a value for messages.
pub fn brief(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(77).collect::<String>())
    } else {
        s
    }
}

/// Removes the member at a JSON pointer, if present.
pub fn remove_pointer(v: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = erpspec_rules::pointer_unescape(last);
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
        let t = Template::parse(&json!({"Code": "{{code}}", "Inner": {"Error": "{{message}}"}, "X": "{{nope}}", "Lit": "text"}));
        let mut vals = BTreeMap::new();
        vals.insert("code".to_string(), json!(403));
        vals.insert("message".to_string(), json!("m"));
        assert_eq!(
            t.fill(&vals),
            json!({"Code": 403, "Inner": {"Error": "m"}, "X": null, "Lit": "text"})
        );
    }

    #[test]
    fn round_trips_through_serde_as_the_json_written() {
        let v = json!({"Result": "{{payload}}", "n": [1, "{{ any }}"]});
        let t: Template = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(t.slots(), vec!["payload", "any"]);
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            json!({"Result": "{{payload}}", "n": [1, "{{any}}"]})
        );
    }

    #[test]
    fn matching_binds_slots_or_names_the_first_mismatch() {
        let t = Template::parse(&json!({"$id": "1", "Code": "{{code}}", "Message": "{{message}}", "ResponseObject": "{{payload}}"}));
        let ok = |_: &str, _: &Value| None;
        let v = json!({"$id": "1", "Code": 200.0, "Message": "m", "ResponseObject": {"A": 1}, "Extra": true});
        let b = t.matches(&v, &ok).unwrap();
        assert_eq!(b["payload"], &json!({"A": 1}));
        assert_eq!(b["code"], &json!(200.0));
        let missing = t.matches(&json!({"$id": "1", "Code": 1, "Message": "m"}), &ok).unwrap_err();
        assert_eq!(missing.pointer, "/ResponseObject");
        let wrong = t.matches(&json!({"$id": "2", "Code": 1}), &ok).unwrap_err();
        assert_eq!(wrong.pointer, "/$id");
        let strict = |s: &str, v: &Value| (s == "code" && v != &json!(403)).then(|| "not 403".to_string());
        assert_eq!(t.matches(&v, &strict).unwrap_err().pointer, "/Code");
        assert!(same_json(&json!(200), &json!(200.0)));
    }

    #[test]
    fn lists_and_removes_members() {
        let t = Template::parse(&json!({"Result": {"Error": "{{message}}"}}));
        assert_eq!(t.members(), vec!["/Result".to_string(), "/Result/Error".to_string()]);
        let mut v = t.to_value();
        remove_pointer(&mut v, "/Result/Error");
        assert_eq!(v, json!({"Result": {}}));
    }
}
