//! The batch calls with the semantics of Baseten's performance client: `batchPost`, `embed`,
//! `rerank` and `classify`. Many requests at bounded concurrency, results in input order,
//! per-request and total times, fail-fast or collected errors, a retry budget, hedging and a
//! progress callback. Splitting, budgets and reassembly rules live in `core::batch`.

use std::rc::Rc;

use js_sys::{Array, JsString, Object, Promise};
use wasm_bindgen::prelude::*;

use super::call::Requester;
use super::client::Baseten;
use super::options::{string_arg, Opts};
use crate::core::batch::{plan_batches, BatchOptions, Reassembly};
use crate::core::error::{Error, ErrorKind, Result};
use crate::core::json;
use crate::core::options::{batch, classify, embed, rerank, Table};
use crate::core::url::Route;
use run::{get, read_config, run_jobs, set, summary, Config, Job, Outcome};

mod run;

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

/// The options of `table` (and of the tables it extends, short of the batch options) that the
/// call forwards in its body, as they are set: their wire names (`rawScores` is sent as
/// `raw_scores`) and JSON texts. A required option is the call's own to send.
fn members(o: &Opts, table: &'static Table) -> Result<Vec<(String, String)>> {
    let mut chain = Vec::new();
    let mut t = Some(table);
    while let Some(x) = t.filter(|x| !std::ptr::eq(*x, batch::TABLE)) {
        chain.push(x);
        t = x.extends;
    }
    let mut out = Vec::new();
    for field in chain.iter().rev().flat_map(|t| t.fields) {
        let Some(v) = o.get(field).filter(|_| !field.required) else {
            continue;
        };
        let text = js_sys::JSON::stringify(&v)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| Error::config(format!("{} must be a JSON value", field.key)))?;
        out.push((snake_case(field.key), text));
    }
    Ok(out)
}

/// `rawScores` -> `raw_scores`.
fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// How a request carries its texts: `["a","b"]`, or one sequence per input, `[["a"],["b"]]`
/// (the embedding server's `predict_tokens`).
#[derive(Clone, Copy, PartialEq)]
enum Texts {
    Flat,
    OneSequenceEach,
}

/// Jobs for a list of texts split by the batch rules; `body` builds one request's JSON from
/// its texts (as a JSON array shaped by `shape`).
fn text_jobs(
    texts: &[String],
    shape: Texts,
    config: &Config,
    url: &str,
    body: &dyn Fn(&str) -> String,
) -> Vec<Job> {
    let lengths: Vec<usize> = texts.iter().map(|t| t.chars().count()).collect();
    plan_batches(&lengths, &config.opts)
        .into_iter()
        .map(|inputs| {
            let mut array = String::new();
            let items = texts[inputs.clone()].iter().map(String::as_str);
            if shape == Texts::Flat {
                json::write_str_array(&mut array, items);
            } else {
                array.push('[');
                for (k, item) in items.enumerate() {
                    array.push_str(if k > 0 { ",[" } else { "[" });
                    json::write_str(&mut array, item);
                    array.push(']');
                }
                array.push(']');
            }
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
    out.fill(&JsValue::NULL, 0, n as u32);
    // One JS string for the key, not one per item.
    let index = JsValue::from_str("index");
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
            let local = js_sys::Reflect::get(&item, &index)
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(pos as f64);
            let global = places.place(&job.inputs, local)?;
            if item.is_object() {
                let _ = js_sys::Reflect::set(&item, &index, &JsValue::from(global as u32));
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
        route: JsString,
        #[wasm_bindgen(unchecked_param_type = "unknown[]")] payloads: JsValue,
        options: Option<super::types::BatchOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn(|c| async move {
            let route = string_arg(&route, "route")?;
            let config = read_config(&Opts::new(&options, batch::TABLE)?, &c)?;
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
            let ranges: Vec<_> = jobs.iter().map(|j| j.inputs.clone()).collect();
            let (outcomes, total) = run_jobs(c.clone(), jobs, config).await?;
            let out = summary(&c, &ranges, &outcomes, total, collect);
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
            let model = Opts::new(&options, embed::TABLE)?
                .string(embed::MODEL)
                .ok_or_else(|| Error::config("embed needs options.model"))?;
            let url = c.openai_url("embeddings")?;
            let done = text_batch(
                &c,
                ("embed", Texts::Flat, embed::TABLE),
                &options,
                &texts,
                url,
                &|body, input| {
                    body.raw("input", input).string("model", &model);
                },
            )
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
        query: JsString,
        #[wasm_bindgen(unchecked_param_type = "string[]")] texts: JsValue,
        options: Option<super::types::RerankOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn(|c| async move {
            let query = string_arg(&query, "query")?;
            let url = c.endpoint.url(Route::Sync("rerank"))?;
            let done = text_batch(
                &c,
                ("rerank", Texts::Flat, rerank::TABLE),
                &options,
                &texts,
                url,
                &|body, input| {
                    body.string("query", &query).raw("texts", input);
                },
            )
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
        self.per_input_call("classify", "predict", Texts::Flat, inputs, options)
    }

    /// Token classification (named entities, ...) through the embedding server's
    /// `.../sync/predict_tokens`, in batches; resolves to `{ data }` with one list of tokens
    /// (`{ token, token_id, start, end, results: { label: score } }`, as the server sends them)
    /// per input, in input order, plus times. The options are classify's.
    #[wasm_bindgen(js_name = predictTokens, unchecked_return_type = "Promise<PredictTokensResponse>")]
    pub fn predict_tokens(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] inputs: JsValue,
        options: Option<super::types::ClassifyOptionsArg>,
    ) -> Promise {
        self.per_input_call(
            "predictTokens",
            "predict_tokens",
            Texts::OneSequenceEach,
            inputs,
            options,
        )
    }
}

impl Baseten {
    /// `classify` and `predictTokens`: `{"inputs": [...]}` to `.../sync/{route}` in batches,
    /// one result per input back in input order.
    fn per_input_call(
        &self,
        call: &'static str,
        route: &'static str,
        shape: Texts,
        inputs: JsValue,
        options: Option<super::types::ClassifyOptionsArg>,
    ) -> Promise {
        let options: JsValue = options.map(Into::into).unwrap_or_default();
        self.spawn(move |c| async move {
            let url = c.endpoint.url(Route::Sync(route))?;
            let head = |body: &mut json::ObjectWriter, input: &str| {
                body.raw("inputs", input);
            };
            let spec = (call, shape, classify::TABLE);
            let done = text_batch(&c, spec, &options, &inputs, url, &head).await?;
            done.per_input(&c, call)
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
    fn summary(&self, client: &Requester) -> Object {
        let ranges: Vec<_> = self.jobs.iter().map(|j| j.inputs.clone()).collect();
        summary(client, &ranges, &self.outcomes, self.total_ms, self.collect)
    }

    /// `{ data }` from responses that are arrays with one result per input of their request,
    /// put back in input order (a failed request's inputs stay empty when errors are collected).
    fn per_input(&self, client: &Requester, call: &str) -> Result<JsValue> {
        let data = Array::new_with_length(self.inputs as u32);
        for (job, outcome) in self.jobs.iter().zip(&self.outcomes) {
            let Ok(value) = &outcome.result else { continue };
            let items = Array::from(value);
            if !Array::is_array(value) || items.length() as usize != job.inputs.len() {
                return Err(Error::new(
                    ErrorKind::Decode,
                    format!("a {call} response does not have one result per input"),
                ));
            }
            for (k, item) in items.iter().enumerate() {
                data.set((job.inputs.start + k) as u32, item);
            }
        }
        let out = self.summary(client);
        set(&out, "data", &data);
        Ok(out.into())
    }
}

/// The shared steps of `embed`, `rerank` and `classify`: read the options and the texts,
/// forward the options of `table` the body carries, split into jobs, and run them. A job's body
/// is an object: the members `head(body, texts_json)` writes, then the forwarded options.
async fn text_batch(
    client: &Rc<Requester>,
    (call, shape, table): (&str, Texts, &'static Table),
    options: &JsValue,
    texts: &JsValue,
    url: String,
    head: &dyn Fn(&mut json::ObjectWriter, &str),
) -> Result<TextBatch> {
    let o = Opts::new(options, table)?;
    let extra = members(&o, table)?;
    if let Some(n) = o.number(batch::BATCH_SIZE) {
        BatchOptions::check_embedding_server(call, n)?;
    }
    let config = read_config(&o, client)?;
    let texts = strings(texts, "texts")?;
    let jobs = text_jobs(&texts, shape, &config, &url, &|input| {
        let mut body = String::with_capacity(input.len() + 64);
        json::write_object(&mut body, |o| {
            head(o, input);
            for (wire, text) in &extra {
                o.raw(wire, text);
            }
        });
        body
    });
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
