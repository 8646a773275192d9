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

mod dialect;
mod endpoint;
mod resource;

pub use dialect::*;
pub use endpoint::*;
pub use resource::*;

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
