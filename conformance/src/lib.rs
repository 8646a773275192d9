//! erpspec's conformance harness: proves any server against the vendors'
//! documented rules, over HTTP.
//!
//! ```text
//! IR -> plan (checks: rule cases, dialect cases, doc examples, stateful
//!       sequences) + generated (proptest) -> run (transport: keep-alive,
//!       time and size limits) -> oracle (the shared model of expected
//!       answers) -> report (terminal, JSON, JUnit, saved failures)
//! ```

pub mod generated;
pub mod mutation;
pub mod oracle;
pub mod plan;
pub mod report;
pub mod run;
pub mod target;
pub mod transport;

use erpspec_codegen::ir::{OperationKind, Vendor};
use std::collections::BTreeMap;
use std::path::Path;

/// The vendor to check: a name of the schemas built in (`manex`), or a
/// directory holding `<vendor>/api.yaml` (or a vendor directory itself).
pub fn load_vendor(api: &str) -> Result<Vendor, String> {
    let path = Path::new(api);
    if path.is_dir() {
        let (root, name) = if path.join("api.yaml").is_file() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            (path.parent().unwrap_or(Path::new(".")).to_path_buf(), Some(name))
        } else {
            (path.to_path_buf(), None)
        };
        let ir = erpspec_codegen::load_dir(&root).map_err(|d| d.items.iter().map(|x| x.render(false)).collect::<Vec<_>>().join("\n"))?;
        return match (name, ir.vendors.as_slice()) {
            (Some(n), _) => ir.vendor(&n).cloned().ok_or_else(|| format!("{api}: no vendor `{n}`")),
            (None, [one]) => Ok(one.clone()),
            (None, many) => Err(format!(
                "{api} holds {} vendors ({}); name one of their directories",
                many.len(),
                many.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
            )),
        };
    }
    let ir = erpspec_codegen::load_embedded()?;
    ir.vendor(api).cloned().ok_or_else(|| {
        let names: Vec<&str> = ir.vendors.iter().map(|v| v.name.as_str()).collect();
        format!("unknown API `{api}`: use one of {} or a schemas directory", names.join(", "))
    })
}

/// Fixtures: the key of each resource the harness cannot create, by its
/// request field name, with the value the docs' examples use.
pub fn default_fixtures(v: &Vendor) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for r in &v.resources {
        let creatable = v
            .endpoints
            .iter()
            .any(|e| e.operation.kind == OperationKind::Create && e.operation.resource.as_deref() == Some(&r.name));
        let [key] = r.key.as_slice() else { continue };
        if creatable {
            continue;
        }
        let example = v.endpoints.iter().flat_map(|e| &e.examples).find_map(|x| {
            x.request
                .get(key)
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        });
        if let Some(value) = example {
            out.insert(key.clone(), value);
        }
    }
    out
}
