// @ts-check
// The parent of every error the package raises, `BasetenError`. Its subclasses, one per
// core::error::ErrorKind, are generated (gen/errors.js); each names its `errorName` and `kind`.

/**
 * What an error carries besides its message.
 * @typedef {object} ErrorFields
 * @property {number | null} [status] the HTTP status, when a response was received
 * @property {string | null} [requestId] X-BASETEN-REQUEST-ID, else x-request-id
 * @property {string | null} [code] the server's error code, or ours (headers_timeout, ...)
 * @property {string | null} [body] the raw error body
 * @property {boolean} [retryable] whether the same request may succeed if retried
 * @property {number} [attempts] how many attempts were made
 */

/**
 * The brand of the package's errors: the names of an error's class and its parents. `instanceof`
 * reads it, so an error made by one copy of the package (its `require` and `import` builds, the
 * chat and full builds, a bundled and an unbundled copy) is an instance of the classes of another.
 */
const BRAND = Symbol.for("baseten-edge.error");

/**
 * The names of `c` and of its parents up to BasetenError.
 * @param {Function} c
 */
function chainOf(c) {
  /** @type {string[]} */
  const names = [];
  for (let k = /** @type {any} */ (c); k && typeof k.errorName === "string"; k = Object.getPrototypeOf(k)) {
    if (!names.includes(k.errorName)) names.push(k.errorName);
  }
  return names;
}

/** Every error this package raises or rejects with. */
export class BasetenError extends Error {
  /** The class's `name`. */
  static errorName = "BasetenError";
  /** @type {string | null} The class's `kind` (core::error::ErrorKind::as_str). */
  static kind = null;

  /**
   * `v instanceof C`: `v` carries the brand with C's name (C a class of the package), or is an
   * instance of C by prototype.
   * @param {unknown} v
   */
  static [Symbol.hasInstance](v) {
    const chain = v !== null && typeof v === "object" ? /** @type {any} */ (v)[BRAND] : undefined;
    // A class of the package names itself; a subclass of a caller's own goes by prototype.
    const own = Object.prototype.hasOwnProperty.call(this, "errorName");
    if (own && Array.isArray(chain)) return chain.includes(this.errorName);
    return Function.prototype[Symbol.hasInstance].call(this, v);
  }

  /** @param {string} [message] @param {ErrorFields} [fields] */
  constructor(message, fields) {
    super(message);
    const c = /** @type {typeof BasetenError} */ (new.target);
    /** @type {string} */
    this.name = c.errorName;
    /** @type {string | null} */
    this.kind = c.kind;
    /** @type {number | null} */
    this.status = null;
    /** @type {string | null} */
    this.requestId = null;
    /** @type {string | null} */
    this.code = null;
    /** @type {string | null} */
    this.body = null;
    this.retryable = false;
    this.attempts = 1;
    if (fields) Object.assign(this, fields);
    Object.defineProperty(this, BRAND, { value: chainOf(c) });
  }
}
