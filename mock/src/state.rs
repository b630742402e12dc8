//! Server configuration and the shared, mutable state of one mock server.

use crate::async_queue::Job;
use crate::log::RequestLog;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// How the mock is configured (from the command line or by a test).
#[derive(Clone, Debug)]
pub struct Config {
    /// Port to bind on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The only API key accepted.
    pub api_key: String,
    /// Secret used to sign outgoing webhooks (and to check those the sink receives).
    pub webhook_secret: String,
    /// Default streaming pace in tokens per second; 0 = as fast as possible.
    pub token_rate: f64,
    /// No access log on stderr.
    pub quiet: bool,
    /// Serve TLS (h2 and http/1.1 by ALPN) with a self-signed certificate for 127.0.0.1 and
    /// localhost made at start, its PEM written to this file (for the client's `ca`).
    pub tls_cert_out: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            api_key: "test-key".into(),
            webhook_secret: "whsec-test".into(),
            token_rate: 50.0,
            quiet: false,
            tls_cert_out: None,
        }
    }
}

/// Everything the handlers share.
pub struct State {
    /// The configuration.
    pub cfg: Config,
    /// Recent requests, for `/__mock/requests`.
    pub log: Mutex<RequestLog>,
    /// Per fault key: how many requests with a `fail:N:...` fault have been seen.
    pub fail_counts: Mutex<HashMap<String, u64>>,
    /// Async requests by id.
    pub jobs: Mutex<HashMap<String, Job>>,
    /// The custom server's `/items/{id}` store.
    pub items: Mutex<HashMap<String, Value>>,
    /// Webhooks received at `/__mock/webhook-sink`.
    pub webhooks: Mutex<Vec<Value>>,
    /// WebSocket sessions, for `/__mock/websockets`.
    pub websockets: Mutex<Vec<Value>>,
}

impl State {
    /// Fresh state for a configuration.
    pub fn new(cfg: Config) -> Self {
        State {
            cfg,
            log: Mutex::new(RequestLog::default()),
            fail_counts: Mutex::default(),
            jobs: Mutex::default(),
            items: Mutex::default(),
            webhooks: Mutex::default(),
            websockets: Mutex::default(),
        }
    }
}

/// Locks a mutex, ignoring poisoning (a panicked holder leaves plain data behind).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
