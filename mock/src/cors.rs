//! CORS: headers on every response and the answer to preflight requests.

use crate::reply::Reply;
use crate::req::Req;
use hyper::header::{HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS};
use hyper::{HeaderMap, StatusCode};

/// Response headers a browser script may read.
const EXPOSE: &str = "X-BASETEN-REQUEST-ID, x-request-id, retry-after, retry-after-ms, \
x-should-retry, X-BASETEN-ERROR-CODE, X-BASETEN-ERROR-SOURCE";

/// Adds the CORS headers every response carries.
pub fn add_headers(headers: &mut HeaderMap) {
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE),
    );
}

/// Answers an OPTIONS preflight on any path: 204, allowing what was asked for.
pub fn preflight(req: &Req) -> Reply {
    let mut allow: Vec<&str> = vec!["Authorization", "Content-Type"];
    if let Some(asked) = req.header("access-control-request-headers") {
        for h in asked.split(',').map(str::trim).filter(|h| !h.is_empty()) {
            if !allow.iter().any(|a| a.eq_ignore_ascii_case(h)) {
                allow.push(h);
            }
        }
    }
    let allow = allow.join(", ");
    let mut reply = Reply::bytes(StatusCode::NO_CONTENT, "text/plain", "");
    reply.headers.remove("content-type");
    reply
        .with_header(
            "access-control-allow-methods",
            "GET,POST,PUT,PATCH,DELETE,OPTIONS",
        )
        .with_header("access-control-allow-headers", &allow)
        .with_header("access-control-max-age", "600")
}
