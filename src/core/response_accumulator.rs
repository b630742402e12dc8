//! [`ResponseAccumulator`]: assembles the events of a Responses stream into the final Response,
//! and [`with_output_text`], the same convenience `output_text` for a non-streamed Response.

use crate::core::error::Error;
use crate::core::json::{self, Value};
use crate::core::responses::{is_terminal, ResponseEvent};

/// Assembles streamed Responses events into the Response object.
///
/// What it reads (other events are counted and otherwise ignored; an event whose
/// `output_index` is missing or not a number is ignored; a missing `content_index` or
/// `summary_index` is 0; indices are truncated to integers):
/// * An event's type is its data's `type` string only (an event named by its `event:` line
///   alone is counted and otherwise ignored).
/// * The `response` member, when an object, of `response.created`, `response.queued`,
///   `response.in_progress` and the terminal events: the last one is the *base*; the one
///   carried by the terminal event (`response.completed`, `.incomplete`, `.failed`) is the
///   *terminal response*.
/// * `response.output_item.added` / `.done`: the item at `output_index` (the last of each).
/// * `response.content_part.added` / `.done`: the `part` at (`output_index`, `content_index`);
///   a `.done` part's string `text` is that part's final text.
/// * `response.output_text.delta` and `response.reasoning_text.delta`: `delta` appended to the
///   part's text; their `.done` events' `text` is the part's final text.
/// * `response.reasoning_summary_part.added` / `.done` and
///   `response.reasoning_summary_text.delta` / `.done`: the same, for the summary part at
///   (`output_index`, `summary_index`).
/// * `response.function_call_arguments.delta`: appended to the item's arguments; the `.done`
///   event's `arguments` string is the final value.
///
/// The result ([`ResponseAccumulator::to_value`]):
/// * When the terminal response has a non-empty `output` array, it is the result as sent
///   (servers are authoritative).
/// * Otherwise the result is the terminal response, else the base, else `{}`, with `output`
///   set to the assembled items in `output_index` order, and, when a terminal event came
///   without a `response` object, `status` set from its type (`completed`, `incomplete`,
///   `failed`). An assembled item is its `output_item.done` item as sent when one came; else
///   its `.added` item (else `{"type": T}`, with `"role": "assistant"` for a message, T
///   inferred: `reasoning` after reasoning events, `function_call` after argument events, else
///   `message`) with: `content` replaced by the assembled parts when any part event came,
///   `summary` likewise, `arguments` replaced when any argument event came. A part is its
///   `part` object (else `{"type": "output_text", "annotations": []}` in a message,
///   `{"type": "reasoning_text"}` in reasoning content, `{"type": "summary_text"}` in a
///   summary) with `text` set to: the final text when one came, else the deltas when any came,
///   else the part's own string `text`, else `""`.
/// * In both cases `output_text` is then set (replacing any): the `text` of every
///   `output_text` part of every `message` item in `output`, concatenated (as openai-node's
///   `output_text`).
#[derive(Clone, Debug, Default)]
pub struct ResponseAccumulator {
    base: Option<Value>,
    terminal: Option<String>,
    terminal_response: Option<Value>,
    items: Vec<ItemAcc>,
    events: usize,
}

#[derive(Clone, Debug, Default)]
struct ItemAcc {
    index: i64,
    added: Option<Value>,
    done: Option<Value>,
    hint: Option<&'static str>,
    content: Vec<PartAcc>,
    summary: Vec<PartAcc>,
    arguments: Option<String>,
    arguments_done: Option<String>,
}

#[derive(Clone, Debug, Default)]
struct PartAcc {
    index: i64,
    part: Option<Value>,
    deltas: Option<String>,
    done: Option<String>,
}

/// An index from a JSON number (`as` saturates, it cannot panic).
fn index_of(value: Option<&Value>) -> Option<i64> {
    value.and_then(Value::as_f64).map(|n| n as i64)
}

/// The entry with `index` in a list sorted by index, inserted when missing.
fn entry<T: Default>(
    list: &mut Vec<T>,
    index: i64,
    key: fn(&T) -> i64,
    new: fn(i64) -> T,
) -> &mut T {
    let at = match list.binary_search_by_key(&index, key) {
        Ok(at) => at,
        Err(at) => {
            list.insert(at, new(index));
            at
        }
    };
    &mut list[at]
}

/// Sets `key` in an object value (in place when present, else appended).
fn set(object: &mut Value, key: &str, value: Value) {
    if let Value::Object(members) = object {
        members.retain(|(k, _)| k != key);
        members.push((key.to_owned(), value));
    }
}

fn string_of(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_owned)
}

impl ResponseAccumulator {
    /// An empty accumulator.
    pub fn new() -> ResponseAccumulator {
        ResponseAccumulator::default()
    }

    /// How many events (JSON objects) were added.
    pub fn events(&self) -> usize {
        self.events
    }

    /// Adds an event the stream rules handed out. A `response.output_text.delta` whose text
    /// and indices the scanner already read is appended without parsing the data again.
    pub fn push_event(&mut self, event: &ResponseEvent) -> Result<(), Error> {
        if let (Some(delta), Some(output)) = (&event.delta, event.output_index) {
            let content = event.content_index.map_or(0, |n| n as i64);
            let item = self.item(output as i64);
            item.hint.get_or_insert("message");
            let part = entry(&mut item.content, content, |p| p.index, part_at);
            part.deltas.get_or_insert_with(String::new).push_str(delta);
            self.events += 1;
            return Ok(());
        }
        self.push_json(&event.data)
    }

    /// Adds one event given as JSON text; errors (kind
    /// [`ErrorKind::Decode`](crate::core::error::ErrorKind::Decode)) if it is not JSON.
    pub fn push_json(&mut self, data: &str) -> Result<(), Error> {
        self.push(&json::parse(data)?);
        Ok(())
    }

    /// Adds one parsed event. Values that are not objects are ignored.
    pub fn push(&mut self, event: &Value) {
        if event.as_object().is_none() {
            return;
        }
        self.events += 1;
        let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
        let response = event.get("response").filter(|r| r.as_object().is_some());
        let carries_response = is_terminal(kind)
            || matches!(
                kind,
                "response.created" | "response.queued" | "response.in_progress"
            );
        if let (true, Some(r)) = (carries_response, response) {
            self.base = Some(r.clone());
        }
        if is_terminal(kind) {
            self.terminal = Some(kind.to_owned());
            self.terminal_response = response.cloned();
            return;
        }
        let Some(output) = index_of(event.get("output_index")) else {
            return;
        };
        let text = || string_of(event.get("text"));
        let delta = event.get("delta").and_then(Value::as_str);
        let item = self.item(output);
        let content = index_of(event.get("content_index")).unwrap_or(0);
        let summary = index_of(event.get("summary_index")).unwrap_or(0);
        let (hint, list, index) = match kind {
            "response.output_item.added" | "response.output_item.done" => {
                if let Some(it) = event.get("item").filter(|i| i.as_object().is_some()) {
                    let slot = if kind.ends_with("added") {
                        &mut item.added
                    } else {
                        &mut item.done
                    };
                    *slot = Some(it.clone());
                }
                return;
            }
            "response.function_call_arguments.delta" | "response.function_call_arguments.done" => {
                item.hint.get_or_insert("function_call");
                if kind.ends_with("delta") {
                    if let Some(args) = delta {
                        item.arguments
                            .get_or_insert_with(String::new)
                            .push_str(args);
                    }
                } else if let Some(args) = string_of(event.get("arguments")) {
                    item.arguments_done = Some(args);
                }
                return;
            }
            "response.content_part.added" | "response.content_part.done" => {
                (None, &mut item.content, content)
            }
            "response.output_text.delta" | "response.output_text.done" => {
                (Some("message"), &mut item.content, content)
            }
            "response.reasoning_text.delta" | "response.reasoning_text.done" => {
                (Some("reasoning"), &mut item.content, content)
            }
            "response.reasoning_summary_part.added"
            | "response.reasoning_summary_part.done"
            | "response.reasoning_summary_text.delta"
            | "response.reasoning_summary_text.done" => {
                (Some("reasoning"), &mut item.summary, summary)
            }
            _ => return,
        };
        let part = entry(list, index, |p| p.index, part_at);
        if kind.ends_with("_part.added") || kind.ends_with("_part.done") {
            if let Some(p) = event.get("part").filter(|p| p.as_object().is_some()) {
                part.part = Some(p.clone());
                if kind.ends_with("done") {
                    if let Some(t) = string_of(p.get("text")) {
                        part.done = Some(t);
                    }
                }
            }
        } else if kind.ends_with("delta") {
            if let Some(d) = delta {
                part.deltas.get_or_insert_with(String::new).push_str(d);
            }
        } else if let Some(t) = text() {
            part.done = Some(t);
        }
        if let Some(h) = hint {
            item.hint.get_or_insert(h);
        }
    }

    fn item(&mut self, index: i64) -> &mut ItemAcc {
        entry(
            &mut self.items,
            index,
            |i| i.index,
            |index| ItemAcc {
                index,
                ..ItemAcc::default()
            },
        )
    }

    /// The assembled Response (see the type's docs).
    pub fn to_value(&self) -> Value {
        let authoritative = self.terminal_response.as_ref().filter(|r| {
            r.get("output")
                .and_then(Value::as_array)
                .is_some_and(|o| !o.is_empty())
        });
        let mut out = match authoritative {
            Some(r) => r.clone(),
            None => {
                let mut out = self
                    .terminal_response
                    .clone()
                    .or_else(|| self.base.clone())
                    .unwrap_or(Value::Object(Vec::new()));
                let items = self.items.iter().map(ItemAcc::to_value).collect();
                set(&mut out, "output", Value::Array(items));
                if let (Some(kind), None) = (&self.terminal, &self.terminal_response) {
                    let status = kind.strip_prefix("response.").unwrap_or(kind);
                    set(&mut out, "status", Value::String(status.to_owned()));
                }
                out
            }
        };
        let text = output_text(&out);
        set(&mut out, "output_text", Value::String(text));
        out
    }

    /// The assembled Response as JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_json()
    }
}

fn part_at(index: i64) -> PartAcc {
    PartAcc {
        index,
        ..PartAcc::default()
    }
}

impl ItemAcc {
    fn to_value(&self) -> Value {
        if let Some(done) = &self.done {
            return done.clone();
        }
        let kind = self.hint.unwrap_or("message");
        let mut item = self.added.clone().unwrap_or_else(|| {
            let mut members = vec![("type".to_owned(), Value::String(kind.to_owned()))];
            if kind == "message" {
                members.push(("role".to_owned(), Value::String("assistant".to_owned())));
            }
            Value::Object(members)
        });
        let kind = item.get("type").and_then(Value::as_str).unwrap_or(kind);
        let content_type = if kind == "reasoning" {
            "reasoning_text"
        } else {
            "output_text"
        };
        let content = (!self.content.is_empty())
            .then(|| parts(&self.content, content_type))
            .map(Value::Array);
        let summary = (!self.summary.is_empty())
            .then(|| parts(&self.summary, "summary_text"))
            .map(Value::Array);
        let arguments = self
            .arguments_done
            .clone()
            .or_else(|| self.arguments.clone())
            .map(Value::String);
        for (key, value) in [
            ("content", content),
            ("summary", summary),
            ("arguments", arguments),
        ] {
            if let Some(value) = value {
                set(&mut item, key, value);
            }
        }
        item
    }
}

fn parts(list: &[PartAcc], default_type: &str) -> Vec<Value> {
    list.iter()
        .map(|p| {
            let mut part = p.part.clone().unwrap_or_else(|| {
                let mut members = vec![("type".to_owned(), Value::String(default_type.into()))];
                if default_type == "output_text" {
                    members.push(("annotations".to_owned(), Value::Array(Vec::new())));
                }
                Value::Object(members)
            });
            let text = p
                .done
                .clone()
                .or_else(|| p.deltas.clone())
                .or_else(|| string_of(part.get("text")))
                .unwrap_or_default();
            set(&mut part, "text", Value::String(text));
            part
        })
        .collect()
}

/// The `text` of every `output_text` part of every `message` item of `response.output`,
/// concatenated.
fn output_text(response: &Value) -> String {
    let mut out = String::new();
    let items = response.get("output").and_then(Value::as_array);
    for item in items.unwrap_or_default() {
        if item.get("type").and_then(Value::as_str) != Some("message") {
            continue;
        }
        let content = item.get("content").and_then(Value::as_array);
        for part in content.unwrap_or_default() {
            if part.get("type").and_then(Value::as_str) == Some("output_text") {
                out.push_str(part.get("text").and_then(Value::as_str).unwrap_or_default());
            }
        }
    }
    out
}

/// A non-streamed Response (the JSON text of a `stream: false` answer) with the convenience
/// `output_text` added, computed as [`ResponseAccumulator`] does. The server's text is kept as
/// it is: the member is appended before the closing `}` (a server's own `output_text`, if any,
/// is then a duplicate key that `JSON.parse` reads as the last one, ours). Text that is JSON but
/// not an object is returned unchanged; text that is not JSON is an error of kind
/// [`ErrorKind::Decode`](crate::core::error::ErrorKind::Decode).
pub fn with_output_text(text: &str) -> Result<String, Error> {
    let value = json::parse(text)?;
    let trimmed = crate::core::trim_ascii(text, crate::core::BLANK, false, true);
    let (Some(members), Some(head)) = (value.as_object(), trimmed.strip_suffix('}')) else {
        return Ok(text.to_owned());
    };
    let mut out = String::with_capacity(text.len() + 32);
    out.push_str(head);
    if !members.is_empty() {
        out.push(',');
    }
    out.push_str("\"output_text\":");
    json::write_str(&mut out, &output_text(&value));
    out.push('}');
    Ok(out)
}
