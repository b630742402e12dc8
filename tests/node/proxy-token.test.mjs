// Proxy tokens through the package (mintProxyToken, verifyProxyToken): the format checked
// against Node's own crypto, and every refusal typed, coded and without the token in it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import * as lib from "../../pkg/node.mjs";

const b64 = (s) => Buffer.from(s).toString("base64url");
/** A token made here, independently of the package. */
function nodeToken(claims, secret) {
  const payload = b64(JSON.stringify(claims));
  return `${payload}.${createHmac("sha256", secret).update(payload).digest("base64url")}`;
}
const now = 1_700_000_000;
const claims = { sub: "user-7", exp: now + 600, models: ["acme/llama-3-70b"] };

test("mintProxyToken makes the token Node's crypto makes, and verifyProxyToken reads it back", () => {
  const token = lib.mintProxyToken(claims, "s3cret");
  assert.equal(token, nodeToken(claims, "s3cret"));
  assert.deepEqual(lib.verifyProxyToken(token, "s3cret", { now: now * 1000 }), claims);
  const open = lib.mintProxyToken({ sub: "u", exp: now }, "s3cret");
  assert.deepEqual(lib.verifyProxyToken(open, ["new", "s3cret"], { now: new Date(now * 1000) }), { sub: "u", exp: now });
});

test("refusals: AuthenticationError with a code, never the token", () => {
  const token = lib.mintProxyToken(claims, "s3cret");
  const [payload, mac] = token.split(".");
  const forged = `${b64(JSON.stringify({ ...claims, models: undefined }))}.${mac}`;
  const cases = [
    [token, "wrong", {}, "bad_signature"],
    [forged, "s3cret", {}, "bad_signature"],
    [`${payload}.${mac.slice(0, -2)}AA`, "s3cret", {}, "bad_signature"],
    ["not-a-token", "s3cret", {}, "malformed_token"],
    [`${payload}.`, "s3cret", {}, "malformed_token"],
    [token, "s3cret", { now: (claims.exp + 31) * 1000 }, "expired_token"],
    // Within the default skew, but skewSeconds: 0 turns the allowance off.
    [token, "s3cret", { now: (claims.exp + 1) * 1000, skewSeconds: 0 }, "expired_token"],
  ];
  for (const [t, secret, opts, code] of cases) {
    assert.throws(() => lib.verifyProxyToken(t, secret, { now: now * 1000, ...opts }), (e) => {
      assert.ok(e instanceof lib.AuthenticationError && e instanceof lib.BasetenError, `${code}: ${e}`);
      assert.equal(e.code, code);
      assert.ok(!e.message.includes(t) && !String(e.stack).includes(t));
      return true;
    });
  }
  // The skew is allowed, and no more.
  assert.ok(lib.verifyProxyToken(token, "s3cret", { now: (claims.exp + 30) * 1000 }));
});

test("bad arguments are ConfigurationErrors", () => {
  const bad = [
    () => lib.mintProxyToken({ exp: 1 }, "s"),
    () => lib.mintProxyToken({ sub: "u", exp: 1.5 }, "s"),
    () => lib.mintProxyToken({ sub: "u", exp: 1, models: "m" }, "s"),
    () => lib.mintProxyToken({ sub: "u", exp: 1 }, ""),
    () => lib.verifyProxyToken("a.b", []),
    () => lib.verifyProxyToken("a.b", "s", { skewSeconds: -1 }),
    () => lib.verifyProxyToken("a.b", "s", { skewSecs: 1 }),
  ];
  for (const call of bad) assert.throws(call, lib.ConfigurationError);
});
