//! The request log kept for `/__mock/requests`, and the one-line access log on stderr.

use crate::req::Req;
use crate::util;
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::time::Duration;

/// How many requests are remembered.
const CAPACITY: usize = 1000;
/// How many body bytes are kept per recorded request.
const BODY_CAP: usize = 16 * 1024;

/// One recorded request.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Fault key of the request ("" when none).
    pub key: String,
    /// JSON form served by `/__mock/requests`.
    pub json: Value,
}

/// The most recent requests, oldest first.
#[derive(Default)]
pub struct RequestLog {
    entries: VecDeque<Entry>,
}

impl RequestLog {
    /// Records a request, dropping the oldest past the capacity.
    pub fn record(&mut self, req: &Req, key: &str) {
        let mut headers = Map::new();
        for name in req.headers.keys() {
            let joined = req
                .headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect::<Vec<_>>()
                .join(", ");
            headers.insert(name.as_str().to_string(), Value::String(joined));
        }
        let body = &req.body[..req.body.len().min(BODY_CAP)];
        let json = json!({
            "id": req.id,
            "method": req.method.as_str(),
            "path": req.path,
            "query": req.query,
            "headers": headers,
            "body": String::from_utf8_lossy(body),
            "body_len": req.body.len(),
            "fault_key": key,
            "received_at_ms": util::now_ms(),
        });
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(Entry {
            key: key.to_string(),
            json,
        });
    }

    /// Requests with this fault key, or the newest `limit` of all when `key` is None; oldest first.
    pub fn list(&self, key: Option<&str>, limit: usize) -> Vec<Value> {
        let picked: Vec<&Entry> = match key {
            Some(k) => self.entries.iter().filter(|e| e.key == k).collect(),
            None => self.entries.iter().collect(),
        };
        let skip = picked.len().saturating_sub(limit);
        picked
            .into_iter()
            .skip(skip)
            .map(|e| e.json.clone())
            .collect()
    }

    /// The most recent request.
    pub fn last(&self) -> Option<Value> {
        self.entries.back().map(|e| e.json.clone())
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Prints one access-log line to stderr.
pub fn access(method: &str, path: &str, status: Option<u16>, took: Duration) {
    let status = status.map_or_else(|| "reset".to_string(), |s| s.to_string());
    eprintln!(
        "baseten-mock: {method} {path} -> {status} ({} ms)",
        took.as_millis()
    );
}
