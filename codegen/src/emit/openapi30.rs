//! The OpenAPI 3.0.3 variant of a vendor's 3.1 document, for the tools that
//! read only 3.0 (progenitor among them). The two differ only in schema
//! dialect, and the 3.1 document uses a small part of 2020-12, so the
//! variant is a rewrite of every schema in it:
//! - `const: v` becomes `enum: [v]`;
//! - `type: [t, "null"]` becomes `type: t, nullable: true`;
//! - `type: "null"` and `const: null` become `type: object, nullable: true,
//!   enum: [null]` (3.0 has no null type; `nullable` admits it).
//!
//! Everything else (`x-erpspec-*` extensions, descriptions, `anyOf`,
//! `pattern`) means the same in both.

use serde_json::{Map, Value, json};

/// The 3.0.3 document equivalent to a 3.1 document from [`super::openapi::openapi`].
pub fn from_31(doc: &Value) -> Value {
    let mut out = doc.clone();
    out["openapi"] = json!("3.0.3");
    if let Some(paths) = out.get_mut("paths").and_then(Value::as_object_mut) {
        paths.values_mut().for_each(path_item);
    }
    if let Some(schemas) = out.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.values_mut().for_each(rewrite);
    }
    out
}

/// Rewrites the schemas of one path item (its operations' parameters,
/// request body and responses) for 3.0.
pub fn path_item(item: &mut Value) {
    for op in item
        .as_object_mut()
        .into_iter()
        .flat_map(Map::values_mut)
        .filter_map(Value::as_object_mut)
    {
        for p in op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(s) = p.get_mut("schema") {
                rewrite(s);
            }
        }
        if let Some(content) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")) {
            rewrite_content(content);
        }
        for r in op
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(Map::values_mut)
        {
            if let Some(content) = r.get_mut("content") {
                rewrite_content(content);
            }
        }
    }
}

fn rewrite_content(content: &mut Value) {
    for media in content.as_object_mut().into_iter().flat_map(Map::values_mut) {
        if let Some(s) = media.get_mut("schema") {
            rewrite(s);
        }
    }
}

/// A schema admitting only `null`: 3.0 has no null type, and `nullable`
/// goes with a type, so an object type that `enum: [null]` narrows to null.
fn null_only(m: &mut Map<String, Value>) {
    m.insert("type".into(), json!("object"));
    m.insert("nullable".into(), json!(true));
    m.insert("enum".into(), json!([null]));
}

/// Rewrites one schema and every schema inside it.
pub fn rewrite(schema: &mut Value) {
    let Some(m) = schema.as_object_mut() else { return };
    match m.remove("const") {
        Some(Value::Null) => null_only(m),
        Some(v) => {
            m.insert("enum".into(), json!([v]));
        }
        None => {}
    }
    match m.remove("type") {
        Some(Value::Array(types)) => {
            let nullable = types.iter().any(|t| t == "null");
            let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
            if let [one] = rest.as_slice() {
                m.insert("type".into(), one.clone());
            }
            if nullable {
                m.insert("nullable".into(), json!(true));
            }
        }
        Some(Value::String(t)) if t == "null" => null_only(m),
        Some(t) => {
            m.insert("type".into(), t);
        }
        None => {}
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(s) = m.get_mut(key) {
            rewrite(s);
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for s in m.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten() {
            rewrite(s);
        }
    }
    for s in m
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(Map::values_mut)
    {
        rewrite(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_lose_what_3_0_cannot_say_and_keep_their_meaning() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": { "/x": { "post": {
                "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/r" } } } },
                "responses": { "200": { "content": { "application/json": { "schema": {
                    "anyOf": [
                        { "type": "object", "properties": { "Code": { "const": 200 }, "SessionId": { "const": null }, "const": { "type": "string" } } },
                        { "type": "null" }
                    ]
                } } } } }
            } } },
            "components": { "schemas": { "r": { "type": "object", "properties": { "D": { "type": ["string", "null"] } } } } }
        });
        let out = from_31(&doc);
        assert_eq!(out["openapi"], json!("3.0.3"));
        let ok = &out["paths"]["/x"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]["anyOf"];
        assert_eq!(ok[0]["properties"]["Code"], json!({ "enum": [200] }));
        assert_eq!(
            ok[0]["properties"]["SessionId"],
            json!({ "type": "object", "nullable": true, "enum": [null] })
        );
        assert_eq!(
            ok[0]["properties"]["const"],
            json!({ "type": "string" }),
            "a member named const is a member"
        );
        assert_eq!(ok[1], json!({ "type": "object", "nullable": true, "enum": [null] }));
        assert_eq!(
            out["components"]["schemas"]["r"]["properties"]["D"],
            json!({ "type": "string", "nullable": true })
        );
    }
}
