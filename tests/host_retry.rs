//! Host tests of the retry policy (which failures, how many times, how long to wait) and of
//! HTTP-date parsing for `Retry-After`.

use baseten_edge::core::error::{Error, ErrorKind};
use baseten_edge::core::retry::{
    is_status_error, should_retry, RetryHints, RetryPolicy, MAX_SERVER_DELAY_MS,
};
use baseten_edge::core::time::parse_http_date;

/// Wed, 21 Oct 2015 07:28:00 GMT.
const NOW: f64 = 1_445_412_480_000.0;

fn status(s: u16) -> Error {
    let mut e = Error::new(ErrorKind::from_status(s), "failed");
    e.status = Some(s);
    e
}

fn kind(k: ErrorKind) -> Error {
    Error::new(k, "failed")
}

fn hints(ms: Option<&str>, ra: Option<&str>, sr: Option<&str>) -> RetryHints {
    RetryHints {
        retry_after_ms: ms.map(str::to_string),
        retry_after: ra.map(str::to_string),
        should_retry: sr.map(str::to_string),
    }
}

fn none() -> RetryHints {
    RetryHints::default()
}

#[test]
fn which_statuses_are_retried() {
    let p = RetryPolicy::default();
    let retried = [408, 409, 429, 500, 501, 502, 503, 504, 520, 599];
    let refused = [400, 401, 402, 403, 404, 405, 410, 413, 415, 422, 451, 499];
    for s in retried {
        assert_eq!(
            p.next_delay(1, &status(s), &none(), NOW, 0.0),
            Some(500.0),
            "{s}"
        );
    }
    for s in refused {
        assert_eq!(p.next_delay(1, &status(s), &none(), NOW, 0.0), None, "{s}");
    }
}

#[test]
fn which_failure_kinds_are_retried() {
    let p = RetryPolicy::default();
    assert_eq!(
        p.next_delay(1, &kind(ErrorKind::Connection), &none(), NOW, 0.0),
        Some(500.0)
    );
    for k in [
        ErrorKind::Timeout,
        ErrorKind::Aborted,
        ErrorKind::Decode,
        ErrorKind::Configuration,
        ErrorKind::Truncated,
        ErrorKind::Stream,
    ] {
        assert_eq!(p.next_delay(1, &kind(k), &none(), NOW, 0.0), None, "{k:?}");
        // Even when the response they came from had a status, and the server said "retry".
        let mut e = kind(k);
        e.status = Some(503);
        let force = hints(None, None, Some("true"));
        assert_eq!(p.next_delay(1, &e, &force, NOW, 0.0), None, "{k:?} forced");
        assert!(!is_status_error(&e));
    }
}

#[test]
fn quota_exhausted_is_never_retried_unless_forced() {
    let p = RetryPolicy::default();
    for code in [
        "insufficient_quota",
        "quota_exceeded",
        "billing_hard_limit_reached",
    ] {
        let e = status(429).with_code(code);
        assert_eq!(p.next_delay(1, &e, &none(), NOW, 0.0), None, "{code}");
        let ra = hints(None, Some("1"), None);
        assert_eq!(
            p.next_delay(1, &e, &ra, NOW, 0.0),
            None,
            "{code} + Retry-After"
        );
        let force = hints(None, None, Some("true"));
        assert_eq!(
            p.next_delay(1, &e, &force, NOW, 0.0),
            Some(500.0),
            "{code} forced"
        );
    }
    let e = status(429).with_code("rate_limited");
    assert_eq!(p.next_delay(1, &e, &none(), NOW, 0.0), Some(500.0));
}

#[test]
fn x_should_retry_overrides_the_status_rule() {
    let p = RetryPolicy::default();
    // (status, header, retried?)
    let table: &[(u16, &str, bool)] = &[
        (400, "true", true),
        (401, "true", true),
        (404, "TRUE", true),
        (422, " true ", true),
        (503, "false", false),
        (429, "False", false),
        (500, "FALSE", false),
        (503, "yes", true),
        (400, "yes", false),
        (400, "1", false),
        (503, "", true),
    ];
    for &(s, header, want) in table {
        let h = hints(None, None, Some(header));
        assert_eq!(
            should_retry(&status(s), &h),
            want,
            "{s} x-should-retry {header:?}"
        );
        assert_eq!(
            p.next_delay(1, &status(s), &h, NOW, 0.0).is_some(),
            want,
            "{s} {header:?}"
        );
    }
    // Still within max_retries.
    let force = hints(None, None, Some("true"));
    assert_eq!(p.next_delay(3, &status(400), &force, NOW, 0.0), None);
}

#[test]
fn attempts_and_backoff() {
    let p = RetryPolicy::default();
    // (attempt, jitter, expected)
    let table: &[(u32, f64, Option<f64>)] = &[
        (0, 0.0, Some(500.0)),
        (1, 0.0, Some(500.0)),
        (2, 0.0, Some(1000.0)),
        (3, 0.0, None),
        (1, 0.5, Some(437.5)),
        (2, 0.999, Some(1000.0 * (1.0 - 0.25 * 0.999))),
    ];
    for &(attempt, jitter, want) in table {
        assert_eq!(
            p.next_delay(attempt, &status(503), &none(), NOW, jitter),
            want,
            "attempt {attempt} jitter {jitter}"
        );
    }
    let many = RetryPolicy {
        max_retries: 100,
        ..RetryPolicy::default()
    };
    let backoffs: Vec<f64> = (1..=7).map(|a| many.backoff_ms(a, 0.0)).collect();
    assert_eq!(
        backoffs,
        [500.0, 1000.0, 2000.0, 4000.0, 8000.0, 8000.0, 8000.0]
    );
    assert_eq!(many.backoff_ms(u32::MAX, 0.0), 8000.0);
    assert_eq!(many.backoff_ms(5, 1.0), 6000.0);
    // Jitter outside [0, 1) is clamped; NaN counts as 0.
    assert_eq!(many.backoff_ms(1, -3.0), 500.0);
    assert_eq!(many.backoff_ms(1, 7.0), 375.0);
    assert_eq!(many.backoff_ms(1, f64::NAN), 500.0);
    let never = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    };
    for attempt in [0, 1, 2] {
        assert_eq!(
            never.next_delay(attempt, &status(503), &none(), NOW, 0.0),
            None
        );
    }
}

#[test]
fn odd_policies_never_give_nan_or_negative_waits() {
    let odd = [
        (0.0, 8000.0),
        (f64::NAN, 8000.0),
        (500.0, f64::NAN),
        (-5.0, 100.0),
        (f64::INFINITY, f64::INFINITY),
        (1e308, 1e308),
    ];
    for (initial, max) in odd {
        let p = RetryPolicy {
            max_retries: u32::MAX,
            initial_delay_ms: initial,
            max_delay_ms: max,
        };
        for attempt in [0, 1, 2, 64, u32::MAX] {
            for jitter in [0.0, 0.5, f64::NAN] {
                let d = p.backoff_ms(attempt, jitter);
                assert!(!d.is_nan() && d >= 0.0, "{initial} {max} {attempt}: {d}");
            }
        }
    }
    assert!(RetryPolicy::default().validate().is_ok());
    for (initial, max) in [(-1.0, 10.0), (f64::NAN, 10.0), (10.0, f64::INFINITY)] {
        let p = RetryPolicy {
            max_retries: 1,
            initial_delay_ms: initial,
            max_delay_ms: max,
        };
        assert_eq!(p.validate().unwrap_err().kind, ErrorKind::Configuration);
    }
}

#[test]
fn server_requested_waits() {
    let p = RetryPolicy::default();
    let backoff = Some(500.0);
    // (retry-after-ms, retry-after, expected wait before attempt 2)
    let table: &[(Option<&str>, Option<&str>, Option<f64>)] = &[
        (Some("1500"), None, Some(1500.0)),
        (Some("250.5"), None, Some(250.5)),
        (Some(" 0 "), None, Some(0.0)),
        (Some("60000"), None, Some(60_000.0)),
        (Some("60001"), None, backoff),
        (Some("-5"), None, backoff),
        (Some("soon"), None, backoff),
        (Some("1e3"), None, backoff),
        (None, Some("2"), Some(2000.0)),
        (None, Some("1.5"), Some(1500.0)),
        (None, Some("0"), Some(0.0)),
        (None, Some("60"), Some(60_000.0)),
        (None, Some("61"), backoff),
        (None, Some("3600"), backoff),
        (None, Some("-1"), backoff),
        (None, Some("NaN"), backoff),
        (None, Some("inf"), backoff),
        (None, Some(""), backoff),
        // HTTP dates, compared with NOW = Wed, 21 Oct 2015 07:28:00 GMT.
        (None, Some("Wed, 21 Oct 2015 07:28:30 GMT"), Some(30_000.0)),
        (
            None,
            Some("Wednesday, 21-Oct-15 07:28:45 GMT"),
            Some(45_000.0),
        ),
        (None, Some("Wed Oct 21 07:28:10 2015"), Some(10_000.0)),
        (None, Some("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0.0)),
        (None, Some("Wed, 21 Oct 2015 07:27:59 GMT"), backoff),
        (None, Some("Wed, 21 Oct 2015 07:30:00 GMT"), backoff),
        (None, Some("Wed, 21 Oct 2015 07:28:30"), backoff),
        // retry-after-ms wins over Retry-After; an unparsable one gives way to it.
        (Some("100"), Some("5"), Some(100.0)),
        (Some("x"), Some("5"), Some(5000.0)),
        // The first hint that parses decides, even when it is out of range.
        (Some("90000"), Some("5"), backoff),
    ];
    for &(ms, ra, want) in table {
        let h = hints(ms, ra, None);
        assert_eq!(
            p.next_delay(1, &status(429), &h, NOW, 0.0),
            want,
            "retry-after-ms {ms:?} retry-after {ra:?}"
        );
    }
    // The server's wait is not jittered, and does not lift the attempt limit.
    let h = hints(None, Some("2"), None);
    assert_eq!(p.next_delay(1, &status(503), &h, NOW, 0.9), Some(2000.0));
    assert_eq!(p.next_delay(3, &status(503), &h, NOW, 0.0), None);
    // Nor does it make a non-retryable failure retryable.
    assert_eq!(p.next_delay(1, &status(400), &h, NOW, 0.0), None);
    assert_eq!(
        hints(Some("70000"), None, None).requested_delay_ms(NOW),
        Some(70_000.0)
    );
    assert_eq!(
        hints(None, Some("Wed, 21 Oct 2015 07:27:00 GMT"), None).requested_delay_ms(NOW),
        Some(-60_000.0)
    );
    assert_eq!(MAX_SERVER_DELAY_MS, 60_000.0);
}

#[test]
fn http_dates() {
    let nov94 = Some(784_111_777_000.0);
    let table: &[(&str, Option<f64>)] = &[
        ("Sun, 06 Nov 1994 08:49:37 GMT", nov94),
        ("Sunday, 06-Nov-94 08:49:37 GMT", nov94),
        ("Sun Nov  6 08:49:37 1994", nov94),
        ("Sun Nov 06 08:49:37 1994", nov94),
        ("sun, 06 nov 1994 08:49:37 gmt", nov94),
        ("Sun, 06 Nov 1994 08:49:37 UTC", nov94),
        ("  Sun, 06 Nov 1994 08:49:37 GMT  ", nov94),
        ("Sun, 6 Nov 1994 08:49:37 GMT", nov94),
        ("Sun, 06-Nov-1994 08:49:37 GMT", nov94),
        ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0.0)),
        ("Tue, 29 Feb 2000 00:00:00 GMT", Some(951_782_400_000.0)),
        ("Wed, 21 Oct 2015 07:28:00 GMT", Some(NOW)),
        (
            "Wednesday, 06-Nov-69 08:49:37 GMT",
            Some(3_150_953_377_000.0),
        ),
        // Refused.
        ("", None),
        ("Sun, 06 Nov 1994 08:49:37", None),
        ("Sun, 06 Nov 1994 08:49:37 PST", None),
        ("Sun 06 Nov 1994 08:49:37 GMT", None),
        ("Funday, 06 Nov 1994 08:49:37 GMT", None),
        ("Sun, 06 Foo 1994 08:49:37 GMT", None),
        ("Sun, 31 Feb 1994 08:49:37 GMT", None),
        ("Sun, 29 Feb 1900 08:49:37 GMT", None),
        ("Sun, 06 Nov 1994 24:00:00 GMT", None),
        ("Sun, 06 Nov 1994 08:60:00 GMT", None),
        ("Sun, 06 Nov 1994 8:49:37 GMT", None),
        ("Sun, 06 Nov 94 08:49:37 GMT", None),
        ("Sun, 006 Nov 1994 08:49:37 GMT", None),
        ("Sun, 06 Nov 1994 08:49:37:00 GMT", None),
        ("Sunday, 06-Nov-94-1 08:49:37 GMT", None),
        ("Sun Nov  6 08:49:37", None),
        ("1994-11-06T08:49:37Z", None),
        ("120", None),
        ("Sun, +6 Nov 1994 08:49:37 GMT", None),
    ];
    for &(s, want) in table {
        assert_eq!(parse_http_date(s), want, "{s:?}");
    }
    let long = format!("Sun, 06 Nov 1994 08:49:37 GMT{}", " ".repeat(100) + "x");
    assert_eq!(parse_http_date(&long), None);
}
