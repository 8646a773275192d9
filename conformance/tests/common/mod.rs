//! Helpers the harness's tests share: a reference server to check.

#![allow(dead_code)] // each test file uses its own share of these

use std::collections::BTreeMap;

/// An in-process reference server for `api` with these credentials, under
/// `reading` (`default`, `other`, `random` with `seed`), with `fault` on.
pub fn reference_server(
    api: &str,
    credentials: &BTreeMap<String, String>,
    reading: &str,
    seed: u64,
    fault: Option<&str>,
) -> Result<reference::Running, String> {
    let mut config = reference::Config::new(api);
    config.credentials = credentials.clone();
    config.readings = reading.to_string();
    config.readings_seed = seed;
    config.faults = fault.map(|f| vec![f.to_string()]).unwrap_or_default();
    config.token_lifetime = conformance::mutation::reference_token_lifetime(&conformance::load_vendor(api)?);
    reference::spawn(config)
}

/// Every vendor the schemas describe.
pub fn vendors() -> Vec<String> {
    erpspec_schemas::load()
        .expect("schemas load")
        .vendors
        .iter()
        .map(|v| v.name.clone())
        .collect()
}

/// An RPM reference server whose API key is `key`, under its default readings.
pub fn rpm_server(key: &str, fault: Option<&str>) -> reference::Running {
    let credentials = BTreeMap::from([("API_KEY".to_string(), key.to_string())]);
    reference_server("rpm", &credentials, "default", 1, fault).expect("server starts")
}
