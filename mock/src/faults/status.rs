//! `status:CODE[:SHAPE][:extras]` faults: error bodies in the shapes real servers use, and
//! the retry hints (`retry-after-ms=N`, `retry-after=VALUE`, `retry-after-date=[-]S`,
//! `x-should-retry=true|false`, `code=NAME`).
//!
//! `retry-after=VALUE` is sent verbatim, so a test can send what a server should not
//! (`soon`, `-5`, `1.5`, `120`); `retry-after-date=S` sends an HTTP-date S seconds from now,
//! S negative for a date in the past.

use crate::reply::{Reply, JSON};
use crate::util;
use hyper::header::HeaderValue;
use hyper::StatusCode;
use serde_json::json;

/// The error body shape of a status fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `{"error":{"message","type","param","code"}}`
    OpenAi,
    /// `{"error":"text","error_code":"..."}` plus the Baseten error headers.
    Truss,
    /// `{"detail":"..."}`
    FastApi,
    /// A text/plain body.
    Text,
    /// A text/html error page.
    Html,
}

/// A parsed `status:` fault.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusFault {
    /// HTTP status, 200..=599.
    pub code: u16,
    /// Body shape (default truss).
    pub shape: Shape,
    /// `retry-after-ms` header value.
    pub retry_after_ms: Option<u64>,
    /// `retry-after` header, verbatim (seconds, or any text a server might send).
    pub retry_after: Option<String>,
    /// `retry-after` header as an HTTP-date this many seconds from now (negative: past).
    pub retry_after_date: Option<i64>,
    /// `x-should-retry` header.
    pub should_retry: Option<bool>,
    /// Error code name in the body.
    pub error_code: Option<String>,
}

impl StatusFault {
    /// Parses `CODE[:SHAPE][:name=value]...` (the part after `status:`).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut parts = spec.split(':');
        let code = parts
            .next()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|c| (200..=599).contains(c))
            .ok_or_else(|| format!("bad status fault '{spec}': CODE must be 200..=599"))?;
        let mut fault = StatusFault {
            code,
            shape: Shape::Truss,
            retry_after_ms: None,
            retry_after: None,
            retry_after_date: None,
            should_retry: None,
            error_code: None,
        };
        for part in parts.map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || format!("bad status fault option '{part}'");
            let num = |v: &str| v.parse::<u64>().map_err(|_| bad());
            match part.split_once('=') {
                None => {
                    fault.shape = match part {
                        "openai" => Shape::OpenAi,
                        "truss" | "baseten" => Shape::Truss,
                        "fastapi" => Shape::FastApi,
                        "text" => Shape::Text,
                        "html" => Shape::Html,
                        _ => return Err(bad()),
                    }
                }
                Some(("retry-after-ms", v)) => fault.retry_after_ms = Some(num(v)?),
                Some(("retry-after", v)) => {
                    // Any non-empty text a header may carry (`:` and `,` end the option).
                    HeaderValue::from_str(v)
                        .ok()
                        .filter(|_| !v.is_empty())
                        .ok_or_else(bad)?;
                    fault.retry_after = Some(v.to_string());
                }
                Some(("retry-after-date", v)) => {
                    fault.retry_after_date = Some(v.parse::<i64>().map_err(|_| bad())?)
                }
                Some(("x-should-retry", v)) => {
                    fault.should_retry = Some(v.parse::<bool>().map_err(|_| bad())?)
                }
                Some(("code", v)) if !v.is_empty() => fault.error_code = Some(v.to_string()),
                Some(_) => return Err(bad()),
            }
        }
        Ok(fault)
    }

    /// The error response.
    pub fn reply(&self) -> Reply {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let reason = status.canonical_reason().unwrap_or("Error");
        let quota = self.error_code.as_deref() == Some("insufficient_quota");
        let message = if quota {
            "You exceeded your current quota (mock fault).".to_string()
        } else {
            format!("Mock fault: {} {reason}", self.code)
        };
        let mut reply = match self.shape {
            Shape::OpenAi => {
                let kind = if quota {
                    "insufficient_quota"
                } else {
                    openai_type(self.code)
                };
                let code = self
                    .error_code
                    .clone()
                    .or_else(|| (self.code == 429).then(|| "rate_limit_exceeded".to_string()));
                let body = json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
                Reply::json(status, &body)
            }
            Shape::Truss => {
                let code = self
                    .error_code
                    .clone()
                    .unwrap_or_else(|| baseten_code(self.code).to_string());
                let body = json!({"error": message, "error_code": code});
                let source_code = if self.code < 500 { "700" } else { "600" };
                Reply::bytes(status, JSON, body.to_string())
                    .with_header("x-baseten-error-source", "04")
                    .with_header("x-baseten-error-code", source_code)
            }
            Shape::FastApi => Reply::json(status, &json!({ "detail": message })),
            Shape::Text => Reply::bytes(status, "text/plain; charset=utf-8", reason.to_string()),
            Shape::Html => Reply::bytes(
                status,
                "text/html",
                format!(
                    "<html>\r\n<head><title>{c} {reason}</title></head>\r\n<body>\r\n\
                     <center><h1>{c} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n\
                     </body>\r\n</html>\r\n",
                    c = self.code
                ),
            ),
        };
        if let Some(ms) = self.retry_after_ms {
            reply.set_header("retry-after-ms", &ms.to_string());
        }
        if let Some(v) = &self.retry_after {
            reply.set_header("retry-after", v);
        }
        if let Some(s) = self.retry_after_date {
            let at = util::now_secs().saturating_add_signed(s);
            reply.set_header("retry-after", &util::http_date(at));
        }
        if let Some(b) = self.should_retry {
            reply.set_header("x-should-retry", if b { "true" } else { "false" });
        }
        reply
    }
}

/// OpenAI's error `type` for a status.
fn openai_type(code: u16) -> &'static str {
    match code {
        400 | 404 | 409 | 413 | 422 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        429 => "rate_limit_error",
        _ if code >= 500 => "server_error",
        _ => "invalid_request_error",
    }
}

/// Baseten's `error_code` for a status.
fn baseten_code(code: u16) -> &'static str {
    match code {
        401 | 403 => "unauthorized",
        404 => "model_does_not_exist",
        408 | 504 => "timeout",
        413 => "payload_too_large",
        429 => "rate_limited",
        500 => "application_error",
        502 => "model_unavailable",
        503 => "model_not_ready",
        _ if code >= 500 => "internal_baseten_error",
        _ => "client_error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(f: &StatusFault) -> String {
        let reply = f.reply();
        reply.headers["retry-after"].to_str().unwrap().to_string()
    }

    #[test]
    fn retry_after_is_sent_verbatim() {
        for v in ["1", "120", "-5", "soon", "1.5", "0"] {
            let f = StatusFault::parse(&format!("429:retry-after={v}")).unwrap();
            assert_eq!(f.retry_after.as_deref(), Some(v));
            assert_eq!(header(&f), v);
        }
        for bad in ["429:retry-after=", "429:retry-after=a\u{7f}b"] {
            assert!(
                StatusFault::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn retry_after_date_may_be_past_or_far() {
        for s in [-5i64, 1, 120] {
            let f = StatusFault::parse(&format!("503:openai:retry-after-date={s}")).unwrap();
            assert_eq!(f.retry_after_date, Some(s));
            let before = util::now_secs();
            let got = header(&f);
            let after = util::now_secs();
            let want = |t: u64| util::http_date(t.saturating_add_signed(s));
            assert!(got == want(before) || got == want(after), "{s}: {got}");
        }
        for bad in [
            "503:retry-after-date=",
            "503:retry-after-date=x",
            "503:retry-after-date=1.5",
        ] {
            assert!(
                StatusFault::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }
}
