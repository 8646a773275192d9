//! `lib.rs` (the dispatch tables by endpoint; the shared error types, helpers
//! and entry points are `erpspec_rules::read`'s, re-exported or expanded
//! there) and one `mod.rs` per vendor (its dialect).

use super::literals::{code, inner_doc_lines, names_tokens};
use super::names::{Layout, VendorLayout, ident};
use super::{EmitError, SRC_DIR, render};
use erpspec_model::ir::{Api, ParamLocation, Vendor};
use erpspec_rules::NameMatching;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn lib_file(api: &Api, layout: &Layout) -> Result<String, EmitError> {
    let file = format!("{SRC_DIR}/lib.rs");
    let doc = crate_doc(api, layout);
    let mods = layout.vendors.iter().map(|vl| {
        let m = ident(&vl.module);
        quote!(pub mod #m;)
    });
    let fingerprint = erpspec_model::fingerprint::of(api);
    let arms = Arms::of(api, layout);
    let endpoints = &arms.endpoints;
    let (wire, query, typed) = (arms.wire_fn(), arms.query_fn(), arms.typed_fn());
    let answers = arms.answers_fn();
    let client = super::client::crate_items();
    // The fixed parts are `erpspec_rules::read`'s: its error types
    // re-exported, and `entry_points!` (`validate_wire`,
    // `validate_wire_bytes`, `check_wire_bytes` over `wire`).
    let tokens = quote! {
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #doc

        #(#mods)*

        pub use erpspec_rules::read::{Invalid, ParseError};
        use erpspec_rules::{Violation, WireReport};
        use serde_json::Value;

        /// The fingerprint of the IR these validators were generated from
        /// (`erpspec_model::fingerprint`): a program built with other
        /// schemas refuses to validate with them.
        pub const SCHEMA_FINGERPRINT: &str = #fingerprint;

        /// Every endpoint, as `(vendor, endpoint id)`.
        pub const ENDPOINTS: &[(&str, &str)] = &[#(#endpoints),*];

        /// The payload of an answer the docs show as an empty JSON object.
        #[cfg(feature = "answers")]
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        pub struct Empty {}

        #[cfg(feature = "answers")]
        impl erpspec_model::payload::FromPayload for Empty {
            fn from_payload(v: &serde_json::Value, cx: &erpspec_model::payload::Cx) -> Result<Self, String> {
                cx.members(v).map(|_| Empty {})
            }
        }

        #wire

        erpspec_rules::entry_points!(wire);

        #query

        #typed

        #answers

        #client
    };
    render(&file, tokens)
}

/// The crate's doc: what it is, and a table of every vendor's endpoints.
fn crate_doc(api: &Api, layout: &Layout) -> TokenStream {
    let mut doc = vec![
        "Rust types and validators for the vendors' APIs, generated from `schemas/` by `cargo xtask codegen`.".to_string(),
        String::new(),
        "One module per vendor, one per endpoint (`manex::customer_add::Request`). Every check calls `erpspec_rules`, so these validators, the conformance oracle and the JSON Schema documents agree.".to_string(),
        String::new(),
        "| vendor | endpoints |".to_string(),
        "| --- | --- |".to_string(),
    ];
    for (v, vl) in api.vendors.iter().zip(&layout.vendors) {
        let eps: Vec<String> = vl.endpoints.iter().map(|e| format!("[`{e}`]({}::{e})", vl.module)).collect();
        doc.push(format!("| [{}]({}) | {} |", v.title, vl.module, eps.join(", ")));
    }
    inner_doc_lines(&doc)
}

/// The dispatch tables by `(vendor, endpoint id)`: what `lib.rs` writes out
/// because it differs with the schemas.
struct Arms {
    endpoints: Vec<TokenStream>,
    wire: Vec<TokenStream>,
    typed: Vec<TokenStream>,
    answers: Vec<TokenStream>,
    /// Only the endpoints of vendors that take parameters in the query string.
    query: Vec<TokenStream>,
}

impl Arms {
    fn of(api: &Api, layout: &Layout) -> Arms {
        let mut arms = Arms {
            endpoints: Vec::new(),
            wire: Vec::new(),
            typed: Vec::new(),
            answers: Vec::new(),
            query: Vec::new(),
        };
        for (v, vl) in api.vendors.iter().zip(&layout.vendors) {
            let vm = ident(&vl.module);
            for (ep, em) in v.endpoints.iter().zip(&vl.endpoints) {
                let em = ident(em);
                let (vn, en) = (&v.name, &ep.id);
                arms.endpoints.push(quote!((#vn, #en)));
                arms.wire.push(quote!((#vn, #en) => &#vm::#em::WIRE,));
                arms.typed
                    .push(quote!((#vn, #en) => #vm::#em::Request::parse(body).map(|r| r.validate()),));
                arms.answers.push(quote! {
                    (#vn, #en) => #vm::#em::parse_answer(status, body)
                        .map(|a| format!("{a:?}"))
                        .map_err(|e| (e.entry(), e.to_string())),
                });
                if v.transport.parameters.contains(&ParamLocation::Query) {
                    arms.query.push(quote!((#vn, #en) => #vm::#em::Request::from_query(query),));
                }
            }
        }
        arms
    }

    fn wire_fn(&self) -> TokenStream {
        let arms = &self.wire;
        quote! {
            /// The runtime description of an endpoint's request (what
            /// `erpspec_rules::read` reads it against); `None` for an unknown endpoint.
            pub fn wire(vendor: &str, endpoint: &str) -> Option<&'static erpspec_rules::read::Endpoint> {
                Some(match (vendor, endpoint) {
                    #(#arms)*
                    _ => return None,
                })
            }
        }
    }

    fn query_fn(&self) -> TokenStream {
        let arms = &self.query;
        let body = if arms.is_empty() {
            quote! {
                let _ = (vendor, endpoint, query);
                None
            }
        } else {
            quote! {
                Some(match (vendor, endpoint) {
                    #(#arms)*
                    _ => return None,
                })
            }
        };
        quote! {
            /// Reads a query string for an endpoint whose vendor accepts
            /// parameters there; `None` for an unknown endpoint or a vendor that
            /// takes no query parameters.
            pub fn validate_query(vendor: &str, endpoint: &str, query: &str) -> Option<WireReport> {
                #body
            }
        }
    }

    fn answers_fn(&self) -> TokenStream {
        let arms = &self.answers;
        quote! {
            /// Reads an answer of an endpoint (`<endpoint>::parse_answer`): its
            /// typed payload, shown with `Debug`, or the documented refusal it
            /// is, as `(catalogue entry, description)` (no entry: the answer is
            /// undocumented); `None` for an unknown endpoint.
            #[cfg(feature = "answers")]
            pub fn parse_answer(
                vendor: &str,
                endpoint: &str,
                status: u16,
                body: &[u8],
            ) -> Option<Result<String, (Option<&'static str>, String)>> {
                Some(match (vendor, endpoint) {
                    #(#arms)*
                    _ => return None,
                })
            }
        }
    }

    fn typed_fn(&self) -> TokenStream {
        let arms = &self.typed;
        quote! {
            /// Parses a request body into the endpoint's typed value and reports
            /// what the typed value can still break (`Request::parse`, then
            /// `validate`); `None` for an unknown endpoint.
            pub fn validate_typed(vendor: &str, endpoint: &str, body: &Value) -> Option<Result<Vec<Violation>, ParseError>> {
                Some(match (vendor, endpoint) {
                    #(#arms)*
                    _ => return None,
                })
            }
        }
    }
}

pub(super) fn vendor_file(v: &Vendor, vl: &VendorLayout) -> Result<String, EmitError> {
    let file = format!("{SRC_DIR}/{}/mod.rs", vl.module);
    let t = &v.transport;
    let params: Vec<&str> = t.parameters.iter().map(|p| p.describe()).collect();
    let doc = inner_doc_lines(&[
        format!("{} ({}): one module per documented endpoint.", v.title, code(&v.name)),
        String::new(),
        format!(
            "Parameters travel in {}; names match {}; {}.",
            params.join(" or "),
            match t.names {
                NameMatching::Exact => "exactly",
                NameMatching::CaseInsensitive => "ignoring ASCII case",
            },
            if t.strings_carry_scalars {
                "a string may carry a number or boolean"
            } else {
                "values keep their JSON types"
            }
        ),
    ]);
    let mods = vl.endpoints.iter().map(|e| {
        let e = ident(e);
        quote!(pub mod #e;)
    });
    let names = names_tokens(t.names);
    let scs = t.strings_carry_scalars;
    let ids = v.endpoints.iter().map(|e| &e.id);
    let answers = super::answers::vendor_items(v);
    let client = super::client::vendor_items(v, &vl.endpoints);
    let tokens = quote! {
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #doc

        use erpspec_rules as rules;

        #(#mods)*

        /// How this vendor matches parameter names.
        pub const NAME_MATCHING: rules::NameMatching = #names;

        /// Whether a string may carry a number or boolean (query strings
        /// carry only text).
        pub const STRINGS_CARRY_SCALARS: bool = #scs;

        /// Every endpoint of this vendor, by id.
        pub const ENDPOINTS: &[&str] = &[#(#ids),*];

        #answers

        #client
    };
    render(&file, tokens)
}
