//! The harness proves itself: the whole suite against a server with one
//! fault switched on at a time (the reference server's `--fault`), and
//! against the fault-free server. Every fault must be caught, by a failure,
//! or by a warning where the rule it breaks is one the docs leave contested
//! (a warning is then the strongest verdict the docs allow), and the
//! fault-free server must pass.

use crate::run::{self, Options, Outcome, Verdict};
use crate::target::Target;
use crate::transport::BaseUrl;
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
    /// The id of the rule it breaks.
    pub rule: String,
}

/// One row of the mutation table.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Row {
    /// `None` for the fault-free run.
    pub fault: Option<String>,
    pub rule: String,
    /// The check that caught it: one holding the server to the fault's rule
    /// where there is one, else the first that failed.
    pub caught_by: Option<String>,
    pub verdict: Option<Verdict>,
    /// Failed and warned checks in the run.
    pub failed: usize,
    pub warned: usize,
    /// Milliseconds from the run's start until the catching check finished.
    pub detect_millis: u64,
    pub run_millis: u64,
    /// What went wrong setting the run up, if anything.
    pub error: Option<String>,
}

impl Row {
    /// A fault is caught when some check fails or warns; the fault-free
    /// server passes when none fails.
    pub fn ok(&self) -> bool {
        match &self.fault {
            Some(_) => self.caught_by.is_some(),
            None => self.failed == 0 && self.error.is_none(),
        }
    }
}

/// Runs the suite once against a server started by `start` with the fault.
pub fn run_one(
    api: &erpspec_codegen::ir::Vendor,
    fault: Option<&Fault>,
    opts: &Options,
    start: &dyn Fn(Option<&str>) -> Result<Server, String>,
) -> Row {
    let t0 = Instant::now();
    let mut row = Row {
        fault: fault.map(|f| f.name.clone()),
        rule: fault.map(|f| f.rule.clone()).unwrap_or_default(),
        caught_by: None,
        verdict: None,
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
        token: None,
    };
    let quiet = Quiet {
        started: Instant::now(),
        finished: std::sync::Mutex::new(Vec::new()),
    };
    match run::run(&mut target, opts, &quiet) {
        Err(e) => {
            // A setup that cannot log in is the fault being caught too
            // (the login check would fail), but say so.
            let text = e.to_string();
            if fault.is_some() {
                row.caught_by = Some(format!("setup ({text})"));
                row.verdict = Some(Verdict::Failed);
            } else {
                row.error = Some(text);
            }
        }
        Ok(r) => {
            let finished = quiet.finished.into_inner().unwrap_or_else(|p| p.into_inner());
            let bad: Vec<&Outcome> = r
                .outcomes
                .iter()
                .filter(|o| matches!(o.verdict, Verdict::Failed | Verdict::Warned))
                .collect();
            row.failed = bad.iter().filter(|o| o.verdict == Verdict::Failed).count();
            row.warned = bad.len() - row.failed;
            let best = bad
                .iter()
                .find(|o| o.verdict == Verdict::Failed && o.check.rule == row.rule)
                .or_else(|| bad.iter().find(|o| o.check.rule == row.rule))
                .or_else(|| bad.iter().find(|o| o.verdict == Verdict::Failed))
                .or_else(|| bad.first());
            if let Some(o) = best {
                row.caught_by = Some(o.check.id.clone());
                row.verdict = Some(o.verdict);
                row.detect_millis = finished.iter().find(|(id, _)| id == &o.check.id).map(|(_, ms)| *ms).unwrap_or(0);
            }
            if fault.is_none() {
                row.caught_by = None;
                if let Some(o) = bad.iter().find(|o| o.verdict == Verdict::Failed) {
                    row.error = Some(format!(
                        "the fault-free server fails {}: {}",
                        o.check.id,
                        o.reason.clone().unwrap_or_default()
                    ));
                }
            }
        }
    }
    drop(server);
    row.run_millis = t0.elapsed().as_millis() as u64;
    row
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

/// The table as text.
pub fn table(rows: &[(String, Row)]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<10} {:<58} {:<50} {:<52} {:<8} {:>8}",
        "api", "fault", "rule broken", "caught by", "verdict", "detect"
    );
    for (api, r) in rows {
        let verdict = match (&r.fault, r.verdict) {
            (None, _) if r.ok() => "clean".to_string(),
            (None, _) => "FAILS".to_string(),
            (Some(_), Some(Verdict::Failed)) => "failed".into(),
            (Some(_), Some(Verdict::Warned)) => "warned".into(),
            _ => "MISSED".into(),
        };
        let _ = writeln!(
            s,
            "{:<10} {:<58} {:<50} {:<52} {:<8} {:>6}ms",
            api,
            r.fault.as_deref().unwrap_or("(none)"),
            if r.rule.is_empty() { "-" } else { r.rule.as_str() },
            r.caught_by.as_deref().or(r.error.as_deref()).unwrap_or("-"),
            verdict,
            r.detect_millis
        );
    }
    let faults: Vec<&Row> = rows.iter().map(|(_, r)| r).filter(|r| r.fault.is_some()).collect();
    let caught = faults.iter().filter(|r| r.ok()).count();
    let by_failure = faults.iter().filter(|r| r.verdict == Some(Verdict::Failed)).count();
    let clean = rows.iter().filter(|(_, r)| r.fault.is_none() && r.ok()).count();
    let clean_runs = rows.iter().filter(|(_, r)| r.fault.is_none()).count();
    let _ = writeln!(
        s,
        "{caught} of {} faults caught ({by_failure} by a failure, {} by a warning on a contested or implied rule); fault-free runs clean: {clean} of {clean_runs}",
        faults.len(),
        caught - by_failure
    );
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
pub fn generated_credentials(v: &erpspec_codegen::ir::Vendor) -> BTreeMap<String, String> {
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

/// Starts `reference --api API --listen 127.0.0.1:0 [--fault F]` with the
/// credentials in its environment, and waits for its `listening on` line.
pub fn spawn_reference(
    binary: &std::path::Path,
    api: &str,
    credentials: &BTreeMap<String, String>,
    fault: Option<&str>,
) -> Result<Server, String> {
    use std::io::BufRead as _;
    let mut cmd = std::process::Command::new(binary);
    cmd.args(["--api", api, "--listen", "127.0.0.1:0"]);
    if let Some(f) = fault {
        cmd.args(["--fault", f]);
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
            let mut parts = l.split('\t');
            Some(Fault {
                name: parts.next()?.to_string(),
                rule: parts.next()?.to_string(),
            })
        })
        .collect())
}
