//! Serving connections: HTTP/1.1 with hyper, each request carrying its connection's peer address
//! ([`super::ClientAddr`], the rate-limit key), and a **header read timeout**
//! ([`super::Limits::header_read_timeout`]) so a client that opens a connection and sends its
//! headers slowly (or not at all) is cut off instead of holding the connection forever. `axum::serve`
//! cannot set it (it gives hyper no timer), so this loop does what it does plus the timer. The
//! body is read inside the handler, so the request timeout covers a slow body.
//!
//! Shutdown is graceful: when `shutdown` completes, no connection is accepted any more and the
//! ones open finish their requests in flight.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::Layer;

use super::state::AppState;

/// How long to wait before accepting again after an accept error (out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `app` on `listener` until `shutdown` completes, then waits for the open connections to
/// finish their requests.
pub async fn serve(listener: TcpListener, app: AppState, shutdown: impl Future<Output = ()>) {
    let header_read_timeout = app.limits().header_read_timeout;
    let router = super::router(app);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = axum::Extension(ConnectInfo::<SocketAddr>(peer)).layer(router.clone());
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
