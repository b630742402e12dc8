//! Sans-IO building blocks shared by every transport. Nothing here touches the network or JS.

pub mod accumulator;
#[cfg(feature = "full")]
pub mod async_predict;
pub mod auth;
#[cfg(feature = "full")]
pub mod batch;
pub mod chat_stream;
pub mod error;
pub mod error_response;
pub mod json;
pub mod options;
#[cfg(feature = "full")]
pub mod proxy_token;
pub mod response_accumulator;
pub mod responses;
pub mod retry;
pub mod sse;
pub mod time;
pub mod url;
#[cfg(feature = "full")]
pub mod webhook;

/// The byte offset of the first `needle` in `haystack`, as `haystack.find(needle)`. A plain
/// search: the texts searched are short (error messages, headers, URLs), and `str::find` with a
/// string pattern costs 2 KB of wasm (its two-way searcher).
pub(crate) fn find_str(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..].starts_with(n))
}

/// `s` without its leading (when `start`) and trailing (when `end`) bytes of `set`, which holds
/// only ASCII characters: `s.trim_matches(..)`, `trim_start_matches` or `trim_end_matches` with
/// those characters, in one function (each pattern type makes a copy of the std ones).
pub(crate) fn trim_ascii<'a>(s: &'a str, set: &[u8], start: bool, end: bool) -> &'a str {
    let b = s.as_bytes();
    let (mut i, mut j) = (0, b.len());
    while start && i < j && set.contains(&b[i]) {
        i += 1;
    }
    while end && j > i && set.contains(&b[j - 1]) {
        j -= 1;
    }
    // ASCII bytes are never inside a UTF-8 sequence: `i..j` is on character boundaries.
    s.get(i..j).unwrap_or_default()
}

/// ` `, `\t`, `\n` and `\r`: what the stream rules trim from event data.
pub(crate) const BLANK: &[u8] = b" \t\n\r";

#[cfg(test)]
mod tests {
    use super::{find_str, trim_ascii, BLANK};

    #[test]
    fn trim_ascii_is_str_trim() {
        let blank = [' ', '\t', '\n', '\r'];
        for s in [
            "",
            " ",
            " \t\r\n",
            "a",
            " a ",
            "\n\té \u{a0}\r",
            "\u{2003}x\u{2003}",
            "//a/b//",
        ] {
            assert_eq!(
                trim_ascii(s, BLANK, true, true),
                s.trim_matches(blank),
                "{s:?}"
            );
            assert_eq!(
                trim_ascii(s, BLANK, false, true),
                s.trim_end_matches(blank),
                "{s:?}"
            );
            assert_eq!(
                trim_ascii(s, b"/", true, false),
                s.trim_start_matches('/'),
                "{s:?}"
            );
            assert_eq!(
                trim_ascii(s, b"/", false, true),
                s.trim_end_matches('/'),
                "{s:?}"
            );
        }
    }

    #[test]
    fn find_str_is_str_find() {
        for (h, n) in [
            ("", ""),
            ("abc", ""),
            ("", "a"),
            ("abc", "abc"),
            ("ab", "abc"),
            ("aaab", "aab"),
            ("x://y://z", "://"),
            ("héllo wörld", "wö"),
            ("text/event-stream; json", "json"),
        ] {
            assert_eq!(find_str(h, n), h.find(n), "{h:?} {n:?}");
        }
    }
}
