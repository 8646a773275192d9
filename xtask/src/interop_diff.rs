//! `cargo xtask interop`'s breaking-change peer: Optic (`optic diff
//! --check`, npm, under the ignored `target/interop-node`) on the OpenAPI
//! 3.0.3 documents both versions emit, beside `cargo xtask diff` on the same
//! two versions; per endpoint, where the two agree on "breaks clients" and
//! where they do not. Optic's breaking-change checks judge as a client does
//! (a failed check is our "breaks clients"); it cannot see what only the
//! `x-erpspec-*` members carry (a rule's strength, a dialect's envelope).
//!
//! Tried first: Atlassian's openapi-diff 0.24.1 (npm) never finished on
//! these documents (its JSON Schema comparison grows exponentially with
//! `anyOf` branches: RPM's answers and Expandable's at-least-one-of
//! requests); oasdiff is not in the registries this machine reaches.

use erpspec_diff::{Change, Impact};
use erpspec_model::ir::Vendor;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Pinned, like every tool CI installs. Optic 1.0.9's own dependencies
/// resolve to two copies of ajv that cannot compile its rulesets; the
/// override keeps one.
const PACKAGE_JSON: &str = r#"{"name": "erpspec-interop-node", "private": true,
  "dependencies": {"@useoptic/optic": "1.0.9"}, "overrides": {"ajv": "8.17.1"}}
"#;
pub const OPTIC: &str = "@useoptic/optic 1.0.9";

/// The pair compared when none is given: a commit of this repository's
/// history that changed a documented rule (RPM's customer name may not be
/// empty) and added two implied ones.
pub const DEFAULT_PAIR: [&str; 2] = ["96c1cd2^", "96c1cd2"];

/// What one tool says of one endpoint.
#[derive(Default)]
struct Said {
    breaking: usize,
    other: usize,
}

pub fn compare(root: &Path, old: &str, new: &str) -> Result<(), String> {
    let (old_api, new_api) = (erpspec_diff::version::load(root, old)?, erpspec_diff::version::load(root, new)?);
    let ours = erpspec_diff::diff(&old_api, &new_api);
    let tool = install(root)?;
    let dir = root.join("target/interop/diff");
    println!("breaking-change peer: {OPTIC} and `cargo xtask diff {old} {new}`, per endpoint (breaking for clients / other):");
    println!("| vendor | endpoint | ours | Optic | agree |\n| --- | --- | --- | --- | --- |");
    let (mut agree, mut rows) = (0, 0);
    for v in &new_api.vendors {
        let Some(was) = old_api.vendor(&v.name) else { continue };
        let docs = [write_doc(&dir.join("old"), was)?, write_doc(&dir.join("new"), v)?];
        let mine = by_endpoint(&ours, &v.name);
        let theirs = match docs[0].2 == docs[1].2 {
            // Identical documents: no tool finds a difference.
            true => BTreeMap::new(),
            false => match run_tool(&tool, &docs[0].0, &docs[1].0, &[&docs[0].1, &docs[1].1])? {
                Some(theirs) => theirs,
                None => {
                    println!(
                        "| {} | (all) | {} change(s) | Optic did not finish in {} s | - |",
                        v.name,
                        mine.values().map(|s| s.breaking + s.other).sum::<usize>(),
                        TOOL_TIMEOUT.as_secs()
                    );
                    continue;
                }
            },
        };
        let endpoints: std::collections::BTreeSet<&String> = mine.keys().chain(theirs.keys()).collect();
        for ep in endpoints {
            let (m, t) = (mine.get(ep), theirs.get(ep));
            let (mb, tb) = (m.is_some_and(|s| s.breaking > 0), t.is_some_and(|s| s.breaking > 0));
            let show = |s: Option<&Said>| s.map_or("-".to_string(), |s| format!("{} / {}", s.breaking, s.other));
            rows += 1;
            agree += usize::from(mb == tb);
            println!(
                "| {} | {ep} | {} | {} | {} |",
                v.name,
                show(m),
                show(t),
                if mb == tb { "yes" } else { "no" }
            );
        }
    }
    println!("agreement on breaking for clients: {agree} of {rows} endpoint(s) changed by either tool\n");
    Ok(())
}

/// Our changes of one vendor, per endpoint (`(dialect)` for the rest).
fn by_endpoint(ours: &[Change], vendor: &str) -> BTreeMap<String, Said> {
    let mut out: BTreeMap<String, Said> = BTreeMap::new();
    for c in ours.iter().filter(|c| c.vendor.as_deref() == Some(vendor)) {
        let said = out.entry(c.endpoint.clone().unwrap_or_else(|| "(dialect)".into())).or_default();
        match c.impact {
            Impact::BreaksClients | Impact::BreaksClientsAndServers => said.breaking += 1,
            _ => said.other += 1,
        }
    }
    out
}

/// Writes a vendor's OpenAPI 3.0.3 document: its path, the endpoint behind
/// each path key (from the operation ids, `<endpoint>-<method>`), its text.
fn write_doc(dir: &Path, v: &Vendor) -> Result<(std::path::PathBuf, BTreeMap<String, String>, String), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let doc = erpspec_codegen::emit::openapi30::from_31(&erpspec_codegen::emit::openapi::openapi(v));
    let path = dir.join(format!("{}.json", v.name));
    let text = doc.to_string();
    std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut endpoints = BTreeMap::new();
    for (key, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op["operationId"].as_str() {
                endpoints.insert(key.clone(), id.strip_suffix(&format!("-{method}")).unwrap_or(id).to_string());
            }
        }
    }
    Ok((path, endpoints, text))
}

/// How long Optic may take on one vendor.
const TOOL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Optic's verdict per endpoint, read from its text (the JSON output leaves
/// the checks out): an operation line (`✔ POST /path:` or `x POST /path:`),
/// its changed members (`- property ...: changed`), and each failed check
/// (`x [rule] ...`). `None` when it did not finish in [`TOOL_TIMEOUT`].
fn run_tool(
    tool: &Path,
    old: &Path,
    new: &Path,
    endpoints: &[&BTreeMap<String, String>],
) -> Result<Option<BTreeMap<String, Said>>, String> {
    let out_path = new.with_extension("optic.txt");
    let out_file = std::fs::File::create(&out_path).map_err(|e| format!("{}: {e}", out_path.display()))?;
    let mut child = Command::new(tool)
        .args(["diff"])
        .arg(old)
        .arg(new)
        .arg("--check")
        .env("OPTIC_TELEMETRY_LEVEL", "off")
        .env("NO_COLOR", "1")
        .stdout(out_file)
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run optic: {e}"))?;
    let started = std::time::Instant::now();
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if started.elapsed() > TOOL_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let text = std::fs::read_to_string(&out_path).map_err(|e| format!("{}: {e}", out_path.display()))?;
    if !text.contains("Checks:") {
        return Err(format!("optic printed no checks:\n{text}"));
    }
    Ok(Some(read_optic(&text, endpoints)))
}

fn read_optic(text: &str, endpoints: &[&BTreeMap<String, String>]) -> BTreeMap<String, Said> {
    let mut said: BTreeMap<String, Said> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines().map(str::trim_end) {
        let operation = line
            .strip_prefix("✔ ")
            .or_else(|| line.strip_prefix("x "))
            .and_then(|l| l.split_once(' '))
            .and_then(|(_, rest)| rest.strip_suffix(':'))
            .filter(|path| path.starts_with('/'));
        if let Some(path) = operation {
            let endpoint = endpoints.iter().find_map(|m| m.get(path)).cloned();
            current = Some(endpoint.unwrap_or_else(|| path.to_string()));
            continue;
        }
        let Some(ep) = &current else { continue };
        let line = line.trim_start();
        if line.starts_with("x [") {
            said.entry(ep.clone()).or_default().breaking += 1;
        } else if line.starts_with("- ") && (line.ends_with(": changed") || line.ends_with(": added") || line.ends_with(": removed")) {
            said.entry(ep.clone()).or_default().other += 1;
        }
    }
    said
}

fn install(root: &Path) -> Result<std::path::PathBuf, String> {
    let prefix = root.join("target/interop-node");
    let bin = prefix.join("node_modules/.bin/optic");
    let manifest = prefix.join("package.json");
    if bin.is_file() && std::fs::read_to_string(&manifest).is_ok_and(|m| m == PACKAGE_JSON) {
        return Ok(bin);
    }
    std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
    std::fs::write(&manifest, PACKAGE_JSON).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let status = Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund"])
        .current_dir(&prefix)
        .status()
        .map_err(|e| format!("cannot run npm (Node.js runs Optic): {e}"))?;
    match status.success() {
        true => Ok(bin),
        false => Err(format!("`npm install` of {OPTIC} failed")),
    }
}

/// Whether `rev` is in this clone (a shallow clone lacks the default pair).
pub fn have(root: &Path, rev: &str) -> bool {
    Path::new(rev).is_dir()
        || Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
            .output()
            .is_ok_and(|o| o.status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optic_verdicts_are_read_per_endpoint() {
        let text = "x RPM API old.json\nOperations: 2 operations changed\nx  Checks: 7/9 passed \n\n\
            ✔ POST /rpm/Api2.svc/CustomerLocationEdit: \n  - request: \n    - body application/json: \n      \
            - property /schema/properties/Location/properties/Name: changed\n\
            x POST /rpm/Api2.svc/CustomerAdd: \n  - request: \n    - body application/json: \n      \
            - property /schema/properties/Customer/properties/Aliases: changed\n      \n        \
            x [prevent changing request property to required] cannot make a request property required.\n        \
            at new3.json:1:52518\n        \n        x [prevent request property type changes] narrowed.\n";
        let endpoints: BTreeMap<String, String> = [
            ("/rpm/Api2.svc/CustomerAdd", "customer-add"),
            ("/rpm/Api2.svc/CustomerLocationEdit", "customer-location-edit"),
        ]
        .into_iter()
        .map(|(p, e)| (p.to_string(), e.to_string()))
        .collect();
        let said = read_optic(text, &[&endpoints]);
        let add = &said["customer-add"];
        assert_eq!((add.breaking, add.other), (2, 1));
        let edit = &said["customer-location-edit"];
        assert_eq!((edit.breaking, edit.other), (0, 1));
    }
}
