//! One `AbortController` per call: it carries the caller's `AbortSignal` and our own timeouts,
//! remembers why it fired, and aborts the request when dropped, so that a call or stream that is
//! abandoned never leaves a fetch running.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, ReadableStreamDefaultReader};

use super::codes::why;
use super::glue;
use super::timer::{timer_delay, Timeout, MAX_DELAY_MS};
use crate::core::error::{Error, ErrorKind};

/// Why a call was stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StopReason {
    /// The caller's signal fired, or the stream was closed by the caller.
    User,
    /// One of our timers fired; the code names which (`headers_timeout`, `idle_timeout`, ...).
    Timeout(&'static str, f64),
}

/// The timeout codes and the `why` code each stops a call with.
const TIMEOUTS: [(&str, u32); 3] = [
    ("deadline", why::DEADLINE),
    ("headers_timeout", why::HEADERS_TIMEOUT),
    ("idle_timeout", why::IDLE_TIMEOUT),
];

/// The `why` code the JS call state records for a timeout `code`.
pub(crate) fn why_of(code: &str) -> u32 {
    TIMEOUTS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(why::DEADLINE, |(_, n)| *n)
}

/// The call's state lives in JS (see `call.js`): the controller, why it stopped (the first
/// reason wins, whoever stops it: a timer, the caller's signal, Rust), the body reader to
/// cancel and the pending waits to reject.
pub(crate) struct Shared {
    pub(crate) js: JsValue,
    /// Why it stopped, once known (it never changes after that).
    reason: Cell<Option<StopReason>>,
}

impl Shared {
    fn stop(&self, reason: StopReason) {
        match reason {
            StopReason::User => glue::call_stop(&self.js, why::USER, 0.0),
            StopReason::Timeout(code, ms) => glue::call_stop(&self.js, why_of(code), ms),
        }
    }

    fn reason(&self) -> Option<StopReason> {
        if let Some(r) = self.reason.get() {
            return Some(r);
        }
        let reason = match glue::call_why(&self.js) {
            why::NONE => return None,
            why::USER => StopReason::User,
            n => {
                let code = TIMEOUTS
                    .iter()
                    .find(|(_, w)| *w == n)
                    .map_or("deadline", |(c, _)| *c);
                StopReason::Timeout(code, glue::call_ms(&self.js))
            }
        };
        self.reason.set(Some(reason));
        Some(reason)
    }
}

/// Owns the call's `AbortController`. Aborts on drop unless [`CallGuard::finish`] was called.
pub struct CallGuard {
    shared: Rc<Shared>,
    linked: bool,
    watched: Cell<bool>,
    finished: bool,
}

impl CallGuard {
    /// A guard linked to the caller's optional `signal`. Fails with an abort error at once when
    /// that signal has already fired.
    pub fn new(user_signal: Option<AbortSignal>) -> Result<CallGuard, Error> {
        CallGuard::linked(user_signal.into_iter())
    }

    /// A guard stopped by any of `signals` (a caller's signal, a batch's, a hedge's).
    pub fn linked(signals: impl Iterator<Item = AbortSignal>) -> Result<CallGuard, Error> {
        let js = glue::call_new().map_err(|_| no_abort_controller())?;
        let mut guard = CallGuard {
            shared: Rc::new(Shared {
                js,
                reason: Cell::new(None),
            }),
            linked: false,
            watched: Cell::new(false),
            finished: false,
        };
        for signal in signals {
            guard.linked = true;
            if !glue::call_link(&guard.shared.js, &signal) {
                return Err(aborted_error());
            }
        }
        Ok(guard)
    }

    /// The JS call state, for the request helpers.
    pub(crate) fn js(&self) -> &JsValue {
        &self.shared.js
    }

    /// The signal to hand to `fetch`.
    pub fn signal(&self) -> AbortSignal {
        glue::call_signal(&self.shared.js)
    }

    /// A handle that can stop the call without borrowing the guard (for `abort()` methods that
    /// run while a read holds the guard).
    pub fn stopper(&self) -> Stopper {
        Stopper(Rc::downgrade(&self.shared))
    }

    /// Stops the call for `reason` (the first reason given wins).
    pub fn stop(&self, reason: StopReason) {
        self.shared.stop(reason);
    }

    /// Why the call was stopped, if it was.
    pub fn reason(&self) -> Option<StopReason> {
        self.shared.reason()
    }

    /// Starts a timer that stops the call with a timeout `code` after `ms` milliseconds.
    /// The timer is cancelled when the returned value is dropped.
    pub fn arm(&self, ms: f64, code: &'static str) -> Timeout {
        match timer_delay(ms) {
            Some(delay) => {
                Timeout::from_handle(glue::call_arm(&self.shared.js, delay, why_of(code), ms))
            }
            None => Timeout::from_handle(JsValue::UNDEFINED),
        }
    }

    /// Waits `ms` milliseconds (at most [`MAX_DELAY_MS`]), or fails with the stop error as soon
    /// as the call is stopped.
    pub async fn sleep(&self, ms: f64) -> Result<(), Error> {
        let wait = glue::call_sleep(&self.shared.js, timer_delay(ms).unwrap_or(MAX_DELAY_MS));
        match wasm_bindgen_futures::JsFuture::from(wait).await {
            Ok(_) => Ok(()),
            Err(_) => Err(self.reason().map(stop_error).unwrap_or_else(aborted_error)),
        }
    }

    /// Registers the body reader so that stopping the call cancels it.
    pub fn watch_reader(&self, reader: &ReadableStreamDefaultReader) {
        self.watched.set(true);
        glue::call_watch(&self.shared.js, reader);
    }

    /// The error for a failure seen while this guard was live: a timeout or abort when the
    /// guard was stopped, else a connection error carrying what JS said.
    pub fn error_for(&self, js_error: &JsValue) -> Error {
        match self.reason() {
            Some(reason) => stop_error(reason),
            None => Error::new(ErrorKind::Connection, describe_js_error(js_error)),
        }
    }

    /// Marks the call complete: dropping the guard will no longer abort.
    pub fn finish(&mut self) {
        self.finished = true;
    }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        // A finished call with nothing linked or watched has nothing to undo in JS.
        if self.linked || self.watched.get() || !self.finished {
            glue::call_end(&self.shared.js, self.finished);
        }
    }
}

/// Stops a call from outside; does nothing once the call is gone.
#[derive(Clone)]
pub struct Stopper(std::rc::Weak<Shared>);

impl Stopper {
    /// Stops the call as if the caller's signal fired.
    pub fn stop(&self) {
        if let Some(shared) = self.0.upgrade() {
            shared.stop(StopReason::User);
        }
    }
}

/// The error where the runtime has no `AbortController`.
pub fn no_abort_controller() -> Error {
    Error::new(ErrorKind::Configuration, "AbortController is not available")
}

/// The error for a call stopped for `reason`.
pub fn stop_error(reason: StopReason) -> Error {
    match reason {
        StopReason::User => aborted_error(),
        StopReason::Timeout(code, ms) => {
            let what = match code {
                "headers_timeout" => "no response headers",
                "idle_timeout" => "no data",
                _ => "the request did not complete",
            };
            Error::new(
                ErrorKind::Timeout,
                format!("timed out: {what} within {} ms", ms.max(0.0) as u64),
            )
            .with_code(code)
        }
    }
}

fn aborted_error() -> Error {
    Error::new(ErrorKind::Aborted, "the request was aborted")
}

/// `message` of a JS error, with the `cause` Node's fetch hides the real reason in, and the
/// host or address it names (`fetch failed: ENOTFOUND (host nope.invalid)`,
/// `fetch failed: ECONNREFUSED (127.0.0.1:9)`): a URL's host is never the key.
pub fn describe_js_error(e: &JsValue) -> String {
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &JsValue::from_str(k)).ok();
    let mut msg = get(e, "message")
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "network error".to_string());
    if let Some(cause) = get(e, "cause").filter(|c| c.is_object()) {
        let detail = get(&cause, "code")
            .and_then(|c| c.as_string())
            .or_else(|| get(&cause, "message").and_then(|m| m.as_string()));
        if let Some(detail) = detail {
            msg.push_str(": ");
            msg.push_str(&detail);
        }
        let text = |k: &str| {
            get(&cause, k)
                .and_then(|v| v.as_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(host) = text("hostname") {
            msg.push_str(" (host ");
            msg.push_str(&host);
            msg.push(')');
        } else if let Some(address) = text("address") {
            let port = get(&cause, "port").and_then(|p| p.as_f64());
            msg.push_str(" (");
            msg.push_str(&address);
            if let Some(port) = port {
                msg.push(':');
                msg.push_str(&(port as u32).to_string());
            }
            msg.push(')');
        }
    }
    msg
}
