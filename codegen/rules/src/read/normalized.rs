//! Building a typed request from the normalized one (`Request::parse`).
//!
//! The generated types derive `serde::Deserialize`, and `parse` reads them
//! from the normalized `Value` through this deserializer rather than
//! `serde_json::from_value`. The meaning is the same (numbers as serde_json
//! presents them, `null` as `None`, enums by their spelling); the difference
//! is compile time. A derived `visit_map` of a struct with dozens of optional
//! members, with serde_json's `Value` deserializer inlined into every member,
//! is one function optimizers spend minutes on (the release build of the
//! generated crate took four minutes, almost all of it in LLVM's ThinLTO on
//! those functions). Reading each member's value here is one call the
//! optimizer may not inline, so the derived code stays a chain of calls.

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde_json::{Error, Value};

/// `T` read from a normalized request (or any JSON value).
pub fn from_normalized<T: DeserializeOwned>(value: &Value) -> Result<T, Error> {
    T::deserialize(Normalized(value))
}

struct Normalized<'a>(&'a Value);

impl<'de> de::Deserializer<'de> for Normalized<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(members) => visitor.visit_map(Members {
                members: members.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => {
                let variant: StrDeserializer<'_, Error> = s.as_str().into_deserializer();
                visitor.visit_enum(variant)
            }
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

struct Items<'a>(std::slice::Iter<'a, Value>);

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = Error;

    // Not inlined: see the module's comment.
    #[inline(never)]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(Normalized(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Members<'a> {
    members: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> de::MapAccess<'de> for Members<'_> {
    type Error = Error;

    // Not inlined: see the module's comment.
    #[inline(never)]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.members.next() {
            Some((name, value)) => {
                self.value = Some(value);
                let name: StrDeserializer<'_, Error> = name.as_str().into_deserializer();
                seed.deserialize(name).map(Some)
            }
            None => Ok(None),
        }
    }

    // Not inlined: see the module's comment.
    #[inline(never)]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Normalized(value)),
            None => Err(de::Error::custom("a member's value read before its name")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

#[cfg(test)]
mod tests {
    use super::from_normalized;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    enum Colour {
        #[serde(rename = "Red")]
        Red,
        Blue,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(try_from = "i64")]
    struct Small(i64);

    impl TryFrom<i64> for Small {
        type Error = String;
        fn try_from(v: i64) -> Result<Self, String> {
            if v < 10 { Ok(Small(v)) } else { Err(format!("{v} is not small")) }
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Record {
        #[serde(rename = "NAME")]
        name: String,
        #[serde(default)]
        colour: Option<Colour>,
        #[serde(default)]
        small: Option<Small>,
        #[serde(default)]
        ratio: Option<f64>,
        #[serde(default)]
        flag: Option<bool>,
        #[serde(default)]
        items: Option<Vec<Record>>,
    }

    /// Whatever `serde_json::from_value` makes of a value, this makes too:
    /// the same typed value, or an error where it fails.
    #[test]
    fn reads_what_from_value_reads() {
        let cases = [
            json!({"NAME": "a"}),
            json!({"NAME": "a", "colour": "Red", "small": 3, "ratio": 1.5, "flag": true}),
            json!({"NAME": "a", "colour": "Blue", "ratio": 2, "items": [{"NAME": "b", "colour": null}]}),
            json!({"NAME": "a", "colour": null, "small": null, "ratio": null, "flag": null}),
            json!({"NAME": "a", "unknown": {"x": [1, 2]}}),
            json!({"NAME": "a", "small": 12}),
            json!({"NAME": "a", "small": 18446744073709551615u64}),
            json!({"NAME": "a", "small": -4}),
            json!({"NAME": "a", "small": 1.5}),
            json!({"NAME": "a", "colour": "Green"}),
            json!({"NAME": "a", "colour": 1}),
            json!({"NAME": 1}),
            json!({"colour": "Red"}),
            json!({"NAME": "a", "items": {"NAME": "b"}}),
            json!([1, 2]),
            json!(null),
        ];
        for case in cases {
            let ours = from_normalized::<Record>(&case);
            let theirs = serde_json::from_value::<Record>(case.clone());
            assert_eq!(ours.as_ref().ok(), theirs.as_ref().ok(), "{case}");
            assert_eq!(ours.is_err(), theirs.is_err(), "{case}");
        }
    }
}
