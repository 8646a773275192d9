//! `--report har=PATH`: every exchange of the run as an HTTP Archive (HAR
//! 1.2), for a browser's network panel or a HAR viewer; credentials,
//! tokens and `-H` values masked as in every report. Each entry's comment
//! is the check it belongs to.

use crate::run::{Exchange, Run};
use crate::target::Target;
use serde_json::{Value, json};

pub fn har(t: &Target, run: &Run) -> Value {
    let started: chrono::DateTime<chrono::Utc> = run.started_at.into();
    let mut clock = started;
    let mut entries = Vec::new();
    for o in &run.outcomes {
        for ex in &o.exchanges {
            let millis = ex.reply.as_ref().map(|r| r.millis).unwrap_or(0);
            entries.push(entry(t, &o.check.id, ex, clock, millis));
            // Exchanges of one run overlap; each starts no earlier than the last.
            clock += chrono::Duration::milliseconds(millis as i64);
        }
    }
    json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "erpspec conformance", "version": env!("CARGO_PKG_VERSION") },
            "pages": [],
            "entries": entries,
        }
    })
}

fn headers(t: &Target, hs: &[(String, String)]) -> Vec<Value> {
    hs.iter().map(|(k, v)| json!({ "name": k, "value": t.redact(v) })).collect()
}

fn entry(t: &Target, check: &str, ex: &Exchange, at: chrono::DateTime<chrono::Utc>, millis: u64) -> Value {
    let req = &ex.request;
    let body = t.redact(&String::from_utf8_lossy(&req.body));
    let mime = req
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let request = json!({
        "method": req.method,
        "url": t.redact(&t.base.url(&req.target)),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": headers(t, &req.headers),
        "queryString": [],
        "postData": { "mimeType": mime, "text": body },
        "headersSize": -1,
        "bodySize": req.body.len(),
    });
    let response = match &ex.reply {
        Ok(r) => json!({
            "status": r.status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers(t, &r.headers),
            "content": {
                "size": r.body.len(),
                "mimeType": r.header("content-type").unwrap_or_default(),
                "text": t.redact(&String::from_utf8_lossy(&r.body)),
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": r.body.len(),
        }),
        // No answer: status 0, as browsers record a failed request.
        Err(p) => json!({
            "status": 0,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "content": { "size": 0, "mimeType": "" },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_error": t.redact(&p.to_string()),
        }),
    };
    json!({
        "startedDateTime": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "time": millis,
        "request": request,
        "response": response,
        "cache": {},
        "timings": { "send": 0, "wait": millis, "receive": 0 },
        "comment": check,
    })
}
