// @ts-check
// What makes a Rust-backed stream an async iterable: `toReadableStream` (the one copy, used by
// byte streams and chat streams), `makeAsyncIterable` and `iterResult`. Imported by
// streams.rs and chat_stream.js. No `eval`, so strict CSPs and workerd accept it.

/**
 * Something with the async-iterator steps.
 * @template T
 * @typedef {{ next(): Promise<IteratorResult<T, unknown>>, return(): Promise<unknown> }} Steps
 */

/**
 * A ReadableStream pulling from `it.next()` on demand (highWaterMark 0: nothing is read before
 * it is asked for); cancelling it calls `it.return()`.
 * @template T
 * @param {Steps<T>} it
 * @returns {ReadableStream<T>}
 */
export function toReadableStream(it) {
  return new ReadableStream({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close(); else controller.enqueue(r.value);
    },
    cancel() { return it.return().then(() => undefined); },
  }, { highWaterMark: 0 });
}

/**
 * Gives `o`'s class (once) a `[Symbol.asyncIterator]` returning `this` and a
 * `toReadableStream()`.
 * @param {object} o
 */
export function makeAsyncIterable(o) {
  const p = Object.getPrototypeOf(o);
  if (!Object.prototype.hasOwnProperty.call(p, Symbol.asyncIterator)) {
    Object.defineProperty(p, Symbol.asyncIterator, { value() { return this; }, configurable: true });
    Object.defineProperty(p, "toReadableStream", {
      /** @this {Steps<unknown>} */
      value() { return toReadableStream(this); },
      configurable: true,
    });
  }
  return o;
}

/**
 * `{ value, done }` in one crossing.
 * @param {unknown} value @param {boolean} done
 */
export function iterResult(value, done) { return { value, done }; }
