//! `client.websocket(options)` (full build only): a WebSocket to `.../websocket` of the client's
//! model or chain. Rust decides everything that is a rule: the URL (`core::url`), the headers
//! (the key in the client's scheme, the client's and the call's extra headers), the options,
//! the typed error of a refused upgrade (`core::error_response`) and the redaction of the key.
//! `websocket.js` opens the socket the way the runtime can send headers, and wraps it.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::call::Requester;
use super::client::Baseten;
use super::options::Opts;
use crate::core::auth::header_secret;
use crate::core::error::{Error, ErrorKind, Result};
use crate::core::error_response;
use crate::core::options::websocket as ws_opts;
use crate::core::url::Route;

/// `help(REFUSE, status, body, requestId, errorCode)`: the typed error of a refused upgrade.
const REFUSE: u8 = 0;
/// `help(ERROR, 0, message, kind, code)`: an error of a kind.
const ERROR: u8 = 1;

/// Default deadline for the socket to open.
const DEFAULT_CONNECT_TIMEOUT_MS: f64 = 30_000.0;

#[wasm_bindgen(module = "/src/js/websocket.js")]
extern "C" {
    /// Opens the socket; resolves to a `BasetenWebSocket` once open.
    #[wasm_bindgen(js_name = openWebSocket)]
    fn open_web_socket(
        url: &str,
        headers: Array,
        proxy_token: Option<String>,
        signal: JsValue,
        timeout_ms: f64,
        class: JsValue,
        help: JsValue,
    ) -> Promise;
}

/// Reads the options and starts the connection.
fn open(c: &std::rc::Rc<Requester>, options: &JsValue) -> Result<Promise> {
    let o = Opts::new(options, ws_opts::TABLE)?;
    let url = c.endpoint.url(Route::WebSocket)?;
    let timeout = o
        .number(ws_opts::CONNECT_TIMEOUT_MS)
        .unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS);
    let call_headers = o.headers(ws_opts::HEADERS)?;
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(key) = &c.key {
        headers.push(("authorization".into(), key.header_value(c.scheme)));
    }
    // A proxy token: the Authorization header where the runtime sends headers, subprotocols in
    // a browser (websocket.js, which holds that rule); never beside the key, which the proxy holds.
    let token = o.string(ws_opts::PROXY_TOKEN);
    if let Some(token) = &token {
        if c.key.is_some() {
            return Err(Error::config(
                "websocket(): apiKey or proxyToken, not both (the proxy holds the key)",
            ));
        }
        headers.push(("authorization".into(), format!("Bearer {token}")));
    }
    for (name, value) in c.headers.iter().chain(call_headers.iter()) {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value.clone()));
    }
    let pairs: Array = headers
        .into_iter()
        .map(|(n, v)| -> JsValue { Array::of2(&n.into(), &v.into()).into() })
        .collect();
    let signal = o.signal(ws_opts::SIGNAL).map(JsValue::from);
    let class = o.function(ws_opts::WEB_SOCKET).map(JsValue::from);
    // One callback for every service JS needs from Rust (one closure: one piece of glue).
    let client = c.clone();
    let help = Closure::<dyn Fn(u8, u16, String, Option<String>, Option<String>) -> JsValue>::new(
        move |op: u8, status: u16, text: String, a: Option<String>, b: Option<String>| match op {
            // A refused upgrade: status, body, request id, X-BASETEN-ERROR-CODE.
            REFUSE => {
                let header = |name: &str| b.clone().filter(|_| name == "x-baseten-error-code");
                client.fail(error_response::from_response(status, a, &header, &text))
            }
            // An error of a kind: message, kind, code.
            ERROR => {
                let kind = ErrorKind::ALL
                    .into_iter()
                    .find(|k| Some(k.as_str()) == a.as_deref())
                    .unwrap_or(ErrorKind::Api);
                let mut err = Error::new(kind, text);
                err.code = b;
                client.fail(err)
            }
            // A server's or runtime's text, scrubbed.
            _ => scrub(&client, text).into(),
        },
    );
    Ok(open_web_socket(
        &url,
        pairs,
        token,
        signal.unwrap_or_default(),
        timeout,
        class.unwrap_or_default(),
        help.into_js_value(),
    ))
}

#[wasm_bindgen]
impl Baseten {
    /// Opens a WebSocket to the model's or chain's `.../websocket` (`wss://`, or the base URL's
    /// `ws:`/`wss:` equivalent) with the key in the `Authorization` header; resolves once it is
    /// open. A refused upgrade rejects with the status's typed error; a browser with a key (or
    /// headers) to send rejects with a `ConfigurationError`: use the proxy Worker.
    #[wasm_bindgen(unchecked_return_type = "Promise<BasetenWebSocket>")]
    pub fn websocket(&self, options: Option<super::types::WebSocketOptionsArg>) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        let c = self.requester();
        open(&c, &options).unwrap_or_else(|e| Promise::reject(&c.fail(e)))
    }
}

/// `text` (a server's close reason, a runtime's message) with the API key and the secrets of
/// credential headers among the client's `headers` scrubbed, as [`Requester::fail`] does.
fn scrub(c: &Requester, text: String) -> String {
    let mut text = match &c.key {
        Some(k) => crate::core::error::scrub(&text, k.expose()),
        None => text,
    };
    for (name, value) in &c.headers {
        if let Some(secret) = header_secret(name, value) {
            text = crate::core::error::scrub(&text, secret);
        }
    }
    text
}
