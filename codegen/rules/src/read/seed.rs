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
    let mut found = Found::default();
    let normalized = de.deserialize_any(Root { cx: &cx, out: &mut found })?;
    Ok(WireReport {
        violations: found.violations.into_iter().map(|(_, v)| v).collect(),
        unknown: found.unknown.into_iter().map(|(_, u)| u).collect(),
        normalized: normalized.unwrap_or(Value::Null),
    })
}

struct Cx<'e> {
    ep: &'e Endpoint,
    /// Build the normalized request (copies every declared value).
    normalize: bool,
}

/// What reading found so far: violations and unknown members, each tagged
/// with the index of the field of the object being read it belongs to (the
/// object's own unknown members and object rules come after its fields).
/// Values are written here as they are read, in wire order; each object
/// puts its part into field order when it is done (a stable sort by tag,
/// nothing to do when nothing was found), so no value carries its own
/// findings around.
#[derive(Default)]
struct Found {
    violations: Vec<(usize, Violation)>,
    unknown: Vec<(usize, String)>,
}

/// Where one object's findings start in [`Found`].
#[derive(Clone, Copy)]
struct Mark {
    violations: usize,
    unknown: usize,
}

impl Found {
    fn mark(&self) -> Mark {
        Mark {
            violations: self.violations.len(),
            unknown: self.unknown.len(),
        }
    }

    /// Forgets what the field tagged `tag` found since `mark` (its value was
    /// sent again: the last one counts).
    fn forget(&mut self, mark: Mark, tag: usize) {
        let mut i = 0;
        self.violations.retain(|(t, _)| {
            i += 1;
            i <= mark.violations || *t != tag
        });
        let mut i = 0;
        self.unknown.retain(|(t, _)| {
            i += 1;
            i <= mark.unknown || *t != tag
        });
    }

    /// Puts what was found since `mark` in field order and hands it to the
    /// parent's field `tag`.
    fn close(&mut self, mark: Mark, tag: usize) {
        let violations = &mut self.violations[mark.violations..];
        if !violations.is_sorted_by_key(|(t, _)| *t) {
            violations.sort_by_key(|(t, _)| *t);
        }
        violations.iter_mut().for_each(|(t, _)| *t = tag);
        let unknown = &mut self.unknown[mark.unknown..];
        if !unknown.is_sorted_by_key(|(t, _)| *t) {
            unknown.sort_by_key(|(t, _)| *t);
        }
        unknown.iter_mut().for_each(|(t, _)| *t = tag);
    }
}

/// One value read: absent (a member's `null`), or present with, when
/// normalizing, the value as a server would store it.
struct Read {
    present: bool,
    normalized: Option<Value>,
}

impl Read {
    fn present(normalized: Option<Value>) -> Read {
        Read { present: true, normalized }
    }
}

/// The top level: an object, or the one "must be a JSON object" violation.
struct Root<'c, 'e> {
    cx: &'c Cx<'e>,
    out: &'c mut Found,
}

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Value>, A::Error> {
        read_object(self.cx, self.out, &self.cx.ep.root, Path::Root(""), 0, map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<Value>, A::Error> {
        Skip.visit_seq(seq)?;
        Ok(self.not_an_object())
    }

    fn visit_bool<E>(self, _: bool) -> Result<Option<Value>, E> {
        Ok(self.not_an_object())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Option<Value>, E> {
        Ok(self.not_an_object())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Option<Value>, E> {
        Ok(self.not_an_object())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Option<Value>, E> {
        Ok(self.not_an_object())
    }
    fn visit_str<E>(self, _: &str) -> Result<Option<Value>, E> {
        Ok(self.not_an_object())
    }
    fn visit_unit<E>(self) -> Result<Option<Value>, E> {
        Ok(self.not_an_object())
    }
}

impl Root<'_, '_> {
    fn not_an_object(self) -> Option<Value> {
        self.out
            .violations
            .push((0, self.cx.ep.wrong_type(&Path::Root(""), "a JSON object")));
        None
    }
}

/// Per declared field: the spelling that owns it (the first that matched)
/// and whether its last value under that spelling was there (not null).
struct Slot<'de> {
    owner: Option<Cow<'de, str>>,
    present: bool,
}

/// Reads one object's members into `out`, then puts what they found in
/// field order, then the object's own unknown members, then
/// `at_least_one_of`; all of it tagged `tag` for the parent.
fn read_object<'de, A: MapAccess<'de>>(
    cx: &Cx<'_>,
    out: &mut Found,
    obj: &Object,
    path: Path<'_>,
    tag: usize,
    mut map: A,
) -> Result<Option<Value>, A::Error> {
    let mark = out.mark();
    let own = obj.fields.len();
    let mut slots: Vec<Slot<'de>> = obj
        .fields
        .iter()
        .map(|_| Slot {
            owner: None,
            present: false,
        })
        .collect();
    let mut normalized: Vec<Option<Value>> = if cx.normalize { vec![None; obj.fields.len()] } else { Vec::new() };
    while let Some(key) = map.next_key_seed(Key)? {
        let Some(i) = cx.ep.lookup(obj, &key) else {
            // A parsed object keeps one entry per distinct name, where it
            // first appeared.
            let pointer = Path::Member(&path, &key).pointer();
            if !out.unknown[mark.unknown..].iter().any(|(t, u)| *t == own && *u == pointer) {
                out.unknown.push((own, pointer));
            }
            map.next_value_seed(Skip)?;
            continue;
        };
        let slot = &mut slots[i];
        match &slot.owner {
            None => slot.owner = Some(key),
            Some(owner) if *owner == key => out.forget(mark, i),
            // Another spelling of a field already sent: the first owns it.
            Some(_) => {
                map.next_value_seed(Skip)?;
                continue;
            }
        }
        let f = &obj.fields[i];
        let read = map.next_value_seed(Member {
            cx,
            out: &mut *out,
            shape: &f.shape,
            field: Some(f),
            path: Path::Member(&path, &f.name),
            tag: i,
        })?;
        slots[i].present = read.present;
        if let Some(n) = normalized.get_mut(i) {
            *n = read.normalized;
        }
    }
    Ok(finish_object(cx, out, obj, &path, (mark, tag), slots, normalized))
}

fn finish_object(
    cx: &Cx<'_>,
    out: &mut Found,
    obj: &Object,
    path: &Path<'_>,
    (mark, tag): (Mark, usize),
    slots: Vec<Slot<'_>>,
    normalized: Vec<Option<Value>>,
) -> Option<Value> {
    for (i, (f, slot)) in obj.fields.iter().zip(&slots).enumerate() {
        if !slot.present
            && let Some(check) = &f.required
        {
            out.violations
                .push((i, check.violation(Path::Member(path, &f.name).pointer(), &f.name)));
        }
    }
    for any in &obj.any_of {
        if !crate::at_least_one_of(any.fields.iter().map(|&i| slots.get(i).is_some_and(|s| s.present))) {
            let subject = path.rule_path();
            out.violations
                .push((obj.fields.len(), any.check.violation(path.pointer(), &subject)));
        }
    }
    out.close(mark, tag);
    cx.normalize.then(|| {
        let mut members = Map::new();
        for ((f, slot), v) in obj.fields.iter().zip(&slots).zip(normalized) {
            if let (true, Some(v)) = (slot.present, v) {
                members.insert(f.name.to_string(), v);
            }
        }
        Value::Object(members)
    })
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
/// and `null` is a wrong type rather than absent), its findings tagged `tag`.
struct Member<'c, 'e, 'p> {
    cx: &'c Cx<'e>,
    out: &'c mut Found,
    shape: &'c Shape,
    field: Option<&'c Field>,
    path: Path<'p>,
    tag: usize,
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
    #[cold]
    fn wrong(self, raw: impl FnOnce() -> Value) -> Read {
        let violation = self.cx.ep.wrong_type(&self.path, &self.expected());
        self.out.violations.push((self.tag, violation));
        let normalized = match self.shape {
            _ if !self.cx.normalize => None,
            Shape::Object(_) => Some(Value::Null),
            Shape::Scalar(_) | Shape::Array(_) => Some(raw()),
        };
        Read::present(normalized)
    }

    #[inline]
    fn scalar(mut self, t: Token<'_>) -> Read {
        let Shape::Scalar(ty) = self.shape else {
            return self.wrong(|| t.value());
        };
        match coerce(*ty, t, self.cx.ep.strings_carry_scalars) {
            Some(Coerced::AsIs(t)) => {
                self.check(&t.scalar());
                Read::present(self.cx.normalize.then(|| t.value()))
            }
            Some(Coerced::Converted(v)) => {
                if let Some(s) = Scalar::of(&v) {
                    self.check(&s);
                }
                Read::present(self.cx.normalize.then_some(v))
            }
            None => self.wrong(|| t.value()),
        }
    }

    #[inline]
    fn check(&mut self, value: &Scalar<'_>) {
        let Some(f) = self.field else { return };
        for rule in &f.rules {
            if !rule.holds_scalar(value) {
                self.out
                    .violations
                    .push((self.tag, rule.violation_by(value, self.path.pointer(), &f.name)));
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
    fn visit_str<E>(mut self, s: &str) -> Result<Read, E> {
        // Most members: text where text is declared, taken as it is.
        if let Shape::Scalar(ScalarType::String) = self.shape {
            self.check(&Scalar::Str(s));
            return Ok(Read::present(self.cx.normalize.then(|| Value::String(s.to_owned()))));
        }
        Ok(self.scalar(Token::Str(s)))
    }

    fn visit_unit<E>(self) -> Result<Read, E> {
        if self.field.is_some() {
            // A member's null reads as absent.
            return Ok(Read {
                present: false,
                normalized: None,
            });
        }
        Ok(self.wrong(|| Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Read, A::Error> {
        match self.shape {
            Shape::Array(items) => read_items(self, items, seq),
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
                let normalized = read_object(self.cx, self.out, obj, self.path, self.tag, map)?;
                Ok(Read::present(normalized))
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
fn read_items<'de, A: SeqAccess<'de>>(m: Member<'_, '_, '_>, items: &Shape, mut seq: A) -> Result<Read, A::Error> {
    let Member {
        cx, out, field, path, tag, ..
    } = m;
    let mark = out.mark();
    let mut normalized = Vec::new();
    let mut n = 0;
    loop {
        let item = Member {
            cx,
            out: &mut *out,
            shape: items,
            field: None,
            path: Path::Index(&path, n),
            tag,
        };
        let Some(read) = seq.next_element_seed(item)? else { break };
        if cx.normalize {
            normalized.push(read.normalized.unwrap_or(Value::Null));
        }
        n += 1;
    }
    if let Some(f) = field {
        let broken = f.rules.iter().filter(|rule| !rule.holds_items(n));
        let first = broken.map(|rule| (tag, rule.violation(path.pointer(), &f.name)));
        out.violations.splice(mark.violations..mark.violations, first.collect::<Vec<_>>());
    }
    Ok(Read::present(cx.normalize.then(|| Value::Array(normalized))))
}
