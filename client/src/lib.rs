//! The runtime under the generated typed clients (`erpspec-generated` with
//! its `client` feature): one vendor's dialect, read from its IR, over
//! HTTP. Where a call goes and where its credentials travel is
//! [`erpspec_model::call`], the harness's own reading of the dialect; a
//! vendor that issues tokens is logged in through its documented login
//! endpoint, the token kept, and logged in again once when a call is
//! refused with the dialect's documented expired or rejected answer. The
//! answer is returned as it came (status, headers, body): the generated
//! methods read it with the endpoint's `parse_answer`.

use erpspec_model::ir::{Endpoint, TokenCarrier, Vendor};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// Credentials by name (`auth.credentials`); `Debug` names them and shows
/// no value.
#[derive(Clone, Default, PartialEq)]
pub struct Credentials(BTreeMap<String, String>);

impl Credentials {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn map(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Credentials {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Credentials(iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.0.keys().map(|k| (k, "***"))).finish()
    }
}

/// Why a call got no answer to read.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The server could not be reached, or the exchange broke off.
    Transport(String),
    /// No answer within the client's timeout.
    Timeout(Duration),
    /// The login needed for a token was refused or gave no token.
    Login(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Transport(why) => write!(f, "the call failed: {why}"),
            Failure::Timeout(d) => write!(f, "no answer within {:.1} s", d.as_secs_f64()),
            Failure::Login(why) => write!(f, "the login for a token failed: {why}"),
        }
    }
}

impl std::error::Error for Failure {}

/// An answer as it came.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A client of one vendor at one base URL.
pub struct Client {
    vendor: &'static Vendor,
    base: String,
    credentials: Credentials,
    http: reqwest::Client,
    timeout: Duration,
    token: tokio::sync::Mutex<Option<String>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("vendor", &self.vendor.name)
            .field("base", &self.base)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// How long a call may take unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl Client {
    /// A client of `vendor` at `base_url` (`http://host:port`, no trailing
    /// path), presenting `credentials`.
    pub fn new(vendor: &'static Vendor, base_url: &str, credentials: Credentials) -> Client {
        Client {
            vendor,
            base: base_url.trim_end_matches('/').to_string(),
            credentials,
            http: reqwest::Client::new(),
            timeout: DEFAULT_TIMEOUT,
            token: tokio::sync::Mutex::new(None),
        }
    }

    /// The most a call may take, login included.
    pub fn with_timeout(mut self, timeout: Duration) -> Client {
        self.timeout = timeout;
        self
    }

    pub fn vendor(&self) -> &'static Vendor {
        self.vendor
    }

    /// Calls `endpoint` with `body` (a JSON object of its request), logging
    /// in first where the vendor issues tokens, and once more if the token
    /// is refused as expired or rejected.
    pub async fn call(&self, endpoint: &str, body: &Value) -> Result<Answer, Failure> {
        let ep = self
            .vendor
            .endpoint(endpoint)
            .ok_or_else(|| Failure::Transport(format!("`{endpoint}` is not an endpoint of {}", self.vendor.name)))?;
        let work = async {
            let uses_token = ep.authenticated && self.vendor.auth.token.is_some();
            let token = match uses_token {
                true => Some(self.token(None).await?),
                false => None,
            };
            let answer = self.send(ep, body, token.as_deref()).await?;
            if let Some(used) = token.filter(|_| self.token_refused(ep, &answer)) {
                let fresh = self.token(Some(&used)).await?;
                return self.send(ep, body, Some(&fresh)).await;
            }
            Ok(answer)
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .unwrap_or(Err(Failure::Timeout(self.timeout)))
    }

    async fn send(&self, ep: &Endpoint, body: &Value, token: Option<&str>) -> Result<Answer, Failure> {
        let chosen = match ep.authenticated {
            true => erpspec_model::call::client_presentations(self.vendor, self.credentials.map(), token),
            false => Vec::new(),
        };
        let call = erpspec_model::call::present(self.vendor, ep, body, &chosen);
        let method = self.vendor.transport.methods.first().map_or("POST", String::as_str);
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::POST);
        let mut request = self
            .http
            .request(method, format!("{}{}", self.base, call.target))
            .header("content-type", "application/json")
            .body(call.body.to_string());
        for (name, value) in &call.headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| Failure::Transport(self.masked(&e.to_string())))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body = response
            .bytes()
            .await
            .map_err(|e| Failure::Transport(self.masked(&e.to_string())))?;
        Ok(Answer {
            status,
            headers,
            body: body.to_vec(),
        })
    }

    /// The token to present: the one kept, unless it is `refused`, else a
    /// new one from the login endpoint.
    async fn token(&self, refused: Option<&str>) -> Result<String, Failure> {
        let mut kept = self.token.lock().await;
        if let Some(t) = kept.as_deref()
            && Some(t) != refused
        {
            return Ok(t.to_string());
        }
        let (login, body) = erpspec_model::call::login(self.vendor, self.credentials.map())
            .ok_or_else(|| Failure::Login("the vendor documents no login endpoint".into()))?;
        let answer = self.send(login, &body, None).await?;
        let token = self.token_of(login, &answer)?;
        *kept = Some(token.clone());
        Ok(token)
    }

    /// The token a login answer carries, where the dialect says it does.
    fn token_of(&self, login: &Endpoint, answer: &Answer) -> Result<String, Failure> {
        let issue = self
            .vendor
            .auth
            .token
            .as_ref()
            .ok_or_else(|| Failure::Login("no token issue".into()))?;
        let json: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        let refused = |why: String| Failure::Login(self.masked(&why));
        match &issue.carried_in {
            TokenCarrier::Header(name) => answer
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| refused(format!("HTTP {}: no `{name}` header", answer.status))),
            TokenCarrier::Field(name) => erpspec_model::recognise::success_payload(self.vendor, login, answer.status, &json)
                .map_err(refused)?
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| refused(format!("the login answer has no `{name}`"))),
        }
    }

    /// Is this the documented answer to an expired or rejected token?
    fn token_refused(&self, ep: &Endpoint, answer: &Answer) -> bool {
        let json: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        let auth = &self.vendor.auth;
        erpspec_model::recognise::refusal(self.vendor, Some(ep), answer.status, &json)
            .is_some_and(|e| auth.on_expired.contains(&e.id) || auth.on_rejected.contains(&e.id))
    }

    /// `text` with every credential and the kept token masked.
    fn masked(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in self.credentials.map().values().filter(|s| s.len() >= 4) {
            out = out.replace(secret.as_str(), "***");
        }
        out
    }
}
