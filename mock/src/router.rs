//! URL routing: the Baseten path prefixes, then the endpoints under them.

use crate::reply::{method_not_allowed, not_found, Reply};
use crate::req::Req;
use crate::state::State;
use crate::{async_queue, embeddings, openai, predict, sync_routes, websocket};
use hyper::{Method, StatusCode};
use serde_json::json;
use std::sync::Arc;

/// Splits a path into its Baseten prefix (`environments/{env}`, `production`, `development`,
/// `deployment/{id}` or "" for the bare regional form) and the remaining segments.
pub fn split_prefix(path: &str) -> (String, Vec<&str>) {
    let trimmed = path.trim_start_matches('/');
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    let segs: Vec<&str> = if trimmed.is_empty() {
        Vec::new()
    } else {
        trimmed.split('/').collect()
    };
    match segs.as_slice() {
        ["environments", env, rest @ ..] if !env.is_empty() => {
            (format!("environments/{env}"), rest.to_vec())
        }
        [p @ ("production" | "development"), rest @ ..] => (p.to_string(), rest.to_vec()),
        ["deployment", id, rest @ ..] if !id.is_empty() => {
            (format!("deployment/{id}"), rest.to_vec())
        }
        _ => (String::new(), segs),
    }
}

/// Routes an authorized request to its endpoint.
pub async fn route(state: &Arc<State>, req: &Req) -> Reply {
    let (prefix, rest) = split_prefix(&req.path);
    let bare = prefix.is_empty();
    let m = &req.method;
    let post = *m == Method::POST;
    let get = *m == Method::GET;
    let reply = match rest.as_slice() {
        ["predict" | "run_remote"] if post => predict::predict(req),
        ["async_predict" | "async_run_remote"] if post => async_queue::submit(state, req),
        ["async_queue_status"] if get => async_queue::queue_status(state),
        ["wake"] if post => Reply::json(StatusCode::ACCEPTED, &json!({})),
        ["predict" | "run_remote" | "async_predict" | "async_run_remote" | "wake"] => {
            method_not_allowed("POST, OPTIONS")
        }
        ["async_queue_status"] => method_not_allowed("GET, OPTIONS"),
        ["websocket"] if get => websocket::accept(req),
        ["websocket"] => method_not_allowed("GET, OPTIONS"),
        ["sync", route @ ..] => sync_routes::route(state, req, route).await,
        ["async_request", id] if bare && get => async_queue::status(state, id),
        ["async_request", id] if bare && *m == Method::DELETE => async_queue::cancel(state, id),
        ["async_request", _] if bare => method_not_allowed("GET, DELETE, OPTIONS"),
        ["v1", route @ ..] if bare => openai::route(state, req, route).await,
        ["rerank"] if bare && post => embeddings::rerank(req),
        _ => not_found(m.as_str(), &req.path),
    };
    reply.with_header("x-mock-prefix", &prefix)
}

#[cfg(test)]
mod tests {
    use super::split_prefix;

    #[test]
    fn prefixes() {
        assert_eq!(
            split_prefix("/environments/staging/predict"),
            ("environments/staging".into(), vec!["predict"])
        );
        assert_eq!(
            split_prefix("/production/predict"),
            ("production".into(), vec!["predict"])
        );
        assert_eq!(
            split_prefix("/deployment/abc/sync/v1/models"),
            ("deployment/abc".into(), vec!["sync", "v1", "models"])
        );
        assert_eq!(split_prefix("/predict/"), ("".into(), vec!["predict"]));
        assert_eq!(split_prefix("/"), ("".into(), vec![]));
        assert_eq!(
            split_prefix("/environments//predict"),
            ("".into(), vec!["environments", "", "predict"])
        );
    }
}
