// @ts-check
// The HPACK static table (RFC 7541 Appendix A): 61 entries, index 1..61. Used by hpack.cjs.
"use strict";

// "name value" per entry (the value after the first space; most are empty).
// prettier-ignore
const ENTRIES = [
  ":authority", ":method GET", ":method POST", ":path /", ":path /index.html", ":scheme http",
  ":scheme https", ":status 200", ":status 204", ":status 206", ":status 304", ":status 400",
  ":status 404", ":status 500", "accept-charset", "accept-encoding gzip, deflate",
  "accept-language", "accept-ranges", "accept", "access-control-allow-origin", "age", "allow",
  "authorization", "cache-control", "content-disposition", "content-encoding", "content-language",
  "content-length", "content-location", "content-range", "content-type", "cookie", "date", "etag",
  "expect", "expires", "from", "host", "if-match", "if-modified-since", "if-none-match", "if-range",
  "if-unmodified-since", "last-modified", "link", "location", "max-forwards", "proxy-authenticate",
  "proxy-authorization", "range", "referer", "refresh", "retry-after", "server", "set-cookie",
  "strict-transport-security", "transfer-encoding", "user-agent", "vary", "via", "www-authenticate",
];

/** Names and values by index (index 0 unused). */
const STATIC_NAMES = [""];
const STATIC_VALUES = [""];
/** name -> the lowest index with that name. @type {Map<string, number>} */
const STATIC_NAME_INDEX = new Map();
/** name -> (value -> index), for exact matches. @type {Map<string, Map<string, number>>} */
const STATIC_EXACT = new Map();
for (const entry of ENTRIES) {
  const space = entry.indexOf(" ");
  const name = space < 0 ? entry : entry.slice(0, space);
  const value = space < 0 ? "" : entry.slice(space + 1);
  const index = STATIC_NAMES.length;
  STATIC_NAMES.push(name);
  STATIC_VALUES.push(value);
  if (!STATIC_NAME_INDEX.has(name)) STATIC_NAME_INDEX.set(name, index);
  let values = STATIC_EXACT.get(name);
  if (!values) STATIC_EXACT.set(name, (values = new Map()));
  values.set(value, index);
}
const STATIC_LENGTH = STATIC_NAMES.length - 1;

module.exports = { STATIC_NAMES, STATIC_VALUES, STATIC_NAME_INDEX, STATIC_EXACT, STATIC_LENGTH };
