//! The endpoint's runtime description (`erpspec_rules::read::Endpoint`,
//! one `static WIRE`), built from literal constructor calls, and the one
//! piece of reading that stays generated: per object, a `match` from a member
//! name to its field's index.

use super::EmitError;
use super::literals::scalar_tokens;
use super::rule_calls::check_tokens;
use super::type_space::{Plan, Ty, is_required};
use erpspec_model::ir::Type;
use erpspec_rules::{NameMatching, RuleKind};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

impl Plan<'_> {
    /// `WIRE`, and per object its constructor and name matcher.
    pub(super) fn wire_tokens(&self) -> Result<TokenStream, EmitError> {
        let prefix = &self.prefix;
        let mut items = Vec::new();
        for i in 0..self.structs.len() {
            items.push(self.object_tokens(i)?);
            items.push(self.matcher_tokens(i)?);
        }
        Ok(quote! {
            /// The request as `erpspec_rules::read` reads it: fields, types,
            /// rules and the vendor's dialect.
            pub static WIRE: std::sync::LazyLock<w::Endpoint> = std::sync::LazyLock::new(|| {
                w::Endpoint::new(#prefix, super::NAME_MATCHING, super::STRINGS_CARRY_SCALARS, object_0())
            });

            #(#items)*
        })
    }

    fn object_tokens(&self, i: usize) -> Result<TokenStream, EmitError> {
        let s = &self.structs[i];
        let (name, matcher) = (format_ident!("object_{i}"), format_ident!("names_{i}"));
        let mut statements = Vec::new();
        for m in &s.members {
            let wire = &m.field.name;
            let shape = self.shape_tokens(&m.field.ty, &m.ty)?;
            statements.push(quote!(o.field(#wire, #shape);));
            if let Some(r) = m.required_rule {
                let c = check_tokens(r, &format!("{}{}.required", self.prefix, m.rule_path), None);
                statements.push(quote!(o.required(#c);));
            }
            for r in m.field.rules.iter().filter(|r| !is_required(r)) {
                let c = check_tokens(r, &format!("{}{}.{}", self.prefix, m.rule_path, r.kind.name()), None);
                statements.push(quote!(o.rule(#c);));
            }
        }
        for r in s.rules {
            if let RuleKind::AtLeastOneOf { fields: wanted } = &r.kind {
                let at: Vec<Literal> = s
                    .members
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| wanted.contains(&m.field.name))
                    .map(|(fi, _)| Literal::usize_unsuffixed(fi))
                    .collect();
                let dot = if s.rule_path.is_empty() { "" } else { "." };
                let id = format!("{}{}{dot}at_least_one_of", self.prefix, s.rule_path);
                let c = check_tokens(r, &id, Some(r.violation_message(&s.rule_path)));
                statements.push(quote!(o.at_least_one_of(&[#(#at),*], #c);));
            }
        }
        if statements.is_empty() {
            return Ok(quote! {
                fn #name() -> w::Object {
                    w::Object::new(#matcher)
                }
            });
        }
        Ok(quote! {
            fn #name() -> w::Object {
                let mut o = w::Object::new(#matcher);
                #(#statements)*
                o
            }
        })
    }

    /// The reader's shape of a value typed `ty` in the IR and `planned` here
    /// (which names the struct of an object).
    fn shape_tokens(&self, ty: &Type, planned: &Ty) -> Result<TokenStream, EmitError> {
        Ok(match ty {
            Type::Scalar { scalar } => scalar_tokens(*scalar),
            Type::Array { items } => {
                let item = match self.base(planned) {
                    Ty::Vec(item) => item.as_ref(),
                    other => other,
                };
                let items = self.shape_tokens(items, item)?;
                quote!(w::Shape::array(#items))
            }
            Type::Object { .. } => match planned {
                Ty::Struct(j) => {
                    let object = format_ident!("object_{j}");
                    quote!(w::Shape::Object(#object()))
                }
                _ => return Err(self.err("an object field is planned as something else than a struct".to_string())),
            },
        })
    }

    /// `names_<i>`: which field a member name is for. A case-insensitive
    /// dialect hands it the name in ASCII lowercase, so it matches lowercase.
    fn matcher_tokens(&self, i: usize) -> Result<TokenStream, EmitError> {
        let s = &self.structs[i];
        let name = format_ident!("names_{i}");
        let fold = self.vendor.transport.names == NameMatching::CaseInsensitive;
        let mut seen = BTreeMap::new();
        for (fi, m) in s.members.iter().enumerate() {
            let key = if fold {
                m.field.name.to_ascii_lowercase()
            } else {
                m.field.name.clone()
            };
            if let Some(other) = seen.insert(key, fi) {
                return Err(self.err(format!(
                    "`{}` and `{}` are one name to this vendor's name matching",
                    s.members[other].field.name, m.field.name
                )));
            }
        }
        if seen.is_empty() {
            return Ok(quote! {
                fn #name(_: &str) -> Option<usize> {
                    None
                }
            });
        }
        let arms = seen.iter().map(|(k, fi)| {
            let fi = Literal::usize_unsuffixed(*fi);
            quote!(#k => Some(#fi),)
        });
        Ok(quote! {
            fn #name(name: &str) -> Option<usize> {
                match name {
                    #(#arms)*
                    _ => None,
                }
            }
        })
    }
}
