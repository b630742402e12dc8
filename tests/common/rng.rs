//! The seeded pseudo-random numbers of the host tests and the fuzz crate: Marsaglia's
//! xorshift64 (shifts 13, 7, 17). A seed fixes the sequence, so a failing case replays.

// Not every crate that includes this file uses every method.
#![allow(dead_code)]

/// A xorshift64 generator; its state must not be 0 (0 maps to 0 for ever).
pub struct Rng(pub u64);

impl Rng {
    /// The next state, which is also the number drawn.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One of `items`, which must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
