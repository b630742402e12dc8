// The flags every test starts Debian's Chromium with (Playwright in tests/e2e and tests/package;
// webdriver.json gives the wasm browser tests the same, less --no-sandbox, which the runner adds):
// headless on a machine with no GPU and a closed network, which Chromium would otherwise keep
// trying to reach.
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
