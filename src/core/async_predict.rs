//! Async predict: the request options and their documented ranges, the request body, and the
//! polling rules for waiting on a request (terminal statuses, back-off).

use super::error::{Error, Result};
use super::json;

/// How Baseten retries the model call of an async request (`inference_retry_config`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InferenceRetryConfig {
    /// 1..=10 attempts (Baseten's default 3).
    pub max_attempts: Option<f64>,
    /// 0..=10000 ms (default 1000).
    pub initial_delay_ms: Option<f64>,
    /// 0..=60000 ms (default 5000).
    pub max_delay_ms: Option<f64>,
}

/// Options of `POST .../async_predict`, in the units of the API.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AsyncOptions {
    /// Where Baseten posts the result: an `http(s)` URL (Baseten itself requires https).
    pub webhook_endpoint: Option<String>,
    /// 0..=2, lower runs first (default 0).
    pub priority: Option<f64>,
    /// 10..=259200 seconds (default 600).
    pub max_time_in_queue_seconds: Option<f64>,
    /// Retries of the model call.
    pub inference_retry_config: Option<InferenceRetryConfig>,
}

fn check_int(name: &str, value: Option<f64>, min: f64, max: f64) -> Result<()> {
    match value {
        Some(v) if !(v.is_finite() && v.fract() == 0.0 && (min..=max).contains(&v)) => {
            Err(Error::config(format!(
                "{name} must be a whole number from {} to {}",
                min as i64, max as i64
            )))
        }
        _ => Ok(()),
    }
}

impl AsyncOptions {
    /// Checks every option against the documented ranges.
    pub fn validate(&self) -> Result<()> {
        check_int("priority", self.priority, 0.0, 2.0)?;
        check_int(
            "maxTimeInQueueSeconds",
            self.max_time_in_queue_seconds,
            10.0,
            259_200.0,
        )?;
        if let Some(r) = &self.inference_retry_config {
            check_int(
                "inferenceRetryConfig.maxAttempts",
                r.max_attempts,
                1.0,
                10.0,
            )?;
            check_int(
                "inferenceRetryConfig.initialDelayMs",
                r.initial_delay_ms,
                0.0,
                10_000.0,
            )?;
            check_int(
                "inferenceRetryConfig.maxDelayMs",
                r.max_delay_ms,
                0.0,
                60_000.0,
            )?;
        }
        if let Some(url) = &self.webhook_endpoint {
            check_webhook_endpoint(url)?;
        }
        Ok(())
    }

    /// The request body, with `model_input_json` (already serialised JSON) as `model_input`.
    pub fn body(&self, model_input_json: &str) -> Result<String> {
        self.validate()?;
        let trimmed = model_input_json.trim_start();
        if !trimmed.starts_with('{') {
            return Err(Error::config("asyncPredict input must be a JSON object"));
        }
        let mut out = String::with_capacity(model_input_json.len() + 128);
        json::write_object(&mut out, |body| {
            body.raw("model_input", model_input_json);
            if let Some(url) = &self.webhook_endpoint {
                body.string("webhook_endpoint", url);
            }
            numbers(
                body,
                &[
                    ("priority", self.priority),
                    ("max_time_in_queue_seconds", self.max_time_in_queue_seconds),
                ],
            );
            if let Some(r) = &self.inference_retry_config {
                body.object("inference_retry_config", |retry| {
                    numbers(
                        retry,
                        &[
                            ("max_attempts", r.max_attempts),
                            ("initial_delay_ms", r.initial_delay_ms),
                            ("max_delay_ms", r.max_delay_ms),
                        ],
                    )
                });
            }
        });
        Ok(out)
    }
}

/// The members of `fields` that are set (whole numbers once validated, so written as integers).
fn numbers(object: &mut json::ObjectWriter, fields: &[(&str, Option<f64>)]) {
    for (key, value) in fields {
        if let Some(v) = value {
            object.number(key, *v);
        }
    }
}

/// Whether an async request status is final: polling can stop. Read in any case (a server
/// that says `succeeded` must not be polled forever).
pub fn is_terminal(status: &str) -> bool {
    [
        "SUCCEEDED",
        "FAILED",
        "EXPIRED",
        "CANCELED",
        "CANCELLED",
        "WEBHOOK_FAILED",
    ]
    .iter()
    .any(|t| t.eq_ignore_ascii_case(status.trim()))
}

/// The next polling interval: 1.5 times the last one, capped at `max_ms`.
pub fn next_poll_interval(last_ms: f64, max_ms: f64) -> f64 {
    (last_ms * 1.5).min(max_ms).max(1.0)
}

/// Baseten posts webhooks only to https URLs. Plain http is accepted for a loopback host
/// (`127.0.0.1`, `localhost`, `[::1]`), where a local mock plays the gateway. The URL must have
/// a host and no credentials, whitespace, control characters or fragment; a query is allowed.
fn check_webhook_endpoint(url: &str) -> Result<()> {
    const FIELD: &str = "webhookEndpoint";
    if url.contains('#') {
        return Err(Error::config(format!(
            "{FIELD} must not have a fragment (#)"
        )));
    }
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    if query
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
    {
        return Err(Error::config(format!(
            "{FIELD} has whitespace, control or non-ASCII characters in its query"
        )));
    }
    let normalized = super::url::normalize_base_url_named(FIELD, base)?;
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|origin| {
            normalized
                .strip_prefix(origin)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
        });
    if !normalized.starts_with("https://") && !loopback {
        return Err(Error::config(format!(
            "{FIELD} must be an https URL (plain http only to 127.0.0.1, localhost or [::1])"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_with_all_options() {
        let o = AsyncOptions {
            webhook_endpoint: Some("https://example.com/hook".into()),
            priority: Some(1.0),
            max_time_in_queue_seconds: Some(600.0),
            inference_retry_config: Some(InferenceRetryConfig {
                max_attempts: Some(3.0),
                initial_delay_ms: None,
                max_delay_ms: Some(5000.0),
            }),
        };
        assert_eq!(
            o.body(r#"{"x":1}"#).unwrap(),
            r#"{"model_input":{"x":1},"webhook_endpoint":"https://example.com/hook","priority":1,"max_time_in_queue_seconds":600,"inference_retry_config":{"max_attempts":3,"max_delay_ms":5000}}"#
        );
        assert_eq!(
            AsyncOptions::default().body("{}").unwrap(),
            r#"{"model_input":{}}"#
        );
        let empty_retry = AsyncOptions {
            priority: Some(-0.0),
            inference_retry_config: Some(InferenceRetryConfig::default()),
            ..Default::default()
        };
        assert_eq!(
            empty_retry.body(" {\"a\": [1, 2]}").unwrap(),
            r#"{"model_input": {"a": [1, 2]},"priority":0,"inference_retry_config":{}}"#
        );
    }

    #[test]
    fn webhook_endpoints_that_are_accepted() {
        for url in [
            "https://example.com/hook",
            "HTTPS://Example.com:8443/a/b?token=x&y=1",
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]:8080",
        ] {
            let o = AsyncOptions {
                webhook_endpoint: Some(url.into()),
                ..Default::default()
            };
            assert_eq!(o.validate(), Ok(()), "{url}");
        }
    }

    #[test]
    fn ranges_are_checked() {
        let bad = [
            AsyncOptions {
                priority: Some(3.0),
                ..Default::default()
            },
            AsyncOptions {
                priority: Some(-1.0),
                ..Default::default()
            },
            AsyncOptions {
                priority: Some(0.5),
                ..Default::default()
            },
            AsyncOptions {
                max_time_in_queue_seconds: Some(9.0),
                ..Default::default()
            },
            AsyncOptions {
                max_time_in_queue_seconds: Some(259_201.0),
                ..Default::default()
            },
            AsyncOptions {
                max_time_in_queue_seconds: Some(f64::NAN),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("ftp://x".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("https://x\r\nX: y".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("http://example.com/hook".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("https://".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("https:///path".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("https://user:pw@example.com/".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("https://exämple.com/".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("https://example.com/#frag".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("https://example.com/?a=b c".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("http://127.0.0.1.evil.com/".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some("http://localhost.evil.com/h".into()),
                ..Default::default()
            },
            AsyncOptions {
                webhook_endpoint: Some(" https://example.com".into()),
                ..Default::default()
            },
            AsyncOptions {
                inference_retry_config: Some(InferenceRetryConfig {
                    max_attempts: Some(11.0),
                    ..Default::default()
                }),
                ..Default::default()
            },
            AsyncOptions {
                inference_retry_config: Some(InferenceRetryConfig {
                    initial_delay_ms: Some(10_001.0),
                    ..Default::default()
                }),
                ..Default::default()
            },
            AsyncOptions {
                inference_retry_config: Some(InferenceRetryConfig {
                    max_delay_ms: Some(60_001.0),
                    ..Default::default()
                }),
                ..Default::default()
            },
        ];
        for o in bad {
            let e = o.body("{}").unwrap_err();
            assert_eq!(
                e.kind,
                crate::core::error::ErrorKind::Configuration,
                "{o:?}"
            );
        }
        assert!(AsyncOptions::default().body("[1]").is_err());
        assert!(AsyncOptions::default().body("null").is_err());
    }

    #[test]
    fn terminal_and_backoff() {
        for s in [
            "SUCCEEDED",
            "FAILED",
            "EXPIRED",
            "CANCELED",
            "WEBHOOK_FAILED",
            "succeeded",
            "Canceled",
            "CANCELLED",
        ] {
            assert!(is_terminal(s));
        }
        for s in ["QUEUED", "IN_PROGRESS", ""] {
            assert!(!is_terminal(s));
        }
        assert_eq!(next_poll_interval(1000.0, 10_000.0), 1500.0);
        assert_eq!(next_poll_interval(9000.0, 10_000.0), 10_000.0);
    }
}
