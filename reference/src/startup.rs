//! What the server decides and says when it starts, all read from the IR:
//! the credentials it accepts (given, kept from the database, generated, or
//! the docs' example values) and the routes it serves.
//!
//! The docs' example credentials are public: a server accepting any of them
//! listens on loopback only, whether they were asked for with
//! `--docs-credentials`, passed with `--credential`, or kept from a database
//! an earlier `--docs-credentials` run wrote.

use crate::auth;
use crate::store::Store;
use erpspec_model::ir::{PresentationLocation, Vendor};
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// The docs' example value of every credential (`--docs-credentials`).
pub fn docs_credentials(v: &Vendor) -> Result<BTreeMap<String, String>, String> {
    let missing: Vec<&str> = v
        .auth
        .credentials
        .iter()
        .filter(|c| !v.auth.example_values.contains_key(*c))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "--docs-credentials: the {} docs give no example value for {} (auth.example_values in schemas/{}/api.yaml); \
             pass --credential NAME=VALUE instead",
            v.name,
            missing.join(", "),
            v.name
        ));
    }
    Ok(v.auth.example_values.clone())
}

/// The credentials a start uses.
#[derive(Debug, Default)]
pub struct CredentialPlan {
    /// The given credentials and the generated ones: what the engine stores.
    pub given: BTreeMap<String, String>,
    /// Generated now, each of its documented length where one is declared.
    pub generated: Vec<(String, String)>,
    /// Credentials whose value is the docs' public example value.
    pub public: Vec<String>,
}

/// Decides every credential: given, else kept from the database, else
/// generated (the engine's own generator knows no documented lengths, so
/// nothing is left to it).
pub fn plan_credentials(v: &Vendor, store: &mut Store, given: &BTreeMap<String, String>) -> Result<CredentialPlan, String> {
    let mut plan = CredentialPlan {
        given: given.clone(),
        ..CredentialPlan::default()
    };
    store
        .transaction(|tx| {
            for name in &v.auth.credentials {
                let example = v.auth.example_values.get(name);
                let public = match (given.get(name), tx.credential(&v.name, name)?) {
                    (Some(value), _) => example == Some(value),
                    (None, Some((salt, hash))) => example.is_some_and(|e| auth::same_hash(&auth::credential_hash(&salt, name, e), &hash)),
                    (None, None) => {
                        let value = auth::generate_credential(v.auth.lengths.get(name).copied());
                        plan.given.insert(name.clone(), value.clone());
                        plan.generated.push((name.clone(), value));
                        false
                    }
                };
                if public {
                    plan.public.push(name.clone());
                }
            }
            Ok::<_, rusqlite::Error>(())
        })
        .map_err(|e| format!("cannot read the credentials in the database: {e}"))?;
    Ok(plan)
}

/// Refuses to serve public credentials beyond this machine: `bound` is the
/// address `listen` (as the user wrote it) resolved to.
pub fn ensure_private(listen: &str, bound: SocketAddr, public: &[String]) -> Result<(), String> {
    if public.is_empty() || bound.ip().is_loopback() {
        return Ok(());
    }
    Err(format!(
        "refusing to listen on {listen} with the docs' public example credentials ({}): anyone who can reach it \
         could use them; listen on loopback (--listen 127.0.0.1:PORT) or pass other credentials with --credential",
        public.join(", ")
    ))
}

/// The warning a server accepting the docs' example credentials prints.
pub fn public_warning(v: &Vendor, public: &[String]) -> Option<String> {
    if public.is_empty() {
        return None;
    }
    let pairs: Vec<String> = public
        .iter()
        .map(|n| format!("{n}={}", v.auth.example_values.get(n).map_or("", String::as_str)))
        .collect();
    Some(format!(
        "warning: accepting the docs' public example credentials ({}): anyone on this machine can use them; \
         for trying the docs' examples only",
        pairs.join(", ")
    ))
}

/// The routes the server answers, for its startup printout: a header line,
/// then one line per endpoint with its methods, its URL template (path
/// credentials as `{NAME}`, the name `--credential` takes), id and title.
pub fn route_lines(v: &Vendor, base_url: &str) -> Vec<String> {
    let methods = v.transport.methods.join("|");
    let urls: Vec<String> = v
        .endpoints
        .iter()
        .map(|ep| format!("{base_url}{}", path_template(v, &ep.route)))
        .collect();
    let width = urls.iter().map(String::len).max().unwrap_or(0);
    let mut out = vec![format!("{} ({}): {} routes", v.title, v.name, v.endpoints.len())];
    for (ep, url) in v.endpoints.iter().zip(&urls) {
        out.push(format!("  {methods}  {url:<width$}  {}: {}", ep.id, ep.title));
    }
    out
}

/// `transport.path` for one route, each variable written `{NAME}` after
/// the credential presented there.
fn path_template(v: &Vendor, route: &str) -> String {
    let path = v.transport.path.replace("{route}", route);
    let segments: Vec<String> = path
        .split('/')
        .map(|s| {
            let var = erpspec_model::template::slot(s).or_else(|| s.strip_prefix('{').and_then(|r| r.strip_suffix('}')));
            match var {
                Some(name) => format!("{{{}}}", credential_in_path(v, name)),
                None => s.to_string(),
            }
        })
        .collect();
    segments.join("/")
}

fn credential_in_path<'v>(v: &'v Vendor, variable: &'v str) -> &'v str {
    v.auth
        .presentations
        .iter()
        .find(|p| p.location == PresentationLocation::Path && p.name == variable)
        .map_or(variable, |p| p.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor(name: &str) -> Vendor {
        crate::load_vendor(name).expect("vendor loads")
    }

    #[test]
    fn docs_credentials_need_an_example_value_for_every_credential() {
        let mut v = vendor("manex");
        assert_eq!(docs_credentials(&v).unwrap(), v.auth.example_values);
        v.auth.example_values.clear();
        let err = docs_credentials(&v).unwrap_err();
        assert!(err.contains("API_KEY") && err.contains("schemas/manex/api.yaml"), "{err}");
    }

    #[test]
    fn public_credentials_stay_on_loopback() {
        let public = vec!["API_KEY".to_string()];
        let private = |listen: &str, public: &[String]| ensure_private(listen, listen.parse().unwrap(), public);
        assert!(private("127.0.0.1:8080", &public).is_ok());
        assert!(private("[::1]:8080", &public).is_ok());
        assert!(private("0.0.0.0:8080", &[]).is_ok());
        let err = private("0.0.0.0:8080", &public).unwrap_err();
        assert!(
            err.contains("on 0.0.0.0:8080 with the docs' public example credentials (API_KEY)"),
            "{err}"
        );
        assert!(err.contains("--listen 127.0.0.1:PORT"), "{err}");
    }

    #[test]
    fn a_kept_or_given_example_value_is_public_and_generated_ones_are_not() {
        let v = vendor("manex");
        let mut store = Store::open(None).unwrap();
        let docs = docs_credentials(&v).unwrap();
        assert_eq!(plan_credentials(&v, &mut store, &docs).unwrap().public, vec!["API_KEY"]);
        let fresh = plan_credentials(&v, &mut store, &BTreeMap::new()).unwrap();
        assert!(fresh.public.is_empty() && fresh.generated.len() == 1);
        let (salt, value) = (auth::new_salt(), &docs["API_KEY"]);
        store
            .transaction(|tx| tx.set_credential("manex", "API_KEY", &salt, &auth::credential_hash(&salt, "API_KEY", value)))
            .unwrap();
        let kept = plan_credentials(&v, &mut store, &BTreeMap::new()).unwrap();
        assert_eq!((kept.public, kept.generated.len()), (vec!["API_KEY".to_string()], 0));
    }

    #[test]
    fn routes_name_the_path_credentials() {
        let v = vendor("manex");
        let lines = route_lines(&v, "http://127.0.0.1:8080");
        assert_eq!(lines.len(), v.endpoints.len() + 1);
        assert!(lines[0].ends_with(&format!("{} routes", v.endpoints.len())), "{}", lines[0]);
        let add = lines.iter().find(|l| l.contains("customer-add:")).expect("customer-add");
        assert!(add.contains("http://127.0.0.1:8080/API/Customer/Add/{API_KEY}"), "{add}");
    }
}
