//! The reference server's request handling on hostile requests: method,
//! path, query, headers and body from the input, through the screen before
//! the body, admission (routing, reading, validation) and the operation on
//! an in-memory store, rolled back after each run. Never a panic; every
//! answer is JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;
use reference::engine::{Engine, Request};
use reference::store::Store;
use std::sync::{Mutex, OnceLock};

const VENDORS: [&str; 4] = ["expandable", "expandable-legacy", "manex", "rpm"];

struct Server {
    engine: Engine,
    store: Mutex<Store>,
}

fn server(i: usize) -> &'static Server {
    static SERVERS: OnceLock<Vec<Server>> = OnceLock::new();
    &SERVERS.get_or_init(|| {
        VENDORS
            .iter()
            .map(|name| {
                let v = reference::load_vendor(name).expect("a vendor");
                let mut store = Store::open(None).expect("an in-memory store");
                let faults = reference::faults::Faults::parse(&v, &[]).expect("no faults");
                let readings = reference::readings::Readings::parse(&v, "default", 1).expect("readings");
                let credentials = v.auth.credentials.iter().map(|c| (c.clone(), "K123456789".to_string())).collect();
                let (engine, _) = Engine::new(v, &mut store, faults, readings, &credentials).expect("an engine");
                Server {
                    engine,
                    store: Mutex::new(store),
                }
            })
            .collect()
    })[i]
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let s = server(pick as usize % VENDORS.len());
    // method \0 path[?query] \0 header lines \0 body
    let mut parts = rest.splitn(4, |b| *b == 0);
    let text = |b: Option<&[u8]>| String::from_utf8_lossy(b.unwrap_or_default()).into_owned();
    let method = text(parts.next());
    let target = text(parts.next());
    let head = text(parts.next());
    let body = parts.next().unwrap_or_default().to_vec();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (target, None),
    };
    let headers = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let req = Request {
        method,
        path,
        query,
        headers,
        body: Ok(body),
        host: Some("fuzz".into()),
    };
    if let Some(refusal) = s.engine.screen(&req) {
        let _ = serde_json::to_vec(&refusal.body).expect("JSON");
        return;
    }
    let answer = match s.engine.admit(&req) {
        Err(refused) => refused,
        Ok(admitted) => {
            let mut store = s.store.lock().unwrap_or_else(|p| p.into_inner());
            let mut batch = store.begin().expect("a transaction");
            // Dropped without a commit: every run sees the same records.
            batch.run(|tx| s.engine.run(tx, &req, admitted)).expect("the store runs")
        }
    };
    assert!((100..600).contains(&answer.status), "status {}", answer.status);
    let _ = serde_json::to_vec(&answer.body).expect("JSON");
});
