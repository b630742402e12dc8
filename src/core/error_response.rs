//! Turns a non-success HTTP response into a typed [`Error`]: the status picks the kind
//! ([`ErrorKind::from_status`]), the body gives the message and code in any of the four shapes
//! servers send (`{"error": {...}}` OpenAI, `{"error": "text"}` Truss, `{"detail": ...}` FastAPI,
//! plain text or HTML), and the headers give a code when the body has none. The request id
//! comes from the caller: the JavaScript side reads it from every response by one rule
//! (`requestIdOf` in `src/web/call.js`).

use super::error::{Error, ErrorKind};
use super::json::{self, Value};

/// The longest server message copied into an error's `message` (the full body stays in `body`).
const MAX_MESSAGE_CHARS: usize = 500;

/// Builds the error for a response with a non-success `status`, its request id, its headers
/// (`header` looks one up by name, case-insensitively, as `Headers.get` does) and its body text.
pub fn from_response(
    status: u16,
    request_id: Option<String>,
    header: &dyn Fn(&str) -> Option<String>,
    body: &str,
) -> Error {
    let mut err = Error::new(ErrorKind::from_status(status), String::new());
    err.status = Some(status);
    err.request_id = request_id;
    let (message, code) = message_and_code(body);
    err.message = message.unwrap_or_else(|| status_line(status));
    err.code = code.or_else(|| header("x-baseten-error-code").filter(|c| !c.is_empty()));
    if !body.is_empty() {
        err.body = Some(body.to_string());
    }
    err
}

/// Extracts `(message, code)` from an error body of any known shape.
fn message_and_code(body: &str) -> (Option<String>, Option<String>) {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return (None, None);
    }
    match json::parse(trimmed) {
        Ok(value) => from_json(&value),
        Err(_) if looks_like_html(trimmed) => (html_title(trimmed).map(clip), None),
        Err(_) => (Some(clip(trimmed.to_string())), None),
    }
}

fn from_json(value: &Value) -> (Option<String>, Option<String>) {
    let top_code = value.get("error_code").and_then(scalar_text);
    match value.get("error") {
        // OpenAI: {"error": {"message", "type", "param", "code"}}
        Some(inner @ Value::Object(_)) => {
            let message = inner.get("message").and_then(text_of);
            let code = inner
                .get("code")
                .and_then(scalar_text)
                .or(top_code)
                .or_else(|| inner.get("type").and_then(scalar_text));
            (message.or_else(|| Some(compact(inner))), code)
        }
        // Truss / Baseten gateway: {"error": "text", "error_code"?: "..."}
        Some(Value::String(s)) => (Some(clip(s.clone())), top_code),
        Some(other) if !other.is_null() => (Some(compact(other)), top_code),
        _ => {
            // FastAPI: {"detail": "..."} or {"detail": [{...}]}; some servers: {"message": "..."}
            let message = value
                .get("detail")
                .or_else(|| value.get("message"))
                .and_then(text_of);
            (message, top_code)
        }
    }
}

/// A string as itself; any other non-null value as compact JSON.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(clip(s.clone())),
        other => Some(compact(other)),
    }
}

/// A code given as a string or a number.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
        Value::Number(n) => {
            let mut out = String::new();
            json::write_number(&mut out, *n);
            Some(out)
        }
        _ => None,
    }
}

fn compact(v: &Value) -> String {
    let mut out = String::new();
    v.write(&mut out);
    clip(out)
}

fn looks_like_html(s: &str) -> bool {
    let head: String = s.chars().take(64).collect::<String>().to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head")
}

/// The text of the first `<title>` (or `<h1>`) of an HTML error page.
fn html_title(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    for (open, close) in [("<title>", "</title>"), ("<h1>", "</h1>")] {
        if let Some(start) = super::find_str(&lower, open) {
            let from = start + open.len();
            if let Some(len) = lower
                .get(from..)
                .and_then(|rest| super::find_str(rest, close))
            {
                if let Some(text) = s.get(from..from + len) {
                    let text = text.trim();
                    if !text.is_empty() {
                        return Some(format!("{text} (HTML error page)"));
                    }
                }
            }
        }
    }
    Some("HTML error page".to_string())
}

/// Shortens a message to [`MAX_MESSAGE_CHARS`] characters.
fn clip(s: String) -> String {
    match s.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}...", &s[..cut]),
        None => s,
    }
}

/// `"HTTP 503 Service Unavailable"`, for responses without a usable body.
fn status_line(status: u16) -> String {
    let reason = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        499 => "Client Closed Request",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    };
    if reason.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status} {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn openai_shape() {
        let h = headers(&[]);
        let body = r#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#;
        let e = from_response(429, Some("req-openai".into()), &h, body);
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.message, "Rate limit reached");
        assert_eq!(e.code.as_deref(), Some("rate_limit_exceeded"));
        assert_eq!(e.request_id.as_deref(), Some("req-openai"));
        assert_eq!(e.status, Some(429));
        assert_eq!(e.body.as_deref(), Some(body));
    }

    #[test]
    fn openai_shape_numeric_and_null_code() {
        let code = |body| from_response(400, None, &headers(&[]), body).code;
        let numeric = r#"{"error":{"message":"bad","type":"invalid_request_error","code":400}}"#;
        assert_eq!(code(numeric).as_deref(), Some("400"));
        let null = r#"{"error":{"message":"bad","type":"invalid_request_error","code":null}}"#;
        assert_eq!(code(null).as_deref(), Some("invalid_request_error"));
    }

    #[test]
    fn truss_shape_and_the_header_code() {
        let h = headers(&[("X-BASETEN-ERROR-CODE", "600")]);
        let e = from_response(
            500,
            None,
            &h,
            r#"{"error":"Internal Server Error","error_code":"application_error"}"#,
        );
        assert_eq!(e.kind, ErrorKind::Server);
        assert_eq!(e.message, "Internal Server Error");
        assert_eq!(e.code.as_deref(), Some("application_error"));
        let e = from_response(502, None, &h, r#"{"error":"crashed"}"#);
        assert_eq!(
            e.code.as_deref(),
            Some("600"),
            "header code is the fallback"
        );
    }

    #[test]
    fn fastapi_shape() {
        let h = headers(&[]);
        let e = from_response(404, None, &h, r#"{"detail":"Item not found"}"#);
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.message, "Item not found");
        let e = from_response(
            422,
            None,
            &h,
            r#"{"detail":[{"loc":["body"],"msg":"field required"}]}"#,
        );
        assert_eq!(e.kind, ErrorKind::Unprocessable);
        assert!(e.message.contains("field required"), "{}", e.message);
    }

    #[test]
    fn plain_text_html_and_empty() {
        let h = headers(&[]);
        let e = from_response(500, None, &h, "upstream connect error");
        assert_eq!(e.message, "upstream connect error");
        let e = from_response(
            502,
            None,
            &h,
            "<html><head><title>502 Bad Gateway</title></head></html>",
        );
        assert_eq!(e.message, "502 Bad Gateway (HTML error page)");
        let e = from_response(503, None, &h, "");
        assert_eq!(e.message, "HTTP 503 Service Unavailable");
        assert_eq!(e.body, None);
        let e = from_response(418, None, &h, "  ");
        assert_eq!(e.message, "HTTP 418");
        assert_eq!(e.kind, ErrorKind::Api);
    }

    #[test]
    fn long_messages_are_clipped_but_body_is_kept() {
        let h = headers(&[]);
        let long = "é".repeat(2000);
        let e = from_response(500, None, &h, &long);
        assert!(e.message.chars().count() <= MAX_MESSAGE_CHARS + 3);
        assert_eq!(e.body.as_deref(), Some(long.as_str()));
    }
}
