//! The Baseten-native methods of `Baseten` (full build only): predict, streamed predict, async
//! predict and its helpers, wake, `sync` routes.

use std::rc::Rc;

use js_sys::{JsString, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::api_promise::{json_call, stream_result, Then};
use super::call::{to_json, to_json_js, Accept, CallOpts, Requester};
use super::client::Baseten;
use super::options::{string_arg, Opts};
use crate::core::async_predict::{self, AsyncOptions, InferenceRetryConfig};
use crate::core::error::{Error, ErrorKind, Result};
use crate::core::options::{async_predict as async_opts, retry_config, sync, wait};
use crate::core::url::{Endpoint, Route};
use crate::web::abort::CallGuard;

impl Baseten {
    /// `POST .../predict` of `input`: the parsed JSON answer, or with `stream` a `ByteStream`.
    fn predict_call(
        &self,
        input: JsValue,
        options: Option<super::types::CallOptionsArg>,
        stream: bool,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn_api(move |c, api| async move {
            let mut call = CallOpts::read(&options)?;
            call.api = Some(api);
            let url = c.endpoint.url(Route::Predict)?;
            let body = to_json_js(&input, "input")?;
            if stream {
                stream_call(c, "POST", url, Some(body), call).await
            } else {
                json_call(&c, "POST", &url, Some(&body), &call, Then::Json).await
            }
        })
    }

    /// A JSON call without a body to the URL `route` builds (`GET`, `DELETE`, `POST`).
    fn bodiless<R>(
        &self,
        method: &'static str,
        route: R,
        options: Option<super::types::CallOptionsArg>,
    ) -> Promise
    where
        R: FnOnce(&Endpoint) -> Result<String> + 'static,
    {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn_api(|c, api| async move {
            let mut call = CallOpts::read(&options)?;
            call.api = Some(api);
            let url = route(&c.endpoint)?;
            json_call(&c, method, &url, None, &call, Then::Json).await
        })
    }
}

fn field(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

async fn stream_call(
    client: Rc<Requester>,
    method: &str,
    url: String,
    body: Option<JsValue>,
    call: CallOpts,
) -> Result<JsValue> {
    let started = client
        .send(method, &url, body.as_ref(), Accept::Stream, &call)
        .await?
        .started();
    Ok(stream_result(client, started, &call, Then::ByteStream))
}

/// `{ requestId }` from `async_predict`'s answer.
pub(super) fn async_predict_result(answer: &JsValue) -> Result<JsValue> {
    let id = field(answer, "request_id").ok_or_else(|| {
        Error::new(
            ErrorKind::Decode,
            "async_predict answered without a request_id",
        )
    })?;
    let out = Object::new();
    let _ = Reflect::set(&out, &"requestId".into(), &JsValue::from_str(&id));
    Ok(out.into())
}

fn read_async_options(o: &Opts) -> Result<AsyncOptions> {
    let retry = match o.object(async_opts::INFERENCE_RETRY_CONFIG) {
        Some(v) => {
            let r = Opts::new(&v, retry_config::TABLE)?;
            Some(InferenceRetryConfig {
                max_attempts: r.number(retry_config::MAX_ATTEMPTS),
                initial_delay_ms: r.number(retry_config::INITIAL_DELAY_MS),
                max_delay_ms: r.number(retry_config::MAX_DELAY_MS),
            })
        }
        None => None,
    };
    Ok(AsyncOptions {
        webhook_endpoint: o.string(async_opts::WEBHOOK_ENDPOINT),
        priority: o.number(async_opts::PRIORITY),
        max_time_in_queue_seconds: o.number(async_opts::MAX_TIME_IN_QUEUE_SECONDS),
        inference_retry_config: retry,
    })
}

/// The method of a `sync` call, upper-cased: an HTTP token that fetch can send. `CONNECT`,
/// `TRACE` and `TRACK` are refused (fetch forbids them), and so is a body on `GET` or `HEAD`.
fn check_method(method: &str, has_body: bool) -> Result<String> {
    let ok = !method.is_empty()
        && method.len() <= 16
        && method
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_');
    if !ok {
        return Err(Error::config(
            "method must be an HTTP method such as GET or POST",
        ));
    }
    let method = method.to_ascii_uppercase();
    if matches!(method.as_str(), "CONNECT" | "TRACE" | "TRACK") {
        return Err(Error::config(format!(
            "method {method} cannot be sent with fetch"
        )));
    }
    if has_body && matches!(method.as_str(), "GET" | "HEAD") {
        return Err(Error::config(format!(
            "a {method} request cannot have a body: pass undefined, or use POST"
        )));
    }
    Ok(method)
}

#[wasm_bindgen]
impl Baseten {
    /// `POST .../predict` with `input` as JSON; resolves to the parsed JSON answer.
    #[wasm_bindgen(unchecked_return_type = "APIPromise<any>")]
    pub fn predict(
        &self,
        input: JsValue,
        options: Option<super::types::CallOptionsArg>,
    ) -> Promise {
        self.predict_call(input, options, false)
    }

    /// `POST .../predict` answered with a streamed body: resolves, once the headers arrive, to
    /// a `ByteStream` (an async iterable of `Uint8Array` chunks).
    #[wasm_bindgen(js_name = predictStream, unchecked_return_type = "APIPromise<ByteStream>")]
    pub fn predict_stream(
        &self,
        input: JsValue,
        options: Option<super::types::CallOptionsArg>,
    ) -> Promise {
        self.predict_call(input, options, true)
    }

    /// `POST .../async_predict`; resolves to `{ requestId }`. Option ranges are checked first.
    #[wasm_bindgen(js_name = asyncPredict, unchecked_return_type = "APIPromise<{ requestId: string }>")]
    pub fn async_predict(
        &self,
        input: JsValue,
        options: Option<super::types::AsyncPredictOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn_api(|c, api| async move {
            let o = Opts::new(&options, async_opts::TABLE)?;
            let opts = read_async_options(&o)?;
            let mut call = CallOpts::from_opts(&o)?;
            call.api = Some(api);
            let url = c.endpoint.url(Route::AsyncPredict)?;
            let body = JsValue::from_str(&opts.body(&to_json(&input, "input")?)?);
            json_call(&c, "POST", &url, Some(&body), &call, Then::AsyncPredict).await
        })
    }

    /// `GET /async_request/{id}`: the request's status object, as the server sent it.
    #[wasm_bindgen(js_name = asyncRequest, unchecked_return_type = "APIPromise<AsyncRequestStatus>")]
    pub fn async_request(
        &self,
        request_id: JsString,
        options: Option<super::types::CallOptionsArg>,
    ) -> Promise {
        self.bodiless(
            "GET",
            move |e| e.url(Route::AsyncRequest(&string_arg(&request_id, "requestId")?)),
            options,
        )
    }

    /// `DELETE /async_request/{id}`: `{ request_id, canceled, message }` (only queued requests
    /// can be canceled).
    #[wasm_bindgen(js_name = cancelAsyncRequest, unchecked_return_type = "APIPromise<CancelAsyncResult>")]
    pub fn cancel_async_request(
        &self,
        request_id: JsString,
        options: Option<super::types::CallOptionsArg>,
    ) -> Promise {
        self.bodiless(
            "DELETE",
            move |e| e.url(Route::AsyncRequest(&string_arg(&request_id, "requestId")?)),
            options,
        )
    }

    /// `GET .../async_queue_status`.
    #[wasm_bindgen(js_name = asyncQueueStatus, unchecked_return_type = "APIPromise<AsyncQueueStatus>")]
    pub fn async_queue_status(&self, options: Option<super::types::CallOptionsArg>) -> Promise {
        self.bodiless("GET", |e| e.url(Route::AsyncQueueStatus), options)
    }

    /// Polls `GET /async_request/{id}` until a terminal status, backing off from
    /// `pollIntervalMs` (1000) by 1.5x up to `maxPollIntervalMs` (10000); resolves to the final
    /// status object. `signal` and `timeoutMs` stop the wait.
    #[wasm_bindgen(js_name = waitForAsyncRequest, unchecked_return_type = "Promise<AsyncRequestStatus>")]
    pub fn wait_for_async_request(
        &self,
        request_id: JsString,
        options: Option<super::types::WaitOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn(|c| async move {
            let request_id = string_arg(&request_id, "requestId")?;
            let o = Opts::new(&options, wait::TABLE)?;
            let mut interval = o.number(wait::POLL_INTERVAL_MS).unwrap_or(1000.0).max(1.0);
            let max_interval = o
                .number(wait::MAX_POLL_INTERVAL_MS)
                .unwrap_or(10_000.0)
                .max(interval);
            let guard = CallGuard::new(o.signal(wait::SIGNAL))?;
            let _deadline = o
                .number(wait::TIMEOUT_MS)
                .map(|ms| guard.arm(ms, "deadline"));
            let url = c.endpoint.url(Route::AsyncRequest(&request_id))?;
            let call = CallOpts::with_signal(guard.signal());
            loop {
                let status =
                    c.json("GET", &url, None, &call)
                        .await
                        .map_err(|e| match guard.reason() {
                            Some(r) => crate::web::abort::stop_error(r),
                            None => e,
                        })?;
                if field(&status, "status").is_some_and(|s| async_predict::is_terminal(&s)) {
                    return Ok(status);
                }
                guard.sleep(interval).await?;
                interval = async_predict::next_poll_interval(interval, max_interval);
            }
        })
    }

    /// `POST .../wake`: asks a scaled-to-zero deployment to start (answered 202 at once).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn wake(&self, options: Option<super::types::CallOptionsArg>) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn(|c| async move {
            let call = CallOpts::read(&options)?;
            let url = c.endpoint.url(Route::Wake)?;
            c.json("POST", &url, None, &call).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Any method on `.../sync/{route}`, passed through to the model's own server. `body` is
    /// sent as JSON; `undefined` or `null` sends no body. With `{ stream: true }` resolves to a `ByteStream`.
    #[wasm_bindgen(unchecked_return_type = "APIPromise<any>")]
    pub fn sync(
        &self,
        method: JsString,
        route: JsString,
        body: Option<JsValue>,
        options: Option<super::types::SyncOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        let body = body.filter(|b| !b.is_undefined() && !b.is_null());
        self.spawn_api(|c, api| async move {
            let method = check_method(&string_arg(&method, "method")?, body.is_some())?;
            let route = string_arg(&route, "route")?;
            let o = Opts::new(&options, sync::TABLE)?;
            let mut call = CallOpts::from_opts(&o)?;
            call.api = Some(api);
            let stream = o.boolean(sync::STREAM).unwrap_or(false);
            let url = c.endpoint.url(Route::Sync(&route))?;
            let body = match &body {
                Some(body) => Some(to_json_js(body, "body")?),
                None => None,
            };
            if stream {
                stream_call(c, &method, url, body, call).await
            } else {
                json_call(&c, &method, &url, body.as_ref(), &call, Then::Json).await
            }
        })
    }
}
