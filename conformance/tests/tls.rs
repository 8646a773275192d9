//! https base URLs: the whole suite through a TLS proxy on loopback in front
//! of the reference server, trusting its self-signed certificate with
//! `--ca-cert`; without it, the certificate is refused (exit 2).

mod common;

use std::process::Command;
use std::sync::Arc;
use tokio_rustls::rustls;

const KEY: &str = "TlsKey1234";

/// A TLS proxy on loopback to `upstream`; returns its port. With
/// `client_ca`, it wants a client certificate that CA signed (mutual TLS).
fn tls_proxy(upstream: std::net::SocketAddr, cert_der: Vec<u8>, key_der: Vec<u8>) -> u16 {
    tls_proxy_with(upstream, cert_der, key_der, None)
}

fn tls_proxy_with(upstream: std::net::SocketAddr, cert_der: Vec<u8>, key_der: Vec<u8>, client_ca: Option<Vec<u8>>) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(rustls_pki_types::CertificateDer::from(ca)).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
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
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
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

#[test]
fn the_suite_runs_over_https_and_an_untrusted_certificate_is_refused() {
    let server = common::rpm_server(KEY, None);
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = std::env::temp_dir().join(format!("erpspec-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("ca.pem");
    std::fs::write(&pem, cert.cert.pem()).unwrap();
    let port = tls_proxy(server.addr, cert.cert.der().to_vec(), cert.signing_key.serialize_der());
    let url = format!("https://localhost:{port}");
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
            .current_dir(&dir)
            .args([
                "check",
                "--api",
                "rpm",
                "--base-url",
                &url,
                "--credential",
                &format!("API_KEY={KEY}"),
                "-q",
                "--cases",
                "2",
            ])
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, out) = run(&["--ca-cert", pem.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("0 failed") && out.contains(&format!("RPM at https://localhost:{port}")),
        "{out}"
    );
    let (code, out) = run(&[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.to_lowercase().contains("certificate"), "{out}");
}

#[test]
fn a_server_that_wants_a_client_certificate_gets_one_with_client_cert() {
    let server = common::rpm_server(KEY, None);
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let client = rcgen::generate_simple_self_signed(vec!["erpspec-harness".to_string()]).unwrap();
    let dir = std::env::temp_dir().join(format!("erpspec-mtls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ca, client_cert, client_key) = (dir.join("ca.pem"), dir.join("client.pem"), dir.join("client.key"));
    std::fs::write(&ca, cert.cert.pem()).unwrap();
    std::fs::write(&client_cert, client.cert.pem()).unwrap();
    std::fs::write(&client_key, client.signing_key.serialize_pem()).unwrap();
    let port = tls_proxy_with(
        server.addr,
        cert.cert.der().to_vec(),
        cert.signing_key.serialize_der(),
        Some(client.cert.der().to_vec()),
    );
    let url = format!("https://localhost:{port}");
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
            .current_dir(&dir)
            .args([
                "check",
                "--api",
                "rpm",
                "--base-url",
                &url,
                "--credential",
                &format!("API_KEY={KEY}"),
                "-q",
                "--cases",
                "1",
            ])
            .args(["--ca-cert", ca.to_str().unwrap(), "--only", "rpm.customer-add."])
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, out) = run(&[
        "--client-cert",
        client_cert.to_str().unwrap(),
        "--client-key",
        client_key.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    // Without the client certificate the server ends each connection
    // (TLS 1.3 says so after the handshake): nothing passes, and why is named.
    let (code, out) = run(&[]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("CertificateRequired"), "{out}");
}
