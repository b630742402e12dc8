//! The one error type of the crate, and the kinds it can be.
//!
//! Every failure a caller can see is an [`Error`]: HTTP statuses are mapped to a kind by
//! [`ErrorKind::from_status`] (the only place that mapping lives), transport and decoding
//! problems have kinds of their own. An `Error` never holds the API key: callers pass the key to
//! [`Error::redact`] before an error leaves the crate, and `Debug`/`Display` print only fields.

use std::fmt;

/// What went wrong, coarse enough to branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// 400.
    BadRequest,
    /// 401.
    Authentication,
    /// 403 (and 402 billing problems are reported as [`ErrorKind::Api`]).
    PermissionDenied,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 413.
    PayloadTooLarge,
    /// 422.
    Unprocessable,
    /// 429.
    RateLimited,
    /// Any 5xx.
    Server,
    /// Any other non-success status (402, 408, 499, unknown 4xx).
    Api,
    /// The request never got a response: DNS, refused, reset, CORS, a network error.
    Connection,
    /// A headers, idle or total deadline passed.
    Timeout,
    /// The caller aborted.
    Aborted,
    /// The response could not be decoded: bad JSON, invalid UTF-8, an oversized event.
    Decode,
    /// A stream ended before its protocol said it was complete.
    Truncated,
    /// The server reported an error inside an otherwise successful stream.
    Stream,
    /// The client was configured or called wrongly; raised before any request.
    Configuration,
    /// A webhook delivery failed its signature or time check (`verifyWebhook`).
    WebhookVerification,
}

impl ErrorKind {
    /// Every kind: the one list from which the JavaScript error classes, their TypeScript
    /// declarations and the CLI's exit codes are generated (`scripts/gen.sh`).
    pub const ALL: [ErrorKind; 18] = [
        ErrorKind::Api,
        ErrorKind::BadRequest,
        ErrorKind::Authentication,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::PayloadTooLarge,
        ErrorKind::Unprocessable,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::Connection,
        ErrorKind::Timeout,
        ErrorKind::Aborted,
        ErrorKind::Decode,
        ErrorKind::Truncated,
        ErrorKind::Stream,
        ErrorKind::Configuration,
        ErrorKind::WebhookVerification,
    ];

    /// The kind whose JavaScript class this kind's class extends (`None`: `BasetenError`
    /// itself), as openai-node arranges its errors: every failure of a request is an
    /// `APIError`; a timeout is an `APIConnectionError`.
    pub fn parent(self) -> Option<ErrorKind> {
        match self {
            ErrorKind::Api | ErrorKind::Configuration | ErrorKind::WebhookVerification => None,
            ErrorKind::Timeout => Some(ErrorKind::Connection),
            _ => Some(ErrorKind::Api),
        }
    }

    /// The CLI's exit code for this kind (`baseten-edge`, docs/cli.md).
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Configuration => 3,
            ErrorKind::BadRequest => 10,
            ErrorKind::Authentication => 11,
            ErrorKind::PermissionDenied => 12,
            ErrorKind::NotFound => 13,
            ErrorKind::Conflict => 14,
            ErrorKind::PayloadTooLarge => 15,
            ErrorKind::Unprocessable => 16,
            ErrorKind::RateLimited => 17,
            ErrorKind::Server => 18,
            ErrorKind::Api => 19,
            ErrorKind::Connection => 20,
            ErrorKind::Timeout => 21,
            ErrorKind::Decode => 22,
            ErrorKind::Truncated => 23,
            ErrorKind::Stream => 24,
            ErrorKind::WebhookVerification => 26,
            ErrorKind::Aborted => 130,
        }
    }

    /// What this kind means, one line (the doc comment of its JavaScript class).
    pub fn summary(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "400 Bad Request.",
            ErrorKind::Authentication => "401: the API key is missing or wrong.",
            ErrorKind::PermissionDenied => "403: the key may not use this model.",
            ErrorKind::NotFound => "404: no such model, deployment or route.",
            ErrorKind::Conflict => "409 Conflict (retried).",
            ErrorKind::PayloadTooLarge => "413: the request body is too large.",
            ErrorKind::Unprocessable => "422: the body was understood but refused.",
            ErrorKind::RateLimited => "429: too many requests (retried, honouring Retry-After).",
            ErrorKind::Server => "5xx: the server failed (retried).",
            ErrorKind::Api => {
                "A request failed: any HTTP error status, and the parent of every request failure."
            }
            ErrorKind::Connection => "No response came: DNS, refused, reset, CORS (retried).",
            ErrorKind::Timeout => {
                "A deadline passed: `code` is `deadline`, `headers_timeout` or `idle_timeout`."
            }
            ErrorKind::Aborted => "The caller aborted (its signal, `abort()`, a closed stream).",
            ErrorKind::Decode => "The response could not be decoded (bad JSON, bad UTF-8).",
            ErrorKind::Truncated => "A stream ended before its protocol said it was complete.",
            ErrorKind::Stream => "The server reported an error inside a stream.",
            ErrorKind::Configuration => {
                "The client was configured or called wrongly; nothing was sent."
            }
            ErrorKind::WebhookVerification => {
                "A webhook failed its check: `code` says why (`signature_mismatch`, ...)."
            }
        }
    }

    /// Maps an HTTP status that is not a success to its kind. The only place this rule lives.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            413 => ErrorKind::PayloadTooLarge,
            422 => ErrorKind::Unprocessable,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Api,
        }
    }

    /// A stable snake_case name for this kind (`rate_limited`, `timeout`, ...), the `kind`
    /// property of JS errors and the CLI's vocabulary.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Authentication => "authentication",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::PayloadTooLarge => "payload_too_large",
            ErrorKind::Unprocessable => "unprocessable",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Api => "api",
            ErrorKind::Connection => "connection",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Decode => "decode",
            ErrorKind::Truncated => "truncated",
            ErrorKind::Stream => "stream",
            ErrorKind::Configuration => "configuration",
            ErrorKind::WebhookVerification => "webhook_verification",
        }
    }

    /// The JavaScript `Error.name` for this kind (openai-node's names where they overlap).
    pub fn js_name(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "BadRequestError",
            ErrorKind::Authentication => "AuthenticationError",
            ErrorKind::PermissionDenied => "PermissionDeniedError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::Conflict => "ConflictError",
            ErrorKind::PayloadTooLarge => "PayloadTooLargeError",
            ErrorKind::Unprocessable => "UnprocessableEntityError",
            ErrorKind::RateLimited => "RateLimitError",
            ErrorKind::Server => "InternalServerError",
            ErrorKind::Api => "APIError",
            ErrorKind::Connection => "APIConnectionError",
            ErrorKind::Timeout => "TimeoutError",
            ErrorKind::Aborted => "AbortError",
            ErrorKind::Decode => "DecodeError",
            ErrorKind::Truncated => "TruncatedStreamError",
            ErrorKind::Stream => "StreamError",
            ErrorKind::Configuration => "ConfigurationError",
            ErrorKind::WebhookVerification => "WebhookVerificationError",
        }
    }
}

/// A failure, with everything the server told us about it.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// A human-readable message: the server's own message when it sent one.
    pub message: String,
    /// The HTTP status, when a response was received.
    pub status: Option<u16>,
    /// `X-BASETEN-REQUEST-ID`, else `x-request-id`.
    pub request_id: Option<String>,
    /// The machine-readable code: Baseten's `error_code`, OpenAI's `error.code`/`type`,
    /// `X-BASETEN-ERROR-CODE`, or our own (`headers_timeout`, `idle_timeout`, ...).
    pub code: Option<String>,
    /// The raw response body, when there was one.
    pub body: Option<String>,
    /// How many attempts were made before giving up (1 when there was no retry).
    pub attempts: u32,
    /// What the server said with `x-should-retry: true|false`, when it said it.
    pub should_retry: Option<bool>,
}

impl Error {
    /// A new error of `kind` with `message` and nothing else.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            status: None,
            request_id: None,
            code: None,
            body: None,
            attempts: 1,
            should_retry: None,
        }
    }

    /// A configuration error: the caller's input was refused before any request.
    pub fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Configuration, message)
    }

    /// Sets the machine-readable code.
    pub fn with_code(mut self, code: impl Into<String>) -> Error {
        self.code = Some(code.into());
        self
    }

    /// Whether retrying the same request may succeed: what the server said with
    /// `x-should-retry` (see [`Error::retryable_given`]), else the status rule.
    pub fn retryable(&self) -> bool {
        self.retryable_given(self.should_retry)
    }

    /// Whether this failure came from an HTTP error status (rather than a transport, timeout,
    /// decoding or stream failure that happens to carry the status of its response).
    pub fn is_status_error(&self) -> bool {
        matches!(self.status, Some(s) if s >= 400 && ErrorKind::from_status(s) == self.kind)
    }

    /// Whether retrying may succeed when the server said `server_says` (`x-should-retry`):
    /// for a status error that word decides; otherwise statuses 408, 409, 429 (unless the
    /// quota is spent) and 5xx, and connection failures, are retryable.
    pub fn retryable_given(&self, server_says: Option<bool>) -> bool {
        if let (Some(flag), true) = (server_says, self.is_status_error()) {
            return flag;
        }
        match self.kind {
            ErrorKind::Connection => true,
            ErrorKind::RateLimited => !self.is_quota_exhausted(),
            ErrorKind::Conflict | ErrorKind::Server => true,
            ErrorKind::Api => self.status == Some(408),
            _ => false,
        }
    }

    /// A 429 whose code says the quota is spent: waiting will not help.
    pub fn is_quota_exhausted(&self) -> bool {
        matches!(
            self.code.as_deref(),
            Some("insufficient_quota" | "quota_exceeded" | "billing_hard_limit_reached")
        )
    }

    /// Removes `secret` from the error's text fields. Called with the API key on every error
    /// before it leaves the crate, so that a server echoing the key back cannot leak it through
    /// an error (see [`scrub`] for what counts as an occurrence).
    pub fn redact(mut self, secret: &str) -> Error {
        if secret.is_empty() {
            return self;
        }
        self.message = scrub(&self.message, secret);
        for field in [&mut self.request_id, &mut self.code, &mut self.body] {
            if let Some(s) = field.as_mut() {
                *s = scrub(s, secret);
            }
        }
        self
    }
}

/// Secrets shorter than this are replaced only where they stand alone (`Bearer x`, `key=x,`),
/// so that a dummy key such as `x` does not mangle every word of a message.
const SHORT_SECRET: usize = 8;

/// `text` with each occurrence of `secret` replaced by `[REDACTED]`, and with a cut-off start
/// of the secret at the end of the text (a message clipped in the middle of an echoed key)
/// replaced too.
pub fn scrub(text: &str, secret: &str) -> String {
    const MARK: &str = "[REDACTED]";
    let long = secret.len() >= SHORT_SECRET;
    let is_word =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    // `text.match_indices(secret)`, without the two-way searcher (see `find_str`).
    let mut pos = 0;
    while let Some(i) = text
        .get(pos..)
        .and_then(|rest| super::find_str(rest, secret))
    {
        let at = pos + i;
        let end = at + secret.len();
        if long || !(is_word(text[..at].chars().next_back()) || is_word(text[end..].chars().next()))
        {
            out.push_str(&text[from..at]);
            out.push_str(MARK);
            from = end;
        }
        // An empty secret matches at every character boundary.
        pos = match (secret.is_empty(), text[end..].chars().next()) {
            (false, _) => end,
            (true, Some(c)) => end + c.len_utf8(),
            (true, None) => break,
        };
    }
    out.push_str(&text[from..]);
    if long {
        let clip = ["...", "\u{2026}"]
            .into_iter()
            .find(|m| out.ends_with(m))
            .unwrap_or("");
        let body_len = out.len() - clip.len();
        let prefix = (SHORT_SECRET..secret.len())
            .rev()
            .filter(|&k| secret.is_char_boundary(k))
            .find(|&k| out[..body_len].ends_with(&secret[..k]));
        if let Some(k) = prefix {
            out.truncate(body_len - k);
            out.push_str(MARK);
            out.push_str(clip);
        }
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.js_name())?;
        if let Some(status) = self.status {
            write!(f, " ({status})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("code", &self.code)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_matches_as_match_indices() {
        // The replacements scrub made with `str::match_indices`, short and empty secrets too.
        fn old(text: &str, secret: &str) -> String {
            let is_word = |c: Option<char>| {
                c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            };
            let (mut out, mut from) = (String::new(), 0);
            for (at, _) in text.match_indices(secret) {
                let end = at + secret.len();
                if !(is_word(text[..at].chars().next_back()) || is_word(text[end..].chars().next()))
                {
                    out.push_str(&text[from..at]);
                    out.push_str("[REDACTED]");
                    from = end;
                }
            }
            out.push_str(&text[from..]);
            out
        }
        for (text, secret) in [
            ("key x, x; xx (x)", "x"),
            ("a é, b", ""),
            ("", ""),
            ("aaa", "aa"),
            ("k=ab ab", "ab"),
        ] {
            assert_eq!(
                scrub(text, secret),
                old(text, secret),
                "{text:?} {secret:?}"
            );
        }
    }

    #[test]
    fn status_table() {
        let table = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Authentication),
            (402, ErrorKind::Api),
            (403, ErrorKind::PermissionDenied),
            (404, ErrorKind::NotFound),
            (408, ErrorKind::Api),
            (409, ErrorKind::Conflict),
            (413, ErrorKind::PayloadTooLarge),
            (422, ErrorKind::Unprocessable),
            (429, ErrorKind::RateLimited),
            (499, ErrorKind::Api),
            (500, ErrorKind::Server),
            (502, ErrorKind::Server),
            (503, ErrorKind::Server),
            (504, ErrorKind::Server),
        ];
        for (status, kind) in table {
            assert_eq!(ErrorKind::from_status(status), kind, "status {status}");
        }
    }

    #[test]
    fn retryable_statuses() {
        let mk = |s: u16| {
            let mut e = Error::new(ErrorKind::from_status(s), "x");
            e.status = Some(s);
            e
        };
        for s in [408, 409, 429, 500, 502, 503, 504] {
            assert!(mk(s).retryable(), "{s} should be retryable");
        }
        for s in [400, 401, 402, 403, 404, 413, 422] {
            assert!(!mk(s).retryable(), "{s} should not be retryable");
        }
        assert!(!mk(429).with_code("insufficient_quota").retryable());
        assert!(Error::new(ErrorKind::Connection, "reset").retryable());
    }

    #[test]
    fn redact_scrubs_every_text_field() {
        let key = "sk-very-secret-123";
        let mut e = Error::new(ErrorKind::Authentication, format!("bad key {key}"));
        e.body = Some(format!("{{\"error\":\"{key}\"}}"));
        e.code = Some(key.to_string());
        let e = e.redact(key);
        let all = format!("{e} {e:?} {:?} {:?}", e.body, e.code);
        assert!(!all.contains(key), "{all}");
        assert!(e.message.contains("[REDACTED]"));
    }

    #[test]
    fn redact_catches_a_key_cut_off_by_a_clipped_message() {
        let key = "abcd1234.SECRETSECRETSECRETSECRET0123";
        for cut in [8, 20, key.len() - 1] {
            for tail in ["", "...", "\u{2026}"] {
                let msg = format!("{}key={}{tail}", "x".repeat(40), &key[..cut]);
                let e = Error::new(ErrorKind::Authentication, msg).redact(key);
                assert!(!e.message.contains(&key[..8]), "{cut}: {}", e.message);
                assert!(
                    e.message.ends_with(&format!("key=[REDACTED]{tail}")),
                    "{}",
                    e.message
                );
            }
        }
        // A short tail that merely looks like the key's start is left alone.
        let e = Error::new(ErrorKind::Server, "ends with abcd").redact(key);
        assert_eq!(e.message, "ends with abcd");
    }

    #[test]
    fn a_short_key_is_redacted_only_where_it_stands_alone() {
        let mut e = Error::new(
            ErrorKind::BadRequest,
            "max_tokens exceeds context; key x, x=x",
        );
        e.body = Some("{\"error\":\"bad key: x\"}".into());
        let e = e.redact("x");
        assert_eq!(
            e.message,
            "max_tokens exceeds context; key [REDACTED], [REDACTED]=[REDACTED]"
        );
        assert_eq!(
            e.body.as_deref(),
            Some("{\"error\":\"bad key: [REDACTED]\"}")
        );
        // Keys of 8 characters or more are replaced wherever they occur.
        let e = Error::new(ErrorKind::Server, "prefix12345678suffix").redact("12345678");
        assert_eq!(e.message, "prefix[REDACTED]suffix");
    }

    #[test]
    fn display_has_name_status_and_request_id() {
        let mut e = Error::new(ErrorKind::RateLimited, "slow down");
        e.status = Some(429);
        e.request_id = Some("req-1".into());
        assert_eq!(
            e.to_string(),
            "RateLimitError (429): slow down [request id req-1]"
        );
    }
}
