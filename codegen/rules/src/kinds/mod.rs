//! One module per rule kind, each with everything that must agree about it
//! side by side: the check (called by the generated validators and the IR
//! validator), its JSON Schema keywords, its description, a value it holds
//! for (`example`, what the harness sends), its deterministic cases (at the
//! limit, one step past, each with an id) and, with the
//! `strategies` feature, its proptest strategies (valid values; values
//! breaking exactly this rule). [`crate::RuleKind`] dispatches to them.
//!
//! Adding a kind: a module here, a variant and one arm per dispatch in
//! `RuleKind`, the emitter's call in `codegen/src/emit/rust/kinds.rs`, and
//! the schema language (`codegen/schema/src/syntax/endpoint.rs`,
//! `codegen/schema/src/check/rules.rs`, `schemas/schema-language.json`).

pub mod at_least_one_of;
pub mod coded_enum;
pub mod constant;
pub mod enumeration;
pub mod format;
pub mod max_items;
pub mod max_length;
pub mod min_length;
pub mod minimum;
pub mod required;

use serde_json::Value;

/// One deterministic case of a rule: a value and whether the rule holds for it.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryCase {
    /// Stable within the rule (`at_limit`, `past_limit`, `below`, `outside`).
    pub id: String,
    pub value: Value,
    pub holds: bool,
}

pub(crate) fn case(id: &str, value: Value, holds: bool) -> BoundaryCase {
    BoundaryCase {
        id: id.to_string(),
        value,
        holds,
    }
}

#[cfg(feature = "strategies")]
pub use proptest::strategy::BoxedStrategy;

#[cfg(all(test, feature = "strategies"))]
mod tests {
    use crate::{Case, CodedValue, Format, LengthUnit, RuleKind};
    use proptest::prelude::*;
    use proptest::test_runner::TestRunner;

    fn kinds() -> Vec<RuleKind> {
        vec![
            RuleKind::MaxLength {
                max: 5,
                unit: LengthUnit::CodePoints,
            },
            RuleKind::MaxLength {
                max: 0,
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
                values: vec![CodedValue { code: 1, name: "B".into() }, CodedValue { code: 6, name: "O".into() }],
            },
            RuleKind::Minimum { value: 0.0 },
            RuleKind::Minimum { value: 1e300 },
            RuleKind::Format { format: Format::UsDate },
            RuleKind::Format { format: Format::IsoDate },
            RuleKind::Format {
                format: Format::IsoDateTime,
            },
            RuleKind::Format {
                format: Format::IsoDateTimeUnseparated,
            },
            RuleKind::Format {
                format: Format::Digits { count: 1 },
            },
            RuleKind::MaxItems { max: 4 },
            RuleKind::MinLength {
                min: 1,
                unit: LengthUnit::CodePoints,
            },
            RuleKind::MinLength {
                min: 3,
                unit: LengthUnit::Bytes,
            },
            RuleKind::Const { value: true },
            RuleKind::Const { value: false },
        ]
    }

    #[test]
    fn every_example_a_kind_names_holds_for_its_rule() {
        let mut named = 0;
        for k in kinds() {
            for nth in 0..3 {
                if let Some(x) = k.example(nth) {
                    assert!(k.holds(&x), "{k:?}: example {nth} {x} does not hold");
                    named += 1;
                }
            }
        }
        assert!(named >= 30, "{named}");
    }

    #[test]
    fn valid_values_hold_and_breaking_values_break_exactly_their_rule() {
        for kind in kinds() {
            let mut runner = TestRunner::deterministic();
            let valid = kind.valid_values().expect("value-level");
            runner
                .run(&valid, |v| {
                    prop_assert!(kind.holds(&v), "{kind:?} valid value {v}");
                    Ok(())
                })
                .unwrap();
            let breaking = kind.breaking_values().expect("value-level");
            runner
                .run(&breaking, |v| {
                    prop_assert!(!kind.holds(&v), "{kind:?} breaking value {v}");
                    Ok(())
                })
                .unwrap();
        }
        assert!(RuleKind::Required.valid_values().is_none());
    }
}
