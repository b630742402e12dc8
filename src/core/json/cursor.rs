//! The reading position shared by the tree parser and the skipping chunk scanner, so that both
//! accept exactly the same texts.

use super::number::parse_number;
use super::{DeltaSummary, Value, MAX_DEPTH};
use crate::core::error::{Error, ErrorKind};

/// A string read by the scanner: a slice of the input when it had no escapes, else decoded into
/// the caller's scratch buffer.
pub(super) enum Str<'a> {
    Raw(&'a str),
    Decoded,
}

/// Reading position in a JSON text. Both the tree parser and the skipping scanner use it, so
/// they accept exactly the same texts.
pub(super) struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(s: &'a str) -> Cursor<'a> {
        Cursor {
            s,
            b: s.as_bytes(),
            pos: 0,
        }
    }

    pub(super) fn err(&self, what: &str) -> Error {
        Error::new(
            ErrorKind::Decode,
            format!("invalid JSON at byte {}: {what}", self.pos),
        )
        .with_code("invalid_json")
    }

    #[inline(always)]
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    #[inline(always)]
    pub(super) fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    pub(super) fn end(&mut self) -> Result<(), Error> {
        self.ws();
        if self.pos == self.b.len() {
            Ok(())
        } else {
            Err(self.err("unexpected characters after the value"))
        }
    }

    #[inline(always)]
    pub(super) fn eat(&mut self, byte: u8, what: &str) -> Result<(), Error> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    pub(super) fn literal(&mut self, word: &str) -> Result<(), Error> {
        if self.b.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.err("invalid literal"))
        }
    }

    pub(super) fn enter(&self, depth: usize) -> Result<usize, Error> {
        if depth >= MAX_DEPTH {
            Err(self.err("nesting too deep"))
        } else {
            Ok(depth + 1)
        }
    }

    /// After a member or element: `,` (returns true, more follow) or the closing bracket.
    #[inline(always)]
    pub(super) fn next_item(&mut self, close: u8) -> Result<bool, Error> {
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
    pub(super) fn empty(&mut self, close: u8) -> bool {
        self.ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A member's key and colon; leaves the cursor on the value.
    pub(super) fn key(&mut self, scratch: &mut String) -> Result<Str<'a>, Error> {
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

    pub(super) fn value(&mut self, depth: usize) -> Result<Value, Error> {
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
    pub(super) fn number(&mut self) -> Result<f64, Error> {
        let start = self.pos;
        self.skip_number()?;
        Ok(parse_number(
            self.b.get(start..self.pos).unwrap_or_default(),
        ))
    }

    /// Checks the number grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    pub(super) fn skip_number(&mut self) -> Result<(), Error> {
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

    pub(super) fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// Reads a string (the cursor is on its opening quote). With `out`, a string with escapes
    /// is decoded into it (cleared first) and `Str::Decoded` returned; without, escapes are only
    /// checked.
    pub(super) fn string(&mut self, mut out: Option<&mut String>) -> Result<Str<'a>, Error> {
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
    pub(super) fn escape(&mut self) -> Result<char, Error> {
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

    pub(super) fn hex4(&mut self) -> Result<u32, Error> {
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
    pub(super) fn skip_value(&mut self, depth: usize) -> Result<(), Error> {
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
    pub(super) fn string_or_skip(
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
    pub(super) fn members(
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

    pub(super) fn top_object(
        &mut self,
        summary: &mut DeltaSummary,
        want_text: bool,
    ) -> Result<(), Error> {
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

    pub(super) fn choice(
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
            // An empty finish_reason is no reason: the stream is not finished by it.
            summary.finish_reason = finish.filter(|f| !f.is_empty());
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
