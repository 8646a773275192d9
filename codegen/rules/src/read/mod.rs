//! Reading a request against a runtime description of its endpoint: the one
//! engine behind every generated validator.
//!
//! The generated crate describes each endpoint once ([`Endpoint`]: fields,
//! types, required and value rules with id, strength and message, object
//! rules, the dialect) and hands it here; the per-object member matchers
//! (`fn(&str) -> Option<usize>`, a `match` on the declared names) are the only
//! generated code the reader runs. The IR-driven validator
//! (`erpspec_model::validate`) builds the same description from the IR at
//! run time, with [`Object::declared`] (the declared names compared one by
//! one) where the generated code has a matcher, and reads with it here: one
//! reader for both. The same serde visitors read raw bytes (validation while
//! parsing: no intermediate `Value`, strings borrowed where they have no
//! escapes) and an already parsed `Value` (`&Value` is a serde
//! `Deserializer` too), so the two entry points cannot disagree.
//!
//! What the reader reports, in order: per object, field by field in
//! declared order (a missing required field, or the value's type and rule
//! violations and the unknown members inside it), then the object's own
//! unknown members in the order a parsed object keeps them, then
//! `at_least_one_of`. A member sent twice reads as a parsed
//! object holds it: the first spelling that matches owns the field and its
//! last value counts; `null` reads as absent.

mod entry_points;
mod newtype;
mod normalized;
mod scan;
mod seed;
mod typed;

use crate::{NameMatching, RuleKind, ScalarType, Strength, Violation, WireReport, pointer_escape, violation_message};
pub use normalized::{ParseError, from_normalized, parse};
use serde_json::Value;
use std::borrow::Cow;
pub use typed::{Invalid, Typed, child, index};

/// One endpoint's request as the reader sees it.
///
/// Two descriptions are equal when they describe the same request: the same
/// prefix and dialect, the same fields (names, shapes, checks) and object
/// rules, and every object finds each declared name, as declared and in
/// ASCII lower and upper case, at the same field, whether through a
/// generated matcher or the declared names.
#[derive(Debug)]
pub struct Endpoint {
    /// `<vendor>.<endpoint>.`: the start of the ids of type violations.
    prefix: Cow<'static, str>,
    names: NameMatching,
    strings_carry_scalars: bool,
    root: Object,
}

/// A JSON object with declared members.
pub struct Object {
    /// The index of the field a member name is for: a generated `match` on
    /// the declared names, which under case-insensitive matching is given the
    /// name in ASCII lowercase; `None` in a description built at run time,
    /// which compares the declared names under the dialect's matching.
    matcher: Option<fn(&str) -> Option<usize>>,
    fields: Vec<Field>,
    any_of: Vec<AnyOf>,
}

#[derive(Debug, PartialEq)]
struct AnyOf {
    fields: Vec<usize>,
    check: WireRule,
}

/// One declared member.
#[derive(Debug)]
pub struct Field {
    name: Cow<'static, str>,
    shape: Shape,
    /// Reported when the member is missing (or null).
    required: Option<WireRule>,
    /// Value rules, in the schema's order.
    rules: Vec<WireRule>,
}

/// What a member's value must be.
#[derive(Debug)]
pub enum Shape {
    Scalar(ScalarType),
    Array(Box<Shape>),
    Object(Object),
}

/// One rule as reported: id, strength, the vendor's message where there is
/// one, and the kinds of which any one holding is enough (a contested rule's
/// documented readings).
#[derive(Debug, PartialEq)]
pub struct WireRule {
    /// Given by [`WireRule::id`] (as it is, even empty), else the schema
    /// language's convention (`<vendor>.<endpoint>.<rule path>.<kind>`), set
    /// by [`Endpoint::new`].
    id: Option<Cow<'static, str>>,
    strength: Strength,
    message: Option<Cow<'static, str>>,
    kinds: Vec<RuleKind>,
}

impl Endpoint {
    pub fn new(prefix: impl Into<Cow<'static, str>>, names: NameMatching, strings_carry_scalars: bool, mut root: Object) -> Endpoint {
        let prefix = prefix.into();
        root.name_checks(&prefix, "");
        Endpoint {
            prefix,
            names,
            strings_carry_scalars,
            root,
        }
    }

    /// Reads a request body: every violation, every unknown member, and the
    /// normalized request when `normalize` (else `normalized` is null and no
    /// value is copied). Fails only where `serde_json::from_slice` would.
    pub fn read_bytes(&self, bytes: &[u8], normalize: bool) -> Result<WireReport, serde_json::Error> {
        let mut scanner = scan::Scanner::new(bytes);
        if let Ok(report) = seed::read(self, &mut scanner, normalize)
            && scanner.end().is_ok()
        {
            return Ok(report);
        }
        // What the scanner declines (escapes, unusual numbers, errors),
        // serde_json reads from the start: its verdict and its error.
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let report = seed::read(self, &mut de, normalize)?;
        de.end()?;
        Ok(report)
    }

    /// Reads an already parsed body, with the normalized request.
    pub fn read_value(&self, body: &Value) -> WireReport {
        // A `Value` always deserializes, and the reader raises no errors of
        // its own; the empty report is unreachable.
        seed::read(self, body, true).unwrap_or_default()
    }

    /// The object at `path` (field indices from the request down, through
    /// array items); the request itself for `[]`.
    pub fn object(&self, path: &[usize]) -> &Object {
        path.iter().fold(&self.root, |o, &i| match o.fields[i].shape.object() {
            Some(inner) => inner,
            None => o,
        })
    }

    /// The field at `path` (field indices from the request down).
    pub fn field(&self, path: &[usize]) -> &Field {
        let (last, parents) = path.split_last().expect("a field path names a field");
        &self.object(parents).fields[*last]
    }

    /// The field of `object` a member named `key` is for: the first
    /// declared field whose name matches under the dialect.
    #[inline]
    fn lookup(&self, object: &Object, key: &str) -> Option<usize> {
        let Some(matcher) = object.matcher else {
            return object.fields.iter().position(|f| self.names.matches(&f.name, key));
        };
        match self.names {
            NameMatching::Exact => matcher(key),
            NameMatching::CaseInsensitive => {
                // Declared names are short: lowercase into the stack.
                let mut buf = [0u8; 64];
                match buf.get_mut(..key.len()) {
                    Some(b) => {
                        b.copy_from_slice(key.as_bytes());
                        b.make_ascii_lowercase();
                        std::str::from_utf8(b).ok().and_then(matcher)
                    }
                    None => matcher(&key.to_ascii_lowercase()),
                }
            }
        }
    }

    /// [`PartialEq`]: `a` (of `self`) and `b` (of `other`) declare the same
    /// fields and object rules and find every declared name alike.
    fn same_object(&self, a: &Object, other: &Endpoint, b: &Object) -> bool {
        let found_alike = |name: &str| {
            [name.to_string(), name.to_ascii_lowercase(), name.to_ascii_uppercase()]
                .iter()
                .all(|key| self.lookup(a, key) == other.lookup(b, key))
        };
        a.any_of == b.any_of
            && a.fields.len() == b.fields.len()
            && a.fields.iter().zip(&b.fields).all(|(x, y)| {
                x.name == y.name
                    && x.required == y.required
                    && x.rules == y.rules
                    && found_alike(&x.name)
                    && self.same_shape(&x.shape, other, &y.shape)
            })
    }

    fn same_shape(&self, a: &Shape, other: &Endpoint, b: &Shape) -> bool {
        match (a, b) {
            (Shape::Scalar(x), Shape::Scalar(y)) => x == y,
            (Shape::Array(x), Shape::Array(y)) => self.same_shape(x, other, y),
            (Shape::Object(x), Shape::Object(y)) => self.same_object(x, other, y),
            _ => false,
        }
    }

    /// The type violation of a value at `path` that is not `expected`. The
    /// pages give each member's type but never say what a server does with
    /// another (refuse it, store its text, coerce it, ignore it): implied,
    /// except for the request itself, which must be a JSON object.
    fn wrong_type(&self, path: &Path<'_>, expected: &str) -> Violation {
        let rule_path = path.rule_path();
        let (id, subject) = if rule_path.is_empty() {
            (format!("{}type", self.prefix), "the request")
        } else {
            (format!("{}{rule_path}.type", self.prefix), rule_path.as_str())
        };
        Violation {
            path: path.pointer(),
            strength: if rule_path.is_empty() {
                Strength::Documented
            } else {
                Strength::Implied
            },
            rule: id,
            message: format!("{subject} must be {expected}"),
        }
    }
}

impl PartialEq for Endpoint {
    fn eq(&self, other: &Endpoint) -> bool {
        self.prefix == other.prefix
            && self.names == other.names
            && self.strings_carry_scalars == other.strings_carry_scalars
            && self.same_object(&self.root, other, &other.root)
    }
}

impl std::fmt::Debug for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Object")
            .field("matcher", &if self.matcher.is_some() { "generated" } else { "declared names" })
            .field("fields", &self.fields)
            .field("any_of", &self.any_of)
            .finish()
    }
}

/// Built field by field, each field's checks right after it (what a
/// generated description writes, one statement per line):
/// `o.field("NOTES", Shape::STRING); o.rule(WireRule::new(..));`.
impl Object {
    /// An object whose members `matcher` finds (generated: a `match` on the
    /// declared names, in ASCII lowercase under case-insensitive matching).
    pub fn new(matcher: fn(&str) -> Option<usize>) -> Object {
        Object {
            matcher: Some(matcher),
            fields: Vec::new(),
            any_of: Vec::new(),
        }
    }

    /// An object whose members are found by comparing the declared names
    /// under the dialect's matching, one by one: a description built at run
    /// time, with no matcher generated for it.
    pub fn declared() -> Object {
        Object {
            matcher: None,
            fields: Vec::new(),
            any_of: Vec::new(),
        }
    }

    pub fn field(&mut self, name: impl Into<Cow<'static, str>>, shape: Shape) {
        self.fields.push(Field {
            name: name.into(),
            shape,
            required: None,
            rules: Vec::new(),
        });
    }

    /// The last field is required: `check` is reported when it is missing.
    pub fn required(&mut self, check: WireRule) {
        if let Some(f) = self.fields.last_mut() {
            f.required = Some(check);
        }
    }

    /// A value rule of the last field.
    pub fn rule(&mut self, check: WireRule) {
        if let Some(f) = self.fields.last_mut() {
            f.rules.push(check);
        }
    }

    /// An `at_least_one_of` rule over the fields at these indices.
    pub fn at_least_one_of(&mut self, fields: &[usize], check: WireRule) {
        self.any_of.push(AnyOf {
            fields: fields.to_vec(),
            check,
        });
    }

    /// Gives every check without an id its conventional one.
    fn name_checks(&mut self, prefix: &str, rule_path: &str) {
        for f in &mut self.fields {
            let mut shape = &mut f.shape;
            while let Shape::Array(items) = shape {
                shape = items;
            }
            let inner = match shape {
                Shape::Object(o) => Some(o),
                _ => None,
            };
            // A description built at run time gives every id.
            if inner.is_none() && f.required.iter().chain(&f.rules).all(|c| c.id.is_some()) {
                continue;
            }
            let path = if rule_path.is_empty() {
                f.name.to_string()
            } else {
                format!("{rule_path}.{}", f.name)
            };
            for c in f.required.iter_mut().chain(&mut f.rules) {
                c.name(prefix, &path);
            }
            if let Some(o) = inner {
                o.name_checks(prefix, &path);
            }
        }
        for any in &mut self.any_of {
            any.check.name(prefix, rule_path);
        }
    }

    /// For a typed value: reports the `k`th `at_least_one_of` rule at `path`
    /// unless one of its fields (`present`, in the rule's order) is there.
    pub fn report_any_of(&self, k: usize, present: &[bool], path: &str, out: &mut Vec<Violation>) {
        if let Some(rule) = self.any_of.get(k)
            && !crate::at_least_one_of(present.iter().copied())
        {
            out.push(rule.check.violation(path.to_string(), ""));
        }
    }
}

impl Field {
    /// For a typed value: reports this field missing from the object at `path`.
    pub fn report_missing(&self, path: &str, out: &mut Vec<Violation>) {
        if let Some(check) = &self.required {
            out.push(check.violation(format!("{path}/{}", pointer_escape(&self.name)), &self.name));
        }
    }
}

impl Shape {
    pub const STRING: Shape = Shape::Scalar(ScalarType::String);
    pub const INTEGER: Shape = Shape::Scalar(ScalarType::Integer);
    pub const NUMBER: Shape = Shape::Scalar(ScalarType::Number);
    pub const BOOLEAN: Shape = Shape::Scalar(ScalarType::Boolean);

    pub fn array(items: Shape) -> Shape {
        Shape::Array(Box::new(items))
    }

    /// The object this shape holds, through array items.
    fn object(&self) -> Option<&Object> {
        match self {
            Shape::Object(o) => Some(o),
            Shape::Array(items) => items.object(),
            Shape::Scalar(_) => None,
        }
    }
}

impl WireRule {
    pub fn new(strength: Strength, kind: RuleKind) -> WireRule {
        WireRule {
            id: None,
            strength,
            message: None,
            kinds: vec![kind],
        }
    }

    /// A rule id that does not follow the convention (or any id, given
    /// as it is).
    pub fn id(mut self, id: impl Into<Cow<'static, str>>) -> WireRule {
        self.id = Some(id.into());
        self
    }

    fn name(&mut self, prefix: &str, rule_path: &str) {
        if self.id.is_none()
            && let Some(kind) = self.kinds.first()
        {
            let dot = if rule_path.is_empty() { "" } else { "." };
            self.id = Some(Cow::Owned(format!("{prefix}{rule_path}{dot}{}", kind.name())));
        }
    }

    /// Another documented reading of a contested rule.
    pub fn or(mut self, kind: RuleKind) -> WireRule {
        self.kinds.push(kind);
        self
    }

    /// The vendor's message for a violation.
    pub fn message(mut self, message: impl Into<Cow<'static, str>>) -> WireRule {
        self.message = Some(message.into());
        self
    }

    #[inline]
    fn holds_scalar(&self, value: &crate::Scalar<'_>) -> bool {
        self.kinds.iter().any(|k| k.holds_scalar(value))
    }

    fn holds_items(&self, len: usize) -> bool {
        self.kinds.iter().any(|k| k.holds_items(len))
    }

    /// The violation by `value` at `path` about `subject`: as
    /// [`WireRule::violation`], at the strength with which the docs forbid
    /// this value ([`crate::breach_strength`]).
    fn violation_by(&self, value: &crate::Scalar<'_>, path: String, subject: &str) -> Violation {
        Violation {
            strength: crate::breach_strength(self.strength, self.kinds.iter(), value),
            ..self.violation(path, subject)
        }
    }

    /// The violation at `path` about `subject` (the field's name).
    fn violation(&self, path: String, subject: &str) -> Violation {
        Violation {
            path,
            rule: self.id.as_deref().unwrap_or_default().to_string(),
            message: match self.kinds.first() {
                Some(kind) => violation_message(self.message.as_deref(), subject, kind),
                None => self.message.as_deref().unwrap_or_default().to_string(),
            },
            strength: self.strength,
        }
    }
}

/// Where a value sits, kept as a chain on the stack and written out as a
/// JSON pointer (or a dotted rule path) only when something is reported.
#[derive(Clone, Copy)]
enum Path<'a> {
    /// The value a read starts from, at this pointer.
    Root(&'a str),
    Member(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn pointer(&self) -> String {
        match self {
            Path::Root(base) => base.to_string(),
            Path::Member(parent, name) => format!("{}/{}", parent.pointer(), pointer_escape(name)),
            Path::Index(parent, i) => format!("{}/{i}", parent.pointer()),
        }
    }

    /// The declared names from the request down, dotted (`Contact.PhoneNumbers`):
    /// rule ids and messages name fields, not items.
    fn rule_path(&self) -> String {
        match self {
            Path::Root(_) => String::new(),
            Path::Index(parent, _) => parent.rule_path(),
            Path::Member(parent, name) => {
                let p = parent.rule_path();
                if p.is_empty() { name.to_string() } else { format!("{p}.{name}") }
            }
        }
    }
}

#[cfg(test)]
mod tests;
