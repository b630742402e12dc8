// The entry: loads the playground, and says what to do if the package is not there (the
// page is served before scripts/build.sh has made pkg/, or the wasm fails to load).
const status = document.getElementById("app-status");

function fail(what, e) {
  status.dataset.state = "error";
  status.textContent = `${what}: ${e?.name ?? "Error"}: ${e?.message ?? e}`;
}

import("./app.js").then(
  (app) => app.start().catch((e) => fail("The playground failed to start", e)),
  (e) => fail("Could not load the package from /pkg/web/ (run scripts/build.sh, then reload)", e),
);
