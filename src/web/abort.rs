//! One `AbortController` per call: it carries the caller's `AbortSignal` and our own timeouts,
//! remembers why it fired, and aborts the request when dropped, so that a call or stream that is
//! abandoned never leaves a fetch running.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal, ReadableStreamDefaultReader};

use super::timer::Timeout;
use crate::core::error::{Error, ErrorKind};

/// Why a call was stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StopReason {
    /// The caller's signal fired, or the stream was closed by the caller.
    User,
    /// One of our timers fired; the code names which (`headers_timeout`, `idle_timeout`, ...).
    Timeout(&'static str, f64),
}

struct Shared {
    controller: AbortController,
    reason: Cell<Option<StopReason>>,
    /// Rejecters of the promises handed out by [`CallGuard::stopped`].
    waiters: RefCell<Vec<Function>>,
    /// The body reader, cancelled on stop so a pending read ends even if the fetch that made
    /// the body ignores the signal.
    reader: RefCell<Option<ReadableStreamDefaultReader>>,
}

impl Shared {
    fn stop(&self, reason: StopReason) {
        if self.reason.get().is_some() {
            return;
        }
        self.reason.set(Some(reason));
        self.controller.abort();
        if let Some(reader) = self.reader.borrow_mut().take() {
            // On an errored stream `cancel()` rejects with the abort reason: mark it handled.
            ignore_rejection(&reader.cancel());
        }
        for reject in self.waiters.take() {
            let _ = reject.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Owns the call's `AbortController`. Aborts on drop unless [`CallGuard::finish`] was called.
pub struct CallGuard {
    shared: Rc<Shared>,
    user: Vec<(AbortSignal, Closure<dyn FnMut()>)>,
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
        let controller = AbortController::new().map_err(|_| {
            Error::new(ErrorKind::Configuration, "AbortController is not available")
        })?;
        let shared = Rc::new(Shared {
            controller,
            reason: Cell::new(None),
            waiters: RefCell::new(Vec::new()),
            reader: RefCell::new(None),
        });
        let mut guard = CallGuard {
            shared,
            user: Vec::new(),
            finished: false,
        };
        for signal in signals {
            if signal.aborted() {
                return Err(aborted_error());
            }
            let weak = Rc::downgrade(&guard.shared);
            let listener = Closure::<dyn FnMut()>::new(move || {
                if let Some(shared) = weak.upgrade() {
                    shared.stop(StopReason::User);
                }
            });
            let _ =
                signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
            guard.user.push((signal, listener));
        }
        Ok(guard)
    }

    /// The signal to hand to `fetch`.
    pub fn signal(&self) -> AbortSignal {
        self.shared.controller.signal()
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
        self.shared.reason.get()
    }

    /// Starts a timer that stops the call with a timeout `code` after `ms` milliseconds.
    /// The timer is cancelled when the returned value is dropped.
    pub fn arm(&self, ms: f64, code: &'static str) -> Timeout {
        let weak = Rc::downgrade(&self.shared);
        Timeout::new(ms, move || {
            if let Some(shared) = weak.upgrade() {
                shared.stop(StopReason::Timeout(code, ms));
            }
        })
    }

    /// A promise that rejects when the call is stopped, to race once against a step that may
    /// not observe the signal (an injected fetch may ignore it, a sleep does not know it).
    pub fn stopped(&self) -> Promise {
        let shared = Rc::downgrade(&self.shared);
        Promise::new(&mut |_resolve, reject: Function| match shared.upgrade() {
            Some(s) if s.reason.get().is_none() => s.waiters.borrow_mut().push(reject),
            _ => {
                let _ = reject.call0(&JsValue::UNDEFINED);
            }
        })
    }

    /// Waits `ms` milliseconds, or fails with the stop error as soon as the call is stopped.
    pub async fn sleep(&self, ms: f64) -> Result<(), Error> {
        let (promise, _timer) = super::timer::delay(ms);
        let raced = Promise::race(&js_sys::Array::of2(&promise, &self.stopped()));
        match wasm_bindgen_futures::JsFuture::from(raced).await {
            Ok(_) => Ok(()),
            Err(_) => Err(self.reason().map(stop_error).unwrap_or_else(aborted_error)),
        }
    }

    /// Registers the body reader so that stopping the call cancels it.
    pub fn watch_reader(&self, reader: &ReadableStreamDefaultReader) {
        *self.shared.reader.borrow_mut() = Some(reader.clone());
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
        for (signal, listener) in self.user.drain(..) {
            let _ = signal
                .remove_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        }
        if !self.finished {
            self.shared.stop(StopReason::User);
        }
        self.shared.waiters.borrow_mut().clear();
        self.shared.reader.borrow_mut().take();
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

thread_local! {
    static NOOP: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

/// Attaches a do-nothing rejection handler, so that a promise whose failure is expected and
/// reported elsewhere does not surface as an unhandled rejection (fatal in Node).
pub fn ignore_rejection(promise: &Promise) {
    NOOP.with(|noop| {
        let _ = promise.catch(noop);
    });
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

/// `message` of a JS error, with the `cause` Node's fetch hides the real reason in.
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
    }
    msg
}
