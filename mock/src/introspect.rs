//! The mock's own routes for tests (no auth, not recorded): `/__mock/requests`, `/__mock/last`,
//! `/__mock/reset`, `/__mock/webhooks`, `/__mock/webhook-sink`, `/__mock/websockets`,
//! `/__mock/health`.

use crate::reply::{baseten_error, method_not_allowed, not_found, Reply};
use crate::req::Req;
use crate::state::{lock, State};
use crate::{util, webhook, websocket};
use hyper::{Method, StatusCode};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// How many requests `/__mock/requests` lists when no key is given.
const DEFAULT_LIMIT: usize = 200;
/// How many received webhooks are kept.
const MAX_WEBHOOKS: usize = 1000;

/// Serves `/__mock/*`.
pub fn route(state: &Arc<State>, req: &Req) -> Reply {
    let name = req.path.trim_start_matches("/__mock/");
    let get = req.method == Method::GET;
    let post = req.method == Method::POST;
    match name {
        "requests" if get => requests(state, req),
        "last" if get => match lock(&state.log).last() {
            Some(entry) => Reply::json(StatusCode::OK, &entry),
            None => baseten_error(StatusCode::NOT_FOUND, "No request recorded", "client_error"),
        },
        "reset" if post => {
            lock(&state.log).clear();
            lock(&state.fail_counts).clear();
            lock(&state.webhooks).clear();
            lock(&state.items).clear();
            lock(&state.websockets).clear();
            Reply::json(StatusCode::OK, &json!({"ok": true}))
        }
        "webhooks" if get => {
            Reply::json(StatusCode::OK, &Value::Array(lock(&state.webhooks).clone()))
        }
        "webhook-sink" if post => sink(state, req),
        "websockets" if get => websocket::sessions(state),
        "health" if get => Reply::json(StatusCode::OK, &json!({"status": "ok"})),
        "requests" | "last" | "webhooks" | "websockets" | "health" => {
            method_not_allowed("GET, OPTIONS")
        }
        "reset" | "webhook-sink" => method_not_allowed("POST, OPTIONS"),
        _ => not_found(req.method.as_str(), &req.path),
    }
}

/// `GET /__mock/requests?key=K&limit=N`.
fn requests(state: &State, req: &Req) -> Reply {
    let key = req.param("key");
    let default = if key.is_some() {
        usize::MAX
    } else {
        DEFAULT_LIMIT
    };
    let limit = req
        .param("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(default);
    let list = lock(&state.log).list(key, limit);
    Reply::json(StatusCode::OK, &Value::Array(list))
}

/// `POST /__mock/webhook-sink`: keeps the webhook (raw body, headers, signature check).
fn sink(state: &State, req: &Req) -> Reply {
    let mut headers = Map::new();
    for (name, value) in &req.headers {
        let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
        headers.insert(name.as_str().to_string(), Value::String(v));
    }
    let signature = req.header("x-baseten-signature");
    let valid = signature.is_some_and(|s| webhook::verify(&state.cfg.webhook_secret, &req.body, s));
    let entry = json!({
        "received_at_ms": util::now_ms(),
        "path": req.path,
        "query": req.query,
        "headers": headers,
        "request_id": req.header("x-baseten-request-id"),
        "signature": signature,
        "signature_valid": valid,
        "body": String::from_utf8_lossy(&req.body),
        "json": serde_json::from_slice::<Value>(&req.body).unwrap_or(Value::Null),
    });
    let mut hooks = lock(&state.webhooks);
    if hooks.len() >= MAX_WEBHOOKS {
        hooks.remove(0);
    }
    hooks.push(entry);
    Reply::json(StatusCode::OK, &json!({"ok": true}))
}
