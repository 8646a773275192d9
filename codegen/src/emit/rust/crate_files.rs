//! `lib.rs` (dispatch by endpoint, the shared error types and helpers) and
//! one `mod.rs` per vendor (its dialect).

use super::literals::{code, inner_doc_lines, names_tokens};
use super::names::{Layout, VendorLayout, ident};
use super::{EmitError, SRC_DIR, render};
use erpspec_model::ir::{Api, ParamLocation, Vendor};
use erpspec_rules::NameMatching;
use quote::quote;

pub(super) fn lib_file(api: &Api, layout: &Layout) -> Result<String, EmitError> {
    let file = format!("{SRC_DIR}/lib.rs");
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
    let doc = inner_doc_lines(&doc);
    let mods = layout.vendors.iter().map(|vl| {
        let m = ident(&vl.module);
        quote!(pub mod #m;)
    });
    let mut endpoints = Vec::new();
    let mut wire_arms = Vec::new();
    let mut typed_arms = Vec::new();
    let mut query_arms = Vec::new();
    for (v, vl) in api.vendors.iter().zip(&layout.vendors) {
        let vm = ident(&vl.module);
        for (ep, em) in v.endpoints.iter().zip(&vl.endpoints) {
            let em = ident(em);
            let (vn, en) = (&v.name, &ep.id);
            endpoints.push(quote!((#vn, #en)));
            wire_arms.push(quote!((#vn, #en) => &#vm::#em::WIRE,));
            typed_arms.push(quote!((#vn, #en) => #vm::#em::Request::parse(body).map(|r| r.validate()),));
            if v.transport.parameters.contains(&ParamLocation::Query) {
                query_arms.push(quote!((#vn, #en) => #vm::#em::Request::from_query(query),));
            }
        }
    }
    let query_body = if query_arms.is_empty() {
        quote! {
            let _ = (vendor, endpoint, query);
            None
        }
    } else {
        quote! {
            Some(match (vendor, endpoint) {
                #(#query_arms)*
                _ => return None,
            })
        }
    };
    let fingerprint = erpspec_model::fingerprint::of(api);
    let tokens = quote! {
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #doc

        #(#mods)*

        use erpspec_rules::{Violation, WireReport};
        use serde_json::Value;

        /// The fingerprint of the IR these validators were generated from
        /// (`erpspec_model::fingerprint`): a program built with other
        /// schemas refuses to validate with them.
        pub const SCHEMA_FINGERPRINT: &str = #fingerprint;

        /// Every endpoint, as `(vendor, endpoint id)`.
        pub const ENDPOINTS: &[(&str, &str)] = &[#(#endpoints),*];

        /// The runtime description of an endpoint's request (what
        /// `erpspec_rules::read` reads it against); `None` for an unknown endpoint.
        pub fn wire(vendor: &str, endpoint: &str) -> Option<&'static erpspec_rules::read::Endpoint> {
            Some(match (vendor, endpoint) {
                #(#wire_arms)*
                _ => return None,
            })
        }

        /// Reads a request body for an endpoint the way its vendor's dialect
        /// does; `None` for an unknown endpoint.
        pub fn validate_wire(vendor: &str, endpoint: &str, body: &Value) -> Option<WireReport> {
            wire(vendor, endpoint).map(|w| w.read_value(body))
        }

        /// [`validate_wire`] on raw bytes, validated while they are parsed:
        /// `Some(Err(_))` if they are not JSON.
        pub fn validate_wire_bytes(vendor: &str, endpoint: &str, bytes: &[u8]) -> Option<Result<WireReport, serde_json::Error>> {
            wire(vendor, endpoint).map(|w| w.read_bytes(bytes, true))
        }

        /// [`validate_wire_bytes`] without the normalized request
        /// (`normalized` is null): violations and unknown members only, no
        /// value copied.
        pub fn check_wire_bytes(vendor: &str, endpoint: &str, bytes: &[u8]) -> Option<Result<WireReport, serde_json::Error>> {
            wire(vendor, endpoint).map(|w| w.read_bytes(bytes, false))
        }

        /// Reads a query string for an endpoint whose vendor accepts
        /// parameters there; `None` for an unknown endpoint or a vendor that
        /// takes no query parameters.
        pub fn validate_query(vendor: &str, endpoint: &str, query: &str) -> Option<WireReport> {
            #query_body
        }

        /// Parses a request body into the endpoint's typed value and reports
        /// what the typed value can still break (`Request::parse`, then
        /// `validate`); `None` for an unknown endpoint.
        pub fn validate_typed(vendor: &str, endpoint: &str, body: &Value) -> Option<Result<Vec<Violation>, ParseError>> {
            Some(match (vendor, endpoint) {
                #(#typed_arms)*
                _ => return None,
            })
        }

        /// A value that breaks a documented rule, so a constrained type
        /// cannot hold it. Paths are relative to the value (`""`).
        pub use erpspec_rules::read::Invalid;

        /// Why a request could not be read into its typed value.
        #[derive(Clone, Debug, PartialEq)]
        pub enum ParseError {
            /// A rule the docs state or show is broken (a documented rule, a
            /// member's type, an enum value's spelling); the report has every
            /// violation.
            Rejected(Box<WireReport>),
            /// Every rule the docs state or show holds, but a value does not
            /// fit its Rust type (an integer above `i64::MAX`).
            Unrepresentable { report: Box<WireReport>, error: String },
        }

        impl core::fmt::Display for ParseError {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self {
                    ParseError::Rejected(report) => {
                        let n = report.as_shown().count();
                        write!(f, "{n} rule(s) broken")?;
                        for v in report.as_shown() {
                            write!(f, "; {v}")?;
                        }
                        Ok(())
                    }
                    ParseError::Unrepresentable { error, .. } => write!(f, "a value does not fit its Rust type: {error}"),
                }
            }
        }

        impl std::error::Error for ParseError {}

        /// Helpers the generated modules share; not an API.
        #[doc(hidden)]
        pub mod support {
            use erpspec_rules::WireReport;

            /// `Request::parse`: the typed value of a report that breaks no
            /// rule the docs state or show.
            pub fn parse<T: serde::de::DeserializeOwned>(report: WireReport) -> Result<T, crate::ParseError> {
                if report.as_shown().next().is_some() {
                    return Err(crate::ParseError::Rejected(Box::new(report)));
                }
                match erpspec_rules::read::from_normalized(&report.normalized) {
                    Ok(request) => Ok(request),
                    Err(e) => Err(crate::ParseError::Unrepresentable { error: e.to_string(), report: Box::new(report) }),
                }
            }

            /// `path` + `/` + an already escaped member name.
            pub fn child(path: &str, escaped: &str) -> String {
                format!("{path}/{escaped}")
            }

            pub fn index(path: &str, i: usize) -> String {
                format!("{path}/{i}")
            }
        }
    };
    render(&file, tokens)
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
    };
    render(&file, tokens)
}
