//! The generated validators and the request readers on hostile bytes: a JSON
//! body for an endpoint (chosen by the first byte), read with and without
//! the normalized copy, and the same bytes as a query string.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let (vendor, endpoint) = erpspec_generated::ENDPOINTS[pick as usize % erpspec_generated::ENDPOINTS.len()];
    let full = erpspec_generated::validate_wire_bytes(vendor, endpoint, bytes).expect("a known endpoint");
    let checked = erpspec_generated::check_wire_bytes(vendor, endpoint, bytes).expect("a known endpoint");
    // The two readings agree on the verdict.
    match (&full, &checked) {
        (Ok(a), Ok(b)) => assert_eq!(a.violations.len(), b.violations.len(), "{vendor} {endpoint}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{vendor} {endpoint}: one reading parsed what the other refused"),
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let _ = erpspec_generated::validate_wire(vendor, endpoint, &v);
    }
    let query = erpspec_rules::query_object(&String::from_utf8_lossy(bytes));
    let _ = erpspec_generated::validate_wire(vendor, endpoint, &query);
});
