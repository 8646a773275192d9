//! Runs the planned checks on a few keep-alive connections at once, one
//! executor per connection taking the next check, and collects outcomes in
//! plan order. A run past its time limit, or a server that stopped
//! answering, gets the remaining checks skipped.

use super::{Executor, GIVE_UP_AFTER, KEPT_BYTES_PASSED, KEPT_BYTES_REPORTED, Options, Outcome, Progress, Ran, Subjects, Verdict, shrink};
use crate::plan::Check;
use crate::target::Target;
use crate::transport::Connection;
use serde_json::Value;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Why a check was skipped after the run was interrupted.
pub const INTERRUPTED: &str = "the run was interrupted (SIGINT or SIGTERM) before this check";

/// What the checks and the run around them share.
pub(super) struct Pool<'a> {
    pub target: &'a Target,
    pub subjects: &'a Subjects,
    pub opts: &'a Options,
    pub pace: Option<std::sync::Arc<super::executor::Pace>>,
    pub deadline: Instant,
    pub progress: &'a dyn Progress,
}

/// What running the checks gave.
pub(super) struct Finished {
    pub outcomes: Vec<Outcome>,
    /// Records the checks created, for the cleanup.
    pub created: Vec<(String, Value)>,
    pub requests: usize,
}

/// The state the connections share while running.
#[derive(Default)]
struct Shared {
    next: AtomicUsize,
    /// Checks in a row that got no answer.
    silent: AtomicUsize,
    sent: AtomicUsize,
    results: Mutex<Vec<(usize, Outcome)>>,
    created: Mutex<Vec<(String, Value)>>,
}

impl Pool<'_> {
    pub fn run(&self, handle: &tokio::runtime::Handle, checks: &[Check]) -> Finished {
        let shared = Shared::default();
        std::thread::scope(|scope| {
            for _ in 0..self.opts.concurrency.max(1) {
                let (shared, handle) = (&shared, handle.clone());
                scope.spawn(move || self.worker(handle, checks, shared));
            }
        });
        let mut results = shared.results.into_inner().unwrap_or_else(|p| p.into_inner());
        results.sort_by_key(|(i, _)| *i);
        Finished {
            outcomes: results.into_iter().map(|(_, o)| o).collect(),
            created: shared.created.into_inner().unwrap_or_else(|p| p.into_inner()),
            requests: shared.sent.load(Ordering::Relaxed),
        }
    }

    /// One connection: takes the next check until none is left.
    fn worker(&self, handle: tokio::runtime::Handle, checks: &[Check], shared: &Shared) {
        let conn = Connection::new(handle, self.target.base.clone(), self.opts.limits);
        let mut exec = Executor::new(self.target, self.subjects, conn);
        exec.strict = self.opts.strict;
        exec.pace = self.pace.clone();
        loop {
            let i = shared.next.fetch_add(1, Ordering::Relaxed);
            let Some(check) = checks.get(i) else { break };
            let outcome = self.one(&mut exec, check, shared);
            self.progress.done(&outcome);
            shared.results.lock().unwrap_or_else(|p| p.into_inner()).push((i, outcome));
        }
        shared.sent.fetch_add(exec.requests, Ordering::Relaxed);
        shared.created.lock().unwrap_or_else(|p| p.into_inner()).append(&mut exec.created);
    }

    /// Runs one check (or skips it), shrinks a failing generated one, and
    /// gives its outcome.
    fn one(&self, exec: &mut Executor<'_>, check: &Check, shared: &Shared) -> Outcome {
        let t0 = Instant::now();
        let ran = if self.opts.is_interrupted() {
            Ran::skipped(INTERRUPTED.to_string(), Vec::new())
        } else if Instant::now() > self.deadline {
            Ran::skipped("the run's time limit was reached".to_string(), Vec::new())
        } else if shared.silent.load(Ordering::Relaxed) >= GIVE_UP_AFTER {
            Ran::skipped(
                format!("the server stopped answering ({GIVE_UP_AFTER} checks in a row got no answer)"),
                Vec::new(),
            )
        } else {
            exec.run_check(check)
        };
        let Ran {
            mut verdict,
            mut reason,
            note,
            mut exchanges,
        } = ran;
        let unanswered = exchanges.last().is_some_and(|e| e.reply.is_err());
        if unanswered {
            shared.silent.fetch_add(1, Ordering::Relaxed);
        } else if !exchanges.is_empty() {
            shared.silent.store(0, Ordering::Relaxed);
        }
        let mut check = check.clone();
        if matches!(verdict, Verdict::Failed | Verdict::Warned) && !check.removable.is_empty() {
            shrink::shrink(exec, &mut check, verdict, &mut reason, &mut exchanges);
        }
        if verdict == Verdict::Failed && self.opts.expect_failure.contains(&check.id) {
            verdict = Verdict::ExpectedFailure;
        }
        // What a report shows of each body is all a run keeps: a hostile
        // server's 16 MiB answers to a thousand checks never add up.
        let keep = match verdict {
            Verdict::Passed | Verdict::Skipped => KEPT_BYTES_PASSED,
            _ => KEPT_BYTES_REPORTED,
        };
        for ex in &mut exchanges {
            ex.keep_at_most(self.target, keep);
        }
        Outcome {
            check,
            verdict,
            reason,
            note,
            exchanges,
            millis: t0.elapsed().as_millis() as u64,
        }
    }
}
