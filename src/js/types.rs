//! The TypeScript declarations merged into the generated `.d.ts`, from real files: the result
//! objects (`types.d.ts`, `types_responses.d.ts`, `types_full.d.ts`), and the option interfaces and error classes
//! generated from the crate's tables (`gen/`, by `scripts/gen.sh`). The extern types below
//! give each options argument its interface.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");
#[wasm_bindgen(typescript_custom_section)]
const TS_RESPONSES: &'static str = include_str!("types_responses.d.ts");
#[wasm_bindgen(typescript_custom_section)]
const TS_OPTIONS: &'static str = include_str!("gen/options.d.ts");
#[wasm_bindgen(typescript_custom_section)]
const TS_ERRORS: &'static str = include_str!("gen/errors.d.ts");

/// The declarations of the full build's own calls (Baseten-native, batch, webhooks).
#[cfg(feature = "full")]
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES_FULL: &'static str = include_str!("types_full.d.ts");
/// The declarations of `client.websocket()`'s socket and its close error (full build).
#[cfg(feature = "full")]
#[wasm_bindgen(typescript_custom_section)]
const TS_WEBSOCKET: &'static str = include_str!("types_websocket.d.ts");
#[cfg(feature = "full")]
#[wasm_bindgen(typescript_custom_section)]
const TS_OPTIONS_FULL: &'static str = include_str!("gen/options_full.d.ts");

#[wasm_bindgen]
extern "C" {
    /// An optional `AsyncPredictOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "AsyncPredictOptions")]
    pub type AsyncPredictOptionsArg;
    /// An optional `BatchOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "BatchOptions")]
    pub type BatchOptionsArg;
    /// An optional `CallOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[wasm_bindgen(typescript_type = "CallOptions")]
    pub type CallOptionsArg;
    /// An optional `ClassifyOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "ClassifyOptions")]
    pub type ClassifyOptionsArg;
    /// An optional `EmbedOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "EmbedOptions")]
    pub type EmbedOptionsArg;
    /// An optional `RerankOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "RerankOptions")]
    pub type RerankOptionsArg;
    /// An optional `SyncOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "SyncOptions")]
    pub type SyncOptionsArg;
    /// An optional `VerifyProxyTokenOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "VerifyProxyTokenOptions")]
    pub type VerifyProxyTokenOptionsArg;
    /// An optional `VerifyWebhookOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "VerifyWebhookOptions")]
    pub type VerifyWebhookOptionsArg;
    /// An optional `WaitOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "WaitOptions")]
    pub type WaitOptionsArg;
    /// An optional `WebSocketOptions` argument (typed in the `.d.ts`, read with `Opts`).
    #[cfg(feature = "full")]
    #[wasm_bindgen(typescript_type = "WebSocketOptions")]
    pub type WebSocketOptionsArg;
}
