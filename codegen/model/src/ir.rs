//! The IR: the one in-memory model of every vendor, endpoint, field and rule.
//!
//! Built only by `erpspec_schema::check` from the syntax model, so everything here
//! is already resolved and known to be right: names are unique, references
//! point at something, numbered runs are expanded, every rule has an id, a
//! strength and at least one source. Every later stage (Rust, OpenAPI and
//! docs emitters, the reference server, the conformance harness) reads this
//! and nothing else. It serialises to JSON for snapshots and for tools
//! outside Rust.

pub use crate::template::Template;
use erpspec_rules::{NameMatching, RuleKind, ScalarType, Strength};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Every vendor, sorted by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Api {
    pub vendors: Vec<Vendor>,
}

impl Api {
    pub fn vendor(&self, name: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.name == name)
    }
}

/// One vendor: its dialect (from `api.yaml`) and its endpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vendor {
    /// Directory name under `schemas/`, e.g. `manex`.
    pub name: String,
    pub title: String,
    /// Every document rules may cite, by id.
    pub sources: BTreeMap<String, Source>,
    pub transport: Transport,
    pub auth: Auth,
    pub envelopes: Envelopes,
    /// The error catalogue, by id, in file order.
    pub errors: Vec<ErrorEntry>,
    /// Resources the endpoints operate on (`customer`, `customer_contact`).
    pub resources: Vec<Resource>,
    /// Endpoints sorted by id.
    pub endpoints: Vec<Endpoint>,
    /// Contradictions between sources that the docs page must show.
    pub contradictions: Vec<Contradiction>,
    /// Why each inference the checks make where the pages are silent is
    /// only implied: the schema's note, else the language's.
    pub implied: BTreeMap<Inference, String>,
    /// Quirks of the whole dialect (ManEx's padded text columns); each is
    /// also in the `quirks` of every endpoint returning a record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quirks: Vec<Quirk>,
}

/// An expectation the pages do not state, which the schemas infer: a
/// server breaking it gets a warning ([`erpspec_rules::Strength::Implied`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inference {
    /// A member of another JSON type than documented is refused.
    WrongType,
    /// An enum value in another letter case is refused where no case is
    /// demanded.
    EnumCase,
    /// A key the client sends for a record the server keys itself (an
    /// assigned key not said to be unique) is honoured: a second create
    /// with it is refused.
    ClientKey,
    /// A reference to a record that does not exist is refused where the
    /// pages give no answer for it.
    MissingReference,
}

impl Inference {
    pub const ALL: [Inference; 4] = [
        Inference::WrongType,
        Inference::EnumCase,
        Inference::ClientKey,
        Inference::MissingReference,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Inference::WrongType => "wrong_type",
            Inference::EnumCase => "enum_case",
            Inference::ClientKey => "client_key",
            Inference::MissingReference => "missing_reference",
        }
    }

    /// The language's own note, where a schema gives none.
    pub fn default_note(self) -> &'static str {
        match self {
            Inference::WrongType => {
                "The pages give each member's type but never say what a server does with a value of another JSON type: refusing it, storing its text, coercing it and ignoring it all follow them."
            }
            Inference::EnumCase => "The pages spell each value but do not say whether another letter case is refused.",
            Inference::ClientKey => {
                "The server assigns this key; the pages do not say that one the client sends is kept, so a second create with it need not be refused."
            }
            Inference::MissingReference => {
                "The pages do not say how a reference to a record that does not exist is answered, nor that it is refused."
            }
        }
    }
}

impl Vendor {
    /// The request fields of a create that carry a key the server assigns
    /// (a sequence) and that nothing says must be unique: a client may send
    /// one, but the pages do not say it is kept ([`Inference::ClientKey`]).
    pub fn client_keys(&self, ep: &Endpoint) -> Vec<String> {
        if ep.operation.kind != OperationKind::Create {
            return Vec::new();
        }
        let Some(r) = ep.operation.resource.as_deref().and_then(|r| self.resource(r)) else {
            return Vec::new();
        };
        r.assigned
            .iter()
            .filter(|a| matches!(a.how, AssignedHow::PaddedSequence { .. } | AssignedHow::IntegerSequence))
            .filter(|a| r.key.contains(&a.field) && !r.unique.contains(&a.field))
            .filter_map(|a| ep.request.iter().find(|f| self.transport.names.matches(&f.name, &a.field)))
            .map(|f| f.name.clone())
            .collect()
    }

    /// Why an inference is only implied for this vendor.
    pub fn implied_note(&self, i: Inference) -> String {
        self.implied.get(&i).cloned().unwrap_or_else(|| i.default_note().to_string())
    }

    pub fn error(&self, id: &str) -> Option<&ErrorEntry> {
        self.errors.iter().find(|e| e.id == id)
    }
    pub fn endpoint(&self, id: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.id == id)
    }
    pub fn resource(&self, name: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.name == name)
    }
    /// Every source an endpoint cites (its own, its rules', its quirks' and
    /// examples'), in the order first cited.
    pub fn sources_of(&self, ep: &Endpoint) -> Vec<&Source> {
        let mut ids: Vec<&str> = Vec::new();
        let rules = ep.all_rules();
        let cited = ep
            .sources
            .iter()
            .chain(rules.iter().flat_map(|(_, r)| &r.sources))
            .chain(ep.quirks.iter().flat_map(|q| &q.sources))
            .chain(ep.examples.iter().flat_map(|e| &e.sources))
            .chain(ep.response_examples.iter().flat_map(|e| &e.sources));
        for id in cited {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
        ids.into_iter().filter_map(|id| self.sources.get(id)).collect()
    }
    /// The contradictions that concern an endpoint: those citing one of the
    /// sources it cites.
    pub fn contradictions_of(&self, ep: &Endpoint) -> Vec<&Contradiction> {
        let cited: Vec<&str> = self.sources_of(ep).iter().map(|s| s.id.as_str()).collect();
        self.contradictions
            .iter()
            .filter(|c| c.sources.iter().any(|s| cited.contains(&s.as_str())))
            .collect()
    }
    /// The credential a login request's member carries (`pointer`: `/DATA_SOURCE`
    /// of the token endpoint), if it carries one: changing its value changes
    /// whether the login succeeds, whatever the member's rules say.
    pub fn login_credential(&self, ep: &Endpoint, pointer: &str) -> Option<&str> {
        let token = self.auth.token.as_ref().filter(|t| t.endpoint == ep.id)?;
        let name = pointer.strip_prefix('/')?;
        token
            .credential_fields
            .iter()
            .find(|(_, field)| self.transport.names.matches(field, name))
            .map(|(cred, _)| cred.as_str())
    }
}

/// A document a rule cites: a seed page in `../shared/seeds/` and/or a URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub seed: Option<String>,
    pub url: Option<String>,
}

/// Where a request parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// Members of a JSON object body.
    Body,
    /// The URL query string.
    Query,
}

impl ParamLocation {
    /// For docs: "a JSON body", "the query string".
    pub fn describe(self) -> &'static str {
        match self {
            ParamLocation::Body => "a JSON body",
            ParamLocation::Query => "the query string",
        }
    }
}

/// How a call is addressed and how its parameters travel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transport {
    /// Path template, e.g. `/API/{route}/{API_KEY}`. `{route}` is the
    /// endpoint's route; any other `{NAME}` is a credential presented in the
    /// path (see [`Auth::presentations`]).
    pub path: String,
    /// Whether the server matches the path case-insensitively (ASP.NET).
    pub path_case_insensitive: bool,
    /// Methods the vendor documents for every endpoint.
    pub methods: Vec<String>,
    /// Whether the docs state the methods; `false` where the examples only
    /// imply them (serving another method is then a warning, not a failure).
    pub methods_documented: bool,
    /// Where parameters may travel; several means "any of these".
    pub parameters: Vec<ParamLocation>,
    pub names: NameMatching,
    /// Whether a string may carry a number or boolean (query strings carry
    /// only text, so a dialect that accepts them reads `"100"` as 100).
    pub strings_carry_scalars: bool,
    /// Catalogue entries answering transport failures: every documented
    /// answer (each is right, the first is the reference server's); empty
    /// where the vendor documents nothing (the harness then accepts any
    /// refusal).
    pub on_wrong_method: Vec<String>,
    pub on_invalid_json: Vec<String>,
    pub on_unknown_route: Vec<String>,
    /// The entries answering a broken request rule unless the endpoint or
    /// the rule names others.
    pub on_rule_violation: Vec<String>,
    pub sources: Vec<String>,
}

/// How credentials travel and how each failure is answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Auth {
    /// Names of the credentials a client is configured with (shared with
    /// the reference server's `--credential NAME=VALUE` and the harness).
    pub credentials: Vec<String>,
    /// The value the docs' examples give each credential, where they give
    /// one (`reference --docs-credentials`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub example_values: BTreeMap<String, String>,
    /// The documented length of a credential, in characters (ManEx's
    /// "unique 10 character API key"); generated credentials have it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lengths: BTreeMap<String, u32>,
    /// A login endpoint that exchanges credentials for a token (Expandable).
    pub token: Option<TokenIssue>,
    /// Where the credential (or token) is presented, in order of precedence.
    pub presentations: Vec<Presentation>,
    /// Catalogue ids for each failure, every documented answer; empty
    /// where undocumented.
    pub on_missing: Vec<String>,
    pub on_malformed: Vec<String>,
    pub on_rejected: Vec<String>,
    pub sources: Vec<String>,
}

impl Auth {
    /// Body members that carry a credential or token (`AUTH_TOKEN`, RPM's
    /// deprecated `Key`): never echoed, stored or validated as data.
    pub fn body_credential_fields(&self) -> Vec<String> {
        self.presentations
            .iter()
            .filter(|p| p.location == PresentationLocation::Body)
            .map(|p| p.name.clone())
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenIssue {
    /// The endpoint that issues tokens.
    pub endpoint: String,
    /// Request field of the login endpoint carrying each credential.
    pub credential_fields: BTreeMap<String, String>,
    /// Field of the login response carrying the token.
    pub response_field: String,
    /// The credential that names the user (audit fields record it).
    pub principal: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresentationLocation {
    /// A `{NAME}` segment of the path template.
    Path,
    Header,
    /// A member of the JSON body.
    Body,
    Query,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Presentation {
    pub location: PresentationLocation,
    /// Wire name (header name, body field, path variable).
    pub name: String,
    /// What is presented: a credential name, or `token` for an issued token.
    pub value: String,
    /// Still accepted but documented as deprecated (RPM's body `Key`).
    pub deprecated: bool,
}

/// The success and error envelopes, as JSON templates.
///
/// A template is JSON in which a string `"{{name}}"` is a slot:
/// `{{payload}}` (the endpoint's response payload), `{{message}}`,
/// `{{code}}` (a catalogue entry's code), `{{any}}` (any value, e.g. an
/// undocumented `MESSAGE_CODE`) or a name from an error entry's `vars`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelopes {
    pub success: Envelope,
    pub error: Envelope,
    /// Another documented reading writes the envelopes' own scalars as
    /// text (ManEx's support portal: `"Code": "200"`, `"IsValidUser":
    /// "true"`): an answer so written is read as the scalars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scalars_as_text: Option<Noted>,
    pub sources: Vec<String>,
}

/// A documented alternative reading: why, and its sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Noted {
    pub note: String,
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// HTTP status; `None` where the vendor does not document it (the error
    /// envelope's status then comes from each catalogue entry, or is free).
    pub status: Option<u16>,
    pub body: Template,
    /// Values for the template's slots other than payload/message/code.
    pub vars: BTreeMap<String, Value>,
    /// Success only: members a record payload carries before its own
    /// fields, as the docs' samples show them (ManEx's Json.NET reference id
    /// `"$id": "2"`). Servers write them; the harness does not require them
    /// nor check their values (serialiser artefacts, numbered in output order).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub payload_members: serde_json::Map<String, Value>,
}

/// What an error's message is documented to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum MessageRule {
    Exact(String),
    /// The documented text is followed by a value (RPM "Unrecognized type
    /// for phone number: ").
    Prefix(String),
    /// Documented as "(Error Message)": any text.
    Any,
}

impl MessageRule {
    pub fn accepts(&self, message: &str) -> bool {
        match self {
            MessageRule::Exact(m) => m == message,
            MessageRule::Prefix(p) => message.starts_with(p.as_str()),
            MessageRule::Any => true,
        }
    }
    /// A message that satisfies the rule, for servers to send.
    pub fn example(&self, detail: &str) -> String {
        match self {
            MessageRule::Exact(m) => m.clone(),
            MessageRule::Prefix(p) => format!("{p}{detail}"),
            MessageRule::Any => detail.to_string(),
        }
    }
}

/// One entry of the vendor's error catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorEntry {
    pub id: String,
    /// HTTP status; `None` if undocumented (any status is accepted).
    pub status: Option<u16>,
    pub message: MessageRule,
    /// Value of the `{{code}}` slot (ManEx `Code`).
    pub code: Option<Value>,
    /// Values for other slots (ManEx `IsValidUser`).
    pub vars: BTreeMap<String, Value>,
    /// A body that replaces the vendor's error envelope for this entry
    /// (ManEx's ASP.NET "No HTTP resource" body, RPM's `{Message}` error).
    pub body: Option<Template>,
    pub sources: Vec<String>,
}

/// A kind of record the endpoints create, read, update and delete.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub name: String,
    /// Fields that identify a record.
    pub key: Vec<String>,
    /// Values the server assigns (on create, and on update where `on` says so).
    pub assigned: Vec<Assigned>,
    /// Fields (other than the key) whose values must be unique.
    pub unique: Vec<String>,
    /// Child records shown inside this resource's records on read (RPM
    /// `Customer.Contacts` lists the customer's contacts).
    pub includes: Vec<Include>,
    /// Fields unique among the records sharing another field's value
    /// (`Location.Name` within `CustomerID`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unique_within: BTreeMap<String, String>,
    /// Exactly one record (from `demo`); a read needs no key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub singleton: bool,
    /// Records present on first start (from the docs' examples).
    pub demo: Vec<Value>,
    pub sources: Vec<String>,
}

/// A member of a record that lists records of another resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Include {
    /// The member of the read record (`Contacts`).
    pub member: String,
    pub resource: String,
    /// The child's field naming the parent's key (`CustomerID`).
    pub on: String,
    /// The child's flag marking the parent's one primary child: a write
    /// setting it on one child clears it on the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assigned {
    /// Dotted path within the record; a path through an array assigns every
    /// item (`Contact.PhoneNumbers.PhoneNumberID`).
    pub field: String,
    pub how: AssignedHow,
    /// The operations that set the value: `Create` and/or `Update` (audit
    /// fields named "modified" or "last update" are refreshed by updates).
    /// Sequences are `Create` only.
    pub on: Vec<OperationKind>,
    /// The server assigns the value only when the request gives none; a
    /// given value is kept (ManEx `ACCT_DATE`, set at creation when not sent).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unless_given: bool,
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssignedHow {
    /// The next number of a sequence, zero-padded to `width` digits, as a string.
    PaddedSequence { width: u32 },
    /// The next integer id.
    IntegerSequence,
    /// The current time (audit fields).
    Timestamp,
    /// The authenticated user (audit fields).
    User,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// Exchanges credentials for a token.
    Login,
    Create,
    Update,
    /// Reads one record.
    Read,
    /// Finds records matching criteria.
    Query,
    Delete,
}

/// What an endpoint does to which resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub kind: OperationKind,
    pub resource: Option<String>,
    /// How a query's criteria are read; `Equality` for every other kind.
    pub criteria: Criteria,
    /// Request fields that locate the record, in the resource key's order.
    pub key: Vec<String>,
    /// Alternative lookups: a request field matched against any of these
    /// record fields (ManEx `CustNumOrName` matches CUSTNO or CUSTNAME).
    pub lookup: Vec<Lookup>,
    /// Request field -> record field where names differ
    /// (ManEx `Acctaxable` -> `ACTTAXABLE`); by default a field stores under
    /// its own name (compared by the dialect's name matching).
    pub stores: BTreeMap<String, String>,
    /// The request member whose object is the record (RPM `Contact`,
    /// `Customer`); `None` when the request's own fields are the record.
    pub record_member: Option<String>,
    /// The catalogue entry answering "no such record".
    pub on_not_found: Option<String>,
    /// The catalogue entry answering a create of a key that exists.
    pub on_duplicate: Option<String>,
    /// The catalogue entry answering a query that finds nothing (RPM
    /// Customers: "No customers").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_empty: Option<String>,
    /// What a create does with the record's lists of child records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub creates: Vec<ChildList>,
    /// Members of the record an update clears when the request leaves them out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clears_omitted: Option<ClearsOmitted>,
    /// List member of the record -> the item members that find the stored
    /// item an update's item edits, in order (RPM CustomerContactEdit's
    /// phone numbers: by `PhoneNumberID`, else by `Type`); an item matching
    /// none is added, stored items not sent are kept.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub merge_items: BTreeMap<String, Vec<String>>,
    pub sources: Vec<String>,
}

/// A list member of a created record and what the create does with it
/// (RPM CustomerAdd's `Locations`, `Contacts`, `Aliases`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChildList {
    /// The member of the record (`Locations`).
    pub member: String,
    /// The items created when the request gives none (or an empty list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when_none: Vec<Value>,
    /// How the one primary item is chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<Primary>,
    /// Values the primary item gets where it has none (`Name: Primary`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub primary_defaults: BTreeMap<String, Value>,
    /// An item whose value of this member another record already has is
    /// silently left out (an alias another customer has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_taken: Option<String>,
    pub sources: Vec<String>,
}

/// Which item of a list is its primary one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Primary {
    /// The items' boolean flag (`IsPrimary`).
    pub flag: String,
    /// The item kept primary when several are flagged.
    pub several: Pick,
    /// The item made primary when none is flagged (`None`: none is).
    pub none: Pick,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    First,
    Last,
    None,
}

/// Members an update clears when the request leaves them out, and how
/// strongly the docs say so.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClearsOmitted {
    pub fields: Vec<String>,
    pub strength: Strength,
    /// The other documented readings (`[]`: nothing is cleared).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// How the values of a query's criteria are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criteria {
    /// A record matches when each criterion equals its value.
    #[default]
    Equality,
    /// Query By Example notation (Expandable): a string criterion may start
    /// with one of a closed set of operators — `<>`, `>`, `>=`, `<`, `<=`,
    /// `BETWEEN a AND b`, `IN a,b` (items optionally single-quoted) — and
    /// without one means equality. The docs list wildcards too, but which
    /// characters they are is not captured, so none are read.
    Qbe,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lookup {
    pub field: String,
    pub matches: Vec<String>,
}

/// The shape a field's values take.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Type {
    Scalar { scalar: ScalarType },
    Array { items: Box<Type> },
    Object { fields: Vec<Field>, rules: Vec<Rule> },
}

impl Type {
    pub fn scalar(&self) -> Option<ScalarType> {
        match self {
            Type::Scalar { scalar } => Some(*scalar),
            _ => None,
        }
    }
}

/// One field of a request or response object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Exact wire name as documented.
    pub name: String,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub ty: Type,
    pub required: bool,
    /// The value may be JSON `null` (response fields ManEx returns as null).
    pub nullable: bool,
    /// Value-level rules (and, for `required`, the rule with its id and source).
    pub rules: Vec<Rule>,
    /// The field names a record of another resource.
    pub refers_to: Option<Reference>,
    /// Response fields: the record field this one shows, where the names
    /// differ (RPM Customers' `Customer` is the record's `Name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Set when the field came from a numbered run (`SOFCT_USER_{1..16}`).
    pub run: Option<Run>,
    /// Where the pages give the field another type too: a server may take
    /// either, so no check sends the field where it expects success, nor
    /// expects a value of these types refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_types: Option<OtherTypes>,
    pub sources: Vec<String>,
}

/// The types another documented reading gives a field, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OtherTypes {
    pub types: Vec<ScalarType>,
    pub note: String,
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub resource: String,
    pub field: String,
    /// Catalogue entry answering a reference to a missing record.
    pub on_missing: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// The key as written, e.g. `SOFCT_USER_{1..16}`.
    pub pattern: String,
    pub index: u32,
}

/// One rule with everything needed to check, explain and cite it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Stable id: `<vendor>.<endpoint>.<json path>.<kind>`, e.g.
    /// `manex.customer-add.Credlimit.minimum`.
    pub id: String,
    #[serde(flatten)]
    pub kind: RuleKind,
    pub strength: Strength,
    /// For contested rules: the other documented readings. A value that
    /// satisfies `kind` or any of these is accepted.
    pub alternatives: Vec<RuleKind>,
    /// Why the rule is contested or site-specific, for docs and warnings.
    pub note: Option<String>,
    /// The vendor's message for a violation, where documented.
    pub message: Option<String>,
    /// The catalogue entry a server answers a violation with.
    pub on_violation: Option<String>,
    /// A contested `max_length` whose other reading cuts a longer value to
    /// the limit rather than refusing it (Expandable NOTES).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncates: bool,
    pub sources: Vec<String>,
}

impl Rule {
    /// Does the value satisfy the rule under any documented reading?
    pub fn holds(&self, value: &Value) -> bool {
        self.kind.holds(value) || self.alternatives.iter().any(|k| k.holds(value))
    }

    /// The message reported for a violation.
    pub fn violation_message(&self, field: &str) -> String {
        erpspec_rules::violation_message(self.message.as_deref(), field, &self.kind)
    }
}

/// What a successful call returns inside the success envelope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    /// The record after the operation.
    Record,
    /// A list of records.
    Records,
    /// An empty object `{}`.
    EmptyObject,
    /// JSON `null`.
    Null,
    /// The record under one member name (RPM `{"Contact": {...}}`); for a
    /// query, the list of records under it (RPM `{"Customers": [...]}`).
    Wrapped { member: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub payload: Payload,
    /// The success envelope's `{{message}}` (ManEx "Customer added successfully.").
    pub message: Option<String>,
    /// Fields of the returned record.
    pub fields: Vec<Field>,
    /// Members beside a wrapped list, and what each carries (RPM
    /// Customers' `Age`: when the list last changed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub beside: Vec<(String, Beside)>,
    /// member -> the boolean request field that leaves it out when false
    /// (absent means true: RPM Customer's `IncludeLocations`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub include_if: BTreeMap<String, String>,
    pub sources: Vec<String>,
}

/// What a member beside a wrapped list carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Beside {
    /// When the list last changed, as Unix seconds.
    LastModified,
    /// How many records the list has.
    Count,
}

/// A documented quirk of what the server returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quirk {
    pub id: String,
    pub kind: QuirkKind,
    pub description: String,
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuirkKind {
    /// A written value reads back as another (RPM: empty phone Number
    /// reads back as " none"). `path` is a JSON pointer pattern with `*`
    /// for any array index, relative to the stored record.
    ReadsBackAs { path: String, written: Value, read: Value },
    /// Returned strings may carry trailing spaces (ManEx CHAR columns):
    /// compare read-backs after trimming the end.
    PadsStrings {
        /// Fields the docs show unpadded (text memos, date-times).
        unpadded: Vec<String>,
    },
    /// A date written in any date format reads back in `format` (ManEx: a
    /// `MM/DD/YYYY` `Acct_date` reads back as `YYYY-MM-DDT00:00:00`, the
    /// ISO date-time the Get sample shows). `paths` are JSON pointer
    /// patterns into the stored record, as for `ReadsBackAs`.
    DatesReadBackAs { paths: Vec<String>, format: erpspec_rules::Format },
}

/// A request example from the docs, with what the rules say about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub name: String,
    /// The body as JSON (or the query string's parameters as an object).
    pub request: Value,
    /// The query string exactly as the docs print it, where they do.
    pub query: Option<String>,
    /// Rule ids the example breaks; empty means it must validate.
    pub breaks: Vec<String>,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// A sample answer from the docs, and whether the envelopes recognise it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResponseExample {
    pub name: String,
    /// The catalogue entry the sample shows; `None`: the success answer.
    pub answer: Option<String>,
    /// The HTTP status it is shown with (given, else the documented one).
    pub status: Option<u16>,
    pub body: Value,
    /// How the sample was completed or cleaned from the docs.
    pub note: Option<String>,
    /// Why the docs' sample differs from the schemas, where it does.
    pub differs: Option<String>,
    /// What the answer recognisers ([`crate::recognise`]) found wrong with
    /// it; present exactly when `differs` is.
    pub mismatch: Option<String>,
    pub sources: Vec<String>,
}

/// A contradiction between sources, shown on the docs page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contradiction {
    pub summary: String,
    pub sources: Vec<String>,
}

/// One documented endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    /// File stem, e.g. `customer-contact-create`.
    pub id: String,
    pub vendor: String,
    pub title: String,
    pub summary: Option<String>,
    /// Substituted for `{route}` in the transport path.
    pub route: String,
    /// The vendor's own name for the program or screen behind the call.
    pub program: Option<String>,
    /// Whether the call needs credentials (false for the login endpoint).
    pub authenticated: bool,
    pub operation: Operation,
    pub request: Vec<Field>,
    /// Object-level rules on the request (`at_least_one_of`).
    pub rules: Vec<Rule>,
    pub response: Response,
    /// Catalogue entries this endpoint is documented to answer with.
    pub errors: Vec<String>,
    /// The entry answering a broken request rule here, overriding
    /// `transport.on_rule_violation` (ManEx "Customer add failed.").
    pub on_rule_violation: Vec<String>,
    pub quirks: Vec<Quirk>,
    pub examples: Vec<Example>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_examples: Vec<ResponseExample>,
    pub sources: Vec<String>,
}

impl Endpoint {
    /// Does the payload wrap a list of records (a query with `payload:
    /// wrapped`: RPM Customers' `{"Customers": [...]}`) rather than one record?
    pub fn wraps_list(&self) -> bool {
        self.operation.kind == OperationKind::Query && matches!(self.response.payload, Payload::Wrapped { .. })
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.request.iter().find(|f| f.name == name)
    }

    /// Every rule of the endpoint's request, depth-first, with the JSON
    /// pointer of the value it constrains (`*` for any array index).
    pub fn all_rules(&self) -> Vec<(String, &Rule)> {
        let mut out: Vec<(String, &Rule)> = self.rules.iter().map(|r| (String::new(), r)).collect();
        walk_fields(&self.request, &mut |node| {
            let pointer = node.pointer();
            if !node.item {
                out.extend(node.field.rules.iter().map(|r| (pointer.clone(), r)));
            }
            if let Type::Object { rules, .. } = node.ty {
                out.extend(rules.iter().map(|r| (pointer.clone(), r)));
            }
        });
        out
    }
}

impl Endpoint {
    /// Every rule of the request, mutably, in the order of [`Endpoint::all_rules`]
    /// (a target profile replacing a site rule's values). The mutable twin of
    /// [`walk_fields`].
    pub fn for_each_rule_mut(&mut self, f: &mut dyn FnMut(&mut Rule)) {
        fn fields_mut(fields: &mut [Field], f: &mut dyn FnMut(&mut Rule)) {
            for field in fields {
                field.rules.iter_mut().for_each(&mut *f);
                type_mut(&mut field.ty, f);
            }
        }
        fn type_mut(ty: &mut Type, f: &mut dyn FnMut(&mut Rule)) {
            match ty {
                Type::Scalar { .. } => {}
                Type::Array { items } => type_mut(items, f),
                Type::Object { fields, rules } => {
                    rules.iter_mut().for_each(&mut *f);
                    fields_mut(fields, f);
                }
            }
        }
        self.rules.iter_mut().for_each(&mut *f);
        fields_mut(&mut self.request, f);
    }
}

/// One place in a request's field tree, as [`walk_fields`] visits it.
pub struct FieldNode<'a> {
    /// Member names from the top, `*` for any item of an array.
    pub path: Vec<&'a str>,
    pub field: &'a Field,
    /// The type at this place: the field's own, or an array's item type.
    pub ty: &'a Type,
    /// Whether this is an array's item rather than the field itself.
    pub item: bool,
}

impl FieldNode<'_> {
    /// The JSON pointer (`/Contact/PhoneNumbers/*/Type`).
    pub fn pointer(&self) -> String {
        self.path
            .iter()
            .map(|s| format!("/{}", if *s == "*" { "*".to_string() } else { pointer_escape(s) }))
            .collect()
    }

    /// The dotted path without array items (`Contact.PhoneNumbers.Type`).
    pub fn dotted(&self) -> String {
        self.path.iter().filter(|s| **s != "*").copied().collect::<Vec<_>>().join(".")
    }

    /// Whether the place is inside an array.
    pub fn in_array(&self) -> bool {
        self.path.contains(&"*")
    }
}

/// The one walk over a field tree: every field, depth-first in declared
/// order, then (for an array) its item, through objects and arrays alike.
pub fn walk_fields<'a>(fields: &'a [Field], visit: &mut dyn FnMut(&FieldNode<'a>)) {
    fn go<'a>(fields: &'a [Field], prefix: &[&'a str], visit: &mut dyn FnMut(&FieldNode<'a>)) {
        for f in fields {
            let mut path = prefix.to_vec();
            path.push(f.name.as_str());
            ty(f, &f.ty, path, false, visit);
        }
    }
    fn ty<'a>(field: &'a Field, t: &'a Type, path: Vec<&'a str>, item: bool, visit: &mut dyn FnMut(&FieldNode<'a>)) {
        visit(&FieldNode {
            path: path.clone(),
            field,
            ty: t,
            item,
        });
        match t {
            Type::Scalar { .. } => {}
            Type::Array { items } => {
                let mut p = path;
                p.push("*");
                ty(field, items, p, true, visit);
            }
            Type::Object { fields, .. } => go(fields, &path, visit),
        }
    }
    go(fields, &[], visit);
}

/// Escapes a member name for a JSON pointer (RFC 6901).
pub use erpspec_rules::pointer_escape;

/// Counts for a one-line summary of what the schemas encode.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub vendors: usize,
    pub endpoints: usize,
    /// Request fields, counting nested fields and each member of a numbered run.
    pub fields: usize,
    pub rules_documented: usize,
    pub rules_contested: usize,
    pub rules_site: usize,
    pub rules_implied: usize,
    pub examples: usize,
}

impl Api {
    pub fn summary(&self) -> Summary {
        fn count_fields(fields: &[Field]) -> usize {
            let mut n = 0;
            walk_fields(fields, &mut |node| n += usize::from(!node.item));
            n
        }
        let mut s = Summary {
            vendors: self.vendors.len(),
            ..Summary::default()
        };
        for v in &self.vendors {
            for ep in &v.endpoints {
                s.endpoints += 1;
                s.fields += count_fields(&ep.request);
                s.examples += ep.examples.len();
                for (_, r) in ep.all_rules() {
                    match r.strength {
                        Strength::Documented => s.rules_documented += 1,
                        Strength::Contested => s.rules_contested += 1,
                        Strength::Site => s.rules_site += 1,
                        Strength::Implied => s.rules_implied += 1,
                    }
                }
            }
        }
        s
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} vendors, {} endpoints, {} request fields, {} rules ({} documented, {} contested, {} site, {} implied), {} doc examples",
            self.vendors,
            self.endpoints,
            self.fields,
            self.rules_documented + self.rules_contested + self.rules_site + self.rules_implied,
            self.rules_documented,
            self.rules_contested,
            self.rules_site,
            self.rules_implied,
            self.examples
        )
    }
}
