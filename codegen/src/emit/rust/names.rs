//! Rust names for wire names: identifiers, type and module names, and the
//! claims that keep them unique.

use erpspec_model::ir::Api;
use proc_macro2::{Ident, Span};
use quote::format_ident;
use std::collections::BTreeSet;

/// Splits a wire name into words: at non-alphanumerics, at `aB`, at `ABc`
/// (acronym then word) and at `1B`.
pub(super) fn words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if !cur.is_empty() {
            let prev = chars[i - 1];
            let next = chars.get(i + 1).copied();
            let boundary = (prev.is_ascii_lowercase() && c.is_ascii_uppercase())
                || (prev.is_ascii_uppercase() && c.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                || (prev.is_ascii_digit() && c.is_ascii_uppercase());
            if boundary {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `CUSTOMER_ID` -> `customer_id`, `Ar_highBal` -> `ar_high_bal`.
pub(super) fn snake(s: &str) -> String {
    let w: Vec<String> = words(s).iter().map(|w| w.to_ascii_lowercase()).collect();
    let out = w.join("_");
    if out.is_empty() {
        "field".to_string()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{out}")
    } else {
        out
    }
}

/// `PhoneNumbers` -> `PhoneNumbers`, `NOTES` -> `Notes`, `NET 30` -> `Net30`.
pub(super) fn pascal(s: &str) -> String {
    let mut out = String::new();
    for w in words(s) {
        if out.ends_with(|c: char| c.is_ascii_digit()) && w.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('_');
        }
        let mut cs = w.chars();
        if let Some(first) = cs.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(cs.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.is_empty() {
        "Value".to_string()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{out}")
    } else if out == "Self" {
        "Self_".to_string()
    } else {
        out
    }
}

pub(super) const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop",
    "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try", "gen",
];

/// Names a generated type must not take: the prelude and everything the
/// generated modules use unqualified.
pub(super) const RESERVED_TYPES: &[&str] = &[
    "Request",
    // the aliases of the rule kinds and strengths in the runtime description
    "K",
    "S",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Value",
    "Self",
    "TryFrom",
    "From",
    "Into",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Serialize",
    "Deserialize",
    "Sized",
    "Send",
    "Sync",
    "Iterator",
    "ToString",
    "AsRef",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Display",
];

/// Module names that would shadow a crate or module the generated code uses.
pub(super) const RESERVED_MODULES: &[&str] = &[
    "support",
    "rules",
    "rt",
    "w",
    "serde",
    "serde_json",
    "erpspec_rules",
    "std",
    "core",
    "alloc",
    "crate",
];

/// A field or module identifier; keywords become raw identifiers (`r#type`)
/// where Rust allows it, else take a trailing underscore.
pub(super) fn field_ident(name: &str) -> Ident {
    if ["self", "Self", "super", "crate", "_"].contains(&name) {
        format_ident!("{name}_")
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

pub(super) fn module_name(s: &str) -> String {
    let n = snake(s);
    if KEYWORDS.contains(&n.as_str()) || RESERVED_MODULES.contains(&n.as_str()) {
        format!("{n}_")
    } else {
        n
    }
}

pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A set of taken names; `claim` takes the first free candidate, or the last
/// one with a number appended.
pub(super) struct Names {
    taken: BTreeSet<String>,
    separator: &'static str,
}

impl Names {
    pub(super) fn new(reserved: &[&str], separator: &'static str) -> Names {
        Names {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
            separator,
        }
    }

    pub(super) fn claim(&mut self, candidates: &[String]) -> String {
        for c in candidates {
            if self.taken.insert(c.clone()) {
                return c.clone();
            }
        }
        let base = candidates.last().cloned().unwrap_or_default();
        let mut n = 2u32;
        loop {
            let c = format!("{base}{}{n}", self.separator);
            if self.taken.insert(c.clone()) {
                return c;
            }
            n += 1;
        }
    }
}

/// Module names of every vendor and endpoint, decided once so `lib.rs`,
/// `mod.rs` and the file paths agree.
pub(super) struct Layout {
    pub(super) vendors: Vec<VendorLayout>,
}

pub(super) struct VendorLayout {
    pub(super) module: String,
    pub(super) endpoints: Vec<String>,
}

impl Layout {
    pub(super) fn of(api: &Api) -> Layout {
        let mut vendor_names = Names::new(&[], "_");
        let vendors = api
            .vendors
            .iter()
            .map(|v| {
                let module = vendor_names.claim(&[module_name(&v.name)]);
                // `mod` would make `mod.rs`; module_name already renames keywords.
                let mut ep_names = Names::new(&[], "_");
                let endpoints = v.endpoints.iter().map(|ep| ep_names.claim(&[module_name(&ep.id)])).collect();
                VendorLayout { module, endpoints }
            })
            .collect();
        Layout { vendors }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_rust_names() {
        let cases = [
            ("CUSTOMER_ID", "customer_id", "CustomerId"),
            ("Ar_highBal", "ar_high_bal", "ArHighBal"),
            ("PhoneNumberID", "phone_number_id", "PhoneNumberId"),
            ("CustNumOrName", "cust_num_or_name", "CustNumOrName"),
            ("SOFCT_USER_16", "sofct_user_16", "SofctUser16"),
            ("modifieddate", "modifieddate", "Modifieddate"),
            ("NET 30/2% 10", "net_30_2_10", "Net30_2_10"),
            ("OK", "ok", "Ok"),
            ("1099", "f_1099", "V1099"),
            ("$", "field", "Value"),
        ];
        for (wire, s, p) in cases {
            assert_eq!((snake(wire).as_str(), pascal(wire).as_str()), (s, p), "{wire}");
        }
    }

    #[test]
    fn keywords_become_raw_identifiers_or_take_an_underscore() {
        assert_eq!(field_ident("type").to_string(), "r#type");
        assert_eq!(field_ident("self").to_string(), "self_");
        assert_eq!(module_name("mod"), "mod_");
        assert_eq!(module_name("support"), "support_");
        assert_eq!(pascal("self"), "Self_");
    }

    #[test]
    fn taken_names_get_the_next_candidate_then_a_number() {
        let mut n = Names::new(&["Value"], "");
        assert_eq!(n.claim(&["Type".into()]), "Type");
        assert_eq!(n.claim(&["Type".into(), "ItemType".into()]), "ItemType");
        assert_eq!(n.claim(&["Type".into(), "ItemType".into()]), "ItemType2");
        assert_eq!(n.claim(&["Value".into()]), "Value2");
    }
}
