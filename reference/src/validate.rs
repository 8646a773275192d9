//! Request validation, through the validators generated from the schemas.
//!
//! Every rule is checked by `erpspec-rules` either way; the generated
//! validators have the rules' parameters compiled in, the IR-driven one
//! reads them from the IR (and stands in for an endpoint the generated
//! crate does not know, e.g. while `cargo xtask codegen` has not been run).

use erpspec_codegen::ir::{Endpoint, Vendor};
use erpspec_rules::WireReport;
use serde_json::Value;

pub fn report(v: &Vendor, ep: &Endpoint, body: &Value) -> WireReport {
    erpspec_codegen::validate::validate_request(v, ep, body)
}
