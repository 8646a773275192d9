//! Checks derived from the IR: every rule's boundary cases, every dialect
//! feature (auth, transport), every doc example, and stateful sequences.
//!
//! A check is (endpoint, rule, case) with a stable id
//! (`manex.customer-add.Credlimit.minimum.below`), the rule it holds the
//! server to and that rule's sources, and one or more steps, each a request
//! and the answer the shared model says it must get.

mod accepted;
mod build;
mod checks;
mod children;
mod dialect;
mod expect;
mod generated_cases;
mod lists;
mod lookups;
mod stateful;
mod subjects;
mod suite;

pub use build::{Built, Planner, with_body_credentials};
pub(crate) use checks::{Due, due_for};
pub use expect::{Assert, Compare, Expect};
pub use stateful::read_back_asserts;
pub use suite::{Selection, Suite, Teardown, suite};

use crate::target::{Presenting, Target};
use crate::values::{get_path, item_where, pointer_segments, present, record_of, remove_path, set_path, short};
use erpspec_model::answers::{self, Situation};
use erpspec_model::check_id::{self, CheckId};
use erpspec_model::ir::{Endpoint, Rule, Vendor};
use erpspec_rules::Strength;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The families checks are grouped in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Accepted,
    Rejected,
    Auth,
    Transport,
    Stateful,
    Generated,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Accepted => "accepted",
            Family::Rejected => "rejected",
            Family::Auth => "auth",
            Family::Transport => "transport",
            Family::Stateful => "stateful",
            Family::Generated => "generated",
        }
    }
}

/// Does a wrong answer to a check of this strength fail it (else it warns)?
/// What the pages state, and a value no documented reading of a contested
/// rule accepts, fail; a site's own values and the schemas' inferences where
/// the pages are silent warn, the inferences fail only when checking
/// `strict`ly.
pub fn fails(strength: Strength, strict: bool) -> bool {
    match strength {
        Strength::Documented | Strength::Contested => true,
        Strength::Site => false,
        Strength::Implied => strict,
    }
}

/// One request of a check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Call {
    /// A JSON body to an endpoint, credentials presented as asked.
    Json {
        endpoint: String,
        method: String,
        body: Value,
        presenting: Presenting,
    },
    /// The parameters as a query string (GET), as the docs print them;
    /// made into the query string when sent, after earlier steps' values
    /// are filled in.
    Query { endpoint: String, params: Value },
    /// Raw bytes to an endpoint's path (or to another path) with valid
    /// header and path credentials.
    Raw {
        endpoint: Option<String>,
        /// Replaces the endpoint's route, for unknown-route checks.
        route: Option<String>,
        method: String,
        content_type: String,
        body: String,
    },
}

impl Call {
    /// The request this call is on the wire, credentials presented as the
    /// target holds them; `None` for an endpoint the schemas lack.
    pub fn wire(&self, t: &crate::target::Target) -> Option<crate::transport::WireRequest> {
        let endpoint = |id: &str| t.vendor.endpoint(id);
        Some(match self {
            Call::Json {
                endpoint: id,
                method,
                body,
                presenting,
            } => t.request(endpoint(id)?, method, body, *presenting),
            Call::Query { endpoint: id, params } => t.query_request(endpoint(id)?, &crate::target::query_string(params)),
            Call::Raw {
                endpoint: id,
                route,
                method,
                content_type,
                body,
            } => {
                let ep = id.as_deref().and_then(endpoint).or(t.vendor.endpoints.first())?;
                let mut req = t.raw(ep, method, content_type, body.as_bytes());
                if let Some(r) = route {
                    req.target = req.target.replacen(&t.path(&ep.route, None), &t.path(r, None), 1);
                }
                req
            }
        })
    }

    /// The endpoint the call is sent to, if it is one of the schemas'.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            Call::Json { endpoint, .. } | Call::Query { endpoint, .. } => Some(endpoint),
            Call::Raw { endpoint, .. } => endpoint.as_deref(),
        }
    }
}

/// A value a step takes when it is executed: from the record an earlier
/// step of the check returned, or from a subject record setup made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    #[serde(flatten)]
    pub from: Source,
    pub record_path: Vec<String>,
    #[serde(flatten)]
    pub into: Slot,
}

/// Where a [`Fill`] takes its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Source {
    /// The record step `from_step` of the check returned; without it the
    /// check cannot go on (skipped).
    Step { from_step: usize },
    /// The subject record of resource `subject` (made by setup, or named by
    /// a fixture). Where there is none, or it lacks the value, the member
    /// holds `otherwise`, or is left out where that is `None`: what the
    /// request holds without a record to name.
    Subject {
        subject: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        otherwise: Option<Value>,
    },
}

/// Where a [`Fill`] puts its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Slot {
    /// A member of the step's JSON body (or query parameters).
    Body { into: Vec<String> },
    /// The value assertion `into_assert` of the step's expectation holds
    /// the record to.
    Assert { into_assert: usize },
}

impl Fill {
    /// The value at `record_path` of the record step `from_step` returned,
    /// into the body member `into`.
    pub fn from_step(from_step: usize, record_path: Vec<String>, into: Vec<String>) -> Fill {
        Fill {
            from: Source::Step { from_step },
            record_path,
            into: Slot::Body { into },
        }
    }

    /// The body member it fills, if it fills one.
    pub fn body_path(&self) -> Option<&[String]> {
        match &self.into {
            Slot::Body { into } => Some(into),
            Slot::Assert { .. } => None,
        }
    }
}

/// Where a read step finds the record to check: an item of a list member of
/// the returned record (RPM `Customer.Contacts`) whose key equals the key of
/// the record an earlier step returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Locate {
    pub member: String,
    pub key: Vec<String>,
    pub from_step: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub call: Call,
    pub expect: Expect,
    /// The step only prepares the check, in a way the docs do not promise
    /// will work (a record made with a value another endpoint refuses): a
    /// wrong answer makes the check inconclusive (skipped), not failed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub precondition: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fills: Vec<Fill>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locate: Option<Locate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub id: String,
    pub family: Family,
    pub endpoint: Option<String>,
    /// The rule (or dialect feature) it holds the server to.
    pub rule: CheckId,
    /// How what it holds the server to is known: a wrong answer fails a
    /// documented or contested expectation and warns on a site or implied
    /// one ([`fails`]).
    pub strength: Strength,
    /// Why the expectation is not simply documented (the schema's note on a
    /// contested, site or implied rule), for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sources: Vec<String>,
    /// One line: what the check sends and expects.
    pub what: String,
    pub steps: Vec<Step>,
    /// For generated checks: members of the last step's body that can be
    /// left out while shrinking a failure to a minimal request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removable: Vec<Vec<String>>,
}

impl Check {
    /// A check of one endpoint: id `<vendor>.<endpoint>.<suffix>`, citing
    /// the endpoint's sources, failing when the answer is wrong.
    pub fn of(v: &Vendor, ep: &Endpoint, suffix: &str, family: Family, rule: CheckId, what: impl Into<String>, steps: Vec<Step>) -> Check {
        Check {
            id: format!("{}.{}.{suffix}", v.name, ep.id),
            family,
            endpoint: Some(ep.id.clone()),
            rule,
            strength: Strength::Documented,
            note: None,
            sources: ep.sources.clone(),
            what: what.into(),
            steps,
            removable: Vec::new(),
        }
    }

    /// The ids of everything step `i` holds the server to: the check's rule,
    /// and the parts of the answer it expects (see
    /// [`check_id::answer_parts`]).
    pub fn holds_to(&self, v: &Vendor, i: usize) -> Vec<CheckId> {
        let mut out = vec![self.rule.clone()];
        let Some(step) = self.steps.get(i) else { return out };
        let entries = |ids: &[String]| -> Vec<&erpspec_model::ir::ErrorEntry> { ids.iter().filter_map(|id| v.error(id)).collect() };
        // A success answer carries what the step's endpoint and the check's
        // own endpoint (whose write a read-back shows) document for it.
        let success = || {
            let mut parts = check_id::answer_parts(v, true, &[]);
            for ep in [step.call.endpoint(), self.endpoint.as_deref()]
                .into_iter()
                .flatten()
                .filter_map(|id| v.endpoint(id))
            {
                parts.extend(check_id::endpoint_answer_parts(v, ep));
            }
            parts
        };
        match &step.expect {
            Expect::Success { .. } => out.extend(success()),
            Expect::Refusal { entries: ids } => out.extend(check_id::answer_parts(v, false, &entries(ids))),
            Expect::Readings { entries: ids, .. } => {
                out.extend(success());
                out.extend(check_id::answer_parts(v, false, &entries(ids)));
            }
        }
        out
    }

    /// The check holds the server to an expectation of this strength, for
    /// this reason.
    pub fn known(self, strength: Strength, note: Option<String>) -> Check {
        Check { strength, note, ..self }
    }

    pub fn sources(self, sources: Vec<String>) -> Check {
        Check { sources, ..self }
    }
}

/// Values unique to a run, so the harness's records never collide with the
/// server's or an earlier run's.
#[derive(Clone, Debug)]
pub struct Uniq {
    tag: String,
    seed: u64,
    n: u64,
}

impl Uniq {
    pub fn new(seed: u64) -> Uniq {
        let mut tag = String::new();
        let mut x = seed;
        for _ in 0..6 {
            tag.push(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[(x % 32) as usize] as char);
            x /= 32;
        }
        Uniq { tag, seed, n: 0 }
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.n += 1;
        self.n
    }

    pub fn text(&mut self) -> String {
        let n = self.next();
        format!("ERPSPEC{}{n:03}", self.tag)
    }

    /// Fresh digits for a value the harness chooses: high in the range
    /// (servers that assign sequences move past them), distinct per run.
    pub fn digits(&mut self, width: usize) -> String {
        self.digits_from(7, width)
    }

    /// Digits no record has: below the fresh values, so a sequence that
    /// moved past those never assigns them, and far above any sequence that
    /// counts from the start.
    pub fn missing_digits(&mut self, width: usize) -> String {
        self.digits_from(3, width)
    }

    pub(crate) fn digits_from(&mut self, lead: u128, width: usize) -> String {
        let n = self.next();
        let base = 10u128.pow(width.saturating_sub(1) as u32) * lead;
        let run = (self.seed % 100_000) as u128 * 1000;
        let v = base + run + n as u128;
        format!("{v:0width$}")
            .chars()
            .rev()
            .take(width)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    }

    pub fn integer(&mut self) -> i64 {
        let n = self.next() as i64;
        1_900_000_000 + (self.seed % 50_000) as i64 * 1000 + n
    }
}

/// The sources a check cites: the rule's, else the endpoint's.
pub(crate) fn sources(rule: Option<&Rule>, ep: Option<&Endpoint>, fallback: &[String]) -> Vec<String> {
    rule.map(|r| r.sources.clone())
        .filter(|s| !s.is_empty())
        .or_else(|| ep.map(|e| e.sources.clone()).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| fallback.to_vec())
}

/// The refusal the docs give a situation: any of its documented entries
/// (any refusal where they give none).
pub(crate) fn refusal(v: &Vendor, ep: Option<&Endpoint>, s: &Situation<'_>) -> Expect {
    Expect::Refusal {
        entries: expected_entries(v, ep, s),
    }
}

/// The ids of every entry the docs give a situation; empty: any refusal.
pub(crate) fn expected_entries(v: &Vendor, ep: Option<&Endpoint>, s: &Situation<'_>) -> Vec<String> {
    match answers::expected(v, ep, s) {
        answers::Expected::Refusal { entries } => entries.iter().map(|e| e.id.clone()).collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn success() -> Expect {
    Expect::Success { asserts: Vec::new() }
}

pub fn json_step(ep: &Endpoint, body: Value, presenting: Presenting, expect: Expect) -> Step {
    Step {
        call: Call::Json {
            endpoint: ep.id.clone(),
            method: "POST".into(),
            body,
            presenting,
        },
        expect,
        precondition: false,
        fills: Vec::new(),
        locate: None,
    }
}

/// The method requests are sent with: POST where listed (JSON bodies), else the first.
pub fn method_for(v: &Vendor) -> String {
    if v.transport.methods.iter().any(|m| m.eq_ignore_ascii_case("POST")) {
        "POST".into()
    } else {
        v.transport.methods.first().cloned().unwrap_or_else(|| "POST".into())
    }
}
