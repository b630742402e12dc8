"""Records one `/v1/responses` call as a capture file (tests/fixtures/responses/README.md).

    python3 record_responses.py OUT_FILE URL REQUEST_JSON [HEADER:VALUE ...]

The file holds the request (method, path, JSON body), then the response's status line and
headers as received, then the body as raw bytes, chunk-decoded, verbatim to the end of the file.
A body the server cut (a dropped connection) is stored as far as it came, and the file says so.
Standard library only, so it runs in any Python 3.
"""

import http.client
import json
import sys
import time
import urllib.parse


def main() -> None:
    out, url, request = sys.argv[1], sys.argv[2], sys.argv[3]
    extra = dict(h.split(":", 1) for h in sys.argv[4:])
    body = json.dumps(json.loads(request), separators=(",", ":"))
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    headers = {"content-type": "application/json", **{k.strip(): v.strip() for k, v in extra.items()}}
    started = time.monotonic()
    conn.request("POST", parts.path, body=body, headers=headers)
    resp = conn.getresponse()
    note = ""
    try:
        data = resp.read()
    except http.client.IncompleteRead as e:
        data = e.partial
        note = " (the server dropped the connection here)"
    except (ConnectionError, http.client.HTTPException) as e:
        data = b""
        note = f" (read failed: {type(e).__name__})"
    elapsed = time.monotonic() - started
    shown = {k: v for k, v in headers.items() if k.lower() != "authorization"}
    with open(out, "wb") as f:
        f.write(f"POST {parts.path}\n".encode())
        if shown != {"content-type": "application/json"}:
            f.write(("request headers: " + json.dumps(shown) + "\n").encode())
        f.write(body.encode() + b"\n")
        f.write(f"--- response ({len(data)} bytes in {elapsed:.2f}s{note}) ---\n".encode())
        f.write(f"{resp.status} {resp.reason}\n".encode())
        for k, v in resp.getheaders():
            f.write(f"{k}: {v}\n".encode())
        f.write(b"--- body (raw bytes, chunk-decoded) ---\n")
        f.write(data)
    print(f"{out}: {resp.status}, {len(data)} bytes{note}")


if __name__ == "__main__":
    main()
