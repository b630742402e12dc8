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

/** Every error this package raises or rejects with. */
export class BasetenError extends Error {
  /** The class's `name`. */
  static errorName = "BasetenError";
  /** @type {string | null} The class's `kind` (core::error::ErrorKind::as_str). */
  static kind = null;

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
  }
}
