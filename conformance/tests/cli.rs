//! The command line as other scripts call it: exit codes, report files,
//! `--expect-failure`, `replay`, and credentials that never leave the process.

mod common;

use std::process::Command;

const KEY: &str = "SecretKey1";

fn server(fault: Option<&str>) -> reference::Running {
    common::rpm_server(KEY, fault)
}

fn harness(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    common::run_harness(dir, args, &[("ERPSPEC_CREDENTIAL_API_KEY", Some(KEY))])
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    common::temp_dir(&format!("cli-{name}"))
}

#[test]
fn a_conformant_server_exits_0_and_a_faulty_one_exits_1_with_reports_and_no_secret() {
    let dir = temp_dir("faulty");
    let clean = server(None);
    let (code, out) = harness(
        &dir,
        &["check", "--api", "rpm", "--base-url", &clean.base_url(), "--seed", "5", "-q"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 failed"), "{out}");

    let faulty = server(Some("wrong-message=customer-not-found"));
    let (code, out) = harness(
        &dir,
        &[
            "check",
            "--api",
            "rpm",
            "--base-url",
            &faulty.base_url(),
            "--seed",
            "5",
            "--report",
            "json=report.json",
            "--report",
            "junit=report.xml",
            "-q",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL rpm.customer.stateful.not_found"), "{out}");
    assert!(out.contains("reproduce: curl"), "{out}");
    let json = std::fs::read_to_string(dir.join("report.json")).unwrap();
    let xml = std::fs::read_to_string(dir.join("report.xml")).unwrap();
    assert!(json.contains("\"verdict\": \"failed\""));
    assert!(xml.contains("<testsuite") && xml.contains("<failure"));
    let saved: Vec<String> = std::fs::read_dir(dir.join(".conformance/failures"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(!saved.is_empty());
    for (what, text) in [("output", &out), ("json", &json), ("junit", &xml)]
        .into_iter()
        .chain(saved.iter().map(|s| ("saved", s)))
    {
        assert!(!text.contains(KEY), "the credential appears in the {what}");
    }
    assert!(out.contains("${ERPSPEC_CREDENTIAL_API_KEY}"), "{out}");

    // A subset by id prefix.
    let (code, out) = harness(
        &dir,
        &[
            "check",
            "--api",
            "rpm",
            "--base-url",
            &clean.base_url(),
            "--only",
            "rpm.customer.",
            "-q",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rpm.customer.") || out.contains("customer "), "{out}");
    assert!(!out.contains("customer-contact-add "), "only rpm.customer.* checks run: {out}");

    // The same failure, accepted as a known deviation.
    let failing: Vec<String> = serde_json::from_str::<serde_json::Value>(&json).unwrap()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "failed")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let faulty_url = faulty.base_url();
    let mut args = vec!["check", "--api", "rpm", "--base-url", &faulty_url, "--seed", "5", "-q"];
    for id in &failing {
        args.push("--expect-failure");
        args.push(id);
    }
    let (code, out) = harness(&dir, &args);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("EXPECTED FAIL"), "{out}");

    // Replay re-sends the saved failure: still failing on the faulty server,
    // fixed on the clean one.
    let (code, out) = harness(&dir, &["replay", "rpm.customer.stateful.not_found"]);
    assert_eq!(code, 1, "{out}");
    let (code, out) = harness(
        &dir,
        &["replay", "rpm.customer.stateful.not_found", "--base-url", &clean.base_url()],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("FIXED"), "{out}");
}

#[test]
fn usage_errors_and_unreachable_servers_exit_2() {
    let dir = temp_dir("usage");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let (code, out) = harness(&dir, &["check", "--api", "rpm", "--base-url", &url]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unreachable"), "{out}");
    let (code, out) = harness(&dir, &["check", "--api", "nosuch", "--base-url", &url]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown API"), "{out}");
    let (code, out) = harness(&dir, &["check", "--api", "rpm", "--base-url", &url, "--credential", "NOPE=1"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown credential"), "{out}");
    let (code, _) = harness(&dir, &["check", "--api", "rpm"]);
    assert_eq!(code, 2);
    // Wrong credentials: one clear error, not a failure per check.
    let s = server(None);
    let (code, out) = harness(
        &dir,
        &[
            "check",
            "--api",
            "rpm",
            "--base-url",
            &s.base_url(),
            "--credential",
            "API_KEY=NotTheKey99",
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the credentials look wrong"), "{out}");
    assert!(!out.contains("NotTheKey99"), "{out}");
}

#[test]
fn a_run_that_checks_nothing_a_mistyped_expected_failure_and_an_unwritable_report_exit_2_before_any_request() {
    let dir = temp_dir("nothing");
    let s = server(None);
    let url = s.base_url();
    let base = ["check", "--api", "rpm", "--base-url", &url, "--seed", "5", "-q"];
    let with = |extra: &[&str]| -> (i32, String) {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        harness(&dir, &args)
    };
    let (code, out) = with(&["--only", "rpm.no-such-endpoint."]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no check ran (--only rpm.no-such-endpoint.)"), "{out}");

    let (code, out) = with(&["--expect-failure", "rpm.customer-add.auth.mising"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "`--expect-failure rpm.customer-add.auth.mising` names no check of rpm; did you mean `rpm.customer-add.auth.missing`?"
        ),
        "{out}"
    );

    let (code, out) = with(&["--report", "json=no/such/dir/report.json"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cannot write the report no/such/dir/report.json"), "{out}");
    // Refused before the run: nothing reached the server.
    assert!(!out.contains("checks:"), "{out}");

    let (code, out) = with(&["--only", "rpm.customer-add.auth."]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn sigterm_mid_run_deletes_what_the_run_created_writes_the_reports_and_exits_130() {
    let dir = temp_dir("interrupted");
    // Expandable documents deletes: what the run creates can be removed.
    let creds: std::collections::BTreeMap<String, String> = [("DATA_SOURCE", "DEMO"), ("USER_NAME", "APIUSER"), ("PASSWORD", "Secret123")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let s = common::reference_server("expandable", &creds, "default", 1, None).expect("server starts");
    let mut args: Vec<String> = ["check", "--api", "expandable", "--base-url", &s.base_url(), "--seed", "5"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    // Long enough to be stopped in the middle.
    args.extend(["--cases", "2000", "--concurrency", "1", "--report", "json=report.json", "-q"].map(String::from));
    for (k, v) in &creds {
        args.extend(["--credential".to_string(), format!("{k}={v}")]);
    }
    let child = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .current_dir(&dir)
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the harness starts");
    // Past the login and the setup's records, into the checks.
    std::thread::sleep(std::time::Duration::from_secs(4));
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(130), "{text}");
    assert!(text.contains("conformance: interrupted"), "{text}");
    assert!(text.contains("cleanup: deleted"), "{text}");
    assert!(!text.contains("could not be deleted"), "{text}");
    let report = std::fs::read_to_string(dir.join("report.json")).expect("the report is written");
    assert!(report.contains("the run was interrupted"), "the skipped checks say why");
}

#[test]
fn list_explain_and_version_say_what_is_checked_without_a_request() {
    let dir = temp_dir("list");
    let (code, out) = harness(&dir, &["--version"]);
    assert_eq!(code, 0, "{out}");
    let api = erpspec_schemas::load().unwrap();
    assert!(out.contains(&erpspec_model::fingerprint::of(&api)), "{out}");

    let (code, out) = harness(&dir, &["list", "--api", "manex", "--only", "manex.customer-add.Custname."]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines().any(|l| l
            == "manex.customer-add.Custname.required.missing\trejected\tmanex.customer-add.Custname.required\tdocumented\tcustomer-main"),
        "{out}"
    );
    let (code, out) = harness(&dir, &["list", "--api", "rpm", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).expect("JSON");
    assert!(rows.len() > 100 && rows.iter().all(|r| r["id"].is_string() && r["strength"].is_string()));
    let (code, out) = harness(&dir, &["list", "--api", "rpm", "--only", "rpm.nope"]);
    assert_eq!(code, 2, "{out}");

    let (code, out) = harness(&dir, &["explain", "manex.customer-add.Custname.required.missing"]);
    assert_eq!(code, 0, "{out}");
    for want in [
        "rule:     manex.customer-add.Custname.required",
        "Custname is required",
        "POST /API/Customer/Add/${ERPSPEC_CREDENTIAL_API_KEY}",
        "expects: the refusal `customer-add-failed`",
        "../shared/seeds/003_ce6f3b901637b304.txt",
    ] {
        assert!(out.contains(want), "{want:?} missing from:\n{out}");
    }
    let (code, out) = harness(&dir, &["explain", "manex.customer-add.Custname.required.mising"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("did you mean `manex.customer-add.Custname.required.missing`?"),
        "{out}"
    );
}
