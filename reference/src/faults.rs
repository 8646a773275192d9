//! Fault switches: each makes the server break exactly one documented rule,
//! so the conformance harness can prove it notices (its mutation score).
//!
//! Off unless `--fault NAME` is given (a hidden flag); `--list-faults` prints
//! the catalogue for a vendor. Every fault is derived from the IR and names
//! the rule it breaks: an IR rule id (`manex.customer-add.Credlimit.minimum`)
//! or, for rules of the dialect that are not field rules, the id the shared
//! model gives it ([`CheckId`], built by the same constructors the
//! conformance checks use: `<vendor>.auth.on_missing`,
//! `<vendor>.transport.methods`, `<vendor>.envelopes.error/MESSAGE`,
//! `<vendor>.errors.<entry>.status`, `<vendor>.<endpoint>.operation`,
//! `<vendor>.<endpoint>.quirks.<quirk>`).

use erpspec_model::answers::Situation;
use erpspec_model::check_id::{CheckId, EndpointPart, EntryPart, ListRule};
use erpspec_model::ir::{Endpoint, Field, MessageRule, OperationKind, PresentationLocation, QuirkKind, Type, Vendor, walk_fields};
use erpspec_rules::Strength;
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// Requests breaking this rule are accepted.
    IgnoreRule(String),
    /// A request without credentials is served.
    AuthAcceptMissing,
    /// A malformed token is served.
    AuthAcceptMalformed,
    /// A wrong credential or unknown token is served.
    AuthAcceptRejected,
    /// An expired token is served (tokens never expire).
    AuthAcceptExpired,
    /// A documented (deprecated) way of presenting credentials is no longer accepted.
    AuthIgnorePresentation(String),
    /// The member at this pointer is left out of every success (or error) answer.
    EnvelopeDrop { success: bool, pointer: String },
    /// The catalogue entry is answered with HTTP 200 instead of its documented status.
    WrongStatus(String),
    /// The entry's `Code` (its `{{code}}` slot) is off by one.
    WrongCode(String),
    /// The entry's message text is altered.
    WrongMessage(String),
    /// Any HTTP method is served.
    AcceptAnyMethod,
    /// A body that is not JSON is read as `{}`.
    InvalidJsonAccepted,
    /// The endpoint answers success but does not store the update.
    UpdateNotStored(String),
    /// The endpoint answers success but does not store the new record.
    CreateNotStored(String),
    /// The documented read-back quirk is not applied.
    QuirkMissing(String),
    /// A create of an existing key (or unique value) is accepted, replacing nothing.
    DuplicateAccepted(String),
    /// A reference to a missing record is accepted (`endpoint`, `field`).
    ReferenceUnchecked(String, String),
    /// A create leaves out the documented items of a list given none (`endpoint`, `member`).
    ListDefaultsMissing(String, String),
    /// A create keeps a list's primary flags as sent (`endpoint`, `member`).
    PrimaryUnresolved(String, String),
    /// A create keeps list items whose value another record has (`endpoint`, `member`).
    TakenKept(String, String),
    /// A response member a request flag leaves out is kept (`endpoint`, `member`).
    IncludeIfIgnored(String, String),
    /// An update keeps the members it clears when they are omitted.
    ClearsOmittedIgnored(String),
    /// A child flagged primary leaves its siblings flagged (`parent resource`, `member`).
    PrimaryShared(String, String),
    /// A member beside a wrapped list is left out (`endpoint`, `member`).
    BesideMissing(String, String),
    /// An update's list items replace the stored list instead of merging into it.
    ItemsReplaced(String),
    /// A read honours only the last lookup present, by its first match.
    LookupNarrowed(String),
}

/// One fault of a vendor's catalogue.
#[derive(Clone, Debug)]
pub struct FaultInfo {
    /// What `--fault` takes.
    pub name: String,
    /// The id of the rule it breaks.
    pub rule: CheckId,
    /// How the rule it breaks is known: a documented or contested one must
    /// be caught by a failure; a site or implied one can be caught only by a
    /// warning (the docs do not forbid what the fault does).
    pub strength: Strength,
    pub description: String,
    pub fault: Fault,
}

/// Every fault the IR supports for a vendor, in a stable order.
pub fn catalogue(v: &Vendor) -> Vec<FaultInfo> {
    let mut c = Catalogue { v, out: Vec::new() };
    c.rule_faults();
    c.auth_faults();
    c.envelope_faults();
    c.entry_faults();
    c.transport_faults();
    let mut quirks_seen = BTreeSet::new();
    for ep in &v.endpoints {
        c.operation_faults(ep);
        c.list_faults(ep);
        c.include_if_faults(ep);
        c.update_faults(ep);
        c.beside_faults(ep);
        c.quirk_faults(ep, &mut quirks_seen);
        c.reference_faults(ep);
    }
    c.primary_faults();
    c.out
}

/// The catalogue being built, one kind of documented rule at a time.
struct Catalogue<'v> {
    v: &'v Vendor,
    out: Vec<FaultInfo>,
}

impl Catalogue<'_> {
    fn push(&mut self, name: String, rule: CheckId, description: String, fault: Fault) {
        let strength = strength_of(self.v, &fault);
        self.out.push(FaultInfo {
            name,
            rule,
            strength,
            description,
            fault,
        })
    }

    /// Rules of every kind, endpoint by endpoint. Rules on members that carry
    /// credentials (AUTH_TOKEN) are enforced by authentication, whose faults
    /// follow.
    fn rule_faults(&mut self) {
        let v = self.v;
        let credential_members: Vec<String> = v
            .auth
            .presentations
            .iter()
            .filter(|p| p.location == PresentationLocation::Body)
            .map(|p| format!("/{}", p.name))
            .collect();
        let mut seen = BTreeSet::new();
        for ep in &v.endpoints {
            for (path, r) in ep.all_rules() {
                if credential_members.contains(&path) {
                    continue;
                }
                // Ignoring a contested rule that has no other reading but "no
                // such rule" is taking that reading, not a fault.
                let another_reading = r.strength == Strength::Contested && r.alternatives.is_empty() && !r.truncates;
                if seen.insert(r.id.clone()) && !equivalent_when_ignored(v, ep, &path, r) && !another_reading {
                    self.push(
                        format!("ignore-rule={}", r.id),
                        CheckId::rule(r),
                        format!("accept requests breaking the {} rule ({})", r.kind.name(), r.kind.describe()),
                        Fault::IgnoreRule(r.id.clone()),
                    );
                }
            }
        }
    }

    /// Authentication: one per documented failure answer, and one per
    /// deprecated way of presenting credentials.
    fn auth_faults(&mut self) {
        let (v, a) = (self.v, &self.v.auth);
        let failures = [
            (
                !a.on_missing.is_empty(),
                "auth-accept-missing",
                Situation::AuthMissing,
                "serve requests that present no credentials",
                Fault::AuthAcceptMissing,
            ),
            (
                !a.on_malformed.is_empty(),
                "auth-accept-malformed",
                Situation::AuthMalformed,
                "serve requests presenting a malformed token",
                Fault::AuthAcceptMalformed,
            ),
            (
                !a.on_rejected.is_empty(),
                "auth-accept-rejected",
                Situation::AuthRejected,
                "serve requests presenting wrong credentials",
                Fault::AuthAcceptRejected,
            ),
            (
                !a.on_expired.is_empty(),
                "auth-accept-expired",
                Situation::AuthExpired,
                "serve requests presenting an expired token (tokens never expire)",
                Fault::AuthAcceptExpired,
            ),
        ];
        for (documented, name, situation, description, fault) in failures {
            if documented {
                self.push(name.into(), CheckId::dialect(v, &situation), description.into(), fault);
            }
        }
        for p in a.presentations.iter().filter(|p| p.deprecated) {
            self.push(
                format!("auth-ignore-deprecated={}", p.name),
                CheckId::presentation(v, Some(&p.name)),
                format!("stop accepting the deprecated {:?} `{}`", p.location, p.name),
                Fault::AuthIgnorePresentation(p.name.clone()),
            );
        }
    }

    /// Each member of the success and the error envelope.
    fn envelope_faults(&mut self) {
        let v = self.v;
        for (success, env) in [(true, &v.envelopes.success), (false, &v.envelopes.error)] {
            let which = if success { "success" } else { "error" };
            for m in env.body.members() {
                self.push(
                    format!("envelope-drop={which}:{m}"),
                    CheckId::envelope(v, success, &m),
                    format!("leave `{m}` out of every {which} answer"),
                    Fault::EnvelopeDrop { success, pointer: m },
                );
            }
        }
    }

    /// The error catalogue: the status, code and message of each entry this
    /// server answers with.
    fn entry_faults(&mut self) {
        let v = self.v;
        let reachable = reachable_entries(v);
        for e in v.errors.iter().filter(|e| reachable.contains(&e.id)) {
            if let Some(status) = e.status {
                self.push(
                    format!("wrong-status={}", e.id),
                    CheckId::entry(v, &e.id, EntryPart::Status),
                    format!("answer `{}` with HTTP 200 instead of {status}", e.id),
                    Fault::WrongStatus(e.id.clone()),
                );
            }
            if e.code.is_some() {
                self.push(
                    format!("wrong-code={}", e.id),
                    CheckId::entry(v, &e.id, EntryPart::Code),
                    format!("answer `{}` with another code", e.id),
                    Fault::WrongCode(e.id.clone()),
                );
            }
            if !matches!(e.message, MessageRule::Any) {
                self.push(
                    format!("wrong-message={}", e.id),
                    CheckId::entry(v, &e.id, EntryPart::Message),
                    format!("answer `{}` with another message", e.id),
                    Fault::WrongMessage(e.id.clone()),
                );
            }
        }
    }

    fn transport_faults(&mut self) {
        let v = self.v;
        self.push(
            "accept-any-method".into(),
            CheckId::dialect(v, &Situation::WrongMethod),
            format!("serve methods other than {}", v.transport.methods.join(", ")),
            Fault::AcceptAnyMethod,
        );
        // Only where the vendor documents how invalid JSON is answered:
        // elsewhere reading it leniently breaks no documented rule.
        if !v.transport.on_invalid_json.is_empty() {
            self.push(
                "invalid-json-accepted".into(),
                CheckId::dialect(v, &Situation::InvalidJson),
                "read a body that is not JSON as {}".into(),
                Fault::InvalidJsonAccepted,
            );
        }
    }

    /// Persistence: what an endpoint's operation stores and finds.
    fn operation_faults(&mut self, ep: &Endpoint) {
        let v = self.v;
        let op = &ep.operation;
        let id = |part| CheckId::endpoint(v, ep, part);
        if op.kind == OperationKind::Read && (op.lookup.len() > 1 || op.lookup.iter().any(|l| l.matches.len() > 1)) {
            self.push(
                format!("lookup-narrowed={}", ep.id),
                id(EndpointPart::Lookup),
                "honour only the last lookup present, by its first match".into(),
                Fault::LookupNarrowed(ep.id.clone()),
            );
        }
        match op.kind {
            OperationKind::Update => self.push(
                format!("update-not-stored={}", ep.id),
                id(EndpointPart::Operation),
                "answer success without storing the update".into(),
                Fault::UpdateNotStored(ep.id.clone()),
            ),
            OperationKind::Create => {
                self.push(
                    format!("create-not-stored={}", ep.id),
                    id(EndpointPart::Operation),
                    "answer success without storing the record".into(),
                    Fault::CreateNotStored(ep.id.clone()),
                );
                // A duplicate is possible only where the client chooses a key or unique value.
                let guarded = op
                    .resource
                    .as_deref()
                    .and_then(|r| v.resource(r))
                    .is_some_and(|r| r.key.iter().chain(&r.unique).any(|f| writable(v, ep, f)));
                if guarded {
                    self.push(
                        format!("duplicate-accepted={}", ep.id),
                        id(EndpointPart::OnDuplicate),
                        "accept a create whose key or unique value exists (the new record is not stored)".into(),
                        Fault::DuplicateAccepted(ep.id.clone()),
                    );
                }
            }
            _ => {}
        }
    }

    /// The documented rules of the lists a create makes.
    fn list_faults(&mut self, ep: &Endpoint) {
        let v = self.v;
        for list in &ep.operation.creates {
            let m = &list.member;
            let id = |rule| CheckId::endpoint(v, ep, EndpointPart::Creates { member: m, rule });
            if !list.when_none.is_empty() {
                self.push(
                    format!("list-defaults-missing={}.{m}", ep.id),
                    id(ListRule::WhenNone),
                    format!("create no {m} when the request gives none"),
                    Fault::ListDefaultsMissing(ep.id.clone(), m.clone()),
                );
            }
            if list.primary.is_some() {
                self.push(
                    format!("primary-unresolved={}.{m}", ep.id),
                    id(ListRule::Primary),
                    format!("keep the {m}' primary flags as sent"),
                    Fault::PrimaryUnresolved(ep.id.clone(), m.clone()),
                );
            }
            if list.drop_taken.is_some() {
                self.push(
                    format!("taken-kept={}.{m}", ep.id),
                    id(ListRule::DropTaken),
                    format!("keep {m} whose value another record already has"),
                    Fault::TakenKept(ep.id.clone(), m.clone()),
                );
            }
        }
    }

    /// Members of the success answer a request flag leaves out.
    fn include_if_faults(&mut self, ep: &Endpoint) {
        let v = self.v;
        for member in ep.response.include_if.keys() {
            self.push(
                format!("include-if-ignored={}.{member}", ep.id),
                CheckId::endpoint(v, ep, EndpointPart::IncludeIf(member)),
                format!("answer {member} even when the request leaves it out"),
                Fault::IncludeIfIgnored(ep.id.clone(), member.clone()),
            );
        }
    }

    /// What an update does to the lists and members it is given or not.
    fn update_faults(&mut self, ep: &Endpoint) {
        let v = self.v;
        let op = &ep.operation;
        let id = |part| CheckId::endpoint(v, ep, part);
        if !op.merge_items.is_empty() {
            self.push(
                format!("items-replaced={}", ep.id),
                id(EndpointPart::MergeItems),
                "replace a list's stored items with the update's instead of merging".into(),
                Fault::ItemsReplaced(ep.id.clone()),
            );
        }
        // Keeping them is the other reading where one says nothing is cleared.
        if op
            .clears_omitted
            .as_ref()
            .is_some_and(|c| !c.alternatives.iter().any(|a| a.is_empty()))
        {
            self.push(
                format!("clears-omitted-ignored={}", ep.id),
                id(EndpointPart::ClearsOmitted),
                "keep the members an update clears when they are omitted".into(),
                Fault::ClearsOmittedIgnored(ep.id.clone()),
            );
        }
    }

    /// Members beside a wrapped list.
    fn beside_faults(&mut self, ep: &Endpoint) {
        let v = self.v;
        for (name, _) in &ep.response.beside {
            self.push(
                format!("beside-missing={}.{name}", ep.id),
                CheckId::endpoint(v, ep, EndpointPart::Beside(name)),
                format!("leave `{name}` out of the answer"),
                Fault::BesideMissing(ep.id.clone(), name.clone()),
            );
        }
    }

    /// A quirk several endpoints document (an empty phone number read as
    /// " none") is one switch: it turns the quirk off everywhere.
    fn quirk_faults(&mut self, ep: &Endpoint, seen: &mut BTreeSet<String>) {
        for q in ep.quirks.iter().filter(|q| seen.insert(q.id.clone())) {
            self.push(
                format!("quirk-missing={}", q.id),
                CheckId::quirk(self.v, ep, &q.id),
                format!("do not apply the documented quirk: {}", q.description.trim()),
                Fault::QuirkMissing(q.id.clone()),
            );
        }
    }

    /// References to other records. The engine checks references outside
    /// arrays (see `check_references`).
    fn reference_faults(&mut self, ep: &Endpoint) {
        let op = &ep.operation;
        let mut refs = Vec::new();
        walk_fields(&ep.request, &mut |n| {
            if !n.item && !n.in_array() && n.field.refers_to.is_some() {
                refs.push(n.dotted());
            }
        });
        // A key field of an update names a record that exists, whose
        // references were checked when it was written: not observable.
        let located_by_key = |p: &String| op.kind != OperationKind::Create && op.key.contains(p);
        for path in refs.into_iter().filter(|p| !located_by_key(p)) {
            self.push(
                format!("reference-unchecked={}.{path}", ep.id),
                CheckId::endpoint(self.v, ep, EndpointPart::RefersTo(&path)),
                format!("accept a `{path}` naming a record that does not exist"),
                Fault::ReferenceUnchecked(ep.id.clone(), path),
            );
        }
    }

    /// A parent's one primary child.
    fn primary_faults(&mut self) {
        let v = self.v;
        for r in &v.resources {
            for inc in r.includes.iter().filter(|i| i.primary.is_some()) {
                self.push(
                    format!("primary-shared={}.{}", r.name, inc.member),
                    CheckId::included_primary(v, &r.name, &inc.member),
                    format!("leave the other {} flagged when one is made primary", inc.member),
                    Fault::PrimaryShared(r.name.clone(), inc.member.clone()),
                );
            }
        }
    }
}

/// How the rule a fault breaks is known.
fn strength_of(v: &Vendor, fault: &Fault) -> Strength {
    let ep = |id: &str| v.endpoint(id);
    match fault {
        Fault::IgnoreRule(id) => v
            .endpoints
            .iter()
            .flat_map(|e| e.all_rules())
            .find(|(_, r)| &r.id == id)
            .map(|(_, r)| r.strength)
            .unwrap_or(Strength::Documented),
        Fault::AcceptAnyMethod if v.transport.on_wrong_method.is_empty() && !v.transport.methods_documented => Strength::Implied,
        // A key the client may send but the server assigns, nothing saying
        // it must be unique: refusing a second create with it is implied.
        Fault::DuplicateAccepted(e) => {
            let resource = ep(e).and_then(|e| e.operation.resource.as_deref()).and_then(|r| v.resource(r));
            let client_keys_only = ep(e).is_some_and(|e| !v.client_keys(e).is_empty())
                && resource.is_some_and(|r| !r.unique.iter().any(|f| ep(e).is_some_and(|e| writable(v, e, f))));
            if client_keys_only {
                Strength::Implied
            } else {
                Strength::Documented
            }
        }
        Fault::ReferenceUnchecked(e, path) => {
            let documented = ep(e).is_some_and(|e| {
                let mut answer = false;
                walk_fields(&e.request, &mut |n| {
                    if n.dotted() == *path && n.field.refers_to.as_ref().is_some_and(|r| r.on_missing.is_some()) {
                        answer = true;
                    }
                });
                answer
            });
            if documented { Strength::Documented } else { Strength::Implied }
        }
        // Padding is allowed, not promised for every value.
        Fault::QuirkMissing(q)
            if v.quirks
                .iter()
                .chain(v.endpoints.iter().flat_map(|e| &e.quirks))
                .any(|x| &x.id == q && matches!(x.kind, QuirkKind::PadsStrings { .. })) =>
        {
            Strength::Implied
        }
        _ => Strength::Documented,
    }
}

/// Whether ignoring this rule changes no documented answer, so no harness
/// could tell (an equivalent mutant): the required record member of an
/// endpoint that still needs something inside it, a required field of its
/// own (RPM CustomerAdd's `Customer.Name`) or the values that locate the
/// record (RPM CustomerEdit): without the member, that refusal answers instead.
pub fn equivalent_when_ignored(v: &Vendor, ep: &Endpoint, path: &str, r: &erpspec_model::ir::Rule) -> bool {
    if sole_locator_answered_alike(v, ep, path, r) || credential_value_answered_alike(v, ep, path, r) {
        return true;
    }
    let Some(member) = ep.operation.record_member.as_deref() else {
        return false;
    };
    if !matches!(r.kind, erpspec_rules::RuleKind::Required) || path != format!("/{member}") {
        return false;
    }
    match ep.field(member).map(|f| &f.ty) {
        Some(Type::Object { fields, .. }) => {
            fields.iter().any(|f| f.required) || ep.operation.lookup.iter().any(|l| fields.iter().any(|f| f.name == l.field))
        }
        _ => false,
    }
}

/// A value rule on a login member carrying a credential (Expandable's site
/// list of `DATA_SOURCE`s): a value breaking it is not the configured
/// credential either (the server accepts its own under a site rule), so the
/// login refuses it anyway; where a broken rule and a failed login are
/// answered alike, ignoring the rule changes no documented answer.
fn credential_value_answered_alike(v: &Vendor, ep: &Endpoint, path: &str, r: &erpspec_model::ir::Rule) -> bool {
    use erpspec_model::answers::documented_entry;
    if v.login_credential(ep, path).is_none() {
        return false;
    }
    let any_refusal = |e: Option<&erpspec_model::ir::ErrorEntry>| e.is_none_or(|e| matches!(e.message, MessageRule::Any));
    let broken = documented_entry(v, Some(ep), &Situation::RuleBroken(Some(r)));
    let rejected = documented_entry(v, Some(ep), &Situation::LoginRejected);
    broken.map(|e| &e.id) == rejected.map(|e| &e.id) || (any_refusal(broken) && any_refusal(rejected))
}

/// A required field that is the only way to find the record (RPM
/// CustomerContactEdit's `Contact.ContactID`): without it the record is not
/// found, and where "not found" and the broken rule are answered alike (both
/// any refusal, or the same entry), ignoring the rule changes no documented
/// answer.
fn sole_locator_answered_alike(v: &Vendor, ep: &Endpoint, path: &str, r: &erpspec_model::ir::Rule) -> bool {
    use erpspec_model::answers::documented_entry;
    let op = &ep.operation;
    let field = path.rsplit('/').next().unwrap_or_default();
    let locates = matches!(op.kind, OperationKind::Read | OperationKind::Update | OperationKind::Delete)
        && op.key.is_empty()
        && matches!(op.lookup.as_slice(), [only] if only.field == field);
    if !matches!(r.kind, erpspec_rules::RuleKind::Required) || !locates {
        return false;
    }
    let any_refusal = |e: Option<&erpspec_model::ir::ErrorEntry>| e.is_none_or(|e| matches!(e.message, MessageRule::Any));
    let broken = documented_entry(v, Some(ep), &Situation::RuleBroken(Some(r)));
    let missing = documented_entry(v, Some(ep), &Situation::NotFound);
    broken.map(|e| &e.id) == missing.map(|e| &e.id) || (any_refusal(broken) && any_refusal(missing))
}

/// Can a request of `ep` carry the record field at this dotted path?
pub(crate) fn writable(v: &Vendor, ep: &Endpoint, path: &str) -> bool {
    let names = v.transport.names;
    if ep.operation.stores.values().any(|to| to == path) {
        return true;
    }
    let first = path.split('.').next().unwrap_or("");
    let top: &[Field] = match ep.operation.record_member.as_deref().and_then(|m| ep.field(m)) {
        Some(Field {
            ty: Type::Object { fields, .. },
            ..
        }) if ep.field(first).is_none() => fields,
        _ => &ep.request,
    };
    let mut fields = top;
    let segs: Vec<&str> = path.split('.').collect();
    for (i, seg) in segs.iter().enumerate() {
        let Some(f) = fields.iter().find(|f| names.matches(&f.name, seg)) else {
            return false;
        };
        if i + 1 == segs.len() {
            return true;
        }
        fields = match &f.ty {
            Type::Object { fields, .. } => fields,
            Type::Array { items } => match items.as_ref() {
                Type::Object { fields, .. } => fields,
                _ => return false,
            },
            Type::Scalar { .. } => return false,
        };
    }
    false
}

/// Catalogue entries the engine can answer with: those the IR names for a
/// situation, and the catch-all entry. (RPM's daily-limit answer is
/// documented but this server has no usage limit.)
fn reachable_entries(v: &Vendor) -> BTreeSet<String> {
    // The first documented answer of each situation is the one served.
    let mut ids: Vec<Option<&String>> = vec![
        v.auth.on_missing.first(),
        v.auth.on_malformed.first(),
        v.auth.on_rejected.first(),
        v.auth.on_expired.first(),
        v.transport.on_wrong_method.first(),
        v.transport.on_invalid_json.first(),
        v.transport.on_unknown_route.first(),
        v.transport.on_rule_violation.first(),
    ];
    for ep in &v.endpoints {
        ids.push(ep.on_rule_violation.first());
        ids.push(ep.operation.on_not_found.as_ref());
        ids.push(ep.operation.on_duplicate.as_ref());
        for (_, r) in ep.all_rules() {
            ids.push(r.on_violation.as_ref());
        }
        walk_fields(&ep.request, &mut |n| {
            if !n.item {
                ids.push(n.field.refers_to.as_ref().and_then(|r| r.on_missing.as_ref()));
            }
        });
    }
    let mut out: BTreeSet<String> = ids.into_iter().flatten().cloned().collect();
    if let Some(e) = v.errors.iter().find(|e| matches!(e.message, MessageRule::Any) && e.body.is_none()) {
        out.insert(e.id.clone());
    }
    out
}

/// The faults switched on for a run.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    on: BTreeSet<Fault>,
}

impl Faults {
    /// Resolves `--fault` arguments against the vendor's catalogue.
    pub fn parse(v: &Vendor, names: &[String]) -> Result<Faults, String> {
        let cat = catalogue(v);
        let mut on = BTreeSet::new();
        for n in names {
            match cat.iter().find(|f| &f.name == n) {
                Some(f) => {
                    on.insert(f.fault.clone());
                }
                None => {
                    return Err(format!(
                        "unknown fault `{n}` for {}; `--list-faults` prints the {} available",
                        v.name,
                        cat.len()
                    ));
                }
            }
        }
        Ok(Faults { on })
    }

    pub fn has(&self, f: &Fault) -> bool {
        self.on.contains(f)
    }

    /// Does a switch break this catalogue entry's status, code or message?
    pub fn breaks_entry(&self, id: &str) -> bool {
        [
            Fault::WrongStatus(id.into()),
            Fault::WrongCode(id.into()),
            Fault::WrongMessage(id.into()),
        ]
        .iter()
        .any(|f| self.has(f))
    }

    pub fn is_empty(&self) -> bool {
        self.on.is_empty()
    }

    pub fn ignores_rule(&self, id: &str) -> bool {
        self.on.iter().any(|f| matches!(f, Fault::IgnoreRule(r) if r == id))
    }

    pub fn envelope_drops(&self, success: bool) -> impl Iterator<Item = &str> {
        self.on.iter().filter_map(move |f| match f {
            Fault::EnvelopeDrop { success: s, pointer } if *s == success => Some(pointer.as_str()),
            _ => None,
        })
    }
}
