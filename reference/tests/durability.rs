//! Real storage: concurrent writers lose nothing, and every write the server
//! acknowledged before a `kill -9` is there after a restart (once, and over
//! twenty kills in a row under concurrent load, group commit included).

mod common;
use common::{credentials, send};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn temp_db(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!("erpspec-reference-{tag}-{}-{nanos}.sqlite", std::process::id()))
}

fn remove_db(p: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

const KEY: &str = "K123456789";

fn add(addr: SocketAddr, name: &str) -> Option<String> {
    let body = json!({"Custname": name, "Status": "Active"}).to_string();
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    use std::io::{Read, Write};
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "POST /API/Customer/Add/{KEY} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf);
    let json_start = text.find("\r\n\r\n")? + 4;
    let v: Value = serde_json::from_str(&text[json_start..]).ok()?;
    (v["Code"] == json!(200))
        .then(|| v["ResponseObject"]["CUSTNO"].as_str().map(str::to_string))
        .flatten()
}

fn get(addr: SocketAddr, what: &str) -> Value {
    let a = send(
        addr,
        "POST",
        &format!("/API/Customer/Get/{KEY}"),
        &[("Content-Type", "application/json")],
        json!({"CustNumOrName": what}).to_string().as_bytes(),
    );
    a.json()
}

#[test]
fn concurrent_writers_lose_nothing() {
    const WRITERS: usize = 8;
    const WRITES: usize = 25;
    let db = temp_db("concurrency");
    let mut config = reference::Config::new("manex");
    config.credentials = credentials("manex");
    config.db = Some(db.clone());
    let server = reference::spawn(config).expect("server starts");
    let addr = server.addr;
    let threads: Vec<_> = (0..WRITERS)
        .map(|w| {
            std::thread::spawn(move || {
                (0..WRITES)
                    .map(|i| add(addr, &format!("writer {w} customer {i}")).expect("acknowledged"))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut numbers: Vec<String> = threads.into_iter().flat_map(|t| t.join().expect("writer")).collect();
    assert_eq!(numbers.len(), WRITERS * WRITES);
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), WRITERS * WRITES, "every customer got its own number");
    for w in 0..WRITERS {
        for i in 0..WRITES {
            let v = get(addr, &format!("writer {w} customer {i}"));
            assert_eq!(v["Code"], json!(200), "writer {w} customer {i}: {v}");
        }
    }
    println!(
        "concurrency: {WRITERS} writers x {WRITES} creates = {} acknowledged, {} read back",
        WRITERS * WRITES,
        WRITERS * WRITES
    );
    drop(server);
    remove_db(&db);
}

struct Proc {
    child: Child,
    addr: SocketAddr,
}

/// A failing test does not leave its server running.
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn launch(db: &std::path::Path) -> Proc {
    launch_with(db, &[])
}

fn launch_with(db: &std::path::Path, extra: &[&str]) -> Proc {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reference"))
        .args([
            "--api",
            "manex",
            "--listen",
            "127.0.0.1:0",
            "--credential",
            &format!("API_KEY={KEY}"),
            "--db",
        ])
        .arg(db)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the server");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("first line");
    let addr = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .parse()
        .expect("address");
    Proc { child, addr }
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    kill_under_load("crash", &[]);
}

/// With the server's writes held in its memory until SQLite syncs them
/// (`--power-cut-storage`), its kill -9 is a power cut.
#[test]
fn acknowledged_writes_survive_a_power_cut() {
    kill_under_load("power-cut", &["--power-cut-storage"]);
}

/// Writers busy, then a kill -9, then a restart: every acknowledged write
/// is there.
fn kill_under_load(tag: &str, extra: &[&str]) {
    const WRITERS: usize = 4;
    let db = temp_db(tag);
    let mut p = launch_with(&db, extra);
    let addr = p.addr;
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let stop_at = Instant::now() + Duration::from_secs(20);
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let acked = acked.clone();
            std::thread::spawn(move || {
                let mut i = 0;
                let mut failures = 0;
                // Writes until the server is gone (bounded in count and time).
                while Instant::now() < stop_at && i < 5_000 && failures < 3 {
                    let name = format!("crash {w}-{i}");
                    match add(addr, &name) {
                        Some(custno) => acked.lock().unwrap().push((name, custno)),
                        None => failures += 1,
                    }
                    i += 1;
                }
            })
        })
        .collect();
    // Kill while the writers are busy.
    while acked.lock().unwrap().len() < 300 && Instant::now() < stop_at {
        std::thread::sleep(Duration::from_millis(5));
    }
    p.child.kill().expect("SIGKILL");
    let _ = p.child.wait();
    let acknowledged = acked.lock().unwrap().len();
    for w in writers {
        w.join().expect("writer");
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acknowledged >= 300, "only {acknowledged} writes before the kill");

    let mut p = launch(&db);
    let mut found = 0;
    for (name, custno) in &acked {
        let v = get(p.addr, custno);
        assert_eq!(
            v["Code"],
            json!(200),
            "{name} ({custno}) was acknowledged before kill -9 but is gone: {v}"
        );
        assert_eq!(v["ResponseObject"]["CUSTNAME"].as_str().map(str::trim_end), Some(name.as_str()));
        found += 1;
    }
    println!(
        "kill -9 {extra:?}: {} writes acknowledged before the kill, {found} found after restart",
        acked.len()
    );
    p.child.kill().expect("stop");
    let _ = p.child.wait();
    remove_db(&db);
}

#[test]
fn no_acknowledged_write_is_lost_over_twenty_kill_9s_under_load() {
    const ROUNDS: usize = 20;
    const WRITERS: usize = 8;
    let db = temp_db("kills");
    let mut survivors: Vec<(String, String)> = Vec::new();
    let started = Instant::now();
    for round in 0..ROUNDS {
        let mut p = launch(&db);
        let addr = p.addr;
        // What the previous round acknowledged is here after its kill.
        for (name, custno) in survivors.iter().rev().take(200) {
            let v = get(addr, custno);
            assert_eq!(
                v["ResponseObject"]["CUSTNAME"].as_str().map(str::trim_end),
                Some(name.as_str()),
                "round {round}: {name} ({custno}) was acknowledged before a kill -9 but is gone: {v}"
            );
        }
        let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::new(Mutex::new(Vec::new()));
        let stop_at = Instant::now() + Duration::from_secs(10);
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let acked = acked.clone();
                std::thread::spawn(move || {
                    let mut failures = 0;
                    let mut i = 0;
                    while Instant::now() < stop_at && failures < 3 {
                        let name = format!("round {round} writer {w} customer {i}");
                        match add(addr, &name) {
                            Some(custno) => acked.lock().unwrap().push((name, custno)),
                            None => failures += 1,
                        }
                        i += 1;
                    }
                })
            })
            .collect();
        // Kill at a different point of the load each round.
        let kill_after = 20 + (round * 37) % 80;
        while acked.lock().unwrap().len() < kill_after && Instant::now() < stop_at {
            std::thread::sleep(Duration::from_millis(1));
        }
        p.child.kill().expect("SIGKILL");
        let _ = p.child.wait();
        for w in writers {
            w.join().expect("writer");
        }
        let acked = acked.lock().unwrap().clone();
        assert!(
            acked.len() >= kill_after,
            "round {round}: only {} writes before the kill",
            acked.len()
        );
        survivors.extend(acked);
    }
    // Every write acknowledged in any round, after the last kill.
    let mut p = launch(&db);
    let mut numbers: Vec<&str> = survivors.iter().map(|(_, c)| c.as_str()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), survivors.len(), "no customer number was given twice");
    for (name, custno) in &survivors {
        let v = get(p.addr, custno);
        assert_eq!(
            v["ResponseObject"]["CUSTNAME"].as_str().map(str::trim_end),
            Some(name.as_str()),
            "{name} ({custno}) was acknowledged before a kill -9 but is gone: {v}"
        );
    }
    println!(
        "{ROUNDS} kill -9s under {WRITERS} writers: {} writes acknowledged, all found, in {:.1} s",
        survivors.len(),
        started.elapsed().as_secs_f64()
    );
    p.child.kill().expect("stop");
    let _ = p.child.wait();
    remove_db(&db);
}

/// Acknowledged writes, then a kill -9 the moment the last is acknowledged,
/// then a restart: the acknowledged writes that are gone.
fn lost_after_kill_on_acknowledgement(extra: &[&str]) -> Vec<String> {
    let db = temp_db("ack-kill");
    let p = launch_with(&db, extra);
    let acked: Vec<(String, String)> = (0..5)
        .map(|i| {
            let name = format!("ack {i}");
            let custno = add(p.addr, &name).expect("acknowledged");
            (name, custno)
        })
        .collect();
    drop(p); // kill -9, right after the last acknowledgement
    let p = launch(&db);
    let lost = acked
        .iter()
        .filter(|(_, custno)| get(p.addr, custno)["Code"] != json!(200))
        .map(|(name, _)| name.clone())
        .collect();
    drop(p);
    remove_db(&db);
    lost
}

/// The durability check can fail: a server that acknowledges a write before
/// its batch commits (the `answer-before-commit` crash fault) is caught
/// every time, and the real server never.
#[test]
fn an_acknowledgement_before_the_commit_is_caught_every_time() {
    for round in 0..3 {
        let lost = lost_after_kill_on_acknowledgement(&["--crash-fault", "answer-before-commit"]);
        assert!(!lost.is_empty(), "round {round}: the early acknowledgement went unnoticed");
        assert!(
            lost_after_kill_on_acknowledgement(&[]).is_empty(),
            "round {round}: the real server lost a write"
        );
    }
}

/// The power-cut test can fail: a server that commits without syncing
/// (`synchronous-normal`: WAL's NORMAL) loses acknowledged writes at a power
/// cut, and is caught every time; the real server never. A plain kill -9
/// cannot see the missing sync (the page cache keeps the writes), which is
/// why the power-cut storage exists.
#[test]
fn a_commit_without_sync_is_caught_by_a_power_cut_every_time() {
    for round in 0..3 {
        let lost = lost_after_kill_on_acknowledgement(&["--power-cut-storage", "--crash-fault", "synchronous-normal"]);
        assert!(!lost.is_empty(), "round {round}: the unsynced commits survived the power cut");
        assert!(
            lost_after_kill_on_acknowledgement(&["--power-cut-storage"]).is_empty(),
            "round {round}: the real server lost a write at a power cut"
        );
    }
    assert!(
        lost_after_kill_on_acknowledgement(&["--crash-fault", "synchronous-normal"]).is_empty(),
        "a plain kill -9 lost an unsynced write: the page cache should have kept it"
    );
}
