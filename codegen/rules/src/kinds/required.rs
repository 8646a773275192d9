//! `required`: the field must be present. Object-level: the parent checks
//! it (a missing member has no value to look at), so it has no keywords of
//! its own (the parent's `required` list), no value cases (a case removes
//! the member) and no value strategies.

/// Present means present and not JSON `null` (no vendor documents a
/// difference between a null and a missing parameter).
pub fn holds(value: &serde_json::Value) -> bool {
    !value.is_null()
}

pub fn describe() -> String {
    "is required".to_string()
}
