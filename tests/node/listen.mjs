// Test servers on 127.0.0.1 that close with everything they opened: `listen(server)` starts one
// (an http2, https or net server) and resolves to its port; every server started in the test
// file is closed after it, its HTTP/2 sessions and sockets destroyed first.
import { after } from "node:test";
import { once } from "node:events";

const servers = [];
after(() => Promise.all(servers.map((s) => new Promise((ok) => s.close(() => ok())))));

/** @param {import("node:net").Server} server @returns {Promise<number>} its port */
export async function listen(server) {
  const open = new Set();
  const track = (s) => {
    open.add(s);
    s.on("close", () => open.delete(s));
  };
  server.on("session", track);
  server.on("connection", track);
  const close = server.close.bind(server);
  server.close = (cb) => {
    for (const s of open) s.destroy();
    return close(cb);
  };
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server.address().port;
}
