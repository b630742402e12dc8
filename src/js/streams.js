// @ts-check
// What makes a Rust-backed stream an async iterable: `toReadableStream` (the one copy, used by
// byte streams and chat streams), `makeAsyncIterable` and `iterResult`; and `tee`, the split of
// a pull source in two (chat streams' `tee()`, and any later stream of batches). Imported by
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

/**
 * One branch of a {@link tee}: `next()` gives the source's results in order (a result another
 * branch pulled first was kept for this one); `cancel()` stops keeping results for it and says
 * whether every branch is now cancelled (the source may be stopped).
 * @template T
 * @typedef {{ next(): Promise<T>, cancel(): boolean }} Branch
 */

const noop = () => {};

/**
 * Splits a pull source into two branches that each see every result of `pull`, in order, once:
 * whichever branch is ahead pulls, and the result is queued for the other (unbounded, as
 * openai-node's `Stream.tee`). A rejected result reaches both. A cancelled branch drops its queue
 * and pulls no more; the other reads on. `pull` is never called twice at once by one branch,
 * nor while the other waits on what the first pulled (provided each branch waits for one result
 * before asking the next).
 * @template T
 * @param {() => Promise<T>} pull
 * @returns {[Branch<T>, Branch<T>]}
 */
export function tee(pull) {
  /** @type {[Array<Promise<T>> | null, Array<Promise<T>> | null]} */
  const queues = [[], []];
  /** @param {0 | 1} i @returns {Branch<T>} */
  const branch = (i) => ({
    next() {
      const q = queues[i];
      if (q === null) return Promise.reject(new TypeError("this branch of the tee was cancelled"));
      const kept = q.shift();
      if (kept !== undefined) return kept;
      const p = pull();
      const other = queues[1 - i];
      if (other !== null) {
        // The other branch may never read it: its rejection is handled here, and still
        // reaches whoever awaits it.
        p.catch(noop);
        other.push(p);
      }
      return p;
    },
    cancel() {
      queues[i] = null;
      return queues[1 - i] === null;
    },
  });
  return [branch(0), branch(1)];
}
