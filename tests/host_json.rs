//! Host tests of the JSON parser, writer and chat-chunk scanner.

mod common;

use baseten_edge::core::error::ErrorKind;
use baseten_edge::core::json::{
    chat_delta_text, parse, scan_chunk, top_level_string, write_object, write_str, write_str_array,
    DeltaSummary, ObjectWriter, Value, MAX_DEPTH,
};
use common::rng::Rng;

fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn n(x: f64) -> Value {
    Value::Number(x)
}

#[test]
fn parses_every_kind_of_value() {
    assert_eq!(parse("null").unwrap(), Value::Null);
    assert_eq!(parse(" true ").unwrap(), Value::Bool(true));
    assert_eq!(parse("\t\r\nfalse\n").unwrap(), Value::Bool(false));
    assert_eq!(parse("0").unwrap(), n(0.0));
    assert_eq!(
        parse("-0").unwrap().as_f64().map(f64::is_sign_negative),
        Some(true)
    );
    assert_eq!(parse("-12").unwrap(), n(-12.0));
    assert_eq!(parse("1.5e3").unwrap(), n(1500.0));
    assert_eq!(parse("1E-2").unwrap(), n(0.01));
    assert_eq!(parse("2.5E+2").unwrap(), n(250.0));
    assert_eq!(parse("1795538131").unwrap(), n(1_795_538_131.0));
    assert_eq!(parse("1e400").unwrap(), n(f64::INFINITY));
    assert_eq!(parse(r#""""#).unwrap(), s(""));
    assert_eq!(
        parse(r#""a\"b\\c\/d\be\ff\ng\rh\ti""#).unwrap(),
        s("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")
    );
    assert_eq!(parse(r#""\u00e9\u4E2D""#).unwrap(), s("\u{e9}\u{4e2d}"));
    assert_eq!(parse(r#""\ud83d\ude00""#).unwrap(), s("\u{1F600}"));
    assert_eq!(
        parse("\"\u{1F600} \u{2028}\"").unwrap(),
        s("\u{1F600} \u{2028}")
    );
    assert_eq!(parse("[]").unwrap(), Value::Array(vec![]));
    assert_eq!(parse("{}").unwrap(), Value::Object(vec![]));
    assert_eq!(
        parse(r#" { "a" : [ 1 , { "b" : null } ] , "c" : "d" } "#).unwrap(),
        Value::Object(vec![
            (
                "a".into(),
                Value::Array(vec![n(1.0), Value::Object(vec![("b".into(), Value::Null)])])
            ),
            ("c".into(), s("d")),
        ])
    );
}

#[test]
fn lone_surrogates_become_replacement_characters() {
    assert_eq!(parse(r#""\ud83d""#).unwrap(), s("\u{FFFD}"));
    assert_eq!(parse(r#""\ude00x""#).unwrap(), s("\u{FFFD}x"));
    assert_eq!(parse(r#""\ud83d\u0041""#).unwrap(), s("\u{FFFD}A"));
    assert_eq!(
        parse(r#""\ud83d\ud83d\ude00""#).unwrap(),
        s("\u{FFFD}\u{1F600}")
    );
}

#[test]
fn rejects_invalid_json() {
    let bad = [
        "",
        " ",
        "01",
        "1.",
        ".1",
        "+1",
        "1e",
        "1e+",
        "-",
        "--1",
        "0x10",
        "[1,]",
        "[,1]",
        "[1 2]",
        "{\"a\":1,}",
        "{a:1}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{,}",
        "'x'",
        "\"\t\"",
        "\"\n\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"\\",
        "tru",
        "nul",
        "True",
        "NaN",
        "Infinity",
        "[1] 2",
        "1 2",
        "[",
        "]",
        "{",
        "\"abc",
        "[\"a\"",
        "{\"a\":1",
        "{\"a\":1}}",
        "\u{feff}1",
        "\u{a0}1",
        "[1,,2]",
        "-01",
        "1.e5",
        "//",
        "/* */ 1",
    ];
    for text in bad {
        let err = parse(text).expect_err(text);
        assert_eq!(err.kind, ErrorKind::Decode, "{text}");
        assert_eq!(err.code.as_deref(), Some("invalid_json"));
        assert!(scan_chunk(text, true).is_err(), "scanner accepted {text:?}");
    }
}

#[test]
fn depth_limit() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
    assert!(scan_chunk(&ok, true).is_ok());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert!(parse(&deep).is_err());
    assert!(scan_chunk(&deep, true).is_err());
    let objects = |d: usize| format!("{}1{}", "{\"a\":".repeat(d), "}".repeat(d));
    assert!(parse(&objects(MAX_DEPTH)).is_ok());
    assert!(parse(&objects(MAX_DEPTH + 1)).is_err());
    assert!(scan_chunk(&objects(MAX_DEPTH), true).is_ok());
    assert!(scan_chunk(&objects(MAX_DEPTH + 1), true).is_err());
    // Far too deep must fail cleanly, not overflow the stack.
    let huge = "[".repeat(1_000_000);
    assert!(parse(&huge).is_err());
    assert!(scan_chunk(&huge, true).is_err());
}

#[test]
fn accessors() {
    let v = parse(r#"{"a":1,"b":"x","a":2,"c":[true,null],"d":{"e":false}}"#).unwrap();
    assert_eq!(
        v.get("a").and_then(Value::as_f64),
        Some(2.0),
        "the last duplicate wins"
    );
    assert_eq!(v.get("b").and_then(Value::as_str), Some("x"));
    assert_eq!(
        v.get("c").and_then(Value::as_array).map(<[Value]>::len),
        Some(2)
    );
    assert_eq!(
        v.get("d").and_then(|d| d.get("e")).and_then(Value::as_bool),
        Some(false)
    );
    assert!(v.get("c").unwrap().as_array().unwrap()[1].is_null());
    assert_eq!(v.as_object().map(<[(String, Value)]>::len), Some(5));
    assert!(v.get("zzz").is_none());
    assert!(s("x").get("a").is_none());
    assert!(s("x").as_f64().is_none());
    assert!(n(1.0).as_str().is_none());
}

#[test]
fn writes_json() {
    let mut out = String::new();
    write_str(
        &mut out,
        "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f} \u{e9}\u{1F600}\u{2028}/",
    );
    assert_eq!(
        out,
        "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f \u{e9}\u{1F600}\u{2028}/\""
    );
    let cases = [
        ("1", "1"),
        ("1.0", "1"),
        ("0.1", "0.1"),
        ("-0", "0"),
        ("-0.0e5", "0"),
        ("100", "100"),
        ("1.5", "1.5"),
        ("-2.5e-3", "-0.0025"),
        ("1e21", "1e+21"),
        ("123e-20", "1.23e-18"),
        ("1.5e-7", "1.5e-7"),
        ("0.000001", "0.000001"),
        ("1e-7", "1e-7"),
        ("9007199254740993", "9007199254740992"),
        ("9007199254740994", "9007199254740994"),
        ("1152921504606846976", "1152921504606847000"),
        ("123456789012345678901", "123456789012345680000"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ("5e-324", "5e-324"),
        ("2e-324", "0"),
        ("3e-324", "5e-324"),
        ("-1.1920928955078125e-07", "-1.1920928955078125e-7"),
        ("1e400", "null"),
        (
            r#"{"a":[1,"x",null,true,{}],"b":{}}"#,
            r#"{"a":[1,"x",null,true,{}],"b":{}}"#,
        ),
        (r#" { "a" : "\u00e9" } "#, "{\"a\":\"\u{e9}\"}"),
    ];
    for (input, expected) in cases {
        assert_eq!(parse(input).unwrap().to_json(), expected, "{input}");
    }
    // Written text parses back to the same value.
    for text in [
        r#"{"id":"x","choices":[{"delta":{"content":"line\nbreak \"q\" \\ \u0000"}}]}"#,
        r#"[1.7976931348623157e308,5e-324,-1.5,123456789012]"#,
    ] {
        let v = parse(text).unwrap();
        assert_eq!(parse(&v.to_json()).unwrap(), v);
    }
}

#[test]
fn string_arrays_are_escaped_and_parse_back() {
    let texts = [
        "",
        "a,b",
        "quote \" and \\",
        "line\nbreak",
        "\u{1}\u{7f}é🙂",
    ];
    let mut out = String::new();
    write_str_array(&mut out, texts.iter().copied());
    let back = parse(&out).unwrap();
    let items: Vec<&str> = back
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(items, texts);
    let mut empty = String::new();
    write_str_array(&mut empty, std::iter::empty());
    assert_eq!(empty, "[]");
}

fn object(fill: impl FnOnce(&mut ObjectWriter)) -> String {
    let mut out = String::new();
    write_object(&mut out, fill);
    out
}

#[test]
fn object_writer_builds_objects_from_parts() {
    // Empty objects, at the top and nested.
    assert_eq!(object(|_| {}), "{}");
    assert_eq!(
        object(|o| {
            o.object("a", |_| {});
        }),
        r#"{"a":{}}"#
    );
    // Keys are escaped as strings are; string values too; numbers as JavaScript writes them.
    let text = object(|o| {
        o.string("q\"k\\\n\u{1}", "v\"\u{1f}")
            .number("n", 600.0)
            .number("half", -0.5)
            .number("neg_zero", -0.0)
            .number("inf", f64::INFINITY);
    });
    assert_eq!(
        text,
        r#"{"q\"k\\\n\u0001":"v\"\u001f","n":600,"half":-0.5,"neg_zero":0,"inf":null}"#
    );
    assert_eq!(
        parse(&text).unwrap().get("q\"k\\\n\u{1}"),
        Some(&s("v\"\u{1f}"))
    );
    // Raw values go in verbatim, whitespace and all, and are not reparsed; members keep their
    // order, a repeated key included; a nested object gets its own commas.
    let raw = " {\"x\": [1, 2.50]} ";
    let text = object(|o| {
        o.raw("input", raw)
            .object("cfg", |c| {
                c.number("a", 1.0).raw("b", "[]");
            })
            .raw("input", "null");
        o.member("written").push_str("true");
    });
    assert_eq!(
        text,
        r#"{"input": {"x": [1, 2.50]} ,"cfg":{"a":1,"b":[]},"input":null,"written":true}"#
    );
    assert_eq!(parse(&text).unwrap().get("input"), Some(&Value::Null));
}

fn chunk(content: &str) -> String {
    let mut out = String::from(r#"{"id":"c","choices":[{"index":0,"delta":{"content":"#);
    write_str(&mut out, content);
    out.push_str("},\"finish_reason\":null}]}");
    out
}

#[test]
fn chat_delta_text_extracts_text_finish_reason_and_error() {
    let sum = chat_delta_text(&chunk("Hel\"lo\n\u{1F600}")).unwrap();
    assert_eq!(sum.text, "Hel\"lo\n\u{1F600}");
    assert_eq!(sum.finish_reason, None);
    assert!(!sum.is_error);

    let done = r#"{"id": "x", "choices": [{"index": 0, "delta": {}, "logprobs": null, "finish_reason": "length"}]}"#;
    let sum = chat_delta_text(done).unwrap();
    assert_eq!(sum.text, "");
    assert_eq!(sum.finish_reason.as_deref(), Some("length"));

    let completions = r#"{"object":"text_completion","choices":[{"text":" world","index":0,"finish_reason":null}]}"#;
    assert_eq!(chat_delta_text(completions).unwrap().text, " world");

    let two = r#"{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"},"finish_reason":"stop"}]}"#;
    let sum = chat_delta_text(two).unwrap();
    assert_eq!(sum.text, "ab");
    assert_eq!(sum.finish_reason.as_deref(), Some("stop"));

    assert!(
        chat_delta_text(r#"{"error":{"message":"boom","code":500}}"#)
            .unwrap()
            .is_error
    );
    assert!(chat_delta_text(r#"{"error":"text"}"#).unwrap().is_error);
    assert!(
        !chat_delta_text(r#"{"error":null,"choices":[]}"#)
            .unwrap()
            .is_error
    );
    assert!(!chat_delta_text(r#"[{"error":1}]"#).unwrap().is_error);
    assert!(!chat_delta_text(r#"{"x":{"error":1}}"#).unwrap().is_error);

    // Usage chunk, non-string content, escaped keys.
    let usage = r#"{"choices":[],"usage":{"prompt_tokens":1}}"#;
    assert_eq!(
        sem(&chat_delta_text(usage).unwrap()),
        sem(&DeltaSummary::default())
    );
    let odd =
        r#"{"choices":[{"delta":{"content":null,"role":"assistant"}},{"delta":{"content":[1]}}]}"#;
    assert_eq!(chat_delta_text(odd).unwrap().text, "");
    let escaped =
        r#"{"\u0063hoices":[{"delta":{"cont\u0065nt":"x"},"finish_\u0072eason":"stop"}]}"#;
    let sum = chat_delta_text(escaped).unwrap();
    assert_eq!(
        (sum.text.as_str(), sum.finish_reason.as_deref()),
        ("x", Some("stop"))
    );

    // Without text, the rest is the same.
    let sum = scan_chunk(two, false).unwrap();
    assert_eq!(sum.text, "");
    assert_eq!(sum.finish_reason.as_deref(), Some("stop"));
}

#[test]
fn scanner_agrees_with_parser_on_duplicates() {
    let cases = [
        r#"{"choices":[{"delta":{"content":"a","content":"b"}}]}"#,
        r#"{"choices":[{"delta":{"content":"a"},"delta":{"role":"x"}}]}"#,
        r#"{"choices":[{"delta":{"content":"a"}}],"choices":[{"delta":{"content":"b"}}]}"#,
        r#"{"choices":[{"delta":{"content":"a"}}],"choices":null}"#,
        r#"{"choices":[{"finish_reason":"stop","finish_reason":null}]}"#,
        r#"{"choices":[{"finish_reason":null,"finish_reason":"stop"}]}"#,
        r#"{"choices":[{"finish_reason":7},{"finish_reason":"x"}]}"#,
        r#"{"error":{"m":1},"error":null}"#,
        r#"{"error":null,"error":{"m":1}}"#,
        r#"{"choices":[{"text":"a","text":1,"delta":{"content":"c"}}]}"#,
        r#"{"choices":[1,"x",null,[],{"delta":"s"},{"delta":{"content":"ok"}}]}"#,
        r#"{"choices":{"0":{"delta":{"content":"no"}}}}"#,
        r#""just a string""#,
        r#"[{"choices":[{"delta":{"content":"no"}}]}]"#,
    ];
    for text in cases {
        let v = parse(text).unwrap();
        assert_eq!(
            sem(&chat_delta_text(text).unwrap()),
            sem(&DeltaSummary::from_value(&v)),
            "{text}"
        );
    }
}

/// A random JSON text shaped like a chat chunk (keys drawn from the ones the scanner looks for).
fn random_json(rng: &mut Rng, depth: usize) -> String {
    const KEYS: &[&str] = &[
        "choices",
        "delta",
        "content",
        "text",
        "finish_reason",
        "error",
        "index",
        "role",
        "\\u0063ontent",
        "x",
        "usage",
    ];
    const STRINGS: &[&str] = &[
        "",
        "a",
        "stop",
        "h\\u00e9llo",
        "\\ud83d\\ude00",
        "\\n\\t\\\"",
        "\u{1F600}",
        "\\ud800",
        "\u{2028}",
    ];
    let kind = if depth > 5 {
        rng.below(4)
    } else {
        rng.below(7)
    };
    match kind {
        0 => rng
            .pick(&["null", "true", "false", "0", "-1.5e3", "42"])
            .to_string(),
        1..=3 => format!("\"{}\"", rng.pick(STRINGS)),
        4 => {
            let items: Vec<String> = (0..rng.below(4))
                .map(|_| random_json(rng, depth + 1))
                .collect();
            format!("[{}]", items.join(*rng.pick(&[",", ", ", " ,\n"])))
        }
        _ => {
            let members: Vec<String> = (0..rng.below(5))
                .map(|_| format!("\"{}\":{}", rng.pick(KEYS), random_json(rng, depth + 1)))
                .collect();
            format!("{{{}}}", members.join(","))
        }
    }
}

/// Calls `check` on 20,000 random JSON texts drawn from `seed`, with the generator (to damage a
/// text with the same sequence).
fn for_random_json(seed: u64, mut check: impl FnMut(String, &mut Rng)) {
    let mut rng = Rng(seed);
    for _ in 0..20_000 {
        let text = random_json(&mut rng, 0);
        check(text, &mut rng);
    }
}

#[test]
fn scanner_agrees_with_parser_on_random_input() {
    let mut ok = 0;
    for_random_json(0x2545_F491_4F6C_DD1D, |text, rng| {
        let parsed = parse(&text);
        let scanned = chat_delta_text(&text);
        match (&parsed, &scanned) {
            (Ok(v), Ok(sum)) => {
                assert_eq!(sem(sum), sem(&DeltaSummary::from_value(v)), "{text}");
                assert_eq!(parse(&v.to_json()).as_ref(), Ok(v), "round trip of {text}");
                ok += 1;
            }
            (Err(_), Err(_)) => {}
            _ => panic!("parser and scanner disagree on {text}: {parsed:?} vs {scanned:?}"),
        }
        // A damaged copy: both must accept it or both refuse it.
        let mut bytes = text.clone().into_bytes();
        if !bytes.is_empty() {
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => {
                    bytes.remove(at);
                }
                1 => {
                    let pool = b"{}[],:\"\\ 0e-u";
                    bytes.insert(at, pool[rng.below(pool.len())]);
                }
                _ => bytes.truncate(at),
            }
        }
        if let Ok(damaged) = String::from_utf8(bytes) {
            match (parse(&damaged), chat_delta_text(&damaged)) {
                (Ok(v), Ok(sum)) => {
                    assert_eq!(sem(&sum), sem(&DeltaSummary::from_value(&v)), "{damaged}")
                }
                (Err(_), Err(_)) => {}
                (a, b) => panic!("disagree on {damaged}: {a:?} vs {b:?}"),
            }
        }
    });
    assert!(ok > 10_000, "only {ok} valid inputs");
}

#[test]
fn scanner_reads_recorded_chunks() {
    let dir = format!("{}/tests/fixtures/sse", env!("CARGO_MANIFEST_DIR"));
    for (name, text) in [
        (
            "litellm_chat_stream.sse",
            "Hello from the LiteLLM mock. This is a canned reply.",
        ),
        ("llamacpp_chat_stream.sse", "Hello! I'm here to help with"),
        (
            "llmock_chat_stream.sse",
            "Simulated success from gpt-4o-mini.",
        ),
    ] {
        let body = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let mut all = String::new();
        let mut finish = None;
        for line in body.lines().filter_map(|l| l.strip_prefix("data: ")) {
            if line == "[DONE]" {
                continue;
            }
            let sum = chat_delta_text(line).unwrap();
            assert_eq!(
                sem(&sum),
                sem(&DeltaSummary::from_value(&parse(line).unwrap()))
            );
            all.push_str(&sum.text);
            finish = finish.or(sum.finish_reason);
        }
        assert_eq!(all, text, "{name}");
        assert!(finish.is_some(), "{name}");
    }
}

/// Numbers are converted without core's float code: check them against it.
#[test]
fn numbers_match_the_standard_library() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut texts: Vec<String> = vec![
        "2.2250738585072011e-308".into(),
        "2.2250738585072014e-308".into(),
        "4.9406564584124654e-324".into(),
        "2.4703282292062327e-324".into(),
        "2.4703282292062328e-324".into(),
        "1.7976931348623158e308".into(),
        "1.7976931348623159e308".into(),
        "9007199254740993".into(),
        "9007199254740993.0000000000000000000000000000001".into(),
        "0.1".into(),
        "3.141592653589793238462643383279502884197".into(),
        format!("1{}", "0".repeat(400)),
        format!("0.{}1", "0".repeat(400)),
        format!("{}e-400", "9".repeat(900)),
        // A halfway case decided by a digit far beyond the first 800.
        format!("9007199254740993{}1", "0".repeat(900)),
        format!("9007199254740993{}", "0".repeat(900)),
    ];
    for _ in 0..10_000 {
        let digits: String = (0..1 + rng.below(25))
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect();
        let digits = digits.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        let text = match rng.below(4) {
            0 => digits.to_owned(),
            1 => {
                let (a, b) = digits.split_at(rng.below(digits.len()));
                format!(
                    "{}.{}",
                    if a.is_empty() { "0" } else { a },
                    if b.is_empty() { "0" } else { b }
                )
            }
            _ => format!("{digits}e{}", rng.below(700) as i64 - 350),
        };
        texts.push(text);
    }
    for _ in 0..10_000 {
        // Random bit patterns: every kind of double.
        let x = f64::from_bits(rng.next_u64()).abs();
        if x.is_finite() {
            texts.push(format!("{x:e}"));
        }
    }
    for text in &texts {
        let expected: f64 = text.parse().unwrap();
        let got = parse(text).unwrap().as_f64().unwrap();
        assert_eq!(got.to_bits(), expected.to_bits(), "parsing {text}");
        let neg = format!("-{text}");
        let got = parse(&neg).unwrap().as_f64().unwrap();
        assert_eq!(got.to_bits(), (-expected).to_bits(), "parsing {neg}");
        // Writing: reads back the same, and has as few digits as core's shortest form.
        let written = n(expected).to_json();
        if expected.is_infinite() {
            assert_eq!(written, "null");
            continue;
        }
        let back: f64 = written.parse().unwrap();
        assert_eq!(back, expected, "{text} written as {written}");
        let shortest = format!("{expected:e}");
        let count = |s: &str| {
            let mantissa = s.split(['e', 'E']).next().unwrap_or_default();
            let digits = mantissa.bytes().filter(u8::is_ascii_digit).map(char::from);
            let digits: String = digits.collect();
            digits.trim_start_matches('0').trim_end_matches('0').len()
        };
        assert_eq!(
            count(&written),
            count(&shortest),
            "{text} written as {written}, core says {shortest}"
        );
    }
}

/// What a summary says about a chunk (text, finish reason, error), leaving out the scanner's
/// byte-level hints (`simple`, `choices_span`) that a parsed tree cannot have.
fn sem(s: &DeltaSummary) -> (&str, Option<&str>, bool) {
    (s.text.as_str(), s.finish_reason.as_deref(), s.is_error)
}

#[test]
fn top_level_string_agrees_with_the_parser() {
    let mut found = 0;
    for_random_json(0x9E37_79B9_7F4A_7C15, |text, _| {
        for key in ["content", "text", "finish_reason"] {
            let scanned = top_level_string(&text, key);
            match parse(&text) {
                Ok(v) => {
                    let want = v.get(key).and_then(|x| x.as_str()).map(str::to_owned);
                    found += usize::from(want.is_some());
                    assert_eq!(scanned, Ok(want), "{key} in {text}");
                }
                Err(_) => assert!(scanned.is_err(), "{text}"),
            }
        }
    });
    assert!(found > 100, "the generator made top-level strings: {found}");
    // Invalid JSON anywhere is an error, even after the key was found.
    assert!(top_level_string(r#"{"time":"t","x":[1,}"#, "time").is_err());
    assert_eq!(
        top_level_string(r#"{"time":"a","time":"b"}"#, "time"),
        Ok(Some("b".into()))
    );
    assert_eq!(top_level_string(r#"{"time":1}"#, "time"), Ok(None));
    assert_eq!(top_level_string(r#"["time"]"#, "time"), Ok(None));
}
