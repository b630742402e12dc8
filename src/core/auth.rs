//! The API key, the `Authorization` scheme and user-supplied extra headers.
//!
//! The key is checked once, when the client is built, so that it can go into a header as is; it is
//! never printed: `Debug` and `Display` show `ApiKey([REDACTED])`, and no error message holds it.

use crate::core::error::Error;
use std::fmt;

/// The longest API key accepted, in bytes.
pub const MAX_KEY_LEN: usize = 4096;

/// How the key is sent in the `Authorization` header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>`, the current scheme (the default).
    #[default]
    Bearer,
    /// `Authorization: Api-Key <key>`, Baseten's legacy scheme, accepted on every endpoint.
    ApiKey,
}

impl AuthScheme {
    /// Parses `"bearer"` or `"api-key"` (any case; `"apikey"` and `"api_key"` are also
    /// accepted). Anything else is a configuration error.
    pub fn parse(s: &str) -> Result<AuthScheme, Error> {
        match s.to_ascii_lowercase().as_str() {
            "bearer" => Ok(AuthScheme::Bearer),
            "api-key" | "apikey" | "api_key" => Ok(AuthScheme::ApiKey),
            _ => Err(Error::config(
                "authScheme must be \"bearer\" or \"api-key\"",
            )),
        }
    }

    /// The word that precedes the key: `Bearer` or `Api-Key`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthScheme::Bearer => "Bearer",
            AuthScheme::ApiKey => "Api-Key",
        }
    }
}

/// An API key that is safe to put in a header and is never printed.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks and stores a key. Surrounding spaces and tabs are trimmed; the rest must be 1 to
    /// [`MAX_KEY_LEN`] visible ASCII characters (`!` to `~`), so control characters (CR, LF,
    /// NUL, ...) anywhere, inner spaces and non-ASCII are refused. Error messages never contain
    /// the key.
    pub fn new(key: &str) -> Result<ApiKey, Error> {
        let key = super::trim_ascii(key, b" \t", true, true);
        if key.is_empty() {
            return Err(Error::config("apiKey is empty"));
        }
        if key.len() > MAX_KEY_LEN {
            return Err(Error::config(format!(
                "apiKey is longer than {MAX_KEY_LEN} characters"
            )));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::config(
                "apiKey contains a character not allowed in a header: only visible ASCII is \
                 accepted (no spaces, control characters or non-ASCII)",
            ));
        }
        Ok(ApiKey(key.to_string()))
    }

    /// The `Authorization` header value: `Bearer <key>` or `Api-Key <key>`.
    pub fn header_value(&self, scheme: AuthScheme) -> String {
        format!("{} {}", scheme.as_str(), self.0)
    }

    /// The key itself, only to pass to [`Error::redact`].
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

/// Validates a user-supplied extra header. The name must be an RFC 7230 token (`!#$%&'*+-.^_`|~`,
/// letters and digits); the value must be ASCII with no control characters other than tab (so
/// no CR, LF or NUL). `Authorization` is allowed: an extra header of that name overrides the
/// one built from the key. Errors name the header (when the name itself is valid) and never echo
/// the value.
pub fn validate_header(name: &str, value: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::config("header name is empty"));
    }
    if !name.bytes().all(is_tchar) {
        return Err(Error::config(
            "header name is not a valid HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)",
        ));
    }
    if !value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        // The name is a token here (no `"` or `\`), so quoting it by hand gives what `{name:?}`
        // would, without linking core's Debug escaping and its Unicode tables.
        return Err(Error::config(format!(
            "header \"{name}\" has a value with a control character (CR, LF, NUL, ...) or \
             non-ASCII character"
        )));
    }
    Ok(())
}

/// An RFC 7230 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The secret an extra header carries, when it is one that carries credentials
/// (`Authorization`, `Proxy-Authorization`, `Api-Key`, `X-Api-Key`): its value without a
/// leading scheme word (`Bearer sk-...` gives `sk-...`). Errors are scrubbed of it as they are
/// of the API key, for a key passed in `headers` (to a gateway, say) rather than in `apiKey`.
pub fn header_secret<'a>(name: &str, value: &'a str) -> Option<&'a str> {
    let credential = [
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
    ]
    .iter()
    .any(|n| n.eq_ignore_ascii_case(name));
    if !credential {
        return None;
    }
    let value = value.trim();
    let secret = match value.split_once(' ') {
        Some((_scheme, rest)) if name.to_ascii_lowercase().ends_with("authorization") => {
            rest.trim()
        }
        _ => value,
    };
    (!secret.is_empty()).then_some(secret)
}
