//! Validation throughput: the generated validators against the emitted JSON
//! Schema run through the `jsonschema` crate (the peer), on the same
//! requests, in the same process. Prints requests per second for each.
//!
//! cargo run --release -p erpspec-generated --example bench_validate

use serde_json::{Value, json};
use std::time::Instant;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases: [(&str, &str, Value); 3] = [
        (
            "manex",
            "customer-add",
            json!({"Custname": "CustomerName", "Status": "Active", "Credlimit": 5000, "Acct_date": "11/19/2014"}),
        ),
        (
            "expandable",
            "customer-contact-create",
            json!({"CUSTOMER_ID": "ABCCORP", "CUST_CONTACT": "JHERNANDEZ", "FIRST_NAME": "Joseph", "LAST_NAME": "Hernandez",
                   "PHONE_NO": "408-555-1212", "NOTES": "Notes can be up to 32,765 characters long.", "AUTH_TOKEN": ""}),
        ),
        (
            "rpm",
            "customer-contact-add",
            json!({"Contact": {"FirstName": "Joseph", "PhoneNumbers": [{"Number": "408-555-1212", "Type": 1}, {"Number": "", "Type": 6}]},
                   "CustomerID": 10023, "IsPrimary": true}),
        ),
    ];
    const N: u32 = 200_000;
    println!("{:<36} {:>14} {:>14}", "request", "generated/s", "jsonschema/s");
    for (vendor, endpoint, body) in cases {
        let text = std::fs::read_to_string(root.join("json-schema").join(vendor).join(format!("{endpoint}.request.json"))).expect("schema");
        let schema: Value = serde_json::from_str(&text).expect("JSON");
        let peer = jsonschema::validator_for(&schema).expect("compiles");
        assert!(peer.is_valid(&body));
        assert!(erpspec_generated::validate_wire(vendor, endpoint, &body).unwrap().is_valid());
        let t = Instant::now();
        let mut ok = 0u32;
        for _ in 0..N {
            ok += u32::from(
                erpspec_generated::validate_wire(vendor, endpoint, std::hint::black_box(&body))
                    .unwrap()
                    .is_valid(),
            );
        }
        let ours = f64::from(N) / t.elapsed().as_secs_f64();
        let t = Instant::now();
        for _ in 0..N {
            ok += u32::from(peer.is_valid(std::hint::black_box(&body)));
        }
        let theirs = f64::from(N) / t.elapsed().as_secs_f64();
        assert_eq!(ok, 2 * N);
        println!("{:<36} {:>14.0} {:>14.0}", format!("{vendor}.{endpoint}"), ours, theirs);
    }
}
