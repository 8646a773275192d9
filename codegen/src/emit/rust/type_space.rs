//! The plan of one endpoint's types: structs, newtypes and enums, decided
//! once from the IR and read by the token writers.

use super::EmitError;
use super::literals::{code, field_doc};
use super::names::{Names, RESERVED_TYPES, field_ident, ident, pascal, snake};

use erpspec_model::ir::{Endpoint, Field, Rule, Type, Vendor};
use erpspec_rules::{Case, RuleKind, ScalarType, Strength};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::BTreeSet;

/// The Rust type a constrained value wraps.
#[derive(Clone, Debug)]
pub(super) enum Ty {
    Str,
    I64,
    F64,
    Bool,
    Vec(Box<Ty>),
    Struct(usize),
    Newtype(usize),
}

pub(super) fn scalar_ty(s: ScalarType) -> Ty {
    match s {
        ScalarType::String => Ty::Str,
        ScalarType::Integer => Ty::I64,
        ScalarType::Number => Ty::F64,
        ScalarType::Boolean => Ty::Bool,
    }
}

pub(super) fn is_required(r: &Rule) -> bool {
    matches!(r.kind, RuleKind::Required)
}

pub(super) struct StructDef<'a> {
    pub(super) name: String,
    pub(super) doc: Vec<String>,
    pub(super) rules: &'a [Rule],
    /// Dotted rule path of the object (`Contact.PhoneNumbers`); empty for the request.
    pub(super) rule_path: String,
    pub(super) members: Vec<Member<'a>>,
    /// Field indices from the request down to this object (through array
    /// items): where the runtime description holds it.
    pub(super) wire: Vec<usize>,
}

pub(super) struct Member<'a> {
    pub(super) field: &'a Field,
    pub(super) ident: Ident,
    pub(super) ty: Ty,
    /// `Option<T>`: the field is optional, or its `required` rule is not documented.
    pub(super) optional: bool,
    /// The `required` rule reported when the member is missing.
    pub(super) required_rule: Option<&'a Rule>,
    /// Dotted rule path of the field (`Contact.Email`).
    pub(super) rule_path: String,
}

pub(super) enum Shape {
    /// A value of the base type that passed the field's documented rules.
    Wrapper(Ty),
    /// A documented exact-case `enum`: variant and its wire spelling.
    Enum(Vec<(Ident, String)>),
    /// A documented `coded_enum`: variant, code and documented name.
    Coded(Vec<(Ident, i64, String)>),
}

pub(super) struct NewtypeDef<'a> {
    pub(super) name: String,
    pub(super) field: &'a Field,
    pub(super) shape: Shape,
    /// The field's value rules (all but `required`), in IR order.
    pub(super) rules: Vec<&'a Rule>,
    /// Field indices from the request down to the field.
    pub(super) wire: Vec<usize>,
}

pub(super) struct Plan<'a> {
    pub(super) vendor: &'a Vendor,
    pub(super) ep: &'a Endpoint,
    pub(super) file: String,
    pub(super) prefix: String,
    pub(super) names: Names,
    pub(super) structs: Vec<StructDef<'a>>,
    pub(super) newtypes: Vec<NewtypeDef<'a>>,
}

impl<'a> Plan<'a> {
    pub(super) fn of(vendor: &'a Vendor, ep: &'a Endpoint, file: &str) -> Result<Plan<'a>, EmitError> {
        let mut plan = Plan {
            vendor,
            ep,
            file: file.to_string(),
            prefix: format!("{}.{}.", vendor.name, ep.id),
            names: Names::new(&RESERVED_TYPES[1..], ""),
            structs: Vec::new(),
            newtypes: Vec::new(),
        };
        let name = plan.names.claim(&["Request".to_string()]);
        let mut doc = vec![format!(
            "A request to {} ({}).",
            ep.title,
            code(&format!("{}.{}", vendor.name, ep.id))
        )];
        if let Some(s) = &ep.summary {
            doc.push(String::new());
            doc.push(s.clone());
        }
        plan.add_struct(name, doc, &ep.request, &ep.rules, String::new(), Vec::new());
        Ok(plan)
    }

    pub(super) fn err(&self, message: String) -> EmitError {
        EmitError {
            file: self.file.clone(),
            message,
        }
    }

    pub(super) fn add_struct(
        &mut self,
        name: String,
        doc: Vec<String>,
        fields: &'a [Field],
        rules: &'a [Rule],
        rule_path: String,
        wire: Vec<usize>,
    ) -> usize {
        let idx = self.structs.len();
        self.structs.push(StructDef {
            name: name.clone(),
            doc,
            rules,
            rule_path: rule_path.clone(),
            members: Vec::new(),
            wire: wire.clone(),
        });
        let mut idents = Names::new(&[], "_");
        let mut members = Vec::new();
        for (fi, f) in fields.iter().enumerate() {
            let ident = field_ident(&idents.claim(&[snake(&f.name)]));
            let frule = if rule_path.is_empty() {
                f.name.clone()
            } else {
                format!("{rule_path}.{}", f.name)
            };
            let path: Vec<usize> = wire.iter().copied().chain([fi]).collect();
            let ty = self.field_ty(f, &name, &frule, &path);
            let required_rule = if f.required {
                f.rules.iter().find(|r| is_required(r))
            } else {
                None
            };
            let optional = required_rule.is_none_or(|r| r.strength != Strength::Documented);
            members.push(Member {
                field: f,
                ident,
                ty,
                optional,
                required_rule,
                rule_path: frule,
            });
        }
        self.structs[idx].members = members;
        idx
    }

    pub(super) fn field_ty(&mut self, f: &'a Field, parent: &str, frule: &str, wire: &[usize]) -> Ty {
        let value_rules: Vec<&'a Rule> = f.rules.iter().filter(|r| !is_required(r)).collect();
        match &f.ty {
            // Rules other than `required` on an object field have no meaning
            // (the checker allows none; the oracle ignores them).
            Type::Object { fields, rules } => {
                let name = self.names.claim(&[pascal(&f.name), format!("{parent}{}", pascal(&f.name))]);
                let doc = field_doc(f);
                Ty::Struct(self.add_struct(name, doc, fields, rules, frule.to_string(), wire.to_vec()))
            }
            Type::Scalar { scalar } => {
                let base = scalar_ty(*scalar);
                if value_rules.is_empty() {
                    base
                } else {
                    Ty::Newtype(self.add_newtype(f, parent, base, value_rules, wire.to_vec()))
                }
            }
            Type::Array { items } => {
                let item = self.item_ty(items, f, parent, frule, wire);
                let base = Ty::Vec(Box::new(item));
                if value_rules.is_empty() {
                    base
                } else {
                    Ty::Newtype(self.add_newtype(f, parent, base, value_rules, wire.to_vec()))
                }
            }
        }
    }

    /// Array items carry no rules of their own (the checker moves an object
    /// item's rules onto its type), so items are plain types or structs.
    pub(super) fn item_ty(&mut self, ty: &'a Type, f: &'a Field, parent: &str, frule: &str, wire: &[usize]) -> Ty {
        match ty {
            Type::Scalar { scalar } => scalar_ty(*scalar),
            Type::Array { items } => Ty::Vec(Box::new(self.item_ty(items, f, parent, frule, wire))),
            Type::Object { fields, rules } => {
                let base = format!("{}Item", pascal(&f.name));
                let name = self.names.claim(&[base.clone(), format!("{parent}{base}")]);
                let doc = vec![format!("One item of {}.", code(&f.name))];
                Ty::Struct(self.add_struct(name, doc, fields, rules, frule.to_string(), wire.to_vec()))
            }
        }
    }

    pub(super) fn add_newtype(&mut self, f: &'a Field, parent: &str, base: Ty, rules: Vec<&'a Rule>, wire: Vec<usize>) -> usize {
        let name = self.names.claim(&[pascal(&f.name), format!("{parent}{}", pascal(&f.name))]);
        let only = match rules.as_slice() {
            [r] if r.strength == Strength::Documented && r.alternatives.is_empty() => Some(&r.kind),
            _ => None,
        };
        let shape = match (only, &base) {
            (
                Some(RuleKind::Enum {
                    values,
                    case: Case::Exact | Case::Unstated,
                }),
                Ty::Str,
            ) => {
                let mut variants = Names::new(&["Self"], "");
                let mut seen = BTreeSet::new();
                let list = values
                    .iter()
                    .filter(|v| seen.insert(v.as_str()))
                    .map(|v| (ident(&variants.claim(&[pascal(v)])), v.clone()))
                    .collect();
                Shape::Enum(list)
            }
            (Some(RuleKind::CodedEnum { values }), Ty::I64) => {
                let mut variants = Names::new(&["Self"], "");
                let mut seen = BTreeSet::new();
                let list = values
                    .iter()
                    .filter(|v| seen.insert(v.code))
                    .map(|v| (ident(&variants.claim(&[pascal(&v.name)])), v.code, v.name.clone()))
                    .collect();
                Shape::Coded(list)
            }
            _ => Shape::Wrapper(base),
        };
        self.newtypes.push(NewtypeDef {
            name,
            field: f,
            shape,
            rules,
            wire,
        });
        self.newtypes.len() - 1
    }

    // ---- what needs checking on a typed value ----

    pub(super) fn ty_needs_check(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Str | Ty::I64 | Ty::F64 | Ty::Bool => false,
            Ty::Vec(t) => self.ty_needs_check(t),
            Ty::Struct(i) => self.struct_needs_check(*i),
            Ty::Newtype(i) => self.newtype_needs_check(*i),
        }
    }

    pub(super) fn struct_needs_check(&self, i: usize) -> bool {
        let s = &self.structs[i];
        s.rules.iter().any(|r| matches!(r.kind, RuleKind::AtLeastOneOf { .. }))
            || s.members
                .iter()
                .any(|m| (m.optional && m.required_rule.is_some()) || self.ty_needs_check(&m.ty))
    }

    pub(super) fn newtype_needs_check(&self, i: usize) -> bool {
        let n = &self.newtypes[i];
        n.rules.iter().any(|r| r.strength != Strength::Documented)
            || match &n.shape {
                Shape::Wrapper(base) => self.ty_needs_check(base),
                Shape::Enum(_) | Shape::Coded(_) => false,
            }
    }

    // ---- Rust types ----

    /// The type a newtype wraps (itself for every other type).
    pub(super) fn base<'t>(&'t self, ty: &'t Ty) -> &'t Ty {
        match ty {
            Ty::Newtype(i) => match &self.newtypes[*i].shape {
                Shape::Wrapper(base) => base,
                Shape::Enum(_) | Shape::Coded(_) => ty,
            },
            _ => ty,
        }
    }

    pub(super) fn rust_ty(&self, ty: &Ty) -> TokenStream {
        match ty {
            Ty::Str => quote!(String),
            Ty::I64 => quote!(i64),
            Ty::F64 => quote!(f64),
            Ty::Bool => quote!(bool),
            Ty::Vec(t) => {
                let t = self.rust_ty(t);
                quote!(Vec<#t>)
            }
            Ty::Struct(i) => {
                let n = ident(&self.structs[*i].name);
                quote!(#n)
            }
            Ty::Newtype(i) => {
                let n = ident(&self.newtypes[*i].name);
                quote!(#n)
            }
        }
    }
}
