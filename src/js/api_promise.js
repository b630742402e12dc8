// @ts-check
// `APIPromise`, what every single-request method returns (as openai-node's does): awaitable as
// a plain promise of the parsed result, with `asResponse()` (the raw `Response`, its body
// unread) and `withResponse()` (`{ data, response, requestId }`). One request per call.
//
// The body is read only once the parsed value is asked for. The request starts at once; when
// its headers arrive (call.js, `callSend`), a call whose value was already asked for (`await`,
// `then`, `withResponse()`) has its body read and parsed there as before, in the same step; a
// call nobody has asked anything of yet, or only `asResponse()`, stops at the headers: Rust
// then resolves with this call's control object, holding a `LazyBody` (api_promise.rs) that
// reads and parses the body later, if the value is ever asked for. Imported by api_promise.rs.

/**
 * The Rust half that parses a body left unread (`LazyBody`): `parse()` consumes it.
 * @typedef {{ parse(): Promise<unknown> }} LazyBody
 */

/**
 * What the request path knows of a call's APIPromise (the `api` of call.js's SendRequest).
 * @typedef {object} ApiCtl
 * @property {boolean} parse the parsed value has been asked for: read the body with the headers
 * @property {Response | null} res the last attempt's response
 * @property {string | null} rid the last attempt's request id
 * @property {LazyBody | null} body the parser of a body left unread at the headers
 */

/** A new control object, one per call. @returns {ApiCtl} */
export function apiCtl() {
  return { parse: false, res: null, rid: null, body: null };
}

/** Whether nothing has asked for the parsed value yet. @param {ApiCtl} c */
export function apiLazy(c) {
  return !c.parse;
}

/**
 * Leaves the parser of an unread body on the control object; Rust resolves with what this
 * returns (the control object itself, which APIPromise knows from any value).
 * @param {ApiCtl} c @param {LazyBody} body
 */
export function apiDeferred(c, body) {
  c.body = body;
  return c;
}

/**
 * A promise of a call's result with openai-node's response helpers.
 * @template T
 * @extends {Promise<T>}
 */
export class APIPromise extends Promise {
  /** @type {ApiCtl} */ #c;
  /** @type {Promise<unknown>} what Rust resolves with: the value, or the control object */ #head;
  /** @type {Promise<T> | null} */ #parsed = null;

  /** @param {ApiCtl} c @param {Promise<unknown>} head */
  constructor(c, head) {
    super((resolve) => resolve(/** @type {T} */ (/** @type {unknown} */ (null))));
    this.#c = c;
    this.#head = head;
  }

  // `then` and friends of this class return plain promises.
  static get [Symbol.species]() { return Promise; }

  /** @returns {Promise<T>} */
  #parse() {
    if (this.#parsed !== null) return this.#parsed;
    const c = this.#c;
    c.parse = true;
    return (this.#parsed = /** @type {Promise<T>} */ (this.#head.then((v) => {
      if (v !== c) return v;
      const body = /** @type {LazyBody} */ (c.body);
      c.body = null;
      return body.parse();
    })));
  }

  /**
   * The raw `Response` of the successful attempt, its body unread unless the parsed value was
   * asked for before the headers came. An error status rejects with the typed error.
   * @returns {Promise<Response>}
   */
  asResponse() {
    const c = this.#c;
    return this.#head.then(() => /** @type {Response} */ (c.res));
  }

  /**
   * The parsed value with the response it came from and its request id.
   * @returns {Promise<{ data: T, response: Response, requestId: string | null }>}
   */
  withResponse() {
    const c = this.#c;
    return this.#parse().then((data) => ({ data, response: /** @type {Response} */ (c.res), requestId: c.rid }));
  }

  /**
   * @template [A=T] @template [B=never]
   * @param {((value: T) => A | PromiseLike<A>) | null} [onfulfilled]
   * @param {((reason: any) => B | PromiseLike<B>) | null} [onrejected]
   * @returns {Promise<A | B>}
   */
  then(onfulfilled, onrejected) { return this.#parse().then(onfulfilled, onrejected); }

  /**
   * @template [B=never]
   * @param {((reason: any) => B | PromiseLike<B>) | null} [onrejected]
   * @returns {Promise<T | B>}
   */
  catch(onrejected) { return this.#parse().catch(onrejected); }

  /** @param {(() => void) | null} [onfinally] @returns {Promise<T>} */
  finally(onfinally) { return this.#parse().finally(onfinally); }
}

/**
 * The APIPromise of a call: `head` is the promise of its Rust future.
 * @param {ApiCtl} c @param {Promise<unknown>} head
 */
export function apiPromise(c, head) {
  return new APIPromise(c, head);
}
