//! `--report html=PATH`: one self-contained page (no network needed to view
//! it) with the score, the tables by endpoint and by rule, and every check
//! with filters; each failure with its request, answer and curl line.

use crate::report::{Tally, failure_text};
use crate::run::{Run, Verdict};
use crate::score::Scores;
use crate::target::Target;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const TEMPLATE: &str = include_str!("../templates/report.html.jinja");

pub fn html(t: &Target, run: &Run, scores: &Scores, seed: u64, fingerprint: &str) -> Result<String, String> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("report", TEMPLATE)
        .map_err(|e| format!("the HTML report's template: {e}"))?;
    let mut by_endpoint: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_rule: BTreeMap<String, Tally> = BTreeMap::new();
    for o in &run.outcomes {
        by_endpoint
            .entry(o.check.endpoint.clone().unwrap_or_else(|| "(transport)".into()))
            .or_default()
            .add(o.verdict);
        by_rule.entry(o.check.rule.to_string()).or_default().add(o.verdict);
    }
    let endpoints: Vec<Value> = by_endpoint
        .iter()
        .map(|(name, tally)| {
            let score = scores
                .endpoints
                .get(name)
                .map(|s| format!("{:.0}% ({}/{})", s.percent(), s.passing, s.rules))
                .unwrap_or_else(|| "-".into());
            json!({ "name": name, "score": score, "tally": tally })
        })
        .collect();
    let rules: Vec<Value> = by_rule
        .iter()
        .filter(|(_, n)| n.failed + n.warned + n.expected_failures + n.skipped > 0)
        .map(|(rule, tally)| json!({ "rule": rule, "tally": tally }))
        .collect();
    let checks: Vec<Value> = run
        .outcomes
        .iter()
        .map(|o| {
            let shown = o.verdict != Verdict::Passed && !o.exchanges.is_empty();
            json!({
                "id": o.check.id,
                "verdict": o.verdict,
                "rule": o.check.rule.to_string(),
                "strength": o.check.strength.to_string(),
                "what": o.check.what,
                "reason": o.reason.as_ref().map(|r| t.redact(r)),
                "detail": shown.then(|| failure_text(t, o)),
            })
        })
        .collect();
    let ctx = json!({
        "title": t.vendor.title,
        "base_url": t.base.url(""),
        "seed": seed,
        "fingerprint": fingerprint,
        "tally": Tally::of(&run.outcomes),
        "scores": scores,
        "score_percent": scores.vendor.percent(),
        "endpoints": endpoints,
        "rules": rules,
        "checks": checks,
    });
    env.get_template("report")
        .and_then(|tpl| tpl.render(ctx))
        .map_err(|e| format!("the HTML report: {e}"))
}
