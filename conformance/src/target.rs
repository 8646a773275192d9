//! The server under test as the vendor's dialect addresses it: where each
//! endpoint lives, how credentials travel (path, header, body, a token from
//! the login endpoint), and how to keep them out of every report.

use crate::transport::{BaseUrl, WireRequest};
use erpspec_model::ir::{Endpoint, PresentationLocation, Vendor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a call presents credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presenting {
    /// The documented way: the first presentation that is not deprecated.
    Valid,
    /// No credentials at all.
    Nothing,
    /// A wrong credential, or a token of the right form that was never issued.
    Wrong,
    /// A token that is not in any token format.
    Malformed,
    /// Only the deprecated presentation (RPM's body `Key`).
    Deprecated,
    /// A token the server issued, presented after its lifetime
    /// ([`Tokens::lifetime`]) has passed.
    Expired,
    /// The valid credential in the first presentation and a wrong one in
    /// every later one: the first must win.
    Precedence,
}

/// The server under test. Its `Debug` names credentials and shows none.
#[derive(Clone)]
pub struct Target {
    pub vendor: Vendor,
    pub base: BaseUrl,
    /// By the names in `auth.credentials`.
    pub credentials: BTreeMap<String, String>,
    /// Values naming records the harness cannot create, by request field name.
    pub fixtures: BTreeMap<String, String>,
    /// The tokens the login endpoint issued.
    pub token: Tokens,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let masked: BTreeMap<&String, &str> = self.credentials.keys().map(|k| (k, "<masked>")).collect();
        f.debug_struct("Target")
            .field("vendor", &self.vendor.name)
            .field("base", &self.base)
            .field("credentials", &masked)
            .field("fixtures", &self.fixtures)
            .field("token", &self.token)
            .finish()
    }
}

/// The tokens a run holds, shared by its connections: the one presented
/// (replaced when the server says it expired), every one issued (kept out
/// of reports), and one let expire on purpose.
#[derive(Clone, Default)]
pub struct Tokens {
    /// How long the server accepts a token, where the user knows it
    /// (`--token-lifetime`): the expired-token checks need it.
    pub lifetime: Option<Duration>,
    state: Arc<Mutex<TokenState>>,
    /// Held while the expired token is being made, so the checks needing
    /// it wait for one token's lifetime, not one each.
    expired: Arc<Mutex<Option<String>>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("lifetime", &self.lifetime)
            .field("issued", &self.state().issued.len())
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct TokenState {
    current: Option<String>,
    issued: Vec<String>,
}

impl Tokens {
    pub fn with_lifetime(lifetime: Option<Duration>) -> Tokens {
        Tokens {
            lifetime,
            ..Tokens::default()
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, TokenState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The token presented now.
    pub fn current(&self) -> Option<String> {
        self.state().current.clone()
    }

    /// Presents `token` from now on.
    pub fn set(&self, token: String) {
        let mut s = self.state();
        s.issued.push(token.clone());
        s.current = Some(token);
    }

    /// Replaces the token `used` (which the server says expired) with one
    /// `log_in` gets, unless another connection has already replaced it.
    pub fn renew<E>(&self, used: &str, log_in: impl FnOnce() -> Result<String, E>) -> Result<(), E> {
        let mut s = self.state();
        if s.current.as_deref() == Some(used) {
            let fresh = log_in()?;
            s.issued.push(fresh.clone());
            s.current = Some(fresh);
        }
        Ok(())
    }

    /// The token let expire on purpose: made once by `make` (log in, then
    /// wait out the lifetime), then the same for every check.
    pub fn expired<E>(&self, make: impl FnOnce() -> Result<String, E>) -> Result<String, E> {
        let mut slot = self.expired.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = slot.as_ref() {
            return Ok(t.clone());
        }
        let token = make()?;
        self.state().issued.push(token.clone());
        *slot = Some(token.clone());
        Ok(token)
    }

    fn expired_value(&self) -> Option<String> {
        self.expired.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Every token issued to this run.
    pub fn issued(&self) -> Vec<String> {
        self.state().issued.clone()
    }
}

/// Every byte but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
/// Percent-encodes one path segment (RFC 3986 unreserved characters stay).
pub use erpspec_model::call::encode_segment;

/// Percent-encodes a query component (spaces as `%20`).
pub fn encode_query(s: &str) -> String {
    encode_segment(s)
}

/// A flat JSON object as a query string (`?A=x&B=y z`), values as text.
pub fn query_string(body: &Value) -> String {
    let mut parts = Vec::new();
    if let Value::Object(m) = body {
        for (k, v) in m {
            let text = crate::values::text(v);
            parts.push(format!("{}={}", encode_query(k), encode_query(&text)));
        }
    }
    format!("?{}", parts.join("&"))
}

impl Target {
    /// A wrong value of the same form as the real one (length and kinds of
    /// character kept: a digit becomes a random digit, a hex letter a random
    /// hex letter of its case, another letter a random letter of its case),
    /// so a server reads it as a credential it does not know, not a
    /// malformed one. Random, so that it says nothing of the real value
    /// beyond its form, and never equal to it.
    fn wrong(value: &str) -> String {
        if value.is_empty() {
            return "WRONG".into();
        }
        let pick = |from: &[u8]| {
            let mut b = [0u8; 1];
            getrandom::fill(&mut b).expect("the operating system's random source is unavailable");
            from[b[0] as usize % from.len()] as char
        };
        let changeable = value.chars().any(|c| c.is_ascii_alphanumeric());
        loop {
            let candidate: String = value
                .chars()
                .map(|c| match c {
                    '0'..='9' => pick(b"0123456789"),
                    'a'..='f' => pick(b"abcdef"),
                    'A'..='F' => pick(b"ABCDEF"),
                    c if c.is_ascii_lowercase() => pick(b"ghijklmnopqrstuvwxyz"),
                    c if c.is_ascii_uppercase() => pick(b"GHIJKLMNOPQRSTUVWXYZ"),
                    c => c,
                })
                .collect();
            if candidate != value {
                return candidate;
            }
            if !changeable {
                // Nothing of its form can vary (`--`): one character more.
                return format!("{value}X");
            }
        }
    }

    /// The path of an endpoint; `path_credential` fills `{NAME}` segments,
    /// `None` leaves them out (a request without credentials).
    pub fn path(&self, route: &str, path_credential: Option<&str>) -> String {
        erpspec_model::call::path(&self.vendor, route, path_credential)
    }

    /// The value presented for a presentation's credential, as asked.
    fn presented(&self, value_name: &str, how: Presenting) -> Option<String> {
        let real = if value_name == "token" {
            match how {
                Presenting::Expired => self.token.expired_value(),
                _ => self.token.current(),
            }
        } else {
            self.credentials.get(value_name).cloned()
        };
        match how {
            Presenting::Nothing => None,
            Presenting::Malformed => Some("not a token!".into()),
            Presenting::Wrong => Some(Self::wrong(real.as_deref().unwrap_or("WRONGKEY00"))),
            Presenting::Valid | Presenting::Deprecated | Presenting::Precedence | Presenting::Expired => real,
        }
    }

    /// A JSON call to an endpoint, credentials presented as asked.
    pub fn request(&self, ep: &Endpoint, method: &str, body: &Value, how: Presenting) -> WireRequest {
        let mut chosen = Vec::new();
        if ep.authenticated {
            let presentations = &self.vendor.auth.presentations;
            let picked: Vec<(usize, _)> = match how {
                Presenting::Deprecated => presentations.iter().enumerate().filter(|(_, p)| p.deprecated).take(1).collect(),
                Presenting::Precedence => presentations.iter().enumerate().collect(),
                _ => presentations.iter().enumerate().filter(|(_, p)| !p.deprecated).take(1).collect(),
            };
            for (i, p) in picked {
                // Precedence: the first presentation right, the others wrong.
                let how = if how == Presenting::Precedence && i > 0 {
                    Presenting::Wrong
                } else {
                    how
                };
                chosen.push((p, self.presented(&p.value, how)));
            }
        }
        let call = erpspec_model::call::present(&self.vendor, ep, body, &chosen);
        let mut headers: Vec<(String, String)> = vec![("content-type".into(), "application/json".into())];
        headers.extend(self.base.headers.iter().cloned());
        headers.extend(call.headers);
        WireRequest {
            method: method.to_string(),
            target: call.target,
            headers,
            body: call.body.to_string().into_bytes(),
        }
    }

    /// Raw bytes to an endpoint with valid header and path credentials (body
    /// credentials cannot travel in a body that is not JSON).
    pub fn raw(&self, ep: &Endpoint, method: &str, content_type: &str, body: &[u8]) -> WireRequest {
        let mut headers = vec![("content-type".to_string(), content_type.to_string())];
        headers.extend(self.base.headers.iter().cloned());
        let mut path_credential = None;
        for p in self.vendor.auth.presentations.iter().filter(|p| !p.deprecated) {
            let Some(v) = self.presented(&p.value, Presenting::Valid) else {
                continue;
            };
            match p.location {
                PresentationLocation::Header => headers.push((p.name.to_ascii_lowercase(), v)),
                PresentationLocation::Path => path_credential = Some(v),
                _ => {}
            }
        }
        WireRequest {
            method: method.to_string(),
            target: self.path(&ep.route, path_credential.as_deref()),
            headers,
            body: body.to_vec(),
        }
    }

    /// A GET with the parameters in the query string, exactly as the docs
    /// print it (spaces encoded), credentials in the path or a header.
    pub fn query_request(&self, ep: &Endpoint, query: &str) -> WireRequest {
        let mut req = self.raw(ep, "GET", "application/json", b"");
        req.headers.retain(|(k, _)| k != "content-type");
        let q = query.strip_prefix('?').unwrap_or(query).replace(' ', "%20");
        req.target = format!("{}?{q}", req.target);
        req
    }

    /// The login call (where the vendor issues tokens): endpoint and body.
    pub fn login(&self) -> Option<(&Endpoint, Value)> {
        erpspec_model::call::login(&self.vendor, &self.credentials)
    }

    /// Every secret and the placeholder that replaces it in output.
    pub fn secrets(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .credentials
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (v.clone(), format!("${{ERPSPEC_CREDENTIAL_{k}}}")))
            .collect();
        for t in self.token.issued() {
            out.push((t, "${AUTH_TOKEN}".into()));
        }
        for (name, value) in self.base.headers.iter().filter(|(_, v)| !v.is_empty()) {
            out.push((
                value.clone(),
                format!("${{HEADER_{}}}", name.to_ascii_uppercase().replace('-', "_")),
            ));
        }
        // Longest first, so a secret containing another is replaced whole.
        out.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
        out
    }

    /// Text with every secret replaced by its placeholder, in every form a
    /// server could echo it (see [`crate::redact`]).
    pub fn redact(&self, text: &str) -> String {
        crate::redact::redact(text, &self.secrets())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_names_secrets_and_shows_none() {
        let vendor = crate::load_vendor("rpm").unwrap();
        let mut base = BaseUrl::parse("http://127.0.0.1:9").unwrap();
        base.add_header("X-Gateway-Key: gw-s3cret-value").unwrap();
        let t = Target {
            vendor,
            base,
            credentials: [("API_KEY".to_string(), "rpm-s3cret-value".to_string())].into(),
            fixtures: Default::default(),
            token: Default::default(),
        };
        t.token.set("tok-s3cret-value".into());
        let shown = format!("{t:?} {t:#?}");
        assert!(shown.contains("API_KEY") && shown.contains("x-gateway-key"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[test]
    fn wrong_values_keep_their_form_and_are_random() {
        let class = |c: char| match c {
            '0'..='9' => 0,
            'a'..='f' => 1,
            'A'..='F' => 2,
            c if c.is_ascii_lowercase() => 3,
            c if c.is_ascii_uppercase() => 4,
            _ => 5,
        };
        for real in ["K123456789", "0f3e9c", "ffff-ffff", "0a0a", "Zz9"] {
            let seen: std::collections::BTreeSet<String> = (0..20).map(|_| Target::wrong(real)).collect();
            assert!(seen.len() > 1, "random: {seen:?}");
            for w in &seen {
                assert_ne!(w, real);
                assert_eq!(
                    w.chars().map(class).collect::<Vec<_>>(),
                    real.chars().map(class).collect::<Vec<_>>(),
                    "{w} has the form of {real}"
                );
                // Separators stay where they are.
                assert_eq!(w.find('-'), real.find('-'));
            }
        }
        assert_eq!(Target::wrong("--"), "--X");
        assert_eq!(Target::wrong(""), "WRONG");
        assert_eq!(encode_segment("a b/é"), "a%20b%2F%C3%A9");
    }
}
