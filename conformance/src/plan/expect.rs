//! What a step's answer must be: the expectations planning writes and the
//! oracle judges answers by.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a step's answer must be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Expect {
    /// The success envelope with the endpoint's payload; then each assertion
    /// on the returned record.
    Success {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        asserts: Vec<Assert>,
    },
    /// A refusal with one of these catalogue entries; empty: the docs leave
    /// the answer open, any refusal is right.
    Refusal { entries: Vec<String> },
    /// The documented readings disagree (a contested rule): the refusal one
    /// reading gives (one of `entries`; any where empty) and the success
    /// another gives (holding `asserts`) are both right, anything else is
    /// wrong. `first_refuses` is what the schema's first reading says, so a
    /// server taking another reading is noted.
    Readings {
        entries: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        asserts: Vec<Assert>,
        first_refuses: bool,
    },
}

/// A value the record returned by a step must hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assert {
    /// Member path within the record (names matched by the dialect's rule).
    pub path: Vec<String>,
    pub value: Value,
    pub compare: Compare,
    /// The rule or quirk this assertion holds the server to.
    pub because: String,
}

/// How a read-back value is compared with what was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    Exact,
    /// After trimming trailing spaces (documented padding).
    Trimmed,
    /// Padded with trailing spaces, as the docs show.
    Padded,
    /// The member must not be there (a response member a request flag
    /// leaves out). `value` is unused.
    Absent,
    /// Cleared: absent, null or empty text (an update clearing an omitted
    /// member). `value` is unused.
    Empty,
    /// There, with any value (a member the docs' sample answer shows).
    /// `value` is unused.
    Present,
    /// Cleared, or still `value` (the readings of the docs disagree on
    /// whether an update clears an omitted member).
    ClearedOrKept,
    /// The same date and time of day as `value`, read as ISO 8601 date-times
    /// (a fraction of a second and a zone may follow, as the docs' samples
    /// show: `erpspec_rules::read_iso_date_time`).
    DateTime,
}
