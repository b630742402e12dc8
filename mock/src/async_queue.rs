//! Async inference: `async_predict` submits, a background task walks the request through
//! QUEUED -> IN_PROGRESS -> SUCCEEDED/FAILED (or EXPIRED), then sends the signed webhook.

use crate::reply::{bad_request, baseten_error, Reply};
use crate::req::Req;
use crate::state::{lock, State};
use crate::{util, webhook};
use hyper::StatusCode;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// The model id the mock reports.
pub const MODEL_ID: &str = "mock-model";
/// The deployment id the mock reports.
pub const DEPLOYMENT_ID: &str = "mock-deployment";
/// Largest async request body (Baseten's limit).
const MAX_ASYNC_BODY: usize = 256 * 1024;

/// One async request.
#[derive(Clone, Debug)]
pub struct Job {
    /// QUEUED, IN_PROGRESS, SUCCEEDED, FAILED, EXPIRED or CANCELED.
    pub status: &'static str,
    /// PENDING, SUCCEEDED, FAILED, CANCELED or NO_WEBHOOK_PROVIDED.
    pub webhook_status: &'static str,
    /// Submission time.
    pub created_ms: u64,
    /// Time of the last status change.
    pub status_ms: u64,
    /// `[{code, message}]`.
    pub errors: Vec<Value>,
}

impl Job {
    /// Moves to a new status now.
    fn set(&mut self, status: &'static str) {
        self.status = status;
        self.status_ms = util::now_ms();
    }
}

/// What the background task will do with a request.
struct Plan {
    id: String,
    input: Value,
    webhook: Option<String>,
    queue: Duration,
    run: Duration,
    max_queue: Duration,
    fail: bool,
}

/// An optional integer field that must lie in `min..=max`.
fn ranged(obj: &Map<String, Value>, name: &str, min: u64, max: u64) -> Result<Option<u64>, String> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .filter(|n| (min..=max).contains(n))
            .map(Some)
            .ok_or_else(|| format!("'{name}' must be an integer between {min} and {max}")),
    }
}

/// Checks the body and makes the plan.
fn parse(req: &Req) -> Result<Plan, String> {
    let obj = req.json_object()?;
    let input = match obj.get("model_input") {
        Some(Value::Object(m)) => m.clone(),
        None | Some(Value::Null) => return Err("'model_input' is required".into()),
        Some(_) => return Err("'model_input' must be a JSON object".into()),
    };
    let webhook = match obj.get("webhook_endpoint") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.starts_with("http://") || s.starts_with("https://") => {
            Some(s.clone())
        }
        Some(_) => return Err("'webhook_endpoint' must be an http(s) URL".into()),
    };
    ranged(&obj, "priority", 0, 2)?;
    let max_queue = ranged(&obj, "max_time_in_queue_seconds", 10, 259_200)?.unwrap_or(600);
    match obj.get("inference_retry_config") {
        None | Some(Value::Null) => {}
        Some(Value::Object(rc)) => {
            ranged(rc, "max_attempts", 1, 10)?;
            ranged(rc, "initial_delay_ms", 0, 10_000)?;
            ranged(rc, "max_delay_ms", 0, 60_000)?;
        }
        Some(_) => return Err("'inference_retry_config' must be an object".into()),
    }
    let queue_ms = ranged(&input, "mock_queue_ms", 0, 600_000)?.unwrap_or(100);
    let run_ms = ranged(&input, "mock_run_ms", 0, 600_000)?.unwrap_or(200);
    Ok(Plan {
        id: util::new_id(),
        fail: input.get("fail") == Some(&Value::Bool(true)),
        input: Value::Object(input),
        webhook,
        queue: Duration::from_millis(queue_ms),
        run: Duration::from_millis(run_ms),
        max_queue: Duration::from_secs(max_queue),
    })
}

/// `POST P/async_predict`: validates, answers 201 `{"request_id"}` and starts the lifecycle.
pub fn submit(state: &Arc<State>, req: &Req) -> Reply {
    if req.body.len() > MAX_ASYNC_BODY {
        return baseten_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Async request body is over 256 KiB",
            "payload_too_large",
        );
    }
    let plan = match parse(req) {
        Ok(p) => p,
        Err(msg) => return bad_request(&msg),
    };
    let now = util::now_ms();
    let job = Job {
        status: "QUEUED",
        webhook_status: if plan.webhook.is_some() {
            "PENDING"
        } else {
            "NO_WEBHOOK_PROVIDED"
        },
        created_ms: now,
        status_ms: now,
        errors: Vec::new(),
    };
    lock(&state.jobs).insert(plan.id.clone(), job);
    let id = plan.id.clone();
    tokio::spawn(lifecycle(state.clone(), plan));
    Reply::json(StatusCode::CREATED, &json!({ "request_id": id }))
}

/// Runs one request through its states, then delivers the webhook.
async fn lifecycle(state: Arc<State>, plan: Plan) {
    let expired = plan.queue > plan.max_queue;
    tokio::time::sleep(plan.queue.min(plan.max_queue)).await;
    {
        let mut jobs = lock(&state.jobs);
        let Some(job) = jobs.get_mut(&plan.id) else {
            return;
        };
        if job.status != "QUEUED" {
            return; // canceled
        }
        if expired {
            job.set("EXPIRED");
            job.errors = vec![json!({"code": "EXPIRED", "message": "Request expired in queue"})];
        } else {
            job.set("IN_PROGRESS");
        }
    }
    if !expired {
        tokio::time::sleep(plan.run).await;
        let mut jobs = lock(&state.jobs);
        let Some(job) = jobs.get_mut(&plan.id) else {
            return;
        };
        if plan.fail {
            job.set("FAILED");
            job.errors = vec![json!({
                "code": "MODEL_PREDICT_ERROR",
                "message": "Mock model failed because model_input.fail was true",
            })];
        } else {
            job.set("SUCCEEDED");
        }
    }
    let Some(url) = plan.webhook.as_deref() else {
        return;
    };
    let (succeeded, errors) = match lock(&state.jobs).get(&plan.id) {
        Some(job) => (job.status == "SUCCEEDED", job.errors.clone()),
        None => return,
    };
    let payload = json!({
        "request_id": plan.id,
        "model_id": MODEL_ID,
        "deployment_id": DEPLOYMENT_ID,
        "type": "async_request_completed",
        "time": util::iso8601(util::now_ms()),
        "data": if succeeded { json!({ "output": plan.input }) } else { Value::Null },
        "errors": errors,
    });
    let body = payload.to_string().into_bytes();
    let ok = webhook::deliver(url, &body, &plan.id, &state.cfg.webhook_secret).await;
    if let Some(job) = lock(&state.jobs).get_mut(&plan.id) {
        job.webhook_status = if ok { "SUCCEEDED" } else { "FAILED" };
    }
}

/// The 404 for an unknown request id.
fn unknown(id: &str) -> Reply {
    let msg = format!("Async request {id} not found");
    baseten_error(StatusCode::NOT_FOUND, &msg, "client_error")
}

/// `GET /async_request/{id}`.
pub fn status(state: &State, id: &str) -> Reply {
    let Some(job) = lock(&state.jobs).get(id).cloned() else {
        return unknown(id);
    };
    Reply::json(
        StatusCode::OK,
        &json!({
            "request_id": id,
            "model_id": MODEL_ID,
            "deployment_id": DEPLOYMENT_ID,
            "status": job.status,
            "webhook_status": job.webhook_status,
            "created_at": util::iso8601(job.created_ms),
            "status_at": util::iso8601(job.status_ms),
            "errors": job.errors,
        }),
    )
}

/// `DELETE /async_request/{id}`: only a QUEUED request can be canceled.
pub fn cancel(state: &State, id: &str) -> Reply {
    let mut jobs = lock(&state.jobs);
    let Some(job) = jobs.get_mut(id) else {
        return unknown(id);
    };
    let (canceled, message) = if job.status == "QUEUED" {
        job.set("CANCELED");
        if job.webhook_status == "PENDING" {
            job.webhook_status = "CANCELED";
        }
        (true, "Request canceled".to_string())
    } else {
        let msg = format!("Request is {} and can no longer be canceled", job.status);
        (false, msg)
    };
    Reply::json(
        StatusCode::OK,
        &json!({"request_id": id, "canceled": canceled, "message": message}),
    )
}

/// `GET P/async_queue_status`: live counts.
pub fn queue_status(state: &State) -> Reply {
    let jobs = lock(&state.jobs);
    let count = |s: &str| jobs.values().filter(|j| j.status == s).count();
    Reply::json(
        StatusCode::OK,
        &json!({
            "model_id": MODEL_ID,
            "deployment_id": DEPLOYMENT_ID,
            "num_queued_requests": count("QUEUED"),
            "num_in_progress_requests": count("IN_PROGRESS"),
        }),
    )
}
