//! `operation:` of an endpoint file: what it does to which resource, found how,
//! and what a create or an update does with the record's lists and members.

use super::{EndpointCx, suggest};
use crate::diag::one_of_list;
use crate::syntax::{self, Ordered, S};
use erpspec_model::ir::*;
use erpspec_rules::RuleKind;
use std::collections::BTreeMap;

impl EndpointCx<'_> {
    /// The order of the calls is the order of the diagnostics.
    pub(super) fn operation(
        &mut self,
        op: &syntax::OperationSyntax,
        request: &[Field],
        vendor: &Vendor,
        inherited: &[String],
    ) -> Operation {
        let kind = operation_kind(op.kind.value);
        if let Some(r) = &op.resource
            && vendor.resource(&r.value).is_none()
        {
            let known: Vec<&str> = vendor.resources.iter().map(|r| r.name.as_str()).collect();
            self.missing_resource(r, &known);
        }
        if let Some(m) = &op.record_member {
            self.record_member_is_an_object(m, request);
        }
        if op.resource.is_none() && kind != OperationKind::Login {
            self.error(
                &op.kind,
                "the operation names no resource",
                "add `resource: <name>` (declared under `resources:` in api.yaml)",
            );
        }
        for k in &op.key {
            self.request_field_exists(k, request);
        }
        let record_fields = record_fields(op, request);
        let lookup = self.lookup(&op.lookup, &record_fields, request);
        let mut stores = BTreeMap::new();
        for (from, to) in &op.stores.0 {
            self.request_field_exists(from, request);
            stores.insert(from.value.clone(), to.value.clone());
        }
        if let Some(c) = &op.criteria
            && kind != OperationKind::Query
        {
            self.applies_to_kind_only(c, "criteria", "query", "remove it: only a query reads its request as criteria");
        }
        let record = if record_fields.is_empty() { request } else { &record_fields };
        let creates = self.child_lists(&op.creates, kind, record, inherited);
        let clears_omitted = self.clears_omitted(op.clears_omitted.as_ref(), kind, record, inherited);
        let merge_items = self.merge_items(&op.merge_items, kind, record);
        if let Some(e) = &op.on_empty
            && kind != OperationKind::Query
        {
            self.applies_to_kind_only(e, "on_empty", "query", "remove it: only a query can find nothing");
        }
        Operation {
            kind,
            resource: op.resource.as_ref().map(|r| r.value.clone()),
            criteria: match op.criteria.as_ref().map(|c| c.value) {
                None | Some(syntax::CriteriaSyntax::Equality) => Criteria::Equality,
                Some(syntax::CriteriaSyntax::Qbe) => Criteria::Qbe,
            },
            key: op.key.iter().map(|k| k.value.clone()).collect(),
            lookup,
            stores,
            record_member: op.record_member.as_ref().map(|m| m.value.clone()),
            on_not_found: self.error_ref(&op.on_not_found),
            on_duplicate: self.error_ref(&op.on_duplicate),
            on_empty: self.error_ref(&op.on_empty),
            creates,
            clears_omitted,
            merge_items,
            sources: self.sources_or(&op.sources, inherited),
        }
    }

    fn applies_to_kind_only<T>(&mut self, at: &S<T>, key: &str, kind: &str, help: &str) {
        self.error(at, format!("`{key}` applies to `kind: {kind}` only"), help);
    }

    fn record_member_is_an_object(&mut self, m: &S<String>, request: &[Field]) {
        match request.iter().find(|f| f.name == m.value) {
            Some(f) if matches!(f.ty, Type::Object { .. }) => {}
            Some(_) => self.error(
                m,
                format!("`record_member` `{}` is not an object field", m.value),
                "name the request member whose object is the record",
            ),
            None => self.request_field_exists(m, request),
        }
    }

    /// With a record member (RPM `Customer`), a lookup may name a field of
    /// the record: `CustomerID` reads `Customer.CustomerID` when the request
    /// has no top-level `CustomerID`.
    fn lookup(&mut self, lookup: &Ordered<Vec<S<String>>>, record_fields: &[Field], request: &[Field]) -> Vec<Lookup> {
        let mut out = Vec::new();
        for (field, matches) in &lookup.0 {
            if !record_fields.iter().any(|f| f.name == field.value) {
                self.request_field_exists(field, request);
            }
            out.push(Lookup {
                field: field.value.clone(),
                matches: matches.iter().map(|m| m.value.clone()).collect(),
            });
        }
        out
    }

    /// `operation.creates`: each member must be a list of the record, and
    /// what is said of its items must name their fields.
    fn child_lists(
        &mut self,
        creates: &Ordered<syntax::CreatesSyntax>,
        kind: OperationKind,
        record: &[Field],
        inherited: &[String],
    ) -> Vec<ChildList> {
        let Some((first, _)) = creates.0.first() else { return Vec::new() };
        if kind != OperationKind::Create {
            // One diagnostic for the key, not one per list it names.
            self.applies_to_kind_only(first, "creates", "create", "remove it, or make the operation a create");
            return Vec::new();
        }
        creates
            .0
            .iter()
            .filter_map(|(member, c)| self.child_list(member, c, record, inherited))
            .collect()
    }

    /// The order of the calls is the order of the diagnostics.
    fn child_list(&mut self, member: &S<String>, c: &syntax::CreatesSyntax, record: &[Field], inherited: &[String]) -> Option<ChildList> {
        let Some(items) = list_items(record, &member.value) else {
            self.not_a_list_of_the_record(member, record);
            return None;
        };
        let primary = c.primary.as_ref().map(|p| self.primary(p, member, items));
        if let Some(d) = &c.drop_taken {
            self.item_field_named(d, member, items);
        }
        if !c.primary_defaults.is_empty() && primary.is_none() {
            self.error(
                member,
                "`primary_defaults` without `primary`",
                "the defaults go to the primary item: add `primary: { flag, several, none }`, or remove `primary_defaults`",
            );
        }
        self.primary_defaults_named(c, member, items);
        Some(ChildList {
            member: member.value.clone(),
            when_none: c.when_none.as_ref().map(|w| w.value.clone()).unwrap_or_default(),
            primary,
            primary_defaults: c.primary_defaults.clone().into_iter().collect(),
            drop_taken: c.drop_taken.as_ref().map(|d| d.value.clone()),
            sources: self.sources_or(&c.sources, inherited),
        })
    }

    fn not_a_list_of_the_record(&mut self, member: &S<String>, record: &[Field]) {
        let lists: Vec<&str> = record
            .iter()
            .filter(|f| matches!(f.ty, Type::Array { .. }))
            .map(|f| f.name.as_str())
            .collect();
        let help = suggest(&member.value, lists.iter().copied(), || match lists.is_empty() {
            true => "the record has no list (`type: array`) field; remove this entry".to_string(),
            false => format!("name a list (`type: array`) of the record: {}", one_of_list(&lists)),
        });
        self.error(
            member,
            format!("`creates` names `{}`, which is not a list of the record", member.value),
            help,
        );
    }

    /// A name of a field of the items of `member`, its first dotted segment
    /// at least.
    fn item_field_named(&mut self, name: &S<String>, member: &S<String>, items: &[Field]) {
        let first = name.value.split('.').next().unwrap_or_default();
        if !items.iter().any(|f| f.name == first) {
            let names: Vec<&str> = items.iter().map(|f| f.name.as_str()).collect();
            let help = suggest(first, names.iter().copied(), || match names.is_empty() {
                true => format!("the items of `{}` are not objects: they have no fields", member.value),
                false => format!("name a field of the items of `{}`: {}", member.value, one_of_list(&names)),
            });
            self.error(name, format!("`{}` is not a field of the items", name.value), help);
        }
    }

    /// The flag marking the primary item, and which one is primary when
    /// several are flagged (some one must be) or none is.
    fn primary(&mut self, p: &syntax::PrimarySyntax, member: &S<String>, items: &[Field]) -> Primary {
        self.item_field_named(&p.flag, member, items);
        if p.several.value == syntax::PickSyntax::None {
            self.error(
                &p.several,
                "`several: none` keeps no item primary",
                "write `several: first` or `several: last`",
            );
        }
        let pick = |k: syntax::PickSyntax| match k {
            syntax::PickSyntax::First => Pick::First,
            syntax::PickSyntax::Last => Pick::Last,
            syntax::PickSyntax::None => Pick::None,
        };
        Primary {
            flag: p.flag.value.clone(),
            several: pick(p.several.value),
            none: pick(p.none.value),
        }
    }

    fn primary_defaults_named(&mut self, c: &syntax::CreatesSyntax, member: &S<String>, items: &[Field]) {
        // The defaults' names carry no position of their own: point at the list.
        for name in c.primary_defaults.keys() {
            if !items.iter().any(|f| &f.name == name) {
                let help = suggest(name, items.iter().map(|f| f.name.as_str()), || {
                    format!("name fields of the items of `{}`", member.value)
                });
                self.error(
                    member,
                    format!(
                        "`primary_defaults` of `{}` names `{name}`, which is not a field of the items",
                        member.value
                    ),
                    help,
                );
            }
        }
    }

    /// `operation.merge_items`: a list of the record, and members of its items.
    fn merge_items(
        &mut self,
        merge_items: &Ordered<Vec<S<String>>>,
        kind: OperationKind,
        record: &[Field],
    ) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        for (list, by) in &merge_items.0 {
            if kind != OperationKind::Update {
                self.applies_to_kind_only(list, "merge_items", "update", "remove it, or make the operation an update");
                continue;
            }
            let Some(items) = list_items(record, &list.value) else {
                self.error(
                    list,
                    format!("`merge_items` names `{}`, which is not a list of objects of the record", list.value),
                    "name an array field of the record whose items are objects",
                );
                continue;
            };
            for b in by {
                if !items.iter().any(|f| f.name == b.value) {
                    let help = suggest(&b.value, items.iter().map(|f| f.name.as_str()), || {
                        format!("name a member of the items of `{}`", list.value)
                    });
                    self.error(b, format!("`{}` is not a member of the items", b.value), help);
                }
            }
            out.insert(list.value.clone(), by.iter().map(|b| b.value.clone()).collect());
        }
        out
    }

    /// `operation.clears_omitted`: fields of the record an update clears.
    fn clears_omitted(
        &mut self,
        c: Option<&S<syntax::RuleSyntax<Vec<S<String>>>>>,
        kind: OperationKind,
        record: &[Field],
        inherited: &[String],
    ) -> Option<ClearsOmitted> {
        let c = c?;
        if kind != OperationKind::Update {
            self.applies_to_kind_only(c, "clears_omitted", "update", "remove it, or make the operation an update");
            return None;
        }
        // The fields of `value` and of every alternative reading.
        let alternatives = c.value.attrs().map(|a| a.alternatives.as_slice()).unwrap_or_default();
        for f in c.value.param().iter().chain(alternatives.iter().flat_map(|x| &x.value)) {
            if !record.iter().any(|g| g.name == f.value) {
                let help = suggest(&f.value, record.iter().map(|g| g.name.as_str()), || {
                    "name fields of the request's record (of the `record_member` object where there is one)".to_string()
                });
                self.error(f, format!("`{}` is not a field of the record", f.value), help);
            }
        }
        let names = |v: &Vec<S<String>>| v.iter().map(|f| f.value.clone()).collect::<Vec<String>>();
        let rule = self.rule(&c.value, RuleKind::Required, |_| RuleKind::Required, String::new(), inherited);
        Some(ClearsOmitted {
            fields: names(c.value.param()),
            strength: rule.strength,
            alternatives: alternatives.iter().map(|x| names(&x.value)).collect(),
            note: rule.note,
            sources: rule.sources,
        })
    }
}

fn operation_kind(k: syntax::OperationKindSyntax) -> OperationKind {
    match k {
        syntax::OperationKindSyntax::Login => OperationKind::Login,
        syntax::OperationKindSyntax::Create => OperationKind::Create,
        syntax::OperationKindSyntax::Update => OperationKind::Update,
        syntax::OperationKindSyntax::Read => OperationKind::Read,
        syntax::OperationKindSyntax::Query => OperationKind::Query,
        syntax::OperationKindSyntax::Delete => OperationKind::Delete,
    }
}

/// The fields of the `record_member` object; none without one.
fn record_fields(op: &syntax::OperationSyntax, request: &[Field]) -> Vec<Field> {
    op.record_member
        .as_ref()
        .and_then(|m| request.iter().find(|f| f.name == m.value))
        .and_then(|f| match &f.ty {
            Type::Object { fields, .. } => Some(fields.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The fields of the items of the list `name`, none where the items are
/// not objects; `None` where `name` is not a list.
fn list_items<'f>(fields: &'f [Field], name: &str) -> Option<&'f [Field]> {
    match fields.iter().find(|f| f.name == name).map(|f| &f.ty) {
        Some(Type::Array { items }) => match items.as_ref() {
            Type::Object { fields, .. } => Some(fields),
            _ => Some(&[]),
        },
        _ => None,
    }
}
