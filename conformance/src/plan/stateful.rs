//! Stateful checks: create then read back, update then read back, duplicates,
//! missing records and references, delete twice, documented read-back quirks.

use super::*;
use build::{Built, field_at, is_credential, join};
use erpspec_model::answers::Situation;
use erpspec_model::check_id::{CheckId, EndpointPart};
use erpspec_model::ir::{Endpoint, Field, OperationKind, QuirkKind, Resource, Type};
use erpspec_rules::{ScalarType, Strength};
use serde_json::{Value, json};

/// Assertions that a record read back holds what `body` wrote.
pub fn read_back_asserts(p: &Planner, writer: &Endpoint, reader: &Endpoint, body: &Value, include_fields: Option<&[Field]>) -> Vec<Assert> {
    let v = &p.t.vendor;
    let names = v.transport.names;
    let padded = reader.quirks.iter().any(|q| matches!(q.kind, QuirkKind::PadsStrings { .. }));
    let mut out = Vec::new();
    let resp_fields: &[Field] = include_fields.unwrap_or(&reader.response.fields);
    // Values the server assigns whatever is written (those it keeps when
    // given, `unless_given`, read back as written).
    let assigned: Vec<String> = p
        .resource(writer)
        .map(|r| r.assigned.iter().filter(|a| !a.unless_given).map(|a| a.field.clone()).collect())
        .unwrap_or_default();
    // A parent's primary-child flag moves when a sibling takes it, which
    // another check may do at any time: it is not read back as written.
    let primary_flags: Vec<&str> = p
        .resource(writer)
        .map(|r| {
            v.resources
                .iter()
                .flat_map(|parent| &parent.includes)
                .filter(|i| i.resource == r.name)
                .filter_map(|i| i.primary.as_deref())
                .collect()
        })
        .unwrap_or_default();
    let mut leaves = Vec::new();
    flatten(body, &mut Vec::new(), &mut leaves);
    let member = writer.operation.record_member.as_deref();
    for (path, value) in leaves {
        if path.len() == 1 && is_credential(v, &path[0]) {
            continue;
        }
        if path.last().is_some_and(|leaf| primary_flags.contains(&leaf.as_str())) && path.len() <= 2 {
            continue;
        }
        // Record spelling of the top-level name (`stores`, case).
        let mut rpath = path.clone();
        let top_index = usize::from(member.is_some_and(|m| path.first().map(String::as_str) == Some(m)));
        if let Some(seg) = rpath.get_mut(top_index) {
            *seg = p.record_name(writer, seg);
        }
        if assigned.iter().any(|a| {
            a.split('.').collect::<Vec<_>>()
                == rpath
                    .iter()
                    .filter(|s| s.parse::<usize>().is_err())
                    .map(String::as_str)
                    .collect::<Vec<_>>()
        }) {
            continue;
        }
        let declared = declared_scalar_at(resp_fields, &rpath, names).or_else(|| {
            (top_index == 1)
                .then(|| declared_scalar_at(resp_fields, &rpath[1..], names))
                .flatten()
        });
        // A value that is no value of the type the answer documents there
        // (free text written to a boolean column): the docs do not say how
        // it reads back.
        match declared {
            Some(ty) if erpspec_rules::coerce_scalar(ty, &value, true).is_ok() => {}
            _ => continue,
        }
        // A documented read-back quirk changes what is read.
        let within: Vec<String> = rpath[top_index..].to_vec();
        let (expected, compare, because) = read_back_as(writer, &within, &value, padded);
        out.push(Assert {
            path: rpath,
            value: expected,
            compare,
            because,
        });
    }
    out
}

/// What a value written at `within` (a path inside the record) reads back
/// as under the writer's documented quirks: the value, how it is compared,
/// and why.
fn read_back_as(writer: &Endpoint, within: &[String], value: &Value, padded: bool) -> (Value, Compare, String) {
    let mut expected = value.clone();
    let mut because = format!("written by {}", writer.id);
    let mut compare = if padded { Compare::Trimmed } else { Compare::Exact };
    for q in &writer.quirks {
        if let QuirkKind::ReadsBackAs {
            path: pattern,
            written,
            read,
        } = &q.kind
            && pattern_matches(pattern, within)
            && value == written
        {
            expected = read.clone();
            because = format!("quirk {}: {}", q.id, q.description.trim());
        }
        // A date reads back as the same date-time in the quirk's format.
        if let QuirkKind::DatesReadBackAs { paths, format } = &q.kind
            && paths.iter().any(|pattern| pattern_matches(pattern, within))
            && let Some(date) = value.as_str().and_then(|s| erpspec_rules::reformat_date(s, *format))
        {
            expected = json!(date);
            compare = Compare::DateTime;
            because = format!("quirk {}: {}", q.id, q.description.trim());
        }
    }
    (expected, compare, because)
}

pub(crate) fn flatten(v: &Value, at: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                at.push(k.clone());
                flatten(x, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                at.push(i.to_string());
                flatten(x, at, out);
                at.pop();
            }
        }
        Value::Null => {}
        scalar => out.push((at.clone(), scalar.clone())),
    }
}

pub(crate) fn pattern_matches(pattern: &str, path: &[String]) -> bool {
    let segs = pointer_segments(pattern);
    segs.len() == path.len() && segs.iter().zip(path).all(|(s, p)| s == "*" || s == p)
}

pub(crate) fn declared_at(fields: &[Field], path: &[String], names: erpspec_rules::NameMatching) -> bool {
    declared_scalar_at(fields, path, names).is_some()
}

/// The scalar type declared at a record path, if a scalar is declared there.
pub(crate) fn declared_scalar_at(fields: &[Field], path: &[String], names: erpspec_rules::NameMatching) -> Option<ScalarType> {
    let (first, rest) = path.split_first()?;
    let f = fields.iter().find(|f| names.matches(&f.name, first))?;
    let mut ty = &f.ty;
    let mut rest = rest;
    loop {
        match ty {
            Type::Scalar { scalar } if rest.is_empty() => return Some(*scalar),
            Type::Array { items } if rest.first().is_some_and(|s| s.parse::<usize>().is_ok()) => {
                ty = items;
                rest = &rest[1..];
            }
            Type::Object { fields, .. } if !rest.is_empty() => return declared_scalar_at(fields, rest, names),
            _ => return None,
        }
    }
}

impl Planner<'_> {
    /// The read of a record a step created: the reader with its identity
    /// taken from that record; for a resource read through its parent
    /// (RPM contacts inside `Customer`), the parent's read and where the
    /// record sits in it.
    pub(crate) fn read_after(&mut self, resource: &Resource, from_step: usize) -> Option<(Step, &'static str, Option<Vec<Field>>)> {
        let v = self.v();
        if let Some(reader) = self.reader(&resource.name) {
            let built = self.base(reader);
            let mut body = built.body.clone();
            let mut fills = Vec::new();
            if reader.operation.kind == OperationKind::Query {
                // Query by the record's key only.
                body = json!({});
                for k in &resource.key {
                    if reader.field(k).is_some() {
                        fills.push(Fill::from_step(from_step, vec![k.clone()], vec![k.clone()]));
                    }
                }
            } else {
                fills = build::identity_from(&built.identity, from_step);
            }
            let mut step = self.step(reader, body, Presenting::Valid, success());
            step.fills = fills;
            let name: &'static str = Box::leak(reader.id.clone().into_boxed_str());
            return Some((step, name, None));
        }
        // Read through a parent that includes this resource.
        let (parent, inc) = v
            .resources
            .iter()
            .find_map(|r| r.includes.iter().find(|i| i.resource == resource.name).map(|i| (r, i)))?;
        let reader = self.reader(&parent.name)?;
        let built = self.base(reader);
        let mut step = self.step(reader, built.body, Presenting::Valid, success());
        step.locate = Some(Locate {
            member: inc.member.clone(),
            key: resource.key.first()?.split('.').map(str::to_string).collect(),
            from_step,
        });
        let item_fields = reader
            .response
            .fields
            .iter()
            .find(|f| f.name == inc.member)
            .and_then(|f| match &f.ty {
                Type::Array { items } => match items.as_ref() {
                    Type::Object { fields, .. } => Some(fields.clone()),
                    _ => None,
                },
                _ => None,
            });
        let name: &'static str = Box::leak(reader.id.clone().into_boxed_str());
        Some((step, name, item_fields))
    }

    pub(crate) fn stateful_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let mut out = Vec::new();
        let Some(resource) = self.resource(ep) else { return out };
        let kind = ep.operation.kind;
        match kind {
            OperationKind::Create => {
                out.extend(self.read_back_checks(ep, resource));
                out.extend(self.duplicate_create(ep, resource));
            }
            OperationKind::Update => out.extend(self.update_checks(ep, resource)),
            _ => {}
        }
        out.extend(self.list_checks(ep));
        out.extend(self.include_if_checks(ep));
        if kind == OperationKind::Create {
            out.extend(self.primary_child_checks(ep, resource));
        }
        if matches!(kind, OperationKind::Create | OperationKind::Update) {
            out.extend(self.missing_reference_checks(ep));
        }
        if matches!(kind, OperationKind::Read | OperationKind::Update | OperationKind::Delete) {
            out.extend(self.not_found_check(ep));
        }
        if kind == OperationKind::Delete {
            out.extend(self.delete_twice_check(ep));
        }
        out
    }

    /// Create, then read back as written; the create's and the reader's
    /// documented read-back quirks.
    fn read_back_checks(&mut self, ep: &Endpoint, resource: &Resource) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        let rule = |part| CheckId::endpoint(v, ep, part);
        let built = self.base(ep);
        if let Some((mut read, reader_id, include_fields)) = self.read_after(resource, 0) {
            let reader = v.endpoint(reader_id).unwrap_or(ep);
            let asserts = read_back_asserts(self, ep, reader, &built.body, include_fields.as_deref());
            read.expect = Expect::Success { asserts };
            out.push(Check::of(
                v,
                ep,
                "stateful.read_back",
                Family::Stateful,
                rule(EndpointPart::Operation),
                format!("a created record reads back through {reader_id} as written"),
                vec![self.step(ep, built.body.clone(), Presenting::Valid, success()), read],
            ));
            out.extend(self.dates_quirk_checks(ep, reader));
            out.extend(self.padded_checks(ep, resource, reader));
        }
        out
    }

    /// Padding the docs show is a warning when absent.
    fn padded_checks(&mut self, ep: &Endpoint, resource: &Resource, reader: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        for q in &reader.quirks {
            if let QuirkKind::PadsStrings { unpadded } = &q.kind {
                let built = self.base(ep);
                let Some((mut read, _, _)) = self.read_after(resource, 0) else {
                    continue;
                };
                let asserts: Vec<Assert> = read_back_asserts(self, ep, reader, &built.body, None)
                    .into_iter()
                    .filter(|a| a.value.is_string() && !unpadded.iter().any(|u| a.path.last() == Some(u)))
                    .map(|a| Assert {
                        compare: Compare::Padded,
                        because: format!("quirk {}: {}", q.id, q.description.trim()),
                        ..a
                    })
                    .collect();
                if asserts.is_empty() {
                    continue;
                }
                read.expect = Expect::Success { asserts };
                out.push(Check {
                    id: format!("{}.{}.quirks.{}", v.name, reader.id, q.id),
                    family: Family::Stateful,
                    removable: Vec::new(),
                    endpoint: Some(reader.id.clone()),
                    rule: CheckId::quirk(v, reader, &q.id),
                    // The pages show padded values and warn that
                    // clients must trim; they do not say every
                    // value is padded.
                    strength: Strength::Implied,
                    note: Some(format!(
                        "{} Padding is allowed, not promised for every value.",
                        q.description.trim()
                    )),
                    sources: q.sources.clone(),
                    what: "text written comes back padded with spaces, as the docs show".into(),
                    steps: vec![self.step(ep, built.body, Presenting::Valid, success()), read],
                });
            }
        }
        out
    }

    /// The same key (or unique value) twice.
    fn duplicate_create(&mut self, ep: &Endpoint, resource: &Resource) -> Option<Check> {
        let v = self.v();
        let op = &ep.operation;
        let rule = |part| CheckId::endpoint(v, ep, part);
        let mut dup = self.base(ep);
        let chosen: Vec<&Field> = ep
            .request
            .iter()
            .chain(
                op.record_member
                    .as_deref()
                    .and_then(|m| ep.field(m))
                    .and_then(|f| match &f.ty {
                        Type::Object { fields, .. } => Some(fields.iter()),
                        _ => None,
                    })
                    .into_iter()
                    .flatten(),
            )
            .filter(|f| {
                let r = self.record_name(ep, &f.name);
                f.refers_to.is_none()
                    && !self.t.fixtures.contains_key(&f.name)
                    && (resource.key.contains(&r) || resource.unique.contains(&r))
            })
            .collect();
        if chosen.is_empty() {
            return None;
        }
        let names = v.transport.names;
        for f in &chosen {
            let path = match &op.record_member {
                Some(m) if ep.field(&f.name).is_none() => vec![m.clone(), f.name.clone()],
                _ => vec![f.name.clone()],
            };
            if !present(&dup.body, &path, names) {
                let fresh = self.fresh_value(ep, f);
                set_path(&mut dup.body, &path, fresh, names);
            }
        }
        let s = Situation::Duplicate;
        // A key the server assigns, sent by the client: the pages
        // do not say it is kept, so its uniqueness is implied.
        let client_keys = v.client_keys(ep);
        let implied = chosen.iter().all(|f| client_keys.contains(&f.name));
        Some(Check {
            id: format!("{}.{}.stateful.duplicate", v.name, ep.id),
            family: Family::Stateful,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: rule(EndpointPart::OnDuplicate),
            strength: if implied { Strength::Implied } else { Strength::Documented },
            note: implied.then(|| v.implied_note(erpspec_model::ir::Inference::ClientKey)),
            sources: ep.sources.clone(),
            what: format!(
                "a second create with the same {} is refused",
                chosen.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
            steps: vec![
                self.step(ep, dup.body.clone(), Presenting::Valid, success()),
                self.step(ep, dup.body, Presenting::Valid, refusal(v, Some(ep), &s)),
            ],
        })
    }

    /// An update's checks against records made for them: read back, omitted
    /// members, merged lists, duplicates; children's updates on fresh parents.
    fn update_checks(&mut self, ep: &Endpoint, resource: &Resource) -> Vec<Check> {
        let mut out = Vec::new();
        if let Some(creator) = self.creator(&resource.name) {
            out.extend(self.update_read_back(ep, creator, resource));
            out.extend(self.clears_omitted_check(ep, creator, resource));
            out.extend(self.merge_items_checks(ep, creator, resource));
            out.extend(self.duplicate_update(ep, creator, resource));
        } else {
            out.extend(self.child_update_checks(ep, resource));
        }
        out
    }

    /// References to records that do not exist.
    fn missing_reference_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let mut out = Vec::new();
        for f in ep.request.iter().filter(|f| f.refers_to.is_some()) {
            let Some(r) = &f.refers_to else { continue };
            let mut built = self.base(ep);
            let missing = self.missing_value(f);
            built.body[&f.name] = missing;
            let s = Situation::MissingReference(r);
            out.push(Check {
                id: format!("{}.{}.{}.refers_to.missing", v.name, ep.id, f.name),
                family: Family::Stateful,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: CheckId::endpoint(v, ep, EndpointPart::RefersTo(&f.name)),
                // Where the docs give the answer ("Customer not found") a
                // server must refuse; where they say nothing, the refusal
                // is the schema's reading of the reference: a warning.
                strength: if r.on_missing.is_some() {
                    Strength::Documented
                } else {
                    Strength::Implied
                },
                note: r
                    .on_missing
                    .is_none()
                    .then(|| v.implied_note(erpspec_model::ir::Inference::MissingReference)),
                sources: f.sources.clone(),
                what: format!("a {} naming no {} is refused", f.name, r.resource),
                steps: vec![self.step(ep, built.body, Presenting::Valid, refusal(v, Some(ep), &s))],
            });
        }
        out
    }

    /// A record that does not exist is refused.
    fn not_found_check(&mut self, ep: &Endpoint) -> Option<Check> {
        let v = self.v();
        let mut built = self.base(ep);
        let names = v.transport.names;
        for (path, _) in &built.identity.clone() {
            if let Some(f) = field_at(ep, path) {
                let missing = self.missing_value(&f);
                set_path(&mut built.body, path, missing, names);
            }
        }
        if built.identity.is_empty() {
            return None;
        }
        let s = Situation::NotFound;
        Some(Check::of(
            v,
            ep,
            "stateful.not_found",
            Family::Stateful,
            CheckId::endpoint(v, ep, EndpointPart::OnNotFound),
            "a record that does not exist is refused",
            vec![self.step(ep, built.body, Presenting::Valid, refusal(v, Some(ep), &s))],
        ))
    }

    /// A created record is deleted, and a second delete is refused.
    fn delete_twice_check(&mut self, ep: &Endpoint) -> Option<Check> {
        let v = self.v();
        let built = self.base(ep);
        let mut steps = self.on_fresh_record(ep, built, Presenting::Valid, success());
        if steps.len() != 2 {
            return None;
        }
        let mut again = steps[1].clone();
        again.expect = refusal(v, Some(ep), &Situation::NotFound);
        steps.push(again);
        Some(Check::of(
            v,
            ep,
            "stateful.delete",
            Family::Stateful,
            CheckId::endpoint(v, ep, EndpointPart::Operation),
            "a created record is deleted, and a second delete is refused",
            steps,
        ))
    }

    /// Create, update one field, read back: the field changed and what the
    /// update did not send is unchanged.
    pub(crate) fn update_read_back(&mut self, ep: &Endpoint, creator: &Endpoint, resource: &Resource) -> Option<Check> {
        let v = self.v();
        let created = self.base(creator);
        let (mut read, reader_id, include_fields) = self.read_after(resource, 0)?;
        let reader = v.endpoint(reader_id)?;
        let update = self.base(ep);
        let (scope, fields) = record_scope(ep);
        let shown = include_fields.as_deref().unwrap_or(&reader.response.fields);
        let change = self.field_to_change(ep, resource, &update, shown, (&scope, fields))?;
        let new_value = json!(self.uniq.text());
        let change_path = join(&scope, &change.name);
        let upd = self.update_of(ep, &update, (&scope, fields), &change_path, new_value.clone());
        let mut asserts = read_back_asserts(self, creator, reader, &created.body, include_fields.as_deref());
        let changed_record_path = {
            let mut p = change_path.clone();
            let top = usize::from(!scope.is_empty());
            p[top] = self.record_name(ep, &change.name);
            p
        };
        // Members the update clears when left out (a contested reading) are
        // not held to their created values.
        let cleared: Vec<String> = ep.operation.clears_omitted.iter().flat_map(|c| c.fields.clone()).collect();
        asserts.retain(|a| {
            let strip = |p: &[String]| p.iter().filter(|s| Some(*s) != scope.first()).cloned().collect::<Vec<_>>();
            strip(&a.path) != strip(&changed_record_path) && !strip(&a.path).first().is_some_and(|f| cleared.contains(f))
        });
        asserts.push(Assert {
            path: changed_record_path,
            value: new_value,
            compare: asserts.first().map(|a| a.compare).unwrap_or(Compare::Exact),
            because: format!("written by {}", ep.id),
        });
        read.expect = Expect::Success { asserts };
        Some(Check {
            id: format!("{}.{}.stateful.update_read_back", v.name, ep.id),
            family: Family::Stateful,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: CheckId::endpoint(v, ep, EndpointPart::Operation),
            strength: Strength::Documented,
            note: None,
            sources: ep.sources.clone(),
            what: format!(
                "an update of {} reads back changed, with what it did not send unchanged",
                change.name
            ),
            steps: vec![self.step(creator, created.body, Presenting::Valid, success()), upd, read],
        })
    }

    /// The field an update changes: a plain text field of the record, not
    /// naming it, that the read shows.
    fn field_to_change<'e>(
        &self,
        ep: &Endpoint,
        resource: &Resource,
        update: &Built,
        shown: &[Field],
        (scope, fields): (&[String], &'e [Field]),
    ) -> Option<&'e Field> {
        let v = self.v();
        let names = v.transport.names;
        let op = &ep.operation;
        let identity: Vec<&str> = update.identity.iter().filter_map(|(p, _)| p.last().map(String::as_str)).collect();
        fields.iter().find(|f| {
            f.ty.scalar() == Some(ScalarType::String)
                && f.rules.is_empty()
                && f.refers_to.is_none()
                && !is_credential(v, &f.name)
                && !identity.contains(&f.name.as_str())
                && !op.lookup.iter().any(|l| l.field == f.name)
                && !resource.unique.contains(&self.record_name(ep, &f.name))
                && {
                    let name = self.record_name(ep, &f.name);
                    declared_at(shown, std::slice::from_ref(&name), names) || declared_at(shown, &join(scope, &name), names)
                }
        })
    }

    /// The update step: the record named from step 0's record, the one
    /// member changed, and the other members a rule requires kept from the
    /// base update (RPM's Customer object, CustomerContactEdit's FirstName).
    fn update_of(
        &self,
        ep: &Endpoint,
        update: &Built,
        (scope, fields): (&[String], &[Field]),
        change_path: &[String],
        new_value: Value,
    ) -> Step {
        let v = self.v();
        let names = v.transport.names;
        let mut body = json!({});
        let mut fills = Vec::new();
        for (into, record_path) in &update.identity {
            fills.push(Fill::from_step(0, record_path.clone(), into.clone()));
            set_path(&mut body, into, json!(null), names);
        }
        set_path(&mut body, change_path, new_value, names);
        for f in ep.request.iter().filter(|f| f.required && !is_credential(v, &f.name)) {
            if !present(&body, std::slice::from_ref(&f.name), names)
                && !update.identity.iter().any(|(p, _)| p.first() == Some(&f.name))
                && let Some(x) = update.body.get(&f.name)
            {
                body[&f.name] = x.clone();
            }
        }
        for f in fields.iter().filter(|f| f.required && !scope.is_empty()) {
            let path = join(scope, &f.name);
            if !present(&body, &path, names)
                && let Some(x) = get_path(v, &update.body, &path)
            {
                set_path(&mut body, &path, x.clone(), names);
            }
        }
        let mut upd = self.step(ep, body, Presenting::Valid, success());
        upd.fills = fills;
        upd
    }
}

/// The members an endpoint's record is written in: its record member's
/// (with that member as the scope), or the request's.
fn record_scope(ep: &Endpoint) -> (Vec<String>, &[Field]) {
    match ep.operation.record_member.as_deref().and_then(|m| ep.field(m)) {
        Some(Field {
            ty: Type::Object { fields, .. },
            name,
            ..
        }) => (vec![name.clone()], fields),
        _ => (vec![], &ep.request),
    }
}

impl Planner<'_> {
    /// Create two records, then give the second the first one's unique
    /// value: refused.
    pub(crate) fn duplicate_update(&mut self, ep: &Endpoint, creator: &Endpoint, resource: &Resource) -> Option<Check> {
        let v = self.v();
        let names = v.transport.names;
        let update = self.base(ep);
        let identity: Vec<&str> = update.identity.iter().filter_map(|(p, _)| p.last().map(String::as_str)).collect();
        let (scope, fields) = record_scope(ep);
        let unique = fields
            .iter()
            .find(|f| !identity.contains(&f.name.as_str()) && resource.unique.contains(&self.record_name(ep, &f.name)))?;
        let record_field = self.record_name(ep, &unique.name);
        let (first, second) = (self.base(creator), self.base(creator));
        let mut body = json!({});
        let mut fills = Vec::new();
        for (into, record_path) in &update.identity {
            set_path(&mut body, into, json!(null), names);
            fills.push(Fill::from_step(1, record_path.clone(), into.clone()));
        }
        let into = join(&scope, &unique.name);
        set_path(&mut body, &into, json!(null), names);
        fills.push(Fill::from_step(0, vec![record_field.clone()], into));
        let mut step = self.step(ep, body, Presenting::Valid, refusal(v, Some(ep), &Situation::Duplicate));
        step.fills = fills;
        Some(Check {
            id: format!("{}.{}.stateful.duplicate", v.name, ep.id),
            family: Family::Stateful,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: CheckId::endpoint(v, ep, EndpointPart::OnDuplicate),
            strength: Strength::Documented,
            note: None,
            sources: ep.sources.clone(),
            what: format!("giving a record another record's {record_field} is refused"),
            steps: vec![
                self.step(creator, first.body, Presenting::Valid, success()),
                self.step(creator, second.body, Presenting::Valid, success()),
                step,
            ],
        })
    }
}

impl Planner<'_> {
    /// A create's `dates_read_back_as` quirk: the record created with a
    /// date in each of the quirk's fields (a value its documented rules
    /// accept, so every reading of the docs accepts it) reads back with each
    /// date in the quirk's format.
    pub(crate) fn dates_quirk_checks(&mut self, ep: &Endpoint, reader: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let names = v.transport.names;
        let mut out = Vec::new();
        let Some(resource) = self.resource(ep) else { return out };
        for q in &ep.quirks {
            let QuirkKind::DatesReadBackAs { paths, .. } = &q.kind else {
                continue;
            };
            let mut built = self.base(ep);
            let mut dates = json!({});
            for f in &ep.request {
                let record = self.record_name(ep, &f.name);
                let dated = f.rules.iter().any(|r| {
                    matches!(r.kind, erpspec_rules::RuleKind::Format { format } if erpspec_rules::kinds::format::DATE_FORMATS.contains(&format))
                });
                let documented = f.rules.iter().all(|r| r.strength == erpspec_rules::Strength::Documented);
                if dated && documented && paths.iter().any(|p| pattern_matches(p, std::slice::from_ref(&record))) {
                    let value = self.valid_value(f);
                    set_path(&mut built.body, std::slice::from_ref(&f.name), value.clone(), names);
                    dates[&f.name] = value;
                }
            }
            if dates.as_object().is_none_or(|m| m.is_empty()) {
                continue;
            }
            let Some((mut read, _, include_fields)) = self.read_after(resource, 0) else {
                continue;
            };
            let asserts = read_back_asserts(self, ep, reader, &dates, include_fields.as_deref());
            if !asserts.iter().any(|a| a.compare == Compare::DateTime) {
                continue;
            }
            read.expect = Expect::Success { asserts };
            out.push(Check {
                id: format!("{}.{}.quirks.{}", v.name, ep.id, q.id),
                family: Family::Stateful,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: CheckId::quirk(v, ep, &q.id),
                strength: Strength::Documented,
                note: None,
                sources: q.sources.clone(),
                what: format!(
                    "dates written ({}) read back in the documented format",
                    dates
                        .as_object()
                        .map(|m| m.keys().cloned().collect::<Vec<_>>().join(", "))
                        .unwrap_or_default()
                ),
                steps: vec![self.step(ep, built.body, Presenting::Valid, success()), read],
            });
        }
        out
    }
}
