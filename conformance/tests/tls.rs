//! https base URLs: the whole suite through a TLS proxy on loopback in front
//! of the reference server, trusting its self-signed certificate with
//! `--ca-cert` or, installed in the OS store, `--os-trust-store`; without
//! them, the certificate is refused (exit 2).

mod common;

use common::tls_proxy_with;

const KEY: &str = "TlsKey1234";

#[test]
fn the_suite_runs_over_https_and_an_untrusted_certificate_is_refused() {
    let server = common::rpm_server(KEY, None);
    let (port, dir, pem) = common::tls_front(server.addr, "tls");
    let url = format!("https://localhost:{port}");
    let key = format!("API_KEY={KEY}");
    // `os_store`: the file the operating system's store is read from
    // (`SSL_CERT_FILE`, as on Linux); by default, none with any certificate.
    let run = |extra: &[&str], os_store: &std::path::Path| {
        let args = [
            &[
                "check",
                "--api",
                "rpm",
                "--base-url",
                &url,
                "--credential",
                &key,
                "-q",
                "--cases",
                "2",
            ],
            extra,
        ]
        .concat();
        let store = os_store.to_str().unwrap();
        common::run_harness(&dir, &args, &[("SSL_CERT_FILE", Some(store)), ("SSL_CERT_DIR", None)])
    };
    let empty_store = dir.join("empty-store.pem");
    std::fs::write(&empty_store, "").unwrap();
    let (code, out) = run(&["--ca-cert", pem.to_str().unwrap()], &empty_store);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("0 failed") && out.contains(&format!("RPM at https://localhost:{port}")),
        "{out}"
    );
    let (code, out) = run(&[], &empty_store);
    assert_eq!(code, 2, "{out}");
    assert!(out.to_lowercase().contains("certificate"), "{out}");
    // The certificate installed in the operating system's store is trusted
    // with --os-trust-store, and only with it.
    let (code, out) = run(&["--os-trust-store"], &pem);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&[], &pem);
    assert_eq!(code, 2, "{out}");
    let (code, out) = run(&["--os-trust-store"], &empty_store);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--os-trust-store"), "{out}");
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
    let key = format!("API_KEY={KEY}");
    let ca = ca.to_str().unwrap();
    let run = |extra: &[&str]| {
        let base = [
            "check",
            "--api",
            "rpm",
            "--base-url",
            &url,
            "--credential",
            &key,
            "-q",
            "--cases",
            "1",
        ];
        let args = [&base[..], &["--ca-cert", ca, "--only", "rpm.customer-add."], extra].concat();
        common::run_harness(&dir, &args, &[])
    };
    let (code, out) = run(&[
        "--client-cert",
        client_cert.to_str().unwrap(),
        "--client-key",
        client_key.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    // Without the client certificate the server ends each connection (TLS
    // 1.3 says so after the handshake): the run stops as unreachable (exit
    // 2) and names the flags that fix it.
    let (code, out) = run(&[]);
    assert_eq!(code, 2, "a refused connection is a setup error: {out}");
    assert!(out.contains("CertificateRequired") && out.contains("--client-cert"), "{out}");
}
