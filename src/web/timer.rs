//! `setTimeout`-based timers, bound to the global functions (never `window`), so they work in
//! browsers, web workers, Node, Deno and workerd.

use super::codes::delay;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// Milliseconds since the epoch (`Date.now()`).
pub fn now_ms() -> f64 {
    date_now()
}

/// The longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days). Every runtime fires
/// a longer one at once, so a longer delay here means "never".
pub const MAX_DELAY_MS: f64 = 2_147_483_647.0;

/// `ms` as a `setTimeout` delay (negative is 0), or `None` when it is too long to ever fire.
pub fn timer_delay(ms: f64) -> Option<f64> {
    (ms <= MAX_DELAY_MS).then_some(ms.max(0.0))
}

/// An optional delay as the JS glue takes it: the `setTimeout` delay, or [`delay::NONE`] for no
/// timer (none given, or too long to ever fire).
pub fn glue_delay(ms: Option<f64>) -> f64 {
    ms.and_then(timer_delay).unwrap_or(f64::from(delay::NONE))
}

/// A callback scheduled with `setTimeout`; dropping it cancels the callback.
pub struct Timeout {
    handle: JsValue,
    _callback: Option<Closure<dyn FnMut()>>,
}

impl Timeout {
    /// Calls `f` once after `ms` milliseconds unless the `Timeout` is dropped first (never,
    /// when `ms` is beyond [`MAX_DELAY_MS`]).
    pub fn new(ms: f64, f: impl FnOnce() + 'static) -> Timeout {
        let Some(ms) = timer_delay(ms) else {
            return Timeout::from_handle(JsValue::UNDEFINED);
        };
        let mut f = Some(f);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = f.take() {
                f();
            }
        });
        let handle = set_timeout(callback.as_ref().unchecked_ref(), ms);
        Timeout {
            handle,
            _callback: Some(callback),
        }
    }

    /// Takes over a timer set in JS (its `setTimeout` handle).
    pub(crate) fn from_handle(handle: JsValue) -> Timeout {
        Timeout {
            handle,
            _callback: None,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}

/// A promise that resolves after `ms` milliseconds, and the timer behind it: dropping the
/// timer before then leaves the promise pending forever, so race it against a stop.
pub fn delay(ms: f64) -> (Promise, Timeout) {
    let mut timer = None;
    let promise = Promise::new(&mut |resolve, _reject| {
        timer = Some(Timeout::new(ms, move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }));
    });
    // `Promise::new` runs the executor synchronously, so the timer is always set here.
    let timer = timer.unwrap_or_else(|| Timeout::new(ms, || ()));
    (promise, timer)
}
