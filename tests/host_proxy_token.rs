//! Host tests of the proxy tokens (core::proxy_token): minted tokens against ones computed
//! independently (Node's `crypto.createHmac` and `Buffer.toString("base64url")`, values pasted
//! below), and every way a token can be refused.
#![cfg(feature = "full")]

use baseten_edge::core::error::ErrorKind;
use baseten_edge::core::proxy_token::{mint, verify, ProxyClaims, DEFAULT_SKEW_SECONDS};

/// node -e: payload {"sub":"user-1","exp":1800000000,"models":["acme/llama-3-70b"]}, secret s3cret.
const NODE_TOKEN: &str = "eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE4MDAwMDAwMDAsIm1vZGVscyI6WyJhY21lL2xsYW1hLTMtNzBiIl19.GXooophw9ykftNMmajFq5lV7j9m4yRAH8YTxl0BcLDc";
/// node -e: payload {"sub":"u2","exp":100}, secret old-secret.
const NODE_OLD: &str = "eyJzdWIiOiJ1MiIsImV4cCI6MTAwfQ.qNJLiPDS5so7h1kFhGtbZqYpa4zFpZdhAgWI_TumhoU";

fn claims() -> ProxyClaims {
    ProxyClaims {
        sub: "user-1".into(),
        exp: 1_800_000_000,
        models: Some(vec!["acme/llama-3-70b".into()]),
    }
}

fn code_of(token: &str, secrets: &[&str], now: u64) -> String {
    let e = verify(token, secrets, now, DEFAULT_SKEW_SECONDS).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Authentication, "{e}");
    if token.len() > 3 {
        assert!(!e.message.contains(token) && !format!("{e:?}").contains(token));
    }
    e.code.unwrap_or_default()
}

#[test]
fn minted_tokens_are_the_independent_ones_and_verify() {
    assert_eq!(mint(&claims(), "s3cret").unwrap(), NODE_TOKEN);
    let got = verify(NODE_TOKEN, &["s3cret"], 1_700_000_000, 0).unwrap();
    assert_eq!(got, claims());
    assert!(got.allows("acme/llama-3-70b") && !got.allows("acme/fast"));
    let any = verify(NODE_OLD, &["old-secret"], 100, 0).unwrap();
    assert_eq!(any.models, None);
    assert!(any.allows("anything"));
}

#[test]
fn rotation_accepts_any_listed_secret() {
    assert!(verify(NODE_OLD, &["new-secret", "old-secret"], 50, 0).is_ok());
    assert!(verify(NODE_TOKEN, &["s3cret", "other"], 0, 0).is_ok());
    assert_eq!(code_of(NODE_OLD, &["new-secret"], 50), "bad_signature");
}

#[test]
fn expiry_allows_the_skew_and_no_more() {
    assert!(verify(NODE_OLD, &["old-secret"], 130, 30).is_ok());
    assert_eq!(code_of(NODE_OLD, &["old-secret"], 131), "expired_token");
}

#[test]
fn tampered_forged_and_malformed_tokens_are_refused() {
    let (payload, mac) = NODE_TOKEN.split_once('.').unwrap();
    // Another payload under the same MAC (a longer model list, a later exp).
    let forged = ProxyClaims {
        models: None,
        ..claims()
    };
    let other = mint(&forged, "not-the-secret").unwrap();
    let other_payload = other.split_once('.').unwrap().0;
    assert_eq!(
        code_of(&format!("{other_payload}.{mac}"), &["s3cret"], 0),
        "bad_signature"
    );
    assert_eq!(code_of(&other, &["s3cret"], 0), "bad_signature");
    // One flipped character of the MAC.
    let mut flipped = mac.to_string().into_bytes();
    flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
    let flipped = format!("{payload}.{}", String::from_utf8(flipped).unwrap());
    assert_eq!(code_of(&flipped, &["s3cret"], 0), "bad_signature");
    for bad in [
        "",
        ".",
        "abc",
        "abc.",
        ".abc",
        "a.b.c",
        "%%%.%%%",
        &format!("{payload}.{mac}x"),
    ] {
        assert_eq!(code_of(bad, &["s3cret"], 0), "malformed_token", "{bad:?}");
    }
    // Signed, but not the claims object: no sub, a string exp, models not strings.
    for body in [
        r#"{"exp":1}"#,
        r#"{"sub":"a","exp":"1"}"#,
        r#"{"sub":"a","exp":1,"models":[1]}"#,
        "[1]",
    ] {
        use base64::Engine as _;
        let p = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body);
        let m = baseten_edge::core::webhook::hmac_sha256(b"k", p.as_bytes());
        let t = format!(
            "{p}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(m)
        );
        assert_eq!(code_of(&t, &["k"], 0), "malformed_token", "{body}");
    }
}

#[test]
fn secrets_and_claims_are_checked() {
    assert_eq!(
        verify(NODE_TOKEN, &[], 0, 0).unwrap_err().kind,
        ErrorKind::Configuration
    );
    assert_eq!(
        verify(NODE_TOKEN, &[""], 0, 0).unwrap_err().kind,
        ErrorKind::Configuration
    );
    assert_eq!(
        mint(&claims(), "").unwrap_err().kind,
        ErrorKind::Configuration
    );
    let nobody = ProxyClaims {
        sub: String::new(),
        ..claims()
    };
    assert_eq!(
        mint(&nobody, "s").unwrap_err().kind,
        ErrorKind::Configuration
    );
}
