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

use std::cmp::Ordering;
use std::fmt::Write as _;

use crate::core::error::{Error, ErrorKind};

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

/// Parses one JSON text. Errors are of kind [`ErrorKind::Decode`] with code `invalid_json`.
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
    /// The first choice's `finish_reason` that is a string.
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

/// A string read by the scanner: a slice of the input when it had no escapes, else decoded into
/// the caller's scratch buffer.
enum Str<'a> {
    Raw(&'a str),
    Decoded,
}

/// Reading position in a JSON text. Both the tree parser and the skipping scanner use it, so
/// they accept exactly the same texts.
struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Cursor<'a> {
        Cursor {
            s,
            b: s.as_bytes(),
            pos: 0,
        }
    }

    fn err(&self, what: &str) -> Error {
        Error::new(
            ErrorKind::Decode,
            format!("invalid JSON at byte {}: {what}", self.pos),
        )
        .with_code("invalid_json")
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn end(&mut self) -> Result<(), Error> {
        self.ws();
        if self.pos == self.b.len() {
            Ok(())
        } else {
            Err(self.err("unexpected characters after the value"))
        }
    }

    #[inline(always)]
    fn eat(&mut self, byte: u8, what: &str) -> Result<(), Error> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), Error> {
        if self.b.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn enter(&self, depth: usize) -> Result<usize, Error> {
        if depth >= MAX_DEPTH {
            Err(self.err("nesting too deep"))
        } else {
            Ok(depth + 1)
        }
    }

    /// After a member or element: `,` (returns true, more follow) or the closing bracket.
    #[inline(always)]
    fn next_item(&mut self, close: u8) -> Result<bool, Error> {
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.ws();
                Ok(true)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.err("expected ',' or a closing bracket")),
        }
    }

    /// After `{` or `[`: whether the container is empty (and consumes its closing bracket).
    #[inline(always)]
    fn empty(&mut self, close: u8) -> bool {
        self.ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A member's key and colon; leaves the cursor on the value.
    fn key(&mut self, scratch: &mut String) -> Result<Str<'a>, Error> {
        if self.peek() != Some(b'"') {
            return Err(self.err("expected a string key"));
        }
        let key = self.string(Some(scratch))?;
        self.ws();
        self.eat(b':', "expected ':'")?;
        self.ws();
        Ok(key)
    }

    // ---- the tree parser ----

    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        match self.peek() {
            Some(b'{') => {
                let depth = self.enter(depth)?;
                self.pos += 1;
                let mut members = Vec::new();
                if self.empty(b'}') {
                    return Ok(Value::Object(members));
                }
                loop {
                    let mut scratch = String::new();
                    let key = match self.key(&mut scratch)? {
                        Str::Raw(raw) => raw.to_owned(),
                        Str::Decoded => scratch,
                    };
                    let value = self.value(depth)?;
                    members.push((key, value));
                    if !self.next_item(b'}')? {
                        return Ok(Value::Object(members));
                    }
                }
            }
            Some(b'[') => {
                let depth = self.enter(depth)?;
                self.pos += 1;
                let mut items = Vec::new();
                if self.empty(b']') {
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth)?);
                    if !self.next_item(b']')? {
                        return Ok(Value::Array(items));
                    }
                }
            }
            Some(b'"') => {
                let mut scratch = String::new();
                Ok(Value::String(match self.string(Some(&mut scratch))? {
                    Str::Raw(raw) => raw.to_owned(),
                    Str::Decoded => scratch,
                }))
            }
            Some(b't') => self.literal("true").map(|()| Value::Bool(true)),
            Some(b'f') => self.literal("false").map(|()| Value::Bool(false)),
            Some(b'n') => self.literal("null").map(|()| Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(_) => Err(self.err("unexpected character")),
            None => Err(self.err("unexpected end of input")),
        }
    }

    /// Reads a number and returns its value.
    fn number(&mut self) -> Result<f64, Error> {
        let start = self.pos;
        self.skip_number()?;
        Ok(parse_number(
            self.b.get(start..self.pos).unwrap_or_default(),
        ))
    }

    /// Checks the number grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn skip_number(&mut self) -> Result<(), Error> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.err("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number"));
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// Reads a string (the cursor is on its opening quote). With `out`, a string with escapes
    /// is decoded into it (cleared first) and `Str::Decoded` returned; without, escapes are only
    /// checked.
    fn string(&mut self, mut out: Option<&mut String>) -> Result<Str<'a>, Error> {
        self.pos += 1;
        let start = self.pos;
        // Fast path: find the closing quote of a string with no escapes.
        loop {
            match self.peek() {
                Some(b'"') => {
                    let raw = self.s.get(start..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Ok(Str::Raw(raw));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => return Err(self.err("control character in string")),
                Some(_) => self.pos += 1,
                None => return Err(self.err("unterminated string")),
            }
        }
        if let Some(out) = out.as_deref_mut() {
            out.clear();
            out.push_str(self.s.get(start..self.pos).unwrap_or_default());
        }
        let mut run = self.pos;
        loop {
            match self.peek() {
                Some(b'"') => {
                    if let Some(out) = out.as_deref_mut() {
                        out.push_str(self.s.get(run..self.pos).unwrap_or_default());
                    }
                    self.pos += 1;
                    return Ok(Str::Decoded);
                }
                Some(b'\\') => {
                    if let Some(out) = out.as_deref_mut() {
                        out.push_str(self.s.get(run..self.pos).unwrap_or_default());
                    }
                    self.pos += 1;
                    let c = self.escape()?;
                    if let Some(out) = out.as_deref_mut() {
                        out.push(c);
                    }
                    run = self.pos;
                }
                Some(0..=0x1f) => return Err(self.err("control character in string")),
                Some(_) => self.pos += 1,
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    /// Reads an escape (after its backslash) and returns the character it stands for.
    fn escape(&mut self) -> Result<char, Error> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4()?;
                return Ok(match unit {
                    0xD800..=0xDBFF => {
                        // A high surrogate: combine it with a following low one.
                        let low = self.b.get(self.pos..self.pos + 6).and_then(|next| {
                            let (prefix, hex) = next.split_at(2);
                            (prefix == b"\\u").then(|| hex_value(hex)).flatten()
                        });
                        match low {
                            Some(low @ 0xDC00..=0xDFFF) => {
                                self.pos += 6;
                                let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                char::from_u32(c).unwrap_or('\u{FFFD}')
                            }
                            _ => '\u{FFFD}',
                        }
                    }
                    _ => char::from_u32(unit).unwrap_or('\u{FFFD}'),
                });
            }
            _ => return Err(self.err("invalid escape")),
        };
        self.pos += 1;
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let value = self
            .b
            .get(self.pos..self.pos + 4)
            .and_then(hex_value)
            .ok_or_else(|| self.err("invalid \\u escape"))?;
        self.pos += 4;
        Ok(value)
    }

    // ---- the skipping scanner ----

    /// Checks one value and moves past it, building nothing.
    fn skip_value(&mut self, depth: usize) -> Result<(), Error> {
        match self.peek() {
            Some(b'{') => {
                let depth = self.enter(depth)?;
                self.pos += 1;
                if self.empty(b'}') {
                    return Ok(());
                }
                loop {
                    if self.peek() != Some(b'"') {
                        return Err(self.err("expected a string key"));
                    }
                    self.string(None)?;
                    self.ws();
                    self.eat(b':', "expected ':'")?;
                    self.ws();
                    self.skip_value(depth)?;
                    if !self.next_item(b'}')? {
                        return Ok(());
                    }
                }
            }
            Some(b'[') => {
                let depth = self.enter(depth)?;
                self.pos += 1;
                if self.empty(b']') {
                    return Ok(());
                }
                loop {
                    self.skip_value(depth)?;
                    if !self.next_item(b']')? {
                        return Ok(());
                    }
                }
            }
            Some(b'"') => self.string(None).map(|_| ()),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.skip_number(),
            Some(_) => Err(self.err("unexpected character")),
            None => Err(self.err("unexpected end of input")),
        }
    }

    /// Skips a value, or, when it is a string and `out` is given, stores it there (`None` for
    /// any other value). Used for members where the last duplicate wins.
    fn string_or_skip(
        &mut self,
        depth: usize,
        out: Option<&mut Option<String>>,
    ) -> Result<(), Error> {
        match out {
            Some(out) if self.peek() == Some(b'"') => {
                let mut scratch = String::new();
                *out = Some(match self.string(Some(&mut scratch))? {
                    Str::Raw(raw) => raw.to_owned(),
                    Str::Decoded => scratch,
                });
                Ok(())
            }
            Some(out) => {
                *out = None;
                self.skip_value(depth)
            }
            None => self.skip_value(depth),
        }
    }

    /// Walks the members of `{...}` (the cursor is on `{`), calling `member` with each key; the
    /// callback must consume the value.
    fn members(
        &mut self,
        depth: usize,
        mut member: impl FnMut(&mut Self, &str, usize) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        if self.empty(b'}') {
            return Ok(());
        }
        let mut scratch = String::new();
        loop {
            let key = self.key(&mut scratch)?;
            let key = match key {
                Str::Raw(raw) => raw,
                Str::Decoded => scratch.as_str(),
            };
            member(self, key, depth)?;
            if !self.next_item(b'}')? {
                return Ok(());
            }
        }
    }

    fn top_object(&mut self, summary: &mut DeltaSummary, want_text: bool) -> Result<(), Error> {
        self.members(0, |p, key, depth| match key {
            "error" => {
                summary.is_error = p.b.get(p.pos..p.pos + 4) != Some(b"null");
                p.skip_value(depth)
            }
            "choices" if p.peek() == Some(b'[') => {
                // The last `choices` member wins: forget what an earlier one said.
                summary.text.clear();
                summary.finish_reason = None;
                let twice = summary.choices_span.is_some();
                let start = p.pos;
                let depth = p.enter(depth)?;
                p.pos += 1;
                if p.empty(b']') {
                    summary.simple = false;
                    summary.choices_span = Some((start, p.pos));
                    return Ok(());
                }
                summary.simple = !twice;
                let mut count = 0;
                loop {
                    if p.peek() == Some(b'{') {
                        count += 1;
                        p.choice(summary, want_text, depth)?;
                    } else {
                        summary.simple = false;
                        p.skip_value(depth)?;
                    }
                    if !p.next_item(b']')? {
                        if count != 1 || twice {
                            summary.simple = false;
                        }
                        summary.choices_span = Some((start, p.pos));
                        return Ok(());
                    }
                }
            }
            "choices" => {
                summary.text.clear();
                summary.finish_reason = None;
                summary.simple = false;
                summary.choices_span = Some((p.pos, p.pos));
                p.skip_value(depth)
            }
            _ => p.skip_value(depth),
        })
    }

    fn choice(
        &mut self,
        summary: &mut DeltaSummary,
        want_text: bool,
        depth: usize,
    ) -> Result<(), Error> {
        let mut content: Option<String> = None;
        let mut text: Option<String> = None;
        let mut finish: Option<String> = None;
        let mut simple = want_text;
        self.members(depth, |p, key, depth| match key {
            "delta" => {
                content = None;
                if p.peek() == Some(b'{') {
                    p.members(depth, |p, key, depth| match key {
                        "content" => p.string_or_skip(depth, want_text.then_some(&mut content)),
                        _ => {
                            simple = false;
                            p.skip_value(depth)
                        }
                    })
                } else {
                    simple = false;
                    p.skip_value(depth)
                }
            }
            "text" => {
                simple = false;
                p.string_or_skip(depth, want_text.then_some(&mut text))
            }
            "finish_reason" => {
                simple &= p.b.get(p.pos..p.pos + 4) == Some(b"null");
                p.string_or_skip(depth, Some(&mut finish))
            }
            "logprobs" => {
                simple &= p.b.get(p.pos..p.pos + 4) == Some(b"null");
                p.skip_value(depth)
            }
            "index" => {
                simple &= p.peek() == Some(b'0')
                    && !matches!(p.b.get(p.pos + 1), Some(c) if c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E'));
                p.skip_value(depth)
            }
            _ => {
                simple = false;
                p.skip_value(depth)
            }
        })?;
        if !simple {
            summary.simple = false;
        }
        if let Some(content) = content {
            summary.text.push_str(&content);
        }
        if let Some(text) = text {
            summary.text.push_str(&text);
        }
        if summary.finish_reason.is_none() {
            summary.finish_reason = finish;
        }
        Ok(())
    }
}

/// The value of four hex digits.
fn hex_value(hex: &[u8]) -> Option<u32> {
    if hex.len() != 4 {
        return None;
    }
    hex.iter().try_fold(0u32, |acc, &h| {
        let d = (h as char).to_digit(16)?;
        Some(acc * 16 + d)
    })
}

// ---- numbers ----
//
// core's float parsing and printing would add about 22 KB (gzip) to the wasm, most of the size
// budget, so numbers are converted here: exact integers and Clinger's fast path for the common
// cases, and a small big-integer comparison for the rest, so that parsing is correctly rounded
// (the same `f64` as JavaScript's) and writing gives JavaScript's shortest round-trip text.

/// Powers of ten exactly representable as `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Significant digits kept when parsing; any further non-zero digit only breaks ties.
const MAX_DIGITS: usize = 800;

/// A non-negative integer of any size, in little-endian 32-bit limbs without leading zeros.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn mul_add_small(&mut self, m: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let x = u64::from(*limb) * u64::from(m) + carry;
            *limb = x as u32;
            carry = x >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut n: u32) {
        while n >= 13 {
            self.mul_add_small(1_220_703_125, 0);
            n -= 13;
        }
        if n > 0 {
            self.mul_add_small(5u32.pow(n), 0);
        }
    }

    fn shl(&mut self, n: u32) {
        let bits = n % 32;
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let next = *limb >> (32 - bits);
                *limb = (*limb << bits) | carry;
                carry = next;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if !self.0.is_empty() {
            self.0
                .splice(0..0, std::iter::repeat_n(0, (n / 32) as usize));
        }
    }

    /// Divides in place, returning the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.0.iter_mut().rev() {
            let x = (rem << 32) | u64::from(*limb);
            *limb = (x / u64::from(d)) as u32;
            rem = x % u64::from(d);
        }
        self.trim();
        rem as u32
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    /// The decimal digits (ASCII), most significant first; empty for zero.
    fn decimal(mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while !self.0.is_empty() {
            let mut chunk = self.div_small(1_000_000_000);
            for _ in 0..9 {
                out.push(b'0' + (chunk % 10) as u8);
                chunk /= 10;
            }
        }
        while out.last() == Some(&b'0') {
            out.pop();
        }
        out.reverse();
        out
    }
}

/// `c = mant * 2^exp2` for a finite non-negative `c`.
fn decompose(c: f64) -> (u64, i32) {
    let bits = c.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), exp - 1075)
    }
}

/// Compares `digits * 10^e10 (+ a little, when sticky)` with `h * 2^q`, exactly.
fn compare(digits: &Big, sticky: bool, e10: i32, h: u64, q: i32) -> Ordering {
    let mut lhs = digits.clone();
    let mut rhs = Big::from_u64(h);
    let mut lhs_p2 = 0;
    if e10 >= 0 {
        lhs.mul_pow5(e10.unsigned_abs());
        lhs_p2 = e10;
    } else {
        rhs.mul_pow5(e10.unsigned_abs());
        lhs_p2 += e10;
    }
    let shift = lhs_p2 - q;
    if shift > 0 {
        lhs.shl(shift.unsigned_abs());
    } else {
        rhs.shl(shift.unsigned_abs());
    }
    match lhs.cmp(&rhs) {
        Ordering::Equal if sticky => Ordering::Greater,
        ord => ord,
    }
}

/// `m * 10^e` in floating point: within a few units in the last place.
fn scale(m: f64, mut e: i32) -> f64 {
    let mut v = m;
    while e > 22 {
        v *= 1e22;
        e -= 22;
    }
    while e < -22 {
        v /= 1e22;
        e += 22;
    }
    let p = POW10.get(e.unsigned_abs() as usize).copied().unwrap_or(1.0);
    if e >= 0 {
        v * p
    } else {
        v / p
    }
}

/// The `f64` nearest to `digits * 10^e10` (ties to even), where `digits` are ASCII decimal
/// digits without leading zeros (at most [`MAX_DIGITS`]) and `sticky` says non-zero digits were
/// cut off after them.
fn decimal_to_f64(digits: &[u8], e10: i32, sticky: bool) -> f64 {
    if digits.is_empty() {
        return 0.0;
    }
    let magnitude = digits.len() as i32 + e10;
    if magnitude > 310 {
        return f64::INFINITY;
    }
    if magnitude < -324 {
        return 0.0;
    }
    let head = digits.get(..digits.len().min(19)).unwrap_or_default();
    let m = head
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    let rest = digits.len() - head.len();
    if rest == 0 && !sticky && m <= 1 << 53 && (-22..=22).contains(&e10) {
        // Both factors are exact: one rounding, so correctly rounded (Clinger's fast path).
        return scale(m as f64, e10);
    }
    let mut c = scale(m as f64, e10 + rest as i32);
    let mut big = Big(Vec::new());
    for &d in digits {
        big.mul_add_small(10, u32::from(d - b'0'));
    }
    if c.is_infinite() {
        c = f64::MAX;
    }
    for _ in 0..64 {
        let (mant, exp2) = decompose(c);
        // Halfway to the next double up.
        match compare(&big, sticky, e10, 2 * mant + 1, exp2 - 1) {
            Ordering::Greater => {
                c = f64::from_bits(c.to_bits() + 1);
                if c.is_infinite() {
                    return c;
                }
                continue;
            }
            Ordering::Equal => {
                return if mant & 1 == 1 {
                    f64::from_bits(c.to_bits() + 1)
                } else {
                    c
                };
            }
            Ordering::Less => {}
        }
        if c == 0.0 {
            return c;
        }
        // Halfway to the next double down (closer at a power of two).
        let (h, q) = if mant == 1 << 52 && exp2 > -1074 {
            (4 * mant - 1, exp2 - 2)
        } else {
            (2 * mant - 1, exp2 - 1)
        };
        match compare(&big, sticky, e10, h, q) {
            Ordering::Less => c = f64::from_bits(c.to_bits() - 1),
            Ordering::Equal if mant & 1 == 1 => return f64::from_bits(c.to_bits() - 1),
            _ => return c,
        }
    }
    c
}

/// Parses a number whose syntax was already checked.
fn parse_number(text: &[u8]) -> f64 {
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mantissa_end = text
        .iter()
        .position(|&b| b == b'e' || b == b'E')
        .unwrap_or(text.len());
    let (mantissa, exponent) = text.split_at(mantissa_end);
    let exponent = exponent.get(1..).unwrap_or_default();
    let (exp_negative, exp_digits) = match exponent.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, exponent),
    };
    // Saturates: anything past a million is zero or infinite anyway.
    let exp = exp_digits.iter().fold(0i32, |acc, d| {
        (acc * 10 + i32::from(d - b'0')).min(1_000_000)
    });
    let exp = if exp_negative { -exp } else { exp };
    let mut digits = Vec::new();
    let mut e10 = exp;
    let mut sticky = false;
    let mut after_point = false;
    for &b in mantissa {
        if b == b'.' {
            after_point = true;
            continue;
        }
        if digits.is_empty() && b == b'0' {
            if after_point {
                e10 -= 1;
            }
            continue;
        }
        if digits.len() < MAX_DIGITS {
            digits.push(b);
            if after_point {
                e10 -= 1;
            }
        } else {
            sticky |= b != b'0';
            if !after_point {
                e10 += 1;
            }
        }
    }
    while digits.last() == Some(&b'0') {
        digits.pop();
        e10 += 1;
    }
    let value = decimal_to_f64(&digits, e10, sticky);
    if negative {
        -value
    } else {
        value
    }
}

/// How [`round_digits`] rounds.
#[derive(Clone, Copy, PartialEq)]
enum Round {
    Nearest,
    Down,
    Up,
}

/// Rounds `digits` (ASCII, with the decimal point `point` places in) to at most `p` significant
/// digits, without trailing zeros. `Nearest` rounds half to even; `Down` truncates; `Up` goes to
/// the next `p`-digit number when anything non-zero is cut.
fn round_digits(digits: &[u8], point: i32, p: usize, mode: Round) -> (Vec<u8>, i32) {
    let mut point = point;
    let mut out: Vec<u8> = digits.iter().take(p).copied().collect();
    if let Some((&next, rest)) = digits.get(p..).and_then(<[u8]>::split_first) {
        let nonzero_rest = rest.iter().any(|&d| d != b'0');
        let odd = out.last().is_some_and(|d| (d - b'0') % 2 == 1);
        let up = match mode {
            Round::Nearest => next > b'5' || (next == b'5' && (nonzero_rest || odd)),
            Round::Down => false,
            Round::Up => next != b'0' || nonzero_rest,
        };
        if up {
            let mut i = out.len();
            loop {
                if i == 0 {
                    // 99..9 rounded up: 10..0, one place further.
                    out.insert(0, b'1');
                    out.pop();
                    point += 1;
                    break;
                }
                i -= 1;
                match out.get_mut(i) {
                    Some(d) if *d == b'9' => *d = b'0',
                    Some(d) => {
                        *d += 1;
                        break;
                    }
                    None => break,
                }
            }
        }
    }
    while out.last() == Some(&b'0') {
        out.pop();
    }
    (out, point)
}

/// The shortest digits that read back as `n` (finite, positive), and the decimal point
/// position: `n = 0.DIGITS * 10^point`. Among the shortest, the nearest to `n` (ties to even),
/// as JavaScript chooses.
fn shortest_digits(n: f64) -> (Vec<u8>, i32) {
    let (mant, exp2) = decompose(n);
    let mut big = Big::from_u64(mant);
    let mut e10 = 0;
    if exp2 >= 0 {
        big.shl(exp2.unsigned_abs());
    } else {
        big.mul_pow5(exp2.unsigned_abs());
        e10 = exp2;
    }
    let exact = big.decimal();
    let point = exact.len() as i32 + e10;
    let reads_back = |(digits, point): &(Vec<u8>, i32)| {
        decimal_to_f64(digits, point - digits.len() as i32, false) == n
    };
    for p in 1..=17 {
        // The p-digit numbers next to n on either side are the only candidates: the nearest
        // first, then the other (the interval that reads back as n is lopsided at a power of 2).
        let near = round_digits(&exact, point, p, Round::Nearest);
        if reads_back(&near) {
            return near;
        }
        let down = round_digits(&exact, point, p, Round::Down);
        let other = if down == near {
            round_digits(&exact, point, p, Round::Up)
        } else {
            down
        };
        if reads_back(&other) {
            return other;
        }
    }
    round_digits(&exact, point, 17, Round::Nearest)
}

/// Appends a number as JSON, the way JavaScript's `JSON.stringify` writes it (`null` for NaN
/// and infinities, `0` for -0, the shortest text that reads back as the same `f64`).
pub fn write_number(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push_str("null");
        return;
    }
    if n == 0.0 {
        out.push('0');
        return;
    }
    if n < 0.0 {
        out.push('-');
    }
    let n = n.abs();
    if n.fract() == 0.0 && n < 1e21 && n <= (1u64 << 53) as f64 {
        let _ = write!(out, "{}", n as u64);
        return;
    }
    let (digits, point) = shortest_digits(n);
    // ASCII digits; byte slices keep str's slicing panics (and their formatting code) out.
    let push = |out: &mut String, bytes: Option<&[u8]>| {
        out.push_str(std::str::from_utf8(bytes.unwrap_or_default()).unwrap_or_default());
    };
    let k = digits.len() as i32;
    let at = point.unsigned_abs() as usize;
    if k <= point && point <= 21 {
        push(out, Some(&digits));
        out.extend(std::iter::repeat_n(
            '0',
            (point - k).unsigned_abs() as usize,
        ));
    } else if 0 < point && point <= 21 {
        push(out, digits.get(..at));
        out.push('.');
        push(out, digits.get(at..));
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', at));
        push(out, Some(&digits));
    } else {
        push(out, digits.get(..1));
        if digits.len() > 1 {
            out.push('.');
            push(out, digits.get(1..));
        }
        let e = point - 1;
        let _ = write!(
            out,
            "e{}{}",
            if e < 0 { '-' } else { '+' },
            e.unsigned_abs()
        );
    }
}
