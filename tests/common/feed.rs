//! Drives a pull decoder (the SSE decoder, the chat and Responses streams) over pieces of input as its users
//! do: push a piece, take every item it has ready, stop at the first error; at the end, call
//! `finish` until it has nothing more. Shared by the host tests and the fuzz crate.

// Not every crate that includes this file uses every decoder.
#![allow(dead_code)]

use baseten_edge::core::chat_stream::{ChatChunk, ChatStreamRules};
use baseten_edge::core::error::Error;
use baseten_edge::core::responses::{ResponseEvent, ResponseStreamRules};
use baseten_edge::core::sse::{SseDecoder, SseEvent};

/// A decoder fed bytes and read one item at a time.
pub trait Pull {
    type Item;
    fn push_bytes(&mut self, bytes: &[u8]);
    fn next_item(&mut self) -> Option<Result<Self::Item, Error>>;
    fn finish_item(&mut self) -> Result<Option<Self::Item>, Error>;
}

/// Implements `Pull` for a decoder whose methods are `push`, `$next` and `finish`.
macro_rules! pull {
    ($decoder:ty, $item:ty, $next:ident) => {
        impl Pull for $decoder {
            type Item = $item;
            fn push_bytes(&mut self, bytes: &[u8]) {
                self.push(bytes);
            }
            fn next_item(&mut self) -> Option<Result<$item, Error>> {
                self.$next()
            }
            fn finish_item(&mut self) -> Result<Option<$item>, Error> {
                self.finish()
            }
        }
    };
}

pull!(SseDecoder, SseEvent, next_event);
pull!(ChatStreamRules, ChatChunk, next_chunk);
pull!(ResponseStreamRules, ResponseEvent, next_event);

/// The items `pieces` decode to and how the decoding ended. Asserts that `finish` called once
/// more repeats that end: the outcome is sticky.
pub fn feed<'a, D: Pull>(
    decoder: &mut D,
    pieces: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<D::Item>, Result<(), Error>) {
    let mut items = Vec::new();
    let mut end = None;
    'feed: for piece in pieces {
        decoder.push_bytes(piece);
        while let Some(r) = decoder.next_item() {
            match r {
                Ok(item) => items.push(item),
                Err(e) => {
                    end = Some(Err(e));
                    break 'feed;
                }
            }
        }
    }
    let end = end.unwrap_or_else(|| loop {
        match decoder.finish_item() {
            Ok(Some(item)) => items.push(item),
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    });
    assert_eq!(
        decoder.finish_item().map(|_| ()),
        end,
        "finish must repeat its outcome"
    );
    (items, end)
}
