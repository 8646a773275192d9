//! Shared by the HTTP tests: a server on a loopback port, the conformance
//! harness's dialect-aware addressing (path, credentials, login: one
//! implementation for the harness and these tests), and a minimal HTTP/1.1
//! client over `std::net::TcpStream` to send its requests.
//!
//! Why a hand-written client: the bad-input tests must send bytes no
//! well-behaved client library sends (invalid UTF-8, a lying Content-Length,
//! arbitrary methods and content types), and it costs no extra crates to
//! compile on CI's two cores.

#![allow(dead_code)]

use conformance::target::{Presenting, Target};
use conformance::transport::{BaseUrl, WireRequest};
use erpspec_model::ir::{Endpoint, Vendor};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The credentials every test server runs with: the docs' example values
/// where they have the documented length, else `K` and digits of that
/// length (ManEx's printed key has 9 characters, its keys 10).
pub fn credentials(api: &str) -> BTreeMap<String, String> {
    let v = vendor(api);
    v.auth
        .credentials
        .iter()
        .map(|name| {
            let length = v.auth.lengths.get(name).map(|n| *n as usize);
            let value = match v.auth.example_values.get(name) {
                Some(x) if length.is_none_or(|n| x.chars().count() == n) => x.clone(),
                _ => std::iter::once('K')
                    .chain("123456789".chars().cycle())
                    .take(length.unwrap_or(10))
                    .collect(),
            };
            (name.clone(), value)
        })
        .collect()
}

/// Every vendor the schemas describe.
pub fn vendors() -> Vec<String> {
    reference::load_api()
        .expect("schemas load")
        .vendors
        .iter()
        .map(|v| v.name.clone())
        .collect()
}

pub fn vendor(api: &str) -> Vendor {
    let ir = reference::load_api().expect("schemas load");
    reference::vendor(&ir, api).expect("vendor exists")
}

/// A server for `api` with the test credentials and the given faults.
pub fn start(api: &str, faults: &[&str]) -> Server {
    start_with(api, faults, |_| {})
}

/// [`start`], with the configuration changed by `configure` first.
pub fn start_with(api: &str, faults: &[&str], configure: impl FnOnce(&mut reference::Config)) -> Server {
    let mut config = reference::Config::new(api);
    config.credentials = credentials(api);
    config.faults = faults.iter().map(|f| f.to_string()).collect();
    configure(&mut config);
    let running = reference::spawn(config).expect("server starts");
    Server {
        addr: running.addr,
        _running: running,
        vendor: vendor(api),
        creds: credentials(api),
        token: None,
    }
}

pub struct Server {
    pub addr: SocketAddr,
    _running: reference::Running,
    pub vendor: Vendor,
    pub creds: BTreeMap<String, String>,
    token: Option<String>,
}

/// One answer off the wire.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("answer is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    /// The token a login answer carries, where `auth.token` says it does.
    pub fn issued_token(&self, issue: &erpspec_model::ir::TokenIssue) -> Option<String> {
        match &issue.carried_in {
            erpspec_model::ir::TokenCarrier::Field(f) => self.json()[f].as_str().map(str::to_string),
            erpspec_model::ir::TokenCarrier::Header(h) => self.header(h).map(str::to_string),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends raw bytes, returns the parsed answer.
pub fn send_raw(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
    // The server may answer (and close) before reading a refused body.
    let _ = s.write_all(request);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    parse_answer(&buf).unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(&buf)))
}

pub fn send(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut req = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    send_raw(addr, &bytes)
}

fn parse_answer(buf: &[u8]) -> Option<Answer> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &buf[end + 4..];
    let chunked = headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(rest)? } else { rest.to_vec() };
    Some(Answer { status, headers, body })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&b[..nl]).ok()?.trim(), 16).ok()?;
        b = &b[nl + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

/// How a call presents credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// The documented way (the first, non-deprecated presentation).
    Valid,
    None,
    /// A wrong credential, or a well-formed token never issued.
    Wrong,
    /// A token in the wrong format.
    Malformed,
    /// Only the deprecated presentation (RPM's body `Key`).
    Deprecated,
}

impl Auth {
    fn presenting(self) -> Presenting {
        match self {
            Auth::Valid => Presenting::Valid,
            Auth::None => Presenting::Nothing,
            Auth::Wrong => Presenting::Wrong,
            Auth::Malformed => Presenting::Malformed,
            Auth::Deprecated => Presenting::Deprecated,
        }
    }
}

/// Sends a request the harness built, over a fresh connection.
fn send_wire(addr: SocketAddr, req: &WireRequest) -> Answer {
    let h: Vec<(&str, &str)> = req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    send(addr, &req.method, &req.target, &h, &req.body)
}

impl Server {
    pub fn endpoint(&self, id: &str) -> &Endpoint {
        self.vendor.endpoint(id).unwrap_or_else(|| panic!("no endpoint {id}"))
    }

    /// The harness's view of this server: the dialect's addressing,
    /// credentials and login, shared with the conformance harness.
    fn harness(&mut self) -> Target {
        if self.token.is_none() && self.vendor.auth.token.is_some() {
            self.token();
        }
        let t = self.bare_target();
        if let Some(token) = &self.token {
            t.token.set(token.clone());
        }
        t
    }

    /// The target before logging in.
    fn bare_target(&self) -> Target {
        Target {
            vendor: self.vendor.clone(),
            base: BaseUrl::parse(&format!("http://{}", self.addr)).expect("loopback URL"),
            credentials: self.creds.clone(),
            fixtures: Default::default(),
            token: Default::default(),
        }
    }

    /// The request target of an endpoint, with path credentials filled in.
    pub fn target(&self, ep: &Endpoint, path_credential: Option<&str>) -> String {
        self.bare_target().path(&ep.route, path_credential)
    }

    /// Logs in (where the vendor issues tokens) and returns the token.
    pub fn token(&mut self) -> String {
        if let Some(t) = &self.token {
            return t.clone();
        }
        let issue = self.vendor.auth.token.clone().expect("vendor issues tokens");
        let t = self.bare_target();
        let (ep, body) = t.login().expect("a login endpoint");
        let a = send_wire(self.addr, &t.request(ep, "POST", &body, Presenting::Valid));
        assert_eq!(a.status, 200, "login: {}", String::from_utf8_lossy(&a.body));
        let token = a.issued_token(&issue).expect("token");
        self.token = Some(token.clone());
        token
    }

    /// Presents this token from now on (one another server issued).
    pub fn use_token(&mut self, token: &str) {
        self.token = Some(token.to_string());
    }

    /// Calls an endpoint with a JSON body, presenting credentials as asked.
    pub fn call_as(&mut self, id: &str, body: &Value, auth: Auth) -> Answer {
        self.call_method(id, "POST", body, auth)
    }

    pub fn call_method(&mut self, id: &str, method: &str, body: &Value, auth: Auth) -> Answer {
        let t = self.harness();
        let ep = self.endpoint(id);
        send_wire(self.addr, &t.request(ep, method, body, auth.presenting()))
    }

    /// Sends raw body bytes to an endpoint, with header and path
    /// credentials (body credentials cannot travel in a body that is not JSON).
    pub fn call_raw(&mut self, id: &str, method: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        let t = self.harness();
        let ep = self.endpoint(id);
        let mut req = t.raw(ep, method, "application/json", body);
        // The caller's headers replace the default content type.
        req.headers.retain(|(k, _)| k != "content-type");
        req.headers.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        send_wire(self.addr, &req)
    }

    pub fn call(&mut self, id: &str, body: Value) -> Answer {
        self.call_as(id, &body, Auth::Valid)
    }

    /// Sends a query string (dialects that take one) with valid credentials.
    pub fn call_query(&mut self, id: &str, query: &str) -> Answer {
        let t = self.harness();
        let ep = self.endpoint(id);
        send_wire(self.addr, &t.query_request(ep, query))
    }
}

/// The members of a JSON object, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    k.sort();
    k
}
