//! Fields: numbered runs expanded, types built (array items, object
//! fields), references to resources resolved, and the keys that belong to
//! other types refused.

use super::EndpointCx;
use super::rules::FieldAt;
use crate::diag::{Pos, one_of_list};
use crate::syntax::{self, Ordered, S};
use erpspec_model::ir::*;
use erpspec_rules::{RuleKind, ScalarType};
use std::collections::BTreeMap;

impl EndpointCx<'_> {
    /// Builds fields from an ordered mapping, expanding numbered runs and
    /// reporting duplicates (also duplicates created by a run).
    pub(super) fn fields(&mut self, m: &Ordered<syntax::FieldSyntax>, path: &str, inherited: &[String]) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (key, f) in &m.0 {
            let names: Vec<(Option<u32>, String)> = match expand_run(&key.value) {
                None => vec![(None, key.value.clone())],
                Some(Ok(v)) => v.into_iter().map(|(i, n)| (Some(i), n)).collect(),
                Some(Err(msg)) => {
                    self.error(key, format!("bad field name `{}`", key.value), msg);
                    continue;
                }
            };
            for (index, name) in names {
                if let Some(line) = seen.get(&name) {
                    self.duplicate(key, "field", &name, line);
                    continue;
                }
                seen.insert(name.clone(), key.referenced.line() as usize);
                let run = index.map(|i| Run {
                    pattern: key.value.clone(),
                    index: i,
                });
                if let Some(field) = self.field(&name, f, path, inherited, run) {
                    out.push(field);
                }
            }
        }
        out
    }

    /// `None` where its type cannot be built (an array without `items`, an
    /// object without `fields`). The order of the calls is the order of the
    /// diagnostics.
    fn field(&mut self, name: &str, f: &syntax::FieldSyntax, path: &str, inherited: &[String], run: Option<Run>) -> Option<Field> {
        let sources = self.sources_or(&f.sources, inherited);
        let rule_path = format!("{path}{name}");
        let at = FieldAt {
            name,
            ty_name: format!("{:?}", f.ty.value).to_lowercase(),
            scalar: scalar_type(f.ty.value),
            id_prefix: format!("{}.{}.{rule_path}", self.vendor, self.endpoint),
            sources: &sources,
        };
        let (required, rules) = self.value_rules(&at, f);
        let ty = match f.ty.value {
            syntax::TypeSyntax::Array => self.array_type(name, f, path, &sources)?,
            syntax::TypeSyntax::Object => self.object_type(name, f, &rule_path, &sources)?,
            _ => Type::Scalar {
                scalar: at.scalar.expect("scalar types handled above"),
            },
        };
        self.keys_of_other_types(f, &at.ty_name);
        let refers_to = f.refers_to.as_ref().map(|r| self.reference(r));
        if let Some(from) = &f.from
            && !path.starts_with("response.")
        {
            self.error(
                from,
                "`from` on a request field",
                "`from` names the record field a response field shows; for a request field use `operation.stores`",
            );
        }
        let other_types = f.other_types.as_ref().and_then(|o| self.other_types(o, at.scalar, &sources));
        Some(Field {
            from: f.from.as_ref().map(|x| x.value.clone()),
            other_types,
            name: name.to_string(),
            description: f.description.clone(),
            ty,
            required,
            nullable: f.nullable,
            rules,
            refers_to,
            run,
            sources,
        })
    }

    /// The items are built like a field of the array's name and path.
    fn array_type(&mut self, name: &str, f: &syntax::FieldSyntax, path: &str, sources: &[String]) -> Option<Type> {
        let Some(items) = &f.items else {
            self.error(
                &f.ty,
                format!("array `{name}` does not say what its items are"),
                "add `items: { type: ... }`",
            );
            return None;
        };
        let inner = self.field(name, &items.value, path, sources, None)?;
        if inner.required || inner.rules.iter().any(|r| matches!(r.kind, RuleKind::Required)) {
            self.error(
                items,
                "`required` has no meaning on array items",
                "remove it; say how many items with `max_items`",
            );
        }
        let items_pos = self.pos(items);
        Some(Type::Array {
            items: Box::new(self.item_type(inner, items_pos)),
        })
    }

    /// Item fields are built like fields; an object item's rules move onto
    /// its type. A scalar item has nowhere to keep rules, so they are refused
    /// rather than dropped.
    fn item_type(&mut self, inner: Field, items_pos: Pos) -> Type {
        match inner.ty {
            Type::Object { fields, mut rules } => {
                rules.extend(inner.rules);
                Type::Object { fields, rules }
            }
            other => {
                if let Some(r) = inner.rules.first() {
                    self.diags.error_help(
                        items_pos,
                        format!("`{}` on the items of a list of scalars is not supported", r.kind.name()),
                        "make the items objects with a named field carrying the rule, or state the limit in `description`",
                    );
                }
                other
            }
        }
    }

    fn object_type(&mut self, name: &str, f: &syntax::FieldSyntax, rule_path: &str, sources: &[String]) -> Option<Type> {
        let Some(fields) = &f.fields else {
            self.error(&f.ty, format!("object `{name}` does not list its fields"), "add `fields: { ... }`");
            return None;
        };
        let path = format!("{rule_path}.");
        let fields = self.fields(fields, &path, sources);
        let rules = self.object_rules(&f.rules, &fields, &path, sources);
        Some(Type::Object { fields, rules })
    }

    /// `items` belongs to arrays; `rules` and `fields` to objects.
    fn keys_of_other_types(&mut self, f: &syntax::FieldSyntax, ty_name: &str) {
        if f.items.is_some() && f.ty.value != syntax::TypeSyntax::Array {
            self.error(
                &f.ty,
                format!("`items` given for a field of type `{ty_name}`"),
                "`items` belongs to `type: array`",
            );
        }
        if !f.rules.is_empty() && f.ty.value != syntax::TypeSyntax::Object {
            self.error(
                &f.ty,
                format!("`rules` given for a field of type `{ty_name}`"),
                "`rules` (`at_least_one_of`) belong to `type: object` or to the endpoint",
            );
        }
        if f.fields.is_some() && f.ty.value != syntax::TypeSyntax::Object {
            self.error(
                &f.ty,
                format!("`fields` given for a field of type `{ty_name}`"),
                "`fields` belongs to `type: object`",
            );
        }
    }

    /// `refers_to`: a declared resource, by a field that identifies its records.
    fn reference(&mut self, r: &syntax::RefSyntax) -> Reference {
        let reference = Reference {
            resource: r.resource.value.clone(),
            field: r.field.value.clone(),
            on_missing: self.error_ref(&r.on_missing),
        };
        let declared = self.declared;
        if let Some(ids) = declared.identifying.get(&r.resource.value)
            && !ids.contains(&r.field.value)
        {
            self.error(
                &r.field,
                format!("`{}` does not identify a `{}`", r.field.value, r.resource.value),
                format!("refer to its key or a unique field: {}", one_of_list(ids)),
            );
        }
        if !declared.resources.contains(&r.resource.value) {
            let known: Vec<&str> = declared.resources.iter().map(String::as_str).collect();
            self.missing_resource(&r.resource, &known);
        }
        reference
    }

    /// `other_types`: scalar types other than the field's own, on a scalar
    /// field.
    fn other_types(&mut self, o: &S<syntax::OtherTypesSyntax>, own: Option<ScalarType>, inherited: &[String]) -> Option<OtherTypes> {
        let Some(own) = own else {
            self.error(
                o,
                "`other_types` on a field that is not a scalar",
                "only a scalar field's type can be read another way",
            );
            return None;
        };
        let mut types = Vec::new();
        for t in &o.value.types {
            match scalar_type(t.value) {
                Some(s) if s != own && !types.contains(&s) => types.push(s),
                _ => self.error(
                    t,
                    format!("`other_types` lists `{}`", format!("{:?}", t.value).to_lowercase()),
                    "list scalar types (string, integer, number, boolean) other than the field's own, once each",
                ),
            }
        }
        if o.value.types.is_empty() {
            self.error(
                o,
                "`other_types` lists no types",
                "list the type the other reading gives, e.g. `types: [integer]`",
            );
        }
        Some(OtherTypes {
            types,
            note: o.value.note.trim().to_string(),
            sources: self.sources_or(&o.value.sources, inherited),
        })
    }
}

/// The scalar type a `type:` names; `None` for arrays and objects.
fn scalar_type(t: syntax::TypeSyntax) -> Option<ScalarType> {
    match t {
        syntax::TypeSyntax::String => Some(ScalarType::String),
        syntax::TypeSyntax::Integer => Some(ScalarType::Integer),
        syntax::TypeSyntax::Number => Some(ScalarType::Number),
        syntax::TypeSyntax::Boolean => Some(ScalarType::Boolean),
        _ => None,
    }
}

/// Expands a numbered run key `PREFIX{a..b}SUFFIX`; `None` for plain names.
pub fn expand_run(key: &str) -> Option<Result<Vec<(u32, String)>, String>> {
    let open = key.find('{')?;
    let close = key[open..].find('}')? + open;
    let inner = &key[open + 1..close];
    let Some((a, b)) = inner.split_once("..") else {
        return Some(Err(format!("`{{{inner}}}` is not a numbered run; write `{{1..16}}`")));
    };
    let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>()) else {
        return Some(Err(format!("`{{{inner}}}` is not a numbered run; write `{{1..16}}`")));
    };
    if a > b || b - a > 999 {
        return Some(Err(format!(
            "the run `{{{a}..{b}}}` is empty or too long; write `{{first..last}}` with first <= last"
        )));
    }
    let (pre, post) = (&key[..open], &key[close + 1..]);
    Some(Ok((a..=b).map(|i| (i, format!("{pre}{i}{post}"))).collect()))
}
