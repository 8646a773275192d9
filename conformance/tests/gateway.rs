//! A staging server behind a gateway, as a pipeline meets it: the gateway
//! wants its own header (`-H`), throttles with 429 and `Retry-After`, and
//! comes up late (`--wait-for-server`). The harness sends the header on
//! every request, keeps it out of its reports, waits the 429s out without
//! judging them, and paces itself (`--rate-limit`).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const KEY: &str = "SecretKey3";
const GATEWAY_KEY: &str = "gw-secret-42";

/// One HTTP/1.1 message (head and body by Content-Length) from a stream.
fn read_message(r: &mut BufReader<TcpStream>) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let len: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// A gateway before `upstream`: refuses requests without its key (403),
/// answers every third request 429 with `Retry-After: 0`, forwards the
/// rest; counts what it saw.
fn gateway(upstream: String, seen: Arc<AtomicUsize>, throttled: Arc<AtomicUsize>, listener: TcpListener) {
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let (upstream, seen, throttled) = (upstream.clone(), seen.clone(), throttled.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut client = client;
                while let Some((head, body)) = read_message(&mut reader) {
                    let n = seen.fetch_add(1, Ordering::SeqCst);
                    let keyed = head.to_ascii_lowercase().contains(&format!("x-gateway-key: {GATEWAY_KEY}"));
                    let answer: Vec<u8> = if !keyed {
                        b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".to_vec()
                    } else if n % 3 == 2 {
                        throttled.fetch_add(1, Ordering::SeqCst);
                        b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n".to_vec()
                    } else {
                        let mut up = TcpStream::connect(upstream.trim_start_matches("http://")).unwrap();
                        up.write_all(head.as_bytes()).unwrap();
                        up.write_all(&body).unwrap();
                        let (h, b) = read_message(&mut BufReader::new(up)).unwrap();
                        [h.into_bytes(), b].concat()
                    };
                    if client.write_all(&answer).is_err() {
                        return;
                    }
                }
            });
        }
    });
}

#[test]
fn behind_a_throttling_gateway_the_run_is_green_paced_and_keeps_the_gateway_key_out_of_reports() {
    let server = common::rpm_server(KEY, None);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (seen, throttled) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    // The gateway comes up after the harness has started waiting for it.
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let (up, s2, t2) = (server.base_url(), seen.clone(), throttled.clone());
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        gateway(up, s2, t2, TcpListener::bind(("127.0.0.1", port)).unwrap());
    });
    let dir = std::env::temp_dir().join(format!("erpspec-gateway-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_conformance"))
        .current_dir(&dir)
        .args([
            "check",
            "--api",
            "rpm",
            "--base-url",
            &url,
            "--seed",
            "5",
            "--cases",
            "1",
            "--only",
            "rpm.customer-add.",
            "-H",
            &format!("X-Gateway-Key: {GATEWAY_KEY}"),
            "--wait-for-server",
            "10",
            "--rate-limit",
            "200/s",
            "--report",
            "json=report.json",
            "-q",
        ])
        .env("ERPSPEC_CREDENTIAL_API_KEY", KEY)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{text}");
    let sent = seen.load(Ordering::SeqCst);
    assert!(throttled.load(Ordering::SeqCst) > 5, "the gateway throttled: {sent} requests");
    // 200 per second at most: the requests took their time.
    assert!(
        elapsed.as_secs_f64() >= (sent as f64 - 1.0) / 200.0,
        "{sent} requests in {elapsed:?}"
    );
    let report = std::fs::read_to_string(dir.join("report.json")).unwrap();
    assert!(
        !report.contains(GATEWAY_KEY) && !text.contains(GATEWAY_KEY),
        "the gateway key leaked"
    );
}
