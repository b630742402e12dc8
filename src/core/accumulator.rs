//! [`Accumulator`]: assembles the chunks of an OpenAI-style stream ([`ChatChunk`]s, or JSON
//! values) into the object the same call without `"stream": true` returns.

use crate::core::chat_stream::ChatChunk;
use crate::core::error::Error;
use crate::core::json::{self, Value};

/// Assembles streamed chunks into the object a non-streaming call returns: a `chat.completion`
/// (or a `text_completion` for `/completions` streams).
///
/// * Choices are matched by `index`. The message's `role` is the first one sent (default
///   `"assistant"`); `content` strings are concatenated (`null` when none came); any other delta
///   member (`reasoning_content`, `refusal`, ...) is concatenated when it is a string, else its
///   last non-null value is kept.
/// * `tool_calls` are assembled by their `index`: `id`, `type` and `function.name` are set by
///   the first delta that has them, `function.arguments` strings are concatenated. The legacy
///   `function_call` is assembled the same way.
/// * A choice's `finish_reason` is its last non-null one; `logprobs` arrays are concatenated.
/// * Top-level members (`id`, `model`, `created`, `usage`, `system_fingerprint`, unknown ones)
///   keep their last non-null value, so a usage chunk with `choices: []` fills `usage`, and a
///   later `"usage": null` does not erase it.
#[derive(Clone, Debug, Default)]
pub struct Accumulator {
    fields: Vec<(String, Value)>,
    choices: Vec<ChoiceAcc>,
    completions: bool,
    chunks: usize,
    /// the bytes before and after `choices` in the last chunk parsed in full.
    outside: Option<(String, String)>,
}

#[derive(Clone, Debug, Default)]
struct ChoiceAcc {
    index: i64,
    role: Option<String>,
    content: Option<String>,
    text: Option<String>,
    delta_extra: Vec<(String, Value)>,
    tool_calls: Vec<ToolCallAcc>,
    function_call: Option<FunctionAcc>,
    finish_reason: Option<Value>,
    logprobs: Option<Value>,
    extra: Vec<(String, Value)>,
}

#[derive(Clone, Debug, Default)]
struct ToolCallAcc {
    index: i64,
    id: Option<String>,
    kind: Option<String>,
    function: FunctionAcc,
    extra: Vec<(String, Value)>,
}

#[derive(Clone, Debug, Default)]
struct FunctionAcc {
    name: Option<String>,
    arguments: String,
}

impl FunctionAcc {
    fn push(&mut self, delta: &Value) {
        if self.name.is_none() {
            self.name = nonempty_str(delta.get("name"));
        }
        if let Some(args) = delta.get("arguments").and_then(Value::as_str) {
            self.arguments.push_str(args);
        }
    }

    fn to_value(&self) -> Value {
        Value::Object(vec![
            (
                "name".into(),
                Value::String(self.name.clone().unwrap_or_default()),
            ),
            ("arguments".into(), Value::String(self.arguments.clone())),
        ])
    }
}

fn nonempty_str(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// An array index from a JSON number (`as` saturates, it cannot panic).
fn index_of(value: Option<&Value>) -> Option<i64> {
    value.and_then(Value::as_f64).map(|n| n as i64)
}

/// Sets `key` to `value`, except that `null` never replaces a value.
fn set_member(members: &mut Vec<(String, Value)>, key: &str, value: &Value) {
    match members.iter_mut().find(|(k, _)| k == key) {
        Some((_, old)) => {
            if !value.is_null() {
                *old = value.clone();
            }
        }
        None => members.push((key.to_owned(), value.clone())),
    }
}

/// Like [`set_member`], but a string appends to a string already there.
fn concat_member(members: &mut Vec<(String, Value)>, key: &str, value: &Value) {
    if let (Some((_, Value::String(old))), Value::String(new)) =
        (members.iter_mut().find(|(k, _)| k == key), value)
    {
        old.push_str(new);
        return;
    }
    set_member(members, key, value);
}

fn merge_logprobs(slot: &mut Option<Value>, new: &Value) {
    if new.is_null() {
        return;
    }
    match (slot.as_mut(), new) {
        (Some(Value::Object(old)), Value::Object(members)) => {
            for (key, value) in members {
                match (old.iter_mut().find(|(k, _)| k == key), value) {
                    (Some((_, Value::Array(items))), Value::Array(more)) => {
                        items.extend(more.iter().cloned());
                    }
                    _ => set_member(old, key, value),
                }
            }
        }
        _ => *slot = Some(new.clone()),
    }
}

impl Accumulator {
    /// An empty accumulator.
    pub fn new() -> Accumulator {
        Accumulator::default()
    }

    /// How many chunks (JSON objects) were added.
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// adds a chunk the stream scanner already read. A simple chunk (one choice 0
    /// with only `delta.content`) whose bytes outside `choices` equal those of the last chunk
    /// parsed in full only appends its text; any other is parsed in full.
    pub fn push_chunk(&mut self, chunk: &ChatChunk) -> Result<(), Error> {
        let data = chunk.data.as_str();
        if let (true, Some((a, b)), Some((pre, post))) =
            (chunk.simple, chunk.choices_span, &self.outside)
        {
            if !self.completions
                && self.choices.len() == 1
                && self.choices[0].index == 0
                && data.get(..a) == Some(pre.as_str())
                && data.get(b..) == Some(post.as_str())
            {
                if let Some(content) = self.choices[0].content.as_mut() {
                    content.push_str(&chunk.text);
                    self.chunks += 1;
                    return Ok(());
                }
            }
        }
        self.push_json(data)?;
        self.outside = chunk
            .choices_span
            .and_then(|(a, b)| Some((data.get(..a)?.to_owned(), data.get(b..)?.to_owned())));
        Ok(())
    }

    /// Adds one chunk given as JSON text; errors (kind [`ErrorKind::Decode`](crate::core::error::ErrorKind::Decode)) if it is not JSON.
    pub fn push_json(&mut self, data: &str) -> Result<(), Error> {
        self.push(&json::parse(data)?);
        Ok(())
    }

    /// Adds one parsed chunk. Values that are not objects are ignored.
    pub fn push(&mut self, chunk: &Value) {
        let Some(members) = chunk.as_object() else {
            return;
        };
        self.chunks += 1;
        for (key, value) in members {
            match key.as_str() {
                "choices" => {
                    for (position, choice) in
                        value.as_array().unwrap_or_default().iter().enumerate()
                    {
                        self.push_choice(choice, position);
                    }
                }
                "object" => {
                    if value.as_str() == Some("text_completion") {
                        self.completions = true;
                    }
                }
                _ => set_member(&mut self.fields, key, value),
            }
        }
    }

    fn push_choice(&mut self, choice: &Value, position: usize) {
        let Some(members) = choice.as_object() else {
            return;
        };
        let index = index_of(choice.get("index")).unwrap_or(position as i64);
        let acc = match self.choices.binary_search_by_key(&index, |c| c.index) {
            Ok(at) => self.choices.get_mut(at),
            Err(at) => {
                self.choices.insert(
                    at,
                    ChoiceAcc {
                        index,
                        ..ChoiceAcc::default()
                    },
                );
                self.choices.get_mut(at)
            }
        };
        let Some(acc) = acc else {
            return;
        };
        for (key, value) in members {
            match key.as_str() {
                "index" => {}
                "delta" => acc.push_delta(value),
                "text" => {
                    if let Some(text) = value.as_str() {
                        acc.text.get_or_insert_with(String::new).push_str(text);
                        self.completions = true;
                    }
                }
                "finish_reason" => {
                    if !value.is_null() {
                        acc.finish_reason = Some(value.clone());
                    }
                }
                "logprobs" => merge_logprobs(&mut acc.logprobs, value),
                _ => set_member(&mut acc.extra, key, value),
            }
        }
    }

    /// The assembled response.
    pub fn to_value(&self) -> Value {
        let field = |name: &str| {
            self.fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| (name.to_owned(), v.clone()))
        };
        let object = if self.completions {
            "text_completion"
        } else {
            "chat.completion"
        };
        let mut out = Vec::with_capacity(self.fields.len() + 2);
        out.extend(field("id"));
        out.push(("object".to_owned(), Value::String(object.to_owned())));
        out.extend(field("created"));
        out.extend(field("model"));
        let choices = self
            .choices
            .iter()
            .map(|c| c.to_value(self.completions))
            .collect();
        out.push(("choices".to_owned(), Value::Array(choices)));
        out.extend(
            self.fields
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "id" | "created" | "model"))
                .cloned(),
        );
        Value::Object(out)
    }

    /// The assembled response as JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_json()
    }
}

impl ChoiceAcc {
    fn push_delta(&mut self, delta: &Value) {
        let Some(members) = delta.as_object() else {
            return;
        };
        for (key, value) in members {
            match key.as_str() {
                "role" => {
                    if self.role.is_none() {
                        self.role = nonempty_str(Some(value));
                    }
                }
                "content" => {
                    if let Some(text) = value.as_str() {
                        self.content.get_or_insert_with(String::new).push_str(text);
                    }
                }
                "tool_calls" => {
                    for (position, call) in value.as_array().unwrap_or_default().iter().enumerate()
                    {
                        self.push_tool_call(call, position);
                    }
                }
                "function_call" => {
                    if value.as_object().is_some() {
                        self.function_call
                            .get_or_insert_with(FunctionAcc::default)
                            .push(value);
                    }
                }
                _ => concat_member(&mut self.delta_extra, key, value),
            }
        }
    }

    fn push_tool_call(&mut self, call: &Value, position: usize) {
        let Some(members) = call.as_object() else {
            return;
        };
        let index = index_of(call.get("index")).unwrap_or(position as i64);
        let acc = match self.tool_calls.binary_search_by_key(&index, |c| c.index) {
            Ok(at) => self.tool_calls.get_mut(at),
            Err(at) => {
                self.tool_calls.insert(
                    at,
                    ToolCallAcc {
                        index,
                        ..ToolCallAcc::default()
                    },
                );
                self.tool_calls.get_mut(at)
            }
        };
        let Some(acc) = acc else {
            return;
        };
        for (key, value) in members {
            match key.as_str() {
                "index" => {}
                "id" => {
                    if acc.id.is_none() {
                        acc.id = nonempty_str(Some(value));
                    }
                }
                "type" => {
                    if acc.kind.is_none() {
                        acc.kind = nonempty_str(Some(value));
                    }
                }
                "function" => acc.function.push(value),
                _ => set_member(&mut acc.extra, key, value),
            }
        }
    }

    fn to_value(&self, completions: bool) -> Value {
        let mut out = vec![("index".to_owned(), Value::Number(self.index as f64))];
        if completions {
            let text = self.text.clone().or_else(|| self.content.clone());
            out.push(("text".into(), Value::String(text.unwrap_or_default())));
        } else {
            let role = self.role.clone().unwrap_or_else(|| "assistant".to_owned());
            let content = self
                .content
                .clone()
                .or_else(|| self.text.clone())
                .map_or(Value::Null, Value::String);
            let mut message = vec![
                ("role".to_owned(), Value::String(role)),
                ("content".to_owned(), content),
            ];
            message.extend(self.delta_extra.iter().cloned());
            if !self.tool_calls.is_empty() {
                let calls = self.tool_calls.iter().map(ToolCallAcc::to_value).collect();
                message.push(("tool_calls".to_owned(), Value::Array(calls)));
            }
            if let Some(call) = &self.function_call {
                message.push(("function_call".to_owned(), call.to_value()));
            }
            out.push(("message".to_owned(), Value::Object(message)));
        }
        out.push((
            "logprobs".to_owned(),
            self.logprobs.clone().unwrap_or(Value::Null),
        ));
        out.push((
            "finish_reason".to_owned(),
            self.finish_reason.clone().unwrap_or(Value::Null),
        ));
        out.extend(self.extra.iter().cloned());
        Value::Object(out)
    }
}

impl ToolCallAcc {
    fn to_value(&self) -> Value {
        let mut out = vec![
            (
                "id".to_owned(),
                Value::String(self.id.clone().unwrap_or_default()),
            ),
            (
                "type".to_owned(),
                Value::String(self.kind.clone().unwrap_or_else(|| "function".to_owned())),
            ),
            ("function".to_owned(), self.function.to_value()),
        ];
        out.extend(self.extra.iter().cloned());
        Value::Object(out)
    }
}
