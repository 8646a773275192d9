//! `cargo xtask diff` as scripts use it: exit codes, `--allow`, the three
//! formats, and a version that cannot be read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A copy of `schemas/` with one edit.
fn edited_copy(tag: &str, file: &str, from: &str, to: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("erpspec-diff-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let schemas = root().join("schemas");
    for vendor in std::fs::read_dir(&schemas).unwrap().flatten().filter(|e| e.path().is_dir()) {
        let into = dir.join(vendor.file_name());
        std::fs::create_dir_all(&into).unwrap();
        for f in std::fs::read_dir(vendor.path()).unwrap().flatten() {
            std::fs::copy(f.path(), into.join(f.file_name())).unwrap();
        }
    }
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    dir
}

fn diff(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .args(args)
        .current_dir(root())
        .output()
        .expect("run xtask diff")
}

#[test]
fn a_breaking_change_fails_unless_allowed_in_every_format() {
    let tightened = edited_copy(
        "tight",
        "manex/customer-add.yaml",
        "Credlimit: { type: number, minimum: 0,",
        "Credlimit: { type: number, minimum: 10,",
    );
    let new = tightened.to_str().unwrap();
    let out = diff(&["schemas", new]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("manex.customer-add.Credlimit.minimum") && text.contains("limit-tightened"),
        "{text}"
    );
    assert!(text.contains("minimum 0 -> 10"), "{text}");

    let allowed: Vec<&str> = vec![
        "schemas",
        new,
        "--allow",
        "manex.customer-add.Credlimit.minimum",
        "--allow",
        "manex.customer-edit.Credlimit.minimum",
    ];
    assert_eq!(diff(&allowed).status.code(), Some(0));

    let json = diff(&["schemas", new, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(v["breaking_not_allowed"], 2, "{v}");
    assert_eq!(v["changes"][0]["impact"], "breaks-clients-and-servers");
    assert_eq!(v["changes"][0]["old"], 0.0);

    let junit = diff(&["schemas", new, "--format", "junit"]);
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert_eq!(junit.status.code(), Some(1));
    assert_eq!(xml.matches("<failure").count(), 2, "{xml}");

    // Loosened: a compatible change for clients, still one servers fail.
    let loosened = edited_copy(
        "loose",
        "manex/customer-add.yaml",
        "  Creditok: { type: string, enum: [OK, HOLD, REJECT]",
        "  Creditok: { type: string, enum: [OK, HOLD, REJECT, WATCH]",
    );
    let out = diff(&["schemas", loosened.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("breaks servers:"));
    let _ = std::fs::remove_dir_all(tightened);
    let _ = std::fs::remove_dir_all(loosened);
}

#[test]
fn identical_versions_pass_and_an_unreadable_one_exits_2() {
    let out = diff(&["schemas", "schemas"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 change(s)"));
    let out = diff(&["schemas", "no-such-revision-or-directory"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a directory nor a git revision"));
}
