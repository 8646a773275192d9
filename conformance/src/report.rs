//! Reports people act on: a progress line, a summary by endpoint and rule,
//! each failure with its rule, source, request, answer and a `curl` line,
//! JSON and JUnit XML files, and saved failures for `conformance replay`.
//! Every text that leaves the harness goes through [`Target::redact`].

use crate::plan::Check;
use crate::run::{Exchange, Outcome, Run, Verdict};
use crate::target::Target;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn shell_quote(s: &str) -> String {
    // Single quotes, except around placeholders, which the shell expands.
    let mut out = String::from("'");
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let Some(j) = rest[i..].find('}') else { break };
        out.push_str(&rest[..i].replace('\'', "'\\''"));
        out.push_str("'\"");
        out.push_str(&rest[i..i + j + 1]);
        out.push_str("\"'");
        rest = &rest[i + j + 1..];
    }
    out.push_str(&rest.replace('\'', "'\\''"));
    out.push('\'');
    if out == "''" {
        return out;
    }
    // Empty quoted pieces around placeholders carry nothing.
    let trimmed = out.strip_prefix("''").unwrap_or(&out);
    trimmed.strip_suffix("''").unwrap_or(trimmed).to_string()
}

/// A one-line `curl` that sends the same request (secrets as placeholders).
pub fn curl(t: &Target, ex: &Exchange) -> String {
    let r = &ex.request;
    let mut line = format!("curl -sS -X {} {}", r.method, shell_quote(&t.redact(&t.base.url(&r.target))));
    for (k, v) in &r.headers {
        let _ = write!(line, " -H {}", shell_quote(&t.redact(&format!("{k}: {v}"))));
    }
    if !r.body.is_empty() {
        let body = String::from_utf8_lossy(&r.body);
        let _ = write!(line, " --data-binary {}", shell_quote(&t.redact(&body)));
    }
    line
}

/// Text a server sent, made safe to print and clipped to `max` characters:
/// control characters (an escape sequence that would recolour or clear the
/// terminal, a carriage return that would overwrite the line) are written
/// as `\u{..}`.
fn clip(s: &str, max: usize) -> String {
    let s = printable(s);
    if s.chars().count() > max {
        format!("{}... ({} characters)", s.chars().take(max).collect::<String>(), s.chars().count())
    } else {
        s
    }
}

/// `s` with every control character (C0, DEL, C1) escaped as `\u{..}`.
pub fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Where a source can be read: its seed file and/or URL.
fn source_text(t: &Target, ids: &[String]) -> String {
    let v = &t.vendor;
    let list: Vec<String> = ids
        .iter()
        .map(|id| match v.sources.get(id) {
            Some(s) => {
                let at = [s.seed.as_ref().map(|x| format!("seeds/{x}")), s.url.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{} ({at})", s.title)
            }
            None => id.clone(),
        })
        .collect();
    if list.is_empty() {
        "the vendor's pages".into()
    } else {
        list.join("; ")
    }
}

/// How an expectation is known, as a report says it.
pub fn known_as(s: erpspec_rules::Strength) -> &'static str {
    match s {
        erpspec_rules::Strength::Documented => "documented",
        erpspec_rules::Strength::Contested => "contested: no documented reading allows this answer",
        erpspec_rules::Strength::Site => "site: the demo installation's values",
        erpspec_rules::Strength::Implied => "implied: the pages do not state it",
    }
}

/// One failure, as a user reads it.
pub fn failure_text(t: &Target, o: &Outcome) -> String {
    let c = &o.check;
    let mut s = String::new();
    let label = match o.verdict {
        Verdict::Warned => "WARN",
        Verdict::ExpectedFailure => "EXPECTED FAIL",
        _ => "FAIL",
    };
    let _ = writeln!(s, "{label} {}", c.id);
    let _ = writeln!(s, "  check:    {}", c.what);
    let _ = writeln!(s, "  rule:     {} ({})", c.rule, known_as(c.strength));
    if let Some(n) = &c.note {
        let _ = writeln!(s, "  why:      {}", n.trim());
    }
    let _ = writeln!(s, "  source:   {}", source_text(t, &c.sources));
    if let Some(r) = &o.reason {
        let _ = writeln!(s, "  problem:  {}", printable(&t.redact(r)));
    }
    if let Some(ex) = o.exchanges.last() {
        if o.exchanges.len() > 1 {
            let _ = writeln!(
                s,
                "  (step {} of {}; the earlier steps succeeded)",
                o.exchanges.len(),
                c.steps.len()
            );
        }
        let body = String::from_utf8_lossy(&ex.request.body);
        let _ = writeln!(
            s,
            "  request:  {} {} {}",
            ex.request.method,
            t.redact(&t.base.url(&ex.request.target)),
            clip(&t.redact(&body), 300)
        );
        match &ex.reply {
            Ok(r) => {
                let _ = writeln!(
                    s,
                    "  response: HTTP {} {}",
                    r.status,
                    clip(&t.redact(&String::from_utf8_lossy(&r.body)), 300)
                );
            }
            Err(p) => {
                let _ = writeln!(s, "  response: none ({})", printable(&p.to_string()));
            }
        }
        let _ = writeln!(s, "  reproduce: {}", clip(&curl(t, ex), 600));
        if o.exchanges.len() > 1 || c.steps.len() > 1 {
            let _ = writeln!(s, "  replay:   conformance replay {}", c.id);
        }
    }
    s
}

/// Counts by verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub warned: usize,
    pub expected_failures: usize,
    pub skipped: usize,
}

impl Tally {
    pub fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Passed => self.passed += 1,
            Verdict::Failed => self.failed += 1,
            Verdict::Warned => self.warned += 1,
            Verdict::ExpectedFailure => self.expected_failures += 1,
            Verdict::Skipped => self.skipped += 1,
        }
    }
    pub fn of<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Tally {
        let mut t = Tally::default();
        for o in outcomes {
            t.add(o.verdict);
        }
        t
    }
}

/// The summary: setup notes, departures from the docs, a table by
/// endpoint, the rules not fully passing, totals.
pub fn summary(t: &Target, run: &Run, credentials_wrong: bool) -> String {
    let mut s = String::new();
    for note in &run.setup_notes {
        let _ = writeln!(s, "note: {}", t.redact(note));
    }
    if credentials_wrong {
        let _ = writeln!(
            s,
            "\nerror: most failures are refusals of the credentials: the credentials look wrong.\n       Check --credential {} (or ERPSPEC_CREDENTIAL_<NAME>); failures are not listed one by one.",
            t.vendor.auth.credentials.join(", --credential ")
        );
    } else {
        write_departures(&mut s, t, &run.outcomes);
    }
    write_table(&mut s, t, &run.outcomes);
    write_rules(&mut s, &run.outcomes);
    let scores = crate::score::scores(&t.vendor, &run.outcomes);
    let _ = writeln!(
        s,
        "  conformance score: {:.1}% ({} of {} documented rules with every check passing{})",
        scores.vendor.percent(),
        scores.vendor.passing,
        scores.vendor.rules,
        match scores.unexercised.len() {
            0 => String::new(),
            n => format!("; {n} exercised by no check that ran"),
        }
    );
    write_totals(&mut s, run);
    s
}

/// Departures from the docs first, in full; then what only the schemas'
/// inferences (or a site's values) expect, a line each, grouped by why;
/// then the documented readings the server took other than the schemas'
/// first.
fn write_departures(s: &mut String, t: &Target, outcomes: &[Outcome]) {
    for o in outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Failed | Verdict::ExpectedFailure))
    {
        let _ = writeln!(s, "\n{}", failure_text(t, o).trim_end());
    }
    write_warnings(s, outcomes);
    let readings: Vec<&Outcome> = outcomes.iter().filter(|o| o.note.is_some()).collect();
    if !readings.is_empty() {
        let _ = writeln!(
            s,
            "\nnotes: {} checks passed with another documented reading than the schemas' first",
            readings.len()
        );
        for o in readings {
            let _ = writeln!(s, "  {}: {}", o.check.id, o.note.as_deref().unwrap_or_default());
        }
    }
}

/// The table by endpoint, and the families' counts.
fn write_table(s: &mut String, t: &Target, outcomes: &[Outcome]) {
    let mut by_endpoint: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_family: BTreeMap<&str, Tally> = BTreeMap::new();
    for o in outcomes {
        by_endpoint
            .entry(o.check.endpoint.clone().unwrap_or_else(|| "(transport)".into()))
            .or_default()
            .add(o.verdict);
        by_family.entry(o.check.family.name()).or_default().add(o.verdict);
    }
    let _ = writeln!(s, "\n{} at {}", t.vendor.title, t.base.url(""));
    let _ = writeln!(
        s,
        "  {:<34} {:>7} {:>7} {:>7} {:>7}",
        "endpoint", "passed", "failed", "warned", "skipped"
    );
    for (ep, c) in &by_endpoint {
        let _ = writeln!(
            s,
            "  {:<34} {:>7} {:>7} {:>7} {:>7}",
            ep,
            c.passed,
            c.failed + c.expected_failures,
            c.warned,
            c.skipped
        );
    }
    let fam: Vec<String> = by_family
        .iter()
        .map(|(f, c)| {
            format!(
                "{f} {}/{}",
                c.passed,
                c.passed + c.failed + c.warned + c.expected_failures + c.skipped
            )
        })
        .collect();
    let _ = writeln!(s, "  by family (passed/total): {}", fam.join(", "));
}

/// How many rules every check passed, and the others with their counts.
fn write_rules(s: &mut String, outcomes: &[Outcome]) {
    let mut by_rule: BTreeMap<&str, Tally> = BTreeMap::new();
    for o in outcomes {
        by_rule.entry(o.check.rule.as_str()).or_default().add(o.verdict);
    }
    let passing = by_rule
        .values()
        .filter(|t| t.failed + t.warned + t.expected_failures + t.skipped == 0)
        .count();
    let _ = writeln!(s, "  by rule: {} rules checked, {passing} with every check passing", by_rule.len());
    for (r, t) in by_rule
        .iter()
        .filter(|(_, t)| t.failed + t.warned + t.expected_failures + t.skipped > 0)
    {
        let _ = writeln!(
            s,
            "    {r}: {} passed, {} failed, {} warned, {} skipped",
            t.passed,
            t.failed + t.expected_failures,
            t.warned,
            t.skipped
        );
    }
}

/// The totals line, with checks and requests per second.
fn write_totals(s: &mut String, run: &Run) {
    let total = Tally::of(&run.outcomes);
    let secs = run.elapsed.as_secs_f64().max(1e-9);
    let implied = run
        .outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Warned && o.check.strength == erpspec_rules::Strength::Implied)
        .count();
    let readings = run.outcomes.iter().filter(|o| o.note.is_some()).count();
    let _ = writeln!(
        s,
        "{} checks: {} passed ({readings} by another documented reading), {} failed, {} warned ({implied} implied, {} site), {} expected failures, {} skipped; {} requests in {:.2} s ({:.0} checks/s, {:.0} requests/s)",
        run.outcomes.len(),
        total.passed,
        total.failed,
        total.warned,
        total.warned - implied,
        total.expected_failures,
        total.skipped,
        run.requests,
        secs,
        run.outcomes.len() as f64 / secs,
        run.requests as f64 / secs
    );
}

fn exchange_json(t: &Target, ex: &Exchange) -> Value {
    let reply = match &ex.reply {
        Ok(r) => json!({
            "status": r.status,
            "headers": r.headers.iter().map(|(k, v)| json!([k, t.redact(v)])).collect::<Vec<_>>(),
            "body": t.redact(&String::from_utf8_lossy(&r.body)),
            "millis": r.millis,
        }),
        Err(p) => json!({ "problem": p.to_string() }),
    };
    json!({
        "request": {
            "method": ex.request.method,
            "url": t.redact(&t.base.url(&ex.request.target)),
            "headers": ex.request.headers.iter().map(|(k, v)| json!([k, t.redact(v)])).collect::<Vec<_>>(),
            "body": t.redact(&String::from_utf8_lossy(&ex.request.body)),
        },
        "response": reply,
        "curl": curl(t, ex),
    })
}

/// The JSON report: every check with its verdict; failures with their exchanges.
pub fn json_report(t: &Target, run: &Run, seed: u64) -> Value {
    let checks: Vec<Value> = run
        .outcomes
        .iter()
        .map(|o| {
            let mut c = json!({
                "id": o.check.id,
                "family": o.check.family,
                "endpoint": o.check.endpoint,
                "rule": o.check.rule,
                "strength": o.check.strength,
                "note": o.check.note,
                "sources": o.check.sources,
                "what": o.check.what,
                "verdict": o.verdict,
                "millis": o.millis,
            });
            if let Some(n) = &o.note {
                c["reading"] = json!(n);
            }
            if o.verdict != Verdict::Passed {
                c["reason"] = json!(o.reason.as_ref().map(|r| t.redact(r)));
                c["exchanges"] = Value::Array(o.exchanges.iter().map(|e| exchange_json(t, e)).collect());
            }
            c
        })
        .collect();
    let tally = Tally::of(&run.outcomes);
    json!({
        "format_version": JSON_FORMAT_VERSION,
        "api": t.vendor.name,
        "schema_fingerprint": schema_fingerprint(t),
        "base_url": t.base.url(""),
        "seed": seed,
        "summary": tally,
        "scores": crate::score::scores(&t.vendor, &run.outcomes),
        "requests": run.requests,
        "seconds": run.elapsed.as_secs_f64(),
        "setup_notes": run.setup_notes.iter().map(|n| t.redact(n)).collect::<Vec<_>>(),
        "checks": checks,
    })
}

/// The JSON report's format (`format_version`); `report.schema.json`
/// describes it. Raised when a member changes meaning or goes away.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The fingerprint of the vendor's schemas the run checked against.
pub fn schema_fingerprint(t: &Target) -> String {
    erpspec_model::fingerprint::of(&erpspec_model::ir::Api {
        vendors: vec![t.vendor.clone()],
    })
}

/// JUnit XML: a suite per endpoint, a test case per check.
pub fn junit(t: &Target, run: &Run, seed: u64) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new(format!("erpspec conformance: {}", t.vendor.name));
    let mut suites: BTreeMap<String, TestSuite> = BTreeMap::new();
    for o in &run.outcomes {
        let name = format!(
            "{}.{}",
            t.vendor.name,
            o.check.endpoint.clone().unwrap_or_else(|| "transport".into())
        );
        let suite = suites.entry(name.clone()).or_insert_with(|| TestSuite::new(name));
        let status = match o.verdict {
            Verdict::Passed => TestCaseStatus::success(),
            Verdict::Skipped => {
                let mut s = TestCaseStatus::skipped();
                if let Some(r) = &o.reason {
                    s.set_message(t.redact(r));
                }
                s
            }
            // Listed in the baseline: shown as skipped, with why.
            Verdict::ExpectedFailure => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(format!("expected failure: {}", t.redact(o.reason.as_deref().unwrap_or_default())));
                s
            }
            // Not failures; their findings go to the case's output.
            Verdict::Warned => TestCaseStatus::success(),
            Verdict::Failed => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                if let Some(r) = &o.reason {
                    s.set_message(t.redact(r));
                }
                s.set_description(failure_text(t, o));
                s
            }
        };
        let mut case = TestCase::new(o.check.id.clone(), status);
        case.set_classname(o.check.rule.to_string());
        case.add_property(quick_junit::Property::new("strength", o.check.strength.to_string()));
        if let Some(n) = &o.note {
            case.add_property(quick_junit::Property::new("reading", n.clone()));
        }
        case.set_time(std::time::Duration::from_millis(o.millis));
        if matches!(o.verdict, Verdict::Warned | Verdict::ExpectedFailure) {
            case.set_system_out(failure_text(t, o));
        }
        suite.add_test_case(case);
    }
    let fingerprint = schema_fingerprint(t);
    for (_, mut s) in suites {
        s.add_property(quick_junit::Property::new("seed", seed.to_string()));
        s.add_property(quick_junit::Property::new("schema_fingerprint", fingerprint.clone()));
        report.add_test_suite(s);
    }
    report.to_string().unwrap_or_default()
}

/// A failing check saved for `conformance replay`: what to send and expect,
/// never the secrets (replay reads them again from flags or the environment).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Saved {
    pub api: String,
    pub base_url: String,
    pub check: Check,
    pub reason: Option<String>,
}

/// The folder the harness keeps its state in (saved failures, kept
/// regression seeds), in the working directory.
pub fn state_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(".conformance")
}

/// The folder saved failures go to.
pub fn failures_dir() -> std::path::PathBuf {
    state_dir().join("failures")
}

/// Saves every failed or warned check, replacing the previous run's.
pub fn save_failures(dir: &Path, t: &Target, api: &str, run: &Run) -> std::io::Result<usize> {
    let _ = std::fs::remove_dir_all(dir);
    let mut n = 0;
    for o in run
        .outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Failed | Verdict::Warned | Verdict::ExpectedFailure))
    {
        std::fs::create_dir_all(dir)?;
        let saved = Saved {
            api: api.to_string(),
            base_url: t.base.url(""),
            check: o.check.clone(),
            reason: o.reason.clone(),
        };
        let text = t.redact(&serde_json::to_string_pretty(&saved).unwrap_or_default());
        std::fs::write(dir.join(format!("{}.json", o.check.id)), text)?;
        n += 1;
    }
    Ok(n)
}

fn regressions_file(dir: &Path, api: &str) -> std::path::PathBuf {
    dir.join(format!("regressions/{api}.seeds"))
}

/// Seeds whose generated cases failed in earlier runs against this API
/// (kept in `.conformance/regressions/<api>.seeds`, newest last): every run
/// generates their cases again, so a regression stays caught.
pub fn regression_seeds(dir: &Path, api: &str) -> Vec<u64> {
    std::fs::read_to_string(regressions_file(dir, api))
        .map(|t| t.lines().filter_map(|l| l.trim().parse().ok()).collect())
        .unwrap_or_default()
}

/// Keeps the run's seed when one of its generated cases failed (the last 20).
pub fn keep_regression_seed(dir: &Path, api: &str, seed: u64, run: &Run) {
    let failed = run.outcomes.iter().any(|o| {
        o.check.family == crate::plan::Family::Generated
            && matches!(o.verdict, Verdict::Failed | Verdict::Warned)
            && !o.check.id.contains("@seed")
    });
    if !failed {
        return;
    }
    let mut seeds = regression_seeds(dir, api);
    if seeds.contains(&seed) {
        return;
    }
    seeds.push(seed);
    let keep: Vec<String> = seeds.iter().rev().take(20).rev().map(u64::to_string).collect();
    let path = regressions_file(dir, api);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(path, keep.join("\n") + "\n");
}

/// The progress line: indicatif on a terminal, a plain line per finding otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        let tty = std::io::stderr().is_terminal();
        Progress {
            bar: (tty && !quiet).then(|| {
                let b = indicatif::ProgressBar::new(0);
                b.set_style(
                    indicatif::ProgressStyle::with_template("{spinner} [{elapsed}] {bar:30} {pos}/{len} checks, {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                b
            }),
            plain: !tty && !quiet,
        }
    }
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl crate::run::Progress for Progress {
    fn start(&self, total: usize) {
        if let Some(b) = &self.bar {
            b.set_length(total as u64);
        }
        if self.plain {
            eprintln!("running {total} checks");
        }
    }
    fn done(&self, o: &Outcome) {
        if let Some(b) = &self.bar {
            b.inc(1);
            if o.verdict == Verdict::Failed {
                b.set_message(format!("last failure: {}", o.check.id));
            }
        }
        if self.plain && matches!(o.verdict, Verdict::Failed | Verdict::Warned) {
            eprintln!("{} {}", if o.verdict == Verdict::Failed { "FAIL" } else { "WARN" }, o.check.id);
        }
    }
}

/// The warnings, one line each, grouped by the reason their expectation is
/// only implied (or belongs to a site): a vendor reads the group's reason
/// once, not once per member.
fn write_warnings(s: &mut String, outcomes: &[Outcome]) {
    let mut groups: BTreeMap<(String, String), Vec<&Outcome>> = BTreeMap::new();
    for o in outcomes.iter().filter(|o| o.verdict == Verdict::Warned) {
        let why = o.check.note.clone().unwrap_or_else(|| "no reason recorded".into());
        groups.entry((o.check.strength.to_string(), why)).or_default().push(o);
    }
    if groups.is_empty() {
        return;
    }
    let n: usize = groups.values().map(Vec::len).sum();
    let _ = writeln!(
        s,
        "\nwarnings: {n} checks expect what the pages do not state (implied) or a site's values; not failures (--strict fails them; the JSON report has each in full)"
    );
    for ((strength, why), os) in groups {
        let _ = writeln!(s, "  {strength}, {} checks: {why}", os.len());
        for o in os {
            let reason = o.reason.as_deref().unwrap_or_default().lines().next().unwrap_or_default();
            let _ = writeln!(s, "    {}: {reason}", o.check.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn a_servers_control_characters_never_reach_the_terminal() {
        let hostile = "ok\u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{9b}31mred\u{7f}";
        let shown = super::clip(hostile, 300);
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert_eq!(super::printable("\u{1b}[0m"), "\\u{1b}[0m");
        assert_eq!(super::printable("plain é text"), "plain é text");
    }

    #[test]
    fn seeds_of_failing_generated_cases_are_kept() {
        use crate::plan::{Check, Family};
        use crate::run::{Outcome, Run, Verdict};
        let dir = std::env::temp_dir().join(format!("erpspec-regressions-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let outcome = |family, verdict| Outcome {
            check: Check {
                id: "rpm.customer.generated.accepted.1".into(),
                family,
                endpoint: None,
                rule: erpspec_model::check_id::CheckId::printed(""),
                strength: erpspec_rules::Strength::Documented,
                note: None,
                sources: Vec::new(),
                what: String::new(),
                steps: Vec::new(),
                removable: Vec::new(),
            },
            verdict,
            reason: None,
            note: None,
            exchanges: Vec::new(),
            millis: 0,
        };
        let run = |o| Run {
            outcomes: vec![o],
            setup_notes: Vec::new(),
            requests: 0,
            elapsed: std::time::Duration::ZERO,
            started_at: std::time::SystemTime::UNIX_EPOCH,
        };
        super::keep_regression_seed(&dir, "rpm", 7, &run(outcome(Family::Generated, Verdict::Passed)));
        super::keep_regression_seed(&dir, "rpm", 8, &run(outcome(Family::Accepted, Verdict::Failed)));
        assert!(super::regression_seeds(&dir, "rpm").is_empty());
        super::keep_regression_seed(&dir, "rpm", 9, &run(outcome(Family::Generated, Verdict::Failed)));
        super::keep_regression_seed(&dir, "rpm", 9, &run(outcome(Family::Generated, Verdict::Failed)));
        assert_eq!(super::regression_seeds(&dir, "rpm"), vec![9]);
        assert!(super::regression_seeds(&dir, "manex").is_empty());
    }

    #[test]
    fn placeholders_are_left_for_the_shell_to_expand() {
        assert_eq!(shell_quote("http://h/API/${K}"), "'http://h/API/'\"${K}\"");
        assert_eq!(shell_quote("${K}/x"), "\"${K}\"'/x'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
