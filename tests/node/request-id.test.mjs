// The request-id rule, in the one place it lives (src/web/call.js, exported as `requestIdOf`):
// every error and result of the package, and the playground, take their ids from it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { requestIdOf } from "../../src/web/call.js";
import * as pkg from "../../pkg/node.mjs";

const headers = (pairs) => new Headers(pairs);

test("X-BASETEN-REQUEST-ID first, else x-request-id; an empty value counts as none", () => {
  assert.equal(requestIdOf(headers({ "X-BASETEN-REQUEST-ID": "bt-1", "x-request-id": "other" })), "bt-1");
  assert.equal(requestIdOf(headers({ "x-request-id": "req-openai" })), "req-openai");
  assert.equal(requestIdOf(headers({ "X-BASETEN-REQUEST-ID": "", "x-request-id": "rid-abc" })), "rid-abc");
  assert.equal(requestIdOf(headers({ "X-BASETEN-REQUEST-ID": "", "x-request-id": "" })), null);
  assert.equal(requestIdOf(headers({})), null);
});

test("the package exports the same rule", () => {
  assert.equal(typeof pkg.requestIdOf, "function");
  assert.equal(pkg.requestIdOf(headers({ "X-BASETEN-REQUEST-ID": "", "x-request-id": "r" })), "r");
});
