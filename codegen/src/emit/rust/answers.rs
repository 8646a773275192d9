//! The answers of an endpoint as Rust: the success payload's types (the
//! record, its nested objects and lists, as the docs show them) in a
//! module `answer` of the endpoint's, and `parse_answer`. A vendor's
//! `mod.rs` gets its `Error` (one variant per catalogue entry, with the
//! vendor's message) and `answer`, which reads any answer through the same
//! recognition the conformance harness judges with
//! (`erpspec_model::recognise`, on the IR written beside it as `ir.json`),
//! so the types and the oracle cannot disagree on what an answer is.

use super::literals::{doc_lines, field_doc};
use super::names::{Names, field_ident, ident, pascal, snake};
use erpspec_model::ir::{Endpoint, Field, Payload, Type, Vendor};
use erpspec_rules::ScalarType;
use proc_macro2::TokenStream;
use quote::quote;

/// The file beside a vendor's `mod.rs` holding its IR.
pub(super) const IR_FILE: &str = "ir.json";

/// `pub mod answer { ... }` and `parse_answer` of one endpoint.
pub(super) fn endpoint_items(ep: &Endpoint) -> TokenStream {
    let mut space = AnswerSpace {
        names: Names::new(&["Answer", "Value", "Vec", "Option", "String"], ""),
        items: Vec::new(),
    };
    let record = space.record(&["Record".into()], &ep.response.fields, "A record the answer carries.");
    let answer = answer_type(ep, &record);
    let items = &space.items;
    let doc = doc_lines(&[format!("What `{}` answers when it succeeds.", ep.id)]);
    quote! {
        #[cfg(feature = "answers")]
        /// The success payload's types, as the docs show them (ManEx's
        /// padded text kept; a member that may be absent or `null` is an
        /// `Option`; numbers and booleans also as text where the vendor's
        /// pages quote them). Members the docs do not list are ignored.
        pub mod answer {
            #(#items)*

            #doc
            #answer
        }

        /// Reads an answer of this endpoint: its payload when it is the
        /// documented success, else the documented refusal it is, or why it
        /// is neither.
        #[cfg(feature = "answers")]
        pub fn parse_answer(status: u16, body: &[u8]) -> Result<answer::Answer, super::Error> {
            super::answer(ENDPOINT, status, body)
        }
    }
}

fn answer_type(ep: &Endpoint, record: &proc_macro2::Ident) -> TokenStream {
    let derive = quote!(#[derive(Clone, Debug, Default, PartialEq)]);
    let (members, fields, reads): (Vec<TokenStream>, Vec<TokenStream>, Vec<TokenStream>) = match &ep.response.payload {
        Payload::Record => return quote!(pub type Answer = #record;),
        Payload::Records => return quote!(pub type Answer = Vec<#record>;),
        Payload::EmptyObject => {
            return quote!(
                pub type Answer = crate::Empty;
            );
        }
        Payload::Null => {
            return quote!(
                pub type Answer = ();
            );
        }
        Payload::Unspecified => {
            return quote!(
                pub type Answer = serde_json::Value;
            );
        }
        Payload::Wrapped { member } if ep.wraps_list() => {
            let mut members = vec![quote!(pub records: Vec<#record>,)];
            let mut fields = vec![quote!(records)];
            let mut reads = vec![quote!(m.required(#member)?)];
            for (name, _) in &ep.response.beside {
                let f = field_ident(&snake(name));
                members.push(quote!(pub #f: i64,));
                fields.push(quote!(#f));
                reads.push(quote!(m.required(#name)?));
            }
            (members, fields, reads)
        }
        Payload::Wrapped { member } => (
            vec![quote!(pub record: #record,)],
            vec![quote!(record)],
            vec![quote!(m.required(#member)?)],
        ),
    };
    quote! {
        #derive
        pub struct Answer {
            #(#members)*
        }

        impl erpspec_model::payload::FromPayload for Answer {
            fn from_payload(v: &serde_json::Value, cx: &erpspec_model::payload::Cx) -> Result<Self, String> {
                let m = cx.members(v)?;
                Ok(Answer { #(#fields: #reads),* })
            }
        }
    }
}

/// The answer module's types, named once each.
struct AnswerSpace {
    names: Names,
    items: Vec<TokenStream>,
}

impl AnswerSpace {
    /// A struct of `fields`, named by the first free candidate, and how it
    /// is read from a payload.
    fn record(&mut self, candidates: &[String], fields: &[Field], doc: &str) -> proc_macro2::Ident {
        let name = ident(&self.names.claim(candidates));
        let mut members = Names::new(&[], "_");
        let (mut out, mut reads) = (Vec::new(), Vec::new());
        for f in fields {
            let member = field_ident(&members.claim(&[snake(&f.name)]));
            let ty = self.ty(&f.name, &f.ty);
            let wire = &f.name;
            let doc = doc_lines(&field_doc(f));
            let (ty, read) = match f.required && !f.nullable {
                true => (ty, quote!(m.required(#wire)?)),
                false => (quote!(Option<#ty>), quote!(m.optional(#wire)?)),
            };
            out.push(quote! {
                #doc
                pub #member: #ty,
            });
            reads.push(quote!(#member: #read));
        }
        let doc = doc_lines(&[doc.to_string()]);
        // A record the docs give no member of is still an object.
        let read = match reads.is_empty() {
            true => quote!(cx.members(v).map(|_| #name {})),
            false => quote! {
                let m = cx.members(v)?;
                Ok(#name { #(#reads),* })
            },
        };
        self.items.push(quote! {
            #doc
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct #name {
                #(#out)*
            }

            impl erpspec_model::payload::FromPayload for #name {
                fn from_payload(v: &serde_json::Value, cx: &erpspec_model::payload::Cx) -> Result<Self, String> {
                    #read
                }
            }
        });
        name
    }

    fn ty(&mut self, field: &str, ty: &Type) -> TokenStream {
        match ty {
            Type::Scalar { scalar } => match scalar {
                ScalarType::String => quote!(String),
                ScalarType::Integer => quote!(i64),
                ScalarType::Number => quote!(f64),
                ScalarType::Boolean => quote!(bool),
            },
            Type::Array { items } => match &**items {
                Type::Object { fields, .. } => {
                    let name = self.record(
                        &[format!("{}Item", pascal(field))],
                        fields,
                        &format!("One item of the answer's `{field}`."),
                    );
                    quote!(Vec<#name>)
                }
                other => {
                    let item = self.ty(field, other);
                    quote!(Vec<#item>)
                }
            },
            Type::Object { fields, .. } => {
                let name = self.record(&[pascal(field)], fields, &format!("The answer's `{field}`."));
                quote!(#name)
            }
        }
    }
}

/// The vendor's `Error` and `answer`, and its IR read from [`IR_FILE`].
pub(super) fn vendor_items(v: &Vendor) -> TokenStream {
    let ir_file = IR_FILE;
    let error = error_items(v);
    quote! {
        #[cfg(feature = "answers")]
        static IR: std::sync::LazyLock<erpspec_model::ir::Vendor> = std::sync::LazyLock::new(|| {
            serde_json::from_str(include_str!(#ir_file)).expect("the IR generated with this crate reads")
        });

        /// This vendor's IR, as the schemas describe it.
        #[cfg(feature = "answers")]
        pub fn vendor() -> &'static erpspec_model::ir::Vendor {
            &IR
        }

        #error

        #[cfg(feature = "answers")]
        /// Reads an answer of `endpoint` through the harness's recognition:
        /// the payload of the documented success as the answer type, or the
        /// documented refusal it is (the endpoint's own entries first).
        pub fn answer<T: erpspec_model::payload::FromPayload>(endpoint: &str, status: u16, body: &[u8]) -> Result<T, Error> {
            erpspec_model::payload::answer(vendor(), endpoint, status, body).map_err(|e| match e {
                erpspec_model::payload::NotSuccess::Refused { entry, message } => Error::of(&entry.id, message, status),
                erpspec_model::payload::NotSuccess::Undocumented(reason) => Error::Undocumented { status, reason },
            })
        }
    }
}

/// The vendor's `Error`: a variant per catalogue entry, and `Undocumented`.
fn error_items(v: &Vendor) -> TokenStream {
    let mut names = Names::new(&["Undocumented"], "");
    let entries: Vec<(proc_macro2::Ident, &str, String)> = v
        .errors
        .iter()
        .map(|e| {
            let doc = format!("`{}`: {}", e.id, erpspec_model::recognise::describe_message(&e.message));
            (ident(&names.claim(&[pascal(&e.id)])), e.id.as_str(), doc)
        })
        .collect();
    let variants = entries
        .iter()
        .map(|(name, _, doc)| quote!(#[doc = #doc] #name { message: String },));
    let from_id = entries.iter().map(|(name, id, _)| quote!(#id => Error::#name { message },));
    let to_id = entries.iter().map(|(name, id, _)| quote!(Error::#name { .. } => Some(#id),));
    let messages = entries
        .iter()
        .map(|(name, _, _)| quote!(Error::#name { message } => Some(message),));
    quote! {
        /// A documented refusal, with the vendor's message, or an answer the
        /// docs do not describe.
        #[cfg(feature = "answers")]
        #[derive(Clone, Debug, PartialEq)]
        pub enum Error {
            #(#variants)*
            /// Neither the documented success nor a documented refusal.
            Undocumented { status: u16, reason: String },
        }

        #[cfg(feature = "answers")]
        impl Error {
            fn of(id: &str, message: String, status: u16) -> Error {
                match id {
                    #(#from_id)*
                    _ => Error::Undocumented { status, reason: format!("refused with `{id}`: {message}") },
                }
            }

            /// The catalogue entry (`schemas/<vendor>/api.yaml`), if documented.
            pub fn entry(&self) -> Option<&'static str> {
                match self {
                    #(#to_id)*
                    Error::Undocumented { .. } => None,
                }
            }

            /// The vendor's message, if documented.
            pub fn message(&self) -> Option<&str> {
                match self {
                    #(#messages)*
                    Error::Undocumented { .. } => None,
                }
            }
        }

        #[cfg(feature = "answers")]
        impl std::fmt::Display for Error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match (self.entry(), self) {
                    (_, Error::Undocumented { status, reason }) => write!(f, "an undocumented answer (HTTP {status}): {reason}"),
                    (Some(id), e) => write!(f, "refused with `{id}`: {:?}", e.message().unwrap_or_default()),
                    (None, _) => write!(f, "refused"),
                }
            }
        }

        #[cfg(feature = "answers")]
        impl std::error::Error for Error {}

    }
}
