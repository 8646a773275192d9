//! A server reached through an HTTP proxy, as the environment names it:
//! plain http in absolute form, https through a `CONNECT` tunnel (TLS end
//! to end); `NO_PROXY` bypasses it.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "ProxyKey12";

/// A forward proxy on loopback: `CONNECT host:port` opens a tunnel;
/// an absolute-form request is passed on to its host. Counts connections.
fn proxy(seen: Arc<AtomicUsize>) -> u16 {
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
                let Ok((mut client, _)) = listener.accept().await else { continue };
                seen.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if client.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let line = String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_string();
                    let mut parts = line.split_whitespace();
                    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default().to_string());
                    let authority = if method == "CONNECT" {
                        target.clone()
                    } else {
                        target
                            .trim_start_matches("http://")
                            .split('/')
                            .next()
                            .unwrap_or_default()
                            .to_string()
                    };
                    let Ok(mut up) = tokio::net::TcpStream::connect(authority.replace("localhost", "127.0.0.1")).await else {
                        return;
                    };
                    if method == "CONNECT" {
                        let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await;
                    } else {
                        let _ = up.write_all(&head).await;
                    }
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut up).await;
                });
            }
        });
    });
    port
}

fn check(url: &str, env: &[(&str, String)]) -> (i32, String) {
    check_with(url, env, &[])
}

fn check_with(url: &str, env: &[(&str, String)], extra: &[&str]) -> (i32, String) {
    // Only the proxy variables this test sets.
    let mut vars: Vec<(&str, Option<&str>)> = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"]
        .iter()
        .map(|v| (*v, None))
        .collect();
    vars.extend(env.iter().map(|(k, v)| (*k, Some(v.as_str()))));
    let key = format!("API_KEY={KEY}");
    let base = [
        "check",
        "--api",
        "rpm",
        "--base-url",
        url,
        "--credential",
        &key,
        "-q",
        "--cases",
        "1",
        "--only",
        "rpm.customer-add.",
    ];
    common::run_harness(&std::env::temp_dir(), &[&base[..], extra].concat(), &vars)
}

#[test]
fn http_goes_through_the_environments_proxy_unless_no_proxy_lists_the_host() {
    let server = common::rpm_server(KEY, None);
    let seen = Arc::new(AtomicUsize::new(0));
    let proxy_url = format!("http://127.0.0.1:{}", proxy(seen.clone()));
    let (code, out) = check(&server.base_url(), &[("HTTP_PROXY", proxy_url.clone())]);
    assert_eq!(code, 0, "{out}");
    let through = seen.load(Ordering::SeqCst);
    assert!(through > 0, "no connection went through the proxy");
    let (code, out) = check(
        &server.base_url(),
        &[("HTTP_PROXY", proxy_url), ("NO_PROXY", "localhost,127.0.0.1".into())],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(seen.load(Ordering::SeqCst), through, "NO_PROXY bypasses the proxy");
    // A proxy that is not there is named.
    let (code, out) = check(&server.base_url(), &[("http_proxy", "http://127.0.0.1:9".into())]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn https_goes_through_a_connect_tunnel_with_tls_end_to_end() {
    let server = common::rpm_server(KEY, None);
    let (port, _dir, pem) = common::tls_front(server.addr, "proxy");
    let seen = Arc::new(AtomicUsize::new(0));
    let proxy_url = format!("http://127.0.0.1:{}", proxy(seen.clone()));
    let url = format!("https://localhost:{port}");
    let (code, text) = check_with(&url, &[("HTTPS_PROXY", proxy_url)], &["--ca-cert", pem.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(seen.load(Ordering::SeqCst) > 0, "no tunnel went through the proxy");
}
