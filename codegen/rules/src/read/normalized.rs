//! Building a typed request from the normalized one (`Request::parse`), and
//! why that can fail ([`ParseError`]).
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

use crate::WireReport;
use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde_json::{Error, Value};
use std::fmt;

/// Why a request could not be read into its typed value.
#[derive(Clone, Debug, PartialEq)]
pub enum ParseError {
    /// A rule the docs state or show is broken (a documented rule, a
    /// member's type, an enum value's spelling); the report has every
    /// violation.
    Rejected(Box<WireReport>),
    /// Every rule the docs state or show holds, but a value does not
    /// fit its Rust type (an integer above `i64::MAX`).
    Unrepresentable { report: Box<WireReport>, error: String },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Rejected(report) => {
                let n = report.as_shown().count();
                write!(f, "{n} rule(s) broken")?;
                for v in report.as_shown() {
                    write!(f, "; {v}")?;
                }
                Ok(())
            }
            ParseError::Unrepresentable { error, .. } => write!(f, "a value does not fit its Rust type: {error}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// `Request::parse`: the typed value of a report that breaks no rule the
/// docs state or show ([`WireReport::as_shown`]), read from its normalized
/// request.
pub fn parse<T: DeserializeOwned>(report: WireReport) -> Result<T, ParseError> {
    if report.as_shown().next().is_some() {
        return Err(ParseError::Rejected(Box::new(report)));
    }
    match from_normalized(&report.normalized) {
        Ok(request) => Ok(request),
        Err(e) => Err(ParseError::Unrepresentable {
            error: e.to_string(),
            report: Box::new(report),
        }),
    }
}

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
    use super::{ParseError, from_normalized, parse};
    use crate::{Strength, Violation, WireReport};
    use serde::Deserialize;
    use serde_json::{Value, json};

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

    fn report(strengths: &[Strength], normalized: Value) -> WireReport {
        WireReport {
            violations: strengths
                .iter()
                .enumerate()
                .map(|(i, s)| Violation {
                    path: format!("/NAME{i}"),
                    rule: format!("v.e.NAME{i}.max_length"),
                    message: format!("rule {i}"),
                    strength: *s,
                })
                .collect(),
            unknown: Vec::new(),
            normalized,
        }
    }

    /// Documented and implied violations refuse the typed value (every one
    /// named in the error's text); contested and site ones do not.
    #[test]
    fn parse_refuses_what_the_docs_state_or_show() {
        for refused in [Strength::Documented, Strength::Implied] {
            let r = report(&[Strength::Site, refused, refused], json!({"NAME": "a"}));
            let err = parse::<Record>(r.clone()).expect_err("refused");
            assert_eq!(err, ParseError::Rejected(Box::new(r)));
            assert_eq!(
                err.to_string(),
                "2 rule(s) broken; /NAME1: rule 1 [v.e.NAME1.max_length]; /NAME2: rule 2 [v.e.NAME2.max_length]"
            );
        }
        let loose = report(&[Strength::Contested, Strength::Site], json!({"NAME": "a", "ratio": 2}));
        let record = parse::<Record>(loose).expect("contested and site rules do not refuse");
        assert_eq!((record.name.as_str(), record.ratio), ("a", Some(2.0)));
    }

    /// A report that breaks nothing but holds a value its Rust type cannot:
    /// the report is kept, with serde's reason.
    #[test]
    fn parse_names_a_value_its_type_cannot_hold() {
        let r = report(&[], json!({"NAME": "a", "small": 18446744073709551615u64}));
        match parse::<Record>(r.clone()) {
            Err(ParseError::Unrepresentable { report, error }) => {
                assert_eq!(*report, r);
                let err = ParseError::Unrepresentable {
                    report,
                    error: error.clone(),
                };
                assert_eq!(err.to_string(), format!("a value does not fit its Rust type: {error}"));
                assert!(error.contains("18446744073709551615"), "{error}");
            }
            other => panic!("expected Unrepresentable, got {other:?}"),
        }
    }
}
