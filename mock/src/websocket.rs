//! WebSockets on `P/websocket` (every prefix, and bare for the regional form): the upgrade is
//! checked like any request (auth, then faults, so `?mock_fault=status:403` refuses it), then
//! the session echoes what it gets, streams paced tokens and closes with a chosen code when a
//! text command asks. Sessions are listed at `GET /__mock/websockets`. See README.md.

use crate::reply::{baseten_error, Reply};
use crate::req::Req;
use crate::state::{lock, State};
use crate::util;
use futures_util::{SinkExt, StreamExt};
use hyper::header::HeaderMap;
use hyper::upgrade::OnUpgrade;
use hyper::StatusCode;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{sleep_until, Instant};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Largest message the mock accepts (tungstenite's default is 64 MiB; the tests send 1 MiB).
const MAX_MESSAGE: usize = 16 << 20;
/// How many sessions `/__mock/websockets` keeps.
const MAX_SESSIONS: usize = 200;

/// Whether a request asks for a WebSocket upgrade (`Upgrade: websocket`, any case).
pub fn wants_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(hyper::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Answers an authorized `GET P/websocket`: 101 with the handshake headers, or 426 when the
/// request is not a version-13 WebSocket upgrade. The server starts [`session`] after a 101.
pub fn accept(req: &Req) -> Reply {
    let key = req.header("sec-websocket-key");
    let version_ok = req.header("sec-websocket-version") == Some("13");
    match key {
        Some(key) if wants_upgrade(&req.headers) && version_ok => {
            Reply::bytes(StatusCode::SWITCHING_PROTOCOLS, "text/plain", "")
                .with_header("upgrade", "websocket")
                .with_header("connection", "Upgrade")
                .with_header("sec-websocket-accept", &derive_accept_key(key.as_bytes()))
        }
        _ => baseten_error(
            StatusCode::UPGRADE_REQUIRED,
            "This endpoint speaks WebSocket (version 13) only",
            "client_error",
        )
        .with_header("upgrade", "websocket"),
    }
}

/// A paced token stream in progress.
struct Tokens {
    words: Vec<String>,
    next: usize,
    interval: Duration,
    at: Instant,
}

/// Runs one session once hyper hands over the connection, and records how it ended.
pub async fn session(state: Arc<State>, upgrade: OnUpgrade, id: String, path: String) {
    let Ok(upgraded) = upgrade.await else { return };
    let mut config = WebSocketConfig::default();
    config.max_message_size = Some(MAX_MESSAGE);
    config.max_frame_size = Some(MAX_MESSAGE);
    let mut ws =
        WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
    {
        let mut sessions = lock(&state.websockets);
        if sessions.len() >= MAX_SESSIONS {
            sessions.remove(0);
        }
        sessions.push(json!({
            "id": id, "path": path, "opened_at_ms": util::now_ms(), "open": true,
            "received": 0, "sent": 0, "close_code": null, "close_reason": null, "closed_by": null,
        }));
    }
    let (mut received, mut sent) = (0u64, 0u64);
    let mut tokens: Option<Tokens> = None;
    let (code, reason, by) = loop {
        let next_token = tokens.as_ref().map(|t| t.at);
        tokio::select! {
            msg = ws.next() => {
                let msg = match msg {
                    Some(Ok(m)) => m,
                    Some(Err(_)) | None => break (None, None, "dropped"),
                };
                received += u64::from(msg.is_text() || msg.is_binary());
                let reply = match msg {
                    Message::Text(text) => match command(text.as_str()) {
                        Some(Command::Close(code, reason)) => {
                            let frame = CloseFrame { code: CloseCode::from(code), reason: reason.clone().into() };
                            let _ = ws.send(Message::Close(Some(frame))).await;
                            // Wait for the client's answering close (or its going away).
                            while let Some(Ok(m)) = ws.next().await {
                                if m.is_close() { break; }
                            }
                            break (Some(code), Some(reason), "server");
                        }
                        Some(Command::Stream(t)) => { tokens = Some(t); None }
                        None => Some(Message::Text(text)),
                    },
                    Message::Binary(b) => Some(Message::Binary(b)),
                    Message::Close(frame) => {
                        let (c, r) = match frame {
                            Some(f) => (Some(u16::from(f.code)), Some(f.reason.to_string())),
                            None => (None, None),
                        };
                        // tungstenite answers the close itself; drain until it is sent.
                        while ws.next().await.is_some() {}
                        break (c, r, "client");
                    }
                    Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => None,
                };
                if let Some(reply) = reply {
                    if ws.send(reply).await.is_err() { break (None, None, "dropped"); }
                    sent += 1;
                }
            }
            _ = async { sleep_until(next_token.unwrap_or_else(Instant::now)).await }, if next_token.is_some() => {
                let Some(t) = tokens.as_mut() else { continue };
                let msg = match t.words.get(t.next) {
                    Some(w) => json!({"type": "token", "index": t.next, "text": w}),
                    None => json!({"type": "done", "tokens": t.words.len()}),
                };
                let done = t.next >= t.words.len();
                t.next += 1;
                t.at += t.interval;
                if done { tokens = None; }
                if ws.send(Message::Text(msg.to_string().into())).await.is_err() {
                    break (None, None, "dropped");
                }
                sent += 1;
            }
        }
    };
    let mut sessions = lock(&state.websockets);
    if let Some(s) = sessions.iter_mut().find(|s| s["id"] == id.as_str()) {
        s["open"] = json!(false);
        s["received"] = json!(received);
        s["sent"] = json!(sent);
        s["close_code"] = json!(code);
        s["close_reason"] = json!(reason);
        s["closed_by"] = json!(by);
        s["closed_at_ms"] = json!(util::now_ms());
    }
}

/// What a text command asks for.
enum Command {
    /// Close with this code and reason.
    Close(u16, String),
    /// Stream these tokens.
    Stream(Tokens),
}

/// Reads `{"mock": "close" | "stream", ...}`; anything else is a message to echo.
fn command(text: &str) -> Option<Command> {
    if !text.starts_with('{') {
        return None;
    }
    let v: Value = serde_json::from_str(text).ok()?;
    match v.get("mock")?.as_str()? {
        "close" => {
            let code = v.get("code").and_then(Value::as_u64).unwrap_or(1000);
            // Codes a close frame may carry (RFC 6455 7.4): not 1004-1006 or 1015.
            let code = u16::try_from(code)
                .ok()
                .filter(|c| matches!(c, 1000..=1003 | 1007..=1014 | 3000..=4999))?;
            let reason = v.get("reason").and_then(Value::as_str).unwrap_or("");
            Some(Command::Close(code, reason.chars().take(100).collect()))
        }
        "stream" => {
            let n = v.get("n").and_then(Value::as_u64).unwrap_or(5).min(10_000) as usize;
            let ms = v.get("interval_ms").and_then(Value::as_u64).unwrap_or(20);
            let text = v
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("Hello from the mock");
            let base: Vec<&str> = text.split_whitespace().collect();
            let words = (0..n)
                .map(|i| format!("{} ", base.get(i % base.len().max(1)).unwrap_or(&"token")))
                .collect();
            Some(Command::Stream(Tokens {
                words,
                next: 0,
                interval: Duration::from_millis(ms.min(60_000)),
                at: Instant::now(),
            }))
        }
        _ => None,
    }
}

/// `GET /__mock/websockets`: every recorded session, oldest first.
pub fn sessions(state: &State) -> Reply {
    Reply::json(
        StatusCode::OK,
        &Value::Array(lock(&state.websockets).clone()),
    )
}
