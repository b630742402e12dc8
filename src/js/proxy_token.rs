//! `mintProxyToken` and `verifyProxyToken`: the tokens a gateway in front of Baseten (the proxy
//! Worker) accepts from your users, minted by your backend with a shared secret
//! (`core::proxy_token` has the format and the rules). Synchronous and pure, like
//! `verifyWebhook`: the HMAC runs in the wasm, so every runtime gives the same answer.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::errors;
use super::options::{string_arg, string_or_strings, Opts};
use crate::core::error::{Error, Result};
use crate::core::options::proxy_token as table;
use crate::core::proxy_token::{mint, verify, ProxyClaims, DEFAULT_SKEW_SECONDS};
use crate::web::timer::now_ms;

fn field(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &k.into()).unwrap_or_default()
}

fn claims_of(v: &JsValue) -> Result<ProxyClaims> {
    if !v.is_object() {
        return Err(Error::config(
            "claims must be an object: { sub, exp, models? }",
        ));
    }
    let sub = field(v, "sub")
        .as_string()
        .ok_or_else(|| Error::config("claims.sub must be a string (who the token is for)"))?;
    let exp = field(v, "exp")
        .as_f64()
        .filter(|e| *e >= 0.0 && e.fract() == 0.0 && *e < 9.0e15)
        .ok_or_else(|| Error::config("claims.exp must be a whole number of Unix seconds"))?;
    let models = field(v, "models");
    let models = if models.is_undefined() || models.is_null() {
        None
    } else if Array::is_array(&models) {
        Some(string_or_strings(&models, "claims.models")?)
    } else {
        return Err(Error::config(
            "claims.models must be an array of model names",
        ));
    };
    Ok(ProxyClaims {
        sub,
        exp: exp as u64,
        models,
    })
}

/// Mints a proxy token for `claims` (`{ sub, exp, models? }`: who it is for, its expiry in Unix
/// seconds, and optionally the only model names it may use) under `secret`. For your backend.
#[wasm_bindgen(js_name = mintProxyToken)]
pub fn mint_proxy_token(
    #[wasm_bindgen(unchecked_param_type = "ProxyTokenClaims")] claims: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] secret: JsValue,
) -> std::result::Result<String, JsValue> {
    (|| mint(&claims_of(&claims)?, &string_arg(&secret, "secret")?))()
        .map_err(|e| errors::to_js(&e))
}

/// Verifies a proxy token under `secrets` (one, or several during rotation) and returns its
/// claims. Throws an `AuthenticationError` whose `code` says why (`malformed_token`,
/// `bad_signature`, `expired_token`; the token is never in the message), or a
/// `ConfigurationError` (`no_secret`). `options.now` and `options.skewSeconds` (30) govern expiry.
#[wasm_bindgen(js_name = verifyProxyToken, unchecked_return_type = "ProxyTokenClaims")]
pub fn verify_proxy_token(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | string[]")] secrets: JsValue,
    options: Option<super::types::VerifyProxyTokenOptionsArg>,
) -> std::result::Result<JsValue, JsValue> {
    let run = || -> Result<JsValue> {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        let o = Opts::new(&options, table::TABLE)?;
        let now = super::webhook::read_now(&o, table::NOW)?;
        let now_s = (now.unwrap_or_else(now_ms) / 1000.0).floor().max(0.0) as u64;
        let skew = o
            .number(table::SKEW_SECONDS)
            .unwrap_or(DEFAULT_SKEW_SECONDS as f64);
        if skew.is_nan() || skew < 0.0 {
            return Err(Error::config("options.skewSeconds must be 0 or more"));
        }
        let secrets = string_or_strings(&secrets, "secrets")?;
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let claims = verify(&string_arg(&token, "token")?, &refs, now_s, skew as u64)?;
        let out = Object::new();
        let _ = Reflect::set(&out, &"sub".into(), &claims.sub.into());
        let _ = Reflect::set(&out, &"exp".into(), &(claims.exp as f64).into());
        if let Some(models) = claims.models {
            let list: Array = models.into_iter().map(JsValue::from).collect();
            let _ = Reflect::set(&out, &"models".into(), &list);
        }
        Ok(out.into())
    };
    run().map_err(|e| errors::to_js(&e))
}
