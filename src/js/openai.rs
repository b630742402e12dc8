//! The OpenAI-compatible calls, shaped like openai-node: `client.chat.completions.create`,
//! `client.completions.create`, `client.embeddings.create`, `client.models.list`, against
//! `openaiBaseUrl` (default: the model's `.../sync/v1`, or Baseten's Model APIs,
//! `https://inference.baseten.co/v1`, for a client with no model, chain or base URL).

use std::cell::OnceCell;
use std::rc::Rc;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::api_promise::{json_call, spawn_api, stream_result, Then};
use super::call::{to_json_js, Accept, CallOpts, Requester, Started};
use super::client::Baseten;
use crate::core::chat_stream;
use crate::core::error::{Error, Result};
use crate::core::url::{join, Route};
use crate::web::glue;
use crate::web::timer::glue_delay;
use wasm_bindgen_futures::JsFuture;

impl Requester {
    /// `{openaiBaseUrl}/{path}`.
    pub(crate) fn openai_url(&self, path: &str) -> Result<String> {
        let base = match &self.openai_base {
            Some(base) => base.clone(),
            None => self.endpoint.url(Route::OpenAiBase)?,
        };
        Ok(join(&base, path))
    }
}

/// Which OpenAI-style call: what its answer and its stream become.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    /// Chat completions, completions, embeddings: the JSON as is, a `ChatCompletionStream`.
    Chat,
    /// The Responses API: the Response with `output_text`, a `ResponseStream`.
    Responses,
}

/// POSTs an OpenAI request body; with `"stream": true` resolves to the stream class of `kind`.
/// `api` is the control object of the call's `APIPromise`.
pub(super) async fn create(
    client: Rc<Requester>,
    api: JsValue,
    path: &'static str,
    body: JsValue,
    options: JsValue,
    kind: Kind,
) -> Result<JsValue> {
    let (value, stream_as) = match kind {
        Kind::Chat => (Then::Json, Then::ChatStream),
        Kind::Responses => (Then::Response, Then::ResponseStream),
    };
    if !body.is_object() || js_sys::Array::is_array(&body) {
        return Err(Error::config("the request body must be an object"));
    }
    let mut call = CallOpts::read(&options)?;
    call.api = Some(api);
    let url = client.openai_url(path)?;
    let stream = Reflect::get(&body, &"stream".into())
        .map(|v| v.as_bool() == Some(true))
        .unwrap_or(false);
    let text = to_json_js(&body, "body")?;
    if !stream {
        return json_call(&client, "POST", &url, Some(&text), &call, value).await;
    }
    let started = client
        .send("POST", &url, Some(&text), Accept::EventStream, &call)
        .await?
        .started();
    let content_type = started
        .response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    if chat_stream::is_event_stream_type(&content_type) {
        return Ok(stream_result(client, started, &call, stream_as));
    }
    let Started {
        response,
        guard,
        deadline: _deadline,
        idle_ms,
        request_id,
    } = started;
    let idle = glue_delay(idle_ms);
    let body = JsFuture::from(glue::call_body_text(guard.js(), &response, idle))
        .await
        .map_err(|e| guard.error_for(&e))?;
    let mut err =
        chat_stream::not_an_event_stream(&content_type, body.as_string().unwrap_or_default());
    err.status = Some(response.status());
    err.request_id = request_id;
    Err(err)
}

/// The OpenAI-style sub-objects of a client, each made on first use and then the same object:
/// `client.chat.completions.create(...)` allocates nothing that outlives the call.
#[derive(Default)]
pub(crate) struct OpenAiViews {
    chat: OnceCell<JsValue>,
    completions: OnceCell<JsValue>,
    embeddings: OnceCell<JsValue>,
    models: OnceCell<JsValue>,
    pub(super) responses: OnceCell<JsValue>,
}

pub(super) fn view(cell: &OnceCell<JsValue>, make: impl FnOnce() -> JsValue) -> JsValue {
    cell.get_or_init(make).clone()
}

/// `client.chat`.
#[wasm_bindgen]
pub struct Chat {
    requester: Rc<Requester>,
    completions: OnceCell<JsValue>,
}

#[wasm_bindgen]
impl Chat {
    /// `client.chat.completions`.
    #[wasm_bindgen(getter, js_name = completions, unchecked_return_type = "ChatCompletions")]
    pub fn completions_js(&self) -> JsValue {
        view(&self.completions, || self.completions().into())
    }
}

impl Chat {
    /// `client.chat.completions`, for Rust callers.
    pub fn completions(&self) -> ChatCompletions {
        ChatCompletions {
            requester: self.requester.clone(),
        }
    }
}

/// `client.chat.completions`.
#[wasm_bindgen]
pub struct ChatCompletions {
    requester: Rc<Requester>,
}

#[wasm_bindgen]
impl ChatCompletions {
    /// `POST {openaiBaseUrl}/chat/completions`. Resolves to the `chat.completion`, or with
    /// `stream: true` to a `ChatCompletionStream` once the headers arrive.
    #[wasm_bindgen(skip_typescript)]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ChatCompletionCreateParams")] body: JsValue,
        options: Option<super::types::CallOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        spawn_api(&self.requester, |c, api| {
            create(c, api, "chat/completions", body, options, Kind::Chat)
        })
    }
}

/// `client.completions`.
#[wasm_bindgen]
pub struct Completions {
    requester: Rc<Requester>,
}

#[wasm_bindgen]
impl Completions {
    /// `POST {openaiBaseUrl}/completions` (legacy text completions), streaming as for chat.
    #[wasm_bindgen(skip_typescript)]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CompletionCreateParams")] body: JsValue,
        options: Option<super::types::CallOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        spawn_api(&self.requester, |c, api| {
            create(c, api, "completions", body, options, Kind::Chat)
        })
    }
}

/// `client.embeddings`.
#[wasm_bindgen]
pub struct Embeddings {
    requester: Rc<Requester>,
}

#[wasm_bindgen]
impl Embeddings {
    /// `POST {openaiBaseUrl}/embeddings`.
    #[wasm_bindgen(unchecked_return_type = "APIPromise<CreateEmbeddingResponse>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EmbeddingCreateParams")] body: JsValue,
        options: Option<super::types::CallOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        spawn_api(&self.requester, |c, api| {
            create(c, api, "embeddings", body, options, Kind::Chat)
        })
    }
}

/// `client.models`.
#[wasm_bindgen]
pub struct Models {
    requester: Rc<Requester>,
}

#[wasm_bindgen]
impl Models {
    /// `GET {openaiBaseUrl}/models`: `{ object: "list", data: [...] }`.
    #[wasm_bindgen(unchecked_return_type = "APIPromise<ModelList>")]
    pub fn list(&self, options: Option<super::types::CallOptionsArg>) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        spawn_api(&self.requester, |c, api| async move {
            let mut call = CallOpts::read(&options)?;
            call.api = Some(api);
            let url = c.openai_url("models")?;
            json_call(&c, "GET", &url, None, &call, Then::Json).await
        })
    }
}

#[wasm_bindgen]
impl Baseten {
    /// The OpenAI-compatible chat API: `client.chat.completions.create(...)`.
    #[wasm_bindgen(getter, js_name = chat, unchecked_return_type = "Chat")]
    pub fn chat_js(&self) -> JsValue {
        view(&self.openai.chat, || self.chat().into())
    }

    /// The OpenAI-compatible completions API.
    #[wasm_bindgen(getter, js_name = completions, unchecked_return_type = "Completions")]
    pub fn completions_js(&self) -> JsValue {
        view(&self.openai.completions, || self.completions().into())
    }

    /// The OpenAI-compatible embeddings API.
    #[wasm_bindgen(getter, js_name = embeddings, unchecked_return_type = "Embeddings")]
    pub fn embeddings_js(&self) -> JsValue {
        view(&self.openai.embeddings, || self.embeddings().into())
    }

    /// The OpenAI-compatible model list.
    #[wasm_bindgen(getter, js_name = models, unchecked_return_type = "Models")]
    pub fn models_js(&self) -> JsValue {
        view(&self.openai.models, || self.models().into())
    }
}

impl Baseten {
    /// `client.chat`, for Rust callers.
    pub fn chat(&self) -> Chat {
        Chat {
            requester: self.requester(),
            completions: OnceCell::new(),
        }
    }

    /// `client.completions`, for Rust callers.
    pub fn completions(&self) -> Completions {
        Completions {
            requester: self.requester(),
        }
    }

    /// `client.embeddings`, for Rust callers.
    pub fn embeddings(&self) -> Embeddings {
        Embeddings {
            requester: self.requester(),
        }
    }

    /// `client.models`, for Rust callers.
    pub fn models(&self) -> Models {
        Models {
            requester: self.requester(),
        }
    }
}
