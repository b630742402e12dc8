//! Every integer code that crosses the Rust/JavaScript boundary, once on this side. Their
//! JavaScript twins are in `codes.js`, which the JS snippets import; the wasm test
//! `boundary_codes_agree` compares the two through [`all_codes`].

use wasm_bindgen::prelude::*;

/// Why a call stopped (the JS call state's `why`).
pub mod why {
    /// Not stopped.
    pub const NONE: u32 = 0;
    /// The caller: its signal, a dropped or closed stream, `abort()`.
    pub const USER: u32 = 1;
    /// The overall deadline.
    pub const DEADLINE: u32 = 2;
    /// No response headers in time.
    pub const HEADERS_TIMEOUT: u32 = 3;
    /// A silent body.
    pub const IDLE_TIMEOUT: u32 = 4;
}

/// What one attempt of a request (`callSend`) gave.
pub mod sent {
    /// A JSON call's 2xx answer, parsed.
    pub const VALUE: u32 = 0;
    /// A streaming call's 2xx answer.
    pub const RESPONSE: u32 = 1;
    /// A JSON call's 2xx answer that is not JSON.
    pub const NOT_JSON: u32 = 2;
    /// A JSON call's 2xx answer whose body could not be read.
    pub const BODY_FAILED: u32 = 3;
    /// Not 2xx.
    pub const ERROR_STATUS: u32 = 4;
    /// fetch resolved to something that is not a Response.
    pub const NOT_RESPONSE: u32 = 5;
}

/// How a chat stream's batch ends.
pub mod end {
    /// More to come.
    pub const LIVE: u8 = 0;
    /// Complete: the value is the final completion's JSON.
    pub const COMPLETE: u8 = 1;
    /// Failed: the value is the error.
    pub const FAILED: u8 = 2;
    /// Closed early by the caller (set on the JS side only).
    pub const CLOSED: u8 = 3;
}

/// Every table of this side as `(table, [(name, code)])`, for the agreement test.
pub fn rust_codes() -> Vec<(&'static str, Vec<(&'static str, u32)>)> {
    vec![
        (
            "WHY",
            vec![
                ("NONE", why::NONE),
                ("USER", why::USER),
                ("DEADLINE", why::DEADLINE),
                ("HEADERS_TIMEOUT", why::HEADERS_TIMEOUT),
                ("IDLE_TIMEOUT", why::IDLE_TIMEOUT),
            ],
        ),
        (
            "SENT",
            vec![
                ("VALUE", sent::VALUE),
                ("RESPONSE", sent::RESPONSE),
                ("NOT_JSON", sent::NOT_JSON),
                ("BODY_FAILED", sent::BODY_FAILED),
                ("ERROR_STATUS", sent::ERROR_STATUS),
                ("NOT_RESPONSE", sent::NOT_RESPONSE),
            ],
        ),
        (
            "END",
            vec![
                ("LIVE", end::LIVE.into()),
                ("COMPLETE", end::COMPLETE.into()),
                ("FAILED", end::FAILED.into()),
                ("CLOSED", end::CLOSED.into()),
            ],
        ),
    ]
}

#[wasm_bindgen(module = "/src/web/codes.js")]
extern "C" {
    /// The JavaScript side's tables, `{ WHY: { NONE: 0, ... }, SENT: ..., END: ... }`.
    #[wasm_bindgen(js_name = allCodes)]
    pub fn all_codes() -> JsValue;
}
