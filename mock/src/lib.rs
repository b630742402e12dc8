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
    task: JoinHandle<()>,
}

impl Server {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
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
    let state = Arc::new(State::new(cfg));
    let task = tokio::spawn(accept_loop(listener, state));
    Ok(Server { addr, task })
}

/// Accepts connections forever, one task per connection.
async fn accept_loop(listener: TcpListener, state: Arc<State>) {
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
        tokio::spawn(async move {
            let svc = service_fn(move |req| server::handle(state.clone(), req));
            // HTTP/1.1, and HTTP/2 with prior knowledge (h2c), on the same port.
            let mut builder =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).keep_alive(true);
            builder
                .http2()
                .timer(TokioTimer::new())
                .max_concurrent_streams(1024);
            let _ = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), svc)
                .await;
        });
    }
}
