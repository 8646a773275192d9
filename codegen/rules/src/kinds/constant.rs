//! `const`: the one value a boolean may take (RPM CustomerContactEdit's
//! `IsPrimary`: "true makes it primary; setting false is not allowed").

use super::{BoundaryCase, case};
use crate::Scalar;
use serde_json::{Map, Value};

/// The check the generated validators call.
pub fn constant_bool(v: bool, want: bool) -> bool {
    v == want
}

pub fn holds(want: bool, value: &Scalar<'_>) -> bool {
    match value {
        Scalar::Bool(b) => constant_bool(*b, want),
        _ => true,
    }
}

pub fn describe(want: bool) -> String {
    format!("must be {want}")
}

pub fn json_schema(want: bool) -> Map<String, Value> {
    let mut k = Map::new();
    k.insert("const".into(), Value::Bool(want));
    k
}

/// The value, and the other boolean.
/// A value the rule holds for: the constant itself.
pub fn example(want: bool) -> Option<Value> {
    Some(Value::Bool(want))
}

pub fn cases(want: bool) -> Vec<BoundaryCase> {
    vec![case("equal", Value::Bool(want), true), case("other", Value::Bool(!want), false)]
}

#[cfg(feature = "strategies")]
pub mod strategies {
    use super::*;
    use proptest::prelude::*;

    pub fn valid(want: bool) -> BoxedStrategy<Value> {
        Just(Value::Bool(want)).boxed()
    }

    pub fn breaking(want: bool) -> BoxedStrategy<Value> {
        Just(Value::Bool(!want)).boxed()
    }
}
