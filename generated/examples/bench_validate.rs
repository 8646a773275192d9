//! Validation end to end, bytes in, verdict out: the generated validators
//! against the `jsonschema` crate (the peer) running the JSON Schema erpspec
//! emits for the same endpoint (`serde_json::from_slice` + `is_valid` /
//! `iter_errors`), on the same bytes, in the same process.
//!
//! cargo run --release -p erpspec-generated --example bench_validate
//!
//! Bodies (Expandable customer-contact-create): every declared member with a
//! valid value (about 1.8 KB), and a 34 KB one (a long NOTES plus every other
//! member) that breaks two documented rules. Prints, per body and validator,
//! the time per request as median, min and max over RUNS runs.

use serde_json::{Map, Value};
use std::time::Instant;

const VENDOR: &str = "expandable";
const ENDPOINT: &str = "customer-contact-create";
const RUNS: usize = 7;

/// Every declared member of the endpoint with a valid string value: all 41
/// fields of Expandable customer-contact-create are strings, only NOTES has
/// a limit (32,765 characters).
fn full_body(notes: &str) -> Map<String, Value> {
    let api = erpspec_codegen::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    let ep = api.vendor(VENDOR).and_then(|v| v.endpoint(ENDPOINT)).expect("endpoint");
    let mut body = Map::new();
    for f in &ep.request {
        let value = if f.name == "NOTES" {
            notes.to_string()
        } else {
            format!("the value of {} #{:02}", f.name, body.len())
        };
        body.insert(f.name.clone(), Value::String(value));
    }
    assert_eq!(body.len(), 41, "every member of customer-contact-create");
    body
}

/// Nanoseconds per call of `f` over `iters` calls, for each of RUNS runs.
fn time(iters: u32, mut f: impl FnMut() -> bool) -> Vec<f64> {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            let mut ok = 0u32;
            for _ in 0..iters {
                ok += u32::from(f());
            }
            std::hint::black_box(ok);
            t.elapsed().as_secs_f64() * 1e9 / f64::from(iters)
        })
        .collect()
}

fn stats(mut ns: Vec<f64>) -> (f64, f64, f64) {
    ns.sort_by(f64::total_cmp);
    (ns[ns.len() / 2], ns[0], ns[ns.len() - 1])
}

fn row(body: &str, who: &str, ns: Vec<f64>) -> f64 {
    let (median, min, max) = stats(ns);
    println!(
        "{body:<10} {who:<44} {:>10.3} {:>10.3} {:>10.3}",
        median / 1e3,
        min / 1e3,
        max / 1e3
    );
    median
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("json-schema").join(VENDOR).join(format!("{ENDPOINT}.request.json"))).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("JSON");
    let peer = jsonschema::validator_for(&schema).expect("compiles");

    let small = serde_json::to_vec(&Value::Object(full_body("Notes can be up to 32,765 characters long."))).expect("JSON");
    let mut big = full_body(&"Notes that run on and on. ".repeat(1250));
    big.remove("CUST_CONTACT"); // required
    big.insert("FIRST_NAME".into(), Value::from(12)); // a string
    let big = serde_json::to_vec(&Value::Object(big)).expect("JSON");

    // Both sides must reach the same verdicts before they are timed.
    let ours = |b: &[u8]| {
        erpspec_generated::validate_wire_bytes(VENDOR, ENDPOINT, b)
            .expect("endpoint")
            .expect("JSON")
    };
    let check = |b: &[u8]| {
        erpspec_generated::check_wire_bytes(VENDOR, ENDPOINT, b)
            .expect("endpoint")
            .expect("JSON")
    };
    assert!(ours(&small).is_valid() && peer.is_valid(&serde_json::from_slice(&small).expect("JSON")));
    assert_eq!(ours(&big).violations.len(), 2);
    assert!(check(&small).is_valid());
    assert_eq!(check(&big).violations, ours(&big).violations);
    assert_eq!(peer.iter_errors(&serde_json::from_slice(&big).expect("JSON")).count(), 2);

    println!(
        "{} bytes and {} bytes; microseconds per request over {RUNS} runs",
        small.len(),
        big.len()
    );
    println!("{:<10} {:<44} {:>10} {:>10} {:>10}", "body", "validator", "median", "min", "max");
    let peer_small = row(
        "1.8 KB",
        "jsonschema from_slice + is_valid",
        time(50_000, || {
            peer.is_valid(&serde_json::from_slice::<Value>(std::hint::black_box(&small)).expect("JSON"))
        }),
    );
    let ours_small = row(
        "1.8 KB",
        "validate_wire_bytes (with normalized)",
        time(50_000, || ours(std::hint::black_box(&small)).is_valid()),
    );
    let check_small = row(
        "1.8 KB",
        "check_wire_bytes (no normalized copy)",
        time(50_000, || check(std::hint::black_box(&small)).is_valid()),
    );
    println!(
        "{:<10} {:<44} {:>10.2}x",
        "1.8 KB",
        "jsonschema / check_wire_bytes",
        peer_small / check_small
    );
    println!(
        "{:<10} {:<44} {:>10.2}x",
        "1.8 KB",
        "jsonschema / validate_wire_bytes",
        peer_small / ours_small
    );
    let peer_big = row(
        "34 KB",
        "jsonschema from_slice + iter_errors",
        time(5_000, || {
            peer.iter_errors(&serde_json::from_slice::<Value>(std::hint::black_box(&big)).expect("JSON"))
                .count()
                == 2
        }),
    );
    let ours_big = row(
        "34 KB",
        "validate_wire_bytes (with normalized)",
        time(5_000, || ours(std::hint::black_box(&big)).violations.len() == 2),
    );
    let check_big = row(
        "34 KB",
        "check_wire_bytes (no normalized copy)",
        time(5_000, || check(std::hint::black_box(&big)).violations.len() == 2),
    );
    println!(
        "{:<10} {:<44} {:>10.2}x",
        "34 KB",
        "jsonschema / check_wire_bytes",
        peer_big / check_big
    );
    println!(
        "{:<10} {:<44} {:>10.2}x",
        "34 KB",
        "jsonschema / validate_wire_bytes",
        peer_big / ours_big
    );
}
