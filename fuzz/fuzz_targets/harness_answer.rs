//! The harness's answer handling on hostile answers: any status, headers
//! and body judged as a success and as each refusal of an endpoint, then
//! shown as a report shows it (redacted, clipped, escaped). Never a panic,
//! and the secret never survives.
#![no_main]
use conformance::plan::Expect;
use conformance::transport::Reply;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const SECRET: &str = "K123456789";

fn vendors() -> &'static Vec<erpspec_model::ir::Vendor> {
    static V: OnceLock<Vec<erpspec_model::ir::Vendor>> = OnceLock::new();
    V.get_or_init(|| erpspec_schemas::load().expect("schemas").vendors)
}

fuzz_target!(|data: &[u8]| {
    let [a, b, c, rest @ ..] = data else { return };
    let v = &vendors()[*a as usize % vendors().len()];
    let ep = &v.endpoints[*b as usize % v.endpoints.len()];
    // status \0 header lines \0 body
    let mut parts = rest.splitn(2, |x| *x == 0);
    let head = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let body = parts.next().unwrap_or_default().to_vec();
    let status = 100 + (*c as u16 % 5) * 100 + (head.len() as u16 % 100);
    let headers = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let reply = Reply {
        status,
        headers,
        body,
        millis: 0,
    };
    let mut expects = vec![Expect::Success { asserts: Vec::new() }, Expect::Refusal { entries: Vec::new() }];
    expects.extend(v.errors.iter().take(4).map(|e| Expect::Refusal {
        entries: vec![e.id.clone()],
    }));
    for expect in &expects {
        let _ = conformance::oracle::judge(v, Some(ep), expect, &reply);
    }
    let shown = conformance::redact::redact(
        &String::from_utf8_lossy(&reply.body),
        &[(SECRET.to_string(), "${SECRET}".to_string())],
    );
    assert!(!shown.contains(SECRET), "{shown}");
    let printable = conformance::report::printable(&shown);
    assert!(!printable.chars().any(char::is_control));
});
