//! Quirks: documented departures of the vendor's answers from the rules,
//! of the whole dialect (api.yaml: `pads_strings` only) or of one endpoint.

use super::Cx;
use crate::syntax::{self, Ordered};
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
