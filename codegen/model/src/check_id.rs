//! Check ids: the name of one documented expectation, made in one place.
//!
//! A check holds a server to expectations and a fault switch breaks one; the
//! mutation table counts a fault as caught when a check that fails holds the
//! server to the very id the fault breaks. Both sides build the id through
//! the constructors here (there is no other way to make one), so the link is
//! one value, not two strings that happen to agree. `Display` gives the
//! stable text reports print (`manex.auth.on_rejected`,
//! `rpm.customer-add.operation.creates.Contacts.primary`).

use crate::answers::Situation;
use crate::ir::{Endpoint, ErrorEntry, Rule, Vendor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of one documented expectation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CheckId(String);

/// What of an endpoint an expectation is about.
#[derive(Clone, Copy, Debug)]
pub enum EndpointPart<'a> {
    /// Its operation: a valid request succeeds and does what it says.
    Operation,
    /// How its lookups pick the record (`operation.lookup`).
    Lookup,
    /// The answer to a create of an existing key.
    OnDuplicate,
    /// The answer to a request naming a record that does not exist.
    OnNotFound,
    /// The answer to a request breaking one of its rules, where the endpoint
    /// names its own.
    OnRuleViolation,
    /// An update merges list items into the stored list.
    MergeItems,
    /// An update clears the members it lists when they are omitted.
    ClearsOmitted,
    /// The docs' sample answer.
    Sample,
    /// A rule of a list a create makes (`operation.creates.<member>.<rule>`).
    Creates { member: &'a str, rule: ListRule },
    /// A response member a request flag leaves out.
    IncludeIf(&'a str),
    /// A member beside a wrapped list.
    Beside(&'a str),
    /// A request member refers to a record (`<path>.refers_to`).
    RefersTo(&'a str),
    /// A request member's type (`<dotted path>.type`), as validators report it.
    MemberType(&'a str),
}

/// The documented rules of a list a create makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListRule {
    /// The items made when the request gives none.
    WhenNone,
    /// Which item ends up primary.
    Primary,
    /// Items whose value another record has are dropped.
    DropTaken,
}

/// What of a catalogue entry an expectation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryPart {
    Status,
    Code,
    Message,
}

impl CheckId {
    /// A rule of the IR (`manex.customer-add.Credlimit.minimum`).
    pub fn rule(r: &Rule) -> CheckId {
        CheckId(r.id.clone())
    }

    /// The rule a validator's violation names (a rule of the IR, or a
    /// member's type).
    pub fn violated(x: &erpspec_rules::Violation) -> CheckId {
        CheckId(x.rule.clone())
    }

    /// A situation that is the dialect's, not a field rule's:
    /// `manex.auth.on_rejected`, `expandable.transport.methods`.
    pub fn dialect(v: &Vendor, s: &Situation<'_>) -> CheckId {
        let part = match s {
            Situation::UnknownRoute => "transport.on_unknown_route",
            Situation::WrongMethod => "transport.methods",
            Situation::InvalidJson => "transport.on_invalid_json",
            Situation::AuthMissing => "auth.on_missing",
            Situation::AuthMalformed => "auth.on_malformed",
            Situation::AuthExpired => "auth.on_expired",
            Situation::AuthRejected | Situation::LoginRejected => "auth.on_rejected",
            Situation::RuleBroken(_) => "transport.on_rule_violation",
            Situation::NotFound => "operation.on_not_found",
            Situation::Duplicate => "operation.on_duplicate",
            Situation::MissingReference(_) => "refers_to",
            Situation::Empty => "operation.on_empty",
            Situation::Success => "operation",
        };
        CheckId(format!("{}.{part}", v.name))
    }

    /// `<vendor>.<endpoint>.<part>`: an endpoint's operation and what hangs
    /// off it (`manex.customer-add.operation.on_duplicate`,
    /// `rpm.customer-contact-add.CustomerID.refers_to`).
    pub fn endpoint(v: &Vendor, ep: &Endpoint, part: EndpointPart<'_>) -> CheckId {
        let part = match part {
            EndpointPart::Operation => "operation".to_string(),
            EndpointPart::Lookup => "operation.lookup".to_string(),
            EndpointPart::OnDuplicate => "operation.on_duplicate".to_string(),
            EndpointPart::OnNotFound => "operation.on_not_found".to_string(),
            EndpointPart::OnRuleViolation => "on_rule_violation".to_string(),
            EndpointPart::MergeItems => "operation.merge_items".to_string(),
            EndpointPart::ClearsOmitted => "operation.clears_omitted".to_string(),
            EndpointPart::Sample => "response.sample".to_string(),
            EndpointPart::Creates { member, rule } => format!("operation.creates.{member}.{}", rule.key()),
            EndpointPart::IncludeIf(member) => format!("response.include_if.{member}"),
            EndpointPart::Beside(member) => format!("response.beside.{member}"),
            EndpointPart::RefersTo(path) => format!("{path}.refers_to"),
            EndpointPart::MemberType(path) => format!("{path}.type"),
        };
        CheckId(format!("{}.{}.{part}", v.name, ep.id))
    }

    /// A quirk's expectation: `<vendor>.quirks.<quirk>` for a quirk of the
    /// dialect (api.yaml), `<vendor>.<endpoint>.quirks.<quirk>` for one an
    /// endpoint declares.
    pub fn quirk(v: &Vendor, ep: &Endpoint, quirk: &str) -> CheckId {
        if v.quirks.iter().any(|q| q.id == quirk) {
            CheckId(format!("{}.quirks.{quirk}", v.name))
        } else {
            CheckId(format!("{}.{}.quirks.{quirk}", v.name, ep.id))
        }
    }

    /// `<vendor>.resources.<resource>.includes.<member>.primary`: a child list
    /// a resource includes keeps one primary item.
    pub fn included_primary(v: &Vendor, resource: &str, member: &str) -> CheckId {
        CheckId(format!("{}.resources.{resource}.includes.{member}.primary", v.name))
    }

    /// `<vendor>.envelopes.<success|error><pointer>`: a member of an envelope.
    pub fn envelope(v: &Vendor, success: bool, pointer: &str) -> CheckId {
        CheckId(format!(
            "{}.envelopes.{}{pointer}",
            v.name,
            if success { "success" } else { "error" }
        ))
    }

    /// `<vendor>.errors.<entry>.<status|code|message>`: a part of a catalogue entry.
    pub fn entry(v: &Vendor, entry: &str, part: EntryPart) -> CheckId {
        let part = match part {
            EntryPart::Status => "status",
            EntryPart::Code => "code",
            EntryPart::Message => "message",
        };
        CheckId(format!("{}.errors.{entry}.{part}", v.name))
    }

    /// `<vendor>.auth.presentations[.<name>]`: how credentials travel.
    pub fn presentation(v: &Vendor, name: Option<&str>) -> CheckId {
        match name {
            Some(n) => CheckId(format!("{}.auth.presentations.{n}", v.name)),
            None => CheckId(format!("{}.auth.presentations", v.name)),
        }
    }

    /// An id as another program printed it (the fault list of a reference
    /// server, a saved report). Only for reading back: the ids a run
    /// compares are made by the constructors above.
    pub fn printed(text: &str) -> CheckId {
        CheckId(text.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The ids of what an expected answer holds a server to, beyond the
/// situation's own rule: for a success, each member of the success
/// envelope; for a refusal with documented entries, each entry's status,
/// code and message, and each member of its body. A check expecting such an
/// answer checks these too (the fault switches break them one by one).
pub fn answer_parts(v: &Vendor, success: bool, entries: &[&ErrorEntry]) -> Vec<CheckId> {
    if success {
        return v
            .envelopes
            .success
            .body
            .members()
            .iter()
            .map(|m| CheckId::envelope(v, true, m))
            .collect();
    }
    let mut out = Vec::new();
    for e in entries {
        for part in [EntryPart::Status, EntryPart::Code, EntryPart::Message] {
            out.push(CheckId::entry(v, &e.id, part));
        }
        if e.body.is_none() {
            out.extend(v.envelopes.error.body.members().iter().map(|m| CheckId::envelope(v, false, m)));
        }
    }
    out
}

/// What an endpoint's own success answer carries beyond the envelope: the
/// members beside a wrapped list and the quirks its answers show. A check
/// expecting its success answer checks these too.
pub fn endpoint_answer_parts(v: &Vendor, ep: &Endpoint) -> Vec<CheckId> {
    let beside = ep
        .response
        .beside
        .iter()
        .map(|(name, _)| CheckId::endpoint(v, ep, EndpointPart::Beside(name)));
    let quirks = ep.quirks.iter().map(|q| CheckId::quirk(v, ep, &q.id));
    beside.chain(quirks).collect()
}

impl ListRule {
    /// The rule's key under `creates:` in a schema.
    pub fn key(self) -> &'static str {
        match self {
            ListRule::WhenNone => "when_none",
            ListRule::Primary => "primary",
            ListRule::DropTaken => "drop_taken",
        }
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
