//! The `Baseten` class: construction from options. Its methods live beside it: the
//! OpenAI-compatible ones in `openai.rs` (every build), the Baseten-native ones (predict, async
//! predict, wake, sync routes) in `native.rs` and the batch calls in `batch.rs` (full build).

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::call::{Requester, Timeouts};
use super::options::Opts;
use crate::core::auth::{ApiKey, AuthScheme};
use crate::core::error::{Error, Result};
use crate::core::options::client;
use crate::core::retry::RetryPolicy;
use crate::core::url::{normalize_base_url, Endpoint, EndpointConfig, Environment, Target};
use crate::web::fetch::Fetch;

/// A client for one Baseten model or chain (or any server speaking its routes), and for
/// OpenAI-compatible servers.
#[wasm_bindgen]
pub struct Baseten {
    requester: Rc<Requester>,
    /// `chat`, `completions`, `embeddings` and `models`, made once.
    pub(crate) openai: super::openai::OpenAiViews,
}

fn read_options(options: &JsValue) -> Result<Requester> {
    let o = Opts::new(options, client::TABLE)?;
    let model = o.string(client::MODEL_ID);
    let chain = o.string(client::CHAIN_ID);
    let target = match (model, chain) {
        (Some(_), Some(_)) => return Err(Error::config("set modelId or chainId, not both")),
        (Some(m), None) => Some(Target::Model(m)),
        (None, Some(c)) => Some(Target::Chain(c)),
        (None, None) => None,
    };
    let named = o.string(client::ENVIRONMENT);
    let deployment = o.string(client::DEPLOYMENT);
    let development = o.boolean(client::DEVELOPMENT).unwrap_or(false);
    let production = o.boolean(client::PRODUCTION).unwrap_or(false);
    let chosen = [
        named.is_some(),
        deployment.is_some(),
        development,
        production,
    ];
    if chosen.iter().filter(|c| **c).count() > 1 {
        return Err(Error::config(
            "set at most one of environment, deployment, development and production",
        ));
    }
    let environment = match (named, deployment) {
        (Some(env), _) => Environment::Named(env),
        (_, Some(id)) => Environment::Deployment(id),
        _ if development => Environment::Development,
        _ if production => Environment::Production,
        _ => Environment::Default,
    };
    let base_url = o.string(client::BASE_URL);
    // baseUrl first: an openaiBaseUrl is often derived from it (`${baseUrl}/v1`), and a bad
    // base URL is then reported under the name the caller typed, not the derived one.
    let endpoint = Endpoint::new(&EndpointConfig {
        target,
        environment,
        region: o.string(client::REGION),
        base_url: base_url.clone(),
    })?;
    let openai_base = o
        .string(client::OPENAI_BASE_URL)
        .map(|u| normalize_base_url(&u))
        .transpose()?;
    let key = o
        .string(client::API_KEY)
        .map(|k| ApiKey::new(&k))
        .transpose()?;
    if key.is_none() && base_url.is_none() && openai_base.is_none() {
        return Err(Error::config(
            "apiKey is required (it may be left out only with baseUrl or openaiBaseUrl)",
        ));
    }
    let scheme = match o.string(client::AUTH_SCHEME) {
        Some(s) => AuthScheme::parse(&s)?,
        None => AuthScheme::Bearer,
    };
    let fetch = match o.function(client::FETCH) {
        Some(f) => Fetch::Injected(f),
        None => Fetch::Global,
    };
    let max_event_bytes = match o.number(client::MAX_EVENT_BYTES) {
        None => None,
        Some(n) if n.fract() == 0.0 && (1.0..=1e9).contains(&n) => Some(n as usize),
        Some(_) => {
            return Err(Error::config(
                "maxEventBytes must be a whole number of bytes from 1",
            ))
        }
    };
    let mut retry = RetryPolicy::default();
    if let Some(n) = super::call::read_max_retries(&o, client::MAX_RETRIES)? {
        retry.max_retries = n;
    }
    Ok(Requester {
        endpoint,
        openai_base,
        key,
        scheme,
        headers: o.headers(client::HEADERS)?,
        fetch,
        timeouts: Timeouts {
            total: o.number(client::TIMEOUT_MS),
            headers: o.number(client::HEADERS_TIMEOUT_MS),
            idle: o.number(client::IDLE_TIMEOUT_MS),
        },
        retry,
        max_event_bytes,
        header_cache: Default::default(),
    })
}

impl Baseten {
    /// What this client holds: its settings and request path, shared with its streams.
    pub(crate) fn requester(&self) -> Rc<Requester> {
        self.requester.clone()
    }

    /// [`super::call::spawn`] with this client.
    #[cfg(feature = "full")]
    pub(crate) fn spawn<F, Fut>(&self, op: F) -> js_sys::Promise
    where
        F: FnOnce(Rc<Requester>) -> Fut,
        Fut: std::future::Future<Output = Result<JsValue>> + 'static,
    {
        super::call::spawn(&self.requester, op)
    }

    /// [`super::api_promise::spawn_api`] with this client: the call's `APIPromise`.
    #[cfg(feature = "full")]
    pub(crate) fn spawn_api<F, Fut>(&self, op: F) -> js_sys::Promise
    where
        F: FnOnce(Rc<Requester>, JsValue) -> Fut,
        Fut: std::future::Future<Output = Result<JsValue>> + 'static,
    {
        super::api_promise::spawn_api(&self.requester, op)
    }
}

#[wasm_bindgen]
impl Baseten {
    /// Creates a client. Throws a `ConfigurationError` for a bad option (an id that could
    /// change the host, a CR/LF in a header, two environments at once, ...).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "BasetenOptions")] options: Option<JsValue>,
    ) -> std::result::Result<Baseten, JsValue> {
        let options = options.unwrap_or_default();
        match read_options(&options) {
            Ok(requester) => Ok(Baseten {
                requester: Rc::new(requester),
                openai: Default::default(),
            }),
            Err(e) => {
                let key = Opts::unchecked(&options, client::TABLE).string(client::API_KEY);
                let e = match key {
                    Some(k) => e.redact(k.trim()),
                    None => e,
                };
                Err(super::errors::to_js(&e))
            }
        }
    }
}
