//! Outgoing webhooks: a signed HTTP/1.1 POST (plain http only), two attempts of 10 s each.

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper::Request;
use hyper_util::rt::TokioIo;
use sha2::Sha256;
use std::time::Duration;
use tokio::net::TcpStream;

/// Time allowed for one delivery attempt.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Delivery attempts.
const ATTEMPTS: usize = 2;

/// `v1=<hex HMAC-SHA256(secret, body)>`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Whether a `X-BASETEN-SIGNATURE` header (possibly several comma-separated `v1=` values)
/// holds a valid signature of `body`; compared in constant time.
pub fn verify(secret: &str, body: &[u8], header: &str) -> bool {
    header.split(',').map(str::trim).any(|sig| {
        let Some(hex_sig) = sig.strip_prefix("v1=") else {
            return false;
        };
        let Ok(bytes) = hex::decode(hex_sig) else {
            return false;
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(body);
        mac.verify_slice(&bytes).is_ok()
    })
}

/// An `http://` URL split into (host, port, path-and-query); None for anything else.
fn split_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let path = match path {
        "" => "/".to_string(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_string(),
    };
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => 80,
            None => return None,
        };
        (h.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse().ok()?),
            None => (authority.to_string(), 80),
        }
    };
    Some((host, port, path))
}

/// One POST; Ok(status) or an error text.
async fn post_once(url: &str, body: &[u8], request_id: &str, sig: &str) -> Result<u16, String> {
    let (host, port, path) = split_url(url).ok_or("unsupported webhook URL")?;
    let stream = TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let host_header = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let request = Request::post(path)
        .header("host", host_header)
        .header("content-type", "application/json")
        .header("user-agent", "baseten-mock-webhook")
        .header("x-baseten-request-id", request_id)
        .header("x-baseten-signature", sig)
        .body(Full::new(Bytes::copy_from_slice(body)))
        .map_err(|e| e.to_string())?;
    let resp = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    Ok(resp.status().as_u16())
}

/// Delivers a webhook; true when an attempt got a 2xx answer. https URLs are not supported
/// (the mock has no TLS) and count as failed.
pub async fn deliver(url: &str, body: &[u8], request_id: &str, secret: &str) -> bool {
    if split_url(url).is_none() {
        return false;
    }
    let sig = signature(secret, body);
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let sent = tokio::time::timeout(ATTEMPT_TIMEOUT, post_once(url, body, request_id, &sig));
        if let Ok(Ok(status)) = sent.await {
            if (200..300).contains(&status) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/__mock/webhook-sink?x=1"),
            Some(("127.0.0.1".into(), 8080, "/__mock/webhook-sink?x=1".into()))
        );
        assert_eq!(
            split_url("http://localhost"),
            Some(("localhost".into(), 80, "/".into()))
        );
        assert_eq!(
            split_url("http://[::1]:9/a"),
            Some(("::1".into(), 9, "/a".into()))
        );
        assert_eq!(split_url("https://example.com/"), None);
        assert_eq!(split_url("http://u@h/"), None);
    }

    #[test]
    fn signatures_verify() {
        let sig = signature("whsec-test", b"{}");
        assert!(verify("whsec-test", b"{}", &sig));
        assert!(verify("whsec-test", b"{}", &format!("v1=00, {sig}")));
        assert!(!verify("other", b"{}", &sig));
        assert!(!verify("whsec-test", b"{ }", &sig));
    }
}
