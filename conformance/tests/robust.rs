//! The harness against servers that misbehave, on loopback: each run ends
//! within its time budget in a reported failure that names the problem,
//! never a crash or an endless wait.

use conformance::run::{self, Options, Verdict};
use conformance::target::Target;
use conformance::transport::{BaseUrl, Limits};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

#[derive(Clone, Copy)]
enum Behaviour {
    NeverAnswers,
    ByteEverySecond,
    Floods,
    ClosesMidAnswer,
    InvalidHttp,
    WrongContentType,
    NotJson,
    WrongShape,
    RedirectLoop,
    /// 4 MiB of valid JSON (the vendor's success envelope, padded) to everything.
    Huge,
}

fn read_request(s: &mut TcpStream) {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&byte[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let have = buf.len() - buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0) - 4;
    let mut rest = vec![0u8; len.saturating_sub(have)];
    let _ = s.read_exact(&mut rest);
}

fn answer(mut s: TcpStream, b: Behaviour) {
    read_request(&mut s);
    let reply = |s: &mut TcpStream, ct: &str, body: &str| {
        let _ = write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    };
    match b {
        Behaviour::NeverAnswers => std::thread::sleep(Duration::from_secs(30)),
        Behaviour::ByteEverySecond => {
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}" {
                if s.write_all(&[*byte]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        Behaviour::Floods => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            let chunk = format!("{:x}\r\n{}\r\n", 65536, "x".repeat(65536));
            for _ in 0..(100 * 16) {
                if s.write_all(chunk.as_bytes()).is_err() {
                    return;
                }
            }
        }
        Behaviour::ClosesMidAnswer => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"$id\": \"1\", \"Co");
        }
        Behaviour::InvalidHttp => {
            let _ = s.write_all(b"HELLO THERE\r\n\r\nthis is not http\r\n");
        }
        Behaviour::WrongContentType => reply(&mut s, "text/html", "<html><body>It works!</body></html>"),
        Behaviour::NotJson => reply(&mut s, "application/json", "{this is not json"),
        Behaviour::WrongShape => reply(&mut s, "application/json", "{\"hello\": [1, 2, 3]}"),
        Behaviour::Huge => {
            let body = format!("{{\"Code\":\"200\",\"IsValidUser\":true,\"pad\":\"{}\"}}", "x".repeat(4 << 20));
            reply(&mut s, "application/json", &body)
        }
        Behaviour::RedirectLoop => {
            let _ = write!(
                s,
                "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    }
}

fn evil_server(b: Behaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            std::thread::spawn(move || answer(s, b));
        }
    });
    format!("http://{addr}")
}

fn check_against(b: Behaviour, expect: &str) {
    let vendor = conformance::load_vendor("manex").unwrap();
    let mut t = Target {
        fixtures: conformance::default_fixtures(&vendor),
        vendor,
        base: BaseUrl::parse(&evil_server(b)).unwrap(),
        credentials: [("API_KEY".to_string(), "K123456789".to_string())].into(),
        token: Default::default(),
    };
    let opts = Options {
        cases: 1,
        limits: Limits {
            request_timeout: Duration::from_millis(1500),
            max_answer_bytes: 1024 * 1024,
        },
        run_timeout: Duration::from_secs(20),
        ..Options::default()
    };
    let started = Instant::now();
    let r = run::run(&mut t, &opts, &run::Silent).expect("the server is reachable");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(25), "took {took:?}");
    let failed: Vec<&run::Outcome> = r.outcomes.iter().filter(|o| o.verdict == Verdict::Failed).collect();
    assert!(!failed.is_empty(), "no failure reported");
    let reasons: Vec<String> = failed.iter().filter_map(|o| o.reason.clone()).collect();
    assert!(
        reasons.iter().any(|x| x.contains(expect)),
        "no failure names `{expect}`: {:?}",
        &reasons[..reasons.len().min(3)]
    );
}

#[test]
fn a_server_that_never_answers_is_reported_within_the_time_limit() {
    check_against(Behaviour::NeverAnswers, "no complete answer within 1.5 s");
}

#[test]
fn a_server_answering_a_byte_per_second_is_reported() {
    check_against(Behaviour::ByteEverySecond, "no complete answer within");
}

#[test]
fn a_flood_of_100_mb_is_cut_at_the_cap() {
    check_against(Behaviour::Floods, "larger than 1048576 bytes");
}

#[test]
fn a_connection_closed_mid_answer_is_reported() {
    check_against(Behaviour::ClosesMidAnswer, "closed before the answer was complete");
}

#[test]
fn invalid_http_is_reported() {
    check_against(Behaviour::InvalidHttp, "not valid HTTP");
}

#[test]
fn a_wrong_content_type_and_html_are_reported() {
    check_against(Behaviour::WrongContentType, "content type text/html");
}

#[test]
fn a_body_that_is_not_json_is_reported() {
    check_against(Behaviour::NotJson, "the answer is not JSON");
}

#[test]
fn json_of_the_wrong_shape_is_reported() {
    check_against(Behaviour::WrongShape, "member `$id` is missing");
}

#[test]
fn a_redirect_loop_is_not_followed_but_reported() {
    check_against(Behaviour::RedirectLoop, "HTTP 302");
}

#[test]
fn an_unreachable_server_is_a_setup_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let vendor = conformance::load_vendor("rpm").unwrap();
    let mut t = Target {
        fixtures: conformance::default_fixtures(&vendor),
        vendor,
        base: BaseUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        credentials: [("API_KEY".to_string(), "k".to_string())].into(),
        token: Default::default(),
    };
    match run::run(&mut t, &Options::default(), &run::Silent) {
        Err(run::SetupError::Unreachable(e)) => assert!(e.contains("refused") || e.contains("127.0.0.1"), "{e}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("an unreachable server ran"),
    }
}

/// A server answering 4 MiB to every request: what the run keeps of each
/// answer is bounded (a passed check's few KiB, a failure's 256 KiB), so a
/// hostile server cannot make a run hold gigabytes.
#[test]
fn a_run_keeps_bounded_memory_whatever_the_server_sends() {
    let vendor = conformance::load_vendor("manex").unwrap();
    let mut t = Target {
        fixtures: conformance::default_fixtures(&vendor),
        vendor,
        base: BaseUrl::parse(&evil_server(Behaviour::Huge)).unwrap(),
        credentials: [("API_KEY".to_string(), "K123456789".to_string())].into(),
        token: Default::default(),
    };
    let opts = Options {
        cases: 1,
        only: vec!["manex.customer-get.".into()],
        run_timeout: Duration::from_secs(60),
        ..Options::default()
    };
    let r = run::run(&mut t, &opts, &run::Silent).expect("the server is reachable");
    let bodies: Vec<usize> = r
        .outcomes
        .iter()
        .flat_map(|o| &o.exchanges)
        .filter_map(|e| e.reply.as_ref().ok())
        .map(|reply| reply.body.len())
        .collect();
    assert!(bodies.len() >= 5, "{} answers kept", bodies.len());
    let most = *bodies.iter().max().unwrap();
    assert!(most <= run::KEPT_BYTES_REPORTED + 100, "an answer of {most} bytes was kept whole");
    let kept: usize = bodies.iter().sum();
    assert!(kept < 64 << 20, "{kept} bytes kept for {} answers of 4 MiB", bodies.len());
}

/// The harness process against a server answering 8 MiB of valid JSON to
/// every request: its peak memory (`VmHWM`) stays under 1 GiB. (Redacting
/// each whole body through decoded views once took 1.6 GiB at 4 MiB.)
#[test]
fn the_harness_peak_memory_is_bounded_against_huge_answers() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let body = format!("{{\"Code\":\"200\",\"IsValidUser\":true,\"pad\":\"{}\"}}", "x".repeat(8 << 20));
    let answer = std::sync::Arc::new(format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut s = s;
                read_request(&mut s);
                let _ = s.write_all(answer.as_bytes());
            });
        }
    });
    let dir = std::env::temp_dir().join(format!("erpspec-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args([
            "check",
            "--api",
            "manex",
            "--base-url",
            &format!("http://{addr}"),
            "--credential",
            "API_KEY=K123456789",
        ])
        .args(["--cases", "1", "-q", "--only", "manex.customer-get.", "--run-timeout", "120"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak_kib = 0u64;
    while child.try_wait().unwrap().is_none() {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            let kib = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0);
            peak_kib = peak_kib.max(kib);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(peak_kib > 0, "the peak was read");
    assert!(peak_kib < 1 << 20, "the harness peaked at {} MiB", peak_kib / 1024);
    let _ = std::fs::remove_dir_all(&dir);
}
