//! RPM over real HTTP: CustomerAdd, CustomerContactAdd and Customer; the key
//! in the RpmApiKey header or the deprecated body Key; errors inside
//! `Result.Error`; a create/update/read round trip through the includes.

mod common;
use common::{Auth, keys, send, start};
use serde_json::json;

fn error_of(a: &common::Answer) -> String {
    let b = a.json();
    assert_eq!(keys(&b), vec!["Result"], "{b}");
    assert_eq!(keys(&b["Result"]), vec!["Error"], "{b}");
    b["Result"]["Error"]
        .as_str()
        .unwrap_or_else(|| panic!("Error is a string: {b}"))
        .to_string()
}

const KEY: &str = "ffffffff-ffff-ffff-ffff-ffffffffffff";

#[test]
fn the_key_travels_in_the_header_or_the_deprecated_body_key() {
    let mut s = start("rpm", &[]);
    let read = json!({"CustomerID": 10023});
    for id in ["customer", "customer-add", "customer-contact-add"] {
        assert_eq!(error_of(&s.call_as(id, &read, Auth::None)), "Valid key required");
        assert_eq!(
            error_of(&s.call_as(id, &read, Auth::Wrong)),
            "Key not found.  A valid \"Key\" must appear as the first input data item."
        );
    }
    let a = s.call_as("customer", &read, Auth::Deprecated);
    assert_eq!(a.json()["Result"]["Name"], json!("ABCCORP"), "{}", a.json());
    // The header wins over a body Key.
    let body = json!({"Key": "wrong", "CustomerID": 10023});
    let a = send(
        s.addr,
        "POST",
        "/rpm/Api2.svc/Customer",
        &[("RpmApiKey", KEY)],
        body.to_string().as_bytes(),
    );
    assert_eq!(a.json()["Result"]["CustomerID"], json!(10023));
    let body = json!({"Key": KEY, "CustomerID": 10023});
    let a = send(
        s.addr,
        "POST",
        "/rpm/Api2.svc/Customer",
        &[("RpmApiKey", "wrong")],
        body.to_string().as_bytes(),
    );
    assert_eq!(
        error_of(&a),
        "Key not found.  A valid \"Key\" must appear as the first input data item."
    );
}

#[test]
fn customer_reads_by_id_or_name_and_the_id_wins() {
    let mut s = start("rpm", &[]);
    let a = s.call("customer", json!({"CustomerID": 10023}));
    assert_eq!(a.status, 200);
    let r = a.json()["Result"].clone();
    assert_eq!(r["Name"], json!("ABCCORP"));
    assert_eq!(r["Contacts"], json!([]));
    assert_eq!(
        r["Locations"].as_array().map(Vec::len),
        Some(1),
        "the demo customer's primary location"
    );
    let a = s.call("customer", json!({"Customer": "ABCCORP", "IncludeLocations": false}));
    assert_eq!(a.json()["Result"]["CustomerID"], json!(10023));
    assert!(
        a.json()["Result"].get("Locations").is_none(),
        "IncludeLocations: false leaves Locations out"
    );
    let a = s.call("customer", json!({"CustomerID": 10023, "Customer": "NOPE"}));
    assert_eq!(a.json()["Result"]["Name"], json!("ABCCORP"), "the id wins");
    assert_eq!(error_of(&s.call("customer", json!({"CustomerID": 1}))), "Customer not found");
    assert_eq!(error_of(&s.call("customer", json!({"Customer": "NOPE"}))), "Customer not found");
    assert_eq!(error_of(&s.call("customer", json!({}))), "Customer not found");
    assert!(
        !error_of(&s.call("customer", json!({"CustomerID": "10023"}))).is_empty(),
        "an id is a JSON integer"
    );
}

#[test]
fn customer_add_needs_a_unique_name() {
    let mut s = start("rpm", &[]);
    let a = s.call(
        "customer-add",
        json!({"Customer": {"Name": "PUMPCO", "Website": "http://www.example.com"}}),
    );
    assert_eq!(a.status, 200);
    let r = a.json()["Result"].clone();
    let id = r["CustomerID"].as_i64().unwrap();
    assert!(id > 10023, "ids are assigned after the demo's");
    assert_eq!(r["Website"], json!("http://www.example.com"));
    assert!(r["Added"].as_str().unwrap().starts_with("20"));
    assert_eq!(
        error_of(&s.call("customer-add", json!({"Customer": {"Name": "PUMPCO"}}))),
        "A unique customer name is required"
    );
    assert_eq!(
        error_of(&s.call("customer-add", json!({"Customer": {"Name": "ABCCORP"}}))),
        "A unique customer name is required"
    );
    assert_eq!(
        error_of(&s.call("customer-add", json!({"Customer": {"Website": "w"}}))),
        "A customer name is required"
    );
    assert!(!error_of(&s.call("customer-add", json!({}))).is_empty());
    assert!(!error_of(&s.call("customer-add", json!({"Customer": {"Name": "A", "Aliases": [{}]}}))).is_empty());
    let a = s.call("customer-add", json!({"Customer": {"Name": "NEXT"}}));
    assert_eq!(a.json()["Result"]["CustomerID"], json!(id + 1));
}

#[test]
fn contact_add_example_reads_back_with_none_for_an_empty_number() {
    let mut s = start("rpm", &[]);
    let example = json!({
        "Contact": {
            "Email": "jhernandez@abccorp.com", "FirstName": "Joseph", "LastName": "Hernandez",
            "PhoneNumbers": [{"Number": "408-555-1212", "PhoneNumberID": 1, "Type": 1}, {"Number": "", "PhoneNumberID": 2, "Type": 6}],
            "Salutation": "Mr.", "Title": "Buyer"
        },
        "CustomerID": 10023, "IsPrimary": true
    });
    let a = s.call("customer-contact-add", example);
    assert_eq!(a.status, 200);
    let c = a.json()["Result"]["Contact"].clone();
    assert_eq!(
        keys(&c),
        vec!["ContactID", "Email", "FirstName", "LastName", "PhoneNumbers", "Salutation", "Title"]
    );
    assert!(c["ContactID"].is_i64());
    assert_eq!(c["PhoneNumbers"][0]["Number"], json!("408-555-1212"));
    assert_eq!(c["PhoneNumbers"][1]["Number"], json!(" none"));
    let ids: Vec<i64> = c["PhoneNumbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["PhoneNumberID"].as_i64().unwrap())
        .collect();
    assert_ne!(ids[0], ids[1], "phone ids are the server's");
    // The customer lists it; the empty number reads back as " none".
    let a = s.call("customer", json!({"CustomerID": 10023}));
    let contacts = a.json()["Result"]["Contacts"].clone();
    assert_eq!(contacts.as_array().unwrap().len(), 1);
    assert_eq!(contacts[0]["IsPrimary"], json!(true));
    assert_eq!(contacts[0]["Contact"]["ContactID"], c["ContactID"]);
    assert_eq!(contacts[0]["Contact"]["PhoneNumbers"][1]["Number"], json!(" none"));
}

#[test]
fn contact_add_failures() {
    let mut s = start("rpm", &[]);
    assert_eq!(
        error_of(&s.call("customer-contact-add", json!({"CustomerID": 999, "Contact": {}}))),
        "Customer not found"
    );
    for t in [0, 4, 5, 7] {
        let e = error_of(&s.call(
            "customer-contact-add",
            json!({"CustomerID": 10023, "Contact": {"PhoneNumbers": [{"Number": "1", "Type": t}]}}),
        ));
        assert_eq!(e, format!("Unrecognized type for phone number: {t}"));
    }
    for t in [1, 2, 3, 6] {
        let a = s.call(
            "customer-contact-add",
            json!({"CustomerID": 10023, "Contact": {"PhoneNumbers": [{"Number": "1", "Type": t}]}}),
        );
        assert_eq!(a.json()["Result"]["Contact"]["PhoneNumbers"][0]["Type"], json!(t));
    }
    let four = json!([{"Type": 1}, {"Type": 2}, {"Type": 3}, {"Type": 6}]);
    let a = s.call(
        "customer-contact-add",
        json!({"CustomerID": 10023, "Contact": {"PhoneNumbers": four}}),
    );
    assert_eq!(a.json()["Result"]["Contact"]["PhoneNumbers"].as_array().unwrap().len(), 4);
    let five = json!([{"Type": 1}, {"Type": 2}, {"Type": 3}, {"Type": 6}, {"Type": 1}]);
    assert!(
        !error_of(&s.call(
            "customer-contact-add",
            json!({"CustomerID": 10023, "Contact": {"PhoneNumbers": five}})
        ))
        .is_empty()
    );
    assert!(!error_of(&s.call("customer-contact-add", json!({"CustomerID": 10023}))).is_empty());
    assert!(!error_of(&s.call("customer-contact-add", json!({"Contact": {}}))).is_empty());
}

#[test]
fn create_add_contacts_read_round_trip() {
    let mut s = start("rpm", &[]);
    let a = s.call(
        "customer-add",
        json!({"Customer": {"Name": "ROUNDTRIP", "Contacts": [{"IsPrimary": true, "Contact": {"FirstName": "Ann"}}]}}),
    );
    let id = a.json()["Result"]["CustomerID"].as_i64().unwrap();
    let a = s.call(
        "customer-contact-add",
        json!({"CustomerID": id, "Contact": {"FirstName": "Ben", "PhoneNumbers": [{"Number": "", "Type": 3}]}}),
    );
    assert_eq!(a.status, 200);
    let a = s.call("customer", json!({"Customer": "ROUNDTRIP"}));
    let r = a.json()["Result"].clone();
    assert_eq!(r["CustomerID"], json!(id));
    let names: Vec<&str> = r["Contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Contact"]["FirstName"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Ann", "Ben"]);
    assert_eq!(r["Contacts"][1]["Contact"]["PhoneNumbers"][0]["Number"], json!(" none"));
}

#[test]
fn transport_answers() {
    let s = start("rpm", &[]);
    // RPM documents POST only and no answer for other methods: a
    // Result.Error (its HTTP status is undocumented, like every error's).
    let a = send(s.addr, "GET", "/rpm/Api2.svc/Customer", &[("RpmApiKey", KEY)], b"");
    assert!(error_of(&a).contains("POST"), "{}", a.json());
    let a = send(s.addr, "POST", "/rpm/Api2.svc/Customer", &[("RpmApiKey", KEY)], b"{\"CustomerID\":");
    assert!(error_of(&a).starts_with("The body is not JSON"), "{}", error_of(&a));
    let a = send(s.addr, "POST", "/rpm/Api2.svc/Customer", &[("RpmApiKey", KEY)], b"");
    assert!(error_of(&a).starts_with("The body is not JSON"), "an empty body is not {{}}");
    let a = send(s.addr, "POST", "/rpm/Api2.svc/NoSuchProcedure", &[("RpmApiKey", KEY)], b"{}");
    assert_eq!(a.status, 404);
    assert!(!error_of(&a).is_empty());
    let a = send(
        s.addr,
        "POST",
        "/rpm/api2.svc/Customer",
        &[("RpmApiKey", KEY)],
        b"{\"CustomerID\":10023}",
    );
    assert_eq!(a.status, 404, "paths match exactly");
}

#[test]
fn customer_edit_renames_by_id_finds_by_name_and_refuses_what_the_docs_refuse() {
    let mut s = start("rpm", &[]);
    let added = s.call("customer-add", json!({"Customer": {"Name": "PUMPCO"}}));
    let id = added.json()["Result"]["CustomerID"].clone();
    assert!(id.is_i64(), "{}", added.json());
    let created = added.json()["Result"]["Modified"]
        .as_str()
        .expect("Modified is set on create")
        .to_string();
    // Timestamps have whole seconds: let one pass so a refreshed Modified shows.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // By id, a Name renames; members left out are unchanged.
    let a = s.call(
        "customer-edit",
        json!({"Customer": {"CustomerID": id, "Name": "PUMPCO WEST", "Website": "http://w.example"}}),
    );
    assert_eq!(a.json()["Result"]["Name"], json!("PUMPCO WEST"), "{}", a.json());
    let modified = a.json()["Result"]["Modified"].as_str().expect("Modified").to_string();
    assert!(modified > created, "an edit refreshes Modified: {created} -> {modified}");
    assert_eq!(a.json()["Result"]["Added"], added.json()["Result"]["Added"], "and keeps Added");
    let a = s.call(
        "customer-edit",
        json!({"Customer": {"Name": "PUMPCO WEST", "Website": "http://x.example"}}),
    );
    assert_eq!(a.json()["Result"]["CustomerID"], id, "found by name: {}", a.json());
    let read = s.call("customer", json!({"CustomerID": id}));
    assert_eq!(read.json()["Result"]["Name"], json!("PUMPCO WEST"));
    assert_eq!(read.json()["Result"]["Website"], json!("http://x.example"), "the edit is stored");
    // The documented refusals.
    assert_eq!(
        error_of(&s.call("customer-edit", json!({"Customer": {"Website": "http://y.example"}}))),
        "Customer name or ID must be specified"
    );
    assert_eq!(
        error_of(&s.call("customer-edit", json!({"Customer": {"CustomerID": 99}}))),
        "Customer not found"
    );
    assert_eq!(
        error_of(&s.call("customer-edit", json!({"Customer": {"CustomerID": id, "Name": "ABCCORP"}}))),
        "A customer with that name already exists"
    );
}

#[test]
fn customer_add_creates_its_contacts_and_locations_as_records_and_saves_nothing_on_error() {
    let mut s = start("rpm", &[]);
    let body = json!({"Customer": {
        "Name": "VALVECO",
        "Locations": [{"Name": "Head Office", "IsPrimary": true}, {"Name": "Plant", "IsPrimary": true}],
        "Contacts": [{"Contact": {"FirstName": "Joseph"}}, {"Contact": {"FirstName": "Ana"}}]
    }});
    let r = s.call("customer-add", body).json()["Result"].clone();
    let locations = r["Locations"].as_array().expect("Locations").clone();
    let contacts = r["Contacts"].as_array().expect("Contacts").clone();
    let ids: Vec<i64> = locations.iter().map(|l| l["LocationID"].as_i64().unwrap_or(0)).collect();
    assert!(ids.iter().all(|i| *i > 0) && ids[0] != ids[1], "locations get ids: {ids:?}");
    let ids: Vec<i64> = contacts.iter().map(|c| c["Contact"]["ContactID"].as_i64().unwrap_or(0)).collect();
    assert!(ids.iter().all(|i| *i > 0) && ids[0] != ids[1], "contacts get ids: {ids:?}");
    assert_eq!(locations[1]["IsPrimary"], json!(true), "several flagged: the last wins");
    assert_eq!(locations[0]["IsPrimary"], json!(false));
    assert_eq!(contacts[0]["IsPrimary"], json!(true), "none flagged: the first");
    // The contact is a record CustomerContactEdit finds.
    let edit = s.call(
        "customer-contact-edit",
        json!({"CustomerID": r["CustomerID"], "IsPrimary": true, "Contact": {"ContactID": ids[1], "FirstName": "Ana", "LastName": "Ruiz"}}),
    );
    assert_eq!(edit.json()["Result"]["Contact"]["LastName"], json!("Ruiz"), "{}", edit.json());
    // A refused create saves nothing: neither the customer nor its children.
    let before = s.call("customers", json!({})).json()["Result"]["Customers"]
        .as_array()
        .map(Vec::len);
    let dup = json!({"Customer": {"Name": "VALVECO", "Contacts": [{"Contact": {"FirstName": "Lost"}}]}});
    assert_eq!(error_of(&s.call("customer-add", dup)), "A unique customer name is required");
    let after = s.call("customers", json!({})).json()["Result"]["Customers"]
        .as_array()
        .map(Vec::len);
    assert_eq!(before, after);
    let again = s.call("customer", json!({"Customer": "VALVECO"})).json();
    assert_eq!(
        again["Result"]["Contacts"].as_array().map(Vec::len),
        Some(2),
        "no contact of the refused create: {again}"
    );
}

#[test]
fn customers_lists_every_customer_with_its_name_and_the_lists_age() {
    let mut s = start("rpm", &[]);
    let r = s.call("customers", json!({})).json()["Result"].clone();
    assert!(r["Age"].is_i64(), "{r}");
    assert_eq!(
        r["Customers"][0]["Customer"],
        json!("ABCCORP"),
        "the record's Name shown as Customer"
    );
    assert_eq!(r["Customers"][0]["CustomerID"], json!(10023));
    assert!(r["Customers"][0].get("Locations").is_none(), "only the documented members");
}
