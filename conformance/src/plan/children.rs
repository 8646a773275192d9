//! Stateful checks on records no endpoint creates by themselves: children a
//! parent's create makes from one of its lists (RPM CustomerAdd's
//! `Locations`, edited by CustomerLocationEdit). Each check creates a fresh
//! parent with its own children, so concurrent checks never touch them.

use super::*;
use build::{is_credential, join};
use erpspec_model::check_id::{CheckId, EndpointPart};
use erpspec_model::ir::{Endpoint, Field, Include, Resource, Type};
use erpspec_rules::{ScalarType, Strength};
use serde_json::{Value, json};

/// A parent resource's create that makes records of `child` from a list
/// member, and that include.
pub(crate) fn parent_creator<'t>(p: &Planner<'t>, child: &Resource) -> Option<(&'t Endpoint, &'t Resource, &'t Include)> {
    let v = p.v();
    v.resources.iter().find_map(|parent| {
        let inc = parent.includes.iter().find(|i| i.resource == child.name)?;
        Some((p.creator(&parent.name)?, parent, inc))
    })
}

impl Planner<'_> {
    /// The checks of an update of a child resource without a create of its
    /// own: it reads back as written, and a value unique within its parent
    /// cannot be taken from a sibling.
    pub(crate) fn child_update_checks(&mut self, ep: &Endpoint, child: &Resource) -> Vec<Check> {
        let Some((creator, parent, inc)) = parent_creator(self, child) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        out.extend(self.child_update_read_back(ep, child, creator, parent, inc));
        out.extend(self.child_duplicate_within(ep, child, creator, inc));
        out.extend(self.child_primary_updates(ep, child, creator, parent, inc));
        out
    }

    /// A parent's one primary child: an update making a second child
    /// primary clears the first one's flag. Where the pages give the flag
    /// another type too (a sample's `<int>`), once with each type's `true`:
    /// a server reading the flag one way may refuse the other, which leaves
    /// that check inconclusive, not failed.
    fn child_primary_updates(
        &mut self,
        ep: &Endpoint,
        child: &Resource,
        creator: &Endpoint,
        parent: &Resource,
        inc: &Include,
    ) -> Vec<Check> {
        let Some(flag) = inc.primary.as_ref() else { return Vec::new() };
        let Some(field) = record_fields(ep).iter().find(|f| &f.name == flag) else {
            return Vec::new();
        };
        let mut trues = vec![(String::new(), json!(true))];
        for t in field.other_types.iter().flat_map(|o| &o.types) {
            let value = match t {
                ScalarType::String => json!("true"),
                ScalarType::Integer | ScalarType::Number => json!(1),
                ScalarType::Boolean => json!(true),
            };
            trues.push((format!(".as_{}", t.json_schema_type()), value));
        }
        let contested = trues.len() > 1;
        trues
            .into_iter()
            .filter_map(|(suffix, on)| {
                let mut c = self.child_primary_update(ep, child, creator, parent, inc, (on, contested))?;
                c.id.push_str(&suffix);
                Some(c)
            })
            .collect()
    }

    /// One of [`Self::child_primary_updates`]: `on` is the flag's `true`,
    /// and whether the flag's type is contested.
    fn child_primary_update(
        &mut self,
        ep: &Endpoint,
        child: &Resource,
        creator: &Endpoint,
        parent: &Resource,
        inc: &Include,
        (on, flag_contested): (Value, bool),
    ) -> Option<Check> {
        let v = self.v();
        let names = v.transport.names;
        let flag = inc.primary.clone()?;
        let label = child.unique_within.keys().next()?.clone();
        let reader = self.reader(&parent.name)?;
        let (first, second) = (self.uniq.text(), self.uniq.text());
        let items = vec![
            json!({ label.clone(): first, flag.clone(): true }),
            json!({ label.clone(): second }),
        ];
        let create = self.parent_with_children(creator, inc, items);
        let (mut body, fills) = self.update_of_child(ep, parent, inc, 1);
        let scope: Vec<String> = ep.operation.record_member.iter().cloned().collect();
        set_path(&mut body, &join(&scope, &label), json!(second), names);
        set_path(&mut body, &join(&scope, &flag), on, names);
        let mut upd = self.step(ep, body, Presenting::Valid, success());
        upd.fills = fills;
        // Where the pages give the flag another type too (a sample's
        // `<int>`), a server reading it so may refuse `true`: that leaves
        // the check inconclusive, not failed.
        upd.precondition = flag_contested;
        let item = |l: &str| vec![inc.member.clone(), item_where(std::slice::from_ref(&label), l), flag.clone()];
        let asserts = vec![
            Assert {
                path: item(&second),
                value: json!(true),
                compare: Compare::Exact,
                because: format!("{} made it primary", ep.id),
            },
            Assert {
                path: item(&first),
                value: json!(false),
                compare: Compare::Exact,
                because: format!("a {} has one primary {}", parent.name, inc.member),
            },
        ];
        let read = self.read_created(reader, asserts);
        Some(Check {
            id: format!("{}.{}.stateful.{}.primary", v.name, ep.id, inc.member),
            family: Family::Stateful,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: CheckId::included_primary(v, &parent.name, &inc.member),
            strength: Strength::Documented,
            note: None,
            sources: parent.sources.clone(),
            what: format!(
                "a {} has one primary {}: making a second one primary clears the first",
                parent.name, inc.member
            ),
            steps: vec![create, upd, read],
        })
    }

    /// A read of the record the check's step 0 created, through `reader`,
    /// its identity taken from that step's answer.
    pub(crate) fn read_created(&mut self, reader: &Endpoint, asserts: Vec<Assert>) -> Step {
        let built = self.base(reader);
        let mut read = self.step(reader, built.body, Presenting::Valid, Expect::Success { asserts });
        read.fills = build::identity_from(&built.identity, 0);
        read
    }

    /// The parent's create with `items` as its list of children.
    fn parent_with_children(&mut self, creator: &Endpoint, inc: &Include, items: Vec<Value>) -> Step {
        let mut built = self.base(creator);
        let names = self.v().transport.names;
        let path = join(creator.operation.record_member.as_slice(), &inc.member);
        set_path(&mut built.body, &path, Value::Array(items), names);
        self.step(creator, built.body, Presenting::Valid, success())
    }

    /// A child item with fresh values for the members unique within its
    /// parent (a location's Name).
    fn fresh_item(&mut self, child: &Resource) -> (Value, Vec<String>) {
        let mut item = json!({});
        let mut fresh = Vec::new();
        for field in child.unique_within.keys() {
            item[field] = json!(self.uniq.text());
            fresh.push(field.clone());
        }
        (item, fresh)
    }

    /// The update's body, its identity filled from child `index` of the
    /// parent created in step 0, and its references to the parent filled
    /// from that parent.
    fn update_of_child(&mut self, ep: &Endpoint, parent: &Resource, inc: &Include, index: usize) -> (Value, Vec<Fill>) {
        let names = self.v().transport.names;
        let update = self.base(ep);
        let mut body = update.body.clone();
        let mut fills = Vec::new();
        for (into, record_path) in &update.identity {
            let mut from = vec![inc.member.clone(), index.to_string()];
            from.extend(record_path.iter().cloned());
            fills.push(Fill::from_step(0, from, into.clone()));
        }
        for f in &ep.request {
            if let Some(r) = &f.refers_to
                && r.resource == parent.name
            {
                set_path(&mut body, std::slice::from_ref(&f.name), json!(null), names);
                fills.push(Fill::from_step(
                    0,
                    r.field.split('.').map(str::to_string).collect(),
                    vec![f.name.clone()],
                ));
            }
        }
        (body, fills)
    }

    fn child_update_read_back(
        &mut self,
        ep: &Endpoint,
        child: &Resource,
        creator: &Endpoint,
        parent: &Resource,
        inc: &Include,
    ) -> Option<Check> {
        let v = self.v();
        let names = v.transport.names;
        let reader = self.reader(&parent.name)?;
        let item_fields = include_item_fields(reader, &inc.member)?;
        let (item, _) = self.fresh_item(child);
        let create = self.parent_with_children(creator, inc, vec![item]);
        let (mut body, fills) = self.update_of_child(ep, parent, inc, 0);
        let member = ep.operation.record_member.clone();
        let scope: Vec<String> = member.iter().cloned().collect();
        let fields = record_fields(ep);
        let change = fields.iter().find(|f| {
            f.ty.scalar() == Some(ScalarType::String)
                && f.rules.is_empty()
                && !is_credential(v, &f.name)
                && !child.unique_within.contains_key(&f.name)
                && item_fields.iter().any(|g| names.matches(&g.name, &f.name))
        })?;
        let new_value = json!(self.uniq.text());
        set_path(&mut body, &join(&scope, &change.name), new_value.clone(), names);
        let mut upd = self.step(ep, body, Presenting::Valid, success());
        upd.fills = fills;
        let mut read = self.read_created(
            reader,
            vec![Assert {
                path: vec![change.name.clone()],
                value: new_value,
                compare: Compare::Trimmed,
                because: format!("written by {}", ep.id),
            }],
        );
        read.locate = Some(Locate {
            member: inc.member.clone(),
            key: child.key.first()?.split('.').map(str::to_string).collect(),
            from_step: 1,
        });
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
                "an update of {} of a record {} created reads back changed through {}",
                change.name, creator.id, reader.id
            ),
            steps: vec![create, upd, read],
        })
    }

    /// Two children of one fresh parent; giving the second the first one's
    /// value of a member unique within the parent is refused.
    fn child_duplicate_within(&mut self, ep: &Endpoint, child: &Resource, creator: &Endpoint, inc: &Include) -> Option<Check> {
        let v = self.v();
        let names = v.transport.names;
        let field = child.unique_within.keys().next()?.clone();
        let (first, _) = self.fresh_item(child);
        let (second, _) = self.fresh_item(child);
        let create = self.parent_with_children(creator, inc, vec![first, second]);
        let parent = v
            .resources
            .iter()
            .find(|r| r.includes.iter().any(|i| i.member == inc.member && i.resource == child.name))?;
        let (mut body, mut fills) = self.update_of_child(ep, parent, inc, 1);
        let scope: Vec<String> = ep.operation.record_member.iter().cloned().collect();
        let into = join(&scope, &field);
        set_path(&mut body, &into, json!(null), names);
        fills.push(Fill::from_step(0, vec![inc.member.clone(), "0".into(), field.clone()], into));
        let mut step = self.step(ep, body, Presenting::Valid, refusal(v, Some(ep), &Situation::Duplicate));
        step.fills = fills;
        Some(Check {
            id: format!("{}.{}.stateful.duplicate_within", v.name, ep.id),
            family: Family::Stateful,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: CheckId::endpoint(v, ep, EndpointPart::OnDuplicate),
            strength: Strength::Documented,
            note: None,
            sources: ep.sources.clone(),
            what: format!(
                "giving a {} another one's {field} within the same {} is refused",
                child.name, parent.name
            ),
            steps: vec![create, step],
        })
    }
}

/// The fields of an endpoint's record: its record member's, or the request's.
fn record_fields(ep: &Endpoint) -> &[Field] {
    match ep.operation.record_member.as_deref().and_then(|m| ep.field(m)).map(|f| &f.ty) {
        Some(Type::Object { fields, .. }) => fields,
        _ => &ep.request,
    }
}

/// The fields of the items of a reader's list member.
fn include_item_fields(reader: &Endpoint, member: &str) -> Option<Vec<Field>> {
    match &reader.response.fields.iter().find(|f| f.name == member)?.ty {
        Type::Array { items } => match items.as_ref() {
            Type::Object { fields, .. } => Some(fields.clone()),
            _ => None,
        },
        _ => None,
    }
}
