// The HPACK codec of the Node HTTP/2 transport (packaging/hpack.cjs), on its own (no mock, no
// build): the RFC 7541 Appendix C examples byte for byte, the Huffman code against Appendix B,
// encode -> decode round trips, every malformed block an HpackError, and a seeded fuzz loop.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HpackDecoder, HpackError, encodeHeaders } from "../../packaging/hpack.cjs";
import { huffmanEncode, huffmanLength, huffmanDecode, CODES, LENGTHS } from "../../packaging/hpack_huffman.cjs";

const hex = (s) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const DATE1 = "Mon, 21 Oct 2013 20:13:21 GMT";
const DATE2 = "Mon, 21 Oct 2013 20:13:22 GMT";
const URL = "https://www.example.com";
const COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

/** Decodes blocks in order on one decoder, checking the fields, the table and its size after each. */
function run(decoder, steps) {
  for (const [block, fields, table, size] of steps) {
    assert.deepEqual(decoder.decode(hex(block)), fields.flat());
    assert.deepEqual(decoder.dynamicTable, table);
    assert.equal(decoder.tableSize, size);
  }
}

test("C.2: one field of each representation", () => {
  run(new HpackDecoder(), [["400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572",
    [["custom-key", "custom-header"]], [["custom-key", "custom-header"]], 55]]);
  run(new HpackDecoder(), [["040c 2f73 616d 706c 652f 7061 7468", [[":path", "/sample/path"]], [], 0]]);
  run(new HpackDecoder(), [["1008 7061 7373 776f 7264 0673 6563 7265 74", [["password", "secret"]], [], 0]]);
  run(new HpackDecoder(), [["82", [[":method", "GET"]], [], 0]]);
});

const AUTH = [":authority", "www.example.com"];
const REQUESTS = [
  [[":method", "GET"], [":scheme", "http"], [":path", "/"], AUTH],
  [[":method", "GET"], [":scheme", "http"], [":path", "/"], AUTH, ["cache-control", "no-cache"]],
  [[":method", "GET"], [":scheme", "https"], [":path", "/index.html"], AUTH, ["custom-key", "custom-value"]],
];
const REQUEST_TABLES = [[[AUTH], 57], [[["cache-control", "no-cache"], AUTH], 110],
  [[["custom-key", "custom-value"], ["cache-control", "no-cache"], AUTH], 164]];

test("C.3: three requests sharing the dynamic table", () => {
  const blocks = ["8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865",
    "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"];
  run(new HpackDecoder(), blocks.map((b, i) => [b, REQUESTS[i], ...REQUEST_TABLES[i]]));
});

test("C.4: the same requests with Huffman coding", () => {
  const blocks = ["8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf",
    "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"];
  run(new HpackDecoder(), blocks.map((b, i) => [b, REQUESTS[i], ...REQUEST_TABLES[i]]));
});

const CC = ["cache-control", "private"];
const LOC = ["location", URL];
const RESPONSES = [
  [[":status", "302"], CC, ["date", DATE1], LOC],
  [[":status", "307"], CC, ["date", DATE1], LOC],
  [[":status", "200"], CC, ["date", DATE2], LOC, ["content-encoding", "gzip"], ["set-cookie", COOKIE]],
];
const RESPONSE_TABLES = [[[LOC, ["date", DATE1], CC, [":status", "302"]], 222],
  [[[":status", "307"], LOC, ["date", DATE1], CC], 222],
  [[["set-cookie", COOKIE], ["content-encoding", "gzip"], ["date", DATE2]], 215]];

test("C.5: three responses in a 256-octet table, with evictions", () => {
  const blocks = [
    "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32" +
      "3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
    "4803 3330 37c1 c0bf",
    "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970" +
      "7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61" +
      "6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
  ];
  run(new HpackDecoder(256), blocks.map((b, i) => [b, RESPONSES[i], ...RESPONSE_TABLES[i]]));
});

test("C.6: the same responses with Huffman coding", () => {
  const blocks = [
    "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad" +
      "1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
    "4883 640e ffc1 c0bf",
    "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2" +
      "e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
  ];
  run(new HpackDecoder(256), blocks.map((b, i) => [b, RESPONSES[i], ...RESPONSE_TABLES[i]]));
});

test("the Huffman code is Appendix B's: spot codes, a complete prefix code, every octet round trips", () => {
  const spots = { 0: [0x1ff8, 13], 10: [0x3ffffffc, 30], 32: [0x14, 6], 48: [0x0, 5], 97: [0x3, 5],
    122: [0x7b, 7], 200: [0x3ffffe2, 26], 255: [0x3ffffee, 26], 256: [0x3fffffff, 30] };
  for (const [sym, [code, len]] of Object.entries(spots)) assert.deepEqual([CODES[sym], LENGTHS[sym]], [code, len], `symbol ${sym}`);
  assert.equal(LENGTHS.reduce((sum, len) => sum + 2 ** -len, 0), 1);
  const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  const enc = new Uint8Array(huffmanLength(all));
  assert.equal(huffmanEncode(all, enc, 0), enc.length);
  const out = new Uint8Array(enc.length * 2);
  assert.equal(Buffer.from(out.subarray(0, huffmanDecode(enc, 0, enc.length, out))).toString("latin1"), all);
});

test("encodeHeaders: static indexes, literals without indexing, sensitive names never indexed", () => {
  const enc = (flat, sensitive) => encodeHeaders(flat, sensitive).toString("hex");
  assert.equal(enc([":method", "POST", ":scheme", "https", ":status", "200"]), "838788");
  assert.equal(enc([":path", "/v1/x"]), "0405" + Buffer.from("/v1/x").toString("hex"));
  assert.equal(enc(["content-type", "application/json"]), "0f10" + "10" + Buffer.from("application/json").toString("hex"));
  assert.equal(enc(["x-a", "é"]), "0003782d6101e9");
  assert.equal(enc(["authorization", "Api-Key k"]), "1f0809" + Buffer.from("Api-Key k").toString("hex"));
  assert.equal(enc(["x-api-key", "k"]), "1009" + Buffer.from("x-api-key").toString("hex") + "016b");
  assert.equal(enc(["authorization", ""]), "1f0800"); // never indexed, even with an exact static match
  assert.equal(enc(["x-api-key", "k"], new Set()), "0009" + Buffer.from("x-api-key").toString("hex") + "016b");
  assert.equal(enc(["x-long", "v".repeat(200)]).slice(0, 20), "0006782d6c6f6e677f49"); // 200 = 127 + 73
  assert.throws(() => encodeHeaders(["odd"]), TypeError);
});

/** A seeded PRNG (mulberry32), so every run checks the same cases. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const NAMES = [":status", ":path", "content-type", "content-length", "date", "authorization", "x-api-key", "set-cookie", "x-request-id"];

function randomList(rand) {
  const str = (max, lo = 0, hi = 256) => String.fromCharCode(...Array.from({ length: Math.floor(rand() * max) }, () => lo + Math.floor(rand() * (hi - lo))));
  const flat = [];
  for (let n = Math.floor(rand() * 12); n > 0; n--) {
    flat.push(rand() < 0.5 ? NAMES[Math.floor(rand() * NAMES.length)] : "x-" + str(20, 97, 123));
    flat.push(rand() < 0.1 ? "200" : str(rand() < 0.05 ? 400 : 40));
  }
  return flat;
}

/** A literal field with incremental indexing, its name and value Huffman-coded. */
function huffmanField(name, value) {
  const parts = [Buffer.from([0x40])];
  for (const s of [name, value]) {
    const body = Buffer.alloc(huffmanLength(s));
    huffmanEncode(s, body, 0);
    const len = body.length < 127 ? [0x80 | body.length] : [0xff, ...(function* (v) { for (v -= 127; v >= 128; v >>>= 7) yield (v & 0x7f) | 0x80; yield v; })(body.length)];
    parts.push(Buffer.from(len), body);
  }
  return Buffer.concat(parts);
}

test("round trips: encodeHeaders and Huffman-coded literals decode to what went in", () => {
  const rand = prng(14);
  const decoder = new HpackDecoder();
  for (let i = 0; i < 2000; i++) {
    const flat = randomList(rand);
    assert.deepEqual(decoder.decode(encodeHeaders(flat)), flat);
    const block = Buffer.concat(flat.map((_, j) => (j % 2 ? null : huffmanField(flat[j], flat[j + 1]))).filter(Boolean));
    // Also as a plain Uint8Array view with an offset, not a Buffer.
    const view = new Uint8Array(new Uint8Array([7, ...block]).buffer, 1, block.length);
    assert.deepEqual(decoder.decode(view), flat);
    assert.ok(decoder.tableSize <= 4096);
  }
});

test("the table: size updates at a block's start, eviction, an entry larger than the table", () => {
  const d = new HpackDecoder(256);
  d.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
  assert.equal(d.tableSize, 55);
  assert.deepEqual(d.decode(hex("3f 00 20 82")), [":method", "GET"]); // to 31, then 0: both at the start
  assert.deepEqual([d.tableSize, d.dynamicTable], [0, []]);
  assert.throws(() => d.decode(hex("be")), HpackError); // the entry is gone
  d.decode(hex("3f e1 01 40 0161 0162")); // back to 256, then a:b (34)
  assert.deepEqual(d.dynamicTable, [["a", "b"]]);
  d.decode(Buffer.concat([hex("40 0161 7f 81 01"), Buffer.alloc(256, "x")])); // 289 octets: empties it
  assert.deepEqual([d.tableSize, d.dynamicTable], [0, []]);
  for (let i = 0; i < 300; i++) d.decode(hex("40 0161 0162")); // the ring wraps
  assert.deepEqual([d.tableSize, d.dynamicTable.length], [238, 7]);
  const big = new HpackDecoder(); // 4096 / (1 + 3 + 32) = 113 entries: the ring grows to 128 slots
  for (let i = 100; i < 400; i++) big.decode(Buffer.concat([hex("40 0161 03"), Buffer.from(String(i))]));
  assert.deepEqual([big.tableSize, big.dynamicTable.length, big.dynamicTable[0], big.dynamicTable[112]], [4068, 113, ["a", "399"], ["a", "287"]]);
  assert.deepEqual(big.decode(hex("ff 2f be")), ["a", "287", "a", "399"]); // 62 + 112 = 174, then 62
  assert.throws(() => big.decode(hex("ff 30")), /index 175 past the tables/);
});

const MALFORMED = {
  "index 0": ["80", /index 0/],
  "an index past the tables": ["be", /past the tables/],
  "a name index past the tables": ["0f 2f 01 61", /past the tables/],
  "a truncated integer": ["ff", /truncated integer/],
  "a truncated integer in a continuation": ["ff 80", /truncated integer/],
  "a truncated string": ["00 05 61 62", /truncated string/],
  "a missing value": ["40 01 61", /truncated field/],
  "a truncated literal": ["40", /truncated field/],
  "an integer past 2^31": ["ff ff ff ff ff 0f", /above 2\^31-1/],
  "an integer with 6 continuation bytes": ["ff 80 80 80 80 80 00", /longer than 5/],
  "a size update above the max": ["3f e2 1f", /above 4096/],
  "a size update after a field": ["82 20", /after a field/],
  "EOS inside a Huffman string": ["00 01 61 84 ff ff ff ff", /EOS/],
  "Huffman padding of zeros": ["00 01 61 81 18", /padding/],
  "Huffman padding of 8 ones": ["00 01 61 82 1f ff", /padding/],
  "Huffman padding of a whole byte of ones": ["00 01 61 81 ff", /padding/],
};

test("malformed blocks throw HpackError (ERR_HPACK), and only that", () => {
  assert.deepEqual(new HpackDecoder().decode(hex("3f e1 1f")), []); // 4096 is allowed
  assert.deepEqual(new HpackDecoder().decode(hex("00 01 61 81 1f")), ["a", "a"]); // 3 one-bits pad
  for (const [what, [block, message]] of Object.entries(MALFORMED)) {
    assert.throws(() => new HpackDecoder().decode(hex(block)), (e) => e instanceof HpackError && e.code === "ERR_HPACK" && message.test(e.message), what);
  }
  assert.throws(() => new HpackDecoder().decode(/** @type {any} */ ("82")), HpackError);
  const small = new HpackDecoder(4096, 100); // header list bound: 3 x (":method" + "GET" + 32)
  assert.equal(small.decode(hex("82 82")).length, 4);
  assert.throws(() => small.decode(hex("82 82 82")), /larger than 100/);
});

test("fuzz: 20,000 random and mutated blocks decode or throw HpackError", () => {
  const rand = prng(7541);
  const valid = [hex("4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad"),
    hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"), hex("4803 3330 37c1 c0bf 3f e1 01 82"),
    ...Array.from({ length: 4 }, () => encodeHeaders(["x-n", "1", ...randomList(rand)]))];
  let decoder = new HpackDecoder(256);
  let ok = 0;
  for (let i = 0; i < 20000; i++) {
    let block;
    if (i % 4 === 0) {
      block = Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
    } else {
      const base = i % 4 === 1 ? huffmanField("x-" + i, String(rand())) : valid[i % valid.length];
      block = Buffer.from(base.subarray(0, Math.max(1, Math.floor(rand() * (base.length + 1)))));
      for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) block[Math.floor(rand() * block.length)] ^= 1 << Math.floor(rand() * 8);
    }
    try {
      const out = decoder.decode(block);
      assert.ok(out.length % 2 === 0 && out.length <= 2 * block.length && out.every((s) => typeof s === "string"));
      assert.ok(decoder.tableSize <= 256);
      ok++;
    } catch (e) {
      if (!(e instanceof HpackError)) throw e;
      decoder = new HpackDecoder(256); // a connection error: the decoder is replaced
    }
  }
  assert.ok(ok > 500 && ok < 19500, `${ok} of 20000 decoded`); // both outcomes exercised
});
