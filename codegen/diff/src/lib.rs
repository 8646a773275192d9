//! What a schema change breaks. Two versions of the schemas, each loaded
//! into the IR by the same loader every other stage uses, are compared
//! member by member ([`walk`]); each difference is placed (vendor,
//! endpoint, request or response, field, rule: [`place`]) and judged
//! ([`classify`]): breaking for clients, breaking for servers, or
//! compatible, with the reason. [`report`] writes the result as text, JSON
//! or JUnit. `cargo xtask diff OLD NEW` is the command.

pub mod classify;
pub mod place;
pub mod report;
pub mod version;
pub mod walk;

pub use classify::{Change, Impact};
use erpspec_model::ir::Api;
use serde_json::Value;

/// Every change from `old` to `new`, classified, in the old tree's order
/// (additions where they appear in the new one).
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let old = serde_json::to_value(old).expect("the IR serializes");
    let new = serde_json::to_value(new).expect("the IR serializes");
    let changes: Vec<Change> = walk::edits(&old, &new)
        .iter()
        .map(classify::classify)
        .filter(|c| !is_required_rule(c))
        .collect();
    pair_renames(changes)
}

/// A field's `required` rule added or removed: its `required` flag's change
/// says the same, once.
fn is_required_rule(c: &Change) -> bool {
    let rule = c.new.as_ref().or(c.old.as_ref());
    matches!(c.kind, "rule-added" | "rule-removed") && rule.and_then(|r| r.get("kind")).and_then(Value::as_str) == Some("required")
}

/// A field removed and another added beside it, alike but for their names,
/// is one renamed field.
fn pair_renames(mut changes: Vec<Change>) -> Vec<Change> {
    let removed: Vec<usize> = (0..changes.len())
        .filter(|&i| changes[i].kind == "field-removed" || changes[i].kind == "member-removed")
        .collect();
    let mut taken = vec![false; changes.len()];
    for r in removed {
        let parent = parent_of(&changes[r].id);
        let old = changes[r].old.as_ref().map(unnamed);
        let Some(a) = (0..changes.len()).find(|&a| {
            !taken[a]
                && changes[a].old.is_none()
                && matches!(changes[a].kind, "required-field-added" | "optional-field-added" | "member-added")
                && parent_of(&changes[a].id) == parent
                && changes[a].new.as_ref().map(unnamed) == old
        }) else {
            continue;
        };
        let (from, to) = (leaf_of(&changes[r].id).to_string(), leaf_of(&changes[a].id).to_string());
        taken[a] = true;
        let added = changes[a].clone();
        changes[r] = Change {
            kind: "member-renamed",
            impact: Impact::BreaksClientsAndServers,
            new: added.new,
            reason: format!("{from} is now {to}: clients send or read the old name, servers know only it"),
            ..changes[r].clone()
        };
    }
    changes.into_iter().zip(taken).filter(|(_, t)| !t).map(|(c, _)| c).collect()
}

fn parent_of(id: &str) -> &str {
    id.rsplit_once('.').map_or("", |(p, _)| p)
}

fn leaf_of(id: &str) -> &str {
    id.rsplit_once('.').map_or(id, |(_, l)| l)
}

/// A field without what carries its name (its name, rule ids, sources,
/// description), to tell a rename from a different field.
fn unnamed(field: &Value) -> Value {
    match field {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "name" | "id" | "sources" | "description"))
                .map(|(k, v)| (k.clone(), unnamed(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(unnamed).collect()),
        other => other.clone(),
    }
}

/// The changes that break someone and are not allowed by `allow` (ids as
/// [`Change::id`] gives them).
pub fn unallowed<'c>(changes: &'c [Change], allow: &[String]) -> Vec<&'c Change> {
    changes.iter().filter(|c| c.impact.breaking() && !allow.contains(&c.id)).collect()
}
