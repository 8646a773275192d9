//! `resources:` of api.yaml: the records the endpoints read and write, the
//! values the server assigns them, and what they include of each other.

use super::Cx;
use crate::diag::one_of_list;
use crate::syntax::{self, Ordered, S};
use erpspec_model::ir::*;

pub(super) fn resources(cx: &mut Cx, resources: &Ordered<syntax::ResourceSyntax>) -> Vec<Resource> {
    let out = cx
        .dup_checked(resources, "resource")
        .into_iter()
        .map(|(name, r)| resource(cx, name, r))
        .collect();
    includes_resolve(cx, resources);
    out
}

fn resource(cx: &mut Cx, name: &S<String>, r: &syntax::ResourceSyntax) -> Resource {
    let assigned = r.assigned.0.iter().map(|(field, a)| assigned(cx, field, a, r)).collect();
    let sources = cx.source_refs(&r.sources);
    let includes = r
        .includes
        .0
        .iter()
        .map(|(m, i)| Include {
            member: m.value.clone(),
            resource: i.resource.value.clone(),
            on: i.on.value.clone(),
            primary: i.primary.as_ref().map(|p| p.value.clone()),
        })
        .collect();
    if r.singleton && r.demo.len() != 1 {
        cx.error(
            name,
            format!("singleton resource `{}` has {} demo records", name.value, r.demo.len()),
            "a singleton is its one record: give exactly one under `demo:`",
        );
    }
    Resource {
        name: name.value.clone(),
        key: r.key.iter().map(|k| k.value.clone()).collect(),
        assigned,
        unique: r.unique.iter().map(|u| u.value.clone()).collect(),
        includes,
        unique_within: r.unique_within.0.iter().map(|(f, w)| (f.value.clone(), w.value.clone())).collect(),
        singleton: r.singleton,
        demo: r.demo.clone(),
        sources,
    }
}

fn assigned(cx: &mut Cx, field: &S<String>, a: &syntax::AssignedSyntax, r: &syntax::ResourceSyntax) -> Assigned {
    let how = assigned_how(cx, a);
    let on = assigned_on(cx, a, &how);
    let unless_given = a.unless_given.as_ref().is_some_and(|u| u.value);
    if let Some(u) = a.unless_given.as_ref().filter(|u| u.value)
        && !matches!(how, AssignedHow::Timestamp | AssignedHow::User)
    {
        cx.error(
            u,
            "`unless_given` applies to `timestamp` and `user` values",
            "a sequence value is kept when given where the field is the key or `unique`; remove `unless_given`",
        );
    }
    // The resource's sources are resolved (and reported) again for each value citing none.
    let sources = cx.source_refs(if a.sources.is_empty() { &r.sources } else { &a.sources });
    Assigned {
        field: field.value.clone(),
        how,
        on,
        unless_given,
        sources,
    }
}

/// A padded sequence needs its width, and nothing else takes one.
fn assigned_how(cx: &mut Cx, a: &syntax::AssignedSyntax) -> AssignedHow {
    let how = match a.how.value {
        syntax::AssignedKindSyntax::PaddedSequence => return padded_sequence(cx, a),
        syntax::AssignedKindSyntax::IntegerSequence => AssignedHow::IntegerSequence,
        syntax::AssignedKindSyntax::Timestamp => AssignedHow::Timestamp,
        syntax::AssignedKindSyntax::User => AssignedHow::User,
    };
    if let Some(w) = &a.width {
        cx.error(
            w,
            format!("`width` does not apply to `{}`", format!("{:?}", a.how.value).to_lowercase()),
            "`width` is the digit count of a `padded_sequence`; remove it",
        );
    }
    how
}

fn padded_sequence(cx: &mut Cx, a: &syntax::AssignedSyntax) -> AssignedHow {
    match &a.width {
        Some(w) => AssignedHow::PaddedSequence { width: w.value },
        None => {
            cx.error(&a.how, "`padded_sequence` needs a width", "add `width: 10` (the number of digits)");
            AssignedHow::PaddedSequence { width: 10 }
        }
    }
}

/// The operations that set an assigned value: `[create]` unless `on`
/// says otherwise; never empty, no repeats, and a sequence (which
/// identifies a record once) is set on create only.
fn assigned_on(cx: &mut Cx, a: &syntax::AssignedSyntax, how: &AssignedHow) -> Vec<OperationKind> {
    let Some(list) = &a.on else {
        return vec![OperationKind::Create];
    };
    if list.value.is_empty() {
        cx.error(
            list,
            "`on` lists no operation",
            "write `on: [create]`, `on: [update]` or `on: [create, update]` (or omit `on` for create only)",
        );
        return vec![OperationKind::Create];
    }
    let mut out = Vec::new();
    for op in &list.value {
        let (kind, name) = match op.value {
            syntax::AssignedOnSyntax::Create => (OperationKind::Create, "create"),
            syntax::AssignedOnSyntax::Update => (OperationKind::Update, "update"),
        };
        if out.contains(&kind) {
            cx.error(op, format!("`on` lists `{name}` twice"), "list each operation once");
            continue;
        }
        if kind == OperationKind::Update && matches!(how, AssignedHow::PaddedSequence { .. } | AssignedHow::IntegerSequence) {
            cx.error(
                op,
                "a sequence value cannot be assigned on update",
                "a sequence number identifies a record once, on create; only `timestamp` and `user` values are refreshed on update",
            );
            continue;
        }
        out.push(kind);
    }
    if out.is_empty() {
        out.push(OperationKind::Create);
    }
    out
}

/// Every `includes` names a declared resource, a duplicate resource's too.
fn includes_resolve(cx: &mut Cx, resources: &Ordered<syntax::ResourceSyntax>) {
    for (_, r) in &resources.0 {
        for (_, inc) in &r.includes.0 {
            if !cx.declared.resources.contains(&inc.resource.value) {
                let known: Vec<&str> = cx.declared.resources.iter().map(String::as_str).collect();
                cx.error(
                    &inc.resource,
                    format!("`includes` names missing resource `{}`", inc.resource.value),
                    format!("name a resource declared here ({})", one_of_list(&known)),
                );
            }
        }
    }
}
