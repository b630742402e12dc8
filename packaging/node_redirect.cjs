// Redirects on the Node transport, followed as fetch follows them (WHATWG Fetch, "HTTP-redirect
// fetch"): 301, 302, 303, 307 and 308 with a Location, at most 20 in a row; 303 (and 301/302
// after a POST) becomes a GET without a body; a hop to another origin drops the credentials
// (Authorization, which carries the API key, Cookie, Proxy-Authorization); `redirect: "manual"`
// hands the redirect back, `redirect: "error"` fails. The body of each redirect is dropped:
// drained if it has all come (the connection is reused), else its request is cancelled.
"use strict";

const { fetchFailed } = require("./node_send.cjs");

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** Dropped on a hop to another origin. */
const CREDENTIALS = ["authorization", "cookie", "proxy-authorization"];
/** Dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type", "content-length"];

/** fetch's error for a redirect it will not follow, `why` in its cause. @param {string} why */
const redirectFailed = (why) => fetchFailed(new Error(why));

/** `headers` (any form fetch takes) as a plain object without `drop`. */
function headersWithout(headers, drop) {
  const h = new Headers(headers);
  for (const name of drop) h.delete(name);
  /** @type {Record<string, string>} */
  const out = {};
  h.forEach((v, k) => (out[k] = v));
  return out;
}

/**
 * `send` (a fetch-like function that does not follow redirects) made to follow them.
 * @template {{ status: number, url: string, redirected: boolean, headers: { get(name: string): string | null }, discard(): void }} R
 * @param {(url: string, init: any) => Promise<R>} send
 * @returns {(url: string, init: any) => Promise<R>}
 */
function followingRedirects(send) {
  /** @param {R} res @param {string} url @param {any} init @param {number} hops @returns {Promise<R> | R} */
  const follow = (res, url, init, hops) => {
    if (!REDIRECTS.has(res.status) || init.redirect === "manual") return res;
    const location = res.headers.get("location");
    if (location === null) return res;
    res.discard();
    if (init.redirect === "error") throw redirectFailed(`redirected (${res.status}) with redirect: "error"`);
    if (hops >= MAX_REDIRECTS) throw redirectFailed(`more than ${MAX_REDIRECTS} redirects`);
    let next;
    try {
      next = new URL(location, url);
    } catch {
      throw redirectFailed(`a redirect to an invalid URL (${location})`);
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") throw redirectFailed(`a redirect to ${next.protocol}`);
    const method = String(init.method || "GET").toUpperCase();
    const toGet = (res.status === 303 && method !== "GET" && method !== "HEAD") || ((res.status === 301 || res.status === 302) && method === "POST");
    const drop = [...(toGet ? BODY_HEADERS : []), ...(next.origin !== new URL(url).origin ? CREDENTIALS : [])];
    const nextInit = drop.length === 0 ? init : { ...init, headers: headersWithout(init.headers, drop) };
    if (toGet) {
      nextInit.method = "GET";
      nextInit.body = undefined;
    }
    next.hash = "";
    return send(next.href, nextInit).then((r) => {
      r.redirected = true;
      return follow(r, next.href, nextInit, hops + 1);
    });
  };
  return (url, init) => send(url, init).then((res) => (REDIRECTS.has(res.status) ? follow(res, url, init, 0) : res));
}

module.exports = { followingRedirects };
