//! The option tables: one per options object a JavaScript caller can pass. Each field of a
//! table says its key, its type, what it means and how the CLI sets it. From these tables come
//!
//! * the readers (`js::options::Opts`, which refuses a key not in its table and reads each
//!   field by its [`Field`] constant, never by a string of its own),
//! * the TypeScript interfaces and the CLI's flags (`scripts/gen.sh` writes them from
//!   `cargo run --example tables`; the test command fails when they are stale).
//!
//! The docs and CLI details are for the generator (a host program): the wasm builds, which read
//! only keys, types and names, do not carry them. A field marked `node` is read by the package's
//! Node entry (`packaging/node_transport.cjs`), which takes it out of the options: the wasm knows
//! only its key, typed [`Ty::Node`], to refuse it where that entry does not run.
//!
//! Nothing here checks values beyond their type: ranges live with the rules they belong to
//! (`async_predict`, `batch`, ...).

/// The type of an option's value: what the reader accepts and the TypeScript type it is
/// declared with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ty {
    /// A string.
    Str,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// A finite number.
    Num,
    /// One of these whole numbers (read as a number; the range is checked by the rule).
    Ints(&'static [u8]),
    /// A number of milliseconds, >= 0.
    Millis,
    /// A finite number, or `Infinity` for no limit.
    Limit,
    /// A boolean.
    Bool,
    /// An `AbortSignal`.
    Signal,
    /// Headers: a plain object of strings, or anything with `entries()` (`Headers`, a `Map`).
    Headers,
    /// A fetch-compatible function.
    Fetch,
    /// A progress callback `(done, total) => void`.
    Progress,
    /// A time: epoch milliseconds or a `Date`.
    Time,
    /// A nested options object.
    Table(&'static Table),
    /// A WebSocket class called `new WebSocket(url, { headers })` (the `ws` package's, undici's).
    /// Full build only, like the sockets (the chat build's option reader stays as it was).
    #[cfg(feature = "full")]
    SocketClass,
    /// A `node` field as the wasm builds see it: the Node entry takes the field out wherever the
    /// Node transport runs, so the wasm accepts only these values (the first of a [`Ty::OneOf`]:
    /// `transport: "fetch"`) and refuses any other, saying what the Node transport needs.
    Node(&'static [&'static str]),
}

/// How the command line sets an option.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg(not(target_arch = "wasm32"))]
pub enum Cli {
    /// By this flag (`--timeout`).
    Flag(&'static str),
    /// Not at all, for this reason.
    Absent(&'static str),
}

impl Ty {
    /// The type of a `node` field in the wasm builds: what the wasm accepts of a field the
    /// Node entry reads ([`Ty::Node`]).
    pub const fn outside_node(self) -> Ty {
        match self {
            Ty::OneOf(values) => Ty::Node(values.split_at(1).0),
            _ => Ty::Node(&[]),
        }
    }

    /// What a value of this type is, for error messages (`a string`, `"Left" or "Right"`).
    pub fn expected(&self) -> String {
        let simple = match self {
            Ty::Str => "a string",
            Ty::Node(_) => "left out: it needs the Node transport (Node, with no fetch option)",
            Ty::OneOf(values) => {
                let mut out = String::new();
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if i + 1 == values.len() { " or " } else { ", " });
                    }
                    out.push('"');
                    out.push_str(v);
                    out.push('"');
                }
                return out;
            }
            Ty::Num | Ty::Ints(_) => "a finite number",
            Ty::Millis => "a number of milliseconds >= 0",
            Ty::Limit => "a number (Infinity: no limit)",
            Ty::Bool => "a boolean",
            Ty::Signal => "an AbortSignal",
            Ty::Headers | Ty::Table(_) => "an object",
            Ty::Fetch | Ty::Progress => "a function",
            #[cfg(feature = "full")]
            Ty::SocketClass => "a function",
            Ty::Time => "a number of milliseconds or a Date",
        };
        simple.into()
    }
}

/// One option.
#[derive(Debug, PartialEq)]
pub struct Field {
    /// The key, as JavaScript callers spell it (`timeoutMs`).
    pub key: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether it must be given.
    pub required: bool,
    /// What it means (the TypeScript doc comment and the CLI's help).
    #[cfg(not(target_arch = "wasm32"))]
    pub doc: &'static str,
    /// How the CLI sets it.
    #[cfg(not(target_arch = "wasm32"))]
    pub cli: Cli,
}

/// One options object.
#[derive(Debug, PartialEq)]
pub struct Table {
    /// Its TypeScript interface (`CallOptions`).
    #[cfg(any(not(target_arch = "wasm32"), debug_assertions))]
    pub name: &'static str,
    /// Its short name (`call`), for the CLI's tables and the tests.
    #[cfg(not(target_arch = "wasm32"))]
    pub id: &'static str,
    /// How error messages name it (`options`, `inferenceRetryConfig`).
    pub what: &'static str,
    /// What it is for.
    #[cfg(not(target_arch = "wasm32"))]
    pub doc: &'static str,
    /// The table whose fields it has too.
    pub extends: Option<&'static Table>,
    /// Its own fields.
    pub fields: &'static [&'static Field],
}

impl Table {
    /// The field `key` of this table or of the one it extends.
    pub fn field(&self, key: &str) -> Option<&'static Field> {
        let own = self.fields.iter().copied().find(|f| f.key == key);
        own.or_else(|| self.extends.and_then(|t| t.field(key)))
    }

    /// Whether `key` is a field of this table or of the one it extends.
    pub fn has(&self, key: &str) -> bool {
        self.field(key).is_some()
    }

    /// Every key, the extended table's first, separated by `", "` (for error messages).
    pub fn keys(&self) -> String {
        let mut out = self.extends.map(Table::keys).unwrap_or_default();
        for f in self.fields {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(f.key);
        }
        out
    }
}

/// Declares a table: a module holding one [`Field`] constant per option and `TABLE`.
macro_rules! table {
    (
        $(#[doc = $doc:literal])*
        $module:ident: $name:literal, $what:literal $(, extends $parent:path)? {
            $(
                $(#[doc = $fdoc:literal])*
                $konst:ident = $key:literal: $ty:expr, $cli:expr $(, $flag:ident)?;
            )*
        }
    ) => {
        $(#[doc = $doc])*
        pub mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[doc = $fdoc])*
                pub const $konst: &Field = &Field {
                    key: $key,
                    ty: table!(@ty $ty $(, $flag)?),
                    required: table!(@required $($flag)?),
                    #[cfg(not(target_arch = "wasm32"))]
                    doc: concat!($($fdoc),*),
                    #[cfg(not(target_arch = "wasm32"))]
                    cli: $cli,
                };
            )*
            /// The table.
            pub const TABLE: &Table = &Table {
                #[cfg(any(not(target_arch = "wasm32"), debug_assertions))]
                name: $name,
                #[cfg(not(target_arch = "wasm32"))]
                id: stringify!($module),
                what: $what,
                #[cfg(not(target_arch = "wasm32"))]
                doc: concat!($($doc),*),
                extends: table!(@extends $($parent)?),
                fields: &[$($konst),*],
            };
        }
    };
    // `node`: the Node entry's field (module docs).
    (@ty $ty:expr, node) => {
        if cfg!(target_arch = "wasm32") { $ty.outside_node() } else { $ty }
    };
    (@ty $ty:expr $(, $flag:ident)?) => { $ty };
    (@required) => { false };
    (@required required) => { true };
    (@required node) => { false };
    (@extends) => { None };
    (@extends $parent:path) => { Some($parent) };
}

#[cfg(not(target_arch = "wasm32"))]
use Cli::{Absent, Flag};
use Ty::*;

#[cfg(not(target_arch = "wasm32"))]
const ON_THE_CLIENT: Cli = Absent("the CLI sets it on the client (its client flags)");
#[cfg(not(target_arch = "wasm32"))]
const NO_BATCH_COMMAND: Cli = Absent("the CLI has no batch command");
#[cfg(not(target_arch = "wasm32"))]
const SERVERS_ONLY: Cli = Absent("verifyWebhook is for servers receiving webhooks");
#[cfg(not(target_arch = "wasm32"))]
const GATEWAYS_ONLY: Cli =
    Absent("verifyProxyToken is for the gateway in front of Baseten (a Worker)");
#[cfg(not(target_arch = "wasm32"))]
const NOT_A_FLAG: Cli = Absent("a JavaScript value; Ctrl-C aborts the CLI's calls");

table! {
    /// Options of `new Baseten(...)`.
    client: "BasetenOptions", "options" {
        /// The Baseten API key. Required unless `baseUrl` or `openaiBaseUrl` points elsewhere.
        API_KEY = "apiKey": Str, Absent("read from $BASETEN_API_KEY, never from the command line");
        /// How the key is sent: `Authorization: Bearer <key>` (default) or `Api-Key <key>` (the legacy
        /// scheme, which Frontier Gateway federated keys need).
        AUTH_SCHEME = "authScheme": OneOf(&["bearer", "api-key"]), Flag("auth-scheme");
        /// The model id: `https://model-{modelId}.api.baseten.co`.
        MODEL_ID = "modelId": Str, Flag("model-id");
        /// The chain id: `https://chain-{chainId}.api.baseten.co` (predict maps to run_remote).
        CHAIN_ID = "chainId": Str, Flag("chain-id");
        /// A named environment: `.../environments/{environment}/...` (default: production).
        ENVIRONMENT = "environment": Str, Flag("environment");
        /// A pinned deployment: `.../deployment/{deployment}/...`.
        DEPLOYMENT = "deployment": Str, Flag("deployment");
        /// The development deployment: `.../development/...`.
        DEVELOPMENT = "development": Bool, Flag("development");
        /// The production shorthand: `.../production/...`.
        PRODUCTION = "production": Bool, Flag("production");
        /// A regional environment host: `https://model-{id}-{region}.api.baseten.co/{endpoint}`.
        REGION = "region": Str, Flag("region");
        /// Replaces `https://model-{id}.api.baseten.co` (an origin with an optional path prefix).
        BASE_URL = "baseUrl": Str, Flag("base-url");
        /// Base of the OpenAI-compatible calls; defaults to the model's `.../sync/v1`, or without a
        /// model, chain or base URL to Baseten's Model APIs, `https://inference.baseten.co/v1`.
        OPENAI_BASE_URL = "openaiBaseUrl": Str, Flag("openai-base-url");
        /// Extra headers sent with every request.
        HEADERS = "headers": Headers, Flag("header");
        /// A fetch-compatible function to use instead of the global `fetch`.
        FETCH = "fetch": Fetch, Absent("a JavaScript function");
        /// How requests are sent: `"fetch"` (the global `fetch`, or the `fetch` given), or `"node"`:
        /// the package's own HTTP/2 client on Node's sockets (h2 over TLS by ALPN, several
        /// connections, many streams each) with `node:http(s)` keep-alive where the server has no
        /// HTTP/2. Default: `"node"` when the
        /// package is imported in Node and no `fetch` is given, `"fetch"` everywhere else (browsers,
        /// workers, Deno, Bun); `"node"` exists only in Node.
        TRANSPORT = "transport": OneOf(&["fetch", "node"]), Flag("transport"), node;
        /// With `transport: "node"`: HTTP/2 without TLS for `http://` URLs, by prior knowledge (h2c),
        /// for a local server that speaks it (otherwise `http://` goes over HTTP/1.1).
        H2C = "h2c": Bool, Flag("h2c"), node;
        /// With `transport: "node"`: certificate authorities (PEM) trusted for `https://` besides
        /// Node's own (a self-signed test server; `NODE_EXTRA_CA_CERTS` works too).
        CA = "ca": Str, Absent("PEM text: give the CLI a certificate authority by NODE_EXTRA_CA_CERTS=<file>"), node;
        /// Overall deadline of a call (default 600000 for non-streaming calls).
        TIMEOUT_MS = "timeoutMs": Millis, Flag("timeout");
        /// Deadline for the response headers of streaming calls.
        HEADERS_TIMEOUT_MS = "headersTimeoutMs": Millis, Flag("headers-timeout");
        /// Longest silence between two chunks of a stream, or of an error response's body (default 300000 for streams).
        IDLE_TIMEOUT_MS = "idleTimeoutMs": Millis, Flag("idle-timeout");
        /// Retries of a failed request (0..10, default 2): 408, 409, 429, 5xx and connection errors.
        MAX_RETRIES = "maxRetries": Num, Flag("max-retries");
        /// The largest server-sent event a stream accepts (default 16 MiB).
        MAX_EVENT_BYTES = "maxEventBytes": Num, Flag("max-event-bytes");
    }
}

table! {
    /// Per-call options accepted by every method.
    call: "CallOptions", "options" {
        /// Aborts the call.
        SIGNAL = "signal": Signal, NOT_A_FLAG;
        /// Overall deadline of this call.
        TIMEOUT_MS = "timeoutMs": Millis, ON_THE_CLIENT;
        /// Deadline for the response headers.
        HEADERS_TIMEOUT_MS = "headersTimeoutMs": Millis, ON_THE_CLIENT;
        /// Longest silence between two chunks of a stream, or of an error body.
        IDLE_TIMEOUT_MS = "idleTimeoutMs": Millis, ON_THE_CLIENT;
        /// Extra headers of this call (they replace the client's of the same name).
        HEADERS = "headers": Headers, ON_THE_CLIENT;
        /// Retries of this call (0..10).
        MAX_RETRIES = "maxRetries": Num, ON_THE_CLIENT;
    }
}

table! {
    /// Options of `sync(...)`.
    sync: "SyncOptions", "options", extends call::TABLE {
        /// Resolve to a `ByteStream` instead of parsed JSON.
        STREAM = "stream": Bool, Flag("stream");
    }
}

table! {
    /// Baseten's retries of an async request's inference.
    retry_config: "InferenceRetryConfig", "inferenceRetryConfig" {
        /// Attempts of the inference, 1..10.
        MAX_ATTEMPTS = "maxAttempts": Num, Flag("max-attempts");
        /// Milliseconds before the first retry, 0..10000.
        INITIAL_DELAY_MS = "initialDelayMs": Num, Flag("initial-delay");
        /// Longest milliseconds between retries, 0..60000.
        MAX_DELAY_MS = "maxDelayMs": Num, Flag("max-delay");
    }
}

table! {
    /// Options of `asyncPredict(...)`; ranges are checked before sending.
    async_predict: "AsyncPredictOptions", "options", extends call::TABLE {
        /// Where Baseten posts the result: an https URL (plain http only to 127.0.0.1, localhost or [::1]).
        WEBHOOK_ENDPOINT = "webhookEndpoint": Str, Flag("webhook");
        /// 0..2, lower runs first.
        PRIORITY = "priority": Ints(&[0, 1, 2]), Flag("priority");
        /// Longest time in the queue, in seconds, 10..259200.
        MAX_TIME_IN_QUEUE_SECONDS = "maxTimeInQueueSeconds": Num, Flag("max-time-in-queue");
        /// Baseten's retries of the inference.
        INFERENCE_RETRY_CONFIG = "inferenceRetryConfig": Table(retry_config::TABLE), Absent("its fields have flags of their own");
    }
}

table! {
    /// Options of `waitForAsyncRequest(...)`.
    wait: "WaitOptions", "options" {
        /// Stops waiting.
        SIGNAL = "signal": Signal, NOT_A_FLAG;
        /// First polling interval (default 1000); it grows 1.5x per poll.
        POLL_INTERVAL_MS = "pollIntervalMs": Millis, Flag("poll-interval");
        /// Longest polling interval (default 10000).
        MAX_POLL_INTERVAL_MS = "maxPollIntervalMs": Millis, Flag("max-poll-interval");
        /// Give up after this long.
        TIMEOUT_MS = "timeoutMs": Millis, Flag("wait-timeout");
    }
}

table! {
    /// Options of the batch calls (`batchPost`, `embed`, `rerank`, `classify`, `predictTokens`), with the
    /// semantics of Baseten's performance client.
    batch: "BatchOptions", "options" {
        /// Requests in flight at once (1..1024, default 128).
        MAX_CONCURRENT_REQUESTS = "maxConcurrentRequests": Num, NO_BATCH_COMMAND;
        /// Items per request (1..1024, default 128; at most 128 for `embed`, `rerank`, `classify` and `predictTokens`, the embedding server's limit).
        BATCH_SIZE = "batchSize": Num, NO_BATCH_COMMAND;
        /// Characters per request (50..256000); a longer item goes alone.
        MAX_CHARS_PER_REQUEST = "maxCharsPerRequest": Num, NO_BATCH_COMMAND;
        /// Timeout of each request.
        TIMEOUT_MS = "timeoutMs": Millis, NO_BATCH_COMMAND;
        /// Timeout of the whole call.
        TOTAL_TIMEOUT_MS = "totalTimeoutMs": Millis, NO_BATCH_COMMAND;
        /// Retries of one request (0..10; default: the client's `maxRetries`), within the retry budget.
        MAX_RETRIES = "maxRetries": Num, NO_BATCH_COMMAND;
        /// Retries the whole call may spend, as a share of its requests (default 0.05).
        RETRY_BUDGET = "retryBudget": Num, NO_BATCH_COMMAND;
        /// Send a duplicate of a request unanswered after this long (>= 45 ms); first answer wins. Duplicates do not count against `maxConcurrentRequests`.
        HEDGE_DELAY_MS = "hedgeDelayMs": Millis, NO_BATCH_COMMAND;
        /// Duplicates the call may send, as a share of its requests (default 0.10).
        HEDGE_BUDGET = "hedgeBudget": Num, NO_BATCH_COMMAND;
        /// Collect per-request errors instead of failing on the first one.
        COLLECT_ERRORS = "collectErrors": Bool, NO_BATCH_COMMAND;
        /// Called after each request with (done, total).
        ON_PROGRESS = "onProgress": Progress, NO_BATCH_COMMAND;
        /// Aborts the whole call.
        SIGNAL = "signal": Signal, NO_BATCH_COMMAND;
        /// Extra headers of every request.
        HEADERS = "headers": Headers, NO_BATCH_COMMAND;
    }
}

table! {
    /// Options of `embed(...)`: `POST {openai base}/embeddings`.
    embed: "EmbedOptions", "options", extends batch::TABLE {
        /// The `model` field.
        MODEL = "model": Str, NO_BATCH_COMMAND, required;
        /// The `dimensions` field.
        DIMENSIONS = "dimensions": Num, NO_BATCH_COMMAND;
        /// The `encoding_format` field.
        ENCODING_FORMAT = "encodingFormat": OneOf(&["float", "base64"]), NO_BATCH_COMMAND;
        /// The `user` field.
        USER = "user": Str, NO_BATCH_COMMAND;
    }
}

table! {
    /// Options of `classify(...)` and `predictTokens(...)`: `POST .../predict` and
    /// `.../predict_tokens` of the embedding server.
    classify: "ClassifyOptions", "options", extends batch::TABLE {
        /// The `raw_scores` field.
        RAW_SCORES = "rawScores": Bool, NO_BATCH_COMMAND;
        /// The `truncate` field.
        TRUNCATE = "truncate": Bool, NO_BATCH_COMMAND;
        /// The `truncation_direction` field.
        TRUNCATION_DIRECTION = "truncationDirection": OneOf(&["Left", "Right"]), NO_BATCH_COMMAND;
    }
}

table! {
    /// Options of `rerank(...)`: `POST .../rerank`; the classify options, and `returnText`.
    rerank: "RerankOptions", "options", extends classify::TABLE {
        /// The `return_text` field.
        RETURN_TEXT = "returnText": Bool, NO_BATCH_COMMAND;
    }
}

// Full build only: the chat build has no sockets.
#[cfg(feature = "full")]
table! {
    /// Options of `websocket(...)`: the socket to `.../websocket` of the client's model or chain.
    websocket: "WebSocketOptions", "options" {
        /// Aborts the connection attempt; once open, closes the socket (code 1000) and ends its messages with an `AbortError`.
        SIGNAL = "signal": Signal, NOT_A_FLAG;
        /// Deadline for the socket to open (default 30000): a `TimeoutError` with code `connect_timeout`.
        CONNECT_TIMEOUT_MS = "connectTimeoutMs": Millis, Flag("connect-timeout");
        /// Extra headers of the upgrade request (they replace the client's of the same name); never in a browser.
        HEADERS = "headers": Headers, ON_THE_CLIENT;
        /// A proxy token (`mintProxyToken`) for the proxy Worker, in place of `apiKey`: sent as `Authorization: Bearer` where the runtime sends headers, and by a browser as the subprotocols `baseten-proxy` and `baseten-proxy-token.<token>`, which the Worker reads.
        PROXY_TOKEN = "proxyToken": Str, Absent("the CLI reads it from $BASETEN_PROXY_TOKEN, never from the command line (where process listings show it)");
        /// A WebSocket class to use, called `new WebSocket(url, { headers })`: the `ws` package's (Node 20 and 21 have no WebSocket of their own) or undici's.
        WEB_SOCKET = "WebSocket": SocketClass, Absent("the CLI uses the `ws` package when it is installed, else the runtime's WebSocket");
    }
}

table! {
    /// Options of `verifyWebhook`.
    webhook: "VerifyWebhookOptions", "options" {
        /// Largest distance between the payload's `time` and now, in seconds (default 300; `Infinity` skips the check).
        TOLERANCE_SECONDS = "toleranceSeconds": Limit, SERVERS_ONLY;
        /// "Now", as a `Date` or epoch milliseconds (default `Date.now()`).
        NOW = "now": Time, SERVERS_ONLY;
    }
}

table! {
    /// Options of `verifyProxyToken`.
    proxy_token: "VerifyProxyTokenOptions", "options" {
        /// "Now", as a `Date` or epoch milliseconds (default `Date.now()`).
        NOW = "now": Time, GATEWAYS_ONLY;
        /// Clock skew allowed on the token's `exp`, in seconds (default 30).
        SKEW_SECONDS = "skewSeconds": Num, GATEWAYS_ONLY;
    }
}

/// The tables of the chat build (`--no-default-features`): the others belong to the full
/// build's calls.
pub const EVERY_BUILD: &[&Table] = &[client::TABLE, call::TABLE];

/// Every table, in the order the TypeScript declarations list them.
pub const TABLES: &[&Table] = &[
    client::TABLE,
    call::TABLE,
    sync::TABLE,
    retry_config::TABLE,
    async_predict::TABLE,
    wait::TABLE,
    batch::TABLE,
    embed::TABLE,
    classify::TABLE,
    rerank::TABLE,
    webhook::TABLE,
    proxy_token::TABLE,
    #[cfg(feature = "full")]
    websocket::TABLE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extended_table_has_its_parents_fields_first() {
        assert!(rerank::TABLE.has("returnText"));
        assert!(rerank::TABLE.has("rawScores"), "from classify");
        assert!(rerank::TABLE.has("batchSize"), "from batch");
        assert!(!rerank::TABLE.has("model"), "embed's, not rerank's");
        assert_eq!(
            sync::TABLE.keys(),
            "signal, timeoutMs, headersTimeoutMs, idleTimeoutMs, headers, maxRetries, stream"
        );
        assert_eq!(async_predict::TABLE.field("signal"), Some(call::SIGNAL));
    }

    #[test]
    fn keys_are_unique_within_each_table() {
        for table in TABLES {
            let keys = table.keys();
            let list: Vec<&str> = keys.split(", ").collect();
            for (i, k) in list.iter().enumerate() {
                assert!(!list[..i].contains(k), "{}: {k} twice", table.name);
            }
        }
    }

    #[test]
    fn the_wasm_builds_see_a_node_field_as_what_every_runtime_accepts_of_it() {
        assert_eq!(OneOf(&["fetch", "node"]).outside_node(), Node(&["fetch"]));
        assert_eq!(Bool.outside_node(), Node(&[]));
        assert_eq!(Str.outside_node(), Node(&[]));
        // On the host (the generator) the fields keep their types.
        assert_eq!(client::TRANSPORT.ty, OneOf(&["fetch", "node"]));
        assert_eq!(client::H2C.ty, Bool);
        assert_eq!(client::CA.ty, Str);
        assert!(Node(&[]).expected().contains("the Node transport"));
    }

    #[test]
    fn expected_types_read_as_english() {
        assert_eq!(
            Ty::OneOf(&["bearer", "api-key"]).expected(),
            r#""bearer" or "api-key""#
        );
        assert_eq!(Ty::OneOf(&["a", "b", "c"]).expected(), r#""a", "b" or "c""#);
        assert_eq!(Ty::Millis.expected(), "a number of milliseconds >= 0");
    }
}
