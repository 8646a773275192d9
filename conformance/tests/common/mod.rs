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

/// Runs the harness binary in `dir` with `args`; each `env` entry sets a
/// variable (`Some`) or removes it (`None`). Its exit code, and standard
/// output then standard error.
pub fn run_harness(dir: &std::path::Path, args: &[&str], env: &[(&str, Option<&str>)]) -> (i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_conformance"));
    cmd.current_dir(dir).args(args);
    for (name, value) in env {
        match value {
            Some(v) => cmd.env(name, v),
            None => cmd.env_remove(name),
        };
    }
    let out = cmd.output().expect("the harness runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// A fresh, empty directory for one test, named for `tag` and this process.
pub fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("erpspec-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// An RPM reference server whose API key is `key`, under its default readings.
pub fn rpm_server(key: &str, fault: Option<&str>) -> reference::Running {
    let credentials = BTreeMap::from([("API_KEY".to_string(), key.to_string())]);
    reference_server("rpm", &credentials, "default", 1, fault).expect("server starts")
}

/// A ManEx reference server whose API key is `key`, under its default readings.
pub fn manex_server(key: &str, fault: Option<&str>) -> reference::Running {
    let credentials = BTreeMap::from([("API_KEY".to_string(), key.to_string())]);
    reference_server("manex", &credentials, "default", 1, fault).expect("server starts")
}

/// A TLS front to `upstream` on loopback with a self-signed certificate
/// for `localhost`: its port, a fresh directory for the test (`tag`), and
/// the certificate's PEM file there (what `--ca-cert` trusts).
pub fn tls_front(upstream: std::net::SocketAddr, tag: &str) -> (u16, std::path::PathBuf, std::path::PathBuf) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = temp_dir(tag);
    let pem = dir.join("ca.pem");
    std::fs::write(&pem, cert.cert.pem()).unwrap();
    let port = tls_proxy(upstream, cert.cert.der().to_vec(), cert.signing_key.serialize_der());
    (port, dir, pem)
}

/// A TLS proxy on loopback to `upstream`; returns its port. With
/// `client_ca`, it wants a client certificate that CA signed (mutual TLS).
pub fn tls_proxy(upstream: std::net::SocketAddr, cert_der: Vec<u8>, key_der: Vec<u8>) -> u16 {
    tls_proxy_with(upstream, cert_der, key_der, None)
}

pub fn tls_proxy_with(upstream: std::net::SocketAddr, cert_der: Vec<u8>, key_der: Vec<u8>, client_ca: Option<Vec<u8>>) -> u16 {
    let provider = std::sync::Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let builder = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = tokio_rustls::rustls::RootCertStore::empty();
            roots.add(rustls_pki_types::CertificateDer::from(ca)).unwrap();
            let verifier = tokio_rustls::rustls::server::WebPkiClientVerifier::builder_with_provider(std::sync::Arc::new(roots), provider)
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(
            vec![rustls_pki_types::CertificateDer::from(cert_der)],
            rustls_pki_types::PrivateKeyDer::Pkcs8(key_der.into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((tcp, _)) = listener.accept().await else { continue };
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let Ok(mut up) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                });
            }
        });
    });
    port
}
