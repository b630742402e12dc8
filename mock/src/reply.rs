//! What a route answers: a status, headers and a full or streamed body, plus the error shapes.

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::body::{Body, Frame};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{HeaderMap, Response, StatusCode};
use serde_json::{json, Value};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// The body type of every response the mock sends.
pub type MockBody = BoxBody<Bytes, std::io::Error>;

/// JSON content type.
pub const JSON: &str = "application/json";
/// Server-sent events content type.
pub const SSE: &str = "text/event-stream; charset=utf-8";

/// What one piece of a streamed body is, so faults can cut or insert at sensible places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Before the content (e.g. the role-only chat chunk).
    Head,
    /// A piece of the answer itself.
    Content,
    /// After the content: finish and usage chunks.
    Tail,
    /// The `data: [DONE]` terminator.
    Done,
    /// Not data: drop the connection here, without the chunked terminator.
    Abort,
}

/// One piece of a streamed body, sent as its own HTTP chunk after `delay`.
#[derive(Clone, Debug)]
pub struct Piece {
    /// Wait before sending this piece.
    pub delay: Duration,
    /// The bytes of the piece.
    pub bytes: Vec<u8>,
    /// What the piece is.
    pub kind: Kind,
}

impl Piece {
    /// A piece of the given kind sent after `delay`.
    pub fn new(kind: Kind, delay: Duration, bytes: impl Into<Vec<u8>>) -> Self {
        Piece {
            delay,
            bytes: bytes.into(),
            kind,
        }
    }
}

/// Builds one content piece (an SSE event or raw bytes) carrying the given text.
pub type Template = Arc<dyn Fn(&str) -> Vec<u8> + Send + Sync>;

/// A streamed body.
#[derive(Clone)]
pub struct Stream {
    /// The pieces, in order.
    pub pieces: Vec<Piece>,
    /// Whether the stream is SSE (`data:` framing) rather than raw bytes.
    pub sse: bool,
    /// How to make a content piece with arbitrary text (used by some faults).
    pub template: Option<Template>,
}

/// A response body before it is sent.
#[derive(Clone)]
pub enum ReplyBody {
    /// All bytes at once (with a content-length).
    Full(Bytes),
    /// Chunked, piece by piece.
    Stream(Stream),
}

/// A route's answer.
#[derive(Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Headers, including content-type.
    pub headers: HeaderMap,
    /// Body.
    pub body: ReplyBody,
}

impl Reply {
    /// A full body with the given content type.
    pub fn bytes(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Self {
        Reply {
            status,
            headers: HeaderMap::new(),
            body: ReplyBody::Full(body.into()),
        }
        .with_header("content-type", content_type)
    }

    /// A JSON body.
    pub fn json(status: StatusCode, value: &Value) -> Self {
        Reply::bytes(status, JSON, value.to_string())
    }

    /// A streamed body.
    pub fn stream(status: StatusCode, content_type: &str, stream: Stream) -> Self {
        Reply {
            status,
            headers: HeaderMap::new(),
            body: ReplyBody::Stream(stream),
        }
        .with_header("content-type", content_type)
    }

    /// Sets a header (replacing any previous value); values that are not valid header text are skipped.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.set_header(name, value);
        self
    }

    /// Sets a header in place; invalid names or values are skipped.
    pub fn set_header(&mut self, name: &str, value: &str) {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.insert(n, v);
        }
    }

    /// The content type, or "" when none.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Turns the reply into a hyper response; a streamed body is fed by a background task.
    pub fn into_response(self) -> Response<MockBody> {
        let body = match self.body {
            ReplyBody::Full(b) => Full::new(b).map_err(|never| match never {}).boxed(),
            ReplyBody::Stream(s) => {
                let (tx, rx) = mpsc::channel(1);
                tokio::spawn(feed(s.pieces, tx));
                ChannelBody { rx }.boxed()
            }
        };
        let mut resp = Response::new(body);
        *resp.status_mut() = self.status;
        *resp.headers_mut() = self.headers;
        resp
    }
}

/// Sends the pieces into the body channel with their delays; stops when the client goes away
/// (during a delay too). Delays add up on one schedule (no drift at high token rates).
async fn feed(pieces: Vec<Piece>, tx: mpsc::Sender<Result<Bytes, std::io::Error>>) {
    let mut due = tokio::time::Instant::now();
    for p in pieces {
        if !p.delay.is_zero() {
            due += p.delay;
            tokio::select! {
                _ = tokio::time::sleep_until(due) => {}
                _ = tx.closed() => return,
            }
        }
        let item = match p.kind {
            Kind::Abort => Err(std::io::Error::other("mock: connection dropped mid-stream")),
            _ => Ok(Bytes::from(p.bytes)),
        };
        let abort = item.is_err();
        if tx.send(item).await.is_err() || abort {
            return;
        }
    }
}

/// A body read from a channel: each message is one data frame; an error aborts the connection.
struct ChannelBody {
    rx: mpsc::Receiver<Result<Bytes, std::io::Error>>,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        self.rx
            .poll_recv(cx)
            .map(|item| item.map(|r| r.map(Frame::data)))
    }
}

/// A Baseten gateway error: `{"error": message, "error_code": code}`.
pub fn baseten_error(status: StatusCode, message: &str, code: &str) -> Reply {
    Reply::json(status, &json!({"error": message, "error_code": code}))
}

/// A 400 in OpenAI's shape (`invalid_request_error`), naming the offending `param`.
pub fn openai_invalid(message: &str, param: Option<&str>) -> Reply {
    openai_error(
        StatusCode::BAD_REQUEST,
        message,
        "invalid_request_error",
        param,
    )
}

/// An OpenAI-style error: `{"error": {message, type, param, code}}`.
pub fn openai_error(status: StatusCode, message: &str, kind: &str, param: Option<&str>) -> Reply {
    Reply::json(
        status,
        &json!({"error": {"message": message, "type": kind, "param": param, "code": null}}),
    )
}

/// A FastAPI-style error: `{"detail": detail}`.
pub fn fastapi_error(status: StatusCode, detail: Value) -> Reply {
    Reply::json(status, &json!({ "detail": detail }))
}

/// A 400 for a bad request to a Baseten gateway endpoint.
pub fn bad_request(message: &str) -> Reply {
    baseten_error(StatusCode::BAD_REQUEST, message, "client_error")
}

/// The 404 for a path the mock does not serve.
pub fn not_found(method: &str, path: &str) -> Reply {
    let msg = format!("No route for {method} {path}");
    baseten_error(StatusCode::NOT_FOUND, &msg, "client_error")
}

/// The 405 for a known path asked with the wrong method.
pub fn method_not_allowed(allow: &str) -> Reply {
    baseten_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        "client_error",
    )
    .with_header("allow", allow)
}
