//! The serde visitors that read a request against its [`Endpoint`]: one
//! object at a time into per-field slots (so violations come out in field
//! order whatever the wire order), values checked as they are read.

use super::{Endpoint, Field, Object, Path, Shape};
use crate::{Scalar, ScalarType, Violation, WireReport};
use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::fmt;

/// Reads a request from any JSON deserializer (bytes or a parsed `Value`).
pub(super) fn read<'de, D: Deserializer<'de>>(ep: &Endpoint, de: D, normalize: bool) -> Result<WireReport, D::Error> {
    let cx = Cx { ep, normalize };
    let (found, normalized) = de.deserialize_any(Root { cx: &cx })?;
    Ok(WireReport {
        violations: found.violations,
        unknown: found.unknown,
        normalized: normalized.unwrap_or(Value::Null),
    })
}

struct Cx<'e> {
    ep: &'e Endpoint,
    /// Build the normalized request (copies every declared value).
    normalize: bool,
}

/// What reading a value found: violations and unknown members, in order.
#[derive(Default)]
struct Found {
    violations: Vec<Violation>,
    unknown: Vec<String>,
}

impl Found {
    fn append(&mut self, mut other: Found) {
        self.violations.append(&mut other.violations);
        self.unknown.append(&mut other.unknown);
    }

    fn is_empty(&self) -> bool {
        self.violations.is_empty() && self.unknown.is_empty()
    }
}

/// One value read: absent (a member's `null`), or what it found and, when
/// normalizing, the value as a server would store it.
struct Read {
    present: bool,
    found: Found,
    normalized: Option<Value>,
}

impl Read {
    fn found(found: Found, normalized: Option<Value>) -> Read {
        Read {
            present: true,
            found,
            normalized,
        }
    }
}

/// The top level: an object, or the one "must be a JSON object" violation.
struct Root<'c, 'e> {
    cx: &'c Cx<'e>,
}

type ObjectRead = (Found, Option<Value>);

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = ObjectRead;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ObjectRead, A::Error> {
        read_object(self.cx, &self.cx.ep.root, Path::Root(""), map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ObjectRead, A::Error> {
        Skip.visit_seq(seq)?;
        Ok(self.not_an_object())
    }

    fn visit_bool<E>(self, _: bool) -> Result<ObjectRead, E> {
        Ok(self.not_an_object())
    }
    fn visit_i64<E>(self, _: i64) -> Result<ObjectRead, E> {
        Ok(self.not_an_object())
    }
    fn visit_u64<E>(self, _: u64) -> Result<ObjectRead, E> {
        Ok(self.not_an_object())
    }
    fn visit_f64<E>(self, _: f64) -> Result<ObjectRead, E> {
        Ok(self.not_an_object())
    }
    fn visit_str<E>(self, _: &str) -> Result<ObjectRead, E> {
        Ok(self.not_an_object())
    }
    fn visit_unit<E>(self) -> Result<ObjectRead, E> {
        Ok(self.not_an_object())
    }
}

impl Root<'_, '_> {
    fn not_an_object(&self) -> ObjectRead {
        let mut found = Found::default();
        found.violations.push(self.cx.ep.wrong_type(&Path::Root(""), "a JSON object"));
        (found, None)
    }
}

/// Per declared field: the spelling that owns it (the first that matched)
/// and what its last value under that spelling found.
struct Slot<'de> {
    owner: Option<Cow<'de, str>>,
    present: bool,
    found: Option<Box<Found>>,
}

/// Reads one object's members into per-field slots, then reports field by
/// field, then the object's own unknown members, then `at_least_one_of`.
fn read_object<'de, A: MapAccess<'de>>(cx: &Cx<'_>, obj: &Object, path: Path<'_>, mut map: A) -> Result<ObjectRead, A::Error> {
    let mut slots: Vec<Slot<'de>> = obj
        .fields
        .iter()
        .map(|_| Slot {
            owner: None,
            present: false,
            found: None,
        })
        .collect();
    let mut normalized: Vec<Option<Value>> = if cx.normalize { vec![None; obj.fields.len()] } else { Vec::new() };
    let mut unknown: Vec<String> = Vec::new();
    while let Some(key) = map.next_key_seed(Key)? {
        let Some(i) = cx.ep.lookup(obj, &key) else {
            // A parsed object keeps one entry per distinct name, where it
            // first appeared.
            let pointer = Path::Member(&path, &key).pointer();
            if !unknown.contains(&pointer) {
                unknown.push(pointer);
            }
            map.next_value_seed(Skip)?;
            continue;
        };
        let slot = &mut slots[i];
        match &slot.owner {
            None => slot.owner = Some(key),
            Some(owner) if *owner == key => {}
            // Another spelling of a field already sent: the first owns it.
            Some(_) => {
                map.next_value_seed(Skip)?;
                continue;
            }
        }
        let f = &obj.fields[i];
        let read = map.next_value_seed(Member {
            cx,
            shape: &f.shape,
            field: Some(f),
            path: Path::Member(&path, f.name),
        })?;
        slot.present = read.present;
        slot.found = (!read.found.is_empty()).then(|| Box::new(read.found));
        if let Some(n) = normalized.get_mut(i) {
            *n = read.normalized;
        }
    }
    Ok(finish_object(cx, obj, &path, slots, normalized, unknown))
}

fn finish_object(
    cx: &Cx<'_>,
    obj: &Object,
    path: &Path<'_>,
    mut slots: Vec<Slot<'_>>,
    normalized: Vec<Option<Value>>,
    unknown: Vec<String>,
) -> ObjectRead {
    let mut found = Found::default();
    for (f, slot) in obj.fields.iter().zip(&mut slots) {
        if !slot.present {
            if let Some(check) = &f.required {
                found.violations.push(check.violation(Path::Member(path, f.name).pointer(), f.name));
            }
        } else if let Some(inner) = slot.found.take() {
            found.append(*inner);
        }
    }
    found.unknown.extend(unknown);
    for any in &obj.any_of {
        if !crate::at_least_one_of(any.fields.iter().map(|&i| slots.get(i).is_some_and(|s| s.present))) {
            let subject = path.rule_path();
            found.violations.push(any.check.violation(path.pointer(), &subject));
        }
    }
    let normalized = cx.normalize.then(|| {
        let mut out = Map::new();
        for ((f, slot), v) in obj.fields.iter().zip(&slots).zip(normalized) {
            if let (true, Some(v)) = (slot.present, v) {
                out.insert(f.name.to_string(), v);
            }
        }
        Value::Object(out)
    });
    (found, normalized)
}

/// A member name, borrowed from the input unless it had escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Cow<'de, str>, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(s))
    }
    fn visit_str<E>(self, s: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(s))
    }
}

/// Consumes any JSON value. Not `IgnoredAny`: serde_json skips ignored
/// numbers without converting them, so `1e400` would pass here and fail
/// `from_slice::<Value>`; visiting every value keeps the two in step.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Skip, D::Error> {
        de.deserialize_any(Skip).map(|()| Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

/// A scalar as it arrived.
#[derive(Clone, Copy)]
enum Token<'a> {
    Str(&'a str),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
}

impl<'a> Token<'a> {
    fn value(self) -> Value {
        match self {
            Token::Str(s) => Value::String(s.to_string()),
            Token::I64(i) => Value::from(i),
            Token::U64(u) => Value::from(u),
            Token::F64(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
            Token::Bool(b) => Value::Bool(b),
        }
    }

    /// As the checks see it (`Scalar::of` on the parsed value).
    fn scalar(self) -> Scalar<'a> {
        match self {
            Token::Str(s) => Scalar::Str(s),
            Token::I64(i) => Scalar::Int(i),
            Token::U64(u) => i64::try_from(u).map_or(Scalar::Num(u as f64), Scalar::Int),
            Token::F64(f) => Scalar::Num(f),
            Token::Bool(b) => Scalar::Bool(b),
        }
    }
}

/// A scalar read as its declared type: as it arrived, or converted (what
/// [`crate::coerce_scalar`] returns for a parsed value).
enum Coerced<'a> {
    AsIs(Token<'a>),
    Converted(Value),
}

/// [`crate::coerce_scalar`] on a token: a value of the declared type is
/// taken as it arrived (no copy); anything else goes through the one
/// implementation of the dialect's readings.
fn coerce(ty: ScalarType, t: Token<'_>, strings_carry_scalars: bool) -> Option<Coerced<'_>> {
    let accepted = match (ty, t) {
        (ScalarType::String, Token::Str(_)) | (ScalarType::Boolean, Token::Bool(_)) => true,
        (ScalarType::Integer, Token::I64(_)) => true,
        (ScalarType::Integer, Token::U64(u)) => i64::try_from(u).is_ok(),
        (ScalarType::Number, Token::I64(_) | Token::U64(_) | Token::F64(_)) => true,
        _ => false,
    };
    if accepted {
        return Some(Coerced::AsIs(t));
    }
    crate::coerce_scalar(ty, &t.value(), strings_carry_scalars)
        .ok()
        .map(Coerced::Converted)
}

/// A declared member's value (or an array's item: no field, so no rules
/// and `null` is a wrong type rather than absent).
struct Member<'c, 'e, 'p> {
    cx: &'c Cx<'e>,
    shape: &'c Shape,
    field: Option<&'c Field>,
    path: Path<'p>,
}

impl<'de> DeserializeSeed<'de> for Member<'_, '_, '_> {
    type Value = Read;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Read, D::Error> {
        de.deserialize_any(self)
    }
}

impl Member<'_, '_, '_> {
    fn expected(&self) -> String {
        match self.shape {
            Shape::Scalar(ty) => format!("a JSON {}", ty.json_schema_type()),
            Shape::Array(_) => "a JSON array".to_string(),
            Shape::Object(_) => "a JSON object".to_string(),
        }
    }

    /// A value of the wrong type: one violation; a wrong object reads as
    /// null in the normalized request, anything else as it arrived.
    fn wrong(&self, raw: impl FnOnce() -> Value) -> Read {
        let mut found = Found::default();
        found.violations.push(self.cx.ep.wrong_type(&self.path, &self.expected()));
        let normalized = match self.shape {
            _ if !self.cx.normalize => None,
            Shape::Object(_) => Some(Value::Null),
            Shape::Scalar(_) | Shape::Array(_) => Some(raw()),
        };
        Read::found(found, normalized)
    }

    fn scalar(self, t: Token<'_>) -> Read {
        let Shape::Scalar(ty) = self.shape else {
            return self.wrong(|| t.value());
        };
        let Some(coerced) = coerce(*ty, t, self.cx.ep.strings_carry_scalars) else {
            return self.wrong(|| t.value());
        };
        let mut found = Found::default();
        let normalized = match &coerced {
            Coerced::AsIs(t) => {
                self.check(&t.scalar(), &mut found);
                self.cx.normalize.then(|| t.value())
            }
            Coerced::Converted(v) => {
                if let Some(s) = Scalar::of(v) {
                    self.check(&s, &mut found);
                }
                self.cx.normalize.then(|| v.clone())
            }
        };
        Read::found(found, normalized)
    }

    fn check(&self, value: &Scalar<'_>, found: &mut Found) {
        let Some(f) = self.field else { return };
        for rule in &f.rules {
            if !rule.holds_scalar(value) {
                found.violations.push(rule.violation(self.path.pointer(), f.name));
            }
        }
    }
}

impl<'de> Visitor<'de> for Member<'_, '_, '_> {
    type Value = Read;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Read, E> {
        Ok(self.scalar(Token::Bool(b)))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Read, E> {
        Ok(self.scalar(Token::I64(i)))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Read, E> {
        Ok(self.scalar(Token::U64(u)))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Read, E> {
        Ok(self.scalar(Token::F64(f)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Read, E> {
        Ok(self.scalar(Token::Str(s)))
    }

    fn visit_unit<E>(self) -> Result<Read, E> {
        if self.field.is_some() {
            // A member's null reads as absent.
            return Ok(Read {
                present: false,
                found: Found::default(),
                normalized: None,
            });
        }
        Ok(self.wrong(|| Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Read, A::Error> {
        match self.shape {
            Shape::Array(items) => read_items(self.cx, items, self.field, self.path, seq),
            _ if self.cx.normalize => {
                let raw = Value::deserialize(SeqAccessDeserializer::new(seq))?;
                Ok(self.wrong(|| raw))
            }
            _ => {
                Skip.visit_seq(seq)?;
                Ok(self.wrong(|| Value::Null))
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Read, A::Error> {
        match self.shape {
            Shape::Object(obj) => {
                let (found, normalized) = read_object(self.cx, obj, self.path, map)?;
                Ok(Read::found(found, normalized))
            }
            _ if self.cx.normalize => {
                let raw = Value::deserialize(MapAccessDeserializer::new(map))?;
                Ok(self.wrong(|| raw))
            }
            _ => {
                Skip.visit_map(map)?;
                Ok(self.wrong(|| Value::Null))
            }
        }
    }
}

/// An array's items, then the field's array rules (`max_items`) reported
/// before what the items found.
fn read_items<'de, A: SeqAccess<'de>>(
    cx: &Cx<'_>,
    items: &Shape,
    field: Option<&Field>,
    path: Path<'_>,
    mut seq: A,
) -> Result<Read, A::Error> {
    let mut inner = Found::default();
    let mut normalized = Vec::new();
    let mut n = 0;
    loop {
        let item = Member {
            cx,
            shape: items,
            field: None,
            path: Path::Index(&path, n),
        };
        let Some(read) = seq.next_element_seed(item)? else { break };
        inner.append(read.found);
        if cx.normalize {
            normalized.push(read.normalized.unwrap_or(Value::Null));
        }
        n += 1;
    }
    let mut found = Found::default();
    if let Some(f) = field {
        for rule in &f.rules {
            if !rule.holds_items(n) {
                found.violations.push(rule.violation(path.pointer(), f.name));
            }
        }
    }
    found.append(inner);
    Ok(Read::found(found, cx.normalize.then(|| Value::Array(normalized))))
}
