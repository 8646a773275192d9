//! Checks of what a create does with the record's lists
//! (`operation.creates`: default items, the one primary item, items whose
//! value another record has), of a parent's one primary child, of response
//! members a request flag leaves out, and of members an update clears.
//! Items are found by a label value the check gives them, never by their
//! position: the docs do not fix the order a server lists them in.

use super::*;
use build::join;
use erpspec_model::check_id::{CheckId, EndpointPart, ListRule};
use erpspec_model::ir::{ChildList, Endpoint, Field, Include, OperationKind, Pick, Resource, Type};
use erpspec_rules::{ScalarType, Strength};
use serde_json::{Value, json};

/// The fields of the items of list `member` of an endpoint's record.
fn list_item_fields<'e>(ep: &'e Endpoint, member: &str) -> &'e [Field] {
    let record: &[Field] = match ep.operation.record_member.as_deref().and_then(|m| ep.field(m)).map(|f| &f.ty) {
        Some(Type::Object { fields, .. }) => fields,
        _ => &ep.request,
    };
    match record.iter().find(|f| f.name == member).map(|f| &f.ty) {
        Some(Type::Array { items }) => match items.as_ref() {
            Type::Object { fields, .. } => fields,
            _ => &[],
        },
        _ => &[],
    }
}

/// A plain text member of the items that can tell them apart: a top-level
/// one, else one inside an object member (`Contact.FirstName`).
fn label_path(items: &[Field]) -> Option<Vec<String>> {
    let plain = |f: &&Field| f.ty.scalar() == Some(ScalarType::String) && f.rules.is_empty();
    if let Some(f) = items.iter().find(plain) {
        return Some(vec![f.name.clone()]);
    }
    items.iter().find_map(|f| match &f.ty {
        Type::Object { fields, .. } => fields.iter().find(plain).map(|g| vec![f.name.clone(), g.name.clone()]),
        _ => None,
    })
}

fn labelled(path: &[String], label: &str, flag: Option<(&str, bool)>) -> Value {
    let mut item = json!({});
    let mut at = &mut item;
    for (i, seg) in path.iter().enumerate() {
        at[seg] = if i + 1 == path.len() { json!(label) } else { json!({}) };
        at = &mut at[seg];
    }
    if let Some((f, on)) = flag {
        item[f] = json!(on);
    }
    item
}

impl Planner<'_> {
    /// Checks of a create's `operation.creates`.
    pub(crate) fn list_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        if ep.operation.kind != OperationKind::Create {
            return Vec::new();
        }
        let mut out = Vec::new();
        for list in &ep.operation.creates {
            out.extend(self.defaults_check(ep, list));
            out.extend(self.primary_checks(ep, list));
            out.extend(self.taken_check(ep, list));
        }
        out
    }

    /// A check of the list rule `part` (`when_none`, `primary`, `drop_taken`);
    /// `case` tells apart several checks of one rule.
    fn list_check(&self, ep: &Endpoint, list: &ChildList, rule: ListRule, case: Option<&str>, what: String, steps: Vec<Step>) -> Check {
        let v = self.v();
        let part = rule.key();
        let named = match case {
            Some(c) => format!("{part}.{c}"),
            None => part.to_string(),
        };
        Check {
            id: format!("{}.{}.stateful.{}.{named}", v.name, ep.id, list.member),
            family: Family::Stateful,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: CheckId::endpoint(
                v,
                ep,
                EndpointPart::Creates {
                    member: &list.member,
                    rule,
                },
            ),
            strength: Strength::Documented,
            note: None,
            sources: list.sources.clone(),
            what,
            steps,
        }
    }

    /// The create's base request with `items` as list `member` (`None`: left out).
    fn create_with(&mut self, ep: &Endpoint, member: &str, items: Option<Vec<Value>>, expect: Expect) -> Step {
        let names = self.v().transport.names;
        let mut built = self.base(ep);
        let path = join(ep.operation.record_member.as_slice(), member);
        match items {
            Some(items) => set_path(&mut built.body, &path, Value::Array(items), names),
            None => remove_path(&mut built.body, &path, names),
        }
        self.step(ep, built.body, Presenting::Valid, expect)
    }

    /// Given none, the create makes the documented items: the one default
    /// item is primary and has the primary's defaults.
    fn defaults_check(&mut self, ep: &Endpoint, list: &ChildList) -> Option<Check> {
        if list.when_none.len() != 1 {
            return None;
        }
        let m = &list.member;
        let mut asserts = Vec::new();
        let first = vec![m.clone(), "0".into()];
        if let Some(p) = &list.primary {
            asserts.push(Assert {
                path: join(&first, &p.flag),
                value: json!(true),
                compare: Compare::Exact,
                because: format!("the item made when a create gives no {m} is primary"),
            });
            for (k, value) in &list.primary_defaults {
                asserts.push(Assert {
                    path: join(&first, k),
                    value: value.clone(),
                    compare: Compare::Trimmed,
                    because: format!("the primary item of {m} without a {k} gets {value}"),
                });
            }
        }
        if asserts.is_empty() {
            return None;
        }
        let step = self.create_with(ep, m, None, Expect::Success { asserts });
        Some(self.list_check(
            ep,
            list,
            ListRule::WhenNone,
            None,
            format!("a create without {m} makes the documented one"),
            vec![step],
        ))
    }

    /// Several flagged: the one `several` picks stays primary; none flagged:
    /// the one `none` picks becomes primary.
    fn primary_checks(&mut self, ep: &Endpoint, list: &ChildList) -> Vec<Check> {
        let Some(p) = &list.primary else { return Vec::new() };
        let Some(label) = label_path(list_item_fields(ep, &list.member)) else {
            return Vec::new();
        };
        let m = list.member.clone();
        let mut out = Vec::new();
        for (case, flags, pick) in [
            ("several_flagged", [true, false, true], p.several),
            ("none_flagged", [false, false, false], p.none),
        ] {
            let labels: Vec<String> = flags.iter().map(|_| self.uniq.text()).collect();
            let items = labels
                .iter()
                .zip(flags)
                .map(|(l, on)| labelled(&label, l, on.then_some((p.flag.as_str(), true))))
                .collect();
            let chosen = match (pick, flags.iter().rposition(|f| *f), flags.iter().position(|f| *f)) {
                (Pick::Last, Some(last), _) => Some(last),
                (Pick::First, _, Some(first)) => Some(first),
                (Pick::First, None, None) => Some(0),
                (Pick::Last, None, None) => Some(flags.len() - 1),
                _ => None,
            };
            let asserts = labels
                .iter()
                .enumerate()
                .map(|(i, l)| Assert {
                    path: vec![m.clone(), item_where(&label, l), p.flag.clone()],
                    value: json!(Some(i) == chosen),
                    compare: Compare::Exact,
                    because: format!("{case}: the {:?} item is the primary one", pick).to_lowercase(),
                })
                .collect();
            let step = self.create_with(ep, &m, Some(items), Expect::Success { asserts });
            let what = format!("of {m} written with flags {flags:?}, only the {pick:?} one is primary").to_lowercase();
            out.push(self.list_check(ep, list, ListRule::Primary, Some(case), what, vec![step]));
        }
        out
    }

    /// An item whose value another record already has is left out.
    fn taken_check(&mut self, ep: &Endpoint, list: &ChildList) -> Option<Check> {
        let field = list.drop_taken.clone()?;
        let m = list.member.clone();
        let (taken, fresh) = (self.uniq.text(), self.uniq.text());
        let first = self.create_with(ep, &m, Some(vec![json!({ field.clone(): taken.clone() })]), success());
        let asserts = vec![
            Assert {
                path: vec![m.clone(), item_where(std::slice::from_ref(&field), &fresh), field.clone()],
                value: json!(fresh),
                compare: Compare::Trimmed,
                because: format!("a {field} no other record has is kept"),
            },
            Assert {
                path: vec![m.clone(), item_where(std::slice::from_ref(&field), &taken)],
                value: Value::Null,
                compare: Compare::Absent,
                because: format!("a {field} another record already has is left out"),
            },
        ];
        let items = vec![json!({ field.clone(): taken }), json!({ field.clone(): fresh })];
        let second = self.create_with(ep, &m, Some(items), Expect::Success { asserts });
        Some(self.list_check(
            ep,
            list,
            ListRule::DropTaken,
            None,
            format!("{m} another record already has are left out"),
            vec![first, second],
        ))
    }

    /// A request flag set to false leaves its response member out.
    pub(crate) fn include_if_checks(&mut self, ep: &Endpoint) -> Vec<Check> {
        let v = self.v();
        let names = v.transport.names;
        let mut out = Vec::new();
        for (member, flag) in &ep.response.include_if {
            let mut built = self.base(ep);
            set_path(&mut built.body, std::slice::from_ref(flag), json!(false), names);
            let asserts = vec![Assert {
                path: vec![member.clone()],
                value: Value::Null,
                compare: Compare::Absent,
                because: format!("{flag}: false leaves {member} out"),
            }];
            out.push(Check {
                id: format!("{}.{}.stateful.{member}.include_if", v.name, ep.id),
                family: Family::Stateful,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: CheckId::endpoint(v, ep, EndpointPart::IncludeIf(member)),
                strength: Strength::Documented,
                note: None,
                sources: ep.response.sources.clone(),
                what: format!("{flag}: false leaves {member} out of the answer"),
                steps: vec![self.step(ep, built.body, Presenting::Valid, Expect::Success { asserts })],
            });
        }
        out
    }

    /// A parent's one primary child: a second child created primary takes
    /// the flag from the first (on a fresh parent, so no other check's
    /// children interfere).
    pub(crate) fn primary_child_checks(&mut self, ep: &Endpoint, child: &Resource) -> Vec<Check> {
        let v = self.v();
        let names = v.transport.names;
        let mut out = Vec::new();
        let parents = v.resources.iter().flat_map(|p| p.includes.iter().map(move |i| (p, i)));
        for (parent, inc) in parents.filter(|(_, i)| i.resource == child.name) {
            let Some(flag) = inc.primary.clone() else { continue };
            let (Some(parent_create), Some(reader)) = (self.creator(&parent.name), self.reader(&parent.name)) else {
                continue;
            };
            let Some(reference) = ep
                .request
                .iter()
                .find(|f| f.refers_to.as_ref().is_some_and(|r| r.resource == parent.name))
            else {
                continue;
            };
            if ep.field(&flag).is_none() {
                continue;
            }
            let create_parent = self.create_parent(parent_create, inc);
            let mut children = Vec::new();
            for _ in 0..2 {
                let mut built = self.base(ep);
                set_path(&mut built.body, std::slice::from_ref(&flag), json!(true), names);
                let mut step = self.step(ep, built.body, Presenting::Valid, success());
                step.fills = vec![Fill::from_step(
                    0,
                    reference
                        .refers_to
                        .as_ref()
                        .map(|r| r.field.split('.').map(str::to_string).collect())
                        .unwrap_or_default(),
                    vec![reference.name.clone()],
                )];
                children.push(step);
            }
            let asserts = vec![Assert {
                path: vec![flag.clone()],
                value: json!(false),
                compare: Compare::Exact,
                because: format!("a second {} made primary takes the flag", inc.member),
            }];
            let mut read = self.read_created(reader, asserts);
            read.locate = Some(Locate {
                member: inc.member.clone(),
                key: child
                    .key
                    .first()
                    .map(|k| k.split('.').map(str::to_string).collect())
                    .unwrap_or_default(),
                from_step: 1,
            });
            let mut steps = vec![create_parent];
            steps.extend(children);
            steps.push(read);
            out.push(Check {
                id: format!("{}.{}.stateful.{}.primary", v.name, ep.id, inc.member),
                family: Family::Stateful,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: CheckId::included_primary(v, &parent.name, &inc.member),
                strength: Strength::Documented,
                note: None,
                sources: parent.sources.clone(),
                what: format!(
                    "a parent has one primary {}: making a second one primary clears the first",
                    inc.member
                ),
                steps,
            });
        }
        out
    }

    /// The parent's create, its list of these children left to the create.
    fn create_parent(&mut self, creator: &Endpoint, _inc: &Include) -> Step {
        let built = self.base(creator);
        self.step(creator, built.body, Presenting::Valid, success())
    }

    /// An update leaving out the members it clears reads them back cleared;
    /// where the readings disagree (one clears nothing), cleared or as
    /// created, and nothing else.
    pub(crate) fn clears_omitted_check(&mut self, ep: &Endpoint, creator: &Endpoint, resource: &Resource) -> Option<Check> {
        let v = self.v();
        let names = v.transport.names;
        let c = ep.operation.clears_omitted.clone()?;
        let created = self.base(creator);
        let (mut read, _, _) = self.read_after(resource, 0)?;
        let update = self.base(ep);
        let member = ep.operation.record_member.clone();
        let scope: Vec<String> = member.iter().cloned().collect();
        let mut body = update.body.clone();
        for f in &c.fields {
            remove_path(&mut body, &join(&scope, f), names);
        }
        let mut upd = self.step(ep, body, Presenting::Valid, success());
        upd.fills = build::identity_from(&update.identity, 0);
        let contested = c.strength != Strength::Documented;
        let asserts = c
            .fields
            .iter()
            .map(|f| {
                let path = join(&scope, f);
                match get_path(v, &created.body, &path).filter(|_| contested) {
                    Some(kept) => Assert {
                        path,
                        value: kept.clone(),
                        compare: Compare::ClearedOrKept,
                        because: format!("{} clears {f} when the request leaves it out, or (another reading) keeps it", ep.id),
                    },
                    None => Assert {
                        path,
                        value: Value::Null,
                        compare: Compare::Empty,
                        because: format!("{} clears {f} when the request leaves it out", ep.id),
                    },
                }
            })
            .collect();
        read.expect = Expect::Success { asserts };
        read.locate = read.locate.map(|l| Locate { from_step: 1, ..l });
        Some(Check {
            id: format!("{}.{}.stateful.clears_omitted", v.name, ep.id),
            family: Family::Stateful,
            removable: Vec::new(),
            endpoint: Some(ep.id.clone()),
            rule: CheckId::endpoint(v, ep, EndpointPart::ClearsOmitted),
            strength: c.strength,
            note: c.note.clone(),
            sources: c.sources.clone(),
            what: format!("an update without {} clears them", c.fields.join(", ")),
            steps: vec![self.step(creator, created.body, Presenting::Valid, success()), upd, read],
        })
    }
}

impl Planner<'_> {
    /// An update's list item matching no stored item is added, and the
    /// stored items it does not send are kept (`operation.merge_items`).
    pub(crate) fn merge_items_checks(&mut self, ep: &Endpoint, creator: &Endpoint, resource: &Resource) -> Vec<Check> {
        let v = self.v();
        let names = v.transport.names;
        let mut out = Vec::new();
        let scope: Vec<String> = ep.operation.record_member.iter().cloned().collect();
        for (list, by) in &ep.operation.merge_items {
            let items = list_item_fields(ep, list);
            let (Some(label), Some(kind)) = (label_path(items), by.last().and_then(|b| items.iter().find(|f| &f.name == b))) else {
                continue;
            };
            // Two values of the last matching member (phone Types 1 and 2).
            let values: Vec<Value> = kind
                .rules
                .iter()
                .flat_map(|r| r.kind.cases())
                .filter(|c| c.holds)
                .map(|c| c.value)
                .collect();
            let (Some(a_kind), Some(b_kind)) = (values.first().cloned(), values.iter().find(|x| Some(*x) != values.first()).cloned())
            else {
                continue;
            };
            let Some((mut read, _, _)) = self.read_after(resource, 0) else {
                continue;
            };
            let (kept, added) = (self.uniq.text(), self.uniq.text());
            let mut created = self.base(creator);
            let mut first = labelled(&label, &kept, None);
            first[&kind.name] = a_kind;
            set_path(&mut created.body, &join(&scope, list), json!([first]), names);
            let update = self.base(ep);
            let mut body = update.body.clone();
            let mut second = labelled(&label, &added, None);
            second[&kind.name] = b_kind;
            set_path(&mut body, &join(&scope, list), json!([second]), names);
            let mut upd = self.step(ep, body, Presenting::Valid, success());
            upd.fills = build::identity_from(&update.identity, 0);
            let at = |l: &str| {
                let mut p = join(&scope, list);
                p.push(item_where(&label, l));
                p.extend(label.iter().cloned());
                p
            };
            read.expect = Expect::Success {
                asserts: vec![
                    Assert {
                        path: at(&kept),
                        value: json!(kept),
                        compare: Compare::Trimmed,
                        because: format!("an update keeps the {list} it does not send"),
                    },
                    Assert {
                        path: at(&added),
                        value: json!(added),
                        compare: Compare::Trimmed,
                        because: format!("an update adds an item of {list} matching no stored one"),
                    },
                ],
            };
            read.locate = read.locate.map(|l| Locate { from_step: 1, ..l });
            out.push(Check {
                id: format!("{}.{}.stateful.{list}.merge_items", v.name, ep.id),
                family: Family::Stateful,
                removable: Vec::new(),
                endpoint: Some(ep.id.clone()),
                rule: CheckId::endpoint(v, ep, EndpointPart::MergeItems),
                strength: Strength::Documented,
                note: None,
                sources: ep.operation.sources.clone(),
                what: format!("an update's {list} merge into the stored ones (by {})", by.join(", then ")),
                steps: vec![self.step(creator, created.body, Presenting::Valid, success()), upd, read],
            });
        }
        out
    }
}
