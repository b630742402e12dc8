//! API-key check: `Authorization: Bearer KEY` or `Authorization: Api-Key KEY`.

use crate::reply::{baseten_error, Reply};
use crate::req::Req;
use hyper::StatusCode;

/// Whether the request carries the expected key in either accepted scheme (case-insensitive).
pub fn is_authorized(req: &Req, key: &str) -> bool {
    let Some(value) = req.header("authorization") else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    let scheme_ok = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("api-key");
    scheme_ok && constant_time_eq(token.trim().as_bytes(), key.as_bytes())
}

/// Compares two byte strings without an early exit on the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The gateway's 401; never echoes what was presented.
pub fn unauthorized() -> Reply {
    baseten_error(
        StatusCode::UNAUTHORIZED,
        "Invalid API key. Send it as 'Authorization: Api-Key <key>' or 'Authorization: Bearer <key>'.",
        "unauthorized",
    )
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn eq() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
