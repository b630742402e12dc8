//! OpenAI-compatible routes (`/v1/...` and `P/sync/v1/...`): chat completions (text or a tool
//! call, streamed or not), text completions, the Responses API (`responses.rs`), embeddings and
//! models.

use crate::openai_stream::{chat_stream, completion_stream, Answer, Chunks};
use crate::openai_text::{
    count_words, fragments, interval, opt_count, text_of, tokens, tool_arguments, FRAGMENT_CHARS,
    MAX_TOKENS,
};
use crate::reply::{openai_error, openai_invalid, Reply, SSE};
use crate::req::Req;
use crate::state::State;
use crate::util;
use crate::{embeddings, reasoning, responses};
use hyper::{Method, StatusCode};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// Serves `/v1/{rest}`.
pub async fn route(state: &Arc<State>, req: &Req, rest: &[&str]) -> Reply {
    let post = req.method == Method::POST;
    let get = req.method == Method::GET;
    match rest {
        ["chat", "completions"] if post => chat(state, req).await,
        ["completions"] if post => completions(state, req).await,
        ["responses"] if post => responses::responses(state, req).await,
        ["embeddings"] if post => embeddings::embeddings(req),
        ["models"] if get => embeddings::models(),
        ["models", id] if get => embeddings::model(&util::pct_decode(id, false)),
        ["chat", "completions"]
        | ["completions"]
        | ["responses"]
        | ["embeddings"]
        | ["models"]
        | ["models", _] => openai_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            "invalid_request_error",
            None,
        ),
        _ => {
            let msg = format!("Unknown request URL: {} {}", req.method, req.path);
            Reply::json(
                StatusCode::NOT_FOUND,
                &json!({"error": {"message": msg, "type": "invalid_request_error", "param": null, "code": "unknown_url"}}),
            )
        }
    }
}

/// A boxed 400 in OpenAI's shape (for `Result` errors).
fn bad(message: &str, param: Option<&str>) -> Box<Reply> {
    Box::new(openai_invalid(message, param))
}

/// The request's JSON object and the options chat and text completions share.
struct Common {
    obj: Map<String, Value>,
    model: String,
    max_tokens: Option<usize>,
    stream: bool,
    include_usage: bool,
    gap: Duration,
}

/// Reads the request's JSON object and the common options; Err is the 400 reply.
fn common(state: &State, req: &Req) -> Result<Common, Box<Reply>> {
    let obj = req.json_object().map_err(|msg| bad(&msg, None))?;
    let model = match obj.get("model") {
        Some(Value::String(m)) => m.clone(),
        None | Some(Value::Null) => "mock-model".to_string(),
        Some(_) => return Err(bad("'model' must be a string", Some("model"))),
    };
    let mut max_tokens = None;
    for name in ["max_completion_tokens", "max_tokens"] {
        let n = opt_count(&obj, name, MAX_TOKENS).map_err(|m| bad(&m, Some(name)))?;
        max_tokens = max_tokens.or(n);
    }
    let stream = match obj.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(bad("'stream' must be a boolean", Some("stream"))),
    };
    let include_usage = obj
        .get("stream_options")
        .and_then(|o| o.get("include_usage"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let gap = interval(state, req).map_err(|m| bad(&m, None))?;
    Ok(Common {
        obj,
        model,
        max_tokens,
        stream,
        include_usage,
        gap,
    })
}

/// Waits as long as generating `n` tokens takes (at most a day).
async fn pace(gap: Duration, n: usize) {
    let total = gap.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX));
    if total.is_zero() {
        return;
    }
    tokio::time::sleep(total.min(Duration::from_secs(86_400))).await;
}

/// `{"prompt_tokens", "completion_tokens", "total_tokens"}`.
fn usage(prompt: usize, completion: usize) -> Value {
    json!({"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion})
}

/// Decides the chat answer: a tool call when tools are offered (and not refused, and the last
/// message is not already a tool result), else text.
fn chat_answer(
    obj: &Map<String, Value>,
    messages: &[Value],
    max: Option<usize>,
    id: &str,
) -> Result<Answer, Box<Reply>> {
    let role_of = |m: &Value| {
        m.get("role")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let last_role = messages.last().map(role_of).unwrap_or_default();
    let user = messages
        .iter()
        .rev()
        .find(|m| role_of(m) == "user")
        .map(|m| text_of(m.get("content")))
        .unwrap_or_default();
    let tools = match obj.get("tools") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(t)) => t.clone(),
        Some(_) => return Err(bad("'tools' must be an array", Some("tools"))),
    };
    let choice = obj.get("tool_choice").cloned().unwrap_or(Value::Null);
    if !tools.is_empty() && choice != json!("none") && last_role != "tool" {
        let wanted = choice.pointer("/function/name").and_then(Value::as_str);
        let function = tools
            .iter()
            .filter_map(|t| t.get("function"))
            .find(|f| wanted.is_none() || f.get("name").and_then(Value::as_str) == wanted)
            .ok_or_else(|| bad("no matching function in 'tools'", Some("tools")))?;
        let name = function
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("tool function needs a 'name'", Some("tools")))?;
        return Ok(Answer::Tool {
            id: format!("call_{}", &util::short_hash(id, 24)),
            name: name.to_string(),
            fragments: fragments(&tool_arguments(function, &user), FRAGMENT_CHARS),
        });
    }
    let base = match obj.get("mock_reply").and_then(Value::as_str) {
        Some(reply) => reply.to_string(),
        None if last_role == "tool" => {
            let result = text_of(messages.last().and_then(|m| m.get("content")));
            format!("Got the tool result: {result}")
        }
        None => format!("Hello! You said: {user}"),
    };
    let (tokens, finish) = tokens(&base, max);
    Ok(Answer::Text { tokens, finish })
}

/// `POST /v1/chat/completions`.
async fn chat(state: &State, req: &Req) -> Reply {
    let c = match common(state, req) {
        Ok(c) => c,
        Err(reply) => return *reply,
    };
    let messages = match c.obj.get("messages") {
        Some(Value::Array(m)) if !m.is_empty() => m.clone(),
        _ => return openai_invalid("'messages' must be a non-empty array", Some("messages")),
    };
    let answer = match chat_answer(&c.obj, &messages, c.max_tokens, &req.id) {
        Ok(a) => a,
        Err(reply) => return *reply,
    };
    let prompt: usize = messages
        .iter()
        .map(|m| count_words(&text_of(m.get("content"))))
        .sum();
    let usage = usage(prompt, answer.len());
    let chunks = Chunks {
        id: format!("chatcmpl-{}", &req.id[..24]),
        created: util::now_secs(),
        model: c.model,
    };
    let thinking = reasoning::for_model(&chunks.model, &messages);
    if c.stream {
        let usage = c.include_usage.then_some(&usage);
        let stream = chat_stream(&chunks, thinking.as_ref(), &answer, c.gap, usage);
        return Reply::stream(StatusCode::OK, SSE, stream);
    }
    pace(c.gap, answer.len()).await;
    let (mut message, finish) = match &answer {
        Answer::Text { tokens, finish } => (
            json!({"role": "assistant", "content": tokens.concat(), "refusal": null}),
            *finish,
        ),
        Answer::Tool {
            id,
            name,
            fragments,
        } => (
            json!({"role": "assistant", "content": null, "tool_calls": [{
                "id": id, "type": "function",
                "function": {"name": name, "arguments": fragments.concat()},
            }]}),
            "tool_calls",
        ),
    };
    if let Some(t) = &thinking {
        message[t.field] = Value::String(t.text());
    }
    Reply::json(
        StatusCode::OK,
        &json!({
            "id": chunks.id, "object": "chat.completion", "created": chunks.created,
            "model": chunks.model, "system_fingerprint": null,
            "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish}],
            "usage": usage,
        }),
    )
}

/// `POST /v1/completions`.
async fn completions(state: &State, req: &Req) -> Reply {
    let c = match common(state, req) {
        Ok(c) => c,
        Err(reply) => return *reply,
    };
    let prompt = match c.obj.get("prompt") {
        Some(Value::String(p)) => p.clone(),
        Some(Value::Array(a)) if a.iter().all(Value::is_string) && !a.is_empty() => {
            a[0].as_str().unwrap_or("").to_string()
        }
        _ => return openai_invalid("'prompt' must be a string", Some("prompt")),
    };
    let base = match c.obj.get("mock_reply").and_then(Value::as_str) {
        Some(reply) => reply.to_string(),
        None => format!("Hello! You said: {prompt}"),
    };
    let (tokens, finish) = tokens(&base, c.max_tokens);
    let usage = usage(count_words(&prompt), tokens.len());
    let chunks = Chunks {
        id: format!("cmpl-{}", &req.id[..24]),
        created: util::now_secs(),
        model: c.model,
    };
    if c.stream {
        let usage = c.include_usage.then_some(&usage);
        let stream = completion_stream(&chunks, &tokens, finish, c.gap, usage);
        return Reply::stream(StatusCode::OK, SSE, stream);
    }
    pace(c.gap, tokens.len()).await;
    Reply::json(
        StatusCode::OK,
        &json!({
            "id": chunks.id, "object": "text_completion", "created": chunks.created,
            "model": chunks.model,
            "choices": [{"text": tokens.concat(), "index": 0, "logprobs": null, "finish_reason": finish}],
            "usage": usage,
        }),
    )
}
