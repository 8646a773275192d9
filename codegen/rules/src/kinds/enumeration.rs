//! `enum`: one of the documented spellings, in the documented case (ManEx
//! Add's camel-cased `Status`) or any case.

use super::{BoundaryCase, case};
use crate::Case;
use crate::Scalar;
use serde_json::{Map, Value};

/// The check the generated validators call.
pub fn one_of<S: AsRef<str>>(s: &str, values: &[S], case: Case) -> bool {
    values.iter().any(|v| match case {
        Case::Exact | Case::Unstated => v.as_ref() == s,
        Case::Insensitive => v.as_ref().to_lowercase() == s.to_lowercase(),
    })
}

pub fn holds(values: &[String], c: Case, value: &Scalar<'_>) -> bool {
    match value {
        Scalar::Str(s) => one_of(s, values, c),
        _ => true,
    }
}

pub fn describe(values: &[String], c: Case) -> String {
    let c = match c {
        Case::Exact | Case::Unstated => "",
        Case::Insensitive => " (any case)",
    };
    format!("must be one of: {}{c}", values.join(", "))
}

/// `enum` where case matters; a case-insensitive pattern where it does not.
pub fn json_schema(values: &[String], c: Case) -> Map<String, Value> {
    let mut k = Map::new();
    if c != Case::Insensitive {
        k.insert("enum".into(), values.to_vec().into());
    } else {
        let alternatives: Vec<String> = values.iter().map(|v| case_insensitive_pattern(v)).collect();
        k.insert("pattern".into(), format!("^(?:{})$", alternatives.join("|")).into());
    }
    k
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

/// Each documented value; a documented one in another case where case is
/// not said to be free (every letter's case swapped: "aCTIVE" is no
/// spelling any page gives, where "active" may be one); the nearest value
/// outside.
/// A value the rule holds for: the `nth` documented value, taken in turn.
pub fn example(values: &[String], nth: usize) -> Option<Value> {
    (!values.is_empty()).then(|| Value::String(values[nth % values.len()].clone()))
}

pub fn cases(values: &[String], c: Case) -> Vec<BoundaryCase> {
    let mut out: Vec<BoundaryCase> = values
        .iter()
        .enumerate()
        .map(|(i, v)| case(&format!("value.{}", i + 1), Value::String(v.clone()), true))
        .collect();
    if c != Case::Insensitive
        && let Some(wrong) = values.iter().map(|v| swap_case(v)).find(|l| !one_of(l, values, c))
    {
        out.push(case("wrong_case", Value::String(wrong), false));
    }
    out.push(case("outside", Value::String(outside(values, c)), false));
    out
}

/// The text with every letter's case swapped.
pub(crate) fn swap_case(v: &str) -> String {
    v.chars()
        .flat_map(|c| {
            let up: Vec<char> = c.to_uppercase().collect();
            if up.len() == 1 && up[0] != c {
                up
            } else {
                c.to_lowercase().collect()
            }
        })
        .collect()
}

/// The nearest wrong value: a documented one with a suffix.
pub(crate) fn outside(values: &[String], c: Case) -> String {
    let mut candidate = format!("{}X", values.first().map(String::as_str).unwrap_or(""));
    while one_of(&candidate, values, c) {
        candidate.push('X');
    }
    candidate
}

#[cfg(feature = "strategies")]
pub mod strategies {
    use super::*;
    use proptest::prelude::*;

    pub fn valid(values: &[String]) -> BoxedStrategy<Value> {
        proptest::sample::select(values.to_vec()).prop_map(Value::String).boxed()
    }

    /// A documented value with a suffix, or in another case where case matters.
    pub fn breaking(values: &[String], c: Case) -> BoxedStrategy<Value> {
        let vals = values.to_vec();
        (proptest::sample::select(values.to_vec()), "[A-Z]{1,3}", any::<bool>())
            .prop_map(move |(v, suffix, lower)| {
                let lowered = swap_case(&v);
                if lower && c != Case::Insensitive && !one_of(&lowered, &vals, c) {
                    Value::String(lowered)
                } else {
                    let mut s = format!("{v}{suffix}");
                    while one_of(&s, &vals, c) {
                        s.push('X');
                    }
                    Value::String(s)
                }
            })
            .boxed()
    }
}
