//! erpspec's conformance harness: proves any server against the vendors'
//! documented rules, over HTTP.
//!
//! A run is a pipeline; no stage reaches back to an earlier one:
//!
//! ```text
//! IR -> plan::suite (pure: subject creates, every check, generated cases,
//!       teardowns; records setup will make are named by Fill references)
//!    -> run (login, setup, executor per keep-alive connection, shrinking,
//!       cleanup; each answer judged by the oracle as it comes)
//!    -> report (terminal, JSON, JUnit, saved failures; `score` the
//!       conformance score, `ci` Markdown and GitHub annotations)
//! ```
//!
//! Modules and what they use: `values`, `transport` and `config` (the
//! `conformance.toml` file and its baseline) nothing of the harness;
//! `target` transport, values; `plan` target, transport, values; `explain` (`list`,
//! `explain`: checks without a request) plan, target, transport; `oracle` plan,
//! transport, values; `run` plan, oracle, target, transport, values; `score`
//! run; `report` plan, run, score, target; `ci` report, run, score, target; `har` run, target; `html` report, run, score, target;
//! `mutation` run, target, transport.

pub mod ci;
pub mod config;
pub mod explain;
pub mod har;
pub mod html;
pub mod mutation;
pub mod oracle;
pub mod plan;
pub mod redact;
pub mod report;
pub mod run;
pub mod score;
pub mod target;
pub mod transport;
pub mod values;

use erpspec_model::ir::{OperationKind, Vendor};
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
        let ir = erpspec_schema::load_dir(&root).map_err(|d| d.items.iter().map(|x| x.render(false)).collect::<Vec<_>>().join("\n"))?;
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
    let ir = erpspec_schemas::load()?;
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

/// A target profile: what belongs to the installation rather than to the
/// docs. `site` replaces the values of site rules (ManEx Territory and
/// Terms are lookup tables each site sets up), by rule id:
///
/// ```json
/// { "site": { "manex.customer-add.Territory.enum": ["EAST", "WEST"] } }
/// ```
///
/// A replaced rule is the site's own statement, so breaking it fails a
/// check; without a profile, site rules are the demo's and only warn.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub site: BTreeMap<String, Vec<String>>,
}

impl Profile {
    pub fn read(path: &Path) -> Result<Profile, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the profile {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Applies the profile to a vendor's rules; an id that names no site
    /// rule is an error (a typo must not silently keep the demo's values).
    pub fn apply(&self, v: &mut Vendor) -> Result<(), String> {
        let mut unused: std::collections::BTreeSet<&String> = self.site.keys().collect();
        for ep in &mut v.endpoints {
            ep.for_each_rule_mut(&mut |r| {
                if let Some(values) = self.site.get(&r.id)
                    && r.strength == erpspec_rules::Strength::Site
                    && let erpspec_rules::RuleKind::Enum { values: old, .. } = &mut r.kind
                {
                    *old = values.clone();
                    r.strength = erpspec_rules::Strength::Documented;
                    unused.remove(&r.id);
                }
            });
        }
        match unused.into_iter().next() {
            None => Ok(()),
            Some(id) => Err(format!(
                "the profile names `{id}`, which is not a site rule of {} with a list of values",
                v.name
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_replaces_site_values_and_refuses_unknown_ids() {
        let mut v = load_vendor("manex").unwrap();
        let id = "manex.customer-add.Territory.enum";
        let p = Profile {
            site: BTreeMap::from([(id.to_string(), vec!["NORTH POLE".to_string()])]),
        };
        p.apply(&mut v).unwrap();
        let ep = v.endpoint("customer-add").unwrap();
        let (_, r) = ep.all_rules().into_iter().find(|(_, r)| r.id == id).unwrap();
        assert_eq!(r.strength, erpspec_rules::Strength::Documented);
        assert!(r.holds(&serde_json::json!("NORTH POLE")) && !r.holds(&serde_json::json!("EAST")));
        let typo = Profile {
            site: BTreeMap::from([("manex.customer-add.Teritory.enum".to_string(), vec![])]),
        };
        assert!(typo.apply(&mut load_vendor("manex").unwrap()).unwrap_err().contains("Teritory"));
        // A documented rule is not the site's to replace.
        let documented = Profile {
            site: BTreeMap::from([("manex.customer-add.Status.enum".to_string(), vec!["x".to_string()])]),
        };
        assert!(documented.apply(&mut load_vendor("manex").unwrap()).is_err());
    }

    #[test]
    fn fixtures_default_to_the_docs_example_values() {
        let v = load_vendor("expandable").unwrap();
        let f = default_fixtures(&v);
        assert_eq!(f.get("CUSTOMER_ID").map(String::as_str), Some("ABCCORP"));
        assert_eq!(f.get("PART_ID").map(String::as_str), Some("PUMP002"));
        assert!(default_fixtures(&load_vendor("manex").unwrap()).is_empty());
    }

    #[test]
    fn a_schemas_directory_is_an_api() {
        let dir = erpspec_schema::schemas_dir();
        assert_eq!(load_vendor(dir.join("rpm").to_str().unwrap()).unwrap().name, "rpm");
        assert!(load_vendor(dir.to_str().unwrap()).unwrap_err().contains("vendors"));
    }
}
