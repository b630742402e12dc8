//! When to retry a failed request, and how long to wait first.
//!
//! The rule for *which* failures may be retried lives in [`Error::retryable`] (statuses 408,
//! 409, 429 unless the quota is spent, 500..=599, and connection failures); this module adds
//! what the response said about retrying, the attempt limit and the wait:
//!
//! 1. Give up once `attempt > max_retries` (`attempt` counts the attempts already made).
//! 2. For an error that is an HTTP status (its kind is the one
//!    [`ErrorKind::from_status`](super::error::ErrorKind::from_status) gives that status), `x-should-retry: true` forces a retry and
//!    `x-should-retry: false` forbids one, as openai-node does; the header overrides the
//!    status rule, quota codes included. Other header values are ignored.
//! 3. Otherwise [`Error::retryable`] decides. Timeouts, aborts, decoding, truncated streams,
//!    in-stream errors and configuration errors are never retried.
//! 4. The wait is what the server asked for, when it asked for 0 to 60 s: `retry-after-ms`
//!    (milliseconds), else `Retry-After` (seconds, or an HTTP date compared with `now_ms`).
//!    The first hint that parses is the one used; when it asks for a wait outside 0..=60 s
//!    (or a date in the past) the backoff below is used instead.
//! 5. The backoff is `min(initial * 2^(attempt-1), max) * (1 - 0.25 * jitter)`, `jitter` in
//!    `[0, 1)` supplied by the caller (values outside are clamped, NaN counts as 0).

use super::error::{Error, Result};
use super::time::parse_http_date;

/// The longest wait a server may ask for and be obeyed, in milliseconds.
pub const MAX_SERVER_DELAY_MS: f64 = 60_000.0;

/// How many times, and how patiently, to retry a request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2, so at most 3 attempts).
    pub max_retries: u32,
    /// The first backoff, in milliseconds (default 500).
    pub initial_delay_ms: f64,
    /// The longest backoff, in milliseconds (default 8000).
    pub max_delay_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 2,
            initial_delay_ms: 500.0,
            max_delay_ms: 8_000.0,
        }
    }
}

/// What the failed response said about retrying (all optional; raw header strings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetryHints {
    /// `retry-after-ms`: a wait in milliseconds (fractions allowed).
    pub retry_after_ms: Option<String>,
    /// `Retry-After`: a wait in seconds (fractions allowed) or an HTTP date.
    pub retry_after: Option<String>,
    /// `x-should-retry`: `true` or `false` (case-insensitive).
    pub should_retry: Option<String>,
}

/// A non-negative decimal number with no sign or exponent (`12`, `1.5`, `.5`, `3.`).
fn parse_decimal(s: &str) -> Option<f64> {
    let s = s.trim();
    let mut dots = 0;
    let mut any_digit = false;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => any_digit = true,
            b'.' => dots += 1,
            _ => return None,
        }
    }
    if !any_digit || dots > 1 {
        return None;
    }
    // The JSON number reader (correctly rounded, like `str::parse`, without core's float code).
    Some(super::json::parse_number(s.as_bytes())).filter(|v| v.is_finite())
}

impl RetryHints {
    /// `x-should-retry` as a boolean: `Some(true)`, `Some(false)`, or `None` when absent or
    /// neither word.
    pub fn should_retry_flag(&self) -> Option<bool> {
        let v = self.should_retry.as_deref()?.trim();
        if v.eq_ignore_ascii_case("true") {
            Some(true)
        } else if v.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }

    /// The wait the server asked for, in milliseconds, before any range check: from the
    /// first of `retry-after-ms` and `Retry-After` that parses. May be negative (a date in
    /// the past) or huge. `None` when neither header holds a number or a date.
    pub fn requested_delay_ms(&self, now_ms: f64) -> Option<f64> {
        if let Some(ms) = self.retry_after_ms.as_deref().and_then(parse_decimal) {
            return Some(ms);
        }
        let ra = self.retry_after.as_deref()?;
        if let Some(secs) = parse_decimal(ra) {
            return Some(secs * 1000.0);
        }
        let at = parse_http_date(ra)?;
        Some(at - now_ms).filter(|d| d.is_finite())
    }

    /// The server's requested wait when it is one to obey: between 0 and
    /// [`MAX_SERVER_DELAY_MS`] inclusive.
    pub fn server_delay_ms(&self, now_ms: f64) -> Option<f64> {
        self.requested_delay_ms(now_ms)
            .filter(|d| (0.0..=MAX_SERVER_DELAY_MS).contains(d))
    }
}

/// Whether `err` came from an HTTP error status (see [`Error::is_status_error`]).
pub fn is_status_error(err: &Error) -> bool {
    err.is_status_error()
}

/// Whether the failure may be retried, ignoring the attempt count: `x-should-retry` for
/// status errors, else the status rule ([`Error::retryable_given`]).
pub fn should_retry(err: &Error, hints: &RetryHints) -> bool {
    err.retryable_given(hints.should_retry_flag())
}

impl RetryPolicy {
    /// Checks that the delays are finite and not negative.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("initialDelayMs", self.initial_delay_ms),
            ("maxDelayMs", self.max_delay_ms),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::config(format!(
                    "{name} must be a finite number of milliseconds, 0 or more"
                )));
            }
        }
        Ok(())
    }

    /// The exponential backoff before retry number `attempt` (1 for the first retry; 0 is
    /// taken as 1): `min(initial * 2^(attempt-1), max) * (1 - 0.25 * jitter)`. Never negative
    /// nor NaN, whatever the policy holds.
    pub fn backoff_ms(&self, attempt: u32, jitter: f64) -> f64 {
        let exp = attempt.saturating_sub(1).min(62) as i32;
        let base = (self.initial_delay_ms * 2f64.powi(exp)).min(self.max_delay_ms);
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let d = base * (1.0 - 0.25 * jitter);
        if d.is_nan() {
            0.0
        } else {
            d.max(0.0)
        }
    }

    /// `attempt` = number of attempts already made (1 after the first failure). `now_ms` =
    /// epoch ms (for HTTP-date Retry-After). `jitter` in [0,1) supplied by the caller
    /// (Math.random). Returns Some(delay_ms) to retry, None to give up. See the module docs
    /// for the rules.
    pub fn next_delay(
        &self,
        attempt: u32,
        err: &Error,
        hints: &RetryHints,
        now_ms: f64,
        jitter: f64,
    ) -> Option<f64> {
        if attempt.max(1) > self.max_retries || !should_retry(err, hints) {
            return None;
        }
        Some(
            hints
                .server_delay_ms(now_ms)
                .unwrap_or_else(|| self.backoff_ms(attempt, jitter)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        for (s, want) in [("1", Some(1.0)), ("1.5", Some(1.5)), (" .5 ", Some(0.5))] {
            assert_eq!(parse_decimal(s), want, "{s:?}");
        }
        for s in ["", ".", "-1", "+1", "1e3", "inf", "NaN", "1.2.3", "1 2"] {
            assert_eq!(parse_decimal(s), None, "{s:?}");
        }
    }
}
