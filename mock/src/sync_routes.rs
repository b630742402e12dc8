//! `P/sync/{route}`: the mock's "custom server" behind Baseten's passthrough, FastAPI-style.
//! `/health`, `/items/{id}` (GET, POST, PUT, DELETE), `/rerank`, `/predict` (classify), `/predict_tokens` and the OpenAI `/v1/...` routes.

use crate::reply::{fastapi_error, Reply};
use crate::req::Req;
use crate::state::{lock, State};
use crate::{bei, embeddings, openai, util};
use hyper::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

/// Serves one passthrough route; the query string is echoed in `x-mock-query`.
pub async fn route(state: &Arc<State>, req: &Req, route: &[&str]) -> Reply {
    let reply = match route {
        ["health"] if req.method == Method::GET => {
            Reply::json(StatusCode::OK, &json!({"status": "ok"}))
        }
        ["items", id] => items(state, req, &util::pct_decode(id, false)),
        ["rerank"] if req.method == Method::POST => embeddings::rerank(req),
        ["predict"] if req.method == Method::POST => embeddings::classify(req),
        ["predict_tokens"] if req.method == Method::POST => bei::predict_tokens(req),
        ["v1", rest @ ..] => openai::route(state, req, rest).await,
        ["health"] | ["rerank"] | ["predict"] | ["predict_tokens"] => {
            fastapi_error(StatusCode::METHOD_NOT_ALLOWED, json!("Method Not Allowed"))
        }
        _ => fastapi_error(StatusCode::NOT_FOUND, json!("Not Found")),
    };
    reply.with_header("x-mock-query", &req.query)
}

/// `/items/{id}`: a tiny JSON store.
fn items(state: &State, req: &Req, id: &str) -> Reply {
    let m = &req.method;
    if *m == Method::GET {
        return match lock(&state.items).get(id) {
            Some(item) => Reply::json(StatusCode::OK, &json!({"id": id, "item": item})),
            None => fastapi_error(StatusCode::NOT_FOUND, json!("Item not found")),
        };
    }
    if *m == Method::DELETE {
        lock(&state.items).remove(id);
        return Reply::json(StatusCode::OK, &json!({"id": id, "deleted": true}));
    }
    if *m != Method::POST && *m != Method::PUT {
        return fastapi_error(StatusCode::METHOD_NOT_ALLOWED, json!("Method Not Allowed"));
    }
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => {
            let detail = json!([{
                "type": "json_invalid",
                "loc": ["body", e.column()],
                "msg": "JSON decode error",
                "input": {},
            }]);
            return fastapi_error(StatusCode::UNPROCESSABLE_ENTITY, detail);
        }
    };
    lock(&state.items).insert(id.to_string(), body.clone());
    let status = if *m == Method::POST {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Reply::json(status, &json!({"id": id, "item": body}))
}
