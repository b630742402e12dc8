//! baseten-mock: a mock Baseten inference gateway and OpenAI-compatible server, used by the
//! baseten-edge tests, benchmarks and demo. See `README.md` beside this crate for the routes
//! and the fault-injection syntax.

#![warn(missing_docs)]

pub mod async_queue;
pub mod auth;
pub mod bei;
pub mod cors;
pub mod embeddings;
pub mod faults;
pub mod introspect;
pub mod log;
pub mod openai;
mod openai_stream;
mod openai_text;
pub mod predict;
mod reasoning;
pub mod reply;
pub mod req;
pub mod responses;
pub mod router;
pub mod server;
pub mod state;
pub mod sync_routes;
pub mod tls;
pub mod util;
pub mod webhook;
pub mod websocket;

pub use state::Config;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use state::State;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running mock server.
pub struct Server {
    /// The address it listens on (always 127.0.0.1).
    pub addr: SocketAddr,
    /// Whether it speaks TLS (`https://`).
    pub tls: bool,
    task: JoinHandle<()>,
}

impl Server {
    /// `http://127.0.0.1:PORT` (`https://` with TLS).
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops accepting connections (open connections end with the runtime).
    pub fn stop(&self) {
        self.task.abort();
    }
}

/// Binds 127.0.0.1 on the configured port and serves in the background.
pub async fn start(cfg: Config) -> std::io::Result<Server> {
    let listener = TcpListener::bind(("127.0.0.1", cfg.port)).await?;
    let addr = listener.local_addr()?;
    let acceptor = match &cfg.tls_cert_out {
        Some(path) => Some(tls::acceptor(path)?),
        None => None,
    };
    let tls = acceptor.is_some();
    let state = Arc::new(State::new(cfg));
    let task = tokio::spawn(accept_loop(listener, state, acceptor));
    Ok(Server { addr, tls, task })
}

/// Accepts connections forever, one task per connection (after its TLS handshake, if any).
async fn accept_loop(
    listener: TcpListener,
    state: Arc<State>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or similar: back off briefly and go on.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                Some(acceptor) => {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        serve(TokioIo::new(tls), state).await;
                    }
                }
                None => serve(TokioIo::new(stream), state).await,
            }
        });
    }
}

/// Serves one connection: HTTP/1.1, and HTTP/2 (with prior knowledge on plain TCP, or picked
/// by ALPN over TLS), on the same port.
async fn serve<I>(io: I, state: Arc<State>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let svc = service_fn(move |req| server::handle(state.clone(), req));
    let mut builder =
        hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(1024);
    // Upgrades too: WebSockets (src/websocket.rs), over TLS as over plain TCP.
    let _ = builder.serve_connection_with_upgrades(io, svc).await;
}
