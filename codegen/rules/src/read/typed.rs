//! Checks on typed values (the generated newtypes and structs): the same
//! rules of the same [`Field`], split by strength. A constrained type holds
//! only values its documented rules admit; `validate()` reports the rest.

use super::{Field, WireRule};
use crate::{Scalar, Strength, Violation};
use std::fmt;

/// A value that breaks a documented rule, so a constrained type cannot hold
/// it. Paths are relative to the value (`""`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub violations: Vec<Violation>,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{} [{}]", v.message, v.rule)?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

/// `path` + `/` + an already escaped member name: where a typed value's
/// member sits, for its `validate()`.
pub fn child(path: &str, escaped: &str) -> String {
    format!("{path}/{escaped}")
}

/// `path` + `/` + an item's index.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}/{i}")
}

/// A typed value the rules can look at: a scalar, or a list (by its length).
pub trait Typed {
    /// Does `check` hold for this value?
    fn holds(&self, check: &WireRule) -> bool;
}

impl Typed for str {
    fn holds(&self, check: &WireRule) -> bool {
        check.holds_scalar(&Scalar::Str(self))
    }
}

impl Typed for String {
    fn holds(&self, check: &WireRule) -> bool {
        self.as_str().holds(check)
    }
}

impl Typed for i64 {
    fn holds(&self, check: &WireRule) -> bool {
        check.holds_scalar(&Scalar::Int(*self))
    }
}

impl Typed for f64 {
    fn holds(&self, check: &WireRule) -> bool {
        check.holds_scalar(&Scalar::Num(*self))
    }
}

impl Typed for bool {
    fn holds(&self, check: &WireRule) -> bool {
        check.holds_scalar(&Scalar::Bool(*self))
    }
}

impl<T> Typed for Vec<T> {
    fn holds(&self, check: &WireRule) -> bool {
        check.holds_items(self.len())
    }
}

impl Field {
    /// The documented rules on a typed value (a newtype's `TryFrom`).
    pub fn admit<T: Typed + ?Sized>(&self, value: &T) -> Result<(), Invalid> {
        let violations: Vec<Violation> = self
            .rules
            .iter()
            .filter(|c| c.strength == Strength::Documented && !value.holds(c))
            .map(|c| c.violation(String::new(), &self.name))
            .collect();
        if violations.is_empty() {
            Ok(())
        } else {
            Err(Invalid { violations })
        }
    }

    /// An enum's `TryFrom`: the variant `found` for `value`, if the
    /// documented rules admit the value.
    pub fn admit_variant<T: Typed + ?Sized, V>(&self, value: &T, found: Option<V>) -> Result<V, Invalid> {
        self.admit(value)?;
        found.ok_or_else(|| Invalid {
            violations: self
                .rules
                .iter()
                .filter(|c| c.strength == Strength::Documented)
                .map(|c| c.violation(String::new(), &self.name))
                .collect(),
        })
    }

    /// The contested and site rules on a typed value at `path`.
    pub fn report_loose<T: Typed + ?Sized>(&self, value: &T, path: &str, out: &mut Vec<Violation>) {
        for c in self.rules.iter().filter(|c| c.strength != Strength::Documented) {
            if !value.holds(c) {
                out.push(c.violation(path.to_string(), &self.name));
            }
        }
    }
}
