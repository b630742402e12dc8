// @ts-check
// The HPACK Huffman code (RFC 7541 Appendix B) and its codec: a table-driven decoder (a 4-bit
// state machine built once at load) and an encoder. Used by hpack.cjs.
//
// The code is canonical (codes are assigned in order of bit length, then symbol), so the bit
// lengths below define it fully; the codes are derived from them at load. The lengths were taken
// from the h2 crate's ENCODE_CODE_LENGTHS (src/hpack/huffman/table.rs, itself generated from
// Appendix B), with EOS (symbol 256, 30 bits, all ones) added; the derived codes were checked
// there against h2's ENCODE_CODES and are spot-checked against Appendix B in
// tests/node/hpack.test.mjs.
"use strict";

/** Bit length of the code of each symbol 0..256 (256 is EOS). RFC 7541 Appendix B. */
// prettier-ignore
const LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28,
  28, 28, 28, 28, 28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5,
  5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, 15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6,
  6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, 20, 22, 20, 20, 22, 22, 22, 23, 22,
  23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, 22,
  21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20,
  22, 22, 22, 23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19,
  21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22,
  22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];
const EOS = 256;

/** The code of each symbol, right-aligned (canonical assignment from LENGTHS). */
const CODES = new Uint32Array(257);
{
  const order = Array.from({ length: 257 }, (_, s) => s).sort((a, b) => LENGTHS[a] - LENGTHS[b] || a - b);
  let code = 0;
  for (let i = 0; i < order.length; i++) {
    if (i > 0) code = (code + 1) * 2 ** (LENGTHS[order[i]] - LENGTHS[order[i - 1]]);
    CODES[order[i]] = code;
  }
}

// Decoder: the states are the 256 internal nodes of the code tree (0 is the root). For a state
// and the next 4 input bits, DECODE holds: the next state (bits 0-7), the symbol completed on the
// way if any (bits 8-15, with EMIT; codes are at least 5 bits long, so at most one per nibble),
// ACCEPT when the next state may end a string (the root, or at most 7 one-bits of padding into
// the code, a prefix of EOS), and FAIL when the bits reach EOS (a decoding error in a string).
const EMIT = 1 << 16;
const ACCEPT = 1 << 17;
const FAIL = 1 << 18;
const DECODE = new Uint32Array(256 * 16);
{
  // The tree: child >= 0 is an internal node, child < 0 is the leaf of symbol ~child.
  const zero = new Int32Array(256);
  const one = new Int32Array(256);
  let nodes = 1;
  for (let sym = 0; sym <= EOS; sym++) {
    let node = 0;
    for (let bit = LENGTHS[sym] - 1; bit >= 0; bit--) {
      const side = Math.floor(CODES[sym] / 2 ** bit) & 1 ? one : zero;
      if (bit === 0) side[node] = ~sym;
      else if (side[node] > 0) node = side[node];
      else node = side[node] = nodes++;
    }
  }
  const accept = new Uint8Array(256);
  for (let node = 0, depth = 0; depth <= 7; depth++, node = one[node]) accept[node] = 1;
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let entry = 0;
      for (let bit = 3; bit >= 0; bit--) {
        const child = (nibble >> bit) & 1 ? one[node] : zero[node];
        if (child >= 0) {
          node = child;
        } else if (~child === EOS) {
          entry = FAIL;
          break;
        } else {
          entry = EMIT | (~child << 8);
          node = 0;
        }
      }
      DECODE[(state << 4) | nibble] = entry | node | (accept[node] ? ACCEPT : 0);
    }
  }
}

/**
 * Decodes the Huffman-coded bytes src[start..end) into out (which must hold floor((end - start)
 * * 8 / 5) bytes). Returns the decoded length, -1 if the bits contain EOS, -2 if the padding is
 * longer than 7 bits or not all ones.
 * @param {Uint8Array} src
 * @param {number} start
 * @param {number} end
 * @param {Uint8Array} out
 */
function huffmanDecode(src, start, end, out) {
  let state = 0;
  let entry = ACCEPT;
  let n = 0;
  for (let i = start; i < end; i++) {
    const byte = src[i];
    entry = DECODE[(state << 4) | (byte >> 4)];
    if (entry & EMIT) out[n++] = entry >> 8;
    entry = DECODE[((entry & 0xff) << 4) | (byte & 15)] | (entry & FAIL);
    if (entry & EMIT) out[n++] = entry >> 8;
    if (entry & FAIL) return -1;
    state = entry & 0xff;
  }
  return entry & ACCEPT ? n : -2;
}

/**
 * The length in bytes of the Huffman coding of a latin1 string (chars above 0xff count as their
 * low byte, the way a latin1 write stores them).
 * @param {string} s
 */
function huffmanLength(s) {
  let bits = 0;
  for (let i = 0; i < s.length; i++) bits += LENGTHS[s.charCodeAt(i) & 0xff];
  return (bits + 7) >> 3;
}

/**
 * Writes the Huffman coding of a latin1 string into out at offset (room for huffmanLength(s)
 * bytes is the caller's), padded with one-bits. Returns the offset after it.
 * @param {string} s
 * @param {Uint8Array} out
 * @param {number} offset
 */
function huffmanEncode(s, out, offset) {
  let acc = 0; // fewer than 8 pending bits, then at most 8 + 16 while pushing
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const sym = s.charCodeAt(i) & 0xff;
    let len = LENGTHS[sym];
    const code = CODES[sym];
    if (len > 16) {
      acc = (acc << (len - 16)) | (code >>> 16);
      bits += len - 16;
      while (bits >= 8) out[offset++] = acc >> (bits -= 8);
      acc &= (1 << bits) - 1;
      len = 16;
    }
    acc = (acc << len) | (code & 0xffff);
    bits += len;
    while (bits >= 8) out[offset++] = acc >> (bits -= 8);
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out[offset++] = (acc << (8 - bits)) | (0xff >> bits);
  return offset;
}

module.exports = { huffmanDecode, huffmanEncode, huffmanLength, CODES, LENGTHS };
