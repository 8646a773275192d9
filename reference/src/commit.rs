//! Group commit. One thread owns the store and runs the requests the
//! handlers admitted ([`Engine::admit`]) in batches: every request waiting
//! when a batch starts (up to [`MAX_BATCH`]) runs in its own savepoint of
//! one IMMEDIATE transaction, and the batch commits once (one fsync of the
//! WAL with `--db`). Answers are sent only after that commit, so an
//! acknowledged write is on disk exactly as with a transaction per request;
//! requests arriving during a commit wait for the next batch, so under load
//! many requests share one fsync.
//!
//! A request's refusal rolls back its savepoint only. If the commit fails,
//! or SQLite rolls the whole transaction back by itself (a full disk, an I/O
//! error), every request of the batch is answered as a store failure: none
//! of them was acknowledged.

use crate::engine::{Admitted, Engine, Request, Response};
use crate::store::Store;
use std::sync::Arc;
use std::sync::mpsc;

/// The most requests one commit holds.
pub const MAX_BATCH: usize = 256;

/// The most admitted requests waiting for the store's thread; past it a
/// request is answered at once as a store that is busy (503), so a flood
/// queues no unbounded memory.
pub const MAX_QUEUED: usize = 4 * MAX_BATCH;

struct Job {
    req: Request,
    admitted: Admitted,
    reply: tokio::sync::oneshot::Sender<Response>,
}

/// Hands admitted requests to the store's thread. The thread ends (closing
/// the store) when every clone is dropped.
#[derive(Clone)]
pub struct Committer {
    jobs: mpsc::SyncSender<Job>,
    engine: Arc<Engine>,
}

impl Committer {
    /// Starts the store's thread; at most `queued` admitted requests wait
    /// for it ([`MAX_QUEUED`] in normal use).
    pub fn start(engine: Arc<Engine>, store: Store, queued: usize) -> Result<Committer, String> {
        let (jobs, rx) = mpsc::sync_channel::<Job>(queued);
        let answers = engine.clone();
        std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                let mut store = store;
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    run_batch(&engine, &mut store, batch);
                }
            })
            .map_err(|e| format!("cannot start the store's thread: {e}"))?;
        Ok(Committer { jobs, engine: answers })
    }

    /// Runs an admitted request; its answer once its batch is committed.
    pub async fn submit(&self, req: Request, admitted: Admitted) -> Response {
        let (reply, answer) = tokio::sync::oneshot::channel();
        match self.jobs.try_send(Job { req, admitted, reply }) {
            Ok(()) => {}
            Err(mpsc::TrySendError::Full(job)) => return self.engine.store_busy(&job.req),
            Err(mpsc::TrySendError::Disconnected(_)) => return Response::internal_error(),
        }
        answer.await.unwrap_or_else(|_| Response::internal_error())
    }
}

fn run_batch(engine: &Engine, store: &mut Store, jobs: Vec<Job>) {
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        let mut batch = match store.begin() {
            Ok(b) => b,
            Err(e) => {
                for job in jobs {
                    let _ = job.reply.send(engine.store_failed(&job.req, &e));
                }
                return;
            }
        };
        let mut done: Vec<(Request, tokio::sync::oneshot::Sender<Response>, Response)> = Vec::new();
        let mut failed = None;
        for Job { req, admitted, reply } in jobs.by_ref() {
            let ran = batch.run(|tx| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.run(tx, &req, admitted)))
                    .unwrap_or_else(|_| (false, Response::internal_error()))
            });
            match ran {
                Ok(answer) if batch.alive() => done.push((req, reply, answer)),
                // SQLite rolled the transaction back by itself.
                Ok(answer) => {
                    failed = Some(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
                        Some("the transaction was rolled back".into()),
                    ));
                    done.push((req, reply, answer));
                    break;
                }
                // The savepoint could not be taken or released.
                Err(e) => {
                    failed = Some(e);
                    done.push((req, reply, Response::internal_error()));
                    break;
                }
            }
        }
        // The crash-test fault: acknowledge first, commit a moment later,
        // so a kill -9 right after an acknowledgement loses the write.
        if let Some(delay) = engine.answer_before_commit
            && failed.is_none()
        {
            for (_, reply, answer) in done.drain(..) {
                let _ = reply.send(answer);
            }
            std::thread::sleep(delay);
        }
        let outcome = match failed {
            Some(e) => {
                drop(batch);
                Err(e)
            }
            None => batch.commit(),
        };
        for (req, reply, answer) in done {
            let answer = match &outcome {
                Ok(()) => answer,
                Err(e) => engine.store_failed(&req, e),
            };
            let _ = reply.send(answer);
        }
    }
}
