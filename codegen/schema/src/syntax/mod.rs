//! The syntax model: what a schema file says, exactly as written, with
//! source positions kept on every value a later error may point at.
//!
//! Deserialised by serde-saphyr with `deny_unknown_fields` everywhere, so an
//! unknown key is an error (never silently ignored); [`crate::load`] turns
//! serde's "expected one of" into a "did you mean" suggestion. Nothing here
//! is resolved or cross-checked: that is [`crate::check`]'s job.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

mod api;
mod endpoint;

pub use api::*;
pub use endpoint::*;

pub type S<T> = Spanned<T>;

/// A YAML mapping kept in file order; duplicate keys are kept too so the
/// checker can report them with both positions.
#[derive(Debug, Clone)]
pub struct Ordered<T>(pub Vec<(S<String>, T)>);

/// The catalogue entries answering a situation: one id, or a list where the
/// docs give several answers (each is right). Written `S<Answers>`, so a
/// single id has the position of the whole value.
#[derive(Clone, Debug)]
pub enum Answers {
    One(String),
    Many(Vec<S<String>>),
}

impl<'de> Deserialize<'de> for Answers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Answers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an error id, or a list of error ids")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answers, E> {
                Ok(Answers::One(v.to_string()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Answers, A::Error> {
                Vec::<S<String>>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Answers::Many)
            }
        }
        d.deserialize_any(V)
    }
}

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<S<String>>()? {
                    out.push((k, map.next_value()?));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// serde's `default = "yes"`: keys that are true unless written false.
fn yes() -> bool {
    true
}
