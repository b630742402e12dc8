//! Deterministic "model output" for the OpenAI routes: reply tokens, tool-call arguments,
//! token counts and the streaming pace.

use crate::req::Req;
use crate::state::State;
use serde_json::{Map, Value};
use std::time::Duration;

/// Reply length when the request sets no `max_tokens`.
pub const DEFAULT_TOKENS: usize = 16;
/// Largest accepted `max_tokens` / `max_output_tokens`.
pub const MAX_TOKENS: u64 = 1_000_000;
/// Characters per streamed tool-call argument fragment.
pub const FRAGMENT_CHARS: usize = 8;

/// The text of a message `content`: a string, or the `text` of each part of an array.
pub fn text_of(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// A rough token count: whitespace-separated words.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The reply as tokens (a word plus its following space; the last has none), cycling `base`
/// to exactly `max_tokens` (or [`DEFAULT_TOKENS`]), and the finish reason. The mock's model
/// "says" `base` and, given a `max_tokens` longer than that, keeps talking (cycles) until the
/// limit cuts it: so with `max_tokens` set, the reply is cut there ("length", as real servers
/// report it) unless `base` is exactly `max_tokens` words long ("stop", a natural end). Without
/// `max_tokens` the reply is [`DEFAULT_TOKENS`] long and ends naturally ("stop").
pub fn tokens(base: &str, max_tokens: Option<usize>) -> (Vec<String>, &'static str) {
    let mut words: Vec<&str> = base.split_whitespace().collect();
    if words.is_empty() {
        words.push("Hello!");
    }
    let target = max_tokens.unwrap_or(DEFAULT_TOKENS).max(1);
    let mut out: Vec<String> = words
        .iter()
        .cycle()
        .take(target)
        .map(|w| format!("{w} "))
        .collect();
    if let Some(last) = out.last_mut() {
        last.pop();
    }
    let finish = if max_tokens.is_some() && words.len() != target {
        "length"
    } else {
        "stop"
    };
    (out, finish)
}

/// A plausible value for a JSON-schema property.
fn sample(schema: &Value, user_text: &str) -> Value {
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if user_text.is_empty() => Value::from("mock"),
        Some("string") => Value::from(user_text),
        Some("integer") | Some("number") => Value::from(1),
        Some("boolean") => Value::Bool(true),
        Some("array") => Value::Array(Vec::new()),
        Some("object") => Value::Object(Map::new()),
        _ => Value::Null,
    }
}

/// The arguments (a JSON text) for calling `function`: every declared property gets a value.
pub fn tool_arguments(function: &Value, user_text: &str) -> String {
    let mut args = Map::new();
    if let Some(props) = function
        .pointer("/parameters/properties")
        .and_then(Value::as_object)
    {
        for (name, schema) in props {
            args.insert(name.clone(), sample(schema, user_text));
        }
    }
    Value::Object(args).to_string()
}

/// Splits text into pieces of at most `size` chars.
pub fn fragments(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(size.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

/// The wait between tokens: header `x-mock-token-rate` (tokens per second) or the server's
/// default; 0 means no wait.
pub fn interval(state: &State, req: &Req) -> Result<Duration, String> {
    let rate = match req.header("x-mock-token-rate") {
        None => state.cfg.token_rate,
        Some(v) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|r| r.is_finite() && *r >= 0.0)
            .ok_or("x-mock-token-rate must be a non-negative number")?,
    };
    Ok(if rate > 0.0 {
        Duration::from_secs_f64((1.0 / rate).min(3600.0))
    } else {
        Duration::ZERO
    })
}

/// An optional positive integer field, bounded by `max`.
pub fn opt_count(obj: &Map<String, Value>, name: &str, max: u64) -> Result<Option<usize>, String> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=max).contains(n))
            .map(|n| Some(n as usize))
            .ok_or_else(|| format!("'{name}' must be an integer between 1 and {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_cycle_and_trim() {
        let (t, f) = tokens("Hello! You said: hi", None);
        assert_eq!(t.len(), DEFAULT_TOKENS);
        assert_eq!(t[0], "Hello! ");
        assert_eq!(f, "stop");
        let (t, f) = tokens("Hello! You said: hi", Some(2));
        assert_eq!(t.concat(), "Hello! You");
        assert_eq!(f, "length");
    }

    #[test]
    fn a_reply_cycled_up_to_max_tokens_is_cut_there() {
        // A longer max_tokens than the reply: cycled until the limit cuts it, as a model that
        // keeps talking would be (the second turn of a chat with the playground's 48 tokens).
        let (t, f) = tokens("Hello! You said: And again?", Some(48));
        assert_eq!(t.len(), 48);
        assert_eq!(f, "length");
        // Exactly as long as max_tokens: a natural end.
        let (t, f) = tokens("Hello! You said: hi", Some(4));
        assert_eq!(t.concat(), "Hello! You said: hi");
        assert_eq!(f, "stop");
    }

    #[test]
    fn arguments_follow_schema() {
        let f = json!({"name": "w", "parameters": {"type": "object", "properties": {
            "city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]},
            "days": {"type": "integer"}}}});
        assert_eq!(
            tool_arguments(&f, "Paris"),
            r#"{"city":"Paris","days":1,"unit":"c"}"#
        );
        assert_eq!(fragments("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }
}
