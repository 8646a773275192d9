//! `hostile`: the reference server and the harness under hostile peers, on
//! loopback. The server (RPM, `--header-timeout 2`): a new client's latency
//! with idle sockets held open, its peak memory under concurrent
//! unauthenticated 1 MiB bodies, and how long a slow-loris head keeps its
//! connection. The harness: its peak memory against a server answering
//! 16 MiB to everything. Peaks are `VmHWM` of the process (`/proc`).

use crate::interop::Server;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

const KEY: &str = "Hostile123";

/// The figures of one run, each against a fresh server (peaks are per
/// process).
struct Run {
    p50: f64,
    p99: f64,
    bodies_peak: f64,
    loris: f64,
    harness_peak: f64,
    harness_secs: f64,
}

pub fn hostile(root: &Path, quick: bool) -> Result<(), String> {
    let sockets = if quick { 100 } else { 1000 };
    // Under the harness's 16 MiB cap, so every answer is read whole.
    let answer_mib = if quick { 4 } else { 15 };
    let runs = if quick { 1 } else { 5 };
    let all = (0..runs)
        .map(|_| one_run(root, sockets, answer_mib))
        .collect::<Result<Vec<Run>, String>>()?;
    let figure = |f: fn(&Run) -> f64, digits: usize| {
        let (median, min, max) = super::spread(all.iter().map(f).collect());
        format!("{median:.digits$} ({min:.digits$}–{max:.digits$})")
    };
    println!("## Hostile peers (reference server: RPM, release build unless --quick)\n");
    println!("Median of {runs} runs (min–max), each against a fresh server.\n");
    println!("| what | figure |\n| --- | --- |");
    println!(
        "| a new client's request with {sockets} idle sockets open: p50 / p99 of 200, ms | {} / {} |",
        figure(|r| r.p50, 2),
        figure(|r| r.p99, 2)
    );
    println!(
        "| server peak memory (VmHWM) after {sockets} concurrent unauthenticated 1 MiB bodies, MiB | {} |",
        figure(|r| r.bodies_peak, 0)
    );
    println!(
        "| a slow-loris head (a byte every 200 ms) kept its connection for, s (`--header-timeout 2`) | {} |",
        figure(|r| r.loris, 1)
    );
    println!(
        "| harness peak memory (VmHWM) against a server answering {answer_mib} MiB to everything (`--only manex.customer-get.`), MiB; its run, s | {}; {} |",
        figure(|r| r.harness_peak, 0),
        figure(|r| r.harness_secs, 1)
    );
    println!("\nCommand: `cargo xtask bench --only hostile`.\n");
    Ok(())
}

fn one_run(root: &Path, sockets: usize, answer_mib: usize) -> Result<Run, String> {
    let server = Server::start(
        &super::release(root, "reference"),
        "rpm",
        &["--credential", &format!("API_KEY={KEY}"), "--header-timeout", "2"],
    )?;
    let addr = server.url.trim_start_matches("http://").to_string();
    let (p50, p99) = latency_with_idle_sockets(&addr, sockets)?;
    let bodies_peak = peak_under_unauthenticated_bodies(&addr, server.pid(), sockets)? as f64;
    let loris = slow_loris_kept(&addr)?;
    drop(server);
    let (harness_peak, harness_secs) = harness_against_floods(root, answer_mib)?;
    Ok(Run {
        p50,
        p99,
        bodies_peak,
        loris,
        harness_peak: harness_peak as f64,
        harness_secs,
    })
}

fn info_request(addr: &str, key: &str, length: usize) -> String {
    format!(
        "POST /rpm/Api2.svc/Info HTTP/1.1\r\nHost: {addr}\r\nRpmApiKey: {key}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

fn latency_with_idle_sockets(addr: &str, sockets: usize) -> Result<(f64, f64), String> {
    let idle: Vec<TcpStream> = (0..sockets).filter_map(|_| TcpStream::connect(addr).ok()).collect();
    if idle.len() < sockets {
        return Err(format!("only {} of {sockets} idle sockets connected", idle.len()));
    }
    let mut times = Vec::new();
    for _ in 0..200 {
        let t0 = Instant::now();
        let mut c = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        c.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
        c.write_all(format!("{}{{}}", info_request(addr, KEY, 2)).as_bytes())
            .map_err(|e| e.to_string())?;
        let mut buf = [0u8; 512];
        let n = c.read(&mut buf).map_err(|e| format!("a new client got no answer: {e}"))?;
        if !buf[..n].starts_with(b"HTTP/1.1 200") {
            return Err(format!("a new client got {:?}", String::from_utf8_lossy(&buf[..n])));
        }
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], times[times.len() * 99 / 100 - 1]))
}

fn peak_under_unauthenticated_bodies(addr: &str, pid: u32, clients: usize) -> Result<u64, String> {
    let body = vec![b'x'; 1 << 20];
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (addr, body) = (addr.to_string(), body.clone());
            std::thread::spawn(move || {
                let Ok(mut c) = TcpStream::connect(&addr) else { return };
                let _ = c.set_read_timeout(Some(Duration::from_secs(20)));
                let _ = c.write_all(info_request(&addr, "K000000000", body.len()).as_bytes());
                // The server may refuse (and close) before reading the body.
                let _ = c.write_all(&body);
                let mut buf = [0u8; 512];
                let _ = c.read(&mut buf);
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    peak_mib(pid)
}

fn slow_loris_kept(addr: &str) -> Result<f64, String> {
    let mut c = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    for b in b"POST /rpm/Api2.svc/Info HTTP/1.1\r\nHost: x\r\nX-Slow: ".iter().cycle() {
        if c.write_all(&[*b]).is_err() || t0.elapsed() > Duration::from_secs(30) {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(t0.elapsed().as_secs_f64())
}

/// The harness (this profile's build) against a server answering `mib` MiB
/// of valid JSON to every request: its peak memory and run time.
fn harness_against_floods(root: &Path, mib: usize) -> Result<(u64, f64), String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let answer = std::sync::Arc::new({
        let body = format!("{{\"Code\":\"200\",\"IsValidUser\":true,\"pad\":\"{}\"}}", "x".repeat(mib << 20));
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    });
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut s = s;
                let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
                let mut buf = [0u8; 65536];
                let _ = s.read(&mut buf);
                let _ = s.write_all(answer.as_bytes());
            });
        }
    });
    let t0 = Instant::now();
    let mut child = std::process::Command::new(super::release(root, "conformance"))
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
        .current_dir(std::env::temp_dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run the harness: {e}"))?;
    let pid = child.id();
    let mut peak = 0;
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        peak = peak.max(peak_mib(pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((peak, t0.elapsed().as_secs_f64()))
}

/// A process's peak resident memory (`VmHWM`), in MiB.
fn peak_mib(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or("no VmHWM in /proc")?;
    Ok(kib / 1024)
}
