//! Reading a success payload into the generated answer types: plain
//! functions over `serde_json::Value`, which the generated `from_payload`
//! of each record calls member by member. (A derived `Deserialize` per
//! record made the generated crate's release build minutes long: LLVM
//! inlines serde's visitors into every record of 60 optional members.)

use crate::ir::{ErrorEntry, Vendor};
use serde_json::{Map, Value};

/// How a payload is read: where in it (for errors), and whether numbers and
/// booleans may come as text (`envelopes.scalars_as_text`: ManEx's portal
/// pages quote every scalar).
#[derive(Clone, Debug)]
pub struct Cx {
    pub at: String,
    pub scalars_as_text: bool,
}

impl Cx {
    pub fn new(scalars_as_text: bool) -> Cx {
        Cx {
            at: String::new(),
            scalars_as_text,
        }
    }

    fn below(&self, step: &str) -> Cx {
        Cx {
            at: format!("{}/{step}", self.at),
            scalars_as_text: self.scalars_as_text,
        }
    }

    fn wrong(&self, want: &str, v: &Value) -> String {
        let at = if self.at.is_empty() { "/" } else { &self.at };
        format!("at {at}: expected {want}, found {}", crate::template::brief(v))
    }

    /// The members of an object, to read one by one.
    pub fn members<'a>(&'a self, v: &'a Value) -> Result<Members<'a>, String> {
        match v {
            Value::Object(map) => Ok(Members { map, cx: self }),
            other => Err(self.wrong("an object", other)),
        }
    }
}

/// A value the generated answer types are made of.
pub trait FromPayload: Sized {
    fn from_payload(v: &Value, cx: &Cx) -> Result<Self, String>;
}

/// Reads a whole payload.
pub fn read<T: FromPayload>(payload: &Value, scalars_as_text: bool) -> Result<T, String> {
    T::from_payload(payload, &Cx::new(scalars_as_text))
}

/// An answer that is not the documented success.
#[derive(Clone, Debug, PartialEq)]
pub enum NotSuccess<'v> {
    /// A documented refusal, with the message it carries.
    Refused { entry: &'v ErrorEntry, message: String },
    /// Neither the success nor a documented refusal, and why.
    Undocumented(String),
}

/// Reads an answer of `endpoint` through the harness's recognition
/// ([`crate::recognise`]): the success payload as `T`, else the documented
/// refusal it is (the endpoint's own entries first), else why it is neither.
/// A body that is not JSON is read as a JSON string of its text.
pub fn answer<'v, T: FromPayload>(v: &'v Vendor, endpoint: &str, status: u16, body: &[u8]) -> Result<T, NotSuccess<'v>> {
    let ep = v.endpoint(endpoint);
    let json: Value = serde_json::from_slice(body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()));
    let why = match ep.map(|ep| crate::recognise::success_payload(v, ep, status, &json)) {
        Some(Ok(payload)) => {
            return read(&payload, v.envelopes.scalars_as_text.is_some())
                .map_err(|e| NotSuccess::Undocumented(format!("the payload does not read as documented: {e}")));
        }
        Some(Err(why)) => why,
        None => format!("`{endpoint}` is not an endpoint of {}", v.name),
    };
    match crate::recognise::refusal(v, ep, status, &json) {
        Some(entry) => Err(NotSuccess::Refused {
            entry,
            message: crate::recognise::refusal_message(v, entry, &json).unwrap_or_default(),
        }),
        None => Err(NotSuccess::Undocumented(why)),
    }
}

/// An object's members.
pub struct Members<'a> {
    map: &'a Map<String, Value>,
    cx: &'a Cx,
}

impl Members<'_> {
    /// A member that must be there (and not `null`). Never inlined: a
    /// record reads dozens of members, and inlining each read into it is
    /// what makes release builds slow.
    #[inline(never)]
    pub fn required<T: FromPayload>(&self, name: &str) -> Result<T, String> {
        match self.map.get(name) {
            Some(v) => T::from_payload(v, &self.cx.below(name)),
            None => Err(format!("at {}/{name}: missing", self.cx.at)),
        }
    }

    /// A member that may be absent or `null` (never inlined, as `required`).
    #[inline(never)]
    pub fn optional<T: FromPayload>(&self, name: &str) -> Result<Option<T>, String> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if self.cx.scalars_as_text && s == "null" => Ok(None),
            Some(v) => T::from_payload(v, &self.cx.below(name)).map(Some),
        }
    }
}

impl FromPayload for String {
    fn from_payload(v: &Value, cx: &Cx) -> Result<Self, String> {
        v.as_str().map(str::to_string).ok_or_else(|| cx.wrong("a string", v))
    }
}

/// A number or boolean, or its text where the dialect quotes scalars.
fn scalar<T: std::str::FromStr>(v: &Value, cx: &Cx, want: &str, direct: Option<T>) -> Result<T, String> {
    match (direct, v) {
        (Some(x), _) => Ok(x),
        (None, Value::String(s)) if cx.scalars_as_text => s.parse().map_err(|_| cx.wrong(want, v)),
        _ => Err(cx.wrong(want, v)),
    }
}

impl FromPayload for i64 {
    fn from_payload(v: &Value, cx: &Cx) -> Result<Self, String> {
        scalar(v, cx, "an integer", v.as_i64())
    }
}

impl FromPayload for f64 {
    fn from_payload(v: &Value, cx: &Cx) -> Result<Self, String> {
        scalar(v, cx, "a number", v.as_f64())
    }
}

impl FromPayload for bool {
    fn from_payload(v: &Value, cx: &Cx) -> Result<Self, String> {
        scalar(v, cx, "a boolean", v.as_bool())
    }
}

/// A payload the docs do not describe: as it came.
impl FromPayload for Value {
    fn from_payload(v: &Value, _: &Cx) -> Result<Self, String> {
        Ok(v.clone())
    }
}

/// `null`.
impl FromPayload for () {
    fn from_payload(v: &Value, cx: &Cx) -> Result<Self, String> {
        match v {
            Value::Null => Ok(()),
            other => Err(cx.wrong("null", other)),
        }
    }
}

impl<T: FromPayload> FromPayload for Vec<T> {
    fn from_payload(v: &Value, cx: &Cx) -> Result<Self, String> {
        let items = v.as_array().ok_or_else(|| cx.wrong("a list", v))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_payload(item, &cx.below(&i.to_string())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_read_typed_and_quoted_scalars_only_where_the_dialect_quotes() {
        let v = json!({"N": "12", "B": "true", "S": "x", "Z": "null", "L": [1, 2]});
        let quoted = Cx::new(true);
        let m = quoted.members(&v).unwrap();
        assert_eq!(m.optional::<i64>("N").unwrap(), Some(12));
        assert_eq!(m.optional::<bool>("B").unwrap(), Some(true));
        assert_eq!(m.optional::<f64>("Z").unwrap(), None);
        assert_eq!(m.optional::<Vec<i64>>("L").unwrap(), Some(vec![1, 2]));
        assert!(m.required::<String>("missing").unwrap_err().contains("/missing"));
        let strict = Cx::new(false);
        let m = strict.members(&v).unwrap();
        assert_eq!(m.optional::<i64>("N").unwrap_err(), "at /N: expected an integer, found \"12\"");
    }
}
