//! Baseten URL rules: which host and path each call goes to.
//!
//! Every id and path piece comes from users, so everything is validated before any request is
//! made: ids are `[A-Za-z0-9_-]{1,128}` (they can neither change the host nor climb the path), base
//! URLs are parsed strictly, and custom-server routes are percent-encoded with dot segments refused.
//! Every failure is an [`ErrorKind::Configuration`](crate::core::error::ErrorKind::Configuration)
//! error whose message names the field but never echoes its value.
//!
//! | form | URL |
//! |---|---|
//! | default | `https://model-{id}.api.baseten.co/environments/production/{endpoint}` |
//! | named environment | `https://model-{id}.api.baseten.co/environments/{env}/{endpoint}` |
//! | shorthands | `.../production/{endpoint}`, `.../development/{endpoint}` |
//! | pinned deployment | `.../deployment/{deployment_id}/{endpoint}` |
//! | chain | `https://chain-{id}.api.baseten.co/...` with the same prefixes |
//! | regional | `https://model-{id}-{region}.api.baseten.co/{endpoint}` (bare path) |
//! | base URL | `{base_url}/{prefix}/{endpoint}` |
//! | async request | `https://model-{id}.api.baseten.co/async_request/{request_id}` (no prefix) |
//! | WebSocket | any prefixed form above with `wss://` (`ws://` for an `http://` base URL) and the endpoint `websocket` |

use crate::core::error::Error;

/// The longest id accepted (model, chain, deployment, environment, region, request id).
pub const MAX_ID_LEN: usize = 128;

/// What is being called: a model or a chain, by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A model: host `model-{id}.api.baseten.co`.
    Model(String),
    /// A chain: host `chain-{id}.api.baseten.co`.
    Chain(String),
}

/// Which environment or deployment of the target answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Environment {
    /// Nothing chosen: `environments/production`.
    #[default]
    Default,
    /// A named environment: `environments/{env}`.
    Named(String),
    /// The `production` shorthand.
    Production,
    /// The `development` shorthand.
    Development,
    /// A pinned deployment: `deployment/{id}`.
    Deployment(String),
}

/// Everything that decides where a call goes, as the user gave it. Checked by [`Endpoint::new`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointConfig {
    /// The model or chain; optional when `base_url` is set.
    pub target: Option<Target>,
    /// The environment or deployment (path prefix).
    pub environment: Environment,
    /// A region: host `model-{id}-{region}.api.baseten.co` with bare paths. Cannot be combined
    /// with an explicit environment, a deployment or a base URL.
    pub region: Option<String>,
    /// Replaces the `https://model-{id}.api.baseten.co` origin: an http(s) origin with an
    /// optional path prefix (a proxy, a gateway, a local server).
    pub base_url: Option<String>,
}

/// A Baseten endpoint. For a [`Target::Chain`], [`Route::Predict`] means `run_remote` and
/// [`Route::AsyncPredict`] means `async_run_remote`, since chains have no `predict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route<'a> {
    /// `predict` (`run_remote` for a chain).
    Predict,
    /// `async_predict` (`async_run_remote` for a chain).
    AsyncPredict,
    /// `async_request/{request_id}`: status (GET) and cancel (DELETE); never has a prefix.
    AsyncRequest(&'a str),
    /// `async_queue_status`.
    AsyncQueueStatus,
    /// `wake`.
    Wake,
    /// `sync/{route}`: passed through to the model's own server. May carry a `?query`.
    Sync(&'a str),
    /// `run_remote` (chains only).
    RunRemote,
    /// `async_run_remote` (chains only).
    AsyncRunRemote,
    /// The OpenAI-compatible base, `{prefix}/sync/v1` (no trailing slash); see [`join`].
    OpenAiBase,
    /// `websocket`, for models and chains alike, with the origin's scheme turned into its
    /// WebSocket equivalent (`https` to `wss`, `http` to `ws`). Full build only (the chat build
    /// has no sockets, and does not carry their rule).
    #[cfg(feature = "full")]
    WebSocket,
}

impl Route<'_> {
    /// The route's name in errors: the method a user called.
    pub fn name(&self) -> &'static str {
        match self {
            Route::Predict => "predict (and predictStream)",
            Route::AsyncPredict => "asyncPredict",
            Route::AsyncRequest(_) => "asyncRequest (and cancelAsyncRequest, waitForAsyncRequest)",
            Route::AsyncQueueStatus => "asyncQueueStatus",
            Route::Wake => "wake",
            Route::Sync(_) => "sync",
            Route::RunRemote => "run_remote",
            Route::AsyncRunRemote => "async_run_remote",
            Route::OpenAiBase => "the OpenAI-compatible base",
            #[cfg(feature = "full")]
            Route::WebSocket => "websocket",
        }
    }
}

/// Baseten's Model APIs: the OpenAI-compatible base of a client given no model id, chain id or
/// base URL (model slugs such as `deepseek-ai/DeepSeek-V3.1` go in the request's `model`).
pub const MODEL_APIS_BASE: &str = "https://inference.baseten.co/v1";

/// What the endpoint targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// No target: only a base URL, or nothing (an OpenAI-only client).
    None,
    /// A model.
    Model,
    /// A chain.
    Chain,
}

/// A validated [`EndpointConfig`] that builds URLs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Whether a model, a chain or neither was chosen.
    kind: Kind,
    /// Origin (and base path) of prefixed routes; `None` when neither target nor base URL is set.
    origin: Option<String>,
    /// Origin of `async_request/...`: never regional.
    request_origin: Option<String>,
    /// `/environments/{env}`, `/production`, ... or empty for a regional host.
    prefix: String,
}

impl Endpoint {
    /// Validates the whole configuration up front. Succeeds without a target or base URL so that
    /// an OpenAI-only client can exist; [`Endpoint::url`] then refuses Baseten routes.
    pub fn new(cfg: &EndpointConfig) -> Result<Endpoint, Error> {
        let target = match &cfg.target {
            Some(Target::Model(id)) => Some((Kind::Model, check_id("modelId", id)?)),
            Some(Target::Chain(id)) => Some((Kind::Chain, check_id("chainId", id)?)),
            None => None,
        };
        let kind = target.map_or(Kind::None, |t| t.0);
        let prefix = match &cfg.environment {
            Environment::Default => "/environments/production".to_string(),
            Environment::Named(env) => format!("/environments/{}", check_id("environment", env)?),
            Environment::Production => "/production".to_string(),
            Environment::Development => "/development".to_string(),
            Environment::Deployment(id) => format!("/deployment/{}", check_id("deployment", id)?),
        };
        let region = match &cfg.region {
            Some(r) => Some(check_id("region", r)?),
            None => None,
        };
        let base = match &cfg.base_url {
            Some(b) => Some(normalize_base_url_named("baseUrl", b)?),
            None => None,
        };
        let host = |(kind, id): (Kind, &str), region: Option<&str>| {
            let kind = if kind == Kind::Chain {
                "chain"
            } else {
                "model"
            };
            match region {
                Some(r) => format!("https://{kind}-{id}-{r}.api.baseten.co"),
                None => format!("https://{kind}-{id}.api.baseten.co"),
            }
        };
        if let Some(region) = region {
            if target.is_none() {
                return Err(Error::config(
                    "options.region needs a model or chain id: set modelId or chainId",
                ));
            }
            if cfg.environment != Environment::Default {
                return Err(Error::config(
                    "options.region cannot be combined with environment or deployment: \
                     a regional host has no environment in its path",
                ));
            }
            if base.is_some() {
                return Err(Error::config(
                    "options.region cannot be combined with baseUrl: both choose the host",
                ));
            }
            return Ok(Endpoint {
                kind,
                origin: target.map(|t| host(t, Some(region))),
                request_origin: target.map(|t| host(t, None)),
                prefix: String::new(),
            });
        }
        let origin = base.or_else(|| target.map(|t| host(t, None)));
        Ok(Endpoint {
            kind,
            request_origin: origin.clone(),
            origin,
            prefix,
        })
    }

    /// Whether the target is a chain (so `predict` is sent as `run_remote`).
    pub fn is_chain(&self) -> bool {
        self.kind == Kind::Chain
    }

    /// The full URL of `route`. With no target and no base URL, [`Route::OpenAiBase`] is Baseten's
    /// Model APIs ([`MODEL_APIS_BASE`]) and every other route fails, saying that it needs a model
    /// or chain id. Also fails when a request id or sync route is invalid, and when a chain-only
    /// route is used with a model.
    pub fn url(&self, route: Route<'_>) -> Result<String, Error> {
        let missing = || {
            Error::config(format!(
                "{} needs a model or chain id: set modelId or chainId (or baseUrl for a proxy); \
                 a client without them reaches only Baseten's Model APIs, through the \
                 OpenAI-compatible calls",
                route.name()
            ))
        };
        let endpoint = match route {
            Route::AsyncRequest(rid) => {
                let rid = check_id("requestId", rid)?;
                let origin = self.request_origin.as_deref().ok_or_else(missing)?;
                return Ok(format!("{origin}/async_request/{rid}"));
            }
            Route::Predict if self.is_chain() => "run_remote".to_string(),
            Route::AsyncPredict if self.is_chain() => "async_run_remote".to_string(),
            Route::Predict => "predict".to_string(),
            Route::AsyncPredict => "async_predict".to_string(),
            Route::AsyncQueueStatus => "async_queue_status".to_string(),
            Route::Wake => "wake".to_string(),
            Route::RunRemote | Route::AsyncRunRemote if self.kind == Kind::Model => {
                return Err(Error::config(
                    "run_remote and async_run_remote are chain endpoints: set chainId, not modelId",
                ));
            }
            Route::RunRemote => "run_remote".to_string(),
            Route::AsyncRunRemote => "async_run_remote".to_string(),
            Route::OpenAiBase if self.origin.is_none() => return Ok(MODEL_APIS_BASE.to_string()),
            Route::OpenAiBase => "sync/v1".to_string(),
            Route::Sync(route) => format!("sync/{}", encode_route(route)?),
            #[cfg(feature = "full")]
            Route::WebSocket => {
                let origin = self.origin.as_deref().ok_or_else(missing)?;
                return Ok(format!(
                    "{}{}/websocket",
                    websocket_scheme(origin),
                    self.prefix
                ));
            }
        };
        let origin = self.origin.as_deref().ok_or_else(missing)?;
        Ok(format!("{origin}{}/{endpoint}", self.prefix))
    }
}

/// Checks an id: 1 to [`MAX_ID_LEN`] characters of `[A-Za-z0-9_-]`. Returns it unchanged.
pub fn check_id<'a>(field: &str, id: &'a str) -> Result<&'a str, Error> {
    if id.is_empty() {
        return Err(Error::config(format!("{field} is empty")));
    }
    if id.len() > MAX_ID_LEN {
        return Err(Error::config(format!(
            "{field} is longer than {MAX_ID_LEN} characters"
        )));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::config(format!(
            "{field} may contain only the characters A-Z, a-z, 0-9, '_' and '-'"
        )));
    }
    Ok(id)
}

/// Validates an http(s) base URL (for `openaiBaseUrl`) and returns it normalised without a
/// trailing slash. See [`normalize_base_url_named`] for the rules.
pub fn normalize_base_url(s: &str) -> Result<String, Error> {
    normalize_base_url_named("openaiBaseUrl", s)
}

/// Validates an http(s) base URL, naming it `field` in errors (the URL itself is never echoed:
/// it may hold credentials). Rules: scheme `http` or `https` (any case; lowercased), a host that
/// is a name of `[A-Za-z0-9._-]` with no empty label, an IPv4 address or a bracketed IPv6
/// address (lowercased), an optional port 1..=65535, an optional path prefix. Refused: userinfo,
/// query, fragment, whitespace, control and non-ASCII characters, backslashes, `.`/`..` segments
/// (also percent-encoded) and empty segments. Trailing slashes are removed.
pub fn normalize_base_url_named(field: &str, s: &str) -> Result<String, Error> {
    let err = |what: &str| Err(Error::config(format!("{field} {what}")));
    if s.is_empty() {
        return err("is empty");
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return err("contains whitespace or control characters");
    }
    if !s.is_ascii() {
        return err("contains non-ASCII characters (percent-encode the path, punycode the host)");
    }
    if s.contains('\\') {
        return err("contains a backslash");
    }
    if s.contains('?') || s.contains('#') {
        return err("must not have a query (?) or fragment (#)");
    }
    let Some((scheme, rest)) = super::find_str(s, "://").map(|i| (&s[..i], &s[i + 3..])) else {
        return err("must start with http:// or https://");
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return err("must start with http:// or https://");
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return err("must not contain credentials (user@host)");
    }
    let authority = authority.to_ascii_lowercase();
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            return err("has an IPv6 host without a closing ']'");
        };
        let ok = addr.contains(':')
            && addr
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !ok {
            return err("has an invalid IPv6 host");
        }
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(p) => Some(p),
                None => return err("has characters after the IPv6 host"),
            },
        };
        (format!("[{addr}]"), port)
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.clone(), None),
        }
    };
    if host.is_empty() {
        return err("has no host");
    }
    let name_ok = |h: &str| {
        h.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
    };
    if !host.starts_with('[') && !name_ok(&host) {
        return err("has an invalid host: use letters, digits, '-', '_' and non-empty '.' labels");
    }
    let mut out = format!("{scheme}://{host}");
    if let Some(p) = port {
        match p.parse::<u16>() {
            Ok(n) if n > 0 && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
                out.push(':');
                out.push_str(&n.to_string());
            }
            _ => return err("has an invalid port: use 1 to 65535"),
        }
    }
    let path = super::trim_ascii(path, b"/", false, true);
    if let Some(path) = path.strip_prefix('/') {
        out.push('/');
        encode_path(field, path, &mut out)?;
    }
    Ok(out)
}

/// `{base}/{path}` for an already-normalised base and a fixed relative path such as
/// `"chat/completions"`. Extra slashes at the seam are dropped; nothing is validated.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        super::trim_ascii(base, b"/", false, true),
        super::trim_ascii(path, b"/", true, false)
    )
}

/// Checks and encodes a `Route::Sync` route: optional leading `/`, path, optional `?query`.
fn encode_route(route: &str) -> Result<String, Error> {
    const FIELD: &str = "route";
    if route.chars().any(|c| c.is_control()) {
        return Err(Error::config("route contains a control character"));
    }
    if route.contains('\\') {
        return Err(Error::config("route contains a backslash"));
    }
    if route.contains('#') {
        return Err(Error::config("route must not have a fragment (#)"));
    }
    let route = route.strip_prefix('/').unwrap_or(route);
    let (path, query) = match route.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (route, None),
    };
    if path.is_empty() {
        return Err(Error::config(
            "route is empty: give a path such as \"v1/chat\"",
        ));
    }
    let mut out = String::with_capacity(route.len() + 8);
    encode_path(FIELD, path, &mut out)?;
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        out.push('?');
        encode_bytes(FIELD, q, &mut out, false, |b| {
            is_pchar(b) || b == b'/' || b == b'?'
        })?;
    }
    Ok(out)
}

/// Encodes a relative path (no leading `/`; a trailing `/` is kept) segment by segment.
fn encode_path(field: &str, path: &str, out: &mut String) -> Result<(), Error> {
    let mut segments = path.split('/').peekable();
    let mut first = true;
    while let Some(seg) = segments.next() {
        if !first {
            out.push('/');
        }
        let last = segments.peek().is_none();
        // An empty segment is only allowed last, after another one (a trailing slash).
        if seg.is_empty() && (first || !last) {
            return Err(Error::config(format!(
                "{field} has an empty path segment (//)"
            )));
        }
        first = false;
        encode_bytes(field, seg, out, true, is_pchar)?;
    }
    Ok(())
}

/// Appends `s` to `out`, percent-encoding bytes `allowed` refuses and keeping valid `%XX`
/// escapes. In a path segment (`segment`), escapes of `/`, `\` and control bytes are refused, and
/// so is a segment that decodes to `.` or `..`.
fn encode_bytes(
    field: &str,
    s: &str,
    out: &mut String,
    segment: bool,
    allowed: fn(u8) -> bool,
) -> Result<(), Error> {
    let bytes = s.as_bytes();
    let (mut len, mut dots, mut i) = (0usize, 0usize, 0usize);
    while let Some(&b) = bytes.get(i) {
        let decoded = if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex);
            let lo = bytes.get(i + 2).copied().and_then(hex);
            let (Some(hi), Some(lo)) = (hi, lo) else {
                return Err(Error::config(format!(
                    "{field} has a '%' not followed by two hex digits (write %25 for a literal %)"
                )));
            };
            let d = hi * 16 + lo;
            if segment && (d == b'/' || d == b'\\' || d < 0x20 || d == 0x7f) {
                return Err(Error::config(format!(
                    "{field} has a percent-escape of '/', '\\' or a control character"
                )));
            }
            out.push('%');
            out.push(char::from(bytes.get(i + 1).copied().unwrap_or(b'0')));
            out.push(char::from(bytes.get(i + 2).copied().unwrap_or(b'0')));
            i += 3;
            d
        } else {
            if allowed(b) {
                out.push(char::from(b));
            } else {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
            i += 1;
            b
        };
        len += 1;
        dots += usize::from(decoded == b'.');
    }
    if segment && len > 0 && len == dots && len <= 2 {
        return Err(Error::config(format!(
            "{field} has a '.' or '..' path segment (also refused percent-encoded)"
        )));
    }
    Ok(())
}

/// RFC 3986 `pchar` minus `%`: unreserved, sub-delims, `:` and `@`.
fn is_pchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b)
}

/// The value of one hex digit.
fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(feature = "full")]
/// The WebSocket equivalent of a normalised http(s) origin: `https://` becomes `wss://` and
/// `http://` becomes `ws://` (the origins this module makes are lowercase and one of the two).
fn websocket_scheme(origin: &str) -> String {
    match origin.strip_prefix("http") {
        Some(rest) => format!("ws{rest}"),
        None => origin.to_string(),
    }
}
