//! The batch calls with the semantics of Baseten's performance client: `batchPost`, `embed`,
//! `rerank` and `classify`. Many requests at bounded concurrency, results in input order,
//! per-request and total times, fail-fast or collected errors, a retry budget, hedging and a
//! progress callback. Splitting, budgets and reassembly rules live in `core::batch`.

use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal};

use super::call::{CallOpts, Client, Timeouts};
use super::client::Baseten;
use super::options::Opts;
use crate::core::batch::{plan_batches, BatchOptions, Budget, Reassembly};
use crate::core::error::{Error, ErrorKind, Result};
use crate::core::json;
use crate::core::url::Route;
use crate::web::abort::{stop_error, CallGuard, StopReason};
use crate::web::timer::{delay, now_ms};

/// One request of a batch call.
struct Job {
    url: String,
    body: String,
    /// The inputs it carries (for reassembly).
    inputs: Range<usize>,
}

/// How a batch call runs, read from its options.
struct Config {
    opts: BatchOptions,
    per_request: Timeouts,
    total_timeout_ms: Option<f64>,
    fail_fast: bool,
    progress: Option<Function>,
    signal: Option<AbortSignal>,
    headers: Vec<(String, String)>,
}

fn whole(o: &Opts, key: &str, default: usize) -> Result<usize> {
    match o.number(key)? {
        None => Ok(default),
        Some(n) if n.fract() == 0.0 && (0.0..=1e9).contains(&n) => Ok(n as usize),
        Some(_) => Err(Error::config(format!("{key} must be a whole number"))),
    }
}

fn read_config(value: &JsValue) -> Result<Config> {
    let o = Opts::new(value, "options")?;
    let d = BatchOptions::default();
    let opts = BatchOptions {
        batch_size: whole(&o, "batchSize", d.batch_size)?,
        max_chars_per_request: match o.number("maxCharsPerRequest")? {
            None => None,
            Some(_) => Some(whole(&o, "maxCharsPerRequest", 0)?),
        },
        max_concurrent_requests: whole(&o, "maxConcurrentRequests", d.max_concurrent_requests)?,
        max_retries: whole(&o, "maxRetries", d.max_retries as usize)? as u32,
        retry_budget: o.number("retryBudget")?.unwrap_or(d.retry_budget),
        hedge_delay_ms: o.millis("hedgeDelayMs")?,
        hedge_budget: o.number("hedgeBudget")?.unwrap_or(d.hedge_budget),
    };
    let per_request = o.millis("timeoutMs")?;
    opts.validate_with_timeout(per_request)?;
    Ok(Config {
        opts,
        per_request: Timeouts {
            total: per_request,
            ..Timeouts::default()
        },
        total_timeout_ms: o.millis("totalTimeoutMs")?,
        fail_fast: !o.boolean("collectErrors")?.unwrap_or(false),
        progress: o.function("onProgress")?,
        signal: o.signal("signal")?,
        headers: o.headers("headers")?,
    })
}

/// What one request ended with, and how long it took.
struct Outcome {
    result: Result<JsValue>,
    ms: f64,
}

/// The controllers of the requests in flight, aborted together when the batch stops.
#[derive(Clone, Default)]
struct Active {
    list: Rc<RefCell<Vec<(u64, AbortController)>>>,
    next_id: Rc<Cell<u64>>,
}

impl Active {
    fn add(&self, ctl: AbortController) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.list.borrow_mut().push((id, ctl));
        id
    }

    fn remove(&self, id: u64) {
        self.list.borrow_mut().retain(|(i, _)| *i != id);
    }

    /// Aborts every request in flight when `signal` fires; the link lasts while the returned
    /// guard lives.
    fn follow(&self, signal: &AbortSignal) -> Link {
        let list = self.list.clone();
        let listener = Closure::<dyn FnMut()>::new(move || {
            let ctls: Vec<AbortController> = list.borrow().iter().map(|(_, c)| c.clone()).collect();
            for ctl in ctls {
                ctl.abort();
            }
        });
        let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        Link {
            signal: signal.clone(),
            listener,
        }
    }
}

/// Removes the batch signal's listener when dropped.
struct Link {
    signal: AbortSignal,
    listener: Closure<dyn FnMut()>,
}

impl Drop for Link {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.listener.as_ref().unchecked_ref());
    }
}

/// Everything the workers of one call share.
struct Run {
    active: Active,
    client: Rc<Client>,
    jobs: Vec<Job>,
    config: Config,
    batch: CallGuard,
    next: Cell<usize>,
    done: Cell<usize>,
    first_error: RefCell<Option<Error>>,
    outcomes: RefCell<Vec<Option<Outcome>>>,
    retries: Rc<Budget>,
    hedges: Budget,
}

impl Run {
    /// Options for one request, stopped by its own controller (which the batch aborts when it
    /// stops: one listener on the batch signal, not one per request).
    fn call_opts(&self, own: AbortSignal) -> CallOpts {
        CallOpts::for_batch(
            vec![own],
            self.config.per_request,
            self.config.headers.clone(),
            self.config.opts.max_retries,
            self.retries.clone(),
        )
    }

    fn stopped(&self) -> bool {
        self.batch.reason().is_some()
            || (self.config.fail_fast && self.first_error.borrow().is_some())
    }
}

/// Sends job `i` once, on its own abort controller; the promise resolves (never rejects) with
/// `tag` once `slot` holds the outcome.
fn launch(
    run: &Rc<Run>,
    i: usize,
    tag: u32,
    slot: Rc<RefCell<Option<Result<JsValue>>>>,
) -> Result<(Promise, AbortController)> {
    let ctl = AbortController::new()
        .map_err(|_| Error::new(ErrorKind::Configuration, "AbortController is not available"))?;
    let run = run.clone();
    let opts = run.call_opts(ctl.signal());
    let id = run.active.add(ctl.clone());
    let promise = future_to_promise(async move {
        let job = &run.jobs[i];
        let result = run
            .client
            .json("POST", &job.url, Some(&job.body), &opts)
            .await;
        run.active.remove(id);
        *slot.borrow_mut() = Some(result);
        Ok(JsValue::from(tag))
    });
    Ok((promise, ctl))
}

async fn settled(p: &Promise) -> u32 {
    JsFuture::from(p.clone())
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0) as u32
}

fn take(slot: &Rc<RefCell<Option<Result<JsValue>>>>) -> Result<JsValue> {
    slot.borrow_mut()
        .take()
        .unwrap_or_else(|| Err(Error::new(ErrorKind::Aborted, "the request was abandoned")))
}

/// One job: a single request, or with hedging a duplicate after `hedgeDelayMs` (budget
/// permitting); the first success wins and the other request is aborted.
async fn one(run: &Rc<Run>, i: usize) -> Result<JsValue> {
    let first = Rc::new(RefCell::new(None));
    let (p1, c1) = launch(run, i, 1, first.clone())?;
    let Some(hedge_ms) = run.config.opts.hedge_delay_ms else {
        settled(&p1).await;
        return take(&first);
    };
    let (timer, _timer) = delay(hedge_ms);
    let raced = Promise::race(&Array::of2(&p1, &timer));
    if settled(&raced).await == 1 || !run.hedges.try_take() {
        settled(&p1).await;
        return take(&first);
    }
    let second = Rc::new(RefCell::new(None));
    let (p2, c2) = launch(run, i, 2, second.clone())?;
    let winner = settled(&Promise::race(&Array::of2(&p1, &p2))).await;
    let (win, lose, lose_ctl, lose_p) = if winner == 2 {
        (&second, &first, &c1, &p1)
    } else {
        (&first, &second, &c2, &p2)
    };
    let result = take(win);
    if result.is_ok() {
        lose_ctl.abort();
        return result;
    }
    settled(lose_p).await;
    match take(lose) {
        Ok(v) => Ok(v),
        Err(_) => result,
    }
}

/// Runs every job with at most `maxConcurrentRequests` in flight. Fails with the first error
/// (fail-fast) unless errors are collected; a stop of the whole call (signal, total timeout)
/// is its own error.
async fn run_jobs(
    client: Rc<Client>,
    jobs: Vec<Job>,
    config: Config,
) -> Result<(Vec<Outcome>, f64)> {
    let started = now_ms();
    let n = jobs.len();
    let batch = CallGuard::new(config.signal.clone())?;
    let _deadline = config.total_timeout_ms.map(|ms| batch.arm(ms, "deadline"));
    let active = Active::default();
    let _link = active.follow(&batch.signal());
    let run = Rc::new(Run {
        active,
        client,
        retries: Rc::new(config.opts.retry_budget_for(n)),
        hedges: config.opts.hedge_budget_for(n),
        jobs,
        config,
        batch,
        next: Cell::new(0),
        done: Cell::new(0),
        first_error: RefCell::new(None),
        outcomes: RefCell::new((0..n).map(|_| None).collect()),
    });
    let workers = Array::new();
    for _ in 0..run.config.opts.max_concurrent_requests.min(n) {
        let run = run.clone();
        workers.push(&future_to_promise(async move {
            while !run.stopped() {
                let i = run.next.get();
                if i >= n {
                    break;
                }
                run.next.set(i + 1);
                let t0 = now_ms();
                let result = one(&run, i).await;
                let cancelled = run.batch.reason().is_some()
                    && matches!(&result, Err(e) if e.kind == ErrorKind::Aborted);
                if cancelled {
                    // Stopped with the whole call: not an outcome of its own, no progress.
                    break;
                }
                if let Err(e) = &result {
                    if run.config.fail_fast && run.first_error.borrow().is_none() {
                        *run.first_error.borrow_mut() = Some(e.clone());
                        run.batch.stop(StopReason::User);
                    }
                }
                run.outcomes.borrow_mut()[i] = Some(Outcome {
                    result,
                    ms: now_ms() - t0,
                });
                run.done.set(run.done.get() + 1);
                if let Some(cb) = &run.config.progress {
                    let _ = cb.call2(
                        &JsValue::NULL,
                        &JsValue::from(run.done.get() as u32),
                        &JsValue::from(n as u32),
                    );
                }
            }
            Ok(JsValue::UNDEFINED)
        }));
    }
    let _ = JsFuture::from(Promise::all(&workers)).await;
    if let Some(e) = run.first_error.borrow_mut().take() {
        return Err(e);
    }
    if let Some(reason) = run.batch.reason() {
        return Err(stop_error(reason));
    }
    let outcomes = run
        .outcomes
        .borrow_mut()
        .drain(..)
        .map(|o| {
            o.unwrap_or(Outcome {
                result: Err(Error::new(ErrorKind::Aborted, "not sent")),
                ms: 0.0,
            })
        })
        .collect();
    Ok((outcomes, now_ms() - started))
}

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// The common result fields: times, and with collected errors the per-request errors.
fn summary(client: &Client, outcomes: &[Outcome], total_ms: f64, collect: bool) -> Object {
    let out = Object::new();
    let times: Array = outcomes.iter().map(|o| JsValue::from(o.ms)).collect();
    set(&out, "individualRequestTimesMs", &times);
    set(&out, "totalTimeMs", &JsValue::from(total_ms));
    if collect {
        let errors: Array = outcomes
            .iter()
            .map(|o| match &o.result {
                Ok(_) => JsValue::NULL,
                Err(e) => client.fail(e.clone()),
            })
            .collect();
        set(&out, "errors", &errors);
    }
    out
}

/// Reads an array of strings.
fn strings(value: &JsValue, what: &str) -> Result<Vec<String>> {
    if !Array::is_array(value) {
        return Err(Error::config(format!("{what} must be an array of strings")));
    }
    Array::from(value)
        .iter()
        .map(|v| {
            v.as_string()
                .ok_or_else(|| Error::config(format!("{what} must be an array of strings")))
        })
        .collect()
}

/// `"key":value` members for the optional fields an API call forwards.
fn members(o: &Opts, fields: &[(&str, &str)]) -> Result<String> {
    let mut out = String::new();
    for (js, wire) in fields {
        if let Some(v) = o.get(js) {
            let text = js_sys::JSON::stringify(&v)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| Error::config(format!("{js} must be a JSON value")))?;
            out.push(',');
            json::write_str(&mut out, wire);
            out.push(':');
            out.push_str(&text);
        }
    }
    Ok(out)
}

/// Jobs for a list of texts split by the batch rules; `body` builds one request's JSON from
/// its texts (as a JSON array).
fn text_jobs(
    texts: &[String],
    config: &Config,
    url: &str,
    body: impl Fn(&str) -> String,
) -> Vec<Job> {
    let lengths: Vec<usize> = texts.iter().map(|t| t.chars().count()).collect();
    plan_batches(&lengths, &config.opts)
        .into_iter()
        .map(|inputs| {
            let mut array = String::from("[");
            for (k, t) in texts[inputs.clone()].iter().enumerate() {
                if k > 0 {
                    array.push(',');
                }
                json::write_str(&mut array, t);
            }
            array.push(']');
            Job {
                url: url.to_string(),
                body: body(&array),
                inputs,
            }
        })
        .collect()
}

/// Places each result item (an object with a local `index`) at its global index.
fn reassemble(
    jobs: &[Job],
    outcomes: &[Outcome],
    n: usize,
    items_of: impl Fn(&JsValue) -> JsValue,
) -> Result<Array> {
    let out = Array::new_with_length(n as u32);
    for i in 0..n {
        out.set(i as u32, JsValue::NULL);
    }
    let mut places = Reassembly::new(n);
    let mut complete = true;
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let Ok(value) = &outcome.result else {
            complete = false;
            continue;
        };
        let items = items_of(value);
        if !Array::is_array(&items) {
            return Err(Error::new(
                ErrorKind::Decode,
                "a batch response has no result list",
            ));
        }
        for (pos, item) in Array::from(&items).iter().enumerate() {
            let local = get(&item, "index").as_f64().unwrap_or(pos as f64);
            let global = places.place(&job.inputs, local)?;
            if item.is_object() {
                set(item.unchecked_ref(), "index", &JsValue::from(global as u32));
            }
            out.set(global as u32, item);
        }
    }
    if complete {
        places.finish()?;
    }
    Ok(out)
}

#[wasm_bindgen]
impl Baseten {
    /// POSTs every payload to `.../sync/{route}` (one request each) at bounded concurrency;
    /// resolves to `{ data, individualRequestTimesMs, totalTimeMs, errors? }`, `data` in
    /// payload order.
    #[wasm_bindgen(js_name = batchPost, unchecked_return_type = "Promise<BatchPostResponse>")]
    pub fn batch_post(
        &self,
        route: String,
        #[wasm_bindgen(unchecked_param_type = "unknown[]")] payloads: JsValue,
        options: Option<super::types::BatchOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn(|c| async move {
            let config = read_config(&options)?;
            let url = c.endpoint.url(Route::Sync(&route))?;
            if !Array::is_array(&payloads) {
                return Err(Error::config("payloads must be an array"));
            }
            let mut jobs = Vec::new();
            for (i, p) in Array::from(&payloads).iter().enumerate() {
                let body = super::call::to_json(&p, "each payload")?;
                jobs.push(Job {
                    url: url.clone(),
                    body,
                    inputs: i..i + 1,
                });
            }
            let collect = !config.fail_fast;
            let (outcomes, total) = run_jobs(c.clone(), jobs, config).await?;
            let out = summary(&c, &outcomes, total, collect);
            let data: Array = outcomes
                .iter()
                .map(|o| o.result.clone().unwrap_or(JsValue::NULL))
                .collect();
            set(&out, "data", &data);
            Ok(out.into())
        })
    }

    /// Embeds `texts` through `{openaiBaseUrl}/embeddings` in batches; resolves to an
    /// OpenAI-shaped `{ object, data, model, usage }` with `data` in input order, plus times.
    #[wasm_bindgen(unchecked_return_type = "Promise<EmbedResponse>")]
    pub fn embed(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] texts: JsValue,
        options: Option<super::types::EmbedOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn(|c| async move {
            let model = Opts::new(&options, "options")?
                .string("model")?
                .ok_or_else(|| Error::config("embed needs options.model"))?;
            let mut model_json = String::new();
            json::write_str(&mut model_json, &model);
            let url = c.openai_url("embeddings")?;
            let fields = [
                ("dimensions", "dimensions"),
                ("encodingFormat", "encoding_format"),
                ("user", "user"),
            ];
            let done = text_batch(&c, &options, &texts, &fields, url, |input, extra| {
                format!("{{\"input\":{input},\"model\":{model_json}{extra}}}")
            })
            .await?;
            let data = reassemble(&done.jobs, &done.outcomes, done.inputs, |v| get(v, "data"))?;
            let (mut prompt, mut all) = (0.0, 0.0);
            for o in done.outcomes.iter().filter_map(|o| o.result.as_ref().ok()) {
                let usage = get(o, "usage");
                prompt += get(&usage, "prompt_tokens").as_f64().unwrap_or(0.0);
                all += get(&usage, "total_tokens").as_f64().unwrap_or(0.0);
            }
            let out = done.summary(&c);
            set(&out, "object", &"list".into());
            set(&out, "data", &data);
            set(&out, "model", &JsValue::from_str(&model));
            let usage = Object::new();
            set(&usage, "prompt_tokens", &prompt.into());
            set(&usage, "total_tokens", &all.into());
            set(&out, "usage", &usage);
            Ok(out.into())
        })
    }

    /// Reranks `texts` against `query` through `.../sync/rerank` in batches; resolves to
    /// `{ data: [{ index, score, text? }] }` in input order, plus times.
    #[wasm_bindgen(unchecked_return_type = "Promise<RerankResponse>")]
    pub fn rerank(
        &self,
        query: String,
        #[wasm_bindgen(unchecked_param_type = "string[]")] texts: JsValue,
        options: Option<super::types::RerankOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn(|c| async move {
            let mut query_json = String::new();
            json::write_str(&mut query_json, &query);
            let url = c.endpoint.url(Route::Sync("rerank"))?;
            let fields = [
                ("rawScores", "raw_scores"),
                ("returnText", "return_text"),
                ("truncate", "truncate"),
                ("truncationDirection", "truncation_direction"),
            ];
            let done = text_batch(&c, &options, &texts, &fields, url, |input, extra| {
                format!("{{\"query\":{query_json},\"texts\":{input}{extra}}}")
            })
            .await?;
            let data = reassemble(&done.jobs, &done.outcomes, done.inputs, |v| v.clone())?;
            let out = done.summary(&c);
            set(&out, "data", &data);
            Ok(out.into())
        })
    }

    /// Classifies `inputs` through `.../sync/predict` in batches; resolves to `{ data }` with
    /// one list of `{ label, score }` per input, in input order, plus times.
    #[wasm_bindgen(unchecked_return_type = "Promise<ClassifyResponse>")]
    pub fn classify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] inputs: JsValue,
        options: Option<super::types::ClassifyOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn(|c| async move {
            let url = c.endpoint.url(Route::Sync("predict"))?;
            let fields = [
                ("rawScores", "raw_scores"),
                ("truncate", "truncate"),
                ("truncationDirection", "truncation_direction"),
            ];
            let done = text_batch(&c, &options, &inputs, &fields, url, |input, extra| {
                format!("{{\"inputs\":{input}{extra}}}")
            })
            .await?;
            let data = Array::new_with_length(done.inputs as u32);
            for (job, outcome) in done.jobs.iter().zip(&done.outcomes) {
                let Ok(value) = &outcome.result else { continue };
                let items = Array::from(value);
                if !Array::is_array(value) || items.length() as usize != job.inputs.len() {
                    return Err(Error::new(
                        ErrorKind::Decode,
                        "a classify response does not have one result per input",
                    ));
                }
                for (k, item) in items.iter().enumerate() {
                    data.set((job.inputs.start + k) as u32, item);
                }
            }
            let out = done.summary(&c);
            set(&out, "data", &data);
            Ok(out.into())
        })
    }
}

/// A finished text batch call: its jobs, their outcomes and times.
struct TextBatch {
    jobs: Vec<Job>,
    outcomes: Vec<Outcome>,
    total_ms: f64,
    collect: bool,
    inputs: usize,
}

impl TextBatch {
    fn summary(&self, client: &Client) -> Object {
        summary(client, &self.outcomes, self.total_ms, self.collect)
    }
}

/// The shared steps of `embed`, `rerank` and `classify`: read the options and the texts,
/// forward the optional `fields`, split into jobs whose bodies `body(texts_json, extra)`
/// builds, and run them.
async fn text_batch(
    client: &Rc<Client>,
    options: &JsValue,
    texts: &JsValue,
    fields: &[(&str, &str)],
    url: String,
    body: impl Fn(&str, &str) -> String,
) -> Result<TextBatch> {
    let extra = members(&Opts::new(options, "options")?, fields)?;
    let config = read_config(options)?;
    let texts = strings(texts, "texts")?;
    let jobs = text_jobs(&texts, &config, &url, |input| body(input, &extra));
    let collect = !config.fail_fast;
    let (outcomes, total_ms) = run_jobs(client.clone(), jobs_ref(&jobs), config).await?;
    Ok(TextBatch {
        jobs,
        outcomes,
        total_ms,
        collect,
        inputs: texts.len(),
    })
}

/// A copy of the jobs for the runner (the originals stay for reassembly).
fn jobs_ref(jobs: &[Job]) -> Vec<Job> {
    jobs.iter()
        .map(|j| Job {
            url: j.url.clone(),
            body: j.body.clone(),
            inputs: j.inputs.clone(),
        })
        .collect()
}
