//! Embeddings, models and rerank: deterministic numbers derived from the words of the text
//! and their hashes.

use crate::reply::{bad_request, openai_invalid, Reply};
use crate::req::Req;
use crate::{bei, util};
use base64::Engine;
use hyper::StatusCode;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// Default embedding size.
const DEFAULT_DIMENSIONS: u64 = 64;
/// Largest embedding size.
const MAX_DIMENSIONS: u64 = 8192;
/// Fixed `created` of the mock model.
const MODEL_CREATED: u64 = 1_700_000_000;

/// A 400 in OpenAI's shape, naming `param`.
fn invalid(message: &str, param: &str) -> Reply {
    openai_invalid(message, Some(param))
}

/// The words of a text for the embeddings: lowercased runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// 64 bits of the SHA-256 of `bytes`.
fn hash64(bytes: &[u8]) -> u64 {
    let digest = Sha256::digest(bytes);
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// A unit-length vector for the text, with a little meaning: a bag of words, each word hashed
/// to one dimension and a sign, the counts summed, then normalised. Texts that share words
/// point the same way (shared words raise the cosine; texts with none in common are near 0,
/// but for hash collisions, which are more frequent the fewer the dimensions). A text with no
/// word (only punctuation, or empty) gets a vector hashed from its bytes.
pub fn vector(text: &str, dims: usize) -> Vec<f32> {
    let mut v = vec![0f32; dims];
    for word in words(text) {
        let h = hash64(word.as_bytes());
        let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
        v[(h % dims as u64) as usize] += sign;
    }
    if v.iter().all(|x| *x == 0.0) {
        // No word, or words whose signs cancelled out: any unit vector will do, but a fixed one
        // per text.
        let h = hash64(text.as_bytes());
        v[(h % dims as u64) as usize] = if h >> 63 == 0 { 1.0 } else { -1.0 };
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

/// The texts of an `input`: a string, strings, or token arrays (joined as text).
fn inputs(input: Option<&Value>) -> Result<Vec<String>, String> {
    let tokens = |a: &[Value]| -> Option<String> {
        let nums: Option<Vec<String>> = a
            .iter()
            .map(|t| t.as_u64().map(|n| n.to_string()))
            .collect();
        nums.map(|n| n.join(" "))
    };
    match input {
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) if !items.is_empty() => {
            if items.iter().all(Value::is_number) {
                return tokens(items)
                    .map(|t| vec![t])
                    .ok_or_else(|| "bad token array".into());
            }
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Some(s.clone()),
                    Value::Array(a) => tokens(a),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| "'input' items must be strings or token arrays".into())
        }
        _ => Err("'input' must be a string or a non-empty array".into()),
    }
}

/// `POST /v1/embeddings`.
pub fn embeddings(req: &Req) -> Reply {
    let obj = match req.json_object() {
        Ok(o) => o,
        Err(msg) => return invalid(&msg, "input"),
    };
    let texts = match inputs(obj.get("input")) {
        Ok(t) => t,
        Err(msg) => return invalid(&msg, "input"),
    };
    if let Some(reply) = bei::too_many(texts.len()) {
        return reply;
    }
    let dims = match obj.get("dimensions") {
        None | Some(Value::Null) => DEFAULT_DIMENSIONS,
        Some(v) => match v.as_u64().filter(|d| (1..=MAX_DIMENSIONS).contains(d)) {
            Some(d) => d,
            None => return invalid("'dimensions' must be an integer in 1..=8192", "dimensions"),
        },
    } as usize;
    let base64 = match obj.get("encoding_format").and_then(Value::as_str) {
        None | Some("float") => false,
        Some("base64") => true,
        Some(_) => {
            return invalid(
                "'encoding_format' must be float or base64",
                "encoding_format",
            )
        }
    };
    let data: Vec<Value> = texts
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let v = vector(text, dims);
            let embedding = if base64 {
                let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                json!(base64::engine::general_purpose::STANDARD.encode(bytes))
            } else {
                json!(v)
            };
            json!({"object": "embedding", "index": index, "embedding": embedding})
        })
        .collect();
    let tokens: usize = texts
        .iter()
        .map(|t| t.split_whitespace().count().max(1))
        .sum();
    let model = obj
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("mock-model");
    Reply::json(
        StatusCode::OK,
        &json!({
            "object": "list", "data": data, "model": model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }),
    )
}

/// One model object.
pub fn model_object(id: &str) -> Value {
    json!({"id": id, "object": "model", "created": MODEL_CREATED, "owned_by": "baseten-mock"})
}

/// `GET /v1/models`.
pub fn models() -> Reply {
    Reply::json(
        StatusCode::OK,
        &json!({"object": "list", "data": [model_object("mock-model")]}),
    )
}

/// `GET /v1/models/{id}`: any id is served.
pub fn model(id: &str) -> Reply {
    Reply::json(StatusCode::OK, &model_object(id))
}

/// A relevance score in (0, 1): shared lowercase words, plus a small hash-based tiebreak.
pub fn score(query: &str, text: &str) -> f64 {
    let text_words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let query_words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let shared = query_words
        .iter()
        .filter(|w| text_words.contains(w))
        .count();
    let base = (shared as f64 + 1.0) / (query_words.len() as f64 + 2.0);
    let jitter = u32::from_str_radix(&util::short_hash(&format!("{query}\u{0}{text}"), 8), 16)
        .unwrap_or(0) as f64
        / u32::MAX as f64;
    base * 0.9 + jitter * 0.05
}

/// `obj[key]` if it is a non-empty array of strings.
fn strings<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<Vec<&'a str>> {
    let items = obj.get(key)?.as_array()?;
    let strings: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
    strings.filter(|s| !s.is_empty())
}

/// `POST /rerank` (TEI style): `{query, texts, return_text?}` -> `[{index, score, text?}]`,
/// best first.
pub fn rerank(req: &Req) -> Reply {
    let obj = match req.json_object() {
        Ok(o) => o,
        Err(msg) => return bad_request(&msg),
    };
    let Some(query) = obj.get("query").and_then(Value::as_str) else {
        return bad_request("'query' must be a string");
    };
    let Some(texts) = strings(&obj, "texts") else {
        return bad_request("'texts' must be a non-empty array of strings");
    };
    if let Some(reply) = bei::too_many(texts.len()) {
        return reply;
    }
    let return_text = obj.get("return_text").and_then(Value::as_bool) == Some(true);
    let mut ranked: Vec<(usize, f64)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (i, score(query, t)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let out: Vec<Value> = ranked
        .into_iter()
        .map(|(index, score)| {
            let mut entry = json!({"index": index, "score": score});
            if return_text {
                entry["text"] = json!(texts[index]);
            }
            entry
        })
        .collect();
    Reply::json(StatusCode::OK, &Value::Array(out))
}

/// `POST sync/predict` as a text-classification server (TEI/BEI style) answers it:
/// `{"inputs": ["text", ...]}` -> one `[{label, score}, ...]` list per input, in input order.
pub fn classify(req: &Req) -> Reply {
    let obj = match req.json_object() {
        Ok(o) => o,
        Err(msg) => return bad_request(&msg),
    };
    let Some(inputs) = strings(&obj, "inputs") else {
        return bad_request("'inputs' must be a non-empty array of strings");
    };
    if let Some(reply) = bei::too_many(inputs.len()) {
        return reply;
    }
    let out: Vec<Value> = inputs
        .iter()
        .map(|text| {
            let positive = score("good great", text);
            json!([
                {"label": "positive", "score": positive},
                {"label": "negative", "score": 1.0 - positive},
            ])
        })
        .collect();
    Reply::json(StatusCode::OK, &Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &str, b: &str, dims: usize) -> f32 {
        vector(a, dims)
            .iter()
            .zip(vector(b, dims))
            .map(|(x, y)| x * y)
            .sum()
    }

    fn assert_unit(v: &[f32]) {
        let norm: f32 = v.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-4, "norm² {norm}");
    }

    #[test]
    fn vectors_are_deterministic_unit_length_and_sized() {
        for dims in [1, 2, 8, 20, 1024] {
            let a = vector("hello world", dims);
            assert_eq!(a.len(), dims);
            assert_eq!(a, vector("hello world", dims));
            assert_unit(&a);
        }
        // Words without a letter or digit, an empty text, a repeated word: still unit.
        for text in ["", "?!", "a a a", "A a"] {
            assert_unit(&vector(text, 8));
        }
        assert_ne!(vector("hello", 20), vector("hellp", 20));
    }

    #[test]
    fn shared_words_raise_the_cosine() {
        // Case and punctuation aside, the same words give the same vector.
        assert!((cosine("The quick brown fox.", "the QUICK, brown fox", 8) - 1.0).abs() < 1e-6);
        // The playground's example inputs, at the mock's default size and at a larger one:
        // the two foxes are nearer to each other than either is to the tax filing.
        for dims in [8, 64, 256] {
            let foxes = cosine("The quick brown fox", "A fast auburn fox", dims);
            assert!(foxes > 0.2, "{dims} dims: foxes {foxes}");
            for fox in ["The quick brown fox", "A fast auburn fox", "fox"] {
                let tax = cosine(fox, "Quarterly tax filing", dims);
                assert!(
                    foxes > tax,
                    "{dims} dims: foxes {foxes}, {fox:?} vs tax {tax}"
                );
            }
        }
        // More shared words, a higher cosine.
        let one = cosine("red apple pie", "red car wash", 256);
        let two = cosine("red apple pie", "red apple cart", 256);
        assert!(two > one && one > 0.0, "one word {one}, two words {two}");
    }

    #[test]
    fn inputs_forms() {
        assert_eq!(inputs(Some(&json!("a"))).unwrap(), vec!["a"]);
        assert_eq!(inputs(Some(&json!(["a", "b"]))).unwrap(), vec!["a", "b"]);
        assert_eq!(inputs(Some(&json!([1, 2]))).unwrap(), vec!["1 2"]);
        assert!(inputs(Some(&json!([]))).is_err());
        assert!(inputs(Some(&json!([{}]))).is_err());
        assert!(inputs(None).is_err());
    }

    #[test]
    fn overlap_scores_higher() {
        assert!(score("red apple", "a red apple") > score("red apple", "blue sky"));
    }
}
