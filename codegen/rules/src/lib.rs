//! The rule kinds of the erpspec schema language, each defined once.
//!
//! Every consumer that needs to know what a rule *means* reads it from here:
//! the generated validators call these checks with the rule's parameters
//! baked in, the conformance oracle calls them with parameters read from the
//! IR, and the JSON Schema emitter asks each kind for its keywords. Nothing
//! else may re-implement a check, so the three can never disagree
//! (ARCHITECTURE.md, invariant "one meaning, one implementation").
//!
//! This crate is deliberately small and dependency-light (serde only): the
//! generated crate depends on it, and so does every user of the bindings.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

pub mod kinds;
pub mod read;
mod wire;
// For the functions `entry_points!` defines in the generated crate.
#[doc(hidden)]
pub use serde_json;
// The checks generated code calls, one per kind.
pub use kinds::BoundaryCase;
pub use kinds::at_least_one_of::at_least_one_of;
pub use kinds::coded_enum::{code_in, coded_one_of};
pub use kinds::constant::constant_bool;
pub use kinds::enumeration::one_of;
pub use kinds::format::{DateTime, matches_format, read_iso_date_time, reformat_date};
pub use kinds::max_items::max_items;
pub use kinds::max_length::max_length;
pub use kinds::min_length::min_length;
pub use kinds::minimum::minimum;
pub use wire::{NameMatching, WireError, coerce_scalar, lookup_field, member, pointer_escape, pointer_unescape, query_object};

/// How strongly the vendors' documentation states a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Stated plainly: a server that breaks it fails the check.
    Documented,
    /// The sources contradict each other: every documented reading is
    /// accepted; a value or answer no documented reading allows fails.
    Contested,
    /// The value set belongs to the installation (lookup tables set up per
    /// site); the documented values are the demo's defaults.
    Site,
    /// Not stated by the pages: the schemas' inference where they are
    /// silent (refusing another JSON type, another letter case). A server
    /// breaking it gets a warning, never a failure, unless the user asks
    /// for strict checking.
    Implied,
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Strength::Documented => "documented",
            Strength::Contested => "contested",
            Strength::Site => "site",
            Strength::Implied => "implied",
        })
    }
}

/// One broken rule found in a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// JSON pointer (RFC 6901) to the offending value, `""` for the root.
    pub path: String,
    /// Stable rule id, e.g. `manex.customer-add.Credlimit.minimum`.
    pub rule: String,
    /// The vendor's message where documented, else a description of the rule.
    pub message: String,
    pub strength: Strength,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "{path}: {} [{}]", self.message, self.rule)
    }
}

/// What reading one request off the wire found: the same type whether the
/// generated validators or the IR-driven oracle produced it, so the two can
/// be compared for equality.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WireReport {
    /// Every broken rule, in field order.
    pub violations: Vec<Violation>,
    /// JSON pointers of members the schema does not declare. Not violations:
    /// the vendors do not document that unknown members are refused.
    pub unknown: Vec<String>,
    /// The request with declared names spelled as declared and scalars read
    /// as their declared types (what a server would store).
    pub normalized: Value,
}

impl WireReport {
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
    /// Violations of documented rules only (what fails a check).
    pub fn documented(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(|v| v.strength == Strength::Documented)
    }
    /// Violations of what the docs state or show: documented rules and the
    /// implied reading of their silences (a member's JSON type, an enum
    /// value's spelling). What the typed values and the emitted JSON Schema
    /// hold a request to; contested and site rules are left to the server.
    pub fn as_shown(&self) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(|v| matches!(v.strength, Strength::Documented | Strength::Implied))
    }
}

/// The unit in which a maximum length is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LengthUnit {
    /// Unicode scalar values; the default unless a vendor says otherwise.
    CodePoints,
    Bytes,
    Utf16Units,
}

/// Whether enum values must match in case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// The docs demand the case ("please note must be camel-cased").
    Exact,
    /// The docs say any case is accepted.
    Insensitive,
    /// The docs give the spellings and say nothing about case: checked as
    /// written, but a value that differs only in case breaks an implied
    /// expectation, not a documented one ([`breach_strength`]).
    Unstated,
}

/// Formats a string value can be required to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `MM/DD/YYYY`, a real calendar date.
    UsDate,
    /// `YYYY-MM-DD`, a real calendar date.
    IsoDate,
    /// `YYYY-MM-DDThh:mm:ss`, a real date and time of day (ISO 8601, no
    /// fraction, no zone).
    IsoDateTime,
    /// `YYYY-MM-DDhh:mm:ss`: the same with nothing between the date and
    /// the time, as a document may print it.
    IsoDateTimeUnseparated,
    /// Exactly `count` ASCII digits (ManEx's ten-digit zero-padded CUSTNO).
    Digits { count: u32 },
    /// Not only ASCII white space (RPM's "A customer name is required": a
    /// name of spaces only is none). The empty string holds: emptiness is
    /// `min_length`'s to refuse, so each value breaks one rule.
    NotBlank,
}

/// A documented integer-coded enum value (RPM phone `Type`: Business=1 ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CodedValue {
    pub code: i64,
    pub name: String,
}

/// Every kind of rule a schema can state about a value or an object.
///
/// Each kind lives in its own module under [`kinds`], with its check, JSON
/// Schema keywords, description, deterministic cases and proptest
/// strategies side by side; these methods only dispatch to them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleKind {
    /// The field must be present (object-level; checked by its parent).
    Required,
    /// At least one of these fields must be present (object-level).
    AtLeastOneOf {
        fields: Vec<String>,
    },
    MaxLength {
        max: u64,
        unit: LengthUnit,
    },
    Enum {
        values: Vec<String>,
        case: Case,
    },
    CodedEnum {
        values: Vec<CodedValue>,
    },
    Minimum {
        value: f64,
    },
    Format {
        format: Format,
    },
    MaxItems {
        max: u64,
    },
    MinLength {
        min: u64,
        unit: LengthUnit,
    },
    /// The one value a boolean may take.
    Const {
        value: bool,
    },
}

/// Constructors with the parameters as literals take them (what generated
/// runtime descriptions call).
impl RuleKind {
    pub fn at_least_one_of(fields: &[&str]) -> RuleKind {
        RuleKind::AtLeastOneOf {
            fields: fields.iter().map(|f| f.to_string()).collect(),
        }
    }
    pub fn max_length(max: u64, unit: LengthUnit) -> RuleKind {
        RuleKind::MaxLength { max, unit }
    }
    pub fn min_length(min: u64, unit: LengthUnit) -> RuleKind {
        RuleKind::MinLength { min, unit }
    }
    pub fn one_of(values: &[&str], case: Case) -> RuleKind {
        RuleKind::Enum {
            values: values.iter().map(|v| v.to_string()).collect(),
            case,
        }
    }
    pub fn codes(values: &[(i64, &str)]) -> RuleKind {
        RuleKind::CodedEnum {
            values: values
                .iter()
                .map(|(code, name)| CodedValue {
                    code: *code,
                    name: name.to_string(),
                })
                .collect(),
        }
    }
    pub fn minimum(value: f64) -> RuleKind {
        RuleKind::Minimum { value }
    }
    pub fn format(format: Format) -> RuleKind {
        RuleKind::Format { format }
    }
    pub fn max_items(max: u64) -> RuleKind {
        RuleKind::MaxItems { max }
    }
    pub fn constant(value: bool) -> RuleKind {
        RuleKind::Const { value }
    }
}

impl RuleKind {
    /// The short name used in rule ids (`NOTES.max_length`).
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Required => "required",
            RuleKind::AtLeastOneOf { .. } => "at_least_one_of",
            RuleKind::MaxLength { .. } => "max_length",
            RuleKind::Enum { .. } => "enum",
            RuleKind::CodedEnum { .. } => "coded_enum",
            RuleKind::Minimum { .. } => "minimum",
            RuleKind::Format { .. } => "format",
            RuleKind::MaxItems { .. } => "max_items",
            RuleKind::MinLength { .. } => "min_length",
            RuleKind::Const { .. } => "const",
        }
    }

    /// Does `value` satisfy this rule? Object-level kinds look at an object;
    /// value-level kinds ignore values of a type they do not constrain (the
    /// type check reports those). Scalars go to [`Self::holds_scalar`] and
    /// arrays to [`Self::holds_items`]: one check per kind, whether the value
    /// is a parsed `Value` or read straight off the wire.
    pub fn holds(&self, value: &Value) -> bool {
        match self {
            RuleKind::Required => kinds::required::holds(value),
            RuleKind::AtLeastOneOf { fields } => kinds::at_least_one_of::holds(fields, value),
            _ => match value {
                Value::Array(items) => self.holds_items(items.len()),
                other => Scalar::of(other).is_none_or(|s| self.holds_scalar(&s)),
            },
        }
    }

    /// Does a scalar satisfy this value-level rule? Kinds that constrain
    /// another JSON type (and object-level kinds) hold.
    pub fn holds_scalar(&self, value: &Scalar<'_>) -> bool {
        match self {
            RuleKind::Required | RuleKind::AtLeastOneOf { .. } | RuleKind::MaxItems { .. } => true,
            RuleKind::MaxLength { max, unit } => kinds::max_length::holds(*max, *unit, value),
            RuleKind::Enum { values, case } => kinds::enumeration::holds(values, *case, value),
            RuleKind::CodedEnum { values } => kinds::coded_enum::holds(values, value),
            RuleKind::Minimum { value: min } => kinds::minimum::holds(*min, value),
            RuleKind::Format { format } => kinds::format::holds(*format, value),
            RuleKind::MinLength { min, unit } => kinds::min_length::holds(*min, *unit, value),
            RuleKind::Const { value: want } => kinds::constant::holds(*want, value),
        }
    }

    /// Does `value` break this rule only in a way the docs leave unstated?
    pub fn breaks_only_where_silent(&self, value: &Scalar<'_>) -> bool {
        match (self, value) {
            (
                RuleKind::Enum {
                    values,
                    case: Case::Unstated,
                },
                Scalar::Str(s),
            ) => !one_of(s, values, Case::Exact) && one_of(s, values, Case::Insensitive),
            _ => false,
        }
    }

    /// Does an array of `len` items satisfy this rule? Only `max_items`
    /// constrains arrays.
    pub fn holds_items(&self, len: usize) -> bool {
        match self {
            RuleKind::MaxItems { max } => kinds::max_items::max_items(len, *max),
            _ => true,
        }
    }

    /// What the rule demands, as a predicate that follows a field's name
    /// ("Credlimit must be greater than or equal to 0"): the failure
    /// message where the vendor documents none, and the docs' wording.
    pub fn describe(&self) -> String {
        match self {
            RuleKind::Required => kinds::required::describe(),
            RuleKind::AtLeastOneOf { fields } => kinds::at_least_one_of::describe(fields),
            RuleKind::MaxLength { max, unit } => kinds::max_length::describe(*max, *unit),
            RuleKind::Enum { values, case } => kinds::enumeration::describe(values, *case),
            RuleKind::CodedEnum { values } => kinds::coded_enum::describe(values),
            RuleKind::Minimum { value } => kinds::minimum::describe(*value),
            RuleKind::Format { format } => kinds::format::describe(*format),
            RuleKind::MaxItems { max } => kinds::max_items::describe(*max),
            RuleKind::MinLength { min, unit } => kinds::min_length::describe(*min, *unit),
            RuleKind::Const { value } => kinds::constant::describe(*value),
        }
    }

    /// The JSON Schema 2020-12 keywords that express this rule on the value
    /// it constrains. Object-level kinds return keywords for the parent
    /// object. Keywords JSON Schema cannot express exactly are omitted and
    /// the rule is described in `description` by the emitter instead.
    pub fn json_schema(&self) -> serde_json::Map<String, Value> {
        match self {
            RuleKind::Required => serde_json::Map::new(),
            RuleKind::AtLeastOneOf { fields } => kinds::at_least_one_of::json_schema(fields),
            RuleKind::MaxLength { max, unit } => kinds::max_length::json_schema(*max, *unit),
            RuleKind::Enum { values, case } => kinds::enumeration::json_schema(values, *case),
            RuleKind::CodedEnum { values } => kinds::coded_enum::json_schema(values),
            RuleKind::Minimum { value } => kinds::minimum::json_schema(*value),
            RuleKind::Format { format } => kinds::format::json_schema(*format),
            RuleKind::MaxItems { max } => kinds::max_items::json_schema(*max),
            RuleKind::MinLength { min, unit } => kinds::min_length::json_schema(*min, *unit),
            RuleKind::Const { value } => kinds::constant::json_schema(*value),
        }
    }

    /// Boundary values for a value-level rule: `(at_limit, one_step_past)`:
    /// the first case that holds and the first that does not.
    /// `None` for kinds that have no single boundary (object-level kinds).
    pub fn boundary(&self) -> Option<(Value, Value)> {
        let cases = self.cases();
        let at = cases.iter().find(|c| c.holds)?.value.clone();
        let past = cases.iter().find(|c| !c.holds)?.value.clone();
        Some((at, past))
    }

    /// A value the rule holds for, from the kind's module: the `nth` of the
    /// values a list names (taken in turn, so a list's items differ), the
    /// value at a format's or a minimum's limit, a constant. `None` where the
    /// kind names no value (lengths, counts, object-level rules): any value
    /// of the field's type does.
    pub fn example(&self, nth: usize) -> Option<Value> {
        match self {
            RuleKind::Enum { values, .. } => kinds::enumeration::example(values, nth),
            RuleKind::CodedEnum { values } => kinds::coded_enum::example(values, nth),
            RuleKind::Format { format } => kinds::format::example(*format),
            RuleKind::Minimum { value } => kinds::minimum::example(*value),
            RuleKind::Const { value } => kinds::constant::example(*value),
            RuleKind::Required
            | RuleKind::AtLeastOneOf { .. }
            | RuleKind::MaxLength { .. }
            | RuleKind::MinLength { .. }
            | RuleKind::MaxItems { .. } => None,
        }
    }

    /// The deterministic cases of a value-level rule, each with a stable id:
    /// values at the limit (which hold) and one step past it (which do not).
    /// Object-level kinds have none: their cases remove members.
    pub fn cases(&self) -> Vec<BoundaryCase> {
        match self {
            RuleKind::Required | RuleKind::AtLeastOneOf { .. } => Vec::new(),
            RuleKind::MaxLength { max, unit } => kinds::max_length::cases(*max, *unit),
            RuleKind::Enum { values, case } => kinds::enumeration::cases(values, *case),
            RuleKind::CodedEnum { values } => kinds::coded_enum::cases(values),
            RuleKind::Minimum { value } => kinds::minimum::cases(*value),
            RuleKind::Format { format } => kinds::format::cases(*format),
            RuleKind::MaxItems { max } => kinds::max_items::cases(*max),
            RuleKind::MinLength { min, unit } => kinds::min_length::cases(*min, *unit),
            RuleKind::Const { value } => kinds::constant::cases(*value),
        }
    }

    /// Random values satisfying a value-level rule; `None` for object-level kinds.
    #[cfg(feature = "strategies")]
    pub fn valid_values(&self) -> Option<kinds::BoxedStrategy<Value>> {
        Some(match self {
            RuleKind::Required | RuleKind::AtLeastOneOf { .. } => return None,
            RuleKind::MaxLength { max, unit } => kinds::max_length::strategies::valid(*max, *unit),
            RuleKind::Enum { values, .. } => kinds::enumeration::strategies::valid(values),
            RuleKind::CodedEnum { values } => kinds::coded_enum::strategies::valid(values),
            RuleKind::Minimum { value } => kinds::minimum::strategies::valid(*value),
            RuleKind::Format { format } => kinds::format::strategies::valid(*format),
            RuleKind::MaxItems { max } => kinds::max_items::strategies::valid(*max),
            RuleKind::MinLength { min, unit } => kinds::min_length::strategies::valid(*min, *unit),
            RuleKind::Const { value } => kinds::constant::strategies::valid(*value),
        })
    }

    /// Random values breaking exactly this rule (and no other rule of its
    /// kind's type); `None` for object-level kinds.
    #[cfg(feature = "strategies")]
    pub fn breaking_values(&self) -> Option<kinds::BoxedStrategy<Value>> {
        Some(match self {
            RuleKind::Required | RuleKind::AtLeastOneOf { .. } => return None,
            RuleKind::MaxLength { max, unit } => kinds::max_length::strategies::breaking(*max, *unit),
            RuleKind::Enum { values, case } => kinds::enumeration::strategies::breaking(values, *case),
            RuleKind::CodedEnum { values } => kinds::coded_enum::strategies::breaking(values),
            RuleKind::Minimum { value } => kinds::minimum::strategies::breaking(*value),
            RuleKind::Format { format } => kinds::format::strategies::breaking(*format),
            RuleKind::MaxItems { max } => kinds::max_items::strategies::breaking(*max),
            RuleKind::MinLength { min, unit } => kinds::min_length::strategies::breaking(*min, *unit),
            RuleKind::Const { value } => kinds::constant::strategies::breaking(*value),
        })
    }
}

/// How strongly the docs forbid a value that breaks a rule whose readings
/// are `kinds` and whose strength is `strength`: the rule's strength, or
/// [`Strength::Implied`] where the value breaks a documented or contested
/// rule only in a way the docs do not state (a documented enum value in
/// another letter case where no case is demanded).
pub fn breach_strength<'k>(strength: Strength, mut kinds: impl Iterator<Item = &'k RuleKind>, value: &Scalar<'_>) -> Strength {
    // A site's values are the site's to spell: no inference is stronger.
    if strength != Strength::Site && kinds.any(|k| k.breaks_only_where_silent(value)) {
        Strength::Implied
    } else {
        strength
    }
}

/// A JSON scalar as the rule checks see it, borrowed where it can be: the
/// same checks run on a parsed `Value` and on a value read off the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    Str(&'a str),
    /// An integer that fits `i64` (what every kind reads as an integer).
    Int(i64),
    /// Any other number (a fraction, or an integer beyond `i64`).
    Num(f64),
    Bool(bool),
}

impl<'a> Scalar<'a> {
    /// The scalar in a JSON value; `None` for null, arrays and objects.
    pub fn of(value: &'a Value) -> Option<Scalar<'a>> {
        Some(match value {
            Value::String(s) => Scalar::Str(s),
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Scalar::Int(i),
                None => Scalar::Num(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::Null | Value::Array(_) | Value::Object(_) => return None,
        })
    }
}

/// The message a violation of `kind` reports about `subject` (a field's
/// name, or an object's dotted rule path, empty for the request): the
/// vendor's `message` where documented, else the kind's description.
pub fn violation_message(message: Option<&str>, subject: &str, kind: &RuleKind) -> String {
    match message {
        Some(m) => m.to_string(),
        None if subject.is_empty() => format!("the request {}", kind.describe()),
        None => format!("{subject} {}", kind.describe()),
    }
}

/// A scalar as text: strings bare, everything else as its JSON (`100` and
/// `"100"` read alike where strings carry scalars; values in messages).
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON number from an `f64`, written as an integer when it is one.
pub fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
    }
}

/// Scalar wire types a field can declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScalarType {
    String,
    Integer,
    Number,
    Boolean,
}

impl ScalarType {
    /// Does a JSON value have this type (strictly, as JSON)?
    pub fn accepts(self, v: &Value) -> bool {
        match self {
            ScalarType::String => v.is_string(),
            // Integers are 64-bit signed, as every vendor's ids are.
            ScalarType::Integer => v.is_i64(),
            ScalarType::Number => v.is_number(),
            ScalarType::Boolean => v.is_boolean(),
        }
    }

    pub fn json_schema_type(self) -> &'static str {
        match self {
            ScalarType::String => "string",
            ScalarType::Integer => "integer",
            ScalarType::Number => "number",
            ScalarType::Boolean => "boolean",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_strings_bare_and_other_scalars_as_json() {
        assert_eq!(text(&json!("a b")), "a b");
        assert_eq!(text(&json!(100)), "100");
        assert_eq!(text(&json!(true)), "true");
        assert_eq!(text(&json!(null)), "null");
    }

    #[test]
    fn max_length_counts_code_points_not_bytes() {
        let s = "é".repeat(3);
        assert!(max_length(&s, 3, LengthUnit::CodePoints));
        assert!(!max_length(&s, 3, LengthUnit::Bytes));
    }

    #[test]
    fn us_dates_must_be_real_dates() {
        assert!(matches_format("02/29/2024", Format::UsDate));
        assert!(!matches_format("02/29/2023", Format::UsDate));
        assert!(!matches_format("2024-02-01", Format::UsDate));
        assert!(!matches_format("13/01/2024", Format::UsDate));
        assert!(!matches_format("1/1/2024", Format::UsDate));
        assert!(!matches_format("0é/01/2024", Format::UsDate));
    }

    #[test]
    fn date_times_must_be_real_dates_and_times() {
        assert!(matches_format("2024-02-29T23:59:59", Format::IsoDateTime));
        assert!(!matches_format("2023-02-29T00:00:00", Format::IsoDateTime));
        assert!(!matches_format("2024-01-01T24:00:00", Format::IsoDateTime));
        assert!(!matches_format("2024-01-01T00:60:00", Format::IsoDateTime));
        assert!(!matches_format("2024-01-01 00:00:00", Format::IsoDateTime));
        assert!(!matches_format("2024-01-0100:00:00", Format::IsoDateTime));
        assert!(matches_format("2014-11-1900:00:00", Format::IsoDateTimeUnseparated));
        assert!(!matches_format("2014-11-19T00:00:00", Format::IsoDateTimeUnseparated));
        assert!(!matches_format("YYYY-MM-DD00:00:00", Format::IsoDateTimeUnseparated));
        assert!(!matches_format("2014-11-1é0:00:00", Format::IsoDateTimeUnseparated));
        assert!(!matches_format("2014-11-19é:00:00", Format::IsoDateTimeUnseparated));
    }

    #[test]
    fn dates_are_rewritten_in_another_format() {
        assert_eq!(
            reformat_date("12/31/2024", Format::IsoDateTime).as_deref(),
            Some("2024-12-31T00:00:00")
        );
        assert_eq!(
            reformat_date("2014-11-1913:28:00", Format::IsoDateTime).as_deref(),
            Some("2014-11-19T13:28:00")
        );
        assert_eq!(reformat_date("2014-11-19T13:28:00", Format::UsDate).as_deref(), Some("11/19/2014"));
        assert_eq!(
            reformat_date("2014-11-19", Format::IsoDateTime).as_deref(),
            Some("2014-11-19T00:00:00")
        );
        // Not a date in any format: read back as written.
        assert_eq!(reformat_date("YYYY-MM-DD00:00:00", Format::IsoDateTime), None);
        assert_eq!(reformat_date("02/30/2024", Format::IsoDateTime), None);
        assert_eq!(reformat_date("12/31/2024", Format::Digits { count: 8 }), None);
    }

    #[test]
    fn iso_date_times_are_read_with_or_without_fraction_and_zone() {
        let at = |s: &str| read_iso_date_time(s).map(|d| (d.year, d.month, d.day, d.hour, d.minute, d.second));
        assert_eq!(at("2014-11-19T13:28:00"), Some((2014, 11, 19, 13, 28, 0)));
        assert_eq!(at("2014-11-19T13:27:49.25"), Some((2014, 11, 19, 13, 27, 49)));
        assert_eq!(at("2014-11-19T10:09:57.041868-05:00"), Some((2014, 11, 19, 10, 9, 57)));
        assert_eq!(at("2024-12-31T00:00:00Z"), Some((2024, 12, 31, 0, 0, 0)));
        assert_eq!(at("2024-12-31 00:00:00 "), Some((2024, 12, 31, 0, 0, 0)));
        assert_eq!(at("2024-12-31"), Some((2024, 12, 31, 0, 0, 0)));
        for bad in [
            "12/31/2024",
            "2024-12-31T00:00",
            "2024-12-31T00:00:00.",
            "2024-12-31T00:00:00+5",
            "2024-12-3é",
            "é",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_boundary_pair_straddles_its_rule() {
        let kinds = vec![
            RuleKind::MaxLength {
                max: 5,
                unit: LengthUnit::CodePoints,
            },
            RuleKind::MaxLength {
                max: 5,
                unit: LengthUnit::Bytes,
            },
            RuleKind::Enum {
                values: vec!["Active".into(), "Quote".into()],
                case: Case::Exact,
            },
            RuleKind::Enum {
                values: vec!["OK".into()],
                case: Case::Insensitive,
            },
            RuleKind::CodedEnum {
                values: vec![
                    CodedValue {
                        code: 1,
                        name: "Business".into(),
                    },
                    CodedValue {
                        code: 6,
                        name: "Other".into(),
                    },
                ],
            },
            RuleKind::Minimum { value: 0.0 },
            RuleKind::Minimum { value: 0.5 },
            RuleKind::Format { format: Format::UsDate },
            RuleKind::Format { format: Format::IsoDate },
            RuleKind::Format {
                format: Format::IsoDateTime,
            },
            RuleKind::Format {
                format: Format::IsoDateTimeUnseparated,
            },
            RuleKind::Format {
                format: Format::Digits { count: 10 },
            },
        ];
        let edges = vec![
            RuleKind::Format {
                format: Format::Digits { count: 1 },
            },
            RuleKind::MaxLength {
                max: 0,
                unit: LengthUnit::CodePoints,
            },
            RuleKind::MaxLength {
                max: 1,
                unit: LengthUnit::CodePoints,
            },
            RuleKind::Minimum { value: 1e300 },
            RuleKind::Minimum { value: -1e300 },
            RuleKind::Minimum { value: -0.5 },
            RuleKind::MaxItems { max: 0 },
            RuleKind::MaxItems { max: 4 },
        ];
        for kind in kinds.into_iter().chain(edges) {
            let (at, past) = kind.boundary().expect("value-level kind has a boundary");
            assert!(kind.holds(&at), "{kind:?} should accept {at}");
            assert!(!kind.holds(&past), "{kind:?} should reject {past}");
            for c in kind.cases() {
                assert_eq!(kind.holds(&c.value), c.holds, "{kind:?} case {} ({})", c.id, c.value);
            }
            let mut ids: Vec<String> = kind.cases().into_iter().map(|c| c.id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), kind.cases().len(), "{kind:?}: case ids are unique");
        }
        // The multi-byte character sits at the boundary: a byte counter refuses
        // the at-limit value.
        let cp = RuleKind::MaxLength {
            max: 32765,
            unit: LengthUnit::CodePoints,
        };
        let (at, past) = cp.boundary().unwrap();
        assert_eq!(at.as_str().unwrap().chars().count(), 32765);
        assert_eq!(past.as_str().unwrap().chars().count(), 32766);
        assert!(at.as_str().unwrap().ends_with('é') && at.as_str().unwrap().len() > 32765);
    }

    #[test]
    fn object_level_kinds_look_at_the_object() {
        let k = RuleKind::AtLeastOneOf {
            fields: vec!["A".into(), "B".into()],
        };
        assert!(k.holds(&json!({"B": ""})));
        assert!(!k.holds(&json!({"C": ""})));
    }
}
