//! A small, strict JSON (RFC 8259) parser and writer with no dependencies, and a fast scanner
//! that pulls the text of a streamed chat chunk without building a tree.
//!
//! Choices made where the RFC leaves room:
//! * Nesting deeper than [`MAX_DEPTH`] arrays and objects is refused.
//! * Duplicate object keys are all kept in [`Value::Object`]; [`Value::get`] returns the *last*
//!   one, as `JSON.parse` does.
//! * A `\u` escape of a lone surrogate (one half of a pair) decodes to U+FFFD, since a Rust
//!   `String` cannot hold it (`JSON.parse` would keep the lone half).
//! * Numbers are `f64`, read with correct rounding (the same value as JavaScript's `JSON.parse`)
//!   and written as JavaScript writes them (the shortest text that reads back the same; `-0` as
//!   `0`). Out-of-range ones become infinite, and are written back as `null`, as
//!   `JSON.stringify` does. The conversions are done here rather than by `str::parse` and
//!   `Display`, whose float code would add about 22 KB (gzip) to the wasm.

mod cursor;
mod number;

use std::fmt::Write as _;

use crate::core::error::Error;
use cursor::Cursor;
pub(crate) use number::parse_number;
pub use number::write_number;

/// The deepest nesting of arrays and objects [`parse`] accepts.
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object: its members in document order, duplicates included.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object (the last one when the key is repeated); `None` for a
    /// missing key or a value that is not an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Appends the compact JSON text of this value to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => write_number(out, *n),
            Value::String(s) => write_str(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The compact JSON text of this value.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// Appends `s` as a JSON string literal, quotes included, escaping `"`, `\` and control
/// characters.
pub fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// Appends a JSON array of the strings `items`.
pub fn write_str_array<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (k, item) in items.into_iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        write_str(out, item);
    }
    out.push(']');
}

/// Appends a JSON object to `out`: `{`, the members `fill` writes through the
/// [`ObjectWriter`], then `}`. Request bodies are built with it, never spliced by hand: it mixes
/// values written here with JSON text the caller already has (such as the user's input),
/// inserted verbatim, not parsed again. ([`Value::write`] writes a parsed tree's objects itself,
/// which keeps this writer out of the chat build.)
pub fn write_object(out: &mut String, fill: impl FnOnce(&mut ObjectWriter)) {
    out.push('{');
    let mut object = ObjectWriter { out, empty: true };
    fill(&mut object);
    object.out.push('}');
}

/// Writes the members of an object opened by [`write_object`], in order (a repeated key is
/// written again, not replaced).
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    empty: bool,
}

impl ObjectWriter<'_> {
    /// Writes `"key":` (after a comma unless it is the first member) and returns the text, for
    /// the caller to append exactly one JSON value to.
    pub fn member(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        write_str(self.out, key);
        self.out.push(':');
        self.out
    }

    /// A member whose value is `json`, inserted verbatim: it must already be one JSON value.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.member(key).push_str(json);
        self
    }

    /// A string member (escaped by [`write_str`]).
    pub fn string(&mut self, key: &str, value: &str) -> &mut Self {
        write_str(self.member(key), value);
        self
    }

    /// A number member (written by [`write_number`]: as JavaScript writes it, `null` if not
    /// finite).
    pub fn number(&mut self, key: &str, value: f64) -> &mut Self {
        write_number(self.member(key), value);
        self
    }

    /// A member whose value is an object, filled by `fill` as [`write_object`] does.
    pub fn object(&mut self, key: &str, fill: impl FnOnce(&mut ObjectWriter)) -> &mut Self {
        write_object(self.member(key), fill);
        self
    }
}

/// Parses one JSON text. Errors are of kind [`ErrorKind::Decode`](crate::core::error::ErrorKind::Decode) with code `invalid_json`.
pub fn parse(s: &str) -> Result<Value, Error> {
    let mut p = Cursor::new(s);
    p.ws();
    let value = p.value(0)?;
    p.end()?;
    Ok(value)
}

/// What [`chat_delta_text`] finds in one streamed chunk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeltaSummary {
    /// For each choice in order, `delta.content` (chat) then `text` (completions) when they are
    /// strings, concatenated.
    pub text: String,
    /// The first choice's `finish_reason` that is a non-empty string.
    pub finish_reason: Option<String>,
    /// Whether the chunk is an object with a top-level `"error"` member that is not `null`.
    pub is_error: bool,
    /// one choice, index 0, whose members are only `delta` (with only `content`),
    /// a null `finish_reason` and a null `logprobs`.
    pub simple: bool,
    /// the byte range of the (last) `choices` array.
    pub choices_span: Option<(usize, usize)>,
}

impl DeltaSummary {
    /// The same summary computed from a parsed value, by the same rules as
    /// [`chat_delta_text`] (last duplicate key wins).
    pub fn from_value(value: &Value) -> DeltaSummary {
        let mut summary = DeltaSummary {
            is_error: value.get("error").is_some_and(|e| !e.is_null()),
            ..DeltaSummary::default()
        };
        let choices = value
            .get("choices")
            .and_then(Value::as_array)
            .unwrap_or_default();
        for choice in choices {
            if let Some(content) = choice
                .get("delta")
                .and_then(|d| d.get("content"))
                .and_then(Value::as_str)
            {
                summary.text.push_str(content);
            }
            if let Some(text) = choice.get("text").and_then(Value::as_str) {
                summary.text.push_str(text);
            }
            if summary.finish_reason.is_none() {
                summary.finish_reason = choice
                    .get("finish_reason")
                    .and_then(Value::as_str)
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned);
            }
        }
        summary
    }
}

/// Extracts the text, finish reason and error flag of one streamed chat or completions chunk
/// without building a tree. The whole text is still validated (same rules and errors as
/// [`parse`]), and the result equals [`DeltaSummary::from_value`] of the parsed value.
pub fn chat_delta_text(data: &str) -> Result<DeltaSummary, Error> {
    scan_chunk(data, true)
}

/// The string value of `key` in the top-level object of `text` (the last one when the key is
/// repeated; `None` when it is absent, not a string, or the document is not an object),
/// checking that all of `text` is JSON without building it: memory stays at that string.
pub fn top_level_string(text: &str, key: &str) -> Result<Option<String>, Error> {
    let mut p = Cursor::new(text);
    let mut found = None;
    p.ws();
    if p.peek() == Some(b'{') {
        p.members(0, |p, k, depth| {
            if k == key {
                p.string_or_skip(depth, Some(&mut found))
            } else {
                p.skip_value(depth)
            }
        })?;
    } else {
        p.skip_value(0)?;
    }
    p.end()?;
    Ok(found)
}

/// The values of the top-level members named in `keys` of the object `text`, into the same
/// positions of `out` (`None` when absent; the last one when a key is repeated), checking that
/// all of `text` is JSON while building only those members. A document that is not an object
/// leaves `out` all `None`. Errors as [`parse`].
pub fn top_level_values(text: &str, keys: &[&str], out: &mut [Option<Value>]) -> Result<(), Error> {
    let mut p = Cursor::new(text);
    p.ws();
    if p.peek() == Some(b'{') {
        p.members(0, |p, k, depth| {
            match keys
                .iter()
                .position(|key| *key == k)
                .and_then(|i| out.get_mut(i))
            {
                Some(slot) => *slot = Some(p.value(depth)?),
                None => p.skip_value(depth)?,
            }
            Ok(())
        })?;
    } else {
        p.skip_value(0)?;
    }
    p.end()
}

/// [`chat_delta_text`], skipping the text when `want_text` is false (only the finish reason and
/// the error flag are then filled in).
pub fn scan_chunk(data: &str, want_text: bool) -> Result<DeltaSummary, Error> {
    let mut p = Cursor::new(data);
    let mut summary = DeltaSummary::default();
    p.ws();
    if p.peek() == Some(b'{') {
        p.top_object(&mut summary, want_text)?;
    } else {
        p.skip_value(0)?;
    }
    p.end()?;
    Ok(summary)
}
