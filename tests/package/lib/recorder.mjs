// A recording HTTP proxy to the mock, put between a worker under test and the mock: it forwards
// each request as is (streaming both ways) and records when the upstream answer started, finished,
// or was cut because the worker went away (`closedEarly`). It can also add headers to the next
// requests (`inject`), e.g. a mock fault, which the worker itself never forwards.
import { createServer, request as httpRequest } from "node:http";

export async function startRecorder(target) {
  const upstream = new URL(target);
  const log = [];
  let inject = {};
  const server = createServer((req, res) => {
    const entry = { method: req.method, path: req.url, headers: req.headers, start: Date.now(), firstByteAt: null, finishedAt: null, closedAt: null, closedEarly: false, bytes: 0 };
    log.push(entry);
    const up = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, ...inject } },
      (ur) => {
        res.writeHead(ur.statusCode, ur.headers);
        ur.on("data", (d) => {
          entry.firstByteAt ??= Date.now();
          entry.bytes += d.length;
          res.write(d);
        });
        ur.on("end", () => {
          entry.finishedAt = Date.now();
          res.end();
        });
        // The upstream dropped the connection mid-body: so does this proxy (not a clean end).
        ur.on("close", () => {
          if (!ur.complete) res.destroy();
        });
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
    res.on("close", () => {
      entry.closedAt = Date.now();
      if (!res.writableFinished) {
        entry.closedEarly = true;
        up.destroy();
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    inject(headers) {
      inject = headers ?? {};
    },
    close() {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}
