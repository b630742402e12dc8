//! Every integer code that crosses the Rust/JavaScript boundary, once on this side. Their
//! JavaScript twins are in `codes.js`, which the JS snippets import; the wasm test
//! `boundary_codes_agree` compares the two through [`all_codes`] and [`rust_codes`].

use wasm_bindgen::prelude::*;

/// Declares a table of codes: a module of constants, and its entry for [`rust_codes`].
macro_rules! codes {
    ($(
        $(#[doc = $doc:literal])*
        $module:ident ($table:literal): $ty:ty {
            $($(#[doc = $cdoc:literal])* $name:ident = $value:literal,)*
        }
    )*) => {
        $(
            $(#[doc = $doc])*
            pub mod $module {
                $($(#[doc = $cdoc])* pub const $name: $ty = $value;)*
            }
        )*

        /// Every table of this side as `(table, [(name, code)])`, for the agreement test.
        pub fn rust_codes() -> Vec<(&'static str, Vec<(&'static str, f64)>)> {
            vec![$(($table, vec![$((stringify!($name), f64::from($module::$name))),*])),*]
        }
    };
}

codes! {
    /// Why a call stopped (the JS call state's `why`).
    why ("WHY"): u32 {
        /// Not stopped.
        NONE = 0,
        /// The caller: its signal, a dropped or closed stream, `abort()`.
        USER = 1,
        /// The overall deadline.
        DEADLINE = 2,
        /// No response headers in time.
        HEADERS_TIMEOUT = 3,
        /// A silent body.
        IDLE_TIMEOUT = 4,
    }

    /// What one attempt of a request (`callSend`) gave.
    sent ("SENT"): u32 {
        /// A JSON call's 2xx answer, parsed.
        VALUE = 0,
        /// A streaming call's 2xx answer.
        RESPONSE = 1,
        /// A JSON call's 2xx answer that is not JSON.
        NOT_JSON = 2,
        /// A JSON call's 2xx answer whose body could not be read.
        BODY_FAILED = 3,
        /// Not 2xx.
        ERROR_STATUS = 4,
        /// fetch resolved to something that is not a Response.
        NOT_RESPONSE = 5,
    }

    /// What `toJson` gives for a value it cannot serialise (a JSON text otherwise).
    to_json ("TO_JSON"): u32 {
        /// The value has no JSON form (`undefined`, a function, a symbol).
        NO_JSON_FORM = 1,
        /// `JSON.stringify` threw or gave nothing (a cycle, a BigInt).
        FAILED = 2,
    }

    /// A delay handed to a JS timer (`headersMs`, `idleMs`, ...).
    delay ("DELAY"): i32 {
        /// No timer.
        NONE = -1,
    }

    /// How an event stream's batch (chat or Responses) ends.
    end ("END"): u8 {
        /// More to come.
        LIVE = 0,
        /// Complete: the value is the final completion's JSON.
        COMPLETE = 1,
        /// Failed: the value is the error.
        FAILED = 2,
        /// Closed early by the caller (set on the JS side only).
        CLOSED = 3,
    }
}

// This declaration is also what makes wasm-bindgen ship `codes.js` (it copies only the files a
// Rust extern block names), which `call.js` and `chat_stream.js` import: keep it in every build.
#[wasm_bindgen(module = "/src/web/codes.js")]
extern "C" {
    /// The JavaScript side's tables, `{ WHY: { NONE: 0, ... }, SENT: ..., END: ... }`.
    #[wasm_bindgen(js_name = allCodes)]
    pub fn all_codes() -> JsValue;
}
