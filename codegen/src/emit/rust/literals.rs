//! Literals and small token pieces: numbers, rule parameters, doc lines.

use erpspec_model::ir::Field;
use erpspec_rules::{Case, Format, LengthUnit, NameMatching, ScalarType, Strength};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub(super) fn f64_lit(v: f64) -> TokenStream {
    if v.is_nan() {
        quote!(f64::NAN)
    } else if v.is_infinite() {
        if v > 0.0 {
            quote!(f64::INFINITY)
        } else {
            quote!(f64::NEG_INFINITY)
        }
    } else if v.is_sign_negative() {
        let lit = Literal::f64_suffixed(-v);
        quote!(-#lit)
    } else {
        let lit = Literal::f64_suffixed(v);
        quote!(#lit)
    }
}

pub(super) fn i64_lit(v: i64) -> TokenStream {
    if v == i64::MIN {
        quote!(i64::MIN)
    } else if v < 0 {
        let lit = Literal::i64_suffixed(-v);
        quote!(-#lit)
    } else {
        let lit = Literal::i64_suffixed(v);
        quote!(#lit)
    }
}

pub(super) fn strength_tokens(s: Strength) -> TokenStream {
    match s {
        Strength::Documented => quote!(S::Documented),
        Strength::Contested => quote!(S::Contested),
        Strength::Site => quote!(S::Site),
        Strength::Implied => quote!(S::Implied),
    }
}

pub(super) fn unit_tokens(u: LengthUnit) -> TokenStream {
    match u {
        LengthUnit::CodePoints => quote!(rules::LengthUnit::CodePoints),
        LengthUnit::Bytes => quote!(rules::LengthUnit::Bytes),
        LengthUnit::Utf16Units => quote!(rules::LengthUnit::Utf16Units),
    }
}

pub(super) fn case_tokens(c: Case) -> TokenStream {
    match c {
        Case::Exact => quote!(rules::Case::Exact),
        Case::Insensitive => quote!(rules::Case::Insensitive),
        Case::Unstated => quote!(rules::Case::Unstated),
    }
}

pub(super) fn format_tokens(f: Format) -> TokenStream {
    match f {
        Format::UsDate => quote!(rules::Format::UsDate),
        Format::IsoDate => quote!(rules::Format::IsoDate),
        Format::IsoDateTime => quote!(rules::Format::IsoDateTime),
        Format::IsoDateTimeUnseparated => quote!(rules::Format::IsoDateTimeUnseparated),
        Format::NotBlank => quote!(rules::Format::NotBlank),
        Format::Digits { count } => {
            let count = Literal::u32_unsuffixed(count);
            quote!(rules::Format::Digits { count: #count })
        }
    }
}

/// The reader's shape of a scalar field.
pub(super) fn scalar_tokens(s: ScalarType) -> TokenStream {
    match s {
        ScalarType::String => quote!(w::Shape::STRING),
        ScalarType::Integer => quote!(w::Shape::INTEGER),
        ScalarType::Number => quote!(w::Shape::NUMBER),
        ScalarType::Boolean => quote!(w::Shape::BOOLEAN),
    }
}

pub(super) fn names_tokens(n: NameMatching) -> TokenStream {
    match n {
        NameMatching::Exact => quote!(rules::NameMatching::Exact),
        NameMatching::CaseInsensitive => quote!(rules::NameMatching::CaseInsensitive),
    }
}

/// `#[doc = "..."]` lines; each line gets the leading space rustdoc expects.
pub(super) fn doc_lines(lines: &[String]) -> TokenStream {
    let lines = lines
        .iter()
        .flat_map(|l| l.split('\n'))
        .map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote!(#(#[doc = #lines])*)
}

pub(super) fn inner_doc_lines(lines: &[String]) -> TokenStream {
    let lines = lines
        .iter()
        .flat_map(|l| l.split('\n'))
        .map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote!(#(#![doc = #lines])*)
}

/// Markdown inline code that survives backticks in the text.
pub(super) fn code(s: &str) -> String {
    if s.contains('`') { format!("`` {s} ``") } else { format!("`{s}`") }
}

/// A field's doc lines: its description, trimmed.
pub(super) fn field_doc(f: &Field) -> Vec<String> {
    let mut doc = Vec::new();
    if let Some(d) = &f.description {
        doc.push(d.trim().to_string());
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_literals_keep_sign_and_value() {
        assert_eq!(f64_lit(0.0).to_string(), "0f64");
        assert_eq!(f64_lit(-0.01).to_string(), "- 0.01f64");
        assert_eq!(f64_lit(f64::INFINITY).to_string(), "f64 :: INFINITY");
        assert_eq!(i64_lit(-3).to_string(), "- 3i64");
        assert_eq!(i64_lit(i64::MIN).to_string(), "i64 :: MIN");
    }
}
