// @ts-check
// HPACK (RFC 7541), the header codec of the Node HTTP/2 transport (h2_connection.cjs).
//
// - HpackDecoder: decodes complete header blocks (HEADERS + CONTINUATION payloads joined) into a
//   flat [name, value, ...] array, keeping the dynamic table across blocks of one connection.
//   Any malformed block throws HpackError (an h2 COMPRESSION_ERROR) and nothing else. After an
//   HpackError the decoder's table is in an unknown state: the connection must be torn down
//   (RFC 7541 section 2.1 leaves no way to resynchronise), so the decoder must not be used again.
// - encodeHeaders: encodes a header list without ever touching the dynamic table (static-table
//   indexes, else literals without indexing; sensitive names never indexed), so the peer's
//   SETTINGS_HEADER_TABLE_SIZE never matters and no encoder state exists.
// Names and values are latin1 strings, one char per octet, the way Node's parsers give them.
"use strict";

const { huffmanDecode } = require("./hpack_huffman.cjs");
const { STATIC_NAMES, STATIC_VALUES, STATIC_NAME_INDEX, STATIC_EXACT, STATIC_LENGTH } = require("./hpack_static.cjs");

/**
 * The part of Node's Buffer used here: latin1Slice and latin1Write are Node's (fast, undocumented
 * in @types/node), so the type is spelled out.
 * @typedef {Uint8Array & {
 *   latin1Slice(start: number, end: number): string,
 *   latin1Write(s: string, offset: number, length: number): number,
 *   copy(target: Uint8Array, targetStart: number, sourceStart: number, sourceEnd: number): number,
 * }} Buf
 * @typedef {{
 *   allocUnsafe(size: number): Buf,
 *   from(buffer: ArrayBufferLike, byteOffset: number, length: number): Buf,
 *   isBuffer(value: unknown): value is Buf,
 * }} BufferClass
 */
const NodeBuffer = /** @type {BufferClass} */ (/** @type {any} */ (globalThis).Buffer);

/** A malformed header block: an HTTP/2 COMPRESSION_ERROR (the connection must be closed). */
class HpackError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(`HPACK: ${message}`);
    this.name = "HpackError";
    this.code = "ERR_HPACK";
  }
}

/** 128^k for the continuation bytes of an integer (at most 5: values stay below 2^31). */
const POW7 = [1, 128, 16384, 2097152, 268435456];
const MAX_INT = 0x7fffffff;
/** RFC 7541 section 4.1: an entry's size is its name and value octets plus 32. */
const ENTRY_OVERHEAD = 32;

class HpackDecoder {
  /**
   * @param {number} [maxTableSize] the SETTINGS_HEADER_TABLE_SIZE this endpoint advertised: the
   *   largest dynamic table size update the peer may send (RFC 7541 section 6.3).
   * @param {number} [maxListSize] the largest decoded header list (name + value + 32 per field,
   *   as SETTINGS_MAX_HEADER_LIST_SIZE counts) before decode throws: bounds what a small block of
   *   repeated indexes can expand to.
   */
  constructor(maxTableSize = 4096, maxListSize = 1 << 20) {
    if (!Number.isInteger(maxTableSize) || maxTableSize < 0 || maxTableSize > MAX_INT) {
      throw new RangeError(`maxTableSize must be an integer in 0..2^31-1, got ${maxTableSize}`);
    }
    this._max = maxTableSize;
    this._maxList = maxListSize;
    /** The current limit (the last size update, at most _max), and the table's size in octets. */
    this._limit = maxTableSize;
    this._size = 0;
    // The dynamic table: a ring of 2^k slots, oldest entry at _start, _count entries.
    /** @type {string[]} */
    this._names = new Array(16);
    /** @type {string[]} */
    this._values = new Array(16);
    this._start = 0;
    this._count = 0;
    this._pos = 0;
    this._scratch = NodeBuffer.allocUnsafe(256);
  }

  /** The dynamic table's size in octets (RFC 7541 section 4.1). */
  get tableSize() {
    return this._size;
  }

  /** The dynamic table's entries as [name, value], newest first (index 62 first). */
  get dynamicTable() {
    const mask = this._names.length - 1;
    /** @type {[string, string][]} */
    const entries = [];
    for (let d = 1; d <= this._count; d++) {
      const slot = (this._start + this._count - d) & mask;
      entries.push([this._names[slot], this._values[slot]]);
    }
    return entries;
  }

  /**
   * Decodes one complete header block into [name, value, name, value, ...].
   * @param {Uint8Array} block
   * @returns {string[]}
   */
  decode(block) {
    if (!(block instanceof Uint8Array)) throw new HpackError("the header block is not a Uint8Array");
    const buf = NodeBuffer.isBuffer(block) ? block : NodeBuffer.from(block.buffer, block.byteOffset, block.byteLength);
    const end = buf.length;
    /** @type {string[]} */
    const out = [];
    let listSize = 0;
    this._pos = 0;
    while (this._pos < end) {
      const first = buf[this._pos];
      let name;
      let value;
      if (first & 0x80) {
        // Indexed field (section 6.1).
        const index = this._int(buf, 0x7f);
        if (index === 0) throw new HpackError("index 0 in an indexed field");
        name = this._nameAt(index);
        value = this._valueAt(index);
      } else if ((first & 0xe0) === 0x20) {
        // Dynamic table size update (section 6.3): only before the first field of a block.
        if (out.length > 0) throw new HpackError("a table size update after a field");
        const size = this._int(buf, 0x1f);
        if (size > this._max) throw new HpackError(`a table size update to ${size}, above ${this._max}`);
        this._limit = size;
        this._evict(0);
        continue;
      } else {
        // Literal field (6.2.1 with incremental indexing; 6.2.2 without; 6.2.3 never indexed).
        const index = this._int(buf, first & 0x40 ? 0x3f : 0x0f);
        name = index === 0 ? this._string(buf) : this._nameAt(index);
        value = this._string(buf);
        if (first & 0x40) this._insert(name, value);
      }
      listSize += name.length + value.length + ENTRY_OVERHEAD;
      if (listSize > this._maxList) throw new HpackError(`a header list larger than ${this._maxList} octets`);
      out.push(name, value);
    }
    return out;
  }

  /**
   * Reads an integer with an N-bit prefix (section 5.1) at _pos; mask is 2^N - 1.
   * @param {Buf} buf
   * @param {number} mask
   */
  _int(buf, mask) {
    let pos = this._pos;
    let value = buf[pos++] & mask;
    if (value === mask) {
      for (let k = 0; ; k++) {
        if (k === POW7.length) throw new HpackError("an integer longer than 5 continuation bytes");
        if (pos >= buf.length) throw new HpackError("a truncated integer");
        const byte = buf[pos++];
        value += (byte & 0x7f) * POW7[k];
        if (value > MAX_INT) throw new HpackError("an integer above 2^31-1");
        if (byte < 0x80) break;
      }
    }
    this._pos = pos;
    return value;
  }

  /**
   * Reads a string literal (section 5.2) at _pos.
   * @param {Buf} buf
   */
  _string(buf) {
    if (this._pos >= buf.length) throw new HpackError("a truncated field");
    const huffman = buf[this._pos] & 0x80;
    const length = this._int(buf, 0x7f);
    const start = this._pos;
    if (length > buf.length - start) throw new HpackError("a truncated string");
    this._pos = start + length;
    if (!huffman) return buf.latin1Slice(start, start + length);
    const room = Math.floor((length * 8) / 5);
    if (this._scratch.length < room) this._scratch = NodeBuffer.allocUnsafe(Math.max(room, this._scratch.length * 2));
    const n = huffmanDecode(buf, start, start + length, this._scratch);
    if (n === -1) throw new HpackError("EOS inside a Huffman-coded string");
    if (n < 0) throw new HpackError("Huffman padding longer than 7 bits or not all ones");
    return this._scratch.latin1Slice(0, n);
  }

  /** @param {number} index 1.. (static, then dynamic) */
  _nameAt(index) {
    return index <= STATIC_LENGTH ? STATIC_NAMES[index] : this._names[this._slot(index)];
  }

  /** @param {number} index 1.. (static, then dynamic) */
  _valueAt(index) {
    return index <= STATIC_LENGTH ? STATIC_VALUES[index] : this._values[this._slot(index)];
  }

  /** @param {number} index a dynamic index (above 61) */
  _slot(index) {
    const d = index - STATIC_LENGTH;
    if (d > this._count) throw new HpackError(`index ${index} past the tables (${STATIC_LENGTH + this._count} entries)`);
    return (this._start + this._count - d) & (this._names.length - 1);
  }

  /** Evicts the oldest entries until `room` more octets fit under the limit. @param {number} room */
  _evict(room) {
    const mask = this._names.length - 1;
    while (this._count > 0 && this._size + room > this._limit) {
      const slot = this._start;
      this._size -= this._names[slot].length + this._values[slot].length + ENTRY_OVERHEAD;
      this._names[slot] = this._values[slot] = "";
      this._start = (slot + 1) & mask;
      this._count--;
    }
  }

  /** Inserts an entry (section 4.4: one larger than the limit empties the table).
   * @param {string} name
   * @param {string} value */
  _insert(name, value) {
    const size = name.length + value.length + ENTRY_OVERHEAD;
    this._evict(size);
    if (size > this._limit) return;
    if (this._count === this._names.length) this._grow();
    const slot = (this._start + this._count) & (this._names.length - 1);
    this._names[slot] = name;
    this._values[slot] = value;
    this._count++;
    this._size += size;
  }

  /** Doubles the ring, keeping the entries in order from slot 0. */
  _grow() {
    const old = this._names.length;
    /** @type {string[]} */
    const names = new Array(old * 2);
    /** @type {string[]} */
    const values = new Array(old * 2);
    for (let i = 0; i < this._count; i++) {
      names[i] = this._names[(this._start + i) & (old - 1)];
      values[i] = this._values[(this._start + i) & (old - 1)];
    }
    this._names = names;
    this._values = values;
    this._start = 0;
  }
}

/** Header names sent never indexed by default (section 6.2.3): credentials and cookies. */
const DEFAULT_SENSITIVE = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"]);
/** Reused output space of encodeHeaders (the result is copied out of it). */
let encodeScratch = NodeBuffer.allocUnsafe(4096);

/**
 * Encodes a header list into one header block, never using the dynamic table: an exact static
 * match is an indexed field; anything else a literal without indexing (never indexed for names
 * in `sensitive`), naming the static index when the name is in the static table. Strings are
 * written plain (no Huffman) as latin1: names must be lower-case and values ASCII/latin1 (a
 * fetch Headers object guarantees both; chars above 0xff would be cut to their low byte).
 * @param {string[]} flat [name, value, name, value, ...]
 * @param {ReadonlySet<string>} [sensitive]
 * @returns {Buf}
 */
function encodeHeaders(flat, sensitive = DEFAULT_SENSITIVE) {
  if (flat.length % 2 !== 0) throw new TypeError("encodeHeaders takes [name, value, ...] pairs");
  let bound = 0;
  for (let i = 0; i < flat.length; i++) bound += flat[i].length + 6; // a 5-byte length + a prefix byte
  if (encodeScratch.length < bound) encodeScratch = NodeBuffer.allocUnsafe(Math.max(bound, encodeScratch.length * 2));
  const buf = encodeScratch;
  let pos = 0;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i];
    const value = flat[i + 1];
    let flags = 0x00;
    if (sensitive.has(name)) {
      flags = 0x10;
    } else {
      const index = STATIC_EXACT.get(name)?.get(value);
      if (index !== undefined) {
        pos = writeInt(buf, pos, 0x80, 0x7f, index);
        continue;
      }
    }
    const nameIndex = STATIC_NAME_INDEX.get(name);
    if (nameIndex !== undefined) {
      pos = writeInt(buf, pos, flags, 0x0f, nameIndex);
    } else {
      buf[pos++] = flags;
      pos = writeInt(buf, pos, 0x00, 0x7f, name.length);
      pos += buf.latin1Write(name, pos, name.length);
    }
    pos = writeInt(buf, pos, 0x00, 0x7f, value.length);
    pos += buf.latin1Write(value, pos, value.length);
  }
  const out = NodeBuffer.allocUnsafe(pos);
  buf.copy(out, 0, 0, pos);
  return out;
}

/**
 * Writes an integer with an N-bit prefix (section 5.1) after the flag bits; mask is 2^N - 1.
 * @param {Uint8Array} buf
 * @param {number} pos
 * @param {number} flags
 * @param {number} mask
 * @param {number} value
 */
function writeInt(buf, pos, flags, mask, value) {
  if (value < mask) {
    buf[pos++] = flags | value;
    return pos;
  }
  buf[pos++] = flags | mask;
  value -= mask;
  while (value >= 0x80) {
    buf[pos++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[pos++] = value;
  return pos;
}

module.exports = { HpackDecoder, HpackError, encodeHeaders, DEFAULT_SENSITIVE };
