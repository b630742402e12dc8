// The seeded pseudo-random numbers of the JavaScript tests and the bench: mulberry32. A seed
// fixes the sequence, so a failing case (or a bench input) is made again from its seed.
// Used by tests/differential/diff.mjs and bench/lib/stream-data.mjs. (The Rust tests and the
// fuzz crate have theirs in tests/common/rng.rs.)

/** A generator seeded by `seed` (a 32-bit integer). */
export function rng(seed) {
  let a = seed >>> 0;
  /** A number in [0, 1). */
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** An integer in [0, n). */
  const below = (n) => Math.floor(next() * n);
  return {
    next,
    below,
    /** One of `list`. */
    pick: (list) => list[below(list.length)],
    /** True with probability `p`. */
    chance: (p) => next() < p,
  };
}
