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

mod wire;
pub use wire::{NameMatching, WireError, coerce_scalar, lookup_field, member, percent_decode, pointer_escape, query_object};

/// How strongly the vendors' documentation states a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Stated plainly: a server that breaks it fails the check.
    Documented,
    /// The sources contradict each other: every documented reading is
    /// accepted, anything else is a warning, never a failure.
    Contested,
    /// The value set belongs to the installation (lookup tables set up per
    /// site); the documented values are the demo's defaults.
    Site,
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Strength::Documented => "documented",
            Strength::Contested => "contested",
            Strength::Site => "site",
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
    Exact,
    Insensitive,
}

/// Formats a string value can be required to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `MM/DD/YYYY`, a real calendar date.
    UsDate,
    /// `YYYY-MM-DD`, a real calendar date.
    IsoDate,
    /// Exactly `count` ASCII digits (ManEx's ten-digit zero-padded CUSTNO).
    Digits { count: u32 },
}

/// A documented integer-coded enum value (RPM phone `Type`: Business=1 ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CodedValue {
    pub code: i64,
    pub name: String,
}

/// Every kind of rule a schema can state about a value or an object.
///
/// Each variant has, side by side in this file: its check, its JSON Schema
/// keywords, its description, and its boundary values (one at the limit, one
/// a single step past it) used by the conformance cases.
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
        }
    }

    /// Does `value` satisfy this rule? Object-level kinds look at an object;
    /// value-level kinds ignore values of a type they do not constrain (the
    /// type check reports those).
    pub fn holds(&self, value: &Value) -> bool {
        match self {
            RuleKind::Required => !value.is_null(),
            RuleKind::AtLeastOneOf { fields } => match value {
                Value::Object(map) => at_least_one_of(fields.iter().map(|f| map.contains_key(f))),
                _ => true,
            },
            RuleKind::MaxLength { max, unit } => match value {
                Value::String(s) => max_length(s, *max, *unit),
                _ => true,
            },
            RuleKind::Enum { values, case } => match value {
                Value::String(s) => one_of(s, values, *case),
                _ => true,
            },
            RuleKind::CodedEnum { values } => match value.as_i64() {
                Some(code) => coded_one_of(code, values),
                None => true,
            },
            RuleKind::Minimum { value: min } => match value.as_f64() {
                Some(v) => minimum(v, *min),
                None => true,
            },
            RuleKind::Format { format } => match value {
                Value::String(s) => matches_format(s, *format),
                _ => true,
            },
            RuleKind::MaxItems { max } => match value {
                Value::Array(items) => max_items(items.len(), *max),
                _ => true,
            },
        }
    }

    /// What the rule demands, as a predicate that follows a field's name
    /// ("Credlimit must be greater than or equal to 0"): the failure
    /// message where the vendor documents none, and the docs' wording.
    pub fn describe(&self) -> String {
        match self {
            RuleKind::Required => "is required".to_string(),
            RuleKind::AtLeastOneOf { fields } => {
                format!("needs at least one of: {}", fields.join(", "))
            }
            RuleKind::MaxLength { max, unit } => {
                let unit = match unit {
                    LengthUnit::CodePoints => "characters",
                    LengthUnit::Bytes => "bytes (UTF-8)",
                    LengthUnit::Utf16Units => "UTF-16 code units",
                };
                format!("must be at most {max} {unit} long")
            }
            RuleKind::Enum { values, case } => {
                let case = match case {
                    Case::Exact => "",
                    Case::Insensitive => " (any case)",
                };
                format!("must be one of: {}{case}", values.join(", "))
            }
            RuleKind::CodedEnum { values } => {
                let list: Vec<String> = values.iter().map(|v| format!("{}={}", v.name, v.code)).collect();
                format!("must be one of the codes: {}", list.join(", "))
            }
            RuleKind::Minimum { value } => format!("must be greater than or equal to {value}"),
            RuleKind::Format { format } => match format {
                Format::UsDate => "must be a date in MM/DD/YYYY format".to_string(),
                Format::IsoDate => "must be a date in YYYY-MM-DD format".to_string(),
                Format::Digits { count } => format!("must be exactly {count} digits"),
            },
            RuleKind::MaxItems { max } => format!("must have at most {max} items"),
        }
    }

    /// The JSON Schema 2020-12 keywords that express this rule on the value
    /// it constrains. Object-level kinds return keywords for the parent
    /// object. Keywords JSON Schema cannot express exactly are omitted and
    /// the rule is described in `description` by the emitter instead.
    pub fn json_schema(&self) -> serde_json::Map<String, Value> {
        let mut k = serde_json::Map::new();
        match self {
            RuleKind::Required => {}
            RuleKind::AtLeastOneOf { fields } => {
                // JSON Schema has no keyword for "at least one of these
                // names", so the emitted document (not the schema language)
                // uses `anyOf` of `required` here.
                let any: Vec<Value> = fields.iter().map(|f| serde_json::json!({ "required": [f] })).collect();
                k.insert("anyOf".into(), Value::Array(any));
            }
            RuleKind::MaxLength { max, unit } => {
                // JSON Schema counts code points; other units are only described.
                if *unit == LengthUnit::CodePoints {
                    k.insert("maxLength".into(), (*max).into());
                }
            }
            RuleKind::Enum { values, case } => {
                if *case == Case::Exact {
                    k.insert("enum".into(), values.clone().into());
                } else {
                    let alternatives: Vec<String> = values.iter().map(|v| case_insensitive_pattern(v)).collect();
                    k.insert("pattern".into(), format!("^(?:{})$", alternatives.join("|")).into());
                }
            }
            RuleKind::CodedEnum { values } => {
                let codes: Vec<Value> = values.iter().map(|v| v.code.into()).collect();
                k.insert("enum".into(), Value::Array(codes));
            }
            RuleKind::Minimum { value } => {
                k.insert("minimum".into(), number(*value));
            }
            RuleKind::Format { format } => {
                let pattern = match format {
                    Format::UsDate => format!(
                        "^(?:(?:{m31})/(?:{d31})|(?:{m30})/(?:{d30})|02/(?:{d28}))/[0-9]{{4}}$|^02/29/(?:{leap})$",
                        m31 = MONTHS_31,
                        d31 = DAYS_31,
                        m30 = MONTHS_30,
                        d30 = DAYS_30,
                        d28 = DAYS_28,
                        leap = LEAP_YEARS
                    ),
                    Format::IsoDate => format!(
                        "^[0-9]{{4}}-(?:(?:{m31})-(?:{d31})|(?:{m30})-(?:{d30})|02-(?:{d28}))$|^(?:{leap})-02-29$",
                        m31 = MONTHS_31,
                        d31 = DAYS_31,
                        m30 = MONTHS_30,
                        d30 = DAYS_30,
                        d28 = DAYS_28,
                        leap = LEAP_YEARS
                    ),
                    Format::Digits { count } => format!("^[0-9]{{{count}}}$"),
                };
                k.insert("pattern".into(), pattern.into());
            }
            RuleKind::MaxItems { max } => {
                k.insert("maxItems".into(), (*max).into());
            }
        }
        k
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

    /// The deterministic cases of a value-level rule, each with a stable id:
    /// values at the limit (which hold) and one step past it (which do not).
    /// Object-level kinds have none: their cases remove members.
    pub fn cases(&self) -> Vec<BoundaryCase> {
        let case = |id: &str, value: Value, holds: bool| BoundaryCase {
            id: id.to_string(),
            value,
            holds,
        };
        match self {
            RuleKind::Required | RuleKind::AtLeastOneOf { .. } => Vec::new(),
            RuleKind::MaxLength { max, unit } => {
                let Ok(max) = usize::try_from(*max) else { return Vec::new() };
                let (at, past) = match unit {
                    // A multi-byte character sits at the boundary, so that a
                    // server counting bytes instead of code points is caught.
                    LengthUnit::CodePoints if max == 0 => (String::new(), "é".to_string()),
                    LengthUnit::CodePoints => {
                        let at = "x".repeat(max - 1) + "é";
                        let past = at.clone() + "é";
                        (at, past)
                    }
                    LengthUnit::Bytes | LengthUnit::Utf16Units => ("x".repeat(max), "x".repeat(max + 1)),
                };
                vec![
                    case("at_limit", Value::String(at), true),
                    case("past_limit", Value::String(past), false),
                ]
            }
            RuleKind::Enum { values, case: c } => {
                let mut out: Vec<BoundaryCase> = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| case(&format!("value.{}", i + 1), Value::String(v.clone()), true))
                    .collect();
                if *c == Case::Exact
                    && let Some(wrong) = values.iter().map(|v| v.to_lowercase()).find(|l| !one_of(l, values, *c))
                {
                    out.push(case("wrong_case", Value::String(wrong), false));
                }
                out.push(case("outside", Value::String(outside_enum(values, *c)), false));
                out
            }
            RuleKind::CodedEnum { values } => {
                let mut out: Vec<BoundaryCase> = values
                    .iter()
                    .map(|v| case(&format!("code.{}", v.code), v.code.into(), true))
                    .collect();
                let mut outside = 0;
                while values.iter().any(|v| v.code == outside) {
                    outside += 1;
                }
                out.push(case("outside", outside.into(), false));
                out
            }
            RuleKind::Minimum { value } => {
                let below = below(*value);
                vec![case("at_limit", number(*value), true), case("below", number(below), false)]
            }
            RuleKind::Format { format } => match format {
                Format::UsDate => vec![
                    case("at_limit", "12/31/2024".into(), true),
                    case("leap_day", "02/29/2024".into(), true),
                    case("wrong", "2024-12-31".into(), false),
                    case("not_a_date", "02/30/2024".into(), false),
                ],
                Format::IsoDate => vec![
                    case("at_limit", "2024-12-31".into(), true),
                    case("wrong", "12/31/2024".into(), false),
                    case("not_a_date", "2024-02-30".into(), false),
                ],
                Format::Digits { count } => {
                    let n = *count as usize;
                    let mut out = vec![
                        case("at_limit", Value::String(format!("{:0>n$}", 1)), true),
                        case("too_long", Value::String("9".repeat(n + 1)), false),
                    ];
                    if n > 1 {
                        out.push(case("too_short", Value::String("9".repeat(n - 1)), false));
                    }
                    out
                }
            },
            RuleKind::MaxItems { max } => {
                let Ok(max) = usize::try_from(*max) else { return Vec::new() };
                vec![
                    case("at_limit", Value::Array(vec![Value::Object(Default::default()); max]), true),
                    case("past_limit", Value::Array(vec![Value::Object(Default::default()); max + 1]), false),
                ]
            }
        }
    }
}

/// One deterministic case of a rule: a value and whether the rule holds for it.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryCase {
    /// Stable within the rule (`at_limit`, `past_limit`, `below`, `outside`).
    pub id: String,
    pub value: Value,
    pub holds: bool,
}

/// The nearest value below a limit that is still a different `f64`
/// (`1e300 - 1` is `1e300` again).
fn below(v: f64) -> f64 {
    let step = if v.fract() == 0.0 && v.abs() < 9.0e15 {
        1.0
    } else {
        (v.abs() * 1e-9).max(0.01)
    };
    let b = v - step;
    if b < v {
        b
    } else {
        f64::from_bits(if v > 0.0 { v.to_bits() - 1 } else { v.to_bits() + 1 })
    }
}

// Calendar dates as regular expressions, so the JSON Schema `pattern`
// accepts exactly the dates `matches_format` accepts (leap years included).
const MONTHS_31: &str = "0[13578]|1[02]";
const MONTHS_30: &str = "0[469]|11";
const DAYS_31: &str = "0[1-9]|[12][0-9]|3[01]";
const DAYS_30: &str = "0[1-9]|[12][0-9]|30";
const DAYS_28: &str = "0[1-9]|1[0-9]|2[0-8]";
const LEAP_YEARS: &str = "[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00|0000";

/// A JSON number from an `f64`, written as an integer when it is one.
pub fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
    }
}

fn case_insensitive_pattern(v: &str) -> String {
    v.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            } else if c.is_ascii_alphanumeric() || c == ' ' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

fn outside_enum(values: &[String], case: Case) -> String {
    // The nearest wrong value: a documented one in the wrong case when case
    // matters, else a documented one with a suffix.
    if case == Case::Exact {
        for v in values {
            let lower = v.to_lowercase();
            if lower != *v && !values.contains(&lower) {
                return lower;
            }
        }
    }
    let mut candidate = format!("{}X", values.first().map(String::as_str).unwrap_or(""));
    while one_of(&candidate, values, case) {
        candidate.push('X');
    }
    candidate
}

// ---- the checks, one function per kind; generated code calls these ----

/// `at_least_one_of`: true if any of the listed fields is present.
pub fn at_least_one_of(present: impl IntoIterator<Item = bool>) -> bool {
    present.into_iter().any(|p| p)
}

/// `max_length`: counted in the documented unit.
pub fn max_length(s: &str, max: u64, unit: LengthUnit) -> bool {
    let len = match unit {
        LengthUnit::CodePoints => s.chars().count(),
        LengthUnit::Bytes => s.len(),
        LengthUnit::Utf16Units => s.encode_utf16().count(),
    };
    len as u64 <= max
}

/// `enum`: the value is one of the documented spellings.
pub fn one_of<S: AsRef<str>>(s: &str, values: &[S], case: Case) -> bool {
    values.iter().any(|v| match case {
        Case::Exact => v.as_ref() == s,
        Case::Insensitive => v.as_ref().to_lowercase() == s.to_lowercase(),
    })
}

/// `coded_enum`: the integer is one of the documented codes.
pub fn coded_one_of(code: i64, values: &[CodedValue]) -> bool {
    values.iter().any(|v| v.code == code)
}

/// `coded_enum` over bare codes, for generated code.
pub fn code_in(code: i64, codes: &[i64]) -> bool {
    codes.contains(&code)
}

/// `minimum`: inclusive lower bound.
pub fn minimum(v: f64, min: f64) -> bool {
    v >= min
}

/// `max_items`.
pub fn max_items(len: usize, max: u64) -> bool {
    len as u64 <= max
}

/// `format`.
pub fn matches_format(s: &str, format: Format) -> bool {
    match format {
        Format::UsDate => {
            let b = s.as_bytes();
            b.len() == 10 && b[2] == b'/' && b[5] == b'/' && calendar_date(&s[6..10], &s[0..2], &s[3..5])
        }
        Format::IsoDate => {
            let b = s.as_bytes();
            b.len() == 10 && b[4] == b'-' && b[7] == b'-' && calendar_date(&s[0..4], &s[5..7], &s[8..10])
        }
        Format::Digits { count } => s.len() == count as usize && s.bytes().all(|b| b.is_ascii_digit()),
    }
}

fn calendar_date(year: &str, month: &str, day: &str) -> bool {
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(year) && all_digits(month) && all_digits(day)) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (year.parse::<u32>(), month.parse::<u32>(), day.parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
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
