//! The fault matrix (tests/fault_matrix.json): every fault the mock can inject, met by the call
//! the row names, with the exact outcome: the typed error or success, the number of attempts
//! the mock saw, the waits between them and how long the call took. Never a hang: a row that
//! has not settled within [`ROW_LIMIT_MS`] fails and the next one runs (its call is left
//! pending, unaborted, so that every row meets its fault without a signal).

use baseten_edge::js::client::Baseten;
use js_sys::{Array, Object, Reflect};
use std::future::Future;
use std::task::Poll;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use super::support::*;

const MATRIX: &str = include_str!("../fault_matrix.json");

/// The longest a row's call may take before the row fails as a hang.
const ROW_LIMIT_MS: i32 = 20_000;

/// `f`'s output, or `None` when `ms` milliseconds pass first.
async fn within<T>(ms: i32, f: impl Future<Output = T>) -> Option<T> {
    let mut f = std::pin::pin!(f);
    let mut timer = std::pin::pin!(sleep(ms));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(v) = f.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        timer.as_mut().poll(cx).map(|()| None)
    })
    .await
}

/// Runs the row's call; `Ok(value)` or the error it ended with.
async fn run(c: &Baseten, call: &str, opts: JsValue) -> Result<JsValue, JsValue> {
    match call {
        "predict" => JsFuture::from(c.predict(json(r#"{"row":1}"#), opt(opts))).await,
        "stream" => {
            let s = JsFuture::from(
                c.predict_stream(json(r#"{"stream":true,"n":3,"interval_ms":10}"#), opt(opts)),
            )
            .await?;
            call0(&s, "text").await
        }
        "chat" => {
            let body =
                json(r#"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}"#);
            let s = JsFuture::from(c.chat().completions().create(body, opt(opts))).await?;
            call0(&s, "finalChatCompletion").await
        }
        "responses" => {
            let body = json(r#"{"model":"m","input":"hi","stream":true}"#);
            let s = JsFuture::from(c.responses().create(body, opt(opts))).await?;
            call0(&s, "finalResponse").await
        }
        "batchPost" => {
            let payloads = Array::of1(&json(r#"{"row":1}"#));
            JsFuture::from(c.batch_post("items/fault".into(), payloads.into(), opt(opts))).await
        }
        other => panic!("unknown call {other}"),
    }
}

async fn attempts_seen(key: &str) -> Vec<f64> {
    let log = mock_get(&format!("/__mock/requests?key={key}")).await;
    let mut times: Vec<f64> = Array::from(&log)
        .iter()
        .filter(|r| get(r, "method").as_string().as_deref() != Some("OPTIONS"))
        .map(|r| get(&r, "received_at_ms").as_f64().unwrap())
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

#[wasm_bindgen_test]
async fn every_fault_has_its_exact_outcome() {
    let matrix = json(MATRIX);
    let rows = Array::from(&get(&matrix, "rows"));
    let run_id = (js_sys::Math::random() * 1e9) as u64;
    let mut failures = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let fault = s(&row, "fault");
        let call = s(&row, "call");
        let expect = get(&row, "expect");
        let key = format!("w{run_id}-{i}");
        let mut client_opts = vec![
            ("apiKey", JsValue::from_str(KEY)),
            ("baseUrl", mock().into()),
            ("openaiBaseUrl", format!("{}/v1", mock()).into()),
        ];
        let extra = get(&row, "clientOptions");
        if extra.is_object() {
            for pair in Object::entries(extra.unchecked_ref()).iter() {
                let pair = Array::from(&pair);
                let k: &'static str = Box::leak(pair.get(0).as_string().unwrap().into_boxed_str());
                client_opts.push((k, pair.get(1)));
            }
        }
        let c = Baseten::new(Some(obj(&client_opts))).unwrap();
        let opts = obj(&[(
            "headers",
            obj(&[
                ("x-mock-fault", fault.clone().into()),
                ("x-mock-fault-key", key.clone().into()),
                ("x-mock-token-rate", "0".into()),
            ]),
        )]);
        let row_opts = get(&row, "options");
        if row_opts.is_object() {
            Object::assign(
                opts.unchecked_ref::<Object>(),
                row_opts.unchecked_ref::<Object>(),
            );
        }
        let label = format!("row {i} [{fault} / {call}]");
        let started = js_sys::Date::now();
        let Some(outcome) = within(ROW_LIMIT_MS, run(&c, &call, opts)).await else {
            failures.push(format!("{label}: no outcome within {ROW_LIMIT_MS} ms"));
            continue;
        };
        let elapsed = js_sys::Date::now() - started;
        if let Some(max) = get(&expect, "maxElapsedMs").as_f64() {
            if elapsed > max {
                failures.push(format!("{label}: took {elapsed} ms, more than {max} ms"));
            }
        }
        let seen = attempts_seen(&key).await;
        let want_attempts = get(&expect, "attempts").as_f64().unwrap() as usize;
        let may_repeat = get(&expect, "transportMayRepeat") == JsValue::TRUE;
        let seen_ok = seen.len() == want_attempts || (may_repeat && seen.len() > want_attempts);
        if !seen_ok {
            failures.push(format!(
                "{label}: the mock saw {} attempts, expected {want_attempts}",
                seen.len()
            ));
        }
        let gaps: Vec<f64> = seen.windows(2).map(|w| w[1] - w[0]).collect();
        if let Some(min) = get(&expect, "minGapMs").as_f64() {
            if gaps.iter().any(|g| *g < min) {
                failures.push(format!("{label}: waits {gaps:?} shorter than {min} ms"));
            }
        }
        if let Some(max) = get(&expect, "maxGapMs").as_f64() {
            if gaps.iter().any(|g| *g > max) {
                failures.push(format!("{label}: waits {gaps:?} longer than {max} ms"));
            }
        }
        match (outcome, get(&expect, "error").as_string()) {
            (Ok(v), None) => {
                let want = get(&expect, "value");
                if Reflect::has(&expect, &"value".into()).unwrap()
                    && stringify(&v) != stringify(&want)
                {
                    failures.push(format!(
                        "{label}: value {} != {}",
                        stringify(&v),
                        stringify(&want)
                    ));
                }
            }
            (Ok(v), Some(name)) => failures.push(format!(
                "{label}: expected {name}, got success {}",
                describe(&v)
            )),
            (Err(e), None) => {
                failures.push(format!("{label}: expected success, got {}", describe(&e)))
            }
            (Err(e), Some(name)) => {
                if get(&e, "name").as_string().as_deref() != Some(name.as_str()) {
                    failures.push(format!("{label}: expected {name}, got {}", describe(&e)));
                }
                if let Some(code) = get(&expect, "code").as_string() {
                    if get(&e, "code").as_string().as_deref() != Some(code.as_str()) {
                        failures.push(format!(
                            "{label}: expected code {code}, got {:?}",
                            get(&e, "code").as_string()
                        ));
                    }
                }
                let attempts = get(&e, "attempts").as_f64().unwrap_or(0.0) as usize;
                if attempts != want_attempts {
                    failures.push(format!(
                        "{label}: error.attempts = {attempts}, expected {want_attempts}"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.length(),
        failures.join("\n")
    );
}
