//! `max_items`: an array of at most `max` items (RPM "up to 4 phone numbers").

use super::{BoundaryCase, case};
use serde_json::{Map, Value};

/// The check the generated validators call.
pub fn max_items(len: usize, max: u64) -> bool {
    len as u64 <= max
}

pub fn describe(max: u64) -> String {
    format!("must have at most {max} items")
}

pub fn json_schema(max: u64) -> Map<String, Value> {
    let mut k = Map::new();
    k.insert("maxItems".into(), max.into());
    k
}

/// `max` items and `max + 1` (empty objects: the harness fills real items).
pub fn cases(max: u64) -> Vec<BoundaryCase> {
    let Ok(max) = usize::try_from(max) else { return Vec::new() };
    let items = |n| Value::Array(vec![Value::Object(Map::new()); n]);
    vec![case("at_limit", items(max), true), case("past_limit", items(max + 1), false)]
}

#[cfg(feature = "strategies")]
pub mod strategies {
    use super::*;
    use proptest::prelude::*;

    pub fn valid(max: u64) -> BoxedStrategy<Value> {
        (0..=max as usize)
            .prop_map(|n| Value::Array(vec![Value::Object(Map::new()); n]))
            .boxed()
    }

    pub fn breaking(max: u64) -> BoxedStrategy<Value> {
        let max = max as usize;
        (1usize..=4)
            .prop_map(move |extra| Value::Array(vec![Value::Object(Map::new()); max + extra]))
            .boxed()
    }
}
