//! OpenAI-style response objects and SSE streams (`data: {json}\n\n` ... `data: [DONE]\n\n`).

use crate::reasoning::Thinking;
use crate::reply::{Kind, Piece, Stream};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// The stream terminator.
pub const DONE: &str = "data: [DONE]\n\n";

/// What the assistant answers.
pub enum Answer {
    /// Plain text, as tokens, with its finish reason.
    Text {
        /// The tokens.
        tokens: Vec<String>,
        /// "stop" or "length".
        finish: &'static str,
    },
    /// A call of one tool.
    Tool {
        /// `call_...` id.
        id: String,
        /// Function name.
        name: String,
        /// The arguments text, in the fragments it is streamed in.
        fragments: Vec<String>,
    },
}

impl Answer {
    /// How many tokens the answer counts as (for usage and pacing).
    pub fn len(&self) -> usize {
        match self {
            Answer::Text { tokens, .. } => tokens.len(),
            Answer::Tool { fragments, .. } => fragments.len() + 1,
        }
    }
}

/// The fields shared by every chunk of one response.
#[derive(Clone)]
pub struct Chunks {
    /// Response id.
    pub id: String,
    /// Unix seconds.
    pub created: u64,
    /// Model name as requested.
    pub model: String,
}

/// One SSE data event.
fn event(v: &Value) -> Vec<u8> {
    format!("data: {v}\n\n").into_bytes()
}

impl Chunks {
    /// A `chat.completion.chunk` event.
    pub fn chat(&self, delta: Value, finish: Option<&str>) -> Vec<u8> {
        event(&json!({
            "id": self.id, "object": "chat.completion.chunk", "created": self.created,
            "model": self.model, "system_fingerprint": null,
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
        }))
    }

    /// A `text_completion` event.
    pub fn completion(&self, text: &str, finish: Option<&str>) -> Vec<u8> {
        event(&json!({
            "id": self.id, "object": "text_completion", "created": self.created,
            "model": self.model,
            "choices": [{"text": text, "index": 0, "logprobs": null, "finish_reason": finish}],
        }))
    }

    /// The usage event: `choices: []` plus `usage`.
    pub fn usage(&self, object: &str, usage: &Value) -> Vec<u8> {
        event(&json!({
            "id": self.id, "object": object, "created": self.created, "model": self.model,
            "choices": [], "usage": usage,
        }))
    }
}

/// The first tool-call delta (id, type, name, empty arguments) and one per fragment.
fn tool_deltas(id: &str, name: &str, fragments: &[String]) -> Vec<Value> {
    let mut out = vec![json!({"tool_calls": [{
        "index": 0, "id": id, "type": "function",
        "function": {"name": name, "arguments": ""},
    }]})];
    out.extend(
        fragments
            .iter()
            .map(|f| json!({"tool_calls": [{"index": 0, "function": {"arguments": f}}]})),
    );
    out
}

/// The streamed chat completion: role chunk, the thinking's chunks (for a model that reasons),
/// content or tool-call chunks (one per `gap`), finish chunk, optional usage chunk, `[DONE]`.
pub fn chat_stream(
    c: &Chunks,
    thinking: Option<&Thinking>,
    answer: &Answer,
    gap: Duration,
    usage: Option<&Value>,
) -> Stream {
    let role = json!({"role": "assistant", "content": ""});
    let mut pieces = vec![Piece::new(Kind::Head, Duration::ZERO, c.chat(role, None))];
    for t in thinking
        .iter()
        .flat_map(|t| t.tokens.iter().map(move |s| (t.field, s)))
    {
        let delta = json!({ t.0: t.1 });
        pieces.push(Piece::new(Kind::Content, gap, c.chat(delta, None)));
    }
    let (deltas, finish) = match answer {
        Answer::Text { tokens, finish } => (
            tokens.iter().map(|t| json!({ "content": t })).collect(),
            *finish,
        ),
        Answer::Tool {
            id,
            name,
            fragments,
        } => (tool_deltas(id, name, fragments), "tool_calls"),
    };
    for d in deltas {
        pieces.push(Piece::new(Kind::Content, gap, c.chat(d, None)));
    }
    pieces.push(Piece::new(
        Kind::Tail,
        Duration::ZERO,
        c.chat(json!({}), Some(finish)),
    ));
    if let Some(u) = usage {
        let bytes = c.usage("chat.completion.chunk", u);
        pieces.push(Piece::new(Kind::Tail, Duration::ZERO, bytes));
    }
    pieces.push(Piece::new(Kind::Done, Duration::ZERO, DONE));
    let t = c.clone();
    Stream {
        pieces,
        sse: true,
        template: Some(Arc::new(move |s: &str| {
            t.chat(json!({ "content": s }), None)
        })),
    }
}

/// The streamed text completion: one chunk per token, a finish chunk, usage, `[DONE]`.
pub fn completion_stream(
    c: &Chunks,
    tokens: &[String],
    finish: &str,
    gap: Duration,
    usage: Option<&Value>,
) -> Stream {
    let mut pieces: Vec<Piece> = tokens
        .iter()
        .map(|t| Piece::new(Kind::Content, gap, c.completion(t, None)))
        .collect();
    pieces.push(Piece::new(
        Kind::Tail,
        Duration::ZERO,
        c.completion("", Some(finish)),
    ));
    if let Some(u) = usage {
        pieces.push(Piece::new(
            Kind::Tail,
            Duration::ZERO,
            c.usage("text_completion", u),
        ));
    }
    pieces.push(Piece::new(Kind::Done, Duration::ZERO, DONE));
    let t = c.clone();
    Stream {
        pieces,
        sse: true,
        template: Some(Arc::new(move |s: &str| t.completion(s, None))),
    }
}
