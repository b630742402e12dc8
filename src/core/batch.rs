//! The sans-IO half of Baseten's performance client: options and their ranges, splitting
//! inputs into requests, the shared retry and hedge budgets, and putting per-request results
//! back in input order. The JS layer does the fetching, the concurrency and the timers.
//!
//! Choices made, and where they differ from the performance client:
//! * Defaults: `batch_size` 128, `max_concurrent_requests` 128, `max_retries` 2 (this crate's
//!   [`RetryPolicy`](super::retry::RetryPolicy) default; the performance client uses 5),
//!   `retry_budget` 0.05 and `hedge_budget` 0.10 (the performance client's shares), no hedging,
//!   no character limit.
//! * Ranges, as the performance client checks them: `batch_size` 1..=1024,
//!   `max_concurrent_requests` 1..=1024 (at most 512 when `batch_size` < 16),
//!   `max_chars_per_request` 50..=256000, budgets 0..=3 (300 %), `hedge_delay_ms`
//!   45..=3600000 ms. `max_retries` is at most 10.
//! * A [`Budget`] of share `s` over `n` requests grants `ceil(s * n)` extra requests, at least
//!   1 when `s > 0`, none when `s == 0` (the performance client grants `max(2, ceil(s*n) + 1)`
//!   even at 0; here 0 switches retries or hedges off).

use std::cell::Cell;
use std::ops::Range;

use super::error::{Error, ErrorKind, Result};

/// The most items in one request.
pub const MAX_BATCH_SIZE: usize = 1024;
/// The most inputs Baseten's embedding server (BEI) takes in one request: more is refused with
/// `413 batch size N > maximum allowed batch size 128`. `embed`, `rerank`, `classify` and
/// `predictTokens` hold their `batch_size` to it.
pub const EMBEDDING_SERVER_MAX_BATCH: usize = 128;
/// The most requests in flight at once.
pub const MAX_CONCURRENT_REQUESTS: usize = 1024;
/// The smallest and largest `max_chars_per_request`.
pub const CHARS_PER_REQUEST_RANGE: (usize, usize) = (50, 256_000);
/// The shortest hedge delay, in milliseconds (the performance client's 0.045 s).
pub const MIN_HEDGE_DELAY_MS: f64 = 45.0;
/// The longest hedge delay, in milliseconds (one hour).
pub const MAX_HEDGE_DELAY_MS: f64 = 3_600_000.0;
/// The largest retry or hedge budget, as a share of requests.
pub const MAX_BUDGET_SHARE: f64 = 3.0;
/// The most retries of one request.
pub const MAX_BATCH_RETRIES: u32 = 10;

/// How a batch call splits its inputs and spends its retries and hedges.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchOptions {
    /// The most items in one request (default 128).
    pub batch_size: usize,
    /// The most characters (summed over a request's items) in one request; an item longer
    /// than this goes alone. `None` (the default) for no limit.
    pub max_chars_per_request: Option<usize>,
    /// The most requests in flight at once (default 128, 1..=1024).
    pub max_concurrent_requests: usize,
    /// Retries of one request (default 2), also bounded by `retry_budget`.
    pub max_retries: u32,
    /// Retries the whole call may spend, as a share of its requests (default 0.05).
    pub retry_budget: f64,
    /// Send a duplicate of a request still unanswered after this many milliseconds, and use
    /// whichever answers first (default `None`: no hedging; at least 45 ms).
    pub hedge_delay_ms: Option<f64>,
    /// Hedges the whole call may send, as a share of its requests (default 0.10).
    pub hedge_budget: f64,
}

impl Default for BatchOptions {
    fn default() -> BatchOptions {
        BatchOptions {
            batch_size: 128,
            max_chars_per_request: None,
            max_concurrent_requests: 128,
            max_retries: 2,
            retry_budget: 0.05,
            hedge_delay_ms: None,
            hedge_budget: 0.10,
        }
    }
}

fn check_share(name: &str, v: f64) -> Result<()> {
    if v.is_finite() && (0.0..=MAX_BUDGET_SHARE).contains(&v) {
        Ok(())
    } else {
        Err(Error::config(format!(
            "{name} must be a share of requests from 0 to 3"
        )))
    }
}

impl BatchOptions {
    /// [`BatchOptions::validate`]'s ranges do not know the server; this is the embedding
    /// server's for `call` (`embed`, `rerank`, ...), checked on the `batchSize` given (before the
    /// general range): 1 to [`EMBEDDING_SERVER_MAX_BATCH`], since a larger one would only come
    /// back as a 413 from every request.
    pub fn check_embedding_server(call: &str, batch_size: f64) -> Result<()> {
        if batch_size > EMBEDDING_SERVER_MAX_BATCH as f64 {
            // The number as JSON writes it: `{}` on an f64 would pull Rust's float formatting
            // into the wasm.
            let mut shown = String::new();
            super::json::write_number(&mut shown, batch_size);
            return Err(Error::config(format!(
                "batchSize {shown} is too large for {call}: Baseten's embedding server refuses \
                 more than {EMBEDDING_SERVER_MAX_BATCH} inputs in one request (413); use at most \
                 {EMBEDDING_SERVER_MAX_BATCH}, the default"
            )));
        }
        if !(batch_size >= 1.0 && batch_size.fract() == 0.0) {
            return Err(Error::config(format!(
                "batchSize must be a whole number from 1 to {EMBEDDING_SERVER_MAX_BATCH} for {call}"
            )));
        }
        Ok(())
    }

    /// Checks every option against its range (see the module docs).
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_BATCH_SIZE).contains(&self.batch_size) {
            return Err(Error::config(format!(
                "batchSize must be from 1 to {MAX_BATCH_SIZE}"
            )));
        }
        if let Some(n) = self.max_chars_per_request {
            let (lo, hi) = CHARS_PER_REQUEST_RANGE;
            if !(lo..=hi).contains(&n) {
                return Err(Error::config(format!(
                    "maxCharsPerRequest must be from {lo} to {hi}"
                )));
            }
        }
        if !(1..=MAX_CONCURRENT_REQUESTS).contains(&self.max_concurrent_requests) {
            return Err(Error::config(format!(
                "maxConcurrentRequests must be from 1 to {MAX_CONCURRENT_REQUESTS}"
            )));
        }
        if self.max_concurrent_requests > 512 && self.batch_size < 16 {
            return Err(Error::config(
                "maxConcurrentRequests may be at most 512 when batchSize is under 16",
            ));
        }
        if self.max_retries > MAX_BATCH_RETRIES {
            return Err(Error::config(format!(
                "maxRetries must be at most {MAX_BATCH_RETRIES}"
            )));
        }
        check_share("retryBudget", self.retry_budget)?;
        check_share("hedgeBudget", self.hedge_budget)?;
        if let Some(d) = self.hedge_delay_ms {
            if !(MIN_HEDGE_DELAY_MS..=MAX_HEDGE_DELAY_MS).contains(&d) {
                return Err(Error::config("hedgeDelayMs must be from 45 to 3600000"));
            }
        }
        Ok(())
    }

    /// [`BatchOptions::validate`], and, when requests have a timeout, that a hedge starts at
    /// least 45 ms before it (as the performance client requires).
    pub fn validate_with_timeout(&self, timeout_ms: Option<f64>) -> Result<()> {
        self.validate()?;
        if let (Some(d), Some(t)) = (self.hedge_delay_ms, timeout_ms) {
            if d >= t - MIN_HEDGE_DELAY_MS {
                return Err(Error::config(
                    "hedgeDelayMs must be less than the timeout minus 45 ms",
                ));
            }
        }
        Ok(())
    }

    /// The retry budget of a call that sends `total_requests` requests.
    pub fn retry_budget_for(&self, total_requests: usize) -> Budget {
        Budget::new(self.retry_budget, total_requests)
    }

    /// The hedge budget of a call that sends `total_requests` requests: empty when hedging
    /// is off.
    pub fn hedge_budget_for(&self, total_requests: usize) -> Budget {
        let share = if self.hedge_delay_ms.is_some() {
            self.hedge_budget
        } else {
            0.0
        };
        Budget::new(share, total_requests)
    }
}

/// Splits items (by their char lengths) into consecutive batches of at most batch_size items
/// and at most max_chars_per_request chars (an item longer than the limit goes alone).
/// Returns index ranges. A `batch_size` of 0 is taken as 1; no input gives no batches.
pub fn plan_batches(lengths: &[usize], opts: &BatchOptions) -> Vec<Range<usize>> {
    let size = opts.batch_size.max(1);
    let max_chars = opts.max_chars_per_request.unwrap_or(usize::MAX);
    let mut batches = Vec::new();
    let mut start = 0;
    let mut chars: usize = 0;
    for (i, &len) in lengths.iter().enumerate() {
        let full = i - start >= size || chars.saturating_add(len) > max_chars;
        if i > start && full {
            batches.push(start..i);
            start = i;
            chars = 0;
        }
        chars = chars.saturating_add(len);
    }
    if start < lengths.len() {
        batches.push(start..lengths.len());
    }
    batches
}

/// A shared allowance of extra requests (retries or hedges) for one batch call.
///
/// `Budget::new(share, total_requests)` grants `ceil(share * total_requests)` extra
/// requests (a product within floating-point error of a whole number counts as that number),
/// at least 1 when `share > 0`; none when `share` is 0, negative or NaN. Taking is through
/// `&self`, so one budget can be shared by every request of a call (it is not `Sync`: one
/// JS thread).
#[derive(Clone, Debug)]
pub struct Budget {
    granted: usize,
    remaining: Cell<usize>,
}

impl Budget {
    /// A budget of `share` of `total_requests` (see the type's docs for the rounding).
    pub fn new(share: f64, total_requests: usize) -> Budget {
        let granted = if share > 0.0 {
            let exact = share * total_requests as f64;
            // A product a rounding error above a whole number (0.07 * 100 = 7.000000000000001)
            // counts as that number.
            let whole = exact.round();
            let rounded = if (exact - whole).abs() <= 1e-9 * whole.max(1.0) {
                whole
            } else {
                exact.ceil()
            };
            // `as` saturates: an infinite share grants usize::MAX.
            (rounded as usize).max(1)
        } else {
            0
        };
        Budget {
            granted,
            remaining: Cell::new(granted),
        }
    }

    /// Takes one extra request from the budget: `false` once it is spent.
    pub fn try_take(&self) -> bool {
        let left = self.remaining.get();
        if left == 0 {
            return false;
        }
        self.remaining.set(left - 1);
        true
    }

    /// How many extra requests are left.
    pub fn remaining(&self) -> usize {
        self.remaining.get()
    }

    /// How many extra requests the budget started with.
    pub fn granted(&self) -> usize {
        self.granted
    }
}

fn index_error(code: &str, message: String) -> Error {
    Error::new(ErrorKind::Decode, message).with_code(code)
}

/// Puts the items of per-request results (embeddings `data`, rerank results) back in input
/// order, checking that every input index comes back exactly once.
///
/// Errors (all [`ErrorKind::Decode`]): `invalid_index` for a local index that is not a whole
/// number within its batch, `duplicate_index`, and `missing_index` from
/// [`Reassembly::finish`].
#[derive(Clone, Debug)]
pub struct Reassembly {
    filled: Vec<bool>,
    placed: usize,
}

impl Reassembly {
    /// Reassembly of `total` inputs (global indices `0..total`). `total` is the length of an
    /// input list that exists in memory (it allocates `total` bytes).
    pub fn new(total: usize) -> Reassembly {
        Reassembly {
            filled: vec![false; total],
            placed: 0,
        }
    }

    /// Records an item whose `index` field was `local_index` in the response of the request
    /// that carried inputs `batch`, and returns its global index (`batch.start + local`).
    pub fn place(&mut self, batch: &Range<usize>, local_index: f64) -> Result<usize> {
        let len = batch.end.saturating_sub(batch.start);
        let valid = local_index.is_finite()
            && local_index >= 0.0
            && local_index.fract() == 0.0
            && local_index < len as f64;
        let slot = if valid {
            let global = batch.start + local_index as usize;
            self.filled.get_mut(global).map(|s| (global, s))
        } else {
            None
        };
        let Some((global, slot)) = slot else {
            return Err(index_error(
                "invalid_index",
                format!(
                    "a response item has an index that is not one of the {len} inputs of its request"
                ),
            ));
        };
        if *slot {
            return Err(index_error(
                "duplicate_index",
                format!("input {global} came back more than once"),
            ));
        }
        *slot = true;
        self.placed += 1;
        Ok(global)
    }

    /// Checks that every input was placed.
    pub fn finish(&self) -> Result<()> {
        match self.filled.iter().position(|f| !f) {
            None => Ok(()),
            Some(i) => Err(index_error(
                "missing_index",
                format!(
                    "input {i} got no result ({} of {} came back)",
                    self.placed,
                    self.filled.len()
                ),
            )),
        }
    }
}

/// The global index of every returned item: `local_indices[b]` lists the `index` fields of
/// the items returned for `batches[b]`, in response order (a server that sends no `index`
/// gets positions passed instead). The result lists global indices in the same order,
/// flattened batch after batch, after checking that `0..total` (the largest batch end) each
/// came back exactly once. See [`Reassembly`] for the errors.
pub fn global_indices(batches: &[Range<usize>], local_indices: &[Vec<f64>]) -> Result<Vec<usize>> {
    if batches.len() != local_indices.len() {
        return Err(index_error(
            "missing_index",
            format!(
                "{} requests but {} responses",
                batches.len(),
                local_indices.len()
            ),
        ));
    }
    let total = batches.iter().map(|b| b.end).max().unwrap_or(0);
    let returned: usize = local_indices.iter().map(Vec::len).sum();
    if returned < total {
        return Err(index_error(
            "missing_index",
            format!("{total} inputs but {returned} results came back"),
        ));
    }
    let mut r = Reassembly::new(total);
    let mut out = Vec::with_capacity(total);
    for (batch, locals) in batches.iter().zip(local_indices) {
        for &local in locals {
            out.push(r.place(batch, local)?);
        }
    }
    r.finish()?;
    Ok(out)
}
