//! The harness proves itself: the whole suite against a server with one
//! fault switched on at a time (the reference server's `--fault`), under
//! each reading of the docs (`--readings default` and `other`), and against
//! the fault-free server under each. A fault breaking a documented rule (or
//! every reading of a contested one) is caught only by a **failure** of a
//! check holding the server to that very rule; a warning, or a failure of
//! another check, does not count. A fault breaking only what the pages leave
//! to the site or to inference (an implied expectation) is listed apart: the
//! docs do not forbid what it does, so no failure is due.

use crate::run::{self, Options, Outcome, Verdict};
use crate::target::{Target, Tokens};
use crate::transport::BaseUrl;
use erpspec_model::check_id::CheckId;
use erpspec_rules::Strength;
use std::collections::BTreeMap;
use std::time::Instant;

/// A running server to check; dropping it stops the server.
pub struct Server {
    pub base_url: String,
    pub credentials: BTreeMap<String, String>,
    pub guard: Box<dyn std::any::Any>,
}

/// One fault of the server's catalogue.
#[derive(Clone, Debug)]
pub struct Fault {
    pub name: String,
    /// The id of the rule it breaks: what the catching check must hold the
    /// server to.
    pub rule: CheckId,
    /// How that rule is known.
    pub strength: Strength,
}

/// How a run noticed a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Catch {
    /// A check of the fault's rule failed.
    Failure,
    /// A check of the fault's rule warned, none failed.
    Warning,
    /// No check of the fault's rule noticed it.
    Missed,
}

/// One row of the mutation table: one fault (or none) under one reading.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Row {
    /// `None` for the fault-free run.
    pub fault: Option<String>,
    /// Empty for the fault-free run.
    pub rule: String,
    pub strength: Strength,
    /// The reference server's readings (`default`, `other`).
    pub reading: String,
    pub catch: Catch,
    /// The check of the fault's rule that caught it.
    pub caught_by: Option<String>,
    /// Failed and warned checks in the run (of any rule).
    pub failed: usize,
    pub warned: usize,
    /// Milliseconds from the run's start until the catching check finished.
    pub detect_millis: u64,
    pub run_millis: u64,
    /// What went wrong setting the run up, if anything.
    pub error: Option<String>,
}

impl Row {
    /// A fault of a documented or contested rule is caught by a failure of
    /// its own rule; one of a site or implied rule is shown, not required;
    /// the fault-free server passes when no check fails.
    pub fn ok(&self) -> bool {
        match &self.fault {
            Some(_) if owes_failure(self.strength) => self.catch == Catch::Failure,
            Some(_) => true,
            None => self.failed == 0 && self.error.is_none(),
        }
    }
}

/// Must a fault breaking a rule of this strength be caught by a failure?
pub fn owes_failure(s: Strength) -> bool {
    matches!(s, Strength::Documented | Strength::Contested)
}

/// Runs the suite once against a server started by `start` with the fault.
pub fn run_one(
    api: &erpspec_model::ir::Vendor,
    fault: Option<&Fault>,
    reading: &str,
    opts: &Options,
    start: &dyn Fn(Option<&str>) -> Result<Server, String>,
) -> Row {
    let t0 = Instant::now();
    let mut row = Row {
        fault: fault.map(|f| f.name.clone()),
        rule: fault.map(|f| f.rule.to_string()).unwrap_or_default(),
        strength: fault.map(|f| f.strength).unwrap_or(Strength::Documented),
        reading: reading.to_string(),
        catch: Catch::Missed,
        caught_by: None,
        failed: 0,
        warned: 0,
        detect_millis: 0,
        run_millis: 0,
        error: None,
    };
    let server = match start(fault.map(|f| f.name.as_str())) {
        Ok(s) => s,
        Err(e) => {
            row.error = Some(e);
            return row;
        }
    };
    let base = match BaseUrl::parse(&server.base_url) {
        Ok(b) => b,
        Err(e) => {
            row.error = Some(e);
            return row;
        }
    };
    let mut target = Target {
        vendor: api.clone(),
        base,
        credentials: server.credentials.clone(),
        fixtures: crate::default_fixtures(api),
        token: Tokens::with_lifetime(reference_token_lifetime(api)),
    };
    let quiet = Quiet {
        started: Instant::now(),
        finished: std::sync::Mutex::new(Vec::new()),
    };
    match run::run(&mut target, opts, &quiet) {
        // A run that cannot start ran no check: not a catch.
        Err(e) => row.error = Some(format!("setup: {e}")),
        Ok(r) => {
            let finished = quiet.finished.into_inner().unwrap_or_else(|p| p.into_inner());
            judge_run(&mut row, api, fault, &r, &finished);
        }
    }
    drop(server);
    row.run_millis = t0.elapsed().as_millis() as u64;
    row
}

/// Fills a row from a finished run: the failed and warned counts, the
/// check of the fault's rule that caught it (a failure before a warning),
/// and for the fault-free run the first failure.
fn judge_run(row: &mut Row, api: &erpspec_model::ir::Vendor, fault: Option<&Fault>, r: &run::Run, finished: &[(String, u64)]) {
    let bad: Vec<&Outcome> = r
        .outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Failed | Verdict::Warned))
        .collect();
    row.failed = bad.iter().filter(|o| o.verdict == Verdict::Failed).count();
    row.warned = bad.len() - row.failed;
    // A check of the fault's rule: the rule it names, or a part of
    // the answer its failing step expects.
    let own = |v: Verdict| {
        bad.iter()
            .find(|o| o.verdict == v && fault.is_some_and(|f| o.check.holds_to(api, o.exchanges.len().saturating_sub(1)).contains(&f.rule)))
    };
    let found = match (own(Verdict::Failed), own(Verdict::Warned)) {
        (Some(o), _) => Some((Catch::Failure, o)),
        (None, Some(o)) => Some((Catch::Warning, o)),
        _ => None,
    };
    if let (Some(_), Some((catch, o))) = (fault, found) {
        row.catch = catch;
        row.caught_by = Some(o.check.id.clone());
        row.detect_millis = finished.iter().find(|(id, _)| id == &o.check.id).map(|(_, ms)| *ms).unwrap_or(0);
    }
    if fault.is_none()
        && let Some(o) = bad.iter().find(|o| o.verdict == Verdict::Failed)
    {
        row.error = Some(format!(
            "the fault-free server fails {}: {}",
            o.check.id,
            o.reason.clone().unwrap_or_default()
        ));
    }
}

struct Quiet {
    started: Instant,
    finished: std::sync::Mutex<Vec<(String, u64)>>,
}

impl run::Progress for Quiet {
    fn start(&self, _: usize) {}
    fn done(&self, o: &Outcome) {
        if let Ok(mut f) = self.finished.lock() {
            f.push((o.check.id.clone(), self.started.elapsed().as_millis() as u64));
        }
    }
}

/// The table as text: a line per fault and reading, then the three counts
/// (caught by a failure of the fault's rule, only by a warning, missed) for
/// faults of documented and contested rules, and those of site and implied
/// rules apart.
pub fn table(rows: &[(String, Row)]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<10} {:<8} {:<58} {:<50} {:<10} {:<52} {:<8} {:>8}",
        "api", "reading", "fault", "rule broken", "strength", "caught by", "verdict", "detect"
    );
    for (api, r) in rows {
        let verdict = match (&r.fault, r.catch) {
            (None, _) if r.ok() => "clean",
            (None, _) => "FAILS",
            (Some(_), Catch::Failure) => "failed",
            (Some(_), Catch::Warning) if r.ok() => "warned",
            (Some(_), Catch::Warning) => "WARNED",
            (Some(_), Catch::Missed) if r.ok() => "missed",
            (Some(_), Catch::Missed) => "MISSED",
        };
        let _ = writeln!(
            s,
            "{:<10} {:<8} {:<58} {:<50} {:<10} {:<52} {:<8} {:>6}ms",
            api,
            r.reading,
            r.fault.as_deref().unwrap_or("(none)"),
            if r.rule.is_empty() { "-" } else { r.rule.as_str() },
            if r.fault.is_some() { r.strength.to_string() } else { "-".into() },
            r.caught_by.as_deref().or(r.error.as_deref()).unwrap_or("-"),
            verdict,
            r.detect_millis
        );
    }
    let _ = write!(s, "{}", totals(rows));
    s
}

/// The three columns, per reading, for faults owed a failure; then faults of
/// site and implied rules; then the fault-free runs.
pub fn totals(rows: &[(String, Row)]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let mut readings: Vec<&str> = rows.iter().map(|(_, r)| r.reading.as_str()).collect();
    readings.dedup();
    readings.sort();
    readings.dedup();
    for reading in readings {
        let of = |owed: bool| -> Vec<&Row> {
            rows.iter()
                .map(|(_, r)| r)
                .filter(|r| r.reading == reading && r.fault.is_some() && owes_failure(r.strength) == owed)
                .collect()
        };
        let count = |rs: &[&Row], c: Catch| rs.iter().filter(|r| r.catch == c).count();
        let owed = of(true);
        let apart = of(false);
        let _ = writeln!(
            s,
            "readings {reading}: {} faults of documented or contested rules: {} caught by a failure of their rule, {} only by a warning, {} missed",
            owed.len(),
            count(&owed, Catch::Failure),
            count(&owed, Catch::Warning),
            count(&owed, Catch::Missed)
        );
        let _ = writeln!(
            s,
            "readings {reading}: {} faults of site or implied rules (no failure is due): {} caught by a failure, {} by a warning, {} missed",
            apart.len(),
            count(&apart, Catch::Failure),
            count(&apart, Catch::Warning),
            count(&apart, Catch::Missed)
        );
        let clean: Vec<&Row> = rows
            .iter()
            .map(|(_, r)| r)
            .filter(|r| r.reading == reading && r.fault.is_none())
            .collect();
        let _ = writeln!(
            s,
            "readings {reading}: fault-free runs clean: {} of {}",
            clean.iter().filter(|r| r.ok()).count(),
            clean.len()
        );
    }
    s
}

/// A reference server process; killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Credentials for a server run: random, 10 characters (ManEx documents a
/// 10-character key), never printed.
pub fn generated_credentials(v: &erpspec_model::ir::Vendor) -> BTreeMap<String, String> {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(7);
    v.auth
        .credentials
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut x = seed ^ ((i as u128 + 1) * 0x9E37_79B9_7F4A_7C15);
            let mut s = String::new();
            for _ in 0..10 {
                s.push(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[(x % 32) as usize] as char);
                x = (x / 32) ^ (x << 7);
            }
            (name.clone(), s)
        })
        .collect()
}

/// The token lifetime a reference server is started with where the docs
/// name an answer for an expired token: short, so a run sees one expire
/// (the harness waits it out once, and logs in again when its own expires).
pub fn reference_token_lifetime(v: &erpspec_model::ir::Vendor) -> Option<std::time::Duration> {
    (v.auth.token.is_some() && !v.auth.on_expired.is_empty()).then_some(std::time::Duration::from_millis(250))
}

/// Starts `reference --api API --listen 127.0.0.1:0 --readings R --seed N
/// [--token-lifetime S] [--fault F]` with the credentials in its
/// environment, and waits for its `listening on` line; the token lifetime
/// is [`reference_token_lifetime`]'s.
pub fn spawn_reference(
    binary: &std::path::Path,
    api: &erpspec_model::ir::Vendor,
    credentials: &BTreeMap<String, String>,
    (readings, seed): (&str, u64),
    fault: Option<&str>,
) -> Result<Server, String> {
    use std::io::BufRead as _;
    let mut cmd = std::process::Command::new(binary);
    cmd.args([
        "--api",
        &api.name,
        "--listen",
        "127.0.0.1:0",
        "--readings",
        readings,
        "--seed",
        &seed.to_string(),
    ]);
    if let Some(f) = fault {
        cmd.args(["--fault", f]);
    }
    if let Some(lifetime) = reference_token_lifetime(api) {
        cmd.args(["--token-lifetime", &lifetime.as_secs_f64().to_string()]);
    }
    for (k, v) in credentials {
        cmd.env(format!("ERPSPEC_CREDENTIAL_{k}"), v);
    }
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("no standard output")?;
    let child = Child(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
    let base_url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("the reference server did not start: {line:?}"))?
        .to_string();
    Ok(Server {
        base_url,
        credentials: credentials.clone(),
        guard: Box::new(child),
    })
}

/// The faults a reference server binary offers for an API (`--list-faults`).
pub fn list_faults(binary: &std::path::Path, api: &str) -> Result<Vec<Fault>, String> {
    let out = std::process::Command::new(binary)
        .args(["--api", api, "--list-faults"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.split('\t').collect();
            let strength = match parts.get(3).copied() {
                Some("contested") => Strength::Contested,
                Some("site") => Strength::Site,
                Some("implied") => Strength::Implied,
                _ => Strength::Documented,
            };
            Some(Fault {
                name: parts.first()?.to_string(),
                rule: CheckId::printed(parts.get(1)?),
                strength,
            })
        })
        .collect())
}
