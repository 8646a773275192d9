//! `min_length`: a string of at least `min` units (RPM CustomerLocationEdit's
//! `Name`, "required, non-empty": `min_length: 1`), counted like `max_length`.

use super::{BoundaryCase, case};
use crate::LengthUnit;
use crate::Scalar;
use serde_json::{Map, Value};

/// The check the generated validators call.
pub fn min_length(s: &str, min: u64, unit: LengthUnit) -> bool {
    // Every unit takes at least one byte: fewer bytes than `min` is short
    // without counting.
    if (s.len() as u64) < min {
        return false;
    }
    let len = match unit {
        LengthUnit::CodePoints => s.chars().count(),
        LengthUnit::Bytes => s.len(),
        LengthUnit::Utf16Units => s.encode_utf16().count(),
    };
    len as u64 >= min
}

pub fn holds(min: u64, unit: LengthUnit, value: &Scalar<'_>) -> bool {
    match value {
        Scalar::Str(s) => min_length(s, min, unit),
        _ => true,
    }
}

pub fn describe(min: u64, unit: LengthUnit) -> String {
    if min == 1 {
        return "must not be empty".to_string();
    }
    let unit = match unit {
        LengthUnit::CodePoints => "characters",
        LengthUnit::Bytes => "bytes (UTF-8)",
        LengthUnit::Utf16Units => "UTF-16 code units",
    };
    format!("must be at least {min} {unit} long")
}

/// JSON Schema counts code points; other units are only described.
pub fn json_schema(min: u64, unit: LengthUnit) -> Map<String, Value> {
    let mut k = Map::new();
    if unit == LengthUnit::CodePoints {
        k.insert("minLength".into(), min.into());
    }
    k
}

/// At the limit and one below it. With code points, a multi-byte character
/// makes the value at the limit long enough in bytes too, so a server
/// counting bytes instead of code points is caught below it.
pub fn cases(min: u64, unit: LengthUnit) -> Vec<BoundaryCase> {
    let Ok(min) = usize::try_from(min) else { return Vec::new() };
    if min == 0 {
        return Vec::new();
    }
    let (at, below) = match unit {
        LengthUnit::CodePoints => ("x".repeat(min), "é".repeat(min - 1)),
        LengthUnit::Bytes | LengthUnit::Utf16Units => ("x".repeat(min), "x".repeat(min - 1)),
    };
    vec![
        case("at_limit", Value::String(at), true),
        case("below_limit", Value::String(below), false),
    ]
}

#[cfg(feature = "strategies")]
pub mod strategies {
    use super::*;
    use proptest::prelude::*;

    /// Strings from the limit to 40 units past it, with multi-byte characters.
    pub fn valid(min: u64, unit: LengthUnit) -> BoxedStrategy<Value> {
        let min = min.min(1000) as usize;
        let chars: Vec<char> = if unit == LengthUnit::CodePoints {
            vec!['a', 'Z', '7', ' ', 'é', '€']
        } else {
            vec!['a', 'Z', '7', ' ']
        };
        proptest::collection::vec(proptest::sample::select(chars), min..=min + 40)
            .prop_map(|c| Value::String(c.into_iter().collect()))
            .boxed()
    }

    /// Strings shorter than the limit (the empty string among them).
    pub fn breaking(min: u64, _unit: LengthUnit) -> BoxedStrategy<Value> {
        let below = min.clamp(1, 1000) as usize - 1;
        (0usize..=below).prop_map(|n| Value::String("x".repeat(n))).boxed()
    }
}
