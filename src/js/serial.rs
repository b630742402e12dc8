//! Runs a stream's async operations one after another, so that overlapping `next()` calls (a
//! misuse, but a possible one) queue instead of racing over the same reader.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// Boxed so that one instantiation serves every stream operation.
fn queued(
    prev: Option<Promise>,
    op: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>,
    pending: Rc<Cell<u32>>,
) -> Promise {
    future_to_promise(async move {
        if let Some(prev) = prev {
            let _ = JsFuture::from(prev).await;
        }
        let out = op.await;
        pending.set(pending.get() - 1);
        out
    })
}

/// The tail of a queue of promises.
#[derive(Default)]
pub struct Serial {
    last: RefCell<Option<Promise>>,
    pending: Rc<Cell<u32>>,
}

impl Serial {
    /// Whether no operation is in flight.
    pub fn idle(&self) -> bool {
        self.pending.get() == 0
    }

    /// Starts `op` once every operation queued before it has settled; returns its promise.
    pub fn run<F>(&self, op: F) -> Promise
    where
        F: Future<Output = Result<JsValue, JsValue>> + 'static,
    {
        let prev = self.last.borrow_mut().take().filter(|_| !self.idle());
        self.pending.set(self.pending.get() + 1);
        let promise = queued(prev, Box::pin(op), self.pending.clone());
        *self.last.borrow_mut() = Some(promise.clone());
        promise
    }
}
