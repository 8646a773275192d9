//! Request validation, through the validators generated from the schemas.
//!
//! Every rule is checked by `erpspec-rules` either way: the generated
//! validators (`erpspec_generated::validate_wire`) have each rule's
//! parameters compiled in; the IR-driven validator reads them from the IR and
//! stands in only for an endpoint the generated crate does not know (a schema
//! added without running `cargo xtask codegen`, which CI's drift check
//! refuses anyway). Both return the same `WireReport`, and a property test in
//! `generated/` proves they agree.

use erpspec_model::ir::{Endpoint, Vendor};
use erpspec_rules::WireReport;
use serde_json::Value;

pub fn report(v: &Vendor, ep: &Endpoint, body: &Value) -> WireReport {
    erpspec_generated::validate_wire(&v.name, &ep.id, body).unwrap_or_else(|| erpspec_model::validate::validate_request(v, ep, body))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_endpoint_has_a_generated_validator() {
        let api = crate::load_api().expect("schemas load");
        for v in &api.vendors {
            for ep in &v.endpoints {
                assert!(
                    erpspec_generated::validate_wire(&v.name, &ep.id, &serde_json::json!({})).is_some(),
                    "{}.{}: run `cargo xtask codegen`",
                    v.name,
                    ep.id
                );
            }
        }
    }
}
