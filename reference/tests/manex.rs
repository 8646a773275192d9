//! ManEx over real HTTP: every documented success and failure of Customer
//! Add, Edit and Get, and a create/update/read round trip.

mod common;
use common::{Auth, keys, send, start};
use serde_json::{Value, json};

const ENVELOPE: [&str; 6] = ["$id", "Code", "IsValidUser", "Message", "ResponseObject", "SessionId"];

fn envelope_keys() -> Vec<String> {
    let mut k: Vec<String> = ENVELOPE.iter().map(|s| s.to_string()).collect();
    k.sort();
    k
}

fn assert_failure(a: &common::Answer, message_prefix: &str) {
    let b = a.json();
    assert_eq!(keys(&b), envelope_keys(), "{b}");
    assert_eq!(b["Code"], json!(403), "{b}");
    assert_eq!(b["IsValidUser"], json!(true), "{b}");
    assert_eq!(b["SessionId"], Value::Null);
    assert_eq!(b["ResponseObject"], Value::Null);
    let m = b["Message"].as_str().unwrap();
    assert!(m.starts_with(message_prefix), "{m:?} should start with {message_prefix:?}");
}

#[test]
fn add_examples_succeed_with_a_ten_digit_customer_number() {
    let mut s = start("manex", &[]);
    let a = s.call("customer-add", json!({"Custname": "CustomerName", "Status": "Active"}));
    assert_eq!(a.status, 200);
    let b = a.json();
    assert_eq!(keys(&b), envelope_keys());
    assert_eq!(b["$id"], json!("1"));
    assert_eq!(b["Code"], json!(200));
    assert_eq!(b["Message"], json!("Customer added successfully."));
    assert_eq!(b["IsValidUser"], json!(true));
    let rec = &b["ResponseObject"];
    let first = rec["CUSTNO"].as_str().unwrap().to_string();
    assert_eq!(first.len(), 10);
    assert!(first.bytes().all(|c| c.is_ascii_digit()));
    // Text columns may come back padded; the docs say to trim.
    assert_eq!(rec["CUSTNAME"].as_str().map(str::trim_end), Some("CustomerName"));
    assert_eq!(rec["STATUS"].as_str().map(str::trim_end), Some("Active"));
    // Every documented member of the record is there, typed as the KB shows.
    assert_eq!(rec["CREDLIMIT"], json!(0));
    assert_eq!(rec["LABOR"], json!(false));
    assert_eq!(rec["AR_CALDATE"], Value::Null);
    assert!(rec.get("modifiedDate").is_some() && rec.get("LinkAddList").is_some());

    // The URL form of the same example (names in another case).
    let a = s.call_query("customer-add", "?CustName=CustomerName&Status=Active");
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    let second = a.json()["ResponseObject"]["CUSTNO"].as_str().unwrap().to_string();
    assert_eq!(
        second.parse::<u64>().unwrap(),
        first.parse::<u64>().unwrap() + 1,
        "the sequence moves on"
    );
}

#[test]
fn add_refuses_each_broken_rule_with_customer_add_failed() {
    let mut s = start("manex", &[]);
    let cases = [
        json!({"Status": "Active"}),
        json!({"Custname": "X"}),
        json!({"Custname": "X", "Status": "active"}),
        json!({"Custname": "X", "Status": "ACTIVE"}),
        json!({"Custname": "X", "Status": "Active", "Credlimit": -1}),
        json!({"Custname": "X", "Status": "Active", "Ar_highBal": -0.01}),
        json!({"Custname": "X", "Status": "Active", "Creditok": "MAYBE"}),
        json!({"Custname": "X", "Status": "Active", "Territory": "MARS"}),
        json!({"Custname": "X", "Status": "Active", "Terms": "NET 99"}),
        json!({"Custname": "X", "Status": "Active", "Acct_date": "2024-12-31"}),
        json!({"Custname": "X", "Status": "Active", "Acct_date": "02/30/2024"}),
        json!({"Custname": "X", "Status": "Active", "Credlimit": "lots"}),
    ];
    for c in cases {
        let a = s.call("customer-add", c.clone());
        assert_eq!(a.status, 200, "{c}");
        assert_failure(&a, "Customer add failed.");
    }
    // A chosen customer number that exists is refused too.
    let a = s.call("customer-add", json!({"Custno": "0000000010", "Custname": "Y", "Status": "Quote"}));
    assert_failure(&a, "Customer add failed.");
}

#[test]
fn boundaries_are_accepted() {
    let mut s = start("manex", &[]);
    let a = s.call(
        "customer-add",
        json!({"Custname": "Z", "Status": "Inactive", "Credlimit": 0, "Ar_highBal": 0, "Acct_date": "02/29/2024", "Territory": "NEW ENGLAND", "Terms": "NET 30/2% 10", "Creditok": "HOLD", "Acctaxable": true}),
    );
    assert_eq!(a.json()["Code"], json!(200), "{}", a.json());
    assert_eq!(
        a.json()["ResponseObject"]["ACTTAXABLE"],
        json!(true),
        "Acctaxable stores as ACTTAXABLE"
    );
    // Query strings carry numbers as text.
    let a = s.call_query("customer-add", "?custname=Q&status=Quote&credlimit=0");
    assert_eq!(a.json()["Code"], json!(200), "{}", a.json());
    let a = s.call_query("customer-add", "?custname=Q2&status=Quote&credlimit=-1");
    assert_failure(&a, "Customer add failed.");
}

#[test]
fn get_returns_padded_strings_and_the_docs_message() {
    let mut s = start("manex", &[]);
    let a = s.call("customer-get", json!({"CustNumOrName": "Customer"}));
    assert_eq!(a.status, 200);
    let b = a.json();
    assert_eq!(b["Message"], json!("Customer details:"));
    let rec = &b["ResponseObject"];
    assert_eq!(rec["CUSTNO"], json!("0000000010"));
    assert_eq!(rec["CUSTNAME"], json!("Customer "), "CHAR columns come back padded");
    // As the docs' Get example shows: memo columns and the date-time unpadded.
    assert_eq!(rec["PROFILE"], json!(""));
    assert_eq!(rec["ACCT_DATE"], json!("2014-11-19T13:28:00"));
    assert_eq!(rec["FAX"], json!(" "), "a blank CHAR column is one space");
    assert_eq!(rec["TERRITORY"], json!("NEW ENGLAND "));
    assert_eq!(rec["STATUS"], json!("Active "));
    assert_eq!(rec["PHONE"], json!(" "));
    // By number, through the query string.
    let a = s.call_query("customer-get", "?CustNumOrName=0000000010");
    assert_eq!(a.json()["ResponseObject"]["CUSTNAME"], json!("Customer "));
}

#[test]
fn get_of_a_missing_customer_and_a_wrong_parameter() {
    let mut s = start("manex", &[]);
    let a = s.call("customer-get", json!({"CustNumOrName": "Nobody"}));
    let b = a.json();
    assert_eq!(
        b,
        json!({"$id": "1", "Code": 403, "Message": "Customer does not exists.", "SessionId": null, "IsValidUser": true, "ResponseObject": null})
    );
    // The docs' "Incorrect URL" example: a parameter the action does not take.
    let a = s.call_query("customer-get", "?CustName=CustomerName");
    assert_eq!(a.status, 404);
    let b = a.json();
    assert_eq!(keys(&b), vec!["$id", "Message", "MessageDetail"]);
    let m = b["Message"].as_str().unwrap();
    assert!(m.starts_with("No HTTP resource was found that matches the request URI '"), "{m}");
    assert!(m.contains("CustName=CustomerName"), "{m}");
}

#[test]
fn edit_examples_and_rules() {
    let mut s = start("manex", &[]);
    // The docs' examples send the placeholder date 'YYYY-MM-DD00:00:00',
    // which breaks the (contested) MM/DD/YYYY format: refused.
    let a = s.call("customer-edit", json!({"CUSTNO": "0000000010", "CUSTNAME": "CustomerName", "ACCT_DATE": "YYYY-MM-DD00:00:00", "STATUS": "Active", "territory": "NEW ENGLAND"}));
    assert_failure(&a, "Customer edit failed.");
    // Without it the example edits the demo customer; 'Active' is the Add
    // spelling the contested Edit Status also accepts.
    let a = s.call(
        "customer-edit",
        json!({"CUSTNO": "0000000010", "CUSTNAME": "CustomerName", "STATUS": "Active", "territory": "NEW ENGLAND"}),
    );
    assert_eq!(
        a.json(),
        json!({"$id": "1", "Code": 200, "Message": "Customer edited successfully.", "SessionId": null, "IsValidUser": true, "ResponseObject": null})
    );
    let a = s.call("customer-edit", json!({"Custno": "0000000010", "Status": "INACTIVE"}));
    assert_eq!(a.json()["Code"], json!(200));
    // Required and ten digits.
    let a = s.call("customer-edit", json!({"Custname": "X"}));
    assert_eq!(
        a.json()["Message"],
        json!("Customer edit failed.Customer Number or Customer Name is Required")
    );
    for bad in [
        json!({"Custno": "10"}),
        json!({"Custno": "00000000100"}),
        json!({"Custno": "000000001A"}),
    ] {
        assert_failure(&s.call("customer-edit", bad), "Customer edit failed.");
    }
    for bad in [
        json!({"Custno": "0000000010", "Status": "Dormant"}),
        json!({"Custno": "0000000010", "Inactdt": "2024-01-01"}),
        json!({"Custno": "0000000010", "modifieddate": "13/01/2024"}),
        json!({"Custno": "0000000010", "Credlimit": -5}),
    ] {
        assert_failure(&s.call("customer-edit", bad.clone()), "Customer edit failed.");
    }
    // A customer that does not exist.
    assert_failure(
        &s.call("customer-edit", json!({"Custno": "0000009999", "Custname": "X"})),
        "Customer edit failed.",
    );
}

#[test]
fn add_edit_get_round_trip() {
    let mut s = start("manex", &[]);
    let a = s.call(
        "customer-add",
        json!({"Custname": "Round Trip Inc", "Status": "Active", "Phone": "555-0100", "Credlimit": 2500.5}),
    );
    let custno = a.json()["ResponseObject"]["CUSTNO"].as_str().unwrap().to_string();
    let a = s.call(
        "customer-edit",
        json!({"custno": custno, "phone": "555-0199", "TERRITORY": "WEST", "Status": "QUOTE"}),
    );
    assert_eq!(a.json()["Code"], json!(200), "{}", a.json());
    let a = s.call("customer-get", json!({"CustNumOrName": custno}));
    let rec = a.json()["ResponseObject"].clone();
    assert_eq!(rec["CUSTNO"], json!(custno));
    assert_eq!(rec["CUSTNAME"].as_str().unwrap().trim_end(), "Round Trip Inc");
    assert_eq!(rec["PHONE"].as_str().unwrap().trim_end(), "555-0199");
    assert_eq!(rec["TERRITORY"].as_str().unwrap().trim_end(), "WEST");
    assert_eq!(rec["STATUS"].as_str().unwrap().trim_end(), "QUOTE");
    assert_eq!(rec["CREDLIMIT"], json!(2500.5));
    // By name too.
    let a = s.call("customer-get", json!({"CustNumOrName": "Round Trip Inc"}));
    assert_eq!(a.json()["ResponseObject"]["CUSTNO"], json!(custno));
}

#[test]
fn api_key_in_the_path() {
    let mut s = start("manex", &[]);
    for id in ["customer-add", "customer-edit", "customer-get"] {
        let a = s.call_as(id, &json!({"CustNumOrName": "Customer"}), Auth::Wrong);
        assert_eq!(
            a.json(),
            json!({"$id": "1", "Code": 403, "Message": "Invalid API Key.", "SessionId": null, "IsValidUser": false, "ResponseObject": null})
        );
        // Without the key segment no route matches: ASP.NET's own answer.
        let a = s.call_as(id, &json!({"CustNumOrName": "Customer"}), Auth::None);
        assert_eq!(a.status, 404);
        assert_eq!(keys(&a.json()), vec!["$id", "Message", "MessageDetail"]);
    }
}

#[test]
fn routes_ignore_case_and_unknown_actions_get_the_aspnet_answer() {
    let s = start("manex", &[]);
    let a = send(s.addr, "GET", "/api/customer/get/K123456789?custnumorname=Customer", &[], b"");
    assert_eq!(a.json()["Code"], json!(200));
    let a = send(s.addr, "GET", "/API/CustomerAdd/K123456789", &[], b"");
    assert_eq!(a.status, 404);
    let m = a.json()["Message"].as_str().unwrap().to_string();
    assert!(
        m.starts_with("No HTTP resource was found that matches the request URI 'http://"),
        "{m}"
    );
    assert!(m.ends_with("/API/CustomerAdd/K123456789'."), "{m}");
    // GET and POST are both served; another method binds no action, which
    // ManEx (ASP.NET) documents only through its no-resource answer.
    let a = send(s.addr, "DELETE", "/API/Customer/Get/K123456789?CustNumOrName=Customer", &[], b"");
    assert!((400..500).contains(&a.status), "{}", a.status);
    assert_eq!(keys(&a.json()), vec!["$id", "Message", "MessageDetail"]);
    let m = a.json()["Message"].as_str().unwrap().to_string();
    assert!(
        m.starts_with("No HTTP resource was found that matches the request URI 'http://"),
        "{m}"
    );
}

#[test]
fn an_edit_refreshes_modified_date_unless_it_sends_one() {
    let mut s = start("manex", &[]);
    let get = |s: &mut common::Server| s.call("customer-get", json!({"CustNumOrName": "0000000010"})).json()["ResponseObject"].clone();
    let before = get(&mut s)["modifiedDate"].as_str().unwrap().to_string();
    assert_eq!(before, "2014-11-19T13:27:49.25", "the Get sample's");
    while reference::util::now_iso() <= before {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        s.call("customer-edit", json!({"Custno": "0000000010", "Phone": "555-0101"})).json()["Code"],
        json!(200)
    );
    let after = get(&mut s)["modifiedDate"].as_str().unwrap().to_string();
    assert!(after > before, "{before} -> {after}");
    // Edit documents a `modifieddate` parameter: a value the client sends is
    // kept, and reads back as the ISO date-time the Get sample shows.
    let a = s.call("customer-edit", json!({"Custno": "0000000010", "modifieddate": "01/15/2024"}));
    assert_eq!(a.json()["Code"], json!(200), "{}", a.json());
    assert_eq!(get(&mut s)["modifiedDate"], json!("2024-01-15T00:00:00"));
}

/// Add's answer as the docs' sample shows it (seed 003): the record carries
/// its own Json.NET `"$id": "2"` first, `modifiedDate` is null until an Edit,
/// and `ACCT_DATE` is the time of the Add when the request gives none.
#[test]
fn add_answers_like_the_docs_sample() {
    let mut s = start("manex", &[]);
    let a = s.call("customer-add", json!({"Custname": "CustomerName", "Status": "Active"}));
    let b = a.json();
    let rec = b["ResponseObject"].as_object().unwrap();
    assert_eq!(rec.keys().next().map(String::as_str), Some("$id"), "{b}");
    assert_eq!(rec["$id"], json!("2"));
    assert_eq!(b["$id"], json!("1"));
    assert_eq!(rec["modifiedDate"], Value::Null, "{b}");
    let acct = rec["ACCT_DATE"].as_str().unwrap();
    let at = erpspec_rules::read_iso_date_time(acct).unwrap_or_else(|| panic!("{acct} is an ISO date-time"));
    let today = erpspec_rules::read_iso_date_time(&reference::util::now_iso()).unwrap();
    assert_eq!((at.year, at.month), (today.year, today.month), "{acct}");
    let custno = rec["CUSTNO"].as_str().unwrap().to_string();

    // Get shows the same record, its `$id` too; Edit's null stays null.
    let get = |s: &mut common::Server| s.call("customer-get", json!({"CustNumOrName": custno})).json();
    let g = get(&mut s);
    assert_eq!(g["ResponseObject"]["$id"], json!("2"));
    assert_eq!(g["ResponseObject"]["ACCT_DATE"], json!(acct));
    assert_eq!(g["ResponseObject"]["modifiedDate"], Value::Null);
    let e = s.call("customer-edit", json!({"Custno": custno, "Phone": "555-0101"})).json();
    assert_eq!(e["Code"], json!(200), "{e}");
    assert_eq!(e["ResponseObject"], Value::Null);
    let g = get(&mut s);
    assert!(
        g["ResponseObject"]["modifiedDate"].as_str().is_some_and(|m| m.starts_with("20")),
        "{g}"
    );
    assert_eq!(g["ResponseObject"]["ACCT_DATE"], json!(acct), "an Edit keeps the creation date");
    // Errors carry no payload.
    let err = s.call("customer-get", json!({"CustNumOrName": "no such customer"})).json();
    assert_eq!(err["ResponseObject"], Value::Null);
}

/// A date written as MM/DD/YYYY (Add, Edit) or in the Edit example's shape
/// (`YYYY-MM-DD00:00:00` with a real date, or the ISO date-time the answers
/// carry) reads back as the ISO date-time of the Get sample; the example's
/// placeholder letters are still refused.
#[test]
fn dates_read_back_as_iso_date_times() {
    let mut s = start("manex", &[]);
    let a = s
        .call(
            "customer-add",
            json!({"Custname": "Dated", "Status": "Active", "Acct_date": "12/31/2024"}),
        )
        .json();
    assert_eq!(a["ResponseObject"]["ACCT_DATE"], json!("2024-12-31T00:00:00"), "{a}");
    let custno = a["ResponseObject"]["CUSTNO"].as_str().unwrap().to_string();
    let acct =
        |s: &mut common::Server| s.call("customer-get", json!({"CustNumOrName": custno})).json()["ResponseObject"]["ACCT_DATE"].clone();
    assert_eq!(acct(&mut s), json!("2024-12-31T00:00:00"));
    for (sent, read) in [
        ("2014-11-1900:00:00", "2014-11-19T00:00:00"),
        ("2014-11-19T13:28:00", "2014-11-19T13:28:00"),
        ("01/02/2015", "2015-01-02T00:00:00"),
    ] {
        let e = s.call("customer-edit", json!({"CUSTNO": custno, "ACCT_DATE": sent})).json();
        assert_eq!(e["Code"], json!(200), "{sent}: {e}");
        assert_eq!(acct(&mut s), json!(read), "{sent}");
    }
    // The URL form of the docs' Edit example, with a real date in its shape.
    let q = format!("?CUSTNO={custno}&CUSTNAME=CustomerName&ACCT_DATE=2016-02-2900:00:00&STATUS=Active&territory=NEW%20ENGLAND");
    let e = s.call_query("customer-edit", &q).json();
    assert_eq!(e["Code"], json!(200), "{e}");
    assert_eq!(acct(&mut s), json!("2016-02-29T00:00:00"));
    // The docs' placeholder is no date.
    let e = s.call("customer-edit", json!({"CUSTNO": custno, "ACCT_DATE": "YYYY-MM-DD00:00:00"}));
    assert_failure(&e, "Customer edit failed.");
    assert_eq!(acct(&mut s), json!("2016-02-29T00:00:00"));
}
