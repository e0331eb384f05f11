//! Accepting connections and stopping well: a client has a bounded time to send a request's head
//! (so a slow one cannot hold a connection open for ever), and a stop answers every request that
//! already reached the server before it closes, within a deadline.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request};
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// How long the server waits on a connection that is idle when it stops, in case a request is on
/// its way (it is answered, and the connection then closed).
const SETTLE: Duration = Duration::from_millis(500);

/// The time limits of serving.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From a connection's first byte (or the end of its previous request) to the end of the head.
    pub head: Duration,
    /// From the signal to stop to closing whatever connections remain.
    pub grace: Duration,
}

/// Whether the server is stopping: every answer then closes its connection.
#[derive(Clone, Default)]
pub struct Stopping(Arc<AtomicBool>);

impl Stopping {
    fn start(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn now(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Marks each answer given while stopping `Connection: close`, so a client's connection ends
/// after its answer instead of being cut while a request may be on its way.
pub async fn close_when_stopping(
    axum::extract::State(stopping): axum::extract::State<Stopping>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    if stopping.now() {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

struct Server {
    app: Router,
    builder: Builder<TokioExecutor>,
    connections: GracefulShutdown,
}

impl Server {
    fn new(app: Router, limits: Limits) -> Self {
        let mut builder = Builder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.head);
        builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(limits.head));
        Self { app, builder, connections: GracefulShutdown::new() }
    }

    /// Serves one connection on a task of its own; each request carries the peer's address.
    fn serve(&self, stream: TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let app = self.app.clone().map_request(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let connection =
            self.builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(app));
        let connection = self.connections.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "a connection ended with an error");
            }
        });
    }
}

/// Serves `app` on `listener` until `shutdown` completes; then answers what has arrived and
/// stops within `limits.grace`. `on_stop` runs once no new connection is taken (it closes live
/// streams, which would otherwise never end).
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stopping: Stopping,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    on_stop: impl FnOnce(),
) -> std::io::Result<()> {
    let server = Server::new(app, limits);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => server.serve(stream, peer),
                Err(e) => {
                    // Out of file descriptors, most likely: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    stopping.start();
    let deadline = tokio::time::Instant::now() + limits.grace;
    // Connections the system already accepted for us hold requests sent before the stop: take
    // those queued now, but not the ones clients keep opening (they would keep the server up),
    // and never past the settling time.
    let drain_until = (tokio::time::Instant::now() + SETTLE).min(deadline);
    while tokio::time::Instant::now() < drain_until {
        let Ok(Ok((stream, peer))) = tokio::time::timeout(Duration::ZERO, listener.accept()).await else { break };
        server.serve(stream, peer);
    }
    drop(listener);
    on_stop();
    // Requests on their way over open connections are answered (and their connections closed).
    let settle = (tokio::time::Instant::now() + SETTLE).min(deadline);
    while server.connections.count() > 0 && tokio::time::Instant::now() < settle {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let open = server.connections.count();
    if tokio::time::timeout_at(deadline, server.connections.shutdown()).await.is_err() {
        tracing::warn!(open, "stopped with connections still open after the grace period");
    }
    Ok(())
}

/// Answers `408` when a request is not answered within `limit` (a body that never ends, say).
/// A live stream counts as answered once its headers are sent.
pub async fn deadline(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::response::IntoResponse;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => crate::error::ApiError::new(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!("the request took longer than {} seconds to arrive and be answered", limit.as_secs()),
        )
        .into_response(),
    }
}
