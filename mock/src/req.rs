//! A fully read incoming request, with helpers to look at headers, query and JSON body.

use bytes::Bytes;
use hyper::{HeaderMap, Method};
use serde_json::Value;

/// An incoming request whose body has been read.
pub struct Req {
    /// The id sent back as `X-BASETEN-REQUEST-ID`.
    pub id: String,
    /// HTTP method.
    pub method: Method,
    /// Raw path (not decoded).
    pub path: String,
    /// Raw query string, without `?` ("" when none).
    pub query: String,
    /// Decoded query parameters.
    pub params: Vec<(String, String)>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Request body.
    pub body: Bytes,
}

impl Req {
    /// A header's value as text, if present and valid.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first query parameter with this name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, or a message saying why not.
    pub fn json(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("Invalid JSON body: {e}"))
    }

    /// The body as a JSON object, or a message saying why not.
    pub fn json_object(&self) -> Result<serde_json::Map<String, Value>, String> {
        match self.json()? {
            Value::Object(m) => Ok(m),
            _ => Err("Request body must be a JSON object".to_string()),
        }
    }
}
