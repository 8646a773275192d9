//! `minimum`: an inclusive lower bound (ManEx `Credlimit` "Must be Greater
//! than or equal to 0").

use super::{BoundaryCase, case};
use crate::Scalar;
use crate::number;
use serde_json::{Map, Value};

/// The check the generated validators call.
pub fn minimum(v: f64, min: f64) -> bool {
    v >= min
}

pub fn holds(min: f64, value: &Scalar<'_>) -> bool {
    match value {
        Scalar::Int(v) => minimum(*v as f64, min),
        Scalar::Num(v) => minimum(*v, min),
        _ => true,
    }
}

pub fn describe(min: f64) -> String {
    format!("must be greater than or equal to {min}")
}

pub fn json_schema(min: f64) -> Map<String, Value> {
    let mut k = Map::new();
    k.insert("minimum".into(), number(min));
    k
}

/// The limit, and the nearest value below it that is still a different
/// `f64` (`1e300 - 1` is `1e300` again).
/// A value the rule holds for: the minimum, or 1 where the minimum is
/// lower (a count or an amount a server takes as given).
pub fn example(min: f64) -> Option<Value> {
    Some(crate::number(min.max(1.0)))
}

pub fn cases(min: f64) -> Vec<BoundaryCase> {
    vec![case("at_limit", number(min), true), case("below", number(below(min)), false)]
}

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

#[cfg(feature = "strategies")]
pub mod strategies {
    use super::*;
    use proptest::prelude::*;

    /// The limit plus 0 to 1000 in hundredths.
    pub fn valid(min: f64) -> BoxedStrategy<Value> {
        (0u32..100_000).prop_map(move |n| number(min + f64::from(n) / 100.0)).boxed()
    }

    /// 1 to 1000 below the limit.
    pub fn breaking(min: f64) -> BoxedStrategy<Value> {
        (1u32..=1000).prop_map(move |n| number(below(min) - f64::from(n - 1))).boxed()
    }
}
