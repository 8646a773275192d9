//! Step 5: the first broken rule the server applies refuses the request
//! (checked at admission, answered after authentication).

use super::{Engine, Request, Step};
use crate::auth;
use crate::util;
use erpspec_model::answers::Situation;
use erpspec_model::ir::{Endpoint, MessageRule};
use erpspec_rules::WireReport;
use serde_json::Value;

impl Engine {
    /// Refuses a request breaking a rule, other than one a fault switch
    /// ignores, a credential's (checked by authentication), or a site rule
    /// the configured credential itself breaks.
    pub(super) fn check_rules(&self, req: &Request, ep: &Endpoint, report: &WireReport, body: &Value) -> Step<()> {
        let first = report.violations.iter().find(|x| {
            !self.faults.ignores_rule(&x.rule)
                && !self.is_credential_path(&x.path)
                && !auth::configured_site_value(&self.v, &self.credentials, ep, x, &report.normalized)
        });
        let Some(x) = first else { return Ok(()) };
        let rule = ep.all_rules().into_iter().map(|(_, r)| r).find(|r| r.id == x.rule);
        let served = self.served(Some(ep), Situation::RuleBroken(rule));
        let offending = report.normalized.pointer(&x.path).or_else(|| body.pointer(&x.path));
        let detail = match (served.entry.map(|e| &e.message), offending) {
            // A message documented as "text: <value>" is followed by the value.
            (Some(MessageRule::Prefix(p)), Some(v)) if p.trim_end().ends_with(':') => util::text(v),
            // Object-level rules describe the request itself.
            _ if x.message.starts_with(' ') => format!("The request{}", x.message),
            _ => x.message.clone(),
        };
        self.refused(served, &detail, req)
    }
}
