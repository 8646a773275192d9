//! Validation end to end, bytes in, verdict out: the generated validators
//! against the `jsonschema` crate (the peer) running the JSON Schema erpspec
//! emits for the same endpoint (`serde_json::from_slice` + `is_valid` /
//! `iter_errors`), on the same bytes, in the same process.
//!
//! cargo run --release -p erpspec-generated --example bench_validate [-- --quick]
//!
//! Bodies (Expandable customer-contact-create): every declared member with a
//! valid value (about 1.8 KB), and a 34 KB one (a long NOTES plus every other
//! member) that breaks two documented rules. Prints a Markdown table: per
//! body and validator, microseconds per request as median (min-max) over
//! RUNS runs of many requests each, and the peer's time over ours.
//! `--quick` (CI's smoke run) makes one short run: not a figure.

use serde_json::{Map, Value};
use std::time::Instant;

const VENDOR: &str = "expandable";
const ENDPOINT: &str = "customer-contact-create";

/// Every declared member of the endpoint with a valid string value: all 41
/// fields of Expandable customer-contact-create are strings, only NOTES has
/// a limit (32,765 characters).
fn full_body(notes: &str) -> Map<String, Value> {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
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

/// Nanoseconds per call of `f` over `iters` calls, for each of `runs` runs.
fn time(runs: usize, iters: u32, mut f: impl FnMut() -> bool) -> Vec<f64> {
    (0..runs)
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

/// Median, min and max, in microseconds.
fn stats(mut ns: Vec<f64>) -> (f64, f64, f64) {
    ns.sort_by(f64::total_cmp);
    (ns[ns.len() / 2] / 1e3, ns[0] / 1e3, ns[ns.len() - 1] / 1e3)
}

fn cell((median, min, max): (f64, f64, f64)) -> String {
    format!("{median:.2} ({min:.2}-{max:.2})")
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (runs, scale) = if quick { (1, 100) } else { (7, 1) };
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

    let (n_small, n_big) = (50_000 / scale, 5_000 / scale);
    let peer_small = stats(time(runs, n_small, || {
        peer.is_valid(&serde_json::from_slice::<Value>(std::hint::black_box(&small)).expect("JSON"))
    }));
    let ours_small = stats(time(runs, n_small, || ours(std::hint::black_box(&small)).is_valid()));
    let check_small = stats(time(runs, n_small, || check(std::hint::black_box(&small)).is_valid()));
    let peer_big = stats(time(runs, n_big, || {
        peer.iter_errors(&serde_json::from_slice::<Value>(std::hint::black_box(&big)).expect("JSON"))
            .count()
            == 2
    }));
    let ours_big = stats(time(runs, n_big, || ours(std::hint::black_box(&big)).violations.len() == 2));
    let check_big = stats(time(runs, n_big, || check(std::hint::black_box(&big)).violations.len() == 2));

    println!(
        "| body | jsonschema: `from_slice` + `is_valid` / `iter_errors` | `check_wire_bytes` (verdict, every violation) | `validate_wire_bytes` (and the normalized request) | jsonschema / `check_wire_bytes` | jsonschema / `validate_wire_bytes` |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (body, bytes, peer, check, ours) in [
        ("valid", small.len(), peer_small, check_small, ours_small),
        ("2 violations", big.len(), peer_big, check_big, ours_big),
    ] {
        println!(
            "| {body}, {bytes} bytes | {} | {} | {} | {:.2}x | {:.2}x |",
            cell(peer),
            cell(check),
            cell(ours),
            peer.0 / check.0,
            peer.0 / ours.0
        );
    }
}
