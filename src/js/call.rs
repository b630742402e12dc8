//! [`Requester`], what a `Baseten` client holds, and the one path every request takes: headers,
//! auth, timeouts, fetch, error classification, redaction.

use std::future::Future;
use std::pin::Pin;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use web_sys::Response;

use super::errors;
use super::options::Opts;
use crate::core::auth::{header_secret, ApiKey, AuthScheme};
#[cfg(feature = "full")]
use crate::core::batch::Budget;
use crate::core::error::{Error, ErrorKind, Result};
use crate::core::error_response;
use crate::core::options::{call, Field};
use crate::core::retry::{RetryHints, RetryPolicy};
use crate::core::url::Endpoint;
use crate::web::abort::CallGuard;
use crate::web::codes::{sent, to_json as to_json_code};
use crate::web::fetch::{self, Fetch, HttpRequest};
use crate::web::glue;
use crate::web::stream::ResponseStream;
use crate::web::timer::{now_ms, Timeout};
use std::cell::RefCell;
use std::rc::Rc;

/// Default overall deadline of a non-streaming call, and of the headers of a streaming one.
pub const DEFAULT_TIMEOUT_MS: f64 = 600_000.0;
/// Default longest silence between two chunks of a stream.
pub const DEFAULT_IDLE_TIMEOUT_MS: f64 = 300_000.0;

/// What a `Baseten` client holds behind its JS face: everything it was configured with,
/// validated, and the one path its requests take (headers, auth, timeouts, retries, error
/// classification, redaction). Shared (`Rc`) by the client and the streams it returns.
pub struct Requester {
    /// Where model routes go.
    pub endpoint: Endpoint,
    /// The OpenAI-compatible base URL, when set explicitly.
    pub openai_base: Option<String>,
    /// The API key, if any.
    pub key: Option<ApiKey>,
    /// How the key is sent.
    pub scheme: AuthScheme,
    /// Headers sent with every request.
    pub headers: Vec<(String, String)>,
    /// Which fetch to call.
    pub fetch: Fetch,
    /// The client's deadlines (a call may override each).
    pub timeouts: Timeouts,
    /// The client's retry policy (a call may override `maxRetries`).
    pub retry: RetryPolicy,
    /// The largest SSE event a stream accepts (the decoder's default when `None`).
    pub max_event_bytes: Option<usize>,
    /// The request headers as JS objects, built once per (body, accept) for calls without
    /// headers of their own.
    pub header_cache: RefCell<[Option<JsValue>; 6]>,
}

/// The three deadlines of a call, in milliseconds.
#[derive(Clone, Copy, Default)]
pub struct Timeouts {
    /// Overall deadline (for streams: until the last chunk).
    pub total: Option<f64>,
    /// Until the response headers arrive.
    pub headers: Option<f64>,
    /// Between two chunks of a streamed body, or of an error body.
    pub idle: Option<f64>,
}

impl Timeouts {
    fn or(self, other: Timeouts) -> Timeouts {
        Timeouts {
            total: self.total.or(other.total),
            headers: self.headers.or(other.headers),
            idle: self.idle.or(other.idle),
        }
    }
}

/// Per-call options common to every method: `signal`, timeouts, extra `headers`.
#[derive(Default)]
pub struct CallOpts {
    signals: Vec<web_sys::AbortSignal>,
    timeouts: Timeouts,
    headers: Vec<(String, String)>,
    max_retries: Option<u32>,
    /// Retries shared by the requests of one batch call.
    #[cfg(feature = "full")]
    pub retry_budget: Option<Rc<Budget>>,
    /// The control object of the call's `APIPromise` (see `api_promise.rs`), when it has one.
    pub api: Option<JsValue>,
}

impl CallOpts {
    /// Reads a per-call options object (`CallOptions`).
    pub fn read(value: &JsValue) -> Result<CallOpts> {
        if value.is_undefined() {
            return Ok(CallOpts::default());
        }
        CallOpts::from_opts(&Opts::new(value, call::TABLE)?)
    }

    /// Reads the `CallOptions` fields of an options object whose table extends it
    /// (`SyncOptions`, `AsyncPredictOptions`).
    pub fn from_opts(o: &Opts) -> Result<CallOpts> {
        Ok(CallOpts {
            signals: o.signal(call::SIGNAL).into_iter().collect(),
            timeouts: Timeouts {
                total: o.number(call::TIMEOUT_MS),
                headers: o.number(call::HEADERS_TIMEOUT_MS),
                idle: o.number(call::IDLE_TIMEOUT_MS),
            },
            headers: o.headers(call::HEADERS)?,
            max_retries: read_max_retries(o, call::MAX_RETRIES)?,
            #[cfg(feature = "full")]
            retry_budget: None,
            api: None,
        })
    }

    /// The caller's signals (a body read after the call, see `api_promise.rs`, still obeys them).
    pub fn signals(&self) -> &[web_sys::AbortSignal] {
        &self.signals
    }

    /// Whether a 2xx body the connection cut off is sent for again: only in a batch (its
    /// requests are the only ones with a retry budget), whose items must come back through
    /// resets and GOAWAYs as the performance client's do. Elsewhere the server did the work, and
    /// repeating a POST is the caller's choice: a typed connection error.
    fn retries_cut_body(&self) -> bool {
        #[cfg(feature = "full")]
        return self.retry_budget.is_some();
        #[cfg(not(feature = "full"))]
        false
    }
}

#[cfg(feature = "full")]
impl CallOpts {
    /// Options carrying only `signal` (for calls made on behalf of a helper such as polling).
    pub fn with_signal(signal: web_sys::AbortSignal) -> CallOpts {
        CallOpts {
            signals: vec![signal],
            timeouts: Timeouts::default(),
            headers: Vec::new(),
            max_retries: None,
            retry_budget: None,
            api: None,
        }
    }

    /// Options for one request of a batch: the batch's signal (plus a hedge's), the
    /// per-request timeout, the batch's headers, retries and retry budget.
    pub fn for_batch(
        signals: Vec<web_sys::AbortSignal>,
        timeouts: Timeouts,
        headers: Vec<(String, String)>,
        max_retries: u32,
        retry_budget: Rc<Budget>,
    ) -> CallOpts {
        CallOpts {
            signals,
            timeouts,
            headers,
            max_retries: Some(max_retries),
            retry_budget: Some(retry_budget),
            api: None,
        }
    }
}

/// Reads `maxRetries` (a whole number from 0 to 10).
pub fn read_max_retries(o: &Opts, field: &Field) -> Result<Option<u32>> {
    match o.number(field) {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && (0.0..=10.0).contains(&n) => Ok(Some(n as u32)),
        Some(_) => Err(Error::config(
            "maxRetries must be a whole number from 0 to 10",
        )),
    }
}

/// A response whose headers have arrived, with the guard and timers that still govern its body.
pub struct Started {
    /// The response (status 2xx).
    pub response: Response,
    /// Aborts the request when dropped.
    pub guard: CallGuard,
    /// The overall deadline, still running.
    pub deadline: Option<Timeout>,
    /// The idle timeout to apply between body chunks.
    pub idle_ms: Option<f64>,
    /// The response's request id, if any.
    pub request_id: Option<String>,
}

impl Started {
    /// The body as a stream, keeping the deadlines, the request id and the status.
    pub fn into_stream(self) -> ResponseStream {
        ResponseStream::new(
            &self.response,
            self.guard,
            self.deadline,
            self.idle_ms,
            self.request_id,
        )
    }
}

/// What a body is and how to ask for it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// A JSON answer.
    Json,
    /// A streamed answer: `*/*`, so servers do not gather the stream into one JSON value.
    Stream,
    /// Server-sent events.
    EventStream,
}

impl Accept {
    fn header(self) -> &'static str {
        match self {
            Accept::Json => "application/json",
            Accept::Stream => "*/*",
            Accept::EventStream => "text/event-stream",
        }
    }
}

impl Requester {
    /// The JS error for `err`, with the API key, and the secrets of credential headers among the
    /// client's `headers`, scrubbed from every text field.
    pub fn fail(&self, err: Error) -> JsValue {
        let mut err = match &self.key {
            Some(k) => err.redact(k.expose()),
            None => err,
        };
        for (name, value) in &self.headers {
            if let Some(secret) = header_secret(name, value) {
                err = err.redact(secret);
            }
        }
        errors::to_js(&err)
    }

    fn request_headers(
        &self,
        body: bool,
        accept: Accept,
        call: &CallOpts,
    ) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::with_capacity(4 + self.headers.len());
        if let Some(key) = &self.key {
            out.push(("authorization".into(), key.header_value(self.scheme)));
        }
        if body {
            out.push(("content-type".into(), "application/json".into()));
        }
        out.push(("accept".into(), accept.header().into()));
        for (name, value) in self.headers.iter().chain(call.headers.iter()) {
            out.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            out.push((name.clone(), value.clone()));
        }
        out
    }

    /// The request's headers as a JS object, and whether the request must copy it (a shared
    /// one, built once per client for calls without headers of their own).
    fn headers_js(&self, body: bool, accept: Accept, call: &CallOpts) -> (JsValue, bool) {
        let build = || {
            let flat = self
                .request_headers(body, accept, call)
                .into_iter()
                .flat_map(|(n, v)| [n, v])
                .collect();
            glue::headers_object(flat)
        };
        if !call.headers.is_empty() {
            return (build(), false);
        }
        let slot = usize::from(body) * 3 + accept as usize;
        let mut cache = self.header_cache.borrow_mut();
        let headers = cache[slot].get_or_insert_with(build).clone();
        (headers, true)
    }

    /// The retry loop: attempts until one succeeds (its outcome is left in the guard's JS
    /// state) or the policy gives up. A JSON call's 2xx body is read in the attempt: a body the
    /// connection cut off is retried like a reset in a batch (final elsewhere, see
    /// [`CallOpts::retries_cut_body`]), one that is not JSON is final. A non-2xx response is
    /// read and classified into a typed error. A streamed answer goes on with [`Sent::started`].
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&JsValue>,
        accept: Accept,
        call: &CallOpts,
    ) -> Result<Sent> {
        let mut timeouts = call.timeouts.or(self.timeouts);
        let streaming = accept != Accept::Json;
        // Only a stop the caller asked for (a signal, a timeout) needs the request itself
        // aborted; the default deadline of a JSON call just ends the wait.
        let signal = streaming
            || !call.signals.is_empty()
            || timeouts.total.is_some()
            || timeouts.headers.is_some()
            || timeouts.idle.is_some();
        if timeouts.total.is_none() && !streaming {
            timeouts.total = Some(DEFAULT_TIMEOUT_MS);
        }
        if streaming && timeouts.headers.is_none() && timeouts.total.is_none() {
            timeouts.headers = Some(DEFAULT_TIMEOUT_MS);
        }
        if streaming && timeouts.idle.is_none() {
            timeouts.idle = Some(DEFAULT_IDLE_TIMEOUT_MS);
        }
        let guard = CallGuard::linked(call.signals.iter().cloned())?;
        let deadline = timeouts.total.map(|ms| guard.arm(ms, "deadline"));
        let (headers, copy) = self.headers_js(body.is_some(), accept, call);
        let none = JsValue::UNDEFINED;
        let request = HttpRequest {
            method,
            url,
            headers: &headers,
            copy,
            body: body.unwrap_or(&none),
            signal,
            api: call.api.as_ref().unwrap_or(&none),
        }
        .to_js(&self.fetch, timeouts.headers, timeouts.idle, !streaming);
        let mut policy = self.retry;
        if let Some(n) = call.max_retries {
            policy.max_retries = n;
        }
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let (err, hints) = match self
                .attempt(&request, &guard, call.retries_cut_body())
                .await
            {
                Ok(kind) => {
                    return Ok(Sent {
                        kind,
                        guard,
                        deadline,
                        idle_ms: timeouts.idle,
                    })
                }
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Retry(err, hints)) => (err, hints),
            };
            let delay = policy.next_delay(attempt, &err, &hints, now_ms(), js_sys::Math::random());
            #[cfg(feature = "full")]
            let delay = delay.filter(|_| call.retry_budget.as_ref().is_none_or(|b| b.try_take()));
            let Some(delay) = delay else {
                return Err(Error {
                    attempts: attempt,
                    ..err
                });
            };
            if let Err(stop) = guard.sleep(delay).await {
                return Err(Error {
                    attempts: attempt,
                    ..stop
                });
            }
        }
    }

    /// One attempt: the outcome's kind if it succeeded, else its error and what it said about
    /// retrying. A stop (abort, timeout) while the attempt runs is reported as such.
    async fn attempt(
        &self,
        request: &JsValue,
        guard: &CallGuard,
        retry_cut_body: bool,
    ) -> std::result::Result<u32, Failure> {
        let kind = fetch::send(request, guard)
            .await
            .map_err(|e| Failure::Retry(e, RetryHints::default()))?;
        let js = guard.js();
        match kind {
            sent::VALUE | sent::RESPONSE => Ok(kind),
            sent::NOT_JSON => Err(Failure::Final(body_error(kind, guard))),
            // A 2xx body the connection cut off: in a batch retried like a reset before the
            // headers (a stop of the call is never retried).
            sent::BODY_FAILED if retry_cut_body => Err(Failure::Retry(
                body_error(kind, guard),
                RetryHints::default(),
            )),
            sent::BODY_FAILED => Err(Failure::Final(body_error(kind, guard))),
            sent::ERROR_STATUS => {
                let get = |name: &str| glue::sent_header(js, name);
                let hints = RetryHints {
                    retry_after_ms: get("retry-after-ms"),
                    retry_after: get("retry-after"),
                    should_retry: get("x-should-retry"),
                };
                let status = glue::sent_status(js);
                let text = glue::sent_text(js);
                let mut err =
                    error_response::from_response(status, glue::sent_request_id(js), &get, &text);
                err.should_retry = hints.should_retry_flag();
                Err(Failure::Retry(err, hints))
            }
            _ => Err(Failure::Retry(
                Error::new(
                    ErrorKind::Connection,
                    "fetch resolved to something that is not a Response",
                ),
                RetryHints::default(),
            )),
        }
    }

    /// A whole JSON call, its body a JS string: the parsed answer (`null` when empty; a string
    /// for a `text/plain` body that is not JSON). For calls without an `APIPromise` (`call.api`
    /// unset): the body is always read with the headers.
    pub async fn json(
        &self,
        method: &str,
        url: &str,
        body: Option<&JsValue>,
        call: &CallOpts,
    ) -> Result<JsValue> {
        let mut done = self.send(method, url, body, Accept::Json, call).await?;
        debug_assert_eq!(done.kind, sent::VALUE);
        done.guard.finish();
        Ok(glue::sent_value(done.guard.js()))
    }
}

/// The error of a JSON call's 2xx body that [`sent::NOT_JSON`] or [`sent::BODY_FAILED`] (`kind`)
/// describes, from the call state of `guard`.
pub(crate) fn body_error(kind: u32, guard: &CallGuard) -> Error {
    let js = guard.js();
    if kind != sent::NOT_JSON {
        return guard.error_for(&glue::sent_value(js));
    }
    let ctype = glue::sent_content_type(js);
    let mut e = Error::new(
        ErrorKind::Decode,
        format!("expected a JSON body, got invalid JSON ({ctype})"),
    );
    e.status = Some(glue::sent_status(js));
    e.request_id = glue::sent_request_id(js);
    e.body = Some(glue::sent_text(js));
    e
}

/// A successful attempt, with what still governs the rest of the call.
pub struct Sent {
    kind: u32,
    guard: CallGuard,
    deadline: Option<Timeout>,
    idle_ms: Option<f64>,
}

impl Sent {
    /// A JSON call's parsed answer, when its body was read with the headers; else (its
    /// `APIPromise` had not asked for the value yet) the call itself, its body unread.
    pub fn into_value(mut self) -> std::result::Result<JsValue, Sent> {
        if self.kind != sent::VALUE {
            return Err(self);
        }
        self.guard.finish();
        Ok(glue::sent_value(self.guard.js()))
    }

    /// The response whose headers have arrived, with the guard and timers of its body.
    pub fn started(self) -> Started {
        let js = self.guard.js();
        Started {
            response: glue::sent_response(js),
            request_id: glue::sent_request_id(js),
            guard: self.guard,
            deadline: self.deadline,
            idle_ms: self.idle_ms,
        }
    }
}

/// A failed attempt: retried if the policy says so, or final (a 2xx body that failed).
enum Failure {
    Retry(Error, RetryHints),
    Final(Error),
}

/// Runs `op` with the client and turns its outcome into a promise; every error, including
/// argument errors, rejects the promise (never throws synchronously) and is redacted.
#[cfg(feature = "full")]
pub fn spawn<F, Fut>(client: &Rc<Requester>, op: F) -> Promise
where
    F: FnOnce(Rc<Requester>) -> Fut,
    Fut: Future<Output = Result<JsValue>> + 'static,
{
    promise(client.clone(), op(client.clone()))
}

/// A call's future as a promise: the value, or the error redacted and made a JS `Error`. The
/// future is boxed so that one instantiation of the promise glue serves every method.
#[inline(always)]
pub fn promise(
    client: Rc<Requester>,
    fut: impl Future<Output = Result<JsValue>> + 'static,
) -> Promise {
    run_boxed(client, Box::pin(fut))
}

fn run_boxed(
    client: Rc<Requester>,
    fut: Pin<Box<dyn Future<Output = Result<JsValue>>>>,
) -> Promise {
    wasm_bindgen_futures::future_to_promise(async move { fut.await.map_err(|e| client.fail(e)) })
}

/// `JSON.stringify(value)`, refusing values that have no JSON form.
#[cfg(feature = "full")]
pub fn to_json(value: &JsValue, what: &str) -> Result<String> {
    to_json_js(value, what).map(|s| s.as_string().unwrap_or_default())
}

/// [`to_json`] left as a JS string (for a body sent as is).
pub fn to_json_js(value: &JsValue, what: &str) -> Result<JsValue> {
    let out = glue::to_json(value);
    if out.is_string() {
        return Ok(out);
    }
    if out.as_f64() == Some(f64::from(to_json_code::NO_JSON_FORM)) {
        return Err(Error::config(format!("{what} must be a JSON value")));
    }
    Err(Error::config(format!(
        "{what} cannot be serialised to JSON (a cycle or a BigInt?)"
    )))
}
