//! Running a batch call's requests: the options it reads, bounded concurrency, hedging, the
//! retry budget, abort and the per-request outcomes it sums up.

use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal};

use crate::core::batch::{BatchOptions, Budget};
use crate::core::error::{Error, ErrorKind, Result};
use crate::core::options::{batch, Field};
use crate::js::call::{CallOpts, Requester, Timeouts};
use crate::js::options::Opts;
use crate::web::abort::{no_abort_controller, stop_error, CallGuard, StopReason};
use crate::web::timer::{delay, now_ms};

/// One request of a batch call.
pub(super) struct Job {
    pub(super) url: String,
    pub(super) body: String,
    /// The inputs it carries (for reassembly).
    pub(super) inputs: Range<usize>,
}

/// How a batch call runs, read from its options.
pub(super) struct Config {
    pub(super) opts: BatchOptions,
    pub(super) per_request: Timeouts,
    pub(super) total_timeout_ms: Option<f64>,
    pub(super) fail_fast: bool,
    pub(super) progress: Option<Function>,
    pub(super) signal: Option<AbortSignal>,
    pub(super) headers: Vec<(String, String)>,
}

fn whole(o: &Opts, field: &Field, default: usize) -> Result<usize> {
    match o.number(field) {
        None => Ok(default),
        Some(n) if n.fract() == 0.0 && (0.0..=1e9).contains(&n) => Ok(n as usize),
        Some(_) => Err(Error::config(format!(
            "{} must be a whole number",
            field.key
        ))),
    }
}

/// The batch options; `maxRetries` defaults to the client's.
pub(super) fn read_config(o: &Opts, client: &Requester) -> Result<Config> {
    let d = BatchOptions {
        max_retries: client.retry.max_retries,
        ..BatchOptions::default()
    };
    let opts = BatchOptions {
        batch_size: whole(o, batch::BATCH_SIZE, d.batch_size)?,
        max_chars_per_request: match o.number(batch::MAX_CHARS_PER_REQUEST) {
            None => None,
            Some(_) => Some(whole(o, batch::MAX_CHARS_PER_REQUEST, 0)?),
        },
        max_concurrent_requests: whole(
            o,
            batch::MAX_CONCURRENT_REQUESTS,
            d.max_concurrent_requests,
        )?,
        max_retries: whole(o, batch::MAX_RETRIES, d.max_retries as usize)? as u32,
        retry_budget: o.number(batch::RETRY_BUDGET).unwrap_or(d.retry_budget),
        hedge_delay_ms: o.number(batch::HEDGE_DELAY_MS),
        hedge_budget: o.number(batch::HEDGE_BUDGET).unwrap_or(d.hedge_budget),
    };
    let per_request = o.number(batch::TIMEOUT_MS);
    opts.validate_with_timeout(per_request)?;
    Ok(Config {
        opts,
        per_request: Timeouts {
            total: per_request,
            ..Timeouts::default()
        },
        total_timeout_ms: o.number(batch::TOTAL_TIMEOUT_MS),
        fail_fast: !o.boolean(batch::COLLECT_ERRORS).unwrap_or(false),
        progress: o.function(batch::ON_PROGRESS),
        signal: o.signal(batch::SIGNAL),
        headers: o.headers(batch::HEADERS)?,
    })
}

/// What one request ended with, and how long it took.
pub(super) struct Outcome {
    pub(super) result: Result<JsValue>,
    pub(super) ms: f64,
}

/// The controllers of the workers and of the hedged requests in flight, aborted together when
/// the batch stops.
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
    client: Rc<Requester>,
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
    /// Options for one request, stopped by `own`: its worker's signal or its own controller
    /// (either aborted by the batch when it stops: one listener on the batch signal, not one per
    /// request).
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

/// Sends job `i` once on an abort controller of its own (a hedged request: the losing copy is
/// aborted; the batch aborts it when it stops); the promise resolves (never rejects) with `tag`
/// once `slot` holds the outcome.
fn launch(
    run: &Rc<Run>,
    i: usize,
    tag: u32,
    slot: Rc<RefCell<Option<Result<JsValue>>>>,
) -> Result<(Promise, AbortController)> {
    let ctl = controller()?;
    let run = run.clone();
    let opts = run.call_opts(ctl.signal());
    let id = run.active.add(ctl.clone());
    let promise = future_to_promise(async move {
        let result = send(&run, i, &opts).await;
        run.active.remove(id);
        *slot.borrow_mut() = Some(result);
        Ok(JsValue::from(tag))
    });
    Ok((promise, ctl))
}

/// Sends job `i` once.
async fn send(run: &Run, i: usize, opts: &CallOpts) -> Result<JsValue> {
    let job = &run.jobs[i];
    run.client
        .json("POST", &job.url, Some(&JsValue::from_str(&job.body)), opts)
        .await
}

fn controller() -> Result<AbortController> {
    AbortController::new().map_err(|_| no_abort_controller())
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

/// One job: a single request (sent right here, on its worker's signal, which the batch aborts
/// when it stops: no controller or promise of its own), or with hedging a duplicate after
/// `hedgeDelayMs` (budget permitting); the first success wins and the other request is aborted.
async fn one(run: &Rc<Run>, i: usize, worker: &AbortSignal) -> Result<JsValue> {
    let Some(hedge_ms) = run.config.opts.hedge_delay_ms else {
        return send(run, i, &run.call_opts(worker.clone())).await;
    };
    let first = Rc::new(RefCell::new(None));
    let (p1, c1) = launch(run, i, 1, first.clone())?;
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
pub(super) async fn run_jobs(
    client: Rc<Requester>,
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
        let ctl = controller()?;
        let worker = ctl.signal();
        let id = run.active.add(ctl);
        workers.push(&future_to_promise(async move {
            while !run.stopped() {
                let i = run.next.get();
                if i >= n {
                    break;
                }
                run.next.set(i + 1);
                let t0 = now_ms();
                let result = one(&run, i, &worker).await;
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
            run.active.remove(id);
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

pub(super) fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

pub(super) fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// The common result fields: each request's time and the inputs it carried (`[start, end)`,
/// the library's batch plan), the total time, and with collected errors each request's error.
pub(super) fn summary(
    client: &Requester,
    jobs: &[Range<usize>],
    outcomes: &[Outcome],
    total_ms: f64,
    collect: bool,
) -> Object {
    let out = Object::new();
    let times: Array = outcomes.iter().map(|o| JsValue::from(o.ms)).collect();
    set(&out, "individualRequestTimesMs", &times);
    let inputs: Array = jobs
        .iter()
        .map(|r| Array::of2(&JsValue::from(r.start as u32), &JsValue::from(r.end as u32)))
        .collect();
    set(&out, "individualRequestInputs", &inputs);
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
