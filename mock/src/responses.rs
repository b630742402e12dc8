//! `POST /v1/responses` (and `P/sync/v1/responses`): the Responses API, streamed or not.
//!
//! * The reply is text ("Hello! You said: ..." cycled to `max_output_tokens`, or `mock_reply`),
//!   or a function call when `tools` holds a function (flat Responses shape or the chat shape
//!   `{"function": {...}}`), `tool_choice` is not `"none"` and the last input item is not a
//!   `function_call_output` (then the text says "Got the tool result: ...").
//! * A model whose name contains "reason" or "think" first sends a reasoning item (reasoning
//!   text and a summary).
//! * `max_output_tokens` below the reply's length ends with `response.incomplete`
//!   (`incomplete_details.reason: "max_output_tokens"`), else `response.completed`.
//! * Streams have `event: TYPE` lines; with `"mock_bridge": true` in the body, or a model name
//!   containing "bridge", they are sent as bridging gateways do: `data:` lines only, then
//!   `data: [DONE]`.
//! * Faults (`x-mock-fault`): the usual ones; on a Responses stream `error-event` sends a
//!   Responses `error` event, `response-failed` a `response.failed` event, both mid-way and in
//!   place of the end, and `truncate` cuts before the terminal event.

use crate::openai_text::{
    count_words, fragments, interval, opt_count, text_of, tokens, tool_arguments, FRAGMENT_CHARS,
    MAX_TOKENS,
};
use crate::reply::{openai_invalid, Kind, Piece, Reply, Stream, SSE};
use crate::req::Req;
use crate::state::State;
use crate::util;
use hyper::StatusCode;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// One output item, with the pieces its deltas are streamed in.
enum Item {
    Reasoning {
        text: Vec<String>,
        summary: Vec<String>,
    },
    Message {
        tokens: Vec<String>,
    },
    Call {
        name: String,
        call_id: String,
        fragments: Vec<String>,
    },
}

impl Item {
    /// The finished item as the final Response lists it.
    fn done(&self, id: &str) -> Value {
        match self {
            Item::Reasoning { text, summary } => json!({
                "id": id, "type": "reasoning", "status": "completed",
                "summary": [{"type": "summary_text", "text": summary.concat()}],
                "content": [{"type": "reasoning_text", "text": text.concat()}],
            }),
            Item::Message { tokens } => json!({
                "id": id, "type": "message", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": tokens.concat(), "annotations": []}],
            }),
            Item::Call {
                name,
                call_id,
                fragments,
            } => json!({
                "id": id, "type": "function_call", "status": "completed", "call_id": call_id,
                "name": name, "arguments": fragments.concat(),
            }),
        }
    }

    /// The item as `response.output_item.added` announces it.
    fn added(&self, id: &str) -> Value {
        let mut v = self.done(id);
        v["status"] = json!("in_progress");
        match self {
            Item::Reasoning { .. } => {
                v["summary"] = json!([]);
                v["content"] = json!([]);
            }
            Item::Message { .. } => v["content"] = json!([]),
            Item::Call { .. } => v["arguments"] = json!(""),
        }
        v
    }

    fn tokens(&self) -> usize {
        match self {
            Item::Reasoning { text, summary } => text.len() + summary.len(),
            Item::Message { tokens } => tokens.len(),
            Item::Call { fragments, .. } => fragments.len() + 1,
        }
    }
}

/// The text of the last `user` input, and the output of a trailing `function_call_output`.
fn read_input(input: &Value) -> (String, Option<String>) {
    let Value::Array(items) = input else {
        return (input.as_str().unwrap_or("").to_string(), None);
    };
    let user = items
        .iter()
        .rev()
        .find(|i| i.get("role").and_then(Value::as_str) == Some("user"))
        .map(|i| text_of(i.get("content")))
        .unwrap_or_default();
    let tool = items
        .last()
        .filter(|i| i.get("type").and_then(Value::as_str) == Some("function_call_output"))
        .map(|i| match i.get("output") {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        });
    (user, tool)
}

/// The function tool to call, if any: `Err` is the 400 message.
fn pick_tool(obj: &Map<String, Value>) -> Result<Option<Value>, &'static str> {
    let tools = match obj.get("tools") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(t)) => t,
        Some(_) => return Err("'tools' must be an array"),
    };
    let choice = obj.get("tool_choice").cloned().unwrap_or(Value::Null);
    if tools.is_empty() || choice == json!("none") {
        return Ok(None);
    }
    let wanted = choice.get("name").and_then(Value::as_str);
    let function = tools
        .iter()
        .map(|t| t.get("function").unwrap_or(t))
        .filter(|f| f.get("name").and_then(Value::as_str).is_some())
        .find(|f| wanted.is_none() || f.get("name").and_then(Value::as_str) == wanted);
    match function {
        Some(f) => Ok(Some(f.clone())),
        None => Err("no matching function in 'tools'"),
    }
}

/// `POST /v1/responses`.
pub async fn responses(state: &Arc<State>, req: &Req) -> Reply {
    let obj = match req.json_object() {
        Ok(o) => o,
        Err(msg) => return openai_invalid(&msg, None),
    };
    let model = match obj.get("model") {
        Some(Value::String(m)) => m.clone(),
        None | Some(Value::Null) => "mock-model".to_string(),
        Some(_) => return openai_invalid("'model' must be a string", Some("model")),
    };
    let Some(input) = obj.get("input").filter(|i| i.is_string() || i.is_array()) else {
        return openai_invalid("'input' must be a string or an array", Some("input"));
    };
    let max = match opt_count(&obj, "max_output_tokens", MAX_TOKENS) {
        Ok(n) => n,
        Err(m) => return openai_invalid(&m, Some("max_output_tokens")),
    };
    let stream = match obj.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return openai_invalid("'stream' must be a boolean", Some("stream")),
    };
    let gap = match interval(state, req) {
        Ok(g) => g,
        Err(m) => return openai_invalid(&m, None),
    };
    let (user, tool_result) = read_input(input);
    let tool = match pick_tool(&obj) {
        Ok(t) => t.filter(|_| tool_result.is_none()),
        Err(msg) => return openai_invalid(msg, Some("tools")),
    };
    let lower = model.to_ascii_lowercase();
    let mut items = Vec::new();
    if lower.contains("reason") || lower.contains("think") {
        items.push(Item::Reasoning {
            text: tokens(&format!("Thinking about: {user}"), Some(6)).0,
            summary: tokens(&format!("The user said {user}"), Some(4)).0,
        });
    }
    let mut incomplete = false;
    items.push(match tool {
        Some(f) => Item::Call {
            name: f
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            call_id: format!("call_{}", util::short_hash(&req.id, 24)),
            fragments: fragments(&tool_arguments(&f, &user), FRAGMENT_CHARS),
        },
        None => {
            let base = match (obj.get("mock_reply").and_then(Value::as_str), &tool_result) {
                (Some(reply), _) => reply.to_string(),
                (None, Some(result)) => format!("Got the tool result: {result}"),
                (None, None) => format!("Hello! You said: {user}"),
            };
            let (tokens, finish) = tokens(&base, max);
            incomplete = finish == "length";
            Item::Message { tokens }
        }
    });
    let bridge =
        obj.get("mock_bridge").and_then(Value::as_bool) == Some(true) || lower.contains("bridge");
    let input_tokens = count_words(&user);
    let output_tokens: usize = items.iter().map(Item::tokens).sum();
    let r = Resp {
        id: format!("resp_{}", &req.id[..24]),
        created: util::now_secs(),
        model,
        max,
        usage: json!({"input_tokens": input_tokens, "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens}),
        incomplete,
    };
    if stream {
        return Reply::stream(StatusCode::OK, SSE, r.stream(&items, gap, bridge));
    }
    let total = gap.saturating_mul(u32::try_from(output_tokens).unwrap_or(u32::MAX));
    tokio::time::sleep(total.min(Duration::from_secs(86_400))).await;
    let done: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, it)| it.done(&r.item_id(i)))
        .collect();
    Reply::json(StatusCode::OK, &r.object(r.status(), done, true))
}

/// What every event of one response shares.
struct Resp {
    id: String,
    created: u64,
    model: String,
    max: Option<usize>,
    usage: Value,
    incomplete: bool,
}

impl Resp {
    fn item_id(&self, i: usize) -> String {
        format!("item_{}_{i}", &self.id[5..17])
    }

    fn status(&self) -> &'static str {
        if self.incomplete {
            "incomplete"
        } else {
            "completed"
        }
    }

    /// The Response object; `usage` only when it is finished.
    fn object(&self, status: &str, output: Vec<Value>, finished: bool) -> Value {
        let details = if status == "incomplete" {
            json!({"reason": "max_output_tokens"})
        } else {
            Value::Null
        };
        json!({
            "id": self.id, "object": "response", "created_at": self.created, "status": status,
            "model": self.model, "output": output, "error": null, "incomplete_details": details,
            "max_output_tokens": self.max, "parallel_tool_calls": true,
            "usage": if finished { self.usage.clone() } else { Value::Null },
        })
    }

    /// The event stream: created, in_progress, each item's events, the terminal event.
    fn stream(&self, items: &[Item], gap: Duration, bridge: bool) -> Stream {
        let mut ev = Events {
            pieces: Vec::new(),
            seq: 0,
            bridge,
        };
        let start = self.object("in_progress", Vec::new(), false);
        ev.add(
            Kind::Head,
            Duration::ZERO,
            json!({"type": "response.created", "response": start}),
        );
        ev.add(
            Kind::Head,
            Duration::ZERO,
            json!({"type": "response.in_progress", "response": start}),
        );
        let mut done = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let id = self.item_id(i);
            let at = json!({"item_id": id, "output_index": i});
            let with = |kind: &str, extra: Value| {
                let mut v = at.clone();
                v["type"] = json!(kind);
                if let (Some(v), Value::Object(extra)) = (v.as_object_mut(), extra) {
                    v.extend(extra);
                }
                v
            };
            ev.add(
                Kind::Head,
                Duration::ZERO,
                json!({"type": "response.output_item.added",
                "output_index": i, "item": item.added(&id)}),
            );
            match item {
                Item::Reasoning { text, summary } => {
                    let part = json!({"type": "summary_text", "text": ""});
                    ev.add(
                        Kind::Head,
                        Duration::ZERO,
                        with(
                            "response.reasoning_summary_part.added",
                            json!({"summary_index": 0, "part": part}),
                        ),
                    );
                    for s in summary {
                        ev.add(
                            Kind::Content,
                            gap,
                            with(
                                "response.reasoning_summary_text.delta",
                                json!({"summary_index": 0, "delta": s}),
                            ),
                        );
                    }
                    let all = summary.concat();
                    ev.add(
                        Kind::Tail,
                        Duration::ZERO,
                        with(
                            "response.reasoning_summary_text.done",
                            json!({"summary_index": 0, "text": all}),
                        ),
                    );
                    ev.add(Kind::Tail, Duration::ZERO, with("response.reasoning_summary_part.done", json!({"summary_index": 0, "part": {"type": "summary_text", "text": all}})));
                    for t in text {
                        ev.add(
                            Kind::Content,
                            gap,
                            with(
                                "response.reasoning_text.delta",
                                json!({"content_index": 0, "delta": t}),
                            ),
                        );
                    }
                    ev.add(
                        Kind::Tail,
                        Duration::ZERO,
                        with(
                            "response.reasoning_text.done",
                            json!({"content_index": 0, "text": text.concat()}),
                        ),
                    );
                }
                Item::Message { tokens } => {
                    let part = json!({"type": "output_text", "text": "", "annotations": []});
                    ev.add(
                        Kind::Head,
                        Duration::ZERO,
                        with(
                            "response.content_part.added",
                            json!({"content_index": 0, "part": part}),
                        ),
                    );
                    for t in tokens {
                        ev.add(
                            Kind::Content,
                            gap,
                            with(
                                "response.output_text.delta",
                                json!({"content_index": 0, "delta": t}),
                            ),
                        );
                    }
                    let all = tokens.concat();
                    ev.add(
                        Kind::Tail,
                        Duration::ZERO,
                        with(
                            "response.output_text.done",
                            json!({"content_index": 0, "text": all}),
                        ),
                    );
                    ev.add(
                        Kind::Tail,
                        Duration::ZERO,
                        with(
                            "response.content_part.done",
                            json!({"content_index": 0,
                        "part": {"type": "output_text", "text": all, "annotations": []}}),
                        ),
                    );
                }
                Item::Call { fragments, .. } => {
                    for f in fragments {
                        ev.add(
                            Kind::Content,
                            gap,
                            with(
                                "response.function_call_arguments.delta",
                                json!({"delta": f}),
                            ),
                        );
                    }
                    ev.add(
                        Kind::Tail,
                        Duration::ZERO,
                        with(
                            "response.function_call_arguments.done",
                            json!({"arguments": fragments.concat()}),
                        ),
                    );
                }
            }
            let finished = item.done(&id);
            ev.add(
                Kind::Tail,
                Duration::ZERO,
                json!({"type": "response.output_item.done", "output_index": i, "item": finished}),
            );
            done.push(finished);
        }
        let kind = format!("response.{}", self.status());
        ev.add(
            Kind::Tail,
            Duration::ZERO,
            json!({"type": kind, "response": self.object(self.status(), done, true)}),
        );
        if bridge {
            ev.pieces
                .push(Piece::new(Kind::Done, Duration::ZERO, "data: [DONE]\n\n"));
        }
        let id = self.item_id(items.len().saturating_sub(1));
        Stream {
            pieces: ev.pieces,
            sse: true,
            template: Some(Arc::new(move |s: &str| {
                sse(
                    &json!({"type": "response.output_text.delta", "item_id": id,
                    "output_index": 0, "content_index": 0, "delta": s}),
                    bridge,
                )
            })),
        }
    }
}

/// Builds the pieces of a stream, numbering the events.
struct Events {
    pieces: Vec<Piece>,
    seq: u64,
    bridge: bool,
}

impl Events {
    fn add(&mut self, kind: Kind, delay: Duration, mut v: Value) {
        v["sequence_number"] = json!(self.seq);
        self.seq += 1;
        self.pieces
            .push(Piece::new(kind, delay, sse(&v, self.bridge)));
    }
}

/// One event: `event: TYPE` (unless bridged) and `data: JSON`.
fn sse(v: &Value, bridge: bool) -> Vec<u8> {
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
    if bridge {
        format!("data: {v}\n\n").into_bytes()
    } else {
        format!("event: {kind}\ndata: {v}\n\n").into_bytes()
    }
}

/// Whether a stream is a Responses stream (its first event is `response.created`).
pub fn is_responses(s: &Stream) -> bool {
    s.pieces
        .first()
        .is_some_and(|p| p.bytes.windows(18).any(|w| w == b"\"response.created\""))
}

/// The events the `error-event` and `response-failed` faults put in a Responses stream.
pub fn fault_event(failed: bool, bridged: bool) -> Vec<u8> {
    let v = if failed {
        json!({"type": "response.failed", "response": {"object": "response", "status": "failed",
            "output": [], "error": {"code": "server_error", "message": "boom"}}})
    } else {
        json!({"type": "error", "code": "server_error", "message": "boom", "param": null})
    };
    sse(&v, bridged)
}
