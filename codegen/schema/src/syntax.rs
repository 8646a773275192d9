//! The syntax model: what a schema file says, exactly as written, with
//! source positions kept on every value a later error may point at.
//!
//! Deserialised by serde-saphyr with `deny_unknown_fields` everywhere, so an
//! unknown key is an error (never silently ignored); [`crate::load`] turns
//! serde's "expected one of" into a "did you mean" suggestion. Nothing here
//! is resolved or cross-checked: that is [`crate::check`]'s job.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

pub type S<T> = Spanned<T>;

/// A YAML mapping kept in file order; duplicate keys are kept too so the
/// checker can report them with both positions.
#[derive(Debug, Clone)]
pub struct Ordered<T>(pub Vec<(S<String>, T)>);

/// The catalogue entries answering a situation: one id, or a list where the
/// docs give several answers (each is right). Written `S<Answers>`, so a
/// single id has the position of the whole value.
#[derive(Debug)]
pub enum Answers {
    One(String),
    Many(Vec<S<String>>),
}

impl<'de> Deserialize<'de> for Answers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Answers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an error id, or a list of error ids")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answers, E> {
                Ok(Answers::One(v.to_string()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Answers, A::Error> {
                Vec::<S<String>>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Answers::Many)
            }
        }
        d.deserialize_any(V)
    }
}

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<S<String>>()? {
                    out.push((k, map.next_value()?));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

// ---------------------------------------------------------------- api.yaml

#[derive(Debug, Deserialize)]
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
#[derive(Debug, Default, Deserialize)]
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

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
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
    #[serde(default)]
    pub on_rejected: Option<S<Answers>>,
    pub sources: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSyntax {
    pub endpoint: S<String>,
    pub credential_fields: BTreeMap<String, S<String>>,
    pub response_field: S<String>,
    #[serde(default)]
    pub principal: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresentSyntax {
    #[serde(rename = "in")]
    pub location: S<LocationSyntax>,
    pub name: S<String>,
    pub value: S<String>,
    #[serde(default)]
    pub deprecated: bool,
}

#[derive(Debug, Deserialize)]
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotedSyntax {
    pub note: String,
    pub sources: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
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
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum MessageSyntax {
    Exact(String),
    Other(MessageFormSyntax),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageFormSyntax {
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub any: Option<bool>,
}

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContradictionSyntax {
    pub summary: String,
    pub sources: Vec<S<String>>,
}

// ---------------------------------------------------------- endpoint files

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointFile {
    pub endpoint: S<String>,
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub route: Option<String>,
    #[serde(default)]
    pub program: Option<String>,
    #[serde(default = "yes")]
    pub authenticated: bool,
    pub sources: Vec<S<String>>,
    pub operation: OperationSyntax,
    /// Start from another endpoint's request fields (then add, replace, remove).
    #[serde(default)]
    pub extends: Option<S<String>>,
    #[serde(default)]
    pub remove: Vec<S<String>>,
    #[serde(default)]
    pub request: Ordered<FieldSyntax>,
    #[serde(default)]
    pub rules: Vec<ObjectRuleSyntax>,
    pub response: ResponseSyntax,
    #[serde(default)]
    pub errors: Vec<S<String>>,
    #[serde(default)]
    pub on_rule_violation: Option<S<Answers>>,
    #[serde(default)]
    pub quirks: Ordered<QuirkSyntax>,
    #[serde(default)]
    pub examples: Vec<ExampleSyntax>,
    /// The docs' sample answers, each checked against the envelopes.
    #[serde(default)]
    pub response_examples: Vec<ResponseExampleSyntax>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OperationKindSyntax {
    Login,
    Create,
    Update,
    Read,
    Query,
    Delete,
}

/// How a query's criteria are read: `equality` (the default) or `qbe`.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CriteriaSyntax {
    Equality,
    Qbe,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSyntax {
    pub kind: S<OperationKindSyntax>,
    /// `kind: query` only.
    #[serde(default)]
    pub criteria: Option<S<CriteriaSyntax>>,
    #[serde(default)]
    pub resource: Option<S<String>>,
    #[serde(default)]
    pub key: Vec<S<String>>,
    #[serde(default)]
    pub lookup: Ordered<Vec<S<String>>>,
    #[serde(default)]
    pub stores: Ordered<S<String>>,
    #[serde(default)]
    pub record_member: Option<S<String>>,
    #[serde(default)]
    pub on_not_found: Option<S<String>>,
    #[serde(default)]
    pub on_duplicate: Option<S<String>>,
    /// `kind: query` only: the error answering a query that finds nothing.
    #[serde(default)]
    pub on_empty: Option<S<String>>,
    /// `kind: create` only: what the create does with the record's lists
    /// of child records (defaults, the primary one, values taken elsewhere).
    #[serde(default)]
    pub creates: Ordered<CreatesSyntax>,
    /// `kind: update` only: members of the record an update clears when
    /// the request leaves them out.
    #[serde(default)]
    pub clears_omitted: Option<S<RuleSyntax<Vec<S<String>>>>>,
    /// `kind: update` only: list member of the record -> the item members
    /// that find the stored item an update's item edits.
    #[serde(default)]
    pub merge_items: Ordered<Vec<S<String>>>,
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatesSyntax {
    /// The items created when the request gives none.
    #[serde(default)]
    pub when_none: Option<S<Vec<Value>>>,
    #[serde(default)]
    pub primary: Option<PrimarySyntax>,
    /// Values the primary item gets where it has none.
    #[serde(default)]
    pub primary_defaults: BTreeMap<String, Value>,
    /// An item whose value of this member another record already has is left out.
    #[serde(default)]
    pub drop_taken: Option<S<String>>,
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrimarySyntax {
    pub flag: S<String>,
    /// Which item is primary when several are flagged.
    pub several: S<PickSyntax>,
    /// Which item is primary when none is flagged.
    pub none: S<PickSyntax>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PickSyntax {
    First,
    Last,
    None,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BesideSyntax {
    LastModified,
    Count,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TypeSyntax {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

/// One field. Rule keys take either their bare parameter
/// (`max_length: 32765`) or a map with the parameter under `value` and rule
/// attributes (`strength`, `alternatives`, `note`, `message`,
/// `on_violation`, `sources`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSyntax {
    #[serde(rename = "type")]
    pub ty: S<TypeSyntax>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub nullable: bool,
    #[serde(default)]
    pub required: Option<S<RuleSyntax<bool>>>,
    #[serde(default)]
    pub max_length: Option<S<RuleSyntax<u64>>>,
    /// `min_length: 1` is "non-empty".
    #[serde(default)]
    pub min_length: Option<S<RuleSyntax<u64>>>,
    /// The unit `max_length` and `min_length` count in (default: code points).
    #[serde(default)]
    pub length_unit: Option<S<UnitSyntax>>,
    #[serde(rename = "enum", default)]
    pub enumeration: Option<S<RuleSyntax<Vec<S<String>>>>>,
    /// Whether `enum` values match in case (default: exact).
    #[serde(default)]
    pub enum_case: Option<S<CaseSyntax>>,
    /// `[Business=1, Home=2]`, as the vendors write them.
    #[serde(default)]
    pub coded_enum: Option<S<RuleSyntax<Vec<S<String>>>>>,
    #[serde(default)]
    pub minimum: Option<S<RuleSyntax<f64>>>,
    #[serde(default)]
    pub format: Option<S<RuleSyntax<String>>>,
    #[serde(default)]
    pub max_items: Option<S<RuleSyntax<u64>>>,
    /// `const: true`: the one value a boolean may take.
    #[serde(rename = "const", default)]
    pub constant: Option<S<RuleSyntax<bool>>>,
    #[serde(default)]
    pub refers_to: Option<RefSyntax>,
    /// `type: array` only.
    #[serde(default)]
    pub items: Option<Box<S<FieldSyntax>>>,
    /// `type: object` only.
    #[serde(default)]
    pub fields: Option<Ordered<FieldSyntax>>,
    /// `type: object` only.
    #[serde(default)]
    pub rules: Vec<ObjectRuleSyntax>,
    /// Response fields only: the record field this one shows.
    #[serde(default)]
    pub from: Option<S<String>>,
    /// Scalar types another documented reading gives the field.
    #[serde(default)]
    pub other_types: Option<S<OtherTypesSyntax>>,
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

/// `other_types: { types: [integer], note: ..., sources: [...] }`: the
/// pages contradict themselves on a field's type (a request sample's
/// `<int>` where the rest says boolean).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherTypesSyntax {
    pub types: Vec<S<TypeSyntax>>,
    pub note: String,
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

/// A rule's parameter, bare or with attributes.
#[derive(Debug)]
pub enum RuleSyntax<P> {
    Bare(P),
    Full(Box<RuleAttrs<P>>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleAttrs<P> {
    #[serde(rename = "value")]
    pub param: P,
    #[serde(default)]
    pub strength: Option<S<StrengthSyntax>>,
    #[serde(default = "Vec::new")]
    pub alternatives: Vec<S<P>>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub on_violation: Option<S<String>>,
    /// `max_length`, contested: the other reading cuts a longer value to
    /// the limit instead of refusing it.
    #[serde(default)]
    pub truncates: Option<S<bool>>,
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

impl<P> RuleSyntax<P> {
    pub fn param(&self) -> &P {
        match self {
            RuleSyntax::Bare(p) => p,
            RuleSyntax::Full(a) => &a.param,
        }
    }
    pub fn attrs(&self) -> Option<&RuleAttrs<P>> {
        match self {
            RuleSyntax::Bare(_) => None,
            RuleSyntax::Full(a) => Some(a.as_ref()),
        }
    }
}

/// A mapping is the full form; anything else is the bare parameter. Done by
/// hand rather than `#[serde(untagged)]` so that an error inside either form
/// keeps its own message and position.
impl<'de, P: Deserialize<'de>> Deserialize<'de> for RuleSyntax<P> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<P>(PhantomData<P>);
        impl<'de, P: Deserialize<'de>> Visitor<'de> for V<P> {
            type Value = RuleSyntax<P>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the rule's value, or a mapping with `value` and rule attributes")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                P::deserialize(de::value::BoolDeserializer::new(v)).map(RuleSyntax::Bare)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                P::deserialize(de::value::I64Deserializer::new(v)).map(RuleSyntax::Bare)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                P::deserialize(de::value::U64Deserializer::new(v)).map(RuleSyntax::Bare)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                P::deserialize(de::value::F64Deserializer::new(v)).map(RuleSyntax::Bare)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                P::deserialize(de::value::StrDeserializer::new(v)).map(RuleSyntax::Bare)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                P::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(RuleSyntax::Bare)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                RuleAttrs::<P>::deserialize(de::value::MapAccessDeserializer::new(map)).map(|a| RuleSyntax::Full(Box::new(a)))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StrengthSyntax {
    Documented,
    Contested,
    Site,
    Implied,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum UnitSyntax {
    CodePoints,
    Bytes,
    Utf16Units,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CaseSyntax {
    Exact,
    Insensitive,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefSyntax {
    pub resource: S<String>,
    pub field: S<String>,
    #[serde(default)]
    pub on_missing: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectRuleSyntax {
    pub at_least_one_of: S<AtLeastOneOfSyntax>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub on_violation: Option<S<String>>,
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

/// The fields of an `at_least_one_of` rule: `fields: [...]`, or every
/// request field except some (`all_except: [CUSTOMER_ID, AUTH_TOKEN]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtLeastOneOfSyntax {
    #[serde(default)]
    pub fields: Option<Vec<S<String>>>,
    #[serde(default)]
    pub all_except: Option<Vec<S<String>>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PayloadSyntax {
    Record,
    Records,
    EmptyObject,
    Null,
    Wrapped,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSyntax {
    pub payload: S<PayloadSyntax>,
    /// For `payload: wrapped`: the member holding the record.
    #[serde(default)]
    pub member: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// The record echoes every request field (minus credentials).
    #[serde(default)]
    pub echo_request: bool,
    /// Start from another endpoint's response fields.
    #[serde(default)]
    pub extends: Option<S<String>>,
    #[serde(default)]
    pub fields: Ordered<FieldSyntax>,
    /// Members beside a wrapped list (RPM Customers' `Age`).
    #[serde(default)]
    pub beside: Ordered<S<BesideSyntax>>,
    /// member -> the boolean request field that leaves it out when false.
    #[serde(default)]
    pub include_if: Ordered<S<String>>,
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuirkSyntax {
    #[serde(default)]
    pub reads_back_as: Option<ReadsBackSyntax>,
    #[serde(default)]
    pub pads_strings: Option<bool>,
    #[serde(default)]
    pub dates_read_back_as: Option<DatesReadBackSyntax>,
    /// With `pads_strings`: fields the docs show without padding.
    #[serde(default)]
    pub unpadded: Vec<S<String>>,
    pub description: String,
    pub sources: Vec<S<String>>,
}

/// Dates written in any date format read back in `format`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatesReadBackSyntax {
    /// JSON pointers into the record (`/ACCT_DATE`), `*` for any array index.
    pub paths: Vec<S<String>>,
    pub format: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadsBackSyntax {
    pub path: String,
    pub written: Value,
    pub read: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSyntax {
    pub name: String,
    pub request: S<Value>,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub breaks: Vec<S<String>>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseExampleSyntax {
    pub name: String,
    /// `success`, or the id of the catalogue entry the sample shows.
    pub answer: S<String>,
    /// The HTTP status the sample was printed with, where the docs give one.
    #[serde(default)]
    pub status: Option<u16>,
    pub body: S<Value>,
    /// How the sample was completed or cleaned from the docs.
    #[serde(default)]
    pub note: Option<String>,
    /// Why the docs' sample is not what the schemas say the answer is.
    #[serde(default)]
    pub differs: Option<String>,
    pub sources: Vec<S<String>>,
}
