// A node:test reporter that prints, at the end, the results per test file and one closing line
// `package: N passed, N failed, N skipped` (todo tests, the known library issues, count as skipped).
import { basename } from "node:path";

export default async function* summary(source) {
  const files = new Map();
  const failures = [];
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { data } = event;
    if (data.nesting !== 0) continue;
    const file = data.file ? basename(data.file) : "(unknown)";
    const counts = files.get(file) ?? { passed: 0, failed: 0, skipped: 0 };
    files.set(file, counts);
    if (data.skip !== undefined || data.todo !== undefined) counts.skipped++;
    else if (event.type === "test:pass") counts.passed++;
    else {
      counts.failed++;
      failures.push(`${file}: ${data.name}`);
    }
  }
  const total = { passed: 0, failed: 0, skipped: 0 };
  let out = "\n==== package tests: results per file\n";
  for (const [file, c] of [...files].sort()) {
    out += `  ${file.padEnd(22)} ${String(c.passed).padStart(3)} passed  ${String(c.failed).padStart(2)} failed  ${String(c.skipped).padStart(2)} skipped\n`;
    for (const k of Object.keys(total)) total[k] += c[k];
  }
  for (const f of failures) out += `  FAILED ${f}\n`;
  out += `package: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`;
  yield out;
}
