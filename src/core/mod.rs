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

#[cfg(test)]
mod tests {
    use super::find_str;

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
