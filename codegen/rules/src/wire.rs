//! Reading values off the wire the way a vendor's dialect says.

use crate::ScalarType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How a vendor matches parameter names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameMatching {
    Exact,
    /// ASCII case-insensitive (ManEx: `CustName`, `Custname`, `CUSTNAME`).
    CaseInsensitive,
}

impl NameMatching {
    pub fn matches(self, declared: &str, wire: &str) -> bool {
        match self {
            NameMatching::Exact => declared == wire,
            NameMatching::CaseInsensitive => declared.eq_ignore_ascii_case(wire),
        }
    }
}

/// Finds the wire key that carries `declared` under the dialect's matching
/// rule. Returns every match so callers can report ambiguous duplicates
/// (`Custname` and `CUSTNAME` in one request).
pub fn lookup_field<'a>(object: &'a Map<String, Value>, declared: &str, names: NameMatching) -> Vec<(&'a str, &'a Value)> {
    match names {
        NameMatching::Exact => object.get_key_value(declared).map(|(k, v)| (k.as_str(), v)).into_iter().collect(),
        NameMatching::CaseInsensitive => object
            .iter()
            .filter(|(k, _)| names.matches(declared, k))
            .map(|(k, v)| (k.as_str(), v))
            .collect(),
    }
}

/// The value a request carries for a declared member: the first wire key
/// that matches under the dialect's rule. JSON `null` reads as absent (no
/// vendor documents a difference between a null and a missing parameter).
pub fn member<'a>(object: &'a Map<String, Value>, declared: &str, names: NameMatching) -> Option<&'a Value> {
    lookup_field(object, declared, names)
        .first()
        .map(|(_, v)| *v)
        .filter(|v| !v.is_null())
}

/// Escapes a member name for a JSON pointer (RFC 6901).
pub fn pointer_escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The member name a JSON pointer segment escapes ([`pointer_escape`] undone).
pub fn pointer_unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Reads a URL query string (`?CustName=ABC+Corp&Status=Active`) as a JSON
/// object of strings, the way the vendors' model binders see it:
/// `application/x-www-form-urlencoded` as `form_urlencoded` parses it (`+`
/// is a space, `%XX` a byte, bytes that are not UTF-8 become U+FFFD, a
/// parameter without `=` has the empty value); a leading `?` is ignored and
/// when the same key repeats the first value wins. Keys that differ only in
/// case stay separate members; the dialect's name matching decides between them.
pub fn query_object(query: &str) -> Value {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut out = Map::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if !out.contains_key(k.as_ref()) {
            out.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    }
    Value::Object(out)
}

/// Why a wire value could not be read as its declared type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    pub expected: ScalarType,
    pub found: &'static str,
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Reads a scalar as its declared type. With `strings_carry_scalars` (a
/// dialect that accepts query strings, where every value arrives as text) a
/// string holding a number or boolean is read as that number or boolean —
/// so a negative case is only negative if it stays negative once serialised.
pub fn coerce_scalar(ty: ScalarType, v: &Value, strings_carry_scalars: bool) -> Result<Value, WireError> {
    if ty.accepts(v) {
        return Ok(v.clone());
    }
    let err = WireError {
        expected: ty,
        found: json_kind(v),
    };
    // JSON (and JSON Schema) make no difference between 1 and 1.0: an
    // integral number is an integer.
    if ty == ScalarType::Integer
        && let Some(f) = v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
    {
        return Ok(Value::from(f as i64));
    }
    if !strings_carry_scalars {
        return Err(err);
    }
    if ty == ScalarType::String {
        // Model binders that read query strings also read a JSON number or
        // boolean into a text parameter.
        return match v {
            Value::Number(n) => Ok(Value::String(n.to_string())),
            Value::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(err),
        };
    }
    let Value::String(s) = v else {
        return Err(err);
    };
    let t = s.trim();
    match ty {
        ScalarType::String => Err(err),
        ScalarType::Integer => t.parse::<i64>().map(Value::from).map_err(|_| err),
        ScalarType::Number => match t.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(crate::number(f)),
            _ => Err(err),
        },
        ScalarType::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            _ => Err(err),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_strings_decode_like_a_model_binder() {
        let q = query_object("?CustName=ABC+Corp&Status=Active&Terms=NET%2030%2F2%25%2010&flag&Status=Quote&bad=%zz%4&x=%C3%A9%FF");
        assert_eq!(
            q,
            json!({"CustName": "ABC Corp", "Status": "Active", "Terms": "NET 30/2% 10", "flag": "", "bad": "%zz%4", "x": "é\u{FFFD}"})
        );
        assert_eq!(query_object(""), json!({}));
        assert_eq!(query_object("&&a=1&"), json!({"a": "1"}));
    }

    #[test]
    fn member_takes_the_first_match_and_reads_null_as_absent() {
        let body = json!({"custname": "a", "CUSTNAME": "b", "Status": null});
        let map = body.as_object().unwrap();
        assert_eq!(member(map, "CustName", NameMatching::CaseInsensitive), Some(&json!("a")));
        assert_eq!(member(map, "CustName", NameMatching::Exact), None);
        assert_eq!(member(map, "Status", NameMatching::Exact), None);
    }

    #[test]
    fn pointers_escape_tilde_then_slash() {
        assert_eq!(pointer_escape("a/b~c"), "a~1b~0c");
    }
}
