//! How a call to an endpoint travels: its path, and where each credential
//! or token is presented (a path segment, a header, a body member, the
//! query string), read from the dialect. The harness presents through it
//! (real, wrong, missing, deprecated credentials alike) and so does the
//! generated client: one reading of `auth.presentations`.

use crate::ir::{Endpoint, Presentation, PresentationLocation, Vendor};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The path, headers and body of a JSON call, before the base URL.
#[derive(Clone, Debug, PartialEq)]
pub struct Presented {
    /// Path and query, e.g. `/API/Customer/Add/K123456789`.
    pub target: String,
    /// Credential headers, names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment or query component (RFC 3986
/// unreserved characters stay; a space is `%20`).
pub fn encode_segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, RESERVED).to_string()
}

/// The path of an endpoint; `path_credential` fills `{NAME}` segments,
/// `None` leaves them out (a request without credentials).
pub fn path(v: &Vendor, route: &str, path_credential: Option<&str>) -> String {
    let path = v.transport.path.replace("{route}", route);
    let mut out = String::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if seg.starts_with('{') && seg.ends_with('}') {
            if let Some(value) = path_credential {
                out.push('/');
                out.push_str(&encode_segment(value));
            }
        } else {
            out.push('/');
            out.push_str(seg);
        }
    }
    out
}

/// A JSON call to `ep` with each chosen presentation carrying its value
/// (`None`: left out). A body credential goes first in the body (RPM
/// documents its deprecated `Key` as the first property) and replaces a
/// member of its name.
pub fn present(v: &Vendor, ep: &Endpoint, body: &Value, chosen: &[(&Presentation, Option<String>)]) -> Presented {
    let mut body = body.clone();
    let mut headers = Vec::new();
    let mut path_credential = None;
    for (p, value) in chosen {
        match (p.location, value.clone()) {
            (PresentationLocation::Path, value) => path_credential = value,
            (PresentationLocation::Header, Some(value)) => headers.push((p.name.to_ascii_lowercase(), value)),
            (PresentationLocation::Body, value) => {
                if let Value::Object(m) = &mut body {
                    m.retain(|k, _| !v.transport.names.matches(&p.name, k));
                    if let Some(value) = value {
                        let mut first = Map::new();
                        first.insert(p.name.clone(), Value::String(value));
                        first.extend(std::mem::take(m));
                        *m = first;
                    }
                }
            }
            (PresentationLocation::Query, Some(value)) => path_credential = Some(format!("?{}={}", p.name, encode_segment(&value))),
            _ => {}
        }
    }
    let target = match path_credential.as_deref() {
        Some(q) if q.starts_with('?') => format!("{}{q}", path(v, &ep.route, None)),
        other => path(v, &ep.route, other),
    };
    Presented { target, headers, body }
}

/// The presentations a client uses: the first that is not deprecated, with
/// its credential's value, or the token for `token`.
pub fn client_presentations<'v>(
    v: &'v Vendor,
    credentials: &BTreeMap<String, String>,
    token: Option<&str>,
) -> Vec<(&'v Presentation, Option<String>)> {
    v.auth
        .presentations
        .iter()
        .filter(|p| !p.deprecated)
        .take(1)
        .map(|p| {
            let value = match p.value.as_str() {
                "token" => token.map(str::to_string),
                name => credentials.get(name).cloned(),
            };
            (p, value)
        })
        .collect()
}

/// The vendor's login call, where it issues tokens: the endpoint and the
/// body carrying each credential in its documented field.
pub fn login<'v>(v: &'v Vendor, credentials: &BTreeMap<String, String>) -> Option<(&'v Endpoint, Value)> {
    let issue = v.auth.token.as_ref()?;
    let ep = v.endpoint(&issue.endpoint)?;
    let body: Map<String, Value> = issue
        .credential_fields
        .iter()
        .map(|(cred, field)| (field.clone(), Value::String(credentials.get(cred).cloned().unwrap_or_default())))
        .collect();
    Some((ep, Value::Object(body)))
}
