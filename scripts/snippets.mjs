// Finishes the JS snippets of one wasm-bindgen output directory, in place: wasm-bindgen copies
// them as written (comments and all), which would ship several KB of comments to every user.
// esbuild strips comments and whitespace (names stay). With --cjs, the snippets become
// CommonJS too (for the `nodejs` target: `require` cannot load ES modules on Node 20), imports
// between snippets becoming requires, and each result is checked: `require` must give exactly
// the exports the ES module of <esm dir> has, so a new snippet cannot silently break
// `require("baseten-edge")`.
// Usage: node scripts/snippets.mjs <dir> [--cjs <esm dir with the same snippets>]
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { transformSync } from "esbuild";

const [dir, flag, esmDir] = process.argv.slice(2);
const cjs = flag === "--cjs";
if (!dir || (flag !== undefined && !(cjs && esmDir))) throw new Error("usage: snippets.mjs <dir> [--cjs <esm dir>]");

/** Every .js file below `d`. @param {string} d @returns {string[]} */
function files(d) {
  return readdirSync(d).flatMap((name) => {
    const path = join(d, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".js") ? [path] : [];
  });
}

const snippets = files(join(dir, "snippets"));
for (const file of snippets) {
  const options = { loader: "js", minifyWhitespace: true, legalComments: "none" };
  const { code } = transformSync(readFileSync(file, "utf8"), cjs ? { ...options, format: "cjs", target: "node18" } : options);
  writeFileSync(file, code);
}

if (cjs) {
  const require = createRequire(import.meta.url);
  for (const file of snippets) {
    const esm = join(esmDir, relative(dir, file));
    const want = Object.keys(await import(pathToFileURL(resolve(esm)).href)).sort();
    const got = Object.keys(require(resolve(file))).sort();
    if (want.join() !== got.join()) {
      throw new Error(`snippets: ${file} exports [${got}] as CommonJS but [${want}] as an ES module`);
    }
  }
}
console.error(`snippets: ${snippets.length} snippets of ${dir} minified${cjs ? ", made CommonJS and checked" : ""}`);
