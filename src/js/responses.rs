//! `client.responses.create(...)`: the Responses API, `POST {openaiBaseUrl}/responses`
//! (Baseten's Model APIs serve it, statelessly). Without `stream` it resolves to the Response
//! with openai-node's `output_text` convenience added; with `stream: true`, to a
//! `ResponseStream` (`response_stream.js`) over the core's Responses stream rules.

use std::rc::Rc;

use js_sys::{Promise, JSON};
use wasm_bindgen::prelude::*;

use super::api_promise::spawn_api;
use super::call::Requester;
use super::client::Baseten;
use super::openai::{create, view, Kind};
use crate::core::error::{Error, ErrorKind, Result};
use crate::core::responses::with_output_text;

/// `client.responses`.
#[wasm_bindgen]
pub struct Responses {
    requester: Rc<Requester>,
}

#[wasm_bindgen]
impl Responses {
    /// `POST {openaiBaseUrl}/responses`. Resolves to the Response (with `output_text`), or with
    /// `stream: true` to a `ResponseStream` once the headers arrive.
    #[wasm_bindgen(skip_typescript)]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ResponseCreateParams")] body: JsValue,
        options: Option<super::types::CallOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        spawn_api(&self.requester, |c, api| {
            create(c, api, "responses", body, options, Kind::Responses)
        })
    }
}

/// The non-streamed Response with `output_text` added by the core's rule.
pub(super) fn add_output_text(response: &JsValue) -> Result<JsValue> {
    let text = JSON::stringify(response)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Error::new(ErrorKind::Decode, "the Response has no JSON form"))?;
    let with = with_output_text(&text)?;
    JSON::parse(&with).map_err(|_| Error::new(ErrorKind::Decode, "the Response is not valid JSON"))
}

#[wasm_bindgen]
impl Baseten {
    /// The Responses API: `client.responses.create(...)`.
    #[wasm_bindgen(getter, js_name = responses, unchecked_return_type = "Responses")]
    pub fn responses_js(&self) -> JsValue {
        view(&self.openai.responses, || self.responses().into())
    }
}

impl Baseten {
    /// `client.responses`, for Rust callers.
    pub fn responses(&self) -> Responses {
        Responses {
            requester: self.requester(),
        }
    }
}
