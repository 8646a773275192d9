//! The conformance score: per endpoint and per vendor, the documented (and
//! contested) rules of the schemas whose every check that ran passed, over
//! all of them; and the rules no check exercised, so a green run that
//! skipped or never reached a rule says so.

use crate::run::{Outcome, Verdict};
use erpspec_model::ir::Vendor;
use erpspec_rules::Strength;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Score {
    /// Documented rules whose every check that ran passed.
    pub passing: usize,
    /// Documented rules the schemas give.
    pub rules: usize,
}

impl Score {
    /// `passing / rules` as a percentage (100 where there is no rule).
    pub fn percent(&self) -> f64 {
        if self.rules == 0 {
            100.0
        } else {
            100.0 * self.passing as f64 / self.rules as f64
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Scores {
    pub vendor: Score,
    pub endpoints: BTreeMap<String, Score>,
    /// Documented rules no check ran for (none planned, or all skipped).
    pub unexercised: Vec<String>,
}

/// The scores of a run's outcomes: a rule is the schemas' documented (or
/// contested) field rule, or what a documented check holds the server to
/// (an answer of the dialect, an operation), counted once per endpoint.
pub fn scores(v: &Vendor, outcomes: &[Outcome]) -> Scores {
    const TRANSPORT: &str = "(transport)";
    // (endpoint, rule) -> (a check ran, one that ran did not pass).
    let mut rules: BTreeMap<(String, String), (bool, bool)> = BTreeMap::new();
    // A credential in the body (`AUTH_TOKEN`) is held by the auth checks,
    // under the dialect's rules, not as a field.
    let credential = |path: &str| v.auth.body_credential_fields().iter().any(|c| path == format!("/{c}"));
    for ep in &v.endpoints {
        for (path, r) in ep.all_rules() {
            if matches!(r.strength, Strength::Documented | Strength::Contested) && !credential(&path) {
                rules.entry((ep.id.clone(), r.id.clone())).or_default();
            }
        }
    }
    for o in outcomes {
        if !matches!(o.check.strength, Strength::Documented | Strength::Contested) {
            continue;
        }
        let ep = o.check.endpoint.clone().unwrap_or_else(|| TRANSPORT.into());
        let entry = rules.entry((ep, o.check.rule.to_string())).or_default();
        match o.verdict {
            Verdict::Skipped => {}
            Verdict::Passed => entry.0 = true,
            Verdict::Failed | Verdict::Warned | Verdict::ExpectedFailure => *entry = (true, true),
        }
    }
    let mut out = Scores::default();
    let mut unexercised = BTreeSet::new();
    for ((ep, rule), (ran, broken)) in rules {
        let score = out.endpoints.entry(ep).or_default();
        score.rules += 1;
        out.vendor.rules += 1;
        if !ran {
            unexercised.insert(rule);
        } else if !broken {
            score.passing += 1;
            out.vendor.passing += 1;
        }
    }
    out.unexercised = unexercised.into_iter().collect();
    out
}
