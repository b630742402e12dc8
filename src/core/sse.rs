//! An incremental, push-style Server-Sent-Events decoder following the WHATWG event-stream
//! rules (<https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>).
//!
//! Feed bytes as they arrive with [`SseDecoder::push`], take the events that became complete with
//! [`SseDecoder::next_event`] until it returns `None`, and call [`SseDecoder::finish`] at the end
//! of the input:
//!
//! ```
//! use baseten_edge::core::sse::SseDecoder;
//!
//! let mut decoder = SseDecoder::new();
//! let mut data = Vec::new();
//! for chunk in [&b"data: hel"[..], b"lo\n\ndata: [DONE]\n", b"\n"] {
//!     decoder.push(chunk);
//!     while let Some(event) = decoder.next_event() {
//!         data.push(event.unwrap().data);
//!     }
//! }
//! while let Some(event) = decoder.finish().unwrap() {
//!     data.push(event.data);
//! }
//! assert_eq!(data, ["hello", "[DONE]"]);
//! ```
//!
//! What the decoder does, beyond the letter of the spec:
//! * **Invalid UTF-8 is an error** of kind [`ErrorKind::Decode`] with code `invalid_utf8`, where a
//!   browser would substitute U+FFFD. Every event completed before the bad byte is still handed
//!   out first.
//! * **Events are bounded**: the data and event type gathered for one event, plus the line being
//!   read, may not exceed the maximum event size ([`DEFAULT_MAX_EVENT_SIZE`] unless set with
//!   [`SseDecoder::with_max_event_size`]): past it the decoder fails with kind
//!   [`ErrorKind::Decode`] and code `event_too_large` instead of growing without bound. The check
//!   is made line by line, so the outcome does not depend on how the input was split.
//! * **An unterminated last event is reported**: the spec discards an event that the input ends
//!   in the middle of; [`SseDecoder::finish`] discards it too but returns an error of kind
//!   [`ErrorKind::Truncated`] (code `unterminated_event`) so that a cut stream is not mistaken for
//!   a complete one. Input that ends inside a comment or a field other than `data` is not a cut,
//!   unless it ends inside a UTF-8 character (code `incomplete_utf8`).
//! * `retry:` values too large for a `u64` are ignored, like any other invalid `retry:`.
//! * The decoder never panics and runs in time linear in its input however it is split: it keeps
//!   its place in the buffer between pushes and never rescans bytes it has already searched.

use crate::core::error::{Error, ErrorKind};

/// The default maximum size of one event: 16 MiB. Chat chunks are a few hundred bytes, so this
/// only stops a broken or hostile server from making the decoder buffer without bound.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 * 1024 * 1024;

/// The UTF-8 byte order mark, stripped once at the start of a stream.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Above this capacity the text buffer is shrunk once it has been emptied, so one big event does
/// not pin its memory for the rest of the stream.
const KEEP_CAPACITY: usize = 64 * 1024;

/// One dispatched event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The event type; `None` when no `event:` field (or an empty one) was sent, which the
    /// spec calls `"message"`.
    pub event: Option<String>,
    /// The `data:` lines of the event joined with `\n` (with no trailing `\n`).
    pub data: String,
    /// The value of the last valid `id:` field in this event's block, if it had one. The
    /// spec's persistent "last event ID" is [`SseDecoder::last_event_id`].
    pub id: Option<String>,
    /// The value of the last valid `retry:` field in this event's block, if it had one. The
    /// latest value from any block is [`SseDecoder::reconnection_time`].
    pub retry: Option<u64>,
}

impl SseEvent {
    /// The event type as the spec names it: [`SseEvent::event`], or `"message"` when unset.
    pub fn event_type(&self) -> &str {
        self.event.as_deref().unwrap_or("message")
    }
}

/// The fields gathered for the event being read (the lines since the last blank line).
#[derive(Debug, Default)]
struct Block {
    data: String,
    has_data: bool,
    event: String,
    id: Option<String>,
    retry: Option<u64>,
}

impl Block {
    /// The bytes this block holds, as counted against the maximum event size.
    fn size(&self) -> usize {
        self.data.len().saturating_add(self.event.len())
    }

    /// Interprets one line (without its terminator). Returns the event a blank line dispatches.
    fn line(
        &mut self,
        line: &str,
        last_event_id: &mut String,
        reconnection_time: &mut Option<u64>,
    ) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch(last_event_id);
        }
        // The hot path: nearly every line of an OpenAI-style stream is `data: ...`.
        if let Some(value) = line.strip_prefix("data:") {
            self.append_data(strip_space(value));
            return None;
        }
        if line.starts_with(':') {
            return None; // a comment
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, strip_space(value)),
            None => (line, ""),
        };
        match field {
            "data" => self.append_data(value),
            "event" => {
                self.event.clear();
                self.event.push_str(value);
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Too many digits for a u64: ignored, like any invalid value.
                if let Ok(ms) = value.parse::<u64>() {
                    self.retry = Some(ms);
                    *reconnection_time = Some(ms);
                }
            }
            _ => {}
        }
        None
    }

    fn append_data(&mut self, value: &str) {
        if self.has_data {
            self.data.push('\n');
        }
        self.data.push_str(value);
        self.has_data = true;
    }

    fn dispatch(&mut self, last_event_id: &mut String) -> Option<SseEvent> {
        if let Some(id) = &self.id {
            last_event_id.clear();
            last_event_id.push_str(id);
        }
        let id = self.id.take();
        let retry = self.retry.take();
        if !self.has_data {
            self.event.clear();
            return None;
        }
        self.has_data = false;
        let event = if self.event.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.event))
        };
        Some(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            id,
            retry,
        })
    }
}

/// Removes the single space that may follow a field's colon.
fn strip_space(value: &str) -> &str {
    value.strip_prefix(' ').unwrap_or(value)
}

/// Where the decoder is in its life.
#[derive(Debug)]
enum State {
    /// Taking input.
    Running,
    /// Failed with this error; it has been returned once and is returned again by `finish`.
    Failed(Error),
    /// `finish` found a clean end.
    Done,
}

/// An incremental Server-Sent-Events decoder. See the [module docs](self) for the rules.
#[derive(Debug)]
pub struct SseDecoder {
    /// Decoded text not yet handed out; bytes before `pos` are consumed.
    text: String,
    /// Start of the line being read.
    pos: usize,
    /// Where the search for the next line terminator resumes (`pos <= scan <= text.len()`).
    scan: usize,
    /// An incomplete UTF-8 sequence at the end of the input so far.
    tail: [u8; 4],
    tail_len: usize,
    /// How many bytes of a leading BOM have been seen while the BOM check is open.
    bom_len: usize,
    bom_done: bool,
    /// The last line ended with a CR at the end of the input: a LF starting the next push
    /// belongs to it.
    skip_lf: bool,
    /// Invalid UTF-8 follows the end of `text`: no more input is taken, and the error is raised
    /// once the complete lines before it have been handed out.
    invalid: bool,
    /// `finish` was called: no more input is taken.
    ended: bool,
    block: Block,
    last_event_id: String,
    reconnection_time: Option<u64>,
    max_event_size: usize,
    state: State,
}

impl Default for SseDecoder {
    fn default() -> Self {
        SseDecoder::new()
    }
}

impl SseDecoder {
    /// A decoder with the default maximum event size ([`DEFAULT_MAX_EVENT_SIZE`]).
    pub fn new() -> SseDecoder {
        SseDecoder::with_max_event_size(DEFAULT_MAX_EVENT_SIZE)
    }

    /// A decoder that fails with code `event_too_large` when the data and event type of one
    /// event, plus the line being read, exceed `bytes`.
    pub fn with_max_event_size(bytes: usize) -> SseDecoder {
        SseDecoder {
            text: String::new(),
            pos: 0,
            scan: 0,
            tail: [0; 4],
            tail_len: 0,
            bom_len: 0,
            bom_done: false,
            skip_lf: false,
            invalid: false,
            ended: false,
            block: Block::default(),
            last_event_id: String::new(),
            reconnection_time: None,
            max_event_size: bytes,
            state: State::Running,
        }
    }

    /// The maximum event size in bytes.
    pub fn max_event_size(&self) -> usize {
        self.max_event_size
    }

    /// The spec's last event ID: the value of the last `id:` field of any block that a blank
    /// line has ended (whether or not that block dispatched an event); `""` before any.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The reconnection time in milliseconds from the last valid `retry:` field, if any.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.reconnection_time
    }

    /// Whether the decoder has failed or finished, and so takes no more input.
    pub fn is_closed(&self) -> bool {
        self.ended || !matches!(self.state, State::Running)
    }

    /// Appends bytes to the input. Any split is fine, inside a line terminator or inside a UTF-8
    /// character included. Take the events that became complete with [`SseDecoder::next_event`].
    /// Ignored once the decoder has failed or [`SseDecoder::finish`] was called.
    ///
    /// Take the events after every push: the maximum event size is enforced as they are taken,
    /// so input pushed without taking events is buffered whole.
    pub fn push(&mut self, mut bytes: &[u8]) {
        if self.invalid || self.is_closed() || bytes.is_empty() {
            return;
        }
        self.compact();
        if !self.bom_done {
            while let Some((&byte, rest)) = bytes.split_first() {
                if BOM.get(self.bom_len) == Some(&byte) {
                    bytes = rest;
                    self.bom_len += 1;
                    if self.bom_len == BOM.len() {
                        self.bom_done = true;
                    }
                } else {
                    // Not a BOM after all: what was held back is ordinary input.
                    self.bom_done = true;
                    let held = BOM.get(..self.bom_len).unwrap_or_default();
                    self.ingest(held);
                }
                if self.bom_done {
                    break;
                }
            }
            if !self.bom_done {
                return;
            }
        }
        self.ingest(bytes);
    }

    /// The next complete event, or `None` when more input is needed. An error (invalid UTF-8, an
    /// oversized event) is returned once, after every event before it; the decoder then stays
    /// closed and returns `None`.
    pub fn next_event(&mut self) -> Option<Result<SseEvent, Error>> {
        if !matches!(self.state, State::Running) {
            return None;
        }
        loop {
            if self.skip_lf && self.pos < self.text.len() {
                self.skip_lf = false;
                if self.text.as_bytes().get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                    self.scan = self.scan.max(self.pos);
                }
            }
            let bytes = self.text.as_bytes();
            let found = bytes
                .get(self.scan..)
                .and_then(find_line_end)
                .map(|i| self.scan + i);
            let Some(end) = found else {
                self.scan = bytes.len();
                return self.check_partial_line();
            };
            let start = self.pos;
            let next = match (bytes.get(end), bytes.get(end + 1)) {
                (Some(b'\r'), Some(b'\n')) => end + 2,
                (Some(b'\r'), None) => {
                    self.skip_lf = true;
                    end + 1
                }
                _ => end + 1,
            };
            self.pos = next;
            self.scan = next;
            if self.block.size().saturating_add(end - start) > self.max_event_size {
                return Some(Err(self.fail(self.too_large())));
            }
            // `start` and `end` sit next to ASCII terminators, so the slice is always valid.
            let line = self.text.get(start..end).unwrap_or_default();
            if let Some(event) =
                self.block
                    .line(line, &mut self.last_event_id, &mut self.reconnection_time)
            {
                return Some(Ok(event));
            }
        }
    }

    /// Ends the input. Returns the events still buffered one per call (`Ok(Some(event))`; call
    /// it until it returns `Ok(None)` or an error), then:
    /// * `Ok(None)` when the input ended between events (or inside a comment or a field that
    ///   would not have made an event);
    /// * `Err` of kind [`ErrorKind::Truncated`], code `unterminated_event`, when it ended inside an
    ///   event that had data (a `data` line without the blank line that dispatches it, or a cut
    ///   `data` line). The spec discards that event; so does this decoder; code
    ///   `incomplete_utf8` when it ended inside a UTF-8 character anywhere else;
    /// * `Err` of kind [`ErrorKind::Decode`] when the decoder failed (returned again here).
    ///
    /// Later calls return the same outcome; [`SseDecoder::push`] is ignored from now on.
    pub fn finish(&mut self) -> Result<Option<SseEvent>, Error> {
        match &self.state {
            State::Failed(err) => return Err(err.clone()),
            State::Done => return Ok(None),
            State::Running => {}
        }
        self.ended = true;
        if let Some(result) = self.next_event() {
            return result.map(Some);
        }
        let partial = self.text.get(self.pos..).unwrap_or_default();
        let cut = self.block.has_data
            || partial.starts_with("data:")
            || (partial == "data" && self.tail_len == 0);
        if cut {
            let err = Error::new(
                ErrorKind::Truncated,
                "event stream ended inside an event (no blank line after its last data)",
            )
            .with_code("unterminated_event");
            return Err(self.fail(err));
        }
        // The input ended inside a UTF-8 character (or inside what could only be a BOM): cut
        // off, like an event cut before its blank line.
        if self.tail_len > 0 || (!self.bom_done && self.bom_len > 0) {
            let err = Error::new(
                ErrorKind::Truncated,
                "event stream ended inside a UTF-8 character",
            )
            .with_code("incomplete_utf8");
            return Err(self.fail(err));
        }
        self.state = State::Done;
        Ok(None)
    }

    /// Called when no complete line is left: fails if the partial line makes the event too
    /// large, or if invalid UTF-8 stopped the input.
    fn check_partial_line(&mut self) -> Option<Result<SseEvent, Error>> {
        let partial = self.text.len() - self.pos;
        if self.block.size().saturating_add(partial) > self.max_event_size {
            return Some(Err(self.fail(self.too_large())));
        }
        if self.invalid {
            let err = Error::new(ErrorKind::Decode, "event stream is not valid UTF-8")
                .with_code("invalid_utf8");
            return Some(Err(self.fail(err)));
        }
        None
    }

    fn too_large(&self) -> Error {
        Error::new(
            ErrorKind::Decode,
            format!(
                "event stream event larger than the maximum of {} bytes",
                self.max_event_size
            ),
        )
        .with_code("event_too_large")
    }

    /// Enters the failed state, dropping the buffers, and hands the error back.
    fn fail(&mut self, err: Error) -> Error {
        self.text = String::new();
        self.pos = 0;
        self.scan = 0;
        self.block = Block::default();
        self.state = State::Failed(err.clone());
        err
    }

    /// Drops consumed text, when that costs no more than what was consumed (amortised linear).
    fn compact(&mut self) {
        if self.pos == 0 {
            return;
        }
        if self.pos >= self.text.len() {
            self.text.clear();
            if self.text.capacity() > KEEP_CAPACITY {
                self.text.shrink_to(KEEP_CAPACITY);
            }
            self.pos = 0;
            self.scan = 0;
        } else if self.pos >= self.text.len() / 2 {
            // `pos` follows an ASCII line end, so what is left is still UTF-8. (Through bytes:
            // `String::drain` would bring its char-boundary panic and its formatting along.)
            let mut bytes = std::mem::take(&mut self.text).into_bytes();
            bytes.drain(..self.pos.min(bytes.len()));
            self.text = String::from_utf8(bytes).unwrap_or_default();
            self.scan -= self.pos;
            self.pos = 0;
        }
    }

    /// Decodes bytes (after the BOM check) onto the end of `text`.
    fn ingest(&mut self, mut bytes: &[u8]) {
        // First complete a character split by the previous push.
        while self.tail_len > 0 {
            let Some((&byte, rest)) = bytes.split_first() else {
                return;
            };
            bytes = rest;
            let Some(slot) = self.tail.get_mut(self.tail_len) else {
                self.invalid = true;
                return;
            };
            *slot = byte;
            self.tail_len += 1;
            let seq = self.tail.get(..self.tail_len).unwrap_or_default();
            match std::str::from_utf8(seq) {
                Ok(s) => {
                    self.text.push_str(s);
                    self.tail_len = 0;
                }
                Err(e) if e.error_len().is_none() && self.tail_len < self.tail.len() => {}
                Err(_) => {
                    self.invalid = true;
                    return;
                }
            }
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => self.text.push_str(s),
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to().min(bytes.len()));
                if let Ok(s) = std::str::from_utf8(valid) {
                    self.text.push_str(s);
                }
                match (e.error_len(), self.tail.get_mut(..rest.len())) {
                    (None, Some(tail)) => {
                        tail.copy_from_slice(rest);
                        self.tail_len = rest.len();
                    }
                    _ => self.invalid = true,
                }
            }
        }
    }
}

/// The index of the first CR or LF in `hay`, eight bytes at a time.
fn find_line_end(hay: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const LF: u64 = u64::from_ne_bytes([b'\n'; 8]);
    const CR: u64 = u64::from_ne_bytes([b'\r'; 8]);
    let mut chunks = hay.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let w = u64::from_le_bytes(word);
        let lf = w ^ LF;
        let cr = w ^ CR;
        // Sets the high bit of the lowest byte equal to LF or CR (and maybe of bytes above it).
        let hits = (lf.wrapping_sub(ONES) & !lf | cr.wrapping_sub(ONES) & !cr) & HIGH;
        if hits != 0 {
            return Some(offset + (hits.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::find_line_end;

    #[test]
    fn find_line_end_matches_naive_search() {
        let mut buf = vec![b'a'; 40];
        assert_eq!(find_line_end(&buf), None);
        for at in 0..40 {
            for term in [b'\n', b'\r'] {
                buf.fill(b'a');
                buf[at] = term;
                assert_eq!(find_line_end(&buf), Some(at));
                // Bytes that differ from a terminator by one bit or by a borrow.
                for other in [0x0b, 0x0c, 0x0e, 0x09, 0x8a, 0x8d, 0x00, 0xff] {
                    buf.fill(other);
                    buf[at] = term;
                    assert_eq!(find_line_end(&buf), Some(at), "{other:#x} at {at}");
                }
            }
        }
    }
}
