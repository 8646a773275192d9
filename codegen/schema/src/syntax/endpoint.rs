//! An endpoint file: fields, rules, operation, response, quirks and the
//! docs' examples, as written.

use super::*;

#[derive(Clone, Debug, Deserialize)]
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

#[derive(Clone, Debug, Deserialize)]
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

#[derive(Clone, Debug, Deserialize)]
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

#[derive(Clone, Debug, Deserialize)]
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
#[derive(Clone, Debug, Deserialize)]
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
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherTypesSyntax {
    pub types: Vec<S<TypeSyntax>>,
    pub note: String,
    #[serde(default)]
    pub sources: Vec<S<String>>,
}

/// A rule's parameter, bare or with attributes.
#[derive(Clone, Debug)]
pub enum RuleSyntax<P> {
    Bare(P),
    Full(Box<RuleAttrs<P>>),
}

#[derive(Clone, Debug, Deserialize)]
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

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefSyntax {
    pub resource: S<String>,
    pub field: S<String>,
    #[serde(default)]
    pub on_missing: Option<S<String>>,
}

#[derive(Clone, Debug, Deserialize)]
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
#[derive(Clone, Debug, Deserialize)]
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
    Unspecified,
}

#[derive(Clone, Debug, Deserialize)]
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

#[derive(Clone, Debug, Deserialize)]
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
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatesReadBackSyntax {
    /// JSON pointers into the record (`/ACCT_DATE`), `*` for any array index.
    pub paths: Vec<S<String>>,
    pub format: S<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadsBackSyntax {
    pub path: String,
    pub written: Value,
    pub read: Value,
}

#[derive(Clone, Debug, Deserialize)]
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

#[derive(Clone, Debug, Deserialize)]
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
