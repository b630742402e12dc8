// Differential test: baseten-edge's Responses stream rules and accumulator
// (examples/responses_dump.rs) against an independent JavaScript implementation of the same
// documented rules (below; it shares no code with the Rust, and reads SSE with
// eventsource-parser), on seeded random Responses event streams cut at random points.
//
//   npm install            (once, in this folder)
//   node responses.mjs [--bin PATH] [--n N] [--seed S]
//
// The responses_dump binary comes from --bin, else $RESPONSES_DUMP, else it is built with
// `cargo build --example responses_dump`. Prints "N passed, N failed"; exits non-zero on any
// mismatch.
//
// Compared: the event types handed out, in order (and each output_text delta extracted); the
// end (ok, or the error kind); the assembled response, JSON-equal with object keys in any order.
//
// Intended differences, avoided by the generator rather than normalised: JSON.parse keeps a lone
// surrogate (half of a pair) where core::json decodes it to U+FFFD, so deltas are cut between
// code points, never inside a pair. The generator also keeps to valid UTF-8
// (the Rust decoder fails on invalid UTF-8 where a TextDecoder would substitute U+FFFD), to no
// duplicate keys, to integer indices, and to no event near the decoder's size limit. The
// error's code is compared only for truncation (`incomplete_stream`).

import { spawnSync } from 'node:child_process';
import { createParser } from 'eventsource-parser';
import { rng } from '../common/rng.mjs';
import { findBinary, runSettings } from './cli.mjs';

const { N, SEED } = runSettings(20261201);

// ---- the reference: stream rules ----

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function reference(bytes, cuts) {
  const events = [];
  let state = 'running'; // 'done' | 'failed'
  let error = null;
  const fail = (kind, code = null) => { state = 'failed'; error = { kind, code }; };
  const onEvent = (e) => {
    if (state !== 'running') return;
    const data = e.data.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (data === '' || e.event === 'ping') return;
    if (data === '[DONE]') return fail('truncated', 'incomplete_stream');
    let v;
    try { v = JSON.parse(e.data); } catch { return fail('decode', 'invalid_json'); }
    let type;
    const typed = isObject(v) && typeof v.type === 'string';
    if (typed) {
      type = v.type;
    } else {
      if (isObject(v) && v.error !== undefined && v.error !== null) return fail('stream');
      type = e.event ?? '';
    }
    if (type === 'ping') return;
    if (type === 'error' || type === 'response.failed') return fail('stream');
    if (TERMINAL.has(type)) state = 'done';
    const out = { type };
    if (typed && type === 'response.output_text.delta' && typeof v.delta === 'string') out.delta = v.delta;
    events.push({ out, value: v });
  };
  const parser = createParser({ onEvent });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (const end of [...cuts, bytes.length]) {
    if (state !== 'running') break;
    parser.feed(decoder.decode(bytes.subarray(start, end), { stream: true }));
    start = end;
  }
  if (state === 'running') fail('truncated', 'incomplete_stream');
  return { events: events.map((e) => e.out), error, response: assemble(events.map((e) => e.value)) };
}

// ---- the reference: accumulator ----

function assemble(values) {
  let base = null;
  let terminal = null;
  let terminalResponse = null;
  const items = new Map();
  const int = (n) => (typeof n === 'number' ? Math.trunc(n) : null);
  const item = (i) => {
    if (!items.has(i)) items.set(i, { added: null, done: null, hint: null, content: new Map(), summary: new Map(), args: null, argsDone: null });
    return items.get(i);
  };
  const part = (list, i) => {
    if (!list.has(i)) list.set(i, { part: null, deltas: null, done: null });
    return list.get(i);
  };
  for (const v of values) {
    if (!isObject(v)) continue;
    const type = typeof v.type === 'string' ? v.type : '';
    if ((TERMINAL.has(type) || ['response.created', 'response.queued', 'response.in_progress'].includes(type)) && isObject(v.response)) {
      base = v.response;
    }
    if (TERMINAL.has(type)) {
      terminal = type;
      terminalResponse = isObject(v.response) ? v.response : null;
      continue;
    }
    const oi = int(v.output_index);
    if (oi === null) continue;
    const it = item(oi);
    const ci = int(v.content_index) ?? 0;
    const si = int(v.summary_index) ?? 0;
    const delta = typeof v.delta === 'string' ? v.delta : null;
    switch (type) {
      case 'response.output_item.added':
      case 'response.output_item.done':
        if (isObject(v.item)) it[type.endsWith('added') ? 'added' : 'done'] = v.item;
        continue;
      case 'response.function_call_arguments.delta':
        it.hint ??= 'function_call';
        if (delta !== null) it.args = (it.args ?? '') + delta;
        continue;
      case 'response.function_call_arguments.done':
        it.hint ??= 'function_call';
        if (typeof v.arguments === 'string') it.argsDone = v.arguments;
        continue;
    }
    let hint;
    let list;
    let index;
    if (type === 'response.content_part.added' || type === 'response.content_part.done') [hint, list, index] = [null, it.content, ci];
    else if (type === 'response.output_text.delta' || type === 'response.output_text.done') [hint, list, index] = ['message', it.content, ci];
    else if (type === 'response.reasoning_text.delta' || type === 'response.reasoning_text.done') [hint, list, index] = ['reasoning', it.content, ci];
    else if (type.startsWith('response.reasoning_summary_part.') || type.startsWith('response.reasoning_summary_text.')) {
      if (!/\.(added|done|delta)$/.test(type) || (type.includes('_part.') && type.endsWith('delta')) || (type.includes('_text.') && type.endsWith('added'))) continue;
      [hint, list, index] = ['reasoning', it.summary, si];
    } else continue;
    const p = part(list, index);
    if (type.endsWith('_part.added') || type.endsWith('_part.done')) {
      if (isObject(v.part)) {
        p.part = v.part;
        if (type.endsWith('done') && typeof v.part.text === 'string') p.done = v.part.text;
      }
    } else if (type.endsWith('delta')) {
      if (delta !== null) p.deltas = (p.deltas ?? '') + delta;
    } else if (typeof v.text === 'string') {
      p.done = v.text;
    }
    if (hint) it.hint ??= hint;
  }

  const renderParts = (list, defaultType) => [...list.keys()].sort((a, b) => a - b).map((k) => {
    const p = list.get(k);
    const out = p.part ? { ...p.part } : (defaultType === 'output_text' ? { type: 'output_text', annotations: [] } : { type: defaultType });
    out.text = p.done ?? p.deltas ?? (typeof out.text === 'string' ? out.text : '');
    return out;
  });
  const renderItem = (it) => {
    if (it.done) return it.done;
    const hint = it.hint ?? 'message';
    const out = it.added ? { ...it.added } : (hint === 'message' ? { type: 'message', role: 'assistant' } : { type: hint });
    const type = typeof out.type === 'string' ? out.type : hint;
    if (it.content.size) out.content = renderParts(it.content, type === 'reasoning' ? 'reasoning_text' : 'output_text');
    if (it.summary.size) out.summary = renderParts(it.summary, 'summary_text');
    const args = it.argsDone ?? it.args;
    if (args !== null) out.arguments = args;
    return out;
  };

  let out;
  if (terminalResponse && Array.isArray(terminalResponse.output) && terminalResponse.output.length > 0) {
    out = { ...terminalResponse };
  } else {
    out = { ...(terminalResponse ?? base ?? {}) };
    out.output = [...items.keys()].sort((a, b) => a - b).map((k) => renderItem(items.get(k)));
    if (terminal && !terminalResponse) out.status = terminal.slice('response.'.length);
  }
  let text = '';
  for (const it of Array.isArray(out.output) ? out.output : []) {
    if (!isObject(it) || it.type !== 'message' || !Array.isArray(it.content)) continue;
    for (const c of it.content) {
      if (isObject(c) && c.type === 'output_text' && typeof c.text === 'string') text += c.text;
    }
  }
  out.output_text = text;
  return out;
}

// ---- the generator ----

const TEXTS = ['Hel', 'lo', ' ', 'wörld', '😀', '中文', '"q"', '\\', '\n', 'a\tb', '', 'x'];
const text = (r) => Array.from({ length: r.below(4) }, () => r.pick(TEXTS)).join('');

function generate(r) {
  const events = [];
  const add = (v) => events.push(v);
  const response = (status, extra = {}) => ({ id: 'resp_x', object: 'response', status, model: 'm', ...extra });
  add({ type: 'response.created', sequence_number: 0, response: response('in_progress', { output: [] }) });
  if (r.chance(0.5)) add({ type: 'response.in_progress', response: response('in_progress', { output: [] }) });
  const final = [];
  const nItems = r.below(4);
  for (let oi = 0; oi < nItems; oi++) {
    const kind = r.pick(['message', 'message', 'function_call', 'reasoning']);
    const announce = r.chance(0.8);
    if (kind === 'message') {
      const item = { id: `msg_${oi}`, type: 'message', role: 'assistant', status: 'in_progress', content: [] };
      if (announce) add({ type: 'response.output_item.added', output_index: oi, item });
      const parts = [];
      for (let ci = 0; ci < 1 + r.below(2); ci++) {
        if (r.chance(0.7)) add({ type: 'response.content_part.added', item_id: item.id, output_index: oi, content_index: ci, part: { type: 'output_text', text: '', annotations: [] } });
        let full = '';
        for (let k = r.below(5); k > 0; k--) {
          const d = text(r);
          full += d;
          add({ type: 'response.output_text.delta', item_id: item.id, output_index: oi, content_index: ci, delta: d });
        }
        if (r.chance(0.5)) add({ type: 'response.output_text.done', output_index: oi, content_index: ci, text: r.chance(0.9) ? full : `${full}!` });
        if (r.chance(0.3)) add({ type: 'response.content_part.done', output_index: oi, content_index: ci, part: { type: 'output_text', text: full, annotations: [] } });
        parts.push({ type: 'output_text', text: full, annotations: [] });
      }
      const done = { ...item, status: 'completed', content: parts };
      if (r.chance(0.4)) add({ type: 'response.output_item.done', output_index: oi, item: done });
      final.push(done);
    } else if (kind === 'function_call') {
      const item = { id: `fc_${oi}`, type: 'function_call', call_id: `call_${oi}`, name: 'get_weather', arguments: '', status: 'in_progress' };
      if (announce) add({ type: 'response.output_item.added', output_index: oi, item });
      const args = JSON.stringify({ city: text(r), days: r.below(9) });
      const chars = Array.from(args); // code points: a delta never holds half a surrogate pair
      let at = 0;
      while (at < chars.length) {
        const n = 1 + r.below(6);
        add({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index: oi, delta: chars.slice(at, at + n).join('') });
        at += n;
      }
      if (r.chance(0.5)) add({ type: 'response.function_call_arguments.done', output_index: oi, arguments: r.chance(0.9) ? args : '{}' });
      const done = { ...item, arguments: args, status: 'completed' };
      if (r.chance(0.4)) add({ type: 'response.output_item.done', output_index: oi, item: done });
      final.push(done);
    } else {
      const item = { id: `rs_${oi}`, type: 'reasoning', summary: [] };
      if (announce) add({ type: 'response.output_item.added', output_index: oi, item });
      let thought = '';
      for (let k = r.below(4); k > 0; k--) {
        const d = text(r);
        thought += d;
        add({ type: 'response.reasoning_text.delta', output_index: oi, content_index: 0, delta: d });
      }
      if (r.chance(0.5)) add({ type: 'response.reasoning_summary_part.added', output_index: oi, summary_index: 0, part: { type: 'summary_text', text: '' } });
      let summary = '';
      for (let k = r.below(3); k > 0; k--) {
        const d = text(r);
        summary += d;
        add({ type: 'response.reasoning_summary_text.delta', output_index: oi, summary_index: 0, delta: d });
      }
      if (r.chance(0.3)) add({ type: 'response.reasoning_summary_text.done', output_index: oi, summary_index: 0, text: summary });
      final.push({ ...item, summary: [{ type: 'summary_text', text: summary }], content: [{ type: 'reasoning_text', text: thought }] });
    }
    if (r.chance(0.1)) add({ type: 'response.future_event', output_index: oi, extra: [1, null] });
  }
  const usage = { input_tokens: 1 + r.below(50), output_tokens: r.below(500), total_tokens: 600 };
  const withOutput = r.chance(0.5);
  switch (r.below(8)) {
    case 0: add({ type: 'error', code: r.pick(['server_error', null, 429]), message: 'boom', param: null }); break;
    case 1: add({ type: 'response.failed', response: response('failed', { output: [], error: { code: 'server_error', message: 'crashed' } }) }); break;
    case 2: add({ type: 'response.incomplete', response: response('incomplete', { output: withOutput ? final : [], usage, incomplete_details: { reason: 'max_output_tokens' } }) }); break;
    case 3: add({ type: 'response.completed' }); break;
    case 4: break; // no terminal event: truncated
    default: add({ type: 'response.completed', response: response('completed', { output: withOutput ? final : [], usage }) });
  }
  // Serialise: event lines or not (bridged), occasional pings, keepalives, bad JSON.
  const lines = r.chance(0.6);
  let out = '';
  for (const v of events) {
    if (r.chance(0.03)) out += ': keepalive\n\n';
    if (r.chance(0.03)) out += 'event: ping\ndata: {"type":"ping"}\n\n';
    if (r.chance(0.005)) out += 'data: {not json\n\n';
    const name = lines ? (r.chance(0.05) ? 'message' : v.type) : null;
    out += `${name === null ? '' : `event: ${name}\n`}data: ${JSON.stringify(v, null, r.chance(0.1) ? 1 : undefined).replace(/\n/g, '')}\n\n`;
  }
  if (r.chance(0.5)) out += 'data: [DONE]\n\n';
  if (r.chance(0.1)) out += 'data: {"type":"response.output_text.delta","output_index":0,"delta":"late"}\n\n';
  let bytes = Buffer.from(out, 'utf8');
  if (r.chance(0.25)) bytes = bytes.subarray(0, r.below(bytes.length + 1)); // truncation
  return bytes;
}

function cutsFor(r, len) {
  switch (r.below(4)) {
    case 0: return [];
    default: {
      const set = new Set();
      for (let i = r.below(16); i > 0; i--) set.add(1 + r.below(Math.max(1, len)));
      return [...set].filter((c) => c < len).sort((a, b) => a - b);
    }
  }
}

// ---- comparison ----

// All cases go to one responses_dump run (--batch); its output is one block of lines per case,
// each block ending with its `end` line.
function ours(bin, cases) {
  const frames = [];
  for (const { bytes, cuts } of cases) {
    const head = Buffer.alloc(8 + 4 * cuts.length);
    head.writeUInt32LE(bytes.length, 0);
    head.writeUInt32LE(cuts.length, 4);
    cuts.forEach((c, i) => head.writeUInt32LE(c, 8 + 4 * i));
    frames.push(head, bytes);
  }
  const res = spawnSync(bin, ['--batch'], { input: Buffer.concat(frames), maxBuffer: 1 << 30 });
  if (res.status !== 0) throw new Error(`responses_dump exited ${res.status}: ${res.stderr}`);
  const out = [];
  let events = [];
  for (const line of res.stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    const v = JSON.parse(line);
    if (v.end === undefined) {
      events.push(v);
      continue;
    }
    out.push({ events, error: v.end === 'ok' ? null : { kind: v.kind, code: v.code }, response: v.response });
    events = [];
  }
  if (out.length !== cases.length) throw new Error(`responses_dump answered ${out.length} of ${cases.length} cases`);
  return out;
}

function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

function compare(ref, got) {
  const n = Math.max(ref.events.length, got.events.length);
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(ref.events[i]);
    const b = JSON.stringify(got.events[i]);
    if (a !== b) return `event ${i}: reference ${a} vs Rust ${b}`;
  }
  const ek = (e) => (e === null ? 'ok' : e.kind);
  if (ek(ref.error) !== ek(got.error)) return `end: reference ${ek(ref.error)} vs Rust ${ek(got.error)}`;
  if (ref.error?.kind === 'truncated' && got.error.code !== 'incomplete_stream') return `truncation code ${got.error.code}`;
  const a = JSON.stringify(canonical(ref.response));
  const b = JSON.stringify(canonical(got.response));
  if (a !== b) return `response:\n  reference ${a}\n  Rust      ${b}`;
  return null;
}

const bin = findBinary('responses_dump', 'RESPONSES_DUMP');
const cases = [];
for (let i = 0; i < N; i++) {
  const r = rng(SEED + i);
  const bytes = generate(r);
  cases.push({ seed: SEED + i, bytes, cuts: cutsFor(r, bytes.length) });
}
const got = ours(bin, cases);
let passed = 0;
let failed = 0;
cases.forEach(({ seed, bytes, cuts }, i) => {
  const problem = compare(reference(bytes, cuts), got[i]);
  if (problem === null) {
    passed++;
  } else {
    failed++;
    if (failed <= 10) {
      console.error(`FAIL seed ${seed}: ${problem}`);
      console.error(`  input ${JSON.stringify(bytes.toString('utf8'))} cuts [${cuts.join(',')}]`);
    }
  }
});
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
