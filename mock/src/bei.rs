//! What Baseten's embedding server (BEI) adds to the embedding routes: its batch limit (more
//! than 128 inputs in one request is `413 batch size N > maximum allowed batch size 128`) and
//! `POST sync/predict_tokens`, token classification.

use crate::embeddings::score;
use crate::reply::{bad_request, Reply};
use crate::req::Req;
use hyper::StatusCode;
use serde_json::{json, Value};

/// The most inputs in one request.
pub const MAX_BATCH: usize = 128;

/// The server's 413 for a request of `n` inputs, when `n` is over [`MAX_BATCH`].
pub fn too_many(n: usize) -> Option<Reply> {
    (n > MAX_BATCH).then(|| {
        Reply::json(
            StatusCode::PAYLOAD_TOO_LARGE,
            &json!({
                "error": format!("batch size {n} > maximum allowed batch size {MAX_BATCH}"),
                "error_type": "Validation",
            }),
        )
    })
}

/// One input of `predict_tokens`: a string, or a sequence holding one string (`[["text"]]`).
fn text_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Array(items) if items.len() == 1 => items[0].as_str(),
        _ => None,
    }
}

/// `POST sync/predict_tokens`: `{"inputs": [["text"], ...], "raw_scores"?}` -> one list per
/// input of its whitespace-separated tokens, each `{token, token_id, start, end, results}` with
/// a score per label (`ENTITY` for capitalised words, `O` otherwise), in input order.
pub fn predict_tokens(req: &Req) -> Reply {
    let obj = match req.json_object() {
        Ok(o) => o,
        Err(msg) => return bad_request(&msg),
    };
    let Some(inputs) = obj.get("inputs").and_then(Value::as_array) else {
        return bad_request("'inputs' must be a non-empty array of sequences");
    };
    let texts: Option<Vec<&str>> = inputs.iter().map(text_of).collect();
    let Some(texts) = texts.filter(|t| !t.is_empty()) else {
        return bad_request("'inputs' must be a non-empty array of sequences");
    };
    if let Some(reply) = too_many(texts.len()) {
        return reply;
    }
    let out: Vec<Value> = texts
        .iter()
        .map(|text| Value::Array(tokens(text)))
        .collect();
    Reply::json(StatusCode::OK, &Value::Array(out))
}

/// The tokens of one text, with byte offsets.
fn tokens(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (start, c.is_whitespace()) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                let word = &text[s..i];
                let entity = word.chars().next().is_some_and(char::is_uppercase);
                let p = 0.5 + score("entity", word) / 4.0 + if entity { 0.25 } else { 0.0 };
                out.push(json!({
                    "token": word,
                    "token_id": out.len() + 1000,
                    "start": s,
                    "end": i,
                    "results": {"ENTITY": p, "O": 1.0 - p},
                }));
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_offsets_and_labels() {
        let t = tokens("Ada  met bob");
        assert_eq!(t.len(), 3);
        assert_eq!(t[0]["token"], "Ada");
        assert_eq!(
            (t[1]["start"].as_u64(), t[1]["end"].as_u64()),
            (Some(5), Some(8))
        );
        let ada = t[0]["results"]["ENTITY"].as_f64().unwrap();
        let bob = t[2]["results"]["ENTITY"].as_f64().unwrap();
        assert!(
            ada > bob,
            "a capitalised word scores higher: {ada} vs {bob}"
        );
    }

    #[test]
    fn the_limit_is_128() {
        assert!(too_many(128).is_none());
        assert_eq!(too_many(129).unwrap().status, StatusCode::PAYLOAD_TOO_LARGE);
    }
}
