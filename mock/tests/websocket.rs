//! WebSockets on every prefix: auth and faults at the upgrade, echo of text and binary (1 MiB),
//! the paced token stream, closes from each side, and the session list.

mod common;

use common::{send, start, Mock};
use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Connects to `path` with this `Authorization` value (none: no header).
async fn connect(m: &Mock, path: &str, auth: Option<&str>) -> Result<Ws, WsError> {
    let url = format!("{}{path}", m.url.replacen("http://", "ws://", 1));
    let mut req = url.into_client_request().expect("a request");
    if let Some(a) = auth {
        req.headers_mut()
            .insert("authorization", a.parse().expect("a header"));
    }
    connect_async(req).await.map(|(ws, _)| ws)
}

/// The next data message (pings skipped), within 5 s.
async fn next(ws: &mut Ws) -> Message {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a message within 5 s")
            .expect("the socket is open")
            .expect("no error");
        if !m.is_ping() && !m.is_pong() {
            return m;
        }
    }
}

/// The sessions the mock recorded, once every one of them has closed.
async fn closed_sessions(m: &Mock) -> Vec<Value> {
    for _ in 0..100 {
        let v = m.mock_json("/__mock/websockets").await;
        let list = v.as_array().expect("a list").clone();
        if !list.is_empty() && list.iter().all(|s| s["open"] == false) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("sessions still open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_prefix_echoes_text_and_binary() {
    let m = start().await;
    let big: Vec<u8> = (0..1 << 20).map(|i| (i * 7 % 251) as u8).collect();
    let paths = [
        "/environments/staging/websocket",
        "/production/websocket",
        "/development/websocket",
        "/deployment/dep1/websocket",
        "/websocket",
    ];
    for (i, path) in paths.iter().enumerate() {
        let auth = if i % 2 == 0 {
            "Bearer test-key"
        } else {
            "Api-Key test-key"
        };
        let mut ws = connect(&m, path, Some(auth)).await.expect(path);
        ws.send(Message::Text("héllo".into())).await.unwrap();
        assert_eq!(next(&mut ws).await, Message::Text("héllo".into()), "{path}");
        ws.send(Message::Binary(vec![0, 255, 1].into()))
            .await
            .unwrap();
        assert_eq!(next(&mut ws).await, Message::Binary(vec![0, 255, 1].into()));
        ws.send(Message::Binary(big.clone().into())).await.unwrap();
        assert_eq!(next(&mut ws).await, Message::Binary(big.clone().into()));
        let text = "x".repeat(1 << 20);
        ws.send(Message::Text(text.clone().into())).await.unwrap();
        assert_eq!(next(&mut ws).await, Message::Text(text.into()));
        ws.close(None).await.unwrap();
    }
    let sessions = closed_sessions(&m).await;
    let seen: Vec<&str> = sessions
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(seen, paths);
    for s in &sessions {
        assert_eq!(s["received"], 4, "{s}");
        assert_eq!(s["sent"], 4, "{s}");
        assert_eq!(s["closed_by"], "client");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upgrade_checks_the_key_and_applies_faults() {
    let m = start().await;
    for auth in [None, Some("Bearer wrong-secret"), Some("test-key")] {
        let err = connect(&m, "/production/websocket", auth)
            .await
            .expect_err("refused");
        let WsError::Http(resp) = err else {
            panic!("an HTTP refusal, got {err:?}")
        };
        assert_eq!(resp.status(), 401);
        assert!(resp.headers().contains_key("x-baseten-request-id"));
        let body = String::from_utf8(resp.body().clone().unwrap_or_default()).unwrap();
        assert!(!body.contains("wrong-secret"), "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error_code"], "unauthorized");
    }
    for status in [403u16, 404, 500, 503] {
        let path = format!("/websocket?mock_fault=status:{status}");
        let err = connect(&m, &path, Some("Bearer test-key"))
            .await
            .unwrap_err();
        let WsError::Http(resp) = err else {
            panic!("an HTTP refusal, got {err:?}")
        };
        assert_eq!(resp.status(), status);
    }
    let err = connect(&m, "/production/websocket-not", Some("Bearer test-key"))
        .await
        .unwrap_err();
    assert!(matches!(err, WsError::Http(r) if r.status() == 404));
    // A plain GET is told to upgrade; a POST is the wrong method.
    let r = send(m.get("/production/websocket")).await;
    assert_eq!(r.status(), 426);
    let r = send(m.request(Method::POST, "/production/websocket")).await;
    assert_eq!(r.status(), 405);
    assert!(m.mock_json("/__mock/websockets").await == json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paced_token_stream_then_echo_again() {
    let m = start().await;
    let mut ws = connect(
        &m,
        "/environments/production/websocket",
        Some("Bearer test-key"),
    )
    .await
    .unwrap();
    let cmd = json!({"mock": "stream", "n": 4, "interval_ms": 10, "text": "one two three"});
    ws.send(Message::Text(cmd.to_string().into()))
        .await
        .unwrap();
    let mut got = Vec::new();
    loop {
        let Message::Text(t) = next(&mut ws).await else {
            panic!("text")
        };
        let v: Value = serde_json::from_str(t.as_str()).unwrap();
        if v["type"] == "done" {
            assert_eq!(v["tokens"], 4);
            break;
        }
        assert_eq!(v["index"], got.len());
        got.push(v["text"].as_str().unwrap().to_string());
    }
    assert_eq!(got.concat(), "one two three one ");
    ws.send(Message::Text("after".into())).await.unwrap();
    assert_eq!(next(&mut ws).await, Message::Text("after".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closes_from_each_side_are_recorded() {
    let m = start().await;
    // The server closes with the code a command chose.
    let mut ws = connect(&m, "/websocket", Some("Bearer test-key"))
        .await
        .unwrap();
    let cmd = json!({"mock": "close", "code": 4001, "reason": "bye now"});
    ws.send(Message::Text(cmd.to_string().into()))
        .await
        .unwrap();
    let Message::Close(Some(frame)) = next(&mut ws).await else {
        panic!("a close frame")
    };
    assert_eq!(u16::from(frame.code), 4001);
    assert_eq!(frame.reason.as_str(), "bye now");
    while ws.next().await.is_some() {}
    // A reserved code is not a command: it is echoed.
    let mut ws = connect(&m, "/websocket", Some("Bearer test-key"))
        .await
        .unwrap();
    let reserved = json!({"mock": "close", "code": 1006}).to_string();
    ws.send(Message::Text(reserved.clone().into()))
        .await
        .unwrap();
    assert_eq!(next(&mut ws).await, Message::Text(reserved.into()));
    // The client closes with its own code.
    let frame = CloseFrame {
        code: CloseCode::from(4321),
        reason: "client done".into(),
    };
    ws.close(Some(frame)).await.unwrap();
    while ws.next().await.is_some() {}
    // The client goes away without a close.
    let ws = connect(&m, "/websocket", Some("Bearer test-key"))
        .await
        .unwrap();
    drop(ws);
    let s = closed_sessions(&m).await;
    assert_eq!(s.len(), 3);
    assert_eq!(
        (
            &s[0]["closed_by"],
            &s[0]["close_code"],
            &s[0]["close_reason"]
        ),
        (&json!("server"), &json!(4001), &json!("bye now"))
    );
    assert_eq!(
        (
            &s[1]["closed_by"],
            &s[1]["close_code"],
            &s[1]["close_reason"]
        ),
        (&json!("client"), &json!(4321), &json!("client done"))
    );
    assert_eq!(s[2]["closed_by"], "dropped");
    assert_eq!(s[2]["close_code"], Value::Null);
}
