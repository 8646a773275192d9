//! Every request example from the vendors' docs is recorded in its schema and
//! checked here through the IR-driven validator: examples validate, and where
//! a documented example breaks a documented rule the schema says which, and
//! exactly that is what the validator finds.

use erpspec_model::validate::validate_request;
use std::collections::BTreeSet;

#[test]
fn every_doc_example_breaks_exactly_the_rules_its_schema_lists() {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
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
    assert_eq!(checked, 42, "number of doc examples recorded");
}

#[test]
fn manex_edit_example_breaks_only_the_contested_date_format() {
    let api = erpspec_schema::load_workspace().expect("schemas load");
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
    let api = erpspec_schema::load_workspace().expect("schemas load");
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
    assert_eq!((s.vendors, s.endpoints, s.examples), (4, 33, 42), "{s}");
    assert!(s.rules_contested >= 3 && s.rules_site >= 2, "{s}");
}

/// The docs' sample answers and the emitted documents agree: a sample the
/// recognisers accept (the harness's reading) validates against the emitted
/// JSON Schema of its endpoint's answers under its status, and each OpenAPI
/// example of a request validates against the request schema.
#[test]
fn every_recognised_sample_answer_validates_against_the_emitted_response_schema() {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    let files: std::collections::BTreeMap<String, String> = erpspec_codegen::emit::openapi::files(&api).into_iter().collect();
    let compile = |path: &str| {
        let schema: serde_json::Value = serde_json::from_str(&files[path]).expect("JSON");
        jsonschema::options().build(&schema).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let mut samples = 0;
    let mut requests = 0;
    for v in &api.vendors {
        let doc: serde_json::Value = serde_json::from_str(&files[&format!("generated/openapi/{}.openapi.json", v.name)]).expect("JSON");
        for ep in &v.endpoints {
            for ex in ep.response_examples.iter().filter(|e| e.differs.is_none()) {
                let ok = v.envelopes.success.status.unwrap_or(200).to_string();
                let status = ex.status.map(|s| s.to_string()).unwrap_or(ok);
                let dir = format!("generated/json-schema/{}/{}", v.name, ep.id);
                let path = [format!("{dir}.response-{status}.json"), format!("{dir}.response-default.json")]
                    .into_iter()
                    .find(|p| files.contains_key(p))
                    .unwrap_or_else(|| panic!("{dir}: no response schema for {status}"));
                let errors: Vec<String> = compile(&path).iter_errors(&ex.body).map(|e| e.to_string()).collect();
                assert!(
                    errors.is_empty(),
                    "{}.{} sample `{}` against {path}: {errors:?}",
                    v.name,
                    ep.id,
                    ex.name
                );
                samples += 1;
            }
            let request = compile(&format!("generated/json-schema/{}/{}.request.json", v.name, ep.id));
            for op in doc["paths"]
                .as_object()
                .unwrap()
                .values()
                .flat_map(|item| item.as_object().unwrap().values())
            {
                if op["operationId"]
                    .as_str()
                    .and_then(|id| id.rsplit_once('-'))
                    .is_some_and(|(id, _)| id == ep.id)
                    && let Some(examples) = op["requestBody"]["content"]["application/json"]["examples"].as_object()
                {
                    for (name, ex) in examples {
                        let errors: Vec<String> = request.iter_errors(&ex["value"]).map(|e| e.to_string()).collect();
                        assert!(errors.is_empty(), "{}.{} OpenAPI example `{name}`: {errors:?}", v.name, ep.id);
                        requests += 1;
                    }
                }
            }
        }
    }
    assert_eq!(samples, 25, "recognised sample answers");
    assert!(requests >= 20, "OpenAPI request examples checked: {requests}");
}
