//! The typed clients against the reference server: each vendor's dialect
//! (ManEx's key in the path, RPM's header, Expandable's login and token in
//! the body) handled inside, successes read into the answer types and
//! documented refusals into the vendor's `Error`.

use erpspec_generated::{ClientError, Credentials, expandable, manex, rpm};
use serde_json::json;
use std::collections::BTreeMap;

fn server(api: &str, credentials: &[(&str, &str)]) -> reference::Running {
    let mut config = reference::Config::new(api);
    config.credentials = credentials
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect::<BTreeMap<_, _>>();
    reference::spawn(config).expect("the reference server starts")
}

/// The server runs on its own runtime; the client on this one.
fn run(f: impl std::future::Future<Output = ()>) {
    tokio::runtime::Runtime::new().expect("a runtime").block_on(f)
}

fn url(s: &reference::Running) -> String {
    format!("http://{}", s.addr)
}

#[test]
fn manex_creates_reads_back_and_gets_typed_refusals() {
    let s = server("manex", &[("API_KEY", "K123456789")]);
    run(async {
        let client = manex::Client::new(&url(&s), Credentials::from_iter([("API_KEY", "K123456789")]));
        let add = manex::customer_add::Request::parse(&json!({"Custname": "Typed Client Inc", "Status": "Active"})).unwrap();
        let added = client.customer_add(&add).await.expect("added");
        let custno = added.custno.clone().expect("a customer number");
        let get = manex::customer_get::Request::parse(&json!({"CustNumOrName": custno})).unwrap();
        let read = client.customer_get(&get).await.expect("read back");
        assert_eq!(read.custname.as_deref().map(str::trim_end), Some("Typed Client Inc"));

        let missing = manex::customer_get::Request::parse(&json!({"CustNumOrName": "9999999999"})).unwrap();
        match client.customer_get(&missing).await {
            Err(ClientError::Refused(manex::Error::CustomerDoesNotExist { message })) => assert_eq!(message, "Customer does not exists."),
            other => panic!("{other:?}"),
        }
        let wrong = manex::Client::new(&url(&s), Credentials::from_iter([("API_KEY", "Z999999999")]));
        match wrong.customer_get(&get).await {
            Err(ClientError::Refused(manex::Error::InvalidApiKey { .. })) => {}
            other => panic!("{other:?}"),
        }
        let shown = format!("{wrong:?}");
        assert!(shown.contains("API_KEY") && !shown.contains("Z999999999"), "{shown}");
    });
}

#[test]
fn rpm_presents_its_header_and_reads_nested_answers() {
    let s = server("rpm", &[("API_KEY", "RpmKey12345")]);
    run(async {
        let client = rpm::Client::new(&url(&s), Credentials::from_iter([("API_KEY", "RpmKey12345")]));
        let add = rpm::customer_add::Request::parse(
            &json!({"Customer": {"Name": "TYPEDCO", "Locations": [{"Name": "Head Office", "IsPrimary": true}]}}),
        )
        .unwrap();
        client.customer_add(&add).await.expect("added");
        let get = rpm::customer::Request::parse(&json!({"Customer": "TYPEDCO"})).unwrap();
        let read = client.customer(&get).await.expect("read back");
        assert_eq!(read.name.as_deref(), Some("TYPEDCO"));
        let locations = read.locations.expect("locations");
        assert_eq!(locations[0].name.as_deref(), Some("Head Office"));

        let wrong = rpm::Client::new(&url(&s), Credentials::from_iter([("API_KEY", "WrongKey999")]));
        match wrong.customer(&get).await {
            Err(ClientError::Refused(e)) => assert!(e.entry().is_some(), "a documented refusal: {e:?}"),
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn expandable_logs_in_keeps_the_token_and_reads_refusals() {
    let creds = [("DATA_SOURCE", "DEMO"), ("USER_NAME", "typed"), ("PASSWORD", "s3cret-pass")];
    let s = server("expandable", &creds);
    run(async {
        let client = expandable::Client::new(&url(&s), Credentials::from_iter(creds));
        let create = expandable::customer_contact_create::Request::parse(&json!({
            "CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "TYPED", "FIRST_NAME": "Ty", "LAST_NAME": "Ped", "AUTH_TOKEN": ""
        }))
        .unwrap();
        let created = client.customer_contact_create(&create).await.expect("created with a fresh token");
        assert!(format!("{created:?}").contains("TYPED"));

        let again = expandable::customer_contact_create::Request::parse(&json!({
            "CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "TYPED2", "AUTH_TOKEN": ""
        }))
        .unwrap();
        client.customer_contact_create(&again).await.expect("created with the kept token");

        let locked_out = expandable::Client::new(
            &url(&s),
            Credentials::from_iter([("DATA_SOURCE", "DEMO"), ("USER_NAME", "typed"), ("PASSWORD", "wrong-pass")]),
        );
        match locked_out.customer_contact_create(&again).await {
            Err(ClientError::Failed(erpspec_generated::Failure::Login(why))) => {
                assert!(!why.contains("wrong-pass"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    });
}

/// A token past its lifetime gets the documented refusal; the client logs
/// in again once and the call succeeds.
#[test]
fn an_expired_token_is_renewed_once() {
    let creds = [("DATA_SOURCE", "DEMO"), ("USER_NAME", "typed"), ("PASSWORD", "s3cret-pass")];
    let mut config = reference::Config::new("expandable");
    config.credentials = creds.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    config.token_lifetime = Some(std::time::Duration::from_millis(300));
    let s = reference::spawn(config).expect("the reference server starts");
    run(async {
        let client = expandable::Client::new(&url(&s), Credentials::from_iter(creds));
        for contact in ["EXPIRY1", "EXPIRY2"] {
            let create = expandable::customer_contact_create::Request::parse(&json!({
                "CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": contact, "AUTH_TOKEN": ""
            }))
            .unwrap();
            client
                .customer_contact_create(&create)
                .await
                .unwrap_or_else(|e| panic!("{contact}: {e}"));
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    });
}

/// Calls `$id`'s method of a typed client with `$body` parsed as its
/// request: the answer shown with `Debug`, or why there is none.
macro_rules! dispatch {
    ($client:expr, $vendor:ident, $id:expr, $body:expr; $($name:literal => $m:ident),* $(,)?) => {
        match $id {
            $($name => match $vendor::$m::Request::parse($body) {
                Ok(r) => match $client.$m(&r).await {
                    Ok(a) => Ok(format!("{a:?}")),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(format!("the example does not parse: {e:?}")),
            },)*
            other => Err(format!("no method for {other}")),
        }
    };
}

/// Every documented example that must validate, in the order a client
/// would call them (create, read, query, update, delete), each through
/// its typed method: every one is the documented success.
/// `extra` calls the endpoints whose every example breaks a rule on purpose.
fn every_example_succeeds(
    vendor: &'static erpspec_model::ir::Vendor,
    extra: &[(&'static str, serde_json::Value)],
) -> Vec<(String, &'static str, serde_json::Value)> {
    use erpspec_model::ir::OperationKind::*;
    let rank = |k: &erpspec_model::ir::OperationKind| [Login, Create, Read, Query, Update, Delete].iter().position(|x| x == k);
    let mut calls: Vec<(String, &'static str, serde_json::Value)> = vendor
        .endpoints
        .iter()
        .flat_map(|ep| {
            ep.examples
                .iter()
                .filter(|ex| ex.breaks.is_empty())
                .map(move |ex| (ex.name.clone(), ep.id.as_str(), ex.request.clone()))
        })
        .chain(extra.iter().map(|(id, body)| ("(a valid request)".to_string(), *id, body.clone())))
        .collect();
    calls.sort_by_key(|(_, id, _)| rank(&vendor.endpoint(id).expect("its endpoint").operation.kind));
    let uncalled: Vec<&str> = vendor
        .endpoints
        .iter()
        .map(|ep| ep.id.as_str())
        .filter(|id| !calls.iter().any(|(_, c, _)| c == id))
        .collect();
    assert!(uncalled.is_empty(), "no valid example calls {uncalled:?}");
    calls
}

#[test]
fn every_manex_example_succeeds_through_its_method() {
    let s = server("manex", &[("API_KEY", "K123456789")]);
    let client = manex::Client::new(&url(&s), Credentials::from_iter([("API_KEY", "K123456789")]));
    let mut wrong = Vec::new();
    // Every example of Edit leaves out or misspells what a request needs.
    let extra = [("customer-edit", json!({"Custno": "0000000010", "Custname": "Edited Name"}))];
    let calls = every_example_succeeds(manex::vendor(), &extra);
    run(async {
        for (name, id, body) in &calls {
            let got = dispatch!(client, manex, *id, &body;
                "customer-add" => customer_add, "customer-edit" => customer_edit, "customer-get" => customer_get,
                "ship-bill-add" => ship_bill_add, "ship-bill-delete" => ship_bill_delete,
                "ship-bill-edit" => ship_bill_edit, "ship-bill-get" => ship_bill_get);
            if let Err(e) = got {
                wrong.push(format!("{id} `{name}`: {e}"));
            }
        }
    });
    assert!(
        wrong.is_empty(),
        "{} of {} examples:\n{}",
        wrong.len(),
        calls.len(),
        wrong.join("\n")
    );
    println!("{} examples, every endpoint's, succeeded through their methods", calls.len());
}

#[test]
fn every_rpm_example_succeeds_through_its_method() {
    let s = server("rpm", &[("API_KEY", "RpmKey12345")]);
    let client = rpm::Client::new(&url(&s), Credentials::from_iter([("API_KEY", "RpmKey12345")]));
    let mut wrong = Vec::new();
    let calls = every_example_succeeds(rpm::vendor(), &[]);
    run(async {
        for (name, id, body) in &calls {
            let got = dispatch!(client, rpm, *id, &body;
                "customer" => customer, "customer-add" => customer_add, "customer-contact-add" => customer_contact_add,
                "customer-contact-edit" => customer_contact_edit, "customer-edit" => customer_edit,
                "customer-location-edit" => customer_location_edit, "customers" => customers, "info" => info);
            if let Err(e) = got {
                wrong.push(format!("{id} `{name}`: {e}"));
            }
        }
    });
    assert!(
        wrong.is_empty(),
        "{} of {} examples:\n{}",
        wrong.len(),
        calls.len(),
        wrong.join("\n")
    );
    println!("{} examples, every endpoint's, succeeded through their methods", calls.len());
}

#[test]
fn every_expandable_example_succeeds_through_its_method() {
    let creds = [("DATA_SOURCE", "DEMO"), ("USER_NAME", "typed"), ("PASSWORD", "s3cret-pass")];
    let s = server("expandable", &creds);
    let client = expandable::Client::new(&url(&s), Credentials::from_iter(creds));
    let mut wrong = Vec::new();
    // The login example carries the docs' credentials; this server has others.
    let extra = [(
        "auth-token-get",
        json!({"DATA_SOURCE": "DEMO", "USER_NAME": "typed", "PASSWORD": "s3cret-pass"}),
    )];
    let calls = every_example_succeeds(expandable::vendor(), &extra);
    run(async {
        for (name, id, body) in &calls {
            let got = dispatch!(client, expandable, *id, &body;
                "auth-token-get" => auth_token_get, "customer-contact-create" => customer_contact_create,
                "customer-contact-delete" => customer_contact_delete, "customer-contact-query" => customer_contact_query,
                "customer-contact-update" => customer_contact_update, "customer-part-create" => customer_part_create,
                "customer-part-delete" => customer_part_delete, "customer-part-query" => customer_part_query,
                "customer-part-update" => customer_part_update);
            if let Err(e) = got {
                wrong.push(format!("{id} `{name}`: {e}"));
            }
        }
    });
    assert!(
        wrong.is_empty(),
        "{} of {} examples:\n{}",
        wrong.len(),
        calls.len(),
        wrong.join("\n")
    );
    println!("{} examples, every endpoint's, succeeded through their methods", calls.len());
}
