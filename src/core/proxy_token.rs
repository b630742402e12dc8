//! Proxy tokens: what a Worker in front of Baseten (examples/worker) accepts from your users, so
//! that only they spend the key it holds. Your backend mints a token for a user with the shared
//! secret; the Worker verifies it. Sans-IO: the caller gives the time.
//!
//! The format is compact: `base64url(payload) "." base64url(HMAC-SHA256(secret, base64url(payload)))`,
//! no padding, where the payload is the JSON object `{"sub", "exp", "models"?}`: the subject
//! (a user id: the rate-limit key), the expiry in Unix seconds, and optionally the only model
//! names the token may use.
//!
//! Verification ([`verify`]): each failure is an [`Error`] of kind [`ErrorKind::Authentication`]
//! with a `code`, and never the token in its message:
//! * `malformed_token`: not two base64url parts, or a payload that is not such an object;
//! * `bad_signature`: the MAC matches under none of the secrets (compared in constant time, all
//!   of them, for rotation);
//! * `expired_token`: `exp` is before now by more than the allowed clock skew.
//!
//! Whether a verified token may use a model is [`ProxyClaims::allows`].

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::error::{Error, ErrorKind, Result};
use super::json::{self, Value};
use super::webhook::hmac_sha256;

/// The default clock skew allowed on `exp`, in seconds.
pub const DEFAULT_SKEW_SECONDS: u64 = 30;

/// What a token says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyClaims {
    /// The subject: who the token is for (a user id).
    pub sub: String,
    /// Expiry, in Unix seconds.
    pub exp: u64,
    /// The only model names the token may use, when given.
    pub models: Option<Vec<String>>,
}

impl ProxyClaims {
    /// Whether the token may use `model` (any model when it names none).
    pub fn allows(&self, model: &str) -> bool {
        self.models
            .as_ref()
            .is_none_or(|m| m.iter().any(|allowed| allowed == model))
    }
}

fn fail(code: &str, message: &str) -> Error {
    Error::new(ErrorKind::Authentication, message).with_code(code)
}

fn check_secrets(secrets: &[&str]) -> Result<()> {
    if secrets.is_empty() || secrets.iter().any(|s| s.is_empty()) {
        return Err(
            Error::config("proxy tokens need one or more non-empty secrets").with_code("no_secret"),
        );
    }
    Ok(())
}

/// Mints a token for `claims` under `secret`.
pub fn mint(claims: &ProxyClaims, secret: &str) -> Result<String> {
    check_secrets(&[secret])?;
    if claims.sub.is_empty() {
        return Err(Error::config("a proxy token needs a sub (who it is for)"));
    }
    let mut payload = String::new();
    json::write_object(&mut payload, |o| {
        o.string("sub", &claims.sub)
            .number("exp", claims.exp as f64);
        if let Some(models) = &claims.models {
            let mut list = String::new();
            json::write_str_array(&mut list, models.iter().map(String::as_str));
            o.raw("models", &list);
        }
    });
    let mut token = URL_SAFE_NO_PAD.encode(payload.as_bytes());
    let mac = hmac_sha256(secret.as_bytes(), token.as_bytes());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(mac));
    Ok(token)
}

/// Verifies `token` under any of `secrets` at `now_s` (Unix seconds), allowing `skew_s` seconds
/// of clock skew on `exp`; returns its claims. See the module docs for the error codes.
pub fn verify(token: &str, secrets: &[&str], now_s: u64, skew_s: u64) -> Result<ProxyClaims> {
    check_secrets(secrets)?;
    let malformed = || fail("malformed_token", "the proxy token is malformed");
    let (payload, mac) = token.split_once('.').ok_or_else(malformed)?;
    let mac = URL_SAFE_NO_PAD.decode(mac).map_err(|_| malformed())?;
    if payload.is_empty() || mac.len() != 32 {
        return Err(malformed());
    }
    let mut matched = 0u8;
    for secret in secrets {
        let want = hmac_sha256(secret.as_bytes(), payload.as_bytes());
        // Constant time, and every secret compared whatever matched before.
        let diff = want.iter().zip(&mac).fold(0u8, |d, (a, b)| d | (a ^ b));
        matched |= u8::from(diff == 0);
    }
    if matched == 0 {
        return Err(fail(
            "bad_signature",
            "the proxy token's signature does not match",
        ));
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|_| malformed())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| malformed())?;
    let value = json::parse(text).map_err(|_| malformed())?;
    let claims = claims_of(&value).ok_or_else(malformed)?;
    if claims.exp.saturating_add(skew_s) < now_s {
        return Err(fail("expired_token", "the proxy token has expired"));
    }
    Ok(claims)
}

fn claims_of(value: &Value) -> Option<ProxyClaims> {
    let sub = value
        .get("sub")?
        .as_str()
        .filter(|s| !s.is_empty())?
        .to_string();
    let exp = value
        .get("exp")?
        .as_f64()
        .filter(|e| *e >= 0.0 && e.fract() == 0.0)? as u64;
    let models = match value.get("models") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|m| m.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()?,
        ),
        Some(_) => return None,
    };
    Some(ProxyClaims { sub, exp, models })
}
