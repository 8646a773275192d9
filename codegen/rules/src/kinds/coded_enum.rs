//! `coded_enum`: one of the documented integer codes (RPM phone `Type`:
//! Business=1, Home=2, Fax=3, Other=6).

use super::{BoundaryCase, case};
use crate::CodedValue;
use crate::Scalar;
use serde_json::{Map, Value};

/// The check the IR validator calls.
pub fn coded_one_of(code: i64, values: &[CodedValue]) -> bool {
    values.iter().any(|v| v.code == code)
}

/// The check over bare codes, for generated code.
pub fn code_in(code: i64, codes: &[i64]) -> bool {
    codes.contains(&code)
}

/// Only an integer can be a code: a number with a fraction (or an integral
/// number written as one, `1.0`) is left to the type check.
pub fn holds(values: &[CodedValue], value: &Scalar<'_>) -> bool {
    match value {
        Scalar::Int(code) => coded_one_of(*code, values),
        _ => true,
    }
}

pub fn describe(values: &[CodedValue]) -> String {
    let list: Vec<String> = values.iter().map(|v| format!("{}={}", v.name, v.code)).collect();
    format!("must be one of the codes: {}", list.join(", "))
}

pub fn json_schema(values: &[CodedValue]) -> Map<String, Value> {
    let mut k = Map::new();
    k.insert("enum".into(), Value::Array(values.iter().map(|v| v.code.into()).collect()));
    k
}

/// Each documented code, the smallest code outside (0, or the first gap),
/// and the first undocumented code between the smallest and the largest
/// documented (RPM's phone types skip 4 and 5: a range check is not a
/// list check).
/// A value the rule holds for: the `nth` documented code, taken in turn.
pub fn example(values: &[CodedValue], nth: usize) -> Option<Value> {
    (!values.is_empty()).then(|| Value::from(values[nth % values.len()].code))
}

pub fn cases(values: &[CodedValue]) -> Vec<BoundaryCase> {
    let mut out: Vec<BoundaryCase> = values
        .iter()
        .map(|v| case(&format!("code.{}", v.code), v.code.into(), true))
        .collect();
    let documented = |c: i64| values.iter().any(|v| v.code == c);
    let mut outside = 0;
    while documented(outside) {
        outside += 1;
    }
    out.push(case("outside", outside.into(), false));
    let (lo, hi) = (values.iter().map(|v| v.code).min(), values.iter().map(|v| v.code).max());
    if let (Some(lo), Some(hi)) = (lo, hi)
        && let Some(gap) = (lo..hi).find(|c| !documented(*c) && *c != outside)
    {
        out.push(case("gap", gap.into(), false));
    }
    out
}

#[cfg(feature = "strategies")]
pub mod strategies {
    use super::*;
    use proptest::prelude::*;

    pub fn valid(values: &[CodedValue]) -> BoxedStrategy<Value> {
        proptest::sample::select(values.iter().map(|v| v.code).collect::<Vec<_>>())
            .prop_map(Value::from)
            .boxed()
    }

    /// Codes in -10..100 that are not documented.
    pub fn breaking(values: &[CodedValue]) -> BoxedStrategy<Value> {
        let codes: Vec<i64> = values.iter().map(|v| v.code).collect();
        (-10i64..100)
            .prop_filter("an undocumented code", move |c| !codes.contains(c))
            .prop_map(Value::from)
            .boxed()
    }
}
