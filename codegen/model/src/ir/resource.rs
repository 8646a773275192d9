//! Records: the resources endpoints operate on, what the server assigns,
//! the lists a create makes and how reads find records.

use super::*;

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
