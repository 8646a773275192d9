//! The harness's HTTP client: keep-alive connections over hyper, each
//! request bounded in time and in answer size, so any server's behaviour
//! (silence, a trickle, a flood, a reset, bytes that are not HTTP) ends in a
//! [`Problem`] that names it, never a hang or a crash.
//!
//! Blocking on purpose: each worker thread of the runner owns one
//! [`Connection`] and drives it through a shared tokio runtime, so checks
//! (sequences of dependent requests) read as straight-line code.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A request exactly as it goes on the wire.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WireRequest {
    pub method: String,
    /// Path and query, percent-encoded as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// An answer off the wire.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reply {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Milliseconds from sending to the last byte.
    pub millis: u64,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why no usable answer came back.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Problem {
    /// Nothing listens, or the connection could not be made.
    Connect(String),
    /// No complete answer within the time limit.
    Timeout { seconds: f64, received: usize },
    /// The answer is larger than the cap.
    TooLarge { limit: usize },
    /// The connection closed or was reset before the answer was complete.
    Closed(String),
    /// What came back is not HTTP/1.1.
    InvalidHttp(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Connect(e) => write!(f, "cannot connect: {e}"),
            Problem::Timeout { seconds, received } => {
                write!(f, "no complete answer within {seconds} s ({received} bytes of body received)")
            }
            Problem::TooLarge { limit } => write!(f, "the answer is larger than {limit} bytes"),
            Problem::Closed(e) => write!(f, "the connection closed before the answer was complete: {e}"),
            Problem::InvalidHttp(e) => write!(f, "the answer is not valid HTTP: {e}"),
        }
    }
}

/// Limits that hold for every request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub request_timeout: Duration,
    pub max_answer_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_timeout: Duration::from_secs(10),
            max_answer_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Where the server is: `http(s)://host:port` plus a path prefix. Its
/// `Debug` names the extra headers and shows none of their values.
#[derive(Clone)]
pub struct BaseUrl {
    pub host: String,
    pub port: u16,
    /// Prefix for every path, without a trailing `/` (`""` for none).
    pub prefix: String,
    /// For https: the TLS client configuration (Mozilla's roots, plus any
    /// `--ca-cert`).
    pub tls: Option<Arc<tokio_rustls::rustls::ClientConfig>>,
    /// Headers every request carries (`-H NAME:VALUE`: a gateway's key, a
    /// tenant); kept out of reports like credentials.
    pub headers: Vec<(String, String)>,
    /// What the TLS configuration is built from (`--ca-cert`, `--client-cert`).
    trust: TlsTrust,
    /// The HTTP proxy requests go through (`HTTP_PROXY`, `HTTPS_PROXY`):
    /// its host and port.
    pub proxy: Option<(String, u16)>,
}

impl std::fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<&String> = self.headers.iter().map(|(name, _)| name).collect();
        f.debug_struct("BaseUrl")
            .field("url", &self.url(""))
            .field("headers", &headers)
            .field("client_certificate", &self.trust.client.is_some())
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

/// Certificates trusted beside Mozilla's roots, and the client's own
/// certificate and key for a server that asks for one (mutual TLS).
#[derive(Clone, Default)]
struct TlsTrust {
    /// The operating system's trust store too (`--os-trust-store`).
    os_roots: Vec<rustls_pki_types::CertificateDer<'static>>,
    extra_roots: Vec<rustls_pki_types::CertificateDer<'static>>,
    client: Option<(
        Vec<rustls_pki_types::CertificateDer<'static>>,
        Arc<rustls_pki_types::PrivateKeyDer<'static>>,
    )>,
}

fn tls_config(trust: &TlsTrust) -> Result<Arc<tokio_rustls::rustls::ClientConfig>, String> {
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // A store commonly holds a few certificates rustls cannot use (old
    // formats); they are skipped, as browsers skip them.
    roots.add_parsable_certificates(trust.os_roots.iter().cloned());
    for c in &trust.extra_roots {
        roots.add(c.clone()).map_err(|e| format!("the CA certificate is not usable: {e}"))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots);
    let config = match &trust.client {
        None => builder.with_no_client_auth(),
        Some((chain, key)) => builder
            .with_client_auth_cert(chain.clone(), key.clone_key())
            .map_err(|e| format!("the client certificate and key do not go together: {e}"))?,
    };
    Ok(Arc::new(config))
}

impl BaseUrl {
    /// Reads a base URL with the `url` crate (WHATWG parsing: IPv6 hosts,
    /// default ports, user-info kept apart from the host).
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let parsed = url::Url::parse(text).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
        let tls = match parsed.scheme() {
            "http" => false,
            "https" => true,
            _ => return Err(format!("`{text}` is not an http:// or https:// URL")),
        };
        // Never a host: a user name and password would reach reports (and
        // DNS) as one. A gateway's credentials travel in a header instead.
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(
                "the base URL holds a user name or password (`user:...@host`), which is never sent: pass it as a header, e.g. -H \"Authorization: Basic ...\" (kept out of reports)"
                    .into(),
            );
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(format!(
                "`{text}`: a base URL is a scheme, host, port and path prefix; a query or fragment has no place in it"
            ));
        }
        let host = match parsed.host_str() {
            Some(h) if !h.is_empty() => h.to_string(),
            _ => return Err(format!("`{text}` names no host")),
        };
        let port = parsed.port_or_known_default().unwrap_or(if tls { 443 } else { 80 });
        let path = parsed.path().to_string();
        Ok(BaseUrl {
            host,
            port,
            prefix: path.trim_end_matches('/').to_string(),
            tls: if tls { Some(tls_config(&TlsTrust::default())?) } else { None },
            headers: Vec::new(),
            trust: TlsTrust::default(),
            proxy: None,
        })
    }

    /// Goes through the proxy the environment names for this URL's scheme
    /// (`HTTPS_PROXY` or `HTTP_PROXY`, either case) unless `NO_PROXY` lists
    /// the host (`*`, the host, or a domain it ends in), as curl does.
    pub fn use_proxy_from_env(&mut self) -> Result<(), String> {
        let var = |names: &[&str]| names.iter().find_map(|n| std::env::var(n).ok()).filter(|v| !v.trim().is_empty());
        let proxy = if self.tls.is_some() {
            var(&["https_proxy", "HTTPS_PROXY"])
        } else {
            var(&["http_proxy", "HTTP_PROXY"])
        };
        let Some(proxy) = proxy else { return Ok(()) };
        let host = self.host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        let bypass = var(&["no_proxy", "NO_PROXY"]).unwrap_or_default();
        let listed = bypass
            .split(',')
            .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
            .any(|e| !e.is_empty() && (e == "*" || host == e || host.ends_with(&format!(".{e}"))));
        if listed {
            return Ok(());
        }
        let p = BaseUrl::parse(&proxy).map_err(|e| format!("the proxy `{proxy}` of the environment: {e}"))?;
        if p.tls.is_some() {
            return Err(format!(
                "the proxy `{}:{}` is https; only http proxies are supported",
                p.host, p.port
            ));
        }
        self.proxy = Some((p.host, p.port));
        Ok(())
    }

    /// Adds a header every request carries, from `NAME:VALUE`.
    pub fn add_header(&mut self, spec: &str) -> Result<(), String> {
        let (name, value) = spec
            .split_once(':')
            .ok_or_else(|| format!("`-H {spec}`: write NAME:VALUE, e.g. `X-Api-Gateway: key`"))?;
        let name = name.trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) {
            return Err(format!("`-H {spec}`: `{name}` is not an HTTP header name"));
        }
        if value.contains(['\r', '\n']) {
            return Err(format!("`-H {name}:...`: a header value cannot hold a line break"));
        }
        self.headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
        Ok(())
    }

    /// Waits until the server accepts a connection, for at most `wait`
    /// (`--wait-for-server`: a staging server still starting).
    pub fn wait_until_reachable(&self, wait: std::time::Duration) -> Result<(), String> {
        let deadline = Instant::now() + wait;
        loop {
            let reachable = self.addrs().ok().is_some_and(|addrs| {
                addrs
                    .iter()
                    .any(|a| std::net::TcpStream::connect_timeout(a, std::time::Duration::from_millis(500)).is_ok())
            });
            if reachable {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "the server is unreachable: {}:{} accepted no connection within {:.0} s (--wait-for-server)",
                    self.host,
                    self.port,
                    wait.as_secs_f64()
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
    }

    /// Trusts the certificates of a PEM file too (a private CA, a
    /// self-signed test server).
    pub fn trust_pem(&mut self, path: &std::path::Path) -> Result<(), String> {
        use rustls_pki_types::pem::PemObject;
        let certs: Vec<rustls_pki_types::CertificateDer<'static>> = rustls_pki_types::CertificateDer::pem_file_iter(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!("{} holds no PEM certificate", path.display()));
        }
        if self.tls.is_none() {
            return Err("--ca-cert is for https base URLs".into());
        }
        self.trust.extra_roots.extend(certs);
        self.tls = Some(tls_config(&self.trust)?);
        Ok(())
    }

    /// Trusts the operating system's store too (a company CA installed
    /// there, a gateway's certificate), beside Mozilla's roots and any
    /// `--ca-cert`. On Linux it is the file `SSL_CERT_FILE` or the
    /// directory `SSL_CERT_DIR` names, else the distribution's bundle.
    pub fn trust_os_store(&mut self) -> Result<(), String> {
        if self.tls.is_none() {
            return Err("--os-trust-store is for https base URLs".into());
        }
        let found = rustls_native_certs::load_native_certs();
        if found.certs.is_empty() {
            let why: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
            return Err(format!(
                "--os-trust-store: the operating system's trust store holds no certificate{}",
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", why.join("; "))
                }
            ));
        }
        self.trust.os_roots = found.certs;
        self.tls = Some(tls_config(&self.trust)?);
        Ok(())
    }

    /// Presents this certificate chain and key (PEM files) to a server that
    /// asks for a client certificate (mutual TLS).
    pub fn client_identity(&mut self, cert: &std::path::Path, key: &std::path::Path) -> Result<(), String> {
        use rustls_pki_types::pem::PemObject;
        if self.tls.is_none() {
            return Err("--client-cert is for https base URLs".into());
        }
        let chain: Vec<rustls_pki_types::CertificateDer<'static>> = rustls_pki_types::CertificateDer::pem_file_iter(cert)
            .map_err(|e| format!("cannot read {}: {e}", cert.display()))?
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{}: {e}", cert.display()))?;
        if chain.is_empty() {
            return Err(format!("{} holds no PEM certificate", cert.display()));
        }
        let key =
            rustls_pki_types::PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: no usable private key: {e}", key.display()))?;
        self.trust.client = Some((chain, Arc::new(key)));
        self.tls = Some(tls_config(&self.trust)?);
        Ok(())
    }

    fn default_port(&self) -> u16 {
        if self.tls.is_some() { 443 } else { 80 }
    }

    /// `host:port`, the port always written (CONNECT and absolute URLs).
    fn authority_with_port(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    pub fn authority(&self) -> String {
        if self.port == self.default_port() {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    pub fn url(&self, target: &str) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}{}{}", self.authority(), self.prefix, target)
    }

    /// Every address the host resolves to, in the resolver's order.
    /// The addresses to dial: the proxy's, where there is one.
    fn addrs(&self) -> Result<Vec<SocketAddr>, Problem> {
        let (host, port) = match &self.proxy {
            Some((h, p)) => (h.as_str(), *p),
            None => (self.host.as_str(), self.port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = (host, port)
            .to_socket_addrs()
            .map_err(|e| Problem::Connect(format!("{}: {e}", self.host)))?
            .collect();
        if addrs.is_empty() {
            return Err(Problem::Connect(format!("{} resolves to no address", self.host)));
        }
        Ok(addrs)
    }
}

/// A connection's request half, and its driver's end: a TLS refusal the
/// server sends after the handshake ends the driver, and the request only
/// learns it was canceled, so the driver's own error is asked for then.
struct Sender {
    inner: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    driver: tokio::task::JoinHandle<Option<Problem>>,
}

impl Sender {
    /// Why the connection ended, where its driver says more than `seen`.
    async fn why_ended(self, seen: Problem) -> Problem {
        match tokio::time::timeout(std::time::Duration::from_millis(250), self.driver).await {
            Ok(Ok(Some(refusal))) => refusal,
            _ => seen,
        }
    }
}

/// One keep-alive connection, reopened when the server closes it or a
/// request fails.
pub struct Connection {
    rt: tokio::runtime::Handle,
    base: BaseUrl,
    limits: Limits,
    sender: Option<Sender>,
}

impl Connection {
    pub fn new(rt: tokio::runtime::Handle, base: BaseUrl, limits: Limits) -> Connection {
        Connection {
            rt,
            base,
            limits,
            sender: None,
        }
    }

    /// Sends one request; the time limit covers connecting, sending and
    /// reading the whole answer.
    pub fn send(&mut self, req: &WireRequest) -> Result<Reply, Problem> {
        let started = Instant::now();
        let limits = self.limits;
        let base = self.base.clone();
        let sender = self.sender.take();
        let received = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = received.clone();
        let outcome = self
            .rt
            .block_on(async move { tokio::time::timeout(limits.request_timeout, exchange(sender, &base, req, limits, &counter)).await });
        match outcome {
            Ok(Ok((mut reply, sender))) => {
                self.sender = sender;
                reply.millis = started.elapsed().as_millis() as u64;
                Ok(reply)
            }
            Ok(Err(p)) => Err(p),
            Err(_) => Err(Problem::Timeout {
                seconds: limits.request_timeout.as_secs_f64(),
                received: received.load(std::sync::atomic::Ordering::Relaxed),
            }),
        }
    }
}

async fn connect(base: &BaseUrl) -> Result<Sender, Problem> {
    // `localhost` may resolve to ::1 and 127.0.0.1: the first that answers.
    let mut last = None;
    let mut connected = None;
    for addr in base.addrs()? {
        match tokio::net::TcpStream::connect(addr).await {
            Ok(s) => {
                connected = Some(s);
                break;
            }
            Err(e) => last = Some(format!("{addr}: {e}")),
        }
    }
    let mut stream = connected.ok_or_else(|| Problem::Connect(last.unwrap_or_default()))?;
    let _ = stream.set_nodelay(true);
    if base.proxy.is_some() && base.tls.is_some() {
        tunnel(&mut stream, &base.authority_with_port()).await?;
    }
    match &base.tls {
        None => handshake(stream).await,
        Some(config) => {
            let name = rustls_pki_types::ServerName::try_from(base.host.trim_start_matches('[').trim_end_matches(']').to_string())
                .map_err(|e| Problem::Connect(format!("{}: {e}", base.host)))?;
            let tls = tokio_rustls::TlsConnector::from(config.clone())
                .connect(name, stream)
                .await
                .map_err(|e| Problem::Connect(format!("TLS with {}: {e}", base.host)))?;
            handshake(tls).await
        }
    }
}

/// Asks an HTTP proxy for a tunnel to `authority` (`CONNECT`); TLS then
/// runs through it, end to end.
async fn tunnel(stream: &mut tokio::net::TcpStream, authority: &str) -> Result<(), Problem> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let ask = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
    stream
        .write_all(ask.as_bytes())
        .await
        .map_err(|e| Problem::Connect(format!("the proxy: {e}")))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024
            || stream
                .read(&mut byte)
                .await
                .map_err(|e| Problem::Connect(format!("the proxy: {e}")))?
                == 0
        {
            return Err(Problem::Connect("the proxy closed the connection before answering CONNECT".into()));
        }
        head.push(byte[0]);
    }
    let status = String::from_utf8_lossy(&head)
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    if status != "200" {
        return Err(Problem::Connect(format!(
            "the proxy refused to tunnel to {authority}: HTTP {status}"
        )));
    }
    Ok(())
}

async fn handshake<T>(io: T) -> Result<Sender, Problem>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (sender, conn) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(64 * 1024)
        .handshake(hyper_util::rt::TokioIo::new(io))
        .await
        .map_err(|e| Problem::Connect(e.to_string()))?;
    let driver = tokio::spawn(async move { conn.await.err().and_then(|e| tls_refusal(&e)) });
    Ok(Sender { inner: sender, driver })
}

async fn exchange(
    sender: Option<Sender>,
    base: &BaseUrl,
    req: &WireRequest,
    limits: Limits,
    received: &std::sync::atomic::AtomicUsize,
) -> Result<(Reply, Option<Sender>), Problem> {
    let reusable = match sender {
        Some(mut s) => s.inner.ready().await.is_ok().then_some(s),
        None => None,
    };
    let mut sender = match reusable {
        Some(s) => s,
        None => connect(base).await?,
    };
    // Through a proxy, plain http names the whole URL (absolute form).
    let uri = match (&base.proxy, &base.tls) {
        (Some(_), None) => format!("http://{}{}{}", base.authority_with_port(), base.prefix, req.target),
        _ => format!("{}{}", base.prefix, req.target),
    };
    let mut builder = hyper::Request::builder()
        .method(req.method.as_str())
        .uri(uri)
        .header(hyper::header::HOST, base.authority());
    for (k, v) in &req.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let request = builder
        .body(Full::new(Bytes::from(req.body.clone())))
        .map_err(|e| Problem::Connect(format!("the request cannot be sent: {e}")))?;
    let answer = match sender.inner.send_request(request).await {
        Ok(answer) => answer,
        Err(e) => return Err(sender.why_ended(classify(e)).await),
    };
    let status = answer.status().as_u16();
    let headers: Vec<(String, String)> = answer
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    if let Some(n) = answer
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && n > limits.max_answer_bytes as u64
    {
        return Err(Problem::TooLarge {
            limit: limits.max_answer_bytes,
        });
    }
    let mut body = answer.into_body();
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(classify)?;
        if let Some(data) = frame.data_ref() {
            if bytes.len() + data.len() > limits.max_answer_bytes {
                return Err(Problem::TooLarge {
                    limit: limits.max_answer_bytes,
                });
            }
            bytes.extend_from_slice(data);
            received.store(bytes.len(), std::sync::atomic::Ordering::Relaxed);
        }
    }
    let keep = !headers.iter().any(|(k, v)| k == "connection" && v.eq_ignore_ascii_case("close"));
    Ok((
        Reply {
            status,
            headers,
            body: bytes,
            millis: 0,
        },
        keep.then_some(sender),
    ))
}

fn classify(e: hyper::Error) -> Problem {
    if let Some(refusal) = tls_refusal(&e) {
        return refusal;
    }
    if e.is_parse() || e.is_parse_status() {
        Problem::InvalidHttp(e.to_string())
    } else if e.is_incomplete_message() || e.is_closed() || e.is_canceled() {
        Problem::Closed(e.to_string())
    } else {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        Problem::Closed(text)
    }
}

/// A TLS alert the server sent after the handshake (TLS 1.3 rejects a
/// missing or unknown client certificate that way): the connection was
/// refused, not an answer cut short, so the run cannot go on.
fn tls_refusal(e: &hyper::Error) -> Option<Problem> {
    use tokio_rustls::rustls;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let tls = s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .or_else(|| s.downcast_ref::<rustls::Error>());
        if let Some(rustls::Error::AlertReceived(alert)) = tls {
            let hint = match alert {
                rustls::AlertDescription::CertificateRequired => {
                    " (the server wants a client certificate: pass --client-cert and --client-key)"
                }
                rustls::AlertDescription::BadCertificate
                | rustls::AlertDescription::UnknownCA
                | rustls::AlertDescription::CertificateUnknown => " (the server does not accept the client certificate of --client-cert)",
                _ => "",
            };
            return Some(Problem::Connect(format!(
                "TLS: the server refused the connection with the alert {alert:?}{hint}"
            )));
        }
        source = s.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_parse_host_port_and_prefix() {
        let b = BaseUrl::parse("http://127.0.0.1:8080/erp/").unwrap();
        assert_eq!((b.host.as_str(), b.port, b.prefix.as_str()), ("127.0.0.1", 8080, "/erp"));
        assert_eq!(b.url("/api/x"), "http://127.0.0.1:8080/erp/api/x");
        let b = BaseUrl::parse("http://localhost").unwrap();
        assert_eq!((b.port, b.prefix.as_str()), (80, ""));
        let b = BaseUrl::parse("https://erp.example.com/rpm").unwrap();
        assert_eq!((b.port, b.url("/x")), (443, "https://erp.example.com/rpm/x".to_string()));
        assert!(BaseUrl::parse("ftp://x").is_err());
        // User-info is neither the host nor echoed back.
        let e = BaseUrl::parse("https://api:s3cret@erp.example.com/rpm").unwrap_err();
        assert!(e.contains("user name or password") && !e.contains("s3cret"), "{e}");
        assert_eq!(BaseUrl::parse("http://h/a@b").unwrap().prefix, "/a@b");
        let b = BaseUrl::parse("http://[::1]:9000/x").unwrap();
        assert_eq!((b.host.as_str(), b.port, b.authority()), ("[::1]", 9000, "[::1]:9000".to_string()));
        assert!(BaseUrl::parse("http://h/erp?x=1").unwrap_err().contains("query"));
        assert!(BaseUrl::parse("http://h:99999").is_err());
        assert!(BaseUrl::parse("http://").is_err());
    }
}
