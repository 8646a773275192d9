//! Rule kinds and rules as constructor calls of the runtime description
//! (`erpspec_rules::read::WireRule`), parameters written in as literals.

use super::literals::{case_tokens, f64_lit, format_tokens, i64_lit, strength_tokens, unit_tokens};
use erpspec_model::ir::Rule;
use erpspec_rules::RuleKind;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// A `RuleKind` value (aliased `K` in the generated module), through the
/// kinds' literal constructors.
pub(super) fn kind_tokens(kind: &RuleKind) -> TokenStream {
    match kind {
        RuleKind::Required => quote!(K::Required),
        RuleKind::AtLeastOneOf { fields } => quote!(K::at_least_one_of(&[#(#fields),*])),
        RuleKind::MaxLength { max, unit } => {
            let (max, unit) = (Literal::u64_unsuffixed(*max), unit_tokens(*unit));
            quote!(K::max_length(#max, #unit))
        }
        RuleKind::MinLength { min, unit } => {
            let (min, unit) = (Literal::u64_unsuffixed(*min), unit_tokens(*unit));
            quote!(K::min_length(#min, #unit))
        }
        RuleKind::Enum { values, case } => {
            let case = case_tokens(*case);
            quote!(K::one_of(&[#(#values),*], #case))
        }
        RuleKind::CodedEnum { values } => {
            let pairs = values.iter().map(|c| {
                let (code, name) = (i64_lit(c.code), &c.name);
                quote!((#code, #name))
            });
            quote!(K::codes(&[#(#pairs),*]))
        }
        RuleKind::Minimum { value } => {
            let min = f64_lit(*value);
            quote!(K::minimum(#min))
        }
        RuleKind::Format { format } => {
            let format = format_tokens(*format);
            quote!(K::format(#format))
        }
        RuleKind::MaxItems { max } => {
            let max = Literal::u64_unsuffixed(*max);
            quote!(K::max_items(#max))
        }
        RuleKind::Const { value } => quote!(K::constant(#value)),
    }
}

/// A rule as a `WireRule`: its strength and kind, each other documented
/// reading, the vendor's message, and its id where it is not the one the
/// reader derives (`<vendor>.<endpoint>.<rule path>.<kind>`). `message` is
/// written in where given: an object rule names its object, not a field.
pub(super) fn check_tokens(rule: &Rule, conventional_id: &str, message: Option<String>) -> TokenStream {
    let strength = strength_tokens(rule.strength);
    let kind = kind_tokens(&rule.kind);
    let alternatives = rule.alternatives.iter().map(kind_tokens);
    let message = message.or_else(|| rule.message.clone()).map(|m| quote!(.message(#m)));
    let id = (rule.id != conventional_id).then(|| {
        let id = &rule.id;
        quote!(.id(#id))
    });
    quote!(w::WireRule::new(#strength, #kind) #(.or(#alternatives))* #message #id)
}
