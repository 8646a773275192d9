//! The HTML report as a CI page shows it: written for a server with a fault,
//! then opened in headless Chromium (`tests/browser/check-report.mjs`, with
//! playwright-core from target/ci-node): no network, no console error, every
//! section, filters that filter, each failure with its curl, identifiers
//! whole at 1400 px. Without Chromium or playwright-core the browser part is
//! skipped and says so, unless `ERPSPEC_REQUIRE_BROWSER` is set (CI sets it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const KEY: &str = "HtmlKey123";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Chromium and the node_modules holding playwright-core, or why not.
fn browser() -> Result<(PathBuf, PathBuf), String> {
    let chromium = PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    let node_modules = workspace().join("target/ci-node/node_modules");
    if !chromium.exists() {
        return Err(format!("no Chromium at {}", chromium.display()));
    }
    if !node_modules.join("playwright-core").is_dir() {
        return Err(format!(
            "no playwright-core under {} (`cargo xtask docs --browser` installs it)",
            node_modules.display()
        ));
    }
    Ok((chromium, node_modules))
}

#[test]
fn the_html_report_works_in_a_browser_without_network() {
    let dir = std::env::temp_dir().join(format!("erpspec-html-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let faulty = common::rpm_server(KEY, Some("wrong-message=customer-not-found"));
    let report = dir.join("report.html");
    let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .current_dir(&dir)
        .args(["check", "--api", "rpm", "--base-url", &faulty.base_url(), "-q", "--cases", "2"])
        .arg("--credential")
        .arg(format!("API_KEY={KEY}"))
        .arg("--report")
        .arg(format!("html={}", report.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(!html.contains(KEY), "the credential stays out of the report");
    assert!(
        !html.contains("http://") || html.contains(&faulty.base_url()),
        "only the server's own address"
    );
    assert!(!html.contains("<script src") && !html.contains("<link"), "everything inline");

    let (chromium, node_modules) = match browser() {
        Ok(b) => b,
        Err(why) if std::env::var_os("ERPSPEC_REQUIRE_BROWSER").is_some() => {
            panic!("ERPSPEC_REQUIRE_BROWSER is set but {why}")
        }
        Err(why) => {
            eprintln!("skipped the browser part: {why}");
            return;
        }
    };
    let screenshot = workspace().join("target/report-screenshot/rpm-report.png");
    let run = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/check-report.mjs"))
        .arg(&report)
        .arg(&screenshot)
        .current_dir(node_modules.parent().unwrap())
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the browser check failed:\n{stdout}\n{stderr}");
    let seen: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert!(seen["failed"].as_u64().unwrap() >= 1, "{seen}");
    assert!(seen["passed"].as_u64().unwrap() >= 1, "{seen}");
    assert!(seen["score"].as_str().unwrap().starts_with("Conformance score:"), "{seen}");
    assert!(screenshot.is_file());
    eprintln!("the report in {}: {seen}; screenshot {}", seen["chromium"], screenshot.display());
}
