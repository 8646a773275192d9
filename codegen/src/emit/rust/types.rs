//! The endpoint module's items: `Request` and its nested structs with their
//! entry points and typed validation, newtypes and enums.

use super::EmitError;
use super::literals::{code, doc_lines, field_doc, i64_lit, inner_doc_lines};
use super::names::ident;
use super::type_space::{Member, Plan, Shape, Ty};
use erpspec_model::ir::{ParamLocation, Rule};
use erpspec_rules::{RuleKind, Strength, pointer_escape};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

impl Plan<'_> {
    pub(super) fn tokens(&self) -> Result<TokenStream, EmitError> {
        let (v, ep) = (self.vendor, self.ep);
        let mut doc = vec![format!("{} — {}", ep.title, code(&format!("{}.{}", v.name, ep.id))), String::new()];
        if let Some(s) = &ep.summary {
            doc.push(s.clone());
            doc.push(String::new());
        }
        let mut route = format!("Route {}", code(&ep.route));
        if let Some(p) = &ep.program {
            route.push_str(&format!(" ({p})"));
        }
        route.push('.');
        doc.push(route);
        let doc = inner_doc_lines(&doc);
        let (vendor_name, ep_id) = (&v.name, &ep.id);
        let mut items = Vec::new();
        for i in 0..self.structs.len() {
            items.push(self.struct_tokens(i)?);
        }
        for i in 0..self.newtypes.len() {
            items.push(self.newtype_tokens(i)?);
        }
        let wire = self.wire_tokens()?;
        let has_rules = self
            .structs
            .iter()
            .any(|s| !s.rules.is_empty() || s.members.iter().any(|m| !m.field.rules.is_empty()));
        let kinds = has_rules.then(|| {
            quote!(
                use erpspec_rules::{RuleKind as K, Strength as S};
            )
        });
        Ok(quote! {
            #![cfg_attr(rustfmt, rustfmt::skip)]
            #doc
            use erpspec_rules as rules;
            use erpspec_rules::read as w;
            #kinds
            use serde_json::Value;

            /// The vendor this endpoint belongs to.
            pub const VENDOR: &str = #vendor_name;
            /// The endpoint's id (its schema file's stem).
            pub const ENDPOINT: &str = #ep_id;

            #(#items)*

            #wire
        })
    }

    fn struct_tokens(&self, i: usize) -> Result<TokenStream, EmitError> {
        let s = &self.structs[i];
        let name = ident(&s.name);
        let doc = doc_lines(&s.doc);
        let fields = s.members.iter().map(|m| {
            let ident = &m.ident;
            let wire = &m.field.name;
            let ty = self.rust_ty(&m.ty);
            let doc = doc_lines(&member_doc(m));
            if m.optional {
                quote! {
                    #doc
                    #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
                    pub #ident: Option<#ty>,
                }
            } else {
                quote! {
                    #doc
                    #[serde(rename = #wire)]
                    pub #ident: #ty,
                }
            }
        });
        let entry = if i == 0 { self.entry_points() } else { TokenStream::new() };
        let validate = self.validate_tokens(i).map_err(|e| self.err(e))?;
        Ok(quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
            pub struct #name {
                #(#fields)*
            }

            impl #name {
                #entry
                #validate
            }
        })
    }

    /// `from_wire`, `from_wire_bytes`, `from_query`, `parse` on `Request`.
    fn entry_points(&self) -> TokenStream {
        let query = if self.vendor.transport.parameters.contains(&ParamLocation::Query) {
            quote! {
                /// Reads a query string (`?Name=value&...`) the way the dialect
                /// does: every value arrives as text, names match as the
                /// vendor matches them.
                pub fn from_query(query: &str) -> rules::WireReport {
                    Self::from_wire(&rules::query_object(query))
                }
            }
        } else {
            TokenStream::new()
        };
        quote! {
            /// Reads a request body the way the vendor's dialect does and
            /// reports every broken rule, wrong type and unknown member, with
            /// the request as a server would store it.
            pub fn from_wire(body: &Value) -> rules::WireReport {
                WIRE.read_value(body)
            }

            /// [`Self::from_wire`] on raw bytes, validated while they are
            /// parsed; fails only if they are not JSON.
            pub fn from_wire_bytes(bytes: &[u8]) -> Result<rules::WireReport, serde_json::Error> {
                WIRE.read_bytes(bytes, true)
            }

            /// [`Self::from_wire_bytes`] without the normalized request
            /// (`normalized` is null): no value is copied.
            pub fn check_wire_bytes(bytes: &[u8]) -> Result<rules::WireReport, serde_json::Error> {
                WIRE.read_bytes(bytes, false)
            }

            #query

            /// Reads a request body into its typed value. Fails when a
            /// documented rule is broken; contested and site rules never fail
            /// here (other values are legal): [`Self::validate`] reports them.
            pub fn parse(body: &Value) -> Result<Self, crate::ParseError> {
                w::parse(Self::from_wire(body))
            }
        }
    }

    // ---- typed validation ----

    fn validate_tokens(&self, i: usize) -> Result<TokenStream, String> {
        let needs = self.struct_needs_check(i);
        let public = if i == 0 {
            let body = if needs {
                quote! {
                    let mut out = Vec::new();
                    self.validate_at("", &mut out);
                    out
                }
            } else {
                quote!(Vec::new())
            };
            quote! {
                /// Every rule a typed request can still break: documented
                /// rules hold by construction, so these are the contested and
                /// site rules and `at_least_one_of`.
                pub fn validate(&self) -> Vec<rules::Violation> {
                    #body
                }
            }
        } else {
            TokenStream::new()
        };
        if !needs {
            return Ok(public);
        }
        let mut body = self.member_checks(i)?;
        body.extend(self.any_of_checks(i));
        Ok(quote! {
            #public

            /// [`Self::validate`] for a value at `path` (a JSON pointer).
            #[doc(hidden)]
            pub fn validate_at(&self, path: &str, out: &mut Vec<rules::Violation>) {
                #(#body)*
            }
        })
    }

    /// A typed struct's checks of its members: each member's value, and the
    /// report of a missing optional member a rule requires.
    fn member_checks(&self, i: usize) -> Result<Vec<TokenStream>, String> {
        let s = &self.structs[i];
        let mut body = Vec::new();
        for (fi, m) in s.members.iter().enumerate() {
            let ident = &m.ident;
            let escaped = pointer_escape(&m.field.name);
            let check = self.typed_check(&m.ty, &quote!(x))?;
            let missing = match m.required_rule {
                Some(_) if m.optional => {
                    let at = wire_path(s.wire.iter().copied().chain([fi]));
                    Some(quote!(WIRE.field(#at).report_missing(path, out);))
                }
                _ => None,
            };
            let with_path = check.map(|c| {
                quote! {
                    let path = w::child(path, #escaped);
                    #c
                }
            });
            body.push(match (m.optional, with_path, missing) {
                (_, None, None) => continue,
                (false, Some(c), _) => quote! {{
                    let x = &self.#ident;
                    #c
                }},
                (true, Some(c), None) => quote! {
                    if let Some(x) = &self.#ident {
                        #c
                    }
                },
                (true, Some(c), Some(missing)) => quote! {
                    match &self.#ident {
                        Some(x) => { #c }
                        None => { #missing }
                    }
                },
                (true, None, Some(missing)) => quote! {
                    if self.#ident.is_none() {
                        #missing
                    }
                },
                // Only an optional member can be missing.
                (false, None, Some(_)) => continue,
            });
        }
        Ok(body)
    }

    /// A typed struct's `at_least_one_of` rules, each over the members it names.
    fn any_of_checks(&self, i: usize) -> Vec<TokenStream> {
        let s = &self.structs[i];
        let mut body = Vec::new();
        let object = wire_path(s.wire.iter().copied());
        for (k, r) in s
            .rules
            .iter()
            .filter(|r| matches!(r.kind, RuleKind::AtLeastOneOf { .. }))
            .enumerate()
        {
            if let RuleKind::AtLeastOneOf { fields } = &r.kind {
                let present: Vec<TokenStream> = s
                    .members
                    .iter()
                    .filter(|m| fields.contains(&m.field.name))
                    .map(|m| {
                        let ident = &m.ident;
                        if m.optional { quote!(self.#ident.is_some()) } else { quote!(true) }
                    })
                    .collect();
                let k = Literal::usize_unsuffixed(k);
                body.push(quote!(WIRE.object(#object).report_any_of(#k, &[#(#present),*], path, out);));
            }
        }
        body
    }

    /// Statements checking `x` (a reference to a value of `ty`, at `path`),
    /// or `None` when nothing can be broken.
    fn typed_check(&self, ty: &Ty, x: &TokenStream) -> Result<Option<TokenStream>, String> {
        if !self.ty_needs_check(ty) {
            return Ok(None);
        }
        Ok(Some(match ty {
            Ty::Struct(_) | Ty::Newtype(_) => quote!(#x.validate_at(&path, out);),
            Ty::Vec(t) => {
                let inner = self.typed_check(t, &quote!(item))?.unwrap_or_default();
                quote! {
                    for (i, item) in #x.iter().enumerate() {
                        let path = w::index(&path, i);
                        #inner
                    }
                }
            }
            Ty::Str | Ty::I64 | Ty::F64 | Ty::Bool => return Ok(None),
        }))
    }

    // ---- newtypes and enums ----

    fn newtype_tokens(&self, i: usize) -> Result<TokenStream, EmitError> {
        let n = &self.newtypes[i];
        let name = ident(&n.name);
        let mut doc = field_doc(n.field);
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.push(format!("The value of {}. Rules:", code(&n.field.name)));
        for r in &n.rules {
            let mut line = format!("- {} ({}): {}", code(&r.id), r.strength, r.kind.describe());
            for alt in &r.alternatives {
                line.push_str(&format!("; or {}", alt.describe()));
            }
            if let Some(note) = &r.note {
                line.push_str(&format!(". {note}"));
            }
            doc.push(line);
        }
        let documented: Vec<&Rule> = n.rules.iter().copied().filter(|r| r.strength == Strength::Documented).collect();
        match &n.shape {
            Shape::Enum(variants) => Ok(self.enum_tokens(i, &name, &doc, variants)),
            Shape::Coded(variants) => Ok(self.coded_tokens(i, &name, &doc, variants)),
            Shape::Wrapper(base) => self.wrapper_tokens(i, &name, doc, base, !documented.is_empty()),
        }
    }

    /// A newtype around a value: the struct here, its constructor, getters
    /// and conversion from `erpspec_rules::newtype!`.
    fn wrapper_tokens(&self, i: usize, name: &Ident, mut doc: Vec<String>, base: &Ty, checked: bool) -> Result<TokenStream, EmitError> {
        let n = &self.newtypes[i];
        // On the wire a number field keeps 1 and 1.0 apart and only the first
        // is a code; an f64 cannot. The checker only allows coded_enum on
        // integers, so this is never reached from schemas.
        let coded = n.rules.iter().any(|r| {
            std::iter::once(&r.kind)
                .chain(&r.alternatives)
                .any(|k| matches!(k, RuleKind::CodedEnum { .. }))
        });
        if coded && matches!(base, Ty::F64) {
            return Err(self.err(format!("`coded_enum` on a number field has no typed form (`{}`)", n.field.name)));
        }
        doc.push(String::new());
        doc.push(if checked {
            "Built only through `TryFrom`, which checks the documented rules: an invalid value cannot be held.".to_string()
        } else {
            "No documented rule constrains it: every value can be held, and `validate()` reports the others.".to_string()
        });
        let doc = doc_lines(&doc);
        let base_ty = self.rust_ty(base);
        let serde_base = base_ty.to_string().replace(' ', "");
        let (derives, kind) = match base {
            Ty::Str => (quote!(Clone, Debug, PartialEq, Eq, Hash), quote!(text #name)),
            Ty::I64 | Ty::Bool => (quote!(Clone, Copy, Debug, PartialEq, Eq, Hash), quote!(value #name(#base_ty))),
            Ty::F64 => (quote!(Clone, Copy, Debug, PartialEq), quote!(value #name(#base_ty))),
            Ty::Vec(item) => {
                let item = self.rust_ty(item);
                (quote!(Clone, Debug, PartialEq), quote!(items #name[#item]))
            }
            Ty::Struct(_) | Ty::Newtype(_) => return Err(self.err(format!("`{}` wraps a type that is not a value", n.name))),
        };
        let (serde, newtype) = if checked {
            let at = wire_path(n.wire.iter().copied());
            (
                quote!(try_from = #serde_base),
                quote!(rules::newtype!(checked #kind by WIRE.field(#at));),
            )
        } else {
            (quote!(from = #serde_base), quote!(rules::newtype!(open #kind);))
        };
        let validate = self.newtype_validate(i, base).map_err(|e| self.err(e))?;
        let validate = (!validate.is_empty()).then(|| quote!(impl #name { #validate }));
        Ok(quote! {
            #doc
            #[derive(#derives, serde::Serialize, serde::Deserialize)]
            #[serde(#serde, into = #serde_base)]
            pub struct #name(#base_ty);

            #newtype
            #validate
        })
    }

    fn newtype_validate(&self, i: usize, base: &Ty) -> Result<TokenStream, String> {
        if !self.newtype_needs_check(i) {
            return Ok(TokenStream::new());
        }
        let n = &self.newtypes[i];
        let mut body = Vec::new();
        if n.rules.iter().any(|r| r.strength != Strength::Documented) {
            let at = wire_path(n.wire.iter().copied());
            body.push(quote!(WIRE.field(#at).report_loose(&self.0, path, out);));
        }
        if let Ty::Vec(item) = base
            && let Some(check) = self.typed_check(item, &quote!(item))?
        {
            body.push(quote! {
                for (i, item) in self.0.iter().enumerate() {
                    let path = w::index(path, i);
                    #check
                }
            });
        }
        let path_param = if body.is_empty() { quote!(_path) } else { quote!(path) };
        let out_param = if body.is_empty() { quote!(_out) } else { quote!(out) };
        Ok(quote! {
            /// Reports the rules a held value can still break (contested and
            /// site rules) for a value at `path` (a JSON pointer).
            #[doc(hidden)]
            pub fn validate_at(&self, #path_param: &str, #out_param: &mut Vec<rules::Violation>) {
                #(#body)*
            }
        })
    }

    fn enum_tokens(&self, i: usize, name: &Ident, doc: &[String], variants: &[(Ident, String)]) -> TokenStream {
        let doc = doc_lines(doc);
        let defs = variants.iter().map(|(v, wire)| {
            let d = format!(" {}", code(wire));
            quote! {
                #[doc = #d]
                #[serde(rename = #wire)]
                #v,
            }
        });
        let as_str = variants.iter().map(|(v, wire)| quote!(Self::#v => #wire,));
        let from = variants.iter().map(|(v, wire)| quote!(#wire => Some(Self::#v),));
        let at = wire_path(self.newtypes[i].wire.iter().copied());
        quote! {
            #doc
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
            pub enum #name {
                #(#defs)*
            }

            impl #name {
                /// The documented spelling.
                pub const fn as_str(self) -> &'static str {
                    match self {
                        #(#as_str)*
                    }
                }
            }

            impl TryFrom<&str> for #name {
                type Error = crate::Invalid;
                fn try_from(value: &str) -> Result<Self, crate::Invalid> {
                    let found = match value {
                        #(#from)*
                        _ => None,
                    };
                    WIRE.field(#at).admit_variant(value, found)
                }
            }

            impl core::fmt::Display for #name {
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }
    }

    fn coded_tokens(&self, i: usize, name: &Ident, doc: &[String], variants: &[(Ident, i64, String)]) -> TokenStream {
        let doc = doc_lines(doc);
        let defs = variants.iter().map(|(v, c, n)| {
            let d = format!(" {n} = {c}");
            quote! {
                #[doc = #d]
                #v,
            }
        });
        let code_arms = variants.iter().map(|(v, c, _)| {
            let c = i64_lit(*c);
            quote!(Self::#v => #c,)
        });
        let name_arms = variants.iter().map(|(v, _, n)| quote!(Self::#v => #n,));
        let from = variants.iter().map(|(v, c, _)| {
            let c = i64_lit(*c);
            quote!(#c => Some(Self::#v),)
        });
        let at = wire_path(self.newtypes[i].wire.iter().copied());
        quote! {
            #doc
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
            #[serde(try_from = "i64", into = "i64")]
            pub enum #name {
                #(#defs)*
            }

            impl #name {
                /// The code on the wire.
                pub const fn code(self) -> i64 {
                    match self {
                        #(#code_arms)*
                    }
                }

                /// The documented name of the code.
                pub const fn name(self) -> &'static str {
                    match self {
                        #(#name_arms)*
                    }
                }
            }

            impl TryFrom<i64> for #name {
                type Error = crate::Invalid;
                fn try_from(value: i64) -> Result<Self, crate::Invalid> {
                    let found = match value {
                        #(#from)*
                        _ => None,
                    };
                    WIRE.field(#at).admit_variant(&value, found)
                }
            }

            impl From<#name> for i64 {
                fn from(value: #name) -> Self {
                    value.code()
                }
            }
        }
    }
}

fn member_doc(m: &Member) -> Vec<String> {
    let f = m.field;
    let mut doc = field_doc(f);
    if !doc.is_empty() {
        doc.push(String::new());
    }
    let mut line = format!("Wire name {}", code(&f.name));
    match m.required_rule {
        Some(r) => line.push_str(&format!("; required ({}, {}).", code(&r.id), r.strength)),
        None => line.push_str("; optional."),
    }
    if let Some(run) = &f.run {
        line.push_str(&format!(" One of the numbered run {}.", code(&run.pattern)));
    }
    if let Some(r) = &f.refers_to {
        line.push_str(&format!(" Names a {} by its {}.", code(&r.resource), code(&r.field)));
    }
    doc.push(line);
    doc
}

/// `&[0, 2]`: a path of field indices into the runtime description.
fn wire_path(path: impl Iterator<Item = usize>) -> TokenStream {
    let at = path.map(Literal::usize_unsuffixed);
    quote!(&[#(#at),*])
}
