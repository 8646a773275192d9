//! Every fault switch changes what the server answers, in the way it says:
//! a request that shows the rule is answered differently with the fault on
//! than with it off. (The conformance harness proves it *detects* each one;
//! this proves each one is real.)

mod common;
use common::{Answer, Auth, Server, send, start_with};
use erpspec_model::ir::{Endpoint, PresentationLocation, Rule, Vendor};
use erpspec_rules::{Format, RuleKind, ScalarType};
use reference::faults::{Fault, catalogue};
use serde_json::{Map, Value, json};

/// A valid request for an endpoint: its first doc example without the
/// members the example is documented to break, names spelled as declared,
/// credentials left to the client.
fn base(v: &Vendor, ep: &Endpoint) -> Value {
    let mut body = ep.examples.first().map(|e| e.request.clone()).unwrap_or(json!({}));
    if let Some(ex) = ep.examples.first() {
        for id in &ex.breaks {
            if let Some((path, _)) = ep.all_rules().into_iter().find(|(_, r)| &r.id == id) {
                // A login's credential (the docs' EXPANDABLE, outside the site's
                // list of data sources) is what the test servers are configured with.
                if v.login_credential(ep, &path).is_none() {
                    remove_at(&mut body, &path, v);
                }
            }
        }
    }
    if let Value::Object(m) = &mut body {
        let renamed: Map<String, Value> = std::mem::take(m)
            .into_iter()
            .map(|(k, x)| {
                (
                    ep.request
                        .iter()
                        .find(|f| v.transport.names.matches(&f.name, &k))
                        .map(|f| f.name.clone())
                        .unwrap_or(k),
                    x,
                )
            })
            .collect();
        *m = renamed;
        for p in v.auth.presentations.iter().filter(|p| p.location == PresentationLocation::Body) {
            m.remove(&p.name);
        }
    }
    body
}

fn segments(path: &str) -> Vec<String> {
    path.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
}

/// The container at a pointer (`*` is the first item), created as needed.
fn container<'a>(v: &'a mut Value, segs: &[String], next_is_array: bool) -> &'a mut Value {
    let Some((first, rest)) = segs.split_first() else {
        return v;
    };
    let following_is_array = rest.first().is_some_and(|s| s == "*") || (rest.is_empty() && next_is_array);
    let empty = || if following_is_array { json!([]) } else { json!({}) };
    let child = if first == "*" {
        let arr = v.as_array_mut().expect("array");
        if arr.is_empty() {
            arr.push(empty());
        }
        &mut arr[0]
    } else {
        v.as_object_mut().expect("object").entry(first.clone()).or_insert_with(empty)
    };
    container(child, rest, next_is_array)
}

fn set_at(body: &mut Value, path: &str, value: Value) {
    let segs = segments(path);
    let (last, parent) = segs.split_last().expect("a member path");
    let p = container(body, parent, last == "*");
    p.as_object_mut().expect("object").insert(last.clone(), value);
}

fn remove_at(body: &mut Value, path: &str, v: &Vendor) {
    let segs = segments(path);
    let Some((last, parent)) = segs.split_last() else { return };
    if let Some(m) = container(body, parent, false).as_object_mut() {
        m.retain(|k, _| !v.transport.names.matches(last, k));
    }
}

/// The request broken in exactly this rule.
fn violate(v: &Vendor, ep: &Endpoint, path: &str, rule: &Rule) -> Value {
    let mut body = base(v, ep);
    match &rule.kind {
        RuleKind::Required => remove_at(&mut body, path, v),
        RuleKind::AtLeastOneOf { fields } => {
            let segs = segments(path);
            if let Some(m) = container(&mut body, &segs, false).as_object_mut() {
                m.retain(|k, _| !fields.iter().any(|f| v.transport.names.matches(f, k)));
            }
        }
        RuleKind::MaxItems { max } => set_at(&mut body, path, Value::Array(vec![json!({}); *max as usize + 1])),
        kind => set_at(&mut body, path, kind.boundary().expect("value rule").1),
    }
    body
}

fn authenticated(v: &Vendor) -> &Endpoint {
    v.endpoints.iter().find(|e| e.authenticated).expect("an authenticated endpoint")
}

fn same(a: &Answer, b: &Answer) -> bool {
    a.status == b.status && a.body == b.body
}

/// The entry answering a broken rule, as the engine resolves it.
fn rule_entry<'v>(v: &'v Vendor, ep: &'v Endpoint, rule: &'v Rule) -> Option<&'v str> {
    erpspec_model::answers::served_entry(v, Some(ep), &erpspec_model::answers::Situation::RuleBroken(Some(rule))).map(|e| e.id.as_str())
}

/// A value no record has, for a field.
fn missing_value(ep: &Endpoint, field: &str) -> Value {
    let in_member = || match ep.operation.record_member.as_deref().and_then(|m| ep.field(m)).map(|m| &m.ty) {
        Some(erpspec_model::ir::Type::Object { fields, .. }) => fields.iter().find(|f| f.name == field),
        _ => None,
    };
    let f = ep.field(field).or_else(in_member).expect("field");
    if f.ty.scalar() == Some(ScalarType::Integer) {
        return json!(987_654);
    }
    match f.rules.iter().find_map(|r| match &r.kind {
        RuleKind::Format {
            format: Format::Digits { count },
        } => Some(*count),
        _ => None,
    }) {
        Some(n) => json!("9".repeat(n as usize)),
        None => json!("NO-SUCH-RECORD"),
    }
}

/// Sends the request that shows the catalogue entry `id`, to both servers.
fn entry_probe(plain: &mut Server, faulty: &mut Server, id: &str) -> Option<(Answer, Answer)> {
    let v = plain.vendor.clone();
    let auth_ep = authenticated(&v).id.clone();
    let b = base(&v, authenticated(&v));
    let both = |plain: &mut Server, faulty: &mut Server, f: &dyn Fn(&mut Server) -> Answer| Some((f(plain), f(faulty)));
    if v.auth.on_missing.first().map(String::as_str) == Some(id) {
        return both(plain, faulty, &|s| s.call_as(&auth_ep, &b, Auth::None));
    }
    if v.auth.on_malformed.first().map(String::as_str) == Some(id) {
        return both(plain, faulty, &|s| s.call_as(&auth_ep, &b, Auth::Malformed));
    }
    if v.auth.on_rejected.first().map(String::as_str) == Some(id) {
        return both(plain, faulty, &|s| s.call_as(&auth_ep, &b, Auth::Wrong));
    }
    // Both servers were started with a short token lifetime.
    if v.auth.on_expired.first().map(String::as_str) == Some(id) {
        let _ = (plain.token(), faulty.token());
        std::thread::sleep(EXPIRY_WAIT);
        return both(plain, faulty, &|s| s.call_as(&auth_ep, &b, Auth::Valid));
    }
    if v.transport.on_wrong_method.first().map(String::as_str) == Some(id) {
        return both(plain, faulty, &|s| s.call_method(&auth_ep, "PATCH", &b, Auth::Valid));
    }
    if v.transport.on_invalid_json.first().map(String::as_str) == Some(id) {
        return both(plain, faulty, &|s| {
            s.call_raw(&auth_ep, "POST", &[("Content-Type", "application/json")], b"{")
        });
    }
    if v.transport.on_unknown_route.first().map(String::as_str) == Some(id) {
        return both(plain, faulty, &|s| send(s.addr, "POST", "/no/such/route", &[], b"{}"));
    }
    for ep in &v.endpoints {
        for (path, rule) in ep.all_rules() {
            let credential = v
                .auth
                .presentations
                .iter()
                .any(|p| p.location == PresentationLocation::Body && path == format!("/{}", p.name));
            if !credential && rule_entry(&v, ep, rule) == Some(id) {
                let body = violate(&v, ep, &path, rule);
                return both(plain, faulty, &|s| s.call(&ep.id, body.clone()));
            }
        }
        let op = &ep.operation;
        if op.on_not_found.as_deref() == Some(id) {
            let mut body = base(&v, ep);
            for f in op.key.iter().chain(op.lookup.iter().map(|l| &l.field)) {
                if body.get(f).is_some() {
                    body[f] = missing_value(ep, f);
                } else if let Some(m) = &op.record_member
                    && body[m].get(f).is_some()
                {
                    body[m][f] = missing_value(ep, f);
                }
            }
            return both(plain, faulty, &|s| s.call(&ep.id, body.clone()));
        }
        if op.on_duplicate.as_deref() == Some(id)
            && op.kind == erpspec_model::ir::OperationKind::Update
            && let Some(resource) = op.resource.as_deref().and_then(|r| v.resource(r))
            && let Some((field, _)) = resource.unique_within.iter().next()
        {
            // Two children of one new parent (a customer's locations), the
            // second renamed to the first's value.
            let (parent, inc) = v
                .resources
                .iter()
                .find_map(|p| p.includes.iter().find(|i| i.resource == resource.name).map(|i| (p, i)))?;
            let create = v.endpoints.iter().find(|c| {
                c.operation.kind == erpspec_model::ir::OperationKind::Create && c.operation.resource.as_deref() == Some(&parent.name)
            })?;
            let mut parent_body = base(&v, create);
            let list = json!([{ field.clone(): "FIRST" }, { field.clone(): "SECOND" }]);
            match &create.operation.record_member {
                Some(m) => parent_body[m][&inc.member] = list,
                None => parent_body[&inc.member] = list,
            }
            let member = op.record_member.clone()?;
            let (create_id, ep_id, on) = (create.id.clone(), ep.id.clone(), inc.on.clone());
            let (list_member, parent_member) = (inc.member.clone(), create.operation.record_member.clone());
            let lookup = op.lookup.first()?.field.clone();
            let edit = base(&v, ep);
            return both(plain, faulty, &|s| {
                let created = s.call(&create_id, parent_body.clone()).json();
                let rec = created.as_object().and_then(|m| m.values().next()).cloned().unwrap_or_default();
                let second = rec[&list_member][1].clone();
                let mut body = edit.clone();
                body[&member][&lookup] = second[&lookup].clone();
                body[&member][field.as_str()] = json!("FIRST");
                body[&on] = rec[&on].clone();
                let _ = &parent_member;
                s.call(&ep_id, body)
            });
        }
        if op.on_duplicate.as_deref() == Some(id) && op.kind == erpspec_model::ir::OperationKind::Update {
            // An update collides when it gives a record another record's
            // unique value: create one through the resource's create
            // endpoint, then update the base record to its unique values.
            let resource = v.resource(op.resource.as_deref()?)?;
            let create = v
                .endpoints
                .iter()
                .find(|c| c.operation.kind == erpspec_model::ir::OperationKind::Create && c.operation.resource == op.resource)?;
            let other = base(&v, create);
            let mut body = base(&v, ep);
            for u in &resource.unique {
                let at = |m: &Option<String>| m.as_ref().map(|m| format!("/{m}/{u}")).unwrap_or(format!("/{u}"));
                let value = other.pointer(&at(&create.operation.record_member))?.clone();
                *body.pointer_mut(&at(&op.record_member))? = value;
            }
            return both(plain, faulty, &|s| {
                s.call(&create.id, other.clone());
                s.call(&ep.id, body.clone())
            });
        }
        if op.on_duplicate.as_deref() == Some(id) {
            let body = base(&v, ep);
            return both(plain, faulty, &|s| {
                s.call(&ep.id, body.clone());
                s.call(&ep.id, body.clone())
            });
        }
        for f in &ep.request {
            if f.refers_to.as_ref().and_then(|r| r.on_missing.as_deref()) == Some(id) {
                let mut body = base(&v, ep);
                body[&f.name] = missing_value(ep, &f.name);
                return both(plain, faulty, &|s| s.call(&ep.id, body.clone()));
            }
        }
    }
    None
}

/// The first endpoint whose base request succeeds (on a server without faults).
fn a_success(s: &mut Server) -> (String, Value) {
    let v = s.vendor.clone();
    let mut order: Vec<&Endpoint> = v.endpoints.iter().collect();
    order.sort_by_key(|e| {
        !matches!(
            e.operation.kind,
            erpspec_model::ir::OperationKind::Read | erpspec_model::ir::OperationKind::Query
        )
    });
    for ep in order {
        let a = s.call(&ep.id, base(&v, ep));
        if a.status == 200
            && v.envelopes
                .success
                .body
                .to_value()
                .as_object()
                .is_none_or(|t| t.keys().all(|k| a.json().get(k).is_some()))
        {
            return (ep.id.clone(), base(&v, ep));
        }
    }
    panic!("{}: no endpoint succeeds with its example", v.name);
}

/// Probes the faults the IR derives the same way for every vendor.
fn generic_probe(plain: &mut Server, faulty: &mut Server, fault: &Fault) -> Option<Result<(), String>> {
    let v = plain.vendor.clone();
    let ep = authenticated(&v).clone();
    let b = base(&v, &ep);
    let differ = |what: &str, a: Answer, f: Answer| {
        if same(&a, &f) {
            Err(format!(
                "{what}: same answer with and without the fault: {}",
                String::from_utf8_lossy(&a.body)
            ))
        } else {
            Ok(())
        }
    };
    Some(match fault {
        Fault::IgnoreRule(id) => {
            let (ep, path, rule) = v
                .endpoints
                .iter()
                .find_map(|e| e.all_rules().into_iter().find(|(_, r)| &r.id == id).map(|(p, r)| (e, p, r.clone())))
                .expect("rule exists");
            let body = violate(&v, ep, &path, &rule);
            differ(id, plain.call(&ep.id, body.clone()), faulty.call(&ep.id, body))
        }
        Fault::AuthAcceptMissing => differ(
            "missing",
            plain.call_as(&ep.id, &b, Auth::None),
            faulty.call_as(&ep.id, &b, Auth::None),
        ),
        Fault::AuthAcceptMalformed => differ(
            "malformed",
            plain.call_as(&ep.id, &b, Auth::Malformed),
            faulty.call_as(&ep.id, &b, Auth::Malformed),
        ),
        Fault::AuthAcceptRejected => differ(
            "rejected",
            plain.call_as(&ep.id, &b, Auth::Wrong),
            faulty.call_as(&ep.id, &b, Auth::Wrong),
        ),
        // Both servers were started with a short token lifetime (see
        // `every_fault_changes_an_answer`): the token they issued expires.
        Fault::AuthAcceptExpired => {
            let _ = (plain.token(), faulty.token());
            std::thread::sleep(EXPIRY_WAIT);
            differ(
                "expired",
                plain.call_as(&ep.id, &b, Auth::Valid),
                faulty.call_as(&ep.id, &b, Auth::Valid),
            )
        }
        Fault::AuthIgnorePresentation(_) => differ(
            "deprecated",
            plain.call_as(&ep.id, &b, Auth::Deprecated),
            faulty.call_as(&ep.id, &b, Auth::Deprecated),
        ),
        Fault::EnvelopeDrop { success, pointer } => {
            let (a, f) = if *success {
                let (id, body) = a_success(plain);
                (plain.call(&id, body.clone()), faulty.call(&id, body))
            } else {
                (plain.call_as(&ep.id, &b, Auth::Wrong), faulty.call_as(&ep.id, &b, Auth::Wrong))
            };
            if a.json().pointer(pointer).is_none() {
                Err(format!("{pointer} is not in the plain answer {}", a.json()))
            } else if f.json().pointer(pointer).is_some() {
                Err(format!("{pointer} is still in the faulty answer {}", f.json()))
            } else {
                Ok(())
            }
        }
        Fault::WrongStatus(id) | Fault::WrongCode(id) | Fault::WrongMessage(id) => match entry_probe(plain, faulty, id) {
            Some((a, f)) => differ(id, a, f),
            None => Err(format!("no request shows entry {id}")),
        },
        Fault::AcceptAnyMethod => differ(
            "method",
            plain.call_method(&ep.id, "PATCH", &b, Auth::Valid),
            faulty.call_method(&ep.id, "PATCH", &b, Auth::Valid),
        ),
        Fault::InvalidJsonAccepted => {
            let h = [("Content-Type", "application/json")];
            differ(
                "invalid JSON",
                plain.call_raw(&ep.id, "POST", &h, b"{"),
                faulty.call_raw(&ep.id, "POST", &h, b"{"),
            )
        }
        _ => return None,
    })
}

/// Probes of persistence faults: the write, then a read that shows it.
fn persistence_probe(plain: &mut Server, faulty: &mut Server, name: &str) -> Result<(), String> {
    let run = |s: &mut Server| -> Value {
        // Both Expandable generations name their records' fields alike
        // (only routes, the token and the error body differ).
        let vendor = match s.vendor.name.as_str() {
            "expandable-legacy" => "expandable",
            other => other,
        };
        match (vendor, name) {
            ("expandable", "create-not-stored=customer-contact-create") => {
                s.call("customer-contact-create", json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "P1"}));
                s.call("customer-contact-query", json!({"CUST_CONTACT": "P1"})).json()
            }
            ("expandable", "duplicate-accepted=customer-contact-create") => {
                s.call(
                    "customer-contact-create",
                    json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ"}),
                );
                let a = s.call(
                    "customer-contact-create",
                    json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ"}),
                );
                json!(a.status)
            }
            ("expandable", "update-not-stored=customer-contact-update") => {
                s.call(
                    "customer-contact-create",
                    json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ"}),
                );
                s.call(
                    "customer-contact-update",
                    json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ", "TITLE": "Buyer"}),
                );
                s.call("customer-contact-query", json!({"CUST_CONTACT": "JHERNANDEZ"})).json()[0]["TITLE"].clone()
            }
            ("expandable", "create-not-stored=customer-part-create" | "duplicate-accepted=customer-part-create") => {
                let body = json!({"PART_ID": "PUMP002", "CUSTOMER_ID": "ABCCORP", "CUST_PART_ID": "P3"});
                s.call("customer-part-create", body.clone());
                json!(s.call("customer-part-create", body).status)
            }
            ("expandable", "update-not-stored=customer-part-update") => {
                let key = json!({"PART_ID": "PUMP002", "CUSTOMER_ID": "ABCCORP", "CUST_PART_ID": "P4"});
                s.call("customer-part-create", key.clone());
                let mut update = key.clone();
                update["SO_DESC"] = json!("Pump, Hydraulic, 1200 psi");
                s.call("customer-part-update", update);
                s.call("customer-part-query", json!({"CUST_PART_ID": "P4"})).json()[0]["SO_DESC"].clone()
            }
            ("manex", "create-not-stored=ship-bill-add") => {
                let added = s.call("ship-bill-add", json!({"Custno": "0000000010", "Shipto": "Probe"})).json();
                let linkadd = added["ResponseObject"]["LINKADD"].clone();
                s.call("ship-bill-get", json!({"Linkadd": linkadd})).json()["Code"].clone()
            }
            ("manex", "duplicate-accepted=ship-bill-add") => s
                .call("ship-bill-add", json!({"Linkadd": "056RU7J15B", "Custno": "0000000010"}))
                .json()["Code"]
                .clone(),
            ("manex", "reference-unchecked=ship-bill-add.Custno") => {
                s.call("ship-bill-add", json!({"Custno": "0000009999"})).json()["Code"].clone()
            }
            ("manex", "update-not-stored=ship-bill-edit") => {
                let edit = json!({"Linkadd": "056RU7J15B", "Custno": "0000000010", "ShipVia": "UPS-BLUE", "FOB": "DESTINATION", "ShipCharge": "NO CHARGE", "City": "Boston"});
                s.call("ship-bill-edit", edit);
                s.call("ship-bill-get", json!({"Linkadd": "056RU7J15B"})).json()["ResponseObject"]["CITY"].clone()
            }
            ("manex", "reference-unchecked=ship-bill-edit.Custno") => {
                let edit = json!({"Linkadd": "056RU7J15B", "Custno": "0000009999", "ShipVia": "UPS-BLUE", "FOB": "DESTINATION", "ShipCharge": "NO CHARGE"});
                s.call("ship-bill-edit", edit).json()["Code"].clone()
            }
            ("manex", "create-not-stored=customer-add") => {
                s.call("customer-add", json!({"Custname": "Probe", "Status": "Active"}));
                s.call("customer-get", json!({"CustNumOrName": "Probe"})).json()["Code"].clone()
            }
            ("manex", "duplicate-accepted=customer-add") => s
                .call(
                    "customer-add",
                    json!({"Custno": "0000000010", "Custname": "Dup", "Status": "Active"}),
                )
                .json()["Code"]
                .clone(),
            ("manex", "update-not-stored=customer-edit") => {
                s.call("customer-edit", json!({"Custno": "0000000010", "Phone": "555"}));
                s.call("customer-get", json!({"CustNumOrName": "0000000010"})).json()["ResponseObject"]["PHONE"].clone()
            }
            ("manex", "quirk-missing=padded-strings") => {
                s.call("customer-get", json!({"CustNumOrName": "Customer"})).json()["ResponseObject"]["CUSTNAME"].clone()
            }
            ("manex", "quirk-missing=dates-read-back-as-date-times") => {
                let a = s.call(
                    "customer-add",
                    json!({"Custname": "PROBE", "Status": "Active", "Acct_date": "12/31/2024"}),
                );
                a.json()["ResponseObject"]["ACCT_DATE"].clone()
            }
            ("rpm", "create-not-stored=customer-add" | "duplicate-accepted=customer-add") => {
                s.call("customer-add", json!({"Customer": {"Name": "PROBE"}}));
                s.call("customer-add", json!({"Customer": {"Name": "PROBE"}})).json()
            }
            ("rpm", "create-not-stored=customer-contact-add") => {
                s.call("customer-contact-add", json!({"CustomerID": 10023, "Contact": {"FirstName": "P"}}));
                s.call("customer", json!({"CustomerID": 10023})).json()["Result"]["Contacts"].clone()
            }
            ("rpm", "quirk-missing=empty-phone-number-reads-none") => {
                s.call(
                    "customer-contact-add",
                    json!({"CustomerID": 10023, "Contact": {"PhoneNumbers": [{"Number": "", "Type": 1}]}}),
                );
                s.call("customer", json!({"CustomerID": 10023})).json()["Result"]["Contacts"][0]["Contact"]["PhoneNumbers"][0]["Number"]
                    .clone()
            }
            ("rpm", "reference-unchecked=customer-contact-add.CustomerID") => {
                s.call("customer-contact-add", json!({"CustomerID": 4242, "Contact": {}})).json()
            }
            ("rpm", "update-not-stored=customer-contact-edit") => {
                let added = s.call(
                    "customer-contact-add",
                    json!({"CustomerID": 10023, "Contact": {"FirstName": "P", "LastName": "Q"}}),
                );
                let id = added.json()["Result"]["Contact"]["ContactID"].clone();
                s.call(
                    "customer-contact-edit",
                    json!({"CustomerID": 10023, "IsPrimary": true, "Contact": {"ContactID": id, "FirstName": "P", "LastName": "Edited"}}),
                );
                s.call("customer", json!({"CustomerID": 10023})).json()["Result"]["Contacts"].clone()
            }
            ("rpm", "reference-unchecked=customer-contact-edit.CustomerID") => {
                let added = s.call("customer-contact-add", json!({"CustomerID": 10023, "Contact": {"FirstName": "P"}}));
                let id = added.json()["Result"]["Contact"]["ContactID"].clone();
                s.call(
                    "customer-contact-edit",
                    json!({"CustomerID": 4242, "IsPrimary": true, "Contact": {"ContactID": id, "FirstName": "P", "LastName": "Q"}}),
                )
                .json()
            }
            ("rpm", "update-not-stored=customer-location-edit") => {
                s.call(
                    "customer-location-edit",
                    json!({"CustomerID": 10023, "Location": {"LocationID": 1, "Name": "Edited"}}),
                );
                s.call("customer", json!({"CustomerID": 10023})).json()["Result"]["Locations"].clone()
            }
            ("rpm", "reference-unchecked=customer-location-edit.CustomerID") => s
                .call(
                    "customer-location-edit",
                    json!({"CustomerID": 4242, "Location": {"LocationID": 1, "Name": "X"}}),
                )
                .json(),
            ("rpm", "list-defaults-missing=customer-add.Locations" | "list-defaults-missing=customer-add.Contacts") => {
                let r = s.call("customer-add", json!({"Customer": {"Name": "DEFAULTS"}})).json();
                json!([r["Result"]["Locations"], r["Result"]["Contacts"]])
            }
            ("rpm", "primary-unresolved=customer-add.Locations") => {
                let locations = json!([{"Name": "A", "IsPrimary": true}, {"Name": "B", "IsPrimary": true}]);
                s.call("customer-add", json!({"Customer": {"Name": "PRIMARY", "Locations": locations}}))
                    .json()["Result"]["Locations"]
                    .clone()
            }
            ("rpm", "primary-unresolved=customer-add.Contacts") => {
                let contacts = json!([{"Contact": {"FirstName": "A"}}, {"Contact": {"FirstName": "B"}}]);
                s.call("customer-add", json!({"Customer": {"Name": "PRIMARY", "Contacts": contacts}}))
                    .json()["Result"]["Contacts"]
                    .clone()
            }
            ("rpm", "taken-kept=customer-add.Aliases") => {
                s.call(
                    "customer-add",
                    json!({"Customer": {"Name": "ONE", "Aliases": [{"Alias": "TAKEN"}]}}),
                );
                s.call(
                    "customer-add",
                    json!({"Customer": {"Name": "TWO", "Aliases": [{"Alias": "TAKEN"}]}}),
                )
                .json()["Result"]["Aliases"]
                    .clone()
            }
            ("rpm", "include-if-ignored=customer.Locations") => {
                s.call("customer", json!({"CustomerID": 10023, "IncludeLocations": false})).json()["Result"]["Locations"].clone()
            }
            ("rpm", "clears-omitted-ignored=customer-contact-edit") => {
                let added = s.call(
                    "customer-contact-add",
                    json!({"CustomerID": 10023, "Contact": {"FirstName": "P", "Title": "Buyer"}}),
                );
                let id = added.json()["Result"]["Contact"]["ContactID"].clone();
                s.call(
                    "customer-contact-edit",
                    json!({"CustomerID": 10023, "IsPrimary": true, "Contact": {"ContactID": id, "FirstName": "P", "LastName": "Q"}}),
                )
                .json()["Result"]["Contact"]["Title"]
                    .clone()
            }
            ("rpm", "items-replaced=customer-contact-edit") => {
                let phones = json!([{"Number": "555-0001", "Type": 1}]);
                let added = s.call(
                    "customer-contact-add",
                    json!({"CustomerID": 10023, "Contact": {"FirstName": "P", "PhoneNumbers": phones}}),
                );
                let id = added.json()["Result"]["Contact"]["ContactID"].clone();
                let edit = json!({"ContactID": id, "FirstName": "P", "LastName": "Q", "PhoneNumbers": [{"Number": "555-0002", "Type": 2}]});
                s.call(
                    "customer-contact-edit",
                    json!({"CustomerID": 10023, "IsPrimary": true, "Contact": edit}),
                )
                .json()["Result"]["Contact"]["PhoneNumbers"]
                    .clone()
            }
            ("rpm", "beside-missing=customers.Age") => s.call("customers", json!({})).json()["Result"]["Age"].is_number().into(),
            ("rpm", "primary-shared=customer.Contacts") => {
                for name in ["A", "B"] {
                    s.call(
                        "customer-contact-add",
                        json!({"CustomerID": 10023, "IsPrimary": true, "Contact": {"FirstName": name}}),
                    );
                }
                s.call("customer", json!({"CustomerID": 10023})).json()["Result"]["Contacts"].clone()
            }
            ("rpm", "primary-shared=customer.Locations") => {
                let locations = json!([{"Name": "A", "IsPrimary": true}, {"Name": "B"}]);
                let r = s
                    .call("customer-add", json!({"Customer": {"Name": "SHARED", "Locations": locations}}))
                    .json();
                let (customer, b) = (r["Result"]["CustomerID"].clone(), r["Result"]["Locations"][1]["LocationID"].clone());
                s.call(
                    "customer-location-edit",
                    json!({"CustomerID": customer, "Location": {"LocationID": b, "Name": "B", "IsPrimary": true}}),
                );
                s.call("customer", json!({"CustomerID": customer})).json()["Result"]["Locations"].clone()
            }
            ("rpm", "update-not-stored=customer-edit") => {
                s.call(
                    "customer-edit",
                    json!({"Customer": {"CustomerID": 10023, "Website": "http://probe.example"}}),
                );
                s.call("customer", json!({"CustomerID": 10023})).json()["Result"]["Website"].clone()
            }
            // The demo customer by name: ManEx Get also matches CUSTNAME.
            ("manex", "lookup-narrowed=customer-get") => {
                let a = s.call("customer-add", json!({"Custname": "ProbeByName", "Status": "Active"}));
                let _ = a.json();
                s.call("customer-get", json!({"CustNumOrName": "ProbeByName"})).json()["Code"].clone()
            }
            // Both lookups: the id wins.
            ("rpm", "lookup-narrowed=customer") => {
                let a = s.call("customer-add", json!({"Customer": {"Name": "ProbeA"}})).json()["Result"]["CustomerID"].clone();
                s.call("customer-add", json!({"Customer": {"Name": "ProbeB"}}));
                s.call("customer", json!({"CustomerID": a, "Customer": "ProbeB"})).json()["Result"]["Name"].clone()
            }
            (v, n) => panic!("no probe for {v} fault {n}: add one"),
        }
    };
    let (a, f) = (run(plain), run(faulty));
    if a == f {
        Err(format!("same result with and without the fault: {a}"))
    } else {
        Ok(())
    }
}

/// The token lifetime of the servers probing the expired-token fault, and
/// how long the probe waits before presenting its token.
const LIFETIME: std::time::Duration = std::time::Duration::from_millis(150);
const EXPIRY_WAIT: std::time::Duration = std::time::Duration::from_millis(350);

#[test]
fn every_fault_changes_an_answer() {
    let mut failures = Vec::new();
    let mut count = 0;
    for api in common::vendors() {
        let api = api.as_str();
        let v = common::vendor(api);
        for f in catalogue(&v) {
            let shows_expiry = match &f.fault {
                Fault::AuthAcceptExpired => true,
                Fault::WrongStatus(id) | Fault::WrongMessage(id) | Fault::WrongCode(id) => v.auth.on_expired.contains(id),
                _ => false,
            };
            let lifetime = shows_expiry.then_some(LIFETIME);
            let mut plain = start_with(api, &[], |c| c.token_lifetime = lifetime);
            let mut faulty = start_with(api, &[&f.name], |c| c.token_lifetime = lifetime);
            let outcome = match generic_probe(&mut plain, &mut faulty, &f.fault) {
                Some(r) => r,
                None => persistence_probe(&mut plain, &mut faulty, &f.name),
            };
            if let Err(e) = outcome {
                failures.push(format!("{api} {} ({}): {e}", f.name, f.rule));
            }
            count += 1;
        }
    }
    println!("{count} faults probed");
    assert!(failures.is_empty(), "faults that change nothing:\n{}", failures.join("\n"));
}

#[test]
fn every_fault_names_a_rule_and_each_rule_kind_has_one() {
    for api in common::vendors() {
        let v = common::vendor(&api);
        let cat = catalogue(&v);
        let mut names: Vec<&str> = cat.iter().map(|f| f.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), cat.len(), "{api}: fault names are unique");
        for f in &cat {
            assert!(f.rule.as_str().starts_with(&format!("{api}.")), "{}: {}", f.name, f.rule);
        }
        // Every rule kind the schemas use can be switched off.
        for ep in &v.endpoints {
            for (path, r) in ep.all_rules() {
                let credential = v.auth.presentations.iter().any(|p| path == format!("/{}", p.name));
                let another_reading = r.strength == erpspec_rules::Strength::Contested && r.alternatives.is_empty() && !r.truncates;
                if !credential && !reference::faults::equivalent_when_ignored(&v, ep, &path, r) && !another_reading {
                    assert!(cat.iter().any(|f| f.fault == Fault::IgnoreRule(r.id.clone())), "{}", r.id);
                }
            }
        }
        assert!(cat.iter().any(|f| f.fault == Fault::AcceptAnyMethod));
        assert_eq!(
            cat.iter().any(|f| f.fault == Fault::InvalidJsonAccepted),
            !v.transport.on_invalid_json.is_empty(),
            "an invalid-JSON fault exactly where the vendor documents the answer"
        );
        assert!(cat.iter().any(|f| matches!(f.fault, Fault::EnvelopeDrop { success: false, .. })));
    }
    // Unknown faults are refused, not ignored.
    let v = common::vendor("manex");
    assert!(reference::faults::Faults::parse(&v, &["ignore-rule=nope".to_string()]).is_err());
}
