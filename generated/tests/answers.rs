//! Every sample answer the docs show parses into the generated answer types:
//! a success into its endpoint's `Answer`, a refusal into the vendor's
//! `Error` variant of the catalogue entry it shows, through the same
//! recognition the harness judges with. Samples the schemas record as
//! differing from the docs (`differs:`) are left out, as the harness leaves
//! them.

use erpspec_model::answers;

#[test]
fn every_docs_sample_answer_parses_into_the_typed_answer() {
    let api = erpspec_schema::load_workspace().expect("the schemas load");
    let (mut samples, mut wrong) = (0, Vec::new());
    for v in &api.vendors {
        for ep in &v.endpoints {
            for ex in ep.response_examples.iter().filter(|ex| ex.differs.is_none()) {
                let status = ex.status.unwrap_or_else(|| match &ex.answer {
                    Some(id) => v.error(id).map_or(200, |e| answers::served_status(v, e)),
                    None => v.envelopes.success.status.unwrap_or(200),
                });
                let body = serde_json::to_vec(&ex.body).unwrap();
                let got = erpspec_generated::parse_answer(&v.name, &ep.id, status, &body).expect("a generated endpoint");
                samples += 1;
                let ok = match (&ex.answer, &got) {
                    (None, Ok(_)) => true,
                    (Some(id), Err((Some(entry), _))) => id == entry,
                    _ => false,
                };
                if !ok {
                    wrong.push(format!("{}/{} sample `{}` ({:?}): {got:?}", v.name, ep.id, ex.name, ex.answer));
                }
            }
        }
    }
    assert!(samples >= 20, "only {samples} samples");
    assert!(wrong.is_empty(), "{} of {samples} samples:\n{}", wrong.len(), wrong.join("\n"));
    println!("{samples} docs samples parse into their typed answers");
}

/// ManEx's Get sample as the docs show it: padded text kept, the null dates
/// `None`, numbers and booleans typed; its refusal with the vendor's message.
#[test]
fn a_manex_record_and_refusal_read_as_the_docs_show_them() {
    use erpspec_generated::manex::{Error, customer_get};
    let body = br#"{"$id":"1","Code":200,"Message":"Customer details:","SessionId":null,"IsValidUser":true,"ResponseObject":{"$id":"2","CUSTNO":"0000000010","CUSTNAME":"CustomerName                            ","CREDLIMIT":0,"AR_CALDATE":null,"LABOR":false}}"#;
    let record = customer_get::parse_answer(200, body).expect("a success");
    assert_eq!(record.custno.as_deref(), Some("0000000010"));
    assert_eq!(record.custname.as_deref(), Some("CustomerName                            "));
    assert_eq!(record.credlimit, Some(0.0));
    assert_eq!(record.ar_caldate, None);
    assert_eq!(record.labor, Some(false));

    let refusal =
        br#"{"$id":"1","Code":403,"Message":"Customer does not exists.","SessionId":null,"IsValidUser":true,"ResponseObject":null}"#;
    let err = customer_get::parse_answer(200, refusal).expect_err("a refusal");
    assert_eq!(
        err,
        Error::CustomerDoesNotExist {
            message: "Customer does not exists.".into()
        }
    );
    assert_eq!(err.entry(), Some("customer-does-not-exist"));

    // The support portal's pages quote every scalar: the same record reads.
    let quoted = br#"{"$id":"1","Code":"200","Message":"Customer details:","SessionId":"null","IsValidUser":"true","ResponseObject":{"CUSTNO":"0000000010","CREDLIMIT":"0","AR_CALDATE":null,"LABOR":"false"}}"#;
    let record = customer_get::parse_answer(200, quoted).expect("a quoted success");
    assert_eq!((record.credlimit, record.labor), (Some(0.0), Some(false)));

    let garbage = customer_get::parse_answer(200, b"{\"hello\": 1}").expect_err("neither");
    assert!(matches!(garbage, Error::Undocumented { status: 200, .. }), "{garbage:?}");
}

/// RPM's `Result.Error`, as a string, is the documented refusal; its
/// customer's nested lists are typed.
#[test]
fn rpm_refusals_and_nested_lists_are_typed() {
    use erpspec_generated::rpm::{Error, customer};
    let err = customer::parse_answer(200, br#"{"Result":{"Error":"Valid key required"}}"#).expect_err("refused");
    assert_eq!(err.entry(), Some("valid-key-required"), "{err:?}");
    assert!(matches!(err, Error::ValidKeyRequired { .. }));
    let body = br#"{"Result":{"Name":"ABCCORP","CustomerID":10023,"Locations":[{"Name":"Main","LocationID":7}],"Contacts":[{"Contact":{"ContactID":3,"PhoneNumbers":[{"Number":"555","Type":1}]},"IsPrimary":true}]}}"#;
    let got = customer::parse_answer(200, body);
    let answer = got.expect("a success");
    let debug = format!("{answer:?}");
    assert!(debug.contains("ABCCORP") && debug.contains("555"), "{debug}");
}
