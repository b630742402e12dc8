//! The per-request flow: read, record, preflight, auth, faults, route, CORS and ids.

use crate::faults::{self, Abort};
use crate::reply::{bad_request, baseten_error, MockBody, Reply};
use crate::req::Req;
use crate::state::{lock, State};
use crate::{auth, cors, introspect, log, router, util, websocket};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Method, Request, Response, StatusCode};
use std::sync::Arc;
use std::time::Instant;

/// Largest request body read (Baseten's own limit is 100 MB).
const MAX_BODY: usize = 32 << 20;
/// The mock's own routes: no auth, not recorded.
const MOCK_PREFIX: &str = "/__mock/";
/// The webhook sink: no auth, but faults apply so a test can make a webhook fail.
pub const SINK_PATH: &str = "/__mock/webhook-sink";

/// Handles one request. An `Err` closes the connection without a response.
pub async fn handle(
    state: Arc<State>,
    mut request: Request<Incoming>,
) -> Result<Response<MockBody>, Abort> {
    let started = Instant::now();
    let upgrade =
        websocket::wants_upgrade(request.headers()).then(|| hyper::upgrade::on(&mut request));
    let (parts, body) = request.into_parts();
    let version = parts.version;
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(()),
        Err(_) => return Err(Abort),
    };
    let req = Req {
        id: util::new_id(),
        method: parts.method,
        params: util::parse_query(&query),
        path,
        query,
        headers: parts.headers,
        body: body.clone().unwrap_or_default(),
    };
    if !req.path.starts_with(MOCK_PREFIX) {
        // Preflights get no key, so a keyed list holds only the requests a script made.
        let key = if req.method == Method::OPTIONS {
            String::new()
        } else {
            faults::fault_key(&req)
        };
        lock(&state.log).record(&req, &key);
    }
    let result = match body {
        Ok(_) => dispatch(&state, &req).await,
        Err(()) => Ok(baseten_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request body too large",
            "payload_too_large",
        )),
    };
    if !state.cfg.quiet {
        let status = result.as_ref().ok().map(|r| r.status.as_u16());
        log::access(req.method.as_str(), &req.path, status, started.elapsed());
    }
    let mut resp = result?.into_response();
    if let (StatusCode::SWITCHING_PROTOCOLS, Some(upgrade)) = (resp.status(), upgrade) {
        let session = websocket::session(state.clone(), upgrade, req.id.clone(), req.path.clone());
        tokio::spawn(session);
    }
    let headers = resp.headers_mut();
    cors::add_headers(headers);
    // Which protocol the request came on (the HTTP/2 tests check it).
    headers.insert(
        "x-mock-http-version",
        HeaderValue::from_static(match version {
            hyper::Version::HTTP_2 => "HTTP/2.0",
            hyper::Version::HTTP_10 => "HTTP/1.0",
            _ => "HTTP/1.1",
        }),
    );
    if let Ok(id) = HeaderValue::from_str(&req.id) {
        headers.insert("x-baseten-request-id", id.clone());
        headers.entry("x-request-id").or_insert(id);
    }
    Ok(resp)
}

/// Decides the reply (or a deliberate abort) for a request.
async fn dispatch(state: &Arc<State>, req: &Req) -> Result<Reply, Abort> {
    if req.method == Method::OPTIONS {
        return Ok(cors::preflight(req));
    }
    let sink = req.path == SINK_PATH;
    if req.path.starts_with(MOCK_PREFIX) && !sink {
        return Ok(introspect::route(state, req));
    }
    if !sink && !auth::is_authorized(req, &state.cfg.api_key) {
        return Ok(auth::unauthorized());
    }
    let faults = match faults::resolve(state, req) {
        Ok(f) => f,
        Err(msg) => return Ok(bad_request(&msg)),
    };
    if let Some(mut reply) = faults::before(&faults).await? {
        faults::after(&faults, &mut reply);
        return Ok(reply);
    }
    let mut reply = if sink {
        introspect::route(state, req)
    } else {
        router::route(state, req).await
    };
    faults::after(&faults, &mut reply);
    Ok(reply)
}
