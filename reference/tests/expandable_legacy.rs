//! Expandable's older generation over real HTTP: the token comes back in the
//! login's `AuthToken` response header and travels in the `AuthToken`
//! request header; tokens expire with their own answer once the server is
//! given a lifetime (`--token-lifetime`), and the fault switch that keeps
//! them alive is seen.

mod common;
use common::{Answer, Auth, send, start, start_with};
use serde_json::{Value, json};
use std::time::Duration;

const API: &str = "expandable-legacy";

fn login(addr: std::net::SocketAddr) -> Answer {
    let body = json!({"DataSource": "DEMO", "UserName": "DEMO", "Password": "esi"});
    send(
        addr,
        "POST",
        "/api/Security/Login",
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn contact_query(addr: std::net::SocketAddr, token: Option<&str>) -> Answer {
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(t) = token {
        headers.push(("AuthToken", t));
    }
    send(
        addr,
        "POST",
        "/api/CustomerContact/Query",
        &headers,
        br#"{"CUSTOMER_ID": "ABCCORP"}"#,
    )
}

fn assert_refused(a: &Answer, status: u16, message: &str) {
    assert_eq!(a.status, status, "{}", String::from_utf8_lossy(&a.body));
    let b = a.json();
    assert_eq!(b["Message"], json!(message), "{b}");
    assert!(b.get("MessageCode").is_some(), "{b}");
}

#[test]
fn the_login_answers_with_the_token_in_its_authtoken_header() {
    let s = start(API, &[]);
    let a = login(s.addr);
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    let token = a.header("AuthToken").expect("an AuthToken header").to_string();
    assert!(!token.is_empty());
    // The body is not documented; the server sends the least a client reads.
    assert_eq!(a.json(), json!({}));
    let q = contact_query(s.addr, Some(&token));
    assert_eq!(q.status, 200, "{}", String::from_utf8_lossy(&q.body));
    assert!(q.json().is_array());
    // The token in the body (the new generation's way) is not a credential here.
    let in_body = send(
        s.addr,
        "POST",
        "/api/CustomerContact/Query",
        &[("Content-Type", "application/json")],
        json!({"CUSTOMER_ID": "ABCCORP", "AUTH_TOKEN": token}).to_string().as_bytes(),
    );
    assert_refused(&in_body, 401, "AuthToken was not provided.");
}

#[test]
fn the_documented_401s_have_no_space_in_authtoken() {
    let mut s = start(API, &[]);
    let body = json!({"CUSTOMER_ID": "ABCCORP"});
    assert_refused(
        &s.call_as("customer-contact-query", &body, Auth::None),
        401,
        "AuthToken was not provided.",
    );
    assert_refused(
        &s.call_as("customer-contact-query", &body, Auth::Malformed),
        401,
        "AuthToken is malformed.",
    );
    assert_refused(
        &s.call_as("customer-contact-query", &body, Auth::Wrong),
        401,
        "AuthToken login failure.",
    );
}

#[test]
fn a_token_past_the_configured_lifetime_gets_the_expired_answer_and_a_new_login_works() {
    let s = start_with(API, &[], |c| c.token_lifetime = Some(Duration::from_millis(300)));
    let token = login(s.addr).header("AuthToken").expect("token").to_string();
    assert_eq!(contact_query(s.addr, Some(&token)).status, 200);
    std::thread::sleep(Duration::from_millis(450));
    assert_refused(&contact_query(s.addr, Some(&token)), 401, "AuthToken is expired.");
    let fresh = login(s.addr).header("AuthToken").expect("token").to_string();
    assert_eq!(contact_query(s.addr, Some(&fresh)).status, 200);
}

#[test]
fn without_a_lifetime_tokens_do_not_expire_and_the_fault_switch_keeps_expired_ones() {
    let s = start(API, &[]);
    let token = login(s.addr).header("AuthToken").expect("token").to_string();
    std::thread::sleep(Duration::from_millis(350));
    assert_eq!(contact_query(s.addr, Some(&token)).status, 200);

    let s = start_with(API, &["auth-accept-expired"], |c| {
        c.token_lifetime = Some(Duration::from_millis(100))
    });
    let token = login(s.addr).header("AuthToken").expect("token").to_string();
    std::thread::sleep(Duration::from_millis(250));
    let a = contact_query(s.addr, Some(&token));
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert!(matches!(a.json(), Value::Array(_)));
}
