//! A vendor's dialect: how requests travel, how credentials are presented,
//! the envelopes answers come in and the catalogue of errors.

use super::*;

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
    /// A token the server issued that has since expired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_expired: Vec<String>,
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

    /// The credentials a process is given: each `ERPSPEC_CREDENTIAL_<NAME>`
    /// variable that is set, then `given` (`--credential NAME=VALUE`, which
    /// win). Shared by the reference server and the harness.
    pub fn credentials_given(&self, given: &[(String, String)]) -> BTreeMap<String, String> {
        let from_env = self
            .credentials
            .iter()
            .filter_map(|n| Some((n.clone(), std::env::var(format!("ERPSPEC_CREDENTIAL_{n}")).ok()?)));
        from_env.chain(given.iter().cloned()).collect()
    }
}

/// A `NAME=VALUE` command-line value (`--credential`, `--fixture`), split at
/// the first `=`: a clap value parser.
pub fn name_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("`{text}`: write NAME=VALUE")),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenIssue {
    /// The endpoint that issues tokens.
    pub endpoint: String,
    /// Request field of the login endpoint carrying each credential.
    pub credential_fields: BTreeMap<String, String>,
    /// Where the login answer carries the token.
    pub carried_in: TokenCarrier,
    /// The credential that names the user (audit fields record it).
    pub principal: Option<String>,
}

/// Where a login answer carries the token it issues.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenCarrier {
    /// A member of the login answer's payload (`AUTH_TOKEN`).
    Field(String),
    /// A header of the login answer (`AuthToken`), matched ignoring case
    /// as HTTP header names are.
    Header(String),
}

impl TokenCarrier {
    /// The member or header name.
    pub fn name(&self) -> &str {
        match self {
            TokenCarrier::Field(n) | TokenCarrier::Header(n) => n,
        }
    }

    /// For docs: "the `AUTH_TOKEN` member of the answer".
    pub fn describe(&self) -> String {
        match self {
            TokenCarrier::Field(n) => format!("the `{n}` member of its answer"),
            TokenCarrier::Header(n) => format!("the `{n}` header of its answer"),
        }
    }
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
