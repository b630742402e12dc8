//! Verifying the webhook Baseten posts when an async request completes.
//!
//! Baseten signs the raw body with each active webhook secret and sends
//! `X-BASETEN-SIGNATURE: v1=<hex>[,v1=<hex>...]` (several values while a secret is rotated).
//! [`verify_webhook`] accepts the body when any `v1` value equals HMAC-SHA256(secret, body)
//! for any of the caller's secrets, then checks that the body's `time` is within the tolerance
//! of now, which bounds how long a captured webhook can be replayed.
//!
//! Choices made where Baseten's docs leave room:
//! * Entries of the header are separated by commas, with optional whitespace around them
//!   (empty entries, as from a trailing comma, are skipped; `V1` counts as `v1`).
//!   Entries of another version (`v0=...`, `v2=...`) are ignored; an entry without `=`, or a
//!   `v1` value that is not 64 hex digits (either case), makes the header malformed.
//! * An empty secret is refused as a configuration error: an unset environment variable must
//!   not turn into a key anyone can sign with.
//! * The signature is checked before the body is parsed; the `time` check is symmetric (a
//!   time too far in the future fails as a stale one does). An infinite tolerance skips it.
//!
//! The MAC is RustCrypto's (`hmac` over `sha2`), compared with `Mac::verify_slice`, whose time
//! does not depend on where the signatures differ.
//!
//! Every failure is an [`Error`] with a code: `no_secret` ([`ErrorKind::Configuration`]),
//! and, all [`ErrorKind::WebhookVerification`], `missing_signature`, `malformed_signature`,
//! `signature_mismatch`, `invalid_body` and `timestamp_out_of_tolerance`.

use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::error::{Error, ErrorKind, Result};
use super::json::{self, Value};
use super::time::parse_iso8601;

/// The header that carries the signature (lower-case, as `fetch` `Headers` reports names).
pub const SIGNATURE_HEADER: &str = "x-baseten-signature";

/// Baseten's recommended tolerance between the body's `time` and now, in seconds.
pub const DEFAULT_TOLERANCE_SECONDS: f64 = 300.0;

/// How to check the body's `time`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VerifyOptions {
    /// How far the body's `time` may be from `now_ms`, in seconds (default 300; infinity
    /// disables the check).
    pub tolerance_seconds: f64,
    /// The current time, in epoch milliseconds (`Date.now()`). The default, 0, is only a
    /// placeholder: always set it.
    pub now_ms: f64,
}

impl Default for VerifyOptions {
    fn default() -> VerifyOptions {
        VerifyOptions {
            tolerance_seconds: DEFAULT_TOLERANCE_SECONDS,
            now_ms: 0.0,
        }
    }
}

impl VerifyOptions {
    /// The default tolerance, at `now_ms`.
    pub fn at(now_ms: f64) -> VerifyOptions {
        VerifyOptions {
            now_ms,
            ..VerifyOptions::default()
        }
    }
}

fn fail(code: &str, message: &str) -> Error {
    Error::new(ErrorKind::WebhookVerification, message).with_code(code)
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// 64 hex digits as 32 bytes.
fn decode_mac(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        *o = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
    }
    Some(out)
}

/// The `v1` signatures of a signature header, decoded. Errors: `missing_signature` for an
/// empty header, `malformed_signature` for a garbled one or one without any `v1` value.
pub fn parse_signature_header(header: &str) -> Result<Vec<[u8; 32]>> {
    let header = header.trim();
    if header.is_empty() {
        return Err(fail("missing_signature", "the webhook has no signature"));
    }
    let malformed = || {
        fail(
            "malformed_signature",
            "the webhook signature header is not a list of v1=<hex> values",
        )
    };
    let mut macs = Vec::new();
    for entry in header.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (version, value) = entry.split_once('=').ok_or_else(malformed)?;
        if version.trim().eq_ignore_ascii_case("v1") {
            macs.push(decode_mac(value.trim()).ok_or_else(malformed)?);
        }
    }
    if macs.is_empty() {
        return Err(malformed());
    }
    Ok(macs)
}

/// HMAC-SHA256 keyed with `key` and fed `data`, not yet finalised: the one place the MAC is
/// set up, for both signing and checking.
fn keyed_mac(key: &[u8], data: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data);
    mac
}

/// HMAC-SHA256 of `data` under `key` (RFC 2104; keys longer than a block are hashed first).
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    keyed_mac(key, data).finalize().into_bytes().into()
}

/// The signature header Baseten would send for `raw_body` under `secret`: `v1=<hex>`.
/// For tests and mock servers.
pub fn sign_webhook(secret: &str, raw_body: &[u8]) -> String {
    let mut out = String::from("v1=");
    for b in hmac_sha256(secret.as_bytes(), raw_body) {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Verifies a Baseten async webhook: `signature_header` = `v1=<hex>[,v1=<hex>...]` (several
/// during secret rotation, whitespace around commas ok, other version prefixes ignored); any
/// of `secrets` may match; HMAC-SHA256(secret, raw_body) compared in constant time; then the
/// body's JSON `time` (ISO-8601) must be within tolerance of now. Returns the parsed body
/// Value on success. See the module docs for the error codes.
pub fn verify_webhook(
    raw_body: &[u8],
    signature_header: &str,
    secrets: &[&str],
    opts: &VerifyOptions,
) -> Result<Value> {
    let text = verify_webhook_text(raw_body, signature_header, secrets, opts)?;
    json::parse(text).map_err(|_| fail("invalid_body", "the webhook body is not JSON"))
}

/// [`verify_webhook`] without building the payload: the checks are the same (the body is
/// checked to be JSON, and its `time` read, by a scan), and the body is returned as text for
/// the caller to parse (JavaScript's `JSON.parse`, say). Memory stays near the body's size.
pub fn verify_webhook_text<'a>(
    raw_body: &'a [u8],
    signature_header: &str,
    secrets: &[&str],
    opts: &VerifyOptions,
) -> Result<&'a str> {
    if secrets.is_empty() || secrets.iter().any(|s| s.is_empty()) {
        return Err(
            Error::config("webhook verification needs one or more non-empty secrets")
                .with_code("no_secret"),
        );
    }
    if opts.tolerance_seconds.is_nan() || opts.tolerance_seconds < 0.0 {
        return Err(Error::config(
            "toleranceSeconds must be a number, 0 or more",
        ));
    }
    if !opts.now_ms.is_finite() {
        return Err(Error::config(
            "now must be a finite time in epoch milliseconds",
        ));
    }

    let candidates = parse_signature_header(signature_header)?;
    let mut matched = false;
    for secret in secrets {
        let mac = keyed_mac(secret.as_bytes(), raw_body);
        for candidate in &candidates {
            // Constant time, and no early exit: every comparison runs whatever matched before.
            matched |= mac.clone().verify_slice(candidate).is_ok();
        }
    }
    if !matched {
        return Err(fail(
            "signature_mismatch",
            "the webhook signature does not match the body under any secret",
        ));
    }

    let invalid = |what: &str| fail("invalid_body", &format!("the webhook body {what}"));
    let text = std::str::from_utf8(raw_body).map_err(|_| invalid("is not UTF-8"))?;
    let time = json::top_level_string(text, "time")
        .map_err(|_| invalid("is not JSON"))?
        .ok_or_else(|| invalid("has no string `time`"))?;
    let sent_ms =
        parse_iso8601(&time).ok_or_else(|| invalid("has a `time` that is not ISO-8601"))?;
    if opts.tolerance_seconds.is_finite()
        && (opts.now_ms - sent_ms).abs() > opts.tolerance_seconds * 1000.0
    {
        return Err(fail(
            "timestamp_out_of_tolerance",
            &format!(
                "the webhook time {time} is more than {} s away from now",
                opts.tolerance_seconds as i64
            ),
        ));
    }
    Ok(text)
}
