//! Bad input on every endpoint of every vendor: oversized bodies, invalid
//! UTF-8, deeply nested JSON, wrong content types, huge numbers. Each gets
//! the vendor's error shape (its error envelope, or a catalogue entry's own
//! body), never a 5xx, a panic or a hang; the server keeps serving.

mod common;
use common::{Server, keys, send_raw, start};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// What is sent, its headers and body.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<u8>);

/// The key sets an error answer of this vendor may have.
fn error_shapes(s: &Server) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    out.insert(keys(&s.vendor.envelopes.error.body.to_value()));
    for e in &s.vendor.errors {
        if let Some(b) = &e.body {
            out.insert(keys(&b.to_value()));
        }
    }
    out
}

fn assert_refused(s: &Server, what: &str, a: &common::Answer) {
    assert!(
        a.status < 500,
        "{} {what}: status {} {}",
        s.vendor.name,
        a.status,
        String::from_utf8_lossy(&a.body)
    );
    let body: Value = serde_json::from_slice(&a.body).unwrap_or_else(|e| panic!("{what}: not JSON ({e})"));
    assert!(
        error_shapes(s).contains(&keys(&body)),
        "{} {what}: not an error shape: {body}",
        s.vendor.name
    );
    assert!(
        a.header("content-type").is_some_and(|c| c.starts_with("application/json")),
        "{what}: content type"
    );
}

fn still_serving(s: &mut Server) {
    // The login or a read of a demo record still works.
    let (id, body) = match s.vendor.name.as_str() {
        "expandable" | "expandable-legacy" => ("customer-contact-query", json!({"CUSTOMER_ID": "ABCCORP"})),
        "manex" => ("customer-get", json!({"CustNumOrName": "Customer"})),
        _ => ("customer", json!({"CustomerID": 10023})),
    };
    let a = s.call(id, body);
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
}

#[test]
fn every_endpoint_refuses_bad_bodies_with_the_vendors_error_shape() {
    for api in common::vendors() {
        let api = api.as_str();
        let mut s = start(api, &[]);
        let endpoints: Vec<String> = s.vendor.endpoints.iter().map(|e| e.id.clone()).collect();
        let deep_array = "[".repeat(100_000);
        let deep_object = "{\"a\":".repeat(20_000) + "1" + &"}".repeat(20_000);
        let oversized = format!("{{\"NOTES\":\"{}\"}}", "x".repeat(reference::MAX_BODY_BYTES + 10));
        let json_ct = [("Content-Type", "application/json")];
        for id in &endpoints {
            let cases: Vec<Case> = vec![
                ("invalid JSON", json_ct.to_vec(), b"{\"a\": ".to_vec()),
                ("invalid UTF-8", json_ct.to_vec(), b"{\"CUSTOMER_ID\": \"\xff\xfe\"}".to_vec()),
                ("deeply nested array", json_ct.to_vec(), deep_array.clone().into_bytes()),
                ("deeply nested object", json_ct.to_vec(), deep_object.clone().into_bytes()),
                (
                    "a number out of range",
                    json_ct.to_vec(),
                    b"{\"CustomerID\": 1e400, \"Credlimit\": 1e400}".to_vec(),
                ),
                ("not an object", json_ct.to_vec(), b"[1, 2, 3]".to_vec()),
                (
                    "XML",
                    vec![("Content-Type", "application/xml")],
                    b"<Customer><Name>A</Name></Customer>".to_vec(),
                ),
                (
                    "multipart",
                    vec![("Content-Type", "multipart/form-data; boundary=x")],
                    b"--x\r\n\r\n--x--".to_vec(),
                ),
                ("oversized", json_ct.to_vec(), oversized.clone().into_bytes()),
            ];
            for (what, headers, body) in cases {
                let a = s.call_raw(id, "POST", &headers, &body);
                assert_refused(&s, &format!("{id}: {what}"), &a);
            }
        }
        // A body larger than the limit, sent chunked (no Content-Length).
        let target = s.target(&s.endpoint(&endpoints[0]).clone(), s.creds.get("API_KEY").map(String::as_str));
        let mut req = format!(
            "POST {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
        )
        .into_bytes();
        let chunk = "x".repeat(64 * 1024);
        for _ in 0..20 {
            req.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
        }
        req.extend_from_slice(b"0\r\n\r\n");
        let a = send_raw(s.addr, &req);
        assert_refused(&s, "chunked oversized body", &a);
        still_serving(&mut s);
    }
}

#[test]
fn huge_numbers_in_schema_valid_places_are_stored_or_refused_but_never_fail() {
    let mut s = start("manex", &[]);
    // Schema-valid: a number >= 0. Stored as given.
    let a = s.call("customer-add", json!({"Custname": "Big", "Status": "Active", "Credlimit": 1.0e308}));
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["Code"], json!(200));
    assert_eq!(a.json()["ResponseObject"]["CREDLIMIT"], json!(1.0e308));
    let a = s.call_query(
        "customer-add",
        "?Custname=Big2&Status=Active&Credlimit=99999999999999999999999999999999",
    );
    assert_eq!(a.json()["Code"], json!(200), "{}", a.json());
    let a = s.call_query("customer-add", "?Custname=Big3&Status=Active&Credlimit=1e999");
    assert_eq!(a.json()["Code"], json!(403), "an infinite limit is not a number: {}", a.json());

    let mut s = start("rpm", &[]);
    // An id beyond 64 bits is not an integer the API can hold: refused.
    let a = s.call_raw("customer", "POST", &[], b"{\"CustomerID\": 123456789012345678901234567890}");
    assert_refused(&s, "huge id", &a);
    let a = s.call_raw(
        "customer-contact-add",
        "POST",
        &[],
        b"{\"CustomerID\": 10023, \"Contact\": {\"PhoneNumbers\": [{\"Type\": 18446744073709551617}]}}",
    );
    assert_refused(&s, "huge phone type", &a);
    still_serving(&mut s);
}

#[test]
fn query_strings_that_are_not_utf8_are_refused() {
    let mut s = start("manex", &[]);
    let a = s.call_query("customer-get", "?CustNumOrName=%ff%fe");
    assert_refused(&s, "query %ff", &a);
    let a = s.call_query("customer-add", "?Custname=%C3%A9t%C3%A9&Status=Active");
    // ManEx may pad text columns: compared after trimming, as the docs say.
    assert_eq!(a.json()["ResponseObject"]["CUSTNAME"].as_str().map(str::trim_end), Some("été"));
}

#[test]
fn form_bodies_and_curl_defaults() {
    // `curl -d '{...}'` sends application/x-www-form-urlencoded: read as JSON.
    let mut s = start("rpm", &[]);
    let a = s.call_raw(
        "customer",
        "POST",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"{\"CustomerID\": 10023}",
    );
    assert_eq!(a.json()["Result"]["CustomerID"], json!(10023));
    // A dialect that takes query parameters also reads a form body.
    let mut s = start("manex", &[]);
    let a = s.call_raw(
        "customer-get",
        "POST",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"CustNumOrName=Customer",
    );
    assert_eq!(a.json()["Code"], json!(200), "{}", a.json());
}

#[test]
fn a_client_that_never_sends_its_body_is_answered_not_waited_for() {
    for api in common::vendors() {
        let api = api.as_str();
        let mut config = reference::Config::new(api);
        config.credentials = common::credentials(api);
        config.body_timeout = std::time::Duration::from_millis(300);
        let running = reference::spawn(config).expect("server starts");
        let s = start(api, &[]);
        let ep = s.vendor.endpoints[0].clone();
        let target = s.target(&ep, s.creds.get("API_KEY").map(String::as_str));
        // Promises 100 bytes, sends 2, and keeps the connection open.
        let mut stream = std::net::TcpStream::connect(running.addr).unwrap();
        use std::io::{Read, Write};
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let mut head = format!("POST {target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n");
        if let Some(k) = s.creds.get("API_KEY") {
            head.push_str(&format!("RpmApiKey: {k}\r\n"));
        }
        head.push_str("\r\n{\"");
        stream.write_all(head.as_bytes()).unwrap();
        let started = std::time::Instant::now();
        let mut buf = [0u8; 4096];
        let n = stream.read(&mut buf).expect("an answer before the read timeout");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(text.starts_with("HTTP/1.1 "), "{text}");
        let status: u16 = text[9..12].parse().unwrap();
        assert!(status < 500, "{api}: {text}");
    }
}

#[test]
fn an_idle_keep_alive_connection_does_not_keep_a_stopping_server_alive() {
    let s = start("rpm", &[]);
    let idle = std::net::TcpStream::connect(s.addr).unwrap();
    let started = std::time::Instant::now();
    drop(s);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "stopping took {:?}",
        started.elapsed()
    );
    drop(idle);
}
