//! Expandable over real HTTP: Auth Token, Get; Customer Contact create,
//! update, query; Customer Part create and delete; the documented 400, 401,
//! 405 and 500 answers; a create/update/read round trip.

mod common;
use common::{Auth, keys, send, start};
use serde_json::{Value, json};

fn assert_error(a: &common::Answer, status: u16, message: Option<&str>) {
    assert_eq!(a.status, status, "{}", String::from_utf8_lossy(&a.body));
    let b = a.json();
    assert_eq!(keys(&b), vec!["MESSAGE", "MESSAGE_CODE"], "{b}");
    if let Some(m) = message {
        assert_eq!(b["MESSAGE"], json!(m));
    }
}

const AUTHENTICATED: [&str; 5] = [
    "customer-contact-create",
    "customer-contact-update",
    "customer-contact-query",
    "customer-part-create",
    "customer-part-delete",
];

/// DATA_SOURCE's list (ESI, ESICAN, DEMO) is the demo site's: a server
/// configured with another data source (the docs' own example EXPANDABLE,
/// the test servers' credential) logs in with it, and one configured with a
/// listed data source logs in with that; any other value is refused, whether
/// listed or not (the site rule's 500, or a failed login's).
#[test]
fn the_data_source_list_is_the_sites_and_never_locks_out_the_configured_one() {
    let login = |addr, ds: &str| {
        let body = json!({"DATA_SOURCE": ds, "USER_NAME": "APIUSER", "PASSWORD": "password"});
        send(
            addr,
            "POST",
            "/api/auth-token-get",
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    };
    let mut config = reference::Config::new("expandable");
    config.credentials = [("DATA_SOURCE", "DEMO"), ("USER_NAME", "APIUSER"), ("PASSWORD", "password")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let demo = reference::spawn(config).expect("server starts");
    assert_eq!(login(demo.addr, "DEMO").status, 200);
    for other in ["ESI", "EXPANDABLE", "NOT-A-SOURCE"] {
        assert_error(&login(demo.addr, other), 500, None);
    }
    let s = start("expandable", &[]);
    assert_eq!(
        login(s.addr, "EXPANDABLE").status,
        200,
        "the configured data source, outside the list"
    );
    for other in ["DEMO", "NOT-A-SOURCE"] {
        assert_error(&login(s.addr, other), 500, None);
    }
}

#[test]
fn auth_token_get_issues_tokens_for_the_configured_credentials() {
    let s = start("expandable", &[]);
    let login = json!({"DATA_SOURCE": "EXPANDABLE", "USER_NAME": "APIUSER", "PASSWORD": "password"});
    let a = send(
        s.addr,
        "POST",
        "/api/auth-token-get",
        &[("Content-Type", "application/json")],
        login.to_string().as_bytes(),
    );
    assert_eq!(a.status, 200);
    let b = a.json();
    assert_eq!(keys(&b), vec!["AUTH_TOKEN"]);
    let t1 = b["AUTH_TOKEN"].as_str().unwrap().to_string();
    assert_eq!(t1.len(), 32);
    let a = send(s.addr, "POST", "/api/auth-token-get", &[], login.to_string().as_bytes());
    assert_ne!(a.json()["AUTH_TOKEN"].as_str().unwrap(), t1, "every login gets its own token");

    // Wrong credentials and missing fields: "500/(Error Message)", never a 401.
    for bad in [
        json!({"DATA_SOURCE": "DEMO", "USER_NAME": "APIUSER", "PASSWORD": "password"}),
        json!({"DATA_SOURCE": "EXPANDABLE", "USER_NAME": "APIUSER", "PASSWORD": "wrong"}),
        json!({"DATA_SOURCE": "EXPANDABLE", "USER_NAME": "APIUSER"}),
        json!({}),
    ] {
        let a = send(s.addr, "POST", "/api/auth-token-get", &[], bad.to_string().as_bytes());
        assert_error(&a, 500, None);
    }
    assert_error(
        &send(s.addr, "GET", "/api/auth-token-get", &[], b""),
        405,
        Some("Request method must be POST."),
    );
    assert_error(
        &send(s.addr, "POST", "/api/auth-token-get", &[], b"{\"DATA_SOURCE\":"),
        400,
        Some("Request JSON is invalid."),
    );
}

#[test]
fn the_three_documented_401s_on_every_business_endpoint() {
    let mut s = start("expandable", &[]);
    for id in AUTHENTICATED {
        let body = json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "X", "PART_ID": "PUMP002", "CUST_PART_ID": "X", "E_MAIL": "e"});
        assert_error(&s.call_as(id, &body, Auth::None), 401, Some("Auth Token was not provided."));
        assert_error(&s.call_as(id, &body, Auth::Malformed), 401, Some("Auth Token is malformed."));
        assert_error(&s.call_as(id, &body, Auth::Wrong), 401, Some("Auth Token login failure."));
        // An empty token (as the docs' examples show it) was not provided.
        let mut with_empty = body.clone();
        with_empty["AUTH_TOKEN"] = json!("");
        let a = send(s.addr, "POST", &format!("/api/{id}"), &[], with_empty.to_string().as_bytes());
        assert_error(&a, 401, Some("Auth Token was not provided."));
        // A token that is not a string is malformed.
        with_empty["AUTH_TOKEN"] = json!(12345);
        let a = send(s.addr, "POST", &format!("/api/{id}"), &[], with_empty.to_string().as_bytes());
        assert_error(&a, 401, Some("Auth Token is malformed."));
        for m in ["GET", "PUT", "DELETE", "PATCH", "TRACE"] {
            let a = s.call_method(id, m, &body, Auth::Valid);
            assert_error(&a, 405, Some("Request method must be POST."));
            let allow = a
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("allow"))
                .map(|(_, v)| v.as_str());
            assert_eq!(allow, Some("POST"), "RFC 9110: a 405 lists the methods allowed");
        }
        let a = send(
            s.addr,
            "POST",
            &format!("/api/{id}"),
            &[("Content-Type", "application/json")],
            b"{not json",
        );
        assert_error(&a, 400, Some("Request JSON is invalid."));
    }
}

#[test]
fn contact_create_returns_the_full_record() {
    let mut s = start("expandable", &[]);
    let a = s.call(
        "customer-contact-create",
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "MSMITH", "FIRST_NAME": "Mary", "LAST_NAME": "Smith", "PHONE_NO": "408-555-1313", "NOTES": "Notes can be up to 32,765 characters long.", "ATTACHMENTS": "http://www.expandable.com/|C:\\Expandable.docx"}),
    );
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    let b = a.json();
    assert_eq!(b["FIRST_NAME"], json!("Mary"));
    assert_eq!(b["CONTACT_STATUS"], json!(""), "fields not written read as empty strings");
    assert_eq!(b["SOFCT_USER_16"], json!(""));
    assert_eq!(b["CREATED_BY"], json!("APIUSER"), "audit fields name the logged-in user");
    assert!(b["DATE_CREATED"].as_str().unwrap().starts_with("20"));
    assert!(b.get("AUTH_TOKEN").is_none(), "the token is not part of the record");
    assert_eq!(b.as_object().unwrap().len(), 47, "{} members", b.as_object().unwrap().len());
}

#[test]
fn contact_create_failures() {
    let mut s = start("expandable", &[]);
    // The docs' example contact: created on a fresh server, then a duplicate.
    let example = json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ"});
    assert_eq!(s.call("customer-contact-create", example.clone()).status, 200);
    assert_error(&s.call("customer-contact-create", example), 500, None);
    assert_error(&s.call("customer-contact-create", json!({"CUST_CONTACT": "A"})), 500, None);
    assert_error(&s.call("customer-contact-create", json!({"CUSTOMER_ID": "ABCCORP"})), 500, None);
    // The pages do not say an unknown customer is refused, so it is not.
    let a = s.call("customer-contact-create", json!({"CUSTOMER_ID": "NEWCORP", "CUST_CONTACT": "A"}));
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_error(
        &s.call("customer-contact-create", json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": 7})),
        500,
        None,
    );
    // NOTES: 32,765 characters (counted as characters, not bytes) pass; one more does not.
    let at = "é".to_string() + &"x".repeat(32_764);
    let a = s.call(
        "customer-contact-create",
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "NOTES1", "NOTES": at}),
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["NOTES"].as_str().unwrap().chars().count(), 32_765);
    let past = at + "é";
    assert_error(
        &s.call(
            "customer-contact-create",
            json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "NOTES2", "NOTES": past}),
        ),
        500,
        None,
    );
}

#[test]
fn contact_update_and_query() {
    let mut s = start("expandable", &[]);
    // The docs' create example, then its update example.
    let created = s.call(
        "customer-contact-create",
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ", "FIRST_NAME": "Joseph", "LAST_NAME": "Hernandez", "PHONE_NO": "408-555-1212"}),
    );
    assert_eq!(created.status, 200, "{}", String::from_utf8_lossy(&created.body));
    let a = s.call(
        "customer-contact-update",
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ", "E_MAIL": "jhernandez@abccorp.com", "NOTES": "Notes can be up to 32,765 characters long.", "ATTACHMENTS": "http://www.expandable.com/|C:\\Expandable.docx"}),
    );
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.json()["E_MAIL"], json!("jhernandez@abccorp.com"));
    assert_eq!(a.json()["FIRST_NAME"], json!("Joseph"), "fields not sent are kept");
    // "(at least one field to update)"
    assert_error(
        &s.call(
            "customer-contact-update",
            json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ"}),
        ),
        500,
        None,
    );
    assert_error(
        &s.call(
            "customer-contact-update",
            json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "NOBODY", "E_MAIL": "x"}),
        ),
        500,
        None,
    );
    assert_error(
        &s.call("customer-contact-update", json!({"CUST_CONTACT": "JHERNANDEZ", "E_MAIL": "x"})),
        500,
        None,
    );

    // Query: a list; the docs' example matches nothing here.
    let a = s.call("customer-contact-query", json!({"COUNTRY": "US", "STATE": "IN 'CA','NV'"}));
    assert_eq!(a.status, 200);
    assert_eq!(a.json(), json!([]));
    let a = s.call(
        "customer-contact-query",
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ"}),
    );
    let list = a.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["E_MAIL"], json!("jhernandez@abccorp.com"));
    assert_eq!(list[0]["NOTES"], json!("Notes can be up to 32,765 characters long."));
    // "(at least one field to be used as query criteria)"
    assert_error(&s.call("customer-contact-query", json!({})), 500, None);
}

#[test]
fn part_create_and_delete() {
    let mut s = start("expandable", &[]);
    let key = json!({"PART_ID": "PUMP002", "CUSTOMER_ID": "ABCCORP", "CUST_PART_ID": "SMALL-PUMP"});
    let mut create = key.clone();
    create["SO_DESC"] = json!("Pump, Hydraulic, 1200 psi");
    let a = s.call("customer-part-create", create.clone());
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.json()["SO_DESC"], json!("Pump, Hydraulic, 1200 psi"));
    assert_eq!(a.json()["SOFCP_USER_14"], json!(""));
    assert_error(&s.call("customer-part-create", create), 500, None);
    // Nor an unknown part.
    let a = s.call(
        "customer-part-create",
        json!({"PART_ID": "PUMP003", "CUSTOMER_ID": "ABCCORP", "CUST_PART_ID": "X"}),
    );
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_error(
        &s.call("customer-part-create", json!({"PART_ID": "PUMP002", "CUSTOMER_ID": "ABCCORP"})),
        500,
        None,
    );
    // Delete: "Returned JSON contains nothing."
    let a = s.call("customer-part-delete", key.clone());
    assert_eq!(a.status, 200);
    assert_eq!(a.json(), json!({}));
    assert_error(&s.call("customer-part-delete", key), 500, None);
    // The docs' create example, then its delete example.
    let a = s.call(
        "customer-part-create",
        json!({"PART_ID": "PUMP002", "CUSTOMER_ID": "ABCCORP", "CUST_PART_ID": "LARGE-HYDRAULIC-PUMP"}),
    );
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    let a = s.call(
        "customer-part-delete",
        json!({"PART_ID": "PUMP002", "CUSTOMER_ID": "ABCCORP", "CUST_PART_ID": "LARGE-HYDRAULIC-PUMP"}),
    );
    assert_eq!(a.json(), json!({}));
    assert_error(
        &s.call("customer-part-delete", json!({"PART_ID": "PUMP002", "CUSTOMER_ID": "ABCCORP"})),
        500,
        None,
    );
}

#[test]
fn create_update_read_round_trip() {
    let mut s = start("expandable", &[]);
    let a = s.call(
        "customer-contact-create",
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "RT1", "FIRST_NAME": "Ruth", "CITY": "Fort Wayne"}),
    );
    assert_eq!(a.status, 200);
    let a = s.call(
        "customer-contact-update",
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "RT1", "CITY": "Indianapolis", "STATE": "IN"}),
    );
    assert_eq!(a.status, 200);
    let a = s.call("customer-contact-query", json!({"CUST_CONTACT": "RT1"}));
    let list = a.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["FIRST_NAME"], json!("Ruth"));
    assert_eq!(list[0]["CITY"], json!("Indianapolis"));
    assert_eq!(list[0]["STATE"], json!("IN"));
    let a = s.call("customer-contact-query", json!({"CITY": "Fort Wayne"}));
    assert_eq!(a.json(), Value::Array(vec![]));
}

#[test]
fn unknown_calls_are_refused_with_the_error_body() {
    let s = start("expandable", &[]);
    let a = send(s.addr, "POST", "/api/customer-create", &[], b"{}");
    assert_error(&a, 404, None);
    let a = send(s.addr, "POST", "/API/customer-contact-create", &[], b"{}");
    assert_error(&a, 404, None);
}

/// The `CUST_CONTACT`s of a query answer, sorted.
fn contacts(a: &common::Answer) -> Vec<String> {
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    let mut names: Vec<String> = a
        .json()
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {}", a.json()))
        .iter()
        .map(|r| r["CUST_CONTACT"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn query_criteria_use_query_by_example_notation() {
    let mut s = start("expandable", &[]);
    for c in [
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "QBE-CA", "COUNTRY": "US", "STATE": "CA", "ZIP_CODE": "95112", "SOFCT_USER_1": "9"}),
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "QBE-IN", "COUNTRY": "US", "STATE": "IN", "ZIP_CODE": "46204", "SOFCT_USER_1": "50"}),
        // No STATE, ZIP_CODE or SOFCT_USER_1: absent values read as "".
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "QBE-NONE"}),
    ] {
        assert_eq!(s.call("customer-contact-create", c).status, 200);
    }
    let mut query = |criteria: Value| contacts(&s.call("customer-contact-query", criteria));

    // The docs' example, and the same list unquoted.
    assert_eq!(query(json!({"COUNTRY": "US", "STATE": "IN 'CA','NV'"})), ["QBE-CA"]);
    assert_eq!(query(json!({"COUNTRY": "US", "STATE": "IN CA,IN"})), ["QBE-CA", "QBE-IN"]);
    // A value without an operator is equality: "IN" is Indiana, not a list.
    assert_eq!(query(json!({"STATE": "IN"})), ["QBE-IN"]);
    assert_eq!(query(json!({"STATE": "ca"})), Vec::<String>::new());
    // Not equal.
    assert_eq!(query(json!({"COUNTRY": "US", "STATE": "<>CA"})), ["QBE-IN"]);
    assert_eq!(query(json!({"STATE": "<>CA"})), ["QBE-IN", "QBE-NONE"]);
    // Between (both ends included), and numbers compare as numbers: "9" is
    // below 10 although the text "9" sorts after "10".
    assert_eq!(query(json!({"ZIP_CODE": "BETWEEN 40000 AND 50000"})), ["QBE-IN"]);
    assert_eq!(query(json!({"ZIP_CODE": "BETWEEN 46204 AND 95112"})), ["QBE-CA", "QBE-IN"]);
    assert_eq!(query(json!({"SOFCT_USER_1": "BETWEEN 10 AND 100"})), ["QBE-IN"]);
    assert_eq!(query(json!({"COUNTRY": "US", "SOFCT_USER_1": "<10"})), ["QBE-CA"]);
    // An absent value reads as "" (as the record reads back), which is text below any number.
    assert_eq!(query(json!({"SOFCT_USER_1": "<10"})), ["QBE-CA", "QBE-NONE"]);
    assert_eq!(query(json!({"ZIP_CODE": ">50000", "COUNTRY": "US"})), ["QBE-CA"]);
    assert_eq!(query(json!({"ZIP_CODE": ">=46204", "STATE": "<=IN"})), ["QBE-CA", "QBE-IN"]);
    // Every criterion must match.
    assert_eq!(query(json!({"STATE": "IN 'CA','NV'", "ZIP_CODE": "<50000"})), Vec::<String>::new());
    // An IN list of any length is answered (SQLite's expression depth, 1,000,
    // is the store's business, never the client's).
    for n in [1_000, 20_000] {
        let list: Vec<String> = (0..n).map(|i| format!("'S{i}'")).chain(["'IN'".to_string()]).collect();
        let criteria = json!({"STATE": format!("IN {}", list.join(","))});
        assert_eq!(query(criteria), ["QBE-IN"], "an IN list of {n} items");
    }

    // A BETWEEN or IN that does not parse is refused, not read as text.
    for bad in ["BETWEEN 10", "IN ", "IN 'CA"] {
        let a = s.call("customer-contact-query", json!({"STATE": bad}));
        assert_error(&a, 500, None);
        let m = a.json()["MESSAGE"].as_str().unwrap().to_string();
        assert!(m.starts_with("STATE: ") && m.contains(bad.trim_end()), "{m}");
    }
}

/// Waits until the server's clock (to the second) has moved past `t`.
fn wait_past(t: &str) {
    while reference::util::now_iso().as_str() <= t {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn an_update_refreshes_the_modified_fields_and_keeps_the_created_ones() {
    let mut s = start("expandable", &[]);
    const CREATED: [&str; 2] = ["CREATED_BY", "DATE_CREATED"];
    const MODIFIED: [&str; 5] = ["MODIFIED_BY", "DATE_MODIFIED", "OPERATOR_ID", "DATE_LAST_UPDT", "TIME_LAST_UPDT"];
    // The docs' create example, stored by the logged-in user.
    let created = s.call(
        "customer-contact-create",
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ"}),
    );
    assert_eq!(created.status, 200, "{}", String::from_utf8_lossy(&created.body));
    let before = contacts_record(&mut s, "JHERNANDEZ");
    for f in CREATED.iter().chain(&MODIFIED) {
        let want = if f.contains("DATE") || f.contains("TIME") {
            "20"
        } else {
            "APIUSER"
        };
        assert!(before[f].as_str().unwrap().starts_with(want), "{f}: {}", before[f]);
    }
    wait_past(before["DATE_MODIFIED"].as_str().unwrap());

    // The docs' update example, plus an audit value the update does not declare.
    let a = s.call(
        "customer-contact-update",
        json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ", "E_MAIL": "jhernandez@abccorp.com", "DATE_MODIFIED": "2000-01-01"}),
    );
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    let after = a.json();
    for f in CREATED {
        assert_eq!(after[f], before[f], "{f} keeps its create-time value");
    }
    assert_eq!(after["MODIFIED_BY"], json!("APIUSER"));
    assert_eq!(after["OPERATOR_ID"], json!("APIUSER"));
    for f in ["DATE_MODIFIED", "DATE_LAST_UPDT", "TIME_LAST_UPDT"] {
        let (old, new) = (before[f].as_str().unwrap(), after[f].as_str().unwrap());
        assert!(new > old, "{f}: {old} -> {new}");
    }
    assert_eq!(contacts_record(&mut s, "JHERNANDEZ"), after, "the refreshed values are stored");

    // A create sets both kinds to the same moment and user.
    let a = s.call("customer-contact-create", json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "NEW1"}));
    let created = a.json();
    assert_eq!(created["CREATED_BY"], json!("APIUSER"));
    assert_eq!(created["MODIFIED_BY"], json!("APIUSER"));
    assert_eq!(created["DATE_MODIFIED"], created["DATE_CREATED"]);
}

/// One contact as the query endpoint reads it.
fn contacts_record(s: &mut common::Server, contact: &str) -> Value {
    let a = s.call("customer-contact-query", json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": contact}));
    let list = a.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    list[0].clone()
}

/// Tokens live in the database; a restart with the same password keeps them
/// good, a restart with a new password (a reset) ends them all.
#[test]
fn a_changed_credential_revokes_the_tokens_issued_before() {
    let db = std::env::temp_dir().join(format!("erpspec-revoke-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let with_db = |password: Option<&str>| {
        let db = db.clone();
        let password = password.map(str::to_string);
        common::start_with("expandable", &[], move |c| {
            c.db = Some(db);
            if let Some(p) = password {
                c.credentials.insert("PASSWORD".into(), p);
            }
        })
    };
    let token = with_db(None).token();
    let query = json!({"CUSTOMER_ID": "ABCCORP"});

    let mut same = with_db(None);
    same.use_token(&token);
    let a = same.call("customer-contact-query", query.clone());
    assert_ne!(a.status, 401, "{}", String::from_utf8_lossy(&a.body));
    drop(same);

    let mut reset = with_db(Some("a-new-password"));
    reset.use_token(&token);
    assert_error(&reset.call("customer-contact-query", query), 401, None);
    let _ = std::fs::remove_file(&db);
}
