//! Reasoning ("thinking") for the chat routes, for models whose name says so: a name with
//! `reason` or `think` in it (any case) streams its thinking before the answer, in
//! `delta.reasoning_content` (the message's `reasoning_content`), as Baseten's Model APIs do;
//! with `vllm` in the name too, in `delta.reasoning`, as vLLM-style servers do.

use serde_json::Value;

/// The thinking of one answer.
pub struct Thinking {
    /// The member it is sent in: `reasoning_content` or `reasoning`.
    pub field: &'static str,
    /// Its tokens, as streamed.
    pub tokens: Vec<String>,
}

impl Thinking {
    /// The whole text.
    pub fn text(&self) -> String {
        self.tokens.concat()
    }
}

/// The thinking of `model` about the last user message of `messages`, or `None` for a model
/// that does not reason.
pub fn for_model(model: &str, messages: &[Value]) -> Option<Thinking> {
    let name = model.to_ascii_lowercase();
    if !name.contains("reason") && !name.contains("think") {
        return None;
    }
    let field = if name.contains("vllm") {
        "reasoning"
    } else {
        "reasoning_content"
    };
    let user = messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .map(|m| crate::openai_text::text_of(m.get("content")))
        .unwrap_or_default();
    let text = format!(
        "The user said {} words. I will answer kindly.",
        user.split_whitespace().count()
    );
    let words: Vec<&str> = text.split(' ').collect();
    let last = words.len() - 1;
    let tokens = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i < last {
                format!("{w} ")
            } else {
                (*w).to_string()
            }
        })
        .collect();
    Some(Thinking { field, tokens })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_models_that_say_so_think() {
        let m = [json!({"role": "user", "content": "one two three"})];
        assert!(for_model("mock-model", &m).is_none());
        let t = for_model("deepseek-reasoner", &m).unwrap();
        assert_eq!(t.field, "reasoning_content");
        assert_eq!(t.text(), "The user said 3 words. I will answer kindly.");
        assert_eq!(
            for_model("Qwen-Thinking-vLLM", &m).unwrap().field,
            "reasoning"
        );
    }
}
