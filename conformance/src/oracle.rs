//! The oracle: is this answer what the docs say the situation must get?
//!
//! Judgement reads only the shared model ([`erpspec_model::answers`]) and
//! the envelope templates, and is fair by construction: a refusal the docs
//! leave open accepts any refusal; a message documented as "any text" accepts
//! any text; a status the docs do not give accepts any status; members the
//! templates do not name are allowed.

use crate::plan::{Assert, Compare, Expect};
use crate::transport::Reply;
use crate::values::{get_path, text};
use erpspec_model::ir::{Endpoint, Vendor};
use erpspec_model::recognise::refusal_mismatch;
pub use erpspec_model::recognise::{describe_message, refusal_entry, success_payload};
use erpspec_model::template::brief;
use serde_json::Value;
use std::collections::BTreeMap;

/// The oracle's finding for one answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// As documented. For a success, the payload it returned; `note` where
    /// the server took another documented reading than the schema's first.
    Pass { payload: Option<Value>, note: Option<String> },
    /// Not as documented, and why.
    Wrong(String),
}

/// Judges one answer.
pub fn judge(v: &Vendor, ep: Option<&Endpoint>, expect: &Expect, reply: &Reply) -> Finding {
    let json: Option<Value> = serde_json::from_slice(&reply.body).ok();
    match expect {
        Expect::Readings {
            entries, first_refuses, ..
        } => judge_readings(v, ep, entries, *first_refuses, reply),
        // The assertions are checked on the located record (`check_asserts`).
        Expect::Success { .. } => {
            let Some(ep) = ep else {
                return Finding::Wrong("a success was expected from no endpoint".into());
            };
            let Some(body) = json else {
                return Finding::Wrong(not_json(reply));
            };
            match success_payload(v, ep, reply.status, &body) {
                Ok(payload) => Finding::Pass {
                    payload: Some(payload),
                    note: None,
                },
                Err(why) => Finding::Wrong(why),
            }
        }
        Expect::Refusal { entries } if entries.is_empty() => {
            if let Some(body) = &json
                && let Some(ep) = ep
                && success_payload(v, ep, reply.status, body).is_ok()
            {
                return Finding::Wrong(format!("accepted (HTTP {}) where a refusal is due", reply.status));
            }
            if json.is_none() && reply.status < 400 {
                return Finding::Wrong(not_json(reply));
            }
            Finding::Pass { payload: None, note: None }
        }
        Expect::Refusal { entries } => {
            let Some(body) = json else {
                return Finding::Wrong(not_json(reply));
            };
            let mut problems = Vec::new();
            for id in entries {
                let Some(e) = v.error(id) else { continue };
                match refusal_mismatch(v, e, reply.status, &body) {
                    None => return Finding::Pass { payload: None, note: None },
                    Some(p) => problems.push(format!("`{id}`: {p}")),
                }
            }
            let accepted = ep.is_some_and(|ep| success_payload(v, ep, reply.status, &body).is_ok());
            if accepted {
                Finding::Wrong(format!(
                    "accepted (HTTP {}) where the docs say it is refused with {}",
                    reply.status,
                    entries.join(" or ")
                ))
            } else {
                Finding::Wrong(format!("not the documented refusal: {}", problems.join("; ")))
            }
        }
    }
}

/// A contested rule's answer: the refusal one documented reading gives, or
/// the success another gives; noted where it is not the schema's first.
fn judge_readings(v: &Vendor, ep: Option<&Endpoint>, entries: &[String], first_refuses: bool, reply: &Reply) -> Finding {
    let refusal = judge(v, ep, &Expect::Refusal { entries: entries.to_vec() }, reply);
    let (finding, refused) = match refusal {
        Finding::Pass { .. } => (refusal, true),
        Finding::Wrong(refused_why) => match judge(v, ep, &Expect::Success { asserts: Vec::new() }, reply) {
            Finding::Wrong(success_why) => {
                return Finding::Wrong(format!(
                    "neither documented reading's answer: not a success ({success_why}); not the refusal ({refused_why})"
                ));
            }
            pass => (pass, false),
        },
    };
    let note = (refused != first_refuses).then(|| {
        if refused {
            "refused: the server took another documented reading than the schema's first".to_string()
        } else {
            "accepted: the server took another documented reading than the schema's first".to_string()
        }
    });
    match finding {
        Finding::Pass { payload, .. } => Finding::Pass { payload, note },
        wrong => wrong,
    }
}

fn not_json(reply: &Reply) -> String {
    let ct = reply.header("content-type").unwrap_or("none");
    let text = String::from_utf8_lossy(&reply.body);
    let shown: String = text.chars().take(120).collect();
    format!("the answer is not JSON (HTTP {}, content type {ct}): {shown:?}", reply.status)
}

/// Checks a record read back against what was written. `member` is the
/// record member of the resource (RPM `Contact`): a path written under it is
/// also looked up without it, for reads that return the member's object.
pub fn check_asserts(v: &Vendor, record: &Value, member: Option<&str>, asserts: &[Assert]) -> Option<String> {
    let mut wrong: BTreeMap<String, String> = BTreeMap::new();
    for a in asserts {
        let shown = a.path.join("/");
        let found = get_path(v, record, &a.path).or_else(|| match (member, a.path.split_first()) {
            (Some(m), Some((first, rest))) if first == m => get_path(v, record, rest),
            _ => None,
        });
        match (found, a.compare) {
            (None, Compare::Absent | Compare::Empty | Compare::ClearedOrKept) => {}
            (None, Compare::Present) => {
                wrong.insert(shown, format!("missing ({})", a.because));
            }
            (None, _) => {
                wrong.insert(shown, format!("missing, expected {} ({})", a.value, a.because));
            }
            (Some(_), Compare::Present) => {}
            (Some(got), Compare::Absent) => {
                wrong.insert(shown, format!("{}, where it should be left out ({})", brief(got), a.because));
            }
            (Some(got), Compare::Empty) => {
                if !(got.is_null() || text(got).trim().is_empty()) {
                    wrong.insert(shown, format!("{}, where it should be cleared ({})", brief(got), a.because));
                }
            }
            (Some(got), Compare::ClearedOrKept) => {
                let cleared = got.is_null() || text(got).trim().is_empty();
                if !cleared && text(got).trim_end() != text(&a.value).trim_end() {
                    wrong.insert(shown, format!("{}, neither cleared nor {} ({})", brief(got), a.value, a.because));
                }
            }
            (Some(got), compare) => {
                let (g, w) = (text(got), text(&a.value));
                let ok = match compare {
                    Compare::Trimmed => g.trim_end() == w.trim_end(),
                    Compare::Padded => g.len() > w.trim_end().len() && g.ends_with(' ') && g.trim_end() == w.trim_end(),
                    Compare::DateTime => {
                        erpspec_rules::read_iso_date_time(&g).is_some_and(|d| Some(d) == erpspec_rules::read_iso_date_time(&w))
                    }
                    _ => g == w,
                };
                if !ok {
                    wrong.insert(shown, format!("{} where {} was written ({})", brief(got), a.value, a.because));
                }
            }
        }
    }
    if wrong.is_empty() {
        None
    } else {
        Some(format!(
            "read back differently: {}",
            wrong.iter().map(|(k, w)| format!("{k} is {w}")).collect::<Vec<_>>().join("; ")
        ))
    }
}

/// Does this body carry the documented answer to an expired token?
pub fn is_expired_token(v: &Vendor, body: &Value) -> bool {
    !v.auth.on_expired.is_empty() && refusal_entry(v, body).is_some_and(|e| v.auth.on_expired.contains(&e.id))
}

/// Does this body carry the refusal for missing or wrong credentials?
pub fn is_auth_refusal(v: &Vendor, body: &Value) -> bool {
    refusal_entry(v, body).is_some_and(|e| v.auth.on_rejected.contains(&e.id) || v.auth.on_malformed.contains(&e.id))
}
