//! `at_least_one_of`: at least one of the listed members is present
//! (Expandable's "at least one field to update"). Object-level; its case
//! removes every listed member.

use serde_json::{Map, Value, json};

/// The check the generated validators call: any listed member present.
pub fn at_least_one_of(present: impl IntoIterator<Item = bool>) -> bool {
    present.into_iter().any(|p| p)
}

pub fn holds(fields: &[String], value: &Value) -> bool {
    match value {
        Value::Object(map) => at_least_one_of(fields.iter().map(|f| map.contains_key(f))),
        _ => true,
    }
}

pub fn describe(fields: &[String]) -> String {
    format!("needs at least one of: {}", fields.join(", "))
}

/// JSON Schema has no keyword for "at least one of these names", so the
/// emitted document (not the schema language) uses `anyOf` of `required`.
pub fn json_schema(fields: &[String]) -> Map<String, Value> {
    let any: Vec<Value> = fields.iter().map(|f| json!({ "required": [f] })).collect();
    let mut k = Map::new();
    k.insert("anyOf".into(), Value::Array(any));
    k
}
