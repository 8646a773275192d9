//! Executing a plan: log in, make the subject records (setup), run the
//! checks on a few keep-alive connections (each step's answer judged by the
//! oracle as it comes, since later steps name the records earlier ones
//! made), shrink failing generated cases, and delete what the run created.
//!
//! ```text
//! plan::suite (pure) -> setup (login, subjects) -> pool (executor per
//! connection; oracle per answer) -> shrink -> cleanup -> Run (for report)
//! ```

mod cleanup;
mod executor;
mod pool;
mod setup;
mod shrink;

pub use executor::{Executor, Ran};
pub use setup::Subjects;

use crate::plan::{self, Check, Family, Selection};
use crate::target::Target;
use crate::transport::{Connection, Limits, Problem, Reply, WireRequest};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    /// Generated cases per endpoint (the proptest layer).
    pub cases: u32,
    pub concurrency: usize,
    pub limits: Limits,
    /// The whole run's time limit.
    pub run_timeout: Duration,
    /// Check ids the target accepts as known deviations.
    pub expect_failure: Vec<String>,
    /// Makes the values that must be unique (new keys and names) unique to
    /// this run, so a repeated run (even with the same seed) never collides
    /// with an earlier one's records. `None`: from the clock.
    pub run_nonce: Option<u64>,
    /// Seeds whose generated cases failed in earlier runs: run again.
    pub regression_seeds: Vec<u64>,
    /// Implied expectations (the schemas' inferences where the pages are
    /// silent) fail rather than warn.
    pub strict: bool,
    /// Only checks whose id starts with one of these (all when empty).
    pub only: Vec<String>,
    /// Requests per second at most, across the run's connections (`--rate-limit`).
    pub rate_limit: Option<f64>,
    /// Set (by a signal handler) to stop the run: the checks not yet
    /// started are skipped, and the cleanup still runs.
    pub interrupted: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            cases: 8,
            concurrency: 4,
            limits: Limits::default(),
            run_timeout: Duration::from_secs(600),
            expect_failure: Vec::new(),
            run_nonce: None,
            regression_seeds: Vec::new(),
            only: Vec::new(),
            strict: false,
            rate_limit: None,
            interrupted: None,
        }
    }
}

impl Options {
    /// Whether the run was asked to stop.
    pub fn is_interrupted(&self) -> bool {
        self.interrupted
            .as_ref()
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl Options {
    /// Which checks the run plans.
    pub fn selection(&self) -> Selection {
        Selection {
            cases: self.cases,
            seed: self.seed,
            regression_seeds: self.regression_seeds.clone(),
            only: self.only.clone(),
        }
    }

    /// The run's nonce: given, or from the clock.
    pub fn nonce(&self) -> u64 {
        self.run_nonce.unwrap_or_else(clock_nonce)
    }
}

fn clock_nonce() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Failed,
    Warned,
    /// Failed, and listed with `--expect-failure`.
    ExpectedFailure,
    Skipped,
}

/// One request of a check and what came back.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Exchange {
    pub request: WireRequest,
    pub reply: Result<Reply, Problem>,
}

/// The most of each body a run keeps of a passed or skipped check.
pub const KEPT_BYTES_PASSED: usize = 4 * 1024;
/// The most of each body a run keeps of a check a report shows.
pub const KEPT_BYTES_REPORTED: usize = 256 * 1024;

impl Exchange {
    /// Keeps at most `max` bytes of the request's and the answer's bodies.
    /// A longer body is redacted whole first, then cut, so a secret cut in
    /// half at the end never survives as its first half.
    pub fn keep_at_most(&mut self, target: &Target, max: usize) {
        keep_at_most(&mut self.request.body, target, max);
        if let Ok(r) = &mut self.reply {
            keep_at_most(&mut r.body, target, max);
        }
    }
}

fn keep_at_most(body: &mut Vec<u8>, target: &Target, max: usize) {
    if body.len() <= max {
        return;
    }
    let total = body.len();
    // Only the kept part and a margin are redacted: any encoding of a
    // secret that starts in the kept part ends within the margin (a
    // character is at most 12 bytes escaped), so it is masked whole.
    let longest = target.secrets().iter().map(|(s, _)| s.chars().count()).max().unwrap_or(0);
    let window = total.min(max + 12 * longest + 64);
    let mut text = target.redact(&String::from_utf8_lossy(&body[..window]));
    let mut cut = max.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push_str(&format!("... ({total} bytes; the first {cut} kept)"));
    *body = text.into_bytes();
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Outcome {
    pub check: Check,
    pub verdict: Verdict,
    /// Why the answer is wrong (or why the check was skipped).
    pub reason: Option<String>,
    /// Where the docs give several readings: the server took another than
    /// the schema's first (a passed check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Every request sent, with its answer; the last is the one judged wrong.
    pub exchanges: Vec<Exchange>,
    pub millis: u64,
}

/// After this many checks in a row without an answer the rest are skipped:
/// a server that stopped answering is reported, not waited on for every check.
pub const GIVE_UP_AFTER: usize = 8;

/// Why a run could not start.
#[derive(Debug)]
pub enum SetupError {
    Unreachable(String),
    Credentials(String),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Unreachable(e) => write!(f, "the server is unreachable: {e}"),
            SetupError::Credentials(e) => write!(f, "the credentials look wrong: {e}"),
        }
    }
}

pub struct Run {
    pub outcomes: Vec<Outcome>,
    /// Records setup could not create (checks needing them fail).
    pub setup_notes: Vec<String>,
    pub requests: usize,
    pub elapsed: Duration,
    /// When the run began (the HAR report's clock).
    pub started_at: std::time::SystemTime,
}

/// Progress callbacks for the report's progress line.
pub trait Progress: Sync {
    fn start(&self, total: usize);
    fn done(&self, outcome: &Outcome);
}

/// No progress output (embedded runs, tests).
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn done(&self, _: &Outcome) {}
}

fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, SetupError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|e| SetupError::Unreachable(format!("cannot start a runtime: {e}")))
}

/// Plans the whole suite, then executes it against a target.
pub fn run(target: &mut Target, opts: &Options, progress: &dyn Progress) -> Result<Run, SetupError> {
    let suite = plan::suite(target, &opts.selection(), opts.nonce());
    execute(target, &suite, opts, progress)
}

/// Executes a planned suite: setup, the checks, the cleanup.
pub fn execute(target: &mut Target, suite: &plan::Suite, opts: &Options, progress: &dyn Progress) -> Result<Run, SetupError> {
    let started = Instant::now();
    let started_at = std::time::SystemTime::now();
    let rt = runtime(2)?;
    let mut conn = Connection::new(rt.handle().clone(), target.base.clone(), opts.limits);
    let login_requests = setup::login(&mut conn, target)?;
    let target: &Target = target;
    let mut made = setup::make_subjects(target, &mut conn, &suite.setup)?;
    progress.start(suite.checks.len());
    let pool_pace = opts.rate_limit.map(|n| std::sync::Arc::new(executor::Pace::per_second(n)));
    let pool = pool::Pool {
        target,
        subjects: &made.subjects,
        pace: pool_pace.clone(),
        opts,
        deadline: started + opts.run_timeout,
        progress,
    };
    let ran = pool.run(rt.handle(), &suite.checks);
    // Records the run created, and the subjects it made (not those named by fixtures).
    let mut created = ran.created;
    created.append(&mut made.created);
    let mut exec = Executor::new(target, &made.subjects, conn);
    exec.pace = pool_pace.clone();
    if let Some(note) = cleanup::cleanup(&mut exec, &suite.cleanup, created) {
        made.notes.push(note);
    }
    let requests = login_requests + made.requests + ran.requests + exec.requests;
    drop(exec);
    drop(rt);
    Ok(Run {
        outcomes: ran.outcomes,
        setup_notes: made.notes,
        requests,
        elapsed: started.elapsed(),
        started_at,
    })
}

/// Set on SIGINT or SIGTERM: the run skips the checks not yet started,
/// deletes what it created and writes its reports. A second signal ends
/// the process at once.
pub fn interrupt_on_signals() -> Result<std::sync::Arc<std::sync::atomic::AtomicBool>, String> {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(|e| format!("cannot watch for signals: {e}"))?;
    let set = flag.clone();
    let mut term = rt
        .block_on(async { tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) })
        .map_err(|e| format!("cannot watch for SIGTERM: {e}"))?;
    std::thread::spawn(move || {
        rt.block_on(async move {
            loop {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                if set.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    std::process::exit(130);
                }
                eprintln!(
                    "\nconformance: stopping: finishing the checks in flight, then the cleanup and the reports (again to stop at once)"
                );
            }
        });
    });
    Ok(flag)
}

/// Whether most failures are refusals of the credentials (then the report
/// says so instead of listing every check).
pub fn credentials_look_wrong(target: &Target, outcomes: &[Outcome]) -> bool {
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Failed && o.check.family != Family::Auth)
        .collect();
    let auth = failed
        .iter()
        .filter(|o| {
            o.exchanges.last().and_then(|e| e.reply.as_ref().ok()).is_some_and(|r| {
                let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                crate::oracle::is_auth_refusal(&target.vendor, &body)
            })
        })
        .count();
    auth >= 3 && auth * 2 >= failed.len()
}

/// Re-runs one saved check (logging in again with the given credentials,
/// and making the subject records again where the check names them);
/// `strict` as in [`Options::strict`].
pub fn replay(target: &mut Target, check: &Check, limits: Limits, strict: bool) -> Result<Outcome, SetupError> {
    let rt = runtime(1)?;
    let mut conn = Connection::new(rt.handle().clone(), target.base.clone(), limits);
    setup::login(&mut conn, target)?;
    let target: &Target = target;
    let names_subjects = check
        .steps
        .iter()
        .flat_map(|s| &s.fills)
        .any(|f| matches!(f.from, plan::Source::Subject { .. }));
    let (setup, cleanup) = if names_subjects {
        let suite = plan::suite(target, &Selection::default(), clock_nonce());
        (suite.setup, suite.cleanup)
    } else {
        (Vec::new(), Vec::new())
    };
    let made = setup::make_subjects(target, &mut conn, &setup)?;
    let mut exec = Executor::new(target, &made.subjects, conn);
    exec.strict = strict;
    let t0 = Instant::now();
    let ran = exec.run_check(check);
    let millis = t0.elapsed().as_millis() as u64;
    let mut created = std::mem::take(&mut exec.created);
    created.extend(made.created);
    if names_subjects {
        cleanup::cleanup(&mut exec, &cleanup, created);
    }
    Ok(Outcome {
        check: check.clone(),
        verdict: ran.verdict,
        reason: ran.reason,
        note: ran.note,
        exchanges: ran.exchanges,
        millis,
    })
}
