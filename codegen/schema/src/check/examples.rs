//! An endpoint's doc examples: each request must break exactly the rules
//! it lists, and each sample answer must be recognised as the schemas say.

use super::{EndpointCx, suggest};
use crate::diag::one_of_list;
use crate::syntax::{self, S};
use erpspec_model::ir::*;
use std::collections::BTreeSet;

impl EndpointCx<'_> {
    pub(super) fn examples(&mut self, examples: &[syntax::ExampleSyntax], ep: &Endpoint, vendor: &Vendor) -> Vec<Example> {
        let rule_ids: BTreeSet<String> = ep.all_rules().into_iter().map(|(_, r)| r.id.clone()).collect();
        examples.iter().map(|ex| self.example(ex, ep, vendor, &rule_ids)).collect()
    }

    fn example(&mut self, ex: &syntax::ExampleSyntax, ep: &Endpoint, vendor: &Vendor, rule_ids: &BTreeSet<String>) -> Example {
        let sources = self.sources_or(&ex.sources, &ep.sources);
        for b in &ex.breaks {
            self.rule_id_known(b, rule_ids);
        }
        self.breaks_exactly_what_it_lists(ex, ep, vendor);
        Example {
            name: ex.name.clone(),
            request: ex.request.value.clone(),
            query: ex.query.clone(),
            breaks: ex.breaks.iter().map(|b| b.value.clone()).collect(),
            note: ex.note.clone(),
            sources,
        }
    }

    fn rule_id_known(&mut self, id: &S<String>, rule_ids: &BTreeSet<String>) {
        if !rule_ids.contains(&id.value) {
            let help = suggest(&id.value, rule_ids.iter().map(String::as_str), || {
                "name a rule id of this endpoint (see its IR snapshot)".to_string()
            });
            self.error(id, format!("unknown rule id `{}`", id.value), help);
        }
    }

    /// The example's request, validated as a server would, breaks the rules
    /// under `breaks:` and no others.
    fn breaks_exactly_what_it_lists(&mut self, ex: &syntax::ExampleSyntax, ep: &Endpoint, vendor: &Vendor) {
        let found: BTreeSet<String> = erpspec_model::validate::validate_request(vendor, ep, &ex.request.value)
            .violations
            .into_iter()
            .map(|v| v.rule)
            .collect();
        let declared: BTreeSet<String> = ex.breaks.iter().map(|b| b.value.clone()).collect();
        if found == declared {
            return;
        }
        let unexpected: Vec<&String> = found.difference(&declared).collect();
        let unbroken: Vec<&String> = declared.difference(&found).collect();
        let mut msg = format!("example `{}` does not break exactly the rules it lists", ex.name);
        if !unexpected.is_empty() {
            msg.push_str(&format!("; it also breaks {}", one_of_list(&unexpected)));
        }
        if !unbroken.is_empty() {
            msg.push_str(&format!("; it does not break {}", one_of_list(&unbroken)));
        }
        self.error(
            &ex.request,
            msg,
            "fix the example to match the docs, or list the rules it breaks under `breaks:` with a `note:` saying why",
        );
    }

    /// Sample answers naming an unknown entry are left out (and reported).
    pub(super) fn response_examples(
        &mut self,
        examples: &[syntax::ResponseExampleSyntax],
        ep: &Endpoint,
        vendor: &Vendor,
    ) -> Vec<ResponseExample> {
        examples.iter().filter_map(|ex| self.response_example(ex, ep, vendor)).collect()
    }

    /// A sample answer: the success envelope with this endpoint's payload,
    /// or the named entry's refusal, recognised as the harness recognises
    /// answers; a sample the recognisers refuse must say why under `differs`.
    fn response_example(&mut self, ex: &syntax::ResponseExampleSyntax, ep: &Endpoint, vendor: &Vendor) -> Option<ResponseExample> {
        let sources = self.sources_or(&ex.sources, &ep.sources);
        let body = &ex.body.value;
        let (answer, status, mismatch) = if ex.answer.value == "success" {
            let status = ex.status.or(vendor.envelopes.success.status);
            let found = erpspec_model::recognise::success_payload(vendor, ep, status.unwrap_or(200), body).err();
            (None, status, found)
        } else {
            let id = self.error_id(&ex.answer);
            let entry = vendor.error(&id)?;
            let status = ex.status.or(erpspec_model::answers::documented_status(vendor, entry));
            let found = match status {
                Some(s) => erpspec_model::recognise::refusal_mismatch(vendor, entry, s, body),
                None => erpspec_model::recognise::entry_body_mismatch(vendor, entry, body).map(|m| m.to_string()),
            };
            (Some(id), status, found)
        };
        self.differs_as_it_says(ex, mismatch.as_deref());
        Some(ResponseExample {
            name: ex.name.clone(),
            answer,
            status,
            body: body.clone(),
            note: ex.note.clone(),
            differs: ex.differs.clone(),
            mismatch,
            sources,
        })
    }

    /// `differs:` exactly where the recognisers refuse the sample.
    fn differs_as_it_says(&mut self, ex: &syntax::ResponseExampleSyntax, mismatch: Option<&str>) {
        match (mismatch, &ex.differs) {
            (Some(found), None) => self.error(
                &ex.body,
                format!("sample answer `{}` is not what the schemas say: {found}", ex.name),
                "fix the sample to match the docs, or write `differs:` saying why the docs' sample disagrees",
            ),
            (None, Some(_)) => self.error(
                &ex.body,
                format!("sample answer `{}` says it differs, but it is recognised as documented", ex.name),
                "remove `differs:`",
            ),
            _ => {}
        }
    }
}
