//! Every request example from the vendors' docs is recorded in its schema and
//! checked here through the IR-driven validator: examples validate, and where
//! a documented example breaks a documented rule the schema says which, and
//! exactly that is what the validator finds.

use erpspec_codegen::validate::validate_request;
use std::collections::BTreeSet;

#[test]
fn every_doc_example_breaks_exactly_the_rules_its_schema_lists() {
    let api = erpspec_codegen::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    let mut checked = 0;
    for v in &api.vendors {
        for ep in &v.endpoints {
            assert!(!ep.examples.is_empty(), "{}.{} records no example", v.name, ep.id);
            for ex in &ep.examples {
                let report = validate_request(v, ep, &ex.request);
                let found: BTreeSet<&str> = report.violations.iter().map(|x| x.rule.as_str()).collect();
                let listed: BTreeSet<&str> = ex.breaks.iter().map(String::as_str).collect();
                assert_eq!(found, listed, "{}.{} example `{}`", v.name, ep.id, ex.name);
                if !ex.breaks.is_empty() {
                    assert!(
                        ex.note.is_some(),
                        "{}.{} example `{}` breaks rules without saying why",
                        v.name,
                        ep.id,
                        ex.name
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 30, "number of doc examples recorded");
}

#[test]
fn manex_edit_example_breaks_only_the_contested_date_format() {
    let api = erpspec_codegen::load_workspace().expect("schemas load");
    let v = api.vendor("manex").unwrap();
    let ep = v.endpoint("customer-edit").unwrap();
    let report = validate_request(v, ep, &ep.examples[0].request);
    assert_eq!(report.violations.len(), 1);
    let only = &report.violations[0];
    assert_eq!(only.rule, "manex.customer-edit.Acct_date.format");
    assert_eq!(only.path, "/Acct_date");
    assert_eq!(only.strength, erpspec_rules::Strength::Contested);
    // The example spells names in other cases (CUSTNO, territory): ManEx ignores case.
    assert!(report.unknown.is_empty(), "{:?}", report.unknown);
    assert_eq!(report.normalized["Territory"], "NEW ENGLAND");
}

#[test]
fn the_schemas_encode_every_seed_endpoint_and_their_flows() {
    let api = erpspec_codegen::load_workspace().expect("schemas load");
    let ids: Vec<String> = api
        .vendors
        .iter()
        .flat_map(|v| v.endpoints.iter().map(move |e| format!("{}.{}", v.name, e.id)))
        .collect();
    for wanted in [
        "expandable.auth-token-get",
        "expandable.customer-contact-create",
        "expandable.customer-contact-update",
        "expandable.customer-contact-query",
        "expandable.customer-part-create",
        "expandable.customer-part-delete",
        "expandable.customer-contact-delete",
        "expandable.customer-part-update",
        "expandable.customer-part-query",
        "manex.ship-bill-add",
        "manex.ship-bill-edit",
        "manex.ship-bill-get",
        "manex.ship-bill-delete",
        "rpm.info",
        "rpm.customers",
        "rpm.customer-contact-edit",
        "rpm.customer-location-edit",
        "manex.customer-add",
        "manex.customer-edit",
        "manex.customer-get",
        "rpm.customer",
        "rpm.customer-add",
        "rpm.customer-contact-add",
        "rpm.customer-edit",
    ] {
        assert!(ids.iter().any(|i| i == wanted), "{wanted} missing from {ids:?}");
    }
    let s = api.summary();
    assert_eq!((s.vendors, s.endpoints, s.examples), (3, 24, 30), "{s}");
    assert!(s.rules_contested >= 3 && s.rules_site >= 2, "{s}");
}
