// Differential test: baseten-edge's SSE decoder (examples/sse_dump.rs) against the reference
// JavaScript parser eventsource-parser, on seeded random event streams split at random points.
//
//   npm install            (once, in this folder)
//   node diff.mjs [--bin PATH] [--n N] [--seed S]
//
// The sse_dump binary comes from --bin, else $SSE_DUMP, else it is built with
// `cargo build --example sse_dump` (in $CARGO_TARGET_DIR or <repo>/target).
// Prints "N passed, N failed" and exits non-zero on any mismatch.
//
// Both sides get the same bytes in the same pieces. eventsource-parser takes strings, so its
// pieces go through one streaming TextDecoder (with ignoreBOM: true, so that the BOM reaches the
// parser, which strips exactly one like the spec and like the Rust decoder).
//
// Intended differences, normalised here:
// * eventsource-parser has no per-event `retry`: it reports every valid `retry:` at once through
//   onRetry. The Rust event's `retry` is not compared; the final reconnection time is (the last
//   onRetry value vs the decoder's reconnection_time()). Generated retry values stay below 2^53
//   so JS numbers hold them exactly (the Rust decoder ignores values that overflow a u64).
// * The last event ID: eventsource-parser reports it through onId when a block ends; the last
//   onId value (or "") is compared with the decoder's last_event_id().
// * An unterminated last event: both discard it; the Rust decoder also ends with a Truncated
//   error ("unterminated_event") where eventsource-parser says nothing. The end status is not
//   compared, only checked to be "ok" or that Truncated error (never a decode error: the input
//   is valid UTF-8 and no event is near the size limit).
// * Invalid UTF-8 is an error in Rust and U+FFFD in JS: the generator only makes valid UTF-8.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createParser } from 'eventsource-parser';
import { rng } from '../common/rng.mjs';
import { findBinary, runSettings } from './cli.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

const { N, SEED } = runSettings(20261124);

// Text for values: never CR or LF (those end lines), but every other tricky character.
const PIECES = [
  'a', 'b', 'hello', ' ', '  ', ':', ': ', 'data', 'id', '{"x":1}', '[DONE]', '0', '42',
  '\u2028', '\u2029', '\u0085', '\u00e9', '\u4e2d\u6587', '\u{1F600}', '\u{10FFFF}', '\uFEFF',
  '\t', '\0', '\u000b', '\u000c', '"', '\\',
];

function value(r) {
  let s = '';
  for (let i = r.below(5); i > 0; i--) s += r.pick(PIECES);
  return s;
}

function line(r) {
  const space = () => (r.chance(0.7) ? ' ' : '');
  switch (r.below(16)) {
    case 0: case 1: case 2: case 3: case 4:
      return `data:${space()}${value(r)}`;
    case 5: return 'data';
    case 6: return `event:${space()}${r.pick(['', 'message', 'error', 'ping', 'add', value(r)])}`;
    case 7: return `id:${space()}${r.chance(0.2) ? 'a\0b' : value(r)}`;
    case 8: return 'id';
    case 9: {
      const v = r.pick([String(r.below(1e9)), '007', '', '-1', '1.5', '12a', ' 3', String(r.below(100))]);
      return `retry:${space()}${v}`;
    }
    case 10: return `:${value(r)}`;
    case 11: return r.pick(['foo: bar', 'DATA: x', ' data: x', 'data : x', 'event', 'retry', value(r)]);
    default: return '';
  }
}

function generate(r) {
  let text = ['', '', '', '\uFEFF', '\uFEFF\uFEFF'][r.below(5)];
  const eol = r.pick([['\n'], ['\r\n'], ['\r'], ['\n', '\r\n', '\r']]);
  for (let i = r.below(30); i > 0; i--) {
    text += line(r) + r.pick(eol);
  }
  if (r.chance(0.3)) text += line(r); // an unterminated tail
  return Buffer.from(text, 'utf8');
}

function cutsFor(r, len) {
  switch (r.below(4)) {
    case 0: return [];
    case 1: return Array.from({ length: Math.max(0, len - 1) }, (_, i) => i + 1);
    default: {
      const set = new Set();
      for (let i = r.below(12); i > 0; i--) set.add(1 + r.below(Math.max(1, len)));
      return [...set].filter((c) => c < len).sort((a, b) => a - b);
    }
  }
}

function reference(bytes, cuts) {
  const events = [];
  let retry = null;
  let lastId = '';
  const parser = createParser({
    onEvent: (e) => events.push({ event: e.event ?? null, data: e.data, id: e.id ?? null }),
    onRetry: (ms) => { retry = ms; },
    onId: (id) => { lastId = id; },
  });
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
  let start = 0;
  for (const end of [...cuts, bytes.length]) {
    parser.feed(decoder.decode(bytes.subarray(start, end), { stream: true }));
    start = end;
  }
  parser.feed(decoder.decode());
  return { events, retry, lastId };
}

function ours(bin, bytes, cuts) {
  const res = spawnSync(bin, cuts.length ? ['--at', cuts.join(',')] : [], { input: bytes, maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`sse_dump exited ${res.status}: ${res.stderr}`);
  const lines = res.stdout.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const end = lines.pop();
  return { events: lines.map(({ event, data, id }) => ({ event, data, id })), end };
}

function compare(ref, got) {
  const n = Math.max(ref.events.length, got.events.length);
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(ref.events[i]);
    const b = JSON.stringify(got.events[i]);
    if (a !== b) return `event ${i}: eventsource-parser ${a} vs sse_dump ${b}`;
  }
  if (got.end.end !== 'ok' && got.end.code !== 'unterminated_event') {
    return `unexpected end ${JSON.stringify(got.end)}`;
  }
  if (ref.retry !== got.end.retry) return `retry: ${ref.retry} vs ${got.end.retry}`;
  if (ref.lastId !== got.end.last_event_id) {
    return `last event id: ${JSON.stringify(ref.lastId)} vs ${JSON.stringify(got.end.last_event_id)}`;
  }
  return null;
}

const bin = findBinary('sse_dump', 'SSE_DUMP');
let passed = 0;
let failed = 0;

function check(name, bytes, cuts) {
  const problem = compare(reference(bytes, cuts), ours(bin, bytes, cuts));
  if (problem === null) {
    passed++;
  } else {
    failed++;
    if (failed <= 10) {
      console.error(`FAIL ${name}: ${problem}`);
      console.error(`  input ${JSON.stringify(bytes.toString('utf8'))} cuts [${cuts.join(',')}]`);
    }
  }
}

// The recorded real streams first, whole and in random pieces.
const fixtures = join(repo, 'tests', 'fixtures', 'sse');
for (const name of ['litellm_chat_stream.sse', 'llamacpp_chat_stream.sse', 'llmock_chat_stream.sse']) {
  const bytes = readFileSync(join(fixtures, name));
  const r = rng(bytes.length);
  check(name, bytes, []);
  check(`${name} (pieces)`, bytes, cutsFor(r, bytes.length).filter((c) => c % 3 === 0));
}

for (let i = 0; i < N; i++) {
  const r = rng(SEED + i);
  const bytes = generate(r);
  check(`seed ${SEED + i}`, bytes, cutsFor(r, bytes.length));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
