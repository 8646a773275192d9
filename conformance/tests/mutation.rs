//! The harness proves itself against the reference server: under the
//! default and the other readings, every fault of a documented or contested
//! rule is caught by a failure of a check of that rule, the fault-free
//! server passes (under random readings too), and one fault's report is
//! held in a snapshot at a fixed seed.

mod common;

use conformance::mutation::{self, Fault, Server};
use conformance::run::{self, Options, Verdict};
use conformance::target::Target;
use conformance::transport::BaseUrl;
use std::collections::BTreeMap;

fn credentials(api: &str) -> BTreeMap<String, String> {
    let vendor = conformance::load_vendor(api).unwrap();
    mutation::generated_credentials(&vendor)
}

fn start(api: &str, creds: &BTreeMap<String, String>, reading: &str, fault: Option<&str>) -> Result<Server, String> {
    start_seeded(api, creds, reading, 1, fault)
}

fn start_seeded(api: &str, creds: &BTreeMap<String, String>, reading: &str, seed: u64, fault: Option<&str>) -> Result<Server, String> {
    let running = common::reference_server(api, creds, reading, seed, fault)?;
    Ok(Server {
        base_url: running.base_url(),
        credentials: creds.clone(),
        guard: Box::new(running),
    })
}

fn opts() -> Options {
    Options {
        seed: 7,
        cases: 2,
        run_nonce: Some(7),
        ..Options::default()
    }
}

#[test]
fn every_fault_is_caught_and_the_fault_free_server_passes() {
    let mut rows = Vec::new();
    for api in common::vendors() {
        let api = api.as_str();
        let vendor = conformance::load_vendor(api).unwrap();
        let creds = credentials(api);
        let mut faults: Vec<Option<Fault>> = vec![None];
        faults.extend(reference::faults::catalogue(&vendor).into_iter().map(|f| {
            Some(Fault {
                name: f.name,
                rule: f.rule,
                strength: f.strength,
            })
        }));
        for reading in ["default", "other"] {
            for f in &faults {
                let row = mutation::run_one(&vendor, f.as_ref(), reading, &opts(), &|fault| start(api, &creds, reading, fault));
                rows.push((api.to_string(), row));
            }
        }
    }
    let table = mutation::table(&rows);
    println!("{table}");
    let bad: Vec<String> = rows
        .iter()
        .filter(|(_, r)| !r.ok())
        .map(|(api, r)| format!("{api} {} {:?}: {:?}", r.reading, r.fault, r.error))
        .collect();
    assert!(bad.is_empty(), "not caught or not clean:\n{}\n\n{table}", bad.join("\n"));
    assert!(rows.len() > 100, "{} rows", rows.len());
}

/// Random halves of the choice points (three seeds per vendor): the
/// fault-free server passes whichever documented readings it takes.
#[test]
fn the_fault_free_server_passes_under_random_readings() {
    let mut bad = Vec::new();
    for api in common::vendors() {
        let api = api.as_str();
        let vendor = conformance::load_vendor(api).unwrap();
        let creds = credentials(api);
        for seed in 1..=3 {
            let row = mutation::run_one(&vendor, None, "random", &opts(), &|fault| {
                start_seeded(api, &creds, "random", seed, fault)
            });
            if !row.ok() {
                bad.push(format!("{api} random seed {seed}: {:?}", row.error));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The random wrong key the harness presents (the form of `K123456789`: a
/// letter past `F`, nine digits) written `WRONG_KEY`, so the text is stable.
fn wrong_keys_named(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let w = &chars[i..chars.len().min(i + 10)];
        let is_key = w.len() == 10
            && ('G'..='Z').contains(&w[0])
            && w[1..].iter().all(char::is_ascii_digit)
            && chars.get(i + 10).is_none_or(|c| !c.is_ascii_alphanumeric())
            && i > 0
            && chars[i - 1] == '/';
        if is_key {
            out.push_str("WRONG_KEY");
            i += 10;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn the_report_of_one_fault_at_a_fixed_seed() {
    let api = "manex";
    let vendor = conformance::load_vendor(api).unwrap();
    let creds: BTreeMap<String, String> = [("API_KEY".to_string(), "K123456789".to_string())].into();
    let server = start(api, &creds, "default", Some("wrong-message=invalid-api-key")).unwrap();
    let mut t = Target {
        fixtures: conformance::default_fixtures(&vendor),
        vendor,
        base: BaseUrl::parse(&server.base_url).unwrap(),
        credentials: creds,
        token: Default::default(),
    };
    let r = run::run(&mut t, &opts(), &run::Silent).unwrap();
    let failures: Vec<String> = r
        .outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Failed)
        .map(|o| wrong_keys_named(&conformance::report::failure_text(&t, o).replace(&server.base_url, "http://SERVER")))
        .collect();
    assert!(!failures.is_empty());
    insta::assert_snapshot!(failures.join("\n"));
}
