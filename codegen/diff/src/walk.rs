//! The structural difference of two IR values, read as JSON: object members
//! by name, list items by their identity (`id`, `name` or `member`, the
//! IR's keys), lists of plain values as sets. A member that is `null` is
//! the same as a missing one (the IR writes an absent option either way).
//! Documentation members are compared whole, not walked.

use serde_json::Value;

/// One step of a path into the IR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// An object member.
    Key(String),
    /// A list item, by its identity (or, in a list of plain values, the
    /// value as JSON).
    Item(String),
}

/// One difference: `old` absent for an addition, `new` absent for a removal.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub path: Vec<Seg>,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// Members whose change is documentation only: compared whole.
pub const DOCUMENTATION: [&str; 10] = [
    "description",
    "summary",
    "title",
    "note",
    "sources",
    "examples",
    "response_examples",
    "contradictions",
    "implied",
    "program",
];

/// The keys that name a list item, in the order they are tried.
const IDENTITIES: [&str; 3] = ["id", "name", "member"];

/// Every difference between `old` and `new`, in `old`'s order, then `new`'s.
pub fn edits(old: &Value, new: &Value) -> Vec<Edit> {
    let mut out = Vec::new();
    walk(&mut Vec::new(), old, new, &mut out);
    out
}

fn walk(path: &mut Vec<Seg>, old: &Value, new: &Value, out: &mut Vec<Edit>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let present = |m: &serde_json::Map<String, Value>, k: &str| m.get(k).filter(|v| !v.is_null()).cloned();
            for (k, va) in a.iter().filter(|(_, v)| !v.is_null()) {
                path.push(Seg::Key(k.clone()));
                match present(b, k) {
                    Some(vb) if DOCUMENTATION.contains(&k.as_str()) => {
                        if *va != vb {
                            out.push(edit(path, Some(va.clone()), Some(vb)));
                        }
                    }
                    Some(vb) => walk(path, va, &vb, out),
                    None => out.push(edit(path, Some(va.clone()), None)),
                }
                path.pop();
            }
            for (k, vb) in b.iter().filter(|(k, v)| !v.is_null() && present(a, k).is_none()) {
                path.push(Seg::Key(k.clone()));
                out.push(edit(path, None, Some(vb.clone())));
                path.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) => match (identified(a), identified(b)) {
            (Some(ia), Some(ib)) => walk_keyed(path, &ia, &ib, out),
            _ => walk_set(path, a, b, out),
        },
        _ if old == new => {}
        _ => out.push(edit(path, Some(old.clone()), Some(new.clone()))),
    }
}

fn edit(path: &[Seg], old: Option<Value>, new: Option<Value>) -> Edit {
    Edit {
        path: path.to_vec(),
        old,
        new,
    }
}

/// A list's items by identity, when every item is an object with a unique
/// string under one of [`IDENTITIES`] (an empty list is one).
fn identified(items: &[Value]) -> Option<Vec<(String, &Value)>> {
    let key = IDENTITIES
        .iter()
        .find(|k| items.first().is_some_and(|i| i.get(**k).is_some_and(Value::is_string)))?;
    let ids: Vec<(String, &Value)> = items
        .iter()
        .map(|i| i.get(*key).and_then(Value::as_str).map(|id| (id.to_string(), i)))
        .collect::<Option<_>>()?;
    let mut names: Vec<&String> = ids.iter().map(|(id, _)| id).collect();
    names.sort();
    names.dedup();
    (names.len() == ids.len()).then_some(ids)
}

fn walk_keyed(path: &mut Vec<Seg>, a: &[(String, &Value)], b: &[(String, &Value)], out: &mut Vec<Edit>) {
    for (id, va) in a {
        path.push(Seg::Item(id.clone()));
        match b.iter().find(|(i, _)| i == id) {
            Some((_, vb)) => walk(path, va, vb, out),
            None => out.push(edit(path, Some((*va).clone()), None)),
        }
        path.pop();
    }
    for (id, vb) in b.iter().filter(|(id, _)| !a.iter().any(|(i, _)| i == id)) {
        path.push(Seg::Item(id.clone()));
        out.push(edit(path, None, Some((*vb).clone())));
        path.pop();
    }
}

/// Lists without identities: items as a set (an empty list is also the
/// empty set of a keyed list).
fn walk_set(path: &mut Vec<Seg>, a: &[Value], b: &[Value], out: &mut Vec<Edit>) {
    for (items, others, removed) in [(a, b, true), (b, a, false)] {
        for item in items.iter().filter(|i| !others.contains(i)) {
            path.push(Seg::Item(item_name(item)));
            let (old, new) = if removed {
                (Some(item.clone()), None)
            } else {
                (None, Some(item.clone()))
            };
            out.push(edit(path, old, new));
            path.pop();
        }
    }
}

/// A plain value as it is named in a path: a string as itself, anything
/// else as JSON.
fn item_name(item: &Value) -> String {
    match item {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(old: Value, new: Value) -> Vec<(String, Option<Value>, Option<Value>)> {
        edits(&old, &new)
            .into_iter()
            .map(|e| {
                let p = e
                    .path
                    .iter()
                    .map(|s| match s {
                        Seg::Key(k) => k.clone(),
                        Seg::Item(i) => format!("[{i}]"),
                    })
                    .collect::<Vec<_>>()
                    .join(".");
                (p, e.old, e.new)
            })
            .collect()
    }

    #[test]
    fn lists_are_read_by_identity_and_plain_lists_as_sets() {
        let old = json!({"fields": [{"name": "A", "max": 1}, {"name": "B"}], "values": ["x", "y"], "gone": 1});
        let new = json!({"fields": [{"name": "B"}, {"name": "A", "max": 2}, {"name": "C"}], "values": ["y", "z"], "gone": null});
        assert_eq!(
            paths(old, new),
            vec![
                ("fields.[A].max".into(), Some(json!(1)), Some(json!(2))),
                ("fields.[C]".into(), None, Some(json!({"name": "C"}))),
                ("values.[x]".into(), Some(json!("x")), None),
                ("values.[z]".into(), None, Some(json!("z"))),
                ("gone".into(), Some(json!(1)), None),
            ]
        );
    }

    #[test]
    fn documentation_is_compared_whole_and_null_is_absent() {
        let old = json!({"description": {"a": [1, 2]}, "note": null});
        let new = json!({"description": {"a": [1, 3]}});
        assert_eq!(
            paths(old, new),
            vec![("description".into(), Some(json!({"a": [1, 2]})), Some(json!({"a": [1, 3]})))]
        );
        assert!(paths(json!({"x": null}), json!({})).is_empty());
    }
}
