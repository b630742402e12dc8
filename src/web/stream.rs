//! A streamed response body with its deadlines: the one reader machinery under byte streams,
//! text streams and server-sent events.

use js_sys::Uint8Array;

use super::abort::{CallGuard, Stopper};
use super::body::BodyReader;
use super::timer::Timeout;
use crate::core::error::{Error, Result};

/// Reads a response body chunk by chunk, applying the idle timeout to every read and keeping
/// the overall deadline running. Dropping it aborts the request if the body was not finished.
pub struct ResponseStream {
    reader: BodyReader,
    guard: CallGuard,
    idle_ms: Option<f64>,
    _deadline: Option<Timeout>,
    done: bool,
    status: u16,
    request_id: Option<String>,
}

impl ResponseStream {
    /// Wraps a response whose headers have arrived.
    pub fn new(
        response: &web_sys::Response,
        guard: CallGuard,
        deadline: Option<Timeout>,
        idle_ms: Option<f64>,
        request_id: Option<String>,
    ) -> ResponseStream {
        let reader = BodyReader::new(response, &guard);
        ResponseStream {
            reader,
            guard,
            idle_ms,
            _deadline: deadline,
            done: false,
            status: response.status(),
            request_id,
        }
    }

    /// The response's HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Gives an error met while reading this body the response's request id.
    pub fn tag(&self, mut err: Error) -> Error {
        if err.request_id.is_none() {
            err.request_id = self.request_id.clone();
        }
        err
    }

    /// A handle that aborts this stream.
    pub fn stopper(&self) -> Stopper {
        self.guard.stopper()
    }

    /// The next chunk; `None` at the end. An abort or timeout is an error, never an end.
    pub async fn next(&mut self) -> Result<Option<Uint8Array>> {
        if self.done {
            return Ok(None);
        }
        let idle = self.idle_ms.map(|ms| self.guard.arm(ms, "idle_timeout"));
        let chunk = self.reader.next(&self.guard).await;
        drop(idle);
        match chunk {
            Ok(None) => {
                self.done = true;
                self.guard.finish();
                Ok(None)
            }
            Err(e) => {
                self.done = true;
                Err(e)
            }
            ok => ok,
        }
    }
}
