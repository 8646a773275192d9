//! `api.yaml`: a vendor's dialect, resources and error catalogue, as written.

use super::*;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFile {
    pub vendor: S<String>,
    pub title: String,
    pub sources: Ordered<SourceSyntax>,
    pub transport: TransportSyntax,
    pub auth: AuthSyntax,
    pub envelopes: EnvelopesSyntax,
    pub errors: Ordered<ErrorSyntax>,
    #[serde(default)]
    pub resources: Ordered<ResourceSyntax>,
    #[serde(default)]
    pub contradictions: Vec<ContradictionSyntax>,
    /// Why each inference the checks make where the pages are silent is
    /// only implied, in this vendor's own terms.
    #[serde(default)]
    pub implied: ImpliedSyntax,
    /// Quirks of the whole dialect, holding on every answer that returns a
    /// record (`pads_strings` only).
    #[serde(default)]
    pub quirks: Ordered<QuirkSyntax>,
}

/// The inferences a conformance check makes where the pages are silent,
/// each with the schema author's note on what the pages do say.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpliedSyntax {
    #[serde(default)]
    pub wrong_type: Option<String>,
    #[serde(default)]
    pub enum_case: Option<String>,
    #[serde(default)]
    pub client_key: Option<String>,
    #[serde(default)]
    pub missing_reference: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSyntax {
    pub title: String,
    #[serde(default)]
    pub seed: Option<S<String>>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LocationSyntax {
    Body,
    Query,
    Path,
    Header,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NamesSyntax {
    Exact,
    CaseInsensitive,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportSyntax {
    pub path: S<String>,
    #[serde(default)]
    pub path_case_insensitive: bool,
    pub methods: Vec<S<String>>,
    #[serde(default = "yes")]
    pub methods_documented: bool,
    pub parameters: Vec<S<LocationSyntax>>,
    pub names: NamesSyntax,
    #[serde(default)]
    pub strings_carry_scalars: bool,
    #[serde(default)]
    pub on_wrong_method: Option<S<Answers>>,
    #[serde(default)]
    pub on_invalid_json: Option<S<Answers>>,
    #[serde(default)]
    pub on_unknown_route: Option<S<Answers>>,
    #[serde(default)]
    pub on_rule_violation: Option<S<Answers>>,
    pub sources: Vec<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSyntax {
    pub credentials: Vec<S<String>>,
    /// credential -> the value the docs' examples use.
    #[serde(default)]
    pub example_values: Ordered<S<String>>,
    /// credential -> its documented length in characters.
    #[serde(default)]
    pub lengths: Ordered<S<u32>>,
    #[serde(default)]
    pub token: Option<TokenSyntax>,
    pub present: Vec<PresentSyntax>,
    #[serde(default)]
    pub on_missing: Option<S<Answers>>,
    #[serde(default)]
    pub on_malformed: Option<S<Answers>>,
    /// A token that was issued but has expired.
    #[serde(default)]
    pub on_expired: Option<S<Answers>>,
    #[serde(default)]
    pub on_rejected: Option<S<Answers>>,
    pub sources: Vec<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSyntax {
    pub endpoint: S<String>,
    pub credential_fields: BTreeMap<String, S<String>>,
    /// Exactly one of `response_field` (a member of the login answer's
    /// payload) and `response_header` (a header of the login answer).
    #[serde(default)]
    pub response_field: Option<S<String>>,
    #[serde(default)]
    pub response_header: Option<S<String>>,
    #[serde(default)]
    pub principal: Option<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresentSyntax {
    #[serde(rename = "in")]
    pub location: S<LocationSyntax>,
    pub name: S<String>,
    pub value: S<String>,
    #[serde(default)]
    pub deprecated: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopesSyntax {
    pub success: EnvelopeSyntax,
    pub error: EnvelopeSyntax,
    /// Another documented reading writes the envelopes' scalars as text.
    #[serde(default)]
    pub scalars_as_text: Option<S<NotedSyntax>>,
    pub sources: Vec<S<String>>,
}

/// A documented alternative: why, and where the pages say so.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotedSyntax {
    pub note: String,
    pub sources: Vec<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSyntax {
    #[serde(default)]
    pub status: Option<u16>,
    pub body: Value,
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
    /// `success` only: members a record payload carries before its own, as
    /// the docs' samples show them (Json.NET's `"$id": "2"`).
    #[serde(default)]
    pub payload_members: Option<S<serde_json::Map<String, Value>>>,
}

/// `message: "exact"`, `message: { prefix: "..." }` or `message: { any: true }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum MessageSyntax {
    Exact(String),
    Other(MessageFormSyntax),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageFormSyntax {
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub any: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSyntax {
    #[serde(default)]
    pub status: Option<u16>,
    pub message: S<MessageSyntax>,
    #[serde(default)]
    pub code: Option<Value>,
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
    #[serde(default)]
    pub body: Option<Value>,
    pub sources: Vec<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSyntax {
    pub key: Vec<S<String>>,
    #[serde(default)]
    pub assigned: Ordered<AssignedSyntax>,
    #[serde(default)]
    pub unique: Vec<S<String>>,
    #[serde(default)]
    pub includes: Ordered<IncludeSyntax>,
    /// field -> the field within whose equal values it is unique
    /// (`Location.Name: CustomerID`: one name per customer).
    #[serde(default)]
    pub unique_within: Ordered<S<String>>,
    /// Exactly one record, from `demo`; a read needs no key (RPM `Info`).
    #[serde(default)]
    pub singleton: bool,
    #[serde(default)]
    pub demo: Vec<Value>,
    pub sources: Vec<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncludeSyntax {
    pub resource: S<String>,
    pub on: S<String>,
    /// The child's flag marking the parent's one primary child.
    #[serde(default)]
    pub primary: Option<S<String>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AssignedKindSyntax {
    PaddedSequence,
    IntegerSequence,
    Timestamp,
    User,
}

/// When an assigned value is set: `create` (the default) and/or `update`.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AssignedOnSyntax {
    Create,
    Update,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignedSyntax {
    pub how: S<AssignedKindSyntax>,
    #[serde(default)]
    pub width: Option<S<u32>>,
    /// Operations that set the value; default `[create]`.
    #[serde(default)]
    pub on: Option<S<Vec<S<AssignedOnSyntax>>>>,
    /// `timestamp` and `user` only: a value the request gives is kept; the
    /// server assigns one only when none is given.
    #[serde(default)]
    pub unless_given: Option<S<bool>>,
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContradictionSyntax {
    pub summary: String,
    pub sources: Vec<S<String>>,
}
