//! Host tests of the key, the auth scheme and extra headers: what is accepted, what is refused,
//! and that the key never shows up in any error or debug output.

use baseten_edge::core::auth::{header_secret, validate_header, ApiKey, AuthScheme};
use baseten_edge::core::error::{Error, ErrorKind};
use baseten_edge::core::url::{
    normalize_base_url, Endpoint, EndpointConfig, Environment, Route, Target,
};

const SECRET: &str = "Zq7xSECRETkey9";

fn config_err<T: std::fmt::Debug>(what: &str, got: Result<T, Error>, want: &str) -> Error {
    let e = got.expect_err(what);
    assert_eq!(e.kind, ErrorKind::Configuration, "{what}: {e}");
    assert!(
        e.message.contains(want),
        "{what}: {e:?} should mention {want:?}"
    );
    e
}

#[test]
fn schemes() {
    let table: &[(&str, Option<AuthScheme>)] = &[
        ("bearer", Some(AuthScheme::Bearer)),
        ("Bearer", Some(AuthScheme::Bearer)),
        ("BEARER", Some(AuthScheme::Bearer)),
        ("api-key", Some(AuthScheme::ApiKey)),
        ("Api-Key", Some(AuthScheme::ApiKey)),
        ("apikey", Some(AuthScheme::ApiKey)),
        ("API_KEY", Some(AuthScheme::ApiKey)),
        ("", None),
        ("basic", None),
        ("bearer ", None),
        ("bearer\r\n", None),
        ("token", None),
        ("beärer", None),
    ];
    for (s, want) in table {
        match want {
            Some(w) => assert_eq!(AuthScheme::parse(s).ok(), Some(*w), "{s:?}"),
            None => {
                config_err(s, AuthScheme::parse(s), "\"bearer\" or \"api-key\"");
            }
        }
    }
    assert_eq!(AuthScheme::default(), AuthScheme::Bearer);
}

#[test]
fn header_values() {
    let key = ApiKey::new("  abc.DEF-123_x/+=\t").expect("valid");
    assert_eq!(key.expose(), "abc.DEF-123_x/+=");
    assert_eq!(
        key.header_value(AuthScheme::Bearer),
        "Bearer abc.DEF-123_x/+="
    );
    assert_eq!(
        key.header_value(AuthScheme::ApiKey),
        "Api-Key abc.DEF-123_x/+="
    );
    let max = "k".repeat(4096);
    assert_eq!(ApiKey::new(&max).expect("4096 is fine").expose(), max);
}

#[test]
fn bad_keys_are_refused_without_echo() {
    let table: Vec<(String, &str)> = vec![
        (String::new(), "is empty"),
        ("   ".into(), "is empty"),
        ("\t \t".into(), "is empty"),
        // CR and LF are refused anywhere, even at either end (never trimmed away).
        ("\r\n\t ".into(), "control"),
        (format!("{SECRET}\r\n"), "control"),
        (format!("{SECRET}\n"), "control"),
        (format!("\n{SECRET}"), "control"),
        (format!("\r{SECRET}"), "control"),
        (format!("{SECRET}\r\nX-Evil: 1"), "control"),
        (format!("{SECRET}\nx"), "control"),
        (format!("{SECRET}\rx"), "control"),
        (format!("{SECRET}\0"), "control"),
        (format!("{SECRET}\u{7f}"), "control"),
        (format!("{SECRET}\tx"), "control"),
        (format!("{SECRET} x"), "spaces"),
        (format!("{SECRET}é"), "non-ASCII"),
        (format!("{SECRET}\u{2028}"), "non-ASCII"),
        (format!("{SECRET}\u{85}"), "non-ASCII"),
        (format!("\u{a0}{SECRET}"), "non-ASCII"),
        (format!("{SECRET}{}", "k".repeat(4096)), "longer than 4096"),
    ];
    for (key, want) in &table {
        let e = config_err(&format!("{key:?}"), ApiKey::new(key), want);
        let all = format!("{e} {e:?} {}", e.message);
        assert!(!all.contains(SECRET), "{all}");
        assert!(e.message.starts_with("apiKey"), "{e}");
    }
}

#[test]
fn debug_and_display_are_redacted() {
    let key = ApiKey::new(SECRET).expect("valid");
    assert_eq!(format!("{key:?}"), "ApiKey([REDACTED])");
    assert_eq!(format!("{key}"), "ApiKey([REDACTED])");
    assert_eq!(format!("{key:#?}"), "ApiKey([REDACTED])");
    let clone = key.clone();
    let nested = format!("{:?} {:?}", Some(&clone), Ok::<_, ()>(vec![key.clone()]));
    assert!(!nested.contains(SECRET), "{nested}");
    assert_eq!(clone.expose(), SECRET);
    // Errors that a server echoes the key into are scrubbed with expose().
    let e = Error::new(ErrorKind::Authentication, format!("bad key {SECRET}")).redact(key.expose());
    assert!(!e.to_string().contains(SECRET));
}

#[test]
fn no_failing_constructor_echoes_the_key() {
    // A user who pastes the key into the wrong field must not see it in the error.
    let dirty = [
        format!("{SECRET}\r\n"),
        format!("x/{SECRET}/.."),
        format!("{SECRET}.evil.com"),
        format!("{SECRET}@h"),
        format!("é{SECRET}"),
        format!("{SECRET}%zz"),
        "k".repeat(200) + SECRET,
    ];
    for d in &dirty {
        let mut errors = vec![
            ApiKey::new(d).map(|_| ()),
            AuthScheme::parse(d).map(|_| ()),
            validate_header("X-Key", d).map(|_| ()),
            validate_header(d, "v").map(|_| ()),
            normalize_base_url(d).map(|_| ()),
            normalize_base_url(&format!("https://{d}")).map(|_| ()),
            normalize_base_url(&format!("https://h/{d}")).map(|_| ()),
        ];
        let builds = [
            EndpointConfig {
                target: Some(Target::Model(d.clone())),
                ..EndpointConfig::default()
            },
            EndpointConfig {
                target: Some(Target::Chain(d.clone())),
                ..EndpointConfig::default()
            },
            EndpointConfig {
                environment: Environment::Named(d.clone()),
                ..EndpointConfig::default()
            },
            EndpointConfig {
                environment: Environment::Deployment(d.clone()),
                ..EndpointConfig::default()
            },
            EndpointConfig {
                region: Some(d.clone()),
                ..EndpointConfig::default()
            },
            EndpointConfig {
                base_url: Some(format!("https://{d}")),
                ..EndpointConfig::default()
            },
        ];
        for c in &builds {
            errors.push(Endpoint::new(c).map(|_| ()));
        }
        let ep = Endpoint::new(&EndpointConfig {
            target: Some(Target::Model("m".into())),
            ..EndpointConfig::default()
        })
        .expect("valid");
        errors.push(ep.url(Route::AsyncRequest(d)).map(|_| ()));
        errors.push(ep.url(Route::Sync(&format!("{d}#"))).map(|_| ()));
        errors.push(ep.url(Route::Sync(&format!("a/{d}"))).map(|_| ()));
        for (i, got) in errors.into_iter().enumerate() {
            // Some inputs are accepted by some fields (e.g. a sync path); only errors matter.
            if let Err(e) = got {
                assert_eq!(e.kind, ErrorKind::Configuration);
                let all = format!("{e} {e:?}");
                assert!(!all.contains(SECRET), "constructor {i} with {d:?}: {all}");
            }
        }
    }
}

#[test]
fn extra_headers() {
    let ok: &[(&str, &str)] = &[
        ("X-Custom", "value"),
        ("x-stainless-lang", "js"),
        ("Authorization", "Bearer other"),
        ("!#$%&'*+-.^_`|~09azAZ", ""),
        ("X-Tab", "a\tb"),
        ("X-Spaces", "  a b  "),
        ("X-Json", "{\"a\":[1,2]}"),
    ];
    for (name, value) in ok {
        assert!(validate_header(name, value).is_ok(), "{name:?}: {value:?}");
    }
    let bad: &[(&str, &str, &str)] = &[
        ("", "v", "header name is empty"),
        ("X Bad", "v", "not a valid HTTP token"),
        ("X-Bad:", "v", "not a valid HTTP token"),
        ("X-Bad\r\nX-Evil", "v", "not a valid HTTP token"),
        ("X-Bad\n", "v", "not a valid HTTP token"),
        ("X\0", "v", "not a valid HTTP token"),
        ("X(y)", "v", "not a valid HTTP token"),
        ("X/y", "v", "not a valid HTTP token"),
        ("Ünicode", "v", "not a valid HTTP token"),
        ("X-A", "v\r\nX-Evil: 1", "header \"X-A\" has a value"),
        ("X-A", "v\n", "header \"X-A\" has a value"),
        ("X-A", "v\r", "header \"X-A\" has a value"),
        ("X-A", "v\0", "header \"X-A\" has a value"),
        ("X-A", "v\u{7f}", "header \"X-A\" has a value"),
        ("X-A", "v\u{1b}[31m", "header \"X-A\" has a value"),
        ("X-A", "é", "header \"X-A\" has a value"),
        ("X-A", "\u{85}", "header \"X-A\" has a value"),
    ];
    for (name, value, want) in bad {
        let e = config_err(
            &format!("{name:?}: {value:?}"),
            validate_header(name, value),
            want,
        );
        if !value.is_empty() && *value != "v" {
            assert!(!e.message.contains(value), "{e}");
        }
    }
}

#[test]
fn credential_headers_give_their_secret() {
    let table = [
        ("Authorization", "Bearer sk-abc", Some("sk-abc")),
        ("authorization", "Api-Key  sk-abc ", Some("sk-abc")),
        (
            "Proxy-Authorization",
            "Basic dXNlcjpwdw==",
            Some("dXNlcjpwdw=="),
        ),
        ("X-Api-Key", "sk-abc", Some("sk-abc")),
        ("api-key", " sk-abc ", Some("sk-abc")),
        ("Authorization", "sk-only", Some("sk-only")),
        ("Authorization", "  ", None),
        ("X-Request-Source", "sk-abc", None),
        ("Content-Type", "application/json", None),
    ];
    for (name, value, want) in table {
        assert_eq!(header_secret(name, value), want, "{name}: {value}");
    }
}
