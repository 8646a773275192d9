//! `conformance.toml` as a pipeline uses it: found in the working
//! directory, `${VAR}` for the secret, flags over the file; a baseline
//! written by `--baseline-update` makes a faulty server's run green, and a
//! new fault then fails it; a typo is refused at its line; the JSON Schema
//! for editors knows exactly the keys the harness reads.

mod common;

use std::process::Command;

const KEY: &str = "SecretKey2";

fn harness(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    common::run_harness(dir, args, &[("RPM_KEY_FOR_TEST", Some(KEY)), ("ERPSPEC_CREDENTIAL_API_KEY", None)])
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    common::temp_dir(&format!("config-{name}"))
}

fn config(base_url: &str) -> String {
    format!(
        "# The pipeline's configuration.\napi = \"rpm\"\nbase_url = \"{base_url}\"\nseed = 5\ncases = 2\nquiet = true\nreport = [\"json=report.json\", \"junit=report.xml\", \"markdown=summary.md\", \"har=exchanges.har\", \"html=report.html\"]\n\n[credentials]\nAPI_KEY = \"${{RPM_KEY_FOR_TEST}}\"\n"
    )
}

#[test]
fn a_baseline_accepts_todays_failures_and_a_new_one_fails_the_run() {
    let dir = temp_dir("baseline");
    let faulty = common::rpm_server(KEY, Some("wrong-message=customer-not-found"));
    std::fs::write(dir.join("conformance.toml"), config(&faulty.base_url())).unwrap();

    // The file alone: the fault fails the run, the reports are written.
    let (code, out) = harness(&dir, &["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(dir.join("report.json").is_file() && dir.join("report.xml").is_file());
    assert!(!out.contains(KEY), "{out}");

    // Accept today's failures; the file keeps the rest as written.
    let (code, out) = harness(&dir, &["check", "--baseline-update"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("expected failure"), "{out}");
    let text = std::fs::read_to_string(dir.join("conformance.toml")).unwrap();
    assert!(text.starts_with("# The pipeline's configuration.\napi = \"rpm\""), "{text}");
    assert!(text.contains("[[expect_failure]]\nid = \"rpm."), "{text}");
    assert!(
        text.contains("API_KEY = \"${RPM_KEY_FOR_TEST}\""),
        "the secret stays a variable: {text}"
    );
    assert!(!text.contains(KEY), "{text}");

    // The same server is now green.
    let (code, out) = harness(&dir, &["check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("expected failures") || out.contains("EXPECTED FAIL"), "{out}");
    reports_say_what_a_ci_page_shows(&dir);

    // A new fault (the same baseline) fails the run again.
    let worse = common::rpm_server(KEY, Some("accept-any-method"));
    let (code, out) = harness(&dir, &["check", "--base-url", &worse.base_url()]);
    assert_eq!(code, 1, "a flag overrides the file's base_url: {out}");

    // A fixed server: the baseline's entries are stale, and say so.
    let clean = common::rpm_server(KEY, None);
    let (code, out) = harness(&dir, &["check", "--base-url", &clean.base_url()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("stale: rpm."), "{out}");
}

/// The reports of a run whose failures the baseline lists: the JSON report
/// valid against its schema, with a format version, the fingerprint and the
/// scores; JUnit showing expected failures as skipped, with the seed and
/// the fingerprint; the Markdown job summary with the score per endpoint.
fn reports_say_what_a_ci_page_shows(dir: &std::path::Path) {
    let schema: serde_json::Value = serde_json::from_str(include_str!("../report.schema.json")).unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("report.schema.json compiles");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["format_version"], 1);
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["verdict"] == "expected_failure")
    );
    let rules = report["scores"]["vendor"]["rules"].as_u64().unwrap();
    let passing = report["scores"]["vendor"]["passing"].as_u64().unwrap();
    assert!(rules > 20 && passing < rules, "{}", report["scores"]);

    let xml = std::fs::read_to_string(dir.join("report.xml")).unwrap();
    assert!(xml.contains("<skipped message=\"expected failure: "), "{xml}");
    assert!(xml.contains("name=\"seed\" value=\"5\""), "{xml}");
    let fingerprint = report["schema_fingerprint"].as_str().unwrap();
    assert!(xml.contains(fingerprint));

    let har: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("exchanges.har")).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    assert!(entries.len() > 100, "every exchange: {}", entries.len());
    assert!(
        entries
            .iter()
            .all(|e| e["request"]["url"].as_str().unwrap().starts_with("http://127.0.0.1:")
                && e["startedDateTime"].as_str().unwrap().ends_with('Z')
                && e["comment"].as_str().unwrap().starts_with("rpm."))
    );
    let text = har.to_string();
    assert!(
        !text.contains(KEY) && text.contains("${ERPSPEC_CREDENTIAL_API_KEY}"),
        "credentials masked in the HAR"
    );

    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("id=\"score\"") && html.contains("class=\"verdict\""));
    assert!(html.contains("expected failure"), "the baselined check is shown");
    assert!(
        !html.contains("http://") || !html.contains("<script src"),
        "self-contained: no external script"
    );
    assert!(!html.contains(KEY));

    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(md.contains("**Conformance score: "), "{md}");
    assert!(md.contains("| `customer` | "), "{md}");
    assert!(!md.contains(KEY));
}

#[test]
fn github_actions_get_one_annotation_per_failure() {
    let dir = temp_dir("annotations");
    let faulty = common::rpm_server(KEY, Some("wrong-message=customer-not-found"));
    std::fs::write(dir.join("conformance.toml"), config(&faulty.base_url())).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .current_dir(&dir)
        .arg("check")
        .env("RPM_KEY_FOR_TEST", KEY)
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error title=rpm.customer.stateful.not_found::")),
        "{text}"
    );
}

#[test]
fn a_mistake_in_the_file_is_refused_at_its_line_with_the_key_meant() {
    let dir = temp_dir("typo");
    std::fs::write(dir.join("conformance.toml"), "api = \"rpm\"\nbse_url = \"http://127.0.0.1:9\"\n").unwrap();
    let (code, out) = harness(&dir, &["check"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("conformance.toml:2:1: error: unknown key `bse_url`\n  help: did you mean `base_url`?"),
        "{out}"
    );
    std::fs::write(
        dir.join("other.toml"),
        "api = \"rpm\"\n[credentials]\nAPI_KEY = \"x\"\n[[expect_failure]]\nid = \"rpm.nope\"\nreason = \"x\"\n",
    )
    .unwrap();
    let (code, out) = harness(&dir, &["check", "--config", "other.toml", "--base-url", "http://127.0.0.1:9"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("`--expect-failure rpm.nope` names no check of rpm"), "{out}");
    let (code, out) = harness(&dir, &["check", "--config", "missing.toml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cannot read missing.toml"), "{out}");
}

#[test]
fn the_editor_schema_describes_exactly_the_keys_the_harness_reads() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../conformance.schema.json")).expect("conformance.schema.json is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("a draft-07 schema");
    let full = conformance::config::Config::parse(
        "api = \"rpm\"\nbase_url = \"http://x\"\nseed = 1\ncases = 2\nreport = [\"json=r.json\"]\nonly = [\"rpm.\"]\nconcurrency = 2\nstrict = true\nrun_timeout = 60.0\nquiet = true\ntimeout = 5.0\nmax_answer = 1000\nca_cert = \"ca.pem\"\nos_trust_store = true\nclient_cert = \"c.pem\"\nclient_key = \"k.pem\"\nprofile = \"p.json\"\ntoken_lifetime = 1.5\nheader = [\"X-Tenant: a\"]\nwait_for_server = 3.0\nrate_limit = \"20/s\"\n[credentials]\nAPI_KEY = \"k\"\n[fixtures]\nCUSTNO = \"1\"\n[[expect_failure]]\nid = \"rpm.x\"\nreason = \"r\"\nlink = \"https://t/1\"\n",
    )
    .expect("every key parses");
    let value = serde_json::to_value(&full).unwrap();
    let read: Vec<&String> = value.as_object().unwrap().keys().collect();
    let described: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    let mut a = read.clone();
    let mut b = described.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the schema's keys are the harness's");
    assert!(
        value.as_object().unwrap().values().all(|v| !v.is_null()),
        "the sample sets every key: {value}"
    );
    assert!(validator.is_valid(&value), "{value}");
    assert!(!validator.is_valid(&serde_json::json!({"bse_url": "x"})));
    assert!(
        !validator.is_valid(&serde_json::json!({"expect_failure": [{"id": "x"}]})),
        "a reason is required"
    );
}
