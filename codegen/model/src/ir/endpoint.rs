//! One endpoint: its request fields and rules, operation, response, quirks
//! and the docs' examples; walking its fields.

use super::*;

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
    /// The docs do not describe the body (Expandable's older login answers
    /// with its token in a header): any body is right.
    Unspecified,
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
