//! `max_length`: a string of at most `max` units, counted in the documented
//! unit (code points unless the vendor says otherwise: NOTES 32,765).

use super::{BoundaryCase, case};
use crate::LengthUnit;
use crate::Scalar;
use serde_json::{Map, Value};

/// The check the generated validators call.
pub fn max_length(s: &str, max: u64, unit: LengthUnit) -> bool {
    // Every unit takes at least one byte: a string no longer than `max`
    // bytes holds without counting (a 32 KB note is not walked twice).
    if s.len() as u64 <= max {
        return true;
    }
    let len = match unit {
        LengthUnit::CodePoints => s.chars().count(),
        LengthUnit::Bytes => s.len(),
        LengthUnit::Utf16Units => s.encode_utf16().count(),
    };
    len as u64 <= max
}

/// The longest start of `s` within the limit: what a server that cuts a
/// longer value to the limit stores.
pub fn truncate(s: &str, max: u64, unit: LengthUnit) -> String {
    let mut used = 0u64;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let width = match unit {
            LengthUnit::CodePoints => 1,
            LengthUnit::Bytes => c.len_utf8() as u64,
            LengthUnit::Utf16Units => c.len_utf16() as u64,
        };
        if used + width > max {
            break;
        }
        used += width;
        end = i + c.len_utf8();
    }
    s[..end].to_string()
}

pub fn holds(max: u64, unit: LengthUnit, value: &Scalar<'_>) -> bool {
    match value {
        Scalar::Str(s) => max_length(s, max, unit),
        _ => true,
    }
}

pub fn describe(max: u64, unit: LengthUnit) -> String {
    let unit = match unit {
        LengthUnit::CodePoints => "characters",
        LengthUnit::Bytes => "bytes (UTF-8)",
        LengthUnit::Utf16Units => "UTF-16 code units",
    };
    format!("must be at most {max} {unit} long")
}

/// JSON Schema counts code points; other units are only described.
pub fn json_schema(max: u64, unit: LengthUnit) -> Map<String, Value> {
    let mut k = Map::new();
    if unit == LengthUnit::CodePoints {
        k.insert("maxLength".into(), max.into());
    }
    k
}

/// At the limit and one past it. A multi-byte character sits at the
/// boundary, so a server counting bytes instead of code points is caught.
pub fn cases(max: u64, unit: LengthUnit) -> Vec<BoundaryCase> {
    // Values too long to send are not planned.
    let Ok(max) = usize::try_from(max)
        .map_err(|_| ())
        .and_then(|m| if m > 1 << 24 { Err(()) } else { Ok(m) })
    else {
        return Vec::new();
    };
    let (at, past) = match unit {
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

#[cfg(feature = "strategies")]
pub mod strategies {
    use super::*;
    use proptest::prelude::*;

    /// Strings within the limit (at most 40 units long, to keep requests small),
    /// with multi-byte characters.
    pub fn valid(max: u64, unit: LengthUnit) -> BoxedStrategy<Value> {
        let cap = max.min(40) as usize;
        let chars: Vec<char> = if unit == LengthUnit::CodePoints {
            vec!['a', 'Z', '7', ' ', 'é', '€']
        } else {
            vec!['a', 'Z', '7', ' ']
        };
        proptest::collection::vec(proptest::sample::select(chars), 0..=cap)
            .prop_map(|c| Value::String(c.into_iter().collect()))
            .boxed()
    }

    /// Strings 1 to 8 units past the limit.
    pub fn breaking(max: u64, unit: LengthUnit) -> BoxedStrategy<Value> {
        let max = max as usize;
        (1usize..=8)
            .prop_map(move |extra| {
                let c = if unit == LengthUnit::CodePoints { "é" } else { "x" };
                Value::String("x".repeat(max) + &c.repeat(extra))
            })
            .boxed()
    }
}

#[cfg(test)]
mod shortcut_tests {
    use super::max_length;
    use crate::LengthUnit;
    use crate::kinds::min_length::min_length;
    use proptest::prelude::*;

    proptest! {
        /// Deciding by byte length first changes no verdict.
        #[test]
        fn length_shortcuts_agree_with_counting(s in "\\PC{0,12}", bound in 0u64..40) {
            for unit in [LengthUnit::CodePoints, LengthUnit::Bytes, LengthUnit::Utf16Units] {
                let len = match unit {
                    LengthUnit::CodePoints => s.chars().count(),
                    LengthUnit::Bytes => s.len(),
                    LengthUnit::Utf16Units => s.encode_utf16().count(),
                } as u64;
                prop_assert_eq!(max_length(&s, bound, unit), len <= bound);
                prop_assert_eq!(min_length(&s, bound, unit), len >= bound);
            }
        }
    }
}
