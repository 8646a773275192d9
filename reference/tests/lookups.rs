//! Lookups among many records, answered through the store's `fields` index
//! (`src/index.rs`): each finds the record a scan would have found.

mod common;
use common::{send, start};
use reference::qbe::Criterion;
use serde_json::{Value, json};

const MANEX_KEY: &str = "K123456789";

fn manex_get(s: &mut common::Server, what: &str) -> Value {
    s.call("customer-get", json!({"CustNumOrName": what})).json()
}

#[test]
fn manex_get_finds_one_customer_among_many_by_number_or_name() {
    let mut s = start("manex", &[]);
    let mut added = Vec::new();
    for i in 0..300 {
        let name = format!("Lookup Co {i}");
        let a = s.call("customer-add", json!({"Custname": name, "Status": "Active"})).json();
        assert_eq!(a["Code"], json!(200), "{a}");
        added.push((a["ResponseObject"]["CUSTNO"].as_str().unwrap().to_string(), name));
    }
    for (custno, name) in [&added[0], &added[150], &added[299]] {
        let by_number = manex_get(&mut s, custno);
        assert_eq!(
            by_number["ResponseObject"]["CUSTNAME"].as_str().map(str::trim_end),
            Some(name.as_str())
        );
        let by_name = manex_get(&mut s, name);
        assert_eq!(
            by_name["ResponseObject"]["CUSTNO"].as_str().map(str::trim_end),
            Some(custno.as_str())
        );
        // Parameter names match case-insensitively, as before.
        let q = format!("/api/customer/get/{MANEX_KEY}?custnumorname={}", name.replace(' ', "%20"));
        let a = send(s.addr, "GET", &q, &[], b"").json();
        assert_eq!(
            a["ResponseObject"]["CUSTNO"].as_str().map(str::trim_end),
            Some(custno.as_str()),
            "{a}"
        );
    }
    // Values compare exactly, as they always did: another case is another name.
    assert_eq!(manex_get(&mut s, "LOOKUP CO 7")["Message"], json!("Customer does not exists."));
    assert_eq!(manex_get(&mut s, "Lookup Co 7 ")["Message"], json!("Customer does not exists."));
    // A name two customers share finds the first added.
    let first = s.call("customer-add", json!({"Custname": "Twin", "Status": "Active"})).json();
    let _second = s.call("customer-add", json!({"Custname": "Twin", "Status": "Active"})).json();
    assert_eq!(
        manex_get(&mut s, "Twin")["ResponseObject"]["CUSTNO"],
        first["ResponseObject"]["CUSTNO"]
    );
    // An edit that renames moves the record's lookup value.
    let custno = added[10].0.clone();
    let a = s.call(
        "customer-edit",
        json!({"Custno": custno, "Custname": "Renamed Co", "Status": "Active"}),
    );
    assert_eq!(a.json()["Code"], json!(200), "{}", a.json());
    assert_eq!(manex_get(&mut s, "Lookup Co 10")["Message"], json!("Customer does not exists."));
    assert_eq!(
        manex_get(&mut s, "Renamed Co")["ResponseObject"]["CUSTNO"]
            .as_str()
            .map(str::trim_end),
        Some(custno.as_str())
    );
    // A chosen number that exists is a duplicate; a new one is not.
    let dup = s.call(
        "customer-add",
        json!({"Custno": added[200].0, "Custname": "Dup", "Status": "Active"}),
    );
    assert_eq!(
        dup.json()["Message"],
        json!("Customer add failed.Object reference not set to an instance of an object.")
    );
}

fn rpm_error(a: &common::Answer) -> String {
    a.json()["Result"]["Error"].as_str().unwrap_or_default().to_string()
}

#[test]
fn rpm_names_aliases_locations_and_contacts_among_many_customers() {
    let mut s = start("rpm", &[]);
    let mut ids = Vec::new();
    for i in 0..60 {
        let a = s.call(
            "customer-add",
            json!({"Customer": {
                "Name": format!("Cust {i}"),
                "Aliases": [{"Alias": format!("alias {i}")}],
                "Locations": [{"Name": "Head Office", "IsPrimary": true}, {"Name": format!("Plant {i}")}],
                "Contacts": [{"Contact": {"FirstName": format!("First {i}")}, "IsPrimary": true}]
            }}),
        );
        assert_eq!(a.status, 200, "{}", a.json());
        ids.push(a.json()["Result"]["CustomerID"].as_i64().unwrap());
    }
    // Customer by name (a lookup of a field that is not the key).
    let a = s.call("customer", json!({"Customer": "Cust 42"})).json();
    assert_eq!(a["Result"]["CustomerID"], json!(ids[42]), "{a}");
    // Each customer shows its own children only.
    let contacts = a["Result"]["Contacts"].as_array().expect("contacts").clone();
    assert_eq!(contacts.len(), 1, "{a}");
    assert_eq!(
        contacts[0]["Contact"]["FirstName"].as_str().or(contacts[0]["FirstName"].as_str()),
        Some("First 42")
    );
    let locations = a["Result"]["Locations"].as_array().expect("locations");
    let names: Vec<&str> = locations.iter().filter_map(|l| l["Name"].as_str()).collect();
    assert_eq!(names, ["Head Office", "Plant 42"], "{a}");
    // A name another customer has is a duplicate.
    assert_eq!(
        rpm_error(&s.call("customer-add", json!({"Customer": {"Name": "Cust 17"}}))),
        "A unique customer name is required"
    );
    // An alias another customer has is left out; a new one is kept.
    let a = s.call(
        "customer-add",
        json!({"Customer": {"Name": "Aliased", "Aliases": [{"Alias": "alias 33"}, {"Alias": "fresh"}]}}),
    );
    assert_eq!(a.status, 200, "{}", a.json());
    let id = a.json()["Result"]["CustomerID"].clone();
    let all = s.call("customer", json!({"CustomerID": id})).json();
    assert_eq!(all["Result"]["Name"], json!("Aliased"));
    assert_eq!(all["Result"]["Aliases"], json!([{"Alias": "fresh"}]), "{all}");
    // A long alias list (each value asked of the index once): every taken
    // one left out, the new ones kept.
    let long: Vec<Value> = (0..3000)
        .map(|i| match i % 62 {
            60 => json!({"Alias": "new A"}),
            61 => json!({"Alias": "new B"}),
            n => json!({"Alias": format!("alias {n}")}),
        })
        .collect();
    let a = s.call("customer-add", json!({"Customer": {"Name": "Many aliases", "Aliases": long}}));
    assert_eq!(a.status, 200, "{}", a.json());
    let id = a.json()["Result"]["CustomerID"].clone();
    let kept: std::collections::BTreeSet<String> = s.call("customer", json!({"CustomerID": id})).json()["Result"]["Aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["Alias"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kept, ["new A", "new B"].map(String::from).into(), "taken aliases are left out");
    // A location name is unique within its customer only.
    let plant = locations.iter().find(|l| l["Name"] == json!("Plant 42")).unwrap()["LocationID"].clone();
    let rename = |name: &str| json!({"CustomerID": ids[42], "Location": {"LocationID": plant, "Name": name}});
    let taken = s.call("customer-location-edit", rename("Head Office"));
    assert!(!rpm_error(&taken).is_empty(), "{}", taken.json());
    let elsewhere = s.call("customer-location-edit", rename("Plant 41"));
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.json());
    assert!(rpm_error(&elsewhere).is_empty(), "{}", elsewhere.json());
}

/// Query By Example criteria, now answered in SQL, select exactly the
/// records [`Criterion::matches`] selects (the test the query applied to
/// every record before).
#[test]
fn expandable_qbe_selects_what_matching_every_record_selects() {
    let mut s = start("expandable", &[]);
    let states = ["CA", "IN", "NV", "", "ca", "TX"];
    let zips = ["95112", "46204", "9", "10", "10.0", "1e2", "", "abc", "2016-01-01"];
    let mut records = Vec::new();
    for i in 0..120 {
        let mut c = json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": format!("C{i:03}")});
        let state = states[i % states.len()];
        let zip = zips[i % zips.len()];
        // Some records lack the field: it reads as "".
        if !state.is_empty() {
            c["STATE"] = json!(state);
        }
        if !zip.is_empty() && i % 7 != 0 {
            c["ZIP_CODE"] = json!(zip);
        }
        let a = s.call("customer-contact-create", c.clone());
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
        records.push(c);
    }
    let criteria = [
        ("STATE", "CA"),
        ("STATE", "IN"),
        ("STATE", "<>CA"),
        ("STATE", ""),
        ("STATE", "IN 'CA','NV'"),
        ("STATE", "IN CA,ca"),
        ("STATE", ">M"),
        ("STATE", "BETWEEN A AND N"),
        ("ZIP_CODE", "10"),
        ("ZIP_CODE", "<100"),
        ("ZIP_CODE", ">=10"),
        ("ZIP_CODE", "BETWEEN 9 AND 100"),
        ("ZIP_CODE", "<>10"),
        ("ZIP_CODE", ">abc"),
        ("ZIP_CODE", "<=2016-01-01"),
        ("ZIP_CODE", ""),
        ("ZIP_CODE", "IN 9,95112,abc"),
    ];
    let read = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    for (field, text) in criteria {
        let c = Criterion::parse(text).unwrap();
        let mut want: Vec<String> = records
            .iter()
            .filter(|r| c.matches(&read(r, field)))
            .map(|r| read(r, "CUST_CONTACT"))
            .collect();
        // Only the records this test made (the demo has none).
        want.sort();
        let a = s.call("customer-contact-query", json!({ field: text }));
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
        let mut got: Vec<String> = a
            .json()
            .as_array()
            .expect("a list")
            .iter()
            .map(|r| read(r, "CUST_CONTACT"))
            .collect();
        got.sort();
        assert_eq!(got, want, "{field}: {text:?}");
    }
    // Two criteria at once.
    let a = s.call("customer-contact-query", json!({"STATE": "CA", "ZIP_CODE": "<100"}));
    let got = a.json().as_array().unwrap().len();
    let want = records
        .iter()
        .filter(|r| read(r, "STATE") == "CA" && Criterion::parse("<100").unwrap().matches(&read(r, "ZIP_CODE")))
        .count();
    assert_eq!(got, want);
}

/// A database written before the index existed (or with other indexed
/// fields) is re-indexed on start.
#[test]
fn a_database_without_the_index_is_reindexed_on_start() {
    let db = std::env::temp_dir().join(format!(
        "erpspec-reference-reindex-{}-{}.sqlite",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let config = || {
        let mut c = reference::Config::new("manex");
        c.credentials = common::credentials("manex");
        c.db = Some(db.clone());
        c
    };
    let running = reference::spawn(config()).expect("server starts");
    let add = json!({"Custname": "Before The Index", "Status": "Active"}).to_string();
    let a = send(
        running.addr,
        "POST",
        &format!("/API/Customer/Add/{MANEX_KEY}"),
        &[("Content-Type", "application/json")],
        add.as_bytes(),
    );
    assert_eq!(a.json()["Code"], json!(200));
    drop(running);
    // What an older server left: records, and no fields rows.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DELETE FROM fields; DELETE FROM meta WHERE name LIKE 'index:%';")
        .unwrap();
    drop(conn);
    let running = reference::spawn(config()).expect("server restarts");
    let a = send(
        running.addr,
        "GET",
        &format!("/API/Customer/Get/{MANEX_KEY}?CustNumOrName=Before%20The%20Index"),
        &[],
        b"",
    );
    assert_eq!(a.json()["Code"], json!(200), "{}", a.json());
    drop(running);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}
