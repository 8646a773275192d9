//! Quirks: documented departures of the vendor's answers from the rules,
//! of the whole dialect (api.yaml: `pads_strings` only) or of one endpoint.

use super::rules::format_named;
use super::{Cx, EndpointCx};
use crate::syntax::{self, Ordered, S};
use erpspec_model::ir::*;

/// `quirks:` of api.yaml: `pads_strings` only (the other kinds name
/// paths of one endpoint's record).
pub(super) fn dialect_quirks(cx: &mut Cx, quirks: &Ordered<syntax::QuirkSyntax>) -> Vec<Quirk> {
    let mut out = Vec::new();
    for (id, q) in &quirks.0 {
        if q.pads_strings != Some(true) || q.reads_back_as.is_some() || q.dates_read_back_as.is_some() {
            cx.error(
                id,
                format!("the dialect quirk `{}` is not `pads_strings: true`", id.value),
                "api.yaml's quirks hold on every answer, which only `pads_strings` can; put `reads_back_as` and `dates_read_back_as` on the endpoint",
            );
            continue;
        }
        if q.sources.is_empty() {
            cx.error(
                id,
                format!("the dialect quirk `{}` cites no source", id.value),
                "add `sources: [...]`",
            );
        }
        out.push(Quirk {
            id: id.value.clone(),
            kind: QuirkKind::PadsStrings {
                unpadded: q.unpadded.iter().map(|u| u.value.clone()).collect(),
            },
            description: q.description.clone(),
            sources: cx.source_refs(&q.sources),
        });
    }
    out
}

/// A dialect's quirk holds on every answer that returns a record.
pub(super) fn dialect_quirks_onto_records(vendor: &mut Vendor) {
    for ep in &mut vendor.endpoints {
        if matches!(ep.response.payload, Payload::Record | Payload::Records | Payload::Wrapped { .. }) {
            for q in &vendor.quirks {
                if !ep.quirks.iter().any(|x| x.id == q.id) {
                    ep.quirks.push(q.clone());
                }
            }
        }
    }
}

/// A dialect quirk's `unpadded` names fields of the records it is on.
pub(super) fn unpadded_fields_answered(cx: &mut Cx, quirks: &Ordered<syntax::QuirkSyntax>, vendor: &Vendor) {
    // Only over endpoints that all loaded: a broken file's missing
    // fields are not the quirk's mistake.
    if !cx.diags.is_empty() {
        return;
    }
    for (id, q) in &quirks.0 {
        for u in &q.unpadded {
            let answered = vendor.endpoints.iter().filter(|ep| ep.quirks.iter().any(|x| x.id == id.value));
            if !answered.flat_map(|ep| &ep.response.fields).any(|f| f.name == u.value) {
                cx.error(
                    u,
                    format!("`{}` is not a response field", u.value),
                    "list fields of the records this dialect's endpoints return",
                );
            }
        }
    }
}

impl EndpointCx<'_> {
    /// `quirks:` of an endpoint file; one that is not well formed is left out
    /// (and reported).
    pub(super) fn endpoint_quirks(
        &mut self,
        quirks: &Ordered<syntax::QuirkSyntax>,
        response: &Response,
        inherited: &[String],
    ) -> Vec<Quirk> {
        let mut out = Vec::new();
        for (id, q) in &quirks.0 {
            self.unpadded_fields_of_response(q, response);
            let Some(kind) = self.quirk_kind(id, q) else { continue };
            out.push(Quirk {
                id: id.value.clone(),
                kind,
                description: q.description.clone(),
                sources: self.sources_or(&q.sources, inherited),
            });
        }
        out
    }

    /// `unpadded` lists exceptions to padding: fields of this response.
    fn unpadded_fields_of_response(&mut self, q: &syntax::QuirkSyntax, response: &Response) {
        if q.pads_strings != Some(true)
            && let Some(u) = q.unpadded.first()
        {
            self.error(
                u,
                "`unpadded` without `pads_strings: true`",
                "`unpadded` lists exceptions to padding; add `pads_strings: true` or remove it",
            );
        }
        for u in &q.unpadded {
            if !response.fields.iter().any(|f| f.name == u.value) {
                self.error(
                    u,
                    format!("`{}` is not a response field", u.value),
                    "list fields of this endpoint's response",
                );
            }
        }
    }

    /// A quirk is exactly one kind.
    fn quirk_kind(&mut self, id: &S<String>, q: &syntax::QuirkSyntax) -> Option<QuirkKind> {
        match (&q.reads_back_as, q.pads_strings, &q.dates_read_back_as) {
            (Some(r), None, None) => Some(QuirkKind::ReadsBackAs {
                path: r.path.clone(),
                written: r.written.clone(),
                read: r.read.clone(),
            }),
            (None, Some(true), None) => Some(QuirkKind::PadsStrings {
                unpadded: q.unpadded.iter().map(|u| u.value.clone()).collect(),
            }),
            (None, None, Some(d)) => self.dates_read_back_as(d),
            _ => {
                self.error(
                    id,
                    "a quirk is exactly one of `reads_back_as`, `pads_strings: true` or `dates_read_back_as`",
                    "keep one of the keys",
                );
                None
            }
        }
    }

    /// `dates_read_back_as`: JSON pointers, and a format that writes dates.
    fn dates_read_back_as(&mut self, d: &syntax::DatesReadBackSyntax) -> Option<QuirkKind> {
        for p in &d.paths {
            if !p.value.starts_with('/') {
                self.error(
                    p,
                    format!("`{}` is not a JSON pointer", p.value),
                    format!("write the record field as a JSON pointer: `/{}`", p.value),
                );
            }
        }
        let format = format_named(&d.format.value).filter(|f| erpspec_rules::kinds::format::DATE_FORMATS.contains(f));
        if format.is_none() {
            self.error(
                &d.format,
                format!("`{}` is not a date format", d.format.value),
                "write `us_date`, `iso_date`, `iso_date_time` or `iso_date_time_unseparated`",
            );
        }
        Some(QuirkKind::DatesReadBackAs {
            paths: d.paths.iter().map(|p| p.value.clone()).collect(),
            format: format?,
        })
    }
}
