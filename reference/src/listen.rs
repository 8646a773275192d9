//! Accepting connections: at most [`MAX_CONNECTIONS`] open at once (a
//! client past the cap waits in the kernel's backlog, it is not refused),
//! and each waits at most [`HEADER_READ_TIMEOUT`] for a request's head,
//! from the moment it is ready for one: a connection that sends nothing, a
//! keep-alive connection left idle and a slow-loris head are closed in that
//! time. (A body is bounded by the handler's own body timeout.) axum's
//! `serve` sets neither, so the loop is ours, on hyper's HTTP/1 connection.

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, watch};

/// The most connections served at once.
pub const MAX_CONNECTIONS: usize = 1024;

/// How long a connection may take to send a request's head, counted from
/// when it is ready for one (first byte, or idle between requests).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes, then lets every
/// open connection finish its request in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: (usize, Duration),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (max, header_timeout) = limits;
    let permits = Arc::new(Semaphore::new(max));
    let (closing, closed) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors or a connection reset before it
                // was accepted: try again shortly, as axum does.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let mut closed = closed.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                // Every receiver was cloned before the one change (to `true`).
                _ = closed.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(permit);
        });
    }
    let _ = closing.send(true);
    // Every connection gives its permit back once its last request is answered.
    let _ = permits.acquire_many(max as u32).await;
    Ok(())
}
