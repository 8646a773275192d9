//! For every rule kind, a valid request and one a single step past the rule,
//! read through the generated `from_wire`. Each report must also equal the
//! IR-driven oracle's (`erpspec_model::validate`), so a difference in ids,
//! paths, messages or strengths shows up here with a readable request.

use erpspec_generated::{ParseError, expandable, manex, rpm};
use erpspec_rules::{Strength, Violation, WireReport};
use serde_json::{Value, json};
use std::sync::LazyLock;

static API: LazyLock<erpspec_model::ir::Api> =
    LazyLock::new(|| erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0])));

/// The generated report for `body`, after checking the oracle agrees.
fn read(vendor: &str, endpoint: &str, body: &Value) -> WireReport {
    let generated = erpspec_generated::validate_wire(vendor, endpoint, body).expect("endpoint is generated");
    let v = API.vendor(vendor).expect("vendor");
    let oracle = erpspec_model::validate::validate_request(v, v.endpoint(endpoint).expect("endpoint"), body);
    assert_eq!(generated, oracle, "generated validator and oracle disagree on {body}");
    generated
}

fn valid(vendor: &str, endpoint: &str, body: Value) -> WireReport {
    let r = read(vendor, endpoint, &body);
    assert!(r.is_valid(), "{vendor}.{endpoint} should accept {body}: {:?}", r.violations);
    r
}

/// Asserts the request breaks exactly one rule, and returns it.
fn one_violation(vendor: &str, endpoint: &str, body: Value) -> Violation {
    let r = read(vendor, endpoint, &body);
    assert_eq!(r.violations.len(), 1, "{vendor}.{endpoint} on {body}: {:?}", r.violations);
    r.violations[0].clone()
}

fn violation(path: &str, rule: &str, message: &str, strength: Strength) -> Violation {
    Violation {
        path: path.into(),
        rule: rule.into(),
        message: message.into(),
        strength,
    }
}

fn boundary(vendor: &str, rule_id: &str) -> (Value, Value) {
    let v = API.vendor(vendor).expect("vendor");
    let rule = v
        .endpoints
        .iter()
        .flat_map(|e| e.all_rules())
        .map(|(_, r)| r)
        .find(|r| r.id == rule_id)
        .expect("rule exists");
    rule.kind.boundary().expect("value-level rule")
}

// ---- required ----

#[test]
fn required() {
    valid("manex", "customer-add", json!({"Custname": "ABC Corp", "Status": "Active"}));
    assert_eq!(
        one_violation("manex", "customer-add", json!({"Status": "Active"})),
        violation(
            "/Custname",
            "manex.customer-add.Custname.required",
            "Custname is required",
            Strength::Documented
        )
    );
    // null reads as absent
    assert_eq!(
        one_violation("manex", "customer-add", json!({"Custname": null, "Status": "Active"})).rule,
        "manex.customer-add.Custname.required"
    );
    // the documented message, where there is one
    assert_eq!(
        one_violation("manex", "customer-edit", json!({})),
        violation(
            "/Custno",
            "manex.customer-edit.Custno.required",
            "Customer edit failed.Customer Number or Customer Name is Required",
            Strength::Documented
        )
    );
    // nested
    valid(
        "rpm",
        "customer-add",
        json!({"Customer": {"Name": "ABC", "Aliases": [{"Alias": "A"}]}}),
    );
    assert_eq!(
        one_violation(
            "rpm",
            "customer-add",
            json!({"Customer": {"Name": "ABC", "Aliases": [{"Alias": "A"}, {}]}})
        ),
        violation(
            "/Customer/Aliases/1/Alias",
            "rpm.customer-add.Customer.Aliases.Alias.required",
            "Alias is required",
            Strength::Documented
        )
    );
}

// ---- at_least_one_of ----

#[test]
fn at_least_one_of() {
    valid("expandable", "customer-contact-query", json!({"COUNTRY": "US", "AUTH_TOKEN": ""}));
    let v = one_violation("expandable", "customer-contact-query", json!({"AUTH_TOKEN": ""}));
    assert_eq!(
        (v.path.as_str(), v.rule.as_str(), v.strength),
        ("", "expandable.customer-contact-query.at_least_one_of", Strength::Documented)
    );
    assert!(
        v.message.contains("needs at least one of: CUSTOMER_ID, CUST_CONTACT"),
        "{}",
        v.message
    );
    // a criterion sent as null is absent
    assert_eq!(
        one_violation("expandable", "customer-contact-query", json!({"COUNTRY": null, "AUTH_TOKEN": ""})).rule,
        v.rule
    );
}

// ---- max_length ----

#[test]
fn max_length_is_counted_in_code_points_and_contested() {
    let (at, past) = boundary("expandable", "expandable.customer-contact-create.NOTES.max_length");
    assert_eq!(at.as_str().map(|s| s.chars().count()), Some(32765));
    assert!(
        at.as_str().is_some_and(|s| s.len() > 32765),
        "a multi-byte character sits at the boundary"
    );
    let base = json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ", "AUTH_TOKEN": ""});
    let with = |notes: &Value| {
        let mut b = base.clone();
        b["NOTES"] = notes.clone();
        b
    };
    valid("expandable", "customer-contact-create", with(&at));
    let v = one_violation("expandable", "customer-contact-create", with(&past));
    assert_eq!(
        v,
        violation(
            "/NOTES",
            "expandable.customer-contact-create.NOTES.max_length",
            "NOTES must be at most 32765 characters long",
            Strength::Contested
        )
    );
    // contested: the typed request holds it, and validate() reports it
    let request = expandable::customer_contact_create::Request::parse(&with(&past)).expect("a contested rule does not reject");
    assert_eq!(request.validate(), vec![v]);
    let notes = request.notes.expect("NOTES was sent");
    assert_eq!(notes.as_str().chars().count(), 32766);
}

// ---- enum ----

#[test]
fn enum_values_keep_their_documented_case() {
    valid("manex", "customer-add", json!({"Custname": "ABC", "Status": "Active"}));
    assert_eq!(
        one_violation("manex", "customer-add", json!({"Custname": "ABC", "Status": "active"})),
        violation(
            "/Status",
            "manex.customer-add.Status.enum",
            "Status must be one of: Active, Inactive, Quote",
            Strength::Documented
        )
    );
    // the typed enum holds only documented values
    use manex::customer_add::Status;
    assert_eq!(Status::try_from("Quote").map(Status::as_str), Ok("Quote"));
    assert_eq!(
        Status::try_from("QUOTE").map_err(|e| e.violations[0].rule.clone()),
        Err("manex.customer-add.Status.enum".to_string())
    );
    assert!(serde_json::from_value::<Status>(json!("Inactive")).is_ok());
    assert!(serde_json::from_value::<Status>(json!("INACTIVE")).is_err());
}

#[test]
fn contested_enum_accepts_every_documented_reading_and_another_case_is_only_implied() {
    let base = || json!({"Custno": "0000000010"});
    for status in ["ACTIVE", "Active"] {
        let mut b = base();
        b["Status"] = json!(status);
        valid("manex", "customer-edit", b);
    }
    // Edit demands no letter case: "active" breaks only the schemas'
    // reading of that silence, which the typed value holds to.
    let mut b = base();
    b["Status"] = json!("active");
    let v = one_violation("manex", "customer-edit", b.clone());
    assert_eq!(
        (v.rule.as_str(), v.strength),
        ("manex.customer-edit.Status.enum", Strength::Implied)
    );
    match manex::customer_edit::Request::parse(&b) {
        Err(ParseError::Rejected(r)) => assert_eq!(r.violations, vec![v]),
        other => panic!("another letter case is not a documented spelling: {other:?}"),
    }
    // A value outside every reading breaks the rule however it is read:
    // a contested violation, which fails a check.
    b["Status"] = json!("Dormant");
    let v = one_violation("manex", "customer-edit", b);
    assert_eq!(v.strength, Strength::Contested);
}

#[test]
fn site_enum_is_a_warning_not_a_failure() {
    let v = one_violation(
        "manex",
        "customer-add",
        json!({"Custname": "ABC", "Status": "Active", "Territory": "ATLANTIS"}),
    );
    assert_eq!((v.rule.as_str(), v.strength), ("manex.customer-add.Territory.enum", Strength::Site));
}

// ---- coded_enum ----

#[test]
fn coded_enum() {
    let body = |t: i64| json!({"Contact": {"PhoneNumbers": [{"Number": "408-555-1212", "Type": t}]}, "CustomerID": 10023});
    valid("rpm", "customer-contact-add", body(3));
    assert_eq!(
        one_violation("rpm", "customer-contact-add", body(4)),
        violation(
            "/Contact/PhoneNumbers/0/Type",
            "rpm.customer-contact-add.Contact.PhoneNumbers.Type.coded_enum",
            "Type must be one of the codes: Business=1, Home=2, Fax=3, Other=6",
            Strength::Documented
        )
    );
    use rpm::customer_contact_add::Type;
    assert_eq!(Type::try_from(6).map(|t| (t.code(), t.name())), Ok((6, "Other")));
    assert!(Type::try_from(5).is_err());
    assert_eq!(serde_json::to_value(Type::Fax).ok(), Some(json!(3)));
    assert!(serde_json::from_value::<Type>(json!(4)).is_err());
}

// ---- minimum ----

#[test]
fn minimum() {
    let body = |c: Value| json!({"Custname": "ABC", "Status": "Active", "Credlimit": c});
    valid("manex", "customer-add", body(json!(0)));
    assert_eq!(
        one_violation("manex", "customer-add", body(json!(-0.01))),
        violation(
            "/Credlimit",
            "manex.customer-add.Credlimit.minimum",
            "Credlimit must be greater than or equal to 0",
            Strength::Documented
        )
    );
    // ManEx reads numbers out of strings (query strings carry only text)
    valid("manex", "customer-add", body(json!("0")));
    assert_eq!(
        one_violation("manex", "customer-add", body(json!("-1"))).rule,
        "manex.customer-add.Credlimit.minimum"
    );
    use manex::customer_add::Credlimit;
    assert_eq!(Credlimit::try_from(0.0).map(Credlimit::get), Ok(0.0));
    assert!(Credlimit::try_from(-0.01).is_err());
    assert!(Credlimit::try_from(f64::NAN).is_err(), "NaN is not >= 0");
}

// ---- format ----

#[test]
fn format() {
    let body = |d: &str| json!({"Custname": "ABC", "Status": "Active", "Acct_date": d});
    valid("manex", "customer-add", body("02/29/2024"));
    assert_eq!(
        one_violation("manex", "customer-add", body("02/30/2024")),
        violation(
            "/Acct_date",
            "manex.customer-add.Acct_date.format",
            "Acct_date must be a date in MM/DD/YYYY format",
            Strength::Documented
        )
    );
    valid("manex", "customer-edit", json!({"Custno": "0000000010"}));
    assert_eq!(
        one_violation("manex", "customer-edit", json!({"Custno": "000000010"})),
        violation(
            "/Custno",
            "manex.customer-edit.Custno.format",
            "Custno must be exactly 10 digits",
            Strength::Documented
        )
    );
}

// ---- max_items ----

#[test]
fn max_items() {
    let phones = |n: usize| {
        (0..n)
            .map(|i| json!({"Number": format!("408-555-000{i}"), "Type": 1}))
            .collect::<Vec<_>>()
    };
    let body = |n: usize| json!({"Contact": {"PhoneNumbers": phones(n)}, "CustomerID": 10023});
    valid("rpm", "customer-contact-add", body(4));
    assert_eq!(
        one_violation("rpm", "customer-contact-add", body(5)),
        violation(
            "/Contact/PhoneNumbers",
            "rpm.customer-contact-add.Contact.PhoneNumbers.max_items",
            "PhoneNumbers must have at most 4 items",
            Strength::Documented
        )
    );
    use rpm::customer_contact_add::{PhoneNumbers, PhoneNumbersItem};
    let item = PhoneNumbersItem {
        number: None,
        phone_number_id: None,
        r#type: None,
    };
    assert!(PhoneNumbers::try_from(vec![item.clone(); 4]).is_ok());
    assert!(PhoneNumbers::try_from(vec![item; 5]).is_err());
}

// ---- reading the wire ----

#[test]
fn types_unknown_members_and_the_normalized_request() {
    let r = read(
        "rpm",
        "customer-contact-add",
        &json!({"Contact": [], "CustomerID": "10023", "Extra": 1, "isprimary": true}),
    );
    assert_eq!(
        r.violations,
        vec![
            violation(
                "/Contact",
                "rpm.customer-contact-add.Contact.type",
                "Contact must be a JSON object",
                Strength::Implied
            ),
            violation(
                "/CustomerID",
                "rpm.customer-contact-add.CustomerID.type",
                "CustomerID must be a JSON integer",
                Strength::Implied
            ),
        ]
    );
    assert_eq!(r.unknown, vec!["/Extra", "/isprimary"], "RPM matches names exactly");
    let r = read(
        "rpm",
        "customer-contact-add",
        &json!({"Contact": {"PhoneNumbers": [{"Type": 1.0}]}, "CustomerID": 10023}),
    );
    assert_eq!(
        r.normalized,
        json!({"Contact": {"PhoneNumbers": [{"Type": 1}]}, "CustomerID": 10023})
    );
    assert_eq!(read("rpm", "customer", &json!("x")).violations[0].rule, "rpm.customer.type");
}

#[test]
fn manex_names_ignore_case_and_values_may_be_text() {
    let r = valid(
        "manex",
        "customer-add",
        json!({"CUSTNAME": "ABC", "status": "Active", "credlimit": "100", "acctaxable": true}),
    );
    // Text carries the number; a JSON boolean sent for a text parameter is
    // read as its text, as a model binder would.
    assert_eq!(
        r.normalized,
        json!({"Custname": "ABC", "Status": "Active", "Credlimit": 100, "Acctaxable": "true"})
    );
    assert!(r.unknown.is_empty());
    // the docs' URL example
    let r = manex::customer_add::Request::from_query("?CustName=CustomerName&Status=Active");
    assert!(r.is_valid() && r.unknown.is_empty(), "{r:?}");
    let r = manex::customer_add::Request::from_query("?CustName=Customer+Name&Status=Active&Credlimit=-5");
    assert_eq!(
        r.violations.iter().map(|v| v.rule.as_str()).collect::<Vec<_>>(),
        ["manex.customer-add.Credlimit.minimum"]
    );
    assert_eq!(r.normalized["Custname"], "Customer Name");
}

#[test]
fn bytes_that_are_not_json_are_an_error_not_a_report() {
    assert!(manex::customer_add::Request::from_wire_bytes(b"{\"Custname\":").is_err());
    let r = manex::customer_add::Request::from_wire_bytes(br#"{"Custname":"A","Status":"Quote"}"#).expect("JSON");
    assert!(r.is_valid());
}

#[test]
fn parse_rejects_documented_violations_and_builds_typed_requests() {
    let body = json!({"custname": "ABC", "STATUS": "Active", "Credlimit": "12.5", "Territory": "ATLANTIS"});
    let typed = manex::customer_add::Request::parse(&body).expect("only a site rule is broken");
    assert_eq!(typed.custname, "ABC");
    assert_eq!(typed.status, manex::customer_add::Status::Active);
    assert_eq!(typed.credlimit.map(|c| c.get()), Some(12.5));
    assert_eq!(
        typed.validate().iter().map(|v| v.rule.as_str()).collect::<Vec<_>>(),
        ["manex.customer-add.Territory.enum"]
    );
    match manex::customer_add::Request::parse(&json!({"Custname": "ABC"})) {
        Err(ParseError::Rejected(r)) => assert_eq!(r.violations[0].rule, "manex.customer-add.Status.required"),
        other => panic!("expected a rejection, got {other:?}"),
    }
    match rpm::customer_contact_add::Request::parse(&json!({"Contact": {}, "CustomerID": u64::MAX})) {
        Err(ParseError::Rejected(r)) => assert_eq!(r.violations[0].rule, "rpm.customer-contact-add.CustomerID.type"),
        other => panic!("an integer above i64::MAX is not a 64-bit id: {other:?}"),
    }
    // the typed request serialises back with the exact wire names
    let round = serde_json::to_value(&typed).expect("serialises");
    assert_eq!(
        round,
        json!({"Custname": "ABC", "Status": "Active", "Territory": "ATLANTIS", "Credlimit": 12.5})
    );
}

#[test]
fn unknown_endpoints_are_none() {
    assert!(erpspec_generated::validate_wire("manex", "customer-delete", &json!({})).is_none());
    assert!(erpspec_generated::validate_typed("nobody", "customer-add", &json!({})).is_none());
    assert!(
        erpspec_generated::validate_query("rpm", "customer-contact-add", "").is_none(),
        "RPM takes no query parameters"
    );
    assert!(erpspec_generated::validate_query("manex", "customer-add", "").is_some());
    assert_eq!(
        erpspec_generated::ENDPOINTS.len(),
        API.vendors.iter().map(|v| v.endpoints.len()).sum::<usize>()
    );
}

#[test]
fn every_doc_example_reads_as_its_schema_says() {
    for v in &API.vendors {
        for ep in &v.endpoints {
            for ex in &ep.examples {
                let r = read(&v.name, &ep.id, &ex.request);
                let mut broken: Vec<&str> = r.violations.iter().map(|x| x.rule.as_str()).collect();
                broken.sort();
                let mut expected: Vec<&str> = ex.breaks.iter().map(String::as_str).collect();
                expected.sort();
                assert_eq!(broken, expected, "{}.{} example {:?}", v.name, ep.id, ex.name);
                // the docs' URL form reads as their JSON form does
                if let Some(q) = &ex.query {
                    let from_query = erpspec_generated::validate_query(&v.name, &ep.id, q).expect("the vendor takes query strings");
                    let mut broken_q: Vec<&str> = from_query.violations.iter().map(|x| x.rule.as_str()).collect();
                    broken_q.sort();
                    assert_eq!(broken_q, expected, "{}.{} example {:?} as {q}", v.name, ep.id, ex.name);
                    assert_eq!(from_query.unknown, r.unknown, "{q}");
                }
            }
        }
    }
}
