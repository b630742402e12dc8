//! Shared helpers for the mock's integration tests: an in-process server and a client.

#![allow(dead_code)]

use baseten_mock::{Config, Server};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use std::time::{Duration, Instant};

/// A running mock plus a client for it.
pub struct Mock {
    /// Keeps the server alive for the test.
    pub server: Server,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// HTTP client.
    pub client: reqwest::Client,
}

/// Starts a quiet mock with no token pacing.
pub async fn start() -> Mock {
    start_with(0.0).await
}

/// Starts a quiet mock with the given default token rate.
pub async fn start_with(token_rate: f64) -> Mock {
    let cfg = Config {
        token_rate,
        quiet: true,
        ..Config::default()
    };
    let server = baseten_mock::start(cfg).await.expect("mock starts");
    let url = server.url();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client builds");
    Mock {
        server,
        url,
        client,
    }
}

impl Mock {
    /// A request to `path` with the test key.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.without_key(method, path).bearer_auth("test-key")
    }

    /// A request to `path` with no key: the mock's own routes need none, the others answer 401.
    pub fn without_key(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.url))
    }

    /// A POST to `path` with the test key and a JSON body.
    pub fn post(&self, path: &str, body: Value) -> RequestBuilder {
        self.request(Method::POST, path).json(&body)
    }

    /// A POST to `path` with the test key and `body` as it is (not necessarily JSON).
    pub fn post_text(&self, path: &str, body: &'static str) -> RequestBuilder {
        self.request(Method::POST, path).body(body)
    }

    /// A GET to `path` with the test key.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// A DELETE of `path` with the test key.
    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.request(Method::DELETE, path)
    }

    /// A GET of one of the mock's own routes, parsed as JSON.
    pub async fn mock_json(&self, path: &str) -> Value {
        send_json(self.without_key(Method::GET, path)).await
    }

    /// Clears the mock's request log and its scripted-fault counters (`POST /__mock/reset`).
    pub async fn reset(&self) {
        let r = send(self.without_key(Method::POST, "/__mock/reset")).await;
        assert_eq!(r.status(), 200, "reset");
    }
}

/// Sends a request; panics if the mock does not answer.
pub async fn send(req: RequestBuilder) -> Response {
    req.send().await.expect("the mock answers")
}

/// Sends a request and parses its answer as JSON.
pub async fn send_json(req: RequestBuilder) -> Value {
    json_body(send(req).await).await
}

/// Sends a request: the status and the answer parsed as JSON.
pub async fn status_json(req: RequestBuilder) -> (u16, Value) {
    let r = send(req).await;
    (r.status().as_u16(), json_body(r).await)
}

/// A body parsed as JSON.
pub async fn json_body(resp: Response) -> Value {
    resp.json().await.expect("the answer is JSON")
}

/// A response header as text.
pub fn header<'a>(resp: &'a Response, name: &str) -> &'a str {
    resp.headers()[name].to_str().expect("a text header")
}

/// The length a response announced in its Content-Length.
pub fn content_length(resp: &Response) -> usize {
    header(resp, "content-length").parse().expect("a length")
}

/// Reads a body chunk by chunk, with the time each arrived; Err if the body broke.
pub async fn chunks(mut resp: reqwest::Response) -> Result<Vec<(Instant, Vec<u8>)>, Vec<u8>> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                seen.extend_from_slice(&c);
                out.push((Instant::now(), c.to_vec()));
            }
            Ok(None) => return Ok(out),
            Err(_) => return Err(seen),
        }
    }
}

/// All bytes of a body that ends cleanly.
pub async fn body(resp: reqwest::Response) -> Vec<u8> {
    resp.bytes().await.expect("body ends cleanly").to_vec()
}

/// The SSE events of a body (split on blank lines).
pub fn events(body: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(body)
        .split("\n\n")
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect()
}

/// The JSON payloads of the `data:` events, skipping `[DONE]`.
pub fn data_json(body: &[u8]) -> Vec<Value> {
    events(body)
        .iter()
        .filter_map(|e| e.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str(d).expect("data is JSON"))
        .collect()
}

/// A chat request body for `text`.
pub fn chat_body(text: &str, stream: bool) -> Value {
    serde_json::json!({
        "model": "m",
        "messages": [{"role": "user", "content": text}],
        "stream": stream,
    })
}
