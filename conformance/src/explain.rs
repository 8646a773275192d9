//! What the suite holds a server to, without sending a request:
//! `conformance list` (a line per check: id, family, rule, strength,
//! sources) and `conformance explain ID` (what the check sends, the answer
//! it needs, and why: the rule's text and sources).

use crate::plan::{Call, Check, Compare, Expect, Fill, Slot, Source, Step};
use crate::target::{Presenting, Target};
use crate::transport::BaseUrl;
use erpspec_model::answers::documented_status;
use erpspec_model::ir::{MessageRule, Vendor};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// The suite as planned for `api`, with placeholder credentials (what
/// `list` and `explain` show; nothing is sent).
pub fn planned(api: &str, only: &[String], cases: u32, seed: u64) -> Result<(Target, crate::plan::Suite), String> {
    let vendor = crate::load_vendor(api)?;
    let credentials = vendor
        .auth
        .credentials
        .iter()
        .map(|n| (n.clone(), format!("${{ERPSPEC_CREDENTIAL_{n}}}")))
        .collect();
    let t = Target {
        fixtures: crate::default_fixtures(&vendor),
        vendor,
        base: BaseUrl::parse("http://SERVER")?,
        credentials,
        token: Default::default(),
    };
    t.token.set("${AUTH_TOKEN}".into());
    let _ = t.token.expired(|| Ok::<_, ()>("${EXPIRED_AUTH_TOKEN}".into()));
    let selection = crate::plan::Selection {
        cases,
        seed,
        regression_seeds: Vec::new(),
        only: only.to_vec(),
    };
    let suite = crate::plan::suite(&t, &selection, 1);
    Ok((t, suite))
}

/// Every `--expect-failure` id names a check of this run's plan; a typo
/// would otherwise accept nothing, silently.
pub fn expected_failures_name_checks(t: &Target, selection: &crate::plan::Selection, expected: &[String]) -> Result<(), String> {
    if expected.is_empty() {
        return Ok(());
    }
    let mut selection = selection.clone();
    selection.only.clear();
    let suite = crate::plan::suite(t, &selection, 1);
    let ids: Vec<&str> = suite.checks.iter().map(|c| c.id.as_str()).collect();
    for id in expected {
        if !ids.contains(&id.as_str()) {
            let hint = erpspec_schema::diag::did_you_mean(id, ids.iter().copied())
                .map(|m| format!("; did you mean `{m}`?"))
                .unwrap_or_else(|| "; the ids are in a report (`--report json=PATH`) or the saved failures".to_string());
            return Err(format!("`--expect-failure {id}` names no check of {}{hint}", t.vendor.name));
        }
    }
    Ok(())
}

/// One check as `conformance list --format json` prints it.
pub fn row(c: &Check) -> Value {
    json!({
        "id": c.id,
        "family": c.family.name(),
        "endpoint": c.endpoint,
        "rule": c.rule.as_str(),
        "strength": c.strength.to_string(),
        "sources": c.sources,
        "what": c.what,
    })
}

/// One check as `conformance list` prints it: tab-separated id, family,
/// rule, strength and sources.
pub fn line(c: &Check) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        c.id,
        c.family.name(),
        c.rule.as_str(),
        c.strength,
        c.sources.join(",")
    )
}

/// The whole explanation of one check. The target's credentials should be
/// placeholders: the requests are printed as they would be sent.
pub fn explain(t: &Target, c: &Check) -> String {
    let v = &t.vendor;
    let mut out = String::new();
    let _ = writeln!(out, "{}", c.id);
    let _ = writeln!(out, "  checks:   {}", c.what);
    let _ = writeln!(out, "  family:   {}", c.family.name());
    let _ = writeln!(out, "  rule:     {}", c.rule.as_str());
    if let Some(text) = rule_text(v, c) {
        let _ = writeln!(out, "            {text}");
    }
    let _ = writeln!(
        out,
        "  strength: {} ({})",
        c.strength,
        if crate::plan::fails(c.strength, false) {
            "a wrong answer fails the run"
        } else {
            "a wrong answer warns (an implied one fails with --strict)"
        }
    );
    if let Some(note) = &c.note {
        let _ = writeln!(out, "  note:     {note}");
    }
    for id in &c.sources {
        match v.sources.get(id) {
            Some(s) => {
                let seed = s
                    .seed
                    .as_deref()
                    .map(|f| format!(" (captured copy: ../shared/seeds/{f})"))
                    .unwrap_or_default();
                let url = s.url.as_deref().unwrap_or("");
                let _ = writeln!(out, "  source:   {} — {} {url}{seed}", s.id, s.title);
            }
            None => {
                let _ = writeln!(out, "  source:   {id}");
            }
        }
    }
    for (i, step) in c.steps.iter().enumerate() {
        out.push_str(&step_text(t, i, step));
    }
    out
}

/// The rule's own words where the check holds an IR rule.
fn rule_text(v: &Vendor, c: &Check) -> Option<String> {
    v.endpoints.iter().find_map(|ep| {
        ep.all_rules()
            .into_iter()
            .find(|(_, r)| r.id == c.rule.as_str())
            .map(|(path, r)| format!("{} {}", path.trim_start_matches('/'), r.kind.describe()))
    })
}

fn step_text(t: &Target, i: usize, step: &Step) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  step {}{}:",
        i + 1,
        if step.precondition {
            " (prepares the check: a wrong answer skips it)"
        } else {
            ""
        }
    );
    match request_text(t, &step.call) {
        Some(text) => {
            for l in text.lines() {
                let _ = writeln!(out, "    {l}");
            }
        }
        None => {
            let _ = writeln!(out, "    (an endpoint the schemas lack)");
        }
    }
    if let Call::Json {
        presenting: Presenting::Expired,
        ..
    } = &step.call
    {
        let _ = writeln!(out, "    where the token was issued a lifetime ago (`--token-lifetime`)");
    }
    for f in &step.fills {
        let _ = writeln!(out, "    where {}", fill_text(f));
    }
    let _ = writeln!(out, "    expects: {}", expect_text(&t.vendor, &step.expect));
    out
}

/// The request as it is sent (with placeholder credentials).
fn request_text(t: &Target, call: &Call) -> Option<String> {
    let req = call.wire(t)?;
    // Placeholders in the path read as written, not percent-encoded.
    let target = req.target.replace("%24%7B", "${").replace("%7D", "}");
    let mut text = format!("{} {target}\n", req.method);
    for (k, val) in &req.headers {
        let _ = writeln!(text, "{k}: {val}");
    }
    if !req.body.is_empty() {
        let body = String::from_utf8_lossy(&req.body);
        let shown = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|j| serde_json::to_string_pretty(&j).ok())
            .unwrap_or_else(|| body.into_owned());
        text.push_str(&shown);
    }
    Some(text)
}

fn fill_text(f: &Fill) -> String {
    let from = match &f.from {
        Source::Step { from_step } => format!("the record step {} returned", from_step + 1),
        Source::Subject { subject, .. } => format!("the {subject} record setup made"),
    };
    let into = match &f.into {
        Slot::Body { into } => format!("`{}` is", into.join(".")),
        Slot::Assert { into_assert } => format!("the value of expectation {} is", into_assert + 1),
    };
    format!("{into} `{}` of {from}", f.record_path.join("."))
}

fn expect_text(v: &Vendor, e: &Expect) -> String {
    match e {
        Expect::Success { asserts } => format!("success ({}){}", success_status(v), asserts_text(asserts)),
        Expect::Refusal { entries } => refusal_text(v, entries),
        Expect::Readings { entries, asserts, .. } => format!(
            "either {} or success ({}){} (the docs' readings disagree; each is right)",
            refusal_text(v, entries),
            success_status(v),
            asserts_text(asserts)
        ),
    }
}

fn success_status(v: &Vendor) -> String {
    match v.envelopes.success.status {
        Some(s) => format!("HTTP {s}, the success envelope"),
        None => "an HTTP status below 400, the success envelope".into(),
    }
}

fn asserts_text(asserts: &[crate::plan::Assert]) -> String {
    let parts: Vec<String> = asserts
        .iter()
        .map(|a| {
            let path = a.path.join(".");
            let held = match a.compare {
                Compare::Exact | Compare::DateTime => format!("`{path}` = {}", a.value),
                Compare::Trimmed => format!("`{path}` = {} (trailing spaces aside)", a.value),
                Compare::Padded => format!("`{path}` = {} padded with spaces", a.value),
                Compare::Absent => format!("no `{path}`"),
                Compare::Empty => format!("`{path}` cleared"),
                Compare::Present => format!("a `{path}`"),
                Compare::ClearedOrKept => format!("`{path}` cleared or still {}", a.value),
            };
            format!("{held} ({})", a.because)
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(", whose record has {}", parts.join("; "))
    }
}

fn refusal_text(v: &Vendor, entries: &[String]) -> String {
    if entries.is_empty() {
        return "a refusal (any: the docs leave the answer open)".into();
    }
    let each: Vec<String> = entries
        .iter()
        .map(|id| match v.error(id) {
            Some(e) => {
                let status = documented_status(v, e)
                    .map(|s| format!("HTTP {s}"))
                    .unwrap_or_else(|| "any HTTP status".into());
                let message = match &e.message {
                    MessageRule::Exact(m) => format!("message exactly \"{m}\""),
                    MessageRule::Prefix(p) => format!("message starting \"{p}\""),
                    MessageRule::Any => "any message".into(),
                };
                format!("`{id}` ({status}, {message})")
            }
            None => format!("`{id}`"),
        })
        .collect();
    format!("the refusal {}", each.join(" or "))
}
